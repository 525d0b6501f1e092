/*
 * crmctl - the occasion commands.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * libcrm's occasions are calendar dates, and crm_occasion_upcoming_open()
 * takes its window as calendar dates too. A person means the days of their
 * own calendar: the window starts on the date it is where they are (local
 * time, or UTC with --utc).
 */
#include <string.h>

#include "crmctl.h"
#include "timeparse.h"

int cmd_occasion_add(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *kind = NULL, *date = NULL, *yearly = NULL, *year = NULL, *lead = NULL,
               *note = NULL, *pos[1];
    const ctl_option opts[] = {
        { "kind", NULL, &kind },     { "date", NULL, &date }, { "yearly", NULL, &yearly },
        { "year", NULL, &year },     { "lead", NULL, &lead }, { "note", NULL, &note },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;

    crm_occasion_spec spec = CRM_OCCASION_SPEC_INIT;
    const char *why;
    if (!kind)
        return ctl_usage_error(cmd, "--kind is required (birthday, renewal, anniversary, ...)");
    if (!date == !yearly)
        return ctl_usage_error(cmd, "give either --date YYYY-MM-DD (once) or --yearly MM-DD");
    if (date) {
        if (year)
            return ctl_usage_error(cmd, "--year goes with --yearly; --date has its year");
        if (ctl_date_parse(date, &spec.year, &spec.month, &spec.day, &why) != 0)
            return ctl_value_error(cmd, "--date: '%s' is not a date (%s); write YYYY-MM-DD",
                                   date, why);
    } else {
        spec.yearly = 1;
        if (ctl_month_day_parse(yearly, &spec.month, &spec.day, &why) != 0)
            return ctl_value_error(cmd, "--yearly: '%s' is not a day of the year (%s); write MM-DD",
                                   yearly, why);
        uint64_t y;
        if (year && (ctl_parse_uint(year, 9999, &y) != 0 || y == 0))
            return ctl_value_error(cmd, "--year wants a year from 1 to 9999, not '%s'", year);
        if (year)
            spec.year = (int)y;
    }
    if (lead) {
        uint64_t n;
        if (ctl_parse_uint(lead, CRM_OCCASION_LEAD_MAX, &n) != 0)
            return ctl_value_error(cmd, "--lead wants a number of days from 0 to %d, not '%s'",
                                   CRM_OCCASION_LEAD_MAX, lead);
        spec.lead_days = (int)n;
    }
    char customer[CRM_ID_LEN + 1];
    if ((st = ctl_open_customer(ctl, CTL_WRITE, pos[0], customer)) != EXIT_OK)
        return st;
    spec.customer_id = customer;
    spec.kind = kind;
    spec.note = note;

    crm_occasion *o;
    int rc = crm_occasion_add(&o, ctl->db, &spec);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_occasion(&j, NULL, o, 0, 0, NULL);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s\n", crm_occasion_id(o));
    }
    crm_occasion_free(o);
    return EXIT_OK;
}

int cmd_occasion_remove(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    int st = ctl_start(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_WRITE);
    if (st != CTL_CONTINUE)
        return st;
    char id[CRM_ID_LEN + 1];
    if ((st = ctl_expand_id(ctl, CRM_RECORD_OCCASION, &pos[0], id)) != EXIT_OK)
        return st;
    /* Read first, to say what went. */
    crm_occasion *o;
    int rc = crm_occasion_get(&o, ctl->db, pos[0]);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if ((rc = crm_occasion_remove(ctl->db, pos[0])) != CRM_OK) {
        st = ctl_fail(ctl, rc);
        crm_occasion_free(o);
        return st;
    }
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_string(&j, "id", crm_occasion_id(o));
        ctl_json_string(&j, "customer", crm_occasion_customer_id(o));
        ctl_json_string(&j, "kind", crm_occasion_kind(o));
        ctl_json_bool(&j, "removed", 1);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        char when[64];
        ctl_names names = { 0 };
        const char *name = ctl_names_get(ctl, &names, crm_occasion_customer_id(o));
        ctl_printf("Removed %s's %s (%s).\n", name ? name : crm_occasion_customer_id(o),
                   crm_occasion_kind(o), ctl_occasion_when(when, o));
        ctl_names_free(&names);
    }
    crm_occasion_free(o);
    return EXIT_OK;
}

