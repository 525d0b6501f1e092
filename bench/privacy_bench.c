/*
 * libcrm benchmark - erasing a customer for good, against the hand-written
 * SQLite a user would run instead, on the same file.
 *
 *   crm_privacy_bench [INTERACTIONS] [--target N]
 *
 * builds a file of INTERACTIONS interactions (default 1000000) through
 * libcrm, each with a summary and a body (so each is in the full-text
 * index), a hundred a customer, in transactions of 10000; one customer in
 * it has N of them (default 10000; every hundredth one logged, so its rows
 * lie among the others' as they would after years), identities,
 * attributes, tags, promises with their steps and an occasion. The file is
 * copied three times; the built file and the copies serve:
 *
 *  - time (a copy): crm_customer_erase(), then crm_db_purge() (the index's
 *    old segments rewritten in steps, the log emptied), while another
 *    thread writes on its own handle every 5 ms: its longest wait is how
 *    long the purge kept other writers out;
 *  - pages (the built file): the erase with a reader holding the snapshot
 *    before it, so the log keeps every page written: (log bytes - 32) /
 *    (page size + 24);
 *  - raw (a copy): what a user would write by hand on a plain connection
 *    (the same pragmas, SQLite's own checkpoint after a commit of 1000
 *    pages or more, as libcrm's): in one transaction the rows (deletes and
 *    updates, the journal's personal keys removed with json_remove()) and
 *    the index told of the rows gone; then 'optimize' in one transaction
 *    and the checkpoint (TRUNCATE), with the same writer beside it;
 *  - raw pages (a copy): the same rows, a reader holding the file.
 *
 * Times are elapsed; the files are in $TMPDIR (else /tmp), synced as
 * libcrm syncs (synchronous FULL).
 */
#include <crm.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what, crm_db *db)
{
    fprintf(stderr, "crm_privacy_bench: %s: %s\n", what, crm_errmsg(db));
    exit(1);
}

static void sdie(const char *what, sqlite3 *s)
{
    fprintf(stderr, "crm_privacy_bench: %s: %s\n", what, sqlite3_errmsg(s));
    exit(1);
}

static const char *const vocab[] = { "delivery", "invoice", "refund", "late",    "parcel",
                                     "broken",   "screen",  "thanks", "billing", "account",
                                     "password", "reset",   "upgrade", "contract", "renewal",
                                     "router",   "signal",  "meter",   "tariff",  "engineer" };

static void sentence(char *buf, size_t size, long i, int n)
{
    size_t len = 0;
    unsigned long x = (unsigned long)i * 2654435761u;
    for (int k = 0; k < n; k++) {
        len += (size_t)snprintf(buf + len, size - len, "%s%s", k ? " " : "", vocab[x % 20]);
        x = x / 20 + (unsigned long)k * 7919u;
    }
    snprintf(buf + len, size - len, " %ld", i);
}

static void log_one(crm_db *db, const char *cid, long i)
{
    char sum[160], body[320];
    sentence(sum, sizeof sum, i, 6);
    sentence(body, sizeof body, i * 3 + 1, 14);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = (crm_channel_t)(1 + i % 5);
    s.direction = i % 3 ? CRM_DIRECTION_IN : CRM_DIRECTION_OUT;
    s.occurred_at = 1700000000000 + i * 1000;
    s.reason = i % 2 ? "billing.refund" : "delivery.late";
    s.outcome = (crm_outcome_t)(i % 3);
    s.summary = sum;
    s.body = body;
    if (crm_interaction_log(NULL, db, &s) != CRM_OK)
        die("logging an interaction", db);
}

