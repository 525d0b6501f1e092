/*
 * libcrm benchmark: the core work of a contact centre done through libcrm
 * and, for comparison, with the best hand-written SQLite code on an
 * equivalent schema (prepared statements, one transaction for the bulk).
 *
 *   crm_bench [N]      N customers, default 10000
 *
 * Measured, each side in a process of its own so that its peak RSS is its
 * own:
 *   import   N customers with one phone number each, in one transaction
 *            (libcrm: crm_begin, crm_customer_create + crm_identity_add,
 *            crm_commit; raw: the same rows, journal included, by INSERT);
 *   lookup   N caller-ID lookups of random imported numbers (libcrm:
 *            crm_identity_lookup with a national number, which it parses;
 *            raw: one primary-key probe with the E.164 key ready-made);
 *   list     pages of 50 customers in creation order, by keyset.
 * Lookups and listing are timed in three rounds and the fastest counts, to
 * damp the noise of a busy machine; the import is timed once.
 * Both databases are temporary files in $TMPDIR (or /tmp), in WAL mode with
 * synchronous=FULL, libcrm's default durability. The program prints a table
 * and judges nothing; it fails only if a step fails.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <crm.h>

#define PAGE 50
#define MIN_PAGES 1000 /* a list round walks all customers until it has read this many pages */
#define ROUNDS 3       /* lookups and listing are timed this often; the fastest counts */
#define MAX_N 8000000 /* distinct numbers available: (415) 200-0000 .. (415) 999-9999 */

typedef struct result {
    int ok;
    long n_import, n_lookup, n_pages;
    double t_import, t_lookup, t_pages; /* seconds */
    long maxrss_kb;
    char error[512];
} result;

typedef struct job {
    long n;
    const char *path;
    char (*national)[32]; /* "(415) 234-5678": what a caller-ID feed gives libcrm */
    char (*entered)[32];  /* "+1 415 234 5678": the value as first entered */
    char (*e164)[32];     /* "+14152345678": the key the raw side is handed */
    long *probe;          /* indexes of the numbers to look up, same on both sides */
} job;

