# Delta Lake end-to-end tests (included by tests/tests.cmake). Each test that needs the shared
# corpus (../shared/data/conformance) exits 77 = skipped when it is absent.

if(LW_NODE)
  # Golden tables written by Delta Lake (SOURCES.md verdicts): rows, refusals, time travel.
  add_test(NAME delta_golden
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/delta/delta_golden.mjs
                   --lakewatch $<TARGET_FILE:lakewatch>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(delta_golden PROPERTIES LABELS conformance SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
