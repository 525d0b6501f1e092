# test_open_files forges files with SQLite directly.
crm_c_test(test_open_files LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