static void build(const char *path, long total, long target, char tid[CRM_ID_LEN + 1],
                  char oid[CRM_ID_LEN + 1])
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    crm_db *db;
    if (crm_open(&db, path, &o) != CRM_OK)
        die("opening", NULL);
    crm_customer *c;
    if (crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Ada Target Lovelace") != CRM_OK)
        die("creating the customer", db);
    snprintf(tid, CRM_ID_LEN + 1, "%s", crm_customer_id(c));
    crm_customer_free(c);
    if (crm_identity_add(NULL, db, tid, "email", "ada@example.org", 1) ||
        crm_identity_add(NULL, db, tid, "phone", "+12029184637", 0) ||
        crm_attr_set(db, tid, "city", "London") || crm_attr_set(db, tid, "dob", "1815-12-10") ||
        crm_tag_add(db, tid, "vip"))
        die("adding the customer's records", db);
    for (int k = 0; k < 10; k++) {
        crm_promise *p;
        if (crm_promise_make(&p, db, tid, NULL, "team:care", "Call back about the engine",
                             1800000000000 + k, CRM_TIME_NONE) ||
            crm_promise_renegotiate(NULL, db, crm_promise_id(p), 1800000500000 + k,
                                    "Customer away", 1, CRM_TIME_NONE))
            die("making a promise", db);
        crm_promise_free(p);
    }
    crm_occasion_spec os = CRM_OCCASION_SPEC_INIT;
    os.customer_id = tid;
    os.kind = "birthday";
    os.yearly = 1;
    os.month = 12;
    os.day = 10;
    os.note = "Likes engines";
    if (crm_occasion_add(NULL, db, &os) != CRM_OK)
        die("adding an occasion", db);
    /* Every hundredth interaction is the target's while it has fewer than
     * `target`; the others go to customers of a hundred each. */
    long every = target > 0 ? total / target : total + 1;
    char other[CRM_ID_LEN + 1] = "";
    long others = 0;
    double t0 = now_ms();
    for (long i = 0; i < total; i++) {
        if (i % 10000 == 0 && crm_begin(db) != CRM_OK)
            die("begin", db);
        if (every > 0 && i % every == 0 && i / every < target) {
            log_one(db, tid, i);
        } else {
            if (others % 100 == 0) {
                char name[64];
                snprintf(name, sizeof name, "Customer %ld", others / 100);
                if (crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, name) != CRM_OK)
                    die("creating a customer", db);
                snprintf(other, sizeof other, "%s", crm_customer_id(c));
                crm_customer_free(c);
            }
            log_one(db, other, i);
            others++;
        }
        if ((i % 10000 == 9999 || i == total - 1) && crm_commit(db) != CRM_OK)
            die("commit", db);
    }
    snprintf(oid, CRM_ID_LEN + 1, "%s", other);
    double built = now_ms() - t0;
    printf("built: %ld interactions (%ld of the customer's) in %.1f s\n", total, target,
           built / 1e3);
    if (crm_close(db) != CRM_OK)
        die("closing", db);
}

static void copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    if (!a || !b) {
        perror("copying the file");
        exit(1);
    }
    static char buf[1 << 20];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0)
        if (fwrite(buf, 1, n, b) != n) {
            perror("copying the file");
            exit(1);
        }
    fclose(a);
    /* On disk before any timing: the write-back of a copy would slow the
     * syncs of the first run and not of the last. */
    if (fflush(b) != 0 || fsync(fileno(b)) != 0 || fclose(b) != 0) {
        perror("copying the file");
        exit(1);
    }
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static long long wal_frames(const char *path, long long page)
{
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", path);
    long long n = file_size(wal);
    return n > 32 ? (n - 32) / (page + 24) : 0;
}

static void remove_db(const char *path)
{
    char p[600];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

/* A connection holding a read snapshot taken now: no checkpoint can copy
 * past it, so the log keeps every page written after it. */
static sqlite3 *reader(const char *path)
{
    sqlite3 *s;
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        sdie("opening a reader", s);
    if (sqlite3_exec(s, "BEGIN; SELECT count(*) FROM customer", NULL, NULL, NULL) != SQLITE_OK)
        sdie("reading", s);
    return s;
}

static void exec(sqlite3 *s, const char *sql)
{
    if (sqlite3_exec(s, sql, NULL, NULL, NULL) != SQLITE_OK)
        sdie(sql, s);
}

static void run_bound(sqlite3 *s, const char *sql, const unsigned char id[16], const char *text)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK)
        sdie(sql, s);
    sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        sdie(sql, s);
    sqlite3_finalize(st);
}

/* What a user erasing the customer by hand would run: every personal
 * value deleted or blanked, the journal's personal keys removed. */
