#!/usr/bin/env python3
"""Metrics: a real Prometheus (Debian `prometheus`) scrapes `capstan
controller`'s /metrics; every query of Argo CD's official Grafana dashboard
(../shared/reference/argocd-grafana-dashboard.json, 42 queries) that is
about a part capstan has returns series; `promtool check metrics` reads the
exposition; `promtool test rules` passes on the example repository's
PrometheusRules; /metrics binds 127.0.0.1 and honours its bearer token."""
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import yaml

from harness import Env, check, configmap, finish, free_port, deployment, then_wave1_configmap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("CAPSTAN_SHARED", os.path.join(ROOT, "..", "shared"))
PROMETHEUS = shutil.which("prometheus")
PROMTOOL = shutil.which("promtool")
JOB = "argocd-application-controller-metrics"

# Dashboard queries on parts capstan does not have, with the reason.
EXCLUDED = {
    0: "Uptime of argocd-server (job argocd-server-metrics): capstan has no API server process here",
    17: "go_goroutines: Go runtime",
    18: "ApplicationSet controller as its own job: not a separate process in capstan",
    19: "ApplicationSet controller as its own job: not a separate process in capstan",
    20: "ApplicationSet controller as its own job: not a separate process in capstan",
    24: "git ls-remote: capstan resolves revisions in its fetched mirror and never runs ls-remote",
    27: "git ls-remote duration: capstan never runs ls-remote",
    28: "argocd-server memory: no API server process",
    29: "argocd-server goroutines: no API server process, Go runtime",
    30: "argocd-repo-server memory: capstan renders in the controller process (no repo server)",
    31: "argocd-repo-server goroutines: no repo server, Go runtime",
    32: "argocd-server GC quantiles: Go runtime",
    33: "gRPC API server: capstan has none", 34: "gRPC API server: capstan has none",
    35: "gRPC API server: capstan has none", 36: "gRPC API server: capstan has none",
    37: "gRPC API server: capstan has none", 38: "gRPC API server: capstan has none",
    39: "gRPC API server: capstan has none", 40: "gRPC API server: capstan has none",
    41: "Redis: capstan has no Redis",
}

BAD = "apiVersion: example.com/v1\nkind: DoesNotExist\nmetadata:\n  name: nope\n"
SLOW = then_wave1_configmap(deployment("slow", "example.com/never-ready:1"))


def queries():
    d = json.load(open(os.path.join(SHARED, "reference", "argocd-grafana-dashboard.json")))
    out = []

    def walk(p):
        for t in p.get("targets") or []:
            if "expr" in t:
                out.append((p.get("title"), t["expr"]))
        for c in p.get("panels") or []:
            walk(c)
    for p in d.get("panels", []):
        walk(p)
    return out


def expand(expr):
    # Grafana's template variables at their "All" values.
    for k, v in (("$namespace", ".*"), ("$cluster", ".*"), ("$health_status", ".*"), ("$sync_status", ".*"),
                 ("$interval", "2m"), ("$grouping", "namespace")):
        expr = expr.replace(k, v)
    return expr


def http_get(url, token=None):
    req = urllib.request.Request(url)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.status, r.read().decode()


if not PROMETHEUS or not PROMTOOL:
    print("prometheus/promtool missing: install the Debian package `prometheus` (scripts/install-deps)")
    check("prometheus installed", False)
    finish()

# --- promtool test rules on the example repository
rules_dir = os.path.join(ROOT, "examples", "ta-microservices", "monitoring")
env = Env("metrics", rules='rules:\n- image: "*never-ready*"\n  behavior: notready\n')
work = os.path.join(env.tmp, "promtool")
os.makedirs(work)
cr = yaml.safe_load(open(os.path.join(rules_dir, "prometheus-rules.yaml")))
check("the PrometheusRule has the plan's alerts and the controller alerts",
      {r["alert"] for g in cr["spec"]["groups"] for r in g["rules"]} >=
      {"ServiceDown", "HighErrorRate", "HighMemoryUsage", "SyncFailed", "AppDegraded"})
with open(os.path.join(work, "prometheus-rules.rules.yaml"), "w") as f:
    yaml.safe_dump({"groups": cr["spec"]["groups"]}, f)
shutil.copy(os.path.join(rules_dir, "prometheus-rules-test.yaml"), work)
p = subprocess.run([PROMTOOL, "test", "rules", "prometheus-rules-test.yaml"], cwd=work, capture_output=True, text=True)
check("promtool test rules passes on the example PrometheusRules", p.returncode == 0, p.stdout + p.stderr)

# --- a controller with some history: syncs that succeed, one that fails, one running
c1 = env.commit({"good/cm.yaml": configmap("good"), "bad/cm.yaml": configmap("bad-cm"), "slow/all.yaml": SLOW}, "init")
env.application("good", "good", "good-ns")
env.application("bad", "bad", "bad-ns")
env.application("slow", "slow", "slow-ns", automated=False)
token = "s3cret-metrics-token"
with open(os.path.join(env.tmp, "token"), "w") as f:
    f.write(token + "\n")
port = free_port()
ctl = env.start_controller("--metrics-port", str(port), "--metrics-token-file", os.path.join(env.tmp, "token"))
check("apps synced", env.wait("synced", lambda: env.synced_healthy("good", c1) and env.synced_healthy("bad", c1)) is not None)
env.commit({"bad/bad.yaml": BAD}, "a revision that fails")
env.kubectl("-n", "argocd", "patch", "application", "slow", "--type", "merge", "-p",
            json.dumps({"operation": {"sync": {"revision": "main"}, "initiatedBy": {"username": "test"}}}))
