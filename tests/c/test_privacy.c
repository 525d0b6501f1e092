/*
 * Privacy: a customer's export (checked field by field with SQLite's own
 * JSON functions), the erase (what goes, what stays, every report the same
 * before and after, every later call refused), the bytes of the file after
 * an erase, retention, and bad input on every call.
 */
#include <ctype.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <unistd.h>

#include "test.h"

static int64_t now_ms = 1780000000000; /* 2026-05-28 */

static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return now_ms;
}

static crm_db *open_path(const char *path)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    o.actor = "agent:dora";
    o.clock = test_clock;
    crm_db *db = NULL;
    if (crm_open(&db, path, &o) != CRM_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

static crm_db *open_new(char *path, size_t size)
{
    test_temp_path(path, size, ".db");
    return open_path(path);
}

/* ---- SQLite on the side ----------------------------------------------------- */

static sqlite3 *raw_open(const char *path)
{
    sqlite3 *s = NULL;
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "raw open %s: %s\n", path, sqlite3_errmsg(s));
        exit(2);
    }
    sqlite3_busy_timeout(s, 5000);
    return s;
}

/* The first column of the first row of sql with ?1 bound to a text (or
 * nothing), as text (static buffer; "NULL" for NULL, "ERR ..." on error). */
static const char *raw_text(sqlite3 *s, const char *sql, const char *arg)
{
    static char out[8192];
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "ERR %s", sqlite3_errmsg(s));
        return out;
    }
    if (arg)
        sqlite3_bind_text(st, 1, arg, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        snprintf(out, sizeof out, "%s", t ? (const char *)t : "NULL");
    } else {
        snprintf(out, sizeof out, "ERR %d %s", rc, sqlite3_errmsg(s));
    }
    sqlite3_finalize(st);
    return out;
}

static long long raw_int(sqlite3 *s, const char *sql, const char *arg)
{
    return atoll(raw_text(s, sql, arg));
}

/* The X'..' form of a canonical id, for SQL written by the test. */
static void id_hex(char out[40], const char *id)
{
    size_t n = 0;
    for (const char *p = id; *p; p++)
        if (*p != '-')
            out[n++] = *p;
    out[n] = '\0';
}

/* A consent event, written as the ledger's schema has it. */
static void add_consent(const char *path, const char *customer, const char *purpose, int granted,
                        int64_t at, const char *note)
{
    sqlite3 *s = raw_open(path);
    char hex[40], sql[512];
    id_hex(hex, customer);
    snprintf(sql, sizeof sql,
             "INSERT INTO consent (id, customer_id, purpose, channel, granted, at, actor, "
             "interaction_id, note) VALUES (randomblob(16), X'%s', '%s', 3, %d, %lld, "
             "'agent:dora', NULL, ?1)",
             hex, purpose, granted, (long long)at);
    const char *r = raw_text(s, sql, note);
    if (strncmp(r, "ERR 101", 7) != 0) {
        fprintf(stderr, "consent insert: %s\n", r);
        exit(2);
    }
    sqlite3_close(s);
}

/* ---- a customer with every kind of record --------------------------------- */

/* The markers: each personal field holds one, and the file is scanned for
 * its tail (all but "qj"), case folded: FTS5 keeps a word's leading bytes
 * shared with the word before it, so the tail is what a page would show. */
enum { M_OLD_NAME, M_NAME, M_EMAIL, M_GONE_EMAIL, M_ATTR, M_TAG, M_SUMMARY, M_OLD_SUMMARY,
       M_BODY, M_PROMISE, M_WHY, M_KEEP_NOTE, M_OCCASION, M_CONSENT, M_ROLE, M_REF, M_PHONE,
       M_COUNT };
static const char *const marker_tail[M_COUNT] = {
    "av8z3k5p1", "bv8z3k5p1", "cv8z3k5p1", "dv8z3k5p1", "ev8z3k5p1", "fv8z3k5p1",
    "gv8z3k5p1", "hv8z3k5p1", "iv8z3k5p1", "jv8z3k5p1", "kv8z3k5p1", "lv8z3k5p1",
    "mv8z3k5p1", "nv8z3k5p1", "ov8z3k5p1", "pv8z3k5p1", "9184637",
};

typedef struct rich {
    char id[CRM_ID_LEN + 1];
    char org[CRM_ID_LEN + 1];
    char first[CRM_ID_LEN + 1]; /* the first interaction */
    char promise[CRM_ID_LEN + 1];  /* made, renegotiated and kept */
    char open[CRM_ID_LEN + 1];     /* still open */
    char other[CRM_ID_LEN + 1]; /* someone else, untouched */
} rich;

static int64_t day(int n)
{
    return 1779000000000 + (int64_t)n * 86400000;
}

