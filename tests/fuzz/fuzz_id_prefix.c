/*
 * Ids by their first digits (crm_id_expand()), as crmctl hands it whatever
 * a person typed for an id.
 *
 * Properties: the answer is CRM_OK, CRM_ENOTFOUND, CRM_EAMBIGUOUS or
 * CRM_EINVAL with a message; an id given back is one of the records made
 * here, of the kind asked for, and starts with the digits typed (case and
 * hyphens aside); a whole id of a record expands to itself.
 */
#include <ctype.h>
#include <string.h>

#include <crm.h>

#include "fuzz.h"

#define RECORDS 6
static crm_db *db;
static char ids[RECORDS][CRM_ID_LEN + 1]; /* 3 customers, an interaction, a promise, an occasion */
static const crm_record_t kinds[RECORDS] = { CRM_RECORD_CUSTOMER, CRM_RECORD_CUSTOMER,
                                             CRM_RECORD_CUSTOMER, CRM_RECORD_INTERACTION,
                                             CRM_RECORD_PROMISE, CRM_RECORD_OCCASION };

/* The database lives for the whole run: closed at exit, so that a leak
 * checker sees nothing of it left. */
static void teardown(void)
{
    crm_close(db);
    db = NULL;
}

static void setup(void)
{
    FUZZ_ASSERT(crm_open(&db, ":memory:", NULL) == CRM_OK, "crm_open: %s", crm_errmsg(NULL));
    atexit(teardown);
    for (int k = 0; k < 3; k++) {
        crm_customer *c = NULL;
        FUZZ_ASSERT(crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, "Ann") == CRM_OK, "%s",
                    crm_errmsg(db));
        memcpy(ids[k], crm_customer_id(c), sizeof ids[k]);
        crm_customer_free(c);
    }
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = ids[0];
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    crm_interaction *i = NULL;
    FUZZ_ASSERT(crm_interaction_log(&i, db, &s) == CRM_OK, "%s", crm_errmsg(db));
    memcpy(ids[3], crm_interaction_id(i), sizeof ids[3]);
    crm_interaction_free(i);
    crm_promise *p = NULL;
    FUZZ_ASSERT(crm_promise_make(&p, db, ids[0], NULL, "agent:x", "call", CRM_TIME_MAX,
                                 CRM_TIME_NONE) == CRM_OK,
                "%s", crm_errmsg(db));
    memcpy(ids[4], crm_promise_id(p), sizeof ids[4]);
    crm_promise_free(p);
    crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
    o.customer_id = ids[0];
    o.kind = "birthday";
    o.yearly = 1;
    o.month = 1;
    o.day = 2;
    crm_occasion *oc = NULL;
    FUZZ_ASSERT(crm_occasion_add(&oc, db, &o) == CRM_OK, "%s", crm_errmsg(db));
    memcpy(ids[5], crm_occasion_id(oc), sizeof ids[5]);
    crm_occasion_free(oc);
    for (int k = 0; k < RECORDS; k++) {
        char *back = NULL;
        FUZZ_ASSERT(crm_id_expand(&back, db, kinds[k], ids[k]) == CRM_OK &&
                        strcmp(back, ids[k]) == 0,
                    "the whole id %s did not expand to itself: %s", ids[k], crm_errmsg(db));
        crm_free(back);
    }
}

/* The digits of s, lower-cased, without hyphens. */
static void digits_of(char *out, size_t size, const char *s)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (*s != '-')
            out[n++] = (char)tolower((unsigned char)*s);
    out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!db)
        setup();
    char *text = fuzz_cstr(data, size);
    if (!text)
        return 0;
    for (int r = CRM_RECORD_CUSTOMER - 1; r <= CRM_RECORD_OCCASION + 1; r++) {
        char *out = NULL;
        int rc = crm_id_expand(&out, db, (crm_record_t)r, text);
        if (rc != CRM_OK) {
            const char *m = crm_errmsg(db);
            FUZZ_ASSERT(out == NULL, "out written on %s", crm_errname(rc));
            FUZZ_ASSERT((rc == CRM_EINVAL || rc == CRM_ENOTFOUND || rc == CRM_EAMBIGUOUS) && m &&
                            *m,
                        "crm_id_expand(%d, '%s') gave %s", r, text, crm_errname(rc));
            FUZZ_ASSERT(rc == CRM_EINVAL || crm_record_name((crm_record_t)r),
                        "kind %d was not refused", r);
            continue;
        }
        int k = 0;
        while (k < RECORDS && strcmp(out, ids[k]) != 0)
            k++;
        FUZZ_ASSERT(k < RECORDS && kinds[k] == (crm_record_t)r,
                    "'%s' as a %s expanded to %s, which is none", text,
                    crm_record_name((crm_record_t)r), out);
        char want[64], got[64];
        digits_of(want, sizeof want, text);
        digits_of(got, sizeof got, out);
        FUZZ_ASSERT(strlen(want) >= CRM_ID_PREFIX_MIN && strncmp(got, want, strlen(want)) == 0,
                    "'%s' expanded to %s, which does not start with it", text, out);
        crm_free(out);
    }
    free(text);
    return 0;
}
