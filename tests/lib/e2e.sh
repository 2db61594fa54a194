# Sourced by the end-to-end shell tests, run from the repository root:
#   source "$(dirname "$0")/../lib/e2e.sh" NAME CAPSTAN_BINARY
# Sets capstan, root (the repository), tmp (/tmp/capstan-NAME-XXXXXX, gone on
# exit with the cluster stopped), CAPSTAN_HOME, data (the cluster's dir),
# repo (a bare Git repository) and work (its work tree), and defines:
#   fail MSG            print FAIL: MSG and exit 1
#   cluster_up FLAGS... `capstan cluster up` in $data; exports KUBECONFIG
#   git_repo            creates $repo, and $work (kept if it exists) pushing to it
#   g ARGS...           git in $work as a test user
#   commit MSG          commit everything in $work and push it to $repo
capstan=$(realpath "$2")
root=$(pwd)
tmp=$(mktemp -d "/tmp/capstan-$1-XXXXXX")
export CAPSTAN_HOME="$tmp/home"
data="$tmp/cluster"
repo="$tmp/gitops.git"
work="$tmp/work"
cleanup() { "$capstan" cluster down --data "$data" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cluster_up() {
  "$capstan" cluster up --data "$data" "$@" >/dev/null
  export KUBECONFIG="$data/kubeconfig"
}
g() { git -C "$work" -c user.name=t -c user.email=t@example.com "$@"; }
git_repo() {
  git init -q --bare -b main "$repo"
  mkdir -p "$work"
  g init -q -b main
}
commit() { g add -A && g commit -q -m "$1" && g push -q "$repo" main; }
