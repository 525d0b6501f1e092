/*
 * crmctl - import and export: CSV, vCard and JSON Lines files.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crmctl.h"

typedef int (*import_fn)(crm_import_result **, crm_db *, const char *, const crm_import_options *);

/* The format a word names: 0 CSV, 1 vCard, 2 JSON Lines, -1 none. */
static int format_of(const char *word)
{
    static const char *const words[] = { "csv", "vcard", "jsonl" };
    for (int i = 0; i < 3; i++)
        if (strcmp(word, words[i]) == 0)
            return i;
    return -1;
}

/* The progress line on stderr: rows, and the share of the file read. */
typedef struct progress {
    int64_t size;
    int64_t rows, bytes;
    int64_t shown; /* rows when the line was last written */
} progress;

static void write_progress(const progress *p)
{
    int pct = p->size > 0 ? (int)(p->bytes * 100 / p->size) : 100;
    fprintf(stderr, "\rcrmctl: import: %lld rows, %d%% of the file", (long long)p->rows, pct);
    fflush(stderr);
}

/* Every thousand rows: a line rewritten in place. */
static void show_progress(void *ctx, int64_t rows, int64_t bytes)
{
    progress *p = ctx;
    p->rows = rows;
    p->bytes = bytes;
    if (rows - p->shown < 1000)
        return;
    p->shown = rows;
    write_progress(p);
}

static void print_result(crmctl *ctl, const crm_import_result *r, int format)
{
    int64_t n = crm_import_result_error_count(r);
    if (ctl->csv) {
        /* Rows: the errors, one a row (the counts are a record, not rows). */
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_array(&j, NULL);
        for (int64_t i = 0; i < n; i++) {
            const crm_import_error *e = crm_import_result_error(r, i);
            ctl_json_begin_object(&j, NULL);
            ctl_json_int(&j, "line", crm_import_error_line(e));
            ctl_json_int(&j, "column", crm_import_error_column(e));
            ctl_json_string(&j, "code", crm_errname(crm_import_error_code(e)));
            ctl_json_string(&j, "message", crm_import_error_message(e));
            ctl_json_end_object(&j);
        }
        ctl_json_end_array(&j);
        ctl_json_finish(&j);
        return;
    }
    if (ctl->json) {
        ctl_json j;
        ctl_json_init(&j, stdout);
        ctl_json_begin_object(&j, NULL);
        ctl_json_int(&j, "created", crm_import_result_created(r));
        ctl_json_int(&j, "updated", crm_import_result_updated(r));
        ctl_json_int(&j, "unchanged", crm_import_result_unchanged(r));
        ctl_json_int(&j, "skipped", crm_import_result_skipped(r));
        ctl_json_int(&j, "records", crm_import_result_records(r));
        ctl_json_begin_array(&j, "errors");
        for (int64_t i = 0; i < n; i++) {
            const crm_import_error *e = crm_import_result_error(r, i);
            ctl_json_begin_object(&j, NULL);
            ctl_json_int(&j, "line", crm_import_error_line(e));
            ctl_json_int(&j, "column", crm_import_error_column(e));
            ctl_json_string(&j, "code", crm_errname(crm_import_error_code(e)));
            ctl_json_string(&j, "message", crm_import_error_message(e));
            ctl_json_end_object(&j);
        }
        ctl_json_end_array(&j);
        ctl_json_end_object(&j);
        ctl_json_finish(&j);
        return;
    }
    if (format == 2)
        ctl_printf("%lld records added, %lld already there, %lld customers new\n",
                   (long long)crm_import_result_records(r),
                   (long long)crm_import_result_unchanged(r),
                   (long long)crm_import_result_created(r));
    else
        ctl_printf("%lld created, %lld updated, %lld unchanged, %lld skipped\n",
                   (long long)crm_import_result_created(r),
                   (long long)crm_import_result_updated(r),
                   (long long)crm_import_result_unchanged(r),
                   (long long)crm_import_result_skipped(r));
    if (n == 0)
        return;
    static const char *const headers[] = { "LINE", "COLUMN", "CODE", "MESSAGE" };
    ctl_table t;
    ctl_table_init(&t, 4, headers);
    for (int64_t i = 0; i < n; i++) {
        const crm_import_error *e = crm_import_result_error(r, i);
        char line[24], col[24];
        snprintf(line, sizeof line, "%lld", (long long)crm_import_error_line(e));
        snprintf(col, sizeof col, "%lld", (long long)crm_import_error_column(e));
        const char *cells[] = { line, col, crm_errname(crm_import_error_code(e)),
                                crm_import_error_message(e) };
        ctl_table_add(&t, cells);
    }
    ctl_printf("\n");
    if (ctl_table_print(&t, stdout, "") != 0)
        ctl_error("out of memory");
    ctl_table_free(&t);
    if (crm_import_result_skipped(r) > n)
        ctl_printf("(and %lld more)\n", (long long)(crm_import_result_skipped(r) - n));
}

