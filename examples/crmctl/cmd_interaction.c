/*
 * crmctl - the interaction commands and the timeline.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "crmctl.h"

/* --direction, --outcome in words; usage errors list the words. A channel
 * is any word libcrm takes as a channel's name (a custom one included), so
 * it goes to the library as it is. */
static int parse_direction(const ctl_command *cmd, const char *word, crm_direction_t *out)
{
    if (crm_direction_parse(out, word) == CRM_OK)
        return CTL_CONTINUE;
    return ctl_value_error(cmd, "unknown direction '%s': use in or out", word);
}

static int parse_outcome(const ctl_command *cmd, const char *word, crm_outcome_t *out)
{
    if (crm_outcome_parse(out, word) == CRM_OK)
        return CTL_CONTINUE;
    return ctl_value_error(cmd,
                           "unknown outcome '%s': use resolved, unresolved, transferred, "
                           "abandoned, escalated or none",
                           word);
}

int cmd_interaction_log(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *channel = NULL, *direction = NULL, *at = NULL, *by = NULL, *reason = NULL,
               *outcome = NULL, *sentiment = NULL, *summary = NULL, *body = NULL,
               *reply_to = NULL, *ref = NULL, *pos[1];
    int is_public = 0, no_by = 0;
    const ctl_option opts[] = {
        { "channel", NULL, &channel }, { "direction", NULL, &direction },
        { "at", NULL, &at },           { "by", NULL, &by },
        { "no-by", &no_by, NULL },
        { "reason", NULL, &reason },   { "outcome", NULL, &outcome },
        { "public", &is_public, NULL }, { "sentiment", NULL, &sentiment },
        { "summary", NULL, &summary }, { "body", NULL, &body },
        { "reply-to", NULL, &reply_to }, { "ref", NULL, &ref },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;

    crm_interaction_spec spec = CRM_INTERACTION_SPEC_INIT;
    if (!channel)
        return ctl_usage_error(cmd, "--channel is required");
    if (!direction)
        return ctl_usage_error(cmd, "--direction is required (in or out)");
    if ((st = parse_direction(cmd, direction, &spec.direction)) != CTL_CONTINUE ||
        (outcome && (st = parse_outcome(cmd, outcome, &spec.outcome)) != CTL_CONTINUE) ||
        (at && (st = ctl_parse_time(cmd, "at", at, &spec.occurred_at)) != CTL_CONTINUE))
        return st;
    if (sentiment) {
        char *end;
        errno = 0;
        long v = strtol(sentiment, &end, 10);
        if (errno || end == sentiment || *end || v < -2 || v > 2)
            return ctl_value_error(cmd, "--sentiment wants -2, -1, 0, +1 or +2, not '%s'",
                                   sentiment);
        spec.sentiment = (int)v;
    }
    if (by && no_by)
        return ctl_usage_error(cmd, "--by and --no-by contradict each other");
    /* Whoever records the contact handled it, unless someone else is named. */
    if (!by && !no_by)
        by = ctl->actor;
    char customer[CRM_ID_LEN + 1], reply_id[CRM_ID_LEN + 1];
    if ((st = ctl_open_customer(ctl, CTL_WRITE, pos[0], customer)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_INTERACTION, &reply_to, reply_id)) != EXIT_OK)
        return st;

    spec.customer_id = customer;
    spec.channel_name = channel;
    spec.handled_by = by;
    spec.reason = reason;
    spec.is_public = is_public;
    spec.summary = summary;
    spec.body = body;
    spec.reply_to = reply_to;
    spec.external_ref = ref;
    crm_interaction *i;
    int rc = crm_interaction_log(&i, ctl->db, &spec);
    if (rc == CRM_EEXISTS && crm_conflict_id(ctl->db)) {
        /* Importing a feed twice is an everyday event: say which record
         * already holds it, so a script can carry on with that one. */
        const char *msg = crm_errmsg(ctl->db), *existing = crm_conflict_id(ctl->db);
        if (strstr(msg, existing))
            return ctl_fail(ctl, rc);
        ctl_error_after(msg, " (existing interaction: %s)", existing);
        return EXIT_CONFLICT;
    }
    if (rc == CRM_EINVAL && at && spec.occurred_at > crm_now()) {
        /* libcrm decides what it takes; when it refuses a contact that has
         * not happened yet, say so with the time as it was read. */
        char when[CTL_TIME_SIZE];
        ctl_error_after(crm_errmsg(ctl->db),
                        " (--at %s is %s, later than now: log a contact once it happened)", at,
                        ctl_time_human(when, spec.occurred_at));
        return EXIT_INVALID;
    }
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_interaction(&j, NULL, i);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s\n", crm_interaction_id(i));
    }
    crm_interaction_free(i);
    return EXIT_OK;
}

