/*
 * libcrm - customers: creating, reading, renaming, archiving and listing
 * them, and what the other concepts ask of a customer (does it exist, of
 * which kind; a row of theirs that belongs to one).
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

struct crm_customer {
    char id[CRM_ID_LEN + 1];
    crm_customer_kind_t kind;
    int archived;
    int64_t created_at, updated_at;
    char merged_from[CRM_ID_LEN + 1]; /* the id asked for, merged into this one; "": none */
    const char *owner; /* NULL: none; else in the same allocation, after the name */
    char name[];       /* the record is one allocation */
};

const char *crm_customer_kind_name(crm_customer_kind_t kind)
{
    switch (kind) {
    case CRM_CUSTOMER_PERSON:
        return "person";
    case CRM_CUSTOMER_ORGANISATION:
        return "organisation";
    }
    return NULL;
}

int crm_customer_kind_parse(crm_customer_kind_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!name)
        return crm__parse_error(__func__, "a customer kind", name, "person or organisation");
    if (strcmp(name, "person") == 0)
        *out = CRM_CUSTOMER_PERSON;
    else if (strcmp(name, "organisation") == 0 || strcmp(name, "organization") == 0 ||
             strcmp(name, "org") == 0)
        *out = CRM_CUSTOMER_ORGANISATION;
    else
        return crm__parse_error(__func__, "a customer kind", name, "person or organisation");
    return CRM_OK;
}

static const char *const archived_names[] = { "exclude", "include", "only" };
static const char *const order_names[] = { "created", "name" };

const char *crm_archived_filter_name(crm_archived_filter_t filter)
{
    return filter >= CRM_ARCHIVED_EXCLUDE && filter <= CRM_ARCHIVED_ONLY ? archived_names[filter]
                                                                         : NULL;
}

int crm_archived_filter_parse(crm_archived_filter_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int f = crm__word_index(archived_names, CRM_ARCHIVED_EXCLUDE, CRM_ARCHIVED_ONLY, name);
    if (f < 0)
        return crm__parse_error(__func__, "an archived filter", name, "exclude, include or only");
    *out = (crm_archived_filter_t)f;
    return CRM_OK;
}

const char *crm_customer_order_name(crm_customer_order_t order)
{
    return order >= CRM_ORDER_CREATED && order <= CRM_ORDER_NAME ? order_names[order] : NULL;
}

int crm_customer_order_parse(crm_customer_order_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int o = crm__word_index(order_names, CRM_ORDER_CREATED, CRM_ORDER_NAME, name);
    if (o < 0)
        return crm__parse_error(__func__, "a customer order", name, "created or name");
    *out = (crm_customer_order_t)o;
    return CRM_OK;
}

const char *crm_customer_id(const crm_customer *c) { return c ? c->id : NULL; }
crm_customer_kind_t crm_customer_kind(const crm_customer *c) { return c ? c->kind : 0; }
const char *crm_customer_name(const crm_customer *c) { return c ? c->name : NULL; }
int64_t crm_customer_created_at(const crm_customer *c)
{
    return c ? c->created_at : CRM_TIME_NONE;
}
int64_t crm_customer_updated_at(const crm_customer *c)
{
    return c ? c->updated_at : CRM_TIME_NONE;
}
int crm_customer_is_archived(const crm_customer *c) { return c ? c->archived : 0; }
const char *crm_customer_owner(const crm_customer *c) { return c ? c->owner : NULL; }
const char *crm_customer_merged_from(const crm_customer *c)
{
    return c && c->merged_from[0] ? c->merged_from : NULL;
}

void crm__customer_set_merged_from(crm_customer *c, const crm__uuid *asked)
{
    crm__uuid_format(c->merged_from, asked->b);
}

void crm_customer_free(crm_customer *c)
{
    crm__free(c);
}

/* The texts of a record (name, then owner or none) into c's room. */
static void put_texts(crm_customer *c, const char *name, size_t n, const char *owner, size_t o)
{
    memcpy(c->name, name, n);
    c->merged_from[0] = '\0';
    c->owner = owner ? memcpy(c->name + n, owner, o) : NULL;
}

