/*
 * What the three import fuzz targets share: a database kept between
 * inputs (opened afresh every so often, so it stays small), the checks of
 * an import's answer, and the round trip of what it kept.
 */
#ifndef CRM_FUZZ_IO_H
#define CRM_FUZZ_IO_H

#include <crm.h>

#include "fuzz.h"

static crm_db *fuzz_db;
static unsigned fuzz_uses;

static void fuzz_close(void)
{
    crm_close(fuzz_db);
    fuzz_db = NULL;
}

static crm_db *fuzz_open(void)
{
    if (fuzz_db && ++fuzz_uses % 64 == 0)
        fuzz_close();
    if (!fuzz_db) {
        static int registered;
        if (!registered++)
            atexit(fuzz_close);
        crm_open_options o = CRM_OPEN_OPTIONS_INIT;
        o.default_country = "US";
        int rc = crm_open(&fuzz_db, ":memory:", &o);
        FUZZ_ASSERT(rc == CRM_OK, "open: %s", crm_errmsg(NULL));
    }
    return fuzz_db;
}

static int64_t fuzz_customers(crm_db *db)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.archived = CRM_ARCHIVED_INCLUDE;
    int64_t n = -1;
    FUZZ_ASSERT(crm_customer_count(&n, db, &f) == CRM_OK, "count: %s", crm_errmsg(db));
    return n;
}

/* Valid UTF-8, for messages. */
static int fuzz_utf8(const unsigned char *s)
{
    while (*s) {
        unsigned c = *s, n;
        if (c < 0x80) {
            s++;
            continue;
        }
        n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (n == 9)
            return 0;
        for (unsigned i = 1; i <= n; i++)
            if ((s[i] & 0xC0) != 0x80)
                return 0;
        s += n + 1;
    }
    return 1;
}

typedef int (*fuzz_import_fn)(crm_import_result **, crm_db *, const char *, size_t,
                              const crm_import_options *);

/* Import data both ways. Stopping: it is kept whole or not at all.
 * Skipping: it succeeds, and the counts add up. The code of a refusal is
 * a row's, with a message in UTF-8 that names the line. Returns the
 * result of the skipping import (the caller frees it), or NULL. */
static crm_import_result *fuzz_import(crm_db *db, fuzz_import_fn call, const uint8_t *data,
                                      size_t size, int can_skip)
{
    int64_t before = fuzz_customers(db);
    crm_import_result *r = NULL;
    int rc = call(&r, db, (const char *)data, size, NULL);
    const char *msg = crm_errmsg(db);
    FUZZ_ASSERT(fuzz_utf8((const unsigned char *)msg), "message not UTF-8");
    if (rc != CRM_OK) {
        FUZZ_ASSERT(rc == CRM_EINVAL || rc == CRM_EEXISTS || rc == CRM_EAMBIGUOUS ||
                        rc == CRM_ENOTFOUND || rc == CRM_ESTATE,
                    "stop: %s: %s", crm_errname(rc), msg);
        FUZZ_ASSERT(r == NULL, "a result on failure");
        FUZZ_ASSERT(fuzz_customers(db) == before, "a failed import kept customers");
        FUZZ_ASSERT(crm_in_transaction(db) == 0, "a failed import left its transaction");
    } else {
        FUZZ_ASSERT(r != NULL, "no result");
        FUZZ_ASSERT(fuzz_customers(db) == before + crm_import_result_created(r),
                    "created %lld but the count moved from %lld to %lld",
                    (long long)crm_import_result_created(r), (long long)before,
                    (long long)fuzz_customers(db));
        FUZZ_ASSERT(crm_import_result_skipped(r) == 0, "stop mode skipped rows");
        crm_import_result_free(r);
        r = NULL;
    }
    if (!can_skip)
        return NULL;
    before = fuzz_customers(db);
    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    o.on_error = CRM_IMPORT_SKIP;
    rc = call(&r, db, (const char *)data, size, &o);
    if (rc != CRM_OK) {
        /* Only what is not a row's may end a skipping import: no header. */
        FUZZ_ASSERT(rc == CRM_EINVAL, "skip: %s: %s", crm_errname(rc), crm_errmsg(db));
        FUZZ_ASSERT(fuzz_customers(db) == before, "a failed import kept customers");
        return NULL;
    }
    FUZZ_ASSERT(fuzz_customers(db) == before + crm_import_result_created(r),
                "skip: created %lld, the count moved by %lld",
                (long long)crm_import_result_created(r),
                (long long)(fuzz_customers(db) - before));
    int64_t kept = crm_import_result_error_count(r);
    FUZZ_ASSERT(kept <= crm_import_result_skipped(r) && kept <= CRM_IMPORT_ERRORS_KEPT,
                "errors kept %lld of %lld", (long long)kept,
                (long long)crm_import_result_skipped(r));
    for (int64_t i = 0; i < kept; i++) {
        const crm_import_error *e = crm_import_result_error(r, i);
        FUZZ_ASSERT(crm_import_error_line(e) >= 1 && crm_import_error_column(e) >= 1,
                    "error %lld at line %lld column %lld", (long long)i,
                    (long long)crm_import_error_line(e), (long long)crm_import_error_column(e));
        FUZZ_ASSERT(i == 0 || crm_import_error_line(e) >=
                                  crm_import_error_line(crm_import_result_error(r, i - 1)),
                    "errors out of line order");
        FUZZ_ASSERT(fuzz_utf8((const unsigned char *)crm_import_error_message(e)),
                    "error message not UTF-8");
    }
    return r;
}

/* What the database holds, exported and imported again, adds nothing. */
static void fuzz_round_trip(crm_db *db, int (*export_mem)(char **, crm_db *), fuzz_import_fn call)
{
    char *text = NULL;
    int rc = export_mem(&text, db);
    FUZZ_ASSERT(rc == CRM_OK, "export: %s", crm_errmsg(db));
    crm_import_result *r = NULL;
    rc = call(&r, db, text, strlen(text), NULL);
    FUZZ_ASSERT(rc == CRM_OK, "the export does not import: %s\n%s", crm_errmsg(db), text);
    FUZZ_ASSERT(crm_import_result_created(r) == 0 && crm_import_result_updated(r) == 0,
                "the export imported again changed %lld and created %lld:\n%s",
                (long long)crm_import_result_updated(r),
                (long long)crm_import_result_created(r), text);
    crm_import_result_free(r);
    crm_free(text);
}

#endif
