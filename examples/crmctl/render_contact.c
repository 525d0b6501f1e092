/*
 * crmctl - interactions, promises and occasions, as text and as JSON.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Text is for a person at a terminal: times in local time (UTC with
 * --utc) with how long ago or how far ahead they are, what needs attention
 * (overdue, public) in words that stand out. JSON carries every field.
 */
#include <stdlib.h>
#include <string.h>

#include "crmctl.h"
#include "timeparse.h"

/* ---- shared ------------------------------------------------------------------ */

/* A string cell, or "-" for one not recorded, so a column never has holes. */
static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

/* ---- interactions ------------------------------------------------------------------ */

const char *ctl_channel_text(char buf[64], const crm_interaction *i)
{
    const char *name = crm_interaction_channel_name(i);
    snprintf(buf, 64, "%s%s", name ? name : "?", crm_interaction_is_public(i) ? " (public)" : "");
    return buf;
}

static const char *sentiment_text(int s)
{
    switch (s) {
    case -2: return "-2 (very negative)";
    case -1: return "-1 (negative)";
    case 0: return "0 (neutral)";
    case 1: return "+1 (positive)";
    case 2: return "+2 (very positive)";
    default: return "not recorded";
    }
}

static void json_interaction_members(ctl_json *j, const crm_interaction *i)
{
    crm_outcome_t outcome = crm_interaction_outcome(i);
    int sentiment = crm_interaction_sentiment(i);
    ctl_json_string(j, "id", crm_interaction_id(i));
    ctl_json_string(j, "customer", crm_interaction_customer_id(i));
    ctl_json_string(j, "channel", crm_interaction_channel_name(i));
    ctl_json_string(j, "direction", crm_direction_name(crm_interaction_direction(i)));
    ctl_json_time(j, "at", crm_interaction_occurred_at(i));
    ctl_json_string(j, "handled_by", crm_interaction_handled_by(i));
    ctl_json_string(j, "reason", crm_interaction_reason(i));
    /* "none" is the library's word for an outcome not recorded: JSON says null. */
    ctl_json_string(j, "outcome", outcome == CRM_OUTCOME_NONE ? NULL : crm_outcome_name(outcome));
    ctl_json_bool(j, "public", crm_interaction_is_public(i));
    if (sentiment == CRM_SENTIMENT_NONE)
        ctl_json_null(j, "sentiment");
    else
        ctl_json_int(j, "sentiment", sentiment);
    ctl_json_string(j, "summary", crm_interaction_summary(i));
    ctl_json_string(j, "body", crm_interaction_body(i));
    ctl_json_string(j, "thread", crm_interaction_thread_id(i));
    ctl_json_string(j, "reply_to", crm_interaction_reply_to(i));
    ctl_json_string(j, "external_ref", crm_interaction_external_ref(i));
    ctl_json_time(j, "updated", crm_interaction_updated_at(i));
}

void ctl_json_interaction(ctl_json *j, const char *key, const crm_interaction *i)
{
    ctl_json_begin_object(j, key);
    json_interaction_members(j, i);
    ctl_json_end_object(j);
}

static const char *const timeline_headers[] = { "WHEN",    "CHANNEL", "DIR",     "BY",
                                                "REASON",  "OUTCOME", "SUMMARY", "ID" };
#define TIMELINE_COLUMNS 8

static void timeline_row(ctl_table *t, const crm_interaction *i)
{
    char when[CTL_TIME_SIZE], channel[64];
    crm_outcome_t outcome = crm_interaction_outcome(i);
    const char *cells[TIMELINE_COLUMNS] = {
        ctl_time_short(when, crm_interaction_occurred_at(i)),
        ctl_channel_text(channel, i),
        crm_direction_name(crm_interaction_direction(i)),
        or_dash(crm_interaction_handled_by(i)),
        or_dash(crm_interaction_reason(i)),
        outcome == CRM_OUTCOME_NONE ? "-" : crm_outcome_name(outcome),
        or_dash(crm_interaction_summary(i)),
        crm_interaction_id(i),
    };
    ctl_table_add(t, cells);
}

