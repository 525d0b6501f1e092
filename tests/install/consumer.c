/*
 * A program built against an installed libcrm: it must compile with only
 * what pkg-config or find_package(libcrm) provide, link, and run.
 * Exits 0 when every step works, 1 otherwise.
 */
#include <stdio.h>
#include <string.h>

#include <crm.h>

static int fail(crm_db *db, const char *what, int rc)
{
    fprintf(stderr, "consumer: %s failed: %s (%s)\n", what, crm_errmsg(db), crm_errname(rc));
    return 1;
}

int main(void)
{
    printf("libcrm %s (headers %s)\n", crm_version(), CRM_VERSION_STRING);
    if (strcmp(crm_version(), CRM_VERSION_STRING) != 0 ||
        crm_version_number() != CRM_VERSION_NUMBER) {
        fprintf(stderr, "consumer: headers are %s but the library is %s\n", CRM_VERSION_STRING,
                crm_version());
        return 1;
    }

    crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
    opts.default_country = "US";
    crm_db *db = NULL;
    int rc = crm_open(&db, ":memory:", &opts);
    if (rc != CRM_OK)
        return fail(NULL, "crm_open", rc);

    int status = 1;
    crm_customer *created = NULL, *found = NULL;
    if ((rc = crm_customer_create(&created, db, CRM_CUSTOMER_PERSON, "Ada Lovelace")) != CRM_OK) {
        fail(db, "crm_customer_create", rc);
        goto out;
    }
    rc = crm_identity_add(NULL, db, crm_customer_id(created), "phone", "+1 212 555 0199",
                          CRM_IDENTITY_PRIMARY);
    if (rc != CRM_OK) {
        fail(db, "crm_identity_add", rc);
        goto out;
    }
    if ((rc = crm_identity_lookup(&found, db, "phone", "(212) 555-0199")) != CRM_OK) {
        fail(db, "crm_identity_lookup", rc);
        goto out;
    }
    if (strcmp(crm_customer_id(found), crm_customer_id(created)) != 0 ||
        strcmp(crm_customer_name(found), "Ada Lovelace") != 0) {
        fprintf(stderr, "consumer: lookup found %s (%s), expected %s\n", crm_customer_id(found),
                crm_customer_name(found), crm_customer_id(created));
        goto out;
    }
    printf("found %s by phone\n", crm_customer_name(found));
    status = 0;

out:
    crm_customer_free(found);
    crm_customer_free(created);
    if ((rc = crm_close(db)) != CRM_OK) {
        fail(db, "crm_close", rc);
        status = 1;
    }
    return status;
}
