# crm-feed, end to end (test_feed.py): following a journal another process
# writes, SIGKILL at random moments and restarts, and bad input. Included
# from tests/CMakeLists.txt. In a valgrind build the following pass and a
# restart run under CRM_TEST_LAUNCHER; the killed runs never do.
if(TARGET crm-feed AND TARGET crmctl AND Python3_EXECUTABLE)
  add_test(NAME example_feed
    COMMAND ${Python3_EXECUTABLE} ${PROJECT_SOURCE_DIR}/examples/feed/test_feed.py
            $<TARGET_FILE:crm-feed> $<TARGET_FILE:crmctl>
            ${CMAKE_CURRENT_BINARY_DIR}/example_feed ${CRM_TEST_LAUNCHER})
  # Sanitizer reports get a status of their own, which no crm-feed status is.
  set_tests_properties(example_feed PROPERTIES
    ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=86;PYTHONDONTWRITEBYTECODE=1"
    TIMEOUT 300)
endif()
