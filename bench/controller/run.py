#!/usr/bin/env python3
"""capstan controller at scale: N Applications x 5 resources (2 ConfigMaps,
ServiceAccount, Service, Deployment) on a fresh local cluster (its own
process), one Git repository with one directory per app. Prints:
  - cold start: controller start until every app is Synced+Healthy
  - one full resync with nothing changed (all N apps reconciled), and the
    controller CPU spent on it
  - controller peak RSS
  - drift-to-self-heal latency p50/p99 over D drifts (kubectl delete of a
    ConfigMap of D different apps, timed from the watch's DELETED to ADDED)
  - commit-to-synced latency (one app's ConfigMap changed in Git)
Figures come from the controller's /metrics and the cluster's watch.
  bench/controller/run.py [--apps N] [--drifts D] [--build build] [--qps Q]
Argo CD's client throttle (50 QPS / burst 100) bounds a cold start at about
8 requests per app; --qps 0 (default here) measures the controller itself."""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--apps", type=int, default=1000)
p.add_argument("--drifts", type=int, default=100)
p.add_argument("--build", default="build")
p.add_argument("--capstan", default="", help="capstan binary (default BUILD/src/cli/capstan)")
p.add_argument("--qps", default="0")
p.add_argument("--timeout", type=float, default=1800)
p.add_argument("--check", action="store_true", help="exit 1 unless every phase completed (suite smoke run)")
p.add_argument("--wrap", default="", help="prefix of the controller command, {phase} replaced by cold|restart "
               "(e.g. 'heaptrack -o /tmp/ctl-{phase}')")
args = p.parse_args()
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
capstan = args.capstan or os.path.join(root, args.build, "src", "cli", "capstan")
kubectl = shutil.which("kubectl")
tmp = tempfile.mkdtemp(prefix="capstan-ctl-bench-")
env = dict(os.environ, KUBECONFIG=os.path.join(tmp, "cluster", "kubeconfig"), HOME=tmp,
           KUBECACHEDIR=os.path.join(tmp, "kubecache"), CAPSTAN_HOME=os.path.join(tmp, "home"),
           ARGOCD_K8S_CLIENT_QPS=args.qps, CAPSTAN_SYNC_WAVE_DELAY_MS="0")
procs = []
# A SIGTERM (timeout) still runs the cleanup below: no stray cluster.
__import__("signal").signal(__import__("signal").SIGTERM, lambda *_: sys.exit(1))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(cmd, **kw):
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, **kw)


def cleanup():
    for pr in procs:
        if pr.poll() is None:
            if args.wrap:
                try:
                    os.killpg(pr.pid, 9)
                except OSError:
                    pass
            pr.kill()
            pr.wait()
    subprocess.run([capstan, "cluster", "down", "--data", os.path.join(tmp, "cluster")], env=env, capture_output=True)
    shutil.rmtree(tmp, ignore_errors=True)


def metrics(port):
    import urllib.request
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=30) as r:
        return r.read().decode()


def metric_sum(text, name, label_filter=None):
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            if label_filter and not all(f in line for f in label_filter):
                continue
            total += float(line.rsplit(" ", 1)[1])
    return total


def cpu_seconds(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0


def rss_peak_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return 0


def wrap(phase):
    return [w.replace("{phase}", phase) for w in args.wrap.split()]


def controller_pid(ctl):
    """The capstan process itself (under --wrap, the child of the wrapper)."""
    if not args.wrap:
        return ctl.pid
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            if os.getpgid(int(d)) != ctl.pid:
                continue
            argv = open(f"/proc/{d}/cmdline").read().split("\0")
        except OSError:
            continue
        if argv[0] == capstan and "controller" in argv:
            return int(d)
    return ctl.pid


def stop_controller(ctl):
    if args.wrap:  # the wrapper may not pass SIGTERM on: signal the group
        os.kill(controller_pid(ctl), __import__("signal").SIGTERM)
    else:
        ctl.terminate()
    ctl.wait(120)


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))] if v else float("nan")


try:
    n = args.apps
    print(f"== {n} Applications x 5 resources, client QPS {args.qps or 'unthrottled'}")
    run([capstan, "cluster", "up", "--data", os.path.join(tmp, "cluster"), "--port", str(free_port()),
         "--speed", "100", "--pod-start-seconds", "1"])
    run([kubectl, "apply", "--server-side", "-f", "-"],
        input=run([capstan, "build", os.path.join(root, "deploy", "crds")]).stdout)
    run([kubectl, "create", "namespace", "argocd"])
    work, repo = os.path.join(tmp, "work"), os.path.join(tmp, "repo.git")
    os.makedirs(work)
    for i in range(n):
        d = os.path.join(work, f"app-{i}")
        os.makedirs(d)
        with open(os.path.join(d, "all.yaml"), "w") as f:
            f.write(f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: config}}
