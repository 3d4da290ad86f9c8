#!/usr/bin/env bash
# Replays the nightly job night by night over a generated history and reports what the rektors' digests would
# have been; with --investigate it also plays the rektorer recording "utredning inledd". Run
# `scripts/replay-digests.sh --help` for usage.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/replay-digests.sh --history DIR --from DATE --to DATE [options]

Replays the nightly job (`skolnarvaro run-once --as-of D --dry-run`) for every night D from --from to --to into
a fresh database, with the configuration as it is (defaults unless you set Skolnarvaro__… variables), then prints
per school:
  - digests recorded (.eml files in dry-run) and digests per week of the period;
  - pupils told per digest (new or escalated + reminders; the go-live overview counts everyone at a level) and
    cards per digest (= min(told, MaxPupils)): median and largest over the digests after the go-live overview;
  - the go-live overview: its date and how many pupils it listed;
  - flags per night (hög / riskfrånvaro) on the first 20 school days of the period (four school weeks).

Every calendar day is replayed by default, as the worker does (its nightly job runs every night): a digest is
composed on the school's digest day (Monday by default), including the Monday of a holiday week, and a digest day
that was skipped is made up on the next night run, so replaying school days only would merge digests across
höstlov. --school-days-only replays Monday to Friday only (faster; digest days still Mondays).

How a night sees the data: the first night imports the whole inbox (every export of the history); each night's
analysis reads only facts dated on or before its --as-of date, like `backtest` ("today's facts, corrections
included"). So night D sees D's own attendance, where a real 02:00 run on D would see up to D-1.

Options:
  --history DIR       a generated history (`skolnarvaro generate --history --out DIR`): DIR/schools.json, DIR/inbox
  --from DATE         first night (yyyy-MM-dd), e.g. the term's first day 2026-08-17
  --to DATE           last night
  --school-days-only  replay Monday–Friday only (see above)
  --db NAME           database on the cluster (default replay_digests); DROPPED and recreated unless --report-only
  --report-only       do not replay: only print the report from the database of an earlier replay
  --cli PATH          the skolnarvaro command to run (default: this checkout's ./skolnarvaro), e.g. an older
                      checkout's, to replay with other code
  --investigate SHARE simulate rektorer recording "Utredning inledd": after each night, a pupil at hög frånvaro
                      (an open High episode) with no investigation recorded at that school gets a "Started" step
                      dated that night (recorded_by replay@simulering) once --investigate-after school days have
                      passed since they reached High — for SHARE (0–1) of such pupils, drawn once per pupil and
                      school from a hash of the pupil key (the same pupils in every replay of the same history)
  --investigate-after N|N-M  school days (the school's days with scheduled time) after reaching hög frånvaro before
                      the step is recorded: N for everyone, or N-M spread evenly over the pupils by the same hash
                      (default 5). A night that is not replayed records on the next one that is.
  -h, --help          this text

Environment:
  SKOLNARVARO_PG_PORT   the private cluster's port (scripts/postgres.sh starts it); the database is created there
  Skolnarvaro__Pseudonymisation__Key   default: a fixed replay key (synthetic data only)
  Skolnarvaro__Notifications__Digest__MaxPupils   cards per digest (default 15); also used for the cards column
  Any other Skolnarvaro__… variable is passed on (demo mode is always switched off).

Files: .local/replay/<db>/nights.log (each night's output), .local/replay/<db>/digests/ (the .eml files).
Exit code: 0 ok, 1 a night failed (its output is shown), 2 usage error.
EOF
}

die() { printf 'replay-digests: %s\n' "$*" >&2; exit "${2:-2}"; }

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)"
HISTORY="" FROM="" TO="" SCHOOL_DAYS_ONLY=0 DB=replay_digests REPORT_ONLY=0 CLI="$ROOT/skolnarvaro"
INVESTIGATE="" INVESTIGATE_AFTER=5
while (( $# > 0 )); do
    case "$1" in
        --history) HISTORY="${2:-}"; shift 2 ;;
        --from) FROM="${2:-}"; shift 2 ;;
        --to) TO="${2:-}"; shift 2 ;;
        --school-days-only) SCHOOL_DAYS_ONLY=1; shift ;;
        --db) DB="${2:-}"; shift 2 ;;
        --report-only) REPORT_ONLY=1; shift ;;
        --cli) CLI="${2:-}"; shift 2 ;;
        --investigate) INVESTIGATE="${2:-}"; shift 2 ;;
        --investigate-after) INVESTIGATE_AFTER="${2:-}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done

