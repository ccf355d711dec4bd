#!/usr/bin/env bash
# Node dependencies (only when package-lock.json changed), the TypeScript build, and the
# local stack's binaries. Everything heavy is cached outside the work tree.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

stamp="node_modules/.package-lock.sha"
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  # npm install, not npm ci: npm 11 leaves other platforms' optional bindings out of the lock
  # file, and npm ci then refuses it. With the lock file present, install follows it.
  log "installing node dependencies"
  npm install --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
log "type-checking and building (tsc -b, and the web app with vite)"
npx tsc -b
npm run --silent build:app -w @concert/web >/dev/null
"$ROOT/scripts/install-infra.sh"
"$ROOT/scripts/install-k8s-tools.sh"
"$ROOT/scripts/install-k8s.sh"
