/*
 * libcrm tests - reports. A data set made here (interactions over ten
 * weeks, IVR contacts with their follow-ups, promises through every
 * state), every report under many options compared row by row with the
 * answer this file works out by loops over what it logged; bad options;
 * cursors beside writes; the columns and the accessors.
 */
#include <stdbool.h>

#include <stdarg.h>

#include "test.h"

#define DAY 86400000LL
#define MINUTE 60000LL
#define HOUR 3600000LL
/* Monday 2026-03-02 00:00 UTC. */
#define T0 (20514LL * DAY)

#define NCUST 6
#define NMAX 1200
#define PMAX 60
#define ROWS_MAX 600
#define LINE 256

/* ---- the data set --------------------------------------------------------- */

typedef struct rec {
    int cust;
    const char *channel; /* word */
    int direction;
    int64_t at;
    const char *reason;
    int outcome;
    int is_public;
    const char *handled_by;
    char id[CRM_ID_LEN + 1];
} rec;

typedef struct prom {
    int cust;
    int inter; /* index into recs, or -1 */
    const char *owner;
    int64_t made, due; /* due in force */
    int state;         /* 1 open, 2 kept, 3 broken, 4 released */
    int64_t closed;
    int reneg, agreed;
} prom;

static const char *const cust_owner[NCUST] = { "team:a", "team:a", "team:b", "agent:z", NULL, NULL };
static char cust_id[NCUST][CRM_ID_LEN + 1];
static rec recs[NMAX];
static int nrecs;
static prom proms[PMAX];
static int nproms;

static const char *const reasons[] = {
    NULL, "billing", "billing.double_charge", "billing.refund.late", "billing.refund.slow",
    "tech.outage", "tech", "sales", "moving",
};
static const char *const channels[] = { "phone", "ivr", "email", "chat", "social", "whatsapp" };
static const char *const handlers[] = { NULL, "agent:ann", "ivr:menu", "bot:faq", "team:b" };

static uint32_t seed = 12345;
static uint32_t rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

typedef struct sim_clock {
    int64_t now;
} sim_clock;
static int64_t sim_read(void *ctx) { return ((sim_clock *)ctx)->now; }
static sim_clock clk = { T0 + 100 * DAY };

static void log_rec(crm_db *db, rec *r)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = cust_id[r->cust];
    s.channel_name = r->channel;
    s.direction = (crm_direction_t)r->direction;
    s.occurred_at = r->at;
    s.reason = r->reason;
    s.outcome = (crm_outcome_t)r->outcome;
    s.is_public = r->is_public;
    s.handled_by = r->handled_by;
    crm_interaction *i;
    if (crm_interaction_log(&i, db, &s) != CRM_OK) {
        fprintf(stderr, "log: %s\n", crm_errmsg(db));
        exit(2);
    }
    memcpy(r->id, crm_interaction_id(i), sizeof r->id);
    crm_interaction_free(i);
}

static rec *add_rec(int cust, const char *ch, int dir, int64_t at, const char *reason,
                    int outcome, const char *handled_by)
{
    rec *r = &recs[nrecs++];
    *r = (rec){ cust, ch, dir, at, reason, outcome, (int)rnd(4) == 0, handled_by, "" };
    return r;
}

/* Interactions from ten days before T0 to fifty after, one every three
 * hours (each time unique) with some jitter; after about half the IVR
 * contacts a follow-up some minutes later, on either side of 30. */
static crm_db *build(void)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.clock = sim_read;
    o.clock_ctx = &clk;
    o.default_country = "US";
    crm_db *db = NULL;
    if (crm_open(&db, ":memory:", &o) != CRM_OK) {
        fprintf(stderr, "crm_open: %s\n", crm_errmsg(NULL));
        exit(1);
    }
    seed = 12345;
    nrecs = nproms = 0;
    for (int c = 0; c < NCUST; c++) {
        char name[16];
        snprintf(name, sizeof name, "Cust %d", c);
        test_customer(db, CRM_CUSTOMER_PERSON, name, cust_id[c]);
        if (cust_owner[c] && crm_customer_set_owner(db, cust_id[c], cust_owner[c]) != CRM_OK)
            exit(2);
    }
    static const int64_t follow[] = { MINUTE, 10 * MINUTE, 30 * MINUTE, 30 * MINUTE + 1,
                                      45 * MINUTE };
    for (int k = 0; k < 480; k++) {
        int64_t at = T0 - 10 * DAY + k * 3 * HOUR + rnd(60) * MINUTE + rnd(1000);
        int cust = (int)rnd(NCUST);
        const char *ch = channels[rnd(6)];
        rec *r = add_rec(cust, ch, rnd(5) ? 1 : 2, at, reasons[rnd(9)], (int)rnd(6),
                         handlers[rnd(5)]);
        if (strcmp(ch, "ivr") == 0 && r->direction == 1 && rnd(2))
            add_rec(cust, channels[rnd(4)], rnd(3) ? 1 : 2, at + follow[rnd(5)],
                    reasons[rnd(9)], (int)rnd(6), handlers[rnd(5)]);
    }
    for (int k = 0; k < nrecs; k++)
        log_rec(db, &recs[k]);

    for (int k = 0; k < 50; k++) {
        prom *p = &proms[nproms++];
        p->cust = (int)rnd(NCUST);
        p->inter = -1;
        for (int tries = 0; tries < 20 && rnd(4); tries++) {
            int j = (int)rnd((uint32_t)nrecs);
            if (recs[j].cust == p->cust) {
                p->inter = j;
                break;
            }
        }
        static const char *const owners[] = { "agent:ann", "team:b", "agent:zed" };
        p->owner = owners[rnd(3)];
        p->made = T0 - 10 * DAY + (int64_t)rnd(50) * DAY + rnd(1000) * MINUTE;
        p->due = p->made + (1 + rnd(10)) * DAY;
        crm_promise *pr;
        if (crm_promise_make(&pr, db, cust_id[p->cust], p->inter >= 0 ? recs[p->inter].id : NULL,
                             p->owner, "call back", p->due, p->made) != CRM_OK) {
            fprintf(stderr, "promise: %s\n", crm_errmsg(db));
            exit(2);
        }
        char id[CRM_ID_LEN + 1];
        memcpy(id, crm_promise_id(pr), sizeof id);
        crm_promise_free(pr);
        int64_t step = p->made;
        p->reneg = (int)rnd(3);
        for (int j = 0; j < p->reneg; j++) {
            int agreed = (int)rnd(2);
            p->agreed += agreed;
            p->due += DAY;
            step += 30 * MINUTE;
            if (crm_promise_renegotiate(NULL, db, id, p->due, "later", agreed, step) != CRM_OK)
                exit(2);
        }
        p->state = 1 + (int)rnd(4);
        int rc = CRM_OK;
        if (p->state == 2) {
            p->closed = rnd(2) ? p->due - HOUR : p->due + HOUR;
            rc = crm_promise_keep(NULL, db, id, NULL, NULL, p->closed);
        } else if (p->state == 3) {
            p->closed = step + HOUR;
            rc = crm_promise_break(NULL, db, id, "could not", p->closed);
        } else if (p->state == 4) {
            p->closed = step + HOUR;
            rc = crm_promise_release(NULL, db, id, NULL, p->closed);
        }
        if (rc != CRM_OK) {
            fprintf(stderr, "promise step: %s\n", crm_errmsg(db));
            exit(2);
        }
    }
    return db;
}

