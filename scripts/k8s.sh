#!/usr/bin/env bash
# A real single-node Kubernetes cluster on this machine, built by scripts/install-k8s.sh.
#
#   scripts/k8s.sh up            start it (idempotent); waits for a Ready node and the default SA
#   scripts/k8s.sh down          stop it and remove every trace (safe to repeat)
#   scripts/k8s.sh status        each process running/stopped, then `kubectl get nodes`
#   scripts/k8s.sh kubeconfig    prints the admin kubeconfig's path (server https://198.18.0.2:6443)
#   scripts/k8s.sh env           prints `export KUBECONFIG=...; export PATH=...` lines
#   scripts/k8s.sh import TAR... imports docker-archive images into the node's containerd
#
# The whole cluster lives in the network namespace cb-k8s, joined to the host by a veth pair
# (host cbk-host 198.18.0.1/30, node cbk-node 198.18.0.2/30). Every process is started with
# `nsenter --net` (same mount namespace as the host, so kubelet's volume mounts are what
# containerd sees). Deleting the namespace removes its iptables rules, bridge and sysctls; the
# host's own iptables and ip_forward are never touched. The gateway (NodePort 30080) and Zipkin
# (NodePort 30411) are forwarded to the host's loopback by socat.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

K8S_VERSION="${K8S_VERSION:-1.37.2}"
BIN="$CACHE/k8s/v$K8S_VERSION/bin"
K="$RUN_DIR/k8s"                 # data, certs, configs, pids
S=/run/cb-k8s                    # sockets and runtime state (short paths)
NETNS=cb-k8s
NETNS_PATH=/run/netns/$NETNS
HOST_IF=cbk-host HOST_IP=198.18.0.1
NODE_IF=cbk-node NODE_IP=198.18.0.2
NODE_NAME=cb-node
POD_CIDR=198.18.128.0/24
SERVICE_CIDR=198.19.0.0/16
KUBERNETES_SVC_IP=198.19.0.1
CGROUP_ROOT=cb-k8s
GATEWAY_PORT="${K8S_GATEWAY_PORT:-18080}" GATEWAY_NODEPORT=30080
ZIPKIN_PORT_HOST="${K8S_ZIPKIN_PORT:-19411}" ZIPKIN_NODEPORT=30411
CONTAINERD_SOCK=$S/containerd.sock
# Host sysctls the kubelet insists on setting (not namespaced); restored by `down`.
# Host directories the node's processes create whatever their configuration (kubelet's device
# plugin dir, libcni's result cache, kubelet's container log links, containerd's shim sockets);
# `down` removes our files there, and the directories themselves if they were not there before.
HOST_DIRS=(/var/lib/kubelet /var/lib/cni /var/log/containers /run/containerd /usr/libexec/kubernetes)
KUBELET_SYSCTLS=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
# Start order; `down` stops in reverse.
PROCS=(etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet kube-proxy coredns socat-gateway socat-zipkin)

export PATH="$BIN:$PATH"
KUBECONFIG_ADMIN="$K/kubeconfig/admin.conf"
kc() { kubectl --kubeconfig "$KUBECONFIG_ADMIN" "$@"; }
in_ns() { nsenter --net="$NETNS_PATH" "$@"; }
logf() { echo "$LOG_DIR/k8s-$1.log"; }
pidf() { echo "$K/pids/$1.pid"; }
# pid_alive PID: running and not a zombie (our detached processes may be reaped late by whoever
# inherited them).
pid_alive() { kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]; }
alive() { local f; f=$(pidf "$1"); [[ -f $f ]] && pid_alive "$(cat "$f")"; }

# start_host NAME CMD...: starts CMD on the host's network, detached in its own session.
start_host() {
  local name=$1; shift
  mkdir -p "$LOG_DIR" "$K/pids"
  setsid "$@" >"$(logf "$name")" 2>&1 </dev/null &
  echo $! >"$(pidf "$name")"
}
# start NAME CMD...: the same, inside the cluster's network namespace.
start() { local name=$1; shift; start_host "$name" nsenter --net="$NETNS_PATH" "$@"; }

