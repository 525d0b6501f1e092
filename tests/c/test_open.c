/*
 * Opening files: options, creation, persistence, migrations, and refusing
 * files that are not ours or are too new, without touching them.
 */
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

/* Run SQL on a file with plain SQLite, outside libcrm. */
static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *s;
    int rc = sqlite3_open(path, &s);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s, sql, NULL, NULL, NULL);
    sqlite3_close(s);
    return rc;
}

static long long raw_int(const char *path, const char *sql)
{
    sqlite3 *s;
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_open(path, &s) == SQLITE_OK && sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            v = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(s);
    return v;
}

static char *raw_text(const char *path, const char *sql, char *buf, size_t size)
{
    sqlite3 *s;
    sqlite3_stmt *st;
    buf[0] = '\0';
    if (sqlite3_open(path, &s) == SQLITE_OK && sqlite3_prepare_v2(s, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(s);
    return buf;
}

/* Whole file contents, for byte-for-byte comparisons; caller frees. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

/* The schema version of db's file, or -1 (with the message on stderr). */
static int schema_version(crm_db *db)
{
    int v = -1;
    if (crm_schema_version(&v, db) != CRM_OK)
        fprintf(stderr, "crm_schema_version: %s\n", crm_errmsg(db));
    return v;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

TEST(version)
{
    CHECK_STR(crm_version(), CRM_VERSION_STRING);
    CHECK_INT(crm_version_number(), CRM_VERSION_NUMBER);
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", CRM_VERSION_MAJOR, CRM_VERSION_MINOR, CRM_VERSION_PATCH);
    CHECK_STR(v, CRM_VERSION_STRING);
    CHECK_INT(CRM_VERSION_NUMBER, CRM_VERSION_MAJOR * 10000 + CRM_VERSION_MINOR * 100 + CRM_VERSION_PATCH);
}

TEST(error_names)
{
    static const int codes[] = { CRM_OK,        CRM_ERROR,    CRM_ENOTFOUND, CRM_EEXISTS,
                                 CRM_EINVAL,    CRM_ESTATE,   CRM_EBUSY,     CRM_EIO,
                                 CRM_ECORRUPT,  CRM_ENOMEM,   CRM_ESCHEMA,   CRM_ENOTCRM,
                                 CRM_EMISUSE,   CRM_EREADONLY };
    size_t n = sizeof codes / sizeof codes[0];
    for (size_t i = 0; i < n; i++) {
        CHECK(codes[i] <= 0);
        CHECK(strcmp(crm_strerror(codes[i]), "unknown error") != 0);
        CHECK(strcmp(crm_errname(codes[i]), "UNKNOWN") != 0);
        for (size_t j = 0; j < i; j++) {
            CHECK(codes[i] != codes[j]);
            CHECK(strcmp(crm_strerror(codes[i]), crm_strerror(codes[j])) != 0);
        }
    }
    CHECK_STR(crm_errname(CRM_ENOTFOUND), "ENOTFOUND");
    CHECK_STR(crm_strerror(12345), "unknown error");
    CHECK_STR(crm_errname(-999), "UNKNOWN");
    CHECK_INT(CRM_ROW, 100);
    CHECK_INT(CRM_DONE, 101);
}

TEST(open_memory_defaults)
{
    crm_db *db = NULL;
    CHECK_INT(crm_open(&db, ":memory:", NULL), CRM_OK);
    CHECK(db != NULL);
    CHECK_INT(crm_errcode(db), CRM_OK);
    CHECK_STR(crm_errmsg(db), "not an error");
    CHECK_STR(crm_actor(db), "system");
    CHECK_INT(schema_version(db), crm_schema_version_max());
    CHECK(crm_schema_version_max() >= 1);
    CHECK_INT(crm_in_transaction(db), 0);
    /* No default country: national numbers cannot be read. */
    CHECK_RC(db, crm_identity_lookup(&(crm_customer *){ NULL }, db, "phone", "(415) 555-0100"),
             CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "default");
    CHECK_INT(crm_close(db), CRM_OK);
    CHECK_INT(crm_close(NULL), CRM_OK);
}

TEST(options_init)
{
    crm_open_options o;
    memset(&o, 0x55, sizeof o);
    CHECK_INT(crm_open_options_init(&o, CRM_OPEN_OPTIONS_VERSION), CRM_OK);
    CHECK_INT(o.version, CRM_OPEN_OPTIONS_VERSION);
    CHECK_INT(o.flags, CRM_OPEN_CREATE);
    CHECK_INT(o.busy_timeout_ms, 5000);
    CHECK_INT(o.durability, CRM_DURABILITY_FULL);
    CHECK(o.actor == NULL && o.default_country == NULL);
    CHECK(o.clock == NULL && o.clock_ctx == NULL);
    CHECK_INT(CRM_OPEN_OPTIONS_VERSION, 2);
    CHECK_INT(crm_open_options_init(&o, 0), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "version 0 is not one this libcrm knows (1 to 2)");
    CHECK_INT(crm_open_options_init(&o, 3), CRM_EINVAL);
    CHECK_INT(crm_open_options_init(&o, 99), CRM_EINVAL);
    CHECK_INT(crm_open_options_init(NULL, CRM_OPEN_OPTIONS_VERSION), CRM_EINVAL);
}

/* crm_open_options as version 1 had it: a caller built against 0.2 holds
 * this much and no more. */
typedef struct open_options_v1 {
    unsigned int version;
    unsigned int flags;
    int busy_timeout_ms;
    crm_durability_t durability;
    const char *actor;
    const char *default_country;
} open_options_v1;

/* A version 1 struct is initialised and read within its own size: on the
 * heap, exactly that size, so that the sanitizer build and valgrind catch
 * a byte read or written past it. */
TEST(options_version_1)
{
    open_options_v1 *v1 = malloc(sizeof *v1);
    CHECK(v1 != NULL);
    memset(v1, 0x55, sizeof *v1);
    CHECK_INT(crm_open_options_init((crm_open_options *)v1, 1), CRM_OK);
    CHECK_INT(v1->version, 1);
    CHECK_INT(v1->flags, CRM_OPEN_CREATE);
    CHECK_INT(v1->busy_timeout_ms, 5000);
    CHECK(v1->actor == NULL && v1->default_country == NULL);
    v1->actor = "agent:v1";
    crm_db *db = NULL;
    int rc = crm_open(&db, ":memory:", (const crm_open_options *)v1);
    free(v1);
    CHECK_INT(rc, CRM_OK);
    CHECK_STR(crm_actor(db), "agent:v1");
    /* The system's clock: a customer is created now. */
    char id[CRM_ID_LEN + 1];
    int64_t before = crm_now();
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK(crm_customer_created_at(c) >= before && crm_customer_created_at(c) <= crm_now());
    crm_customer_free(c);
    crm_close(db);
    /* The literal a version 1 caller writes. */
    open_options_v1 lit = { 1, CRM_OPEN_CREATE, 100, CRM_DURABILITY_NORMAL, NULL, "US" };
    CHECK_INT(crm_open(&db, ":memory:", (const crm_open_options *)&lit), CRM_OK);
    CHECK_STR(crm_actor(db), "system");
    crm_close(db);
}

/* crm_open fails with code and a message naming what was wrong. */
static int open_fails(const crm_open_options *o, const char *path, int code, const char *fragment)
{
    crm_db *db = (crm_db *)1;
    int rc = crm_open(&db, path, o);
    if (rc != code || db != NULL || crm_errcode(NULL) != code ||
        !strstr(crm_errmsg(NULL), fragment)) {
        fprintf(stderr, "crm_open(%s): %s (%d), expected %s: \"%s\" should contain \"%s\"\n", path,
                crm_errname(rc), rc, crm_errname(code), crm_errmsg(NULL), fragment);
        if (rc == CRM_OK)
            crm_close(db);
        return 0;
    }
    return 1;
}

TEST(bad_options)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.version = 0;
    CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "version"));
    o.version = CRM_OPEN_OPTIONS_VERSION + 1;
    CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "version"));
    o = (crm_open_options)CRM_OPEN_OPTIONS_INIT;
    o.flags = 0x80;
    CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "flags"));
    o = (crm_open_options)CRM_OPEN_OPTIONS_INIT;
    o.busy_timeout_ms = -1;
    CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "busy_timeout_ms"));
    o = (crm_open_options)CRM_OPEN_OPTIONS_INIT;
    o.durability = (crm_durability_t)7;
    CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "durability"));
    o = (crm_open_options)CRM_OPEN_OPTIONS_INIT;
    for (int i = 0; test_bad_utf8[i]; i++) {
        o.actor = test_bad_utf8[i];
        CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "actor"));
    }
    o.actor = "";
    CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "actor"));
    o.actor = "agent:\nalice";
    CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "actor"));
    char *longactor = test_long_string(CRM_ACTOR_MAX + 1);
    o.actor = longactor;
    int ok = open_fails(&o, ":memory:", CRM_EINVAL, "actor");
    free(longactor);
    CHECK(ok);
    o = (crm_open_options)CRM_OPEN_OPTIONS_INIT;
    const char *countries[] = { "XX", "usa", "", "U1", "U", NULL };
    for (int i = 0; countries[i]; i++) {
        o.default_country = countries[i];
        CHECK(open_fails(&o, ":memory:", CRM_EINVAL, "default_country"));
    }
    CHECK(open_fails(NULL, NULL, CRM_EINVAL, "path"));
    CHECK(open_fails(NULL, "", CRM_EINVAL, "path"));
    CHECK(open_fails(NULL, "bad\xff.db", CRM_EINVAL, "path"));
    CHECK_INT(crm_open(NULL, ":memory:", NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "out");
}

