/*
 * libcrm tests - customers: kinds, create, get, rename, archive, dup.
 */
#include "test.h"

/* Strings with control characters, which names refuse. */
static const char *const controls[] = { "a\tb", "line\nbreak", "\x01", "bell\x07", "del\x7f",
                                         NULL };

/* Only printable ASCII appears in a message as it is; the rest is escaped. */
static int plain(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f || *s == '\\')
            return 0;
    return 1;
}

/* Whether the list in mode shows the customer id. */
static int listed(crm_db *db, crm_archived_filter_t mode, const char *id)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = mode;
    crm_customer_cursor *cur;
    if (crm_customer_list_open(&cur, db, &f) != CRM_OK)
        exit(2);
    const crm_customer *c;
    int found = 0;
    while (crm_customer_cursor_next(cur, &c) == CRM_ROW)
        found += strcmp(crm_customer_id(c), id) == 0;
    crm_customer_cursor_free(cur);
    return found;
}

static char sentinel_byte;
#define SENTINEL ((crm_customer *)&sentinel_byte)

/* ---- kinds ---------------------------------------------------------------- */

TEST(kind_names)
{
    CHECK_STR(crm_customer_kind_name(CRM_CUSTOMER_PERSON), "person");
    CHECK_STR(crm_customer_kind_name(CRM_CUSTOMER_ORGANISATION), "organisation");
    CHECK(crm_customer_kind_name((crm_customer_kind_t)0) == NULL);
    CHECK(crm_customer_kind_name((crm_customer_kind_t)3) == NULL);
    CHECK(crm_customer_kind_name((crm_customer_kind_t)-1) == NULL);
}

TEST(kind_parse)
{
    crm_customer_kind_t k = (crm_customer_kind_t)0;
    CHECK_INT(crm_customer_kind_parse(&k, "person"), CRM_OK);
    CHECK_INT(k, CRM_CUSTOMER_PERSON);
    const char *orgs[] = { "organisation", "organization", "org" };
    for (int i = 0; i < 3; i++) {
        k = (crm_customer_kind_t)0;
        CHECK_INT(crm_customer_kind_parse(&k, orgs[i]), CRM_OK);
        CHECK_INT(k, CRM_CUSTOMER_ORGANISATION);
    }
    /* Both ways: each kind's name parses back to the kind. */
    for (int kind = CRM_CUSTOMER_PERSON; kind <= CRM_CUSTOMER_ORGANISATION; kind++) {
        k = (crm_customer_kind_t)0;
        CHECK_INT(crm_customer_kind_parse(&k, crm_customer_kind_name((crm_customer_kind_t)kind)),
                  CRM_OK);
        CHECK_INT(k, kind);
    }
}

TEST(kind_parse_bad_input)
{
    const char *bad[] = { "",        "Person",       "PERSON",  "persons", " person",
                          "person ", "organisations", "Org",     "orga",    "company",
                          "1",       "\xff",          "per\0son" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        crm_customer_kind_t k = (crm_customer_kind_t)77;
        CHECK_INT(crm_customer_kind_parse(&k, bad[i]), CRM_EINVAL);
        CHECK_INT(k, 77); /* written only on success */
    }
    crm_customer_kind_t k = (crm_customer_kind_t)77;
    CHECK_INT(crm_customer_kind_parse(&k, NULL), CRM_EINVAL);
    CHECK_INT(k, 77);
    CHECK_INT(crm_customer_kind_parse(NULL, "person"), CRM_EINVAL);
}

/* ---- create and get --------------------------------------------------------- */

