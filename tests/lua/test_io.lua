-- Import and export from Lua: db:import_csv, db:import_vcard and
-- db:import_jsonl return a table of counts and errors; options are a table
-- (mapping, on_error = "stop" | "skip" | a function, kind, text); the
-- exports write a file or return a string the imports read back.
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

local CSV = "Name,E-Mail,Telefon,Tags\r\n" ..
            "Anna,anna@example.de,+49 30 1234567,vip;new\r\n" ..
            "Bad,x,,\r\n" ..
            "Bob,bob@example.com,,\r\n"

TestIo = {}

function TestIo:test_csv_stop_and_skip()
  local db = crm.open(":memory:")
  local ok, err = pcall(function() return db:import_csv(nil, {text = CSV}) end)
  lu.assertFalse(ok)
  lu.assertEquals(err.code, crm.EINVAL)
  lu.assertStrContains(err.message, "CSV line 3, column 2")
  local r = db:import_csv(nil, {text = CSV, on_error = "skip"})
  lu.assertEquals({r.created, r.updated, r.unchanged, r.skipped}, {2, 0, 0, 1})
  lu.assertEquals(#r.errors, 1)
  lu.assertEquals(r.errors[1].line, 3)
  lu.assertEquals(r.errors[1].column, 2)
  lu.assertEquals(r.errors[1].code, "EINVAL")
  local seen = {}
  r = db:import_csv(nil, {text = CSV, on_error = function(e) seen[#seen + 1] = e end})
  lu.assertEquals(r.unchanged, 2)
  lu.assertEquals(#seen, 1)
  lu.assertEquals(seen[1].line, 3)
end

function TestIo:test_mapping_and_bad_options()
  local db = crm.open(":memory:")
  local r = db:import_csv(nil, {text = "Kunde,Nr\nDora,K-17\n", kind = "organisation",
                                mapping = {Kunde = "name", Nr = "identity:account"}})
  lu.assertEquals(r.created, 1)
  lu.assertEquals(db:lookup("account", "K-17").kind, "organisation")
  for _, case in ipairs{
    {{text = "a\n", mapping = {a = "nom"}}, "not a target"},
    {{text = "a\n", mapping = "a=name"}, "mapping"},
    {{text = "a\n", on_error = "ignore"}, "on_error"},
    {{}, "either a path"},
  } do
    local ok, err = pcall(function() return db:import_csv(nil, case[1]) end)
    lu.assertFalse(ok)
    lu.assertEquals(err.code, crm.EINVAL)
    lu.assertStrContains(err.message, case[2])
  end
  local ok, err = pcall(function() return db:import_csv("/nonexistent/x.csv") end)
  lu.assertFalse(ok)
  lu.assertEquals(err.code, crm.EIO)
end

function TestIo:test_round_trips()
  local db = crm.open(":memory:")
  db:import_csv(nil, {text = CSV, on_error = "skip"})
  local text = db:export_csv()
  lu.assertEquals(db:import_csv(nil, {text = text}).unchanged, 2)
  local dump = db:export_jsonl()
  local other = crm.open(":memory:")
  local r = other:import_jsonl(nil, {text = dump})
  lu.assertEquals(r.created, 2)
  lu.assertEquals(other:export_jsonl(), dump)
  lu.assertEquals(other:import_jsonl(nil, {text = dump}).records, 0)
  local path = os.tmpname()
  db:export_vcard(path)
  local third = crm.open(":memory:")
  lu.assertEquals(third:import_vcard(path).created, 2)
  os.remove(path)
end

os.exit(lu.LuaUnit.run())
