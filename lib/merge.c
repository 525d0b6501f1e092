/*
 * libcrm - duplicate customers: the pairs that may be one, merging one
 * customer into another, and undoing a merge while nothing has changed
 * since. The rules are in include/crm/merge.h and docs/merge.md.
 */
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/merge.h"
#include "internal/util.h"
#include "store/store.h"

/* ---- the folded name ---------------------------------------------------------- */

/* U+00C0..U+017F as duplicates compare them: "" for a character kept as it
 * is (× and ÷). Schema 10's migration spells the same table in SQL. */
static const char *const fold_latin[0x180 - 0xc0] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e",
    "i", "i", "i", "i", "d", "n", "o", "o", "o", "o", "o", "",
    "o", "u", "u", "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u",
    "u", "y", "th", "y", "a", "a", "a", "a", "a", "a", "c", "c",
    "c", "c", "c", "c", "c", "c", "d", "d", "d", "d", "e", "e",
    "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i",
    "i", "i", "i", "i", "i", "i", "ij", "ij", "j", "j", "k", "k",
    "k", "l", "l", "l", "l", "l", "l", "l", "l", "l", "l", "n",
    "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s",
    "s", "s", "s", "s", "s", "s", "t", "t", "t", "t", "t", "t",
    "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u", "u",
    "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

char *crm__fold_name(const char *name)
{
    /* Each folded letter is two bytes of UTF-8 and becomes at most two:
     * the key is never longer than the name. */
    char *out = crm__malloc(strlen(name) + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)name; *p;) {
        if (*p >= 'A' && *p <= 'Z') {
            *o++ = (char)(*p++ - 'A' + 'a');
            continue;
        }
        if (*p >= 0xc3 && *p <= 0xc5 && (p[1] & 0xc0) == 0x80) {
            unsigned cp = ((unsigned)(*p & 0x1f) << 6) | (p[1] & 0x3f);
            const char *f = cp >= 0xc0 ? fold_latin[cp - 0xc0] : "";
            if (*f) {
                size_t n = strlen(f);
                memcpy(o, f, n);
                o += n;
                p += 2;
                continue;
            }
        }
        *o++ = (char)*p++;
    }
    *o = '\0';
    return out;
}

/* ---- where an absorbed id went ------------------------------------------------ */

/* The survivor of id in *out: CRM_ROW, CRM_DONE (never merged) or an error. */
static int survivor_of(crm_db *db, const crm__uuid *id, crm__uuid *out)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_MERGE_SURVIVOR, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, id);
    rc = crm__st_step(st, "finding the customer an id was merged into");
    if (rc == CRM_ROW && !crm__col_uuid(out, st, 0))
        rc = crm__corrupt_id(db, "finding the customer an id was merged into");
    return rc;
}

int crm__merge_follow(crm_db *db, const crm__uuid *id, crm__st **st)
{
    crm__uuid to;
    int rc = survivor_of(db, id, &to);
    if (rc != CRM_ROW)
        return rc;
    rc = crm__st_get(db, CRM__Q_CUSTOMER_GET, st);
    if (rc)
        return rc;
    crm__bind_id(*st, 1, &to);
    return crm__st_step(*st, "reading the customer an id was merged into");
}

int crm__merge_missing(crm_db *db, const crm__uuid *id)
{
    char canon[CRM_ID_LEN + 1], into[CRM_ID_LEN + 1];
    crm__uuid_format(canon, id->b);
    crm__uuid to;
    int rc = survivor_of(db, id, &to);
    if (rc == CRM_ROW) {
        crm__uuid_format(into, to.b);
        return crm__error(db, CRM_ENOTFOUND,
                          "customer %s was merged into customer %s: use that id (or "
                          "crm_customer_unmerge() the merge)",
                          canon, into);
    }
    if (rc == CRM_DONE)
        return crm__error(db, CRM_ENOTFOUND, "no customer has id %s", canon);
    return rc;
}

