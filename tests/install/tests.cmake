# install: install into a temporary prefix, then build and run a consumer
# through pkg-config (shared and static) and through find_package(libcrm),
# then uninstall with cmake/uninstall.cmake.
add_test(NAME install
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_install.sh
          ${PROJECT_SOURCE_DIR} ${PROJECT_BINARY_DIR} ${CMAKE_CURRENT_BINARY_DIR}/install-test
          ${CMAKE_C_COMPILER} ${CMAKE_COMMAND} "${CMAKE_GENERATOR}" ${PKG_CONFIG_EXECUTABLE}
          $<IF:$<BOOL:${CRM_SANITIZE}>,ON,OFF>
          ${CRM_TEST_LAUNCHER})
set_tests_properties(install PROPERTIES
  TIMEOUT 600
  ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:abort_on_error=0;UBSAN_OPTIONS=print_stacktrace=1")

# cmake --install writes the build's install_manifest.txt, whatever the
# prefix, and the install test uninstalls by it: the tests that install from
# this build take turns (luarocks sets the same lock).
set_tests_properties(install PROPERTIES RESOURCE_LOCK crm_install_manifest)
if(TEST python_lua_install)
  set_tests_properties(python_lua_install PROPERTIES RESOURCE_LOCK crm_install_manifest)
endif()
