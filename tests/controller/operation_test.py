#!/usr/bin/env python3
"""The .operation protocol: `kubectl patch` of .operation starts a sync on
an app without automated sync; operationState goes Running -> Succeeded
and .operation is removed; a running operation is terminated by setting
operationState.phase Terminating."""
import json
import time

from harness import Env, check, configmap, deployment, finish

SLOW = deployment("slow", "example.com/never-ready:1") + """---
""" + configmap("after-slow").replace("metadata:\n  name: after-slow\n",
                                      "metadata:\n  name: after-slow\n  annotations:\n    argocd.argoproj.io/sync-wave: \"1\"\n")

env = Env("operation", rules='rules:\n- image: "*never-ready*"\n  behavior: notready\n')
c1 = env.commit({"m/cm.yaml": configmap("m-config"), "slow/all.yaml": SLOW}, "init")
env.application("manual", "m", "m-ns", automated=False)
env.application("slow", "slow", "slow-ns", automated=False)
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
finish()
