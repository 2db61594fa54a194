#!/usr/bin/env python3
"""The refresh annotation: with polling and resync far away, a new commit
is seen only when argocd.argoproj.io/refresh=hard is set; the controller
removes the annotation after the refresh."""
import time
import urllib.request

from harness import Env, check, configmap, finish

env = Env("refresh")
c1 = env.commit({"a/cm.yaml": configmap("a-config", "one")}, "init")
env.application("app", "a", "a-ns")
ctl = env.start_controller("--repo-poll", "1h", "--resync", "1h")
check("synced", env.wait("synced", lambda: env.synced_healthy("app", c1)) is not None)
# The controller fetches every repository once at start: let that happen
# before the next commit, which only a hard refresh may then see.
port = env.metrics_port(ctl)
check("the start-up fetch happened", env.wait("first fetch", lambda: "argocd_git_request_total{" in
      urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics").read().decode()) is not None)
c2 = env.commit({"a/cm.yaml": configmap("a-config", "two")}, "two")
time.sleep(3)
check("without polling the new commit is not seen", env.app("app")["status"]["sync"]["revision"] == c1)
env.kubectl("-n", "argocd", "annotate", "application", "app", "argocd.argoproj.io/refresh=hard")
t = env.wait("deployed", lambda: env.synced_healthy("app", c2))
check("a hard refresh annotation fetches and the automated policy deploys the commit", t is not None)
val = env.kubectl("-n", "a-ns", "get", "configmap", "a-config", "-o", "jsonpath={.data.key}")
check("the new content is live", val == "two", val)
t = env.wait("annotation removed", lambda: "argocd.argoproj.io/refresh" not in env.app("app")["metadata"].get("annotations", {}))
check("the controller removes the refresh annotation", t is not None)
finish()
