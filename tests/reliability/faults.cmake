# Fault injection: every write fails cleanly when the N-th allocation (of
# libcrm or of SQLite) or the N-th read, write or sync of the file fails.
# It runs in every build, under valgrind when CRM_VALGRIND is on. Under
# valgrind it runs a sample, to stay within a minute: each call meets one of
# the modes and every tenth fault (the sanitizer build runs them all).
# `test_faults --stress` is the long run.
add_executable(test_faults ${CMAKE_CURRENT_LIST_DIR}/test_faults.c)
target_link_libraries(test_faults PRIVATE crm_testutil ${SQLITE3_LIBRARIES})
target_include_directories(test_faults PRIVATE ${SQLITE3_INCLUDE_DIRS})
set_target_properties(test_faults PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
target_compile_definitions(test_faults PRIVATE _POSIX_C_SOURCE=200809L)
target_compile_options(test_faults PRIVATE ${CRM_WARNINGS})
if(CRM_VALGRIND)
  set(_crm_faults_args --rotate 9 --stride 10)
else()
  set(_crm_faults_args)
endif()
add_test(NAME faults COMMAND ${CRM_TEST_LAUNCHER} $<TARGET_FILE:test_faults> ${_crm_faults_args})
# Every write under every fault: with the imports' rows, more than five
# minutes in the sanitizer build on two busy cores.
set_tests_properties(faults PROPERTIES TIMEOUT 900
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1;TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
