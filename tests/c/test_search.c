/*
 * Search: what the index finds (each kind of record, diacritics, prefixes),
 * its order, its filters, that it follows every change in the change's own
 * transaction, that an older file gets it built, and that no query a
 * person can type is syntax, a crash or an SQLite message.
 */
#include <sqlite3.h>

#include "test.h"

/* What a query finds, one hit per item "kind/field/customer name/key-or-
 * record-tag/snippet", joined by " | " (static buffer), or "ERR <code>:
 * <message>". A record id is shown as the tag `rec` maps it to, so a test
 * can name the record it expects. */
typedef struct tag {
    const char *id, *name;
} tag;
static tag tags[32];
static int ntags;

static void tag_record(const char *id, const char *name)
{
    tags[ntags].id = strdup(id);
    tags[ntags++].name = name;
}

static const char *tag_of(const char *id)
{
    for (int i = 0; i < ntags; i++)
        if (strcmp(tags[i].id, id) == 0)
            return tags[i].name;
    return id;
}

static void tags_free(void)
{
    for (int i = 0; i < ntags; i++)
        free((char *)tags[i].id);
    ntags = 0;
}

static const char *find(crm_db *db, const char *query, const crm_search_options *o)
{
    static char out[4096];
    crm_search_hit_cursor *cur;
    int rc = crm_search_hit_list_open(&cur, db, query, o);
    if (rc != CRM_OK) {
        snprintf(out, sizeof out, "ERR %s: %s", crm_errname(rc), crm_errmsg(db));
        return out;
    }
    out[0] = '\0';
    size_t len = 0;
    const crm_search_hit *h;
    while ((rc = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW) {
        const char *key = crm_search_hit_key(h);
        const char *rec = crm_search_hit_record_id(h);
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s/%s/%s/%s/%s",
                                len ? " | " : "", crm_search_kind_name(crm_search_hit_kind(h)),
                                crm_search_hit_field(h), crm_search_hit_customer_name(h),
                                key ? key : rec ? tag_of(rec) : "-", crm_search_hit_snippet(h));
        if (len >= sizeof out)
            break;
    }
    if (rc != CRM_DONE)
        snprintf(out, sizeof out, "ERR %s: %s", crm_errname(rc), crm_errmsg(db));
    crm_search_hit_cursor_free(cur);
    return out;
}

/* How many hits a query gives, or -1. */
static int count(crm_db *db, const char *query, const crm_search_options *o)
{
    crm_search_hit_cursor *cur;
    if (crm_search_hit_list_open(&cur, db, query, o) != CRM_OK)
        return -1;
    int n = 0, rc;
    const crm_search_hit *h;
    while ((rc = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW)
        n++;
    crm_search_hit_cursor_free(cur);
    return rc == CRM_DONE ? n : -1;
}

static void log_text(crm_db *db, const char *cid, const char *summary, const char *body,
                     char id[CRM_ID_LEN + 1])
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cid;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.summary = summary;
    s.body = body;
    crm_interaction *it = NULL;
    if (crm_interaction_log(&it, db, &s) != CRM_OK) {
        fprintf(stderr, "log: %s\n", crm_errmsg(db));
        exit(1);
    }
    memcpy(id, crm_interaction_id(it), CRM_ID_LEN + 1);
    crm_interaction_free(it);
}

static void promise(crm_db *db, const char *cid, const char *what, char id[CRM_ID_LEN + 1])
{
    crm_promise *p = NULL;
    if (crm_promise_make(&p, db, cid, NULL, "agent:ann", what, crm_now() + 86400000,
                         CRM_TIME_NONE) != CRM_OK) {
        fprintf(stderr, "promise: %s\n", crm_errmsg(db));
        exit(1);
    }
    memcpy(id, crm_promise_id(p), CRM_ID_LEN + 1);
    crm_promise_free(p);
}

