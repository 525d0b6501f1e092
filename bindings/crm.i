/*
 * libcrm - the SWIG interface both languages share: what is said about the
 * C API, once, for Python and Lua alike.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Xapian's layout. Each language has a small crm_<language>.i in its own
 * folder that includes, in this order:
 *
 *   ../crm_head.i     the C every piece uses (crm.h, the stashed handle);
 *   its own pieces    errors.i (the language's error, and the one
 *                     %exception), arguments.i (text and integers in),
 *                     outputs.i (what an out-parameter becomes), records.i
 *                     (a record as the language's row, built by the code
 *                     gen_records.py makes from records.py);
 *   this file.
 *
 * What is said here:
 *  - the public headers, with CRM_EXTERN neutralised for SWIG's parser;
 *  - what is not bound (%ignore; the reasons are in not-bound.txt) and
 *    which int calls return no status (%noexception);
 *  - every opaque record and cursor type as a class whose destructor is
 *    the matching _free (records returned through `**out` are owned by the
 *    language; records a cursor's _next returns are borrowed);
 *  - out-parameters turned into return values (the int status is dropped:
 *    a failure raises, by the language's %exception, with the code,
 *    crm_errmsg(db) and, after CRM_EEXISTS, crm_conflict_id(db), where db
 *    is the handle the call was given, stashed by the check typemap below);
 *  - flat variants of the calls that take option structs;
 *  - the `_`-prefixed calls the packages read records through, each the
 *    libcrm call and the copy of the whole record in one crossing.
 *
 * What the language's pieces define before this file, used below:
 *   CRM_SWIG_SET_RESULT(OBJ)       make OBJ the call's result (OBJ pushes
 *                                  or evaluates to the language's value)
 *   CRM_SWIG_PTR(P, DESC, OWN)     a SWIG pointer object
 *   CRM_SWIG_CURSOR_OWN            the ownership flag of a cursor's object
 *   CRM_SWIG_STR(S), CRM_SWIG_INT(V), CRM_SWIG_INT64(V)
 *   CRM_SWIG_ROW_RESULT(NAME, P)   make crm_swig_NAME's row of the record
 *                                  P the call's result (None/nil for NULL)
 * and the typemap for `const char *const *channels` (a list of words
 * in: the language's sequence as a NULL-terminated array, each word
 * itself, commas and all, for libcrm to judge).
 */

%include <stdint.i>

/* CRM_EXTERN, neutralised for SWIG's parser in this one place. SWIG
 * defines neither __GNUC__ nor _WIN32, so common.h's portable branch
 * (`extern type`) is the one it reads. Defining it here too (identical
 * tokens, so not a redefinition) makes SWIG stop with "macro redefined" at
 * this line if common.h ever gives SWIG another definition. */
#define CRM_EXTERN(type) extern type

/* ---- hidden: see bindings/not-bound.txt ------------------------------- */
%ignore crm_config_allocator;
%ignore crm_allocator;
%ignore crm_free;
%ignore crm_open_options_init;
%ignore crm_open_options;
%ignore crm_customer_filter;
%ignore crm_timeline_filter;
%ignore crm_promise_filter;
%ignore crm_interaction_spec;
%ignore crm_occasion_spec;
%ignore crm_customer_list_open;
%ignore crm_customer_count;
%ignore crm_interaction_timeline_open;
%ignore crm_interaction_thread_open;
%ignore crm_promise_list_open;
%ignore crm_interaction_log;
%ignore crm_occasion_add;
%ignore crm_open;
%ignore crm_customer_dup;
%ignore crm_identity_dup;
%ignore crm_interaction_dup;
%ignore crm_promise_dup;
%ignore crm_occasion_dup;
%ignore crm_date_to_days;
%ignore crm_date_from_days;
%ignore crm_agenda_options;
%ignore crm_agenda_item_list_open;
%ignore crm_agenda_item_dup;
%ignore crm_search_options;
%ignore crm_search_hit_list_open;
%ignore crm_search_hit_dup;
/* An entry's fields: each language reads crm_journal_entry_data(), JSON
 * text, with a JSON reader of its own (bindings/not-bound.txt). */
%ignore crm_journal_field_list_open;
%ignore crm_journal_field_cursor_next;
%ignore crm_journal_field_cursor_free;
%ignore crm_journal_field_key;
%ignore crm_journal_field_type;
%ignore crm_journal_field_value;

/* Calls whose int is not a status, and void calls (no result to check). */
%noexception crm_errcode;
%noexception crm_interaction_sentiment;
%noexception crm_attr_cursor_free;
%noexception crm_customer_free;
%noexception crm_customer_cursor_free;
%noexception crm_identity_free;
%noexception crm_identity_cursor_free;
%noexception crm_interaction_free;
%noexception crm_journal_entry_cursor_free;
%noexception crm_member_cursor_free;
%noexception crm_occasion_free;
%noexception crm_occasion_cursor_free;
%noexception crm_promise_free;
%noexception crm_promise_event_cursor_free;
%noexception crm_promise_cursor_free;
%noexception crm_tag_cursor_free;
%noexception crm_interaction_cursor_free;
%noexception crm_agenda_item_free;
%noexception crm_agenda_item_cursor_free;
%noexception crm_search_hit_free;
%noexception crm_search_hit_cursor_free;

/* Remember the handle for crm_errmsg() and crm_conflict_id(). */
%typemap(check) crm_db *db, const crm_db *db "crm_swig_db = $1;"

