#!/bin/sh
# Health benchmark: in-process throughput, and `capstan health` end to end on
# the same 100,000 objects. Usage: bench/health/run.sh BUILD_DIR [N]
set -e
B=${1:?build dir}
N=${2:-100000}
"$B/bench/health/health_bench" --objects "$N"
"$B/bench/health/health_bench" --objects "$N" --rollout-script
OUT=$(mktemp /tmp/capstan-health-bench.XXXXXX.yaml)
"$B/bench/health/health_bench" --objects "$N" --write-yaml "$OUT"
ls -l "$OUT"
/usr/bin/time -v "$B/capstan" health -o json "$OUT" 2>&1 >/dev/null | grep -E "Elapsed|Maximum resident"
rm -f "$OUT"
