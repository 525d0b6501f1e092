/*
 * crmctl - the demo: a few customers, a caller-ID lookup, the journal.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The demo fills an empty database and refuses one that already holds
 * changes, so it never mixes its sample customers into real ones.
 */
#include <string.h>

#include "crmctl.h"

#define PRIMARY CRM_IDENTITY_PRIMARY
#define VERIFIED CRM_IDENTITY_VERIFIED

typedef struct demo_identity {
    const char *kind, *value;
    unsigned int flags;
} demo_identity;

typedef struct demo_customer {
    crm_customer_kind kind;
    const char *name;
    demo_identity identities[4];
    const char *attrs[4][2];
    const char *tags[3];
} demo_customer;

/* Phone numbers are written the way people write them; libcrm matches them
 * on E.164. They are international so the setup works whatever --country
 * says; the caller-ID lookup below dials a national one. */
static const demo_customer customers[] = {
    { CRM_CUSTOMER_PERSON, "Jane Doe",
      { { "phone", "+1 415 555 0100", PRIMARY | VERIFIED },
        { "email", "Jane.Doe@example.com", PRIMARY },
        { "social", "twitter:@JaneDoe", 0 } },
      { { "preferred_channel", "phone" }, { "language", "en" }, { "birthday", "1985-04-12" } },
      { "vip" } },
    { CRM_CUSTOMER_PERSON, "Raj Patel",
      { { "phone", "+1 212 555 0199", PRIMARY },
        { "email", "raj.patel@acme-logistics.example", PRIMARY | VERIFIED } },
      { { "title", "Head of Procurement" }, { "preferred_channel", "email" } },
      { "decision-maker" } },
    { CRM_CUSTOMER_PERSON, "María García",
      { { "phone", "+34 612 34 56 78", PRIMARY },
        { "email", "maria.garcia@example.es", PRIMARY },
        { "loyalty", "LC-0042-7781", VERIFIED } },
      { { "language", "es" }, { "preferred_channel", "sms" } },
      { "newsletter" } },
    { CRM_CUSTOMER_ORGANISATION, "Acme Logistics Inc.",
      { { "account", "ACC-100234", PRIMARY | VERIFIED },
        { "phone", "+1 650 555 0142", PRIMARY },
        { "email", "billing@acme-logistics.example", 0 } },
      { { "industry", "logistics" }, { "plan", "enterprise" }, { "renewal_date", "2027-03-31" } },
      { "enterprise", "key-account" } },
};

#define NCUSTOMERS (sizeof customers / sizeof customers[0])

static const struct {
    size_t org, person;
    const char *role;
} memberships[] = {
    { 3, 1, "purchasing lead" },
    { 3, 0, "operations manager" },
};

/* What the caller-ID screen is asked about. */
static const char known_caller[] = "(415) 555-0100";
static const char unknown_caller[] = "+44 20 7946 0958";

typedef struct demo {
    crmctl *ctl;
    ctl_json json;
    char ids[NCUSTOMERS][CRM_ID_LEN + 1];
} demo;

/* Actors make the journal tell who did what; --actor overrides them all. */
static int act_as(demo *d, const char *actor)
{
    return d->ctl->actor ? CRM_OK : crm_set_actor(d->ctl->db, actor);
}

static int create_customer(demo *d, size_t n)
{
    const demo_customer *dc = &customers[n];
    crm_db *db = d->ctl->db;
    crm_customer *c;
    int rc = crm_customer_create(&c, db, dc->kind, dc->name);
    if (rc != CRM_OK)
        return rc;
    memcpy(d->ids[n], crm_customer_id(c), CRM_ID_LEN + 1);
    crm_customer_free(c);
    const char *id = d->ids[n];
    for (size_t i = 0; rc == CRM_OK && i < 4 && dc->identities[i].kind; i++)
        rc = crm_identity_add(NULL, db, id, dc->identities[i].kind, dc->identities[i].value,
                              dc->identities[i].flags);
    for (size_t i = 0; rc == CRM_OK && i < 4 && dc->attrs[i][0]; i++)
        rc = crm_customer_attr_set(db, id, dc->attrs[i][0], dc->attrs[i][1]);
    for (size_t i = 0; rc == CRM_OK && i < 3 && dc->tags[i]; i++)
        rc = crm_customer_tag_add(db, id, dc->tags[i]);
    return rc;
}

