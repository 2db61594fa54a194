#!/usr/bin/env python3
"""`capstan server` and `capstan app` share one operation per Application
(issue 9, defect 2), CTest server_concurrency.

The server's in-process sync claims the app the way `capstan app sync`
does (app/operation_lock.h: operationState Running, written by a JSON patch
that tests metadata.resourceVersion) and writes every status with the same
check, so:
  - a sync through the API while a `capstan app sync` of the same app runs
    is refused with 409 "another operation is already in progress", and
    the other way round `capstan app sync` exits 1 with that message;
  - started at the same moment, exactly one of them runs: the PreSync hook
    Job is created once and history gains exactly one entry;
  - `GET /api/v1/applications/web?refresh=normal` calls racing a sync
    through the API drop neither its history entry nor its final
    operationState;
  - with a controller holding its Lease, the API only writes `.operation`
    (checked by resourceVersion) and a second sync is 409 until the
    controller has run the first.
Before this, the server checked only its own in-memory map and its cached
`.operation`, so it synced over a CLI's claim (two hook Jobs, two history
entries), and its refreshes wrote status unchecked.
"""
import atexit
import json
import os
import signal
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "controller"))
sys.path.insert(0, HERE)
from harness import COUNTED_PRESYNC_HOOK, CAPSTAN, Env, check, deployment, finish, then_wave1_configmap  # noqa: E402
from env import http  # noqa: E402

IN_PROGRESS = "another operation is already in progress"
HOOK = COUNTED_PRESYNC_HOOK
SLOW = then_wave1_configmap(deployment("web"))

# Simulated time at real speed: a pod takes 2 s, so a sync takes seconds.
env = Env("server-concurrency", speed=1, pod_start_seconds=2)
env.commit({"a/hook.yaml": HOOK, "a/all.yaml": SLOW}, "init")
env.application("web", "a", "web-ns", automated=False)

# --- the server, on a free port, stopped at exit (before the cluster) ----------------
port_file = os.path.join(env.tmp, "server.port")
server_log = open(os.path.join(env.tmp, "server.log"), "w")
server = subprocess.Popen([CAPSTAN, "server", "--kubeconfig", env.env["KUBECONFIG"], "--port", "0", "--port-file",
                           port_file, "--cache-dir", os.path.join(env.tmp, "server-cache")],
                          env=env.env, stdout=subprocess.PIPE, stderr=server_log, text=True)


def stop_server():
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


atexit.register(stop_server)
first = server.stdout.readline()
assert "serving on" in first, first + open(server_log.name).read()
URL = first.split("serving on")[1].strip()
second = server.stdout.readline()
password = second.split("initial admin password:")[1].split()[0]
r = http("POST", URL + "/api/v1/session", {"username": "admin", "password": password})
assert r.status == 200, r.body
TOKEN = r.json()["token"]


def api_sync():
    return http("POST", URL + "/api/v1/applications/web/sync", {}, token=TOKEN)


