#!/usr/bin/env bash
# The ingest benchmark: `lakewatch ingest` of generated ML inference events (JSON lines,
# bench/gen_events.mjs) into a Delta table, against DuckDB's read_json_auto → Parquet (zstd),
# side by side on this machine at each thread count, best of REPS (bench/ingest_vs_duckdb.mjs
# says exactly what is timed). Prints a Markdown table; bench/RESULTS.md ("Ingest") keeps
# measured figures.
#
# usage: bench/run_ingest.sh [EVENTS...]     (default 1000000; several sizes, e.g.
#                                              `1000000 3000000`, show whether peak RSS grows
#                                              with the input)
# env:   BUILD_DIR (default build; must hold lakewatch: this script builds nothing)
#        THREADS (default 1,2)  REPS (default 3; best of REPS is reported)  SEED (default 42)
#        DAYS (default 3: the events' time span, so the table's number of date partitions)
#        BENCH_DIR (default a fresh temporary directory, removed afterwards unless KEEP=1;
#                   generated inputs events-N-sSEED-dDAYS.jsonl found there are reused)
#
# Needs ~460 bytes of disk per event for the input, about as much again for the outputs, and
# node_modules (make deps).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
threads=${THREADS:-1,2}
reps=${REPS:-3}
seed=${SEED:-42}
days=${DAYS:-3}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000)
lakewatch="$build/lakewatch"
if [ ! -x "$lakewatch" ]; then
  echo "bench/run_ingest.sh: $lakewatch not found; build first (make build)" >&2
  exit 1
fi
if [ ! -d node_modules/@duckdb/node-api ]; then
  echo "bench/run_ingest.sh: node_modules/@duckdb/node-api missing; run make deps" >&2
  exit 1
fi

if [ -n "${BENCH_DIR:-}" ]; then
  dir=$BENCH_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d "${TMPDIR:-/tmp}/lakewatch-ingest-bench.XXXXXX")
  [ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT
fi
results="$dir/results.jsonl"
: >"$results"

echo "bench/run_ingest.sh: events ${sizes[*]}, threads $threads, best of $reps, in $dir" >&2
echo "  lakewatch: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') ($lakewatch)," \
     "node $(node --version), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for n in "${sizes[@]}"; do
  input="$dir/events-$n-s$seed-d$days.jsonl"
  if [ ! -s "$input" ]; then
    node bench/gen_events.mjs --events "$n" --seed "$seed" --days "$days" --out "$input"
  fi
  work="$dir/work-$n"
  node bench/ingest_vs_duckdb.mjs run --lakewatch "$lakewatch" --input "$input" --dir "$work" \
    --threads "$threads" --reps "$reps" --events "$n" >>"$results"
  rm -rf "$work"
done
node bench/ingest_vs_duckdb.mjs report "$results"
