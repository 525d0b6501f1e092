/*
 * libcrm benchmark - what the driver (bench_core.c) and the two sides
 * (bench_crm.c through libcrm, bench_raw.c through SQLite directly) share:
 * the sizes of a run, the inputs both sides are fed, and the table of
 * operations.
 */
#ifndef CRM_BENCH_H
#define CRM_BENCH_H

#include <stddef.h>
#include <stdint.h>

#define BENCH_BATCH 10000   /* rows per transaction of bulk work, on both sides */
#define BENCH_PAGE 50       /* rows per page */
#define BENCH_TURN 1000     /* rows of a batch written per turn of one side */
#define BENCH_CHUNK 10      /* own-transaction writes per turn of one side */
#define BENCH_ROUNDS 5      /* read operations are timed this often; the fastest counts */
#define BENCH_MAX_KEPT 65536 /* at most this many customer ids are kept for later work */
#define BENCH_JOURNAL_READ 1000 /* journal entries read per journal read */
#define BENCH_OPENS 50      /* opens (and closes) of the file per round */
#define BENCH_MAX_N 8000000L /* distinct numbers: +1 415 200 0000 .. +1 415 999 9999 */

/* One run at one size. Every count derives from n (and m) in bench_job(),
 * so both sides do exactly the same work. */
typedef struct job {
    long n;        /* customers imported, one phone number each */
    long m;        /* interactions logged in bulk; every 10th is the heavy customer's */
    long lookups;  /* caller-ID lookups per round */
    long reps;     /* pages (or journal reads) per round */
    long scans;    /* counts of every customer per round: as many rows each size */
    long singles;  /* interactions logged one transaction each */
    long pairs;    /* promises made and then kept, each call its own transaction */
    long promises; /* promises made in bulk, half of them overdue */
    long stride;   /* the ids of customers 0, stride, 2 * stride, ... are kept */
    long kept;     /* how many: customer 0 is the heavy one */
    long deep_k;   /* the bulk interaction whose id starts the deep page */
    int64_t t0;    /* occurred_at of bulk interaction 0 (ms) */
    int64_t now;   /* "now" of the run: due times and the overdue query */
    const char *path;
} job;

/* n operations took `wall` seconds of elapsed time and `cpu` seconds of
 * the process's CPU time (user and system). */
typedef struct sample {
    long n;
    double wall, cpu;
} sample;

/* A started clock; bench_stop() adds the time since bench_start() to *out. */
typedef struct bench_timer {
    double wall, cpu;
} bench_timer;
void bench_start(bench_timer *t);
void bench_stop(const bench_timer *t, sample *out);

/* One turn of an operation on one side: a round of a read, or the
 * round-th batch (or chunk) of a write. Sets out->n and adds its time;
 * returns 0, or -1 after bench_fail(). */
typedef int (*bench_fn)(void *side, const job *j, long round, sample *out);

typedef struct op_def {
    const char *op;          /* short name, the "op" of the JSON */
    const char *what;        /* one line for a person */
    double target;           /* most libcrm may cost, as a multiple of the baseline's time; 0: none */
    const char *target_text; /* the target in words, NULL when none */
    bench_fn crm;
    bench_fn raw;            /* NULL: the baseline is the raw side's op named by `baseline` */
    const char *baseline;
    long (*turns)(const job *j); /* writes: batches, summed; NULL: a read, BENCH_ROUNDS
                                    rounds of which the fastest counts */
    int wall;                /* judged by elapsed time (it waits for the disk), else CPU time */
} op_def;

/* ---- the sides ------------------------------------------------------------ */
void *crm_side_open(const job *j);
int crm_side_close(void *side);
int crm_import(void *side, const job *j, long round, sample *out);
int crm_lookup(void *side, const job *j, long round, sample *out);
int crm_lookup_national(void *side, const job *j, long round, sample *out);
int crm_log_batch(void *side, const job *j, long round, sample *out);
int crm_log_single(void *side, const job *j, long round, sample *out);
int crm_timeline(void *side, const job *j, long round, sample *out);
int crm_timeline_deep(void *side, const job *j, long round, sample *out);
int crm_promise_batch(void *side, const job *j, long round, sample *out);
int crm_promise_pair(void *side, const job *j, long round, sample *out);
int crm_overdue(void *side, const job *j, long round, sample *out);
int crm_journal_read(void *side, const job *j, long round, sample *out);
int crm_customer_page(void *side, const job *j, long round, sample *out);
int crm_open_close(void *side, const job *j, long round, sample *out);
int crm_count_customers(void *side, const job *j, long round, sample *out);
int crm_thread_filtered(void *side, const job *j, long round, sample *out);
int crm_resolve(void *side, const job *j, long round, sample *out);
int crm_holders(void *side, const job *j, long round, sample *out);
int crm_promise_import(void *side, const job *j, long round, sample *out);
int crm_owner_page(void *side, const job *j, long round, sample *out);
int crm_report_reasons(void *side, const job *j, long round, sample *out);
int crm_report_repeats(void *side, const job *j, long round, sample *out);
int crm_report_fcr(void *side, const job *j, long round, sample *out);
int crm_report_handover(void *side, const job *j, long round, sample *out);
int crm_report_keep_rate(void *side, const job *j, long round, sample *out);
int crm_report_channel_mix(void *side, const job *j, long round, sample *out);
int crm_agenda(void *side, const job *j, long round, sample *out);
int crm_agenda_team(void *side, const job *j, long round, sample *out);

