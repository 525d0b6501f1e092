/*
 * libcrm - reports: each one statement of the storage layer over a window
 * of interactions or promises, streamed by a cursor whose rows are typed
 * columns. The shares and rates are divided here from the counts the
 * statement gives, so that every engine counts and only one divides.
 */
#include <stdio.h>
#include <string.h>

#include "internal/alloc.h"
#include "internal/check.h"
#include "internal/handle.h"
#include "internal/util.h"
#include "store/store.h"

#define DAY_MS 86400000LL
#define MINUTE_MS 60000LL
#define REPEAT_DAYS_DEFAULT 7
#define HANDOVER_MINUTES_DEFAULT 30
/* The window's ends when not given: past every time libcrm stores, with
 * room for the repeat window on either side. */
#define WINDOW_LOW (-(1LL << 62))
#define WINDOW_HIGH (1LL << 62)
/* Every built-in channel's bit: bits 1..CRM_CHANNEL_MAX. */
#define CHANNEL_BITS (((1u << (CRM_CHANNEL_MAX + 1)) - 1) & ~1u)

static const char *const value_names[] = { NULL, "text", "int", "real", "time" };
static const char *const period_names[] = { NULL, "day", "week", "month" };

const char *crm_value_name(crm_value_t type)
{
    return type >= CRM_VALUE_TEXT && type <= CRM_VALUE_TIME ? value_names[type] : NULL;
}

int crm_value_parse(crm_value_t *out, const char *name)
{
    int i = crm__word_index(value_names, 1, 4, name);
    if (!out)
        return crm__null_arg(__func__, "out");
    if (i < 0)
        return crm__parse_error(__func__, "a value type", name, "text, int, real or time");
    *out = (crm_value_t)i;
    return CRM_OK;
}

const char *crm_report_period_name(crm_report_period_t period)
{
    return period >= CRM_REPORT_PERIOD_DAY && period <= CRM_REPORT_PERIOD_MONTH
               ? period_names[period]
               : NULL;
}

int crm_report_period_parse(crm_report_period_t *out, const char *name)
{
    int i = crm__word_index(period_names, 1, 3, name);
    if (!out)
        return crm__null_arg(__func__, "out");
    if (i < 0)
        return crm__parse_error(__func__, "a report period", name, "day, week or month");
    *out = (crm_report_period_t)i;
    return CRM_OK;
}

/* ---- the reports' columns ------------------------------------------------ */

#define COLUMNS_MAX 12
#define TEXTS_MAX 8

/* A column of a report: a TEXT, INT or TIME is the statement's column
 * src; a REAL is column src divided by column den, NULL when either is
 * NULL or den is 0. */
typedef struct column {
    const char *name;
    crm_value_t type;
    int src, den;
} column;

typedef struct report {
    crm__query q;
    const char *what;
    bool reasons;  /* takes a depth */
    int ncols;
    column cols[COLUMNS_MAX];
} report;

#define TEXT(n, s) { n, CRM_VALUE_TEXT, s, 0 }
#define INT(n, s) { n, CRM_VALUE_INT, s, 0 }
#define TIME(n, s) { n, CRM_VALUE_TIME, s, 0 }
#define REAL(n, s, d) { n, CRM_VALUE_REAL, s, d }

static const report REASONS = {
    CRM__Q_REPORT_REASONS, "reading the reasons report", true, 5,
    { TEXT("reason", 0), TEXT("channel", 1), INT("contacts", 2), REAL("share", 2, 3),
      REAL("cumulative_share", 4, 3) },
};
static const report REPEATS = {
    CRM__Q_REPORT_REPEATS, "reading the repeats report", true, 4,
    { TEXT("reason", 0), INT("contacts", 1), INT("repeat_contacts", 2),
      REAL("repeat_rate", 2, 1) },
};
static const report FCR = {
    CRM__Q_REPORT_FCR, "reading the first-contact resolution report", true, 5,
    { TEXT("dimension", 0), TEXT("key", 1), INT("first_contacts", 2), INT("resolved_first", 3),
      REAL("fcr_rate", 3, 2) },
};
static const report HANDOVER = {
    CRM__Q_REPORT_HANDOVER, "reading the IVR hand-over report", true, 5,
    { TEXT("reason", 0), INT("ivr_contacts", 1), INT("handed_over", 2), INT("contained", 3),
      REAL("handover_rate", 2, 1) },
};
static const report KEEP_RATE = {
    CRM__Q_REPORT_KEEP_RATE, "reading the keep-rate report", false, 12,
    { TEXT("owner", 0), INT("made", 1), INT("kept_on_time", 2), INT("kept_late", 3),
      INT("broken", 4), INT("released", 5), INT("open", 6), INT("overdue", 7),
      INT("renegotiations", 8), INT("renegotiations_agreed", 9),
      INT("renegotiations_not_agreed", 10), REAL("keep_rate", 2, 11) },
};
static const report CHANNEL_MIX = {
    CRM__Q_REPORT_CHANNEL_MIX, "reading the channel mix report", false, 5,
    { TIME("period_start", 0), TEXT("channel", 1), TEXT("direction", 2), INT("public", 3),
      INT("interactions", 4) },
};