static crm_customer *customer_new(const char *name, const char *owner)
{
    size_t n = strlen(name) + 1, o = owner ? strlen(owner) + 1 : 0;
    crm_customer *c = crm__malloc(sizeof *c + n + o);
    if (c)
        put_texts(c, name, n, owner, o);
    return c;
}

int crm_customer_dup(crm_customer **out, const crm_customer *c)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!c)
        return crm__null_arg(__func__, "the customer");
    crm_customer *copy = customer_new(c->name, c->owner);
    if (!copy)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the customer", __func__);
    const char *owner = copy->owner;
    memcpy(copy, c, sizeof *c);
    copy->owner = owner;
    *out = copy;
    return CRM_OK;
}

/* Read a row (id, kind, name, created_at, updated_at, archived, owner: see
 * CRM__Q_CUSTOMER_GET) from column col on into *rec, (re)allocating it
 * when its texts do not fit in *cap bytes; the record stays the caller's
 * on failure too. */
static int read_row(crm_customer **rec, size_t *cap, crm__st *st, int col)
{
    const char *name = crm__col_text(st, col + 2);
    if (!name)
        return CRM_ENOMEM;
    const char *owner = crm__col_text(st, col + 6);
    if (!owner && !crm__col_null(st, col + 6))
        return CRM_ENOMEM;
    size_t n = strlen(name) + 1, o = owner ? strlen(owner) + 1 : 0;
    if (!*rec || n + o > *cap) {
        crm_customer *r = crm__realloc(*rec, sizeof *r + n + o);
        if (!r)
            return CRM_ENOMEM;
        *rec = r;
        *cap = n + o;
    }
    crm_customer *c = *rec;
    put_texts(c, name, n, owner, o);
    crm__col_id(c->id, st, col);
    c->kind = (int)crm__col_int(st, col + 1);
    c->created_at = crm__col_int(st, col + 3);
    c->updated_at = crm__col_int(st, col + 4);
    c->archived = (int)crm__col_int(st, col + 5);
    return CRM_OK;
}

int crm__customer_from_row(crm_customer **out, crm__st *st, int col)
{
    crm_customer *c = NULL;
    size_t cap = 0;
    int rc = read_row(&c, &cap, st, col);
    if (rc) {
        crm__free(c);
        return rc;
    }
    *out = c;
    return CRM_OK;
}

int crm__customer_erased(crm_db *db, const crm__uuid *id, int64_t at)
{
    char canon[CRM_ID_LEN + 1], when[CRM__TIME_TEXT_SIZE];
    crm__uuid_format(canon, id->b);
    return crm__error(db, CRM_ENOTFOUND, "customer %s was erased at %s", canon,
                      crm__time_text(when, at));
}

int crm__customer_probe(crm_db *db, crm__st **st, const crm__uuid *id, int *kind)
{
    int rc = crm__st_get(db, CRM__Q_CUSTOMER_FIND, st);
    if (rc)
        return rc;
    crm__bind_id(*st, 1, id);
    rc = crm__st_step(*st, "reading a customer");
    if (rc == CRM_ROW && !crm__col_null(*st, 3))
        return crm__customer_erased(db, id, crm__col_int(*st, 3));
    if (rc == CRM_ROW) {
        if (kind)
            *kind = (int)crm__col_int(*st, 0);
        return CRM_OK;
    }
    if (rc == CRM_DONE)
        rc = crm__merge_missing(db, id);
    return rc;
}

int crm__customer_find(crm_db *db, const crm__uuid *id, const char *text_id, int *kind,
                       char **name)
{
    (void)text_id;
    CRM__ST(st);
    int rc = crm__customer_probe(db, &st, id, kind);
    if (rc == CRM_OK && name) {
        const char *n = crm__col_text(st, 1);
        *name = n ? crm__strdup(n) : NULL;
        if (!*name)
            rc = crm__error(db, CRM_ENOMEM, "out of memory reading a customer");
    }
    return rc;
}

int crm__customer_touch(crm_db *db, const crm__uuid *id)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_CUSTOMER_TOUCH, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, id);
    crm__bind_time(st, 2, crm__now(db));
    return crm__st_run(st, "updating a customer");
}