/* ---- the answers, worked out here ------------------------------------------ */

/* The code's first depth levels, or the whole code (an independent
 * reading of the depth rule). */
static void level(char *out, const char *code, int depth)
{
    strcpy(out, code);
    if (depth == 0)
        return;
    int dots = 0;
    for (char *p = out; *p; p++)
        if (*p == '.' && ++dots == depth) {
            *p = '\0';
            return;
        }
}

static bool same_reason(const char *a, const char *b, int depth)
{
    char x[80], y[80];
    level(x, a, depth);
    level(y, b, depth);
    return strcmp(x, y) == 0;
}

typedef struct opts_t {
    int64_t from, to;
    const char *chans[4]; /* words; empty: all */
    const char *owner;
    int depth, days, minutes;
} opts_t;

static bool chan_ok(const opts_t *o, const char *ch)
{
    if (!o->chans[0])
        return true;
    for (int k = 0; k < 4 && o->chans[k]; k++)
        if (strcmp(o->chans[k], ch) == 0)
            return true;
    return false;
}

static bool owner_ok(const opts_t *o, int cust)
{
    return !o->owner || (cust_owner[cust] && strcmp(cust_owner[cust], o->owner) == 0);
}

static bool in_window(const opts_t *o, int64_t at) { return at >= o->from && at < o->to; }

/* A contact counted by the report: inbound, in the window, kept by the filters. */
static bool counted(const opts_t *o, const rec *r)
{
    return r->direction == 1 && in_window(o, r->at) && chan_ok(o, r->channel) &&
           owner_ok(o, r->cust);
}

static bool is_repeat(const opts_t *o, const rec *r)
{
    for (int j = 0; j < nrecs; j++) {
        const rec *e = &recs[j];
        if (e->cust == r->cust && e->direction == 1 && e->reason && e->at < r->at &&
            r->at - e->at <= o->days * DAY && same_reason(e->reason, r->reason, o->depth))
            return true;
    }
    return false;
}

static bool repeated_later(const opts_t *o, const rec *r)
{
    for (int j = 0; j < nrecs; j++) {
        const rec *e = &recs[j];
        if (e->cust == r->cust && e->direction == 1 && e->reason && e->at > r->at &&
            e->at - r->at <= o->days * DAY && same_reason(e->reason, r->reason, o->depth))
            return true;
    }
    return false;
}

/* An expected table: rows as lines, with keys to sort them by. */
typedef struct row_t {
    char key[80];
    char sub[40];
    long long n, m, x;
    int group;
    char line[LINE];
} row_t;
static row_t want[ROWS_MAX];
static int nwant;

/* A row's line, made from its own fields: through a buffer of its own, as
 * the line and the fields are parts of one object. */
