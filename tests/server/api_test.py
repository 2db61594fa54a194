#!/usr/bin/env python3
"""API tests of `capstan server` against `capstan cluster up`: every
endpoint, 401 without a token, 403 under RBAC, tampered/expired/alg-none
JWTs refused, secrets masked in every response, path traversal refused,
webhooks, event streams. Usage: api_test.py CAPSTAN_BIN"""
import base64
import hashlib
import hmac
import json
import os
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from env import STUCK_PRESYNC_JOB, Env, check, failures, github_signature, http, report, wait_for, CTX  # noqa: E402

CAPSTAN = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CAPSTAN_BIN", "capstan")

SECRET_VALUE = "hunter2-web-password"
SECRET_B64 = base64.b64encode(SECRET_VALUE.encode()).decode()


def no_secret(name, text):
    check(f"secret masked: {name}", SECRET_VALUE not in text and SECRET_B64 not in text, text[:400])


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(claims, key, alg="HS256"):
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64url(json.dumps(claims).encode())
    if alg == "none":
        return f"{head}.{body}."
    sig = hmac.new(key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


FILES = {
    "web/deployment.yaml": """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
""",
    "web/service.yaml": """apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
""",
    "web/secret.yaml": f"""apiVersion: v1
kind: Secret
metadata:
  name: web-secret
type: Opaque
data:
  password: {SECRET_B64}
""",
    "web/config.yaml": """apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  color: blue
""",
    # A PreSync hook Job that never finishes (its image is never pulled),
    # then a ConfigMap in the Sync phase: a sync to terminate.
    "slow/hook.yaml": STUCK_PRESYNC_JOB,
    "slow/after.yaml": """apiVersion: v1
kind: ConfigMap
metadata:
  name: after-hook
data:
  applied: "yes"
""",
    "team-b/config.yaml": """apiVersion: v1
kind: ConfigMap
metadata:
  name: team-b-config
data:
  owner: team-b
""",
}


def application(name, project, path, repo, extra_labels=None):
    labels = {"team": project}
    labels.update(extra_labels or {})
    return {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd", "labels": labels,
                     "annotations": {"argocd.argoproj.io/manifest-generate-paths": "."}},
        "spec": {"project": project,
                 "source": {"repoURL": repo, "targetRevision": "main", "path": path},
                 "destination": {"server": "https://kubernetes.default.svc", "namespace": path},
                 "syncPolicy": {"syncOptions": ["CreateNamespace=true"]}},
    }


def wait_phase(env, token, name, want=("Succeeded",), timeout=90):
    def done():
        r = env.api("GET", f"/api/v1/applications/{name}", token=token)
        if r.status != 200:
            return None
        st = r.json().get("status", {}).get("operationState", {})
        return r.json() if st.get("phase") in want else None
    return wait_for(done, timeout=timeout)


def main():
    env = Env(CAPSTAN)
    try:
        env.cluster_up()
        first_commit = env.git_init(FILES)
        env.server_up()
        check("server prints the initial admin password once", bool(env.password))
        init = env.secret_data("argocd-initial-admin-secret")
        check("initial password stored in argocd-initial-admin-secret", init.get("password") == env.password)
        secret = env.secret_data("argocd-secret")
        check("admin password stored bcrypt-hashed", secret.get("admin.password", "").startswith("$2b$10$"))
        check("HTTPS with the certificate stored in argocd-server-tls",
              env.url.startswith("https://127.0.0.1:") and "tls.crt" in env.secret_data("argocd-server-tls"))
        run_tests(env, first_commit, secret)
    except Exception:
        failures.append("exception")
        traceback.print_exc()
        try:
            print(open(os.path.join(env.root, "server.log")).read()[-3000:])
        except Exception:
            pass
    finally:
        env.stop()
    return report()


