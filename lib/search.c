/*
 * libcrm - search: a query's hits, best first. The query is read into terms
 * here (search_query.c); the index, its words and its ranking are the
 * storage layer's (CRM__Q_SEARCH), and so is keeping it in step with every
 * change.
 */
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/search.h"
#include "internal/util.h"
#include "store/store.h"

#define ALL_KINDS                                                                 \
    (CRM_SEARCH_BIT(CRM_SEARCH_CUSTOMER) | CRM_SEARCH_BIT(CRM_SEARCH_IDENTITY) |  \
     CRM_SEARCH_BIT(CRM_SEARCH_ATTRIBUTE) | CRM_SEARCH_BIT(CRM_SEARCH_INTERACTION) | \
     CRM_SEARCH_BIT(CRM_SEARCH_PROMISE))

static const char *const kind_names[] = { NULL,          "customer", "identity",
                                          "attribute",   "interaction", "promise" };

/* The storage layer's field numbers (CRM__Q_SEARCH), as words. */
static const char *const field_names[] = { NULL, "name", "value", "summary", "body", "what" };
#define FIELD_MAX 5

const char *crm_search_kind_name(crm_search_kind_t kind)
{
    return kind >= CRM_SEARCH_CUSTOMER && kind <= CRM_SEARCH_KIND_MAX ? kind_names[kind] : NULL;
}

int crm_search_kind_parse(crm_search_kind_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int k = crm__word_index(kind_names, CRM_SEARCH_CUSTOMER, CRM_SEARCH_KIND_MAX, name);
    if (k < 0)
        return crm__parse_error(__func__, "a search kind", name,
                                "customer, identity, attribute, interaction or promise");
    *out = (crm_search_kind_t)k;
    return CRM_OK;
}

/* ---- the hit ------------------------------------------------------------- */

enum { H_CUSTOMER_NAME, H_KEY, H_SNIPPET, H_COUNT };

struct crm_search_hit {
    crm_search_kind_t kind;
    int field;
    double rank;
    char customer_id[CRM_ID_LEN + 1];
    char record_id[CRM_ID_LEN + 1]; /* "" when the kind has none */
    const char *text[H_COUNT];      /* H_KEY: NULL when the kind has none */
};

crm_search_kind_t crm_search_hit_kind(const crm_search_hit *h)
{
    return h ? h->kind : (crm_search_kind_t)0;
}
const char *crm_search_hit_customer_id(const crm_search_hit *h)
{
    return h ? h->customer_id : NULL;
}
const char *crm_search_hit_customer_name(const crm_search_hit *h)
{
    return h ? h->text[H_CUSTOMER_NAME] : NULL;
}
const char *crm_search_hit_record_id(const crm_search_hit *h)
{
    return h && h->record_id[0] ? h->record_id : NULL;
}
const char *crm_search_hit_key(const crm_search_hit *h) { return h ? h->text[H_KEY] : NULL; }
const char *crm_search_hit_field(const crm_search_hit *h)
{
    return h && h->field >= 1 && h->field <= FIELD_MAX ? field_names[h->field] : NULL;
}
const char *crm_search_hit_snippet(const crm_search_hit *h)
{
    return h ? h->text[H_SNIPPET] : NULL;
}
double crm_search_hit_rank(const crm_search_hit *h) { return h ? h->rank : 0.0; }

int crm_search_hit_dup(crm_search_hit **out, const crm_search_hit *h)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!h)
        return crm__null_arg(__func__, "the hit");
    size_t size = sizeof *h;
    for (int i = 0; i < H_COUNT; i++)
        size += h->text[i] ? strlen(h->text[i]) + 1 : 0;
    crm_search_hit *c = crm__malloc(size);
    if (!c)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the hit", __func__);
    *c = *h;
    char *p = (char *)(c + 1);
    for (int i = 0; i < H_COUNT; i++) {
        if (!h->text[i])
            continue;
        size_t n = strlen(h->text[i]) + 1;
        memcpy(p, h->text[i], n);
        c->text[i] = p;
        p += n;
    }
    *out = c;
    return CRM_OK;
}

void crm_search_hit_free(crm_search_hit *h)
{
    crm__free(h);
}

/* ---- the list ------------------------------------------------------------ */

struct crm_search_hit_cursor {
    crm__cursor base;
    crm_search_hit row;
};

static int hit_build(crm__cursor *c)
{
    crm_search_hit_cursor *cur = (crm_search_hit_cursor *)c;
    crm_search_hit *h = &cur->row;
    crm__st *st = c->st;
    int64_t kind = crm__col_int(st, 0), field = crm__col_int(st, 1);
    if (kind < CRM_SEARCH_CUSTOMER || kind > CRM_SEARCH_KIND_MAX || field < 1 ||
        field > FIELD_MAX)
        return crm__error(c->db, CRM_ECORRUPT,
                          "the search index holds a row of kind %lld, field %lld, which this "
                          "libcrm does not know",
                          (long long)kind, (long long)field);
    h->kind = (crm_search_kind_t)kind;
    h->field = (int)field;
    h->rank = crm__col_double(st, 7);
    if (!crm__col_id(h->customer_id, st, 2))
        return crm__error(c->db, CRM_ECORRUPT, "the search index holds a row of no customer");
    h->record_id[0] = '\0';
    if ((h->kind == CRM_SEARCH_INTERACTION || h->kind == CRM_SEARCH_PROMISE) &&
        !crm__col_id(h->record_id, st, 5))
        return crm__error(c->db, CRM_ECORRUPT, "the search index holds a %s row of no id",
                          kind_names[h->kind]);
    static const int cols[H_COUNT] = { 3, 4, 6 };
    int rc = crm__cursor_texts(c, cols, H_COUNT, h->text);
    if (rc)
        return rc;
    if (!h->text[H_CUSTOMER_NAME] || !h->text[H_KEY] || !h->text[H_SNIPPET])
        return crm__error(c->db, CRM_ECORRUPT, "a search hit without a name or snippet");
    if (h->kind != CRM_SEARCH_IDENTITY && h->kind != CRM_SEARCH_ATTRIBUTE)
        h->text[H_KEY] = NULL;
    return CRM_OK;
}

