/*
 * libcrm - a customer's own data: export, erase for good, retention
 * (docs/privacy.md).
 */
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/merge.h"
#include "internal/util.h"
#include "store/store.h"

/* Whether customer uid exists and whether it was erased: CRM_OK with
 * *erased_at (CRM_TIME_NONE: not erased), or CRM_ENOTFOUND, or an error. */
static int customer_state(crm_db *db, const crm__uuid *uid, int64_t *erased_at)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_PRIVACY_STATE, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, uid);
    rc = crm__st_step(st, "reading a customer");
    if (rc == CRM_ROW) {
        *erased_at = crm__col_time(st, 0);
        return CRM_OK;
    }
    if (rc == CRM_DONE)
        rc = crm__merge_missing(db, uid); /* names the survivor of a merged id */
    return rc;
}

int crm_customer_export(char **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "customer id", id, &uid);
    if (rc == CRM_OK)
        rc = crm__clock_read(db);
    if (rc)
        return rc;
    CRM__ST(st);
    rc = crm__st_get(db, CRM__Q_PRIVACY_EXPORT, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, &uid);
    crm__bind_time(st, 2, crm__now(db));
    rc = crm__st_step(st, "exporting a customer");
    if (rc == CRM_DONE) {
        crm__st_release(&st);
        return crm__merge_missing(db, &uid); /* names the survivor of a merged id */
    }
    if (rc != CRM_ROW)
        return rc;
    if (!crm__col_null(st, 0))
        return crm__customer_erased(db, &uid, crm__col_int(st, 0));
    const char *doc = crm__col_text(st, 1);
    char *copy = doc ? crm__strdup(doc) : NULL;
    if (!copy)
        return crm__error(db, CRM_ENOMEM, "out of memory exporting a customer");
    *out = copy;
    return CRM_OK;
}

/* The counts an erase journals, read before it changes anything. */
enum { N_IDENTITIES, N_ATTRS, N_TAGS, N_MEMBERS, N_OCCASIONS, N_INTERACTIONS, N_PROMISES,
       N_CONSENT, N_JOURNAL, N_COUNT };

static int read_counts(crm_db *db, const crm__uuid *uid, int64_t n[N_COUNT])
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_PRIVACY_COUNTS, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, uid);
    rc = crm__st_step(st, "counting a customer's records");
    if (rc == CRM_DONE)
        return crm__error(db, CRM_ERROR, "internal error: no counts of a customer");
    if (rc != CRM_ROW)
        return rc;
    for (int i = 0; i < N_COUNT; i++)
        n[i] = crm__col_int(st, i);
    return CRM_OK;
}

/* Each step of an erase, in this order: the journal first, while the
 * memberships it reads to find the organisations' entries still exist;
 * the customer's row before what is left of its search rows, whose
 * rename trigger adds one. */
static const crm__query ERASE_STEPS[] = {
    CRM__Q_ERASE_JOURNAL,       CRM__Q_ERASE_JOURNAL_MEMBER, CRM__Q_ERASE_IDENTITIES,
    CRM__Q_ERASE_ATTRS,         CRM__Q_ERASE_TAGS,           CRM__Q_ERASE_MEMBERS,
    CRM__Q_ERASE_OCCASIONS,     CRM__Q_ERASE_INTERACTIONS,   CRM__Q_ERASE_PROMISE_EVENTS,
    CRM__Q_ERASE_PROMISES,      CRM__Q_ERASE_CONSENT,        CRM__Q_ERASE_VERIFY,
    CRM__Q_ERASE_CUSTOMER,      CRM__Q_ERASE_SEARCH,
};

/* Erase customer uid, which exists and is not erased, inside a write. */
static int erase_one(crm_db *db, const crm__uuid *uid)
{
    int64_t n[N_COUNT];
    int rc = read_counts(db, uid, n);
    char canon[CRM_ID_LEN + 1];
    crm__uuid_format(canon, uid->b);
    for (size_t i = 0; rc == CRM_OK && i < sizeof ERASE_STEPS / sizeof ERASE_STEPS[0]; i++) {
        CRM__ST(st);
        rc = crm__st_get(db, ERASE_STEPS[i], &st);
        if (rc)
            break;
        crm__bind_id(st, 1, uid);
        if (ERASE_STEPS[i] == CRM__Q_ERASE_JOURNAL_MEMBER)
            crm__bind_text(st, 2, canon);
        if (ERASE_STEPS[i] == CRM__Q_ERASE_CUSTOMER)
            crm__bind_time(st, 3, crm__now(db));
        rc = crm__st_run(st, "erasing a customer");
    }
    if (rc == CRM_OK) {
        crm__jfield f[] = {
            CRM__JINT("removed",
                      n[N_IDENTITIES] + n[N_ATTRS] + n[N_TAGS] + n[N_MEMBERS] + n[N_OCCASIONS]),
            CRM__JINT("interactions", n[N_INTERACTIONS]),
            CRM__JINT("promises", n[N_PROMISES]),
            CRM__JINT("consent", n[N_CONSENT]),
            CRM__JINT("journal", n[N_JOURNAL]),
        };
        rc = CRM__JOURNAL(db, "customer", uid, "erase", f);
    }
    return rc;
}

