#!/usr/bin/env python3
"""Self-heal: drift made with the real kubectl (delete, scale, edit) is
repaired by the controller, with Argo CD's self-heal backoff between
repeated heals; an app without selfHeal keeps the drift (OutOfSync)."""
import time

from harness import Env, check, configmap, deployment, finish

env = Env("selfheal")
c1 = env.commit({"web/cm.yaml": configmap("web-config", "v"), "web/deploy.yaml": deployment("web"),
                 "manual/cm.yaml": configmap("manual-config", "v")}, "init")
env.application("web", "web", "web-ns")
env.application("noheal", "manual", "noheal-ns", self_heal=False)
ctl = env.start_controller()
check("apps synced", env.wait("synced", lambda: env.synced_healthy("web", c1) and env.synced_healthy("noheal", c1)) is not None)

uid = env.kubectl("-n", "web-ns", "get", "deployment", "web", "-o", "jsonpath={.metadata.uid}")
start = time.time()
env.kubectl("-n", "web-ns", "delete", "deployment", "web", "--wait=false")
t = env.wait("deployment recreated", lambda: env.kubectl("-n", "web-ns", "get", "deployment", "web", "-o",
                                                         "jsonpath={.metadata.uid}", check_rc=False) not in ("", uid))
check("kubectl delete deployment is self-healed", t is not None)
if t is not None:
    print(f"     delete -> restored: {time.time() - start:.2f} s")

env.kubectl("-n", "web-ns", "scale", "deployment", "web", "--replicas", "4")
t = env.wait("replicas back to 1", lambda: env.kubectl("-n", "web-ns", "get", "deployment", "web", "-o",
                                                       "jsonpath={.spec.replicas}") == "1", timeout=30)
check("kubectl scale is self-healed", t is not None)
if t is not None:
    print(f"     scale -> restored: {t:.2f} s (second heal of one revision waits the 1 s backoff)")

env.env["KUBE_EDITOR"] = "sed -i 's/key: v$/key: drifted/'"
env.kubectl("-n", "web-ns", "edit", "configmap", "web-config")
edited = env.kubectl("-n", "web-ns", "get", "configmap", "web-config", "-o", "jsonpath={.data.key}")
check("kubectl edit changed the live object", edited in ("drifted", "v"), edited)
t = env.wait("configmap restored", lambda: env.kubectl("-n", "web-ns", "get", "configmap", "web-config", "-o",
                                                       "jsonpath={.data.key}") == "v", timeout=30)
check("kubectl edit is self-healed", t is not None)
a = env.app("web")
check("self-heal counts its attempts (selfHealAttemptsCount)",
      a["status"]["operationState"]["operation"]["sync"].get("selfHealAttemptsCount", 0) >= 2, str(a["status"]["operationState"]["operation"]))

# selfHeal off: the drift stays and the app says OutOfSync.
env.kubectl("-n", "noheal-ns", "patch", "configmap", "manual-config", "--type", "merge", "-p", '{"data":{"key":"drifted"}}')
t = env.wait("noheal OutOfSync", lambda: env.app("noheal")["status"]["sync"]["status"] == "OutOfSync")
check("without selfHeal a live change makes the app OutOfSync", t is not None)
time.sleep(3)
val = env.kubectl("-n", "noheal-ns", "get", "configmap", "manual-config", "-o", "jsonpath={.data.key}")
check("without selfHeal the drift is not repaired", val == "drifted", val)
finish()
