/*
 * libcrm - what the SQLite engine does for an erase for good: the
 * full-text index and the log must not keep the words and the pages the
 * erase removed (docs/privacy.md).
 */
#include <sqlite3.h>

#include "internal/handle.h"
#include "store/store.h"
#include "store/sqlite/sqlite.h"

/* FTS5 keeps its index in segments, written once and merged later: a
 * 'delete' adds a tombstone to a new segment and leaves the forgotten
 * words in the old one until a merge rewrites it, which may be never.
 * From SQLite 3.42 FTS5's secure-delete option removes them from the
 * segment pages as it deletes; before, only a rewrite of the segments that
 * hold them does, and 'optimize' (every segment merged into one, the old
 * pages freed and, with secure_delete on, zeroed) is the rewrite FTS5
 * offers. The option is the index's own (kept in search_config), set once
 * per file. */
#define SECURE_DELETE_VERSION 3042000

static const char SECURE_IS_ON[] =
    "SELECT 1 FROM search_config WHERE k = 'secure-delete' AND v = 1";
static const char SECURE_ON[] = "INSERT INTO search (search, rank) VALUES ('secure-delete', 1)";

void crm__search_secure_open(crm_db *db)
{
    if (sqlite3_libversion_number() < SECURE_DELETE_VERSION)
        return;
    sqlite3 *sql = db->store->sql;
    sqlite3_stmt *st = NULL;
    bool on = false;
    if (sqlite3_prepare_v2(sql, SECURE_IS_ON, -1, &st, NULL) == SQLITE_OK)
        on = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    if (!on && !(db->flags & CRM_OPEN_READONLY))
        on = sqlite3_exec(sql, SECURE_ON, NULL, NULL, NULL) == SQLITE_OK;
    db->store->search_secure = on;
}

static int run(crm_db *db, crm__query q)
{
    CRM__ST(st);
    int rc = crm__st_get(db, q, &st);
    return rc ? rc : crm__st_run(st, "rewriting the search index");
}

int crm__search_scrub(crm_db *db)
{
    /* As crm__write_end() would at the commit (engine.c), but now: the
     * rewrite must come after the index has forgotten the rows. */
    db->store->search_synced = true;
    int rc = run(db, CRM__Q_SEARCH_SYNC_GONE);
    if (rc == CRM_OK)
        rc = run(db, CRM__Q_SEARCH_SYNC_ADDED);
    if (rc == CRM_OK)
        rc = run(db, CRM__Q_SEARCH_SYNC_CLEAR);
    if (rc == CRM_OK)
        db->store->search_due = false;
    if (rc == CRM_OK && !db->store->search_secure)
        rc = run(db, CRM__Q_ERASE_SEARCH_OPTIMIZE);
    return rc;
}

int crm__store_purge(crm_db *db, bool quick)
{
    sqlite3 *sql = db->store->sql;
    if (!sqlite3_get_autocommit(sql))
        return quick ? CRM_ESTATE
                     : crm__error(db, CRM_ESTATE,
                                  "a transaction is open on this handle: the log can be emptied "
                                  "only after it ends");
    /* The wait for readers is the short one of the WAL hook (engine.c),
     * or none at all for the attempt an erase makes after its commit. */
    int saved = db->busy_timeout_ms;
    if (quick)
        db->busy_timeout_ms = 0;
    db->store->checkpointing = true;
    int log = 0, copied = 0;
    int rc = sqlite3_wal_checkpoint_v2(sql, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &copied);
    db->store->checkpointing = false;
    db->busy_timeout_ms = saved;
    if (rc == SQLITE_OK)
        return CRM_OK;
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return quick ? CRM_EBUSY
                     : crm__error(db, CRM_EBUSY,
                                  "the log could not be emptied: a reader of an older snapshot "
                                  "of the file (another connection, or a list of this handle's "
                                  "still open) holds it (%d of %d pages copied back); try again "
                                  "when it has finished",
                                  copied, log);
    return quick ? CRM_ERROR : crm__sqlite_error(db, rc, "emptying the log");
}
