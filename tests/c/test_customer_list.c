/*
 * libcrm tests - listing customers: every filter, keyset paging in both
 * orders, bad filters, and cursors living side by side.
 */
#include <ctype.h>

#include "test.h"

/* A customer of the test: its id and created_at. */
typedef struct made {
    char id[CRM_ID_LEN + 1];
    char name[64];
    int64_t created;
} made;

static void make(crm_db *db, crm_customer_kind_t kind, const char *name, made *m)
{
    crm_customer *c;
    if (crm_customer_create(&c, db, kind, name) != CRM_OK) {
        fprintf(stderr, "creating %s: %s\n", name, crm_errmsg(db));
        exit(2);
    }
    memcpy(m->id, crm_customer_id(c), sizeof m->id);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->created = crm_customer_created_at(c);
    crm_customer_free(c);
}

/* Page through f in pages of k; got[] receives the ids in the order seen.
 * Every page but the last non-empty one must be full. Returns the number
 * of ids, or -1 (with a message) if anything was wrong. */
static int page_all(crm_db *db, crm_customer_filter f, unsigned k, char (*got)[CRM_ID_LEN + 1],
                    int max)
{
    char last[CRM_ID_LEN + 1] = "";
    int n = 0, short_seen = 0;
    for (int pages = 0; pages <= max + 1; pages++) {
        f.limit = k;
        f.after = n ? last : NULL;
        crm_customer_cursor *cur;
        if (crm_customer_list_open(&cur, db, &f) != CRM_OK) {
            fprintf(stderr, "page_all: open: %s\n", crm_errmsg(db));
            return -1;
        }
        const crm_customer *c;
        int rc;
        unsigned rows = 0;
        while ((rc = crm_customer_cursor_next(cur, &c)) == CRM_ROW) {
            if (n >= max) {
                fprintf(stderr, "page_all: more than %d rows\n", max);
                crm_customer_cursor_free(cur);
                return -1;
            }
            memcpy(got[n++], crm_customer_id(c), CRM_ID_LEN + 1);
            rows++;
        }
        crm_customer_cursor_free(cur);
        if (rc != CRM_DONE) {
            fprintf(stderr, "page_all: next: %s\n", crm_errmsg(db));
            return -1;
        }
        if (rows > k) {
            fprintf(stderr, "page_all: page of %u rows with limit %u\n", rows, k);
            return -1;
        }
        if (rows == 0)
            return n;
        if (short_seen) {
            fprintf(stderr, "page_all: a short page was followed by more rows\n");
            return -1;
        }
        if (rows < k)
            short_seen = 1;
        memcpy(last, got[n - 1], sizeof last);
    }
    fprintf(stderr, "page_all: paging does not end\n");
    return -1;
}

/* Order of CRM_ORDER_NAME: ASCII-lower-cased name, then id. */
static int by_name(const void *pa, const void *pb)
{
    const made *a = pa, *b = pb;
    char ka[64], kb[64];
    size_t i;
    for (i = 0; a->name[i]; i++)
        ka[i] = (char)((a->name[i] >= 'A' && a->name[i] <= 'Z') ? a->name[i] + 32 : a->name[i]);
    ka[i] = '\0';
    for (i = 0; b->name[i]; i++)
        kb[i] = (char)((b->name[i] >= 'A' && b->name[i] <= 'Z') ? b->name[i] + 32 : b->name[i]);
    kb[i] = '\0';
    int c = strcmp(ka, kb);
    return c ? c : strcmp(a->id, b->id);
}

static char sentinel_byte;
#define SENTINEL ((crm_customer_cursor *)&sentinel_byte)

/* ---- what the default list shows --------------------------------------------- */

TEST(null_filter_lists_active_oldest_first)
{
    crm_db *db = test_open_memory();
    made m[4];
    make(db, CRM_CUSTOMER_PERSON, "Zed", &m[0]);
    make(db, CRM_CUSTOMER_ORGANISATION, "Amy Inc", &m[1]);
    make(db, CRM_CUSTOMER_PERSON, "Bob", &m[2]);
    make(db, CRM_CUSTOMER_PERSON, "Cy", &m[3]);
    CHECK_OK(db, crm_customer_archive(db, m[2].id));
    CHECK_STR(test_names(db, NULL), "Zed,Amy Inc,Cy");
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    CHECK_STR(test_names(db, &f), "Zed,Amy Inc,Cy");

    /* The rows carry the same fields as crm_customer_get(). */
    crm_customer_cursor *cur;
    const crm_customer *c;
    CHECK_OK(db, crm_customer_list_open(&cur, db, NULL));
    const int want[] = { 0, 1, 3 };
    for (int i = 0; i < 3; i++) {
        CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
        crm_customer *g;
        CHECK_OK(db, crm_customer_get(&g, db, m[want[i]].id));
        CHECK_STR(crm_customer_id(c), crm_customer_id(g));
        CHECK_STR(crm_customer_name(c), crm_customer_name(g));
        CHECK_INT(crm_customer_kind(c), crm_customer_kind(g));
        CHECK_INT(crm_customer_created_at(c), m[want[i]].created);
        CHECK_INT(crm_customer_updated_at(c), crm_customer_updated_at(g));
        CHECK_INT(crm_customer_is_archived(c), 0);
        crm_customer_free(g);
    }
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE); /* and stays done */
    crm_customer_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

TEST(empty_database_lists_nothing)
{
    crm_db *db = test_open_memory();
    CHECK_STR(test_names(db, NULL), "");
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.order = CRM_ORDER_NAME;
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_STR(test_names(db, &f), "");
    CHECK_OK(db, crm_close(db));
}

/* ---- filters -------------------------------------------------------------------- */

