#!/usr/bin/env python3
"""`capstan seal` checked against an independent implementation of bitnami's
format (python3-cryptography, written from kubeseal's HybridEncrypt): what
capstan seals, Python opens with the scope label; what Python seals the way
kubeseal does, capstan unseals. Tampered ciphertext, another namespace, name
or scope, and a corrupt certificate are refused; no plaintext in any output.
usage: seal_test.py CAPSTAN"""
import base64, os, shutil, struct, subprocess, sys, tempfile, yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lib"))
from e2e import check, finish  # noqa: E402
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

CAPSTAN = os.path.abspath(sys.argv[1])
SECRET_VALUE = "s3cr3t-Pa55word-do-not-leak"


def oaep(label):
    return padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=label)


def py_decrypt(priv, blob, label):
    n = struct.unpack(">H", blob[:2])[0]
    session = priv.decrypt(blob[2:2 + n], oaep(label))
    return AESGCM(session).decrypt(b"\0" * 12, blob[2 + n:], None)


def py_encrypt(pub, plaintext, label):  # kubeseal's crypto.HybridEncrypt
    session = os.urandom(32)
    rsa_ct = pub.encrypt(session, oaep(label))
    return struct.pack(">H", len(rsa_ct)) + rsa_ct + AESGCM(session).encrypt(b"\0" * 12, plaintext, None)


def run(args, stdin=None):
    return subprocess.run([CAPSTAN] + args, input=stdin, capture_output=True, text=True)


