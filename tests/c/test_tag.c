/*
 * libcrm tests - customer tags, and customers found by tag.
 */
#include "test.h"

static const char *const controls[] = { "a\tb", "vip\n", "\x01", "bell\x07", "del\x7f", NULL };
static const char *const edge_spaces[] = { " vip", "vip ", " ", "  vip  ", NULL };

/* The customer's tags joined by "|" (static buffer), or "ERR ...". */
static const char *tags(crm_db *db, const char *id)
{
    static char buf[4096];
    crm_tag_cursor *cur;
    int rc = crm_tag_list_open(&cur, db, id);
    if (rc != CRM_OK) {
        snprintf(buf, sizeof buf, "ERR open %s: %s", crm_errname(rc), crm_errmsg(db));
        return buf;
    }
    const char *t;
    size_t n = 0;
    buf[0] = '\0';
    while ((rc = crm_tag_cursor_next(cur, &t)) == CRM_ROW)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? "|" : "", t);
    crm_tag_cursor_free(cur);
    if (rc != CRM_DONE)
        snprintf(buf, sizeof buf, "ERR next %s: %s", crm_errname(rc), crm_errmsg(db));
    return buf;
}

/* Names of the customers with tag, in created order, joined by ",". */
static const char *tagged(crm_db *db, const char *tag, crm_archived_filter_t mode)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.tag = tag;
    f.archived = mode;
    return test_names(db, &f);
}

static char sentinel_byte;

/* ---- add, list, remove ------------------------------------------------------------ */

TEST(add_list_remove)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_STR(tags(db, id), "");
    const char *add[] = { "vip", "VIP", "late payer", "émigré", "Zed", "alpha", "_x", "10", "9" };
    for (size_t i = 0; i < sizeof add / sizeof add[0]; i++)
        CHECK_OK(db, crm_tag_add(db, id, add[i]));
    /* Byte order: digits, upper case, '_', lower case, then non-ASCII. */
    CHECK_STR(tags(db, id), "10|9|VIP|Zed|_x|alpha|late payer|vip|émigré");
    CHECK_OK(db, crm_tag_remove(db, id, "VIP"));
    CHECK_STR(tags(db, id), "10|9|Zed|_x|alpha|late payer|vip|émigré");
    CHECK_OK(db, crm_tag_remove(db, id, "émigré"));
    CHECK_OK(db, crm_tag_remove(db, id, "10"));
    CHECK_STR(tags(db, id), "9|Zed|_x|alpha|late payer|vip");
    /* Add back after removing. */
    CHECK_OK(db, crm_tag_add(db, id, "VIP"));
    CHECK_STR(tags(db, id), "9|VIP|Zed|_x|alpha|late payer|vip");
    CHECK_OK(db, crm_close(db));
}

TEST(tags_belong_to_one_customer)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Bee Ltd", b);
    CHECK_OK(db, crm_tag_add(db, a, "vip"));
    CHECK_OK(db, crm_tag_add(db, b, "vip"));
    CHECK_OK(db, crm_tag_add(db, b, "supplier"));
    CHECK_STR(tags(db, a), "vip");
    CHECK_STR(tags(db, b), "supplier|vip");
    CHECK_OK(db, crm_tag_remove(db, a, "vip"));
    CHECK_STR(tags(db, a), "");
    CHECK_STR(tags(db, b), "supplier|vip");
    CHECK_FAILS2(db, crm_tag_remove(db, a, "supplier"), CRM_ENOTFOUND, "'supplier'", a);
    CHECK_OK(db, crm_close(db));
}

