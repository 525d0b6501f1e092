/*
 * libcrm - occasions: dates that matter to a customer, and the occurrences
 * of every customer's occasions that surface in a window of time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/customer.h"
#include "internal/handle.h"
#include "internal/journal.h"
#include "internal/util.h"
#include "store/store.h"

#define DAY_MS 86400000LL
#define YEAR_MAX 9999
/* A window may span 10 years, leap days included. */
#define WINDOW_DAYS_MAX 3653
/* 9999-12-31 as days from 1970-01-01: no window reaches past the years a
 * date can have. */
#define LAST_DAY 2932896LL

struct crm_occasion {
    char id[CRM_ID_LEN + 1], customer_id[CRM_ID_LEN + 1];
    int yearly, year, month, day, lead_days;
    int next_year, next_month, next_day, years; /* set on rows of crm_occasion_upcoming_open() */
    int64_t next_at;
    /* Point just past the struct in an owned record, into the cursor's
     * texts in a list cursor's. */
    const char *kind, *note;
};

const char *crm_occasion_id(const crm_occasion *o) { return o ? o->id : NULL; }
const char *crm_occasion_customer_id(const crm_occasion *o) { return o ? o->customer_id : NULL; }
const char *crm_occasion_kind(const crm_occasion *o) { return o ? o->kind : NULL; }
int crm_occasion_is_yearly(const crm_occasion *o) { return o ? o->yearly : 0; }
int crm_occasion_year(const crm_occasion *o) { return o ? o->year : 0; }
int crm_occasion_month(const crm_occasion *o) { return o ? o->month : 0; }
int crm_occasion_day(const crm_occasion *o) { return o ? o->day : 0; }
int crm_occasion_lead_days(const crm_occasion *o) { return o ? o->lead_days : 0; }
const char *crm_occasion_note(const crm_occasion *o) { return o ? o->note : NULL; }
int crm_occasion_next_year(const crm_occasion *o) { return o ? o->next_year : 0; }
int crm_occasion_next_month(const crm_occasion *o) { return o ? o->next_month : 0; }
int crm_occasion_next_day(const crm_occasion *o) { return o ? o->next_day : 0; }
int64_t crm_occasion_next_at(const crm_occasion *o) { return o ? o->next_at : CRM_TIME_NONE; }
int crm_occasion_years(const crm_occasion *o) { return o ? o->years : 0; }

void crm_occasion_free(crm_occasion *o)
{
    crm__free(o);
}

/* A zeroed record with its own copies of kind and note, in one allocation. */
static crm_occasion *occasion_new(const char *kind, const char *note)
{
    size_t nk = strlen(kind) + 1, nn = note ? strlen(note) + 1 : 0;
    crm_occasion *o = crm__malloc(sizeof *o + nk + nn);
    if (!o)
        return NULL;
    memset(o, 0, sizeof *o);
    o->next_at = CRM_TIME_NONE;
    char *p = (char *)(o + 1);
    memcpy(p, kind, nk);
    o->kind = p;
    if (note) {
        memcpy(p + nk, note, nn);
        o->note = p + nk;
    }
    return o;
}

int crm_occasion_dup(crm_occasion **out, const crm_occasion *o)
{
    if (!out)
        return crm__null_arg(__func__, "out");
    if (!o)
        return crm__null_arg(__func__, "the occasion");
    crm_occasion *c = occasion_new(o->kind, o->note);
    if (!c)
        return crm__thread_error(CRM_ENOMEM, "%s: out of memory copying the occasion", __func__);
    const char *kind = c->kind, *note = c->note;
    *c = *o;
    c->kind = kind;
    c->note = note;
    *out = c;
    return CRM_OK;
}

/* ---- calendar ------------------------------------------------------------ */

static const char *const month_names[12] = { "January", "February", "March",     "April",
                                              "May",     "June",     "July",      "August",
                                              "September", "October", "November", "December" };

/* "2026-12-03", or "--12-03" for a yearly occasion without a year (ISO 8601's
 * form for a month and day). */
