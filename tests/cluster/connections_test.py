#!/usr/bin/env python3
"""Connection exhaustion: with 500 open watches and 200 idle TCP connections
(no TLS handshake, no request) to the local cluster, /healthz and an
authenticated API request still answer promptly, and every watch still
receives events. Usage: connections_test.py CAPSTAN_BIN"""
import json
import os
import resource
import shutil
import socket
import ssl
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, cluster_down, cluster_up, finish, free_port  # noqa: E402

CAPSTAN = sys.argv[1]
WATCHES, IDLE = 500, 200
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4096)), hard))

tmp = tempfile.mkdtemp(prefix="capstan-connections-")
data = os.path.join(tmp, "cluster")  # cluster_up's
port = free_port()
cluster_up(CAPSTAN, tmp, "--port", str(port))
token = open(os.path.join(data, "token")).read().strip()
ctx = ssl.create_default_context(cafile=os.path.join(data, "ca.crt"))


def tls():
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    return ctx.wrap_socket(s, server_hostname="127.0.0.1")


def request(path, method="GET", body=None, auth=True, timeout=5):
    """One request on a fresh connection; (status, body) or (None, error)."""
    try:
        s = tls()
        s.settimeout(timeout)
        hdr = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if auth:
            hdr += f"Authorization: Bearer {token}\r\n"
        if body is not None:
            hdr += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        s.sendall((hdr + "\r\n").encode() + (body.encode() if body else b""))
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
        s.close()
        head, _, rest = buf.partition(b"\r\n\r\n")
        return int(head.split()[1]), rest
    except Exception as e:  # noqa: BLE001 - reported as a failure
        return None, str(e)


watches, idle = [], []
try:
    t0 = time.time()
    for i in range(WATCHES):
        s = tls()
        s.sendall((f"GET /api/v1/namespaces/default/configmaps?watch=true HTTP/1.1\r\n"
                   f"Host: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n").encode())
        watches.append(s)
    # Each watch answered its headers: it holds a server thread now.
    answered = 0
    for s in watches:
        s.settimeout(10)
        if s.recv(4096).startswith(b"HTTP/1.1 200"):
            answered += 1
    check(answered == WATCHES, f"{WATCHES} watches open", f"{answered} answered")
    for i in range(IDLE):
        idle.append(socket.create_connection(("127.0.0.1", port), timeout=10))
    print(f"opened {WATCHES} watches and {IDLE} idle connections in {time.time() - t0:.1f}s")

    t = time.time()
    status, body = request("/healthz", auth=False)
    check(status == 200 and body == b"ok", "/healthz answers under load",
          f"{status} {body!r} after {time.time() - t:.1f}s")
    status, body = request("/api/v1/namespaces/default/configmaps",
                           "POST", json.dumps({"metadata": {"name": "under-load"}}))
    check(status == 201, "create answers under load", f"{status} {body!r}")
    status, body = request("/api/v1/namespaces/default/configmaps/under-load")
    check(status == 200, "get answers under load", f"{status} {body!r}")

    # Every watch receives the ADDED event of that ConfigMap.
    got = 0
    for s in watches:
        buf = b""
        deadline = time.time() + 10
        while b"under-load" not in buf and time.time() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            buf += chunk
        if b"under-load" in buf:
            got += 1
    check(got == WATCHES, "every watch received the event", f"{got}/{WATCHES}")
finally:
    for s in watches + idle:
        try:
            s.close()
        except OSError:
            pass
    cluster_down(CAPSTAN, tmp)
    shutil.rmtree(tmp, ignore_errors=True)

finish()
