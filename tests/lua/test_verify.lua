-- Confirming who is there through the Lua binding: db:verify() answers true
-- or false, counts wrong answers in the file and raises crm.ESTATE while the
-- customer is locked; bad input raised.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_verify.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

local DOB = "1984-03-07"
local MAX_FAILURES = crm._lowlevel.CRM_VERIFY_MAX_FAILURES

local function fresh()
  local db = crm.open(":memory:", {actor = "agent:test"})
  local jane = db:create_customer("Jane Doe")
  db:set_attr(jane.id, "date_of_birth", DOB)
  db:set_attr(jane.id, "postcode", "SW1A 1AA")
  return db, jane
end

local function err_of(f, ...)
  local ok, e = pcall(f, ...)
  lu.assertFalse(ok)
  return e
end

TestVerify = {}

function TestVerify:test_match_and_mismatch()
  local db, jane = fresh()
  lu.assertTrue(db:verify(jane.id, "date_of_birth", DOB))
  lu.assertTrue(db:verify(jane.id, "postcode", "sw1a 1aa"))
  lu.assertTrue(db:verify(jane.id, "postcode", "SW1A1AA"))
  lu.assertFalse(db:verify(jane.id, "date_of_birth", "1984-03-08"))
  local n = 0
  for e in db:journal(0) do
    if e.op == "verify" then
      n = n + 1
      lu.assertEquals(e.entity, "customer")
      lu.assertNil(e.data:find(DOB, 1, true))
      lu.assertNil(e.data:find("1984-03-08", 1, true))
    end
  end
  lu.assertEquals(n, 1)  -- the right answers with nothing counted changed nothing
end

function TestVerify:test_lock()
  local db, jane = fresh()
  lu.assertEquals(MAX_FAILURES, 5)
  for _ = 1, MAX_FAILURES do
    lu.assertFalse(db:verify(jane.id, "date_of_birth", "2000-01-01"))
  end
  local before = db:last_seq()
  local e = err_of(db.verify, db, jane.id, "date_of_birth", DOB)
  lu.assertEquals(e.code, crm.ESTATE)
  lu.assertStrContains(e.message, "locked")
  lu.assertStrContains(e.message, "UTC")
  lu.assertNil(e.message:find(DOB, 1, true))
  lu.assertEquals(db:last_seq(), before)
end

function TestVerify:test_right_answer_clears()
  local db, jane = fresh()
  for _ = 1, 3 do
    for _ = 1, MAX_FAILURES - 1 do
      lu.assertFalse(db:verify(jane.id, "date_of_birth", "2000-01-01"))
    end
    lu.assertTrue(db:verify(jane.id, "date_of_birth", DOB))
  end
end

function TestVerify:test_refusals()
  local db, jane = fresh()
  local before = db:last_seq()
  local e = err_of(db.verify, db, jane.id, "memorable_word", "x")
  lu.assertEquals(e.code, crm.ENOTFOUND)
  lu.assertStrContains(e.message, "memorable_word")
  e = err_of(db.verify, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "date_of_birth", DOB)
  lu.assertEquals(e.code, crm.ENOTFOUND)
  e = err_of(db.verify, db, jane.id, "date_of_birth", "")
  lu.assertEquals(e.code, crm.EINVAL)
  e = err_of(db.verify, db, jane.id, "date of birth", DOB)
  lu.assertEquals(e.code, crm.EINVAL)
  e = err_of(db.verify, db, "not-an-id", "date_of_birth", DOB)
  lu.assertEquals(e.code, crm.EINVAL)
  err_of(db.verify, db, jane.id, "date_of_birth", nil)
  lu.assertEquals(db:last_seq(), before)
end

os.exit(lu.LuaUnit.run())