static void set_line(row_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_line(row_t *r, const char *fmt, ...)
{
    char buf[LINE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    memcpy(r->line, buf, sizeof buf);
}

static row_t *find_row(const char *key, const char *sub, int group)
{
    for (int k = 0; k < nwant; k++)
        if (strcmp(want[k].key, key) == 0 && strcmp(want[k].sub, sub) == 0 &&
            want[k].group == group)
            return &want[k];
    row_t *r = &want[nwant++];
    memset(r, 0, sizeof *r);
    snprintf(r->key, sizeof r->key, "%s", key);
    snprintf(r->sub, sizeof r->sub, "%s", sub);
    r->group = group;
    return r;
}

/* By group, n desc, key (the "none" key, \x7f, last). */
static int by_count(const void *a, const void *b)
{
    const row_t *x = a, *y = b;
    if (x->group != y->group)
        return x->group - y->group;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->key, y->key);
}

static void real(char *buf, size_t n, long long num, long long den)
{
    if (den == 0)
        snprintf(buf, n, "NULL");
    else
        snprintf(buf, n, "%.6f", (double)num / (double)den);
}

#define NONE_KEY "\x7f"
static const char *shown(const char *key) { return strcmp(key, NONE_KEY) == 0 ? "NULL" : key; }

static void want_reasons(const opts_t *o, int by_channel)
{
    nwant = 0;
    long long total = 0;
    for (int k = 0; k < nrecs; k++) {
        if (!counted(o, &recs[k]))
            continue;
        char key[80];
        if (recs[k].reason)
            level(key, recs[k].reason, o->depth);
        else
            strcpy(key, NONE_KEY);
        find_row(key, "", 0)->n++;
        total++;
    }
    qsort(want, (size_t)nwant, sizeof want[0], by_count);
    int nreason = nwant;
    row_t reasons_rows[ROWS_MAX];
    memcpy(reasons_rows, want, sizeof want[0] * (size_t)nreason);
    nwant = 0;
    long long cum = 0;
    for (int r = 0; r < nreason; r++) {
        row_t *rr = &reasons_rows[r];
        cum += rr->n;
        char s[32], c[32];
        real(s, sizeof s, rr->n, total);
        real(c, sizeof c, cum, total);
        row_t *out = &want[nwant++];
        *out = *rr;
        snprintf(out->line, LINE, "%.79s|NULL|%lld|%s|%s", shown(rr->key), rr->n, s, c);
        if (!by_channel)
            continue;
        int first = nwant;
        for (int k = 0; k < nrecs; k++) {
            if (!counted(o, &recs[k]))
                continue;
            char key[80];
            if (recs[k].reason)
                level(key, recs[k].reason, o->depth);
            else
                strcpy(key, NONE_KEY);
            if (strcmp(key, rr->key) != 0)
                continue;
            /* the channel rows, found by channel among this reason's */
            int j = first;
            while (j < nwant && strcmp(want[j].key, recs[k].channel) != 0)
                j++;
            if (j == nwant) {
                memset(&want[nwant], 0, sizeof want[0]);
                snprintf(want[nwant].key, sizeof want[0].key, "%s", recs[k].channel);
                nwant++;
            }
            want[j].n++;
        }
        qsort(want + first, (size_t)(nwant - first), sizeof want[0], by_count);
        for (int j = first; j < nwant; j++) {
            real(s, sizeof s, want[j].n, total);
            set_line(&want[j], "%.79s|%.79s|%lld|%s|NULL", shown(rr->key), want[j].key,
                     want[j].n, s);
        }
    }
}

static void want_repeats(const opts_t *o)
{
    nwant = 0;
    for (int k = 0; k < nrecs; k++) {
        const rec *r = &recs[k];
        if (!counted(o, r) || !r->reason)
            continue;
        char key[80];
        level(key, r->reason, o->depth);
        row_t *w = find_row(key, "", 0);
        w->n++;
        w->m += is_repeat(o, r);
    }
    qsort(want, (size_t)nwant, sizeof want[0], by_count);
    for (int k = 0; k < nwant; k++) {
        char s[32];
        real(s, sizeof s, want[k].m, want[k].n);
        set_line(&want[k], "%.79s|%lld|%lld|%.79s", want[k].key, want[k].n, want[k].m, s);
    }
}

static void want_fcr(const opts_t *o)
{
    nwant = 0;
    for (int k = 0; k < nrecs; k++) {
        const rec *r = &recs[k];
        if (!counted(o, r) || !r->reason || is_repeat(o, r))
            continue;
        char key[80];
        level(key, r->reason, o->depth);
        int ok = r->outcome == CRM_OUTCOME_RESOLVED && !repeated_later(o, r);
        row_t *c = find_row(r->channel, "", 0), *e = find_row(key, "", 1);
        c->n++;
        c->m += ok;
        e->n++;
        e->m += ok;
    }
    qsort(want, (size_t)nwant, sizeof want[0], by_count);
    for (int k = 0; k < nwant; k++) {
        char s[32];
        real(s, sizeof s, want[k].m, want[k].n);
        set_line(&want[k], "%.79s|%.79s|%lld|%lld|%.79s", want[k].group ? "reason" : "channel",
                 want[k].key, want[k].n, want[k].m, s);
    }
}

static void want_handover(const opts_t *o)
{
    nwant = 0;
    for (int k = 0; k < nrecs; k++) {
        const rec *r = &recs[k];
        if (!counted(o, r) || !r->reason || strcmp(r->channel, "ivr") != 0)
            continue;
        char key[80];
        level(key, r->reason, o->depth);
        row_t *w = find_row(key, "", 0);
        w->n++;
        for (int j = 0; j < nrecs; j++) {
            const rec *x = &recs[j];
            const char *h = x->handled_by;
            if (x->cust == r->cust && x->at >= r->at && x->at - r->at <= o->minutes * MINUTE &&
                strcmp(x->channel, "ivr") != 0 &&
                (!h || (strncmp(h, "ivr:", 4) != 0 && strncmp(h, "bot:", 4) != 0))) {
                w->m++;
                break;
            }
        }
    }
    qsort(want, (size_t)nwant, sizeof want[0], by_count);
    for (int k = 0; k < nwant; k++) {
        char s[32];
        real(s, sizeof s, want[k].m, want[k].n);
        set_line(&want[k], "%.79s|%lld|%lld|%lld|%.79s", want[k].key, want[k].n, want[k].m,
                 want[k].n - want[k].m, s);
    }
}

static void want_keep_rate(const opts_t *o, int64_t as_of)
{
    nwant = 0;
    long long all[11] = { 0 };
    static const char *const owners[] = { "agent:ann", "agent:zed", "team:b" };
    for (int w = 0; w < 3; w++) {
        long long v[11] = { 0 };
        for (int k = 0; k < nproms; k++) {
            const prom *p = &proms[k];
            if (strcmp(p->owner, owners[w]) != 0 || !in_window(o, p->made) ||
                !owner_ok(o, p->cust))
                continue;
            if (o->chans[0] && (p->inter < 0 || !chan_ok(o, recs[p->inter].channel)))
                continue;
            v[0]++;
            v[1] += p->state == 2 && p->closed <= p->due;
            v[2] += p->state == 2 && p->closed > p->due;
            v[3] += p->state == 3;
            v[4] += p->state == 4;
            v[5] += p->state == 1;
            v[6] += p->state == 1 && p->due < as_of;
            v[7] += p->reneg;
            v[8] += p->agreed;
            v[9] += p->reneg - p->agreed;
        }
        if (!v[0])
            continue;
        row_t *r = &want[nwant++];
        char s[32];
        real(s, sizeof s, v[1], v[1] + v[2] + v[3] + v[6]);
        snprintf(r->line, LINE, "%s|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%s",
                 owners[w], v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], s);
        for (int j = 0; j < 10; j++)
            all[j] += v[j];
    }
    char s[32];
    real(s, sizeof s, all[1], all[1] + all[2] + all[3] + all[6]);
    snprintf(want[nwant++].line, LINE,
             "NULL|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%lld|%s", all[0], all[1],
             all[2], all[3], all[4], all[5], all[6], all[7], all[8], all[9], s);
}

