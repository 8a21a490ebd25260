#!/usr/bin/env bash
# The Parquet benchmark: lakewatch vs DuckDB writing and fully reading the same 20-column table
# (bench/parquet_bench.cc describes the data), side by side on this machine, at each thread
# count. Prints a Markdown table with the ratios; bench/RESULTS.md keeps measured figures.
#
# usage: bench/run.sh [ROWS]          (default 10000000)
# env:   BUILD_DIR (default build; must hold parquet_bench: this script builds nothing)
#        THREADS (default 1,2)  REPS (default 3; best of REPS is reported)
#        BENCH_DIR (default a fresh temporary directory, removed afterwards unless KEEP=1)
#        DUCKDB_ZSTD_LEVEL (unset: DuckDB's default zstd level, 3; lakewatch writes level 1)
#
# Needs about 4 GB of free disk for 10M rows (the TSV DuckDB loads) and ~6 GB of memory.
set -euo pipefail

rows=${1:-10000000}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
threads=${THREADS:-1,2}
reps=${REPS:-3}
bench="$build/parquet_bench"
if [ ! -x "$bench" ]; then
  echo "bench/run.sh: $bench not found; build first (make build)" >&2
  exit 1
fi
if [ ! -d node_modules/@duckdb/node-api ]; then
  echo "bench/run.sh: node_modules/@duckdb/node-api missing; run make deps" >&2
  exit 1
fi

if [ -n "${BENCH_DIR:-}" ]; then
  dir=$BENCH_DIR
  mkdir -p "$dir"
else
  dir=$(mktemp -d "${TMPDIR:-/tmp}/lakewatch-bench.XXXXXX")
  [ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT
fi
results="$dir/results.jsonl"
: >"$results"

echo "bench/run.sh: $rows rows, threads $threads, best of $reps, in $dir" >&2
"$bench" write --rows "$rows" --threads "$threads" --reps "$reps" --tsv "$dir/data.tsv" \
  --out "$dir/lakewatch.parquet" >>"$results"
node bench/parquet_vs_duckdb.mjs run --results "$results" --dir "$dir" --threads "$threads" \
  --reps "$reps" >>"$results"
rm -f "$dir/data.tsv"
"$bench" read --threads "$threads" --reps "$reps" "$dir/lakewatch.parquet" "$dir/duckdb.parquet" \
  >>"$results"
node bench/parquet_vs_duckdb.mjs report "$results"
