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
 * copied three times, and on each copy:
 *
 *  - time: crm_customer_erase(), which also rewrites the index (3.40) and
 *    empties the log after its commit;
 *  - pages: the same erase with a reader holding the snapshot before it, so
 *    the log keeps every page written: (log bytes - 32) / (page size + 24);
 *    then, the reader gone, crm_db_purge() timed: the log's part;
 *  - raw: the row work as hand-written SQL on a plain connection (the same
 *    pragmas), in one transaction: the deletes and updates, the journal's
 *    personal keys removed with json_remove(); then, apart, the full-text
 *    part: the index told of the rows gone, and 'optimize'; then the
 *    checkpoint (TRUNCATE) of both. Pages as above.
 *
 * Times are elapsed; the files are in $TMPDIR (else /tmp), synced as
 * libcrm syncs (synchronous FULL).
 */
#include <crm.h>
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

static void build(const char *path, long total, long target, char tid[CRM_ID_LEN + 1])
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
    if (fclose(b) != 0) {
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
    char base[512], a[600], b[600], c[600];
    snprintf(base, sizeof base, "%s/crm-privacy-bench-%ld", dir && *dir ? dir : "/tmp",
             (long)getpid());
    snprintf(a, sizeof a, "%s-a.db", base);
    snprintf(b, sizeof b, "%s-b.db", base);
    snprintf(c, sizeof c, "%s-c.db", base);
    char tid[CRM_ID_LEN + 1];
    build(a, total, target, tid);
    copy_file(a, b);
    copy_file(a, c);
    printf("file: %.1f MiB; SQLite %s\n", (double)file_size(a) / (1 << 20),
           sqlite3_libversion());

    /* libcrm: the time. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    crm_db *db;
    if (crm_open(&db, a, &o) != CRM_OK || crm_db_purge(db) != CRM_OK)
        die("opening copy a", db);
    double t0 = now_ms();
    if (crm_customer_erase(db, tid) != CRM_OK)
        die("erasing", db);
    double crm_time = now_ms() - t0;
    crm_close(db);

    /* libcrm: the pages. */
    if (crm_open(&db, b, &o) != CRM_OK || crm_db_purge(db) != CRM_OK)
        die("opening copy b", db);
    sqlite3 *r = reader(b);
    if (crm_customer_erase(db, tid) != CRM_OK)
        die("erasing", db);
    sqlite3 *s;
    if (sqlite3_open(b, &s) != SQLITE_OK)
        sdie("opening copy b", s);
    long long page = 4096;
    {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            page = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(s);
    long long crm_pages = wal_frames(b, page);
    sqlite3_close(r);
    /* The log's part: what the erase's own attempt does once no reader
     * holds the log. */
    t0 = now_ms();
    if (crm_db_purge(db) != CRM_OK)
        die("emptying the log", db);
    double crm_purge = now_ms() - t0;
    crm_close(db);

    /* Raw: the rows, then the full-text part. */
    if (sqlite3_open(c, &s) != SQLITE_OK)
        sdie("opening copy c", s);
    exec(s, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; "
            "PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; "
            "PRAGMA wal_checkpoint(TRUNCATE)");
    unsigned char id[16];
    id_blob(id, tid);
    r = reader(c);
    t0 = now_ms();
    exec(s, "BEGIN IMMEDIATE");
    for (size_t i = 0; i < sizeof RAW_ROWS / sizeof RAW_ROWS[0]; i++)
        run_bound(s, RAW_ROWS[i], id, NULL);
    exec(s, "COMMIT");
    double raw_time = now_ms() - t0;
    long long raw_pages = wal_frames(c, page);
    t0 = now_ms();
    exec(s, "BEGIN IMMEDIATE");
    exec(s, "INSERT INTO search (search, rowid, text) "
            "SELECT 'delete', doc, gone FROM search_pending WHERE gone IS NOT NULL");
    exec(s, "DELETE FROM search_pending");
    exec(s, "INSERT INTO search (search) VALUES ('optimize')");
    exec(s, "COMMIT");
    double fts_time = now_ms() - t0;
    long long fts_pages = wal_frames(c, page) - raw_pages;
    sqlite3_close(r);
    t0 = now_ms();
    exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    double raw_ckpt = now_ms() - t0;
    sqlite3_close(s);

    printf("erase of a customer with %ld interactions, in a file of %ld:\n", target, total);
    printf("  %-34s %10s %12s\n", "", "ms", "pages");
    printf("  %-34s %10.1f %12lld\n", "libcrm crm_customer_erase", crm_time, crm_pages);
    printf("  %-34s %10.1f %12lld\n", "raw SQL, the rows", raw_time, raw_pages);
    printf("  %-34s %10.1f %12lld\n", "raw SQL, the index: delete+optimize", fts_time,
           fts_pages);
    printf("  %-34s %10.1f %12s\n", "raw SQL, the log: checkpoint", raw_ckpt, "-");
    printf("  %-34s %10.1f %12s\n", "libcrm's erase, its log part", crm_purge, "-");
    printf("  libcrm / raw rows: %.2fx time, %.2fx pages\n", crm_time / raw_time,
           raw_pages ? (double)crm_pages / (double)raw_pages : 0.0);
    printf("  libcrm / raw rows + index + checkpoint (the same work): %.2fx time, %.2fx pages\n",
           crm_time / (raw_time + fts_time + raw_ckpt),
           raw_pages + fts_pages ? (double)crm_pages / (double)(raw_pages + fts_pages) : 0.0);
    printf("  the index's part of libcrm's erase: %.0f%% of the time, %.0f%% of the pages "
           "(measured apart)\n",
           100.0 * fts_time / crm_time, crm_pages ? 100.0 * (double)fts_pages / (double)crm_pages : 0.0);
    remove_db(a);
    remove_db(b);
    remove_db(c);
    return 0;
}
