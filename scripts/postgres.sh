#!/usr/bin/env bash
# Private PostgreSQL cluster for development, tests and benchmarks.
# Run `scripts/postgres.sh --help` for usage.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/postgres.sh [start|stop|status|--help]

Runs a private PostgreSQL cluster for this checkout, separate from any system
PostgreSQL: it listens only on 127.0.0.1, on its own port, and keeps its data in
the git-ignored folder .local/postgres/ of the repository.

Commands:
  start    (default) Install PostgreSQL with apt if it is missing, create the
           cluster on first use, start it if it is not running and wait until it
           accepts connections. Prints exactly one line on stdout, the Npgsql
           connection string, e.g.
             Host=127.0.0.1;Port=55432;Username=skolnarvaro;Password=skolnarvaro;Database=skolnarvaro
           Everything else goes to stderr, so this works:
             export ConnectionStrings__Skolnarvaro="$(scripts/postgres.sh)"
           A second call reuses the running cluster and returns at once.
  stop     Stop the cluster (fast shutdown). The data is kept.
  status   Say whether the cluster is running and where its files are; exit
           code 0 when running, 3 when stopped, 4 when not created yet.

The cluster has one superuser `skolnarvaro` (password `skolnarvaro`) and a
database `skolnarvaro`; password (SCRAM) authentication over TCP. It is a
throw-away development cluster: never put real pupil data in it.

Files (in the repository):
  .local/postgres/data   the cluster (PGDATA)
  .local/postgres/log    the server log
  .local/postgres/run    the Unix socket directory
When run as root the server runs as the `postgres` system user (PostgreSQL
refuses to run as root). If that user cannot reach the repository folder (for
example a checkout under /root), the cluster lives in
/var/lib/postgresql/skolnarvaro/<checkout-id>/ instead; the script says so, and
.local/postgres/cluster-dir records where.

Environment:
  SKOLNARVARO_PG_PORT    TCP port (default 55432)
  SKOLNARVARO_PG_STATE_DIR  where the cluster lives (default .local/postgres;
                         tests use their own to restart a server of their own)
  SKOLNARVARO_PG_BINDIR  PostgreSQL bin directory (default: newest
                         /usr/lib/postgresql/<version>/bin, or the version the
                         cluster was created with)

To throw the cluster away: scripts/postgres.sh stop && rm -rf .local/postgres
(as root also the fallback folder named in `status`).
EOF
}

# stdout carries only the connection string; everything else goes to stderr.
exec 3>&1 1>&2

say() { printf 'postgres.sh: %s\n' "$*"; }
die() { printf 'postgres.sh: error: %s\n' "$*"; exit 1; }

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
STATE_DIR="${SKOLNARVARO_PG_STATE_DIR:-$REPO_ROOT/.local/postgres}"
PORT="${SKOLNARVARO_PG_PORT:-55432}"
PG_USER=skolnarvaro
PG_PASSWORD=skolnarvaro
PG_DATABASE=skolnarvaro
CONNECTION_STRING="Host=127.0.0.1;Port=$PORT;Username=$PG_USER;Password=$PG_PASSWORD;Database=$PG_DATABASE"

[[ "$PORT" =~ ^[0-9]+$ ]] && (( PORT >= 1024 && PORT <= 65535 )) \
    || die "SKOLNARVARO_PG_PORT must be a port number between 1024 and 65535, got '$PORT'"

IS_ROOT=0
[[ $EUID -eq 0 ]] && IS_ROOT=1

# Runs a command as the user that owns the cluster: `postgres` when we are root.
# cd / first: PostgreSQL's tools fail when the current directory is unreadable to them.
as_pg() {
    if (( IS_ROOT )); then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

newest_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [[ -n "$dir" && -x "$dir/initdb" ]] && printf '%s\n' "$dir"
    return 0
}

ensure_postgres_installed() {
    if [[ -n "${SKOLNARVARO_PG_BINDIR:-}" ]]; then
        [[ -x "$SKOLNARVARO_PG_BINDIR/pg_ctl" ]] || die "SKOLNARVARO_PG_BINDIR=$SKOLNARVARO_PG_BINDIR has no pg_ctl"
        return
    fi
    [[ -n "$(newest_bindir)" ]] && return
    "$REPO_ROOT/scripts/apt-install.sh" "the database; or point SKOLNARVARO_PG_BINDIR at a PostgreSQL bin directory" postgresql \
        || die "PostgreSQL is not installed"
    [[ -n "$(newest_bindir)" ]] || die "apt installed 'postgresql' but no /usr/lib/postgresql/*/bin/initdb was found"
}

