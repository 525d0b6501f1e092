# test_open inspects and forges files with SQLite directly.
crm_c_test(test_open LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
# The migration test builds a file of an older schema from the SQL itself.
target_compile_definitions(test_open PRIVATE CRM_SCHEMA_DIR="${PROJECT_SOURCE_DIR}/lib/store/sqlite/schema")
