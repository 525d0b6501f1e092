/*
 * Fault injection. Every write call of libcrm, alone and in groups opened
 * with crm_begin(), runs again and again while the N-th allocation or the
 * N-th file operation fails, for N = 1, 2, ... until the call succeeds
 * without a fault. What fails, one kind per run ("mode"):
 *
 *   oom-crm       libcrm's allocator (crm_config_allocator)
 *   oom-sqlite    SQLite's allocator (sqlite3_config(SQLITE_CONFIG_MALLOC))
 *   oom-both      either of the two, on one countdown
 *   io-read, io-write, io-full (a write finds the disk full), io-sync,
 *   io-truncate, io-filesize
 *                 a shim VFS, registered as SQLite's default, in front of
 *                 the unix VFS
 *
 * Every failure must be clean: the documented code (CRM_ENOMEM or CRM_EIO)
 * with the handle reporting it, out-parameters untouched, no transaction
 * left open, the database exactly as before (every row of every table read
 * through a second, healthy connection, and the row counts and journal
 * sequence read through the handle that failed), PRAGMA integrity_check
 * "ok", and nothing leaked (LeakSanitizer or valgrind at exit). A run that
 * succeeds although a fault was injected (SQLite does without some
 * allocations) must have made exactly the change a run without faults
 * makes. Groups are run two ways: all or nothing, and going on after a
 * failed call as the API allows (the call undid only itself, or SQLite
 * lost the whole group and every write gives CRM_ESTATE until
 * crm_rollback()).
 *
 * The allocator modes run on a warm handle: its statement cache and page
 * cache are filled first by running the call inside a group that is rolled
 * back, so every run meets the same sequence of allocations and each one
 * is failed once (checked at the end of each loop). The oom-crm-cold mode
 * and the I/O modes open a fresh handle for every run, so the statement
 * cache's own allocations and the reads of a cold page cache fail too.
 *
 * The lists whose opening copies a bound value run the same way ("reads"):
 * a failure must come back as a code, never as a list that ends early. So
 * does a write made while a list is in the middle of its walk, which makes
 * the list copy the rest of its rows first ("write_mid_walk").
 *
 * A new write joins with one line in `ops` below: a name, the setup that
 * makes what it needs, and the call.
 *
 * Usage: test_faults [--stress] [--customers N] [--stride N] [--rotate K]
 *                    [--op NAME]... [--mode NAME]... [-v]
 *   --stress       50 more customers in every database, the cold variants
 *                  of the SQLite allocator modes, io-truncate, and a reopen
 *                  after every failure
 *   --customers N  customers (with identities, interactions and promises)
 *                  in every database besides the ones the calls work on
 *                  (default 0)
 *   --stride N     fail only every N-th call (N = k, k+N, k+2N, ...)
 *   --rotate K     each call meets only every K-th mode, each mode a share
 *                  of the calls; with --stride, a sample for slow builds
 *                  such as valgrind's
 *   --op, --mode   run only the named calls or modes (repeatable)
 *   -v             a line per call and mode
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "test.h"

/* ---- what fails --------------------------------------------------------- */

enum fault_kind {
    FAULT_NONE,
    FAULT_OOM_CRM,
    FAULT_OOM_SQLITE,
    FAULT_OOM_BOTH,
    FAULT_READ,
    FAULT_WRITE,
    FAULT_FULL,
    FAULT_SYNC,
    FAULT_TRUNCATE,
    FAULT_FILESIZE
};

/* The armed fault: the call of its kind that finds countdown at 0 fails,
 * and only that one. */
static struct {
    int kind;
    long countdown;
    long burst;    /* calls that fail from there on, one after the other */
    long calls;    /* calls of the armed kind since arming */
    long injected; /* failures made since arming */
} fault = { FAULT_NONE, -1, 0, 0, 0 };

/* The n-th call of the kind fails, and the burst - 1 after it too. */
static void fault_arm_burst(int kind, long n, long burst)
{
    fault.kind = kind;
    fault.countdown = n;
    fault.burst = burst;
    fault.calls = 0;
    fault.injected = 0;
}

static void fault_arm(int kind, long n)
{
    fault_arm_burst(kind, n, 1);
}

static void fault_disarm(void)
{
    fault.kind = FAULT_NONE;
    fault.countdown = -1;
}

/* One call that the armed fault may apply to: true if it must fail. */
static bool fault_now(bool applies)
{
    if (!applies)
        return false;
    fault.calls++;
    if (fault.countdown == 0) {
        if (--fault.burst <= 0)
            fault.countdown = -1;
        fault.injected++;
        return true;
    }
    if (fault.countdown > 0)
        fault.countdown--;
    return false;
}

/* libcrm's allocator. */
static bool crm_alloc_armed(void)
{
    return fault.kind == FAULT_OOM_CRM || fault.kind == FAULT_OOM_BOTH;
}

static void *crm_alloc_malloc(size_t n, void *payload)
{
    (void)payload;
    return fault_now(crm_alloc_armed()) ? NULL : malloc(n);
}

static void *crm_alloc_realloc(void *ptr, size_t n, void *payload)
{
    (void)payload;
    return fault_now(crm_alloc_armed()) ? NULL : realloc(ptr, n);
}

static void crm_alloc_free(void *ptr, void *payload)
{
    (void)payload;
    free(ptr);
}

static const crm_allocator crm_alloc = { CRM_ALLOCATOR_VERSION, crm_alloc_malloc,
                                         crm_alloc_realloc, crm_alloc_free, NULL };

/* SQLite's allocator: its own default methods, wrapped. */
static sqlite3_mem_methods sqlite_mem;

static bool sqlite_alloc_armed(void)
{
    return fault.kind == FAULT_OOM_SQLITE || fault.kind == FAULT_OOM_BOTH;
}

static void *sq_malloc(int n)
{
    return fault_now(sqlite_alloc_armed()) ? NULL : sqlite_mem.xMalloc(n);
}

static void sq_free(void *p)
{
    sqlite_mem.xFree(p);
}

static void *sq_realloc(void *p, int n)
{
    return fault_now(sqlite_alloc_armed()) ? NULL : sqlite_mem.xRealloc(p, n);
}

static int sq_size(void *p)
{
    return sqlite_mem.xSize(p);
}

static int sq_roundup(int n)
{
    return sqlite_mem.xRoundup(n);
}

static int sq_init(void *app)
{
    (void)app;
    return sqlite_mem.xInit(sqlite_mem.pAppData);
}

static void sq_shutdown(void *app)
{
    (void)app;
    sqlite_mem.xShutdown(sqlite_mem.pAppData);
}

/* The shim VFS: each file is the unix VFS's file, placed right after ours. */
typedef struct shim_file {
    sqlite3_file base;
    sqlite3_file *real;
} shim_file;

static sqlite3_vfs *unix_vfs;
static sqlite3_vfs shim_vfs;

#define REAL(f) (((shim_file *)(f))->real)
#define REAL_CALL(f, method, ...) (REAL(f)->pMethods->method(REAL(f), __VA_ARGS__))

static int shim_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    if (fault_now(fault.kind == FAULT_READ))
        return SQLITE_IOERR_READ;
    return REAL_CALL(f, xRead, buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    if (fault_now(fault.kind == FAULT_WRITE || fault.kind == FAULT_FULL))
        return fault.kind == FAULT_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    return REAL_CALL(f, xWrite, buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    if (fault_now(fault.kind == FAULT_TRUNCATE))
        return SQLITE_IOERR_TRUNCATE;
    return REAL_CALL(f, xTruncate, size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
    if (fault_now(fault.kind == FAULT_SYNC))
        return SQLITE_IOERR_FSYNC;
    return REAL_CALL(f, xSync, flags);
}

static int shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    if (fault_now(fault.kind == FAULT_FILESIZE))
        return SQLITE_IOERR_FSTAT;
    return REAL_CALL(f, xFileSize, size);
}

static int shim_lock(sqlite3_file *f, int lock)
{
    return REAL_CALL(f, xLock, lock);
}

static int shim_unlock(sqlite3_file *f, int lock)
{
    return REAL_CALL(f, xUnlock, lock);
}

static int shim_check_reserved(sqlite3_file *f, int *out)
{
    return REAL_CALL(f, xCheckReservedLock, out);
}

static int shim_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL_CALL(f, xFileControl, op, arg);
}

static int shim_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int shim_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int shim_shm_map(sqlite3_file *f, int pg, int size, int extend, void volatile **out)
{
    return REAL_CALL(f, xShmMap, pg, size, extend, out);
}

static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL_CALL(f, xShmLock, offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
    return REAL_CALL(f, xShmUnmap, delete_flag);
}

static int shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    return REAL_CALL(f, xFetch, off, n, out);
}

static int shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    return REAL_CALL(f, xUnfetch, off, p);
}

static const sqlite3_io_methods shim_io = {
    3,
    shim_close,
    shim_read,
    shim_write,
    shim_truncate,
    shim_sync,
    shim_file_size,
    shim_lock,
    shim_unlock,
    shim_check_reserved,
    shim_file_control,
    shim_sector_size,
    shim_device,
    shim_shm_map,
    shim_shm_lock,
    shim_shm_barrier,
    shim_shm_unmap,
    shim_fetch,
    shim_unfetch,
};

static int shim_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags,
                     int *out_flags)
{
    (void)vfs;
    shim_file *s = (shim_file *)f;
    s->real = (sqlite3_file *)(s + 1);
    int rc = unix_vfs->xOpen(unix_vfs, name, s->real, flags, out_flags);
    if (s->real->pMethods && s->real->pMethods->iVersion < 3) {
        fprintf(stderr, "the default VFS has io methods version %d; the shim needs 3\n",
                s->real->pMethods->iVersion);
        exit(2);
    }
    s->base.pMethods = s->real->pMethods ? &shim_io : NULL;
    return rc;
}

static int shim_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return unix_vfs->xDelete(unix_vfs, name, sync_dir);
}

static int shim_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return unix_vfs->xAccess(unix_vfs, name, flags, out);
}

static int shim_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return unix_vfs->xFullPathname(unix_vfs, name, n, out);
}

/* Before SQLite is first used: its allocator can only be set then. */
static void install_faults(void)
{
    static const sqlite3_mem_methods wrapped = { sq_malloc, sq_free,  sq_realloc,  sq_size,
                                                 sq_roundup, sq_init, sq_shutdown, NULL };
    if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_mem) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_MALLOC, &wrapped) != SQLITE_OK) {
        fprintf(stderr, "cannot wrap SQLite's allocator (was SQLite used already?)\n");
        exit(2);
    }
    unix_vfs = sqlite3_vfs_find(NULL);
    if (!unix_vfs) {
        fprintf(stderr, "SQLite has no default VFS\n");
        exit(2);
    }
    /* crm_open() takes no VFS name, so the shim becomes the default. */
    shim_vfs = *unix_vfs;
    shim_vfs.pNext = NULL;
    shim_vfs.zName = "crm-faults";
    shim_vfs.szOsFile = (int)sizeof(shim_file) + unix_vfs->szOsFile;
    shim_vfs.xOpen = shim_open;
    shim_vfs.xDelete = shim_delete;
    shim_vfs.xAccess = shim_access;
    shim_vfs.xFullPathname = shim_full_pathname;
    if (sqlite3_vfs_register(&shim_vfs, 1) != SQLITE_OK) {
        fprintf(stderr, "cannot register the shim VFS\n");
        exit(2);
    }
    if (crm_config_allocator(&crm_alloc) != CRM_OK) {
        fprintf(stderr, "cannot set libcrm's allocator\n");
        exit(2);
    }
}

/* ---- configuration ------------------------------------------------------ */

static struct {
    int customers;
    long stride;
    int rotate;
    bool stress;
    bool verbose;
    const char *ops[32];
    int nops;
    const char *modes[32];
    int nmodes;
} cfg = { 0, 1, 1, false, false, { NULL }, 0, { NULL }, 0 };

/* ---- a violation, kept until the harness reports it --------------------- */

static char violation[1024];

#if defined(__GNUC__)
#define FAULTS_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define FAULTS_PRINTF(f, a)
#endif

static void violate(const char *fmt, ...) FAULTS_PRINTF(1, 2);

