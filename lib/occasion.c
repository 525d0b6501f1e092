/*
 * libcrm - occasions: dates that matter to a customer, and the occurrences
 * of every customer's occasions that surface in a window of time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DAY_MS 86400000LL
#define YEAR_MAX 9999
/* A window may span 10 years, leap days included. */
#define WINDOW_DAYS_MAX 3653
/* 10000-01-01T00:00:00Z: no window reaches past the years a date can have,
 * so every day and time computed from one stays far from overflowing. */
#define TIME_END 253402300800000LL

struct crm_occasion {
    char id[CRM_ID_LEN + 1], customer_id[CRM_ID_LEN + 1];
    int yearly, year, month, day, lead_days;
    int next_year, next_month, next_day, years; /* set on rows of crm_occasions_upcoming() */
    int64_t next_at;
    /* Point just past the struct in an owned record, into the statement's
     * row in a list cursor's. */
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
int64_t crm_occasion_next_at(const crm_occasion *o) { return o ? o->next_at : 0; }
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
    if (!out || !o)
        return CRM_EINVAL;
    crm_occasion *c = occasion_new(o->kind, o->note);
    if (!c)
        return CRM_ENOMEM;
    const char *kind = c->kind, *note = c->note;
    *c = *o;
    c->kind = kind;
    c->note = note;
    *out = c;
    return CRM_OK;
}

/* ---- calendar ------------------------------------------------------------ */

/* Proleptic Gregorian calendar, days counted from 1970-01-01, after Howard
 * Hinnant's days_from_civil / civil_from_days: plain integer arithmetic, so
 * no time zone or C library date function can shift a date. */
static bool is_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int month_length(int64_t y, int m)
{
    static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                /* [0, 399] */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

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
    int len = s->month == 2 && s->yearly && s->year == 0 ? 29 : month_length(s->year, s->month);
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

static const char SQL_INSERT[] =
    "INSERT INTO occasion (id, customer_id, kind, yearly, year, month, day, md, lead_days, note, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

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
        sqlite3_stmt *st;
        /* That the customer exists is the insert's foreign key to check. */
        rc = crm__stmt(db, SQL_INSERT, &st);
        if (rc == CRM_OK) {
            crm__new_id(db, &id, &now);
            crm__bind_id(st, 1, &id);
            crm__bind_id(st, 2, &cid);
            crm__bind_text(st, 3, spec->kind);
            sqlite3_bind_int(st, 4, spec->yearly);
            sqlite3_bind_int(st, 5, spec->year);
            sqlite3_bind_int(st, 6, spec->month);
            sqlite3_bind_int(st, 7, spec->day);
            sqlite3_bind_int(st, 8, spec->month * 100 + spec->day);
            sqlite3_bind_int(st, 9, spec->lead_days);
            crm__bind_text(st, 10, spec->note);
            sqlite3_bind_int64(st, 11, now);
            rc = crm__insert_owned(db, st, &cid, "adding an occasion");
        }
        if (rc == CRM_OK) {
            char oid[CRM_ID_LEN + 1];
            crm__uuid_format(oid, id.b);
            crm__jfield f[] = { CRM__JTEXT("occasion_id", oid), CRM__JTEXT("kind", spec->kind),
                                CRM__JINT("yearly", spec->yearly), CRM__JTEXT("date", date),
                                CRM__JINT("lead_days", spec->lead_days),
                                CRM__JTEXT("note", spec->note) };
            rc = crm__journal(db, "occasion", &cid, "add", f, spec->note ? 6 : 5);
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

static const char SQL_FIND[] =
    "SELECT customer_id, kind, yearly, year, month, day FROM occasion WHERE id = ?1";
static const char SQL_DELETE[] = "DELETE FROM occasion WHERE id = ?1";

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
    char kind[64], date[32], canon[CRM_ID_LEN + 1];
    int yearly = 0;
    crm__uuid_format(canon, oid.b);
    sqlite3_stmt *st;
    rc = crm__stmt(db, SQL_FIND, &st);
    if (rc == CRM_OK) {
        crm__bind_id(st, 1, &oid);
        rc = crm__step(db, st, "reading an occasion");
        if (rc == CRM_ROW) {
            const unsigned char *b = sqlite3_column_blob(st, 0);
            const char *k = (const char *)sqlite3_column_text(st, 1);
            rc = CRM_OK;
            if (!b || sqlite3_column_bytes(st, 0) != 16 || !k) {
                rc = crm__error(db, CRM_ENOMEM, "out of memory reading an occasion");
            } else {
                memcpy(cid.b, b, 16);
                snprintf(kind, sizeof kind, "%s", k);
                yearly = sqlite3_column_int(st, 2);
                date_text(date, sizeof date, yearly, sqlite3_column_int(st, 3),
                          sqlite3_column_int(st, 4), sqlite3_column_int(st, 5));
            }
        } else if (rc == CRM_DONE) {
            rc = crm__error(db, CRM_ENOTFOUND, "no occasion has id %s", canon);
        }
        sqlite3_reset(st);
    }
    if (rc == CRM_OK)
        rc = crm__stmt(db, SQL_DELETE, &st);
    if (rc == CRM_OK) {
        crm__bind_id(st, 1, &oid);
        rc = crm__exec(db, st, "removing an occasion");
    }
    if (rc == CRM_OK) {
        crm__jfield f[] = { CRM__JTEXT("occasion_id", canon), CRM__JTEXT("kind", kind),
                            CRM__JINT("yearly", yearly), CRM__JTEXT("date", date) };
        rc = crm__journal(db, "occasion", &cid, "remove", f, 4);
    }
    return crm__write_end(db, rc);
}

/* ---- reading ---------------------------------------------------------------- */

#define OCCASION_COLUMNS "id, customer_id, kind, yearly, year, month, day, lead_days, note"

/* Fill o from a row of OCCASION_COLUMNS; kind and note are left to the
 * caller. */
static void read_fields(crm_occasion *o, sqlite3_stmt *st)
{
    crm__column_id(o->id, st, 0);
    crm__column_id(o->customer_id, st, 1);
    o->yearly = sqlite3_column_int(st, 3);
    o->year = sqlite3_column_int(st, 4);
    o->month = sqlite3_column_int(st, 5);
    o->day = sqlite3_column_int(st, 6);
    o->lead_days = sqlite3_column_int(st, 7);
}

/* The row's kind and note, borrowed from the statement; false when SQLite
 * could not allocate them. */
static bool row_text(sqlite3_stmt *st, const char **kind, const char **note)
{
    *kind = (const char *)sqlite3_column_text(st, 2);
    *note = NULL;
    if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
        *note = (const char *)sqlite3_column_text(st, 8);
        if (!*note)
            return false;
    }
    return *kind != NULL;
}

