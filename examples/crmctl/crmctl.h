/*
 * crmctl - command-line tool for libcrm databases.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Declarations shared by the files of the tool: the run context, exit
 * statuses, argument parsing, output (tables and JSON), record rendering,
 * and the commands themselves.
 *
 * Whatever is shown to a person (tables, records, single values, messages)
 * goes through escape.h: stored values and arguments are printed with
 * ctl_printf() or in tables, never with printf("%s"), so that no text
 * reaches the terminal as control. JSON carries the exact text.
 */
#ifndef CRMCTL_H
#define CRMCTL_H

#include <stdint.h>
#include <stdio.h>

#include <crm.h>

#include "escape.h"

/* Exit statuses, one per class of failure, documented in `crmctl --help`. */
enum {
    EXIT_OK = 0,
    EXIT_NOTFOUND = 1,
    EXIT_USAGE = 2,
    EXIT_INVALID = 3,
    EXIT_CONFLICT = 4,
    EXIT_DATABASE = 5,
    EXIT_NOTCRM = 6
};

/* How a command needs the database. */
typedef enum ctl_access {
    CTL_READ,  /* the file must exist */
    CTL_WRITE  /* the file is created if missing */
} ctl_access;

/* Everything one run of crmctl knows: global options and the open handle. */
typedef struct crmctl {
    const char *db_path; /* --db, $CRM_DB, or "crm.db" */
    const char *actor;   /* --actor, $CRM_ACTOR, or NULL (the library's "system") */
    const char *country; /* --country, $CRM_COUNTRY, or NULL */
    int country_given;   /* 1 if --country was on the command line */
    int json;            /* --json, and --csv, which writes the same records as rows */
    int csv;             /* --csv */
    int utc;             /* --utc: show times in UTC, ISO-8601 with Z */
    crm_db *db;          /* open once a command has parsed its arguments */
} crmctl;

/* ---- commands ------------------------------------------------------------ */

struct ctl_command;
typedef int (*ctl_run_fn)(crmctl *ctl, const struct ctl_command *cmd, int argc, char **argv);

/*
 * One command: its words ("customer attr set"), the arguments it takes, a
 * one-line summary, and optional details (options, notes) for its --help.
 */
typedef struct ctl_command {
    const char *name;
    const char *args;
    const char *summary;
    const char *details;
    ctl_run_fn run;
} ctl_command;

/* Print the full help of one command to f. */
void ctl_command_help(const ctl_command *cmd, FILE *f);

/* The commands, in cmd_customer.c, cmd_identity.c (with the journal),
 * cmd_interaction.c (with the timeline), cmd_promise.c, cmd_occasion.c and
 * demo.c. */
