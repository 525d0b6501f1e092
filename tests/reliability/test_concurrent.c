/*
 * Concurrency: several writers and readers on one file at once, first as
 * processes, then as threads of one process with a handle each, all with
 * the default busy timeout and durability.
 *
 * Every write is one transaction of several rows, of three kinds in turn:
 *   A  a customer, its phone identity and a tag         (3 journal rows)
 *   B  an interaction and a promise made during it      (2 journal rows)
 *   C  an interaction and the keeping of B's promise    (2 journal rows)
 * so a change seen in part is detectable. While the writers run, readers
 * check that nothing is ever seen in part: in one SQLite read transaction,
 * that the row counts agree with each other and with the journal; through
 * libcrm, that the journal is a sequence of whole changes and that what the
 * newest changes made can be read back. Afterwards: nothing is lost (exact
 * totals, per writer too), every customer is found by its phone, and the
 * file passes PRAGMA integrity_check and foreign_key_check.
 *
 * No writer may ever get CRM_EBUSY: the busy timeout bounds the wait for
 * one transaction that keeps the lock, not the wait for a turn among
 * writers that keep finishing theirs. The last test holds libcrm to that
 * with a 250 ms timeout and commits that do not wait for the disk.
 * The threads also check that their errors stay their own.
 *
 * Usage: test_concurrent [WRITES [THREAD_WRITES [WRITERS [READERS [FAST_WRITES]]]]]
 *   WRITES per writer process (default 5000; 0 skips the processes),
 *   THREAD_WRITES per thread (default WRITES; 0 skips the threads),
 *   WRITERS processes and threads (default 4), READERS processes
 *   (default 2), FAST_WRITES per thread in the short-timeout test
 *   (default 1000; 0 skips it).
 */
#define _POSIX_C_SOURCE 200809L
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "test.h"

enum {
    MAX_WRITERS = 64,
    MAX_READERS = 64,
    ROWS_EVERY = 10, /* snapshot checks per row-by-row one */
#ifdef __SANITIZE_ADDRESS__
    /* A write takes two to three times as long in the sanitizer build, and
     * one that keeps the search index and truncates the log could hold the
     * lock for 300 ms on a loaded machine. */
    SHORT_TIMEOUT_MS = 600
#else
    SHORT_TIMEOUT_MS = 250
#endif
};

static long writes = 5000, thread_writes = 5000, fast_writes = 1000;
static int nwriters = 4, nreaders = 2;

/* Wall-clock milliseconds from a monotonic clock, for the figures. */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---- the writes ----------------------------------------------------------- */

/* How many writes of each kind a writer of n writes makes. */
static long count_a(long n) { return (n + 2) / 3; }
static long count_b(long n) { return (n + 1) / 3; }
static long count_c(long n) { return n / 3; }

/* Writer w's k-th customer has phone +1 NPA 5WW KKKK: area codes give room
 * for 100000 customers per writer, so 299999 writes. */
static const char *const area[] = { "212", "312", "415", "617", "202",
                                    "303", "404", "503", "602", "702" };
static void phone_of(char *buf, size_t size, int w, long k)
{
    snprintf(buf, size, "+1%s5%02d%04ld", area[k / 10000], w, k % 10000);
}

static void name_of(char *buf, size_t size, int w, long k)
{
    snprintf(buf, size, "w%d-c%ld", w, k);
}

typedef struct writer {
    int w;
    char customer[CRM_ID_LEN + 1]; /* made by the last A */
    char promise[CRM_ID_LEN + 1];  /* made by the last B */
    long committed;
    double max_ms, sum_ms; /* time per write, lock wait included */
    char err[512];
} writer;

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void set_err(char *err, size_t size, const char *fmt, ...);
static void set_err(char *err, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}

/* A failed call: the message, and CRM_EBUSY called by its name, since the
 * busy timeout must never run out here. */
static int failed(writer *wr, crm_db *db, long i, const char *call, int rc)
{
    set_err(wr->err, sizeof wr->err, "writer %d, write %ld: %s returned %s%s: %s", wr->w, i, call,
            crm_errname(rc),
            rc == CRM_EBUSY ? " (CRM_EBUSY escaped the busy timeout)" : "",
            crm_errmsg(db));
    return rc;
}

