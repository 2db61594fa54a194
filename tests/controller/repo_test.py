#!/usr/bin/env python3
"""A repository that cannot be reached marks only its apps Unknown with
the error (condition ComparisonError); apps of other repositories carry
on; when it comes back they recover on their own."""
import os
import subprocess

from harness import Env, check, configmap, finish

env = Env("repo")
c1 = env.commit({"a/cm.yaml": configmap("a-config")}, "init")
# A second repository for the other app.
other = os.path.join(env.tmp, "other.git")
owork = os.path.join(env.tmp, "other-work")
env.run(["git", "init", "-q", "--bare", "-b", "main", other])
env.run(["git", "init", "-q", "-b", "main", owork])
os.makedirs(os.path.join(owork, "b"))
open(os.path.join(owork, "b", "cm.yaml"), "w").write(configmap("b-config"))
g = ["git", "-C", owork, "-c", "user.name=t", "-c", "user.email=t@example.com"]
env.run(g + ["add", "-A"])
env.run(g + ["commit", "-q", "-m", "b"])
env.run(g + ["push", "-q", other, "main"])
c2 = env.run(g + ["rev-parse", "HEAD"]).stdout.strip()

env.application("from-a", "a", "a-ns")
obj = env.application("from-b", "b", "b-ns")
obj["spec"]["source"]["repoURL"] = "file://" + other
env.kubectl("apply", "-f", "-", input=__import__("json").dumps(obj))
ctl = env.start_controller()
check("both apps synced", env.wait("synced", lambda: env.synced_healthy("from-a", c1) and env.synced_healthy("from-b", c2)) is not None)

os.rename(env.repo, env.repo + ".gone")
t = env.wait("from-a Unknown", lambda: env.app("from-a")["status"]["sync"]["status"] == "Unknown", timeout=30)
conds = str(env.app("from-a")["status"].get("conditions"))
check("an unreachable repository marks its app Unknown with the error", t is not None and "cannot be reached" in conds, conds)
check("the other repository's app is untouched", env.app("from-b")["status"]["sync"]["status"] == "Synced")
check("the controller keeps running", ctl.poll() is None)
os.rename(env.repo + ".gone", env.repo)
t = env.wait("from-a recovers", lambda: env.synced_healthy("from-a", c1) and not env.app("from-a")["status"].get("conditions"), timeout=30)
check("it recovers when the repository comes back", t is not None, str(env.app("from-a")["status"].get("conditions")))
finish()
