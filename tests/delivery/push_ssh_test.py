#!/usr/bin/env python3
"""`capstan image set --push` and `capstan promote --push` to an ssh:// remote:
a real sshd (unprivileged config on 127.0.0.1, a free port, generated host and
client ed25519 keys) runs git-receive-pack/git-upload-pack. Host keys:
refused when unknown (no known_hosts= and an empty ~/.ssh) or different from
the credentials entry's known_hosts=, accepted when listed (plain and hashed
names). Key from key= (also with a passphrase) and from an ssh-agent. A wrong
key fails with one line naming the key file, never its contents. A push
rejected as non-fast-forward is fetched over ssh, rebased and retried. Every
pushed commit is checked with `git clone` over ssh. The Git source's fetch
(RepoCache, same callbacks) from the same remote: trusted, refused.
usage: push_ssh_test.py CAPSTAN GIT_FETCH_PROBE   (exit 77 = skipped: no sshd)"""
import getpass, os, shutil, signal, socket, subprocess, sys, tempfile, time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from push_common import (ENV, check, checkout, failures, git, make_origin, one_line, probe, push_unrelated, reset_to,
                         run, free_port)

CAPSTAN = os.path.abspath(sys.argv[1])
PROBE = os.path.abspath(sys.argv[2])
SSHD = shutil.which("sshd") or next((p for p in ("/usr/sbin/sshd", "/sbin/sshd") if os.path.exists(p)), None)
if not SSHD or not shutil.which("ssh-keygen"):
    print("SKIP: sshd or ssh-keygen not installed (scripts/install-deps installs openssh-server)")
    sys.exit(77)

USER = getpass.getuser()
procs = []


def keygen(path, passphrase="", kind="ed25519"):
    run(["ssh-keygen", "-q", "-t", kind, "-N", passphrase, "-C", "capstan-test", "-f", path])
    return open(path + ".pub").read().split()[:2]  # [type, base64]


