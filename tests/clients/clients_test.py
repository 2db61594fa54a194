#!/usr/bin/env python3
"""The local cluster driven by the clients people use on it, each against a
fresh `capstan cluster up`:
  kubectl  imperative commands (protobuf bodies), autoscale, logs, auth
           can-i, exec/port-forward/top refused as on a cluster without
           containers or metrics
  helm     Helm v3.17.2 install/upgrade --wait/history/rollback/uninstall
  python   the Kubernetes Python client (Debian python3-kubernetes):
           list, create, and watch=True streaming
Usage: clients_test.py CAPSTAN_BIN kubectl|helm|python [HELM_DIR]"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, cluster_down, cluster_up, finish, free_port  # noqa: E402

CAPSTAN, SUITE = sys.argv[1], sys.argv[2]

tmp = tempfile.mkdtemp(prefix=f"capstan-clients-{SUITE}-")
data = os.path.join(tmp, "cluster")  # cluster_up's
ENV = dict(os.environ, KUBECONFIG=os.path.join(data, "kubeconfig"), HOME=tmp,
           KUBECACHEDIR=os.path.join(tmp, "kubecache"))


def run(args, timeout=120, stdin=None):
    p = subprocess.run(args, capture_output=True, text=True, env=ENV, timeout=timeout, input=stdin)
    return p.returncode, p.stdout, p.stderr


def k(*args, expect=0, name=None, contains=None):
    rc, out, err = run(["kubectl"] + list(args))
    ok = rc == expect and (contains is None or contains in out + err)
    check(ok, name or "kubectl " + " ".join(args),
          f"exit {rc} (want {expect}); want {contains!r}\n     stdout: {out.strip()}\n     stderr: {err.strip()}")
    return out, err


def get_json(*args):
    rc, out, err = run(["kubectl", "get", "-o", "json"] + list(args))
    return json.loads(out) if rc == 0 else {}


def wait_for(cond, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if cond():
            return True
        time.sleep(0.3)
    return False


def kubectl_suite():
    k("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2")
    k("create", "job", "hello", "--image=busybox", "--", "echo", "hello from the job")
    k("create", "cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *", "--", "date")
    k("create", "service", "clusterip", "web", "--tcp=80:8080")
    k("create", "service", "nodeport", "web-np", "--tcp=80:8080")
    k("create", "role", "reader", "--verb=get,list", "--resource=pods")
    k("create", "rolebinding", "reader", "--role=reader", "--user=alice")
    k("create", "clusterrole", "cr", "--verb=get", "--resource=nodes")
    k("create", "clusterrolebinding", "crb", "--clusterrole=cr", "--user=alice")
    k("create", "ingress", "web", "--rule=web.example.com/=web:80")
    k("create", "poddisruptionbudget", "web", "--selector=app=web", "--min-available=1")
    k("create", "quota", "q", "--hard=pods=10,services=5")
    k("create", "priorityclass", "high", "--value=1000", "--description=important")
    k("create", "serviceaccount", "bot")
    k("create", "secret", "generic", "creds", "--from-literal=user=admin")
    k("create", "configmap", "settings", "--from-literal=mode=fast")
    # What was sent as protobuf is stored as the JSON a real server keeps.
    d = get_json("deployment", "web")
    check(d.get("spec", {}).get("replicas") == 2 and
          d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27" and
          d["spec"]["selector"]["matchLabels"] == {"app": "web"},
          "deployment from protobuf: replicas, image, selector", json.dumps(d)[:400])
    j = get_json("job", "hello")
    check(j.get("spec", {}).get("template", {}).get("spec", {}).get("containers", [{}])[0].get("command")
          == ["echo", "hello from the job"],
          "job from protobuf: command", json.dumps(j)[:400])
    s = get_json("service", "web")
    check(s.get("spec", {}).get("ports", [{}])[0].get("port") == 80 and
          s["spec"]["ports"][0].get("targetPort") == 8080,
          "service from protobuf: port and targetPort (IntOrString)", json.dumps(s)[:400])
    q = get_json("quota", "q")
    check(q.get("spec", {}).get("hard") == {"pods": "10", "services": "5"},
          "quota from protobuf: hard (Quantity map)", json.dumps(q)[:400])
    pdb = get_json("pdb", "web")
    check(pdb.get("spec", {}).get("minAvailable") == 1,
          "pdb from protobuf: minAvailable", json.dumps(pdb)[:400])
    k("rollout", "status", "deployment/web", "--timeout=60s")
    k("autoscale", "deployment", "web", "--min=1", "--max=4", "--cpu-percent=70")
    hpa = get_json("hpa", "web")
    check(hpa.get("spec", {}).get("maxReplicas") == 4 and
          hpa.get("spec", {}).get("scaleTargetRef", {}).get("name") == "web",
          "autoscale made an HPA for the deployment", json.dumps(hpa)[:400])
    k("get", "hpa", "web", contains="Deployment/web   cpu: <unknown>/70%")
    k("get", "endpointslices", name="kubectl get endpointslices")
    k("get", "priorityclasses", contains="high")
    # logs: simulated output.
    wait_for(lambda: get_json("pods", "-l", "job-name=hello").get("items") and
             get_json("pods", "-l", "job-name=hello")["items"][0].get("status", {}).get("phase") != "Pending")
    k("logs", "job/hello", contains="hello from the job")
    pods = get_json("pods", "-l", "app=web").get("items", [])
    pod = pods[0]["metadata"]["name"] if pods else "missing"
    k("logs", pod, contains="no real output")
    k("logs", pod, "-c", "nope", expect=1, contains="is not valid for pod")
    # auth can-i: the cluster's token is its administrator.
    k("auth", "can-i", "create", "deployments", contains="yes")
    k("auth", "can-i", "delete", "secrets", "-n", "kube-system", contains="yes")
    k("auth", "can-i", "--list", contains="*.*")
    # explain reads /openapi/v3's schemas.
    k("explain", "deployment.spec.replicas", contains="Number of desired pods")
    k("explain", "pods.spec.containers.resources", contains="limits\t<map[string]Quantity>")
    k("explain", "cronjobs.spec", contains="schedule\t<string>")
    # What needs containers or metrics fails as it does on such a cluster.
    k("exec", pod, "--", "ls", expect=1, contains="runs no containers")
    k("port-forward", pod, "18080:80", expect=1, contains="runs no containers")
    k("top", "pods", expect=1, contains="Metrics API not available")
    k("top", "nodes", expect=1, contains="Metrics API not available")
    # Deleting sends DeleteOptions as protobuf.
    k("delete", "deployment", "web", "--cascade=foreground", "--wait=true")
    k("delete", "secret", "creds")
    k("get", "secret", "creds", expect=1, contains="NotFound")


CHART = {
    "Chart.yaml": """
        apiVersion: v2
        name: demo
        version: 0.1.0
    """,
    "values.yaml": """
        replicas: 1
        message: first
    """,
    "templates/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}-web
        spec:
          replicas: {{ .Values.replicas }}
          selector:
            matchLabels: {app: {{ .Release.Name }}-web}
          template:
            metadata:
              labels: {app: {{ .Release.Name }}-web}
            spec:
              containers:
              - name: web
                image: nginx:1.27
    """,
    "templates/configmap.yaml": """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: {{ .Release.Name }}-settings
        data:
          message: {{ .Values.message | quote }}
    """,
    "templates/service.yaml": """
        apiVersion: v1
        kind: Service
        metadata:
          name: {{ .Release.Name }}-web
        spec:
          selector: {app: {{ .Release.Name }}-web}
          ports: [{port: 80, targetPort: 8080}]
    """,
}


