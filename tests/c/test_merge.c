/*
 * libcrm tests - duplicate candidates, merge and unmerge. What the library
 * should have done is read back with SQLite itself from the file: every
 * table before a merge and after its unmerge, the consent answers computed
 * from the ledger by a query of the test's own.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

typedef char cid[CRM_ID_LEN + 1];

/* ---- the file, read with SQLite ------------------------------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *s;
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "raw open %s: %s\n", path, sqlite3_errmsg(s));
        exit(2);
    }
    sqlite3_busy_timeout(s, 5000);
    return s;
}

static void raw_exec(sqlite3 *s, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(s, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "raw exec %s: %s\n", sql, err);
        exit(2);
    }
}

static void id_blob(const char *id, unsigned char b[16])
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

/* The integer the query gives for customer id (?1) and text t (?2); -1 for
 * no row or NULL. */
static long long raw_int(sqlite3 *s, const char *sql, const char *id, const char *t)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "raw prepare %s: %s\n", sql, sqlite3_errmsg(s));
        exit(2);
    }
    unsigned char b[16];
    if (id) {
        id_blob(id, b);
        sqlite3_bind_blob(st, 1, b, 16, SQLITE_TRANSIENT);
    }
    if (t)
        sqlite3_bind_text(st, 2, t, -1, SQLITE_TRANSIENT);
    long long v = -1;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every table of the file but the journal, each row a line, sorted; the
 * search rows without their own number (a row removed and added back is a
 * new one), the full-text index checked by SQLite instead. */
static char *dump(sqlite3 *s)
{
    static const char *const q[] = {
        "SELECT 'customer', * FROM customer",
        "SELECT 'attr', * FROM customer_attr",
        "SELECT 'tag', * FROM customer_tag",
        "SELECT 'member', * FROM membership",
        "SELECT 'identity', * FROM identity",
        "SELECT 'interaction', * FROM interaction",
        "SELECT 'promise', * FROM promise",
        "SELECT 'event', * FROM promise_event",
        "SELECT 'occasion', * FROM occasion",
        "SELECT 'consent', * FROM consent",
        "SELECT 'channel', * FROM channel",
        "SELECT 'merged', * FROM customer_merged",
        "SELECT 'doc', customer_id, kind, field, name, rec, text, archived FROM search_doc",
        "SELECT 'pending', * FROM search_pending",
    };
    size_t n = 0, cap = 64, total = 1;
    char **rows = malloc(cap * sizeof *rows);
    for (size_t i = 0; i < sizeof q / sizeof q[0]; i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s, q[i], -1, &st, NULL) != SQLITE_OK) {
            fprintf(stderr, "dump %s: %s\n", q[i], sqlite3_errmsg(s));
            exit(2);
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            char line[8192];
            size_t len = 0;
            for (int c = 0; c < sqlite3_column_count(st) && len < sizeof line - 100; c++) {
                int t = sqlite3_column_type(st, c);
                if (t == SQLITE_BLOB) {
                    const unsigned char *b = sqlite3_column_blob(st, c);
                    for (int k = 0; k < sqlite3_column_bytes(st, c); k++)
                        len += (size_t)snprintf(line + len, sizeof line - len, "%02x", b[k]);
                    len += (size_t)snprintf(line + len, sizeof line - len, "|");
                } else if (t == SQLITE_NULL) {
                    len += (size_t)snprintf(line + len, sizeof line - len, "NULL|");
                } else {
                    len += (size_t)snprintf(line + len, sizeof line - len, "%s|",
                                            (const char *)sqlite3_column_text(st, c));
                }
            }
            if (n == cap)
                rows = realloc(rows, (cap *= 2) * sizeof *rows);
            rows[n++] = strdup(line);
            total += strlen(line) + 1;
        }
        sqlite3_finalize(st);
    }
    qsort(rows, n, sizeof *rows, cmp_str);
    char *out = malloc(total), *p = out;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(rows[i]);
        memcpy(p, rows[i], l);
        p[l] = '\n';
        p += l + 1;
        free(rows[i]);
    }
    *p = '\0';
    free(rows);
    return out;
}

static void fts_check(sqlite3 *s)
{
    raw_exec(s, "INSERT INTO search (search) VALUES ('integrity-check')");
}

/* A consent event written as the ledger's writer would: ids in the order
 * of n, so two files built alike hold the same ledger. */
static void consent(sqlite3 *s, const char *customer, int n, const char *purpose, int channel,
                    int granted, long long at)
{
    sqlite3_stmt *st;
    const char *sql = "INSERT INTO consent (id, customer_id, purpose, channel, granted, at, "
                      "actor, note) VALUES (CAST(printf('%016d', ?1) AS BLOB), ?2, ?3, ?4, ?5, "
                      "?6, 'test', '')";
    if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "consent: %s\n", sqlite3_errmsg(s));
        exit(2);
    }
    unsigned char b[16];
    id_blob(customer, b);
    sqlite3_bind_int(st, 1, n);
    sqlite3_bind_blob(st, 2, b, 16, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 3, purpose, -1, SQLITE_TRANSIENT);
    if (channel)
        sqlite3_bind_int(st, 4, channel);
    sqlite3_bind_int(st, 5, granted);
    sqlite3_bind_int64(st, 6, at);
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "consent: %s\n", sqlite3_errmsg(s));
        exit(2);
    }
    sqlite3_finalize(st);
}

/* "May we contact customer for purpose on channel (0: a channel with no
 * event of its own)?": the latest event on the channel or on every
 * channel, by at then id; 1, 0, or -1 for no event (no). */
static int may(sqlite3 *s, const char *customer, const char *purpose, int channel)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT granted FROM consent WHERE customer_id = ?1 AND purpose = ?2 AND "
             "(channel = %d OR channel IS NULL) ORDER BY at DESC, id DESC LIMIT 1",
             channel);
    return (int)raw_int(s, sql, customer, purpose);
}

/* ---- building customers --------------------------------------------------------------------- */