/* Days from 1970-01-01 of a civil date, and back (H. Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int64_t period_start(int64_t at, int period)
{
    int64_t d = at >= 0 ? at / DAY : -((-at + DAY - 1) / DAY);
    if (period == CRM_REPORT_PERIOD_WEEK)
        d -= ((d % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday */
    if (period == CRM_REPORT_PERIOD_MONTH) {
        int64_t y;
        int m;
        civil_from_days(d, &y, &m);
        d = days_from_civil(y, m, 1);
    }
    return d * DAY;
}

static int by_line(const void *a, const void *b)
{
    return strcmp(((const row_t *)a)->line, ((const row_t *)b)->line);
}

static void want_channel_mix(const opts_t *o, int period)
{
    nwant = 0;
    for (int k = 0; k < nrecs; k++) {
        const rec *r = &recs[k];
        if (!in_window(o, r->at) || !chan_ok(o, r->channel) || !owner_ok(o, r->cust))
            continue;
        char key[80], sub[40];
        snprintf(key, sizeof key, "%015lld|%s", (long long)period_start(r->at, period),
                 r->channel);
        snprintf(sub, sizeof sub, "%s|%d", r->direction == 1 ? "in" : "out", r->is_public);
        find_row(key, sub, 0)->n++;
    }
    for (int k = 0; k < nwant; k++)
        set_line(&want[k], "%.79s|%.39s|%lld", want[k].key, want[k].sub, want[k].n);
    qsort(want, (size_t)nwant, sizeof want[0], by_line);
}

/* ---- comparing -------------------------------------------------------------- */

typedef int (*open_fn)(crm_report_cursor **, crm_db *, const crm_report_options *);

static void render(const crm_report_cursor *cur, const crm_report_row *row, char *line)
{
    size_t len = 0;
    line[0] = '\0';
    for (int c = 0; c < crm_report_column_count(cur); c++) {
        char v[96];
        crm_value_t t = crm_report_column_type(cur, c);
        if (crm_report_row_is_null(row, c))
            snprintf(v, sizeof v, "NULL");
        else if (t == CRM_VALUE_TEXT)
            snprintf(v, sizeof v, "%s", crm_report_row_text(row, c));
        else if (t == CRM_VALUE_REAL)
            snprintf(v, sizeof v, "%.6f", crm_report_row_real(row, c));
        else if (t == CRM_VALUE_TIME)
            snprintf(v, sizeof v, "%015lld", (long long)crm_report_row_int(row, c));
        else
            snprintf(v, sizeof v, "%lld", (long long)crm_report_row_int(row, c));
        len += (size_t)snprintf(line + len, LINE - len, "%s%s", c ? "|" : "", v);
    }
}

/* The report's rows are the wanted ones, in order. */
static int same_rows(crm_db *db, open_fn open, const crm_report_options *ro)
{
    crm_report_cursor *cur;
    if (open(&cur, db, ro) != CRM_OK) {
        fprintf(stderr, "open: %s\n", crm_errmsg(db));
        return 0;
    }
    const crm_report_row *row;
    int n = 0, rc, ok = 1;
    char line[LINE];
    while ((rc = crm_report_cursor_next(cur, &row)) == CRM_ROW) {
        render(cur, row, line);
        if (n >= nwant || strcmp(line, want[n].line) != 0) {
            fprintf(stderr, "row %d: got  %s\n        want %s\n", n, line,
                    n < nwant ? want[n].line : "(no more)");
            ok = 0;
        }
        n++;
    }
    if (rc != CRM_DONE) {
        fprintf(stderr, "next: %s\n", crm_errmsg(db));
        ok = 0;
    }
    if (n != nwant) {
        fprintf(stderr, "%d rows, want %d\n", n, nwant);
        ok = 0;
    }
    crm_report_cursor_free(cur);
    return ok;
}

static crm_report_options to_options(const opts_t *o)
{
    crm_report_options ro = CRM_REPORT_OPTIONS_INIT;
    ro.from = o->from == INT64_MIN ? CRM_TIME_NONE : o->from;
    ro.to = o->to == INT64_MAX ? CRM_TIME_NONE : o->to;
    ro.channel_names = o->chans[0] ? o->chans : NULL;
    ro.owner = o->owner;
    ro.depth = o->depth;
    ro.repeat_days = o->days == 7 ? 0 : o->days;
    ro.handover_minutes = o->minutes == 30 ? 0 : o->minutes;
    return ro;
}

/* The option sets every report is tried with. */
static opts_t option_sets[12];
static int noption_sets;

static void make_option_sets(void)
{
    opts_t all = { INT64_MIN, INT64_MAX, { NULL }, NULL, 0, 7, 30 };
    int n = 0;
    option_sets[n++] = all;
    opts_t w = all;
    w.from = T0;
    w.to = T0 + 21 * DAY;
    option_sets[n++] = w;
    /* A window whose ends are contacts' own times: the first is in, the last out. */
    opts_t e = all;
    e.from = recs[100].at;
    e.to = recs[300].at;
    option_sets[n++] = e;
    opts_t d1 = w;
    d1.depth = 1;
    option_sets[n++] = d1;
    opts_t d2 = e;
    d2.depth = 2;
    d2.days = 3;
    option_sets[n++] = d2;
    opts_t ch = w;
    ch.chans[0] = "phone";
    ch.chans[1] = "whatsapp";
    option_sets[n++] = ch;
    opts_t ivr = all;
    ivr.chans[0] = "ivr";
    ivr.depth = 1;
    ivr.minutes = 10;
    option_sets[n++] = ivr;
    opts_t ow = w;
    ow.owner = "team:a";
    ow.days = 14;
    option_sets[n++] = ow;
    opts_t ow2 = all;
    ow2.owner = "agent:z";
    ow2.chans[0] = "email";
    ow2.chans[1] = "ivr";
    ow2.chans[2] = "chat";
    ow2.minutes = 45;
    option_sets[n++] = ow2;
    opts_t nobody = all;
    nobody.owner = "team:nobody";
    option_sets[n++] = nobody;
    opts_t late = all;
    late.from = T0 + 45 * DAY; /* the repeat window reaches past the last contact */
    late.days = 30;
    option_sets[n++] = late;
    noption_sets = n;
}

