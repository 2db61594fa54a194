#!/usr/bin/env python3
"""Sharding takeover: two replicas (--replicas 2, legacy hash) split 20
apps, each holding the coordination.k8s.io Lease of its shard
(capstan-controller-shard-N). After `kill -9` of replica 1, replica 0 adopts
shard 1 when its Lease expires and self-heals a drifted app of it within the
lease duration + a few seconds. Replica 1 started again asks for its shard
back; replica 0 finishes what it runs of it, hands the Lease over, and from
then on only replica 1 touches those apps (no app worked on by two replicas
at once, no operation marked interrupted). Round-robin: the same 20 apps
split 10/10 by sorted position."""
import re
import signal
import time
import urllib.request

from harness import Env, check, configmap, finish

LEASE = 4  # seconds


def shard_of(name, replicas):
    h = 2166136261
    for c in ("argocd/" + name).encode():
        h ^= c
        h = (h * 16777619) & 0xFFFFFFFF
    return h % replicas


def app_info(env, p):
    """The apps in argocd_app_info of one replica (Argo CD: its shard's)."""
    port = env.metrics_port(p)
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    return {m.group(1) for m in re.finditer(r'^argocd_app_info\{[^}]*\bname="([^"]+)"', text, re.M)}


def lease_holder(env, shard):
    return env.kubectl("-n", "argocd", "get", "lease", f"capstan-controller-shard-{shard}", "-o",
                       "jsonpath={.spec.holderIdentity}", check_rc=False)


def app_lines(log, name):
    return [l for l in log.splitlines() if l.endswith(f" application={name}")]


env = Env("shard")
names = ["svc-%02d" % i for i in range(20)]
c1 = env.commit({f"{n}/cm.yaml": configmap(n + "-config") for n in names}, "init")
for n in names:
    env.application(n, n, n + "-ns")
shard1 = [n for n in names if shard_of(n, 2) == 1]
shard0 = [n for n in names if shard_of(n, 2) == 0]
check("the legacy hash puts apps in both shards (fixture)", shard0 and shard1, f"{shard0} {shard1}")

args = ("--replicas", "2", "--lease-duration-seconds", str(LEASE))
r0 = env.start_controller(*args, "--shard", "0", "--identity", "r0", log_name="r0")
r1 = env.start_controller(*args, "--shard", "1", "--identity", "r1", log_name="r1")
t = env.wait("all synced", lambda: all(env.synced_healthy(n, c1) for n in names), timeout=60, interval=0.5)
check("two replicas together sync all 20 apps", t is not None)
t = env.wait("both hold their lease", lambda: lease_holder(env, 0) == "r0" and lease_holder(env, 1) == "r1")
check("each replica holds the Lease of its shard", t is not None, f"{lease_holder(env, 0)} {lease_holder(env, 1)}")
i0, i1 = app_info(env, r0), app_info(env, r1)
check("argocd_app_info: each replica reports exactly its shard's apps (legacy hash)",
      i0 == set(shard0) and i1 == set(shard1), f"r0={sorted(i0)} r1={sorted(i1)}")
wrong = [n for n in shard1 if any("sync started" in l for l in app_lines(env.log(r0), n))]
wrong += [n for n in shard0 if any("sync started" in l for l in app_lines(env.log(r1), n))]
check("each app was synced only by the replica of its shard", not wrong, str(wrong))

# --- kill -9 of replica 1: replica 0 adopts shard 1 and self-heals its drift
victim = shard1[0]
r1.send_signal(signal.SIGKILL)
r1.wait()
killed = time.time()
env.kubectl("-n", victim + "-ns", "delete", "configmap", victim + "-config")
t = env.wait("healed by the survivor", lambda: env.exists("-n", victim + "-ns", "configmap/" + victim + "-config"),
             timeout=LEASE + 20)
took = time.time() - killed
check(f"kill -9: a drifted app of the dead shard is self-healed within the lease ({LEASE} s) + 5 s",
      t is not None and took < LEASE + 5, f"{took:.1f} s")
