#!/bin/bash
# concert-booking/mariadb: initialises the data directory on first start (applying the SQL in
# /docker-entrypoint-initdb.d/*.sql through the local socket), then runs mariadbd in the
# foreground. Runs as any uid that has a passwd entry (the image's mysql, 999): the OS user
# of that uid gets socket-authenticated admin access (--auth-root-socket-user).
# Env: MARIADB_DATADIR (/var/lib/mysql), MARIADB_SOCKET (/run/mysqld/mysqld.sock),
#      MARIADB_MAX_CONNECTIONS (1000), MARIADB_BUFFER_POOL (256M); extra args go to mariadbd.
set -euo pipefail
datadir=${MARIADB_DATADIR:-/var/lib/mysql}
socket=${MARIADB_SOCKET:-/run/mysqld/mysqld.sock}
user=$(id -un 2>/dev/null) || { echo "mariadb: uid $(id -u) has no passwd entry; run as 999 (mysql)" >&2; exit 1; }
mkdir -p "$datadir" "$(dirname "$socket")"

if [[ ! -d $datadir/mysql ]]; then
  echo "mariadb: initialising $datadir" >&2
  mariadb-install-db --no-defaults --datadir="$datadir" --auth-root-socket-user="$user" \
    --auth-root-authentication-method=socket --skip-test-db >/tmp/mariadb-install.log 2>&1 \
    || { cat /tmp/mariadb-install.log >&2; exit 1; }
  mariadbd --no-defaults --datadir="$datadir" --socket="$socket" --skip-networking \
    --innodb-autoinc-lock-mode=2 --character-set-server=utf8mb4 &
  pid=$!
  for _ in $(seq 1 120); do
    mariadb --no-defaults -S "$socket" -u"$user" -e 'SELECT 1' >/dev/null 2>&1 && break
    kill -0 "$pid" 2>/dev/null || { echo "mariadb: bootstrap server exited" >&2; exit 1; }
    sleep 0.5
  done
  shopt -s nullglob
  for f in /docker-entrypoint-initdb.d/*.sql; do
    echo "mariadb: applying $f" >&2
    mariadb --no-defaults -S "$socket" -u"$user" <"$f"
  done
  mariadb --no-defaults -S "$socket" -u"$user" -e 'SHUTDOWN'
  wait "$pid" || true
  echo "mariadb: initialised" >&2
fi

exec mariadbd --no-defaults --datadir="$datadir" --socket="$socket" \
  --bind-address=0.0.0.0 --port=3306 --skip-name-resolve --skip-host-cache \
  --max-connections="${MARIADB_MAX_CONNECTIONS:-1000}" --innodb-autoinc-lock-mode=2 \
  --innodb-buffer-pool-size="${MARIADB_BUFFER_POOL:-256M}" --innodb-flush-log-at-trx-commit=2 \
  --character-set-server=utf8mb4 "$@"
