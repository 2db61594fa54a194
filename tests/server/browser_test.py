#!/usr/bin/env python3
"""The dashboard in headless Chromium against the demo: `capstan cluster
up`, the 25 ta-microservices dev Applications synced from a local Git
repository (fulfillment crash-loops, as in scripts/run-demo), a Secret added
to payment and changed in a second commit, a read-only account, then
`capstan server` and browser/dashboard_test.js (puppeteer-core).
Usage: browser_test.py CAPSTAN_BIN SCREENSHOT_DIR"""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env import STUCK_PRESYNC_JOB, Env, GIT  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
CAPSTAN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CAPSTAN_BIN", "capstan")
SHOTS = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.getcwd(), "screenshots")

SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: payment-card-key
type: Opaque
stringData:
  key: {value}
"""

# A PreSync hook that never finishes (its image is never pulled), then a
# ConfigMap: a sync the dashboard's Terminate button stops.
SLOW_HOOK = STUCK_PRESYNC_JOB + """---
apiVersion: v1
kind: ConfigMap
metadata:
  name: after-hook
"""


def main():
    if not os.path.exists(os.path.join(HERE, "browser", "node_modules", "puppeteer-core")):
        print("browser_test: puppeteer-core is not installed (scripts/install-deps installs it)")
        print("0 passed, 1 failed")
        return 1
    os.makedirs(SHOTS, exist_ok=True)
    env = Env(CAPSTAN)
    try:
        env.cluster_up('rules:\n- image: "registry.gitlab.com/ta-microservices/fulfillment:*"\n  behavior: crashloop\n')
        work = env.work
        shutil.copytree(os.path.join(REPO_ROOT, "examples", "ta-microservices"), work)
        for d in ("environments", "projects"):
            for root, _, files in os.walk(os.path.join(work, d)):
                for f in files:
                    p = os.path.join(root, f)
                    t = open(p).read().replace("https://gitlab.com/ta-microservices/gitops.git", env.repo_url)
                    open(p, "w").write(t)
        # payment-dev: a Secret, and no automated sync (Argo CD refuses rollback with it).
        base = os.path.join(work, "apps", "payment", "base")
        open(os.path.join(base, "secret.yaml"), "w").write(SECRET.format(value="demo-card-key-v1"))
        k = open(os.path.join(base, "kustomization.yaml")).read().replace("- deployment.yaml", "- deployment.yaml\n- secret.yaml")
        open(os.path.join(base, "kustomization.yaml"), "w").write(k)
        app = os.path.join(work, "environments", "dev", "apps", "payment.yaml")
        t = re.sub(r"\n    automated:\n      prune: true\n      selfHeal: true", "", open(app).read())
        open(app, "w").write(t)
        # Not an app of the demo: the browser test creates one from it to terminate its sync.
        os.makedirs(os.path.join(work, "hooks", "slow"))
        open(os.path.join(work, "hooks", "slow", "hook.yaml"), "w").write(SLOW_HOOK)
        env.run(["git", "init", "-q", "--bare", "-b", "main", env.repo])
        env.run(["git", "init", "-q", "-b", "main", work])
        env.commit({}, "ta-microservices GitOps repository")
        env.run([CAPSTAN, "app", "create", "-f", os.path.join(work, "projects")])
        env.run([CAPSTAN, "app", "create", "-f", os.path.join(work, "environments", "dev", "apps")])
        subprocess.run([CAPSTAN, "app", "sync", "-l", "app.kubernetes.io/environment=dev", "--prune"],
                       capture_output=True, timeout=600)
        for _ in range(60):
            out = subprocess.run([CAPSTAN, "app", "list"], capture_output=True, text=True, timeout=300).stdout
            if " Progressing " not in out:
                break
            time.sleep(1)
        print(out)
        # Second commit: the Secret changes in Git (payment-dev becomes OutOfSync on refresh).
        env.commit({"apps/payment/base/secret.yaml": SECRET.format(value="demo-card-key-v2")}, "rotate card key")
        env.apply_configmap("argocd-cm", {"accounts.viewer": "login"})
        env.apply_configmap("argocd-rbac-cm", {"policy.default": "role:readonly"})
        env.server_up()
        admin = env.login()
        r = env.api("PUT", "/api/v1/account/password", {"name": "viewer", "currentPassword": env.password,
                                                        "newPassword": "viewer-password-1"}, token=admin)
        assert r.status == 200, r.body
        p = subprocess.run(["node", os.path.join(HERE, "browser", "dashboard_test.js"), env.url, env.password,
                            "viewer-password-1", SHOTS, env.repo_url], timeout=600)
        if p.returncode != 0:
            print("server log (tail):\n" + open(os.path.join(env.root, "server.log")).read()[-3000:])
        return p.returncode
    except Exception:
        import traceback
        traceback.print_exc()
        print("0 passed, 1 failed")
        return 1
    finally:
        env.stop()


if __name__ == "__main__":
    sys.exit(main())
