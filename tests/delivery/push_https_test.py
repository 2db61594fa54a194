#!/usr/bin/env python3
"""`capstan image set --push` and `capstan promote --push` to an https://
remote: `git http-backend` (CGI) behind a small TLS server with HTTP basic
auth, its certificate signed by a CA the test makes. The server is trusted
only through the credentials entry's ca= (refused without it, with another
CA's file, or under a name the certificate does not hold); the right token
pushes, a wrong one fails with one line that does not hold it; a rejected
(non-fast-forward) push is fetched, rebased and retried over https; the
token never appears in capstan's output. Pushed commits are checked with
`git clone` over https. The Git source's fetch (RepoCache, same callbacks)
from the same server: trusted with ca=, refused without, wrong token.
usage: push_https_test.py CAPSTAN GIT_FETCH_PROBE"""
import base64, datetime, http.server, ipaddress, os, shutil, ssl, subprocess, sys, tempfile, threading

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from push_common import ENV, check, checkout, failures, git, make_origin, one_line, probe, push_unrelated, reset_to

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CAPSTAN = os.path.abspath(sys.argv[1])
PROBE = os.path.abspath(sys.argv[2])
USER, TOKEN = "ci-bot", "glpat-Zq8Xv3TokenNeverShown"
HTTP_BACKEND = next((p for p in ("/usr/lib/git-core/git-http-backend", "/usr/libexec/git-core/git-http-backend")
                     if os.path.exists(p)), None)
if not HTTP_BACKEND:
    HTTP_BACKEND = os.path.join(subprocess.run(["git", "--exec-path"], capture_output=True, text=True).stdout.strip(),
                                "git-http-backend")


def write_pem(path, data):
    open(path, "wb").write(data)
    return path


