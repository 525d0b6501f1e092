/*
 * crmctl - the demo: one customer's story across every channel.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The demo fills an empty database and refuses one that already holds
 * changes, so it never mixes its sample customers into real ones. Its
 * dates are reckoned from today (last week's e-mail, Friday's callback,
 * a birthday next week), so the story reads the same whenever it runs.
 */
#include <string.h>

#include "crmctl.h"

/* The widest line the demo writes. */
#define CTL_DEMO_WIDTH 100
#include "timeparse.h"

#define MINUTE INT64_C(60000)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

#define PRIMARY CRM_IDENTITY_PRIMARY
#define VERIFIED CRM_IDENTITY_VERIFIED

typedef struct demo_identity {
    const char *kind, *value;
    unsigned int flags;
} demo_identity;

typedef struct demo_customer {
    crm_customer_kind_t kind;
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
      { { "preferred_channel", "phone" }, { "language", "en" } },
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

/* Indexes into customers[]. */
enum { JANE = 0, RAJ = 1 };

typedef struct demo {
    crmctl *ctl;
    ctl_json json;
    char ids[NCUSTOMERS][CRM_ID_LEN + 1];
    int64_t now;
    int64_t today;         /* days since 1970 of today's date, in the shown zone */
    int birthday_month, birthday_day;
    char ivr_call[CRM_ID_LEN + 1];
    char agent_call[CRM_ID_LEN + 1];
    char callback[CRM_ID_LEN + 1]; /* the promise made during the call */
    int64_t friday, monday;        /* its first and its renegotiated due time */
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
        rc = crm_attr_set(db, id, dc->attrs[i][0], dc->attrs[i][1]);
    for (size_t i = 0; rc == CRM_OK && i < 3 && dc->tags[i]; i++)
        rc = crm_tag_add(db, id, dc->tags[i]);
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
    if (rc == CRM_OK) {
        /* The old CRM knew Jane's birthday; a birthday is an occasion. */
        crm_occasion_spec o = CRM_OCCASION_SPEC_INIT;
        o.customer_id = d->ids[JANE];
        o.kind = "birthday";
        o.yearly = 1;
        o.year = 1984; /* a leap year, so any day of the year is one of hers */
        o.month = d->birthday_month;
        o.day = d->birthday_day;
        o.lead_days = 14;
        o.note = "likes tulips";
        rc = crm_occasion_add(NULL, db, &o);
    }
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
    ctl_printf("Imported %zu customers with their phones, e-mail addresses, social handle,\n"
               "loyalty card and account number, attributes, tags, memberships and Jane's\n"
               "birthday, in one transaction:\n\n",
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
        ctl_printf("\nIncoming call from %s\n", number);
        if (key)
            ctl_printf("  Caller ID reads it as %s.\n", key);
        if (rc == CRM_OK) {
            ctl_printf("  It belongs to %s; the agent sees the whole record:\n\n",
                       crm_customer_name(*found));
            int st = ctl_print_customer(ctl, *found, "    ");
            if (st != EXIT_OK) {
                crm_free(key);
                return st;
            }
        } else if (rc == CRM_ENOTFOUND || rc == CRM_EINVAL) {
            /* The library's message, shown as crmctl shows its errors. */
            const char *why = crm_errmsg(ctl->db);
            fputs("  No match (", stdout);
            ctl_escape_write(stdout, why, strlen(why), CTL_ESC_MESSAGE);
            fputs(").\n"
                  "  The call goes to an agent as a new caller; nothing is created until\n"
                  "  they have a name to put on the record.\n",
                  stdout);
        }
    }
    crm_free(key);
    if (rc == CRM_OK || rc == CRM_ENOTFOUND || rc == CRM_EINVAL)
        return EXIT_OK;
    return ctl_fail(ctl, rc);
}

/* ---- the story ---------------------------------------------------------------- */

/* A time `days` from today at hh:mm on the clock the output is shown in.
 * A reading the clocks skip moves on by an hour. */
static int64_t at_clock(const demo *d, int64_t days, int hour, int minute)
{
    int y, m, day;
    int64_t ms;
    ctl_date_from_days(d->today + days, &y, &m, &day);
    if (ctl_time_from_parts(y, m, day, hour, minute, d->ctl->utc, &ms) == 0 ||
        ctl_time_from_parts(y, m, day, hour + 1, minute, d->ctl->utc, &ms) == 0)
        return ms;
    return d->now + days * DAY;
}

/* Days from today to the next weekday wd (0 = Sunday), 1 to 7. */
static int64_t days_to_weekday(const demo *d, int wd)
{
    int today_wd = (int)(((d->today % 7) + 7 + 4) % 7); /* 1970-01-01 was a Thursday */
    int64_t n = (wd - today_wd + 7) % 7;
    return n == 0 ? 7 : n;
}

/* Log an interaction as actor; its id goes to id (when not NULL). */
static int log_as(demo *d, const char *actor, const crm_interaction_spec *spec,
                  char id[CRM_ID_LEN + 1])
{
    crm_interaction *i;
    int rc = act_as(d, actor);
    if (rc == CRM_OK)
        rc = crm_interaction_log(&i, d->ctl->db, spec);
    if (rc != CRM_OK)
        return rc;
    if (id)
        memcpy(id, crm_interaction_id(i), CRM_ID_LEN + 1);
    crm_interaction_free(i);
    return CRM_OK;
}

static void say(const demo *d, const char *text)
{
    if (!d->ctl->json)
        fputs(text, stdout);
}

/*
 * What happened before today: Raj called about Acme's double charge eight
 * days ago and was promised a refund, due two days ago and not yet kept;
 * Jane e-mailed about hers six days ago, and complained on Twitter, in
 * public, yesterday. Returns an exit status.
 */
static int backstory(demo *d)
{
    crm_db *db = d->ctl->db;
    char raj_call[CRM_ID_LEN + 1];
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = d->ids[RAJ];
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = d->now - 8 * DAY;
    s.handled_by = "agent:bob";
    s.reason = "billing.double_charge";
    s.outcome = CRM_OUTCOME_ESCALATED;
    s.summary = "Acme was charged twice for invoice 2026-114; passed to billing";
    int rc = log_as(d, "agent:bob", &s, raj_call);
    /* Due two days ago, to the hour: it is two days overdue now. It was
     * made during the call, eight days ago (a due time cannot have passed
     * when it is set). */
    int64_t refund_due = (d->now - 2 * DAY) / HOUR * HOUR;
    if (rc == CRM_OK)
        rc = crm_promise_make(NULL, db, d->ids[RAJ], raj_call, "team:billing",
                              "refund the double charge", refund_due, s.occurred_at);

    crm_interaction_spec e = CRM_INTERACTION_SPEC_INIT;
    e.customer_id = d->ids[JANE];
    e.channel = CRM_CHANNEL_EMAIL;
    e.direction = CRM_DIRECTION_IN;
    e.occurred_at = d->now - 6 * DAY - 2 * HOUR;
    e.handled_by = "team:billing";
    e.reason = "billing.double_charge";
    e.outcome = CRM_OUTCOME_UNRESOLVED;
    e.summary = "Charged twice for the May invoice; asks for a refund";
    e.body = "Hello,\nmy card was charged twice for invoice 2026-0519. Please refund one of\n"
             "the two payments.\nJane Doe";
    e.external_ref = "<CAF3xQ2026.0519@mail.example.com>";
    if (rc == CRM_OK)
        rc = log_as(d, "mail:gateway", &e, NULL);

    crm_interaction_spec t = CRM_INTERACTION_SPEC_INIT;
    t.customer_id = d->ids[JANE];
    t.channel = CRM_CHANNEL_SOCIAL;
    t.direction = CRM_DIRECTION_IN;
    t.occurred_at = d->now - 26 * HOUR;
    t.reason = "billing.double_charge";
    t.is_public = 1;
    t.sentiment = -2;
    t.summary = "\"@ShopCo charged me twice and nobody answers my e-mail\"";
    t.external_ref = "1790012345678901234";
    if (rc == CRM_OK)
        rc = log_as(d, "social:listening", &t, NULL);
    if (rc != CRM_OK)
        return ctl_fail(d->ctl, rc);

    if (!d->ctl->json) {
        char due[CTL_TIME_SIZE];
        ctl_printf(
            "\nAlready on the record before today:\n"
            "  8 days ago  Raj Patel phones about Acme's double charge; agent:bob escalates\n"
            "              it, and team:billing promises a refund by %s.\n"
            "  6 days ago  Jane e-mails billing: she was charged twice (unresolved).\n"
            "  yesterday   Jane complains on Twitter, in public, angry (sentiment -2).\n",
            ctl_time_short(due, refund_due));
    }
    return EXIT_OK;
}

/* The IVR answers Jane's call, knows her by her number and hands her to a
 * person. Returns an exit status. */
static int ivr_leg(demo *d, const crm_customer *caller)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = crm_customer_id(caller);
    s.channel = CRM_CHANNEL_IVR;
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = d->now - 12 * MINUTE;
    s.handled_by = "ivr:main-menu";
    s.reason = "billing";
    s.outcome = CRM_OUTCOME_TRANSFERRED;
    s.summary = "Greeted by name; chose billing, then asked for a person";
    int rc = log_as(d, "ivr:main-menu", &s, d->ivr_call);
    if (rc != CRM_OK)
        return ctl_fail(d->ctl, rc);
    if (d->ctl->json)
        return EXIT_OK;
    ctl_printf("\n  The IVR (ivr:main-menu) matched the number although it is stored as\n"
               "  +1 415 555 0100 and greets %s by name; she picks billing and asks for a\n"
               "  person: transferred.\n"
               "\n  agent:alice picks up with Jane's whole history on screen, every channel in\n"
               "  one timeline, newest first (the public complaint is marked):\n\n",
               crm_customer_name(caller));
    ctl_view v = { &d->json, NULL, "    ", 1, NULL, NULL };
    return ctl_print_timeline(d->ctl, &v, crm_customer_id(caller), NULL, NULL);
}