static int make_rich(crm_db *db, const char *path, rich *r)
{
    crm_customer *c = NULL;
    if (crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Ada QJAV8Z3K5P1") != CRM_OK)
        return 0;
    snprintf(r->id, sizeof r->id, "%s", crm_customer_id(c));
    crm_customer_free(c);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Analytical Engines Ltd", r->org);
    test_customer(db, CRM_CUSTOMER_PERSON, "Charles Babbage", r->other);
    if (crm_customer_rename(db, r->id, "Ada qjbv8z3k5p1 Lovelace") ||
        crm_customer_set_owner(db, r->id, "team:care") ||
        crm_customer_set_owner(db, r->other, "team:care") ||
        crm_identity_add(NULL, db, r->id, "email", "qjcv8z3k5p1@example.org", 1) ||
        crm_identity_add(NULL, db, r->id, "phone", "+12029184637", 0) ||
        crm_identity_add(NULL, db, r->id, "email", "qjdv8z3k5p1@example.net", 0) ||
        crm_identity_remove(db, r->id, "email", "qjdv8z3k5p1@example.net") ||
        crm_attr_set(db, r->id, "nickname", "qjev8z3k5p1") ||
        crm_tag_add(db, r->id, "qjfv8z3k5p1") ||
        crm_member_add(db, r->org, r->id, "qjov8z3k5p1 lead"))
        return 0;
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = r->id;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = day(1);
    s.handled_by = "agent:dora";
    s.reason = "billing.refund";
    s.outcome = CRM_OUTCOME_RESOLVED;
    s.sentiment = -1;
    s.summary = "First qjhv8z3k5p1 summary";
    s.body = "Dear team,\nqjiv8z3k5p1 here.";
    s.external_ref = "ref-qjpv8z3k5p1";
    crm_interaction *it = NULL;
    if (crm_interaction_log(&it, db, &s))
        return 0;
    snprintf(r->first, sizeof r->first, "%s", crm_interaction_id(it));
    crm_interaction_free(it);
    if (crm_interaction_set_summary(db, r->first, "Refund qjgv8z3k5p1 agreed"))
        return 0;
    s.occurred_at = day(2);
    s.channel = CRM_CHANNEL_PHONE;
    s.summary = NULL;
    s.body = NULL;
    s.external_ref = NULL;
    s.reason = "billing.refund";
    s.outcome = CRM_OUTCOME_UNRESOLVED;
    s.is_public = 1;
    if (crm_interaction_log(NULL, db, &s))
        return 0;
    s.customer_id = r->other;
    s.occurred_at = day(3);
    s.summary = "Charles asks about gears";
    if (crm_interaction_log(NULL, db, &s))
        return 0;
    crm_promise *p = NULL;
    if (crm_promise_make(&p, db, r->id, r->first, "agent:dora", "Send qjjv8z3k5p1 refund",
                         day(5), day(1)))
        return 0;
    snprintf(r->promise, sizeof r->promise, "%s", crm_promise_id(p));
    crm_promise_free(p);
    if (crm_promise_renegotiate(NULL, db, r->promise, day(8), "Customer qjkv8z3k5p1 asked", 1,
                                day(2)) ||
        crm_promise_keep(NULL, db, r->promise, NULL, "Done qjlv8z3k5p1", day(9)))
        return 0;
    if (crm_promise_make(&p, db, r->id, NULL, "team:care", "Call back", day(40), day(3)))
        return 0;
    snprintf(r->open, sizeof r->open, "%s", crm_promise_id(p));
    crm_promise_free(p);
    if (crm_promise_make(NULL, db, r->other, NULL, "team:care", "Oil the gears", day(4), day(3)))
        return 0;
    crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
    o.customer_id = r->id;
    o.kind = "birthday";
    o.yearly = 1;
    o.year = 1815;
    o.month = 12;
    o.day = 10;
    o.lead_days = 7;
    o.note = "qjmv8z3k5p1 party";
    if (crm_occasion_add(NULL, db, &o))
        return 0;
    add_consent(path, r->id, "marketing", 1, day(1), "Signed qjnv8z3k5p1 form");
    add_consent(path, r->id, "marketing", 0, day(6), "");
    return 1;
}

/* ---- the export -------------------------------------------------------------- */

TEST(export_rich)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    CHECK(make_rich(db, path, &r));
    char *doc = NULL;
    CHECK_OK(db, crm_customer_export(&doc, db, r.id));
    sqlite3 *s = raw_open(path);
    sqlite3_stmt *st;
    CHECK_INT(sqlite3_prepare_v2(s,
                                 "SELECT json_valid(?1), json_extract(?1, ?2)", -1, &st, NULL),
              SQLITE_OK);
    struct {
        const char *path, *want;
    } want[] = {
        { "$.format", "libcrm-customer-export" },
        { "$.version", "1" },
        { "$.exported_at", "1780000000000" },
        { "$.exported_at_utc", "2026-05-28T20:26:40.000Z" },
        { "$.customer.id", r.id },
        { "$.customer.kind", "person" },
        { "$.customer.name", "Ada qjbv8z3k5p1 Lovelace" },
        { "$.customer.owner", "team:care" },
        { "$.customer.archived_at", NULL },
        { "$.identities[0].kind", "email" },
        { "$.identities[0].value", "qjcv8z3k5p1@example.org" },
        { "$.identities[0].primary", "1" },
        { "$.identities[1].kind", "phone" },
        { "$.identities[1].key", "+12029184637" },
        { "$.identities[2]", NULL },
        { "$.attributes[0].key", "nickname" },
        { "$.attributes[0].value", "qjev8z3k5p1" },
        { "$.tags[0]", "qjfv8z3k5p1" },
        { "$.memberships[0].org_id", r.org },
        { "$.memberships[0].person_id", r.id },
        { "$.memberships[0].role", "qjov8z3k5p1 lead" },
        { "$.memberships[0].org_name", "Analytical Engines Ltd" },
        { "$.interactions[0].id", r.first },
        { "$.interactions[0].channel", "email" },
        { "$.interactions[0].direction", "in" },
        { "$.interactions[0].occurred_at", "1779086400000" },
        { "$.interactions[0].occurred_at_utc", "2026-05-18T06:40:00.000Z" },
        { "$.interactions[0].outcome", "resolved" },
        { "$.interactions[0].summary", "Refund qjgv8z3k5p1 agreed" },
        { "$.interactions[0].body", "Dear team,\nqjiv8z3k5p1 here." },
        { "$.interactions[0].external_ref", "ref-qjpv8z3k5p1" },
        { "$.interactions[0].thread_id", r.first },
        { "$.interactions[0].reply_to", NULL },
        { "$.interactions[0].sentiment", "-1" },
        { "$.interactions[1].channel", "phone" },
        { "$.interactions[1].public", "1" },
        { "$.interactions[2]", NULL },
        { "$.promises[0].id", r.promise },
        { "$.promises[0].what", "Send qjjv8z3k5p1 refund" },
        { "$.promises[0].state", "kept" },
        { "$.promises[0].interaction_id", r.first },
        { "$.promises[0].events[0].kind", "made" },
        { "$.promises[0].events[1].kind", "renegotiated" },
        { "$.promises[0].events[1].note", "Customer qjkv8z3k5p1 asked" },
        { "$.promises[0].events[1].customer_agreed", "1" },
        { "$.promises[0].events[2].kind", "kept" },
        { "$.promises[0].events[2].note", "Done qjlv8z3k5p1" },
        { "$.promises[0].events[3]", NULL },
        { "$.promises[1].state", "open" },
        { "$.promises[2]", NULL },
        { "$.occasions[0].kind", "birthday" },
        { "$.occasions[0].year", "1815" },
        { "$.occasions[0].note", "qjmv8z3k5p1 party" },
        { "$.consent[0].purpose", "marketing" },
        { "$.consent[0].channel", "email" },
        { "$.consent[0].granted", "1" },
        { "$.consent[0].note", "Signed qjnv8z3k5p1 form" },
        { "$.consent[1].granted", "0" },
        { "$.journal[0].entity", "customer" },
        { "$.journal[0].op", "create" },
        { "$.journal[0].data.name", "Ada QJAV8Z3K5P1" },
        { "$.journal[1].op", "rename" },
        { "$.journal[1].data.old_name", "Ada QJAV8Z3K5P1" },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        sqlite3_reset(st);
        sqlite3_bind_text(st, 1, doc, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, want[i].path, -1, SQLITE_STATIC);
        CHECK_INT(sqlite3_step(st), SQLITE_ROW);
        CHECK_INT(sqlite3_column_int(st, 0), 1);
        const char *got = (const char *)sqlite3_column_text(st, 1);
        if (!want[i].want) {
            if (got)
                fprintf(stderr, "%s: %s\n", want[i].path, got);
            CHECK(got == NULL);
        } else {
            if (!got || strcmp(got, want[i].want) != 0)
                fprintf(stderr, "at %s\n", want[i].path);
            CHECK_STR(got, want[i].want);
        }
    }
    sqlite3_finalize(st);
    /* Independently: every journal entry about the customer, and no other. */
    char hex[40], sql[256];
    id_hex(hex, r.id);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM journal WHERE entity_id = X'%s'", hex);
    long long entries = raw_int(s, sql, NULL);
    CHECK(entries >= 12);
    CHECK_INT(raw_int(s, "SELECT json_array_length(?1, '$.journal')", doc), entries);
    /* The journal's data is an object, not a string holding one. */
    CHECK_STR(raw_text(s, "SELECT json_type(?1, '$.journal[0].data')", doc), "object");
    /* The organisation's export has the membership too, from its side. */
    char *org_doc = NULL;
    CHECK_OK(db, crm_customer_export(&org_doc, db, r.org));
    CHECK_STR(raw_text(s, "SELECT json_extract(?1, '$.memberships[0].person_name')", org_doc),
              "Ada qjbv8z3k5p1 Lovelace");
    CHECK_STR(raw_text(s, "SELECT json_extract(?1, '$.customer.kind')", org_doc), "organisation");
    crm_free(org_doc);
    sqlite3_close(s);
    /* For the schema test (tests/python/test_privacy.py builds its own). */
    crm_free(doc);
    crm_close(db);
    test_remove_db(path);
}

