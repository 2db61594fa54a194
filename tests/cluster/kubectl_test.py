#!/usr/bin/env python3
"""Drives the real kubectl against `capstan cluster up` and checks every exit
code and the output that matters. Usage: kubectl_test.py CAPSTAN_BIN"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import ssl

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, failures, finish, free_port  # noqa: E402

CAPSTAN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CAPSTAN_BIN", "capstan")
KUBECTL = shutil.which("kubectl") or "kubectl"


def run(args, stdin=None, env=None):
    p = subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, timeout=120)
    return p.returncode, p.stdout, p.stderr


def k(*args, stdin=None, expect=0, name=None):
    rc, out, err = run([KUBECTL] + list(args), stdin=stdin, env=ENV)
    check(rc == expect, name or "kubectl " + " ".join(args),
          f"  exit {rc} (want {expect})\n  stdout: {out}\n  stderr: {err}")
    return out, err


tmp = tempfile.mkdtemp(prefix="capstan-cluster-test-")
data = os.path.join(tmp, "data")
port = free_port()
ENV = dict(os.environ)
ENV["KUBECONFIG"] = os.path.join(data, "kubeconfig")
ENV["KUBECACHEDIR"] = os.path.join(tmp, "kubecache")
ENV["HOME"] = tmp
rules = os.path.join(tmp, "rules.yaml")
with open(rules, "w") as f:
    f.write("rules:\n- image: \"*never-ready*\"\n  behavior: notready\n")


def up():
    rc, out, err = run([CAPSTAN, "cluster", "up", "--data", data, "--port", str(port),
                        "--nodes", "2", "--speed", "10", "--rules", rules])
    check(rc == 0 and "export KUBECONFIG=" in out, "cluster up", out + err)


def down():
    rc, out, err = run([CAPSTAN, "cluster", "down", "--data", data])
    check(rc == 0, "cluster down", out + err)


def raw(method, path, body=None, ctype="application/json", headers=None):
    """A request with the cluster's token, returning (status, parsed body)."""
    token = open(os.path.join(data, "token")).read().strip()
    ctx = ssl.create_default_context(cafile=os.path.join(data, "ca.crt"))
    req = urllib.request.Request(f"https://127.0.0.1:{port}{path}", method=method,
                                 data=body.encode() if isinstance(body, str) else body)
    req.add_header("Authorization", "Bearer " + token)
    if body is not None:
        req.add_header("Content-Type", ctype)
    for h, v in (headers or {}).items():
        req.add_header(h, v)
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


try:
    up()
    out, _ = k("version", "-o", "json")
    check('"minor": "32"' in out, "server version 1.32", out)
    out, _ = k("api-resources")
    check("deployments" in out and "deploy" in out and "apps/v1" in out, "api-resources lists deployments", out)
    check("customresourcedefinitions" in out, "api-resources lists CRDs", out)
    k("get", "nodes")
    out, _ = k("get", "nodes", "-o", "wide")
    check(out.count("capstan-node-") == 2 and "INTERNAL-IP" in out, "two nodes, wide columns", out)
    k("create", "namespace", "demo")
    out, _ = k("get", "ns")
    check("demo" in out and "Active" in out, "namespace listed Active", out)

    deploy = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: demo
  labels: {app: web, tier: front}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