static const char *const RAW_ROWS[] = {
    "UPDATE journal SET data = json_remove(data, '$.name', '$.old_name', '$.value', "
    "'$.old_value', '$.key', '$.tag', '$.summary', '$.old_summary', '$.what', '$.note', "
    "'$.why', '$.date', '$.role', '$.old_role') WHERE entity_id = ?1",
    "DELETE FROM identity WHERE customer_id = ?1",
    "DELETE FROM customer_attr WHERE customer_id = ?1",
    "DELETE FROM customer_tag WHERE customer_id = ?1",
    "DELETE FROM membership WHERE org_id = ?1 OR person_id = ?1",
    "DELETE FROM occasion WHERE customer_id = ?1",
    "UPDATE interaction SET summary = NULL, body = NULL, external_ref = NULL "
    "WHERE customer_id = ?1",
    "UPDATE promise_event SET note = NULL "
    "WHERE promise_id IN (SELECT id FROM promise WHERE customer_id = ?1)",
    "UPDATE promise SET what = '' WHERE customer_id = ?1",
    "UPDATE consent SET note = '' WHERE customer_id = ?1",
    "UPDATE customer SET name = '', name_key = '' WHERE id = ?1",
};

static void id_blob(unsigned char out[16], const char *id)
{
    int k = 0;
    for (const char *p = id; *p && k < 16; p++) {
        if (*p == '-')
            continue;
        unsigned int v;
        sscanf(p, "%2x", &v);
        out[k++] = (unsigned char)v;
        p++;
    }
}

/* Another program's writes while a purge runs: one small write every
 * 5 ms on a handle of its own; the longest one waited for the lock. */
typedef struct writer {
    const char *path, *id;
    volatile int stop;
    double longest_ms;
    long writes, busy;
    pthread_t thread;
} writer;

static void *write_on(void *arg)
{
    writer *w = arg;
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.busy_timeout_ms = 600000;
    crm_db *db;
    if (crm_open(&db, w->path, &o) != CRM_OK)
        die("opening the writer's handle", NULL);
    while (!w->stop) {
        char v[32];
        snprintf(v, sizeof v, "%ld", w->writes);
        double t0 = now_ms();
        int rc = crm_attr_set(db, w->id, "visits", v);
        double t = now_ms() - t0;
        if (rc == CRM_EBUSY)
            w->busy++;
        else if (rc != CRM_OK)
            die("writing beside the purge", db);
        if (t > w->longest_ms)
            w->longest_ms = t;
        w->writes++;
        struct timespec ts = { 0, 5000000 };
        nanosleep(&ts, NULL);
    }
    crm_close(db);
    return NULL;
}

static void writer_start(writer *w, const char *path, const char *id)
{
    *w = (writer){ .path = path, .id = id };
    if (pthread_create(&w->thread, NULL, write_on, w) != 0) {
        perror("starting the writer");
        exit(1);
    }
    struct timespec ts = { 0, 50000000 };
    nanosleep(&ts, NULL);
}

static void writer_stop(writer *w)
{
    w->stop = 1;
    pthread_join(w->thread, NULL);
}