static int check_options(crm_db *db, const crm_search_options *o)
{
    if (o->version < 1 || o->version > CRM_SEARCH_OPTIONS_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_search_options.version is %u; this libcrm knows versions 1 to %d",
                          o->version, CRM_SEARCH_OPTIONS_VERSION);
    if (o->kinds & ~(unsigned int)ALL_KINDS)
        return crm__error(db, CRM_EINVAL,
                          "options kinds 0x%x has bits 0x%x that are no search kind's "
                          "CRM_SEARCH_BIT()",
                          o->kinds, o->kinds & ~(unsigned int)ALL_KINDS);
    if (o->include_archived != 0 && o->include_archived != 1)
        return crm__error(db, CRM_EINVAL, "options include_archived is %d; give 0 or 1",
                          o->include_archived);
    if (o->limit > CRM_SEARCH_LIMIT_MAX)
        return crm__error(db, CRM_EINVAL,
                          "options limit %u is more than %d; page with offset instead",
                          o->limit, CRM_SEARCH_LIMIT_MAX);
    if (o->offset > CRM_SEARCH_OFFSET_MAX)
        return crm__error(db, CRM_EINVAL,
                          "options offset %u is more than %d; narrow the search instead",
                          o->offset, CRM_SEARCH_OFFSET_MAX);
    int rc = CRM_OK;
    if (o->owner)
        rc = crm__check_actor(db, "options owner", o->owner);
    if (rc == CRM_OK && o->mark_before)
        rc = crm__check_text(db, "options mark_before", o->mark_before, 0, CRM_SEARCH_MARK_MAX,
                             CRM__TEXT_NO_CONTROL);
    if (rc == CRM_OK && o->mark_after)
        rc = crm__check_text(db, "options mark_after", o->mark_after, 0, CRM_SEARCH_MARK_MAX,
                             CRM__TEXT_NO_CONTROL);
    return rc;
}

int crm_search_hit_list_open(crm_search_hit_cursor **out, crm_db *db, const char *query,
                             const crm_search_options *opts)
{
    CRM__ENTER(db);
    crm_search_options defaults = CRM_SEARCH_OPTIONS_INIT;
    const crm_search_options *o = opts ? opts : &defaults;
    crm__uuid cid;
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    if (!query)
        return crm__error(db, CRM_EINVAL, "query is NULL; pass the words to search for");
    crm__search_query q;
    const char *why = NULL;
    if (crm__search_parse(&q, query, &why) != CRM_OK) {
        char buf[CRM__QUOTE_SIZE];
        return crm__error(db, CRM_EINVAL, "query '%s' %s", crm__pquote(db, buf, sizeof buf, query),
                          why);
    }
    rc = check_options(db, o);
    if (rc == CRM_OK && o->customer_id)
        rc = crm__check_id(db, "options customer_id", o->customer_id, &cid);
    if (rc)
        return rc;
    /* Held on its row until the list has read its first: the check and the
     * walk read one snapshot. */
    if ((rc = crm__search_ready(db)) != CRM_OK)
        return rc;
    CRM__ST(found);
    if (o->customer_id && (rc = crm__customer_probe(db, &found, &cid, NULL)) != CRM_OK)
        return rc;

    crm_search_hit_cursor *cur;
    rc = crm__cursor_new((void **)&cur, sizeof *cur, db, CRM__Q_SEARCH, hit_build, "searching");
    if (rc)
        return rc;
    crm__st *st = cur->base.st;
    crm__bind_text_query(st, 1, q.terms, q.n);
    crm__bind_text(st, 2, o->mark_before ? o->mark_before : "[");
    crm__bind_text(st, 3, o->mark_after ? o->mark_after : "]");
    crm__bind_int(st, 4, o->kinds ? o->kinds : ALL_KINDS);
    crm__bind_id(st, 5, o->customer_id ? &cid : NULL);
    crm__bind_text(st, 6, o->owner);
    crm__bind_int(st, 7, o->include_archived);
    crm__bind_int(st, 8, o->limit ? o->limit : CRM_SEARCH_LIMIT_DEFAULT);
    crm__bind_int(st, 9, o->offset);
    return crm__cursor_bound((void **)out, cur, "searching");
}

int crm_search_hit_cursor_next(crm_search_hit_cursor *cur, const crm_search_hit **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_search_hit_cursor_free(crm_search_hit_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
