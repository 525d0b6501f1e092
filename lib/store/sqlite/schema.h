/*
 * libcrm - the schema migrations, compiled in from lib/schema/NNNN_*.sql.
 * Migration i (0-based) takes user_version i to i + 1.
 */
#ifndef CRM_SCHEMA_H
#define CRM_SCHEMA_H

#include <sqlite3.h>
#include <stdint.h>

extern const char *const crm__migrations[];
extern const int crm__migration_count;

/* The objects of a schema as crm_open() compares them: every table,
 * index, trigger and view but SQLite's statistics tables (sqlite_stat1..4,
 * made by ANALYZE and PRAGMA optimize), in one order. */
#define CRM__SCHEMA_OBJECTS_SQL                                \
    "SELECT type, name, tbl_name, sql FROM sqlite_schema "     \
    "WHERE substr(name, 1, 11) <> 'sqlite_stat' ORDER BY type, name"

/* A digest of those rows (FNV-1a over each column's text and a separator
 * that tells NULL from empty), stepping st to its end and resetting it. */
static inline int crm__schema_digest(sqlite3_stmt *st, uint64_t *out)
{
    uint64_t h = 0xcbf29ce484222325u;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < 4; c++) {
            const unsigned char *t = sqlite3_column_text(st, c);
            for (const unsigned char *p = t; p && *p; p++)
                h = (h ^ *p) * 0x100000001b3u;
            h = (h ^ (t ? 0x1f : 0x1e)) * 0x100000001b3u;
        }
    }
    sqlite3_reset(st);
    *out = h;
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* crm__schema_digests[v]: the digest of the schema version v defines, for
 * v = 0 .. crm__migration_count (made at build time by
 * cmake/schema_digest.c). */
extern const uint64_t crm__schema_digests[];

#endif
