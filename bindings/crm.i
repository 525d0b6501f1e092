/*
 * libcrm - the SWIG interface both languages share (Xapian's layout: each
 * language has a tiny .i that includes this one and adds only its idiom).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * What is said here:
 *  - the public headers, with CRM_EXTERN neutralised for SWIG's parser;
 *  - every opaque record and cursor type as a class whose destructor is the
 *    matching _free (records returned through `**out` are owned by the
 *    language; records a cursor's _next returns are borrowed);
 *  - out-parameters turned into return values (the int status is dropped:
 *    failures raise, see below);
 *  - one %exception: a negative status from an int-returning call raises
 *    the language's error carrying the code and crm_errmsg(db), where db is
 *    the handle the call was given (stashed by a typemap) or NULL. A
 *    cursor's _next is not given the handle, so its rare failures carry
 *    crm_errmsg(NULL) (the code is right; the sentence may be generic).
 * Things that make no sense in a binding are %ignored here and listed, with
 * the reason, in bindings/not-bound.txt.
 */

%{
#include "crm.h"
#include <string.h>

/* The handle of the call being wrapped, for crm_errmsg() in %exception. */
static _Thread_local const crm_db *crm_swig_db = NULL;

/* A status is a failure when an int-returning call gives a negative code.
 * %exception wraps every call; _Generic makes the check a constant 0 for
 * calls returning anything but int (strings, int64_t times, enums). The
 * few int calls whose result is not a status are %noexception below. */
#define CRM_SWIG_FAILED(r) (_Generic((r), int: (r), default: 0) < 0)
#define CRM_SWIG_CODE(r) ((int)_Generic((r), int: (r), default: 0))
%}

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
%ignore crm_timeline_open;
%ignore crm_promise_list_open;
%ignore crm_interaction_log;
%ignore crm_occasion_add;
%ignore crm_open;
%ignore crm_customer_dup;
%ignore crm_identity_dup;
%ignore crm_interaction_dup;
%ignore crm_promise_dup;
%ignore crm_occasion_dup;

/* ---- the language's error --------------------------------------------- */
#ifdef SWIGPYTHON
%{
/* Set by the pure-Python package: {code: exception class}. */
static PyObject *crm_swig_errors = NULL;

static void crm_swig_raise(int code, const char *msg)
{
    PyObject *cls = NULL;
    if (crm_swig_errors) {
        PyObject *key = PyLong_FromLong(code);
        if (key) {
            cls = PyDict_GetItem(crm_swig_errors, key); /* borrowed */
            Py_DECREF(key);
        }
    }
    if (!cls)
        cls = PyExc_RuntimeError;
    PyObject *args = Py_BuildValue("(is)", code, msg);
    if (args) {
        PyErr_SetObject(cls, args);
        Py_DECREF(args);
    }
}
%}
%inline %{
/* Called once by the crm package to install its exception classes. */
void crm_swig_set_errors(PyObject *map)
{
    Py_XINCREF(map);
    Py_XDECREF(crm_swig_errors);
    crm_swig_errors = map;
}
%}
#define CRM_SWIG_RAISE(code, msg) crm_swig_raise(code, msg)
#endif

