-- tostring() of the database, of every record type and of cursors: a
-- readable "crm.<type><...>" rather than "table: 0x...". Run:
-- LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_tostring.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

local BASE = 1767225600000  -- 2026-01-01T00:00:00Z, in ms

local function matches(s, pattern)
  lu.assertEquals(type(s), "string")
  lu.assertNotNil(s:match(pattern), string.format("%q does not match %q", s, pattern))
end

TestTostring = {}

function TestTostring:test_database()
  local db = crm.open(":memory:", {actor = "agent:alice"})
  lu.assertEquals(tostring(db), "crm.database<agent:alice>")
  db:set_actor(nil)
  lu.assertEquals(tostring(db), "crm.database<system>")
  db:close()
  lu.assertEquals(tostring(db), "crm.database<closed>")
end

function TestTostring:test_customer_and_identity()
  local db = crm.open(":memory:", {default_country = "US"})
  local c = db:create_customer("Jane Doe")
  lu.assertEquals(tostring(c), "crm.customer<Jane Doe " .. c.id .. ">")
  matches(tostring(c), "^crm%.customer<Jane Doe %x+%-")
  lu.assertEquals(tostring(db:customer(c.id)), tostring(c))
  local i = db:add_identity(c.id, "phone", "(415) 555-0100")
  lu.assertEquals(tostring(i), "crm.identity<phone +14155550100>")
  lu.assertEquals(tostring(db:lookup("phone", "+1 415 555 0100")), tostring(c))
  -- still plain tables: fields read and written as before
  c.name = "Jane Q. Doe"
  lu.assertEquals(tostring(c), "crm.customer<Jane Q. Doe " .. c.id .. ">")
  lu.assertEquals(getmetatable(c), crm.customer_mt)
end

function TestTostring:test_journal_interaction_promise()
  local db = crm.open(":memory:")
  local c = db:create_customer("Jane Doe")
  local it = db:log(c.id, {channel = "phone", occurred_at = BASE})
  lu.assertEquals(tostring(it), "crm.interaction<phone in " .. it.id .. ">")
  local p = db:promise(c.id, "Call back", BASE + 86400000, {owner = "agent:alice", at = BASE})
  lu.assertEquals(tostring(p), "crm.promise<open " .. p.id .. " Call back>")
  db:keep(p.id)
  matches(tostring(db:get_promise(p.id)), "^crm%.promise<kept ")
  local events = {}
  for e in db:promise_history(p.id) do events[#events + 1] = tostring(e) end
  lu.assertEquals(#events, 2)
  matches(events[1], "^crm%.promise_event<made %d+ system>$")
  matches(events[2], "^crm%.promise_event<kept %d+ system>$")
  local seen = 0
  for e in db:journal() do
    seen = seen + 1
    matches(tostring(e), "^crm%.journal_entry<#" .. e.seq .. " %S+ %S+>$")
  end
  lu.assertTrue(seen >= 3)
end

function TestTostring:test_occasion_and_member()
  local db = crm.open(":memory:")
  local c = db:create_customer("Jane Doe")
  local o = db:add_occasion(c.id, "birthday", {month = 3, day = 7})
  lu.assertEquals(tostring(o), "crm.occasion<birthday 03-07 " .. o.id .. ">")
  local org = db:create_customer("Acme", "organisation")
  db:add_member(org.id, c.id, "billing")
  local ms = {}
  for m in db:members(org.id) do ms[#ms + 1] = tostring(m) end
  lu.assertEquals(ms, {"crm.member<Jane Doe in Acme (billing)>"})
end

function TestTostring:test_cursor()
  local db = crm.open(":memory:")
  local c = db:create_customer("Jane Doe")
  db:add_tag(c.id, "vip")
  local step, _, _, cur = db:customers()
  lu.assertEquals(tostring(cur), "crm.cursor<customer open>")
  lu.assertEquals(tostring(step()), "crm.customer<Jane Doe " .. c.id .. ">")
  lu.assertNil(step())
  lu.assertEquals(tostring(cur), "crm.cursor<customer closed>")
  local _, _, _, tl = db:timeline(c.id)
  lu.assertEquals(tostring(tl), "crm.cursor<interaction open>")
  tl:close()
  lu.assertEquals(tostring(tl), "crm.cursor<interaction closed>")
  local _, _, _, tags = db:tags(c.id)
  lu.assertEquals(tostring(tags), "crm.cursor<tag open>")
  local _, _, _, jr = db:journal()
  db:close()  -- closes its cursors
  lu.assertEquals(tostring(jr), "crm.cursor<journal_entry closed>")
end

function TestTostring:test_errors_keep_their_convention()
  local db = crm.open(":memory:")
  local ok, e = pcall(db.customer, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")
  lu.assertFalse(ok)
  matches(tostring(e), "%(ENOTFOUND%)$")
end

os.exit(lu.LuaUnit.run())
