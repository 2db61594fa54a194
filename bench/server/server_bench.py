#!/usr/bin/env python3
"""capstan server benchmarks, on loopback against `capstan cluster up`:
  1. GET /api/v1/applications with N Applications (default 10,000): server
     time (Server-Timing header), wall time and bytes, compared in the same
     run with listing the same objects straight from the cluster's API
     (what a server without a cache pays per request);
  2. 100 concurrent /api/v1/stream/applications clients: latency from an
     Application change (a PATCH to the cluster) to each client receiving
     it, p50/p99;
  3. login rate: 16 concurrent clients for 5 s (each password check is
     padded to 500-1000 ms, as Argo CD does, so this measures the padding
     and bcrypt cost 10);
  4. the dashboard in headless Chromium with all N apps (dashboard_bench.js).
Usage: server_bench.py CAPSTAN_BIN [APPS] [STREAM_CLIENTS]"""
import json
import os
import socket
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "server"))
from env import Env, http, CTX  # noqa: E402

CAPSTAN = sys.argv[1] if len(sys.argv) > 1 else "build/src/cli/capstan"
APPS = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
CLIENTS = int(sys.argv[3]) if len(sys.argv) > 3 else 100


def app_object(i):
    name = f"app-{i:05d}"
    resources = [{"group": g, "version": "v1", "kind": k, "namespace": f"ns-{i % 50}", "name": name,
                  "status": "Synced", "health": {"status": "Healthy"}} for g, k in
                 [("apps", "Deployment"), ("", "Service"), ("", "ConfigMap"), ("", "ServiceAccount")]]
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": name, "namespace": "argocd",
                         "labels": {"team": f"team-{i % 20}", "app.kubernetes.io/environment": "dev"}},
            "spec": {"project": "default",
                     "source": {"repoURL": "https://example.com/gitops.git", "targetRevision": "main", "path": f"apps/{name}"},
                     "destination": {"server": "https://kubernetes.default.svc", "namespace": f"ns-{i % 50}"}},
            "status": {"sync": {"status": "Synced", "revision": "0123456789abcdef0123456789abcdef01234567"},
                       "health": {"status": "Healthy"}, "resources": resources,
                       "operationState": {"phase": "Succeeded", "startedAt": "2026-01-01T00:00:00Z",
                                          "finishedAt": "2026-01-01T00:00:05Z"}}}


def main():
    env = Env(CAPSTAN)
    try:
        env.cluster_up()
        env.server_up()
        admin = env.login()
        # The first app through the API (creates the CRDs), the rest straight into the cluster.
        r = env.api("POST", "/api/v1/applications", app_object(0), token=admin)
        assert r.status == 200, r.body
        t0 = time.time()
        with ThreadPoolExecutor(8) as ex:
            codes = list(ex.map(lambda i: env.kube("POST", "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications",
                                                   app_object(i)).status, range(1, APPS)))
        assert all(c == 201 for c in codes), set(codes)
        print(f"created {APPS} Applications in {time.time() - t0:.1f} s")
        deadline = time.time() + 120
        while time.time() < deadline:
            r = env.api("GET", "/api/v1/applications", token=admin)
            if r.body.count('"kind":"Application"') >= APPS:
                break
            time.sleep(0.5)

        # 1. list
        server_ms, wall_ms = [], []
        for _ in range(7):
            t = time.perf_counter()
            r = env.api("GET", "/api/v1/applications", token=admin)
            wall_ms.append((time.perf_counter() - t) * 1000)
            server_ms.append(float(r.headers.get("Server-Timing").split("dur=")[1]))
            assert r.status == 200
        size = len(r.body.encode())
        n = len(json.loads(r.body)["items"])
        kube_ms = []
        for _ in range(3):
            t = time.perf_counter()
            k = env.kube("GET", "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications")
            kube_ms.append((time.perf_counter() - t) * 1000)
        print(f"list {n} apps: server {statistics.median(server_ms):.1f} ms (min {min(server_ms):.1f}), "
              f"wall {statistics.median(wall_ms):.1f} ms, {size / 1e6:.1f} MB; "
              f"same list from the cluster API {statistics.median(kube_ms):.0f} ms "
              f"({statistics.median(kube_ms) / statistics.median(wall_ms):.1f}x the server's wall time)")

        # 2. streams
        host, port = env.url.split("//")[1].split(":")
        got = {}
        ready = threading.Barrier(CLIENTS + 1)
        marker = f"bench-{int(time.time())}"

        def client(i):
            s = CTX.wrap_socket(socket.create_connection((host, int(port)), timeout=60), server_hostname=host)
            s.sendall(f"GET /api/v1/stream/applications?name=app-00001 HTTP/1.1\r\nHost: {host}\r\n"
                      f"Authorization: Bearer {admin}\r\n\r\n".encode())
            buf = b""
            while b"stream open" not in buf:
                buf += s.recv(65536)
            ready.wait()
            buf = b""
            end = time.time() + 30
            while time.time() < end:
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
                if marker.encode() in buf:
                    got[i] = time.perf_counter()
                    break
            s.close()

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        ready.wait()
        time.sleep(0.2)
        t_change = time.perf_counter()
        r = env.kube("PATCH", "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/app-00001",
                     {"metadata": {"annotations": {"bench": marker}}}, content_type="application/merge-patch+json")
        assert r.status == 200, r.body
        for t in threads:
            t.join()
        lat = sorted((v - t_change) * 1000 for v in got.values())
        if lat:
            p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
            print(f"{CLIENTS} stream clients: {len(lat)} received the change; latency p50 {statistics.median(lat):.1f} ms, "
                  f"p99 {p99:.1f} ms, max {lat[-1]:.1f} ms")

        # 3. login rate
        count = [0]
        lock = threading.Lock()
        stop = time.time() + 5

        def logins():
            while time.time() < stop:
                r = http("POST", env.url + "/api/v1/session", {"username": "admin", "password": env.password})
                assert r.status == 200, r.body
                with lock:
                    count[0] += 1

        t0 = time.time()
        ts = [threading.Thread(target=logins) for _ in range(16)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        print(f"login: {count[0] / (time.time() - t0):.1f} logins/s with 16 concurrent clients "
              f"(each padded to 500-1000 ms; bcrypt cost 10)")

        # 4. the dashboard with all of them (when Chromium and puppeteer-core are installed)
        if os.path.exists(os.path.join(HERE, "..", "..", "tests", "server", "browser", "node_modules", "puppeteer-core")):
            import subprocess
            subprocess.run(["node", os.path.join(HERE, "dashboard_bench.js"), env.url, env.password], timeout=300)
    finally:
        env.stop()


if __name__ == "__main__":
    main()