TEST(kind_words)
{
    for (int k = CRM_SEARCH_CUSTOMER; k <= CRM_SEARCH_KIND_MAX; k++) {
        crm_search_kind_t back;
        CHECK(crm_search_kind_name((crm_search_kind_t)k) != NULL);
        CHECK_INT(crm_search_kind_parse(&back, crm_search_kind_name((crm_search_kind_t)k)),
                  CRM_OK);
        CHECK_INT(back, k);
    }
    CHECK(crm_search_kind_name((crm_search_kind_t)0) == NULL);
    CHECK(crm_search_kind_name((crm_search_kind_t)6) == NULL);
    crm_search_kind_t k = CRM_SEARCH_PROMISE;
    CHECK_INT(crm_search_kind_parse(&k, "note"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "customer, identity, attribute, interaction or promise");
    CHECK_INT(k, CRM_SEARCH_PROMISE);
    CHECK_INT(crm_search_kind_parse(&k, NULL), CRM_EINVAL);
    CHECK_INT(crm_search_kind_parse(NULL, "customer"), CRM_EINVAL);
}

/* Every source of text is found, with what matched and a snippet. */
TEST(each_kind_found)
{
    crm_db *db = test_open_memory();
    char c[CRM_ID_LEN + 1], i1[CRM_ID_LEN + 1], p1[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jürgen Müller", c);
    CHECK_OK(db, crm_identity_add(NULL, db, c, "email", "Jurgen.M@Example.org", 0));
    CHECK_OK(db, crm_attr_set(db, c, "city", "Zwickau"));
    log_text(db, c, "Kettle arrived broken", "The kettle from order 4411 leaks at the base.",
             i1);
    tag_record(i1, "i1");
    promise(db, c, "Send a replacement kettle", p1);
    tag_record(p1, "p1");

    CHECK_STR(find(db, "zwickau", NULL), "attribute/value/Jürgen Müller/city/[Zwickau]");
    CHECK_STR(find(db, "example", NULL),
              "identity/value/Jürgen Müller/email/Jurgen.M@[Example].org");
    CHECK_STR(find(db, "leaks", NULL),
              "interaction/body/Jürgen Müller/i1/The kettle from order 4411 [leaks] at the "
              "base.");
    CHECK_STR(find(db, "replacement", NULL),
              "promise/what/Jürgen Müller/p1/Send a [replacement] kettle");
    CHECK_STR(find(db, "Jürgen", NULL),
              "customer/name/Jürgen Müller/-/[Jürgen] Müller | "
              "identity/value/Jürgen Müller/email/[Jurgen].M@Example.org");
    /* A word of the summary and the body: each text is a hit of its own. */
    CHECK_STR(find(db, "kettle", NULL),
              "interaction/summary/Jürgen Müller/i1/[Kettle] arrived broken | "
              "promise/what/Jürgen Müller/p1/Send a replacement [kettle] | "
              "interaction/body/Jürgen Müller/i1/The [kettle] from order 4411 leaks at the "
              "base.");
    CHECK_STR(find(db, "4411", NULL),
              "interaction/body/Jürgen Müller/i1/The kettle from order [4411] leaks at the "
              "base.");
    /* The accessors of a copy, and of nothing. */
    crm_search_hit_cursor *cur;
    const crm_search_hit *h;
    CHECK_OK(db, crm_search_hit_list_open(&cur, db, "replacement", NULL));
    CHECK_INT(crm_search_hit_cursor_next(cur, &h), CRM_ROW);
    crm_search_hit *copy = NULL;
    CHECK_INT(crm_search_hit_dup(&copy, h), CRM_OK);
    CHECK_INT(crm_search_hit_cursor_next(cur, &h), CRM_DONE);
    CHECK_INT(crm_search_hit_cursor_next(cur, &h), CRM_DONE);
    crm_search_hit_cursor_free(cur);
    CHECK_INT(crm_search_hit_kind(copy), CRM_SEARCH_PROMISE);
    CHECK_STR(crm_search_hit_customer_id(copy), c);
    CHECK_STR(crm_search_hit_customer_name(copy), "Jürgen Müller");
    CHECK_STR(crm_search_hit_record_id(copy), p1);
    CHECK(crm_search_hit_key(copy) == NULL);
    CHECK_STR(crm_search_hit_field(copy), "what");
    CHECK_STR(crm_search_hit_snippet(copy), "Send a [replacement] kettle");
    CHECK(crm_search_hit_rank(copy) < 0);
    crm_search_hit_free(copy);
    crm_search_hit_free(NULL);
    CHECK(crm_search_hit_kind(NULL) == 0);
    CHECK(crm_search_hit_customer_id(NULL) == NULL);
    CHECK(crm_search_hit_snippet(NULL) == NULL);
    CHECK(crm_search_hit_field(NULL) == NULL);
    CHECK_INT(crm_search_hit_dup(&copy, NULL), CRM_EINVAL);
    CHECK_INT(crm_search_hit_dup(NULL, h), CRM_EINVAL);
    crm_close(db);
    tags_free();
}

TEST(diacritics_case_and_prefix)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], x[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jürgen Müller", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Zoë Çelik", b);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Customer Care Ltd", x);
    CHECK_STR(find(db, "Muller", NULL), "customer/name/Jürgen Müller/-/Jürgen [Müller]");
    CHECK_STR(find(db, "MÜLLER", NULL), "customer/name/Jürgen Müller/-/Jürgen [Müller]");
    CHECK_STR(find(db, "mull*", NULL), "customer/name/Jürgen Müller/-/Jürgen [Müller]");
    CHECK_STR(find(db, "mü*", NULL), "customer/name/Jürgen Müller/-/Jürgen [Müller]");
    CHECK_STR(find(db, "zoe celik", NULL), "customer/name/Zoë Çelik/-/[Zoë] [Çelik]");
    CHECK_STR(find(db, "cus*", NULL), "customer/name/Customer Care Ltd/-/[Customer] Care Ltd");
    CHECK_STR(find(db, "cust", NULL), "");  /* a whole word, not a prefix */
    CHECK_STR(find(db, "muller jurgen", NULL),
              "customer/name/Jürgen Müller/-/[Jürgen] [Müller]");
    CHECK_STR(find(db, "muller zoe", NULL), ""); /* every word must match */
    /* A phrase is words in order. */
    CHECK_STR(find(db, "\"customer care\"", NULL),
              "customer/name/Customer Care Ltd/-/[Customer Care] Ltd");
    CHECK_STR(find(db, "\"care customer\"", NULL), "");
    CHECK_STR(find(db, "\"customer ca*\"", NULL),
              "customer/name/Customer Care Ltd/-/[Customer Care] Ltd");
    crm_close(db);
}

