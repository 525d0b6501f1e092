/*
 * libcrm - what the files of the SQLite engine share. Only lib/store/sqlite/
 * includes this header, and only it includes <sqlite3.h>.
 */
#ifndef CRM_STORE_SQLITE_H
#define CRM_STORE_SQLITE_H

#include <sqlite3.h>

#include "store/queries.h"

/* The SQL of each query (sql.c); NULL for a shaped one. */
extern const char *const crm__sqlite_sql[CRM__Q_COUNT];
/* The SQL of shaped query q for the clause set shape, into buf: 0, or -1
 * when q takes no shape. */
#define CRM__SHAPED_SQL_MAX 2048
int crm__sqlite_shaped(char *buf, size_t size, crm__query q, unsigned int shape);

/* The busy handler and the WAL hook (engine.c), on an open connection. */
void crm__sqlite_hooks(crm_db *db);

/* Map a SQLite result code to a libcrm code and message; `what` says what
 * was being done ("reading customer"). */
int crm__sqlite_error(crm_db *db, int rc, const char *what);
int crm__code_from_sqlite(int rc);

#endif
