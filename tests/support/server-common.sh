# shellcheck shell=bash
# Helpers shared by the scripts that run throwaway servers for the tests
# (postgresql-server.sh, pgbouncer.sh, mariadb-server.sh), which source this file:
#
#   source "$(dirname "${BASH_SOURCE[0]}")/server-common.sh"
#
# It only defines functions (and SCRIPT_NAME); it starts nothing. The DIR helpers
# work on the global dir (set it with set_dir) and, for the folder's marker file, on
# the global MARKER, which the sourcing script sets. Messages start with the name of
# the sourcing script.

SCRIPT_NAME="${0##*/}"

# die MESSAGE...: prints "SCRIPT: MESSAGE" on stderr and exits with status 1.
die() { echo "$SCRIPT_NAME: $*" >&2; exit 1; }

# warn MESSAGE...: prints "SCRIPT: MESSAGE" on stderr, and goes on.
warn() { echo "$SCRIPT_NAME: $*" >&2; }

# is_root: true when this script runs as root.
is_root() { [[ "$(id -u)" == 0 ]]; }

# ---- DIR, the server's folder ----

# set_dir ARG: sets dir to the DIR argument ARG, made absolute (against the working
# directory) and without a trailing slash; dies when that leaves /.
set_dir() {
    dir="$1"
    if [[ "$dir" != /* ]]; then dir="$(pwd)/$dir"; fi
    dir="${dir%/}"
    [[ -n "$dir" ]] || die "refusing to use / as DIR"
}

# check_dir_chars: dies unless DIR has only letters, digits and / . _ + - (it goes
# into configuration files, server options and URLs as is).
check_dir_chars() {
    [[ "$dir" =~ ^[A-Za-z0-9/._+-]+$ ]] || die "$dir: use only letters, digits and / . _ + - in DIR"
}

# check_dir_length MAX: dies when DIR is longer than MAX bytes (the server's unix
# socket goes in DIR, and unix socket paths are at most 107 bytes).
check_dir_length() {
    ((${#dir} <= $1)) || die "$dir is too long for a unix socket directory (max $1 bytes)"
}

# is_ours: true when DIR holds the file MARKER (this script made it) or is empty.
is_ours() {
    [[ -e "$dir/$MARKER" || -z "$(ls -A "$dir")" ]]
}

# guard_dir: dies, touching nothing, when DIR exists and is not ours (is_ours).
guard_dir() {
    [[ ! -d "$dir" ]] || is_ours || die "$dir exists and was not made by this script; not touching it"
}

# recreate_dir: replaces DIR (after guard_dir) with a new folder holding only the
# file MARKER. Stop any server using DIR first.
recreate_dir() {
    guard_dir
    if [[ -d "$dir" ]]; then
        rm -rf -- "$dir"
    fi
    mkdir -p "$dir"
    touch "$dir/$MARKER"
}

# remove_dir: removes DIR if it is ours (is_ours); dies otherwise.
remove_dir() {
    is_ours || die "$dir was not made by this script; not removing it"
    rm -rf -- "$dir"
}

# stop_and_remove_dir STOP WHAT LOG...: the `stop DIR` command: nothing when DIR is
# missing; else runs the function STOP (which stops the server, if one runs), dies
# (after the tail of each LOG) when the sourcing script's is_running still finds the
# server WHAT ("the server", for the message) running, and removes DIR (remove_dir).
stop_and_remove_dir() {
    local stop="$1" what="$2"
    shift 2
    [[ -d "$dir" ]] || return 0
    "$stop"
    if is_running; then
        log_tail "$@"
        die "$what in $dir did not stop"
    fi
    remove_dir
}

# hand_dir_to USER PACKAGE: when this script runs as root, gives DIR and what is in
# it to the OS user USER and checks that USER can write in DIR; dies when USER does
# not exist (installing PACKAGE creates it) or cannot reach DIR. As another user:
# nothing.
hand_dir_to() {
    local user="$1" package="$2"
    is_root || return 0
    id -u "$user" >/dev/null 2>&1 || die "OS user $user does not exist (install $package)"
    chown -R "$user:" "$dir"
    runuser -u "$user" -- test -w "$dir" ||
        die "$dir is not reachable by OS user $user (a parent directory is not searchable)"
}

# as_os_user USER SECONDS CMD...: runs CMD from DIR (the caller's working directory
# may be unreadable to USER), as the OS user USER when this script runs as root (as
# the current user otherwise), killed after SECONDS (SIGTERM, SIGKILL 5 s later).
as_os_user() {
    local user="$1" seconds="$2"
    shift 2
    if is_root; then
        (cd "$dir" && timeout --kill-after=5 "$seconds" runuser -u "$user" -- "$@")
    else
        (cd "$dir" && timeout --kill-after=5 "$seconds" "$@")
    fi
}

# publish_url URL: writes URL to DIR/url (atomically: `url` readers never see half
# of it) and prints it.
publish_url() {
    echo "$1" >"$dir/url.tmp"
    mv -f "$dir/url.tmp" "$dir/url"
    echo "$1"
}

# saved_url: prints the URL in DIR/url; fails when there is none.
saved_url() {
    [[ -s "$dir/url" ]] && cat "$dir/url"
}

# log_tail FILE...: prints the last 40 lines of each non-empty FILE on stderr, each
# under a header naming it.
log_tail() {
    local f
    for f in "$@"; do
        if [[ -s "$f" ]]; then
            echo "---- last lines of $f ----" >&2
            tail -n 40 "$f" >&2
        fi
    done
}

# ---- ports and processes ----

# free_port: prints a TCP port of 127.0.0.1 that is free now (the kernel's pick via
# python3, else a random one that refuses connections); dies after 100 tries.
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

# alive PID: true when PID runs (exists and is not a zombie).
alive() {
    local state
    state="$(sed -E 's/^.*\) (.).*$/\1/' "/proc/$1/stat" 2>/dev/null || true)"
    [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# pid_from_file FILE TEXT...: prints the pid on the first line of FILE if that
# process is alive and its command line (arguments joined by spaces) holds each
# TEXT, in that order, so that a reused pid is never taken for the server's; fails
# otherwise.
pid_from_file() {
    local file="$1" pid command text
    shift
    pid="$(head -n 1 "$file" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    command="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || return 1
    for text in "$@"; do
        [[ "$command" == *"$text"* ]] || return 1
        command="${command#*"$text"}"
    done
    echo "$pid"
}

# wait_exited PID SECONDS: true once PID has exited (a zombie counts), false after
# SECONDS; polls every 0.1 s. A zombie child of this shell is reaped here; any other
# is left to its parent (init, for a daemon).
wait_exited() {
    local pid="$1" i
    for ((i = 0; i < $2 * 10; i++)); do
        if ! alive "$pid"; then
            wait "$pid" 2>/dev/null || true
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# wait_reaped PID SECONDS: true once PID is gone from /proc, zombie included, false
# after SECONDS; polls every 0.1 s. A zombie child of this shell is reaped here; an
# orphan is reaped by init, which may take a moment.
wait_reaped() {
    local pid="$1" i
    for ((i = 0; i < $2 * 10; i++)); do
        [[ -e "/proc/$pid" ]] || return 0
        if ! alive "$pid"; then
            wait "$pid" 2>/dev/null || true
        fi
        sleep 0.1
    done
    [[ ! -e "/proc/$pid" ]]
}

# signal_and_wait PID SIGNAL SECONDS: sends SIGNAL to PID, then waits for it to exit
# (wait_exited PID SECONDS); true when it has.
signal_and_wait() {
    kill -"$2" "$1" 2>/dev/null || true
    wait_exited "$1" "$3"
}
