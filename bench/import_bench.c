/*
 * crm_import_bench: a CSV import of N customers with two identities each
 * (a phone and an e-mail), three ways, in one run: crm_csv_import(); the
 * importer a user would write instead in C (libcsv, then raw SQLite: for
 * each row look its identities up, insert the customer and its two
 * identities, all in one transaction); and the same in Python (csv and
 * sqlite3, bench/import_bench.py). Rows per second and the ratios.
 *
 * libcrm does more per row than the raw importers: it normalises the phone
 * number (libphonenumber), checks every value, journals each change and
 * keeps the search index; the raw side keys the e-mail in lower case and
 * the phone as its digits.
 *
 * A fourth run writes, by hand, the same rows libcrm writes: into
 * libcrm's schema, the customer and its identities, a journal entry for
 * each, and the search index (the schema's triggers, the index brought up
 * to date at the commit); what is left between it and libcrm is libcrm's
 * own work per call.
 *
 * usage: crm_import_bench [N] [--python PYTHON] [--script PATH]
 *                         [--side crm|raw|raw-full]
 *   --side  run one side only (for a profiler: valgrind --tool=callgrind)
 */
#include <csv.h>
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <crm.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "crm_import_bench: %s: %s\n", what, why);
    exit(1);
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

static void write_csv(const char *path, long n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        die(path, "cannot create");
    fputs("Name,E-Mail,Phone\n", f);
    for (long i = 0; i < n; i++)
        fprintf(f, "Customer %06ld,c%06ld@example.com,+1 415 %03ld %04ld\n", i, i,
                200 + i / 10000, i % 10000);
    if (fclose(f) != 0)
        die(path, "cannot write");
}

/* ---- libcrm ----------------------------------------------------------------- */

static double run_crm(const char *csv, const char *db_path, long n)
{
    remove_db(db_path);
    crm_db *db = NULL;
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    if (crm_open(&db, db_path, &o) != CRM_OK)
        die("crm_open", crm_errmsg(NULL));
    double t0 = now_s();
    crm_import_result *r = NULL;
    if (crm_csv_import(&r, db, csv, NULL) != CRM_OK)
        die("crm_csv_import", crm_errmsg(db));
    double t = now_s() - t0;
    if (crm_import_result_created(r) != n)
        die("crm_csv_import", "did not create every customer");
    crm_import_result_free(r);
    crm_close(db);
    return t;
}

/* ---- the hand-written importer ------------------------------------------------- */

typedef struct raw {
    sqlite3 *db;
    sqlite3_stmt *find, *customer, *identity;
    sqlite3_stmt *j_customer, *j_identity; /* the full importer's journal; else NULL */
    char field[3][512];
    int nfield;
    long rows, line;
    unsigned long long next_id;
} raw;

static void check(raw *r, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
        die(what, sqlite3_errmsg(r->db));
}

static void on_field(void *s, size_t len, void *ctx)
{
    raw *r = ctx;
    if (r->nfield < 3) {
        if (len >= sizeof r->field[0])
            len = sizeof r->field[0] - 1;
        memcpy(r->field[r->nfield], s, len);
        r->field[r->nfield][len] = '\0';
    }
    r->nfield++;
}

