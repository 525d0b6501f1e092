/*
 * libcrm - Lua: what a result and an out-parameter become (the hooks
 * crm.i's out-parameter typemaps use).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */

/* Lua 5.3 and 5.4 have integers: times (ms), sequence numbers, counts and codes are
 * integers, not floats (in 5.1, 5.2 and LuaJIT, numbers: compat.i). */
%typemap(out) int64_t, int, unsigned int, enum SWIGTYPE
    "lua_pushinteger(L, (lua_Integer)$1); SWIG_arg++;"
%typemap(typecheck) int64_t "$1 = crm_lua_isinteger(L, $input);"

%define CRM_SWIG_SET_RESULT(OBJ)
    lua_pop(L, 1);
    SWIG_arg--;
    OBJ;
    SWIG_arg++;
%enddef

#define CRM_SWIG_PTR(P, DESC, OWN) SWIG_NewPointerObj(L, P, DESC, OWN)
/* A cursor is NOT owned by its userdata: the Lua layer's cursor object
 * frees it (on exhaustion, close, the database's close, or its own __gc).
 * Lua runs finalizers in reverse order of creation, so a userdata __gc
 * would free the C cursor before the database object's __gc closed its
 * cursors: a double free. Raw crm.crm_*_open callers in Lua free with the
 * matching _free call. */
#define CRM_SWIG_CURSOR_OWN 0
#define CRM_SWIG_INT64(V) lua_pushinteger(L, (lua_Integer)(V))
#define CRM_SWIG_STR(S) ((S) ? (void)lua_pushstring(L, S) : lua_pushnil(L))
#define CRM_SWIG_INT(V) lua_pushinteger(L, (lua_Integer)(V))