/* An owned record of the statement's row. */
static crm_occasion *record_from_row(sqlite3_stmt *st)
{
    const char *kind, *note;
    if (!row_text(st, &kind, &note))
        return NULL;
    crm_occasion *o = occasion_new(kind, note);
    if (o)
        read_fields(o, st);
    return o;
}

static const char SQL_GET[] = "SELECT " OCCASION_COLUMNS " FROM occasion WHERE id = ?1";

int crm_occasion_get(crm_occasion **out, crm_db *db, const char *id)
{
    CRM__ENTER(db);
    sqlite3_stmt *st;
    int rc = crm__fetch_by_id(db, out, SQL_GET, "occasion", id, &st);
    if (rc != CRM_ROW)
        return rc;
    crm_occasion *o = record_from_row(st);
    sqlite3_reset(st);
    if (!o)
        return crm__error(db, CRM_ENOMEM, "out of memory reading an occasion");
    *out = o;
    return CRM_OK;
}

/* ---- cursors ---------------------------------------------------------------- */

/* One occurrence of an occasion: the record (owned by the cursor) and the
 * day it falls on. */
typedef struct occurrence {
    const crm_occasion *o;
    int64_t day;
} occurrence;

/* A customer's list walks a statement. The upcoming occurrences are read
 * and sorted when the cursor opens, so its base has no statement and the
 * cursor keeps the handle's count of open cursors itself. */
struct crm_occasion_cursor {
    crm__cursor base;
    bool upcoming;
    crm_occasion row;
    crm_occasion **recs; /* upcoming: every record an occurrence points at */
    size_t nrecs, caprecs;
    occurrence *occ;
    size_t nocc, capocc, pos;
};

static const char SQL_LIST[] =
    "SELECT " OCCASION_COLUMNS " FROM occasion WHERE customer_id = ?1 ORDER BY md, id";

int crm_occasion_list_open(crm_occasion_cursor **out, crm_db *db, const char *customer_id)
{
    CRM__ENTER(db);
    return crm__customer_cursor((void **)out, sizeof **out, db, customer_id, SQL_LIST, SQL_LIST,
                                "listing occasions");
}

