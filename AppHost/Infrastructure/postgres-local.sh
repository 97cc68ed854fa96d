#!/usr/bin/env bash
# Runs a private PostgreSQL server for local development, in the foreground, as the AppHost's
# "postgres" executable resource. PostgreSQL refuses to run as root, so as root it drops to the
# postgres user. Arguments: <data dir> <port> <bin dir> <database>.
set -euo pipefail
data="$1" port="$2" bin="$3" database="$4"

if [ "$(id -u)" = 0 ] && [ -z "${REALTIME_PG_DROPPED:-}" ]; then
  mkdir -p "$data"
  chown postgres:postgres "$data"
  export REALTIME_PG_DROPPED=1
  exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$0" "$@"
fi

if [ ! -s "$data/PG_VERSION" ]; then
  "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-instructions >/dev/null
fi

"$bin/postgres" -D "$data" -h 127.0.0.1 -p "$port" -k "$data" -c listen_addresses=127.0.0.1 &
server=$!
trap 'kill -INT "$server" 2>/dev/null; wait "$server"; exit 0' TERM INT

for _ in $(seq 1 100); do
  "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
  sleep 0.1
done
if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'" | grep -q 1; then
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres "$database"
fi
echo "PostgreSQL ready on 127.0.0.1:$port, database $database"
wait "$server"
