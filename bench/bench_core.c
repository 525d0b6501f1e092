/*
 * libcrm benchmark: the core work of a contact centre done through libcrm
 * and, in the same run on the same machine and data, with the best
 * hand-written SQLite code for the same result (bench_raw.c says what that
 * code does and does not do). Each operation prints libcrm's rate, the raw
 * rate, their cost ratio (libcrm time / raw time: 2.0 means libcrm takes
 * twice as long) and, where the project has a target, PASS or MISS. Timing
 * never fails the program; only a wrong result or a failed step does.
 *
 *   crm_bench [N] [--json PATH]
 *   crm_bench --sizes N1,N2,... [--json PATH]
 *
 *   N, Ni      customers, 100 to 8000000 (default 10000); as many
 *              interactions are logged, so --sizes 10000,100000,1000000
 *              ends with a million of each.
 *   --sizes    run each size in turn, smallest first; every later size
 *              also reports lookup growth: libcrm's lookup time at that
 *              size against the first (target: at most 1.5 times), and
 *              raw SQLite's own growth beside it for reference.
 *   --json     write the results to PATH: one JSON object for a single size
 *              given as N, an array of them (one per size) with --sizes.
 *              Each object: {"suite":"c","size":N,"interactions":M,
 *              "results":[{"op","what","unit","libcrm","baseline",
 *              "baseline_name","ratio","target","pass"}...],
 *              "peak_rss_kb":{"libcrm","raw"},"cpu","date"}; ratio is
 *              libcrm time / baseline time, pass is null where there is no
 *              target; import_rss is in KiB, every other row in ops/s.
 *
 * Each side runs in a process of its own, so that its peak RSS (getrusage)
 * is its own, on its own temporary file in $TMPDIR (or /tmp), in WAL mode
 * with synchronous=FULL (libcrm's default durability). The two processes
 * take turns, so that a change in the machine's load falls on both alike:
 * a read runs 5 rounds, one side's then the other's, and the fastest
 * counts; a write runs once, 1000 rows of a batch (or 10 own-transaction
 * calls) at a time on each side in turn, and the turns add up. An operation
 * is timed
 * by the CPU time of its process (user and system), which other work on a
 * busy machine disturbs far less than elapsed time, except where the cost
 * is waiting for the disk (own-transaction writes: elapsed time, marked
 * so). On Linux both processes are held to one CPU, the same for both. Inputs are made from indexes as they are needed (and before the
 * clock starts), so the benchmark holds nothing the size of the data. Per
 * size, in order (the table OPS below):
 *   import         N customers, each with one phone number given in E.164,
 *                  in transactions of 10000 on both sides (crm_begin ...
 *                  crm_commit; BEGIN ... COMMIT), journal rows included;
 *   lookup         caller-ID lookups of random customers by E.164, as a SIP
 *                  or FreeSWITCH feed gives it, on both sides; then the
 *                  same by national number "(415) 234-5678", which libcrm
 *                  must parse (informational, against the raw E.164 time);
 *   log_batch      N interactions with their journal rows, in transactions
 *                  of 10000; every 10th belongs to one heavy customer;
 *   log_single     interactions each in its own transaction (fsync each);
 *   timeline       the heavy customer's newest 50, and 50 before an
 *                  interaction 90 % of the way back (keyset `before`);
 *   promise_batch  N/20 promises (half overdue) in transactions of 10000;
 *   promise_pair   a promise made and then kept, each its own transaction;
 *   overdue        the first page of 50 overdue promises;
 *   journal        1000 journal entries read from the middle of the journal;
 *   customer_page  pages of 50 customers in creation order, by keyset;
 *   open           a handle opened, a caller looked up, the handle closed;
 *   customer_count the active customers counted, a whole scan each time,
 *                  as many times per round as make two million rows;
 *   thread_filter  the deep interaction's thread, one channel only;
 *   resolve        a text resolved as a phone number, an account number
 *                  and a loyalty number at once;
 *   holders        the holders of a random customer's phone number;
 *   owner_page     the first 50 active customers of one owner (each kept
 *                  customer is one of four teams', set before the clock);
 *   promise_import N/20 promises imported with their history (made,
 *                  renegotiated and kept, each at the time it happened, in
 *                  the past), in transactions of 10000;
 *   report_*       each report (crm/report.h) over every interaction (six
 *                  reasons, four channels, one in ten on the IVR) or
 *                  promise, read whole, against the one query a program
 *                  would write for it;
 *   agenda         the first 50 items of one agent's agenda, as of the
 *                  run's now (N/20 more open promises, of 64 agents, a
 *                  book of customers for each agent, and open inbound
 *                  contacts of 3 kept customers in 16, a third of them
 *                  answered, added before the clock: bench.h);
 *   agenda_team    the same for one team, the owner of 1/4 of the kept
 *                  customers: their promises, whoever owns them, and their
 *                  waiting contacts;
 *   consent_check  "may we contact this customer for marketing on this
 *                  channel?" for random kept customers, each with a ledger
 *                  of four events (two purposes, a channel's and every
 *                  channel's), added before the clock: bench.h;
 *   customer_verify "is this the customer?": an answer compared with a kept
 *                  customer's date of birth and the wrong answers counted,
 *                  each call its own transaction, against the code a user
 *                  would write (read the attribute, compare, update a
 *                  counter row, in one transaction);
 *   id_expand      a kept customer named by the first 16 digits of its id,
 *                  the whole id back as text, against the range query a
 *                  user would write on the id's blobs;
 * and the peak RSS of each side when the import is done (target: libcrm
 * under 64 MiB). Progress, with the elapsed time of each operation on each
 * side, goes to stderr.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* sched_setaffinity */
