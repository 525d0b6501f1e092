/*
 * libcrm tests - customer attributes: free-form key -> text.
 */
#include "test.h"

/* Keys outside [A-Za-z0-9_.:-]. */
static const char *const bad_keys[] = { " ",    "a b",  "key ", " key", "é",    "a/b",
                                        "a=b",  "a,b",  "a;b",  "a'b",  "a\"b", "a\\b",
                                        "a\nb", "\tkey", "a\x7f", "a%",  "a*",   NULL };

/* The customer's attributes as "k=v;k=v" (static buffer), or "ERR ...". */
static const char *attrs(crm_db *db, const char *id)
{
    static char buf[16384];
    crm_attr_cursor *cur;
    int rc = crm_attr_list_open(&cur, db, id);
    if (rc != CRM_OK) {
        snprintf(buf, sizeof buf, "ERR open %s: %s", crm_errname(rc), crm_errmsg(db));
        return buf;
    }
    const crm_attr *a;
    size_t n = 0;
    buf[0] = '\0';
    while ((rc = crm_attr_cursor_next(cur, &a)) == CRM_ROW)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s=%s", n ? ";" : "", crm_attr_key(a),
                              crm_attr_value(a));
    crm_attr_cursor_free(cur);
    if (rc != CRM_DONE)
        snprintf(buf, sizeof buf, "ERR next %s: %s", crm_errname(rc), crm_errmsg(db));
    return buf;
}

/* The value of key, or "(unset)" / "ERR ..." (static buffer). */
static const char *value_of(crm_db *db, const char *id, const char *key)
{
    static char buf[8192];
    char *v = NULL;
    int rc = crm_attr_get(&v, db, id, key);
    if (rc == CRM_ENOTFOUND)
        snprintf(buf, sizeof buf, "(unset)");
    else if (rc != CRM_OK)
        snprintf(buf, sizeof buf, "ERR %s: %s", crm_errname(rc), crm_errmsg(db));
    else
        snprintf(buf, sizeof buf, "%s", v);
    crm_free(v);
    return buf;
}

static char sentinel_byte;

/* ---- set, get, replace, unset -------------------------------------------------- */

TEST(set_get_replace_unset)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "newsletter", "yes"));
    char *v = NULL;
    CHECK_OK(db, crm_attr_get(&v, db, id, "newsletter"));
    CHECK_STR(v, "yes");
    crm_free(v);
    CHECK_OK(db, crm_attr_set(db, id, "newsletter", "no"));
    CHECK_STR(value_of(db, id, "newsletter"), "no");
    CHECK_STR(attrs(db, id), "newsletter=no");
    CHECK_OK(db, crm_attr_unset(db, id, "newsletter"));
    v = (char *)&sentinel_byte;
    CHECK_FAILS2(db, crm_attr_get(&v, db, id, "newsletter"), CRM_ENOTFOUND,
                 "'newsletter'", id);
    CHECK(v == (char *)&sentinel_byte);
    CHECK_STR(attrs(db, id), "");
    /* Set again after unset. */
    CHECK_OK(db, crm_attr_set(db, id, "newsletter", "maybe"));
    CHECK_STR(value_of(db, id, "newsletter"), "maybe");
    CHECK_OK(db, crm_close(db));
}

TEST(attributes_belong_to_one_customer)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Bee Ltd", b);
    CHECK_OK(db, crm_attr_set(db, a, "k", "ann's"));
    CHECK_OK(db, crm_attr_set(db, b, "k", "bee's"));
    CHECK_OK(db, crm_attr_set(db, b, "only_b", "1"));
    CHECK_STR(value_of(db, a, "k"), "ann's");
    CHECK_STR(value_of(db, b, "k"), "bee's");
    CHECK_STR(value_of(db, a, "only_b"), "(unset)");
    CHECK_STR(attrs(db, a), "k=ann's");
    CHECK_STR(attrs(db, b), "k=bee's;only_b=1");
    CHECK_OK(db, crm_attr_unset(db, a, "k"));
    CHECK_STR(value_of(db, b, "k"), "bee's");
    CHECK_FAILS(db, crm_attr_unset(db, a, "only_b"), CRM_ENOTFOUND, "only_b");
    /* Archived customers keep theirs. */
    CHECK_OK(db, crm_customer_archive(db, b));
    CHECK_STR(attrs(db, b), "k=bee's;only_b=1");
    CHECK_OK(db, crm_close(db));
}