TEST(options_take_effect)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.actor = "agent:alice";
    o.default_country = "us"; /* any case */
    crm_db *db;
    CHECK_INT(crm_open(&db, ":memory:", &o), CRM_OK);
    CHECK_STR(crm_actor(db), "agent:alice");
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "(415) 555-0100", 0));
    crm_journal_entry_cursor *cur;
    const crm_journal_entry *e;
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, 0));
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_ROW);
    CHECK_STR(crm_journal_entry_actor(e), "agent:alice");
    crm_journal_entry_cursor_free(cur);
    CHECK_OK(db, crm_set_actor(db, "kiosk:lobby"));
    CHECK_STR(crm_actor(db), "kiosk:lobby");
    CHECK_RC(db, crm_set_actor(db, "\xff"), CRM_EINVAL);
    CHECK_STR(crm_actor(db), "kiosk:lobby");
    CHECK_OK(db, crm_set_actor(db, NULL));
    CHECK_STR(crm_actor(db), "system");
    CHECK_INT(crm_set_actor(NULL, "x"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_set_actor");
    crm_close(db);
}

TEST(missing_file_without_create)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = 0;
    CHECK(open_fails(&o, path, CRM_EIO, path));
    CHECK(!exists(path));
    o.flags = CRM_OPEN_READONLY;
    CHECK(open_fails(&o, path, CRM_EIO, path));
    CHECK(!exists(path));
}