TEST(create_person)
{
    crm_db *db = test_open_memory();
    int64_t before = crm_now();
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Jane Doe"));
    int64_t after = crm_now();
    CHECK(test_canonical_v7(crm_customer_id(c)));
    CHECK_INT(crm_customer_kind(c), CRM_CUSTOMER_PERSON);
    CHECK_STR(crm_customer_name(c), "Jane Doe");
    CHECK(crm_customer_created_at(c) >= before && crm_customer_created_at(c) <= after);
    CHECK_INT(crm_customer_updated_at(c), crm_customer_created_at(c));
    CHECK_INT(crm_customer_is_archived(c), 0);
    CHECK_STR(crm_errmsg(db), "not an error");
    CHECK_INT(crm_errcode(db), CRM_OK);

    crm_customer *g = NULL;
    CHECK_OK(db, crm_customer_get(&g, db, crm_customer_id(c)));
    CHECK_STR(crm_customer_id(g), crm_customer_id(c));
    CHECK_INT(crm_customer_kind(g), CRM_CUSTOMER_PERSON);
    CHECK_STR(crm_customer_name(g), "Jane Doe");
    CHECK_INT(crm_customer_created_at(g), crm_customer_created_at(c));
    CHECK_INT(crm_customer_updated_at(g), crm_customer_updated_at(c));
    CHECK_INT(crm_customer_is_archived(g), 0);
    crm_customer_free(g);
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

TEST(create_organisation)
{
    crm_db *db = test_open_memory();
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_create(&c, db, CRM_CUSTOMER_ORGANISATION, "Acme Ltd."));
    CHECK_INT(crm_customer_kind(c), CRM_CUSTOMER_ORGANISATION);
    crm_customer *g = NULL;
    CHECK_OK(db, crm_customer_get(&g, db, crm_customer_id(c)));
    CHECK_INT(crm_customer_kind(g), CRM_CUSTOMER_ORGANISATION);
    CHECK_STR(crm_customer_name(g), "Acme Ltd.");
    crm_customer_free(g);
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

TEST(create_without_out)
{
    crm_db *db = test_open_memory();
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_customer_create(NULL, db, CRM_CUSTOMER_PERSON, "No Record"));
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 1);
    CHECK_INT(test_last_seq(db), seq + 1);
    CHECK_OK(db, crm_close(db));
}

TEST(create_ids_distinct_and_increasing)
{
    crm_db *db = test_open_memory();
    char prev[CRM_ID_LEN + 1] = "";
    for (int i = 0; i < 50; i++) {
        char id[CRM_ID_LEN + 1];
        test_customer(db, CRM_CUSTOMER_PERSON, "Same Name", id);
        CHECK(test_canonical_v7(id));
        CHECK(strcmp(prev, id) < 0);
        memcpy(prev, id, sizeof id);
    }
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_EXCLUDE), 50);
    CHECK_OK(db, crm_close(db));
}

TEST(create_names_kept_exactly)
{
    crm_db *db = test_open_memory();
    char *longest = test_long_string(CRM_NAME_MAX);
    const char *names[] = { "x", "Zoë Ådahl-Øst", "李小龙", "O'Brien & Sons, \"Ltd\"",
                            "a  b", "Robert'); DROP TABLE customer;--", "emoji \xf0\x9f\x98\x80",
                            longest };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        crm_customer *c = NULL, *g = NULL;
        CHECK_OK(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, names[i]));
        CHECK_STR(crm_customer_name(c), names[i]);
        CHECK_OK(db, crm_customer_get(&g, db, crm_customer_id(c)));
        CHECK_STR(crm_customer_name(g), names[i]);
        crm_customer_free(g);
        crm_customer_free(c);
    }
    free(longest);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_EXCLUDE), 8);
    CHECK_OK(db, crm_close(db));
}

