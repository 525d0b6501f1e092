# Reliability harnesses. The crash test forks writers and kills them, so it
# runs without valgrind in every build (a killed child under valgrind
# proves nothing more and costs seconds a trial).
add_executable(test_crash ${CMAKE_CURRENT_LIST_DIR}/test_crash.c)
target_link_libraries(test_crash PRIVATE crm_testutil ${SQLITE3_LIBRARIES})
target_include_directories(test_crash PRIVATE ${SQLITE3_INCLUDE_DIRS})
set_target_properties(test_crash PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
target_compile_options(test_crash PRIVATE ${CRM_WARNINGS})
add_test(NAME crash COMMAND $<TARGET_FILE:test_crash> 100)
set_tests_properties(crash PROPERTIES TIMEOUT 300
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1;TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")

# Each further harness registers itself in a file of its own.
file(GLOB _crm_reliability_parts CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.cmake)
list(REMOVE_ITEM _crm_reliability_parts ${CMAKE_CURRENT_LIST_DIR}/tests.cmake)
foreach(part ${_crm_reliability_parts})
  include(${part})
endforeach()
