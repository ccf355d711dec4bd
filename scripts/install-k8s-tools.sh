#!/usr/bin/env bash
# Tools for the Kubernetes delivery, from the Go module proxy, cached by version: helm,
# kubectl-validate, the Dapr CRDs and Helm chart (from the Dapr module of the pinned runtime) and
# skaffold's JSON schema (from the skaffold module). Idempotent; fast when warm.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HELM_VERSION=3.22.0
KUBECTL_VALIDATE_VERSION=0.0.4
SKAFFOLD_VERSION=2.16.1
SKAFFOLD_SCHEMA=v4beta13
out="$CACHE/k8s-tools"
mkdir -p "$out/bin"
export GOFLAGS="-mod=mod -buildvcs=false"

# go_tool NAME VERSION PACKAGE@VERSION [LDFLAGS]: builds a command once into bin/NAME-VERSION and
# points bin/NAME at it.
go_tool() {
  local name=$1 version=$2 pkg=$3 ldflags=${4:-}
  if [[ ! -x "$out/bin/$name-$version" ]]; then
    log "building $name $version from the Go module proxy"
    local tmp; tmp=$(mktemp -d)
    GOBIN="$tmp" go install -ldflags "-s -w $ldflags" "$pkg"
    mv "$tmp/$name" "$out/bin/$name-$version"
    rm -rf "$tmp"
  fi
  ln -sf "$name-$version" "$out/bin/$name"
}

go_tool helm "$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" "-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
go_tool kubectl-validate "$KUBECTL_VALIDATE_VERSION" "sigs.k8s.io/kubectl-validate@v$KUBECTL_VALIDATE_VERSION"
# skaffold itself only with --skaffold (make skaffold): nothing in the tests runs it, and it costs
# ~6 minutes of a cold build. Its go.mod has replace directives (go install pkg@version refuses
# them): built inside its module.
if [[ "${1:-}" == "--skaffold" ]]; then
  (cd "$(module_dir "github.com/GoogleContainerTools/skaffold/v2@v$SKAFFOLD_VERSION")" && go_tool skaffold "$SKAFFOLD_VERSION" ./cmd/skaffold "-X github.com/GoogleContainerTools/skaffold/v2/pkg/skaffold/version.version=v$SKAFFOLD_VERSION")
fi

crds="$out/dapr-crds-$DAPR_VERSION"
if [[ ! -f "$crds/.complete" ]]; then
  log "taking the Dapr $DAPR_VERSION CRDs from its module"
  src=$(module_dir "github.com/dapr/dapr@v$DAPR_VERSION")
  rm -rf "$crds" && mkdir -p "$crds"
  cp "$src"/charts/dapr/crds/*.yaml "$crds/"
  touch "$crds/.complete"
fi
ln -sfn "dapr-crds-$DAPR_VERSION" "$out/dapr-crds"

# Dapr's own Helm chart for its control plane in a cluster (scripts/k8s-deploy.sh), from the same
# module as the runtime: the chart and the binaries always match.
chart="$out/dapr-chart-$DAPR_VERSION"
if [[ ! -f "$chart/.complete" ]]; then
  log "taking the Dapr $DAPR_VERSION Helm chart from its module"
  src=$(module_dir "github.com/dapr/dapr@v$DAPR_VERSION")
  rm -rf "$chart" && mkdir -p "$chart"
  cp -R "$src"/charts/dapr/. "$chart/"
  chmod -R u+w "$chart"
  rm -f "$chart/embed.go"
  touch "$chart/.complete"
fi
ln -sfn "dapr-chart-$DAPR_VERSION" "$out/dapr-chart"

schema="$out/skaffold-$SKAFFOLD_VERSION-$SKAFFOLD_SCHEMA.json"
if [[ ! -f "$schema" ]]; then
  log "taking skaffold's $SKAFFOLD_SCHEMA JSON schema from its $SKAFFOLD_VERSION module"
  src=$(module_dir "github.com/GoogleContainerTools/skaffold/v2@v$SKAFFOLD_VERSION")
  cp "$src/docs-v2/content/en/schemas/$SKAFFOLD_SCHEMA.json" "$schema"
fi
ln -sf "$(basename "$schema")" "$out/skaffold-schema.json"
log "k8s tools ready in $out"
