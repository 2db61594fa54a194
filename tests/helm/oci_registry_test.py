#!/usr/bin/env python3
"""Helm charts from an OCI registry, end to end with real components.

A CNCF distribution registry (Debian's docker-registry) on 127.0.0.1 with
TLS from a test CA and htpasswd (bcrypt) auth; the chart pushed with the
reference helm (v3.17.2: registry login + push). Then:
  - `capstan helm template REL oci://...` equals `helm template REL oci://...`
    byte for byte (exact version and a semver range);
  - an Application with an OCI chart source (oci://host/path and the
    scheme-less host/path form) syncs to the local cluster;
  - a wrong password fails with a clear message that never shows it;
  - a chart layer tampered with in the registry's storage is refused
    (sha256 digest check).
With `token`, the registry uses token auth instead of htpasswd: its 401s
carry `WWW-Authenticate: Bearer realm=...,service=...,scope=...` and a token
server started here (TLS, basic auth, RS256 JWTs with an x5c certificate the
registry trusts) hands out the tokens, as Docker Hub, GHCR or Harbor do.

usage: oci_registry_test.py CAPSTAN HELM_DIR [token]
With CAPSTAN_OCI_BENCH=N it only times N pulls + renders of each tool
(bench/helm/CMakeLists.txt: helm_oci_bench).
"""
import base64
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import ssl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, cluster_down, cluster_up, finish, run  # noqa: E402

capstan = os.path.abspath(sys.argv[1])
helm_dir = os.path.abspath(sys.argv[2])
token_mode = len(sys.argv) > 3 and sys.argv[3] == "token"
here = os.path.dirname(os.path.abspath(__file__))

USER, PASSWORD, WRONG = "ci-bot", "s3cret-registry-pw", "wrong-pw-9f8e7d"

CHART = {
    "Chart.yaml": "apiVersion: v2\nname: web\nversion: {version}\nappVersion: \"1.0\"\n",
    "values.yaml": "replicaCount: 1\ncolor: blue\n",
    "templates/configmap.yaml": (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-web\n"
        "  labels:\n    chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n"
        "data:\n  color: {{ .Values.color | quote }}\n  version: {{ .Chart.Version | quote }}\n"
        "  namespace: {{ .Release.Namespace }}\n"),
}


def registry_host():
    """A name of a loopback address other than `localhost`/an IP: helm's
    push/pull (containerd's resolver, MatchLocalhost) speaks plain HTTP to
    localhost and loopback IPs, so a TLS registry must be reached by another
    name. Debian maps the machine's host name to 127.0.x.1 in /etc/hosts."""
    name = socket.gethostname()
    try:
        ip = socket.gethostbyname(name)
    except OSError:
        ip = ""
    if name == "localhost" or not ip.startswith("127."):
        print(f"FAIL: the host name {name!r} must resolve to a loopback address (/etc/hosts) for this test")
        sys.exit(1)
    return name, ip


def free_port(ip):
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_ca(tmp, name):
    """A test CA and a server certificate for 127.0.0.1 / localhost."""
    ca_key, ca, key, csr, crt = (os.path.join(tmp, n) for n in ("ca.key", "ca.pem", "tls.key", "tls.csr", "tls.crt"))
    ext = os.path.join(tmp, "ext.cnf")
    write(ext, f"subjectAltName=DNS:{name},IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    o = ["openssl"]
    subprocess.run(o + ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", ca_key, "-out", ca, "-days", "2", "-subj", "/CN=capstan test CA"],
                   check=True, capture_output=True)
    subprocess.run(o + ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                        "-out", csr, "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    subprocess.run(o + ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial", "-out", crt,
                        "-days", "2", "-extfile", ext], check=True, capture_output=True)
    return ca, crt, key


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def start_token_server(tmp, crt, key, name, ip):
    """distribution's token auth: GET /token?service=..&scope=.. with basic
    auth returns an RS256 JWT granting the scopes asked for. Returns the
    server, its realm URL and the certificate file the registry trusts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    import datetime
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "capstan test token issuer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(signing_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(signing_key, hashes.SHA256()))
    bundle = os.path.join(tmp, "token-signer.pem")
    with open(bundle, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    x5c = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
    good = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

    class Handler(http.server.BaseHTTPRequestHandler):
        # GET with basic auth (docker's token flow, what capstan uses) or
        # POST grant_type=password (containerd's OAuth2 flow, what helm uses).
        def do_GET(self):
            url = urllib.parse.urlparse(self.path)
            self.issue(url.path, urllib.parse.parse_qs(url.query), self.headers.get("Authorization") == good)

        def do_POST(self):
            form = urllib.parse.parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
            ok = form.get("username") == [USER] and form.get("password") == [PASSWORD]
            self.issue(urllib.parse.urlparse(self.path).path, form, ok)

        def issue(self, path, q, ok):
            if path != "/token" or not ok:
                self.send_response(401)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}')
                return
            access = []
            for scope in q.get("scope", []):
                for one in scope.split(" "):
                    parts = one.split(":")
                    if len(parts) == 3 and parts[0] == "repository":
                        access.append({"type": "repository", "name": parts[1], "actions": parts[2].split(",")})
            t = int(time.time())
            header = {"typ": "JWT", "alg": "RS256", "x5c": [x5c]}
            claims = {"iss": "capstan-test-issuer", "sub": USER, "aud": q.get("service", [""])[0],
                      "exp": t + 300, "nbf": t - 10, "iat": t, "jti": os.urandom(8).hex(), "access": access}
            signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
            sig = signing_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
            token = signing_input.decode() + "." + b64url(sig)
            body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    httpd = http.server.ThreadingHTTPServer((ip, 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(crt, key)
    httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"https://{name}:{httpd.server_address[1]}/token", bundle


def start_registry(tmp, crt, key, name, ip, token=None):
    port = free_port(ip)
    htpasswd = os.path.join(tmp, "htpasswd")
    r = run(["htpasswd", "-Bbn", USER, PASSWORD])
    write(htpasswd, r.stdout)
    if token:
        realm, bundle = token
        auth = f"""  token:
    realm: {realm}
    service: capstan-test-registry
    issuer: capstan-test-issuer
    rootcertbundle: {bundle}