int main(int argc, char **argv)
{
    long total = 1000000, target = 10000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--target") == 0 && i + 1 < argc)
            target = atol(argv[++i]);
        else
            total = atol(argv[i]);
    }
    if (total < 1000 || target < 1 || target > total / 2) {
        fprintf(stderr, "usage: crm_privacy_bench [INTERACTIONS >= 1000] [--target N]\n");
        return 2;
    }
    const char *dir = getenv("TMPDIR");
    char base[512], a[600], b[600], c[600], d[600];
    snprintf(base, sizeof base, "%s/crm-privacy-bench-%ld", dir && *dir ? dir : "/tmp",
             (long)getpid());
    snprintf(a, sizeof a, "%s-a.db", base);
    snprintf(b, sizeof b, "%s-b.db", base);
    snprintf(c, sizeof c, "%s-c.db", base);
    snprintf(d, sizeof d, "%s-d.db", base);
    char tid[CRM_ID_LEN + 1], oid[CRM_ID_LEN + 1];
    build(a, total, target, tid, oid);
    copy_file(a, b);
    copy_file(a, c);
    copy_file(a, d);
    printf("file: %.1f MiB; SQLite %s\n", (double)file_size(a) / (1 << 20),
           sqlite3_libversion());

    /* libcrm: the time, of the erase and of the purge with a writer beside. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    crm_db *db;
    if (crm_open(&db, b, &o) != CRM_OK || crm_db_purge(db) != CRM_OK)
        die("opening copy b", db);
    double t0 = now_ms();
    if (crm_customer_erase(db, tid) != CRM_OK)
        die("erasing", db);
    double crm_time = now_ms() - t0;
    writer w;
    writer_start(&w, b, oid);
    t0 = now_ms();
    if (crm_db_purge(db) != CRM_OK)
        die("purging", db);
    double crm_purge = now_ms() - t0;
    writer_stop(&w);
    writer crm_w = w;
    crm_close(db);

    /* libcrm: the pages of the erase. */
    if (crm_open(&db, a, &o) != CRM_OK || crm_db_purge(db) != CRM_OK)
        die("opening copy a", db);
    sqlite3 *r = reader(a);
    if (crm_customer_erase(db, tid) != CRM_OK)
        die("erasing", db);
    sqlite3 *s;
    if (sqlite3_open(a, &s) != SQLITE_OK)
        sdie("opening copy a", s);
    long long page = 4096;
    {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            page = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(s);
    long long crm_pages = wal_frames(a, page);
    sqlite3_close(r);
    crm_close(db);

    /* Raw: the rows and the index's tombstones, then the rewrite; the
     * pages on copy d, with a reader. */
    unsigned char id[16];
    id_blob(id, tid);
    double raw_time = 0;
    long long raw_pages = 0;
    for (int pass = 0; pass < 2; pass++) {
        const char *path = pass ? c : d;
        if (sqlite3_open(path, &s) != SQLITE_OK)
            sdie("opening a copy", s);
        exec(s, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; "
                "PRAGMA secure_delete = ON; PRAGMA synchronous = FULL; "
                "PRAGMA temp_store = MEMORY; PRAGMA busy_timeout = 600000; "
                "PRAGMA wal_checkpoint(TRUNCATE)");
        r = pass ? NULL : reader(path);
        t0 = now_ms();
        exec(s, "BEGIN IMMEDIATE");
        for (size_t i = 0; i < sizeof RAW_ROWS / sizeof RAW_ROWS[0]; i++)
            run_bound(s, RAW_ROWS[i], id, NULL);
        exec(s, "INSERT INTO search (search, rowid, text) "
                "SELECT 'delete', doc, gone FROM search_pending WHERE gone IS NOT NULL");
        exec(s, "DELETE FROM search_pending");
        exec(s, "COMMIT");
        raw_time = now_ms() - t0;
        if (!pass) {
            raw_pages = wal_frames(path, page);
            sqlite3_close(r);
            sqlite3_close(s);
        }
    }
    writer_start(&w, c, oid);
    t0 = now_ms();
    exec(s, "BEGIN IMMEDIATE");
    exec(s, "INSERT INTO search (search) VALUES ('optimize')");
    exec(s, "COMMIT");
    exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    double raw_purge = now_ms() - t0;
    writer_stop(&w);
    sqlite3_close(s);

    printf("erase of a customer with %ld interactions, in a file of %ld:\n", target, total);
    printf("  %-40s %10s %10s %16s\n", "", "ms", "pages", "writer waited");
    printf("  %-40s %10.1f %10lld %16s\n", "libcrm crm_customer_erase", crm_time, crm_pages, "");
    printf("  %-40s %10.1f %10lld %16s\n", "raw SQL: the rows, the index told", raw_time,
           raw_pages, "");
    printf("  %-40s %10.1f %10s %13.1f ms\n", "libcrm crm_db_purge (index, log)", crm_purge, "",
           crm_w.longest_ms);
    printf("  %-40s %10.1f %10s %13.1f ms\n", "raw SQL: 'optimize', checkpoint", raw_purge, "",
           w.longest_ms);
    printf("  erase, libcrm / raw: %.2fx time, %.2fx pages\n", crm_time / raw_time,
           raw_pages ? (double)crm_pages / (double)raw_pages : 0.0);
    printf("  purge, libcrm / raw: %.2fx time; the longest wait of another writer: %.2fx "
           "(%ld and %ld writes beside, %ld and %ld busy)\n",
           crm_purge / raw_purge, w.longest_ms > 0 ? crm_w.longest_ms / w.longest_ms : 0.0,
           crm_w.writes, w.writes, crm_w.busy, w.busy);
    printf("  erase and purge, libcrm / raw: %.2fx time\n",
           (crm_time + crm_purge) / (raw_time + raw_purge));
    remove_db(a);
    remove_db(b);
    remove_db(c);
    remove_db(d);
    return 0;
}