void *raw_side_open(const job *j);
int raw_side_close(void *side);
int raw_import(void *side, const job *j, long round, sample *out);
int raw_lookup(void *side, const job *j, long round, sample *out);
int raw_log_batch(void *side, const job *j, long round, sample *out);
int raw_log_single(void *side, const job *j, long round, sample *out);
int raw_timeline(void *side, const job *j, long round, sample *out);
int raw_timeline_deep(void *side, const job *j, long round, sample *out);
int raw_promise_batch(void *side, const job *j, long round, sample *out);
int raw_promise_pair(void *side, const job *j, long round, sample *out);
int raw_overdue(void *side, const job *j, long round, sample *out);
int raw_journal_read(void *side, const job *j, long round, sample *out);
int raw_customer_page(void *side, const job *j, long round, sample *out);
int raw_open_close(void *side, const job *j, long round, sample *out);
int raw_count_customers(void *side, const job *j, long round, sample *out);
int raw_thread_filtered(void *side, const job *j, long round, sample *out);
int raw_holders(void *side, const job *j, long round, sample *out);
int raw_promise_import(void *side, const job *j, long round, sample *out);
int raw_resolve(void *side, const job *j, long round, sample *out);
int raw_owner_page(void *side, const job *j, long round, sample *out);
int raw_report_reasons(void *side, const job *j, long round, sample *out);
int raw_report_repeats(void *side, const job *j, long round, sample *out);
int raw_report_fcr(void *side, const job *j, long round, sample *out);
int raw_report_handover(void *side, const job *j, long round, sample *out);
int raw_report_keep_rate(void *side, const job *j, long round, sample *out);
int raw_report_channel_mix(void *side, const job *j, long round, sample *out);
int raw_agenda(void *side, const job *j, long round, sample *out);
int raw_agenda_team(void *side, const job *j, long round, sample *out);

/* ---- shared by both sides (bench_core.c) ------------------------------------ */
#if defined(__GNUC__)
#define BENCH_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define BENCH_PRINTF(f, a)
#endif

/* Record why the side failed (the first reason wins); returns -1. */
int bench_fail(const char *fmt, ...) BENCH_PRINTF(1, 2);
/* Peak RSS of this process so far, KiB; the import records it when done. */
long bench_peak_rss_kb(void);
extern long bench_rss_import_kb;

/* xorshift64*: the same sequence on both sides for the same seed. */
uint64_t bench_rng(uint64_t *state);

/* The inputs, made from an index so that nothing the size of the data is
 * held in memory. */
void bench_name(char *buf, size_t size, long customer);     /* "Customer 0000042" */
void bench_e164(char *buf, size_t size, long customer);     /* "+14152000042" */
void bench_national(char *buf, size_t size, long customer); /* "(415) 200-0042" */
/* The callers of a round of lookups, the same on both sides: the numbers
 * of `count` random customers (E.164, or national when `national`) in
 * *in and the names they must find in *want, both for the caller to
 * free. Returns 0, or -1 out of memory (recorded by bench_fail). */
typedef char bench_text[24];
int bench_callers(const job *j, long count, int national, bench_text **in, bench_text **want);
/* The kept customer (0 .. kept-1) bulk interaction k belongs to; 0 is
 * the heavy customer, who has every 10th. */
long bench_interaction_owner(const job *j, long k);
void bench_summary(char *buf, size_t size, long k);
/* The owner of kept customer k: one of four teams, in turn. */
const char *bench_team(long k);
/* The rows of the first page of team 1's customers. */
long bench_owner_page_rows(const job *j);
/* Due time of bulk promise k: every other one is overdue at j->now. */
int64_t bench_promise_due(const job *j, long k);
/* A due time cannot have passed when it is set: a bulk or agenda promise
 * overdue at j->now (due < j->now) was made a day before it fell due, at
 * bench_overdue_made(due), its make journaled with when it was recorded.
 * The other bulk promises are made now (due a day later at least); the
 * other agenda promises at j->now, as some fall due minutes after it. */
#define bench_overdue_made(due) ((due) - 86400000LL)
/* An imported promise's history, relative to j->now: made 10 days
 * before, due 7 days before; renegotiated 5 days before to 2 days before,
 * with the customer's agreement; kept 1 day before, a day late. */
#define BENCH_DAY 86400000LL
#define BENCH_IMPORT_WHY "the part was late"