#endif
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <crm.h>

#include "bench.h"

/* ---- the operations ------------------------------------------------------ */

#define LOG_TARGET "≤ 2.5× raw time"
#define PAGE_TARGET "≤ 1.5× raw time"

/* How many turns a write takes: BENCH_TURN rows of its batches (a batch's
 * transaction stays open from turn to turn), or BENCH_CHUNK calls of its
 * own-transaction ones. */
static long batches(long rows)
{
    return (rows + BENCH_TURN - 1) / BENCH_TURN;
}
static long import_turns(const job *j) { return batches(j->n); }
static long log_turns(const job *j) { return batches(j->m); }
static long promise_turns(const job *j) { return batches(j->promises); }
static long single_turns(const job *j) { return (j->singles + BENCH_CHUNK - 1) / BENCH_CHUNK; }
static long pair_turns(const job *j) { return (j->pairs + BENCH_CHUNK - 1) / BENCH_CHUNK; }
#define READ NULL

/* In this order on each side. A new operation is a line here and a
 * function on each side (bench.h). Columns: op, what, target (the most
 * libcrm may cost as a multiple of the baseline's time; 0: none), target in
 * words, libcrm's function, the raw one (NULL: compare with the raw side's
 * op named next), turns (a write's batches, or READ), judged by elapsed
 * time (1: it waits for the disk) or by CPU time (0). */
#define REPORT_TARGET "≤ 1.2× raw time"

static const op_def OPS[] = {
    { "import", "bulk import: customer + phone (10k/txn)", 2.0,
      "≤ 2.0× raw time (≥ 50 % of raw rate)", crm_import, raw_import, NULL, import_turns, 0 },
    { "lookup", "caller-ID lookup (E.164)", 1.3, "≤ 1.3× raw time", crm_lookup, raw_lookup,
      NULL, READ, 0 },
    { "lookup_national", "caller-ID lookup (national, parsed)", 0, NULL, crm_lookup_national,
      NULL, "lookup", READ, 0 },
    { "log_batch", "log interaction + journal (10k/txn)", 2.5, LOG_TARGET, crm_log_batch,
      raw_log_batch, NULL, log_turns, 0 },
    { "log_single", "log interaction + journal (own txn, elapsed)", 2.5, LOG_TARGET,
      crm_log_single, raw_log_single, NULL, single_turns, 1 },
    { "timeline", "timeline: newest 50 of a customer", 1.5, PAGE_TARGET, crm_timeline,
      raw_timeline, NULL, READ, 0 },
    { "timeline_deep", "timeline: 50 before an id 90% back", 1.5, PAGE_TARGET,
      crm_timeline_deep, raw_timeline_deep, NULL, READ, 0 },
    { "promise_batch", "make promise (10k/txn)", 0, NULL, crm_promise_batch, raw_promise_batch,
      NULL, promise_turns, 0 },
    { "promise_pair", "promise make + keep (own txns, elapsed)", 0, NULL, crm_promise_pair,
      raw_promise_pair, NULL, pair_turns, 1 },
    { "overdue", "overdue promises: first page of 50", 0, NULL, crm_overdue, raw_overdue, NULL,
      READ, 0 },
    { "journal", "journal: read 1000 entries from a seq", 0, NULL, crm_journal_read,
      raw_journal_read, NULL, READ, 0 },
    { "customer_page", "customers: page of 50 by keyset", 0, NULL, crm_customer_page,
      raw_customer_page, NULL, READ, 0 },
    { "open", "open, look up a caller, close (a handle per call)", 0, NULL, crm_open_close,
      raw_open_close, NULL, READ, 1 },
    { "customer_count", "customers: count the active ones", 0, NULL, crm_count_customers,
      raw_count_customers, NULL, READ, 0 },
    { "thread_filter", "thread of an interaction, one channel", 0, NULL, crm_thread_filtered,
      raw_thread_filtered, NULL, READ, 0 },
    { "resolve", "resolve a text (E.164): phone, account, loyalty", 0, NULL, crm_resolve,
      raw_resolve, NULL, READ, 0 },
    { "holders", "list the holders of a phone number", 0, NULL, crm_holders, raw_holders, NULL,
      READ, 0 },
    { "promise_import", "promise history at past times (10k/txn)", 0, NULL, crm_promise_import,
      raw_promise_import, NULL, promise_turns, 0 },
    { "owner_page", "customers of one owner: first page of 50", 0, NULL, crm_owner_page,
      raw_owner_page, NULL, READ, 0 },
    { "report_reasons", "report: contact reasons (Pareto), every interaction", 1.2,
      REPORT_TARGET, crm_report_reasons, raw_report_reasons, NULL, READ, 0 },
    { "report_repeats", "report: repeat contacts within 7 days", 1.2, REPORT_TARGET,
      crm_report_repeats, raw_report_repeats, NULL, READ, 0 },
    { "report_fcr", "report: first-contact resolution", 1.2, REPORT_TARGET, crm_report_fcr,
      raw_report_fcr, NULL, READ, 0 },
    { "report_handover", "report: IVR hand-over within 30 min", 1.2, REPORT_TARGET,
      crm_report_handover, raw_report_handover, NULL, READ, 0 },
    { "report_keep_rate", "report: promise keep-rate per owner", 1.2, REPORT_TARGET,
      crm_report_keep_rate, raw_report_keep_rate, NULL, READ, 0 },
    { "report_channel_mix", "report: channel mix per week", 1.2, REPORT_TARGET,
      crm_report_channel_mix, raw_report_channel_mix, NULL, READ, 0 },
    { "agenda", "agenda of one agent: first page of 50", 0, NULL, crm_agenda, raw_agenda, NULL,
      READ, 0 },
    { "agenda_team", "agenda of one team (1/4 of customers): first 50", 0, NULL,
      crm_agenda_team, raw_agenda_team, NULL, READ, 0 },
    { "consent_check", "consent: may we contact (purpose, channel)?", 0, NULL,
      crm_bench_consent_check, raw_consent_check, NULL, READ, 0 },
    { "customer_verify", "verify an answer, wrong ones counted (own txn, elapsed)", 0, NULL,
      crm_bench_customer_verify, raw_customer_verify, NULL, single_turns, 1 },
    { "id_expand", "a customer by the first 16 digits of its id", 0, NULL,
      crm_bench_id_expand, raw_id_expand, NULL, READ, 0 },
};
#define NOPS (sizeof OPS / sizeof OPS[0])

