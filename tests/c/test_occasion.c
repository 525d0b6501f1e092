/*
 * libcrm tests - occasions: adding, reading, listing and removing one-off
 * and yearly occasions, the journal, the calendar rules, the upcoming
 * window (leads, New Year, 29 February, several years, order), bad input
 * for every call in crm/occasion.h, read-only handles and failed
 * allocations.
 */
#include <limits.h>

#include "test.h"

#define DAY_MS 86400000LL

/* ---- an independent calendar, by counting, to check the library's ------------- */

static int t_leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int t_mlen(int y, int m)
{
    static const int len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && t_leap(y) ? 29 : len[m - 1];
}

/* Days from 1970-01-01 to y-m-d (before it: negative), counted the slow
 * way, so that it checks the library's arithmetic. */
static int64_t t_day(int y, int m, int d)
{
    int64_t n = 0;
    for (int i = 1970; i < y; i++)
        n += t_leap(i) ? 366 : 365;
    for (int i = y; i < 1970; i++)
        n -= t_leap(i) ? 366 : 365;
    for (int i = 1; i < m; i++)
        n += t_mlen(y, i);
    return n + d - 1;
}

/* 00:00 UTC of y-m-d, in ms. */
static int64_t t_ms(int y, int m, int d)
{
    return t_day(y, m, d) * DAY_MS;
}

/* The day after y-m-d. */
static void t_next_day(int *y, int *m, int *d)
{
    if (++*d > t_mlen(*y, *m)) {
        *d = 1;
        if (++*m > 12) {
            *m = 1;
            ++*y;
        }
    }
}

/* ---- helpers -------------------------------------------------------------------- */

static char poison; /* what out-params point at before a call that must fail */
#define POISON(type) ((type *)(void *)&poison)

static crm_occasion_spec spec(const char *cid, const char *kind, int yearly, int year, int month,
                              int day, int lead)
{
    crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
    s.customer_id = cid;
    s.kind = kind;
    s.yearly = yearly;
    s.year = year;
    s.month = month;
    s.day = day;
    s.lead_days = lead;
    return s;
}

/* Add an occasion; its id goes to id (may be NULL). Exits on failure. */
static void add(crm_db *db, const char *cid, const char *kind, int yearly, int year, int month,
                int day, int lead, char id[CRM_ID_LEN + 1])
{
    crm_occasion_spec s = spec(cid, kind, yearly, year, month, day, lead);
    crm_occasion *o = NULL;
    if (crm_occasion_add(&o, db, &s) != CRM_OK) {
        fprintf(stderr, "adding %s %d-%d-%d: %s\n", kind, year, month, day, crm_errmsg(db));
        exit(2);
    }
    if (id)
        memcpy(id, crm_occasion_id(o), CRM_ID_LEN + 1);
    crm_occasion_free(o);
}

/* One record as text: "kind yearly year-month-day lead note" (next_* too
 * when any is set). */
static void show(const crm_occasion *o, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s %d %d-%d-%d %d %s", crm_occasion_kind(o),
                     crm_occasion_is_yearly(o), crm_occasion_year(o), crm_occasion_month(o),
                     crm_occasion_day(o), crm_occasion_lead_days(o),
                     crm_occasion_note(o) ? crm_occasion_note(o) : "-");
    if (crm_occasion_next_year(o) || crm_occasion_next_month(o) || crm_occasion_next_day(o) ||
        crm_occasion_next_at(o) != CRM_TIME_NONE || crm_occasion_years(o))
        snprintf(buf + n, size - (size_t)n, " next %d-%d-%d", crm_occasion_next_year(o),
                 crm_occasion_next_month(o), crm_occasion_next_day(o));
}

/* The customer's occasions as listed, "kind ..." joined by "; ". */
static int list_text(crm_db *db, const char *cid, char *buf, size_t size)
{
    crm_occasion_cursor *cur = NULL;
    int rc = crm_occasion_list_open(&cur, db, cid);
    if (rc)
        return rc;
    const crm_occasion *o;
    size_t n = 0;
    buf[0] = '\0';
    while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW) {
        char one[1200];
        if (strcmp(crm_occasion_customer_id(o), cid) != 0 || strlen(crm_occasion_id(o)) != 36) {
            rc = CRM_ERROR;
            break;
        }
        show(o, one, sizeof one);
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "; " : "", one);
    }
    crm_occasion_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

#define DUMP_SIZE 8192

/* Every occasion of every customer, with ids, and the journal's last
 * sequence number: what a failed call must leave as it was. */
static void dump(crm_db *db, char *buf, size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "seq %lld;", (long long)test_last_seq(db));
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    crm_customer_cursor *cc;
    const crm_customer *c;
    if (crm_customer_list_open(&cc, db, &f) != CRM_OK) {
        fprintf(stderr, "dump: %s\n", crm_errmsg(db));
        exit(2);
    }
    while (crm_customer_cursor_next(cc, &c) == CRM_ROW) {
        crm_occasion_cursor *cur;
        const crm_occasion *o;
        if (crm_occasion_list_open(&cur, db, crm_customer_id(c)) != CRM_OK) {
            fprintf(stderr, "dump: %s\n", crm_errmsg(db));
            exit(2);
        }
        while (crm_occasion_cursor_next(cur, &o) == CRM_ROW) {
            char one[1200];
            show(o, one, sizeof one);
            n += (size_t)snprintf(buf + n, size - n, " %s %s;", crm_occasion_id(o), one);
        }
        crm_occasion_cursor_free(cur);
    }
    crm_customer_cursor_free(cc);
}

/* The call fails with code and a message containing f1 (and f2 when not
 * NULL), and neither the 0.1 tables nor the occasions change. */
#define EXPECT_FAILS(db, call, code, f1, f2)           \
    do {                                               \
        char before_[DUMP_SIZE], after_[DUMP_SIZE];    \
        dump((db), before_, sizeof before_);           \
        CHECK_FAILS_((db), (db), call, code, f1, f2);  \
        dump((db), after_, sizeof after_);             \
        CHECK_STR(after_, before_);                    \
    } while (0)

/* crm_occasion_add(&o) and crm_occasion_add(NULL) both fail so, and o
 * stays as it was. */
static void add_fails(crm_db *db, const crm_occasion_spec *s, int code, const char *f1,
                      const char *f2)
{
    crm_occasion *o = POISON(crm_occasion);
    EXPECT_FAILS(db, crm_occasion_add(&o, db, s), code, f1, f2);
    CHECK(o == POISON(crm_occasion));
    EXPECT_FAILS(db, crm_occasion_add(NULL, db, s), code, f1, f2);
}

#define ADD_FAILS(s, code, f1, f2)                                     \
    do {                                                               \
        add_fails(db, &(s), (code), (f1), (f2));                       \
        if (test_current_failed) {                                     \
            fprintf(stderr, "  (the call at line %d)\n", __LINE__);    \
            return;                                                    \
        }                                                              \
    } while (0)

/* The rows of crm_occasion_upcoming_open(y, m, d, days) as "date kind
 * years", joined by ", "; next_at is checked against the date. */
static int upcoming_text(crm_db *db, int y, int m, int d, int days, char *buf, size_t size)
{
    crm_occasion_cursor *cur = POISON(crm_occasion_cursor);
    int rc = crm_occasion_upcoming_open(&cur, db, y, m, d, days);
    if (rc) {
        if (cur != POISON(crm_occasion_cursor))
            return CRM_ERROR;
        return rc;
    }
    const crm_occasion *o;
    size_t n = 0;
    buf[0] = '\0';
    while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW) {
        int y = crm_occasion_next_year(o), m = crm_occasion_next_month(o),
            d = crm_occasion_next_day(o);
        n += (size_t)snprintf(buf + n, size - n, "%s%04d-%02d-%02d %s %d", n ? ", " : "", y, m, d,
                              crm_occasion_kind(o), crm_occasion_years(o));
        if (crm_occasion_next_at(o) != t_ms(y, m, d))
            n += (size_t)snprintf(buf + n, size - n, " BAD next_at %lld",
                                  (long long)crm_occasion_next_at(o));
    }
    /* After the end, the end again. */
    if (rc == CRM_DONE)
        rc = crm_occasion_cursor_next(cur, &o);
    crm_occasion_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

/* upcoming_text() or "ERR <code>: <message>" (static buffer). */
static const char *upcoming(crm_db *db, int y, int m, int d, int days)
{
    static char buf[16384];
    int rc = upcoming_text(db, y, m, d, days, buf, sizeof buf);
    if (rc)
        snprintf(buf, sizeof buf, "ERR %s: %s", crm_errname(rc), crm_errmsg(db));
    return buf;
}

/* The journal rows after seq name this occasion as "id":"..." */
static const char *jid(const char *id)
{
    static char buf[8][80];
    static int k;
    char *b = buf[k++ % 8];
    snprintf(b, 80, "\"occasion_id\":\"%s\"", id);
    return b;
}

/* ---- adding, reading, removing -------------------------------------------------- */

