-- Arguments libcrm must never see, as classes rather than cases: text with a
-- NUL byte (C reads a string only up to its first NUL, so "a@x.com\0@corp"
-- would be taken as "a@x.com"), a number where text is wanted, and an
-- integer that is not a Lua integer or does not fit its C parameter (a cast
-- would truncate or wrap it: limit = 2^32 became "no limit"). Every method
-- and every generated ll.crm_* call refuses each with crm.EINVAL, and the
-- database is as it was.
--
-- Randomised (where the NUL goes, which numbers): the seed is printed, and
-- CRM_TEST_SEED=<n> repeats a run.
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local SEED = tonumber(os.getenv("CRM_TEST_SEED") or "") or 20260311
print("test_args: seed " .. SEED .. " (CRM_TEST_SEED to repeat)")
math.randomseed(SEED)

local ROOT = os.getenv("CRM_SOURCE_DIR") or "../.."

-- What differs between the Luas. 5.3 and 5.4 tell integers from floats:
-- 1.0 and 2^53 are floats there, refused where an integer is wanted. 5.1,
-- 5.2 and LuaJIT have numbers only: an integer is a number without fraction
-- in int64_t's range (-2^63 up to the largest double below 2^63).
local HAS_INTEGERS = math.type ~= nil
local math_type = math.type or function(v)
  if type(v) ~= "number" then return nil end
  return (v == math.floor(v) and v >= -2^63 and v < 2^63) and "integer" or "float"
end
local MININT = math.mininteger or -2^63
local MAXINT = math.maxinteger or (2^63 - 1024)
local unpack = table.unpack or unpack
-- 2^n as an integer (2^n is a float in 5.3 and 5.4)
local function pow2(n)
  local b = 1
  for _ = 1, n do b = b * 2 end
  return b
