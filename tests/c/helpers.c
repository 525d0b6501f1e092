/*
 * libcrm tests - shared helpers.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "test.h"

int test_failures, test_failed_tests, test_run, test_current_failed;

int test_summary(void)
{
    printf("%d passed, %d failed\n", test_run - test_failed_tests, test_failed_tests);
    return test_failures ? 1 : 0;
}

crm_db *test_open_memory(void)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    crm_db *db = NULL;
    if (crm_open(&db, ":memory:", &o) != CRM_OK) {
        fprintf(stderr, "cannot open :memory:: %s\n", crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

char *test_slurp_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = calloc(1, 1 << 17);
    size_t n = s ? fread(s, 1, (1 << 17) - 1, f) : 0;
    fclose(f);
    if (!n) {
        free(s);
        return NULL;
    }
    return s;
}

void test_temp_path(char *path, size_t size, const char *suffix)
{
    static int n;
    const char *dir = getenv("TMPDIR");
    snprintf(path, size, "%s/crm-test-%ld-%d%s", dir && *dir ? dir : "/tmp", (long)getpid(), n++,
             suffix ? suffix : ".db");
}

void test_remove_db(const char *path)
{
    char p[4200];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-journal", path);
    unlink(p);
}

crm_db *test_open_file(char *path, size_t size)
{
    test_temp_path(path, size, ".db");
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.default_country = "US";
    crm_db *db = NULL;
    if (crm_open(&db, path, &o) != CRM_OK) {
        fprintf(stderr, "cannot open %s: %s\n", path, crm_errmsg(NULL));
        exit(2);
    }
    return db;
}

/* What each snapshot counts, in the order of test_snapshot.rows. */
static const char *const tables[] = { "customer",    "customer_attr", "customer_tag",
                                      "membership",  "identity",      "journal",
                                      "interaction", "promise",       "promise_event",
                                      "occasion" };

void test_snapshot_take(crm_db *db, test_snapshot *s)
{
    memset(s, 0, sizeof *s);
    if (crm_journal_last_seq(&s->last_seq, db) != CRM_OK) {
        fprintf(stderr, "snapshot: %s\n", crm_errmsg(db));
        exit(2);
    }
    s->ntables = (int)(sizeof tables / sizeof tables[0]);
    /* Row counts, read back through the listing calls. */
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    crm_customer_cursor *cc;
    if (crm_customer_list_open(&cc, db, &f) != CRM_OK) {
        fprintf(stderr, "snapshot: %s\n", crm_errmsg(db));
        exit(2);
    }
    const crm_customer *c;
    long long customers = 0, attrs = 0, tags = 0, members = 0, identities = 0;
    long long interactions = 0, promises = 0, events = 0, occasions = 0;
    while (crm_customer_cursor_next(cc, &c) == CRM_ROW) {
        customers++;
        crm_attr_cursor *ac;
        const crm_attr *a;
        if (crm_attr_list_open(&ac, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_attr_cursor_next(ac, &a) == CRM_ROW)
                attrs++;
            crm_attr_cursor_free(ac);
        }
        crm_tag_cursor *tc;
        const char *t;
        if (crm_tag_list_open(&tc, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_tag_cursor_next(tc, &t) == CRM_ROW)
                tags++;
            crm_tag_cursor_free(tc);
        }
        crm_member_cursor *mc;
        const crm_member *m;
        if (crm_member_list_open(&mc, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_member_cursor_next(mc, &m) == CRM_ROW)
                members++;
            crm_member_cursor_free(mc);
        }
        crm_identity_cursor *ic;
        const crm_identity *id;
        if (crm_identity_list_open(&ic, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_identity_cursor_next(ic, &id) == CRM_ROW)
                identities++;
            crm_identity_cursor_free(ic);
        }
        crm_interaction_cursor *tl;
        const crm_interaction *it;
        if (crm_interaction_timeline_open(&tl, db, crm_customer_id(c), NULL) == CRM_OK) {
            while (crm_interaction_cursor_next(tl, &it) == CRM_ROW)
                interactions++;
            crm_interaction_cursor_free(tl);
        }
        crm_promise_filter pf = CRM_PROMISE_FILTER_INIT;
        pf.customer_id = crm_customer_id(c);
        crm_promise_cursor *pc;
        const crm_promise *p;
        if (crm_promise_list_open(&pc, db, &pf) == CRM_OK) {
            while (crm_promise_cursor_next(pc, &p) == CRM_ROW) {
                promises++;
                crm_promise_event_cursor *ec;
                const crm_promise_event *e;
                if (crm_promise_event_list_open(&ec, db, crm_promise_id(p)) == CRM_OK) {
                    while (crm_promise_event_cursor_next(ec, &e) == CRM_ROW)
                        events++;
                    crm_promise_event_cursor_free(ec);
                }
            }
            crm_promise_cursor_free(pc);
        }
        crm_occasion_cursor *oc;
        const crm_occasion *o;
        if (crm_occasion_list_open(&oc, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_occasion_cursor_next(oc, &o) == CRM_ROW)
                occasions++;
            crm_occasion_cursor_free(oc);
        }
    }
    crm_customer_cursor_free(cc);
    s->rows[0] = customers;
    s->rows[1] = attrs;
    s->rows[2] = tags;
    s->rows[3] = members; /* counted from both ends: twice each */
    s->rows[4] = identities;
    s->rows[5] = s->last_seq;
    s->rows[6] = interactions;
    s->rows[7] = promises;
    s->rows[8] = events;
    s->rows[9] = occasions;
}

