#!/usr/bin/env bash
# Builds the single-node Kubernetes cluster that scripts/k8s.sh runs, from source, into a
# cache keyed by version: Kubernetes (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl, kubelet, kube-proxy) and etcd from the Go module proxy, CoreDNS likewise, plus the
# Debian packages the node needs (containerd, runc, CNI plugins, iptables, conntrack, ...).
# Idempotent: a warm run only checks a stamp and prints "ready".
set -euo pipefail
source "$(dirname "$0")/lib.sh"

K8S_VERSION="${K8S_VERSION:-1.37.2}"
ETCD_VERSION="${ETCD_VERSION:-3.6.16}"
COREDNS_VERSION="${COREDNS_VERSION:-1.15.0}"
K8S_BINS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
APT_PACKAGES=(containerd runc containernetworking-plugins iptables conntrack socat util-linux iproute2 openssl)

out="$CACHE/k8s/v$K8S_VERSION/bin"
stamp_file="$out/.complete"
stamp="k8s=$K8S_VERSION etcd=$ETCD_VERSION coredns=$COREDNS_VERSION apt=${APT_PACKAGES[*]}"

all_present() {
  [[ "$(cat "$stamp_file" 2>/dev/null)" == "$stamp" ]] || return 1
  local b
  for b in "${K8S_BINS[@]}" etcd coredns; do [[ -x "$out/$b" ]] || return 1; done
  for b in containerd containerd-shim-runc-v2 runc iptables conntrack socat nsenter ip openssl; do
    command -v "$b" >/dev/null || return 1
  done
  [[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/portmap && -x /usr/lib/cni/loopback ]]
}

if all_present; then
  log "kubernetes v$K8S_VERSION, etcd v$ETCD_VERSION, coredns v$COREDNS_VERSION ready in $out"
  exit 0
fi

# ---- Debian packages ------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  [[ $(id -u) == 0 ]] || die "need root to apt-get install ${missing[*]}"
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  # containerd's package enables a systemd unit; this VM has no systemd, and we run our own
  # containerd with our own config anyway, so nothing is started here.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$out"
export GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0
work="$(mktemp -d)"
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT

# ---- Kubernetes -----------------------------------------------------------------------------
need_k8s=0
for b in "${K8S_BINS[@]}"; do [[ -x "$out/$b" ]] || need_k8s=1; done
if ((need_k8s)); then
  log "downloading k8s.io/kubernetes@v$K8S_VERSION from the Go module proxy"
  src="$(module_dir "k8s.io/kubernetes@v$K8S_VERSION")"
  # k8s.io/kubernetes replaces its staging modules with ./staging/src/k8s.io/<x>, which the
  # module zip does not contain, so `go install` refuses it. A wrapper module requiring the
  # published staging modules at v0.<minor>.<patch> (and replacing them to those versions, which
  # overrides the requirements k8s.io/kubernetes itself declares as v0.0.0) builds it.
  staging_version="v0.${K8S_VERSION#*.}"
  mapfile -t staging < <(sed -nE 's#^[[:space:]]*(k8s\.io/[^[:space:]]+)[[:space:]]+=>[[:space:]]+\./staging/.*#\1#p' "$src/go.mod" |
    grep -vE '^k8s\.io/sample-(cli-plugin|controller)$')
  ((${#staging[@]} > 10)) || die "could not read the staging modules from $src/go.mod"
  mkdir -p "$work/k8s"
  {
    echo "module cb/k8sbuild"
    echo
    sed -nE 's/^go ([0-9.]+)$/go \1/p' "$src/go.mod" | head -1
    echo
    echo "require k8s.io/kubernetes v$K8S_VERSION"
    for m in "${staging[@]}"; do echo "require $m $staging_version"; done
    for m in "${staging[@]}"; do echo "replace $m => $m $staging_version"; done
  } >"$work/k8s/go.mod"
  # Everything else k8s.io/kubernetes pins in its go.mod (including its own replace lines for
  # third-party modules) is kept: copy its non-staging replace lines too.
  sed -nE '/^replace \(/,/^\)/p; /^replace [^(]/p' "$src/go.mod" | grep '=>' | grep -v '\./staging/' |
    sed -E 's/^replace //; s/^[[:space:]]+//; s/^/replace /' >>"$work/k8s/go.mod" || true

  commit=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("Origin",{}).get("Hash",""))' \
    "$(go env GOMODCACHE)/cache/download/k8s.io/kubernetes/@v/v$K8S_VERSION.info" 2>/dev/null || true)
  major=${K8S_VERSION%%.*} minor=${K8S_VERSION#*.}; minor=${minor%%.*}
  ldflags="-s -w"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    ldflags+=" -X $pkg.gitVersion=v$K8S_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    ldflags+=" -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ) -X $pkg.gitTreeState=clean"
    [[ -n $commit ]] && ldflags+=" -X $pkg.gitCommit=$commit"
  done
  pkgs=()
  for b in "${K8S_BINS[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$b"); done
  log "building ${K8S_BINS[*]} v$K8S_VERSION (about 6 minutes on 2 cold cores)"
  mkdir -p "$work/k8s/out"
  (cd "$work/k8s" && go build -trimpath -tags notest -ldflags "$ldflags" -o "$work/k8s/out/" "${pkgs[@]}")
  for b in "${K8S_BINS[@]}"; do mv "$work/k8s/out/$b" "$out/$b"; done
fi

# ---- etcd -----------------------------------------------------------------------------------
if [[ ! -x "$out/etcd" ]]; then
  log "building etcd v$ETCD_VERSION"
  mkdir -p "$work/etcd"
  cat >"$work/etcd/go.mod" <<EOF
module cb/etcdbuild

go 1.24

require (
	go.etcd.io/etcd/api/v3 v$ETCD_VERSION
	go.etcd.io/etcd/client/pkg/v3 v$ETCD_VERSION
	go.etcd.io/etcd/client/v3 v$ETCD_VERSION
	go.etcd.io/etcd/pkg/v3 v$ETCD_VERSION
	go.etcd.io/etcd/server/v3 v$ETCD_VERSION
)
EOF
  (cd "$work/etcd" && go build -trimpath -ldflags "-s -w" -o "$out/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$out/etcd.tmp" "$out/etcd"
fi

# ---- CoreDNS --------------------------------------------------------------------------------
if [[ ! -x "$out/coredns" ]]; then
  log "building coredns v$COREDNS_VERSION"
  GOBIN="$work/coredns" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@v$COREDNS_VERSION"
  mv "$work/coredns/coredns" "$out/coredns"
fi

echo "$stamp" >"$stamp_file"
all_present || die "build finished but something is missing in $out or on the PATH"
log "kubernetes v$K8S_VERSION, etcd v$ETCD_VERSION, coredns v$COREDNS_VERSION ready in $out"