TEST(tags_at_the_limits)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    char *longest = test_long_string(CRM_TAG_MAX);
    CHECK_OK(db, crm_tag_add(db, id, longest));
    CHECK_STR(tags(db, id), longest);
    CHECK_OK(db, crm_tag_remove(db, id, longest));
    free(longest);
    /* The limit is in bytes: 32 two-byte letters fit, 33 do not. */
    char wide[2 * 33 + 1] = "";
    for (int i = 0; i < 32; i++)
        strcat(wide, "é");
    CHECK_OK(db, crm_tag_add(db, id, wide));
    CHECK_STR(tags(db, id), wide);
    strcat(wide, "é");
    CHECK_FAILS2(db, crm_tag_add(db, id, wide), CRM_EINVAL, "tag", "66");
    /* One byte, inner spaces, punctuation. */
    CHECK_OK(db, crm_tag_add(db, id, "x"));
    CHECK_OK(db, crm_tag_add(db, id, "a  b"));
    CHECK_OK(db, crm_tag_add(db, id, "it's \"quoted\" %_"));
    CHECK_OK(db, crm_tag_remove(db, id, "it's \"quoted\" %_"));
    CHECK_OK(db, crm_close(db));
}

TEST(tag_changes_move_updated_at)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Tina", id);
    int64_t t0 = test_updated_at(db, id);
    test_sleep_ms(3);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    int64_t t1 = test_updated_at(db, id);
    CHECK(t1 > t0);
    test_sleep_ms(3);
    CHECK_OK(db, crm_tag_remove(db, id, "vip"));
    CHECK(test_updated_at(db, id) > t1);
    /* A refused change moves nothing. */
    int64_t t2 = test_updated_at(db, id);
    test_sleep_ms(3);
    CHECK_RC(db, crm_tag_remove(db, id, "vip"), CRM_ENOTFOUND);
    CHECK_INT(test_updated_at(db, id), t2);
    crm_close(db);
}

TEST(duplicate_tag)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    CHECK_FAILS2(db, crm_tag_add(db, id, "vip"), CRM_EEXISTS, "'vip'", id);
    CHECK_OK(db, crm_tag_add(db, id, "Vip")); /* case matters */
    CHECK_STR(tags(db, id), "Vip|vip");
    CHECK_OK(db, crm_close(db));
}

TEST(remove_absent_tag)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_FAILS2(db, crm_tag_remove(db, id, "vip"), CRM_ENOTFOUND, "'vip'", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    CHECK_FAILS2(db, crm_tag_remove(db, id, "VIP"), CRM_ENOTFOUND, "'VIP'", id);
    CHECK_FAILS2(db, crm_tag_remove(db, id, "vi"), CRM_ENOTFOUND, "'vi'", id);
    CHECK_OK(db, crm_tag_remove(db, id, "vip"));
    CHECK_FAILS2(db, crm_tag_remove(db, id, "vip"), CRM_ENOTFOUND, "'vip'", id);
    CHECK_OK(db, crm_close(db));
}

TEST(customers_by_tag)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1], d[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Bee Ltd", b);
    test_customer(db, CRM_CUSTOMER_PERSON, "Cy", c);
    test_customer(db, CRM_CUSTOMER_PERSON, "Di", d);
    CHECK_OK(db, crm_tag_add(db, c, "vip"));
    CHECK_OK(db, crm_tag_add(db, a, "vip"));
    CHECK_OK(db, crm_tag_add(db, b, "VIP"));
    CHECK_OK(db, crm_tag_add(db, d, "vip"));
    CHECK_OK(db, crm_customer_archive(db, d));
    CHECK_STR(tagged(db, "vip", CRM_ARCHIVED_EXCLUDE), "Ann,Cy");
    CHECK_STR(tagged(db, "vip", CRM_ARCHIVED_INCLUDE), "Ann,Cy,Di");
    CHECK_STR(tagged(db, "vip", CRM_ARCHIVED_ONLY), "Di");
    CHECK_STR(tagged(db, "VIP", CRM_ARCHIVED_EXCLUDE), "Bee Ltd");
    CHECK_STR(tagged(db, "nobody", CRM_ARCHIVED_INCLUDE), "");
    CHECK_OK(db, crm_tag_remove(db, a, "vip"));
    CHECK_STR(tagged(db, "vip", CRM_ARCHIVED_EXCLUDE), "Cy");
    CHECK_OK(db, crm_tag_add(db, a, "vip"));
    CHECK_STR(tagged(db, "vip", CRM_ARCHIVED_EXCLUDE), "Ann,Cy");
    CHECK_OK(db, crm_close(db));
}