/* Keep the shortest time: the run least disturbed by the rest of the machine. */
static void keep_best(double *best, double t)
{
    if (*best == 0.0 || t < *best)
        *best = t;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64*: the same sequence of probes for both sides, every run. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

static void customer_name(char *buf, size_t size, long i)
{
    snprintf(buf, size, "Customer %07ld", i);
}

/* ---- libcrm ----------------------------------------------------------- */

static int crm_fail(result *r, crm_db *db, const char *what, int rc)
{
    snprintf(r->error, sizeof r->error, "libcrm: %s: %s (%s)", what, crm_errmsg(db),
             crm_errname(rc));
    return -1;
}

/* One pass of caller-ID lookups. */
static int crm_lookups(const job *j, result *r, crm_db *db)
{
    char name[64];
    for (long k = 0; k < j->n; k++) {
        long i = j->probe[k];
        crm_customer *c = NULL;
        int rc = crm_identity_lookup(&c, db, "phone", j->national[i]);
        if (rc != CRM_OK)
            return crm_fail(r, db, "crm_identity_lookup", rc);
        customer_name(name, sizeof name, i);
        int same = strcmp(crm_customer_name(c), name) == 0;
        crm_customer_free(c);
        if (!same) {
            snprintf(r->error, sizeof r->error, "libcrm: %s found the wrong customer",
                     j->national[i]);
            return -1;
        }
    }
    return 0;
}

/* One walk over all customers, PAGE at a time; *pages counts the pages. */
static int crm_walk(const job *j, result *r, crm_db *db, long *pages)
{
    char after[CRM_ID_LEN + 1] = "";
    long rows = 0, seen;
    do {
        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
        f.limit = PAGE;
        f.after = after[0] ? after : NULL;
        crm_customer_cursor *cur = NULL;
        int rc = crm_customer_list_open(&cur, db, &f);
        if (rc != CRM_OK)
            return crm_fail(r, db, "crm_customer_list_open", rc);
        const crm_customer *c;
        seen = 0;
        while ((rc = crm_customer_list_next(cur, &c)) == CRM_ROW) {
            memcpy(after, crm_customer_id(c), sizeof after);
            seen++;
        }
        crm_customer_list_free(cur);
        if (rc != CRM_DONE)
            return crm_fail(r, db, "crm_customer_list_next", rc);
        rows += seen;
        (*pages)++;
    } while (seen == PAGE);
    if (rows != j->n) {
        snprintf(r->error, sizeof r->error, "libcrm: listed %ld customers, expected %ld", rows,
                 j->n);
        return -1;
    }
    return 0;
}

static int run_libcrm(const job *j, result *r)
{
    crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
    opts.default_country = "US";
    opts.actor = "bench";
    crm_db *db = NULL;
    int rc = crm_open(&db, j->path, &opts);
    if (rc != CRM_OK)
        return crm_fail(r, NULL, "crm_open", rc);

    int status = -1;
    char name[64];
    double t0 = now_s();
    if ((rc = crm_begin(db)) != CRM_OK) {
        crm_fail(r, db, "crm_begin", rc);
        goto out;
    }
    for (long i = 0; i < j->n; i++) {
        crm_customer *c = NULL;
        customer_name(name, sizeof name, i);
        rc = crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, name);
        if (rc != CRM_OK) {
            crm_fail(r, db, "crm_customer_create", rc);
            crm_rollback(db);
            goto out;
        }
        rc = crm_identity_add(NULL, db, crm_customer_id(c), "phone", j->entered[i],
                              CRM_IDENTITY_PRIMARY);
        crm_customer_free(c);
        if (rc != CRM_OK) {
            crm_fail(r, db, "crm_identity_add", rc);
            crm_rollback(db);
            goto out;
        }
    }
    if ((rc = crm_commit(db)) != CRM_OK) {
        crm_fail(r, db, "crm_commit", rc);
        crm_rollback(db);
        goto out;
    }
    r->t_import = now_s() - t0;
    r->n_import = j->n;

    for (int round = 0; round < ROUNDS; round++) {
        t0 = now_s();
        if (crm_lookups(j, r, db))
            goto out;
        keep_best(&r->t_lookup, now_s() - t0);
    }
    r->n_lookup = j->n;

    for (int round = 0; round < ROUNDS; round++) {
        long pages = 0;
        t0 = now_s();
        while (pages < MIN_PAGES)
            if (crm_walk(j, r, db, &pages))
                goto out;
        keep_best(&r->t_pages, now_s() - t0);
        r->n_pages = pages;
    }
    status = 0;

out:
    if ((rc = crm_close(db)) != CRM_OK && status == 0) {
        crm_fail(r, db, "crm_close", rc);
        status = -1;
    }
    return status;
}

/* ---- raw SQLite --------------------------------------------------------- */

