# Concurrency: writer processes and reader processes on one file, then
# threads with a handle each, then threads with a short busy timeout (see
# test_concurrent.c). Every commit of the first two waits for the disk (the
# default durability), so they are bound by fsync: 4 writers x 5000 writes
# with 2 readers is the size the concurrency promise is stated for, and
# the threads repeat the checks on 4 x 1000; `test_concurrent N M` runs
# other sizes.
#
# Under valgrind every write costs tens of milliseconds of CPU, so the
# valgrind build runs a small size, for memory errors in the paths that
# only concurrency reaches (waiting for the lock, reading while others
# commit, handles on many threads), and leaves out the short-timeout test:
# it measures waits in milliseconds, which valgrind's slowdown and its
# one-thread-at-a-time scheduling distort.
find_package(Threads REQUIRED)
add_executable(test_concurrent ${CMAKE_CURRENT_LIST_DIR}/test_concurrent.c)
target_link_libraries(test_concurrent PRIVATE crm_testutil ${SQLITE3_LIBRARIES} Threads::Threads)
target_include_directories(test_concurrent PRIVATE ${SQLITE3_INCLUDE_DIRS})
set_target_properties(test_concurrent PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
target_compile_options(test_concurrent PRIVATE ${CRM_WARNINGS})
if(CRM_VALGRIND)
  set(_crm_concurrent_size 40 20 4 2 0)
else()
  set(_crm_concurrent_size 5000 1000)
endif()
add_test(NAME concurrent
  COMMAND ${CRM_TEST_LAUNCHER} $<TARGET_FILE:test_concurrent> ${_crm_concurrent_size})
set_tests_properties(concurrent PROPERTIES TIMEOUT 600
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1;TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
