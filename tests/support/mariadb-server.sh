#!/usr/bin/env bash
# Throwaway MariaDB server for the tests (ctest fixture mysql_server, CI).
#
#   mariadb-server.sh start DIR   create a data directory in DIR/data, start a server on
#                                 a free port of 127.0.0.1, print the test URL
#   mariadb-server.sh stop DIR    shut it down and remove DIR
#   mariadb-server.sh restart DIR kill the server (SIGKILL, as if it crashed), then start
#                                 it again on the same port with the same data (crash
#                                 recovery included); print the test URL
#   mariadb-server.sh url DIR     print the test URL
#
# What `start` provides:
#   - URL mysql://asyncsql:asyncsql-test@127.0.0.1:PORT/asyncsql, also written to
#     DIR/url; user asyncsql (@'127.0.0.1' and @'localhost', mysql_native_password)
#     has ALL PRIVILEGES ON *.* WITH GRANT OPTION (tests create databases, KILL other
#     connections, read the process list); database asyncsql exists;
#   - TCP on 127.0.0.1 only; the unix socket DIR/mysqld.sock (user asyncsql with the
#     same password, or root without one: root exists only @'localhost');
#   - InnoDB, utf8mb4 (utf8mb4_general_ci, Debian's default), no binary log, 300
#     connections, innodb_flush_log_at_trx_commit=0: nothing here is kept; with
#     CRASH_SAFE_COMMITS=1 at `start`, 2 (the log is written at each commit), so that
#     a commit the server acknowledged survives `restart` (the OS keeps the writes);
#   - max_allowed_packet 128M, so that values of 100 MB fit (the default is 16M).
#
# Idempotent: `start` on a running server only prints the URL (a stale DIR left by a
# crashed run is recreated); `stop` on a missing one does nothing. Every wait is
# bounded (MARIADB_WAIT seconds, default 60). The server log is DIR/server.log; its
# tail is printed when something fails. Run as root, the server runs as the OS user
# mysql (mariadbd --user), and DIR must be reachable by that user.
# Environment: MARIADB_USER (the server's OS user when run as root; default mysql),
# MARIADB_WAIT, MARIADBD (the server binary; default mariadbd from PATH or /usr/sbin),
# CRASH_SAFE_COMMITS.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=server-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/server-common.sh"

MARIADB_USER="${MARIADB_USER:-mysql}"
MARIADB_WAIT="${MARIADB_WAIT:-60}"
DB_USER=asyncsql
PASSWORD=asyncsql-test        # loopback-only throwaway server: not a secret
DATABASE=asyncsql
MARKER=.asyncsql-mariadb-server   # marks DIR as ours, so `stop` may remove it
# Smaller than the defaults (128M pool, 96M redo log): a test server, started often.
INNODB_OPTIONS=(--innodb-buffer-pool-size=64M --innodb-log-file-size=16M)

usage() { sed -n '2,10p' "$0" >&2; exit 2; }

# find_tool NAME...: the first NAME found in PATH, /usr/sbin or /usr/bin.
find_tool() {
    local name path
    for name in "$@"; do
        path="$(command -v "$name" 2>/dev/null || true)"
        if [[ -n "$path" && -x "$path" ]]; then echo "$path"; return; fi
        for path in "/usr/sbin/$name" "/usr/bin/$name"; do
            if [[ -x "$path" ]]; then echo "$path"; return; fi
        done
    done
    return 1
}

find_tools() {
    MARIADBD="${MARIADBD:-$(find_tool mariadbd mysqld)}" ||
        die "cannot find mariadbd (install mariadb-server, or set MARIADBD)"
    [[ -x "$MARIADBD" ]] || die "$MARIADBD is not executable"
    INSTALL_DB="$(find_tool mariadb-install-db mysql_install_db)" ||
        die "cannot find mariadb-install-db (install mariadb-server)"
    ADMIN="$(find_tool mariadb-admin mysqladmin)" ||
        die "cannot find mariadb-admin (install mariadb-client)"
    CLIENT="$(find_tool mariadb mysql)" ||
        die "cannot find the mariadb client (install mariadb-client)"
}

