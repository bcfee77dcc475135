#!/usr/bin/env bash
# Throwaway PgBouncer in transaction mode in front of the test server (ctest
# fixture pgbouncer, CI).
#
#   pgbouncer.sh start DIR PG_URL_FILE   start PgBouncer on a free port of 127.0.0.1,
#                                        forwarding to the server of PG_URL_FILE,
#                                        print the client URL
#   pgbouncer.sh stop DIR                stop it and remove DIR
#   pgbouncer.sh url DIR                 print the client URL
#
# What `start` provides:
#   - URL postgresql://asyncsql:asyncsql-test@127.0.0.1:PORT/asyncsql (the server's
#     URL from PG_URL_FILE, written by postgresql-server.sh, with PgBouncer's port),
#     also written to DIR/url; any database name is forwarded to that server;
#   - pool_mode = transaction, default_pool_size = 5, max_client_conn = 200, no
#     server_reset_query, scram-sha-256 for the user asyncsql (DIR/userlist.txt);
#   - TCP on 127.0.0.1 only, no unix socket.
#
# Idempotent: `start` on a running PgBouncer only prints the URL (a stale DIR left
# by a crashed run is recreated); `stop` on a missing one does nothing. Every wait
# is bounded (PGB_WAIT seconds, default 30). The log is DIR/pgbouncer.log; its tail
# is printed when something fails. Run as root, PgBouncer runs as the OS user
# postgres (it refuses root), and DIR must be reachable by that user.
# Environment: PGBOUNCER (the binary; default: pgbouncer on PATH, then
# /usr/sbin/pgbouncer), PG_USER (owner when run as root; default postgres), PGB_WAIT.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=server-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/server-common.sh"

PG_USER="${PG_USER:-postgres}"
PGB_WAIT="${PGB_WAIT:-30}"
export PGCONNECT_TIMEOUT=5   # every psql connect is bounded
MARKER=.asyncsql-pgbouncer   # marks DIR as ours, so `stop` may remove it

usage() { sed -n '5,9p' "$0" >&2; exit 2; }

find_pgbouncer() {
    local p
    for p in "${PGBOUNCER:-}" "$(command -v pgbouncer 2>/dev/null || true)" /usr/sbin/pgbouncer; do
        if [[ -n "$p" && -x "$p" ]]; then echo "$p"; return; fi
    done
    die "cannot find pgbouncer (install pgbouncer, or set PGBOUNCER)"
}

# bouncer_pid: the pid in DIR/pgbouncer.pid, if that process is alive (not a zombie)
# and is this DIR's PgBouncer (not a reused pid).
bouncer_pid() {
    pid_from_file "$dir/pgbouncer.pid" pgbouncer " $dir/pgbouncer.ini"
}

is_running() {
    bouncer_pid >/dev/null
}

# stop_bouncer: SIGINT (safe shutdown: waits for transactions to end), then SIGTERM
# (immediate shutdown), then SIGKILL; then waits (at most 10 s) until the process is
# reaped (the daemon's parent is init, which may take a moment), so none is left
# when this returns.
stop_bouncer() {
    local pid
    pid="$(bouncer_pid)" || return 0
    signal_and_wait "$pid" INT 10 || signal_and_wait "$pid" TERM 5 ||
        signal_and_wait "$pid" KILL 10 || true
    wait_reaped "$pid" 10 || true
}

# ready URL: PgBouncer answers and reaches the server.
ready() {
    timeout --kill-after=2 10 psql -X -q -t -A "$1" -c 'SELECT 1' 2>/dev/null | grep -qx 1
}

cmd_url() {
    saved_url || die "no PgBouncer in $dir (run: $0 start $dir PG_URL_FILE)"
}

cmd_start() {
    check_dir_chars
    [[ -s "$pg_url_file" ]] || die "no server URL in $pg_url_file (start the server first)"
    local pg_url
    pg_url="$(head -n 1 "$pg_url_file")"
    # postgresql://USER:PASSWORD@HOST:PORT/DATABASE[?...]
    [[ "$pg_url" =~ ^postgresql://([^:@/]+):([^@/]+)@([^:/]+):([0-9]+)(/.*)?$ ]] ||
        die "$pg_url_file: expected postgresql://USER:PASSWORD@HOST:PORT/DATABASE"
    local user="${BASH_REMATCH[1]}" password="${BASH_REMATCH[2]}"
    local pg_host="${BASH_REMATCH[3]}" pg_port="${BASH_REMATCH[4]}" rest="${BASH_REMATCH[5]}"

    if is_running && grep -qx "$pg_port" "$dir/server-port" 2>/dev/null && saved_url; then
        return
    fi

    # Anything else in DIR is a half-started or crashed PgBouncer (or one in front
    # of a server that is gone): start afresh.
    stop_bouncer
    recreate_dir
    echo "$pg_port" >"$dir/server-port"
    # Plain text: PgBouncer accepts it for scram-sha-256 (loopback-only throwaway).
    printf '"%s" "%s"\n' "$user" "$password" >"$dir/userlist.txt"
    chmod 600 "$dir/userlist.txt"

    hand_dir_to "$PG_USER" postgresql

    # A port found free may be taken before PgBouncer binds it: then try another.
    local attempt port started=0 url deadline
    for ((attempt = 1; attempt <= 5; attempt++)); do
        port="$(free_port)"
        cat >"$dir/pgbouncer.ini" <<EOF
; asyncsql test PgBouncer (tests/support/pgbouncer.sh)
[databases]
* = host=$pg_host port=$pg_port

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 200
default_pool_size = 5
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
EOF
        if is_root; then chown "$PG_USER:" "$dir/pgbouncer.ini"; fi
        rm -f "$dir/pgbouncer.pid"
        url="postgresql://$user:$password@127.0.0.1:$port$rest"
        if as_os_user "$PG_USER" "$PGB_WAIT" "$PGBOUNCER" -d -q "$dir/pgbouncer.ini" \
               >>"$dir/start.log" 2>&1; then
            deadline=$((SECONDS + PGB_WAIT))
            while ((SECONDS < deadline)); do
                if ready "$url"; then
                    started=1
                    break
                fi
                is_running || break
                sleep 0.5
            done
        fi
        [[ $started -eq 1 ]] && break
        stop_bouncer
        grep -q 'Address already in use' "$dir/pgbouncer.log" "$dir/start.log" 2>/dev/null || break
        warn "port $port was taken, trying another"
        rm -f "$dir/pgbouncer.log"
    done
    if [[ $started -ne 1 ]]; then
        log_tail "$dir/pgbouncer.log"
        [[ ! -s "$dir/start.log" ]] || cat "$dir/start.log" >&2
        stop_bouncer
        die "PgBouncer did not start (or does not reach the server at $pg_host:$pg_port)"
    fi

    publish_url "$url"
}

cmd_stop() {
    stop_and_remove_dir stop_bouncer PgBouncer "$dir/pgbouncer.log"
}

[[ $# -ge 2 && -n "$2" ]] || usage
set_dir "$2"
case "$1" in
    start)
        [[ $# -eq 3 && -n "$3" ]] || usage
        pg_url_file="$3"
        if [[ "$pg_url_file" != /* ]]; then pg_url_file="$(pwd)/$pg_url_file"; fi
        PGBOUNCER="$(find_pgbouncer)"
        cmd_start
        ;;
    stop) [[ $# -eq 2 ]] || usage; cmd_stop ;;
    url)  [[ $# -eq 2 ]] || usage; cmd_url ;;
    *)    usage ;;
esac