/* ---- out-parameters: what the caller gets instead of the status ---------- */

/* An owned record or handle: the language frees it with the type's _free. */
%define CRM_OWNED_OUT(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) TYPE **out { CRM_SWIG_SET_RESULT(CRM_SWIG_PTR(*$1, $*1_descriptor, SWIG_POINTER_OWN)) }
%enddef

/* A cursor: owned as the language says (CRM_SWIG_CURSOR_OWN; see its
 * outputs.i for why Lua's is not). */
%define CRM_CURSOR_OUT(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) TYPE **out { CRM_SWIG_SET_RESULT(CRM_SWIG_PTR(*$1, $*1_descriptor, CRM_SWIG_CURSOR_OWN)) }
%enddef

/* A record borrowed from a cursor (valid until the next call on it); the
 * status (CRM_ROW / CRM_DONE) becomes the record or nil/None at the end. */
%define CRM_BORROWED_OUT(TYPE)
%typemap(in, numinputs=0) const TYPE **out (const TYPE *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) const TYPE **out { CRM_SWIG_SET_RESULT(CRM_SWIG_PTR((TYPE *)*$1, $*1_descriptor, 0)) }
%enddef

/* An opaque type the language owns: its destructor is FREE. */
%define CRM_OPAQUE(TYPE, FREE)
%nodefaultctor TYPE;
%noexception TYPE::~TYPE;
struct TYPE {};
%extend TYPE { ~TYPE() { FREE($self); } }
%delobject FREE;
%enddef

CRM_OWNED_OUT(crm_db)
CRM_OWNED_OUT(crm_customer)
CRM_OWNED_OUT(crm_identity)
CRM_OWNED_OUT(crm_interaction)
CRM_OWNED_OUT(crm_promise)
CRM_OWNED_OUT(crm_occasion)
CRM_CURSOR_OUT(crm_customer_cursor)
CRM_CURSOR_OUT(crm_attr_cursor)
CRM_CURSOR_OUT(crm_tag_cursor)
CRM_CURSOR_OUT(crm_member_cursor)
CRM_CURSOR_OUT(crm_identity_cursor)
CRM_CURSOR_OUT(crm_journal_entry_cursor)
CRM_CURSOR_OUT(crm_interaction_cursor)
CRM_CURSOR_OUT(crm_promise_cursor)
CRM_CURSOR_OUT(crm_promise_event_cursor)
CRM_CURSOR_OUT(crm_occasion_cursor)
CRM_CURSOR_OUT(crm_agenda_item_cursor)
CRM_CURSOR_OUT(crm_search_hit_cursor)

CRM_BORROWED_OUT(crm_customer)
CRM_BORROWED_OUT(crm_attr)
CRM_BORROWED_OUT(crm_member)
CRM_BORROWED_OUT(crm_identity)
CRM_BORROWED_OUT(crm_journal_entry)
CRM_BORROWED_OUT(crm_interaction)
CRM_BORROWED_OUT(crm_promise)
CRM_BORROWED_OUT(crm_promise_event)
CRM_BORROWED_OUT(crm_occasion)
CRM_BORROWED_OUT(crm_agenda_item)
CRM_BORROWED_OUT(crm_search_hit)

/* crm_tag_cursor_next(cur, const char **out): the tag, or nil/None at the end. */
%typemap(in, numinputs=0) const char **out (const char *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) const char **out { CRM_SWIG_SET_RESULT(CRM_SWIG_STR(*$1)) }
/* Borrowed: not the caller's to free (without this, SWIG would take the
 * char **out typemap's crm_free() below for it). */
%typemap(freearg) const char **out ""

/* A string the caller owns: copied into the language, then crm_free()d. */
%typemap(in, numinputs=0) char **out (char *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) char **out { CRM_SWIG_SET_RESULT(CRM_SWIG_STR(*$1)) }
%typemap(freearg) char **out "crm_free(*$1);"

%typemap(in, numinputs=0) int64_t *out (int64_t tmp = 0) "$1 = ($1_ltype)&tmp;"
%typemap(argout) int64_t *out { CRM_SWIG_SET_RESULT(CRM_SWIG_INT64(*$1)) }
%typemap(in, numinputs=0) int *out (int tmp = 0) "$1 = ($1_ltype)&tmp;"
%typemap(argout) int *out { CRM_SWIG_SET_RESULT(CRM_SWIG_INT(*$1)) }

/* The _parse calls: the enum's value. */
%define CRM_ENUM_OUT(TYPE)
%typemap(in, numinputs=0) TYPE *out (TYPE tmp = (TYPE)0) "$1 = ($1_ltype)&tmp;"
%typemap(argout) TYPE *out { CRM_SWIG_SET_RESULT(CRM_SWIG_INT((int)*$1)) }
%enddef
CRM_ENUM_OUT(crm_customer_kind_t)
CRM_ENUM_OUT(crm_channel_t)
CRM_ENUM_OUT(crm_direction_t)
CRM_ENUM_OUT(crm_outcome_t)
CRM_ENUM_OUT(crm_promise_state_t)
CRM_ENUM_OUT(crm_promise_event_kind_t)
CRM_ENUM_OUT(crm_archived_filter_t)
CRM_ENUM_OUT(crm_customer_order_t)
CRM_ENUM_OUT(crm_durability_t)
CRM_ENUM_OUT(crm_record_t)
CRM_ENUM_OUT(crm_agenda_kind_t)
CRM_ENUM_OUT(crm_search_kind_t)
CRM_ENUM_OUT(crm_json_type_t)

