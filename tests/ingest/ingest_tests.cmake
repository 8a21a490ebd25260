# End-to-end tests of `lakewatch ingest` (included by tests/tests.cmake): node scripts that run
# the lakewatch CLI and read what it wrote with DuckDB (npm @duckdb/node-api). They exit 77 =
# skipped when node_modules or ../shared/data is missing. Label `e2e`; run them alone with
# `ctest --test-dir build -L e2e --output-on-failure`.

if(LW_NODE)
  # 20,000 generated edge-case events: DuckDB's read_json of the input vs DuckDB reading our
  # Parquet files, value by value; quarantine, timestamp sources (~30 s).
  add_test(NAME ingest_json_differential
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/ingest/json_differential.mjs
                   --lakewatch $<TARGET_FILE:lakewatch>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  # JSONTestSuite: y_ accepted, n_ quarantined, i_ never a crash or hang (batched; ~10 s).
  add_test(NAME ingest_jsontestsuite
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/ingest/jsontestsuite.mjs
                   --lakewatch $<TARGET_FILE:lakewatch>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  # Every real sample of ../shared/data/logs and ../shared/data/json, format auto-detected:
  # row counts, 0 quarantined, typed columns (26 ingests; ~60 s on a loaded 2-core machine).
  add_test(NAME ingest_samples
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/ingest/samples.mjs
                   --lakewatch $<TARGET_FILE:lakewatch>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  # The timeouts leave room for a loaded 2-core machine. The JSONTestSuite run is also labelled
  # `conformance` so that `make asan-test` runs its i_/n_ files under ASan+UBSan (what the
  # suite's SOURCES.md asks for).
  set_tests_properties(ingest_json_differential ingest_samples PROPERTIES
                       LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 300)
  set_tests_properties(ingest_jsontestsuite PROPERTIES
                       LABELS "e2e;conformance" SKIP_RETURN_CODE 77 TIMEOUT 300)
endif()