# as_owner CMD...: runs CMD as the server's OS user, from DIR (the caller's working
# directory may be unreadable to that user), bounded by MARIADB_WAIT + 30 seconds.
as_owner() {
    as_os_user "$MARIADB_USER" "$((MARIADB_WAIT + 30))" "$@"
}

# The admin tools as root over the unix socket (root@localhost has no password).
admin() {
    timeout --kill-after=5 "$MARIADB_WAIT" "$ADMIN" --no-defaults --socket="$socket" \
        --user=root --connect-timeout=5 "$@"
}
sql_admin() {
    timeout --kill-after=5 "$MARIADB_WAIT" "$CLIENT" --no-defaults --socket="$socket" \
        --user=root --connect-timeout=5 --batch --skip-column-names "$@"
}

# server_pid: the pid of this DIR's mariadbd, if it is alive: from the server's pid
# file, else from the pid the script started it with (the server writes its pid file
# only some way into its start); checked against the command line, so a reused pid
# is never taken for ours.
server_pid() {
    pid_from_file "$dir/mysqld.pid" " --datadir=$data " ||
        pid_from_file "$dir/launch.pid" " --datadir=$data "
}

is_running() {
    server_pid >/dev/null
}

# stop_server: `mariadb-admin shutdown` (which waits for the server to finish),
# then SIGTERM, then SIGKILL; then waits (at most 10 s) until the server is reaped
# (a zombie child of this shell is reaped here; an orphan by init, which may take a
# moment), so no process is left when this returns.
stop_server() {
    local pid
    pid="$(server_pid)" || return 0
    if [[ -S "$socket" ]]; then
        admin shutdown >/dev/null 2>&1 || true
    fi
    wait_exited "$pid" 5 || signal_and_wait "$pid" TERM "$MARIADB_WAIT" ||
        kill -KILL "$pid" 2>/dev/null || true
    wait_reaped "$pid" 10 || true
}

cmd_url() {
    saved_url || die "no server in $dir (run: $0 start $dir)"
}

# launch PORT: starts mariadbd in the background, detached (own session, no inherited
# output: ctest waits for a fixture's output to close), and waits until it answers.
launch() {
    local port="$1" pid i
    local options=(
        --no-defaults
        --datadir="$data"
        --socket="$socket"
        --port="$port"
        --bind-address=127.0.0.1
        --pid-file="$dir/mysqld.pid"
        --log-error="$dir/server.log"
        --skip-name-resolve
        "${INNODB_OPTIONS[@]}"
        --innodb-flush-log-at-trx-commit="$(if [[ -e "$dir/crash-safe-commits" ]]; then echo 2; else echo 0; fi)"
        --skip-log-bin
        --max-connections=300
        # The suite builds big series with recursive CTEs (MariaDB stops at 1000 by default).
        --max-recursive-iterations=4294967295
        # Room for the 100 MB values of the suite's bad_input_test.cpp.
        --max-allowed-packet=128M
        --character-set-server=utf8mb4
        --collation-server=utf8mb4_general_ci
    )
    if is_root; then options+=(--user="$MARIADB_USER"); fi
    rm -f -- "$dir/mysqld.pid" "$dir/launch.pid"
    # `cd DIR`: the server's working directory stays reachable after it drops to the
    # mysql user. This shell has no job control, so the job is no process group
    # leader and setsid execs the server in place: $! is the server's pid.
    (cd "$dir" && exec setsid "$MARIADBD" "${options[@]}" \
        </dev/null >>"$dir/server.out" 2>&1) &
    pid=$!
    echo "$pid" >"$dir/launch.pid"
    for ((i = 0; i < MARIADB_WAIT * 10; i++)); do
        if ! alive "$pid"; then
            wait "$pid" 2>/dev/null || true
            return 1
        fi
        if [[ -S "$socket" ]] && admin ping >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    warn "the server did not answer within $MARIADB_WAIT s"
    stop_server
    return 1
}