static void violate(const char *fmt, ...)
{
    if (violation[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(violation, sizeof violation, fmt, ap);
    va_end(ap);
}

/* ---- the healthy connection --------------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *s = NULL;
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, s ? sqlite3_errmsg(s) : "no memory");
        exit(2);
    }
    sqlite3_busy_timeout(s, 5000);
    /* Closing last, it leaves the WAL as it is: a checkpoint would cost
     * syncs, and every file is either thrown away or read again. */
    sqlite3_db_config(s, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    return s;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211u;
    return h;
}

static void raw_fail(sqlite3 *s, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(s));
    exit(2);
}

/* The checking connections' statements, prepared once (the checks run
 * after every failure). */
static struct raw_cached {
    sqlite3 *db;
    char sql[96];
    sqlite3_stmt *st;
} raw_cache[64];
static int nraw_cache;

static sqlite3_stmt *raw_stmt(sqlite3 *s, const char *sql)
{
    for (int i = 0; i < nraw_cache; i++)
        if (raw_cache[i].db == s && strcmp(raw_cache[i].sql, sql) == 0) {
            sqlite3_reset(raw_cache[i].st);
            return raw_cache[i].st;
        }
    struct raw_cached *c = &raw_cache[nraw_cache];
    if (nraw_cache == (int)(sizeof raw_cache / sizeof raw_cache[0]) ||
        strlen(sql) >= sizeof c->sql) {
        fprintf(stderr, "the checking statement cache is too small\n");
        exit(2);
    }
    if (sqlite3_prepare_v2(s, sql, -1, &c->st, NULL) != SQLITE_OK)
        raw_fail(s, sql);
    c->db = s;
    snprintf(c->sql, sizeof c->sql, "%s", sql);
    nraw_cache++;
    return c->st;
}

static void raw_exec(sqlite3 *s, const char *sql)
{
    sqlite3_stmt *st = raw_stmt(s, sql);
    if (sqlite3_step(st) != SQLITE_DONE)
        raw_fail(s, sql);
    sqlite3_reset(st);
}

static void raw_close(sqlite3 *s)
{
    int kept = 0;
    for (int i = 0; i < nraw_cache; i++) {
        if (raw_cache[i].db == s)
            sqlite3_finalize(raw_cache[i].st);
        else
            raw_cache[kept++] = raw_cache[i];
    }
    nraw_cache = kept;
    if (sqlite3_close(s) != SQLITE_OK) {
        fprintf(stderr, "closing the checking connection: %s\n", sqlite3_errmsg(s));
        exit(2);
    }
}

/* A digest of every row of every table, sqlite_schema and sqlite_sequence
 * included, in key order. */
static uint64_t digest_rows(sqlite3 *s)
{
    uint64_t h = 14695981039346656037u;
    sqlite3_stmt *names, *rows;
    /* Each name is read before the rows of the table, whose statement may
     * be prepared then: copy it first. */
    char tables[32][72];
    int ntables = 0, rc;
    names = raw_stmt(s, "SELECT name FROM sqlite_schema WHERE type = 'table' UNION ALL "
                        "SELECT 'sqlite_schema' ORDER BY 1");
    while ((rc = sqlite3_step(names)) == SQLITE_ROW && ntables < 32) {
        const char *name = (const char *)sqlite3_column_text(names, 0);
        /* A table name is an identifier and cannot be bound; these come from
         * the schema and are plain words, which is checked. */
        if (!name || strspn(name, "abcdefghijklmnopqrstuvwxyz_") != strlen(name) ||
            strlen(name) > 64) {
            fprintf(stderr, "digest: unexpected table name %s\n", name ? name : "(null)");
            exit(2);
        }
        snprintf(tables[ntables++], sizeof tables[0], "%s", name);
    }
    if (rc != SQLITE_DONE)
        raw_fail(s, "digest");
    sqlite3_reset(names);
    for (int k = 0; k < ntables; k++) {
        char sql[96];
        snprintf(sql, sizeof sql, "SELECT * FROM \"%.64s\"", tables[k]);
        h = fnv(h, tables[k], strlen(tables[k]) + 1);
        rows = raw_stmt(s, sql);
        while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
            int n = sqlite3_column_count(rows);
            for (int i = 0; i < n; i++) {
                unsigned char t = (unsigned char)sqlite3_column_type(rows, i);
                h = fnv(h, &t, 1);
                if (t == SQLITE_INTEGER) {
                    sqlite3_int64 v = sqlite3_column_int64(rows, i);
                    h = fnv(h, &v, sizeof v);
                } else if (t == SQLITE_FLOAT) {
                    double v = sqlite3_column_double(rows, i);
                    h = fnv(h, &v, sizeof v);
                } else if (t != SQLITE_NULL) {
                    const void *b = sqlite3_column_blob(rows, i);
                    int len = sqlite3_column_bytes(rows, i);
                    h = fnv(h, &len, sizeof len);
                    if (b)
                        h = fnv(h, b, (size_t)len);
                }
            }
        }
        if (rc != SQLITE_DONE)
            raw_fail(s, "digest");
        sqlite3_reset(rows);
    }
    return h;
}

/* The digest, read in one transaction. */
static uint64_t raw_digest(sqlite3 *s)
{
    raw_exec(s, "BEGIN");
    uint64_t h = digest_rows(s);
    raw_exec(s, "COMMIT");
    return h;
}

/* PRAGMA integrity_check says exactly "ok". */
static bool raw_integrity_ok(sqlite3 *s)
{
    sqlite3_stmt *st = raw_stmt(s, "PRAGMA integrity_check");
    bool ok = true;
    int rc, rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!t || strcmp(t, "ok") != 0) {
            fprintf(stderr, "integrity_check: %s\n", t ? t : "(null)");
            ok = false;
        }
        rows++;
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "integrity_check: %s\n", sqlite3_errmsg(s));
        ok = false;
    }
    sqlite3_reset(st);
    /* The search index holds exactly the words of the rows it indexes
     * (FTS5's own check, which integrity_check does not make). */
    st = raw_stmt(s, "INSERT INTO search (search, rank) VALUES ('integrity-check', 1)");
    if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
        fprintf(stderr, "the search index's integrity-check: %s\n", sqlite3_errmsg(s));
        ok = false;
    }
    sqlite3_reset(st);
    return ok && rows == 1;
}

/* The file holds exactly the rows with this digest and passes
 * integrity_check; one read transaction. NULL if so, else what is wrong. */
static const char *raw_check(sqlite3 *s, uint64_t digest)
{
    raw_exec(s, "BEGIN");
    bool same = digest_rows(s) == digest;
    bool ok = raw_integrity_ok(s);
    raw_exec(s, "COMMIT");
    return !same ? "the database changed (read through a healthy connection)"
                 : !ok ? "integrity_check failed" : NULL;
}

/* ---- files and handles -------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    if (!in || !out) {
        fprintf(stderr, "cannot copy %s to %s\n", from, to);
        exit(2);
    }
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            fprintf(stderr, "cannot write %s\n", to);
            exit(2);
        }
    fclose(in);
    if (fclose(out) != 0) {
        fprintf(stderr, "cannot write %s\n", to);
        exit(2);
    }
}

static crm_db *open_db(const char *path)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    o.actor = "agent:faults";
    crm_db *db = NULL;
    if (crm_open(&db, path, &o) != CRM_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

static void close_db(crm_db *db)
{
    if (crm_close(db) != CRM_OK) {
        fprintf(stderr, "crm_close: %s\n", crm_errmsg(db));
        exit(2);
    }
}

/* The database under test: libcrm's handle and a healthy connection. */
typedef struct session {
    char path[4096];
    crm_db *db;
    sqlite3 *raw;
} session;

static void session_open(session *s)
{
    s->db = open_db(s->path);
    s->raw = raw_open(s->path);
}

static void session_close(session *s)
{
    close_db(s->db);
    s->db = NULL;
    raw_close(s->raw);
    s->raw = NULL;
}

/* Put the baseline file back (every connection to it closed). */
static void restore(const char *base, const char *path)
{
    test_remove_db(path);
    copy_file(base, path);
}

/* ---- what the calls work on --------------------------------------------- */

#define ID_SIZE (CRM_ID_LEN + 1)

typedef struct fixture {
    char ann[ID_SIZE];   /* identities, attributes, a tag, an occasion, promises */
    char org[ID_SIZE];   /* bob is a member, cy is not */
    char bob[ID_SIZE];
    char cy[ID_SIZE];
    char gone[ID_SIZE];  /* archived */
    char call[ID_SIZE];  /* an interaction of ann's */
    char p_keep[ID_SIZE], p_break[ID_SIZE], p_release[ID_SIZE], p_renegotiate[ID_SIZE];
    char occasion[ID_SIZE];
    int64_t due;
} fixture;

static void must(crm_db *db, int rc, const char *what)
{
    if (rc != CRM_OK) {
        fprintf(stderr, "setup: %s: %s\n", what, crm_errmsg(db));
        exit(2);
    }
}

static void log_interaction(crm_db *db, const char *customer, const char *ref, char id[ID_SIZE])
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = customer;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    s.reason = "billing.question";
    s.summary = "asked about the last invoice";
    s.external_ref = ref;
    crm_interaction *i = NULL;
    must(db, crm_interaction_log(&i, db, &s), "logging an interaction");
    if (id)
        memcpy(id, crm_interaction_id(i), ID_SIZE);
    crm_interaction_free(i);
}

static void make_promise(crm_db *db, const char *customer, const char *what, int64_t due,
                         char id[ID_SIZE])
{
    crm_promise *p = NULL;
    must(db, crm_promise_make(&p, db, customer, NULL, "agent:alice", what, due, CRM_TIME_NONE),
         "making a promise");
    if (id)
        memcpy(id, crm_promise_id(p), ID_SIZE);
    crm_promise_free(p);
}

static void setup_base(crm_db *db, fixture *f)
{
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Example", f->ann);
    must(db,
         crm_identity_add(NULL, db, f->ann, "phone", "+1 415 555 0100",
                          CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED),
         "adding a phone");
    must(db, crm_identity_add(NULL, db, f->ann, "email", "ann@example.com", 0), "adding an email");
    must(db, crm_identity_add(NULL, db, f->ann, "phone", "+1 415 555 0111", CRM_IDENTITY_SHARED),
         "adding a shared phone");
    must(db, crm_attr_set(db, f->ann, "plan", "gold"), "setting an attribute");
    must(db, crm_attr_set(db, f->ann, "since", "2019"), "setting an attribute");
    must(db, crm_tag_add(db, f->ann, "vip"), "adding a tag");
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme Ltd", f->org);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob Member", f->bob);
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy Outsider", f->cy);
    must(db, crm_member_add(db, f->org, f->bob, "billing contact"), "adding a member");
    test_customer(db, CRM_CUSTOMER_PERSON, "Gus Gone", f->gone);
    must(db, crm_customer_archive(db, f->gone), "archiving");
    log_interaction(db, f->ann, "call-1000", f->call);
    f->due = crm_now() + 86400000;
    make_promise(db, f->ann, "send the refund", f->due, f->p_keep);
    make_promise(db, f->ann, "call back on Friday", f->due, f->p_break);
    make_promise(db, f->ann, "post the brochure", f->due, f->p_release);
    make_promise(db, f->ann, "fix the meter", f->due, f->p_renegotiate);
    crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
    o.customer_id = f->ann;
    o.kind = "birthday";
    o.yearly = 1;
    o.month = 3;
    o.day = 14;
    o.lead_days = 7;
    crm_occasion *rec = NULL;
    must(db, crm_occasion_add(&rec, db, &o), "adding an occasion");
    memcpy(f->occasion, crm_occasion_id(rec), ID_SIZE);
    crm_occasion_free(rec);
    /* Others, so the calls meet a database of more than a page or two. */
    for (int i = 0; i < cfg.customers; i++) {
        char name[64], email[64], ref[32], id[ID_SIZE];
        snprintf(name, sizeof name, "Customer %05d", i);
        snprintf(email, sizeof email, "c%05d@example.com", i);
        snprintf(ref, sizeof ref, "bg-%05d", i);
        test_customer(db, CRM_CUSTOMER_PERSON, name, id);
        must(db, crm_identity_add(NULL, db, id, "email", email, 0), "adding an email");
        must(db, crm_attr_set(db, id, "n", ref), "setting an attribute");
        log_interaction(db, id, ref, NULL);
        make_promise(db, id, "answer the letter", f->due, NULL);
    }
}

/* A database made by a setup, made once and copied for every use. */
typedef void (*setup_fn)(crm_db *db, fixture *f);

static struct base_file {
    setup_fn setup;
    char path[2048];
    fixture f;
    bool measured; /* before and digest are set */
    test_snapshot before;
    uint64_t digest;
} bases[8];
static int nbases;

static struct base_file *base_for(setup_fn setup)
{
    for (int i = 0; i < nbases; i++)
        if (bases[i].setup == setup)
            return &bases[i];
    if (nbases == (int)(sizeof bases / sizeof bases[0])) {
        fprintf(stderr, "too many setups\n");
        exit(2);
    }
    struct base_file *b = &bases[nbases++];
    b->setup = setup;
    b->measured = false;
    test_temp_path(b->path, sizeof b->path, ".db");
    memset(&b->f, 0, sizeof b->f);
    crm_db *db = open_db(b->path);
    setup(db, &b->f);
    close_db(db); /* the last connection: the file holds everything */
    return b;
}

static void remove_bases(void)
{
    for (int i = 0; i < nbases; i++)
        test_remove_db(bases[i].path);
    nbases = 0;
}

/* ---- the calls ---------------------------------------------------------- */

/* An out-parameter must be written only on success: it starts here. */
static char sentinel_object;
#define SENTINEL ((void *)&sentinel_object)

/* After a call with an out-parameter: free it on success, else check it
 * was left alone. */
#define OUT_DONE(rc, out, free_fn)                                                  \
    do {                                                                            \
        if ((rc) == CRM_OK)                                                         \
            free_fn(out);                                                           \
        else if ((void *)(out) != SENTINEL)                                         \
            violate("%s wrote its out-parameter although it failed (%s)", __func__, \
                    crm_errname(rc));                                               \
    } while (0)

