#!/usr/bin/env python3
"""ApplicationSets: the example repository's set generates exactly the 69
hand-written service Applications (`capstan appset generate`); in a cluster
the controller creates, updates and deletes the Applications of a set
(list generator), honours applicationsSync create-only, sets owner
references so the Applications follow their set, and
preserveResourcesOnDeletion keeps the deployed resources."""
import glob
import json
import os
import shutil
import subprocess
import time

import yaml

from harness import CAPSTAN, Env, check, configmap, finish

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UPSTREAM = "https://gitlab.com/ta-microservices/gitops.git"

env = Env("appset")

# --- the example's ApplicationSet == the hand-written Applications
work = os.path.join(env.tmp, "example")
shutil.copytree(os.path.join(ROOT, "examples", "ta-microservices"), work)
repo = os.path.join(env.tmp, "example.git")
for path in glob.glob(os.path.join(work, "**", "*.yaml"), recursive=True):
    text = open(path).read()
    if UPSTREAM in text:
        open(path, "w").write(text.replace(UPSTREAM, "file://" + repo))
env.run(["git", "init", "-q", "--bare", "-b", "main", repo])
g = ["git", "-C", work, "-c", "user.name=t", "-c", "user.email=t@example.com"]
env.run(["git", "init", "-q", "-b", "main", work])
env.run(g + ["add", "-A"])
env.run(g + ["commit", "-q", "-m", "example"])
env.run(g + ["push", "-q", repo, "main"])
out = env.run([CAPSTAN, "appset", "generate", "-f", os.path.join(work, "applicationsets", "microservices.yaml")]).stdout
generated = {d["metadata"]["name"]: d for d in yaml.safe_load_all(out)}
hand = {}
for path in glob.glob(os.path.join(work, "environments", "*", "apps", "*.yaml")):
    d = yaml.safe_load(open(path))
    if d["metadata"]["name"].split("-")[0] not in ("infrastructure", "ingress"):
        hand[d["metadata"]["name"]] = d
check("the example ApplicationSet generates 69 Applications", len(generated) == 69, str(len(generated)))
check("... with the names of the hand-written ones", set(generated) == set(hand),
      str(sorted(set(generated) ^ set(hand))[:10]))
diff = [n for n in hand if n in generated and (
    generated[n]["spec"] != hand[n]["spec"] or generated[n]["metadata"].get("labels") != hand[n]["metadata"].get("labels")
    or generated[n]["metadata"]["namespace"] != hand[n]["metadata"]["namespace"])]
check("... and the same spec, labels and namespace", not diff,
      diff[:1] and json.dumps([generated[diff[0]], hand[diff[0]]], indent=1)[:2000])
check("each generated Application is owned by the set",
      all(a["metadata"]["ownerReferences"][0]["kind"] == "ApplicationSet" for a in generated.values()))

# --- in a cluster, with the controller
crds = env.run([CAPSTAN, "build", os.path.join(ROOT, "deploy", "crds")]).stdout
env.kubectl("apply", "--server-side", "-f", "-", input=crds)
c1 = env.commit({"a/cm.yaml": configmap("a"), "b/cm.yaml": configmap("b"), "c/cm.yaml": configmap("c")}, "init")


def appset(elements, policy="sync", preserve=False):
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
            "metadata": {"name": "guestbooks", "namespace": "argocd"},
            "spec": {"goTemplate": True, "goTemplateOptions": ["missingkey=error"],
                     "generators": [{"list": {"elements": elements}}],
                     "syncPolicy": {"applicationsSync": policy, "preserveResourcesOnDeletion": preserve},
                     "template": {"metadata": {"name": "gb-{{ .name }}",
                                               "finalizers": ["resources-finalizer.argocd.argoproj.io"],
                                               "labels": {"team": "{{ .team | lower }}",
                                                          "heat": "{{ if eq .team \"Red\" }}hot{{ else }}cold{{ end }}",
                                                          "first": "{{ index .tags 0 | upper }}"}},
                                  "spec": {"project": "default",
                                           "source": {"repoURL": env.url, "targetRevision": "main", "path": "{{ .dir }}"},
                                           "destination": {"server": "https://kubernetes.default.svc",
                                                           "namespace": "gb-{{ .name }}"},
                                           "syncPolicy": {"automated": {"prune": True, "selfHeal": True},
                                                          "syncOptions": ["CreateNamespace=true"]}}}}}