"""
    out, _ = k("apply", "-f", "-", stdin=deploy, name="apply (client-side) creates")
    check("deployment.apps/web created" in out, "apply says created", out)
    k("rollout", "status", "deployment/web", "-n", "demo", "--timeout=60s", name="rollout status succeeds")
    k("wait", "--for=condition=Available", "deployment/web", "-n", "demo", "--timeout=60s")
    out, _ = k("get", "deploy", "web", "-n", "demo")
    check(out.split("\n")[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"] and "3/3" in out, "get deploy columns", out)
    out, _ = k("get", "pods", "-n", "demo", "-l", "app=web", "-o", "wide")
    check(out.count("Running") == 3 and "capstan-node-" in out and "NOMINATED NODE" in out, "3 running pods with node", out)
    out, _ = k("get", "rs", "-n", "demo", "-o", "json")
    rs = json.loads(out)["items"]
    check(len(rs) == 1 and rs[0]["metadata"]["ownerReferences"][0]["kind"] == "Deployment", "one replicaset owned by deployment", out[:500])
    out, _ = k("get", "deploy", "web", "-n", "demo", "-o", "yaml")
    check("NewReplicaSetAvailable" in out and "MinimumReplicasAvailable" in out, "deployment yaml has status conditions", out)
    out, _ = k("get", "pods", "-A")
    check(out.startswith("NAMESPACE") and "demo" in out, "get -A shows NAMESPACE column", out)
    out, _ = k("apply", "-f", "-", stdin=deploy, name="apply again")
    check("unchanged" in out, "second apply unchanged", out)
    k("diff", "-f", "-", stdin=deploy, expect=0, name="diff identical -> exit 0")
    changed = deploy.replace("replicas: 3", "replicas: 2")
    out, _ = k("diff", "-f", "-", stdin=changed, expect=1, name="diff changed -> exit 1")
    check("-  replicas: 3" in out and "+  replicas: 2" in out, "diff shows replicas change", out)
    k("scale", "deployment/web", "-n", "demo", "--replicas=4")
    k("rollout", "status", "deployment/web", "-n", "demo", "--timeout=60s", name="rollout after scale")
    out, _ = k("get", "deploy", "web", "-n", "demo", "-o", "jsonpath={.status.readyReplicas}")
    check(out == "4", "scaled to 4 ready", out)
    k("label", "deployment", "web", "-n", "demo", "team=blue")
    out, _ = k("get", "deploy", "-n", "demo", "-l", "team=blue", "-o", "name")
    check(out.strip() == "deployment.apps/web", "label selector finds labelled", out)
    out, _ = k("get", "deploy", "-n", "demo", "-l", "team in (red,green)", "-o", "name")
    check(out.strip() == "", "set-based selector excludes", out)

    # Server-side apply, then a second apply that changes and removes fields.
    cm = """apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: demo}
data: {a: "1", b: "2"}
"""
    k("apply", "-f", "-", stdin=cm, name="client-side apply configmap")
    out, _ = k("apply", "--server-side", "-f", "-", stdin=cm, name="server-side apply takes over")
    check("serverside-applied" in out, "server-side apply reports serverside-applied", out)
    cm2 = cm.replace('data: {a: "1", b: "2"}', 'data: {a: "3"}')
    k("apply", "--server-side", "-f", "-", stdin=cm2, name="server-side apply changes+removes")
    out, _ = k("get", "cm", "settings", "-n", "demo", "-o", "json", "--show-managed-fields")
    obj = json.loads(out)
    check(obj["data"] == {"a": "3"}, "SSA changed a, removed b", out)
    managers = [m["manager"] for m in obj["metadata"].get("managedFields", [])]
    check("kubectl" in managers, "managedFields has kubectl Apply", str(managers))
    conflict = cm2.replace('"3"', '"4"')
    out, err = k("apply", "--server-side", "--field-manager=other", "-f", "-", stdin=conflict, expect=1,
                 name="SSA conflict with another manager")
    check("conflict" in err.lower(), "conflict message", err)
    k("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", "-", stdin=conflict,
      name="SSA --force-conflicts")
    # Client-side apply that removes a field.
    svc = """apiVersion: v1