/* ---- duplicate candidates ------------------------------------------------------ */

static const struct {
    crm_duplicate_reason_t bit;
    const char *name;
} reasons[] = {
    { CRM_DUPLICATE_NAME, "name" },
    { CRM_DUPLICATE_EMAIL_DOMAIN, "email_domain" },
    { CRM_DUPLICATE_PHONE_SUFFIX, "phone_suffix" },
    { CRM_DUPLICATE_ORGANISATION, "organisation" },
    { CRM_DUPLICATE_ATTRIBUTE, "attribute" },
    { CRM_DUPLICATE_IDENTITY, "identity" },
};
#define N_REASONS (sizeof reasons / sizeof reasons[0])

const char *crm_duplicate_reason_name(crm_duplicate_reason_t reason)
{
    for (size_t i = 0; i < N_REASONS; i++)
        if (reasons[i].bit == reason)
            return reasons[i].name;
    return NULL;
}

int crm_duplicate_reason_parse(crm_duplicate_reason_t *out, const char *name)
{
    static const char words[] =
        "name, email_domain, phone_suffix, organisation, attribute or identity";
    if (!out)
        return crm__null_arg(__func__, "out");
    for (size_t i = 0; name && i < N_REASONS; i++) {
        if (strcmp(name, reasons[i].name) == 0) {
            *out = reasons[i].bit;
            return CRM_OK;
        }
    }
    return crm__parse_error(__func__, "a duplicate reason", name, words);
}

struct crm_duplicate {
    char id[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    const char *name, *other_name;
    int score, attributes;
    unsigned int reasons;
};

const char *crm_duplicate_customer_id(const crm_duplicate *d) { return d ? d->id : NULL; }
const char *crm_duplicate_customer_name(const crm_duplicate *d) { return d ? d->name : NULL; }
const char *crm_duplicate_other_id(const crm_duplicate *d) { return d ? d->other : NULL; }
const char *crm_duplicate_other_name(const crm_duplicate *d) { return d ? d->other_name : NULL; }
int crm_duplicate_score(const crm_duplicate *d) { return d ? d->score : 0; }
unsigned int crm_duplicate_reasons(const crm_duplicate *d) { return d ? d->reasons : 0; }
int crm_duplicate_attributes(const crm_duplicate *d) { return d ? d->attributes : 0; }

int crm_duplicate_dup(crm_duplicate **out, const crm_duplicate *d)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!d)
        return crm__null_arg(__func__, "the duplicate");
    size_t n = strlen(d->name) + 1, m = strlen(d->other_name) + 1;
    crm_duplicate *c = crm__malloc(sizeof *c + n + m);
    if (!c)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the duplicate",
                                 __func__);
    *c = *d;
    char *texts = (char *)(c + 1);
    c->name = memcpy(texts, d->name, n);
    c->other_name = memcpy(texts + n, d->other_name, m);
    *out = c;
    return CRM_OK;
}

void crm_duplicate_free(crm_duplicate *d)
{
    crm__free(d);
}

struct crm_duplicate_cursor {
    crm__cursor base;
    crm_duplicate row;
};

static int duplicate_build(crm__cursor *c)
{
    crm_duplicate_cursor *cur = (crm_duplicate_cursor *)c;
    static const int cols[] = { 1, 3 };
    const char *t[2];
    int rc = crm__cursor_texts(c, cols, 2, t);
    if (rc)
        return rc;
    if (!t[0] || !t[1] || !crm__col_id(cur->row.id, c->st, 0) ||
        !crm__col_id(cur->row.other, c->st, 2))
        return crm__corrupt_id(c->db, c->what);
    cur->row.name = t[0];
    cur->row.other_name = t[1];
    cur->row.score = (int)crm__col_int(c->st, 4);
    cur->row.reasons = (unsigned int)crm__col_int(c->st, 5);
    cur->row.attributes = (int)crm__col_int(c->st, 6);
    return CRM_OK;
}