TEST(add_one_off)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", cid);
    int64_t seq = test_last_seq(db);
    crm_occasion_spec s = spec(cid, "renewal", 0, 2026, 12, 3, 30);
    s.note = "Contract 7, \xe2\x82\xac 12k";
    crm_occasion *o = NULL;
    CHECK_OK(db, crm_occasion_add(&o, db, &s));
    CHECK(test_canonical_v7(crm_occasion_id(o)));
    CHECK_STR(crm_occasion_customer_id(o), cid);
    CHECK_STR(crm_occasion_kind(o), "renewal");
    CHECK_INT(crm_occasion_is_yearly(o), 0);
    CHECK_INT(crm_occasion_year(o), 2026);
    CHECK_INT(crm_occasion_month(o), 12);
    CHECK_INT(crm_occasion_day(o), 3);
    CHECK_INT(crm_occasion_lead_days(o), 30);
    CHECK_STR(crm_occasion_note(o), "Contract 7, \xe2\x82\xac 12k");
    /* Only rows of crm_occasion_upcoming_open() have an occurrence. */
    CHECK_INT(crm_occasion_next_year(o), 0);
    CHECK_INT(crm_occasion_next_month(o), 0);
    CHECK_INT(crm_occasion_next_day(o), 0);
    CHECK_INT(crm_occasion_next_at(o), CRM_TIME_NONE);
    CHECK_INT(crm_occasion_years(o), 0);

    char want[1200], got[1200];
    show(o, want, sizeof want);
    crm_occasion *g = NULL;
    CHECK_OK(db, crm_occasion_get(&g, db, crm_occasion_id(o)));
    show(g, got, sizeof got);
    CHECK_STR(got, want);
    CHECK_STR(got, "renewal 0 2026-12-3 30 Contract 7, \xe2\x82\xac 12k");
    CHECK_STR(crm_occasion_id(g), crm_occasion_id(o));
    CHECK_STR(crm_occasion_customer_id(g), cid);
    crm_occasion_free(g);

    test_jrow j[] = { { "occasion", "add", cid,
                        { jid(crm_occasion_id(o)), "\"kind\":\"renewal\"", "\"date\":\"2026-12-03\"",
                          "\"lead_days\":30" },
                        NULL } };
    CHECK(test_journal_is(db, seq, j, 1));
    test_jrow j2[] = { { "occasion", "add", cid,
                         { "\"yearly\":0", "\"note\":\"Contract 7, \xe2\x82\xac 12k\"" }, NULL } };
    CHECK(test_journal_is(db, seq, j2, 1));
    crm_occasion_free(o);
    crm_close(db);
}

TEST(add_yearly)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    int64_t seq = test_last_seq(db);
    add(db, cid, "birthday", 1, 1990, 5, 17, 7, a);
    add(db, cid, "name_day", 1, 0, 7, 26, 0, b);
    crm_occasion *g = NULL;
    char got[1200];
    CHECK_OK(db, crm_occasion_get(&g, db, a));
    show(g, got, sizeof got);
    CHECK_STR(got, "birthday 1 1990-5-17 7 -");
    CHECK(crm_occasion_note(g) == NULL);
    crm_occasion_free(g);
    CHECK_OK(db, crm_occasion_get(&g, db, b));
    show(g, got, sizeof got);
    CHECK_STR(got, "name_day 1 0-7-26 0 -");
    crm_occasion_free(g);
    /* The date in the journal: the full date when the year is known, ISO
     * 8601's --MM-DD when not. */
    test_jrow j[] = {
        { "occasion", "add", cid,
          { jid(a), "\"kind\":\"birthday\"", "\"date\":\"1990-05-17\"", "\"yearly\":1" },
          "\"note\"" },
        { "occasion", "add", cid,
          { jid(b), "\"kind\":\"name_day\"", "\"date\":\"--07-26\"", "\"lead_days\":0" },
          "\"note\"" },
    };
    CHECK(test_journal_is(db, seq, j, 2));
    crm_close(db);
}

TEST(add_without_out_and_any_kind)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], upper[CRM_ID_LEN + 1], buf[4096];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    /* The customer id in any case; built-in kinds are only conventions. */
    for (int k = 0; k <= CRM_ID_LEN; k++)
        upper[k] = (char)(cid[k] >= 'a' && cid[k] <= 'f' ? cid[k] - 'a' + 'A' : cid[k]);
    static const char k32[] = "k234567890123456789012345678901_";
    CHECK_INT(strlen(k32), 32);
    const char *kinds[] = { "birthday", "renewal", "anniversary", "contract_end", "x", k32,
                            "first_car_2019" };
    for (int i = 0; i < 7; i++) {
        crm_occasion_spec s = spec(upper, kinds[i], 1, 0, 1, i + 1, i);
        CHECK_OK(db, crm_occasion_add(NULL, db, &s));
    }
    CHECK_OK(db, list_text(db, cid, buf, sizeof buf));
    CHECK_STR(buf, "birthday 1 0-1-1 0 -; renewal 1 0-1-2 1 -; anniversary 1 0-1-3 2 -; "
                   "contract_end 1 0-1-4 3 -; x 1 0-1-5 4 -; "
                   "k234567890123456789012345678901_ 1 0-1-6 5 -; first_car_2019 1 0-1-7 6 -");
    /* An empty note is refused like every other empty string: NULL means none. */
    crm_occasion_spec s = spec(cid, "misc", 0, 2030, 6, 1, 0);
    s.note = "";
    crm_occasion *o = (crm_occasion *)1;
    CHECK_RC(db, crm_occasion_add(&o, db, &s), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "occasion note is empty");
    CHECK(o == (crm_occasion *)1);
    crm_close(db);
}

TEST(valid_dates)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    static const struct {
        int yearly, year, month, day;
    } ok[] = {
        { 0, 2024, 2, 29 }, /* a leap year */
        { 0, 2000, 2, 29 }, /* divisible by 400 */
        { 1, 0, 2, 29 },    /* yearly, year unknown */
        { 1, 2004, 2, 29 }, /* yearly, born in a leap year */
        { 0, 1, 1, 1 },     { 0, 9999, 12, 31 }, { 1, 1, 1, 31 },   { 1, 9999, 12, 31 },
        { 0, 2023, 4, 30 }, { 0, 2023, 2, 28 },  { 1, 0, 12, 31 },  { 0, 2023, 1, 31 },
        { 0, 2023, 3, 31 }, { 0, 2023, 5, 31 },  { 0, 2023, 6, 30 }, { 0, 2023, 7, 31 },
        { 0, 2023, 8, 31 }, { 0, 2023, 9, 30 },  { 0, 2023, 10, 31 }, { 0, 2023, 11, 30 },
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        crm_occasion_spec s = spec(cid, "day", ok[i].yearly, ok[i].year, ok[i].month, ok[i].day, 0);
        crm_occasion *o = NULL;
        int rc = crm_occasion_add(&o, db, &s);
        if (rc)
            fprintf(stderr, "  %d %d-%d-%d\n", ok[i].yearly, ok[i].year, ok[i].month, ok[i].day);
        CHECK_OK(db, rc);
        crm_occasion *g = NULL;
        CHECK_OK(db, crm_occasion_get(&g, db, crm_occasion_id(o)));
        CHECK_INT(crm_occasion_year(g), ok[i].year);
        CHECK_INT(crm_occasion_month(g), ok[i].month);
        CHECK_INT(crm_occasion_day(g), ok[i].day);
        crm_occasion_free(g);
        crm_occasion_free(o);
    }
    crm_close(db);
}

TEST(list_by_month_and_day)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1], buf[4096];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", other);
    CHECK_OK(db, list_text(db, cid, buf, sizeof buf));
    CHECK_STR(buf, "");
    add(db, cid, "xmas", 1, 0, 12, 25, 14, NULL);
    add(db, other, "renewal", 0, 2027, 3, 1, 60, NULL);
    add(db, cid, "birthday", 1, 1990, 5, 17, 7, NULL);
    add(db, cid, "trip", 0, 2031, 1, 9, 3, NULL);
    add(db, cid, "second", 0, 2020, 5, 17, 0, NULL); /* same day: in the order added */
    add(db, cid, "leap", 1, 0, 2, 29, 1, NULL);
    CHECK_OK(db, list_text(db, cid, buf, sizeof buf));
    CHECK_STR(buf, "trip 0 2031-1-9 3 -; leap 1 0-2-29 1 -; birthday 1 1990-5-17 7 -; "
                   "second 0 2020-5-17 0 -; xmas 1 0-12-25 14 -");
    CHECK_OK(db, list_text(db, other, buf, sizeof buf));
    CHECK_STR(buf, "renewal 0 2027-3-1 60 -");
    /* Organisations have occasions too; list through the same call. */

    /* A row can be kept with dup; the cursor keeps answering DONE. */
    crm_occasion_cursor *cur = NULL;
    const crm_occasion *row = NULL;
    crm_occasion *kept = NULL;
    CHECK_OK(db, crm_occasion_list_open(&cur, db, cid));
    CHECK_INT(crm_occasion_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_occasion_dup(&kept, row), CRM_OK);
    while (crm_occasion_cursor_next(cur, &row) == CRM_ROW)
        ;
    CHECK_INT(crm_occasion_cursor_next(cur, &row), CRM_DONE);
    CHECK_INT(crm_occasion_cursor_next(cur, &row), CRM_DONE);
    crm_occasion_cursor_free(cur);
    CHECK_STR(crm_occasion_kind(kept), "trip");
    CHECK_INT(crm_occasion_day(kept), 9);
    crm_occasion_free(kept);
    crm_close(db);
}

