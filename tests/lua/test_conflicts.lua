-- After CRM_EEXISTS the error table's conflict_id is crm_conflict_id(db):
-- set by the binding's one %exception for every call that can conflict
-- (bindings/lua/errors.i), the generated ll.crm_* ones included, and nil
-- where libcrm names nothing or the failure is not a conflict.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_conflicts.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local function conflict(f, ...)
  local ok, e = pcall(f, ...)
  lu.assertFalse(ok, "expected a conflict")
  lu.assertEquals(getmetatable(e), crm.error_mt)
  lu.assertEquals(e.code, crm.EEXISTS)
  return e
end

local function open()
  local db = crm.open(":memory:", {actor = "agent:test", default_country = "US"})
  return db, db:create_customer("Ann").id, db:create_customer("Bob").id
end

TestConflicts = {}

function TestConflicts:test_add_identity_names_the_owner()
  local db, ann, bob = open()
  db:add_identity(ann, "phone", "+1 415 555 0100")
  lu.assertEquals(conflict(db.add_identity, db, bob, "phone", "(415) 555-0100").conflict_id, ann)
  lu.assertEquals(conflict(db.add_identity, db, ann, "phone", "+14155550100").conflict_id, ann)
end

-- a shared value is added only shared, and stays shared while others hold
-- it: add_identity and set_identity_flags name a holder
function TestConflicts:test_shared_identities_name_a_holder()
  local db, ann, bob = open()
  local cy = db:create_customer("Cy").id
  db:add_identity(ann, "phone", "+1 415 555 0100", {shared = true})
  db:add_identity(bob, "phone", "(415) 555-0100", {shared = true})
  local who = conflict(db.add_identity, db, cy, "phone", "4155550100").conflict_id
  lu.assertTrue(who == ann or who == bob, tostring(who))
  lu.assertEquals(conflict(db.set_identity_flags, db, ann, "phone", "+14155550100",
                           {primary = true}).conflict_id, bob)
  lu.assertEquals(conflict(ll._identity_set_flags, db._h, bob, "phone", "+14155550100", 0)
                  .conflict_id, ann)
  lu.assertTrue(db:identity(ann, "phone", "+14155550100").shared)
end

function TestConflicts:test_log_names_the_interaction_already_recorded()
  local db, ann, bob = open()
  local first = db:log(ann, {channel = "email", external_ref = "<m1@example.com>"})
  lu.assertEquals(conflict(db.log, db, ann, {channel = "email", external_ref = "<m1@example.com>"})
                  .conflict_id, first.id)
  lu.assertEquals(conflict(db.log, db, bob, {channel = "email", external_ref = "<m1@example.com>"})
                  .conflict_id, first.id)
end

function TestConflicts:test_add_tag_and_add_member_name_nothing()
  local db, ann = open()
  db:add_tag(ann, "vip")
  lu.assertNil(conflict(db.add_tag, db, ann, "vip").conflict_id)
  local org = db:create_customer("Acme", "organisation").id
  db:add_member(org, ann, "billing")
  lu.assertNil(conflict(db.add_member, db, org, ann, "owner").conflict_id)
end

function TestConflicts:test_the_generated_calls_carry_it_too()
  local db, ann, bob = open()
  db:add_identity(ann, "email", "ann@example.com")
  lu.assertEquals(conflict(ll.crm_identity_add, db._h, bob, "email", "ANN@example.com", 0)
                  .conflict_id, ann)
  lu.assertEquals(conflict(ll._identity_add, db._h, bob, "email", "ann@example.com", 0)
                  .conflict_id, ann)
end

function TestConflicts:test_other_failures_carry_none()
  local db, ann = open()
  db:add_identity(ann, "email", "ann@example.com")
  conflict(db.add_identity, db, ann, "email", "ann@example.com")
  local ok, e = pcall(db.customer, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b")
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.ENOTFOUND)
  lu.assertNil(e.conflict_id)
end

os.exit(lu.LuaUnit.run())
