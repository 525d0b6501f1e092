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
 *    cursor's _next is not given the handle; libcrm leaves a cursor's
 *    failure in crm_errmsg(NULL) too, so it carries its real message.
 *  - Python: every libcrm call runs without the GIL (threads="1" in
 *    crm_python.i), so a call waiting for a lock stops no other thread.
 *    libcrm itself makes calls on one handle take turns and keeps a
 *    transaction group to the thread that began it.
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
%ignore crm_interaction_timeline_open;
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
/* It touches Python objects: the GIL stays held (every other call lets it
 * go, see "calls on one handle" below). */
%nothread crm_swig_set_errors;
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

#ifdef SWIGLUA
/* Lua 5.4 has integers: times (ms), sequence numbers, counts and codes are
 * integers, not floats. */
%typemap(out) int64_t, int, unsigned int, enum SWIGTYPE
    "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"
%typemap(typecheck) int64_t "$1 = lua_isinteger(L, $input);"

/* Arguments: every text and integer a generated function takes is checked
 * here, so the methods and the raw crm.crm_* calls alike refuse a bad one
 * with CRM_EINVAL (the error table, naming the parameter) before libcrm is
 * called. SWIG's own typemaps read text with lua_tostring and integers
 * with a cast, which let through:
 *  - a string with a NUL byte, which C reads only up to the NUL: the
 *    address "victim@gmail.com\0@corp.example", allowed by a check the
 *    application made on the whole string, was stored as its first half;
 *  - a number where text is wanted (lua_tostring makes it a string);
 *  - a float (truncated) and an integer out of the C type's range (it
 *    wraps: limit = 2^32 became 0, "no limit").
 * Text is a string or nil (NULL); an integer is a Lua integer (math.type
 * "integer"; a float is refused even when whole, as the methods always
 * did) within its C type's range. */
%{
#include <limits.h>

#if LUA_MAXINTEGER != INT64_MAX || LUA_MININTEGER != INT64_MIN
#error "the integer typemaps take lua_Integer to be int64_t"
#endif

/* Raises the EINVAL table with the message on top of the stack. */
static void crm_swig_refuse(lua_State *L)
{
    crm_swig_raise(L, CRM_EINVAL, lua_tostring(L, -1));
}

static int crm_swig_arg_str(lua_State *L, int idx, const char *name, const char **out)
{
    size_t len;
    const char *s;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        *out = NULL;
        return 0;
    case LUA_TSTRING:
        s = lua_tolstring(L, idx, &len);
        if (strlen(s) != len) {
            lua_pushfstring(L, "%s: a NUL byte at byte %I of %I, where libcrm would take the "
                               "text to end", name, (lua_Integer)strlen(s) + 1, (lua_Integer)len);
            crm_swig_refuse(L);
            return -1;
        }
        *out = s;
        return 0;
    default:
        lua_pushfstring(L, "%s: expected a string, got %s", name, luaL_typename(L, idx));
        crm_swig_refuse(L);
        return -1;
    }
}

static int crm_swig_arg_int(lua_State *L, int idx, const char *name, lua_Integer min,
                            lua_Integer max, lua_Integer *out)
{
    if (!lua_isinteger(L, idx)) {
        if (lua_type(L, idx) != LUA_TNUMBER)
            lua_pushfstring(L, "%s: expected an integer, got %s", name, luaL_typename(L, idx));
        else if (lua_tonumber(L, idx) != lua_tonumber(L, idx))
            lua_pushfstring(L, "%s: expected an integer, got NaN", name);
        else
            lua_pushfstring(L, "%s: expected an integer, got the float %f", name,
                            lua_tonumber(L, idx));
        crm_swig_refuse(L);
        return -1;
    }
    lua_Integer v = lua_tointeger(L, idx);
    if (v < min || v > max) {
        lua_pushfstring(L, "%s: %I is out of range (%I to %I)", name, v, min, max);
        crm_swig_refuse(L);
        return -1;
    }
    *out = v;
    return 0;
}
%}

%typemap(in, noblock=1) const char * {
  {
    const char *s_;
    if (crm_swig_arg_str(L, $input, "$1_name", &s_) != 0)
      SWIG_fail;
    $1 = ($1_ltype)s_;
  }
}

%define CRM_SWIG_INT_IN(TYPE, MIN, MAX)
%typemap(in, noblock=1) TYPE {
  {
    lua_Integer v_;
    if (crm_swig_arg_int(L, $input, "$1_name", MIN, MAX, &v_) != 0)
      SWIG_fail;
    $1 = ($1_ltype)v_;
  }
}
%enddef
CRM_SWIG_INT_IN(int, INT_MIN, INT_MAX)
CRM_SWIG_INT_IN(enum SWIGTYPE, INT_MIN, INT_MAX)
CRM_SWIG_INT_IN(unsigned int, 0, UINT_MAX)
CRM_SWIG_INT_IN(int64_t, INT64_MIN, INT64_MAX)
#endif