TEST(remove_occasion)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], buf[4096];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    add(db, cid, "birthday", 1, 1990, 5, 17, 7, a);
    add(db, cid, "name_day", 1, 0, 7, 26, 0, b);
    int64_t seq = test_last_seq(db);
    CHECK_OK(db, crm_occasion_remove(db, a));
    test_jrow j[] = { { "occasion", "remove", cid,
                        { jid(a), "\"kind\":\"birthday\"", "\"yearly\":1" },
                        "date" } };
    CHECK(test_journal_is(db, seq, j, 1));
    CHECK_OK(db, list_text(db, cid, buf, sizeof buf));
    CHECK_STR(buf, "name_day 1 0-7-26 0 -");
    crm_occasion *g = POISON(crm_occasion);
    EXPECT_FAILS(db, crm_occasion_get(&g, db, a), CRM_ENOTFOUND, "no occasion", a);
    CHECK(g == POISON(crm_occasion));
    /* Removing twice: the second finds nothing. */
    EXPECT_FAILS(db, crm_occasion_remove(db, a), CRM_ENOTFOUND, "no occasion has id", a);
    /* Any case of the id. */
    char upper[CRM_ID_LEN + 1];
    for (int k = 0; k <= CRM_ID_LEN; k++)
        upper[k] = (char)(b[k] >= 'a' && b[k] <= 'f' ? b[k] - 'a' + 'A' : b[k]);
    seq = test_last_seq(db);
    CHECK_OK(db, crm_occasion_remove(db, upper));
    test_jrow j2[] = { { "occasion", "remove", cid, { jid(b), "\"yearly\":1" }, "07-26" } };
    CHECK(test_journal_is(db, seq, j2, 1));
    CHECK_OK(db, list_text(db, cid, buf, sizeof buf));
    CHECK_STR(buf, "");
    crm_close(db);
}

TEST(dup_and_accessors)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    crm_occasion_spec s = spec(cid, "birthday", 1, 1990, 5, 17, 7);
    s.note = "cake";
    crm_occasion *o = NULL, *d = NULL;
    CHECK_OK(db, crm_occasion_add(&o, db, &s));
    CHECK_INT(crm_occasion_dup(&d, o), CRM_OK);
    CHECK(d != o);
    CHECK(crm_occasion_kind(d) != crm_occasion_kind(o));
    CHECK(crm_occasion_note(d) != crm_occasion_note(o));
    char x[1200], y[1200];
    show(o, x, sizeof x);
    crm_occasion_free(o); /* the copy outlives the original */
    show(d, y, sizeof y);
    CHECK_STR(y, x);
    CHECK_STR(crm_occasion_customer_id(d), cid);

    /* A copy of an upcoming row keeps its occurrence, past the cursor. */
    crm_occasion_cursor *cur = NULL;
    const crm_occasion *row = NULL;
    crm_occasion *kept = NULL;
    CHECK_OK(db, crm_occasion_upcoming_open(&cur, db, 2026, 5, 1, 31));
    CHECK_INT(crm_occasion_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_occasion_dup(&kept, row), CRM_OK);
    CHECK_INT(crm_occasion_cursor_next(cur, &row), CRM_DONE);
    crm_occasion_cursor_free(cur);
    CHECK_STR(crm_occasion_kind(kept), "birthday");
    CHECK_STR(crm_occasion_note(kept), "cake");
    CHECK_STR(crm_occasion_id(kept), crm_occasion_id(d));
    CHECK_INT(crm_occasion_next_year(kept), 2026);
    CHECK_INT(crm_occasion_next_month(kept), 5);
    CHECK_INT(crm_occasion_next_day(kept), 17);
    CHECK_INT(crm_occasion_next_at(kept), t_ms(2026, 5, 17));
    CHECK_INT(crm_occasion_years(kept), 36);
    crm_occasion_free(kept);

    crm_occasion *p = POISON(crm_occasion);
    CHECK_INT(crm_occasion_dup(NULL, d), CRM_EINVAL);
    CHECK_INT(crm_occasion_dup(&p, NULL), CRM_EINVAL);
    CHECK(p == POISON(crm_occasion));
    crm_occasion_free(d);
    crm_occasion_free(NULL);

    CHECK(crm_occasion_id(NULL) == NULL);
    CHECK(crm_occasion_customer_id(NULL) == NULL);
    CHECK(crm_occasion_kind(NULL) == NULL);
    CHECK(crm_occasion_note(NULL) == NULL);
    CHECK_INT(crm_occasion_is_yearly(NULL), 0);
    CHECK_INT(crm_occasion_year(NULL), 0);
    CHECK_INT(crm_occasion_month(NULL), 0);
    CHECK_INT(crm_occasion_day(NULL), 0);
    CHECK_INT(crm_occasion_lead_days(NULL), 0);
    CHECK_INT(crm_occasion_next_year(NULL), 0);
    CHECK_INT(crm_occasion_next_month(NULL), 0);
    CHECK_INT(crm_occasion_next_day(NULL), 0);
    CHECK_INT(crm_occasion_next_at(NULL), CRM_TIME_NONE);
    CHECK_INT(crm_occasion_years(NULL), 0);
    crm_occasion_cursor_free(NULL);
    crm_close(db);
}

/* ---- bad input -------------------------------------------------------------------- */