int cmd_customer_add(crmctl *, const ctl_command *, int, char **);
int cmd_customer_show(crmctl *, const ctl_command *, int, char **);
int cmd_customer_list(crmctl *, const ctl_command *, int, char **);
int cmd_customer_rename(crmctl *, const ctl_command *, int, char **);
int cmd_customer_archive(crmctl *, const ctl_command *, int, char **);
int cmd_customer_unarchive(crmctl *, const ctl_command *, int, char **);
int cmd_customer_owner(crmctl *, const ctl_command *, int, char **);
int cmd_attr_set(crmctl *, const ctl_command *, int, char **);
int cmd_attr_get(crmctl *, const ctl_command *, int, char **);
int cmd_attr_unset(crmctl *, const ctl_command *, int, char **);
int cmd_attr_list(crmctl *, const ctl_command *, int, char **);
int cmd_tag_add(crmctl *, const ctl_command *, int, char **);
int cmd_tag_remove(crmctl *, const ctl_command *, int, char **);
int cmd_tag_list(crmctl *, const ctl_command *, int, char **);
int cmd_member_add(crmctl *, const ctl_command *, int, char **);
int cmd_member_remove(crmctl *, const ctl_command *, int, char **);
int cmd_member_list(crmctl *, const ctl_command *, int, char **);
int cmd_identity_add(crmctl *, const ctl_command *, int, char **);
int cmd_identity_remove(crmctl *, const ctl_command *, int, char **);
int cmd_identity_flags(crmctl *, const ctl_command *, int, char **);
int cmd_identity_show(crmctl *, const ctl_command *, int, char **);
int cmd_identity_lookup(crmctl *, const ctl_command *, int, char **);
int cmd_identity_list(crmctl *, const ctl_command *, int, char **);
int cmd_identity_normalise(crmctl *, const ctl_command *, int, char **);
int cmd_journal(crmctl *, const ctl_command *, int, char **);
int cmd_config(crmctl *, const ctl_command *, int, char **);
int cmd_interaction_log(crmctl *, const ctl_command *, int, char **);
int cmd_interaction_show(crmctl *, const ctl_command *, int, char **);
int cmd_interaction_update(crmctl *, const ctl_command *, int, char **);
int cmd_timeline(crmctl *, const ctl_command *, int, char **);
int cmd_promise_make(crmctl *, const ctl_command *, int, char **);
int cmd_promise_keep(crmctl *, const ctl_command *, int, char **);
int cmd_promise_break(crmctl *, const ctl_command *, int, char **);
int cmd_promise_release(crmctl *, const ctl_command *, int, char **);
int cmd_promise_renegotiate(crmctl *, const ctl_command *, int, char **);
int cmd_promise_show(crmctl *, const ctl_command *, int, char **);
int cmd_promise_list(crmctl *, const ctl_command *, int, char **);
int cmd_occasion_add(crmctl *, const ctl_command *, int, char **);
int cmd_occasion_remove(crmctl *, const ctl_command *, int, char **);
int cmd_occasion_list(crmctl *, const ctl_command *, int, char **);
int cmd_occasion_upcoming(crmctl *, const ctl_command *, int, char **);
int cmd_demo(crmctl *, const ctl_command *, int, char **);
/* reports (cmd_report.c) */
int cmd_report(crmctl *, const ctl_command *, int, char **);
/* the agenda (cmd_agenda.c) */
int cmd_agenda(crmctl *, const ctl_command *, int, char **);
/* search (cmd_search.c) */
int cmd_search(crmctl *, const ctl_command *, int, char **);
/* consent, and deleting an interaction (cmd_consent.c) */
int cmd_consent_grant(crmctl *, const ctl_command *, int, char **);
int cmd_consent_withdraw(crmctl *, const ctl_command *, int, char **);
int cmd_consent_show(crmctl *, const ctl_command *, int, char **);
int cmd_consent_check(crmctl *, const ctl_command *, int, char **);
int cmd_customer_verify(crmctl *, const ctl_command *, int, char **);
int cmd_interaction_delete(crmctl *, const ctl_command *, int, char **);
/* a customer's own data (cmd_privacy.c) */
int cmd_customer_export(crmctl *, const ctl_command *, int, char **);
int cmd_customer_erase(crmctl *, const ctl_command *, int, char **);
int cmd_retention_erase_inactive(crmctl *, const ctl_command *, int, char **);
int cmd_retention_drop_journal(crmctl *, const ctl_command *, int, char **);
int cmd_purge(crmctl *, const ctl_command *, int, char **);
/* duplicates, merge and unmerge (cmd_merge.c) */
int cmd_customer_duplicates(crmctl *, const ctl_command *, int, char **);
int cmd_customer_merge(crmctl *, const ctl_command *, int, char **);
int cmd_customer_unmerge(crmctl *, const ctl_command *, int, char **);
/* import and export (cmd_io.c) */
int cmd_import(crmctl *, const ctl_command *, int, char **);
int cmd_export(crmctl *, const ctl_command *, int, char **);

/* The name of report i (0, 1, ...) as `report` takes it; NULL past the last. */
const char *ctl_report_name(int i);

/*
 * `crmctl __complete WORDS... CURRENT` (complete.c): print each word
 * CURRENT may become after WORDS, one a line, from the command table cmds
 * and libcrm's names for its words. Returns EXIT_OK.
 */
int ctl_complete(const ctl_command *cmds, size_t ncmds, int argc, char **argv);

/* ---- argument parsing (args.c) ------------------------------------------- */