# kill_pid PID [TIMEOUT_TENTHS]: TERM its process group (and it), then KILL.
kill_pid() {
  local pid=$1 n=${2:-100}
  pid_alive "$pid" || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 "$n"); do pid_alive "$pid" || return 0; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do pid_alive "$pid" || return 0; sleep 0.1; done
}
stop() {
  local f; f=$(pidf "$1")
  [[ -f $f ]] || return 0
  kill_pid "$(cat "$f")" "${2:-100}"
  rm -f "$f"
}

# fail NAME MESSAGE: dies with the component's log tail.
fail() {
  echo "---- last lines of $(logf "$1") ----" >&2
  tail -n 40 "$(logf "$1")" >&2 || true
  die "$2 (log: $(logf "$1")); run 'scripts/k8s.sh down' to clean up"
}
# await NAME TIMEOUT CMD...: polls CMD; fails with NAME's log if NAME dies or time runs out.
await() {
  local name=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    alive "$name" || fail "$name" "$name exited"
    ((SECONDS < deadline)) || fail "$name" "$name not ready within ${timeout}s"
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------
# certificates and kubeconfigs

# cert NAME CN O [SAN]: an EC key and a CA-signed cert (client+server usage) in $K/pki.
cert() {
  local name=$1 cn=$2 o=$3 san=${4:-} p="$K/pki"
  openssl ecparam -name prime256v1 -genkey -noout -out "$p/$name.key" 2>/dev/null
  local subj="/CN=$cn"; [[ -n $o ]] && subj="/O=$o$subj"
  openssl req -new -key "$p/$name.key" -subj "$subj" -out "$p/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=clientAuth,serverAuth"
    [[ -n $san ]] && echo "subjectAltName=$san"
  } >"$p/$name.ext"
  openssl x509 -req -in "$p/$name.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$p/$name.ext" -out "$p/$name.crt" 2>/dev/null
  rm -f "$p/$name.csr" "$p/$name.ext"
}

# kubeconfig NAME CERT: a kubeconfig authenticating with pki/CERT.{crt,key}.
kubeconfig() {
  local name=$1 c=$2 p="$K/pki"
  cat >"$K/kubeconfig/$name.conf" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: cb-k8s
  cluster:
    server: https://$NODE_IP:6443
    certificate-authority: $p/ca.crt
users:
- name: $c
  user:
    client-certificate: $p/$c.crt
    client-key: $p/$c.key
contexts:
- name: cb-k8s
  context: {cluster: cb-k8s, user: $c}
current-context: cb-k8s
EOF
}

make_pki() {
  local p="$K/pki"
  mkdir -p "$p" "$K/kubeconfig"
  openssl ecparam -name prime256v1 -genkey -noout -out "$p/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$p/ca.key" -subj "/CN=cb-k8s-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$p/ca.crt" 2>/dev/null
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  cert apiserver kube-apiserver "" \
    "IP:$NODE_IP,IP:$KUBERNETES_SVC_IP,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost"
  cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  cert admin admin system:masters
  cert controller-manager system:kube-controller-manager ""
  cert scheduler system:kube-scheduler ""
  cert kubelet "system:node:$NODE_NAME" system:nodes
  cert kubelet-serving "$NODE_NAME" "" "IP:$NODE_IP,DNS:$NODE_NAME"
  cert kube-proxy system:kube-proxy ""
  cert coredns cb:coredns ""
  kubeconfig admin admin
  kubeconfig controller-manager controller-manager
  kubeconfig scheduler scheduler
  kubeconfig kubelet kubelet
  kubeconfig kube-proxy kube-proxy
  kubeconfig coredns coredns
}

# ---------------------------------------------------------------------------------------------
# configuration files

write_configs() {
  mkdir -p "$K/etc" "$K/cni" "$K/etcd" "$K/containerd" "$K/kubelet" "$K/pod-logs" "$S"

  cat >"$K/cni/10-cb-k8s.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "cb-k8s",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cbr0",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$S/cni-ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}}
  ]
}
EOF

  cat >"$K/etc/containerd.toml" <<EOF
version = 2
root = "$K/containerd"
state = "$S/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.internal.v1.tracing", "io.containerd.tracing.processor.v1.otlp"]

[grpc]
  address = "$CONTAINERD_SOCK"