[[ -n "$FROM" && -n "$TO" ]] || die "--from and --to are required (see --help)"
date -d "$FROM" +%F >/dev/null 2>&1 && date -d "$TO" +%F >/dev/null 2>&1 || die "--from/--to must be dates (yyyy-MM-dd)"
[[ "$(date -d "$FROM" +%s)" -le "$(date -d "$TO" +%s)" ]] || die "--from must not be after --to"
[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || die "--db must be a plain lower-case name, got '$DB'"
if [[ -n "$INVESTIGATE" ]]; then
    [[ "$INVESTIGATE" =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || die "--investigate must be a share from 0 to 1, got '$INVESTIGATE'"
fi
[[ "$INVESTIGATE_AFTER" =~ ^([0-9]+)(-([0-9]+))?$ ]] || die "--investigate-after must be N or N-M school days, got '$INVESTIGATE_AFTER'"
AFTER_MIN="${BASH_REMATCH[1]}" AFTER_MAX="${BASH_REMATCH[3]:-${BASH_REMATCH[1]}}"
(( AFTER_MIN <= AFTER_MAX )) || die "--investigate-after N-M needs N <= M, got '$INVESTIGATE_AFTER'"
MAX_PUPILS="${Skolnarvaro__Notifications__Digest__MaxPupils:-15}"
[[ "$MAX_PUPILS" =~ ^[0-9]+$ ]] || die "Skolnarvaro__Notifications__Digest__MaxPupils must be a number"

# The cluster: scripts/postgres.sh prints the connection string of the maintenance database.
base="$("$ROOT/scripts/postgres.sh" start 2>/dev/null)" || die "could not start the private PostgreSQL (scripts/postgres.sh start)" 1
PORT="${SKOLNARVARO_PG_PORT:-55432}"
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=skolnarvaro PGPASSWORD=skolnarvaro
export ConnectionStrings__Skolnarvaro="${base%Database=*}Database=$DB"
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

# The simulated rektorer (--investigate): after night $1, record "Utredning inledd" on that night for the chosen share of
# the pupils at hög frånvaro without one, once their delay in school days since reaching High has passed. Both the
# choice and the delay come from one hash of the pupil and school, so they are fixed per pupil, not redrawn each night.
# Prints how many steps were recorded.
simulate_investigations() {
    psql_db -At -v night="$1" -v share="$INVESTIGATE" -v lo="$AFTER_MIN" -v hi="$AFTER_MAX" <<'SQL'
with drawn as (
    select e.skolenhetskod, e.pupil_key, e.entered_on,
           ('x' || substr(md5(encode(e.pupil_key, 'hex') || e.skolenhetskod), 1, 8))::bit(32)::bigint / 4294967296.0 as u
    from level_episode e
    where e.level = 'High' and e.entered_on <= :'night' and (e.left_on is null or e.left_on > :'night')
      and not exists (select 1 from investigation i
                      where i.skolenhetskod = e.skolenhetskod and i.pupil_key = e.pupil_key and i.started_on is not null)
), due as (
    -- u < share picks the pupil; u / share, uniform on [0, 1) among the picked, spreads the delay over lo..hi.
    select d.* from drawn d
    where d.u < :share
      and (select count(distinct f.date) from attendance_fact f
           where f.skolenhetskod = d.skolenhetskod and f.date > d.entered_on and f.date <= :'night' and f.scheduled_min > 0)
          >= :lo + floor(d.u / :share * (:hi - :lo + 1))
), inserted as (
    insert into investigation_step (skolenhetskod, pupil_key, step, step_date, recorded_by, recorded_at)
    select skolenhetskod, pupil_key, 'Started', :'night', 'replay@simulering', (:'night'::date + time '15:00') at time zone 'Europe/Stockholm'
    from due
    returning 1
)
select count(*) from inserted;
SQL
}

WORK="$ROOT/.local/replay/$DB"
if (( ! REPORT_ONLY )); then
    [[ -n "$HISTORY" ]] || die "--history is required (see --help)"
    HISTORY="$(cd "$HISTORY" 2>/dev/null && pwd -P)" || die "--history: no such folder"
    [[ -f "$HISTORY/schools.json" && -d "$HISTORY/inbox" ]] || die "--history: $HISTORY has no schools.json and inbox/"
    [[ -x "$CLI" ]] || die "--cli: $CLI is not executable"

    export Skolnarvaro__Demo__Enabled=false
    export Skolnarvaro__Pseudonymisation__Key="${Skolnarvaro__Pseudonymisation__Key:-replay-digests-synthetic-data-only-0123456789}"
    export Skolnarvaro__SchoolsFile="$HISTORY/schools.json"
    export Skolnarvaro__Notifications__DryRunFolder="$WORK/digests"
    unset Skolnarvaro__Notifications__OpsAddress  # no run report in the outbox

    PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -d skolnarvaro \
        -c "drop database if exists $DB" -c "create database $DB" \
        || die "could not recreate database $DB" 1
    rm -rf "$WORK"; mkdir -p "$WORK/digests"
    log="$WORK/nights.log"
    printf 'replay-digests: %s → %s into database %s (%s); log %s\n' "$FROM" "$TO" "$DB" \
        "$( ((SCHOOL_DAYS_ONLY)) && echo 'school days only' || echo 'every calendar day')" "$log" >&2
    day="$FROM" started=$SECONDS nights=0
    while [[ "$(date -d "$day" +%s)" -le "$(date -d "$TO" +%s)" ]]; do
        if (( ! SCHOOL_DAYS_ONLY )) || (( $(date -d "$day" +%u) < 6 )); then
            t0=$SECONDS
            if ! out="$("$CLI" run-once --as-of "$day" --dry-run 2>&1)"; then
                printf '%s\n' "$out" >&2
                die "the night of $day failed (see above and $log)" 1
            fi
            printf '== %s\n%s\n' "$day" "$out" >>"$log"
            if [[ -n "$INVESTIGATE" ]]; then
                printf 'simulated: %s investigations started\n' "$(simulate_investigations "$day")" >>"$log"
            fi
            nights=$((nights + 1))
            printf 'replay-digests: %s done in %d s (%d nights, %d s so far)\n' "$day" $((SECONDS - t0)) "$nights" $((SECONDS - started)) >&2
        fi
        day="$(date -d "$day + 1 day" +%F)"
    done
fi

# ---- Report ---------------------------------------------------------------------------------------------------
psql_db -c "select 1 from run limit 1" >/dev/null 2>&1 || die "database $DB has no replay (run without --report-only first)" 1
days="$(( ( $(date -d "$TO" +%s) - $(date -d "$FROM" +%s) ) / 86400 + 1 ))"

echo
echo "Digests per school, nights $FROM – $TO ($days days = $(awk "BEGIN{printf \"%.1f\", $days/7}") weeks); MaxPupils $MAX_PUPILS."
echo "news = new or escalated, reminded = still at a level and not told for ReminderCooldownDays, told = news + reminded,"
echo "cards = min(told, MaxPupils); median / largest over the digests after the overview; over_max: digests with told > MaxPupils."
psql_db -P footer=off -v from="$FROM" -v to="$TO" -v max="$MAX_PUPILS" -v days="$days" <<'SQL'
with nights as (
    select r.id, r.as_of from run r where r.kind = 'nightly' and r.as_of between :'from' and :'to'
), digests as (
    select rs.skolenhetskod, n.as_of, rs.new_or_escalated + rs.reminded as told, rs.new_or_escalated as news, rs.reminded,
           row_number() over (partition by rs.skolenhetskod order by n.as_of) as nth
    from run_school rs join nights n on n.id = rs.run_id
    where rs.digest_queued
      and exists (select 1 from outbox o where o.run_id = rs.run_id and o.skolenhetskod = rs.skolenhetskod
                  and o.idempotency_key like 'digest-%')
), after as (select * from digests where nth > 1)
select s.name || ' (' || s.skolenhetskod || ')' as school,
       (select count(*) from digests d where d.skolenhetskod = s.skolenhetskod) as digests,
       round((select count(*) from digests d where d.skolenhetskod = s.skolenhetskod) * 7.0 / :days, 2) as per_week,
       (select to_char(as_of, 'MM-DD') || ': ' || told from digests d where d.skolenhetskod = s.skolenhetskod and nth = 1) as overview,
       (select percentile_cont(0.5) within group (order by news) from after a where a.skolenhetskod = s.skolenhetskod) as news_median,
       (select max(news) from after a where a.skolenhetskod = s.skolenhetskod) as news_max,
       (select percentile_cont(0.5) within group (order by reminded) from after a where a.skolenhetskod = s.skolenhetskod) as reminded_median,
       (select max(reminded) from after a where a.skolenhetskod = s.skolenhetskod) as reminded_max,
       (select percentile_cont(0.5) within group (order by told) from after a where a.skolenhetskod = s.skolenhetskod) as told_median,
       (select max(told) from after a where a.skolenhetskod = s.skolenhetskod) as told_max,
       (select percentile_cont(0.5) within group (order by least(told, :max)) from after a where a.skolenhetskod = s.skolenhetskod) as cards_median,
       (select max(least(told, :max)) from after a where a.skolenhetskod = s.skolenhetskod) as cards_max,
       (select count(*) from after a where a.skolenhetskod = s.skolenhetskod and told > :max) as "over_max"
from school s
where exists (select 1 from run_school rs join nights n on n.id = rs.run_id where rs.skolenhetskod = s.skolenhetskod)
order by s.name;
SQL

echo
echo "Digests one by one (date: told → cards), per school:"
psql_db -At -F ' ' -v from="$FROM" -v to="$TO" -v max="$MAX_PUPILS" <<'SQL'
select s.name || ': ' || string_agg(to_char(r.as_of, 'MM-DD') || ' ' || (rs.new_or_escalated + rs.reminded)
                                    || '→' || least(rs.new_or_escalated + rs.reminded, :max), ', ' order by r.as_of)
from run_school rs join run r on r.id = rs.run_id join school s on s.skolenhetskod = rs.skolenhetskod
where r.kind = 'nightly' and r.as_of between :'from' and :'to' and rs.digest_queued
group by s.name order by s.name;
SQL

echo
echo "Flags per night, hög / riskfrånvaro, on the first 20 school days of the period (days with scheduled time at the school);"
echo "schools in the order: $(psql_db -At -c "select string_agg(name, ', ' order by name) from school s
    where exists (select 1 from run_school rs where rs.skolenhetskod = s.skolenhetskod)")"
psql_db -P footer=off -v from="$FROM" -v to="$TO" <<'SQL'
with school_days as (
    select skolenhetskod, date, row_number() over (partition by skolenhetskod order by date) as day
    from (select distinct skolenhetskod, date from attendance_fact
          where date between :'from' and :'to' and scheduled_min > 0) d
), nights as (
    select sd.day, sd.date, s.name, rs.high, rs.at_risk
    from run r join run_school rs on rs.run_id = r.id join school s on s.skolenhetskod = rs.skolenhetskod
    join school_days sd on sd.skolenhetskod = rs.skolenhetskod and sd.date = r.as_of
    where r.kind = 'nightly' and sd.day <= 20
)
select day, to_char(min(date), 'MM-DD') as date,
       string_agg(lpad(high || '/' || at_risk, 7), ' ' order by name) as "per school (hög/risk)",
       sum(high) || ' / ' || sum(at_risk) as "all schools"
from nights group by day order by day;
SQL

if psql_db -At -c "select 1 from investigation_step where recorded_by = 'replay@simulering' limit 1" | grep -q 1; then
    echo
    echo "Simulated \"Utredning inledd\" (--investigate; recorded_by replay@simulering), per school: steps recorded in the"
    echo "period, and pupils ever at hög frånvaro in it (an episode open on some night of the period)."
    psql_db -P footer=off -v from="$FROM" -v to="$TO" <<'SQL'
select s.name as school,
       (select count(*) from investigation_step i where i.skolenhetskod = s.skolenhetskod and i.recorded_by = 'replay@simulering'
          and i.step_date between :'from' and :'to') as started,
       (select count(distinct e.pupil_key) from level_episode e where e.skolenhetskod = s.skolenhetskod and e.level = 'High'
          and e.entered_on <= :'to' and (e.left_on is null or e.left_on > :'from')) as high_pupils
from school s
where exists (select 1 from run_school rs where rs.skolenhetskod = s.skolenhetskod)
order by s.name;
SQL
fi
