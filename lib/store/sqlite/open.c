/*
 * libcrm - opening a file with SQLite: judging it before SQLite touches it
 * (file.c), checking its schema, migrating it, and configuring the
 * connection; and closing it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal/alloc.h"
#include "internal/handle.h"
#include "store/store.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite.h"

/* PRAGMA application_id of every libcrm file: "CRM1". */
#define CRM__APPLICATION_ID 0x43524d31

typedef struct file_state {
    int64_t application_id;
    int user_version;
} file_state;

static int pragma_int(crm_db *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st;
    int rc = crm__stmt(db, sql, &st);
    if (rc)
        return rc;
    rc = crm__sqlite_step(db, st, "reading the database header");
    if (rc == CRM_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = CRM_OK;
    } else if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ERROR, "reading the database header: no result");
    }
    sqlite3_reset(st);
    return rc;
}

static const char SQL_APP_ID[] = "PRAGMA application_id";
static const char SQL_USER_VERSION[] = "PRAGMA user_version";
static const char SQL_OBJECTS[] = CRM__SCHEMA_OBJECTS_SQL;
static const char SQL_COUNT_OBJECTS[] = "SELECT count(*) FROM sqlite_schema";

static int read_state(crm_db *db, file_state *fs)
{
    int64_t v;
    int rc = pragma_int(db, SQL_APP_ID, &fs->application_id);
    if (rc == CRM_OK)
        rc = pragma_int(db, SQL_USER_VERSION, &v);
    if (rc == CRM_OK)
        fs->user_version = (int)v;
    if (rc == CRM_ENOTCRM)
        return crm__error(db, CRM_ENOTCRM,
                          "'%s' is not a SQLite database, so not a libcrm database either; "
                          "check the path",
                          db->path);
    return rc;
}

/* Decide from the header whether this is our file. Returns CRM_OK when it
 * is ours or empty, and sets *migrate when migrations are due. A file
 * without our application id got here only if it was empty when looked at
 * (see examine()); one that is no longer empty is someone else's. */
static int judge_state(crm_db *db, const file_state *fs, bool *migrate)
{
    if (fs->application_id != CRM__APPLICATION_ID &&
        (fs->application_id != 0 || fs->user_version != 0))
        return crm__error(db, CRM_ENOTCRM,
                          "'%s' is a SQLite database but not a libcrm one (application_id "
                          "%lld, user_version %d); it was left unchanged",
                          db->path, (long long)fs->application_id, fs->user_version);
    if (fs->user_version > crm__migration_count)
        return crm__error(db, CRM_ESCHEMA,
                          "'%s' has schema version %d, written by a newer libcrm; this libcrm "
                          "(%s) knows schema versions up to %d; upgrade libcrm to open it",
                          db->path, fs->user_version, CRM_VERSION_STRING, crm__migration_count);
    *migrate = fs->user_version < crm__migration_count;
    return CRM_OK;
}

/* Compare two schema rows' column c, NULLs equal. */
static bool same_column(sqlite3_stmt *a, sqlite3_stmt *b, int c)
{
    const unsigned char *x = sqlite3_column_text(a, c), *y = sqlite3_column_text(b, c);
    return x && y ? strcmp((const char *)x, (const char *)y) == 0 : x == y;
}

/* Every table, index, trigger and view of the file must be one that
 * schema version `version` defines, with the very SQL it defines it with,
 * and none may be missing: a trigger planted in a file runs inside
 * libcrm's own writes (one re-pointed new identities to another customer,
 * one on the journal deleted the evidence), so a file that differs is
 * refused before anything runs in it. The reference is what applying
 * the migrations up to that version to an empty in-memory database gives
 * (SQLite keeps each object's CREATE text as it was written; a migration
 * that ALTERs a table relies on SQLite rewriting that text the same way
 * in every version, which test_open_files would show if it did not).
 * Building it costs more than the rest of an open, so the build computes
 * each version's digest and the reference is built only to name what
 * differs. */