int crm_customer_erase(crm_db *db, const char *id)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_id(db, "customer id", id, &uid);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    int64_t erased_at = CRM_TIME_NONE;
    rc = customer_state(db, &uid, &erased_at);
    if (rc == CRM_OK && erased_at != CRM_TIME_NONE)
        return crm__write_end(db, CRM_OK);
    if (rc == CRM_OK)
        rc = erase_one(db, &uid);
    if (rc == CRM_OK)
        rc = crm__search_scrub(db);
    return crm__write_end(db, rc);
}

int crm_db_purge(crm_db *db)
{
    CRM__ENTER(db);
    if (db->flags & CRM_OPEN_READONLY)
        return crm__error(db, CRM_EREADONLY,
                          "database '%s' was opened read-only; open it without "
                          "CRM_OPEN_READONLY to empty its log",
                          db->path);
    if (db->txn_open)
        return crm__error(db, CRM_ESTATE,
                          "a transaction opened with crm_begin() is open on this handle: the "
                          "index and the log can be rewritten only after it ends");
    int rc = crm__search_rewrite(db);
    return rc ? rc : crm__store_purge(db);
}

static int check_retention(crm_db *db, const void *out, const crm_retention_options *o)
{
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    if (!o)
        return crm__error(db, CRM_EINVAL, "options is NULL: a retention run needs its cut-off");
    if (o->version < 1 || o->version > CRM_RETENTION_OPTIONS_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_retention_options.version is %u; this libcrm knows version 1 "
                          "to %d",
                          o->version, CRM_RETENTION_OPTIONS_VERSION);
    if (o->before == CRM_TIME_NONE)
        return crm__error(db, CRM_EINVAL, "options before is not set: a retention run needs "
                                          "its cut-off");
    rc = crm__check_time(db, "options before", o->before);
    if (rc)
        return rc;
    if (o->dry_run != 0 && o->dry_run != 1)
        return crm__error(db, CRM_EINVAL, "options dry_run is %d; it is 0 or 1", o->dry_run);
    return CRM_OK;
}

/* The customers a retention run erases, read whole before the first
 * change: *ids (the caller frees it) and *n. */
static int read_inactive(crm_db *db, int64_t before, crm__uuid **ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    size_t cap = 0;
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_RETENTION_INACTIVE, &st);
    if (rc)
        return rc;
    crm__bind_time(st, 1, before);
    while ((rc = crm__st_step(st, "finding inactive customers")) == CRM_ROW) {
        if (*n == cap) {
            size_t grown = cap ? cap * 2 : 64;
            crm__uuid *more = crm__realloc(*ids, grown * sizeof **ids);
            if (!more)
                return crm__error(db, CRM_ENOMEM, "out of memory finding inactive customers");
            *ids = more;
            cap = grown;
        }
        if (!crm__col_uuid(&(*ids)[*n], st, 0))
            return crm__corrupt_id(db, "finding inactive customers");
        (*n)++;
    }
    return rc == CRM_DONE ? CRM_OK : rc;
}

int crm_customer_erase_inactive(int64_t *out, crm_db *db, const crm_retention_options *o)
{
    CRM__ENTER(db);
    int rc = check_retention(db, out, o);
    if (rc)
        return rc;
    crm__uuid *ids = NULL;
    size_t n = 0;
    if (o->dry_run) {
        rc = read_inactive(db, o->before, &ids, &n);
        crm__free(ids);
        if (rc == CRM_OK)
            *out = (int64_t)n;
        return rc;
    }
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    rc = read_inactive(db, o->before, &ids, &n);
    for (size_t i = 0; rc == CRM_OK && i < n; i++)
        rc = erase_one(db, &ids[i]);
    crm__free(ids);
    if (rc == CRM_OK && n > 0)
        rc = crm__search_scrub(db);
    if (rc == CRM_OK) {
        crm__jfield f[] = { CRM__JINT("before", o->before), CRM__JINT("customers", (int64_t)n) };
        rc = CRM__JOURNAL(db, "retention", NULL, "erase_inactive", f);
    }
    rc = crm__write_end(db, rc);
    if (rc == CRM_OK)
        *out = (int64_t)n;
    return rc;
}

static int count_old_entries(crm_db *db, int64_t before, int64_t *n)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_RETENTION_JOURNAL_COUNT, &st);
    if (rc)
        return rc;
    crm__bind_time(st, 1, before);
    rc = crm__st_step(st, "counting journal entries");
    if (rc == CRM_ROW) {
        *n = crm__col_int(st, 0);
        return CRM_OK;
    }
    return rc == CRM_DONE ? crm__error(db, CRM_ERROR, "internal error: no count of entries") : rc;
}

int crm_journal_drop(int64_t *out, crm_db *db, const crm_retention_options *o)
{
    CRM__ENTER(db);
    int rc = check_retention(db, out, o);
    if (rc)
        return rc;
    int64_t n = 0;
    if (o->dry_run) {
        rc = count_old_entries(db, o->before, &n);
        if (rc == CRM_OK)
            *out = n;
        return rc;
    }
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    rc = count_old_entries(db, o->before, &n);
    if (rc == CRM_OK && n > 0) {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_RETENTION_JOURNAL_DROP, &st);
        if (rc == CRM_OK) {
            crm__bind_time(st, 1, o->before);
            rc = crm__st_run(st, "dropping journal entries");
        }
    }
    if (rc == CRM_OK) {
        crm__jfield f[] = { CRM__JINT("before", o->before), CRM__JINT("entries", n) };
        rc = CRM__JOURNAL(db, "journal", NULL, "drop", f);
    }
    rc = crm__write_end(db, rc);
    if (rc == CRM_OK)
        *out = n;
    return rc;
}