TEST(export_minimal)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", id);
    char *doc = NULL;
    CHECK_OK(db, crm_customer_export(&doc, db, id));
    CHECK_CONTAINS(doc, "\"identities\":[]");
    CHECK_CONTAINS(doc, "\"tags\":[]");
    CHECK_CONTAINS(doc, "\"consent\":[]");
    CHECK_CONTAINS(doc, "\"owner\":null");
    CHECK_CONTAINS(doc, "\"journal\":[{");
    crm_free(doc);
    crm_close(db);
}

TEST(export_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", id);
    char *doc = (char *)"untouched";
    CHECK_NULL_DB(db, crm_customer_export(&doc, NULL, id), "crm_customer_export");
    CHECK_FAILS(db, crm_customer_export(NULL, db, id), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_customer_export(&doc, db, NULL), CRM_EINVAL, "customer id");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_customer_export(&doc, db, test_bad_ids[i]), CRM_EINVAL,
                    "customer id");
    CHECK_FAILS(db, crm_customer_export(&doc, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                "no customer has id");
    CHECK_STR(doc, "untouched");
    crm_close(db);
}

/* ---- reports, before and after ---------------------------------------------- */

/* Every row of a report, as text, appended to out. */
static int dump_report(crm_db *db, int which, const crm_report_options *o, char *out, size_t cap)
{
    crm_report_cursor *cur = NULL;
    int rc;
    switch (which) {
    case 0: rc = crm_report_reasons_open(&cur, db, o); break;
    case 1: rc = crm_report_repeats_open(&cur, db, o); break;
    case 2: rc = crm_report_fcr_open(&cur, db, o); break;
    case 3: rc = crm_report_handover_open(&cur, db, o); break;
    case 4: rc = crm_report_keep_rate_open(&cur, db, o); break;
    default: rc = crm_report_channel_mix_open(&cur, db, o); break;
    }
    if (rc)
        return rc;
    size_t len = strlen(out);
    const crm_report_row *row;
    int n = crm_report_column_count(cur);
    while ((rc = crm_report_cursor_next(cur, &row)) == CRM_ROW) {
        for (int i = 0; i < n; i++) {
            const char *t = crm_report_row_is_null(row, i) ? "-" : crm_report_row_text(row, i);
            len += (size_t)snprintf(out + len, cap - len, "%s%s", i ? "," : "",
                                    t ? t : "?");
        }
        len += (size_t)snprintf(out + len, cap - len, "\n");
    }
    crm_report_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

static const char *const report_names[] = { "reasons",   "repeats",   "fcr",
                                            "handover",  "keep_rate", "channel_mix" };

/* Every report, under a few options each. */
static int dump_all(crm_db *db, char out[6][4][4096])
{
    for (int w = 0; w < 6; w++) {
        for (int v = 0; v < 4; v++) {
            crm_report_options o = CRM_REPORT_OPTIONS_INIT;
            if (v == 1)
                o.owner = "team:care";
            if (v == 2) {
                o.depth = 1;
                o.by_channel = 1;
                o.period = CRM_REPORT_PERIOD_WEEK;
            }
            if (v == 3) {
                o.from = day(2);
                o.to = day(30);
                o.channels = CRM_CHANNEL_BIT(CRM_CHANNEL_PHONE);
            }
            out[w][v][0] = '\0';
            int rc = dump_report(db, w, &o, out[w][v], sizeof out[w][v]);
            if (rc)
                return rc;
        }
    }
    return CRM_OK;
}

TEST(erase_keeps_every_report)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    CHECK(make_rich(db, path, &r));
    static char before[6][4][4096], after[6][4][4096];
    CHECK_OK(db, dump_all(db, before));
    /* The reports have something to lose. */
    CHECK_CONTAINS(before[0][0], "billing.refund");
    CHECK_CONTAINS(before[4][1], "team:care");
    CHECK_OK(db, crm_customer_erase(db, r.id));
    CHECK_OK(db, dump_all(db, after));
    for (int w = 0; w < 6; w++)
        for (int v = 0; v < 4; v++) {
            if (strcmp(before[w][v], after[w][v]) != 0)
                fprintf(stderr, "report %s, options %d:\n%s---\n%s", report_names[w], v,
                        before[w][v], after[w][v]);
            CHECK_STR(after[w][v], before[w][v]);
        }
    crm_close(db);
    test_remove_db(path);
}

/* An id merged into a customer erased since names no one: resolving it
 * says the survivor was erased, and lists nobody. */
TEST(resolve_absorbed_id_of_erased_survivor)
{
    crm_db *db = test_open_memory();
    char keep[CRM_ID_LEN + 1], gone[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ada Lovelace", keep);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ada L.", gone);
    CHECK_OK(db, crm_customer_merge(db, keep, gone));
    CHECK_OK(db, crm_customer_erase(db, keep));
    crm_customer *c = NULL;
    CHECK_FAILS2(db, crm_customer_resolve(&c, db, gone), CRM_ENOTFOUND, keep, "was erased");
    CHECK(c == NULL);
    crm_customer_cursor *cur = NULL;
    CHECK_OK(db, crm_customer_resolve_open(&cur, db, gone));
    const crm_customer *one = NULL;
    CHECK_INT(crm_customer_cursor_next(cur, &one), CRM_DONE);
    crm_customer_cursor_free(cur);
    crm_close(db);
}

/* What stays of an erased customer travels in JSON Lines: the file
 * imports into an empty database (the customer's interactions, promises
 * and consent events load before the customer is marked erased, which
 * refuses new rows naming it), exports the same bytes, keeps every report,
 * imports again adding nothing, and still refuses new rows naming it. */
TEST(erased_customer_survives_a_jsonl_round_trip)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    CHECK(make_rich(db, path, &r));
    CHECK_OK(db, crm_customer_erase(db, r.id));
    static char before[6][4][4096], after[6][4][4096];
    CHECK_OK(db, dump_all(db, before));
    char *text = NULL;
    CHECK_OK(db, crm_jsonl_export_mem(&text, db));

    crm_db *copy = test_open_memory();
    crm_import_result *res = NULL;
    CHECK_OK(copy, crm_jsonl_import_mem(&res, copy, text, strlen(text), NULL));
    CHECK(crm_import_result_records(res) > 10);
    crm_import_result_free(res);
    char *again = NULL;
    CHECK_OK(copy, crm_jsonl_export_mem(&again, copy));
    CHECK_STR(again, text);
    CHECK_OK(copy, dump_all(copy, after));
    for (int w = 0; w < 6; w++)
        for (int v = 0; v < 4; v++)
            CHECK_STR(after[w][v], before[w][v]);

    int64_t seq = test_last_seq(copy);
    CHECK_OK(copy, crm_jsonl_import_mem(&res, copy, text, strlen(text), NULL));
    CHECK_INT(crm_import_result_records(res), 0);
    crm_import_result_free(res);
    CHECK_INT(test_last_seq(copy), seq);

    crm_customer *c = NULL;
    CHECK_FAILS(copy, crm_customer_get(&c, copy, r.id), CRM_ENOTFOUND, "erased");
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = r.id;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    CHECK_FAILS(copy, crm_interaction_log(NULL, copy, &s), CRM_ENOTFOUND, "erased");
    CHECK_FAILS(copy, crm_promise_make(NULL, copy, r.id, NULL, "agent:x", "again", day(50),
                                       day(3)),
                CRM_ENOTFOUND, "erased");

    crm_free(again);
    crm_free(text);
    crm_close(copy);
    crm_close(db);
    test_remove_db(path);
}