TEST(create_journal)
{
    crm_db *db = test_open_memory();
    int64_t seq = test_last_seq(db);
    char p[CRM_ID_LEN + 1], o[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", p);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", o);
    test_jrow want[] = {
        { "customer", "create", p, { "\"kind\":\"person\"", "\"name\":\"Jane Doe\"" }, NULL },
        { "customer", "create", o, { "\"kind\":\"organisation\"", "\"name\":\"Acme\"" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 2));
    CHECK_INT(test_last_seq(db), seq + 2);
    CHECK_OK(db, crm_close(db));
}

TEST(journal_records_actor)
{
    crm_db *db = test_open_memory();
    CHECK_OK(db, crm_set_actor(db, "agent:alice"));
    int64_t seq = test_last_seq(db);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    crm_journal_entry_cursor *cur;
    const crm_journal_entry *e;
    CHECK_OK(db, crm_journal_entry_list_open(&cur, db, seq));
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_ROW);
    CHECK_STR(crm_journal_entry_actor(e), "agent:alice");
    CHECK_STR(crm_journal_entry_entity_id(e), id);
    CHECK_INT(crm_journal_entry_cursor_next(cur, &e), CRM_DONE);
    crm_journal_entry_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

TEST(create_bad_input)
{
    crm_db *db = test_open_memory();
    char keep[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Already Here", keep);
    crm_customer *c = SENTINEL;

    CHECK_NULL_DB(db, crm_customer_create(&c, NULL, CRM_CUSTOMER_PERSON, "Jane"),
                  "crm_customer_create");
    CHECK_NULL_DB(db, crm_customer_create(NULL, NULL, CRM_CUSTOMER_PERSON, "Jane"),
                  "crm_customer_create");
    CHECK(c == SENTINEL);

    CHECK_FAILS(db, crm_customer_create(&c, db, (crm_customer_kind_t)0, "Jane"), CRM_EINVAL,
                "kind 0");
    CHECK_FAILS(db, crm_customer_create(&c, db, (crm_customer_kind_t)3, "Jane"), CRM_EINVAL,
                "kind 3");
    CHECK_FAILS(db, crm_customer_create(&c, db, (crm_customer_kind_t)-1, "Jane"), CRM_EINVAL,
                "kind -1");
    CHECK_FAILS(db, crm_customer_create(NULL, db, (crm_customer_kind_t)0, "Jane"), CRM_EINVAL,
                "kind 0");

    CHECK_FAILS(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, NULL), CRM_EINVAL,
                "name is NULL");
    CHECK_FAILS(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, ""), CRM_EINVAL,
                "name is empty");
    for (int i = 0; test_bad_utf8[i]; i++) {
        CHECK_FAILS2(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, test_bad_utf8[i]),
                    CRM_EINVAL, "name", "UTF-8");
    }
    for (int i = 0; controls[i]; i++) {
        CHECK_FAILS2(db, crm_customer_create(&c, db, CRM_CUSTOMER_ORGANISATION, controls[i]),
                    CRM_EINVAL, "name", "control character");
    }
    char *longer = test_long_string(CRM_NAME_MAX + 1);
    CHECK_FAILS2(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, longer), CRM_EINVAL,
                "name", "257");
    free(longer);
    CHECK(c == SENTINEL);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 1);
    CHECK_OK(db, crm_close(db));
}

TEST(get_accepts_any_case)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], upper[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    for (int i = 0; i <= CRM_ID_LEN; i++)
        upper[i] = (char)(id[i] >= 'a' && id[i] <= 'f' ? id[i] - 'a' + 'A' : id[i]);
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, upper));
    CHECK_STR(crm_customer_id(c), id); /* shown lower-case */
    CHECK_STR(crm_customer_name(c), "Jane");
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