def cli_sync():
    return subprocess.Popen([CAPSTAN, "app", "sync", "web"], env=env.env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def jobs():
    out = env.kubectl("-n", "web-ns", "get", "jobs", "-o", "jsonpath={.items[*].metadata.name}", check_rc=False)
    return out.split()


def state():
    a = env.app("web") or {}
    return a, (a.get("status") or {})


def history():
    return state()[1].get("history", [])


def phase():
    return (state()[1].get("operationState") or {}).get("phase")


def idle():
    a, st = state()
    return "operation" not in a and (st.get("operationState") or {}).get("phase") in ("Succeeded", "Failed", "Error")


def wait_idle(label):
    ok = env.wait(label, idle, timeout=120, interval=0.2) is not None
    check(f"{label}: the operation ends (operationState final, .operation removed)", ok, json.dumps(state()[1].get("operationState"))[:600])


def counts():
    return len(jobs()), len(history())


# --- 1. the API first, then `capstan app sync` --------------------------------------
before = counts()
r = api_sync()
check("API first: the sync through the API starts (200)", r.status == 200, f"{r.status} {r.body[:300]}")
a, st = state()
check("API first: while it runs, operationState is Running and .operation is set (Argo CD's shape)",
      st.get("operationState", {}).get("phase") == "Running" and a.get("operation", {}).get("sync") is not None,
      json.dumps([a.get("operation"), st.get("operationState")])[:600])
p = cli_sync()
out = p.communicate(timeout=180)[0]
check(f"API first: `capstan app sync` exits 1 with '{IN_PROGRESS}'", p.returncode == 1 and IN_PROGRESS in out,
      f"rc {p.returncode}: {out[-600:]}")
wait_idle("API first")
check("API first: one hook Job, one history entry, Succeeded",
      counts() == (before[0] + 1, before[1] + 1) and phase() == "Succeeded", f"{before} -> {counts()}, {phase()}")

# --- 2. `capstan app sync` first, then the API ---------------------------------------
before = counts()
p = cli_sync()
claimed = env.wait("the CLI's claim", lambda: phase() == "Running", timeout=30, interval=0.05)
check("CLI first: `capstan app sync` claims the app (operationState Running)", claimed is not None, str(phase()))
r = api_sync()
check(f"CLI first: the sync through the API is 409 '{IN_PROGRESS}'",
      r.status == 409 and IN_PROGRESS in r.body, f"{r.status} {r.body[:300]}")
out = p.communicate(timeout=180)[0]
check("CLI first: `capstan app sync` succeeds", p.returncode == 0, out[-600:])
wait_idle("CLI first")
check("CLI first: one hook Job, one history entry, Succeeded",
      counts() == (before[0] + 1, before[1] + 1) and phase() == "Succeeded", f"{before} -> {counts()}, {phase()}")

# --- 3. both at the same moment ------------------------------------------------------
for round_ in range(1, 3):
    before = counts()
    gate = threading.Barrier(2)
    got = {}

    def by_api():
        gate.wait()
        got["api"] = api_sync()

    def by_cli():
        gate.wait()
        proc = cli_sync()
        got["cli"] = (proc.communicate(timeout=180)[0], proc.returncode)

    threads = [threading.Thread(target=by_api), threading.Thread(target=by_cli)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wait_idle(f"together {round_}")
    api_ran = got["api"].status == 200
    cli_out, cli_rc = got["cli"]
    label = f"together {round_}"
    if api_ran:
        check(f"{label}: the API's sync ran, `capstan app sync` exits 1 with '{IN_PROGRESS}'",
              cli_rc == 1 and IN_PROGRESS in cli_out, f"rc {cli_rc}: {cli_out[-600:]}")
    else:
        check(f"{label}: `capstan app sync` ran, the API answered 409 '{IN_PROGRESS}'",
              got["api"].status == 409 and IN_PROGRESS in got["api"].body and cli_rc == 0,
              f"{got['api'].status} {got['api'].body[:300]}; rc {cli_rc}: {cli_out[-600:]}")
    check(f"{label}: the PreSync hook ran once and history gained exactly one entry",
          counts() == (before[0] + 1, before[1] + 1) and phase() == "Succeeded", f"{before} -> {counts()}, {phase()}")

# --- 4. refreshes through the API racing a sync through the API ----------------------
# A refresh that read the app before the sync's final status write and wrote
# after it (the whole status, unchecked) dropped the history entry and left
# operationState Running; the window is a matter of timing: three rounds.
for round_ in range(1, 4):
    before = counts()
    r = api_sync()
    check(f"refresh round {round_}: the sync starts", r.status == 200, f"{r.status} {r.body[:300]}")
    refreshes, errors, done = [0], [], threading.Event()

    def refresh_loop():
        while not done.is_set():
            x = http("GET", URL + "/api/v1/applications/web?refresh=normal", token=TOKEN)
            refreshes[0] += 1
            if x.status != 200:
                errors.append(f"{x.status} {x.body[:200]}")

    def watch():
        env.wait("the sync's end", idle, timeout=120, interval=0.2)
        done.set()

    # Four refreshes in flight all the time: one of them reads the app
    # before the sync's final status write and writes after it.
    loops = [threading.Thread(target=refresh_loop) for _ in range(4)] + [threading.Thread(target=watch)]
    for t in loops:
        t.start()
    for t in loops:
        t.join()
    label = f"refresh round {round_}, a sync with {refreshes[0]} concurrent API refreshes"
    wait_idle(label)
    check(f"{label}: its history entry is kept (one new entry)", len(history()) == before[1] + 1,
          f"{before[1]} -> {len(history())}")
    check(f"{label}: its final operationState is kept (Succeeded)", phase() == "Succeeded", str(phase()))
    check(f"{label}: the refreshes succeed", refreshes[0] > 0 and not errors, str(errors[:2]))

# --- 5. with a controller holding its Lease: the API hands the sync over -----------
ctl = env.start_controller("--leader-elect", "--lease-duration-seconds", "5")
check("the controller holds its Lease", env.wait("lease", lambda: env.kubectl(
    "-n", "argocd", "get", "lease", "capstan-controller", "-o", "jsonpath={.spec.holderIdentity}",
    check_rc=False) != "") is not None)
time.sleep(1)
before = counts()
r = api_sync()
check("with a controller: the sync through the API writes .operation (200)",
      r.status == 200 and (r.json().get("operation") or {}).get("sync") is not None, f"{r.status} {r.body[:300]}")
r2 = api_sync()
check(f"with a controller: a second sync through the API is 409 '{IN_PROGRESS}'",
      r2.status == 409 and IN_PROGRESS in r2.body, f"{r2.status} {r2.body[:300]}")
wait_idle("with a controller")
check("with a controller: the controller ran it once (one hook Job, one history entry, Succeeded)",
      counts() == (before[0] + 1, before[1] + 1) and phase() == "Succeeded" and "sync started (by admin)" in env.log(ctl),
      f"{before} -> {counts()}, {phase()}; {env.log(ctl)[-800:]}")

stop_server()
finish()
