#!/usr/bin/env python3
"""Notifications end to end: `capstan server` against `capstan cluster up`,
argocd-notifications-cm with a webhook service pointing at a local HTTP
receiver (which fails the first delivery to exercise retries), an
Application subscribed by annotation to the built-in on-sync-succeeded
trigger. Usage: notify_test.py CAPSTAN_BIN"""
import base64
import http.server
import json
import os
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env import Env, check, failures, report, wait_for  # noqa: E402

CAPSTAN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CAPSTAN_BIN", "capstan")
received = []
calls = {"n": 0}


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        calls["n"] += 1
        if calls["n"] == 1:  # the first delivery fails: the server retries
            self.send_response(503)
            self.end_headers()
            return
        received.append({"path": self.path, "body": body, "auth": self.headers.get("X-Token")})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *a):
        pass


CONFIG = """apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  color: {color}
"""


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    port = srv.server_address[1]
    env = Env(CAPSTAN)
    try:
        env.cluster_up()
        env.git_init({"web/config.yaml": CONFIG.format(color="blue")})
        env.server_up()
        admin = env.login()
        env.apply_configmap("argocd-notifications-cm", {
            "service.webhook.receiver": f"url: http://127.0.0.1:{port}\nheaders:\n- name: X-Token\n  value: $receiver-token\nretryWaitMin: 200ms\nretryWaitMax: 1s\n",
            "template.app-sync-succeeded": "webhook:\n  receiver:\n    method: POST\n    path: /hooks/{{.app.metadata.name}}\n"
                                           "    body: '{\"app\": \"{{.app.metadata.name}}\", \"revision\": \"{{.app.status.operationState.syncResult.revision}}\"}'\n",
            "trigger.on-unsupported": "- when: app.metadata.name matches 'x'\n  send: [app-sync-succeeded]\n",
            "subscriptions": "",
        })
        r = env.kube("POST", "/api/v1/namespaces/argocd/secrets", {
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "argocd-notifications-secret", "namespace": "argocd"},
            "data": {"receiver-token": base64.b64encode(b"tok-123").decode()}})
        assert r.status == 201, r.body
        app = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
               "metadata": {"name": "web", "namespace": "argocd", "annotations": {
                   "notifications.argoproj.io/subscribe.on-sync-succeeded.receiver": ""}},
               "spec": {"project": "default", "source": {"repoURL": env.repo_url, "targetRevision": "main", "path": "web"},
                        "destination": {"server": "https://kubernetes.default.svc", "namespace": "web"},
                        "syncPolicy": {"syncOptions": ["CreateNamespace=true"]}}}
        check("create app", env.api("POST", "/api/v1/applications", app, token=admin).status == 200)
        time.sleep(1.5)
        check("nothing sent before a sync", not received and calls["n"] == 0, received)
        env.api("POST", "/api/v1/applications/web/sync", {}, token=admin)
        got = wait_for(lambda: len(received) >= 1, 30)
        check("on-sync-succeeded delivered to the webhook receiver (after one retry)", got and calls["n"] >= 2, calls)
        if received:
            body = json.loads(received[0]["body"])
            rev = env.api("GET", "/api/v1/applications/web", token=admin).json()["status"]["sync"]["revision"]
            check("message rendered from the template", body == {"app": "web", "revision": rev} and received[0]["path"] == "/hooks/web", received[0])
            check("header value from argocd-notifications-secret", received[0]["auth"] == "tok-123", received[0])
        a = env.api("GET", "/api/v1/applications/web", token=admin).json()
        note = a["metadata"].get("annotations", {}).get("notified.notifications.argoproj.io", "")
        check("state recorded in notified.notifications.argoproj.io", "on-sync-succeeded" in note and ":receiver:" in note, note)
        env.api("POST", "/api/v1/applications/web/sync", {}, token=admin)
        time.sleep(4)
        check("a second sync of the same revision sends nothing", len(received) == 1, received)
        env.commit({"web/config.yaml": CONFIG.format(color="green")}, "green")
        env.api("POST", "/api/v1/applications/web/sync", {}, token=admin)
        check("a sync of a new revision sends again", wait_for(lambda: len(received) == 2, 30), received)
        log = open(os.path.join(env.root, "server.log")).read()
        check("unsupported expr reported clearly", "operator matches is not supported" in log, log[-800:])
        check("the token never appears in the log", "tok-123" not in log)
    except Exception:
        failures.append("exception")
        traceback.print_exc()
    finally:
        env.stop()
        srv.shutdown()
    return report()


if __name__ == "__main__":
    sys.exit(main())
