/*
 * libcrm benchmark - merging two customers in a large file: the time and
 * the pages written by crm_customer_merge(), and by the hand-written
 * SQLite a user would write instead, in the same run.
 *
 *   crm_merge_bench [INTERACTIONS] [--each N] [--rounds R]
 *
 * builds a file of INTERACTIONS interactions (default 1000000) through
 * libcrm, one group (crm_begin) per 10000 writes: customers of 100
 * interactions each and, spread among them, R pairs (default 5) of
 * customers of N interactions each (default 1000) with a summary apiece
 * (so the search index moves too), two identities, an attribute, a tag, a
 * promise and an occasion. The file is copied, and in each round one pair
 * is merged on each copy, the two sides taking turns to go first:
 *
 *  - libcrm: crm_customer_merge(), which checks, journals all an unmerge
 *    needs and keeps every consent withdrawal;
 *  - raw: one transaction of `UPDATE <child table> SET customer_id = ?
 *    WHERE customer_id = ?` for each table holding a customer's rows
 *    (interaction, promise, occasion, identity, consent, tags and
 *    attributes OR IGNORE, membership both ways), the absorbed row
 *    deleted, one journal row, and the full-text index brought up to date
 *    as libcrm's engine does at the end of each write.
 *
 * Before each, the file's WAL is checkpointed and truncated; the pages
 * written are the WAL's growth over the merge divided by (page size + 24),
 * its frame size. Times are elapsed, and the median of the rounds is
 * printed (a merge's time is mostly its syncs, which a shared disk makes
 * vary); files in $TMPDIR (else /tmp), synced as libcrm syncs
 * (synchronous FULL).
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
    fprintf(stderr, "crm_merge_bench: %s: %s\n", what, db ? crm_errmsg(db) : crm_errmsg(NULL));
    exit(1);
}

static void raw_die(const char *what, sqlite3 *s)
{
    fprintf(stderr, "crm_merge_bench: %s: %s\n", what, s ? sqlite3_errmsg(s) : "?");
    exit(1);
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out)
        raw_die("copying the file", NULL);
    static char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            raw_die("copying the file", NULL);
    fclose(in);
    if (fclose(out) != 0)
        raw_die("copying the file", NULL);
}

/* Writes in groups of 10000: the group in force is committed and the next
 * one begun every 10000 calls. */
static long writes;
static void wrote(crm_db *db)
{
    if (++writes % 10000 == 0 && (crm_commit(db) != CRM_OK || crm_begin(db) != CRM_OK))
        die("a group", db);
}

static void log_one(crm_db *db, const char *customer, const char *summary)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = customer;
    s.channel = writes % 3 ? CRM_CHANNEL_PHONE : CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.reason = writes % 2 ? "billing.invoice" : "delivery.late";
    s.outcome = CRM_OUTCOME_RESOLVED;
    s.summary = summary;
    if (crm_interaction_log(NULL, db, &s) != CRM_OK)
        die("logging an interaction", db);
    wrote(db);
}

/* One of the two customers to merge, with N interactions and one of every
 * other record. */
static void rich_customer(crm_db *db, const char *name, int k, long each, char id[CRM_ID_LEN + 1])
{
    crm_customer *c = NULL;
    if (crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, name) != CRM_OK)
        die("creating a customer", db);
    strcpy(id, crm_customer_id(c));
    crm_customer_free(c);
    char v[64];
    snprintf(v, sizeof v, "merge%d@example.org", k);
    if (crm_identity_add(NULL, db, id, "email", v, CRM_IDENTITY_PRIMARY) != CRM_OK)
        die("adding an e-mail", db);
    snprintf(v, sizeof v, "+1 415 555 01%02d", k);
    if (crm_identity_add(NULL, db, id, "phone", v, 0) != CRM_OK)
        die("adding a phone", db);
    if (crm_attr_set(db, id, "date_of_birth", k % 2 ? "1980-03-01" : "1980-03-02") != CRM_OK ||
        crm_tag_add(db, id, "vip") != CRM_OK)
        die("an attribute and a tag", db);
    if (crm_promise_make(NULL, db, id, NULL, "agent:alice", "call back", 1900000000000LL,
                         CRM_TIME_NONE) != CRM_OK)
        die("making a promise", db);
    crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
    o.customer_id = id;
    o.kind = "birthday";
    o.yearly = 1;
    o.month = 3;
    o.day = 1 + k;
    if (crm_occasion_add(NULL, db, &o) != CRM_OK)
        die("adding an occasion", db);
    for (long i = 0; i < each; i++) {
        char summary[96];
        snprintf(summary, sizeof summary, "call %ld about the order of customer %d", i, k);
        log_one(db, id, summary);
    }
}