/* Every sample customer in one transaction: all of them or none.
 * Returns an exit status. */
static int populate(demo *d)
{
    crm_db *db = d->ctl->db;
    int rc = act_as(d, "import:legacy-crm");
    if (rc == CRM_OK)
        rc = crm_begin(db);
    if (rc != CRM_OK)
        return ctl_fail(d->ctl, rc);
    for (size_t n = 0; rc == CRM_OK && n < NCUSTOMERS; n++)
        rc = create_customer(d, n);
    for (size_t m = 0; rc == CRM_OK && m < sizeof memberships / sizeof memberships[0]; m++)
        rc = crm_member_add(db, d->ids[memberships[m].org], d->ids[memberships[m].person],
                            memberships[m].role);
    if (rc == CRM_OK)
        rc = crm_commit(db);
    if (rc == CRM_OK)
        return EXIT_OK;
    /* Report before rolling back: the rollback replaces the message. */
    int st = ctl_fail(d->ctl, rc);
    if (crm_in_transaction(db))
        crm_rollback(db);
    return st;
}

static void show_population(demo *d)
{
    if (d->ctl->json)
        return;
    static const char *const headers[] = { "KIND", "NAME", "ID" };
    ctl_table t;
    ctl_table_init(&t, 3, headers);
    for (size_t n = 0; n < NCUSTOMERS; n++) {
        const char *cells[] = { crm_customer_kind_name(customers[n].kind), customers[n].name,
                                d->ids[n] };
        ctl_table_add(&t, cells);
    }
    printf("Imported %zu customers with their phones, e-mail addresses, social handle,\n"
           "loyalty card and account number, attributes, tags and memberships, in one\n"
           "transaction:\n\n",
           NCUSTOMERS);
    ctl_table_print(&t, stdout, "  ");
    ctl_table_free(&t);
}

/*
 * A call comes in from number: find the caller. A number nobody has, or
 * one that is not a phone number in the default country, is an everyday
 * outcome, reported to the agent; other failures end the demo. found is
 * set to the caller's record or NULL.
 */
static int caller_id(demo *d, const char *number, crm_customer **found)
{
    crmctl *ctl = d->ctl;
    char *key = NULL;
    *found = NULL;
    int rc = crm_identity_normalise(&key, ctl->db, "phone", number);
    if (rc == CRM_OK)
        rc = crm_identity_lookup(found, ctl->db, "phone", number);

    if (ctl->json) {
        ctl_json_begin_object(&d->json, NULL);
        ctl_json_string(&d->json, "number", number);
        ctl_json_string(&d->json, "key", key);
        if (rc == CRM_OK) {
            int st = ctl_json_customer_full(ctl, &d->json, "customer", *found);
            if (st != EXIT_OK) {
                crm_free(key);
                return st;
            }
        } else {
            ctl_json_null(&d->json, "customer");
            ctl_json_string(&d->json, "outcome", crm_errmsg(ctl->db));
        }
        ctl_json_end_object(&d->json);
    } else {
        printf("\nIncoming call from %s\n", number);
        if (key)
            printf("  Caller ID reads it as %s.\n", key);
        if (rc == CRM_OK) {
            printf("  It belongs to %s; the agent sees the whole record:\n\n",
                   crm_customer_name(*found));
            int st = ctl_print_customer(ctl, *found, "    ");
            if (st != EXIT_OK) {
                crm_free(key);
                return st;
            }
        } else if (rc == CRM_ENOTFOUND || rc == CRM_EINVAL) {
            printf("  No match (%s).\n"
                   "  The call goes to an agent as a new caller; nothing is created until\n"
                   "  they have a name to put on the record.\n",
                   crm_errmsg(ctl->db));
        }
    }
    crm_free(key);
    if (rc == CRM_OK || rc == CRM_ENOTFOUND || rc == CRM_EINVAL)
        return EXIT_OK;
    return ctl_fail(ctl, rc);
}

