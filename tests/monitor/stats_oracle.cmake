# Drift statistics against scipy 1.10.1 / numpy (included from tests/tests.cmake).
#
# stats_oracle (the driver) reads cases as JSON lines and prints lakewatch's figures;
# stats_oracle.py generates a few hundred seeded random cases (ties, NaNs, empty and tiny
# samples, very unequal sizes, 10^4–10^5 values, identical and disjoint samples, categories
# absent on one side), runs the driver once on all of them and compares every figure with
# scipy / numpy to 1e-9 relative. It exits 77 (skipped) when /usr/bin/python3 or its
# numpy/scipy is missing. Reproduce or widen with
#   /usr/bin/python3 tests/monitor/stats_oracle.py --driver build/stats_oracle [--seed S]
#       [--scale N] [--keep cases.jsonl]

add_executable(stats_oracle ${CMAKE_SOURCE_DIR}/tests/monitor/stats_oracle.cc)
target_compile_options(stats_oracle PRIVATE ${LW_WARNINGS})
target_link_libraries(stats_oracle PRIVATE lakewatch_monitor)

add_test(NAME stats_oracle
         COMMAND /bin/sh -c "if [ -x /usr/bin/python3 ]; then exec /usr/bin/python3 \"$0\" --driver \"$1\"; else echo 'stats_oracle skipped: /usr/bin/python3 (with python3-scipy) is not installed'; exit 77; fi"
                 ${CMAKE_SOURCE_DIR}/tests/monitor/stats_oracle.py $<TARGET_FILE:stats_oracle>
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(stats_oracle PROPERTIES LABELS "unit;oracle" SKIP_RETURN_CODE 77 TIMEOUT 300)
