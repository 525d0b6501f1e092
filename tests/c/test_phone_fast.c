/*
 * libcrm tests - the fast path for North American numbers given as their
 * E.164 key, bare or spelled with separators
 * (crm__phone_e164_fast in lib/phone.h). Wherever it answers, it must
 * answer what the normaliser libcrm is built with answers, in every default
 * country: that normaliser is compiled into this test and called directly
 * (tests/c/test_phone_fast.cmake). Through the public API, a key normalises
 * to itself and looking it up finds what every other spelling finds.
 */
#include "test.h"

#include "phone.h"

static const char *const regions[] = { "US", "CA", "GB", "DE", "JP", "", NULL };

/* The fast path takes input; the normaliser agrees in every region (or,
 * with all_regions 0, in the first and without one). */
static void check_same(const char *input, int all_regions)
{
    char fast[CRM__E164_SIZE] = "", ref[CRM__E164_SIZE] = "";
    if (!crm__phone_e164_fast(fast, input)) {
        fprintf(stderr, "'%s': the fast path refused it\n", input);
        CHECK(0);
    }
    CHECK_STR(fast, input);
    for (int r = 0; regions[r]; r++) {
        if (!all_regions && r != 0 && regions[r][0])
            continue;
        int rc = crm__phone_e164(ref, input, regions[r]);
        if (rc != CRM__PHONE_OK || strcmp(ref, fast) != 0)
            fprintf(stderr, "'%s' in '%s': %s gives rc %d '%s', the fast path '%s'\n", input,
                    regions[r], crm__phone_backend(), rc, rc == CRM__PHONE_OK ? ref : "", fast);
        CHECK_INT(rc, CRM__PHONE_OK);
        CHECK_STR(ref, fast);
    }
}

/* The fast path leaves input to the normaliser, and out alone. */
static void check_refused(const char *input)
{
    char out[CRM__E164_SIZE] = "untouched";
    if (crm__phone_e164_fast(out, input))
        fprintf(stderr, "'%s': the fast path took it as '%s'\n", input, out);
    CHECK(!crm__phone_e164_fast(out, input));
    CHECK_STR(out, "untouched");
}

static uint64_t rng_state = 0x2545f4914f6cdd1du;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

TEST(every_area_code)
{
    /* Every area code, with exchanges and lines at the edges of their
     * ranges (000, 011, 1xx, 555, 911, 999) and at random; the first of
     * each in every region (the default country must not matter). */
    static const unsigned exchanges[] = { 0, 11, 100, 199, 555, 911, 999 };
    char in[32];
    for (unsigned area = 200; area <= 999; area++) {
        for (int k = 0; k < 3; k++) {
            unsigned ex = k < 2 ? exchanges[rnd(7)] : rnd(1000), line = rnd(10000);
            if (k == 0)
                line = area % 2 ? 0 : 9999;
            snprintf(in, sizeof in, "+1%03u%03u%04u", area, ex, line);
            check_same(in, k == 0);
            if (test_current_failed)
                return;
        }
    }
}

TEST(refuses_the_rest)
{
    static const char *const refused[] = {
        "", "+", "+1", "1", "14155550100", "+14155550100 ", " +14155550100",
        "+1415555010", "+141555501000", "+1415555010x", "++14155550100",
        "+10155550100", "+11155550100", "+1a155550100", "+24155550100", "+44415555010",
        "+4915112345678", "+1415555\xef\xbc\x90" "100", "+14155550100\n",
        "+1 415 555 0100 ", "+1 (415) 555-0100)", "+1 415/555/0100", "+1 415 555 01000",
        "+1 (115) 555-0100", "+1 015 555 0100", "+ 1 415 555 0100", "+1 415\t555 0100",
        "+1 415 555 010", "+1 415_555_0100", "+1 415                   555 0100",
        NULL,
    };
    for (int i = 0; refused[i]; i++) {
        check_refused(refused[i]);
        if (test_current_failed)
            return;
    }
}

