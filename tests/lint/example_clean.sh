#!/bin/sh
# `capstan lint` on every service of the example repository in production:
# no finding at all (warnings fail too). Also staging; dev runs 1 replica on
# purpose, so only its critical findings count.
set -u
capstan="$1"
root="$2/examples/ta-microservices/apps"
status=0
n=0
for app in "$root"/*/; do
  for env in production staging dev; do
    fail_on=warning
    [ "$env" = dev ] && fail_on=critical
    if ! out=$("$capstan" lint --fail-on "$fail_on" --kustomize "$app/overlays/$env" 2>&1); then
      echo "FAIL $app/overlays/$env:"
      echo "$out"
      status=1
    fi
    n=$((n + 1))
  done
done
echo "$n overlays linted"
exit $status
