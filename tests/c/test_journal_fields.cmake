# test_journal_fields writes entries of every JSON type with SQLite directly,
# as the library itself writes only text, integers and null.
crm_c_test(test_journal_fields LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
