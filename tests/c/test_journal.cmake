# test_journal removes journal rows with SQLite directly, to show that
# sequence numbers are not reused.
crm_c_test(test_journal LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
