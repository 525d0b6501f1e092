-- A demo database for the IVR: one known caller, Jane Doe, on
-- +1 415 555 0100, whom the business promised three days ago, on a phone
-- call about a refund, to call back by yesterday; the promise is still open,
-- so it is overdue.
--
--   lua5.4 examples/ivr/seed.lua demo.db
--
-- Running it again on the same file adds nothing. Times are relative to
-- now (libcrm's Lua module has no clock of its own to set).
--
-- Runs unchanged on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT.

local crm = require "crm"

local M = {}

local DAY_MS = 24 * 3600 * 1000

M.name = "Jane Doe"
M.phone = "+1 415 555 0100"
M.promise = "call you back about your refund"

-- Adds the demo caller to an open database, unless the number is already
-- someone's. Returns the customer and the open promise (nil when the
-- customer was there already).
function M.seed(db)
  local ok, c = pcall(db.lookup, db, "phone", M.phone)
  if ok then return c, nil end
  if c.code ~= crm.ENOTFOUND then error(c, 0) end
  return db:transaction(function()
    local now = crm.now()
    local made = now - 3 * DAY_MS
    local jane = db:create_customer(M.name)
    db:add_identity(jane.id, "phone", M.phone, {primary = true})
    local call = db:log(jane.id, {channel = "phone", direction = "in", occurred_at = made,
                                  handled_by = "agent:alice", reason = "billing.refund",
                                  outcome = "escalated",
                                  summary = "refund for a returned order not received"})
    local p = db:promise(jane.id, M.promise, now - DAY_MS,
                         {owner = "team:billing", interaction_id = call.id, at = made})
    return jane, p
  end)
end

function M.main(args)
  local path = args[1]
  if not path or path == "--help" or path == "-h" then
    io.stderr:write("usage: seed.lua FILE [COUNTRY]: a demo database for the IVR\n")
    return 2
  end
  local db = crm.open(path, {actor = "seed", default_country = args[2] or "US"})
  local ok, c, p = pcall(M.seed, db)
  db:close()
  if not ok then
    io.stderr:write("seed.lua: ", tostring(c), "\n")
    return 1
  end
  if p then
    io.stdout:write(string.format("%s: %s, %s, with an overdue promise to %s\n",
                                  path, c.name, M.phone, M.promise))
  else
    io.stdout:write(string.format("%s: %s is there already\n", path, c.name))
  end
  return 0
end

local modname = ...
local script_name = rawget(_G, "arg") and arg[0]
if modname ~= "seed" and script_name and string.match(script_name, "seed%.lua$") then
  os.exit(M.main(arg))
end

return M