# Where the cluster lives: .local/postgres, unless we are root and the postgres user
# cannot reach it (e.g. a checkout under /root), then a folder in postgres's home.
resolve_cluster_dir() {
    if (( ! IS_ROOT )); then
        CLUSTER_DIR="$STATE_DIR"
        return
    fi
    id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' system user (is the postgresql package installed?)"
    if [[ -f "$STATE_DIR/cluster-dir" ]]; then
        CLUSTER_DIR="$(cat "$STATE_DIR/cluster-dir")"
    elif as_pg test -x "$STATE_DIR" -a -r "$STATE_DIR"; then
        CLUSTER_DIR="$STATE_DIR"
    else
        CLUSTER_DIR="/var/lib/postgresql/skolnarvaro/$(printf '%s' "$STATE_DIR" | sha256sum | cut -c1-12)"
    fi
}

# Creates the fallback folder (see resolve_cluster_dir) and remembers it for stop/status.
claim_fallback_dir() {
    [[ "$CLUSTER_DIR" == "$STATE_DIR" || -f "$STATE_DIR/cluster-dir" ]] && return 0
    say "the postgres system user cannot reach $STATE_DIR (a parent folder is not traversable),"
    say "so the cluster for this checkout lives in $CLUSTER_DIR instead."
    mkdir -p "$CLUSTER_DIR"
    chown postgres:postgres "$(dirname "$CLUSTER_DIR")" "$CLUSTER_DIR"
    printf '%s\n' "$CLUSTER_DIR" > "$STATE_DIR/cluster-dir"
    ln -sfn "$CLUSTER_DIR/log" "$STATE_DIR/log"
}