static void interaction(crm_db *db, const char *customer, const char *summary, const char *reason,
                        char id[CRM_ID_LEN + 1])
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = customer;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    s.summary = summary;
    s.reason = reason;
    crm_interaction *it = NULL;
    CHECK_OK(db, crm_interaction_log(&it, db, &s));
    if (id)
        strcpy(id, crm_interaction_id(it));
    crm_interaction_free(it);
}

static void occasion(crm_db *db, const char *customer, int month, int day)
{
    crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
    o.customer_id = customer;
    o.kind = "birthday";
    o.yearly = 1;
    o.month = month;
    o.day = day;
    CHECK_OK(db, crm_occasion_add(NULL, db, &o));
}

static void promise(crm_db *db, const char *customer, const char *what)
{
    crm_promise *p = NULL;
    CHECK_OK(db, crm_promise_make(&p, db, customer, NULL, "agent:alice", what,
                                  1900000000000LL, CRM_TIME_NONE));
    CHECK_OK(db, crm_promise_renegotiate(NULL, db, crm_promise_id(p), 1900000500000LL,
                                         "waiting for the part", 1, CRM_TIME_NONE));
    crm_promise_free(p);
}

/* Two people with one of everything each, and things both hold: returns
 * the organisations too. */
typedef struct family {
    cid ann, anna, org1, org2, other;
} family;

static void build(crm_db *db, sqlite3 *s, family *f)
{
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Lee", f->ann);
    test_customer(db, CRM_CUSTOMER_PERSON, "ANN LÉE", f->anna);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", f->org1);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Bolt", f->org2);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", f->other);
    CHECK_OK(db, crm_identity_add(NULL, db, f->ann, "email", "ann@example.com",
                                  CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_identity_add(NULL, db, f->anna, "email", "lee@example.com",
                                  CRM_IDENTITY_PRIMARY | CRM_IDENTITY_VERIFIED));
    CHECK_OK(db, crm_identity_add(NULL, db, f->anna, "phone", "+1 415 555 0100", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, f->ann, "phone", "+1 212 555 0199",
                                  CRM_IDENTITY_SHARED));
    CHECK_OK(db, crm_identity_add(NULL, db, f->anna, "phone", "+1 212 555 0199",
                                  CRM_IDENTITY_SHARED));
    interaction(db, f->ann, "asked about the invoice", "billing.invoice", NULL);
    interaction(db, f->anna, "zebrafish delivery late", "delivery.late", NULL);
    interaction(db, f->anna, "second call", "delivery.late", NULL);
    promise(db, f->ann, "call back about the invoice");
    promise(db, f->anna, "send the zebrafish again");
    occasion(db, f->ann, 3, 1);
    occasion(db, f->anna, 3, 2);
    CHECK_OK(db, crm_tag_add(db, f->ann, "vip"));
    CHECK_OK(db, crm_tag_add(db, f->anna, "vip"));
    CHECK_OK(db, crm_tag_add(db, f->anna, "late payer"));
    CHECK_OK(db, crm_attr_set(db, f->ann, "date_of_birth", "1980-03-01"));
    CHECK_OK(db, crm_attr_set(db, f->anna, "date_of_birth", "1980-03-02"));
    CHECK_OK(db, crm_attr_set(db, f->anna, "shoe_size", "38"));
    CHECK_OK(db, crm_member_add(db, f->org1, f->ann, "buyer"));
    CHECK_OK(db, crm_member_add(db, f->org1, f->anna, "billing contact"));
    CHECK_OK(db, crm_member_add(db, f->org2, f->anna, "owner"));
    consent(s, f->ann, 1, "marketing", 0, 1, 1700000000000LL);
    consent(s, f->anna, 2, "marketing", 0, 0, 1600000000000LL);
}

static int count_rows(sqlite3 *s, const char *table, const char *customer)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE customer_id = ?1", table);
    return (int)raw_int(s, sql, customer, NULL);
}

/* ---- merge, and every record it moves ------------------------------------------------------- */

