-- crm.open(path, {redact = true}) keeps personal values out of messages.
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

TestRedact = {}

local function messages(redact)
  local db = crm.open(":memory:", {default_country = "US", redact = redact})
  local jane = db:create_customer("Jane Victim-Doe")
  db:add_identity(jane.id, "phone", "+14155550100")
  local other = db:create_customer("Someone Else")
  local _, conflict = pcall(db.add_identity, db, other.id, "phone", "+1 415 555 0100")
  local _, unknown = pcall(db.lookup, db, "phone", "+12125550199")
  return jane, conflict, unknown
end

function TestRedact:test_plain_messages_show_the_values()
  local _, conflict, unknown = messages(false)
  lu.assertStrContains(conflict.message, "+14155550100")
  lu.assertStrContains(conflict.message, "Jane Victim-Doe")
  lu.assertStrContains(unknown.message, "+12125550199")
end

function TestRedact:test_redacted_messages_keep_ids_only()
  local jane, conflict, unknown = messages(true)
  lu.assertEquals(conflict.code, crm.EEXISTS)
  lu.assertEquals(conflict.conflict_id, jane.id)
  lu.assertStrContains(conflict.message, jane.id)
  lu.assertNotStrContains(conflict.message, "+14155550100")
  lu.assertNotStrContains(conflict.message, "Jane Victim-Doe")
  lu.assertEquals(unknown.code, crm.ENOTFOUND)
  lu.assertNotStrContains(unknown.message, "+12125550199")
  lu.assertStrContains(unknown.message, "<withheld>")
end

os.exit(lu.LuaUnit.run())