TEST(bad_dates)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    add(db, cid, "birthday", 1, 0, 3, 3, 0, NULL);
    crm_occasion_spec s;
    s = spec(cid, "x", 0, 2026, 0, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "month 0", "1..12");
    s = spec(cid, "x", 0, 2026, 13, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "month 13", "1..12");
    s = spec(cid, "x", 1, 0, -1, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "month -1", "1..12");
    s = spec(cid, "x", 0, 2026, 1, 0, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 0", "January (1..31)");
    s = spec(cid, "x", 0, 2026, 1, 32, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 32", "January");
    s = spec(cid, "x", 1, 0, 12, 32, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 32", "December");
    s = spec(cid, "x", 1, 0, 12, -5, 0);
    ADD_FAILS(s, CRM_EINVAL, "day -5", "December");
    s = spec(cid, "x", 0, 2026, 4, 31, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 31", "April (1..30)");
    s = spec(cid, "x", 1, 0, 4, 31, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 31", "April");
    s = spec(cid, "x", 1, 1990, 6, 31, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 31", "June");
    s = spec(cid, "x", 0, 2026, 9, 31, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 31", "September");
    s = spec(cid, "x", 0, 2026, 11, 31, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 31", "November");
    s = spec(cid, "x", 1, 0, 2, 30, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 30", "February (1..29)");
    s = spec(cid, "x", 0, 2024, 2, 30, 0);
    ADD_FAILS(s, CRM_EINVAL, "day 30", "February");
    /* 29 February needs a leap year when the year is given. */
    s = spec(cid, "x", 0, 2023, 2, 29, 0);
    ADD_FAILS(s, CRM_EINVAL, "29 February 2023", "not a leap year");
    s = spec(cid, "x", 0, 1900, 2, 29, 0);
    ADD_FAILS(s, CRM_EINVAL, "29 February 1900", "not a leap year");
    s = spec(cid, "x", 0, 2100, 2, 29, 0);
    ADD_FAILS(s, CRM_EINVAL, "29 February 2100", "not a leap year");
    s = spec(cid, "x", 1, 2023, 2, 29, 0);
    ADD_FAILS(s, CRM_EINVAL, "29 February 2023", "not a leap year");
    /* Years. */
    s = spec(cid, "x", 0, 0, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "year 0", "one-off occasion needs a year 1..9999");
    s = spec(cid, "x", 0, -1, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "year -1", "1..9999");
    s = spec(cid, "x", 0, 10000, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "year 10000", "1..9999");
    s = spec(cid, "x", 1, -1, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "year -1", "yearly");
    s = spec(cid, "x", 1, 10000, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "year 10000", "yearly");
    /* yearly is 0 or 1. */
    s = spec(cid, "x", 2, 0, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "yearly is 2", "1 (every year) or 0 (once)");
    s = spec(cid, "x", -1, 2026, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "yearly is -1", "0 (once)");
    crm_close(db);
}

TEST(lead_bounds)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    crm_occasion_spec s = spec(cid, "x", 1, 0, 6, 1, -1);
    ADD_FAILS(s, CRM_EINVAL, "lead_days -1", "0..366");
    s.lead_days = CRM_OCCASION_LEAD_MAX + 1;
    ADD_FAILS(s, CRM_EINVAL, "lead_days 367", "0..366");
    s.lead_days = 100000;
    ADD_FAILS(s, CRM_EINVAL, "lead_days 100000", "out of range");
    s.lead_days = CRM_OCCASION_LEAD_MAX;
    crm_occasion *o = NULL;
    CHECK_OK(db, crm_occasion_add(&o, db, &s));
    CHECK_INT(crm_occasion_lead_days(o), 366);
    crm_occasion_free(o);
    s.lead_days = 0;
    CHECK_OK(db, crm_occasion_add(NULL, db, &s));
    crm_close(db);
}

TEST(bad_spec_and_strings)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    add(db, cid, "birthday", 1, 0, 3, 3, 0, NULL);
    crm_occasion *o = POISON(crm_occasion);
    EXPECT_FAILS(db, crm_occasion_add(&o, db, NULL), CRM_EINVAL, "spec is NULL", NULL);
    CHECK(o == POISON(crm_occasion));
    crm_occasion_spec s = spec(cid, "x", 1, 0, 6, 1, 0);
    s.version = 0;
    ADD_FAILS(s, CRM_EINVAL, "crm_occasion_spec.version is 0", "versions 1 to 1");
    s.version = CRM_OCCASION_SPEC_VERSION + 1;
    ADD_FAILS(s, CRM_EINVAL, "crm_occasion_spec.version is 2", NULL);

    /* The customer id. */
    s = spec(NULL, "x", 1, 0, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "customer id is NULL", NULL);
    for (int i = 0; test_bad_ids[i]; i++) {
        s.customer_id = test_bad_ids[i];
        ADD_FAILS(s, CRM_EINVAL, "customer id", "is not an id");
    }
    for (int i = 0; test_bad_utf8[i]; i++) {
        s.customer_id = test_bad_utf8[i];
        ADD_FAILS(s, CRM_EINVAL, "customer id", "is not an id");
    }
    s.customer_id = TEST_UNKNOWN_ID;
    ADD_FAILS(s, CRM_ENOTFOUND, "no customer has id", TEST_UNKNOWN_ID);

    /* The kind. */
    s = spec(cid, NULL, 1, 0, 6, 1, 0);
    ADD_FAILS(s, CRM_EINVAL, "occasion kind is NULL", NULL);
    static const char *const bad_kinds[] = {
        "", "Birthday", "1st", "_x", "birth day", "birthday ", " birthday", "birth-day",
        "k234567890123456789012345678901_3", "caf\xc3\xa9", "a\tb", "a\nb", "x\x7f", NULL,
    };
    for (int i = 0; bad_kinds[i]; i++) {
        s.kind = bad_kinds[i];
        ADD_FAILS(s, CRM_EINVAL, "occasion kind", "[a-z][a-z0-9_]{0,31}");
    }
    for (int i = 0; test_bad_utf8[i]; i++) {
        s.kind = test_bad_utf8[i];
        ADD_FAILS(s, CRM_EINVAL, "occasion kind", "[a-z][a-z0-9_]{0,31}");
    }
    s.kind = "Birthday";
    ADD_FAILS(s, CRM_EINVAL, "'Birthday'", NULL); /* the value is quoted */

    /* The note. */
    s = spec(cid, "x", 1, 0, 6, 1, 0);
    for (int i = 0; test_bad_utf8[i]; i++) {
        s.note = test_bad_utf8[i];
        ADD_FAILS(s, CRM_EINVAL, "occasion note", "not valid UTF-8");
    }
    static const char *const controls[] = { "a\tb", "line\nbreak", "\r", "bell\x07", "del\x7f",
                                            "esc\x1b[0m", NULL };
    for (int i = 0; controls[i]; i++) {
        s.note = controls[i];
        ADD_FAILS(s, CRM_EINVAL, "occasion note", "control character");
    }
    char *long_note = test_long_string(CRM_OCCASION_NOTE_MAX + 1);
    s.note = long_note;
    add_fails(db, &s, CRM_EINVAL, "occasion note is 1025 bytes long", "limit of 1024");
    long_note[CRM_OCCASION_NOTE_MAX] = '\0';
    crm_occasion *ok = NULL;
    int rc = test_current_failed ? CRM_ERROR : crm_occasion_add(&ok, db, &s);
    int same = rc == CRM_OK && strcmp(crm_occasion_note(ok), long_note) == 0;
    crm_occasion_free(ok);
    free(long_note);
    CHECK_OK(db, rc);
    CHECK(same);
    crm_close(db);
}

TEST(bad_ids_get_remove_list)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    add(db, cid, "birthday", 1, 0, 3, 3, 0, NULL);
    crm_occasion *o = POISON(crm_occasion);
    crm_occasion_cursor *cur = POISON(crm_occasion_cursor);
    EXPECT_FAILS(db, crm_occasion_get(&o, db, NULL), CRM_EINVAL, "occasion id is NULL", NULL);
    EXPECT_FAILS(db, crm_occasion_remove(db, NULL), CRM_EINVAL, "occasion id is NULL", NULL);
    EXPECT_FAILS(db, crm_occasion_list_open(&cur, db, NULL), CRM_EINVAL, "customer id is NULL",
                 NULL);
    for (int pass = 0; pass < 2; pass++) {
        const char *const *bad = pass ? test_bad_utf8 : test_bad_ids;
        for (int i = 0; bad[i]; i++) {
            EXPECT_FAILS(db, crm_occasion_get(&o, db, bad[i]), CRM_EINVAL, "occasion id",
                         "is not an id");
            EXPECT_FAILS(db, crm_occasion_remove(db, bad[i]), CRM_EINVAL, "occasion id",
                         "is not an id");
            EXPECT_FAILS(db, crm_occasion_list_open(&cur, db, bad[i]), CRM_EINVAL,
                         "customer id", "is not an id");
        }
    }
    EXPECT_FAILS(db, crm_occasion_get(&o, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                 "no occasion has id", TEST_UNKNOWN_ID);
    EXPECT_FAILS(db, crm_occasion_remove(db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                 "no occasion has id", TEST_UNKNOWN_ID);
    EXPECT_FAILS(db, crm_occasion_list_open(&cur, db, TEST_UNKNOWN_ID), CRM_ENOTFOUND,
                 "no customer has id", TEST_UNKNOWN_ID);
    /* A customer's id is not an occasion's, and the other way round. */
    EXPECT_FAILS(db, crm_occasion_get(&o, db, cid), CRM_ENOTFOUND, "no occasion has id", cid);
    EXPECT_FAILS(db, crm_occasion_remove(db, cid), CRM_ENOTFOUND, "no occasion has id", cid);
    CHECK(o == POISON(crm_occasion));
    CHECK(cur == POISON(crm_occasion_cursor));
    crm_close(db);
}

TEST(null_db)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], oid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    add(db, cid, "birthday", 1, 0, 3, 3, 0, oid);
    crm_occasion_spec s = spec(cid, "x", 1, 0, 6, 1, 0);
    crm_occasion *o = POISON(crm_occasion);
    crm_occasion_cursor *cur = POISON(crm_occasion_cursor);
    CHECK_NULL_DB(db, crm_occasion_add(&o, NULL, &s), "crm_occasion_add");
    CHECK_NULL_DB(db, crm_occasion_add(NULL, NULL, &s), "crm_occasion_add");
    CHECK_NULL_DB(db, crm_occasion_remove(NULL, oid), "crm_occasion_remove");
    CHECK_NULL_DB(db, crm_occasion_get(&o, NULL, oid), "crm_occasion_get");
    CHECK_NULL_DB(db, crm_occasion_list_open(&cur, NULL, cid), "crm_occasion_list_open");
    CHECK_NULL_DB(db, crm_occasion_upcoming_open(&cur, NULL, 2026, 1, 1, 1),
                  "crm_occasion_upcoming_open");
    const crm_occasion *row = NULL;
    CHECK_NULL_DB(db, crm_occasion_cursor_next(NULL, &row), "crm_occasion_cursor_next");
    CHECK_CONTAINS(crm_errmsg(NULL), "cursor");
    CHECK(o == POISON(crm_occasion));
    CHECK(cur == POISON(crm_occasion_cursor));
    CHECK(row == NULL);
    crm_occasion *g = NULL;
    CHECK_OK(db, crm_occasion_get(&g, db, oid));
    crm_occasion_free(g);
    crm_close(db);
}

TEST(null_out)
{
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], oid[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    add(db, cid, "birthday", 1, 0, 3, 3, 0, oid);
    EXPECT_FAILS(db, crm_occasion_get(NULL, db, oid), CRM_EINVAL, "output argument", NULL);
    EXPECT_FAILS(db, crm_occasion_list_open(NULL, db, cid), CRM_EINVAL, "output argument", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(NULL, db, 2026, 1, 1, 1), CRM_EINVAL,
                 "output argument", NULL);
    /* _next of either cursor without somewhere to put the row. */
    crm_occasion_cursor *cur = NULL;
    const crm_occasion *row = NULL;
    CHECK_OK(db, crm_occasion_list_open(&cur, db, cid));
    CHECK_RC(db, crm_occasion_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_occasion_cursor_next: the output argument is NULL");
    CHECK_INT(crm_occasion_cursor_next(cur, &row), CRM_ROW); /* the walk goes on */
    CHECK_INT(crm_occasion_day(row), 3);
    crm_occasion_cursor_free(cur);
    CHECK_OK(db, crm_occasion_upcoming_open(&cur, db, 2026, 3, 1, 31));
    CHECK_RC(db, crm_occasion_cursor_next(cur, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "crm_occasion_cursor_next: the output argument is NULL");
    CHECK_INT(crm_occasion_cursor_next(cur, &row), CRM_ROW);
    CHECK_INT(crm_occasion_next_day(row), 3);
    CHECK_INT(crm_occasion_cursor_next(cur, &row), CRM_DONE);
    crm_occasion_cursor_free(cur);
    crm_close(db);
}

/* ---- the calendar, as crm/common.h gives it ------------------------------------- */

TEST(date_functions)
{
    /* Every day of some years, and the first and last of the range,
     * against counting. */
    static const int years[] = { 1, 2, 4, 99, 100, 400, 1582, 1900, 1969, 1970, 2000, 2024,
                                 2026, 2100, 9998, 9999 };
    for (size_t i = 0; i < sizeof years / sizeof years[0]; i++) {
        int y = years[i], m = 1, d = 1;
        int64_t day = t_day(y, 1, 1);
        while (y == years[i]) {
            int64_t got = -1;
            CHECK_INT(crm_date_to_days(&got, y, m, d), CRM_OK);
            CHECK_INT(got, day);
            int gy = 0, gm = 0, gd = 0;
            CHECK_INT(crm_date_from_days(&gy, &gm, &gd, day), CRM_OK);
            CHECK(gy == y && gm == m && gd == d);
            t_next_day(&y, &m, &d);
            day++;
        }
    }
    int64_t out = 7;
    CHECK_INT(crm_date_to_days(&out, 2026, 2, 30), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_date_to_days: 2026-02-30 does not exist");
    CHECK_INT(crm_date_to_days(&out, 2027, 2, 29), CRM_EINVAL);
    CHECK_INT(crm_date_to_days(&out, 2026, 4, 31), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "30 days");
    CHECK_INT(crm_date_to_days(&out, 2026, 13, 1), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "month 13");
    CHECK_INT(crm_date_to_days(&out, 2026, 0, 1), CRM_EINVAL);
    CHECK_INT(crm_date_to_days(&out, 2026, 1, 0), CRM_EINVAL);
    CHECK_INT(crm_date_to_days(&out, 0, 1, 1), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "year 0 is out of range (1..9999)");
    CHECK_INT(crm_date_to_days(&out, 10000, 1, 1), CRM_EINVAL);
    CHECK_INT(crm_date_to_days(&out, INT_MIN, INT_MIN, INT_MIN), CRM_EINVAL);
    CHECK_INT(out, 7);
    CHECK_INT(crm_date_to_days(NULL, 2026, 1, 1), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_date_to_days");
    int y = 5, m = 5, d = 5;
    CHECK_INT(crm_date_from_days(&y, &m, &d, t_day(1, 1, 1) - 1), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "outside 0001-01-01..9999-12-31");
    CHECK_INT(crm_date_from_days(&y, &m, &d, t_day(9999, 12, 31) + 1), CRM_EINVAL);
    CHECK_INT(crm_date_from_days(&y, &m, &d, INT64_MIN), CRM_EINVAL);
    CHECK_INT(crm_date_from_days(&y, &m, &d, INT64_MAX), CRM_EINVAL);
    CHECK(y == 5 && m == 5 && d == 5);
    CHECK_INT(crm_date_from_days(NULL, &m, &d, 0), CRM_EINVAL);
    CHECK_INT(crm_date_from_days(&y, NULL, &d, 0), CRM_EINVAL);
    CHECK_INT(crm_date_from_days(&y, &m, NULL, 0), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "day");
}

/* ---- upcoming -------------------------------------------------------------------- */

TEST(upcoming_birthday_years)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "birthday", 1, 1990, 5, 17, 7, NULL);
    add(db, jane, "name_day", 1, 0, 5, 20, 0, NULL);
    CHECK_STR(upcoming(db, 2026, 5, 1, 31),
              "2026-05-17 birthday 36, 2026-05-20 name_day 0");
    CHECK_STR(upcoming(db, 2026, 6, 1, 30), "");
    CHECK_STR(upcoming(db, 2026, 5, 18, 1), "");
    /* The first day counts. */
    CHECK_STR(upcoming(db, 2026, 5, 17, 1), "2026-05-17 birthday 36");
    /* Its own year marks 0; years before it began mark nothing. */
    CHECK_STR(upcoming(db, 1990, 5, 1, 31),
              "1990-05-17 birthday 0, 1990-05-20 name_day 0");
    CHECK_STR(upcoming(db, 1989, 5, 1, 31), "1989-05-20 name_day 0");
    crm_close(db);
}

/* The window is the caller's own calendar: late on 16 May in Los Angeles
 * (17 May already in UTC) the birthday of the 17th is tomorrow there, and
 * its date as a time is 00:00 UTC of the 17th wherever the caller is. */
TEST(upcoming_local_date)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "birthday", 1, 1990, 5, 17, 0, NULL);
    CHECK_STR(upcoming(db, 2026, 5, 16, 1), "");
    CHECK_STR(upcoming(db, 2026, 5, 16, 2), "2026-05-17 birthday 36");
    CHECK_STR(upcoming(db, 2026, 5, 17, 1), "2026-05-17 birthday 36");
    CHECK_STR(upcoming(db, 2026, 5, 18, 365), "2027-05-17 birthday 37");
    crm_close(db);
}

TEST(upcoming_leap_day)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "birthday", 1, 2000, 2, 29, 0, NULL);
    add(db, jane, "leap", 1, 0, 2, 29, 0, NULL);
    add(db, jane, "once", 0, 2028, 2, 29, 0, NULL);
    CHECK_STR(upcoming(db, 2027, 2, 1, 37),
              "2027-02-28 birthday 27, 2027-02-28 leap 0");
    CHECK_STR(upcoming(db, 2028, 2, 1, 38),
              "2028-02-29 birthday 28, 2028-02-29 leap 0, 2028-02-29 once 0");
    /* A window that ends on 28 February still finds the 29 February ones. */
    CHECK_STR(upcoming(db, 2027, 2, 28, 1),
              "2027-02-28 birthday 27, 2027-02-28 leap 0");
    CHECK_STR(upcoming(db, 2027, 2, 20, 8), "");
    CHECK_STR(upcoming(db, 2027, 3, 1, 1), "");
    /* In a leap year, 28 February is not the day. */
    CHECK_STR(upcoming(db, 2028, 2, 28, 1), "");
    CHECK_STR(upcoming(db, 2100, 2, 1, 28),
              "2100-02-28 birthday 100, 2100-02-28 leap 0");
    CHECK_STR(upcoming(db, 2000, 2, 29, 1),
              "2000-02-29 birthday 0, 2000-02-29 leap 0");
    crm_close(db);
}

TEST(upcoming_over_new_year)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "xmas", 1, 0, 12, 25, 0, NULL);
    add(db, jane, "jan3", 1, 2001, 1, 3, 0, NULL);
    add(db, jane, "jan10", 1, 0, 1, 10, 0, NULL); /* on the day of `to`: out */
    add(db, jane, "dec19", 1, 0, 12, 19, 0, NULL); /* the day before: out */
    add(db, jane, "dec20", 0, 2026, 12, 20, 0, NULL);
    add(db, jane, "dec20old", 0, 2025, 12, 20, 0, NULL);
    add(db, jane, "jun", 1, 0, 6, 1, 0, NULL);
    CHECK_STR(upcoming(db, 2026, 12, 20, 21),
              "2026-12-20 dec20 0, 2026-12-25 xmas 0, 2027-01-03 jan3 26");
    CHECK_STR(upcoming(db, 2026, 12, 31, 1), "");
    CHECK_STR(upcoming(db, 2026, 12, 25, 10),
              "2026-12-25 xmas 0, 2027-01-03 jan3 26");
    crm_close(db);
}

TEST(upcoming_lead_days)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    /* The window is June 1-14; the occasions are on the 25th, 11 days
     * after its last day. */
    add(db, jane, "lead14", 0, 2026, 6, 25, 14, NULL); /* surfaces June 11 */
    add(db, jane, "lead5", 0, 2026, 6, 25, 5, NULL);   /* June 20 */
    add(db, jane, "lead10", 0, 2026, 6, 25, 10, NULL); /* June 15: the day after */
    add(db, jane, "lead11", 0, 2026, 6, 25, 11, NULL); /* June 14 */
    add(db, jane, "past", 1, 0, 5, 31, 30, NULL);      /* passed, lead or not */
    CHECK_STR(upcoming(db, 2026, 6, 1, 14), "2026-06-25 lead14 0, 2026-06-25 lead11 0");
    /* A day more and the 10-day lead surfaces too. */
    CHECK_STR(upcoming(db, 2026, 6, 1, 15),
              "2026-06-25 lead14 0, 2026-06-25 lead10 0, 2026-06-25 lead11 0");
    /* The longest lead reaches a year ahead, over New Year. */
    add(db, jane, "far", 1, 0, 1, 5, CRM_OCCASION_LEAD_MAX, NULL);
    CHECK_STR(upcoming(db, 2026, 1, 2, 2), "2026-01-05 far 0");
    CHECK_STR(upcoming(db, 2026, 1, 2, 3),
              "2026-01-05 far 0, 2027-01-05 far 0");
    CHECK_STR(upcoming(db, 2026, 1, 6, 1), "2027-01-05 far 0");
    crm_close(db);
}