[plugins."io.containerd.internal.v1.opt"]
  path = "$K/containerd-opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/concert-booking/pause:3.10"
  # no CAP_SYS_RESOURCE: containers may not get a lower oom_score_adj than containerd's
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  netns_mounts_under_state_dir = true
  tolerate_missing_hugetlb_controller = true
  disable_hugetlb_controller = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = "$S/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$K/cni"
    max_conf_num = 1
EOF

  # Pods' DNS is CoreDNS (clusterDNS); there is no upstream on this loopback-only machine.
  echo "# no upstream DNS: cluster names only, served by CoreDNS on $NODE_IP" >"$K/kubelet/resolv.conf"

  cat >"$K/etc/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: /$CGROUP_ROOT
cgroupsPerQOS: true
enforceNodeAllocatable: [pods]
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
imageServiceEndpoint: unix://$CONTAINERD_SOCK
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
resolvConf: $K/kubelet/resolv.conf
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $K/pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $K/pki/kubelet-serving.crt
tlsPrivateKeyFile: $K/pki/kubelet-serving.key
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
maxPods: 110
podLogsDir: $K/pod-logs
volumePluginDir: $K/kubelet-volume-plugins
failSwapOn: false
oomScoreAdj: 0
protectKernelDefaults: false
serializeImagePulls: false
# Our images are imported, never pullable: image GC must never delete them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: "50Mi"
  nodefs.available: "1%"
  nodefs.inodesFree: "1%"
  imagefs.available: "1%"
  imagefs.inodesFree: "1%"
evictionPressureTransitionPeriod: 30s
nodeStatusUpdateFrequency: 5s
EOF

  cat >"$K/etc/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $K/kubeconfig/kube-proxy.conf
mode: iptables
hostnameOverride: $NODE_NAME
clusterCIDR: $POD_CIDR
nodePortAddresses: ["$NODE_IP/32"]
bindAddress: 0.0.0.0
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
oomScoreAdj: 0
# 0 = leave the (not namespaced) conntrack sysctls alone
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  localhostNodePorts: false
EOF

  # Cluster zones from the API; there is no upstream on this loopback-only machine, so any other
  # name is answered NXDOMAIN at once (instead of SERVFAIL and retries).
  cat >"$K/etc/Corefile" <<EOF
cluster.local:53 in-addr.arpa:53 ip6.arpa:53 {
    bind $NODE_IP
    errors
    ready 127.0.0.1:8181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $K/kubeconfig/coredns.conf
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    cache 30
}
.:53 {
    bind $NODE_IP
    errors
    template ANY ANY {
        rcode NXDOMAIN
    }
}
EOF

  cat >"$K/etc/coredns-rbac.yaml" <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: "cb:coredns"}
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: "cb:coredns"}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "cb:coredns"}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: "cb:coredns"}
EOF
}

# ---------------------------------------------------------------------------------------------
# host state: the network namespace, cgroups, and what we must give back on `down`

setup_host() {
  local st="$K/host-state"
  mkdir -p "$st"
  # What existed before us, so that `down` removes only what we created.
  mountpoint -q /run/netns 2>/dev/null && touch "$st/run-netns-was-mounted"
  [[ -d /run/netns ]] && touch "$st/run-netns-existed"
  local d
  for d in "${HOST_DIRS[@]}"; do [[ -e $d ]] && echo "$d"; done >"$st/host-dirs-existed"
  local s
  for s in "${KUBELET_SYSCTLS[@]}"; do echo "$s=$(sysctl -n "$s")"; done >"$st/sysctls"

  ip netns add "$NETNS"
  ip link add "$HOST_IF" type veth peer name "$NODE_IF" netns "$NETNS"
  ip addr add "$HOST_IP/30" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  in_ns ip link set lo up
  in_ns ip addr add "$NODE_IP/30" dev "$NODE_IF"
  in_ns ip link set "$NODE_IF" up
  in_ns ip route add default via "$HOST_IP"
  in_ns sysctl -qw net.ipv4.ip_forward=1
  # Service traffic between pods on the same bridge needs bridged packets to see iptables
  # (br_netfilter's sysctls are per network namespace).
  modprobe br_netfilter 2>/dev/null || true
  if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]] || in_ns test -e /proc/sys/net/bridge/bridge-nf-call-iptables; then
    in_ns sysctl -qw net.bridge.bridge-nf-call-iptables=1 || log "warning: cannot set bridge-nf-call-iptables in the netns"
  else
    log "warning: br_netfilter unavailable; Service hairpin between pods on one bridge may fail"
  fi

  # Pods' cgroups live under /cb-k8s in every v1 hierarchy (kubelet's cgroupRoot).
  local c
  for c in /sys/fs/cgroup/*/; do
    [[ -e "$c/cgroup.procs" && ! -L ${c%/} ]] && mkdir -p "$c$CGROUP_ROOT"
  done
  mkdir -p /run/netns "$S"
}

# cgroup_procs: pids in our cgroup subtree.
cgroup_procs() {
  local c
  for c in /sys/fs/cgroup/*/"$CGROUP_ROOT"; do
    if [[ -d $c ]]; then find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null || true; fi
  done | sort -u
}