static void date_text(char *buf, size_t size, int yearly, int year, int month, int day)
{
    if (yearly && year == 0)
        snprintf(buf, size, "--%02d-%02d", month, day);
    else
        snprintf(buf, size, "%04d-%02d-%02d", year, month, day);
}

/* ---- adding and removing --------------------------------------------------- */

static int check_date(crm_db *db, const crm_occasion_spec *s)
{
    if (s->yearly != 0 && s->yearly != 1)
        return crm__error(db, CRM_EINVAL,
                          "occasion yearly is %d; use 1 (every year) or 0 (once)", s->yearly);
    if (s->yearly && (s->year < 0 || s->year > YEAR_MAX))
        return crm__error(db, CRM_EINVAL,
                          "occasion year %d is out of range: a yearly occasion takes 0 (no "
                          "year) or the year it began, 1..%d",
                          s->year, YEAR_MAX);
    if (!s->yearly && (s->year < 1 || s->year > YEAR_MAX))
        return crm__error(db, CRM_EINVAL,
                          "occasion year %d is out of range: a one-off occasion needs a year "
                          "1..%d",
                          s->year, YEAR_MAX);
    if (s->month < 1 || s->month > 12)
        return crm__error(db, CRM_EINVAL, "occasion month %d is not a month (1..12)", s->month);
    /* A yearly occasion without a year may be 29 February: it falls on 28
     * February in common years. */
    int len = s->month == 2 && s->yearly && s->year == 0 ? 29
                                                         : crm__month_length(s->year, s->month);
    if (s->day < 1 || s->day > len) {
        if (s->month == 2 && s->day == 29)
            return crm__error(db, CRM_EINVAL,
                              "occasion day 29 February %d does not exist: %d is not a leap year",
                              s->year, s->year);
        return crm__error(db, CRM_EINVAL, "occasion day %d is not a day of %s (1..%d)", s->day,
                          month_names[s->month - 1], len);
    }
    return CRM_OK;
}

static int check_spec(crm_db *db, const crm_occasion_spec *s, crm__uuid *cid)
{
    if (!s)
        return crm__error(db, CRM_EINVAL, "the occasion spec is NULL");
    if (s->version < 1 || s->version > CRM_OCCASION_SPEC_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_occasion_spec.version is %u; this libcrm knows versions 1 to %d",
                          s->version, CRM_OCCASION_SPEC_VERSION);
    int rc = crm__check_id(db, "customer id", s->customer_id, cid);
    if (rc == CRM_OK)
        rc = crm__check_kind_name(db, "occasion kind", s->kind);
    if (rc == CRM_OK)
        rc = check_date(db, s);
    if (rc == CRM_OK && (s->lead_days < 0 || s->lead_days > CRM_OCCASION_LEAD_MAX))
        rc = crm__error(db, CRM_EINVAL, "occasion lead_days %d is out of range (0..%d)",
                        s->lead_days, CRM_OCCASION_LEAD_MAX);
    if (rc == CRM_OK && s->note)
        rc = crm__check_text(db, "occasion note", s->note, 1, CRM_OCCASION_NOTE_MAX,
                             CRM__TEXT_NO_CONTROL);
    return rc;
}

