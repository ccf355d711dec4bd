# Shared helpers for the project scripts. Source it; do not run it.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${CONCERT_CACHE:-$HOME/.cache/concert-booking}"
RUN_DIR="${CONCERT_RUN_DIR:-$ROOT/.run}"
LOG_DIR="$RUN_DIR/logs"
PID_DIR="$RUN_DIR/pids"

DAPR_VERSION="${DAPR_VERSION:-1.18.2}"
KAFKA_VERSION=3.9.1
ZIPKIN_VERSION=3.5.1

# Loopback ports of the local stack. Services' ports live in packages/devstack/src/services.ts.
# All fixed ports stay below 32768, out of Linux's ephemeral range, so that an outgoing
# connection's local port can never take one of them first.
MARIADB_PORT=13306
REDIS_PORT=16379
KAFKA_PORT=19092
KAFKA_CONTROLLER_PORT=19093
ZIPKIN_PORT=9411
PLACEMENT_PORT=25005
SCHEDULER_PORT=25006
SENTRY_PORT=25007
# Dapr Sentry's CA (generated on its first start); every sidecar, placement and scheduler trust it.
SENTRY_DIR="$RUN_DIR/sentry"

log() { printf '[%s] %s\n' "$(basename "$0" .sh)" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$(basename "$0" .sh)" "$*" >&2; exit 1; }

dapr_bin_dir() { echo "$CACHE/dapr/$DAPR_VERSION/bin"; }

# module_dir MODULE@VERSION: downloads a Go module from the proxy, prints its (read-only) directory.
module_dir() {
  (cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
}

# wait_for NAME LOGFILE TIMEOUT_S CMD...: polls CMD until it succeeds; fails loudly with the log.
wait_for() {
  local name=$1 logfile=$2 timeout=$3; shift 3
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "---- last lines of $logfile ----" >&2
      tail -n 30 "$logfile" >&2 || true
      die "$name did not become ready within ${timeout}s (log: $logfile)"
    fi
    sleep 0.3
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_bg NAME CMD...: starts CMD detached, logs to $LOG_DIR/NAME.log, pid to $PID_DIR/NAME.pid.
start_bg() {
  local name=$1; shift
  mkdir -p "$LOG_DIR" "$PID_DIR"
  setsid "$@" >"$LOG_DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$PID_DIR/$name.pid"
}

running() { local f="$PID_DIR/$1.pid"; [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null; }

stop_bg() {
  local name=$1 f="$PID_DIR/$1.pid" pid
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$f"
}
