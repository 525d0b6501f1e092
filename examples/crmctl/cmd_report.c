/*
 * crmctl - the reports (crm/report.h): one command, the report by name,
 * its rows as a table, JSON or CSV under the column names libcrm gives.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "crmctl.h"

typedef int (*report_open_fn)(crm_report_cursor **, crm_db *, const crm_report_options *);

static const struct {
    const char *name;
    report_open_fn open;
} reports[] = {
    { "reasons", crm_report_reasons_open },     { "repeats", crm_report_repeats_open },
    { "fcr", crm_report_fcr_open },             { "handover", crm_report_handover_open },
    { "keep-rate", crm_report_keep_rate_open }, { "channel-mix", crm_report_channel_mix_open },
};
#define NREPORTS (sizeof reports / sizeof reports[0])

const char *ctl_report_name(int i)
{
    return i >= 0 && (size_t)i < NREPORTS ? reports[i].name : NULL;
}
#define CHANNELS_MAX 16
#define COLUMNS_MAX 16

/* A NULL text as a table shows it: the row of contacts without a reason,
 * the keep-rate's row of every owner. */
static const char *null_text(const char *column)
{
    if (strcmp(column, "reason") == 0)
        return "(none)";
    if (strcmp(column, "owner") == 0)
        return "(all)";
    return "";
}

static int number(const ctl_command *cmd, const char *option, const char *text, uint64_t max,
                  int *out)
{
    uint64_t v;
    if (text && ctl_parse_uint(text, max, &v) != 0)
        return ctl_value_error(cmd, "--%s wants a number from 0 to %llu, not '%s'", option,
                               (unsigned long long)max, text);
    *out = text ? (int)v : 0;
    return CTL_CONTINUE;
}

int cmd_report(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *from = NULL, *to = NULL, *channels = NULL, *owner = NULL, *depth = NULL,
               *repeat_days = NULL, *handover = NULL, *as_of = NULL, *period = NULL;
    int by_channel = 0;
    const ctl_option opts[] = {
        { "from", NULL, &from },
        { "to", NULL, &to },
        { "channels", NULL, &channels },
        { "owner", NULL, &owner },
        { "depth", NULL, &depth },
        { "repeat-days", NULL, &repeat_days },
        { "handover-minutes", NULL, &handover },
        { "as-of", NULL, &as_of },
        { "period", NULL, &period },
        { "by-channel", &by_channel, NULL },
        { NULL, NULL, NULL },
    };
    const char *pos[1];
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;
    size_t which = 0;
    while (which < NREPORTS && strcmp(reports[which].name, pos[0]) != 0)
        which++;
    if (which == NREPORTS)
        return ctl_value_error(cmd, "no report is called '%s'; the reports are reasons, "
                                    "repeats, fcr, handover, keep-rate and channel-mix",
                               pos[0]);
    crm_report_options o = CRM_REPORT_OPTIONS_INIT;
    o.by_channel = by_channel;
    o.owner = owner;
    if ((from && (st = ctl_parse_time(cmd, "from", from, &o.from)) != CTL_CONTINUE) ||
        (to && (st = ctl_parse_time(cmd, "to", to, &o.to)) != CTL_CONTINUE) ||
        (as_of && (st = ctl_parse_time(cmd, "as-of", as_of, &o.as_of)) != CTL_CONTINUE) ||
        (st = number(cmd, "depth", depth, CRM_REPORT_DEPTH_MAX, &o.depth)) != CTL_CONTINUE ||
        (st = number(cmd, "repeat-days", repeat_days, CRM_REPORT_REPEAT_DAYS_MAX,
                     &o.repeat_days)) != CTL_CONTINUE ||
        (st = number(cmd, "handover-minutes", handover, CRM_REPORT_HANDOVER_MINUTES_MAX,
                     &o.handover_minutes)) != CTL_CONTINUE)
        return st;
    if (period && crm_report_period_parse(&o.period, period) != CRM_OK)
        return ctl_value_error(cmd, "--period is day, week or month, not '%s'", period);
    /* --channels phone,whatsapp: the words, each checked by libcrm. */
    char *words = NULL;
    const char *names[CHANNELS_MAX + 1] = { NULL };
    if (channels) {
        if (!(words = strdup(channels)))
            return ctl_usage_error(cmd, "out of memory reading --channels");
        size_t n = 0;
        for (char *save = NULL, *w = strtok_r(words, ",", &save); w;
             w = strtok_r(NULL, ",", &save)) {
            if (n == CHANNELS_MAX) {
                free(words);
                return ctl_value_error(cmd, "--channels names at most %d channels",
                                       CHANNELS_MAX);
            }
            names[n++] = w;
        }
        o.channel_names = names;
    }
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK) {
        free(words);
        return st;
    }
    ctl_json j;
    ctl_json_init(&j, stdout);
    ctl_view v = { &j, NULL, "", 0, NULL, NULL };
    st = ctl_print_report(ctl, &v, reports[which].name, &o);
    free(words);
    if (st == EXIT_OK && ctl->json)
        ctl_json_finish(&j);
    return st;
}

