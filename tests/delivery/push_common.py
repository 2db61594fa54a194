"""Shared by push_ssh_test.py and push_https_test.py: a GitOps repository
with one service and three overlays in a bare repository, a checkout whose
origin is the remote under test, and the checks."""
import os, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import free_port, gitops_tree  # noqa: E402,F401 (free_port: for the push tests)

ENV = dict(os.environ, GIT_AUTHOR_NAME="CI Bot", GIT_AUTHOR_EMAIL="ci@example.com",
           GIT_COMMITTER_NAME="CI Bot", GIT_COMMITTER_EMAIL="ci@example.com")
for var in ("SSH_AUTH_SOCK", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSH_COMMAND"):
    ENV.pop(var, None)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    else:
        print("ok:", what[:400].replace("\n", " | "), flush=True)


def run(cmd, cwd=None, env=None, check=True, **kw):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env or ENV, timeout=60, **kw)
    if check and r.returncode != 0:
        raise RuntimeError(f"{cmd}: {r.returncode}: {r.stderr}")
    return r


def git(cwd, *args, env=None):
    return run(["git", "-c", "init.defaultBranch=main", "-c", "user.name=T", "-c", "user.email=t@e",
                "-c", "protocol.file.allow=always"] + list(args), cwd=cwd, env=env).stdout


def make_origin(tmp, name="origin.git"):
    """A bare repository holding apps/auth (base, overlays dev/staging/production)."""
    bare = os.path.join(tmp, name)
    git(tmp, "init", "--bare", "-q", bare)
    git(bare, "config", "http.receivepack", "true")
    seed = tempfile.mkdtemp(prefix="seed-", dir=tmp)
    git(seed, "init", "-q")
    gitops_tree(seed)
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "initial")
    git(seed, "push", "-q", bare, "HEAD:main")
    return bare


def checkout(tmp, bare, remote_url, name):
    """A clone of `bare` whose origin is `remote_url` (the transport under test)."""
    work = os.path.join(tmp, name)
    git(tmp, "clone", "-q", bare, work)
    git(work, "remote", "set-url", "origin", remote_url)
    return work


def push_unrelated(tmp, bare, text):
    """Someone else pushes first (another file), straight into the bare repository."""
    other = tempfile.mkdtemp(prefix="other-", dir=tmp)
    git(tmp, "clone", "-q", bare, other)
    open(os.path.join(other, "README.md"), "w").write(text)
    git(other, "add", "README.md")
    git(other, "commit", "-qm", "unrelated change")
    git(other, "push", "-q", "origin", "HEAD:main")


def reset_to(work, bare):
    """Drop a local commit that was not pushed: back to what the remote has."""
    sha = git(bare, "rev-parse", "main").strip()
    git(work, "fetch", "-q", bare, "main")
    git(work, "reset", "-q", "--hard", sha)


def one_line(text):
    return len(text.strip().splitlines()) == 1


def probe(probe_bin, tmp, url, creds, env):
    """The Git source's fetch (RepoCache) of `url` into a fresh cache; main's commit on stdout."""
    cache = tempfile.mkdtemp(prefix="cache-", dir=tmp)
    return subprocess.run([probe_bin, cache, url, "main", creds], capture_output=True, text=True, env=env, timeout=60)
