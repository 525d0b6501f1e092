-- Records are made in C in one call (the _* calls of bindings/crm.i), by
-- builders made from the table of fields (bindings/records.py): each must
-- hold what the record's accessors give, with the module's conversions
-- (flags as booleans, absent strings, times and an int's "not set" value
-- as nil), and carry its type's metatable. Every record type is read here
-- both ways, through every call that returns one, and compared field by
-- field, the expected values read from the accessors the table names (as
-- ll._records describes them).
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_records.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel
-- math.type where the Lua has it (5.3, 5.4); elsewhere a number is an
-- integer when it has no fraction
local math_type = math.type or function(v)
  if type(v) ~= "number" then return nil end
  return v == math.floor(v) and "integer" or "float"
end

local BASE = 1767268800000  -- 2026-01-01T12:00Z, in ms
local DAY = 86400000

local function constant(v)
  if type(v) == "string" then return ll[v] end
  return v
end

-- What each field of a record is, read through the accessors of a
-- low-level record, as the table describes them.
local function expected(what, low)
  local want = {}
  for _, f in ipairs(ll._records[what]) do
    local args = {}
    for i, a in ipairs(f.args or {}) do args[i] = a == "now" and crm.TIME_NONE or constant(a) end
    local v = ll[f.accessor](low, (table.unpack or unpack)(args))
    if f.kind == "word" then
      v = ll[f.names](v)
    elseif f.kind == "time" then
      if v == crm.TIME_NONE then v = nil end
    elseif f.kind == "bool" then
      v = v ~= 0
    elseif f.kind == "flag" then
      v = math.floor(v / constant(f.bit)) % 2 == 1  -- v & bit, in any Lua
    elseif f.kind == "opt_int" then
      if v == constant(f.none) then v = nil end
    else
      lu.assertTrue(f.kind == "text" or f.kind == "int" or f.kind == "int64" or f.kind == "uint"
                    or f.kind == "real", f.kind)
    end
    want[f.name] = v
  end
  return want
end

-- record (from the module) holds exactly what the accessors of the
-- low-level record give (integers as integers), with its type's metatable
local function same(what, record, low)
  lu.assertEquals(getmetatable(record), crm[what .. "_mt"])
  local want = expected(what, low)
  local got = {}
  for k, v in pairs(record) do got[k] = v end
  lu.assertEquals(got, want)
  for k, v in pairs(want) do
    lu.assertEquals(math_type(got[k]), math_type(v), k)
  end
end

-- each record of a module iterator against the low-level record a
-- low-level cursor over the same rows lends at the same step (valid until
-- its next call); both end together. Returns how many.
local function lockstep(what, iter, cur, next_fn, free_fn)
  local n = 0
  for r in iter do
    same(what, r, next_fn(cur))
    n = n + 1
  end
  lu.assertNil(next_fn(cur))
  free_fn(cur)
  return n
end

local function full()
  local db = crm.open(":memory:", {actor = "agent:test", default_country = "US"})
  local ann = db:create_customer("Ann Zoë 山田")
  local org = db:create_customer("Acme", "organisation")
  db:archive_customer(org.id)
  db:set_customer_owner(ann.id, "team:billing")
  db:add_member(org.id, ann.id, "billing contact")
  db:add_identity(ann.id, "phone", "(415) 555-0100", {primary = true})
  db:add_identity(ann.id, "email", "ann@example.com", {verified = true})
  local a = db:log(ann.id, {channel = "phone", occurred_at = BASE, handled_by = "agent:alice",
                            reason = "billing.refund", outcome = "resolved", public = true,
                            sentiment = -2, summary = "Charged twice", body = "line 1\nline 2",
                            external_ref = "call-1"})
  db:log(ann.id, {channel = "email", direction = "out", reply_to = a.id, sentiment = 0})
  -- made during the call, renegotiated an hour later
  local p = db:promise(ann.id, "Refund", BASE + DAY,
                       {owner = "agent:alice", interaction_id = a.id, at = BASE})
  db:renegotiate(p.id, BASE + 2 * DAY, "asked", true, BASE + 3600000)
  db:keep(p.id, {interaction_id = a.id, note = "done"})
  db:promise(ann.id, "Call back", 1000000000000, {owner = "agent:bob", at = 1000000000000 - DAY})
  db:add_occasion(ann.id, "birthday", {month = 3, day = 4, lead_days = 7, note = "cake"})
  db:add_occasion(ann.id, "renewal", {month = 12, day = 31, year = 2030, yearly = false})
  return db, ann, org, a, p
end

TestRecords = {}

