/*
 * libcrm - the agenda: what needs doing for an owner, a team or everyone,
 * in the order docs/agenda.md states. One statement reads and orders it
 * (CRM__Q_AGENDA); this file checks the options, binds them and makes
 * each row an item with its sentence.
 */
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/util.h"
#include "store/store.h"

#define DAY_MS 86400000LL
/* The longest sentence: a promise's, with an owner of CRM_ACTOR_MAX bytes. */
#define WHY_SIZE (CRM_ACTOR_MAX + 96)

struct crm_agenda_item {
    crm_agenda_kind_t kind;
    char customer_id[CRM_ID_LEN + 1], id[CRM_ID_LEN + 1];
    int64_t since, due_at, waited, score;
    /* Point just past the struct in an owned record, into the cursor's
     * texts (and its why) in a cursor's. */
    const char *customer_name, *customer_owner, *owner, *channel, *why;
};

/* ---- names -------------------------------------------------------------- */

static const char *const kind_names[] = { NULL, "promise_overdue", "promise_due",
                                          "contact_waiting", "occasion" };

const char *crm_agenda_kind_name(crm_agenda_kind_t kind)
{
    if (kind < CRM_AGENDA_PROMISE_OVERDUE || kind > CRM_AGENDA_OCCASION)
        return NULL;
    return kind_names[kind];
}

int crm_agenda_kind_parse(crm_agenda_kind_t *out, const char *name)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    int k = crm__word_index(kind_names, CRM_AGENDA_PROMISE_OVERDUE, CRM_AGENDA_OCCASION, name);
    if (k < 0)
        return crm__parse_error(__func__, "an agenda kind", name,
                                "promise_overdue, promise_due, contact_waiting or occasion");
    *out = (crm_agenda_kind_t)k;
    return CRM_OK;
}

/* ---- items -------------------------------------------------------------- */

crm_agenda_kind_t crm_agenda_item_kind(const crm_agenda_item *it) { return it ? it->kind : 0; }
const char *crm_agenda_item_customer_id(const crm_agenda_item *it)
{
    return it ? it->customer_id : NULL;
}
const char *crm_agenda_item_customer_name(const crm_agenda_item *it)
{
    return it ? it->customer_name : NULL;
}
const char *crm_agenda_item_customer_owner(const crm_agenda_item *it)
{
    return it ? it->customer_owner : NULL;
}
const char *crm_agenda_item_id(const crm_agenda_item *it) { return it ? it->id : NULL; }
const char *crm_agenda_item_owner(const crm_agenda_item *it) { return it ? it->owner : NULL; }
int64_t crm_agenda_item_since(const crm_agenda_item *it) { return it ? it->since : CRM_TIME_NONE; }
int64_t crm_agenda_item_due_at(const crm_agenda_item *it)
{
    return it ? it->due_at : CRM_TIME_NONE;
}
int64_t crm_agenda_item_waited(const crm_agenda_item *it) { return it ? it->waited : 0; }
int64_t crm_agenda_item_score(const crm_agenda_item *it) { return it ? it->score : 0; }
const char *crm_agenda_item_channel(const crm_agenda_item *it) { return it ? it->channel : NULL; }
const char *crm_agenda_item_why(const crm_agenda_item *it) { return it ? it->why : NULL; }

void crm_agenda_item_free(crm_agenda_item *it)
{
    crm__free(it);
}

/* Copy s (NULL stays NULL) to *p, moving *p past it. */
static const char *put_text(char **p, const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = memcpy(*p, s, n);
    *p += n;
    return d;
}