#ifdef SWIGPYTHON
%{
/* A str with a NUL in it: C would read only the text before the NUL (a
 * name "Mallory\0Admin" stored as "Mallory", an e-mail address checked
 * whole by the caller and stored cut short), so it is refused, naming the
 * argument (its name in the C declaration) and where the NUL is. */
static void crm_swig_refuse_nul(PyObject *s, const char *arg)
{
    Py_ssize_t at = PyUnicode_FindChar(s, 0, 0, PyUnicode_GET_LENGTH(s), 1);
    char msg[160];
    snprintf(msg, sizeof msg, "%s: contains a NUL character at index %zd; text cannot hold one",
             arg, at);
    crm_swig_raise(CRM_EINVAL, msg);
}
%}
/* Text arguments: a str is read in place as UTF-8 (CPython keeps that form
 * with the str), without the copy SWIG's own typemap makes for every
 * argument of every call; None is C's NULL. What is refused, and how, is
 * as with SWIG's typemap: anything else, and a str that has no UTF-8 form
 * (a lone surrogate), raises TypeError "in method 'f', argument n of type
 * 'char const *'". A str holding a NUL raises crm.InvalidArgument before
 * libcrm is called (crm_swig_refuse_nul). */
%typemap(in, noblock=1) const char * (Py_ssize_t len = 0) {
  if ($input == Py_None) {
    $1 = NULL;
  } else if (!PyUnicode_Check($input) ||
             !($1 = ($1_ltype)PyUnicode_AsUTF8AndSize($input, &len))) {
    PyErr_Clear();
    SWIG_exception_fail(SWIG_TypeError, "in method '" "$symname" "', argument " "$argnum"" of type '" "$1_type""'");
  } else if (memchr($1, 0, (size_t)len)) {
    crm_swig_refuse_nul($input, "$1_name");
    SWIG_fail;
  }
}
%typemap(freearg) const char * ""
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
CRM_CURSOR_OUT(crm_journal_entry_cursor)
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

%{
#include <string.h>

/* The filter's channel_names, which a language passes joined by commas (a
 * channel's name has none): split into words (which point into buf), or,
 * when they do not fit, the whole text as one name for libcrm to refuse. */
#define CRM_SWIG_NAMES_MAX 64
typedef struct crm_swig_names {
    char buf[CRM_SWIG_NAMES_MAX * 33];
    const char *words[CRM_SWIG_NAMES_MAX + 1];
} crm_swig_names;

static const char *const *crm_swig_split_names(crm_swig_names *n, const char *joined)
{
    size_t len = joined ? strlen(joined) : 0, k = 0;
    if (!joined)
        return NULL;
    if (len < sizeof n->buf) {
        memcpy(n->buf, joined, len + 1);
        for (char *p = n->buf; k < CRM_SWIG_NAMES_MAX; p++) {
            n->words[k++] = p;
            p = strchr(p, ',');
            if (!p) {
                n->words[k] = NULL;
                return n->words;
            }
            *p = '\0';
        }
    }
    n->words[0] = joined;
    n->words[1] = NULL;
    return n->words;
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
                                const char *after, unsigned int limit, int order)
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
    return crm_customer_list_open(out, db, &f);
}

int crm_swig_customer_count(int64_t *out, crm_db *db, int kind, const char *tag,
                            const char *name_prefix, int archived, int64_t created_from,
                            int64_t created_to)
{
    crm_customer_filter f = CRM_CUSTOMER_FILTER_INIT;
    f.kind = kind;
    f.tag = tag;
    f.name_prefix = name_prefix;
    f.archived = (crm_archived_filter_t)archived;
    f.created_from = created_from;
    f.created_to = created_to;
    return crm_customer_count(out, db, &f);
}

int crm_swig_timeline_open(crm_interaction_cursor **out, crm_db *db, const char *customer_id,
                           unsigned int channel_bits, int64_t from, int64_t to,
                           const char *reason_prefix, int direction, int public_only,
                           unsigned int outcomes, const char *before, unsigned int limit,
                           const char *channels)
{
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    crm_swig_names names;
    f.channels = channel_bits;
    f.from = from;
    f.to = to;
    f.reason_prefix = reason_prefix;
    f.direction = direction;
    f.public_only = public_only;
    f.outcomes = outcomes;
    f.before = before;
    f.limit = limit;
    f.channel_names = crm_swig_split_names(&names, channels);
    return crm_interaction_timeline_open(out, db, customer_id, &f);
}