/* ---- the reports against the answers ----------------------------------------- */

static crm_db *data;

TEST(reasons_as_counted_here)
{
    for (int k = 0; k < noption_sets; k++) {
        for (int split = 0; split <= 1; split++) {
            crm_report_options ro = to_options(&option_sets[k]);
            ro.by_channel = split;
            want_reasons(&option_sets[k], split);
            if (!same_rows(data, crm_report_reasons_open, &ro)) {
                fprintf(stderr, "option set %d, by_channel %d\n", k, split);
                CHECK(0);
            }
        }
    }
}

TEST(repeats_as_counted_here)
{
    for (int k = 0; k < noption_sets; k++) {
        crm_report_options ro = to_options(&option_sets[k]);
        want_repeats(&option_sets[k]);
        if (!same_rows(data, crm_report_repeats_open, &ro)) {
            fprintf(stderr, "option set %d\n", k);
            CHECK(0);
        }
    }
}

TEST(fcr_as_counted_here)
{
    for (int k = 0; k < noption_sets; k++) {
        crm_report_options ro = to_options(&option_sets[k]);
        want_fcr(&option_sets[k]);
        if (!same_rows(data, crm_report_fcr_open, &ro)) {
            fprintf(stderr, "option set %d\n", k);
            CHECK(0);
        }
    }
}

TEST(handover_as_counted_here)
{
    for (int k = 0; k < noption_sets; k++) {
        crm_report_options ro = to_options(&option_sets[k]);
        want_handover(&option_sets[k]);
        if (!same_rows(data, crm_report_handover_open, &ro)) {
            fprintf(stderr, "option set %d\n", k);
            CHECK(0);
        }
    }
}

TEST(keep_rate_as_counted_here)
{
    for (int k = 0; k < noption_sets; k++) {
        crm_report_options ro = to_options(&option_sets[k]);
        /* as_of given, and the clock's. */
        ro.as_of = T0 + 20 * DAY;
        want_keep_rate(&option_sets[k], ro.as_of);
        if (!same_rows(data, crm_report_keep_rate_open, &ro)) {
            fprintf(stderr, "option set %d\n", k);
            CHECK(0);
        }
        ro.as_of = CRM_TIME_NONE;
        want_keep_rate(&option_sets[k], clk.now);
        if (!same_rows(data, crm_report_keep_rate_open, &ro)) {
            fprintf(stderr, "option set %d, as_of the clock\n", k);
            CHECK(0);
        }
    }
}

TEST(channel_mix_as_counted_here)
{
    for (int k = 0; k < noption_sets; k++) {
        for (int p = CRM_REPORT_PERIOD_DAY; p <= CRM_REPORT_PERIOD_MONTH; p++) {
            crm_report_options ro = to_options(&option_sets[k]);
            ro.period = (crm_report_period_t)p;
            want_channel_mix(&option_sets[k], p);
            if (!same_rows(data, crm_report_channel_mix_open, &ro)) {
                fprintf(stderr, "option set %d, period %d\n", k, p);
                CHECK(0);
            }
        }
    }
}

/* The data set reaches every case the rules tell apart, or the comparisons
 * above would prove less than they seem to. */
TEST(data_set_covers_the_cases)
{
    opts_t all = option_sets[0];
    int repeats = 0, later = 0, before_window = 0, past_window = 0, handed = 0, contained = 0;
    opts_t w = option_sets[1];
    for (int k = 0; k < nrecs; k++) {
        const rec *r = &recs[k];
        if (r->direction != 1 || !r->reason)
            continue;
        repeats += is_repeat(&all, r);
        later += repeated_later(&all, r);
        /* a contact in the window repeating one before it, and one whose repeat is past it */
        if (counted(&w, r) && r->at < w.from + 7 * DAY) {
            for (int j = 0; j < nrecs; j++)
                before_window += recs[j].cust == r->cust && recs[j].direction == 1 &&
                                 recs[j].reason && same_reason(recs[j].reason, r->reason, 0) &&
                                 recs[j].at < w.from && r->at - recs[j].at <= 7 * DAY;
        }
        if (counted(&w, r) && r->at >= w.to - 7 * DAY) {
            for (int j = 0; j < nrecs; j++)
                past_window += recs[j].cust == r->cust && recs[j].direction == 1 &&
                               recs[j].reason && same_reason(recs[j].reason, r->reason, 0) &&
                               recs[j].at >= w.to && recs[j].at - r->at <= 7 * DAY;
        }
    }
    want_handover(&all);
    for (int k = 0; k < nwant; k++) {
        handed += (int)want[k].m;
        contained += (int)(want[k].n - want[k].m);
    }
    CHECK(repeats > 10 && later > 10);
    CHECK(before_window > 0 && past_window > 0);
    CHECK(handed > 3 && contained > 3);
    int states[5] = { 0 }, late = 0, overdue = 0, agreed = 0, not_agreed = 0;
    for (int k = 0; k < nproms; k++) {
        states[proms[k].state]++;
        late += proms[k].state == 2 && proms[k].closed > proms[k].due;
        overdue += proms[k].state == 1 && proms[k].due < T0 + 20 * DAY;
        agreed += proms[k].agreed;
        not_agreed += proms[k].reneg - proms[k].agreed;
    }
    CHECK(states[1] && states[2] && states[3] && states[4] && late && overdue);
    CHECK(agreed && not_agreed);
    /* the edge contacts of option set 2 */
    CHECK(recs[100].direction == 1 || recs[300].direction == 1);
}

/* A hand-made case with its answer written out: depth rollup, the none
 * row, by_channel, a reason with no contact in the window. */