static int op_customer_create(crm_db *db, const fixture *f, bool dry)
{
    (void)f, (void)dry;
    crm_customer *c = SENTINEL;
    int rc = crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Dana New");
    OUT_DONE(rc, c, crm_customer_free);
    return rc;
}

static int op_customer_rename(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_customer_rename(db, f->ann, "Ann Renamed");
}

static int op_customer_set_owner(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_customer_set_owner(db, f->ann, "team:billing");
}

static int op_customer_clear_owner(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_customer_set_owner(db, f->ann, NULL);
}

static int op_customer_archive(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_customer_archive(db, f->ann);
}

static int op_customer_unarchive(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_customer_unarchive(db, f->gone);
}

static int op_attr_set(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_attr_set(db, f->ann, "tier", "2");
}

static int op_attr_replace(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_attr_set(db, f->ann, "plan", "silver");
}

static int op_attr_unset(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_attr_unset(db, f->ann, "plan");
}

/* A wrong answer: counted in the file and journaled, so it writes. */
static int op_verify(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    int matched = -1;
    int rc = crm_customer_verify(&matched, db, f->ann, "plan", "platinum");
    if (rc == CRM_OK && matched != 0) {
        fprintf(stderr, "verify: a wrong answer matched\n");
        return CRM_ERROR;
    }
    return rc;
}

/* The database's default country, kept in the file and journaled. */
static int op_default_country(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    (void)dry;
    return crm_default_country_set(db, "DE");
}

static int op_tag_add(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_tag_add(db, f->ann, "churn-risk");
}

static int op_tag_remove(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_tag_remove(db, f->ann, "vip");
}

static int op_member_add(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_member_add(db, f->org, f->cy, "buyer");
}

static int op_member_remove(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_member_remove(db, f->org, f->bob);
}

/* A new primary phone: takes the flag from the one ann has. */
static int op_identity_add(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_identity *i = SENTINEL;
    int rc = crm_identity_add(&i, db, f->ann, "phone", "(415) 555-0199", CRM_IDENTITY_PRIMARY);
    OUT_DONE(rc, i, crm_identity_free);
    return rc;
}

/* Not primary: no mark taken from another identity, the customer checked
 * by the insert's foreign key. */
static int op_identity_add_plain(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_identity_add(NULL, db, f->cy, "email", "cy@example.com", 0);
}

/* A second holder of Ann's shared phone, read before the insert. */
static int op_identity_add_shared(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_identity *i = SENTINEL;
    int rc = crm_identity_add(&i, db, f->bob, "phone", "(415) 555-0111",
                              CRM_IDENTITY_SHARED | CRM_IDENTITY_PRIMARY);
    OUT_DONE(rc, i, crm_identity_free);
    return rc;
}

static int op_identity_remove(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_identity_remove(db, f->ann, "email", "ANN@example.com");
}

static int op_identity_flags(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_identity_set_flags(db, f->ann, "email", "ann@example.com",
                                  CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED);
}

static int op_interaction_log(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = f->ann;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_OUT;
    s.handled_by = "agent:alice";
    s.reason = "billing.refund";
    s.outcome = CRM_OUTCOME_RESOLVED;
    s.sentiment = 1;
    s.summary = "refund confirmed";
    s.body = "Dear Ann,\nyour refund is on its way.\n";
    s.reply_to = f->call;
    s.external_ref = "<m-1001@example.com>";
    crm_interaction *i = SENTINEL;
    int rc = crm_interaction_log(&i, db, &s);
    OUT_DONE(rc, i, crm_interaction_free);
    return rc;
}

static int op_interaction_outcome(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_interaction_set_outcome(db, f->call, CRM_OUTCOME_ESCALATED);
}

static int op_interaction_reason(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_interaction_set_reason(db, f->call, "billing.double_charge");
}

static int op_interaction_summary(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_interaction_set_summary(db, f->call, "charged twice for March");
}

static int op_interaction_public(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_interaction_set_public(db, f->call, 1);
}

/* On a channel no interaction has used: its name is kept with the row. */
static int op_interaction_log_custom(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = f->ann;
    s.channel_name = "whatsapp";
    s.direction = CRM_DIRECTION_IN;
    s.summary = "asked about the refund";
    s.reply_to = f->call;
    s.external_ref = "wa-1001";
    crm_interaction *i = SENTINEL;
    int rc = crm_interaction_log(&i, db, &s);
    OUT_DONE(rc, i, crm_interaction_free);
    return rc;
}

static int op_promise_make(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_promise *p = SENTINEL;
    int rc = crm_promise_make(&p, db, f->ann, f->call, "team:billing", "refund the double charge",
                              f->due + 3600000, CRM_TIME_NONE);
    OUT_DONE(rc, p, crm_promise_free);
    return rc;
}

/* Without an interaction: the customer is checked by the insert's foreign key. */
static int op_promise_make_plain(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_promise_make(NULL, db, f->cy, NULL, "agent:bob", "send the form", f->due,
                            CRM_TIME_NONE);
}

/* A step recorded after it happened: made three days before now, so its
 * journal entry carries when it was recorded too (the most fields one
 * holds). */
static int op_promise_make_past(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_promise *p = SENTINEL;
    int rc = crm_promise_make(&p, db, f->ann, f->call, "team:billing", "refund the double charge",
                              f->due, f->due - 4 * 86400000LL);
    OUT_DONE(rc, p, crm_promise_free);
    return rc;
}

/* Each step gives the promise as it left it, built in its transaction. */
static int op_promise_keep(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_promise *p = SENTINEL;
    int rc = crm_promise_keep(&p, db, f->p_keep, f->call, "refunded", CRM_TIME_NONE);
    OUT_DONE(rc, p, crm_promise_free);
    return rc;
}

/* The same step without the record. */
static int op_promise_keep_plain(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_promise_keep(NULL, db, f->p_keep, f->call, "refunded", CRM_TIME_NONE);
}

static int op_promise_break(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_promise *p = SENTINEL;
    int rc = crm_promise_break(&p, db, f->p_break, "the agent was off sick", CRM_TIME_NONE);
    OUT_DONE(rc, p, crm_promise_free);
    return rc;
}

static int op_promise_release(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_promise *p = SENTINEL;
    int rc = crm_promise_release(&p, db, f->p_release, "the customer picked one up",
                                 CRM_TIME_NONE);
    OUT_DONE(rc, p, crm_promise_free);
    return rc;
}

static int op_promise_renegotiate(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_promise *p = SENTINEL;
    int rc = crm_promise_renegotiate(&p, db, f->p_renegotiate, f->due + 2 * 86400000,
                                     "the part is late", 1, CRM_TIME_NONE);
    OUT_DONE(rc, p, crm_promise_free);
    return rc;
}

static int op_occasion_add(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
    s.customer_id = f->ann;
    s.kind = "renewal";
    s.year = 2027;
    s.month = 2;
    s.day = 28;
    s.lead_days = 30;
    s.note = "offer the loyalty rate";
    crm_occasion *o = SENTINEL;
    int rc = crm_occasion_add(&o, db, &s);
    OUT_DONE(rc, o, crm_occasion_free);
    return rc;
}

static int op_occasion_remove(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_occasion_remove(db, f->occasion);
}

/* In a group: the failing call's code and message are on the handle. */
static void check_reported(crm_db *db, int rc, const char *what)
{
    if (crm_errcode(db) != rc)
        violate("after %s failed with %s, crm_errcode says %s", what, crm_errname(rc),
                crm_errname(crm_errcode(db)));
    else if (strlen(crm_errmsg(db)) < 10)
        violate("after %s failed, the message is too thin: \"%s\"", what, crm_errmsg(db));
}

/* End a group whose calls gave rc: roll back after a failure (and when
 * dry), else commit. A commit that fails must leave either no group (SQLite
 * rolled it back) or one that crm_rollback() ends. */
static int group_end(crm_db *db, int rc, bool dry)
{
    if (rc != CRM_OK || dry) {
        if (!crm_in_transaction(db))
            violate("the group closed by itself after a call failed");
        int rb = crm_rollback(db);
        if (rb != CRM_OK)
            violate("crm_rollback after a failed call gave %s: %s", crm_errname(rb),
                    crm_errmsg(db));
        return rc;
    }
    rc = crm_commit(db);
    if (rc != CRM_OK) {
        check_reported(db, rc, "crm_commit");
        if (crm_in_transaction(db)) {
            int rb = crm_rollback(db);
            if (rb != CRM_OK)
                violate("crm_rollback after a failed commit gave %s: %s", crm_errname(rb),
                        crm_errmsg(db));
        }
    }
    return rc;
}

/* The calls that give the new customer of op_group_customer its
 * identities, attributes and tags, by index; *what names the call. */
static int customer_step(crm_db *db, const char *id, int i, const char **what)
{
    switch (i) {
    case 0:
        *what = "crm_identity_add (email)";
        return crm_identity_add(NULL, db, id, "email", "erin@example.com", CRM_IDENTITY_PRIMARY);
    case 1:
        *what = "crm_identity_add (phone)";
        return crm_identity_add(NULL, db, id, "phone", "+44 20 7946 0958", 0);
    case 2:
        *what = "crm_attr_set (plan)";
        return crm_attr_set(db, id, "plan", "bronze");
    case 3:
        *what = "crm_attr_set (source)";
        return crm_attr_set(db, id, "source", "web");
    case 4:
        *what = "crm_tag_add (new)";
        return crm_tag_add(db, id, "new");
    default:
        *what = "crm_tag_add (newsletter)";
        return crm_tag_add(db, id, "newsletter");
    }
}
#define CUSTOMER_STEPS 6

/* A customer with identities, attributes and tags, all or nothing. */
static int op_group_customer(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    int rc = crm_begin(db);
    if (rc != CRM_OK) {
        check_reported(db, rc, "crm_begin");
        return rc;
    }
    crm_customer *c = NULL;
    const char *what = "crm_customer_create";
    rc = crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Erin Grouped");
    for (int i = 0; rc == CRM_OK && i < CUSTOMER_STEPS; i++)
        rc = customer_step(db, crm_customer_id(c), i, &what);
    if (rc != CRM_OK)
        check_reported(db, rc, what);
    crm_customer_free(c);
    return group_end(db, rc, dry);
}

/* Counts for the report: how groups met their faults. */
static long groups_lost, groups_resumed, commits_retried;

/* The calls of the resumed group, by index. */
static int resume_step(crm_db *db, const fixture *f, int i)
{
    switch (i) {
    case 0:
        return crm_tag_add(db, f->ann, "loyal");
    case 1:
        return crm_attr_set(db, f->ann, "tier", "3");
    case 2: {
        crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
        s.customer_id = f->ann;
        s.channel = CRM_CHANNEL_CHAT;
        s.direction = CRM_DIRECTION_IN;
        s.external_ref = "chat-77";
        return crm_interaction_log(NULL, db, &s);
    }
    case 3:
        return crm_promise_make(NULL, db, f->ann, NULL, "agent:bob", "send the form",
                                f->due + 60000, CRM_TIME_NONE);
    case 4:
        return crm_promise_keep(NULL, db, f->p_keep, NULL, NULL, CRM_TIME_NONE);
    default:
        return crm_customer_rename(db, f->cy, "Cy Resumed");
    }
}
#define RESUME_STEPS 6

/* A group that goes on after a failed call, as the API allows: the failed
 * call is made again (the fault is spent) and must then succeed, having
 * undone only itself; or, if the whole transaction was rolled back (by
 * SQLite, or by libcrm after a call failed past its first change), every write and crm_commit() give CRM_ESTATE until
 * crm_rollback(). A
 * commit that fails with the group still open is retried. */
static int op_group_resume(crm_db *db, const fixture *f, bool dry)
{
    int rc = crm_begin(db);
    if (rc != CRM_OK) {
        check_reported(db, rc, "crm_begin");
        return rc;
    }
    int first = CRM_OK;
    for (int i = 0; i < RESUME_STEPS; i++) {
        rc = resume_step(db, f, i);
        if (rc == CRM_OK)
            continue;
        check_reported(db, rc, "a call in a group");
        if (first != CRM_OK) {
            violate("a second call failed in a group (%s after %s): %s", crm_errname(rc),
                    crm_errname(first), crm_errmsg(db));
            crm_rollback(db);
            return rc;
        }
        first = rc;
        rc = resume_step(db, f, i);
        if (rc == CRM_ESTATE) {
            groups_lost++;
            if (!crm_in_transaction(db))
                violate("the group rolled back is no longer open on the handle");
            if (!strstr(crm_errmsg(db), "crm_rollback"))
                violate("CRM_ESTATE in a lost group does not say what to do: %s", crm_errmsg(db));
            int again = resume_step(db, f, (i + 1) % RESUME_STEPS);
            if (again != CRM_ESTATE)
                violate("a further call in the lost group gave %s, not ESTATE",
                        crm_errname(again));
            int cm = crm_commit(db);
            if (cm != CRM_ESTATE)
                violate("crm_commit of the lost group gave %s, not ESTATE", crm_errname(cm));
            int rb = crm_rollback(db);
            if (rb != CRM_OK)
                violate("crm_rollback of the lost group gave %s: %s", crm_errname(rb),
                        crm_errmsg(db));
            return first;
        }
        if (rc != CRM_OK) {
            violate("call %d of the group failed with %s, then with %s when made again: %s", i,
                    crm_errname(first), crm_errname(rc), crm_errmsg(db));
            crm_rollback(db);
            return rc;
        }
        groups_resumed++;
    }
    if (dry)
        return group_end(db, CRM_OK, true);
    rc = crm_commit(db);
    if (rc == CRM_OK)
        return CRM_OK;
    check_reported(db, rc, "crm_commit");
    if (!crm_in_transaction(db))
        return rc; /* SQLite rolled it back: nothing was written */
    int again = crm_commit(db);
    if (again != CRM_OK) {
        violate("crm_commit failed with %s, and again with %s: %s", crm_errname(rc),
                crm_errname(again), crm_errmsg(db));
        crm_rollback(db);
        return again;
    }
    commits_retried++;
    return CRM_OK;
}