TEST(persistence_and_pragmas)
{
    char path[256], id[CRM_ID_LEN + 1], buf[64];
    crm_db *db = test_open_file(path, sizeof path);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme Ltd", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "Sales@Acme.example", 0));
    CHECK_OK(db, crm_attr_set(db, id, "industry", "anvils"));
    int64_t seq;
    CHECK_OK(db, crm_journal_last_seq(&seq, db));
    CHECK_INT(crm_close(db), CRM_OK);

    CHECK_STR(raw_text(path, "PRAGMA journal_mode", buf, sizeof buf), "wal");
    CHECK_INT(raw_int(path, "PRAGMA application_id"), 0x43524d31);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), crm_schema_version_max());

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = 0; /* must exist now */
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    crm_customer *c;
    CHECK_OK(db, crm_identity_lookup(&c, db, "email", "sales@acme.example"));
    CHECK_STR(crm_customer_id(c), id);
    CHECK_STR(crm_customer_name(c), "Acme Ltd");
    crm_customer_free(c);
    char *v;
    CHECK_OK(db, crm_attr_get(&v, db, id, "industry"));
    CHECK_STR(v, "anvils");
    crm_free(v);
    int64_t seq2;
    CHECK_OK(db, crm_journal_last_seq(&seq2, db));
    CHECK_INT(seq2, seq);
    crm_close(db);
    test_remove_db(path);
}

TEST(durability_normal)
{
    char path[256], id[CRM_ID_LEN + 1];
    test_temp_path(path, sizeof path, ".db");
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.durability = CRM_DURABILITY_NORMAL;
    crm_db *db;
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bo", id);
    crm_close(db);
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    crm_customer_free(c);
    crm_close(db);
    test_remove_db(path);
}

TEST(migrate_empty_file)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    fclose(f);
    crm_db *db;
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    CHECK_INT(schema_version(db), crm_schema_version_max());
    crm_close(db);
    test_remove_db(path);
}

