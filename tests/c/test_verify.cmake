# test_verify reads the count of wrong answers with SQLite itself: no call reads it.
crm_c_test(test_verify LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