/* ---- the erase: what goes, what stays, what is refused afterwards ---------- */

TEST(erase_removes_and_keeps)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    CHECK(make_rich(db, path, &r));
    int64_t seq0 = test_last_seq(db);
    now_ms += 1000;
    CHECK_OK(db, crm_customer_erase(db, r.id));
    sqlite3 *s = raw_open(path);
    char hex[40], sql[512];
    id_hex(hex, r.id);
    /* Removed. */
    static const char *const gone[] = {
        "SELECT count(*) FROM identity WHERE customer_id = X'%s'",
        "SELECT count(*) FROM customer_attr WHERE customer_id = X'%s'",
        "SELECT count(*) FROM customer_tag WHERE customer_id = X'%s'",
        "SELECT count(*) FROM membership WHERE person_id = X'%s'",
        "SELECT count(*) FROM occasion WHERE customer_id = X'%s'",
        "SELECT count(*) FROM search_doc WHERE customer_id = X'%s'",
        "SELECT count(*) FROM interaction WHERE customer_id = X'%s' AND (summary IS NOT NULL "
        "OR body IS NOT NULL OR external_ref IS NOT NULL)",
        "SELECT count(*) FROM promise WHERE customer_id = X'%s' AND what <> ''",
        "SELECT count(*) FROM promise_event WHERE note IS NOT NULL AND promise_id IN "
        "(SELECT id FROM promise WHERE customer_id = X'%s')",
        "SELECT count(*) FROM consent WHERE customer_id = X'%s' AND note <> ''",
        "SELECT count(*) FROM customer WHERE id = X'%s' AND (name <> '' OR name_key <> '')",
    };
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        snprintf(sql, sizeof sql, gone[i], hex);
        if (raw_int(s, sql, NULL) != 0)
            fprintf(stderr, "left: %s\n", sql);
        CHECK_INT(raw_int(s, sql, NULL), 0);
    }
    /* Kept, anonymous. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) || ',' || sum(channel) || ',' || sum(outcome) || ',' || "
             "group_concat(reason) || ',' || sum(public) || ',' || sum(sentiment) || ',' || "
             "group_concat(handled_by) FROM interaction WHERE customer_id = X'%s'",
             hex);
    CHECK_STR(raw_text(s, sql, NULL), "2,4,3,billing.refund,billing.refund,1,-2,agent:dora,"
                                      "agent:dora");
    snprintf(sql, sizeof sql,
             "SELECT group_concat(state || ':' || owner || ':' || due_at, ' ') FROM "
             "(SELECT * FROM promise WHERE customer_id = X'%s' ORDER BY made_at)",
             hex);
    char want[256];
    snprintf(want, sizeof want, "2:agent:dora:%lld 1:team:care:%lld", (long long)day(8),
             (long long)day(40));
    CHECK_STR(raw_text(s, sql, NULL), want);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM promise_event WHERE promise_id IN "
             "(SELECT id FROM promise WHERE customer_id = X'%s')", hex);
    CHECK_INT(raw_int(s, sql, NULL), 4);
    snprintf(sql, sizeof sql,
             "SELECT group_concat(granted) FROM (SELECT granted FROM consent "
             "WHERE customer_id = X'%s' ORDER BY at)", hex);
    CHECK_STR(raw_text(s, sql, NULL), "1,0");
    snprintf(sql, sizeof sql,
             "SELECT kind || ',' || owner || ',' || erased_at || ',' || archived_at "
             "FROM customer WHERE id = X'%s'", hex);
    snprintf(want, sizeof want, "1,team:care,%lld,%lld", (long long)now_ms, (long long)now_ms);
    CHECK_STR(raw_text(s, sql, NULL), want);
    /* The journal: no personal value left in any entry about the customer,
     * nor in the organisation's entry about its member; the kept fields. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM journal WHERE data LIKE '%%v8z3k5p1%%' OR data LIKE "
             "'%%9184637%%'");
    CHECK_INT(raw_int(s, sql, NULL), 0);
    snprintf(sql, sizeof sql,
             "SELECT group_concat(entity || '.' || op || data, ' ') FROM journal "
             "WHERE entity_id = X'%s' AND seq <= %lld",
             hex, (long long)seq0);
    const char *j = raw_text(s, sql, NULL);
    CHECK_CONTAINS(j, "customer.create{\"kind\":\"person\"}");
    CHECK_CONTAINS(j, "customer.rename{}");
    CHECK_CONTAINS(j, "customer.set_owner{\"owner\":\"team:care\"");
    CHECK_CONTAINS(j, "identity.add{\"kind\":\"email\",\"flags\":1}");
    CHECK_CONTAINS(j, "identity.remove{\"kind\":\"email\",\"flags\":0}");
    CHECK_CONTAINS(j, "attr.set{\"key\":\"nickname\"}");
    CHECK_CONTAINS(j, "tag.add{}");
    CHECK_CONTAINS(j, "\"channel\":\"email\",\"direction\":\"in\"");
    CHECK_CONTAINS(j, "\"reason\":\"billing.refund\",\"outcome\":\"resolved\"");
    CHECK_CONTAINS(j, "interaction.summary{\"interaction_id\":");
    CHECK_CONTAINS(j, "promise.renegotiate{\"promise_id\":");
    CHECK_CONTAINS(j, "\"customer_agreed\":1");
    CHECK_CONTAINS(j, "occasion.add{\"occasion_id\":");
    CHECK(!strstr(j, "\"date\""));
    CHECK(!strstr(j, "\"what\""));
    char ohex[40];
    id_hex(ohex, r.org);
    snprintf(sql, sizeof sql, "SELECT data FROM journal WHERE entity_id = X'%s' AND entity = "
             "'member'", ohex);
    snprintf(want, sizeof want, "{\"person\":\"%s\"}", r.id);
    CHECK_STR(raw_text(s, sql, NULL), want);
    /* The erase's own entry: counts, no content. */
    snprintf(sql, sizeof sql,
             "SELECT entity || '.' || op || data FROM journal WHERE entity_id = X'%s' "
             "ORDER BY seq DESC LIMIT 1", hex);
    CHECK_STR(raw_text(s, sql, NULL),
              "customer.erase{\"removed\":6,\"interactions\":2,\"promises\":2,\"consent\":2,"
              "\"journal\":17}");
    CHECK_INT(test_last_seq(db), seq0 + 1);
    now_ms = 1780000000000;
    /* The other customer is whole. */
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, r.other));
    CHECK_STR(crm_customer_name(c), "Charles Babbage");
    crm_customer_free(c);
    sqlite3_close(s);
    crm_close(db);
    test_remove_db(path);
}