/* Records and cursors, each freed by its _free. */
CRM_OPAQUE(crm_customer, crm_customer_free)
CRM_OPAQUE(crm_identity, crm_identity_free)
CRM_OPAQUE(crm_interaction, crm_interaction_free)
CRM_OPAQUE(crm_promise, crm_promise_free)
CRM_OPAQUE(crm_occasion, crm_occasion_free)
CRM_OPAQUE(crm_customer_cursor, crm_customer_cursor_free)
CRM_OPAQUE(crm_attr_cursor, crm_attr_cursor_free)
CRM_OPAQUE(crm_tag_cursor, crm_tag_cursor_free)
CRM_OPAQUE(crm_member_cursor, crm_member_cursor_free)
CRM_OPAQUE(crm_identity_cursor, crm_identity_cursor_free)
CRM_OPAQUE(crm_journal_entry_cursor, crm_journal_entry_cursor_free)
CRM_OPAQUE(crm_interaction_cursor, crm_interaction_cursor_free)
CRM_OPAQUE(crm_promise_cursor, crm_promise_cursor_free)
CRM_OPAQUE(crm_promise_event_cursor, crm_promise_event_cursor_free)
CRM_OPAQUE(crm_occasion_cursor, crm_occasion_cursor_free)
CRM_OPAQUE(crm_agenda_item, crm_agenda_item_free)
CRM_OPAQUE(crm_agenda_item_cursor, crm_agenda_item_cursor_free)
CRM_OPAQUE(crm_search_hit, crm_search_hit_free)
CRM_OPAQUE(crm_search_hit_cursor, crm_search_hit_cursor_free)
/* The handle: closed when collected (crm_close() on a handle with cursors
 * still open fails and leaks it; the languages free cursors first). */
CRM_OPAQUE(crm_db, crm_close)

%include "crm/common.h"
%include "crm/version.h"
%include "crm/error.h"
%include "crm/db.h"
%include "crm/customer.h"
%include "crm/identity.h"
%include "crm/journal.h"
%include "crm/interaction.h"
%include "crm/promise.h"
%include "crm/occasion.h"
%include "crm/agenda.h"
%include "crm/search.h"

/* ---- reports ---------------------------------------------------------------
 * Each report's opening takes an options struct: bound as a flat
 * crm_swig_report_<name>_open, the struct's fields as arguments (channels
 * as in crm_swig_timeline_open). A row crosses whole through _report_next:
 * the language's builder crm_swig_report_row (its records.i) reads every
 * column the cursor describes, by its type. */
%ignore crm_report_options;
%ignore crm_report_reasons_open;
%ignore crm_report_repeats_open;
%ignore crm_report_fcr_open;
%ignore crm_report_handover_open;
%ignore crm_report_keep_rate_open;
%ignore crm_report_channel_mix_open;
%noexception crm_report_cursor_free;
%noexception crm_report_column_count;
%noexception crm_report_row_is_null;
CRM_CURSOR_OUT(crm_report_cursor)
CRM_BORROWED_OUT(crm_report_row)
CRM_ENUM_OUT(crm_value_t)
CRM_ENUM_OUT(crm_report_period_t)
CRM_OPAQUE(crm_report_cursor, crm_report_cursor_free)
%include "crm/report.h"

%define CRM_REPORT_OPEN(NAME)
%inline %{
int crm_swig_report_ ## NAME ## _open(crm_report_cursor **out, crm_db *db,
                                      unsigned int channel_bits, int64_t from, int64_t to,
                                      const char *owner, int depth, int repeat_days,
                                      int handover_minutes, int64_t as_of, int period,
                                      int by_channel, const char *const *channels)
{
    crm_report_options o = CRM_REPORT_OPTIONS_INIT;
    o.channels = channel_bits;
    o.from = from;
    o.to = to;
    o.owner = owner;
    o.depth = depth;
    o.repeat_days = repeat_days;
    o.handover_minutes = handover_minutes;
    o.as_of = as_of;
    o.period = (crm_report_period_t)period;
    o.by_channel = by_channel;
    o.channel_names = channels;
    return crm_report_ ## NAME ## _open(out, db, &o);
}
%}
%enddef
CRM_REPORT_OPEN(reasons)
CRM_REPORT_OPEN(repeats)
CRM_REPORT_OPEN(fcr)
CRM_REPORT_OPEN(handover)
CRM_REPORT_OPEN(keep_rate)
CRM_REPORT_OPEN(channel_mix)

%typemap(in, numinputs=0) crm_swig_report_pair *row (crm_swig_report_pair tmp = { NULL, NULL })
    "$1 = &tmp;"
%typemap(argout) crm_swig_report_pair *row { CRM_SWIG_ROW_RESULT(report_row, $1) }
%rename(_report_next) crm_swig_row_report_next;
%inline %{
static int crm_swig_row_report_next(crm_report_cursor *cur, crm_swig_report_pair *row)
{
    row->cur = cur;
    return crm_report_cursor_next(cur, &row->row);
}
%}

/* ---- glue for the calls that take option structs ------------------------
 * Their const char * members cannot be set from a language without leaking,
 * so each gets a flat variant taking the fields as arguments (NULL/0 = the
 * default). No logic: fill the struct, make the call. */
