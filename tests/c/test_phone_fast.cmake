# test_phone_fast compiles the phone normaliser libcrm is built with into
# the test itself and calls it directly, to check the fast path for E.164
# keys (lib/phone.h) against it (the library's own copy is hidden, so
# the two do not clash).
if(CRM_WITH_LIBPHONENUMBER)
  crm_c_test(test_phone_fast
    SOURCES ${PROJECT_SOURCE_DIR}/lib/phone_libphonenumber.cc
    LIBS ${PHONENUMBER_LIBRARY}
    INCLUDES ${PROJECT_SOURCE_DIR}/lib ${SQLITE3_INCLUDE_DIRS} ${PHONENUMBER_INCLUDE_DIR})
  set_target_properties(test_phone_fast PROPERTIES
    CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON CXX_EXTENSIONS OFF)
else()
  crm_c_test(test_phone_fast
    SOURCES ${PROJECT_SOURCE_DIR}/lib/phone_builtin.c
    INCLUDES ${PROJECT_SOURCE_DIR}/lib ${SQLITE3_INCLUDE_DIRS})
endif()