/* Free an upcoming cursor and every record it holds. */
static void upcoming_free(crm_occasion_cursor *cur)
{
    for (size_t i = 0; i < cur->nrecs; i++)
        crm__free(cur->recs[i]);
    crm__free(cur->recs);
    crm__free(cur->occ);
    crm__free(cur);
}

static int upcoming_next(crm_occasion_cursor *cur, const crm_occasion **out, const char *func)
{
    if (!out)
        return crm__error(cur->base.db, CRM_EINVAL, "%s: the output argument is NULL", func);
    crm__clear_error(cur->base.db);
    if (cur->pos >= cur->nocc)
        return CRM_DONE;
    const occurrence *r = &cur->occ[cur->pos++];
    crm_occasion *o = &cur->row;
    *o = *r->o;
    civil_from_days(r->day, &o->next_year, &o->next_month, &o->next_day);
    o->next_at = r->day * DAY_MS;
    o->years = o->yearly && o->year ? o->next_year - o->year : 0;
    *out = o;
    return CRM_ROW;
}

int crm_occasion_list_next(crm_occasion_cursor *cur, const crm_occasion **out)
{
    CRM__ENTER_CURSOR(cur);
    if (cur && cur->upcoming)
        return upcoming_next(cur, out, __func__);
    int rc = crm__cursor_next((crm__cursor *)cur, out, __func__, "listing occasions");
    if (rc != CRM_ROW)
        return rc;
    crm_occasion *o = &cur->row;
    if (!row_text(cur->base.st, &o->kind, &o->note))
        return crm__error(cur->base.db, CRM_ENOMEM, "out of memory listing occasions");
    read_fields(o, cur->base.st);
    *out = o;
    return CRM_ROW;
}

void crm_occasion_list_free(crm_occasion_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    if (cur->upcoming) {
        cur->base.db->cursors--;
        upcoming_free(cur);
        return;
    }
    crm__cursor_free(cur);
}

/* ---- upcoming ----------------------------------------------------------------- */

/* Both reads of a window see one snapshot, so an occasion added between
 * them cannot be missed for a lead the first read did not know of. A
 * savepoint works inside and outside crm_begin(), and on read-only
 * handles. */
static const char SQL_READ_BEGIN[] = "SAVEPOINT crm_occasion_read";
static const char SQL_READ_END[] = "RELEASE crm_occasion_read";
static const char SQL_MAX_LEAD[] = "SELECT coalesce(max(lead_days), 0) FROM occasion";
static const char SQL_RANGE[] =
    "SELECT " OCCASION_COLUMNS " FROM occasion WHERE md BETWEEN ?1 AND ?2";

/* Room for one more element in *arr (of *cap, *n used). */
static bool grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = crm__realloc(*arr, c * size);
    if (!p)
        return false;
    *arr = p;
    *cap = c;
    return true;
}

/* Add o's occurrences on days d with first <= d and d - lead <= last; the
 * cursor takes o when there is one, else it is freed. */
static bool add_occurrences(crm_occasion_cursor *cur, crm_occasion *o, int64_t first,
                            int64_t last)
{
    size_t before = cur->nocc;
    if (!grow((void **)&cur->recs, &cur->caprecs, cur->nrecs, sizeof *cur->recs)) {
        crm__free(o);
        return false;
    }
    cur->recs[cur->nrecs++] = o;
    int y0, y1, m, d;
    civil_from_days(first, &y0, &m, &d);
    civil_from_days(last + o->lead_days, &y1, &m, &d);
    if (!o->yearly) {
        y0 = y1 = o->year;
    } else if (o->year > y0) {
        y0 = o->year; /* nothing to mark before the year it began */
    }
    for (int y = y0; y <= y1; y++) {
        int day = o->month == 2 && o->day == 29 && !is_leap(y) ? 28 : o->day;
        int64_t at = days_from_civil(y, o->month, day);
        if (at < first || at - o->lead_days > last)
            continue;
        if (!grow((void **)&cur->occ, &cur->capocc, cur->nocc, sizeof *cur->occ))
            return false;
        cur->occ[cur->nocc++] = (occurrence){ o, at };
    }
    if (cur->nocc == before)
        crm__free(cur->recs[--cur->nrecs]);
    return true;
}

