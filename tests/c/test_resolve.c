/*
 * libcrm tests - crm_customer_resolve() and crm_customer_resolve_open():
 * every form of text (ids, phone numbers, e-mail addresses, handles,
 * account and loyalty numbers), ambiguity within and across kinds, what
 * the not-found message says was tried, and bad input.
 */
#include "test.h"

static char poison; /* what out-params point at before a call that must fail */

/* Ann, Bob and Cy, each known by some identities; Dee and Eve share a
 * landline; Fay's account number is Ann's phone number written without
 * its country code. */
typedef struct people {
    char ann[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1], cy[CRM_ID_LEN + 1];
    char dee[CRM_ID_LEN + 1], eve[CRM_ID_LEN + 1], fay[CRM_ID_LEN + 1];
} people;

static crm_db *open_people(people *p)
{
    crm_db *db = test_open_memory();
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", p->ann);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", p->bob);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Cy Ltd", p->cy);
    test_customer(db, CRM_CUSTOMER_PERSON, "Dee", p->dee);
    test_customer(db, CRM_CUSTOMER_PERSON, "Eve", p->eve);
    test_customer(db, CRM_CUSTOMER_PERSON, "Fay", p->fay);
    static const struct {
        int who;
        const char *kind, *value;
        unsigned int flags;
    } ids[] = {
        { 0, "phone", "+1 415 555 0100", CRM_IDENTITY_PRIMARY },
        { 0, "email", "Ann@Example.com", 0 },
        { 1, "social", "twitter:@BobB", 0 },
        { 1, "loyalty", "LX-42", 0 },
        { 2, "account", "ACC-100234", 0 },
        { 2, "loyalty", "ACC-100234", 0 }, /* the same customer by two kinds */
        { 3, "phone", "+1 212 555 0199", CRM_IDENTITY_SHARED },
        { 4, "phone", "(212) 555-0199", CRM_IDENTITY_SHARED },
        { 5, "account", "4155550100", 0 },
        { 1, "account", "12345", 0 },
    };
    const char *who[] = { p->ann, p->bob, p->cy, p->dee, p->eve, p->fay };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        if (crm_identity_add(NULL, db, who[ids[i].who], ids[i].kind, ids[i].value,
                             ids[i].flags) != CRM_OK) {
            fprintf(stderr, "adding %s: %s\n", ids[i].value, crm_errmsg(db));
            exit(2);
        }
    return db;
}

/* resolve(text) finds the customer with id `id`, changing nothing. */
static void check_resolves(crm_db *db, const char *text, const char *id)
{
    int64_t seq = test_last_seq(db);
    crm_customer *c = NULL;
    int rc = crm_customer_resolve(&c, db, text);
    if (rc != CRM_OK)
        fprintf(stderr, "resolving '%s'\n", text);
    CHECK_OK(db, rc);
    CHECK_STR(crm_customer_id(c), id);
    CHECK_INT(crm_errcode(db), CRM_OK);
    crm_customer_free(c);
    CHECK_INT(test_last_seq(db), seq);
}

/* The names resolve_open(text) lists, joined by ","; CRM_OK or its code. */
static int candidates(crm_db *db, const char *text, char *buf, size_t size)
{
    crm_customer_cursor *cur = NULL;
    int rc = crm_customer_resolve_open(&cur, db, text);
    if (rc)
        return rc;
    const crm_customer *c;
    size_t o = 0;
    buf[0] = '\0';
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? "," : "", crm_customer_name(c));
    crm_customer_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

/* resolve(text) fails with code and a message holding both fragments
 * (frag2 may be NULL); out is untouched and nothing changed. */
static void check_fails(crm_db *db, const char *text, int code, const char *frag1,
                        const char *frag2)
{
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    crm_customer *c = (crm_customer *)(void *)&poison;
    int rc = crm_customer_resolve(&c, db, text);
    if (rc != code)
        fprintf(stderr, "resolving '%s'\n", text ? text : "(NULL)");
    CHECK_RC(db, rc, code);
    CHECK_CONTAINS(crm_errmsg(db), frag1);
    if (frag2)
        CHECK_CONTAINS(crm_errmsg(db), frag2);
    CHECK(crm_conflict_id(db) == NULL);
    CHECK(c == (crm_customer *)(void *)&poison);
    CHECK_UNCHANGED(db, &snap);
}

