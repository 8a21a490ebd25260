# Parquet writer tests outside the unit tests (included from tests/tests.cmake).
#
# random_parquet_gen writes seeded random Parquet files with lakewatch's writer (and reads each
# back with lakewatch's reader) plus the rows they must hold; random_writer_check.mjs reads every
# file with DuckDB (npm @duckdb/node-api, one instance for all files) and compares row by row.
# 300 seeds take well under two minutes on 2 cores. Reproduce one seed with
#   node tests/parquet/random_writer_check.mjs --gen build/random_parquet_gen --seed N --keep
# page_index_interop.mjs checks the page index of such files with hyparquet and DuckDB.

add_executable(random_parquet_gen ${CMAKE_SOURCE_DIR}/tests/parquet/random_parquet_gen.cc)
target_compile_options(random_parquet_gen PRIVATE ${LW_WARNINGS})
target_link_libraries(random_parquet_gen PRIVATE lakewatch_parquet)

find_program(LW_NODE node)
if(LW_NODE)
  add_test(NAME parquet_random_writer
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/parquet/random_writer_check.mjs
                   --gen $<TARGET_FILE:random_parquet_gen> --seeds 300
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(parquet_random_writer PROPERTIES LABELS conformance TIMEOUT 300)
  # The page index of the same random files, parsed and used by hyparquet and checked against
  # DuckDB's values (page_index_interop.mjs); 80 seeds take about 30 s.
  add_test(NAME parquet_page_index_interop
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/parquet/page_index_interop.mjs
                   --gen $<TARGET_FILE:random_parquet_gen> --seeds 80
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(parquet_page_index_interop PROPERTIES LABELS conformance TIMEOUT 300)
else()
  message(WARNING "node not found: parquet_random_writer is not registered (run `make deps`)")
endif()
