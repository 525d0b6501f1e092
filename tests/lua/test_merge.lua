-- Duplicates, merge and unmerge through the Lua binding: pairs as records
-- (metatable crm.duplicate), options as a table, bad input raised.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_merge.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local function pair()
  local db = crm.open(":memory:", {actor = "agent:test"})
  local jose = db:create_customer("José Müller")
  local twin = db:create_customer("jose muller")
  db:add_identity(jose.id, "email", "jose@muller.example")
  db:add_identity(twin.id, "email", "jm@muller.example")
  db:set_attr(jose.id, "date_of_birth", "1970-01-01")
  db:set_attr(twin.id, "date_of_birth", "1970-01-01")
  return db, jose, twin
end

TestMerge = {}

function TestMerge:test_duplicates()
  local db, jose, twin = pair()
  local got = {}
  for d in db:duplicates() do got[#got + 1] = d end
  lu.assertEquals(#got, 1)
  lu.assertEquals(getmetatable(got[1]), crm.duplicate_mt)
  lu.assertEquals(got[1].customer_id, jose.id)
  lu.assertEquals(got[1].other_id, twin.id)
  lu.assertEquals(got[1].score, 60)
  lu.assertEquals(got[1].reasons, ll.CRM_DUPLICATE_NAME + ll.CRM_DUPLICATE_EMAIL_DOMAIN)
  lu.assertEquals(got[1]:reason_names(), {"name", "email_domain"})
  got = {}
  for d in db:duplicates{customer_id = twin.id, attribute_keys = {"date_of_birth"}} do
    got[#got + 1] = d
  end
  lu.assertEquals(got[1].customer_id, twin.id)
  lu.assertEquals(got[1].score, 90)
  lu.assertEquals(got[1].attributes, 1)
  local ok, err = pcall(function() for _ in db:duplicates{min_score = 0} do end end)
  lu.assertFalse(ok)
  lu.assertEquals(err.code, ll.CRM_EINVAL)
end

function TestMerge:test_merge_unmerge()
  local db, jose, twin = pair()
  local kept = db:merge(jose.id, twin.id)
  lu.assertEquals(kept.id, jose.id)
  lu.assertNil(kept.merged_from)
  local c = db:customer(twin.id)
  lu.assertEquals(c.id, jose.id)
  lu.assertEquals(c.merged_from, twin.id)
  local ok, err = pcall(db.rename_customer, db, twin.id, "X")
  lu.assertFalse(ok)
  lu.assertEquals(err.code, ll.CRM_ENOTFOUND)
  lu.assertStrContains(err.message, "merged into")
  local back = db:unmerge(twin.id)
  lu.assertEquals(back.id, twin.id)
  ok, err = pcall(db.unmerge, db, twin.id)
  lu.assertFalse(ok)
  lu.assertEquals(err.code, ll.CRM_ESTATE)
end

os.exit(lu.LuaUnit.run())