/* Read the occasions whose md lies in [lo, hi] and add their occurrences. */
static int read_range(crm_db *db, crm_occasion_cursor *cur, int lo, int hi, int64_t first,
                      int64_t last)
{
    sqlite3_stmt *st;
    int rc = crm__stmt(db, SQL_RANGE, &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, lo);
    sqlite3_bind_int(st, 2, hi);
    while ((rc = crm__step(db, st, "reading occasions")) == CRM_ROW) {
        crm_occasion *o = record_from_row(st);
        if (!o || !add_occurrences(cur, o, first, last)) {
            rc = crm__error(db, CRM_ENOMEM, "out of memory reading upcoming occasions");
            break;
        }
    }
    sqlite3_reset(st);
    return rc == CRM_DONE ? CRM_OK : rc;
}

static int read_window(crm_db *db, crm_occasion_cursor *cur, int64_t first, int64_t last)
{
    sqlite3_stmt *st;
    int rc = crm__stmt(db, SQL_MAX_LEAD, &st);
    if (rc)
        return rc;
    rc = crm__step(db, st, "reading occasions");
    int64_t lead = rc == CRM_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != CRM_ROW)
        return rc == CRM_DONE ? crm__error(db, CRM_ERROR, "reading occasions: no result") : rc;
    /* The days an occurrence can fall on, as month-day ranges of the
     * occasion_by_day index: one, two over New Year, or all of them. A
     * yearly 29 February falls on 28 February in common years, so a range
     * ending on 28 February takes 29 February too. */
    int64_t end = last + lead;
    int y0, m0, d0, y1, m1, d1;
    civil_from_days(first, &y0, &m0, &d0);
    civil_from_days(end, &y1, &m1, &d1);
    int lo = m0 * 100 + d0, hi = m1 * 100 + d1;
    if (hi == 228)
        hi = 229;
    if (end - first >= 365)
        return read_range(db, cur, 101, 1231, first, last);
    if (y0 == y1)
        return read_range(db, cur, lo, hi, first, last);
    rc = read_range(db, cur, lo, 1231, first, last);
    return rc ? rc : read_range(db, cur, 101, hi, first, last);
}

static int occurrence_cmp(const void *a, const void *b)
{
    const occurrence *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    int c = strcmp(x->o->customer_id, y->o->customer_id);
    return c ? c : strcmp(x->o->id, y->o->id);
}

int crm_occasions_upcoming(crm_occasion_cursor **out, crm_db *db, int64_t from, int64_t to)
{
    CRM__ENTER(db);
    int rc = crm__check_out(db, out);
    if (rc)
        return rc;
    if (from < 0 || to < 0)
        return crm__error(db, CRM_EINVAL,
                          "the window [%lld, %lld) has a negative time; times are ms since "
                          "1970-01-01 UTC",
                          (long long)from, (long long)to);
    if (to <= from)
        return crm__error(db, CRM_EINVAL,
                          "the window [%lld, %lld) is empty: to must be after from",
                          (long long)from, (long long)to);
    if (to > TIME_END)
        return crm__error(db, CRM_EINVAL,
                          "the window [%lld, %lld) reaches past the year %d", (long long)from,
                          (long long)to, YEAR_MAX);
    if (to - from > WINDOW_DAYS_MAX * DAY_MS)
        return crm__error(db, CRM_EINVAL,
                          "the window [%lld, %lld) is longer than 10 years (%d days)",
                          (long long)from, (long long)to, WINDOW_DAYS_MAX);
    /* The first day of the window, and the last day an occurrence may
     * surface on: the one holding the window's last millisecond. */
    int64_t first = from / DAY_MS, last = (to - 1) / DAY_MS;

    crm_occasion_cursor *cur = crm__calloc(1, sizeof *cur);
    if (!cur)
        return crm__error(db, CRM_ENOMEM, "out of memory reading upcoming occasions");
    cur->base.db = db;
    cur->upcoming = true;
    /* Both statements are taken before the read begins, so that ending it
     * needs no allocation that could fail. */
    sqlite3_stmt *begin, *end;
    rc = crm__stmt(db, SQL_READ_BEGIN, &begin);
    if (rc == CRM_OK)
        rc = crm__stmt(db, SQL_READ_END, &end);
    if (rc == CRM_OK)
        rc = crm__exec(db, begin, "reading occasions");
    if (rc == CRM_OK) {
        rc = read_window(db, cur, first, last);
        int erc = crm__exec(db, end, "reading occasions");
        if (rc == CRM_OK)
            rc = erc;
    }
    if (rc) {
        upcoming_free(cur);
        return rc;
    }
    if (cur->nocc > 1)
        qsort(cur->occ, cur->nocc, sizeof *cur->occ, occurrence_cmp);
    db->cursors++;
    *out = cur;
    return CRM_OK;
}
