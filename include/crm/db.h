/*
 * libcrm - opening a customer database, transactions, allocator.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Threads and processes: use one handle per thread. A handle shared by
 * threads is safe all the same: calls on it take turns (a call from another
 * thread waits for the one in progress), each thread reads its own errors,
 * and a transaction group belongs to the thread that began it (another
 * thread's calls wait for it to end, up to the busy timeout, then
 * CRM_EBUSY). Any number of processes and handles may open the same file:
 * the file is in WAL mode, every write is an IMMEDIATE transaction, and a
 * writer waits for the lock; it fails with CRM_EBUSY only when one
 * transaction of another connection has held the lock for the whole busy
 * timeout.
 */
#ifndef CRM_DB_H
#define CRM_DB_H

#include "common.h"

CRM_BEGIN_DECL

/** Flags for crm_open_options.flags (OR-able). */
#define CRM_OPEN_CREATE 0x1u   /**< create the file if it does not exist */
#define CRM_OPEN_READONLY 0x2u /**< open read-only; every write fails with CRM_EREADONLY */
/**
 * A file crm_open() creates is readable and writable by its owner only
 * (mode 0600), and so are its -wal and -shm. With this flag it is created
 * 0660: the owner's group may open it too (every process that opens a file
 * in WAL mode, readers included, needs to write its -shm). Files that
 * exist keep their mode.
 */
#define CRM_OPEN_GROUP_ACCESS 0x4u
/**
 * Keep personal values out of error messages: the names, identity values,
 * free text and other values a caller passed or the file holds are shown
 * as <withheld>, while ids, field names, codes, numbers and the reason stay
 * ("phone identity <withheld> already belongs to customer 0190..."). For
 * programs that show or log messages where people other than the staff
 * can read them: kiosks, self-service, IVR (docs/errors.md).
 */
#define CRM_OPEN_REDACT 0x8u

/** How hard a commit works to survive power loss. */
typedef enum crm_durability_t {
    /**
     * SQLite synchronous=FULL: a commit is on stable storage when the call
     * returns. The default.
     */
    CRM_DURABILITY_FULL = 0,
    /**
     * SQLite synchronous=NORMAL: faster commits. A crash of the process
     * loses nothing, but a power failure or OS crash may lose the last
     * commits acknowledged before it (the database stays consistent).
     */
    CRM_DURABILITY_NORMAL = 1
} crm_durability_t;

/** "full", "normal"; NULL outside the enum. */
CRM_EXTERN(const char *) crm_durability_name(crm_durability_t durability);
/**
 * The durability named name ("full", "normal"): CRM_OK, or CRM_EINVAL for
 * NULL or an unknown name (message in crm_errmsg(NULL)).
 */
CRM_EXTERN(int) crm_durability_parse(crm_durability_t *out, const char *name);

#define CRM_OPEN_OPTIONS_VERSION 2

/**
 * A clock for a handle (crm_open_options.clock): the time now, in ms since
 * the epoch, UTC; ctx is crm_open_options.clock_ctx. libcrm reads it
 * wherever it needs the time now: once per write call, before the call
 * changes anything, for every time the call stores (created_at,
 * updated_at, the time an id carries, a promise step's time, the journal
 * entry's at), for "today" where a call takes one, and for the time a
 * promise record is read at (crm_promise_get(), crm_promise_list_open():
 * overdue as of then, crm_promise_is_overdue()). It is called on
 * the thread making the call, while that call holds the handle: it must
 * not call libcrm with the same handle. A time before 1970-01-01 (0; an
 * id cannot carry one) or after CRM_TIME_MAX fails the call that read it
 * with CRM_EMISUSE, and the call changes nothing. It may go backwards:
 * ids stay in the order they were made, carrying the last time they
 * carried until the clock passes it.
 */
typedef int64_t (*crm_clock_fn)(void *ctx);

/**
 * Options for crm_open(). Initialise with CRM_OPEN_OPTIONS_INIT (or
 * crm_open_options_init()) and change the fields you care about; fields are
 * only ever appended in later versions. A version 1 struct (without the
 * clock) is still read as such.
 */
