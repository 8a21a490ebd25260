# libFuzzer targets (clang only), included by the top-level CMakeLists.txt when
# LAKEWATCH_FUZZ is ON. Each fuzz/fuzz_<name>.cc becomes the executable
# fuzz_<name>; scripts/run_fuzz.sh runs them.
#
# The fuzz targets link with -fsanitize=fuzzer (libFuzzer's main). The code
# under test must carry coverage instrumentation and the sanitizers too, so the
# targets already defined (the module libraries, the CLI, any tests) are
# compiled with -fsanitize=fuzzer-no-link,address,undefined: add_compile_options
# here would only reach targets defined after this file.
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "LAKEWATCH_FUZZ needs clang (configure with CC=clang CXX=clang++)")
endif()

set(LW_FUZZ_SAN address,undefined)
set(LW_FUZZ_COMPILE_FLAGS -fsanitize=fuzzer-no-link,${LW_FUZZ_SAN}
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)

# Without tests, only the fuzz targets (and what they link) are built by default: the CLI and
# the libraries no fuzz target needs would cost time for nothing. With tests (the sanitizer build
# of `make test`, which also runs the unit tests), everything is built.
get_property(LW_FUZZ_EXISTING DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTY BUILDSYSTEM_TARGETS)
foreach(t ${LW_FUZZ_EXISTING})
  if(NOT LAKEWATCH_TESTS)
    set_target_properties(${t} PROPERTIES EXCLUDE_FROM_ALL TRUE)
  endif()
  get_target_property(kind ${t} TYPE)
  if(kind STREQUAL "STATIC_LIBRARY" OR kind STREQUAL "EXECUTABLE" OR
     kind STREQUAL "SHARED_LIBRARY" OR kind STREQUAL "OBJECT_LIBRARY")
    target_compile_options(${t} PRIVATE ${LW_FUZZ_COMPILE_FLAGS})
  endif()
  if(kind STREQUAL "EXECUTABLE" OR kind STREQUAL "SHARED_LIBRARY")
    target_link_options(${t} PRIVATE -fsanitize=fuzzer-no-link,${LW_FUZZ_SAN})
  endif()
endforeach()

file(GLOB LW_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/fuzz_*.cc)
foreach(src ${LW_FUZZ_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/src)
  target_compile_options(${name} PRIVATE ${LW_WARNINGS} -fsanitize=fuzzer,${LW_FUZZ_SAN}
                         -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,${LW_FUZZ_SAN})
  # Targets over Delta log parsing (fuzz_delta_*) also need the delta module.
  if(name MATCHES "^fuzz_delta")
    target_link_libraries(${name} PRIVATE lakewatch_delta)
  endif()
  # Targets over the ingest parsers (JSON, logfmt, CSV, text logs, templates) need ingest.
  if(name MATCHES "^fuzz_(ingest|json|logfmt|csv|text|template)")
    target_link_libraries(${name} PRIVATE lakewatch_ingest)
  endif()
  # Targets over the search index sidecars (fuzz_index_*) need the index module.
  if(name MATCHES "^fuzz_index")
    target_link_libraries(${name} PRIVATE lakewatch_index)
  endif()
  # Targets over the SQL front end (fuzz_sql_*) need the sql module.
  if(name MATCHES "^fuzz_sql")
    target_link_libraries(${name} PRIVATE lakewatch_sql)
  endif()
  # Targets over the monitor's parsers (lakewatch.yaml, sketches: fuzz_monitor_*) need monitor.
  if(name MATCHES "^fuzz_monitor")
    target_link_libraries(${name} PRIVATE lakewatch_monitor)
  endif()
  target_link_libraries(${name} PRIVATE lakewatch_parquet lakewatch_common)
endforeach()