TEST(schema_too_new)
{
    char path[256], id[CRM_ID_LEN + 1], expect[64];
    crm_db *db = test_open_file(path, sizeof path);
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", id);
    crm_close(db);
    CHECK_INT(raw_exec(path, "PRAGMA user_version = 99"), SQLITE_OK);
    CHECK(open_fails(NULL, path, CRM_ESCHEMA, "99"));
    snprintf(expect, sizeof expect, "up to %d", crm_schema_version_max());
    CHECK_CONTAINS(crm_errmsg(NULL), expect);
    CHECK_CONTAINS(crm_errmsg(NULL), CRM_VERSION_STRING);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), 99);
    test_remove_db(path);
}

static int same_bytes(const char *path, const unsigned char *before, size_t len)
{
    size_t n;
    unsigned char *now = slurp(path, &n);
    int same = now && n == len && memcmp(now, before, n) == 0;
    free(now);
    return same;
}

TEST(foreign_sqlite_untouched)
{
    char path[256], wal[300];
    test_temp_path(path, sizeof path, ".db");
    CHECK_INT(raw_exec(path, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);"
                             "INSERT INTO invoices (total) VALUES (9.5);"),
              SQLITE_OK);
    size_t len;
    unsigned char *before = slurp(path, &len);
    CHECK(before != NULL);
    int ok = open_fails(NULL, path, CRM_ENOTCRM, "not a libcrm");
    ok = ok && strstr(crm_errmsg(NULL), "unchanged") != NULL;
    ok = ok && same_bytes(path, before, len);
    /* Read-only and no-create opens refuse it the same way. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    ok = ok && open_fails(&o, path, CRM_ENOTCRM, "not a libcrm");
    ok = ok && same_bytes(path, before, len);
    free(before);
    snprintf(wal, sizeof wal, "%s-wal", path);
    CHECK(ok);
    CHECK(!exists(wal));
    CHECK_INT(raw_int(path, "SELECT count(*) FROM invoices"), 1);
    test_remove_db(path);
}

TEST(foreign_application_id)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    CHECK_INT(raw_exec(path, "PRAGMA application_id = 42"), SQLITE_OK);
    CHECK(open_fails(NULL, path, CRM_ENOTCRM, "application_id 42"));
    CHECK_INT(raw_int(path, "PRAGMA application_id"), 42);
    test_remove_db(path);
}

TEST(not_sqlite_at_all)
{
    char path[256];
    test_temp_path(path, sizeof path, ".txt");
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    for (int i = 0; i < 200; i++)
        fputs("Dear customer, this is a letter, not a database.\n", f);
    fclose(f);
    size_t len;
    unsigned char *before = slurp(path, &len);
    int ok = open_fails(NULL, path, CRM_ENOTCRM, "not a SQLite database");
    ok = ok && same_bytes(path, before, len);
    free(before);
    CHECK(ok);
    test_remove_db(path);
}

/* Run the migration file name (in CRM_SCHEMA_DIR) on path. */
static int raw_migration(const char *path, const char *name)
{
    char file[512];
    snprintf(file, sizeof file, "%s/%s", CRM_SCHEMA_DIR, name);
    char *sql = test_slurp_text(file);
    int ok = sql && raw_exec(path, sql) == SQLITE_OK;
    free(sql);
    return ok;
}

/* A file as the first release wrote it: schema 1 with one customer, one
 * identity and their journal rows. */
static int make_v1_file(const char *path)
{
    return raw_migration(path, "0001_core.sql") &&
           raw_exec(path,
                    "INSERT INTO customer VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, "
                    "'Old Timer', 'old timer', 1700000000000, 1700000000000, NULL);"
                    "INSERT INTO identity VALUES ('phone', '+14155550100', '+1 415 555 0100', "
                    "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, 1700000000000);"
                    "INSERT INTO journal (at, actor, entity, entity_id, op, data) VALUES "
                    "(1700000000000, 'system', 'customer', x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', "
                    "'create', '{}');") == SQLITE_OK;
}

TEST(migrates_older_schema)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    CHECK(make_v1_file(path));
    CHECK_INT(raw_int(path, "PRAGMA user_version"), 1);
    /* Read-only cannot migrate, and leaves it as it was. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    CHECK(open_fails(&o, path, CRM_EREADONLY, "version 1 to"));
    CHECK_INT(raw_int(path, "PRAGMA user_version"), 1);

    crm_db *db;
    o = (crm_open_options)CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    CHECK_INT(schema_version(db), crm_schema_version_max());
    crm_customer *c;
    CHECK_OK(db, crm_identity_lookup(&c, db, "phone", "(415) 555-0100"));
    CHECK_STR(crm_customer_name(c), "Old Timer");
    crm_customer_free(c);
    int64_t seq;
    CHECK_OK(db, crm_journal_last_seq(&seq, db));
    CHECK_INT(seq, 1);
    crm_close(db);
    /* The newer tables are there and empty. */
    CHECK_INT(raw_int(path, "SELECT count(*) FROM interaction"), 0);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM promise"), 0);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM occasion"), 0);
    test_remove_db(path);
}

