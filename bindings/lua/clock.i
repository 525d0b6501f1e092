/*
 * libcrm - Lua: a handle's clock (crm_open_options.clock) from a Lua
 * function, for crm.open(path, {clock = function() return ms end}).
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * libcrm calls the clock from inside a call the program made from Lua, on
 * the same thread, with no lua_State of its own to give. The state that
 * made the call is the one to run the function on: the main state's stack
 * is not to be touched while a coroutine runs, and a coroutine's is not
 * while the main state runs. So %exception (errors.i) keeps the state of
 * the call in progress in crm_swig_lua_L, and the clock runs the function
 * there, under lua_pcall: no Lua error crosses libcrm's frames (it would
 * leave the handle held).
 *
 * The function is found through the registry's table "crm.clocks", weak
 * in its values, under a light userdata of the function's own address
 * (the handle's clock_ctx). The database object holds the function (its
 * field _clock) as long as it holds the handle, so the entry lasts as long
 * as the handle and goes when the object closes and drops it or is
 * collected; nothing is freed by hand, and a clock that refers to its own
 * database does not keep the database from being collected.
 *
 * A clock that raises an error, or returns what is not an integer, answers
 * -1, which fails the call with CRM_EMISUSE and changes nothing; what went
 * wrong is kept for this thread (crm_swig_clock_note) and appended to the
 * message of the error the call raises (crm_swig_raise_status).
 */

