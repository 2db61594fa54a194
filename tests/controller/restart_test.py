#!/usr/bin/env python3
"""Restart of a lone controller (no standby, no leader election):
- success metrics in status.capstan.deployments: success rate over the
  operations, time to deploy (commit seen -> Healthy), time to roll back,
  and the capstan_app_* gauges built from them;
- status.observedAt written with a status that changed;
- `kill -9` in the middle of an automated sync with a PreSync hook: the
  restarted controller marks the operation Failed and, the revision's last
  attempt having failed, does not start it again: the hook Job is never
  applied twice, the later wave never applied;
- the same restart with nothing changed writes no other Application (same
  resourceVersion, same observedAt)."""
import json
import re
import signal
import time
import urllib.request

from harness import PRESYNC_HOOK, Env, check, configmap, finish, deployment, then_wave1_configmap

HOOK = PRESYNC_HOOK
SLOW = then_wave1_configmap(deployment("slow", "example.com/never-ready:1"))


def stats(env, name):
    return ((env.app(name) or {}).get("status", {}).get("capstan", {}) or {}).get("deployments", {})


def gauges(env, p):
    port = env.metrics_port(p)
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    out = {}
    for m in re.finditer(r'^(capstan_app_[a-z_]+)\{[^}]*\bname="([^"]+)"[^}]*\} (\S+)$', text, re.M):
        out[(m.group(1), m.group(2))] = float(m.group(3))
    return out


def op(env, name, body):
    env.kubectl("-n", "argocd", "patch", "application", name, "--type", "merge", "-p", json.dumps({"operation": body}))


def op_done(env, name, count, measured=None):
    def done():
        s = stats(env, name)
        return "operation" not in env.app(name) and s.get("total") == count and (
            measured is None or s.get("timeToDeployMs", {}).get("count") == measured)
    return done


env = Env("restart", rules='rules:\n- image: "*never-ready*"\n  behavior: notready\n')
c1 = env.commit({"web/cm.yaml": configmap("web-config", "1"), "man/cm.yaml": configmap("man-config", "1")}, "c1")
env.application("web", "web", "web-ns")
env.application("man", "man", "man-ns", automated=False)
ctl = env.start_controller(log_name="first")
t = env.wait("web synced", lambda: env.synced_healthy("web", c1), timeout=40)
check("web is deployed", t is not None)
t = env.wait("first deploy measured", lambda: stats(env, "web").get("timeToDeployMs", {}).get("count") == 1)
s = stats(env, "web")
check("status.capstan.deployments: 1 operation, succeeded, rate 1.000, time to deploy measured",
      t is not None and s.get("total") == 1 and s.get("succeeded") == 1 and s.get("successRate") == "1.000", str(s))
st = env.app("web")["status"]
check("status.observedAt is written", st.get("observedAt", "").endswith("Z"), str(st.get("observedAt")))
observed1 = st.get("observedAt")

# A commit: deployed by itself; time to deploy runs from the commit seen.
time.sleep(1.1)  # observedAt has second precision
pushed = time.time()
c2 = env.commit({"web/cm.yaml": configmap("web-config", "2"), "man/cm.yaml": configmap("man-config", "2")}, "c2")
t = env.wait("web at c2", lambda: env.synced_healthy("web", c2) and stats(env, "web").get("timeToDeployMs", {}).get("count") == 2)
wall = time.time() - pushed
s = stats(env, "web")
last = s.get("timeToDeployMs", {}).get("last", -1)
check("a new commit is deployed and measured (commit seen -> Healthy, no longer than push -> seen Healthy)",
      t is not None and 0 <= last <= wall * 1000 + 1000, f"{s} wall {wall:.2f} s")
print(f"     time to deploy in status: {last} ms (push to Healthy seen by the test: {wall * 1000:.0f} ms)")
check("observedAt moves with the changed status", env.app("web")["status"].get("observedAt", "") > observed1)