TEST(error_code)
{
    CHECK_INT(CRM_EAMBIGUOUS, -14);
    CHECK_STR(crm_errname(CRM_EAMBIGUOUS), "EAMBIGUOUS");
    CHECK_STR(crm_strerror(CRM_EAMBIGUOUS), "names more than one record");
    for (int code = CRM_ERROR; code > CRM_EAMBIGUOUS; code--)
        CHECK(strcmp(crm_strerror(code), crm_strerror(CRM_EAMBIGUOUS)) != 0);
}

TEST(every_kind)
{
    people p;
    crm_db *db = open_people(&p);
    /* Phone numbers in any form, read in the handle's country. */
    check_resolves(db, "+14155550100", p.ann);
    check_resolves(db, "+1 (415) 555-0100", p.ann);
    check_resolves(db, "415.555.0100", p.ann);
    check_resolves(db, "  1-415-555-0100 ", p.ann);
    /* E-mail addresses, handles, accounts, loyalty numbers. */
    check_resolves(db, "ann@example.com", p.ann);
    check_resolves(db, " ANN@EXAMPLE.COM  ", p.ann);
    check_resolves(db, "twitter:bobb", p.bob);
    check_resolves(db, "TWITTER:@BobB", p.bob);
    check_resolves(db, "LX-42", p.bob);
    check_resolves(db, "  LX-42  ", p.bob);
    /* One customer matched by two kinds is one customer. */
    check_resolves(db, "ACC-100234", p.cy);
    /* Five digits that are no phone number: the account they are. */
    check_resolves(db, "12345", p.bob);
    /* Ids in any case, with white space around. */
    check_resolves(db, p.eve, p.eve);
    char upper[CRM_ID_LEN + 3];
    snprintf(upper, sizeof upper, " %s ", p.dee);
    for (char *c = upper; *c; c++)
        if (*c >= 'a' && *c <= 'f')
            *c = (char)(*c - 'a' + 'A');
    check_resolves(db, upper, p.dee);
    /* Archived customers too. */
    CHECK_OK(db, crm_customer_archive(db, p.bob));
    check_resolves(db, "LX-42", p.bob);
    check_resolves(db, p.bob, p.bob);
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_resolve(&c, db, "twitter:bobb"));
    CHECK_STR(crm_customer_name(c), "Bob");
    CHECK_INT(crm_customer_is_archived(c), 1);
    CHECK_INT(crm_customer_kind(c), CRM_CUSTOMER_PERSON);
    crm_customer_free(c);
    CHECK_OK(db, crm_customer_resolve(&c, db, "ACC-100234"));
    CHECK_INT(crm_customer_kind(c), CRM_CUSTOMER_ORGANISATION);
    crm_customer_free(c);
    /* The same texts list their one customer. */
    char buf[256];
    CHECK_OK(db, candidates(db, "(415) 555-0100", buf, sizeof buf));
    CHECK_STR(buf, "Ann");
    CHECK_OK(db, candidates(db, "ACC-100234", buf, sizeof buf));
    CHECK_STR(buf, "Cy Ltd");
    CHECK_OK(db, candidates(db, p.cy, buf, sizeof buf));
    CHECK_STR(buf, "Cy Ltd");
    crm_close(db);
}

TEST(ambiguous)
{
    people p;
    crm_db *db = open_people(&p);
    char buf[256];
    /* A shared identity with two holders. */
    check_fails(db, "(212) 555-0199", CRM_EAMBIGUOUS, "names 2 customers",
                "tried phone +12125550199, account, loyalty");
    CHECK_OK(db, candidates(db, "212-555-0199", buf, sizeof buf));
    CHECK_STR(buf, "Dee,Eve");
    /* Two kinds naming two customers: Ann's phone is Fay's account. The
     * earlier kind does not win: a caller keying digits into an IVR may
     * mean either. */
    check_fails(db, "4155550100", CRM_EAMBIGUOUS, "'4155550100' names 2 customers",
                "tried phone +14155550100, account, loyalty");
    CHECK_OK(db, candidates(db, "4155550100", buf, sizeof buf));
    CHECK_STR(buf, "Ann,Fay");
    /* In E.164 the text is no account number of Fay's. */
    check_resolves(db, "+14155550100", p.ann);
    /* Once only one holder is left, it is the one. */
    CHECK_OK(db, crm_identity_remove(db, p.dee, "phone", "+12125550199"));
    check_resolves(db, "(212) 555-0199", p.eve);
    /* Three customers, by three kinds. */
    CHECK_OK(db, crm_identity_add(NULL, db, p.eve, "loyalty", "4155550100", 0));
    check_fails(db, "4155550100", CRM_EAMBIGUOUS, "names 3 customers", NULL);
    CHECK_OK(db, candidates(db, "4155550100", buf, sizeof buf));
    CHECK_STR(buf, "Ann,Eve,Fay");
    crm_close(db);
}

