"""Shared fixture of the controller end-to-end tests: a local cluster
(`capstan cluster up` on a free port, temp dir), a bare Git repository the
Applications point at (file://), `capstan controller` processes, and the
real kubectl as the drift maker. Everything is cleaned up at exit, also on
failure. Each test file is one CTest test named by concern."""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CAPSTAN = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CAPSTAN_BIN", "capstan"))
KUBECTL = shutil.which("kubectl") or "kubectl"

failures = []
passes = 0
# A SIGTERM (ctest, timeout) still runs the atexit cleanup: no stray clusters.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))


def check(name, cond, detail=""):
    global passes
    if cond:
        passes += 1
        print(f"ok   {name}", flush=True)
    else:
        failures.append(name)
        print(f"FAIL {name}\n     {detail}", flush=True)
    return cond


def finish():
    print(f"{passes} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def deployment(name, image="nginx:1.25", replicas=1):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: main
        image: {image}
"""


def configmap(name, data="v"):
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
data:
  key: "{data}"
"""


# A PreSync hook Job that completes (the hook of the restart and lease tests).
PRESYNC_HOOK = """apiVersion: batch/v1
kind: Job
metadata:
  name: presync
  annotations:
    argocd.argoproj.io/hook: PreSync
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
"""


def then_wave1_configmap(first):
    """`first` (wave 0), then ConfigMap `after` in wave 1: a sync that stays
    in wave 0 until `first` is ready."""
    return first + "---\n" + configmap("after").replace(
        "name: after\n", "name: after\n  annotations:\n    argocd.argoproj.io/sync-wave: \"1\"\n")


# A PreSync hook Job with a generated name, kept after success: each sync
# that runs hooks leaves one more (the concurrency tests count them).
COUNTED_PRESYNC_HOOK = """apiVersion: batch/v1
kind: Job
metadata:
  generateName: presync-
  annotations:
    argocd.argoproj.io/hook: PreSync
    argocd.argoproj.io/hook-delete-policy: HookFailed
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
"""


class Env:
    def __init__(self, name, rules="rules: []\n", speed=50, pod_start_seconds=1):
        self.tmp = tempfile.mkdtemp(prefix=f"capstan-ctl-{name}-")
        self.data = os.path.join(self.tmp, "cluster")
        self.env = dict(os.environ)
        self.env["KUBECONFIG"] = os.path.join(self.data, "kubeconfig")
        self.env["KUBECACHEDIR"] = os.path.join(self.tmp, "kubecache")
        self.env["HOME"] = self.tmp
        self.env["CAPSTAN_HOME"] = os.path.join(self.tmp, "home")
        self.env["CAPSTAN_SYNC_WAVE_DELAY_MS"] = "100"
        self.controllers = []
        atexit.register(self.close)
        with open(os.path.join(self.tmp, "rules.yaml"), "w") as f:
            f.write(rules)
        self.run([CAPSTAN, "cluster", "up", "--data", self.data, "--port", str(free_port()),
                  "--rules", os.path.join(self.tmp, "rules.yaml"), "--speed", str(speed),
                  "--pod-start-seconds", str(pod_start_seconds)])
        self.repo = os.path.join(self.tmp, "gitops.git")
        self.work = os.path.join(self.tmp, "work")
        self.url = "file://" + self.repo
        self.run(["git", "init", "-q", "--bare", "-b", "main", self.repo])
        self.run(["git", "init", "-q", "-b", "main", self.work])
        self.kubectl("create", "namespace", "argocd")

    def run(self, args, input=None, check_rc=True, timeout=120):
        p = subprocess.run(args, input=input, capture_output=True, text=True, env=self.env, timeout=timeout)
        if check_rc and p.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
        return p

    def kubectl(self, *args, input=None, check_rc=True):
        return self.run([KUBECTL] + list(args), input=input, check_rc=check_rc).stdout

    def git(self, *args):
        return self.run(["git", "-C", self.work, "-c", "user.name=t", "-c", "user.email=t@example.com"] + list(args)).stdout

    def commit(self, files, message="change", remove=()):
        """Writes (or removes) files in the work tree, commits, pushes; returns the commit id."""
        for path, text in files.items():
            full = os.path.join(self.work, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as f:
                f.write(text)
        for path in remove:
            os.remove(os.path.join(self.work, path))
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        self.git("push", "-q", self.repo, "main")
        return self.git("rev-parse", "HEAD").strip()

    def application(self, name, path, namespace, automated=True, prune=True, self_heal=True, retry=None,
                    finalizer=None, allow_empty=False):
        spec = {
            "project": "default",
            "source": {"repoURL": self.url, "targetRevision": "main", "path": path},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
            "syncPolicy": {"syncOptions": ["CreateNamespace=true"]},
        }
        if automated:
            spec["syncPolicy"]["automated"] = {"prune": prune, "selfHeal": self_heal, "allowEmpty": allow_empty}
        if retry:
            spec["syncPolicy"]["retry"] = retry
        meta = {"name": name, "namespace": "argocd"}
        if finalizer:
            meta["finalizers"] = [finalizer]
        obj = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "metadata": meta, "spec": spec}
        # capstan app create installs the argoproj.io CRDs the first time.
        path_ = os.path.join(self.tmp, f"app-{name}.json")
        with open(path_, "w") as f:
            json.dump(obj, f)
        self.run([CAPSTAN, "app", "create", "-f", path_])
        return obj

    def app(self, name):
        out = self.kubectl("-n", "argocd", "get", "application", name, "-o", "json", check_rc=False)
        return json.loads(out) if out.strip() else None

    def start_controller(self, *args, log_name="controller"):
        log = open(os.path.join(self.tmp, f"{log_name}-{len(self.controllers)}.log"), "w")
        argv = [CAPSTAN, "controller", "--metrics-port", "0", "--resync", "30s", "--resync-jitter", "1s",
                "--repo-poll", "1s", "--self-heal-backoff-timeout-seconds", "1", "--self-heal-backoff-factor", "2",
                "--log-level", "debug"] + list(args)
        p = subprocess.Popen(argv, stdout=log, stderr=log, env=self.env)
        p.log_path = log.name
        self.controllers.append(p)
        return p

    def stop_controller(self, p, sig=signal.SIGTERM):
        if p.poll() is None:
            p.send_signal(sig)
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        return p.returncode

    def log(self, p):
        with open(p.log_path) as f:
            return f.read()

    def metrics_port(self, p, timeout=10):
        end = time.time() + timeout
        while time.time() < end:
            for line in self.log(p).splitlines():
                if "metrics on http://" in line:
                    return int(line.split("metrics on http://")[1].split("/")[0].split(":")[1])
            time.sleep(0.1)
        raise RuntimeError("controller did not report its metrics port")

    def wait(self, what, pred, timeout=30, interval=0.1):
        """Polls pred() until true; returns the seconds it took, or None on timeout."""
        start = time.time()
        last = None
        while time.time() - start < timeout:
            try:
                last = pred()
                done = bool(last)
            except Exception as e:  # noqa: BLE001 - transient kubectl errors while polling
                last, done = e, False  # an error is not the condition: keep polling
            if done:
                return time.time() - start
            time.sleep(interval)
        print(f"     timed out waiting for {what} (last: {last})")
        return None

    def synced_healthy(self, name, revision=None):
        a = self.app(name)
        if not a:
            return False
        st = a.get("status", {})
        ok = st.get("sync", {}).get("status") == "Synced" and st.get("health", {}).get("status") == "Healthy"
        return ok and (revision is None or st.get("sync", {}).get("revision") == revision)

    def exists(self, *args):
        return self.run([KUBECTL, "get"] + list(args), check_rc=False).returncode == 0

    def close(self):
        for p in self.controllers:
            if p.poll() is None:
                p.kill()
                p.wait()
        if os.environ.get("CAPSTAN_KEEP_TEST_DIR"):
            print("kept", self.tmp)
        else:
            subprocess.run([CAPSTAN, "cluster", "down", "--data", self.data], capture_output=True, env=self.env)
            shutil.rmtree(self.tmp, ignore_errors=True)