TEST(merge_moves_everything)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    sqlite3 *s = raw_open(path);
    family f;
    build(db, s, &f);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_customer_merge(db, f.ann, f.anna));

    /* Every child record is the survivor's now. */
    CHECK_INT(count_rows(s, "interaction", f.ann), 3);
    CHECK_INT(count_rows(s, "promise", f.ann), 2);
    CHECK_INT(count_rows(s, "occasion", f.ann), 2);
    CHECK_INT(count_rows(s, "identity", f.ann), 4); /* the shared phone once */
    CHECK_INT(count_rows(s, "customer_tag", f.ann), 2);
    CHECK_INT(count_rows(s, "customer_attr", f.ann), 2);
    CHECK_INT(raw_int(s, "SELECT count(*) FROM promise_event e JOIN promise p ON p.id = "
                         "e.promise_id WHERE p.customer_id = ?1", f.ann, NULL), 4);
    CHECK_INT(raw_int(s, "SELECT count(*) FROM membership WHERE person_id = ?1", f.ann, NULL), 2);
    CHECK_INT(raw_int(s, "SELECT count(*) FROM customer WHERE id = ?1", f.anna, NULL), 0);
    /* The absorbed primary e-mail is no longer primary: Ann has hers. */
    CHECK_INT(raw_int(s, "SELECT flags FROM identity WHERE customer_id = ?1 AND key = ?2", f.ann,
                      "lee@example.com"), CRM_IDENTITY_VERIFIED);
    /* The kept attribute value stays; the other is in the merge record. */
    char *v = NULL;
    CHECK_OK(db, crm_attr_get(&v, db, f.ann, "date_of_birth"));
    CHECK_STR(v, "1980-03-01");
    crm_free(v);
    CHECK_INT(raw_int(s, "SELECT count(*) FROM journal, json_each(data, '$.attributes') a "
                         "WHERE entity_id = ?1 AND op = 'merge' AND "
                         "json_extract(a.value, '$.value') = '1980-03-02' AND "
                         "json_extract(a.value, '$.kept') = ?2", f.ann, "1980-03-01"), 1);
    /* The consent ledger moved, and Anna's withdrawal stands. */
    CHECK_INT(count_rows(s, "consent", f.ann), 3);
    CHECK_INT(may(s, f.ann, "marketing", 0), 0);
    CHECK_INT(raw_int(s, "SELECT count(*) FROM consent WHERE customer_id = ?1 AND note LIKE "
                         "'merge%' AND granted = 0 AND channel IS NULL", f.ann, NULL), 1);
    /* Journaled: the absorbed id's entry, then the survivor's. */
    test_jrow want[] = { { "customer", "merged", f.anna, { "\"into\"" }, NULL },
                         { "customer", "merge", f.ann, { "\"absorbed\"" }, NULL } };
    CHECK(test_journal_is(db, seq, want, 2));
    /* The moved records are the survivor's in every list. */
    crm_member_cursor *mc;
    const crm_member *m;
    int orgs = 0;
    CHECK_OK(db, crm_member_list_open(&mc, db, f.ann));
    while (crm_member_cursor_next(mc, &m) == CRM_ROW) {
        orgs++;
        if (strcmp(crm_member_org_id(m), f.org1) == 0)
            CHECK_STR(crm_member_role(m), "buyer");
    }
    crm_member_cursor_free(mc);
    CHECK_INT(orgs, 2);
    fts_check(s);
    sqlite3_close(s);
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(old_id_resolves_to_survivor)
{
    crm_db *db = test_open_memory();
    cid a, b, c;
    test_customer(db, CRM_CUSTOMER_PERSON, "A", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "B", b);
    test_customer(db, CRM_CUSTOMER_PERSON, "C", c);
    CHECK_OK(db, crm_identity_add(NULL, db, a, "email", "a@example.com", 0));
    CHECK_OK(db, crm_customer_merge(db, b, a));
    crm_customer *r = NULL;
    CHECK_OK(db, crm_customer_get(&r, db, a));
    CHECK_STR(crm_customer_id(r), b);
    CHECK_STR(crm_customer_merged_from(r), a);
    crm_customer_free(r);
    /* Asked by its own id, a record says nothing of merges. */
    CHECK_OK(db, crm_customer_get(&r, db, b));
    CHECK(crm_customer_merged_from(r) == NULL);
    crm_customer_free(r);
    /* A chain: A into B, then B into C: A is C. */
    CHECK_OK(db, crm_customer_merge(db, c, b));
    CHECK_OK(db, crm_customer_get(&r, db, a));
    CHECK_STR(crm_customer_id(r), c);
    CHECK_STR(crm_customer_merged_from(r), a);
    crm_customer_free(r);
    char upper[CRM_ID_LEN + 1];
    for (int i = 0; i <= CRM_ID_LEN; i++)
        upper[i] = (char)(a[i] >= 'a' && a[i] <= 'f' ? a[i] - 32 : a[i]);
    CHECK_OK(db, crm_customer_resolve(&r, db, upper));
    CHECK_STR(crm_customer_id(r), c);
    CHECK_STR(crm_customer_merged_from(r), a);
    crm_customer_free(r);
    /* The list of what a text names: the survivor, once, for either
     * absorbed id of the chain; nothing for an id never used. */
    const char *asked[] = { a, upper, b, c };
    for (int i = 0; i < 4; i++) {
        crm_customer_cursor *cur = NULL;
        const crm_customer *row = NULL;
        CHECK_OK(db, crm_customer_resolve_open(&cur, db, asked[i]));
        CHECK_INT(crm_customer_cursor_next(cur, &row), CRM_ROW);
        CHECK_STR(crm_customer_id(row), c);
        CHECK_INT(crm_customer_cursor_next(cur, &row), CRM_DONE);
        crm_customer_cursor_free(cur);
    }
    {
        crm_customer_cursor *cur = NULL;
        const crm_customer *row = NULL;
        CHECK_OK(db, crm_customer_resolve_open(&cur, db, TEST_UNKNOWN_ID));
        CHECK_INT(crm_customer_cursor_next(cur, &row), CRM_DONE);
        crm_customer_cursor_free(cur);
    }
    /* The identity moved with the records. */
    CHECK_OK(db, crm_customer_resolve(&r, db, "a@example.com"));
    CHECK_STR(crm_customer_id(r), c);
    CHECK(crm_customer_merged_from(r) == NULL);
    crm_customer_free(r);
    /* Writes given an absorbed id are refused, naming the survivor. */
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_FAILS2(db, crm_customer_rename(db, a, "X"), CRM_ENOTFOUND, "merged into", c);
    CHECK_FAILS2(db, crm_tag_add(db, b, "vip"), CRM_ENOTFOUND, "merged into", c);
    CHECK_FAILS2(db, crm_attr_set(db, a, "k", "v"), CRM_ENOTFOUND, "merged into", c);
    CHECK_FAILS2(db, crm_customer_archive(db, a), CRM_ENOTFOUND, "merged into", c);
    CHECK_FAILS2(db, crm_customer_erase(db, a), CRM_ENOTFOUND, "merged into", c);
    char *doc = NULL;
    CHECK_FAILS2(db, crm_customer_export(&doc, db, b), CRM_ENOTFOUND, "merged into", c);
    CHECK(doc == NULL);
    CHECK_FAILS2(db, crm_identity_add(NULL, db, a, "email", "z@example.com", 0), CRM_ENOTFOUND,
                 "merged into", c);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = a;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    CHECK_FAILS2(db, crm_interaction_log(NULL, db, &s), CRM_ENOTFOUND, "merged into", c);
    CHECK_UNCHANGED(db, &snap);
    /* An id never seen is still just unknown. */
    CHECK_FAILS(db, crm_customer_get(&r, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                "no customer has id");
    CHECK_OK(db, crm_close(db));
}

TEST(merge_refusals)
{
    crm_db *db = test_open_memory();
    cid p, q, o, gone;
    test_customer(db, CRM_CUSTOMER_PERSON, "P", p);
    test_customer(db, CRM_CUSTOMER_PERSON, "Q", q);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "O", o);
    test_customer(db, CRM_CUSTOMER_PERSON, "Gone", gone);
    CHECK_OK(db, crm_member_add(db, o, p, "staff"));
    CHECK_OK(db, crm_customer_merge(db, q, gone));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_FAILS(db, crm_customer_merge(db, p, p), CRM_EINVAL, "into itself");
    CHECK_FAILS2(db, crm_customer_merge(db, o, p), CRM_EINVAL, "a person and an organisation",
                 "member");
    CHECK_FAILS2(db, crm_customer_merge(db, p, o), CRM_EINVAL, "organisation", "member");
    CHECK_FAILS(db, crm_customer_merge(db, o, q), CRM_EINVAL, "a person and an organisation");
    CHECK_FAILS(db, crm_customer_merge(db, p, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_customer_merge(db, TEST_UNKNOWN_ID, p), CRM_ENOTFOUND,
                TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, crm_customer_merge(db, p, gone), CRM_ENOTFOUND, "merged into", q);
    CHECK_FAILS2(db, crm_customer_merge(db, gone, p), CRM_ENOTFOUND, "merged into", q);
    CHECK_FAILS(db, crm_customer_merge(db, NULL, p), CRM_EINVAL, "keep id");
    CHECK_FAILS(db, crm_customer_merge(db, p, NULL), CRM_EINVAL, "absorbed id");
    for (const char *const *bad = test_bad_ids; *bad; bad++) {
        CHECK_FAILS(db, crm_customer_merge(db, *bad, p), CRM_EINVAL, "keep id");
        CHECK_FAILS(db, crm_customer_merge(db, p, *bad), CRM_EINVAL, "absorbed id");
        CHECK_FAILS(db, crm_customer_unmerge(db, *bad), CRM_EINVAL, "absorbed id");
    }
    CHECK_FAILS(db, crm_customer_unmerge(db, NULL), CRM_EINVAL, "absorbed id");
    CHECK_FAILS(db, crm_customer_unmerge(db, p), CRM_ESTATE, "not merged");
    CHECK_FAILS(db, crm_customer_unmerge(db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_NULL_DB(db, crm_customer_merge(NULL, p, q), "crm_customer_merge");
    CHECK_NULL_DB(db, crm_customer_unmerge(NULL, gone), "crm_customer_unmerge");
    CHECK_UNCHANGED(db, &snap);
    CHECK_OK(db, crm_close(db));
}

/* ---- unmerge -------------------------------------------------------------------------------- */

TEST(unmerge_restores_every_table)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    sqlite3 *s = raw_open(path);
    family f;
    build(db, s, &f);
    CHECK_OK(db, crm_customer_archive(db, f.anna));
    CHECK_OK(db, crm_customer_set_owner(db, f.anna, "agent:bob"));
    /* An organisation's merge too: people of both, one of them in both. */
    CHECK_OK(db, crm_member_add(db, f.org2, f.ann, "buyer"));
    CHECK_OK(db, crm_member_add(db, f.org2, f.other, "staff"));
    char *before = dump(s);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_customer_merge(db, f.ann, f.anna));
    CHECK_OK(db, crm_customer_merge(db, f.org1, f.org2));
    char *merged = dump(s);
    CHECK(strcmp(before, merged) != 0);
    /* The later merge first: it took a membership Anna's merge kept. */
    CHECK_FAILS2(db, crm_customer_unmerge(db, f.anna), CRM_ESTATE, "1 of the memberships",
                 "other end");
    CHECK_OK(db, crm_customer_unmerge(db, f.org2));
    CHECK_OK(db, crm_customer_unmerge(db, f.anna));
    char *after = dump(s);
    CHECK_STR(after, before);
    fts_check(s);
    test_jrow want[] = {
        { "customer", "merged", f.anna, { "\"into\"" }, NULL },
        { "customer", "merge", f.ann, { "\"absorbed\"" }, NULL },
        { "customer", "merged", f.org2, { "\"into\"" }, NULL },
        { "customer", "merge", f.org1, { "\"absorbed\"" }, NULL },
        { "customer", "unmerge", f.org1, { "merge_seq" }, NULL },
        { "customer", "unmerge", f.org2, { "merge_seq" }, NULL },
        { "customer", "unmerge", f.ann, { "merge_seq" }, NULL },
        { "customer", "unmerge", f.anna, { "merge_seq" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 8));
    /* Unmerged is unmerged: nothing left to undo. */
    CHECK_FAILS(db, crm_customer_unmerge(db, f.anna), CRM_ESTATE, "not merged");
    /* And the same merge again gives the same file as the first time. */
    CHECK_OK(db, crm_customer_merge(db, f.ann, f.anna));
    CHECK_OK(db, crm_customer_unmerge(db, f.anna));
    char *again = dump(s);
    CHECK_STR(again, before);
    free(before);
    free(merged);
    free(after);
    free(again);
    sqlite3_close(s);
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(unmerge_blocked_by_later_change)
{
    crm_db *db = test_open_memory();
    cid a, b, c;
    test_customer(db, CRM_CUSTOMER_PERSON, "A", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "B", b);
    test_customer(db, CRM_CUSTOMER_PERSON, "C", c);
    CHECK_OK(db, crm_customer_merge(db, a, b));
    CHECK_OK(db, crm_tag_add(db, c, "unrelated"));
    CHECK_OK(db, crm_customer_rename(db, a, "A2"));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_FAILS2(db, crm_customer_unmerge(db, b), CRM_ESTATE, "op 'rename'", a);
    CHECK_UNCHANGED(db, &snap);
    /* A chain blocks the inner merge: B into A, then A into C. */
    crm_db *db2 = test_open_memory();
    test_customer(db2, CRM_CUSTOMER_PERSON, "A", a);
    test_customer(db2, CRM_CUSTOMER_PERSON, "B", b);
    test_customer(db2, CRM_CUSTOMER_PERSON, "C", c);
    CHECK_OK(db2, crm_customer_merge(db2, a, b));
    CHECK_OK(db2, crm_customer_merge(db2, c, a));
    CHECK_FAILS2(db2, crm_customer_unmerge(db2, b), CRM_ESTATE, "op 'merged'", a);
    CHECK_OK(db2, crm_customer_unmerge(db2, a));
    crm_customer *r = NULL;
    CHECK_OK(db2, crm_customer_get(&r, db2, b));
    CHECK_STR(crm_customer_id(r), a);
    CHECK_STR(crm_customer_merged_from(r), b);
    crm_customer_free(r);
    /* A merge undone is still a change of A's after B's merge. */
    CHECK_FAILS2(db2, crm_customer_unmerge(db2, b), CRM_ESTATE, "op 'merged'", a);
    CHECK_OK(db2, crm_close(db2));
    CHECK_OK(db, crm_close(db));
}

/* ---- consent precedence --------------------------------------------------------------------- */

static const char *const purposes[] = { "marketing", "surveys", "service_updates", "news" };

/* Two customers with ledgers where each merge direction must keep a
 * withdrawal against the other's grant. */
static void consent_pair(crm_db *db, sqlite3 *s, char *x, char *y)
{
    test_customer(db, CRM_CUSTOMER_PERSON, "X", x);
    test_customer(db, CRM_CUSTOMER_PERSON, "Y", y);
    /* marketing: X withdrew on every channel (old), Y granted email later. */
    consent(s, x, 1, "marketing", 0, 0, 1500000000000LL);
    consent(s, y, 2, "marketing", CRM_CHANNEL_EMAIL, 1, 1600000000000LL);
    /* surveys: X granted everything later than Y's sms withdrawal. */
    consent(s, y, 3, "surveys", CRM_CHANNEL_SMS, 0, 1500000000000LL);
    consent(s, x, 4, "surveys", 0, 1, 1600000000000LL);
    /* service_updates: both grant; X withdrew phone, then granted it again. */
    consent(s, x, 5, "service_updates", 0, 1, 1500000000000LL);
    consent(s, y, 6, "service_updates", CRM_CHANNEL_PHONE, 0, 1500000000001LL);
    consent(s, y, 7, "service_updates", CRM_CHANNEL_PHONE, 1, 1500000000002LL);
    /* news: Y only, withdrawn on letter, granted on every channel earlier. */
    consent(s, y, 8, "news", 0, 1, 1400000000000LL);
    consent(s, y, 9, "news", CRM_CHANNEL_LETTER, 0, 1450000000000LL);
}

/* answers[p][c]: purpose p on channel c (0: a channel neither has an
 * event of) for customer id. */
static void answers(sqlite3 *s, const char *id, int out[4][13])
{
    for (int p = 0; p < 4; p++)
        for (int c = 0; c <= 12; c++)
            out[p][c] = may(s, id, purposes[p], c == 12 ? 64 : c);
}

TEST(consent_precedence_both_ways)
{
    char p1[512], p2[512];
    crm_db *d1 = test_open_file(p1, sizeof p1), *d2 = test_open_file(p2, sizeof p2);
    sqlite3 *s1 = raw_open(p1), *s2 = raw_open(p2);
    cid x1, y1, x2, y2;
    consent_pair(d1, s1, x1, y1);
    consent_pair(d2, s2, x2, y2);
    int bx[4][13], by[4][13], m1[4][13], m2[4][13];
    answers(s1, x1, bx);
    answers(s1, y1, by);
    CHECK_OK(d1, crm_customer_merge(d1, x1, y1));
    CHECK_OK(d2, crm_customer_merge(d2, y2, x2));
    answers(s1, x1, m1);
    answers(s2, y2, m2);
    for (int p = 0; p < 4; p++) {
        for (int c = 0; c <= 12; c++) {
            CHECK_INT(m1[p][c], m2[p][c]);
            /* Never a grant where either side had withdrawn that key... */
            if (bx[p][c] == 0 || by[p][c] == 0)
                CHECK(m1[p][c] != 1);
        }
    }
    /* ...and what each key should say, worked out by hand. */
    CHECK_INT(m1[0][CRM_CHANNEL_EMAIL], 0); /* X's withdrawal beats Y's later grant */
    CHECK_INT(m1[0][0], 0);
    CHECK_INT(m1[1][CRM_CHANNEL_SMS], 0);   /* Y's sms withdrawal beats X's later grant */
    CHECK_INT(m1[1][CRM_CHANNEL_EMAIL], 1); /* and the rest of X's grant stands */
    CHECK_INT(m1[2][CRM_CHANNEL_PHONE], 1); /* Y granted phone again itself */
    CHECK_INT(m1[2][0], 1);
    CHECK_INT(m1[3][CRM_CHANNEL_LETTER], 0);
    CHECK_INT(m1[3][CRM_CHANNEL_EMAIL], 1);
    /* Exactly two withdrawals were added: marketing everywhere, surveys on sms. */
    CHECK_INT(raw_int(s1, "SELECT count(*) FROM consent WHERE customer_id = ?1 AND note LIKE "
                          "'merge%'", x1, NULL), 2);
    sqlite3_close(s1);
    sqlite3_close(s2);
    CHECK_OK(d1, crm_close(d1));
    CHECK_OK(d2, crm_close(d2));
    test_remove_db(p1);
    test_remove_db(p2);
}

/* ---- search and reports follow the records -------------------------------------------------- */

static int hits(crm_db *db, const char *query, int archived, const char *customer)
{
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.include_archived = archived;
    crm_search_hit_cursor *cur;
    const crm_search_hit *h;
    int n = 0;
    if (crm_search_hit_list_open(&cur, db, query, &o) != CRM_OK) {
        fprintf(stderr, "search %s: %s\n", query, crm_errmsg(db));
        TEST_FAIL_();
        return -1;
    }
    while (crm_search_hit_cursor_next(cur, &h) == CRM_ROW)
        n += strcmp(crm_search_hit_customer_id(h), customer) == 0;
    crm_search_hit_cursor_free(cur);
    return n;
}

TEST(search_and_reports_follow)
{
    crm_db *db = test_open_memory();
    cid keep, gone;
    test_customer(db, CRM_CUSTOMER_PERSON, "Keep", keep);
    test_customer(db, CRM_CUSTOMER_PERSON, "Gone", gone);
    CHECK_OK(db, crm_customer_set_owner(db, keep, "agent:alice"));
    CHECK_OK(db, crm_customer_set_owner(db, gone, "agent:bob"));
    interaction(db, gone, "zebrafish arrived dead", "delivery.dead", NULL);
    interaction(db, keep, "question", "billing.other", NULL);
    CHECK_OK(db, crm_customer_archive(db, keep));
    CHECK_INT(hits(db, "zebrafish", 0, gone), 1);
    CHECK_OK(db, crm_customer_merge(db, keep, gone));
    /* Found under the survivor, archived as it is. */
    CHECK_INT(hits(db, "zebrafish", 0, keep), 0);
    CHECK_INT(hits(db, "zebrafish", 1, keep), 1);
    CHECK_INT(hits(db, "zebrafish", 1, gone), 0);
    /* The reasons report by owner counts the moved contact under Alice's. */
    crm_report_options ro = CRM_REPORT_OPTIONS_INIT;
    ro.owner = "agent:alice";
    crm_report_cursor *rc;
    const crm_report_row *row;
    int64_t contacts = 0;
    CHECK_OK(db, crm_report_reasons_open(&rc, db, &ro));
    while (crm_report_cursor_next(rc, &row) == CRM_ROW)
        contacts += crm_report_row_int(row, CRM_REASONS_CONTACTS);
    crm_report_cursor_free(rc);
    CHECK_INT(contacts, 2);
    CHECK_OK(db, crm_customer_unmerge(db, gone));
    CHECK_INT(hits(db, "zebrafish", 0, gone), 1);
    CHECK_INT(hits(db, "zebrafish", 1, keep), 0);
    CHECK_OK(db, crm_report_reasons_open(&rc, db, &ro));
    contacts = 0;
    while (crm_report_cursor_next(rc, &row) == CRM_ROW)
        contacts += crm_report_row_int(row, CRM_REASONS_CONTACTS);
    crm_report_cursor_free(rc);
    CHECK_INT(contacts, 1);
    CHECK_OK(db, crm_close(db));
}

/* ---- duplicate candidates ------------------------------------------------------------------- */

/* The pairs as "first/other:score:reasons;" with the customers' names. */
static const char *pairs(crm_db *db, const crm_duplicate_filter *f)
{
    static char buf[4096];
    crm_duplicate_cursor *cur;
    int rc = crm_duplicate_list_open(&cur, db, f);
    if (rc != CRM_OK) {
        snprintf(buf, sizeof buf, "ERR open %s: %s", crm_errname(rc), crm_errmsg(db));
        return buf;
    }
    const crm_duplicate *d;
    size_t n = 0;
    buf[0] = '\0';
    while ((rc = crm_duplicate_cursor_next(cur, &d)) == CRM_ROW) {
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s/%s:%d:", crm_duplicate_customer_name(d),
                              crm_duplicate_other_name(d), crm_duplicate_score(d));
        unsigned int r = crm_duplicate_reasons(d);
        for (unsigned int bit = 1; bit <= 32; bit <<= 1)
            if (r & bit)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s,",
                                      crm_duplicate_reason_name((crm_duplicate_reason_t)bit));
        n += (size_t)snprintf(buf + n, sizeof buf - n, ";");
    }
    crm_duplicate_cursor_free(cur);
    if (rc != CRM_DONE)
        snprintf(buf, sizeof buf, "ERR next %s: %s", crm_errname(rc), crm_errmsg(db));
    return buf;
}

TEST(duplicates_found)
{
    crm_db *db = test_open_memory();
    cid jose, jose2, jose3, mia, mia2, org, pat, pat2, ann;
    test_customer(db, CRM_CUSTOMER_PERSON, "José Müller", jose);
    test_customer(db, CRM_CUSTOMER_PERSON, "jose muller", jose2);
    test_customer(db, CRM_CUSTOMER_PERSON, "JOSE MÜLLER", jose3);
    test_customer(db, CRM_CUSTOMER_PERSON, "Mia Ærøskøbing", mia);
    test_customer(db, CRM_CUSTOMER_PERSON, "mia aeroskobing", mia2);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", org);
    test_customer(db, CRM_CUSTOMER_PERSON, "Pat", pat);
    test_customer(db, CRM_CUSTOMER_PERSON, "Patricia", pat2);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    /* José: one shares an e-mail domain, one a phone's last 7 digits. */
    CHECK_OK(db, crm_identity_add(NULL, db, jose, "email", "jose@muller.example", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, jose2, "email", "j.m@MULLER.example", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, jose, "phone", "+1 415 555 0100", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, jose3, "phone", "+44 20 7555 0100", 0));
    /* Mia: the same name, nothing else: 40, under the default minimum. */
    /* Pat: one organisation, one date of birth, one shared landline. */
    CHECK_OK(db, crm_member_add(db, org, pat, "staff"));
    CHECK_OK(db, crm_member_add(db, org, pat2, "staff"));
    CHECK_OK(db, crm_member_add(db, org, ann, "staff"));
    CHECK_OK(db, crm_attr_set(db, pat, "date_of_birth", "1970-01-01"));
    CHECK_OK(db, crm_attr_set(db, pat2, "date_of_birth", "1970-01-01"));
    CHECK_OK(db, crm_attr_set(db, ann, "date_of_birth", "1970-01-02"));
    CHECK_STR(pairs(db, NULL), "José Müller/JOSE MÜLLER:70:name,phone_suffix,;"
                               "José Müller/jose muller:60:name,email_domain,;");
    crm_duplicate_filter f = CRM_DUPLICATE_FILTER_INIT;
    f.min_score = 1;
    const char *dob[] = { "date_of_birth", NULL };
    f.attribute_keys = dob;
    CHECK_STR(pairs(db, &f), "José Müller/JOSE MÜLLER:70:name,phone_suffix,;"
                             "José Müller/jose muller:60:name,email_domain,;"
                             "Pat/Patricia:50:organisation,attribute,;"
                             "jose muller/JOSE MÜLLER:40:name,;"
                             "Mia Ærøskøbing/mia aeroskobing:40:name,;");
    CHECK_OK(db, crm_identity_add(NULL, db, pat, "phone", "+1 212 555 0199", CRM_IDENTITY_SHARED));
    CHECK_OK(db, crm_identity_add(NULL, db, ann, "phone", "+1 212 555 0199", CRM_IDENTITY_SHARED));
    f.min_score = 50;
    CHECK_STR(pairs(db, &f), "Pat/Ann:100:phone_suffix,organisation,identity,;"
                             "José Müller/JOSE MÜLLER:70:name,phone_suffix,;"
                             "José Müller/jose muller:60:name,email_domain,;"
                             "Pat/Patricia:50:organisation,attribute,;");
    f.limit = 2;
    CHECK_STR(pairs(db, &f), "Pat/Ann:100:phone_suffix,organisation,identity,;"
                             "José Müller/JOSE MÜLLER:70:name,phone_suffix,;");
    /* One customer's pairs, that customer first. */
    f.limit = 0;
    f.customer_id = jose3;
    CHECK_STR(pairs(db, &f), "JOSE MÜLLER/José Müller:70:name,phone_suffix,;");
    f.min_score = 1;
    CHECK_STR(pairs(db, &f), "JOSE MÜLLER/José Müller:70:name,phone_suffix,;"
                             "JOSE MÜLLER/jose muller:40:name,;");
    /* Archived customers are left out unless asked for. */
    f.customer_id = NULL;
    f.min_score = 50;
    CHECK_OK(db, crm_customer_archive(db, ann));
    CHECK_STR(pairs(db, &f), "José Müller/JOSE MÜLLER:70:name,phone_suffix,;"
                             "José Müller/jose muller:60:name,email_domain,;"
                             "Pat/Patricia:50:organisation,attribute,;");
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_STR(pairs(db, &f), "Pat/Ann:100:phone_suffix,organisation,identity,;");
    /* A rename keeps the key in step. */
    f.archived = CRM_ARCHIVED_EXCLUDE;
    CHECK_OK(db, crm_customer_rename(db, jose3, "Someone Else"));
    CHECK_STR(pairs(db, &f), "José Müller/jose muller:60:name,email_domain,;"
                             "Pat/Patricia:50:organisation,attribute,;");
    /* After a merge the pair is gone. */
    CHECK_OK(db, crm_customer_merge(db, jose, jose2));
    CHECK_STR(pairs(db, &f), "Pat/Patricia:50:organisation,attribute,;");
    CHECK_OK(db, crm_close(db));
}

TEST(duplicate_bad_input)
{
    crm_db *db = test_open_memory();
    cid a, b;
    test_customer(db, CRM_CUSTOMER_PERSON, "A", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "B", b);
    CHECK_OK(db, crm_customer_merge(db, a, b));
    int64_t seq = test_last_seq(db);
    crm_duplicate_cursor *cur = (crm_duplicate_cursor *)&seq;
    crm_duplicate_filter f = CRM_DUPLICATE_FILTER_INIT;
    f.version = 0;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "version");
    f.version = 99;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "version");
    f = (crm_duplicate_filter)CRM_DUPLICATE_FILTER_INIT;
    f.min_score = 0;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "min_score");
    f.min_score = 101;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "min_score");
    f.min_score = 50;
    f.archived = (crm_archived_filter_t)7;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "archived");
    f.archived = CRM_ARCHIVED_EXCLUDE;
    const char *bad_key[] = { "date of birth", NULL };
    f.attribute_keys = bad_key;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "attribute_keys[0]");
    const char *utf8_key[] = { "ok", "\xff", NULL };
    f.attribute_keys = utf8_key;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "attribute_keys[1]");
    const char *many[CRM_DUPLICATE_KEYS_MAX + 2];
    for (int i = 0; i <= CRM_DUPLICATE_KEYS_MAX; i++)
        many[i] = "k";
    many[CRM_DUPLICATE_KEYS_MAX + 1] = NULL;
    f.attribute_keys = many;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "more than 16");
    f.attribute_keys = NULL;
    for (const char *const *bad = test_bad_ids; *bad; bad++) {
        f.customer_id = *bad;
        CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_EINVAL, "customer_id");
    }
    f.customer_id = TEST_UNKNOWN_ID;
    CHECK_FAILS(db, crm_duplicate_list_open(&cur, db, &f), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    f.customer_id = b;
    CHECK_FAILS2(db, crm_duplicate_list_open(&cur, db, &f), CRM_ENOTFOUND, "merged into", a);
    CHECK(cur == (crm_duplicate_cursor *)&seq);
    CHECK_FAILS(db, crm_duplicate_list_open(NULL, db, NULL), CRM_EINVAL, "out");
    CHECK_NULL_DB(db, crm_duplicate_list_open(&cur, NULL, NULL), "crm_duplicate_list_open");
    CHECK_INT(test_last_seq(db), seq);
    /* Names and words. */
    crm_duplicate_reason_t r;
    for (unsigned int bit = 1; bit <= 32; bit <<= 1) {
        CHECK_OK(NULL, crm_duplicate_reason_parse(&r, crm_duplicate_reason_name(
                                                          (crm_duplicate_reason_t)bit)));
        CHECK_INT(r, bit);
    }
    CHECK(crm_duplicate_reason_name((crm_duplicate_reason_t)3) == NULL);
    CHECK(crm_duplicate_reason_parse(&r, "nope") == CRM_EINVAL);
    CHECK(crm_duplicate_reason_parse(&r, NULL) == CRM_EINVAL);
    CHECK(crm_duplicate_reason_parse(NULL, "name") == CRM_EINVAL);
    CHECK(crm_duplicate_customer_id(NULL) == NULL);
    CHECK_INT(crm_duplicate_score(NULL), 0);
    CHECK_INT(crm_duplicate_reasons(NULL), 0);
    CHECK(crm_customer_merged_from(NULL) == NULL);
    crm_duplicate_free(NULL);
    CHECK_OK(db, crm_close(db));
}