typedef struct value {
    bool null;
    int64_t i;
    double r;
    const char *t;
} value;

struct crm_report_row {
    const report *rep;
    value v[COLUMNS_MAX];
};

struct crm_report_cursor {
    crm__cursor base;
    crm_report_row row;
};

static int report_build(crm__cursor *c)
{
    crm_report_cursor *cur = (crm_report_cursor *)c;
    const report *rep = cur->row.rep;
    crm__st *st = c->st;
    int texts[TEXTS_MAX], nt = 0;
    const char *got[TEXTS_MAX];
    for (int k = 0; k < rep->ncols; k++) {
        const column *col = &rep->cols[k];
        value *v = &cur->row.v[k];
        *v = (value){ .null = crm__col_null(st, col->src) };
        switch (col->type) {
        case CRM_VALUE_TEXT:
            texts[nt++] = col->src;
            break;
        case CRM_VALUE_REAL:
            if (!v->null && !crm__col_null(st, col->den) && crm__col_int(st, col->den) != 0)
                v->r = (double)crm__col_int(st, col->src) / (double)crm__col_int(st, col->den);
            else
                v->null = true;
            break;
        case CRM_VALUE_TIME:
            v->i = crm__col_time(st, col->src);
            break;
        default:
            v->i = v->null ? 0 : crm__col_int(st, col->src);
            break;
        }
    }
    int rc = crm__cursor_texts(c, texts, nt, got);
    for (int k = 0, n = 0; rc == CRM_OK && k < rep->ncols; k++)
        if (rep->cols[k].type == CRM_VALUE_TEXT)
            cur->row.v[k].t = got[n++];
    return rc;
}

/* ---- options ------------------------------------------------------------- */

static bool builtin_channel(const char *name, int *code)
{
    for (int c = 1; c <= CRM_CHANNEL_MAX; c++)
        if (strcmp(name, crm_channel_name((crm_channel_t)c)) == 0) {
            *code = c;
            return true;
        }
    return false;
}

static int check_range(crm_db *db, const char *field, int v, int max, const char *unit)
{
    if (v < 0 || v > max)
        return crm__error(db, CRM_EINVAL, "options %s is %d; use 1 to %d %s, or 0 for the default",
                          field, v, max, unit);
    return CRM_OK;
}

static int check_options(crm_db *db, const crm_report_options *o)
{
    if (o->version < 1 || o->version > CRM_REPORT_OPTIONS_VERSION)
        return crm__error(db, CRM_EINVAL,
                          "crm_report_options.version is %u; this libcrm knows version 1 to %d",
                          o->version, CRM_REPORT_OPTIONS_VERSION);
    int rc = crm__check_time_opt(db, "options from", o->from);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "options to", o->to);
    if (rc == CRM_OK)
        rc = crm__check_time_opt(db, "options as_of", o->as_of);
    if (rc)
        return rc;
    if (o->from != CRM_TIME_NONE && o->to != CRM_TIME_NONE && o->from >= o->to)
        return crm__error(db, CRM_EINVAL,
                          "options from/to window [%lld, %lld) holds no time; from must be "
                          "before to",
                          (long long)o->from, (long long)o->to);
    if (o->channels & ~CHANNEL_BITS)
        return crm__error(db, CRM_EINVAL,
                          "options channels 0x%x has bits 0x%x that are no channel's "
                          "(use CRM_CHANNEL_BIT())",
                          o->channels, o->channels & ~CHANNEL_BITS);
    for (size_t k = 0; o->channel_names && o->channel_names[k]; k++) {
        char field[48];
        snprintf(field, sizeof field, "options channel_names[%zu]", k);
        if ((rc = crm__check_kind_name(db, field, o->channel_names[k])))
            return rc;
    }
    if (o->owner && (rc = crm__check_actor(db, "options owner", o->owner)))
        return rc;
    if (o->depth < 0 || o->depth > CRM_REPORT_DEPTH_MAX)
        return crm__error(db, CRM_EINVAL,
                          "options depth is %d; use 0 (whole reason codes) to %d levels",
                          o->depth, CRM_REPORT_DEPTH_MAX);
    if ((rc = check_range(db, "repeat_days", o->repeat_days, CRM_REPORT_REPEAT_DAYS_MAX, "days")) ||
        (rc = check_range(db, "handover_minutes", o->handover_minutes,
                          CRM_REPORT_HANDOVER_MINUTES_MAX, "minutes")))
        return rc;
    if ((int)o->period != 0 && !crm_report_period_name(o->period))
        return crm__error(db, CRM_EINVAL,
                          "options period is %d; use a crm_report_period_t (day, week, month)",
                          (int)o->period);
    if (o->by_channel != 0 && o->by_channel != 1)
        return crm__error(db, CRM_EINVAL, "options by_channel is %d; use 0 or 1", o->by_channel);
    return CRM_OK;
}