env.wait("bad failed", lambda: env.app("bad")["status"].get("operationState", {}).get("phase") in ("Failed", "Error"))
env.wait("slow running", lambda: env.app("slow")["status"].get("operationState", {}).get("phase") == "Running")

try:
    http_get(f"http://127.0.0.1:{port}/metrics")
    check("/metrics refuses a request without the token", False)
except urllib.error.HTTPError as e:
    check("/metrics refuses a request without the token", e.code == 401, str(e.code))
status, text = http_get(f"http://127.0.0.1:{port}/metrics", token)
check("/metrics answers with the token", status == 200 and "argocd_app_info{" in text)
try:
    s = __import__("socket").create_connection(("127.0.0.2", port), timeout=2)
    s.close()
    bound_all = True
except OSError:
    bound_all = False
check("/metrics binds 127.0.0.1 only by default", not bound_all)
check("no secret token in the metrics", token not in text)
p = subprocess.run([PROMTOOL, "check", "metrics"], input=text, capture_output=True, text=True)
# Argo CD's own names trip two lints (a counter argocd_app_sync_duration_seconds_total is fine;
# argocd_app_reconcile is a histogram without a unit suffix): only format errors fail.
check("promtool check metrics parses the exposition", p.returncode in (0, 3) and "error" not in p.stderr.lower(),
      p.stdout + p.stderr)
if p.stdout.strip() or p.stderr.strip():
    print("     promtool lint notes:", (p.stdout + p.stderr).strip().replace("\n", "; "))

# --- a real Prometheus scrapes it
prom_port = free_port()
prom_dir = os.path.join(env.tmp, "prometheus")
os.makedirs(prom_dir)
with open(os.path.join(prom_dir, "prometheus.yml"), "w") as f:
    yaml.safe_dump({"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                    "scrape_configs": [{"job_name": JOB, "authorization": {"credentials": token},
                                        "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}]}, f)
log = open(os.path.join(prom_dir, "log"), "w")
prom = subprocess.Popen([PROMETHEUS, "--config.file", os.path.join(prom_dir, "prometheus.yml"),
                         "--storage.tsdb.path", os.path.join(prom_dir, "data"),
                         "--web.listen-address", f"127.0.0.1:{prom_port}"], stdout=log, stderr=log)
try:
    def query(expr, at=None):
        params = {"query": expr}
        if at is not None:
            params["time"] = at
        url = f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode(params)
        # Under a loaded parallel suite Prometheus has refused connections for
        # moments while alive; retry for a while before calling it gone.
        deadline = time.time() + 30
        while True:
            try:
                return json.loads(http_get(url)[1])
            except OSError:
                if time.time() > deadline or prom.poll() is not None:
                    raise
                time.sleep(0.5)

    def up():
        r = query(f'up{{job="{JOB}"}}')
        return r["data"]["result"] and r["data"]["result"][0]["value"][1] == "1"
    check("Prometheus scrapes the controller (up == 1)", env.wait("prometheus up", up, timeout=40) is not None)
    # A few more scrapes while things change, so increase() has samples.
    env.kubectl("-n", "good-ns", "delete", "configmap", "good")
    # increase() and irate() need two samples in their window; on a loaded
    # machine scrapes come late, so wait for a few of them.
    def samples():
        # Successful scrapes (up == 1), not attempts: a scrape that timed out
        # on a loaded machine leaves a gap that increase() cannot bridge.
        r = query(f'sum_over_time(up{{job="{JOB}"}}[2m])')
        ok = r["data"]["result"] and float(r["data"]["result"][0]["value"][1]) >= 5
        r = query(f'increase(process_cpu_seconds_total{{job="{JOB}"}}[2m])')
        return ok and r["data"]["result"]
    check("Prometheus took several scrapes", env.wait("4 scrapes", samples, timeout=90, interval=0.5) is not None)
    # A scrape that times out on a loaded machine marks every series of the
    # target stale at once, and instant queries after it see nothing: evaluate
    # the dashboard at the time of a successful scrape.
    good = []
    def last_good_scrape():
        r = query(f'up{{job="{JOB}"}}')
        res = r["data"]["result"]
        if res and res[0]["value"][1] == "1":
            good.append(res[0]["value"][0])
        return bool(good)
    env.wait("a successful scrape", last_good_scrape, timeout=40, interval=0.2)
    at = good[-1] if good else None
    qs = queries()
    check("the dashboard has 42 queries", len(qs) == 42, str(len(qs)))
    have = 0
    missing = []
    for i, (title, expr) in enumerate(qs):
        if i in EXCLUDED:
            print(f"     skip  #{i} {title}: {EXCLUDED[i]}")
            continue
        try:
            r = query(expand(expr), at)
        except OSError as e:
            r = {"error": f"{e} (prometheus exit {prom.poll()}; log: "
                          f"{open(os.path.join(prom_dir, 'log')).read()[-600:]})"}
        n = len(r.get("data", {}).get("result", [])) if r.get("status") == "success" else -1
        if n > 0:
            have += 1
        else:
            missing.append(f"#{i} {title}: {expr} -> {r.get('error', 'no series')}")
    print(f"     dashboard: {have} of {len(qs) - len(EXCLUDED)} applicable queries return series, "
          f"{len(EXCLUDED)} are about parts capstan does not have")
    check("every applicable dashboard query returns series", not missing, "\n     ".join(missing))
finally:
    prom.terminate()
    prom.wait(20)
env.stop_controller(ctl)
finish()
