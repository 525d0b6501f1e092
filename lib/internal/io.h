/*
 * libcrm - what the import and export formats share (io.c). Private to the
 * library: nothing here is exported, and names use a double underscore.
 */
#ifndef CRM_INTERNAL_IO_H
#define CRM_INTERNAL_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crm.h"

/* ---- a growing text --------------------------------------------------- */
typedef struct crm__text {
    char *s;
    size_t len, cap;
    bool failed; /* memory ran out: the text is incomplete */
} crm__text;
void crm__text_add(crm__text *t, const char *s, size_t n);
void crm__text_adds(crm__text *t, const char *s);
void crm__text_addc(crm__text *t, char c);
void crm__text_fini(crm__text *t);
/* The text, NUL-terminated, handed over (caller frees with crm__free()):
 * CRM_OK, or CRM_ENOMEM set on db. */
int crm__text_take(crm_db *db, crm__text *t, char **out);
/* Write the text to the file at path: CRM_OK, or CRM_EIO set on db. */
int crm__text_save(crm_db *db, const crm__text *t, const char *path);
/* An export: the text make writes, saved to the file at path, or handed
 * over through out (the public crm_*_export and crm_*_export_mem calls,
 * which have entered the handle). */
typedef int (*crm__export_fn)(crm_db *db, crm__text *t);
int crm__export_file(crm_db *db, crm__export_fn make, const char *path);
int crm__export_mem(crm_db *db, crm__export_fn make, char **out);

/* ---- what an import did (io.h) --------------------------------------------- */
struct crm_import_error {
    int64_t line, col;
    int code;
    char *msg;
};

struct crm_import_result {
    int64_t created, updated, unchanged, skipped, records;
    crm_import_error *errors;
    int64_t nerrors, cap;
};

/* ---- an import in progress ---------------------------------------------- */
typedef struct crm__import {
    crm_db *db;
    crm_import_options o;
    crm_import_result *res;
    const char *format; /* "CSV", "vCard", "JSON Lines": for messages */
    int64_t rows;       /* rows read, for progress */
    int64_t line, col;  /* where the row's error is */
} crm__import;

/* Check the arguments and options, and open the transaction: CRM_OK or an
 * error set on db. */
int crm__import_begin(crm__import *im, crm_db *db, const void *in, const crm_import_options *o,
                      const char *format, bool may_skip);
/* A bad row (rc, the message on db, im->line and im->col set): in the mode
 * SKIP it is noted and CRM_OK returned, else rc with the message prefixed
 * by the place. A failure that is not the row's (no memory, I/O) is rc. */
int crm__import_row_failed(crm__import *im, int rc);
/* The error on db (rc), its message prefixed by the place: "CSV line L,
 * column C: ...". */
int crm__import_fail_at(crm__import *im, int rc);
/* Report progress after a row. */
void crm__import_progress(crm__import *im, int64_t bytes);
/* End the import: commit when rc is CRM_OK (and hand the result to *out),
 * else roll back. Returns the call's code. */
int crm__import_end(crm__import *im, int rc, crm_import_result **out);
/* The whole file at path, in *out (crm__free()) and *len: CRM_OK, or
 * CRM_EIO / CRM_ENOMEM set on db. */
int crm__file_read(crm_db *db, const char *path, char **out, size_t *len);
/* A bad-row error, set on db: code with the message. */
int crm__import_bad(crm__import *im, int64_t col, int code, const char *fmt, ...)
    CRM__PRINTF(4, 5);

/* ---- one customer row of CSV or vCard ----------------------------------- */
#define CRM__ROW_MAX_ITEMS 64
typedef struct crm__row_item {
    const char *a; /* identity kind, attribute key or tag */
    const char *b; /* identity value or attribute value */
    int64_t col;
} crm__row_item;
typedef struct crm__row {
    const char *id;
    int64_t id_col;
    int kind; /* 0: not given */
    int64_t kind_col;
    const char *name;
    int64_t name_col;
    const char *owner;
    int64_t owner_col;
    crm__row_item ids[CRM__ROW_MAX_ITEMS], attrs[CRM__ROW_MAX_ITEMS], tags[CRM__ROW_MAX_ITEMS];
    int nids, nattrs, ntags;
    bool birthday;
    int byear, bmonth, bday;
    int64_t bday_col;
} crm__row;
/* Write one row (see io.h: match, then create or update): CRM_OK, or the
 * code of a bad row with im->col set (the caller calls
 * crm__import_row_failed), or a failure of the import. */
int crm__import_row(crm__import *im, crm__row *r);
/* Add an item to one of a row's lists, or refuse (too many) with the
 * message set. */
int crm__row_add(crm__import *im, crm__row_item *list, int *n, const char *a, const char *b,
                 int64_t col);
/* A birthday text: "YYYY-MM-DD", "YYYYMMDD", "--MM-DD", "--MMDD" (year 0);
 * false when it is none of these or not a date. */
bool crm__parse_birthday(const char *s, int *year, int *month, int *day);
/* Whether an error code is a row's (bad input) rather than the import's. */
bool crm__import_row_code(int rc);

#endif