TEST(reasons_small_case)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    struct {
        const char *ch, *reason;
        int64_t at;
    } in[] = {
        { "phone", "billing.double_charge", T0 },     { "email", "billing.refund", T0 + 1 },
        { "phone", "billing", T0 + 2 },               { "phone", NULL, T0 + 3 },
        { "chat", "tech.outage", T0 + 4 },            { "phone", "moving", T0 - 1 },
        { "phone", "sales", T0 + DAY },
    };
    for (size_t k = 0; k < sizeof in / sizeof in[0]; k++) {
        crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
        s.customer_id = a;
        s.channel_name = in[k].ch;
        s.direction = CRM_DIRECTION_IN;
        s.occurred_at = in[k].at;
        s.reason = in[k].reason;
        CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    }
    crm_report_options o = CRM_REPORT_OPTIONS_INIT;
    o.from = T0;
    o.to = T0 + DAY; /* "moving" before, "sales" at the end: neither */
    o.depth = 1;
    o.by_channel = 1;
    crm_report_cursor *cur;
    CHECK_OK(db, crm_report_reasons_open(&cur, db, &o));
    const char *rows[] = {
        "billing|NULL|3|0.600000|0.600000", "billing|phone|2|0.400000|NULL",
        "billing|email|1|0.200000|NULL",    "tech|NULL|1|0.200000|0.800000",
        "tech|chat|1|0.200000|NULL",        "NULL|NULL|1|0.200000|1.000000",
        "NULL|phone|1|0.200000|NULL",
    };
    const crm_report_row *row;
    char line[LINE];
    int n = 0, rc;
    while ((rc = crm_report_cursor_next(cur, &row)) == CRM_ROW) {
        render(cur, row, line);
        CHECK(n < 7);
        CHECK_STR(line, rows[n]);
        n++;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 7);
    /* After the end, the end again. */
    CHECK_INT(crm_report_cursor_next(cur, &row), CRM_DONE);
    crm_report_cursor_free(cur);
    crm_close(db);
}

/* The lines of one report, joined by ';'. */
static void report_lines(crm_db *db, open_fn open, const crm_report_options *o, char *out,
                         size_t size)
{
    crm_report_cursor *cur;
    CHECK_OK(db, open(&cur, db, o));
    const crm_report_row *row;
    char line[LINE];
    int rc;
    out[0] = '\0';
    while ((rc = crm_report_cursor_next(cur, &row)) == CRM_ROW) {
        render(cur, row, line);
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", used ? ";" : "", line);
    }
    CHECK_INT(rc, CRM_DONE);
    crm_report_cursor_free(cur);
}

/* Two contacts about one reason at the same millisecond: the one logged
 * first is the earlier, whichever channel each came on, and the other
 * repeats it (so the first was not resolved first time). */
TEST(repeats_at_the_same_millisecond)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    static const char *const logged[] = { "email", "phone", "chat" };
    for (int k = 0; k < 3; k++) {
        crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
        s.customer_id = a;
        s.channel_name = logged[k];
        s.direction = CRM_DIRECTION_IN;
        s.occurred_at = k < 2 ? T0 : T0 + 8 * DAY; /* the third repeats neither */
        s.reason = "billing.refund";
        s.outcome = CRM_OUTCOME_RESOLVED;
        CHECK_OK(db, crm_interaction_log(NULL, db, &s));
    }
    char got[4 * LINE];
    crm_report_options o = CRM_REPORT_OPTIONS_INIT;
    report_lines(db, crm_report_repeats_open, &o, got, sizeof got);
    CHECK_STR(got, "billing.refund|3|1|0.333333");
    report_lines(db, crm_report_fcr_open, &o, got, sizeof got);
    CHECK_STR(got, "channel|chat|1|1|1.000000;channel|email|1|0|0.000000;"
                   "reason|billing.refund|2|1|0.500000");
    static const char *const phone[] = { "phone", NULL }, *const email[] = { "email", NULL };
    o.channel_names = phone;
    report_lines(db, crm_report_repeats_open, &o, got, sizeof got);
    CHECK_STR(got, "billing.refund|1|1|1.000000");
    report_lines(db, crm_report_fcr_open, &o, got, sizeof got);
    CHECK_STR(got, "");
    o.channel_names = email;
    report_lines(db, crm_report_fcr_open, &o, got, sizeof got);
    CHECK_STR(got, "channel|email|1|0|0.000000;reason|billing.refund|1|0|0.000000");
    crm_close(db);
}

/* ---- columns, values, words ------------------------------------------------ */