/* ---- reads: every list whose opening copies a bound value ------------- */

/* Each list is walked to its end; a failure must come back as a code,
 * never as a list that ends early (a parameter whose copy failed would be
 * NULL and match nothing). want: the rows the fixture gives. */
static int walked(crm_db *db, int rc, long n, long want, const char *what)
{
    if (rc == CRM_DONE && want >= 0 && n != want) {
        violate("%s ended after %ld rows of %ld without an error", what, n, want);
        return CRM_ERROR;
    }
    return rc == CRM_DONE ? CRM_OK : (check_reported(db, rc, what), rc);
}

#define WALK(open_call, next_fn, row_type, free_fn, want, what)        \
    do {                                                                \
        row_type *cur_ = NULL;                                          \
        int rc_ = (open_call);                                          \
        long n_ = 0;                                                    \
        if (rc_ == CRM_OK) {                                            \
            const void *row_;                                           \
            while ((rc_ = next_fn(cur_, (void *)&row_)) == CRM_ROW)     \
                n_++;                                                   \
            free_fn(cur_);                                              \
        } else if (cur_) {                                              \
            violate("%s failed but gave a cursor", what);               \
        }                                                               \
        rc_ = walked(db, rc_, n_, want, what);                          \
        if (rc_ != CRM_OK)                                              \
            return rc_;                                                 \
    } while (0)

static int op_reads(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_timeline_filter t = CRM_TIMELINE_FILTER_INIT;
    t.reason_prefix = "billing.";
    WALK(crm_interaction_timeline_open(&cur_, db, f->ann, &t), crm_interaction_cursor_next, crm_interaction_cursor,
         crm_interaction_cursor_free, 1, "the timeline by reason");
    WALK(crm_interaction_thread_open(&cur_, db, f->call, NULL), crm_interaction_cursor_next, crm_interaction_cursor,
         crm_interaction_cursor_free, 1, "a thread");
    crm_customer_filter c = CRM_CUSTOMER_FILTER_INIT;
    c.tag = "vip";
    c.name_prefix = "ann";
    c.created_from = 1;
    c.created_to = crm_now() + 86400000;
    WALK(crm_customer_list_open(&cur_, db, &c), crm_customer_cursor_next, crm_customer_cursor,
         crm_customer_cursor_free, 1, "customers by tag, name and time");
    crm_promise_filter p = CRM_PROMISE_FILTER_INIT;
    p.customer_id = f->ann;
    p.owner = "agent:alice";
    WALK(crm_promise_list_open(&cur_, db, &p), crm_promise_cursor_next, crm_promise_cursor,
         crm_promise_cursor_free, 4, "promises by customer and owner");
    WALK(crm_promise_event_list_open(&cur_, db, f->p_keep), crm_promise_event_cursor_next,
         crm_promise_event_cursor, crm_promise_event_cursor_free, 1, "a promise's history");
    WALK(crm_tag_list_open(&cur_, db, f->ann), crm_tag_cursor_next, crm_tag_cursor,
         crm_tag_cursor_free, 1, "a customer's tags");
    WALK(crm_customer_holders_open(&cur_, db, "phone", "(415) 555-0111"),
         crm_customer_cursor_next, crm_customer_cursor, crm_customer_cursor_free, 1,
         "an identity's holders");
    WALK(crm_customer_resolve_open(&cur_, db, "+1 415 555 0100"), crm_customer_cursor_next,
         crm_customer_cursor, crm_customer_cursor_free, 1, "the customers a text names");
    /* entry 2, the phone's identity add: kind, value, key, flags */
    WALK(crm_journal_field_list_open(&cur_, db, 2), crm_journal_field_cursor_next,
         crm_journal_field_cursor, crm_journal_field_cursor_free, 4, "a journal entry's fields");
    crm_customer *who = SENTINEL;
    int rc = crm_customer_resolve(&who, db, "ANN@example.com");
    OUT_DONE(rc, who, crm_customer_free);
    if (rc != CRM_OK) {
        check_reported(db, rc, "resolving a customer");
        return rc;
    }
    /* a promise by the first digits of its id */
    char prefix[20], *full = SENTINEL;
    snprintf(prefix, sizeof prefix, "%.18s", f->p_keep);
    rc = crm_id_expand(&full, db, CRM_RECORD_PROMISE, prefix);
    if (rc == CRM_OK && strcmp(full, f->p_keep) != 0)
        violate("crm_id_expand gave %s for %s, not %s", full, prefix, f->p_keep);
    OUT_DONE(rc, full, crm_free);
    if (rc != CRM_OK)
        check_reported(db, rc, "expanding an id");
    return rc;
}
/* Every report, its options copied into its statement: the custom
 * channel's word and the owner are bound texts. */
static int op_reports(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    (void)dry;
    static const char *const channels[] = { "phone", "whatsapp", NULL };
    crm_report_options o = CRM_REPORT_OPTIONS_INIT;
    o.channel_names = channels;
    o.depth = 1;
    o.by_channel = 1;
    o.period = CRM_REPORT_PERIOD_WEEK;
    WALK(crm_report_reasons_open(&cur_, db, &o), crm_report_cursor_next, crm_report_cursor,
         crm_report_cursor_free, 2, "the reasons report");
    WALK(crm_report_repeats_open(&cur_, db, &o), crm_report_cursor_next, crm_report_cursor,
         crm_report_cursor_free, 1, "the repeats report");
    WALK(crm_report_fcr_open(&cur_, db, &o), crm_report_cursor_next, crm_report_cursor,
         crm_report_cursor_free, 2, "the first-contact resolution report");
    WALK(crm_report_handover_open(&cur_, db, &o), crm_report_cursor_next, crm_report_cursor,
         crm_report_cursor_free, 0, "the hand-over report");
    WALK(crm_report_channel_mix_open(&cur_, db, &o), crm_report_cursor_next, crm_report_cursor,
         crm_report_cursor_free, -1, "the channel mix report");
    o.channel_names = NULL;
    WALK(crm_report_keep_rate_open(&cur_, db, &o), crm_report_cursor_next, crm_report_cursor,
         crm_report_cursor_free, 2, "the keep-rate report");
    o.owner = "team:nobody";
    WALK(crm_report_keep_rate_open(&cur_, db, &o), crm_report_cursor_next, crm_report_cursor,
         crm_report_cursor_free, 1, "the keep-rate report of an owner");
    WALK(crm_report_reasons_open(&cur_, db, &o), crm_report_cursor_next, crm_report_cursor,
         crm_report_cursor_free, 0, "the reasons report of an owner");
    return CRM_OK;
}

/* The agenda: an owner's (the promises are agent:alice's) and everyone's,
 * its kinds that do not hang on today's date (the occasion's). */
static int op_agenda(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    (void)dry;
    crm_agenda_options a = CRM_AGENDA_OPTIONS_INIT;
    a.owner = "agent:alice";
    WALK(crm_agenda_item_list_open(&cur_, db, &a), crm_agenda_item_cursor_next,
         crm_agenda_item_cursor, crm_agenda_item_cursor_free, 4 + cfg.customers,
         "an owner's agenda");
    a.owner = NULL;
    a.kinds = CRM_AGENDA_BIT(CRM_AGENDA_PROMISE_OVERDUE) | CRM_AGENDA_BIT(CRM_AGENDA_PROMISE_DUE) |
              CRM_AGENDA_BIT(CRM_AGENDA_CONTACT_WAITING);
    WALK(crm_agenda_item_list_open(&cur_, db, &a), crm_agenda_item_cursor_next,
         crm_agenda_item_cursor, crm_agenda_item_cursor_free, 4 + 2L * cfg.customers + 1,
         "everyone's agenda");
    return CRM_OK;
}

/* Search: a prefix over every kind (Ann Example's name and e-mail, and
 * the e-mail of each extra customer, up to the default limit), and one
 * customer's records of one kind. */
static int op_search(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    long exam_hits = 2 + (long)cfg.customers;
    if (exam_hits > CRM_SEARCH_LIMIT_DEFAULT)
        exam_hits = CRM_SEARCH_LIMIT_DEFAULT;
    WALK(crm_search_hit_list_open(&cur_, db, "exam*", NULL), crm_search_hit_cursor_next,
         crm_search_hit_cursor, crm_search_hit_cursor_free, exam_hits, "a search");
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.customer_id = f->ann;
    o.kinds = CRM_SEARCH_BIT(CRM_SEARCH_CUSTOMER);
    WALK(crm_search_hit_list_open(&cur_, db, "ann", &o), crm_search_hit_cursor_next,
         crm_search_hit_cursor, crm_search_hit_cursor_free, 1, "a customer's search");
    return CRM_OK;
}

/* ---- duplicates, merge and unmerge ---- */

/* Ann Example once more under another spelling: a duplicate pair. */
static void setup_duplicate(crm_db *db, fixture *f)
{
    char twin[ID_SIZE];
    setup_base(db, f);
    test_customer(db, CRM_CUSTOMER_PERSON, "ANN EXAMPLE", twin);
}

/* Ann merged into Cy, for the unmerge. */
static void setup_merged(crm_db *db, fixture *f)
{
    setup_base(db, f);
    must(db, crm_customer_merge(db, f->cy, f->ann), "merging");
}

static int op_duplicates(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    static const char *const keys[] = { "plan", "since", NULL };
    crm_duplicate_filter d = CRM_DUPLICATE_FILTER_INIT;
    d.min_score = 1;
    d.attribute_keys = keys;
    WALK(crm_duplicate_list_open(&cur_, db, &d), crm_duplicate_cursor_next, crm_duplicate_cursor,
         crm_duplicate_cursor_free, 1, "the duplicate pairs");
    d.customer_id = f->ann;
    WALK(crm_duplicate_list_open(&cur_, db, &d), crm_duplicate_cursor_next, crm_duplicate_cursor,
         crm_duplicate_cursor_free, 1, "a customer's duplicates");
    return CRM_OK;
}

/* Everything Ann holds moves to Cy: identities, attributes, a tag, an
 * interaction, promises with their history, an occasion. */
static int op_customer_merge(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_customer_merge(db, f->cy, f->ann);
}

static int op_customer_unmerge(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_customer_unmerge(db, f->ann);
}
#undef WALK

/* ---- a customer's own data ---- */

/* One customer with a record of each kind the export and the erase walk:
 * the retention run and the export meet every path on a smaller file
 * than setup_base's, whose every customer they would erase or walk. */
static void setup_one(crm_db *db, fixture *f)
{
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Example", f->ann);
    must(db, crm_identity_add(NULL, db, f->ann, "phone", "+1 415 555 0100", 0),
         "adding a phone");
    must(db, crm_attr_set(db, f->ann, "plan", "gold"), "setting an attribute");
    must(db, crm_tag_add(db, f->ann, "vip"), "adding a tag");
    log_interaction(db, f->ann, "call-1000", f->call);
    f->due = crm_now() + 86400000;
    make_promise(db, f->ann, "send the refund", f->due, f->p_keep);
    crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
    o.customer_id = f->ann;
    o.kind = "birthday";
    o.yearly = 1;
    o.month = 3;
    o.day = 14;
    must(db, crm_occasion_add(NULL, db, &o), "adding an occasion");
}

/* Erase ann: every kind of record she has goes or is blanked, and her rows
 * leave the index, whose rewrite is owed to the purge. */
static int op_customer_erase(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    return crm_customer_erase(db, f->ann);
}

/* setup_one with ann erased, and other customers' interactions written
 * after her in ten transactions: the index is in several segments and
 * owes the purge a rewrite. */
static void setup_erased(crm_db *db, fixture *f)
{
    setup_one(db, f);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bea Example", f->bob);
    must(db, crm_customer_erase(db, f->ann), "erasing ann");
    for (int i = 0; i < 10; i++) {
        char ref[32], id[ID_SIZE];
        snprintf(ref, sizeof ref, "call-%d", 2000 + i);
        log_interaction(db, f->bob, ref, id);
    }
}

/* The index rewritten in steps, then the log emptied. A failure leaves
 * the steps before it: the rows say the same, the file holds them in
 * another way (OP_PHYSICAL). */