static int check_name(crm_db *db, const char *name)
{
    return crm__check_text(db, "name", name, 1, CRM_NAME_MAX,
                           CRM__TEXT_NO_CONTROL | CRM__TEXT_NO_EDGE_SPACE);
}

static char *name_key(const char *name)
{
    char *k = crm__strdup(name);
    if (k)
        crm__ascii_lower(k);
    return k;
}

int crm_customer_create(crm_customer **out, crm_db *db, crm_customer_kind_t kind,
                        const char *name)
{
    CRM__ENTER(db);
    if (kind != CRM_CUSTOMER_PERSON && kind != CRM_CUSTOMER_ORGANISATION)
        return crm__error(db, CRM_EINVAL,
                          "kind %d is not a customer kind (CRM_CUSTOMER_PERSON or "
                          "CRM_CUSTOMER_ORGANISATION)",
                          (int)kind);
    int rc = check_name(db, name);
    if (rc)
        return rc;
    char *key = name_key(name), *fold = crm__fold_name(name);
    crm_customer *c = out ? customer_new(name, NULL) : NULL;
    if (!key || !fold || (out && !c)) {
        crm__free(key);
        crm__free(fold);
        crm__free(c);
        return crm__error(db, CRM_ENOMEM, "out of memory creating a customer");
    }
    crm__uuid id;
    int64_t now;
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        crm__new_id(db, &id, &now);
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_CUSTOMER_INSERT, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &id);
            crm__bind_int(st, 2, kind);
            crm__bind_text(st, 3, name);
            crm__bind_text(st, 4, key);
            crm__bind_time(st, 5, now);
            crm__bind_text(st, 6, fold);
            rc = crm__st_run(st, "creating a customer");
        }
        if (rc == CRM_OK) {
            crm__jfield f[] = { CRM__JTEXT("kind", crm_customer_kind_name(kind)),
                                CRM__JTEXT("name", name) };
            rc = CRM__JOURNAL(db, "customer", &id, "create", f);
        }
        rc = crm__write_end(db, rc);
    }
    crm__free(key);
    crm__free(fold);
    if (rc) {
        crm__free(c);
        return rc;
    }
    db->created = id;
    db->created_mark = crm__write_mark_now(db);
    if (c) {
        crm__uuid_format(c->id, id.b);
        c->kind = kind;
        c->archived = 0;
        c->created_at = c->updated_at = now;
        *out = c;
    }
    return CRM_OK;
}

bool crm__customer_is_bare(crm_db *db, const crm__uuid *id)
{
    return crm__write_mark_holds(db, db->created_mark) &&
           memcmp(id->b, db->created.b, sizeof id->b) == 0;
}

int crm_customer_get(crm_customer **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    CRM__ST(st);
    crm__uuid asked;
    bool merged = false;
    int rc = crm__fetch_by_id(db, out, CRM__Q_CUSTOMER_GET, "customer", id, &st);
    /* An id merged into another answers with the survivor, which says so. */
    if (rc == CRM_ENOTFOUND && crm__uuid_parse(&asked, id) == 0) {
        crm__st_release(&st);
        rc = crm__merge_follow(db, &asked, &st);
        merged = rc == CRM_ROW;
        if (rc == CRM_DONE)
            rc = crm__merge_missing(db, &asked);
    }
    if (rc != CRM_ROW)
        return rc;
    if (!crm__col_null(st, 7)) {
        crm__uuid uid;
        crm__col_uuid(&uid, st, 0);
        return crm__customer_erased(db, &uid, crm__col_int(st, 7));
    }
    crm_customer *c;
    rc = crm__customer_from_row(&c, st, 0);
    if (rc)
        return crm__error(db, rc, "out of memory reading a customer");
    if (merged)
        crm__customer_set_merged_from(c, &asked);
    *out = c;
    return CRM_OK;
}

