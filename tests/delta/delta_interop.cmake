# Delta interop test (included by tests/tests.cmake): tables written by the lakewatch CLI, read
# back by DuckDB (every live data file) and by an independent log replay (hyparquet for the
# checkpoints). Needs node and node_modules (`make deps`); exits 77 = skipped without them.

if(LW_NODE)
  add_test(NAME delta_interop
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/delta/delta_interop.mjs
                   --lakewatch $<TARGET_FILE:lakewatch>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  # About 20 s on 2 cores (~200 lakewatch processes, one DuckDB instance); the timeout leaves
  # room for a loaded machine.
  set_tests_properties(delta_interop PROPERTIES LABELS conformance SKIP_RETURN_CODE 77
                       TIMEOUT 600)
endif()