def apply_set(obj):
    env.kubectl("apply", "-f", "-", input=json.dumps(obj))


ctl = env.start_controller()
apply_set(appset([{"name": "one", "dir": "a", "team": "Red", "tags": ["x", "y"]},
                  {"name": "two", "dir": "b", "team": "Blue", "tags": ["z"]}]))
t = env.wait("apps created", lambda: env.app("gb-one") and env.app("gb-two"))
check("the controller creates the set's Applications", t is not None)
a = env.app("gb-one") or {}
check("with an owner reference to the ApplicationSet and the goTemplate-rendered fields",
      a.get("metadata", {}).get("ownerReferences", [{}])[0].get("kind") == "ApplicationSet"
      and a.get("metadata", {}).get("labels", {}).get("team") == "red" and a["spec"]["source"]["path"] == "a", str(a.get("metadata")))
b = env.app("gb-two") or {}
check("Go text/template through src/gotemplate: if/else, index into a list parameter, Sprig upper",
      a.get("metadata", {}).get("labels", {}).get("heat") == "hot" and b.get("metadata", {}).get("labels", {}).get("heat") == "cold"
      and a["metadata"]["labels"].get("first") == "X" and b["metadata"]["labels"].get("first") == "Z", str(b.get("metadata")))
check("the generated apps sync like any other", env.wait("synced", lambda: env.synced_healthy("gb-one", c1) and env.synced_healthy("gb-two", c1)) is not None)

apply_set(appset([{"name": "one", "dir": "c", "team": "Red", "tags": ["x"]}, {"name": "three", "dir": "b", "team": "Green", "tags": ["g"]}]))
t = env.wait("update", lambda: env.app("gb-one")["spec"]["source"]["path"] == "c" and env.app("gb-three") and env.app("gb-two") is None, timeout=40)
check("a changed element updates its Application, a new one is created, a removed one deleted", t is not None)
check("the removed Application's resources went with it (resources finalizer)",
      env.wait("b-ns gone", lambda: not env.exists("-n", "gb-two", "configmap/b"), timeout=30) is not None)

apply_set(appset([{"name": "one", "dir": "c", "team": "Red", "tags": ["x"]}], policy="create-only"))
time.sleep(3)  # a few reconcile passes
check("applicationsSync create-only never deletes", env.app("gb-three") is not None)

apply_set(appset([{"name": "one", "dir": "c", "team": "Red", "tags": ["x"]}, {"name": "three", "dir": "b", "team": "Green", "tags": ["g"]}], preserve=True))
t = env.wait("finalizers dropped", lambda: not env.app("gb-one")["metadata"].get("finalizers"), timeout=30)
check("preserveResourcesOnDeletion drops the resources finalizer", t is not None)
env.wait("synced", lambda: env.synced_healthy("gb-three"))
env.kubectl("-n", "argocd", "delete", "applicationset", "guestbooks")
t = env.wait("apps gone", lambda: env.app("gb-one") is None and env.app("gb-three") is None, timeout=40)
check("deleting the ApplicationSet deletes its Applications (owner references)", t is not None)
check("preserveResourcesOnDeletion: their resources stay",
      env.exists("-n", "gb-one", "configmap/c") and env.exists("-n", "gb-three", "configmap/b"))

bad = appset([{"name": "x", "dir": "a", "tags": ["q"]}])  # no team: missingkey=error
bad["metadata"]["name"] = "bad"
apply_set(bad)
t = env.wait("bad condition", lambda: "team" in json.dumps(json.loads(env.kubectl("-n", "argocd", "get", "applicationset", "bad", "-o", "json")).get("status", {})))
check("a template error becomes an ErrorOccurred condition naming the key", t is not None)
check("the controller is still running", ctl.poll() is None)
finish()
