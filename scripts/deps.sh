#!/usr/bin/env bash
# Installs everything lakewatch needs to build and test, idempotently:
#   1. the Debian packages of scripts/packages.txt that are not installed yet (apt-get, with sudo
#      when not root), and
#   2. the npm test peers of package-lock.json (`npm ci`) when node_modules is missing or older
#      than the lock file.
# When everything is present it only reads the package database: well under 2 s, no network.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

say() { echo "deps: $*"; }

# ---- Debian packages
wanted=()   # packages to check with dpkg
while read -r pkg cmd _; do
  [ -n "$pkg" ] || continue
  if [ -n "${cmd:-}" ]; then
    command -v "$cmd" >/dev/null 2>&1 && continue   # provided by something else
  fi
  wanted+=("$pkg")
done < <(sed -e 's/#.*//' scripts/packages.txt)

missing=()
if [ ${#wanted[@]} -gt 0 ]; then
  # One dpkg-query for all; unknown packages print nothing on stdout (an error on stderr).
  declare -A installed=()
  while read -r name status; do
    [ "$status" = "ii" ] && installed[$name]=1
  done < <(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${wanted[@]}" 2>/dev/null || true)
  for pkg in "${wanted[@]}"; do
    [ -n "${installed[$pkg]:-}" ] || missing+=("$pkg")
  done
fi

if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  log=$(mktemp "${TMPDIR:-/tmp}/lakewatch-deps.XXXXXX.log")
  if ! { "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q \
           --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "deps: apt-get failed; full log in $log" >&2
    exit 1
  fi
  rm -f "$log"
  say "installed ${#missing[@]} package(s)"
fi

# ---- npm test peers
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ] ||
     [ package-lock.json -nt node_modules/.package-lock.json ]; then
    command -v npm >/dev/null 2>&1 || { echo "deps: npm not found after installing packages" >&2; exit 1; }
    say "npm ci (test peers from package-lock.json)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