/*
 * An option a command accepts, spelled "--name". A switch sets *flag to 1;
 * an option with a value stores it in *value (the last one given wins).
 * Exactly one of flag and value is non-NULL.
 */
typedef struct ctl_option {
    const char *name;
    int *flag;
    const char **value;
} ctl_option;

/* Returned by ctl_parse() when the command should go on. */
#define CTL_CONTINUE (-1)

/*
 * Parse a command's arguments: the options in opts (an array ended by a
 * zeroed entry, or NULL), the global options (--db, --actor, --country,
 * --json, --utc) anywhere, "--help"/"-h", and between min_pos and max_pos
 * positional arguments stored in pos[]. "--" ends the options.
 * Returns CTL_CONTINUE; EXIT_OK after printing the help; EXIT_USAGE after
 * printing what is wrong.
 */
int ctl_parse(crmctl *ctl, const ctl_command *cmd, int argc, char **argv,
              const ctl_option *opts, const char **pos, int min_pos, int max_pos);

/* Report a usage error for cmd (NULL: the tool as a whole): the command
 * line's shape is wrong (an unknown command or option, an argument
 * missing or too many, a required option missing, options that exclude
 * each other). Returns EXIT_USAGE. */
int ctl_usage_error(const ctl_command *cmd, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Report a malformed value for cmd: a time, number or word crmctl cannot
 * read (what libcrm refuses as CRM_EINVAL gets the same status). Returns
 * EXIT_INVALID. */
int ctl_value_error(const ctl_command *cmd, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * The candidate the len bytes at word most likely meant to be: one a slip
 * or two away (a letter missing, extra, wrong or swapped with the next), or
 * the only one word is the start of. NULL when none is close.
 */
const char *ctl_suggest(const char *word, size_t len, const char *const *cands, size_t n);

/* Parse a decimal number in [0, max]; 0 and *out set on success, -1 otherwise. */
int ctl_parse_uint(const char *s, uint64_t max, uint64_t *out);

/*
 * Read the value of option --name as a time (see timeparse.h; relative
 * times count from now). CTL_CONTINUE with *out set, or EXIT_USAGE after
 * saying what is wrong and what a time looks like.
 */
int ctl_parse_time(const ctl_command *cmd, const char *name, const char *text, int64_t *out);

/* The help text on time formats, for the commands that take times. */
#define CTL_TIME_HELP                                                                  \
    "Times: 2026-11-27T17:00 (local time), 2026-11-27 (local midnight),\n"             \
    "2026-11-27T17:00Z or 2026-11-27T17:00:00+01:00 (UTC, or an offset), now,\n"       \
    "or relative to now: +3d, -1d, +2h, +30m (also w for weeks, s for seconds;\n"      \
    "a day is 24 hours).\n"

/* ---- customers named by id or identity (resolve.c) ------------------------ */

/*
 * Find the customer a command-line argument names, by the library's rules
 * (crm_customer_resolve()): an id (8-4-4-4-12) is fetched as it is;
 * anything else is looked up as the identities it may be (a phone number,
 * an e-mail address, a social handle; an account and a loyalty number).
 * EXIT_OK with *out set (crm_customer_free()), or the status after the
 * reason was printed: not found names what was tried; several customers
 * (EXIT_CONFLICT) are listed.
 */
int ctl_resolve_customer(crmctl *ctl, const char *arg, crm_customer **out);

/* Print the customers of cur to stderr, one "  id  name (kind)" line each,
 * and free it: EXIT_OK, or the status after the reason was printed. */
int ctl_print_candidates(crmctl *ctl, crm_customer_cursor *cur);

/* The same, keeping only the customer's id. */
int ctl_resolve_customer_id(crmctl *ctl, const char *arg, char id[CRM_ID_LEN + 1]);
/* An id as a person typed it, its first digits or whole (crm_id_expand()):
 * *arg is pointed at the whole id in buf. NULL stays NULL; an error is
 * reported and its exit status returned. */
int ctl_expand_id(crmctl *ctl, crm_record_t record, const char **arg, char buf[CRM_ID_LEN + 1]);

/* ---- the database and errors (main.c) ------------------------------------ */

/* Open ctl->db. Returns EXIT_OK, or prints the error and returns its status. */
int ctl_open(crmctl *ctl, ctl_access mode);

/*
 * ctl_parse(), then ctl_open(): CTL_CONTINUE when the command can go on,
 * else the exit status to return (the reason is already printed).
 */
int ctl_start(crmctl *ctl, const ctl_command *cmd, int argc, char **argv,
              const ctl_option *opts, const char **pos, int min_pos, int max_pos,
              ctl_access mode);

/* ctl_open(), then the customer arg names into id (ctl_resolve_customer_id()):
 * EXIT_OK, or the status after the reason was printed. */
int ctl_open_customer(crmctl *ctl, ctl_access mode, const char *arg, char id[CRM_ID_LEN + 1]);

/*
 * The start of every command whose first argument is a CUSTOMER: ctl_start(),
 * then pos[0] resolved into id. CTL_CONTINUE, or the exit status to return.
 */
int ctl_start_customer(crmctl *ctl, const ctl_command *cmd, int argc, char **argv,
                       const ctl_option *opts, const char **pos, int min_pos, int max_pos,
                       ctl_access mode, char id[CRM_ID_LEN + 1]);

/* Print "crmctl: <crm_errmsg(db)>" to stderr and return the exit status for
 * rc. The message is shown escaped, as libcrm's messages are (see
 * CTL_ESC_MESSAGE); ctl->db may be NULL after crm_open() failed. */
int ctl_fail(crmctl *ctl, int rc);
/* The same with libcrm's message msg, saved from an earlier failure. */
int ctl_fail_msg(crmctl *ctl, int rc, const char *msg);

/*
 * Where a message goes: ctl_err_begin() returns the stream to write one
 * message to ("crmctl: " already written to stderr; with --json, the
 * message gathered to be told at the end as one JSON line), and
 * ctl_err_end() ends it. ctl_err_extra() is stderr for what may follow a
 * message for a person (a usage line, a list of commands), NULL with --json.
 */
FILE *ctl_err_begin(void);
void ctl_err_end(FILE *f);
FILE *ctl_err_extra(void);

/* Print "crmctl: <message>" to stderr, formatted as by ctl_printf(). */
void ctl_error(const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Print "crmctl: <msg>" to stderr, where msg is libcrm's (shown as by
 * ctl_fail()), followed by what fmt says (as by ctl_error()). */
void ctl_error_after(const char *msg, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- output (output.c) ---------------------------------------------------- */

/* Room for a formatted time, with milliseconds and UTC offset. */
#define CTL_TIME_SIZE 40

/*
 * Show times in UTC from now on (--utc) rather than in local time. Set
 * once, by the argument parser, before anything is printed.
 */
void ctl_time_set_utc(int utc);
int ctl_time_is_utc(void);

/* "2026-03-14 09:26:53", local time (with --utc "2026-03-14T08:26:53Z"): for people. */
const char *ctl_time_human(char buf[CTL_TIME_SIZE], int64_t ms);

/* "2026-03-14 09:26", local time (with --utc "2026-03-14T08:26Z"): in tables. */
const char *ctl_time_short(char buf[CTL_TIME_SIZE], int64_t ms);

/* "2026-03-14T09:26:53.589+01:00", local time with offset (with --utc
 * "2026-03-14T08:26:53.589Z"): for JSON. */
const char *ctl_time_iso(char buf[CTL_TIME_SIZE], int64_t ms);

/* A length of time in words, rounded down: "3 days", "6 days 23 h",
 * "1 day", "5 h", "2 h 5 min", "12 min", "less than a minute" (the next
 * smaller unit shown below 10 of the larger). */
const char *ctl_duration(char buf[CTL_TIME_SIZE], int64_t ms);

/* ms as seen from now: "in 3 days", "2 h ago", "just now". */
const char *ctl_time_ago(char buf[CTL_TIME_SIZE], int64_t ms, int64_t now);

/* A calendar date as "2026-11-27"; with its weekday, "Fri 2026-11-27". */
const char *ctl_date_text(char buf[CTL_TIME_SIZE], int year, int month, int day, int weekday);

/*
 * An aligned text table, which also serves to keep rows of strings after
 * the cursor that produced them has moved on. Cells are copied as they are;
 * printing shows them escaped (escape.h), so one row stays one line and no
 * cell reaches the terminal as control.
 * Columns are as wide as their widest cell, in columns on a terminal (王 takes
 * two; a combining accent none). When ctl_output_set_width() gave a width,
 * the widest columns that are not ids, numbers or times are cut, with "…",
 * until the table fits. Failures
 * to allocate are remembered (failed) and reported by ctl_table_print().
 */
typedef struct ctl_table {
    size_t ncols;
    const char *const *headers; /* borrowed; NULL for a table without headers */
    char **cells;               /* nrows * ncols, owned */
    size_t nrows, caprows;
    int failed;
    /* Bit c: the cells of column c hold their own escapes for backslashes
     * (key="a \"b\""), shown as they are; everything else in them is still
     * escaped. 0 after ctl_table_init(). */
    unsigned int keep_backslashes;
} ctl_table;

void ctl_table_init(ctl_table *t, size_t ncols, const char *const *headers);
/* The columns tables may take from now on (0: as many as they need), and
 * the one set. */
void ctl_output_set_width(size_t columns);
size_t ctl_output_width(void);
/* The columns s takes on a terminal once shown escaped. */
size_t ctl_text_width(const char *s);
/* Add a row of ncols cells; a NULL cell is shown empty. */
void ctl_table_add(ctl_table *t, const char *const *cells);
/* Print with each line prefixed by indent. -1 (out of memory) or 0. */
int ctl_table_print(const ctl_table *t, FILE *f, const char *indent);
void ctl_table_free(ctl_table *t);

/*
 * A streaming JSON writer that pretty-prints valid JSON. Inside an object
 * every value takes a key; inside an array (or at the top) key is NULL.
 */
#define CTL_JSON_MAX_DEPTH 16

#define CTL_CSV_MAX_COLS 48

typedef struct ctl_json {
    FILE *f;
    int depth;
    int members[CTL_JSON_MAX_DEPTH]; /* values written so far at each depth */
    /* --csv (ctl_output_csv()): each record, an object of plain values at
     * the top or in the top array, is a row, and its keys the header. */
    int csv;
    int csv_list;                  /* the document is a list of records */
    int csv_row_depth;             /* the depth inside a record; 0 outside one */
    size_t csv_cols;               /* columns, fixed by the first record */
    long csv_rows;                 /* rows written */
    char *csv_head[CTL_CSV_MAX_COLS];
    char *csv_cell[CTL_CSV_MAX_COLS]; /* the record's values; NULL: null or missing */
} ctl_json;

/* Write every JSON document as CSV from now on (--csv). A document that is
 * not a table of flat records (a record inside a record, an array as a
 * value, records of other keys) writes what it can and is reported by
 * ctl_output_failed(). */
void ctl_output_csv(int on);
/* Whether some output could not be written as asked (see above): the
 * command's exit status is then EXIT_USAGE. */
int ctl_output_failed(void);

/* End a listing whose cursor stopped with rc: print the JSON (closing the
 * array, or the object when !array) or the table ("(no NOUN)" when it is
 * empty), free the table, and return the exit status. */
int ctl_list_finish(crmctl *ctl, int rc, ctl_table *t, ctl_json *j, int array, const char *noun);

void ctl_json_init(ctl_json *j, FILE *f);
void ctl_json_begin_object(ctl_json *j, const char *key);
void ctl_json_end_object(ctl_json *j);
void ctl_json_begin_array(ctl_json *j, const char *key);
void ctl_json_end_array(ctl_json *j);
/* A string value; NULL writes null. The text is exact; control characters
 * and the others escape.h escapes are written as \uXXXX. */
void ctl_json_string(ctl_json *j, const char *key, const char *value);
void ctl_json_int(ctl_json *j, const char *key, int64_t value);
void ctl_json_bool(ctl_json *j, const char *key, int value);
void ctl_json_null(ctl_json *j, const char *key);
/* A time as ISO-8601 text in local time (see ctl_time_iso()). */
void ctl_json_time(ctl_json *j, const char *key, int64_t ms);
/* Text that is already JSON, written as it is but for the text of its
 * strings, written as by ctl_json_string(). */
void ctl_json_raw(ctl_json *j, const char *key, const char *json);
/* End the document with a newline. */
void ctl_json_finish(ctl_json *j);
/* s as a JSON string literal, quotes included, written as ctl_json_string() does. */
void ctl_json_write_string(FILE *f, const char *s);

/*
 * key=VALUE pairs, as the journal's DETAILS column shows an entry's data:
 * `name="Jane Doe" flags=3`. Start from a zeroed one; s is NULL until the
 * first pair, then a string the caller frees with free(); failed is set
 * when memory ran out (s then lacks what did not fit).
 */
typedef struct ctl_pairs {
    char *s;
    size_t len, cap;
    int failed;
} ctl_pairs;

/*
 * Add key=VALUE, after a space if there is a pair before it. A string
 * (is_string) is quoted where it could be read as another value: empty, or
 * with a space, quote, = or backslash, or that reads as a number, null,
 * true or false; other values are shown as they are. In either, a quote is
 * shown as \" and a backslash as \\ (shown in a table column with
 * keep_backslashes set).
 */
void ctl_pairs_add(ctl_pairs *p, const char *key, const char *value, int is_string);

/* ---- records (render.c) --------------------------------------------------- */

/* Names of customers looked up once each (for lists that show many). */
typedef struct ctl_names {
    char (*ids)[CRM_ID_LEN + 1];
    char **names; /* NULL where the customer cannot be read */
    size_t n, cap;
} ctl_names;

/* The customer's name, or NULL if there is none to be had. Borrowed until
 * ctl_names_free(). Start from a zeroed ctl_names. */
const char *ctl_names_get(crmctl *ctl, ctl_names *nc, const char *id);
void ctl_names_free(ctl_names *nc);

/* "primary, verified", "primary", "verified" or "". Static storage. */
const char *ctl_identity_flags_text(unsigned int flags);

/* Write a customer's own fields as members of the open JSON object. */
void ctl_json_customer_fields(ctl_json *j, const crm_customer *c);

/* Write one identity as a JSON object (key: as for the other writers). */
void ctl_json_identity(ctl_json *j, const char *key, const crm_identity *i);

/*
 * Memberships are gathered into tables of CTL_MEMBER_COLUMNS cells per row
 * (organisation id and name, person id and name, role, since in ms), then
 * printed from there: rows outlive the cursor that produced them.
 */
#define CTL_MEMBER_COLUMNS 6
void ctl_member_row(ctl_table *t, const crm_member *m);
void ctl_json_member_row(ctl_json *j, const char *key, const ctl_table *rows, size_t r);
/* A table for people of the memberships in rows, seen from customer id. */
void ctl_member_table(ctl_table *t, const ctl_table *rows, const char *id);

/*
 * Print a customer with everything attached to it: attributes, tags,
 * identities and memberships, as a block of text or, with ctl->json, one
 * JSON object. indent prefixes each line of the text form.
 * Returns EXIT_OK or the status of the failure (already reported).
 */
int ctl_print_customer(crmctl *ctl, const crm_customer *c, const char *indent);

/* Same, written into an open JSON document under key. */
int ctl_json_customer_full(crmctl *ctl, ctl_json *j, const char *key, const crm_customer *c);
/* The same, left open for more members (ctl_json_end_object() ends it). */
int ctl_json_customer_begin(crmctl *ctl, ctl_json *j, const char *key, const crm_customer *c);

/*
 * Print the journal after since_seq: a table (CUSTOMER shows the customer's
 * name where it can be found) or, with ctl->json, the entries written into
 * j under key. Returns EXIT_OK or the status of the failure.
 */
int ctl_print_journal(crmctl *ctl, ctl_json *j, const char *key, int64_t since_seq,
                      const char *indent);

/* ---- interactions, promises, occasions (render.c) ------------------------------- */

/* "phone", or "social (public)" for what the whole world can see. */
const char *ctl_channel_text(char buf[64], const crm_interaction *i);

/*
 * Write one interaction / promise / occasion as a JSON object. A promise's
 * "overdue" is as of as_of. An occasion from crm_occasion_upcoming_open() also
 * gets its occurrence: pass upcoming = 1, today as days since 1970 and the
 * customer's name (or NULL).
 */
void ctl_json_interaction(ctl_json *j, const char *key, const crm_interaction *i);
void ctl_json_promise(ctl_json *j, const char *key, const crm_promise *p, int64_t as_of);
void ctl_json_occasion(ctl_json *j, const char *key, const crm_occasion *o, int upcoming,
                       int64_t today, const char *customer_name);

/* How an occasion recurs: "every 05-26 (since 1984)" or "once, 2027-03-31". */
const char *ctl_occasion_when(char buf[64], const crm_occasion *o);

/* Print one interaction (its thread too, when it has one) as a block of
 * text or a JSON object. Returns an exit status. */
int ctl_print_interaction(crmctl *ctl, const crm_interaction *i);

/*
 * How a listing is shown: with ctl->json its rows go into j under key (an
 * array); else a table prefixed with indent, with an ID column unless
 * no_ids, or "(none)"-style text when empty, after a title line (unless
 * NULL) and a blank line. Nothing is printed when the listing fails.
 */
typedef struct ctl_view {
    ctl_json *j;
    const char *key;
    const char *indent;
    int no_ids;
    const char *title;
    const char *customer; /* ctl_print_upcoming(): only this customer's, each occasion
                             once; NULL: all */
} ctl_view;

/* A report (cmd_report.c) by its crmctl name ("reasons", "keep-rate", ...)
 * under options o: a table (indented by v->indent) or, with ctl->json, an
 * array of its rows under v->key. Returns an exit status. */
int ctl_print_report(crmctl *ctl, ctl_view *v, const char *name, const crm_report_options *o);

/*
 * A customer's timeline (filter may be NULL), or with thread set the
 * conversation of that interaction, oldest first, filtered the same way.
 * Returns an exit status.
 */
int ctl_print_timeline(crmctl *ctl, const ctl_view *v, const char *customer_id,
                       const crm_timeline_filter *filter, const char *thread);

/* Promises by due time, marked overdue as of as_of, renegotiated ones with
 * their first due time. Returns an exit status. */
int ctl_print_promises(crmctl *ctl, const ctl_view *v, const crm_promise_filter *filter,
                       int64_t as_of);

/* A promise and its history. Returns an exit status. */
int ctl_print_promise(crmctl *ctl, const crm_promise *p, int64_t as_of);

/* A promise's state in words as of as_of: "open", "OVERDUE by 2 days",
 * "kept", "kept late", "broken", "released". */
const char *ctl_promise_status(char buf[64], const crm_promise *p, int64_t as_of);

/* Occasions surfacing in the `days` calendar days from day first_day
 * (days since 1970), as seen on day `today`. Returns an exit status. */
int ctl_print_upcoming(crmctl *ctl, const ctl_view *v, int64_t first_day, int days,
                       int64_t today);

/* The end of a list shown as v says: on rc CRM_DONE, the JSON array
 * closed, or the title, then the table (or "(none)" with no rows), indented
 * by v->indent; else the error. Frees t. Returns an exit status. */
int ctl_view_finish(crmctl *ctl, const ctl_view *v, int rc, ctl_table *t, const char *none);

/* The agenda of options o, shown as v says (cmd_agenda.c). Returns an
 * exit status. */
int ctl_print_agenda(crmctl *ctl, const ctl_view *v, const crm_agenda_options *o);
/* The hits of a search (cmd_search.c) for query under options o, best
 * first: a table or, with ctl->json, an array under v->key. Returns an
 * exit status. */
int ctl_print_search(crmctl *ctl, const ctl_view *v, const char *query,
                     const crm_search_options *o);

#endif