"""
    else:
        auth = f"""  htpasswd:
    realm: capstan-test
    path: {htpasswd}
"""
    storage = os.path.join(tmp, "registry-data")
    config = os.path.join(tmp, "registry.yml")
    write(config, f"""version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {storage}
http:
  addr: {ip}:{port}
  secret: capstan-test-secret
  tls:
    certificate: {crt}
    key: {key}
auth:
{auth}""")
    log = open(os.path.join(tmp, "registry.log"), "w")
    proc = subprocess.Popen(["docker-registry", "serve", config], stdout=log, stderr=subprocess.STDOUT)
    ctx = ssl.create_default_context(cafile=os.path.join(tmp, "ca.pem"))
    for _ in range(100):
        try:
            urllib.request.urlopen(f"https://{name}:{port}/v2/", context=ctx, timeout=1)
        except urllib.error.HTTPError as e:
            if e.code == 401:
                return proc, port, storage
        except Exception:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    print("FAIL: docker-registry did not start:\n" + open(os.path.join(tmp, "registry.log")).read())
    sys.exit(1)


def host_of(name, port):
    return f"{name}:{port}"


def main():
    if not shutil.which("docker-registry") or not shutil.which("htpasswd"):
        print("FAIL: docker-registry and htpasswd are needed (scripts/install-deps: docker-registry apache2-utils)")
        sys.exit(1)
    proc = subprocess.run([os.path.join(here, "..", "clients", "fetch_helm.sh"), helm_dir],
                          capture_output=True, text=True)
    if proc.returncode == 2:
        print("SKIP: reference helm unavailable: " + proc.stderr.strip())
        sys.exit(77)  # CTest: SKIP_RETURN_CODE
    if proc.returncode != 0:
        print("FAIL: fetch helm: " + proc.stderr)
        sys.exit(1)
    helm = proc.stdout.strip()
    tmp = tempfile.mkdtemp(prefix="capstan-oci-")
    registry = None
    token_server = None
    cluster = False
    try:
        # capstan reads helm's registry login only where a check asks for it.
        os.environ["HELM_REGISTRY_CONFIG"] = os.path.join(tmp, "no-registry-config.json")
        name, ip = registry_host()
        ca, crt, key = make_ca(tmp, name)
        token = None
        if token_mode:
            token_server, realm, bundle = start_token_server(tmp, crt, key, name, ip)
            token = (realm, bundle)
        registry, port, storage = start_registry(tmp, crt, key, name, ip, token)
        if token_mode:
            r = run(["curl", "-sS", "-o", "/dev/null", "-D", "-", "--cacert", ca, f"https://{host_of(name, port)}/v2/"])
            check("Bearer realm=" in r.stdout, "the registry answers with a Bearer challenge: " + r.stdout)
        host = f"{name}:{port}"
        henv = dict(os.environ, HOME=tmp, HELM_CACHE_HOME=os.path.join(tmp, "helm-cache"),
                    HELM_CONFIG_HOME=os.path.join(tmp, "helm-config"), HELM_DATA_HOME=os.path.join(tmp, "helm-data"),
                    HELM_REGISTRY_CONFIG=os.path.join(tmp, "helm-config", "registry.json"))

        # Push three versions with the reference helm.
        r = run([helm, "registry", "login", host, "--username", USER, "--password-stdin", "--ca-file", ca],
                input=PASSWORD, env=henv)
        if not check(r.returncode == 0, "helm registry login: " + r.stderr):
            return
        for version in ("0.1.0", "0.2.0", "0.3.0-rc.1"):
            src = os.path.join(tmp, "src-" + version, "web")
            for path, text in CHART.items():
                write(os.path.join(src, path), text.replace("{version}", version))
            r = run([helm, "package", src, "-d", os.path.join(tmp, "pkg")], env=henv)
            check(r.returncode == 0, "helm package: " + r.stderr)
            r = run([helm, "push", os.path.join(tmp, "pkg", f"web-{version}.tgz"), f"oci://{host}/charts",
                     "--ca-file", ca], env=henv)
            check(r.returncode == 0, "helm push: " + r.stderr)

        creds = os.path.join(tmp, "credentials")
        write(creds, f"# the registry\noci://{USER}:{PASSWORD}@{host} ca={ca}\n")
        wrong = os.path.join(tmp, "credentials-wrong")
        write(wrong, f"https://{USER}:{WRONG}@{host} ca={ca}\n")
        ref = f"oci://{host}/charts/web"

        bench = int(os.environ.get("CAPSTAN_OCI_BENCH", "0"))
        if bench:  # bench/helm: pull + render time of both tools against this registry
            times = {}
            for tool, cmd, e in (
                    ("helm", [helm, "template", "rel", ref, "--version", "0.1.0", "--ca-file", ca], henv),
                    ("capstan", [capstan, "helm", "template", "rel", ref, "--version", "0.1.0", "--credentials", creds],
                     None)):
                t0 = time.monotonic()
                for _ in range(bench):
                    check(run(cmd, env=e).returncode == 0, tool + " template oci://")
                times[tool] = (time.monotonic() - t0) / bench * 1000
                print(f"{tool}: {times[tool]:.1f} ms per pull + template ({bench} runs)")
            print(f"capstan is {times['helm'] / times['capstan']:.2f}x faster ({'token' if token_mode else 'htpasswd'} auth)")
            return

        # 1. capstan helm template == helm template, byte for byte.
        for version in ("0.1.0", ">=0.1.0 <1.0.0", "~0.1"):
            args = ["template", "rel", ref, "--version", version, "-n", "team"]
            want = run([helm] + args + ["--ca-file", ca], env=henv)
            got = run([capstan, "helm"] + args + ["--credentials", creds])
            check(want.returncode == 0, f"helm template {version}: {want.stderr}")
            check(got.returncode == 0, f"capstan helm template {version}: {got.stderr}")
            check(got.stdout == want.stdout and want.stdout != "",
                  f"capstan helm template --version '{version}' differs from helm:\n{got.stdout}\n---\n{want.stdout}")
        no_version = run([capstan, "helm", "template", "rel", ref, "--credentials", creds])
        check("version: \"0.2.0\"" in no_version.stdout, "no --version takes the newest release (0.2.0): " +
              no_version.stdout + no_version.stderr)
        flags = run([capstan, "helm", "template", "rel", ref, "--version", "0.1.0", "--username", USER,
                     "--password", PASSWORD, "--ca-file", ca])
        check(flags.returncode == 0 and "version: \"0.1.0\"" in flags.stdout,
              "--username/--password/--ca-file: " + flags.stderr)

        login = run([capstan, "helm", "template", "rel", ref, "--version", "0.1.0", "--ca-file", ca], env=henv)
        want = run([helm, "template", "rel", ref, "--version", "0.1.0", "--ca-file", ca], env=henv)
        check(login.returncode == 0 and login.stdout == want.stdout,
              "the login of `helm registry login` is used without flags: " + login.stderr)

        # 2. Wrong password / no credentials: clear, non-zero, no secret.
        bad = run([capstan, "helm", "template", "rel", ref, "--version", "0.1.0", "--credentials", wrong])
        check(bad.returncode != 0, "a wrong password fails")
        check("authentication failed" in bad.stderr and f"https://{host}" in bad.stderr,
              "the error says authentication failed and names the credentials entry: " + bad.stderr)
        check(WRONG not in bad.stderr + bad.stdout and PASSWORD not in bad.stderr,
              "the error never shows the password: " + bad.stderr)
        none = run([capstan, "helm", "template", "rel", ref, "--version", "0.1.0", "--ca-file", ca])
        check(none.returncode != 0 and "no credentials file entry matches" in none.stderr,
              "no credentials: " + none.stderr)
        untrusted = run([capstan, "helm", "template", "rel", ref, "--version", "0.1.0", "--username", USER,
                         "--password", PASSWORD])
        check(untrusted.returncode != 0 and "certificate" in untrusted.stderr.lower(),
              "a registry certificate from an unknown CA is refused: " + untrusted.stderr)
        missing = run([capstan, "helm", "template", "rel", ref, "--version", "9.9.9", "--credentials", creds])
        check(missing.returncode != 0 and "version \"9.9.9\" not found" in missing.stderr,
              "a missing version: " + missing.stderr)
        missing = run([capstan, "helm", "template", "rel", ref, "--version", ">=5.0", "--credentials", creds])
        check(missing.returncode != 0 and "no version matching \">=5.0\"" in missing.stderr,
              "no version in range: " + missing.stderr)

        # 3. Applications with an OCI chart source sync to the local cluster.
        env = cluster_up(capstan, tmp)
        cluster = True
        apps = os.path.join(tmp, "apps.yaml")
        app_docs = []
        for name, url, rev in (("oci-url", f"oci://{host}/charts", "0.1.0"),
                               ("oci-bare", f"{host}/charts", "~0.2")):
            app_docs.append(f"""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
