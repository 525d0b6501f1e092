/*
 * Lists and the writes a loop makes through the same handle: every list
 * gives each row at most once and ends, whatever the loop writes; the
 * record a cursor lent stays valid across the write; a cursor left in the
 * middle of a walk does not make the handle's writes fail; a cursor's
 * failure carries its real message; and the upcoming occasions stream.
 */
#define _POSIX_C_SOURCE 200809L
#include <unistd.h>

#include "test.h"

enum { N = 40 };

/* A set of ids seen, to tell a second visit. */
typedef struct seen {
    char ids[4 * N][CRM_ID_LEN + 8];
    int n;
} seen;

static int seen_add(seen *s, const char *id)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->ids[i], id) == 0)
            return 0;
    if (s->n < 4 * N)
        snprintf(s->ids[s->n++], sizeof s->ids[0], "%s", id);
    return 1;
}

static void person(crm_db *db, const char *name, char id[CRM_ID_LEN + 1])
{
    test_customer(db, CRM_CUSTOMER_PERSON, name, id);
}

TEST(creating_while_listing_customers_ends)
{
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof name, "Customer %02d", i);
        person(db, name, id);
    }
    /* By creation and by name, each customer the loop makes sorts after
     * every one listed so far, so a walk that saw them would never end. */
    for (int order = 0; order < 2; order++) {
        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
        f.order = order ? CRM_ORDER_NAME : CRM_ORDER_CREATED;
        crm_customer_cursor *cur;
        CHECK_OK(db, crm_customer_list_open(&cur, db, &f));
        const crm_customer *c;
        seen s = { .n = 0 };
        int rc, visits = 0;
        while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW && visits < 4 * N) {
            visits++;
            CHECK(seen_add(&s, crm_customer_id(c)));
            char name[64];
            snprintf(name, sizeof name, "Zz %s", crm_customer_name(c));
            person(db, name, id);
            /* Renaming moves it in name order, behind and ahead of the walk. */
            CHECK_OK(db, crm_customer_rename(db, crm_customer_id(c),
                                             visits % 2 ? "Aaa moved back" : "Zzz moved on"));
        }
        CHECK_INT(rc, CRM_DONE);
        crm_customer_cursor_free(cur);
        CHECK_INT(visits, N << order);
    }
    crm_close(db);
}

static void promises_of(crm_db *db, const char *cid, int n)
{
    for (int i = 0; i < n; i++) {
        char what[32];
        snprintf(what, sizeof what, "call back %d", i);
        CHECK_OK(db, crm_promise_make(NULL, db, cid, NULL, "agent:bo", what,
                                      1800000000000LL + i * 60000, CRM_TIME_NONE));
    }
}

TEST(renegotiating_while_listing_promises)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    person(db, "Ann", cid);
    promises_of(db, cid, N);
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.customer_id = cid;
    crm_promise_cursor *cur;
    CHECK_OK(db, crm_promise_list_open(&cur, db, &f));
    const crm_promise *p;
    seen s = { .n = 0 };
    int rc, visits = 0;
    /* Each moves past every other: listed by due time, it would come again. */
    while ((rc = crm_promise_cursor_next(cur, &p)) == CRM_ROW && visits < 4 * N) {
        visits++;
        CHECK(seen_add(&s, crm_promise_id(p)));
        int64_t due = crm_promise_due_at(p);
        char what[64];
        snprintf(what, sizeof what, "%s", crm_promise_what(p));
        CHECK_OK(db, crm_promise_renegotiate(NULL, db, crm_promise_id(p), due + 86400000LL * 30,
                                             "customer away", 1, CRM_TIME_NONE));
        /* The record lent before the write is whole after it. */
        CHECK_STR(crm_promise_what(p), what);
        CHECK_INT(crm_promise_due_at(p), due);
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(visits, N);
    crm_promise_cursor_free(cur);
    crm_close(db);
}