cmd_start() {
    # The socket is DIR/mysqld.sock, and unix socket paths are at most 107 bytes.
    check_dir_length 90
    # DIR goes into the server's options and the URLs as is.
    check_dir_chars
    if is_running && saved_url; then
        return
    fi

    # Anything else in DIR is a half-made or crashed server: start afresh.
    guard_dir
    stop_server
    ! is_running || die "a server left in $dir did not stop"
    recreate_dir
    # Remembered for `restart`, which launches the server again.
    if [[ "${CRASH_SAFE_COMMITS:-0}" == 1 ]]; then touch "$dir/crash-safe-commits"; fi
    hand_dir_to "$MARIADB_USER" mariadb-server

    # root@localhost without a password (normal authentication, not unix_socket: the
    # OS user running the tests need not be root); no test database.
    as_owner "$INSTALL_DB" --no-defaults --datadir="$data" --auth-root-authentication-method=normal \
        --skip-test-db "${INNODB_OPTIONS[@]}" >"$dir/install-db.log" 2>&1 ||
        { log_tail "$dir/install-db.log"; die "mariadb-install-db failed"; }

    # A port found free may be taken before the server binds it: then try another.
    local attempt port started=0 lines
    for ((attempt = 1; attempt <= 5; attempt++)); do
        port="$(free_port)"
        echo "$port" >"$dir/port"
        lines=0
        if [[ -f "$dir/server.log" ]]; then lines="$(wc -l <"$dir/server.log")"; fi
        if launch "$port"; then
            started=1
            break
        fi
        stop_server
        tail -n "+$((lines + 1))" "$dir/server.log" 2>/dev/null | grep -q 'Address already in use' || break
        warn "port $port was taken, trying another"
    done
    if [[ $started -ne 1 ]]; then
        log_tail "$dir/server.log" "$dir/server.out"
        die "the server did not start"
    fi

    # Only root@localhost stays of the passwordless root accounts mariadb-install-db
    # made (@127.0.0.1, @::1, @HOSTNAME would be reachable over TCP).
    local hosts host drop=""
    if hosts="$(sql_admin -e "SELECT Host FROM mysql.global_priv WHERE User = 'root' AND Host <> 'localhost'")"; then
        for host in $hosts; do
            drop+="DROP USER IF EXISTS 'root'@'$host';"$'\n'
        done
    fi
    if ! sql_admin <<EOF
$drop
CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$PASSWORD';
CREATE USER '$DB_USER'@'localhost' IDENTIFIED BY '$PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'127.0.0.1' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO '$DB_USER'@'localhost' WITH GRANT OPTION;
CREATE DATABASE $DATABASE;
EOF
    then
        log_tail "$dir/server.log" "$dir/server.out"
        stop_server
        die "creating the user and the database failed"
    fi

    publish_url "mysql://$DB_USER:$PASSWORD@127.0.0.1:$port/$DATABASE"
}

# The fault tests' abrupt restart: clients see their connections end with no
# goodbye, and the server comes back where they expect it.
cmd_restart() {
    local pid
    if ! pid="$(server_pid)" || ! saved_url >/dev/null; then die "no server in $dir (run: $0 start $dir)"; fi
    kill -KILL "$pid" 2>/dev/null || true
    wait_reaped "$pid" 10 || die "the killed server (pid $pid) was not reaped"
    if ! launch "$(cat "$dir/port")"; then
        log_tail "$dir/server.log" "$dir/server.out"
        die "the server did not start again"
    fi
    saved_url
}

cmd_stop() {
    stop_and_remove_dir stop_server "the server" "$dir/server.log" "$dir/server.out"
}

[[ $# -eq 2 && -n "$2" ]] || usage
set_dir "$2"
data="$dir/data"
socket="$dir/mysqld.sock"
case "$1" in
    start) find_tools; cmd_start ;;
    stop)  find_tools; cmd_stop ;;
    restart) find_tools; cmd_restart ;;
    url)   cmd_url ;;
    *)     usage ;;
esac