data: {{key: v0}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: settings}}
data: {{level: info}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: app}}
---
apiVersion: v1
kind: Service
metadata: {{name: app}}
spec: {{selector: {{app: app}}, ports: [{{port: 80}}]}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app}}
spec:
  replicas: 1
  selector: {{matchLabels: {{app: app}}}}
  template:
    metadata: {{labels: {{app: app}}}}
    spec: {{containers: [{{name: app, image: nginx:1.25}}]}}
""")
    g = ["git", "-C", work, "-c", "user.name=b", "-c", "user.email=b@example.com"]
    run(["git", "init", "-q", "--bare", "-b", "main", repo])
    run(["git", "init", "-q", "-b", "main", work])
    run(g + ["add", "-A"])
    run(g + ["commit", "-q", "-m", "apps"])
    run(g + ["push", "-q", repo, "main"])
    apps = []
    for i in range(n):
        apps.append(json.dumps({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                                "metadata": {"name": f"app-{i}", "namespace": "argocd",
                                             "annotations": {"argocd.argoproj.io/manifest-generate-paths": "."}},
                                "spec": {"project": "default",
                                         "source": {"repoURL": "file://" + repo, "targetRevision": "main", "path": f"app-{i}"},
                                         "destination": {"server": "https://kubernetes.default.svc", "namespace": f"ns-{i}"},
                                         "syncPolicy": {"automated": {"prune": True, "selfHeal": True},
                                                        "syncOptions": ["CreateNamespace=true"]}}}))
    t = time.time()
    for k in range(0, n, 500):
        run([kubectl, "create", "-f", "-"], input="\n".join(apps[k:k + 500]))
    print(f"created {n} Applications in {time.time() - t:.1f} s")

    port = free_port()
    log = open(os.path.join(tmp, "controller.log"), "w")
    t0 = time.time()
    ctl = subprocess.Popen(wrap("cold") + [capstan, "controller", "--metrics-port", str(port), "--resync", "3600s",
                            "--resync-jitter", "0s", "--repo-poll", "1s", "--log-level", "warn"],
                           env=env, stdout=log, stderr=log, start_new_session=bool(args.wrap))
    procs.append(ctl)

    def count(status):
        m = metrics(port)
        return metric_sum(m, "argocd_app_info", status)

    done = None
    while time.time() - t0 < args.timeout:
        time.sleep(1)
        try:
            if count(['sync_status="Synced"', 'health_status="Healthy"']) >= n:
                done = time.time() - t0
                break
        except OSError:
            pass
    cold = done
    server_pid = int(open(os.path.join(tmp, "cluster", "server.pid")).read())
    print(f"cold start to all {n} Synced+Healthy: " + (f"{cold:.1f} s ({n / cold:.1f} apps/s)" if cold else "TIMEOUT") +
          f"; CPU in it: controller {cpu_seconds(controller_pid(ctl)):.1f} s, cluster server {cpu_seconds(server_pid):.1f} s")

    # One full resync with nothing changed: every app refreshed once (hard
    # work: Git resolve, render cache, compare from the cluster cache).
    time.sleep(2)
    m0 = metrics(port)
    c0 = metric_sum(m0, "argocd_app_reconcile_count")
    cpu0 = metric_sum(m0, "process_cpu_seconds_total")
    req0 = metric_sum(m0, "argocd_app_k8s_request_total")
    t = time.time()
    # The refresh annotation on every app is a watch event each; instead
    # restart nothing and ask for a resync through a short-lived flag file:
    # simplest and faithful is a resync interval, so run a second controller
    # pass via SIGHUP-free means: patch annotations in bulk.
    run([kubectl, "-n", "argocd", "annotate", "applications", "--all", "argocd.argoproj.io/refresh=normal", "--overwrite"])
    annotate = time.time() - t
    full = None
    while time.time() - t < args.timeout:
        time.sleep(0.5)
        m = metrics(port)
        if metric_sum(m, "argocd_app_reconcile_count") >= c0 + n and \
                'argocd.argoproj.io/refresh' not in run([kubectl, "-n", "argocd", "get", "applications", "-o",
                                                          "jsonpath={.items[*].metadata.annotations}"]).stdout:
            full = time.time() - t
            break
    m1 = metrics(port)
    cpu = metric_sum(m1, "process_cpu_seconds_total") - cpu0
    reqs = metric_sum(m1, "argocd_app_k8s_request_total") - req0
    print(f"full refresh of {n} apps with nothing changed: " +
          (f"{full:.1f} s (incl. {annotate:.1f} s of kubectl annotate), controller CPU {cpu:.2f} s "
           f"({cpu / n * 1000:.2f} ms/app), {reqs:.0f} API requests (the annotation removals)" if full else "TIMEOUT"))
    hm = metrics(port)
    print(f"controller peak RSS: {rss_peak_mb(controller_pid(ctl)):.0f} MiB (now {rss_mb(controller_pid(ctl)):.0f} MiB, "
          f"heap in use {metric_sum(hm, 'go_memstats_heap_alloc_bytes') / 2**20:.0f} MiB)")

    # A restarted controller over the synced cluster: every app reconciled
    # once with nothing changed (list+watch, Git, render, compare, no
    # writes): an upper bound of a periodic resync, which also finds the
    # render cache warm.
    stop_controller(ctl)
    log2 = open(os.path.join(tmp, "controller-restart.log"), "w")
    t = time.time()
    ctl = subprocess.Popen(wrap("restart") + [capstan, "controller", "--metrics-port", str(port), "--resync", "3600s",
                            "--resync-jitter", "0s", "--repo-poll", "1s", "--log-level", "warn"],
                           env=env, stdout=log2, stderr=log2, start_new_session=bool(args.wrap))
    procs.append(ctl)
    restart = None
    while time.time() - t < args.timeout:
        time.sleep(0.2)
        try:
            m = metrics(port)
        except OSError:
            continue
        if metric_sum(m, "argocd_app_reconcile_count") >= n:
            restart = time.time() - t
            break
    m = metrics(port)
    patches = metric_sum(m, "argocd_app_k8s_request_total", ['verb="Patch"'])
    print(f"restart, all {n} apps reconciled with nothing changed: " +
          (f"{restart:.1f} s, controller CPU {metric_sum(m, 'process_cpu_seconds_total'):.2f} s, "
           f"{metric_sum(m, 'argocd_app_sync_total'):.0f} syncs, {patches:.0f} writes" if restart else "TIMEOUT"))

    # Self-heal latency over D drifts, timed on the cluster's own watch.
    d = min(args.drifts, n)
    events = {}
    lock = threading.Lock()
    rv = json.loads(run([kubectl, "get", "--raw", "/api/v1/configmaps?limit=1"]).stdout)["metadata"]["resourceVersion"]
    watch = subprocess.Popen([kubectl, "get", "--raw",
                              f"/api/v1/configmaps?watch=1&resourceVersion={rv}&fieldSelector=metadata.name%3Dconfig"],
                             env=env, stdout=subprocess.PIPE, text=True)
    procs.append(watch)

    def reader():
        for line in watch.stdout:  # one event per line
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if True:
                key = e["object"]["metadata"]["namespace"]
                with lock:
                    events.setdefault(key, []).append((e["type"], time.time()))
    threading.Thread(target=reader, daemon=True).start()
    time.sleep(2)
    lat = []
    for i in range(d):
        ns = f"ns-{i * max(1, n // d)}"
        subprocess.run([kubectl, "-n", ns, "delete", "configmap", "config", "--wait=false"], env=env, capture_output=True)
        end = time.time() + 30
        while time.time() < end:
            with lock:
                ev = events.get(ns, [])
                dels = [t for (ty, t) in ev if ty == "DELETED"]
                adds = [t for (ty, t) in ev if ty == "ADDED" and dels and t > dels[-1]]
            if adds:
                lat.append(adds[0] - dels[-1])
                break
            time.sleep(0.01)
    print(f"self-heal over {len(lat)}/{d} drifts: p50 {pct(lat, 50) * 1000:.0f} ms, p99 {pct(lat, 99) * 1000:.0f} ms, "
          f"max {max(lat) * 1000 if lat else float('nan'):.0f} ms")

    # Commit to synced: one app's ConfigMap changes in Git.
    with open(os.path.join(work, "app-0", "all.yaml")) as f:
        text = f.read()
    with open(os.path.join(work, "app-0", "all.yaml"), "w") as f:
        f.write(text.replace("key: v0", "key: v1"))
    run(g + ["commit", "-q", "-am", "app-0 v1"])
    t = time.time()
    run(g + ["push", "-q", repo, "main"])
    commit = run(g + ["rev-parse", "HEAD"]).stdout.strip()
    synced = None
    while time.time() - t < args.timeout:
        out = run([kubectl, "-n", "ns-0", "get", "configmap", "config", "-o", "jsonpath={.data.key}"]).stdout
        if out == "v1":
            synced = time.time() - t
            break
        time.sleep(0.05)
    print(f"commit-to-synced (push until the live ConfigMap has the new value): " +
          (f"{synced:.2f} s" if synced else "TIMEOUT"))
    hm = metrics(port)
    print(f"controller peak RSS at the end: {rss_peak_mb(controller_pid(ctl)):.0f} MiB (now {rss_mb(controller_pid(ctl)):.0f} MiB, "
          f"heap in use {metric_sum(hm, 'go_memstats_heap_alloc_bytes') / 2**20:.0f} MiB); "
          f"cluster server peak RSS: {rss_peak_mb(int(open(os.path.join(tmp, 'cluster', 'server.pid')).read())):.0f} MiB")
    stop_controller(ctl)
    ok = cold and full and restart and synced and len(lat) == d
    if args.check and not ok:
        print(open(os.path.join(tmp, "controller.log")).read()[-3000:])
        sys.exit(1)
finally:
    cleanup()
