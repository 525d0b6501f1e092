-- The database's default country and ids by their first digits through the
-- Lua binding: db:default_country()/db:set_default_country() kept in the
-- file, db:expand_id() for each kind of record; bad input raised, nothing
-- changed.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_settings.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

local function err_of(f, ...)
  local ok, e = pcall(f, ...)
  lu.assertFalse(ok)
  return e
end

local function temp_path()
  local p = os.tmpname()
  os.remove(p)
  return p .. ".crm"
end

local function remove(p)
  for _, s in ipairs({"", "-wal", "-shm"}) do os.remove(p .. s) end
end

TestSettings = {}

function TestSettings:test_default_country_kept_in_the_file()
  local path = temp_path()
  local db = crm.open(path)
  lu.assertNil(db:default_country())
  local ann = db:create_customer("Ann")
  local e = err_of(db.add_identity, db, ann.id, "phone", "(415) 555-0100")
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "no default country")
  db:set_default_country("us")
  lu.assertEquals(db:default_country(), "US")
  db:add_identity(ann.id, "phone", "(415) 555-0100")
  local seen
  for entry in db:journal(0) do
    if entry.entity == "setting" then seen = entry end
  end
  lu.assertEquals(seen.op, "set")
  lu.assertNil(seen.entity_id)
  lu.assertStrContains(seen.data, '"new":"US"')
  db:close()

  db = crm.open(path)
  lu.assertEquals(db:default_country(), "US")
  lu.assertEquals(db:lookup("phone", "415 555 0100").name, "Ann")
  db:close()
  db = crm.open(path, {default_country = "GB"})
  db:set_default_country("DE")
  lu.assertEquals(db:default_country(), "GB")
  db:close()
  db = crm.open(path)
  lu.assertEquals(db:default_country(), "DE")
  local before = db:last_seq()
  db:set_default_country(nil)
  lu.assertNil(db:default_country())
  lu.assertEquals(db:last_seq(), before + 1)
  for _, bad in ipairs({"USA", "U", "1A", "ZZ", "\xc3\x28"}) do
    e = err_of(db.set_default_country, db, bad)
    lu.assertEquals(e.code, crm.EINVAL)
  end
  e = err_of(db.set_default_country, db, 33)
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertEquals(db:last_seq(), before + 1)
  db:close()
  remove(path)
end

function TestSettings:test_expand_id()
  local db = crm.open(":memory:", {actor = "agent:test"})
  local ann = db:create_customer("Ann")
  lu.assertEquals(db:expand_id("customer", ann.id), ann.id)
  lu.assertEquals(db:expand_id("customer", (ann.id:upper():gsub("-", ""))), ann.id)
  local call = db:log(ann.id, {channel = "phone"})
  lu.assertEquals(db:expand_id("interaction", call.id:sub(1, 13)), call.id)
  local e = err_of(db.expand_id, db, "promise", ann.id)
  lu.assertEquals(e.code, crm.ENOTFOUND)
  lu.assertStrContains(e.message, "no promise has an id starting with")
  local before = db:last_seq()
  for _, bad in ipairs({"", "019", "01g0a5b2", "01-9a", ann.id .. "0", "0190 a5b2"}) do
    e = err_of(db.expand_id, db, "customer", bad)
    lu.assertEquals(e.code, crm.EINVAL)
  end
  e = err_of(db.expand_id, db, "customers", ann.id)
  lu.assertEquals(e.code, crm.EINVAL)
  e = err_of(db.expand_id, db, nil, ann.id)
  lu.assertEquals(e.code, crm.EINVAL)
  e = err_of(db.expand_id, db, "customer", nil)
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertEquals(db:last_seq(), before)
  db:close()
end

os.exit(lu.LuaUnit.run())
