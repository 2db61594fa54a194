#!/usr/bin/env python3
"""Automated prune: a resource removed from Git is deleted with prune on,
kept (requiresPruning, OutOfSync) with prune off; a commit that would
delete every resource is refused without allowEmpty."""
import time

from harness import Env, check, configmap, deployment, finish

env = Env("prune")
c1 = env.commit({"a/cm.yaml": configmap("a-config"), "a/extra.yaml": configmap("a-extra"),
                 "b/cm.yaml": configmap("b-config"), "b/extra.yaml": configmap("b-extra"),
                 "c/cm.yaml": configmap("c-config"), "c/README.md": "kept so the path exists\n"}, "init")
env.application("prune-on", "a", "a-ns", prune=True)
env.application("prune-off", "b", "b-ns", prune=False)
env.application("wipe", "c", "c-ns", prune=True)
ctl = env.start_controller()
check("apps synced", env.wait("synced", lambda: all(env.synced_healthy(n, c1) for n in ("prune-on", "prune-off", "wipe"))) is not None)

c2 = env.commit({}, "drop extras", remove=["a/extra.yaml", "b/extra.yaml", "c/cm.yaml"])
t = env.wait("a-extra pruned", lambda: not env.exists("-n", "a-ns", "configmap/a-extra"))
check("prune on: the resource removed from Git is deleted", t is not None)
check("prune on: the app is Synced at the new commit", env.wait("prune-on synced", lambda: env.synced_healthy("prune-on", c2)) is not None)

t = env.wait("prune-off at new revision", lambda: env.app("prune-off")["status"]["sync"].get("revision") == c2)
time.sleep(2)
b = env.app("prune-off")
res = [r for r in b["status"]["resources"] if r["name"] == "b-extra"]
check("prune off: the resource stays", env.exists("-n", "b-ns", "configmap/b-extra"))
check("prune off: it requires pruning and the app is OutOfSync",
      b["status"]["sync"]["status"] == "OutOfSync" and res and res[0].get("requiresPruning") is True, str(b["status"]["sync"]))

t = env.wait("wipe condition", lambda: "auto-sync will wipe out all resources" in str(env.app("wipe")["status"].get("conditions")))
check("allowEmpty off: a sync deleting every resource is refused with a condition", t is not None,
      str(env.app("wipe")["status"].get("conditions")))
check("allowEmpty off: nothing was deleted", env.exists("-n", "c-ns", "configmap/c-config"))
finish()
