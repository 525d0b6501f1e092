/*
 * libcrm - reports: what the interactions and promises tell the business.
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Every report is a table over a window of time [from, to), optionally
 * narrowed to some channels and to the customers of one owner: a cursor
 * of crm_report_row, each a row of typed columns the cursor describes
 * (crm_report_column_count/_name/_type). Column names are snake_case
 * words, the keys of the JSON and CSV forms. Each report's columns, in
 * order, have index macros below (CRM_REASONS_CONTACTS, ...).
 *
 * "Contacts" are inbound interactions (CRM_DIRECTION_IN: the customer
 * reached the business). Reason codes are hierarchical by '.': at depth 1
 * "billing.double_charge" counts as "billing", at depth 2 as
 * "billing.double_charge", and a code with fewer levels than the depth
 * counts whole; depth 0 takes every code whole.
 *
 * Reports only read: bad options give CRM_EINVAL naming the field, and any
 * call can also return CRM_EBUSY, CRM_EIO, CRM_ECORRUPT or CRM_ENOMEM.
 * docs/reports.md describes each report with examples.
 */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include "common.h"

CRM_BEGIN_DECL

/** The type of a report's column. */
typedef enum crm_value_t {
    CRM_VALUE_TEXT = 1, /**< crm_report_row_text() */
    CRM_VALUE_INT = 2,  /**< crm_report_row_int() */
    CRM_VALUE_REAL = 3, /**< crm_report_row_real(): a share or a rate, 0..1 */
    CRM_VALUE_TIME = 4  /**< crm_report_row_int(): ms since the epoch, UTC */
} crm_value_t;

/** How the channel mix groups time: by UTC day, by week (from Monday
 *  00:00 UTC), by calendar month (UTC). */
typedef enum crm_report_period_t {
    CRM_REPORT_PERIOD_DAY = 1,
    CRM_REPORT_PERIOD_WEEK = 2,
    CRM_REPORT_PERIOD_MONTH = 3
} crm_report_period_t;

/* Words: "text", "int", "real", "time"; "day", "week", "month". _name
 * returns static storage, or NULL outside the enum; _parse returns
 * CRM_EINVAL for an unknown word or NULL, with the message in
 * crm_errmsg(NULL), and writes *out only on success. */
CRM_EXTERN(const char *) crm_value_name(crm_value_t type);
CRM_EXTERN(int) crm_value_parse(crm_value_t *out, const char *name);
CRM_EXTERN(const char *) crm_report_period_name(crm_report_period_t period);
CRM_EXTERN(int) crm_report_period_parse(crm_report_period_t *out, const char *name);

#define CRM_REPORT_DEPTH_MAX 8          /**< reason levels a report tells apart */
#define CRM_REPORT_REPEAT_DAYS_MAX 3660 /**< ten years */
#define CRM_REPORT_HANDOVER_MINUTES_MAX 10080 /**< a week */

#define CRM_REPORT_OPTIONS_VERSION 1

/**
 * What a report covers. Start from CRM_REPORT_OPTIONS_INIT; NULL options
 * are the defaults: all time, every channel, every customer.
 */
typedef struct crm_report_options {
    unsigned int version; /**< CRM_REPORT_OPTIONS_VERSION */
    /** The window [from, to) in ms, on each interaction's occurred_at (the
     *  keep-rate: on each promise's made_at); CRM_TIME_NONE = unbounded. */
    int64_t from, to;
    /** Channels, as crm_timeline_filter has them: OR of CRM_CHANNEL_BIT()
     *  and words (built-in or custom) ended by NULL; both empty = every
     *  channel. The keep-rate filters on the channel of the interaction
     *  the promise was made during (a promise made during none is left
     *  out when a channel is named). */
    unsigned int channels;
    const char *const *channel_names;
    /** Only the customers this owner looks after (crm_customer_owner(),
     *  the actor form "team:billing"); NULL = every customer. */
    const char *owner;
    /** Reason levels, 0..CRM_REPORT_DEPTH_MAX: 0 = the whole code. */
    int depth;
    /** Repeats and first-contact resolution: how many days after a
     *  contact another about the same reason counts as its repeat;
     *  0 = 7, else 1..CRM_REPORT_REPEAT_DAYS_MAX. */
    int repeat_days;
    /** IVR hand-over: minutes after an IVR contact within which a
     *  human-handled interaction counts as its hand-over; 0 = 30, else
     *  1..CRM_REPORT_HANDOVER_MINUTES_MAX. */
    int handover_minutes;
    /** The keep-rate's "overdue now": open and due before as_of;
     *  CRM_TIME_NONE = the handle's clock. */
    int64_t as_of;
    /** The channel mix's period; 0 = CRM_REPORT_PERIOD_DAY. */
    crm_report_period_t period;
    /** Reasons: 1 = a row per channel after each reason's row; else 0. */
    int by_channel;
} crm_report_options;