/* Whether an identity already names a customer. */
static int known(raw *r, const char *kind, const char *key)
{
    sqlite3_bind_text(r->find, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(r->find, 2, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(r->find);
    check(r, rc, "finding an identity");
    sqlite3_reset(r->find);
    return rc == SQLITE_ROW;
}

static void add_identity(raw *r, const unsigned char id[16], const char *kind, const char *key,
                         const char *value, long long now)
{
    sqlite3_bind_text(r->identity, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(r->identity, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(r->identity, 3, value, -1, SQLITE_STATIC);
    sqlite3_bind_blob(r->identity, 4, id, 16, SQLITE_STATIC);
    sqlite3_bind_int64(r->identity, 5, now);
    check(r, sqlite3_step(r->identity), "inserting an identity");
    sqlite3_reset(r->identity);
    if (r->j_identity) {
        sqlite3_bind_int64(r->j_identity, 1, now);
        sqlite3_bind_blob(r->j_identity, 2, id, 16, SQLITE_STATIC);
        sqlite3_bind_text(r->j_identity, 3, kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(r->j_identity, 4, value, -1, SQLITE_STATIC);
        sqlite3_bind_text(r->j_identity, 5, key, -1, SQLITE_STATIC);
        check(r, sqlite3_step(r->j_identity), "journaling an identity");
        sqlite3_reset(r->j_identity);
    }
}

static void on_row(int c, void *ctx)
{
    (void)c;
    raw *r = ctx;
    int nfield = r->nfield;
    r->nfield = 0;
    if (r->line++ == 0 || nfield < 3)
        return; /* the header */
    char email[512], phone[64];
    size_t k = 0;
    for (const char *p = r->field[1]; *p && k + 1 < sizeof email; p++)
        email[k++] = (char)tolower((unsigned char)*p);
    email[k] = '\0';
    k = 0;
    for (const char *p = r->field[2]; *p && k + 1 < sizeof phone; p++)
        if (isdigit((unsigned char)*p) || (*p == '+' && k == 0))
            phone[k++] = *p;
    phone[k] = '\0';
    if (known(r, "email", email) || known(r, "phone", phone))
        return;
    unsigned char id[16] = { 0 };
    unsigned long long v = ++r->next_id;
    if (r->j_customer) {
        /* Time-ordered, as libcrm's (UUIDv7): each new key at the end. */
        id[0] = 0x01;
        for (int b = 0; b < 8; b++)
            id[15 - b] = (unsigned char)(v >> (8 * b));
    } else {
        memcpy(id, &v, sizeof v);
    }
    long long now = (long long)(now_s() * 1000);
    sqlite3_bind_blob(r->customer, 1, id, 16, SQLITE_STATIC);
    sqlite3_bind_text(r->customer, 2, r->field[0], -1, SQLITE_STATIC);
    sqlite3_bind_int64(r->customer, 3, now);
    check(r, sqlite3_step(r->customer), "inserting a customer");
    sqlite3_reset(r->customer);
    if (r->j_customer) {
        sqlite3_bind_int64(r->j_customer, 1, now);
        sqlite3_bind_blob(r->j_customer, 2, id, 16, SQLITE_STATIC);
        sqlite3_bind_text(r->j_customer, 3, r->field[0], -1, SQLITE_STATIC);
        check(r, sqlite3_step(r->j_customer), "journaling a customer");
        sqlite3_reset(r->j_customer);
    }
    add_identity(r, id, "email", email, r->field[1], now);
    add_identity(r, id, "phone", phone, r->field[2], now);
    r->rows++;
}

/* The same rows as libcrm's, by hand, in libcrm's schema (made by
 * crm_open): the customer, its identities, a journal entry for each, and
 * the search index, which the schema's triggers note and the commit
 * brings up to date, as libcrm does. */
static void prepare_full(raw *r)
{
    static const char pragmas[] = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                                  "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY";
    check(r, sqlite3_exec(r->db, pragmas, NULL, NULL, NULL), "setting pragmas");
    static const struct {
        const char *sql;
        size_t at;
    } st[] = {
        { "SELECT customer_id FROM identity WHERE kind = ?1 AND key = ?2", offsetof(raw, find) },
        { "INSERT INTO customer (id, kind, name, name_key, created_at, updated_at, fold_key) "
          "VALUES (?1, 1, ?2, lower(?2), ?3, ?3, lower(?2))",
          offsetof(raw, customer) },
        { "INSERT INTO identity (kind, key, value, customer_id, flags, created_at) "
          "VALUES (?1, ?2, ?3, ?4, 0, ?5)",
          offsetof(raw, identity) },
        { "INSERT INTO journal (at, actor, entity, entity_id, op, data) VALUES (?1, 'system', "
          "'customer', ?2, 'create', json_object('kind', 'person', 'name', ?3))",
          offsetof(raw, j_customer) },
        { "INSERT INTO journal (at, actor, entity, entity_id, op, data) VALUES (?1, 'system', "
          "'identity', ?2, 'add', json_object('kind', ?3, 'value', ?4, 'key', ?5, 'flags', 0))",
          offsetof(raw, j_identity) },
    };
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++)
        check(r,
              sqlite3_prepare_v2(r->db, st[i].sql, -1, (sqlite3_stmt **)((char *)r + st[i].at),
                                 NULL),
              "preparing");
}

static double run_raw(const char *csv, const char *db_path, long n, bool full)
{
    remove_db(db_path);
    raw r;
    memset(&r, 0, sizeof r);
    if (full) {
        crm_db *made;
        if (crm_open(&made, db_path, NULL) != CRM_OK || crm_close(made) != CRM_OK)
            die("creating libcrm's schema", crm_errmsg(NULL));
    }
    if (sqlite3_open(db_path, &r.db) != SQLITE_OK)
        die("sqlite3_open", sqlite3_errmsg(r.db));
    static const char schema[] =
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;"
        "CREATE TABLE customer (id BLOB PRIMARY KEY, name TEXT NOT NULL,"
        " created_at INTEGER NOT NULL) WITHOUT ROWID;"
        "CREATE TABLE identity (kind TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
        " customer_id BLOB NOT NULL REFERENCES customer (id), created_at INTEGER NOT NULL,"
        " PRIMARY KEY (kind, key)) WITHOUT ROWID;"
        "CREATE INDEX identity_by_customer ON identity (customer_id);";
    if (full) {
        prepare_full(&r);
    } else {
        check(&r, sqlite3_exec(r.db, schema, NULL, NULL, NULL), "creating the schema");
        check(&r,
              sqlite3_prepare_v2(r.db,
                                 "SELECT customer_id FROM identity WHERE kind = ?1 AND key = ?2",
                                 -1, &r.find, NULL),
              "preparing");
        check(&r,
              sqlite3_prepare_v2(r.db,
                                 "INSERT INTO customer (id, name, created_at) VALUES (?1, ?2, ?3)",
                                 -1, &r.customer, NULL),
              "preparing");
        check(&r,
              sqlite3_prepare_v2(r.db,
                                 "INSERT INTO identity (kind, key, value, customer_id, created_at) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5)",
                                 -1, &r.identity, NULL),
              "preparing");
    }
    double t0 = now_s();
    FILE *f = fopen(csv, "rb");
    if (!f)
        die(csv, "cannot open");
    struct csv_parser p;
    if (csv_init(&p, CSV_APPEND_NULL) != 0)
        die("csv_init", "failed");
    check(&r, sqlite3_exec(r.db, "BEGIN IMMEDIATE", NULL, NULL, NULL), "BEGIN");
    char buf[65536];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        if (csv_parse(&p, buf, got, on_field, on_row, &r) != got)
            die("csv_parse", csv_strerror(csv_error(&p)));
    csv_fini(&p, on_field, on_row, &r);
    if (full)
        check(&r,
              sqlite3_exec(r.db,
                           "INSERT INTO search (search, rowid, text) SELECT 'delete', doc, gone "
                           "FROM search_pending WHERE gone IS NOT NULL; "
                           "INSERT INTO search (rowid, text) SELECT d.id, d.text "
                           "FROM search_pending p JOIN search_doc d ON d.id = p.doc WHERE p.added; "
                           "DELETE FROM search_pending",
                           NULL, NULL, NULL),
              "bringing the search index up to date");
    check(&r, sqlite3_exec(r.db, "COMMIT", NULL, NULL, NULL), "COMMIT");
    double t = now_s() - t0;
    csv_free(&p);
    fclose(f);
    sqlite3_finalize(r.find);
    sqlite3_finalize(r.customer);
    sqlite3_finalize(r.identity);
    sqlite3_finalize(r.j_customer);
    sqlite3_finalize(r.j_identity);
    sqlite3_close(r.db);
    if (r.rows != n)
        die("the raw importer", "did not create every customer");
    return t;
}

/* ---- Python -------------------------------------------------------------------- */

static double run_python(const char *python, const char *script, const char *csv,
                         const char *db_path)
{
    remove_db(db_path);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' '%s' '%s' '%s'", python, script, csv, db_path);
    FILE *p = popen(cmd, "r");
    if (!p)
        die("python", "cannot run");
    double t = -1;
    if (fscanf(p, "%lf", &t) != 1)
        t = -1;
    if (pclose(p) != 0 || t <= 0)
        die("python", "the script failed");
    return t;
}

int main(int argc, char **argv)
{
    long n = 100000;
    const char *python = "/usr/bin/python3", *script = "bench/import_bench.py", *side = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--side") == 0 && i + 1 < argc)
            side = argv[++i];
        else if (strcmp(argv[i], "--python") == 0 && i + 1 < argc)
            python = argv[++i];
        else if (strcmp(argv[i], "--script") == 0 && i + 1 < argc)
            script = argv[++i];
        else if ((n = atol(argv[i])) <= 0 || n > 10000000)
            die(argv[i], "N is 1 to 10000000 customers");
    }
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char csv[512], db[512];
    snprintf(csv, sizeof csv, "%s/crm_import_bench_%d.csv", tmp, (int)getpid());
    snprintf(db, sizeof db, "%s/crm_import_bench_%d.db", tmp, (int)getpid());
    write_csv(csv, n);
    if (side) {
        double t = strcmp(side, "crm") == 0        ? run_crm(csv, db, n)
                   : strcmp(side, "raw-full") == 0 ? run_raw(csv, db, n, true)
                                                   : run_raw(csv, db, n, false);
        printf("%s: %ld rows in %.2f s\n", side, n, t);
        remove_db(db);
        unlink(csv);
        return 0;
    }
    double t_raw = run_raw(csv, db, n, false);
    double t_full = run_raw(csv, db, n, true);
    double t_crm = run_crm(csv, db, n);
    double t_py = run_python(python, script, csv, db);
    remove_db(db);
    unlink(csv);
    printf("CSV import of %ld customers, a phone and an e-mail each, one transaction\n", n);
    printf("  %-28s %10.0f rows/s  %6.2f s\n", "libcrm crm_csv_import", n / t_crm, t_crm);
    printf("  %-28s %10.0f rows/s  %6.2f s\n", "C: libcsv + raw SQLite", n / t_raw, t_raw);
    printf("  %-28s %10.0f rows/s  %6.2f s\n", "C: the same rows as libcrm", n / t_full,
           t_full);
    printf("  %-28s %10.0f rows/s  %6.2f s\n", "Python: csv + sqlite3", n / t_py, t_py);
    printf("  libcrm / raw C rate:  %.2f (target >= 0.50: %s)\n", t_raw / t_crm,
           t_raw / t_crm >= 0.5 ? "PASS" : "MISS");
    printf("  libcrm / C rate, the same rows (journal, search index): %.2f\n", t_full / t_crm);
    printf("  libcrm / Python rate: %.2f\n", t_py / t_crm);
    return 0;
}