int ctl_print_report(crmctl *ctl, ctl_view *v, const char *name, const crm_report_options *o)
{
    size_t which = 0;
    while (which < NREPORTS && strcmp(reports[which].name, name) != 0)
        which++;
    if (which == NREPORTS) {
        ctl_error("no report is called '%s'", name);
        return EXIT_USAGE;
    }
    crm_report_cursor *cur;
    int rc = reports[which].open(&cur, ctl->db, o);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);

    int ncols = crm_report_column_count(cur);
    char head[COLUMNS_MAX][40];
    const char *headers[COLUMNS_MAX];
    for (int c = 0; c < ncols && c < COLUMNS_MAX; c++) {
        snprintf(head[c], sizeof head[c], "%s", crm_report_column_name(cur, c));
        for (char *p = head[c]; *p; p++)
            *p = *p == '_' ? ' ' : (char)toupper((unsigned char)*p);
        headers[c] = head[c];
    }
    ctl_table t;
    ctl_json *j = v->j;
    ctl_table_init(&t, (size_t)ncols, headers);
    if (ctl->json)
        ctl_json_begin_array(j, v->key);
    const crm_report_row *row;
    while ((rc = crm_report_cursor_next(cur, &row)) == CRM_ROW) {
        char cell[COLUMNS_MAX][CTL_TIME_SIZE];
        const char *cells[COLUMNS_MAX];
        if (ctl->json)
            ctl_json_begin_object(j, NULL);
        for (int c = 0; c < ncols && c < COLUMNS_MAX; c++) {
            const char *col = crm_report_column_name(cur, c);
            int null = crm_report_row_is_null(row, c);
            cells[c] = cell[c];
            switch (crm_report_column_type(cur, c)) {
            case CRM_VALUE_TEXT:
                cells[c] = null ? null_text(col) : crm_report_row_text(row, c);
                if (ctl->json)
                    ctl_json_string(j, col, crm_report_row_text(row, c));
                break;
            case CRM_VALUE_REAL:
                /* a share: JSON and CSV give the fraction, a table the percentage */
                snprintf(cell[c], sizeof cell[c], "%.4f", crm_report_row_real(row, c));
                if (ctl->json && null)
                    ctl_json_null(j, col);
                else if (ctl->json)
                    ctl_json_raw(j, col, cell[c]);
                if (null)
                    cells[c] = "-";
                else
                    snprintf(cell[c], sizeof cell[c], "%.1f%%",
                             100 * crm_report_row_real(row, c));
                break;
            case CRM_VALUE_TIME:
                ctl_time_short(cell[c], crm_report_row_int(row, c));
                if (ctl->json)
                    ctl_json_time(j, col, crm_report_row_int(row, c));
                break;
            default:
                snprintf(cell[c], sizeof cell[c], "%lld", (long long)crm_report_row_int(row, c));
                if (ctl->json)
                    ctl_json_int(j, col, crm_report_row_int(row, c));
                break;
            }
        }
        if (ctl->json)
            ctl_json_end_object(j);
        else
            ctl_table_add(&t, cells);
    }
    crm_report_cursor_free(cur);
    return ctl_view_finish(ctl, v, rc, &t, "no rows: nothing in the window");
}
