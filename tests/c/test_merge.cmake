# test_merge reads the file back with SQLite itself (every table before a
# merge and after its unmerge, the consent ledger) and builds a file of
# schema 9 from the SQL of its migrations.
crm_c_test(test_merge LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
target_compile_definitions(test_merge PRIVATE CRM_SCHEMA_DIR="${PROJECT_SOURCE_DIR}/lib/store/sqlite/schema")