#define RSS_LIMIT_KB (64L * 1024)
#define GROWTH_LIMIT 1.5

/* ---- what both sides share ---------------------------------------------- */

static char fail_message[600];
long bench_rss_import_kb;

int bench_fail(const char *fmt, ...)
{
    if (!fail_message[0]) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(fail_message, sizeof fail_message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static double seconds(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_start(bench_timer *t)
{
    t->wall = seconds(CLOCK_MONOTONIC);
    t->cpu = seconds(CLOCK_PROCESS_CPUTIME_ID);
}

void bench_stop(const bench_timer *t, sample *out)
{
    out->wall += seconds(CLOCK_MONOTONIC) - t->wall;
    out->cpu += seconds(CLOCK_PROCESS_CPUTIME_ID) - t->cpu;
}

long bench_peak_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
}

uint64_t bench_rng(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545f4914f6cdd1du;
}

void bench_name(char *buf, size_t size, long customer)
{
    snprintf(buf, size, "Customer %07ld", customer);
}

void bench_e164(char *buf, size_t size, long customer)
{
    snprintf(buf, size, "+1415%03ld%04ld", 200 + customer / 10000, customer % 10000);
}

void bench_national(char *buf, size_t size, long customer)
{
    snprintf(buf, size, "(415) %03ld-%04ld", 200 + customer / 10000, customer % 10000);
}

int bench_callers(const job *j, long count, int national, bench_text **in, bench_text **want)
{
    *in = malloc((size_t)count * sizeof **in);
    *want = malloc((size_t)count * sizeof **want);
    if (!*in || !*want)
        return bench_fail("out of memory for %ld callers", count);
    uint64_t rng = 0x9e3779b97f4a7c15u;
    for (long k = 0; k < count; k++) {
        long i = (long)(bench_rng(&rng) % (uint64_t)j->n);
        (national ? bench_national : bench_e164)((*in)[k], sizeof **in, i);
        bench_name((*want)[k], sizeof **want, i);
    }
    return 0;
}

const char *bench_reason(long k)
{
    static const char *const reasons[] = {
        "billing.invoice", "billing.refund", "billing.double_charge",
        "tech.outage",     "tech.login",     "moving",
    };
    return reasons[k % 6];
}

int bench_channel(long k)
{
    static const int channels[10] = { 1, 1, 1, 2, 1, 3, 1, 4, 1, 1 };
    return channels[k % 10];
}

const char *bench_channel_word(long k)
{
    static const char *const words[] = { NULL, "phone", "ivr", "email", "chat" };
    return words[bench_channel(k)];
}

long bench_interaction_owner(const job *j, long k)
{
    if (k < j->m && k % 10 == 0)
        return 0;
    uint64_t x = (uint64_t)k + 0x9e3779b97f4a7c15u; /* splitmix64 */
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    x ^= x >> 31;
    return 1 + (long)(x % (uint64_t)(j->kept - 1));
}

const char *bench_team(long k)
{
    static const char *const team[] = { "team:billing", "team:sales", "team:field",
                                        "team:support" };
    return team[k % 4];
}

long bench_owner_page_rows(const job *j)
{
    long owned = (j->kept + 2) / 4; /* the kept customers k with k % 4 == 1 */
    return owned < BENCH_PAGE ? owned : BENCH_PAGE;
}

void bench_summary(char *buf, size_t size, long k)
{
    snprintf(buf, size, "Asked about invoice %ld", 100000 + k);
}

int64_t bench_promise_due(const job *j, long k)
{
    if (k % 2 == 0)
        return j->now - 60000 * (int64_t)(1 + k % 10000);
    return j->now + 86400000 + (int64_t)k * 1000;
}

long bench_agenda_customer(const job *j, long k)
{
    return k * 7 % j->kept;
}

void bench_agent(char *buf, size_t size, long a)
{
    snprintf(buf, size, "agent:a%02ld", a);
}

/* One in five overdue, one in five due within the day, the rest later. */
int64_t bench_agenda_due(const job *j, long k)
{
    int64_t minutes = 60000 * (int64_t)(1 + k % 1000);
    switch (k % 5) {
    case 0:
        return j->now - minutes;
    case 1:
        return j->now + minutes;
    default:
        return j->now + 2 * 24 * BENCH_AGENDA_HOUR + (int64_t)k * 1000;
    }
}

int64_t bench_contact_at(const job *j, long c)
{
    return j->now - 60000 * (int64_t)(1 + c % 1000);
}

const char *bench_customer_owner(char *buf, size_t size, long c)
{
    if (c % 16 != 2)
        return bench_team(c);
    bench_agent(buf, size, c / 16 % BENCH_AGENTS);
    return buf;
}

long bench_agenda_reps(const job *j)
{
    return j->reps < 50 ? j->reps : 50;
}

static int score_desc(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x > y ? -1 : x < y;
}

/* The rule of docs/agenda.md with the default head starts, over the data
 * as bench.h describes it: the bulk promises (owned by BENCH_OWNER, every
 * other one overdue, the others due past the day), the agenda's own, and
 * the waiting contacts. */
void bench_agenda_want(const job *j, const char *owner, long *rows, int64_t *score_sum)
{
    const int64_t horizon = 24 * BENCH_AGENDA_HOUR, day = 24 * BENCH_AGENDA_HOUR;
    size_t cap = (size_t)(2 * j->promises + j->kept), n = 0;
    int64_t *score = malloc(cap * sizeof *score);
    if (!score) {
        *rows = -1;
        return;
    }
    char agent[24], whose[24];
    for (long k = 0; k < j->promises; k++) {
        int64_t due = bench_promise_due(j, k);
        int mine = strcmp(owner, BENCH_OWNER) == 0 ||
                   strcmp(owner, bench_customer_owner(whose, sizeof whose, k % j->kept)) == 0;
        if (mine && due < j->now + horizon)
            score[n++] = j->now - due + (due < j->now ? 2 * day : day);
        due = bench_agenda_due(j, k);
        bench_agent(agent, sizeof agent, k % BENCH_AGENTS);
        mine = strcmp(owner, agent) == 0 ||
               strcmp(owner, bench_customer_owner(whose, sizeof whose,
                                                  bench_agenda_customer(j, k))) == 0;
        if (mine && due < j->now + horizon)
            score[n++] = j->now - due + (due < j->now ? 2 * day : day);
    }
    for (long c = 0; c < j->kept; c++)
        if (BENCH_CONTACT(c) && !BENCH_ANSWERED(c) &&
            strcmp(owner, bench_customer_owner(whose, sizeof whose, c)) == 0)
            score[n++] = j->now - bench_contact_at(j, c);
    qsort(score, n, sizeof *score, score_desc);
    *rows = n < BENCH_PAGE ? (long)n : BENCH_PAGE;
    *score_sum = 0;
    for (long i = 0; i < *rows; i++)
        *score_sum += score[i];
    free(score);
}

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long clamp(long v, long lo, long hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Every count of a run at n customers. */
static job make_job(long n)
{
    job j;
    memset(&j, 0, sizeof j);
    j.n = n;
    j.m = n;
    j.lookups = clamp(n, 200, 20000);
    j.reps = clamp(n / 10, 20, 1000);
    j.scans = clamp(2000000 / n, 3, 1000);
    j.singles = clamp(n / 50, 10, 200);
    j.pairs = clamp(n / 100, 5, 100);
    j.promises = clamp(n / 20, 10, n);
    j.stride = (n + BENCH_MAX_KEPT - 1) / BENCH_MAX_KEPT;
    j.kept = (n + j.stride - 1) / j.stride;
    long heavy = (j.m + 9) / 10;
    j.deep_k = heavy / 10 * 10;
    j.now = wall_ms();
    j.t0 = j.now - 86400000 - (int64_t)j.m * 1000;
    return j;
}

/* Remove a database file and the files SQLite keeps beside it. */
static void remove_db(const char *path)
{
    char p[4200 + 16];
    static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%.4200s%s", path, suffix[i]);
        unlink(p);
    }
}

/* ---- running the sides ---------------------------------------------------- */

/* Both sides run at once, each in a process of its own, and take turns:
 * the driver asks one for a round of an operation, then the other, so that
 * a change in the machine's load falls on both alike. */

enum { SIDE_CRM, SIDE_RAW };

typedef struct command {
    int op;     /* index into OPS, or -1: close and report */
    long round; /* which turn of it */
} command;

typedef struct reply {
    int ok;
    sample s;
    long rss_import_kb, rss_peak_kb; /* with the reply to -1 */
    char error[sizeof fail_message];
} reply;

typedef struct side_proc {
    pid_t pid;
    int to, from; /* pipes to and from the process */
} side_proc;

static int read_full(int fd, void *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, (char *)buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

static int write_full(int fd, const void *buf, size_t size)
{
    size_t put = 0;
    while (put < size) {
        ssize_t n = write(fd, (const char *)buf + put, size - put);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        put += (size_t)n;
    }
    return 0;
}

/* The process of one side: open, then serve commands until told to close. */
static void serve(int side, const job *j, int in, int out)
{
    reply r;
    memset(&r, 0, sizeof r);
    void *ctx = side == SIDE_CRM ? crm_side_open(j) : raw_side_open(j);
    r.ok = ctx != NULL;
    memcpy(r.error, fail_message, sizeof r.error);
    if (write_full(out, &r, sizeof r) != 0 || !ctx)
        exit(1);
    for (;;) {
        command c;
        memset(&r, 0, sizeof r);
        if (read_full(in, &c, sizeof c) != 0)
            c.op = -1;
        if (c.op < 0) {
            r.ok = (side == SIDE_CRM ? crm_side_close(ctx) : raw_side_close(ctx)) == 0;
            r.rss_import_kb = bench_rss_import_kb;
            r.rss_peak_kb = bench_peak_rss_kb();
        } else {
            bench_fn fn = side == SIDE_CRM ? OPS[c.op].crm : OPS[c.op].raw;
            r.ok = fn(ctx, j, c.round, &r.s) == 0;
        }
        memcpy(r.error, fail_message, sizeof r.error);
        if (write_full(out, &r, sizeof r) != 0 || c.op < 0 || !r.ok)
            exit(r.ok ? 0 : 1);
    }
}

/* Both sides run on one CPU: they never run at once, and on a machine
 * whose CPUs are unevenly busy, each would otherwise keep whichever it
 * started on. -1: leave the scheduler to choose (not Linux, or unknown). */
static int bench_cpu = -1;

static void pin_cpu(void)
{
#ifdef __linux__
    if (bench_cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(bench_cpu, &set);
        sched_setaffinity(0, sizeof set, &set); /* best effort */
    }
#endif
}

static void choose_cpu(void)
{
#ifdef __linux__
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return;
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, &set)) {
            bench_cpu = c;
            return;
        }
    }
#endif
}