TEST(get_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    crm_customer *c = SENTINEL;

    CHECK_NULL_DB(db, crm_customer_get(&c, NULL, id), "crm_customer_get");
    CHECK_FAILS(db, crm_customer_get(NULL, db, id), CRM_EINVAL, "output");
    CHECK_FAILS(db, crm_customer_get(&c, db, NULL), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++) {
        char quoted[128];
        const char *bad = test_bad_ids[i];
        snprintf(quoted, sizeof quoted, "'%s' is not an id", plain(bad) ? bad : "");
        CHECK_FAILS2(db, crm_customer_get(&c, db, bad), CRM_EINVAL, "customer id",
                     plain(bad) ? quoted : "is not an id");
    }
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS(db, crm_customer_get(&c, db, test_bad_utf8[i]), CRM_EINVAL, "customer id");
    CHECK_FAILS(db, crm_customer_get(&c, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK(c == SENTINEL);
    CHECK_OK(db, crm_close(db));
}

/* ---- rename ------------------------------------------------------------------- */

TEST(rename_customer)
{
    crm_db *db = test_open_memory();
    crm_customer *c = NULL, *g = NULL;
    CHECK_OK(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Jane Doe"));
    const char *id = crm_customer_id(c);
    test_sleep_ms(3);
    int64_t seq = test_last_seq(db);
    int64_t before = crm_now();
    CHECK_OK(db, crm_customer_rename(db, id, "Jane Smith"));
    int64_t after = crm_now();
    CHECK_STR(crm_errmsg(db), "not an error");
    CHECK_OK(db, crm_customer_get(&g, db, id));
    CHECK_STR(crm_customer_name(g), "Jane Smith");
    CHECK_INT(crm_customer_kind(g), CRM_CUSTOMER_PERSON);
    CHECK_INT(crm_customer_created_at(g), crm_customer_created_at(c));
    CHECK(crm_customer_updated_at(g) > crm_customer_updated_at(c));
    CHECK(crm_customer_updated_at(g) >= before && crm_customer_updated_at(g) <= after);
    test_jrow want[] = { { "customer", "rename", id,
                           { "\"name\":\"Jane Smith\"", "\"old_name\":\"Jane Doe\"" }, NULL } };
    CHECK(test_journal_is(db, seq, want, 1));
    crm_customer_free(g);

    /* To the longest name, and to the same name again. */
    char *longest = test_long_string(CRM_NAME_MAX);
    CHECK_OK(db, crm_customer_rename(db, id, longest));
    CHECK_OK(db, crm_customer_get(&g, db, id));
    CHECK_STR(crm_customer_name(g), longest);
    crm_customer_free(g);
    CHECK_OK(db, crm_customer_rename(db, id, longest));
    free(longest);
    CHECK_OK(db, crm_customer_rename(db, id, "Ünïcødé"));
    CHECK_OK(db, crm_customer_get(&g, db, id));
    CHECK_STR(crm_customer_name(g), "Ünïcødé");
    crm_customer_free(g);
    CHECK_INT(test_last_seq(db), seq + 4);
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

TEST(rename_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);

    CHECK_NULL_DB(db, crm_customer_rename(NULL, id, "X"), "crm_customer_rename");
    CHECK_FAILS(db, crm_customer_rename(db, NULL, "X"), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_customer_rename(db, test_bad_ids[i], "X"), CRM_EINVAL, "customer id");
    CHECK_FAILS(db, crm_customer_rename(db, TEST_UNKNOWN_ID, "X"), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_customer_rename(db, id, NULL), CRM_EINVAL, "name is NULL");
    CHECK_FAILS(db, crm_customer_rename(db, id, ""), CRM_EINVAL, "name is empty");
    for (int i = 0; test_bad_utf8[i]; i++) {
        CHECK_FAILS2(db, crm_customer_rename(db, id, test_bad_utf8[i]), CRM_EINVAL, "name",
                     "UTF-8");
    }
    for (int i = 0; controls[i]; i++)
        CHECK_FAILS(db, crm_customer_rename(db, id, controls[i]), CRM_EINVAL,
                    "control character");
    char *longer = test_long_string(CRM_NAME_MAX + 1);
    CHECK_FAILS2(db, crm_customer_rename(db, id, longer), CRM_EINVAL, "name", "257");
    free(longer);

    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_STR(crm_customer_name(c), "Jane Doe");
    CHECK_INT(crm_customer_updated_at(c), crm_customer_created_at(c));
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

/* ---- owner -------------------------------------------------------------------- */

/* The ids of the customers crm_customer_list_open() gives with owner (and
 * the count agrees), as "Name,Name" in creation order. */
static int owned_by(crm_db *db, const char *owner, char *buf, size_t size)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.owner = owner;
    f.archived = CRM_ARCHIVED_INCLUDE;
    crm_customer_cursor *cur = NULL;
    int rc = crm_customer_list_open(&cur, db, &f);
    if (rc)
        return rc;
    const crm_customer *c;
    size_t o = 0;
    int64_t rows = 0, counted = -1;
    buf[0] = '\0';
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW) {
        if (!crm_customer_owner(c) || strcmp(crm_customer_owner(c), owner) != 0)
            rc = CRM_ERROR;
        if (rc == CRM_ERROR)
            break;
        o += (size_t)snprintf(buf + o, size - o, "%s%s", o ? "," : "", crm_customer_name(c));
        rows++;
    }
    crm_customer_cursor_free(cur);
    if (rc != CRM_DONE)
        return rc;
    rc = crm_customer_count(&counted, db, &f);
    return rc ? rc : counted == rows ? CRM_OK : CRM_ERROR;
}

TEST(owner_set_changed_cleared)
{
    crm_db *db = test_open_memory();
    crm_customer *c = NULL, *g = NULL;
    CHECK_OK(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Ann"));
    CHECK(crm_customer_owner(c) == NULL);
    char ann[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1], cy[CRM_ID_LEN + 1];
    strcpy(ann, crm_customer_id(c));
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Bob Ltd", bob);
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", cy);
    test_sleep_ms(3);

    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_customer_set_owner(db, ann, "agent:alice"));
    CHECK_OK(db, crm_customer_get(&g, db, ann));
    CHECK_STR(crm_customer_owner(g), "agent:alice");
    CHECK_STR(crm_customer_name(g), "Ann");
    CHECK(crm_customer_updated_at(g) > crm_customer_updated_at(c));
    crm_customer_free(g);
    CHECK_OK(db, crm_customer_set_owner(db, bob, "team:billing"));
    CHECK_OK(db, crm_customer_set_owner(db, cy, "agent:alice"));
    CHECK_OK(db, crm_customer_set_owner(db, cy, "team:billing"));
    CHECK_OK(db, crm_customer_set_owner(db, bob, NULL));
#define SET_OWNER(id, to, from) \
    { "customer", "set_owner", id, { "\"owner\":" to, "\"old_owner\":" from }, NULL }
    test_jrow want[] = {
        SET_OWNER(ann, "\"agent:alice\"", "null"),
        SET_OWNER(bob, "\"team:billing\"", "null"),
        SET_OWNER(cy, "\"agent:alice\"", "null"),
        SET_OWNER(cy, "\"team:billing\"", "\"agent:alice\""),
        SET_OWNER(bob, "null", "\"team:billing\""),
    };
#undef SET_OWNER
    CHECK(test_journal_is(db, seq, want, 5));

    /* The owner travels with the record: a copy, a list row, an archived
     * customer, the longest owner and one in any script. */
    CHECK_OK(db, crm_customer_get(&g, db, cy));
    crm_customer *copy = NULL;
    CHECK_OK(NULL, crm_customer_dup(&copy, g));
    crm_customer_free(g);
    CHECK_STR(crm_customer_owner(copy), "team:billing");
    CHECK_STR(crm_customer_name(copy), "Cy");
    crm_customer_free(copy);
    CHECK_OK(db, crm_customer_get(&g, db, bob));
    CHECK(crm_customer_owner(g) == NULL);
    crm_customer_free(g);
    char buf[256];
    CHECK_OK(db, owned_by(db, "agent:alice", buf, sizeof buf));
    CHECK_STR(buf, "Ann");
    CHECK_OK(db, owned_by(db, "team:billing", buf, sizeof buf));
    CHECK_STR(buf, "Cy");
    CHECK_OK(db, owned_by(db, "team:nobody", buf, sizeof buf));
    CHECK_STR(buf, "");
    CHECK_OK(db, crm_customer_archive(db, cy));
    CHECK_OK(db, owned_by(db, "team:billing", buf, sizeof buf));
    CHECK_STR(buf, "Cy");
    crm_customer_filter active = CRM_CUSTOMER_FILTER_INIT;
    active.owner = "team:billing";
    int64_t n = -1;
    CHECK_OK(db, crm_customer_count(&n, db, &active));
    CHECK_INT(n, 0);
    char *longest = test_long_string(CRM_ACTOR_MAX);
    CHECK_OK(db, crm_customer_set_owner(db, bob, longest));
    CHECK_OK(db, owned_by(db, longest, buf, sizeof buf));
    CHECK_STR(buf, "Bob Ltd");
    free(longest);
    CHECK_OK(db, crm_customer_set_owner(db, ann, "équipe:Zürich"));
    CHECK_OK(db, owned_by(db, "équipe:Zürich", buf, sizeof buf));
    CHECK_STR(buf, "Ann");
    CHECK_OK(db, owned_by(db, "agent:alice", buf, sizeof buf));
    CHECK_STR(buf, "");

    /* A filter of version 2 ends before the owner: it lists everyone. */
    crm_customer_filter old = CRM_CUSTOMER_FILTER_INIT;
    old.version = 2;
    old.archived = CRM_ARCHIVED_INCLUDE;
    old.owner = "no one reads this";
    CHECK_OK(db, crm_customer_count(&n, db, &old));
    CHECK_INT(n, 3);
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

TEST(owner_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_customer_set_owner(db, id, "agent:alice"));
    int64_t seq = test_last_seq(db);

    CHECK_NULL_DB(db, crm_customer_set_owner(NULL, id, "X"), "crm_customer_set_owner");
    CHECK_FAILS(db, crm_customer_set_owner(db, NULL, "X"), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_customer_set_owner(db, test_bad_ids[i], "X"), CRM_EINVAL,
                    "customer id");
    CHECK_FAILS(db, crm_customer_set_owner(db, TEST_UNKNOWN_ID, "X"), CRM_ENOTFOUND,
                TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_customer_set_owner(db, TEST_UNKNOWN_ID, NULL), CRM_ENOTFOUND,
                TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_customer_set_owner(db, id, ""), CRM_EINVAL, "owner is empty");
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS2(db, crm_customer_set_owner(db, id, test_bad_utf8[i]), CRM_EINVAL, "owner",
                     "UTF-8");
    for (int i = 0; controls[i]; i++)
        CHECK_FAILS(db, crm_customer_set_owner(db, id, controls[i]), CRM_EINVAL,
                    "control character");
    CHECK_FAILS(db, crm_customer_set_owner(db, id, " agent:alice"), CRM_EINVAL, "owner");
    CHECK_FAILS(db, crm_customer_set_owner(db, id, "agent:alice "), CRM_EINVAL, "owner");
    char *longer = test_long_string(CRM_ACTOR_MAX + 1);
    CHECK_FAILS(db, crm_customer_set_owner(db, id, longer), CRM_EINVAL, "owner");

    /* The filter's owner is checked the same way. */
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    crm_customer_cursor *const CURSOR_SENTINEL = (crm_customer_cursor *)&sentinel_byte;
    crm_customer_cursor *cur = CURSOR_SENTINEL;
    int64_t n = -7;
    const char *bad_owners[] = { "", longer, "a\tb", " x", test_bad_utf8[0] };
    for (size_t i = 0; i < sizeof bad_owners / sizeof bad_owners[0]; i++) {
        f.owner = bad_owners[i];
        CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter owner");
        CHECK(cur == CURSOR_SENTINEL);
        CHECK_FAILS(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "filter owner");
        CHECK_INT(n, -7);
    }
    free(longer);

    /* Nothing changed. */
    CHECK_INT(test_last_seq(db), seq);
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_STR(crm_customer_owner(c), "agent:alice");
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

/* ---- archive ------------------------------------------------------------------ */

TEST(archive_and_unarchive)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", other);
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    int64_t updated = crm_customer_updated_at(c);
    crm_customer_free(c);
    test_sleep_ms(3);

    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_customer_archive(db, id));
    CHECK_OK(db, crm_customer_get(&c, db, id)); /* still found by id */
    CHECK_INT(crm_customer_is_archived(c), 1);
    CHECK(crm_customer_updated_at(c) > updated);
    updated = crm_customer_updated_at(c);
    crm_customer_free(c);
    test_jrow archived[] = { { "customer", "archive", id, { NULL }, NULL } };
    CHECK(test_journal_is(db, seq, archived, 1));

    /* Hidden from the default list, shown when asked for. */
    CHECK_INT(listed(db, CRM_ARCHIVED_EXCLUDE, id), 0);
    CHECK_INT(listed(db, CRM_ARCHIVED_INCLUDE, id), 1);
    CHECK_INT(listed(db, CRM_ARCHIVED_ONLY, id), 1);
    CHECK_INT(listed(db, CRM_ARCHIVED_ONLY, other), 0);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_EXCLUDE), 1);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 2);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_ONLY), 1);

    CHECK_FAILS2(db, crm_customer_archive(db, id), CRM_ESTATE, id, "already archived");
    CHECK_FAILS2(db, crm_customer_unarchive(db, other), CRM_ESTATE, other, "not archived");

    test_sleep_ms(3);
    seq = test_last_seq(db);
    CHECK_OK(db, crm_customer_unarchive(db, id));
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_INT(crm_customer_is_archived(c), 0);
    CHECK(crm_customer_updated_at(c) > updated);
    crm_customer_free(c);
    test_jrow unarchived[] = { { "customer", "unarchive", id, { NULL }, NULL } };
    CHECK(test_journal_is(db, seq, unarchived, 1));
    CHECK_INT(listed(db, CRM_ARCHIVED_EXCLUDE, id), 1);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_ONLY), 0);
    CHECK_FAILS(db, crm_customer_unarchive(db, id), CRM_ESTATE, "not archived");

    /* And around again. */
    CHECK_OK(db, crm_customer_archive(db, id));
    CHECK_INT(listed(db, CRM_ARCHIVED_ONLY, id), 1);
    CHECK_OK(db, crm_close(db));
}

