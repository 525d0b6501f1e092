-- Reports from Lua: db:report(name [, options]) iterates over tables of the
-- report's columns by name (NULL absent, times in ms); bad names and options
-- raise crm.Error with code CRM_EINVAL.
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local DAY = 86400000
local T0 = 20514 * DAY -- Monday 2026-03-02 00:00 UTC

local function fixture()
  local db = crm.open(":memory:", {default_country = "US"})
  local a = db:create_customer("Ann")
  local b = db:create_customer("Bob")
  db:set_customer_owner(b.id, "team:b")
  for _, r in ipairs({
      {a, "phone", "billing.double_charge", T0}, {a, "email", "billing.refund", T0 + 1},
      {b, "phone", "billing", T0 + 2}, {b, "ivr", "menu.balance", T0 + 3},
      {b, "chat", nil, T0 + 4}, {a, "whatsapp", "tech", T0 + 40 * DAY}}) do
    db:log(r[1].id, {channel = r[2], direction = "in", reason = r[3], occurred_at = r[4]})
  end
  local p = db:promise(a.id, "Refund", T0 + DAY, {owner = "agent:ann", at = T0})
  db:keep(p.id, {at = T0 + 2 * DAY})
  return db
end

local function rows(it, state, init, cur)
  local out = {}
  for r in it, state, init, cur do out[#out + 1] = r end
  return out
end

TestReport = {}
function TestReport:test_reasons()
  local db = fixture()
  local r = rows(db:report("reasons", {from = T0, to = T0 + DAY, depth = 1}))
  lu.assertEquals(#r, 3)
  lu.assertEquals(r[1].reason, "billing")
  lu.assertEquals(r[1].contacts, 3)
  lu.assertNil(r[1].channel)
  lu.assertAlmostEquals(r[1].share, 0.6, 1e-9)
  lu.assertEquals(r[2].reason, "menu")
  lu.assertNil(r[3].reason) -- the contacts with no reason, last of equal counts
  lu.assertAlmostEquals(r[3].cumulative_share, 1.0, 1e-9)
  local s = rows(db:report("reasons", {from = T0, to = T0 + DAY, depth = 1, by_channel = true}))
  lu.assertEquals({s[2].reason, s[2].channel, s[2].contacts}, {"billing", "phone", 2})
  local w = rows(db:report("reasons", {channels = {"whatsapp"}}))
  lu.assertEquals(#w, 1)
  lu.assertEquals(w[1].reason, "tech")
  db:close()
end

function TestReport:test_every_report()
  local db = fixture()
  for _, name in ipairs({"repeats", "fcr", "handover", "keep_rate", "channel_mix"}) do
    lu.assertTrue(#rows(db:report(name, {period = "week", as_of = T0 + 10 * DAY})) > 0, name)
  end
  local k = rows(db:report("keep_rate", {owner = nil}))
  lu.assertEquals(k[#k].made, 1)
  lu.assertEquals(k[#k].kept_late, 1)
  lu.assertNil(k[#k].owner)
  local m = rows(db:report("channel_mix", {period = "month"}))
  lu.assertEquals(m[1].period_start, 20513 * DAY) -- 2026-03-01
  lu.assertEquals(m[1].direction, "in")
  db:close()
end

function TestReport:test_bad_input()
  local db = fixture()
  local function einval(frag, ...)
    local ok, e = pcall(db.report, db, ...)
    lu.assertFalse(ok)
    lu.assertEquals(e.code, ll.CRM_EINVAL)
    lu.assertStrContains(e.message, frag)
  end
  einval("no report", "pareto")
  einval("no report", 5)
  einval("depth", "reasons", {depth = 9})
  einval("from/to", "reasons", {from = T0, to = T0})
  einval("period", "channel_mix", {period = "year"})
  einval("owner", "keep_rate", {owner = " x"})
  db:close()
end

os.exit(lu.LuaUnit.run())