TEST(erased_customer_is_gone_from_every_call)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    CHECK(make_rich(db, path, &r));
    CHECK_OK(db, crm_customer_erase(db, r.id));
    const char *said = "was erased at 2026-05-28T20:26:40.000Z";
    crm_customer *c = NULL;
    CHECK_FAILS2(db, crm_customer_get(&c, db, r.id), CRM_ENOTFOUND, r.id, said);
    char *doc = NULL;
    CHECK_FAILS(db, crm_customer_export(&doc, db, r.id), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_customer_rename(db, r.id, "Back"), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_customer_archive(db, r.id), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_customer_unarchive(db, r.id), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_customer_set_owner(db, r.id, "team:x"), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_attr_set(db, r.id, "k", "v"), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_tag_add(db, r.id, "t"), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_member_add(db, r.org, r.id, "again"), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_identity_add(NULL, db, r.id, "email", "new@example.org", 0),
                CRM_ENOTFOUND, said);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = r.id;
    s.channel = CRM_CHANNEL_CHAT;
    s.direction = CRM_DIRECTION_IN;
    CHECK_FAILS(db, crm_interaction_log(NULL, db, &s), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_promise_make(NULL, db, r.id, NULL, "agent:x", "again", day(50),
                                     CRM_TIME_NONE),
                CRM_ENOTFOUND, said);
    crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
    o.customer_id = r.id;
    o.kind = "renewal";
    o.yearly = 1;
    o.month = 1;
    o.day = 2;
    CHECK_FAILS(db, crm_occasion_add(NULL, db, &o), CRM_ENOTFOUND, said);
    crm_interaction_cursor *tl = NULL;
    CHECK_FAILS(db, crm_interaction_timeline_open(&tl, db, r.id, NULL), CRM_ENOTFOUND, said);
    crm_identity_cursor *ic = NULL;
    CHECK_FAILS(db, crm_identity_list_open(&ic, db, r.id), CRM_ENOTFOUND, said);
    /* Resolving its id: the same answer, and no one in the list. */
    CHECK_FAILS2(db, crm_customer_resolve(&c, db, r.id), CRM_ENOTFOUND, r.id, said);
    CHECK(c == NULL);
    crm_customer_cursor *rc = NULL;
    CHECK_OK(db, crm_customer_resolve_open(&rc, db, r.id));
    const crm_customer *one = NULL;
    CHECK_INT(crm_customer_cursor_next(rc, &one), CRM_DONE);
    crm_customer_cursor_free(rc);
    /* Lists and counts leave it out, archived or not. */
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    int64_t n = 0;
    CHECK_OK(db, crm_customer_count(&n, db, &f));
    CHECK_INT(n, 2);
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_OK(db, crm_customer_count(&n, db, &f));
    CHECK_INT(n, 0);
    f.archived = CRM_ARCHIVED_INCLUDE;
    f.owner = "team:care";
    CHECK_STR(test_names(db, &f), "Charles Babbage");
    /* Search finds nothing of it, even asking for archived customers. */
    crm_search_options so = CRM_SEARCH_OPTIONS_INIT;
    so.include_archived = 1;
    static const char *const words[] = { "qjbv8z3k5p1", "Lovelace", "qjcv8z3k5p1", "qjev8z3k5p1",
                                         "qjgv8z3k5p1", "qjiv8z3k5p1", "qjjv8z3k5p1", "qj*" };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        crm_search_hit_cursor *sc = NULL;
        CHECK_OK(db, crm_search_hit_list_open(&sc, db, words[i], &so));
        const crm_search_hit *h;
        CHECK_INT(crm_search_hit_cursor_next(sc, &h), CRM_DONE);
        crm_search_hit_cursor_free(sc);
    }
    /* The agenda: its open promise and waiting contact are not on it. */
    crm_agenda_options ao = CRM_AGENDA_OPTIONS_INIT;
    ao.horizon = 365LL * 86400000;
    crm_agenda_item_cursor *ac = NULL;
    CHECK_OK(db, crm_agenda_item_list_open(&ac, db, &ao));
    const crm_agenda_item *item;
    int items = 0;
    while (crm_agenda_item_cursor_next(ac, &item) == CRM_ROW) {
        CHECK(strcmp(crm_agenda_item_customer_id(item), r.id) != 0);
        items++;
    }
    crm_agenda_item_cursor_free(ac);
    CHECK(items >= 1); /* the other customer's promise */
    /* Erasing it again: nothing to do, nothing journaled. */
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_customer_erase(db, r.id));
    CHECK_INT(test_last_seq(db), seq);
    crm_close(db);
    test_remove_db(path);
}

/* Every column of the erased customer's interactions, promises and promise
 * steps, as one text (static buffer). */
static const char *kept_rows(sqlite3 *s, const char *id)
{
    char hex[40], sql[1024];
    id_hex(hex, id);
    snprintf(sql, sizeof sql,
             "SELECT (SELECT group_concat(r, ' ') FROM (SELECT quote(id) || quote(outcome) || "
             "quote(reason) || quote(summary) || quote(body) || quote(external_ref) || "
             "quote(public) || quote(updated_at) || quote(thread_id) || quote(reply_to) AS r "
             "FROM interaction WHERE customer_id = X'%s' ORDER BY id)) || ' | ' || "
             "(SELECT group_concat(r, ' ') FROM (SELECT quote(id) || quote(what) || "
             "quote(state) || quote(due_at) || quote(closed_at) || quote(kept_by) || "
             "quote(interaction_id) AS r FROM promise WHERE customer_id = X'%s' ORDER BY id)) "
             "|| ' | ' || (SELECT group_concat(r, ' ') FROM (SELECT quote(promise_id) || "
             "quote(seq) || quote(kind) || quote(note) AS r FROM promise_event WHERE promise_id "
             "IN (SELECT id FROM promise WHERE customer_id = X'%s') ORDER BY promise_id, seq))",
             hex, hex, hex);
    return raw_text(s, sql, NULL);
}

/* What stays of an erased customer stays as the erase left it: every call
 * that writes through an interaction's or a promise's own id answers that
 * the customer was erased, changes nothing and journals nothing. Argument
 * checks come first, then whether the record exists, then the erase, then
 * the record's state (a kept promise is refused as erased, not as kept). */
