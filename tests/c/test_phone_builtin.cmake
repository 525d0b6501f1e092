# test_phone_builtin compiles the built-in phone normaliser into the test
# itself and calls it directly, whichever normaliser libcrm was built with
# (the library's own copy is hidden, so the two do not clash).
crm_c_test(test_phone_builtin
  SOURCES ${PROJECT_SOURCE_DIR}/lib/phone_builtin.c
  INCLUDES ${PROJECT_SOURCE_DIR}/lib ${SQLITE3_INCLUDE_DIRS})
