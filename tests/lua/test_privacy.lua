-- A customer's own data through the Lua binding: the export's JSON text,
-- the erase, the purge and the retention calls, and bad input raised.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_privacy.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

TestPrivacy = {}

function TestPrivacy:test_export_and_erase()
  local db = crm.open(":memory:", {actor = "agent:test"})
  local ann = db:create_customer("Ann Example")
  db:add_identity(ann.id, "email", "ann@example.org")
  db:log(ann.id, {channel = "email", direction = "in", summary = "Kettle arrived broken"})
  local doc = db:export_customer(ann.id)
  lu.assertEquals(type(doc), "string")
  lu.assertStrContains(doc, '"format":"libcrm-customer-export"')
  lu.assertStrContains(doc, '"version":1')
  lu.assertStrContains(doc, '"value":"ann@example.org"')
  lu.assertStrContains(doc, '"summary":"Kettle arrived broken"')
  db:erase_customer(ann.id)
  local ok, err = pcall(db.customer, db, ann.id)
  lu.assertFalse(ok)
  lu.assertEquals(err.code, ll.CRM_ENOTFOUND)
  lu.assertStrContains(tostring(err), "was erased at")
  ok, err = pcall(db.export_customer, db, ann.id)
  lu.assertEquals(err.code, ll.CRM_ENOTFOUND)
  db:erase_customer(ann.id) -- nothing left to do
  local n = 0
  for _ in db:search("kettle") do n = n + 1 end
  lu.assertEquals(n, 0)
  db:purge()
  ok, err = pcall(db.erase_customer, db, "not an id")
  lu.assertEquals(err.code, ll.CRM_EINVAL)
end

-- What stays of an erased customer takes no write through its own id.
function TestPrivacy:test_erased_records_refuse_writes()
  local db = crm.open(":memory:", {actor = "agent:test"})
  local ann = db:create_customer("Ann Example")
  local it = db:log(ann.id, {channel = "phone", direction = "in", summary = "secret"}).id
  local p = db:promise(ann.id, "x", crm.TIME_MAX - 1, {owner = "agent:a"}).id
  db:erase_customer(ann.id)
  local seq = db:last_seq()
  local calls = {
    function() db:set_summary(it, "personal data back") end,
    function() db:set_reason(it, "other") end,
    function() db:set_outcome(it, "escalated") end,
    function() db:set_public(it, true) end,
    function() db:delete_interaction(it) end,
    function() db:renegotiate(p, crm.TIME_MAX - 2, "a note with personal data") end,
    function() db:keep(p, {note = "personal data back"}) end,
    function() db:break_(p, "personal data back") end,
    function() db:release(p, "personal data back") end,
  }
  for i, call in ipairs(calls) do
    local ok, err = pcall(call)
    lu.assertFalse(ok, "call " .. i)
    lu.assertEquals(err.code, ll.CRM_ENOTFOUND, "call " .. i)
    lu.assertStrContains(tostring(err), "customer " .. ann.id .. " was erased at")
  end
  lu.assertEquals(db:last_seq(), seq)
  lu.assertNil(db:interaction(it).summary)
  lu.assertEquals(db:get_promise(p).what, "")
  lu.assertEquals(db:get_promise(p).state, "open")
end

function TestPrivacy:test_retention()
  local db = crm.open(":memory:", {actor = "agent:test"})
  db:create_customer("Old")
  local later = 200000000000000
  lu.assertEquals(db:erase_inactive(later, {dry_run = true}), 1)
  lu.assertEquals(db:erase_inactive(later), 1)
  lu.assertEquals(db:erase_inactive(later), 0)
  -- the create, the erase and the two runs' entries
  lu.assertEquals(db:drop_journal(later, {dry_run = true}), 4)
  lu.assertEquals(db:drop_journal(later), 4)
  local ok, err = pcall(db.drop_journal, db, nil)
  lu.assertEquals(err.code, ll.CRM_EINVAL)
  ok, err = pcall(db.erase_inactive, db, later, {dry_run = 1})
  lu.assertEquals(err.code, ll.CRM_EINVAL)
end

os.exit(lu.LuaUnit.run())