def start_sshd(tmp):
    host_key = os.path.join(tmp, "host_key")
    keygen(host_key)
    if os.geteuid() == 0:  # sshd started by root wants its privilege separation directory
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
    for _ in range(5):
        port = free_port()
        cfg = os.path.join(tmp, "sshd_config")
        open(cfg, "w").write(f"""Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {tmp}/sshd.pid
AuthorizedKeysFile {tmp}/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers {USER}
LogLevel VERBOSE
""")
        log = open(os.path.join(tmp, "sshd.log"), "w")
        p = subprocess.Popen([SSHD, "-D", "-e", "-f", cfg], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline and p.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                    if s.recv(64).startswith(b"SSH-"):
                        procs.append(p)
                        return port, open(host_key + ".pub").read().split()[:2]
            except OSError:
                time.sleep(0.1)
        p.kill()
        p.wait()
    raise RuntimeError("sshd did not start: " + open(os.path.join(tmp, "sshd.log")).read())


def capstan(cwd, *args, env=None):
    return subprocess.run([CAPSTAN] + list(args), cwd=cwd, capture_output=True, text=True, env=env or CENV,
                          timeout=60)


tmp = tempfile.mkdtemp(prefix="capstan-push-ssh-")
try:
    home = os.path.join(tmp, "home")
    os.makedirs(home)
    CENV = dict(ENV, HOME=home)  # no ~/.ssh/known_hosts: libgit2's default trusts no host
    port, host_pub = start_sshd(tmp)
    client = os.path.join(tmp, "id_client")
    client_pub = keygen(client)
    locked = os.path.join(tmp, "id_locked")
    locked_pub = keygen(locked, "open sesame 42")
    wrong = os.path.join(tmp, "id_wrong")
    keygen(wrong)
    rsa = os.path.join(tmp, "id_rsa_client")
    rsa_pub = keygen(rsa, kind="rsa")
    open(os.path.join(tmp, "authorized_keys"), "w").write(
        " ".join(client_pub) + "\n" + " ".join(locked_pub) + "\n" + " ".join(rsa_pub) + "\n")

    known = os.path.join(tmp, "known_hosts")
    open(known, "w").write(f"# ssh-keyscan -p {port} 127.0.0.1\n[127.0.0.1]:{port} {host_pub[0]} {host_pub[1]}\n")
    hashed = os.path.join(tmp, "known_hosts_hashed")
    shutil.copy(known, hashed)
    run(["ssh-keygen", "-q", "-H", "-f", hashed])
    other_host = os.path.join(tmp, "other_host_key")
    other_pub = keygen(other_host)
    mismatch = os.path.join(tmp, "known_hosts_mismatch")
    open(mismatch, "w").write(f"[127.0.0.1]:{port} {other_pub[0]} {other_pub[1]}\n")
    ecdsa_pub = keygen(os.path.join(tmp, "other_ecdsa_key"), kind="ecdsa")
    other_type = os.path.join(tmp, "known_hosts_other_type")
    open(other_type, "w").write(f"[127.0.0.1]:{port} {ecdsa_pub[0]} {ecdsa_pub[1]}\n")

    def creds(name, options):
        path = os.path.join(tmp, name)
        open(path, "w").write(f"# test credentials\nssh://127.0.0.1:{port} {options}\n")
        return path

    good = creds("creds", f"key={client} known_hosts={known}")
    bare = make_origin(tmp)
    url = f"ssh://{USER}@127.0.0.1:{port}{bare}"
    work = checkout(tmp, bare, url, "work")

    # git's own ssh, to verify what reached the remote.
    GIT_SSH = dict(ENV, GIT_SSH_COMMAND=f"ssh -i {client} -o IdentitiesOnly=yes -o BatchMode=yes "
                   f"-o UserKnownHostsFile={known} -o StrictHostKeyChecking=yes")

    def remote_file(path):
        dest = tempfile.mkdtemp(prefix="verify-", dir=tmp)
        git(tmp, "clone", "-q", url, dest, env=GIT_SSH)
        text = open(os.path.join(dest, path)).read()
        log = git(dest, "log", "--format=%an|%s", "-3")
        shutil.rmtree(dest)
        return text, log

    dev = "apps/auth/overlays/dev"
    before = git(bare, "rev-parse", "main").strip()

    # 1. Unknown host: no known_hosts= and an empty ~/.ssh: refused, nothing pushed.
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_nohosts", f"key={client}"))
    check(r.returncode != 0 and "is not in ~/.ssh/known_hosts" in r.stderr and "ssh-ed25519 SHA256:" in r.stderr
          and one_line(r.stderr), f"unknown host refused: {r.returncode} {r.stderr!r}")
    check(git(bare, "rev-parse", "main").strip() == before, "unknown host: remote unchanged")
    reset_to(work, bare)

    # 2. known_hosts= lists another key for the host: refused.
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_mismatch", f"key={client} known_hosts={mismatch}"))
    check(r.returncode != 0 and "differs from the keys known_hosts" in r.stderr and one_line(r.stderr),
          f"changed host key refused: {r.returncode} {r.stderr!r}")
    check(git(bare, "rev-parse", "main").strip() == before, "changed host key: remote unchanged")
    reset_to(work, bare)
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_other_type", f"key={client} known_hosts={other_type}"))
    check(r.returncode != 0 and "showed its ssh-ed25519 host key" in r.stderr and
          "lists only ecdsa-sha2-nistp256 keys" in r.stderr and one_line(r.stderr),
          f"known_hosts with another key type: refused, saying so: {r.returncode} {r.stderr!r}")
    reset_to(work, bare)

    # 3. Wrong client key: one line naming the key file, not its contents.
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_wrong", f"key={wrong} known_hosts={known}"))
    secret_lines = [l for l in open(wrong).read().splitlines() if l and not l.startswith("-----")]
    check(r.returncode != 0 and f"refused user {USER} with key {wrong}" in r.stderr and one_line(r.stderr),
          f"wrong key: {r.returncode} {r.stderr!r}")
    check(not any(l in r.stdout + r.stderr for l in secret_lines) and "PRIVATE KEY" not in r.stdout + r.stderr,
          "wrong key: key contents not shown")
    check(git(bare, "rev-parse", "main").strip() == before, "wrong key: remote unchanged")

    # An authorized RSA key: libssh2 1.10 (Debian 12) signs only with ssh-rsa
    # (SHA-1), which this sshd refuses; the error says so (a newer libssh2 pushes).
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_rsa", f"key={rsa} known_hosts={known}"))
    check(r.returncode == 0 or ("use an ed25519 or ECDSA key" in r.stderr and one_line(r.stderr)),
          f"RSA key: pushed, or refused with the hint: {r.returncode} {r.stderr!r}")
    if r.returncode == 0:  # keep the local commit, take it back from the remote for step 4
        git(bare, "update-ref", "refs/heads/main", before)

    # 4. The same command with key= and known_hosts=: the file already holds the
    # tag (the failed run committed it locally), and the commit is pushed now.
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials", good)
    check(r.returncode == 0 and "images already set" in r.stdout and "pushed to origin" in r.stdout,
          f"image set --push over ssh (finishing the failed run): {r.stdout} {r.stderr}")
    text, log = remote_file(dev + "/kustomization.yaml")
    check("newTag: v1.3.0" in text and "# dev namespace" in text, "image set commit on the remote: " + text)
    check(log.splitlines()[0] == "CI Bot|Update images: registry.gitlab.com/ta/auth:v1.3.0", "author: " + log)
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials", good)
    check(r.returncode == 0 and "origin is up to date, nothing to push" in r.stdout,
          f"image set --push again: nothing to push: {r.stdout} {r.stderr}")

    # The Git source fetches through the same callbacks.
    r = probe(PROBE, tmp, url, good, CENV)
    check(r.returncode == 0 and r.stdout.strip() == git(bare, "rev-parse", "main").strip(),
          f"Git source fetch over ssh: {r.stdout} {r.stderr}")
    r = probe(PROBE, tmp, url, os.path.join(tmp, "creds_nohosts"), CENV)
    check(r.returncode != 0 and "connect: the ssh host key of" in r.stderr and one_line(r.stderr),
          f"Git source fetch: unknown host refused: {r.stderr!r}")
    r = probe(PROBE, tmp, url, os.path.join(tmp, "creds_wrong"), CENV)
    check(r.returncode != 0 and f"refused user {USER} with key {wrong}" in r.stderr and one_line(r.stderr),
          f"Git source fetch: wrong key: {r.stderr!r}")

    # 5. Rejected as non-fast-forward: fetched over ssh, rebased, pushed again.
    push_unrelated(tmp, bare, "hello\n")
    r = capstan(work, "promote", "auth", "--from", "dev", "--to", "staging", "--push", "--credentials", good)
    check(r.returncode == 0 and "after fetching and rebasing" in r.stdout,
          f"promote --push retried after rejection: {r.stdout} {r.stderr}")
    text, log = remote_file("apps/auth/overlays/staging/kustomization.yaml")
    lines = log.splitlines()
    check("newTag: v1.3.0" in text, "promoted tag on the remote: " + text)
    check(lines[0].startswith("CI Bot|Promote auth from dev to staging") and "unrelated change" in lines[1],
          "promote commit on top of the upstream one: " + log)

    # 6. Hashed known_hosts names (ssh-keygen -H) and a key with a passphrase.
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.4.0", "--push", "--credentials",
                creds("creds_locked", f"key={locked} passphrase=open%20sesame known_hosts={hashed}"))
    check(r.returncode != 0 and "open sesame" not in r.stdout + r.stderr and one_line(r.stderr) and
          f"the ssh key {locked} (ssh://127.0.0.1:{port}) cannot be used: wrong passphrase=" in r.stderr,
          f"wrong passphrase fails without showing it: {r.returncode} {r.stderr!r}")
    reset_to(work, bare)
    locked_creds = creds("creds_locked", f"key={locked} passphrase=open-sesame known_hosts={hashed}")
    run(["ssh-keygen", "-q", "-p", "-P", "open sesame 42", "-N", "open-sesame", "-f", locked])
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.4.0", "--push", "--credentials",
                locked_creds)
    check(r.returncode == 0 and "open-sesame" not in r.stdout + r.stderr,
          f"passphrase key and hashed known_hosts: {r.stdout} {r.stderr}")
    check("newTag: v1.4.0" in remote_file(dev + "/kustomization.yaml")[0], "passphrase key: pushed")

    # 7. No key= in the entry: the ssh-agent of SSH_AUTH_SOCK.
    sock = os.path.join(tmp, "agent.sock")
    agent = subprocess.Popen(["ssh-agent", "-D", "-a", sock], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(agent)
    for _ in range(50):
        if os.path.exists(sock):
            break
        time.sleep(0.1)
    agent_env = dict(CENV, SSH_AUTH_SOCK=sock)
    run(["ssh-add", "-q", client], env=agent_env)
    agent_creds = creds("creds_agent", f"known_hosts={known}")
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.5.0", "--push", "--credentials",
                agent_creds, env=agent_env)
    check(r.returncode == 0, f"ssh-agent push: {r.stdout} {r.stderr}")
    check("newTag: v1.5.0" in remote_file(dev + "/kustomization.yaml")[0], "ssh-agent: pushed")
    r = capstan(work, "image", "set", dev, "registry.gitlab.com/ta/auth:v1.6.0", "--push", "--credentials",
                agent_creds)
    check(r.returncode != 0 and "no ssh key" in r.stderr and "SSH_AUTH_SOCK" in r.stderr and one_line(r.stderr),
          f"no key and no agent: {r.stderr!r}")
finally:
    for p in procs:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            p.kill()
    shutil.rmtree(tmp, ignore_errors=True)

print(f"{'FAILED' if failures else 'OK'}: {len(failures)} failures")
sys.exit(1 if failures else 0)