%inline %{
int crm_swig_open(crm_db **out, const char *path, unsigned int flags, int busy_timeout_ms,
                  int durability, const char *actor, const char *default_country)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = flags;
    o.busy_timeout_ms = busy_timeout_ms;
    o.durability = (crm_durability_t)durability;
    o.actor = actor;
    o.default_country = default_country;
    return crm_open(out, path, &o);
}

int crm_swig_customer_list_open(crm_customer_cursor **out, crm_db *db, int kind,
                                const char *tag, const char *name_prefix, int archived,
                                int64_t created_from, int64_t created_to,
                                const char *after, unsigned int limit, int order,
                                const char *owner)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.kind = kind;
    f.tag = tag;
    f.name_prefix = name_prefix;
    f.archived = (crm_archived_filter_t)archived;
    f.created_from = created_from;
    f.created_to = created_to;
    f.after = after;
    f.limit = limit;
    f.order = (crm_customer_order_t)order;
    f.owner = owner;
    return crm_customer_list_open(out, db, &f);
}

int crm_swig_customer_count(int64_t *out, crm_db *db, int kind, const char *tag,
                            const char *name_prefix, int archived, int64_t created_from,
                            int64_t created_to, const char *owner)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.kind = kind;
    f.tag = tag;
    f.name_prefix = name_prefix;
    f.archived = (crm_archived_filter_t)archived;
    f.created_from = created_from;
    f.created_to = created_to;
    f.owner = owner;
    return crm_customer_count(out, db, &f);
}

/* The timeline's filter, which a thread takes too: its fields in the
 * struct's order, the built-in channels' bits as channel_bits and the
 * channels by word (channel_names) as channels, the language's list of
 * words (its arguments.i's typemap for them). */
int crm_swig_timeline_open(crm_interaction_cursor **out, crm_db *db, const char *customer_id,
                           unsigned int channel_bits, int64_t from, int64_t to,
                           const char *reason_prefix, int direction, int public_only,
                           unsigned int outcomes, const char *before, unsigned int limit,
                           const char *const *channels)
{
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.channels = channel_bits;
    f.from = from;
    f.to = to;
    f.reason_prefix = reason_prefix;
    f.direction = direction;
    f.public_only = public_only;
    f.outcomes = outcomes;
    f.before = before;
    f.limit = limit;
    f.channel_names = channels;
    return crm_interaction_timeline_open(out, db, customer_id, &f);
}

int crm_swig_thread_open(crm_interaction_cursor **out, crm_db *db, const char *interaction_id,
                         unsigned int channel_bits, int64_t from, int64_t to,
                         const char *reason_prefix, int direction, int public_only,
                         unsigned int outcomes, const char *before, unsigned int limit,
                         const char *const *channels)
{
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.channels = channel_bits;
    f.from = from;
    f.to = to;
    f.reason_prefix = reason_prefix;
    f.direction = direction;
    f.public_only = public_only;
    f.outcomes = outcomes;
    f.before = before;
    f.limit = limit;
    f.channel_names = channels;
    return crm_interaction_thread_open(out, db, interaction_id, &f);
}

int crm_swig_promise_list_open(crm_promise_cursor **out, crm_db *db, const char *customer_id,
                               const char *owner, unsigned int states, int64_t due_before,
                               int64_t overdue_as_of, const char *after, unsigned int limit)
{
    crm_promise_filter f = CRM_PROMISE_FILTER_INIT;
    f.customer_id = customer_id;
    f.owner = owner;
    f.states = states;
    f.due_before = due_before;
    f.overdue_as_of = overdue_as_of;
    f.after = after;
    f.limit = limit;
    return crm_promise_list_open(out, db, &f);
}

int crm_swig_search_open(crm_search_hit_cursor **out, crm_db *db, const char *query,
                         unsigned int kinds, const char *customer_id, const char *owner,
                         int include_archived, unsigned int limit, unsigned int offset,
                         const char *mark_before, const char *mark_after)
{
    crm_search_options o = CRM_SEARCH_OPTIONS_INIT;
    o.kinds = kinds;
    o.customer_id = customer_id;
    o.owner = owner;
    o.include_archived = include_archived;
    o.limit = limit;
    o.offset = offset;
    o.mark_before = mark_before;
    o.mark_after = mark_after;
    return crm_search_hit_list_open(out, db, query, &o);
}

int crm_swig_interaction_log(crm_interaction **out, crm_db *db, const char *customer_id,
                             const char *channel, int direction, int64_t occurred_at,
                             const char *handled_by, const char *reason, int outcome,
                             int is_public, int sentiment, const char *summary,
                             const char *body, const char *reply_to, const char *external_ref)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = customer_id;
    s.channel_name = channel;
    s.direction = (crm_direction_t)direction;
    s.occurred_at = occurred_at;
    s.handled_by = handled_by;
    s.reason = reason;
    s.outcome = (crm_outcome_t)outcome;
    s.is_public = is_public;
    s.sentiment = sentiment;
    s.summary = summary;
    s.body = body;
    s.reply_to = reply_to;
    s.external_ref = external_ref;
    return crm_interaction_log(out, db, &s);
}

int crm_swig_occasion_add(crm_occasion **out, crm_db *db, const char *customer_id,
                          const char *kind, int yearly, int year, int month, int day,
                          int lead_days, const char *note)
{
    crm_occasion_spec s = CRM_OCCASION_SPEC_INIT;
    s.customer_id = customer_id;
    s.kind = kind;
    s.yearly = yearly;
    s.year = year;
    s.month = month;
    s.day = day;
    s.lead_days = lead_days;
    s.note = note;
    return crm_occasion_add(out, db, &s);
}