/*
 * agent:alice takes the call: confirms the e-mail address, notes the
 * reason and promises a callback by Friday. Returns an exit status.
 */
static int agent_leg(demo *d, const crm_customer *caller)
{
    crm_db *db = d->ctl->db;
    const char *id = crm_customer_id(caller);
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = id;
    s.channel = CRM_CHANNEL_PHONE;
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = d->now - 10 * MINUTE;
    s.handled_by = "agent:alice";
    s.reason = "billing.double_charge";
    s.summary = "Double charge confirmed; refund requested; callback promised";
    s.reply_to = d->ivr_call;
    int rc = log_as(d, "agent:alice", &s, d->agent_call);
    if (rc == CRM_OK)
        rc = crm_identity_set_flags(db, id, "email", "jane.doe@example.com", PRIMARY | VERIFIED);
    if (rc == CRM_OK)
        rc = crm_attr_set(db, id, "last_contact_reason", "billing.double_charge");
    d->friday = at_clock(d, days_to_weekday(d, 5), 17, 0);
    crm_promise *p = NULL;
    if (rc == CRM_OK)
        rc = crm_promise_make(&p, db, id, d->agent_call, "agent:alice",
                              "call Jane back once the refund is through", d->friday,
                              CRM_TIME_NONE);
    if (rc == CRM_OK) {
        /* Jane agrees to texts about her refund, and to nothing else. */
        crm_consent_spec c = CRM_CONSENT_SPEC_INIT;
        c.customer_id = id;
        c.purpose = "service_updates";
        c.channel = "sms";
        c.interaction_id = d->agent_call;
        c.note = "yes to texts about the refund";
        rc = crm_consent_grant(NULL, db, &c);
    }
    if (rc != CRM_OK) {
        crm_promise_free(p);
        return ctl_fail(d->ctl, rc);
    }
    memcpy(d->callback, crm_promise_id(p), CRM_ID_LEN + 1);
    crm_promise_free(p);
    if (!d->ctl->json) {
        char due[CTL_TIME_SIZE];
        ctl_printf("\n  During the call agent:alice confirms the e-mail address (now verified),\n"
                   "  notes the reason (billing.double_charge), promises a callback by\n"
                   "  Friday, %s (owner agent:alice, made during this call),\n"
                   "  and records that Jane agrees to texts about her refund (consent:\n"
                   "  service_updates by sms).\n",
                   ctl_time_short(due, d->friday));
    }
    return EXIT_OK;
}

