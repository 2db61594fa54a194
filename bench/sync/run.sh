#!/usr/bin/env bash
# Syncs N (default 1000) generated Applications into a fresh local cluster
# (capstan cluster up, its own process) and prints apps/s, the engine's CPU
# time and peak RSS.   bench/sync/run.sh [N] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000}
build=${2:-build}
cmake --build "$build" -j2 --target capstan sync_bench >/dev/null
tmp=$(mktemp -d /tmp/capstan-sync-bench-XXXXXX)
trap '"$build/src/cli/capstan" cluster down --data "$tmp/cluster" >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
"$build/src/cli/capstan" cluster up --data "$tmp/cluster" >/dev/null
"$build/bench/sync/sync_bench" --apps "$n" --kubeconfig "$tmp/cluster/kubeconfig" --workdir "$tmp/work"
