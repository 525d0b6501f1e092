# test_search checks the index with SQLite itself (FTS5's integrity check)
# and builds a file of an older schema from the SQL of its migrations.
crm_c_test(test_search LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
target_compile_definitions(test_search PRIVATE CRM_SCHEMA_DIR="${PROJECT_SOURCE_DIR}/lib/store/sqlite/schema")
