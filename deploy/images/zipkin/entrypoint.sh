#!/bin/sh
# concert-booking/zipkin: Zipkin server, in-memory storage, HTTP on 9411 (/health for probes).
# Env: JAVA_OPTS (-Xms128m -Xmx256m); extra args go to the server.
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:--Xms128m -Xmx256m} -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir="${TMPDIR:-/tmp}" \
  -jar /opt/zipkin/zipkin.jar "$@"
