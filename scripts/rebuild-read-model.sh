#!/usr/bin/env bash
# Rebuilds a read model from the topic history: stops the service and its sidecar, empties its
# tables (schema and migrations stay), rewinds its Kafka consumer group to the earliest offsets,
# and starts it again; it then replays every event it consumes. Usage: rebuild-read-model.sh mypage
set -euo pipefail
source "$(dirname "$0")/lib.sh"
service=${1:?usage: $0 <service>}
cd "$ROOT"

node packages/devstack/dist/cli.js stop "$service"
tables=$(mariadb --no-defaults -S "$RUN_DIR/mariadb.sock" -uroot -N -e \
  "SELECT table_name FROM information_schema.tables WHERE table_schema = '$service' AND table_name <> 'migrations'")
sql="SET FOREIGN_KEY_CHECKS = 0;"
for t in $tables; do sql+="TRUNCATE TABLE \`$service\`.\`$t\`;"; done
mariadb --no-defaults -S "$RUN_DIR/mariadb.sock" -uroot -e "$sql SET FOREIGN_KEY_CHECKS = 1;"
log "emptied $service: $(echo $tables | tr '\n' ' ')"

libs="$CACHE/jvm/kafka-$KAFKA_VERSION/libs"
# The group must have no live member; the sidecar's consumer needs a moment to leave it. The
# tool prints an error for a group that still has one but exits 0, so its output is checked.
for attempt in $(seq 1 30); do
  if java -Dlog4j.configuration="file:$RUN_DIR/kafka/log4j.properties" -cp "$libs/*" \
      org.apache.kafka.tools.consumer.group.ConsumerGroupCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
      --group "$service" --reset-offsets --to-earliest --all-topics --execute >"$LOG_DIR/rebuild-$service.log" 2>&1 \
      && ! grep -q '^Error' "$LOG_DIR/rebuild-$service.log"; then
    break
  fi
  ((attempt < 30)) || die "could not rewind consumer group $service (log: $LOG_DIR/rebuild-$service.log)"
  sleep 1
done
log "rewound consumer group $service to the earliest offsets"
node packages/devstack/dist/cli.js start "$service"