/* The filter's attribute keys, checked, as a JSON array in *out (NULL
 * for none; crm__free'd by the caller). Keys are codes ([A-Za-z0-9_.:-]),
 * which need no escaping in JSON. */
static int keys_json(crm_db *db, const char *const *keys, char **out)
{
    *out = NULL;
    if (!keys || !keys[0])
        return CRM_OK;
    size_t n = 0, len = 3;
    for (; keys[n]; n++) {
        if (n == CRM_DUPLICATE_KEYS_MAX)
            return crm__error(db, CRM_EINVAL,
                              "filter attribute_keys names more than %d keys "
                              "(CRM_DUPLICATE_KEYS_MAX)",
                              CRM_DUPLICATE_KEYS_MAX);
        char field[48];
        snprintf(field, sizeof field, "filter attribute_keys[%zu]", n);
        int rc = crm__check_code(db, field, keys[n], CRM_ATTR_KEY_MAX);
        if (rc)
            return rc;
        len += strlen(keys[n]) + 3;
    }
    char *j = crm__malloc(len), *p = j;
    if (!j)
        return crm__error(db, CRM_ENOMEM, "out of memory listing duplicates");
    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(keys[i]);
        if (i)
            *p++ = ',';
        *p++ = '"';
        memcpy(p, keys[i], k);
        p += k;
        *p++ = '"';
    }
    *p++ = ']';
    *p = '\0';
    *out = j;
    return CRM_OK;
}

int crm_duplicate_list_open(crm_duplicate_cursor **out, crm_db *db,
                            const crm_duplicate_filter *filter)
{
    CRM__ENTER(db);
    static const char what[] = "listing duplicate customers";
    crm_duplicate_filter defaults = CRM_DUPLICATE_FILTER_INIT;
    const crm_duplicate_filter *f = filter ? filter : &defaults;
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    if (f->version < 1 || f->version > CRM_DUPLICATE_FILTER_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_duplicate_filter.version is %u; this libcrm knows version 1 to %d",
                          f->version, CRM_DUPLICATE_FILTER_VERSION);
    if (f->min_score < 1 || f->min_score > 100)
        return crm__error(db, CRM_EINVAL, "filter min_score %d is not a score (1 to 100)",
                          f->min_score);
    if (f->archived < CRM_ARCHIVED_EXCLUDE || f->archived > CRM_ARCHIVED_ONLY)
        return crm__error(db, CRM_EINVAL, "filter archived %d is not a crm_archived_filter_t",
                          (int)f->archived);
    crm__uuid one;
    if (f->customer_id && (rc = crm__check_id(db, "filter customer_id", f->customer_id, &one)))
        return rc;
    char *keys;
    if ((rc = keys_json(db, f->attribute_keys, &keys)))
        return rc;
    /* Held on the customer's row until the list has read its first. */
    CRM__ST(held);
    if (f->customer_id)
        rc = crm__customer_probe(db, &held, &one, NULL);
    crm_duplicate_cursor *cur = NULL;
    if (rc == CRM_OK)
        rc = crm__cursor_new((void **)&cur, sizeof *cur, db,
                             f->customer_id ? CRM__Q_DUPLICATE_OF : CRM__Q_DUPLICATE_PAIRS,
                             duplicate_build, what);
    if (rc == CRM_OK) {
        crm__st *st = cur->base.st;
        if (f->customer_id)
            crm__bind_id(st, 1, &one);
        crm__bind_text(st, 2, keys);
        crm__bind_int(st, 3, f->min_score);
        crm__bind_int(st, 4, (int)f->archived);
        crm__bind_int(st, 5, f->limit ? (int64_t)f->limit : -1);
    }
    crm__free(keys);
    if (rc)
        return rc;
    return crm__cursor_bound((void **)out, cur, what);
}