static int check_schema(crm_db *db, int version)
{
    sqlite3 *ref = NULL;
    sqlite3_stmt *want = NULL, *have = NULL;
    uint64_t digest = 0;
    int rc = crm__prepare(db, SQL_OBJECTS, &have);
    if (rc)
        return rc;
    int src = crm__schema_digest(have, &digest);
    if (src != SQLITE_OK) {
        sqlite3_finalize(have);
        return crm__sqlite_error(db, src, "reading the schema");
    }
    if (digest == crm__schema_digests[version]) {
        sqlite3_finalize(have);
        return CRM_OK;
    }
    src = sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    for (int v = 0; src == SQLITE_OK && v < version; v++)
        src = sqlite3_exec(ref, crm__migrations[v], NULL, NULL, NULL);
    if (src == SQLITE_OK)
        src = sqlite3_prepare_v2(ref, SQL_OBJECTS, -1, &want, NULL);
    uint64_t ref_digest = 0;
    if (src == SQLITE_OK)
        src = crm__schema_digest(want, &ref_digest);
    if (src != SQLITE_OK)
        rc = crm__error(db, (src & 0xff) == SQLITE_NOMEM ? CRM_ENOMEM : CRM_ERROR,
                        "building the reference schema of version %d: %s", version,
                        ref ? sqlite3_errmsg(ref) : sqlite3_errstr(src));
    while (rc == CRM_OK && ref_digest != digest) {
        int w = sqlite3_step(want);
        int h = crm__sqlite_step(db, have, "reading the schema");
        if (w != SQLITE_ROW && w != SQLITE_DONE) {
            rc = crm__error(db, (w & 0xff) == SQLITE_NOMEM ? CRM_ENOMEM : CRM_ERROR,
                            "reading the reference schema: %s", sqlite3_errmsg(ref));
            break;
        }
        if (h < 0) {
            rc = h;
            break;
        }
        if (w == SQLITE_DONE && h == CRM_DONE)
            break;
        int order = w == SQLITE_DONE ? 1 : h == CRM_DONE ? -1 : 0;
        for (int c = 0; c < 2 && order == 0; c++) {
            order = strcmp((const char *)sqlite3_column_text(want, c),
                           (const char *)sqlite3_column_text(have, c));
        }
        if (order == 0 && same_column(want, have, 2) && same_column(want, have, 3))
            continue;
        /* An object the reference lacks, one the file lacks, or one the
         * file defines otherwise. */
        sqlite3_stmt *row = order < 0 ? want : have;
        rc = crm__error(db, CRM_ECORRUPT,
                        "'%s' %s %s '%s'%s libcrm's schema version %d: the file was changed "
                        "by something other than libcrm and is refused; libcrm ran nothing "
                        "in it",
                        db->path, order > 0 ? "holds" : order < 0 ? "lacks" : "defines",
                        sqlite3_column_text(row, 0), sqlite3_column_text(row, 1),
                        order > 0   ? ", which is not in"
                        : order < 0 ? ", which is in"
                                    : " otherwise than",
                        version);
    }
    sqlite3_finalize(want);
    sqlite3_finalize(have);
    sqlite3_close(ref);
    return rc;
}

/* Run one of the few statements of an open: a transaction's edge. */
static int exec_stmt(crm_db *db, const char *sql, const char *what)
{
    sqlite3_stmt *st;
    int rc = crm__stmt(db, sql, &st);
    return rc ? rc : crm__sqlite_exec(db, st, what);
}

static const char SQL_BEGIN_READ[] = "BEGIN";
static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";

/* The header and the schema, read in one snapshot: another process may
 * migrate the file between two separate reads. */