int crm_occasion_add(crm_occasion **out, crm_db *db, const crm_occasion_spec *spec)
{
    CRM__ENTER(db);
    crm__uuid cid, id;
    int rc = check_spec(db, spec, &cid);
    if (rc)
        return rc;
    crm_occasion *rec = out ? occasion_new(spec->kind, spec->note) : NULL;
    if (out && !rec)
        return crm__error(db, CRM_ENOMEM, "out of memory adding an occasion");
    char date[32];
    date_text(date, sizeof date, spec->yearly, spec->year, spec->month, spec->day);
    rc = crm__write_begin(db);
    if (rc == CRM_OK) {
        int64_t now;
        CRM__ST(st);
        /* That the customer exists is the insert's foreign key to check. */
        rc = crm__st_get(db, CRM__Q_OCCASION_INSERT, &st);
        if (rc == CRM_OK) {
            crm__new_id(db, &id, &now);
            crm__bind_id(st, 1, &id);
            crm__bind_id(st, 2, &cid);
            crm__bind_text(st, 3, spec->kind);
            crm__bind_int(st, 4, spec->yearly);
            crm__bind_int(st, 5, spec->year);
            crm__bind_int(st, 6, spec->month);
            crm__bind_int(st, 7, spec->day);
            crm__bind_int(st, 8, spec->month * 100 + spec->day);
            crm__bind_int(st, 9, spec->lead_days);
            crm__bind_text(st, 10, spec->note);
            crm__bind_time(st, 11, now);
            rc = crm__customer_insert_owned(db, st, &cid, "adding an occasion");
        }
        if (rc == CRM_OK) {
            char oid[CRM_ID_LEN + 1];
            crm__uuid_format(oid, id.b);
            crm__jfield f[] = { CRM__JTEXT("occasion_id", oid), CRM__JTEXT("kind", spec->kind),
                                CRM__JINT("yearly", spec->yearly), CRM__JTEXT("date", date),
                                CRM__JINT("lead_days", spec->lead_days),
                                CRM__JOPT("note", spec->note) };
            rc = CRM__JOURNAL(db, "occasion", &cid, "add", f);
        }
        rc = crm__write_end(db, rc);
    }
    if (rc) {
        crm__free(rec);
        return rc;
    }
    if (rec) {
        crm__uuid_format(rec->id, id.b);
        crm__uuid_format(rec->customer_id, cid.b);
        rec->yearly = spec->yearly;
        rec->year = spec->year;
        rec->month = spec->month;
        rec->day = spec->day;
        rec->lead_days = spec->lead_days;
        *out = rec;
    }
    return CRM_OK;
}

int crm_occasion_remove(crm_db *db, const char *id)
{
    CRM__ENTER(db);
    crm__uuid oid, cid;
    int rc = crm__check_id(db, "occasion id", id, &oid);
    if (rc)
        return rc;
    rc = crm__write_begin(db);
    if (rc)
        return rc;
    /* Kind names are at most 32 bytes: copied here, nothing to allocate. */
    char kind[64], canon[CRM_ID_LEN + 1];
    int yearly = 0;
    crm__uuid_format(canon, oid.b);
    CRM__ST(st);
    rc = crm__st_get(db, CRM__Q_OCCASION_FIND, &st);
    if (rc == CRM_OK) {
        crm__bind_id(st, 1, &oid);
        rc = crm__st_step(st, "reading an occasion");
        if (rc == CRM_ROW) {
            bool has_cid = crm__col_uuid(&cid, st, 0);
            const char *k = crm__col_text(st, 1);
            rc = CRM_OK;
            if (!has_cid) {
                rc = crm__corrupt_id(db, "reading an occasion");
            } else if (!k) {
                rc = crm__error(db, CRM_ENOMEM, "out of memory reading an occasion");
            } else {
                snprintf(kind, sizeof kind, "%s", k);
                yearly = (int)crm__col_int(st, 2);
            }
        } else if (rc == CRM_DONE) {
            rc = crm__error(db, CRM_ENOTFOUND, "no occasion has id %s", canon);
        }
    }
    crm__st_release(&st);
    if (rc == CRM_OK)
        rc = crm__st_get(db, CRM__Q_OCCASION_DELETE, &st);
    if (rc == CRM_OK) {
        crm__bind_id(st, 1, &oid);
        rc = crm__st_run(st, "removing an occasion");
    }
    if (rc == CRM_OK) {
        /* A birthday's date is the customer's: the entry keeps what kind of
         * occasion went, and neither its date nor its note. */
        crm__jfield f[] = { CRM__JTEXT("occasion_id", canon), CRM__JTEXT("kind", kind),
                            CRM__JINT("yearly", yearly) };
        rc = CRM__JOURNAL(db, "occasion", &cid, "remove", f);
    }
    return crm__write_end(db, rc);
}

/* ---- reading ---------------------------------------------------------------- */

/* Fill o from a row of the columns of CRM__Q_OCCASION_GET; kind and note
 * are left to the caller. */
