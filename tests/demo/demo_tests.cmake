# `lakewatch demo` end to end (included by tests/tests.cmake). Label `e2e`.
# demo_e2e runs a small demo (120,000 fraud events) into <build>/demo-e2e and checks the monitor
# results against what the simulator injected; demo_report_browser then opens its report in
# headless Chromium (tests/report/report_browser.mjs) and saves a screenshot beside it.
add_test(NAME demo_e2e
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/demo/demo_e2e.py
                 --lakewatch $<TARGET_FILE:lakewatch> --keep ${CMAKE_BINARY_DIR}/demo-e2e
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(demo_e2e PROPERTIES LABELS e2e TIMEOUT 600 FIXTURES_SETUP demo_output)
if(LW_NODE)
  add_test(NAME demo_report_browser
           COMMAND ${LW_NODE} ${CMAKE_SOURCE_DIR}/tests/report/report_browser.mjs
                   --html ${CMAKE_BINARY_DIR}/demo-e2e/report.html
                   --screenshot ${CMAKE_BINARY_DIR}/demo-e2e/report.png
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(demo_report_browser PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 180
                       FIXTURES_REQUIRED demo_output)
endif()