kind: Service
metadata: {name: web, namespace: demo, labels: {x: "1", y: "2"}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
"""
    k("apply", "-f", "-", stdin=svc, name="apply service")
    k("apply", "-f", "-", stdin=svc.replace(', y: "2"', ''), name="apply service without label y")
    out, _ = k("get", "svc", "web", "-n", "demo", "-o", "json")
    obj = json.loads(out)
    check(obj["metadata"]["labels"] == {"x": "1"}, "client-side apply removed label y", out)
    check(obj["spec"]["clusterIP"].startswith("10.96."), "service got a cluster IP", out)
    time.sleep(1)
    out, _ = k("get", "endpoints", "web", "-n", "demo", "-o", "json")
    check(len(json.loads(out).get("subsets", [{}])[0].get("addresses", [])) == 4, "endpoints list 4 pod IPs", out)

    # A deployment that never becomes ready exceeds its progress deadline.
    bad = deploy.replace("name: web", "name: stuck", 1).replace("app: web", "app: stuck").replace("nginx:1.27", "example/never-ready:1") \
        .replace("replicas: 3", "replicas: 1\n  progressDeadlineSeconds: 20")
    k("apply", "-f", "-", stdin=bad, name="apply stuck deployment")
    out, err = k("rollout", "status", "deployment/stuck", "-n", "demo", "--timeout=60s", expect=1,
                 name="rollout status fails past deadline")
    check("exceeded its progress deadline" in err, "rollout status names the deadline", err)

    # CRDs.
    crd = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    subresources: {status: {}}
    additionalPrinterColumns:
    - {name: Size, type: integer, jsonPath: .spec.size}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
"""
    k("apply", "-f", "-", stdin=crd, name="register CRD")
    k("wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s")
    widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: demo}\nspec: {size: 7}\n"
    k("apply", "-f", "-", stdin=widget, name="create custom resource")
    out, _ = k("get", "widgets", "-n", "demo")
    check(out.split("\n")[0].split() == ["NAME", "SIZE", "AGE"] and "w1" in out and "7" in out, "custom columns", out)
    out, _ = k("get", "wd", "-n", "demo", "-o", "name")
    check(out.strip() == "widget.example.com/w1", "short name works", out)
    k("apply", "-f", "-", stdin=widget.replace("size: 7", "size: 8"), name="merge-patch apply of CR")
    out, _ = k("get", "widget", "w1", "-n", "demo", "-o", "jsonpath={.spec.size}")
    check(out == "8", "CR updated", out)

    # Bad input, straight to the API.
    st, body = raw("POST", "/api/v1/namespaces/demo/configmaps", "{not json")
    check(st == 400 and json.loads(body)["reason"] == "BadRequest", "malformed JSON -> 400 BadRequest", f"{st} {body}")
    st, body = raw("POST", "/api/v1/namespaces/demo/configmaps", "a: [b", ctype="application/yaml")
    check(st == 400 and json.loads(body)["reason"] == "BadRequest", "malformed YAML -> 400 BadRequest", f"{st} {body}")
    st, body = raw("GET", "/apis/example.com/v1/namespaces/demo/gadgets")
    check(st == 404 and json.loads(body)["reason"] == "NotFound", "unknown kind -> 404 NotFound", f"{st} {body}")
    st, body = raw("POST", "/api/v1/namespaces/demo/configmaps",
                   '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}')
    b = json.loads(body) if body.startswith("{") else {}
    check(st == 422 and b.get("reason") == "Invalid" and
          b["details"]["causes"][0]["field"] == "metadata.name", "invalid name -> 422 Invalid", f"{st} {body}")
    st, body = raw("GET", "/api/v1/namespaces/demo/configmaps/settings")
    cur = json.loads(body)
    cur["metadata"]["resourceVersion"] = "1"
    st, body = raw("PUT", "/api/v1/namespaces/demo/configmaps/settings", json.dumps(cur))
    b = json.loads(body)
    check(st == 409 and b["reason"] == "Conflict" and
          b["message"] == 'Operation cannot be fulfilled on configmaps "settings": the object has been modified; please apply your changes to the latest version and try again', "stale resourceVersion -> 409 Conflict",
          f"{st} {body}")
    big = json.dumps({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "big"},
                      "data": {"x": "a" * (3 * 1024 * 1024 + 10)}})
    st, body = raw("POST", "/api/v1/namespaces/demo/configmaps", big)
    check(st == 413 and json.loads(body)["reason"] == "RequestEntityTooLarge", "oversized body -> 413", f"{st} {body[:200]}")
    st, body = raw("POST", "/api/v1/namespaces/nope/configmaps",
                   '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}')
    check(st == 404 and json.loads(body)["message"] == 'namespaces "nope" not found', "missing namespace -> 404", f"{st} {body}")
    st, body = raw("POST", "/api/v1/namespaces/demo/configmaps",
                   '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}}')
    check(st == 409 and json.loads(body)["reason"] == "AlreadyExists", "duplicate -> 409 AlreadyExists", f"{st} {body}")
    out, err = k("get", "gadgets", expect=1, name="kubectl get unknown kind fails")
    check("the server doesn't have a resource type" in err, "unknown kind message", err)

    # Cascading delete: deployment -> replicasets -> pods.
    k("delete", "deployment", "web", "-n", "demo", "--wait=true", "--timeout=60s")
    deadline = time.time() + 30
    while time.time() < deadline:
        rc, out, _ = run([KUBECTL, "get", "rs,pods", "-n", "demo", "-l", "app=web", "-o", "name"], env=ENV)
        if out.strip() == "":
            break
        time.sleep(0.5)
    check(out.strip() == "", "replicasets and pods of web are gone", out)
    # Foreground delete of an object with no dependents finishes (kubectl waits for it).
    k("create", "configmap", "leaf", "-n", "demo", "--from-literal=a=1")
    k("delete", "configmap", "leaf", "-n", "demo", "--cascade=foreground", "--timeout=20s",
      name="foreground delete of a leaf object finishes")
    k("get", "configmap", "leaf", "-n", "demo", expect=1, name="leaf configmap is gone")

    # Restart durability.
    rc, out, _ = run([KUBECTL, "get", "cm", "settings", "-n", "demo", "-o", "jsonpath={.metadata.resourceVersion}"], env=ENV)
    rv_before = out
    st, body = raw("GET", "/api/v1/namespaces/demo/configmaps")
    list_rv = json.loads(body)["metadata"]["resourceVersion"]
    down()
    rc, out, err = run([CAPSTAN, "cluster", "status", "--data", data])
    check(rc != 0 and "stopped" in out, "status says stopped", out + err)
    up()
    out, _ = k("get", "cm", "settings", "-n", "demo", "-o", "jsonpath={.metadata.resourceVersion}",
               name="object survives restart")
    check(out == rv_before and out != "", "resourceVersion survives restart", f"{out} vs {rv_before}")
    out, _ = k("get", "widgets", "-n", "demo", "-o", "name", name="CRD served after restart")
    check("w1" in out, "custom resource survives restart", out)
    # Watch resumed from before the restart sees what happened since.
    k("delete", "cm", "settings", "-n", "demo")
    st, body = raw("GET", f"/api/v1/namespaces/demo/configmaps?watch=1&resourceVersion={list_rv}&timeoutSeconds=1")
    events = [json.loads(l) for l in body.splitlines() if l.strip()]
    check(st == 200 and any(
        e["type"] == "DELETED" and e["object"]["metadata"]["name"] == "settings" for e in events), "resumed watch gets the missed DELETED event", body[:1000])
    st, body = raw("GET", "/api/v1/namespaces/demo/configmaps?watch=1&resourceVersion=1&timeoutSeconds=1")
    events = [json.loads(l) for l in body.splitlines() if l.strip()]
    ok410 = st == 410 or (events and events[0]["type"] == "ERROR" and events[0]["object"]["code"] == 410)
    # With a small history window an ancient resourceVersion is gone; with a
    # large one it is still served. Either answer must be well-formed.
    check(ok410 or (st == 200 and all(e["type"] in ("ADDED", "MODIFIED", "DELETED") for e in events)), "ancient watch: events or 410 Expired", body[:500])

    # Namespace deletion removes its contents.
    k("delete", "namespace", "demo", "--timeout=60s")
    rc, out, err = run([KUBECTL, "get", "ns", "demo"], env=ENV)
    check(rc == 1 and "NotFound" in err, "namespace gone", out + err)
finally:
    run([CAPSTAN, "cluster", "down", "--data", data])
    log = os.path.join(data, "server.log")
    if failures and os.path.exists(log):
        print("--- server.log tail ---")
        print(open(log).read()[-3000:])
    shutil.rmtree(tmp, ignore_errors=True)

finish()