#ifdef SWIGLUA
%{
/* The error convention: raise a table {code=, name=, message=} whose
 * metatable gives __tostring "message (NAME)". */
static int crm_swig_err_tostring(lua_State *L)
{
    lua_getfield(L, 1, "message");
    lua_getfield(L, 1, "name");
    lua_pushfstring(L, "%s (%s)", luaL_optstring(L, -2, "?"), luaL_optstring(L, -1, "?"));
    return 1;
}

static void crm_swig_raise(lua_State *L, int code, const char *msg)
{
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, crm_errname(code));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    if (luaL_newmetatable(L, "crm.error")) {
        lua_pushcfunction(L, crm_swig_err_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_setmetatable(L, -2);
}
%}
#define CRM_SWIG_RAISE(code, msg) crm_swig_raise(L, code, msg)
#endif

%exception {
    $action
    if (CRM_SWIG_FAILED(result)) {
        int crm_code_ = CRM_SWIG_CODE(result);
        const char *crm_msg_ = crm_errmsg(crm_swig_db);
        crm_swig_db = NULL;
        CRM_SWIG_RAISE(crm_code_, crm_msg_);
        SWIG_fail;
    }
    crm_swig_db = NULL;
}

/* Calls whose int is not a status, and void calls (no result to check). */
%noexception crm_errcode;
%noexception crm_interaction_sentiment;
%noexception crm_attr_list_free;
%noexception crm_customer_free;
%noexception crm_customer_list_free;
%noexception crm_identity_free;
%noexception crm_identity_list_free;
%noexception crm_interaction_free;
%noexception crm_journal_free;
%noexception crm_member_list_free;
%noexception crm_occasion_free;
%noexception crm_occasion_list_free;
%noexception crm_promise_free;
%noexception crm_promise_history_free;
%noexception crm_promise_list_free;
%noexception crm_tag_list_free;
%noexception crm_timeline_free;

#ifdef SWIGLUA
/* Lua 5.4 has integers: times (ms), sequence numbers, counts and codes are
 * integers, not floats. */
%typemap(out) int64_t, int, unsigned int, enum SWIGTYPE
    "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"
%typemap(in, checkfn="lua_isinteger") int64_t "$1 = (int64_t)lua_tointeger(L, $input);"
%typemap(typecheck) int64_t "$1 = lua_isinteger(L, $input);"
#endif

/* Remember the handle for crm_errmsg(). */
%typemap(check) crm_db *db, const crm_db *db "crm_swig_db = $1;"

/* ---- replacing the status with what an out-parameter received ---------- */
#ifdef SWIGPYTHON
%define CRM_SWIG_SET_RESULT(OBJ)
    Py_XDECREF($result);
    $result = OBJ;
%enddef
#endif
#ifdef SWIGLUA
%define CRM_SWIG_SET_RESULT(OBJ)
    lua_pop(L, 1);
    SWIG_arg--;
    OBJ;
    SWIG_arg++;
%enddef
#endif

#ifdef SWIGPYTHON
#define CRM_SWIG_PTR(P, DESC, OWN) SWIG_NewPointerObj(P, DESC, OWN)
#define CRM_SWIG_INT64(V) PyLong_FromLongLong(V)
#define CRM_SWIG_STR(S) ((S) ? SWIG_FromCharPtr(S) : SWIG_Py_Void())
#define CRM_SWIG_INT(V) PyLong_FromLong(V)
#endif
#ifdef SWIGLUA
#define CRM_SWIG_PTR(P, DESC, OWN) SWIG_NewPointerObj(L, P, DESC, OWN)
#define CRM_SWIG_INT64(V) lua_pushinteger(L, (lua_Integer)(V))
#define CRM_SWIG_STR(S) ((S) ? (void)lua_pushstring(L, S) : lua_pushnil(L))
#define CRM_SWIG_INT(V) lua_pushinteger(L, (lua_Integer)(V))
#endif

/* An owned record or cursor: the language frees it with the type's _free. */
%define CRM_OWNED_OUT(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) TYPE **out { CRM_SWIG_SET_RESULT(CRM_SWIG_PTR(*$1, $*1_descriptor, SWIG_POINTER_OWN)) }
%enddef

/* A cursor. Python: owned like a record (the proxy frees it when collected,
 * and the crm package frees it before closing the database). Lua: NOT owned
 * by the userdata: the Lua layer's cursor object frees it (on exhaustion,
 * close, the database's close, or its own __gc). Lua runs finalizers in
 * reverse order of creation, so a userdata __gc would free the C cursor
 * before the database object's __gc closed its cursors: a double free.
 * Raw crm.crm_*_open callers in Lua free with the matching _free call. */
%define CRM_CURSOR_OUT(TYPE)
%typemap(in, numinputs=0) TYPE **out (TYPE *tmp = NULL) "$1 = ($1_ltype)&tmp;"
#ifdef SWIGLUA
%typemap(argout) TYPE **out { CRM_SWIG_SET_RESULT(CRM_SWIG_PTR(*$1, $*1_descriptor, 0)) }
#else
%typemap(argout) TYPE **out { CRM_SWIG_SET_RESULT(CRM_SWIG_PTR(*$1, $*1_descriptor, SWIG_POINTER_OWN)) }
#endif
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
CRM_CURSOR_OUT(crm_journal_cursor)
CRM_CURSOR_OUT(crm_interaction_cursor)
CRM_CURSOR_OUT(crm_promise_cursor)
CRM_CURSOR_OUT(crm_promise_event_cursor)
CRM_CURSOR_OUT(crm_occasion_cursor)

CRM_BORROWED_OUT(crm_customer)
CRM_BORROWED_OUT(crm_attr)
CRM_BORROWED_OUT(crm_member)
CRM_BORROWED_OUT(crm_identity)
CRM_BORROWED_OUT(crm_journal_entry)
CRM_BORROWED_OUT(crm_interaction)
CRM_BORROWED_OUT(crm_promise)
CRM_BORROWED_OUT(crm_promise_event)
CRM_BORROWED_OUT(crm_occasion)

/* crm_tag_list_next(cur, const char **tag): the tag, or nil/None at the end. */
%typemap(in, numinputs=0) const char **tag (const char *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) const char **tag { CRM_SWIG_SET_RESULT(CRM_SWIG_STR(*$1)) }

/* A string the caller owns: copied into the language, then crm_free()d. */
%typemap(in, numinputs=0) char **out (char *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) char **out { CRM_SWIG_SET_RESULT(CRM_SWIG_STR(*$1)) }
%typemap(freearg) char **out "crm_free(*$1);"

%typemap(in, numinputs=0) int64_t *out (int64_t tmp = 0) "$1 = ($1_ltype)&tmp;"
%typemap(argout) int64_t *out { CRM_SWIG_SET_RESULT(CRM_SWIG_INT64(*$1)) }

/* The _parse calls: the enum's value. */
%define CRM_ENUM_OUT(TYPE)
%typemap(in, numinputs=0) TYPE *out (TYPE tmp = (TYPE)0) "$1 = ($1_ltype)&tmp;"
%typemap(argout) TYPE *out { CRM_SWIG_SET_RESULT(CRM_SWIG_INT((int)*$1)) }
%enddef
CRM_ENUM_OUT(crm_customer_kind)
CRM_ENUM_OUT(crm_channel)
CRM_ENUM_OUT(crm_direction)
CRM_ENUM_OUT(crm_outcome)
CRM_ENUM_OUT(crm_promise_state)

/* Records and cursors, each freed by its _free. */
CRM_OPAQUE(crm_customer, crm_customer_free)
CRM_OPAQUE(crm_identity, crm_identity_free)
CRM_OPAQUE(crm_interaction, crm_interaction_free)
CRM_OPAQUE(crm_promise, crm_promise_free)
CRM_OPAQUE(crm_occasion, crm_occasion_free)
CRM_OPAQUE(crm_customer_cursor, crm_customer_list_free)
CRM_OPAQUE(crm_attr_cursor, crm_attr_list_free)
CRM_OPAQUE(crm_tag_cursor, crm_tag_list_free)
CRM_OPAQUE(crm_member_cursor, crm_member_list_free)
CRM_OPAQUE(crm_identity_cursor, crm_identity_list_free)
CRM_OPAQUE(crm_journal_cursor, crm_journal_free)
CRM_OPAQUE(crm_interaction_cursor, crm_timeline_free)
CRM_OPAQUE(crm_promise_cursor, crm_promise_list_free)
CRM_OPAQUE(crm_promise_event_cursor, crm_promise_history_free)
CRM_OPAQUE(crm_occasion_cursor, crm_occasion_list_free)
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
    o.durability = (crm_durability)durability;
    o.actor = actor;
    o.default_country = default_country;
    return crm_open(out, path, &o);
}