int ctl_print_timeline(crmctl *ctl, const ctl_view *v, const char *customer_id,
                       const crm_timeline_filter *filter, const char *thread)
{
    if (thread) {
        crm_interaction *first;
        int rc = crm_interaction_get(&first, ctl->db, thread);
        if (rc != CRM_OK)
            return ctl_fail(ctl, rc);
        int other = strcmp(crm_interaction_customer_id(first), customer_id) != 0;
        if (other)
            ctl_error("interaction %s is not in this customer's history (it is %s's)", thread,
                      crm_interaction_customer_id(first));
        crm_interaction_free(first);
        if (other)
            return EXIT_NOTFOUND;
    }
    crm_interaction_cursor *cur;
    int rc = thread ? crm_interaction_thread_open(&cur, ctl->db, thread, filter)
                    : crm_interaction_timeline_open(&cur, ctl->db, customer_id, filter);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);

    ctl_table t;
    ctl_table_init(&t, v->no_ids ? TIMELINE_COLUMNS - 1 : TIMELINE_COLUMNS, timeline_headers);
    if (ctl->json)
        ctl_json_begin_array(v->j, v->key);
    const crm_interaction *i;
    while ((rc = crm_interaction_cursor_next(cur, &i)) == CRM_ROW) {
        if (ctl->json)
            ctl_json_interaction(v->j, NULL, i);
        else
            timeline_row(&t, i);
    }
    crm_interaction_cursor_free(cur);
    return ctl_view_finish(ctl, v, rc, &t, "no interactions");
}

/*
 * The body as the lines it was written in, indented, so that an e-mail or a
 * transcript reads as one: its line feeds and tabs are kept, and only they
 * (escape.h, CTL_ESC_LINES). A carriage return is shown as \r, since it
 * would send the cursor back over the indent and the line.
 */
static void put_body(const char *body)
{
    size_t len = strlen(body), used;
    char piece[CTL_ESC_PIECE_MAX];
    fputs("\nBody\n  ", stdout);
    for (size_t k = 0; k < len; k += used) {
        size_t n = ctl_escape_piece(piece, body + k, len - k, &used, CTL_ESC_LINES);
        fwrite(piece, 1, n, stdout);
        if (piece[0] == '\n' && k + used < len)
            fputs("  ", stdout);
    }
    if (body[len - 1] != '\n')
        putchar('\n');
}

