# readme: the C example in README.md compiles, runs and prints what the
# README says it prints.
add_test(NAME readme
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_readme.sh
          ${PROJECT_SOURCE_DIR}/README.md ${CMAKE_C_COMPILER} ${PROJECT_SOURCE_DIR}/include
          $<TARGET_FILE:crm> ${CMAKE_CURRENT_BINARY_DIR}/readme-test
          $<IF:$<BOOL:${CRM_SANITIZE}>,ON,OFF>
          ${CRM_TEST_LAUNCHER})
set_tests_properties(readme PROPERTIES
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1")
