/*
 * libcrm tests - the built-in phone normaliser (lib/phone_builtin.c), the
 * one used when libcrm is built with CRM_WITH_LIBPHONENUMBER=OFF. It is
 * compiled into this test and called directly (tests/c/test_phone_builtin.cmake).
 */
#include "test.h"

#include "phone.h"

#define SENTINEL "untouched"

/* input in region gives e164. */
static void check_ok(const char *input, const char *region, const char *e164)
{
    char out[CRM__E164_SIZE] = SENTINEL;
    int rc = crm__phone_e164(out, input, region);
    if (rc != CRM__PHONE_OK || strcmp(out, e164) != 0)
        fprintf(stderr, "'%s' in %s: rc %d, '%s', expected '%s'\n", input,
                region ? region : "(none)", rc, rc == CRM__PHONE_OK ? out : "", e164);
    CHECK_INT(rc, CRM__PHONE_OK);
    CHECK_STR(out, e164);
}

/* input in region fails with code, and out is left alone. */
static void check_fails(const char *input, const char *region, int code)
{
    char out[CRM__E164_SIZE] = SENTINEL;
    int rc = crm__phone_e164(out, input, region);
    if (rc != code)
        fprintf(stderr, "'%s' in %s: rc %d ('%s'), expected %d\n", input,
                region ? region : "(none)", rc, rc == CRM__PHONE_OK ? out : "", code);
    CHECK_INT(rc, code);
    CHECK_STR(out, SENTINEL);
}

#define OK(input, region, e164)             \
    do {                                    \
        check_ok((input), (region), (e164)); \
        if (test_current_failed)            \
            return;                         \
    } while (0)

#define FAILS(input, region, code)             \
    do {                                       \
        check_fails((input), (region), (code)); \
        if (test_current_failed)               \
            return;                            \
    } while (0)

TEST(is_the_builtin_one)
{
    /* The test calls the copy compiled into it, not the library's. */
    CHECK_STR(crm__phone_backend(), "builtin");
}

TEST(regions)
{
    static const char *const known[] = { "US", "CA", "GB", "DE", "FR", "JP", "AU", "AR", NULL };
    for (int i = 0; known[i]; i++)
        CHECK(crm__phone_region_known(known[i]));
    static const char *const unknown[] = { "XX", "ZZ", "us", "De", "", "USA", "U", "U1", NULL };
    for (int i = 0; unknown[i]; i++)
        CHECK(!crm__phone_region_known(unknown[i]));
    CHECK(!crm__phone_region_known(NULL));
}

TEST(us_forms)
{
    OK("+1 (415) 555-0100", "US", "+14155550100");
    OK("(415) 555-0100", "US", "+14155550100");
    OK("1-415-555-0100", "US", "+14155550100");
    OK("011 1 415 555 0100", "US", "+14155550100");
    OK("415.555.0100", "US", "+14155550100");
    OK("415/555/0100", "US", "+14155550100");
    OK(" 415 555 0100 ", "US", "+14155550100");
    OK("+14155550100", "US", "+14155550100");
    OK("(+1) 415 555 0100", "US", "+14155550100");
    /* Canada shares the plan. */
    OK("(613) 555-0100", "CA", "+16135550100");
}

TEST(de_forms)
{
    OK("0044 20 7946 0958", "DE", "+442079460958");
    OK("030 123456", "DE", "+4930123456");
    OK("(030) 12 34 56", "DE", "+4930123456");
    OK("0049 30 123456", "DE", "+4930123456");
    OK("+49 30 123456", "DE", "+4930123456");
    OK("001 415 555 0100", "DE", "+14155550100");
}

TEST(international_in_any_region)
{
    OK("+49 30 123456", NULL, "+4930123456");
    OK("+49 30 123456", "", "+4930123456");
    OK("+49 30 123456", "US", "+4930123456");
    OK("+49 30 123456", "XX", "+4930123456");
    OK("+44 20 7946 0958", NULL, "+442079460958");
    OK("+1 415 555 0100", NULL, "+14155550100");
}

TEST(other_prefixes)
{
    /* International prefixes longer than two digits, trunk prefixes or none. */
    OK("010 1 415 555 0100", "JP", "+14155550100");
    OK("03-1234-5678", "JP", "+81312345678");
    OK("0011 44 20 7946 0958", "AU", "+442079460958");
    OK("02 9876 5432", "AU", "+61298765432");
    OK("06 1234 5678", "IT", "+390612345678"); /* Italy keeps its 0 */
    OK("20 7946 0958", "GB", "+442079460958"); /* trunk prefix is optional */
}