TEST(erased_customer_records_refuse_writes)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    CHECK(make_rich(db, path, &r));
    now_ms += 1000;
    CHECK_OK(db, crm_customer_erase(db, r.id));
    now_ms += 1000;
    sqlite3 *s = raw_open(path);
    char before[8192];
    snprintf(before, sizeof before, "%s", kept_rows(s, r.id));
    CHECK(strncmp(before, "ERR", 3) != 0);
    CHECK(strstr(before, "'Refund") == NULL); /* the summary is gone, the row is there */
    int64_t seq = test_last_seq(db);
    const char *said = "was erased at 2026-05-28T20:26:41.000Z";
    CHECK_FAILS2(db, crm_interaction_set_summary(db, r.first, "personal data back"),
                 CRM_ENOTFOUND, r.id, said);
    CHECK_FAILS(db, crm_interaction_set_summary(db, r.first, NULL), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_interaction_set_reason(db, r.first, "billing.other"), CRM_ENOTFOUND,
                said);
    CHECK_FAILS(db, crm_interaction_set_outcome(db, r.first, CRM_OUTCOME_ESCALATED),
                CRM_ENOTFOUND, said);
    /* Refused even when it would change nothing. */
    CHECK_FAILS(db, crm_interaction_set_public(db, r.first, 0), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_interaction_set_public(db, r.first, 1), CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_interaction_delete(db, r.first), CRM_ENOTFOUND, said);
    CHECK_FAILS2(db, crm_promise_renegotiate(NULL, db, r.open, day(60), "personal data back", 1,
                                             CRM_TIME_NONE),
                 CRM_ENOTFOUND, r.id, said);
    crm_promise *p = NULL;
    CHECK_FAILS(db, crm_promise_keep(&p, db, r.open, NULL, "personal data back", CRM_TIME_NONE),
                CRM_ENOTFOUND, said);
    CHECK(p == NULL);
    CHECK_FAILS(db, crm_promise_keep(NULL, db, r.open, r.first, NULL, CRM_TIME_NONE),
                CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_promise_break(NULL, db, r.open, "personal data back", CRM_TIME_NONE),
                CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_promise_release(&p, db, r.open, "personal data back", CRM_TIME_NONE),
                CRM_ENOTFOUND, said);
    CHECK(p == NULL);
    CHECK_FAILS(db, crm_promise_keep(NULL, db, r.promise, NULL, NULL, CRM_TIME_NONE),
                CRM_ENOTFOUND, said);
    CHECK_FAILS(db, crm_promise_renegotiate(&p, db, r.promise, day(60), "why", 0, CRM_TIME_NONE),
                CRM_ENOTFOUND, said);
    /* Argument checks still come first, and an unknown id is still unknown. */
    CHECK_FAILS(db, crm_interaction_set_public(db, r.first, 2), CRM_EINVAL, "is_public");
    CHECK_FAILS(db, crm_interaction_set_summary(db, r.first, "bad \xff"), CRM_EINVAL, "summary");
    CHECK_FAILS(db, crm_promise_renegotiate(NULL, db, r.open, day(60), "why", 2, CRM_TIME_NONE),
                CRM_EINVAL, "customer_agreed");
    CHECK_FAILS(db, crm_interaction_set_summary(db, TEST_UNKNOWN_ID, "x"), CRM_ENOTFOUND,
                "no interaction has id");
    CHECK_FAILS(db, crm_interaction_delete(db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                "no interaction has id");
    CHECK_FAILS(db, crm_promise_keep(NULL, db, TEST_UNKNOWN_ID, NULL, NULL, CRM_TIME_NONE),
                CRM_ENOTFOUND, "no promise has id");
    CHECK_INT(test_last_seq(db), seq);
    CHECK_STR(kept_rows(s, r.id), before);
    /* In a group the refusal fails the call and leaves the group going. */
    CHECK_OK(db, crm_begin(db));
    CHECK_FAILS(db, crm_interaction_set_summary(db, r.first, "again"), CRM_ENOTFOUND, said);
    CHECK_OK(db, crm_commit(db));
    CHECK_STR(kept_rows(s, r.id), before);
    /* Reads stay: the records are there, anonymous. */
    crm_interaction *it = NULL;
    CHECK_OK(db, crm_interaction_get(&it, db, r.first));
    CHECK(crm_interaction_summary(it) == NULL);
    crm_interaction_free(it);
    CHECK_OK(db, crm_promise_get(&p, db, r.open));
    CHECK_STR(crm_promise_what(p), "");
    CHECK_INT(crm_promise_state(p), CRM_PROMISE_OPEN);
    crm_promise_free(p);
    /* Someone else's records take the same calls. */
    crm_promise_cursor *pc = NULL;
    crm_promise_filter pf = CRM_PROMISE_FILTER_INIT;
    pf.customer_id = r.other;
    CHECK_OK(db, crm_promise_list_open(&pc, db, &pf));
    const crm_promise *op = NULL;
    CHECK_INT(crm_promise_cursor_next(pc, &op), CRM_ROW);
    char other_promise[CRM_ID_LEN + 1];
    snprintf(other_promise, sizeof other_promise, "%s", crm_promise_id(op));
    crm_promise_cursor_free(pc);
    CHECK_OK(db, crm_promise_keep(NULL, db, other_promise, NULL, "done", CRM_TIME_NONE));
    CHECK_INT(test_last_seq(db), seq + 1);
    now_ms = 1780000000000;
    sqlite3_close(s);
    crm_close(db);
    test_remove_db(path);
}

TEST(erase_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", id);
    CHECK_NULL_DB(db, crm_customer_erase(NULL, id), "crm_customer_erase");
    CHECK_FAILS(db, crm_customer_erase(db, NULL), CRM_EINVAL, "customer id");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_customer_erase(db, test_bad_ids[i]), CRM_EINVAL, "customer id");
    CHECK_FAILS(db, crm_customer_erase(db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                "no customer has id " TEST_UNKNOWN_ID);
    /* In a group: part of it, undone with it. */
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_customer_erase(db, id));
    CHECK_OK(db, crm_rollback(db));
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_STR(crm_customer_name(c), "Bob");
    crm_customer_free(c);
    CHECK_NULL_DB(db, crm_db_purge(NULL), "crm_db_purge");
    CHECK_OK(db, crm_begin(db));
    CHECK_FAILS(db, crm_db_purge(db), CRM_ESTATE, "crm_begin");
    CHECK_OK(db, crm_rollback(db));
    CHECK_OK(db, crm_db_purge(db));
    crm_close(db);
}

TEST(erase_read_only)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", id);
    crm_close(db);
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    CHECK_FAILS(db, crm_customer_erase(db, id), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_db_purge(db), CRM_EREADONLY, "read-only");
    crm_retention_options ro = CRM_RETENTION_OPTIONS_INIT;
    ro.before = day(100);
    int64_t n = -1;
    CHECK_FAILS(db, crm_journal_drop(&n, db, &ro), CRM_EREADONLY, "read-only");
    ro.dry_run = 1;
    CHECK_OK(db, crm_journal_drop(&n, db, &ro));
    CHECK_INT(n, 1);
    crm_close(db);
    test_remove_db(path);
}

/* ---- the bytes of the file ------------------------------------------------------ */

/* Which of the n tails the file at path holds, case folded: a bit each. */
static unsigned int scan_file_for(const char *path, const char *const *tails, int count)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)size + 1);
    size_t n = b ? fread(b, 1, (size_t)size, f) : 0;
    fclose(f);
    for (size_t i = 0; i < n; i++)
        b[i] = (unsigned char)tolower(b[i]);
    unsigned int found = 0;
    for (int m = 0; m < count; m++) {
        size_t len = strlen(tails[m]);
        for (size_t i = 0; i + len <= n; i++)
            if (b[i] == (unsigned char)tails[m][0] && memcmp(b + i, tails[m], len) == 0) {
                found |= 1u << m;
                break;
            }
    }
    free(b);
    return found;
}

/* Which markers of the rich customer the file at path holds. */
static unsigned int scan_file(const char *path)
{
    return scan_file_for(path, marker_tail, M_COUNT);
}

static unsigned int scan_all(const char *path)
{
    char p[300];
    unsigned int found = scan_file(path);
    snprintf(p, sizeof p, "%s-wal", path);
    found |= scan_file(p);
    snprintf(p, sizeof p, "%s-shm", path);
    found |= scan_file(p);
    return found;
}

