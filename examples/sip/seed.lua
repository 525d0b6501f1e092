-- examples/sip/seed.lua: the demo callers of the SIP edge example.
--
--   lua5.1 seed.lua FILE      (LUA_CPATH must find crm.so; run.sh sets it)
--
-- Creates FILE (it must not exist) with one caller for each routing rule of
-- route.lua, and prints each one's name, number and customer id.
local crm = require "crm"

local path = arg[1]
if not path then
  io.stderr:write("usage: seed.lua FILE\n")
  os.exit(2)
end
if io.open(path, "rb") then
  io.stderr:write("seed.lua: " .. path .. " exists; the demo callers go into a new file\n")
  os.exit(1)
end

local DAY = 24 * 3600 * 1000
local now = crm.now()
local db = crm.open(path, {actor = "system:seed", default_country = "US"})

local function person(name, number, o)
  local c = db:create_customer(name, (o and o.kind) or "person")
  db:add_identity(c.id, "phone", number, {primary = true, shared = o and o.shared})
  if o and o.owner then db:set_customer_owner(c.id, o.owner) end
  print(string.format("%-22s %-18s %s", name, number, c.id))
  return c
end

db:transaction(function()
  -- a known caller: the support queue; her promise is not due yet
  local jane = person("Jane Doe", "+1 415 555 0100")
  db:promise(jane.id, "send the new contract", now + 5 * DAY, {owner = "agent:alice"})

  -- a promise overdue since yesterday: the priority queue
  local omar = person("Omar Haddad", "(212) 555-0142")
  local call = db:log(omar.id, {channel = "phone", direction = "in", occurred_at = now - 3 * DAY,
                                handled_by = "agent:bob", reason = "billing.refund",
                                summary = "refund not received"})
  db:promise(omar.id, "call back when the refund is through", now - DAY,
             {owner = "agent:bob", interaction_id = call.id, at = now - 3 * DAY})

  -- an account the enterprise team looks after: that team's queue
  person("Acme Logistics Ltd", "+44 20 7946 0958", {kind = "organisation", owner = "team:enterprise"})

  -- one landline shared by two people: no single customer to name
  person("Ann Lee", "+1 617 555 0199", {shared = true})
  person("Ben Lee", "+1 617 555 0199", {shared = true})
end)
db:close()