int crm_customer_rename(crm_db *db, const char *id, const char *name)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_id(db, "customer id", id, &uid);
    if (rc == CRM_OK)
        rc = check_name(db, name);
    if (rc)
        return rc;
    char *key = name_key(name), *fold = crm__fold_name(name);
    if (!key || !fold) {
        crm__free(key);
        crm__free(fold);
        return crm__error(db, CRM_ENOMEM, "out of memory renaming a customer");
    }
    char *old = NULL;
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        rc = crm__customer_find(db, &uid, id, NULL, &old);
        CRM__ST(st);
        if (rc == CRM_OK)
            rc = crm__st_get(db, CRM__Q_CUSTOMER_RENAME, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &uid);
            crm__bind_text(st, 2, name);
            crm__bind_text(st, 3, key);
            crm__bind_time(st, 4, crm__now(db));
            crm__bind_text(st, 5, fold);
            rc = crm__st_run(st, "renaming a customer");
        }
        if (rc == CRM_OK) {
            crm__jfield f[] = { CRM__JTEXT("name", name), CRM__JTEXT("old_name", old) };
            rc = CRM__JOURNAL(db, "customer", &uid, "rename", f);
        }
        rc = crm__write_end(db, rc);
    }
    crm__free(old);
    crm__free(key);
    crm__free(fold);
    return rc;
}

int crm_customer_set_owner(crm_db *db, const char *id, const char *owner)
{
    CRM__ENTER(db);
    crm__uuid uid;
    int rc = crm__check_id(db, "customer id", id, &uid);
    if (rc == CRM_OK && owner)
        rc = crm__check_actor(db, "owner", owner);
    if (rc)
        return rc;
    char *old = NULL;
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__customer_probe(db, &st, &uid, NULL);
        if (rc == CRM_OK) {
            const char *o = crm__col_text(st, 2);
            if (o && !(old = crm__strdup(o)))
                rc = crm__error(db, CRM_ENOMEM, "out of memory changing a customer's owner");
            else if (!o && !crm__col_null(st, 2))
                rc = crm__error(db, CRM_ENOMEM, "out of memory reading a customer's owner");
        }
        crm__st_release(&st);
        if (rc == CRM_OK)
            rc = crm__st_get(db, CRM__Q_CUSTOMER_SET_OWNER, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &uid);
            crm__bind_text(st, 2, owner);
            crm__bind_time(st, 3, crm__now(db));
            rc = crm__st_run(st, "changing a customer's owner");
        }
        if (rc == CRM_OK) {
            crm__jfield f[] = { CRM__JTEXT("owner", owner), CRM__JTEXT("old_owner", old) };
            rc = CRM__JOURNAL(db, "customer", &uid, "set_owner", f);
        }
        rc = crm__write_end(db, rc);
    }
    crm__free(old);
    return rc;
}

static int set_archived(crm_db *db, const char *id, bool archive)
{
    crm__uuid uid;
    int rc = crm__check_id(db, "customer id", id, &uid);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_CUSTOMER_ARCHIVED, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &uid);
            rc = crm__st_step(st, "reading a customer");
            if (rc == CRM_ROW && !crm__col_null(st, 1)) {
                rc = crm__customer_erased(db, &uid, crm__col_int(st, 1));
            } else if (rc == CRM_ROW) {
                bool is = crm__col_int(st, 0);
                rc = CRM_OK;
                if (is == archive)
                    rc = crm__error(db, CRM_ESTATE, "customer %s is %s archived", id,
                                    archive ? "already" : "not");
            } else if (rc == CRM_DONE) {
                rc = crm__merge_missing(db, &uid);
            }
        }
    }
    CRM__ST(st);
    if (rc == CRM_OK)
        rc = crm__st_get(db, CRM__Q_CUSTOMER_SET_ARCHIVED, &st);
    if (rc == CRM_OK) {
        int64_t now = crm__now(db);
        crm__bind_id(st, 1, &uid);
        if (archive)
            crm__bind_time(st, 2, now);
        else
            crm__bind_null(st, 2);
        crm__bind_time(st, 3, now);
        rc = crm__st_run(st, "archiving a customer");
    }
    if (rc == CRM_OK)
        rc = crm__journal(db, "customer", &uid, archive ? "archive" : "unarchive", NULL, 0);
    return crm__write_end(db, rc);
}

