#!/usr/bin/env bash
# `make demo`: the richest thing lakewatch can show today.
#
# Once the CLI has a `demo` command (simulate, ingest, monitor, report: DESIGN.md), this script
# hands over to `lakewatch demo`. Until then it shows the Parquet layer through the documented
# CLI (`lakewatch parquet schema|meta|cat|convert`): on a model-event file that DuckDB writes
# (nested structs, lists, timestamps, decimals) and on files from the conformance corpus in
# ../shared/data/conformance when present. Every rewritten file is read back by DuckDB and
# compared value for value with what DuckDB reads from the original.
#
# usage: scripts/demo.sh [ARGS for lakewatch demo]   env: LAKEWATCH (binary), DEMO_OUT (dir)
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
lw=${LAKEWATCH:-$root/build/lakewatch}
out=${DEMO_OUT:-$root/build/demo}
conf=$root/../shared/data/conformance/parquet-testing/data
duck=(node "$root/tests/peers/duckdb_query.mjs")

if [ ! -x "$lw" ]; then
  echo "demo: $lw not found; run 'make build' first" >&2
  exit 1
fi
# (`lakewatch X --help` prints the top-level help for an unknown X, so ask the command list.)
if "$lw" --help 2>/dev/null | grep -qE '^  demo( |$)'; then
  exec "$lw" demo "$@"
fi

bold=$'\e[1m' dim=$'\e[2m' off=$'\e[0m'
[ -t 1 ] || { bold='' dim='' off=''; }
ok=0
failed=()
shown=

