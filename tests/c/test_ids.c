/*
 * Ids: UUIDv7, canonical lower-case text, time-ordered, any case accepted,
 * anything else refused.
 */
#include <ctype.h>

#include "test.h"

static int64_t id_ms(const char *id)
{
    char hex[13];
    memcpy(hex, id, 8);
    memcpy(hex + 8, id + 9, 4);
    hex[12] = '\0';
    return (int64_t)strtoll(hex, NULL, 16);
}

TEST(uuid_v7_shape_and_order)
{
    crm_db *db = test_open_memory();
    char prev[CRM_ID_LEN + 1] = "";
    int64_t before = crm_now();
    for (int i = 0; i < 2000; i++) {
        crm_customer *c;
        CHECK_OK(db, crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "P"));
        const char *id = crm_customer_id(c);
        int ok = test_canonical_v7(id) && strcmp(id, prev) > 0 &&
                 id_ms(id) == crm_customer_created_at(c) && crm_customer_created_at(c) >= before;
        if (!ok)
            fprintf(stderr, "id %s after %s, created %lld\n", id, prev,
                    (long long)crm_customer_created_at(c));
        memcpy(prev, id, sizeof prev);
        crm_customer_free(c);
        CHECK(ok);
    }
    /* Ids stay within a clock tick of now. */
    CHECK(id_ms(prev) <= crm_now() + 1000);
    crm_close(db);
}

TEST(any_case_accepted)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1], upper[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Case", id);
    for (int i = 0; i <= CRM_ID_LEN; i++)
        upper[i] = (char)toupper((unsigned char)id[i]);
    crm_customer *c;
    CHECK_OK(db, crm_customer_get(&c, db, upper));
    CHECK_STR(crm_customer_id(c), id); /* shown lower-case */
    crm_customer_free(c);
    crm_close(db);
}

TEST(malformed_refused)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Shape", id);
    char braces[CRM_ID_LEN + 3], nodash[CRM_ID_LEN], junk[CRM_ID_LEN + 2], moved[CRM_ID_LEN + 1],
        badhex[CRM_ID_LEN + 1];
    snprintf(braces, sizeof braces, "{%s}", id);
    size_t n = 0;
    for (const char *p = id; *p; p++)
        if (*p != '-')
            nodash[n++] = *p;
    nodash[n] = '\0';
    snprintf(junk, sizeof junk, "%sx", id);
    memcpy(moved, id, sizeof moved);
    moved[8] = moved[9];
    moved[9] = '-';
    memcpy(badhex, id, sizeof badhex);
    badhex[0] = 'g';
    const char *bad[] = { "",     "not-an-id", braces, nodash, junk, moved, badhex,
                          "urn:uuid:0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "\xff", NULL };
    for (int i = 0; bad[i]; i++) {
        crm_customer *c = NULL;
        CHECK_RC(db, crm_customer_get(&c, db, bad[i]), CRM_EINVAL);
        CHECK(c == NULL);
        CHECK_CONTAINS(crm_errmsg(db), "is not an id");
    }
    crm_customer *c = NULL;
    CHECK_RC(db, crm_customer_get(&c, db, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "customer id is NULL");
    /* Well-formed but unknown: not found, naming the id. */
    CHECK_RC(db, crm_customer_get(&c, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"), CRM_ENOTFOUND);
    CHECK_CONTAINS(crm_errmsg(db), "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b");
    crm_close(db);
}

TEST(now_is_utc_ms)
{
    int64_t t = crm_now();
    /* After 2020-01-01 and before 2100-01-01, in milliseconds. */
    CHECK(t > INT64_C(1577836800000));
    CHECK(t < INT64_C(4102444800000));
}

int main(void)
{
    RUN(uuid_v7_shape_and_order);
    RUN(any_case_accepted);
    RUN(malformed_refused);
    RUN(now_is_utc_ms);
    return test_summary();
}
