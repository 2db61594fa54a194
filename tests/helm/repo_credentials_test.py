#!/usr/bin/env python3
"""Helm index.yaml repositories behind basic auth, end to end.

Two HTTP servers on 127.0.0.1 (free ports, both demanding basic auth): the
repository (index.yaml and an archive next to it) and another host holding
an archive the index points to. Applications synced to the local cluster
with `--credentials` (docs/credentials.md):
  - the repository's credentials go to its own host (index and archive);
  - an archive on another host gets them only with helm.passCredentials
    (Helm's --pass-credentials): without it the sync fails clearly and the
    other host never sees an Authorization header;
  - a wrong password or no entry fails clearly, never showing the password.

usage: repo_credentials_test.py CAPSTAN
"""
import base64
import http.server
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, cluster_down, cluster_up, finish, run  # noqa: E402

capstan = os.path.abspath(sys.argv[1])
USER, PASSWORD, WRONG = "reader", "repo-pw-5a4b3c", "not-the-pw-1x2y"
GOOD = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()


def chart_tgz(name, color):
    files = {
        f"{name}/Chart.yaml": f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n",
        f"{name}/values.yaml": f"color: {color}\n",
        f"{name}/templates/cm.yaml": ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"
                                      "data:\n  color: {{ .Values.color }}\n"),
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as t:
        for path, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


class Server:
    """Serves `files` (path -> bytes) behind basic auth; records every
    request's path and Authorization header."""

    def __init__(self, files):
        self.files, self.seen = files, []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                auth = self.headers.get("Authorization")
                outer.seen.append((self.path, auth))
                if auth != GOOD:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="charts"')
                    self.end_headers()
                    return
                body = outer.files.get(self.path)
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                if body is not None:
                    self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def app_doc(name, repo, chart, extra=""):
    return f"""apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {name}
spec:
  project: default
  source:
    repoURL: {repo}
    chart: {chart}
    targetRevision: "0.1.*"
    helm:
      releaseName: {name}{extra}
  destination:
    server: https://kubernetes.default.svc
    namespace: default
"""


def main():
    tmp = tempfile.mkdtemp(prefix="capstan-repo-creds-")
    other = Server({"/dl/remote-0.1.0.tgz": chart_tgz("remote", "red")})
    index = f"""apiVersion: v1
entries:
  web:
  - {{name: web, version: 0.1.0, urls: [web-0.1.0.tgz]}}
  remote:
  - {{name: remote, version: 0.1.0, urls: ["{other.url}/dl/remote-0.1.0.tgz"]}}
"""
    repo = Server({"/charts/index.yaml": index.encode(), "/charts/web-0.1.0.tgz": chart_tgz("web", "blue")})
    cluster = False
    try:
        creds = os.path.join(tmp, "credentials")
        with open(creds, "w") as f:
            f.write(f"# the chart repository\n{repo.url.replace('://', f'://{USER}:{PASSWORD}@')}/charts\n")
        wrong = os.path.join(tmp, "credentials-wrong")
        with open(wrong, "w") as f:
            f.write(f"{repo.url.replace('://', f'://{USER}:{WRONG}@')}\n")
        empty = os.path.join(tmp, "credentials-empty")
        open(empty, "w").close()
        apps = os.path.join(tmp, "apps.yaml")
        with open(apps, "w") as f:
            f.write("---\n".join([
                app_doc("same-host", repo.url + "/charts", "web"),
                app_doc("cross-nopass", repo.url + "/charts", "remote"),
                app_doc("cross-pass", repo.url + "/charts", "remote", "\n      passCredentials: true"),
            ]))
        env = cluster_up(capstan, tmp)
        cluster = True

        def sync(name, cred_file):
            r = run([capstan, "app", "sync", name, "--file", apps, "--credentials", cred_file,
                     "--cache-dir", os.path.join(tmp, "cache-" + name + os.path.basename(cred_file))], env=env)
            return r.returncode, r.stdout + r.stderr

        def color(name):
            r = run(["kubectl", "get", "configmap", name, "-n", "default", "-o", "json"], env=env)
            return json.loads(r.stdout)["data"]["color"] if r.returncode == 0 else None

        # Same host: index and archive with the repository's credentials.
        rc, out = sync("same-host", creds)
        check(rc == 0, "same-host syncs with the repository's credentials: " + out)
        check(color("same-host") == "blue", "same-host ConfigMap synced")
        check(("/charts/web-0.1.0.tgz", GOOD) in repo.seen, "the archive on the repository's host got basic auth")

        # Another host, no passCredentials: no credentials sent, clear error.
        rc, out = sync("cross-nopass", creds)
        check(rc != 0, "cross-host archive without passCredentials fails (the host demands auth)")
        check("authentication failed (HTTP 401)" in out and "passCredentials" in out,
              "the error says why and names passCredentials: " + out)
        check(other.seen and all(a is None for _, a in other.seen),
              f"the other host never saw an Authorization header: {other.seen}")
        check(PASSWORD not in out, "no password in the output")
        check(color("cross-nopass") is None, "nothing synced for cross-nopass")

        # Another host with passCredentials: true.
        other.seen.clear()
        rc, out = sync("cross-pass", creds)
        check(rc == 0, "cross-host archive with passCredentials syncs: " + out)
        check(("/dl/remote-0.1.0.tgz", GOOD) in other.seen, f"passCredentials sent basic auth: {other.seen}")
        check(color("cross-pass") == "red", "cross-pass ConfigMap synced")

        # A wrong password; no entry at all.
        rc, out = sync("same-host", wrong)
        check(rc != 0 and "authentication failed (HTTP 401)" in out and "were refused" in out,
              "a wrong password fails clearly: " + out)
        check(WRONG not in out and PASSWORD not in out, "the error never shows the password: " + out)
        rc, out = sync("same-host", empty)
        check(rc != 0 and "no credentials file entry matches " + repo.url + "/charts/index.yaml" in out,
              "no credentials entry: " + out)
    finally:
        if cluster:
            cluster_down(capstan, tmp)
        repo.stop()
        other.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    finish()


main()
