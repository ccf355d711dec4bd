#!/bin/bash
# concert-booking/kafka: a single-node KRaft broker+controller. Writes server.properties into
# $KAFKA_DATA, formats the storage on first start, then runs the broker in the foreground.
# Env: KAFKA_ADVERTISED_HOST (kafka), KAFKA_NUM_PARTITIONS (8), KAFKA_HEAP_OPTS (-Xms256m -Xmx512m),
#      KAFKA_DATA (/var/lib/kafka, mount an emptyDir), KAFKA_EXTRA_PROPERTIES (appended lines).
set -euo pipefail
home=${KAFKA_HOME:-/opt/kafka}
data=${KAFKA_DATA:-/var/lib/kafka}
mkdir -p "$data"
cat >"$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:9093
listeners=PLAINTEXT://0.0.0.0:9092,CONTROLLER://127.0.0.1:9093
advertised.listeners=PLAINTEXT://${KAFKA_ADVERTISED_HOST:-kafka}:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data/logs
num.partitions=${KAFKA_NUM_PARTITIONS:-8}
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
${KAFKA_EXTRA_PROPERTIES:-}
PROPS
# shellcheck disable=SC2206
java=(java ${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m} -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
  -Dlog4j.configuration="file:$home/config/log4j.properties" -cp "$home/libs/*")
if [[ ! -f $data/logs/meta.properties ]]; then
  "${java[@]}" kafka.tools.StorageTool format -t "$("${java[@]}" kafka.tools.StorageTool random-uuid)" \
    -c "$data/server.properties" >&2
fi
exec "${java[@]}" kafka.Kafka "$data/server.properties"