TEST(upcoming_one_off)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "surgery", 0, 2026, 6, 10, 3, NULL);
    CHECK_STR(upcoming(db, 2026, 6, 1, 30), "2026-06-10 surgery 0");
    CHECK_STR(upcoming(db, 2025, 6, 1, 30), "");
    CHECK_STR(upcoming(db, 2027, 6, 1, 30), "");
    CHECK_STR(upcoming(db, 2026, 6, 11, 20), "");
    CHECK_STR(upcoming(db, 2026, 6, 7, 1), "2026-06-10 surgery 0");
    CHECK_STR(upcoming(db, 2026, 6, 6, 1), "");
    /* Once, in a window of years. */
    CHECK_STR(upcoming(db, 2020, 1, 1, 3653), "2026-06-10 surgery 0");
    crm_close(db);
}

/* Times before 1970 are times like any other, down to the year 1. */
TEST(upcoming_before_1970)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "founding", 0, 1962, 3, 15, 2, NULL);
    add(db, jane, "birthday", 1, 1940, 12, 31, 0, NULL);
    add(db, jane, "nameday", 1, 0, 1, 5, 3, NULL);
    CHECK_STR(upcoming(db, 1962, 3, 1, 31), "1962-03-15 founding 0");
    CHECK_STR(upcoming(db, 1962, 3, 13, 1), "1962-03-15 founding 0");
    CHECK_STR(upcoming(db, 1969, 12, 31, 1), "1969-12-31 birthday 29");
    /* The first day of the calendar's range. */
    CHECK_STR(upcoming(db, 1, 1, 1, 3), "0001-01-05 nameday 0");
    crm_close(db);
}

