"""Shared by push_ssh_test.py and push_https_test.py: a GitOps repository
with one service and three overlays in a bare repository, a checkout whose
origin is the remote under test, and the checks."""
import os, socket, subprocess, tempfile

ENV = dict(os.environ, GIT_AUTHOR_NAME="CI Bot", GIT_AUTHOR_EMAIL="ci@example.com",
           GIT_COMMITTER_NAME="CI Bot", GIT_COMMITTER_EMAIL="ci@example.com")
for var in ("SSH_AUTH_SOCK", "SSL_CERT_FILE", "SSL_CERT_DIR", "GIT_SSH_COMMAND"):
    ENV.pop(var, None)
failures = []

DEPLOY = """apiVersion: apps/v1
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


def overlay(env, tag):
    return f"""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../base
namespace: auth-{env}   # {env} namespace
images:
- name: registry.gitlab.com/ta/auth
  newTag: {tag}
"""


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


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_origin(tmp, name="origin.git"):
    """A bare repository holding apps/auth (base, overlays dev/staging/production)."""
    bare = os.path.join(tmp, name)
    git(tmp, "init", "--bare", "-q", bare)
    git(bare, "config", "http.receivepack", "true")
    seed = tempfile.mkdtemp(prefix="seed-", dir=tmp)
    git(seed, "init", "-q")
    os.makedirs(os.path.join(seed, "apps/auth/base"))
    open(os.path.join(seed, "apps/auth/base/deployment.yaml"), "w").write(DEPLOY)
    open(os.path.join(seed, "apps/auth/base/kustomization.yaml"), "w").write("resources:\n- deployment.yaml\n")
    for env, tag in [("dev", "v1.2.0"), ("staging", "v1.0.0"), ("production", "v1.0.0")]:
        os.makedirs(os.path.join(seed, f"apps/auth/overlays/{env}"))
        open(os.path.join(seed, f"apps/auth/overlays/{env}/kustomization.yaml"), "w").write(overlay(env, tag))
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