static void blob(const char *id, unsigned char b[16])
{
    for (int i = 0, k = 0; id[i] && k < 16; i++) {
        if (id[i] == '-')
            continue;
        unsigned v;
        sscanf(id + i, "%2x", &v);
        b[k++] = (unsigned char)v;
        i++;
    }
}

static void exec(sqlite3 *s, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(s, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "crm_merge_bench: %s: %s\n", sql, err);
        exit(1);
    }
}

/* Checkpoint and truncate path's WAL: the page size in *page. */
static void checkpoint(const char *path, int *page)
{
    sqlite3 *s;
    if (sqlite3_open(path, &s) != SQLITE_OK)
        raw_die("opening the file", s);
    exec(s, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s, "PRAGMA page_size", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        raw_die("reading the page size", s);
    *page = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(s);
}

/* The hand-written merge: each statement's index in its comment (EXPLAIN
 * QUERY PLAN on the bench's file). */
static const char *const raw_sql[] = {
    "BEGIN IMMEDIATE",
    /* identity_by_customer */
    "UPDATE OR IGNORE identity SET customer_id = ?1 WHERE customer_id = ?2",
    "DELETE FROM identity WHERE customer_id = ?2",
    /* interaction_timeline */
    "UPDATE interaction SET customer_id = ?1 WHERE customer_id = ?2",
    /* promise_by_customer */
    "UPDATE promise SET customer_id = ?1 WHERE customer_id = ?2",
    /* occasion_by_customer */
    "UPDATE occasion SET customer_id = ?1 WHERE customer_id = ?2",
    /* consent_latest */
    "UPDATE consent SET customer_id = ?1 WHERE customer_id = ?2",
    /* the keys of customer_tag and customer_attr */
    "UPDATE OR IGNORE customer_tag SET customer_id = ?1 WHERE customer_id = ?2",
    "UPDATE OR IGNORE customer_attr SET customer_id = ?1 WHERE customer_id = ?2",
    /* membership_by_person, membership's key */
    "UPDATE OR IGNORE membership SET person_id = ?1 WHERE person_id = ?2",
    "UPDATE OR IGNORE membership SET org_id = ?1 WHERE org_id = ?2",
    /* the customer's key; its leftovers go by the foreign keys' cascade */
    "DELETE FROM customer WHERE id = ?2",
    "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
    "VALUES (0, 'bench', 'customer', ?1, 'merge', json_object('absorbed', hex(?2)))",
    /* the engine's index upkeep (lib/store/sqlite/sql.c, CRM__Q_SEARCH_SYNC_*) */
    "INSERT INTO search (search, rowid, text) "
    "SELECT 'delete', doc, gone FROM search_pending WHERE gone IS NOT NULL",
    "INSERT INTO search (rowid, text) SELECT d.id, d.text FROM search_pending p "
    "JOIN search_doc d ON d.id = p.doc WHERE p.added",
    "DELETE FROM search_pending",
    "COMMIT",
};

/* The merge on path's file: the size of its WAL at the end in *wal_end
 * (read before the connection's close removes the file). */
static void raw_merge(const char *path, const char *wal, const char *keep, const char *gone,
                      long long *wal_end)
{
    sqlite3 *s;
    if (sqlite3_open(path, &s) != SQLITE_OK)
        raw_die("opening the file", s);
    exec(s, "PRAGMA foreign_keys = ON");
    exec(s, "PRAGMA synchronous = FULL");
    unsigned char k[16], g[16];
    blob(keep, k);
    blob(gone, g);
    for (size_t i = 0; i < sizeof raw_sql / sizeof raw_sql[0]; i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s, raw_sql[i], -1, &st, NULL) != SQLITE_OK)
            raw_die(raw_sql[i], s);
        if (sqlite3_bind_parameter_count(st) >= 1)
            sqlite3_bind_blob(st, 1, k, 16, SQLITE_STATIC);
        if (sqlite3_bind_parameter_count(st) >= 2)
            sqlite3_bind_blob(st, 2, g, 16, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE)
            raw_die(raw_sql[i], s);
        sqlite3_finalize(st);
    }
    *wal_end = file_size(wal);
    sqlite3_close(s);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* libcrm's merge of gone into keep on path: its time and the pages it wrote. */
static void crm_side(const char *path, const char *wal, const crm_open_options *oo,
                     const char *keep, const char *gone, double *ms, double *pages)
{
    int page = 0;
    checkpoint(path, &page);
    crm_db *db = NULL;
    if (crm_open(&db, path, oo) != CRM_OK)
        die("opening", NULL);
    long long before = file_size(wal);
    double t = now_ms();
    if (crm_customer_merge(db, keep, gone) != CRM_OK)
        die("merging", db);
    *ms = now_ms() - t;
    *pages = (double)((file_size(wal) - before - (before ? 0 : 32)) / (page + 24));
    if (crm_close(db) != CRM_OK)
        die("closing", NULL);
}