TEST(keys_are_case_sensitive)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "Key", "upper"));
    CHECK_OK(db, crm_attr_set(db, id, "key", "lower"));
    CHECK_STR(value_of(db, id, "Key"), "upper");
    CHECK_STR(value_of(db, id, "key"), "lower");
    CHECK_STR(value_of(db, id, "KEY"), "(unset)");
    CHECK_OK(db, crm_close(db));
}

TEST(values_kept_exactly)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    char *longest = test_long_string(CRM_ATTR_VALUE_MAX);
    const char *values[] = { "",
                             "line one\nline two\ttabbed\r\n",
                             "Ünïcødé 李小龙 \xf0\x9f\x98\x80",
                             "\"quoted\" and \\backslash\\",
                             "'); DROP TABLE customer_attr;--",
                             "  spaces at both ends  ",
                             longest };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        CHECK_OK(db, crm_attr_set(db, id, "v", values[i]));
        char *v = NULL;
        CHECK_OK(db, crm_attr_get(&v, db, id, "v"));
        CHECK_STR(v, values[i]);
        crm_free(v);
        crm_attr_cursor *cur;
        const crm_attr *a;
        CHECK_OK(db, crm_attr_list_open(&cur, db, id));
        CHECK_INT(crm_attr_cursor_next(cur, &a), CRM_ROW);
        CHECK_STR(crm_attr_key(a), "v");
        CHECK_STR(crm_attr_value(a), values[i]);
        CHECK_INT(crm_attr_cursor_next(cur, &a), CRM_DONE);
        crm_attr_cursor_free(cur);
    }
    free(longest);
    CHECK_OK(db, crm_close(db));
}

TEST(keys_at_the_limits)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    char *longest = test_long_string(CRM_ATTR_KEY_MAX);
    const char *keys[] = { "a", "Z", "0", "_", ".", ":", "-", "crm:billing.vat-id_2", longest };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        CHECK_OK(db, crm_attr_set(db, id, keys[i], keys[i]));
        CHECK_STR(value_of(db, id, keys[i]), keys[i]);
    }
    CHECK_OK(db, crm_attr_unset(db, id, longest));
    CHECK_STR(value_of(db, id, longest), "(unset)");
    free(longest);
    CHECK_OK(db, crm_close(db));
}

TEST(writes_move_updated_at)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    int64_t t0 = test_updated_at(db, id);
    test_sleep_ms(3);
    CHECK_OK(db, crm_attr_set(db, id, "k", "1"));
    int64_t t1 = test_updated_at(db, id);
    CHECK(t1 > t0);
    test_sleep_ms(3);
    CHECK_OK(db, crm_attr_set(db, id, "k", "2"));
    int64_t t2 = test_updated_at(db, id);
    CHECK(t2 > t1);
    test_sleep_ms(3);
    CHECK_OK(db, crm_attr_unset(db, id, "k"));
    CHECK(test_updated_at(db, id) > t2);
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, id));
    CHECK_INT(crm_customer_created_at(c), t0);
    crm_customer_free(c);
    CHECK_OK(db, crm_close(db));
}

/* ---- listing ------------------------------------------------------------------- */

TEST(list_ordered_by_key)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    test_customer(db, CRM_CUSTOMER_PERSON, "Empty", other);
    CHECK_STR(attrs(db, id), "");
    const char *keys[] = { "zeta", "alpha", "Beta", "alpha.2", "_x", "9", "alpha-1", "Alpha" };
    for (int i = 0; i < 8; i++) {
        char value[16];
        snprintf(value, sizeof value, "v%d", i);
        CHECK_OK(db, crm_attr_set(db, id, keys[i], value));
    }
    /* Byte order: digits, upper case, '_', lower case; '-' < '.'. */
    CHECK_STR(attrs(db, id), "9=v5;Alpha=v7;Beta=v2;_x=v4;alpha=v1;alpha-1=v6;alpha.2=v3;zeta=v0");
    CHECK_OK(db, crm_attr_set(db, id, "alpha", "replaced"));
    CHECK_OK(db, crm_attr_unset(db, id, "Beta"));
    CHECK_STR(attrs(db, id),
              "9=v5;Alpha=v7;_x=v4;alpha=replaced;alpha-1=v6;alpha.2=v3;zeta=v0");
    CHECK_STR(attrs(db, other), "");

    crm_attr_cursor *cur;
    const crm_attr *a;
    CHECK_OK(db, crm_attr_list_open(&cur, db, other));
    CHECK_INT(crm_attr_cursor_next(cur, &a), CRM_DONE);
    CHECK_INT(crm_attr_cursor_next(cur, &a), CRM_DONE);
    crm_attr_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

