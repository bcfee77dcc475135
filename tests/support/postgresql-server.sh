#!/usr/bin/env bash
# Throwaway PostgreSQL server for the tests (ctest fixture postgresql_server, CI).
#
#   postgresql-server.sh start DIR   create a cluster in DIR/data, start it on a free
#                                    port of 127.0.0.1, print the admin URL
#   postgresql-server.sh stop DIR    stop it (fast shutdown) and remove DIR
#   postgresql-server.sh restart DIR immediate shutdown (as if it crashed), then start
#                                    again on the same port with the same data (crash
#                                    recovery included); print the admin URL
#   postgresql-server.sh url DIR     print the admin URL
#
# What `start` provides:
#   - URL postgresql://asyncsql:asyncsql-test@127.0.0.1:PORT/asyncsql, also written
#     to DIR/url; role asyncsql is LOGIN CREATEDB SUPERUSER (tests create databases
#     and call pg_terminate_backend) and owns database asyncsql;
#   - TCP on 127.0.0.1 only, scram-sha-256 for every role except asyncsql_md5
#     (password asyncsql-test, stored as md5, authenticated with md5);
#   - the unix socket in DIR itself (...?host=DIR), trust authentication there;
#   - fsync, synchronous_commit and full_page_writes off: nothing here is kept;
#     with CRASH_SAFE_COMMITS=1 at `start`, synchronous_commit stays on, so that a
#     commit the server acknowledged survives `restart` (the OS keeps the writes).
#
# Idempotent: `start` on a running cluster only prints the URL (a stale DIR left by
# a crashed run is recreated); `stop` on a missing one does nothing. Every wait is
# bounded (PG_WAIT seconds, default 60). The server log is DIR/server.log; its tail
# is printed when something fails. Run as root, the cluster belongs to the OS user
# postgres (initdb refuses root), and DIR must be reachable by that user.
# Environment: PGBIN (server binaries; default /usr/lib/postgresql/15/bin, then
# pg_config --bindir, then the newest /usr/lib/postgresql/*/bin), PG_USER (owner
# when run as root; default postgres), PG_WAIT, CRASH_SAFE_COMMITS.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=server-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/server-common.sh"

PG_USER="${PG_USER:-postgres}"
PG_WAIT="${PG_WAIT:-60}"
export PGCONNECT_TIMEOUT=10   # every psql connect is bounded
ROLE=asyncsql
PASSWORD=asyncsql-test        # loopback-only throwaway cluster: not a secret
DATABASE=asyncsql
MD5_ROLE=asyncsql_md5
MARKER=.asyncsql-postgresql-server   # marks DIR as ours, so `stop` may remove it

usage() { sed -n '2,10p' "$0" >&2; exit 2; }

find_pgbin() {
    local d
    for d in "${PGBIN:-}" /usr/lib/postgresql/15/bin; do
        if [[ -n "$d" && -x "$d/initdb" ]]; then echo "$d"; return; fi
    done
    if command -v pg_config >/dev/null 2>&1; then
        d="$(pg_config --bindir 2>/dev/null || true)"
        if [[ -n "$d" && -x "$d/initdb" ]]; then echo "$d"; return; fi
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" ]]; then echo "$d"; return; fi
    done
    die "cannot find initdb (install postgresql, or set PGBIN)"
}

# as_owner CMD...: runs CMD as the cluster owner, from DIR (the caller's working
# directory may be unreadable to that user), bounded by PG_WAIT + 30 seconds.
as_owner() {
    as_os_user "$PG_USER" "$((PG_WAIT + 30))" "$@"
}

# psql as the bootstrap superuser over the unix socket (trust).
psql_admin() {
    timeout --kill-after=5 "$PG_WAIT" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$dir" -p "$(cat "$dir/port")" -U postgres "$@"
}

# postmaster_pid: the pid in DIR/data/postmaster.pid, if that process is alive (not a
# zombie) and is this cluster's postmaster (not a reused pid).
postmaster_pid() {
    pid_from_file "$data/postmaster.pid" " $data"
}

is_running() {
    postmaster_pid >/dev/null
}

# stop_server: fast shutdown, then immediate, then SIGKILL of the postmaster; then
# waits (at most 10 s) until the postmaster is reaped, so no process is left when
# this returns (a container's init may take a moment to reap the orphan).
stop_server() {
    local pid
    pid="$(postmaster_pid)" || return 0
    as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w -t "$PG_WAIT" stop >/dev/null 2>&1 ||
        as_owner "$PGBIN/pg_ctl" -D "$data" -m immediate -w -t 10 stop >/dev/null 2>&1 ||
        kill -KILL "$pid" 2>/dev/null || true
    wait_reaped "$pid" 10 || true
}