TEST(filter_kind)
{
    crm_db *db = test_open_memory();
    made m[5];
    make(db, CRM_CUSTOMER_PERSON, "Ann", &m[0]);
    make(db, CRM_CUSTOMER_ORGANISATION, "Acme", &m[1]);
    make(db, CRM_CUSTOMER_PERSON, "Bo", &m[2]);
    make(db, CRM_CUSTOMER_ORGANISATION, "Beta", &m[3]);
    make(db, CRM_CUSTOMER_ORGANISATION, "Gone", &m[4]);
    CHECK_OK(db, crm_customer_archive(db, m[4].id));
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.kind = CRM_CUSTOMER_PERSON;
    CHECK_STR(test_names(db, &f), "Ann,Bo");
    f.kind = CRM_CUSTOMER_ORGANISATION;
    CHECK_STR(test_names(db, &f), "Acme,Beta");
    f.archived = CRM_ARCHIVED_INCLUDE;
    CHECK_STR(test_names(db, &f), "Acme,Beta,Gone");
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_STR(test_names(db, &f), "Gone");
    f.kind = CRM_CUSTOMER_PERSON;
    CHECK_STR(test_names(db, &f), "");
    f.kind = 0;
    f.archived = CRM_ARCHIVED_EXCLUDE;
    CHECK_STR(test_names(db, &f), "Ann,Acme,Bo,Beta");
    CHECK_OK(db, crm_close(db));
}

TEST(filter_tag)
{
    crm_db *db = test_open_memory();
    made m[5];
    make(db, CRM_CUSTOMER_PERSON, "Ann", &m[0]);
    make(db, CRM_CUSTOMER_ORGANISATION, "Acme", &m[1]);
    make(db, CRM_CUSTOMER_PERSON, "Bo", &m[2]);
    make(db, CRM_CUSTOMER_PERSON, "Cy", &m[3]);
    make(db, CRM_CUSTOMER_PERSON, "Di", &m[4]);
    CHECK_OK(db, crm_tag_add(db, m[3].id, "vip"));
    CHECK_OK(db, crm_tag_add(db, m[0].id, "vip"));
    CHECK_OK(db, crm_tag_add(db, m[1].id, "vip"));
    CHECK_OK(db, crm_tag_add(db, m[2].id, "VIP"));
    CHECK_OK(db, crm_tag_add(db, m[4].id, "vip"));
    CHECK_OK(db, crm_tag_add(db, m[0].id, "late payer"));
    CHECK_OK(db, crm_customer_archive(db, m[4].id));

    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.tag = "vip";
    CHECK_STR(test_names(db, &f), "Ann,Acme,Cy"); /* created order, not tagging order */
    f.tag = "VIP";
    CHECK_STR(test_names(db, &f), "Bo"); /* case matters */
    f.tag = "Vip";
    CHECK_STR(test_names(db, &f), "");
    f.tag = "late payer";
    CHECK_STR(test_names(db, &f), "Ann");
    f.tag = "vi"; /* a tag, not a prefix */
    CHECK_STR(test_names(db, &f), "");
    f.tag = "vip";
    f.kind = CRM_CUSTOMER_PERSON;
    CHECK_STR(test_names(db, &f), "Ann,Cy");
    f.archived = CRM_ARCHIVED_INCLUDE;
    CHECK_STR(test_names(db, &f), "Ann,Cy,Di");
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_STR(test_names(db, &f), "Di");
    f.kind = 0;
    f.archived = CRM_ARCHIVED_EXCLUDE;
    f.order = CRM_ORDER_NAME;
    CHECK_STR(test_names(db, &f), "Acme,Ann,Cy");

    CHECK_OK(db, crm_tag_remove(db, m[0].id, "vip"));
    f.order = CRM_ORDER_CREATED;
    CHECK_STR(test_names(db, &f), "Acme,Cy");
    CHECK_OK(db, crm_close(db));
}

TEST(filter_name_prefix)
{
    crm_db *db = test_open_memory();
    const char *all[] = { "Jane", "jack", "JAMES", "Ja",  "Jo",
                          "John", "J_x",  "Jäger", "Bob", "Åsa" };
    made m[10];
    for (int i = 0; i < 10; i++)
        make(db, CRM_CUSTOMER_PERSON, all[i], &m[i]);
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.name_prefix = "ja";
    CHECK_STR(test_names(db, &f), "Jane,jack,JAMES,Ja");
    f.name_prefix = "JA";
    CHECK_STR(test_names(db, &f), "Jane,jack,JAMES,Ja");
    f.name_prefix = "jA";
    f.order = CRM_ORDER_NAME;
    CHECK_STR(test_names(db, &f), "Ja,jack,JAMES,Jane");
    f.order = CRM_ORDER_CREATED;
    f.name_prefix = "jo";
    CHECK_STR(test_names(db, &f), "Jo,John");
    f.name_prefix = "JOHN";
    CHECK_STR(test_names(db, &f), "John");
    f.name_prefix = "johnny";
    CHECK_STR(test_names(db, &f), "");
    f.name_prefix = "j_"; /* no wildcards */
    CHECK_STR(test_names(db, &f), "J_x");
    f.name_prefix = "j%";
    CHECK_STR(test_names(db, &f), "");
    f.name_prefix = "jä";
    CHECK_STR(test_names(db, &f), "Jäger");
    f.name_prefix = "JÄ"; /* only ASCII letters fold */
    CHECK_STR(test_names(db, &f), "");
    f.name_prefix = "Å";
    CHECK_STR(test_names(db, &f), "Åsa");
    f.name_prefix = "å";
    CHECK_STR(test_names(db, &f), "");
    f.name_prefix = "z";
    CHECK_STR(test_names(db, &f), "");
    f.name_prefix = ""; /* no filter */
    CHECK_STR(test_names(db, &f), "Jane,jack,JAMES,Ja,Jo,John,J_x,Jäger,Bob,Åsa");
    f.name_prefix = "j";
    f.kind = CRM_CUSTOMER_ORGANISATION;
    CHECK_STR(test_names(db, &f), "");
    f.kind = 0;
    CHECK_OK(db, crm_customer_archive(db, m[0].id));
    f.name_prefix = "ja";
    CHECK_STR(test_names(db, &f), "jack,JAMES,Ja");
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_STR(test_names(db, &f), "Jane");
    /* A rename moves a customer in and out of a prefix. */
    CHECK_OK(db, crm_customer_rename(db, m[8].id, "Jabba"));
    f.archived = CRM_ARCHIVED_INCLUDE;
    CHECK_STR(test_names(db, &f), "Jane,jack,JAMES,Ja,Jabba");
    f.name_prefix = "b";
    CHECK_STR(test_names(db, &f), "");
    CHECK_OK(db, crm_close(db));
}

