/*
 * The rules of docs/api.md that a call can be tried against: every enum
 * has a _name/_parse pair that round-trips and refuses other words with a
 * message; calls without a handle leave a message too (the _dup calls,
 * crm_open_options_init); the schema version comes back through out.
 */
#include "test.h"

/* One enum: its words in value order, from `first`; names outside it are
 * NULL; each word parses back; other words and NULLs are refused with a
 * message naming the call, and *out is left alone. */
typedef const char *(*name_fn)(int);
typedef int (*parse_fn)(int *, const char *);

#define ENUM_CASE(type, prefix)                                                              \
    static const char *prefix##_n(int v) { return prefix##_name((type)v); }                 \
    static int prefix##_p(int *out, const char *w)                                           \
    {                                                                                        \
        type v = out ? (type)*out : (type)0;                                                 \
        int rc = prefix##_parse(out ? &v : NULL, w);                                         \
        if (out)                                                                             \
            *out = (int)v;                                                                   \
        return rc;                                                                           \
    }

ENUM_CASE(crm_customer_kind_t, crm_customer_kind)
ENUM_CASE(crm_archived_filter_t, crm_archived_filter)
ENUM_CASE(crm_customer_order_t, crm_customer_order)
ENUM_CASE(crm_durability_t, crm_durability)
ENUM_CASE(crm_channel_t, crm_channel)
ENUM_CASE(crm_direction_t, crm_direction)
ENUM_CASE(crm_outcome_t, crm_outcome)
ENUM_CASE(crm_promise_state_t, crm_promise_state)
ENUM_CASE(crm_promise_event_kind_t, crm_promise_event_kind)
ENUM_CASE(crm_json_type_t, crm_json_type)

static int round_trip(const char *call, name_fn name, parse_fn parse, int first,
                      const char *const *words, int n)
{
    int ok = 1;
    for (int i = 0; i < n; i++) {
        int v = -99;
        const char *w = name(first + i);
        if (!w || strcmp(w, words[i]) != 0 || parse(&v, words[i]) != CRM_OK || v != first + i) {
            fprintf(stderr, "%s: value %d is '%s', parses to %d\n", call, first + i,
                    w ? w : "(null)", v);
            ok = 0;
        }
    }
    if (name(first - 1) != NULL || name(first + n) != NULL) {
        fprintf(stderr, "%s: a value outside the enum has a name\n", call);
        ok = 0;
    }
    static const char *const bad[] = { "", "nonsense", "\xff", NULL };
    for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
        int v = 12345;
        if (parse(&v, bad[b]) != CRM_EINVAL || v != 12345 || !strstr(crm_errmsg(NULL), call)) {
            fprintf(stderr, "%s: '%s' gave %d (%s)\n", call, bad[b] ? bad[b] : "(null)", v,
                    crm_errmsg(NULL));
            ok = 0;
        }
    }
    if (parse(NULL, words[0]) != CRM_EINVAL || !strstr(crm_errmsg(NULL), "out is NULL")) {
        fprintf(stderr, "%s: NULL out gave '%s'\n", call, crm_errmsg(NULL));
        ok = 0;
    }
    return ok;
}

#define ROUND_TRIP(prefix, first, ...)                                                       \
    do {                                                                                     \
        static const char *const w_[] = { __VA_ARGS__ };                                     \
        CHECK(round_trip(#prefix "_parse", prefix##_n, prefix##_p, first, w_,                \
                         (int)(sizeof w_ / sizeof w_[0])));                                  \
    } while (0)

