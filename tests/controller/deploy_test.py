#!/usr/bin/env python3
"""Install and in-cluster configuration: `capstan build deploy` renders the
controller's kustomization (CRDs, ServiceAccount, least-privilege roles,
StatefulSet, metrics Service) and the local cluster accepts it with
`kubectl apply --server-side`; `capstan controller` started the way a pod
starts it (service-account token, CA and namespace at
/var/run/secrets/kubernetes.io/serviceaccount, KUBERNETES_SERVICE_HOST/PORT,
no kubeconfig; laid out in a private mount namespace) syncs an app."""
import base64
import os
import shutil
import subprocess

import yaml

from harness import CAPSTAN, Env, check, configmap, finish

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
env = Env("deploy")
out = env.run([CAPSTAN, "build", os.path.join(ROOT, "deploy")]).stdout
docs = list(yaml.safe_load_all(out))
kinds = sorted(d["kind"] for d in docs)
check("deploy renders CRDs, SA, roles, bindings, StatefulSet, Service",
      kinds.count("CustomResourceDefinition") == 3 and {"ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role",
                                                          "RoleBinding", "StatefulSet", "Service"} <= set(kinds), str(kinds))
p = env.run(["kubectl", "apply", "--server-side", "-f", "-"], input=out, check_rc=False)
check("kubectl apply --server-side accepts it", p.returncode == 0, p.stdout + p.stderr)
check("the StatefulSet exists", env.exists("-n", "argocd", "statefulset/capstan-controller"))
verbs = {v for d in docs if d["kind"] in ("ClusterRole", "Role") for r in d["rules"] for v in r.get("verbs", [])}
check("least privilege: no escalate, bind, impersonate or deletecollection, no wildcard verbs",
      not verbs & {"escalate", "bind", "impersonate", "deletecollection", "*"}, str(verbs))
sts = next(d for d in docs if d["kind"] == "StatefulSet")
args = sts["spec"]["template"]["spec"]["containers"][0]["args"]
check("the StatefulSet runs `capstan controller` with leader election and the metrics port",
      args[0] == "controller" and "--leader-elect" in args and "--metrics-port=8082" in args, str(args))

# In-cluster configuration, as inside a pod.
kc = yaml.safe_load(open(env.env["KUBECONFIG"]))
server = kc["clusters"][0]["cluster"]["server"]
ca = base64.b64decode(kc["clusters"][0]["cluster"]["certificate-authority-data"])
token = kc["users"][0]["user"]["token"]
sa = os.path.join(env.tmp, "sa")
os.makedirs(sa)
open(os.path.join(sa, "token"), "w").write(token)
open(os.path.join(sa, "ca.crt"), "wb").write(ca)
open(os.path.join(sa, "namespace"), "w").write("argocd")
host, port = server.replace("https://", "").rsplit(":", 1)
c1 = env.commit({"a/cm.yaml": configmap("in-cluster")}, "init")
env.application("incluster", "a", "a-ns")
pod_env = {k: v for k, v in env.env.items() if k != "KUBECONFIG"}
pod_env.update(KUBERNETES_SERVICE_HOST=host, KUBERNETES_SERVICE_PORT=port)
script = ("mount -t tmpfs none /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount && "
          f"cp {sa}/* /run/secrets/kubernetes.io/serviceaccount/ && "
          f"exec {CAPSTAN} controller --metrics-port 0 --repo-poll 1s --log-level debug")
log = open(os.path.join(env.tmp, "incluster.log"), "w")
if shutil.which("unshare") is None:
    check("unshare (util-linux) is available to lay out the pod's files", False)
    finish()
pod = subprocess.Popen(["unshare", "--mount", "--map-root-user", "sh", "-c", script], env=pod_env, stdout=log, stderr=log)
env.controllers.append(pod)
t = env.wait("synced in-cluster", lambda: env.synced_healthy("incluster", c1), timeout=40)
check("the controller with in-cluster configuration (token, CA, KUBERNETES_SERVICE_HOST/PORT) syncs an app", t is not None,
      open(log.name).read()[-2000:])
env.stop_controller(pod)
bad_env = dict(pod_env, KUBERNETES_SERVICE_HOST=host)
r = subprocess.run([CAPSTAN, "controller", "--metrics-port", "0"], env=bad_env, capture_output=True, text=True, timeout=20)
check("without the service-account files: a clear one-line error, exit 1",
      r.returncode == 1 and "serviceaccount/token" in r.stderr and r.stderr.count("\n") == 1, r.stderr)
finish()
