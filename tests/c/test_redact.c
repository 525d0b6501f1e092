/*
 * CRM_OPEN_REDACT: messages keep ids, fields, codes and the reason, and
 * leave out every personal value a caller passed or the file holds. Each
 * failing call runs twice, on a handle without the option (its message
 * must show the value: the case really reaches it) and on one with it
 * (the value must be gone, and the rest of the message still useful).
 */
#include "test.h"

#define NAME "Jane Victim-Doe"
#define PHONE "+14155550100"
#define UNKNOWN_PHONE "+12125550199"

typedef struct fixture {
    crm_db *db;
    char jane[CRM_ID_LEN + 1], other[CRM_ID_LEN + 1], org[CRM_ID_LEN + 1];
} fixture;

typedef int (*call_fn)(fixture *f);

static int conflict(fixture *f)
{
    return crm_identity_add(NULL, f->db, f->other, "phone", PHONE, 0);
}
static int unknown_phone(fixture *f)
{
    crm_customer *c = NULL;
    return crm_identity_lookup(&c, f->db, "phone", UNKNOWN_PHONE);
}
static int bad_email(fixture *f)
{
    return crm_identity_add(NULL, f->db, f->other, "email", "jane.victim at example.com", 0);
}
static int bad_phone(fixture *f)
{
    return crm_identity_add(NULL, f->db, f->other, "phone", "jane victim's mobile", 0);
}
static int bad_social(fixture *f)
{
    return crm_identity_add(NULL, f->db, f->other, "social", "janevictim", 0);
}
static int bad_name(fixture *f)
{
    return crm_customer_create(NULL, f->db, CRM_CUSTOMER_PERSON, NAME "\x01");
}
static int long_name(fixture *f)
{
    char name[CRM_NAME_MAX + 40];
    memset(name, 'x', sizeof name - 1);
    memcpy(name, NAME, strlen(NAME));
    name[sizeof name - 1] = '\0';
    return crm_customer_rename(f->db, f->jane, name);
}
static int bad_summary(fixture *f)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = f->jane;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    s.summary = NAME " called\tabout her diagnosis";
    return crm_interaction_log(NULL, f->db, &s);
}
static int duplicate_ref(fixture *f)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = f->jane;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.external_ref = "<jane.victim-doe@example.com>";
    return crm_interaction_log(NULL, f->db, &s);
}
static int bad_attr(fixture *f)
{
    return crm_attr_set(f->db, f->jane, "diagnosis", NAME " \xff");
}
static int member_twice(fixture *f)
{
    return crm_member_add(f->db, f->org, f->jane, "role");
}
static int bad_note(fixture *f)
{
    return crm_promise_make(NULL, f->db, f->jane, NULL, "agent:bo", NAME "\x1b[2J", 1000,
                            CRM_TIME_NONE);
}

static const struct redact_case {
    const char *name;
    call_fn call;
    int code;
    const char *personal; /* what the plain message shows and the redacted one must not */
    const char *kept;     /* what both keep */
} cases[] = {
    { "identity conflict", conflict, CRM_EEXISTS, PHONE, "already belongs to customer" },
    { "identity conflict names the owner", conflict, CRM_EEXISTS, NAME, "phone identity" },
    { "unknown identity", unknown_phone, CRM_ENOTFOUND, UNKNOWN_PHONE, "no customer has phone" },
    { "not an e-mail address", bad_email, CRM_EINVAL, "jane.victim", "not an e-mail address" },
    { "not a phone number", bad_phone, CRM_EINVAL, "victim's mobile", "not a phone number" },
    { "not a social handle", bad_social, CRM_EINVAL, "janevictim", "not a social handle" },
    { "a control character in a name", bad_name, CRM_EINVAL, NAME, "control character" },
    { "a name too long", long_name, CRM_EINVAL, NAME, "more than the limit" },
    { "a summary with a tab", bad_summary, CRM_EINVAL, "diagnosis", "summary" },
    { "an external reference recorded already", duplicate_ref, CRM_EEXISTS, "jane.victim-doe",
      "already recorded as interaction" },
    { "an attribute value not UTF-8", bad_attr, CRM_EINVAL, NAME, "not valid UTF-8" },
    { "a membership twice", member_twice, CRM_EEXISTS, "Head of Complaints", "already a member" },
    { "a promise with an escape", bad_note, CRM_EINVAL, NAME, "control character" },
};

static crm_db *open_fixture(fixture *f, unsigned int flags)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags |= flags;
    o.default_country = "US";
    if (crm_open(&f->db, ":memory:", &o) != CRM_OK)
        return NULL;
    test_customer(f->db, CRM_CUSTOMER_PERSON, NAME, f->jane);
    test_customer(f->db, CRM_CUSTOMER_PERSON, "Someone Else", f->other);
    test_customer(f->db, CRM_CUSTOMER_ORGANISATION, "Acme", f->org);
    crm_identity_add(NULL, f->db, f->jane, "phone", PHONE, 0);
    crm_member_add(f->db, f->org, f->jane, "Head of Complaints");
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = f->jane;
    s.channel = CRM_CHANNEL_EMAIL;
    s.direction = CRM_DIRECTION_IN;
    s.external_ref = "<jane.victim-doe@example.com>";
    crm_interaction_log(NULL, f->db, &s);
    return f->db;
}

TEST(redacted_messages_keep_personal_values_out)
{
    fixture plain, red;
    CHECK(open_fixture(&plain, 0) != NULL);
    CHECK(open_fixture(&red, CRM_OPEN_REDACT) != NULL);
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct redact_case *c = &cases[i];
        int rc = c->call(&plain);
        const char *m = crm_errmsg(plain.db);
        if (rc != c->code || !strstr(m, c->personal) || !strstr(m, c->kept)) {
            fprintf(stderr, "%s, plain: %d \"%s\"\n", c->name, rc, m);
            bad++;
        }
        test_snapshot snap;
        test_snapshot_take(red.db, &snap);
        rc = c->call(&red);
        m = crm_errmsg(red.db);
        if (rc != c->code || strstr(m, c->personal) || !strstr(m, c->kept) ||
            !test_snapshot_same(red.db, &snap)) {
            fprintf(stderr, "%s, redacted: %d \"%s\"\n", c->name, rc, m);
            bad++;
        }
    }
    CHECK_INT(bad, 0);
    /* Ids stay: the conflict still names its owner, by id only. */
    CHECK_RC(red.db, conflict(&red), CRM_EEXISTS);
    CHECK_CONTAINS(crm_errmsg(red.db), red.jane);
    CHECK_CONTAINS(crm_errmsg(red.db), "<withheld>");
    CHECK_STR(crm_conflict_id(red.db), red.jane);
    crm_close(plain.db);
    crm_close(red.db);
}

int main(void)
{
    RUN(redacted_messages_keep_personal_values_out);
    return test_summary();
}