TEST(filter_archived_modes)
{
    crm_db *db = test_open_memory();
    made m[4];
    make(db, CRM_CUSTOMER_PERSON, "A", &m[0]);
    make(db, CRM_CUSTOMER_PERSON, "B", &m[1]);
    make(db, CRM_CUSTOMER_ORGANISATION, "C", &m[2]);
    make(db, CRM_CUSTOMER_PERSON, "D", &m[3]);
    CHECK_OK(db, crm_customer_archive(db, m[1].id));
    CHECK_OK(db, crm_customer_archive(db, m[2].id));
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    CHECK_STR(test_names(db, &f), "A,D");
    f.archived = CRM_ARCHIVED_INCLUDE;
    CHECK_STR(test_names(db, &f), "A,B,C,D");
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_STR(test_names(db, &f), "B,C");

    /* The archived flag of each row says which is which. */
    crm_customer_cursor *cur;
    const crm_customer *c;
    f.archived = CRM_ARCHIVED_INCLUDE;
    CHECK_OK(db, crm_customer_list_open(&cur, db, &f));
    const int flags[] = { 0, 1, 1, 0 };
    for (int i = 0; i < 4; i++) {
        CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
        CHECK_STR(crm_customer_id(c), m[i].id);
        CHECK_INT(crm_customer_is_archived(c), flags[i]);
    }
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    crm_customer_cursor_free(cur);

    CHECK_OK(db, crm_customer_unarchive(db, m[1].id));
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_STR(test_names(db, &f), "C");
    f.archived = CRM_ARCHIVED_EXCLUDE;
    CHECK_STR(test_names(db, &f), "A,B,D");
    CHECK_OK(db, crm_close(db));
}

TEST(filter_created_range)
{
    crm_db *db = test_open_memory();
    made m[3];
    make(db, CRM_CUSTOMER_PERSON, "C-first", &m[0]);
    test_sleep_ms(3);
    make(db, CRM_CUSTOMER_ORGANISATION, "B-second", &m[1]);
    test_sleep_ms(3);
    make(db, CRM_CUSTOMER_PERSON, "A-third", &m[2]);
    CHECK(m[0].created < m[1].created && m[1].created < m[2].created);
    for (int i = 0; i < 3; i++)
        CHECK_OK(db, crm_tag_add(db, m[i].id, "all"));

    int64_t a = m[0].created, b = m[1].created, c = m[2].created;
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.created_from = b; /* at or after */
    CHECK_STR(test_names(db, &f), "B-second,A-third");
    f.created_from = b + 1;
    CHECK_STR(test_names(db, &f), "A-third");
    f.created_from = c + 1;
    CHECK_STR(test_names(db, &f), "");
    f.created_from = 0;
    f.created_to = b; /* before */
    CHECK_STR(test_names(db, &f), "C-first");
    f.created_to = b + 1;
    CHECK_STR(test_names(db, &f), "C-first,B-second");
    f.created_to = a;
    CHECK_STR(test_names(db, &f), "");
    f.created_to = c + 1;
    CHECK_STR(test_names(db, &f), "C-first,B-second,A-third");
    f.created_from = a;
    f.created_to = c;
    CHECK_STR(test_names(db, &f), "C-first,B-second");
    f.created_from = a + 1;
    CHECK_STR(test_names(db, &f), "B-second");
    f.created_from = b;
    f.created_to = b; /* an empty range */
    CHECK_STR(test_names(db, &f), "");
    f.created_from = 1; /* long ago */
    f.created_to = CRM_TIME_NONE;
    CHECK_STR(test_names(db, &f), "C-first,B-second,A-third");
    /* 1970 is a time like any other; before it, nobody was created. */
    f.created_from = CRM_TIME_MIN;
    CHECK_STR(test_names(db, &f), "C-first,B-second,A-third");
    f.created_to = 0;
    CHECK_STR(test_names(db, &f), "");
    /* In a version 1 filter, 0 did not bound. */
    crm_customer_filter v1 = f;
    v1.version = 1;
    v1.created_from = 0;
    v1.created_to = 0;
    CHECK_STR(test_names(db, &v1), "C-first,B-second,A-third");
    f.created_to = CRM_TIME_NONE;

    /* With the other order, a kind and a tag. */
    f.created_from = b;
    f.order = CRM_ORDER_NAME;
    CHECK_STR(test_names(db, &f), "A-third,B-second");
    f.kind = CRM_CUSTOMER_PERSON;
    CHECK_STR(test_names(db, &f), "A-third");
    f.kind = 0;
    f.order = CRM_ORDER_CREATED;
    f.tag = "all";
    CHECK_STR(test_names(db, &f), "B-second,A-third");
    f.created_from = CRM_TIME_NONE;
    f.created_to = c;
    CHECK_STR(test_names(db, &f), "C-first,B-second");
    CHECK_OK(db, crm_close(db));
}

/* Ids carry 48 bits of milliseconds, more than the years 1970 to 9999
 * need; the last time there is bounds like any other, and beyond it no
 * bound is a time. */
TEST(filter_created_far_future)
{
    crm_db *db = test_open_memory();
    made m[2];
    make(db, CRM_CUSTOMER_PERSON, "A", &m[0]);
    test_sleep_ms(3);
    make(db, CRM_CUSTOMER_PERSON, "B", &m[1]);
    CHECK(m[0].created < m[1].created);
    const int64_t far[] = { CRM_TIME_MAX - 1, CRM_TIME_MAX };
    for (size_t i = 0; i < sizeof far / sizeof far[0]; i++) {
        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
        f.created_to = far[i]; /* everyone was created before then */
        CHECK_STR(test_names(db, &f), "A,B");
        f.created_from = m[1].created;
        CHECK_STR(test_names(db, &f), "B");
        f.created_from = far[i]; /* and nobody after */
        f.created_to = CRM_TIME_NONE;
        CHECK_STR(test_names(db, &f), "");
        f.tag = "x";
        CHECK_STR(test_names(db, &f), "");
        f.created_to = far[i]; /* an empty range */
        CHECK_STR(test_names(db, &f), "");
    }
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.created_to = INT64_C(1) << 48;
    CHECK_STR(test_names(db, &f), "ERR open EINVAL: filter created_to 281474976710656 is not a time "
                                  "libcrm keeps: times are ms since the epoch from 0001-01-01 to "
                                  "9999-12-31 UTC (CRM_TIME_MIN..CRM_TIME_MAX)");
    CHECK_OK(db, crm_close(db));
}