TEST(upcoming_several_years)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "birthday", 1, 1990, 3, 5, 0, NULL);
    add(db, jane, "opening", 1, 2028, 3, 6, 0, NULL);
    CHECK_STR(upcoming(db, 2026, 1, 1, 1096),
              "2026-03-05 birthday 36, 2027-03-05 birthday 37, 2028-03-05 birthday 38, "
              "2028-03-06 opening 0");
    /* The longest window: 10 years, leap days included. */
    CHECK_STR(upcoming(db, 2030, 3, 5, 3653),
              "2030-03-05 birthday 40, 2030-03-06 opening 2, 2031-03-05 birthday 41, "
              "2031-03-06 opening 3, 2032-03-05 birthday 42, 2032-03-06 opening 4, "
              "2033-03-05 birthday 43, 2033-03-06 opening 5, 2034-03-05 birthday 44, "
              "2034-03-06 opening 6, 2035-03-05 birthday 45, 2035-03-06 opening 7, "
              "2036-03-05 birthday 46, 2036-03-06 opening 8, 2037-03-05 birthday 47, "
              "2037-03-06 opening 9, 2038-03-05 birthday 48, 2038-03-06 opening 10, "
              "2039-03-05 birthday 49, 2039-03-06 opening 11");
    /* The first and the last day of the calendar's range. */
    add(db, jane, "eve", 1, 0, 12, 31, 0, NULL);
    add(db, jane, "epoch", 0, 1970, 1, 1, 0, NULL);
    CHECK_STR(upcoming(db, 9999, 12, 31, 1), "9999-12-31 eve 0");
    CHECK_STR(upcoming(db, 1970, 1, 1, 1), "1970-01-01 epoch 0");
    crm_close(db);
}

TEST(upcoming_order)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1], c[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", a);
    test_customer(db, CRM_CUSTOMER_PERSON, "Bob", b);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Cee", c);
    CHECK(strcmp(a, b) < 0 && strcmp(b, c) < 0); /* ids grow */
    /* Added out of order: the rows come by date, then customer, then
     * occasion. */
    add(db, c, "c_10", 1, 0, 7, 10, 0, NULL);
    add(db, b, "b_10", 0, 2026, 7, 10, 0, NULL);
    add(db, a, "a_12", 1, 0, 7, 12, 0, NULL);
    add(db, b, "b_9", 1, 0, 7, 9, 0, NULL);
    add(db, a, "a_10_first", 1, 0, 7, 10, 0, NULL);
    add(db, a, "a_10_second", 1, 0, 7, 10, 0, NULL);
    add(db, c, "c_9", 1, 0, 7, 9, 9, NULL);
    CHECK_STR(upcoming(db, 2026, 7, 1, 30),
              "2026-07-09 b_9 0, 2026-07-09 c_9 0, 2026-07-10 a_10_first 0, "
              "2026-07-10 a_10_second 0, 2026-07-10 b_10 0, 2026-07-10 c_10 0, "
              "2026-07-12 a_12 0");
    /* Each row says whose it is. */
    crm_occasion_cursor *cur = NULL;
    const crm_occasion *o;
    CHECK_OK(db, crm_occasion_upcoming_open(&cur, db, 2026, 7, 12, 1));
    CHECK_INT(crm_occasion_cursor_next(cur, &o), CRM_ROW);
    CHECK_STR(crm_occasion_customer_id(o), a);
    CHECK_STR(crm_occasion_kind(o), "a_12");
    CHECK_INT(crm_occasion_cursor_next(cur, &o), CRM_DONE);
    crm_occasion_cursor_free(cur);
    /* Removed occasions no longer come up. */
    crm_occasion_cursor *l = NULL;
    CHECK_OK(db, crm_occasion_list_open(&l, db, c));
    char ids[2][CRM_ID_LEN + 1];
    for (int i = 0; i < 2; i++) {
        CHECK_INT(crm_occasion_cursor_next(l, &o), CRM_ROW);
        memcpy(ids[i], crm_occasion_id(o), CRM_ID_LEN + 1);
    }
    crm_occasion_cursor_free(l);
    CHECK_OK(db, crm_occasion_remove(db, ids[0]));
    CHECK_OK(db, crm_occasion_remove(db, ids[1]));
    CHECK_STR(upcoming(db, 2026, 7, 1, 30),
              "2026-07-09 b_9 0, 2026-07-10 a_10_first 0, 2026-07-10 a_10_second 0, "
              "2026-07-10 b_10 0, 2026-07-12 a_12 0");
    crm_close(db);
}

TEST(upcoming_bad_windows)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "x", 1, 0, 1, 1, 0, NULL);
    crm_occasion_cursor *cur = POISON(crm_occasion_cursor);
    /* Windows of no days, or of more than 10 years. */
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 6, 1, 0), CRM_EINVAL,
                 "upcoming days 0 is out of range", "1 to 3653 days");
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 6, 1, -1), CRM_EINVAL,
                 "upcoming days -1", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 6, 1, 3654), CRM_EINVAL,
                 "upcoming days 3654", "10 years");
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 6, 1, INT_MAX), CRM_EINVAL,
                 "out of range", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 6, 1, INT_MIN), CRM_EINVAL,
                 "out of range", NULL);
    /* Dates that do not exist, whole or in part. */
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 2, 30, 7), CRM_EINVAL,
                 "upcoming date 2026-02-30 does not exist", "February 2026 has 28 days");
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2027, 2, 29, 7), CRM_EINVAL,
                 "2027-02-29 does not exist", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 4, 31, 7), CRM_EINVAL,
                 "April 2026 has 30 days", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 6, 0, 7), CRM_EINVAL,
                 "2026-06-00 does not exist", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 13, 1, 7), CRM_EINVAL,
                 "upcoming month 13 is not a month", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 2026, 0, 0, 7), CRM_EINVAL,
                 "upcoming month 0 is not a month", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 0, 6, 1, 7), CRM_EINVAL,
                 "upcoming year 0 is out of range", "0, 0, 0 for today");
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 0, 0, 1, 7), CRM_EINVAL,
                 "upcoming year 0", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 10000, 1, 1, 7), CRM_EINVAL,
                 "upcoming year 10000 is out of range (1..9999)", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, -1, 1, 1, 7), CRM_EINVAL,
                 "upcoming year -1", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, INT_MIN, INT_MIN, INT_MIN, 7),
                 CRM_EINVAL, "out of range", NULL);
    /* Dates end with the year 9999. */
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 9999, 12, 31, 2), CRM_EINVAL,
                 "a window of 2 days from 9999-12-31 reaches past the year 9999", NULL);
    EXPECT_FAILS(db, crm_occasion_upcoming_open(&cur, db, 9990, 1, 1, 3653), CRM_EINVAL,
                 "past the year 9999", NULL);
    CHECK(cur == POISON(crm_occasion_cursor));
    /* The limits themselves are fine. */
    CHECK_STR(upcoming(db, 2026, 6, 1, 3653),
              "2027-01-01 x 0, 2028-01-01 x 0, 2029-01-01 x 0, 2030-01-01 x 0, 2031-01-01 x 0, "
              "2032-01-01 x 0, 2033-01-01 x 0, 2034-01-01 x 0, 2035-01-01 x 0, 2036-01-01 x 0");
    CHECK_STR(upcoming(db, 2026, 6, 1, 1), "");
    CHECK_STR(upcoming(db, 9999, 12, 30, 2), "");
    CHECK_STR(upcoming(db, 1, 1, 1, 1), "0001-01-01 x 0");
    crm_close(db);
}

/* Compare crm_occasion_upcoming_open() with counting day by day, for random
 * occasions and windows of every length. */
typedef struct known {
    char id[CRM_ID_LEN + 1], cid[CRM_ID_LEN + 1];
    int yearly, year, month, day, lead;
} known;

typedef struct hit {
    int64_t day;
    const known *k;
} hit;