int crm_customer_archive(crm_db *db, const char *id)
{
    CRM__ENTER(db);
    return set_archived(db, id, true);
}

int crm_customer_unarchive(crm_db *db, const char *id)
{
    CRM__ENTER(db);
    return set_archived(db, id, false);
}

/* ---- listing ------------------------------------------------------------ */

struct crm_customer_cursor {
    crm__cursor base;
    crm_customer *row;
    size_t row_cap; /* bytes allocated for row's name */
};

/* Smallest string greater than every string starting with p: p with its
 * last byte incremented (bytes 0xff cannot occur in UTF-8, so no carry
 * ever spills past a valid prefix). */
static void prefix_upper(char *p)
{
    size_t n = strlen(p);
    while (n > 0 && (unsigned char)p[n - 1] == 0xff)
        p[--n] = '\0';
    if (n > 0)
        p[n - 1] = (char)((unsigned char)p[n - 1] + 1);
}

static int customer_build(crm__cursor *c)
{
    crm_customer_cursor *cur = (crm_customer_cursor *)c;
    /* One record serves the whole walk; it grows only for a longer name. */
    if (read_row(&cur->row, &cur->row_cap, cur->base.st, 0) != CRM_OK)
        return crm__error(cur->base.db, CRM_ENOMEM, "out of memory %s", cur->base.what);
    return CRM_OK;
}

/* What a filter asks of the list's query: its shape and the values it
 * binds (the name prefix's bounds, crm__malloc'd, freed by list_done()). */
typedef struct list_query {
    unsigned int shape;
    crm__uuid after, lo, hi;
    char *p_lo, *p_hi;
} list_query;

static void list_done(list_query *lq)
{
    crm__free(lq->p_lo);
    crm__free(lq->p_hi);
}

/* Check filter f and make its query; a count (paged false) reads neither
 * the paging fields (`after`, `limit`) nor `order`. *held (a CRM__ST
 * variable of the caller's) is left on the row of `after`, so that the
 * list's first read joins the check's snapshot. */