function TestRecords:test_customers()
  local db, ann, org = full()
  for _, c in ipairs({ann, org}) do
    same("customer", db:customer(c.id), ll.crm_customer_get(db._h, c.id))
  end
  same("customer", db:lookup("phone", "+14155550100"),
       ll.crm_identity_lookup(db._h, "phone", "+14155550100"))
  same("customer", db:resolve("ann@example.com"),
       ll.crm_customer_resolve(db._h, "ann@example.com"))
  lu.assertEquals(lockstep("customer", db:resolve_all("4155550100"),
                           ll.crm_customer_resolve_open(db._h, "4155550100"),
                           ll.crm_customer_cursor_next, ll.crm_customer_cursor_free), 1)
  lu.assertEquals(lockstep("customer", db:holders("email", "ann@example.com"),
                           ll.crm_customer_holders_open(db._h, "email", "ann@example.com"),
                           ll.crm_customer_cursor_next, ll.crm_customer_cursor_free), 1)
  local cur = ll.crm_swig_customer_list_open(db._h, 0, nil, nil, ll.CRM_ARCHIVED_INCLUDE, crm.TIME_NONE,
                                              crm.TIME_NONE,
                                              nil, 0, ll.CRM_ORDER_CREATED, nil)
  lu.assertEquals(lockstep("customer", db:customers{archived = "include"}, cur,
                           ll.crm_customer_cursor_next, ll.crm_customer_cursor_free), 2)
  cur = ll.crm_swig_customer_list_open(db._h, 0, nil, nil, ll.CRM_ARCHIVED_INCLUDE, crm.TIME_NONE,
                                        crm.TIME_NONE, nil, 0, ll.CRM_ORDER_CREATED,
                                        "team:billing")
  lu.assertEquals(lockstep("customer", db:customers{archived = "include", owner = "team:billing"},
                           cur, ll.crm_customer_cursor_next, ll.crm_customer_cursor_free), 1)
end

function TestRecords:test_identities()
  local db, ann = full()
  same("identity", db:identity(ann.id, "email", "ANN@example.com"),
       ll.crm_identity_get(db._h, ann.id, "email", "ANN@example.com"))
  lu.assertEquals(lockstep("identity", db:identities(ann.id), ll.crm_identity_list_open(db._h, ann.id),
                           ll.crm_identity_cursor_next, ll.crm_identity_cursor_free), 2)
  local i = db:add_identity(ann.id, "email", "ann@work.example",
                            {primary = true, verified = true, shared = true})
  same("identity", i, ll.crm_identity_get(db._h, ann.id, "email", "ann@work.example"))
  lu.assertTrue(i.shared)
end

function TestRecords:test_journal()
  local db = full()
  lu.assertTrue(lockstep("journal_entry", db:journal(), ll.crm_journal_entry_list_open(db._h, 0),
                         ll.crm_journal_entry_cursor_next, ll.crm_journal_entry_cursor_free) > 10)
end

function TestRecords:test_interactions()
  local db, ann, _, a = full()
  local cur = ll.crm_swig_timeline_open(db._h, ann.id, 0, crm.TIME_NONE, crm.TIME_NONE, nil, 0, 0, 0,
                                        nil, 0, nil)
  lu.assertEquals(lockstep("interaction", db:timeline(ann.id), cur, ll.crm_interaction_cursor_next,
                           ll.crm_interaction_cursor_free), 2)
  same("interaction", a, ll.crm_interaction_get(db._h, a.id))
  same("interaction", db:interaction(a.id), ll.crm_interaction_get(db._h, a.id))
  same("interaction", db:interaction_by_ref("phone", "call-1"),
       ll.crm_interaction_get_by_ref(db._h, ll.CRM_CHANNEL_PHONE, "call-1"))
  local function thread_open(names)
    return ll.crm_swig_thread_open(db._h, a.id, 0, crm.TIME_NONE, crm.TIME_NONE, nil, 0, 0, 0,
                                    nil, 0, names)
  end
  lu.assertEquals(lockstep("interaction", db:thread(a.id), thread_open(nil),
                           ll.crm_interaction_cursor_next, ll.crm_interaction_cursor_free), 2)
  local wa = db:log(ann.id, {channel = "whatsapp", reply_to = a.id, external_ref = "wa-1"})
  same("interaction", wa, ll.crm_interaction_get(db._h, wa.id))
  same("interaction", db:interaction_by_ref("whatsapp", "wa-1"),
       ll.crm_interaction_get_by_ref_named(db._h, "whatsapp", "wa-1"))
  lu.assertEquals(lockstep("interaction", db:thread(a.id, {channels = {"whatsapp"}}),
                           thread_open({"whatsapp"}),
                           ll.crm_interaction_cursor_next, ll.crm_interaction_cursor_free), 1)
end

function TestRecords:test_promises()
  local db, ann, _, _, p = full()
  local cur = ll.crm_swig_promise_list_open(db._h, ann.id, nil, 0, crm.TIME_NONE, crm.TIME_NONE,
                                            nil, 0)
  lu.assertEquals(lockstep("promise", db:promises{customer_id = ann.id}, cur,
                           ll.crm_promise_cursor_next, ll.crm_promise_cursor_free), 2)
  same("promise", db:get_promise(p.id), ll.crm_promise_get(db._h, p.id))
  lu.assertEquals(lockstep("promise_event", db:promise_history(p.id),
                           ll.crm_promise_event_list_open(db._h, p.id),
                           ll.crm_promise_event_cursor_next, ll.crm_promise_event_cursor_free), 3)
  local q = db:promise(ann.id, "Later", 2000000000000, {owner = "agent:c"})
  same("promise", q, ll.crm_promise_get(db._h, q.id))