TEST(two_attr_cursors_at_once)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bo", b);
    CHECK_OK(db, crm_attr_set(db, a, "x", "a-x"));
    CHECK_OK(db, crm_attr_set(db, a, "y", "a-y"));
    CHECK_OK(db, crm_attr_set(db, b, "x", "b-x"));
    crm_attr_cursor *ca, *cb;
    const crm_attr *ra, *rb;
    CHECK_OK(db, crm_attr_list_open(&ca, db, a));
    CHECK_OK(db, crm_attr_list_open(&cb, db, b));
    CHECK_INT(crm_attr_cursor_next(ca, &ra), CRM_ROW);
    CHECK_INT(crm_attr_cursor_next(cb, &rb), CRM_ROW);
    CHECK_STR(crm_attr_value(ra), "a-x");
    CHECK_STR(crm_attr_value(rb), "b-x");
    CHECK_INT(crm_attr_cursor_next(cb, &rb), CRM_DONE);
    CHECK_INT(crm_attr_cursor_next(ca, &ra), CRM_ROW);
    CHECK_STR(crm_attr_key(ra), "y");
    CHECK_STR(crm_attr_value(ra), "a-y");
    CHECK_INT(crm_attr_cursor_next(ca, &ra), CRM_DONE);
    crm_attr_cursor_free(ca);
    crm_attr_cursor_free(cb);
    CHECK_OK(db, crm_close(db));
}

/* ---- journal ------------------------------------------------------------------- */

TEST(journal_rows)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_attr_set(db, id, "plan", "basic"));
    CHECK_OK(db, crm_attr_set(db, id, "plan", "say \"pro\""));
    CHECK_OK(db, crm_attr_unset(db, id, "plan"));
    CHECK_OK(db, crm_attr_set(db, id, "empty", ""));
    test_jrow want[] = {
        { "attr", "set", id, { "\"key\":\"plan\"", "\"value\":\"basic\"" }, "old_value" },
        { "attr", "set", id,
          { "\"key\":\"plan\"", "\"value\":\"say \\\"pro\\\"\"", "\"old_value\":\"basic\"" },
          NULL },
        { "attr", "unset", id, { "\"key\":\"plan\"" }, "value" },
        { "attr", "set", id, { "\"key\":\"empty\"", "\"value\":\"\"" }, "old_value" },
    };
    CHECK(test_journal_is(db, seq, want, 4));
    CHECK_INT(test_last_seq(db), seq + 4);
    CHECK_OK(db, crm_close(db));
}

/* ---- bad input ------------------------------------------------------------------- */

TEST(set_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "k", "old"));

    CHECK_NULL_DB(db, crm_attr_set(NULL, id, "k", "v"), "crm_attr_set");
    CHECK_FAILS(db, crm_attr_set(db, NULL, "k", "v"), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS2(db, crm_attr_set(db, test_bad_ids[i], "k", "v"), CRM_EINVAL,
                     "customer id", "not an id");
    CHECK_FAILS(db, crm_attr_set(db, TEST_UNKNOWN_ID, "k", "v"),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);

    CHECK_FAILS(db, crm_attr_set(db, id, NULL, "v"), CRM_EINVAL, "attribute key is NULL");
    CHECK_FAILS(db, crm_attr_set(db, id, "", "v"), CRM_EINVAL, "attribute key is empty");
    for (int i = 0; bad_keys[i]; i++)
        CHECK_FAILS2(db, crm_attr_set(db, id, bad_keys[i], "v"), CRM_EINVAL,
                     "attribute key", "letters, digits");
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS(db, crm_attr_set(db, id, test_bad_utf8[i], "v"), CRM_EINVAL,
                    "attribute key");
    char *key = test_long_string(CRM_ATTR_KEY_MAX + 1);
    CHECK_FAILS2(db, crm_attr_set(db, id, key, "v"), CRM_EINVAL, "attribute key", "65");
    free(key);

    CHECK_FAILS(db, crm_attr_set(db, id, "k", NULL), CRM_EINVAL,
                "attribute value is NULL");
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS2(db, crm_attr_set(db, id, "k", test_bad_utf8[i]), CRM_EINVAL,
                     "attribute value", "UTF-8");
    char *value = test_long_string(CRM_ATTR_VALUE_MAX + 1);
    CHECK_FAILS2(db, crm_attr_set(db, id, "k", value), CRM_EINVAL, "attribute value",
                 "4097");
    free(value);

    CHECK_STR(attrs(db, id), "k=old");
    CHECK_OK(db, crm_close(db));
}

