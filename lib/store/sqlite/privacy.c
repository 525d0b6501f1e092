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
 * hold them does, and the one FTS5 offers that is sure to reach them is
 * the merge of every segment into one ('optimize'), whose cost is the
 * whole index. So an erase only counts itself in search_scrub (schema 12)
 * and crm_db_purge() does the rewrite, in steps of its own transactions.
 * The option is the index's own (kept in search_config), set once per
 * file. */
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
     * tombstones must be in the index before the erase counts itself. */
    db->store->search_synced = true;
    int rc = run(db, CRM__Q_SEARCH_SYNC_GONE);
    if (rc == CRM_OK)
        rc = run(db, CRM__Q_SEARCH_SYNC_ADDED);
    if (rc == CRM_OK)
        rc = run(db, CRM__Q_SEARCH_SYNC_CLEAR);
    if (rc == CRM_OK)
        db->store->search_due = false;
    if (rc == CRM_OK && !db->store->search_secure)
        rc = run(db, CRM__Q_SCRUB_MARK);
    return rc;
}

/* The leaf pages one step of the rewrite writes: about 4 MB, a step of a
 * tenth of a second or so on a disk of today (bench/privacy_bench.c), the
 * longest the rewrite keeps other writers waiting. */
#define SCRUB_STEP_PAGES 1000

/* *out: the erases whose words wait for the rewrite (0: none). */
static int scrub_due(crm_db *db, int64_t *out)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_SCRUB_DUE, &st);
    if (rc == CRM_OK)
        rc = crm__st_step(st, "reading what the index has to forget");
    *out = rc == CRM_ROW ? crm__col_int(st, 0) : 0;
    return rc == CRM_ROW || rc == CRM_DONE ? CRM_OK : rc;
}

static int scrub_merge(crm_db *db, int pages)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_SCRUB_MERGE, &st);
    if (rc)
        return rc;
    crm__bind_int(st, 1, pages);
    return crm__st_run(st, "rewriting the search index");
}

int crm__search_rewrite(crm_db *db)
{
    /* The first step, a 'merge' of a negative count, puts every segment
     * into one merge (as 'optimize' would) and does its first pages; the
     * next, of a positive count, go on with the merges under way, that one
     * first, and find nothing to do once it is done: the old segments, and
     * every word the erases made the index forget, are gone. Writers on
     * other handles go on between the steps; an erase among them counts
     * itself, and the rewrite starts again with its segments in. */
    sqlite3 *sql = db->store->sql;
    int64_t begun = 0;
    for (;;) {
        int rc = crm__write_begin(db);
        if (rc)
            return rc;
        int64_t due = 0;
        rc = scrub_due(db, &due);
        if (rc == CRM_OK && due == 0)
            return crm__write_end(db, CRM_OK);
        bool restart = due != begun, idle = false;
        int changes = sqlite3_total_changes(sql);
        if (rc == CRM_OK)
            rc = scrub_merge(db, restart ? -SCRUB_STEP_PAGES : SCRUB_STEP_PAGES);
        /* FTS5's own measure: a 'merge' that changed fewer than two rows
         * found no work. */
        if (rc == CRM_OK && !restart && sqlite3_total_changes(sql) - changes < 2) {
            idle = true;
            CRM__ST(st);
            rc = crm__st_get(db, CRM__Q_SCRUB_DONE, &st);
            if (rc == CRM_OK) {
                crm__bind_int(st, 1, due);
                rc = crm__st_run(st, "noting the index rewritten");
            }
        }
        begun = due;
        rc = crm__write_end(db, rc);
        if (rc || idle)
            return rc;
    }
}

int crm__store_purge(crm_db *db)
{
    sqlite3 *sql = db->store->sql;
    if (!sqlite3_get_autocommit(sql))
        return crm__error(db, CRM_ESTATE,
                          "a transaction is open on this handle: the log can be emptied only "
                          "after it ends");
    /* The wait for readers is the short one of the WAL hook (engine.c).
     * A checkpoint that could not begin at all (no count of pages) met
     * another connection's checkpoint, which SQLite does not wait for, or
     * a writer: those end soon, and are waited for up to the busy
     * timeout. */
    int64_t start = crm_now();
    int log = 0, copied = 0, rc;
    for (;;) {
        db->store->checkpointing = true;
        rc = sqlite3_wal_checkpoint_v2(sql, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &copied);
        db->store->checkpointing = false;
        bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
        if (!busy || log >= 0 || crm_now() - start >= db->busy_timeout_ms)
            break;
        sqlite3_sleep(2);
    }
    if (rc == SQLITE_OK)
        return CRM_OK;
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
        return crm__error(db, CRM_EBUSY,
                          log < 0 ? "the log could not be emptied: other connections kept "
                                    "writing or copying it back for the whole busy timeout; "
                                    "try again later"
                                  : "the log could not be emptied: a reader of an older snapshot "
                                    "of the file (another connection, or a list of this handle's "
                                    "still open) holds it (%d of %d pages copied back); try again "
                                    "when it has finished",
                          copied, log);
    return crm__sqlite_error(db, rc, "emptying the log");
}
