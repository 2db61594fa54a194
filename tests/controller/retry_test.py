#!/usr/bin/env python3
"""A failed automated sync is not retried for the same revision (SyncError
"Failed last sync attempt"), a new commit is; syncPolicy.retry retries with
its backoff."""
import time

from harness import Env, check, configmap, finish

BAD = """apiVersion: example.com/v1
kind: DoesNotExist
metadata:
  name: nope
"""

env = Env("retry")
c1 = env.commit({"a/cm.yaml": configmap("a-config"), "r/cm.yaml": configmap("r-config")}, "init")
env.application("noretry", "a", "a-ns")
env.application("retry", "r", "r-ns", retry={"limit": 2, "backoff": {"duration": "1s", "factor": 2, "maxDuration": "10s"}})
ctl = env.start_controller()
check("apps synced", env.wait("synced", lambda: env.synced_healthy("noretry", c1) and env.synced_healthy("retry", c1)) is not None)

c2 = env.commit({"a/bad.yaml": BAD, "r/bad.yaml": BAD}, "bad kind")
t = env.wait("noretry failed", lambda: env.app("noretry")["status"].get("operationState", {}).get("syncResult", {}).get("revision") == c2
             and env.app("noretry")["status"]["operationState"]["phase"] in ("Failed", "Error"))
check("a sync of a bad revision fails", t is not None, str(env.app("noretry")["status"].get("operationState", {}).get("message")))
t = env.wait("SyncError", lambda: "Failed last sync attempt to " + c2 in str(env.app("noretry")["status"].get("conditions")))
check("the failed revision gets the SyncError condition", t is not None, str(env.app("noretry")["status"].get("conditions")))
started = env.app("noretry")["status"]["operationState"]["startedAt"]
time.sleep(4)
a = env.app("noretry")
check("the failed revision is not retried automatically",
      a["status"]["operationState"]["startedAt"] == started and "operation" not in a, str(a["status"]["operationState"]))

t = env.wait("retry done", lambda: env.app("retry")["status"].get("operationState", {}).get("syncResult", {}).get("revision") == c2
             and env.app("retry")["status"]["operationState"]["phase"] in ("Failed", "Error"), timeout=40)
op = env.app("retry")["status"].get("operationState", {})
check("syncPolicy.retry: retried `limit` times", t is not None and op.get("retryCount") == 2 and "retried 2 times" in op.get("message", ""), str(op))

c3 = env.commit({}, "fix", remove=["a/bad.yaml", "r/bad.yaml"])
t = env.wait("noretry fixed", lambda: env.synced_healthy("noretry", c3))
check("a new revision is synced again", t is not None)
t = env.wait("condition cleared", lambda: "Failed last sync" not in str(env.app("noretry")["status"].get("conditions")))
check("the SyncError condition is cleared", t is not None)
finish()