/* Jane texts that Friday is no good; the callback moves to Monday with
 * her agreement; the refund goes through and the call is resolved. */
static int later(demo *d)
{
    crm_db *db = d->ctl->db;
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = d->ids[JANE];
    s.channel = CRM_CHANNEL_SMS;
    s.direction = CRM_DIRECTION_IN;
    s.occurred_at = d->now - 2 * MINUTE;
    s.reason = "billing.double_charge";
    s.summary = "\"I'm away on Friday - could you call on Monday morning?\"";
    s.reply_to = d->agent_call;
    int rc = log_as(d, "sms:gateway", &s, NULL);
    d->monday = at_clock(d, days_to_weekday(d, 5) + 3, 10, 0);
    if (rc == CRM_OK)
        rc = act_as(d, "agent:alice");
    if (rc == CRM_OK)
        rc = crm_promise_renegotiate(NULL, db, d->callback, d->monday,
                                     "Jane is away on Friday; she asked for Monday morning", 1,
                                     CRM_TIME_NONE);
    if (rc == CRM_OK)
        rc = crm_interaction_set_outcome(db, d->agent_call, CRM_OUTCOME_RESOLVED);
    if (rc != CRM_OK)
        return ctl_fail(d->ctl, rc);
    if (!d->ctl->json) {
        char a[CTL_TIME_SIZE], b[CTL_TIME_SIZE];
        ctl_printf("\nLater:\n"
                   "  Jane texts that she is away on Friday. With her agreement agent:alice\n"
                   "  renegotiates the callback: %s → %s.\n"
                   "  The refund goes through; alice marks the call resolved.\n",
                   ctl_time_short(a, d->friday), ctl_time_short(b, d->monday));
    }
    return EXIT_OK;
}