def helm_suite(helm_dir):
    proc = subprocess.run([os.path.join(os.path.dirname(os.path.abspath(__file__)), "fetch_helm.sh"),
                           helm_dir], capture_output=True, text=True)
    if proc.returncode == 2:
        print("SKIP helm: " + proc.stderr.strip())
        return
    check(proc.returncode == 0, "fetch helm v3.17.2", proc.stderr)
    if proc.returncode != 0:
        return
    helm = proc.stdout.strip()
    chart = os.path.join(tmp, "demo")
    for path, text in CHART.items():
        os.makedirs(os.path.dirname(os.path.join(chart, path)), exist_ok=True)
        with open(os.path.join(chart, path), "w") as f:
            f.write(textwrap.dedent(text).lstrip())

    def h(*args, expect=0, contains=None, name=None):
        rc, out, err = run([helm] + list(args), timeout=180)
        ok = rc == expect and (contains is None or contains in out + err)
        check(ok, name or "helm " + " ".join(args),
              f"exit {rc} (want {expect}); want {contains!r}\n     stdout: {out.strip()}\n     stderr: {err.strip()}")
        return out

    h("install", "demo", chart, "--wait", "--timeout=90s", contains="STATUS: deployed")
    cm = get_json("configmap", "demo-settings")
    check(cm.get("data", {}).get("message") == "first", "install created the chart's objects")
    h("upgrade", "demo", chart, "--wait", "--timeout=90s", "--set", "replicas=3,message=second",
      contains="REVISION: 2")
    d = get_json("deployment", "demo-web")
    check(d.get("status", {}).get("readyReplicas") == 3,
          "upgrade --wait waited for 3 ready replicas", json.dumps(d.get("status"))[:300])
    out = h("history", "demo", "-o", "json")
    try:
        revs = [r["revision"] for r in json.loads(out)]
    except (ValueError, KeyError):
        revs = []
    check(revs == [1, 2], "history lists revisions 1 and 2", out)
    h("rollback", "demo", "1", "--wait", "--timeout=90s", contains="Rollback was a success")
    cm = get_json("configmap", "demo-settings")
    check(cm.get("data", {}).get("message") == "first", "rollback restored revision 1's values")
    h("uninstall", "demo", "--wait", "--timeout=90s", contains="uninstalled")
    rc, out, err = run(["kubectl", "get", "secrets", "-l", "owner=helm", "-o", "name"])
    check(rc == 0 and out.strip() == "", "uninstall purged the release secrets", out + err)
    rc, out, err = run(["kubectl", "get", "deployment", "demo-web"])
    check(rc != 0 and "NotFound" in err, "uninstall deleted the chart's objects", out + err)
    h("list", "-q", name="helm list after uninstall")


