/*
 * libcrm benchmark - the libcrm side: every operation through the public
 * API, as an application embedding libcrm would call it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crm.h>

#include "bench.h"

typedef struct crm_side {
    crm_db *db;
    char (*kept)[CRM_ID_LEN + 1]; /* ids of customers 0, stride, 2 * stride, ... */
    char deep[CRM_ID_LEN + 1];    /* the interaction the deep page starts before */
    /* Inputs of one turn, made before its clock starts. */
    char (*name)[24];
    char (*phone)[24];
    char (*summary)[40];
} crm_side;

static int fail(crm_side *s, const char *what, int rc)
{
    return bench_fail("libcrm: %s: %s (%s)", what, crm_errmsg(s ? s->db : NULL), crm_errname(rc));
}

void *crm_side_open(const job *j)
{
    crm_side *s = calloc(1, sizeof *s);
    if (!s) {
        bench_fail("libcrm: out of memory");
        return NULL;
    }
    s->kept = calloc((size_t)j->kept, sizeof *s->kept);
    s->name = malloc(BENCH_TURN * sizeof *s->name);
    s->phone = malloc(BENCH_TURN * sizeof *s->phone);
    s->summary = malloc(BENCH_TURN * sizeof *s->summary);
    if (!s->kept || !s->name || !s->phone || !s->summary) {
        bench_fail("libcrm: out of memory");
        crm_side_close(s);
        return NULL;
    }
    crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
    opts.flags = CRM_OPEN_CREATE;
    opts.default_country = "US";
    opts.actor = BENCH_ACTOR;
    int rc = crm_open(&s->db, j->path, &opts);
    if (rc != CRM_OK) {
        fail(NULL, "crm_open", rc);
        crm_side_close(s);
        return NULL;
    }
    return s;
}

int crm_side_close(void *side)
{
    crm_side *s = side;
    int status = 0;
    if (!s)
        return 0;
    int rc = crm_close(s->db);
    if (rc != CRM_OK)
        status = fail(s, "crm_close", rc);
    free(s->kept);
    free(s->name);
    free(s->phone);
    free(s->summary);
    free(s);
    return status;
}

/* End a failed batch: report, then roll back. */
static int fail_batch(crm_side *s, const char *what, int rc)
{
    fail(s, what, rc);
    crm_rollback(s->db);
    return -1;
}

int crm_import(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    long b = round * BENCH_TURN;
    long e = b + BENCH_TURN < j->n ? b + BENCH_TURN : j->n;
    for (long i = b; i < e; i++) {
        bench_name(s->name[i - b], sizeof s->name[0], i);
        bench_e164(s->phone[i - b], sizeof s->phone[0], i);
    }
    bench_timer tm;
    bench_start(&tm);
    int rc = b % BENCH_BATCH ? CRM_OK : crm_begin(s->db);
    if (rc != CRM_OK)
        return fail(s, "crm_begin", rc);
    for (long i = b; i < e; i++) {
        crm_customer *c = NULL;
        rc = crm_customer_create(&c, s->db, CRM_CUSTOMER_PERSON, s->name[i - b]);
        if (rc != CRM_OK)
            return fail_batch(s, "crm_customer_create", rc);
        rc = crm_identity_add(NULL, s->db, crm_customer_id(c), "phone", s->phone[i - b],
                              CRM_IDENTITY_PRIMARY);
        if (rc == CRM_OK && i % j->stride == 0)
            memcpy(s->kept[i / j->stride], crm_customer_id(c), CRM_ID_LEN + 1);
        crm_customer_free(c);
        if (rc != CRM_OK)
            return fail_batch(s, "crm_identity_add", rc);
    }
    rc = e % BENCH_BATCH && e < j->n ? CRM_OK : crm_commit(s->db);
    if (rc != CRM_OK)
        return fail_batch(s, "crm_commit", rc);
    bench_stop(&tm, out);
    bench_rss_import_kb = bench_peak_rss_kb();
    out->n = e - b;
    return 0;
}

/* Caller-ID lookups of random customers: E.164 as a SIP or FreeSWITCH feed
 * gives it, or the national form, which libcrm must parse (a quarter as
 * many: parsing is slow, and the row is only for information). */