static int read_and_check(crm_db *db, file_state *fs, bool *due)
{
    int rc = exec_stmt(db, SQL_BEGIN_READ, "reading the database header");
    if (rc)
        return rc;
    int64_t objects = 0;
    rc = read_state(db, fs);
    if (rc == CRM_OK)
        rc = judge_state(db, fs, due);
    if (rc == CRM_OK && fs->application_id == 0)
        rc = pragma_int(db, SQL_COUNT_OBJECTS, &objects);
    if (rc == CRM_OK && objects > 0)
        rc = crm__error(db, CRM_ENOTCRM,
                        "'%s' is a SQLite database but not a libcrm one (application_id 0, "
                        "%lld schema objects); it was left unchanged",
                        db->path, (long long)objects);
    if (rc == CRM_OK)
        rc = check_schema(db, fs->user_version);
    sqlite3_exec(db->store->sql, "ROLLBACK", NULL, NULL, NULL); /* ends the read; nothing was written */
    return rc;
}

/* A migration that rebuilds a table (a new CHECK, say) drops the old one,
 * which foreign keys in force would refuse while other tables name it; and
 * PRAGMA foreign_keys cannot change inside a transaction. So, as SQLite's
 * ALTER TABLE documentation does it, the migrations run with foreign keys
 * off and every key is checked before the commit. */
static int foreign_keys_checked(crm_db *db)
{
    sqlite3_stmt *st;
    int rc = crm__stmt(db, "PRAGMA foreign_key_check", &st);
    if (rc)
        return rc;
    rc = crm__sqlite_step(db, st, "checking the migrated schema's foreign keys");
    if (rc == CRM_ROW)
        rc = crm__error(db, CRM_ECORRUPT,
                        "'%s': after its schema migration, a row of table %s names a row of "
                        "table %s that does not exist; the migration was not applied",
                        db->path, (const char *)sqlite3_column_text(st, 0),
                        (const char *)sqlite3_column_text(st, 2));
    else if (rc == CRM_DONE)
        rc = CRM_OK;
    sqlite3_reset(st);
    return rc;
}

static int migrate_all(crm_db *db, int checked)
{
    int rc = exec_stmt(db, SQL_BEGIN, "starting the schema migration");
    if (rc)
        return rc;
    /* Another process may have migrated while we waited for the lock. */
    file_state fs = { 0, 0 };
    bool due = false;
    rc = read_state(db, &fs);
    if (rc == CRM_OK)
        rc = judge_state(db, &fs, &due);
    if (rc == CRM_OK && fs.user_version != checked)
        rc = check_schema(db, fs.user_version);
    for (int v = fs.user_version; rc == CRM_OK && due && v < crm__migration_count; v++) {
        char *err = NULL;
        int src = sqlite3_exec(db->store->sql, crm__migrations[v], NULL, NULL, &err);
        if (src != SQLITE_OK) {
            rc = crm__error(db, crm__code_from_sqlite(src) == CRM_ERROR ? CRM_ERROR
                                                                        : crm__code_from_sqlite(src),
                            "applying schema migration %d to '%s' failed: %s", v + 1, db->path,
                            err ? err : sqlite3_errstr(src));
            sqlite3_free(err);
            break;
        }
        int64_t now_v;
        rc = pragma_int(db, SQL_USER_VERSION, &now_v);
        if (rc == CRM_OK && now_v != v + 1)
            rc = crm__error(db, CRM_ERROR, "schema migration %d did not set user_version", v + 1);
    }
    if (rc == CRM_OK && due)
        rc = foreign_keys_checked(db);
    return crm__write_end(db, rc);
}

static int migrate(crm_db *db, int checked)
{
    int rc = exec_stmt(db, "PRAGMA foreign_keys = OFF", "starting the schema migration");
    if (rc == CRM_OK)
        rc = migrate_all(db, checked);
    int on = exec_stmt(db, "PRAGMA foreign_keys = ON", "ending the schema migration");
    return rc ? rc : on;
}

/* The row PRAGMA journal_mode answers with: the mode now in force. */
static int journal_mode_answer(void *arg, int n, char **values, char **names)
{
    (void)names;
    if (n > 0 && values[0])
        snprintf(arg, 16, "%s", values[0]);
    return 0;
}