PYTHON_CLIENT = r'''
import sys, threading, time
from kubernetes import client, config, watch
config.load_kube_config()
v1 = client.CoreV1Api()
names = [n.metadata.name for n in v1.list_namespace().items]
assert "default" in names, names
v1.create_namespaced_config_map("default", client.V1ConfigMap(
    metadata=client.V1ObjectMeta(name="before", labels={"suite": "python"}), data={"a": "1"}))
got = [i.metadata.name for i in v1.list_namespaced_config_map("default", label_selector="suite=python").items]
assert got == ["before"], got
rv = v1.list_namespaced_config_map("default").metadata.resource_version
def create_later():
    time.sleep(1)
    v1.create_namespaced_config_map("default", client.V1ConfigMap(
        metadata=client.V1ObjectMeta(name="during", labels={"suite": "python"}), data={"b": "2"}))
threading.Thread(target=create_later).start()
events = []
w = watch.Watch()
# The client sends watch=True: a stream, not a list.
for ev in w.stream(v1.list_namespaced_config_map, "default", resource_version=rv,
                   label_selector="suite=python", timeout_seconds=20):
    events.append((ev["type"], ev["object"].metadata.name))
    if ev["object"].metadata.name == "during":
        w.stop()
assert events == [("ADDED", "during")], events
v1.delete_namespaced_config_map("during", "default")
print("python client: list, create, watch ok")
'''


def python_suite():
    py = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    probe = subprocess.run([py, "-c", "import kubernetes"], capture_output=True, text=True)
    check(probe.returncode == 0, "python3-kubernetes is installed", probe.stderr.strip())
    if probe.returncode != 0:
        return
    p = subprocess.run([py, "-c", PYTHON_CLIENT], capture_output=True, text=True, env=ENV, timeout=120)
    check(p.returncode == 0, "python client: list, create, watch=True stream",
          (p.stdout + p.stderr).strip()[-1500:])


cluster_up(CAPSTAN, tmp, "--port", str(free_port()), "--speed", "10")
try:
    if SUITE == "kubectl":
        kubectl_suite()
    elif SUITE == "helm":
        helm_suite(sys.argv[3] if len(sys.argv) > 3 else os.path.join(tmp, "helm-bin"))
    elif SUITE == "python":
        python_suite()
    else:
        check(False, "unknown suite " + SUITE)
finally:
    cluster_down(CAPSTAN, tmp)
    shutil.rmtree(tmp, ignore_errors=True)

finish()