TEST(nanp_lengths)
{
    OK("4155550100", "US", "+14155550100");  /* 10 digits */
    OK("14155550100", "US", "+14155550100"); /* 11 with the trunk 1 */
    FAILS("24155550100", "US", CRM__PHONE_INVALID); /* 11 without it */
    FAILS("415555010", "US", CRM__PHONE_INVALID);   /* 9 */
    FAILS("415 555 01000", "US", CRM__PHONE_INVALID);
    FAILS("555 0100", "US", CRM__PHONE_INVALID); /* no area code */
    FAILS("115 555 0100", "US", CRM__PHONE_INVALID); /* area codes start 2-9 */
    FAILS("015 555 0100", "US", CRM__PHONE_INVALID);
    FAILS("1 015 555 0100", "US", CRM__PHONE_INVALID);
    FAILS("+1 415 555 010", "US", CRM__PHONE_INVALID);
    FAILS("+1 415 555 01000", NULL, CRM__PHONE_INVALID);
    FAILS("011 1 415 555 010", "US", CRM__PHONE_INVALID);
}

TEST(lengths)
{
    /* E.164: at most 15 digits; at least 7 here. */
    OK("+491234567890123", NULL, "+491234567890123"); /* 15 */
    FAILS("+4912345678901234", NULL, CRM__PHONE_INVALID); /* 16 */
    OK("+4412345", NULL, "+4412345"); /* 7 */
    FAILS("+441234", NULL, CRM__PHONE_INVALID); /* 6 */
    FAILS("+12", NULL, CRM__PHONE_INVALID);
    /* National: the calling code and the number within 15 digits. */
    OK("0 1234567890123", "DE", "+491234567890123");
    FAILS("0 12345678901234", "DE", CRM__PHONE_INVALID);
    OK("030 12345", "DE", "+493012345");
    FAILS("030", "DE", CRM__PHONE_INVALID);
    FAILS("0301", "DE", CRM__PHONE_INVALID);
    /* Longer than any buffer inside. */
    FAILS("123456789012345678901234567890", "DE", CRM__PHONE_INVALID);
    FAILS("+123456789012345678901234567890", NULL, CRM__PHONE_INVALID);
    FAILS("00 123456789012345678901234567890", "DE", CRM__PHONE_INVALID);
}

TEST(not_numbers)
{
    static const char *const bad[] = {
        "abc", "415-555-CALL", "+1 415 555 0100 x12", "+1 415 555 0100 ext. 12",
        "415_555_0100", "415,555,0100", "#415", "415*555", "\xc3\xa9", "", " ", "()", "-",
        "+", "+ ", "12", "0", NULL,
    };
    for (int i = 0; bad[i]; i++) {
        check_fails(bad[i], "US", CRM__PHONE_INVALID);
        if (test_current_failed)
            return;
    }
    FAILS("abc", NULL, CRM__PHONE_INVALID);
    FAILS("abc", "XX", CRM__PHONE_INVALID);
}

TEST(plus_signs)
{
    FAILS("++14155550100", "US", CRM__PHONE_INVALID);
    FAILS("+ +14155550100", NULL, CRM__PHONE_INVALID);
    FAILS("+1+4155550100", "US", CRM__PHONE_INVALID);
    FAILS("1+4155550100", "US", CRM__PHONE_INVALID);
    FAILS("14155550100+", "US", CRM__PHONE_INVALID);
    FAILS("+0 415 555 0100", NULL, CRM__PHONE_INVALID); /* no calling code starts 0 */
    FAILS("00 0 415 555 0100", "DE", CRM__PHONE_INVALID);
}

TEST(region_problems)
{
    FAILS("(415) 555-0100", "XX", CRM__PHONE_BAD_REGION);
    FAILS("(415) 555-0100", "ZZ", CRM__PHONE_BAD_REGION);
    FAILS("(415) 555-0100", "us", CRM__PHONE_BAD_REGION);
    FAILS("(415) 555-0100", NULL, CRM__PHONE_NEEDS_REGION);
    FAILS("(415) 555-0100", "", CRM__PHONE_NEEDS_REGION);
    FAILS("030 123456", NULL, CRM__PHONE_NEEDS_REGION);
}

int main(void)
{
    RUN(is_the_builtin_one);
    RUN(regions);
    RUN(us_forms);
    RUN(de_forms);
    RUN(international_in_any_region);
    RUN(other_prefixes);
    RUN(nanp_lengths);
    RUN(lengths);
    RUN(not_numbers);
    RUN(plus_signs);
    RUN(region_problems);
    return test_summary();
}