int crm_agenda_item_dup(crm_agenda_item **out, const crm_agenda_item *it)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!it)
        return crm__null_arg(__func__, "the agenda item");
    const char *texts[] = { it->customer_name, it->customer_owner, it->owner, it->channel,
                            it->why };
    size_t size = sizeof *it;
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        size += texts[i] ? strlen(texts[i]) + 1 : 0;
    crm_agenda_item *c = crm__malloc(size);
    if (!c)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the agenda item",
                                 __func__);
    *c = *it;
    char *p = (char *)(c + 1);
    c->customer_name = put_text(&p, it->customer_name);
    c->customer_owner = put_text(&p, it->customer_owner);
    c->owner = put_text(&p, it->owner);
    c->channel = put_text(&p, it->channel);
    c->why = put_text(&p, it->why);
    *out = c;
    return CRM_OK;
}

/* ---- the sentence ----------------------------------------------------------- */

/* "2026-12-05T10:00Z": a time to the minute. */
static const char *minute_text(char out[32], int64_t t)
{
    int64_t day = crm__day_of(t), ms = t - day * DAY_MS;
    int y, m, d;
    crm__civil_from_days(day, &y, &m, &d);
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02dZ", y, m, d, (int)(ms / CRM_AGENDA_HOUR_MS),
             (int)(ms / 60000 % 60));
    return out;
}

/* What the item is and since when, in words: docs/agenda.md lists them.
 * extra is the row's last column: how many contacts wait, or an
 * occasion's lead days; detail an occasion's kind. */
static void why_text(char *buf, const crm_agenda_item *it, int64_t extra, const char *detail)
{
    char t[32];
    switch (it->kind) {
    case CRM_AGENDA_PROMISE_OVERDUE:
        snprintf(buf, WHY_SIZE, "promise overdue since %s (owner %s)", minute_text(t, it->since),
                 it->owner);
        break;
    case CRM_AGENDA_PROMISE_DUE:
        snprintf(buf, WHY_SIZE, "promise due at %s (owner %s)", minute_text(t, it->since),
                 it->owner);
        break;
    case CRM_AGENDA_CONTACT_WAITING: {
        int n = snprintf(buf, WHY_SIZE, "inbound %s contact unanswered since %s", it->channel,
                         minute_text(t, it->since));
        if (extra > 1 && n > 0 && n < WHY_SIZE)
            snprintf(buf + n, (size_t)(WHY_SIZE - n), "; %lld contacts unanswered",
                     (long long)extra);
        break;
    }
    default: {
        int y, m, d;
        crm__civil_from_days(crm__day_of(it->since), &y, &m, &d);
        if (extra == 0)
            snprintf(buf, WHY_SIZE, "%s on %04d-%02d-%02d (surfaces on the day)", detail, y, m, d);
        else
            snprintf(buf, WHY_SIZE, "%s on %04d-%02d-%02d (surfaces %lld day%s before)", detail,
                     y, m, d, (long long)extra, extra == 1 ? "" : "s");
        break;
    }
    }
}

/* ---- the list ------------------------------------------------------------ */

struct crm_agenda_item_cursor {
    crm__cursor base;
    crm_agenda_item row;
    int64_t as_of;
    char why[WHY_SIZE];
};

/* Columns of CRM__Q_AGENDA (queries.h). */
enum { C_KIND, C_CUSTOMER, C_NAME, C_CUSTOMER_OWNER, C_ID, C_OWNER, C_SINCE, C_DUE, C_SCORE,
       C_CHANNEL, C_CHANNEL_NAME, C_DETAIL, C_EXTRA };

