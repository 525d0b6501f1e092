-- Consent and deleting an interaction through the Lua binding: events as
-- records (metatable crm.consent), the rule, options tables, bad input raised.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_consent.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

local T = 1767605400000 -- 2026-01-05T09:30:00Z

local function fresh()
  local db = crm.open(":memory:", {actor = "agent:test"})
  return db, db:create_customer("Ann Example")
end

TestConsent = {}

function TestConsent:test_grant_check_withdraw()
  local db, ann = fresh()
  local call = db:log(ann.id, {channel = "phone", direction = "in"})
  lu.assertFalse(db:may_contact(ann.id, "marketing", "email"))
  lu.assertNil(db:consent_decision(ann.id, "marketing", "email"))
  local g = db:grant_consent(ann.id, "marketing", "email",
                             {at = T, interaction_id = call.id, note = "said yes"})
  lu.assertEquals(getmetatable(g), crm.consent_mt)
  lu.assertEquals(g.customer_id, ann.id)
  lu.assertEquals(g.purpose, "marketing")
  lu.assertEquals(g.channel, "email")
  lu.assertTrue(g.granted)
  lu.assertEquals(g.at, T)
  lu.assertEquals(g.actor, "agent:test")
  lu.assertEquals(g.interaction_id, call.id)
  lu.assertEquals(g.note, "said yes")
  lu.assertTrue(db:may_contact(ann.id, "marketing", "email"))
  lu.assertFalse(db:may_contact(ann.id, "marketing", "sms"))
  lu.assertFalse(db:may_contact(ann.id, "marketing"))
  lu.assertEquals(db:consent_decision(ann.id, "marketing", "email").id, g.id)
  local w = db:withdraw_consent(ann.id, "marketing", nil, {at = T + 60000})
  lu.assertNil(w.channel)
  lu.assertFalse(w.granted)
  lu.assertFalse(db:may_contact(ann.id, "marketing", "email"))
  lu.assertEquals(db:consent_decision(ann.id, "marketing", "email").id, w.id)
  lu.assertStrContains(tostring(w), "withdraw marketing *")
end

function TestConsent:test_history()
  local db, ann = fresh()
  db:grant_consent(ann.id, "marketing", "email", {at = T})
  db:withdraw_consent(ann.id, "marketing", nil, {at = T + 120000})
  db:grant_consent(ann.id, "surveys", "sms", {at = T + 60000})
  local rows = {}
  for c in db:consent_history(ann.id) do
    rows[#rows + 1] = c.purpose .. "/" .. (c.channel or "*") .. "/" .. tostring(c.granted)
  end
  lu.assertEquals(rows, {"marketing/*/false", "surveys/sms/true", "marketing/email/true"})
  rows = {}
  for c in db:consent_history(ann.id, {channel = "email"}) do rows[#rows + 1] = c.channel or "*" end
  lu.assertEquals(rows, {"*", "email"})
  rows = {}
  for c in db:consent_history(ann.id, {purpose = "surveys"}) do rows[#rows + 1] = c.purpose end
  lu.assertEquals(rows, {"surveys"})
end

function TestConsent:test_refusals()
  local db, ann = fresh()
  local before = db:last_seq()
  local ok, e = pcall(db.grant_consent, db, ann.id, "Marketing")
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.EINVAL)
  ok, e = pcall(db.grant_consent, db, ann.id, "marketing", "Pigeon")
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.EINVAL)
  ok, e = pcall(db.grant_consent, db, ann.id, "marketing", nil, {at = 32503680000000})
  lu.assertFalse(ok)
  lu.assertStrContains(e.message, "future")
  ok, e = pcall(db.may_contact, db, "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b", "marketing")
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.ENOTFOUND)
  lu.assertEquals(db:last_seq(), before)
end

function TestConsent:test_delete_interaction()
  local db, ann = fresh()
  local first = db:log(ann.id, {channel = "email", direction = "in",
                                summary = "mistakenly logged kumquat"})
  local reply = db:log(ann.id, {channel = "email", direction = "in", reply_to = first.id})
  local n = 0
  for _ in db:search("kumquat") do n = n + 1 end
  lu.assertEquals(n, 1)
  db:delete_interaction(first.id)
  n = 0
  for _ in db:search("kumquat") do n = n + 1 end
  lu.assertEquals(n, 0)
  local ok, e = pcall(db.interaction, db, first.id)
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.ENOTFOUND)
  local r = db:interaction(reply.id)
  lu.assertNil(r.reply_to)
  lu.assertEquals(r.thread_id, reply.id)
  db:grant_consent(ann.id, "marketing", nil, {interaction_id = reply.id})
  ok, e = pcall(db.delete_interaction, db, reply.id)
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.ESTATE)
end

os.exit(lu.LuaUnit.run())
