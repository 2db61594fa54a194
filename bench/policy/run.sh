#!/bin/sh
# Gatekeeper benchmark: the whole gatekeeper-library (every template with the
# constraints its suites use) against every object of the rendered example
# repository (all app and infrastructure overlays, `capstan build`).
# Usage: bench/policy/run.sh BUILD_DIR [REPEAT]
set -e
B=${1:?build dir}
R=${2:-3}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$(mktemp /tmp/capstan-policy-bench.XXXXXX.yaml)
trap 'rm -f "$OUT"' EXIT
for k in "$ROOT"/examples/ta-microservices/apps/*/overlays/* "$ROOT"/examples/ta-microservices/infrastructure/overlays/*; do
  [ -f "$k/kustomization.yaml" ] || continue
  "$B/src/cli/capstan" build "$k" >> "$OUT"
  echo "---" >> "$OUT"
done
LIB="$ROOT/../shared/conformance/policy/library"
echo "== as gator: each constraint's spec.match, then its template's Rego"
"$B/bench/policy/policy_bench" --library "$LIB" --objects "$OUT" --repeat "$R"
echo "== every template's Rego on every object (spec.match ignored)"
"$B/bench/policy/policy_bench" --library "$LIB" --objects "$OUT" --repeat "$R" --ignore-match