/* bm25 on a corpus whose order is known: the more of a short text the
 * words make, the better; equal ranks come oldest first. */
TEST(ranking_order)
{
    crm_db *db = test_open_memory();
    char c[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Example", c);
    log_text(db, c, "we talked about the weather and then about a refund for the order", NULL,
             id);
    tag_record(id, "long");
    log_text(db, c, "refund", NULL, id);
    tag_record(id, "short1");
    log_text(db, c, "refund for the broken kettle", NULL, id);
    tag_record(id, "middle");
    log_text(db, c, "refund refund, a refund", NULL, id);
    tag_record(id, "thrice");
    log_text(db, c, "refund", NULL, id);
    tag_record(id, "short2");
    CHECK_STR(find(db, "refund", NULL),
              "interaction/summary/Ann Example/thrice/[refund] [refund], a [refund] | "
              "interaction/summary/Ann Example/short1/[refund] | "
              "interaction/summary/Ann Example/short2/[refund] | "
              "interaction/summary/Ann Example/middle/[refund] for the broken kettle | "
              "interaction/summary/Ann Example/long/we talked about the weather and then about "
              "a [refund] for the…");
    /* Ranks never get worse down the list. */
    crm_search_hit_cursor *cur;
    const crm_search_hit *h;
    CHECK_OK(db, crm_search_hit_list_open(&cur, db, "refund", NULL));
    double last = -1e300;
    int rc;
    while ((rc = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW) {
        CHECK(crm_search_hit_rank(h) >= last);
        last = crm_search_hit_rank(h);
    }
    CHECK_INT(rc, CRM_DONE);
    crm_search_hit_cursor_free(cur);
    /* Pages: the same order, cut. */
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.limit = 2;
    CHECK_STR(find(db, "refund", &o),
              "interaction/summary/Ann Example/thrice/[refund] [refund], a [refund] | "
              "interaction/summary/Ann Example/short1/[refund]");
    o.offset = 2;
    o.mark_before = "<b>";
    o.mark_after = "</b>";
    CHECK_STR(find(db, "refund", &o),
              "interaction/summary/Ann Example/short2/<b>refund</b> | "
              "interaction/summary/Ann Example/middle/<b>refund</b> for the broken kettle");
    o.offset = 5;
    CHECK_STR(find(db, "refund", &o), "");
    o.offset = 0;
    o.mark_before = o.mark_after = "";
    o.limit = 1;
    CHECK_STR(find(db, "refund", &o),
              "interaction/summary/Ann Example/thrice/refund refund, a refund");
    crm_close(db);
    tags_free();
}

/* The default limit, and the largest. */
TEST(limits)
{
    crm_db *db = test_open_memory();
    char c[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Example", c);
    CHECK_OK(db, crm_begin(db));
    for (int i = 0; i < 30; i++)
        log_text(db, c, "parcel lost", NULL, id);
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(count(db, "parcel", NULL), CRM_SEARCH_LIMIT_DEFAULT);
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.limit = CRM_SEARCH_LIMIT_MAX;
    CHECK_INT(count(db, "parcel", &o), 30);
    o.offset = 25;
    CHECK_INT(count(db, "parcel", &o), 5);
    crm_close(db);
}

TEST(filters)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Nora Invoice", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Olaf Other", b);
    CHECK_OK(db, crm_customer_set_owner(db, a, "agent:alice"));
    CHECK_OK(db, crm_customer_set_owner(db, b, "team:billing"));
    log_text(db, a, "invoice twice", NULL, id);
    log_text(db, b, "invoice missing", NULL, id);
    CHECK_OK(db, crm_attr_set(db, b, "note", "wants paper invoice"));
    promise(db, b, "resend the invoice", id);
    tag_record(id, "pb");
    CHECK_INT(count(db, "invoice", NULL), 5);

    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.kinds = CRM_SEARCH_BIT(CRM_SEARCH_CUSTOMER);
    CHECK_STR(find(db, "invoice", &o), "customer/name/Nora Invoice/-/Nora [Invoice]");
    o.kinds = CRM_SEARCH_BIT(CRM_SEARCH_ATTRIBUTE) | CRM_SEARCH_BIT(CRM_SEARCH_PROMISE);
    CHECK_STR(find(db, "invoice", &o),
              "attribute/value/Olaf Other/note/wants paper [invoice] | "
              "promise/what/Olaf Other/pb/resend the [invoice]");
    o.kinds = CRM_SEARCH_BIT(CRM_SEARCH_IDENTITY);
    CHECK_STR(find(db, "invoice", &o), "");

    o = (crm_search_options)CRM_SEARCH_OPTIONS_INIT;
    o.customer_id = a;
    CHECK_INT(count(db, "invoice", &o), 2);
    o.customer_id = b;
    CHECK_INT(count(db, "invoice", &o), 3);
    o.customer_id = NULL;
    o.owner = "agent:alice";
    CHECK_INT(count(db, "invoice", &o), 2);
    o.owner = "team:billing";
    CHECK_INT(count(db, "invoice", &o), 3);
    o.owner = "team:nobody";
    CHECK_INT(count(db, "invoice", &o), 0);
    o.owner = "team:billing";
    o.customer_id = a;
    CHECK_INT(count(db, "invoice", &o), 0);

    /* Archived customers are left out unless asked for, and come back. */
    CHECK_OK(db, crm_customer_archive(db, b));
    o = (crm_search_options)CRM_SEARCH_OPTIONS_INIT;
    CHECK_INT(count(db, "invoice", &o), 2);
    CHECK_INT(count(db, "olaf", &o), 0);
    o.include_archived = 1;
    CHECK_INT(count(db, "invoice", &o), 5);
    CHECK_INT(count(db, "olaf", &o), 1);
    o.customer_id = b;
    CHECK_INT(count(db, "invoice", &o), 3);
    o.include_archived = 0;
    CHECK_INT(count(db, "invoice", &o), 0);
    CHECK_OK(db, crm_customer_unarchive(db, b));
    CHECK_INT(count(db, "invoice", &o), 3);
    crm_close(db);
    tags_free();
}

/* Run SQL on the file at path with SQLite itself; the text of the first
 * column of the first row, or "" (static buffer). */
static const char *raw(const char *path, const char *sql)
{
    static char out[512];
    sqlite3 *s;
    out[0] = '\0';
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(out, sizeof out, "ERR open");
        sqlite3_close(s);
        return out;
    }
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
            snprintf(out, sizeof out, "%s", (const char *)sqlite3_column_text(st, 0));
        else if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            snprintf(out, sizeof out, "ERR %s", sqlite3_errmsg(s));
        sqlite3_finalize(st);
    } else {
        snprintf(out, sizeof out, "ERR %s", sqlite3_errmsg(s));
    }
    sqlite3_close(s);
    return out;
}

