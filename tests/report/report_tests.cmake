# The model report (included by tests/tests.cmake). report_render_sample writes the sample report
# (src/report/sample_report.h) as HTML; report_browser_sample opens it in headless Chromium
# (tests/report/report_browser.mjs, playwright-core from package-lock.json): no network request,
# every section drawn, no console error, a full-page screenshot in the build directory
# (report_sample.png). It exits 77 (skipped) without /usr/bin/chromium or playwright-core.

add_executable(report_render_sample ${CMAKE_SOURCE_DIR}/tests/report/render_sample.cc)
target_compile_options(report_render_sample PRIVATE ${LW_WARNINGS})
target_link_libraries(report_render_sample PRIVATE lakewatch_report)

if(LW_NODE)
  add_test(NAME report_browser_sample
           COMMAND sh -c "\"$0\" \"$1\" && exec \"$2\" tests/report/report_browser.mjs --html \"$1\" --screenshot \"$3\""
                   $<TARGET_FILE:report_render_sample> ${CMAKE_BINARY_DIR}/report_sample.html
                   ${LW_NODE} ${CMAKE_BINARY_DIR}/report_sample.png
           WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(report_browser_sample PROPERTIES
                       LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 120)
endif()