int crm_duplicate_cursor_next(crm_duplicate_cursor *cur, const crm_duplicate **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_duplicate_cursor_free(crm_duplicate_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}

/* ---- merge ------------------------------------------------------------------------ */

/* A consent withdrawal a merge adds: its key, its time, its new id. */
typedef struct withdrawal {
    char *purpose;
    int64_t channel; /* -1: every channel */
    int64_t at;
    crm__uuid id;
} withdrawal;

typedef struct withdrawals {
    withdrawal *w;
    size_t n;
    char *json; /* their ids, a JSON array for the merge's record */
} withdrawals;

static void withdrawals_free(withdrawals *ws)
{
    for (size_t i = 0; i < ws->n; i++)
        crm__free(ws->w[i].purpose);
    crm__free(ws->w);
    crm__free(ws->json);
}

/* Read the withdrawals a merge of gone into keep adds (every row read
 * before the first is written) and give each its id. */
static int consent_keys(crm_db *db, const crm__uuid *keep, const crm__uuid *gone, int64_t now,
                        withdrawals *ws)
{
    static const char what[] = "reading the consent of the customers to merge";
    size_t cap = 0;
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_MERGE_CONSENT_KEYS, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, keep);
    crm__bind_id(st, 2, gone);
    crm__bind_time(st, 3, now);
    while ((rc = crm__st_step(st, what)) == CRM_ROW) {
        if (ws->n == cap) {
            size_t c = cap ? 2 * cap : 8;
            withdrawal *w = crm__realloc(ws->w, c * sizeof *w);
            if (!w)
                return crm__error(db, CRM_ENOMEM, "out of memory %s", what);
            ws->w = w;
            cap = c;
        }
        const char *p = crm__col_text(st, 0);
        withdrawal *w = &ws->w[ws->n];
        if (!p || !(w->purpose = crm__strdup(p)))
            return crm__error(db, CRM_ENOMEM, "out of memory %s", what);
        ws->n++;
        w->channel = crm__col_int_or(st, 1, -1);
        w->at = crm__col_int(st, 2);
    }
    if (rc != CRM_DONE)
        return rc;
    char *j = crm__malloc(ws->n * (CRM_ID_LEN + 3) + 3), *p = j;
    if (!j)
        return crm__error(db, CRM_ENOMEM, "out of memory %s", what);
    *p++ = '[';
    for (size_t i = 0; i < ws->n; i++) {
        int64_t ms;
        if ((rc = crm__new_id(db, &ws->w[i].id, &ms))) {
            crm__free(j);
            return rc;
        }
        if (i)
            *p++ = ',';
        *p++ = '"';
        crm__uuid_format(p, ws->w[i].id.b);
        p += CRM_ID_LEN;
        *p++ = '"';
    }
    *p++ = ']';
    *p = '\0';
    ws->json = j;
    return CRM_OK;
}

static int add_withdrawals(crm_db *db, const crm__uuid *keep, const withdrawals *ws)
{
    for (size_t i = 0; i < ws->n; i++) {
        const withdrawal *w = &ws->w[i];
        CRM__ST(st);
        int rc = crm__st_get(db, CRM__Q_MERGE_CONSENT_ADD, &st);
        if (rc)
            return rc;
        crm__bind_id(st, 1, &w->id);
        crm__bind_id(st, 2, keep);
        crm__bind_text(st, 3, w->purpose);
        if (w->channel < 0)
            crm__bind_null(st, 4);
        else
            crm__bind_int(st, 4, w->channel);
        crm__bind_time(st, 5, w->at);
        crm__bind_text(st, 6, db->actor);
        crm__bind_literal(st, 7, "merge: a withdrawal of the merged customer's kept");
        if ((rc = crm__st_run(st, "adding a consent withdrawal")))
            return rc;
    }
    return CRM_OK;
}

/* Run each of queries q[0..n) with ?1 keep, ?2 gone and, when data is
 * given, ?3 data. */
