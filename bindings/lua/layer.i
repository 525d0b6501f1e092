/*
 * libcrm - Lua: the idiom, run when the module loads (%luacode): crm.open()
 * returning a database object with methods, records as plain tables (with
 * a metatable per record type, for __tostring: "crm.customer<Jane Doe
 * 0190...>"), cursors as iterator functions, __gc and __close, and one
 * error convention.
 *
 * Copyright (c) 2026 the libcrm authors. MIT licence, see LICENSE.
 *
 * Errors: every failure raises a table {code = -2, name = "ENOTFOUND",
 * message = "..."} whose __tostring gives "message (NAME)" (errors.i); a
 * wrong argument type raises the same kind of table with code crm.EINVAL;
 * using a closed database raises code crm.EMISUSE. The module table holds
 * the idiomatic names only; the generated functions are moved out of the
 * user's way into crm._lowlevel (crm._lowlevel.crm_*), for the tests.
 *
 * The same code runs on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT: no operator or
 * library function newer than 5.1 is used bare (the few are looked up,
 * with a fallback: math.type, table.pack, table.unpack), flags are added
 * rather than OR'ed (each is a distinct bit, added once), and where a
 * table cannot have a __gc (5.1, LuaJIT) a userdata of the object's own
 * (newproxy) finalizes it.
 */

