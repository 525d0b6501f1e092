/*
 * libcrm tests - phone numbers through the public API: every national and
 * international spelling of a number reaches the one E.164 key, in the
 * database's default country.
 */
#include "test.h"

static crm_db *open_country(const char *country)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = country;
    crm_db *db = NULL;
    if (crm_open(&db, ":memory:", &o) != CRM_OK) {
        fprintf(stderr, "cannot open :memory: (country %s): %s\n", country ? country : "none",
                crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

static const char *const us_forms[] = {
    "+1 (415) 555-0100", "(415) 555-0100", "1-415-555-0100", "011 1 415 555 0100",
    "+14155550100",      "415.555.0100",   " 415 555 0100 ",  NULL,
};

TEST(us_forms_normalise)
{
    crm_db *db = test_open_memory();
    for (int i = 0; us_forms[i]; i++) {
        test_check_key(db, "phone", us_forms[i], "+14155550100");
        if (test_current_failed)
            break;
    }
    crm_close(db);
}

TEST(us_forms_lookup)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, other, "phone", "+14155550199", 0));
    for (int i = 0; us_forms[i]; i++) {
        test_check_finds(db, "phone", us_forms[i], id);
        if (test_current_failed)
            break;
    }
    crm_close(db);
}

TEST(stored_as_entered_keyed_as_e164)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    test_customer(db, CRM_CUSTOMER_PERSON, "John Roe", other);
    crm_identity *i = NULL;
    CHECK_OK(db, crm_identity_add(&i, db, id, "phone", "(415) 555-0100", 0));
    CHECK_STR(crm_identity_value(i), "(415) 555-0100");
    CHECK_STR(crm_identity_key(i), "+14155550100");
    crm_identity_free(i);
    test_check_finds(db, "phone", "+1 415 555 0100", id);
    if (test_current_failed)
        goto out;

    /* Another spelling of the same number is the same identity. */
    for (int k = 0; us_forms[k]; k++) {
        test_snapshot snap;
        test_snapshot_take(db, &snap);
        int rc = crm_identity_add(NULL, db, other, "phone", us_forms[k], 0);
        if (rc != CRM_EEXISTS)
            fprintf(stderr, "adding '%s' to a second customer\n", us_forms[k]);
        CHECK_RC(db, rc, CRM_EEXISTS);
        CHECK_CONTAINS(crm_errmsg(db), id);
        CHECK_CONTAINS(crm_errmsg(db), "Jane Doe");
        CHECK_CONTAINS(crm_errmsg(db), "+14155550100");
        CHECK_UNCHANGED(db, &snap);
    }
out:
    crm_close(db);
}

TEST(germany)
{
    crm_db *db = open_country("DE");
    char uk[CRM_ID_LEN + 1], berlin[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "London Office", uk);
    test_customer(db, CRM_CUSTOMER_PERSON, "Berlin Office", berlin);
    CHECK_OK(db, crm_identity_add(NULL, db, uk, "phone", "+442079460958", 0));
    CHECK_OK(db, crm_identity_add(NULL, db, berlin, "phone", "+49 30 123456", 0));

    test_check_key(db, "phone", "0044 20 7946 0958", "+442079460958");
    test_check_finds(db, "phone", "0044 20 7946 0958", uk);
    test_check_finds(db, "phone", "+44 20 7946 0958", uk);
    test_check_key(db, "phone", "030 123456", "+4930123456");
    test_check_key(db, "phone", "030/123456", "+4930123456");
    test_check_key(db, "phone", "0049 30 123456", "+4930123456");
    test_check_finds(db, "phone", "030 123456", berlin);
    test_check_finds(db, "phone", "+4930123456", berlin);
    /* The US numbers still work in international form. */
    test_check_key(db, "phone", "+1 (415) 555-0100", "+14155550100");
    test_check_key(db, "phone", "001 415 555 0100", "+14155550100");
    crm_close(db);
}

TEST(country_decides_national_numbers)
{
    /* One national number, two countries, two different keys. */
    crm_db *us = test_open_memory(), *de = open_country("DE");
    test_check_key(us, "phone", "(415) 555-0100", "+14155550100");
    test_check_key(de, "phone", "0415 5550100", "+494155550100");
    crm_close(us);
    crm_close(de);
}

/* value is refused with EINVAL, the message naming it, nothing changed. */
static void check_not_a_number(crm_db *db, const char *id, const char *value, const char *extra)
{
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    char *key = (char *)"untouched";
    CHECK_RC(db, crm_identity_normalise(&key, db, "phone", value), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), value);
    if (extra)
        CHECK_CONTAINS(crm_errmsg(db), extra);
    CHECK_STR(key, "untouched");
    crm_customer *c = (crm_customer *)(void *)&snap;
    CHECK_RC(db, crm_identity_lookup(&c, db, "phone", value), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), value);
    CHECK(c == (crm_customer *)(void *)&snap);
    CHECK_RC(db, crm_identity_add(NULL, db, id, "phone", value, 0), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), value);
    if (extra)
        CHECK_CONTAINS(crm_errmsg(db), extra);
    CHECK_RC(db, crm_identity_remove(db, id, "phone", value), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), value);
    CHECK_UNCHANGED(db, &snap);
}

