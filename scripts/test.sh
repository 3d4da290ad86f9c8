#!/usr/bin/env bash
# Runs the whole test suite against a real PostgreSQL and real SMTP servers.
#
#   scripts/test.sh                                  # everything
#   scripts/test.sh --filter "FullyQualifiedName~Outbox"   # extra args go to dotnet test
#
# - Uses the database server in SKOLNARVARO_TEST_DB when set; otherwise starts the private
#   cluster (scripts/postgres.sh, installing PostgreSQL with apt when missing). Each test
#   class creates and drops its own database on that server.
# - Makes sure Debian's python3-aiosmtpd is installed: tests start their own SMTP servers
#   with SKOLNARVARO_SMTP_PYTHON (default /usr/bin/python3).
# - Makes sure Debian's chromium and chromium-driver are installed, for the browser tests.
# - Extra arguments are passed to `dotnet test SkolnarvaroPipeline.sln`. The exit code is
#   dotnet test's. Results (.trx) of the latest run land in TestResults/ (git-ignored).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$REPO_ROOT"

say() { printf 'test.sh: %s\n' "$*" >&2; }

if [[ -z "${SKOLNARVARO_TEST_DB:-}" ]]; then
    SKOLNARVARO_TEST_DB="$(scripts/postgres.sh start)"
    say "PostgreSQL: private cluster on ${SKOLNARVARO_TEST_DB%%;Username=*}"
else
    say "PostgreSQL: SKOLNARVARO_TEST_DB from the environment"
fi
export SKOLNARVARO_TEST_DB

export SKOLNARVARO_SMTP_PYTHON="${SKOLNARVARO_SMTP_PYTHON:-/usr/bin/python3}"
if [[ "$SKOLNARVARO_SMTP_PYTHON" == /usr/bin/python3 ]]; then
    scripts/smtp.sh install
fi

# The rektor's page is tested in a real headless Chromium (Debian's chromium and chromium-driver).
scripts/browser.sh install

# The production lane sets the worker's clock with libfaketime (Debian's faketime).
compgen -G '/usr/lib/*/faketime/libfaketime.so.1' >/dev/null || scripts/apt-install.sh "the production lane's clock" faketime

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Console: failures with message and stack trace, plus a summary per project. TRX: every
# result, for CI artefacts. A test stuck for longer than the hang timeout is killed and
# named instead of silently eating the CI time budget.
rm -rf "$REPO_ROOT/TestResults"
status=0
dotnet test SkolnarvaroPipeline.sln \
    --logger "console;verbosity=minimal" \
    --logger "trx;LogFilePrefix=results" \
    --results-directory "$REPO_ROOT/TestResults" \
    --blame-hang-timeout "${SKOLNARVARO_TEST_HANG_TIMEOUT:-5m}" \
    --blame-hang-dump-type none \
    "$@" || status=$?

if (( status != 0 )); then
    say "dotnet test failed (exit $status). Server log: .local/postgres/log; TRX files: TestResults/"
fi
exit "$status"