#define CRM_REPORT_OPTIONS_INIT                                                             \
    { CRM_REPORT_OPTIONS_VERSION, CRM_TIME_NONE, CRM_TIME_NONE, 0, NULL, NULL, 0, 0, 0,    \
      CRM_TIME_NONE, CRM_REPORT_PERIOD_DAY, 0 }

typedef struct crm_report_cursor crm_report_cursor;
typedef struct crm_report_row crm_report_row;

/**
 * Contact reasons, a Pareto: a row per reason at the depth, the most
 * contacts first (then by reason); contacts with no reason are one row
 * whose reason is NULL ("none"), placed by its count like any other.
 * With by_channel, each reason's row is followed by a row per channel its
 * contacts came on (most first, then by channel name), whose channel is
 * set and whose cumulative_share is NULL. Columns: reason (TEXT), channel
 * (TEXT, NULL on a reason's own row), contacts (INT), share (REAL: of
 * every contact in the report), cumulative_share (REAL: the running share
 * of the reasons' rows down to this one).
 */
CRM_EXTERN(int) crm_report_reasons_open(crm_report_cursor **out, crm_db *db,
                                        const crm_report_options *opts);
#define CRM_REASONS_REASON 0
#define CRM_REASONS_CHANNEL 1
#define CRM_REASONS_CONTACTS 2
#define CRM_REASONS_SHARE 3
#define CRM_REASONS_CUMULATIVE_SHARE 4

/**
 * Repeat contacts, the failure demand: per reason at the depth, contacts
 * in the window and those of them that repeat an earlier contact: the
 * same customer had an inbound contact with the same reason at the depth,
 * on any channel, in the repeat_days before it (at most repeat_days * 24 h
 * earlier; the earlier one may lie before the window; at the same
 * millisecond, the one with the smaller id is the earlier: one handle's
 * ids follow the order it logged them, two handles' in one millisecond
 * may fall either way). Contacts with no reason are left out. Most contacts first, then by reason. Columns:
 * reason (TEXT), contacts (INT), repeat_contacts (INT), repeat_rate (REAL).
 */
CRM_EXTERN(int) crm_report_repeats_open(crm_report_cursor **out, crm_db *db,
                                        const crm_report_options *opts);
#define CRM_REPEATS_REASON 0
#define CRM_REPEATS_CONTACTS 1
#define CRM_REPEATS_REPEAT_CONTACTS 2
#define CRM_REPEATS_REPEAT_RATE 3

/**
 * First-contact resolution, per channel and per reason. A first contact is
 * a contact in the window that is no repeat (as crm_report_repeats_open()
 * says); it was resolved first time when its outcome is resolved and the
 * same customer made no later inbound contact with the same reason in the
 * repeat_days after it (on any channel, and even past the window's end).
 * Contacts with no reason are left out. Two groups of rows: dimension
 * "channel" (key: the channel's word) then dimension "reason" (key: the
 * reason at the depth), each by first_contacts, most first, then by key.
 * Columns: dimension (TEXT), key (TEXT), first_contacts (INT),
 * resolved_first (INT), fcr_rate (REAL).
 */
CRM_EXTERN(int) crm_report_fcr_open(crm_report_cursor **out, crm_db *db,
                                    const crm_report_options *opts);
#define CRM_FCR_DIMENSION 0
#define CRM_FCR_KEY 1
#define CRM_FCR_FIRST_CONTACTS 2
#define CRM_FCR_RESOLVED_FIRST 3
#define CRM_FCR_FCR_RATE 4

/**
 * IVR hand-over: the inbound contacts on channel ivr in the window, per
 * reason at the depth (the IVR's step), and those handed over: followed,
 * for the same customer, at the same time or up to handover_minutes later,
 * by an interaction in either direction on another channel whose
 * handled_by, if any, does not start "ivr:" or "bot:". The rest were
 * contained. Contacts with no reason are left out; a channel filter that
 * leaves out ivr leaves no rows. Most IVR contacts first, then by reason.
 * Columns: reason (TEXT), ivr_contacts (INT), handed_over (INT), contained
 * (INT), handover_rate (REAL).
 */