/* A key spelled with separators: the fast path gives the key, and so does
 * the normaliser, in every region. */
static void check_spelled(const char *input, const char *key)
{
    char fast[CRM__E164_SIZE] = "", ref[CRM__E164_SIZE] = "";
    if (!crm__phone_e164_fast(fast, input)) {
        fprintf(stderr, "'%s': the fast path refused it\n", input);
        CHECK(0);
        return;
    }
    CHECK_STR(fast, key);
    for (int r = 0; regions[r]; r++) {
        int rc = crm__phone_e164(ref, input, regions[r]);
        if (rc != CRM__PHONE_OK || strcmp(ref, key) != 0)
            fprintf(stderr, "'%s' in '%s': %s gives rc %d '%s', the fast path '%s'\n", input,
                    regions[r], crm__phone_backend(), rc, rc == CRM__PHONE_OK ? ref : "", fast);
        CHECK_INT(rc, CRM__PHONE_OK);
        CHECK_STR(ref, key);
    }
}

TEST(every_spelling)
{
    /* The spellings of lists and forms, then random separators between
     * random digits: wherever the fast path answers, the normaliser
     * agrees. */
    static const char *const forms[] = { "+1 %.3s %.3s %.4s",   "+1 (%.3s) %.3s-%.4s",
                                         "+1-%.3s-%.3s-%.4s",   "+1.%.3s.%.3s.%.4s",
                                         "+1 %.3s-%.3s-%.4s",   "+1(%.3s)%.3s-%.4s",
                                         "+1 %.3s %.3s%.4s",    "+1%.3s %.3s %.4s" };
    static const char seps[] = " -.()";
    char digits[11], key[13], in[40];
    for (int i = 0; i < 4000; i++) {
        digits[0] = (char)('2' + rnd(8));
        for (int k = 1; k < 10; k++)
            digits[k] = (char)('0' + rnd(10));
        digits[10] = '\0';
        snprintf(key, sizeof key, "+1%s", digits);
        if (i % 2 == 0) {
            snprintf(in, sizeof in, forms[rnd(8)], digits, digits + 3, digits + 6);
        } else {
            size_t n = 0;
            in[n++] = '+';
            in[n++] = '1';
            for (int k = 0; k < 10; k++) {
                for (unsigned s = rnd(3); s > 0 && n < 28; s--)
                    if (rnd(2))
                        in[n++] = seps[rnd(5)];
                in[n++] = digits[k];
            }
            in[n] = '\0';
        }
        check_spelled(in, key);
        if (test_current_failed)
            return;
    }
}

TEST(key_normalises_to_itself)
{
    /* What libcrm stores for any spelling is a key that normalises to itself. */
    static const char *const spellings[] = {
        "(415) 555-0100", "+1 415 555 0101", "1-212-555-0102", "011 1 312 555 0103",
        "905.555.0104",   " 800 555 0105 ",  "+1 (917) 555-0106", NULL,
    };
    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", id);
    for (int i = 0; spellings[i]; i++) {
        crm_identity *rec = NULL;
        char *again = NULL;
        CHECK_OK(db, crm_identity_add(&rec, db, id, "phone", spellings[i], 0));
        /* Through the API (the fast path) and through the normaliser itself. */
        char ref[CRM__E164_SIZE] = "";
        int rc = crm_identity_normalise(&again, db, "phone", crm_identity_key(rec));
        int ref_rc = crm__phone_e164(ref, crm_identity_key(rec), "US");
        int same = rc == CRM_OK && strcmp(again, crm_identity_key(rec)) == 0 &&
                   ref_rc == CRM__PHONE_OK && strcmp(ref, crm_identity_key(rec)) == 0;
        if (!same)
            fprintf(stderr, "'%s' is stored as '%s', which normalises to '%s' (rc %d), and "
                            "'%s' (rc %d) by %s\n",
                    spellings[i], crm_identity_key(rec), rc == CRM_OK ? again : "", rc,
                    ref, ref_rc, crm__phone_backend());
        crm_free(again);
        crm_identity_free(rec);
        CHECK(same);
    }
    crm_close(db);
}