%{
/* Notes what went wrong in the clock, for the message of the call now
 * failing on this thread: " (TEXT WHAT)", cut to the note's size. */
static void crm_swig_clock_noted(const char *text, const char *what)
{
    int n = snprintf(crm_swig_clock_note, sizeof crm_swig_clock_note, " (%s%s)", text,
                     what ? what : "");
    if (n >= (int)sizeof crm_swig_clock_note) /* cut: say so, keep the parenthesis */
        memcpy(crm_swig_clock_note + sizeof crm_swig_clock_note - 5, "...)", 5);
}

typedef struct crm_swig_clock_call {
    const void *key; /* the handle's clock_ctx: the function's address */
    int64_t ms;      /* the answer, -1 unless the function gave a time */
} crm_swig_clock_call;

/* The text of the error value at idx (absolute): a string or a number
 * itself, else what its __tostring gives, else its type. */
static const char *crm_swig_clock_error_text(lua_State *L, int idx)
{
    if (lua_type(L, idx) == LUA_TSTRING || lua_type(L, idx) == LUA_TNUMBER)
        return lua_tostring(L, idx);
    if (luaL_callmeta(L, idx, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
        return lua_tostring(L, -1);
    return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
}

/* Runs under lua_pcall (or lua_cpcall): anything that raises here, the
 * registry look-up and the function's own errors alike, stays in Lua. */
static int crm_swig_clock_run(lua_State *L)
{
    crm_swig_clock_call *c = (crm_swig_clock_call *)lua_touserdata(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "crm.clocks");
    if (lua_istable(L, -1)) {
        lua_pushlightuserdata(L, (void *)c->key);
        lua_rawget(L, -2);
    }
    if (lua_type(L, -1) != LUA_TFUNCTION) {
        crm_swig_clock_noted("the clock was not found in this Lua state", NULL);
        return 0;
    }
    if (lua_pcall(L, 0, 1, 0) != 0) {
        crm_swig_clock_noted("the clock raised: ",
                             crm_swig_clock_error_text(L, lua_gettop(L)));
        return 0;
    }
    if (crm_lua_isinteger(L, -1)) {
        c->ms = crm_lua_tointeger(L, -1);
    } else if (lua_type(L, -1) == LUA_TNUMBER) {
        char n[64]; /* as describe() in layer.i shows a float */
        snprintf(n, sizeof n, "%.17g", (double)lua_tonumber(L, -1));
        crm_swig_clock_noted(lua_pushfstring(L, "the clock returned the float %s, not an "
                                                "integer (ms since the epoch)", n), NULL);
    } else {
        crm_swig_clock_noted(lua_pushfstring(L, "the clock returned %s, not an integer (ms "
                                                "since the epoch)", luaL_typename(L, -1)),
                             NULL);
    }
    return 0;
}

/* The crm_clock_fn of a handle opened with a Lua clock. */
static int64_t crm_swig_lua_clock(void *ctx)
{
    lua_State *L = crm_swig_lua_L;
    /* The handle of the call in progress, stashed for its error: the
     * function may make calls of its own, which clear it. */
    const crm_db *db = crm_swig_db;
    crm_swig_clock_call c = { ctx, -1 };
    if (!L) {
        crm_swig_clock_noted("the clock was called outside a call from Lua", NULL);
        return -1;
    }
    int top = lua_gettop(L);
#if LUA_VERSION_NUM >= 502
    /* A light C function and a light userdata: nothing is allocated (and
     * so nothing can raise) before lua_pcall protects the rest. */
    lua_pushcfunction(L, crm_swig_clock_run);
    lua_pushlightuserdata(L, &c);
    int rc = lua_pcall(L, 1, 0, 0);
#else
    int rc = lua_cpcall(L, crm_swig_clock_run, &c);
#endif
    if (rc != 0) { /* out of memory, or the error handling itself failed */
        c.ms = -1;
        if (lua_type(L, -1) == LUA_TSTRING)
            crm_swig_clock_noted("the clock failed: ", lua_tostring(L, -1));
        else
            crm_swig_clock_noted("the clock failed", NULL);
    }
    lua_settop(L, top);
    crm_swig_lua_L = L;
    crm_swig_db = db;
    return c.ms;
}

/* The clock argument of crm_swig_open_clocked: nil (the system's clock) or
 * a function, entered in the registry's "crm.clocks" under its address. */
static int crm_swig_arg_clock(lua_State *L, int idx, const void **out)
{
    if (lua_isnil(L, idx)) {
        *out = NULL;
        return 0;
    }
    if (lua_type(L, idx) != LUA_TFUNCTION) {
        lua_pushfstring(L, "clock: expected a function, got %s", luaL_typename(L, idx));
        crm_swig_refuse(L);
        return -1;
    }
    const void *key = lua_topointer(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, "crm.clocks");
    if (!lua_istable(L, -1)) {
        lua_pop(L, 1);
        lua_newtable(L);
        lua_createtable(L, 0, 1);
        lua_pushliteral(L, "v");
        lua_setfield(L, -2, "__mode");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_setfield(L, LUA_REGISTRYINDEX, "crm.clocks");
    }
    lua_pushlightuserdata(L, (void *)key);
    lua_pushvalue(L, idx);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    *out = key;
    return 0;
}
%}

%typemap(in, noblock=1) const void *clock {
  {
    const void *c_;
    if (crm_swig_arg_clock(L, $input, &c_) != 0)
      SWIG_fail;
    $1 = ($1_ltype)c_;
  }
}

%inline %{
/* crm_swig_open with a clock: a Lua function taking no argument and
 * returning epoch milliseconds, or nil for the system's. The caller keeps
 * the function alive while the handle is open (the database object's
 * _clock). */
int crm_swig_open_clocked(crm_db **out, const char *path, unsigned int flags,
                          int busy_timeout_ms, int durability, const char *actor,
                          const char *default_country, const void *clock)
{
    crm_open_options o = CRM_OPEN_OPTIONS_INIT;
    o.flags = flags;
    o.busy_timeout_ms = busy_timeout_ms;
    o.durability = (crm_durability_t)durability;
    o.actor = actor;
    o.default_country = default_country;
    if (clock) {
        o.clock = crm_swig_lua_clock;
        o.clock_ctx = (void *)clock;
    }
    return crm_open(out, path, &o);
}
%}
