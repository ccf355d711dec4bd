#!/usr/bin/env bash
# Tools for validating the Kubernetes delivery offline, from the Go module proxy, cached by
# version: helm, kubectl-validate, the Dapr CRDs (from the Dapr module of the pinned runtime)
# and skaffold's JSON schema (from the skaffold module). Idempotent; fast when warm.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

HELM_VERSION=3.22.0
KUBECTL_VALIDATE_VERSION=0.0.4
SKAFFOLD_VERSION=2.16.1
SKAFFOLD_SCHEMA=v4beta13
out="$CACHE/k8s-tools"
mkdir -p "$out/bin"
export GOFLAGS="-mod=mod -buildvcs=false"

if [[ ! -x "$out/bin/helm-$HELM_VERSION" ]]; then
  log "building helm $HELM_VERSION from the Go module proxy"
  tmp=$(mktemp -d)
  GOBIN="$tmp" go install -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION"
  mv "$tmp/helm" "$out/bin/helm-$HELM_VERSION"
  rm -rf "$tmp"
fi
ln -sf "helm-$HELM_VERSION" "$out/bin/helm"

if [[ ! -x "$out/bin/kubectl-validate-$KUBECTL_VALIDATE_VERSION" ]]; then
  log "building kubectl-validate $KUBECTL_VALIDATE_VERSION from the Go module proxy"
  tmp=$(mktemp -d)
  GOBIN="$tmp" go install -ldflags "-s -w" "sigs.k8s.io/kubectl-validate@v$KUBECTL_VALIDATE_VERSION"
  mv "$tmp/kubectl-validate" "$out/bin/kubectl-validate-$KUBECTL_VALIDATE_VERSION"
  rm -rf "$tmp"
fi
ln -sf "kubectl-validate-$KUBECTL_VALIDATE_VERSION" "$out/bin/kubectl-validate"

crds="$out/dapr-crds-$DAPR_VERSION"
if [[ ! -f "$crds/.complete" ]]; then
  log "taking the Dapr $DAPR_VERSION CRDs from its module"
  src=$(cd "$(mktemp -d)" && go mod download -json "github.com/dapr/dapr@v$DAPR_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$crds" && mkdir -p "$crds"
  cp "$src"/charts/dapr/crds/*.yaml "$crds/"
  touch "$crds/.complete"
fi
ln -sfn "dapr-crds-$DAPR_VERSION" "$out/dapr-crds"

schema="$out/skaffold-$SKAFFOLD_VERSION-$SKAFFOLD_SCHEMA.json"
if [[ ! -f "$schema" ]]; then
  log "taking skaffold's $SKAFFOLD_SCHEMA JSON schema from its $SKAFFOLD_VERSION module"
  src=$(cd "$(mktemp -d)" && go mod download -json "github.com/GoogleContainerTools/skaffold/v2@v$SKAFFOLD_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  cp "$src/docs-v2/content/en/schemas/$SKAFFOLD_SCHEMA.json" "$schema"
fi
ln -sf "$(basename "$schema")" "$out/skaffold-schema.json"
log "k8s tools ready in $out"