TEST(not_numbers)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+14155550100", 0));
    static const char *const bad[] = {
        "abc", "12", "+", "()", "+1 415", "415 555 01", NULL,
    };
    for (int i = 0; bad[i]; i++) {
        check_not_a_number(db, id, bad[i], NULL);
        if (test_current_failed) {
            fprintf(stderr, "  for '%s'\n", bad[i]);
            break;
        }
    }
    crm_close(db);
}

TEST(local_number_without_area_code)
{
    /* A subscriber number without its area code has no E.164 form: keyed as
     * "+15550100" it would match the same digits in every area code. */
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    static const char *const local[] = { "555-0100", "555 0100", "+1 555 0100", NULL };
    for (int i = 0; local[i]; i++) {
        check_not_a_number(db, id, local[i], "not a phone number");
        if (test_current_failed) {
            fprintf(stderr, "  for '%s'\n", local[i]);
            break;
        }
    }
    crm_close(db);
}

TEST(national_number_without_country)
{
    crm_db *db = open_country(NULL);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    check_not_a_number(db, id, "(415) 555-0100", "default country");
    if (test_current_failed)
        goto out;
    check_not_a_number(db, id, "030 123456", "default country");
    if (test_current_failed)
        goto out;
    /* International numbers need no default country. */
    test_check_key(db, "phone", "+1 (415) 555-0100", "+14155550100");
    test_check_key(db, "phone", "+49 30 123456", "+4930123456");
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+1 (415) 555-0100", 0));
    test_check_finds(db, "phone", "+14155550100", id);
out:
    crm_close(db);
}

TEST(open_bad_country)
{
    static const char *const bad[] = { "XX", "usa", "", "U1", "1U", "ZZ", "u", NULL };
    for (int i = 0; bad[i]; i++) {
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.default_country = bad[i];
        crm_db *db = (crm_db *)(void *)&o;
        int rc = crm_open(&db, ":memory:", &o);
        if (rc != CRM_EINVAL)
            fprintf(stderr, "default_country '%s'\n", bad[i]);
        CHECK_RC(NULL, rc, CRM_EINVAL);
        CHECK(db == NULL);
        CHECK_CONTAINS(crm_errmsg(NULL), "default_country");
        char quoted[16];
        snprintf(quoted, sizeof quoted, "'%s'", bad[i]);
        CHECK_CONTAINS(crm_errmsg(NULL), quoted);
    }
}

TEST(lower_case_country)
{
    crm_db *db = open_country("us");
    test_check_key(db, "phone", "(415) 555-0100", "+14155550100");
    crm_close(db);
    db = open_country("dE");
    test_check_key(db, "phone", "030 123456", "+4930123456");
    crm_close(db);
}

/* A key is its own key: the E.164 form of every accepted number normalises
 * to itself, so a number stored from a national spelling is found by its
 * E.164 spelling. Leading zeros after the country code can make an E.164
 * form that reads back as another number; such input is refused. */
TEST(key_is_its_own_key)
{
    static const struct {
        const char *country, *value;
    } ok[] = {
        {"IT", "06 1234 5678"}, {"GB", "020 7946 0958"}, {"IN", "098765 43210"},
        {"US", "(415) 555-0100"}, {"DE", "030 1234567"}, {NULL, NULL},
    };
    for (int i = 0; ok[i].country; i++) {
        crm_db *db = open_country(ok[i].country);
        char *key = NULL, *again = NULL;
        CHECK_OK(db, crm_identity_normalise(&key, db, "phone", ok[i].value));
        CHECK_OK(db, crm_identity_normalise(&again, db, "phone", key));
        if (key && again)
            CHECK_STR(again, key);
        crm_free(key);
        crm_free(again);
        crm_close(db);
    }
    crm_db *db = open_country("IN");
    char *key = NULL;
    CHECK_INT(crm_identity_normalise(&key, db, "phone", "0001376097768"), CRM_EINVAL);
    CHECK(key == NULL);
    CHECK(strstr(crm_errmsg(db), "0001376097768") != NULL);
    crm_close(db);
    db = open_country("AU");
    CHECK_INT(crm_identity_normalise(&key, db, "phone", "0183114730"), CRM_EINVAL);
    CHECK(key == NULL);
    crm_close(db);
}

int main(void)
{
    RUN(us_forms_normalise);
    RUN(us_forms_lookup);
    RUN(stored_as_entered_keyed_as_e164);
    RUN(germany);
    RUN(country_decides_national_numbers);
    RUN(not_numbers);
    RUN(local_number_without_area_code);
    RUN(national_number_without_country);
    RUN(open_bad_country);
    RUN(lower_case_country);
    RUN(key_is_its_own_key);
    return test_summary();
}
