# Performance metrics against scikit-learn 1.2.1 (included from tests/tests.cmake).
#
# metrics_oracle (the driver) reads cases as JSON lines and prints lakewatch's figures;
# metrics_oracle.py generates a few hundred seeded random cases, runs the driver once on all of
# them and compares every figure with scikit-learn / numpy / scipy to 1e-9 relative. It exits 77
# (skipped) when /usr/bin/python3 or its numpy/scipy/sklearn is missing. Reproduce or widen with
#   /usr/bin/python3 tests/monitor/metrics_oracle.py --driver build/metrics_oracle [--seed S]
#       [--cases N] [--keep cases.jsonl]

add_executable(metrics_oracle ${CMAKE_SOURCE_DIR}/tests/monitor/metrics_oracle.cc)
target_compile_options(metrics_oracle PRIVATE ${LW_WARNINGS})
target_link_libraries(metrics_oracle PRIVATE lakewatch_monitor)

add_test(NAME metrics_oracle
         COMMAND /bin/sh -c "if [ -x /usr/bin/python3 ]; then exec /usr/bin/python3 \"$0\" --driver \"$1\"; else echo 'metrics_oracle skipped: /usr/bin/python3 (with python3-sklearn) is not installed'; exit 77; fi"
                 ${CMAKE_SOURCE_DIR}/tests/monitor/metrics_oracle.py $<TARGET_FILE:metrics_oracle>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(metrics_oracle PROPERTIES LABELS "unit;oracle" SKIP_RETURN_CODE 77 TIMEOUT 300)