/* Write number i of the writer: one transaction of kind i % 3. */
static int write_one(writer *wr, crm_db *db, long i)
{
    int rc = crm_begin(db);
    if (rc)
        return failed(wr, db, i, "crm_begin", rc);
    long k = i / 3;
    char customer[CRM_ID_LEN + 1] = "", promise[CRM_ID_LEN + 1] = "";
    const char *call = "";
    if (i % 3 == 0) {
        char name[48], phone[32], tag[16];
        name_of(name, sizeof name, wr->w, k);
        phone_of(phone, sizeof phone, wr->w, k);
        snprintf(tag, sizeof tag, "w%d", wr->w);
        crm_customer *c = NULL;
        call = "crm_customer_create";
        rc = crm_customer_create(&c, db, CRM_CUSTOMER_PERSON, name);
        if (rc == CRM_OK) {
            snprintf(customer, sizeof customer, "%s", crm_customer_id(c));
            call = "crm_identity_add";
            rc = crm_identity_add(NULL, db, customer, "phone", phone, 0);
        }
        if (rc == CRM_OK) {
            call = "crm_tag_add";
            rc = crm_tag_add(db, customer, tag);
        }
        crm_customer_free(c);
    } else {
        char ref[48];
        snprintf(ref, sizeof ref, "w%d-%ld", wr->w, i);
        crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
        s.customer_id = wr->customer;
        s.channel = i % 3 == 1 ? CRM_CHANNEL_PHONE : CRM_CHANNEL_EMAIL;
        s.direction = i % 3 == 1 ? CRM_DIRECTION_IN : CRM_DIRECTION_OUT;
        s.external_ref = ref;
        crm_interaction *it = NULL;
        call = "crm_interaction_log";
        rc = crm_interaction_log(&it, db, &s);
        if (rc == CRM_OK && i % 3 == 1) {
            char owner[32];
            snprintf(owner, sizeof owner, "agent:w%d", wr->w);
            crm_promise *p = NULL;
            call = "crm_promise_make";
            rc = crm_promise_make(&p, db, wr->customer, crm_interaction_id(it), owner,
                                  "call back", crm_now() + 86400000, CRM_TIME_NONE);
            if (rc == CRM_OK)
                snprintf(promise, sizeof promise, "%s", crm_promise_id(p));
            crm_promise_free(p);
        } else if (rc == CRM_OK) {
            call = "crm_promise_keep";
            rc = crm_promise_keep(NULL, db, wr->promise, crm_interaction_id(it), NULL,
                                  CRM_TIME_NONE);
        }
        crm_interaction_free(it);
    }
    if (rc == CRM_OK) {
        call = "crm_commit";
        rc = crm_commit(db);
    }
    if (rc) {
        failed(wr, db, i, call, rc);
        if (crm_in_transaction(db))
            crm_rollback(db);
        return rc;
    }
    if (customer[0])
        memcpy(wr->customer, customer, sizeof customer);
    if (promise[0])
        memcpy(wr->promise, promise, sizeof promise);
    wr->committed++;
    return CRM_OK;
}

/* Timed: the figures count how long writes waited for the lock. */
static int write_timed(writer *wr, crm_db *db, long i)
{
    double t = now_ms();
    int rc = write_one(wr, db, i);
    t = now_ms() - t;
    wr->sum_ms += t;
    if (t > wr->max_ms)
        wr->max_ms = t;
    return rc;
}

/* A handle acting as writer w of `who`; o NULL: the default busy timeout
 * and durability. */
static int open_writer(crm_db **db, const char *path, int w, const char *who,
                       const crm_open_options *o)
{
    char actor[32];
    snprintf(actor, sizeof actor, "%s:%d", who, w);
    crm_open_options mine = CRM_OPEN_OPTIONS_INIT;
    if (o)
        mine = *o;
    mine.actor = actor;
    mine.default_country = "US";
    return crm_open(db, path, &mine);
}

/* ---- what readers check ----------------------------------------------------- */

/* Row counts in one read transaction. */
typedef struct counts {
    long long customer, identity, tag, interaction, promise, kept, event, journal, max_seq;
    long long partial_customers, partial_promises;
    long long j_create, j_identity, j_tag, j_log, j_make, j_keep, j_other;
} counts;

static const char SQL_COUNTS[] =
    "SELECT (SELECT count(*) FROM customer), (SELECT count(*) FROM identity),"
    " (SELECT count(*) FROM customer_tag), (SELECT count(*) FROM interaction),"
    " (SELECT count(*) FROM promise), (SELECT count(*) FROM promise WHERE state = ?1),"
    " (SELECT count(*) FROM promise_event)";

/* Customers without their identity or tag; promises without the
 * interaction they were made in, or whose state, kept_by and history
 * disagree. Each is a change seen in part. */
static const char SQL_PARTIAL[] =
    "SELECT (SELECT count(*) FROM customer c"
    "        WHERE NOT EXISTS (SELECT 1 FROM identity i WHERE i.customer_id = c.id)"
    "           OR NOT EXISTS (SELECT 1 FROM customer_tag t WHERE t.customer_id = c.id)),"
    " (SELECT count(*) FROM promise p"
    "  WHERE p.interaction_id IS NULL"
    "     OR NOT EXISTS (SELECT 1 FROM interaction i WHERE i.id = p.interaction_id)"
    "     OR (p.state = ?1) <> (p.kept_by IS NOT NULL)"
    "     OR (p.kept_by IS NOT NULL"
    "         AND NOT EXISTS (SELECT 1 FROM interaction i WHERE i.id = p.kept_by))"
    "     OR (SELECT count(*) FROM promise_event e WHERE e.promise_id = p.id)"
    "        <> 1 + (p.state = ?1))";

