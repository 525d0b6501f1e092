-- To-be-closed variables (Lua 5.4): a database and a cursor held in a
-- `local x <close>` are closed when the variable goes out of scope, by a
-- normal exit and by an error. Registered for Lua 5.4 only (the other Luas
-- cannot parse the syntax; there, __gc does the work: test_gc.lua).
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

TestClose = {}

function TestClose:test_close_variable()
  local saved
  do
    local db <close> = crm.open(":memory:", {actor = "ivr:main", busy_timeout = 1})
    saved = db
    lu.assertEquals(db:actor(), "ivr:main")
  end
  lu.assertTrue(saved:is_closed())
end

function TestClose:test_close_on_error()
  local saved
  local ok = pcall(function()
    local db <close> = crm.open(":memory:")
    saved = db
    error("the call flow failed")
  end)
  lu.assertFalse(ok)
  lu.assertTrue(saved:is_closed())
end

function TestClose:test_cursor_close_variable()
  local db <close> = crm.open(":memory:")
  for i = 1, 3 do db:create_customer("c" .. i) end
  local cur_saved
  do
    local it, _, _, cur = db:customers()
    local c <close> = cur
    cur_saved = cur
    lu.assertEquals(it().name, "c1")
  end
  lu.assertStrContains(tostring(cur_saved), "closed")
  db:close()
  lu.assertTrue(db:is_closed())
end

os.exit(lu.LuaUnit.run())
