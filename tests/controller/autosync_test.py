#!/usr/bin/env python3
"""Automated sync: apps reach Synced/Healthy on their own, a commit is
deployed without a sync command, history and Events record it."""
import sys
import time

from harness import Env, check, configmap, deployment, finish

env = Env("autosync")
c1 = env.commit({"web/cm.yaml": configmap("web-config"), "web/deploy.yaml": deployment("web", "nginx:1.25")}, "web 1.25")
env.application("web", "web", "web-ns")
ctl = env.start_controller()

t = env.wait("web Synced+Healthy at the first commit", lambda: env.synced_healthy("web", c1))
check("a new automated app is synced and healthy without a sync command", t is not None)
check("its resources exist", env.exists("-n", "web-ns", "deployment/web") and env.exists("-n", "web-ns", "configmap/web-config"))
a = env.app("web")
check(".operation is removed after the operation", "operation" not in a, str(a.get("operation")))
op = a["status"].get("operationState", {})
check("operationState Succeeded with syncResult, startedAt, finishedAt",
      op.get("phase") == "Succeeded" and op.get("syncResult", {}).get("revision") == c1 and op.get("startedAt") and op.get("finishedAt"),
      str(op))
check("the automated operation says so", op.get("operation", {}).get("initiatedBy", {}).get("automated") is True, str(op))

start = time.time()
c2 = env.commit({"web/deploy.yaml": deployment("web", "nginx:1.26")}, "web 1.26")
t = env.wait("web at the second commit", lambda: env.synced_healthy("web", c2))
check("a commit is deployed without a sync command", t is not None)
if t is not None:
    print(f"     commit-to-Synced+Healthy: {time.time() - start:.2f} s")
image = env.kubectl("-n", "web-ns", "get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
check("the new image is live", image == "nginx:1.26", image)

hist = env.app("web")["status"].get("history", [])
check("history has both deployments with deployStartedAt/deployedAt",
      [h.get("revision") for h in hist] == [c1, c2] and all(h.get("deployStartedAt") and h.get("deployedAt") for h in hist),
      str(hist))
events = env.kubectl("-n", "argocd", "get", "events", "--field-selector", "involvedObject.name=web", "-o",
                     "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}", check_rc=False)
reasons = events.split()
check("Events OperationStarted and OperationCompleted on the Application",
      reasons.count("OperationStarted") >= 2 and reasons.count("OperationCompleted") >= 2, events)

# An invalid spec gets a condition; the queue keeps working for others.
env.kubectl("apply", "-f", "-", input="""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: broken
  namespace: argocd
spec:
  source:
    repoURL: %s
    path: web
  destination:
    server: https://nowhere.example.com
    namespace: x
  syncPolicy:
    automated: {}
""" % env.url)
t = env.wait("broken gets a condition", lambda: (env.app("broken") or {}).get("status", {}).get("conditions"))
conds = (env.app("broken") or {}).get("status", {}).get("conditions", [])
check("an app with an invalid destination gets a condition, not a crash", t is not None and "nowhere.example.com" in str(conds), str(conds))
check("the controller is still running", ctl.poll() is None)

# manifest-generate-paths: a commit that does not touch an app's paths
# moves it to the new revision without rendering again.
import json as _json
import urllib.request as _url
other = env.application("other", "other", "other-ns")
other["metadata"]["annotations"] = {"argocd.argoproj.io/manifest-generate-paths": "."}
env.commit({"other/cm.yaml": configmap("other-config")}, "other app")
env.kubectl("apply", "-f", "-", input=_json.dumps(other))
c3 = env.git("rev-parse", "HEAD").strip()
check("the annotated app syncs", env.wait("other synced", lambda: env.synced_healthy("other", c3)) is not None)
port = env.metrics_port(ctl)


def reused():
    text = _url.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()
    return sum(float(l.rsplit(" ", 1)[1]) for l in text.splitlines()
               if l.startswith("capstan_manifests_reused_total{") and 'name="other"' in l)


before = reused()
c4 = env.commit({"web/deploy.yaml": deployment("web", "nginx:1.27")}, "web 1.27 only")
t = env.wait("both at c4", lambda: env.synced_healthy("other", c4) and env.synced_healthy("web", c4))
check("a commit outside an app's manifest-generate-paths moves it to the new revision", t is not None)
check("... reusing its manifests instead of rendering them again", reused() == before + 1, f"{before} -> {reused()}")

rc = env.stop_controller(ctl)
check("SIGTERM: the controller drains and exits 0", rc == 0, f"exit {rc}")
finish()