TEST(lookup_by_key_finds_what_other_spellings_find)
{
    crm_db *db = test_open_memory();
    char a[CRM_ID_LEN + 1], b[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Jane Doe", a);
    test_customer(db, CRM_CUSTOMER_ORGANISATION, "Acme", b);
    CHECK_OK(db, crm_identity_add(NULL, db, a, "phone", "(415) 555-0100", CRM_IDENTITY_PRIMARY));
    CHECK_OK(db, crm_identity_add(NULL, db, b, "phone", "+1 212 555 0199", 0));
    test_check_finds(db, "phone", "+14155550100", a);
    test_check_finds(db, "phone", "415-555-0100", a);
    test_check_finds(db, "phone", "+12125550199", b);
    test_check_finds(db, "phone", "(212) 555-0199", b);
    if (test_current_failed)
        return;

    /* The same record either way. */
    crm_customer *fast = NULL, *slow = NULL;
    CHECK_OK(db, crm_identity_lookup(&fast, db, "phone", "+14155550100"));
    CHECK_OK(db, crm_identity_lookup(&slow, db, "phone", "1 (415) 555-0100"));
    int same = strcmp(crm_customer_id(fast), crm_customer_id(slow)) == 0 &&
               strcmp(crm_customer_name(fast), crm_customer_name(slow)) == 0 &&
               crm_customer_kind(fast) == crm_customer_kind(slow) &&
               crm_customer_created_at(fast) == crm_customer_created_at(slow) &&
               crm_customer_updated_at(fast) == crm_customer_updated_at(slow) &&
               crm_customer_is_archived(fast) == crm_customer_is_archived(slow);
    crm_customer_free(fast);
    crm_customer_free(slow);
    CHECK(same);

    /* A key nobody has: the same code and message as any other spelling. */
    crm_customer *c = NULL;
    CHECK_RC(db, crm_identity_lookup(&c, db, "phone", "+13125550123"), CRM_ENOTFOUND);
    char msg[256];
    snprintf(msg, sizeof msg, "%s", crm_errmsg(db));
    CHECK_RC(db, crm_identity_lookup(&c, db, "phone", "(312) 555-0123"), CRM_ENOTFOUND);
    CHECK_STR(crm_errmsg(db), msg);
    CHECK_CONTAINS(msg, "+13125550123");

    /* Adding a key that exists is refused as any spelling of it is. */
    CHECK_RC(db, crm_identity_add(NULL, db, b, "phone", "+14155550100", 0), CRM_EEXISTS);
    CHECK_STR(crm_conflict_id(db), a);
    CHECK_FAILS(db, crm_identity_add(NULL, db, b, "phone", "+14155550100", 0), CRM_EEXISTS,
                "+14155550100");
    crm_close(db);
}

TEST(without_default_country)
{
    /* The fast path needs no country; national numbers still do. */
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    crm_db *db = NULL;
    CHECK_OK(db, crm_open(&db, ":memory:", &o));
    char *key = NULL;
    CHECK_OK(db, crm_identity_normalise(&key, db, "phone", "+14155550100"));
    CHECK_STR(key, "+14155550100");
    crm_free(key);
    CHECK_FAILS(db, crm_identity_normalise(&key, db, "phone", "(415) 555-0100"), CRM_EINVAL,
                "default country");
    crm_close(db);
}

int main(void)
{
    RUN(every_area_code);
    RUN(refuses_the_rest);
    RUN(every_spelling);
    RUN(key_normalises_to_itself);
    RUN(lookup_by_key_finds_what_other_spellings_find);
    RUN(without_default_country);
    return test_summary();
}