int crm_swig_thread_open(crm_interaction_cursor **out, crm_db *db, const char *interaction_id,
                         unsigned int channel_bits, int64_t from, int64_t to,
                         const char *reason_prefix, int direction, int public_only,
                         unsigned int outcomes, const char *before, unsigned int limit,
                         const char *channels)
{
    crm_timeline_filter f = CRM_TIMELINE_FILTER_INIT;
    crm_swig_names names;
    f.channels = channel_bits;
    f.from = from;
    f.to = to;
    f.reason_prefix = reason_prefix;
    f.direction = direction;
    f.public_only = public_only;
    f.outcomes = outcomes;
    f.before = before;
    f.limit = limit;
    f.channel_names = crm_swig_split_names(&names, channels);
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
%}

/* ---- records in one crossing ---------------------------------------------
 * Copying a record out field by field through its accessors costs one call
 * across the language boundary per field, plus a wrapper object for the
 * record itself. The calls below (named with a leading "_": the packages'
 * fast paths, not API) make the libcrm call and copy the whole record in
 * C: a tuple of its fields in Python, in the order of the crm package's
 * record class's __slots__, which the package unpacks into the record; a
 * table with the record type's metatable in Lua, the record the crm module
 * returns. A record a call returns is freed before the wrapper returns; one
 * a cursor lends is copied before the next call; at the end of a cursor the
 * row is None/nil. The status is handled as everywhere (%exception above).
 * The builders are per language: crm_swig_<record>(...) below.
 *
 * Field by field, a builder gives what the record's accessors give, with
 * the package's conversions (Python: times through crm_swig_time, flags as
 * bool, sentiment None when not set; Lua: times as integers, flags as
 * booleans, absent optional strings and an unset sentiment as nil);
 * tests/python/test_records.py and tests/lua/test_records.lua compare the
 * two for every record type. */

#ifdef SWIGPYTHON
%{
#include <datetime.h>

/* A time as the crm package gives it: None for CRM_TIME_NONE (no time),
 * else EPOCH + timedelta(milliseconds=ms), an aware datetime in UTC, built
 * from its fields (the date of the day number by libcrm's calendar,
 * crm_date_from_days()), the same value at a fraction of the cost. libcrm stores
 * only times in datetime's range (CRM_TIME_MIN..CRM_TIME_MAX); one outside
 * it, which a file written before 0.3 may hold, is read as the nearest end
 * of the range rather than fail every read that meets it. */
static PyObject *crm_swig_time(int64_t ms)
{
    if (ms == CRM_TIME_NONE)
        Py_RETURN_NONE;
    if (ms < CRM_TIME_MIN)
        ms = CRM_TIME_MIN;
    else if (ms > CRM_TIME_MAX)
        ms = CRM_TIME_MAX;
    int64_t days = ms / 86400000, rem = ms % 86400000;
    if (rem < 0) {
        rem += 86400000;
        days--;
    }
    int year, month, day;
    crm_date_from_days(&year, &month, &day, days); /* in range: it cannot fail */
    int r = (int)rem;
    return PyDateTimeAPI->DateTime_FromDateAndTime(
        year, month, day, r / 3600000, r / 60000 % 60, r / 1000 % 60, r % 1000 * 1000,
        PyDateTime_TimeZone_UTC, PyDateTimeAPI->DateTimeType);
}

/* A tuple of N fields, filled in order; on the first NULL (an exception is
 * set) the partial tuple is dropped and NULL returned. */
#define CRM_SWIG_ROW(N)              \
    PyObject *row_ = PyTuple_New(N); \
    Py_ssize_t col_ = 0;             \
    if (!row_)                       \
        return NULL
#define CRM_SWIG_COL(EXPR)                    \
    do {                                      \
        PyObject *v_ = (EXPR);                \
        if (!v_) {                            \
            Py_DECREF(row_);                  \
            return NULL;                      \
        }                                     \
        PyTuple_SET_ITEM(row_, col_++, v_);   \
    } while (0)
#define CRM_SWIG_ROW_END() return row_

/* Text out as the accessors' wrappers give it (SWIG's char * out
 * typemap): None for NULL. */
static PyObject *crm_swig_str(const char *s)
{
    return s ? SWIG_FromCharPtr(s) : SWIG_Py_Void();
}

#define CRM_SWIG_BOOL(V) PyBool_FromLong((V) != 0)
#define CRM_SWIG_TIME(V) crm_swig_time(V)

/* A record's row, or None (the end of a cursor). */
#define CRM_SWIG_ROW_OR_NONE(P) \
    if (!(P))                   \
        Py_RETURN_NONE

static PyObject *crm_swig_customer(const crm_customer *c)
{
    CRM_SWIG_ROW_OR_NONE(c);
    CRM_SWIG_ROW(6); /* id, name, kind, created_at, updated_at, archived */
    CRM_SWIG_COL(crm_swig_str(crm_customer_id(c)));
    CRM_SWIG_COL(crm_swig_str(crm_customer_name(c)));
    CRM_SWIG_COL(crm_swig_str(crm_customer_kind_name(crm_customer_kind(c))));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_customer_created_at(c)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_customer_updated_at(c)));
    CRM_SWIG_COL(CRM_SWIG_BOOL(crm_customer_is_archived(c)));
    CRM_SWIG_ROW_END();
}

