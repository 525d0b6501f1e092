-- A handle's clock from Lua: crm.open(path, {clock = function() return ms end})
-- makes every time a call records, and every "now" it judges by, the
-- clock's; a clock that fails (raises, returns what is not an integer, or
-- a time out of range) fails the call with crm.EMISUSE, says why, and
-- changes nothing. The function runs on the Lua state of the call, a
-- coroutine's too, and lives as long as the database object holds the
-- handle.
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local DAY = 86400000
local T0 = 1800000000000  -- 2027-01-15T08:00:00Z
local HAS_INTEGERS = math.type ~= nil

-- a clock the test moves: clock.ms is what it gives, clock.calls counts
local function new_clock(ms)
  local clock = {ms = ms or T0, calls = 0}
  clock.fn = function()
    clock.calls = clock.calls + 1
    return clock.ms
  end
  return clock
end

local function gc()
  collectgarbage("collect")
  collectgarbage("collect")  -- what the first cycle's finalizers released
  collectgarbage("collect")
end

-- the error f(...) raises: a crm error table with the code
local function raises(code, f, ...)
  local ok, e = pcall(f, ...)
  lu.assertFalse(ok, "accepted")
  lu.assertEquals(getmetatable(e), crm.error_mt, tostring(e))
  lu.assertEquals(e.code, code, tostring(e.message))
  return e
end