def run_tests(env, first_commit, secret):
    key = secret["server.secretkey"]
    # --- open endpoints and 401 -------------------------------------------------
    r = env.api("GET", "/api/version")
    check("GET /api/version without a token", r.status == 200 and "Version" in r.json())
    r = env.api("GET", "/api/v1/settings")
    check("GET /api/v1/settings without a token", r.status == 200 and r.json()["appLabelKey"] == "app.kubernetes.io/instance")
    r = env.api("GET", "/api/v1/session/userinfo")
    check("userinfo without a token says loggedIn false", r.status == 200 and r.json()["loggedIn"] is False)
    for path in ["/api/v1/applications", "/api/v1/projects", "/api/v1/applications/web/resource-tree",
                 "/api/v1/stream/applications", "/api/v1/account/can-i/applications/get/x"]:
        r = env.api("GET", path)
        check(f"401 without a token: GET {path}", r.status == 401, f"{r.status} {r.body}")
    r = env.api("POST", "/api/v1/applications/web/sync", {})
    check("401 without a token: POST sync", r.status == 401)

    # --- login -----------------------------------------------------------------
    r = env.api("POST", "/api/v1/session", {"username": "admin", "password": "wrong-password"})
    check("login with a wrong password is 401", r.status == 401 and "Invalid username or password" in r.body)
    r = env.api("POST", "/api/v1/session", {"username": "nosuchuser", "password": "x"})
    check("login of an unknown user says the same", r.status == 401 and "Invalid username or password" in r.body)
    t0 = time.time()
    r = env.api("POST", "/api/v1/session", {"username": "admin", "password": env.password})
    check("password checks are padded to >= 500 ms", time.time() - t0 >= 0.5)
    check("login returns a token", r.status == 200 and r.json().get("token", "").count(".") == 2)
    admin = r.json()["token"]
    cookies = r.headers.get_all("Set-Cookie")
    tok_cookie = [c for c in cookies if c.startswith("argocd.token=")][0]
    check("session cookie is HttpOnly, Secure, SameSite", all(a in tok_cookie for a in ("HttpOnly", "Secure", "SameSite=Strict")), tok_cookie)
    payload = json.loads(base64.urlsafe_b64decode(admin.split(".")[1] + "=="))
    check("JWT claims as Argo CD: iss argocd, sub admin:login, 24 h expiry, jti",
          payload["iss"] == "argocd" and payload["sub"] == "admin:login" and payload["exp"] - payload["iat"] == 86400
          and len(payload["jti"]) == 36, payload)
    r = env.api("GET", "/api/v1/session/userinfo", token=admin)
    check("userinfo with a token", r.json().get("username") == "admin" and r.json()["loggedIn"] is True)

    # --- bad tokens ------------------------------------------------------------
    now = int(time.time())
    claims = {"iss": "argocd", "sub": "admin:login", "iat": now, "nbf": now, "exp": now + 3600, "jti": "x"}
    check("a token we sign with the server key works (test sanity)",
          env.api("GET", "/api/v1/applications", token=jwt(claims, key)).status == 200)
    expired = dict(claims, exp=now - 10)
    r = env.api("GET", "/api/v1/applications", token=jwt(expired, key))
    check("expired JWT refused", r.status == 401 and "expired" in r.body, r.body)
    r = env.api("GET", "/api/v1/applications", token=jwt(claims, key, alg="none"))
    check("alg none JWT refused", r.status == 401, r.body)
    parts = admin.split(".")
    forged = dict(payload, sub="someone-else:login")
    r = env.api("GET", "/api/v1/applications", token=parts[0] + "." + b64url(json.dumps(forged).encode()) + "." + parts[2])
    check("tampered JWT refused", r.status == 401, r.body)
    r = env.api("GET", "/api/v1/applications", token=jwt(claims, "not-the-key"))
    check("JWT signed with another key refused", r.status == 401)

    # --- projects --------------------------------------------------------------
    proj = {"project": {"metadata": {"name": "team-b"}, "spec": {
        "sourceRepos": ["*"], "destinations": [{"server": "*", "namespace": "*"}],
        "clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
        "roles": [{"name": "ci", "policies": ["p, proj:team-b:ci, applications, get, team-b/*, allow",
                                             "p, proj:team-b:ci, applications, sync, team-b/*, allow"]}]}}}
    r = env.api("POST", "/api/v1/projects", proj, token=admin)
    check("POST /api/v1/projects creates an AppProject", r.status == 200 and r.json()["metadata"]["name"] == "team-b", r.body)
    r = env.api("POST", "/api/v1/projects", proj, token=admin)
    check("POST of an existing project is 409", r.status == 409)
    r = env.api("GET", "/api/v1/projects", token=admin)
    names = sorted(p["metadata"]["name"] for p in r.json()["items"])
    check("GET /api/v1/projects lists default and team-b", names == ["default", "team-b"], names)
    r = env.api("GET", "/api/v1/projects/team-b", token=admin)
    check("GET /api/v1/projects/team-b", r.status == 200 and r.json()["spec"]["roles"][0]["name"] == "ci")
    upd = r.json()
    upd["spec"]["description"] = "team b"
    r = env.api("PUT", "/api/v1/projects/team-b", {"project": upd}, token=admin)
    check("PUT /api/v1/projects/team-b updates it", r.status == 200 and r.json()["spec"]["description"] == "team b", r.body)
    r = env.api("PUT", "/api/v1/projects/team-b", {"project": upd}, token=admin)
    check("PUT with a stale resourceVersion is 409", r.status == 409 and "has been modified" in r.body, f"{r.status} {r.body}")
    fresh = env.api("GET", "/api/v1/projects/team-b", token=admin).json()
    fresh["spec"]["destinations"].append({"server": "https://kubernetes.default.svc", "namespace": "team-b-extra"})
    fresh["spec"]["namespaceResourceBlacklist"] = [{"group": "", "kind": "ResourceQuota"}]
    r = env.api("PUT", "/api/v1/projects/team-b", {"project": fresh}, token=admin)
    got = env.api("GET", "/api/v1/projects/team-b", token=admin).json()["spec"]
    check("PUT adds a destination and a deny-list entry, saved", r.status == 200 and
          {"server": "https://kubernetes.default.svc", "namespace": "team-b-extra"} in got["destinations"] and
          got.get("namespaceResourceBlacklist") == [{"group": "", "kind": "ResourceQuota"}], f"{r.status} {r.body[:300]}")
    del fresh["metadata"]["resourceVersion"]
    fresh["spec"]["description"] = "team b (no resourceVersion)"
    r = env.api("PUT", "/api/v1/projects/team-b", {"project": fresh}, token=admin)
    check("PUT without a resourceVersion updates the current object", r.status == 200 and
          r.json()["spec"]["description"] == "team b (no resourceVersion)", r.body[:300])
    r = env.api("PUT", "/api/v1/projects/nosuch", {"project": {"metadata": {"name": "nosuch"}, "spec": {}}}, token=admin)
    check("PUT of a missing project is 404", r.status == 404, r.body)
    r = env.api("POST", "/api/v1/projects", {"project": {"metadata": {"name": "scratch"}, "spec": {"sourceRepos": ["*"]}}}, token=admin)
    check("POST creates project scratch", r.status == 200, r.body)
    r = env.api("DELETE", "/api/v1/projects/scratch", token=admin)
    check("DELETE /api/v1/projects/scratch", r.status == 200 and
          env.api("GET", "/api/v1/projects/scratch", token=admin).status == 404, r.body)
    r = env.api("POST", "/api/v1/projects", {"project": {"metadata": {"name": "bad"}, "spec": {"destinations": "oops"}}}, token=admin)
    check("an invalid project is 400 naming the field", r.status == 400 and "destinations" in r.body, r.body)

    # --- applications CRUD -------------------------------------------------------
    r = env.api("POST", "/api/v1/applications", application("web", "default", "web", env.repo_url, {"tier": "front"}), token=admin)
    check("POST /api/v1/applications creates web", r.status == 200 and r.json()["metadata"]["name"] == "web", r.body)
    r = env.api("POST", "/api/v1/applications", application("teamb", "team-b", "team-b", env.repo_url), token=admin)
    check("POST /api/v1/applications creates teamb", r.status == 200, r.body)
    bad = application("broken", "default", "web", env.repo_url)
    bad["spec"]["destination"] = "nowhere"
    r = env.api("POST", "/api/v1/applications", bad, token=admin)
    check("an invalid Application is 400 naming the field", r.status == 400 and "destination" in r.body, r.body)
    changed = application("web", "default", "web", env.repo_url)
    changed["spec"]["source"]["path"] = "team-b"
    r = env.api("POST", "/api/v1/applications", changed, token=admin)
    check("POST of a different existing app without upsert is 400", r.status == 400 and "upsert" in r.body)
    r = env.api("GET", "/api/v1/applications", token=admin)
    check("GET /api/v1/applications lists both", sorted(a["metadata"]["name"] for a in r.json()["items"]) == ["teamb", "web"], r.body[:300])
    r = env.api("GET", "/api/v1/applications?projects=team-b", token=admin)
    check("projects filter", [a["metadata"]["name"] for a in r.json()["items"]] == ["teamb"])
    r = env.api("GET", "/api/v1/applications?selector=" + urllib.parse.quote("tier=front"), token=admin)
    check("selector filter", [a["metadata"]["name"] for a in r.json()["items"]] == ["web"])
    r = env.api("GET", "/api/v1/applications?repo=" + urllib.parse.quote(env.repo_url[:-len(".git")] + "/"), token=admin)
    check("repo filter (normalized URL)", len(r.json()["items"]) == 2)
    r = env.api("GET", "/api/v1/applications?repo=https://example.com/other", token=admin)
    check("repo filter excludes other repos", len(r.json()["items"]) == 0)
    r = env.api("GET", "/api/v1/applications/web?refresh=normal", token=admin)
    check("GET /applications/web?refresh=normal compares with Git",
          r.status == 200 and r.json()["status"]["sync"]["status"] == "OutOfSync", r.body[:500])
    r = env.api("GET", "/api/v1/applications/nope", token=admin)
    check("GET of a missing app is 404 for admin", r.status == 404)
    spec = env.api("GET", "/api/v1/applications/web", token=admin).json()["spec"]
    spec["info"] = [{"name": "owner", "value": "web-team"}]
    r = env.api("PUT", "/api/v1/applications/web/spec", spec, token=admin)
    check("PUT /applications/web/spec", r.status == 200 and r.json()["info"][0]["value"] == "web-team", r.body[:300])
    app = env.api("GET", "/api/v1/applications/web", token=admin).json()
    app["metadata"]["labels"]["updated"] = "yes"
    r = env.api("PUT", "/api/v1/applications/web", app, token=admin)
    check("PUT /applications/web", r.status == 200 and r.json()["metadata"]["labels"]["updated"] == "yes", r.body[:300])

    r = env.api("PATCH", "/api/v1/applications/web", {"patch": json.dumps({"metadata": {"labels": {"patched": "yes"}}}),
                                                      "patchType": "merge"}, token=admin)
    check("PATCH /applications/web (merge)", r.status == 200 and r.json()["metadata"]["labels"]["patched"] == "yes", r.body[:300])
    r = env.api("PATCH", "/api/v1/applications/web", {"patch": json.dumps({"spec": {"destination": "bad"}}), "patchType": "merge"}, token=admin)
    check("PATCH making the app invalid is 400 and changes nothing", r.status == 400 and
          env.api("GET", "/api/v1/applications/web", token=admin).json()["spec"]["destination"]["namespace"] == "web", r.body[:300])

    # --- event stream ------------------------------------------------------------
    events = []
    host, port = env.url.split("//")[1].split(":")

    def reader():
        try:
            s = socket.create_connection((host, int(port)), timeout=60)
            s = CTX.wrap_socket(s, server_hostname=host)
            s.sendall(f"GET /api/v1/stream/applications HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {admin}\r\n\r\n".encode())
            buf = b""
            end = time.time() + 60
            while time.time() < end and b"operationState" not in buf:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
            events.append(buf.decode(errors="replace"))
            s.close()
        except Exception as e:  # noqa: BLE001
            events.append("error: " + str(e))

    th = threading.Thread(target=reader)
    th.start()
    time.sleep(1)

    # --- sync ----------------------------------------------------------------------
    r = env.api("POST", "/api/v1/applications/web/sync", {"prune": True}, token=admin)
    check("POST /applications/web/sync starts an operation", r.status == 200, r.body[:300])
    done = wait_phase(env, admin, "web", ("Succeeded", "Failed", "Error"))
    check("sync operation Succeeded", done and done["status"]["operationState"]["phase"] == "Succeeded",
          json.dumps(done.get("status", {}).get("operationState") if done else None)[:600])
    th.join(70)
    check("event stream delivered the operation change", events and "text/event-stream" in events[0]
          and 'data: {"result":{"type":"MODIFIED","application":' in events[0], (events or [""])[0][:500])
    no_secret("event stream", events[0] if events else "")
    healthy = wait_for(lambda: env.api("GET", "/api/v1/applications/web?refresh=normal", token=admin).json()["status"]["health"]["status"] == "Healthy", 60)
    check("web becomes Healthy", healthy)
    r = env.api("GET", "/api/v1/applications/web", token=admin)
    check("status.sync Synced after sync", r.json()["status"]["sync"]["status"] == "Synced")
    no_secret("GET application", r.body)

    r = env.api("GET", "/api/v1/applications/web/resource-tree", token=admin)
    nodes = r.json().get("nodes", [])
    kinds = sorted({n["kind"] for n in nodes})
    check("resource-tree has Deployment, ReplicaSet, Pod, Service, Secret, ConfigMap",
          all(k in kinds for k in ["Deployment", "ReplicaSet", "Pod", "Service", "Secret", "ConfigMap"]), kinds)
    pod = [n for n in nodes if n["kind"] == "Pod"]
    rs = [n for n in nodes if n["kind"] == "ReplicaSet"]
    check("Pod's parent is the ReplicaSet, whose parent is the Deployment",
          pod and rs and pod[0]["parentRefs"][0]["uid"] == rs[0]["uid"] and rs[0]["parentRefs"][0]["kind"] == "Deployment")
    check("Pod node has health and info", pod and "health" in pod[0] and any(i["name"] == "Status Reason" for i in pod[0].get("info", [])))
    no_secret("resource-tree", r.body)

    r = env.api("GET", "/api/v1/applications/web/managed-resources", token=admin)
    items = r.json().get("items", [])
    sec = [i for i in items if i["kind"] == "Secret"]
    check("managed-resources has live and target state", sec and sec[0]["liveState"] != "null" and sec[0]["targetState"] != "null")
    check("managed-resources masks Secret data with +", sec and "++++++++" in sec[0]["liveState"] and "++++++++" in sec[0]["targetState"])
    no_secret("managed-resources", r.body)
    r = env.api("GET", "/api/v1/applications/web/manifests", token=admin)
    check("manifests lists the 4 rendered objects", r.status == 200 and len(r.json()["manifests"]) == 4, r.body[:300])
    no_secret("manifests", r.body)
    r = env.api("GET", "/api/v1/applications/web/events", token=admin)
    check("events returns an EventList", r.status == 200 and "items" in r.json(), r.body[:300])
    no_secret("events", r.body)
    r = env.api("GET", f"/api/v1/applications/web/revisions/{first_commit}/metadata", token=admin)
    check("revision metadata has author and message", r.status == 200 and r.json().get("message") == "initial"
          and "capstan-test" in r.json().get("author", ""), r.body)
    r = env.api("GET", "/api/v1/applications/web/revisions/0000000000000000000000000000000000000000/metadata", token=admin)
    check("metadata of an unknown revision is 404", r.status == 404)
    r = env.api("DELETE", "/api/v1/applications/web/operation", token=admin)
    check("terminating with no operation running is 400", r.status == 400 and "No operation" in r.body, r.body)

    # --- manifests at a revision (Argo CD's GetManifests) ---------------------------------
    three = env.commit({"web/deployment.yaml": FILES["web/deployment.yaml"].replace("replicas: 1", "replicas: 3")}, "three replicas")
    env.run(["git", "-C", env.work, "tag", "v1", first_commit])
    env.run(["git", "-C", env.work, "push", "-q", env.repo, "v1"])
    before = env.api("GET", "/api/v1/applications/web", token=admin).json()["status"]

    def replicas(query):
        r = env.api("GET", "/api/v1/applications/web/manifests" + query, token=admin)
        if r.status != 200:
            return r.status, None, r.body
        deps = [json.loads(m) for m in r.json()["manifests"] if json.loads(m)["kind"] == "Deployment"]
        return r.status, deps[0]["spec"]["replicas"] if deps else None, r.json().get("revision")
    got = replicas(f"?revision={first_commit}")
    check("manifests?revision=<old SHA> renders the old replicas", got == (200, 1, first_commit), got)
    got = replicas("?revision=v1")
    check("manifests?revision=<tag> renders the tagged commit", got == (200, 1, first_commit), got)
    got = replicas("?revision=main")
    check("manifests?revision=<branch> renders its head", got == (200, 3, three), got)
    got = replicas("")
    check("manifests without revision renders targetRevision", got == (200, 3, three), got)
    got = replicas("?revision=no-such-branch")
    check("manifests at an unknown revision is 400", got[0] == 400, got)
    after = env.api("GET", "/api/v1/applications/web", token=admin).json()["status"]
    check("manifests leave the Application's status unchanged",
          after.get("sync") == before.get("sync") and after.get("conditions") == before.get("conditions"),
          json.dumps([before.get("sync"), after.get("sync")])[:600])

    # --- terminate an in-process operation ----------------------------------------------
    r = env.api("POST", "/api/v1/applications", application("slow", "default", "slow", env.repo_url), token=admin)
    check("POST /api/v1/applications creates slow", r.status == 200, r.body[:300])
    r = env.api("POST", "/api/v1/applications/slow/sync", {}, token=admin)
    check("sync of slow starts", r.status == 200, r.body[:300])
    job = "/apis/batch/v1/namespaces/slow/jobs/slow-migrate"
    check("its PreSync hook Job is created and never finishes", wait_for(lambda: env.kube("GET", job).status == 200, 60))
    time.sleep(1.5)
    running = env.api("GET", "/api/v1/applications/slow", token=admin).json()
    check("the operation is Running while the hook runs",
          running["status"]["operationState"]["phase"] == "Running" and running.get("operation"),
          json.dumps(running["status"].get("operationState"))[:300])
    r = env.api("DELETE", "/api/v1/applications/slow/operation", token=admin)
    check("DELETE operation of an in-process sync is accepted", r.status == 200, r.body)
    done = wait_phase(env, admin, "slow", ("Failed", "Error", "Succeeded"), timeout=30)
    st = done["status"]["operationState"] if done else {}
    check("the terminated operation is Failed: Operation terminated",
          st.get("phase") == "Failed" and st.get("message") == "Operation terminated", json.dumps(st)[:600])
    check("the terminated operation's .operation is cleared", done and not done.get("operation"))
    check("the next phase (ConfigMap after-hook) was never applied",
          env.kube("GET", "/api/v1/namespaces/slow/configmaps/after-hook").status == 404)
    check("the still-running hook Job is deleted, as Argo CD's terminate does",
          wait_for(lambda: env.kube("GET", job).status == 404, 30))
    hooks = [x for x in st.get("syncResult", {}).get("resources", []) if x.get("kind") == "Job"]
    check("the hook's result says Deleted", hooks and hooks[0].get("message") == "Deleted", json.dumps(hooks)[:300])
    r = env.api("DELETE", "/api/v1/applications/slow/operation", token=admin)
    check("terminating a finished operation is 400", r.status == 400, r.body)
    r = env.api("DELETE", "/api/v1/applications/slow?cascade=true", token=admin)
    check("slow is deleted", r.status == 200 and wait_for(lambda: env.api("GET", "/api/v1/applications/slow", token=admin).status == 404, 60), r.body)

    # --- a second commit, then rollback -----------------------------------------------
    second = env.commit({"web/config.yaml": FILES["web/config.yaml"].replace("blue", "green")}, "green")
    r = env.api("POST", "/api/v1/applications/web/sync", {}, token=admin)
    done = wait_phase(env, admin, "web", ("Succeeded", "Failed", "Error"))
    hist = done["status"].get("history", []) if done else []
    check("second sync recorded in history", len(hist) == 2 and hist[-1]["revision"] == second, json.dumps(hist)[:400])
    r = env.api("POST", "/api/v1/applications/web/rollback", {"id": 0}, token=admin)
    check("POST rollback", r.status == 200, r.body[:300])
    def rolled():
        a = env.api("GET", "/api/v1/applications/web", token=admin).json()
        st = a.get("status", {})
        h = st.get("history", [])
        return a if st.get("operationState", {}).get("phase") == "Succeeded" and len(h) == 3 else None
    a = wait_for(rolled, 90)
    check("rollback synced the first revision", a and a["status"]["history"][-1]["revision"] == first_commit,
          json.dumps(a["status"] if a else None)[:500])
    r = env.api("POST", "/api/v1/applications/web/rollback", {"id": 99}, token=admin)
    check("rollback to a missing history id is 400", r.status == 400)

    # --- RBAC ------------------------------------------------------------------------
    env.apply_configmap("argocd-cm", {"accounts.alice": "login", "accounts.bob": "login", "accounts.ci": "apiKey"})
    env.apply_configmap("argocd-rbac-cm", {"policy.csv": "p, alice, applications, get, default/*, allow\n"
                                                         "p, alice, projects, get, default, allow\n",
                                           "policy.default": ""})
    time.sleep(1.2)
    r = env.api("PUT", "/api/v1/account/password", {"name": "alice", "currentPassword": env.password,
                                                    "newPassword": "alice-password-1"}, token=admin)
    check("PUT /api/v1/account/password sets alice's password", r.status == 200, r.body)
    r = env.api("PUT", "/api/v1/account/password", {"name": "bob", "currentPassword": env.password,
                                                    "newPassword": "bob-password-1"}, token=admin)
    alice = env.login("alice", "alice-password-1")
    r = env.api("GET", "/api/v1/applications", token=alice)
    check("list filters apps alice may not see", [a["metadata"]["name"] for a in r.json()["items"]] == ["web"], r.body[:200])
    r = env.api("GET", "/api/v1/applications/teamb", token=alice)
    check("GET of a forbidden app is 403", r.status == 403, r.body)
    r = env.api("GET", "/api/v1/applications/nope", token=alice)
    check("GET of a missing app is 403 for alice too (no existence leak)", r.status == 403, r.body)
    for method, path, body in [("POST", "/api/v1/applications/web/sync", {}),
                               ("POST", "/api/v1/applications/web/rollback", {"id": 0}),
                               ("DELETE", "/api/v1/applications/web", None),
                               ("PUT", "/api/v1/applications/web/spec", spec),
                               ("PATCH", "/api/v1/applications/web", {"patch": "{}"}),
                               ("DELETE", "/api/v1/applications/web/operation", None),
                               ("GET", "/api/v1/applications/teamb/resource-tree", None),
                               ("GET", "/api/v1/applications/teamb/managed-resources", None),
                               ("GET", "/api/v1/applications/teamb/manifests", None),
                               ("GET", "/api/v1/applications/teamb/events", None),
                               ("GET", "/api/v1/stream/applications/teamb/resource-tree", None),
                               ("POST", "/api/v1/applications", application("x", "default", "web", env.repo_url)),
                               ("POST", "/api/v1/projects", {"project": {"metadata": {"name": "p2"}, "spec": {}}}),
                               ("DELETE", "/api/v1/projects/team-b", None),
                               ("PUT", "/api/v1/projects/team-b", {"project": {"metadata": {"name": "team-b"}, "spec": {}}}),
                               ("PUT", "/api/v1/projects/default", {"project": {"metadata": {"name": "default"}, "spec": {}}}),
                               ("GET", "/api/v1/projects/team-b", None),
                               ("POST", "/api/v1/projects/team-b/roles/ci/token", {})]:
        r = env.api(method, path, body, token=alice)
        check(f"403 under RBAC: {method} {path}", r.status == 403, f"{r.status} {r.body[:200]}")
    r = env.api("GET", "/api/v1/projects", token=alice)
    check("project list filtered", [p["metadata"]["name"] for p in r.json()["items"]] == ["default"], r.body[:200])
    r = env.api("GET", "/api/v1/account/can-i/applications/get/default/web", token=alice)
    check("can-i yes", r.json() == {"value": "yes"})
    r = env.api("GET", "/api/v1/account/can-i/applications/sync/default/web", token=alice)
    check("can-i no", r.json() == {"value": "no"})

    # --- account and project tokens ---------------------------------------------------
    r = env.api("POST", "/api/v1/account/ci/token", {"id": "ci-1"}, token=admin)
    check("POST /api/v1/account/ci/token", r.status == 200 and r.json().get("token"), r.body)
    ci = r.json().get("token", "")
    check("an API token authenticates", env.api("GET", "/api/v1/session/userinfo", token=ci).json().get("username") == "ci")
    r = env.api("POST", "/api/v1/account/alice/token", {}, token=admin)
    check("alice (login only) cannot have API tokens", r.status == 400)
    r = env.api("POST", "/api/v1/projects/team-b/roles/ci/token", {"id": "pipeline"}, token=admin)
    check("POST project role token", r.status == 200 and r.json().get("token"), r.body)
    ptok = r.json().get("token", "")
    r = env.api("GET", "/api/v1/applications", token=ptok)
    check("project token sees only its project's apps", [a["metadata"]["name"] for a in r.json()["items"]] == ["teamb"], r.body[:200])
    r = env.api("POST", "/api/v1/applications/web/sync", {}, token=ptok)
    check("project token cannot sync outside its project", r.status == 403)
    r = env.api("POST", "/api/v1/applications/teamb/sync", {}, token=ptok)
    check("project token syncs in its project", r.status == 200, r.body[:200])
    wait_phase(env, admin, "teamb", ("Succeeded", "Failed", "Error"))
    iat = json.loads(base64.urlsafe_b64decode(ptok.split(".")[1] + "=="))["iat"]
    r = env.api("DELETE", f"/api/v1/projects/team-b/roles/ci/token/{iat}", token=admin)
    check("DELETE project role token", r.status == 200, r.body)
    time.sleep(1.2)
    r = env.api("GET", "/api/v1/applications", token=ptok)
    check("a deleted (unlisted) project token is revoked", r.status == 401, r.body)

    # --- CSRF for cookie writes ------------------------------------------------------------
    login = env.api("POST", "/api/v1/session", {"username": "admin", "password": env.password})
    cookies = {c.split("=")[0]: c.split(";")[0] for c in login.headers.get_all("Set-Cookie")}
    cookie = cookies["argocd.token"] + "; " + cookies["argocd.csrf"]
    csrf = cookies["argocd.csrf"].split("=", 1)[1]
    r = env.api("GET", "/api/v1/applications", cookie=cookie)
    check("cookie authenticates reads", r.status == 200)
    r = env.api("POST", "/api/v1/applications/teamb/sync", {}, cookie=cookie)
    check("cookie write without X-CSRF-Token is 403", r.status == 403 and "CSRF" in r.body, r.body)
    r = env.api("POST", "/api/v1/applications/teamb/sync", {"dryRun": True}, cookie=cookie, headers={"X-CSRF-Token": csrf})
    check("cookie write with X-CSRF-Token works", r.status == 200, r.body[:200])
    wait_phase(env, admin, "teamb", ("Succeeded", "Failed", "Error"))

    # --- static assets ------------------------------------------------------------------------
    r = env.api("GET", "/")
    check("GET / serves the dashboard", r.status == 200 and "<html" in r.body.lower())
    r = env.api("GET", "/applications/web")
    check("SPA paths serve the dashboard", r.status == 200 and "<html" in r.body.lower())
    for path in ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/assets/..%2f..%2f..%2fetc%2fpasswd",
                 "/..%5c..%5cetc%5cpasswd"]:
        r = raw_get(env, path)
        check(f"path traversal refused: {path}", "root:x:" not in r and ("404" in r.split("\r\n")[0] or "400" in r.split("\r\n")[0]), r[:200])

    # --- webhooks ------------------------------------------------------------------------------
    env.patch_secret("argocd-secret", {"webhook.github.secret": "hook-secret"})
    time.sleep(1.2)
    third = env.commit({"web/config.yaml": FILES["web/config.yaml"].replace("blue", "red")}, "red")
    body = json.dumps({"ref": "refs/heads/main", "after": third,
                       "repository": {"html_url": env.repo_url, "clone_url": env.repo_url, "default_branch": "main"},
                       "commits": [{"added": [], "modified": ["web/config.yaml"], "removed": []}]}).encode()
    r = env.api("POST", "/api/webhook", body, headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=" + "0" * 64})
    check("webhook with a bad signature is 400", r.status == 400, r.body)
    r = env.api("POST", "/api/webhook", body, headers={"X-GitHub-Event": "issues", "X-Hub-Signature-256": github_signature("hook-secret", body)})
    check("unknown webhook event is 400", r.status == 400 and "Unknown webhook event" in r.body, r.body)
    r = env.api("POST", "/api/webhook", body, headers={"X-Something": "x"})
    check("webhook without a provider header is 400", r.status == 400)
    r = env.api("POST", "/api/webhook", body, headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": github_signature("hook-secret", body)})
    check("signed GitHub push accepted, matching web only", r.status == 200 and r.json()["refreshed"] == ["web"], r.body)
    ok = wait_for(lambda: env.api("GET", "/api/v1/applications/web", token=admin).json()["status"]["sync"].get("revision") == third, 30)
    check("webhook refreshed web to the pushed commit", ok, open(os.path.join(env.root, "server.log")).read()[-2000:])
    gl = json.dumps({"ref": "refs/heads/main", "project": {"web_url": env.repo_url, "default_branch": "main"}, "commits": []}).encode()
    env.patch_secret("argocd-secret", {"webhook.gitlab.secret": "gl-token"})
    time.sleep(1.2)
    r = env.api("POST", "/api/webhook", gl, headers={"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "wrong"})
    check("GitLab push with a wrong token is 400", r.status == 400)
    r = env.api("POST", "/api/webhook", gl, headers={"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "gl-token"})
    check("GitLab push with the token refreshes both apps", r.status == 200 and sorted(r.json()["refreshed"]) == ["teamb", "web"], r.body)
    # Every refresh runs on a thread of its own; ended ones must be joined,
    # or each keeps its stack (8 MiB of address space) for the server's life.
    vm_before = vm_size_kb(env.server.pid)
    for _ in range(24):
        env.api("POST", "/api/webhook", gl, headers={"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "gl-token"})
        time.sleep(0.25)
    time.sleep(1)
    grown_mb = (vm_size_kb(env.server.pid) - vm_before) // 1024
    check("48 webhook refreshes leave no thread stacks behind", grown_mb < 48, f"address space grew {grown_mb} MiB")
    print(f"     (address space grew {grown_mb} MiB)")
    big = b'{"x":"' + b"a" * (51 * 1024 * 1024) + b'"}'
    r = env.api("POST", "/api/webhook", big, headers={"X-GitHub-Event": "push"})
    check("webhook payload over 50 MB refused", r.status in (400, 413), r.status)

    # --- login failure limiting ---------------------------------------------------------------
    codes = [env.api("POST", "/api/v1/session", {"username": "bob", "password": "bad"}).status for _ in range(6)]
    check("5 failures then logins of that user are refused", codes[:5] == [401] * 5 and codes[5] == 429, codes)
    r = env.api("POST", "/api/v1/session", {"username": "bob", "password": "bob-password-1"})
    check("even the right password is refused while limited", r.status == 429)

    # --- delete ----------------------------------------------------------------------------
    r = env.api("DELETE", "/api/v1/projects/team-b", token=admin)
    check("a project with apps cannot be deleted", r.status == 400)
    r = env.api("DELETE", "/api/v1/applications/teamb?cascade=true", token=admin)
    check("DELETE /applications/teamb", r.status == 200, r.body)
    gone = wait_for(lambda: env.api("GET", "/api/v1/applications/teamb", token=admin).status == 404, 60)
    check("teamb is gone", gone)
    r = env.api("DELETE", "/api/v1/projects/team-b", token=admin)
    check("DELETE /api/v1/projects/team-b", r.status == 200, r.body)
    r = env.api("DELETE", "/api/v1/session", token=admin)
    check("DELETE /api/v1/session clears the cookie", r.status == 200 and "Max-Age=0" in (r.headers.get("Set-Cookie") or ""))


def vm_size_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmSize:"))


def raw_get(env, path):
    host, port = env.url.split("//")[1].split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    s = CTX.wrap_socket(s, server_hostname=host)
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
    buf = b""
    while True:
        c = s.recv(65536)
        if not c:
            break
        buf += c
    s.close()
    return buf.decode(errors="replace")


if __name__ == "__main__":
    sys.exit(main())