/* Every other kind of list, with the write that would disturb it most. */
TEST(every_list_ends_under_its_writes)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], org[CRM_ID_LEN + 1], iid[CRM_ID_LEN + 1];
    person(db, "Bea", cid);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", org);
    for (int i = 0; i < N; i++) {
        char v[64];
        snprintf(v, sizeof v, "bea%02d@example.com", i);
        CHECK_OK(db, crm_identity_add(NULL, db, cid, "email", v, 0));
        snprintf(v, sizeof v, "key%02d", i);
        CHECK_OK(db, crm_attr_set(db, cid, v, "x"));
        snprintf(v, sizeof v, "tag%02d", i);
        CHECK_OK(db, crm_tag_add(db, cid, v));
    }

    /* Identities: making one primary moves it first. */
    crm_identity_cursor *ic;
    const crm_identity *ident;
    CHECK_OK(db, crm_identity_list_open(&ic, db, cid));
    int rc, visits = 0;
    seen s = { .n = 0 };
    while ((rc = crm_identity_cursor_next(ic, &ident)) == CRM_ROW && visits < 4 * N) {
        visits++;
        CHECK(seen_add(&s, crm_identity_key(ident)));
        CHECK_OK(db, crm_identity_set_flags(db, cid, "email", crm_identity_value(ident),
                                            CRM_IDENTITY_PRIMARY));
        char v[64];
        snprintf(v, sizeof v, "a%02d@example.com", visits);
        CHECK_OK(db, crm_identity_add(NULL, db, cid, "email", v, 0));
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(visits, N);
    crm_identity_cursor_free(ic);

    /* Attributes and tags: each one the loop adds sorts after the walk. */
    crm_attr_cursor *ac;
    const crm_attr *attr;
    CHECK_OK(db, crm_attr_list_open(&ac, db, cid));
    visits = 0;
    while ((rc = crm_attr_cursor_next(ac, &attr)) == CRM_ROW && visits < 4 * N) {
        char k[80];
        snprintf(k, sizeof k, "%s_", crm_attr_key(attr));
        CHECK_OK(db, crm_attr_set(db, cid, k, crm_attr_value(attr)));
        visits++;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(visits, N);
    crm_attr_cursor_free(ac);

    crm_tag_cursor *tc;
    const char *tag;
    CHECK_OK(db, crm_tag_list_open(&tc, db, cid));
    visits = 0;
    while ((rc = crm_tag_cursor_next(tc, &tag)) == CRM_ROW && visits < 4 * N) {
        char t[80];
        snprintf(t, sizeof t, "%s", tag);
        CHECK_OK(db, crm_tag_remove(db, cid, tag));
        snprintf(t + strlen(t), sizeof t - strlen(t), "~");
        CHECK_OK(db, crm_tag_add(db, cid, t));
        visits++;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(visits, N);
    crm_tag_cursor_free(tc);

    /* The journal: every write adds to it. */
    int64_t last = test_last_seq(db);
    crm_journal_entry_cursor *jc;
    const crm_journal_entry *e;
    CHECK_OK(db, crm_journal_entry_list_open(&jc, db, last - N));
    visits = 0;
    while ((rc = crm_journal_entry_cursor_next(jc, &e)) == CRM_ROW && visits < 4 * N) {
        CHECK_OK(db, crm_attr_set(db, cid, "journal", crm_journal_entry_op(e)));
        visits++;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(visits, N);
    crm_journal_entry_cursor_free(jc);

    /* Memberships, renamed while listed by name. */
    for (int i = 0; i < N; i++) {
        char name[32], pid[CRM_ID_LEN + 1];
        snprintf(name, sizeof name, "Member %02d", i);
        person(db, name, pid);
        CHECK_OK(db, crm_member_add(db, org, pid, "staff"));
    }
    crm_member_cursor *mc;
    const crm_member *mem;
    CHECK_OK(db, crm_member_list_open(&mc, db, org));
    visits = 0;
    while ((rc = crm_member_cursor_next(mc, &mem)) == CRM_ROW && visits < 4 * N) {
        CHECK_OK(db, crm_customer_rename(db, crm_member_person_id(mem), "Zz Member"));
        visits++;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(visits, N);
    crm_member_cursor_free(mc);

    /* The timeline and a thread: each interaction logged is the newest, or
     * the thread's next. */
    crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
    spec.customer_id = cid;
    spec.channel = CRM_CHANNEL_EMAIL;
    spec.direction = CRM_DIRECTION_IN;
    crm_interaction *first;
    CHECK_OK(db, crm_interaction_log(&first, db, &spec));
    snprintf(iid, sizeof iid, "%s", crm_interaction_id(first));
    crm_interaction_free(first);
    spec.reply_to = iid;
    for (int i = 1; i < N; i++)
        CHECK_OK(db, crm_interaction_log(NULL, db, &spec));
    crm_interaction_cursor *tl;
    const crm_interaction *it;
    for (int thread = 0; thread < 2; thread++) {
        if (thread)
            CHECK_OK(db, crm_interaction_thread_open(&tl, db, iid, NULL));
        else
            CHECK_OK(db, crm_interaction_timeline_open(&tl, db, cid, NULL));
        visits = 0;
        while ((rc = crm_interaction_cursor_next(tl, &it)) == CRM_ROW && visits < 4 * N) {
            char summary[64];
            snprintf(summary, sizeof summary, "seen %d", visits);
            CHECK_OK(db, crm_interaction_set_summary(db, crm_interaction_id(it), summary));
            CHECK_OK(db, crm_interaction_log(NULL, db, &spec));
            CHECK(crm_interaction_summary(it) == NULL || thread);
            visits++;
        }
        CHECK_INT(rc, CRM_DONE);
        CHECK_INT(visits, N << thread);
        crm_interaction_cursor_free(tl);
    }

    /* A promise's history grows with each renegotiation. */
    crm_promise *p;
    CHECK_OK(db, crm_promise_make(&p, db, cid, NULL, "agent:bo", "refund", 1800000000000LL,
                                  CRM_TIME_NONE));
    for (int i = 1; i < N; i++)
        CHECK_OK(db, crm_promise_renegotiate(NULL, db, crm_promise_id(p), 1800000000000LL + i,
                                             "later", 0, CRM_TIME_NONE));
    crm_promise_event_cursor *hc;
    const crm_promise_event *ev;
    CHECK_OK(db, crm_promise_event_list_open(&hc, db, crm_promise_id(p)));
    visits = 0;
    while ((rc = crm_promise_event_cursor_next(hc, &ev)) == CRM_ROW && visits < 4 * N) {
        CHECK_OK(db, crm_promise_renegotiate(NULL, db, crm_promise_id(p),
                                             1900000000000LL + visits, "again", 0,
                                             CRM_TIME_NONE));
        visits++;
    }
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(visits, N);
    crm_promise_event_cursor_free(hc);
    crm_promise_free(p);

    /* Occasions: a customer's, and the upcoming ones of everyone. */
    crm_occasion_spec os = CRM_OCCASION_SPEC_INIT;
    os.customer_id = cid;
    os.kind = "birthday";
    os.yearly = 1;
    os.month = 6;
    for (int i = 0; i < N / 2; i++) {
        os.day = i + 1;
        CHECK_OK(db, crm_occasion_add(NULL, db, &os));
    }
    crm_occasion_cursor *oc;
    const crm_occasion *occ;
    for (int upcoming = 0; upcoming < 2; upcoming++) {
        if (upcoming) /* June of 2030 and 2031 */
            CHECK_OK(db, crm_occasion_upcoming_open(&oc, db, 2030, 6, 1, 365));
        else
            CHECK_OK(db, crm_occasion_list_open(&oc, db, cid));
        visits = 0;
        while ((rc = crm_occasion_cursor_next(oc, &occ)) == CRM_ROW && visits < 4 * N) {
            os.day = 30; /* after every one listed */
            CHECK_OK(db, crm_occasion_add(NULL, db, &os));
            visits++;
        }
        CHECK_INT(rc, CRM_DONE);
        CHECK_INT(visits, N / 2 * (upcoming + 1));
        crm_occasion_cursor_free(oc);
    }
    crm_close(db);
}

/* A cursor in the middle of a walk holds a read snapshot; once another
 * connection has committed, SQLite refuses the snapshot a write, at once,
 * and libcrm called that "stayed locked by another writer for the whole
 * busy timeout". */
TEST(writes_beside_an_open_cursor)
{
    char path[256];
    crm_db *a = test_open_file(path, sizeof path);
    crm_db *b;
    CHECK_INT(crm_open(&b, path, NULL), CRM_OK);
    char id[CRM_ID_LEN + 1];
    for (int i = 0; i < 5; i++)
        person(a, "Listed", id);
    crm_customer_cursor *cur;
    const crm_customer *c;
    CHECK_OK(a, crm_customer_list_open(&cur, a, NULL));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    person(b, "Other Process", id);
    person(a, "After", id);
    CHECK_OK(a, crm_begin(a));
    person(a, "In a group", id);
    CHECK_OK(a, crm_commit(a));
    /* The walk gives what there was when it began. */
    int n = 1, rc;
    while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
        n++;
    CHECK_INT(rc, CRM_DONE);
    CHECK_INT(n, 5);
    crm_customer_cursor_free(cur);
    CHECK_INT(test_count_customers(a, CRM_ARCHIVED_INCLUDE), 8);
    crm_close(b);
    crm_close(a);
    test_remove_db(path);
}

/* A file damaged where the customers' rows are: a list fails part-way,
 * and its failure says what happened, to the handle and to the thread. */
TEST(cursor_failure_carries_its_message)
{
    char path[256];
    crm_db *db = test_open_file(path, sizeof path);
    CHECK_OK(db, crm_begin(db));
    char id[CRM_ID_LEN + 1], name[300];
    memset(name, 'n', 250);
    for (int i = 0; i < 400; i++) {
        snprintf(name + 250, 40, " %04d", i);
        person(db, name, id);
    }
    CHECK_OK(db, crm_commit(db));
    crm_close(db);
    /* Overwrite the last page, a leaf of some table, with garbage. */
    FILE *f = fopen(path, "r+b");
    CHECK(f != NULL);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    CHECK(size > 40 * 4096);
    unsigned char junk[4096];
    memset(junk, 0xa5, sizeof junk);
    int failed = 0;
    for (long page = size / 4096 - 1; page > 2 && !failed; page--) {
        fseek(f, page * 4096, SEEK_SET);
        fwrite(junk, 1, sizeof junk, f);
        fflush(f);
        if (crm_open(&db, path, NULL) != CRM_OK)
            continue;
        crm_customer_cursor *cur;
        const crm_customer *c;
        int rc = crm_customer_list_open(&cur, db, NULL);
        if (rc != CRM_OK) {
            /* The first row is read when the list opens: a failure there
             * is the open's, reported on the handle. */
            CHECK_INT(rc, CRM_ECORRUPT);
            CHECK_CONTAINS(crm_errmsg(db), "corrupt");
            crm_close(db);
            continue;
        }
        while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW)
            ;
        if (rc < 0) {
            failed = 1;
            CHECK_INT(rc, CRM_ECORRUPT);
            CHECK_CONTAINS(crm_errmsg(db), "corrupt");
            CHECK_STR(crm_errmsg(NULL), crm_errmsg(db));
            CHECK_INT(crm_errcode(NULL), CRM_ECORRUPT);
            /* Asked again, the cursor says the same. */
            CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ECORRUPT);
            CHECK_CONTAINS(crm_errmsg(db), "corrupt");
            CHECK_CONTAINS(crm_errmsg(NULL), "corrupt");
        }
        crm_customer_cursor_free(cur);
        crm_close(db);
    }
    fclose(f);
    CHECK(failed);
    test_remove_db(path);
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/* Allocation in use, at most, while an upcoming list is read. */
static long long live, peak;
static void *count_malloc(size_t n, void *p)
{
    (void)p;
    size_t *b = malloc(n + sizeof(size_t) * 2);
    if (!b)
        return NULL;
    b[0] = n;
    live += (long long)n;
    if (live > peak)
        peak = live;
    return b + 2;
}
static void count_free(void *ptr, void *p)
{
    (void)p;
    if (!ptr)
        return;
    size_t *b = (size_t *)ptr - 2;
    live -= (long long)b[0];
    free(b);
}
static void *count_realloc(void *ptr, size_t n, void *p)
{
    void *q = count_malloc(n, p);
    if (q && ptr) {
        size_t old = ((size_t *)ptr)[-2];
        memcpy(q, ptr, old < n ? old : n);
        count_free(ptr, p);
    }
    return q;
}
static const crm_allocator counting = { CRM_ALLOCATOR_VERSION, count_malloc, count_realloc,
                                        count_free, NULL };

TEST(upcoming_streams_and_stops_at_9999)
{
    CHECK_INT(crm_config_allocator(&counting), CRM_OK);
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    person(db, "Many Dates", cid);
    crm_occasion_spec os = CRM_OCCASION_SPEC_INIT;
    os.customer_id = cid;
    os.kind = "renewal";
    os.yearly = 1;
    enum { OCCASIONS = 6000 };
    CHECK_OK(db, crm_begin(db));
    for (int i = 0; i < OCCASIONS; i++) {
        os.month = i % 12 + 1;
        os.day = i % 28 + 1;
        os.lead_days = i % 30;
        CHECK_OK(db, crm_occasion_add(NULL, db, &os));
    }
    CHECK_OK(db, crm_commit(db));
    /* Ten years: 60225 occurrences. Held at once, as 0.2 held them, they
     * took 2.07 MB; a month at a time, 81 KB. */
    const int64_t from = 1893456000000LL; /* 2030-01-01 */
    crm_occasion_cursor *cur;
    const crm_occasion *o;
    long long base = live;
    peak = live;
    CHECK_OK(db, crm_occasion_upcoming_open(&cur, db, 2030, 1, 1, 3652));
    int n = 0, rc;
    int64_t prev = 0;
    while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW) {
        CHECK(crm_occasion_next_at(o) >= prev);
        prev = crm_occasion_next_at(o);
        n++;
    }
    CHECK_INT(rc, CRM_DONE);
    crm_occasion_cursor_free(cur);
    /* Each yearly date from 2030 to 2040 that surfaces in the window. */
    int want = 0;
    for (int i = 0; i < OCCASIONS; i++)
        for (int y = 2030; y <= 2040; y++) {
            int64_t day = days_from_civil(y, i % 12 + 1, i % 28 + 1);
            want += day >= from / 86400000 && day - i % 30 <= from / 86400000 + 3651;
        }
    CHECK_INT(n, want);
    if (peak - base > 1000000)
        fprintf(stderr, "upcoming held %lld bytes at once\n", peak - base);
    CHECK(peak - base < 1000000);

    /* A window that ends on the last day there is: the leads reach past
     * it, but no date does. */
    os.month = 1;
    os.day = 5;
    os.lead_days = CRM_OCCASION_LEAD_MAX;
    CHECK_OK(db, crm_occasion_add(NULL, db, &os));
    const int64_t end = 253402300800000LL; /* 10000-01-01 */
    CHECK_OK(db, crm_occasion_upcoming_open(&cur, db, 9999, 12, 2, 30));
    while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW)
        CHECK(crm_occasion_next_year(o) <= 9999 && crm_occasion_next_at(o) < end);
    CHECK_INT(rc, CRM_DONE);
    crm_occasion_cursor_free(cur);
    crm_close(db);
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(creating_while_listing_customers_ends);
    RUN(renegotiating_while_listing_promises);
    RUN(every_list_ends_under_its_writes);
    RUN(writes_beside_an_open_cursor);
    RUN(cursor_failure_carries_its_message);
    RUN(upcoming_streams_and_stops_at_9999);
    return test_summary();
}