TEST(get_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], bare[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bare", bare);
    CHECK_OK(db, crm_attr_set(db, id, "k", "v"));
    char *v = (char *)&sentinel_byte;

    CHECK_NULL_DB(db, crm_attr_get(&v, NULL, id, "k"), "crm_attr_get");
    CHECK_FAILS(db, crm_attr_get(NULL, db, id, "k"), CRM_EINVAL, "output");
    CHECK_FAILS(db, crm_attr_get(&v, db, NULL, "k"), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS2(db, crm_attr_get(&v, db, test_bad_ids[i], "k"), CRM_EINVAL,
                     "customer id", "not an id");
    CHECK_FAILS2(db, crm_attr_get(&v, db, TEST_UNKNOWN_ID, "k"), CRM_ENOTFOUND,
                 TEST_UNKNOWN_ID, "no customer");
    CHECK_FAILS(db, crm_attr_get(&v, db, id, NULL), CRM_EINVAL, "attribute key is NULL");
    CHECK_FAILS(db, crm_attr_get(&v, db, id, ""), CRM_EINVAL, "attribute key is empty");
    for (int i = 0; bad_keys[i]; i++)
        CHECK_FAILS(db, crm_attr_get(&v, db, id, bad_keys[i]), CRM_EINVAL,
                    "attribute key");
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS(db, crm_attr_get(&v, db, id, test_bad_utf8[i]), CRM_EINVAL,
                    "attribute key");
    char *key = test_long_string(CRM_ATTR_KEY_MAX + 1);
    CHECK_FAILS(db, crm_attr_get(&v, db, id, key), CRM_EINVAL, "attribute key");
    free(key);
    CHECK_FAILS2(db, crm_attr_get(&v, db, id, "missing"), CRM_ENOTFOUND, "'missing'",
                 id);
    CHECK_FAILS2(db, crm_attr_get(&v, db, bare, "k"), CRM_ENOTFOUND, "'k'", bare);
    CHECK(v == (char *)&sentinel_byte);
    CHECK_OK(db, crm_close(db));
}

TEST(unset_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "k", "v"));

    CHECK_NULL_DB(db, crm_attr_unset(NULL, id, "k"), "crm_attr_unset");
    CHECK_FAILS(db, crm_attr_unset(db, NULL, "k"), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_attr_unset(db, test_bad_ids[i], "k"),
                    CRM_EINVAL, "customer id");
    CHECK_FAILS(db, crm_attr_unset(db, TEST_UNKNOWN_ID, "k"),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_FAILS(db, crm_attr_unset(db, id, NULL), CRM_EINVAL, "attribute key is NULL");
    CHECK_FAILS(db, crm_attr_unset(db, id, ""), CRM_EINVAL, "attribute key is empty");
    for (int i = 0; bad_keys[i]; i++)
        CHECK_FAILS(db, crm_attr_unset(db, id, bad_keys[i]), CRM_EINVAL,
                    "attribute key");
    for (int i = 0; test_bad_utf8[i]; i++)
        CHECK_FAILS(db, crm_attr_unset(db, id, test_bad_utf8[i]), CRM_EINVAL,
                    "attribute key");
    char *key = test_long_string(CRM_ATTR_KEY_MAX + 1);
    CHECK_FAILS(db, crm_attr_unset(db, id, key), CRM_EINVAL, "attribute key");
    free(key);
    CHECK_FAILS2(db, crm_attr_unset(db, id, "K"), CRM_ENOTFOUND, "'K'", id);
    CHECK_OK(db, crm_attr_unset(db, id, "k"));
    CHECK_FAILS2(db, crm_attr_unset(db, id, "k"), CRM_ENOTFOUND, "'k'", id);
    CHECK_OK(db, crm_close(db));
}

