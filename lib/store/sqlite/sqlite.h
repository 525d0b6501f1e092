/*
 * libcrm - what the files of the SQLite engine share. Only lib/store/sqlite/
 * includes this header, and only it includes <sqlite3.h>.
 */
#ifndef CRM_STORE_SQLITE_H
#define CRM_STORE_SQLITE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "crm.h"
#include "store/queries.h"

/* ---- a file as it is, before SQLite opens it (store/sqlite/file.c) ----- */
typedef struct crm__file_look {
    bool exists;
    unsigned int mode;        /* st_mode, when it exists */
    int64_t size;
    bool sqlite;              /* SQLite's header, or empty (a new database) */
    uint32_t application_id;  /* from the newest committed page 1 */
    int32_t user_version;
    int schema_objects;       /* rows of the schema table; -1: more than a page holds */
    bool from_wal;            /* page 1 came from the write-ahead log */
    bool hot_journal;         /* a rollback journal with content beside it */
} crm__file_look;
/* Fill look from the file at path with plain reads: no lock, no write.
 * The log is read only when the main file's page 1 does not carry own_id.
 * 0, or the errno of a failure other than the file not existing. */
int crm__file_look_at(crm__file_look *look, const char *path, uint32_t own_id);

/* After a commit that leaves CRM__CHECKPOINT_FRAMES pages in the
 * write-ahead log, as many as no reader needs are copied back (SQLite's
 * default); past CRM__RESTART_FRAMES (32 MiB of 4 KiB pages) the log is
 * truncated, waiting at most CRM__RESTART_WAIT_MS for the readers of older
 * snapshots (see wal_hook in engine.c). */
#define CRM__CHECKPOINT_FRAMES 1000
#define CRM__RESTART_FRAMES 8192
#define CRM__RESTART_WAIT_MS 200

/* The engine's side of a handle. */
struct crm__store {
    sqlite3 *sql;
    int64_t busy_since;        /* when the lock last changed hands in a wait */
    unsigned int busy_version; /* the file's data version then */
    bool checkpointing;        /* a wait is for readers to finish (see wal_hook in engine.c) */
    int wal_restart_at;        /* log frames at which a commit restarts the log */
    int call_changes;          /* sqlite3_total_changes() when the call in a group began
                                  (3.35 has no 64-bit form) */
    uint64_t groups;           /* groups begun, which number their write marks */
    struct crm__st *queries[CRM__Q_COUNT]; /* each query's statement, once prepared */
    struct crm__st **stmts;    /* statements keyed by a shape or a text (see engine.c) */
    size_t nstmts, capstmts;
    bool search_due;           /* rows search reads have changed since the index was synced
                                  (see search_sync in engine.c) */
    bool search_synced;        /* the transaction in progress changed the index (search_reset) */
};

/* The SQL of each query (sql.c); NULL for a shaped one. */
extern const char *const crm__sqlite_sql[CRM__Q_COUNT];
/* The SQL of shaped query q for the clause set shape, into buf: 0, or -1
 * when q takes no shape. */
#define CRM__SHAPED_SQL_MAX 8192 /* the agenda's is the longest */
int crm__sqlite_shaped(char *buf, size_t size, crm__query q, unsigned int shape);

/* Statements by their text, cached (crm__stmt) or the caller's own
 * (crm__prepare, finalised by the caller), for the few statements of an
 * open; step and run one with the handle's error set on failure. */
int crm__stmt(crm_db *db, const char *sql, sqlite3_stmt **out);
int crm__prepare(crm_db *db, const char *sql, sqlite3_stmt **out);
int crm__sqlite_step(crm_db *db, sqlite3_stmt *st, const char *what);
int crm__sqlite_exec(crm_db *db, sqlite3_stmt *st, const char *what);

/* Finalise every statement of db's (at close). */
void crm__store_free_statements(crm_db *db);

/* The busy handler and the WAL hook (engine.c), on an open connection. */
void crm__sqlite_hooks(crm_db *db);

/* The SQL functions the reports' statements call (sql.c): crm_reason_at(). */
int crm__sqlite_report_functions(sqlite3 *sql);

/* Map a SQLite result code to a libcrm code and message; `what` says what
 * was being done ("reading customer"). */
int crm__sqlite_error(crm_db *db, int rc, const char *what);
int crm__code_from_sqlite(int rc);

#endif