static PyObject *crm_swig_identity(const crm_identity *i)
{
    CRM_SWIG_ROW_OR_NONE(i);
    unsigned int flags = crm_identity_flags(i);
    /* kind, value, key, customer_id, flags, primary, verified, shared, created_at */
    CRM_SWIG_ROW(9);
    CRM_SWIG_COL(crm_swig_str(crm_identity_kind(i)));
    CRM_SWIG_COL(crm_swig_str(crm_identity_value(i)));
    CRM_SWIG_COL(crm_swig_str(crm_identity_key(i)));
    CRM_SWIG_COL(crm_swig_str(crm_identity_customer_id(i)));
    CRM_SWIG_COL(PyLong_FromUnsignedLong(flags));
    CRM_SWIG_COL(CRM_SWIG_BOOL(flags & CRM_IDENTITY_PRIMARY));
    CRM_SWIG_COL(CRM_SWIG_BOOL(flags & CRM_IDENTITY_VERIFIED));
    CRM_SWIG_COL(CRM_SWIG_BOOL(flags & CRM_IDENTITY_SHARED));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_identity_created_at(i)));
    CRM_SWIG_ROW_END();
}

static PyObject *crm_swig_journal_entry(const crm_journal_entry *e)
{
    CRM_SWIG_ROW_OR_NONE(e);
    CRM_SWIG_ROW(7); /* seq, op, entity, entity_id, at, actor, data */
    CRM_SWIG_COL(PyLong_FromLongLong(crm_journal_entry_seq(e)));
    CRM_SWIG_COL(crm_swig_str(crm_journal_entry_op(e)));
    CRM_SWIG_COL(crm_swig_str(crm_journal_entry_entity(e)));
    CRM_SWIG_COL(crm_swig_str(crm_journal_entry_entity_id(e)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_journal_entry_at(e)));
    CRM_SWIG_COL(crm_swig_str(crm_journal_entry_actor(e)));
    CRM_SWIG_COL(crm_swig_str(crm_journal_entry_data(e)));
    CRM_SWIG_ROW_END();
}

static PyObject *crm_swig_interaction(const crm_interaction *i)
{
    CRM_SWIG_ROW_OR_NONE(i);
    int s = crm_interaction_sentiment(i);
    /* id, channel, direction, customer_id, occurred_at, handled_by, reason,
     * outcome, public, sentiment, summary, body, thread_id, reply_to,
     * external_ref, updated_at */
    CRM_SWIG_ROW(16);
    CRM_SWIG_COL(crm_swig_str(crm_interaction_id(i)));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_channel_name(i)));
    CRM_SWIG_COL(crm_swig_str(crm_direction_name(crm_interaction_direction(i))));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_customer_id(i)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_interaction_occurred_at(i)));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_handled_by(i)));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_reason(i)));
    CRM_SWIG_COL(crm_swig_str(crm_outcome_name(crm_interaction_outcome(i))));
    CRM_SWIG_COL(CRM_SWIG_BOOL(crm_interaction_is_public(i)));
    CRM_SWIG_COL(s == CRM_SENTIMENT_NONE ? SWIG_Py_Void() : PyLong_FromLong(s));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_summary(i)));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_body(i)));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_thread_id(i)));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_reply_to(i)));
    CRM_SWIG_COL(crm_swig_str(crm_interaction_external_ref(i)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_interaction_updated_at(i)));
    CRM_SWIG_ROW_END();
}

