-- The agenda from Lua: db:agenda{...} iterates over agenda_item records in
-- the order of docs/agenda.md; options are a table (times and durations in
-- ms, kinds as words); a bad one raises with libcrm's message.
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local NOW = 1781524800000  -- 2026-06-15T12:00Z
local HOUR = 3600000
local DAY = 24 * HOUR

local function world(db)
  local a = db:create_customer("Ada")
  local b = db:create_customer("Bo")
  db:set_customer_owner(a.id, "team:billing")
  return {
    a = a, b = b,
    -- both made two days before NOW, before either fell due
    overdue = db:promise(a.id, "Call back", NOW - DAY, {owner = "team:partner", at = NOW - 2 * DAY}),
    due = db:promise(b.id, "Send the form", NOW + 2 * HOUR,
                     {owner = "team:billing", at = NOW - 2 * DAY}),
    post = db:log(b.id, {channel = "social", occurred_at = NOW, public = true}),
    call = db:log(a.id, {channel = "phone", occurred_at = NOW - HOUR, outcome = "unresolved"}),
  }
end

local function ids(db, o)
  local t = {}
  for it in db:agenda(o) do t[#t + 1] = it.id end
  return t
end

TestAgenda = {}

function TestAgenda:test_everyone_in_order()
  local db = crm.open(":memory:")
  local w = world(db)
  lu.assertEquals(ids(db, {as_of = NOW}), {w.overdue.id, w.due.id, w.call.id, w.post.id})
  local first
  for it in db:agenda{as_of = NOW, limit = 1} do first = it end
  lu.assertEquals(getmetatable(first), crm.agenda_item_mt)
  lu.assertEquals(first.kind, "promise_overdue")
  lu.assertEquals(first.customer_name, "Ada")
  lu.assertEquals(first.customer_owner, "team:billing")
  lu.assertEquals(first.owner, "team:partner")
  lu.assertEquals(first.since, NOW - DAY)
  lu.assertEquals(first.waited, DAY)
  lu.assertEquals(first.score, DAY + ll.CRM_AGENDA_HEAD_START_OVERDUE)
  lu.assertNil(first.channel)
  lu.assertEquals(first.why, "promise overdue since 2026-06-14T12:00Z (owner team:partner)")
  lu.assertStrContains(tostring(first), "crm.agenda_item<promise_overdue")
end

function TestAgenda:test_owners_and_channel_blindness()
  local db = crm.open(":memory:")
  local w = world(db)
  lu.assertEquals(ids(db, {owner = "team:billing", as_of = NOW}),
                  {w.overdue.id, w.due.id, w.call.id})
  lu.assertEquals(ids(db, {owner = "team:partner", as_of = NOW}), {w.overdue.id})
  local before = ids(db, {as_of = NOW})
  db:set_public(w.post.id, false)
  db:set_public(w.call.id, true)
  lu.assertEquals(ids(db, {as_of = NOW}), before)
end

function TestAgenda:test_options()
  local db = crm.open(":memory:")
  local w = world(db)
  lu.assertEquals(ids(db, {as_of = NOW, head_start_contact = 10 * DAY})[1], w.call.id)
  lu.assertEquals(ids(db, {as_of = NOW, kinds = {"promise_due"}}), {w.due.id})
  lu.assertEquals(ids(db, {as_of = NOW, kinds = {"promise_due"}, horizon = HOUR}), {})
  lu.assertEquals(#ids(db, {as_of = NOW, limit = 3}), 3)
end

function TestAgenda:test_bad_options()
  local db = crm.open(":memory:")
  world(db)
  for _, case in ipairs{
    {{horizon = -1}, "horizon"},
    {{head_start_due = 3651 * DAY}, "head_start_due"},
    {{kinds = {"soon"}}, "promise_overdue"},
    {{as_of = 2^60}, "as_of"},
    {{owner = ""}, "owner"},
  } do
    local ok, err = pcall(function() return db:agenda(case[1]) end)
    lu.assertFalse(ok)
    lu.assertEquals(err.code, crm.EINVAL)
    lu.assertStrContains(err.message, case[2])
  end
  lu.assertError(function() return db:agenda{horizon = 1.5} end)
  lu.assertError(function() return db:agenda(5) end)
end

os.exit(lu.LuaUnit.run())