/* Start a side's process; *r is its reply to opening. */
static int side_start(side_proc *p, int side, const job *j, reply *r)
{
    int down[2], up[2];
    memset(r, 0, sizeof *r);
    p->pid = -1;
    if (pipe(down) != 0) {
        snprintf(r->error, sizeof r->error, "pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe(up) != 0) {
        snprintf(r->error, sizeof r->error, "pipe: %s", strerror(errno));
        close(down[0]);
        close(down[1]);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(r->error, sizeof r->error, "fork: %s", strerror(errno));
        close(down[0]);
        close(down[1]);
        close(up[0]);
        close(up[1]);
        return -1;
    }
    if (pid == 0) {
        close(down[1]);
        close(up[0]);
        pin_cpu();
        serve(side, j, down[0], up[1]);
        exit(1);
    }
    close(down[0]);
    close(up[1]);
    p->pid = pid;
    p->to = down[1];
    p->from = up[0];
    if (read_full(p->from, r, sizeof *r) != 0) {
        snprintf(r->error, sizeof r->error, "the benchmark process died while opening");
        return -1;
    }
    return r->ok ? 0 : -1;
}

/* Ask a side for turn `round` of op (-1: close); *r is its reply. */
static int side_call(side_proc *p, int op, long round, reply *r)
{
    command c;
    memset(&c, 0, sizeof c); /* padding too: it goes down a pipe */
    c.op = op;
    c.round = round;
    memset(r, 0, sizeof *r);
    if (write_full(p->to, &c, sizeof c) != 0 || read_full(p->from, r, sizeof *r) != 0) {
        memset(r, 0, sizeof *r);
        snprintf(r->error, sizeof r->error, "the benchmark process died");
        return -1;
    }
    return r->ok ? 0 : -1;
}

/* Close the pipes and wait for the process. */
static void side_end(side_proc *p)
{
    if (p->pid <= 0)
        return;
    close(p->to);
    close(p->from);
    int status;
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {
    }
    p->pid = -1;
}

/* A read keeps its fastest round, by the clock it is judged by; a write
 * adds up its batches. */
static void keep(sample *total, const sample *s, const op_def *o)
{
    if (o->turns) {
        total->n += s->n;
        total->wall += s->wall;
        total->cpu += s->cpu;
        return;
    }
    double a = o->wall ? s->wall : s->cpu, b = o->wall ? total->wall : total->cpu;
    if (total->n == 0 || (s->n > 0 && a / (double)s->n < b / (double)total->n))
        *total = *s;
}

typedef struct side_result {
    sample s[NOPS];
    long rss_import_kb, rss_peak_kb;
} side_result;

/* Run every operation on both sides, taking turns. 0, or -1 with the
 * reason printed. */
static int run_sides(const job *j, const char *dir, side_result *crm, side_result *raw)
{
    static const char *const names[] = { "libcrm", "raw" };
    side_result *res[] = { crm, raw };
    side_proc p[2] = { { -1, -1, -1 }, { -1, -1, -1 } };
    char paths[2][4200] = { "", "" };
    reply r;
    int status = 0;
    memset(crm, 0, sizeof *crm);
    memset(raw, 0, sizeof *raw);
    for (int side = SIDE_CRM; side <= SIDE_RAW && status == 0; side++) {
        job mine = *j;
        snprintf(paths[side], sizeof paths[side], "%s/%s-%ld.db", dir, names[side], j->n);
        mine.path = paths[side];
        if (side_start(&p[side], side, &mine, &r) != 0) {
            fprintf(stderr, "crm_bench: %s\n", r.error);
            status = -1;
        }
    }
    for (size_t i = 0; i < NOPS && status == 0; i++) {
        double spent[2] = { 0, 0 }; /* elapsed seconds, all turns */
        long turns = OPS[i].turns ? OPS[i].turns(j) : BENCH_ROUNDS;
        for (long round = 0; round < turns && status == 0; round++) {
            for (int side = SIDE_CRM; side <= SIDE_RAW && status == 0; side++) {
                if (!(side == SIDE_CRM ? OPS[i].crm : OPS[i].raw))
                    continue;
                bench_timer t;
                sample whole = { 0, 0, 0 };
                bench_start(&t);
                if (side_call(&p[side], (int)i, round, &r) != 0) {
                    fprintf(stderr, "crm_bench: %s\n", r.error);
                    status = -1;
                } else {
                    keep(&res[side]->s[i], &r.s, &OPS[i]);
                }
                bench_stop(&t, &whole);
                spent[side] += whole.wall;
            }
        }
        fprintf(stderr, "crm_bench: %ld customers: %-15s %7.1f s libcrm, %7.1f s raw\n", j->n,
                OPS[i].op, spent[SIDE_CRM], spent[SIDE_RAW]);
    }
    for (int side = SIDE_CRM; side <= SIDE_RAW; side++) {
        if (p[side].pid > 0 && status == 0) {
            if (side_call(&p[side], -1, 0, &r) != 0) {
                fprintf(stderr, "crm_bench: %s\n", r.error);
                status = -1;
            }
            res[side]->rss_import_kb = r.rss_import_kb;
            res[side]->rss_peak_kb = r.rss_peak_kb;
        }
        side_end(&p[side]);
        if (paths[side][0])
            remove_db(paths[side]);
    }
    return status;
}

/* ---- results ------------------------------------------------------------- */

/* One line of the results, as printed and as written to JSON. */
typedef struct row {
    const char *op, *what, *unit, *baseline_name, *target;
    double libcrm, baseline, ratio;
    int pass; /* 1, 0, or -1 when there is no target */
} row;

typedef struct size_run {
    job j;
    side_result crm, raw;
    row rows[NOPS + 3];
    int nrows;
    double lookup_s, raw_lookup_s; /* time per E.164 lookup, each side */
    char growth_what[2][80], growth_name[2][64], growth_target[64];
} size_run;

/* Seconds per operation, by elapsed or CPU time. */
static double per_op(const sample *s, int wall)
{
    return s->n > 0 ? (wall ? s->wall : s->cpu) / (double)s->n : 0.0;
}

static double rate(const sample *s, int wall)
{
    double t = per_op(s, wall);
    return t > 0 ? 1.0 / t : 0.0;
}

static int op_index(const char *name)
{
    for (size_t i = 0; i < NOPS; i++)
        if (strcmp(OPS[i].op, name) == 0)
            return (int)i;
    return -1;
}

static void judge(row *r, double target)
{
    r->pass = target > 0 ? r->ratio <= target : -1;
}

static void make_rows(size_run *sr, const size_run *first)
{
    sr->nrows = 0;
    for (size_t i = 0; i < NOPS; i++) {
        const op_def *o = &OPS[i];
        int b = o->raw ? (int)i : op_index(o->baseline);
        const sample *c = &sr->crm.s[i], *w = &sr->raw.s[b];
        row *r = &sr->rows[sr->nrows++];
        r->op = o->op;
        r->what = o->what;
        r->unit = "ops/s";
        r->baseline_name = o->raw ? "raw SQLite" : "raw SQLite (E.164 key)";
        r->target = o->target_text;
        r->libcrm = rate(c, o->wall);
        r->baseline = rate(w, o->wall);
        r->ratio = per_op(w, o->wall) > 0 ? per_op(c, o->wall) / per_op(w, o->wall) : 0.0;
        judge(r, o->target);
    }
    int lk = op_index("lookup");
    sr->lookup_s = per_op(&sr->crm.s[lk], OPS[lk].wall);
    sr->raw_lookup_s = per_op(&sr->raw.s[lk], OPS[lk].wall);

    row *r = &sr->rows[sr->nrows++];
    r->op = "import_rss";
    r->what = "peak RSS when the import is done";
    r->unit = "KiB";
    r->baseline_name = "raw SQLite";
    r->target = "< 64 MiB";
    r->libcrm = (double)sr->crm.rss_import_kb;
    r->baseline = (double)sr->raw.rss_import_kb;
    r->ratio = r->baseline > 0 ? r->libcrm / r->baseline : 0.0;
    r->pass = sr->crm.rss_import_kb < RSS_LIMIT_KB;

    if (!first || first == sr || first->lookup_s <= 0 || first->raw_lookup_s <= 0)
        return;
    /* How lookups slow down as the data grows: libcrm's (judged), and raw
     * SQLite's own on the same data for reference (both columns raw). */
    snprintf(sr->growth_what[0], sizeof sr->growth_what[0], "lookup time against %ld customers",
             first->j.n);
    snprintf(sr->growth_name[0], sizeof sr->growth_name[0], "libcrm at %ld customers",
             first->j.n);
    snprintf(sr->growth_target, sizeof sr->growth_target, "≤ %.1f× lookup time at %ld",
             GROWTH_LIMIT, first->j.n);
    r = &sr->rows[sr->nrows++];
    r->op = "lookup_growth";
    r->what = sr->growth_what[0];
    r->unit = "ops/s";
    r->baseline_name = sr->growth_name[0];
    r->target = sr->growth_target;
    r->libcrm = sr->lookup_s > 0 ? 1.0 / sr->lookup_s : 0.0;
    r->baseline = 1.0 / first->lookup_s;
    r->ratio = sr->lookup_s / first->lookup_s;
    judge(r, GROWTH_LIMIT);

    snprintf(sr->growth_what[1], sizeof sr->growth_what[1],
             "for reference: raw lookup against %ld (both raw)", first->j.n);
    snprintf(sr->growth_name[1], sizeof sr->growth_name[1], "raw SQLite at %ld customers",
             first->j.n);
    r = &sr->rows[sr->nrows++];
    r->op = "lookup_growth_raw";
    r->what = sr->growth_what[1];
    r->unit = "ops/s";
    r->baseline_name = sr->growth_name[1];
    r->target = NULL;
    r->libcrm = sr->raw_lookup_s > 0 ? 1.0 / sr->raw_lookup_s : 0.0;
    r->baseline = 1.0 / first->raw_lookup_s;
    r->ratio = sr->raw_lookup_s / first->raw_lookup_s;
    r->pass = -1;
}

static void print_size(const size_run *sr)
{
    printf("libcrm %s against raw SQLite %s: %ld customers, %ld interactions\n",
           crm_version(), sqlite3_libversion(), sr->j.n, sr->j.m);
    printf("file databases, WAL, synchronous=FULL on both sides; bulk work in transactions of "
           "%d on both\n\n",
           BENCH_BATCH);
    printf("  %-17s %-44s %12s %12s %7s  %s\n", "op", "what", "libcrm", "baseline", "cost×",
           "target");
    for (int i = 0; i < sr->nrows; i++) {
        const row *r = &sr->rows[i];
        char verdict[80] = "";
        if (r->target)
            snprintf(verdict, sizeof verdict, "%s  %s", r->target, r->pass ? "PASS" : "MISS");
        if (strcmp(r->unit, "KiB") == 0)
            printf("  %-17s %-44s %8.1f MiB %8.1f MiB %7.2f  %s\n", r->op, r->what,
                   r->libcrm / 1024, r->baseline / 1024, r->ratio, verdict);
        else
            printf("  %-17s %-44s %10.0f/s %10.0f/s %7.2f  %s\n", r->op, r->what, r->libcrm,
                   r->baseline, r->ratio, verdict);
    }
    printf("  peak RSS of the whole run: libcrm %.1f MiB, raw %.1f MiB\n",
           sr->crm.rss_peak_kb / 1024.0, sr->raw.rss_peak_kb / 1024.0);
    printf("  cost× is libcrm's time per operation over the baseline's: 1.00 is even, 2.00 "
           "twice as long.\n"
           "  Baseline: raw SQLite unless the row says otherwise (lookup_national: "
           "the raw E.164 lookup;\n"
           "  lookup_growth: libcrm at the first size; lookup_growth_raw: raw SQLite at both)."
           "\n"
           "  Rates are by CPU time of each side's process, except rows marked elapsed.\n\n");
}

static void json_string(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void cpu_name(char *buf, size_t size)
{
    snprintf(buf, size, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            char *v = colon + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            v[strcspn(v, "\n")] = '\0';
            snprintf(buf, size, "%s", v);
            break;
        }
    }
    fclose(f);
}

static void json_size(FILE *f, const size_run *sr, const char *cpu, const char *date)
{
    fprintf(f, "{\"suite\":\"c\",\"size\":%ld,\"interactions\":%ld,\"results\":[", sr->j.n,
            sr->j.m);
    for (int i = 0; i < sr->nrows; i++) {
        const row *r = &sr->rows[i];
        fprintf(f, "%s\n  {\"op\":", i ? "," : "");
        json_string(f, r->op);
        fputs(",\"what\":", f);
        json_string(f, r->what);
        fputs(",\"unit\":", f);
        json_string(f, r->unit);
        fprintf(f, ",\"libcrm\":%.1f,\"baseline\":%.1f,\"baseline_name\":", r->libcrm,
                r->baseline);
        json_string(f, r->baseline_name);
        fprintf(f, ",\"ratio\":%.3f,\"target\":", r->ratio);
        json_string(f, r->target);
        fprintf(f, ",\"pass\":%s}", r->pass < 0 ? "null" : r->pass ? "true" : "false");
    }
    fprintf(f, "],\n \"peak_rss_kb\":{\"libcrm\":%ld,\"raw\":%ld},\"cpu\":", sr->crm.rss_peak_kb,
            sr->raw.rss_peak_kb);
    json_string(f, cpu);
    fputs(",\"date\":", f);
    json_string(f, date);
    fputc('}', f);
}

static int write_json(const char *path, const size_run *runs, int nruns, int as_array)
{
    char cpu[256], date[16];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    cpu_name(cpu, sizeof cpu);
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "crm_bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    if (as_array)
        fputc('[', f);
    for (int i = 0; i < nruns; i++) {
        if (i)
            fputs(",\n", f);
        json_size(f, &runs[i], cpu, date);
    }
    fputs(as_array ? "]\n" : "\n", f);
    if (fclose(f) != 0) {
        fprintf(stderr, "crm_bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- the command line ---------------------------------------------------- */

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s [N] [--json PATH]\n"
            "       %s --sizes N1,N2,... [--json PATH]\n"
            "  N customers (and as many interactions), %d to %ld; default 10000\n",
            argv0, argv0, 100, BENCH_MAX_N);
    return 2;
}

static int parse_size(const char *s, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (errno || end == s || (*end && *end != ',') || n < 100 || n > BENCH_MAX_N)
        return -1;
    *out = n;
    return (int)(end - s);
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

#define MAX_SIZES 8

int main(int argc, char **argv)
{
    long sizes[MAX_SIZES] = { 10000 };
    int nsizes = 1, have_sizes = 0, have_n = 0;
    const char *json = NULL;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--json") == 0 && a + 1 < argc) {
            json = argv[++a];
        } else if (strcmp(argv[a], "--sizes") == 0 && a + 1 < argc && !have_n && !have_sizes) {
            const char *p = argv[++a];
            nsizes = 0;
            for (;;) {
                int used;
                if (nsizes == MAX_SIZES || (used = parse_size(p, &sizes[nsizes])) < 0) {
                    fprintf(stderr, "%s: --sizes takes up to %d sizes from 100 to %ld, "
                                    "separated by commas, not '%s'\n",
                            argv[0], MAX_SIZES, BENCH_MAX_N, argv[a]);
                    return 2;
                }
                nsizes++;
                p += used;
                if (*p != ',')
                    break;
                p++;
            }
            have_sizes = 1;
        } else if (argv[a][0] != '-' && !have_n && !have_sizes) {
            if (parse_size(argv[a], &sizes[0]) < 0 || strchr(argv[a], ',')) {
                fprintf(stderr, "%s: N must be a whole number from 100 to %ld, not '%s'\n",
                        argv[0], BENCH_MAX_N, argv[a]);
                return 2;
            }
            have_n = 1;
        } else {
            return usage(argv[0]);
        }
    }
    qsort(sizes, (size_t)nsizes, sizeof sizes[0], cmp_long);
    choose_cpu();

    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/crm_bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "%s: cannot make a temporary directory in %s: %s\n", argv[0],
                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return 1;
    }

    size_run *runs = calloc((size_t)nsizes, sizeof *runs);
    if (!runs) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 1;
    }
    int failed = 0, done = 0;
    for (int i = 0; i < nsizes && !failed; i++) {
        size_run *sr = &runs[i];
        sr->j = make_job(sizes[i]);
        if (run_sides(&sr->j, dir, &sr->crm, &sr->raw) != 0) {
            failed = 1;
            break;
        }
        make_rows(sr, &runs[0]);
        print_size(sr);
        done++;
    }
    rmdir(dir);
    if (json && done > 0 && write_json(json, runs, done, have_sizes) != 0)
        failed = 1;
    free(runs);
    return failed ? 1 : 0;
}

