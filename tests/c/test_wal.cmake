# test_wal reads with SQLite directly from threads of its own while
# libcrm writes.
find_package(Threads REQUIRED)
crm_c_test(test_wal LIBS ${SQLITE3_LIBRARIES} Threads::Threads INCLUDES ${SQLITE3_INCLUDE_DIRS} TIMEOUT 600)
