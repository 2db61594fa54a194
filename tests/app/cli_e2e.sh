#!/usr/bin/env bash
# CLI end to end: `capstan cluster up`, the ta-microservices example in a
# local Git repository, `capstan app create|sync|list|diff|history|rollback|
# wait|delete` as a user runs them. Fails on the first unexpected output.
set -euo pipefail
source "$(dirname "$0")/../lib/e2e.sh" app-cli "$1"

cat > "$tmp/rules.yaml" <<'RULES'
rules:
- image: "registry.gitlab.com/ta-microservices/fulfillment:*"
  behavior: crashloop
RULES
cluster_up --rules "$tmp/rules.yaml" --speed 20
export CAPSTAN_SYNC_WAVE_DELAY_MS=100

cp -r "$root/examples/ta-microservices" "$work"
grep -rl 'https://gitlab.com/ta-microservices/gitops.git' "$work/environments" "$work/projects" |
  xargs sed -i "s#https://gitlab.com/ta-microservices/gitops.git#file://$repo#"
git_repo
commit init

"$capstan" app create -f "$work/projects/dev-environment.yaml" | grep -q "appproject.argoproj.io/dev-environment created" ||
  fail "create project"
"$capstan" app create -f "$work/environments/dev/apps/auth.yaml" >/dev/null
"$capstan" app create -f "$work/environments/dev/apps/fulfillment.yaml" >/dev/null

out=$("$capstan" app list)
echo "$out"
echo "$out" | grep -Eq '^auth-dev +OutOfSync +Missing +core-business-dev' || fail "auth-dev should be OutOfSync/Missing before sync"

"$capstan" app sync auth-dev fulfillment-dev --prune || true
"$capstan" app wait auth-dev --sync --health --timeout 60 || fail "auth-dev did not become Synced/Healthy"

for i in $(seq 1 60); do
  out=$("$capstan" app list)
  echo "$out" | grep -q 'fulfillment Deployment: CrashLoopBackOff' && break
  sleep 0.5
done
echo "$out"
echo "$out" | grep -Eq '^auth-dev +Synced +Healthy +core-business-dev +[0-9a-f]{7}' || fail "auth-dev row"
echo "$out" | grep -Eq '^fulfillment-dev +Synced +(Progressing|Degraded) +core-business-dev +[0-9a-f]{7} +fulfillment Deployment: CrashLoopBackOff' ||
  fail "fulfillment-dev row should name CrashLoopBackOff"

# A new image tag in Git: diff shows it (exit 1), sync applies it.
sed -i 's/newTag: v1.0.0/newTag: v1.1.0/' "$work/apps/auth/overlays/dev/kustomization.yaml"
commit "auth v1.1.0"
set +e
diff_out=$("$capstan" app diff auth-dev); rc=$?
set -e
[ "$rc" = 1 ] || fail "app diff exit $rc, want 1"
echo "$diff_out" | grep -q 'auth:v1.1.0' || fail "diff does not show the new tag: $diff_out"
"$capstan" app list | grep -Eq '^auth-dev +OutOfSync' || fail "auth-dev should be OutOfSync after the commit"
"$capstan" app sync auth-dev >/dev/null || fail "sync auth-dev"
"$capstan" app get auth-dev | grep -q 'Sync Status: *Synced' || fail "auth-dev not Synced after sync"
kubectl get deployment auth -n core-business-dev -o jsonpath='{.spec.template.spec.containers[0].image}' |
  grep -q 'auth:v1.1.0' || fail "live image not updated"

# History has both deployments; rollback is refused while automated sync is on (as Argo CD does).
[ "$("$capstan" app history auth-dev | tail -n +2 | wc -l)" = 2 ] || fail "history should have 2 entries"
if "$capstan" app rollback auth-dev 0 2>"$tmp/err"; then fail "rollback should be refused"; fi
grep -q "auto-sync is enabled" "$tmp/err" || fail "rollback error: $(cat "$tmp/err")"

"$capstan" app get auth-dev -o json | python3 -c 'import json,sys; a=json.load(sys.stdin); assert a["status"]["sync"]["status"]=="Synced"; assert a["status"]["operationState"]["phase"]=="Succeeded"; assert len(a["status"]["history"])==2'

"$capstan" app delete auth-dev --cascade >/dev/null
kubectl get deployment auth -n core-business-dev >/dev/null 2>&1 && fail "cascade delete left the Deployment"
"$capstan" app list | grep -q '^auth-dev' && fail "auth-dev still listed"
echo "PASS"