int ctl_print_interaction(crmctl *ctl, const crm_interaction *i)
{
    /* The conversation, gathered first: nothing half-printed on failure. */
    ctl_table thread;
    crm_interaction **copies = NULL;
    size_t ncopies = 0;
    int rc = CRM_OK;
    ctl_table_init(&thread, TIMELINE_COLUMNS, timeline_headers);
    crm_interaction_cursor *cur;
    if ((rc = crm_interaction_thread_open(&cur, ctl->db, crm_interaction_id(i), NULL)) == CRM_OK) {
        const crm_interaction *row;
        while ((rc = crm_interaction_cursor_next(cur, &row)) == CRM_ROW) {
            if (ctl->json) {
                crm_interaction **grown = realloc(copies, (ncopies + 1) * sizeof *grown);
                if (!grown || crm_interaction_dup(&grown[ncopies], row) != CRM_OK) {
                    copies = grown ? grown : copies;
                    rc = CRM_ENOMEM;
                    break;
                }
                copies = grown;
                ncopies++;
            } else {
                timeline_row(&thread, row);
            }
        }
        crm_interaction_cursor_free(cur);
        if (rc == CRM_DONE)
            rc = CRM_OK;
    }
    int st = EXIT_OK;
    if (rc == CRM_ENOMEM || thread.failed) {
        ctl_error("out of memory showing interaction %s", crm_interaction_id(i));
        st = EXIT_DATABASE;
    } else if (rc != CRM_OK) {
        st = ctl_fail(ctl, rc);
    } else if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        /* The record's own members, then its conversation, oldest first. */
        ctl_json_begin_object(&j, NULL);
        json_interaction_members(&j, i);
        ctl_json_begin_array(&j, "conversation");
        for (size_t k = 0; k < ncopies; k++)
            ctl_json_interaction(&j, NULL, copies[k]);
        ctl_json_end_array(&j);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        char when[CTL_TIME_SIZE], ago[CTL_TIME_SIZE], channel[64], updated[CTL_TIME_SIZE];
        crm_customer *c = NULL;
        crm_outcome_t outcome = crm_interaction_outcome(i);
        int64_t now = crm_now();
        /* The customer's name is a courtesy: its id does when it cannot be read. */
        if (crm_customer_get(&c, ctl->db, crm_interaction_customer_id(i)) != CRM_OK)
            c = NULL;
        ctl_printf("Interaction %s\n", crm_interaction_id(i));
        ctl_printf("  customer    %s%s%s%s\n", c ? crm_customer_name(c) : "",
                   c ? " (" : "", crm_interaction_customer_id(i), c ? ")" : "");
        ctl_printf("  when        %s (%s)\n", ctl_time_human(when, crm_interaction_occurred_at(i)),
                   ctl_time_ago(ago, crm_interaction_occurred_at(i), now));
        ctl_printf("  channel     %s, %s\n", ctl_channel_text(channel, i),
                   crm_direction_name(crm_interaction_direction(i)));
        ctl_printf("  handled by  %s\n", or_dash(crm_interaction_handled_by(i)));
        ctl_printf("  reason      %s\n", or_dash(crm_interaction_reason(i)));
        ctl_printf("  outcome     %s\n",
                   outcome == CRM_OUTCOME_NONE ? "not recorded" : crm_outcome_name(outcome));
        ctl_printf("  public      %s\n",
                   crm_interaction_is_public(i) ? "yes: the whole world can see it" : "no");
        ctl_printf("  sentiment   %s\n", sentiment_text(crm_interaction_sentiment(i)));
        ctl_printf("  summary     %s\n", or_dash(crm_interaction_summary(i)));
        if (crm_interaction_reply_to(i))
            ctl_printf("  reply to    %s\n", crm_interaction_reply_to(i));
        if (crm_interaction_external_ref(i))
            ctl_printf("  reference   %s\n", crm_interaction_external_ref(i));
        ctl_printf("  updated     %s\n", ctl_time_human(updated, crm_interaction_updated_at(i)));
        crm_customer_free(c);
        const char *body = crm_interaction_body(i);
        if (body)
            put_body(body);
        if (thread.nrows > 1) {
            ctl_printf("\nConversation (%zu interactions, oldest first)\n", thread.nrows);
            if (ctl_table_print(&thread, stdout, "  ") != 0) {
                ctl_error("out of memory showing interaction %s", crm_interaction_id(i));
                st = EXIT_DATABASE;
            }
        }
    }
    for (size_t k = 0; k < ncopies; k++)
        crm_interaction_free(copies[k]);
    free(copies);
    ctl_table_free(&thread);
    return st;
}

/* ---- promises ------------------------------------------------------------------ */

const char *ctl_promise_status(char buf[64], const crm_promise *p, int64_t as_of)
{
    char d[CTL_TIME_SIZE];
    crm_promise_state_t state = crm_promise_state(p);
    if (crm_promise_is_overdue(p, as_of))
        snprintf(buf, 64, "OVERDUE by %s", ctl_duration(d, as_of - crm_promise_due_at(p)));
    else if (state == CRM_PROMISE_KEPT && crm_promise_was_kept_late(p))
        snprintf(buf, 64, "kept late, by %s",
                 ctl_duration(d, crm_promise_closed_at(p) - crm_promise_due_at(p)));
    else
        snprintf(buf, 64, "%s", crm_promise_state_name(state) ? crm_promise_state_name(state)
                                                              : "?");
    return buf;
}

