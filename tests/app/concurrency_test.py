#!/usr/bin/env python3
"""Concurrent syncs of one Application are serialised (issue 9, defect 2).

CAPSTAN_CONCURRENCY_PART=cli (CTest app_concurrency), no controller:
  - two `capstan app sync` of the same app started together: one claims the
    app (operationState Running, a patch checked by resourceVersion) and
    runs; the other is refused with "another operation is already in
    progress" and a non-zero exit while the first is still running (it does
    not wait for it); the PreSync hook ran once; history gained exactly one
    entry; a later sync claims the finished operation normally;
  - a sync while other processes keep refreshing the app (`app get
    --refresh` writes status.sync/health/...): every status write is checked
    by resourceVersion and re-applied to a fresh read on conflict, so the
    sync's history entry and final operationState are never lost.

CAPSTAN_CONCURRENCY_PART=controller (CTest app_concurrency_controller), a
controller holding its Lease: `capstan app sync|rollback` write `.operation`
and wait for the controller to run it. Two concurrent `app sync` end as one
operation run and one refused, as Argo CD does: `argocd app sync` on an app
whose `.operation` is set (SetAppOperation, checked by resourceVersion)
fails with "another operation is already in progress" rather than queueing.

History of this test: it failed (both syncs ran, one after the other)
because the local cluster served the second client's connection only after
the first one closed its keep-alive connection (cluster/connection_pool.h);
the claim itself was right.
"""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "controller"))
from harness import COUNTED_PRESYNC_HOOK, CAPSTAN, Env, check, deployment, finish, then_wave1_configmap  # noqa: E402

PART = os.environ.get("CAPSTAN_CONCURRENCY_PART", "cli")
IN_PROGRESS = "another operation is already in progress"

HOOK = COUNTED_PRESYNC_HOOK
SLOW = then_wave1_configmap(deployment("web"))

# Simulated time at real speed: a pod takes 2 s, so a sync takes seconds
# (hook Job, then the Deployment's rollout, then wave 1).
env = Env("app-concurrency", speed=1, pod_start_seconds=2)
c1 = env.commit({"a/hook.yaml": HOOK, "a/all.yaml": SLOW}, "init")
env.application("web", "a", "web-ns", automated=False)


def sync_twice():
    """Starts two `app sync web` together; returns [(rc, output, seconds until exit)]."""
    start = time.time()
    procs = [subprocess.Popen([CAPSTAN, "app", "sync", "web"], env=env.env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    results = [None, None]

    def reap(i):
        out = procs[i].communicate(timeout=180)[0]
        results[i] = (procs[i].returncode, out, time.time() - start)

    threads = [threading.Thread(target=reap, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def jobs():
    out = env.kubectl("-n", "web-ns", "get", "jobs", "-o", "jsonpath={.items[*].metadata.name}", check_rc=False)
    return out.split()


def history():
    return (env.app("web").get("status") or {}).get("history", [])


def phase():
    return ((env.app("web").get("status") or {}).get("operationState") or {}).get("phase")


def check_one_refused(label, results):
    codes = sorted(rc for rc, _, _ in results)
    winner = [r for r in results if r[0] == 0]
    loser = [r for r in results if r[0] != 0]
    check(f"{label}: exactly one of two concurrent syncs runs, the other exits non-zero", codes[0] == 0 and
          codes[1] != 0, str(results))
    if winner and loser:
        print(f"     refused after {loser[0][2]:.2f} s; the sync that ran took {winner[0][2]:.2f} s")
        check(f"{label}: the refused one says '{IN_PROGRESS}' on application web",
              IN_PROGRESS in loser[0][1] and "application web" in loser[0][1], loser[0][1])
        # Refused at once, not after waiting for the running sync to finish.
        check(f"{label}: the refused one exits while the other still runs", loser[0][2] < winner[0][2],
              f"refused after {loser[0][2]:.2f} s, the sync ended after {winner[0][2]:.2f} s")


if PART == "cli":
    results = sync_twice()
    check_one_refused("no controller", results)
    check("the PreSync hook ran once", len(jobs()) == 1, str(jobs()))
    check("exactly one history entry, operationState Succeeded", len(history()) == 1 and phase() == "Succeeded",
          str(history()))

    p = env.run([CAPSTAN, "app", "sync", "web"], check_rc=False)
    check("a later sync claims the finished operation and runs", p.returncode == 0 and len(history()) == 2,
          p.stdout + p.stderr)

    # Syncs while two other processes keep refreshing the app's status. A
    # refresh that read the app before the sync's final write and wrote after
    # it used to drop the history entry and leave operationState Running (or
    # remove it), which then refused every sync for 10 minutes. The window
    # is a matter of timing: three rounds.
    for round_ in range(1, 4):
        before = len(history())
        sync = subprocess.Popen([CAPSTAN, "app", "sync", "web"], env=env.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        refreshes, refresh_errors = [0], []

        def refresh_loop():
            while sync.poll() is None:
                r = subprocess.run([CAPSTAN, "app", "get", "web", "--refresh"], env=env.env, capture_output=True,
                                   text=True)
                refreshes[0] += 1
                if r.returncode != 0:
                    refresh_errors.append(r.stdout + r.stderr)

        loops = [threading.Thread(target=refresh_loop) for _ in range(2)]
        for t in loops:
            t.start()
        out = sync.communicate(timeout=180)[0]
        for t in loops:
            t.join()
        label = f"round {round_}, a sync with {refreshes[0]} concurrent refreshes"
        check(f"{label}: succeeds", sync.returncode == 0, out)
        check(f"{label}: its history entry is kept (one new entry)", len(history()) == before + 1,
              f"{before} -> {len(history())}")
        check(f"{label}: its final operationState is kept (Succeeded)", phase() == "Succeeded", str(phase()))
        check(f"{label}: the refreshes succeed", refreshes[0] > 0 and not refresh_errors, str(refresh_errors[:2]))
    finish()

# With a controller: the CLI hands the operation over.
ctl = env.start_controller("--leader-elect", "--lease-duration-seconds", "5")
check("the controller holds its Lease", env.wait("lease", lambda: env.kubectl(
    "-n", "argocd", "get", "lease", "capstan-controller", "-o", "jsonpath={.spec.holderIdentity}", check_rc=False) != "") is not None)
p = env.run([CAPSTAN, "app", "sync", "web"], check_rc=False)
check("with a controller, app sync writes .operation and the controller runs it",
      p.returncode == 0 and "sync started (by capstan)" in env.log(ctl) and len(history()) == 1,
      p.stdout + p.stderr + env.log(ctl)[-1500:])
jobs_before = len(jobs())
results = sync_twice()
check_one_refused("with a controller", results)
check("... the PreSync hook ran once more", len(jobs()) == jobs_before + 1, f"{jobs_before} -> {jobs()}")
check("... and history gained exactly one entry", len(history()) == 2, str(len(history())))
first = history()[0]["id"]
p = env.run([CAPSTAN, "app", "rollback", "web", str(first)], check_rc=False)
check("app rollback goes through the controller too",
      p.returncode == 0 and env.app("web")["status"]["operationState"]["syncResult"]["revision"] == c1
      and len(history()) == 3, p.stdout + p.stderr)
finish()