static int item_build(crm__cursor *c)
{
    crm_agenda_item_cursor *cur = (crm_agenda_item_cursor *)c;
    crm_agenda_item *it = &cur->row;
    crm__st *st = c->st;
    static const int cols[] = { C_NAME, C_CUSTOMER_OWNER, C_OWNER, C_CHANNEL_NAME, C_DETAIL };
    const char *t[5];
    int rc = crm__cursor_texts(c, cols, 5, t);
    if (rc)
        return rc;
    int64_t kind = crm__col_int(st, C_KIND);
    if (!crm__col_id(it->customer_id, st, C_CUSTOMER) || !crm__col_id(it->id, st, C_ID))
        return crm__corrupt_id(c->db, "reading the agenda");
    if (kind < CRM_AGENDA_PROMISE_OVERDUE || kind > CRM_AGENDA_OCCASION || !t[0])
        return crm__error(c->db, CRM_ECORRUPT, "reading the agenda: an item of no kind");
    it->kind = (crm_agenda_kind_t)kind;
    it->customer_name = t[0];
    it->customer_owner = t[1];
    it->owner = t[2];
    it->since = crm__col_time(st, C_SINCE);
    it->due_at = crm__col_time(st, C_DUE);
    it->score = crm__col_int(st, C_SCORE);
    it->waited = cur->as_of - it->since;
    it->channel = NULL;
    if (it->kind == CRM_AGENDA_CONTACT_WAITING)
        it->channel = t[3] ? t[3] : crm_channel_name((crm_channel_t)crm__col_int(st, C_CHANNEL));
    if (it->kind == CRM_AGENDA_CONTACT_WAITING ? !it->channel
        : it->kind == CRM_AGENDA_OCCASION      ? !t[4]
                                               : !it->owner)
        return crm__error(c->db, CRM_ECORRUPT, "reading the agenda: a %s item without its %s",
                          kind_names[it->kind],
                          it->kind == CRM_AGENDA_CONTACT_WAITING ? "channel"
                          : it->kind == CRM_AGENDA_OCCASION      ? "kind"
                                                                 : "owner");
    why_text(cur->why, it, crm__col_int(st, C_EXTRA), t[4]);
    it->why = cur->why;
    return CRM_OK;
}

#define ALL_KINDS                                                                     \
    (CRM_AGENDA_BIT(CRM_AGENDA_PROMISE_OVERDUE) | CRM_AGENDA_BIT(CRM_AGENDA_PROMISE_DUE) | \
     CRM_AGENDA_BIT(CRM_AGENDA_CONTACT_WAITING) | CRM_AGENDA_BIT(CRM_AGENDA_OCCASION))

static int check_head_start(crm_db *db, const char *field, int64_t v)
{
    if (v < -CRM_AGENDA_HEAD_START_MAX || v > CRM_AGENDA_HEAD_START_MAX)
        return crm__error(db, CRM_EINVAL,
                          "agenda %s %lld is out of range: a head start is ms, from -%lld to "
                          "%lld (3650 days)",
                          field, (long long)v, (long long)CRM_AGENDA_HEAD_START_MAX,
                          (long long)CRM_AGENDA_HEAD_START_MAX);
    return CRM_OK;
}

static int check_options(crm_db *db, const crm_agenda_options *o)
{
    if (o->version < 1 || o->version > CRM_AGENDA_OPTIONS_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_agenda_options.version is %u; this libcrm knows versions 1 to %d",
                          o->version, CRM_AGENDA_OPTIONS_VERSION);
    int rc = o->owner ? crm__check_actor(db, "agenda owner", o->owner) : CRM_OK;
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "agenda as_of", o->as_of);
    if (rc == CRM_OK && (o->horizon < 0 || o->horizon > CRM_AGENDA_HORIZON_MAX))
        rc = crm__error(db, CRM_EINVAL,
                        "agenda horizon %lld is out of range: it is ms, 1 to %lld (366 days), "
                        "or 0 for 24 hours",
                        (long long)o->horizon, (long long)CRM_AGENDA_HORIZON_MAX);
    if (rc == CRM_OK && (o->kinds & ~ALL_KINDS))
        rc = crm__error(db, CRM_EINVAL,
                        "agenda kinds 0x%x has bits 0x%x that are no agenda kind's "
                        "CRM_AGENDA_BIT()",
                        o->kinds, o->kinds & ~ALL_KINDS);
    if (rc == CRM_OK)
        rc = check_head_start(db, "head_start_overdue", o->head_start_overdue);
    if (rc == CRM_OK)
        rc = check_head_start(db, "head_start_due", o->head_start_due);
    if (rc == CRM_OK)
        rc = check_head_start(db, "head_start_contact", o->head_start_contact);
    if (rc == CRM_OK)
        rc = check_head_start(db, "head_start_occasion", o->head_start_occasion);
    return rc;
}

