#!/usr/bin/env python3
"""Scale-out: two replicas share the Applications (--shard/--replicas, the
FNV-32a hash of namespace/name); with --leader-elect a standby takes over a
coordination.k8s.io Lease within the lease duration after `kill -9` of the
leader; an operation interrupted by the crash is marked Failed, never
replayed (its PreSync hook Job is not created twice)."""
import json
import signal
import time

from harness import PRESYNC_HOOK, Env, check, configmap, finish, deployment, then_wave1_configmap


def shard_of(name, replicas):
    h = 2166136261
    for c in ("argocd/" + name).encode():
        h ^= c
        h = (h * 16777619) & 0xFFFFFFFF
    return h % replicas


HOOK = PRESYNC_HOOK
SLOW = then_wave1_configmap(deployment("slow", "example.com/never-ready:1"))

env = Env("lease", rules='rules:\n- image: "*never-ready*"\n  behavior: notready\n')
names = ["app-%d" % i for i in range(6)]
files = {f"{n}/cm.yaml": configmap(n + "-config") for n in names}
files.update({"slow/hook.yaml": HOOK, "slow/all.yaml": SLOW})
c1 = env.commit(files, "init")
for n in names:
    env.application(n, n, n + "-ns")

# --- two replicas share the apps
r0 = env.start_controller("--shard", "0", "--replicas", "2", log_name="shard0")
r1 = env.start_controller("--shard", "1", "--replicas", "2", log_name="shard1")
t = env.wait("all synced", lambda: all(env.synced_healthy(n, c1) for n in names), timeout=60)
check("two replicas together sync every app", t is not None)
logs = [env.log(r0), env.log(r1)]
wrong = [n for n in names if f"sync started (automated)\" application={n}" in logs[1 - shard_of(n, 2)]]
check("each app is synced only by the replica of its shard", not wrong, str(wrong))
check("both replicas had work", all(any(f"application={n}" in logs[s] for n in names if shard_of(n, 2) == s) for s in (0, 1)))
env.stop_controller(r0)
env.stop_controller(r1)

# --- leader election: kill -9 of the leader, the standby takes over
args = ("--leader-elect", "--lease-duration-seconds", "3")
a = env.start_controller(*args, "--identity", "ctl-a", log_name="a")
t = env.wait("a leads", lambda: env.kubectl("-n", "argocd", "get", "lease", "capstan-controller", "-o",
                                            "jsonpath={.spec.holderIdentity}", check_rc=False) == "ctl-a")
check("the first controller takes the Lease", t is not None)
b = env.start_controller(*args, "--identity", "ctl-b", log_name="b")
time.sleep(2)
check("the second one stays standby", "became the leader" not in env.log(b))

env.application("slow", "slow", "slow-ns", automated=False)
env.kubectl("-n", "argocd", "patch", "application", "slow", "--type", "merge", "-p",
            json.dumps({"operation": {"sync": {"revision": "main"}, "initiatedBy": {"username": "test"}}}))
t = env.wait("slow running with its hook done", lambda: env.app("slow")["status"].get("operationState", {}).get("phase") == "Running"
             and env.exists("-n", "slow-ns", "job/presync"), timeout=30)
check("a sync with a PreSync hook is running on the leader", t is not None)
job_uid = env.kubectl("-n", "slow-ns", "get", "job", "presync", "-o", "jsonpath={.metadata.uid}", check_rc=False)

killed = time.time()
a.send_signal(signal.SIGKILL)
a.wait()
t = env.wait("b leads", lambda: env.kubectl("-n", "argocd", "get", "lease", "capstan-controller", "-o",
                                            "jsonpath={.spec.holderIdentity}", check_rc=False) == "ctl-b", timeout=20)
check("kill -9 of the leader: the standby takes the Lease within the lease duration (+1 renew period)",
      t is not None and time.time() - killed < 3 + 2, f"{t}")
if t is not None:
    print(f"     takeover after kill -9: {time.time() - killed:.2f} s (lease 3 s)")

t = env.wait("interrupted op failed", lambda: env.app("slow")["status"]["operationState"]["phase"] == "Failed", timeout=20)
st = env.app("slow")
check("the interrupted operation is marked Failed, not replayed",
      t is not None and "interrupted" in st["status"]["operationState"]["message"] and "operation" not in st,
      str(st["status"].get("operationState")))
uid_now = env.kubectl("-n", "slow-ns", "get", "job", "presync", "-o", "jsonpath={.metadata.uid}", check_rc=False)
check("the PreSync hook was not applied twice", uid_now == job_uid and job_uid != "", f"{job_uid} -> {uid_now}")
check("the wave after the crash was never applied", not env.exists("-n", "slow-ns", "configmap/after"))

env.kubectl("-n", "app-0-ns", "delete", "configmap", "app-0-config")
t = env.wait("healed by b", lambda: env.exists("-n", "app-0-ns", "configmap/app-0-config"))
check("the new leader does the work (self-heal)", t is not None and "application=app-0" in env.log(b))
rc = env.stop_controller(b)
check("the leader exits 0 on SIGTERM", rc == 0)
finish()
