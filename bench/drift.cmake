# Drift statistics against scipy (bench/drift_bench.cc, bench/drift_scipy.py): 20 numeric +
# 5 categorical features, 1M reference vs 1M current rows, exact KS, normed Wasserstein, PSI and
# Jensen-Shannon (chi-square for categoricals), lakewatch on 1 and 2 threads and scipy on the
# same data in one run, answers compared. Run with the `bench-drift` target or
#   /usr/bin/python3 bench/drift_scipy.py --bench <build>/drift_bench [--rows N]
add_executable(drift_bench ${CMAKE_SOURCE_DIR}/bench/drift_bench.cc)
target_include_directories(drift_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(drift_bench PRIVATE ${LW_WARNINGS})
target_link_libraries(drift_bench PRIVATE lakewatch_monitor)
add_custom_target(bench-drift
                  COMMAND /usr/bin/python3 ${CMAKE_SOURCE_DIR}/bench/drift_scipy.py
                          --bench $<TARGET_FILE:drift_bench>
                  DEPENDS drift_bench
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                  USES_TERMINAL)