int crm_agenda_item_list_open(crm_agenda_item_cursor **out, crm_db *db,
                              const crm_agenda_options *opts)
{
    CRM__ENTER(db);
    crm_agenda_options defaults = CRM_AGENDA_OPTIONS_INIT;
    const crm_agenda_options *o = opts ? opts : &defaults;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = check_options(db, o);
    if (rc == CRM_OK && o->as_of == CRM_TIME_NONE)
        rc = crm__clock_read(db);
    if (rc)
        return rc;
    int64_t as_of = o->as_of == CRM_TIME_NONE ? crm__now(db) : o->as_of;
    int64_t horizon = o->horizon ? o->horizon : CRM_AGENDA_HORIZON_DEFAULT;
    unsigned int kinds = o->kinds ? o->kinds : ALL_KINDS;
    bool overdue = kinds & CRM_AGENDA_BIT(CRM_AGENDA_PROMISE_OVERDUE);
    bool due = kinds & CRM_AGENDA_BIT(CRM_AGENDA_PROMISE_DUE);

    unsigned int shape = 0;
    if (o->owner)
        shape |= CRM__SHAPE_AGENDA_OWNER;
    if (overdue || due)
        shape |= CRM__SHAPE_AGENDA_PROMISES;
    if (due && !overdue)
        shape |= CRM__SHAPE_AGENDA_DUE_FROM;
    if (kinds & CRM_AGENDA_BIT(CRM_AGENDA_CONTACT_WAITING))
        shape |= CRM__SHAPE_AGENDA_CONTACTS;
    if (kinds & CRM_AGENDA_BIT(CRM_AGENDA_OCCASION))
        shape |= CRM__SHAPE_AGENDA_OCCASIONS;
    if (o->limit)
        shape |= CRM__SHAPE_AGENDA_LIMIT;

    crm_agenda_item_cursor *cur;
    rc = crm__cursor_new_shaped((void **)&cur, sizeof *cur, db, CRM__Q_AGENDA, shape, item_build,
                                "reading the agenda");
    if (rc)
        return rc;
    cur->as_of = as_of;
    int64_t today = crm__day_of(as_of);
    int y, m, d;
    crm__civil_from_days(today, &y, &m, &d);
    crm__st *st = cur->base.st;
    if (o->owner)
        crm__bind_text(st, 1, o->owner);
    crm__bind_int(st, 2, as_of);
    /* Only the parameters of the branches the shape has. */
    if (shape & CRM__SHAPE_AGENDA_DUE_FROM)
        crm__bind_int(st, 3, as_of);
    if (shape & CRM__SHAPE_AGENDA_PROMISES) {
        crm__bind_int(st, 4, due ? as_of + horizon : as_of);
        crm__bind_int(st, 5, o->head_start_overdue);
        crm__bind_int(st, 6, o->head_start_due);
    }
    if (shape & CRM__SHAPE_AGENDA_CONTACTS)
        crm__bind_int(st, 7, o->head_start_contact);
    if (shape & CRM__SHAPE_AGENDA_OCCASIONS) {
        crm__bind_int(st, 8, o->head_start_occasion);
        crm__bind_int(st, 9, today * DAY_MS);
        crm__bind_int(st, 10, y);
        crm__bind_int(st, 11, m * 100 + d);
    }
    if (o->limit)
        crm__bind_int(st, 12, o->limit);
    return crm__cursor_bound((void **)out, cur, "reading the agenda");
}

int crm_agenda_item_cursor_next(crm_agenda_item_cursor *cur, const crm_agenda_item **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_agenda_item_cursor_free(crm_agenda_item_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}
