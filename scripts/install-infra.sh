#!/usr/bin/env bash
# Installs the local stack's parts, each from its registry, cached by version outside the
# work tree: MariaDB, Redis and Chromium (Debian packages), Kafka and Zipkin (Maven Central), and the
# Dapr runtime (Go module proxy, scripts/install-dapr.sh). Idempotent and fast when warm.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

need_apt=()
command -v mariadbd >/dev/null || [[ -x /usr/sbin/mariadbd ]] || need_apt+=(mariadb-server mariadb-client)
command -v redis-server >/dev/null || need_apt+=(redis-server)
# The browser tests' Chromium (driven by playwright-core), with Korean fonts for the web app.
command -v chromium >/dev/null || need_apt+=(chromium fonts-noto-cjk)
if ((${#need_apt[@]})); then
  log "installing ${need_apt[*]} from Debian packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The packages' own service units are never used: the stack runs project-owned instances.
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

jvm="$CACHE/jvm"
if [[ ! -f "$jvm/kafka-$KAFKA_VERSION/.complete" ]]; then
  command -v mvn >/dev/null || die "maven is needed to fetch Kafka from Maven Central"
  log "fetching Kafka $KAFKA_VERSION (KRaft) from Maven Central"
  rm -rf "$jvm/kafka-$KAFKA_VERSION"
  mvn -q -B -f "$ROOT/scripts/jvm/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$jvm/kafka-$KAFKA_VERSION/libs"
  touch "$jvm/kafka-$KAFKA_VERSION/.complete"
fi
if [[ ! -f "$jvm/zipkin-server-$ZIPKIN_VERSION-exec.jar" ]]; then
  log "fetching Zipkin $ZIPKIN_VERSION from Maven Central"
  mvn -q -B dependency:copy -Dartifact="io.zipkin:zipkin-server:$ZIPKIN_VERSION:jar:exec" -DoutputDirectory="$jvm"
fi

"$ROOT/scripts/install-dapr.sh"