TEST(columns_and_accessors)
{
    crm_report_cursor *cur;
    CHECK_OK(data, crm_report_keep_rate_open(&cur, data, NULL));
    CHECK_INT(crm_report_column_count(cur), 12);
    CHECK_STR(crm_report_column_name(cur, CRM_KEEP_RATE_OWNER), "owner");
    CHECK_STR(crm_report_column_name(cur, CRM_KEEP_RATE_RENEGOTIATIONS_NOT_AGREED),
              "renegotiations_not_agreed");
    CHECK_STR(crm_report_column_name(cur, CRM_KEEP_RATE_KEEP_RATE), "keep_rate");
    CHECK_INT(crm_report_column_type(cur, CRM_KEEP_RATE_KEEP_RATE), CRM_VALUE_REAL);
    CHECK_INT(crm_report_column_type(cur, CRM_KEEP_RATE_MADE), CRM_VALUE_INT);
    CHECK(crm_report_column_name(cur, 12) == NULL);
    CHECK(crm_report_column_name(cur, -1) == NULL);
    CHECK_INT(crm_report_column_type(cur, 12), 0);
    CHECK_INT(crm_report_column_count(NULL), 0);
    CHECK(crm_report_column_name(NULL, 0) == NULL);
    const crm_report_row *row = NULL, *last = NULL;
    int rc;
    while ((rc = crm_report_cursor_next(cur, &row)) == CRM_ROW) {
        CHECK(!crm_report_row_is_null(row, CRM_KEEP_RATE_MADE));
        last = row;
        if (crm_report_row_is_null(row, CRM_KEEP_RATE_OWNER))
            break;
        CHECK(crm_report_row_text(row, CRM_KEEP_RATE_OWNER) != NULL);
    }
    CHECK(last != NULL);
    /* The overall row: owner NULL; made read as int and real; a text of an int column is NULL. */
    CHECK(crm_report_row_text(last, CRM_KEEP_RATE_OWNER) == NULL);
    CHECK_INT(crm_report_row_int(last, CRM_KEEP_RATE_MADE), nproms);
    CHECK(crm_report_row_real(last, CRM_KEEP_RATE_MADE) == (double)nproms);
    CHECK(crm_report_row_text(last, CRM_KEEP_RATE_MADE) == NULL);
    CHECK_INT(crm_report_row_int(last, CRM_KEEP_RATE_KEEP_RATE), 0);
    CHECK(crm_report_row_real(last, CRM_KEEP_RATE_KEEP_RATE) > 0);
    CHECK(crm_report_row_is_null(last, 12));
    CHECK(crm_report_row_is_null(last, -1));
    CHECK_INT(crm_report_row_int(last, 12), 0);
    CHECK(crm_report_row_text(NULL, 0) == NULL);
    CHECK_INT(crm_report_row_int(NULL, 0), 0);
    CHECK(crm_report_row_real(NULL, 0) == 0);
    CHECK(crm_report_row_is_null(NULL, 0));
    CHECK_INT(crm_report_cursor_next(cur, &row), CRM_DONE);
    crm_report_cursor_free(cur);

    /* Each report's names, in the order of its macros. */
    static const struct {
        open_fn open;
        int n;
        const char *names;
    } reps[] = {
        { crm_report_reasons_open, 5, "reason channel contacts share cumulative_share" },
        { crm_report_repeats_open, 4, "reason contacts repeat_contacts repeat_rate" },
        { crm_report_fcr_open, 5, "dimension key first_contacts resolved_first fcr_rate" },
        { crm_report_handover_open, 5,
          "reason ivr_contacts handed_over contained handover_rate" },
        { crm_report_channel_mix_open, 5, "period_start channel direction public interactions" },
    };
    for (size_t r = 0; r < sizeof reps / sizeof reps[0]; r++) {
        CHECK_OK(data, reps[r].open(&cur, data, NULL));
        char names[LINE] = "";
        for (int c = 0; c < crm_report_column_count(cur); c++) {
            strcat(names, c ? " " : "");
            strcat(names, crm_report_column_name(cur, c));
        }
        crm_report_cursor_free(cur);
        CHECK_STR(names, reps[r].names);
    }
    CHECK_OK(data, crm_report_channel_mix_open(&cur, data, NULL));
    CHECK_INT(crm_report_column_type(cur, CRM_CHANNEL_MIX_PERIOD_START), CRM_VALUE_TIME);
    CHECK_INT(crm_report_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_report_row_int(row, CRM_CHANNEL_MIX_PERIOD_START) % DAY, 0);
    crm_report_cursor_free(cur);
}

