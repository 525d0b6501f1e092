/*
 * libcrm tests - crm_id_expand(): a record named by the first digits of its
 * id, for each kind of record; ambiguous and unknown prefixes; erased
 * customers; and every kind of bad argument.
 */
#include <ctype.h>
#include <string.h>

#include "test.h"

#define MIN 60000LL

typedef struct sim_clock {
    int64_t now;
} sim_clock;

static int64_t sim_read(void *ctx)
{
    return ((sim_clock *)ctx)->now;
}

static sim_clock clk = { 1796659200000LL }; /* 2026-12-07T00:00:00Z */

static crm_db *open_sim(char *path, size_t size)
{
    test_temp_path(path, size, ".db");
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = sim_read;
    o.clock_ctx = &clk;
    crm_db *db = NULL;
    if (crm_open(&db, path, &o) != CRM_OK) {
        fprintf(stderr, "crm_open: %s\n", crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

/* crm_id_expand's answer as the id, or "ERR <code>". */
static const char *expand(crm_db *db, crm_record_t record, const char *prefix)
{
    static char out[64];
    char *id = NULL;
    int rc = crm_id_expand(&id, db, record, prefix);
    if (rc == CRM_OK)
        snprintf(out, sizeof out, "%s", id);
    else
        snprintf(out, sizeof out, "ERR %s", crm_errname(rc));
    crm_free(id);
    return out;
}

static void upper(char *s)
{
    for (; *s; s++)
        *s = (char)toupper((unsigned char)*s);
}

static void strip_hyphens(char *out, const char *id)
{
    for (; *id; id++)
        if (*id != '-')
            *out++ = *id;
    *out = '\0';
}

TEST(record_names)
{
    for (int r = CRM_RECORD_CUSTOMER; r <= CRM_RECORD_OCCASION; r++) {
        crm_record_t back = 0;
        CHECK(crm_record_name((crm_record_t)r) != NULL);
        CHECK_OK(NULL, crm_record_parse(&back, crm_record_name((crm_record_t)r)));
        CHECK_INT(back, r);
    }
    CHECK_STR(crm_record_name(CRM_RECORD_PROMISE), "promise");
    CHECK(crm_record_name((crm_record_t)0) == NULL);
    CHECK(crm_record_name((crm_record_t)5) == NULL);
    crm_record_t r = CRM_RECORD_CUSTOMER;
    CHECK_RC(NULL, crm_record_parse(&r, "Promise"), CRM_EINVAL);
    CHECK_RC(NULL, crm_record_parse(&r, NULL), CRM_EINVAL);
    CHECK_RC(NULL, crm_record_parse(NULL, "promise"), CRM_EINVAL);
    CHECK_INT(r, CRM_RECORD_CUSTOMER);
}

TEST(each_kind_of_record)
{
    char path[256], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    crm_db *db = open_sim(path, sizeof path);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    clk.now += 10 * MIN; /* a later minute: another first eight digits */
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", b);

    /* a whole id is its own prefix, in capitals or without hyphens too */
    CHECK_STR(expand(db, CRM_RECORD_CUSTOMER, a), a);
    char form[CRM_ID_LEN + 1];
    snprintf(form, sizeof form, "%s", a);
    upper(form);
    CHECK_STR(expand(db, CRM_RECORD_CUSTOMER, form), a);
    strip_hyphens(form, a);
    CHECK_STR(expand(db, CRM_RECORD_CUSTOMER, form), a);
    /* eight digits tell the two minutes apart; with the hyphen after them too */
    char p[16];
    snprintf(p, sizeof p, "%.8s", b);
    CHECK_STR(expand(db, CRM_RECORD_CUSTOMER, p), b);
    snprintf(p, sizeof p, "%.9s", b);
    CHECK_STR(expand(db, CRM_RECORD_CUSTOMER, p), b);
    snprintf(p, sizeof p, "%.11s", a);
    CHECK_STR(expand(db, CRM_RECORD_CUSTOMER, p), a);
    /* a customer's id is no promise's */
    CHECK_FAILS(db, crm_id_expand(&(char *){ NULL }, db, CRM_RECORD_PROMISE, a), CRM_ENOTFOUND,
                "no promise has an id starting with");

    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = a;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    crm_interaction *i = NULL;
    CHECK_OK(db, crm_interaction_log(&i, db, &s));
    crm_promise *pr = NULL;
    CHECK_OK(db, crm_promise_make(&pr, db, a, NULL, "agent:x", "call back", clk.now + MIN,
                                  CRM_TIME_NONE));
    crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
    o.customer_id = a;
    o.kind = "birthday";
    o.yearly = 1;
    o.month = 3;
    o.day = 7;
    crm_occasion *oc = NULL;
    CHECK_OK(db, crm_occasion_add(&oc, db, &o));
    CHECK_STR(expand(db, CRM_RECORD_INTERACTION, crm_interaction_id(i)), crm_interaction_id(i));
    CHECK_STR(expand(db, CRM_RECORD_PROMISE, crm_promise_id(pr)), crm_promise_id(pr));
    CHECK_STR(expand(db, CRM_RECORD_OCCASION, crm_occasion_id(oc)), crm_occasion_id(oc));
    snprintf(p, sizeof p, "%.8s", crm_promise_id(pr));
    CHECK_STR(expand(db, CRM_RECORD_PROMISE, p), crm_promise_id(pr));
    crm_interaction_free(i);
    crm_promise_free(pr);
    crm_occasion_free(oc);

    /* an erased customer is no longer there to name */
    CHECK_OK(db, crm_customer_erase(db, b));
    snprintf(p, sizeof p, "%.8s", b);
    CHECK_FAILS(db, crm_id_expand(&(char *){ NULL }, db, CRM_RECORD_CUSTOMER, p), CRM_ENOTFOUND,
                "no customer has an id starting with");
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(ambiguous_lists_the_candidates)
{
    char path[256], ids[14][CRM_ID_LEN + 1];
    crm_db *db = open_sim(path, sizeof path);
    /* made in one millisecond: the first 12 digits are the same */
    for (int k = 0; k < 14; k++)
        test_customer(db, CRM_CUSTOMER_PERSON, "Same", ids[k]);
    char p[16];
    snprintf(p, sizeof p, "%.8s", ids[0]);
    char *out = NULL;
    CHECK_FAILS(db, crm_id_expand(&out, db, CRM_RECORD_CUSTOMER, p), CRM_EAMBIGUOUS,
                "14 customers have ids starting with");
    CHECK(out == NULL);
    CHECK_RC(db, crm_id_expand(&out, db, CRM_RECORD_CUSTOMER, p), CRM_EAMBIGUOUS);
    const char *msg = crm_errmsg(db);
    CHECK_CONTAINS(msg, "give more digits");
    /* the first ten by id, and not the rest */
    for (int k = 0; k < 14; k++)
        CHECK(strstr(msg, ids[k]) != NULL ? k < CRM_ID_CANDIDATES_MAX : k >= CRM_ID_CANDIDATES_MAX);
    /* two of them */
    CHECK_OK(db, crm_close(db));
    db = open_sim(path, sizeof path);
    char x[CRM_ID_LEN + 1], y[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "X", x);
    test_customer(db, CRM_CUSTOMER_PERSON, "Y", y);
    snprintf(p, sizeof p, "%.4s", x);
    CHECK_FAILS(db, crm_id_expand(&out, db, CRM_RECORD_CUSTOMER, p), CRM_EAMBIGUOUS, "They are");
    CHECK_RC(db, crm_id_expand(&out, db, CRM_RECORD_CUSTOMER, p), CRM_EAMBIGUOUS);
    CHECK_CONTAINS(crm_errmsg(db), x);
    CHECK_CONTAINS(crm_errmsg(db), y);
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(bad_arguments)
{
    char path[256], a[CRM_ID_LEN + 1];
    crm_db *db = open_sim(path, sizeof path);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    char *out = NULL;
    CHECK_NULL_DB(db, crm_id_expand(&out, NULL, CRM_RECORD_CUSTOMER, a), "crm_id_expand");
    CHECK_FAILS(db, crm_id_expand(NULL, db, CRM_RECORD_CUSTOMER, a), CRM_EINVAL, "out");
    CHECK_FAILS(db, crm_id_expand(&out, db, CRM_RECORD_CUSTOMER, NULL), CRM_EINVAL, "NULL");
    CHECK_FAILS(db, crm_id_expand(&out, db, (crm_record_t)0, a), CRM_EINVAL, "record kind 0");
    CHECK_FAILS(db, crm_id_expand(&out, db, (crm_record_t)5, a), CRM_EINVAL, "record kind 5");
    static const struct {
        const char *prefix, *says;
    } bad[] = {
        { "", "has 0 digits" },
        { "019", "has 3 digits" },
        { "01-9a", "hyphen" },
        { "0190a5b2--7c3e", "hyphen" },
        { "-0190a5b2", "hyphen" },
        { "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b0", "longer than an id" },
        { "0190a5b27c3e7d4f8a1b2c3d4e5f6a7b0", "more digits than an id" },
        { "01g0a5b2", "'g'" },
        { "0190 a5b2", "no hexadecimal digit" },
        { "0190\xc3\x28", "no hexadecimal digit" },
        { "0190'; DROP TABLE customer; --", "no hexadecimal digit" },
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        CHECK_FAILS(db, crm_id_expand(&out, db, CRM_RECORD_CUSTOMER, bad[k].prefix), CRM_EINVAL,
                    bad[k].says);
    for (int k = 0; test_bad_utf8[k]; k++)
        CHECK_RC(db, crm_id_expand(&out, db, CRM_RECORD_CUSTOMER, test_bad_utf8[k]), CRM_EINVAL);
    char *lng = test_long_string(100000);
    CHECK_FAILS(db, crm_id_expand(&out, db, CRM_RECORD_CUSTOMER, lng), CRM_EINVAL, "longer");
    free(lng);
    CHECK(out == NULL);
    CHECK_OK(db, crm_close(db));

    /* a read-only handle expands too */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    CHECK_STR(expand(db, CRM_RECORD_CUSTOMER, a), a);
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

int main(void)
{
    RUN(record_names);
    RUN(each_kind_of_record);
    RUN(ambiguous_lists_the_candidates);
    RUN(bad_arguments);
    return test_summary();
}
