# `monitor run` over 10M events, 4 versions, hourly windows (bench/monitor_bench.cc; `make bench-monitor`).
add_executable(monitor_bench ${CMAKE_SOURCE_DIR}/bench/monitor_bench.cc)
target_include_directories(monitor_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(monitor_bench PRIVATE ${LW_WARNINGS})
target_link_libraries(monitor_bench PRIVATE lakewatch_monitor lakewatch_sql lakewatch_delta lakewatch_parquet
                      lakewatch_common)