/* FTS5's own check that the index holds exactly the words of its rows. */
static const char *integrity(const char *path)
{
    return raw(path, "INSERT INTO search (search, rank) VALUES ('integrity-check', 1)");
}

/* The index follows each change, in the change's transaction. */
TEST(follows_every_change)
{
    char path[256];
    crm_db *db = test_open_file(path, sizeof path);
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], i1[CRM_ID_LEN + 1], p1[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Petra Quast", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Rolf Sommer", b);
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.include_archived = 1;

    CHECK_OK(db, crm_customer_rename(db, a, "Petra Winter"));
    CHECK_INT(count(db, "quast", &o), 0);
    CHECK_STR(find(db, "winter", &o), "customer/name/Petra Winter/-/Petra [Winter]");

    CHECK_OK(db, crm_identity_add(NULL, db, a, "email", "petra@frost.example", 0));
    CHECK_INT(count(db, "frost", &o), 1);
    CHECK_OK(db, crm_identity_remove(db, a, "email", "petra@frost.example"));
    CHECK_INT(count(db, "frost", &o), 0);

    CHECK_OK(db, crm_attr_set(db, a, "pet", "tortoise"));
    CHECK_INT(count(db, "tortoise", &o), 1);
    CHECK_OK(db, crm_attr_set(db, a, "pet", "parrot"));
    CHECK_INT(count(db, "tortoise", &o), 0);
    CHECK_STR(find(db, "parrot", &o), "attribute/value/Petra Winter/pet/[parrot]");
    CHECK_OK(db, crm_attr_unset(db, a, "pet"));
    CHECK_INT(count(db, "parrot", &o), 0);

    log_text(db, a, "boiler noise", "the boiler makes a whistling noise", i1);
    CHECK_INT(count(db, "boiler", &o), 2);
    CHECK_OK(db, crm_interaction_set_summary(db, i1, "heating fixed"));
    CHECK_INT(count(db, "boiler", &o), 1); /* the body still says it */
    CHECK_INT(count(db, "heating", &o), 1);
    CHECK_INT(count(db, "whistling", &o), 1);

    promise(db, b, "call back about the boiler", p1);
    CHECK_INT(count(db, "boiler", &o), 2);

    /* A group rolled back leaves the index as it was. */
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_customer_rename(db, b, "Rolf Herbst"));
    CHECK_OK(db, crm_attr_set(db, b, "note", "herbst"));
    log_text(db, b, "herbst", NULL, i1);
    CHECK_INT(count(db, "herbst", &o), 3); /* the group sees its own changes */
    CHECK_INT(count(db, "sommer", &o), 0);
    CHECK_OK(db, crm_attr_set(db, b, "mood", "herbst"));
    CHECK_INT(count(db, "herbst", &o), 4); /* and those made after a search */
    CHECK_OK(db, crm_rollback(db));
    CHECK_INT(count(db, "herbst", &o), 0);
    CHECK_INT(count(db, "sommer", &o), 1);
    CHECK_STR(integrity(path), "");

    /* A group committed keeps all of it. */
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_customer_rename(db, b, "Rolf Herbst"));
    CHECK_OK(db, crm_customer_rename(db, b, "Rolf Herbstlaub"));
    CHECK_OK(db, crm_attr_set(db, b, "note", "herbst"));
    CHECK_OK(db, crm_attr_set(db, b, "note", "autumn"));
    CHECK_OK(db, crm_attr_unset(db, b, "note"));
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(count(db, "herbst", &o), 0);
    CHECK_INT(count(db, "autumn", &o), 0);
    CHECK_INT(count(db, "herbstlaub", &o), 1);

    /* Archived and back, with what is written meanwhile. */
    CHECK_OK(db, crm_customer_archive(db, a));
    CHECK_INT(count(db, "whistling", NULL), 0);
    CHECK_INT(count(db, "whistling", &o), 1);
    log_text(db, a, "written while archived", NULL, i1);
    CHECK_OK(db, crm_attr_set(db, a, "state", "dormant"));
    CHECK_INT(count(db, "archived", NULL), 0);
    CHECK_INT(count(db, "dormant", NULL), 0);
    CHECK_INT(count(db, "archived", &o), 1);
    CHECK_OK(db, crm_customer_unarchive(db, a));
    CHECK_INT(count(db, "whistling", NULL), 1);
    CHECK_INT(count(db, "archived", NULL), 1);
    CHECK_INT(count(db, "dormant", NULL), 1);

    /* A refused write inside a group changes nothing and the group goes on. */
    CHECK_OK(db, crm_begin(db));
    CHECK_RC(db, crm_identity_add(NULL, db, TEST_UNKNOWN_ID, "email", "x@orphan.example", 0),
             CRM_ENOTFOUND);
    CHECK_RC(db, crm_attr_set(db, TEST_UNKNOWN_ID, "k", "orphan"), CRM_ENOTFOUND);
    CHECK_OK(db, crm_attr_set(db, a, "k", "adopted"));
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(count(db, "orphan", &o), 0);
    CHECK_INT(count(db, "adopted", &o), 1);
    CHECK_STR(integrity(path), "");
    CHECK_STR(raw(path, "SELECT count(*) FROM search_pending"), "0");
    crm_close(db);
    CHECK_STR(integrity(path), "");
    test_remove_db(path);
    tags_free();
}

