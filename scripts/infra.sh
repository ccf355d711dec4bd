#!/usr/bin/env bash
# The local stack on loopback: MariaDB, Redis, Kafka (KRaft), Zipkin, Dapr sentry, placement and
# scheduler. `up` installs what is missing, starts what is not running and waits for each to
# be ready; `down` stops exactly what `up` started (tracked by pid files in .run/pids).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Each service has its own MySQL user with rights on its own database only (the reservation app's
# is Dapr's state database); `ops` is the local operator's account (tests, bench, the invariant
# checker), with rights on all of them. Grants are reset on every `up`. Development credentials,
# loopback only; they must match packages/devstack/src/services.ts.
SERVICE_DATABASES=(concert seat user wallet ranking dataplatform notification mypage waitlist)
DB_USER=ops
DB_PASSWORD=ops-dev

up_mariadb() {
  running mariadb || start_mariadb
  local sql="CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';"
  sql+="GRANT PROCESS ON *.* TO '$DB_USER'@'127.0.0.1';" # to see who is connected as whom
  for db in "${SERVICE_DATABASES[@]}" dapr_state platform_test; do
    sql+="CREATE DATABASE IF NOT EXISTS \`$db\`; GRANT ALL ON \`$db\`.* TO '$DB_USER'@'127.0.0.1';"
  done
  # A service's account: rights on its own database and nothing else.
  own() {
    sql+="CREATE USER IF NOT EXISTS '$1'@'127.0.0.1' IDENTIFIED BY '$1-dev';"
    sql+="REVOKE ALL PRIVILEGES, GRANT OPTION FROM '$1'@'127.0.0.1'; GRANT ALL ON \`$2\`.* TO '$1'@'127.0.0.1';"
  }
  for db in "${SERVICE_DATABASES[@]}"; do own "$db" "$db"; done
  own reservation dapr_state
  mariadb --no-defaults -S "$RUN_DIR/mariadb.sock" -uroot -e "$sql"
}

start_mariadb() {
  local data="$RUN_DIR/mariadb"
  if [[ ! -d $data/mysql ]]; then
    log "initialising MariaDB data dir $data"
    mkdir -p "$data"
    mariadb-install-db --no-defaults --datadir="$data" --user="$(id -un)" \
      --auth-root-authentication-method=socket --skip-test-db >"$LOG_DIR/mariadb-install.log" 2>&1 \
      || die "mariadb-install-db failed (log: $LOG_DIR/mariadb-install.log)"
  fi
  log "starting MariaDB on 127.0.0.1:$MARIADB_PORT"
  start_bg mariadb mariadbd --no-defaults --datadir="$data" --user="$(id -un)" \
    --bind-address=127.0.0.1 --port="$MARIADB_PORT" --socket="$RUN_DIR/mariadb.sock" \
    --pid-file="$RUN_DIR/mariadb.pidfile" --skip-name-resolve --max-connections=1000 \
    --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 --character-set-server=utf8mb4 \
    --innodb-autoinc-lock-mode=2
  wait_for MariaDB "$LOG_DIR/mariadb.log" 60 mariadb-admin --no-defaults -S "$RUN_DIR/mariadb.sock" -uroot ping
}

up_redis() {
  running redis && return 0
  log "starting Redis on 127.0.0.1:$REDIS_PORT"
  # Append-only file, fsync'd every second: queue tokens and the workflows' state survive a
  # restart of Redis (the same durability class as MariaDB's innodb-flush-log-at-trx-commit=2).
  mkdir -p "$RUN_DIR/redis"
  start_bg redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly yes --appendfsync everysec \
    --protected-mode yes --dir "$RUN_DIR/redis"
  wait_for Redis "$LOG_DIR/redis.log" 20 redis-cli -p "$REDIS_PORT" ping
}

up_kafka() {
  running kafka && return 0
  local home="$RUN_DIR/kafka" libs="$CACHE/jvm/kafka-$KAFKA_VERSION/libs"
  mkdir -p "$home"
  cat >"$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$home/data
# Eight partitions: Dapr's outbox handles its internal topic one message per second per
# partition, so partitions are its throughput.
num.partitions=8
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  cat >"$home/log4j.properties" <<PROPS
log4j.rootLogger=WARN, stdout
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
  local java=(java -Xms256m -Xmx768m -Dlog4j.configuration="file:$home/log4j.properties" -cp "$libs/*")
  if [[ ! -f $home/data/meta.properties ]]; then
    log "formatting Kafka KRaft storage"
    local id; id=$("${java[@]}" kafka.tools.StorageTool random-uuid)
    "${java[@]}" kafka.tools.StorageTool format -t "$id" -c "$home/server.properties" >"$LOG_DIR/kafka-format.log" 2>&1 \
      || die "kafka storage format failed (log: $LOG_DIR/kafka-format.log)"
  fi
  log "starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$KAFKA_PORT"
  start_bg kafka "${java[@]}" kafka.Kafka "$home/server.properties"
  wait_for Kafka "$LOG_DIR/kafka.log" 90 grep -q "Kafka Server started\|KafkaRaftServer.*started\|Transition from STARTING to STARTED" "$LOG_DIR/kafka.log"
}