static int hit_cmp(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    int c = strcmp(x->k->cid, y->k->cid);
    return c ? c : strcmp(x->k->id, y->k->id);
}

static uint64_t rng_state = 88172645463325252ULL;
static int rnd(int n) /* 0..n-1 */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (int)(rng_state % (uint64_t)n);
}

/* Does k fall on y-m-d? */
static int falls_on(const known *k, int y, int m, int d)
{
    if (!k->yearly)
        return y == k->year && m == k->month && d == k->day;
    if (k->year && y < k->year)
        return 0;
    if (m != k->month)
        return 0;
    if (k->month == 2 && k->day == 29 && !t_leap(y))
        return d == 28;
    return d == k->day;
}

/* Windows of every length against the occasions ks[0..n): the cursor
 * gives exactly the occurrences counted day by day, in order. */
static void check_windows(crm_db *db, const known *ks, int n, int windows)
{
    static hit want[8192];
    for (int w = 0; w < windows; w++) {
        int64_t first = t_day(2020, 1, 1) + rnd(13 * 366);
        int64_t len_ms;
        switch (w % 8) {
        case 0:
            len_ms = (int64_t)(1 + rnd(3653)) * DAY_MS - rnd(2) * rnd(DAY_MS);
            break;
        case 1:
            len_ms = (int64_t)(300 + rnd(100)) * DAY_MS + rnd(DAY_MS);
            break;
        default:
            len_ms = 1 + (int64_t)rnd(60) * DAY_MS + rnd(DAY_MS);
            break;
        }
        int64_t from = first * DAY_MS + rnd(DAY_MS), to = from + len_ms;
        if (w % 8 == 3) { /* over New Year */
            int y = 2021 + rnd(10);
            from = t_ms(y, 12, 15 + rnd(17));
            to = t_ms(y + 1, 1, 1 + rnd(10)) + rnd(2);
        } else if (w % 8 == 5) { /* to the end of February */
            int y = 2021 + rnd(10);
            from = t_ms(y, 2, 1 + rnd(28));
            to = t_ms(y, 2, 28) + rnd(2) * DAY_MS + rnd(2);
            if (to <= from)
                to = from + 1;
        }
        first = from / DAY_MS;
        int64_t last = (to - 1) / DAY_MS;
        /* Count to the window from 1970, a year at a time while one fits. */
        int nw = 0, y = 1970, m = 1, d = 1;
        for (int64_t day = 0; day < first;) {
            int len = t_leap(y) ? 366 : 365;
            if (m == 1 && d == 1 && day + len <= first) {
                day += len;
                y++;
            } else {
                t_next_day(&y, &m, &d);
                day++;
            }
        }
        for (int64_t day = first; day <= last + 366; day++, t_next_day(&y, &m, &d))
            for (int i = 0; i < n; i++)
                if (falls_on(&ks[i], y, m, d) && day - ks[i].lead <= last)
                    want[nw++] = (hit){ day, &ks[i] };
        qsort(want, (size_t)nw, sizeof want[0], hit_cmp);

        crm_occasion_cursor *cur = NULL;
        const crm_occasion *o;
        int fy, fm, fd;
        CHECK_INT(crm_date_from_days(&fy, &fm, &fd, first), CRM_OK);
        CHECK_OK(db, crm_occasion_upcoming_open(&cur, db, fy, fm, fd, (int)(last - first + 1)));
        int i = 0, rc, bad = 0;
        while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW) {
            if (i >= nw || strcmp(crm_occasion_id(o), want[i].k->id) != 0 ||
                crm_occasion_next_at(o) != want[i].day * DAY_MS) {
                bad = 1;
                break;
            }
            i++;
        }
        crm_occasion_cursor_free(cur);
        if (bad || rc != CRM_DONE || i != nw)
            fprintf(stderr, "window %d [%lld, %lld): row %d of %d differs (rc %d)\n", w,
                    (long long)from, (long long)to, i, nw, rc);
        CHECK(!bad && rc == CRM_DONE && i == nw);
    }
}

/* Random occasions, first with short leads (so that short windows read
 * one or two ranges of days), then with long ones too. */
TEST(upcoming_matches_counting)
{
    crm_db *db = test_open_memory();
    enum { NCUST = 3, NOCC = 48 };
    char cust[NCUST][CRM_ID_LEN + 1];
    for (int i = 0; i < NCUST; i++)
        test_customer(db, CRM_CUSTOMER_PERSON, "Someone", cust[i]);
    static known ks[NOCC];
    static const int leads[] = { 0, 0, 1, 3, 7, 14, 30, 100, 365, 366 };
    for (int i = 0; i < NOCC; i++) {
        known *k = &ks[i];
        memcpy(k->cid, cust[rnd(NCUST)], CRM_ID_LEN + 1);
        k->yearly = rnd(3) != 0;
        k->year = k->yearly ? (rnd(2) ? 0 : 1990 + rnd(45)) : 2019 + rnd(17);
        k->month = i % 6 == 0 ? 2 : 1 + rnd(12);
        k->day = i % 6 == 0 ? 29 : 1 + rnd(t_mlen(k->year ? k->year : 2024, k->month));
        if (k->month == 2 && k->day == 29 && k->year && !t_leap(k->year))
            k->year = 2024;
        k->lead = i < NOCC / 2 ? leads[rnd(6)] : leads[rnd(10)];
        add(db, k->cid, "k", k->yearly, k->year, k->month, k->day, k->lead, k->id);
        if (i == NOCC / 2 - 1) {
            check_windows(db, ks, i + 1, 160);
            if (test_current_failed)
                return;
        }
    }
    check_windows(db, ks, NOCC, 80);
    crm_close(db);
}

/* ---- cursors and transactions ----------------------------------------------------- */

TEST(close_with_open_cursors)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "x", 1, 0, 1, 1, 0, NULL);
    crm_occasion_cursor *up = NULL, *list = NULL;
    CHECK_OK(db, crm_occasion_upcoming_open(&up, db, 2026, 1, 1, 31));
    CHECK_OK(db, crm_occasion_list_open(&list, db, jane));
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "2 cursor(s)");
    crm_occasion_cursor_free(list);
    CHECK_RC(db, crm_close(db), CRM_EMISUSE);
    CHECK_CONTAINS(crm_errmsg(db), "1 cursor(s)");
    crm_occasion_cursor_free(up);
    /* Two of each at once, each freed. */
    crm_occasion_cursor *c[4] = { NULL, NULL, NULL, NULL };
    CHECK_OK(db, crm_occasion_upcoming_open(&c[0], db, 2026, 1, 1, 31));
    CHECK_OK(db, crm_occasion_upcoming_open(&c[1], db, 2026, 1, 1, 31));
    CHECK_OK(db, crm_occasion_list_open(&c[2], db, jane));
    CHECK_OK(db, crm_occasion_list_open(&c[3], db, jane));
    const crm_occasion *o;
    for (int i = 0; i < 4; i++)
        CHECK_INT(crm_occasion_cursor_next(c[i], &o), CRM_ROW);
    for (int i = 0; i < 4; i++)
        crm_occasion_cursor_free(c[i]);
    CHECK_OK(db, crm_close(db));
}

TEST(cursors_and_writes_interleave)
{
    crm_db *db = test_open_memory();
    char jane[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "a", 1, 0, 1, 1, 0, NULL);
    add(db, jane, "b", 1, 0, 1, 2, 0, NULL);
    /* An upcoming read while a list cursor is half-way, and writes while
     * both are open. */
    crm_occasion_cursor *list = NULL, *up = NULL;
    const crm_occasion *o;
    CHECK_OK(db, crm_occasion_list_open(&list, db, jane));
    CHECK_INT(crm_occasion_cursor_next(list, &o), CRM_ROW);
    CHECK_STR(crm_occasion_kind(o), "a");
    CHECK_OK(db, crm_occasion_upcoming_open(&up, db, 2026, 1, 1, 2));
    CHECK_INT(crm_in_transaction(db), 0);
    add(db, jane, "c", 1, 0, 1, 2, 0, NULL);
    CHECK_INT(crm_occasion_cursor_next(up, &o), CRM_ROW);
    CHECK_STR(crm_occasion_kind(o), "a");
    CHECK_INT(crm_occasion_cursor_next(up, &o), CRM_ROW);
    CHECK_STR(crm_occasion_kind(o), "b");
    CHECK_INT(crm_occasion_cursor_next(up, &o), CRM_DONE); /* read when opened */
    CHECK_INT(crm_occasion_cursor_next(list, &o), CRM_ROW);
    CHECK_STR(crm_occasion_kind(o), "b");
    crm_occasion_cursor_free(up);
    crm_occasion_cursor_free(list);
    CHECK_STR(upcoming(db, 2026, 1, 1, 2),
              "2026-01-01 a 0, 2026-01-02 b 0, 2026-01-02 c 0");

    /* Inside a group: reads see its writes, and the group stays open. */
    CHECK_OK(db, crm_begin(db));
    add(db, jane, "d", 1, 0, 1, 1, 0, NULL);
    CHECK_STR(upcoming(db, 2026, 1, 1, 1), "2026-01-01 a 0, 2026-01-01 d 0");
    CHECK_INT(crm_in_transaction(db), 1);
    CHECK_OK(db, crm_rollback(db));
    CHECK_STR(upcoming(db, 2026, 1, 1, 1), "2026-01-01 a 0");
    CHECK_OK(db, crm_begin(db));
    char e[CRM_ID_LEN + 1];
    add(db, jane, "e", 1, 0, 1, 1, 0, e);
    CHECK_STR(upcoming(db, 2026, 1, 1, 1), "2026-01-01 a 0, 2026-01-01 e 0");
    /* A failing call inside the group undoes only itself. */
    EXPECT_FAILS(db, crm_occasion_remove(db, TEST_UNKNOWN_ID), CRM_ENOTFOUND, "no occasion", NULL);
    CHECK_OK(db, crm_occasion_remove(db, e));
    CHECK_OK(db, crm_commit(db));
    CHECK_STR(upcoming(db, 2026, 1, 1, 1), "2026-01-01 a 0");
    crm_close(db);
}

