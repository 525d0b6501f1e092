/*
 * libcrm - free-form customer attributes (key -> text).
 */
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "store/store.h"

struct crm_attr {
    const char *key, *value; /* borrowed from the cursor's statement */
};

struct crm_attr_cursor {
    crm__cursor base;
    crm_attr row;
};

const char *crm_attr_key(const crm_attr *a) { return a ? a->key : NULL; }
const char *crm_attr_value(const crm_attr *a) { return a ? a->value : NULL; }

static int check_key(crm_db *db, const char *key)
{
    return crm__check_code(db, "attribute key", key, CRM_ATTR_KEY_MAX);
}

/* Validate the customer id and the key (a NULL key is refused too). */
static int prologue(crm_db *db, const char *id, const char *key, crm__uuid *uid)
{
    int rc = crm__check_id(db, "customer id", id, uid);
    if (rc == CRM_OK)
        rc = check_key(db, key);
    return rc;
}

int crm__attr_read(crm_db *db, const crm__uuid *uid, const char *key, char **out)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_ATTR_GET, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, uid);
    crm__bind_text(st, 2, key);
    *out = NULL;
    rc = crm__st_step(st, "reading an attribute");
    if (rc == CRM_ROW) {
        const char *v = crm__col_text(st, 0);
        *out = v ? crm__strdup(v) : NULL;
        rc = *out ? CRM_OK : crm__error(db, CRM_ENOMEM, "out of memory reading an attribute");
    } else if (rc == CRM_DONE) {
        rc = CRM_OK;
    }
    return rc;
}

static int run(crm_db *db, crm__query query, const crm__uuid *uid, const char *a, const char *b,
               const char *what)
{
    CRM__ST(st);
    int rc = crm__st_get(db, query, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, uid);
    crm__bind_text(st, 2, a);
    if (b)
        crm__bind_text(st, 3, b);
    return crm__st_run(st, what);
}

int crm_attr_set(crm_db *db, const char *id, const char *key, const char *value)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = prologue(db, id, key, &uid);
    if (rc == CRM_OK)
        rc = crm__check_text(db, "attribute value", value, 0, CRM_ATTR_VALUE_MAX, 0);
    if (rc)
        return rc;
    char *old = NULL;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    rc = crm__customer_find(db, &uid, id, NULL, NULL);
    if (rc == CRM_OK)
        rc = crm__attr_read(db, &uid, key, &old);
    if (rc == CRM_OK)
        rc = run(db, CRM__Q_ATTR_SET, &uid, key, value, "setting an attribute");
    if (rc == CRM_OK)
        rc = crm__customer_touch(db, &uid);
    if (rc == CRM_OK) {
        crm__jfield f[] = { CRM__JTEXT("key", key), CRM__JTEXT("value", value),
                            CRM__JOPT("old_value", old) };
        rc = CRM__JOURNAL(db, "attr", &uid, "set", f);
    }
    crm__free(old);
    return crm__write_end(db, rc);
}

int crm_attr_get(char **out, crm_db *db, const char *id, const char *key)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = prologue(db, id, key, &uid);
    if (rc)
        return rc;
    char *v = NULL;
    rc = crm__attr_read(db, &uid, key, &v);
    if (rc == CRM_OK && !v) {
        rc = crm__customer_find(db, &uid, id, NULL, NULL);
        if (rc == CRM_OK)
            rc = crm__error(db, CRM_ENOTFOUND, "customer %s has no attribute '%s'", id, key);
    }
    if (rc == CRM_OK)
        *out = v;
    return rc;
}

int crm_attr_unset(crm_db *db, const char *id, const char *key)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = prologue(db, id, key, &uid);
    if (rc)
        return rc;
    char *old = NULL;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    rc = crm__customer_find(db, &uid, id, NULL, NULL);
    if (rc == CRM_OK)
        rc = crm__attr_read(db, &uid, key, &old);
    if (rc == CRM_OK && !old)
        rc = crm__error(db, CRM_ENOTFOUND, "customer %s has no attribute '%s'", id, key);
    if (rc == CRM_OK)
        rc = run(db, CRM__Q_ATTR_UNSET, &uid, key, NULL, "removing an attribute");
    if (rc == CRM_OK)
        rc = crm__customer_touch(db, &uid);
    if (rc == CRM_OK) {
        /* The key is the business's code; the value it forgets is the
         * customer's, and stays out of the entry. */
        crm__jfield f[] = { CRM__JTEXT("key", key) };
        rc = CRM__JOURNAL(db, "attr", &uid, "unset", f);
    }
    crm__free(old);
    return crm__write_end(db, rc);
}

static int attr_build(crm__cursor *c)
{
    crm_attr_cursor *cur = (crm_attr_cursor *)c;
    static const int cols[] = { 0, 1 };
    const char *t[2];
    int rc = crm__cursor_texts(c, cols, 2, t);
    if (rc)
        return rc;
    if (!t[0] || !t[1])
        return crm__error(c->db, CRM_ECORRUPT, "an attribute without a key or value");
    cur->row.key = t[0];
    cur->row.value = t[1];
    return CRM_OK;
}

int crm_attr_list_open(crm_attr_cursor **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    return crm__customer_cursor((void **)out, sizeof **out, db, id, CRM__Q_ATTR_LIST,
                                CRM__Q_ATTR_LIST, attr_build, "listing attributes");
}

int crm_attr_cursor_next(crm_attr_cursor *cur, const crm_attr **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_attr_cursor_free(crm_attr_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
