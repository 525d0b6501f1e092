-- A database and an open, partly read cursor of it, dropped without closing,
-- in every order (the database first, the cursor first, both at once), with
-- and without an open db:begin() group: once collected, the handle is
-- closed. Another connection to the file then writes at once (a handle
-- left open with its group would hold the write lock), and no file
-- descriptor is left behind, over many rounds. (The Python binding once
-- leaked the handle when a database and its cursor were collected
-- together: libcrm refuses to close a handle whose cursors are open.)
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

local TMP = os.getenv("TMPDIR") or "/tmp"
local ROUNDS = 15  -- of each order, with and without a group

local function pid()
  local f = assert(io.open("/proc/self/stat"))
  local s = f:read("*l")
  f:close()
  return assert(s:match("^(%d+) "))
end
local PID = pid()

-- This process's descriptors: all of them, and those on files whose path
-- starts with prefix. They are listed from /proc/<pid>/fd of this process,
-- not /proc/self/fd of a child: SQLite opens its files close-on-exec, so a
-- child (the shell io.popen runs) does not have them. Pipes are not
-- counted: the listing's own pipe may be seen with both of its ends (the
-- child can list them before popen has closed the one it gave the child).
local function fds(prefix)
  local p = assert(io.popen("ls -l /proc/" .. PID .. "/fd"))
  local all, on = 0, 0
  for line in p:lines() do
    local target = line:match(" %d+ %-> (.*)$")
    if target and not target:match("^pipe:") then
      all = all + 1
      if target:sub(1, #prefix) == prefix then on = on + 1 end
    end
  end
  p:close()
  return all, on
end

local function gc()
  collectgarbage("collect")
  collectgarbage("collect")  -- what the first cycle's finalizers released
end

TestCollect = {}

function TestCollect:setUp()
  self.path = TMP .. "/lua-gc-" .. PID .. "-" .. tostring(os.time()) .. ".crm"
  for _, s in ipairs({"", "-wal", "-shm"}) do os.remove(self.path .. s) end
  -- the other connection: it must be able to write after each round
  self.other = crm.open(self.path, {busy_timeout = 0.1})
  self.id = self.other:create_customer("c1").id
  for i = 2, 3 do self.other:create_customer("c" .. i) end
end

function TestCollect:tearDown()
  self.other:close()
  for _, s in ipairs({"", "-wal", "-shm"}) do os.remove(self.path .. s) end
end

-- one round: open, maybe begin and write, open a cursor and read one row,
-- then drop both in the given order and collect
function TestCollect:drop(order, group, n)
  local db = crm.open(self.path, {busy_timeout = 0.1})
  if group then
    db:begin()
    db:set_attr(self.id, "round", "uncommitted " .. n)  -- takes the write lock
  end
  local rows, _, _, cursor = db:customers()
  lu.assertNotNil(rows())
  if order == "db first" then
    db = nil
    gc()
    rows, cursor = nil, nil
    gc()
  elseif order == "cursor first" then
    rows, cursor = nil, nil
    gc()
    lu.assertEquals(db:customer(self.id).id, self.id)  -- the database is still open
    lu.assertEquals(db:in_transaction(), group)
    db = nil
    gc()
  else
    db, rows, cursor = nil, nil, nil
    gc()
  end
  lu.assertNil(db)
end

function TestCollect:test_database_and_cursor_collected_in_any_order()
  -- one round of each first: whatever is opened once (the C library's and
  -- the allocator's files) is open in the baseline
  local orders = {"db first", "cursor first", "together"}
  for _, order in ipairs(orders) do
    self:drop(order, true, 0)
    self.other:set_attr(self.id, "round", "warm-up")
  end
  gc()
  local all0, on0 = fds(self.path)
  lu.assertTrue(on0 >= 1, "the other connection's file is not listed: " .. on0)
  for n = 1, ROUNDS do
    for _, order in ipairs(orders) do
      for _, group in ipairs({false, true}) do
        local what = string.format("round %d, %s, %s", n, order, group and "in a group" or "no group")
        self:drop(order, group, n)
        -- written at once: nobody holds the lock (busy_timeout 0.1 s)
        local ok, e = pcall(self.other.set_attr, self.other, self.id, "round", what)
        lu.assertTrue(ok, what .. ": " .. tostring(e))
        lu.assertEquals(self.other:attr(self.id, "round"), what)
        local all, on = fds(self.path)
        lu.assertEquals(on, on0, what .. ": descriptors on the database file")
        lu.assertEquals(all, all0, what .. ": descriptors of the process")
      end
    end
  end
end

os.exit(lu.LuaUnit.run())