static int lookups(crm_side *s, const job *j, sample *out, int national)
{
    long count = national ? j->lookups / 4 : j->lookups;
    bench_text *in, *want;
    int status = -1;
    if (bench_callers(j, count, national, &in, &want))
        goto out;
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < count; k++) {
        crm_customer *c = NULL;
        int rc = crm_identity_lookup(&c, s->db, "phone", in[k]);
        if (rc != CRM_OK) {
            fail(s, "crm_identity_lookup", rc);
            goto out;
        }
        int same = strcmp(crm_customer_name(c), want[k]) == 0;
        crm_customer_free(c);
        if (!same) {
            bench_fail("libcrm: %s found the wrong customer", in[k]);
            goto out;
        }
    }
    bench_stop(&tm, out);
    out->n = count;
    status = 0;
out:
    free(in);
    free(want);
    return status;
}

int crm_lookup(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    return lookups(side, j, out, 0);
}

int crm_lookup_national(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    return lookups(side, j, out, 1);
}

/* Resolving what a caller keyed in, given in E.164, as a kiosk or an IVR
 * would: the text is looked for as a phone number and, as libcrm does with
 * any text, as an account and a loyalty number; one customer is found. */
int crm_resolve(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    crm_side *s = side;
    bench_text *in, *want;
    int status = -1;
    if (bench_callers(j, j->lookups, 0, &in, &want))
        goto out;
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        crm_customer *c = NULL;
        int rc = crm_customer_resolve(&c, s->db, in[k]);
        if (rc != CRM_OK) {
            fail(s, "crm_customer_resolve", rc);
            goto out;
        }
        int same = strcmp(crm_customer_name(c), want[k]) == 0;
        crm_customer_free(c);
        if (!same) {
            bench_fail("libcrm: %s resolved to the wrong customer", in[k]);
            goto out;
        }
    }
    bench_stop(&tm, out);
    out->n = j->lookups;
    status = 0;
out:
    free(in);
    free(want);
    return status;
}

/* The holders of random customers' phone numbers, listed to the end: one
 * each, the common case of a value no one shares. */
int crm_holders(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    crm_side *s = side;
    char(*in)[24] = malloc((size_t)j->lookups * sizeof *in);
    char(*want)[24] = malloc((size_t)j->lookups * sizeof *want);
    int status = -1;
    if (!in || !want) {
        bench_fail("libcrm: out of memory");
        goto out;
    }
    uint64_t rng = 0x2545f4914f6cdd1du;
    for (long k = 0; k < j->lookups; k++) {
        long i = (long)(bench_rng(&rng) % (uint64_t)j->n);
        bench_e164(in[k], sizeof in[0], i);
        bench_name(want[k], sizeof want[0], i);
    }
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        crm_customer_cursor *cur = NULL;
        const crm_customer *c;
        int rc = crm_customer_holders_open(&cur, s->db, "phone", in[k]);
        if (rc != CRM_OK) {
            fail(s, "crm_customer_holders_open", rc);
            goto out;
        }
        int rows = 0, same = 1;
        while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW) {
            rows++;
            same = same && strcmp(crm_customer_name(c), want[k]) == 0;
        }
        crm_customer_cursor_free(cur);
        if (rc != CRM_DONE) {
            fail(s, "crm_customer_cursor_next", rc);
            goto out;
        }
        if (rows != 1 || !same) {
            bench_fail("libcrm: %s has %d holders, or the wrong one", in[k], rows);
            goto out;
        }
    }
    bench_stop(&tm, out);
    out->n = j->lookups;
    status = 0;
out:
    free(in);
    free(want);
    return status;
}

/* Interaction k (bulk ones first, then the single ones) as the spec of it;
 * summary is its text. */
static crm_interaction_spec spec_of(const crm_side *s, const job *j, long k, const char *summary)
{
    crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
    spec.customer_id = s->kept[bench_interaction_owner(j, k)];
    spec.channel = (crm_channel_t)bench_channel(k);
    spec.direction = CRM_DIRECTION_IN;
    spec.occurred_at = j->t0 + (int64_t)k * 1000;
    spec.handled_by = BENCH_HANDLED_BY;
    spec.reason = bench_reason(k);
    spec.outcome = CRM_OUTCOME_RESOLVED;
    spec.summary = summary;
    return spec;
}