static int list_prepare(crm_db *db, const crm_customer_filter *f, bool paged, list_query *lq,
                        crm__st **held)
{
    int rc;
    memset(lq, 0, sizeof *lq);
    if (f->version < 1 || f->version > CRM_CUSTOMER_FILTER_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_customer_filter.version is %u; this libcrm knows versions 1 to %d",
                          f->version, CRM_CUSTOMER_FILTER_VERSION);
    if (f->kind != 0 && f->kind != CRM_CUSTOMER_PERSON && f->kind != CRM_CUSTOMER_ORGANISATION)
        return crm__error(db, CRM_EINVAL, "filter kind %d is not a customer kind", f->kind);
    if (f->archived < CRM_ARCHIVED_EXCLUDE || f->archived > CRM_ARCHIVED_ONLY)
        return crm__error(db, CRM_EINVAL, "filter archived %d is not a crm_archived_filter_t",
                          (int)f->archived);
    if (paged && f->order != CRM_ORDER_CREATED && f->order != CRM_ORDER_NAME)
        return crm__error(db, CRM_EINVAL, "filter order %d is not a crm_customer_order_t",
                          (int)f->order);
    int64_t from = crm__time_given(f->version, f->created_from);
    int64_t to = crm__time_given(f->version, f->created_to);
    if ((rc = crm__check_time_opt(db, "filter created_from", from)) ||
        (rc = crm__check_time_opt(db, "filter created_to", to)))
        return rc;
    if (from != CRM_TIME_NONE && to != CRM_TIME_NONE && from > to)
        return crm__error(db, CRM_EINVAL,
                          "filter created range [%lld, %lld) is not a range of times",
                          (long long)from, (long long)to);
    if (f->tag && (rc = crm__check_text(db, "filter tag", f->tag, 1, CRM_TAG_MAX,
                                        CRM__TEXT_NO_CONTROL | CRM__TEXT_NO_EDGE_SPACE)))
        return rc;
    if (f->name_prefix && (rc = crm__check_text(db, "filter name_prefix", f->name_prefix, 0,
                                                CRM_NAME_MAX, CRM__TEXT_NO_CONTROL)))
        return rc;
    /* The owner came in version 3: an older caller's filter ends before it. */
    const char *owner = f->version >= 3 ? f->owner : NULL;
    if (owner && (rc = crm__check_actor(db, "filter owner", owner)))
        return rc;
    bool after = paged && f->after;
    if (after && (rc = crm__check_id(db, "filter after", f->after, &lq->after)))
        return rc;
    /* An id holds 48 bits of milliseconds since 1970 (enough for every
     * time up to CRM_TIME_MAX), so a bound before 1970 is no bound: every
     * id is after it, or none is. */
    bool from_bound = from > 0;
    bool to_bound = to > 0;
    bool empty = to != CRM_TIME_NONE && to <= 0;

    unsigned int shape = 0;
    if (f->tag)
        shape |= CRM__SHAPE_CUSTOMER_LIST_TAG;
    if (f->kind)
        shape |= CRM__SHAPE_CUSTOMER_LIST_KIND;
    if (f->archived == CRM_ARCHIVED_EXCLUDE)
        shape |= CRM__SHAPE_CUSTOMER_LIST_ACTIVE;
    else if (f->archived == CRM_ARCHIVED_ONLY)
        shape |= CRM__SHAPE_CUSTOMER_LIST_ARCHIVED;
    if (f->name_prefix && f->name_prefix[0])
        shape |= CRM__SHAPE_CUSTOMER_LIST_NAME_PREFIX;
    if (owner)
        shape |= CRM__SHAPE_CUSTOMER_LIST_OWNER;
    if (empty)
        shape |= CRM__SHAPE_CUSTOMER_LIST_EMPTY;
    if (from_bound)
        shape |= CRM__SHAPE_CUSTOMER_LIST_FROM;
    if (to_bound)
        shape |= CRM__SHAPE_CUSTOMER_LIST_TO;
    if (after)
        shape |= CRM__SHAPE_CUSTOMER_LIST_AFTER;
    if (paged && f->order == CRM_ORDER_NAME)
        shape |= CRM__SHAPE_CUSTOMER_LIST_BY_NAME;
    if (paged && f->limit)
        shape |= CRM__SHAPE_CUSTOMER_LIST_LIMIT;
    lq->shape = shape;
    if (from_bound)
        crm__uuid_floor(&lq->lo, from);
    if (to_bound)
        crm__uuid_floor(&lq->hi, to);

    if (after) {
        rc = crm__customer_probe(db, held, &lq->after, NULL);
        if (rc == CRM_ENOTFOUND)
            return crm__error(db, CRM_ENOTFOUND,
                              "filter after names no customer (%s); pass the id of the last "
                              "customer of the previous page",
                              f->after);
        if (rc)
            return rc;
    }
    if (f->name_prefix && f->name_prefix[0]) {
        lq->p_lo = name_key(f->name_prefix);
        lq->p_hi = name_key(f->name_prefix);
        if (!lq->p_lo || !lq->p_hi) {
            list_done(lq);
            return crm__error(db, CRM_ENOMEM, "out of memory reading a customer filter");
        }
        prefix_upper(lq->p_hi);
    }
    return CRM_OK;
}

/* Bind what the filter's query takes (the parameters of CRM__Q_CUSTOMER_LIST). */
static void list_bind(crm__st *st, const crm_customer_filter *f, const list_query *lq)
{
    if (f->tag)
        crm__bind_text(st, 1, f->tag);
    if (f->kind)
        crm__bind_int(st, 2, f->kind);
    if (lq->p_lo) {
        crm__bind_text(st, 3, lq->p_lo);
        crm__bind_text(st, 4, lq->p_hi);
    }
    if (lq->shape & CRM__SHAPE_CUSTOMER_LIST_FROM)
        crm__bind_id(st, 5, &lq->lo);
    if (lq->shape & CRM__SHAPE_CUSTOMER_LIST_TO)
        crm__bind_id(st, 6, &lq->hi);
    if (lq->shape & CRM__SHAPE_CUSTOMER_LIST_AFTER)
        crm__bind_id(st, 7, &lq->after);
    if (lq->shape & CRM__SHAPE_CUSTOMER_LIST_LIMIT)
        crm__bind_int(st, 8, f->limit);
    if (lq->shape & CRM__SHAPE_CUSTOMER_LIST_OWNER)
        crm__bind_text(st, 9, f->owner);
}

