# End-to-end, differential and conformance tests under tests/ (included by CMakeLists.txt when
# present, inside if(LAKEWATCH_TESTS) after enable_testing()).
#
# Labels: `conformance` = the Parquet corpus tests (need node, the npm test peers from
# package-lock.json and ../shared/data/conformance; they exit 77 = skipped when the corpus is
# absent). Run them alone with `ctest --test-dir build -L conformance --output-on-failure`.

find_program(LW_NODE node)
if(NOT LW_NODE)
  message(WARNING "node not found: the conformance tests are not registered (run `make deps`)")
else()
  # Semantic comparer self-test: needs neither the corpus nor the lakewatch binary.
  add_test(NAME conformance_compare_selftest
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/conformance/compare_test.mjs
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(conformance_compare_selftest PROPERTIES LABELS conformance TIMEOUT 60)

  # lakewatch parquet cat vs DuckDB on every parquet-testing file; bad_data clean errors.
  add_test(NAME parquet_conformance
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/conformance/parquet_conformance.mjs
                   --lakewatch $<TARGET_FILE:lakewatch>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  # lakewatch parquet convert of every readable file, read back by DuckDB and hyparquet.
  add_test(NAME parquet_roundtrip
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/conformance/parquet_roundtrip.mjs
                   --lakewatch $<TARGET_FILE:lakewatch>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  # Each takes about a minute or less on 2 cores (one node process with one DuckDB instance,
  # lakewatch spawned per file); the timeout leaves room for a loaded machine.
  set_tests_properties(parquet_conformance parquet_roundtrip PROPERTIES
                       LABELS conformance SKIP_RETURN_CODE 77 TIMEOUT 300)
  # Label `sanitize`: also run in the sanitizer build (`make asan-test`: every bad_data file gives a
  # clean error with no sanitizer report). The other conformance tests run in the normal build only.
  set_tests_properties(parquet_conformance PROPERTIES LABELS "conformance;sanitize")
endif()

# Parquet tests written by the Parquet writer's owner (randomized round trip, ...).
include(${CMAKE_SOURCE_DIR}/tests/parquet/parquet_tests.cmake OPTIONAL)
# Delta interop: DuckDB and an independent log replay read what lakewatch writes.
include(${CMAKE_SOURCE_DIR}/tests/delta/delta_interop.cmake OPTIONAL)
# Delta writer concurrency and crash-safety tests.
include(${CMAKE_SOURCE_DIR}/tests/delta/delta_writer_tests.cmake OPTIONAL)
# Delta Lake tests (golden tables, ...).
include(${CMAKE_SOURCE_DIR}/tests/delta/delta_tests.cmake OPTIONAL)
# End-to-end tests of lakewatch ingest (JSON differential, JSONTestSuite, real samples).
include(${CMAKE_SOURCE_DIR}/tests/ingest/ingest_tests.cmake OPTIONAL)
# SQL behaviour tests: tests/sql/**/*.test in sqllogictest form (label `sql`).
include(${CMAKE_SOURCE_DIR}/tests/sql/sql_tests.cmake OPTIONAL)
# End-to-end SQL tests through the CLI (search index answers = scan answers).
include(${CMAKE_SOURCE_DIR}/tests/sql/sql_e2e.cmake OPTIONAL)
# Differential SQL test: random queries, lakewatch vs DuckDB over the same files (`differential`).
include(${CMAKE_SOURCE_DIR}/tests/sql/differential.cmake OPTIONAL)
# Monitoring: drift statistics and performance metrics against scipy / scikit-learn (oracle tests).
include(${CMAKE_SOURCE_DIR}/tests/monitor/stats_oracle.cmake OPTIONAL)
include(${CMAKE_SOURCE_DIR}/tests/monitor/metrics_oracle.cmake OPTIONAL)
include(${CMAKE_SOURCE_DIR}/tests/monitor/monitor_tests.cmake OPTIONAL)
# The report: rendered from a sample, opened in headless Chromium (tests/report/).
include(${CMAKE_SOURCE_DIR}/tests/report/report_tests.cmake OPTIONAL)
# The demo end to end: simulate, ingest, monitor, report; detections asserted (tests/demo/).
include(${CMAKE_SOURCE_DIR}/tests/demo/demo_tests.cmake OPTIONAL)
