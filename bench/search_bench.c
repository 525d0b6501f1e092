/*
 * libcrm benchmark - search: a type-ahead query's time (p50, p99) through
 * libcrm and as the raw FTS5 query a user would write on the same table,
 * and what keeping the index in step costs a write.
 *
 *   crm_search_bench [DOCS] [--queries Q] [--writes W]
 *
 * builds a file of DOCS indexed texts (default 100000) through libcrm: per
 * customer its name, an e-mail address, and an interaction's summary and
 * body (four texts). Then, in the same run:
 *
 *  - Q type-ahead queries (default 2000), each a prefix of 2 to 4 letters
 *    of a word of the corpus, some followed by a whole word, timed one by
 *    one: libcrm's crm_search_hit_list_open() walked to its end (20 hits,
 *    with customer, snippet and rank), and the raw query on the same file
 *    and table, `... WHERE search MATCH ? ORDER BY rank LIMIT 20` with
 *    snippet() (no customer, no filter: what FTS5's documentation shows).
 *    The two alternate query by query, so both meet the same cache.
 *
 *  - W interactions with a summary and a body (default 20000, 1000 per
 *    transaction): crm_interaction_log() (which keeps the index), and on a
 *    copy of the file the same rows and journal entries inserted with raw
 *    SQL, once without any index and once keeping an FTS5 index by hand
 *    (a row of texts and the index's insert per text).
 *
 * Times are elapsed; the file is in $TMPDIR (else /tmp) and synced as
 * libcrm syncs.
 */
#include <crm.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void)
{
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545f4914f6cdd1du;
}

static const char *const first[] = {
    "Jürgen", "Anna", "Zoë", "Mohammed", "María", "Chen", "Olivia", "Søren", "Ravi", "Fatima",
    "Lukas", "Emma", "José", "Aisha", "Noah", "Ingrid", "Kenji", "Chloé", "Dmitri", "Leila",
};
static const char *const last[] = {
    "Müller", "Smith", "García", "Nguyen", "Kowalski", "Öztürk", "Johansson", "Rossi",
    "Dubois", "Patel", "Novák", "Schmidt", "Fernández", "Kim", "Larsen", "Costa",
};
/* A vocabulary of made-up words, drawn as natural language draws words:
 * the r-th most common about 1/r as often as the first (log-uniform ranks),
 * so a short prefix matches many texts and a long one few. */
#define NWORDS 20000
static char words[NWORDS][24];

static void make_words(void)
{
    static const char *const syl[] = { "ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ber",
                                       "dan", "gel", "hor", "mun", "pel", "qua", "ster", "tri",
                                       "wen", "zor", "fi", "ja", "ko", "lu", "ny" };
    for (int i = 0; i < NWORDS; i++) {
        int n = 2 + i % 3, x = i;
        words[i][0] = '\0';
        for (int k = 0; k < n; k++) {
            strcat(words[i], syl[x % 24]);
            x = x / 24 + k * 7 + 1;
        }
    }
}

static const char *word(void)
{
    double u = (double)(rng() >> 11) / 9007199254740992.0;
    long r = (long)exp(u * log((double)NWORDS));
    return words[(r - 1) % NWORDS];
}

static void sentence(char *buf, size_t size, int n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && len < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? " " : "", word());
}

static void die(const char *what, crm_db *db)
{
    fprintf(stderr, "crm_search_bench: %s: %s\n", what, db ? crm_errmsg(db) : "failed");
    exit(1);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, long n, double p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    long i = (long)(p * (double)(n - 1) + 0.5);
    return v[i];
}

static void log_one(crm_db *db, const char *cid)
{
    char summary[256], body[1024];
    sentence(summary, sizeof summary, 6);
    sentence(body, sizeof body, 30);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.summary = summary;
    s.body = body;
    if (crm_interaction_log(NULL, db, &s) != CRM_OK)
        die("logging an interaction", db);
}

static sqlite3_stmt *prep(sqlite3 *s, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "crm_search_bench: %s: %s\n", sql, sqlite3_errmsg(s));
        exit(1);
    }
    return st;
}

static void run(sqlite3 *s, sqlite3_stmt *st)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "crm_search_bench: %s: %s\n", sqlite3_sql(st), sqlite3_errmsg(s));
        exit(1);
    }
    sqlite3_reset(st);
}

