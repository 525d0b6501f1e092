# test_open inspects and forges files with SQLite directly.
crm_c_test(test_open LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