CRM_EXTERN(int) crm_report_handover_open(crm_report_cursor **out, crm_db *db,
                                         const crm_report_options *opts);
#define CRM_HANDOVER_REASON 0
#define CRM_HANDOVER_IVR_CONTACTS 1
#define CRM_HANDOVER_HANDED_OVER 2
#define CRM_HANDOVER_CONTAINED 3
#define CRM_HANDOVER_HANDOVER_RATE 4

/**
 * Promise keep-rate: the promises made in the window, a row per promise
 * owner (by owner) and last an overall row whose owner is NULL, there even
 * when no promise was made. Columns: owner (TEXT), made, kept_on_time,
 * kept_late (kept after the due time in force), broken, released, open,
 * overdue (open and due before as_of), renegotiations (every one of the
 * promises'), renegotiations_agreed (those the customer agreed to),
 * renegotiations_not_agreed (INT each), keep_rate (REAL: kept_on_time /
 * (kept_on_time + kept_late + broken + overdue); NULL when that is 0).
 */
CRM_EXTERN(int) crm_report_keep_rate_open(crm_report_cursor **out, crm_db *db,
                                          const crm_report_options *opts);
#define CRM_KEEP_RATE_OWNER 0
#define CRM_KEEP_RATE_MADE 1
#define CRM_KEEP_RATE_KEPT_ON_TIME 2
#define CRM_KEEP_RATE_KEPT_LATE 3
#define CRM_KEEP_RATE_BROKEN 4
#define CRM_KEEP_RATE_RELEASED 5
#define CRM_KEEP_RATE_OPEN 6
#define CRM_KEEP_RATE_OVERDUE 7
#define CRM_KEEP_RATE_RENEGOTIATIONS 8
#define CRM_KEEP_RATE_RENEGOTIATIONS_AGREED 9
#define CRM_KEEP_RATE_RENEGOTIATIONS_NOT_AGREED 10
#define CRM_KEEP_RATE_KEEP_RATE 11

/**
 * Channel mix: every interaction in the window (both directions), counted
 * per period, channel, direction and public flag, in that order (channels
 * by word). Columns: period_start (TIME: the period's first ms),
 * channel (TEXT), direction (TEXT: "in", "out"), public (INT: 0 or 1),
 * interactions (INT).
 */
CRM_EXTERN(int) crm_report_channel_mix_open(crm_report_cursor **out, crm_db *db,
                                            const crm_report_options *opts);
#define CRM_CHANNEL_MIX_PERIOD_START 0
#define CRM_CHANNEL_MIX_CHANNEL 1
#define CRM_CHANNEL_MIX_DIRECTION 2
#define CRM_CHANNEL_MIX_PUBLIC 3
#define CRM_CHANNEL_MIX_INTERACTIONS 4

/** CRM_ROW with *out borrowed until the next call, CRM_DONE, or a negative code. */
CRM_EXTERN(int) crm_report_cursor_next(crm_report_cursor *cur, const crm_report_row **out);
/** Free the cursor. Accepts NULL. */
CRM_EXTERN(void) crm_report_cursor_free(crm_report_cursor *cur);

/* The columns of the cursor's report (never failing: 0, NULL or 0 for a
 * NULL cursor or a column outside 0..count-1). Names are static storage. */
CRM_EXTERN(int) crm_report_column_count(const crm_report_cursor *cur);
CRM_EXTERN(const char *) crm_report_column_name(const crm_report_cursor *cur, int i);
CRM_EXTERN(crm_value_t) crm_report_column_type(const crm_report_cursor *cur, int i);

/* A row's values by column. Accessors never fail: a NULL row, a column
 * outside the row, a NULL value or a column of another type give NULL
 * (text), 0 (int, real; CRM_TIME_NONE for a TIME column's NULL), and
 * crm_report_row_is_null() says 1. crm_report_row_real() reads an INT
 * column too. Texts are borrowed like the row. */
CRM_EXTERN(const char *) crm_report_row_text(const crm_report_row *r, int i);
CRM_EXTERN(int64_t) crm_report_row_int(const crm_report_row *r, int i);
CRM_EXTERN(double) crm_report_row_real(const crm_report_row *r, int i);
CRM_EXTERN(int) crm_report_row_is_null(const crm_report_row *r, int i);

CRM_END_DECL

#endif
