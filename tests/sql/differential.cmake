# Differential SQL test (included by tests/tests.cmake): seeded random queries through
# `lakewatch query` and through DuckDB (npm @duckdb/node-api) over the same Parquet files; the
# results must agree (tests/sql/differential.mjs says what is generated, excluded and
# translated). Exits 77 = skipped when node_modules is missing. Label `differential`; run it
# alone with `ctest --test-dir build -L differential --output-on-failure`. The CI slice is
# 1,000 queries over 20,000 events; `make sql-differential` runs 10,000 over 50,000.

if(LW_NODE)
  add_test(NAME sql_differential
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/sql/differential.mjs
                   --lakewatch $<TARGET_FILE:lakewatch> --queries 1000 --events 20000
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  # About 70 s of CPU (one lakewatch process per query, two at a time): about a minute on 2
  # idle cores, 3.5 minutes measured on a 2-core machine at load 8-10; the timeout leaves room.
  set_tests_properties(sql_differential PROPERTIES
                       LABELS differential SKIP_RETURN_CODE 77 TIMEOUT 900)
endif()
