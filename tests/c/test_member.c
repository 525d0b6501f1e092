/*
 * libcrm tests - memberships: people in organisations, listed both ways.
 */
#include "test.h"

static const char *const controls[] = { "a\tb", "owner\n", "\x01", "bell\x07", "del\x7f", NULL };

/* The memberships of id as "org/person/role;..." (static buffer), or
 * "ERR ...". */
static const char *members(crm_db *db, const char *id)
{
    static char buf[8192];
    crm_member_cursor *cur;
    int rc = crm_member_list_open(&cur, db, id);
    if (rc != CRM_OK) {
        snprintf(buf, sizeof buf, "ERR open %s: %s", crm_errname(rc), crm_errmsg(db));
        return buf;
    }
    const crm_member *m;
    size_t n = 0;
    buf[0] = '\0';
    while ((rc = crm_member_cursor_next(cur, &m)) == CRM_ROW)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s/%s/%s", n ? ";" : "",
                              crm_member_org_name(m), crm_member_person_name(m),
                              crm_member_role(m));
    crm_member_cursor_free(cur);
    if (rc != CRM_DONE)
        snprintf(buf, sizeof buf, "ERR next %s: %s", crm_errname(rc), crm_errmsg(db));
    return buf;
}

static char sentinel_byte;

/* A small world: two organisations, three people. */
typedef struct world {
    char acme[CRM_ID_LEN + 1], beta[CRM_ID_LEN + 1];
    char zoe[CRM_ID_LEN + 1], adam[CRM_ID_LEN + 1], bob[CRM_ID_LEN + 1];
} world;

static void make_world(crm_db *db, world *w)
{
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", w->acme);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "beta corp", w->beta);
    test_customer(db, CRM_CUSTOMER_PERSON, "Zoe", w->zoe);
    test_customer(db, CRM_CUSTOMER_PERSON, "adam", w->adam);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", w->bob);
}

/* ---- add, list, remove -------------------------------------------------------------- */

TEST(add_and_list_both_ways)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_STR(members(db, w.acme), "");
    CHECK_STR(members(db, w.zoe), "");
    int64_t before = crm_now();
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    CHECK_OK(db, crm_member_add(db, w.acme, w.adam, "billing contact"));
    CHECK_OK(db, crm_member_add(db, w.acme, w.bob, "Ünïcødé role"));
    CHECK_OK(db, crm_member_add(db, w.beta, w.adam, "advisor"));
    int64_t after = crm_now();

    /* An organisation's people, by name (ASCII case-insensitive). */
    CHECK_STR(members(db, w.acme),
              "Acme/adam/billing contact;Acme/Bob/Ünïcødé role;Acme/Zoe/CEO");
    /* A person's organisations, by name. */
    CHECK_STR(members(db, w.adam), "Acme/adam/billing contact;beta corp/adam/advisor");
    CHECK_STR(members(db, w.zoe), "Acme/Zoe/CEO");
    CHECK_STR(members(db, w.beta), "beta corp/adam/advisor");

    /* Every field of a row. */
    crm_member_cursor *cur;
    const crm_member *m;
    CHECK_OK(db, crm_member_list_open(&cur, db, w.adam));
    CHECK_INT(crm_member_cursor_next(cur, &m), CRM_ROW);
    CHECK_STR(crm_member_org_id(m), w.acme);
    CHECK_STR(crm_member_org_name(m), "Acme");
    CHECK_STR(crm_member_person_id(m), w.adam);
    CHECK_STR(crm_member_person_name(m), "adam");
    CHECK_STR(crm_member_role(m), "billing contact");
    CHECK(crm_member_since(m) >= before && crm_member_since(m) <= after);
    CHECK_INT(crm_member_cursor_next(cur, &m), CRM_ROW);
    CHECK_STR(crm_member_org_id(m), w.beta);
    CHECK_STR(crm_member_org_name(m), "beta corp");
    CHECK_STR(crm_member_person_id(m), w.adam);
    CHECK_STR(crm_member_role(m), "advisor");
    CHECK_INT(crm_member_cursor_next(cur, &m), CRM_DONE);
    CHECK_INT(crm_member_cursor_next(cur, &m), CRM_DONE);
    crm_member_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