def make_ca(tmp, name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(hours=1))
            .not_valid_after(now + datetime.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    path = write_pem(os.path.join(tmp, name + ".pem"), cert.public_bytes(serialization.Encoding.PEM))
    return key, cert, path


def make_server_cert(tmp, ca_key, ca_cert):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "git")]))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    crt = write_pem(os.path.join(tmp, "server.crt"), cert.public_bytes(serialization.Encoding.PEM))
    key_path = write_pem(os.path.join(tmp, "server.key"), key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return crt, key_path


class GitHandler(http.server.BaseHTTPRequestHandler):
    """git http-backend as CGI, behind HTTP basic auth."""
    protocol_version = "HTTP/1.0"
    project_root = ""
    pushes_by = []

    def log_message(self, *args):
        pass

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def handle_git(self):
        expected = "Basic " + base64.b64encode(f"{USER}:{TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            self.body()
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        body = self.body()
        env = dict(os.environ, GIT_PROJECT_ROOT=self.project_root, GIT_HTTP_EXPORT_ALL="1", PATH_INFO=path,
                   QUERY_STRING=query, REQUEST_METHOD=self.command, REMOTE_USER=USER, REMOTE_ADDR="127.0.0.1",
                   GATEWAY_INTERFACE="CGI/1.1", CONTENT_TYPE=self.headers.get("Content-Type", ""),
                   CONTENT_LENGTH=str(len(body)))
        if self.headers.get("Content-Encoding"):
            env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
        out = subprocess.run([HTTP_BACKEND], input=body, capture_output=True, env=env).stdout
        head, _, payload = out.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode().split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        if path.endswith("/git-receive-pack"):
            GitHandler.pushes_by.append(USER)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = handle_git
    do_POST = handle_git


tmp = tempfile.mkdtemp(prefix="capstan-push-https-")
server = None
outputs = []
try:
    ca_key, ca_cert, ca_pem = make_ca(tmp, "test-ca")
    _, _, other_ca_pem = make_ca(tmp, "other-ca")
    crt, key = make_server_cert(tmp, ca_key, ca_cert)
    repos = os.path.join(tmp, "repos")
    os.makedirs(repos)
    bare = make_origin(repos)
    GitHandler.project_root = repos
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), GitHandler)
    server.daemon_threads = True
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(crt, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    url = f"https://127.0.0.1:{port}/origin.git"
    work = checkout(tmp, bare, url, "work")
    CENV = dict(ENV, HOME=os.path.join(tmp, "home"))

    def capstan(*args):
        r = subprocess.run([CAPSTAN] + list(args), cwd=work, capture_output=True, text=True, env=CENV, timeout=60)
        outputs.append(r.stdout + r.stderr)
        return r

    def creds(name, line):
        path = os.path.join(tmp, name)
        open(path, "w").write(line + "\n")
        return path

    good = creds("creds", f"https://{USER}:{TOKEN}@127.0.0.1:{port} ca={ca_pem}")
    GIT_HTTPS = dict(ENV, GIT_SSL_CAINFO=ca_pem, GIT_TERMINAL_PROMPT="0")

    def remote_file(path):
        dest = tempfile.mkdtemp(prefix="verify-", dir=tmp)
        git(tmp, "clone", "-q", f"https://{USER}:{TOKEN}@127.0.0.1:{port}/origin.git", dest, env=GIT_HTTPS)
        text = open(os.path.join(dest, path)).read()
        log = git(dest, "log", "--format=%an|%s", "-3")
        shutil.rmtree(dest)
        return text, log

    dev = "apps/auth/overlays/dev"
    before = git(bare, "rev-parse", "main").strip()

    # 1. The test CA is not a system CA: refused without ca=.
    r = capstan("image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_noca", f"https://{USER}:{TOKEN}@127.0.0.1:{port}"))
    check(r.returncode != 0 and "not trusted by the system's CA certificates" in r.stderr and "ca=" in r.stderr
          and one_line(r.stderr), f"untrusted certificate refused: {r.returncode} {r.stderr!r}")
    reset_to(work, bare)

    # 2. ca= of another CA: refused.
    r = capstan("image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_otherca", f"https://{USER}:{TOKEN}@127.0.0.1:{port} ca={other_ca_pem}"))
    check(r.returncode != 0 and "is not trusted: unable to get local issuer certificate" in r.stderr
          and one_line(r.stderr), f"other CA refused: {r.returncode} {r.stderr!r}")
    reset_to(work, bare)

    # 3. The right CA, but a name the certificate does not hold (localhost, not 127.0.0.1).
    git(work, "remote", "set-url", "origin", f"https://localhost:{port}/origin.git")
    r = capstan("image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_name", f"https://{USER}:{TOKEN}@localhost:{port} ca={ca_pem}"))
    check(r.returncode != 0 and "is not issued for localhost" in r.stderr and one_line(r.stderr),
          f"wrong host name refused: {r.returncode} {r.stderr!r}")
    git(work, "remote", "set-url", "origin", url)
    reset_to(work, bare)

    # 4. Wrong token: refused by the server, one line, no token.
    r = capstan("image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials",
                creds("creds_wrong", f"https://{USER}:wrong-{TOKEN[:6]}@127.0.0.1:{port} ca={ca_pem}"))
    check(r.returncode != 0 and f"refused user {USER} with the password or token of the credentials entry "
          f"https://127.0.0.1:{port}" in r.stderr and one_line(r.stderr), f"wrong token: {r.returncode} {r.stderr!r}")
    check(git(bare, "rev-parse", "main").strip() == before, "refused pushes left the remote unchanged")

    # 5. The right token, run again after someone else pushed: the commit the
    # failed run left is rebased onto theirs and pushed.
    push_unrelated(tmp, bare, "hello\n")
    r = capstan("image", "set", dev, "registry.gitlab.com/ta/auth:v1.3.0", "--push", "--credentials", good)
    check(r.returncode == 0 and "images already set" in r.stdout and
          "pushed to origin (after fetching and rebasing)" in r.stdout,
          f"image set --push over https (finishing the failed run): {r.stdout} {r.stderr}")
    text, log = remote_file(dev + "/kustomization.yaml")
    check("newTag: v1.3.0" in text and "# dev namespace" in text, "image set commit on the remote: " + text)
    check(log.splitlines()[0] == "CI Bot|Update images: registry.gitlab.com/ta/auth:v1.3.0" and
          "unrelated change" in log.splitlines()[1], "image set commit on top of the upstream one: " + log)
    check(GitHandler.pushes_by == [USER], f"the server saw one authenticated push: {GitHandler.pushes_by}")

    # The Git source fetches through the same callbacks.
    r = probe(PROBE, tmp, url, good, CENV)
    outputs.append(r.stdout + r.stderr)
    check(r.returncode == 0 and r.stdout.strip() == git(bare, "rev-parse", "main").strip(),
          f"Git source fetch over https: {r.stdout} {r.stderr}")
    r = probe(PROBE, tmp, url, os.path.join(tmp, "creds_noca"), CENV)
    outputs.append(r.stdout + r.stderr)
    check(r.returncode != 0 and "not trusted by the system's CA certificates" in r.stderr and one_line(r.stderr),
          f"Git source fetch: untrusted certificate refused: {r.stderr!r}")
    r = probe(PROBE, tmp, url, os.path.join(tmp, "creds_wrong"), CENV)
    outputs.append(r.stdout + r.stderr)
    check(r.returncode != 0 and f"refused user {USER} with the password or token" in r.stderr and one_line(r.stderr),
          f"Git source fetch: wrong token: {r.stderr!r}")

    # 6. Rejected as non-fast-forward: fetched over https, rebased, pushed again.
    push_unrelated(tmp, bare, "hello again\n")
    r = capstan("promote", "auth", "--from", "dev", "--to", "staging", "--push", "--credentials", good)
    check(r.returncode == 0 and "after fetching and rebasing" in r.stdout,
          f"promote --push retried after rejection: {r.stdout} {r.stderr}")
    text, log = remote_file("apps/auth/overlays/staging/kustomization.yaml")
    lines = log.splitlines()
    check("newTag: v1.3.0" in text, "promoted tag on the remote: " + text)
    check(lines[0].startswith("CI Bot|Promote auth from dev to staging") and "unrelated change" in lines[1],
          "promote commit on top of the upstream one: " + log)

    check(not any(TOKEN in o or TOKEN[:6] + "@" in o for o in outputs) and len(outputs) == 9,
          f"the token never appears in capstan's output ({len(outputs)} runs)")
finally:
    if server:
        server.shutdown()
        server.server_close()
    shutil.rmtree(tmp, ignore_errors=True)

print(f"{'FAILED' if failures else 'OK'}: {len(failures)} failures")
sys.exit(1 if failures else 0)