spec:
  project: default
  source:
    repoURL: {url}
    chart: web
    targetRevision: "{rev}"
    helm:
      valuesObject:
        color: green
  destination:
    server: https://kubernetes.default.svc
    namespace: default
""")
        write(apps, "---\n".join(app_docs))
        cache = os.path.join(tmp, "cache")
        for name, version in (("oci-url", "0.1.0"), ("oci-bare", "0.2.0")):
            r = run([capstan, "app", "sync", name, "--file", apps, "--credentials", creds, "--cache-dir", cache],
                    env=env)
            check(r.returncode == 0, f"app sync {name}: {r.stdout}{r.stderr}")
            cm = run(["kubectl", "get", "configmap", f"{name}-web", "-n", "default", "-o", "json"], env=env)
            if check(cm.returncode == 0, f"{name}: ConfigMap synced: {cm.stderr}"):
                data = json.loads(cm.stdout)["data"]
                check(data == {"color": "green", "version": version, "namespace": "default"},
                      f"{name}: synced ConfigMap {data}")
            g = run([capstan, "app", "get", name, "--file", apps, "--credentials", creds, "--cache-dir", cache,
                     "-o", "json"], env=env)
            st = json.loads(g.stdout).get("status", {}) if g.returncode == 0 else {}
            check(st.get("sync", {}).get("status") == "Synced" and st.get("sync", {}).get("revision") == version,
                  f"{name}: Synced at {version}: {g.stdout[-400:]}{g.stderr}")
        r = run([capstan, "app", "sync", "oci-url", "--file", apps, "--credentials", wrong, "--cache-dir",
                 os.path.join(tmp, "cache2")], env=env)
        check(r.returncode != 0 and "authentication failed" in r.stdout + r.stderr and
              WRONG not in r.stdout + r.stderr, "app sync with a wrong password: " + r.stdout + r.stderr)

        # 4. A tampered chart layer is refused: rewrite the blob in storage.
        m = run([capstan, "helm", "template", "rel", ref, "--version", "0.1.0", "--credentials", creds])
        check(m.returncode == 0, "before tampering: " + m.stderr)
        blobs = os.path.join(storage, "docker", "registry", "v2", "blobs", "sha256")
        with open(os.path.join(tmp, "pkg", "web-0.1.0.tgz"), "rb") as f:
            layer = f.read()
        import hashlib
        digest = hashlib.sha256(layer).hexdigest()
        data = os.path.join(blobs, digest[:2], digest, "data")
        if check(os.path.exists(data), "the 0.1.0 chart layer is in the registry's storage"):
            with open(os.path.join(tmp, "pkg", "web-0.2.0.tgz"), "rb") as f:
                other = f.read()
            with open(data, "wb") as f:
                f.write(other)
            t = run([capstan, "helm", "template", "rel", ref, "--version", "0.1.0", "--credentials", creds])
            check(t.returncode != 0 and "digest mismatch" in t.stderr and "sha256:" + digest in t.stderr,
                  "a tampered chart layer is refused: " + t.stdout[:200] + t.stderr)
            check(t.stdout == "", "nothing is rendered from a tampered layer")
    finally:
        if cluster:
            cluster_down(capstan, tmp)
        if registry is not None:
            registry.kill()
            registry.wait()
        if token_server is not None:
            token_server.shutdown()
            token_server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


main()
