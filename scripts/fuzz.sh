#!/usr/bin/env bash
# Fuzzes the public API through the running local gateway with schemathesis, pinned, from PyPI,
# in a virtualenv cached under $CACHE: every operation of /api/openapi.json, as a user and as an
# admin, with the checks that the answers keep the documented contract (no 5xx, only documented
# statuses and content types, bodies matching their schemas) and the links between operations
# followed (stateful phase). FUZZ_EXAMPLES bounds the generated cases per operation;
# GATEWAY_URL picks the gateway; FUZZ_FORWARDED_FOR, when set, is sent as X-Forwarded-For (a
# gateway replica behind a "proxy" then counts the run's rate limits apart from other clients).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

SCHEMATHESIS_VERSION=4.32.5
VENV="$CACHE/schemathesis/$SCHEMATHESIS_VERSION"
if [[ ! -f "$VENV/.installed" ]]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  touch "$VENV/.installed"
fi

GATEWAY_URL="${GATEWAY_URL:-http://127.0.0.1:8080}"
status=0
for role in user admin; do
  token="$(node packages/devstack/dist/cli.js token "$role")"
  log "fuzzing $GATEWAY_URL as $role"
  extra=()
  [[ -n "${FUZZ_FORWARDED_FOR:-}" ]] && extra=(--header "X-Forwarded-For: $FUZZ_FORWARDED_FOR")
  "$VENV/bin/schemathesis" run "$GATEWAY_URL/api/openapi.json" \
    --url "$GATEWAY_URL" \
    --header "Authorization: Bearer $token" "${extra[@]}" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "${FUZZ_EXAMPLES:-20}" \
    --seed 20261126 \
    --no-color \
    --request-timeout 20 || status=1
done
exit "$status"
