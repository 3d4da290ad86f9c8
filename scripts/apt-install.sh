#!/usr/bin/env bash
# Installs Debian packages the tests need, as root or with password-less sudo; otherwise says what an
# administrator should run. Used by postgres.sh, smtp.sh and browser.sh.
#
#   scripts/apt-install.sh "what they are for" package…
set -euo pipefail

what="$1"; shift
sudo=()
if [[ $EUID -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        sudo=(sudo)
    else
        printf 'apt-install: %s (%s) is not installed and this user cannot install it (not root, no password-less sudo).\nInstall it once as an administrator:  apt-get update && apt-get install -y %s\n' \
            "$*" "$what" "$*" >&2
        exit 1
    fi
fi
printf 'apt-install: installing %s (%s) with apt...\n' "$*" "$what" >&2
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@"