print(f"     kill -9 to self-healed: {took:.2f} s (lease {LEASE} s)")
log0 = env.log(r0)
check("... by replica 0, which adopted shard 1 from r1", "adopted shard 1 (holder r1 stopped renewing)" in log0
      and any("sync started" in l for l in app_lines(log0, victim)))
check("replica 0 now holds the Lease of shard 1 and reports all 20 apps",
      lease_holder(env, 1) == "r0" and app_info(env, r0) == set(names), lease_holder(env, 1))

# --- replica 1 returns: shard 1 moves back, never processed by both
r1b = env.start_controller(*args, "--shard", "1", "--identity", "r1-again", log_name="r1b")
# Drift during the handover, so replica 0 may be mid-operation when asked.
for n in shard1[1:4]:
    env.kubectl("-n", n + "-ns", "delete", "configmap", n + "-config")
t = env.wait("shard 1 back", lambda: lease_holder(env, 1) == "r1-again", timeout=LEASE + 20)
check("the returning replica gets its shard's Lease back", t is not None, lease_holder(env, 1))
t = env.wait("drift healed", lambda: all(env.exists("-n", n + "-ns", "configmap/" + n + "-config") for n in shard1[1:4]),
             timeout=30)
check("drift made during the handover is healed", t is not None)
env.kubectl("-n", shard1[4] + "-ns", "delete", "configmap", shard1[4] + "-config")
t = env.wait("healed by r1", lambda: env.exists("-n", shard1[4] + "-ns", "configmap/" + shard1[4] + "-config"))
log0, log1b = env.log(r0), env.log(r1b)
check("after the handover the returned replica self-heals its apps",
      t is not None and any("sync started" in l for l in app_lines(log1b, shard1[4])))
check("replica 0 logged the handover", "handed shard 1 back to r1-again" in log0)
after = log0.split("handed shard 1 back to r1-again", 1)[-1]
late = [n for n in shard1 if app_lines(after, n)]
check("replica 0 did no work on shard 1 after handing it over", not late, str(late))
before = log1b.split("holding the lease of shard 1", 1)[0]
early = [n for n in shard1 if app_lines(before, n)]
check("replica 1 did no work on shard 1 before it held the Lease", not early, str(early))
check("replica 1 never took shard 0", "adopted shard 0" not in log1b)
time.sleep(1)
check("argocd_app_info moves back: each replica reports its shard again",
      app_info(env, r0) == set(shard0) and app_info(env, r1b) == set(shard1))
interrupted = [n for n in names if "interrupted" in str((env.app(n) or {}).get("status", {}).get("operationState", {}))]
check("no operation was interrupted or run twice", not interrupted and "interrupted" not in log0 + log1b, str(interrupted))
t = env.wait("all synced", lambda: all(env.synced_healthy(n, c1) for n in names), timeout=30, interval=0.5)
check("all 20 apps Synced and Healthy at the end", t is not None)
check("SIGTERM: both replicas exit 0", env.stop_controller(r0) == 0 and env.stop_controller(r1b) == 0)

# --- round-robin: position in the sorted app list
rr = ("--replicas", "2", "--sharding-method", "round-robin", "--lease-duration-seconds", str(LEASE))
a = env.start_controller(*rr, "--shard", "0", "--identity", "rr0", log_name="rr0")
b = env.start_controller(*rr, "--shard", "1", "--identity", "rr1", log_name="rr1")
want0 = {n for i, n in enumerate(sorted(names)) if i % 2 == 0}
t = env.wait("round-robin split", lambda: app_info(env, a) == want0 and app_info(env, b) == set(names) - want0,
             timeout=20, interval=0.5)
check("round-robin: 10/10 by sorted position (argocd_app_info per replica)", t is not None,
      f"{sorted(app_info(env, a))}")
env.kubectl("-n", "svc-01-ns", "delete", "configmap", "svc-01-config")
t = env.wait("healed", lambda: env.exists("-n", "svc-01-ns", "configmap/svc-01-config"))
check("round-robin: svc-01 (position 1) is self-healed by replica 1",
      t is not None and any("sync started" in l for l in app_lines(env.log(b), "svc-01")))
env.stop_controller(a)
env.stop_controller(b)
finish()
