/*
 * libcrm - import and export: CSV, vCard and JSON Lines.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * An import is one transaction: it writes through the same calls as any
 * other write (crm_customer_create(), crm_identity_add(), crm_attr_set(),
 * crm_tag_add(), crm_occasion_add() ...), so every check, journal entry and
 * search update happens as for those, and either all of it is kept or none.
 * It cannot run inside a group of the caller's (crm_begin()): CRM_ESTATE.
 *
 * CSV and vCard rows are matched on their identities (and on an id column
 * or a vCard UID naming a customer of this file): a row whose identities
 * name one customer updates and extends that customer, a row that names
 * none creates one, and a row whose identities name two customers is
 * refused. So importing the same file twice adds nothing the second time.
 * docs/import-export.md describes each format, the column mapping, the
 * header names guessed, and what "updates" means exactly.
 *
 * Errors name the line (1-based, physical lines of the file: a quoted
 * field or a folded vCard line that spans lines counts each) and the
 * column: for CSV the field's number (1-based), for vCard and JSON Lines
 * the byte in the line (1-based; 1 when the whole line is meant).
 * In the mode CRM_IMPORT_STOP the first bad row ends the import, nothing
 * is kept, and the call returns the row's code with "line L, column C: ..."
 * in crm_errmsg(db). In the mode CRM_IMPORT_SKIP each bad row is left out
 * and reported in the result, and the call succeeds. Out of memory, I/O
 * and other failures of the file always end the import with nothing kept.
 */
#ifndef CRM_IO_H
#define CRM_IO_H

#include "common.h"
#include "customer.h"

CRM_BEGIN_DECL

typedef enum crm_import_on_error_t {
    CRM_IMPORT_STOP = 0, /**< the first bad row ends the import, nothing is kept */
    CRM_IMPORT_SKIP = 1  /**< bad rows are left out and reported in the result */
} crm_import_on_error_t;

/** "stop" or "skip"; NULL outside the enum. */
CRM_EXTERN(const char *) crm_import_on_error_name(crm_import_on_error_t mode);
/**
 * The mode named name ("stop", "skip"): CRM_OK, or CRM_EINVAL for NULL or
 * an unknown name (message in crm_errmsg(NULL)).
 */
CRM_EXTERN(int) crm_import_on_error_parse(crm_import_on_error_t *out, const char *name);

/**
 * Progress of an import: rows (CSV rows, vCards, JSON lines) and bytes of
 * the input read so far. Called after each row; it must not use the handle.
 */
typedef void (*crm_progress_fn)(void *ctx, int64_t rows, int64_t bytes);

#define CRM_IMPORT_OPTIONS_VERSION 1
#define CRM_IMPORT_ERRORS_KEPT 1000 /**< errors a result keeps by default */

/** How an import runs. Start from CRM_IMPORT_OPTIONS_INIT; NULL = the defaults. */
typedef struct crm_import_options {
    unsigned int version;           /**< CRM_IMPORT_OPTIONS_VERSION */
    crm_import_on_error_t on_error; /**< CRM_IMPORT_STOP (default) or CRM_IMPORT_SKIP;
                                         JSON Lines always stops */
    /**
     * CSV only: which column is what, one "column=target" per line
     * ("E-Mail=email\nMobil=phone\nKundennr=identity:account"), the column
     * named by its header text (split at the last '='). Columns not named
     * are ignored. NULL: each column's target is guessed from its header
     * (docs/import-export.md has the table). Targets: name, given_name,
     * family_name, kind, owner, id, tags or tags:<separator character>,
     * birthday, phone, email, identity:<kind>, attr:<key>, organisation
     * (attribute "organisation"), note (attribute "note"), ignore.
     */
    const char *mapping;
    crm_customer_kind_t kind; /**< the kind of a new customer without a kind column;
                                   0 = CRM_CUSTOMER_PERSON */
    crm_progress_fn progress; /**< NULL: none */
    void *progress_ctx;
    unsigned int errors_kept; /**< at most this many errors in the result (the rest
                                   are counted); 0 = CRM_IMPORT_ERRORS_KEPT */
} crm_import_options;

#define CRM_IMPORT_OPTIONS_INIT \
    { CRM_IMPORT_OPTIONS_VERSION, CRM_IMPORT_STOP, NULL, (crm_customer_kind_t)0, NULL, NULL, 0 }

/** One bad row of an import in the mode CRM_IMPORT_SKIP. */
typedef struct crm_import_error crm_import_error;
CRM_EXTERN(int64_t) crm_import_error_line(const crm_import_error *e);   /**< 1-based */
CRM_EXTERN(int64_t) crm_import_error_column(const crm_import_error *e); /**< 1-based; see above */
CRM_EXTERN(int) crm_import_error_code(const crm_import_error *e);       /**< a CRM_E* code */
CRM_EXTERN(const char *) crm_import_error_message(const crm_import_error *e);

