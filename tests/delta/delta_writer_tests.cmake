# Concurrency and crash-safety tests of the Delta writer (included from tests/tests.cmake).
#
# delta_concurrency_test runs 4 processes appending 50 commits each to one table at once and
# checks that all 200 appends are present exactly once in versions 0..200. delta_crash_test
# SIGKILLs appends, optimize, checkpoint (also during log cleanup) and vacuum at random moments
# and at the writer's test-only crash points (LAKEWATCH_TEST_CRASH_POINT, docs/delta.md) until
# LW_DELTA_CRASH_KILLS processes have died, checking the table after each kill and retrying
# killed batches. On 2 busy cores: about 10 s and 30-40 s.
# Both drive the real `lakewatch` binary. Reproduce a crash schedule with
#   build/delta_crash_test --lakewatch build/lakewatch --work /tmp/crash --kills 100 --seed S

set(LW_DELTA_CRASH_KILLS 100 CACHE STRING "processes delta_crash_test kills (at least)")

add_library(delta_writer_harness STATIC ${CMAKE_SOURCE_DIR}/tests/delta/writer_harness.cc)
target_compile_options(delta_writer_harness PRIVATE ${LW_WARNINGS})
target_link_libraries(delta_writer_harness PUBLIC lakewatch_delta)

foreach(t delta_concurrency_test delta_crash_test)
  add_executable(${t} ${CMAKE_SOURCE_DIR}/tests/delta/${t}.cc)
  target_compile_options(${t} PRIVATE ${LW_WARNINGS})
  target_link_libraries(${t} PRIVATE delta_writer_harness)
  add_dependencies(${t} lakewatch)
endforeach()

add_test(NAME delta_writer_concurrency
         COMMAND delta_concurrency_test --lakewatch $<TARGET_FILE:lakewatch>
                 --work ${CMAKE_BINARY_DIR}/test-work/delta_concurrency --writers 4 --commits 50)
add_test(NAME delta_writer_crash
         COMMAND delta_crash_test --lakewatch $<TARGET_FILE:lakewatch>
                 --work ${CMAKE_BINARY_DIR}/test-work/delta_crash --kills ${LW_DELTA_CRASH_KILLS})
# (ASan builds take about 3 minutes for the crash test alone; CI runs tests two at a time.)
set_tests_properties(delta_writer_concurrency delta_writer_crash PROPERTIES LABELS conformance TIMEOUT 600)
