# test_open_files forges files with SQLite directly, some from the schema's SQL.
crm_c_test(test_open_files LIBS ${SQLITE3_LIBRARIES} INCLUDES ${SQLITE3_INCLUDE_DIRS})
target_compile_definitions(test_open_files PRIVATE CRM_SCHEMA_DIR="${PROJECT_SOURCE_DIR}/lib/store/sqlite/schema")