static int op_purge(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    return dry ? CRM_OK : crm_db_purge(db);
}

/* Every customer is inactive before the end of time: ann is erased. */
static int op_customer_erase_inactive(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    (void)dry;
    int64_t n = -1;
    crm_retention_options o = CRM_RETENTION_OPTIONS_INIT;
    o.before = CRM_TIME_MAX;
    int rc = crm_customer_erase_inactive(&n, db, &o);
    if (rc == CRM_OK && n != 1)
        violate("erase_inactive erased %lld customers of 1", (long long)n);
    if (rc != CRM_OK && n != -1)
        violate("erase_inactive wrote its out-parameter although it failed");
    return rc;
}

static int op_journal_drop(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    (void)dry;
    int64_t n = -1;
    crm_retention_options o = CRM_RETENTION_OPTIONS_INIT;
    o.before = CRM_TIME_MAX;
    int rc = crm_journal_drop(&n, db, &o);
    if (rc == CRM_OK && n <= 0)
        violate("journal_drop dropped %lld entries", (long long)n);
    if (rc != CRM_OK && n != -1)
        violate("journal_drop wrote its out-parameter although it failed");
    return rc;
}

/* The export walks every list of ann's in one statement: a failure is a
 * code, never a document with a part missing. */
static int op_export(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    char *doc = NULL;
    int rc = crm_customer_export(&doc, db, f->ann);
    if (rc != CRM_OK) {
        if (doc)
            violate("the export failed but gave a document");
        check_reported(db, rc, "the export");
        return rc;
    }
    static const char *const parts[] = { "\"format\":\"libcrm-customer-export\"",
                                         "\"identities\":[{", "\"attributes\":[{",
                                         "\"tags\":[\"", "\"interactions\":[{",
                                         "\"promises\":[{", "\"events\":[{",
                                         "\"occasions\":[{", "\"journal\":[{" };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        if (!strstr(doc, parts[i]))
            violate("the export lacks %s", parts[i]);
    crm_free(doc);
    return CRM_OK;
}

/* A write while a list is in the middle of its walk, which makes the list
 * copy the rows it has yet to give before the change. The write must
 * succeed or fail as any write does (that is the call's result); the list
 * must give every row or end with a code, and a failed copy must not
 * fail the write. */