/* The checked options' channels as the statement takes them: *bits the
 * built-in ones, *customs the custom words as ",name,name," (crm__malloc'd;
 * NULL when none). */
static int option_channels(crm_db *db, const crm_report_options *o, unsigned int *bits,
                           char **customs)
{
    *bits = o->channels;
    *customs = NULL;
    size_t len = 1;
    int code;
    for (size_t k = 0; o->channel_names && o->channel_names[k]; k++) {
        if (builtin_channel(o->channel_names[k], &code))
            *bits |= CRM_CHANNEL_BIT(code);
        else
            len += strlen(o->channel_names[k]) + 1;
    }
    if (len == 1)
        return CRM_OK;
    char *list = crm__malloc(len + 1), *p = list;
    if (!list)
        return crm__error(db, CRM_ENOMEM, "out of memory reading the options' channel names");
    *p++ = ',';
    for (size_t k = 0; o->channel_names[k]; k++) {
        if (builtin_channel(o->channel_names[k], &code))
            continue;
        size_t n = strlen(o->channel_names[k]);
        memcpy(p, o->channel_names[k], n);
        p += n;
        *p++ = ',';
    }
    *p = '\0';
    *customs = list;
    return CRM_OK;
}

/* ---- opening -------------------------------------------------------------- */

static int report_open(crm_report_cursor **out, crm_db *db, const crm_report_options *opts,
                       const report *rep)
{
    crm_report_options defaults = CRM_REPORT_OPTIONS_INIT;
    const crm_report_options *o = opts ? opts : &defaults;
    int rc = crm__check_out(db, out);
    if (rc == CRM_OK)
        rc = check_options(db, o);
    if (rc)
        return rc;
    int64_t as_of = o->as_of;
    if (rep == &KEEP_RATE && as_of == CRM_TIME_NONE) {
        if ((rc = crm__clock_read(db)))
            return rc;
        as_of = crm__now(db);
    }
    unsigned int bits;
    char *customs;
    if ((rc = option_channels(db, o, &bits, &customs)))
        return rc;
    crm_report_period_t period = o->period ? o->period : CRM_REPORT_PERIOD_DAY;
    unsigned int shape = (customs ? CRM__SHAPE_REPORT_CHANNEL_NAMES
                          : bits  ? CRM__SHAPE_REPORT_CHANNELS
                                  : 0) |
                         (o->owner ? CRM__SHAPE_REPORT_OWNER : 0) |
                         (rep->reasons && o->depth ? CRM__SHAPE_REPORT_DEPTH : 0) |
                         (rep == &REASONS && o->by_channel ? CRM__SHAPE_REPORT_BY_CHANNEL : 0);
    if (rep == &CHANNEL_MIX)
        shape |= period == CRM_REPORT_PERIOD_WEEK    ? CRM__SHAPE_REPORT_WEEK
                 : period == CRM_REPORT_PERIOD_MONTH ? CRM__SHAPE_REPORT_MONTH
                                                     : 0;
    crm_report_cursor *cur;
    rc = crm__cursor_new_shaped((void **)&cur, sizeof *cur, db, rep->q, shape, report_build,
                                rep->what);
    if (rc) {
        crm__free(customs);
        return rc;
    }
    cur->row.rep = rep;
    crm__st *st = cur->base.st;
    crm__bind_int(st, 1, o->from == CRM_TIME_NONE ? WINDOW_LOW : o->from);
    crm__bind_int(st, 2, o->to == CRM_TIME_NONE ? WINDOW_HIGH : o->to);
    if (shape & (CRM__SHAPE_REPORT_CHANNELS | CRM__SHAPE_REPORT_CHANNEL_NAMES))
        crm__bind_int(st, 3, bits);
    if (customs)
        crm__bind_text(st, 4, customs);
    crm__free(customs);
    if (o->owner)
        crm__bind_text(st, 5, o->owner);
    if (shape & CRM__SHAPE_REPORT_DEPTH)
        crm__bind_int(st, 6, o->depth);
    if (rep == &REPEATS || rep == &FCR)
        crm__bind_int(st, 7, (o->repeat_days ? o->repeat_days : REPEAT_DAYS_DEFAULT) * DAY_MS);
    if (rep == &HANDOVER)
        crm__bind_int(st, 8,
                      (o->handover_minutes ? o->handover_minutes : HANDOVER_MINUTES_DEFAULT) *
                          MINUTE_MS);
    if (rep == &KEEP_RATE)
        crm__bind_int(st, 9, as_of);
    return crm__cursor_bound((void **)out, cur, rep->what);
}