int crm_log_batch(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    long b = round * BENCH_TURN;
    long e = b + BENCH_TURN < j->m ? b + BENCH_TURN : j->m;
    for (long k = b; k < e; k++)
        bench_summary(s->summary[k - b], sizeof s->summary[0], k);
    bench_timer tm;
    bench_start(&tm);
    int rc = b % BENCH_BATCH ? CRM_OK : crm_begin(s->db);
    if (rc != CRM_OK)
        return fail(s, "crm_begin", rc);
    for (long k = b; k < e; k++) {
        crm_interaction_spec spec = spec_of(s, j, k, s->summary[k - b]);
        if (k != j->deep_k) {
            rc = crm_interaction_log(NULL, s->db, &spec);
        } else {
            crm_interaction *rec = NULL;
            rc = crm_interaction_log(&rec, s->db, &spec);
            if (rc == CRM_OK)
                memcpy(s->deep, crm_interaction_id(rec), sizeof s->deep);
            crm_interaction_free(rec);
        }
        if (rc != CRM_OK)
            return fail_batch(s, "crm_interaction_log", rc);
    }
    rc = e % BENCH_BATCH && e < j->m ? CRM_OK : crm_commit(s->db);
    if (rc != CRM_OK)
        return fail_batch(s, "crm_commit", rc);
    bench_stop(&tm, out);
    out->n = e - b;
    return 0;
}

int crm_log_single(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    long b = round * BENCH_CHUNK;
    long e = b + BENCH_CHUNK < j->singles ? b + BENCH_CHUNK : j->singles;
    for (long k = b; k < e; k++)
        bench_summary(s->summary[k - b], sizeof s->summary[0], j->m + k);
    bench_timer tm;
    bench_start(&tm);
    for (long k = b; k < e; k++) {
        crm_interaction_spec spec = spec_of(s, j, j->m + k, s->summary[k - b]);
        int rc = crm_interaction_log(NULL, s->db, &spec);
        if (rc != CRM_OK)
            return fail(s, "crm_interaction_log", rc);
    }
    out->n = e - b;
    bench_stop(&tm, out);
    return 0;
}

/* Pages of the heavy customer's timeline: the newest, or the one before
 * `before`. What a screen shows of a row is read from every one. */