typedef struct crm_open_options {
    unsigned int version;       /**< CRM_OPEN_OPTIONS_VERSION */
    unsigned int flags;         /**< CRM_OPEN_*; default CRM_OPEN_CREATE */
    int busy_timeout_ms;        /**< how long one transaction of another connection may hold the lock before a write gives up (CRM_EBUSY); default 5000, 0 = never wait */
    crm_durability_t durability;  /**< default CRM_DURABILITY_FULL */
    const char *actor;          /**< who makes the changes, e.g. "agent:alice"; NULL = "system" */
    const char *default_country; /**< ISO 3166 region ("US", "DE") for national phone numbers;
                                      NULL = the one kept in the file (crm_default_country_set()),
                                      if any */
    /* version 2 */
    crm_clock_fn clock;         /**< the handle's clock (crm_clock_fn); NULL = the system's */
    void *clock_ctx;            /**< passed to clock; not used by libcrm otherwise */
} crm_open_options;

#define CRM_OPEN_OPTIONS_INIT \
    { CRM_OPEN_OPTIONS_VERSION, CRM_OPEN_CREATE, 5000, CRM_DURABILITY_FULL, NULL, NULL, NULL, NULL }

/**
 * Fill opts with the defaults for the given version: CRM_OPEN_OPTIONS_VERSION,
 * or 1 for a version 1 struct, of which only the version 1 fields are
 * written. Returns CRM_EINVAL for NULL or an unknown version.
 */
CRM_EXTERN(int) crm_open_options_init(crm_open_options *opts, unsigned int version);

/**
 * Open (and with CRM_OPEN_CREATE create) the customer database at path.
 * ":memory:" opens a private in-memory database. A file from an older libcrm
 * is migrated in one transaction. A new file is created mode 0600 (see
 * CRM_OPEN_GROUP_ACCESS). The file is judged before SQLite opens it: one
 * that is not a libcrm database is refused unchanged, its -wal, -shm and
 * -journal included, and a libcrm file with tables, indexes, triggers or
 * views its schema does not define is refused (CRM_ECORRUPT).
 *
 * @param out   receives the handle on success; set to NULL on failure.
 *              The caller owns it and releases it with crm_close().
 * @param path  file name (UTF-8), never read as an SQLite URI.
 * @param opts  options, or NULL for the defaults. Strings are copied.
 * @return CRM_OK; CRM_EINVAL (bad argument or option); CRM_EIO (cannot
 *         open, e.g. missing without CRM_OPEN_CREATE, a directory, no WAL
 *         mode); CRM_ENOTCRM (a SQLite
 *         file that is not a libcrm database, left untouched, or a file that
 *         is not SQLite at all); CRM_ESCHEMA (written by a newer libcrm);
 *         CRM_EREADONLY (read-only but the file needs creating or
 *         migrating); CRM_EBUSY; CRM_ECORRUPT; CRM_ENOMEM. On failure the
 *         message is crm_errmsg(NULL) on the same thread.
 */
CRM_EXTERN(int) crm_open(crm_db **out, const char *path, const crm_open_options *opts);

/**
 * Close the handle and free everything it owns. Accepts NULL. An explicit
 * transaction still open is rolled back. Cursors must be freed first;
 * returns CRM_EMISUSE (and closes nothing) if some are still open, or if
 * another thread is waiting to use the handle. No thread may use the
 * handle after it is closed.
 */
CRM_EXTERN(int) crm_close(crm_db *db);

/**
 * Set who is making the following changes (recorded in the journal), e.g.
 * "agent:alice" or "ivr:main-menu". 1..CRM_ACTOR_MAX bytes of UTF-8 without
 * control characters; NULL restores "system". CRM_EINVAL otherwise.
 */
CRM_EXTERN(int) crm_set_actor(crm_db *db, const char *actor);

/** The current actor. Borrowed: kept in the handle, valid until crm_close()
 *  (a later crm_set_actor() changes what it says). */
CRM_EXTERN(const char *) crm_actor(const crm_db *db);

