/*
 * A file whose stored ids are not ids (not 16 bytes), as a damaged disk or
 * another program's writes may leave it: every call that reads such an id
 * answers CRM_ECORRUPT and says so, never "out of memory", and reads no
 * byte past the stored value.
 */
#include <sqlite3.h>

#include "test.h"

static int raw_exec(const char *path, const char *sql)
{
    sqlite3 *s;
    int rc = sqlite3_open(path, &s);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(s));
    sqlite3_close(s);
    return rc;
}

static int corrupt(crm_db *db, int rc)
{
    if (rc != CRM_ECORRUPT)
        fprintf(stderr, "%d: %s\n", rc, crm_errmsg(db));
    return rc == CRM_ECORRUPT && strstr(crm_errmsg(db), "a stored id is not 16 bytes") != NULL;
}

TEST(short_ids_are_corruption)
{
    char path[256], ann[CRM_ID_LEN + 1], it_id[CRM_ID_LEN + 1], p_id[CRM_ID_LEN + 1];
    test_temp_path(path, sizeof path, ".db");
    crm_db *db;
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", ann);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = ann;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    crm_interaction *it;
    CHECK_INT(crm_interaction_log(&it, db, &s), CRM_OK);
    snprintf(it_id, sizeof it_id, "%s", crm_interaction_id(it));
    crm_interaction_free(it);
    crm_promise *p;
    CHECK_INT(crm_promise_make(&p, db, ann, NULL, "agent:bo", "call back", crm_now() + 60000,
                               CRM_TIME_NONE),
              CRM_OK);
    snprintf(p_id, sizeof p_id, "%s", crm_promise_id(p));
    crm_promise_free(p);
    crm_close(db);

    /* Another program shortens the ids the calls below read. */
    CHECK_INT(raw_exec(path, "UPDATE interaction SET customer_id = x'0102', thread_id = x'03';"
                             "UPDATE promise SET customer_id = x'04';"),
              SQLITE_OK);
    CHECK_INT(crm_open(&db, path, NULL), CRM_OK);
    crm_interaction_cursor *cur = NULL;
    CHECK(corrupt(db, crm_interaction_thread_open(&cur, db, it_id, NULL)));
    CHECK(cur == NULL);
    CHECK(corrupt(db, crm_interaction_set_outcome(db, it_id, CRM_OUTCOME_RESOLVED)));
    s.reply_to = it_id;
    it = NULL;
    CHECK(corrupt(db, crm_interaction_log(&it, db, &s)));
    CHECK(it == NULL);
    p = NULL;
    CHECK(corrupt(db, crm_promise_make(&p, db, ann, it_id, "agent:bo", "x", crm_now() + 1000,
                                       CRM_TIME_NONE)));
    CHECK(p == NULL);
    CHECK(corrupt(db, crm_promise_keep(NULL, db, p_id, NULL, NULL, CRM_TIME_NONE)));
    crm_close(db);
    test_remove_db(path);
}

int main(void)
{
    RUN(short_ids_are_corruption);
    return test_summary();
}