/* The journal rows after ?1, by kind: the journal only grows, so a reader
 * adds them to what it counted before instead of counting it all again. */
static const char SQL_JOURNAL_KINDS[] =
    "SELECT entity, op, count(*), max(seq) FROM journal WHERE seq > ?1 GROUP BY 1, 2";

/* Run sql (binding CRM_PROMISE_KEPT to ?1 when it has one) and store the
 * columns of its single row in out[]. */
static int one_row(sqlite3 *s, const char *sql, long long *out, int n, char *err, size_t esize)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s, sql, -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_bind_parameter_count(st) > 0)
        rc = sqlite3_bind_int(st, 1, CRM_PROMISE_KEPT);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            for (int i = 0; i < n; i++)
                out[i] = sqlite3_column_int64(st, i);
            rc = SQLITE_OK;
        }
    }
    if (rc != SQLITE_OK)
        set_err(err, esize, "reading counts: %s", sqlite3_errmsg(s));
    sqlite3_finalize(st);
    return rc == SQLITE_OK;
}

static int journal_kinds(sqlite3 *s, counts *c, char *err, size_t esize)
{
    static const struct {
        const char *entity, *op;
        size_t off;
    } kinds[] = {
        { "customer", "create", offsetof(counts, j_create) },
        { "identity", "add", offsetof(counts, j_identity) },
        { "tag", "add", offsetof(counts, j_tag) },
        { "interaction", "log", offsetof(counts, j_log) },
        { "promise", "make", offsetof(counts, j_make) },
        { "promise", "keep", offsetof(counts, j_keep) },
    };
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(s, SQL_JOURNAL_KINDS, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(st, 1, c->max_seq);
    while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *e = (const char *)sqlite3_column_text(st, 0);
        const char *o = (const char *)sqlite3_column_text(st, 1);
        long long *slot = &c->j_other;
        for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
            if (e && o && strcmp(e, kinds[i].entity) == 0 && strcmp(o, kinds[i].op) == 0)
                slot = (long long *)((char *)c + kinds[i].off);
        *slot += sqlite3_column_int64(st, 2);
        c->journal += sqlite3_column_int64(st, 2);
        if (sqlite3_column_int64(st, 3) > c->max_seq)
            c->max_seq = sqlite3_column_int64(st, 3);
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE)
        set_err(err, esize, "reading the journal's kinds: %s", sqlite3_errmsg(s));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

/* Take every count in one read transaction and check that they describe
 * whole changes only; prev (may be NULL) is an earlier snapshot of the same
 * reader, which nothing may have gone back from. The counts alone catch a
 * change seen in part; with `rows`, every customer and promise is also
 * checked one by one, which costs a scan of both tables. */
static int check_snapshot(sqlite3 *s, counts *c, const counts *prev, int rows, char *err,
                          size_t esize)
{
    memset(c, 0, sizeof *c);
    if (prev) {
        c->journal = prev->journal, c->max_seq = prev->max_seq;
        c->j_create = prev->j_create, c->j_identity = prev->j_identity, c->j_tag = prev->j_tag;
        c->j_log = prev->j_log, c->j_make = prev->j_make, c->j_keep = prev->j_keep;
        c->j_other = prev->j_other;
    }
    if (sqlite3_exec(s, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        set_err(err, esize, "BEGIN: %s", sqlite3_errmsg(s));
        return 0;
    }
    long long v[7], p[2] = { 0, 0 };
    int ok = one_row(s, SQL_COUNTS, v, 7, err, esize) &&
             (!rows || one_row(s, SQL_PARTIAL, p, 2, err, esize)) &&
             journal_kinds(s, c, err, esize);
    if (sqlite3_exec(s, "COMMIT", NULL, NULL, NULL) != SQLITE_OK && ok) {
        set_err(err, esize, "COMMIT: %s", sqlite3_errmsg(s));
        ok = 0;
    }
    if (!ok)
        return 0;
    c->customer = v[0], c->identity = v[1], c->tag = v[2], c->interaction = v[3];
    c->promise = v[4], c->kept = v[5], c->event = v[6];
    c->partial_customers = p[0], c->partial_promises = p[1];
#define EXPECT(cond)                                                                         \
    if (!(cond)) {                                                                          \
        set_err(err, esize,                                                                 \
                "snapshot breaks %s: customers %lld identities %lld tags %lld interactions " \
                "%lld promises %lld kept %lld events %lld journal %lld (max seq %lld) "        \
                "partial customers %lld partial promises %lld; journal create %lld "         \
                "identity %lld tag %lld log %lld make %lld keep %lld other %lld",            \
                #cond, c->customer, c->identity, c->tag, c->interaction, c->promise,        \
                c->kept, c->event, c->journal, c->max_seq, c->partial_customers,            \
                c->partial_promises, c->j_create, c->j_identity, c->j_tag, c->j_log,        \
                c->j_make, c->j_keep, c->j_other);                                          \
        return 0;                                                                           \
    }
    EXPECT(c->identity == c->customer && c->tag == c->customer);
    EXPECT(c->partial_customers == 0 && c->partial_promises == 0);
    EXPECT(c->interaction == c->promise + c->kept);
    EXPECT(c->event == c->promise + c->kept);
    EXPECT(c->journal == 3 * c->customer + 2 * c->promise + 2 * c->kept);
    EXPECT(c->max_seq == c->journal);
    EXPECT(c->j_create == c->customer && c->j_identity == c->customer && c->j_tag == c->customer);
    EXPECT(c->j_log == c->interaction && c->j_make == c->promise && c->j_keep == c->kept);
    EXPECT(c->j_other == 0);
    EXPECT(!prev || (c->journal >= prev->journal && c->customer >= prev->customer &&
                     c->promise >= prev->promise && c->kept >= prev->kept));
#undef EXPECT
    return 1;
}

/* How far a reader has walked the journal through libcrm. */
typedef struct tail {
    int64_t seq;     /* the last row of the last whole change seen */
    long changes[3]; /* whole changes seen, by kind A, B, C */
} tail;

enum { KIND_A, KIND_B, KIND_C };

/* The customer of the newest change of a kind was read back whole. */
static int check_customer(crm_db *db, int kind, const char *id, char *err, size_t esize)
{
    int rc = CRM_OK, n = 0, extra = 0;
    if (kind == KIND_A) {
        crm_identity_cursor *ic = NULL;
        const crm_identity *ident;
        rc = crm_identity_list_open(&ic, db, id);
        while (rc == CRM_OK && (rc = crm_identity_cursor_next(ic, &ident)) == CRM_ROW) {
            n++;
            rc = CRM_OK;
        }
        crm_identity_cursor_free(ic);
        crm_tag_cursor *tc = NULL;
        const char *tagname;
        if (rc == CRM_DONE)
            rc = crm_tag_list_open(&tc, db, id);
        while (rc == CRM_OK && (rc = crm_tag_cursor_next(tc, &tagname)) == CRM_ROW) {
            extra++;
            rc = CRM_OK;
        }
        crm_tag_cursor_free(tc);
        if (rc == CRM_DONE && (n != 1 || extra != 1)) {
            set_err(err, esize, "customer %s has %d identities and %d tags, not one of each", id,
                    n, extra);
            return 0;
        }
    } else {
        /* The customer's one promise: made in B, kept in C (and maybe
         * kept already when B is read back). */
        crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
        f.customer_id = id;
        crm_promise_cursor *pc = NULL;
        const crm_promise *p;
        rc = crm_promise_list_open(&pc, db, &f);
        while (rc == CRM_OK && (rc = crm_promise_cursor_next(pc, &p)) == CRM_ROW) {
            n++;
            int kept = crm_promise_state(p) == CRM_PROMISE_KEPT;
            if (!crm_promise_interaction_id(p) || kept != (crm_promise_kept_by(p) != NULL) ||
                (kind == KIND_C && !kept))
                extra++;
            rc = CRM_OK;
        }
        crm_promise_cursor_free(pc);
        if (rc == CRM_DONE && (n != 1 || extra != 0)) {
            set_err(err, esize, "customer %s has %d promises, %d of them in part", id, n, extra);
            return 0;
        }
    }
    if (rc != CRM_DONE) {
        set_err(err, esize, "reading customer %s back: %s: %s", id, crm_errname(rc),
                crm_errmsg(db));
        return 0;
    }
    return 1;
}

/* Walk the journal from where the last walk ended. Changes of different
 * writers never interleave (one writer at a time), so the rows come in
 * whole changes: customer create, identity add, tag add (A); interaction
 * log and promise make (B) or keep (C), all of one customer. A walk that
 * ends inside a change saw it in part. Then the newest change of each kind
 * is read back through libcrm. */
static int check_journal(crm_db *db, tail *t, char *err, size_t esize)
{
    crm_journal_entry_cursor *cur;
    const crm_journal_entry *e;
    int rc = crm_journal_entry_list_open(&cur, db, t->seq);
    if (rc) {
        set_err(err, esize, "crm_journal_entry_list_open: %s", crm_errmsg(db));
        return 0;
    }
    int pos = 0, kind = -1, ok = 1;
    int64_t seq = t->seq;
    char id[CRM_ID_LEN + 1] = "", newest[3][CRM_ID_LEN + 1] = { "", "", "" };
    while (ok && (rc = crm_journal_entry_cursor_next(cur, &e)) == CRM_ROW) {
        const char *ent = crm_journal_entry_entity(e), *op = crm_journal_entry_op(e);
        const char *eid = crm_journal_entry_entity_id(e);
        int64_t s = crm_journal_entry_seq(e);
        char what[64];
        snprintf(what, sizeof what, "%s %s", ent, op);
        if (s != seq + 1) {
            set_err(err, esize, "journal row %lld follows %lld", (long long)s, (long long)seq);
            ok = 0;
            break;
        }
        seq = s;
        if (pos == 0) {
            kind = strcmp(what, "customer create") == 0 ? KIND_A
                   : strcmp(what, "interaction log") == 0 ? KIND_B /* or C: the next row says */
                                                          : -1;
            snprintf(id, sizeof id, "%s", eid ? eid : "");
        } else if (!eid || strcmp(eid, id) != 0) {
            ok = 0;
        } else if (kind == KIND_A) {
            ok = strcmp(what, pos == 1 ? "identity add" : "tag add") == 0;
        } else if (strcmp(what, "promise keep") == 0) {
            kind = KIND_C;
        } else {
            ok = strcmp(what, "promise make") == 0;
        }
        if (kind < 0)
            ok = 0;
        if (!ok) {
            set_err(err, esize, "journal row %lld (%s of %s) is not where a whole change has it",
                    (long long)s, what, eid ? eid : "-");
            break;
        }
        if (++pos == (kind == KIND_A ? 3 : 2)) {
            t->seq = seq;
            t->changes[kind]++;
            memcpy(newest[kind], id, sizeof id);
            pos = 0;
        }
    }
    if (ok && rc != CRM_DONE) {
        set_err(err, esize, "crm_journal_entry_cursor_next: %s: %s", crm_errname(rc), crm_errmsg(db));
        ok = 0;
    }
    crm_journal_entry_cursor_free(cur);
    if (ok && pos != 0) {
        set_err(err, esize, "the journal ends inside a change: row %lld is its last",
                (long long)seq);
        ok = 0;
    }
    for (int k = 0; ok && k < 3; k++)
        if (newest[k][0])
            ok = check_customer(db, k, newest[k], err, esize);
    return ok;
}

static sqlite3 *open_raw(const char *path)
{
    sqlite3 *s = NULL;
    if (sqlite3_open_v2(path, &s, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, s ? sqlite3_errmsg(s) : "no memory");
        sqlite3_close(s);
        return NULL;
    }
    /* The same wait libcrm's handles have by default. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    sqlite3_busy_timeout(s, o.busy_timeout_ms);
    return s;
}

/* ---- processes ---------------------------------------------------------- */

static int writer_proc(const char *path, int w)
{
    writer wr = { .w = w };
    crm_db *db;
    if (open_writer(&db, path, w, "writer", NULL) != CRM_OK) {
        fprintf(stderr, "writer %d: %s\n", w, crm_errmsg(NULL));
        return 1;
    }
    double t0 = now_ms();
    int rc = CRM_OK;
    for (long i = 0; rc == CRM_OK && i < writes; i++)
        rc = write_timed(&wr, db, i);
    if (rc)
        fprintf(stderr, "%s\n", wr.err);
    printf("  writer %d: %ld writes committed in %.1f s, %.1f ms each on average, "
           "longest %.0f ms\n",
           w, wr.committed, (now_ms() - t0) / 1000.0,
           wr.committed ? wr.sum_ms / (double)wr.committed : 0.0, wr.max_ms);
    fflush(stdout);
    crm_close(db);
    return rc != CRM_OK;
}

/* Stop once the parent closes its end of the pipe. */
static int told_to_stop(int fd)
{
    struct pollfd p = { fd, POLLIN, 0 };
    return poll(&p, 1, 0) > 0;
}

static int reader_proc(const char *path, int r, int stop_fd, int ready_fd)
{
    /* A read-only libcrm handle, as a dashboard would have, and a plain
     * SQLite connection for the cross-table snapshot. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    crm_db *db;
    if (crm_open(&db, path, &o) != CRM_OK) {
        fprintf(stderr, "reader %d: %s\n", r, crm_errmsg(NULL));
        return 1;
    }
    sqlite3 *s = open_raw(path);
    char byte = 'r';
    if (!s || write(ready_fd, &byte, 1) != 1) {
        crm_close(db);
        sqlite3_close(s);
        return 1;
    }
    close(ready_fd);
    counts c, prev;
    tail t = { 0, { 0, 0, 0 } };
    char err[1024];
    long checks = 0, saw_new = 0;
    double spent = 0;
    int ok = 1, last = 0;
    while (ok && !last) {
        last = told_to_stop(stop_fd); /* one more check after the writers end */
        double t0 = now_ms();
        ok = check_snapshot(s, &c, checks ? &prev : NULL, checks % ROWS_EVERY == 0, err,
                            sizeof err) &&
             check_journal(db, &t, err, sizeof err);
        spent += now_ms() - t0;
        if (!ok)
            break;
        /* A check that saw writes land since the one before. */
        saw_new += checks > 0 && c.journal > prev.journal;
        prev = c;
        checks++;
        /* A pause three times as long as the check, so that the readers
         * leave the writers most of the CPU, and the write-ahead log gets
         * moments without readers in which it can be checkpointed and
         * restarted. */
        sleep_ms(1 + 3 * (long)(now_ms() - t0));
    }
    if (!ok)
        fprintf(stderr, "reader %d, check %ld: %s\n", r, checks + 1, err);
    printf("  reader %d: %ld checks (%.1f ms each), %ld of them saw new writes; journal walked "
           "to row %lld (%ld + %ld + %ld whole changes)\n",
           r, checks, checks ? spent / (double)checks : 0.0, saw_new, (long long)t.seq,
           t.changes[0], t.changes[1], t.changes[2]);
    fflush(stdout);
    sqlite3_close(s);
    crm_close(db);
    return !ok;
}

static int wait_ok(pid_t pid, const char *who, int n)
{
    int status = 0;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s %d failed (status 0x%x)\n", who, n, status);
        return 0;
    }
    return 1;
}

/* ---- the end state ---------------------------------------------------------- */

static int integrity_ok(sqlite3 *s)
{
    sqlite3_stmt *st;
    int ok = 0;
    if (sqlite3_prepare_v2(s, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
        ok = sqlite3_step(st) == SQLITE_ROW &&
             strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
        sqlite3_finalize(st);
    }
    if (ok && sqlite3_prepare_v2(s, "PRAGMA foreign_key_check", -1, &st, NULL) == SQLITE_OK) {
        ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_finalize(st);
    }
    return ok;
}

/* Journal rows of one actor. */
static long long rows_of(sqlite3 *s, const char *actor)
{
    sqlite3_stmt *st;
    long long n = -1;
    if (sqlite3_prepare_v2(s, "SELECT count(*) FROM journal WHERE actor = ?1", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, actor, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            n = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return n;
}

/* After every writer of `who` made its `writes`: exact totals, per writer too, every
 * customer found by its phone, whole changes only, a sound file. */
static int check_end(const char *path, const char *who, long writes)
{
    long long a = count_a(writes), b = count_b(writes), c = count_c(writes), n = nwriters;
    int ok = 1;
    char err[1024];
    sqlite3 *s = open_raw(path);
    crm_db *db;
    if (!s || open_writer(&db, path, 0, "check", NULL) != CRM_OK) {
        sqlite3_close(s);
        return 0;
    }
    counts k;
    if (!check_snapshot(s, &k, NULL, 1, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        ok = 0;
    } else if (k.customer != n * a || k.promise != n * b || k.kept != n * c ||
               k.journal != n * (3 * a + 2 * b + 2 * c)) {
        fprintf(stderr,
                "%lld customers, %lld promises (%lld kept), %lld journal rows; expected %lld, "
                "%lld (%lld), %lld\n",
                k.customer, k.promise, k.kept, k.journal, n * a, n * b, n * c,
                n * (3 * a + 2 * b + 2 * c));
        ok = 0;
    }
    for (int w = 0; ok && w < nwriters; w++) {
        char actor[32];
        snprintf(actor, sizeof actor, "%s:%d", who, w);
        long long got = rows_of(s, actor);
        if (got != 3 * a + 2 * b + 2 * c) {
            fprintf(stderr, "%s has %lld journal rows, expected %lld\n", actor, got,
                    3 * a + 2 * b + 2 * c);
            ok = 0;
        }
        for (long i = 0; ok && i < a; i++) {
            char phone[32], name[48];
            phone_of(phone, sizeof phone, w, i);
            name_of(name, sizeof name, w, i);
            crm_customer *found;
            if (crm_identity_lookup(&found, db, "phone", phone) != CRM_OK) {
                fprintf(stderr, "%s: %s\n", phone, crm_errmsg(db));
                ok = 0;
                break;
            }
            if (strcmp(crm_customer_name(found), name) != 0) {
                fprintf(stderr, "%s belongs to %s, not %s\n", phone, crm_customer_name(found),
                        name);
                ok = 0;
            }
            crm_customer_free(found);
        }
    }
    tail t = { 0, { 0, 0, 0 } };
    if (ok && !check_journal(db, &t, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        ok = 0;
    }
    if (ok && (t.changes[KIND_A] != n * a || t.changes[KIND_B] != n * b ||
               t.changes[KIND_C] != n * c)) {
        fprintf(stderr, "the journal has %ld + %ld + %ld whole changes\n", t.changes[0],
                t.changes[1], t.changes[2]);
        ok = 0;
    }
    if (ok && !integrity_ok(s)) {
        fprintf(stderr, "integrity_check or foreign_key_check failed on %s\n", path);
        ok = 0;
    }
    crm_close(db);
    sqlite3_close(s);
    return ok;
}

/* A fresh file with the schema in place, so the workers race on writes. */
static int make_file(char *path, size_t size)
{
    test_temp_path(path, size, ".db");
    crm_db *db;
    if (crm_open(&db, path, NULL) != CRM_OK) {
        fprintf(stderr, "%s\n", crm_errmsg(NULL));
        return 0;
    }
    crm_close(db);
    return 1;
}

TEST(processes_write_and_read)
{
    char path[256];
    CHECK(make_file(path, sizeof path));
    int stop[2], ready[2];
    CHECK(pipe(stop) == 0 && pipe(ready) == 0);
    pid_t readers[MAX_READERS], writers[MAX_WRITERS];
    int ok = 1;
    for (int r = 0; r < nreaders; r++) {
        fflush(NULL);
        readers[r] = fork();
        CHECK(readers[r] >= 0);
        if (readers[r] == 0) {
            close(stop[1]);
            close(ready[0]);
            _exit(reader_proc(path, r, stop[0], ready[1]));
        }
    }
    close(ready[1]);
    /* The writers start once every reader is reading. */
    char byte;
    for (int r = 0; r < nreaders; r++)
        ok = ok && read(ready[0], &byte, 1) == 1;
    close(ready[0]);
    double t0 = now_ms();
    for (int w = 0; ok && w < nwriters; w++) {
        fflush(NULL);
        writers[w] = fork();
        CHECK(writers[w] >= 0);
        if (writers[w] == 0) {
            close(stop[0]);
            close(stop[1]);
            _exit(writer_proc(path, w));
        }
    }
    for (int w = 0; w < nwriters; w++)
        ok = wait_ok(writers[w], "writer", w) && ok;
    double t1 = now_ms();
    close(stop[1]);
    for (int r = 0; r < nreaders; r++)
        ok = wait_ok(readers[r], "reader", r) && ok;
    close(stop[0]);
    printf("  %d writer processes x %ld writes with %d readers: %.1f s\n", nwriters, writes,
           nreaders, (t1 - t0) / 1000.0);
    CHECK(ok);
    CHECK(check_end(path, "writer", writes));
    test_remove_db(path);
}

/* ---- threads ------------------------------------------------------------ */

typedef struct thread_arg {
    const char *path;
    const char *who;             /* actor prefix */
    const crm_open_options *opts; /* NULL: the defaults */
    long writes;
    int check;                    /* read and check between writes */
    writer wr;
    long checks;
    double spent; /* ms in checks */
    int ok;
} thread_arg;

/* The thread's own messages stay its own: a failure without a handle
 * (crm_errmsg(NULL)) and one on its handle, each naming a word of this
 * thread, are still there after a pause in which the other threads fail
 * with words of theirs. */
static int errors_stay(crm_db *db, int w, long i, char *err, size_t esize)
{
    char word[48], value[48];
    snprintf(word, sizeof word, "channel-of-thread-%d-%ld", w, i);
    snprintf(value, sizeof value, "account-of-thread-%d-%ld", w, i);
    crm_channel_t ch;
    crm_customer *c = NULL;
    int rc1 = crm_channel_parse(&ch, word);
    int rc2 = crm_identity_lookup(&c, db, "account", value);
    crm_customer_free(c);
    sched_yield();
    if (rc1 != CRM_EINVAL || crm_errcode(NULL) != CRM_EINVAL || !strstr(crm_errmsg(NULL), word)) {
        set_err(err, esize, "thread %d: crm_errmsg(NULL) is \"%s\", not about %s", w,
                crm_errmsg(NULL), word);
        return 0;
    }
    if (rc2 != CRM_ENOTFOUND || crm_errcode(db) != CRM_ENOTFOUND ||
        !strstr(crm_errmsg(db), value)) {
        set_err(err, esize, "thread %d: its handle's message is \"%s\", not about %s", w,
                crm_errmsg(db), value);
        return 0;
    }
    return 1;
}

enum { CHECK_EVERY = 10 }; /* writes between a thread's checks */

static void *thread_main(void *p)
{
    thread_arg *ta = p;
    writer *wr = &ta->wr;
    crm_db *db;
    ta->ok = 0;
    if (open_writer(&db, ta->path, wr->w, ta->who, ta->opts) != CRM_OK) {
        set_err(wr->err, sizeof wr->err, "thread %d: %s", wr->w, crm_errmsg(NULL));
        return NULL;
    }
    sqlite3 *s = open_raw(ta->path);
    counts c, prev;
    tail t = { 0, { 0, 0, 0 } };
    int ok = s != NULL;
    for (long i = 0; ok && i < ta->writes; i++) {
        ok = write_timed(wr, db, i) == CRM_OK;
        if (ok && ta->check && (i % CHECK_EVERY == CHECK_EVERY - 1 || i == ta->writes - 1)) {
            double t0 = now_ms();
            ok = check_snapshot(s, &c, ta->checks ? &prev : NULL, ta->checks % ROWS_EVERY == 0,
                                wr->err, sizeof wr->err) &&
                 check_journal(db, &t, wr->err, sizeof wr->err) &&
                 errors_stay(db, wr->w, i, wr->err, sizeof wr->err);
            prev = c;
            ta->checks++;
            ta->spent += now_ms() - t0;
        }
    }
    sqlite3_close(s);
    crm_close(db);
    ta->ok = ok;
    return NULL;
}

/* Run nwriters threads of `writes` each on path and report; 1 if every
 * one made all its writes (and checks). */
static int run_threads(const char *path, const char *who, const crm_open_options *opts,
                       long writes, int check)
{
    pthread_t th[MAX_WRITERS];
    static thread_arg args[MAX_WRITERS];
    double t0 = now_ms();
    int started = 0;
    for (int w = 0; w < nwriters; w++) {
        args[w] = (thread_arg){ .path = path, .who = who, .opts = opts, .writes = writes,
                                .check = check, .wr = { .w = w } };
        if (pthread_create(&th[w], NULL, thread_main, &args[w]) != 0)
            break;
        started++;
    }
    int ok = started == nwriters;
    for (int w = 0; w < started; w++) {
        pthread_join(th[w], NULL);
        writer *wr = &args[w].wr;
        if (!args[w].ok) {
            fprintf(stderr, "%s\n", wr->err);
            ok = 0;
        }
        printf("  thread %d: %ld writes committed, %.1f ms each on average, longest %.0f ms",
               w, wr->committed, wr->committed ? wr->sum_ms / (double)wr->committed : 0.0,
               wr->max_ms);
        if (check)
            printf("; %ld checks (%.1f ms each)", args[w].checks,
                   args[w].checks ? args[w].spent / (double)args[w].checks : 0.0);
        printf("\n");
    }
    printf("  %d threads x %ld writes", nwriters, writes);
    if (check)
        printf(", each checking every %d", CHECK_EVERY);
    printf(": %.1f s\n", (now_ms() - t0) / 1000.0);
    return ok;
}

TEST(threads_write_and_read)
{
    char path[256];
    CHECK(make_file(path, sizeof path));
    CHECK(run_threads(path, "thread", NULL, thread_writes, 1));
    CHECK(check_end(path, "thread", thread_writes));
    test_remove_db(path);
}

/* Writers of very short transactions (durability NORMAL: no wait for the
 * disk) with a short busy timeout. The lock changes hands all the time, and
 * a writer that keeps missing its turn is waiting for writers that finish,
 * not for one stuck transaction: it must not get CRM_EBUSY. (Waiting with
 * a deadline for the whole wait, with waits that grow to 100 ms between
 * tries, failed here within the first few hundred writes.) */
TEST(short_timeout_while_the_lock_changes_hands)
{
    char path[256];
    CHECK(make_file(path, sizeof path));
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.durability = CRM_DURABILITY_NORMAL;
    o.busy_timeout_ms = SHORT_TIMEOUT_MS;
    CHECK(run_threads(path, "fast", &o, fast_writes, 0));
    CHECK(check_end(path, "fast", fast_writes));
    test_remove_db(path);
}

static long arg(const char *s, long lo, long hi, const char *what)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < lo || v > hi) {
        fprintf(stderr, "test_concurrent: %s must be %ld..%ld, not '%s'\n", what, lo, hi, s);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc > 6) {
        fprintf(stderr, "usage: test_concurrent [WRITES [THREAD_WRITES [WRITERS [READERS "
                        "[FAST_WRITES]]]]]\n");
        return 2;
    }
    /* Phone numbers give room for 100000 customers per writer. */
    if (argc > 1)
        writes = thread_writes = arg(argv[1], 0, 299999, "WRITES");
    if (argc > 2)
        thread_writes = arg(argv[2], 0, 299999, "THREAD_WRITES");
    if (argc > 3)
        nwriters = (int)arg(argv[3], 1, MAX_WRITERS, "WRITERS");
    if (argc > 4)
        nreaders = (int)arg(argv[4], 0, MAX_READERS, "READERS");
    if (argc > 5)
        fast_writes = arg(argv[5], 0, 299999, "FAST_WRITES");
    if (writes > 0)
        RUN(processes_write_and_read);
    if (thread_writes > 0)
        RUN(threads_write_and_read);
    if (fast_writes > 0)
        RUN(short_timeout_while_the_lock_changes_hands);
    return test_summary();
}
