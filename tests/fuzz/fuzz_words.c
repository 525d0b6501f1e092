/*
 * The word parsers: customer kind, channel, direction, outcome and promise
 * state, record kind, as the bindings and crmctl hand them user text.
 *
 * Properties: a word is accepted or refused with CRM_EINVAL and a message;
 * an accepted word names a value whose name parses back to that value.
 */
#include <crm.h>

#include "fuzz.h"

#define ROUND_TRIP(type, parse, name, text)                                           \
    do {                                                                              \
        type v_;                                                                      \
        int rc_ = parse(&v_, text);                                                   \
        if (rc_ == CRM_OK) {                                                          \
            const char *n_ = name(v_);                                                \
            type w_;                                                                  \
            FUZZ_ASSERT(n_ && parse(&w_, n_) == CRM_OK && w_ == v_,                   \
                        #parse "('%s') gave %d, named '%s'", text, (int)v_,           \
                        n_ ? n_ : "(null)");                                          \
        } else {                                                                      \
            const char *m_ = crm_errmsg(NULL);                                        \
            FUZZ_ASSERT(rc_ == CRM_EINVAL && m_ && *m_, #parse "('%s') gave %s", text, \
                        crm_errname(rc_));                                            \
        }                                                                             \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_cstr(data, size);
    if (!text)
        return 0;
    ROUND_TRIP(crm_customer_kind_t, crm_customer_kind_parse, crm_customer_kind_name, text);
    ROUND_TRIP(crm_channel_t, crm_channel_parse, crm_channel_name, text);
    ROUND_TRIP(crm_direction_t, crm_direction_parse, crm_direction_name, text);
    ROUND_TRIP(crm_outcome_t, crm_outcome_parse, crm_outcome_name, text);
    ROUND_TRIP(crm_promise_state_t, crm_promise_state_parse, crm_promise_state_name, text);
    ROUND_TRIP(crm_record_t, crm_record_parse, crm_record_name, text);
    free(text);
    return 0;
}