static void json_promise_members(ctl_json *j, const crm_promise *p, int64_t as_of)
{
    ctl_json_string(j, "id", crm_promise_id(p));
    ctl_json_string(j, "customer", crm_promise_customer_id(p));
    ctl_json_string(j, "made_during", crm_promise_interaction_id(p));
    ctl_json_string(j, "owner", crm_promise_owner(p));
    ctl_json_string(j, "what", crm_promise_what(p));
    ctl_json_string(j, "state", crm_promise_state_name(crm_promise_state(p)));
    ctl_json_time(j, "due", crm_promise_due_at(p));
    ctl_json_time(j, "made", crm_promise_made_at(p));
    if (crm_promise_closed_at(p) != CRM_TIME_NONE)
        ctl_json_time(j, "closed", crm_promise_closed_at(p));
    else
        ctl_json_null(j, "closed");
    ctl_json_string(j, "kept_by", crm_promise_kept_by(p));
    ctl_json_bool(j, "overdue", crm_promise_is_overdue(p, as_of));
    ctl_json_bool(j, "kept_late", crm_promise_was_kept_late(p));
    ctl_json_int(j, "renegotiations", crm_promise_renegotiations(p));
}

void ctl_json_promise(ctl_json *j, const char *key, const crm_promise *p, int64_t as_of)
{
    ctl_json_begin_object(j, key);
    json_promise_members(j, p, as_of);
    ctl_json_end_object(j);
}

/* A promise's history, copied out of its cursor. */
typedef struct promise_event {
    crm_promise_event_kind_t kind;
    int64_t at, old_due, new_due;
    int agreed;
    char *actor, *interaction, *note;
} promise_event;

typedef struct history {
    promise_event *events;
    size_t n;
} history;

static void history_free(history *h)
{
    for (size_t k = 0; k < h->n; k++) {
        free(h->events[k].actor);
        free(h->events[k].interaction);
        free(h->events[k].note);
    }
    free(h->events);
    memset(h, 0, sizeof *h);
}

static char *dup_or_null(const char *s, int *ok)
{
    if (!s)
        return NULL;
    char *d = strdup(s);
    if (!d)
        *ok = 0;
    return d;
}

/* CRM_OK, CRM_ENOMEM, or the library's failure. h must be freed in every case. */
static int history_load(crmctl *ctl, history *h, const char *id)
{
    memset(h, 0, sizeof *h);
    crm_promise_event_cursor *cur;
    int rc = crm_promise_event_list_open(&cur, ctl->db, id);
    if (rc != CRM_OK)
        return rc;
    const crm_promise_event *e;
    while ((rc = crm_promise_event_cursor_next(cur, &e)) == CRM_ROW) {
        promise_event *grown = realloc(h->events, (h->n + 1) * sizeof *grown);
        if (!grown) {
            rc = CRM_ENOMEM;
            break;
        }
        h->events = grown;
        promise_event *pe = &h->events[h->n++];
        int ok = 1;
        pe->kind = crm_promise_event_kind(e);
        pe->at = crm_promise_event_at(e);
        pe->old_due = crm_promise_event_old_due(e);
        pe->new_due = crm_promise_event_new_due(e);
        pe->agreed = crm_promise_event_customer_agreed(e);
        pe->actor = dup_or_null(crm_promise_event_actor(e), &ok);
        pe->interaction = dup_or_null(crm_promise_event_interaction_id(e), &ok);
        pe->note = dup_or_null(crm_promise_event_note(e), &ok);
        if (!ok) {
            rc = CRM_ENOMEM;
            break;
        }
    }
    crm_promise_event_cursor_free(cur);
    return rc == CRM_DONE ? CRM_OK : rc;
}

/* "2026-05-15 17:00 → 2026-05-18 17:00" for a renegotiated promise. */
static const char *due_text(char buf[2 * CTL_TIME_SIZE + 8], int64_t first, int64_t now_due)
{
    char a[CTL_TIME_SIZE], b[CTL_TIME_SIZE];
    if (first && first != now_due)
        snprintf(buf, 2 * CTL_TIME_SIZE + 8, "%s → %s", ctl_time_short(a, first),
                 ctl_time_short(b, now_due));
    else
        snprintf(buf, 2 * CTL_TIME_SIZE + 8, "%s", ctl_time_short(a, now_due));
    return buf;
}

