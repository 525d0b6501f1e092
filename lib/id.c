/*
 * libcrm - records named by the first digits of their id.
 */
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/util.h"
#include "store/store.h"

static const char *const record_names[] = { NULL, "customer", "interaction", "promise",
                                            "occasion" };
static const char *const record_plurals[] = { NULL, "customers", "interactions", "promises",
                                              "occasions" };
static const crm__query record_queries[] = { CRM__Q_NONE, CRM__Q_ID_CUSTOMERS,
                                             CRM__Q_ID_INTERACTIONS, CRM__Q_ID_PROMISES,
                                             CRM__Q_ID_OCCASIONS };

const char *crm_record_name(crm_record_t record)
{
    if (record < CRM_RECORD_CUSTOMER || record > CRM_RECORD_OCCASION)
        return NULL;
    return record_names[record];
}

int crm_record_parse(crm_record_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int r = crm__word_index(record_names, CRM_RECORD_CUSTOMER, CRM_RECORD_OCCASION, name);
    if (r < 0)
        return crm__parse_error(__func__, "a kind of record", name,
                                "customer, interaction, promise or occasion");
    *out = (crm_record_t)r;
    return CRM_OK;
}

/* The id range [lo, hi] of the ids that start with prefix, and the number
 * of its digits; CRM_EINVAL saying what is wrong with it. */
static int prefix_range(crm_db *db, const char *prefix, crm__uuid *lo, crm__uuid *hi,
                        int *digits)
{
    char q[CRM__QUOTE_SIZE];
    size_t len = strnlen(prefix, CRM_ID_LEN + 1);
    if (len > CRM_ID_LEN)
        return crm__error(db, CRM_EINVAL, "id prefix '%s' is longer than an id (%d characters)",
                          crm__quote(q, sizeof q, prefix), CRM_ID_LEN);
    memset(lo->b, 0x00, sizeof lo->b);
    memset(hi->b, 0xff, sizeof hi->b);
    int n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = prefix[i];
        if (c == '-') {
            /* where a written id has its hyphens, and one at a time */
            if ((n != 8 && n != 12 && n != 16 && n != 20) || (i > 0 && prefix[i - 1] == '-'))
                return crm__error(db, CRM_EINVAL,
                                  "id prefix '%s' has a hyphen where an id has none (ids are "
                                  "written 8-4-4-4-12 digits)",
                                  crm__quote(q, sizeof q, prefix));
            continue;
        }
        int v = crm__hex_value(c);
        if (v < 0)
            return crm__error(db, CRM_EINVAL,
                              "id prefix '%s' has '%c' in it, which is no hexadecimal digit",
                              crm__quote(q, sizeof q, prefix),
                              (c > 0x20 && c < 0x7f) ? c : '?');
        if (n >= 32)
            return crm__error(db, CRM_EINVAL, "id prefix '%s' has more digits than an id (32)",
                              crm__quote(q, sizeof q, prefix));
        unsigned char *l = &lo->b[n / 2], *h = &hi->b[n / 2];
        if (n % 2 == 0) {
            *l = (unsigned char)(v << 4);
            *h = (unsigned char)((v << 4) | 0x0f);
        } else {
            *l = (unsigned char)(*l | v);
            *h = (unsigned char)((*h & 0xf0) | v);
        }
        n++;
    }
    if (n < CRM_ID_PREFIX_MIN)
        return crm__error(db, CRM_EINVAL,
                          "id prefix '%s' has %d digit%s; give at least %d", crm__quote(q, sizeof q,
                          prefix), n, n == 1 ? "" : "s", CRM_ID_PREFIX_MIN);
    *digits = n;
    return CRM_OK;
}

/* How many ids an ambiguous prefix is counted up to. */
#define COUNT_MAX 1000

int crm_id_expand(char **out, crm_db *db, crm_record_t record, const char *prefix)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    if (!crm_record_name(record))
        return crm__error(db, CRM_EINVAL,
                          "record kind %d is none of customer, interaction, promise, occasion",
                          (int)record);
    if (!prefix)
        return crm__error(db, CRM_EINVAL, "id prefix is NULL");
    crm__uuid lo, hi;
    int digits = 0;
    rc = prefix_range(db, prefix, &lo, &hi, &digits);
    if (rc)
        return rc;

    CRM__ST(st);
    rc = crm__st_get(db, record_queries[record], &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, &lo);
    crm__bind_id(st, 2, &hi);
    crm__bind_int(st, 3, COUNT_MAX + 1);
    char first[CRM_ID_LEN + 1] = "";
    char list[CRM_ID_CANDIDATES_MAX * (CRM_ID_LEN + 2) + 1] = "";
    size_t used = 0;
    int found = 0;
    while ((rc = crm__st_step(st, "looking ids up by their first digits")) == CRM_ROW) {
        char id[CRM_ID_LEN + 1];
        if (!crm__col_id(id, st, 0))
            return crm__error(db, CRM_ECORRUPT, "a %s without an id", record_names[record]);
        if (found == 0)
            memcpy(first, id, sizeof first);
        if (found < CRM_ID_CANDIDATES_MAX)
            used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", found ? ", " : "",
                                     id);
        found++;
    }
    if (rc != CRM_DONE)
        return rc;
    char q[CRM__QUOTE_SIZE];
    if (found == 0)
        return crm__error(db, CRM_ENOTFOUND, "no %s has an id starting with %s",
                          record_names[record], crm__quote(q, sizeof q, prefix));
    if (found > 1) {
        char count[32];
        snprintf(count, sizeof count, found > COUNT_MAX ? "more than %d" : "%d",
                 found > COUNT_MAX ? COUNT_MAX : found);
        return crm__error(db, CRM_EAMBIGUOUS,
                          "%s %s have ids starting with %s; give more digits. %s: %s",
                          count, record_plurals[record], crm__quote(q, sizeof q, prefix),
                          found > CRM_ID_CANDIDATES_MAX ? "The first of them" : "They are", list);
    }
    char *id = crm__strdup(first);
    if (!id)
        return crm__error(db, CRM_ENOMEM, "out of memory expanding an id");
    *out = id;
    return CRM_OK;
}
