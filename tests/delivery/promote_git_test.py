#!/usr/bin/env python3
"""`capstan promote` and `capstan image set --commit --push` against file://
bare repositories: commit as the configured author, push, a rejected
(non-fast-forward) push fetched, rebased and retried, a conflicting upstream
change refused, a dirty tree and a missing overlay refused.
usage: promote_git_test.py CAPSTAN"""
import os, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, finish, gitops_tree  # noqa: E402

CAPSTAN = os.path.abspath(sys.argv[1])
ENV = dict(os.environ, GIT_AUTHOR_NAME="CI Bot", GIT_AUTHOR_EMAIL="ci@example.com",
           GIT_COMMITTER_NAME="CI Bot", GIT_COMMITTER_EMAIL="ci@example.com", HOME=tempfile.gettempdir())


def git(cwd, *args):
    return subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "user.name=T", "-c", "user.email=t@e"] +
                          list(args), cwd=cwd, capture_output=True, text=True, env=ENV, check=True).stdout


def capstan(cwd, *args):
    return subprocess.run([CAPSTAN] + list(args), cwd=cwd, capture_output=True, text=True, env=ENV)


tmp = tempfile.mkdtemp(prefix="capstan-promote-")
try:
    bare = os.path.join(tmp, "origin.git")
    git(tmp, "init", "--bare", "-q", bare)
    seed = os.path.join(tmp, "seed")
    git(tmp, "clone", "-q", "file://" + bare, seed)
    gitops_tree(seed, overlay_extra="replicas:\n- name: auth\n  count: 2\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-qm", "initial")
    git(seed, "push", "-q", "origin", "HEAD:main")

    work = os.path.join(tmp, "work")
    git(tmp, "clone", "-q", "file://" + bare, work)
    other = os.path.join(tmp, "other")
    git(tmp, "clone", "-q", "file://" + bare, other)

    # Dry run: diff shown, nothing written.
    before = open(os.path.join(work, "apps/auth/overlays/staging/kustomization.yaml")).read()
    r = capstan(work, "promote", "auth", "--from", "dev", "--to", "staging", "--dry-run")
    check(r.returncode == 0 and "+  newTag: v1.2.0" in r.stdout, f"dry-run diff: {r.stdout} {r.stderr}")
    check(open(os.path.join(work, "apps/auth/overlays/staging/kustomization.yaml")).read() == before, "dry-run wrote")

    # Someone else pushes first (another file): our push is rejected, then rebased and retried.
    open(os.path.join(other, "README.md"), "w").write("hello\n")
    git(other, "add", "README.md")
    git(other, "commit", "-qm", "unrelated")
    git(other, "push", "-q", "origin", "HEAD:main")

    r = capstan(work, "promote", "auth", "--from", "dev", "--to", "staging", "--push")
    check(r.returncode == 0, f"promote --push: {r.stderr}")
    check("after fetching and rebasing" in r.stdout, f"promote retried after rejection: {r.stdout}")
    log = git(bare, "log", "--format=%an <%ae>|%s", "-3", "main")
    check(log.splitlines()[0] == "CI Bot <ci@example.com>|Promote auth from dev to staging: registry.gitlab.com/ta/auth:v1.2.0",
          f"pushed commit: {log}")
    check("unrelated" in log.splitlines()[1], f"rebased onto upstream: {log}")
    staged = git(bare, "show", "main:apps/auth/overlays/staging/kustomization.yaml")
    check(staged == before.replace("newTag: v1.0.0", "newTag: v1.2.0"), "only the tag changed: " + staged)
    check(git(work, "status", "--porcelain") == "", "work tree clean after push")

    # image set --commit --push: the CI deploy step.
    r = capstan(work, "image", "set", "apps/auth/overlays/dev", "registry.gitlab.com/ta/auth:v1.3.0", "--push")
    check(r.returncode == 0, f"image set --push: {r.stderr}")
    dev = git(bare, "show", "main:apps/auth/overlays/dev/kustomization.yaml")
    check("newTag: v1.3.0" in dev and "# dev namespace" in dev, "image set pushed: " + dev)

    # Upstream changed the same file: the rebase does not apply; refused, local commit kept.
    git(other, "pull", "-q", "origin", "main")
    p = os.path.join(other, "apps/auth/overlays/production/kustomization.yaml")
    text = open(p).read()
    open(p, "w").write(text + "# edited upstream\n")
    git(other, "commit", "-qam", "upstream edit")
    git(other, "push", "-q", "origin", "HEAD:main")
    r = capstan(work, "promote", "auth", "--from", "staging", "--to", "production", "--push")
    check(r.returncode != 0 and "also changed upstream" in r.stderr, f"conflict refused: {r.returncode} {r.stderr}")

    # Dirty tree refused before anything is written.
    git(work, "reset", "-q", "--hard", "origin/main")
    p = os.path.join(work, "apps/auth/base/deployment.yaml")
    open(p, "a").write("# local edit\n")
    prod = open(os.path.join(work, "apps/auth/overlays/production/kustomization.yaml")).read()
    r = capstan(work, "promote", "auth", "--from", "dev", "--to", "production", "--commit")
    check(r.returncode != 0 and "uncommitted changes (apps/auth/base/deployment.yaml)" in r.stderr,
          f"dirty refused: {r.stderr} {prod!r}")
    check(open(os.path.join(work, "apps/auth/overlays/production/kustomization.yaml")).read() == prod,
          "dirty: nothing written")
    git(work, "checkout", "--", ".")

    # Missing overlay / service.
    r = capstan(work, "promote", "auth", "--from", "dev", "--to", "qa")
    check(r.returncode != 0 and "overlay qa of auth is missing" in r.stderr, f"missing overlay: {r.stderr}")
    r = capstan(work, "promote", "nope", "--from", "dev", "--to", "staging")
    check(r.returncode != 0 and "no service nope" in r.stderr, f"missing service: {r.stderr}")
finally:
    shutil.rmtree(tmp)

finish()