/* A file as release 0.2 wrote it: schema 2, with interactions (a reply in
 * a thread, a public one with an external reference) and a promise made
 * during one and kept by another, which name interaction rows. */
static int make_v2_file(const char *path)
{
    return raw_migration(path, "0001_core.sql") && raw_migration(path, "0002_history.sql") &&
           raw_exec(path,
                    "INSERT INTO customer VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, "
                    "'Old Timer', 'old timer', 1700000000000, 1700000000000, NULL);"
                    "INSERT INTO interaction VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', "
                    "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 6, 1, 1700000001000, NULL, "
                    "'billing.late', 2, 1, -2, 'angry tweet', NULL, "
                    "x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', NULL, 'tw-1', 1700000001000, "
                    "1700000001000);"
                    "INSERT INTO interaction VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0002', "
                    "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, 2, 1700000002000, 'agent:alice', "
                    "NULL, 1, 0, NULL, NULL, 'called back', "
                    "x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', "
                    "NULL, 1700000002000, 1700000002000);"
                    "INSERT INTO promise VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0101', "
                    "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', "
                    "'agent:alice', 'call back', 2, 1700000005000, 1700000001500, "
                    "1700000002000, x'0190a5b27c3e7d4f8a1b2c3d4e5f0002');"
                    "INSERT INTO promise_event VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0101', 1, 1, "
                    "1700000001500, 'agent:alice', 1700000005000, 1700000005000, 0, "
                    "x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', NULL);") == SQLITE_OK;
}

TEST(migrates_interactions_to_open_channels)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    CHECK(make_v2_file(path));
    CHECK_INT(raw_int(path, "PRAGMA user_version"), 2);
    crm_db *db;
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    CHECK_INT(schema_version(db), crm_schema_version_max());
    CHECK(crm_schema_version_max() >= 3);
    /* Every row and field is kept. */
    const char *first = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f0001";
    const char *second = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f0002";
    crm_interaction *i;
    CHECK_OK(db, crm_interaction_get(&i, db, first));
    CHECK_INT(crm_interaction_channel(i), CRM_CHANNEL_SOCIAL);
    CHECK_STR(crm_interaction_channel_name(i), "social");
    CHECK_INT(crm_interaction_direction(i), CRM_DIRECTION_IN);
    CHECK_INT(crm_interaction_occurred_at(i), 1700000001000);
    CHECK_STR(crm_interaction_reason(i), "billing.late");
    CHECK_INT(crm_interaction_outcome(i), CRM_OUTCOME_UNRESOLVED);
    CHECK_INT(crm_interaction_is_public(i), 1);
    CHECK_INT(crm_interaction_sentiment(i), -2);
    CHECK_STR(crm_interaction_summary(i), "angry tweet");
    CHECK_STR(crm_interaction_external_ref(i), "tw-1");
    crm_interaction_free(i);
    CHECK_OK(db, crm_interaction_get_by_ref(&i, db, CRM_CHANNEL_SOCIAL, "tw-1"));
    CHECK_STR(crm_interaction_id(i), first);
    crm_interaction_free(i);
    crm_interaction_cursor *cur;
    const crm_interaction *r;
    CHECK_OK(db, crm_interaction_thread_open(&cur, db, second, NULL));
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_STR(crm_interaction_id(r), first);
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_ROW);
    CHECK_STR(crm_interaction_id(r), second);
    CHECK_STR(crm_interaction_reply_to(r), first);
    CHECK_STR(crm_interaction_handled_by(r), "agent:alice");
    CHECK_STR(crm_interaction_body(r), "called back");
    CHECK_INT(crm_interaction_cursor_next(cur, &r), CRM_DONE);
    crm_interaction_cursor_free(cur);
    crm_promise *p;
    CHECK_OK(db, crm_promise_get(&p, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f0101"));
    CHECK_STR(crm_promise_interaction_id(p), first);
    CHECK_STR(crm_promise_kept_by(p), second);
    crm_promise_free(p);
    /* The unique reference per channel holds still, and channels are open. */
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b";
    s.channel = CRM_CHANNEL_SOCIAL;
    s.direction = CRM_DIRECTION_IN;
    s.external_ref = "tw-1";
    CHECK_RC(db, crm_interaction_log(NULL, db, &s), CRM_EEXISTS);
    s.channel = 0;
    s.channel_name = "whatsapp";
    CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    CHECK_OK(db, crm_interaction_get_by_ref_named(&i, db, "whatsapp", "tw-1"));
    CHECK_STR(crm_interaction_channel_name(i), "whatsapp");
    crm_interaction_free(i);
    crm_close(db);
    /* The indexes are made again, the foreign keys hold, the file is whole. */
    CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                            "('interaction_timeline', 'interaction_thread', "
                            "'interaction_external')"),
              3);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'interaction_new'"),
              0);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    char text[64];
    raw_text(path, "PRAGMA integrity_check", text, sizeof text);
    CHECK_STR(text, "ok");
    CHECK_INT(raw_int(path, "SELECT count(*) FROM interaction"), 3);
    CHECK_INT(raw_int(path, "SELECT code FROM channel WHERE name = 'whatsapp'"), 64);
    /* Opened again, the migrated file is taken as it is. */
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    crm_close(db);
    test_remove_db(path);
}

