#!/usr/bin/env bash
# Runs every libFuzzer target of the fuzz build for SECONDS each (default 60), FUZZ_JOBS at a time.
#
# usage: scripts/run_fuzz.sh [SECONDS]      env: FUZZ_BUILD (default build-san), FUZZ_JOBS (default 1)
#
# Targets are the executables named fuzz_* in $FUZZ_BUILD or $FUZZ_BUILD/fuzz (built by
# `make fuzz-build` from fuzz/fuzz_<name>.cc). Each one keeps a growing corpus in
# $FUZZ_BUILD/corpus/<name>, seeded from ../shared/data where that exists (see seed_files), and
# fuzz/corpus/<name> when the repository ships seeds. A crash, leak, timeout or sanitizer report
# fails the run; the reproducer is left in $FUZZ_BUILD/artifacts/.
set -euo pipefail

seconds=${1:-60}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${FUZZ_BUILD:-build-san}
shared="$root/../shared/data"

# Seed inputs for a target, one path per line, from the shared corpus (absent outside the
# workplace: then none). Matched on the target's name. Sizes are in k: find rounds sizes up to
# whole units, so `-size -1M` would match empty files only.
seed_files() {
  local name=$1
  [ -d "$shared" ] || return 0
  case "$name" in
    *parquet*|*thrift*|*page*)
      find "$shared/conformance" -name '*.parquet' -size -4M ;;
    *delta*|*log_replay*|*checkpoint*)
      find "$shared/conformance/delta-golden" -path '*_delta_log/*' \
        \( -name '*.json' -o -name '*.checkpoint*.parquet' \) -size -1024k ;;
    *json*|*ingest*|*flatten*)
      [ -d "$shared/json" ] && find "$shared/json" -type f -size -1024k | head -n 2000 ;;
    *logfmt*|*csv*|*text*|*template*)
      [ -d "$shared/logs" ] && find "$shared/logs" -type f -size -1024k | head -n 500 ;;
    *sql*|*lexer*|*parser*)
      [ -d "$shared/sql" ] && find "$shared/sql" -type f -size -1024k | head -n 2000 ;;
  esac
  return 0
}

mapfile -t targets < <(find "$build" "$build/fuzz" -maxdepth 1 -type f -name 'fuzz_*' \
                         -perm -u+x 2>/dev/null | sort)
if [ ${#targets[@]} -eq 0 ]; then
  echo "run_fuzz: no fuzz targets in $build yet."
  echo "run_fuzz: hint: add fuzz/fuzz_<parser>.cc (LLVMFuzzerTestOneInput) and list it in" \
       "fuzz/fuzz.cmake, then 'make fuzz-build'."
  exit 0
fi
[ -d "$shared" ] || echo "run_fuzz: ../shared/data not found: fuzzing without shared seeds"

# One target: seed its corpus, fuzz it, leave its outcome in $build/fuzz_<name>.status.
run_target() {
  local bin=$1 name corpus artifacts nseeds
  name=$(basename "$bin")
  name=${name#fuzz_}
  corpus="$build/corpus/$name"
  artifacts="$build/artifacts"
  mkdir -p "$corpus" "$artifacts"
  # Seeds are stored under their content hash, as libFuzzer names corpus files.
  local seeds=()
  mapfile -t seeds < <(seed_files "$name")
  if [ ${#seeds[@]} -gt 0 ]; then
    while read -r hash f; do
      [ -e "$corpus/$hash" ] || cp "$f" "$corpus/$hash"
    done < <(printf '%s\0' "${seeds[@]}" | xargs -0 sha1sum)
  fi
  nseeds=${#seeds[@]}
  local dirs=("$corpus")
  [ -d "fuzz/corpus/$name" ] && dirs+=("fuzz/corpus/$name")
  echo "run_fuzz: $name for ${seconds}s ($nseeds shared seeds, corpus $corpus)"
  if ! "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$name-" "${dirs[@]}" >"$build/fuzz_$name.log" 2>&1; then
    echo failed >"$build/fuzz_$name.status"
    { tail -n 60 "$build/fuzz_$name.log"
      # The finding itself, again, next to the verdict (a CI log shows its tail).
      grep -E 'runtime error|ERROR: |SUMMARY: |^Base64: ' "$build/fuzz_$name.log" | head -n 12
      echo "run_fuzz: FAILED $name (log $build/fuzz_$name.log, reproducer in $artifacts/)"; }
  else
    echo passed >"$build/fuzz_$name.status"
    echo "run_fuzz: $name: $(grep -E '^stat::number_of_executed_units' "$build/fuzz_$name.log" |
                              tail -n 1 || true)"
  fi
}

# FUZZ_JOBS targets run side by side (each still fuzzes for $seconds of its own).
jobs=${FUZZ_JOBS:-1}
running=0
for bin in "${targets[@]}"; do
  rm -f "$build/fuzz_$(basename "$bin" | sed 's/^fuzz_//').status"
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
  run_target "$bin" &
  running=$((running + 1))
done
wait || true

failed=()
for bin in "${targets[@]}"; do
  name=$(basename "$bin")
  name=${name#fuzz_}
  [ "$(cat "$build/fuzz_$name.status" 2>/dev/null)" = passed ] || failed+=("$name")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "run_fuzz: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]}"
  exit 1
fi
echo "run_fuzz: ${#targets[@]} targets ran ${seconds}s each without a finding"