static void read_fields(crm_occasion *o, crm__st *st)
{
    crm__col_id(o->id, st, 0);
    crm__col_id(o->customer_id, st, 1);
    o->yearly = (int)crm__col_int(st, 3);
    o->year = (int)crm__col_int(st, 4);
    o->month = (int)crm__col_int(st, 5);
    o->day = (int)crm__col_int(st, 6);
    o->lead_days = (int)crm__col_int(st, 7);
    o->next_at = CRM_TIME_NONE; /* only an upcoming row has one */
}

/* The row's kind and note, borrowed from the statement; false when the
 * engine could not allocate them. */
static bool row_text(crm__st *st, const char **kind, const char **note)
{
    *kind = crm__col_text(st, 2);
    *note = NULL;
    if (!crm__col_null(st, 8)) {
        *note = crm__col_text(st, 8);
        if (!*note)
            return false;
    }
    return *kind != NULL;
}

/* An owned record of the statement's row. */
static crm_occasion *record_from_row(crm__st *st)
{
    const char *kind, *note;
    if (!row_text(st, &kind, &note))
        return NULL;
    crm_occasion *o = occasion_new(kind, note);
    if (o)
        read_fields(o, st);
    return o;
}

int crm_occasion_get(crm_occasion **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    CRM__ST(st);
    int rc = crm__fetch_by_id(db, out, CRM__Q_OCCASION_GET, "occasion", id, &st);
    if (rc != CRM_ROW)
        return rc;
    crm_occasion *o = record_from_row(st);
    crm__st_release(&st);
    if (!o)
        return crm__error(db, CRM_ENOMEM, "out of memory reading an occasion");
    *out = o;
    return CRM_OK;
}

/* ---- cursors ---------------------------------------------------------------- */

/* One occurrence of an occasion: the record (owned by the cursor) and the
 * day it falls on. */
typedef struct occurrence {
    crm_occasion *o;
    int64_t day;
} occurrence;

/* A customer's list walks a statement. The upcoming occurrences are read a
 * month of dates at a time (see upcoming_fill), so the cursor holds one
 * month's occasions, never the whole window's, and has no statement open
 * between calls. */
struct crm_occasion_cursor {
    crm__cursor base;
    bool upcoming;
    crm_occasion row;
    /* upcoming: the month being given, sorted, and where in it */
    occurrence *occ;
    size_t nocc, capocc, pos;
    int64_t first, last; /* the window's first day and the last day to surface on */
    int64_t next_day;    /* the first date not read yet */
    int64_t end_day;     /* the last date an occurrence may have */
    crm__uuid ceiling;   /* the ids listed are up to it: every occasion there at the opening;
                            none added through this handle after it, unless another
                            handle's clock made ids above this handle's (then such an
                            occasion may be listed, never twice) */
};

static int occasion_build(crm__cursor *c)
{
    crm_occasion_cursor *cur = (crm_occasion_cursor *)c;
    crm_occasion *o = &cur->row;
    static const int cols[] = { 2, 8 }; /* kind, note */
    const char *t[2];
    int rc = crm__cursor_texts(c, cols, 2, t);
    if (rc)
        return rc;
    if (!t[0])
        return crm__error(c->db, CRM_ECORRUPT, "an occasion without a kind");
    o->kind = t[0];
    o->note = t[1];
    read_fields(o, c->st);
    return CRM_OK;
}

int crm_occasion_list_open(crm_occasion_cursor **out, crm_db *db, const char *customer_id)
{
    CRM__ENTER(db);
    return crm__customer_cursor((void **)out, sizeof **out, db, customer_id, CRM__Q_OCCASION_LIST,
                                CRM__Q_OCCASION_LIST, occasion_build, "listing occasions");
}

static void chunk_clear(crm_occasion_cursor *cur)
{
    for (size_t i = 0; i < cur->nocc; i++)
        crm__free(cur->occ[i].o);
    cur->nocc = cur->pos = 0;
}

