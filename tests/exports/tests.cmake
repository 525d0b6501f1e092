# exports: libcrm.so exports the public API, all of it and nothing else.
find_program(CRM_NM NAMES ${CMAKE_NM} nm)
find_program(CRM_READELF NAMES ${CMAKE_READELF} readelf)
add_test(NAME exports
  COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/check_exports.sh
          $<TARGET_FILE:crm> $<TARGET_FILE:crm_static> ${PROJECT_SOURCE_DIR}/include
          ${CRM_NM} ${CRM_READELF})
set_tests_properties(exports PROPERTIES
  ENVIRONMENT "TMPDIR=${CMAKE_CURRENT_BINARY_DIR}")