tmp = tempfile.mkdtemp(prefix="capstan-seal-")
try:
    key, cert = os.path.join(tmp, "key.pem"), os.path.join(tmp, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                    "-subj", "/CN=sealed-secret", "-days", "2"], check=True, capture_output=True)
    priv = serialization.load_pem_private_key(open(key, "rb").read(), None)
    pub = x509.load_pem_x509_certificate(open(cert, "rb").read()).public_key()
    secret = os.path.join(tmp, "secret.yaml")
    open(secret, "w").write(f"""apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: shop
  labels: {{app: db}}
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{{"stringData":{{"password":"{SECRET_VALUE}"}}}}'
type: Opaque
stringData:
  password: {SECRET_VALUE}
data:
  user: {base64.b64encode(b"admin").decode()}
""")
    for scope, label, ann in [("strict", b"shop/db", None),
                              ("namespace-wide", b"shop", "sealedsecrets.bitnami.com/namespace-wide"),
                              ("cluster-wide", b"", "sealedsecrets.bitnami.com/cluster-wide")]:
        r = run(["seal", "-f", secret, "--cert", cert, "--scope", scope])
        check(r.returncode == 0, f"{scope}: seal failed: {r.stderr}")
        check(SECRET_VALUE not in r.stdout + r.stderr, f"{scope}: plaintext in output")
        ss = yaml.safe_load(r.stdout)
        check(ss["apiVersion"] == "bitnami.com/v1alpha1" and ss["kind"] == "SealedSecret", f"{scope}: kind")
        check(ss["metadata"]["name"] == "db" and ss["metadata"]["namespace"] == "shop", f"{scope}: metadata")
        t = ss["spec"]["template"]
        check(t["type"] == "Opaque" and t["metadata"]["labels"] == {"app": "db"}, f"{scope}: template {t}")
        check("kubectl.kubernetes.io/last-applied-configuration" not in (t["metadata"].get("annotations") or {}),
              f"{scope}: last-applied annotation (holds the plaintext) kept in template")
        if ann:
            check(ss["metadata"]["annotations"].get(ann) == "true", f"{scope}: scope annotation")
        enc = ss["spec"]["encryptedData"]
        got = py_decrypt(priv, base64.b64decode(enc["password"]), label)
        check(got == SECRET_VALUE.encode(), f"{scope}: python decrypts password")
        check(py_decrypt(priv, base64.b64decode(enc["user"]), label) == b"admin", f"{scope}: python decrypts user")
        # And capstan unseals its own output.
        sealed = os.path.join(tmp, f"sealed-{scope}.yaml")
        open(sealed, "w").write(r.stdout)
        u = run(["seal", "--recovery-unseal", "--recovery-private-key", key, "-f", sealed])
        sec = yaml.safe_load(u.stdout)
        check(u.returncode == 0 and base64.b64decode(sec["data"]["password"]).decode() == SECRET_VALUE,
              f"{scope}: unseal round trip: {u.stderr}")
        check(sec["metadata"]["ownerReferences"][0]["kind"] == "SealedSecret" and
              sec["metadata"]["ownerReferences"][0]["controller"] is True, f"{scope}: owner reference")

    # A SealedSecret made the way kubeseal makes it (Python) unseals in capstan.
    ct = base64.b64encode(py_encrypt(pub, b"from-kubeseal", b"shop/api")).decode()
    doc = {"apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
           "metadata": {"name": "api", "namespace": "shop"},
           "spec": {"encryptedData": {"token": ct}, "template": {"metadata": {"name": "api", "namespace": "shop"}}}}
    u = run(["seal", "--recovery-unseal", "--recovery-private-key", key, "-f", "-"], stdin=yaml.safe_dump(doc))
    check(u.returncode == 0 and base64.b64decode(yaml.safe_load(u.stdout)["data"]["token"]) == b"from-kubeseal",
          f"kubeseal-format input unseals: {u.stderr}")

    def refused(name, d, want="no key could decrypt"):
        u = run(["seal", "--recovery-unseal", "--recovery-private-key", key, "-f", "-"], stdin=yaml.safe_dump(d))
        check(u.returncode != 0 and want in u.stderr and u.stdout == "", f"{name}: not refused: {u.stderr}")
        check("from-kubeseal" not in u.stderr, f"{name}: plaintext in error")

    import copy
    raw = bytearray(base64.b64decode(ct))
    for pos, what in [(len(raw) - 1, "tag"), (len(raw) - 20, "body"), (10, "rsa part")]:
        bad = copy.deepcopy(doc)
        b = bytearray(raw)
        b[pos] ^= 1
        bad["spec"]["encryptedData"]["token"] = base64.b64encode(bytes(b)).decode()
        refused("tampered " + what, bad)
    bad = copy.deepcopy(doc); bad["metadata"]["namespace"] = "other"; refused("other namespace", bad)
    bad = copy.deepcopy(doc); bad["metadata"]["name"] = "api2"; refused("other name", bad)
    bad = copy.deepcopy(doc); bad["metadata"]["annotations"] = {"sealedsecrets.bitnami.com/cluster-wide": "true"}
    refused("wider scope", bad)
    bad = copy.deepcopy(doc); bad["spec"]["encryptedData"]["token"] = "%%%"; refused("not base64", bad, "not valid base64")

    # --raw: one value, the label of the scope.
    value = os.path.join(tmp, "value.txt")
    open(value, "w").write(SECRET_VALUE)
    r = run(["seal", "--raw", "--from-file", value, "--namespace", "shop", "--name", "db", "--cert", cert])
    check(r.returncode == 0 and SECRET_VALUE not in r.stdout, f"raw: {r.stderr}")
    check(py_decrypt(priv, base64.b64decode(r.stdout.strip()), b"shop/db") == SECRET_VALUE.encode(), "raw decrypts")
    r = run(["seal", "--raw", "--from-file", value, "--namespace", "shop", "--scope", "namespace-wide", "--cert", cert])
    check(py_decrypt(priv, base64.b64decode(r.stdout.strip()), b"shop") == SECRET_VALUE.encode(), "raw ns-wide")
    r = run(["seal", "--raw", "--from-file", value, "--namespace", "shop", "--cert", cert])
    check(r.returncode != 0 and "needs --name" in r.stderr, "raw strict without --name refused")

    # Bad input: corrupt certificate, not a Secret, bad base64; nothing on stdout, no plaintext.
    corrupt = os.path.join(tmp, "corrupt.pem")
    pem = open(cert).read()
    open(corrupt, "w").write(pem[:60] + "!!!!" + pem[64:])
    for name, args, want in [
            ("corrupt cert", ["-f", secret, "--cert", corrupt], "corrupt.pem: not a PEM certificate"),
            ("missing cert", ["-f", secret, "--cert", os.path.join(tmp, "nope.pem")], "nope.pem: cannot read"),
            ("not a secret", ["-f", "-", "--cert", cert], "not a v1 Secret (kind: ConfigMap)"),
            ("bad base64", ["-f", "-", "--cert", cert], "Secret x: data.k: not valid base64")]:
        stdin = None
        if name == "not a secret":
            stdin = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
        if name == "bad base64":
            stdin = "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\ndata: {k: '" + SECRET_VALUE + "'}\n"
        r = run(["seal"] + args, stdin=stdin)
        check(r.returncode != 0 and want in r.stderr and r.stdout == "", f"{name}: {r.returncode} {r.stderr!r}")
        check(SECRET_VALUE not in r.stderr, f"{name}: plaintext in error")
finally:
    shutil.rmtree(tmp)

finish()
