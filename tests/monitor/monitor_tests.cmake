# Monitoring end to end through the CLI (included by tests/tests.cmake). Label `e2e`.
# The real-data test needs ../shared/data/ml and Debian's scipy/scikit-learn (/usr/bin/python3);
# it exits 77 (skipped) without them.
add_test(NAME monitor_real_data
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/monitor/monitor_real_data.py
                 --lakewatch $<TARGET_FILE:lakewatch>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(monitor_real_data PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 300)

# Generated prediction events with injected drift, degradation and an error surge: every figure
# against numpy/scipy/scikit-learn on the same rows, alarms where the faults were injected,
# incremental reruns (~30 s).
add_test(NAME monitor_e2e
         COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/tests/monitor/monitor_e2e.py
                 --lakewatch $<TARGET_FILE:lakewatch>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(monitor_e2e PROPERTIES LABELS e2e SKIP_RETURN_CODE 77 TIMEOUT 300)