static int pages(crm_side *s, const job *j, sample *out, const char *before, long want,
                 int64_t first_at)
{
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.limit = BENCH_PAGE;
    f.before = before;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        crm_interaction_cursor *cur = NULL;
        int rc = crm_interaction_timeline_open(&cur, s->db, s->kept[0], &f);
        if (rc != CRM_OK)
            return fail(s, "crm_interaction_timeline_open", rc);
        const crm_interaction *it;
        long rows = 0;
        int64_t at = 0;
        size_t chars = 0;
        while ((rc = crm_interaction_cursor_next(cur, &it)) == CRM_ROW) {
            if (rows++ == 0)
                at = crm_interaction_occurred_at(it);
            chars += strlen(crm_interaction_id(it)) + strlen(crm_interaction_summary(it)) +
                     strlen(crm_interaction_handled_by(it));
        }
        crm_interaction_cursor_free(cur);
        if (rc != CRM_DONE)
            return fail(s, "crm_interaction_cursor_next", rc);
        if (rows != want || (rows && at != first_at) || (rows && !chars))
            return bench_fail("libcrm: a timeline page has %ld rows from %lld, expected %ld "
                              "from %lld",
                              rows, (long long)at, want, (long long)first_at);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

/* How many bulk interactions the heavy customer has. */
static long heavy_count(const job *j)
{
    return (j->m + 9) / 10;
}

int crm_timeline(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    long h = heavy_count(j);
    return pages(side, j, out, NULL, h < BENCH_PAGE ? h : BENCH_PAGE,
                 j->t0 + (int64_t)(h - 1) * 10 * 1000);
}

int crm_timeline_deep(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    crm_side *s = side;
    long older = j->deep_k / 10;
    return pages(s, j, out, s->deep, older < BENCH_PAGE ? older : BENCH_PAGE,
                 j->t0 + (int64_t)(j->deep_k - 10) * 1000);
}

int crm_promise_batch(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    long b = round * BENCH_TURN;
    long e = b + BENCH_TURN < j->promises ? b + BENCH_TURN : j->promises;
    bench_timer tm;
    bench_start(&tm);
    int rc = b % BENCH_BATCH ? CRM_OK : crm_begin(s->db);
    if (rc != CRM_OK)
        return fail(s, "crm_begin", rc);
    for (long k = b; k < e; k++) {
        int64_t due = bench_promise_due(j, k);
        rc = crm_promise_make(NULL, s->db, s->kept[k % j->kept], NULL, BENCH_OWNER,
                              BENCH_PROMISE_WHAT, due,
                              due < j->now ? bench_overdue_made(due) : CRM_TIME_NONE);
        if (rc != CRM_OK)
            return fail_batch(s, "crm_promise_make", rc);
    }
    rc = e % BENCH_BATCH && e < j->promises ? CRM_OK : crm_commit(s->db);
    if (rc != CRM_OK)
        return fail_batch(s, "crm_commit", rc);
    bench_stop(&tm, out);
    out->n = e - b;
    return 0;
}

int crm_promise_pair(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    long b = round * BENCH_CHUNK;
    long e = b + BENCH_CHUNK < j->pairs ? b + BENCH_CHUNK : j->pairs;
    bench_timer tm;
    bench_start(&tm);
    for (long k = b; k < e; k++) {
        crm_promise *p = NULL;
        int rc = crm_promise_make(&p, s->db, s->kept[k % j->kept], NULL, BENCH_OWNER,
                                  BENCH_PROMISE_WHAT, j->now + 86400000, CRM_TIME_NONE);
        if (rc != CRM_OK)
            return fail(s, "crm_promise_make", rc);
        rc = crm_promise_keep(NULL, s->db, crm_promise_id(p), NULL, NULL, CRM_TIME_NONE);
        crm_promise_free(p);
        if (rc != CRM_OK)
            return fail(s, "crm_promise_keep", rc);
    }
    out->n = e - b;
    bench_stop(&tm, out);
    return 0;
}

int crm_overdue(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    crm_side *s = side;
    long overdue = (j->promises + 1) / 2;
    long want = overdue < BENCH_PAGE ? overdue : BENCH_PAGE;
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.overdue_as_of = j->now;
    f.limit = BENCH_PAGE;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        crm_promise_cursor *cur = NULL;
        int rc = crm_promise_list_open(&cur, s->db, &f);
        if (rc != CRM_OK)
            return fail(s, "crm_promise_list_open", rc);
        const crm_promise *p;
        long rows = 0;
        int64_t last = 0;
        while ((rc = crm_promise_cursor_next(cur, &p)) == CRM_ROW) {
            rows += crm_promise_due_at(p) >= last && crm_promise_id(p)[0] &&
                    crm_promise_owner(p)[0];
            last = crm_promise_due_at(p);
        }
        crm_promise_cursor_free(cur);
        if (rc != CRM_DONE)
            return fail(s, "crm_promise_cursor_next", rc);
        if (rows != want)
            return bench_fail("libcrm: %ld overdue promises in order, expected %ld", rows,
                              want);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

int crm_journal_read(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    crm_side *s = side;
    int64_t last = 0;
    int rc = crm_journal_last_seq(&last, s->db);
    if (rc != CRM_OK)
        return fail(s, "crm_journal_last_seq", rc);
    int64_t since = last / 2;
    long want = last - since < BENCH_JOURNAL_READ ? (long)(last - since) : BENCH_JOURNAL_READ;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        crm_journal_entry_cursor *cur = NULL;
        rc = crm_journal_entry_list_open(&cur, s->db, since);
        if (rc != CRM_OK)
            return fail(s, "crm_journal_entry_list_open", rc);
        const crm_journal_entry *e;
        long got = 0, rows = 0;
        int64_t seq = since;
        while (got < want && (rc = crm_journal_entry_cursor_next(cur, &e)) == CRM_ROW) {
            got++;
            rows += crm_journal_entry_seq(e) == seq + 1 && crm_journal_entry_data(e)[0] &&
                    crm_journal_entry_entity_id(e)[0];
            seq = crm_journal_entry_seq(e);
        }
        crm_journal_entry_cursor_free(cur);
        if (rc != CRM_ROW && rc != CRM_DONE)
            return fail(s, "crm_journal_entry_cursor_next", rc);
        if (rows != want)
            return bench_fail("libcrm: read %ld journal entries in order, expected %ld",
                              rows, want);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

int crm_customer_page(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    crm_side *s = side;
    char after[CRM_ID_LEN + 1] = "";
    long walked = 0;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
        f.limit = BENCH_PAGE;
        f.after = after[0] ? after : NULL;
        crm_customer_cursor *cur = NULL;
        int rc = crm_customer_list_open(&cur, s->db, &f);
        if (rc != CRM_OK)
            return fail(s, "crm_customer_list_open", rc);
        const crm_customer *c;
        long rows = 0;
        while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW) {
            memcpy(after, crm_customer_id(c), sizeof after);
            rows += crm_customer_name(c)[0] != '\0';
        }
        crm_customer_cursor_free(cur);
        if (rc != CRM_DONE)
            return fail(s, "crm_customer_cursor_next", rc);
        walked += rows;
        long want = j->n - (walked - rows) < BENCH_PAGE ? j->n - (walked - rows) : BENCH_PAGE;
        if (rows != want)
            return bench_fail("libcrm: a customer page has %ld rows, expected %ld", rows,
                              want);
        if (walked == j->n) {
            after[0] = '\0'; /* start again from the first page */
            walked = 0;
        }
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

/* A new handle per call, as a script run per telephone call does: open
 * (the file is judged before SQLite opens it, its header read directly and
 * its schema compared with the one its version defines), look the caller
 * up, close. */
int crm_open_close(void *side, const job *j, long round, sample *out)
{
    (void)round;
    (void)side;
    crm_open_options opts = CRM_OPEN_OPTIONS_INIT;
    opts.flags = 0; /* it exists */
    opts.default_country = "US";
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < BENCH_OPENS; r++) {
        crm_db *db = NULL;
        int rc = crm_open(&db, j->path, &opts);
        if (rc != CRM_OK)
            return fail(NULL, "crm_open", rc);
        char phone[24];
        bench_e164(phone, sizeof phone, r * 7919 % j->n);
        crm_customer *c = NULL;
        rc = crm_identity_lookup(&c, db, "phone", phone);
        crm_customer_free(c);
        crm_close(db);
        if (rc != CRM_OK)
            return bench_fail("libcrm: a lookup after opening: %s", crm_errname(rc));
    }
    bench_stop(&tm, out);
    out->n = BENCH_OPENS;
    return 0;
}

int crm_count_customers(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    crm_side *s = side;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->scans; r++) {
        int64_t n = -1;
        int rc = crm_customer_count(&n, s->db, NULL);
        if (rc != CRM_OK)
            return fail(s, "crm_customer_count", rc);
        if (n != j->n)
            return bench_fail("libcrm: counted %lld customers, expected %ld", (long long)n,
                              j->n);
    }
    bench_stop(&tm, out);
    out->n = j->scans;
    return 0;
}

int crm_thread_filtered(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    crm_side *s = side;
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.channels = CRM_CHANNEL_BIT(CRM_CHANNEL_PHONE);
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        crm_interaction_cursor *cur = NULL;
        int rc = crm_interaction_thread_open(&cur, s->db, s->deep, &f);
        if (rc != CRM_OK)
            return fail(s, "crm_interaction_thread_open", rc);
        const crm_interaction *it;
        long rows = 0;
        while ((rc = crm_interaction_cursor_next(cur, &it)) == CRM_ROW)
            rows += crm_interaction_summary(it) != NULL;
        crm_interaction_cursor_free(cur);
        if (rc != CRM_DONE)
            return fail(s, "crm_interaction_cursor_next", rc);
        if (rows != 1)
            return bench_fail("libcrm: a thread has %ld rows, expected 1", rows);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

int crm_promise_import(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    long b = round * BENCH_TURN;
    long e = b + BENCH_TURN < j->promises ? b + BENCH_TURN : j->promises;
    int64_t now = j->now;
    bench_timer tm;
    bench_start(&tm);
    int rc = b % BENCH_BATCH ? CRM_OK : crm_begin(s->db);
    if (rc != CRM_OK)
        return fail(s, "crm_begin", rc);
    for (long k = b; k < e; k++) {
        crm_promise *p = NULL;
        rc = crm_promise_make(&p, s->db, s->kept[k % j->kept], NULL, BENCH_OWNER,
                              BENCH_PROMISE_WHAT, now - 7 * BENCH_DAY, now - 10 * BENCH_DAY);
        if (rc != CRM_OK)
            return fail_batch(s, "crm_promise_make", rc);
        rc = crm_promise_renegotiate(NULL, s->db, crm_promise_id(p), now - 2 * BENCH_DAY,
                                     BENCH_IMPORT_WHY, 1, now - 5 * BENCH_DAY);
        if (rc == CRM_OK)
            rc = crm_promise_keep(NULL, s->db, crm_promise_id(p), NULL, NULL, now - BENCH_DAY);
        crm_promise_free(p);
        if (rc != CRM_OK)
            return fail_batch(s, "importing a promise's history", rc);
    }
    rc = e % BENCH_BATCH && e < j->promises ? CRM_OK : crm_commit(s->db);
    if (rc != CRM_OK)
        return fail_batch(s, "crm_commit", rc);
    bench_stop(&tm, out);
    out->n = e - b;
    return 0;
}

/* The customers of one owner (see raw_owner_page). */
int crm_owner_page(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    if (round == 0) {
        int rc = crm_begin(s->db);
        for (long k = 0; rc == CRM_OK && k < j->kept; k++)
            rc = crm_customer_set_owner(s->db, s->kept[k], bench_team(k));
        if (rc == CRM_OK)
            rc = crm_commit(s->db);
        if (rc != CRM_OK)
            return fail(s, "crm_customer_set_owner", rc);
    }
    long want = bench_owner_page_rows(j);
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < j->reps; r++) {
        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
        f.owner = bench_team(1);
        f.limit = BENCH_PAGE;
        crm_customer_cursor *cur = NULL;
        int rc = crm_customer_list_open(&cur, s->db, &f);
        if (rc != CRM_OK)
            return fail(s, "crm_customer_list_open", rc);
        const crm_customer *c;
        long rows = 0;
        while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
            rows += strcmp(crm_customer_owner(c), bench_team(1)) == 0;
        crm_customer_cursor_free(cur);
        if (rc != CRM_DONE)
            return fail(s, "crm_customer_cursor_next", rc);
        if (rows != want)
            return bench_fail("libcrm: an owner's page has %ld rows, expected %ld", rows, want);
    }
    bench_stop(&tm, out);
    out->n = j->reps;
    return 0;
}

/* ---- reports -------------------------------------------------------------- */

typedef int (*report_open_fn)(crm_report_cursor **, crm_db *, const crm_report_options *);

/* One report over every interaction, each row read whole as a program
 * would show it: every column by its type. */
static int walk_report(crm_side *s, const job *j, report_open_fn open, const char *what,
                       sample *out)
{
    crm_report_options o = CRM_REPORT_OPTIONS_INIT;
    o.as_of = j->now;
    o.period = CRM_REPORT_PERIOD_WEEK;
    bench_timer tm;
    bench_start(&tm);
    crm_report_cursor *cur = NULL;
    int rc = open(&cur, s->db, &o);
    if (rc != CRM_OK)
        return fail(s, what, rc);
    int ncols = crm_report_column_count(cur);
    const crm_report_row *row;
    long rows = 0, bytes = 0;
    double sum = 0;
    while ((rc = crm_report_cursor_next(cur, &row)) == CRM_ROW) {
        rows++;
        for (int c = 0; c < ncols; c++) {
            crm_value_t t = crm_report_column_type(cur, c);
            if (t == CRM_VALUE_TEXT) {
                const char *v = crm_report_row_text(row, c);
                bytes += v ? (long)strlen(v) : 0;
            } else {
                sum += crm_report_row_real(row, c) + (double)crm_report_row_int(row, c);
            }
        }
    }
    crm_report_cursor_free(cur);
    if (rc != CRM_DONE)
        return fail(s, what, rc);
    bench_stop(&tm, out);
    if (rows == 0 || bytes == 0 || sum <= 0)
        return bench_fail("libcrm: %s gave no rows", what);
    out->n = 1;
    return 0;
}

int crm_report_reasons(void *side, const job *j, long round, sample *out)
{
    (void)round;
    return walk_report(side, j, crm_report_reasons_open, "the reasons report", out);
}

int crm_report_repeats(void *side, const job *j, long round, sample *out)
{
    (void)round;
    return walk_report(side, j, crm_report_repeats_open, "the repeats report", out);
}

int crm_report_fcr(void *side, const job *j, long round, sample *out)
{
    (void)round;
    return walk_report(side, j, crm_report_fcr_open, "the first-contact resolution report", out);
}

int crm_report_handover(void *side, const job *j, long round, sample *out)
{
    (void)round;
    return walk_report(side, j, crm_report_handover_open, "the hand-over report", out);
}

int crm_report_keep_rate(void *side, const job *j, long round, sample *out)
{
    (void)round;
    return walk_report(side, j, crm_report_keep_rate_open, "the keep-rate report", out);
}

int crm_report_channel_mix(void *side, const job *j, long round, sample *out)
{
    (void)round;
    return walk_report(side, j, crm_report_channel_mix_open, "the channel mix report", out);
}

/* The agenda's data (bench.h), once, before the first read of it. */
static int agenda_setup(crm_side *s, const job *j)
{
    char agent[24];
    int rc = crm_begin(s->db);
    for (long k = 0; rc == CRM_OK && k < j->promises; k++) {
        bench_agent(agent, sizeof agent, k % BENCH_AGENTS);
        int64_t due = bench_agenda_due(j, k);
        rc = crm_promise_make(NULL, s->db, s->kept[bench_agenda_customer(j, k)], NULL, agent,
                              BENCH_PROMISE_WHAT, due,
                              due < j->now ? bench_overdue_made(due) : j->now);
    }
    for (long c = 2; rc == CRM_OK && c < j->kept; c += 16)
        rc = crm_customer_set_owner(s->db, s->kept[c],
                                    bench_customer_owner(agent, sizeof agent, c));
    for (long c = 0; rc == CRM_OK && c < j->kept; c++) {
        if (!BENCH_CONTACT(c))
            continue;
        crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
        spec.customer_id = s->kept[c];
        spec.channel = CRM_CHANNEL_EMAIL;
        spec.direction = CRM_DIRECTION_IN;
        spec.occurred_at = bench_contact_at(j, c);
        rc = crm_interaction_log(NULL, s->db, &spec);
        if (rc == CRM_OK && BENCH_ANSWERED(c)) {
            spec.direction = CRM_DIRECTION_OUT;
            spec.occurred_at += 60000;
            rc = crm_interaction_log(NULL, s->db, &spec);
        }
    }
    if (rc == CRM_OK)
        rc = crm_commit(s->db);
    return rc == CRM_OK ? 0 : fail_batch(s, "adding the agenda's data", rc);
}

/* The first page of owner's agenda, reps times (see raw_agenda). */
static int agenda_read(crm_side *s, const job *j, const char *owner, sample *out)
{
    long want;
    int64_t want_sum;
    bench_agenda_want(j, owner, &want, &want_sum);
    long reps = bench_agenda_reps(j);
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    o.owner = owner;
    o.as_of = j->now;
    o.limit = BENCH_PAGE;
    bench_timer tm;
    bench_start(&tm);
    for (long r = 0; r < reps; r++) {
        crm_agenda_item_cursor *cur = NULL;
        int rc = crm_agenda_item_list_open(&cur, s->db, &o);
        if (rc != CRM_OK)
            return fail(s, "crm_agenda_item_list_open", rc);
        const crm_agenda_item *it;
        long rows = 0;
        int64_t sum = 0;
        while ((rc = crm_agenda_item_cursor_next(cur, &it)) == CRM_ROW) {
            rows += crm_agenda_item_id(it)[0] && crm_agenda_item_customer_name(it)[0];
            sum += crm_agenda_item_score(it);
        }
        crm_agenda_item_cursor_free(cur);
        if (rc != CRM_DONE)
            return fail(s, "crm_agenda_item_cursor_next", rc);
        if (rows != want || sum != want_sum)
            return bench_fail("libcrm: %s's agenda has %ld items scoring %lld, expected %ld "
                              "scoring %lld",
                              owner, rows, (long long)sum, want, (long long)want_sum);
    }
    bench_stop(&tm, out);
    out->n = reps;
    return 0;
}

int crm_agenda(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    if (round == 0 && agenda_setup(s, j))
        return -1;
    char agent[24];
    bench_agent(agent, sizeof agent, 1);
    return agenda_read(s, j, agent, out);
}

int crm_agenda_team(void *side, const job *j, long round, sample *out)
{
    (void)round; /* every round of a read is the same */
    return agenda_read(side, j, bench_team(1), out);
}

/* ---- consent ------------------------------------------------------------------- */

/* Every kept customer's consent ledger (bench.h), once, before the first
 * check. */
static int consent_setup(crm_side *s, const job *j)
{
    int rc = crm_begin(s->db);
    for (long c = 0; rc == CRM_OK && c < j->kept; c++) {
        for (int e = 0; rc == CRM_OK && e < BENCH_CONSENT_EVENTS; e++) {
            crm_consent_spec spec = CRM_CONSENT_SPEC_INIT;
            int granted;
            spec.customer_id = s->kept[c];
            bench_consent_event(j, c, e, &spec.purpose, &spec.channel, &granted, &spec.at);
            rc = granted ? crm_consent_grant(NULL, s->db, &spec)
                         : crm_consent_withdraw(NULL, s->db, &spec);
        }
    }
    if (rc == CRM_OK)
        rc = crm_commit(s->db);
    return rc == CRM_OK ? 0 : fail_batch(s, "adding the consent ledgers", rc);
}

int crm_bench_consent_check(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    if (round == 0 && consent_setup(s, j))
        return -1;
    long want = 0, yes = 0;
    for (long k = 0; k < j->lookups; k++)
        want += bench_consent_want(bench_consent_customer(j, k), bench_consent_channel(k));
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        int may = 0;
        int rc = crm_consent_check(&may, s->db, s->kept[bench_consent_customer(j, k)],
                                   "marketing", bench_consent_channel(k));
        if (rc != CRM_OK)
            return fail(s, "crm_consent_check", rc);
        yes += may;
    }
    bench_stop(&tm, out);
    if (yes != want)
        return bench_fail("libcrm: %ld customers may be contacted, expected %ld", yes, want);
    out->n = j->lookups;
    return 0;
}

