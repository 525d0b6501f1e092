# bench_smoke: the benchmark at a tiny size, so it keeps building and
# working. It judges no speed. Under CRM_VALGRIND it runs under valgrind.
if(TARGET crm_bench)
  add_test(NAME bench_smoke COMMAND ${CRM_TEST_LAUNCHER} $<TARGET_FILE:crm_bench> 200)
  set_tests_properties(bench_smoke PROPERTIES
    TIMEOUT 600
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1;TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
endif()