up_zipkin() {
  running zipkin && return 0
  log "starting Zipkin $ZIPKIN_VERSION on 127.0.0.1:$ZIPKIN_PORT"
  start_bg zipkin java -Xms128m -Xmx384m -jar "$CACHE/jvm/zipkin-server-$ZIPKIN_VERSION-exec.jar" \
    --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].port="$ZIPKIN_PORT" --armeria.ports[0].protocols=http \
    --zipkin.storage.mem.max-spans=50000
  wait_for Zipkin "$LOG_DIR/zipkin.log" 90 curl -fsS "http://127.0.0.1:$ZIPKIN_PORT/health"
}

# Dapr Sentry, the CA of the sidecars' mTLS identities (SPIFFE ids), so that Dapr's access
# control (components/config.yaml) knows who calls: the same policy as in the cluster. It makes
# its root and issuer in .run/sentry on its first start. Standalone Sentry signs for any app id
# that asks (its "insecure" validator): on this machine the identities keep honest processes
# apart; in the cluster Sentry checks each pod's service account token.
up_sentry() {
  running sentry && return 0
  log "starting Dapr sentry $DAPR_VERSION on 127.0.0.1:$SENTRY_PORT"
  mkdir -p "$SENTRY_DIR"
  start_bg sentry "$(dapr_bin_dir)/sentry" --issuer-credentials "$SENTRY_DIR" --trust-domain localhost \
    --config "$ROOT/deploy/local/sentry.yaml" --listen-address 127.0.0.1 --port "$SENTRY_PORT" \
    --healthz-listen-address 127.0.0.1 --healthz-port 25083 --metrics-listen-address 127.0.0.1 --metrics-port 25093 --log-as-json
  wait_for sentry "$LOG_DIR/sentry.log" 30 curl -fsS http://127.0.0.1:25083/healthz
}

# Placement and scheduler speak mTLS with the sidecars, with identities from Sentry.
MTLS_ARGS=(--tls-enabled --trust-domain localhost --trust-anchors-file "$SENTRY_DIR/ca.crt" --sentry-address "127.0.0.1:$SENTRY_PORT")

up_placement() {
  running placement && return 0
  log "starting Dapr placement $DAPR_VERSION on 127.0.0.1:$PLACEMENT_PORT"
  start_bg placement "$(dapr_bin_dir)/placement" --listen-address 127.0.0.1 --port "$PLACEMENT_PORT" \
    --id placement-0 --initial-cluster placement-0=127.0.0.1:25201 --raft-logstore-path "$RUN_DIR/placement" \
    --healthz-listen-address 127.0.0.1 --healthz-port 25081 --metrics-listen-address 127.0.0.1 --metrics-port 25091 --log-as-json \
    "${MTLS_ARGS[@]}"
  wait_for placement "$LOG_DIR/placement.log" 30 curl -fsS http://127.0.0.1:25081/healthz
}

up_scheduler() {
  running scheduler && return 0
  log "starting Dapr scheduler $DAPR_VERSION on 127.0.0.1:$SCHEDULER_PORT"
  # Its id is the one Sentry certifies its etcd peer name for; the data directory is per id.
  local data="$RUN_DIR/scheduler/dapr-scheduler-server-0"
  mkdir -p "$data"
  start_bg scheduler "$(dapr_bin_dir)/scheduler" --listen-address 127.0.0.1 --port "$SCHEDULER_PORT" \
    --healthz-listen-address 127.0.0.1 --healthz-port 25082 --metrics-listen-address 127.0.0.1 --metrics-port 25092 \
    --id dapr-scheduler-server-0 --etcd-initial-cluster dapr-scheduler-server-0=http://127.0.0.1:25380 \
    --etcd-data-dir "$data" --etcd-client-port 25379 --log-as-json "${MTLS_ARGS[@]}"
  wait_for scheduler "$LOG_DIR/scheduler.log" 60 curl -fsS http://127.0.0.1:25082/healthz
}

cmd=${1:-help}
case "$cmd" in
  up)
    "$ROOT/scripts/install-infra.sh"
    mkdir -p "$LOG_DIR" "$PID_DIR"
    up_mariadb; up_redis; up_sentry; up_placement; up_scheduler; up_kafka; up_zipkin
    log "stack ready: MariaDB :$MARIADB_PORT, Redis :$REDIS_PORT, Kafka :$KAFKA_PORT, Zipkin http://127.0.0.1:$ZIPKIN_PORT"
    ;;
  down)
    for p in zipkin kafka scheduler placement sentry redis mariadb; do
      if running "$p"; then log "stopping $p"; fi
      stop_bg "$p"
    done
    ;;
  status)
    for p in mariadb redis kafka zipkin sentry placement scheduler; do
      if running "$p"; then echo "$p: running (pid $(cat "$PID_DIR/$p.pid"))"; else echo "$p: stopped"; fi
    done
    ;;
  reset)
    "$0" down
    rm -rf "$RUN_DIR/mariadb" "$RUN_DIR/kafka" "$RUN_DIR/scheduler" "$RUN_DIR/placement"
    ;;
  *) echo "usage: $0 up|down|status|reset" >&2; exit 2 ;;
esac
