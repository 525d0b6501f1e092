# bench_smoke: the benchmark at a tiny size, so it keeps building and
# working. It judges no speed. Under CRM_VALGRIND it runs under valgrind.
# bench_json: two tiny sizes with --sizes and --json, and the JSON checked
# for the shape the report generator reads (tests/bench/check_json.py).
if(TARGET crm_bench)
  add_test(NAME bench_smoke COMMAND ${CRM_TEST_LAUNCHER} $<TARGET_FILE:crm_bench> 200)
  set_tests_properties(bench_smoke PROPERTIES
    TIMEOUT 600
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1;TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
  find_program(CRM_BENCH_PYTHON NAMES python3)
  if(CRM_BENCH_PYTHON)
    add_test(NAME bench_json COMMAND ${CMAKE_COMMAND} -DBENCH=$<TARGET_FILE:crm_bench>
      -DPYTHON=${CRM_BENCH_PYTHON} -DDIR=${CMAKE_CURRENT_BINARY_DIR}
      -P ${CMAKE_CURRENT_LIST_DIR}/json_test.cmake)
    set_tests_properties(bench_json PROPERTIES
      TIMEOUT 300
      ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1;TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
  endif()
endif()

# The Python and Lua benchmarks and the report at a tiny size.
include(${CMAKE_CURRENT_LIST_DIR}/bindings.cmake)

# search_bench_smoke: crm_search_bench at a tiny size, so it keeps working.
if(TARGET crm_search_bench)
  add_test(NAME search_bench_smoke COMMAND ${CRM_TEST_LAUNCHER} $<TARGET_FILE:crm_search_bench>
           400 --queries 20 --writes 100)
  set_tests_properties(search_bench_smoke PROPERTIES
    TIMEOUT 600
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1;TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
endif()
