/*
 * libcrm tests - an entry's fields: the top-level members of its data, read
 * by the engine, in the order written, with their types and values as text.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "test.h"

typedef struct field_row {
    char key[64];
    crm_json_type_t type;
    char value[256]; /* "(null)" for NULL */
} field_row;

/* The fields of entry seq into rows (at most max): the status of the walk,
 * with *n the rows read. */
static int read_fields(crm_db *db, int64_t seq, field_row *rows, int max, int *n)
{
    crm_journal_field_cursor *cur = NULL;
    *n = 0;
    int rc = crm_journal_field_list_open(&cur, db, seq);
    if (rc != CRM_OK)
        return rc;
    const crm_journal_field *f;
    while ((rc = crm_journal_field_cursor_next(cur, &f)) == CRM_ROW) {
        if (*n < max) {
            const char *v = crm_journal_field_value(f);
            snprintf(rows[*n].key, sizeof rows[*n].key, "%s", crm_journal_field_key(f));
            rows[*n].type = crm_journal_field_type(f);
            snprintf(rows[*n].value, sizeof rows[*n].value, "%s", v ? v : "(null)");
        }
        (*n)++;
    }
    crm_journal_field_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

#define CHECK_ROW(r, k, t, v)          \
    do {                               \
        CHECK_STR((r).key, (k));       \
        CHECK_INT((int)(r).type, (t)); \
        CHECK_STR((r).value, (v));     \
    } while (0)

TEST(type_names)
{
    static const char *const words[] = { "null", "true", "false", "integer",
                                         "real", "text", "array", "object" };
    for (int t = CRM_JSON_NULL; t <= CRM_JSON_OBJECT; t++) {
        CHECK_STR(crm_json_type_name((crm_json_type_t)t), words[t - 1]);
        crm_json_type_t back = (crm_json_type_t)0;
        CHECK_INT(crm_json_type_parse(&back, words[t - 1]), CRM_OK);
        CHECK_INT((int)back, t);
    }
    CHECK(crm_json_type_name((crm_json_type_t)0) == NULL);
    CHECK(crm_json_type_name((crm_json_type_t)(CRM_JSON_OBJECT + 1)) == NULL);
    crm_json_type_t out = CRM_JSON_TEXT;
    CHECK_INT(crm_json_type_parse(&out, "string"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "string");
    CHECK_INT(crm_json_type_parse(&out, "Null"), CRM_EINVAL);
    CHECK_INT(crm_json_type_parse(&out, NULL), CRM_EINVAL);
    CHECK_INT((int)out, CRM_JSON_TEXT);
    CHECK_INT(crm_json_type_parse(NULL, "null"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_json_type_parse");
}

/* What the library writes: text (any UTF-8, control characters
 * included), integers and null, each field in the order it was written. */
TEST(fields_as_written)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Zo\xc3\xab \"Q\" B\\ack", id);
    static const char value[] = "line1\nline2\ttab\r\x01 \"q\" \\ \xc3\xa9 \xf0\x9f\x98\x80 =x";
    CHECK_OK(db, crm_attr_set(db, id, "note", value));
    CHECK_OK(db, crm_identity_add(NULL, db, id, "account", "AC\"1\\2", CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_customer_set_owner(db, id, "agent:bob"));
    CHECK_OK(db, crm_customer_archive(db, id));

    field_row r[8];
    int n;
    CHECK_OK(db, read_fields(db, 1, r, 8, &n));
    CHECK_INT(n, 2);
    CHECK_ROW(r[0], "kind", CRM_JSON_TEXT, "person");
    CHECK_ROW(r[1], "name", CRM_JSON_TEXT, "Zo\xc3\xab \"Q\" B\\ack");

    CHECK_OK(db, read_fields(db, 2, r, 8, &n));
    CHECK_INT(n, 2);
    CHECK_ROW(r[0], "key", CRM_JSON_TEXT, "note");
    CHECK_ROW(r[1], "value", CRM_JSON_TEXT, value);

    CHECK_OK(db, read_fields(db, 3, r, 8, &n));
    CHECK_INT(n, 4);
    CHECK_ROW(r[0], "kind", CRM_JSON_TEXT, "account");
    CHECK_ROW(r[1], "value", CRM_JSON_TEXT, "AC\"1\\2");
    CHECK_ROW(r[2], "key", CRM_JSON_TEXT, "AC\"1\\2");
    CHECK_ROW(r[3], "flags", CRM_JSON_INTEGER, "1");

    CHECK_OK(db, read_fields(db, 4, r, 8, &n));
    CHECK_INT(n, 2);
    CHECK_ROW(r[0], "owner", CRM_JSON_TEXT, "agent:bob");
    CHECK_ROW(r[1], "old_owner", CRM_JSON_NULL, "(null)");

    /* An entry whose data is {}: there, without fields. */
    CHECK_OK(db, read_fields(db, 5, r, 8, &n));
    CHECK_INT(n, 0);
    crm_close(db);
}

/* Every JSON type, written behind the library's back, as a later version
 * or another program might; and a read-only handle reads them the same. */
TEST(every_type)
{
    char path[512];
    crm_db *db = test_open_file(path, sizeof path);
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_tag_add(db, id, "vip"));
    CHECK_OK(db, crm_tag_add(db, id, "gold"));
    CHECK_OK(db, crm_close(db));

    sqlite3 *raw = NULL;
    CHECK_INT(sqlite3_open_v2(path, &raw, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    int src = sqlite3_exec(
        raw,
        "UPDATE journal SET data = '{\"z\":null, \"t\":true, \"f\":false, \"i\":-12, "
        "\"big\":9007199254740993, \"r\":1.5, \"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\", "
        "\"a\":[1,\"x\",{\"k\":[]}], \"o\":{\"k\":\"v\"}, \"\":\"\"}' WHERE seq = 2;"
        "UPDATE journal SET data = '[1,2]' WHERE seq = 3",
        NULL, NULL, NULL);
    sqlite3_close(raw);
    CHECK_INT(src, SQLITE_OK);

    for (int readonly = 0; readonly <= 1; readonly++) {
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.flags = readonly ? CRM_OPEN_READONLY : 0;
        CHECK_INT(crm_open(&db, path, &o), CRM_OK);
        field_row r[12];
        int n;
        CHECK_OK(db, read_fields(db, 2, r, 12, &n));
        CHECK_INT(n, 10);
        CHECK_ROW(r[0], "z", CRM_JSON_NULL, "(null)");
        CHECK_ROW(r[1], "t", CRM_JSON_TRUE, "true");
        CHECK_ROW(r[2], "f", CRM_JSON_FALSE, "false");
        CHECK_ROW(r[3], "i", CRM_JSON_INTEGER, "-12");
        CHECK_ROW(r[4], "big", CRM_JSON_INTEGER, "9007199254740993");
        CHECK_ROW(r[5], "r", CRM_JSON_REAL, "1.5");
        CHECK_ROW(r[6], "s", CRM_JSON_TEXT, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80");
        CHECK_ROW(r[7], "a", CRM_JSON_ARRAY, "[1,\"x\",{\"k\":[]}]");
        CHECK_ROW(r[8], "o", CRM_JSON_OBJECT, "{\"k\":\"v\"}");
        CHECK_ROW(r[9], "", CRM_JSON_TEXT, "");

        /* Data that is not an object is no entry libcrm wrote. */
        test_snapshot snap;
        test_snapshot_take(db, &snap);
        crm_journal_field_cursor *cur = NULL;
        CHECK_RC(db, crm_journal_field_list_open(&cur, db, 3), CRM_ECORRUPT);
        CHECK_CONTAINS(crm_errmsg(db), "not a JSON object");
        CHECK(cur == NULL);
        CHECK_UNCHANGED(db, &snap);
        CHECK_OK(db, read_fields(db, 1, r, 12, &n));
        CHECK_INT(n, 2);
        CHECK_OK(db, crm_close(db));
    }
    test_remove_db(path);
}

TEST(bad_arguments)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    test_snapshot snap;
    test_snapshot_take(db, &snap);
    crm_journal_field_cursor *cur = (crm_journal_field_cursor *)(void *)&snap;

    CHECK_NULL_DB(db, crm_journal_field_list_open(&cur, NULL, 1), "crm_journal_field_list_open");
    CHECK_FAILS(db, crm_journal_field_list_open(NULL, db, 1), CRM_EINVAL, "output");
    static const int64_t unknown[] = { 2, 0, -1, INT64_MAX, INT64_MIN };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        CHECK_FAILS(db, crm_journal_field_list_open(&cur, db, unknown[i]), CRM_ENOTFOUND,
                    "no journal entry");
    CHECK_RC(db, crm_journal_field_list_open(&cur, db, INT64_MIN), CRM_ENOTFOUND);
    CHECK_CONTAINS(crm_errmsg(db), "-9223372036854775808");
    CHECK(cur == (crm_journal_field_cursor *)(void *)&snap);
    CHECK_UNCHANGED(db, &snap);

    const crm_journal_field *f = NULL;
    CHECK_RC(NULL, crm_journal_field_cursor_next(NULL, &f), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_journal_field_cursor_next");
    CHECK_OK(db, crm_journal_field_list_open(&cur, db, 1));
    CHECK_RC(db, crm_journal_field_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "output");
    CHECK_INT(crm_journal_field_cursor_next(cur, &f), CRM_ROW);
    CHECK_INT(crm_journal_field_cursor_next(cur, &f), CRM_ROW);
    CHECK_INT(crm_journal_field_cursor_next(cur, &f), CRM_DONE);
    CHECK_INT(crm_journal_field_cursor_next(cur, &f), CRM_DONE);
    crm_journal_field_cursor_free(cur);
    crm_journal_field_cursor_free(NULL);

    CHECK(crm_journal_field_key(NULL) == NULL);
    CHECK_INT((int)crm_journal_field_type(NULL), 0);
    CHECK(crm_journal_field_value(NULL) == NULL);
    CHECK_UNCHANGED(db, &snap);
    crm_close(db);
}

/* A cursor freed in the middle of a walk, and one that goes on while the
 * same handle writes: it gives the fields as they were, each once. */
TEST(walks)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "email", "jane@example.com", 0));

    crm_journal_field_cursor *cur = NULL;
    const crm_journal_field *f;
    CHECK_OK(db, crm_journal_field_list_open(&cur, db, 2));
    CHECK_INT(crm_journal_field_cursor_next(cur, &f), CRM_ROW);
    CHECK_STR(crm_journal_field_key(f), "kind");
    crm_journal_field_cursor_free(cur);
    /* The handle is free again: nothing holds it open. */
    CHECK_OK(db, crm_tag_add(db, id, "vip"));

    CHECK_OK(db, crm_journal_field_list_open(&cur, db, 2));
    CHECK_INT(crm_journal_field_cursor_next(cur, &f), CRM_ROW);
    CHECK_STR(crm_journal_field_key(f), "kind");
    CHECK_OK(db, crm_identity_remove(db, id, "email", "jane@example.com"));
    CHECK_STR(crm_journal_field_value(f), "email");
    static const char *const keys[] = { "value", "key", "flags" };
    for (int i = 0; i < 3; i++) {
        CHECK_INT(crm_journal_field_cursor_next(cur, &f), CRM_ROW);
        CHECK_STR(crm_journal_field_key(f), keys[i]);
    }
    CHECK_STR(crm_journal_field_value(f), "0");
    CHECK_INT(crm_journal_field_cursor_next(cur, &f), CRM_DONE);
    crm_journal_field_cursor_free(cur);

    /* A cursor still open keeps the handle from closing. */
    CHECK_OK(db, crm_journal_field_list_open(&cur, db, 1));
    CHECK_INT(crm_close(db), CRM_EMISUSE);
    crm_journal_field_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

/* Reading an entry's fields, failed at the N-th allocation for N = 0, 1,
 * ... until it succeeds. */
TEST(every_allocation_can_fail)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    char *long_value = test_long_string(4000);
    CHECK_OK(db, crm_attr_set(db, id, "note", long_value));
    int rc = CRM_ENOMEM, n = 0;
    long fails = 0;
    field_row r[4];
    for (long k = 0; k < 200 && rc != CRM_OK; k++) {
        test_alloc_countdown = k;
        rc = read_fields(db, 2, r, 4, &n);
        test_alloc_countdown = -1;
        if (rc != CRM_OK) {
            CHECK_RC(db, rc, CRM_ENOMEM);
            fails++;
        }
    }
    CHECK_OK(db, rc);
    CHECK_INT(n, 2);
    CHECK_STR(r[0].key, "key");
    CHECK_STR(r[1].key, "value");
    CHECK(fails > 0);
    free(long_value);
    crm_close(db);
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(type_names);
    RUN(fields_as_written);
    RUN(every_type);
    RUN(bad_arguments);
    RUN(walks);
    RUN(every_allocation_can_fail);
    return test_summary();
}
