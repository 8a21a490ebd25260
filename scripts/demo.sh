#!/usr/bin/env bash
# `make demo`: the main job — `lakewatch demo` simulates two models in production (a fraud
# detector and a delivery-time regressor over 14 days: a rollout from version 2 to 3, input
# drift, a concept change in one segment, late labels, a new error in version 3), ingests
# everything through the real ingestion path, runs the monitors and writes the reports.
#
# usage: scripts/demo.sh [ARGS for lakewatch demo]
# env:   LAKEWATCH (the binary, default build/lakewatch), DEMO_OUT (default lakewatch-demo)
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
lw=${LAKEWATCH:-$root/build/lakewatch}
out=${DEMO_OUT:-$root/lakewatch-demo}

if [ ! -x "$lw" ]; then
  echo "demo: $lw not found; run 'make build' first" >&2
  exit 1
fi
exec "$lw" demo --out "$out" "$@"