static int run_all(crm_db *db, const crm__query *q, size_t n, const crm__uuid *keep,
                   const crm__uuid *gone, const char *data, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        CRM__ST(st);
        int rc = crm__st_get(db, q[i], &st);
        if (rc)
            return rc;
        crm__bind_id(st, 1, keep);
        crm__bind_id(st, 2, gone);
        if (data)
            crm__bind_text(st, 3, data);
        if ((rc = crm__st_run(st, what)))
            return rc;
    }
    return CRM_OK;
}

/* A person and an organisation cannot be one customer: say which is
 * which, and whether one is a member of the other. */
static int kinds_differ(crm_db *db, const char *keep_id, int keep_kind, const crm__uuid *keep,
                        const char *gone_id, const crm__uuid *gone)
{
    bool keep_org = keep_kind == CRM_CUSTOMER_ORGANISATION;
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_MERGE_LINKED, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, keep_org ? keep : gone);
    crm__bind_id(st, 2, keep_org ? gone : keep);
    rc = crm__st_step(st, "reading a membership");
    if (rc != CRM_ROW && rc != CRM_DONE)
        return rc;
    return crm__error(db, CRM_EINVAL,
                      "cannot merge %s %s into %s %s: a person and an organisation are never "
                      "one customer%s",
                      keep_org ? "person" : "organisation", gone_id,
                      keep_org ? "organisation" : "person", keep_id,
                      rc == CRM_ROW ? " (the person is a member of the organisation)" : "");
}

int crm_customer_merge(crm_db *db, const char *keep_id, const char *absorb_id)
{
    CRM__ENTER(db);
    static const crm__query moves[] = {
        CRM__Q_MERGE_IDENTITY_SHARED, CRM__Q_MERGE_IDENTITY,      CRM__Q_MERGE_INTERACTION,
        CRM__Q_MERGE_PROMISE,         CRM__Q_MERGE_OCCASION,      CRM__Q_MERGE_CONSENT,
        CRM__Q_MERGE_TAG,             CRM__Q_MERGE_ATTR,          CRM__Q_MERGE_MEMBER_PERSON,
        CRM__Q_MERGE_MEMBER_ORG,      CRM__Q_MERGE_VERIFY,        CRM__Q_MERGE_DELETE,
    };
    crm__uuid keep, gone;
    int rc = crm__check_id(db, "keep id", keep_id, &keep);
    if (rc == CRM_OK)
        rc = crm__check_id(db, "absorbed id", absorb_id, &gone);
    if (rc)
        return rc;
    char kt[CRM_ID_LEN + 1], gt[CRM_ID_LEN + 1];
    crm__uuid_format(kt, keep.b);
    crm__uuid_format(gt, gone.b);
    if (memcmp(keep.b, gone.b, sizeof keep.b) == 0)
        return crm__error(db, CRM_EINVAL, "cannot merge customer %s into itself", kt);
    withdrawals ws = { NULL, 0, NULL };
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    int keep_kind = 0, gone_kind = 0;
    int64_t now = crm__now(db);
    rc = crm__customer_find(db, &keep, keep_id, &keep_kind, NULL);
    if (rc == CRM_OK)
        rc = crm__customer_find(db, &gone, absorb_id, &gone_kind, NULL);
    if (rc == CRM_OK && keep_kind != gone_kind)
        rc = kinds_differ(db, kt, keep_kind, &keep, gt, &gone);
    if (rc == CRM_OK)
        rc = consent_keys(db, &keep, &gone, now, &ws);
    /* The absorbed id's entry first: the survivor's, which the merge's
     * mark points to, is the last of the merge. */
    if (rc == CRM_OK) {
        crm__jfield f[] = { CRM__JTEXT("into", kt) };
        rc = CRM__JOURNAL(db, "customer", &gone, "merged", f);
    }
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_MERGE_RECORD, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &keep);
            crm__bind_id(st, 2, &gone);
            crm__bind_time(st, 3, now);
            crm__bind_text(st, 4, db->actor);
            crm__bind_text(st, 5, ws.json);
            rc = crm__st_run(st, "writing the journal");
        }
    }
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_MERGE_MARK, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &keep);
            crm__bind_id(st, 2, &gone);
            crm__bind_time(st, 3, now);
            rc = crm__st_run(st, "merging a customer");
        }
    }
    if (rc == CRM_OK)
        rc = run_all(db, moves, sizeof moves / sizeof moves[0], &keep, &gone, NULL,
                     "merging a customer");
    if (rc == CRM_OK)
        rc = add_withdrawals(db, &keep, &ws);
    if (rc == CRM_OK)
        rc = crm__customer_touch(db, &keep);
    rc = crm__write_end(db, rc);
    withdrawals_free(&ws);
    return rc;
}

