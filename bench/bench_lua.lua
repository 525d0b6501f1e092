#!/usr/bin/env lua5.4
--[[ libcrm from Lua 5.4: the core work of a contact centre through the Lua
binding: bench_python.py's work, named as in the C benchmark
(bench_core.c) where the work is the same, so that the report can set each
rate against C's at the same size and operation (bench/report.py makes the
comparison; this script judges nothing). promise_pair_batch has no C
counterpart (C's promise_batch makes promises without keeping them).

  import              N customers with one phone number each, given in
                      E.164, in transactions of 10000;
  lookup              caller-ID lookups of random customers, given in E.164
                      ("+14152000042");
  timeline            the newest 50 interactions of a customer who has more;
  log_batch           interactions logged in transactions of 10000 (N of
                      them, at most 20000);
  log_single          an interaction logged in a transaction of its own;
  promise_pair_batch  a promise made, then kept, in transactions of 10000
                      (N/10 pairs, 100 to 2000);
  promise_pair        a promise made, then kept, each in a transaction of
                      its own.

Reads are the fastest of three rounds; writes run once. Times are wall
clock in milliseconds (crm.now(); Lua has no finer clock), so every
timed step is long enough for that to matter little. Each size runs in a
process of its own so that its peak RSS is its own. The database is a
temporary file in $TMPDIR (or /tmp), WAL, synchronous=FULL by default.

  LUA_CPATH='build/release/bindings/lua/?.so' lua5.4 bench/bench_lua.lua \
      --sizes 10000,100000 --json build/bench/lua.json
]]

local crm = require "crm"

-- the C benchmark's fixed values (bench.h)
local ACTOR, OWNER, HANDLED_BY = "bench", "team:billing", "agent:alice"
local REASON, WHAT = "billing.invoice", "Call back with the corrected invoice"
local BATCH = 10000              -- customers per import transaction
local PAGE = 50
local SEEDED = PAGE + 5          -- interactions per busy customer: more than a page
local SEED_T0 = 1700000000000    -- seeded interactions are a minute apart from here
local ROUNDS = 3
local DAY = 86400000

local OPS = {
  {"import", "bulk import: customer + phone (10k/txn)", "customers/s"},
  {"lookup", "caller-ID lookup (E.164)", "lookups/s"},
  {"timeline", "timeline: newest 50 of a customer", "pages/s"},
  {"log_batch", "log interaction + journal (10k/txn)", "interactions/s"},
  {"log_single", "log interaction + journal (own txn)", "interactions/s"},
  {"promise_pair_batch", "promise make + keep (10k/txn)", "promises/s"},
  {"promise_pair", "promise make + keep (own txns)", "promises/s"},
}

local function fail(fmt, ...)
  io.stderr:write("bench_lua: ", string.format(fmt, ...), "\n")
  os.exit(1)
end

-- ---- the workload: bench_python.py's (and the numbers and probes of
-- bench_core.c) --------------------------------------------------------------

-- x mod n for x read as an unsigned 64-bit integer, as C's uint64_t % does
local function umod(x, n)
  if x >= 0 then return x % n end
  return (((x >> 1) % n) * 2 + (x & 1)) % n  -- x = 2 * (x >>> 1) + low bit
end

local function clamp(v, lo, hi) return math.max(lo, math.min(hi, v)) end