int crm_swig_agenda_open(crm_agenda_item_cursor **out, crm_db *db, const char *owner,
                         int64_t as_of, int64_t horizon, unsigned int kinds,
                         int64_t head_start_overdue, int64_t head_start_due,
                         int64_t head_start_contact, int64_t head_start_occasion,
                         unsigned int limit)
{
    crm_agenda_options o = CRM_AGENDA_OPTIONS_INIT;
    o.owner = owner;
    o.as_of = as_of;
    o.horizon = horizon;
    o.kinds = kinds;
    o.head_start_overdue = head_start_overdue;
    o.head_start_due = head_start_due;
    o.head_start_contact = head_start_contact;
    o.head_start_occasion = head_start_occasion;
    o.limit = limit;
    return crm_agenda_item_list_open(out, db, &o);
}
%}

/* ---- records in one crossing ---------------------------------------------
 * Copying a record out field by field through its accessors costs one call
 * across the language boundary per field, plus a wrapper object for the
 * record itself. The calls below (named with a leading "_": the packages'
 * fast paths, not API) make the libcrm call and copy the whole record in
 * C, with the builder crm_swig_<record> the language's records.i includes
 * (made by gen_records.py from records.py, where each record's fields are
 * declared once): a tuple of its fields in Python, in the order of the
 * crm package's record class's __slots__, which the package moves into
 * the record (its cursors make the record itself: python/cursors.i); a
 * table with the record type's metatable in Lua, the record the crm module
 * returns. A record a call returns is freed before the wrapper returns;
 * one a cursor lends is copied before the next call; at the end of a
 * cursor the row is None/nil. The status is handled as everywhere (the
 * language's %exception). tests/python/test_records.py and
 * tests/lua/test_records.lua compare, for every record type, what the
 * binding gives with what the accessors give. */

/* `crm_NAME **row`: a record the call returns, copied and freed. `const
 * crm_NAME **row`: a record a cursor lends (or the record given, for the
 * Python classes' constructors), copied. */
%define CRM_ROW_OUT(NAME, FREE)
%typemap(in, numinputs=0) crm_ ## NAME **row (crm_ ## NAME *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) crm_ ## NAME **row { CRM_SWIG_ROW_RESULT(NAME, *$1) }
%typemap(freearg) crm_ ## NAME **row "FREE(*$1);"
%typemap(in, numinputs=0) const crm_ ## NAME **row (const crm_ ## NAME *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) const crm_ ## NAME **row { CRM_SWIG_ROW_RESULT(NAME, *$1) }
%typemap(freearg) const crm_ ## NAME **row "" /* lent: not the crm_NAME ** one */
%enddef
CRM_ROW_OUT(customer, crm_customer_free)
CRM_ROW_OUT(identity, crm_identity_free)
CRM_ROW_OUT(journal_entry, (void))
CRM_ROW_OUT(interaction, crm_interaction_free)
CRM_ROW_OUT(promise, crm_promise_free)
CRM_ROW_OUT(occasion, crm_occasion_free)
CRM_ROW_OUT(member, (void))
CRM_ROW_OUT(promise_event, (void))
CRM_ROW_OUT(attr, (void))
CRM_ROW_OUT(agenda_item, (void))
CRM_ROW_OUT(search_hit, (void))

/* The calls, each the libcrm call of the same name (or the crm_swig_ glue
 * above) with `row` for `out`. */