static int configure(crm_db *db, const crm_open_options *o)
{
    static const char *const common[] = {
        "PRAGMA foreign_keys = ON",
        "PRAGMA secure_delete = ON",
        "PRAGMA trusted_schema = OFF",
        /* Statement journals (a statement that may fail after changing
         * some rows keeps their old pages) and sorts. SQLite keeps a
         * statement journal in memory only up to 64 KiB and then moves it
         * to a temporary file for the rest of the transaction, so one large
         * statement made every later one of a big group write its pages to
         * disk. */
        "PRAGMA temp_store = MEMORY",
    };
    const char *sync = o->durability == CRM_DURABILITY_NORMAL ? "PRAGMA synchronous = NORMAL"
                                                              : "PRAGMA synchronous = FULL";
    int rc;
    if (!(db->flags & CRM_OPEN_READONLY)) {
        /* Leaving rollback-journal mode needs the file to itself, and SQLite
         * reports a busy file here without calling the busy handler (when
         * several processes create one file at once), so wait here, bounded
         * by the same timeout. On a file already in WAL mode it is a no-op. */
        int64_t deadline = crm_now() + db->busy_timeout_ms;
        char mode[16] = "";
        while (((rc = sqlite3_exec(db->store->sql, "PRAGMA journal_mode = WAL", journal_mode_answer, mode,
                                   NULL)) &
                0xff) == SQLITE_BUSY &&
               crm_now() < deadline)
            sqlite3_sleep(5);
        if (rc != SQLITE_OK)
            return crm__sqlite_error(db, rc, "switching to WAL mode");
        /* SQLite answers with the mode it is in, which is not WAL where it
         * cannot be (no shared memory for the log's index, as on some
         * network file systems); a private in-memory database has no log. */
        bool memory = strcmp(db->path, ":memory:") == 0;
        if (strcmp(mode, memory ? "memory" : "wal") != 0)
            return crm__error(db, CRM_EIO,
                              "'%s' could not be put in WAL mode (SQLite kept journal mode "
                              "'%s'); libcrm needs WAL so that readers and a writer can share "
                              "the file: is it on a file system without shared memory, such "
                              "as a network one?",
                              db->path, mode);
    }
    for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
        rc = sqlite3_exec(db->store->sql, common[i], NULL, NULL, NULL);
        if (rc != SQLITE_OK)
            return crm__sqlite_error(db, rc, "configuring the connection");
    }
    rc = sqlite3_exec(db->store->sql, sync, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return crm__sqlite_error(db, rc, "configuring the connection");
    return CRM_OK;
}

/* How a file is judged before SQLite opens it (see file.c): it must not
 * exist (and is then created here, with the file mode asked for), or be a
 * regular file that is empty or carries libcrm's application id. Anything
 * else is refused without SQLite ever opening it, so nothing of it
 * changes: not the main file, not its -wal, -shm or -journal. */
