#!/usr/bin/env python3
"""The .operation protocol: `kubectl patch` of .operation starts a sync on
an app without automated sync; operationState goes Running -> Succeeded
and .operation is removed; a running operation is terminated by setting
operationState.phase Terminating, and a PreSync hook Job still running then
is deleted (Argo CD's terminate)."""
import json
import time

from harness import Env, check, configmap, deployment, finish

SLOW = deployment("slow", "example.com/never-ready:1") + """---
""" + configmap("after-slow").replace("metadata:\n  name: after-slow\n",
                                      "metadata:\n  name: after-slow\n  annotations:\n    argocd.argoproj.io/sync-wave: \"1\"\n")

# A PreSync hook Job that never finishes (its image is never pulled).
HOOK = """apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
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

env = Env("operation", rules='rules:\n- image: "*never-ready*"\n  behavior: notready\n')
c1 = env.commit({"m/cm.yaml": configmap("m-config"), "slow/all.yaml": SLOW, "hooked/hook.yaml": HOOK,
                 "hooked/cm.yaml": configmap("after-hook")}, "init")
env.application("manual", "m", "m-ns", automated=False)
env.application("slow", "slow", "slow-ns", automated=False)
env.application("hooked", "hooked", "hooked-ns", automated=False)
ctl = env.start_controller()
t = env.wait("manual OutOfSync", lambda: env.app("manual")["status"]["sync"]["status"] == "OutOfSync")
check("an app without automated sync is compared, not synced", t is not None and not env.exists("-n", "m-ns", "configmap/m-config"))

op = {"operation": {"sync": {"revision": "main"}, "initiatedBy": {"username": "kubectl-user"}}}
env.kubectl("-n", "argocd", "patch", "application", "manual", "--type", "merge", "-p", json.dumps(op))
t = env.wait("manual synced", lambda: env.synced_healthy("manual", c1))
check("kubectl patch of .operation starts a sync", t is not None)
a = env.app("manual")
check("operationState Succeeded, initiatedBy kept, .operation removed",
      a["status"]["operationState"]["phase"] == "Succeeded" and "operation" not in a and
      a["status"]["operationState"]["operation"]["initiatedBy"]["username"] == "kubectl-user", str(a["status"]["operationState"]))

env.kubectl("-n", "argocd", "patch", "application", "slow", "--type", "merge", "-p", json.dumps(op))
t = env.wait("slow Running", lambda: env.app("slow")["status"].get("operationState", {}).get("phase") == "Running")
check("a long sync shows phase Running", t is not None)
time.sleep(1)
env.kubectl("-n", "argocd", "patch", "application", "slow", "--type", "merge", "-p",
            json.dumps({"status": {"operationState": {"phase": "Terminating"}}}))
t = env.wait("slow terminated", lambda: env.app("slow")["status"]["operationState"]["phase"] == "Failed", timeout=20)
a = env.app("slow")
check("setting phase Terminating terminates the operation", t is not None and
      a["status"]["operationState"]["message"] == "Operation terminated", str(a["status"]["operationState"]))
check("nothing after the terminated wave was applied", not env.exists("-n", "slow-ns", "configmap/after-slow"))
check(".operation removed after termination", "operation" not in a)

env.kubectl("-n", "argocd", "patch", "application", "hooked", "--type", "merge", "-p", json.dumps(op))
t = env.wait("hook Job created", lambda: env.exists("-n", "hooked-ns", "job/migrate"))
check("the PreSync hook Job is created and does not finish", t is not None)
time.sleep(1)
env.kubectl("-n", "argocd", "patch", "application", "hooked", "--type", "merge", "-p",
            json.dumps({"status": {"operationState": {"phase": "Terminating"}}}))
t = env.wait("hooked terminated", lambda: env.app("hooked")["status"]["operationState"]["phase"] == "Failed", timeout=20)
a = env.app("hooked")
check("terminating during a hook: Failed, Operation terminated", t is not None and
      a["status"]["operationState"]["message"] == "Operation terminated", str(a["status"]["operationState"]))
check("the running hook Job is deleted, as Argo CD's terminate does",
      env.wait("hook deleted", lambda: not env.exists("-n", "hooked-ns", "job/migrate"), timeout=20) is not None)
hooks = [r for r in a["status"]["operationState"].get("syncResult", {}).get("resources", []) if r.get("kind") == "Job"]
check("the hook's result says Deleted", hooks and hooks[0].get("message") == "Deleted", json.dumps(hooks)[:300])
check("nothing after the hook was applied", not env.exists("-n", "hooked-ns", "configmap/after-hook"))
finish()