TEST(enum_words)
{
    CHECK_STR(crm_value_name(CRM_VALUE_TEXT), "text");
    CHECK_STR(crm_value_name(CRM_VALUE_TIME), "time");
    CHECK(crm_value_name((crm_value_t)0) == NULL);
    CHECK(crm_value_name((crm_value_t)5) == NULL);
    crm_value_t v = CRM_VALUE_TEXT;
    CHECK_INT(crm_value_parse(&v, "real"), CRM_OK);
    CHECK_INT(v, CRM_VALUE_REAL);
    CHECK_INT(crm_value_parse(&v, "float"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "text, int, real or time");
    CHECK_INT(v, CRM_VALUE_REAL);
    CHECK_INT(crm_value_parse(&v, NULL), CRM_EINVAL);
    CHECK_INT(crm_value_parse(NULL, "int"), CRM_EINVAL);
    CHECK_STR(crm_report_period_name(CRM_REPORT_PERIOD_WEEK), "week");
    CHECK(crm_report_period_name((crm_report_period_t)4) == NULL);
    crm_report_period_t p = CRM_REPORT_PERIOD_DAY;
    CHECK_INT(crm_report_period_parse(&p, "month"), CRM_OK);
    CHECK_INT(p, CRM_REPORT_PERIOD_MONTH);
    CHECK_INT(crm_report_period_parse(&p, "year"), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "day, week or month");
    CHECK_INT(crm_report_period_parse(NULL, "day"), CRM_EINVAL);
}

/* ---- bad input ---------------------------------------------------------------- */

static const open_fn opens[] = {
    crm_report_reasons_open,  crm_report_repeats_open,   crm_report_fcr_open,
    crm_report_handover_open, crm_report_keep_rate_open, crm_report_channel_mix_open,
};
#define NOPENS 6

TEST(bad_options)
{
    crm_db *db = data;
    static const char *const bad_name[] = { "Phone", NULL };
    static const char *const bad_name2[] = { "phone", "", NULL };
    for (int k = 0; k < NOPENS; k++) {
        crm_report_cursor *cur = (crm_report_cursor *)&db; /* must stay as it is */
        crm_report_options o = CRM_REPORT_OPTIONS_INIT;
#define BAD(field_set, frag)                                                       \
    do {                                                                           \
        o = (crm_report_options)CRM_REPORT_OPTIONS_INIT;                           \
        field_set;                                                                 \
        CHECK_FAILS(db, opens[k](&cur, db, &o), CRM_EINVAL, frag);                  \
        CHECK(cur == (crm_report_cursor *)&db);                                    \
    } while (0)
        BAD(o.version = 0, "version");
        BAD(o.version = 2, "version");
        BAD((o.from = T0, o.to = T0), "from/to");
        BAD((o.from = T0 + 1, o.to = T0), "from/to");
        BAD(o.from = CRM_TIME_MAX + 1, "options from");
        BAD(o.to = CRM_TIME_MIN - 1, "options to");
        BAD(o.as_of = CRM_TIME_MAX + 1, "options as_of");
        BAD(o.channels = 1u, "channels");
        BAD(o.channels = 1u << 12, "channels");
        BAD(o.channel_names = bad_name, "channel_names[0]");
        BAD(o.channel_names = bad_name2, "channel_names[1]");
        BAD(o.owner = "", "owner");
        BAD(o.owner = " team:a", "owner");
        BAD(o.owner = "team:\nb", "owner");
        BAD(o.owner = "team:\xff", "owner");
        BAD(o.depth = -1, "depth");
        BAD(o.depth = 9, "depth");
        BAD(o.repeat_days = -1, "repeat_days");
        BAD(o.repeat_days = CRM_REPORT_REPEAT_DAYS_MAX + 1, "repeat_days");
        BAD(o.handover_minutes = -5, "handover_minutes");
        BAD(o.handover_minutes = CRM_REPORT_HANDOVER_MINUTES_MAX + 1, "handover_minutes");
        BAD(o.period = (crm_report_period_t)4, "period");
        BAD(o.period = (crm_report_period_t)-1, "period");
        BAD(o.by_channel = 2, "by_channel");
#undef BAD
        /* NULLs */
        CHECK_FAILS(db, opens[k](NULL, db, NULL), CRM_EINVAL, "out");
        CHECK_NULL_DB(db, opens[k](&cur, NULL, NULL), "crm_report_");
        CHECK(cur == (crm_report_cursor *)&db);
        /* The limits themselves are fine. */
        o = (crm_report_options)CRM_REPORT_OPTIONS_INIT;
        o.depth = CRM_REPORT_DEPTH_MAX;
        o.repeat_days = CRM_REPORT_REPEAT_DAYS_MAX;
        o.handover_minutes = CRM_REPORT_HANDOVER_MINUTES_MAX;
        o.from = CRM_TIME_MIN;
        o.to = CRM_TIME_MAX;
        o.period = CRM_REPORT_PERIOD_MONTH;
        o.by_channel = 1;
        o.channels = CRM_CHANNEL_BIT(CRM_CHANNEL_PHONE);
        CHECK_OK(db, opens[k](&cur, db, &o));
        crm_report_cursor_free(cur);
    }
    const crm_report_row *row;
    CHECK_INT(crm_report_cursor_next(NULL, &row), CRM_EINVAL);
    crm_report_cursor *cur;
    CHECK_OK(db, crm_report_reasons_open(&cur, db, NULL));
    CHECK_INT(crm_report_cursor_next(cur, NULL), CRM_EINVAL);
    crm_report_cursor_free(cur);
    crm_report_cursor_free(NULL);
}

/* A custom channel no interaction used matches nothing; an unknown owner
 * has no customers: empty reports, but the keep-rate's overall row. */
TEST(filters_that_keep_nothing)
{
    static const char *const unused[] = { "telegram", NULL };
    crm_report_options o = CRM_REPORT_OPTIONS_INIT;
    o.channel_names = unused;
    for (int k = 0; k < NOPENS; k++) {
        crm_report_cursor *cur;
        const crm_report_row *row;
        CHECK_OK(data, opens[k](&cur, data, &o));
        int rc = crm_report_cursor_next(cur, &row);
        if (opens[k] == crm_report_keep_rate_open) {
            CHECK_INT(rc, CRM_ROW);
            CHECK(crm_report_row_is_null(row, CRM_KEEP_RATE_OWNER));
            CHECK_INT(crm_report_row_int(row, CRM_KEEP_RATE_MADE), 0);
            CHECK(crm_report_row_is_null(row, CRM_KEEP_RATE_KEEP_RATE));
            rc = crm_report_cursor_next(cur, &row);
        }
        CHECK_INT(rc, CRM_DONE);
        crm_report_cursor_free(cur);
    }
}

/* A list gives its rows as they were when it was opened, each once, with a
 * write in the middle of the walk; the write goes ahead. */
TEST(write_in_the_middle_of_a_walk)
{
    crm_db *db = build();
    opts_t all = { INT64_MIN, INT64_MAX, { NULL }, NULL, 0, 7, 30 };
    crm_report_options ro = to_options(&all);
    ro.by_channel = 1;
    want_reasons(&all, 1);
    CHECK(nwant > 10);
    crm_report_cursor *cur;
    CHECK_OK(db, crm_report_reasons_open(&cur, db, &ro));
    const crm_report_row *row;
    char line[LINE];
    int n = 0, rc;
    while ((rc = crm_report_cursor_next(cur, &row)) == CRM_ROW) {
        render(cur, row, line);
        CHECK(n < nwant);
        CHECK_STR(line, want[n].line);
        if (n == 2) {
            crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
            s.customer_id = cust_id[0];
            s.channel = CRM_CHANNEL_PHONE;
            s.direction = CRM_DIRECTION_IN;
            s.occurred_at = T0;
            s.reason = "billing";
            CHECK_OK(db, crm_interaction_log(NULL, db, &s));
            /* the row lent before the write is still whole */
            render(cur, row, line);
            CHECK_STR(line, want[n].line);
        }
        n++;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, nwant);
    crm_report_cursor_free(cur);
    /* A cursor left open is refused by close, and then freed. */
    CHECK_OK(db, crm_report_channel_mix_open(&cur, db, NULL));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    crm_report_cursor_free(cur);
    crm_close(db);
}

int main(void)
{
    data = build();
    make_option_sets();
    RUN(data_set_covers_the_cases);
    RUN(reasons_as_counted_here);
    RUN(repeats_as_counted_here);
    RUN(fcr_as_counted_here);
    RUN(handover_as_counted_here);
    RUN(keep_rate_as_counted_here);
    RUN(channel_mix_as_counted_here);
    RUN(reasons_small_case);
    RUN(repeats_at_the_same_millisecond);
    RUN(columns_and_accessors);
    RUN(enum_words);
    RUN(bad_options);
    RUN(filters_that_keep_nothing);
    RUN(write_in_the_middle_of_a_walk);
    crm_close(data);
    return test_summary();
}