int ctl_print_promises(crmctl *ctl, const ctl_view *v, const crm_promise_filter *filter,
                       int64_t as_of)
{
    static const char *const headers[] = { "DUE", "STATUS", "CUSTOMER", "OWNER", "WHAT", "ID" };
    crm_promise_cursor *cur;
    int rc = crm_promise_list_open(&cur, ctl->db, filter);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);

    ctl_table t;
    ctl_names names = { 0 };
    ctl_table_init(&t, v->no_ids ? 5 : 6, headers);
    if (ctl->json)
        ctl_json_begin_array(v->j, v->key);
    const crm_promise *p;
    while ((rc = crm_promise_cursor_next(cur, &p)) == CRM_ROW) {
        /* The due time it was made with, shown when it was moved. */
        int64_t first = crm_promise_renegotiations(p) > 0 ? crm_promise_first_due_at(p) : 0;
        const char *name = ctl_names_get(ctl, &names, crm_promise_customer_id(p));
        if (ctl->json) {
            ctl_json_begin_object(v->j, NULL);
            json_promise_members(v->j, p, as_of);
            ctl_json_string(v->j, "customer_name", name);
            if (first)
                ctl_json_time(v->j, "first_due", first);
            else
                ctl_json_null(v->j, "first_due");
            ctl_json_end_object(v->j);
        } else {
            char due[2 * CTL_TIME_SIZE + 8], status[64];
            const char *cells[] = { due_text(due, first, crm_promise_due_at(p)),
                                    ctl_promise_status(status, p, as_of),
                                    name ? name : crm_promise_customer_id(p),
                                    crm_promise_owner(p), crm_promise_what(p), crm_promise_id(p) };
            ctl_table_add(&t, cells);
        }
    }
    crm_promise_cursor_free(cur);
    ctl_names_free(&names);
    return ctl_view_finish(ctl, v, rc, &t, "no promises");
}

static const char *event_due_text(char buf[2 * CTL_TIME_SIZE + 8], const promise_event *e)
{
    return e->kind == CRM_PROMISE_EVENT_RENEGOTIATED ? due_text(buf, e->old_due, e->new_due)
                                               : due_text(buf, 0, e->new_due);
}

int ctl_print_promise(crmctl *ctl, const crm_promise *p, int64_t as_of)
{
    history h;
    int rc = history_load(ctl, &h, crm_promise_id(p));
    if (rc != CRM_OK) {
        history_free(&h);
        if (rc == CRM_ENOMEM) {
            ctl_error("out of memory showing promise %s", crm_promise_id(p));
            return EXIT_DATABASE;
        }
        return ctl_fail(ctl, rc);
    }

    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        json_promise_members(&j, p, as_of);
        ctl_json_begin_array(&j, "history");
        for (size_t k = 0; k < h.n; k++) {
            const promise_event *e = &h.events[k];
            ctl_json_begin_object(&j, NULL);
            ctl_json_string(&j, "event", crm_promise_event_kind_name(e->kind));
            ctl_json_time(&j, "at", e->at);
            ctl_json_string(&j, "actor", e->actor);
            if (e->old_due != CRM_TIME_NONE)
                ctl_json_time(&j, "old_due", e->old_due);
            else
                ctl_json_null(&j, "old_due");
            ctl_json_time(&j, "new_due", e->new_due);
            ctl_json_bool(&j, "customer_agreed", e->agreed);
            ctl_json_string(&j, "interaction", e->interaction);
            ctl_json_string(&j, "note", e->note);
            ctl_json_end_object(&j);
        }
        ctl_json_end_array(&j);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
        history_free(&h);
        return EXIT_OK;
    }

    static const char *const headers[] = { "WHEN", "EVENT", "BY", "DUE", "AGREED", "NOTE" };
    char buf[CTL_TIME_SIZE], ago[CTL_TIME_SIZE], status[64];
    crm_customer *c = NULL;
    if (crm_customer_get(&c, ctl->db, crm_promise_customer_id(p)) != CRM_OK)
        c = NULL;
    crm_promise_state_t state = crm_promise_state(p);
    ctl_printf("Promise %s\n", crm_promise_id(p));
    ctl_printf("  to          %s%s%s%s\n", c ? crm_customer_name(c) : "", c ? " (" : "",
               crm_promise_customer_id(p), c ? ")" : "");
    ctl_printf("  what        %s\n", crm_promise_what(p));
    ctl_printf("  owner       %s\n", crm_promise_owner(p));
    ctl_printf("  state       %s\n", ctl_promise_status(status, p, as_of));
    ctl_printf("  due         %s (%s)", ctl_time_human(buf, crm_promise_due_at(p)),
               ctl_time_ago(ago, crm_promise_due_at(p), as_of));
    int renegotiations = crm_promise_renegotiations(p);
    if (renegotiations > 0) {
        char first[CTL_TIME_SIZE];
        ctl_printf(", renegotiated %d time%s; first due %s", renegotiations,
                   renegotiations == 1 ? "" : "s",
                   ctl_time_short(first, crm_promise_first_due_at(p)));
    }
    putchar('\n');
    ctl_printf("  made        %s", ctl_time_human(buf, crm_promise_made_at(p)));
    if (crm_promise_interaction_id(p))
        ctl_printf(", during %s", crm_promise_interaction_id(p));
    putchar('\n');
    if (state != CRM_PROMISE_OPEN)
        ctl_printf("  %-11s %s\n", crm_promise_state_name(state),
                   ctl_time_human(buf, crm_promise_closed_at(p)));
    if (crm_promise_kept_by(p))
        ctl_printf("  kept by     %s\n", crm_promise_kept_by(p));
    crm_customer_free(c);

    ctl_table t;
    ctl_table_init(&t, 6, headers);
    for (size_t k = 0; k < h.n; k++) {
        const promise_event *e = &h.events[k];
        char when[CTL_TIME_SIZE], due[2 * CTL_TIME_SIZE + 8];
        const char *agreed = e->kind != CRM_PROMISE_EVENT_RENEGOTIATED ? ""
                             : e->agreed                         ? "customer agreed"
                                                                 : "not agreed";
        const char *cells[] = { ctl_time_short(when, e->at), crm_promise_event_kind_name(e->kind),
                                or_dash(e->actor), event_due_text(due, e), agreed,
                                e->note ? e->note : "" };
        ctl_table_add(&t, cells);
    }
    history_free(&h);
    ctl_printf("\nHistory\n");
    ctl_view v = { NULL, NULL, "  ", 0, NULL, NULL };
    return ctl_view_finish(ctl, &v, CRM_DONE, &t, "no history");
}

