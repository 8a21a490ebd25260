# Benchmarks, included by the top-level CMakeLists.txt when LAKEWATCH_BENCH is ON.
# bench/run.sh runs them (`make bench`); bench/RESULTS.md holds measured figures.
add_executable(parquet_bench ${CMAKE_SOURCE_DIR}/bench/parquet_bench.cc)
target_include_directories(parquet_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(parquet_bench PRIVATE ${LW_WARNINGS})
target_link_libraries(parquet_bench PRIVATE lakewatch_parquet lakewatch_common)

# Delta snapshot load time for a large log (bench/delta_bench.cc; `make bench-delta`).
add_executable(delta_bench ${CMAKE_SOURCE_DIR}/bench/delta_bench.cc)
target_include_directories(delta_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(delta_bench PRIVATE ${LW_WARNINGS})
target_link_libraries(delta_bench PRIVATE lakewatch_delta lakewatch_parquet lakewatch_common)

# Search index sidecars: size, build and lookup time on 10M events (bench/index_bench.cc).
add_executable(index_bench ${CMAKE_SOURCE_DIR}/bench/index_bench.cc)
target_include_directories(index_bench PRIVATE ${CMAKE_SOURCE_DIR}/src)
target_compile_options(index_bench PRIVATE ${LW_WARNINGS})
target_link_libraries(index_bench PRIVATE lakewatch_index lakewatch_parquet lakewatch_common)

# monitor run over 10M events (bench/monitor.cmake).
include(${CMAKE_SOURCE_DIR}/bench/monitor.cmake)

# Drift statistics against scipy (bench/drift.cmake).
include(${CMAKE_SOURCE_DIR}/bench/drift.cmake)