step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }
# run LABEL CMD...: runs CMD (60 s at most), shows it and its output, records the outcome.
# $shown, when set, is printed instead of CMD.
run() {
  local label=$1 text
  shift
  text=${shown:-$*}
  shown=
  text=${text//"$lw"/lakewatch}
  text=${text//"$root/"/}
  printf '%s$ %s%s\n' "$dim" "$text" "$off"
  if timeout 60 "$@"; then
    ok=$((ok + 1))
  else
    echo "demo: FAILED ($?): $label"
    failed+=("$label")
  fi
}
have_duckdb() { [ -d "$root/node_modules/@duckdb/node-api" ] && command -v node >/dev/null; }

rm -rf "$out"
mkdir -p "$out"
echo "lakewatch demo (Parquet and Delta layers; the full monitoring demo arrives with 'lakewatch demo')"
echo "output folder: $out"

files=()
if have_duckdb; then
  step "DuckDB writes 20,000 model prediction events (nested features, lists, decimals)"
  if "${duck[@]}" "COPY (
      SELECT TIMESTAMPTZ '2025-11-24 00:00:00+00' + to_seconds(i * 37) AS timestamp,
             {'name': 'fraud', 'version': 'v' || (1 + i // 8000)::VARCHAR} AS model,
             'req-' || i::VARCHAR AS request_id,
             {'label': (hash(i) % 7 = 0), 'score': round((hash(i) % 10000) / 10000.0, 4)}
               AS prediction,
             CASE WHEN i % 5 = 0 THEN NULL ELSE hash(i * 3) % 7 = 0 END AS label,
             {'amount': ((hash(i * 5) % 100000) / 100.0)::DECIMAL(12, 2),
              'country': ['US', 'DE', 'NG', 'IN', 'BR'][1 + i % 5],
              'age': 18 + i % 60} AS features,
             (5 + hash(i * 11) % 200) / 1.7 AS latency_ms,
             CASE WHEN i % 3 = 0 THEN [] ELSE ['web', 'eu-west'][1:1 + i % 2] END AS tags
      FROM range(20000) t(i)) TO '$out/events.parquet' (FORMAT parquet, COMPRESSION snappy)" \
      >/dev/null; then
    files+=("$out/events.parquet")
    ok=$((ok + 1))
  else
    failed+=("duckdb writes events.parquet")
  fi
else
  echo "demo: node_modules missing (run 'make deps'): skipping the DuckDB-written file"
fi

if [ -d "$conf" ]; then
  for f in alltypes_plain.snappy nested_lists.snappy nested_maps.snappy byte_array_decimal \
           datapage_v2.snappy delta_binary_packed hadoop_lz4_compressed \
           int32_with_null_pages; do
    [ -f "$conf/$f.parquet" ] && files+=("$conf/$f.parquet")
  done
else
  echo "demo: ../shared/data/conformance not found: showing only the generated file"
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "demo: no Parquet file to show (neither DuckDB nor ../shared is available)" >&2
  exit 1
fi

for f in "${files[@]}"; do
  name=$(basename "$f" .parquet)
  step "$name: schema"
  run "schema $name" "$lw" parquet schema "$f"
  step "$name: row groups, encodings, codecs, statistics"
  run "meta $name" "$lw" parquet meta "$f"
  step "$name: first rows"
  shown="$lw parquet cat $f --format table | head -n 12"
  run "cat $name" bash -c '"$1" parquet cat "$2" --format table | head -n 12' _ "$lw" "$f"
  step "$name: rewrite with lakewatch's writer (zstd), read back by DuckDB"
  conv="$out/$name.zstd.parquet"
  run "convert $name" "$lw" parquet convert "$f" "$conv" --compression zstd
  if [ -f "$conv" ] && have_duckdb; then
    printf '%s\n' "$(stat -c '%s' "$f") bytes -> $(stat -c '%s' "$conv") bytes"
    # Same values after the rewrite (row order is kept by the writer). The reference is what
    # DuckDB reads from the original, or hyparquet where DuckDB cannot (legacy LZ4).
    ref="$out/$name.orig.jsonl"
    timeout 120 "${duck[@]}" "SELECT * FROM read_parquet('$f')" >"$ref" 2>/dev/null ||
      timeout 120 node tests/peers/hyparquet_read.mjs "$f" >"$ref" 2>/dev/null || : >"$ref"
    if timeout 120 "${duck[@]}" "SELECT * FROM read_parquet('$conv')" >"$out/$name.conv.jsonl" &&
       [ -s "$ref" ] && cmp -s "$ref" "$out/$name.conv.jsonl"; then
      echo "DuckDB reads the same $(wc -l <"$ref") rows from the rewritten file"
      ok=$((ok + 1))
    else
      echo "demo: the rewritten $name differs from the original (or cannot be read)"
      failed+=("round trip $name")
    fi
  fi
done

# The Delta layer: the generated events become a Delta table, one commit per model version
# (as a daily ingestion would), then history, time travel and maintenance.
if [ -f "$out/events.parquet" ] && have_duckdb; then
  table="$out/tables/events"
  step "Delta table: the events appended in three commits, one per model version"
  batches=()
  for v in 1 2 3; do
    b="$out/events-v$v.parquet"
    if timeout 60 "${duck[@]}" "COPY (SELECT * FROM read_parquet('$out/events.parquet')
          WHERE model.version = 'v$v') TO '$b' (FORMAT parquet)" >/dev/null; then
      batches+=("$b")
    fi
  done
  for b in "${batches[@]}"; do
    run "append $(basename "$b")" "$lw" table append "$table" "$b"
  done
  step "Delta table: what it holds, its commits and its files"
  run "describe" "$lw" table describe "$table"
  run "history" "$lw" table history "$table" --format table
  run "files" "$lw" table files "$table" --format table
  step "Delta table: time travel — the table as of version 1 (only v1's events)"
  shown="$lw table scan $table --version 1 --columns timestamp,model,prediction --limit 5 --format table"
  run "time travel" "$lw" table scan "$table" --version 1 --columns timestamp,model,prediction \
    --limit 5 --format table
  step "Delta table: compaction and a checkpoint (readers load the snapshot from it)"
  run "optimize" "$lw" table optimize "$table"
  run "checkpoint" "$lw" table checkpoint "$table"
  run "history after" "$lw" table history "$table" --limit 3 --format table
fi

step "summary"
echo "$ok steps ok, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  printf '  failed: %s\n' "${failed[@]}"
  exit 1
fi
