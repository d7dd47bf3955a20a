#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store and review tests.
#
#   scripts/start_postgres.sh start DIR   # prints the SQLAlchemy URL on its last line
#   scripts/start_postgres.sh stop DIR    # stops the server and removes DIR
#
# The server comes from Debian packages (installed here if missing, as
# install_browser.sh does for chromium), gets its own data folder under DIR and
# listens only on a unix socket in DIR, so it never clashes with a system
# PostgreSQL or another test run. PostgreSQL refuses to run as root: as root we
# run it as the `postgres` user the Debian package creates. Durability is off
# (fsync, synchronous_commit): the data is thrown away at the end anyway.
set -euo pipefail

PORT="${CALLQA_TEST_POSTGRES_PORT:-54329}"
DB="callqa_test"
USER_NAME="callqa"

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action="$1"
dir="$2"

pg_bin() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$bin" ] && [ -x "$bin/initdb" ] && echo "$bin"
}

as_server_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

install_postgres() {
    if pg_bin >/dev/null; then
        return
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    export DEBIAN_FRONTEND=noninteractive
    echo "installing postgresql from Debian packages" >&2
    $sudo apt-get update >&2
    $sudo apt-get install -y --no-install-recommends postgresql >&2
}

start() {
    install_postgres
    local bin
    bin="$(pg_bin)" || { echo "PostgreSQL binaries not found under /usr/lib/postgresql" >&2; exit 1; }
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    as_server_user "$bin/initdb" -D "$dir/data" -U "$USER_NAME" --auth=trust -E UTF8 \
        --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # listen_addresses='' : unix socket only, in our own folder.
    as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-k $dir -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off \
            -c full_page_writes=off -c max_connections=200" >&2 \
        || { cat "$dir/server.log" >&2; exit 1; }
    "$bin/createdb" -h "$dir" -p "$PORT" -U "$USER_NAME" "$DB"
    echo "postgresql+psycopg://$USER_NAME@/$DB?host=$dir&port=$PORT"
}

stop() {
    local bin
    bin="$(pg_bin)" || exit 0
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_server_user "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
    fi
    rm -rf "$dir"
}

case "$action" in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