/* Every identity of the file at path, one "kind|key|value|customer|flags|created" line each,
 * in one order. */
static char *raw_identities(const char *path, char *buf, size_t size)
{
    return raw_text(path,
                    "SELECT group_concat(row, char(10)) FROM (SELECT kind || '|' || key || '|' || "
                    "value || '|' || hex(customer_id) || '|' || flags || '|' || created_at AS row "
                    "FROM identity ORDER BY kind, key, customer_id)",
                    buf, size);
}

/* A file as libcrm 0.2 wrote it: schema 2, three customers and their
 * identities of every kind, some flagged, and a journal row. */
static int make_v2_identities_file(const char *path)
{
    int ok = raw_migration(path, "0001_core.sql") && raw_migration(path, "0002_history.sql") &&
             raw_exec(path,
                      "INSERT INTO customer VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, "
                      "'Old Timer', 'old timer', 1700000000000, 1700000000000, NULL);"
                      "INSERT INTO customer VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7c', 1, "
                      "'Second', 'second', 1700000000001, 1700000000001, NULL);"
                      "INSERT INTO customer VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7d', 2, "
                      "'Third Ltd', 'third ltd', 1700000000002, 1700000000002, 1700000000009);"
                      "INSERT INTO identity VALUES ('phone', '+14155550100', '+1 415 555 0100', "
                      "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 3, 1700000000100);"
                      "INSERT INTO identity VALUES ('phone', '+14155550101', '(415) 555-0101', "
                      "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 0, 1700000000101);"
                      "INSERT INTO identity VALUES ('email', 'old@example.com', 'Old@Example.com', "
                      "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, 1700000000102);"
                      "INSERT INTO identity VALUES ('social', 'twitter:second', 'twitter:@Second', "
                      "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7c', 2, 1700000000103);"
                      "INSERT INTO identity VALUES ('account', 'AC-1', ' AC-1 ', "
                      "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7d', 0, 1700000000104);"
                      "INSERT INTO identity VALUES ('loyalty', 'L-9', 'L-9', "
                      "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7c', 0, 1700000000105);"
                      "INSERT INTO journal (at, actor, entity, entity_id, op, data) VALUES "
                      "(1700000000000, 'system', 'customer', x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', "
                      "'create', '{}');") == SQLITE_OK;
    return ok;
}