/* The state is its name: the package makes it a PromiseState. */
static PyObject *crm_swig_promise(const crm_promise *p)
{
    CRM_SWIG_ROW_OR_NONE(p);
    /* id, what, state, customer_id, interaction_id, owner, due_at, made_at,
     * closed_at, kept_by, overdue (as of now), kept_late, renegotiations,
     * first_due_at */
    CRM_SWIG_ROW(14);
    CRM_SWIG_COL(crm_swig_str(crm_promise_id(p)));
    CRM_SWIG_COL(crm_swig_str(crm_promise_what(p)));
    CRM_SWIG_COL(crm_swig_str(crm_promise_state_name(crm_promise_state(p))));
    CRM_SWIG_COL(crm_swig_str(crm_promise_customer_id(p)));
    CRM_SWIG_COL(crm_swig_str(crm_promise_interaction_id(p)));
    CRM_SWIG_COL(crm_swig_str(crm_promise_owner(p)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_promise_due_at(p)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_promise_made_at(p)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_promise_closed_at(p)));
    CRM_SWIG_COL(crm_swig_str(crm_promise_kept_by(p)));
    CRM_SWIG_COL(CRM_SWIG_BOOL(crm_promise_is_overdue(p, crm_now())));
    CRM_SWIG_COL(CRM_SWIG_BOOL(crm_promise_was_kept_late(p)));
    CRM_SWIG_COL(PyLong_FromLong(crm_promise_renegotiations(p)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_promise_first_due_at(p)));
    CRM_SWIG_ROW_END();
}

static PyObject *crm_swig_occasion(const crm_occasion *o)
{
    CRM_SWIG_ROW_OR_NONE(o);
    int year = crm_occasion_year(o), next_year = crm_occasion_next_year(o);
    /* id, kind, customer_id, yearly, year (None for 0), month, day,
     * lead_days, note, next_date (None unless an occurrence), next_at, years */
    CRM_SWIG_ROW(12);
    CRM_SWIG_COL(crm_swig_str(crm_occasion_id(o)));
    CRM_SWIG_COL(crm_swig_str(crm_occasion_kind(o)));
    CRM_SWIG_COL(crm_swig_str(crm_occasion_customer_id(o)));
    CRM_SWIG_COL(CRM_SWIG_BOOL(crm_occasion_is_yearly(o)));
    CRM_SWIG_COL(year ? PyLong_FromLong(year) : SWIG_Py_Void());
    CRM_SWIG_COL(PyLong_FromLong(crm_occasion_month(o)));
    CRM_SWIG_COL(PyLong_FromLong(crm_occasion_day(o)));
    CRM_SWIG_COL(PyLong_FromLong(crm_occasion_lead_days(o)));
    CRM_SWIG_COL(crm_swig_str(crm_occasion_note(o)));
    CRM_SWIG_COL(next_year > 0 ? PyDate_FromDate(next_year, crm_occasion_next_month(o),
                                                  crm_occasion_next_day(o))
                               : SWIG_Py_Void());
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_occasion_next_at(o)));
    CRM_SWIG_COL(PyLong_FromLong(crm_occasion_years(o)));
    CRM_SWIG_ROW_END();
}

static PyObject *crm_swig_member(const crm_member *m)
{
    CRM_SWIG_ROW_OR_NONE(m);
    CRM_SWIG_ROW(6); /* org_id, person_id, role, org_name, person_name, since */
    CRM_SWIG_COL(crm_swig_str(crm_member_org_id(m)));
    CRM_SWIG_COL(crm_swig_str(crm_member_person_id(m)));
    CRM_SWIG_COL(crm_swig_str(crm_member_role(m)));
    CRM_SWIG_COL(crm_swig_str(crm_member_org_name(m)));
    CRM_SWIG_COL(crm_swig_str(crm_member_person_name(m)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_member_since(m)));
    CRM_SWIG_ROW_END();
}

static PyObject *crm_swig_promise_event(const crm_promise_event *e)
{
    CRM_SWIG_ROW_OR_NONE(e);
    /* kind, at, actor, old_due, new_due, customer_agreed, interaction_id, note */
    CRM_SWIG_ROW(8);
    CRM_SWIG_COL(crm_swig_str(crm_promise_event_kind_name(crm_promise_event_kind(e))));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_promise_event_at(e)));
    CRM_SWIG_COL(crm_swig_str(crm_promise_event_actor(e)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_promise_event_old_due(e)));
    CRM_SWIG_COL(CRM_SWIG_TIME(crm_promise_event_new_due(e)));
    CRM_SWIG_COL(CRM_SWIG_BOOL(crm_promise_event_customer_agreed(e)));
    CRM_SWIG_COL(crm_swig_str(crm_promise_event_interaction_id(e)));
    CRM_SWIG_COL(crm_swig_str(crm_promise_event_note(e)));
    CRM_SWIG_ROW_END();
}

/* An attribute: (key, value). */
static PyObject *crm_swig_attr(const crm_attr *a)
{
    CRM_SWIG_ROW_OR_NONE(a);
    CRM_SWIG_ROW(2);
    CRM_SWIG_COL(crm_swig_str(crm_attr_key(a)));
    CRM_SWIG_COL(crm_swig_str(crm_attr_value(a)));
    CRM_SWIG_ROW_END();
}
%}
%init %{
    PyDateTime_IMPORT;
    if (!PyDateTimeAPI)
        return NULL;
%}

