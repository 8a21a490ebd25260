# lakewatch: the two commands of the README, and the steps they are made of.
#
#   make demo    install dependencies, build, run the demo
#   make test    install dependencies, build, run every test: unit/end-to-end (ctest), the unit
#                tests and the Parquet conformance test again under ASan+UBSan, and each libFuzzer
#                target for 60 s
#
# Other targets: deps, build, bench, bench-delta, bench-ingest, bench-sql, bench-drift, bench-monitor,
# sql-differential, fuzz
# (FUZZ_SECONDS=600 per target), clean, distclean.
# Builds use Ninja with JOBS parallel jobs (default 2, the CI machine's cores).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := build

JOBS ?= 2
BUILD_TYPE ?= RelWithDebInfo
FUZZ_SECONDS ?= 600
SMOKE_FUZZ_SECONDS ?= 60

# Sanitizer and fuzz builds keep assertions on (no -DNDEBUG) but still optimize a little.
CHECKED_FLAGS := -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" \
                 -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"

export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS ?= detect_leaks=1:check_initialization_order=1

# Steps run one after another even under `make -j`: the parallelism is inside Ninja and ctest.
.NOTPARALLEL:

.PHONY: deps configure build test unit-test san-build asan-test fuzz-build fuzz-smoke demo bench bench-delta bench-ingest bench-sql fuzz \
        sql-differential bench-drift bench-monitor clean distclean

deps:
	scripts/deps.sh

configure: deps
	cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: configure
	ninja -C build -j$(JOBS)

test: build
	$(MAKE) --no-print-directory unit-test asan-test fuzz-smoke
	@echo "make test: all steps passed"

# The steps of `make test`; each assumes `make deps` has run.
unit-test:
	ctest --test-dir build --output-on-failure -j$(JOBS)

# One clang build serves the sanitizer tests and the fuzz targets (-fsanitize=address,undefined
# everywhere, plus libFuzzer's coverage hooks): a second instrumented build of every module would
# cost CI ~10 minutes for nothing.
SAN_BUILD ?= build-san
san-build:
	CC=clang CXX=clang++ cmake -S . -B $(SAN_BUILD) -G Ninja -DLAKEWATCH_SANITIZE=ON \
	  -DLAKEWATCH_FUZZ=ON -DLAKEWATCH_BENCH=OFF $(CHECKED_FLAGS)
	ninja -C $(SAN_BUILD) -j$(JOBS)

asan-test: san-build
	ctest --test-dir $(SAN_BUILD) -L "unit|sanitize" --output-on-failure -j$(JOBS)

fuzz-build: san-build

# Each target fuzzes for SMOKE_FUZZ_SECONDS; JOBS targets run side by side.
fuzz-smoke: fuzz-build
	FUZZ_BUILD=$(SAN_BUILD) FUZZ_JOBS=$(JOBS) scripts/run_fuzz.sh $(SMOKE_FUZZ_SECONDS)

# The demo needs only the lakewatch binary (not the tests and benchmarks `build` also makes).
demo: configure
	ninja -C build -j$(JOBS) lakewatch
	scripts/demo.sh

bench: build
	@if [ -x bench/run.sh ]; then bench/run.sh; \
	else echo "bench: no bench/run.sh yet; benchmark binaries (if any) are in build/"; fi

# Delta snapshot load time, 10,000 commits / ~100,000 files (bench/delta_bench.cc; a few minutes).
bench-delta: build
	build/delta_bench $(DELTA_BENCH_ARGS)

# lakewatch ingest vs DuckDB read_json_auto → Parquet on generated ML events (bench/run_ingest.sh;
# 1M and 3M events, 1 and 2 threads, best of 3: ~15 minutes, ~2 GB of disk in /tmp).
INGEST_BENCH_EVENTS ?= 1000000 3000000
bench-ingest: build
	bench/run_ingest.sh $(INGEST_BENCH_EVENTS)

# lakewatch query vs DuckDB over the same Parquet files: 16 monitoring queries on generated ML
# events, answers compared (bench/run_sql.sh; 10M events, 1 and 2 threads, best of 3; the dataset
# is built once, ~15 minutes, and cached in /tmp/lakewatch-sql-bench, ~1 GB).
SQL_BENCH_EVENTS ?= 10000000
bench-sql: build
	bench/run_sql.sh $(SQL_BENCH_EVENTS)

# Drift statistics against scipy: 20 numeric + 5 categorical features, 1M vs 1M rows, answers
# compared (bench/drift_bench.cc + bench/drift_scipy.py; a few minutes).
bench-drift: build
	ninja -C build bench-drift

# monitor run over 10M generated events, 4 versions, 1h + 1d windows, 2 threads (bench/monitor_bench.cc;
# the table is generated once, ~1 minute, and cached in /tmp/lakewatch-monitor-bench).
MONITOR_BENCH_ARGS ?= --events 10000000 --threads 2 --reps 3
bench-monitor: build
	build/monitor_bench --dir /tmp/lakewatch-monitor-bench $(MONITOR_BENCH_ARGS)

# The whole differential SQL test: 10,000 random queries over 50,000 events, lakewatch vs DuckDB
# over the same Parquet files (tests/sql/differential.mjs --full; about half an hour on 2 cores). CI runs
# a 1,000-query slice (ctest -L differential). Other options: SQL_DIFFERENTIAL_ARGS="--seed 7".
SQL_DIFFERENTIAL_ARGS ?=
sql-differential: build
	node tests/sql/differential.mjs --lakewatch build/lakewatch --full $(SQL_DIFFERENTIAL_ARGS)

fuzz: deps
	$(MAKE) --no-print-directory fuzz-build
	FUZZ_BUILD=$(SAN_BUILD) FUZZ_JOBS=$(JOBS) scripts/run_fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build $(SAN_BUILD) build-asan build-fuzz

distclean: clean
	rm -rf node_modules lakewatch-data
