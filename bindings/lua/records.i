/*
 * libcrm - Lua: a record as a table with its record type's metatable
 * (crm.i's "records in one crossing"). The builders, one per record, are
 * made by gen_records.py from bindings/records.py, with a description of
 * each field the tests read (crm._records, not API); the setters they use
 * are here.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 */

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
static void crm_swig_set_number(lua_State *L, const char *k, double v)
{
    lua_pushnumber(L, v);
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
static void crm_swig_set_bool(lua_State *L, const char *k, unsigned long v)
{
    lua_pushboolean(L, v != 0);
    lua_setfield(L, -2, k);
}
/* An int that has a value meaning "not set": nil for it. */
static void crm_swig_set_opt_int(lua_State *L, const char *k, int v, int none)
{
    if (v != none)
        crm_swig_set_int(L, k, v);
}
/* The record type's metatable, which the Lua layer keeps in the registry
 * under "crm.<type>" (see record_mt in layer.i). */
static void crm_swig_set_mt(lua_State *L, const char *name)
{
    lua_getfield(L, LUA_REGISTRYINDEX, name);
    lua_setmetatable(L, -2);
}

%}

/* The row replaces the status. */
%define CRM_SWIG_ROW_RESULT(NAME, P)
    lua_pop(L, 1);
    SWIG_arg--;
    crm_swig_ ## NAME(L, P);
    SWIG_arg++;
%enddef

/* Made by the build (bindings/CMakeLists.txt) in its gen/ folder, which is on
 * SWIG's include path: found there as a library file is. */
%include <records_lua.i>

%{
/* A report's row (crm.i's _report_next): a table of its columns by name,
 * each by the type the cursor gives it (a TIME in ms), a NULL absent; nil
 * at the end. */
static void crm_swig_report_row(lua_State *L, const crm_swig_report_pair *r)
{
    if (!r->row) {
        lua_pushnil(L);
        return;
    }
    int n = crm_report_column_count(r->cur);
    lua_createtable(L, 0, n);
    for (int i = 0; i < n; i++) {
        const char *k = crm_report_column_name(r->cur, i);
        if (crm_report_row_is_null(r->row, i))
            continue;
        switch (crm_report_column_type(r->cur, i)) {
        case CRM_VALUE_TEXT:
            crm_swig_set_str(L, k, crm_report_row_text(r->row, i));
            break;
        case CRM_VALUE_REAL:
            lua_pushnumber(L, crm_report_row_real(r->row, i));
            lua_setfield(L, -2, k);
            break;
        default:
            crm_swig_set_int(L, k, (lua_Integer)crm_report_row_int(r->row, i));
            break;
        }
    }
}
%}
