#!/usr/bin/env python3
"""CLI behaviour of `capstan health` beyond the conformance corpus.

Usage: cli_test.py /path/to/capstan
"""
import json
import os
import subprocess
import sys
import time

import yaml

BIN = sys.argv[1]
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "testdata")
failures = []


def run(args, stdin=None):
    p = subprocess.run([BIN, "health"] + args, input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    if not cond:
        failures.append("%s %s" % (name, detail))


# Several objects: a JSON list naming each object.
rc, out, err = run(["-o", "json", os.path.join(DATA, "app.yaml")])
check("multi/rc", rc == 0, err)
rows = json.loads(out)
by_name = {r["name"]: r for r in rows}
check("multi/deploy", by_name["web"]["status"] == "Healthy", out)
check("multi/pod", by_name["web-abc"] == {"apiVersion": "v1", "kind": "Pod", "namespace": "shop",
                                         "name": "web-abc", "status": "Degraded",
                                         "message": "back-off 5m0s restarting failed container=main"}, out)
check("multi/cm-no-health", by_name["settings"]["status"] is None, out)
check("multi/rollout-no-health-without-scripts", by_name["canary"]["status"] is None, out)

# Table output ends with the application health and the deciding resource.
rc, out, err = run([os.path.join(DATA, "app.yaml")])
check("table/app", out.strip().splitlines()[-1] ==
      "APP HEALTH: Degraded (Pod shop/web-abc: back-off 5m0s restarting failed container=main)", out)

# argocd-cm scripts: Rollout gets a health; runaway and file-reading scripts are Unknown, fast.
cm = os.path.join(DATA, "argocd-cm.yaml")
rc, out, err = run(["-o", "json", "--health-config", cm, os.path.join(DATA, "app.yaml")])
rows = {r["name"]: r for r in json.loads(out)}
check("cm/rollout", rows["canary"]["status"] == "Suspended" and rows["canary"]["message"] == "Rollout is paused", out)
start = time.time()
rc, out, err = run(["-o", "json", "--health-config", cm, os.path.join(DATA, "custom.yaml")])
elapsed = time.time() - start
rows = {r["name"]: r for r in json.loads(out)}
check("cm/spinner-unknown", rows["s"]["status"] == "Unknown" and "limit" in rows["s"]["message"] or
      "timed out" in rows["s"]["message"], out)
check("cm/reader-unknown", rows["r"]["status"] == "Unknown" and "io" in rows["r"]["message"], out)
check("cm/reader-no-leak", "root:" not in out, out)
check("cm/fast", elapsed < 10, "took %.1fs" % elapsed)

# --argocd-builtins: Argo CD's Lua-defined checks (Rollout here), off by default.
rc, out, err = run(["-o", "json", "--argocd-builtins", os.path.join(DATA, "app.yaml")])
rows = {r["name"]: r for r in json.loads(out)}
check("argocd/rollout", rows["canary"]["status"] == "Progressing" and
      rows["canary"]["message"] == "Waiting for rollout spec update to be observed", out)

# stdin, kind: List, yaml output.
lst = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: PersistentVolumeClaim\n  metadata: {name: a}\n  status: {phase: Pending}\n"
rc, out, err = run(["-o", "json", "-"], stdin=lst)
check("stdin/list", json.loads(out) == {"status": "Progressing", "message": ""}, out)
rc, out, err = run(["-o", "yaml", "-"], stdin=lst)
check("yaml", yaml.safe_load(out) == {"status": "Progressing", "message": ""}, repr(out))

# Bad input: one line naming the file, non-zero exit, nothing on stdout.
rc, out, err = run(["-o", "json", "-"], stdin="a: [\n")
check("bad/rc", rc == 1 and out == "" and err.count("\n") == 1 and "<stdin>" in err, repr((rc, out, err)))
rc, out, err = run(["-o", "json", "/nonexistent.yaml"])
check("missing/rc", rc == 1 and "/nonexistent.yaml" in err, err)
rc, out, err = run(["--health-config", os.path.join(DATA, "custom.yaml"), os.path.join(DATA, "app.yaml")])
check("config-without-cm", rc == 1 and "no ConfigMap" in err, err)
rc, out, err = run(["-o", "xml", "-"], stdin="")
check("usage/rc", rc == 2, str(rc))

for f in failures:
    print("FAIL", f)
print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