/* A list reads the index as it was when opened, whatever the loop writes. */
TEST(cursor_survives_writes)
{
    crm_db *db = test_open_memory();
    char c[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Example", c);
    for (int i = 0; i < 5; i++)
        log_text(db, c, "echo", NULL, id);
    crm_search_hit_cursor *cur;
    const crm_search_hit *h;
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.limit = 100;
    CHECK_OK(db, crm_search_hit_list_open(&cur, db, "echo", &o));
    int n = 0, rc;
    while ((rc = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW && n < 100) {
        n++;
        log_text(db, c, "echo", NULL, id);
        CHECK_STR(crm_search_hit_customer_name(h), "Ann Example");
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 5);
    crm_search_hit_cursor_free(cur);
    CHECK_INT(count(db, "echo", &o), 10);
    crm_close(db);
}

/* Whatever a person types is words or a clear refusal: never syntax of the
 * index, a crash, or SQLite's words. */
TEST(hostile_queries)
{
    crm_db *db = test_open_memory();
    char c[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Near Andor", c);
    log_text(db, c, "text: NOT AND OR near(a b) col:x \"quoted\"", NULL, id);

    /* Taken as words. */
    static const char *const words[] = {
        "\"unbalanced",  "unbalanced\"", "\"\"\"near",  "NEAR(", "NEAR(near andor, 2)",
        "text:near",     "col:x",        "-near",   "^near", "near AND",
        "AND",           "OR",           "NOT",     "near OR andor", "near NOT andor",
        "(near)",        "{text}: near", "near + andor", "near*andor", "**near",
        "near\x01\x1f",  "\t near \n",   "near\x7f", "'near'", "near;DROP TABLE customer",
        "\xe2\x80\x9c" "near\xe2\x80\x9d", "n\xc3\xa9" "ar", "\xf0\x9f\x98\x80", "\"near",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        crm_search_hit_cursor *cur = NULL;
        int rc = crm_search_hit_list_open(&cur, db, words[i], NULL);
        if (rc != CRM_OK) {
            fprintf(stderr, "query %zu ('%s'): %s\n", i, words[i], crm_errmsg(db));
            CHECK_INT(rc, CRM_OK);
        }
        const crm_search_hit *h;
        while ((rc = crm_search_hit_cursor_next(cur, &h)) == CRM_ROW)
            ;
        CHECK_INT(rc, CRM_DONE);
        crm_search_hit_cursor_free(cur);
    }
    /* Operators are plain words: every one of them must be in the text. */
    CHECK_INT(count(db, "NOT AND OR", NULL), 1);
    CHECK_INT(count(db, "near OR nothing", NULL), 0);
    CHECK_INT(count(db, "near NOT andor", NULL), 0); /* "not" and "andor": only in names */
    CHECK_INT(count(db, "col:x", NULL), 1);
    CHECK_INT(count(db, "NEAR(a b)", NULL), 1);
    CHECK_INT(count(db, "\"quoted", NULL), 1);
    CHECK_INT(count(db, "near*", NULL), 2);
    CHECK_INT(count(db, "nea*", NULL), 2);

    /* Refused, each with a message that says why. */
    char *longq = test_long_string(CRM_SEARCH_QUERY_MAX + 1);
    char *maxq = test_long_string(CRM_SEARCH_QUERY_MAX);
    static const struct {
        const char *q, *frag;
    } bad[] = {
        { "", "no word" },
        { "   ", "no word" },
        { "*", "no word" },
        { "\"\"", "no word" },
        { "\"\"\"", "no word" },
        { "!@#$%^&()", "no word" },
        { "\x01\x02", "no word" },
        { "a*", "one character" },
        { "\xc3\xa9*", "one character" },
        { "a b c d e f g h i j k l m n o p q", "more than 16 words" },
        { "near \xff", "not valid UTF-8" },
        { "\xc3", "not valid UTF-8" },
        { "\xed\xa0\x80", "not valid UTF-8" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        crm_search_hit_cursor *cur = NULL;
        CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, bad[i].q, NULL), CRM_EINVAL,
                    bad[i].frag);
        CHECK(cur == NULL);
        CHECK(strstr(crm_errmsg(db), "fts5") == NULL);
        CHECK(strstr(crm_errmsg(db), "syntax") == NULL);
    }
    crm_search_hit_cursor *cur = NULL;
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, longq, NULL), CRM_EINVAL,
                "longer than 256 bytes");
    CHECK_INT(count(db, maxq, NULL), 0); /* one long word: fine, and found nowhere */
    CHECK_INT(count(db, "a b c d e f g h i j k l m n o p", NULL), 0);
    free(longq);
    free(maxq);
    crm_close(db);
}

