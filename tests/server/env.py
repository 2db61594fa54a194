"""Test fixture for `capstan server`: a local cluster (`capstan cluster up`
in a temp dir), a local bare Git repository, and the server on a free port.
Everything lives under one temp dir and is stopped by Env.stop(). check()
and report(): named checks and the `N passed, N failed` line."""
import base64
import hashlib
import hmac
import json
import os
import shutil
import signal
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

# A PreSync hook Job that never finishes (its image is never pulled): the
# first step of a sync that stays Running until it is terminated.
STUCK_PRESYNC_JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: slow-migrate
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  backoffLimit: 0
  template:
    metadata:
      annotations:
        capstan.dev/simulate: imagepull
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: example.com/migrate:1
"""

GIT = ["git", "-c", "user.name=capstan-test", "-c", "user.email=test@capstan.invalid"]
CTX = ssl.create_default_context()
CTX.check_hostname = False
CTX.verify_mode = ssl.CERT_NONE


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def http(method, url, body=None, token=None, headers=None, cookie=None, timeout=60):
    data = None
    h = dict(headers or {})
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        if isinstance(data, str):
            data = data.encode()
        h.setdefault("Content-Type", "application/json")
    if token:
        h["Authorization"] = "Bearer " + token
    if cookie:
        h["Cookie"] = cookie
    req = urllib.request.Request(url, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, context=CTX, timeout=timeout) as r:
            return Response(r.status, r.headers, r.read().decode())
    except urllib.error.HTTPError as e:
        return Response(e.code, e.headers, e.read().decode())


class Env:
    def __init__(self, capstan):
        self.capstan = capstan
        self.root = tempfile.mkdtemp(prefix="capstan-server-test-")
        self.data = os.path.join(self.root, "cluster")
        self.repo = os.path.join(self.root, "remote.git")
        self.work = os.path.join(self.root, "work")
        self.server = None
        self.url = None
        self.password = None

    # --- cluster -------------------------------------------------------------
    def cluster_up(self, rules="rules: []\n"):
        with open(os.path.join(self.root, "rules.yaml"), "w") as f:
            f.write(rules)
        self.run([self.capstan, "cluster", "up", "--data", self.data, "--rules",
                  os.path.join(self.root, "rules.yaml"), "--speed", "100", "--pod-start-seconds", "1"])
        self.kubeconfig = os.path.join(self.data, "kubeconfig")
        os.environ["KUBECONFIG"] = self.kubeconfig
        os.environ["CAPSTAN_HOME"] = os.path.join(self.root, "home")
        cfg = open(self.kubeconfig).read()
        self.kube_url = [l.split("server:")[1].strip() for l in cfg.splitlines() if "server:" in l][0]
        self.kube_token = [l.split("token:")[1].strip() for l in cfg.splitlines() if "token:" in l][0]

    def kube(self, method, path, body=None, content_type=None):
        headers = {"Content-Type": content_type} if content_type else None
        return http(method, self.kube_url + path, body, token=self.kube_token, headers=headers)

    def secret_data(self, name, ns="argocd"):
        r = self.kube("GET", f"/api/v1/namespaces/{ns}/secrets/{name}")
        return {k: base64.b64decode(v).decode() for k, v in r.json().get("data", {}).items()}

    def apply_configmap(self, name, data, ns="argocd"):
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data}
        r = self.kube("PUT", f"/api/v1/namespaces/{ns}/configmaps/{name}", body)
        if r.status == 404:
            r = self.kube("POST", f"/api/v1/namespaces/{ns}/configmaps", body)
        assert r.status in (200, 201), r.body

    def patch_secret(self, name, data, ns="argocd"):
        enc = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
        r = self.kube("PATCH", f"/api/v1/namespaces/{ns}/secrets/{name}", {"data": enc},
                      content_type="application/merge-patch+json")
        assert r.status == 200, r.body

    # --- git -----------------------------------------------------------------
    def git_init(self, files):
        os.makedirs(self.work, exist_ok=True)
        self.run(["git", "init", "-q", "--bare", "-b", "main", self.repo])
        self.run(["git", "init", "-q", "-b", "main", self.work])
        return self.commit(files, "initial")

    def commit(self, files, message):
        for path, text in files.items():
            full = os.path.join(self.work, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        self.run(GIT + ["-C", self.work, "add", "-A"])
        self.run(GIT + ["-C", self.work, "commit", "-q", "-m", message])
        self.run(GIT + ["-C", self.work, "push", "-q", self.repo, "main"])
        return self.run(["git", "-C", self.work, "rev-parse", "HEAD"]).strip()

    @property
    def repo_url(self):
        return "file://" + self.repo

    # --- server --------------------------------------------------------------
    def server_up(self, *extra):
        port_file = os.path.join(self.root, "server.port")
        log = open(os.path.join(self.root, "server.log"), "w")
        self.server = subprocess.Popen(
            [self.capstan, "server", "--kubeconfig", self.kubeconfig, "--port", "0", "--port-file", port_file,
             "--cache-dir", os.path.join(self.root, "cache")] + list(extra),
            stdout=subprocess.PIPE, stderr=log, text=True)
        first = self.server.stdout.readline()
        assert "serving on" in first, first + open(os.path.join(self.root, "server.log")).read()
        self.url = first.split("serving on")[1].strip()
        second = self.server.stdout.readline()
        if "initial admin password:" in second:
            self.password = second.split("initial admin password:")[1].split()[0]
        return self.url

    def server_down(self):
        if self.server:
            self.server.send_signal(signal.SIGTERM)
            try:
                self.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
            self.server = None

    def api(self, method, path, body=None, token=None, **kw):
        return http(method, self.url + path, body, token=token, **kw)

    def login(self, username="admin", password=None):
        r = self.api("POST", "/api/v1/session", {"username": username, "password": password or self.password})
        assert r.status == 200, f"login {username}: {r.status} {r.body}"
        return r.json()["token"]

    def stop(self):
        self.server_down()
        if os.path.exists(self.data):
            subprocess.run([self.capstan, "cluster", "down", "--data", self.data], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

    def run(self, args):
        p = subprocess.run(args, capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p.stdout


failures = []
_passes = [0]


def check(name, cond, detail=""):
    if cond:
        _passes[0] += 1
        print(f"ok   {name}", flush=True)
    else:
        failures.append(name)
        print(f"FAIL {name}\n     {detail}"[:2000], flush=True)
    return cond


def report():
    """Prints `N passed, N failed` and the failed names; returns the exit code."""
    print(f"{_passes[0]} passed, {len(failures)} failed")
    if failures:
        print("failed: " + ", ".join(failures))
    return 1 if failures else 0


def github_signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def wait_for(fn, timeout=60, interval=0.3):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    return last