static void raw_side(const char *path, const char *wal, const char *keep, const char *gone,
                     double *ms, double *pages)
{
    int page = 0;
    checkpoint(path, &page);
    long long before = file_size(wal), end = 0;
    double t = now_ms();
    raw_merge(path, wal, keep, gone, &end);
    *ms = now_ms() - t;
    *pages = (double)((end - before - (before ? 0 : 32)) / (page + 24));
}

enum { MAX_ROUNDS = 20 };

int main(int argc, char **argv)
{
    long total = 1000000, each = 1000;
    int rounds = 5;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--each") == 0 && i + 1 < argc)
            each = atol(argv[++i]);
        else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
            rounds = atoi(argv[++i]);
        else if (argv[i][0] != '-')
            total = atol(argv[i]);
        else {
            fprintf(stderr, "usage: crm_merge_bench [INTERACTIONS] [--each N] [--rounds R]\n");
            return 2;
        }
    }
    if (each < 1 || rounds < 1 || rounds > MAX_ROUNDS || total < 2L * rounds * each) {
        fprintf(stderr, "crm_merge_bench: INTERACTIONS >= 2 * R * N, N >= 1, R 1..%d\n",
                MAX_ROUNDS);
        return 2;
    }
    char path[512], raw_path[520], wal[530], raw_wal[540];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/crm-merge-bench-%ld.db", tmp && *tmp ? tmp : "/tmp",
             (long)getpid());
    snprintf(raw_path, sizeof raw_path, "%s.raw", path);
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(raw_wal, sizeof raw_wal, "%s-wal", raw_path);

    crm_db *db = NULL;
    crm_open_options oo;
    crm_open_options_init(&oo, CRM_OPEN_OPTIONS_VERSION);
    oo.actor = "bench";
    if (crm_open(&db, path, &oo) != CRM_OK)
        die("opening", NULL);
    double t0 = now_ms();
    if (crm_begin(db) != CRM_OK)
        die("a group", db);
    static char keep[MAX_ROUNDS][CRM_ID_LEN + 1], gone[MAX_ROUNDS][CRM_ID_LEN + 1];
    /* The pairs' interactions lie among the others', as a real file's do:
     * each customer built at its own point of the filler. */
    long filler = total - 2L * rounds * each, per = 100, made = 0;
    for (int k = 0; k < 2 * rounds; k++) {
        long upto = filler / (2 * rounds) * (k + 1);
        for (; made < upto; made += per) {
            crm_customer *c = NULL;
            if (crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Filler Customer") != CRM_OK)
                die("creating a customer", db);
            wrote(db);
            for (long i = 0; i < per && made + i < upto; i++)
                log_one(db, crm_customer_id(c), NULL);
            crm_customer_free(c);
        }
        rich_customer(db, k % 2 ? "Ann Lee" : "Ann Lée", k, each,
                      k % 2 ? gone[k / 2] : keep[k / 2]);
    }
    if (crm_commit(db) != CRM_OK)
        die("a group", db);
    if (crm_close(db) != CRM_OK)
        die("closing", NULL);
    printf("file: %ld interactions (%d pairs of customers of %ld), built through libcrm in "
           "%.1f s\n",
           total, rounds, each, (now_ms() - t0) / 1e3);
    copy_file(path, raw_path);

    double crm_ms[MAX_ROUNDS], crm_pages[MAX_ROUNDS], raw_ms[MAX_ROUNDS], raw_pages[MAX_ROUNDS];
    for (int r = 0; r < rounds; r++) {
        if (r % 2 == 0)
            crm_side(path, wal, &oo, keep[r], gone[r], &crm_ms[r], &crm_pages[r]);
        raw_side(raw_path, raw_wal, keep[r], gone[r], &raw_ms[r], &raw_pages[r]);
        if (r % 2 == 1)
            crm_side(path, wal, &oo, keep[r], gone[r], &crm_ms[r], &crm_pages[r]);
    }
    double cm = median(crm_ms, rounds), rm = median(raw_ms, rounds);
    double cp = median(crm_pages, rounds), rp = median(raw_pages, rounds);
    printf("merge of two customers of %ld interactions each, in a file of %ld (median of %d):\n",
           each, total, rounds);
    printf("  %-8s %10s %14s\n", "", "ms", "pages written");
    printf("  %-8s %10.1f %14.0f\n", "libcrm", cm, cp);
    printf("  %-8s %10.1f %14.0f\n", "raw", rm, rp);
    printf("  %-8s %10.2f %14.2f\n", "ratio", rm > 0 ? cm / rm : 0.0, rp > 0 ? cp / rp : 0.0);
    for (int i = 0; i < 2; i++) {
        const char *p = i ? raw_path : path;
        char side[560];
        remove(p);
        snprintf(side, sizeof side, "%s-wal", p);
        remove(side);
        snprintf(side, sizeof side, "%s-shm", p);
        remove(side);
    }
    return 0;
}