int cmd_occasion_list(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    static const char *const headers[] = { "KIND", "WHEN", "LEAD", "NOTE", "ID" };
    const char *pos[1];
    char customer[CRM_ID_LEN + 1];
    int st = ctl_start_customer(ctl, cmd, argc, argv, NULL, pos, 1, 1, CTL_READ, customer);
    if (st != CTL_CONTINUE)
        return st;
    crm_occasion_cursor *cur;
    int rc = crm_occasion_list_open(&cur, ctl->db, customer);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    ctl_table t;
    ctl_json j;
    ctl_table_init(&t, 5, headers);
    ctl_json_init(&j, stdout);
    if (ctl->json)
        ctl_json_begin_array(&j, NULL);
    const crm_occasion *o;
    while ((rc = crm_occasion_cursor_next(cur, &o)) == CRM_ROW) {
        if (ctl->json) {
            ctl_json_occasion(&j, NULL, o, 0, 0, NULL);
            continue;
        }
        char when[64], lead[32];
        int n = crm_occasion_lead_days(o);
        if (n)
            snprintf(lead, sizeof lead, "%d day%s before", n, n == 1 ? "" : "s");
        else
            snprintf(lead, sizeof lead, "on the day");
        const char *cells[] = { crm_occasion_kind(o), ctl_occasion_when(when, o), lead,
                                crm_occasion_note(o) ? crm_occasion_note(o) : "-",
                                crm_occasion_id(o) };
        ctl_table_add(&t, cells);
    }
    crm_occasion_cursor_free(cur);
    return ctl_list_finish(ctl, rc, &t, &j, 1, "occasions");
}

int cmd_occasion_upcoming(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *days = NULL;
    const ctl_option opts[] = {
        { "from", NULL, &from },
        { "to", NULL, &to },
        { "days", NULL, &days },
        { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, NULL, 0, 0);
    if (st != CTL_CONTINUE)
        return st;
    int64_t now = crm_now(), start = now, end = 0;
    uint64_t ndays = 30;
    if (to && days)
        return ctl_usage_error(cmd, "--to and --days exclude each other");
    if ((from && (st = ctl_parse_time(cmd, "from", from, &start)) != CTL_CONTINUE) ||
        (to && (st = ctl_parse_time(cmd, "to", to, &end)) != CTL_CONTINUE))
        return st;
    if (days && (ctl_parse_uint(days, 3653, &ndays) != 0 || ndays == 0))
        return ctl_value_error(cmd, "--days wants a number of days from 1 to 3653, not '%s'",
                               days);

    /* Days of the person's calendar; the window ends with the day that
     * holds the last moment before --to. */
    int64_t first_day = ctl_day_of(start, ctl->utc), today = ctl_day_of(now, ctl->utc);
    int64_t last_day = to ? ctl_day_of(end - 1, ctl->utc) : first_day + (int64_t)ndays - 1;
    if (last_day < first_day)
        return ctl_value_error(cmd, "--to must come after the window's first day");
    if (last_day - first_day >= 3653)
        return ctl_value_error(cmd, "the window is longer than 3653 days (10 years)");
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;

    char title[160], a[CTL_TIME_SIZE], b[CTL_TIME_SIZE];
    int y, m, d, ly, lm, ld;
    int ndays_window = (int)(last_day - first_day + 1);
    ctl_date_from_days(first_day, &y, &m, &d);
    ctl_date_from_days(last_day, &ly, &lm, &ld);
    snprintf(title, sizeof title, "Occasions from %s to %s (%d day%s):",
             ctl_date_text(a, y, m, d, 1), ctl_date_text(b, ly, lm, ld, 1), ndays_window,
             ndays_window == 1 ? "" : "s");
    ctl_json j;
    ctl_json_init(&j, stdout);
    ctl_view v = { &j, NULL, "", 0, title, NULL };
    st = ctl_print_upcoming(ctl, &v, first_day, ndays_window, today);
    if (st == EXIT_OK && ctl->json)
        ctl_json_finish(&j);
    return st;
}