%luacode %{
local crm = crm
local ll = {}
for k, v in pairs(crm) do ll[k] = v end
-- the generated functions, constants and classes leave the module table:
-- what is left there is the idiom below
for k in pairs(ll) do crm[k] = nil end
crm._lowlevel = ll

-- what differs between the Luas --------------------------------------------
-- 5.3 and 5.4 tell integers from floats; 5.1, 5.2 and LuaJIT have numbers
-- only, where an integer is a number without fraction (in int64_t's range,
-- which the C side checks)
local math_type = math.type or function(v)
  if type(v) ~= "number" then return nil end
  if v == math.floor(v) and v >= -2^63 and v < 2^63 then return "integer" end
  return "float"
end
local pack = table.pack or function(...) return {n = select("#", ...), ...} end
local unpack = table.unpack or unpack
-- flags | bit, for bit a power of two (or 0): each flag is one bit, so the
-- OR is a sum when the bit is not already there
local function with_bit(flags, bit)
  if bit ~= 0 and math.floor(flags / bit) % 2 == 0 then return flags + bit end
  return flags
end
-- 2^n as an integer (2^n is a float in 5.3 and 5.4)
local function bit_of(n)
  local b = 1
  for _ = 1, n do b = b * 2 end
  return b
end
-- finalize(obj, fn): fn(obj) when obj is collected. Lua 5.2 and later call a
-- table's own __gc; 5.1 and LuaJIT call __gc on userdata only, so there obj
-- keeps a userdata whose __gc does it (the userdata and obj are garbage
-- together; the finalizer's upvalue keeps obj alive until it has run).
local finalize
if newproxy then
  finalize = function(obj, fn)
    local proxy = newproxy(true)
    getmetatable(proxy).__gc = function() fn(obj) end
    rawset(obj, "_finalizer", proxy)
  end
else
  finalize = function() end  -- the metatable's __gc does it
end

-- what the module is ---------------------------------------------------------
crm.version = ll.crm_version()                -- "0.3.0", the C library's version
crm.version_number = ll.crm_version_number()  -- major * 10000 + minor * 100 + patch
crm._VERSION = "crm " .. crm.version
crm.SCHEMA_VERSION = ll.crm_schema_version_max()
--- crm.now(): the current time, integer ms since the epoch (UTC)
function crm.now() return ll.crm_now() end

-- the error convention -----------------------------------------------------
local errmt = {}
errmt.__index = errmt
errmt.__tostring = function(e) return tostring(e.message) .. " (" .. tostring(e.name) .. ")" end
debug.getregistry()["crm.error"] = errmt  -- the C side raises with it too
crm.error_mt = errmt

for _, code in ipairs({ll.CRM_ERROR, ll.CRM_ENOTFOUND, ll.CRM_EEXISTS, ll.CRM_EINVAL,
                       ll.CRM_ESTATE, ll.CRM_EBUSY, ll.CRM_EIO, ll.CRM_ECORRUPT,
                       ll.CRM_ENOMEM, ll.CRM_ESCHEMA, ll.CRM_ENOTCRM, ll.CRM_EMISUSE,
                       ll.CRM_EREADONLY, ll.CRM_EAMBIGUOUS}) do
  crm[ll.crm_errname(code)] = code
end

local function raise(code, message, level)
  error(setmetatable({code = code, name = ll.crm_errname(code), message = message}, errmt),
        (level or 1) + 1)
end
crm.raise = raise

-- call a generated function; SWIG argument errors (strings) become
-- EINVAL tables so there is one convention
local function call(f, ...)
  local ok, r = pcall(f, ...)
  if ok then return r end
  if type(r) == "table" then error(r, 3) end
  raise(ll.CRM_EINVAL, tostring(r), 3)
end

-- text: a string or nil; the generated call refuses one with a NUL byte
local function opt_str(v, what)
  if v ~= nil and type(v) ~= "string" then
    raise(ll.CRM_EINVAL, what .. ": expected a string, got " .. type(v), 3)
  end
  return v
end

-- what a value is, for messages: its type, a float's value, a string quoted
-- (%q shows a NUL or control byte as an escape)
local function describe(v)
  if math_type(v) == "float" then
    return v ~= v and "NaN" or "the float " .. string.format("%.17g", v)
  end
  if type(v) == "string" then return string.format("%q", v) end
  return type(v)
end

-- an integer: nil is 0 (libcrm's "not set"); anything but a Lua integer is
-- refused, a float even when whole. The range is the C parameter's, checked
-- where the generated call reads it (arguments.i).
local TIME_NONE = math.mininteger or -2^63 -- CRM_TIME_NONE, exact in a double
crm.TIME_NONE = TIME_NONE
crm.TIME_MIN = -62135596800000   -- CRM_TIME_MIN: 0001-01-01T00:00:00Z
crm.TIME_MAX = 253402300799999   -- CRM_TIME_MAX: 9999-12-31T23:59:59.999Z

local function opt_int(v, what)
  if v == nil then return 0 end
  if math_type(v) ~= "integer" then
    raise(ll.CRM_EINVAL, what .. ": expected an integer, got " .. describe(v), 3)
  end
  return v
end

-- a time (integer ms since the epoch, CRM_TIME_MIN..CRM_TIME_MAX, which
-- libcrm checks): nil is "no time", CRM_TIME_NONE (now, for occurred_at;
-- no bound, for a filter); 0 is 1970-01-01 like any other time
local function opt_time(v, what)
  if v == nil then return TIME_NONE end
  return opt_int(v, what)
end

-- a flag: true, false or nil (the default); anything else is refused, as 0
-- or "no" would otherwise read as true
local function opt_bool(v, what, default)
  if v == nil then return default end
  if type(v) ~= "boolean" then
    raise(ll.CRM_EINVAL, what .. ": expected true or false, got " .. describe(v), 3)
  end
  return v
end

-- an options table, or nil for none
local function opt_table(v, what)
  if v == nil then return {} end
  if type(v) ~= "table" then
    raise(ll.CRM_EINVAL, what .. ": expected a table, got " .. describe(v), 3)
  end
  return v
end

-- records: plain tables, each with a metatable per record type whose
-- __tostring names it: tostring(c) == "crm.customer<Jane Doe 0190...>".
-- The tables are made in C, in the call that reads the record (the _*
-- calls of ../crm.i, built by records.i: one call per record, not one per
-- field), with the metatable kept here and in the registry as "crm.<type>".
local function field(v) return v == nil and "-" or tostring(v) end
local function record_mt(name, describe)
  local mt = {__name = "crm." .. name}
  mt.__index = mt
  mt.__tostring = function(r) return "crm." .. name .. "<" .. describe(r) .. ">" end
  crm[name .. "_mt"] = mt
  debug.getregistry()["crm." .. name] = mt  -- for the C side
  return mt
end
record_mt("customer", function(r) return field(r.name) .. " " .. field(r.id) end)
record_mt("identity", function(r) return field(r.kind) .. " " .. field(r.key) end)
record_mt("journal_entry", function(r)
  return "#" .. field(r.seq) .. " " .. field(r.entity) .. " " .. field(r.op) end)
record_mt("interaction", function(r)
  return field(r.channel) .. " " .. field(r.direction) .. " " .. field(r.id) end)
record_mt("promise", function(r)
  return field(r.state) .. " " .. field(r.id) .. " " .. field(r.what) end)
record_mt("occasion", function(r)
  return string.format("%s %02d-%02d %s", field(r.kind), r.month or 0, r.day or 0, field(r.id)) end)
record_mt("member", function(r)
  return field(r.person_name) .. " in " .. field(r.org_name) .. " (" .. field(r.role) .. ")" end)
record_mt("promise_event", function(r)
  return field(r.kind) .. " " .. field(r.at) .. " " .. field(r.actor) end)
record_mt("agenda_item", function(r)
  return field(r.kind) .. " " .. field(r.id) .. " " .. field(r.score) end)
record_mt("search_hit", function(r)
  return field(r.kind) .. " " .. field(r.field) .. " " .. field(r.snippet) end)

-- the database -----------------------------------------------------------
local Database = {}
Database.__index = Database
crm.Database = Database

local function h(db)
  local handle = rawget(db, "_h")
  if handle == nil then raise(ll.CRM_EMISUSE, "the database is closed", 3) end
  return handle
end

-- names ("phone", "organisation") as libcrm's codes for them, through
-- libcrm's own _parse call for the enum: the module keeps no names of its
-- own. Each name is parsed once (the call is a function of the name
-- alone, and a write should not pay a call into C per name it is given);
-- one libcrm refuses raises with libcrm's message and is not kept.
local function names_of(parse_fn)
  return setmetatable({}, {__index = function(codes, name)
    local code = call(parse_fn, name)
    codes[name] = code
    return code
  end})
end
local KIND = names_of(ll.crm_customer_kind_parse)
local ARCHIVED = names_of(ll.crm_archived_filter_parse)
local ORDER = names_of(ll.crm_customer_order_parse)
local DURABILITY = names_of(ll.crm_durability_parse)
local DIRECTION = names_of(ll.crm_direction_parse)
local OUTCOME = names_of(ll.crm_outcome_parse)
local STATE = names_of(ll.crm_promise_state_parse)
local AGENDA_KIND = names_of(ll.crm_agenda_kind_parse)
local SEARCH_KIND = names_of(ll.crm_search_kind_parse)
local RECORD = names_of(ll.crm_record_parse)

-- the code of the name v (a string) in names, or default for nil
local function parse(names, v, what, default)
  if v == nil and default ~= nil then return default end
  if type(v) ~= "string" then
    raise(ll.CRM_EINVAL, what .. ": expected a name (a string), got " .. describe(v), 3)
  end
  return names[v]
end

-- the words in the list t, each whole (nil: none), for libcrm to judge:
-- channels are any word, the business's own included
local function word_list(t, what)
  return t ~= nil and opt_table(t, what) or nil
end

-- the OR of the bits of the names in the list t (nil: none)
local function bits(names, t, what)
  local b = 0
  for _, name in ipairs(opt_table(t, what)) do
    b = with_bit(b, bit_of(parse(names, name, what)))
  end
  return b
end

-- the milliseconds libcrm waits for a lock (a C int), from seconds: a
-- number from 0 to INT_MAX ms; NaN, infinities and larger numbers are
-- refused rather than cast (1e300 s became INT_MIN ms). The bound is
-- compared in seconds: an integer's v * 1000 could wrap.
local MAX_SECONDS = 2147483647 / 1000
local function busy_timeout_ms(v)
  if v == nil then return 5000 end
  if type(v) ~= "number" or not (v >= 0 and v <= MAX_SECONDS) then
    raise(ll.CRM_EINVAL, "busy_timeout: expected seconds, from 0 to " .. MAX_SECONDS ..
          ", got " .. describe(v), 3)
  end
  return math.floor(v * 1000)
end

--- crm.open(path [, {actor=, create=true, readonly=false, busy_timeout=5 (s),
---                   durability="full"|"normal", default_country=, redact=false,
---                   group_access=false, clock=function() return ms end}]) -> db
function crm.open(path, opts)
  if type(path) ~= "string" then
    raise(ll.CRM_EINVAL, "path: expected a string, got " .. describe(path), 2)
  end
  opts = opt_table(opts, "options")
  local flags = 0
  if opt_bool(opts.create, "create", true) then flags = with_bit(flags, ll.CRM_OPEN_CREATE) end
  if opt_bool(opts.readonly, "readonly", false) then
    flags = with_bit(flags, ll.CRM_OPEN_READONLY)
  end
  if opt_bool(opts.redact, "redact", false) then flags = with_bit(flags, ll.CRM_OPEN_REDACT) end
  if opt_bool(opts.group_access, "group_access", false) then
    flags = with_bit(flags, ll.CRM_OPEN_GROUP_ACCESS)
  end
  local timeout = busy_timeout_ms(opts.busy_timeout)
  local dur = parse(DURABILITY, opts.durability, "durability", ll.CRM_DURABILITY_FULL)
  -- the handle's clock: libcrm calls it for "now" (clock.i runs it on the
  -- Lua state of the call in progress); the object keeps it as long as
  -- the handle
  local clock = opts.clock
  if clock ~= nil and type(clock) ~= "function" then
    raise(ll.CRM_EINVAL, "clock: expected a function, got " .. describe(clock), 2)
  end
  local handle = call(ll.crm_swig_open_clocked, path, flags, timeout, dur,
                      opt_str(opts.actor, "actor"), opt_str(opts.default_country, "default_country"),
                      clock)
  local db = setmetatable({_h = handle, _clock = clock,
                           _cursors = setmetatable({}, {__mode = "k"})}, Database)
  finalize(db, Database.close)
  return db
end

function Database:close()
  local handle = rawget(self, "_h")
  if handle == nil then return end
  for cur in pairs(self._cursors) do cur:close() end
  self._h = nil
  call(ll.crm_close, handle)
  self._clock = nil  -- the handle is gone: nothing calls its clock now
end
Database.__close = Database.close
Database.__gc = Database.close
Database.__name = "crm.database"
function Database:__tostring()
  if rawget(self, "_h") == nil then return "crm.database<closed>" end
  return "crm.database<" .. ll.crm_actor(self._h) .. ">"
end
function Database:is_closed() return rawget(self, "_h") == nil end

function Database:actor() return call(ll.crm_actor, h(self)) end
function Database:set_actor(a) call(ll.crm_set_actor, h(self), opt_str(a, "actor")) end
--- db:default_country() -> "US" or nil: the country national phone numbers
--- are read in (this handle's own, else the one kept in the file)
function Database:default_country() return call(ll.crm_default_country, h(self)) end
--- db:set_default_country(region): keep it in the file (nil removes it)
function Database:set_default_country(r)
  call(ll.crm_default_country_set, h(self), opt_str(r, "default_country"))
end
function Database:schema_version() return call(ll.crm_schema_version, h(self)) end
--- db:expand_id(record, prefix) -> the full id of the one record ("customer",
--- "interaction", "promise", "occasion") whose id starts with prefix; raises
--- crm.ENOTFOUND, crm.EAMBIGUOUS (the message names them) or crm.EINVAL
function Database:expand_id(record, prefix)
  return call(ll.crm_id_expand, h(self), parse(RECORD, record, "record"), prefix)
end
function Database:begin() call(ll.crm_begin, h(self)) end
function Database:commit() call(ll.crm_commit, h(self)) end
function Database:rollback() call(ll.crm_rollback, h(self)) end
function Database:in_transaction() return call(ll.crm_in_transaction, h(self)) == 1 end

--- db:transaction(f, ...): run f(db, ...) in a transaction; commit if it
--- returns, roll back and re-raise if it raises. Returns f's results.
function Database:transaction(f, ...)
  self:begin()
  local r = pack(pcall(f, self, ...))
  if r[1] then
    self:commit()
    return unpack(r, 2, r.n)
  end
  pcall(ll.crm_rollback, rawget(self, "_h"))
  error(r[2], 0)
end

-- cursors: iterator functions; the C cursor is freed at the end, by
-- cursor:close() (the fourth value of the iterator), with the database, or by __gc
local Cursor = {}
Cursor.__index = Cursor
function Cursor:close()
  local c = self.c
  if c ~= nil then
    self.c = nil
    self.db._cursors[self] = nil
    self.free(c)
  end
end
Cursor.__close = Cursor.close
Cursor.__gc = Cursor.close  -- the C cursor is not owned by its userdata (see outputs.i)
Cursor.__name = "crm.cursor"
function Cursor:__tostring()
  return "crm.cursor<" .. self.what .. (self.c == nil and " closed" or " open") .. ">"
end
-- c is the C cursor, next_fn the call giving its next record (nil at the
-- end), what the name of what it yields (for __tostring)
local function iterate(db, c, next_fn, free_fn, what)
  local cur = setmetatable({db = db, c = c, free = free_fn, what = what}, Cursor)
  finalize(cur, Cursor.close)
  db._cursors[cur] = true
  local function step()
    if cur.c == nil then return nil end
    local row = call(next_fn, cur.c)
    if row == nil then cur:close() return nil end
    return row
  end
  -- for x in db:customers() do ... end; the 4th value closes on break
  return step, nil, nil, cur
end

-- customers
-- A method that changes a record returns it as it is after the change.
function Database:create_customer(name, kind)
  return call(ll._customer_create, h(self), parse(KIND, kind, "kind", ll.CRM_CUSTOMER_PERSON),
              opt_str(name, "name"))
end
function Database:customer(id) return call(ll._customer_get, h(self), opt_str(id, "id")) end
function Database:rename_customer(id, name)
  return call(ll._customer_rename, h(self), id, name)
end
function Database:archive_customer(id) return call(ll._customer_archive, h(self), id) end
function Database:unarchive_customer(id) return call(ll._customer_unarchive, h(self), id) end
--- db:set_customer_owner(id, owner): who looks after the customer ("agent:alice",
--- "team:billing"), or nil for no one
function Database:set_customer_owner(id, owner)
  return call(ll._customer_set_owner, h(self), id, owner)
end

--- db:customers{kind=, tag=, name_prefix=, archived="exclude"|"include"|"only",
---              created_from=, created_to=, after=, limit=, order="created"|"name", owner=}
function Database:customers(f)
  f = opt_table(f, "filter")
  local c = call(ll.crm_swig_customer_list_open, h(self), parse(KIND, f.kind, "kind", 0),
                 opt_str(f.tag, "tag"), opt_str(f.name_prefix, "name_prefix"),
                 parse(ARCHIVED, f.archived, "archived", ll.CRM_ARCHIVED_EXCLUDE),
                 opt_time(f.created_from, "created_from"), opt_time(f.created_to, "created_to"),
                 opt_str(f.after, "after"), opt_int(f.limit, "limit"),
                 parse(ORDER, f.order, "order", ll.CRM_ORDER_CREATED), opt_str(f.owner, "owner"))
  return iterate(self, c, ll._customer_list_next, ll.crm_customer_cursor_free, "customer")
end
--- db:count_customers([{kind=, tag=, name_prefix=, archived=, created_from=, created_to=,
---                      owner=}]):
--- how many db:customers() lists with the same filter, paging aside
function Database:count_customers(f)
  f = opt_table(f, "filter")
  return call(ll.crm_swig_customer_count, h(self), parse(KIND, f.kind, "kind", 0),
              opt_str(f.tag, "tag"), opt_str(f.name_prefix, "name_prefix"),
              parse(ARCHIVED, f.archived, "archived", ll.CRM_ARCHIVED_EXCLUDE),
              opt_time(f.created_from, "created_from"), opt_time(f.created_to, "created_to"),
              opt_str(f.owner, "owner"))
end

-- attributes and tags
function Database:set_attr(id, key, value) call(ll.crm_attr_set, h(self), id, key, value) end
function Database:attr(id, key) return call(ll.crm_attr_get, h(self), id, key) end
function Database:unset_attr(id, key) call(ll.crm_attr_unset, h(self), id, key) end
--- db:verify(customer_id, key, answer): true when answer matches the customer's
--- attribute key (ASCII case and whitespace ignored), false when not; raises
--- crm.ESTATE while the customer is locked after too many wrong answers
function Database:verify(customer_id, key, answer)
  return call(ll.crm_customer_verify, h(self), customer_id, key, answer) == 1
end
--- db:attrs(id) -> {key = value, ...}: a customer's attributes
function Database:attrs(id)
  local t = {}
  for a in iterate(self, call(ll.crm_attr_list_open, h(self), id), ll._attr_list_next,
                   ll.crm_attr_cursor_free, "attr") do
    t[a.key] = a.value
  end
  return t
end
function Database:add_tag(id, tag) call(ll.crm_tag_add, h(self), id, tag) end
function Database:remove_tag(id, tag) call(ll.crm_tag_remove, h(self), id, tag) end
function Database:tags(id)
  local c = call(ll.crm_tag_list_open, h(self), id)
  return iterate(self, c, ll.crm_tag_cursor_next, ll.crm_tag_cursor_free, "tag")
end

-- identities
-- {primary=, verified=, shared=} as CRM_IDENTITY_* bits
local function identity_flags(o)
  o = opt_table(o, "options")
  return (opt_bool(o.primary, "primary", false) and ll.CRM_IDENTITY_PRIMARY or 0)
       + (opt_bool(o.verified, "verified", false) and ll.CRM_IDENTITY_VERIFIED or 0)
       + (opt_bool(o.shared, "shared", false) and ll.CRM_IDENTITY_SHARED or 0)
end

function Database:add_identity(customer_id, kind, value, o)
  return call(ll._identity_add, h(self), customer_id, kind, value, identity_flags(o))
end
function Database:lookup(kind, value) return call(ll._identity_lookup, h(self), kind, value) end
function Database:holders(kind, value)
  local c = call(ll.crm_customer_holders_open, h(self), kind, value)
  return iterate(self, c, ll._customer_list_next, ll.crm_customer_cursor_free, "customer")
end
function Database:identity(customer_id, kind, value)
  return call(ll._identity_get, h(self), customer_id, kind, value)
end
function Database:remove_identity(customer_id, kind, value)
  call(ll.crm_identity_remove, h(self), customer_id, kind, value)
end
--- db:resolve(text): the one customer text names (an id, a phone number, an
--- e-mail address, network:handle, an account or loyalty number)
function Database:resolve(text)
  return call(ll._customer_resolve, h(self), opt_str(text, "text"))
end
--- db:resolve_all(text): every customer text names, as an iterator
function Database:resolve_all(text)
  local c = call(ll.crm_customer_resolve_open, h(self), opt_str(text, "text"))
  return iterate(self, c, ll._customer_list_next, ll.crm_customer_cursor_free, "customer")
end
function Database:normalise(kind, value) return call(ll.crm_identity_normalise, h(self), kind, value) end
function Database:identities(customer_id)
  local c = call(ll.crm_identity_list_open, h(self), customer_id)
  return iterate(self, c, ll._identity_list_next, ll.crm_identity_cursor_free, "identity")
end

-- the journal
function Database:journal(since)
  local c = call(ll.crm_journal_entry_list_open, h(self), opt_int(since, "since"))
  return iterate(self, c, ll._journal_next, ll.crm_journal_entry_cursor_free, "journal_entry")
end
function Database:last_seq() return call(ll.crm_journal_last_seq, h(self)) end

-- interactions
--- db:log(customer_id, {channel=, direction="in", occurred_at=, handled_by=, reason=,
---        outcome=, public=, sentiment=, summary=, body=, reply_to=, external_ref=})
function Database:log(customer_id, s)
  s = opt_table(s, "interaction")
  local outcome = parse(OUTCOME, s.outcome, "outcome", ll.CRM_OUTCOME_NONE)
  local sentiment = s.sentiment == nil and ll.CRM_SENTIMENT_NONE or opt_int(s.sentiment, "sentiment")
  return call(ll._interaction_log, h(self), opt_str(customer_id, "customer_id"),
    opt_str(s.channel, "channel"),
    parse(DIRECTION, s.direction, "direction", ll.CRM_DIRECTION_IN),
    opt_time(s.occurred_at, "occurred_at"), opt_str(s.handled_by, "handled_by"),
    opt_str(s.reason, "reason"), outcome, opt_bool(s.public, "public", false) and 1 or 0,
    sentiment,
    opt_str(s.summary, "summary"), opt_str(s.body, "body"), opt_str(s.reply_to, "reply_to"),
    opt_str(s.external_ref, "external_ref"))
end
function Database:interaction(id) return call(ll._interaction_get, h(self), id) end

-- The timeline filter's fields after the customer's or the thread's id, in
-- crm_swig_timeline_open's order; channels by word (any channel's, the
-- business's own too), as a list.
local function timeline_filter(f)
  f = opt_table(f, "filter")
  return 0, opt_time(f.from, "from"), opt_time(f.to, "to"),
         opt_str(f.reason_prefix, "reason_prefix"),
         parse(DIRECTION, f.direction, "direction", 0),
         opt_bool(f.public_only, "public_only", false) and 1 or 0,
         bits(OUTCOME, f.outcomes, "outcomes"),
         opt_str(f.before, "before"), opt_int(f.limit, "limit"),
         word_list(f.channels, "channels")
end

--- db:timeline(customer_id [, {channels={"phone","whatsapp"}, from=, to=, reason_prefix=,
---             direction=, public_only=, outcomes={"resolved",...}, before=, limit=}])
function Database:timeline(customer_id, f)
  local c = call(ll.crm_swig_timeline_open, h(self), opt_str(customer_id, "customer_id"),
                 timeline_filter(f))
  return iterate(self, c, ll._timeline_next, ll.crm_interaction_cursor_free, "interaction")
end

-- promises
-- every step takes `at`, when it happened (ms; nil: now): an options field
-- where the step has an options table, else a last argument
--- db:promise(customer_id, what, due_at_ms, {owner=, interaction_id=, at=})
function Database:promise(customer_id, what, due_at, o)
  o = opt_table(o, "options")
  return call(ll._promise_make, h(self), opt_str(customer_id, "customer_id"),
              opt_str(o.interaction_id, "interaction_id"), opt_str(o.owner, "owner"),
              opt_str(what, "what"), opt_time(due_at, "due_at"), opt_time(o.at, "at"))
end
function Database:get_promise(id) return call(ll._promise_get, h(self), id) end
--- db:keep(id [, {interaction_id=, note=, at=}])
function Database:keep(id, o)
  o = opt_table(o, "options")
  return call(ll._promise_keep, h(self), id, opt_str(o.interaction_id, "interaction_id"),
              opt_str(o.note, "note"), opt_time(o.at, "at"))
end
--- db:break(id, why [, at]), db:release(id [, note [, at]]),
--- db:renegotiate(id, new_due_at, why [, customer_agreed [, at]])
Database["break"] = function(self, id, why, at)
  return call(ll._promise_break, h(self), id, why, opt_time(at, "at"))
end
Database.break_ = Database["break"]
function Database:release(id, note, at)
  return call(ll._promise_release, h(self), id, note, opt_time(at, "at"))
end
function Database:renegotiate(id, new_due_at, why, customer_agreed, at)
  return call(ll._promise_renegotiate, h(self), id, opt_time(new_due_at, "new_due_at"), why,
              opt_bool(customer_agreed, "customer_agreed", false) and 1 or 0, opt_time(at, "at"))
end

--- db:promises{customer_id=, owner=, states={"open",...}, due_before=, overdue_as_of=, after=, limit=}
function Database:promises(f)
  f = opt_table(f, "filter")
  local c = call(ll.crm_swig_promise_list_open, h(self), opt_str(f.customer_id, "customer_id"),
                 opt_str(f.owner, "owner"), bits(STATE, f.states, "states"),
                 opt_time(f.due_before, "due_before"),
                 opt_time(f.overdue_as_of, "overdue_as_of"), opt_str(f.after, "after"),
                 opt_int(f.limit, "limit"))
  return iterate(self, c, ll._promise_list_next, ll.crm_promise_cursor_free, "promise")
end

-- occasions

--- db:add_occasion(customer_id, kind, {month=, day=, year=, yearly=true, lead_days=0, note=})
function Database:add_occasion(customer_id, kind, o)
  o = opt_table(o, "occasion")
  return call(ll._occasion_add, h(self), opt_str(customer_id, "customer_id"),
              opt_str(kind, "kind"), opt_bool(o.yearly, "yearly", true) and 1 or 0,
              opt_int(o.year, "year"),
              opt_int(o.month, "month"), opt_int(o.day, "day"),
              opt_int(o.lead_days, "lead_days"), opt_str(o.note, "note"))
end
function Database:remove_occasion(id) call(ll.crm_occasion_remove, h(self), id) end
function Database:occasions(customer_id)
  local c = call(ll.crm_occasion_list_open, h(self), customer_id)
  return iterate(self, c, ll._occasion_list_next, ll.crm_occasion_cursor_free, "occasion")
end
--- db:upcoming([start [, days]]): the `days` calendar days (default 30) from
--- start, a date {year=, month=, day=} or "YYYY-MM-DD" where the caller is;
--- nil: today's date in UTC. libcrm checks that the date exists.
function Database:upcoming(start, days)
  local y, m, d = 0, 0, 0
  if type(start) == "string" then
    local ys, ms, ds = start:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
    if not ys then
      raise(ll.CRM_EINVAL, "start: " .. describe(start) .. " is not a date YYYY-MM-DD", 2)
    end
    y, m, d = tonumber(ys), tonumber(ms), tonumber(ds)
  elseif start ~= nil then
    start = opt_table(start, "start")
    for _, k in ipairs({"year", "month", "day"}) do
      if start[k] == nil then raise(ll.CRM_EINVAL, "start." .. k .. " is missing", 2) end
    end
    y, m, d = opt_int(start.year, "start.year"), opt_int(start.month, "start.month"),
              opt_int(start.day, "start.day")
  end
  local c = call(ll.crm_occasion_upcoming_open, h(self), y, m, d,
                 days == nil and 30 or opt_int(days, "days"))
  return iterate(self, c, ll._occasion_list_next, ll.crm_occasion_cursor_free, "occasion")
end

-- the agenda

--- db:agenda{owner=, as_of=, horizon=, kinds={"promise_overdue",...}, head_start_overdue=,
--- head_start_due=, head_start_contact=, head_start_occasion=, limit=}: times and
--- durations in ms; nil for libcrm's defaults (docs/agenda.md)
function Database:agenda(o)
  o = opt_table(o, "options")
  local function head(v, what, default)
    if v == nil then return default end
    return opt_int(v, what)
  end
  local c = call(ll.crm_swig_agenda_open, h(self), opt_str(o.owner, "owner"),
                 opt_time(o.as_of, "as_of"), opt_int(o.horizon, "horizon"),
                 bits(AGENDA_KIND, o.kinds, "kinds"),
                 head(o.head_start_overdue, "head_start_overdue", ll.CRM_AGENDA_HEAD_START_OVERDUE),
                 head(o.head_start_due, "head_start_due", ll.CRM_AGENDA_HEAD_START_DUE),
                 head(o.head_start_contact, "head_start_contact", ll.CRM_AGENDA_HEAD_START_CONTACT),
                 head(o.head_start_occasion, "head_start_occasion",
                      ll.CRM_AGENDA_HEAD_START_OCCASION),
                 opt_int(o.limit, "limit"))
  return iterate(self, c, ll._agenda_next, ll.crm_agenda_item_cursor_free, "agenda_item")
end

-- search

--- db:search(query, {kinds={"customer",...}, customer_id=, owner=, include_archived=false,
---           limit=0, offset=0, mark_before="[", mark_after="]"})
function Database:search(query, o)
  o = opt_table(o, "options")
  local c = call(ll.crm_swig_search_open, h(self), opt_str(query, "query"),
                 bits(SEARCH_KIND, o.kinds, "kinds"), opt_str(o.customer_id, "customer_id"),
                 opt_str(o.owner, "owner"),
                 opt_bool(o.include_archived, "include_archived", false) and 1 or 0,
                 opt_int(o.limit, "limit"), opt_int(o.offset, "offset"),
                 opt_str(o.mark_before, "mark_before"), opt_str(o.mark_after, "mark_after"))
  return iterate(self, c, ll._search_next, ll.crm_search_hit_cursor_free, "search hit")
end

-- deleting an interaction, and consent

--- db:delete_interaction(id): an interaction logged by mistake goes (docs/api.md)
function Database:delete_interaction(id) call(ll.crm_interaction_delete, h(self), id) end

record_mt("consent", function(r)
  return (r.granted and "grant " or "withdraw ") .. field(r.purpose) .. " " ..
         field(r.channel or "*") .. " " .. field(r.id) end)
local function consent_record(self, granted, customer_id, purpose, channel, o)
  o = opt_table(o, "options")
  return call(ll._consent_record, h(self), granted, opt_str(customer_id, "customer_id"),
              opt_str(purpose, "purpose"), opt_str(channel, "channel"), opt_time(o.at, "at"),
              opt_str(o.interaction_id, "interaction_id"), opt_str(o.note, "note"))
end
--- db:grant_consent(customer_id, purpose [, channel [, {at=, interaction_id=, note=}]]):
--- channel nil = every channel; the new consent event
function Database:grant_consent(customer_id, purpose, channel, o)
  return consent_record(self, 1, customer_id, purpose, channel, o)
end
--- db:withdraw_consent(customer_id, purpose [, channel [, options]]): as grant_consent
function Database:withdraw_consent(customer_id, purpose, channel, o)
  return consent_record(self, 0, customer_id, purpose, channel, o)
end
--- db:may_contact(customer_id, purpose [, channel]): true or false
function Database:may_contact(customer_id, purpose, channel)
  return call(ll.crm_consent_check, h(self), customer_id, purpose, channel) == 1
end
--- db:consent_decision(customer_id, purpose [, channel]): the deciding event, or nil
function Database:consent_decision(customer_id, purpose, channel)
  return call(ll._consent_latest, h(self), customer_id, purpose, channel)
end
--- db:consent_history(customer_id [, {purpose=, channel=}]): events, newest first
function Database:consent_history(customer_id, o)
  o = opt_table(o, "options")
  local c = call(ll.crm_consent_history_open, h(self), customer_id,
                 opt_str(o.purpose, "purpose"), opt_str(o.channel, "channel"))
  return iterate(self, c, ll._consent_history_next, ll.crm_consent_cursor_free, "consent")
end

-- memberships, identity flags, interaction updates, threads, promise history
function Database:add_member(org_id, person_id, role) call(ll.crm_member_add, h(self), org_id, person_id, role) end
function Database:remove_member(org_id, person_id) call(ll.crm_member_remove, h(self), org_id, person_id) end
function Database:members(id)
  local c = call(ll.crm_member_list_open, h(self), id)
  return iterate(self, c, ll._member_list_next, ll.crm_member_cursor_free, "member")
end
function Database:set_identity_flags(customer_id, kind, value, o)
  return call(ll._identity_set_flags, h(self), customer_id, kind, value, identity_flags(o))
end
function Database:interaction_by_ref(channel, ref)
  return call(ll._interaction_get_by_ref_named, h(self), opt_str(channel, "channel"),
              opt_str(ref, "external_ref"))
end
function Database:set_outcome(id, outcome)
  return call(ll._interaction_set_outcome, h(self), id,
              parse(OUTCOME, outcome, "outcome", ll.CRM_OUTCOME_NONE))
end
function Database:set_reason(id, reason)
  return call(ll._interaction_set_reason, h(self), id, reason)
end
function Database:set_summary(id, summary)
  return call(ll._interaction_set_summary, h(self), id, summary)
end
function Database:set_public(id, public)
  return call(ll._interaction_set_public, h(self), id,
              opt_bool(public, "public", false) and 1 or 0)
end
--- db:thread(interaction_id [, filter as db:timeline's; before= pages forwards])
function Database:thread(interaction_id, f)
  local c = call(ll.crm_swig_thread_open, h(self), interaction_id, timeline_filter(f))
  return iterate(self, c, ll._timeline_next, ll.crm_interaction_cursor_free, "interaction")
end
function Database:promise_history(id)
  local c = call(ll.crm_promise_event_list_open, h(self), id)
  return iterate(self, c, ll._promise_history_next, ll.crm_promise_event_cursor_free, "promise_event")
end

-- reports: db:report(name [, options]) iterates over the rows of a report,
-- each a table of its columns by name (a NULL absent, a TIME in ms)
local REPORTS = { reasons = true, repeats = true, fcr = true, handover = true,
                  keep_rate = true, channel_mix = true }
local PERIOD = names_of(ll.crm_report_period_parse)
--- db:report(name [, {from=, to=, channels={"phone",...}, owner=, depth=, repeat_days=,
---                    handover_minutes=, as_of=, period="day"|"week"|"month",
---                    by_channel=false}]): name is "reasons", "repeats", "fcr",
--- "handover", "keep_rate" or "channel_mix" (docs/reports.md)
function Database:report(name, o)
  if type(name) ~= "string" or not REPORTS[name] then
    raise(ll.CRM_EINVAL, "report: " .. describe(name) .. " is no report; use reasons, " ..
          "repeats, fcr, handover, keep_rate or channel_mix", 2)
  end
  o = opt_table(o, "options")
  local c = call(ll["crm_swig_report_" .. name .. "_open"], h(self), 0,
                 opt_time(o.from, "from"), opt_time(o.to, "to"), opt_str(o.owner, "owner"),
                 opt_int(o.depth, "depth"), opt_int(o.repeat_days, "repeat_days"),
                 opt_int(o.handover_minutes, "handover_minutes"), opt_time(o.as_of, "as_of"),
                 parse(PERIOD, o.period, "period", ll.CRM_REPORT_PERIOD_DAY),
                 opt_bool(o.by_channel, "by_channel", false) and 1 or 0,
                 word_list(o.channels, "channels"))
  return iterate(self, c, ll._report_next, ll.crm_report_cursor_free, "report row")
end

-- a customer's own data (docs/privacy.md)
--- db:export_customer(id): the JSON text of docs/export-format.md (Lua has no JSON of
--- its own: decode it with the library of your choice)
function Database:export_customer(id) return call(ll.crm_customer_export, h(self), id) end
function Database:erase_customer(id) call(ll.crm_customer_erase, h(self), id) end
function Database:purge() call(ll.crm_db_purge, h(self)) end
--- db:erase_inactive(before [, {dry_run=false}]): how many customers were (would be) erased
function Database:erase_inactive(before, o)
  o = opt_table(o, "options")
  return call(ll.crm_swig_customer_erase_inactive, h(self), opt_time(before, "before"),
              opt_bool(o.dry_run, "dry_run", false) and 1 or 0)
end
--- db:drop_journal(before [, {dry_run=false}]): how many entries were (would be) dropped
function Database:drop_journal(before, o)
  o = opt_table(o, "options")
  return call(ll.crm_swig_journal_drop, h(self), opt_time(before, "before"),
              opt_bool(o.dry_run, "dry_run", false) and 1 or 0)
end

-- duplicates, merge and unmerge (docs/merge.md)
local duplicate_mt = record_mt("duplicate", function(r)
  return field(r.customer_name) .. " / " .. field(r.other_name) .. " " .. field(r.score) end)
--- d:reason_names(): the pair's reasons as libcrm's words, smallest bit first
--- ({"name", "email_domain"}), for Luas without bit operators
function duplicate_mt.reason_names(d)
  local names, rest, bit = {}, d.reasons, 1
  while rest > 0 do
    if rest % 2 == 1 then names[#names + 1] = ll.crm_duplicate_reason_name(bit) end
    rest, bit = math.floor(rest / 2), bit * 2
  end
  return names
end
--- db:duplicates([{customer_id=, attribute_keys={"date_of_birth",...}, min_score=50,
---                 archived="exclude"|"include"|"only", limit=}]): pairs of customers that
--- may be one, best score first; reasons as bits (crm_duplicate_reason_t)
function Database:duplicates(o)
  o = opt_table(o, "options")
  local min_score = o.min_score
  if min_score == nil then min_score = ll.CRM_DUPLICATE_MIN_SCORE end
  local c = call(ll.crm_swig_duplicates_open, h(self), opt_str(o.customer_id, "customer_id"),
                 opt_int(min_score, "min_score"),
                 parse(ARCHIVED, o.archived, "archived", ll.CRM_ARCHIVED_EXCLUDE),
                 opt_int(o.limit, "limit"), word_list(o.attribute_keys, "attribute_keys"))
  return iterate(self, c, ll._duplicate_next, ll.crm_duplicate_cursor_free, "duplicate")
end
--- db:merge(keep_id, absorb_id): absorb_id's customer merged into keep_id's; the survivor
function Database:merge(keep_id, absorb_id)
  return call(ll._customer_merge, h(self), opt_str(keep_id, "keep_id"),
              opt_str(absorb_id, "absorb_id"))
end
--- db:unmerge(absorbed_id): the merge undone while nothing changed since; the customer back
function Database:unmerge(absorbed_id)
  return call(ll._customer_unmerge, h(self), opt_str(absorbed_id, "absorbed_id"))
end

-- import and export (docs/import-export.md)
local function import(self, fmt, path, o, mapping)
  local text = opt_str(o.text, "text")
  if (path == nil) == (text == nil) then
    raise(ll.CRM_EINVAL, "give either a path or options.text", 3)
  end
  local on_error, report = o.on_error or "stop", nil
  if type(on_error) == "function" then on_error, report = "skip", on_error end
  if on_error ~= "stop" and on_error ~= "skip" then
    raise(ll.CRM_EINVAL, "on_error: " .. describe(on_error) ..
          " is not \"stop\", \"skip\" or a function", 3)
  end
  local kind = 0
  if o.kind ~= nil then kind = call(ll.crm_customer_kind_parse, opt_str(o.kind, "kind")) end
  local r = call(ll.crm_swig_import, h(self), fmt, opt_str(path, "path"), text, mapping,
                 on_error == "skip" and 1 or 0, kind)
  local errors = {}
  for i = 0, ll.crm_import_result_error_count(r) - 1 do
    errors[#errors + 1] = { line = ll.crm_swig_import_error_line(r, i),
                            column = ll.crm_swig_import_error_column(r, i),
                            code = ll.crm_errname(ll.crm_swig_import_error_code(r, i)),
                            message = ll.crm_swig_import_error_message(r, i) }
  end
  local result = { created = ll.crm_import_result_created(r),
                   updated = ll.crm_import_result_updated(r),
                   unchanged = ll.crm_import_result_unchanged(r),
                   skipped = ll.crm_import_result_skipped(r),
                   records = ll.crm_import_result_records(r), errors = errors }
  if report then
    for _, e in ipairs(errors) do report(e) end
  end
  return result
end

--- db:import_csv(path [, {text=, mapping={["E-Mail"]="email",...}, on_error="stop"|"skip"|
---                        function(err), kind="person"|"organisation"}]): a table of
--- counts (created, updated, unchanged, skipped, records) and errors, each
--- {line=, column=, code="EINVAL", message=}; path nil with options.text to read a string
function Database:import_csv(path, o)
  o = opt_table(o, "options")
  local mapping
  if o.mapping ~= nil then
    if type(o.mapping) ~= "table" then
      raise(ll.CRM_EINVAL, "mapping: expected a table of column = target", 2)
    end
    local lines = {}
    for column, target in pairs(o.mapping) do
      if type(column) ~= "string" or type(target) ~= "string" or column:find("\n", 1, true)
         or target:find("\n", 1, true) then
        raise(ll.CRM_EINVAL, "mapping: columns and targets are strings without line breaks", 2)
      end
      lines[#lines + 1] = column .. "=" .. target
    end
    mapping = table.concat(lines, "\n")
  end
  return import(self, 0, path, o, mapping)
end
--- db:import_vcard(path [, {text=, on_error=, kind=}]): as db:import_csv
function Database:import_vcard(path, o) return import(self, 1, path, opt_table(o, "options")) end
--- db:import_jsonl(path [, {text=}]): into a database that holds no customer, or
--- again into the one it was imported into; ids and times kept
function Database:import_jsonl(path, o)
  o = opt_table(o, "options")
  if o.on_error ~= nil and o.on_error ~= "stop" then
    raise(ll.CRM_EINVAL, "on_error: a JSON Lines import always stops at a bad line", 2)
  end
  return import(self, 2, path, o)
end
--- db:export_csv([path]): into the file at path, or returned as a string
function Database:export_csv(path)
  if path == nil then return call(ll.crm_csv_export_mem, h(self)) end
  call(ll.crm_csv_export, h(self), opt_str(path, "path"))
end
function Database:export_vcard(path)
  if path == nil then return call(ll.crm_vcard_export_mem, h(self)) end
  call(ll.crm_vcard_export, h(self), opt_str(path, "path"))
end
function Database:export_jsonl(path)
  if path == nil then return call(ll.crm_jsonl_export_mem, h(self)) end
  call(ll.crm_jsonl_export, h(self), opt_str(path, "path"))
end

return crm
%}
