#!/usr/bin/env python3
"""A leader that loses its Lease stops acting at once (client-go's rule):
controller A (--leader-elect) runs a sync whose first wave becomes healthy
only after ~8 s; the test takes A's Lease away (another holder, which then
stops renewing, as a replica that took it and died) while standby B
watches. A must terminate the running sync before any controller can take
the Lease again, and write nothing more: the new leader (B, or A again)
marks the operation interrupted exactly once, the PreSync hook Job is not
created again, and the wave after the slow one is applied by nobody.
Before the fix A went on, applied the next wave after the new leader had
marked the operation failed, and wrote Succeeded over that verdict."""
import datetime
import json
import time

from harness import PRESYNC_HOOK, Env, check, finish, deployment, then_wave1_configmap

LEASE = 3  # seconds

HOOK = PRESYNC_HOOK
SLOW = then_wave1_configmap(deployment("slow", "example.com/slow-ready:1"))


def phase(env):
    a = env.app("slow") or {}
    return a.get("status", {}).get("operationState", {}).get("phase")


def op_message(env):
    a = env.app("slow") or {}
    return a.get("status", {}).get("operationState", {}).get("message", "")


def holder(env):
    return env.kubectl("-n", "argocd", "get", "lease", "capstan-controller", "-o", "jsonpath={.spec.holderIdentity}",
                       check_rc=False)


env = Env("leaseloss", rules='rules:\n- image: "*slow-ready*"\n  behavior: "slow:8"\n', speed=1)
env.commit({"slow/hook.yaml": HOOK, "slow/all.yaml": SLOW}, "init")
args = ("--leader-elect", "--lease-duration-seconds", str(LEASE))
a = env.start_controller(*args, "--identity", "ctl-a", log_name="a")
t = env.wait("a leads", lambda: holder(env) == "ctl-a")
check("controller A takes the Lease", t is not None)
b = env.start_controller(*args, "--identity", "ctl-b", log_name="b")

env.application("slow", "slow", "slow-ns", automated=False)
env.kubectl("-n", "argocd", "patch", "application", "slow", "--type", "merge", "-p",
            json.dumps({"operation": {"sync": {"revision": "main"}, "initiatedBy": {"username": "test"}}}))
# (env.wait counts an exception as done: predicates here never raise)
t = env.wait("wave 0 applied", lambda: phase(env) == "Running" and env.exists("-n", "slow-ns", "deployment/slow"),
             timeout=40)
check("A runs a sync: PreSync hook done, the slow wave applied", t is not None)
job_uid = env.kubectl("-n", "slow-ns", "get", "job", "presync", "-o", "jsonpath={.metadata.uid}", check_rc=False)

# Another holder takes A's Lease (and never renews it).
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
env.kubectl("-n", "argocd", "patch", "lease", "capstan-controller", "--type", "merge", "-p",
            json.dumps({"spec": {"holderIdentity": "thief", "renewTime": now}}))
taken = time.time()
t = env.wait("a new leader", lambda: holder(env) in ("ctl-a", "ctl-b"), timeout=20, interval=0.05)
log_a_at_takeover = env.log(a)
new = holder(env)
check("a controller takes the Lease once the other holder stops renewing", t is not None)
check("A stopped its running sync before any controller could take the Lease again",
      "sync stopped: the lease was lost" in log_a_at_takeover, log_a_at_takeover[-1500:])
if t is not None:
    print(f"     {new} leads {time.time() - taken:.2f} s after the Lease was taken from A (lease {LEASE} s)")

t = env.wait("interrupted op failed", lambda: phase(env) == "Failed", timeout=20)
st = env.app("slow")
check("the new leader marks the operation interrupted (Failed), not replayed",
      t is not None and "interrupted" in st["status"]["operationState"]["message"] and "operation" not in st,
      str(st["status"].get("operationState")))
# Long enough for the slow wave to become healthy (8 s) and a still-running
# sync on A to apply the next wave and write its result.
time.sleep(12)
st = env.app("slow")
check("nobody overwrote that verdict (A's stopped sync wrote no final state)",
      st["status"]["operationState"]["phase"] == "Failed" and "interrupted" in st["status"]["operationState"]["message"],
      str(st["status"].get("operationState")))
check("the wave after the slow one was never applied", not env.exists("-n", "slow-ns", "configmap/after"))
uid_now = env.kubectl("-n", "slow-ns", "get", "job", "presync", "-o", "jsonpath={.metadata.uid}", check_rc=False)
check("the PreSync hook was not applied twice", uid_now == job_uid and job_uid != "", f"{job_uid} -> {uid_now}")
log_a = env.log(a)
log_b = env.log(b)
check("A wrote no result of the sync", "sync Succeeded" not in log_a and "sync Failed" not in log_a and "lost the lease" in log_a)
check("one leader at a time, and it keeps the Lease", holder(env) == new and
      log_a.count("became the leader") + log_b.count("became the leader") == 2)
check("marked interrupted exactly once",
      log_a.count("marked an interrupted operation Failed") + log_b.count("marked an interrupted operation Failed") == 1)
for p in (a, b):
    check("exits 0 on SIGTERM", env.stop_controller(p) == 0)
finish()
