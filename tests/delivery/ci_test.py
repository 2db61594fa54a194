#!/usr/bin/env python3
"""`capstan ci gitlab|github`: the pipelines parse, have the plan's stages and
jobs in order with `needs`, production is the manual step; every capstan
command in them exists with the flags used (`--help`); and the GitLab deploy
jobs' scripts, run by bash with GitLab's variables against a file:// GitOps
repository made by `capstan init`, bump staging and promote to production.
usage: ci_test.py CAPSTAN"""
import os, re, shlex, shutil, sys, tempfile, yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, finish, git_repo, push_all, run  # noqa: E402

CAPSTAN = os.path.abspath(sys.argv[1])
STAGES = ["test", "build", "security-scan", "deploy-staging", "deploy-production"]


def capstan_commands(lines):
    out = []
    for l in lines:
        l = l.strip()
        if l.startswith("capstan "):
            out.append(l)
    return out


def check_command(line):
    words = shlex.split(line.replace("$", "X"))[1:]
    sub = [w for w in words[:2] if not w.startswith("-")]
    # `image set`, `ci gitlab`: a second word is a subcommand when --help lists it under Subcommands.
    path = sub[:1]
    top = run([CAPSTAN, path[0], "--help"])
    check(top.returncode == 0, f"`capstan {path[0]} --help` fails: {top.stderr}")
    if len(sub) > 1 and re.search(r"^\s+" + re.escape(sub[1]) + r"\b", top.stdout, re.M) and "SUBCOMMAND" in top.stdout:
        path = sub[:2]
    h = run([CAPSTAN] + path + ["--help"])
    check(h.returncode == 0, f"`capstan {' '.join(path)} --help` fails")
    for w in words:
        if w.startswith("--"):
            check(re.search(re.escape(w) + r"\b", h.stdout) is not None,
                  f"`capstan {' '.join(path)}` has no flag {w}")


# --- GitLab --------------------------------------------------------------
r = run([CAPSTAN, "ci", "gitlab"])
check(r.returncode == 0, "ci gitlab")
gl = yaml.safe_load(r.stdout)
check(gl["stages"] == STAGES, f"gitlab stages {gl['stages']}")
for i, job in enumerate(STAGES):
    check(job in gl and gl[job]["stage"] == job, f"gitlab job {job}")
    if i:
        check(gl[job].get("needs") == [STAGES[i - 1]], f"gitlab {job} needs {STAGES[i - 1]}")
prod_rules = gl["deploy-production"].get("rules", [])
check(any(r.get("when") == "manual" for r in prod_rules), "gitlab deploy-production is manual")
check(not any(r.get("when") == "manual" for r in gl["deploy-staging"].get("rules", [])), "staging is automatic")
gl_cmds = capstan_commands(sum((gl[j].get("script", []) for j in STAGES), []))
check(any(c.startswith("capstan image set") and "--push" in c for c in gl_cmds), "gitlab: image set --push")
check(any(c.startswith("capstan promote") and "--push" in c for c in gl_cmds), "gitlab: promote --push")
for c in gl_cmds:
    check_command(c)

# --- GitHub --------------------------------------------------------------
r = run([CAPSTAN, "ci", "github"])
gh = yaml.safe_load(r.stdout)
jobs = gh["jobs"]
check(list(jobs) == STAGES, f"github jobs {list(jobs)}")
for i, job in enumerate(STAGES[1:], 1):
    check(jobs[job].get("needs") == [STAGES[i - 1]], f"github {job} needs {STAGES[i - 1]}")
check(jobs["deploy-production"].get("environment") == "production", "github production environment (approval gate)")
gh_cmds = capstan_commands(s.get("run", "") for j in jobs.values() for s in j["steps"])
check(any(c.startswith("capstan image set") for c in gh_cmds) and any(c.startswith("capstan promote") for c in gh_cmds),
      "github: image set and promote")
for c in gh_cmds:
    check_command(c)

# --- The GitLab deploy scripts, run for real against a file:// repository ---
tmp = tempfile.mkdtemp(prefix="capstan-ci-")
try:
    bare = os.path.join(tmp, "gitops.git")
    seed = os.path.join(tmp, "seed")
    r = run([CAPSTAN, "init", seed, "--services", "orders", "--registry", "registry.example.com/shop",
             "--repo-url", "file://" + bare])
    check(r.returncode == 0, f"init: {r.stderr}")
    git_repo(bare, seed)
    push_all(seed, bare, "init")
    r = run([CAPSTAN, "ci", "gitlab", "--registry", "registry.example.com/shop", "--gitops-repo", "file://" + bare])
    pipeline = yaml.safe_load(r.stdout)
    shim = os.path.join(tmp, "bin")
    os.makedirs(shim)
    os.symlink(CAPSTAN, os.path.join(shim, "capstan"))
    env = dict(os.environ, PATH=shim + ":" + os.environ["PATH"], CI_PROJECT_NAME="orders",
               CI_COMMIT_SHA="0123abcd", CI_BUILDS_DIR=tmp, CI_SERVER_HOST="gitlab.example.com",
               GITOPS_TOKEN="not-used-by-file-urls", GITLAB_USER_NAME="CI", GITLAB_USER_EMAIL="ci@example.com",
               HOME=tmp)
    for k, v in pipeline["variables"].items():
        env[k] = os.path.expandvars(str(v)) if "$" not in str(v) else v
    env["IMAGE"] = "registry.example.com/shop/orders"
    env["GIT_AUTHOR_NAME"], env["GIT_AUTHOR_EMAIL"] = "CI", "ci@example.com"
    for job in ["deploy-staging", "deploy-production"]:
        jobdir = os.path.join(tmp, job)
        os.makedirs(jobdir)
        script = "set -e\n" + "\n".join(pipeline[".gitops"]["before_script"] + pipeline[job]["script"])
        r = run(["bash", "-c", script], cwd=jobdir, env=env)
        check(r.returncode == 0, f"{job} script failed: {r.stdout} {r.stderr}")
    log = run(["git", "-C", bare, "log", "--format=%an|%s", "main"]).stdout.splitlines()
    check(log[:2] == ["CI|Promote orders 0123abcd to production", "CI|Update orders to 0123abcd"], f"log {log}")
    for env_name in ["staging", "production"]:
        k = run(["git", "-C", bare, "show", f"main:apps/orders/overlays/{env_name}/kustomization.yaml"]).stdout
        check("newTag: 0123abcd" in k, f"{env_name} overlay has the new tag")
    k = run(["git", "-C", bare, "show", "main:apps/orders/overlays/dev/kustomization.yaml"]).stdout
    check("newTag: v1.0.0" in k, "dev untouched")
finally:
    shutil.rmtree(tmp)

finish(f" ({len(gl_cmds)} gitlab, {len(gh_cmds)} github capstan commands checked)")