/* Customers are counted once however many kinds find them, in whatever
 * order the kinds find them. */
TEST(counted_once_per_customer)
{
    people p;
    crm_db *db = open_people(&p);
    char gus[CRM_ID_LEN + 1], hal[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Gus", gus);
    test_customer(db, CRM_CUSTOMER_PERSON, "Hal", hal);
    /* Gus by phone and account, Hal by loyalty: two customers. */
    CHECK_OK(db, crm_identity_add(NULL, db, gus, "phone", "+14155550177", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, gus, "account", "4155550177", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, hal, "loyalty", "4155550177", 0));
    check_fails(db, "4155550177", CRM_EAMBIGUOUS, "'4155550177' names 2 customers",
                "tried phone +14155550177, account, loyalty");
    char buf[256];
    CHECK_OK(db, candidates(db, "4155550177", buf, sizeof buf));
    CHECK_STR(buf, "Gus,Hal");
    /* Gus by phone and loyalty, Hal by account between them. */
    CHECK_OK(db, crm_identity_remove(db, gus, "account", "4155550177"));
    CHECK_OK(db, crm_identity_remove(db, hal, "loyalty", "4155550177"));
    CHECK_OK(db, crm_identity_add(NULL, db, hal, "account", "4155550177", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, gus, "loyalty", "4155550177", 0));
    check_fails(db, "4155550177", CRM_EAMBIGUOUS, "names 2 customers", NULL);
    /* Gus by phone, Hal by account and loyalty. */
    CHECK_OK(db, crm_identity_remove(db, gus, "loyalty", "4155550177"));
    CHECK_OK(db, crm_identity_add(NULL, db, hal, "loyalty", "4155550177", 0));
    check_fails(db, "4155550177", CRM_EAMBIGUOUS, "names 2 customers", NULL);
    /* Gus by all three: one customer. */
    CHECK_OK(db, crm_identity_remove(db, hal, "account", "4155550177"));
    CHECK_OK(db, crm_identity_remove(db, hal, "loyalty", "4155550177"));
    CHECK_OK(db, crm_identity_add(NULL, db, gus, "account", "4155550177", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, gus, "loyalty", "4155550177", 0));
    check_resolves(db, "4155550177", gus);
    check_resolves(db, "(415) 555-0177", gus);
    /* A shared phone of two, one of whom is also the account: two. */
    CHECK_OK(db, crm_identity_add(NULL, db, p.dee, "account", "2125550199", 0));
    check_fails(db, "2125550199", CRM_EAMBIGUOUS, "names 2 customers",
                "tried phone +12125550199, account, loyalty");
    /* Three holders of a shared phone, and a fourth customer's loyalty. */
    CHECK_OK(db, crm_identity_add(NULL, db, hal, "phone", "+12125550199", CRM_IDENTITY_SHARED));
    CHECK_OK(db, crm_identity_add(NULL, db, gus, "loyalty", "2125550199", 0));
    check_fails(db, "2125550199", CRM_EAMBIGUOUS, "names 4 customers", NULL);
    CHECK_OK(db, candidates(db, "2125550199", buf, sizeof buf));
    CHECK_STR(buf, "Dee,Eve,Gus,Hal");
    crm_close(db);
}

TEST(not_found_says_what_was_tried)
{
    people p;
    crm_db *db = open_people(&p);
    char buf[64];
    check_fails(db, "1234", CRM_ENOTFOUND, "no customer is '1234' (not an id; tried account, "
                "loyalty)", NULL);
    check_fails(db, "nobody@example.com", CRM_ENOTFOUND,
                "no customer is 'nobody@example.com' (not an id; tried email, account, loyalty)",
                NULL);
    check_fails(db, "Nobody@Example.com", CRM_ENOTFOUND,
                "tried email nobody@example.com, account, loyalty", NULL);
    check_fails(db, "+44 20 7946 0958", CRM_ENOTFOUND,
                "tried phone +442079460958, account, loyalty", NULL);
    check_fails(db, "facebook:Jane", CRM_ENOTFOUND,
                "tried social facebook:jane, account, loyalty", NULL);
    check_fails(db, "a@b@c", CRM_ENOTFOUND,
                "tried email (not an e-mail address), account, loyalty", NULL);
    check_fails(db, "555-01999999999999", CRM_ENOTFOUND,
                "tried phone (not a phone number), account, loyalty", NULL);
    check_fails(db, "no such thing", CRM_ENOTFOUND, "'no such thing' (not an id; tried account, "
                "loyalty)", NULL);
    /* An id: only an id; its customer or none. */
    check_fails(db, TEST_UNKNOWN_ID, CRM_ENOTFOUND, "no customer has id", TEST_UNKNOWN_ID);
    CHECK_OK(db, crm_identity_add(NULL, db, p.fay, "account", TEST_UNKNOWN_ID, 0));
    check_fails(db, TEST_UNKNOWN_ID, CRM_ENOTFOUND, "no customer has id", TEST_UNKNOWN_ID);
    /* Nothing found is an empty list. */
    CHECK_OK(db, candidates(db, "nobody@example.com", buf, sizeof buf));
    CHECK_STR(buf, "");
    CHECK_OK(db, candidates(db, TEST_UNKNOWN_ID, buf, sizeof buf));
    CHECK_STR(buf, "");
    crm_close(db);

    /* A national number needs the handle's country. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    CHECK_INT(crm_open(&db, ":memory:", &o), CRM_OK);
    check_fails(db, "(415) 555-0100", CRM_ENOTFOUND,
                "tried phone (unreadable without a default country), account, loyalty", NULL);
    crm_close(db);

    /* Kept to itself where personal data must be. */
    o.flags |= CRM_OPEN_REDACT;
    o.default_country = "US";
    CHECK_INT(crm_open(&db, ":memory:", &o), CRM_OK);
    check_fails(db, "Jane@Example.com", CRM_ENOTFOUND,
                "no customer is '<withheld>' (not an id; tried email <withheld>, account, "
                "loyalty)", NULL);
    CHECK(!strstr(crm_errmsg(db), "ane"));
    check_fails(db, "415 555 0100", CRM_ENOTFOUND, "tried phone <withheld>", NULL);
    crm_close(db);
}

TEST(bad_input)
{
    people p;
    crm_db *db = open_people(&p);
    check_fails(db, NULL, CRM_EINVAL, "text is NULL", NULL);
    check_fails(db, "", CRM_EINVAL, "text is empty", NULL);
    check_fails(db, "   ", CRM_EINVAL, "text is blank", NULL);
    for (int b = 0; test_bad_utf8[b]; b++)
        check_fails(db, test_bad_utf8[b], CRM_EINVAL, "text is not valid UTF-8", NULL);
    check_fails(db, "LX-42\t", CRM_EINVAL, "control character", NULL);
    check_fails(db, "ann\n@example.com", CRM_EINVAL, "control character", NULL);
    char *too_long = test_long_string(CRM_IDENTITY_MAX + 1);
    check_fails(db, too_long, CRM_EINVAL, "257 bytes", NULL);
    free(too_long);
    char *longest = test_long_string(CRM_IDENTITY_MAX);
    check_fails(db, longest, CRM_ENOTFOUND, "tried account, loyalty", NULL);
    free(longest);
    /* In the form of an id, but not one: said so, nothing else tried. */
    check_fails(db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7g", CRM_EINVAL,
                "has the form of an id but is not one", "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7g");
    check_fails(db, "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", CRM_EINVAL, "form of an id", NULL);
    /* A NULL output or handle. */
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_RC(db, crm_customer_resolve(NULL, db, "LX-42"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK_RC(db, crm_customer_resolve_open(NULL, db, "LX-42"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    crm_customer *c = (crm_customer *)(void *)&poison;
    crm_customer_cursor *cur = (crm_customer_cursor *)(void *)&poison;
    CHECK_RC(NULL, crm_customer_resolve(&c, NULL, "LX-42"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_customer_resolve: the database handle is NULL");
    CHECK_RC(NULL, crm_customer_resolve_open(&cur, NULL, "LX-42"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_customer_resolve_open: the database handle is NULL");
    /* The list refuses what resolve refuses, alike. */
    static const char *const bad[] = { "", "   ", "\xff", "LX\x01", "0190a5b2-7c3e-7d4f-8a1b-"
                                       "2c3d4e5f6a7g", NULL };
    CHECK_RC(db, crm_customer_resolve_open(&cur, db, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "text is NULL");
    for (int b = 0; bad[b]; b++) {
        CHECK_RC(db, crm_customer_resolve(&c, db, bad[b]), CRM_EINVAL);
        char msg[256];
        snprintf(msg, sizeof msg, "%s", crm_errmsg(db));
        CHECK_RC(db, crm_customer_resolve_open(&cur, db, bad[b]), CRM_EINVAL);
        CHECK_STR(crm_errmsg(db), msg);
    }
    CHECK(c == (crm_customer *)(void *)&poison);
    CHECK(cur == (crm_customer_cursor *)(void *)&poison);
    CHECK_UNCHANGED(db, &snap);
    crm_close(db);
}

/* A list in the middle of its walk gives the candidates as they were. */
TEST(list_while_writing)
{
    people p;
    crm_db *db = open_people(&p);
    crm_customer_cursor *cur = NULL;
    const crm_customer *c;
    CHECK_OK(db, crm_customer_resolve_open(&cur, db, "2125550199"));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), p.dee);
    CHECK_OK(db, crm_identity_add(NULL, db, p.ann, "account", "2125550199", 0));
    CHECK_OK(db, crm_customer_rename(db, p.eve, "Eve Two"));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), p.eve);
    CHECK_STR(crm_customer_name(c), "Eve");
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    CHECK_RC(db, crm_customer_cursor_next(cur, NULL), CRM_EINVAL);
    crm_customer_cursor_free(cur);
    char buf[128];
    CHECK_OK(db, candidates(db, "2125550199", buf, sizeof buf));
    CHECK_STR(buf, "Ann,Dee,Eve Two");
    crm_close(db);
}

/* Each call, failed at its N-th allocation for N = 0, 1, ... until it
 * gives its answer: ENOMEM, the out-param alone, then the answer. */
TEST(out_of_memory)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    people p;
    crm_db *db = open_people(&p);
    static const struct {
        const char *text;
        int code;
        const char *names;
    } cases[] = {
        { "(415) 555-0100", CRM_OK, "Ann" },
        { "4155550100", CRM_EAMBIGUOUS, "Ann,Fay" },
        { "nobody@example.com", CRM_ENOTFOUND, "" },
        { "a@b@c", CRM_ENOTFOUND, "" },
        { "twitter:bobb", CRM_OK, "Bob" },
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        int rc = CRM_ENOMEM;
        for (long n = 0; n < 200 && rc == CRM_ENOMEM; n++) {
            crm_customer *c = (crm_customer *)(void *)&poison;
            test_alloc_countdown = n;
            rc = crm_customer_resolve(&c, db, cases[k].text);
            test_alloc_countdown = -1;
            if (rc == CRM_OK)
                crm_customer_free(c);
            else
                CHECK(c == (crm_customer *)(void *)&poison);
        }
        CHECK_INT(rc, cases[k].code);
        rc = CRM_ENOMEM;
        for (long n = 0; n < 200 && rc == CRM_ENOMEM; n++) {
            char buf[128];
            test_alloc_countdown = n;
            rc = candidates(db, cases[k].text, buf, sizeof buf);
            test_alloc_countdown = -1;
            if (rc == CRM_OK)
                CHECK_STR(buf, cases[k].names);
        }
        CHECK_OK(db, rc);
    }
    crm_close(db);
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(error_code);
    RUN(every_kind);
    RUN(ambiguous);
    RUN(counted_once_per_customer);
    RUN(not_found_says_what_was_tried);
    RUN(bad_input);
    RUN(list_while_writing);
    RUN(out_of_memory);
    return test_summary();
}
