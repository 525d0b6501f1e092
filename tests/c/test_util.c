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
static const char *const tables[] = { "customer",   "customer_attr", "customer_tag",
                                      "membership", "identity",      "journal" };

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
    while (crm_customer_list_next(cc, &c) == CRM_ROW) {
        customers++;
        crm_attr_cursor *ac;
        const crm_attr *a;
        if (crm_attr_list_open(&ac, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_attr_list_next(ac, &a) == CRM_ROW)
                attrs++;
            crm_attr_list_free(ac);
        }
        crm_tag_cursor *tc;
        const char *t;
        if (crm_tag_list_open(&tc, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_tag_list_next(tc, &t) == CRM_ROW)
                tags++;
            crm_tag_list_free(tc);
        }
        crm_member_cursor *mc;
        const crm_member *m;
        if (crm_member_list_open(&mc, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_member_list_next(mc, &m) == CRM_ROW)
                members++;
            crm_member_list_free(mc);
        }
        crm_identity_cursor *ic;
        const crm_identity *id;
        if (crm_identity_list_open(&ic, db, crm_customer_id(c)) == CRM_OK) {
            while (crm_identity_list_next(ic, &id) == CRM_ROW)
                identities++;
            crm_identity_list_free(ic);
        }
    }
    crm_customer_list_free(cc);
    s->rows[0] = customers;
    s->rows[1] = attrs;
    s->rows[2] = tags;
    s->rows[3] = members; /* counted from both ends: twice each */
    s->rows[4] = identities;
    s->rows[5] = s->last_seq;
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

char *test_long_string(size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        exit(2);
    memset(s, 'x', n);
    s[n] = '\0';
    return s;
}

void test_customer(crm_db *db, crm_customer_kind kind, const char *name, char id[CRM_ID_LEN + 1])
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