local function entries(db)
  local t = {}
  for e in db:journal(0) do t[#t + 1] = e end
  return t
end

TestClock = {}

function TestClock:test_the_clock_makes_the_times()
  local clock = new_clock()
  local db = crm.open(":memory:", {clock = clock.fn, actor = "agent:a"})
  local ann = db:create_customer("Ann")
  lu.assertEquals(ann.created_at, T0)
  lu.assertEquals(ann.updated_at, T0)
  lu.assertTrue(clock.calls >= 1)
  clock.ms = T0 + DAY
  db:rename_customer(ann.id, "Anne")
  lu.assertEquals(db:customer(ann.id).updated_at, T0 + DAY)
  lu.assertEquals(db:customer(ann.id).created_at, T0)
  local js = entries(db)
  lu.assertEquals({js[#js - 1].at, js[#js].at}, {T0, T0 + DAY})
  -- an interaction without a time happened now, by the clock
  lu.assertEquals(db:log(ann.id, {channel = "phone"}).occurred_at, T0 + DAY)
  db:close()
end

function TestClock:test_the_agenda_judges_overdue_by_the_clock()
  local clock = new_clock()
  local db = crm.open(":memory:", {clock = clock.fn})
  local ann = db:create_customer("Ann")
  local p = db:promise(ann.id, "call back", T0 + 2 * DAY, {owner = "agent:a"})
  lu.assertEquals(p.made_at, T0)
  local function kinds()
    local t = {}
    for it in db:agenda() do t[#t + 1] = it.kind end
    return t
  end
  local function overdue()
    local t = {}
    for it in db:agenda() do if it.kind == "promise_overdue" then t[#t + 1] = it.id end end
    return t
  end
  lu.assertEquals(overdue(), {}, table.concat(kinds(), ","))
  clock.ms = T0 + 3 * DAY
  lu.assertEquals(overdue(), {p.id})
  lu.assertEquals(kinds()[1], "promise_overdue")
  -- and the promise list's "overdue" with no time given is the clock's too
  local listed = {}
  for q in db:promises{overdue_as_of = T0 + 3 * DAY} do listed[#listed + 1] = q.id end
  lu.assertEquals(listed, {p.id})
  -- kept now, by the clock: the step's time is the clock's
  db:keep(p.id)
  local steps = {}
  for ev in db:promise_history(p.id) do steps[#steps + 1] = ev end
  lu.assertEquals(steps[#steps].kind, "kept")
  lu.assertEquals(steps[#steps].at, T0 + 3 * DAY)
  db:close()
end

function TestClock:test_a_bad_time_fails_the_call_and_changes_nothing()
  local clock = new_clock()
  local db = crm.open(":memory:", {clock = clock.fn})
  local ann = db:create_customer("Ann")
  local seq = db:last_seq()
  local cases = {
    {-1, "gives -1"},
    {crm.TIME_MAX + 1, "gives 253402300800000"},
    {false, "(the clock returned boolean, not an integer"},
    {"2030-01-01", "(the clock returned string, not an integer"},
    {T0 + 0.5, "(the clock returned the float 1800000000000.5, not an integer"},
    {0 / 0, "(the clock returned the float "},
  }
  if HAS_INTEGERS then  -- a float is refused even when whole, as times are elsewhere
    cases[#cases + 1] = {T0 + 0.0, "(the clock returned the float 1800000000000, not an integer"}
  end
  for _, case in ipairs(cases) do
    clock.ms = case[1]
    local what = tostring(case[1])
    local e = raises(crm.EMISUSE, db.rename_customer, db, ann.id, "Anne")
    lu.assertStrContains(e.message, "the clock of crm_open_options gives", false, what)
    lu.assertStrContains(e.message, case[2], false, what)
    lu.assertStrContains(tostring(e), "(EMISUSE)", false, what)
    lu.assertEquals(db:last_seq(), seq, what)
    lu.assertEquals(db:customer(ann.id).name, "Ann", what)
  end
  -- nil is no time either
  clock.ms = nil
  local e = raises(crm.EMISUSE, db.create_customer, db, "Bob")
  lu.assertStrContains(e.message, "(the clock returned nil, not an integer")
  lu.assertEquals(db:last_seq(), seq)
  lu.assertEquals(db:count_customers(), 1)
  -- the note is the failing call's alone: the next failure of another kind
  -- says nothing of the clock, and a good time works again
  clock.ms = T0 + DAY
  e = raises(crm.ENOTFOUND, db.rename_customer, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "X")
  lu.assertNotStrContains(e.message, "clock")
  lu.assertEquals(db:rename_customer(ann.id, "Anne").updated_at, T0 + DAY)
  lu.assertEquals(db:last_seq(), seq + 1)
  db:close()
end

function TestClock:test_a_clock_that_raises_fails_the_call()
  local db = crm.open(":memory:", {clock = function() error("the clock broke") end})
  local e = raises(crm.EMISUSE, db.create_customer, db, "Bob")
  lu.assertStrContains(e.message, "gives -1")
  lu.assertStrContains(e.message, "(the clock raised: ")
  lu.assertStrContains(e.message, "the clock broke)")
  lu.assertStrContains(e.message, "test_clock.lua:")  -- where it was raised
  lu.assertEquals(db:count_customers(), 0)
  lu.assertEquals(db:last_seq(), 0)
  db:close()

  -- what is raised is told as tostring would: a table through its __tostring
  -- (a crm error among them), another value by its type
  local other = crm.open(":memory:")
  other:close()
  local values = {
    {setmetatable({}, {__tostring = function() return "a table that says so" end}),
     "(the clock raised: a table that says so)"},
    {"closed", "(the clock raised: the database is closed (EMISUSE))"},
    {{}, "(the clock raised: a table)"},
    {42, "(the clock raised: 42)"},
  }
  for _, v in ipairs(values) do
    local clock = function()
      if v[1] == "closed" then other:last_seq() end
      error(v[1], 0)
    end
    db = crm.open(":memory:", {clock = clock})
    e = raises(crm.EMISUSE, db.create_customer, db, "Bob")
    lu.assertStrContains(e.message, v[2])
    lu.assertEquals(db:count_customers(), 0)
    db:close()
  end
end

-- A clock that makes calls of its own (on another database): the failing
-- call still reports its own handle's error.
function TestClock:test_a_clock_may_use_another_database()
  local other = crm.open(":memory:")
  local db = crm.open(":memory:", {clock = function() return T0 + other:last_seq() end})
  lu.assertEquals(db:create_customer("Ann").created_at, T0)
  other:create_customer("Bo")
  lu.assertEquals(db:create_customer("Cy").created_at, T0 + 1)
  local plain = crm.open(":memory:")
  local id = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"
  local want = raises(crm.ENOTFOUND, plain.rename_customer, plain, id, "X")
  local got = raises(crm.ENOTFOUND, db.rename_customer, db, id, "X")
  lu.assertEquals(got.message, want.message)
  plain:close()
  db:close()
  other:close()
end

function TestClock:test_a_clock_that_is_not_a_function_is_refused()
  for _, bad in ipairs({5, "now", {}, true, setmetatable({}, {__call = function() return T0 end})}) do
    local e = raises(crm.EINVAL, crm.open, ":memory:", {clock = bad})
    lu.assertEquals(e.message:sub(1, 32), "clock: expected a function, got ", e.message)
  end
  -- and the generated call refuses one itself
  local e = raises(crm.EINVAL, function()
    local ok, r = pcall(ll.crm_swig_open_clocked, ":memory:", ll.CRM_OPEN_CREATE, 0, 0, nil, nil, {})
    if ok then ll.crm_close(r) end
    error(r, 0)
  end)
  lu.assertStrContains(e.message, "clock: expected a function, got table")
end

function TestClock:test_the_clock_runs_in_a_coroutine()
  local clock = new_clock()
  local seen = {}
  local db = crm.open(":memory:", {clock = function()
    seen[#seen + 1] = coroutine.running() or "main"
    return clock.fn()
  end})
  local co
  co = coroutine.create(function()
    local ann = db:create_customer("Ann")
    coroutine.yield(ann)
    clock.ms = T0 + DAY
    return db:rename_customer(ann.id, "Anne")
  end)
  local ok, ann = coroutine.resume(co)
  lu.assertTrue(ok, tostring(ann))
  lu.assertEquals(ann.created_at, T0)
  lu.assertEquals(seen[#seen], co)
  -- the main state calls while the coroutine is suspended
  local bo = db:create_customer("Bo")
  lu.assertEquals(bo.created_at, T0)
  lu.assertNotEquals(seen[#seen], co)
  local anne
  ok, anne = coroutine.resume(co)
  lu.assertTrue(ok, tostring(anne))
  lu.assertEquals(anne.updated_at, T0 + DAY)
  lu.assertEquals(seen[#seen], co)
  lu.assertEquals(coroutine.status(co), "dead")
  -- wrapped, and a clock in a coroutine inside a coroutine
  local cy = coroutine.wrap(function()
    return coroutine.wrap(function() return db:create_customer("Cy") end)()
  end)()
  lu.assertEquals(cy.created_at, T0 + DAY)
  db:close()

  -- a clock that yields cannot (it runs inside a call of C): the call fails
  db = crm.open(":memory:", {clock = function() coroutine.yield() return T0 end})
  local e
  ok, e = coroutine.resume(coroutine.create(function() return db:create_customer("Ann") end))
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.EMISUSE, tostring(e))
  lu.assertStrContains(e.message, "(the clock raised: ")
  lu.assertEquals(db:count_customers(), 0)
  db:close()
end

function TestClock:test_the_handle_keeps_its_clock()
  local db = crm.open(":memory:", {clock = function() return T0 + 5 end})  -- the only reference
  gc()
  lu.assertEquals(db:create_customer("Cy").created_at, T0 + 5)
  gc()
  lu.assertEquals(db:create_customer("Di").created_at, T0 + 5)
  db:close()
end

-- how many entries the registry's table of clocks holds
local function clocks_held()
  local n = 0
  for _ in pairs(debug.getregistry()["crm.clocks"] or {}) do n = n + 1 end
  return n
end

function TestClock:test_closing_frees_the_clock()
  gc()
  local before = clocks_held()
  local probe = setmetatable({}, {__mode = "k"})
  local fn = function() return T0 end
  probe[fn] = true
  local db = crm.open(":memory:", {clock = fn})
  fn = nil
  gc()
  lu.assertNotNil(next(probe), "the handle lost its clock")
  lu.assertEquals(clocks_held(), before + 1)
  db:create_customer("Ann")
  db:close()
  gc()
  lu.assertNil(next(probe), "the clock outlived its handle")
  lu.assertEquals(clocks_held(), before)
  raises(crm.EMISUSE, db.create_customer, db, "Bob")
end

-- A database dropped without closing is closed when collected, its clock
-- with it, even when the clock refers to the database.
function TestClock:test_collecting_frees_the_clock()
  gc()
  local before = clocks_held()
  local probe = setmetatable({}, {__mode = "k"})
  -- in a function of its own: a block's dead locals may stay on the stack
  local function drop()
    local db
    db = crm.open(":memory:", {clock = function() return db and T0 or T0 + 1 end})
    lu.assertEquals(db:create_customer("Ann").created_at, T0)
    probe[db] = true
    probe[db._clock] = true
  end
  drop()
  gc()
  lu.assertNil(next(probe), "the database or its clock was not collected")
  lu.assertEquals(clocks_held(), before)
end

-- Two handles may share a function; closing one leaves the other's.
function TestClock:test_a_shared_clock()
  local clock = new_clock()
  local a = crm.open(":memory:", {clock = clock.fn})
  local b = crm.open(":memory:", {clock = clock.fn})
  a:close()
  gc()
  lu.assertEquals(b:create_customer("Ann").created_at, T0)
  b:close()
end

os.exit(lu.LuaUnit.run())
