#!/usr/bin/env bash
# Installs the whole system into the local cluster (`scripts/k8s.sh up`), the way a user installs
# it anywhere: the images (built here from Debian, Maven Central and npm, never pulled) imported
# into the node, Dapr's control plane from Dapr's own Helm chart, then `helm upgrade --install` of
# charts/concert-booking. Waits until every pod is Ready and prints the gateway URL.
#
#   scripts/k8s-deploy.sh                      # with charts/concert-booking/values-kind.yaml
#   scripts/k8s-deploy.sh -f a.yaml -f b.yaml  # with these values (helm arguments) instead
#   scripts/k8s-deploy.sh uninstall            # helm uninstall of the release (Dapr stays)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

NAMESPACE="${K8S_NAMESPACE:-concert-booking}"
RELEASE="${K8S_RELEASE:-concert-booking}"
DAPR_REGISTRY="docker.io/concert-booking-dapr"
HELM="$CACHE/k8s-tools/bin/helm"
eval "$("$ROOT/scripts/k8s.sh" env)"

if [[ "${1:-}" == "uninstall" ]]; then
  "$HELM" uninstall "$RELEASE" -n "$NAMESPACE" --wait --timeout 5m
  exit 0
fi

"$ROOT/scripts/install-k8s-tools.sh"
"$ROOT/scripts/k8s-images.sh" build
mapfile -t tars < <("$ROOT/scripts/k8s-images.sh" tars)
log "importing ${#tars[@]} image archives into the node"
"$ROOT/scripts/k8s.sh" import "${tars[@]}"

started=$SECONDS
log "Dapr $DAPR_VERSION control plane (namespace dapr-system)"
# Images from the same patched build as the local sidecars (scripts/install-dapr.sh). The
# scheduler and placement keep their state in memory: this single node has no volume provisioner.
# Sidecars drop every capability, so a Pod Security `restricted` namespace admits injected pods.
# A pod is never created without its sidecar: when the injector does not answer in time (a busy
# node), admission fails and the ReplicaSet retries, instead of Dapr's default of starting the
# pod bare (which then never becomes Ready). Dapr's own and the system namespaces are exempt.
"$HELM" upgrade --install dapr "$CACHE/k8s-tools/dapr-chart" -n dapr-system --create-namespace \
  --set global.registry="$DAPR_REGISTRY" --set global.tag="$DAPR_VERSION" \
  --set global.logAsJson=true \
  --set dapr_scheduler.cluster.inMemoryStorage=true \
  --set dapr_placement.cluster.forceInMemoryLog=true \
  --set dapr_sidecar_injector.sidecarDropALLCapabilities=true \
  --set dapr_sidecar_injector.webhookFailurePolicy=Fail \
  --set-json 'dapr_sidecar_injector.namespaceSelector={"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["dapr-system","kube-system"]}]}' \
  --wait --timeout 5m

log "concert-booking (namespace $NAMESPACE)"
# The namespace enforces Pod Security `restricted`: every pod of the chart, injected sidecars and
# the development infrastructure included, must pass it to start at all.
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl label --overwrite namespace "$NAMESPACE" pod-security.kubernetes.io/enforce=restricted \
  pod-security.kubernetes.io/warn=restricted >/dev/null
(($#)) || set -- -f charts/concert-booking/values-kind.yaml
"$HELM" upgrade --install "$RELEASE" charts/concert-booking -n "$NAMESPACE" "$@" --wait --timeout 10m

# --wait counts Deployments; every pod, sidecar included, must say Ready. Pods of a replaced
# ReplicaSet may still be terminating when helm returns and vanish while waited for (NotFound):
# the pods are listed again on each try, until all present ones are Ready or 5 minutes passed.
# Dapr's control plane too: on two cores its scheduler may restart while the release rolls out.
ready_by=$((SECONDS + 300))
for ns in "$NAMESPACE" dapr-system; do
  until kubectl -n "$ns" wait pods --all --for=condition=Ready --timeout=60s >/dev/null 2>&1; do
    if ((SECONDS >= ready_by)); then
      kubectl -n "$ns" get pods -o wide >&2
      die "not every pod in $ns became Ready"
    fi
    sleep 1
  done
done
log "every pod Ready in $((SECONDS - started))s"
kubectl get pods -A
echo
echo "gateway: http://127.0.0.1:${K8S_GATEWAY_PORT:-18080}/api   zipkin: http://127.0.0.1:${K8S_ZIPKIN_PORT:-19411}/zipkin/"
