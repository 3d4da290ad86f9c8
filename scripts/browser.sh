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
    say "installing Debian's chromium and chromium-driver (the browser tests) with apt..."
    local sudo=()
    if [[ $EUID -ne 0 ]]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
            sudo=(sudo)
        else
            die "chromium or chromium-driver is not installed and this user cannot install them (not root, no password-less sudo).
Install them once as an administrator:  apt-get update && apt-get install -y chromium chromium-driver"
        fi
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium chromium-driver
    have_browser || die "installed chromium and chromium-driver, but /usr/bin/chromium or /usr/bin/chromedriver is still missing"
}

case "${1:-}" in
    install) cmd_install ;;
    *) die "usage: scripts/browser.sh install" ;;
esac