TEST(bad_arguments)
{
    crm_db *db = test_open_memory();
    char c[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann Example", c);
    crm_search_hit_cursor *cur = NULL;
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    CHECK_NULL_DB(db, crm_search_hit_list_open(&cur, NULL, "ann", NULL),
                  "crm_search_hit_list_open");
    CHECK_FAILS(db, crm_search_hit_list_open(NULL, db, "ann", NULL), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, NULL, NULL), CRM_EINVAL, "query is NULL");
    o.version = 0;
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "version");
    o.version = CRM_SEARCH_OPTIONS_VERSION + 1;
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "version");
    o = (crm_search_options)CRM_SEARCH_OPTIONS_INIT;
    o.kinds = CRM_SEARCH_BIT(0);
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "kinds");
    o.kinds = CRM_SEARCH_BIT(6);
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "kinds");
    o.kinds = 0;
    for (const char *const *b = test_bad_ids; *b; b++) {
        o.customer_id = *b;
        CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL,
                    "customer_id");
    }
    o.customer_id = TEST_UNKNOWN_ID;
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_ENOTFOUND,
                TEST_UNKNOWN_ID);
    o.customer_id = NULL;
    o.owner = "";
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "owner");
    o.owner = "agent:\x01";
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "owner");
    o.owner = NULL;
    o.include_archived = 2;
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL,
                "include_archived");
    o.include_archived = 0;
    o.limit = CRM_SEARCH_LIMIT_MAX + 1;
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "limit");
    o.limit = 0;
    o.offset = CRM_SEARCH_OFFSET_MAX + 1;
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "offset");
    o.offset = 0;
    o.mark_before = "<mark class=\"hit\">";
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "mark_before");
    o.mark_before = NULL;
    o.mark_after = "\x1b[0m";
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "mark_after");
    o.mark_after = "\xff";
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "ann", &o), CRM_EINVAL, "mark_after");
    CHECK(cur == NULL);
    const crm_search_hit *h;
    CHECK_INT(crm_search_hit_cursor_next(NULL, &h), CRM_EINVAL);
    crm_search_hit_cursor_free(NULL);
    CHECK_OK(db, crm_search_hit_list_open(&cur, db, "ann", NULL));
    CHECK_INT(crm_search_hit_cursor_next(cur, NULL), CRM_EINVAL);
    crm_search_hit_cursor_free(cur);

    /* A redacting handle keeps the query out of its messages. */
    crm_close(db);
    crm_open_options ro;
    crm_open_options_init(&ro, CRM_OPEN_OPTIONS_VERSION);
    ro.flags |= CRM_OPEN_REDACT;
    CHECK_INT(crm_open(&db, ":memory:", &ro), CRM_OK);
    CHECK_FAILS(db, crm_search_hit_list_open(&cur, db, "secret*" "\xff", NULL), CRM_EINVAL,
                "UTF-8");
    CHECK(strstr(crm_errmsg(db), "secret") == NULL);
    crm_close(db);
}