int crm_swig_customer_list_open(crm_customer_cursor **out, crm_db *db, int kind,
                                const char *tag, const char *name_prefix, int archived,
                                int64_t created_from, int64_t created_to,
                                const char *after, unsigned int limit, int order)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.kind = kind;
    f.tag = tag;
    f.name_prefix = name_prefix;
    f.archived = (crm_archived_filter)archived;
    f.created_from = created_from;
    f.created_to = created_to;
    f.after = after;
    f.limit = limit;
    f.order = (crm_customer_order)order;
    return crm_customer_list_open(out, db, &f);
}

int crm_swig_timeline_open(crm_interaction_cursor **out, crm_db *db, const char *customer_id,
                           unsigned int channels, int64_t from, int64_t to,
                           const char *reason_prefix, int direction, int public_only,
                           unsigned int outcomes, const char *before, unsigned int limit)
{
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    f.channels = channels;
    f.from = from;
    f.to = to;
    f.reason_prefix = reason_prefix;
    f.direction = direction;
    f.public_only = public_only;
    f.outcomes = outcomes;
    f.before = before;
    f.limit = limit;
    return crm_timeline_open(out, db, customer_id, &f);
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

int crm_swig_interaction_log(crm_interaction **out, crm_db *db, const char *customer_id,
                             int channel, int direction, int64_t occurred_at,
                             const char *handled_by, const char *reason, int outcome,
                             int is_public, int sentiment, const char *summary,
                             const char *body, const char *reply_to, const char *external_ref)
{
    crm_interaction_spec s = CRM_INTERACTION_SPEC_INIT;
    s.customer_id = customer_id;
    s.channel = (crm_channel)channel;
    s.direction = (crm_direction)direction;
    s.occurred_at = occurred_at;
    s.handled_by = handled_by;
    s.reason = reason;
    s.outcome = (crm_outcome)outcome;
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
%}