static const char *const filler[] = { "delivery", "invoice", "refund", "late", "parcel",
                                      "broken", "screen", "thanks", "billing", "account",
                                      "password", "reset", "upgrade", "contract", "renewal" };

/* Thousands of other documents, a hundred a transaction: the index is in
 * several segments, the marker's words in an old one. */
static int add_filler(crm_db *db, int customers, int each)
{
    for (int k = 0; k < customers; k++) {
        char id[CRM_ID_LEN + 1], name[64];
        snprintf(name, sizeof name, "Filler %s %d", filler[k % 15], k);
        test_customer(db, CRM_CUSTOMER_PERSON, name, id);
        if (crm_begin(db))
            return 0;
        for (int i = 0; i < each; i++) {
            char sum[128];
            snprintf(sum, sizeof sum, "%s %s %s number %d", filler[i % 15], filler[(i + k) % 15],
                     filler[(i * 7 + k) % 15], i * customers + k);
            crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
            s.customer_id = id;
            s.channel = CRM_CHANNEL_CHAT;
            s.direction = CRM_DIRECTION_IN;
            s.occurred_at = day(i % 10);
            s.summary = sum;
            if (crm_interaction_log(NULL, db, &s))
                return 0;
        }
        if (crm_commit(db))
            return 0;
    }
    return 1;
}

static int segments(const char *path)
{
    sqlite3 *s = raw_open(path);
    int n = (int)raw_int(s, "SELECT count(DISTINCT segid) FROM search_idx", NULL);
    sqlite3_close(s);
    return n;
}

enum byte_step { KEEP, ERASE, ERASE_PURGE };

static void byte_run(enum byte_step step, unsigned int *open_found, unsigned int *closed_found,
                     int *segs)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    if (!make_rich(db, path, &r) || !add_filler(db, 30, 100)) {
        fprintf(stderr, "byte run: %s\n", crm_errmsg(db));
        exit(2);
    }
    *segs = segments(path);
    if (step != KEEP && crm_customer_erase(db, r.id) != CRM_OK) {
        fprintf(stderr, "erase: %s\n", crm_errmsg(db));
        exit(2);
    }
    if (step == ERASE_PURGE && crm_db_purge(db) != CRM_OK) {
        fprintf(stderr, "purge: %s\n", crm_errmsg(db));
        exit(2);
    }
    *open_found = scan_all(path);
    crm_close(db);
    *closed_found = scan_all(path);
    test_remove_db(path);
}

TEST(erase_leaves_no_byte)
{
    unsigned int open_found, closed_found;
    int segs;
    /* Without the erase every marker is in the file: the scan can fail. */
    byte_run(KEEP, &open_found, &closed_found, &segs);
    CHECK(segs >= 2);
    CHECK_INT(open_found, (1u << M_COUNT) - 1);
    CHECK_INT(closed_found, (1u << M_COUNT) - 1);
    /* The erase and the purge: none is. */
    byte_run(ERASE_PURGE, &open_found, &closed_found, &segs);
    CHECK(segs >= 2);
    for (int m = 0; m < M_COUNT; m++)
        if ((open_found | closed_found) & (1u << m))
            fprintf(stderr, "marker %s is still in the file\n", marker_tail[m]);
    CHECK_INT(open_found, 0);
    CHECK_INT(closed_found, 0);
    /* The erase alone, before SQLite 3.42: the index's old segments keep
     * words until the purge rewrites them, even after the close has copied
     * the log back. */
    if (sqlite3_libversion_number() < 3042000) {
        byte_run(ERASE, &open_found, &closed_found, &segs);
        CHECK(closed_found != 0);
    }
}

/* A reader of an older snapshot keeps the log: the erase commits, the
 * purge says busy and leaves it, and empties it once the reader is gone. */
TEST(purge_waits_for_readers)
{
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    CHECK(make_rich(db, path, &r));
    sqlite3 *reader = raw_open(path);
    CHECK(strncmp(raw_text(reader, "BEGIN", NULL), "ERR 101", 7) == 0);
    CHECK(strncmp(raw_text(reader, "SELECT count(*) FROM customer", NULL), "ERR", 3) != 0);
    CHECK_OK(db, crm_customer_erase(db, r.id));
    CHECK(scan_all(path) != 0);
    CHECK_FAILS(db, crm_db_purge(db), CRM_EBUSY, "older snapshot");
    CHECK(scan_all(path) != 0);
    raw_text(reader, "COMMIT", NULL);
    sqlite3_close(reader);
    CHECK_OK(db, crm_db_purge(db));
    CHECK_INT(scan_all(path), 0);
    crm_close(db);
    test_remove_db(path);
}

/* A clock that erases a customer on another handle when it is read for
 * the at-th time: an erase that comes while a purge is under way. */
typedef struct erase_hook {
    crm_db *other;
    const char *id;
    int reads, at;
} erase_hook;

static int64_t erasing_clock(void *ctx)
{
    erase_hook *h = ctx;
    if (++h->reads == h->at && crm_customer_erase(h->other, h->id) != CRM_OK) {
        fprintf(stderr, "erase during the purge: %s\n", crm_errmsg(h->other));
        exit(2);
    }
    return now_ms;
}

/* The rewrite is owed once per file, not once per erase, and done by the
 * purge; an erase between two of its steps is included; with nothing owed
 * the purge rewrites nothing. */