TEST(filters_combine)
{
    crm_db *db = test_open_memory();
    made m[6];
    make(db, CRM_CUSTOMER_PERSON, "Sam Archer", &m[0]);
    make(db, CRM_CUSTOMER_ORGANISATION, "Sample Corp", &m[1]);
    make(db, CRM_CUSTOMER_PERSON, "sally", &m[2]);
    test_sleep_ms(3); /* so that created_from can tell m[3] from those before */
    make(db, CRM_CUSTOMER_PERSON, "Sam Old", &m[3]);
    make(db, CRM_CUSTOMER_PERSON, "Tom", &m[4]);
    make(db, CRM_CUSTOMER_PERSON, "Samuel", &m[5]);
    for (int i = 0; i < 6; i++)
        if (i != 2)
            CHECK_OK(db, crm_tag_add(db, m[i].id, "newsletter"));
    CHECK_OK(db, crm_customer_archive(db, m[3].id));
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.kind = CRM_CUSTOMER_PERSON;
    f.tag = "newsletter";
    f.name_prefix = "SAM";
    CHECK_STR(test_names(db, &f), "Sam Archer,Samuel");
    f.archived = CRM_ARCHIVED_INCLUDE;
    CHECK_STR(test_names(db, &f), "Sam Archer,Sam Old,Samuel");
    f.created_from = m[3].created;
    CHECK_STR(test_names(db, &f), "Sam Old,Samuel");
    f.order = CRM_ORDER_NAME;
    f.limit = 1;
    CHECK_STR(test_names(db, &f), "Sam Old");
    f.after = m[3].id;
    CHECK_STR(test_names(db, &f), "Samuel");
    f.after = m[5].id;
    CHECK_STR(test_names(db, &f), "");
    CHECK_OK(db, crm_close(db));
}

/* ---- keyset paging ------------------------------------------------------------------ */

#define NPAGE 23

TEST(paging_created_order)
{
    crm_db *db = test_open_memory();
    made m[NPAGE];
    for (int i = 0; i < NPAGE; i++) {
        char name[16];
        snprintf(name, sizeof name, "c%02d", NPAGE - i); /* names against creation order */
        make(db, i % 3 ? CRM_CUSTOMER_PERSON : CRM_CUSTOMER_ORGANISATION, name, &m[i]);
    }
    char got[NPAGE + 5][CRM_ID_LEN + 1];
    const unsigned sizes[] = { 1, 2, 4, 5, 22, 23, 24, 100 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
        CHECK_INT(page_all(db, f, sizes[s], got, NPAGE + 5), NPAGE);
        for (int i = 0; i < NPAGE; i++)
            CHECK_STR(got[i], m[i].id);
    }
    /* With a kind: only the people, still in created order. */
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.kind = CRM_CUSTOMER_PERSON;
    int n = page_all(db, f, 4, got, NPAGE + 5);
    CHECK_INT(n, NPAGE - (NPAGE + 2) / 3);
    for (int i = 0, j = 0; i < NPAGE; i++)
        if (i % 3)
            CHECK_STR(got[j++], m[i].id);
    CHECK_OK(db, crm_close(db));
}

TEST(paging_name_order)
{
    crm_db *db = test_open_memory();
    const char *all[NPAGE] = { "anna",  "Bob",   "ANNA", "zoë",  "Zed",   "_under", "123",
                               "a",     "Ab",    "aB",   "Anna", "bob",   "Émile",  "carl",
                               "Carla", "CARL",  "d",    "Dd",   "dD",    "anna",   "Yves",
                               "x y",   "x-y" };
    made m[NPAGE];
    for (int i = 0; i < NPAGE; i++)
        make(db, i % 2 ? CRM_CUSTOMER_PERSON : CRM_CUSTOMER_ORGANISATION, all[i], &m[i]);
    made sorted[NPAGE];
    memcpy(sorted, m, sizeof m);
    qsort(sorted, NPAGE, sizeof sorted[0], by_name);

    char got[NPAGE + 5][CRM_ID_LEN + 1];
    const unsigned sizes[] = { 1, 3, 4, 7, 23, 50 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
        f.order = CRM_ORDER_NAME;
        CHECK_INT(page_all(db, f, sizes[s], got, NPAGE + 5), NPAGE);
        for (int i = 0; i < NPAGE; i++)
            CHECK_STR(got[i], sorted[i].id);
    }
    /* Organisations only, by name, in pages of 2. */
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.order = CRM_ORDER_NAME;
    f.kind = CRM_CUSTOMER_ORGANISATION;
    int n = page_all(db, f, 2, got, NPAGE + 5);
    CHECK_INT(n, (NPAGE + 1) / 2);
    for (int i = 0, j = 0; i < NPAGE; i++) {
        crm_customer *c;
        CHECK_OK(db, crm_customer_get(&c, db, sorted[i].id));
        if (crm_customer_kind(c) == CRM_CUSTOMER_ORGANISATION) {
            CHECK(j < n);
            CHECK_STR(got[j++], sorted[i].id);
        }
        crm_customer_free(c);
    }
    CHECK_OK(db, crm_close(db));
}

