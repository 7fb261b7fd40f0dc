#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for the durability figures (Debian's postgresql package; default
# durability settings: fsync and synchronous_commit on) and prints its connection string; prints nothing when
# PostgreSQL is not installed.
#   bench/postgres.sh start DIR      # initdb in DIR, start, print "Host=...;Port=...;..."
#   bench/postgres.sh stop DIR
set -euo pipefail
action="$1"; data="$2"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
[ -n "$bin" ] && [ -x "$bin/initdb" ] || exit 0
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
case "$action" in
  start)
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Timeout=5;Command Timeout=5"
    ;;
  stop)
    as_postgres "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null || true
    rm -rf "$data"
    ;;
esac
