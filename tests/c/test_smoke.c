#include "test.h"

TEST(create_and_lookup)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    CHECK_OK(db, crm_identity_add(NULL, db, id, "phone", "+1 (415) 555-0100", CRM_IDENTITY_PRIMARY));
    crm_customer *c = NULL;
    CHECK_OK(db, crm_identity_lookup(&c, db, "phone", "(415) 555-0100"));
    CHECK_STR(crm_customer_id(c), id);
    crm_customer_free(c);
    crm_close(db);
}

int main(void)
{
    RUN(create_and_lookup);
    return test_summary();
}