/* The row replaces the status; a NULL row (an exception is set) fails. */
%define CRM_SWIG_ROW_RESULT(EXPR)
    Py_XDECREF($result);
    $result = EXPR;
    if (!$result)
        SWIG_fail;
%enddef
#endif /* SWIGPYTHON */

#ifdef SWIGLUA
%{
/* Fields of the table on top of the stack; an absent string stays nil.
 * Values are pushed with their length: lua_pushstring first looks the
 * pointer up in Lua's cache of C strings, which for a cursor's row buffer
 * (the same address, new text every row) is a strcmp spent for nothing. */
static void crm_swig_set_str(lua_State *L, const char *k, const char *v)
{
    if (v) {
        lua_pushlstring(L, v, strlen(v));
        lua_setfield(L, -2, k);
    }
}
static void crm_swig_set_int(lua_State *L, const char *k, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}
/* A time: nil when there is none (CRM_TIME_NONE). */
static void crm_swig_set_time(lua_State *L, const char *k, int64_t v)
{
    if (v != CRM_TIME_NONE) {
        lua_pushinteger(L, (lua_Integer)v);
        lua_setfield(L, -2, k);
    }
}
static void crm_swig_set_bool(lua_State *L, const char *k, int v)
{
    lua_pushboolean(L, v);
    lua_setfield(L, -2, k);
}
/* The record type's metatable, which the Lua layer keeps in the registry
 * under "crm.<type>" (see record_mt in crm_lua.i). */
static void crm_swig_set_mt(lua_State *L, const char *name)
{
    lua_getfield(L, LUA_REGISTRYINDEX, name);
    lua_setmetatable(L, -2);
}

/* Each pushes the record's table, or nil (the end of a cursor). */
#define CRM_SWIG_TABLE_OR_NIL(P, NFIELDS) \
    if (!(P)) {                           \
        lua_pushnil(L);                   \
        return;                           \
    }                                     \
    lua_createtable(L, 0, NFIELDS)

static void crm_swig_customer(lua_State *L, const crm_customer *c)
{
    CRM_SWIG_TABLE_OR_NIL(c, 6);
    crm_swig_set_str(L, "id", crm_customer_id(c));
    crm_swig_set_str(L, "name", crm_customer_name(c));
    crm_swig_set_str(L, "kind", crm_customer_kind_name(crm_customer_kind(c)));
    crm_swig_set_time(L, "created_at", crm_customer_created_at(c));
    crm_swig_set_time(L, "updated_at", crm_customer_updated_at(c));
    crm_swig_set_bool(L, "archived", crm_customer_is_archived(c) == 1);
    crm_swig_set_mt(L, "crm.customer");
}

static void crm_swig_identity(lua_State *L, const crm_identity *i)
{
    CRM_SWIG_TABLE_OR_NIL(i, 9);
    unsigned int flags = crm_identity_flags(i);
    crm_swig_set_str(L, "kind", crm_identity_kind(i));
    crm_swig_set_str(L, "value", crm_identity_value(i));
    crm_swig_set_str(L, "key", crm_identity_key(i));
    crm_swig_set_str(L, "customer_id", crm_identity_customer_id(i));
    crm_swig_set_int(L, "flags", flags);
    crm_swig_set_bool(L, "primary", (flags & CRM_IDENTITY_PRIMARY) != 0);
    crm_swig_set_bool(L, "verified", (flags & CRM_IDENTITY_VERIFIED) != 0);
    crm_swig_set_bool(L, "shared", (flags & CRM_IDENTITY_SHARED) != 0);
    crm_swig_set_time(L, "created_at", crm_identity_created_at(i));
    crm_swig_set_mt(L, "crm.identity");
}

static void crm_swig_journal_entry(lua_State *L, const crm_journal_entry *e)
{
    CRM_SWIG_TABLE_OR_NIL(e, 7);
    crm_swig_set_int(L, "seq", crm_journal_entry_seq(e));
    crm_swig_set_time(L, "at", crm_journal_entry_at(e));
    crm_swig_set_str(L, "actor", crm_journal_entry_actor(e));
    crm_swig_set_str(L, "entity", crm_journal_entry_entity(e));
    crm_swig_set_str(L, "entity_id", crm_journal_entry_entity_id(e));
    crm_swig_set_str(L, "op", crm_journal_entry_op(e));
    crm_swig_set_str(L, "data", crm_journal_entry_data(e));
    crm_swig_set_mt(L, "crm.journal_entry");
}

static void crm_swig_interaction(lua_State *L, const crm_interaction *i)
{
    CRM_SWIG_TABLE_OR_NIL(i, 15);
    int s = crm_interaction_sentiment(i);
    crm_swig_set_str(L, "id", crm_interaction_id(i));
    crm_swig_set_str(L, "customer_id", crm_interaction_customer_id(i));
    crm_swig_set_str(L, "channel", crm_interaction_channel_name(i));
    crm_swig_set_str(L, "direction", crm_direction_name(crm_interaction_direction(i)));
    crm_swig_set_time(L, "occurred_at", crm_interaction_occurred_at(i));
    crm_swig_set_str(L, "handled_by", crm_interaction_handled_by(i));
    crm_swig_set_str(L, "reason", crm_interaction_reason(i));
    crm_swig_set_str(L, "outcome", crm_outcome_name(crm_interaction_outcome(i)));
    crm_swig_set_bool(L, "public", crm_interaction_is_public(i) == 1);
    if (s != CRM_SENTIMENT_NONE)
        crm_swig_set_int(L, "sentiment", s);
    crm_swig_set_str(L, "summary", crm_interaction_summary(i));
    crm_swig_set_str(L, "body", crm_interaction_body(i));
    crm_swig_set_str(L, "thread_id", crm_interaction_thread_id(i));
    crm_swig_set_str(L, "reply_to", crm_interaction_reply_to(i));
    crm_swig_set_str(L, "external_ref", crm_interaction_external_ref(i));
    crm_swig_set_mt(L, "crm.interaction");
}

static void crm_swig_promise(lua_State *L, const crm_promise *p)
{
    CRM_SWIG_TABLE_OR_NIL(p, 13);
    crm_swig_set_str(L, "id", crm_promise_id(p));
    crm_swig_set_str(L, "customer_id", crm_promise_customer_id(p));
    crm_swig_set_str(L, "interaction_id", crm_promise_interaction_id(p));
    crm_swig_set_str(L, "owner", crm_promise_owner(p));
    crm_swig_set_str(L, "what", crm_promise_what(p));
    crm_swig_set_str(L, "state", crm_promise_state_name(crm_promise_state(p)));
    crm_swig_set_time(L, "due_at", crm_promise_due_at(p));
    crm_swig_set_time(L, "made_at", crm_promise_made_at(p));
    crm_swig_set_time(L, "closed_at", crm_promise_closed_at(p));
    crm_swig_set_str(L, "kept_by", crm_promise_kept_by(p));
    crm_swig_set_bool(L, "overdue", crm_promise_is_overdue(p, crm_now()) == 1);
    crm_swig_set_bool(L, "kept_late", crm_promise_was_kept_late(p) == 1);
    crm_swig_set_int(L, "renegotiations", crm_promise_renegotiations(p));
    crm_swig_set_time(L, "first_due_at", crm_promise_first_due_at(p));
    crm_swig_set_mt(L, "crm.promise");
}

static void crm_swig_occasion(lua_State *L, const crm_occasion *o)
{
    CRM_SWIG_TABLE_OR_NIL(o, 14);
    crm_swig_set_str(L, "id", crm_occasion_id(o));
    crm_swig_set_str(L, "customer_id", crm_occasion_customer_id(o));
    crm_swig_set_str(L, "kind", crm_occasion_kind(o));
    crm_swig_set_bool(L, "yearly", crm_occasion_is_yearly(o) == 1);
    crm_swig_set_int(L, "year", crm_occasion_year(o));
    crm_swig_set_int(L, "month", crm_occasion_month(o));
    crm_swig_set_int(L, "day", crm_occasion_day(o));
    crm_swig_set_int(L, "lead_days", crm_occasion_lead_days(o));
    crm_swig_set_str(L, "note", crm_occasion_note(o));
    crm_swig_set_int(L, "next_year", crm_occasion_next_year(o));
    crm_swig_set_int(L, "next_month", crm_occasion_next_month(o));
    crm_swig_set_int(L, "next_day", crm_occasion_next_day(o));
    crm_swig_set_time(L, "next_at", crm_occasion_next_at(o));
    crm_swig_set_int(L, "years", crm_occasion_years(o));
    crm_swig_set_mt(L, "crm.occasion");
}

static void crm_swig_member(lua_State *L, const crm_member *m)
{
    CRM_SWIG_TABLE_OR_NIL(m, 6);
    crm_swig_set_str(L, "org_id", crm_member_org_id(m));
    crm_swig_set_str(L, "person_id", crm_member_person_id(m));
    crm_swig_set_str(L, "role", crm_member_role(m));
    crm_swig_set_str(L, "org_name", crm_member_org_name(m));
    crm_swig_set_str(L, "person_name", crm_member_person_name(m));
    crm_swig_set_time(L, "since", crm_member_since(m));
    crm_swig_set_mt(L, "crm.member");
}

static void crm_swig_promise_event(lua_State *L, const crm_promise_event *e)
{
    CRM_SWIG_TABLE_OR_NIL(e, 8);
    crm_swig_set_str(L, "kind", crm_promise_event_kind_name(crm_promise_event_kind(e)));
    crm_swig_set_time(L, "at", crm_promise_event_at(e));
    crm_swig_set_str(L, "actor", crm_promise_event_actor(e));
    crm_swig_set_time(L, "old_due", crm_promise_event_old_due(e));
    crm_swig_set_time(L, "new_due", crm_promise_event_new_due(e));
    crm_swig_set_bool(L, "customer_agreed", crm_promise_event_customer_agreed(e) == 1);
    crm_swig_set_str(L, "interaction_id", crm_promise_event_interaction_id(e));
    crm_swig_set_str(L, "note", crm_promise_event_note(e));
    crm_swig_set_mt(L, "crm.promise_event");
}

/* An attribute: {key=, value=} (no metatable; the Lua layer has no
 * attribute records). */
static void crm_swig_attr(lua_State *L, const crm_attr *a)
{
    CRM_SWIG_TABLE_OR_NIL(a, 2);
    crm_swig_set_str(L, "key", crm_attr_key(a));
    crm_swig_set_str(L, "value", crm_attr_value(a));
}
%}