static void exec(sqlite3 *s, const char *sql)
{
    if (sqlite3_exec(s, sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "crm_search_bench: %s: %s\n", sql, sqlite3_errmsg(s));
        exit(1);
    }
}

/* W interactions and their journal entries with raw SQL, 1000 per
 * transaction, keeping an FTS5 index by hand or not: seconds. */
static double raw_writes(sqlite3 *s, long w, int fts, const unsigned char (*cids)[16], int ncids)
{
    sqlite3_stmt *ins = prep(s,
        "INSERT INTO interaction (id, customer_id, channel, direction, occurred_at, summary, "
        "body, thread_id, created_at, updated_at) VALUES (?1, ?2, 3, 1, ?3, ?4, ?5, ?1, ?3, ?3)");
    sqlite3_stmt *jrn = prep(s,
        "INSERT INTO journal (at, actor, entity, entity_id, op, data) "
        "VALUES (?1, 'bench', 'interaction', ?2, 'log', json_object('interaction', hex(?3)))");
    sqlite3_stmt *doc = prep(s,
        "INSERT INTO search_doc (customer_id, kind, field, name, rec, text, archived) "
        "VALUES (?1, 4, ?2, '', ?3, ?4, 0)");
    sqlite3_stmt *idx = prep(s, "INSERT INTO search (rowid, text) VALUES (last_insert_rowid(), ?1)");
    double t0 = now_s();
    for (long i = 0; i < w; i++) {
        if (i % 1000 == 0)
            exec(s, "BEGIN IMMEDIATE");
        unsigned char id[16];
        for (int k = 0; k < 16; k += 8) {
            uint64_t r = rng();
            memcpy(id + k, &r, 8);
        }
        char summary[256], body[1024];
        sentence(summary, sizeof summary, 6);
        sentence(body, sizeof body, 30);
        const unsigned char *cid = cids[i % ncids];
        int64_t at = 1767268800000 + i;
        sqlite3_bind_blob(ins, 1, id, 16, SQLITE_STATIC);
        sqlite3_bind_blob(ins, 2, cid, 16, SQLITE_STATIC);
        sqlite3_bind_int64(ins, 3, at);
        sqlite3_bind_text(ins, 4, summary, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, body, -1, SQLITE_STATIC);
        run(s, ins);
        sqlite3_bind_int64(jrn, 1, at);
        sqlite3_bind_blob(jrn, 2, cid, 16, SQLITE_STATIC);
        sqlite3_bind_blob(jrn, 3, id, 16, SQLITE_STATIC);
        run(s, jrn);
        for (int f = 0; fts && f < 2; f++) {
            const char *text = f ? body : summary;
            sqlite3_bind_blob(doc, 1, cid, 16, SQLITE_STATIC);
            sqlite3_bind_int(doc, 2, 3 + f);
            sqlite3_bind_blob(doc, 3, id, 16, SQLITE_STATIC);
            sqlite3_bind_text(doc, 4, text, -1, SQLITE_STATIC);
            run(s, doc);
            sqlite3_bind_text(idx, 1, text, -1, SQLITE_STATIC);
            run(s, idx);
        }
        if (i % 1000 == 999 || i == w - 1)
            exec(s, "COMMIT");
    }
    double t = now_s() - t0;
    sqlite3_finalize(ins);
    sqlite3_finalize(jrn);
    sqlite3_finalize(doc);
    sqlite3_finalize(idx);
    return t;
}