TEST(remove_membership)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    CHECK_OK(db, crm_member_add(db, w.acme, w.adam, "billing contact"));
    CHECK_OK(db, crm_member_add(db, w.beta, w.adam, "advisor"));
    CHECK_OK(db, crm_member_remove(db, w.acme, w.adam));
    CHECK_STR(members(db, w.acme), "Acme/Zoe/CEO");
    CHECK_STR(members(db, w.adam), "beta corp/adam/advisor");
    CHECK_FAILS2(db, crm_member_remove(db, w.acme, w.adam), CRM_ENOTFOUND, w.acme, w.adam);
    /* The pair the other way round is not a membership. */
    CHECK_FAILS(db, crm_member_remove(db, w.zoe, w.acme), CRM_ENOTFOUND, "not a member");
    /* Join again with a new role. */
    CHECK_OK(db, crm_member_add(db, w.acme, w.adam, "owner"));
    CHECK_STR(members(db, w.adam), "Acme/adam/owner;beta corp/adam/advisor");
    CHECK_OK(db, crm_close(db));
}

TEST(duplicate_membership_names_the_role)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    CHECK_FAILS2(db, crm_member_add(db, w.acme, w.zoe, "CEO"), CRM_EEXISTS, "CEO", w.zoe);
    CHECK_FAILS2(db, crm_member_add(db, w.acme, w.zoe, "intern"), CRM_EEXISTS, "(CEO)", w.acme);
    CHECK_STR(members(db, w.acme), "Acme/Zoe/CEO");
    /* The same person in another organisation is no duplicate. */
    CHECK_OK(db, crm_member_add(db, w.beta, w.zoe, "CEO"));
    CHECK_STR(members(db, w.zoe), "Acme/Zoe/CEO;beta corp/Zoe/CEO");
    CHECK_OK(db, crm_close(db));
}

TEST(kinds_must_fit)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    /* A person as the organisation. */
    CHECK_FAILS2(db, crm_member_add(db, w.bob, w.zoe, "friend"), CRM_EINVAL, w.bob,
                 "not an organisation");
    /* An organisation as the person. */
    CHECK_FAILS2(db, crm_member_add(db, w.acme, w.beta, "subsidiary"), CRM_EINVAL, w.beta,
                 "not a person");
    CHECK_FAILS2(db, crm_member_add(db, w.acme, w.acme, "self"), CRM_EINVAL, w.acme,
                 "not a person");
    CHECK_FAILS2(db, crm_member_add(db, w.zoe, w.zoe, "self"), CRM_EINVAL, w.zoe,
                 "not an organisation");
    /* Both the wrong way round. */
    CHECK_FAILS2(db, crm_member_add(db, w.zoe, w.acme, "CEO"), CRM_EINVAL, "customer",
                 "not an organisation");
    CHECK_STR(members(db, w.acme), "");
    CHECK_STR(members(db, w.zoe), "");
    CHECK_OK(db, crm_close(db));
}

TEST(names_follow_renames)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    CHECK_OK(db, crm_member_add(db, w.acme, w.bob, "CFO"));
    CHECK_OK(db, crm_member_add(db, w.beta, w.bob, "advisor"));
    CHECK_STR(members(db, w.acme), "Acme/Bob/CFO;Acme/Zoe/CEO");
    CHECK_OK(db, crm_customer_rename(db, w.zoe, "alice"));
    CHECK_OK(db, crm_customer_rename(db, w.acme, "Zeta Industries"));
    CHECK_STR(members(db, w.acme), "Zeta Industries/alice/CEO;Zeta Industries/Bob/CFO");
    CHECK_STR(members(db, w.bob), "beta corp/Bob/advisor;Zeta Industries/Bob/CFO");
    CHECK_OK(db, crm_close(db));
}

TEST(roles_at_the_limits)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    char *longest = test_long_string(CRM_ROLE_MAX);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, longest));
    crm_member_cursor *cur;
    const crm_member *m;
    CHECK_OK(db, crm_member_list_open(&cur, db, w.zoe));
    CHECK_INT(crm_member_cursor_next(cur, &m), CRM_ROW);
    CHECK_STR(crm_member_role(m), longest);
    crm_member_cursor_free(cur);
    free(longest);
    CHECK_OK(db, crm_member_add(db, w.acme, w.bob, "x"));
    CHECK_OK(db, crm_member_add(db, w.beta, w.bob, "it's a \"role\" 李"));
    CHECK_STR(members(db, w.bob), "Acme/Bob/x;beta corp/Bob/it's a \"role\" 李");
    CHECK_OK(db, crm_close(db));
}

TEST(journal_rows)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    CHECK_OK(db, crm_member_add(db, w.beta, w.zoe, "say \"hi\""));
    CHECK_OK(db, crm_member_remove(db, w.acme, w.zoe));
    char person[64];
    snprintf(person, sizeof person, "\"person\":\"%s\"", w.zoe);
    test_jrow want[] = {
        { "member", "add", w.acme, { person, "\"role\":\"CEO\"" }, NULL },
        { "member", "add", w.beta, { person, "\"role\":\"say \\\"hi\\\"\"" }, NULL },
        { "member", "remove", w.acme, { person }, "role" },
    };
    CHECK(test_journal_is(db, seq, want, 3));
    CHECK_INT(test_last_seq(db), seq + 3);
    CHECK_OK(db, crm_close(db));
}

