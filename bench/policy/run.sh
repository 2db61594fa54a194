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
"$B/bench/policy/policy_bench" --library "$ROOT/../shared/conformance/policy/library" --objects "$OUT" --repeat "$R"