# our_shims: containerd-shim processes started by our containerd.
our_shims() {
  local p
  for p in /proc/[0-9]*; do
    [[ -r $p/cmdline ]] || continue
    if tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q "^/usr/bin/containerd-shim.* -address $CONTAINERD_SOCK "; then
      echo "${p#/proc/}"
    fi
  done
}

# our_mounts: mount points under our directories, deepest first.
our_mounts() {
  awk '{print $5}' /proc/self/mountinfo | sed 's/\\040/ /g' |
    { grep -E "^($K|$S)(/|$)" || true; } | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-
}

# ---------------------------------------------------------------------------------------------

node_ready() {
  [[ "$(kc get node "$NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

all_alive() {
  local p
  for p in "${PROCS[@]}"; do alive "$p" || return 1; done
}

cmd_up() {
  [[ $(id -u) == 0 ]] || die "must run as root (network namespace, mounts, cgroups)"
  if all_alive && node_ready; then
    log "already up (kubeconfig: $KUBECONFIG_ADMIN)"
    return 0
  fi
  local b
  for b in kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy etcd coredns; do
    [[ -x "$BIN/$b" ]] || die "$BIN/$b missing: run scripts/install-k8s.sh first"
  done
  if [[ -d $K ]] || ip netns list 2>/dev/null | grep -qw "$NETNS"; then
    log "a previous cluster is partly up: tearing it down first"
    cmd_down
  fi
  local t0=$SECONDS
  mkdir -p "$K" "$LOG_DIR"
  log "starting kubernetes v$K8S_VERSION in network namespace $NETNS (node $NODE_IP)"
  setup_host
  make_pki
  write_configs
  local p="$K/pki" kcf="$K/kubeconfig"

  start etcd "$BIN/etcd" --name cb-k8s --data-dir "$K/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster cb-k8s=http://127.0.0.1:2380 \
    --unsafe-no-fsync --log-level warn
  start containerd /usr/bin/containerd --config "$K/etc/containerd.toml"
  await etcd 30 in_ns curl -sf http://127.0.0.1:2379/health

  start kube-apiserver "$BIN/kube-apiserver" \
    --advertise-address "$NODE_IP" --bind-address 0.0.0.0 --secure-port 6443 \
    --etcd-servers http://127.0.0.1:2379 \
    --client-ca-file "$p/ca.crt" --tls-cert-file "$p/apiserver.crt" --tls-private-key-file "$p/apiserver.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$p/sa.pub" --service-account-signing-key-file "$p/sa.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --allow-privileged=true \
    --kubelet-client-certificate "$p/apiserver-kubelet-client.crt" --kubelet-client-key "$p/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$p/ca.crt" --kubelet-preferred-address-types InternalIP \
    --profiling=false
  await containerd 30 test -S "$CONTAINERD_SOCK"
  await kube-apiserver 60 kc get --raw /readyz

  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$kcf/controller-manager.conf" \
    --authentication-kubeconfig "$kcf/controller-manager.conf" --authorization-kubeconfig "$kcf/controller-manager.conf" \
    --bind-address 127.0.0.1 --leader-elect=false \
    --service-account-private-key-file "$p/sa.key" --root-ca-file "$p/ca.crt" --use-service-account-credentials \
    --cluster-signing-cert-file "$p/ca.crt" --cluster-signing-key-file "$p/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --cluster-cidr "$POD_CIDR" --allocate-node-cidrs=false \
    --flex-volume-plugin-dir "$K/kcm-volume-plugins" --profiling=false
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$kcf/scheduler.conf" \
    --authentication-kubeconfig "$kcf/scheduler.conf" --authorization-kubeconfig "$kcf/scheduler.conf" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false
  start kubelet "$BIN/kubelet" --config "$K/etc/kubelet.yaml" --kubeconfig "$kcf/kubelet.conf" \
    --root-dir "$K/kubelet" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"
  start kube-proxy "$BIN/kube-proxy" --config "$K/etc/kube-proxy.yaml"
  kc apply -f "$K/etc/coredns-rbac.yaml" >/dev/null || fail kube-apiserver "cannot apply CoreDNS's RBAC"
  start coredns "$BIN/coredns" -conf "$K/etc/Corefile"
  start_host socat-gateway socat "TCP-LISTEN:$GATEWAY_PORT,bind=127.0.0.1,reuseaddr,fork" "TCP:$NODE_IP:$GATEWAY_NODEPORT"
  start_host socat-zipkin socat "TCP-LISTEN:$ZIPKIN_PORT_HOST,bind=127.0.0.1,reuseaddr,fork" "TCP:$NODE_IP:$ZIPKIN_NODEPORT"

  await kubelet 60 node_ready
  # The node lifecycle controller lifts not-ready taints; make sure none is left.
  local taint
  for taint in $(kc get node "$NODE_NAME" -o jsonpath='{range .spec.taints[*]}{.key}:{.effect}{"\n"}{end}' 2>/dev/null); do
    [[ $taint == *:NoSchedule || $taint == *:NoExecute ]] && kc taint node "$NODE_NAME" "$taint-" >/dev/null 2>&1 || true
  done
  await kube-controller-manager 60 kc -n default get serviceaccount default
  await coredns 30 in_ns curl -sf http://127.0.0.1:8181/ready
  await kube-proxy 30 in_ns curl -sf http://127.0.0.1:10256/healthz
  all_alive || { for b in "${PROCS[@]}"; do alive "$b" || fail "$b" "$b exited"; done; }
  log "up in $((SECONDS - t0))s: node $NODE_NAME Ready; gateway http://127.0.0.1:$GATEWAY_PORT, zipkin http://127.0.0.1:$ZIPKIN_PORT_HOST"
  log "kubeconfig: $KUBECONFIG_ADMIN   (eval \"\$(scripts/k8s.sh env)\")"
}

cmd_down() {
  local i t0=$SECONDS
  # Front doors and node agents first, so nothing restarts pods while we remove them.
  for i in socat-zipkin socat-gateway coredns kube-proxy kubelet kube-scheduler kube-controller-manager; do stop "$i"; done

  # Every pod container and sandbox, through our containerd (shims exit cleanly and remove
  # their sockets); then anything left in our cgroups, then leftover shims of our containerd.
  if [[ -S $CONTAINERD_SOCK ]] && alive containerd; then
    local ctr=(ctr --address "$CONTAINERD_SOCK" -n k8s.io --timeout 10s)
    local tasks; tasks=$("${ctr[@]}" tasks list -q 2>/dev/null || true)
    for i in $tasks; do "${ctr[@]}" tasks kill -s SIGKILL "$i" >/dev/null 2>&1 || true; done
    for i in $tasks; do "${ctr[@]}" tasks delete -f "$i" >/dev/null 2>&1 || true; done
    for i in $("${ctr[@]}" containers list -q 2>/dev/null || true); do "${ctr[@]}" containers delete "$i" >/dev/null 2>&1 || true; done
  fi
  local pids
  for _ in 1 2 3; do
    pids=$(cgroup_procs)
    [[ -z $pids ]] && break
    kill -KILL $pids 2>/dev/null || true
    sleep 0.3
  done
  for i in $(our_shims); do kill -TERM "$i" 2>/dev/null || true; done
  sleep 0.2
  for i in $(our_shims); do kill -KILL "$i" 2>/dev/null || true; done

  for i in containerd kube-apiserver etcd; do stop "$i"; done
  # Anything else still recorded (a name no longer in PROCS).
  if [[ -d $K/pids ]]; then for i in "$K"/pids/*.pid; do [[ -f $i ]] && stop "$(basename "$i" .pid)"; done; fi

  # Mounts: kubelet's volumes, containerd's rootfs/overlay and pod netns mounts.
  local m
  for _ in 1 2 3; do
    m=$(our_mounts)
    [[ -z $m ]] && break
    while IFS= read -r i; do umount "$i" 2>/dev/null || umount -l "$i" 2>/dev/null || true; done <<<"$m"
  done
  [[ -z $(our_mounts) ]] || log "warning: mounts left: $(our_mounts | tr '\n' ' ')"

  # Our cgroups, deepest first.
  local c
  for c in /sys/fs/cgroup/*/"$CGROUP_ROOT"; do
    [[ -d $c ]] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done

  # The network namespace takes its veth pair, bridge, iptables rules and sysctls with it.
  if ip netns list 2>/dev/null | grep -qw "$NETNS"; then ip netns delete "$NETNS" || true; fi
  ip link delete "$HOST_IF" 2>/dev/null || true

  # Give back what the kubelet changed on the host and remove what we created there.
  local st="$K/host-state"
  if [[ -f $st/sysctls ]]; then
    while IFS='=' read -r k v; do
      [[ -n $k && "$(sysctl -n "$k" 2>/dev/null)" != "$v" ]] && sysctl -qw "$k=$v" 2>/dev/null || true
    done <"$st/sysctls"
  fi
  find /var/log/containers -maxdepth 1 -type l -lname "$K/*" -delete 2>/dev/null || true
  grep -lF "$S/" /var/lib/cni/results/* 2>/dev/null | xargs -r rm -f || true
  if [[ -f $st/host-dirs-existed ]]; then
    local d
    for d in "${HOST_DIRS[@]}"; do
      grep -qxF "$d" "$st/host-dirs-existed" && continue
      [[ $d == /var/lib/kubelet ]] && rm -f /var/lib/kubelet/device-plugins/kubelet.sock
      [[ -d $d ]] && find "$d" -depth -type d -empty -delete 2>/dev/null || true
    done
  fi
  if [[ -d $st && ! -f $st/run-netns-was-mounted ]] && mountpoint -q /run/netns 2>/dev/null &&
    [[ -z "$(ls -A /run/netns 2>/dev/null)" ]]; then
    umount /run/netns 2>/dev/null || true
  fi
  if [[ -d $st && ! -f $st/run-netns-existed ]]; then rmdir /run/netns 2>/dev/null || true; fi

  rm -rf "$S" 2>/dev/null || true
  if [[ -n "$(our_mounts)" ]]; then
    log "warning: not removing $K: mounts remain"
  else
    rm -rf "$K"
  fi
  log "down in $((SECONDS - t0))s"
}

# Prints each process; exits 0 only when every one of them is running.
cmd_status() {
  local p up=0
  for p in "${PROCS[@]}"; do
    if alive "$p"; then printf '%-24s running (pid %s)\n' "$p" "$(cat "$(pidf "$p")")"; else printf '%-24s stopped\n' "$p"; up=1; fi
  done
  if alive kube-apiserver; then kc get nodes -o wide 2>&1 || true; fi
  return "$up"
}

cmd_import() {
  (($#)) || die "usage: k8s.sh import IMAGE.tar..."
  [[ -S $CONTAINERD_SOCK ]] || die "the cluster is not up (no $CONTAINERD_SOCK)"
  local t
  for t in "$@"; do
    [[ -f $t ]] || die "no such file: $t"
    ctr --address "$CONTAINERD_SOCK" -n k8s.io images import "$t"
  done
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  kubeconfig) echo "$KUBECONFIG_ADMIN" ;;
  env) echo "export KUBECONFIG=$KUBECONFIG_ADMIN; export PATH=$BIN:\$PATH" ;;
  import) shift; cmd_import "$@" ;;
  *) echo "usage: $0 up|down|status|kubeconfig|env|import TAR..." >&2; exit 2 ;;
esac