TEST(duplicate_dup)
{
    crm_db *db = test_open_memory();
    cid a, b;
    test_customer(db, CRM_CUSTOMER_PERSON, "Zoë", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "zoe", b);
    crm_duplicate_filter f = CRM_DUPLICATE_FILTER_INIT;
    f.min_score = 40;
    crm_duplicate_cursor *cur;
    const crm_duplicate *d;
    crm_duplicate *copy = NULL;
    CHECK_OK(db, crm_duplicate_list_open(&cur, db, &f));
    CHECK_INT(crm_duplicate_cursor_next(cur, &d), CRM_ROW);
    CHECK_OK(NULL, crm_duplicate_dup(&copy, d));
    CHECK_INT(crm_duplicate_cursor_next(cur, &d), CRM_DONE);
    crm_duplicate_cursor_free(cur);
    CHECK_STR(crm_duplicate_customer_id(copy), a);
    CHECK_STR(crm_duplicate_other_id(copy), b);
    CHECK_STR(crm_duplicate_customer_name(copy), "Zoë");
    CHECK_STR(crm_duplicate_other_name(copy), "zoe");
    CHECK_INT(crm_duplicate_score(copy), 40);
    CHECK_INT(crm_duplicate_reasons(copy), CRM_DUPLICATE_NAME);
    CHECK_INT(crm_duplicate_attributes(copy), 0);
    crm_duplicate_free(copy);
    CHECK(crm_duplicate_dup(NULL, d) == CRM_EINVAL);
    CHECK(crm_duplicate_dup(&copy, NULL) == CRM_EINVAL);
    CHECK_OK(db, crm_close(db));
}

