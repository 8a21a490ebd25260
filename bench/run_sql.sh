#!/usr/bin/env bash
# The SQL benchmark: a suite of monitoring queries (bench/sql_vs_duckdb.mjs lists them and says
# exactly what is timed) answered by `lakewatch query` and by DuckDB reading the same Parquet
# files, at each thread count, best of REPS, with every answer compared. Prints a Markdown
# table; bench/RESULTS.md ("SQL") keeps measured figures. Exits 1 when an answer differs or a
# query fails.
#
# usage: bench/run_sql.sh [EVENTS]          (default 10000000)
# env:   BUILD_DIR (default build; must hold lakewatch: this script builds nothing)
#        THREADS (default 1,2)  REPS (default 3)  SEED (default 42)  DAYS (default 3)
#        ONLY (comma-separated query names: run only those)
#        BENCH_DIR (default ${TMPDIR:-/tmp}/lakewatch-sql-bench): the dataset is cached there and
#                  reused by later runs: data-N-sSEED-dDAYS/ is a lakewatch data directory with
#                  the tables `ev` (the events of bench/gen_events.mjs --sql-fields) and `labels`
#                  (its --labels file, ingested with --timestamp received_at). REINGEST=1 builds
#                  it again (e.g. after a change of the writer); REINDEX=1 rebuilds only the
#                  search-index sidecars with this lakewatch (`index build --rebuild`: needed when
#                  the sidecar hashing changed since the ingest, else match() and request_id
#                  lookups miss rows); KEEP_INPUT=1 keeps the JSON lines (~545 bytes per event)
#                  that are otherwise deleted after the ingest.
#
# Needs ~60 bytes of disk per event for the tables (plus the input while it is ingested) and
# node_modules (make deps). 10M events: generating and ingesting take ~10 minutes once.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
threads=${THREADS:-1,2}
reps=${REPS:-3}
seed=${SEED:-42}
days=${DAYS:-3}
start=2025-11-20T00:00:00Z
events=${1:-10000000}
lakewatch="$build/lakewatch"
if [ ! -x "$lakewatch" ]; then
  echo "bench/run_sql.sh: $lakewatch not found; build first (make build)" >&2
  exit 1
fi
if [ ! -d node_modules/@duckdb/node-api ]; then
  echo "bench/run_sql.sh: node_modules/@duckdb/node-api missing; run make deps" >&2
  exit 1
fi
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/lakewatch-sql-bench}
mkdir -p "$dir"
name="$events-s$seed-d$days"
data="$dir/data-$name"
events_file="$dir/events-$name.jsonl"
labels_file="$dir/labels-$name.jsonl"

echo "bench/run_sql.sh: $events events, threads $threads, best of $reps, in $dir" >&2
echo "  lakewatch: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?') ($lakewatch)," \
     "node $(node --version), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

if [ "${REINGEST:-0}" = 1 ] || [ ! -f "$data/.complete" ]; then
  rm -rf "$data"
  if [ ! -s "$events_file" ] || [ ! -s "$labels_file" ]; then
    echo "  generating $events_file and $labels_file" >&2
    node bench/gen_events.mjs --events "$events" --seed "$seed" --days "$days" --start "$start" \
      --sql-fields --labels "$labels_file.tmp" --out "$events_file.tmp"
    mv "$labels_file.tmp" "$labels_file"
    mv "$events_file.tmp" "$events_file"
  fi
  echo "  ingesting into $data" >&2
  mkdir -p "$data"
  "$lakewatch" --data "$data" ingest --table ev --format json "$events_file" >&2
  "$lakewatch" --data "$data" ingest --table labels --timestamp received_at --format json "$labels_file" >&2
  echo "events=$events seed=$seed days=$days lakewatch=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" \
    >"$data/.complete"
  [ "${KEEP_INPUT:-0}" = 1 ] || rm -f "$events_file" "$labels_file"
else
  echo "  reusing $data ($(cat "$data/.complete"))" >&2
  if [ "${REINDEX:-0}" = 1 ]; then
    for t in ev labels; do
      echo "  rebuilding the search-index sidecars of $t" >&2
      "$lakewatch" --data "$data" index build --table "$t" --rebuild >&2
    done
    echo "reindexed with lakewatch=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')" >>"$data/.complete"
  fi
fi

results="$dir/results-$name-$(date -u +%Y%m%dT%H%M%SZ).json"
status=0
only=()
[ -z "${ONLY:-}" ] || only=(--only "$ONLY")
node bench/sql_vs_duckdb.mjs run --lakewatch "$lakewatch" --data "$data" --events "$events" \
  --start "$start" --days "$days" --threads "$threads" --reps "$reps" "${only[@]}" --out "$results" || status=$?
if [ ! -s "$results" ]; then
  echo "bench/run_sql.sh: no results (exit $status)" >&2
  exit 1
fi
echo "  results: $results" >&2
node bench/sql_vs_duckdb.mjs report "$results" || status=1
exit "$status"
