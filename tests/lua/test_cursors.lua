-- Lists and what a loop writes through the same database: every list gives
-- each row at most once and ends, the rows as they were when it read its
-- first one; a list that fails raises its real message.
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

local TMP = os.getenv("TMPDIR") or "/tmp"

TestCursors = {}

function TestCursors:test_creating_while_listing_ends()
  local db = crm.open(":memory:")
  for i = 1, 30 do db:create_customer(string.format("Customer %02d", i)) end
  local seen, n = {}, 0
  for c in db:customers{order = "name"} do
    lu.assertNil(seen[c.id])
    seen[c.id] = true
    n = n + 1
    db:create_customer("Zz " .. c.name)
    db:rename_customer(c.id, "Zzz moved on")
    if n > 30 then break end
  end
  lu.assertEquals(n, 30)
end

function TestCursors:test_renegotiating_while_listing_visits_each_once()
  local db = crm.open(":memory:")
  local ann = db:create_customer("Ann")
  for i = 1, 25 do db:promise(ann.id, "call " .. i, 1893456000000 + i * 60000, {owner = "agent:bo"}) end
  local seen, n = {}, 0
  for p in db:promises{customer_id = ann.id} do
    lu.assertNil(seen[p.id])
    seen[p.id] = true
    n = n + 1
    db:renegotiate(p.id, p.due_at + 30 * 86400000, "away")
    if n > 25 then break end
  end
  lu.assertEquals(n, 25)
end

-- A file damaged where the customers are: the list raises ECORRUPT with
-- the real message, not "not an error".
function TestCursors:test_a_list_that_fails_says_why()
  local path = string.format("%s/crm-lua-damaged-%d.db", TMP, os.time())
  do
    local db = crm.open(path)
    db:transaction(function()
      for i = 1, 400 do db:create_customer(string.rep("n", 250) .. string.format(" %04d", i)) end
    end)
    db:close()
  end
  local f = assert(io.open(path, "r+b"))
  local size = f:seek("end")
  local failed
  for page = math.floor(size / 4096) - 1, 3, -1 do
    f:seek("set", page * 4096)
    f:write(string.rep("\165", 4096))
    f:flush()
    local ok, db = pcall(crm.open, path)
    if ok then
      local ok2, err = pcall(function() for _ in db:customers() do end end)
      db:close()
      if not ok2 then failed = err break end
    end
  end
  f:close()
  for _, s in ipairs({"", "-wal", "-shm"}) do os.remove(path .. s) end
  lu.assertNotNil(failed)
  lu.assertEquals(failed.code, crm.ECORRUPT)
  lu.assertStrContains(failed.message, "corrupt")
  lu.assertNotEquals(failed.message, "not an error")
end

os.exit(lu.LuaUnit.run())