set_paths() {
    DATA_DIR="$CLUSTER_DIR/data"
    LOG_FILE="$CLUSTER_DIR/log"
    SOCKET_DIR="$CLUSTER_DIR/run"
    # A Unix socket path is limited to 107 bytes; a deep checkout gets TCP only.
    if (( ${#SOCKET_DIR} + 20 > 107 )); then
        SOCKET_DIR=""
    fi
    if [[ -n "${SKOLNARVARO_PG_BINDIR:-}" ]]; then
        BINDIR="$SKOLNARVARO_PG_BINDIR"
    elif [[ -f "$DATA_DIR/PG_VERSION" ]]; then
        local version
        version="$(cat "$DATA_DIR/PG_VERSION")"
        BINDIR="/usr/lib/postgresql/$version/bin"
        [[ -x "$BINDIR/pg_ctl" ]] || die "the cluster in $DATA_DIR was created by PostgreSQL $version, which is not installed (found: $(newest_bindir)).
Install postgresql-$version, or remove the cluster: scripts/postgres.sh stop; rm -rf $CLUSTER_DIR"
    else
        BINDIR="$(newest_bindir)"
    fi
}

# 0 = running, 3 = stopped, 4 = no cluster (pg_ctl status conventions).
cluster_state() {
    [[ -f "$DATA_DIR/PG_VERSION" ]] || return 4
    local rc=0
    as_pg "$BINDIR/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1 || rc=$?
    return $rc
}

running_port() {
    # Line 4 of postmaster.pid is the port the server listens on.
    as_pg sed -n 4p "$DATA_DIR/postmaster.pid" 2>/dev/null || true
}

port_in_use() {
    (exec 9<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_settings() {
    local shm_free dsm_type=posix socket_line
    # Parallel queries need dynamic shared memory; containers often have a tiny /dev/shm.
    shm_free="$(df -Pk /dev/shm 2>/dev/null | awk 'NR==2 {print $4}' || true)"
    if [[ -z "$shm_free" || "$shm_free" -lt 1048576 ]]; then
        dsm_type=mmap
    fi
    if [[ -n "$SOCKET_DIR" ]]; then
        socket_line="unix_socket_directories = '$SOCKET_DIR'"
    else
        socket_line="unix_socket_directories = ''   # checkout path too long for a socket path: TCP only"
    fi
    local tmp
    tmp="$(mktemp)"
    cat > "$tmp" <<EOF
# Written by scripts/postgres.sh on every start: change the script, not this file.
listen_addresses = '127.0.0.1'
port = $PORT
$socket_line
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 256MB
effective_cache_size = 2GB
dynamic_shared_memory_type = $dsm_type
# Durable as usual (fsync stays on); fewer, larger checkpoints suit bulk imports.
max_wal_size = 4GB
min_wal_size = 256MB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
timezone = 'UTC'
log_timezone = 'UTC'
log_line_prefix = '%m [%p] %q%u@%d '
log_min_duration_statement = 5s
log_lock_waits = on
EOF
    if (( IS_ROOT )); then
        install -m 0600 -o postgres -g postgres "$tmp" "$DATA_DIR/skolnarvaro.conf"
    else
        install -m 0600 "$tmp" "$DATA_DIR/skolnarvaro.conf"
    fi
    rm -f "$tmp"
}

init_cluster() {
    say "creating a private PostgreSQL cluster in $DATA_DIR ($("$BINDIR/postgres" --version))..."
    local staging="$CLUSTER_DIR/data.initdb"
    rm -rf "$staging"
    # initdb, running as postgres, may not create folders in a root-owned .local/postgres.
    mkdir -m 0700 "$staging"
    (( IS_ROOT )) && chown postgres:postgres "$staging"
    local pwfile
    pwfile="$(mktemp)"
    printf '%s\n' "$PG_PASSWORD" > "$pwfile"
    chmod 0644 "$pwfile"
    (( IS_ROOT )) && chown postgres "$pwfile"
    local rc=0
    as_pg "$BINDIR/initdb" -D "$staging" -U "$PG_USER" --pwfile="$pwfile" \
        --auth-host=scram-sha-256 --auth-local=trust \
        --encoding=UTF8 --locale=C.UTF-8 >/dev/null || rc=$?
    rm -f "$pwfile"
    if (( rc != 0 )); then
        rm -rf "$staging"
        die "initdb failed (exit $rc); see the messages above"
    fi
    printf "\n# Settings for the skolnarvaro dev/test cluster.\ninclude_if_exists = 'skolnarvaro.conf'\n" \
        | as_pg tee -a "$staging/postgresql.conf" >/dev/null
    # Rename last, so an interrupted initdb never looks like a finished cluster.
    mv "$staging" "$DATA_DIR"
}

ensure_database() {
    local exists
    exists="$(PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=10 "$BINDIR/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$PG_USER" -d postgres -tAc \
        "select 1 from pg_database where datname = '$PG_DATABASE'")" \
        || die "cannot log in to the cluster on 127.0.0.1:$PORT as $PG_USER; see $LOG_FILE"
    if [[ "$exists" != "1" ]]; then
        say "creating database $PG_DATABASE"
        PGPASSWORD="$PG_PASSWORD" "$BINDIR/psql" -X -q -h 127.0.0.1 -p "$PORT" -U "$PG_USER" -d postgres \
            -c "create database $PG_DATABASE" >/dev/null
    fi
}

wait_ready() {
    local i
    for (( i = 0; i < 120; i++ )); do
        if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -d postgres; then
            return 0
        fi
        sleep 0.5
    done
    die "the cluster did not become ready on 127.0.0.1:$PORT within 60 s; see $LOG_FILE"
}

prepare_dirs() {
    mkdir -p "$STATE_DIR"
    chmod 0755 "$STATE_DIR"
    resolve_cluster_dir
    claim_fallback_dir
    mkdir -p "$CLUSTER_DIR"
    set_paths
    [[ -n "$SOCKET_DIR" ]] && mkdir -p "$SOCKET_DIR"
    touch "$LOG_FILE"
    if (( IS_ROOT )); then
        chown postgres:postgres "$LOG_FILE"
        [[ -n "$SOCKET_DIR" ]] && chown postgres:postgres "$SOCKET_DIR"
        [[ "$CLUSTER_DIR" != "$STATE_DIR" ]] && chown postgres:postgres "$CLUSTER_DIR"
    fi
    [[ -n "$SOCKET_DIR" ]] && chmod 0700 "$SOCKET_DIR"
    # Keep the log from growing without bound across many dev sessions.
    if [[ $(stat -c %s "$LOG_FILE") -gt $((64 * 1024 * 1024)) ]]; then
        mv "$LOG_FILE" "$LOG_FILE.1"
        touch "$LOG_FILE"
        (( IS_ROOT )) && chown postgres:postgres "$LOG_FILE"
    fi
    return 0
}

# The server must not inherit our open descriptors (fd 3 is our stdout, fd 8 the lock, others
# a CI runner's pipes): it would hold the lock forever and keep a caller's
# $(scripts/postgres.sh) or a CI step waiting for an EOF that never comes.
start_server() {
    (
        local fd
        for fd in $(ls /proc/$BASHPID/fd); do
            if (( fd > 2 )); then eval "exec $fd>&-"; fi
        done 2>/dev/null
        as_pg "$BINDIR/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 start >/dev/null
    )
}

cmd_start() {
    ensure_postgres_installed
    prepare_dirs

    # Two callers at once (test script and CLI) must not both init or start.
    exec 8>"$STATE_DIR/lock"
    flock -w 180 8 || die "timed out waiting for another postgres.sh to finish (lock $STATE_DIR/lock)"

    local state=0
    cluster_state || state=$?
    if (( state == 0 )); then
        local actual
        actual="$(running_port)"
        if [[ "$actual" != "$PORT" ]]; then
            die "the cluster is already running on port $actual, not $PORT (SKOLNARVARO_PG_PORT).
Stop it first (scripts/postgres.sh stop) or use port $actual."
        fi
        wait_ready
        ensure_database
        printf '%s\n' "$CONNECTION_STRING" >&3
        return 0
    fi

    if port_in_use "$PORT"; then
        die "port $PORT on 127.0.0.1 is already in use by another program (another checkout's cluster?).
Set SKOLNARVARO_PG_PORT to a free port, or stop the other server."
    fi

    if (( state == 4 )); then
        if [[ -e "$DATA_DIR" ]]; then
            die "$DATA_DIR exists but is not a PostgreSQL cluster; remove it and try again"
        fi
        init_cluster
    fi

    write_settings
    say "starting PostgreSQL on 127.0.0.1:$PORT (data: $DATA_DIR, log: $LOG_FILE)"
    if ! start_server; then
        say "pg_ctl start failed; last lines of $LOG_FILE:"
        tail -n 20 "$LOG_FILE" | sed 's/^/    /'
        exit 1
    fi
    wait_ready
    ensure_database
    printf '%s\n' "$CONNECTION_STRING" >&3
}

cmd_stop() {
    if [[ -z "$(newest_bindir)" && -z "${SKOLNARVARO_PG_BINDIR:-}" ]]; then
        say "PostgreSQL is not installed; nothing to stop"
        return 0
    fi
    [[ -d "$STATE_DIR" ]] || { say "no cluster in $STATE_DIR; nothing to stop"; return 0; }
    resolve_cluster_dir
    set_paths
    exec 8>"$STATE_DIR/lock"
    flock -w 180 8 || die "timed out waiting for another postgres.sh to finish"
    local state=0
    cluster_state || state=$?
    case $state in
        0) as_pg "$BINDIR/pg_ctl" -D "$DATA_DIR" -m fast -w -t 60 stop >/dev/null
           say "stopped the cluster in $DATA_DIR" ;;
        3) say "the cluster in $DATA_DIR is not running" ;;
        *) say "no cluster in $DATA_DIR; nothing to stop" ;;
    esac
}

cmd_status() {
    if [[ ! -d "$STATE_DIR" ]] || { [[ -z "$(newest_bindir)" ]] && [[ -z "${SKOLNARVARO_PG_BINDIR:-}" ]]; }; then
        say "not created (run scripts/postgres.sh start)"
        return 4
    fi
    resolve_cluster_dir
    set_paths
    local state=0
    cluster_state || state=$?
    case $state in
        0) say "running on 127.0.0.1:$(running_port)"
           say "  data:       $DATA_DIR"
           say "  log:        $LOG_FILE"
           say "  socket dir: ${SOCKET_DIR:-(none, TCP only)}"
           say "  version:    $("$BINDIR/postgres" --version)"
           say "  connection: Host=127.0.0.1;Port=$(running_port);Username=$PG_USER;Password=$PG_PASSWORD;Database=$PG_DATABASE" ;;
        3) say "stopped (data: $DATA_DIR, log: $LOG_FILE)" ;;
        *) say "not created (run scripts/postgres.sh start)" ;;
    esac
    return $state
}

case "${1:-start}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    -h|--help|help) usage >&3 ;;
    *) die "unknown command '$1' (try --help)" ;;
esac
