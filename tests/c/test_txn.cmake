# test_txn adds a trigger with SQLite directly, to make a call fail after
# its first change.
crm_c_test(test_txn LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