/* ---- unmerge ---------------------------------------------------------------------- */

/* Refuse an unmerge that a later change of either customer blocks: the
 * first journal entry about either after the merge's (seq). */
static int check_unchanged(crm_db *db, const crm__uuid *keep, const crm__uuid *gone,
                           int64_t seq, const char *gt)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_MERGE_SINCE, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, keep);
    crm__bind_id(st, 2, gone);
    crm__bind_int(st, 3, seq);
    rc = crm__st_step(st, "reading the journal");
    if (rc == CRM_DONE)
        return CRM_OK;
    if (rc != CRM_ROW)
        return rc;
    char at[CRM__TIME_TEXT_SIZE], who[CRM_ID_LEN + 1];
    const char *op = crm__col_text(st, 1);
    if (!crm__col_id(who, st, 3))
        return crm__corrupt_id(db, "reading the journal");
    return crm__error(db, CRM_ESTATE,
                      "cannot unmerge customer %s: journal entry %lld (op '%s' at %s, customer "
                      "%s) changed the customers after the merge (entry %lld)",
                      gt, (long long)crm__col_int(st, 0), op ? op : "?",
                      crm__time_text(at, crm__col_int(st, 2)), who, (long long)seq);
}

/* A membership is journaled on its organisation: one the merge moved or
 * kept that the survivor no longer has was changed from the other end
 * (that organisation or person removed it, or was merged itself), which
 * an unmerge cannot undo. */
static int check_members(crm_db *db, const crm__uuid *keep, const crm__uuid *gone,
                         const char *data, const char *gt)
{
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_UNMERGE_MEMBERS_GONE, &st);
    if (rc)
        return rc;
    crm__bind_id(st, 1, keep);
    crm__bind_id(st, 2, gone);
    crm__bind_text(st, 3, data);
    rc = crm__st_step(st, "reading the memberships of a merge");
    if (rc != CRM_ROW)
        return rc == CRM_DONE ? crm__error(db, CRM_ERROR, "reading a merge: no count") : rc;
    int64_t n = crm__col_int(st, 0);
    if (n > 0)
        return crm__error(db, CRM_ESTATE,
                          "cannot unmerge customer %s: %lld of the memberships it had changed "
                          "after the merge at their other end (see the journal of their "
                          "organisations)",
                          gt, (long long)n);
    return CRM_OK;
}

