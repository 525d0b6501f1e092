# test_corrupt_ids damages a file with SQLite directly.
crm_c_test(test_corrupt_ids LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