/* ---- a file of schema 9 gets its folded names ----------------------------------------------- */

/* A file of schema version `last`, made by running the migrations by hand
 * as an older libcrm did: open on a raw connection. */
static sqlite3 *schema_upto(const char *path, int last)
{
    sqlite3 *s;
    if (sqlite3_open(path, &s) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    raw_exec(s, "PRAGMA journal_mode = WAL");
    for (int v = 1; v <= last; v++) {
        char pattern[600], cmd[700];
        snprintf(pattern, sizeof pattern, "%s/%04d_*.sql", CRM_SCHEMA_DIR, v);
        snprintf(cmd, sizeof cmd, "ls %s", pattern);
        FILE *ls = popen(cmd, "r");
        char file[600] = "";
        if (!ls || !fgets(file, sizeof file, ls)) {
            fprintf(stderr, "no migration %04d in %s\n", v, CRM_SCHEMA_DIR);
            exit(2);
        }
        pclose(ls);
        file[strcspn(file, "\n")] = '\0';
        char *sql = test_slurp_text(file);
        raw_exec(s, "BEGIN");
        raw_exec(s, sql);
        raw_exec(s, "COMMIT");
        free(sql);
    }
    return s;
}

TEST(migration_folds_existing_names)
{
    char path[512];
    test_temp_path(path, sizeof path, ".db");
    sqlite3 *s = schema_upto(path, 9);
    raw_exec(s, "INSERT INTO customer (id, kind, name, name_key, created_at, updated_at) VALUES "
                "(x'0190a5b27c3e7d4f8a1b2c3d4e5f6a70', 1, 'ŁUKASZ ØSTERGÅRD', "
                "'Łukasz Østergård', 1, 1)");
    sqlite3_close(s);
    crm_db *db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, NULL));
    cid other;
    test_customer(db, CRM_CUSTOMER_PERSON, "lukasz ostergard", other);
    crm_duplicate_filter f = CRM_DUPLICATE_FILTER_INIT;
    f.min_score = 40;
    CHECK_STR(pairs(db, &f), "ŁUKASZ ØSTERGÅRD/lukasz ostergard:40:name,;");
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