TEST(list_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "k", "v"));
    crm_attr_cursor *cur = (crm_attr_cursor *)&sentinel_byte;

    CHECK_NULL_DB(db, crm_attr_list_open(&cur, NULL, id), "crm_attr_list_open");
    CHECK_FAILS(db, crm_attr_list_open(NULL, db, id), CRM_EINVAL, "output");
    CHECK_FAILS(db, crm_attr_list_open(&cur, db, NULL), CRM_EINVAL, "customer id is NULL");
    for (int i = 0; test_bad_ids[i]; i++)
        CHECK_FAILS(db, crm_attr_list_open(&cur, db, test_bad_ids[i]), CRM_EINVAL, "customer id");
    CHECK_FAILS(db, crm_attr_list_open(&cur, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK(cur == (crm_attr_cursor *)&sentinel_byte);
    CHECK_OK(db, crm_close(db)); /* no cursor was left open */
}

TEST(list_next_bad_input)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "k", "v"));
    const crm_attr *a = NULL;
    CHECK_RC(NULL, crm_attr_cursor_next(NULL, &a), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_attr_cursor_next");
    CHECK(a == NULL);
    crm_attr_cursor *cur;
    CHECK_OK(db, crm_attr_list_open(&cur, db, id));
    CHECK_RC(db, crm_attr_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_attr_cursor_next");
    CHECK_INT(crm_attr_cursor_next(cur, &a), CRM_ROW);
    CHECK_STR(crm_attr_key(a), "k");
    CHECK_INT(crm_attr_cursor_next(cur, &a), CRM_DONE);
    crm_attr_cursor_free(cur);
    crm_attr_cursor_free(NULL);
    CHECK(crm_attr_key(NULL) == NULL);
    CHECK(crm_attr_value(NULL) == NULL);
    CHECK_OK(db, crm_close(db));
}

/* ---- transactions, read-only, close ------------------------------------------------ */

TEST(group_survives_a_failing_call)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_attr_set(db, id, "a", "1"));
    CHECK_FAILS(db, crm_attr_unset(db, id, "missing"), CRM_ENOTFOUND, "missing");
    CHECK_FAILS(db, crm_attr_set(db, TEST_UNKNOWN_ID, "b", "2"),
                CRM_ENOTFOUND, TEST_UNKNOWN_ID);
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_attr_set(db, id, "b", "2"));
    CHECK_OK(db, crm_commit(db));
    CHECK_STR(attrs(db, id), "a=1;b=2");
    test_jrow want[] = {
        { "attr", "set", id, { "\"key\":\"a\"" }, NULL },
        { "attr", "set", id, { "\"key\":\"b\"" }, NULL },
    };
    CHECK(test_journal_is(db, seq, want, 2));
    CHECK_OK(db, crm_close(db));
}

TEST(rollback_removes_the_group)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "a", "1"));
    CHECK_OK(db, crm_attr_set(db, id, "b", "2"));
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    int64_t updated = test_updated_at(db, id);
    test_sleep_ms(2);
    CHECK_OK(db, crm_begin(db));
    CHECK_OK(db, crm_attr_set(db, id, "a", "changed"));
    CHECK_OK(db, crm_attr_unset(db, id, "b"));
    CHECK_OK(db, crm_attr_set(db, id, "c", "3"));
    CHECK_STR(attrs(db, id), "a=changed;c=3"); /* seen inside the group */
    CHECK_OK(db, crm_rollback(db));
    CHECK_UNCHANGED(db, &snap);
    CHECK_STR(attrs(db, id), "a=1;b=2");
    CHECK_INT(test_updated_at(db, id), updated);
    CHECK_OK(db, crm_close(db));
}

TEST(read_only_handle)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "a", "1"));
    CHECK_OK(db, crm_attr_set(db, id, "b", "2"));
    CHECK_OK(db, crm_close(db));

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    CHECK_STR(value_of(db, id, "a"), "1");
    CHECK_STR(attrs(db, id), "a=1;b=2");
    CHECK_FAILS(db, crm_attr_set(db, id, "a", "9"), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_attr_set(db, id, "new", "9"), CRM_EREADONLY, "read-only");
    CHECK_FAILS(db, crm_attr_unset(db, id, "b"), CRM_EREADONLY, "read-only");
    CHECK_STR(attrs(db, id), "a=1;b=2");
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

TEST(close_with_cursor_open)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane", id);
    CHECK_OK(db, crm_attr_set(db, id, "a", "1"));
    crm_attr_cursor *cur;
    CHECK_OK(db, crm_attr_list_open(&cur, db, id));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "cursor");
    const crm_attr *a;
    CHECK_INT(crm_attr_cursor_next(cur, &a), CRM_ROW);
    CHECK_STR(crm_attr_value(a), "1");
    crm_attr_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

int main(void)
{
    RUN(set_get_replace_unset);
    RUN(attributes_belong_to_one_customer);
    RUN(keys_are_case_sensitive);
    RUN(values_kept_exactly);
    RUN(keys_at_the_limits);
    RUN(writes_move_updated_at);
    RUN(list_ordered_by_key);
    RUN(two_attr_cursors_at_once);
    RUN(journal_rows);
    RUN(set_bad_input);
    RUN(get_bad_input);
    RUN(unset_bad_input);
    RUN(list_bad_input);
    RUN(list_next_bad_input);
    RUN(group_survives_a_failing_call);
    RUN(rollback_removes_the_group);
    RUN(read_only_handle);
    RUN(close_with_cursor_open);
    return test_summary();
}
