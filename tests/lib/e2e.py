"""What the Python end-to-end tests share. Import with
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
    from e2e import check, failures, finish, run
check() records and prints a failure, finish() prints the verdict and exits
1 when anything failed; cluster_up()/cluster_down() run `capstan cluster up`
in a test's temp dir; git_repo()/push_all() make a bare repository and a work
tree and push to it."""
import os
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)
    return cond


def finish(detail=""):
    print(f"{'FAILED' if failures else 'OK'}: {len(failures)} failures{detail}")
    sys.exit(1 if failures else 0)


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