int crm_customer_unmerge(crm_db *db, const char *absorbed_id)
{
    CRM__ENTER(db);
    static const crm__query undo[] = {
        CRM__Q_UNMERGE_CUSTOMER,     CRM__Q_UNMERGE_IDENTITY,       CRM__Q_UNMERGE_IDENTITY_SHARED,
        CRM__Q_UNMERGE_INTERACTION,  CRM__Q_UNMERGE_PROMISE,        CRM__Q_UNMERGE_OCCASION,
        CRM__Q_UNMERGE_CONSENT,      CRM__Q_UNMERGE_CONSENT_ADDED,  CRM__Q_UNMERGE_TAG,
        CRM__Q_UNMERGE_TAG_KEPT,     CRM__Q_UNMERGE_ATTR,           CRM__Q_UNMERGE_ATTR_KEPT,
        CRM__Q_UNMERGE_MEMBER_PERSON, CRM__Q_UNMERGE_MEMBER_ORG,    CRM__Q_UNMERGE_MEMBER_KEPT,
        CRM__Q_UNMERGE_SURVIVOR,
    };
    static const crm__query unmark[] = { CRM__Q_UNMERGE_UNMARK };
    crm__uuid gone, keep;
    int rc = crm__check_id(db, "absorbed id", absorbed_id, &gone);
    if (rc)
        return rc;
    char gt[CRM_ID_LEN + 1], kt[CRM_ID_LEN + 1] = "";
    crm__uuid_format(gt, gone.b);
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    int64_t seq = 0;
    char *data = NULL;
    {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_MERGE_FIND, &st);
        if (rc == CRM_OK) {
            crm__bind_id(st, 1, &gone);
            rc = crm__st_step(st, "reading a merge");
        }
        if (rc == CRM_ROW) {
            seq = crm__col_int(st, 1);
            rc = crm__col_uuid(&keep, st, 0) ? CRM_OK : crm__corrupt_id(db, "reading a merge");
        } else if (rc == CRM_DONE) {
            crm__st_release(&st);
            rc = crm__customer_find(db, &gone, absorbed_id, NULL, NULL);
            if (rc == CRM_OK)
                rc = crm__error(db, CRM_ESTATE,
                                "customer %s was not merged into another: nothing to unmerge", gt);
        }
    }
    if (rc == CRM_OK) {
        crm__uuid_format(kt, keep.b);
        /* A merge that came with a JSON Lines import came without its
         * journal entry, which holds what undoing it needs. */
        rc = seq == 0 ? crm__error(db, CRM_ESTATE,
                                   "the merge of customer %s into customer %s came with an "
                                   "import, without what undoing it needs: it cannot be undone",
                                   gt, kt)
                      : check_unchanged(db, &keep, &gone, seq, gt);
    }
    if (rc == CRM_OK) {
        CRM__ST(st);
        rc = crm__st_get(db, CRM__Q_MERGE_DATA, &st);
        if (rc == CRM_OK) {
            crm__bind_int(st, 1, seq);
            rc = crm__st_step(st, "reading the journal entry of a merge");
        }
        if (rc == CRM_ROW) {
            const char *d = crm__col_text(st, 0);
            rc = d && (data = crm__strdup(d)) ? CRM_OK
                                              : crm__error(db, CRM_ENOMEM,
                                                           "out of memory reading a merge");
        } else if (rc == CRM_DONE) {
            /* Dropped by a retention run (crm_journal_drop). */
            rc = crm__error(db, CRM_ESTATE,
                            "the journal entry %lld of the merge of customer %s, which holds "
                            "what undoing it needs, was dropped: it cannot be undone",
                            (long long)seq, gt);
        }
    }
    if (rc == CRM_OK)
        rc = check_members(db, &keep, &gone, data, gt);
    if (rc == CRM_OK)
        rc = run_all(db, undo, sizeof undo / sizeof undo[0], &keep, &gone, data,
                     "unmerging a customer");
    if (rc == CRM_OK)
        rc = run_all(db, unmark, 1, &keep, &gone, NULL, "unmerging a customer");
    if (rc == CRM_OK) {
        crm__jfield f[] = { CRM__JTEXT("absorbed", gt), CRM__JINT("merge_seq", seq) };
        rc = CRM__JOURNAL(db, "customer", &keep, "unmerge", f);
    }
    if (rc == CRM_OK) {
        crm__jfield f[] = { CRM__JTEXT("from", kt), CRM__JINT("merge_seq", seq) };
        rc = CRM__JOURNAL(db, "customer", &gone, "unmerge", f);
    }
    rc = crm__write_end(db, rc);
    crm__free(data);
    return rc;
}