/* Run the migration file name (in CRM_SCHEMA_DIR) on path. */
static int raw_migration(const char *path, const char *name)
{
    char file[512];
    snprintf(file, sizeof file, "%s/%s", CRM_SCHEMA_DIR, name);
    char *sql = test_slurp_text(file);
    sqlite3 *s = NULL;
    int ok = sql && sqlite3_open(path, &s) == SQLITE_OK &&
             sqlite3_exec(s, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(s);
    free(sql);
    return ok;
}

/* A file of schema 6 with records of every kind gets its index built. */
TEST(migration_builds_index)
{
    char path[256];
    test_temp_path(path, sizeof path, ".crm");
    static const char *const files[] = {
        "0001_core.sql", "0002_history.sql", "0003_channels.sql", "0004_shared_identities.sql",
        "0005_first_due.sql", "0006_customer_owner.sql",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        CHECK(raw_migration(path, files[i]));
    CHECK_STR(raw(path, "PRAGMA user_version"), "6");
    CHECK_STR(raw(path,
                  "INSERT INTO customer (id, kind, name, name_key, created_at, updated_at, "
                  "owner) VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, 'Jürgen Müller', "
                  "'jürgen müller', 1700000000000, 1700000000000, 'agent:alice')"),
              "");
    CHECK_STR(raw(path, "INSERT INTO identity VALUES ('email', 'old@mail.example', "
                        "'Old@Mail.example', x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 0, "
                        "1700000000000)"),
              "");
    CHECK_STR(raw(path, "INSERT INTO customer_attr VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', "
                        "'city', 'Lübeck')"),
              "");
    CHECK_STR(raw(path, "INSERT INTO interaction (id, customer_id, channel, direction, "
                        "occurred_at, summary, body, thread_id, created_at, updated_at) VALUES "
                        "(x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7c', "
                        "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 1, 1, 1700000000000, "
                        "'old summary', 'old body', x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7c', "
                        "1700000000000, 1700000000000)"),
              "");
    CHECK_STR(raw(path, "INSERT INTO promise (id, customer_id, owner, what, state, due_at, "
                        "made_at, first_due_at) VALUES (x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7d', "
                        "x'0190a5b27c3e7d4f8a1b2c3d4e5f6a7b', 'agent:alice', 'old promise', 1, "
                        "1800000000000, 1700000000000, 1800000000000)"),
              "");
    crm_db *db = NULL;
    crm_open_options oo;
    crm_open_options_init(&oo, CRM_OPEN_OPTIONS_VERSION);
    CHECK_INT(crm_open(&db, path, &oo), CRM_OK);
    int v = 0;
    CHECK_OK(db, crm_schema_version(&v, db));
    CHECK_INT(v, crm_schema_version_max());
    tag_record("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7c", "old-i");
    tag_record("0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7d", "old-p");
    CHECK_STR(find(db, "muller", NULL), "customer/name/Jürgen Müller/-/Jürgen [Müller]");
    CHECK_STR(find(db, "mail", NULL), "identity/value/Jürgen Müller/email/Old@[Mail].example");
    CHECK_STR(find(db, "lubeck", NULL), "attribute/value/Jürgen Müller/city/[Lübeck]");
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.owner = "agent:alice";
    CHECK_STR(find(db, "old", &o),
              "interaction/summary/Jürgen Müller/old-i/[old] summary | "
              "interaction/body/Jürgen Müller/old-i/[old] body | "
              "promise/what/Jürgen Müller/old-p/[old] promise | "
              "identity/value/Jürgen Müller/email/[Old]@Mail.example");
    /* And it follows changes from then on. */
    CHECK_OK(db, crm_customer_rename(db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "Jürgen Maier"));
    CHECK_INT(count(db, "muller", NULL), 0);
    CHECK_INT(count(db, "maier", NULL), 1);
    crm_close(db);
    CHECK_STR(integrity(path), "");
    test_remove_db(path);
    tags_free();
}

int main(void)
{
    RUN(kind_words);
    RUN(each_kind_found);
    RUN(diacritics_case_and_prefix);
    RUN(ranking_order);
    RUN(limits);
    RUN(filters);
    RUN(follows_every_change);
    RUN(cursor_survives_writes);
    RUN(hostile_queries);
    RUN(bad_arguments);
    RUN(migration_builds_index);
    return test_summary();
}