int test_snapshot_same(crm_db *db, const test_snapshot *s)
{
    test_snapshot now;
    test_snapshot_take(db, &now);
    int same = now.last_seq == s->last_seq;
    for (int i = 0; i < s->ntables; i++)
        same = same && now.rows[i] == s->rows[i];
    if (!same) {
        fprintf(stderr, "database changed: journal seq %lld -> %lld\n", (long long)s->last_seq,
                (long long)now.last_seq);
        for (int i = 0; i < s->ntables; i++)
            if (now.rows[i] != s->rows[i])
                fprintf(stderr, "  %s rows %lld -> %lld\n", tables[i], s->rows[i], now.rows[i]);
    }
    return same;
}

const char *const test_bad_utf8[] = {
    "\xff",             /* never valid */
    "abc\x80",          /* stray continuation byte */
    "\xc3",             /* truncated sequence */
    "\xc0\xaf",         /* overlong "/" */
    "\xed\xa0\x80",     /* UTF-16 surrogate */
    "\xf4\x90\x80\x80", /* above U+10FFFF */
    NULL,
};

/* Not ids: every way a caller might get the canonical form wrong. */
const char *const test_bad_ids[] = {
    "",
    "not-a-uuid",
    "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7",           /* too short */
    "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b0",         /* too long */
    "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7bb",         /* too long, still hex */
    "0190a5b27c3e-7d4f-8a1b-2c3d4e5f6a7b-",          /* dashes in the wrong places */
    "0190a5b2_7c3e_7d4f_8a1b_2c3d4e5f6a7b",          /* not dashes */
    "0190a5b27c3e7d4f8a1b2c3d4e5f6a7b",              /* no dashes */
    "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7g",          /* not hex */
    "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a+b",          /* not hex */
    "{0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b}",        /* braces */
    "urn:uuid:0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", /* URN form */
    "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b ",         /* trailing junk */
    " 0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b",         /* leading junk */
    "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7\xff",       /* not UTF-8 */
    "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7\xc3\xa9",   /* not ASCII */
    "\xff\xfe",                                      /* not UTF-8 at all */
    NULL,
};

char *test_long_string(size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        exit(2);
    memset(s, 'x', n);
    s[n] = '\0';
    return s;
}

void test_customer(crm_db *db, crm_customer_kind_t kind, const char *name, char id[CRM_ID_LEN + 1])
{
    crm_customer *c;
    if (crm_customer_create(&c, db, kind, name) != CRM_OK) {
        fprintf(stderr, "creating %s: %s\n", name, crm_errmsg(db));
        exit(2);
    }
    memcpy(id, crm_customer_id(c), CRM_ID_LEN + 1);
    crm_customer_free(c);
}

void test_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

int64_t test_updated_at(crm_db *db, const char *id)
{
    crm_customer *c;
    if (crm_customer_get(&c, db, id) != CRM_OK) {
        fprintf(stderr, "test_updated_at: %s\n", crm_errmsg(db));
        exit(2);
    }
    int64_t t = crm_customer_updated_at(c);
    crm_customer_free(c);
    return t;
}

int test_canonical_v7(const char *id)
{
    if (!id || strlen(id) != CRM_ID_LEN)
        return 0;
    for (int i = 0; i < CRM_ID_LEN; i++) {
        char c = id[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-')
                return 0;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            return 0;
        }
    }
    return id[14] == '7' && strchr("89ab", id[19]) != NULL;
}

int test_count_customers(crm_db *db, crm_archived_filter_t mode)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = mode;
    crm_customer_cursor *cur;
    if (crm_customer_list_open(&cur, db, &f) != CRM_OK) {
        fprintf(stderr, "test_count_customers: %s\n", crm_errmsg(db));
        return -1;
    }
    const crm_customer *c;
    int n = 0, rc;
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        n++;
    crm_customer_cursor_free(cur);
    return rc == CRM_DONE ? n : -1;
}

