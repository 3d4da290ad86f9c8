#!/usr/bin/env bash
# Local SMTP test sink for development. Run `scripts/smtp.sh --help` for usage.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/smtp.sh [start|stop|status|install|--help]

A local SMTP server that accepts every message and delivers nothing: it stores
each one in a Maildir under .local/smtp/maildir/new/ (one file per message, with
X-MailFrom / X-RcptTo / X-Peer headers recording the SMTP envelope). It listens
only on 127.0.0.1, without TLS or authentication. Point the worker's SMTP
settings at it to see the digests it would send.

Commands:
  start    (default) Install Debian's python3-aiosmtpd if missing, start the
           server in the background (pid file .local/smtp/pid, log
           .local/smtp/log) unless it is already running, wait until it accepts
           connections, and print one line on stdout: 127.0.0.1:<port>.
  stop     Stop the server. Received messages are kept.
  status   Say whether it runs; exit code 0 when running, 3 when not.
  install  Only make sure /usr/bin/python3 can import aiosmtpd (apt-get
           install python3-aiosmtpd). The tests start their own servers with it.

Environment:
  SKOLNARVARO_SMTP_PORT   port (default 2525)

The server runs Debian's /usr/bin/python3 on purpose: a pyenv or virtualenv
python3 earlier on PATH does not see Debian's python3-aiosmtpd package.
EOF
}

exec 3>&1 1>&2

say() { printf 'smtp.sh: %s\n' "$*"; }
die() { printf 'smtp.sh: error: %s\n' "$*"; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
STATE_DIR="$REPO_ROOT/.local/smtp"
PID_FILE="$STATE_DIR/pid"
LOG_FILE="$STATE_DIR/log"
MAILDIR="$STATE_DIR/maildir"
PORT="${SKOLNARVARO_SMTP_PORT:-2525}"
PYTHON=/usr/bin/python3

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT >= 1 && PORT <= 65535 )) \
    || die "SKOLNARVARO_SMTP_PORT must be a port number, got '$PORT'"

have_aiosmtpd() {
    [[ -x "$PYTHON" ]] && "$PYTHON" -c 'import aiosmtpd' >/dev/null 2>&1
}

cmd_install() {
    have_aiosmtpd && return 0
    "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "the SMTP test server" python3-aiosmtpd
    have_aiosmtpd || die "installed python3-aiosmtpd, but $PYTHON still cannot import aiosmtpd"
}

running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    # The pid may have been reused by an unrelated process since.
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- '-m aiosmtpd' || return 1
    printf '%s\n' "$pid"
}

accepts_connections() {
    (exec 9<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

cmd_start() {
    cmd_install
    mkdir -p "$STATE_DIR" "$MAILDIR/tmp" "$MAILDIR/new" "$MAILDIR/cur"
    exec 8>"$STATE_DIR/lock"
    flock -w 60 8 || die "timed out waiting for another smtp.sh to finish"

    local pid
    if pid="$(running_pid)"; then
        local listening
        listening="$(cat "$STATE_DIR/port" 2>/dev/null || true)"
        [[ "$listening" == "$PORT" ]] \
            || die "the sink is already running on port $listening (pid $pid), not $PORT; run scripts/smtp.sh stop first"
        printf '127.0.0.1:%s\n' "$PORT" >&3
        return 0
    fi
    if accepts_connections; then
        die "port $PORT on 127.0.0.1 is already in use by another program; set SKOLNARVARO_SMTP_PORT"
    fi

    say "starting SMTP sink on 127.0.0.1:$PORT (messages: $MAILDIR/new, log: $LOG_FILE)"
    (
        # The server must not inherit our descriptors (stdout of a $(...) caller, the lock,
        # a CI runner's pipes), or callers would wait for an EOF that never comes.
        for fd in $(ls /proc/$BASHPID/fd); do
            if (( fd > 2 )); then eval "exec $fd>&-"; fi
        done 2>/dev/null
        cd "$STATE_DIR"
        exec setsid "$PYTHON" -m aiosmtpd -n -u -l "127.0.0.1:$PORT" \
            -c aiosmtpd.handlers.Mailbox "$MAILDIR" </dev/null >>"$LOG_FILE" 2>&1
    ) &
    pid=$!
    printf '%s\n' "$pid" > "$PID_FILE"
    printf '%s\n' "$PORT" > "$STATE_DIR/port"

    local i
    for (( i = 0; i < 100; i++ )); do
        if accepts_connections; then
            printf '127.0.0.1:%s\n' "$PORT" >&3
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PID_FILE"
            say "the SMTP sink exited at start; last lines of $LOG_FILE:"
            tail -n 20 "$LOG_FILE" | sed 's/^/    /'
            exit 1
        fi
        sleep 0.1
    done
    die "the SMTP sink did not accept connections on 127.0.0.1:$PORT within 10 s; see $LOG_FILE"
}

cmd_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE"
        say "the SMTP sink is not running"
        return 0
    fi
    kill "$pid"
    local i
    for (( i = 0; i < 50; i++ )); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    rm -f "$PID_FILE"
    say "stopped the SMTP sink (pid $pid)"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        say "running on 127.0.0.1:$(cat "$STATE_DIR/port" 2>/dev/null) (pid $pid)"
        say "  messages: $MAILDIR/new ($(find "$MAILDIR/new" -type f 2>/dev/null | wc -l) received)"
        say "  log:      $LOG_FILE"
        return 0
    fi
    say "not running"
    return 3
}

case "${1:-start}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    install) cmd_install ;;
    -h|--help|help) usage >&3 ;;
    *) die "unknown command '$1' (try --help)" ;;
esac