TEST(migrates_identities_from_version_2)
{
    static const char old_timer[] = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b";
    static const char second[] = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7c";
    char path[256], before[2048], after[2048], buf[256];
    test_temp_path(path, sizeof path, ".db");
    CHECK(make_v2_identities_file(path));
    CHECK_INT(raw_int(path, "PRAGMA user_version"), 2);
    raw_identities(path, before, sizeof before);
    CHECK_CONTAINS(before, "loyalty|L-9|L-9|");
    /* Read-only cannot migrate, and leaves it as it was. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    CHECK(open_fails(&o, path, CRM_EREADONLY, "version 2 to"));
    CHECK_INT(raw_int(path, "PRAGMA user_version"), 2);

    crm_db *db;
    o = (crm_open_options)CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    CHECK_INT(schema_version(db), crm_schema_version_max());
    crm_customer *c;
    CHECK_OK(db, crm_identity_lookup(&c, db, "phone", "(415) 555-0100"));
    CHECK_STR(crm_customer_name(c), "Old Timer");
    crm_customer_free(c);
    crm_identity *i;
    CHECK_OK(db, crm_identity_get(&i, db, second, "social", "twitter:SECOND"));
    CHECK_STR(crm_identity_value(i), "twitter:@Second");
    CHECK_INT(crm_identity_flags(i), CRM_IDENTITY_VERIFIED);
    CHECK_INT(crm_identity_created_at(i), 1700000000103);
    crm_identity_free(i);
    int64_t seq;
    CHECK_OK(db, crm_journal_last_seq(&seq, db));
    CHECK_INT(seq, 1);
    /* What the old file could not hold: a second holder, once shared. */
    CHECK_RC(db, crm_identity_add(NULL, db, second, "phone", "+14155550100", CRM_IDENTITY_SHARED),
             CRM_EEXISTS);
    CHECK_CONTAINS(crm_errmsg(db), "unshared");
    CHECK_OK(db, crm_identity_set_flags(db, old_timer, "phone", "+14155550100",
                                        CRM_IDENTITY_PRIMARY | CRM_IDENTITY_SHARED));
    CHECK_OK(db, crm_identity_add(NULL, db, second, "phone", "+14155550100", CRM_IDENTITY_SHARED));
    CHECK_RC(db, crm_identity_lookup(&c, db, "phone", "+14155550100"), CRM_EAMBIGUOUS);
    CHECK_OK(db, crm_identity_remove(db, second, "phone", "+14155550100"));
    CHECK_OK(db, crm_identity_set_flags(db, old_timer, "phone", "+14155550100",
                                        CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED));
    crm_close(db);
    /* Every identity kept, as it was; the file whole, its index there. */
    raw_identities(path, after, sizeof after);
    CHECK_STR(after, before);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM identity"), 6);
    CHECK_STR(raw_text(path, "PRAGMA integrity_check", buf, sizeof buf), "ok");
    CHECK_INT(raw_int(path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND "
                            "name = 'identity_by_customer' AND tbl_name = 'identity'"),
              1);
    CHECK_INT(raw_int(path, "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%new_identity%'"),
              0);
    /* A migrated file opens as one made new does. */
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    CHECK_INT(schema_version(db), crm_schema_version_max());
    crm_close(db);
    test_remove_db(path);
}

/* A file of schema 2 holds no first due times: migrating it reads each
 * promise's from its history (the made event's due time). */