TEST(paging_by_tag_and_archived)
{
    crm_db *db = test_open_memory();
    made m[NPAGE];
    for (int i = 0; i < NPAGE; i++) {
        char name[16];
        snprintf(name, sizeof name, "%c%02d", i % 2 ? 'B' : 'a', NPAGE - i);
        make(db, CRM_CUSTOMER_PERSON, name, &m[i]);
        if (i % 4 != 3)
            CHECK_OK(db, crm_tag_add(db, m[i].id, "t"));
        if (i % 5 == 0)
            CHECK_OK(db, crm_customer_archive(db, m[i].id));
    }
    char got[NPAGE + 5][CRM_ID_LEN + 1];
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.tag = "t";
    int n = page_all(db, f, 3, got, NPAGE + 5);
    int j = 0;
    for (int i = 0; i < NPAGE; i++)
        if (i % 4 != 3 && i % 5 != 0) {
            CHECK(j < n);
            CHECK_STR(got[j++], m[i].id);
        }
    CHECK_INT(n, j);

    /* Archived ones only, by name: "B.." sort after "a..". */
    f.tag = NULL;
    f.archived = CRM_ARCHIVED_ONLY;
    f.order = CRM_ORDER_NAME;
    made arch[NPAGE];
    int na = 0;
    for (int i = 0; i < NPAGE; i++)
        if (i % 5 == 0)
            arch[na++] = m[i];
    qsort(arch, (size_t)na, sizeof arch[0], by_name);
    n = page_all(db, f, 2, got, NPAGE + 5);
    CHECK_INT(n, na);
    for (int i = 0; i < na; i++)
        CHECK_STR(got[i], arch[i].id);

    /* Tagged, by name, in pages of 4. */
    f.archived = CRM_ARCHIVED_INCLUDE;
    f.tag = "t";
    made tagged[NPAGE];
    int nt = 0;
    for (int i = 0; i < NPAGE; i++)
        if (i % 4 != 3)
            tagged[nt++] = m[i];
    qsort(tagged, (size_t)nt, sizeof tagged[0], by_name);
    n = page_all(db, f, 4, got, NPAGE + 5);
    CHECK_INT(n, nt);
    for (int i = 0; i < nt; i++)
        CHECK_STR(got[i], tagged[i].id);
    CHECK_OK(db, crm_close(db));
}

TEST(limit_and_after)
{
    crm_db *db = test_open_memory();
    made m[5];
    const char *all[] = { "E", "D", "C", "B", "A" };
    for (int i = 0; i < 5; i++)
        make(db, CRM_CUSTOMER_PERSON, all[i], &m[i]);
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.limit = 2;
    CHECK_STR(test_names(db, &f), "E,D");
    f.limit = 5;
    CHECK_STR(test_names(db, &f), "E,D,C,B,A");
    f.limit = 0xffffffffu;
    CHECK_STR(test_names(db, &f), "E,D,C,B,A");
    f.limit = 0;
    f.after = m[1].id;
    CHECK_STR(test_names(db, &f), "C,B,A");
    f.after = m[4].id; /* the last one: nothing after it */
    CHECK_STR(test_names(db, &f), "");
    f.order = CRM_ORDER_NAME;
    CHECK_STR(test_names(db, &f), "B,C,D,E");
    f.after = m[0].id;
    CHECK_STR(test_names(db, &f), "");
    f.limit = 2;
    f.after = m[3].id;
    CHECK_STR(test_names(db, &f), "C,D");

    /* `after` may name a customer the filter leaves out. */
    CHECK_OK(db, crm_customer_archive(db, m[2].id));
    f.limit = 0;
    f.after = m[2].id;
    f.order = CRM_ORDER_CREATED;
    CHECK_STR(test_names(db, &f), "B,A");
    f.order = CRM_ORDER_NAME;
    CHECK_STR(test_names(db, &f), "D,E");
    f.kind = CRM_CUSTOMER_ORGANISATION;
    CHECK_STR(test_names(db, &f), "");
    /* Any case, like every id. */
    char upper[CRM_ID_LEN + 1];
    for (int i = 0; i <= CRM_ID_LEN; i++)
        upper[i] = (char)toupper((unsigned char)m[2].id[i]);
    f.kind = 0;
    f.after = upper;
    CHECK_STR(test_names(db, &f), "D,E");
    CHECK_OK(db, crm_close(db));
}

/* ---- bad filters -------------------------------------------------------------------- */

