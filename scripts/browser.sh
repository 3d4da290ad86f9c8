#!/usr/bin/env bash
# The browser the rektor's-page tests drive: Debian's chromium and its chromedriver.
#
#   scripts/browser.sh install    # apt-get install chromium chromium-driver when either is missing
#
# The tests start /usr/bin/chromedriver themselves, headless, with an explicit path (no Selenium Manager, no network).
set -euo pipefail

say() { printf 'browser.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

have_browser() { [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; }

cmd_install() {
    have_browser && return 0
    "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" "the browser tests" chromium chromium-driver
    have_browser || die "installed chromium and chromium-driver, but /usr/bin/chromium or /usr/bin/chromedriver is still missing"
}

case "${1:-}" in
    install) cmd_install ;;
    *) die "usage: scripts/browser.sh install" ;;
esac