TEST(read_only_handle)
{
    char path[512], jane[CRM_ID_LEN + 1], oid[CRM_ID_LEN + 1], buf[4096];
    crm_db *db = test_open_file(path, sizeof path);
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", jane);
    add(db, jane, "birthday", 1, 1990, 5, 17, 7, oid);
    CHECK_OK(db, crm_close(db));

    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = CRM_OPEN_READONLY;
    db = NULL;
    CHECK_OK(NULL, crm_open(&db, path, &o));
    crm_occasion_spec s = spec(jane, "x", 1, 0, 6, 1, 0);
    crm_occasion *rec = POISON(crm_occasion);
    EXPECT_FAILS(db, crm_occasion_add(&rec, db, &s), CRM_EREADONLY, "read-only", NULL);
    CHECK(rec == POISON(crm_occasion));
    EXPECT_FAILS(db, crm_occasion_add(NULL, db, &s), CRM_EREADONLY, "read-only", NULL);
    EXPECT_FAILS(db, crm_occasion_remove(db, oid), CRM_EREADONLY, "read-only", NULL);
    /* Reading works. */
    CHECK_OK(db, crm_occasion_get(&rec, db, oid));
    CHECK_STR(crm_occasion_kind(rec), "birthday");
    crm_occasion_free(rec);
    CHECK_OK(db, list_text(db, jane, buf, sizeof buf));
    CHECK_STR(buf, "birthday 1 1990-5-17 7 -");
    CHECK_STR(upcoming(db, 2026, 5, 10, 1), "2026-05-17 birthday 36");
    CHECK_OK(db, crm_close(db));
    test_remove_db(path);
}

/* ---- out of memory ------------------------------------------------------------------ */

/* After a failed call no transaction may be left open: a new one starts. */
static int no_transaction_left(crm_db *db)
{
    if (crm_in_transaction(db) || crm_begin(db) != CRM_OK)
        return 0;
    return crm_rollback(db) == CRM_OK;
}

enum op { OP_ADD, OP_ADD_NO_OUT, OP_REMOVE, OP_GET, OP_LIST, OP_UPCOMING, OP_NEW_YEAR };
static const char *const op_names[] = { "add",  "add without out", "remove",  "get",
                                        "list", "upcoming",        "new year" };

/* Run one call; on success *text says what it returned. */
static int run_op(enum op op, crm_db *db, const char *cid, const char *oid, char *text,
                  size_t size, int *wrote)
{
    int rc = CRM_ERROR;
    *wrote = 0;
    text[0] = '\0';
    switch (op) {
    case OP_ADD:
    case OP_ADD_NO_OUT: {
        crm_occasion_spec s = spec(cid, "renewal", 0, 2026, 12, 3, 30);
        s.note = "the big one";
        crm_occasion *o = POISON(crm_occasion);
        rc = crm_occasion_add(op == OP_ADD ? &o : NULL, db, &s);
        *wrote = o != POISON(crm_occasion);
        if (rc == CRM_OK && op == OP_ADD) {
            show(o, text, size);
            crm_occasion_free(o);
        }
        break;
    }
    case OP_REMOVE:
        rc = crm_occasion_remove(db, oid);
        break;
    case OP_GET: {
        crm_occasion *o = POISON(crm_occasion);
        rc = crm_occasion_get(&o, db, oid);
        *wrote = o != POISON(crm_occasion);
        if (rc == CRM_OK) {
            show(o, text, size);
            crm_occasion_free(o);
        }
        break;
    }
    case OP_LIST:
        rc = list_text(db, cid, text, size);
        break;
    case OP_UPCOMING:
        rc = upcoming_text(db, 2026, 12, 1, 365, text, size);
        *wrote = rc == CRM_ERROR; /* the cursor was written on failure */
        break;
    case OP_NEW_YEAR:
        rc = upcoming_text(db, 2026, 12, 20, 21, text, size);
        *wrote = rc == CRM_ERROR;
        break;
    }
    return rc;
}

/* Each call, failed at its N-th allocation for N = 0, 1, ... until it
 * succeeds: a clean ENOMEM, its out-param alone, the database as it was,
 * no transaction left open; then the same result as without failures. */
TEST(every_allocation_can_fail)
{
    CHECK_INT(crm_config_allocator(&test_failing_allocator), CRM_OK);
    crm_db *db = test_open_memory();
    char cid[CRM_ID_LEN + 1], oid[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", cid);
    add(db, cid, "birthday", 1, 1990, 12, 17, 7, oid);
    add(db, cid, "leap", 1, 0, 2, 29, 0, NULL);
    for (int i = 0; i < 40; i++) /* enough rows that the arrays grow */
        add(db, cid, "many", 1, 0, 1 + i % 12, 1 + i % 28, i, NULL);
    add(db, cid, "gone", 0, 2027, 1, 1, 0, other);
    static const enum op ops[] = { OP_GET, OP_LIST, OP_UPCOMING, OP_NEW_YEAR,
                                   OP_ADD_NO_OUT, OP_ADD, OP_REMOVE };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        enum op op = ops[k];
        const char *target = op == OP_REMOVE ? other : oid;
        static char want[16384], got[16384];
        int wrote;
        /* What the call gives without failures (a write: undone). The
         * writes that give nothing back go without, so that their first
         * statements are still to be prepared and can fail. */
        if (op == OP_ADD_NO_OUT || op == OP_REMOVE) {
            want[0] = '\0';
        } else if (op == OP_ADD) {
            CHECK_OK(db, crm_begin(db));
            CHECK_OK(db, run_op(op, db, cid, target, want, sizeof want, &wrote));
            CHECK_OK(db, crm_rollback(db));
        } else {
            CHECK_OK(db, run_op(op, db, cid, target, want, sizeof want, &wrote));
        }
        char before[DUMP_SIZE], after[DUMP_SIZE];
        dump(db, before, sizeof before);
        int rc = CRM_ENOMEM;
        long n = 0;
        for (; n < 1000; n++) {
            test_alloc_countdown = n;
            rc = run_op(op, db, cid, target, got, sizeof got, &wrote);
            test_alloc_countdown = -1;
            if (rc == CRM_OK)
                break;
            if (rc != CRM_ENOMEM || wrote || crm_errcode(db) != CRM_ENOMEM)
                fprintf(stderr, "%s, allocation %ld failed: %s (%s), out %s\n", op_names[op],
                        n + 1, crm_errname(rc), crm_errmsg(db), wrote ? "written" : "untouched");
            CHECK_INT(rc, CRM_ENOMEM);
            CHECK(!wrote);
            CHECK(no_transaction_left(db));
            dump(db, after, sizeof after);
            CHECK_STR(after, before);
        }
        if (rc != CRM_OK)
            fprintf(stderr, "%s: %s\n", op_names[op], crm_errmsg(db));
        CHECK_OK(db, rc);
        if (n == 0)
            fprintf(stderr, "%s never failed\n", op_names[op]);
        CHECK(n > 0); /* it did allocate, so it did fail */
        if (op == OP_ADD_NO_OUT || op == OP_REMOVE) {
            dump(db, after, sizeof after);
            CHECK(strcmp(after, before) != 0);
        } else {
            CHECK_STR(got, want);
        }
    }
    CHECK_OK(db, crm_close(db));
    CHECK_INT(crm_config_allocator(NULL), CRM_OK);
}

int main(void)
{
    RUN(add_one_off);
    RUN(add_yearly);
    RUN(add_without_out_and_any_kind);
    RUN(valid_dates);
    RUN(list_by_month_and_day);
    RUN(remove_occasion);
    RUN(dup_and_accessors);
    RUN(bad_dates);
    RUN(lead_bounds);
    RUN(bad_spec_and_strings);
    RUN(bad_ids_get_remove_list);
    RUN(null_db);
    RUN(null_out);
    RUN(date_functions);
    RUN(upcoming_birthday_years);
    RUN(upcoming_local_date);
    RUN(upcoming_leap_day);
    RUN(upcoming_over_new_year);
    RUN(upcoming_lead_days);
    RUN(upcoming_one_off);
    RUN(upcoming_before_1970);
    RUN(upcoming_several_years);
    RUN(upcoming_order);
    RUN(upcoming_bad_windows);
    RUN(upcoming_matches_counting);
    RUN(close_with_open_cursors);
    RUN(cursors_and_writes_interleave);
    RUN(read_only_handle);
    RUN(every_allocation_can_fail);
    return test_summary();
}