int cmd_import(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2], *map = NULL, *kind = NULL;
    int skip = 0, show = 0;
    const ctl_option opts[] = {
        { "skip", &skip, NULL },   { "map", NULL, &map },  { "kind", NULL, &kind },
        { "progress", &show, NULL }, { NULL, NULL, NULL },
    };
    int st = ctl_parse(ctl, cmd, argc, argv, opts, pos, 2, 2);
    if (st != CTL_CONTINUE)
        return st;
    int format = format_of(pos[0]);
    if (format < 0)
        return ctl_value_error(cmd, "'%s' is not a format: csv, vcard or jsonl", pos[0]);
    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    o.on_error = skip ? CRM_IMPORT_SKIP : CRM_IMPORT_STOP;
    if (skip && format == 2)
        return ctl_usage_error(cmd, "--skip: a JSON Lines import always stops at a bad line");
    if (map && format != 0)
        return ctl_usage_error(cmd, "--map is for CSV");
    if (kind && crm_customer_kind_parse(&o.kind, kind) != CRM_OK)
        return ctl_value_error(cmd, "--kind wants person or organisation, not '%s'", kind);
    /* --map 'E-Mail=email;Mobil=phone': the library reads one pair a line. */
    char *mapping = NULL;
    if (map) {
        mapping = strdup(map);
        if (!mapping) {
            ctl_error("out of memory");
            return EXIT_DATABASE;
        }
        for (char *c = mapping; *c; c++)
            if (*c == ';')
                *c = '\n';
        o.mapping = mapping;
    }
    progress p = { 0, 0, 0, 0 };
    struct stat sb;
    if (stat(pos[1], &sb) == 0)
        p.size = (int64_t)sb.st_size;
    if (show || isatty(STDERR_FILENO)) {
        o.progress = show_progress;
        o.progress_ctx = &p;
    }
    if ((st = ctl_open(ctl, CTL_WRITE)) != EXIT_OK) {
        free(mapping);
        return st;
    }
    static const import_fn calls[] = { crm_csv_import, crm_vcard_import, crm_jsonl_import };
    crm_import_result *r = NULL;
    int rc = calls[format](&r, ctl->db, pos[1], &o);
    free(mapping);
    if (o.progress) {
        write_progress(&p);
        fputc('\n', stderr);
    }
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    print_result(ctl, r, format);
    crm_import_result_free(r);
    return EXIT_OK;
}

int cmd_export(crmctl *ctl, const ctl_command *cmd, int argc, char **argv)
{
    const char *pos[2] = { NULL, NULL };
    int st = ctl_parse(ctl, cmd, argc, argv, NULL, pos, 1, 2);
    if (st != CTL_CONTINUE)
        return st;
    int format = format_of(pos[0]);
    if (format < 0)
        return ctl_value_error(cmd, "'%s' is not a format: csv, vcard or jsonl", pos[0]);
    if ((st = ctl_open(ctl, CTL_READ)) != EXIT_OK)
        return st;
    int rc;
    if (pos[1] && strcmp(pos[1], "-") != 0) {
        static int (*const to_file[])(crm_db *, const char *) = { crm_csv_export,
                                                                  crm_vcard_export,
                                                                  crm_jsonl_export };
        rc = to_file[format](ctl->db, pos[1]);
        return rc == CRM_OK ? EXIT_OK : ctl_fail(ctl, rc);
    }
    static int (*const to_mem[])(char **, crm_db *) = { crm_csv_export_mem, crm_vcard_export_mem,
                                                        crm_jsonl_export_mem };
    char *text = NULL;
    rc = to_mem[format](&text, ctl->db);
    if (rc != CRM_OK)
        return ctl_fail(ctl, rc);
    /* The file's bytes as they are: a file format, not text for a person. */
    size_t n = strlen(text);
    int bad = fwrite(text, 1, n, stdout) != n || fflush(stdout) != 0;
    crm_free(text);
    if (bad) {
        ctl_error("cannot write the export to standard output");
        return EXIT_DATABASE;
    }
    return EXIT_OK;
}
