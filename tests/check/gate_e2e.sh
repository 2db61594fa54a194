#!/usr/bin/env bash
# Gated syncs end to end on the local cluster: an AppProject annotated
# `capstan.io/pre-sync-checks: validate,lint:critical`; a clean revision
# syncs; a revision failing schema validation, then one failing lint, is
# refused by `capstan app sync` with the findings in the operation's message
# and the app's conditions, and nothing of it reaches the cluster.
set -euo pipefail
capstan=$(realpath "$1")
tmp=$(mktemp -d /tmp/capstan-gate-XXXXXX)
export CAPSTAN_HOME="$tmp/home"
data="$tmp/cluster"
cleanup() { "$capstan" cluster down --data "$data" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$capstan" cluster up --data "$data" --speed 20 >/dev/null
export KUBECONFIG="$data/kubeconfig"
export CAPSTAN_SYNC_WAVE_DELAY_MS=100

repo="$tmp/gitops.git"
work="$tmp/work"
mkdir -p "$work/web"
cat > "$work/project.yaml" <<'YAML'
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: gated
  namespace: argocd
  annotations:
    capstan.io/pre-sync-checks: validate,lint:critical
spec:
  sourceRepos: ['*']
  destinations:
  - {namespace: shop, server: https://kubernetes.default.svc}
  clusterResourceWhitelist:
  - {group: '', kind: Namespace}
YAML
cat > "$work/app.yaml" <<YAML
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: gated
  source: {repoURL: "file://$repo", targetRevision: main, path: web}
  destination: {server: https://kubernetes.default.svc, namespace: shop}
  syncPolicy:
    syncOptions: [CreateNamespace=true]
YAML
cat > "$work/web/kustomization.yaml" <<'YAML'
resources: [deployment.yaml, networkpolicy.yaml]
YAML
cat > "$work/web/networkpolicy.yaml" <<'YAML'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress, Egress]
YAML
cat > "$work/web/deployment.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001}
      containers:
      - name: web
        image: registry.example.com/web:1.2.3
        imagePullPolicy: Always
        securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false}
        resources:
          requests: {cpu: 100m, memory: 64Mi, ephemeral-storage: 64Mi}
          limits: {cpu: 100m, memory: 64Mi, ephemeral-storage: 64Mi}
YAML
git init -q --bare -b main "$repo"
g() { git -C "$work" -c user.name=t -c user.email=t@example.com "$@"; }
g init -q -b main && g add -A && g commit -q -m init && g push -q "$repo" main

"$capstan" app create -f "$work/project.yaml" >/dev/null || fail "create project"
"$capstan" app create -f "$work/app.yaml" >/dev/null || fail "create app"
live_image() { kubectl get deployment web -n shop -o jsonpath='{.spec.template.spec.containers[0].image}'; }

# 1. A clean revision syncs.
"$capstan" app sync web >/dev/null || fail "the clean revision was refused: $("$capstan" app get web -o json)"
[ "$(live_image)" = registry.example.com/web:1.2.3 ] || fail "live image after the first sync: $(live_image)"

# 2. A revision that fails schema validation (and carries a new image) is refused.
sed -i 's/replicas: 1/replicas: "one"/; s/web:1.2.3/web:1.2.4/' "$work/web/deployment.yaml"
g commit -q -am "bad replicas" && g push -q "$repo" main
if "$capstan" app sync web >"$tmp/out" 2>&1; then fail "sync of an invalid revision succeeded"; fi
grep -q 'pre-sync checks (validate,lint:critical) failed' "$tmp/out" || fail "sync output: $(cat "$tmp/out")"
"$capstan" app get web -o json > "$tmp/app.json"
python3 - "$tmp/app.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
op = a["status"]["operationState"]
assert op["phase"] == "Failed", op
assert "validate FieldValueTypeInvalid spec.replicas" in op["message"], op["message"]
conds = a["status"].get("conditions", [])
assert any(c["type"] == "PreSyncChecksFailed" and "spec.replicas" in c["message"] for c in conds), conds
assert len(a["status"].get("history", [])) == 1, a["status"].get("history")
PY
[ "$(live_image)" = registry.example.com/web:1.2.3 ] || fail "the refused revision reached the cluster: $(live_image)"

# 3. A valid revision with a critical lint finding is refused too.
sed -i 's/replicas: "one"/replicas: 1/; s/web:1.2.4/web:latest/' "$work/web/deployment.yaml"
g commit -q -am "latest tag" && g push -q "$repo" main
if "$capstan" app sync web >"$tmp/out" 2>&1; then fail "sync of a lint-failing revision succeeded"; fi
"$capstan" app get web -o json | python3 -c '
import json, sys
a = json.load(sys.stdin)
m = a["status"]["operationState"]["message"]
assert "lint container-image-tag [critical]" in m, m
assert "validate" not in m.split("failed:")[1], m'
[ "$(live_image)" = registry.example.com/web:1.2.3 ] || fail "the lint-failing revision reached the cluster: $(live_image)"

# 4. Fixed in Git: the gate opens again and the condition clears.
sed -i 's/web:latest/web:1.2.5/' "$work/web/deployment.yaml"
g commit -q -am "pinned" && g push -q "$repo" main
"$capstan" app sync web >/dev/null || fail "the fixed revision was refused: $("$capstan" app get web -o json)"
[ "$(live_image)" = registry.example.com/web:1.2.5 ] || fail "live image after the fix: $(live_image)"
"$capstan" app get web -o json | python3 -c '
import json, sys
a = json.load(sys.stdin)
assert not any(c["type"] == "PreSyncChecksFailed" for c in a["status"].get("conditions", [])), a["status"]'
echo PASS
