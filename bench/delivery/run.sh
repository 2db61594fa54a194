#!/usr/bin/env bash
# The plan's deploy-staging step, timed: `capstan image set --commit` against
# what the plan's CI does today (rewrite the overlay with a heredoc/sed,
# `git add`, `git commit`), on a copy of examples/ta-microservices.
#   bench/delivery/run.sh build/src/cli/capstan
# Needs hyperfine and git. Prints both times and the ratio.
set -euo pipefail
capstan=$(realpath "$1")
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/capstan-bench-delivery-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp -r "$root/examples/ta-microservices" "$tmp/repo"
cd "$tmp/repo"
git init -q -b main && git -c user.name=b -c user.email=b@e add -A && git -c user.name=b -c user.email=b@e commit -qm base
base=$(git rev-parse HEAD)
export GIT_AUTHOR_NAME=b GIT_AUTHOR_EMAIL=b@e GIT_COMMITTER_NAME=b GIT_COMMITTER_EMAIL=b@e
overlay=apps/catalog/overlays/staging
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$tmp/out.json" \
  --prepare "git -C $tmp/repo reset -q --hard $base" \
  -n "capstan image set --commit" \
  "$capstan image set $overlay registry.gitlab.com/ta-microservices/catalog:abc123 --commit" \
  -n "sed + git add + git commit" \
  "bash -c 'sed -i \"s/newTag: v1.0.0/newTag: abc123/\" $overlay/kustomization.yaml && git add $overlay/kustomization.yaml && git commit -qm bump'" \
  >/dev/null
python3 - "$tmp/out.json" <<'P'
import json, sys
r = {x["command"]: x["mean"] * 1000 for x in json.load(open(sys.argv[1]))["results"]}
a, b = r["capstan image set --commit"], r["sed + git add + git commit"]
print(f"capstan image set --commit: {a:.1f} ms; sed + git add + git commit: {b:.1f} ms; ratio {b / a:.2f}x")
P
