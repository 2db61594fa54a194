#!/usr/bin/env bash
# Syncs N (default 1000) generated Applications into a fresh local cluster
# (capstan cluster up, its own process) and prints apps/s, the engine's CPU
# time and peak RSS: once with Argo CD's client throttle (50 QPS / burst
# 100) and once without it (ARGOCD_K8S_CLIENT_QPS=0), each from a clean start.
#   bench/sync/run.sh [N] [BUILD_DIR] [WORKERS]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
build=${2:-build}
workers=${3:-10}
cmake --build "$build" -j2 --target capstan sync_bench >/dev/null
capstan="$build/src/cli/capstan"
tmp=$(mktemp -d /tmp/capstan-sync-bench-XXXXXX)
trap '"$capstan" cluster down --data "$tmp/cluster" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
for qps in 50 0; do
  echo "== ARGOCD_K8S_CLIENT_QPS=$qps"
  "$capstan" cluster down --data "$tmp/cluster" >/dev/null 2>&1 || true
  rm -rf "$tmp/cluster"
  "$capstan" cluster up --data "$tmp/cluster" >/dev/null
  ARGOCD_K8S_CLIENT_QPS=$qps "$build/bench/sync/sync_bench" --apps "$n" --workers "$workers" \
    --kubeconfig "$tmp/cluster/kubeconfig" --workdir "$tmp/work"
  echo "cluster (server process) peak RSS: $(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$(cat "$tmp/cluster/server.pid")/status") MB"
done
