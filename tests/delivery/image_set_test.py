#!/usr/bin/env python3
"""`capstan image set` against real `kubectl kustomize`: after each edit the
rendered container images are what kustomize semantics say, and every byte
of the file outside the edited entries is unchanged. Also bad input.
usage: image_set_test.py CAPSTAN"""
import os, shutil, subprocess, sys, tempfile, yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, finish  # noqa: E402

CAPSTAN = sys.argv[1]

BASE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example.com/team/web:v1
      - name: proxy
        image: nginx:1.25
      initContainers:
      - name: init
        image: busybox
"""

KUST = """# overlay for dev -- keep this comment
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

resources:
  - deployment.yaml   # the app

images:
  # the application image
  - name: registry.example.com/team/web
    newTag: "v1.0.0"    # quoted on purpose
  - {name: nginx, newTag: '1.25'}

namePrefix: dev-
"""


def run(args, cwd=None):
    return subprocess.run([CAPSTAN] + args, cwd=cwd, capture_output=True, text=True)


def rendered_images(d):
    out = subprocess.run(["kubectl", "kustomize", d], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("kubectl kustomize failed: " + out.stderr)
    imgs = {}
    for doc in yaml.safe_load_all(out.stdout):
        spec = doc["spec"]["template"]["spec"]
        for c in spec.get("containers", []) + spec.get("initContainers", []):
            imgs[c["name"]] = c["image"]
    return imgs


def case(name, args, want, kust=KUST, extra=()):
    d = tempfile.mkdtemp(prefix="capstan-imgset-")
    try:
        open(os.path.join(d, "deployment.yaml"), "w").write(BASE)
        open(os.path.join(d, "kustomization.yaml"), "w").write(kust)
        r = run(["image", "set", d] + list(args) + list(extra))
        check(r.returncode == 0, f"{name}: exit {r.returncode}: {r.stderr.strip()}")
        after = open(os.path.join(d, "kustomization.yaml")).read()
        got = rendered_images(d)
        for k, v in want.items():
            check(got.get(k) == v, f"{name}: kubectl kustomize renders {k} as {got.get(k)}, want {v}")
        # Lines outside `images:` are byte-for-byte the same.
        def outside(t):
            lines, keep, inside = t.splitlines(keepends=True), [], False
            for l in lines:
                if l.startswith("images:"):
                    inside = True
                    continue
                if inside and (l.startswith(" ") or l.startswith("-")):
                    continue
                inside = False
                keep.append(l)
            return "".join(keep)
        check(outside(after) == outside(kust), f"{name}: bytes outside images: changed")
        return after
    finally:
        shutil.rmtree(d)


# Tag only: quoting and the comment after the value stay.
after = case("tag", ["registry.example.com/team/web:v2.0.0"],
             {"web": "registry.example.com/team/web:v2.0.0", "proxy": "nginx:1.25"})
check('newTag: "v2.0.0"    # quoted on purpose' in after, "tag: quoting/comment kept")
check("  # the application image\n" in after, "tag: comment inside images kept")
# New name and tag.
case("newname", ["registry.example.com/team/web=mirror.example.com/web:v3"], {"web": "mirror.example.com/web:v3"})
# Digest replaces the tag (kustomize drops fields the argument does not give).
case("digest", ["registry.example.com/team/web@sha256:" + "a" * 64],
     {"web": "registry.example.com/team/web@sha256:" + "a" * 64})
# Tag and digest.
case("tag+digest", ["nginx:1.27@sha256:" + "b" * 64], {"proxy": "nginx:1.27@sha256:" + "b" * 64})
# `*` keeps the new name already set.
k2 = KUST.replace('newTag: "v1.0.0"', "newName: mirror.example.com/web\n    newTag: v1")
after = case("keep-newname", ["registry.example.com/team/web=*:v9"], {"web": "mirror.example.com/web:v9"}, kust=k2)
# An image used by a workload but not yet listed is appended.
case("append", ["busybox:1.36"], {"init": "busybox:1.36", "web": "registry.example.com/team/web:v1.0.0"})
# Several at once, flow entry edited in flow style.
after = case("several", ["nginx:1.27", "busybox=docker.io/library/busybox:1.36"],
             {"proxy": "nginx:1.27", "init": "docker.io/library/busybox:1.36"})
check("{name: nginx, newTag: '1.27'}" in after, "several: flow entry keeps its quoting: " + after)
# No images: at all yet.
k3 = KUST[:KUST.index("images:")] + "namePrefix: dev-\n"
case("no-images-key", ["nginx:1.26"], {"proxy": "nginx:1.26"}, kust=k3)

# Bad input: clear one-line error, non-zero exit, file untouched.
def bad(name, setup, args, want_in_err):
    d = tempfile.mkdtemp(prefix="capstan-imgset-")
    try:
        open(os.path.join(d, "deployment.yaml"), "w").write(BASE)
        content = setup(d)
        r = run(["image", "set", d] + args)
        check(r.returncode != 0, f"{name}: should fail")
        err = r.stderr.strip()
        check(len(err.splitlines()) == 1 and want_in_err in err, f"{name}: error {err!r} lacks {want_in_err!r}")
        if content is not None:
            check(open(os.path.join(d, "kustomization.yaml")).read() == content, f"{name}: file changed")
        check(not [f for f in os.listdir(d) if "capstan-tmp" in f], f"{name}: temp file left")
    finally:
        shutil.rmtree(d)

def write(content):
    def f(d):
        open(os.path.join(d, "kustomization.yaml"), "w").write(content)
        return content
    return f

bad("not-a-kustomization-dir", lambda d: None, ["nginx:1"], "not a kustomization directory")
bad("wrong-kind", write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"), ["nginx:1"], "kind: ConfigMap is not a Kustomization")
bad("unknown-image", write(KUST), ["postgres:16"], "unknown image postgres")
bad("bad-arg", write(KUST), ["nginx"], "image argument \"nginx\"")
bad("bad-yaml", write("resources: [\n"), ["nginx:1"], "kustomization.yaml: line")
bad("images-not-list", write("resources: [deployment.yaml]\nimages: nginx\n"), ["nginx:1"], "images: expected a list")
bad("entry-without-name", write("resources: [deployment.yaml]\nimages:\n- newTag: x\n"), ["nginx:1"], "images[0].name: missing")

finish()