TEST(journal_rows)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    CHECK_OK(db, crm_tag_add(db, id, "say \"hi\""));
    CHECK_OK(db, crm_tag_remove(db, id, "vip"));
    test_jrow want[] = {
        { "tag", "add", id, { "\"tag\":\"vip\"" }, NULL },
        { "tag", "add", id, { "\"tag\":\"say \\\"hi\\\"\"" }, NULL },
        { "tag", "remove", id, { "\"tag\":\"vip\"" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 3));
    CHECK_INT(test_last_seq(db), seq + 3);
    CHECK_OK(db, crm_close(db));
}

/* ---- bad input --------------------------------------------------------------------- */

/* The same bad tags refused by add and by remove. */
#define CHECK_BAD_TAGS(db, fn, id)                                                         \
    do {                                                                                   \
        CHECK_FAILS(db, fn(db, id, NULL), CRM_EINVAL, "tag is NULL");                      \
        CHECK_FAILS(db, fn(db, id, ""), CRM_EINVAL, "tag is empty");                       \
        for (int i_ = 0; test_bad_utf8[i_]; i_++)                                          \
            CHECK_FAILS2(db, fn(db, id, test_bad_utf8[i_]), CRM_EINVAL, "tag", "UTF-8");   \
        for (int i_ = 0; controls[i_]; i_++)                                               \
            CHECK_FAILS2(db, fn(db, id, controls[i_]), CRM_EINVAL, "tag",                  \
                         "control character");                                             \
        for (int i_ = 0; edge_spaces[i_]; i_++)                                            \
            CHECK_FAILS2(db, fn(db, id, edge_spaces[i_]), CRM_EINVAL, "tag", "space");     \
        char *long_ = test_long_string(CRM_TAG_MAX + 1);                                   \
        int got_ = fn(db, id, long_);                                                      \
        free(long_);                                                                       \
        CHECK_RC(db, got_, CRM_EINVAL);                                                    \
        CHECK_CONTAINS(crm_errmsg(db), "tag is 65 bytes long");                            \
    } while (0)

