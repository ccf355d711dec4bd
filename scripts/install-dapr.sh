#!/usr/bin/env bash
# Builds the real Dapr runtime (daprd, placement, scheduler) and the Dapr CLI from the
# Go module proxy, pinned, into a cache keyed by version. Idempotent: a second run is a no-op.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# 1.18.2, not 1.18.3: the module proxy refuses durabletask-go v0.12.4, which 1.18.3 needs
# (see docs/decisions/0001-dapr-runtime-version.md).
DAPR_VERSION="${DAPR_VERSION:-1.18.2}"
out="$(dapr_bin_dir)"

# The components compiled into daprd: what this project's components/ and chart use.
# Leaving the other ~130 out (cloud SDKs) makes a cold build several times faster.
KEEP_COMPONENTS=(
  pubsub_kafka state_mysql state_redis nameresolution_sqlite nameresolution_mdns
  nameresolution_kubernetes secretstores_local_file secretstores_local_env
  secretstores_kubernetes bindings_http bindings_localstorage bindings_smtp zz_notag
)

# daprd is rebuilt when the list of compiled-in components changes.
stamp="${KEEP_COMPONENTS[*]}"
if [[ -x "$out/daprd" && "$(cat "$out/daprd.components" 2>/dev/null)" != "$stamp" ]]; then rm -f "$out/daprd"; fi
if [[ -x "$out/daprd" && -x "$out/placement" && -x "$out/scheduler" ]]; then
  log "dapr $DAPR_VERSION already built in $out"
  exit 0
fi

mkdir -p "$out"
export GOFLAGS="-mod=mod -buildvcs=false"
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

log "downloading github.com/dapr/dapr@v$DAPR_VERSION from the Go module proxy"
src="$(module_dir "github.com/dapr/dapr@v$DAPR_VERSION")"
# dapr's go.mod has replace directives, so `go install` refuses it: build in a writable copy.
cp -R "$src" "$work/dapr"
chmod -R u+w "$work/dapr"
(
  cd "$work/dapr/cmd/daprd/components"
  for f in *.go; do
    keep=0
    for k in "${KEEP_COMPONENTS[@]}"; do [[ "$f" == "$k.go" ]] && keep=1; done
    ((keep)) || rm -f "$f"
  done
)

ldflags="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION"
for cmd in daprd placement scheduler; do
  if [[ ! -x "$out/$cmd" ]]; then
    log "building $cmd $DAPR_VERSION (this takes a while on a cold cache)"
    # allcomponents: with the pruning above, that is exactly KEEP_COMPONENTS.
    (cd "$work/dapr" && go build -tags allcomponents -ldflags "$ldflags" -o "$out/$cmd.tmp" "./cmd/$cmd")
    mv "$out/$cmd.tmp" "$out/$cmd"
  fi
done

echo "$stamp" >"$out/daprd.components"
log "dapr $DAPR_VERSION ready in $out"