/* ---- consent ------------------------------------------------------------------ */

/* Marketing by e-mail granted, then withdrawn or granted on every channel
 * (a third of the customers withdraw), then by SMS granted or withdrawn
 * (every other customer), and surveys by e-mail granted: each later event
 * a second after the one before, so one customer's events never tie. */
void bench_consent_event(const job *j, long c, int e, const char **purpose, const char **channel,
                         int *granted, int64_t *at)
{
    static const char *const channels[BENCH_CONSENT_EVENTS] = { "email", NULL, "sms", "email" };
    *purpose = e == 3 ? "surveys" : "marketing";
    *channel = channels[e];
    *granted = e == 1 ? c % 3 != 0 : e == 2 ? (int)(c % 2) : 1;
    *at = j->t0 + c + (e == 3 ? 0 : e * 1000);
}

long bench_consent_customer(const job *j, long k)
{
    return (k * 7919) % j->kept;
}

const char *bench_consent_channel(long k)
{
    static const char *const channels[] = { "email", "sms", "phone" };
    return channels[k % 3];
}

/* The latest event of marketing on the channel or on every channel: SMS's
 * own (event 2) is the latest on SMS; elsewhere, every channel's (1). */
int bench_consent_want(long c, const char *channel)
{
    return strcmp(channel, "sms") == 0 ? (int)(c % 2) : c % 3 != 0;
}

/* ---- confirming who is there --------------------------------------------------- */

void bench_verify_dob(char out[BENCH_DOB_SIZE], long c)
{
    snprintf(out, BENCH_DOB_SIZE, "%04ld-%02ld-%02ld", 1940 + c % 60, 1 + c % 12, 1 + c % 28);
}

long bench_verify_customer(const job *j, long k)
{
    return (k * 7919) % j->kept;
}

/* Every other call of a pass over the kept customers is wrong, and every
 * call of the next pass right: a wrong answer is always followed by a
 * right one before the same customer's next. */
int bench_verify_right(const job *j, long k)
{
    return k % 2 == 0 || (k / j->kept) % 2 == 1;
}