/* ---- occasions ------------------------------------------------------------------ */

const char *ctl_occasion_when(char buf[64], const crm_occasion *o)
{
    if (!crm_occasion_is_yearly(o))
        snprintf(buf, 64, "once, %04d-%02d-%02d", crm_occasion_year(o), crm_occasion_month(o),
                 crm_occasion_day(o));
    else if (crm_occasion_year(o))
        snprintf(buf, 64, "every %02d-%02d, since %04d", crm_occasion_month(o),
                 crm_occasion_day(o), crm_occasion_year(o));
    else
        snprintf(buf, 64, "every %02d-%02d", crm_occasion_month(o), crm_occasion_day(o));
    return buf;
}

void ctl_json_occasion(ctl_json *j, const char *key, const crm_occasion *o, int upcoming,
                       int64_t today, const char *customer_name)
{
    char date[CTL_TIME_SIZE];
    ctl_json_begin_object(j, key);
    ctl_json_string(j, "id", crm_occasion_id(o));
    ctl_json_string(j, "customer", crm_occasion_customer_id(o));
    ctl_json_string(j, "kind", crm_occasion_kind(o));
    ctl_json_bool(j, "yearly", crm_occasion_is_yearly(o));
    if (crm_occasion_year(o))
        ctl_json_int(j, "year", crm_occasion_year(o));
    else
        ctl_json_null(j, "year");
    ctl_json_int(j, "month", crm_occasion_month(o));
    ctl_json_int(j, "day", crm_occasion_day(o));
    ctl_json_int(j, "lead_days", crm_occasion_lead_days(o));
    ctl_json_string(j, "note", crm_occasion_note(o));
    if (upcoming) {
        int y = crm_occasion_next_year(o), m = crm_occasion_next_month(o),
            d = crm_occasion_next_day(o);
        int64_t days = ctl_days_from_date(y, m, d);
        int sy, sm, sd;
        ctl_date_from_days(days - crm_occasion_lead_days(o), &sy, &sm, &sd);
        if (customer_name)
            ctl_json_string(j, "customer_name", customer_name);
        /* Calendar dates, not times: the day is the same in every zone. */
        ctl_json_string(j, "date", ctl_date_text(date, y, m, d, 0));
        ctl_json_string(j, "surfaces", ctl_date_text(date, sy, sm, sd, 0));
        ctl_json_int(j, "days_until", days - today);
        if (crm_occasion_years(o))
            ctl_json_int(j, "years", crm_occasion_years(o));
        else
            ctl_json_null(j, "years");
    }
    ctl_json_end_object(j);
}