TEST(purge_rewrites_what_erases_left)
{
    bool rewrites = sqlite3_libversion_number() < 3042000;
    char path[256];
    crm_db *db = open_new(path, sizeof path);
    rich r;
    CHECK(make_rich(db, path, &r));
    static const char *const late_tail[] = { "vmarkerlate" };
    char late[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Zed Qzvmarkerlate", late);
    CHECK(add_filler(db, 20, 100));
    CHECK_OK(db, crm_customer_erase(db, r.id));
    sqlite3 *raw = raw_open(path);
    CHECK_INT(raw_int(raw, "SELECT count(*) FROM search_scrub", NULL), rewrites ? 1 : 0);
    CHECK(segments(path) >= 2);
    /* The purge, on a handle whose clock erases `late` on the other as
     * the purge's second step begins. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    erase_hook hook = { db, late, 0, 0 };
    o.clock = erasing_clock;
    o.clock_ctx = &hook;
    crm_db *p = NULL;
    CHECK_OK(NULL, crm_open(&p, path, &o));
    hook.reads = 0;
    hook.at = rewrites ? 2 : 1;
    if (!rewrites)
        CHECK_OK(db, crm_customer_erase(db, late)); /* no step to come between */
    CHECK_OK(p, crm_db_purge(p));
    if (rewrites)
        CHECK(hook.reads >= 3); /* begun, begun again with the erase in, done */
    CHECK_INT(raw_int(raw, "SELECT count(*) FROM search_scrub", NULL), 0);
    CHECK_INT(raw_int(raw, "SELECT count(*) FROM customer WHERE erased_at IS NOT NULL", NULL), 2);
    if (rewrites)
        CHECK_INT(segments(path), 1);
    char wal[300];
    snprintf(wal, sizeof wal, "%s-wal", path);
    CHECK_INT(scan_all(path), 0);
    CHECK_INT(scan_file_for(path, late_tail, 1) | scan_file_for(wal, late_tail, 1), 0);
    /* Nothing owed: writes add segments, and a purge leaves them. */
    CHECK(add_filler(db, 3, 100));
    int segs = segments(path);
    CHECK(segs >= 2);
    CHECK_OK(p, crm_db_purge(p));
    CHECK_INT(segments(path), segs);
    sqlite3_close(raw);
    crm_close(p);
    crm_close(db);
    test_remove_db(path);
}

/* ---- retention ------------------------------------------------------------------ */

TEST(retention_erases_inactive)
{
    char path[256];
    now_ms = day(0);
    crm_db *db = open_new(path, sizeof path);
    char old1[CRM_ID_LEN + 1], old2[CRM_ID_LEN + 1], busy[CRM_ID_LEN + 1],
        fresh[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Old One", old1);
    test_customer(db, CRM_CUSTOMER_PERSON, "Old Two", old2);
    test_customer(db, CRM_CUSTOMER_PERSON, "Busy", busy);
    now_ms = day(50);
    /* Busy was created long ago but called recently. */
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = busy;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = day(49);
    CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    test_customer(db, CRM_CUSTOMER_PERSON, "Fresh", fresh);
    crm_retention_options o = CRM_RETENTION_OPTIONS_INIT;
    o.before = day(30);
    o.dry_run = 1;
    int64_t n = -1, seq = test_last_seq(db);
    CHECK_OK(db, crm_customer_erase_inactive(&n, db, &o));
    CHECK_INT(n, 2);
    CHECK_INT(test_last_seq(db), seq);
    o.dry_run = 0;
    CHECK_OK(db, crm_customer_erase_inactive(&n, db, &o));
    CHECK_INT(n, 2);
    crm_customer *c = NULL;
    CHECK_FAILS(db, crm_customer_get(&c, db, old1), CRM_ENOTFOUND, "was erased");
    CHECK_FAILS(db, crm_customer_get(&c, db, old2), CRM_ENOTFOUND, "was erased");
    CHECK_OK(db, crm_customer_get(&c, db, busy));
    crm_customer_free(c);
    CHECK_OK(db, crm_customer_get(&c, db, fresh));
    crm_customer_free(c);
    CHECK_INT(test_last_seq(db), seq + 3); /* two erases and the run's entry */
    test_jrow want[] = {
        { "customer", "erase", old1, { "\"removed\":0" }, NULL },
        { "customer", "erase", old2, { "\"removed\":0" }, NULL },
        { "retention", "erase_inactive", NULL, { "\"customers\":2", "\"before\":" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 3));
    /* Nothing more to do. */
    CHECK_OK(db, crm_customer_erase_inactive(&n, db, &o));
    CHECK_INT(n, 0);
    crm_close(db);
    test_remove_db(path);
    now_ms = 1780000000000;
}

TEST(retention_drops_journal)
{
    now_ms = day(0);
    crm_db *db = test_open_memory();
    crm_close(db);
    char path[256];
    db = open_new(path, sizeof path);
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "A", a);
    CHECK_OK(db, crm_tag_add(db, a, "x"));
    now_ms = day(10);
    CHECK_OK(db, crm_tag_add(db, a, "y"));
    int64_t seq = test_last_seq(db);
    crm_retention_options o = CRM_RETENTION_OPTIONS_INIT;
    o.before = day(5);
    o.dry_run = 1;
    int64_t n = -1;
    CHECK_OK(db, crm_journal_drop(&n, db, &o));
    CHECK_INT(n, 2);
    CHECK_INT(test_last_seq(db), seq);
    o.dry_run = 0;
    CHECK_OK(db, crm_journal_drop(&n, db, &o));
    CHECK_INT(n, 2);
    CHECK_INT(test_last_seq(db), seq + 1);
    crm_journal_entry_cursor *cur = NULL;
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, 0));
    const crm_journal_entry *e;
    int entries = 0;
    char before[64];
    snprintf(before, sizeof before, "\"before\":%lld", (long long)day(5));
    while (crm_journal_entry_cursor_next(cur, &e) == CRM_ROW) {
        entries++;
        if (entries == 2) {
            CHECK_STR(crm_journal_entry_entity(e), "journal");
            CHECK_STR(crm_journal_entry_op(e), "drop");
            CHECK_CONTAINS(crm_journal_entry_data(e), before);
            CHECK_CONTAINS(crm_journal_entry_data(e), "\"entries\":2");
        }
    }
    crm_journal_entry_cursor_free(cur);
    CHECK_INT(entries, 2); /* the tag y's and the drop's */
    crm_close(db);
    test_remove_db(path);
    now_ms = 1780000000000;
}

TEST(retention_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", id);
    crm_retention_options o = CRM_RETENTION_OPTIONS_INIT;
    o.before = day(100);
    int64_t n = -7;
    CHECK_NULL_DB(db, crm_customer_erase_inactive(&n, NULL, &o), "crm_customer_erase_inactive");
    CHECK_NULL_DB(db, crm_journal_drop(&n, NULL, &o), "crm_journal_drop");
    CHECK_FAILS(db, crm_customer_erase_inactive(NULL, db, &o), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_journal_drop(NULL, db, &o), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_customer_erase_inactive(&n, db, NULL), CRM_EINVAL, "options");
    CHECK_FAILS(db, crm_journal_drop(&n, db, NULL), CRM_EINVAL, "options");
    o.version = 2;
    CHECK_FAILS(db, crm_customer_erase_inactive(&n, db, &o), CRM_EINVAL, "version is 2");
    CHECK_FAILS(db, crm_journal_drop(&n, db, &o), CRM_EINVAL, "version is 2");
    o.version = 0;
    CHECK_FAILS(db, crm_journal_drop(&n, db, &o), CRM_EINVAL, "version is 0");
    o.version = CRM_RETENTION_OPTIONS_VERSION;
    o.before = CRM_TIME_NONE;
    CHECK_FAILS(db, crm_customer_erase_inactive(&n, db, &o), CRM_EINVAL, "before");
    CHECK_FAILS(db, crm_journal_drop(&n, db, &o), CRM_EINVAL, "before");
    o.before = CRM_TIME_MAX + 1;
    CHECK_FAILS(db, crm_customer_erase_inactive(&n, db, &o), CRM_EINVAL, "before");
    o.before = day(100);
    o.dry_run = 2;
    CHECK_FAILS(db, crm_customer_erase_inactive(&n, db, &o), CRM_EINVAL, "dry_run");
    CHECK_FAILS(db, crm_journal_drop(&n, db, &o), CRM_EINVAL, "dry_run");
    CHECK_INT(n, -7);
    crm_close(db);
}

int main(void)
{
    RUN(export_rich);
    RUN(export_minimal);
    RUN(export_bad_input);
    RUN(erase_keeps_every_report);
    RUN(erased_customer_survives_a_jsonl_round_trip);
    RUN(resolve_absorbed_id_of_erased_survivor);
    RUN(erase_removes_and_keeps);
    RUN(erased_customer_is_gone_from_every_call);
    RUN(erased_customer_records_refuse_writes);
    RUN(erase_bad_input);
    RUN(erase_read_only);
    RUN(erase_leaves_no_byte);
    RUN(purge_waits_for_readers);
    RUN(purge_rewrites_what_erases_left);
    RUN(retention_erases_inactive);
    RUN(retention_drops_journal);
    RUN(retention_bad_input);
    return test_summary();
}