int main(int argc, char **argv)
{
    long docs = 100000, queries = 2000, writes = 20000;
    make_words();
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            queries = atol(argv[++i]);
        else if (strcmp(argv[i], "--writes") == 0 && i + 1 < argc)
            writes = atol(argv[++i]);
        else if (argv[i][0] != '-')
            docs = atol(argv[i]);
        else {
            fprintf(stderr, "usage: crm_search_bench [DOCS] [--queries Q] [--writes W]\n");
            return 2;
        }
    }
    if (docs < 4 || queries < 1 || writes < 1) {
        fprintf(stderr, "crm_search_bench: DOCS >= 4, Q >= 1, W >= 1\n");
        return 2;
    }
    char path[512], raw_path[520];
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/crm-search-bench-%ld.db", tmp && *tmp ? tmp : "/tmp",
             (long)getpid());
    snprintf(raw_path, sizeof raw_path, "%s.raw", path);

    crm_db *db = NULL;
    crm_open_options oo;
    crm_open_options_init(&oo, CRM_OPEN_OPTIONS_VERSION);
    oo.flags |= CRM_OPEN_CREATE;
    oo.actor = "bench";
    if (crm_open(&db, path, &oo) != CRM_OK)
        die("opening", NULL);

    /* The corpus: four texts per customer. */
    long customers = docs / 4;
    enum { KEEP = 1000 };
    static char kept[KEEP][CRM_ID_LEN + 1];
    double t0 = now_s();
    for (long c = 0; c < customers; c++) {
        if (c % 10000 == 0 && crm_begin(db) != CRM_OK)
            die("begin", db);
        char name[96], email[128];
        const char *f = first[rng() % (sizeof first / sizeof first[0])];
        const char *l = last[rng() % (sizeof last / sizeof last[0])];
        snprintf(name, sizeof name, "%s %s", f, l);
        crm_customer *cu = NULL;
        if (crm_customer_create(&cu, db, CRM_CUSTOMER_PERSON, name) != CRM_OK)
            die("creating a customer", db);
        snprintf(email, sizeof email, "%s.%ld@example.org", word(), c);
        if (crm_identity_add(NULL, db, crm_customer_id(cu), "email", email, 0) != CRM_OK)
            die("adding an e-mail address", db);
        log_one(db, crm_customer_id(cu));
        if (c < KEEP)
            memcpy(kept[c], crm_customer_id(cu), CRM_ID_LEN + 1);
        crm_customer_free(cu);
        if ((c % 10000 == 9999 || c == customers - 1) && crm_commit(db) != CRM_OK)
            die("commit", db);
    }
    double build = now_s() - t0;
    printf("corpus: %ld customers, %ld indexed texts, built through libcrm in %.1f s "
           "(%.0f texts/s)\n",
           customers, customers * 4, build, (double)(customers * 4) / build);

    /* Type-ahead: the same queries both ways, alternating. */
    sqlite3 *raw = NULL;
    if (sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("opening the file raw", NULL);
    sqlite3_stmt *q = prep(raw,
        "SELECT rowid, snippet(search, 0, '[', ']', '\xe2\x80\xa6', 12), bm25(search) "
        "FROM search WHERE search MATCH ?1 ORDER BY rank LIMIT 20");
    double *tc = malloc((size_t)queries * sizeof *tc), *tr = malloc((size_t)queries * sizeof *tr);
    if (!tc || !tr)
        die("out of memory", NULL);
    long hits_crm = 0, hits_raw = 0;
    for (long i = 0; i < queries; i++) {
        const char *w = i % 3 == 1 ? last[rng() % (sizeof last / sizeof last[0])]
                                   : word();
        int plen = 2 + (int)(rng() % 3);
        char text[64], match[96];
        const char *extra = i % 4 == 3 ? word() : NULL;
        /* A prefix of whole characters: the names' letters may take two bytes. */
        int cut = 0;
        for (int k = 0; k < plen && w[cut]; k++) {
            cut++;
            while (((unsigned char)w[cut] & 0xc0) == 0x80)
                cut++;
        }
        if (extra) {
            snprintf(text, sizeof text, "%s %.*s*", extra, cut, w);
            snprintf(match, sizeof match, "\"%s\" \"%.*s\"*", extra, cut, w);
        } else {
            snprintf(text, sizeof text, "%.*s*", cut, w);
            snprintf(match, sizeof match, "\"%.*s\"*", cut, w);
        }
        for (int side = 0; side < 2; side++) {
            int crm_first = (int)(i & 1);
            double s0 = now_s();
            if ((side == 0) == crm_first) {
                crm_search_hit_cursor *cur;
                if (crm_search_hit_list_open(&cur, db, text, NULL) != CRM_OK)
                    die(text, db);
                const crm_search_hit *h;
                int rc;
                while ((rc = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW)
                    hits_crm++;
                if (rc != CRM_DONE)
                    die("walking a search", db);
                crm_search_hit_cursor_free(cur);
                tc[i] = now_s() - s0;
            } else {
                sqlite3_bind_text(q, 1, match, -1, SQLITE_TRANSIENT);
                int rc;
                while ((rc = sqlite3_step(q)) == SQLITE_ROW)
                    hits_raw++;
                if (rc != SQLITE_DONE)
                    die(sqlite3_errmsg(raw), NULL);
                sqlite3_reset(q);
                tr[i] = now_s() - s0;
            }
        }
    }
    sqlite3_finalize(q);
    sqlite3_close(raw);
    double sum_c = 0, sum_r = 0;
    for (long i = 0; i < queries; i++) {
        sum_c += tc[i];
        sum_r += tr[i];
    }
    double c50 = pct(tc, queries, 0.50), c99 = pct(tc, queries, 0.99);
    double r50 = pct(tr, queries, 0.50), r99 = pct(tr, queries, 0.99);
    printf("type-ahead, %ld queries (%ld hits through libcrm, %ld raw):\n", queries, hits_crm,
           hits_raw);
    printf("  libcrm   p50 %8.3f ms  p99 %8.3f ms  mean %8.3f ms\n", c50 * 1e3, c99 * 1e3,
           sum_c / (double)queries * 1e3);
    printf("  raw FTS5 p50 %8.3f ms  p99 %8.3f ms  mean %8.3f ms\n", r50 * 1e3, r99 * 1e3,
           sum_r / (double)queries * 1e3);
    printf("  cost x   p50 %8.2f     p99 %8.2f     mean %8.2f\n", c50 / r50, c99 / r99,
           sum_c / sum_r);
    free(tc);
    free(tr);

    /* Writes: libcrm, then raw on a copy of the file. */
    t0 = now_s();
    for (long i = 0; i < writes; i++) {
        if (i % 1000 == 0 && crm_begin(db) != CRM_OK)
            die("begin", db);
        log_one(db, kept[i % (customers < KEEP ? customers : KEEP)]);
        if ((i % 1000 == 999 || i == writes - 1) && crm_commit(db) != CRM_OK)
            die("commit", db);
    }
    double t_crm = now_s() - t0;
    if (crm_close(db) != CRM_OK)
        die("closing", NULL);

    char cmd[1100];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", path, raw_path);
    if (system(cmd) != 0)
        die("copying the file", NULL);
    if (sqlite3_open_v2(raw_path, &raw, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        die("opening the copy", NULL);
    exec(raw, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
              "PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY");
    /* The hand-written code keeps no notes: it writes what it means to. */
    sqlite3_stmt *trg = prep(raw, "SELECT name FROM sqlite_schema WHERE type = 'trigger' "
                                  "AND name LIKE 'search%'");
    char drops[4096] = "";
    size_t dl = 0;
    while (sqlite3_step(trg) == SQLITE_ROW)
        dl += (size_t)snprintf(drops + dl, sizeof drops - dl, "DROP TRIGGER %s;",
                               (const char *)sqlite3_column_text(trg, 0));
    sqlite3_finalize(trg);
    exec(raw, drops);
    unsigned char cids[KEEP][16];
    sqlite3_stmt *ids = prep(raw, "SELECT id FROM customer LIMIT 1000");
    int ncids = 0;
    while (sqlite3_step(ids) == SQLITE_ROW && ncids < KEEP)
        memcpy(cids[ncids++], sqlite3_column_blob(ids, 0), 16);
    sqlite3_finalize(ids);
    double t_plain = raw_writes(raw, writes, 0, (const unsigned char(*)[16])cids, ncids);
    double t_fts = raw_writes(raw, writes, 1, (const unsigned char(*)[16])cids, ncids);
    sqlite3_close(raw);
    printf("writes, %ld interactions with a summary and a body, 1000 per transaction:\n", writes);
    printf("  libcrm log (index kept)   %8.1f us each\n", t_crm / (double)writes * 1e6);
    printf("  raw insert, no index      %8.1f us each   libcrm cost x %.2f\n",
           t_plain / (double)writes * 1e6, t_crm / t_plain);
    printf("  raw insert + FTS5 by hand %8.1f us each   libcrm cost x %.2f\n",
           t_fts / (double)writes * 1e6, t_crm / t_fts);
    printf("  the index's share of a raw write: x %.2f\n", t_fts / t_plain);

    static const char *const suffix[] = { "", "-wal", "-shm" };
    for (int k = 0; k < 3; k++) {
        char p[540];
        snprintf(p, sizeof p, "%s%s", path, suffix[k]);
        unlink(p);
        snprintf(p, sizeof p, "%s%s", raw_path, suffix[k]);
        unlink(p);
    }
    return 0;
}
