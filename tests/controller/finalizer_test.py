#!/usr/bin/env python3
"""resources-finalizer.argocd.argoproj.io: deleting the Application deletes
its resources first (foreground and /background forms); without the
finalizer the resources stay."""
from harness import Env, check, configmap, deployment, finish

env = Env("finalizer")
c1 = env.commit({"f/cm.yaml": configmap("f-config"), "f/deploy.yaml": deployment("f"),
                 "b/cm.yaml": configmap("b-config"), "k/cm.yaml": configmap("k-config")}, "init")
env.application("fg", "f", "f-ns", finalizer="resources-finalizer.argocd.argoproj.io")
env.application("bg", "b", "b-ns", finalizer="resources-finalizer.argocd.argoproj.io/background")
env.application("keep", "k", "k-ns")
ctl = env.start_controller()
check("apps synced", env.wait("synced", lambda: all(env.synced_healthy(n, c1) for n in ("fg", "bg", "keep"))) is not None)

for name, ns, objs in (("fg", "f-ns", ["configmap/f-config", "deployment/f"]), ("bg", "b-ns", ["configmap/b-config"])):
    env.kubectl("-n", "argocd", "delete", "application", name, "--wait=false")
    t = env.wait(f"{name} gone", lambda: env.app(name) is None, timeout=40)
    check(f"{name}: the Application is deleted once its finalizer ran", t is not None)
    check(f"{name}: its resources were deleted", not any(env.exists("-n", ns, o) for o in objs))

env.kubectl("-n", "argocd", "delete", "application", "keep")
check("without the finalizer the Application goes and its resources stay",
      env.app("keep") is None and env.exists("-n", "k-ns", "configmap/k-config"))
finish()