local function workload(n)
  local w = {n = n, names = {}, e164 = {}, probe = {}}
  for i = 0, n - 1 do
    w.names[i] = string.format("Customer %07d", i)
    w.e164[i] = string.format("+1415%03d%04d", 200 + i // 10000, i % 10000)
  end
  w.lookups = clamp(n, 200, 20000)
  w.pages = clamp(n // 10, 20, 1000)
  w.singles = clamp(n // 50, 10, 200)
  w.pairs = clamp(n // 100, 5, 100)
  w.batch_logs = clamp(n, 200, 20000)
  w.batch_pairs = clamp(n // 10, 100, 2000)
  w.nbusy = clamp(n // 100, 1, 100)
  w.busy = {}
  for b = 0, w.nbusy - 1 do w.busy[b] = b * n // w.nbusy end
  local state = 0x9e3779b97f4a7c15   -- xorshift64*, the C bench's seed
  for k = 0, w.lookups - 1 do
    state = state ~ (state >> 12)
    state = state ~ (state << 25)
    state = state ~ (state >> 27)
    w.probe[k] = umod(state * 0x2545f4914f6cdd1d, n)
  end
  return w
end

-- the customer of logged interaction or promise k
local function target(w, k) return (k * 7919 + 13) % w.n end
-- the summary of interaction k (seeded ones first, then the batched ones,
-- then singles)
local function summary(k) return string.format("Asked about invoice %d", 100000 + k) end

-- ---- timing -------------------------------------------------------------------

local now = crm.now

local function timed(f)
  local t0 = now()
  f()
  return (now() - t0) / 1000
end

local function best_of(rounds, f)
  local best
  for _ = 1, rounds do
    local t = timed(f)
    if best == nil or t < best then best = t end
  end
  return best
end

-- ---- one size, in this process -------------------------------------------------

local function peak_rss_kb()
  local f = io.open("/proc/self/status")
  if not f then return nil end
  for line in f:lines() do
    local kb = line:match("^VmHWM:%s+(%d+)")
    if kb then f:close() return tonumber(kb) end
  end
  f:close()
end

local function run(n, path, durability)
  local w = workload(n)
  local db = crm.open(path, {actor = ACTOR, default_country = "US", durability = durability})
  local ids, t = {}, {}

  t.import = timed(function()
    for b = 0, w.n - 1, BATCH do
      db:begin()
      for i = b, math.min(b + BATCH, w.n) - 1 do
        local c = db:create_customer(w.names[i])
        db:add_identity(c.id, "phone", w.e164[i], {primary = true})
        ids[i] = c.id
      end
      db:commit()
    end
  end)

  t.lookup = best_of(ROUNDS, function()
    for k = 0, w.lookups - 1 do
      local i = w.probe[k]
      if db:lookup("phone", w.e164[i]).name ~= w.names[i] then
        fail("%s found the wrong customer", w.e164[i])
      end
    end
  end)

  db:transaction(function()
    for b = 0, w.nbusy - 1 do
      for j = 0, SEEDED - 1 do
        db:log(ids[w.busy[b]], {channel = "phone", direction = "in",
                                occurred_at = SEED_T0 + j * 60000, handled_by = HANDLED_BY,
                                reason = REASON, outcome = "resolved",
                                summary = summary(b * SEEDED + j)})
      end
    end
  end)
  local first = w.nbusy * SEEDED

  t.timeline = best_of(ROUNDS, function()
    for k = 0, w.pages - 1 do
      local rows = {}
      for it in db:timeline(ids[w.busy[k % w.nbusy]], {limit = PAGE}) do rows[#rows + 1] = it end
      if #rows ~= PAGE then fail("a timeline page has %d rows", #rows) end
    end
  end)

  t.log_batch = timed(function()
    for b = 0, w.batch_logs - 1, BATCH do
      db:transaction(function()
        for k = b, math.min(b + BATCH, w.batch_logs) - 1 do
          db:log(ids[target(w, k)], {channel = "phone", direction = "in", handled_by = HANDLED_BY,
                                     reason = REASON, outcome = "resolved",
                                     summary = summary(first + k)})
        end
      end)
    end
  end)
  first = first + w.batch_logs

  t.log_single = timed(function()
    for k = 0, w.singles - 1 do
      db:log(ids[target(w, k)], {channel = "phone", direction = "in", handled_by = HANDLED_BY,
                                 reason = REASON, outcome = "resolved",
                                 summary = summary(first + k)})
    end
  end)

  t.promise_pair_batch = timed(function()
    for b = 0, w.batch_pairs - 1, BATCH do
      db:transaction(function()
        for k = b, math.min(b + BATCH, w.batch_pairs) - 1 do
          local p = db:promise(ids[target(w, k)], WHAT, now() + DAY, {owner = OWNER})
          db:keep(p.id)
        end
      end)
    end
  end)

  t.promise_pair = timed(function()
    for k = 0, w.pairs - 1 do
      local p = db:promise(ids[target(w, k)], WHAT, now() + DAY, {owner = OWNER})
      db:keep(p.id)
    end
  end)

  -- every change wrote its journal row: 2 per customer, 1 per interaction,
  -- 2 per promise
  local want = 2 * w.n + w.nbusy * SEEDED + w.batch_logs + w.singles
               + 2 * (w.batch_pairs + w.pairs)
  if db:last_seq() ~= want then
    fail("the journal has %d entries, expected %d", db:last_seq(), want)
  end
  db:close()

  local counts = {import = w.n, lookup = w.lookups, timeline = w.pages,
                  log_batch = w.batch_logs, log_single = w.singles,
                  promise_pair_batch = w.batch_pairs, promise_pair = w.pairs}
  return t, counts
end

-- ---- JSON -----------------------------------------------------------------------

local function json(v)
  local ty = type(v)
  if v == nil then return "null" end
  if ty == "boolean" then return tostring(v) end
  if ty == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    return string.format("%.6g", v)
  end
  if ty == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c)
      return string.format("\\u%04x", c:byte())
    end) .. '"'
  end
  -- a table: an array when it has [1], else an object
  local parts = {}
  if v[1] ~= nil then
    for _, x in ipairs(v) do parts[#parts + 1] = json(x) end
    return "[" .. table.concat(parts, ",") .. "]"
  end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do parts[#parts + 1] = json(tostring(k)) .. ":" .. json(v[k]) end
  return "{" .. table.concat(parts, ",") .. "}"
end

local function cpu_model()
  local f = io.open("/proc/cpuinfo")
  if not f then return "unknown" end
  for line in f:lines() do
    local m = line:match("^model name%s*:%s*(.-)%s*$")
    if m then f:close() return m end
  end
  f:close()
  return "unknown"
end

local function rm_db(path)
  for _, s in ipairs({"", "-wal", "-shm", "-journal"}) do os.remove(path .. s) end
end

-- one size in this process: its suite object as one line of JSON on stdout,
-- a readable table on stderr
local function child(n, durability)
  local dir = os.getenv("TMPDIR")
  if dir == nil or dir == "" then dir = "/tmp" end
  local path = string.format("%s/crm_bench_lua.%d.%d.crm", dir, n, math.random(1, 1 << 30))
  rm_db(path)
  local ok, t, counts = pcall(run, n, path, durability)
  rm_db(path)
  if not ok then fail("%s", tostring(t)) end
  local results = {}
  io.stderr:write(string.format("libcrm %s from Lua (%s): %d customers, WAL, synchronous=%s\n",
                                crm.version, _VERSION, n, durability:upper()))
  for _, o in ipairs(OPS) do
    local op = o[1]
    local s = t[op]
    local rate = s > 0 and math.floor(counts[op] / s * 10 + 0.5) / 10 or 0
    io.stderr:write(string.format("  %-40s %10.0f %s\n", o[2], rate, o[3]))
    -- baseline, ratio, target: filled in by report.py from the C benchmark
    results[#results + 1] = {op = op, what = o[2], unit = o[3], n = counts[op], libcrm = rate,
                             baseline_name = "raw SQLite (C)"}
  end
  io.stderr:write(string.format("  peak RSS %.1f MiB\n\n", (peak_rss_kb() or 0) / 1024))
  io.write(json({suite = "lua", size = n, results = results,
                 peak_rss_kb = {libcrm = peak_rss_kb()}, cpu = cpu_model(),
                 date = os.date("%Y-%m-%d"), libcrm_version = crm.version,
                 interpreter = _VERSION, durability = durability}), "\n")
end

-- ---- the driver -------------------------------------------------------------------

local function usage(msg)
  io.stderr:write("bench_lua: ", msg, "\nusage: lua5.4 bench_lua.lua [--sizes N,N,...] ",
                  "[--json PATH] [--durability full|normal]\n")
  os.exit(2)
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function main(argv)
  local sizes, out, durability, size = "10000", nil, "full", nil
  local i = 1
  while i <= #argv do
    local a, v = argv[i], argv[i + 1]
    if a == "--sizes" and v then sizes = v
    elseif a == "--json" and v then out = v
    elseif a == "--durability" and (v == "full" or v == "normal") then durability = v
    elseif a == "--size" and v then size = math.tointeger(tonumber(v))
    else usage("bad argument '" .. tostring(a) .. "'") end
    i = i + 2
  end
  math.randomseed(os.time(), crm.now())
  if size then return child(size, durability) end

  -- the interpreter this runs in: the lowest negative index of arg
  local k = -1
  while arg[k - 1] ~= nil do k = k - 1 end
  local interp = arg[k] or "lua5.4"
  local suites = {}
  for s in sizes:gmatch("[^,]+") do
    local n = math.tointeger(tonumber(s))
    if not n or n < 1 or n > 8000000 then
      usage("--sizes: each a whole number from 1 to 8000000")
    end
    local p = io.popen(string.format("%s %s --size %d --durability %s", shell_quote(interp),
                                     shell_quote(arg[0]), n, durability))
    local line = p:read("a")
    local ok = p:close()
    if not ok or line == "" then fail("the run at %d customers failed", n) end
    suites[#suites + 1] = (line:gsub("%s+$", ""))
  end
  if out then
    local f = assert(io.open(out, "w"))
    f:write("[\n", table.concat(suites, ",\n"), "\n]\n")
    f:close()
  end
end

main(arg)
