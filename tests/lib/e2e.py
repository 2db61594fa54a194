"""What the Python end-to-end tests share. Import with
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
    from e2e import check, failures, finish, run
check() counts a pass or records and prints a failure, finish() prints the
verdict ("N passed, N failed") and exits 1 when anything failed;
cluster_up()/cluster_down() run `capstan cluster up` in a test's temp dir;
free_port() is a port nothing listens on; git_repo()/push_all() make a bare
repository and a work tree and push to it; gitops_tree() writes the example
GitOps tree (apps/auth: base and overlays dev/staging/production)."""
import os
import socket
import subprocess
import sys

failures = []
passed = 0


def check(cond, what, detail=""):
    global passed
    if cond:
        passed += 1
    else:
        failures.append(what)
        print("FAIL:", what, *([detail] if detail else []), flush=True)
    return cond


def finish(detail=""):
    print(f"{'FAILED' if failures else 'OK'}: {passed} passed, {len(failures)} failed{detail}")
    sys.exit(1 if failures else 0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def cluster_up(capstan, tmp, *flags):
    """The local cluster in TMP/cluster; returns the environment for commands
    that use it (CAPSTAN_HOME in TMP, KUBECONFIG). Exits 1 when it does not
    start."""
    env = dict(os.environ, CAPSTAN_HOME=os.path.join(tmp, "home"))
    r = run([capstan, "cluster", "up", "--data", os.path.join(tmp, "cluster")] + list(flags), env=env)
    if r.returncode != 0:
        print("FAIL: cluster up:", r.stderr)
        sys.exit(1)
    env["KUBECONFIG"] = os.path.join(tmp, "cluster", "kubeconfig")
    return env


def cluster_down(capstan, tmp):
    run([capstan, "cluster", "down", "--data", os.path.join(tmp, "cluster")])


def git_repo(bare, work):
    """A bare repository BARE and a work tree WORK (which may exist)."""
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", bare], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", work], check=True)


def push_all(work, bare, message):
    """Commits everything in WORK and pushes it to BARE's main."""
    g = ["git", "-C", work, "-c", "user.name=t", "-c", "user.email=t@e"]
    for args in (["add", "-A"], ["commit", "-qm", message], ["push", "-q", bare, "main"]):
        subprocess.run(g + args, check=True)


AUTH_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: auth}
spec:
  selector: {matchLabels: {app: auth}}
  template:
    metadata: {labels: {app: auth}}
    spec:
      containers:
      - {name: auth, image: registry.gitlab.com/ta/auth:v1.0.0}
"""


def auth_overlay(env, tag, extra=""):
    return f"""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../base
namespace: auth-{env}   # {env} namespace
images:
- name: registry.gitlab.com/ta/auth
  newTag: {tag}
{extra}"""


def gitops_tree(root, overlay_extra=""):
    """apps/auth in ROOT: base/ (a Deployment of registry.gitlab.com/ta/auth)
    and overlays/{dev,staging,production}/ at tags v1.2.0, v1.0.0, v1.0.0,
    each overlay followed by OVERLAY_EXTRA."""
    base = os.path.join(root, "apps/auth/base")
    os.makedirs(base)
    open(os.path.join(base, "deployment.yaml"), "w").write(AUTH_DEPLOYMENT)
    open(os.path.join(base, "kustomization.yaml"), "w").write("resources:\n- deployment.yaml\n")
    for env, tag in [("dev", "v1.2.0"), ("staging", "v1.0.0"), ("production", "v1.0.0")]:
        os.makedirs(os.path.join(root, f"apps/auth/overlays/{env}"))
        open(os.path.join(root, f"apps/auth/overlays/{env}/kustomization.yaml"), "w").write(
            auth_overlay(env, tag, overlay_extra))
