#!/usr/bin/env bash
# Sealed secrets end to end with the CLI: `capstan cluster up`, a sealing key
# generated in kube-system, a Secret sealed with the fetched certificate and
# committed, `capstan app sync` unseals it into a Secret holding the value;
# a tampered SealedSecret and one sealed for another namespace are refused
# (Event, Secret untouched); the plaintext never shows in Git, in any
# command's output, or in `app diff` / `app get`.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh" sealed-sync "$1"
plain="pl41n-$(date +%s%N)-value"
logs="$tmp/all-output.log"
run() { "$@" 2>&1 | tee -a "$logs"; return "${PIPESTATUS[0]}"; }

cluster_up --speed 20
kubectl apply -f "$root/tests/delivery/testdata/sealedsecret-crd.yaml" >/dev/null
for i in $(seq 1 50); do kubectl get sealedsecrets -A >/dev/null 2>&1 && break; sleep 0.2; done
run "$capstan" seal --generate-key --key-size 2048 | grep -q "created sealing key kube-system/sealed-secrets-key" || fail "generate key"

git_repo
mkdir -p "$work/shop"
cat > "$work/shop/kustomization.yaml" <<'K'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources:
- configmap.yaml
- sealed-db.yaml
K
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: demo}\n' > "$work/shop/configmap.yaml"
# The plaintext Secret lives outside the repository.
printf 'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\ntype: Opaque\nstringData:\n  password: %s\n' "$plain" > "$tmp/secret.yaml"
run "$capstan" seal --fetch-cert -f "$tmp/secret.yaml" > "$work/shop/sealed-db.yaml"
grep -q "kind: SealedSecret" "$work/shop/sealed-db.yaml" || fail "seal output"
commit "sealed db secret"
cat > "$tmp/app.yaml" <<A
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: shop, namespace: argocd}
spec:
  project: default
  source: {repoURL: "file://$repo", targetRevision: main, path: shop}
  destination: {server: "https://kubernetes.default.svc", namespace: shop}
  syncPolicy: {syncOptions: [CreateNamespace=true]}
A
run "$capstan" app create -f "$tmp/app.yaml" >/dev/null
out=$(run "$capstan" app sync shop) || fail "sync: $out"
echo "$out" | grep -q "unsealed Secret shop/db" || fail "sync did not unseal: $out"
got=$(kubectl get secret db -n shop -o jsonpath='{.data.password}' | base64 -d)
[ "$got" = "$plain" ] || fail "Secret holds '$got'"
owner=$(kubectl get secret db -n shop -o jsonpath='{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}')
[ "$owner" = "SealedSecret/db" ] || fail "owner reference: $owner"
run "$capstan" app diff shop >/dev/null || true
run "$capstan" app get shop -o yaml >/dev/null

# Tampered ciphertext: refused, the Secret keeps its value, an Event says why.
python3 - "$work/shop/sealed-db.yaml" <<'P'
import base64, sys, yaml
p = sys.argv[1]; d = yaml.safe_load(open(p))
ct = bytearray(base64.b64decode(d["spec"]["encryptedData"]["password"])); ct[-5] ^= 1
d["spec"]["encryptedData"]["password"] = base64.b64encode(bytes(ct)).decode()
open(p, "w").write(yaml.safe_dump(d))
P
commit "tampered"
out=$(run "$capstan" app sync shop) || true
echo "$out" | grep -q "encryptedData.password: no key could decrypt" || fail "tampered not refused: $out"
got=$(kubectl get secret db -n shop -o jsonpath='{.data.password}' | base64 -d)
[ "$got" = "$plain" ] || fail "tampered SealedSecret overwrote the Secret"
kubectl get events -n shop -o yaml | grep -q ErrUnsealFailed || fail "no ErrUnsealFailed Event"

# Sealed for another namespace (strict scope), deployed into shop: refused.
sed 's/namespace: shop/namespace: other/; s/name: db,/name: api,/; s/name: db}/name: api}/' "$tmp/secret.yaml" > "$tmp/secret-other.yaml"
run "$capstan" seal --fetch-cert -f "$tmp/secret-other.yaml" > "$work/shop/sealed-api.yaml"
echo "- sealed-api.yaml" >> "$work/shop/kustomization.yaml"
commit "api secret sealed for another namespace"
out=$(run "$capstan" app sync shop) || true
echo "$out" | grep -q "SealedSecret shop/api: encryptedData.password: no key could decrypt" || fail "wrong scope not refused: $out"
kubectl get secret api -n shop >/dev/null 2>&1 && fail "a Secret was made from a SealedSecret sealed for another namespace"

# The plaintext is nowhere but in the cluster's Secret.
git -C "$repo" log -p --all | grep -q "$plain" && fail "plaintext in Git"
grep -q "$plain" "$logs" && fail "plaintext in command output"
echo "OK: sealed -> committed -> synced -> Secret holds the value; tampered and wrong-scope refused; no plaintext in Git or output"