static int op_write_mid_walk(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_customer_cursor *cur = NULL;
    const crm_customer *c;
    long want = 0, n = 0;
    int rc = crm_customer_list_open(&cur, db, NULL);
    if (rc == CRM_OK)
        while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
            want++;
    crm_customer_cursor_free(cur);
    cur = NULL;
    if (rc == CRM_DONE)
        rc = crm_customer_list_open(&cur, db, NULL);
    if (rc == CRM_OK && (rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        n++;
    if (rc != CRM_ROW) {
        crm_customer_cursor_free(cur);
        if (rc == CRM_DONE)
            violate("customers ended before their first row without an error");
        else
            check_reported(db, rc, "customers before a write");
        return rc == CRM_DONE ? CRM_ERROR : rc;
    }
    int wrc = crm_tag_add(db, f->ann, "walked-past");
    if (wrc != CRM_OK)
        check_reported(db, wrc, "a write in the middle of a walk");
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        n++;
    if (rc == CRM_DONE && n != want)
        violate("customers walked past a write ended after %ld rows of %ld without an error", n,
                want);
    else if (rc != CRM_DONE)
        check_reported(db, rc, "customers walked past a write");
    crm_customer_cursor_free(cur);
    return wrc;
}

/* ---- consent, and deleting an interaction -------------------------------- */

/* The base, with a reply to ann's call and two consent events of ann's. */
static void setup_consent(crm_db *db, fixture *f)
{
    setup_base(db, f);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = f->ann;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_OUT;
    s.reply_to = f->call;
    must(db, crm_interaction_log(NULL, db, &s), "logging a reply");
    crm_consent_spec c = CRM_CONSENT_SPEC_INIT;
    c.customer_id = f->ann;
    c.purpose = "marketing";
    c.channel = "email";
    c.interaction_id = f->call;
    must(db, crm_consent_grant(NULL, db, &c), "granting consent");
    c.purpose = "surveys";
    c.channel = NULL;
    c.interaction_id = NULL;
    must(db, crm_consent_withdraw(NULL, db, &c), "withdrawing consent");
}

static int op_consent_grant(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_consent_spec c = CRM_CONSENT_SPEC_INIT;
    c.customer_id = f->ann;
    c.purpose = "service_updates";
    c.channel = "sms";
    c.note = "ticked the box on the paper form";
    crm_consent *k = NULL;
    int rc = crm_consent_grant(&k, db, &c);
    if (rc == CRM_OK && (!k || !crm_consent_is_granted(k)))
        violate("crm_consent_grant gave no granted event");
    crm_consent_free(k);
    return rc;
}

static int op_consent_withdraw(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_consent_spec c = CRM_CONSENT_SPEC_INIT;
    c.customer_id = f->ann;
    c.purpose = "marketing";
    return crm_consent_withdraw(NULL, db, &c);
}

static int op_consent_reads(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    int yes = -1;
    int rc = crm_consent_check(&yes, db, f->ann, "marketing", "email");
    if (rc != CRM_OK)
        return rc;
    if (yes != 1)
        violate("crm_consent_check said %d of a granted purpose", yes);
    crm_consent *k = NULL;
    rc = crm_consent_latest(&k, db, f->ann, "surveys", "sms");
    if (rc != CRM_OK)
        return rc;
    if (!k || crm_consent_is_granted(k))
        violate("crm_consent_latest did not give the every-channel withdrawal");
    crm_consent_free(k);
    crm_consent_cursor *cur = NULL;
    long n = 0;
    rc = crm_consent_history_open(&cur, db, f->ann, NULL, NULL);
    if (rc == CRM_OK) {
        const crm_consent *row;
        while ((rc = crm_consent_cursor_next(cur, &row)) == CRM_ROW)
            n++;
        crm_consent_cursor_free(cur);
    } else if (cur) {
        violate("the consent history failed but gave a cursor");
    }
    return walked(db, rc, n, 2, "the consent history");
}

/* Ann's call is named by a consent event, which refuses its delete: the
 * one deleted is cy's newest, the first of a thread whose reply is older
 * and named by a promise (setup_delete). */
static int op_interaction_delete(crm_db *db, const fixture *f, bool dry)
{
    (void)dry;
    crm_interaction_cursor *cur = NULL;
    const crm_interaction *row;
    char id[ID_SIZE] = "";
    int rc = crm_interaction_timeline_open(&cur, db, f->cy, NULL);
    if (rc != CRM_OK)
        return rc;
    rc = crm_interaction_cursor_next(cur, &row);
    if (rc == CRM_ROW)
        memcpy(id, crm_interaction_id(row), ID_SIZE);
    crm_interaction_cursor_free(cur);
    if (rc != CRM_ROW)
        return rc == CRM_DONE ? (violate("cy has no interaction to delete"), CRM_ERROR) : rc;
    return crm_interaction_delete(db, id);
}

/* The consent base, with an interaction of cy's answered by another and
 * named by a promise. */
static void setup_delete(crm_db *db, fixture *f)
{
    setup_consent(db, f);
    char first[ID_SIZE];
    log_interaction(db, f->cy, "call-cy", first);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = f->cy;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_OUT;
    s.reply_to = first;
    s.occurred_at = 1;
    must(db, crm_interaction_log(NULL, db, &s), "logging a reply");
    must(db, crm_promise_make(NULL, db, f->cy, first, "agent:alice", "ring back", f->due,
                              CRM_TIME_NONE),
         "making a promise");
}

/* ---- import and export (io.h) ---- */

static void setup_empty(crm_db *db, fixture *f)
{
    (void)db;
    memset(f, 0, sizeof *f);
}

/* An import makes its own group, so its dry run is one that a bad last row
 * undoes whole: the same path, nothing kept. */
static int import_op(crm_db *db, bool dry, int (*call)(crm_import_result **, crm_db *,
                                                       const char *, size_t,
                                                       const crm_import_options *),
                     const char *text, const char *bad_tail, const char *what)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s%s", text, dry ? bad_tail : "");
    crm_import_result *r = NULL;
    int rc = call(&r, db, buf, strlen(buf), NULL);
    crm_import_result_free(r);
    if (dry)
        return rc == CRM_EINVAL ? CRM_OK : rc == CRM_OK ? CRM_ERROR : rc;
    if (rc != CRM_OK)
        check_reported(db, rc, what);
    return rc;
}

static int op_csv_import(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    return import_op(db, dry, crm_csv_import_mem,
                     "name,email,phone,tags,birthday,note\n"
                     "Ann Example,ann@example.com,,imported,,\n"
                     "New Person,new@example.com,+1 415 555 0199,vip;new,1990-05-17,hello\n",
                     "Bad,not an email,,,,\n", "crm_csv_import_mem");
}

static int op_vcard_import(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    return import_op(db, dry, crm_vcard_import_mem,
                     "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Example\r\n"
                     "EMAIL:ann@example.com\r\nCATEGORIES:imported\r\nEND:VCARD\r\n"
                     "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Vera Card\r\nTEL:+1 415 555 0177\r\n"
                     "NOTE:from a phone\r\nBDAY:--0229\r\nEND:VCARD\r\n",
                     "BEGIN:VCARD\r\nFN:Bad\r\nTEL:none\r\nEND:VCARD\r\n", "crm_vcard_import_mem");
}

#define JL_CUSTOMER "01900000-0000-7000-8000-000000000001"
#define JL_CALL "01900000-0000-7000-8000-000000000002"
#define JL_PROMISE "01900000-0000-7000-8000-000000000003"
static int op_jsonl_import(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    return import_op(
        db, dry, crm_jsonl_import_mem,
        "{\"format\":\"libcrm\",\"version\":1}\n"
        "{\"type\":\"channel\",\"code\":64,\"name\":\"pigeon\"}\n"
        "{\"type\":\"customer\",\"id\":\"" JL_CUSTOMER "\",\"kind\":1,\"name\":\"Jo Lines\","
        "\"owner\":\"agent:alice\",\"created_at\":1700000000000,\"updated_at\":1700000000001,"
        "\"archived_at\":null}\n"
        "{\"type\":\"identity\",\"customer_id\":\"" JL_CUSTOMER "\",\"kind\":\"email\","
        "\"key\":\"jo@example.com\",\"value\":\"Jo@example.com\",\"flags\":1,"
        "\"created_at\":1700000000000}\n"
        "{\"type\":\"attribute\",\"customer_id\":\"" JL_CUSTOMER "\",\"key\":\"plan\","
        "\"value\":\"gold\"}\n"
        "{\"type\":\"tag\",\"customer_id\":\"" JL_CUSTOMER "\",\"tag\":\"vip\"}\n"
        "{\"type\":\"interaction\",\"id\":\"" JL_CALL "\",\"customer_id\":\"" JL_CUSTOMER "\","
        "\"channel\":64,\"direction\":1,\"occurred_at\":1700000000000,\"handled_by\":null,"
        "\"reason\":\"billing\",\"outcome\":0,\"public\":0,\"sentiment\":null,"
        "\"summary\":\"asked\",\"body\":\"a body\",\"thread_id\":\"" JL_CALL "\","
        "\"reply_to\":null,\"external_ref\":\"x-1\",\"created_at\":1700000000000,"
        "\"updated_at\":1700000000000}\n"
        "{\"type\":\"promise\",\"id\":\"" JL_PROMISE "\",\"customer_id\":\"" JL_CUSTOMER "\","
        "\"interaction_id\":\"" JL_CALL "\",\"owner\":\"agent:alice\",\"what\":\"call back\","
        "\"state\":1,\"due_at\":1800000000000,\"first_due_at\":1800000000000,"
        "\"made_at\":1700000000000,\"closed_at\":null,\"kept_by\":null}\n"
        "{\"type\":\"promise_event\",\"promise_id\":\"" JL_PROMISE "\",\"seq\":1,\"kind\":1,"
        "\"at\":1700000000000,\"actor\":\"agent:alice\",\"old_due\":1800000000000,"
        "\"new_due\":1800000000000,\"customer_agreed\":0,\"interaction_id\":null,"
        "\"note\":null}\n"
        "{\"type\":\"occasion\",\"id\":\"01900000-0000-7000-8000-000000000004\","
        "\"customer_id\":\"" JL_CUSTOMER "\",\"kind\":\"birthday\",\"yearly\":1,\"year\":0,"
        "\"month\":2,\"day\":29,\"lead_days\":7,\"note\":null,\"created_at\":1700000000000}\n"
        "{\"type\":\"consent\",\"id\":\"01900000-0000-7000-8000-000000000005\","
        "\"customer_id\":\"" JL_CUSTOMER "\",\"purpose\":\"marketing\",\"channel\":null,"
        "\"granted\":1,\"at\":1700000000000,\"actor\":\"agent:alice\","
        "\"interaction_id\":null,\"note\":\"\"}\n"
        "{\"type\":\"merged\",\"absorbed_id\":\"01900000-0000-7000-8000-000000000006\","
        "\"survivor_id\":\"" JL_CUSTOMER "\",\"merged_at\":1700000000000}\n",
        /* Dry: every line loads, and the check of the merges at the end
         * refuses the file (a survivor no record names), so the warm-up
         * meets every statement of a run. */
        "{\"type\":\"merged\",\"absorbed_id\":\"01900000-0000-7000-8000-000000000007\","
        "\"survivor_id\":\"01900000-0000-7000-8000-000000000008\",\"merged_at\":1}\n",
        "crm_jsonl_import_mem");
}

/* Each export, walked to the end: reads only. */
static int op_exports(crm_db *db, const fixture *f, bool dry)
{
    (void)f;
    (void)dry;
    int (*calls[])(char **, crm_db *) = { crm_csv_export_mem, crm_vcard_export_mem,
                                          crm_jsonl_export_mem };
    static const char *const names[] = { "crm_csv_export_mem", "crm_vcard_export_mem",
                                         "crm_jsonl_export_mem" };
    for (int i = 0; i < 3; i++) {
        char *out = SENTINEL;
        int rc = calls[i](&out, db);
        if (rc != CRM_OK) {
            if (out != SENTINEL)
                violate("%s wrote its output on failure", names[i]);
            check_reported(db, rc, names[i]);
            return rc;
        }
        if (!out || !strstr(out, i == 1 ? "BEGIN:VCARD" : i == 0 ? "Ann Example" : "libcrm"))
            violate("%s gave an incomplete text", names[i]);
        crm_free(out);
    }
    return CRM_OK;
}

typedef int (*op_fn)(crm_db *db, const fixture *f, bool dry);

#define OP_GROUP 0x1u /* opens its own group; with dry set, rolls it back */
#define OP_READ 0x2u  /* changes nothing: only reads, whose failures are checked alike */
#define OP_SELF 0x4u  /* checks its calls' messages itself: its last call is not its result */
/* Works on a file that holds no customer yet: after a failure SQLite
 * survives, its first writes to the empty tables and search index make up
 * to a dozen allocations more than in the run without it. */
#define OP_EMPTY_FILE 0x8u
/* Changes how the file holds its rows, not what they say, in steps that
 * each commit: after a failure the rows read the same but the file's bytes
 * need not, and each run starts again from the file as set up. Warming up
 * (in a group, which it refuses) runs nothing. */
#define OP_PHYSICAL 0x10u

typedef struct op_entry {
    const char *name;
    setup_fn setup;
    op_fn op;
    unsigned int flags;
} op_entry;

/* The groups come early: with --rotate, each call meets the modes from
 * its own place on, and the groups should meet the allocator ones. */
static const op_entry ops[] = {
    { "customer_create", setup_base, op_customer_create, 0 },
    { "group_customer", setup_base, op_group_customer, OP_GROUP },
    { "group_resume", setup_base, op_group_resume, OP_GROUP },
    { "customer_rename", setup_base, op_customer_rename, 0 },
    { "customer_set_owner", setup_base, op_customer_set_owner, 0 },
    { "customer_clear_owner", setup_base, op_customer_clear_owner, 0 },
    { "customer_archive", setup_base, op_customer_archive, 0 },
    { "customer_unarchive", setup_base, op_customer_unarchive, 0 },
    { "attr_set", setup_base, op_attr_set, 0 },
    { "attr_set_replace", setup_base, op_attr_replace, 0 },
    { "attr_unset", setup_base, op_attr_unset, 0 },
    { "verify", setup_base, op_verify, 0 },
    { "default_country", setup_base, op_default_country, 0 },
    { "tag_add", setup_base, op_tag_add, 0 },
    { "tag_remove", setup_base, op_tag_remove, 0 },
    { "member_add", setup_base, op_member_add, 0 },
    { "member_remove", setup_base, op_member_remove, 0 },
    { "identity_add", setup_base, op_identity_add, 0 },
    { "identity_add_plain", setup_base, op_identity_add_plain, 0 },
    { "identity_add_shared", setup_base, op_identity_add_shared, 0 },
    { "identity_remove", setup_base, op_identity_remove, 0 },
    { "identity_set_flags", setup_base, op_identity_flags, 0 },
    { "interaction_log", setup_base, op_interaction_log, 0 },
    { "interaction_outcome", setup_base, op_interaction_outcome, 0 },
    { "interaction_reason", setup_base, op_interaction_reason, 0 },
    { "interaction_summary", setup_base, op_interaction_summary, 0 },
    { "interaction_public", setup_base, op_interaction_public, 0 },
    { "interaction_log_custom", setup_base, op_interaction_log_custom, 0 },
    { "promise_make", setup_base, op_promise_make, 0 },
    { "promise_make_plain", setup_base, op_promise_make_plain, 0 },
    { "promise_make_past", setup_base, op_promise_make_past, 0 },
    { "promise_keep", setup_base, op_promise_keep, 0 },
    { "promise_keep_plain", setup_base, op_promise_keep_plain, 0 },
    { "promise_break", setup_base, op_promise_break, 0 },
    { "promise_release", setup_base, op_promise_release, 0 },
    { "promise_renegotiate", setup_base, op_promise_renegotiate, 0 },
    { "occasion_add", setup_base, op_occasion_add, 0 },
    { "occasion_remove", setup_base, op_occasion_remove, 0 },
    { "reads", setup_base, op_reads, OP_READ },
    { "write_mid_walk", setup_base, op_write_mid_walk, OP_SELF },
    { "reports", setup_base, op_reports, OP_READ },
    { "agenda", setup_base, op_agenda, OP_READ },
    { "search", setup_base, op_search, OP_READ },
    { "consent_grant", setup_consent, op_consent_grant, 0 },
    { "consent_withdraw", setup_consent, op_consent_withdraw, 0 },
    { "consent_reads", setup_consent, op_consent_reads, OP_READ },
    { "interaction_delete", setup_delete, op_interaction_delete, 0 },
    { "customer_erase", setup_base, op_customer_erase, 0 },
    { "customer_erase_inactive", setup_one, op_customer_erase_inactive, 0 },
    { "purge", setup_erased, op_purge, OP_PHYSICAL },
    { "journal_drop", setup_one, op_journal_drop, 0 },
    { "export", setup_one, op_export, OP_READ },
    { "customer_merge", setup_base, op_customer_merge, 0 },
    { "customer_unmerge", setup_merged, op_customer_unmerge, 0 },
    { "duplicates", setup_duplicate, op_duplicates, OP_READ },
    /* import and export (io.h) */
    { "csv_import", setup_base, op_csv_import, OP_GROUP },
    { "vcard_import", setup_base, op_vcard_import, OP_GROUP },
    { "jsonl_import", setup_empty, op_jsonl_import, OP_GROUP | OP_EMPTY_FILE },
    { "exports", setup_base, op_exports, OP_READ },
};
#define NOPS ((int)(sizeof ops / sizeof ops[0]))

/* ---- modes -------------------------------------------------------------- */

typedef struct mode {
    const char *name;
    int kind;
    bool cold;   /* a fresh handle for every run */
    bool stress; /* only with --stress */
    int expect;  /* the code a failure gives */
} mode;

static const mode modes[] = {
    { "oom-crm", FAULT_OOM_CRM, false, false, CRM_ENOMEM },
    { "oom-sqlite", FAULT_OOM_SQLITE, false, false, CRM_ENOMEM },
    { "oom-both", FAULT_OOM_BOTH, false, false, CRM_ENOMEM },
    { "oom-crm-cold", FAULT_OOM_CRM, true, false, CRM_ENOMEM },
    { "oom-sqlite-cold", FAULT_OOM_SQLITE, true, true, CRM_ENOMEM },
    { "oom-both-cold", FAULT_OOM_BOTH, true, true, CRM_ENOMEM },
    { "io-read", FAULT_READ, true, false, CRM_EIO },
    { "io-write", FAULT_WRITE, true, false, CRM_EIO },
    { "io-full", FAULT_FULL, true, false, CRM_EIO },
    { "io-sync", FAULT_SYNC, true, false, CRM_EIO },
    /* The calls never truncate a file (only checkpoints do): kept for
     * the stress run, whose larger files may checkpoint. */
    { "io-truncate", FAULT_TRUNCATE, true, true, CRM_EIO },
    { "io-filesize", FAULT_FILESIZE, true, false, CRM_EIO },
};
#define NMODES ((int)(sizeof modes / sizeof modes[0]))

static bool selected(const char *name, const char *const *list, int n)
{
    if (n == 0)
        return true;
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

static bool mode_selected(const mode *m)
{
    if (cfg.nmodes)
        return selected(m->name, cfg.modes, cfg.nmodes);
    return !m->stress || cfg.stress;
}

/* With --rotate K, call oi meets every K-th of the selected modes, starting
 * from its own place, so that every mode still meets a share of the calls. */
static bool mode_runs_for(int oi, int mi)
{
    if (!mode_selected(&modes[mi]))
        return false;
    int place = 0;
    for (int k = 0; k < mi; k++)
        place += mode_selected(&modes[k]);
    return (place - oi % cfg.rotate + cfg.rotate) % cfg.rotate == 0;
}

/* ---- the loop ----------------------------------------------------------- */

/* Run the call once; the harness wraps nothing around it. */
static int run_op(const op_entry *e, crm_db *db, const fixture *f)
{
    return e->op(db, f, false);
}

/* Fill the statement cache and the page cache without changing anything:
 * an empty group caches BEGIN and COMMIT, and the call itself runs in a
 * group that is rolled back. */
static int warm_up(const op_entry *e, crm_db *db, const fixture *f, bool empty_group)
{
    int rc = CRM_OK;
    if (empty_group) {
        rc = crm_begin(db);
        if (rc == CRM_OK)
            rc = crm_commit(db);
    }
    if (rc == CRM_OK && (e->flags & (OP_GROUP | OP_PHYSICAL)))
        return e->op(db, f, true);
    if (rc == CRM_OK)
        rc = crm_begin(db);
    if (rc == CRM_OK) {
        rc = e->op(db, f, false);
        /* A group updates the search index as it commits, or before a
         * search in it: this one, so that the statements are warm too. */
        crm_search_hit_cursor *cur = NULL;
        if (rc == CRM_OK)
            rc = crm_search_hit_list_open(&cur, db, "warm", NULL);
        crm_search_hit_cursor_free(cur);
        int rb = crm_rollback(db);
        if (rc == CRM_OK)
            rc = rb;
    }
    return rc;
}

typedef struct tally {
    long faults;  /* failures injected */
    long benign;  /* of which the call survived */
    bool failed;
    bool ran;
} tally;

static tally tallies[NOPS][NMODES];

/* What every run starts from, and what a run without faults leaves. */
typedef struct reference {
    test_snapshot before, after;
    uint64_t digest;
} reference;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* test_snapshot_take() in one transaction of the handle. */
static void snapshot_take(crm_db *db, test_snapshot *snap)
{
    if (crm_begin(db) != CRM_OK) {
        fprintf(stderr, "crm_begin for a snapshot: %s\n", crm_errmsg(db));
        exit(2);
    }
    test_snapshot_take(db, snap);
    crm_rollback(db);
}

/* test_snapshot_same() in one transaction of the handle: each of its
 * reads would otherwise be a transaction of its own. */
static bool snapshot_same(crm_db *db, const test_snapshot *want)
{
    if (crm_begin(db) != CRM_OK) {
        violate("crm_begin for reading back failed: %s", crm_errmsg(db));
        return false;
    }
    bool same = test_snapshot_same(db, want);
    if (crm_rollback(db) != CRM_OK) {
        violate("crm_rollback after reading back failed: %s", crm_errmsg(db));
        return false;
    }
    return same;
}

/* A warm handle in the state every run of a warm mode starts from: what
 * follows a failed run (the checks read everything back, then the call is
 * made in a group rolled back) follows warming up too, so each run meets
 * the same sequence of allocations. */
static bool prepare_warm(const op_entry *e, session *s, const fixture *f, const reference *ref)
{
    return warm_up(e, s->db, f, true) == CRM_OK && snapshot_same(s->db, &ref->before) &&
           warm_up(e, s->db, f, false) == CRM_OK;
}

/* After a failed run: clean, and nothing changed. */
static void check_failure(const op_entry *e, const mode *m, session *s, const reference *ref,
                          int rc)
{
    if (rc != m->expect)
        violate("failed with %s, expected %s: %s", crm_errname(rc), crm_errname(m->expect),
                crm_errmsg(s->db));
    if (!(e->flags & (OP_GROUP | OP_SELF))) {
        if (crm_errcode(s->db) != rc)
            violate("returned %s but crm_errcode says %s", crm_errname(rc),
                    crm_errname(crm_errcode(s->db)));
        else if (strlen(crm_errmsg(s->db)) < 10)
            violate("the message is too thin: \"%s\"", crm_errmsg(s->db));
    }
    if (violation[0])
        return;
    const char *wrong;
    if (crm_in_transaction(s->db))
        violate("a transaction is left open");
    else if (!snapshot_same(s->db, &ref->before))
        violate("the handle that failed sees a changed database");
    else if (e->flags & OP_PHYSICAL) {
        if (!raw_integrity_ok(s->raw))
            violate("integrity_check failed");
        else if (sqlite3_exec(s->raw, "INSERT INTO search (search) VALUES ('integrity-check')",
                              NULL, NULL, NULL) != SQLITE_OK)
            violate("the search index's integrity-check failed: %s", sqlite3_errmsg(s->raw));
    } else if ((wrong = raw_check(s->raw, ref->digest)) != NULL)
        violate("%s", wrong);
}

/* After a run that succeeded: the same change a run without faults makes. */
static void check_success(session *s, const reference *ref)
{
    if (crm_in_transaction(s->db))
        violate("a transaction is left open after success");
    else if (!snapshot_same(s->db, &ref->after))
        violate("the change differs from the change a run without faults makes");
    else if (!raw_integrity_ok(s->raw))
        violate("integrity_check failed after success");
}

/* The handle after a failure, closed and the file opened again. */
static void check_reopen(session *s, const test_snapshot *want)
{
    close_db(s->db);
    s->db = open_db(s->path);
    if (!snapshot_same(s->db, want))
        violate("the database read after reopening differs");
}

static void report_violation(const op_entry *e, const mode *m, long n, const session *s)
{
    fprintf(stderr, "FAULT %s %s: fault at call %ld: %s\n", m->name, e->name, n + 1, violation);
    if (s->db)
        fprintf(stderr, "  last message: %s (%s)\n", crm_errmsg(s->db),
                crm_errname(crm_errcode(s->db)));
}

#define MAX_RUNS 1000000L

/* How far the sequence of calls may move between runs. libcrm's own
 * allocations and the file operations repeat exactly. SQLite keeps some
 * memory from one statement to the next, so after a run the call survived
 * (and the handle was made afresh) its count may differ by a call or two. */
static long drift_allowed(const op_entry *e, const mode *m)
{
    if (m->kind != FAULT_OOM_SQLITE && m->kind != FAULT_OOM_BOTH)
        return 0;
    return e->flags & OP_EMPTY_FILE ? 16 : 8;
}

/* Fail the N-th call of the mode's kind for N = phase+1, phase+1+stride, ...
 * until the call succeeds without a fault. */
static void run_mode(int oi, int mi, const fixture *f, const char *base, const reference *ref)
{
    const op_entry *e = &ops[oi];
    const mode *m = &modes[mi];
    tally *t = &tallies[oi][mi];
    session s;
    if (snprintf(s.path, sizeof s.path, "%s.run", base) >= (int)sizeof s.path) {
        fprintf(stderr, "path too long: %s\n", base);
        exit(2);
    }
    restore(base, s.path);
    session_open(&s);
    t->ran = true;
    violation[0] = '\0';
    if (!m->cold && !prepare_warm(e, &s, f, ref)) {
        fprintf(stderr, "%s %s: warming up failed: %s\n", m->name, e->name,
                violation[0] ? violation : crm_errmsg(s.db));
        t->failed = true;
        session_close(&s);
        return;
    }
    long n = cfg.stride > 1 ? oi % cfg.stride : 0, clean_calls = -1;
    for (bool first = true; n < MAX_RUNS; n += cfg.stride, first = false) {
        if (m->cold && !first) {
            close_db(s.db);
            s.db = open_db(s.path);
        }
        fault_arm(m->kind, n);
        int rc = run_op(e, s.db, f);
        long calls = fault.calls, injected = fault.injected;
        fault_disarm();
        if (!violation[0] && rc == CRM_OK) {
            check_success(&s, ref);
            if (!violation[0] && !injected) {
                clean_calls = calls;
                break;
            }
            if (!violation[0]) {
                /* The call survived the fault (SQLite retries or does
                 * without some allocations); start again from the baseline. */
                t->faults++;
                t->benign++;
                session_close(&s);
                restore(base, s.path);
                session_open(&s);
                if (!m->cold && !prepare_warm(e, &s, f, ref))
                    violate("warming up again failed: %s", crm_errmsg(s.db));
            }
        } else if (!violation[0] && !injected) {
            violate("failed with %s although no fault was injected: %s", crm_errname(rc),
                    crm_errmsg(s.db));
        } else if (!violation[0]) {
            t->faults++;
            check_failure(e, m, &s, ref, rc);
            /* Put back what the failure dropped from the caches, so the
             * next run meets the same sequence of calls; this also shows
             * the handle works after the failure. A reopened handle is
             * warmed from the start. */
            if (!violation[0] && (e->flags & OP_PHYSICAL)) {
                /* Called again without a fault, it goes on and finishes. */
                int again = run_op(e, s.db, f);
                if (again != CRM_OK)
                    violate("called again after the failure, it fails without a fault: %s (%s)",
                            crm_errmsg(s.db), crm_errname(again));
                else if (!snapshot_same(s.db, &ref->after))
                    violate("called again after the failure, it ends elsewhere than a run "
                            "without faults");
                session_close(&s);
                restore(base, s.path);
                session_open(&s);
                if (!m->cold && !prepare_warm(e, &s, f, ref))
                    violate("warming up again failed: %s", crm_errmsg(s.db));
                goto next;
            }
            bool reopened = !violation[0] && cfg.stress;
            if (reopened)
                check_reopen(&s, &ref->before);
            if (!violation[0] && !m->cold &&
                !(reopened ? prepare_warm(e, &s, f, ref)
                           : warm_up(e, s.db, f, false) == CRM_OK))
                violate("the call fails without a fault after a failure: %s (%s)",
                        crm_errmsg(s.db), crm_errname(crm_errcode(s.db)));
        }
    next:
        if (violation[0]) {
            report_violation(e, m, n, &s);
            t->failed = true;
            session_close(&s);
            return;
        }
    }
    if (clean_calls < 0) {
        fprintf(stderr, "%s %s: never succeeded in %ld runs\n", m->name, e->name, MAX_RUNS);
        t->failed = true;
    } else if (clean_calls > n || (cfg.stride == 1 && n - clean_calls > drift_allowed(e, m))) {
        /* Each run met the calls of the run before: none was skipped. (A
         * sample may end past the first clean run.) */
        fprintf(stderr,
                "%s %s: the run without a fault made %ld calls, the loop ended at %ld: the "
                "sequence of calls changed between runs\n",
                m->name, e->name, clean_calls, n);
        t->failed = true;
    }
    /* What a new handle reads matches the last (successful) run. In the
     * cold modes every run opened one, and the last one checked that. */
    if (!t->failed && !m->cold) {
        close_db(s.db);
        s.db = open_db(s.path);
        if (!snapshot_same(s.db, &ref->after) || !raw_integrity_ok(s.raw)) {
            fprintf(stderr, "%s %s: the database read after reopening differs\n", m->name,
                    e->name);
            t->failed = true;
        }
    }
    session_close(&s);
    if (cfg.verbose)
        printf("  %-12s %-20s %5ld faults (%ld survived)%s\n", m->name, e->name, t->faults,
               t->benign, t->failed ? " FAILED" : "");
}

static bool run_op_entry(int oi)
{
    const op_entry *e = &ops[oi];
    struct base_file *b = base_for(e->setup);
    const fixture *f = &b->f;
    const char *base = b->path;
    reference ref;
    char path[4200];
    snprintf(path, sizeof path, "%s.run", base);
    crm_db *db;
    if (!b->measured) {
        restore(base, path);
        db = open_db(path);
        sqlite3 *raw = raw_open(path);
        b->digest = raw_digest(raw);
        snapshot_take(db, &b->before);
        close_db(db);
        raw_close(raw);
        b->measured = true;
    }
    ref.before = b->before;
    ref.digest = b->digest;
    /* The change a run without faults makes. */
    restore(base, path);
    db = open_db(path);
    int rc = run_op(e, db, f);
    if (rc != CRM_OK || violation[0]) {
        fprintf(stderr, "%s: fails without a fault: %s %s\n", e->name, crm_errname(rc),
                violation[0] ? violation : crm_errmsg(db));
        violation[0] = '\0';
        close_db(db);
        test_remove_db(path);
        return false;
    }
    snapshot_take(db, &ref.after);
    close_db(db);
    bool same = e->flags & (OP_READ | OP_PHYSICAL);
    bool ok = same ? ref.after.last_seq == ref.before.last_seq
                   : ref.after.last_seq > ref.before.last_seq;
    if (!ok)
        fprintf(stderr, "%s: the call journaled %s\n", e->name, same ? "something" : "nothing");
    if (ok && (e->flags & OP_PHYSICAL)) {
        /* The purge's run did its work: no rewrite is owed any more. */
        sqlite3 *raw = raw_open(path);
        sqlite3_stmt *st = raw_stmt(raw, "SELECT count(*) FROM search_scrub");
        ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 0;
        sqlite3_reset(st);
        raw_close(raw);
        if (!ok)
            fprintf(stderr, "%s: a rewrite of the index is still owed after it\n", e->name);
    }

    for (int mi = 0; ok && mi < NMODES; mi++) {
        if (!mode_runs_for(oi, mi))
            continue;
        run_mode(oi, mi, f, base, &ref);
        ok = ok && !tallies[oi][mi].failed;
    }
    test_remove_db(path);
    return ok;
}

TEST(every_write_fails_cleanly)
{
    double t0 = now_s();
    bool all = true;
    for (int oi = 0; oi < NOPS; oi++) {
        if (!selected(ops[oi].name, cfg.ops, cfg.nops))
            continue;
        if (!run_op_entry(oi))
            all = false;
    }
    /* The table: faults injected per call and mode. */
    printf("  %-20s", "faults injected");
    for (int mi = 0; mi < NMODES; mi++)
        if (mode_selected(&modes[mi]))
            printf(" %*s", (int)strlen(modes[mi].name) > 7 ? (int)strlen(modes[mi].name) : 7,
                   modes[mi].name);
    printf("\n");
    long total = 0, total_benign = 0;
    for (int oi = 0; oi < NOPS; oi++) {
        if (!selected(ops[oi].name, cfg.ops, cfg.nops))
            continue;
        printf("  %-20s", ops[oi].name);
        for (int mi = 0; mi < NMODES; mi++) {
            if (!mode_selected(&modes[mi]))
                continue;
            int w = (int)strlen(modes[mi].name) > 7 ? (int)strlen(modes[mi].name) : 7;
            const tally *t = &tallies[oi][mi];
            if (!t->ran)
                printf(" %*s", w, "-");
            else if (t->failed)
                printf(" %*s", w, "FAIL");
            else
                printf(" %*ld", w, t->faults);
            total += t->faults;
            total_benign += t->benign;
        }
        printf("\n");
    }
    for (int mi = 0; mi < NMODES; mi++) {
        if (!mode_selected(&modes[mi]))
            continue;
        long faults = 0, benign = 0;
        int nops = 0, failed = 0;
        for (int oi = 0; oi < NOPS; oi++) {
            const tally *t = &tallies[oi][mi];
            if (!t->ran)
                continue;
            nops++;
            faults += t->faults;
            benign += t->benign;
            failed += t->failed;
        }
        printf("  %s: %d ops, %ld faults injected (%ld survived by the call), %s\n",
               modes[mi].name, nops, faults, benign,
               failed ? "SOME NOT CLEAN" : "all clean");
    }
    printf("  groups: %ld lost whole (CRM_ESTATE until crm_rollback), %ld went "
           "on after a failed call, %ld commits retried\n",
           groups_lost, groups_resumed, commits_retried);
    printf("  total: %ld faults injected (%ld survived), %.1f s%s\n", total, total_benign,
           now_s() - t0,
           cfg.stride > 1 || cfg.rotate > 1 ? " (a sample: see --stride and --rotate)" : "");
    CHECK(all);
}

/* ---- CRM_ESTATE: a group SQLite rolled back ----------------------------- */

/* A fresh database with the base fixture; s is opened on it with a cold
 * handle. */
static void fresh_session(session *s, fixture *f)
{
    const struct base_file *b = base_for(setup_base);
    test_temp_path(s->path, sizeof s->path, ".db");
    restore(b->path, s->path);
    *f = b->f;
    session_open(s);
}

static void end_session(session *s)
{
    session_close(s);
    test_remove_db(s->path);
}

static int tag_count(crm_db *db, const char *id)
{
    crm_tag_cursor *cur;
    const char *tag;
    int n = 0, rc;
    if (crm_tag_list_open(&cur, db, id) != CRM_OK)
        return -1;
    while ((rc = crm_tag_cursor_next(cur, &tag)) == CRM_ROW)
        n++;
    crm_tag_cursor_free(cur);
    return rc == CRM_DONE ? n : -1;
}

/* What a lost group must do: the handle says a group is open; every write
 * and crm_commit() give CRM_ESTATE saying to roll back; crm_begin() too;
 * reads work and see nothing of the group; crm_rollback() ends it and the
 * database is as before; then a new group works. */
static void check_lost_group(session *s, const fixture *f, const test_snapshot *before,
                             uint64_t digest)
{
    CHECK_INT(crm_in_transaction(s->db), 1);
    CHECK_RC(s->db, crm_attr_set(s->db, f->ann, "tier", "9"), CRM_ESTATE);
    CHECK_CONTAINS(crm_errmsg(s->db), "crm_rollback");
    CHECK_RC(s->db, crm_tag_add(s->db, f->ann, "after"), CRM_ESTATE);
    CHECK_RC(s->db, crm_promise_keep(NULL, s->db, f->p_keep, NULL, NULL, CRM_TIME_NONE),
             CRM_ESTATE);
    CHECK_RC(s->db, crm_customer_create(NULL, s->db, CRM_CUSTOMER_PERSON, "Late"), CRM_ESTATE);
    CHECK_RC(s->db, crm_commit(s->db), CRM_ESTATE);
    CHECK_CONTAINS(crm_errmsg(s->db), "crm_rollback");
    CHECK_INT(crm_in_transaction(s->db), 1);
    CHECK_RC(s->db, crm_begin(s->db), CRM_ESTATE);
    CHECK_INT(tag_count(s->db, f->ann), 1); /* "vip" alone: the group's tag is gone */
    CHECK(test_snapshot_same(s->db, before));
    CHECK_OK(s->db, crm_rollback(s->db));
    CHECK_INT(crm_in_transaction(s->db), 0);
    CHECK_RC(s->db, crm_rollback(s->db), CRM_ESTATE);
    CHECK(test_snapshot_same(s->db, before));
    CHECK(raw_digest(s->raw) == digest);
    CHECK(raw_integrity_ok(s->raw));
    /* The handle is whole again. */
    CHECK_OK(s->db, crm_begin(s->db));
    CHECK_OK(s->db, crm_tag_add(s->db, f->ann, "regrouped"));
    CHECK_OK(s->db, crm_attr_set(s->db, f->ann, "tier", "4"));
    CHECK_OK(s->db, crm_commit(s->db));
    CHECK_INT(crm_in_transaction(s->db), 0);
    CHECK_INT(tag_count(s->db, f->ann), 2);
    CHECK_INT(test_last_seq(s->db), before->last_seq + 2);
    CHECK(raw_integrity_ok(s->raw));
}

/* A read of the file fails in the middle of a group: SQLite rolls the
 * whole transaction back, not only the call. */
TEST(group_lost_to_read_error)
{
    session s;
    fixture f;
    fresh_session(&s, &f);
    test_snapshot before;
    test_snapshot_take(s.db, &before);
    uint64_t digest = raw_digest(s.raw);
    /* A handle that has read nothing of the interactions yet. */
    close_db(s.db);
    s.db = open_db(s.path);
    CHECK_OK(s.db, crm_begin(s.db));
    CHECK_OK(s.db, crm_tag_add(s.db, f.ann, "grouped"));
    crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
    spec.customer_id = f.ann;
    spec.channel = CRM_CHANNEL_SMS;
    spec.direction = CRM_DIRECTION_OUT;
    spec.external_ref = "sms-1";
    fault_arm(FAULT_READ, 0);
    int rc = crm_interaction_log(NULL, s.db, &spec);
    long injected = fault.injected;
    fault_disarm();
    CHECK_INT(injected, 1);
    CHECK_RC(s.db, rc, CRM_EIO);
    CHECK_CONTAINS(crm_errmsg(s.db), "I/O error");
    check_lost_group(&s, &f, &before, digest);
    end_session(&s);
}

/* The disk fills while a big group spills pages to the WAL before its
 * commit. The call fails with CRM_EIO; the group is then either whole
 * without that call, or lost (CRM_ESTATE until crm_rollback()). */
TEST(group_meets_full_disk)
{
    session s;
    fixture f;
    fresh_session(&s, &f);
    test_snapshot before;
    test_snapshot_take(s.db, &before);
    uint64_t digest = raw_digest(s.raw);
    char *big = test_long_string(CRM_ATTR_VALUE_MAX);
    CHECK_OK(s.db, crm_begin(s.db));
    CHECK_OK(s.db, crm_tag_add(s.db, f.ann, "grouped"));
    fault_arm(FAULT_FULL, 0);
    int rc = CRM_OK, k;
    char key[32];
    /* Enough to overflow SQLite's page cache (2 MB by default). */
    for (k = 0; k < 4000 && rc == CRM_OK && !fault.injected; k++) {
        snprintf(key, sizeof key, "bulk.%04d", k);
        rc = crm_attr_set(s.db, f.ann, key, big);
    }
    long injected = fault.injected;
    fault_disarm();
    free(big);
    CHECK_INT(injected, 1);
    CHECK_RC(s.db, rc, CRM_EIO);
    CHECK_CONTAINS(crm_errmsg(s.db), "full");
    int next = crm_attr_set(s.db, f.ann, "tier", "9");
    if (next == CRM_ESTATE) {
        printf("  the full disk cost the whole group (after %d calls)\n", k);
        check_lost_group(&s, &f, &before, digest);
    } else {
        printf("  the group survived the full disk without the failed call (after %d calls)\n",
               k);
        CHECK_OK(s.db, next);
        CHECK_OK(s.db, crm_commit(s.db));
        char *v = NULL;
        CHECK_RC(s.db, crm_attr_get(&v, s.db, f.ann, key), CRM_ENOTFOUND);
        if (k >= 2) {
            snprintf(key, sizeof key, "bulk.%04d", k - 2);
            CHECK_OK(s.db, crm_attr_get(&v, s.db, f.ann, key));
            crm_free(v);
        }
        CHECK_INT(tag_count(s.db, f.ann), 2);
        CHECK_INT(test_last_seq(s.db), before.last_seq + 1 + (k - 1) + 1);
    }
    CHECK(raw_integrity_ok(s.raw));
    end_session(&s);
}

/* The commit of a group cannot write or sync its pages: nothing is
 * written, and the group is over. */
TEST(group_commit_fails)
{
    session s;
    fixture f;
    fresh_session(&s, &f);
    test_snapshot before;
    test_snapshot_take(s.db, &before);
    uint64_t digest = raw_digest(s.raw);
    static const int kinds[] = { FAULT_SYNC, FAULT_WRITE, FAULT_FULL };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        CHECK_OK(s.db, crm_begin(s.db));
        CHECK_OK(s.db, crm_tag_add(s.db, f.ann, "grouped"));
        CHECK_OK(s.db, crm_promise_break(NULL, s.db, f.p_break, "no time", CRM_TIME_NONE));
        fault_arm(kinds[i], 0);
        int rc = crm_commit(s.db);
        long injected = fault.injected;
        fault_disarm();
        CHECK_INT(injected, 1);
        CHECK_RC(s.db, rc, CRM_EIO);
        /* SQLite rolled it back: the group is over (docs/errors.md). */
        CHECK_INT(crm_in_transaction(s.db), 0);
        CHECK_RC(s.db, crm_rollback(s.db), CRM_ESTATE);
        CHECK(test_snapshot_same(s.db, &before));
        CHECK(raw_digest(s.raw) == digest);
        CHECK(raw_integrity_ok(s.raw));
    }
    /* And then it works. */
    CHECK_OK(s.db, crm_begin(s.db));
    CHECK_OK(s.db, crm_promise_break(NULL, s.db, f.p_break, "no time", CRM_TIME_NONE));
    CHECK_OK(s.db, crm_commit(s.db));
    CHECK_INT(test_last_seq(s.db), before.last_seq + 1);
    end_session(&s);
}

/* In a group, every failed allocation of a call, on a handle whose
 * statement cache is still empty, must undo the call (or the whole group).
 * When calls closed a savepoint, a RELEASE that could not be prepared
 * failed with CRM_ENOMEM yet left the call's change in the group. */
TEST(group_call_undone_when_finishing_fails)
{
    session s;
    fixture f;
    fresh_session(&s, &f);
    long failures = 0;
    bool done = false;
    for (long n = 0; n < 1000 && !done; n++) {
        close_db(s.db);
        s.db = open_db(s.path); /* nothing cached */
        CHECK_OK(s.db, crm_begin(s.db));
        fault_arm(FAULT_OOM_CRM, n);
        int rc = crm_tag_add(s.db, f.ann, "loyal");
        long injected = fault.injected;
        fault_disarm();
        if (rc != CRM_OK) {
            CHECK_RC(s.db, rc, CRM_ENOMEM);
            CHECK_INT(crm_in_transaction(s.db), 1);
            CHECK_INT(tag_count(s.db, f.ann), 1); /* "vip" alone */
            failures++;
        } else {
            CHECK_INT(tag_count(s.db, f.ann), 2);
            done = !injected;
        }
        CHECK_OK(s.db, crm_rollback(s.db));
    }
    CHECK(done);
    CHECK(failures > 0);
    end_session(&s);
}

static int search_count(crm_db *db, const char *query)
{
    crm_search_hit_cursor *cur;
    const crm_search_hit *hit;
    int n = 0, rc = crm_search_hit_list_open(&cur, db, query, NULL);
    if (rc)
        return -1;
    while ((rc = crm_search_hit_cursor_next(cur, &hit)) == CRM_ROW)
        n++;
    crm_search_hit_cursor_free(cur);
    return rc == CRM_DONE ? n : -1;
}

/* Memory runs out at some point of a change of the search index and stays
 * out, so that even making the index ready again after the failure fails
 * (engine.c, search_reset): the next call, with memory back, must make it
 * ready first. Without that, a change failed as corrupt, or a search
 * found words the failed change had left behind. */
TEST(search_ready_after_lasting_lack_of_memory)
{
    session s;
    fixture f;
    fresh_session(&s, &f);
    long failures = 0;
    bool done = false;
    for (long n = 0; n < 20000 && !done; n++) {
        fault_arm_burst(FAULT_OOM_SQLITE, n, 1L << 30);
        int rc = crm_interaction_set_summary(s.db, f.call, "parcel lost");
        long injected = fault.injected;
        fault_disarm();
        if (rc != CRM_OK) {
            CHECK_RC(s.db, rc, CRM_ENOMEM);
            failures++;
        } else {
            done = !injected;
        }
        CHECK_OK(s.db, crm_interaction_set_summary(s.db, f.call, "invoice wrong"));
        CHECK_INT(search_count(s.db, "invoice"), 1);
        CHECK_INT(search_count(s.db, "parcel"), 0);
        CHECK(raw_integrity_ok(s.raw));
        if (test_current_failed)
            break;
    }
    CHECK(done);
    CHECK(failures > 0);
    end_session(&s);
}

/* ---- main --------------------------------------------------------------- */

static void usage(void)
{
    fprintf(stderr, "usage: test_faults [--stress] [--customers N] [--stride N] [--rotate K] "
                    "[--op NAME]... [--mode NAME]... [-v]\n  ops:");
    for (int i = 0; i < NOPS; i++)
        fprintf(stderr, " %s", ops[i].name);
    fprintf(stderr, "\n  modes:");
    for (int i = 0; i < NMODES; i++)
        fprintf(stderr, " %s", modes[i].name);
    fprintf(stderr, "\n");
    exit(2);
}

static long number(const char *s)
{
    char *end;
    long v = s ? strtol(s, &end, 10) : -1;
    if (!s || *end || v < 0)
        usage();
    return v;
}

int main(int argc, char **argv)
{
    bool customers_given = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--stress") == 0) {
            cfg.stress = true;
        } else if (strcmp(a, "--customers") == 0) {
            cfg.customers = (int)number(i + 1 < argc ? argv[++i] : NULL);
            customers_given = true;
        } else if (strcmp(a, "--rotate") == 0) {
            cfg.rotate = (int)number(i + 1 < argc ? argv[++i] : NULL);
            if (cfg.rotate < 1)
                usage();
        } else if (strcmp(a, "--stride") == 0) {
            cfg.stride = number(i + 1 < argc ? argv[++i] : NULL);
            if (cfg.stride < 1)
                usage();
        } else if (strcmp(a, "--op") == 0 && i + 1 < argc && cfg.nops < 32) {
            cfg.ops[cfg.nops++] = argv[++i];
        } else if (strcmp(a, "--mode") == 0 && i + 1 < argc && cfg.nmodes < 32) {
            cfg.modes[cfg.nmodes++] = argv[++i];
        } else if (strcmp(a, "-v") == 0) {
            cfg.verbose = true;
        } else {
            usage();
        }
    }
    for (int i = 0; i < cfg.nops; i++) {
        bool known = false;
        for (int k = 0; k < NOPS; k++)
            known = known || strcmp(cfg.ops[i], ops[k].name) == 0;
        if (!known)
            usage();
    }
    for (int i = 0; i < cfg.nmodes; i++) {
        bool known = false;
        for (int k = 0; k < NMODES; k++)
            known = known || strcmp(cfg.modes[i], modes[k].name) == 0;
        if (!known)
            usage();
    }
    if (cfg.stress && !customers_given)
        cfg.customers = 50;
    install_faults();
    printf("  %d customers besides the fixture; %s\n", cfg.customers,
           cfg.stress ? "stress" : "default sizes");
    RUN(every_write_fails_cleanly);
    RUN(group_lost_to_read_error);
    RUN(group_meets_full_disk);
    RUN(group_commit_fails);
    RUN(group_call_undone_when_finishing_fails);
    RUN(search_ready_after_lasting_lack_of_memory);
    remove_bases();
    int rc = test_summary();
    if (crm_config_allocator(NULL) != CRM_OK)
        rc = 1;
    sqlite3_vfs_unregister(&shim_vfs);
    return rc;
}
