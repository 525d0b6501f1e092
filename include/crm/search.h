/*
 * libcrm - search: finding anything said or written, on any channel.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * One full-text index covers customers' names, the values of their
 * identities and attributes, the summaries and bodies of interactions and
 * the texts of promises. It changes in the same transaction as the record
 * it reads, whichever call changes it; an archived customer's records are
 * left out of a search unless it asks for them.
 *
 * A query is words, never a query language: a word is a run of letters
 * and digits, and everything else separates words (so "NEAR(", "AND",
 * "name:" or "-" are no operators, only words or separators). Case and
 * diacritics do not count: "muller" finds "Müller". A word followed by *
 * ("cus*") finds every word it starts, for type-ahead; words between
 * double quotes ("late delivery") must follow each other in that order (a
 * quote left open runs to the end). A row matches when it holds every word. Rows come best first (the
 * relevance SQLite's FTS5 computes, bm25), rows of the same rank oldest
 * first.
 */
#ifndef CRM_SEARCH_H
#define CRM_SEARCH_H

#include "common.h"

CRM_BEGIN_DECL

/** What kind of record a hit is in. */
typedef enum crm_search_kind_t {
    CRM_SEARCH_CUSTOMER = 1,    /**< the customer's name */
    CRM_SEARCH_IDENTITY = 2,    /**< an identity's value as entered */
    CRM_SEARCH_ATTRIBUTE = 3,   /**< an attribute's value */
    CRM_SEARCH_INTERACTION = 4, /**< an interaction's summary or body */
    CRM_SEARCH_PROMISE = 5      /**< a promise's text */
} crm_search_kind_t;
#define CRM_SEARCH_KIND_MAX 5
/** A kind's bit in crm_search_options.kinds. */
#define CRM_SEARCH_BIT(k) (1u << (k))

/* "customer", "identity", "attribute", "interaction", "promise". _name
 * returns static storage, or NULL outside the enum; _parse returns
 * CRM_EINVAL for an unknown word or NULL (message in crm_errmsg(NULL)) and
 * writes *out only on success. */
CRM_EXTERN(const char *) crm_search_kind_name(crm_search_kind_t kind);
CRM_EXTERN(int) crm_search_kind_parse(crm_search_kind_t *out, const char *name);

/** Limits of a query. */
#define CRM_SEARCH_QUERY_MAX 256  /**< bytes of UTF-8 */
#define CRM_SEARCH_TERMS_MAX 16   /**< words, those in quotes included */
#define CRM_SEARCH_LIMIT_DEFAULT 20
#define CRM_SEARCH_LIMIT_MAX 1000
#define CRM_SEARCH_OFFSET_MAX 10000
#define CRM_SEARCH_MARK_MAX 16    /**< bytes of a snippet mark */

#define CRM_SEARCH_OPTIONS_VERSION 1

/**
 * What crm_search_hit_list_open() looks in and how many hits it gives.
 * Start from CRM_SEARCH_OPTIONS_INIT; zero or NULL fields do not filter.
 */
typedef struct crm_search_options {
    unsigned int version;    /**< CRM_SEARCH_OPTIONS_VERSION */
    unsigned int kinds;      /**< OR of CRM_SEARCH_BIT(); 0 = every kind */
    const char *customer_id; /**< only this customer's records */
    const char *owner;       /**< only the records of customers this owner looks after
                                  (crm_customer_owner()); the rules of crm_set_actor() */
    int include_archived;    /**< 1: archived customers' records too; 0: left out */
    unsigned int limit;      /**< at most this many hits; 0 = CRM_SEARCH_LIMIT_DEFAULT;
                                  at most CRM_SEARCH_LIMIT_MAX */
    unsigned int offset;     /**< skip this many of the best first (the next page: the
                                  offset plus the limit); at most CRM_SEARCH_OFFSET_MAX */
    const char *mark_before; /**< put before each matched word in the snippet; NULL = "[" */
    const char *mark_after;  /**< and after it; NULL = "]". Each 0..CRM_SEARCH_MARK_MAX
                                  bytes of UTF-8 */
} crm_search_options;

#define CRM_SEARCH_OPTIONS_INIT \
    { CRM_SEARCH_OPTIONS_VERSION, 0, NULL, NULL, 0, 0, 0, NULL, NULL }

/** One record a query found. */
typedef struct crm_search_hit crm_search_hit;

/* Accessors. Strings are borrowed and live as long as the hit. */
CRM_EXTERN(crm_search_kind_t) crm_search_hit_kind(const crm_search_hit *h);
CRM_EXTERN(const char *) crm_search_hit_customer_id(const crm_search_hit *h);
/** The customer's name now. */
CRM_EXTERN(const char *) crm_search_hit_customer_name(const crm_search_hit *h);
/** The interaction's or promise's id; NULL for the other kinds. */
CRM_EXTERN(const char *) crm_search_hit_record_id(const crm_search_hit *h);
/** The identity's kind ("phone") or the attribute's key; NULL for the other kinds. */
CRM_EXTERN(const char *) crm_search_hit_key(const crm_search_hit *h);
/** Which text matched: "name", "value", "summary", "body" or "what". */
CRM_EXTERN(const char *) crm_search_hit_field(const crm_search_hit *h);
/** The matched text around the matched words (up to 12 words, "…" where
 *  it is cut), each matched word between the options' marks. */
CRM_EXTERN(const char *) crm_search_hit_snippet(const crm_search_hit *h);
/** How well the hit matches: lower is better (negative, bm25). Only the
 *  order of ranks within one query means anything. */
CRM_EXTERN(double) crm_search_hit_rank(const crm_search_hit *h);

/** Copy a hit (one borrowed from a cursor, say); free with crm_search_hit_free().
 *  CRM_OK; CRM_EINVAL (NULL); CRM_ENOMEM. Messages in crm_errmsg(NULL). */
CRM_EXTERN(int) crm_search_hit_dup(crm_search_hit **out, const crm_search_hit *h);
CRM_EXTERN(void) crm_search_hit_free(crm_search_hit *h);

typedef struct crm_search_hit_cursor crm_search_hit_cursor;

/**
 * Search. query is what a person typed (see the top of this header);
 * opts may be NULL (every kind, active customers, CRM_SEARCH_LIMIT_DEFAULT
 * hits). The cursor sees the index as it was when opened.
 * @param out receives the cursor; free it with crm_search_hit_cursor_free().
 * @return CRM_OK; CRM_EINVAL (NULL out or query; a query that is not UTF-8,
 *         longer than CRM_SEARCH_QUERY_MAX, with no word, more than
 *         CRM_SEARCH_TERMS_MAX words, or a prefix of one letter ("a*");
 *         bad options: version, kinds bits, customer id, owner, limit,
 *         offset, marks); CRM_ENOTFOUND (customer_id names no customer).
 */
CRM_EXTERN(int) crm_search_hit_list_open(crm_search_hit_cursor **out, crm_db *db,
                                         const char *query, const crm_search_options *opts);
/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or a negative code. */
CRM_EXTERN(int) crm_search_hit_cursor_next(crm_search_hit_cursor *cur,
                                           const crm_search_hit **out);
CRM_EXTERN(void) crm_search_hit_cursor_free(crm_search_hit_cursor *cur);

CRM_END_DECL

#endif