end
-- a random integer in [lo, hi] (5.1's math.random takes C ints only)
local function rand_between(lo, hi)
  if HAS_INTEGERS then return math.random(lo, hi) end
  return lo + math.floor(math.random() * (hi - lo))
end
-- the first n items of list, copied
local function copy(list, n)
  local t = {}
  for i = 1, n do t[i] = list[i] end
  return t
end
local TMP = os.getenv("TMPDIR") or "/tmp"
local BASE = 1767268800000  -- 2026-01-01T12:00Z
local DAY = 86400000

local function read(p)
  local f = assert(io.open(p, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

-- the value shown in a failure message (%q makes a NUL visible)
local function show(v)
  return type(v) == "string" and string.format("%q", v) or tostring(v)
end

-- f(...) must raise the EINVAL error table (not another code, not a Lua
-- error of another kind, not succeed); returns it
local function einval(what, f, ...)
  local ok, e = pcall(f, ...)
  if ok then
    -- an iterator or record came back: close a cursor so a failure leaks nothing
    local cur = select(4, e)
    if type(cur) == "table" and cur.close then cur:close() end
    lu.fail(what .. ": accepted")
  end
  lu.assertEquals(type(e), "table", what .. ": raised " .. tostring(e))
  lu.assertEquals(getmetatable(e), crm.error_mt, what)
  lu.assertEquals(e.code, crm.EINVAL, what .. ": raised " .. tostring(e))
  return e
end

-- s with a NUL byte inserted at a random place (before its first byte up to
-- after its last), sometimes a second one further on; at_end: the whole of
-- s, a NUL, then more (the allow-list bypass: the prefix is valid by itself)
local function with_nul(s, at_end)
  local p = at_end and #s or math.random(0, #s)
  local r = s:sub(1, p) .. "\0" .. (at_end and "@corp.example" or "") .. s:sub(p + 1)
  if math.random(4) == 1 then
    local q = math.random(p + 2, #r + 1)
    r = r:sub(1, q - 1) .. "\0" .. r:sub(q)
  end
  return r
end

-- a number where text is wanted: Lua would make it a string
local function a_number()
  return math.random(2) == 1 and math.random(-1000, 100000) or math.random() * 1e6
end

-- what must not change: the journal (every write adds to it) and the customers
local function state(db)
  local n = 0
  for _ in db:customers{archived = "include"} do n = n + 1 end
  return {seq = db:last_seq(), customers = n, actor = db:actor()}
end

-- a database with one of everything the cases below name
local function fixture()
  local db = crm.open(":memory:", {actor = "agent:test", default_country = "US"})
  local fx = {}
  fx.ann = db:create_customer("Ann").id
  fx.bob = db:create_customer("Bob").id
  fx.org = db:create_customer("Acme", "organisation").id
  fx.old = db:create_customer("Old").id
  db:archive_customer(fx.old)
  db:set_attr(fx.ann, "plan", "gold")
  db:add_tag(fx.ann, "vip")
  db:add_member(fx.org, fx.ann, "billing")
  db:add_identity(fx.ann, "phone", "+14155550100")
  db:add_identity(fx.ann, "email", "ann@example.com")
  fx.it = db:log(fx.ann, {channel = "email", external_ref = "m1", occurred_at = BASE}).id
  fx.p = db:promise(fx.ann, "Call back", BASE + DAY, {owner = "agent:a", at = BASE}).id
  fx.o = db:add_occasion(fx.ann, "birthday", {month = 3, day = 4}).id
  return db, fx
end

-- Every method (and crm.open) that takes text: the text arguments, valid
-- as given, and the call that uses them.
local function text_cases(fx)
  return {
    {"open", {":memory:", "agent:x", "US", "normal"}, function(_, a)
      local db = crm.open(a[1], {actor = a[2], default_country = a[3], durability = a[4]})
      db:close()
    end},
    {"set_actor", {"agent:x"}, function(db, a) db:set_actor(a[1]) end},
    {"create_customer", {"Mallory", "person"}, function(db, a) return db:create_customer(a[1], a[2]) end},
    {"customer", {fx.ann}, function(db, a) return db:customer(a[1]) end},
    {"rename_customer", {fx.ann, "Ann B"}, function(db, a) db:rename_customer(a[1], a[2]) end},
    {"archive_customer", {fx.ann}, function(db, a) db:archive_customer(a[1]) end},
    {"unarchive_customer", {fx.old}, function(db, a) db:unarchive_customer(a[1]) end},
    {"set_customer_owner", {fx.ann, "team:billing"}, function(db, a)
      return db:set_customer_owner(a[1], a[2])
    end},
    {"customers", {"person", "vip", "A", "include", "name", fx.bob, "agent:a"}, function(db, a)
      return db:customers{kind = a[1], tag = a[2], name_prefix = a[3], archived = a[4],
                          order = a[5], after = a[6], owner = a[7]}
    end},
    {"set_attr", {fx.ann, "plan", "platinum"}, function(db, a) db:set_attr(a[1], a[2], a[3]) end},
    {"attr", {fx.ann, "plan"}, function(db, a) return db:attr(a[1], a[2]) end},
    {"unset_attr", {fx.ann, "plan"}, function(db, a) db:unset_attr(a[1], a[2]) end},
    {"add_tag", {fx.ann, "beta"}, function(db, a) db:add_tag(a[1], a[2]) end},
    {"remove_tag", {fx.ann, "vip"}, function(db, a) db:remove_tag(a[1], a[2]) end},
    {"tags", {fx.ann}, function(db, a) return db:tags(a[1]) end},
    {"add_member", {fx.org, fx.bob, "owner"}, function(db, a) db:add_member(a[1], a[2], a[3]) end},
    {"remove_member", {fx.org, fx.ann}, function(db, a) db:remove_member(a[1], a[2]) end},
    {"members", {fx.org}, function(db, a) return db:members(a[1]) end},
    {"add_identity", {fx.bob, "email", "victim@gmail.com"}, function(db, a)
      return db:add_identity(a[1], a[2], a[3], {verified = true})
    end},
    {"set_identity_flags", {fx.ann, "phone", "+14155550100"}, function(db, a)
      db:set_identity_flags(a[1], a[2], a[3], {verified = true, shared = true})
    end},
    {"lookup", {"phone", "+14155550100"}, function(db, a) return db:lookup(a[1], a[2]) end},
    {"holders", {"phone", "+14155550100"}, function(db, a) return db:holders(a[1], a[2]) end},
    {"identity", {fx.ann, "email", "ann@example.com"}, function(db, a)
      return db:identity(a[1], a[2], a[3])
    end},
    {"remove_identity", {fx.ann, "email", "ann@example.com"}, function(db, a)
      db:remove_identity(a[1], a[2], a[3])
    end},
    {"resolve", {"ann@example.com"}, function(db, a) return db:resolve(a[1]) end},
    {"resolve_all", {"+14155550100"}, function(db, a) return db:resolve_all(a[1]) end},
    {"normalise", {"email", "Ann@Example.com"}, function(db, a) return db:normalise(a[1], a[2]) end},
    {"identities", {fx.ann}, function(db, a) return db:identities(a[1]) end},
    {"log", {fx.ann, "email", "out", "agent:a", "billing.refund", "resolved", "Refund", "Sent",
             fx.it, "m2"}, function(db, a)
      return db:log(a[1], {channel = a[2], direction = a[3], handled_by = a[4], reason = a[5],
                           outcome = a[6], summary = a[7], body = a[8], reply_to = a[9],
                           external_ref = a[10], occurred_at = BASE + 1})
    end},
    {"interaction", {fx.it}, function(db, a) return db:interaction(a[1]) end},
    {"interaction_by_ref", {"email", "m1"}, function(db, a) return db:interaction_by_ref(a[1], a[2]) end},
    {"set_outcome", {fx.it, "resolved"}, function(db, a) db:set_outcome(a[1], a[2]) end},
    {"set_reason", {fx.it, "billing"}, function(db, a) db:set_reason(a[1], a[2]) end},
    {"set_summary", {fx.it, "Summary"}, function(db, a) db:set_summary(a[1], a[2]) end},
    {"timeline", {fx.ann, "email", "", "in"}, function(db, a)
      return db:timeline(a[1], {channels = {a[2]}, reason_prefix = a[3], direction = a[4]})
    end},
    {"timeline before", {fx.ann, fx.it}, function(db, a) return db:timeline(a[1], {before = a[2]}) end},
    {"thread", {fx.it, "email", "", "in"}, function(db, a)
      return db:thread(a[1], {channels = {a[2]}, reason_prefix = a[3], direction = a[4]})
    end},
    {"thread before", {fx.it, fx.it}, function(db, a) return db:thread(a[1], {before = a[2]}) end},
    {"set_public", {fx.it}, function(db, a) db:set_public(a[1], true) end},
    {"count_customers", {"person", "vip", "A", "include", "agent:a"}, function(db, a)
      return db:count_customers{kind = a[1], tag = a[2], name_prefix = a[3], archived = a[4],
                                owner = a[5]}
    end},
    {"promise", {fx.ann, "Brochure", "agent:b", fx.it}, function(db, a)
      return db:promise(a[1], a[2], BASE, {owner = a[3], interaction_id = a[4], at = BASE})
    end},
    {"get_promise", {fx.p}, function(db, a) return db:get_promise(a[1]) end},
    {"keep", {fx.p, fx.it, "done"}, function(db, a) db:keep(a[1], {interaction_id = a[2], note = a[3]}) end},
    {"break", {fx.p, "out of stock"}, function(db, a) db:break_(a[1], a[2]) end},
    {"release", {fx.p, "cancelled"}, function(db, a) db:release(a[1], a[2]) end},
    {"renegotiate", {fx.p, "asked"}, function(db, a)
      db:renegotiate(a[1], BASE + 2 * DAY, a[2], true, BASE + DAY)
    end},
    {"promises", {fx.ann, "agent:a", "open"}, function(db, a)
      return db:promises{customer_id = a[1], owner = a[2], states = {a[3]}}
    end},
    {"promises after", {fx.p}, function(db, a) return db:promises{after = a[1]} end},
    {"promise_history", {fx.p}, function(db, a) return db:promise_history(a[1]) end},
    {"add_occasion", {fx.ann, "anniversary", "flowers"}, function(db, a)
      return db:add_occasion(a[1], a[2], {month = 5, day = 6, note = a[3]})
    end},
    {"remove_occasion", {fx.o}, function(db, a) db:remove_occasion(a[1]) end},
    {"occasions", {fx.ann}, function(db, a) return db:occasions(a[1]) end},
  }
end

local function replaced(list, i, v)
  local t = copy(list, #list)
  t[i] = v
  return t
end

local NUL_TRIES = 4  -- per argument: the NUL after the whole value, then random places

TestText = {}

-- each case as given succeeds, so what makes a changed one fail is the
-- change (each in a database of its own: some undo what another needs)
function TestText:test_cases_are_valid()
  local db, fx = fixture()
  local n = #text_cases(fx)
  db:close()
  for i = 1, n do
    db, fx = fixture()
    local case = text_cases(fx)[i]
    local ok, e = pcall(case[3], db, case[2])
    lu.assertTrue(ok, case[1] .. ": " .. tostring(e))
    db:close()
  end
end

function TestText:test_nul_refused()
  local db, fx = fixture()
  local before = state(db)
  local n = 0
  for _, case in ipairs(text_cases(fx)) do
    for i, v in ipairs(case[2]) do
      for try = 1, NUL_TRIES do
        local bad = with_nul(v, try == 1)
        local what = string.format("%s argument %d = %s", case[1], i, show(bad))
        einval(what, case[3], db, replaced(case[2], i, bad))
        lu.assertEquals(state(db), before, what .. ": the database changed")
        n = n + 1
      end
    end
  end
  lu.assertTrue(n > 300, "only " .. n .. " calls")
  db:close()
end

function TestText:test_number_refused()
  local db, fx = fixture()
  local before = state(db)
  for _, case in ipairs(text_cases(fx)) do
    for i in ipairs(case[2]) do
      for _, bad in ipairs({a_number(), a_number(), true, {}}) do
        local what = string.format("%s argument %d = %s", case[1], i, show(bad))
        einval(what, case[3], db, replaced(case[2], i, bad))
        lu.assertEquals(state(db), before, what .. ": the database changed")
      end
    end
  end
  db:close()
end

function TestText:test_examples()
  local db, fx = fixture()
  local before = state(db)
  local e = einval("name", db.create_customer, db, "Mallory\0Admin")
  lu.assertStrContains(e.message, "name")
  lu.assertStrContains(e.message, "NUL")
  einval("value", db.add_identity, db, fx.bob, "email", "victim@gmail.com\0@corp.example")
  einval("value", db.lookup, db, "phone", "+14155550100\0anything")
  lu.assertEquals(state(db), before)
  -- the file before the NUL is not opened (nor created)
  local p = TMP .. "/lua-args-" .. SEED .. ".db"
  os.remove(p)
  lu.assertStrContains(einval("path", crm.open, p .. "\0/etc/passwd").message, "path")
  lu.assertNil(io.open(p, "r"))
  db:close()
end

-- Integers. kind: "int", "uint" (C int, unsigned int: range-checked),
-- "seq" (int64_t, -1 illegal), "time" (int64_t ms: only the type is
-- checked here; which times are valid is libcrm's), and the extra values
-- a parameter refuses although its C type could hold them.
local function int_cases(fx)
  return {
    {"customers limit", "uint", function(db, v) return db:customers{limit = v} end},
    {"customers created_from", "time", function(db, v) return db:customers{created_from = v} end},
    {"customers created_to", "time", function(db, v) return db:customers{created_to = v} end},
    {"timeline limit", "uint", function(db, v) return db:timeline(fx.ann, {limit = v}) end},
    {"timeline from", "time", function(db, v) return db:timeline(fx.ann, {from = v}) end},
    {"timeline to", "time", function(db, v) return db:timeline(fx.ann, {to = v}) end},
    {"promises limit", "uint", function(db, v) return db:promises{limit = v} end},
    {"promises due_before", "time", function(db, v) return db:promises{due_before = v} end},
    {"promises overdue_as_of", "time", function(db, v) return db:promises{overdue_as_of = v} end},
    {"journal since", "seq", function(db, v) return db:journal(v) end, {-1}},
    {"log occurred_at", "time", function(db, v)
      return db:log(fx.ann, {channel = "phone", occurred_at = v})
    end},
    {"log sentiment", "int", function(db, v)
      return db:log(fx.ann, {channel = "phone", occurred_at = BASE, sentiment = v})
    end, {-3, 3}},
    {"promise due_at", "time", function(db, v) return db:promise(fx.ann, "x", v, {owner = "a"}) end},
    {"renegotiate new_due_at", "time", function(db, v) db:renegotiate(fx.p, v, "why") end},
    {"add_occasion year", "int", function(db, v)
      return db:add_occasion(fx.ann, "k", {month = 1, day = 2, year = v})
    end, {-1}},
    {"add_occasion month", "int", function(db, v)
      return db:add_occasion(fx.ann, "k", {month = v, day = 2})
    end, {-1, 0, 13}},
    {"add_occasion day", "int", function(db, v)
      return db:add_occasion(fx.ann, "k", {month = 1, day = v})
    end, {-1, 0, 32}},
    {"add_occasion lead_days", "int", function(db, v)
      return db:add_occasion(fx.ann, "k", {month = 1, day = 2, lead_days = v})
    end, {-1}},
    {"promise at", "time", function(db, v) return db:promise(fx.ann, "x", BASE, {owner = "a", at = v}) end},
    {"keep at", "time", function(db, v) db:keep(fx.p, {at = v}) end},
    {"break at", "time", function(db, v) db:break_(fx.p, "why", v) end},
    {"release at", "time", function(db, v) db:release(fx.p, nil, v) end},
    {"renegotiate at", "time", function(db, v) db:renegotiate(fx.p, BASE, "why", false, v) end},
    {"upcoming days", "int", function(db, v) return db:upcoming("2026-01-01", v) end, {0, -1, 3654}},
    {"upcoming start.year", "int", function(db, v)
      return db:upcoming({year = v, month = 1, day = 1}, 1)
    end, {0, -1, 10000}},
    {"upcoming start.month", "int", function(db, v)
      return db:upcoming({year = 2026, month = v, day = 1}, 1)
    end, {0, 13}},
    {"upcoming start.day", "int", function(db, v)
      return db:upcoming({year = 2026, month = 2, day = v}, 1)
    end, {0, 29, 32}},
  }
end

-- not integers at all, for every kind
local function not_integers()
  local t = {2^63, math.huge, -math.huge, 0.5, -0.5, 0 / 0, "5", true, {},
             math.floor(math.random() * 2^40) + 0.5, -(1 + math.random()) * 2^64}
  if HAS_INTEGERS then  -- floats there, however whole
    t[#t + 1], t[#t + 2], t[#t + 3] = 2^53, -2^63, 1.0
  end
  return t
end

-- integers out of the C type's range
local RANGE = {
  int = {-pow2(31) - 1, pow2(31), MININT, MAXINT},
  uint = {-1, pow2(32), MININT, MAXINT},
}
local function out_of_range(kind)
  local t = copy(RANGE[kind] or {}, #(RANGE[kind] or {}))
  if kind == "int" then
    t[#t + 1] = rand_between(pow2(31), MAXINT)
    t[#t + 1] = -rand_between(pow2(31) + 1, MAXINT)
  elseif kind == "uint" then
    t[#t + 1] = rand_between(pow2(32), MAXINT)
    t[#t + 1] = -rand_between(1, MAXINT)
  end
  return t
end

TestIntegers = {}

function TestIntegers:test_refused()
  local db, fx = fixture()
  local before = state(db)
  for _, case in ipairs(int_cases(fx)) do
    local values = not_integers()
    for _, v in ipairs(out_of_range(case[2])) do values[#values + 1] = v end
    for _, v in ipairs(case[4] or {}) do values[#values + 1] = v end
    for _, v in ipairs(values) do
      local what = string.format("%s = %s (%s)", case[1], show(v), math_type(v) or type(v))
      einval(what, case[3], db, v)
      lu.assertEquals(state(db), before, what .. ": the database changed")
    end
  end
  db:close()
end

-- the edges of a range are taken
function TestIntegers:test_range_edges_taken()
  local db, fx = fixture()
  local n = 0
  for _ in db:customers{limit = pow2(32) - 1} do n = n + 1 end
  lu.assertEquals(n, 3)
  db:add_occasion(fx.ann, "k", {month = 1, day = 2, year = 0, lead_days = 0})
  db:log(fx.ann, {channel = "phone", occurred_at = BASE, sentiment = -2})
  db:close()
end

-- busy_timeout is seconds (a float is fine), from 0 to what fits a C int of
-- ms; the binding refuses the rest itself, rather than cast it to an int
-- (1e300 became INT_MIN ms, which libcrm refused as "negative")
function TestIntegers:test_busy_timeout()
  for _, v in ipairs({0, 0.5, 5, 2147483.647}) do crm.open(":memory:", {busy_timeout = v}):close() end
  for _, v in ipairs({-1, -0.001, 2^53, -2^63, 1e300, math.huge, -math.huge, 0 / 0, 2147483.648,
                      4294967.296, pow2(31), MAXINT, "5", true, {}}) do
    local what = "busy_timeout = " .. show(v)
    local e = einval(what, crm.open, ":memory:", {busy_timeout = v})
    lu.assertEquals(e.message:sub(1, 14), "busy_timeout: ", what .. ": " .. e.message)
  end
end

-- the flags are booleans: 0 or "no" would otherwise read as true
function TestIntegers:test_flags_are_booleans()
  local db, fx = fixture()
  local before = state(db)
  for _, v in ipairs({0, 1, "no", "false", {}}) do
    einval("create", crm.open, ":memory:", {create = v})
    einval("readonly", crm.open, ":memory:", {readonly = v})
    einval("primary", db.add_identity, db, fx.bob, "email", "b@example.com", {primary = v})
    einval("verified", db.set_identity_flags, db, fx.ann, "email", "ann@example.com", {verified = v})
    einval("shared", db.set_identity_flags, db, fx.ann, "email", "ann@example.com", {shared = v})
    einval("set_public", db.set_public, db, fx.it, v)
    einval("public", db.log, db, fx.ann, {channel = "phone", occurred_at = BASE, public = v})
    einval("public_only", db.timeline, db, fx.ann, {public_only = v})
    einval("customer_agreed", db.renegotiate, db, fx.p, BASE, "why", v)
    einval("yearly", db.add_occasion, db, fx.ann, "k", {month = 1, day = 2, year = 2030, yearly = v})
    lu.assertEquals(state(db), before, show(v))
  end
  -- and the option tables are tables
  for _, v in ipairs({"x", 1, true}) do
    einval("options", crm.open, ":memory:", v)
    einval("filter", db.customers, db, v)
    einval("channels", db.timeline, db, fx.ann, {channels = v})
    einval("states", db.promises, db, {states = v})
    einval("interaction", db.log, db, fx.ann, v)
  end
  db:close()
end

-- The generated calls (ll.crm_*, and the methods' crm._* fast paths and
-- ll.crm_swig_* glue), from their C declarations: every text parameter
-- with a NUL or a number, every integer parameter with non-integers and
-- integers out of its C type's range. The other parameters are given valid
-- values (the database handle; nil for records), so the only thing wrong
-- is the one argument.
local function declarations()
  local decls = {}
  local function add(name, params)
    local list = {}
    for p in params:sub(2, -2):gmatch("[^,]+") do
      p = p:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
      if p ~= "void" then
        local ty, pname = p:match("^(.-)%s*([%w_]+)$")
        list[#list + 1] = {type = ty, name = pname}
      end
    end
    decls[#decls + 1] = {name = name, params = list}
  end
  for hdr in read(ROOT .. "/include/crm.h"):gmatch('#include "(crm/[%w_]+%.h)"') do
    for name, params in read(ROOT .. "/include/" .. hdr):gmatch("CRM_EXTERN%b()%s*%**%s*(crm_[%w_]+)%s*(%b())") do
      add(name, params)
    end
  end
  local iface = read(ROOT .. "/bindings/crm.i")
  for name, params in iface:gmatch("\nint (crm_swig_[%w_]+)(%b())\n{") do add(name, params) end
  for name, params in iface:gmatch("CRM_ROW_CALL%(([%w_]+),%s*(%b())") do add("_" .. name, params) end
  for name, params in iface:gmatch("CRM_ROW_CHANGE%(([%w_]+),%s*(%b())") do add("_" .. name, params) end
  return decls
end

-- what a parameter is from Lua: nil when it takes no argument (an out-parameter)
local function kind_of(p)
  local stars = select(2, p.type:gsub("%*", ""))
  if p.name == "out" or p.name == "row" or (p.name == "tag" and stars == 2) then return nil end
  if stars > 0 then
    if p.type:match("char") and stars == 2 then return "words" end
    if p.type:match("char") then return "text" end
    if p.type:match("crm_db") then return "db" end
    return "record"
  end
  if p.type == "unsigned int" then return "uint" end
  if p.type == "int" or p.type:match("^crm_[%w_]+$") then return "int" end  -- int or an enum
  if p.type == "int64_t" then return "int64" end
  error("no kind for parameter " .. p.type .. " " .. p.name)
end

TestGenerated = {}
function TestGenerated:test_every_text_and_integer_parameter()
  local db = fixture()
  local before = state(db)
  local handle = db._h
  local called, texts, ints = {}, 0, 0
  for _, d in ipairs(declarations()) do
    local f = ll[d.name]
    if type(f) == "function" then
      local args, kinds = {}, {}
      for _, p in ipairs(d.params) do
        local k = kind_of(p)
        if k then
          kinds[#kinds + 1] = {kind = k, name = p.name}
          args[#kinds] = ({text = p.name == "path" and ":memory:" or "x", db = handle,
                           int = 0, uint = 0, int64 = 0, words = {"x"}})[k]
        end
      end
      for i, k in ipairs(kinds) do
        local bads = {}
        if k.kind == "text" then
          bads = {with_nul(args[i], true), with_nul(args[i]), a_number()}
        elseif k.kind == "words" then
          bads = {{with_nul("x", true)}, {"x", with_nul("x")}, {a_number()}, "x", a_number()}
        elseif k.kind == "int" or k.kind == "uint" or k.kind == "int64" then
          bads = {0.5, 0 / 0, math.huge, "5", 2^63}
          if HAS_INTEGERS then bads[#bads + 1] = 2^53 end
          for _, v in ipairs(out_of_range(k.kind)) do bads[#bads + 1] = v end
        end
        for _, bad in ipairs(bads) do
          local what = string.format("crm.%s argument %d (%s) = %s", d.name, i, k.name, show(bad))
          local call_args = copy(args, #kinds)
          call_args[i] = bad
          local e = einval(what, f, unpack(call_args, 1, #kinds))
          -- a list's items are named by their place: channels[2]: ...
          lu.assertStrContains(e.message, k.name .. (type(bad) == "table" and "[" or ":"), false,
                               what)
          local text = type(bad) == "table" and bad[#bad] or bad
          if type(text) == "string" and text:find("\0", 1, true) then
            lu.assertStrContains(e.message, "NUL", false, what)
          end
          lu.assertEquals(state(db), before, what .. ": the database changed")
          called[d.name] = true
          if k.kind == "text" or k.kind == "words" then texts = texts + 1 else ints = ints + 1 end
        end
      end
    end
  end
  -- the sweep reached what it is for
  for _, name in ipairs({"crm_customer_create", "crm_identity_add", "crm_identity_lookup",
                         "crm_swig_open", "crm_swig_customer_list_open", "_identity_add",
                         "_interaction_log", "_promise_keep", "_customer_rename",
                         "crm_swig_timeline_open", "crm_swig_thread_open",
                         "_interaction_set_public", "crm_swig_customer_count",
                         "crm_strerror", "crm_channel_name"}) do
    lu.assertTrue(called[name], name .. " was not called")
  end
  lu.assertTrue(texts > 300 and ints > 300, texts .. " text and " .. ints .. " integer calls")
  db:close()
end

os.exit(lu.LuaUnit.run())