/** What an import did. Owned by the caller: crm_import_result_free(). */
typedef struct crm_import_result crm_import_result;
/** New customers. */
CRM_EXTERN(int64_t) crm_import_result_created(const crm_import_result *r);
/** Customers a row named, and changed. */
CRM_EXTERN(int64_t) crm_import_result_updated(const crm_import_result *r);
/** Customers a row named, with nothing to change. */
CRM_EXTERN(int64_t) crm_import_result_unchanged(const crm_import_result *r);
/** Bad rows left out (CRM_IMPORT_SKIP). */
CRM_EXTERN(int64_t) crm_import_result_skipped(const crm_import_result *r);
/** Records of a JSON Lines import written (a record already there is unchanged). */
CRM_EXTERN(int64_t) crm_import_result_records(const crm_import_result *r);
/** The errors kept (at most options.errors_kept of the skipped rows). */
CRM_EXTERN(int64_t) crm_import_result_error_count(const crm_import_result *r);
/** Error i (0-based, in file order), borrowed from r; NULL out of range. */
CRM_EXTERN(const crm_import_error *) crm_import_result_error(const crm_import_result *r,
                                                             int64_t i);
/** Free a result. Accepts NULL. */
CRM_EXTERN(void) crm_import_result_free(crm_import_result *r);

/*
 * Each import comes as a file (path) and as text in memory (data, len
 * bytes; it may hold NUL bytes, which are refused as any bad byte is).
 * @param out  receives the result (crm_import_result_free()); NULL if not
 *             wanted. Written only on success.
 * @return CRM_OK; CRM_EINVAL (NULL db, path or data; bad options or
 *         mapping; in the mode CRM_IMPORT_STOP a bad row: malformed text,
 *         invalid UTF-8, a bad value, a row naming two customers ...);
 *         CRM_EEXISTS, CRM_EAMBIGUOUS (a bad row, as the write it would
 *         make); CRM_ESTATE (inside crm_begin(); JSON Lines: the database
 *         holds other records); CRM_EIO (the file cannot be read);
 *         CRM_ENOMEM; CRM_EREADONLY; CRM_EBUSY.
 */
CRM_EXTERN(int) crm_csv_import(crm_import_result **out, crm_db *db, const char *path,
                               const crm_import_options *opts);
CRM_EXTERN(int) crm_csv_import_mem(crm_import_result **out, crm_db *db, const char *data,
                                   size_t len, const crm_import_options *opts);
CRM_EXTERN(int) crm_vcard_import(crm_import_result **out, crm_db *db, const char *path,
                                 const crm_import_options *opts);
CRM_EXTERN(int) crm_vcard_import_mem(crm_import_result **out, crm_db *db, const char *data,
                                     size_t len, const crm_import_options *opts);
/**
 * JSON Lines: the records of crm_jsonl_export(), ids and times kept, into
 * a database that holds no customer; or into one that already holds every
 * record of the file exactly (a second import of the same file adds
 * nothing); anything else is CRM_ESTATE, nothing kept.
 */
CRM_EXTERN(int) crm_jsonl_import(crm_import_result **out, crm_db *db, const char *path,
                                 const crm_import_options *opts);
CRM_EXTERN(int) crm_jsonl_import_mem(crm_import_result **out, crm_db *db, const char *data,
                                     size_t len, const crm_import_options *opts);

/*
 * Exports write every customer, archived ones too, oldest first, to the
 * file at path (created or truncated; CRM_EIO when it cannot be written)
 * or, for the _mem calls, into *out, a NUL-terminated text the caller frees
 * with crm_free().
 *
 * CSV: a header row "id,kind,name,owner,tags,birthday" then a column
 * "identity:<kind>" per identity kind in use and "attr:<key>" per
 * attribute key in use, in byte order; several values in one cell are
 * separated by ";". crm_csv_import() reads it back as it is.
 * vCard 4.0: one card per customer (FN, KIND, UID, TEL, EMAIL, ORG, NOTE,
 * BDAY, CATEGORIES, X-CRM-ATTR, X-CRM-IDENTITY, X-CRM-OWNER).
 * JSON Lines: a header line, then every record of the database (see
 * docs/import-export.md); export, import into an empty file and export
 * again give the same bytes.
 * @return CRM_OK; CRM_EINVAL (NULL db, path or out); CRM_EIO; CRM_ENOMEM.
 */
CRM_EXTERN(int) crm_csv_export(crm_db *db, const char *path);
CRM_EXTERN(int) crm_csv_export_mem(char **out, crm_db *db);
CRM_EXTERN(int) crm_vcard_export(crm_db *db, const char *path);
CRM_EXTERN(int) crm_vcard_export_mem(char **out, crm_db *db);
CRM_EXTERN(int) crm_jsonl_export(crm_db *db, const char *path);
CRM_EXTERN(int) crm_jsonl_export_mem(char **out, crm_db *db);

CRM_END_DECL

#endif
