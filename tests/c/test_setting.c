/*
 * libcrm tests - the default country kept in the file: set, read back by
 * every handle that opens the file, overridden by an open option, removed,
 * journaled once per change, and every kind of bad argument.
 */
#include <stdbool.h>
#include <string.h>

#include "test.h"

static crm_db *open_with(const char *path, const char *country, unsigned int flags)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = country;
    o.flags = flags;
    crm_db *db = NULL;
    if (crm_open(&db, path, &o) != CRM_OK) {
        fprintf(stderr, "crm_open: %s\n", crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

/* The key a national number gets for the customer, or the error's code. */
static int add_national(crm_db *db, const char *cid, const char *number, char key[64])
{
    crm_identity *i = NULL;
    int rc = crm_identity_add(&i, db, cid, "phone", number, 0);
    if (rc == CRM_OK) {
        snprintf(key, 64, "%s", crm_identity_key(i));
        crm_identity_free(i);
    }
    return rc;
}

TEST(kept_in_the_file)
{
    char path[256], cid[CRM_ID_LEN + 1], key[64];
    test_temp_path(path, sizeof path, ".db");
    crm_db *db = open_with(path, NULL, CRM_OPEN_CREATE);
    CHECK(crm_default_country(db) == NULL);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", cid);
    CHECK_FAILS(db, add_national(db, cid, "(415) 555-0100", key), CRM_EINVAL,
                "the database has no default country");

    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_default_country_set(db, "us"));
    CHECK_STR(crm_default_country(db), "US");
    test_jrow want[] = { { "setting", "set", NULL,
                           { "\"name\":\"default_country\"", "\"old\":null", "\"new\":\"US\"" },
                           NULL } };
    CHECK(test_journal_is(db, seq, want, 1));
    /* the handle reads national numbers in it at once */
    CHECK_OK(db, add_national(db, cid, "(415) 555-0100", key));
    CHECK_STR(key, "+14155550100");

    /* the same value again changes and journals nothing */
    seq = test_last_seq(db);
    CHECK_OK(db, crm_default_country_set(db, "US"));
    CHECK_INT(test_last_seq(db), seq);
    CHECK_OK(db, crm_close(db));

    /* another handle finds it; an open option wins for its own handle */
    db = open_with(path, NULL, 0);
    CHECK_STR(crm_default_country(db), "US");
    CHECK_OK(db, add_national(db, cid, "415 555 0101", key));
    CHECK_STR(key, "+14155550101");
    CHECK_OK(db, crm_close(db));
    db = open_with(path, "gb", 0);
    CHECK_STR(crm_default_country(db), "GB");
    CHECK_OK(db, add_national(db, cid, "020 7946 0000", key));
    CHECK_STR(key, "+442079460000");
    /* setting the file's on a handle opened with its own leaves the handle's */
    seq = test_last_seq(db);
    CHECK_OK(db, crm_default_country_set(db, "DE"));
    CHECK_STR(crm_default_country(db), "GB");
    test_jrow changed[] = { { "setting", "set", NULL,
                              { "\"old\":\"US\"", "\"new\":\"DE\"" }, NULL } };
    CHECK(test_journal_is(db, seq, changed, 1));
    CHECK_OK(db, crm_close(db));
    db = open_with(path, NULL, CRM_OPEN_READONLY);
    CHECK_STR(crm_default_country(db), "DE");
    CHECK_OK(db, crm_close(db));

    /* removed: NULL and "" alike */
    db = open_with(path, NULL, 0);
    seq = test_last_seq(db);
    CHECK_OK(db, crm_default_country_set(db, NULL));
    CHECK(crm_default_country(db) == NULL);
    test_jrow removed[] = { { "setting", "set", NULL,
                              { "\"old\":\"DE\"", "\"new\":null" }, NULL } };
    CHECK(test_journal_is(db, seq, removed, 1));
    seq = test_last_seq(db);
    CHECK_OK(db, crm_default_country_set(db, ""));
    CHECK_INT(test_last_seq(db), seq);
    CHECK_FAILS(db, add_national(db, cid, "415 555 0102", key), CRM_EINVAL,
                "no default country");
    CHECK_OK(db, crm_close(db));
    db = open_with(path, NULL, 0);
    CHECK(crm_default_country(db) == NULL);
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(bad_arguments)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    crm_db *db = open_with(path, NULL, CRM_OPEN_CREATE);
    CHECK_OK(db, crm_default_country_set(db, "FR"));
    CHECK_NULL_DB(db, crm_default_country_set(NULL, "US"), "crm_default_country_set");
    CHECK(crm_default_country(NULL) == NULL);
    static const char *const bad[] = { "USA", "U", "1A", "U ", "ZZ", "\xc3\x28", "é", NULL };
    for (int i = 0; bad[i]; i++) {
        CHECK_FAILS(db, crm_default_country_set(db, bad[i]), CRM_EINVAL,
                    "is not a country the phone normaliser");
        CHECK_STR(crm_default_country(db), "FR");
    }
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS(db, crm_default_country_set(db, test_bad_utf8[i]), CRM_EINVAL,
                    "default country");
    char *lng = test_long_string(5000);
    CHECK_FAILS(db, crm_default_country_set(db, lng), CRM_EINVAL, "default country");
    free(lng);
    /* in a group: in force at once, given back up with the group */
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_default_country_set(db, "DE"));
    CHECK_OK(db, crm_default_country_set(db, NULL));
    CHECK(crm_default_country(db) == NULL);
    CHECK_OK(db, crm_rollback(db));
    CHECK_STR(crm_default_country(db), "FR");
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_default_country_set(db, "DE"));
    CHECK_OK(db, crm_commit(db));
    CHECK_STR(crm_default_country(db), "DE");
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_default_country_set(db, "FR"));
    CHECK_OK(db, crm_commit(db));
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_rollback(db)); /* a later group's rollback leaves it be */
    CHECK_STR(crm_default_country(db), "FR");
    CHECK_OK(db, crm_close(db));

    /* a read-only handle reads it and cannot change it */
    db = open_with(path, NULL, CRM_OPEN_READONLY);
    CHECK_FAILS(db, crm_default_country_set(db, "DE"), CRM_EREADONLY, "");
    CHECK_STR(crm_default_country(db), "FR");
    CHECK_OK(db, crm_close(db));

    /* the open option is checked the same way, and names itself */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "USA";
    o.flags = 0;
    crm_db *none = NULL;
    CHECK_INT(crm_open(&none, path, &o), CRM_EINVAL);
    CHECK(none == NULL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_open_options.default_country 'USA'");
    test_remove_db(path);
}

TEST(every_allocation_can_fail)
{
    char path[256];
    test_temp_path(path, sizeof path, ".db");
    crm_db *db = open_with(path, NULL, CRM_OPEN_CREATE);
    CHECK_OK(db, crm_close(db));
    CHECK_OK(NULL, crm_config_allocator(&test_failing_allocator));
    for (long n = 0;; n++) {
        test_alloc_countdown = n;
        crm_db *h = NULL;
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.flags = 0;
        int rc = crm_open(&h, path, &o);
        if (rc == CRM_OK)
            rc = crm_default_country_set(h, n % 2 ? "DE" : "FR");
        bool done = test_alloc_countdown >= 0;
        test_alloc_countdown = -1;
        if (h)
            crm_close(h);
        CHECK(rc == CRM_OK || rc == CRM_ENOMEM);
        if (done) {
            CHECK_INT(rc, CRM_OK);
            break;
        }
    }
    CHECK_OK(NULL, crm_config_allocator(NULL));
    test_remove_db(path);
}

int main(void)
{
    RUN(kept_in_the_file);
    RUN(bad_arguments);
    RUN(every_allocation_can_fail);
    return test_summary();
}