%define CRM_SWIG_ROW_RESULT(EXPR)
    lua_pop(L, 1);
    SWIG_arg--;
    EXPR;
    SWIG_arg++;
%enddef
#endif /* SWIGLUA */

#ifdef SWIGPYTHON
#define CRM_SWIG_BUILD(FN, P) FN(P)
#endif
#ifdef SWIGLUA
#define CRM_SWIG_BUILD(FN, P) FN(L, P)
#endif

/* `TYPE **row`: a record the call returns, copied and freed. `const TYPE
 * **row`: a record a cursor lends (or the record given, for the Python
 * classes' constructors), copied. */
%define CRM_ROW_OUT(TYPE, BUILD, FREE)
%typemap(in, numinputs=0) TYPE **row (TYPE *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) TYPE **row { CRM_SWIG_ROW_RESULT(CRM_SWIG_BUILD(BUILD, *$1)) }
%typemap(freearg) TYPE **row "FREE(*$1);"
%typemap(in, numinputs=0) const TYPE **row (const TYPE *tmp = NULL) "$1 = ($1_ltype)&tmp;"
%typemap(argout) const TYPE **row { CRM_SWIG_ROW_RESULT(CRM_SWIG_BUILD(BUILD, *$1)) }
%typemap(freearg) const TYPE **row "" /* lent: not the TYPE ** one */
%enddef
CRM_ROW_OUT(crm_customer, crm_swig_customer, crm_customer_free)
CRM_ROW_OUT(crm_identity, crm_swig_identity, crm_identity_free)
CRM_ROW_OUT(crm_journal_entry, crm_swig_journal_entry, (void))
CRM_ROW_OUT(crm_interaction, crm_swig_interaction, crm_interaction_free)
CRM_ROW_OUT(crm_promise, crm_swig_promise, crm_promise_free)
CRM_ROW_OUT(crm_occasion, crm_swig_occasion, crm_occasion_free)
CRM_ROW_OUT(crm_member, crm_swig_member, (void))
CRM_ROW_OUT(crm_promise_event, crm_swig_promise_event, (void))
CRM_ROW_OUT(crm_attr, crm_swig_attr, (void))

/* The calls, each the libcrm call of the same name (or the crm_swig_ glue
 * above) with `row` for `out`. */
%define CRM_ROW_CALL(NAME, PARAMS, ARGS)
%rename(_ ## NAME) crm_swig_row_ ## NAME;
%inline %{
static int crm_swig_row_ ## NAME PARAMS { return ARGS; }
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
CRM_ROW_CALL(interaction_get_by_ref, (crm_interaction **row, crm_db *db, crm_channel_t channel,
                                      const char *external_ref),
             crm_interaction_get_by_ref(row, db, channel, external_ref))
CRM_ROW_CALL(interaction_get_by_ref_named, (crm_interaction **row, crm_db *db, const char *channel,
                                            const char *external_ref),
             crm_interaction_get_by_ref_named(row, db, channel, external_ref))
CRM_ROW_CALL(timeline_next, (crm_interaction_cursor *cur, const crm_interaction **row),
             crm_interaction_cursor_next(cur, row))
CRM_ROW_CALL(promise_make, (crm_promise **row, crm_db *db, const char *customer_id,
                            const char *interaction_id, const char *owner, const char *what,
                            int64_t due_at, int64_t at),
             crm_promise_make(row, db, customer_id, interaction_id, owner, what, due_at, at))
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