static int examine(crm_db *db, const char *fname, unsigned int flags)
{
    int64_t deadline = crm_now() + db->busy_timeout_ms;
    for (int attempt = 0;; attempt++) {
        crm__file_look look;
        int err = crm__file_look_at(&look, fname, CRM__APPLICATION_ID);
        if (err == ENOMEM)
            return crm__error(db, CRM_ENOMEM, "out of memory opening '%s'", db->path);
        if (err)
            return crm__error(db, CRM_EIO, "cannot read '%s': %s", db->path, strerror(err));
        if (look.exists && S_ISDIR(look.mode))
            return crm__error(db, CRM_EIO, "'%s' is a directory, not a database file", db->path);
        if (look.exists && !S_ISREG(look.mode))
            return crm__error(db, CRM_EIO,
                              "'%s' is not a regular file (a FIFO, socket or device); a libcrm "
                              "database is a regular file",
                              db->path);
        if (look.exists) {
            if (!look.sqlite)
                return crm__error(db, CRM_ENOTCRM,
                                  "'%s' is not a SQLite database, so not a libcrm database "
                                  "either; it was left unchanged; check the path",
                                  db->path);
            if (look.application_id == CRM__APPLICATION_ID)
                return CRM_OK;
            bool empty = look.application_id == 0 && look.user_version == 0 &&
                         look.schema_objects == 0;
            if (empty && !look.hot_journal)
                return CRM_OK; /* an empty database: libcrm makes it its own */
            /* An empty file with a journal beside it is what another
             * connection creating the file leaves for a moment (its switch
             * to WAL mode is written through a rollback journal); one that
             * crashed leaves it for good. */
            if (empty && crm_now() < deadline) {
                sqlite3_sleep(5);
                continue;
            }
            char objects[32];
            if (look.schema_objects < 0)
                snprintf(objects, sizeof objects, "many");
            else
                snprintf(objects, sizeof objects, "%d", look.schema_objects);
            return crm__error(db, CRM_ENOTCRM,
                              "'%s' is a SQLite database but not a libcrm one (application_id "
                              "%lu, user_version %ld, %s schema objects%s); it was left "
                              "unchanged",
                              db->path, (unsigned long)look.application_id,
                              (long)look.user_version, objects,
                              look.hot_journal ? ", a rollback journal to recover" : "");
        }
        if (flags & CRM_OPEN_READONLY)
            return crm__error(db, CRM_EIO,
                              "'%s' does not exist (a read-only open never creates a file)",
                              db->path);
        if (!(flags & CRM_OPEN_CREATE))
            return crm__error(db, CRM_EIO,
                              "'%s' does not exist; pass CRM_OPEN_CREATE to create it", db->path);
        /* SQLite would create it 0644 less the umask; its -wal and -shm
         * take the main file's mode. The mode is set exactly: the umask may
         * only have narrowed what was asked. */
        mode_t mode = (flags & CRM_OPEN_GROUP_ACCESS) ? 0660 : 0600;
        int fd = open(fname, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, mode);
        if (fd >= 0) {
            int ferr = fchmod(fd, mode) == 0 ? 0 : errno;
            close(fd);
            if (ferr)
                return crm__error(db, CRM_EIO, "cannot set the mode of '%s': %s", db->path,
                                  strerror(ferr));
            return CRM_OK;
        }
        if (errno != EEXIST || attempt > 0)
            return crm__error(db, CRM_EIO, "cannot create '%s': %s", db->path, strerror(errno));
        /* Another process created it meanwhile: judge what it made. */
    }
}

/* A read-only open of a file in WAL mode fails at its first read when the
 * log's index (the -shm file) does not exist and cannot be created, as in
 * a directory the process may not write: SQLite then says "attempt to
 * write a readonly database", which is not what happened. */
static char *file_name(const char *path, const char *suffix);

static int explain_readonly(crm_db *db)
{
    char *shm = file_name(db->path, "-shm");
    if (!shm)
        return crm__error(db, CRM_ENOMEM, "out of memory opening a database");
    bool missing = access(shm, F_OK) != 0;
    crm__free(shm);
    if (!missing)
        return CRM_EREADONLY;
    return crm__error(db, CRM_EIO,
                      "'%s' cannot be read: it is in WAL mode, where even a reader needs the "
                      "shared-memory index beside it ('%s-shm'), which does not exist and "
                      "cannot be created, as in a directory this process may not write; "
                      "open it where its directory is writable",
                      db->path, db->path);
}

/* SQLite reads a name that starts with "file:" as a URI (Debian builds it
 * with SQLITE_USE_URI, and any code in the process may turn URIs on), and
 * a URI can turn off locking ("?vfs=unix-none": three writer processes
 * corrupted a file that way) or name a shared in-memory database that
 * keeps nothing. A path is a file name: such a relative name is opened as
 * "./file:...", which SQLite never reads as a URI. The name of the file
 * at path, with suffix ("" or the name of one beside it, "-shm"). */