/* The tables and indexes libcrm keeps for this work, and its settings. */
static const char RAW_SCHEMA[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = FULL;"
    "PRAGMA foreign_keys = ON;"
    "CREATE TABLE customer ("
    "  id BLOB PRIMARY KEY CHECK (length(id) = 16),"
    "  kind INTEGER NOT NULL CHECK (kind IN (1, 2)),"
    "  name TEXT NOT NULL, name_key TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, archived_at INTEGER"
    ") WITHOUT ROWID;"
    "CREATE INDEX customer_by_name ON customer (name_key, id);"
    "CREATE TABLE identity ("
    "  kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    "  customer_id BLOB NOT NULL REFERENCES customer (id) ON DELETE CASCADE,"
    "  flags INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (kind, key)) WITHOUT ROWID;"
    "CREATE INDEX identity_by_customer ON identity (customer_id, kind);"
    "CREATE TABLE journal ("
    "  seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,"
    "  entity TEXT NOT NULL, entity_id BLOB, op TEXT NOT NULL, data TEXT NOT NULL);"
    "CREATE INDEX journal_by_entity ON journal (entity_id, seq);";

static const char RAW_INSERT_CUSTOMER[] =
    "INSERT INTO customer (id, kind, name, name_key, created_at, updated_at) "
    "VALUES (?1, 1, ?2, ?3, ?4, ?4)";
static const char RAW_INSERT_IDENTITY[] =
    "INSERT INTO identity (kind, key, value, customer_id, flags, created_at) "
    "VALUES ('phone', ?1, ?2, ?3, 1, ?4)";
static const char RAW_JOURNAL_CUSTOMER[] =
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, 'bench', 'customer', ?2, 'create', json_object('kind', 'person', 'name', ?3))";
static const char RAW_JOURNAL_IDENTITY[] =
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (?1, 'bench', 'identity', ?2, 'add', "
    "json_object('kind', 'phone', 'value', ?3, 'key', ?4, 'flags', 1))";
static const char RAW_LOOKUP[] =
    "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, c.archived_at IS NOT NULL "
    "FROM identity i JOIN customer c ON c.id = i.customer_id "
    "WHERE i.kind = 'phone' AND i.key = ?1";
static const char RAW_PAGE[] =
    "SELECT c.id, c.kind, c.name, c.created_at, c.updated_at, c.archived_at IS NOT NULL "
    "FROM customer c WHERE c.archived_at IS NULL AND c.id > ?1 ORDER BY c.id LIMIT 50";

enum { S_CUSTOMER, S_IDENTITY, S_JCUSTOMER, S_JIDENTITY, S_LOOKUP, S_PAGE, S_COUNT };

static int raw_fail(result *r, sqlite3 *db, const char *what)
{
    snprintf(r->error, sizeof r->error, "raw: %.200s: %.280s", what,
             db ? sqlite3_errmsg(db) : "cannot allocate a handle");
    return -1;
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A time-ordered 16-byte id, always greater than the one before, as
 * libcrm's UUIDv7 ids are: milliseconds, a counter within the millisecond,
 * random bits. */
static void raw_id(unsigned char id[16])
{
    static int64_t last_ms;
    static unsigned int seq;
    int64_t ms = wall_ms();
    if (ms <= last_ms) {
        ms = last_ms;
        if (++seq > 0xfff) {
            ms++;
            seq = 0;
        }
    } else {
        seq = 0;
    }
    last_ms = ms;
    for (int b = 5; b >= 0; b--, ms >>= 8)
        id[b] = (unsigned char)(ms & 0xff);
    id[6] = (unsigned char)(0x70 | (seq >> 8));
    id[7] = (unsigned char)(seq & 0xff);
    uint64_t x = rng();
    memcpy(id + 8, &x, 8);
    id[8] = (unsigned char)(0x80 | (id[8] & 0x3f));
}

static int exec(result *r, sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : raw_fail(r, db, sql);
}

static int step_done(result *r, sqlite3 *db, sqlite3_stmt *st, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : raw_fail(r, db, what);
}

/* Copy a text column into buf, truncated to fit. */
static void copy_text(char *buf, size_t size, sqlite3_stmt *s, int col)
{
    const unsigned char *t = sqlite3_column_text(s, col);
    size_t n = t ? (size_t)sqlite3_column_bytes(s, col) : 0;
    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(buf, t, n);
    buf[n] = '\0';
}

/* One pass of caller-ID lookups. What a caller keeps of a row is the id
 * and the name, as a record would hold them. */
static int raw_lookups(const job *j, result *r, sqlite3 *db, sqlite3_stmt *s)
{
    unsigned char got_id[16];
    char got_name[64], name[64];
    for (long k = 0; k < j->n; k++) {
        long i = j->probe[k];
        sqlite3_bind_text(s, 1, j->e164[i], -1, SQLITE_STATIC);
        int rc = sqlite3_step(s);
        if (rc != SQLITE_ROW) {
            sqlite3_reset(s);
            if (rc != SQLITE_DONE)
                return raw_fail(r, db, "lookup");
            snprintf(r->error, sizeof r->error, "raw: %s not found", j->e164[i]);
            return -1;
        }
        memcpy(got_id, sqlite3_column_blob(s, 0), sizeof got_id);
        copy_text(got_name, sizeof got_name, s, 2);
        sqlite3_reset(s);
        customer_name(name, sizeof name, i);
        if (strcmp(got_name, name) != 0) {
            snprintf(r->error, sizeof r->error, "raw: %s found the wrong customer", j->e164[i]);
            return -1;
        }
    }
    return 0;
}

/* One walk over all customers, PAGE at a time; *pages counts the pages. */
static int raw_walk(const job *j, result *r, sqlite3 *db, sqlite3_stmt *s, long *pages)
{
    unsigned char after[16];
    char got_name[64];
    int have_after = 0;
    long rows = 0, seen;
    do {
        if (have_after)
            sqlite3_bind_blob(s, 1, after, 16, SQLITE_TRANSIENT);
        else
            sqlite3_bind_zeroblob(s, 1, 0); /* sorts before every id */
        int rc;
        seen = 0;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            memcpy(after, sqlite3_column_blob(s, 0), sizeof after);
            copy_text(got_name, sizeof got_name, s, 2);
            seen++;
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE)
            return raw_fail(r, db, "list");
        have_after = seen > 0;
        rows += seen;
        (*pages)++;
    } while (seen == PAGE);
    if (rows != j->n) {
        snprintf(r->error, sizeof r->error, "raw: listed %ld customers, expected %ld", rows,
                 j->n);
        return -1;
    }
    return 0;
}

static int run_raw(const job *j, result *r)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st[S_COUNT] = { NULL };
    static const char *const sql[S_COUNT] = { RAW_INSERT_CUSTOMER, RAW_INSERT_IDENTITY,
                                              RAW_JOURNAL_CUSTOMER, RAW_JOURNAL_IDENTITY,
                                              RAW_LOOKUP, RAW_PAGE };
    int status = -1;
    if (sqlite3_open_v2(j->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        raw_fail(r, db, "open");
        goto out;
    }
    sqlite3_busy_timeout(db, 5000);
    if (exec(r, db, RAW_SCHEMA))
        goto out;
    for (int s = 0; s < S_COUNT; s++) {
        if (sqlite3_prepare_v3(db, sql[s], -1, SQLITE_PREPARE_PERSISTENT, &st[s], NULL) !=
            SQLITE_OK) {
            raw_fail(r, db, sql[s]);
            goto out;
        }
    }

    char name[64], name_key[64];
    unsigned char id[16];
    double t0 = now_s();
    if (exec(r, db, "BEGIN IMMEDIATE"))
        goto out;
    for (long i = 0; i < j->n; i++) {
        int64_t at = wall_ms();
        raw_id(id);
        customer_name(name, sizeof name, i);
        size_t len = strlen(name);
        for (size_t k = 0; k <= len; k++)
            name_key[k] = (name[k] >= 'A' && name[k] <= 'Z') ? (char)(name[k] + 32) : name[k];

        sqlite3_bind_blob(st[S_CUSTOMER], 1, id, 16, SQLITE_STATIC);
        sqlite3_bind_text(st[S_CUSTOMER], 2, name, (int)len, SQLITE_STATIC);
        sqlite3_bind_text(st[S_CUSTOMER], 3, name_key, (int)len, SQLITE_STATIC);
        sqlite3_bind_int64(st[S_CUSTOMER], 4, at);
        sqlite3_bind_int64(st[S_JCUSTOMER], 1, at);
        sqlite3_bind_blob(st[S_JCUSTOMER], 2, id, 16, SQLITE_STATIC);
        sqlite3_bind_text(st[S_JCUSTOMER], 3, name, (int)len, SQLITE_STATIC);
        sqlite3_bind_text(st[S_IDENTITY], 1, j->e164[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st[S_IDENTITY], 2, j->entered[i], -1, SQLITE_STATIC);
        sqlite3_bind_blob(st[S_IDENTITY], 3, id, 16, SQLITE_STATIC);
        sqlite3_bind_int64(st[S_IDENTITY], 4, at);
        sqlite3_bind_int64(st[S_JIDENTITY], 1, at);
        sqlite3_bind_blob(st[S_JIDENTITY], 2, id, 16, SQLITE_STATIC);
        sqlite3_bind_text(st[S_JIDENTITY], 3, j->entered[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st[S_JIDENTITY], 4, j->e164[i], -1, SQLITE_STATIC);
        if (step_done(r, db, st[S_CUSTOMER], "insert customer") ||
            step_done(r, db, st[S_JCUSTOMER], "insert journal") ||
            step_done(r, db, st[S_IDENTITY], "insert identity") ||
            step_done(r, db, st[S_JIDENTITY], "insert journal")) {
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            goto out;
        }
    }
    if (exec(r, db, "COMMIT"))
        goto out;
    r->t_import = now_s() - t0;
    r->n_import = j->n;

    for (int round = 0; round < ROUNDS; round++) {
        t0 = now_s();
        if (raw_lookups(j, r, db, st[S_LOOKUP]))
            goto out;
        keep_best(&r->t_lookup, now_s() - t0);
    }
    r->n_lookup = j->n;

    for (int round = 0; round < ROUNDS; round++) {
        long pages = 0;
        t0 = now_s();
        while (pages < MIN_PAGES)
            if (raw_walk(j, r, db, st[S_PAGE], &pages))
                goto out;
        keep_best(&r->t_pages, now_s() - t0);
        r->n_pages = pages;
    }
    status = 0;

out:
    for (int s = 0; s < S_COUNT; s++)
        sqlite3_finalize(st[s]);
    if (sqlite3_close(db) != SQLITE_OK && status == 0)
        status = raw_fail(r, db, "close");
    return status;
}

/* ---- driver ------------------------------------------------------------- */

/* Run one side in a child process and collect its result. */
static int run_side(int (*fn)(const job *, result *), const job *j, result *r)
{
    int fds[2];
    memset(r, 0, sizeof *r);
    if (pipe(fds) != 0) {
        snprintf(r->error, sizeof r->error, "pipe: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(r->error, sizeof r->error, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        result mine;
        memset(&mine, 0, sizeof mine);
        mine.ok = fn(j, &mine) == 0;
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) == 0)
            mine.maxrss_kb = ru.ru_maxrss;
        ssize_t w = write(fds[1], &mine, sizeof mine);
        close(fds[1]);
        exit(w == (ssize_t)sizeof mine && mine.ok ? 0 : 1);
    }
    close(fds[1]);
    size_t got = 0;
    while (got < sizeof *r) {
        ssize_t n = read(fds[0], (char *)r + got, sizeof *r - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fds[0]);
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    if (got != sizeof *r) {
        memset(r, 0, sizeof *r);
        snprintf(r->error, sizeof r->error, "the benchmark process died (status 0x%x)", wstatus);
        return -1;
    }
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
        if (r->ok)
            snprintf(r->error, sizeof r->error, "the benchmark process failed (status 0x%x)",
                     wstatus);
        r->ok = 0;
    }
    return r->ok ? 0 : -1;
}

static void remove_db(const char *path)
{
    char p[4096];
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static double rate(long ops, double s)
{
    return s > 0 ? (double)ops / s : 0.0;
}

static void row(const char *what, long n_a, double t_a, long n_b, double t_b)
{
    double a = rate(n_a, t_a), b = rate(n_b, t_b);
    printf("  %-34s %14.0f %14.0f %12.2f\n", what, a, b, b > 0 ? a / b : 0.0);
}

int main(int argc, char **argv)
{
    long n = 10000;
    if (argc > 2) {
        fprintf(stderr, "usage: %s [N]   (N customers, default 10000)\n", argv[0]);
        return 2;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno || *end || end == argv[1] || n < 1 || n > MAX_N) {
            fprintf(stderr, "%s: N must be a whole number from 1 to %d, not '%s'\n", argv[0],
                    MAX_N, argv[1]);
            return 2;
        }
    }

    job j = { .n = n };
    j.national = malloc((size_t)n * sizeof *j.national);
    j.entered = malloc((size_t)n * sizeof *j.entered);
    j.e164 = malloc((size_t)n * sizeof *j.e164);
    j.probe = malloc((size_t)n * sizeof *j.probe);
    if (!j.national || !j.entered || !j.e164 || !j.probe) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 1;
    }
    for (long i = 0; i < n; i++) {
        int nxx = (200 + (int)(i / 10000)) % 1000, line = (int)(i % 10000);
        snprintf(j.national[i], sizeof j.national[i], "(415) %03d-%04d", nxx, line);
        snprintf(j.entered[i], sizeof j.entered[i], "+1 415 %03d %04d", nxx, line);
        snprintf(j.e164[i], sizeof j.e164[i], "+1415%03d%04d", nxx, line);
    }
    for (long k = 0; k < n; k++)
        j.probe[k] = (long)(rng() % (uint64_t)n);

    const char *tmp = getenv("TMPDIR");
    char dir[4096], path_crm[4200], path_raw[4200];
    snprintf(dir, sizeof dir, "%s/crm_bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "%s: cannot make a temporary directory in %s: %s\n", argv[0],
                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return 1;
    }
    snprintf(path_crm, sizeof path_crm, "%s/libcrm.db", dir);
    snprintf(path_raw, sizeof path_raw, "%s/raw.db", dir);

    result rc_crm, rc_raw;
    j.path = path_crm;
    int failed = run_side(run_libcrm, &j, &rc_crm) != 0;
    j.path = path_raw;
    failed |= run_side(run_raw, &j, &rc_raw) != 0;
    remove_db(path_crm);
    remove_db(path_raw);
    rmdir(dir);
    free(j.national);
    free(j.entered);
    free(j.e164);
    free(j.probe);

    if (failed) {
        if (!rc_crm.ok)
            fprintf(stderr, "crm_bench: %s\n", rc_crm.error);
        if (!rc_raw.ok)
            fprintf(stderr, "crm_bench: %s\n", rc_raw.error);
        return 1;
    }

    printf("libcrm %s against raw SQLite %s: %ld customers, one phone number each\n",
           crm_version(), sqlite3_libversion(), n);
    printf("temporary file databases, WAL, synchronous=FULL (libcrm's default durability)\n\n");
    printf("  %-34s %14s %14s %12s\n", "operations per second", "libcrm", "raw SQLite",
           "libcrm/raw");
    row("import customer + phone (1 txn)", rc_crm.n_import, rc_crm.t_import, rc_raw.n_import,
        rc_raw.t_import);
    row("caller-ID lookup", rc_crm.n_lookup, rc_crm.t_lookup, rc_raw.n_lookup, rc_raw.t_lookup);
    row("list a page of 50 by keyset", rc_crm.n_pages, rc_crm.t_pages, rc_raw.n_pages,
        rc_raw.t_pages);
    printf("  %-34s %10.1f MiB %10.1f MiB\n", "peak RSS of the process", rc_crm.maxrss_kb / 1024.0,
           rc_raw.maxrss_kb / 1024.0);
    printf("\n"
           "  import: %ld customers in one transaction; both sides write the same rows,\n"
           "          a journal row per change included.\n"
           "  lookup: %ld lookups of random imported numbers. libcrm's figure includes\n"
           "          parsing the national number \"(415) 234-5678\" into E.164; the raw\n"
           "          side is handed the E.164 key and only probes the index.\n"
           "  list:   %ld pages, walking all customers in creation order, 50 at a time.\n"
           "  lookup and list: fastest of %d rounds.\n"
           "  libcrm/raw above 1.00 means libcrm is faster, below means slower.\n",
           rc_crm.n_import, rc_crm.n_lookup, rc_crm.n_pages, ROUNDS);
    return 0;
}