TEST(every_enum_has_a_name_and_a_parse)
{
    ROUND_TRIP(crm_customer_kind, CRM_CUSTOMER_PERSON, "person", "organisation");
    ROUND_TRIP(crm_archived_filter, CRM_ARCHIVED_EXCLUDE, "exclude", "include", "only");
    ROUND_TRIP(crm_customer_order, CRM_ORDER_CREATED, "created", "name");
    ROUND_TRIP(crm_durability, CRM_DURABILITY_FULL, "full", "normal");
    ROUND_TRIP(crm_direction, CRM_DIRECTION_IN, "in", "out");
    ROUND_TRIP(crm_promise_state, CRM_PROMISE_OPEN, "open", "kept", "broken", "released");
    ROUND_TRIP(crm_promise_event_kind, CRM_PROMISE_EVENT_MADE, "made", "renegotiated", "kept",
               "broken", "released");
    ROUND_TRIP(crm_json_type, CRM_JSON_NULL, "null", "true", "false", "integer", "real", "text",
               "array", "object");
    /* Channels and outcomes have more words; their first ones will do. */
    int v = 0;
    CHECK_INT(crm_channel_p(&v, crm_channel_n(CRM_CHANNEL_PHONE)), CRM_OK);
    CHECK_INT(v, CRM_CHANNEL_PHONE);
    CHECK_INT(crm_outcome_p(&v, crm_outcome_n(CRM_OUTCOME_RESOLVED)), CRM_OK);
    CHECK_INT(v, CRM_OUTCOME_RESOLVED);
    /* States and history events are named apart. */
    CHECK(CRM_PROMISE_EVENT_KEPT != 0 && CRM_PROMISE_KEPT != 0);
    CHECK_STR(crm_promise_state_name(CRM_PROMISE_KEPT), "kept");
    CHECK_STR(crm_promise_event_kind_name(CRM_PROMISE_EVENT_KEPT), "kept");
}

TEST(calls_without_a_handle_say_why)
{
    crm_open_options o;
    CHECK_INT(crm_open_options_init(NULL, CRM_OPEN_OPTIONS_VERSION), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_open_options_init: opts is NULL");
    CHECK_INT(crm_open_options_init(&o, 99), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "version 99");
    CHECK_INT(crm_open_options_init(&o, CRM_OPEN_OPTIONS_VERSION), CRM_OK);

    crm_db *db = test_open_memory();
    char id[CRM_ID_LEN + 1];
    test_customer(db, CRM_CUSTOMER_PERSON, "Ann", id);
    crm_customer *c = NULL, *copy = NULL;
    CHECK_INT(crm_customer_get(&c, db, id), CRM_OK);
    CHECK_INT(crm_customer_dup(NULL, c), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_customer_dup: out is NULL");
    CHECK_INT(crm_customer_dup(&copy, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_customer_dup: the customer is NULL");
    CHECK(copy == NULL);
    CHECK_INT(crm_customer_dup(&copy, c), CRM_OK);
    CHECK_STR(crm_customer_name(copy), "Ann");
    crm_identity *ident = NULL;
    CHECK_INT(crm_identity_dup(&ident, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_identity_dup: the identity is NULL");
    crm_interaction *it = NULL;
    CHECK_INT(crm_interaction_dup(&it, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_interaction_dup: the interaction is NULL");
    crm_promise *p = NULL;
    CHECK_INT(crm_promise_dup(&p, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_promise_dup: the promise is NULL");
    crm_occasion *oc = NULL;
    CHECK_INT(crm_occasion_dup(&oc, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_occasion_dup: the occasion is NULL");
    crm_customer_free(copy);
    crm_customer_free(c);
    crm_close(db);
}

TEST(schema_version_comes_through_out)
{
    crm_db *db = test_open_memory();
    int v = -7;
    CHECK_INT(crm_schema_version(&v, db), CRM_OK);
    CHECK_INT(v, crm_schema_version_max());
    CHECK(v >= 2);
    v = -7;
    CHECK_INT(crm_schema_version(NULL, db), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(db), "NULL");
    CHECK_INT(crm_schema_version(&v, NULL), CRM_EINVAL);
    CHECK_CONTAINS(crm_errmsg(NULL), "crm_schema_version: the database handle is NULL");
    CHECK_INT(v, -7);
    crm_close(db);
}

int main(void)
{
    RUN(every_enum_has_a_name_and_a_parse);
    RUN(calls_without_a_handle_say_why);
    RUN(schema_version_comes_through_out);
    return test_summary();
}