static char *file_name(const char *path, const char *suffix)
{
    bool uri_like = strncmp(path, "file:", 5) == 0;
    char *name = crm__malloc(strlen(path) + strlen(suffix) + (uri_like ? 3 : 1));
    if (name)
        sprintf(name, "%s%s%s", uri_like ? "./" : "", path, suffix);
    return name;
}

int crm__store_open(crm_db *db, const char *path, const crm_open_options *o)
{
    db->store = crm__calloc(1, sizeof *db->store);
    if (!db->store)
        return crm__error(db, CRM_ENOMEM, "out of memory opening a database");
    int rc = CRM_OK;
    bool memory = strcmp(path, ":memory:") == 0;
    char *fname = memory ? NULL : file_name(path, "");
    if (!memory && !fname)
        return crm__error(db, CRM_ENOMEM, "out of memory opening a database");
    if (!memory)
        rc = examine(db, fname, o->flags);
    /* No SQLITE_OPEN_CREATE: examine() made the file, with its mode. */
    int sflags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE |
                 ((o->flags & CRM_OPEN_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
    int src = rc ? SQLITE_OK : sqlite3_open_v2(memory ? path : fname, &db->store->sql, sflags, NULL);
    crm__free(fname);
    if (rc)
        return rc;
    if (src != SQLITE_OK) {
        rc = crm__error(db, crm__code_from_sqlite(src) == CRM_ENOMEM ? CRM_ENOMEM : CRM_EIO,
                        "cannot open database '%s': %s", db->path,
                        db->store->sql ? sqlite3_errmsg(db->store->sql) : sqlite3_errstr(src));
        return rc;
    }
    db->store->wal_restart_at = CRM__RESTART_FRAMES;
    crm__sqlite_hooks(db);
    src = crm__sqlite_report_functions(db->store->sql);
    if (src != SQLITE_OK)
        return crm__sqlite_error(db, src, "opening a database");

    /* Nothing is written (not even the WAL switch) until the file is
     * judged by SQLite too, its schema included. */
    file_state fs = { 0, 0 };
    bool due = false;
    rc = read_and_check(db, &fs, &due);
    if (rc == CRM_EREADONLY)
        rc = explain_readonly(db);
    if (rc == CRM_OK && due && (db->flags & CRM_OPEN_READONLY))
        rc = crm__error(db, CRM_EREADONLY,
                        "'%s' needs its schema %s (version %d to %d) but was opened read-only; "
                        "open it once read-write",
                        db->path, fs.user_version ? "migrated" : "created", fs.user_version,
                        crm__migration_count);
    if (rc == CRM_OK)
        rc = configure(db, o);
    if (rc == CRM_OK && due)
        rc = migrate(db, fs.user_version);
    /* A new file's header, application id and all, would otherwise stay in
     * the log until 1000 pages had been written, and every open until then
     * would read the log to find it (see file.c): copy it back now. */
    if (rc == CRM_OK && due && !memory)
        sqlite3_wal_checkpoint_v2(db->store->sql, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return rc;
}

void crm__store_close(crm_db *db, bool refused)
{
    struct crm__store *store = db->store;
    if (!store)
        return;
    if (store->sql) {
        /* A refused file is closed without the checkpoint that the last
         * connection to a file in WAL mode otherwise makes on close: its
         * main file and log keep their bytes. */
        if (refused)
            sqlite3_db_config(store->sql, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
        else if (db->txn_open && !sqlite3_get_autocommit(store->sql))
            sqlite3_exec(store->sql, "ROLLBACK", NULL, NULL, NULL);
    }
    crm__store_free_statements(db);
    if (store->sql)
        sqlite3_close(store->sql);
    crm__free(store);
    db->store = NULL;
}

int crm__store_schema_count(void)
{
    return crm__migration_count;
}

int crm__store_schema_version(crm_db *db, int *out)
{
    int64_t v;
    int rc = pragma_int(db, SQL_USER_VERSION, &v);
    if (rc == CRM_OK)
        *out = (int)v;
    return rc;
}