const char *test_names(crm_db *db, const crm_customer_filter *f)
{
    static char buf[8192];
    crm_customer_cursor *cur;
    int rc = crm_customer_list_open(&cur, db, f);
    if (rc != CRM_OK) {
        snprintf(buf, sizeof buf, "ERR open %s: %s", crm_errname(rc), crm_errmsg(db));
        return buf;
    }
    const crm_customer *c;
    size_t n = 0;
    buf[0] = '\0';
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", n ? "," : "", crm_customer_name(c));
    crm_customer_cursor_free(cur);
    if (rc != CRM_DONE)
        snprintf(buf, sizeof buf, "ERR next %s: %s", crm_errname(rc), crm_errmsg(db));
    return buf;
}

int64_t test_last_seq(crm_db *db)
{
    int64_t seq = -1;
    if (crm_journal_last_seq(&seq, db) != CRM_OK) {
        fprintf(stderr, "test_last_seq: %s\n", crm_errmsg(db));
        exit(2);
    }
    return seq;
}

int test_journal_is(crm_db *db, int64_t since, const test_jrow *want, int n)
{
    crm_journal_entry_cursor *cur;
    if (crm_journal_entry_list_open(&cur, db, since) != CRM_OK) {
        fprintf(stderr, "journal_is: %s\n", crm_errmsg(db));
        return 0;
    }
    const crm_journal_entry *e;
    int rc, i = 0, ok = 1;
    while (ok && (rc = crm_journal_entry_cursor_next(cur, &e)) == CRM_ROW) {
        const char *entity = crm_journal_entry_entity(e), *op = crm_journal_entry_op(e);
        const char *eid = crm_journal_entry_entity_id(e), *data = crm_journal_entry_data(e);
        if (i >= n) {
            fprintf(stderr, "journal_is: unexpected row %d: %s %s %s %s\n", i, entity, op,
                    eid ? eid : "-", data);
            ok = 0;
            break;
        }
        if (strcmp(entity, want[i].entity) != 0 || strcmp(op, want[i].op) != 0 ||
            (eid && want[i].entity_id ? strcmp(eid, want[i].entity_id) != 0
                                      : eid != want[i].entity_id) ||
            crm_journal_entry_seq(e) <= since) {
            fprintf(stderr, "journal_is: row %d is %s %s %s (seq %lld), expected %s %s %s\n", i,
                    entity, op, eid ? eid : "-", (long long)crm_journal_entry_seq(e),
                    want[i].entity, want[i].op, want[i].entity_id ? want[i].entity_id : "-");
            ok = 0;
        }
        for (int k = 0; ok && k < 4 && want[i].data[k]; k++)
            if (!strstr(data, want[i].data[k])) {
                fprintf(stderr, "journal_is: row %d data %s lacks %s\n", i, data,
                        want[i].data[k]);
                ok = 0;
            }
        if (ok && want[i].absent && strstr(data, want[i].absent)) {
            fprintf(stderr, "journal_is: row %d data %s has %s\n", i, data, want[i].absent);
            ok = 0;
        }
        i++;
    }
    if (ok && rc != CRM_DONE) {
        fprintf(stderr, "journal_is: next returned %d: %s\n", rc, crm_errmsg(db));
        ok = 0;
    }
    if (ok && i != n) {
        fprintf(stderr, "journal_is: %d rows, expected %d\n", i, n);
        ok = 0;
    }
    crm_journal_entry_cursor_free(cur);
    return ok;
}

void test_check_finds(crm_db *db, const char *kind, const char *value, const char *id)
{
    crm_customer *c = NULL;
    int rc = crm_identity_lookup(&c, db, kind, value);
    if (rc != CRM_OK)
        fprintf(stderr, "looking up %s '%s'\n", kind, value);
    CHECK_OK(db, rc);
    int same = strcmp(crm_customer_id(c), id) == 0;
    crm_customer_free(c);
    if (!same)
        fprintf(stderr, "looking up %s '%s' found another customer\n", kind, value);
    CHECK(same);
}

void test_check_key(crm_db *db, const char *kind, const char *value, const char *key)
{
    char *k = NULL;
    CHECK_OK(db, crm_identity_normalise(&k, db, kind, value));
    int same = k && strcmp(k, key) == 0;
    if (!same)
        fprintf(stderr, "%s '%s' normalised to '%s', expected '%s'\n", kind, value,
                k ? k : "(null)", key);
    crm_free(k);
    CHECK(same);
}

long test_alloc_countdown = -1, test_alloc_calls;

static void *fail_malloc(size_t n, void *p)
{
    (void)p;
    test_alloc_calls++;
    if (test_alloc_countdown >= 0 && test_alloc_countdown-- == 0)
        return NULL;
    return malloc(n);
}

static void *fail_realloc(void *ptr, size_t n, void *p)
{
    (void)p;
    test_alloc_calls++;
    if (test_alloc_countdown >= 0 && test_alloc_countdown-- == 0)
        return NULL;
    return realloc(ptr, n);
}

static void fail_free(void *ptr, void *p)
{
    (void)p;
    free(ptr);
}

const crm_allocator test_failing_allocator = { CRM_ALLOCATOR_VERSION, fail_malloc, fail_realloc,
                                               fail_free, NULL };
