#!/usr/bin/env bash
# Throwaway PostgreSQL server for the tests (ctest fixture postgresql_server, CI).
#
#   postgresql-server.sh start DIR   create a cluster in DIR/data, start it on a free
#                                    port of 127.0.0.1, print the admin URL
#   postgresql-server.sh stop DIR    stop it (fast shutdown) and remove DIR
#   postgresql-server.sh url DIR     print the admin URL
#
# What `start` provides:
#   - URL postgresql://asyncsql:asyncsql-test@127.0.0.1:PORT/asyncsql, also written
#     to DIR/url; role asyncsql is LOGIN CREATEDB SUPERUSER (tests create databases
#     and call pg_terminate_backend) and owns database asyncsql;
#   - TCP on 127.0.0.1 only, scram-sha-256 for every role except asyncsql_md5
#     (password asyncsql-test, stored as md5, authenticated with md5);
#   - the unix socket in DIR itself (...?host=DIR), trust authentication there;
#   - fsync, synchronous_commit and full_page_writes off: nothing here is kept.
#
# Idempotent: `start` on a running cluster only prints the URL (a stale DIR left by
# a crashed run is recreated); `stop` on a missing one does nothing. Every wait is
# bounded (PG_WAIT seconds, default 60). The server log is DIR/server.log; its tail
# is printed when something fails. Run as root, the cluster belongs to the OS user
# postgres (initdb refuses root), and DIR must be reachable by that user.
# Environment: PGBIN (server binaries; default /usr/lib/postgresql/15/bin, then
# pg_config --bindir, then the newest /usr/lib/postgresql/*/bin), PG_USER (owner
# when run as root; default postgres), PG_WAIT.
set -euo pipefail

PG_USER="${PG_USER:-postgres}"
PG_WAIT="${PG_WAIT:-60}"
export PGCONNECT_TIMEOUT=10   # every psql connect is bounded
ROLE=asyncsql
PASSWORD=asyncsql-test        # loopback-only throwaway cluster: not a secret
DATABASE=asyncsql
MD5_ROLE=asyncsql_md5
MARKER=.asyncsql-postgresql-server   # marks DIR as ours, so `stop` may remove it

die() { echo "postgresql-server.sh: $*" >&2; exit 1; }
usage() { sed -n '2,7p' "$0" >&2; exit 2; }

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
    if [[ "$(id -u)" == 0 ]]; then
        (cd "$dir" && timeout --kill-after=5 "$((PG_WAIT + 30))" runuser -u "$PG_USER" -- "$@")
    else
        (cd "$dir" && timeout --kill-after=5 "$((PG_WAIT + 30))" "$@")
    fi
}

# psql as the bootstrap superuser over the unix socket (trust).
psql_admin() {
    timeout --kill-after=5 "$PG_WAIT" "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h "$dir" -p "$(cat "$dir/port")" -U postgres "$@"
}

# log_tail [FILE...]: the last lines of each FILE (default DIR/server.log) on stderr.
log_tail() {
    local f
    [[ $# -gt 0 ]] || set -- "$dir/server.log"
    for f in "$@"; do
        if [[ -s "$f" ]]; then
            echo "---- last lines of $f ----" >&2
            tail -n 40 "$f" >&2
        fi
    done
}

# postmaster_pid: the pid in DIR/data/postmaster.pid, if that process is alive (not a
# zombie) and is this cluster's postmaster (not a reused pid).
postmaster_pid() {
    local pid state command
    pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    state="$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$pid/stat" 2>/dev/null || true)"
    [[ -n "$state" && "$state" != Z && "$state" != X ]] || return 1
    command="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
    [[ "$command" == *" $data"* ]] || return 1
    echo "$pid"
}

is_running() {
    postmaster_pid >/dev/null
}

free_port() {
    if [[ -x /usr/bin/python3 ]]; then
        /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
        return
    fi
    local i port
    for ((i = 0; i < 100; i++)); do
        port=$((20000 + RANDOM % 40000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return
        fi
    done
    die "no free TCP port found"
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
    local i
    for ((i = 0; i < 100; i++)); do
        [[ -e "/proc/$pid" ]] || break
        sleep 0.1
    done
}

cmd_url() {
    [[ -s "$dir/url" ]] || die "no server in $dir (run: $0 start $dir)"
    cat "$dir/url"
}

cmd_start() {
    # The socket path is DIR/.s.PGSQL.PORT, and unix socket paths are at most 107 bytes.
    ((${#dir} <= 90)) || die "$dir is too long for a unix socket directory (max 90 bytes)"
    # DIR goes into postgresql.conf and the URLs as is.
    [[ "$dir" =~ ^[A-Za-z0-9/._+-]+$ ]] || die "$dir: use only letters, digits and / . _ + - in DIR"
    if [[ -s "$dir/url" ]] && is_running; then
        cat "$dir/url"
        return
    fi

    # Anything else in DIR is a half-made or crashed cluster: start afresh.
    if [[ -e "$data" ]]; then
        stop_server
    fi
    if [[ -d "$dir" ]]; then
        [[ -e "$dir/$MARKER" || -z "$(ls -A "$dir")" ]] ||
            die "$dir exists and was not made by this script; not touching it"
        rm -rf -- "$dir"
    fi
    mkdir -p "$dir"
    touch "$dir/$MARKER"
    if [[ "$(id -u)" == 0 ]]; then
        id -u "$PG_USER" >/dev/null 2>&1 || die "OS user $PG_USER does not exist (install postgresql)"
        chown "$PG_USER:" "$dir"
        runuser -u "$PG_USER" -- test -w "$dir" ||
            die "$dir is not reachable by OS user $PG_USER (a parent directory is not searchable)"
    fi

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
synchronous_commit = off
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
        echo "postgresql-server.sh: port $port was taken, trying another" >&2
    done
    if [[ $started -ne 1 ]]; then
        log_tail
        die "the server did not start"
    fi
    if ! psql_admin -d postgres >/dev/null <<EOF
CREATE ROLE $ROLE LOGIN CREATEDB SUPERUSER PASSWORD '$PASSWORD';
CREATE DATABASE $DATABASE OWNER $ROLE;
SET password_encryption = 'md5';
CREATE ROLE $MD5_ROLE LOGIN PASSWORD '$PASSWORD';
EOF
    then
        log_tail
        stop_server
        die "creating the roles and the database failed"
    fi

    local url="postgresql://$ROLE:$PASSWORD@127.0.0.1:$port/$DATABASE"
    echo "$url" >"$dir/url.tmp"
    mv -f "$dir/url.tmp" "$dir/url"
    echo "$url"
}

cmd_stop() {
    [[ -d "$dir" ]] || return 0
    if [[ -e "$data" ]]; then
        stop_server
    fi
    if is_running; then
        log_tail
        die "the server in $dir did not stop"
    fi
    if [[ -e "$dir/$MARKER" || -z "$(ls -A "$dir")" ]]; then
        rm -rf -- "$dir"
    else
        die "$dir was not made by this script; not removing it"
    fi
}

[[ $# -eq 2 ]] || usage
[[ -n "$2" ]] || usage
dir="$2"
if [[ "$dir" != /* ]]; then dir="$(pwd)/$dir"; fi
dir="${dir%/}"
[[ -n "$dir" ]] || die "refusing to use / as DIR"
data="$dir/data"
PGBIN="$(find_pgbin)"
case "$1" in
    start) cmd_start ;;
    stop)  cmd_stop ;;
    url)   cmd_url ;;
    *)     usage ;;
esac
