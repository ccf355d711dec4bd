#!/usr/bin/env bash
# The whole test suite on a fresh or warm machine: installs what is missing, builds, starts the
# real local stack and the services with their sidecars, runs every jest test (unit and
# integration), stops what it started, and prints "N passed, N failed".
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/bootstrap.sh"

infra_was_up=0
[[ "$("$ROOT/scripts/infra.sh" status)" == *"kafka: running"* ]] && infra_was_up=1

cleanup() {
  node packages/devstack/dist/cli.js stop || true
  if ((infra_was_up == 0)); then "$ROOT/scripts/infra.sh" down || true; fi
}
trap cleanup EXIT

"$ROOT/scripts/infra.sh" up
log "starting services with their sidecars"
node packages/devstack/dist/cli.js start

mkdir -p "$RUN_DIR"
result="$RUN_DIR/jest-result.json"
rm -f "$result"
set +e
npx jest --runInBand --json --outputFile="$result" "$@"
status=$?
set -e
node scripts/summarize-jest.js "$result"
exit "$status"