int crm_customer_list_open(crm_customer_cursor **out, crm_db *db,
                           const crm_customer_filter *filter)
{
    CRM__ENTER(db);
    crm_customer_filter defaults = CRM_CUSTOMER_FILTER_INIT;
    const crm_customer_filter *f = filter ? filter : &defaults;
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    list_query lq;
    CRM__ST(after_st);
    if ((rc = list_prepare(db, f, true, &lq, &after_st)))
        return rc;
    crm_customer_cursor *cur;
    rc = crm__cursor_new_shaped((void **)&cur, sizeof *cur, db, CRM__Q_CUSTOMER_LIST, lq.shape,
                                customer_build, "listing customers");
    if (rc) {
        list_done(&lq);
        return rc;
    }
    list_bind(cur->base.st, f, &lq);
    list_done(&lq);
    return crm__cursor_bound((void **)out, cur, "listing customers");
}

int crm_customer_count(int64_t *out, crm_db *db, const crm_customer_filter *filter)
{
    CRM__ENTER(db);
    crm_customer_filter defaults = CRM_CUSTOMER_FILTER_INIT;
    const crm_customer_filter *f = filter ? filter : &defaults;
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    list_query lq;
    CRM__ST(unused);
    if ((rc = list_prepare(db, f, false, &lq, &unused)))
        return rc;
    CRM__ST(st);
    rc = crm__st_get_shaped(db, CRM__Q_CUSTOMER_COUNT, lq.shape, &st);
    if (rc == CRM_OK) {
        list_bind(st, f, &lq);
        rc = crm__st_step(st, "counting customers");
    }
    if (rc == CRM_ROW) {
        *out = crm__col_int(st, 0);
        rc = CRM_OK;
    } else if (rc == CRM_DONE) {
        rc = crm__error(db, CRM_ERROR, "counting customers: no count");
    }
    list_done(&lq);
    return rc;
}

int crm__customer_list_new(crm_customer_cursor **out, crm_db *db, crm__query q, const char *what)
{
    return crm__cursor_new((void **)out, sizeof **out, db, q, customer_build, what);
}

int crm_customer_cursor_next(crm_customer_cursor *cur, const crm_customer **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = cur->row;
    return rc;
}

void crm_customer_cursor_free(crm_customer_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_fini(&cur->base);
    crm__free(cur->row);
    crm__free(cur);
}

/* ---- rows that belong to a customer --------------------------------------- */

int crm__customer_insert_owned(crm_db *db, crm__st *st, const crm__uuid *cid, const char *what)
{
    int refused;
    int rc = crm__st_insert(st, what, &refused);
    if (rc || refused == CRM__KEPT)
        return rc;
    rc = crm__customer_find(db, cid, NULL, NULL, NULL);
    if (rc)
        return rc;
    return crm__error(db, refused == CRM__REFUSED_FOREIGN ? CRM_ERROR : CRM_EEXISTS, "%s: %s",
                      what, crm__refusal_text(refused));
}

int crm__customer_cursor(void **out, size_t size, crm_db *db, const char *id, crm__query q_person,
                         crm__query q_org, crm__cursor_build build, const char *what)
{
    crm__uuid uid;
    int kind = 0;
    /* Held on its row until the cursor has read its first: one snapshot. */
    CRM__ST(found);
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "customer id", id, &uid);
    if (rc == CRM_OK)
        rc = crm__customer_probe(db, &found, &uid, &kind);
    if (rc)
        return rc;
    crm__cursor *c;
    rc = crm__cursor_new((void **)&c, size, db, kind == CRM_CUSTOMER_ORGANISATION ? q_org : q_person,
                         build, what);
    if (rc)
        return rc;
    crm__bind_id(c->st, 1, &uid);
    return crm__cursor_bound(out, c, what);
}