/* "today", "tomorrow", "in 12 days", "3 days ago". */
static const char *days_text(char buf[CTL_TIME_SIZE], int64_t days)
{
    if (days == 0)
        snprintf(buf, CTL_TIME_SIZE, "today");
    else if (days == 1)
        snprintf(buf, CTL_TIME_SIZE, "tomorrow");
    else if (days > 1)
        snprintf(buf, CTL_TIME_SIZE, "in %lld days", (long long)days);
    else
        snprintf(buf, CTL_TIME_SIZE, "%lld day%s ago", (long long)-days, days == -1 ? "" : "s");
    return buf;
}

/* "birthday (turns 42)", "anniversary (5 years)", "renewal". */
static const char *occasion_text(char buf[96], const crm_occasion *o)
{
    int years = crm_occasion_years(o);
    if (years > 0 && strcmp(crm_occasion_kind(o), "birthday") == 0)
        snprintf(buf, 96, "birthday (turns %d)", years);
    else if (years > 0)
        snprintf(buf, 96, "%s (%d year%s)", crm_occasion_kind(o), years, years == 1 ? "" : "s");
    else
        snprintf(buf, 96, "%s", crm_occasion_kind(o));
    return buf;
}

int ctl_print_upcoming(crmctl *ctl, const ctl_view *v, int64_t first_day, int days,
                       int64_t today)
{
    static const char *const headers[] = { "DATE", "WHEN", "CUSTOMER", "OCCASION", "NOTE",
                                           "ID" };
    crm_occasion_cursor *cur;
    int fy, fm, fd;
    ctl_date_from_days(first_day, &fy, &fm, &fd);
    int rc = crm_occasion_upcoming_open(&cur, ctl->db, fy, fm, fd, days);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    ctl_table t;
    ctl_names names = { 0 };
    ctl_table_init(&t, v->no_ids ? 5 : 6, headers);
    if (ctl->json)
        ctl_json_begin_array(v->j, v->key);
    const crm_occasion *o;
    char seen[64][CRM_ID_LEN + 1]; /* one customer's occasions, each shown once */
    size_t nseen = 0;
    while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW) {
        if (v->customer) {
            if (strcmp(v->customer, crm_occasion_customer_id(o)) != 0)
                continue;
            size_t k = 0;
            while (k < nseen && strcmp(seen[k], crm_occasion_id(o)) != 0)
                k++;
            if (k < nseen)
                continue;
            if (nseen < 64)
                snprintf(seen[nseen++], CRM_ID_LEN + 1, "%s", crm_occasion_id(o));
        }
        const char *name = ctl_names_get(ctl, &names, crm_occasion_customer_id(o));
        if (ctl->json) {
            ctl_json_occasion(v->j, NULL, o, 1, today, name);
            continue;
        }
        int y = crm_occasion_next_year(o), m = crm_occasion_next_month(o),
            d = crm_occasion_next_day(o);
        char date[CTL_TIME_SIZE], when[CTL_TIME_SIZE], what[96];
        const char *cells[] = { ctl_date_text(date, y, m, d, 1),
                                days_text(when, ctl_days_from_date(y, m, d) - today),
                                name ? name : crm_occasion_customer_id(o),
                                occasion_text(what, o),
                                or_dash(crm_occasion_note(o)),
                                crm_occasion_id(o) };
        ctl_table_add(&t, cells);
    }
    crm_occasion_cursor_free(cur);
    ctl_names_free(&names);
    return ctl_view_finish(ctl, v, rc, &t, "no occasions coming up");
}
