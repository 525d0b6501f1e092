# test_privacy reads the file with SQLite itself: consent events (whose
# calls are another module's), the journal's raw data, the index's segments.
crm_c_test(test_privacy LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS} TIMEOUT 600)