cmd_url() {
    saved_url || die "no server in $dir (run: $0 start $dir)"
}

cmd_start() {
    # The socket path is DIR/.s.PGSQL.PORT, and unix socket paths are at most 107 bytes.
    check_dir_length 90
    # DIR goes into postgresql.conf and the URLs as is.
    check_dir_chars
    if is_running && saved_url; then
        return
    fi

    # Anything else in DIR is a half-made or crashed cluster: start afresh.
    if [[ -e "$data" ]]; then
        stop_server
    fi
    recreate_dir
    hand_dir_to "$PG_USER" postgresql

    # -N: no fsync of the new files, this cluster is thrown away.
    as_owner "$PGBIN/initdb" -D "$data" -U postgres -N -E UTF8 --locale=C \
        --auth-host=scram-sha-256 --auth-local=trust >"$dir/initdb.log" 2>&1 ||
        { log_tail "$dir/initdb.log"; die "initdb failed"; }

    cat >>"$data/postgresql.conf" <<EOF

# ---- asyncsql test server (tests/support/postgresql-server.sh) ----
listen_addresses = '127.0.0.1'
port = 0
unix_socket_directories = '$dir'
max_connections = 200
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = $([[ "${CRASH_SAFE_COMMITS:-0}" == 1 ]] && echo on || echo off)
full_page_writes = off
EOF
    # The rules initdb writes for these --auth options, plus the md5 role's line placed
    # before the scram ones (the first matching line wins).
    cat >"$data/pg_hba.conf" <<EOF
# TYPE  DATABASE     USER          ADDRESS        METHOD
local   all          all                          trust
host    all          $MD5_ROLE  127.0.0.1/32   md5
host    all          all           127.0.0.1/32   scram-sha-256
host    all          all           ::1/128        scram-sha-256
local   replication  all                          trust
host    replication  all           127.0.0.1/32   scram-sha-256
host    replication  all           ::1/128        scram-sha-256
EOF

    # A port found free may be taken before the server binds it: then try another.
    local attempt port started=0
    for ((attempt = 1; attempt <= 5; attempt++)); do
        port="$(free_port)"
        echo "$port" >"$dir/port"
        sed -i -E "s/^port = [0-9]+\$/port = $port/" "$data/postgresql.conf"
        if as_owner "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t "$PG_WAIT" \
               start >/dev/null 2>&1; then
            started=1
            break
        fi
        stop_server
        grep -q 'Address already in use' "$dir/server.log" 2>/dev/null || break
        warn "port $port was taken, trying another"
    done
    if [[ $started -ne 1 ]]; then
        log_tail "$dir/server.log"
        die "the server did not start"
    fi
    if ! psql_admin -d postgres >/dev/null <<EOF
CREATE ROLE $ROLE LOGIN CREATEDB SUPERUSER PASSWORD '$PASSWORD';
CREATE DATABASE $DATABASE OWNER $ROLE;
SET password_encryption = 'md5';
CREATE ROLE $MD5_ROLE LOGIN PASSWORD '$PASSWORD';
EOF
    then
        log_tail "$dir/server.log"
        stop_server
        die "creating the roles and the database failed"
    fi

    publish_url "postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
}

# The fault tests' abrupt restart: clients see their connections end with no
# goodbye, and the server comes back where they expect it.
cmd_restart() {
    if ! is_running || ! saved_url >/dev/null; then die "no server in $dir (run: $0 start $dir)"; fi
    as_owner "$PGBIN/pg_ctl" -D "$data" -m immediate -w -t "$PG_WAIT" stop >/dev/null 2>&1 ||
        die "the immediate shutdown failed"
    as_owner "$PGBIN/pg_ctl" -D "$data" -l "$dir/server.log" -w -t "$PG_WAIT" start >/dev/null 2>&1 ||
        { log_tail "$dir/server.log"; die "the server did not start again"; }
    saved_url
}

cmd_stop() {
    stop_and_remove_dir stop_server "the server" "$dir/server.log"
}

[[ $# -eq 2 && -n "$2" ]] || usage
set_dir "$2"
data="$dir/data"
PGBIN="$(find_pgbin)"
case "$1" in
    start) cmd_start ;;
    stop)  cmd_stop ;;
    restart) cmd_restart ;;
    url)   cmd_url ;;
    *)     usage ;;
esac