static int occurrence_cmp(const void *a, const void *b)
{
    const occurrence *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    int c = strcmp(x->o->customer_id, y->o->customer_id);
    return c ? c : strcmp(x->o->id, y->o->id);
}

/* Read the occurrences dated from next_day to the end of its month (or
 * end_day): the occasions whose month and day fall there, through the
 * occasion_by_day index; each has at most one date in a month. */
static int upcoming_fill(crm_db *db, crm_occasion_cursor *cur)
{
    chunk_clear(cur);
    int y, m, d;
    crm__civil_from_days(cur->next_day, &y, &m, &d);
    int64_t month_end = cur->next_day + (crm__month_length(y, m) - d);
    int64_t to = month_end < cur->end_day ? month_end : cur->end_day;
    int hi_day = d + (int)(to - cur->next_day);
    /* A yearly 29 February falls on 28 February in common years. */
    if (m == 2 && hi_day == 28)
        hi_day = 29;
    CRM__ST(st);
    int rc = crm__st_get(db, CRM__Q_OCCASION_MONTH, &st);
    if (rc)
        return rc;
    crm__bind_int(st, 1, m * 100 + d);
    crm__bind_int(st, 2, m * 100 + hi_day);
    crm__bind_id(st, 3, &cur->ceiling);
    while ((rc = crm__st_step(st, "reading upcoming occasions")) == CRM_ROW) {
        int yearly = (int)crm__col_int(st, 3), year = (int)crm__col_int(st, 4);
        int day = (int)crm__col_int(st, 6), lead = (int)crm__col_int(st, 7);
        if (yearly ? year > y : year != y)
            continue; /* before a yearly one began; a one-off of another year */
        if (yearly && m == 2 && day == 29 && !crm__is_leap(y))
            day = 28;
        int64_t at = crm__days_from_civil(y, m, day);
        if (at < cur->next_day || at > to || at < cur->first || at - lead > cur->last)
            continue;
        if (cur->nocc == cur->capocc) {
            size_t cap = cur->capocc ? cur->capocc * 2 : 16;
            occurrence *occ = crm__realloc(cur->occ, cap * sizeof *occ);
            if (!occ) {
                rc = crm__error(db, CRM_ENOMEM, "out of memory reading upcoming occasions");
                break;
            }
            cur->occ = occ;
            cur->capocc = cap;
        }
        crm_occasion *o = record_from_row(st);
        if (!o) {
            rc = crm__error(db, CRM_ENOMEM, "out of memory reading upcoming occasions");
            break;
        }
        cur->occ[cur->nocc++] = (occurrence){ o, at };
    }
    crm__st_release(&st);
    if (rc != CRM_DONE)
        return rc;
    cur->next_day = to + 1;
    if (cur->nocc > 1)
        qsort(cur->occ, cur->nocc, sizeof *cur->occ, occurrence_cmp);
    return CRM_OK;
}

static int upcoming_next(crm_occasion_cursor *cur, const crm_occasion **out, const char *func)
{
    int rc = crm__cursor_resume(&cur->base, out, func);
    if (rc)
        return rc;
    while (cur->pos >= cur->nocc) {
        rc = cur->next_day > cur->end_day ? CRM_DONE : upcoming_fill(cur->base.db, cur);
        if (rc) {
            chunk_clear(cur);
            return crm__cursor_stop(&cur->base, rc);
        }
    }
    const occurrence *r = &cur->occ[cur->pos++];
    crm_occasion *o = &cur->row;
    *o = *r->o;
    crm__civil_from_days(r->day, &o->next_year, &o->next_month, &o->next_day);
    o->next_at = r->day * DAY_MS;
    o->years = o->yearly && o->year ? o->next_year - o->year : 0;
    *out = o;
    return CRM_ROW;
}

