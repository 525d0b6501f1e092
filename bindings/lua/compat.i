/*
 * libcrm - Lua: what differs between the Luas the module is built for
 * (5.1, 5.2, 5.3, 5.4 and LuaJIT, which has 5.1's C API), said once so
 * that the other pieces are written against 5.4's API.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Lua 5.3 and 5.4 have 64-bit integers (lua_Integer is int64_t on every
 * platform libcrm builds on). Lua 5.1, 5.2 and LuaJIT have one number
 * type, a double: there an integer argument is a number with no fraction
 * in int64_t's range (a time in ms, 13 digits, is exact in a double), and
 * an integer result is pushed as a double (exact up to 2^53; no count,
 * time or sequence number of a real database comes near it).
 * lua_pushfstring() knows %I from 5.3 on only, so integers are formatted
 * into a buffer here and pushed with %s.
 */

%{
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#if LUA_VERSION_NUM >= 503
#if LUA_MAXINTEGER != INT64_MAX || LUA_MININTEGER != INT64_MIN
#error "the integer typemaps take lua_Integer to be int64_t"
#endif
#define crm_lua_isinteger(L, i) lua_isinteger(L, i)
#define crm_lua_tointeger(L, i) ((int64_t)lua_tointeger(L, i))
#else
/* A number without fraction, -2^63 <= n < 2^63 (both bounds exact in a
 * double), so that the conversion below is defined. */
static int crm_lua_isinteger(lua_State *L, int idx)
{
    lua_Number n;
    if (lua_type(L, idx) != LUA_TNUMBER)
        return 0;
    n = lua_tonumber(L, idx);
    return n == floor(n) && n >= -9223372036854775808.0 && n < 9223372036854775808.0;
}
#define crm_lua_tointeger(L, i) ((int64_t)lua_tonumber(L, i))
#endif

#if LUA_VERSION_NUM < 502 && !defined(lua_rawlen) /* SWIG's runtime may define it */
#define lua_rawlen(L, i) lua_objlen(L, i)
#endif

/* An integer as text, for messages: buf is at least CRM_LUA_INTBUF bytes. */
#define CRM_LUA_INTBUF 24
static const char *crm_lua_int_text(char *buf, int64_t v)
{
    snprintf(buf, CRM_LUA_INTBUF, "%" PRId64, v);
    return buf;
}
%}
