#!/usr/bin/env bash
# capstan validate --from-cluster: schemas from a live API server's
# /openapi/v3 (the local cluster serving the 1.32 documents), through the
# kubeconfig. The same manifest gives the same findings as the built-in
# schemas, and an unknown group-version is reported as such.
set -euo pipefail
capstan=$(realpath "$1")
openapi=$(realpath "$2")
tmp=$(mktemp -d /tmp/capstan-validate-cluster-XXXXXX)
data="$tmp/cluster"
cleanup() { "$capstan" cluster down --data "$data" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

CAPSTAN_HOME="$tmp/home" "$capstan" cluster up --data "$data" --openapi-dir "$openapi" >/dev/null
cat > "$tmp/in.yaml" <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: "3"
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27, imagePullPolicy: Always}]
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
YAML
set +e
cluster=$("$capstan" validate --from-cluster --kubeconfig "$data/kubeconfig" -o json "$tmp/in.yaml"); rc=$?
builtin=$("$capstan" validate -o json "$tmp/in.yaml")
set -e
[ "$rc" = 1 ] || fail "exit $rc, want 1"
strip() { python3 -c 'import json,sys; print(json.dumps([(d["valid"], sorted((e["path"], e["type"]) for e in d["errors"])) for d in json.load(sys.stdin)]))'; }
got=$(echo "$cluster" | strip)
want=$(echo "$builtin" | strip)
echo "$got"
[ "$got" = "$want" ] || fail "from cluster: $got, built in: $want"
echo "$got" | grep -q '"spec.replicas", "FieldValueTypeInvalid"' || fail "spec.replicas not reported"
echo "$got" | grep -q '"apiVersion", "SchemaNotFound"' || fail "unknown group-version not reported"
echo "ok"