TEST(archive_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);

    CHECK_NULL_DB(db, crm_customer_archive(NULL, id), "crm_customer_archive");
    CHECK_NULL_DB(db, crm_customer_unarchive(NULL, id), "crm_customer_unarchive");
    CHECK_FAILS(db, crm_customer_archive(db, NULL), CRM_EINVAL, "customer id is NULL");
    CHECK_FAILS(db, crm_customer_unarchive(db, NULL), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++) {
        CHECK_FAILS(db, crm_customer_archive(db, test_bad_ids[i]), CRM_EINVAL, "customer id");
        CHECK_FAILS(db, crm_customer_unarchive(db, test_bad_ids[i]), CRM_EINVAL, "customer id");
    }
    CHECK_FAILS(db, crm_customer_archive(db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_customer_unarchive(db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_customer_unarchive(db, id), CRM_ESTATE, id);

    CHECK_OK(db, crm_customer_archive(db, id));
    CHECK_FAILS(db, crm_customer_archive(db, id), CRM_ESTATE, id);
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_INT(crm_customer_is_archived(c), 1);
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

/* ---- dup and accessors ------------------------------------------------------------ */

TEST(dup)
{
    crm_db *db = test_open_memory();
    crm_customer *c = NULL, *d = NULL;
    CHECK_OK(db, crm_customer_create(&c, db, CRM_CUSTOMER_ORGANISATION, "Acme Holdings"));
    CHECK_OK(db, crm_customer_archive(db, crm_customer_id(c)));
    crm_customer *g = NULL;
    CHECK_OK(db, crm_customer_get(&g, db, crm_customer_id(c)));
    crm_customer_free(c);
    CHECK_INT(crm_customer_dup(&d, g), CRM_OK);
    CHECK(d != g);
    CHECK_STR(crm_customer_id(d), crm_customer_id(g));
    CHECK_STR(crm_customer_name(d), crm_customer_name(g));
    CHECK(crm_customer_name(d) != crm_customer_name(g));
    CHECK_INT(crm_customer_kind(d), CRM_CUSTOMER_ORGANISATION);
    CHECK_INT(crm_customer_created_at(d), crm_customer_created_at(g));
    CHECK_INT(crm_customer_updated_at(d), crm_customer_updated_at(g));
    CHECK_INT(crm_customer_is_archived(d), 1);
    char id[CRM_ID_LEN + 1];
    memcpy(id, crm_customer_id(g), sizeof id);
    crm_customer_free(g); /* the copy stands alone */
    CHECK_STR(crm_customer_id(d), id);
    CHECK_STR(crm_customer_name(d), "Acme Holdings");
    crm_customer_free(d);

    /* A row borrowed from a cursor, kept past the next call. */
    char second[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "A much longer name than the first one", second);
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    crm_customer_cursor *cur;
    const crm_customer *row;
    CHECK_OK(db, crm_customer_list_open(&cur, db, &f));
    CHECK_INT(crm_customer_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_customer_dup(&d, row), CRM_OK);
    CHECK_INT(crm_customer_cursor_next(cur, &row), CRM_ROW);
    CHECK_STR(crm_customer_name(row), "A much longer name than the first one");
    CHECK_INT(crm_customer_cursor_next(cur, &row), CRM_DONE);
    crm_customer_cursor_free(cur);
    CHECK_STR(crm_customer_id(d), id);
    CHECK_STR(crm_customer_name(d), "Acme Holdings");
    CHECK_INT(crm_customer_is_archived(d), 1);
    crm_customer_free(d);
    CHECK_OK(db, crm_close(db));
}

TEST(dup_bad_input)
{
    crm_db *db = test_open_memory();
    crm_customer *c = NULL, *d = SENTINEL;
    CHECK_OK(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Jane"));
    CHECK_INT(crm_customer_dup(NULL, c), CRM_EINVAL);
    CHECK_INT(crm_customer_dup(&d, NULL), CRM_EINVAL);
    CHECK(d == SENTINEL);
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

TEST(accessors_accept_null)
{
    CHECK(crm_customer_id(NULL) == NULL);
    CHECK(crm_customer_name(NULL) == NULL);
    CHECK_INT(crm_customer_kind(NULL), 0);
    CHECK_INT(crm_customer_created_at(NULL), CRM_TIME_NONE);
    CHECK_INT(crm_customer_updated_at(NULL), CRM_TIME_NONE);
    CHECK_INT(crm_customer_is_archived(NULL), 0);
    CHECK(crm_customer_owner(NULL) == NULL);
    crm_customer_free(NULL);
}

/* ---- transactions ------------------------------------------------------------------ */

TEST(group_survives_a_failing_call)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_begin(db));
    test_customer(db, CRM_CUSTOMER_PERSON, "Anna", a);
    CHECK_OK(db, crm_customer_rename(db, a, "Anna Berg"));
    CHECK_OK(db, crm_customer_archive(db, a));
    CHECK_FAILS(db, crm_customer_archive(db, a), CRM_ESTATE, a);
    CHECK_FAILS(db, crm_customer_rename(db, TEST_UNKNOWN_ID, "X"), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_INT(crm_in_transaction(db), 1);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Berg AB", b);
    CHECK_OK(db, crm_commit(db));
    CHECK_INT(crm_in_transaction(db), 0);

    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, a));
    CHECK_STR(crm_customer_name(c), "Anna Berg");
    CHECK_INT(crm_customer_is_archived(c), 1);
    crm_customer_free(c);
    CHECK_OK(db, crm_customer_get(&c, db, b));
    CHECK_STR(crm_customer_name(c), "Berg AB");
    crm_customer_free(c);
    test_jrow want[] = {
        { "customer", "create", a, { "\"name\":\"Anna\"" }, NULL },
        { "customer", "rename", a, { "\"name\":\"Anna Berg\"" }, NULL },
        { "customer", "archive", a, { NULL }, NULL },
        { "customer", "create", b, { "\"name\":\"Berg AB\"" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 4));
    CHECK_OK(db, crm_close(db));
}

TEST(rollback_removes_the_group)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Anna", a);
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_OK(db, crm_begin(db));
    test_customer(db, CRM_CUSTOMER_PERSON, "Bo", b);
    CHECK_OK(db, crm_customer_rename(db, a, "Anna Berg"));
    CHECK_OK(db, crm_customer_archive(db, a));
    CHECK_FAILS(db, crm_customer_unarchive(db, b), CRM_ESTATE, b);
    CHECK_OK(db, crm_rollback(db));
    CHECK_INT(crm_in_transaction(db), 0);
    CHECK_UNCHANGED(db, &snap);
    crm_customer *c = SENTINEL;
    CHECK_RC(db, crm_customer_get(&c, db, b), CRM_ENOTFOUND);
    CHECK_OK(db, crm_customer_get(&c, db, a));
    CHECK_STR(crm_customer_name(c), "Anna");
    CHECK_INT(crm_customer_is_archived(c), 0);
    crm_customer_free(c);
    /* Sequence numbers carry on from before the group. */
    int64_t seq = test_last_seq(db);
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", b);
    CHECK_INT(test_last_seq(db), seq + 1);
    CHECK_OK(db, crm_close(db));
}

/* ---- read-only handle ---------------------------------------------------------------- */

TEST(read_only_handle)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char id[CRM_ID_LEN + 1], arch[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Old Co", arch);
    CHECK_OK(db, crm_customer_archive(db, arch));
    CHECK_OK(db, crm_close(db));

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    crm_customer *c = NULL;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_STR(crm_customer_name(c), "Jane");
    crm_customer_free(c);
    CHECK_INT(test_count_customers(db, CRM_ARCHIVED_INCLUDE), 2);
    CHECK_INT(listed(db, CRM_ARCHIVED_ONLY, arch), 1);

    c = SENTINEL;
    CHECK_FAILS(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "New"), CRM_EREADONLY,
                "read-only");
    CHECK(c == SENTINEL);
    CHECK_FAILS(db, crm_customer_create(NULL, db, CRM_CUSTOMER_ORGANISATION, "New"),
                CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_customer_rename(db, id, "Other"), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_customer_set_owner(db, id, "agent:alice"), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_customer_archive(db, id), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_customer_unarchive(db, arch), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_begin(db), CRM_EREADONLY, "read-only");

    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_STR(crm_customer_name(c), "Jane");
    CHECK_INT(crm_customer_is_archived(c), 0);
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

int main(void)
{
    RUN(kind_names);
    RUN(kind_parse);
    RUN(kind_parse_bad_input);
    RUN(create_person);
    RUN(create_organisation);
    RUN(create_without_out);
    RUN(create_ids_distinct_and_increasing);
    RUN(create_names_kept_exactly);
    RUN(create_journal);
    RUN(journal_records_actor);
    RUN(create_bad_input);
    RUN(get_accepts_any_case);
    RUN(get_bad_input);
    RUN(rename_customer);
    RUN(rename_bad_input);
    RUN(owner_set_changed_cleared);
    RUN(owner_bad_input);
    RUN(archive_and_unarchive);
    RUN(archive_bad_input);
    RUN(dup);
    RUN(dup_bad_input);
    RUN(accessors_accept_null);
    RUN(group_survives_a_failing_call);
    RUN(rollback_removes_the_group);
    RUN(read_only_handle);
    return test_summary();
}
