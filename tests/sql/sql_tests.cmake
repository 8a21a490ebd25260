# SQL behaviour tests (included by tests/tests.cmake): every tests/sql/<area>/*.test file in
# sqllogictest form, run by the `sqllogictest` runner against the engine (sql::ExecuteQuery),
# each file its own ctest named sql/<area>/<file>. Label `sql`; run them alone with
#   ctest --test-dir build -L sql --output-on-failure
# or one file with `build/sqllogictest tests/sql/<area>/<file>.test` (add --verbose to see the
# known failures marked `# lakewatch-todo`, listed in tests/sql/KNOWN_FAILURES.md). The whole
# set takes a few seconds; a file whose `require` is not met exits 77 = skipped.

add_executable(sqllogictest
  ${CMAKE_SOURCE_DIR}/tests/sql/sqllogictest.cc
  ${CMAKE_SOURCE_DIR}/tests/sql/table_loader.cc
  ${CMAKE_SOURCE_DIR}/tests/sql/json_value.cc)
target_compile_options(sqllogictest PRIVATE ${LW_WARNINGS})
target_include_directories(sqllogictest PRIVATE ${CMAKE_SOURCE_DIR})
target_link_libraries(sqllogictest PRIVATE lakewatch_sql lakewatch_ingest lakewatch_index lakewatch_delta
                      lakewatch_parquet lakewatch_common)

file(GLOB_RECURSE LW_SQL_TEST_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/sql/*.test)
foreach(f ${LW_SQL_TEST_FILES})
  file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR}/tests ${f})
  string(REGEX REPLACE "\\.test$" "" name ${rel})
  add_test(NAME ${name} COMMAND sqllogictest ${f} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${name} PROPERTIES LABELS sql SKIP_RETURN_CODE 77 TIMEOUT 60)
endforeach()
