#!/bin/bash
# Readiness: the server answers a query over its socket (as the OS user, socket-authenticated).
exec mariadb --no-defaults -S "${MARIADB_SOCKET:-/run/mysqld/mysqld.sock}" -u"$(id -un)" \
  --connect-timeout=2 -N -e 'SELECT 1' >/dev/null