/**
 * Keep a default country in the file: the ISO 3166 region ("US", "de";
 * kept in capitals) national phone numbers are read in, for every program
 * that opens it without crm_open_options.default_country. NULL or "" removes
 * it. The region must be one the phone normaliser knows (CRM_EINVAL
 * otherwise). This handle uses it from now on unless it was opened with
 * crm_open_options.default_country, which wins for the handle it opened;
 * other handles already open read it when they are next opened. Journaled
 * as entity "setting", op "set", without an entity id, with `name`
 * ("default_country"), `old` and `new` (null for none); setting the value
 * already kept changes and journals nothing. Inside a group (crm_begin())
 * the handle uses it at once and goes back to the one before if the group
 * is rolled back. CRM_EREADONLY on a read-only handle.
 */
CRM_EXTERN(int) crm_default_country_set(crm_db *db, const char *region);

/**
 * The default country this handle reads national numbers in: the one it
 * was opened with, else the one kept in the file (as of opening, or of this
 * handle's crm_default_country_set()); NULL when there is none. Borrowed:
 * kept in the handle until the next crm_default_country_set() or
 * crm_close().
 */
CRM_EXTERN(const char *) crm_default_country(const crm_db *db);

/**
 * The schema version of the open file in *out: CRM_OK, or CRM_EINVAL (db or
 * out NULL), CRM_EBUSY or CRM_EIO.
 */
CRM_EXTERN(int) crm_schema_version(int *out, crm_db *db);
/** The newest schema version this library knows (it cannot fail). */
CRM_EXTERN(int) crm_schema_version_max(void);

/**
 * Group the following write calls into one transaction. Every write call
 * is otherwise a transaction of its own; inside crm_begin() a refused call
 * undoes only its own changes and the group stays open. After a lack of
 * memory or an I/O error the whole group may be gone instead: further
 * writes and crm_commit() return CRM_ESTATE until crm_rollback().
 * @return CRM_OK; CRM_ESTATE if a transaction is already open;
 *         CRM_EREADONLY; CRM_EBUSY if another writer held the file past the
 *         busy timeout.
 */
CRM_EXTERN(int) crm_begin(crm_db *db);

/**
 * Commit the transaction opened by crm_begin(). CRM_ESTATE if none is open,
 * or if SQLite already rolled it back after a failure (I/O error, disk
 * full, out of memory): then every write call fails with CRM_ESTATE too
 * until crm_rollback() ends the group. The group's changes of searched
 * texts reach the search index here (crm/search.h); if that or the commit
 * fails (CRM_ENOMEM, CRM_EIO), crm_in_transaction() says whether the group
 * is still open (commit again, or roll back) or over, nothing of it
 * written.
 */
CRM_EXTERN(int) crm_commit(crm_db *db);

/** Undo everything since crm_begin(). CRM_ESTATE if no transaction is open. */
CRM_EXTERN(int) crm_rollback(crm_db *db);

/** 1 while a transaction the calling thread opened with crm_begin() is
 *  open, else 0. */
CRM_EXTERN(int) crm_in_transaction(const crm_db *db);

#define CRM_ALLOCATOR_VERSION 1

/**
 * Memory functions for everything libcrm itself allocates (SQLite's own
 * allocations are configured through sqlite3_config()). realloc receives
 * the old size-less pointer like realloc(3); free accepts NULL.
 */
typedef struct crm_allocator {
    unsigned int version; /**< CRM_ALLOCATOR_VERSION */
    void *(*malloc)(size_t size, void *payload);
    void *(*realloc)(void *ptr, size_t size, void *payload);
    void (*free)(void *ptr, void *payload);
    void *payload;
} crm_allocator;

/**
 * Replace libcrm's allocator (a copy of *a is kept); NULL restores the C
 * library's. Call it while no handle is open: CRM_EMISUSE otherwise.
 * CRM_EINVAL for a wrong version or a missing function. Not thread-safe:
 * configure before starting threads.
 */
CRM_EXTERN(int) crm_config_allocator(const crm_allocator *a);

CRM_END_DECL

#endif