TEST(list_open_bad_input)
{
    crm_db *db = test_open_memory();
    made m;
    make(db, CRM_CUSTOMER_PERSON, "Jane", &m);
    crm_customer_cursor *cur = SENTINEL;
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;

    CHECK_NULL_DB(db, crm_customer_list_open(&cur, NULL, &f), "crm_customer_list_open");
    CHECK_NULL_DB(db, crm_customer_list_open(&cur, NULL, NULL), "crm_customer_list_open");
    CHECK_FAILS(db, crm_customer_list_open(NULL, db, &f), CRM_EINVAL, "output");
    CHECK_FAILS(db, crm_customer_list_open(NULL, db, NULL), CRM_EINVAL, "output");

    const unsigned versions[] = { 0, CRM_CUSTOMER_FILTER_VERSION + 1, 0xffffffffu };
    for (int i = 0; i < 3; i++) {
        f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
        f.version = versions[i];
        char frag[64];
        snprintf(frag, sizeof frag, "version is %u", versions[i]);
        CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter", frag);
    }
    const int kinds[] = { 3, -1, 100 };
    for (int i = 0; i < 3; i++) {
        f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
        f.kind = kinds[i];
        char frag[64];
        snprintf(frag, sizeof frag, "kind %d", kinds[i]);
        CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, frag);
    }
    const int modes[] = { 3, -1 };
    for (int i = 0; i < 2; i++) {
        f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
        f.archived = (crm_archived_filter_t)modes[i];
        char frag[64];
        snprintf(frag, sizeof frag, "archived %d", modes[i]);
        CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, frag);
        f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
        f.order = (crm_customer_order_t)(modes[i] == 3 ? 2 : -1);
        snprintf(frag, sizeof frag, "order %d", (int)f.order);
        CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, frag);
    }

    /* Times: in the years 1 to 9999, and not a backwards range. */
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.created_from = CRM_TIME_MIN - 1;
    CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "created_from",
                 "0001-01-01 to 9999-12-31");
    f.created_from = CRM_TIME_NONE;
    f.created_to = INT64_MAX;
    CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "created_to");
    f.created_from = 0;
    f.created_to = -5;
    CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "created");
    f.created_from = 2000;
    f.created_to = 1000;
    CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "2000", "1000");

    /* Tags. */
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.tag = "";
    CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter tag");
    f.tag = " vip"; /* crm_tag_add() refuses it, so no customer can have it */
    CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter tag");
    for (int i = 0; test_bad_utf8[i]; i++) {
        f.tag = test_bad_utf8[i];
        CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter tag",
                     "UTF-8");
    }
    f.tag = "a\tb";
    CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter tag",
                 "control character");
    char *tag = test_long_string(CRM_TAG_MAX + 1);
    f.tag = tag;
    CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter tag", "65");
    tag[CRM_TAG_MAX] = '\0'; /* exactly the limit is fine */
    CHECK_STR(test_names(db, &f), "");
    free(tag);

    /* Name prefixes. */
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    for (int i = 0; test_bad_utf8[i]; i++) {
        f.name_prefix = test_bad_utf8[i];
        CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "name_prefix",
                     "UTF-8");
    }
    f.name_prefix = "J\n";
    CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "name_prefix",
                 "control character");
    char *prefix = test_long_string(CRM_NAME_MAX + 1);
    f.name_prefix = prefix;
    CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "name_prefix", "257");
    prefix[CRM_NAME_MAX] = '\0';
    CHECK_STR(test_names(db, &f), "");
    free(prefix);

    /* after: malformed, or naming no customer. */
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    for (int i = 0; test_bad_ids[i]; i++) {
        f.after = test_bad_ids[i];
        CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter after",
                     "not an id");
        f.order = CRM_ORDER_NAME;
        CHECK_FAILS(db, crm_customer_list_open(&cur, db, &f), CRM_EINVAL, "filter after");
        f.order = CRM_ORDER_CREATED;
    }
    f.after = TEST_UNKNOWN_ID;
    CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_ENOTFOUND, "after", TEST_UNKNOWN_ID);
    f.order = CRM_ORDER_NAME;
    f.tag = "x";
    CHECK_FAILS2(db, crm_customer_list_open(&cur, db, &f), CRM_ENOTFOUND, "after", TEST_UNKNOWN_ID);

    CHECK(cur == SENTINEL); /* written only on success */
    CHECK_OK(db, crm_close(db)); /* and no cursor was left open */
}

TEST(list_next_bad_input)
{
    crm_db *db = test_open_memory();
    made m;
    make(db, CRM_CUSTOMER_PERSON, "Jane", &m);
    const crm_customer *c = NULL;
    CHECK_RC(NULL, crm_customer_cursor_next(NULL, &c), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_customer_cursor_next");
    CHECK(c == NULL);
    crm_customer_cursor *cur;
    CHECK_OK(db, crm_customer_list_open(&cur, db, NULL));
    CHECK_RC(db, crm_customer_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_customer_cursor_next");
    /* The cursor still works after being misused. */
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), m.id);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    crm_customer_cursor_free(cur);
    crm_customer_cursor_free(NULL);
    CHECK_OK(db, crm_close(db));
}

/* ---- counting ----------------------------------------------------------------------- */

/* The number of customers the list shows under f (its paging cleared). */
static int64_t listed(crm_db *db, crm_customer_filter f)
{
    f.after = NULL;
    f.limit = 0;
    crm_customer_cursor *cur;
    if (crm_customer_list_open(&cur, db, &f) != CRM_OK) {
        fprintf(stderr, "listed: %s\n", crm_errmsg(db));
        exit(2);
    }
    const crm_customer *c;
    int64_t n = 0;
    while (crm_customer_cursor_next(cur, &c) == CRM_ROW)
        n++;
    crm_customer_cursor_free(cur);
    return n;
}

static int64_t counted(crm_db *db, const crm_customer_filter *f)
{
    int64_t n = -1;
    if (crm_customer_count(&n, db, f) != CRM_OK) {
        fprintf(stderr, "counted: %s\n", crm_errmsg(db));
        return -1;
    }
    return n;
}

TEST(count_each_filter)
{
    crm_db *db = test_open_memory();
    int64_t n = -1;
    CHECK_OK(db, crm_customer_count(&n, db, NULL));
    CHECK_INT(n, 0);
    static const char *const names[] = { "Jane", "jack", "Acme", "Joan", "acorn", "Zed",
                                         "JANET", "Ann", "Bob", "Acme West" };
    made m[10];
    int64_t mid = 0;
    for (int k = 0; k < 10; k++) {
        make(db, k % 3 == 2 ? CRM_CUSTOMER_ORGANISATION : CRM_CUSTOMER_PERSON, names[k], &m[k]);
        if (k % 2 == 0)
            CHECK_OK(db, crm_tag_add(db, m[k].id, "vip"));
        if (k % 4 == 1)
            CHECK_OK(db, crm_customer_archive(db, m[k].id));
        if (k == 4) {
            test_sleep_ms(3);
            mid = crm_now();
            test_sleep_ms(3);
        }
    }
    CHECK_INT(counted(db, NULL), 7);
    const char *const tags[] = { NULL, "vip", "none" };
    const char *const prefixes[] = { NULL, "", "ja", "AC", "zz" };
    const int kinds[] = { 0, CRM_CUSTOMER_PERSON, CRM_CUSTOMER_ORGANISATION };
    const int64_t froms[] = { CRM_TIME_NONE, mid, -5 };
    const int64_t tos[] = { CRM_TIME_NONE, mid, 0 };
    int checked = 0;
    for (int a = CRM_ARCHIVED_EXCLUDE; a <= CRM_ARCHIVED_ONLY; a++)
        for (int t = 0; t < 3; t++)
            for (int p = 0; p < 5; p++)
                for (int k = 0; k < 3; k++)
                    for (int r = 0; r < 3; r++) {
                        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
                        f.archived = (crm_archived_filter_t)a;
                        f.tag = tags[t];
                        f.name_prefix = prefixes[p];
                        f.kind = kinds[k];
                        f.created_from = froms[r];
                        f.created_to = tos[(r + k) % 3];
                        if (f.created_from != CRM_TIME_NONE && f.created_to != CRM_TIME_NONE &&
                            f.created_from > f.created_to)
                            continue;
                        int64_t want = listed(db, f);
                        CHECK_INT(counted(db, &f), want);
                        /* Paging and order are not read. */
                        f.order = CRM_ORDER_NAME;
                        f.limit = 1;
                        f.after = m[3].id;
                        CHECK_INT(counted(db, &f), want);
                        f.order = (crm_customer_order_t)77;
                        f.after = "not an id";
                        CHECK_INT(counted(db, &f), want);
                        checked++;
                    }
    CHECK(checked > 300);
    /* Spot checks against what the test made. */
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    CHECK_INT(counted(db, &f), 10);
    f.archived = CRM_ARCHIVED_ONLY;
    CHECK_INT(counted(db, &f), 3);
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.tag = "vip";
    CHECK_INT(counted(db, &f), 5);
    f.name_prefix = "ac";
    CHECK_INT(counted(db, &f), 2);
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    f.created_to = mid;
    CHECK_INT(counted(db, &f), 5);
    f.created_from = mid;
    f.created_to = CRM_TIME_NONE;
    CHECK_INT(counted(db, &f), 5);
    f.created_from = 0;
    f.created_to = 0;
    CHECK_INT(counted(db, &f), 0);
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.version = 1;
    f.created_from = 0; /* in a version 1 filter, 0 did not bound */
    f.created_to = 0;
    CHECK_INT(counted(db, &f), 7);
    CHECK_OK(db, crm_close(db));
}