int crm_report_reasons_open(crm_report_cursor **out, crm_db *db, const crm_report_options *opts)
{
    CRM__ENTER(db);
    return report_open(out, db, opts, &REASONS);
}

int crm_report_repeats_open(crm_report_cursor **out, crm_db *db, const crm_report_options *opts)
{
    CRM__ENTER(db);
    return report_open(out, db, opts, &REPEATS);
}

int crm_report_fcr_open(crm_report_cursor **out, crm_db *db, const crm_report_options *opts)
{
    CRM__ENTER(db);
    return report_open(out, db, opts, &FCR);
}

int crm_report_handover_open(crm_report_cursor **out, crm_db *db, const crm_report_options *opts)
{
    CRM__ENTER(db);
    return report_open(out, db, opts, &HANDOVER);
}

int crm_report_keep_rate_open(crm_report_cursor **out, crm_db *db,
                              const crm_report_options *opts)
{
    CRM__ENTER(db);
    return report_open(out, db, opts, &KEEP_RATE);
}

int crm_report_channel_mix_open(crm_report_cursor **out, crm_db *db,
                                const crm_report_options *opts)
{
    CRM__ENTER(db);
    return report_open(out, db, opts, &CHANNEL_MIX);
}

int crm_report_cursor_next(crm_report_cursor *cur, const crm_report_row **out)
{
    CRM__ENTER_CURSOR(cur);
    int rc = crm__cursor_next(&cur->base, out, __func__);
    if (rc == CRM_ROW)
        *out = &cur->row;
    return rc;
}

void crm_report_cursor_free(crm_report_cursor *cur)
{
    CRM__ENTER_FREE(cur);
    crm__cursor_free(cur);
}

/* ---- columns and values ------------------------------------------------- */

static const column *column_of(const crm_report_cursor *cur, int i)
{
    return cur && i >= 0 && i < cur->row.rep->ncols ? &cur->row.rep->cols[i] : NULL;
}

int crm_report_column_count(const crm_report_cursor *cur) { return cur ? cur->row.rep->ncols : 0; }

const char *crm_report_column_name(const crm_report_cursor *cur, int i)
{
    const column *col = column_of(cur, i);
    return col ? col->name : NULL;
}

crm_value_t crm_report_column_type(const crm_report_cursor *cur, int i)
{
    const column *col = column_of(cur, i);
    return col ? col->type : (crm_value_t)0;
}

/* The value of column i when it is of one of the types in mask (bits
 * 1 << crm_value_t) and not NULL. */
static const value *value_of(const crm_report_row *row, int i, unsigned int mask)
{
    if (!row || i < 0 || i >= row->rep->ncols || row->v[i].null ||
        !(mask & (1u << row->rep->cols[i].type)))
        return NULL;
    return &row->v[i];
}

const char *crm_report_row_text(const crm_report_row *row, int i)
{
    const value *v = value_of(row, i, 1u << CRM_VALUE_TEXT);
    return v ? v->t : NULL;
}

int64_t crm_report_row_int(const crm_report_row *row, int i)
{
    const value *v = value_of(row, i, 1u << CRM_VALUE_INT | 1u << CRM_VALUE_TIME);
    if (!v && row && i >= 0 && i < row->rep->ncols && row->rep->cols[i].type == CRM_VALUE_TIME)
        return CRM_TIME_NONE;
    return v ? v->i : 0;
}

double crm_report_row_real(const crm_report_row *row, int i)
{
    const value *v = value_of(row, i, 1u << CRM_VALUE_REAL | 1u << CRM_VALUE_INT);
    if (!v)
        return 0;
    return row->rep->cols[i].type == CRM_VALUE_REAL ? v->r : (double)v->i;
}

int crm_report_row_is_null(const crm_report_row *row, int i)
{
    return !row || i < 0 || i >= row->rep->ncols || row->v[i].null;
}