/* The end of the story: Jane's timeline, every promise, what is coming up,
 * why customers got in touch, the agenda, a search, and the last changes in
 * the journal. */
static int closing(demo *d)
{
    crmctl *ctl = d->ctl;
    ctl_view v = { &d->json, "timeline", "  ", 1, NULL, NULL };
    say(d, "\nJane's timeline now, newest first:\n\n");
    int st = ctl_print_timeline(ctl, &v, d->ids[JANE], NULL, NULL);
    if (st != EXIT_OK)
        return st;

    say(d, "\nPromises, by due time (a renegotiated one shows first → current due):\n\n");
    v.key = "promises";
    st = ctl_print_promises(ctl, &v, NULL, d->now);
    if (st != EXIT_OK)
        return st;

    say(d, "\nComing up in the next 14 days:\n\n");
    v.key = "upcoming";
    st = ctl_print_upcoming(ctl, &v, d->today, 14, d->today);
    if (st != EXIT_OK)
        return st;

    say(d, "\nWhy customers got in touch, by reason and channel ('crmctl report reasons\n"
           "--by-channel'; the reports are in docs/reports.md):\n\n");
    crm_report_options o = CRM_REPORT_OPTIONS_INIT;
    o.by_channel = 1;
    v.key = "reasons";
    st = ctl_print_report(ctl, &v, "reasons", &o);
    if (st != EXIT_OK)
        return st;
    say(d, "\nThe agenda: what needs doing now, most needed first, whatever the channel:\n\n");
    v.key = "agenda";
    crm_agenda_options agenda = CRM_AGENDA_OPTIONS_INIT;
    st = ctl_print_agenda(ctl, &v, &agenda);
    if (st != EXIT_OK)
        return st;
    say(d, "\nAnything said on any channel, found in every record, best match first\n"
           "('crmctl search \"charged twice\"'; 'refun*' finds words that start so, and\n"
           "'\"charged twice\"' in double quotes the two words together: docs/search.md):\n\n");
    v.key = "search";
    crm_search_options found = CRM_SEARCH_OPTIONS_INIT;
    found.limit = 6;
    st = ctl_print_search(ctl, &v, "charged twice", &found);
    if (st != EXIT_OK)
        return st;

    /* Before a text or a newsletter goes out: what did Jane agree to? */
    static const struct {
        const char *purpose, *channel;
    } asks[] = { { "service_updates", "sms" }, { "marketing", "email" } };
    say(d, "\nMay we contact Jane? Her consent, asked before anything goes out ('crmctl\n"
           "consent check'; no event means no: docs/consent.md):\n\n");
    if (ctl->json)
        ctl_json_begin_array(&d->json, "consent");
    for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++) {
        int yes = 0;
        int rc = crm_consent_check(&yes, ctl->db, d->ids[JANE], asks[i].purpose, asks[i].channel);
        if (rc != CRM_OK)
            return ctl_fail(ctl, rc);
        if (ctl->json) {
            ctl_json_begin_object(&d->json, NULL);
            ctl_json_string(&d->json, "purpose", asks[i].purpose);
            ctl_json_string(&d->json, "channel", asks[i].channel);
            ctl_json_bool(&d->json, "yes", yes);
            ctl_json_end_object(&d->json);
        } else {
            ctl_printf("  %-16s by %-6s %s\n", asks[i].purpose, asks[i].channel,
                       yes ? "yes (granted during the agent's call)" : "no (never asked)");
        }
    }
    if (ctl->json)
        ctl_json_end_array(&d->json);

    int64_t seq;
    int rc = crm_journal_last_seq(&seq, ctl->db);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    int64_t since = seq > 15 ? seq - 15 : 0;
    if (!ctl->json)
        ctl_printf("\nThe journal records every change with who made it: %lld so far. The last\n"
                   "%lld (programs follow it as a change feed: 'crmctl journal --since N'):\n\n",
                   (long long)seq, (long long)(seq - since));
    return ctl_print_journal(ctl, &d->json, "journal", since, "  ");
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

    /* Today, on the clock the output is shown in; Jane's birthday is in
     * nine days, inside the two weeks the demo looks ahead. */
    d->now = crm_now();
    d->today = ctl_day_of(d->now, ctl->utc);
    int by;
    ctl_date_from_days(d->today + 9, &by, &d->birthday_month, &d->birthday_day);

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
    } else {
        ctl_printf("libcrm %s demo: %s, phone numbers read in %s\n\n", crm_version(),
                   ctl->db_path, ctl->country ? ctl->country : "no country (international only)");
        show_population(d);
    }
    if ((st = backstory(d)) != EXIT_OK)
        return st;

    if (ctl->json)
        ctl_json_begin_array(j, "calls");
    crm_customer *caller;
    st = caller_id(d, known_caller, &caller);
    if (st == EXIT_OK && caller)
        st = ivr_leg(d, caller);
    if (st == EXIT_OK && caller)
        st = agent_leg(d, caller);
    if (st == EXIT_OK && !caller && !ctl->json)
        ctl_printf("\n  (Read in %s the number is not Jane's, so her call goes to an agent as a\n"
                   "  stranger's: the rest of her story needs --country US.)\n",
                   ctl->country ? ctl->country : "no country");
    int found = caller != NULL;
    crm_customer_free(caller);
    if (st == EXIT_OK)
        st = caller_id(d, unknown_caller, &caller);
    crm_customer_free(caller);
    if (st != EXIT_OK)
        return st;
    if (ctl->json)
        ctl_json_end_array(j);
    if (found && (st = later(d)) != EXIT_OK)
        return st;

    st = closing(d);
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
    /* The story reads in 100 columns, on a terminal or off it: its tables
     * are cut to fit, in a narrower terminal narrower. */
    if (ctl_output_width() == 0 || ctl_output_width() > CTL_DEMO_WIDTH)
        ctl_output_set_width(CTL_DEMO_WIDTH);
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK)
        return st;
    demo d;
    memset(&d, 0, sizeof d);
    d.ctl = ctl;
    ctl_json_init(&d.json, stdout);
    return run_demo(&d);
}