/* The migration folds in SQL what libcrm folds in C from then on: for
 * every letter of Latin-1 and Latin Extended-A, upper and lower case, a
 * name migrated and the same name created afterwards get the same key. */
TEST(migration_folds_as_libcrm_does)
{
    char path[512];
    test_temp_path(path, sizeof path, ".db");
    sqlite3 *s = schema_upto(path, 10);
    sqlite3_stmt *ins;
    CHECK(sqlite3_prepare_v2(s,
                             "INSERT INTO customer (id, kind, name, name_key, created_at, "
                             "updated_at) VALUES (randomblob(16), 1, ?1, lower(?1), 1, 1)",
                             -1, &ins, NULL) == SQLITE_OK);
    char names[0x180 - 0xC0][16];
    int n = 0;
    for (unsigned cp = 0xC0; cp < 0x180; cp++) {
        /* "Ab", the letter as UTF-8, "cD". */
        snprintf(names[n], sizeof names[n], "Ab%c%ccD", (char)(0xC0 | (cp >> 6)),
                 (char)(0x80 | (cp & 0x3F)));
        sqlite3_bind_text(ins, 1, names[n], -1, SQLITE_STATIC);
        CHECK(sqlite3_step(ins) == SQLITE_DONE);
        sqlite3_reset(ins);
        n++;
    }
    sqlite3_finalize(ins);
    sqlite3_close(s);
    crm_db *db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, NULL));
    for (int i = 0; i < n; i++) {
        cid id;
        test_customer(db, CRM_CUSTOMER_PERSON, names[i], id);
    }
    CHECK_OK(db, crm_close(db));
    CHECK(sqlite3_open(path, &s) == SQLITE_OK);
    sqlite3_stmt *st;
    CHECK(sqlite3_prepare_v2(s,
                             "SELECT a.name, a.fold_key, b.fold_key FROM customer a "
                             "JOIN customer b ON b.name = a.name AND b.id > a.id",
                             -1, &st, NULL) == SQLITE_OK);
    int pairs_seen = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *x = (const char *)sqlite3_column_text(st, 1);
        const char *y = (const char *)sqlite3_column_text(st, 2);
        if (strcmp(x, y) != 0)
            fprintf(stderr, "'%s': migrated '%s', created '%s'\n", sqlite3_column_text(st, 0), x,
                    y);
        CHECK_STR(x, y);
        pairs_seen++;
    }
    sqlite3_finalize(st);
    sqlite3_close(s);
    CHECK_INT(pairs_seen, n);
    test_remove_db(path);
}

int main(void)
{
    RUN(merge_moves_everything);
    RUN(old_id_resolves_to_survivor);
    RUN(merge_refusals);
    RUN(unmerge_restores_every_table);
    RUN(unmerge_blocked_by_later_change);
    RUN(consent_precedence_both_ways);
    RUN(search_and_reports_follow);
    RUN(duplicates_found);
    RUN(duplicate_bad_input);
    RUN(duplicate_dup);
    RUN(migration_folds_existing_names);
    RUN(migration_folds_as_libcrm_does);
    return test_summary();
}
