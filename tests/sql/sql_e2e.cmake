# End-to-end SQL tests through the lakewatch CLI (included by tests/tests.cmake). Label `e2e`.
if(LW_NODE)
  # match() and request_id = '…' answer the same with and without search-index sidecars (also
  # damaged or missing ones), and the indexed scan reads fewer rows (~20 s).
  add_test(NAME sql_search_index_e2e
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/sql/search_index_e2e.mjs
                   --lakewatch $<TARGET_FILE:lakewatch>
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(sql_search_index_e2e PROPERTIES LABELS e2e TIMEOUT 300)
endif()
