/*
 * crmctl - a customer's own data: export, erase for good, retention, and
 * emptying the log (docs/privacy.md).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "crmctl.h"

/* "-o FILE" is the usual spelling of an output file: read as --output. */
static void short_output(int argc, char **argv)
{
    static char output[] = "--output";
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--") == 0)
            return;
        else if (strcmp(argv[i], "-o") == 0)
            argv[i] = output;
}

int cmd_customer_export(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1], *output = NULL;
    const ctl_option opts[] = { { "output", NULL, &output }, { NULL, NULL, NULL } };
    char id[CRM_ID_LEN + 1];
    short_output(argc, argv);
    int st = ctl_start_customer(ctl, cmd, argc, argv, opts, pos, 1, 1, CTL_READ, id);
    if (st != CTL_CONTINUE)
        return st;
    if (ctl->csv)
        return ctl_usage_error(cmd, "the export is one JSON document: --csv does not apply");
    char *doc = NULL;
    int rc = crm_customer_export(&doc, ctl->db, id);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    FILE *f = output ? fopen(output, "w") : stdout;
    if (!f) {
        ctl_error("cannot write '%s': %s", output, strerror(errno));
        crm_free(doc);
        return EXIT_DATABASE;
    }
    /* The document is JSON already, exactly as libcrm made it. */
    int bad = fputs(doc, f) < 0 || fputc('\n', f) == EOF;
    if (output)
        bad |= fclose(f) != 0;
    crm_free(doc);
    if (bad) {
        ctl_error("cannot write '%s': %s", output ? output : "standard output", strerror(errno));
        return EXIT_DATABASE;
    }
    return EXIT_OK;
}

/* What a change reports: a line for people, or a flat record (--json, --csv). */
static void report_done(crmctl *ctl, const char *line, const char *const *keys,
                        const char *const *texts, const int64_t *ints, int n)
{
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        for (int i = 0; i < n; i++)
            if (texts[i])
                ctl_json_string(&j, keys[i], texts[i]);
            else
                ctl_json_int(&j, keys[i], ints[i]);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
    } else {
        ctl_printf("%s\n", line);
    }
}

int cmd_customer_erase(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[1];
    int yes = 0, no_purge = 0;
    const ctl_option opts[] = { { "yes", &yes, NULL },
                                { "no-purge", &no_purge, NULL },
                                { NULL, NULL, NULL } };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 1, 1);
    if (st != CTL_CONTINUE)
        return st;
    if (!yes)
        return ctl_usage_error(cmd, "erasing cannot be undone: add --yes to erase for good");
    /* A whole id goes to the erase as it is: erasing an erased customer
     * again does nothing and succeeds, where resolving it says it was
     * erased; and an id merged into another names no one to erase. */
    char id[CRM_ID_LEN + 1];
    if (strlen(pos[0]) == CRM_ID_LEN) {
        if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK)
            return st;
        for (int i = 0; i <= CRM_ID_LEN; i++)
            id[i] = (char)(pos[0][i] >= 'A' && pos[0][i] <= 'Z' ? pos[0][i] - 'A' + 'a' : pos[0][i]);
    } else if ((st = ctl_open_customer(ctl, CTL_WRITE, pos[0], id)) != EXIT_OK) {
        return st;
    }
    int rc = crm_customer_erase(ctl->db, id);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    if (!no_purge && (rc = crm_db_purge(ctl->db)) != CRM_OK) {
        ctl_error("erased %s, but the purge did not finish (run purge again):", id);
        return ctl_fail(ctl, rc);
    }
    char line[100];
    snprintf(line, sizeof line, no_purge ? "Erased %s (not purged yet)" : "Erased %s", id);
    static const char *const keys[] = { "id", "erased", "purged" };
    const char *texts[] = { id, NULL, NULL };
    const int64_t ints[] = { 0, 1, !no_purge };
    report_done(ctl, line, keys, texts, ints, 3);
    return EXIT_OK;
}

int cmd_purge(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    int st = ctl_start(ctl, cmd, argc, argv, NULL, NULL, 0, 0, CTL_WRITE);
    if (st != CTL_CONTINUE)
        return st;
    int rc = crm_db_purge(ctl->db);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    static const char *const keys[] = { "purged" };
    const char *texts[] = { NULL };
    const int64_t ints[] = { 1 };
    report_done(ctl, "Purged: the search index and the log keep nothing erased", keys, texts, ints, 1);
    return EXIT_OK;
}

/* retention erase-inactive | drop-journal --before TIME [--dry-run] */
static int retention(crmctl *ctl, const ctl_command *cmd, int argc, char **argv, bool journal)
{
    const char *before = NULL;
    int dry = 0;
    const ctl_option opts[] = { { "before", NULL, &before },
                                { "dry-run", &dry, NULL },
                                { NULL, NULL, NULL } };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, NULL, 0, 0);
    if (st != CTL_CONTINUE)
        return st;
    if (!before)
        return ctl_usage_error(cmd, "give the cut-off: --before TIME");
    crm_retention_options o = CRM_RETENTION_OPTIONS_INIT;
    if ((st = ctl_parse_time(cmd, "before", before, &o.before)) != CTL_CONTINUE)
        return st;
    o.dry_run = dry;
    if ((st = ctl_open(ctl, dry ? CTL_READ : CTL_WRITE)) != EXIT_OK)
        return st;
    int64_t n = 0;
    int rc = journal ? crm_journal_drop(&n, ctl->db, &o)
                     : crm_customer_erase_inactive(&n, ctl->db, &o);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    char line[120];
    snprintf(line, sizeof line, "%lld %s %s", (long long)n,
             journal ? (n == 1 ? "journal entry" : "journal entries")
                     : (n == 1 ? "customer" : "customers"),
             dry ? (journal ? "would be dropped" : "would be erased")
                 : (journal ? "dropped" : "erased"));
    const char *const keys[] = { journal ? "entries" : "customers", "dry_run" };
    const char *texts[] = { NULL, NULL };
    const int64_t ints[] = { n, dry };
    report_done(ctl, line, keys, texts, ints, 2);
    return EXIT_OK;
}

int cmd_retention_erase_inactive(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    return retention(ctl, cmd, argc, argv, false);
}

int cmd_retention_drop_journal(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    return retention(ctl, cmd, argc, argv, true);
}