int cmd_interaction_show(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    int st = ctl_start(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_READ);
    if (st != CTL_CONTINUE)
        return st;
    char id[CRM_ID_LEN + 1];
    if ((st = ctl_expand_id(ctl, CRM_RECORD_INTERACTION, &pos[0], id)) != EXIT_OK)
        return st;
    crm_interaction *i;
    int rc = crm_interaction_get(&i, ctl->db, pos[0]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    st = ctl_print_interaction(ctl, i);
    crm_interaction_free(i);
    return st;
}

int cmd_interaction_update(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *outcome = NULL, *reason = NULL, *summary = NULL, *pos[1];
    int no_reason = 0, no_summary = 0, public = 0, no_public = 0;
    const ctl_option opts[] = {
        { "outcome", NULL, &outcome },       { "reason", NULL, &reason },
        { "no-reason", &no_reason, NULL },   { "summary", NULL, &summary },
        { "no-summary", &no_summary, NULL }, { "public", &public, NULL },
        { "no-public", &no_public, NULL },   { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;
    crm_outcome_t o = CRM_OUTCOME_NONE;
    if (!outcome && !reason && !no_reason && !summary && !no_summary && !public && !no_public)
        return ctl_usage_error(cmd, "nothing to change: give --outcome, --reason, --no-reason, "
                                    "--summary, --no-summary, --public or --no-public");
    if (reason && no_reason)
        return ctl_usage_error(cmd, "--reason and --no-reason exclude each other");
    if (summary && no_summary)
        return ctl_usage_error(cmd, "--summary and --no-summary exclude each other");
    if (public && no_public)
        return ctl_usage_error(cmd, "--public and --no-public exclude each other");
    if (outcome && (st = parse_outcome(cmd, outcome, &o)) != CTL_CONTINUE)
        return st;
    char full[CRM_ID_LEN + 1];
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK ||
        (st = ctl_expand_id(ctl, CRM_RECORD_INTERACTION, &pos[0], full)) != EXIT_OK)
        return st;

    /* All the changes or none. */
    crm_db *db = ctl->db;
    const char *id = pos[0];
    int rc = crm_begin(db);
    if (rc == CRM_OK && outcome)
        rc = crm_interaction_set_outcome(db, id, o);
    if (rc == CRM_OK && (reason || no_reason))
        rc = crm_interaction_set_reason(db, id, reason);
    if (rc == CRM_OK && (summary || no_summary))
        rc = crm_interaction_set_summary(db, id, summary);
    if (rc == CRM_OK && (public || no_public))
        rc = crm_interaction_set_public(db, id, public);
    if (rc == CRM_OK)
        rc = crm_commit(db);
    if (rc != CRM_OK) {
        /* Report before rolling back: the rollback replaces the message. */
        st = ctl_fail(ctl, rc);
        if (crm_in_transaction(db))
            crm_rollback(db);
        return st;
    }

    crm_interaction *i;
    if ((rc = crm_interaction_get(&i, db, id)) != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_interaction(&j, NULL, i);
        ctl_json_finish(&j);
    } else {
        crm_outcome_t now = crm_interaction_outcome(i);
        ctl_printf("Updated %s:", crm_interaction_id(i));
        const char *sep = "";
        if (outcome) {
            ctl_printf(" outcome %s", now == CRM_OUTCOME_NONE ? "cleared" : crm_outcome_name(now));
            sep = ",";
        }
        if (reason || no_reason) {
            ctl_printf("%s reason %s", sep,
                       crm_interaction_reason(i) ? crm_interaction_reason(i) : "cleared");
            sep = ",";
        }
        if (summary || no_summary) {
            ctl_printf("%s summary %s", sep, summary ? "set" : "cleared");
            sep = ",";
        }
        if (public || no_public)
            ctl_printf("%s %s", sep, public ? "public" : "not public");
        puts(".");
    }
    crm_interaction_free(i);
    return EXIT_OK;
}

/* "phone,email,whatsapp" as the filter's channel names, which point into
 * words. */
#define MAX_CHANNELS 32
typedef struct channel_list {
    char words[1024];
    const char *names[MAX_CHANNELS + 1];
} channel_list;

static int parse_channels(const ctl_command *cmd, const char *list, channel_list *out)
{
    size_t len = strlen(list), k = 0;
    if (len >= sizeof out->words)
        return ctl_value_error(cmd, "--channel names too many channels");
    memcpy(out->words, list, len + 1);
    for (char *p = out->words;; k++) {
        size_t n = strcspn(p, ",");
        if (n == 0)
            return ctl_value_error(cmd, "--channel wants channel names separated by commas, not '%s'",
                                   list);
        if (k == MAX_CHANNELS)
            return ctl_value_error(cmd, "--channel names more than %d channels", MAX_CHANNELS);
        out->names[k] = p;
        if (!p[n])
            break;
        p[n] = '\0';
        p += n + 1;
    }
    out->names[k + 1] = NULL;
    return CTL_CONTINUE;
}

int cmd_timeline(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *channels = NULL, *from = NULL, *to = NULL, *reason = NULL, *direction = NULL,
               *outcome = NULL, *before = NULL, *limit = NULL, *thread = NULL, *pos[1];
    int public_only = 0;
    const ctl_option opts[] = {
        { "channel", NULL, &channels },   { "from", NULL, &from },
        { "to", NULL, &to },              { "reason", NULL, &reason },
        { "direction", NULL, &direction }, { "public", &public_only, NULL },
        { "outcome", NULL, &outcome },    { "before", NULL, &before },
        { "limit", NULL, &limit },        { "thread", NULL, &thread },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;

    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    channel_list names;
    if (channels && (st = parse_channels(cmd, channels, &names)) != CTL_CONTINUE)
        return st;
    if (channels)
        f.channel_names = names.names;
    if ((from && (st = ctl_parse_time(cmd, "from", from, &f.from)) != CTL_CONTINUE) ||
        (to && (st = ctl_parse_time(cmd, "to", to, &f.to)) != CTL_CONTINUE))
        return st;
    if (from && to && f.to <= f.from)
        return ctl_value_error(cmd, "--to must come after --from");
    if (direction) {
        crm_direction_t d;
        if ((st = parse_direction(cmd, direction, &d)) != CTL_CONTINUE)
            return st;
        f.direction = (int)d;
    }
    if (outcome) {
        crm_outcome_t o;
        if ((st = parse_outcome(cmd, outcome, &o)) != CTL_CONTINUE)
            return st;
        f.outcomes = CRM_OUTCOME_BIT(o);
    }
    if (limit) {
        uint64_t n;
        if (ctl_parse_uint(limit, UINT_MAX, &n) != 0)
            return ctl_value_error(cmd, "--limit wants a number, not '%s'", limit);
        f.limit = (unsigned int)n;
    }
    f.reason_prefix = reason;
    f.public_only = public_only;
    f.before = before;
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;
    crm_customer *c;
    if ((st = ctl_resolve_customer(ctl, pos[0], &c)) != EXIT_OK)
        return st;

    ctl_json j;
    char title[CRM_NAME_MAX + 96];
    ctl_json_init(&j, stdout);
    snprintf(title, sizeof title, "%s of %s (%s), %s:", thread ? "Conversation" : "Timeline",
             crm_customer_name(c), crm_customer_id(c), thread ? "oldest first" : "newest first");
    ctl_view v = { &j, NULL, "", 0, title, NULL };
    st = ctl_print_timeline(ctl, &v, crm_customer_id(c), &f, thread);
    if (st == EXIT_OK && ctl->json)
        ctl_json_finish(&j);
    crm_customer_free(c);
    return st;
}
