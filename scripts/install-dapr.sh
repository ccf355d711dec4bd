#!/usr/bin/env bash
# Builds the real Dapr runtime (daprd, placement, scheduler) and its Kubernetes control plane
# (operator, sentry, sidecar injector) from the Go module proxy, pinned, with the patches in
# scripts/patches/dapr/, into a cache keyed by version. Idempotent: a second run is a no-op.
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

# Patches carried by this project (scripts/patches/dapr/, applied in order; see
# docs/decisions/0005-reservation-event-path.md). They are part of the build's identity.
PATCHES=("$ROOT"/scripts/patches/dapr/*.patch)
# Local runs need daprd, placement and scheduler; the cluster's control plane also needs the
# operator, sentry and the sidecar injector. All six come from the same patched source.
COMMANDS=(daprd placement scheduler operator sentry injector)

# Everything is rebuilt when the compiled-in components, the patches or the commands change.
stamp="$(printf '%s\n' "${KEEP_COMPONENTS[*]}" "${COMMANDS[*]}"; cat "${PATCHES[@]}" | sha256sum | cut -d' ' -f1)"
if [[ "$(cat "$out/build.stamp" 2>/dev/null)" == "$stamp" ]]; then
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
for p in "${PATCHES[@]}"; do
  log "applying $(basename "$p")"
  patch -d "$work/dapr" -p1 --forward --quiet <"$p" || die "patch $p does not apply to dapr $DAPR_VERSION"
done

ldflags="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=$DAPR_VERSION"
log "building ${COMMANDS[*]} $DAPR_VERSION (about 10 minutes on a cold cache)"
# allcomponents: with the pruning above, that is exactly KEEP_COMPONENTS. One go build for all
# commands shares the compilation of the packages they have in common.
mkdir -p "$work/bin"
(cd "$work/dapr" && CGO_ENABLED=0 go build -tags allcomponents -ldflags "$ldflags" -o "$work/bin/" \
  "${COMMANDS[@]/#/./cmd/}")
for cmd in "${COMMANDS[@]}"; do mv -f "$work/bin/$cmd" "$out/$cmd"; done

echo "$stamp" >"$out/build.stamp"
log "dapr $DAPR_VERSION ready in $out"