TEST(count_bad_input)
{
    crm_db *db = test_open_memory();
    made m;
    make(db, CRM_CUSTOMER_PERSON, "Jane", &m);
    int64_t n = 42;
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    CHECK_NULL_DB(db, crm_customer_count(&n, NULL, &f), "crm_customer_count");
    CHECK_FAILS(db, crm_customer_count(NULL, db, &f), CRM_EINVAL, "output");
    const unsigned versions[] = { 0, CRM_CUSTOMER_FILTER_VERSION + 1 };
    for (int i = 0; i < 2; i++) {
        f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
        f.version = versions[i];
        char frag[64];
        snprintf(frag, sizeof frag, "version is %u", versions[i]);
        CHECK_FAILS2(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "filter", frag);
    }
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.kind = 3;
    CHECK_FAILS(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "kind 3");
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.archived = (crm_archived_filter_t)3;
    CHECK_FAILS(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "archived 3");
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.created_from = CRM_TIME_MIN - 1;
    CHECK_FAILS(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "created_from");
    f.created_from = CRM_TIME_NONE;
    f.created_to = CRM_TIME_MAX + 1;
    CHECK_FAILS(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "created_to");
    f.created_from = 2000;
    f.created_to = 1000;
    CHECK_FAILS2(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "2000", "1000");
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    f.tag = "";
    CHECK_FAILS(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "filter tag");
    f.tag = "a\tb";
    CHECK_FAILS2(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "filter tag", "control");
    for (int i = 0; test_bad_utf8[i]; i++) {
        f.tag = test_bad_utf8[i];
        CHECK_FAILS2(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "filter tag", "UTF-8");
    }
    f = (crm_customer_filter)CRM_CUSTOMER_FILTER_INIT;
    char *prefix = test_long_string(CRM_NAME_MAX + 1);
    f.name_prefix = prefix;
    CHECK_FAILS2(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "name_prefix", "257");
    free(prefix);
    for (int i = 0; test_bad_utf8[i]; i++) {
        f.name_prefix = test_bad_utf8[i];
        CHECK_FAILS2(db, crm_customer_count(&n, db, &f), CRM_EINVAL, "name_prefix", "UTF-8");
    }
    CHECK_INT(n, 42); /* written only on success */
    CHECK_OK(db, crm_close(db));
}

/* ---- cursors ---------------------------------------------------------------------- */

TEST(filter_strings_are_copied)
{
    crm_db *db = test_open_memory();
    made m[3];
    make(db, CRM_CUSTOMER_PERSON, "Alma", &m[0]);
    make(db, CRM_CUSTOMER_PERSON, "Alf", &m[1]);
    make(db, CRM_CUSTOMER_PERSON, "Zack", &m[2]);
    for (int i = 0; i < 3; i++)
        CHECK_OK(db, crm_tag_add(db, m[i].id, i == 1 ? "other" : "vip"));
    char tag[8] = "vip", prefix[8] = "al", after[CRM_ID_LEN + 1];
    memcpy(after, m[0].id, sizeof after);
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.name_prefix = prefix;
    crm_customer_cursor *cur;
    CHECK_OK(db, crm_customer_list_open(&cur, db, &f));
    memset(prefix, 'z', sizeof prefix - 1);
    const crm_customer *c;
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_name(c), "Alma");
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_name(c), "Alf");
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    crm_customer_cursor_free(cur);

    f.name_prefix = NULL;
    f.tag = tag;
    f.after = after;
    CHECK_OK(db, crm_customer_list_open(&cur, db, &f));
    memset(tag, 'o', sizeof tag - 1);
    memset(after, '0', sizeof after - 1);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_name(c), "Zack");
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    crm_customer_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