TEST(add_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    test_snapshot snap;
    test_snapshot_take(db, &snap);

    CHECK_NULL_DB(db, crm_tag_add(NULL, id, "x"), "crm_tag_add");
    CHECK_FAILS(db, crm_tag_add(db, NULL, "x"), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS2(db, crm_tag_add(db, test_bad_ids[i], "x"), CRM_EINVAL, "customer id",
                     "not an id");
    CHECK_FAILS(db, crm_tag_add(db, TEST_UNKNOWN_ID, "x"), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_BAD_TAGS(db, crm_tag_add, id);
    CHECK_UNCHANGED(db, &snap);
    CHECK_STR(tags(db, id), "vip");
    CHECK_OK(db, crm_close(db));
}

TEST(remove_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    test_snapshot snap;
    test_snapshot_take(db, &snap);

    CHECK_NULL_DB(db, crm_tag_remove(NULL, id, "vip"), "crm_tag_remove");
    CHECK_FAILS(db, crm_tag_remove(db, NULL, "vip"), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS2(db, crm_tag_remove(db, test_bad_ids[i], "vip"), CRM_EINVAL,
                     "customer id", "not an id");
    CHECK_FAILS(db, crm_tag_remove(db, TEST_UNKNOWN_ID, "vip"),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_BAD_TAGS(db, crm_tag_remove, id);
    CHECK_UNCHANGED(db, &snap);
    CHECK_STR(tags(db, id), "vip");
    CHECK_OK(db, crm_close(db));
}

TEST(list_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    crm_tag_cursor *cur = (crm_tag_cursor *)&sentinel_byte;
    CHECK_NULL_DB(db, crm_tag_list_open(&cur, NULL, id), "crm_tag_list_open");
    CHECK_FAILS(db, crm_tag_list_open(NULL, db, id), CRM_EINVAL, "output");
    CHECK_FAILS(db, crm_tag_list_open(&cur, db, NULL), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_tag_list_open(&cur, db, test_bad_ids[i]), CRM_EINVAL, "customer id");
    CHECK_FAILS(db, crm_tag_list_open(&cur, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK(cur == (crm_tag_cursor *)&sentinel_byte);
    CHECK_OK(db, crm_close(db)); /* no cursor was left open */
}

TEST(list_next_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    const char *t = NULL;
    CHECK_RC(NULL, crm_tag_cursor_next(NULL, &t), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_tag_cursor_next");
    CHECK(t == NULL);
    crm_tag_cursor *cur;
    CHECK_OK(db, crm_tag_list_open(&cur, db, id));
    CHECK_RC(db, crm_tag_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_tag_cursor_next");
    CHECK_INT(crm_tag_cursor_next(cur, &t), CRM_ROW);
    CHECK_STR(t, "vip");
    CHECK_INT(crm_tag_cursor_next(cur, &t), CRM_DONE);
    CHECK_INT(crm_tag_cursor_next(cur, &t), CRM_DONE);
    crm_tag_cursor_free(cur);
    crm_tag_cursor_free(NULL);
    CHECK_OK(db, crm_close(db));
}

/* ---- transactions, read-only, close ------------------------------------------------- */

TEST(group_survives_a_failing_call)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_tag_add(db, id, "a"));
    CHECK_FAILS2(db, crm_tag_add(db, id, "a"), CRM_EEXISTS, "'a'", id);
    CHECK_FAILS(db, crm_tag_remove(db, id, "b"), CRM_ENOTFOUND, "'b'");
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_tag_add(db, id, "b"));
    CHECK_OK(db, crm_commit(db));
    CHECK_STR(tags(db, id), "a|b");
    test_jrow want[] = {
        { "tag", "add", id, { "\"tag\":\"a\"" }, NULL },
        { "tag", "add", id, { "\"tag\":\"b\"" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 2));
    CHECK_OK(db, crm_close(db));
}

TEST(rollback_removes_the_group)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_tag_add(db, id, "keep"));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_tag_add(db, id, "new"));
    CHECK_OK(db, crm_tag_remove(db, id, "keep"));
    CHECK_FAILS(db, crm_tag_add(db, id, "new"), CRM_EEXISTS, "'new'");
    CHECK_STR(tags(db, id), "new");
    CHECK_OK(db, crm_rollback(db));
    CHECK_UNCHANGED(db, &snap);
    CHECK_STR(tags(db, id), "keep");
    CHECK_STR(tagged(db, "new", CRM_ARCHIVED_INCLUDE), "");
    CHECK_OK(db, crm_close(db));
}

TEST(read_only_handle)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    CHECK_OK(db, crm_close(db));

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    CHECK_STR(tags(db, id), "vip");
    CHECK_STR(tagged(db, "vip", CRM_ARCHIVED_EXCLUDE), "Jane");
    CHECK_FAILS(db, crm_tag_add(db, id, "new"), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_tag_remove(db, id, "vip"), CRM_EREADONLY, "read-only");
    CHECK_STR(tags(db, id), "vip");
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(close_with_cursor_open)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    crm_tag_cursor *cur;
    CHECK_OK(db, crm_tag_list_open(&cur, db, id));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "cursor");
    const char *t;
    CHECK_INT(crm_tag_cursor_next(cur, &t), CRM_ROW);
    CHECK_STR(t, "vip");
    crm_tag_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

int main(void)
{
    RUN(add_list_remove);
    RUN(tags_belong_to_one_customer);
    RUN(tags_at_the_limits);
    RUN(duplicate_tag);
    RUN(remove_absent_tag);
    RUN(customers_by_tag);
    RUN(journal_rows);
    RUN(add_bad_input);
    RUN(remove_bad_input);
    RUN(list_bad_input);
    RUN(list_next_bad_input);
    RUN(group_survives_a_failing_call);
    RUN(rollback_removes_the_group);
    RUN(read_only_handle);
    RUN(close_with_cursor_open);
    RUN(tag_changes_move_updated_at);
    return test_summary();
}
