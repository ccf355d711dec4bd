#!/usr/bin/env bash
# The whole test suite on a fresh or warm machine: installs what is missing and builds, then
#   1. the local stack: starts the real stack and the services with their sidecars, runs the unit
#      and integration tests and the short fault subset (test/chaos), stops what it started;
#   2. the cluster: builds a single-node Kubernetes here (scripts/k8s.sh), runs the tests that
#      install the system with Helm and book through it, tears the cluster down;
# and prints "N passed, N failed" over both runs. Extra arguments go to both jest runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/bootstrap.sh"

mkdir -p "$RUN_DIR"
local_result="$RUN_DIR/jest-local.json"
k8s_result="$RUN_DIR/jest-k8s.json"
rm -f "$local_result" "$k8s_result"

infra_was_up=0
[[ "$("$ROOT/scripts/infra.sh" status)" == *"kafka: running"* ]] && infra_was_up=1
k8s_was_up=0
"$ROOT/scripts/k8s.sh" status >/dev/null 2>&1 && k8s_was_up=1

stop_local() {
  node packages/devstack/dist/cli.js stop || true
  if ((infra_was_up == 0)); then "$ROOT/scripts/infra.sh" down || true; fi
}
stop_cluster() {
  if ((k8s_was_up == 0)); then "$ROOT/scripts/k8s.sh" down || true; fi
}
trap 'stop_local; stop_cluster' EXIT

status=0

# 1. The local stack (two cores are shared by ~25 processes: the cluster waits until it is gone).
"$ROOT/scripts/infra.sh" up
log "starting services with their sidecars"
node packages/devstack/dist/cli.js start
npx jest --runInBand --selectProjects unit integration chaos --json --outputFile="$local_result" "$@" || status=1
stop_local

# 2. The cluster.
"$ROOT/scripts/k8s.sh" up
npx jest --runInBand --selectProjects k8s --json --outputFile="$k8s_result" "$@" || status=1
stop_cluster
trap - EXIT

node scripts/summarize-jest.js "$local_result" "$k8s_result"
exit "$status"
