/*
 * libcrm - Lua: the error a failed call raises, and the one %exception.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * The convention: raise a table {code=, name=, message=} whose metatable
 * ("crm.error" in the registry, crm.error_mt) gives __tostring
 * "message (NAME)"; after CRM_EEXISTS the table's conflict_id is
 * crm_conflict_id(db), the id of what is already there (nil when libcrm
 * names nothing), for every call that can conflict, the generated ones
 * included. A call that failed because its clock did (clock.i) has what
 * the clock did appended to the message: "... (the clock raised: ...)".
 */

%{
/* The lua_State of the call in progress on this thread, set and restored
 * around each call by %exception below, or NULL outside one: the state a
 * Lua clock runs on (clock.i). */
static _Thread_local lua_State *crm_swig_lua_L = NULL;

/* What went wrong in a Lua clock during the call now failing on this
 * thread (" (the clock raised: ...)"), or "": appended to its message. */
#define CRM_SWIG_CLOCK_NOTE 1024
static _Thread_local char crm_swig_clock_note[CRM_SWIG_CLOCK_NOTE];

static int crm_swig_err_tostring(lua_State *L)
{
    lua_getfield(L, 1, "message");
    lua_getfield(L, 1, "name");
    lua_pushfstring(L, "%s (%s)", luaL_optstring(L, -2, "?"), luaL_optstring(L, -1, "?"));
    return 1;
}

/* Pushes the error table; a conflict_id names what is already there. */
static void crm_swig_raise(lua_State *L, int code, const char *msg, const char *conflict_id)
{
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, code);
    lua_setfield(L, -2, "code");
    lua_pushstring(L, crm_errname(code));
    lua_setfield(L, -2, "name");
    lua_pushstring(L, msg);
    lua_setfield(L, -2, "message");
    if (conflict_id) {
        lua_pushstring(L, conflict_id);
        lua_setfield(L, -2, "conflict_id");
    }
    if (luaL_newmetatable(L, "crm.error")) {
        lua_pushcfunction(L, crm_swig_err_tostring);
        lua_setfield(L, -2, "__tostring");
    }
    lua_setmetatable(L, -2);
}

/* The failure of the call just made, on the stashed handle. */
static void crm_swig_raise_status(lua_State *L, int code)
{
    const crm_db *db = crm_swig_db;
    const char *msg = crm_errmsg(db);
    crm_swig_db = NULL;
    if (crm_swig_clock_note[0]) {
        msg = lua_pushfstring(L, "%s%s", msg, crm_swig_clock_note);
        crm_swig_clock_note[0] = '\0';
    }
    crm_swig_raise(L, code, msg, crm_conflict_id(db));
}
%}

%exception {
    {
        lua_State *crm_swig_prev_L_ = crm_swig_lua_L;
        crm_swig_lua_L = L;
        $action
        crm_swig_lua_L = crm_swig_prev_L_;
    }
    if (CRM_SWIG_FAILED(result)) {
        crm_swig_raise_status(L, CRM_SWIG_CODE(result));
        SWIG_fail;
    }
    crm_swig_db = NULL;
    crm_swig_clock_note[0] = '\0';
}
