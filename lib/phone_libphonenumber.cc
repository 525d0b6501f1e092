/*
 * libcrm - phone numbers to E.164 with libphonenumber. The only C++ in the
 * library; it speaks C to the rest (lib/internal.h).
 */
#include <phonenumbers/phonenumberutil.h>

#include <cstring>
#include <new>
#include <string>

#include "phone.h"

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

extern "C" int crm__phone_e164(char out[CRM__E164_SIZE], const char *input, const char *region)
{
    try {
        const PhoneNumberUtil *util = PhoneNumberUtil::GetInstance();
        PhoneNumber number;
        /* "ZZ" is libphonenumber's unknown region: only +-prefixed input parses. */
        std::string reg = (region && *region) ? region : "ZZ";
        PhoneNumberUtil::ErrorType err = util->Parse(input, reg, &number);
        if (err == PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR && reg == "ZZ")
            return CRM__PHONE_NEEDS_REGION;
        if (err != PhoneNumberUtil::NO_PARSING_ERROR)
            return CRM__PHONE_INVALID;
        /* Possible, not valid: a number of the right length for its country
         * is accepted even if its range is not (yet) allocated. A local
         * number without its area code (IS_POSSIBLE_LOCAL_ONLY) is refused:
         * it has no E.164 form, and "+1" and its digits would be the key of
         * the same digits in every area code. */
        if (util->IsPossibleNumberWithReason(number) != PhoneNumberUtil::IS_POSSIBLE)
            return CRM__PHONE_INVALID;
        std::string e164;
        util->Format(number, PhoneNumberUtil::E164, &e164);
        if (e164.size() + 1 > CRM__E164_SIZE)
            return CRM__PHONE_INVALID;
        /* A key must be its own key, or the number typed in E.164 on another
         * channel would not find it. Reading an E.164 form strips what looks
         * like a national or carrier prefix after the country code, so a few
         * national numbers have an E.164 form that is another number:
         * "0001376097768" in IN gives +91001376097768, which reads as
         * +9101376097768; "0183114730" in AU gives +61183114730, whose 1831
         * is a carrier code, so it reads as +6114730. Refuse those. A North
         * American key is known to read as itself (crm__phone_e164_fast in
         * internal.h says why) and is not read again: that second parse
         * would double the cost of every national number typed in NANP. */
        char nanp[CRM__E164_SIZE];
        if (!crm__phone_e164_fast(nanp, e164.c_str())) {
            PhoneNumber again;
            std::string e164_again;
            if (util->Parse(e164, "ZZ", &again) != PhoneNumberUtil::NO_PARSING_ERROR)
                return CRM__PHONE_INVALID;
            util->Format(again, PhoneNumberUtil::E164, &e164_again);
            if (e164_again != e164)
                return CRM__PHONE_INVALID;
        }
        std::memcpy(out, e164.c_str(), e164.size() + 1);
        return CRM__PHONE_OK;
    } catch (const std::bad_alloc &) {
        return CRM__PHONE_NOMEM;
    } catch (...) {
        return CRM__PHONE_INVALID;
    }
}

extern "C" bool crm__phone_region_known(const char *region)
{
    try {
        return PhoneNumberUtil::GetInstance()->GetCountryCodeForRegion(region) != 0;
    } catch (...) {
        return false;
    }
}

extern "C" const char *crm__phone_backend(void)
{
    return "libphonenumber";
}