/* ---- confirming who is there ------------------------------------------------------ */

/* Every kept customer's date of birth, once, before the first call. */
static int verify_setup(crm_side *s, const job *j)
{
    int rc = crm_begin(s->db);
    for (long c = 0; rc == CRM_OK && c < j->kept; c++) {
        char dob[BENCH_DOB_SIZE];
        bench_verify_dob(dob, c);
        rc = crm_attr_set(s->db, s->kept[c], BENCH_VERIFY_KEY, dob);
    }
    if (rc == CRM_OK)
        rc = crm_commit(s->db);
    return rc == CRM_OK ? 0 : fail_batch(s, "setting the dates of birth", rc);
}

int crm_bench_customer_verify(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    if (round == 0 && verify_setup(s, j))
        return -1;
    long b = round * BENCH_CHUNK;
    long e = b + BENCH_CHUNK < j->singles ? b + BENCH_CHUNK : j->singles;
    char answer[BENCH_CHUNK][BENCH_DOB_SIZE];
    long want = 0, right = 0;
    for (long k = b; k < e; k++) {
        bench_verify_dob(answer[k - b], bench_verify_customer(j, k) + !bench_verify_right(j, k));
        want += bench_verify_right(j, k);
    }
    bench_timer tm;
    bench_start(&tm);
    for (long k = b; k < e; k++) {
        int matched = 0;
        int rc = crm_customer_verify(&matched, s->db, s->kept[bench_verify_customer(j, k)],
                                     BENCH_VERIFY_KEY, answer[k - b]);
        if (rc != CRM_OK)
            return fail(s, "crm_customer_verify", rc);
        right += matched;
    }
    bench_stop(&tm, out);
    if (right != want)
        return bench_fail("libcrm: %ld right answers, expected %ld", right, want);
    out->n = e - b;
    return 0;
}

/* ---- ids by their first digits ------------------------------------------------------ */

int crm_bench_id_expand(void *side, const job *j, long round, sample *out)
{
    crm_side *s = side;
    (void)round;
    long found = 0;
    bench_timer tm;
    bench_start(&tm);
    for (long k = 0; k < j->lookups; k++) {
        const char *id = s->kept[bench_consent_customer(j, k)];
        char prefix[BENCH_PREFIX_LEN + 1];
        memcpy(prefix, id, BENCH_PREFIX_LEN);
        prefix[BENCH_PREFIX_LEN] = '\0';
        char *full = NULL;
        int rc = crm_id_expand(&full, s->db, CRM_RECORD_CUSTOMER, prefix);
        if (rc != CRM_OK)
            return fail(s, "crm_id_expand", rc);
        found += strcmp(full, id) == 0;
        crm_free(full);
    }
    bench_stop(&tm, out);
    if (found != j->lookups)
        return bench_fail("libcrm: %ld of %ld prefixes named their customer", found, j->lookups);
    out->n = j->lookups;
    return 0;
}