/* ---- bad input ------------------------------------------------------------------------ */

TEST(add_bad_input)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));

    CHECK_NULL_DB(db, crm_member_add(NULL, w.acme, w.bob, "CFO"), "crm_member_add");
    CHECK_FAILS(db, crm_member_add(db, NULL, w.bob, "CFO"), CRM_EINVAL,
                "organisation id is NULL");
    CHECK_FAILS(db, crm_member_add(db, w.acme, NULL, "CFO"), CRM_EINVAL, "person id is NULL");
    for (int i = 0; test_bad_ids[i]; i++) {
        CHECK_FAILS2(db, crm_member_add(db, test_bad_ids[i], w.bob, "CFO"), CRM_EINVAL,
                     "organisation id", "not an id");
        CHECK_FAILS2(db, crm_member_add(db, w.acme, test_bad_ids[i], "CFO"), CRM_EINVAL,
                     "person id", "not an id");
    }
    CHECK_FAILS(db, crm_member_add(db, TEST_UNKNOWN_ID, w.bob, "CFO"),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_member_add(db, w.acme, TEST_UNKNOWN_ID, "CFO"),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);

    CHECK_FAILS(db, crm_member_add(db, w.acme, w.bob, NULL), CRM_EINVAL, "role is NULL");
    CHECK_FAILS(db, crm_member_add(db, w.acme, w.bob, ""), CRM_EINVAL, "role is empty");
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS2(db, crm_member_add(db, w.acme, w.bob, test_bad_utf8[i]), CRM_EINVAL, "role",
                     "UTF-8");
    for (int i = 0; controls[i]; i++)
        CHECK_FAILS2(db, crm_member_add(db, w.acme, w.bob, controls[i]), CRM_EINVAL, "role",
                     "control character");
    char *longer = test_long_string(CRM_ROLE_MAX + 1);
    CHECK_FAILS2(db, crm_member_add(db, w.acme, w.bob, longer), CRM_EINVAL, "role", "129");
    free(longer);
    CHECK_STR(members(db, w.acme), "Acme/Zoe/CEO");
    CHECK_OK(db, crm_close(db));
}

TEST(remove_bad_input)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));

    CHECK_NULL_DB(db, crm_member_remove(NULL, w.acme, w.zoe), "crm_member_remove");
    CHECK_FAILS(db, crm_member_remove(db, NULL, w.zoe), CRM_EINVAL, "organisation id is NULL");
    CHECK_FAILS(db, crm_member_remove(db, w.acme, NULL), CRM_EINVAL, "person id is NULL");
    for (int i = 0; test_bad_ids[i]; i++) {
        CHECK_FAILS(db, crm_member_remove(db, test_bad_ids[i], w.zoe),
                    CRM_EINVAL, "organisation id");
        CHECK_FAILS(db, crm_member_remove(db, w.acme, test_bad_ids[i]), CRM_EINVAL, "person id");
    }
    CHECK_FAILS(db, crm_member_remove(db, TEST_UNKNOWN_ID, w.zoe), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_member_remove(db, w.acme, TEST_UNKNOWN_ID), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS2(db, crm_member_remove(db, w.acme, w.bob), CRM_ENOTFOUND, w.bob, w.acme);
    CHECK_FAILS2(db, crm_member_remove(db, w.beta, w.zoe), CRM_ENOTFOUND, w.zoe, w.beta);
    CHECK_STR(members(db, w.acme), "Acme/Zoe/CEO");
    CHECK_OK(db, crm_close(db));
}

TEST(list_bad_input)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    crm_member_cursor *cur = (crm_member_cursor *)&sentinel_byte;
    CHECK_NULL_DB(db, crm_member_list_open(&cur, NULL, w.acme), "crm_member_list_open");
    CHECK_FAILS(db, crm_member_list_open(NULL, db, w.acme), CRM_EINVAL, "output");
    CHECK_FAILS(db, crm_member_list_open(&cur, db, NULL), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_member_list_open(&cur, db, test_bad_ids[i]), CRM_EINVAL, "customer id");
    CHECK_FAILS(db, crm_member_list_open(&cur, db, TEST_UNKNOWN_ID),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK(cur == (crm_member_cursor *)&sentinel_byte);
    CHECK_OK(db, crm_close(db)); /* no cursor was left open */
}

