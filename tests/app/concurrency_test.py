#!/usr/bin/env python3
"""Concurrent syncs of one Application are serialised (issue 9, defect 2):
two `capstan app sync` of the same app started together — one runs, the
other stops with "another operation is already in progress"; hooks run
once and no history entry is lost. With a controller holding its Lease,
`capstan app sync` and `rollback` write `.operation` and wait for the
controller to run it, under the same rule."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "controller"))
from harness import CAPSTAN, Env, check, configmap, deployment, finish  # noqa: E402

HOOK = """apiVersion: batch/v1
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
SLOW = deployment("web") + "---\n" + configmap("after").replace(
    "name: after\n", "name: after\n  annotations:\n    argocd.argoproj.io/sync-wave: \"1\"\n")

# Simulated time at real speed: a pod takes 2 s, so a sync takes seconds.
env = Env("app-concurrency", speed=1, pod_start_seconds=2)
c1 = env.commit({"a/hook.yaml": HOOK, "a/all.yaml": SLOW}, "init")
env.application("web", "a", "web-ns", automated=False)


def sync_twice(extra=()):
    procs = [subprocess.Popen([CAPSTAN, "app", "sync", "web"] + list(extra), env=env.env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    return [(p.wait(120), p.stdout.read() + p.stderr.read()) for p in procs]


def jobs():
    out = env.kubectl("-n", "web-ns", "get", "jobs", "-o", "jsonpath={.items[*].metadata.name}", check_rc=False)
    return out.split()


results = sync_twice()
codes = sorted(rc for rc, _ in results)
loser = [out for rc, out in results if rc != 0]
check("two concurrent syncs: exactly one runs", codes == [0, 1], str(results))
check("the other stops with 'another operation is already in progress'",
      loser and "another operation is already in progress" in loser[0], str(loser))
check("the PreSync hook ran once", len(jobs()) == 1, str(jobs()))
a = env.app("web")
check("one history entry, operationState Succeeded",
      len(a["status"].get("history", [])) == 1 and a["status"]["operationState"]["phase"] == "Succeeded",
      str(a["status"].get("history")))

rc = env.run([CAPSTAN, "app", "sync", "web"], check_rc=False).returncode
check("a later sync runs (the lock was released)", rc == 0 and len(env.app("web")["status"]["history"]) == 2)

if os.environ.get("CAPSTAN_CONCURRENCY_PART") == "cli":
    finish()

# With a controller: the CLI hands the operation over.
ctl = env.start_controller("--leader-elect", "--lease-duration-seconds", "5")
check("the controller holds its Lease", env.wait("lease", lambda: env.kubectl(
    "-n", "argocd", "get", "lease", "capstan-controller", "-o", "jsonpath={.spec.holderIdentity}", check_rc=False) != "") is not None)
p = env.run([CAPSTAN, "app", "sync", "web"], check_rc=False)
check("with a controller, app sync writes .operation and the controller runs it",
      p.returncode == 0 and "sync started (by capstan)" in env.log(ctl) and len(env.app("web")["status"]["history"]) == 3,
      p.stdout + p.stderr + env.log(ctl)[-1500:])
results = sync_twice()
codes = sorted(rc for rc, _ in results)
check("with a controller, two concurrent syncs: one runs, one is refused",
      codes == [0, 1] and any("another operation is already in progress" in out for _, out in results), str(results))
check("... and history gained exactly one entry", len(env.app("web")["status"]["history"]) == 4,
      str(len(env.app("web")["status"]["history"])))
first = env.app("web")["status"]["history"][0]["id"]
p = env.run([CAPSTAN, "app", "rollback", "web", str(first)], check_rc=False)
check("app rollback goes through the controller too",
      p.returncode == 0 and env.app("web")["status"]["operationState"]["syncResult"]["revision"] == c1
      and len(env.app("web")["status"]["history"]) == 5, p.stdout + p.stderr)
finish()