%define CRM_ROW_CALL(NAME, PARAMS, ARGS)
%rename(_ ## NAME) crm_swig_row_ ## NAME;
%inline %{
static int crm_swig_row_ ## NAME PARAMS { return ARGS; }
%}
%enddef

/* A change that gives no record (CHANGE), and then the record it changed,
 * read again (GET): what the methods return whose libcrm call gives no
 * record (the promise steps give theirs: CRM_ROW_CALL). Were the change
 * made and the read to fail (CRM_ENOMEM), the call raises although the
 * change is made, as a commit whose acknowledgement is lost would. */
%define CRM_ROW_CHANGE(NAME, PARAMS, CHANGE, GET)
%rename(_ ## NAME) crm_swig_row_ ## NAME;
%inline %{
static int crm_swig_row_ ## NAME PARAMS
{
    int rc = CHANGE;
    return rc < 0 ? rc : GET;
}
%}
%enddef

CRM_ROW_CALL(customer_create, (crm_customer **row, crm_db *db, crm_customer_kind_t kind,
                               const char *name), crm_customer_create(row, db, kind, name))
CRM_ROW_CALL(customer_get, (crm_customer **row, crm_db *db, const char *id),
             crm_customer_get(row, db, id))
CRM_ROW_CALL(customer_list_next, (crm_customer_cursor *cur, const crm_customer **row),
             crm_customer_cursor_next(cur, row))
CRM_ROW_CALL(attr_list_next, (crm_attr_cursor *cur, const crm_attr **row),
             crm_attr_cursor_next(cur, row))
CRM_ROW_CALL(member_list_next, (crm_member_cursor *cur, const crm_member **row),
             crm_member_cursor_next(cur, row))
CRM_ROW_CALL(identity_add, (crm_identity **row, crm_db *db, const char *customer_id,
                            const char *kind, const char *value, unsigned int flags),
             crm_identity_add(row, db, customer_id, kind, value, flags))
CRM_ROW_CALL(identity_lookup, (crm_customer **row, crm_db *db, const char *kind,
                               const char *value), crm_identity_lookup(row, db, kind, value))
CRM_ROW_CALL(identity_get, (crm_identity **row, crm_db *db, const char *customer_id,
                            const char *kind, const char *value),
             crm_identity_get(row, db, customer_id, kind, value))
CRM_ROW_CALL(customer_resolve, (crm_customer **row, crm_db *db, const char *text),
             crm_customer_resolve(row, db, text))
CRM_ROW_CALL(identity_list_next, (crm_identity_cursor *cur, const crm_identity **row),
             crm_identity_cursor_next(cur, row))
CRM_ROW_CALL(journal_next, (crm_journal_entry_cursor *cur, const crm_journal_entry **row),
             crm_journal_entry_cursor_next(cur, row))
CRM_ROW_CALL(interaction_log, (crm_interaction **row, crm_db *db, const char *customer_id,
                               const char *channel, int direction, int64_t occurred_at,
                               const char *handled_by, const char *reason, int outcome,
                               int is_public, int sentiment, const char *summary,
                               const char *body, const char *reply_to, const char *external_ref),
             crm_swig_interaction_log(row, db, customer_id, channel, direction, occurred_at,
                                      handled_by, reason, outcome, is_public, sentiment, summary,
                                      body, reply_to, external_ref))
CRM_ROW_CALL(interaction_get, (crm_interaction **row, crm_db *db, const char *id),
             crm_interaction_get(row, db, id))
CRM_ROW_CALL(interaction_get_by_ref_named, (crm_interaction **row, crm_db *db, const char *channel,
                                            const char *external_ref),
             crm_interaction_get_by_ref_named(row, db, channel, external_ref))
CRM_ROW_CALL(timeline_next, (crm_interaction_cursor *cur, const crm_interaction **row),
             crm_interaction_cursor_next(cur, row))
CRM_ROW_CALL(promise_make, (crm_promise **row, crm_db *db, const char *customer_id,
                            const char *interaction_id, const char *owner, const char *what,
                            int64_t due_at, int64_t at),
             crm_promise_make(row, db, customer_id, interaction_id, owner, what, due_at, at))
/* The promise steps give the promise as they left it. */
CRM_ROW_CALL(promise_keep, (crm_promise **row, crm_db *db, const char *id,
                            const char *interaction_id, const char *note, int64_t at),
             crm_promise_keep(row, db, id, interaction_id, note, at))
CRM_ROW_CALL(promise_break, (crm_promise **row, crm_db *db, const char *id, const char *why,
                             int64_t at),
             crm_promise_break(row, db, id, why, at))
CRM_ROW_CALL(promise_release, (crm_promise **row, crm_db *db, const char *id, const char *note,
                               int64_t at),
             crm_promise_release(row, db, id, note, at))
CRM_ROW_CALL(promise_renegotiate, (crm_promise **row, crm_db *db, const char *id,
                                   int64_t new_due_at, const char *why, int customer_agreed,
                                   int64_t at),
             crm_promise_renegotiate(row, db, id, new_due_at, why, customer_agreed, at))
CRM_ROW_CALL(promise_get, (crm_promise **row, crm_db *db, const char *id),
             crm_promise_get(row, db, id))
CRM_ROW_CALL(promise_list_next, (crm_promise_cursor *cur, const crm_promise **row),
             crm_promise_cursor_next(cur, row))
CRM_ROW_CALL(promise_history_next, (crm_promise_event_cursor *cur,
                                    const crm_promise_event **row),
             crm_promise_event_cursor_next(cur, row))
CRM_ROW_CALL(occasion_add, (crm_occasion **row, crm_db *db, const char *customer_id,
                            const char *kind, int yearly, int year, int month, int day,
                            int lead_days, const char *note),
             crm_swig_occasion_add(row, db, customer_id, kind, yearly, year, month, day,
                                   lead_days, note))
CRM_ROW_CALL(occasion_list_next, (crm_occasion_cursor *cur, const crm_occasion **row),
             crm_occasion_cursor_next(cur, row))
CRM_ROW_CALL(agenda_next, (crm_agenda_item_cursor *cur, const crm_agenda_item **row),
             crm_agenda_item_cursor_next(cur, row))
CRM_ROW_CALL(search_next, (crm_search_hit_cursor *cur, const crm_search_hit **row),
             crm_search_hit_cursor_next(cur, row))

/* The changes whose libcrm call gives no record: the record read again. */
CRM_ROW_CHANGE(customer_rename, (crm_customer **row, crm_db *db, const char *id, const char *name),
               crm_customer_rename(db, id, name), crm_customer_get(row, db, id))
CRM_ROW_CHANGE(customer_archive, (crm_customer **row, crm_db *db, const char *id),
               crm_customer_archive(db, id), crm_customer_get(row, db, id))
CRM_ROW_CHANGE(customer_unarchive, (crm_customer **row, crm_db *db, const char *id),
               crm_customer_unarchive(db, id), crm_customer_get(row, db, id))
CRM_ROW_CHANGE(customer_set_owner, (crm_customer **row, crm_db *db, const char *id,
                                    const char *owner),
               crm_customer_set_owner(db, id, owner), crm_customer_get(row, db, id))
CRM_ROW_CHANGE(identity_set_flags, (crm_identity **row, crm_db *db, const char *customer_id,
                                    const char *kind, const char *value, unsigned int flags),
               crm_identity_set_flags(db, customer_id, kind, value, flags),
               crm_identity_get(row, db, customer_id, kind, value))
CRM_ROW_CHANGE(interaction_set_outcome, (crm_interaction **row, crm_db *db, const char *id,
                                         crm_outcome_t outcome),
               crm_interaction_set_outcome(db, id, outcome), crm_interaction_get(row, db, id))
CRM_ROW_CHANGE(interaction_set_reason, (crm_interaction **row, crm_db *db, const char *id,
                                        const char *reason),
               crm_interaction_set_reason(db, id, reason), crm_interaction_get(row, db, id))
CRM_ROW_CHANGE(interaction_set_summary, (crm_interaction **row, crm_db *db, const char *id,
                                         const char *summary),
               crm_interaction_set_summary(db, id, summary), crm_interaction_get(row, db, id))
CRM_ROW_CHANGE(interaction_set_public, (crm_interaction **row, crm_db *db, const char *id,
                                        int is_public),
               crm_interaction_set_public(db, id, is_public), crm_interaction_get(row, db, id))

/* A record the language has (from the low-level calls) as a row: what the
 * Python classes' constructors take. */
CRM_ROW_CALL(customer_row, (const crm_customer *c, const crm_customer **row), (*row = c, CRM_OK))
CRM_ROW_CALL(identity_row, (const crm_identity *i, const crm_identity **row), (*row = i, CRM_OK))
CRM_ROW_CALL(journal_entry_row, (const crm_journal_entry *e, const crm_journal_entry **row),
             (*row = e, CRM_OK))
CRM_ROW_CALL(interaction_row, (const crm_interaction *i, const crm_interaction **row),
             (*row = i, CRM_OK))
CRM_ROW_CALL(promise_row, (const crm_promise *p, const crm_promise **row), (*row = p, CRM_OK))
CRM_ROW_CALL(occasion_row, (const crm_occasion *o, const crm_occasion **row), (*row = o, CRM_OK))
CRM_ROW_CALL(member_row, (const crm_member *m, const crm_member **row), (*row = m, CRM_OK))
CRM_ROW_CALL(promise_event_row, (const crm_promise_event *e, const crm_promise_event **row),
             (*row = e, CRM_OK))
CRM_ROW_CALL(agenda_item_row, (const crm_agenda_item *a, const crm_agenda_item **row),
             (*row = a, CRM_OK))
CRM_ROW_CALL(search_hit_row, (const crm_search_hit *h, const crm_search_hit **row),
             (*row = h, CRM_OK))

/* ---- consent -----------------------------------------------------------------
 * The spec is bound as crm_swig_consent_grant / _withdraw (its fields as
 * arguments, as crm_swig_occasion_add); records as everywhere else. */
%ignore crm_consent_spec;
%ignore crm_consent_grant;
%ignore crm_consent_withdraw;
%ignore crm_consent_dup;
%noexception crm_consent_free;
%noexception crm_consent_cursor_free;
CRM_OWNED_OUT(crm_consent)
CRM_CURSOR_OUT(crm_consent_cursor)
CRM_BORROWED_OUT(crm_consent)
CRM_OPAQUE(crm_consent, crm_consent_free)
CRM_OPAQUE(crm_consent_cursor, crm_consent_cursor_free)
%include "crm/consent.h"
%include "crm/verify.h"
%include "crm/id.h"

%inline %{
int crm_swig_consent_record(crm_consent **out, crm_db *db, int granted, const char *customer_id,
                            const char *purpose, const char *channel, int64_t at,
                            const char *interaction_id, const char *note)
{
    crm_consent_spec s = CRM_CONSENT_SPEC_INIT;
    s.customer_id = customer_id;
    s.purpose = purpose;
    s.channel = channel;
    s.at = at;
    s.interaction_id = interaction_id;
    s.note = note;
    return granted ? crm_consent_grant(out, db, &s) : crm_consent_withdraw(out, db, &s);
}
%}
CRM_ROW_OUT(consent, crm_consent_free)
CRM_ROW_CALL(consent_record, (crm_consent **row, crm_db *db, int granted,
                              const char *customer_id, const char *purpose, const char *channel,
                              int64_t at, const char *interaction_id, const char *note),
             crm_swig_consent_record(row, db, granted, customer_id, purpose, channel, at,
                                     interaction_id, note))
CRM_ROW_CALL(consent_latest, (crm_consent **row, crm_db *db, const char *customer_id,
                              const char *purpose, const char *channel),
             crm_consent_latest(row, db, customer_id, purpose, channel))
CRM_ROW_CALL(consent_history_next, (crm_consent_cursor *cur, const crm_consent **row),
             crm_consent_cursor_next(cur, row))
CRM_ROW_CALL(consent_row, (const crm_consent *c, const crm_consent **row), (*row = c, CRM_OK))
/* ---- privacy: export, erase, retention (crm/privacy.h) ----------------------
 * The retention calls take an options struct: bound flat, as the reports. */
%ignore crm_retention_options;
%ignore crm_customer_erase_inactive;
%ignore crm_journal_drop;
%include "crm/privacy.h"
%inline %{
int crm_swig_customer_erase_inactive(int64_t *out, crm_db *db, int64_t before, int dry_run)
{
    crm_retention_options o = CRM_RETENTION_OPTIONS_INIT;
    o.before = before;
    o.dry_run = dry_run;
    return crm_customer_erase_inactive(out, db, &o);
}

int crm_swig_journal_drop(int64_t *out, crm_db *db, int64_t before, int dry_run)
{
    crm_retention_options o = CRM_RETENTION_OPTIONS_INIT;
    o.before = before;
    o.dry_run = dry_run;
    return crm_journal_drop(out, db, &o);
}
%}
/* ---- duplicates, merge and unmerge -------------------------------------------
 * The duplicate list's filter is bound as crm_swig_duplicates_open, its
 * fields as arguments (attribute_keys a list of the language's strings, as
 * the timeline's channels); a merge and an unmerge give the customer each
 * leaves (the survivor; the customer back), read again. */
%ignore crm_duplicate_filter;
%ignore crm_duplicate_list_open;
%ignore crm_duplicate_dup;
%noexception crm_duplicate_free;
%noexception crm_duplicate_cursor_free;
%noexception crm_duplicate_score;
%noexception crm_duplicate_attributes;
CRM_CURSOR_OUT(crm_duplicate_cursor)
CRM_BORROWED_OUT(crm_duplicate)
CRM_ENUM_OUT(crm_duplicate_reason_t)
CRM_OPAQUE(crm_duplicate, crm_duplicate_free)
CRM_OPAQUE(crm_duplicate_cursor, crm_duplicate_cursor_free)
%include "crm/merge.h"

%inline %{
int crm_swig_duplicates_open(crm_duplicate_cursor **out, crm_db *db, const char *customer_id,
                             int min_score, int archived, unsigned int limit,
                             const char *const *channels)
{
    crm_duplicate_filter f = CRM_DUPLICATE_FILTER_INIT;
    f.customer_id = customer_id;
    f.min_score = min_score;
    f.archived = (crm_archived_filter_t)archived;
    f.limit = limit;
    f.attribute_keys = channels;
    return crm_duplicate_list_open(out, db, &f);
}
%}

CRM_ROW_OUT(duplicate, (void))
CRM_ROW_CALL(duplicate_next, (crm_duplicate_cursor *cur, const crm_duplicate **row),
             crm_duplicate_cursor_next(cur, row))
CRM_ROW_CALL(duplicate_row, (const crm_duplicate *d, const crm_duplicate **row),
             (*row = d, CRM_OK))
CRM_ROW_CHANGE(customer_merge, (crm_customer **row, crm_db *db, const char *keep_id,
                                const char *absorb_id),
               crm_customer_merge(db, keep_id, absorb_id), crm_customer_get(row, db, keep_id))
CRM_ROW_CHANGE(customer_unmerge, (crm_customer **row, crm_db *db, const char *absorbed_id),
               crm_customer_unmerge(db, absorbed_id), crm_customer_get(row, db, absorbed_id))
/* ---- import and export (crm/io.h) --------------------------------------------
 * An import takes an options struct: bound as the flat crm_swig_import, the
 * format by number (0 CSV, 1 vCard, 2 JSON Lines), from a file (path) or a
 * text (text, when path is NULL). The result is an owned record; its errors
 * are read by index through the crm_swig_import_error_* calls, so no
 * borrowed pointer into it crosses. The progress callback is not bound. */
%ignore crm_import_options;
%ignore crm_csv_import;
%ignore crm_csv_import_mem;
%ignore crm_vcard_import;
%ignore crm_vcard_import_mem;
%ignore crm_jsonl_import;
%ignore crm_jsonl_import_mem;
%ignore crm_import_result_error;
%ignore crm_import_error_line;
%ignore crm_import_error_column;
%ignore crm_import_error_code;
%ignore crm_import_error_message;
%noexception crm_import_result_free;
CRM_OWNED_OUT(crm_import_result)
CRM_ENUM_OUT(crm_import_on_error_t)
CRM_OPAQUE(crm_import_result, crm_import_result_free)
%include "crm/io.h"
%noexception crm_swig_import_error_code;
%inline %{
int crm_swig_import(crm_import_result **out, crm_db *db, int format, const char *path,
                    const char *text, const char *mapping, int on_error, int kind)
{
    crm_import_options o = CRM_IMPORT_OPTIONS_INIT;
    o.mapping = mapping;
    o.on_error = (crm_import_on_error_t)on_error;
    o.kind = (crm_customer_kind_t)kind;
    switch (format) {
    case 0:
        return path ? crm_csv_import(out, db, path, &o)
                    : crm_csv_import_mem(out, db, text, text ? strlen(text) : 0, &o);
    case 1:
        return path ? crm_vcard_import(out, db, path, &o)
                    : crm_vcard_import_mem(out, db, text, text ? strlen(text) : 0, &o);
    default:
        return path ? crm_jsonl_import(out, db, path, &o)
                    : crm_jsonl_import_mem(out, db, text, text ? strlen(text) : 0, &o);
    }
}

int64_t crm_swig_import_error_line(const crm_import_result *r, int64_t i)
{
    return crm_import_error_line(crm_import_result_error(r, i));
}

int64_t crm_swig_import_error_column(const crm_import_result *r, int64_t i)
{
    return crm_import_error_column(crm_import_result_error(r, i));
}

int crm_swig_import_error_code(const crm_import_result *r, int64_t i)
{
    return crm_import_error_code(crm_import_result_error(r, i));
}

const char *crm_swig_import_error_message(const crm_import_result *r, int64_t i)
{
    return crm_import_error_message(crm_import_result_error(r, i));
}
%}