TEST(migrates_first_due_times)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    CHECK(raw_migration(path, "0001_core.sql"));
    CHECK(raw_migration(path, "0002_history.sql"));
    CHECK_INT(raw_exec(path,
                       "INSERT INTO customer VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, "
                       "'Old Timer', 'old timer', 1700000000000, 1700000000000, NULL);"
                       /* made due at 1800000000000, renegotiated to 1900000000000 */
                       "INSERT INTO promise VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', "
                       "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', NULL, 'agent:a', 'refund', 1, "
                       "1900000000000, 1700000000000, NULL, NULL);"
                       "INSERT INTO promise_event VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', 1, "
                       "1, 1700000000000, 'system', 0, 1800000000000, 0, NULL, NULL);"
                       "INSERT INTO promise_event VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0001', 2, "
                       "2, 1700000001000, 'system', 1800000000000, 1900000000000, 1, NULL, 'x');"
                       /* never renegotiated */
                       "INSERT INTO promise VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0002', "
                       "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', NULL, 'agent:a', 'call', 2, "
                       "1750000000000, 1700000000000, 1710000000000, NULL);"
                       "INSERT INTO promise_event VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0002', 1, "
                       "1, 1700000000000, 'system', 0, 1750000000000, 0, NULL, NULL);"
                       "INSERT INTO promise_event VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f0002', 2, "
                       "3, 1710000000000, 'system', 1750000000000, 1750000000000, 0, NULL, NULL);"),
              SQLITE_OK);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), 2);
    crm_db *db;
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    CHECK_INT(schema_version(db), crm_schema_version_max());
    crm_promise *p;
    CHECK_OK(db, crm_promise_get(&p, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f0001"));
    CHECK_INT(crm_promise_due_at(p), 1900000000000LL);
    CHECK_INT(crm_promise_first_due_at(p), 1800000000000LL);
    CHECK_INT(crm_promise_renegotiations(p), 1);
    crm_promise_free(p);
    CHECK_OK(db, crm_promise_get(&p, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f0002"));
    CHECK_INT(crm_promise_first_due_at(p), 1750000000000LL);
    CHECK(crm_promise_was_kept_late(p) == 0);
    crm_promise_free(p);
    crm_close(db);
    test_remove_db(path);
}

TEST(read_only)
{
    char path[256], id[CRM_ID_LEN + 1];
    crm_db *db = test_open_file(path, sizeof path);
    test_customer(db, CRM_CUSTOMER_PERSON, "Di", id);
    crm_close(db);
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    CHECK_INT(crm_open(&db, path, &o), CRM_OK);
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    crm_customer_free(c);
    CHECK_RC(db, crm_customer_create(NULL, db, CRM_CUSTOMER_PERSON, "Ed"), CRM_EREADONLY);
    CHECK_CONTAINS(crm_errmsg(db), "read-only");
    CHECK_RC(db, crm_customer_rename(db, id, "Dee"), CRM_EREADONLY);
    CHECK_RC(db, crm_begin(db), CRM_EREADONLY);
    CHECK_INT(crm_in_transaction(db), 0);
    crm_close(db);
    test_remove_db(path);
}

TEST(read_only_needs_migration)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    /* Ours (application_id) but never migrated: a read-only open cannot. */
    CHECK_INT(raw_exec(path, "PRAGMA application_id = 1129467185"), SQLITE_OK);
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    CHECK(open_fails(&o, path, CRM_EREADONLY, "read-only"));
    CHECK_INT(raw_int(path, "PRAGMA user_version"), 0);
    /* A read-write open migrates it. */
    crm_db *db;
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    crm_close(db);
    CHECK_INT(raw_int(path, "PRAGMA user_version"), crm_schema_version_max());
    test_remove_db(path);
}

TEST(memory_databases_are_separate)
{
    crm_db *a = test_open_memory(), *b = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(a, CRM_CUSTOMER_PERSON, "Fay", id);
    crm_customer *c = NULL;
    CHECK_RC(b, crm_customer_get(&c, b, id), CRM_ENOTFOUND);
    CHECK(c == NULL);
    CHECK_CONTAINS(crm_errmsg(b), id);
    crm_close(a);
    crm_close(b);
}

/* A message with a path longer than its room is cut between characters. */
TEST(long_messages_stay_utf8)
{
    /* Each padding puts the cut at another byte of a two-byte character. */
    for (int pad = 0; pad < 3; pad++) {
        char path[4200];
        size_t n = (size_t)snprintf(path, sizeof path, "/nonexistent-%.*s/", pad, "xx");
        while (n + 2 < 4000) {
            memcpy(path + n, "\xc3\xa9", 2); /* e with an acute accent, two bytes */
            n += 2;
        }
        path[n] = '\0';
        crm_db *db;
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.flags = 0;
        CHECK_INT(crm_open(&db, path, &o), CRM_EIO);
        const char *m = crm_errmsg(NULL);
        size_t len = strlen(m);
        CHECK(len > 100);
        CHECK_STR(m + len - 3, "...");
        /* Every byte sequence in it is whole UTF-8. */
        for (size_t i = 0; i < len;) {
            unsigned char c = (unsigned char)m[i];
            size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            CHECK(i + k <= len);
            for (size_t j = 1; j < k; j++)
                CHECK(((unsigned char)m[i + j] & 0xc0) == 0x80);
            i += k;
        }
    }
}

TEST(close_refuses_open_cursors)
{
    crm_db *db = test_open_memory();
    crm_journal_entry_cursor *cur;
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, 0));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "cursor");
    crm_journal_entry_cursor_free(cur);
    CHECK_INT(crm_close(db), CRM_OK);
}

int main(void)
{
    RUN(version);
    RUN(error_names);
    RUN(open_memory_defaults);
    RUN(options_init);
    RUN(options_version_1);
    RUN(bad_options);
    RUN(options_take_effect);
    RUN(missing_file_without_create);
    RUN(persistence_and_pragmas);
    RUN(durability_normal);
    RUN(migrate_empty_file);
    RUN(schema_too_new);
    RUN(foreign_sqlite_untouched);
    RUN(foreign_application_id);
    RUN(not_sqlite_at_all);
    RUN(migrates_older_schema);
    RUN(migrates_interactions_to_open_channels);
    RUN(migrates_identities_from_version_2);
    RUN(migrates_first_due_times);
    RUN(read_only);
    RUN(read_only_needs_migration);
    RUN(memory_databases_are_separate);
    RUN(long_messages_stay_utf8);
    RUN(close_refuses_open_cursors);
    return test_summary();
}