int crm_occasion_cursor_next(crm_occasion_cursor *cur, const crm_occasion **out)
{
    CRM__ENTER_CURSOR(cur);
    if (cur->upcoming)
        return upcoming_next(cur, out, __func__);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_occasion_cursor_free(crm_occasion_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    if (cur->upcoming) {
        chunk_clear(cur);
        crm__free(cur->occ);
    }
    crm__cursor_free(cur);
}

/* ---- upcoming ----------------------------------------------------------------- */

/* The window's first day: the date given, or with 0, 0, 0 the date the
 * clock's time (read already) has in UTC. */
static int window_start(crm_db *db, int year, int month, int day, int64_t *first)
{
    if (year == 0 && month == 0 && day == 0) {
        *first = crm__day_of(crm__now(db));
        return CRM_OK;
    }
    if (year < 1 || year > YEAR_MAX)
        return crm__error(db, CRM_EINVAL,
                          "upcoming year %d is out of range (1..%d); pass 0, 0, 0 for today", year,
                          YEAR_MAX);
    if (month < 1 || month > 12)
        return crm__error(db, CRM_EINVAL, "upcoming month %d is not a month (1..12)", month);
    int len = crm__month_length(year, month);
    if (day < 1 || day > len)
        return crm__error(db, CRM_EINVAL,
                          "upcoming date %04d-%02d-%02d does not exist: %s %d has %d days", year,
                          month, day, month_names[month - 1], year, len);
    *first = crm__days_from_civil(year, month, day);
    return CRM_OK;
}

int crm_occasion_upcoming_open(crm_occasion_cursor **out, crm_db *db, int year, int month,
                               int day, int days)
{
    CRM__ENTER(db);
    int64_t first = 0;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK && (days < 1 || days > WINDOW_DAYS_MAX))
        rc = crm__error(db, CRM_EINVAL, "upcoming days %d is out of range: a window is 1 to %d "
                        "days (10 years)", days, WINDOW_DAYS_MAX);
    /* Today, when the window starts today; and the time the ceiling
     * carries: occasions added through this handle from now on have ids
     * above it. */
    if (rc == CRM_OK)
        rc = crm__clock_read(db);
    if (rc == CRM_OK)
        rc = window_start(db, year, month, day, &first);
    if (rc)
        return rc;
    /* Dates end with the year 9999. */
    int64_t last = first + days - 1;
    if (last > LAST_DAY) {
        int y, m, d;
        crm__civil_from_days(first, &y, &m, &d);
        return crm__error(db, CRM_EINVAL,
                          "a window of %d days from %04d-%02d-%02d reaches past the year %d", days,
                          y, m, d, YEAR_MAX);
    }
    CRM__ST(st);
    rc = crm__st_get(db, CRM__Q_OCCASION_MAX_LEAD, &st);
    if (rc)
        return rc;
    rc = crm__st_step(st, "reading upcoming occasions");
    int64_t lead = rc == CRM_ROW ? crm__col_int(st, 0) : 0;
    /* The ceiling: an id of this handle's, above every id it made before,
     * raised to the largest id in the table. Another handle (another
     * process, or this file opened again) makes ids by its own clock, in
     * the same millisecond with random low bits or on a clock behind this
     * one's: the handle's id alone would leave those occasions out. */
    crm__uuid top;
    bool have_top = rc == CRM_ROW && crm__col_uuid(&top, st, 1);
    crm__st_release(&st);
    if (rc != CRM_ROW)
        return rc == CRM_DONE ? crm__error(db, CRM_ERROR, "reading occasions: no result") : rc;
    crm_occasion_cursor *cur = crm__calloc(1, sizeof *cur);
    if (!cur)
        return crm__error(db, CRM_ENOMEM, "out of memory reading upcoming occasions");
    cur->upcoming = true;
    /* The window's first day, and the last day an occurrence may surface
     * on. Dates stop at 9999-12-31, whatever the leads. */
    cur->first = cur->next_day = first;
    cur->last = last;
    cur->end_day = last + lead < LAST_DAY ? last + lead : LAST_DAY;
    int64_t ms;
    crm__new_id(db, &cur->ceiling, &ms);
    if (have_top && memcmp(top.b, cur->ceiling.b, sizeof top.b) > 0)
        cur->ceiling = top;
    crm__cursor_attach(&cur->base, db);
    *out = cur;
    return CRM_OK;
}
