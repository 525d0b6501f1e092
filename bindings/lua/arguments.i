/*
 * libcrm - Lua: text and integer arguments.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Every text and integer a generated function takes is checked here, so
 * the methods and the raw crm.crm_* calls alike refuse a bad one with
 * CRM_EINVAL (the error table, naming the parameter) before libcrm is
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
 * did) within its C type's range.
 */

%{
#include <limits.h>
#include <stdlib.h>


/* Raises the EINVAL table with the message on top of the stack. */
static void crm_swig_refuse(lua_State *L)
{
    crm_swig_raise(L, CRM_EINVAL, lua_tostring(L, -1), NULL);
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
            char at[CRM_LUA_INTBUF], of[CRM_LUA_INTBUF];
            lua_pushfstring(L, "%s: a NUL byte at byte %s of %s, where libcrm would take the "
                               "text to end", name, crm_lua_int_text(at, (int64_t)strlen(s) + 1),
                            crm_lua_int_text(of, (int64_t)len));
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
    if (!crm_lua_isinteger(L, idx)) {
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
    lua_Integer v = (lua_Integer)crm_lua_tointeger(L, idx);
    if (v < min || v > max) {
        char vt[CRM_LUA_INTBUF], lo[CRM_LUA_INTBUF], hi[CRM_LUA_INTBUF];
        lua_pushfstring(L, "%s: %s is out of range (%s to %s)", name, crm_lua_int_text(vt, v),
                        crm_lua_int_text(lo, min), crm_lua_int_text(hi, max));
        crm_swig_refuse(L);
        return -1;
    }
    *out = v;
    return 0;
}

/* A list of words: nil (NULL) or a sequence of strings, as a
 * NULL-terminated array (malloc'd: the caller frees it) of the strings
 * themselves, each whole, for libcrm to judge: a word with a comma in it
 * is one bad name, not two names. The strings stay alive with the table,
 * an argument of the call. Each is checked as a text argument is, named
 * NAME[i]. */
static int crm_swig_arg_words(lua_State *L, int idx, const char *name, const char ***out)
{
    lua_Integer n, i;
    const char **array;
    if (lua_isnil(L, idx)) {
        *out = NULL;
        return 0;
    }
    if (!lua_istable(L, idx)) {
        lua_pushfstring(L, "%s: expected a table of strings, got %s", name,
                        luaL_typename(L, idx));
        crm_swig_refuse(L);
        return -1;
    }
    n = (lua_Integer)lua_rawlen(L, idx);
    if (!(array = malloc(((size_t)n + 1) * sizeof *array))) {
        crm_swig_raise(L, CRM_ENOMEM, "out of memory", NULL);
        return -1;
    }
    for (i = 0; i < n; i++) {
        const char *what;
        lua_rawgeti(L, idx, i + 1);
        char nth[CRM_LUA_INTBUF];
        what = lua_pushfstring(L, "%s[%s]", name, crm_lua_int_text(nth, i + 1));
        if (lua_isnil(L, -2)) {
            lua_pushfstring(L, "%s: expected a string, got nil", what);
            crm_swig_refuse(L);
            free(array);
            return -1;
        }
        if (crm_swig_arg_str(L, -2, what, &array[i]) != 0) {
            free(array);
            return -1;
        }
        lua_pop(L, 2);
    }
    array[n] = NULL;
    *out = array;
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

%typemap(in, noblock=1) const char *const *channels (const char **array = NULL) {
  if (crm_swig_arg_words(L, $input, "$1_name", &array) != 0)
    SWIG_fail;
  $1 = ($1_ltype)array;
}
%typemap(freearg, noblock=1) const char *const *channels { free(array$argnum); }