/* The agenda's data, added by each side before the agenda is first read
 * (after owner_page has given every kept customer a team): j->promises
 * more open promises, promise k on kept customer bench_agenda_customer(k),
 * owned by agent bench_agent(k % BENCH_AGENTS), due at bench_agenda_due(j,
 * k); every kept customer c with c % 16 == 2 given to agent (c / 16) %
 * BENCH_AGENTS (its book: 64 customers at a million); and an inbound
 * contact, open, of every kept customer c with c % 8 == 1 or c % 16 == 2,
 * at bench_contact_at(j, c), answered a minute later by an outbound one
 * when c % 16 == 9. The agenda read: the first BENCH_PAGE items as of
 * j->now, for agent 1 (row agenda) or team 1 (row agenda_team). */
#define BENCH_AGENTS 64
#define BENCH_AGENDA_HOUR 3600000LL
long bench_agenda_customer(const job *j, long k);
void bench_agent(char *buf, size_t size, long a); /* "agent:a01" */
int64_t bench_agenda_due(const job *j, long k);
int64_t bench_contact_at(const job *j, long c);
/* The owner of kept customer c once the agenda's data is in. */
const char *bench_customer_owner(char *buf, size_t size, long c);
/* Kept customer c has an open inbound contact; it was answered. */
#define BENCH_CONTACT(c) ((c) % 8 == 1 || (c) % 16 == 2)
#define BENCH_ANSWERED(c) ((c) % 16 == 9)
/* How many times a round reads the agenda. */
long bench_agenda_reps(const job *j);
/* What the first page of owner's agenda holds, worked out from the data's
 * rule: *rows items whose scores add up to *score_sum. */
void bench_agenda_want(const job *j, const char *owner, long *rows, int64_t *score_sum);

/* Fixed values of every interaction and promise written. */
#define BENCH_HANDLED_BY "agent:alice"
#define BENCH_OWNER "team:billing"
#define BENCH_PROMISE_WHAT "Call back with the corrected invoice"
#define BENCH_ACTOR "bench"

/* The reports' data: interaction k's reason code (one of six, in two
 * levels) and channel (phone, but for every 10th + 3 on the IVR, + 5 by
 * e-mail and + 7 by chat: the heavy customer's, every 10th, stay phone
 * calls). */
const char *bench_reason(long k);
int bench_channel(long k);                 /* a crm_channel_t */
const char *bench_channel_word(long k);
/* The reports' options on both sides: every interaction, reasons whole,
 * repeats within 7 days, hand-over within 30 minutes, the channel mix by
 * week. */
#define BENCH_REPEAT_MS (7 * BENCH_DAY)
#define BENCH_HANDOVER_MS (30 * 60000LL)

/* ---- consent (row consent_check) ------------------------------------------- */
/* Every kept customer c's consent ledger, added by each side before the
 * first check (not timed): BENCH_CONSENT_EVENTS events, event e of purpose
 * *purpose on *channel (NULL: every channel), a grant when *granted, said
 * at *at. The checks of a round: j->lookups, check k of kept customer
 * bench_consent_customer(j, k) for "marketing" on bench_consent_channel(k);
 * bench_consent_want() is the answer the rule gives (docs/consent.md). */
#define BENCH_CONSENT_EVENTS 4
void bench_consent_event(const job *j, long c, int e, const char **purpose, const char **channel,
                         int *granted, int64_t *at);
long bench_consent_customer(const job *j, long k);
const char *bench_consent_channel(long k);
int bench_consent_want(long c, const char *channel);
int crm_bench_consent_check(void *side, const job *j, long round, sample *out);
int raw_consent_check(void *side, const job *j, long round, sample *out);

/* ---- confirming who is there (row customer_verify) ------------------------- */
/* Every kept customer c's date of birth, bench_verify_dob(), set by each
 * side before the first call (not timed). Call k (j->singles of them, each
 * its own transaction) asks kept customer bench_verify_customer(j, k) with
 * the right date when bench_verify_right(j, k), else a wrong one: never
 * two wrong answers in a row for one customer, so none is locked. */
#define BENCH_VERIFY_KEY "date_of_birth"
#define BENCH_DOB_SIZE 16
void bench_verify_dob(char out[BENCH_DOB_SIZE], long c);
long bench_verify_customer(const job *j, long k);
int bench_verify_right(const job *j, long k);
int crm_bench_customer_verify(void *side, const job *j, long round, sample *out);
int raw_customer_verify(void *side, const job *j, long round, sample *out);

/* ---- ids by their first digits (row id_expand) ------------------------------- */
/* Lookup k (j->lookups of them) names kept customer bench_consent_customer(j, k)
 * by the first BENCH_PREFIX_LEN characters of its id as text (16 digits
 * and the hyphens among them, enough to tell every customer of the file
 * apart), and wants the whole id back as text. */
#define BENCH_PREFIX_LEN 19
int crm_bench_id_expand(void *side, const job *j, long round, sample *out);
int raw_id_expand(void *side, const job *j, long round, sample *out);

#endif
