# abi: libcrm.so against the newest description in abi/ (abi/abi.sh check;
# docs/abi.md). abi_fixture: the check itself, on a tiny library built in
# versions that must pass and versions that must fail. Both run bare, also
# in the valgrind build: they run libabigail, not libcrm. Skipped (77) when
# abigail-tools is not installed; `make test` installs it.
find_program(CRM_ABI_READELF NAMES ${CMAKE_READELF} readelf)
if(NOT CRM_ABI_READELF)
  set(CRM_ABI_READELF readelf)
endif()
add_test(NAME abi
  COMMAND bash ${PROJECT_SOURCE_DIR}/abi/abi.sh check
          $<TARGET_FILE:crm> ${PROJECT_SOURCE_DIR}/include ${PROJECT_SOURCE_DIR}/abi)
add_test(NAME abi_fixture
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_fixture.sh
          ${PROJECT_SOURCE_DIR}/abi/abi.sh ${CMAKE_CURRENT_LIST_DIR}/fixture ${CMAKE_C_COMPILER})
set_tests_properties(abi abi_fixture PROPERTIES
  SKIP_RETURN_CODE 77
  ENVIRONMENT "TMPDIR=${CMAKE_CURRENT_BINARY_DIR};READELF=${CRM_ABI_READELF}")