TEST(two_cursors_at_once)
{
    crm_db *db = test_open_memory();
    made m[4];
    const char *all[] = { "Dora", "Cleo", "Bert", "Abe" };
    for (int i = 0; i < 4; i++)
        make(db, CRM_CUSTOMER_PERSON, all[i], &m[i]);
    crm_customer_cursor *a, *b, *n;
    const crm_customer *ca, *cb, *cn;
    crm_customer_filter byname = CRM_CUSTOMER_FILTER_INIT;
    byname.order = CRM_ORDER_NAME;
    /* Two with the same filter, and one with another. */
    CHECK_OK(db, crm_customer_list_open(&a, db, NULL));
    CHECK_OK(db, crm_customer_list_open(&b, db, NULL));
    CHECK_OK(db, crm_customer_list_open(&n, db, &byname));
    for (int i = 0; i < 4; i++) {
        CHECK_INT(crm_customer_cursor_next(a, &ca), CRM_ROW);
        CHECK_INT(crm_customer_cursor_next(n, &cn), CRM_ROW);
        CHECK_INT(crm_customer_cursor_next(b, &cb), CRM_ROW);
        CHECK(ca != cb); /* each cursor has its own row */
        CHECK_STR(crm_customer_id(ca), m[i].id);
        CHECK_STR(crm_customer_id(cb), m[i].id);
        CHECK_STR(crm_customer_name(cn), all[3 - i]);
        CHECK_STR(crm_customer_name(ca), all[i]);
    }
    CHECK_INT(crm_customer_cursor_next(b, &cb), CRM_DONE);
    /* Freeing one leaves the others going, and a new one can start. */
    crm_customer_cursor_free(a);
    CHECK_OK(db, crm_customer_list_open(&a, db, NULL));
    CHECK_INT(crm_customer_cursor_next(a, &ca), CRM_ROW);
    CHECK_STR(crm_customer_id(ca), m[0].id);
    CHECK_INT(crm_customer_cursor_next(n, &cn), CRM_DONE);
    crm_customer_cursor_free(b);
    crm_customer_cursor_free(n);
    for (int i = 1; i < 4; i++) {
        CHECK_INT(crm_customer_cursor_next(a, &ca), CRM_ROW);
        CHECK_STR(crm_customer_id(ca), m[i].id);
    }
    CHECK_INT(crm_customer_cursor_next(a, &ca), CRM_DONE);
    crm_customer_cursor_free(a);
    CHECK_OK(db, crm_close(db));
}

TEST(cursor_and_writes_on_one_handle)
{
    crm_db *db = test_open_memory();
    made m[3];
    make(db, CRM_CUSTOMER_PERSON, "A", &m[0]);
    make(db, CRM_CUSTOMER_PERSON, "B", &m[1]);
    make(db, CRM_CUSTOMER_PERSON, "C", &m[2]);
    crm_customer_cursor *cur;
    const crm_customer *c;
    CHECK_OK(db, crm_customer_list_open(&cur, db, NULL));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), m[0].id);
    /* Writes between rows work and do not disturb the walk. */
    CHECK_OK(db, crm_tag_add(db, crm_customer_id(c), "seen"));
    CHECK_OK(db, crm_attr_set(db, crm_customer_id(c), "k", "v"));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), m[1].id);
    CHECK_OK(db, crm_tag_add(db, crm_customer_id(c), "seen"));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), m[2].id);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    crm_customer_cursor_free(cur);
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.tag = "seen";
    CHECK_STR(test_names(db, &f), "A,B");
    CHECK_OK(db, crm_close(db));
}

TEST(close_with_cursor_open)
{
    crm_db *db = test_open_memory();
    made m[2];
    make(db, CRM_CUSTOMER_PERSON, "A", &m[0]);
    make(db, CRM_CUSTOMER_PERSON, "B", &m[1]);
    crm_customer_cursor *cur;
    const crm_customer *c;
    CHECK_OK(db, crm_customer_list_open(&cur, db, NULL));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "cursor");
    /* Nothing was closed: the handle and the cursor still work. */
    crm_customer *g;
    CHECK_OK(db, crm_customer_get(&g, db, m[1].id));
    crm_customer_free(g);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), m[1].id);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    /* A finished cursor still counts until it is freed. */
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    crm_customer_cursor_free(cur);
    CHECK_OK(db, crm_close(db));
}

/* Many different filters made while a cursor is open: the cursor keeps
 * working, and frees cleanly afterwards. */
TEST(cursor_survives_many_other_statements)
{
    crm_db *db = test_open_memory();
    made m[3];
    make(db, CRM_CUSTOMER_PERSON, "A", &m[0]);
    make(db, CRM_CUSTOMER_PERSON, "B", &m[1]);
    make(db, CRM_CUSTOMER_PERSON, "C", &m[2]);
    crm_customer_cursor *cur;
    const crm_customer *c;
    CHECK_OK(db, crm_customer_list_open(&cur, db, NULL));
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), m[0].id);
    int opened = 0;
    for (int kind = 0; kind <= 2; kind++)
        for (int mode = 0; mode <= 2; mode++)
            for (int order = 0; order <= 1; order++)
                for (int limit = 0; limit <= 1; limit++)
                    for (int prefix = 0; prefix <= 1; prefix++) {
                        crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
                        f.kind = kind;
                        f.archived = (crm_archived_filter_t)mode;
                        f.order = (crm_customer_order_t)order;
                        f.limit = (unsigned)limit;
                        f.name_prefix = prefix ? "b" : NULL;
                        crm_customer_cursor *other;
                        CHECK_OK(db, crm_customer_list_open(&other, db, &f));
                        while (crm_customer_cursor_next(other, &c) == CRM_ROW)
                            ;
                        crm_customer_cursor_free(other);
                        opened++;
                    }
    CHECK_INT(opened, 72);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), m[1].id);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_ROW);
    CHECK_STR(crm_customer_id(c), m[2].id);
    CHECK_INT(crm_customer_cursor_next(cur, &c), CRM_DONE);
    crm_customer_cursor_free(cur);
    CHECK_STR(test_names(db, NULL), "A,B,C");
    CHECK_OK(db, crm_close(db));
}

int main(void)
{
    RUN(null_filter_lists_active_oldest_first);
    RUN(empty_database_lists_nothing);
    RUN(filter_kind);
    RUN(filter_tag);
    RUN(filter_name_prefix);
    RUN(filter_archived_modes);
    RUN(filter_created_range);
    RUN(filter_created_far_future);
    RUN(filters_combine);
    RUN(paging_created_order);
    RUN(paging_name_order);
    RUN(paging_by_tag_and_archived);
    RUN(limit_and_after);
    RUN(list_open_bad_input);
    RUN(list_next_bad_input);
    RUN(count_each_filter);
    RUN(count_bad_input);
    RUN(filter_strings_are_copied);
    RUN(two_cursors_at_once);
    RUN(cursor_and_writes_on_one_handle);
    RUN(close_with_cursor_open);
    RUN(cursor_survives_many_other_statements);
    return test_summary();
}