# man: deploy c1, deploy c2, one failing operation, roll back to c1.
op(env, "man", {"sync": {"revision": c1}, "initiatedBy": {"username": "t"}})
env.wait("man op 1", op_done(env, "man", 1))  # c1 is not the target (main = c2): never Synced at it, not a deploy
op(env, "man", {"sync": {"revision": c2}, "initiatedBy": {"username": "t"}})
env.wait("man op 2", op_done(env, "man", 2, measured=1))
op(env, "man", {"sync": {"revision": "no-such-branch"}, "initiatedBy": {"username": "t"}})
env.wait("man op 3", op_done(env, "man", 3))
source = {"repoURL": env.url, "path": "man", "targetRevision": "main"}
op(env, "man", {"sync": {"revision": c1, "source": source}, "initiatedBy": {"username": "t"}})
t = env.wait("rollback measured", lambda: stats(env, "man").get("timeToRollbackMs", {}).get("count") == 1)
s = stats(env, "man")
check("success rate: 3 of 4 operations succeeded", s.get("total") == 4 and s.get("succeeded") == 3 and
      s.get("successRate") == "0.750", str(s))
check("time to roll back measured for the rollback (an operation with sync.source)", t is not None and
      s["timeToRollbackMs"]["last"] >= 0 and s.get("timeToDeployMs", {}).get("count") == 1, str(s))
check("the rollback deployed c1's content", env.kubectl("-n", "man-ns", "get", "configmap", "man-config", "-o",
                                                         "jsonpath={.data.key}") == "1")
g = gauges(env, ctl)
check("gauges: capstan_app_deploy_success_rate, _time_to_deploy_seconds, _time_to_rollback_seconds",
      g.get(("capstan_app_deploy_success_rate", "man")) == 0.75 and
      g.get(("capstan_app_deploy_success_rate", "web")) == 1.0 and
      g.get(("capstan_app_time_to_deploy_seconds", "web")) == last / 1000.0 and
      ("capstan_app_time_to_rollback_seconds", "man") in g, str(g))

# --- kill -9 in the middle of an automated sync with a PreSync hook
c3 = env.commit({"slow/hook.yaml": HOOK, "slow/all.yaml": SLOW}, "slow")
env.application("slow", "slow", "slow-ns")
t = env.wait("slow running with its hook", lambda: env.app("slow")["status"].get("operationState", {}).get("phase") == "Running"
             and env.exists("-n", "slow-ns", "job/presync"), timeout=30)
check("an automated sync with a PreSync hook is running", t is not None)
job_uid = env.kubectl("-n", "slow-ns", "get", "job", "presync", "-o", "jsonpath={.metadata.uid}", check_rc=False)
time.sleep(1)
quiet = {n: env.app(n) for n in ("web", "man")}
ctl.send_signal(signal.SIGKILL)
ctl.wait()

ctl2 = env.start_controller(log_name="second")
t = env.wait("interrupted op failed", lambda: env.app("slow")["status"]["operationState"]["phase"] == "Failed", timeout=20)
st = env.app("slow")
check("after the restart the interrupted operation is marked Failed, not replayed",
      t is not None and "interrupted" in st["status"]["operationState"]["message"] and "operation" not in st,
      str(st["status"].get("operationState")))
t = env.wait("no auto-retry condition", lambda: "Failed last sync attempt" in str(env.app("slow")["status"].get("conditions")))
check("automated sync does not start the failed revision again (condition says so)", t is not None,
      str(env.app("slow")["status"].get("conditions")))
time.sleep(3)
st = env.app("slow")
uid_now = env.kubectl("-n", "slow-ns", "get", "job", "presync", "-o", "jsonpath={.metadata.uid}", check_rc=False)
check("the PreSync hook was applied once (same Job uid 3 s later)", uid_now == job_uid and job_uid != "", f"{job_uid} -> {uid_now}")
check("no new operation was started", "operation" not in st and st["status"]["operationState"]["phase"] == "Failed")
check("the wave after the crash was never applied", not env.exists("-n", "slow-ns", "configmap/after"))
check("the interruption counts as a failed deployment", stats(env, "slow").get("total") == 1 and
      stats(env, "slow").get("succeeded") == 0, str(stats(env, "slow")))

log2 = env.log(ctl2)
check("the restarted controller reconciled web and man", "application=web" in log2 and "application=man" in log2)
for n, before in quiet.items():
    now = env.app(n)
    check(f"restart with nothing changed: {n} not written (resourceVersion, observedAt)",
          now["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"] and
          now["status"].get("observedAt") == before["status"].get("observedAt"),
          f'{before["metadata"]["resourceVersion"]} -> {now["metadata"]["resourceVersion"]}')
check("SIGTERM: exit 0", env.stop_controller(ctl2) == 0)
finish()