end

function TestRecords:test_occasions_and_members()
  local db, ann, org = full()
  lu.assertEquals(lockstep("occasion", db:occasions(ann.id), ll.crm_occasion_list_open(db._h, ann.id),
                           ll.crm_occasion_cursor_next, ll.crm_occasion_cursor_free), 2)
  lu.assertTrue(lockstep("occasion", db:upcoming("2026-01-01", 5 * 365),
                         ll.crm_occasion_upcoming_open(db._h, 2026, 1, 1, 5 * 365),
                         ll.crm_occasion_cursor_next, ll.crm_occasion_cursor_free) > 2)
  local o = db:add_occasion(ann.id, "anniversary", {month = 2, day = 29, lead_days = 1})
  same("occasion", o, ll.crm_occasion_get(db._h, o.id))
  for _, who in ipairs({org, ann}) do
    lu.assertEquals(lockstep("member", db:members(who.id), ll.crm_member_list_open(db._h, who.id),
                             ll.crm_member_cursor_next, ll.crm_member_cursor_free), 1)
  end
end

function TestRecords:test_agenda_items()
  local db, ann = full()
  local as_of = BASE + 58 * DAY  -- 2026-02-28T12:00Z: the birthday on 4 March has surfaced
  db:log(ann.id, {channel = "social", occurred_at = as_of - 3600000, public = true})
  local function low(owner)
    return ll.crm_swig_agenda_open(db._h, owner, as_of, 0, 0, ll.CRM_AGENDA_HEAD_START_OVERDUE,
                                    ll.CRM_AGENDA_HEAD_START_DUE,
                                    ll.CRM_AGENDA_HEAD_START_CONTACT,
                                    ll.CRM_AGENDA_HEAD_START_OCCASION, 0)
  end
  lu.assertEquals(lockstep("agenda_item", db:agenda{as_of = as_of}, low(nil),
                           ll.crm_agenda_item_cursor_next, ll.crm_agenda_item_cursor_free), 3)
  lu.assertEquals(lockstep("agenda_item", db:agenda{owner = "team:billing", as_of = as_of},
                           low("team:billing"), ll.crm_agenda_item_cursor_next,
                           ll.crm_agenda_item_cursor_free), 3)
end

function TestRecords:test_every_kind_is_checked()
  local kinds = {}
  for _, fields in pairs(ll._records) do
    for _, f in ipairs(fields) do kinds[f.kind] = true end
  end
  lu.assertEquals(kinds, {text = true, word = true, time = true, bool = true, int = true,
                          int64 = true, uint = true, flag = true, opt_int = true, real = true})
end

function TestRecords:test_attrs()
  local db, ann = full()
  db:set_attr(ann.id, "note", "Zoë")
  db:set_attr(ann.id, "plan", "gold")
  lu.assertEquals(db:attrs(ann.id), {note = "Zoë", plan = "gold"})
  local rows, low = ll.crm_attr_list_open(db._h, ann.id), ll.crm_attr_list_open(db._h, ann.id)
  local n = 0
  while true do
    local r, l = ll._attr_list_next(rows), ll.crm_attr_cursor_next(low)
    if r == nil then
      lu.assertNil(l)
      break
    end
    lu.assertEquals(r, expected("attr", l))
    lu.assertNil(getmetatable(r))
    n = n + 1
  end
  ll.crm_attr_cursor_free(rows)
  ll.crm_attr_cursor_free(low)
  lu.assertEquals(n, 2)
end

function TestRecords:test_changed_records_are_read_as_the_accessors_give()
  local db, ann, org, a = full()
  same("customer", db:rename_customer(ann.id, "Ann B"), ll.crm_customer_get(db._h, ann.id))
  same("customer", db:unarchive_customer(org.id), ll.crm_customer_get(db._h, org.id))
  same("customer", db:set_customer_owner(org.id, "agent:alice"), ll.crm_customer_get(db._h, org.id))
  same("customer", db:set_customer_owner(ann.id, nil), ll.crm_customer_get(db._h, ann.id))
  same("identity", db:set_identity_flags(ann.id, "email", "ann@example.com",
                                         {primary = true, shared = true}),
       ll.crm_identity_get(db._h, ann.id, "email", "ann@example.com"))
  same("interaction", db:set_outcome(a.id, "escalated"), ll.crm_interaction_get(db._h, a.id))
  same("interaction", db:set_public(a.id, false), ll.crm_interaction_get(db._h, a.id))
  local q = db:promise(ann.id, "Later", 2000000000000, {owner = "agent:c"})
  same("promise", db:renegotiate(q.id, 3000000000000, "asked"), ll.crm_promise_get(db._h, q.id))
  same("promise", db:release(q.id, "not needed"), ll.crm_promise_get(db._h, q.id))
end

os.exit(lu.LuaUnit.run())