/* During the call the agent confirms the e-mail address and notes why
 * the customer called: the journal shows who did it. */
static int agent_updates(demo *d, const crm_customer *caller)
{
    crm_db *db = d->ctl->db;
    const char *id = crm_customer_id(caller);
    int rc = act_as(d, "agent:alice");
    if (rc == CRM_OK)
        rc = crm_identity_set_flags(db, "email", "jane.doe@example.com", PRIMARY | VERIFIED);
    if (rc == CRM_OK)
        rc = crm_customer_attr_set(db, id, "last_contact_reason", "delivery-status");
    if (rc != CRM_OK)
        return ctl_fail(d->ctl, rc);
    if (!d->ctl->json)
        printf("\n  During the call agent:alice confirms the e-mail address (now verified)\n"
               "  and notes the reason for the call (last_contact_reason).\n");
    return EXIT_OK;
}

static int run_demo(demo *d)
{
    crmctl *ctl = d->ctl;
    int64_t seq;
    int rc = crm_journal_last_seq(&seq, ctl->db);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (seq > 0) {
        ctl_error("%s already holds data (%lld changes); the demo needs an empty database: "
                  "remove the file or pass another --db",
                  ctl->db_path, (long long)seq);
        return EXIT_CONFLICT;
    }
    int st = populate(d);
    if (st != EXIT_OK)
        return st;

    ctl_json *j = &d->json;
    if (ctl->json) {
        ctl_json_begin_object(j, NULL);
        ctl_json_string(j, "database", ctl->db_path);
        ctl_json_string(j, "country", ctl->country);
        ctl_json_begin_array(j, "customers");
        for (size_t n = 0; n < NCUSTOMERS; n++) {
            ctl_json_begin_object(j, NULL);
            ctl_json_string(j, "id", d->ids[n]);
            ctl_json_string(j, "kind", crm_customer_kind_name(customers[n].kind));
            ctl_json_string(j, "name", customers[n].name);
            ctl_json_end_object(j);
        }
        ctl_json_end_array(j);
        ctl_json_begin_array(j, "calls");
    } else {
        printf("libcrm %s demo: %s, phone numbers read in %s\n\n", crm_version(),
               ctl->db_path, ctl->country ? ctl->country : "no country (international only)");
        show_population(d);
    }

    crm_customer *caller;
    st = caller_id(d, known_caller, &caller);
    if (st == EXIT_OK && caller)
        st = agent_updates(d, caller);
    crm_customer_free(caller);
    if (st == EXIT_OK)
        st = caller_id(d, unknown_caller, &caller);
    crm_customer_free(caller);
    if (st != EXIT_OK)
        return st;

    if (ctl->json) {
        ctl_json_end_array(j);
    } else {
        printf("\nThe journal: every change above, in order, with who made it. Programs\n"
               "follow it as a change feed: 'crmctl journal --since N' shows what came\n"
               "after entry N.\n\n");
    }
    st = ctl_print_journal(ctl, j, "journal", 0, "  ");
    if (st == EXIT_OK && ctl->json) {
        ctl_json_end_object(j);
        ctl_json_finish(j);
    }
    return st;
}

int cmd_demo(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    int st = ctl_parse(ctl, cmd, argc, argv, NULL, NULL, 0, 0);
    if (st != CTL_CONTINUE)
        return st;
    if (!ctl->country_given)
        ctl->country = "US";
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK)
        return st;
    demo d;
    memset(&d, 0, sizeof d);
    d.ctl = ctl;
    ctl_json_init(&d.json, stdout);
    return run_demo(&d);
}
