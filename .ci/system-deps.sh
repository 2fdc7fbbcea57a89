#!/usr/bin/env bash
# The Debian packages the build and the tests need, in one place. Used by .ci/run (before `make` exists) and by
# `make test` (before the browser tests).
#
# It installs only what is missing, so a machine that already has Python >= 3.11 (for example through pyenv)
# keeps it. As root it runs apt-get itself; as any other user it stops at once and prints the command to run.
set -euo pipefail

log() { printf '==> %s\n' "$*"; }

missing=()

# Python >= 3.11 with venv and ensurepip (Debian splits these into python3-venv).
if command -v python3 >/dev/null 2>&1 \
  && python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
else
  missing+=(python3 python3-venv)
fi

need_command() {  # need_command COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}
need_command make make
need_command git git
need_command chromium chromium  # the browser tests drive it headless (tests/browser)

[ -s /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)

# The browser tests check that Chinese text is drawn in a CJK font.
fonts="$(fc-list : family 2>/dev/null || true)"  # captured first: `grep -q` on a pipe would cut fc-list short
grep -qi "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
# The charts' SVG is laid out by vl-convert with Liberation Sans metrics; without the font, Chromium draws its text in
# a wider one (DejaVu Sans), which runs past the SVG: chart titles and axis labels were cut in the PDF.
grep -qi "Liberation Sans" <<<"$fonts" || missing+=(fonts-liberation)

if [ "${#missing[@]}" -eq 0 ]; then
  log "system packages: all present"
  exit 0
fi

command=(apt-get install -y --no-install-recommends "${missing[@]}")
if [ "$(id -u)" -ne 0 ]; then
  echo "error: missing Debian packages: ${missing[*]}. Install them (as root), then run this again:" >&2
  echo "  sudo apt-get update && sudo ${command[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update
log "${command[*]}"
"${command[@]}"