TEST(list_next_bad_input)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    const crm_member *m = NULL;
    CHECK_RC(NULL, crm_member_cursor_next(NULL, &m), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_member_cursor_next");
    CHECK(m == NULL);
    crm_member_cursor *cur;
    CHECK_OK(db, crm_member_list_open(&cur, db, w.acme));
    CHECK_RC(db, crm_member_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_member_cursor_next");
    CHECK_INT(crm_member_cursor_next(cur, &m), CRM_ROW);
    CHECK_STR(crm_member_role(m), "CEO");
    CHECK_INT(crm_member_cursor_next(cur, &m), CRM_DONE);
    crm_member_cursor_free(cur);
    crm_member_cursor_free(NULL);
    CHECK(crm_member_org_id(NULL) == NULL);
    CHECK(crm_member_org_name(NULL) == NULL);
    CHECK(crm_member_person_id(NULL) == NULL);
    CHECK(crm_member_person_name(NULL) == NULL);
    CHECK(crm_member_role(NULL) == NULL);
    CHECK_INT(crm_member_since(NULL), CRM_TIME_NONE);
    CHECK_OK(db, crm_close(db));
}

/* ---- transactions, read-only, close ------------------------------------------------------ */

TEST(group_survives_a_failing_call)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    CHECK_FAILS2(db, crm_member_add(db, w.acme, w.zoe, "CTO"), CRM_EEXISTS, "CEO", w.zoe);
    CHECK_FAILS(db, crm_member_add(db, w.zoe, w.bob, "x"), CRM_EINVAL, "not an organisation");
    CHECK_FAILS(db, crm_member_remove(db, w.beta, w.bob), CRM_ENOTFOUND, w.bob);
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_member_add(db, w.beta, w.bob, "advisor"));
    CHECK_OK(db, crm_commit(db));
    CHECK_STR(members(db, w.acme), "Acme/Zoe/CEO");
    CHECK_STR(members(db, w.bob), "beta corp/Bob/advisor");
    test_jrow want[] = {
        { "member", "add", w.acme, { "\"role\":\"CEO\"" }, NULL },
        { "member", "add", w.beta, { "\"role\":\"advisor\"" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 2));
    CHECK_OK(db, crm_close(db));
}

TEST(rollback_removes_the_group)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_member_remove(db, w.acme, w.zoe));
    CHECK_OK(db, crm_member_add(db, w.acme, w.bob, "CEO"));
    CHECK_OK(db, crm_member_add(db, w.beta, w.adam, "advisor"));
    CHECK_STR(members(db, w.acme), "Acme/Bob/CEO");
    CHECK_OK(db, crm_rollback(db));
    CHECK_UNCHANGED(db, &snap);
    CHECK_STR(members(db, w.acme), "Acme/Zoe/CEO");
    CHECK_STR(members(db, w.beta), "");
    CHECK_OK(db, crm_close(db));
}

TEST(read_only_handle)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    CHECK_OK(db, crm_close(db));

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    CHECK_STR(members(db, w.acme), "Acme/Zoe/CEO");
    CHECK_STR(members(db, w.zoe), "Acme/Zoe/CEO");
    CHECK_FAILS(db, crm_member_add(db, w.acme, w.bob, "CFO"), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_member_remove(db, w.acme, w.zoe), CRM_EREADONLY, "read-only");
    CHECK_STR(members(db, w.acme), "Acme/Zoe/CEO");
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(close_with_cursor_open)
{
    crm_db *db = test_open_memory();
    world w;
    make_world(db, &w);
    CHECK_OK(db, crm_member_add(db, w.acme, w.zoe, "CEO"));
    crm_member_cursor *a, *b;
    CHECK_OK(db, crm_member_list_open(&a, db, w.acme));
    CHECK_OK(db, crm_member_list_open(&b, db, w.zoe));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "2 cursor");
    crm_member_cursor_free(a);
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "1 cursor");
    const crm_member *m;
    CHECK_INT(crm_member_cursor_next(b, &m), CRM_ROW);
    CHECK_STR(crm_member_org_name(m), "Acme");
    crm_member_cursor_free(b);
    CHECK_OK(db, crm_close(db));
}

int main(void)
{
    RUN(add_and_list_both_ways);
    RUN(remove_membership);
    RUN(duplicate_membership_names_the_role);
    RUN(kinds_must_fit);
    RUN(names_follow_renames);
    RUN(roles_at_the_limits);
    RUN(journal_rows);
    RUN(add_bad_input);
    RUN(remove_bad_input);
    RUN(list_bad_input);
    RUN(list_next_bad_input);
    RUN(group_survives_a_failing_call);
    RUN(rollback_removes_the_group);
    RUN(read_only_handle);
    RUN(close_with_cursor_open);
    return test_summary();
}
