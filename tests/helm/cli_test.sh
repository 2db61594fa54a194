#!/usr/bin/env bash
# capstan helm lint / template from a user's point of view: exit codes,
# messages naming the file, nothing on stdout for failures, bounded work on
# a self-including chart.
set -u
BIN=$1
CORPUS=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }

# lint: a good chart passes with the icon recommendation
"$BIN" helm lint "$CORPUS/templates/if-else" >"$T/out" 2>"$T/err"; rc=$?
check "lint good chart exits 0" '[ $rc -eq 0 ]'
check "lint reports icon recommendation" 'grep -q "\[INFO\] Chart.yaml: icon is recommended" "$T/out"'
check "lint summary" 'grep -q "1 chart(s) linted, 0 chart(s) failed" "$T/out"'

# lint: a chart whose template fails to parse is an error naming the file
"$BIN" helm lint "$CORPUS/templates/err-parse-unclosed-action" >"$T/out" 2>"$T/err"; rc=$?
check "lint broken chart exits 1" '[ $rc -eq 1 ]'
check "lint names the template" 'grep -q "err-parse-unclosed-action/templates/cm.yaml" "$T/out"'

# lint: invalid YAML output is reported
"$BIN" helm lint "$CORPUS/templates/err-invalid-yaml-output" >"$T/out" 2>"$T/err"; rc=$?
check "lint invalid yaml exits 1" '[ $rc -eq 1 ]'
check "lint names the YAML error" 'grep -q "YAML parse error on err-invalid-yaml-output/templates/bad.yaml" "$T/out"'

# template: a missing chart is a clear error, nothing on stdout
"$BIN" helm template rel "$T/no-such-chart" >"$T/out" 2>"$T/err"; rc=$?
check "missing chart exits 1" '[ $rc -eq 1 ]'
check "missing chart message" 'grep -q "no-such-chart" "$T/err" && [ ! -s "$T/out" ]'

# hostile chart: a template that includes itself ends with an error, not a crash
mkdir -p "$T/loop/templates"
printf 'apiVersion: v2\nname: loop\nversion: 0.1.0\n' >"$T/loop/Chart.yaml"
printf '{{- define "x" }}{{ include "x" . }}{{ end }}\n{{ include "x" . }}\n' >"$T/loop/templates/cm.yaml"
"$BIN" helm template rel "$T/loop" >"$T/out" 2>"$T/err"; rc=$?
check "self-include exits 1" '[ $rc -eq 1 ]'
check "self-include names the template" 'grep -q "nested reference name: x" "$T/err"'

# hostile chart: output size bound
mkdir -p "$T/big/templates"
printf 'apiVersion: v2\nname: big\nversion: 0.1.0\n' >"$T/big/Chart.yaml"
printf '{{ range until 100000 }}{{ repeat 100000 "x" }}{{ end }}\n' >"$T/big/templates/cm.yaml"
"$BIN" helm template rel "$T/big" >"$T/out" 2>"$T/err"; rc=$?
check "huge output exits 1" '[ $rc -eq 1 ]'
check "huge output message" 'grep -q "rendered output exceeds the limit" "$T/err"'

# kustomize helmCharts: only with --enable-helm; kustomize transforms the chart's objects
mkdir -p "$T/kz/charts/web/templates"
printf 'apiVersion: v2\nname: web\nversion: 0.1.0\n' >"$T/kz/charts/web/Chart.yaml"
printf 'port: 80\nname: web\n' >"$T/kz/charts/web/values.yaml"
printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-{{ .Values.name }}\nspec:\n  ports:\n  - port: {{ .Values.port }}\n' >"$T/kz/charts/web/templates/svc.yaml"
printf 'namePrefix: dev-\nhelmCharts:\n- name: web\n  releaseName: shop\n  valuesInline:\n    port: 8080\n' >"$T/kz/kustomization.yaml"
"$BIN" build "$T/kz" >"$T/out" 2>"$T/err"; rc=$?
check "helmCharts without --enable-helm is an error" '[ $rc -ne 0 ] && grep -q "enable-helm" "$T/err"'
"$BIN" build --enable-helm "$T/kz" >"$T/out" 2>"$T/err"; rc=$?
check "helmCharts with --enable-helm renders" '[ $rc -eq 0 ]'
check "helmCharts output transformed by kustomize" 'grep -q "name: dev-shop-web" "$T/out" && grep -q "port: 8080" "$T/out"'

[ $fail -eq 0 ] && echo "helm cli: all passed"
exit $fail
