-- What the methods added or changed in 0.3 do: a method that changes a
-- record returns the record as it is after the change (docs/lua.md, "What
-- a change returns"); db:attrs(id) gives a customer's attributes; the
-- timeline takes an outcomes filter.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_methods.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local MISSING = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"
local DUE = 1893456000000  -- 2030-01-01T00:00Z
local DAY = 86400000

local function err_of(f, ...)
  local ok, e = pcall(f, ...)
  lu.assertFalse(ok, "expected an error")
  lu.assertEquals(getmetatable(e), crm.error_mt)
  return e
end

local function ids(iter)
  local t = {}
  for r in iter do t[#t + 1] = r.id end
  return t
end

local function open()
  local db = crm.open(":memory:", {actor = "agent:test", default_country = "US"})
  return db, db:create_customer("Ann Example")
end

TestChanges = {}

function TestChanges:test_rename_archive_unarchive_return_the_customer()
  local db, ann = open()
  local c = db:rename_customer(ann.id, "Ann Other")
  lu.assertEquals(getmetatable(c), crm.customer_mt)
  lu.assertEquals({c.id, c.name}, {ann.id, "Ann Other"})
  lu.assertEquals(c, db:customer(ann.id))
  c = db:archive_customer(ann.id)
  lu.assertTrue(c.archived)
  lu.assertEquals(c, db:customer(ann.id))
  c = db:unarchive_customer(ann.id)
  lu.assertFalse(c.archived)
  lu.assertEquals(c, db:customer(ann.id))
end

function TestChanges:test_set_customer_owner_returns_the_customer()
  local db, ann = open()
  local c = db:set_customer_owner(ann.id, "team:billing")
  lu.assertEquals(getmetatable(c), crm.customer_mt)
  lu.assertEquals({c.id, c.owner}, {ann.id, "team:billing"})
  lu.assertEquals(c, db:customer(ann.id))
  c = db:set_customer_owner(ann.id, nil)
  lu.assertNil(c.owner)
  lu.assertEquals(c, db:customer(ann.id))
end

function TestChanges:test_set_identity_flags_returns_the_identity()
  local db, ann = open()
  db:add_identity(ann.id, "phone", "+1 415 555 0100")
  local i = db:set_identity_flags(ann.id, "phone", "(415) 555-0100",
                                  {primary = true, verified = true})
  lu.assertEquals(getmetatable(i), crm.identity_mt)
  lu.assertEquals({i.primary, i.verified, i.shared, i.flags}, {true, true, false, 3})
  lu.assertEquals(i, db:identity(ann.id, "phone", "+14155550100"))
  i = db:set_identity_flags(ann.id, "phone", "+14155550100", {shared = true})
  lu.assertEquals({i.primary, i.verified, i.shared, i.customer_id}, {false, false, true, ann.id})
end

function TestChanges:test_interaction_setters_return_the_interaction()
  local db, ann = open()
  local it = db:log(ann.id, {channel = "phone", reason = "billing"})
  local got = db:set_outcome(it.id, "resolved")
  lu.assertEquals(getmetatable(got), crm.interaction_mt)
  lu.assertEquals(got.outcome, "resolved")
  lu.assertEquals(got, db:interaction(it.id))
  got = db:set_reason(it.id, "billing.refund")
  lu.assertEquals({got.reason, got.outcome}, {"billing.refund", "resolved"})
  got = db:set_summary(it.id, "refunded")
  lu.assertEquals(got.summary, "refunded")
  local seq = db:last_seq()
  got = db:set_outcome(it.id, nil)     -- nil clears it, as log takes it
  lu.assertEquals(got.outcome, "none")
  lu.assertEquals(db:interaction(it.id).outcome, "none")
  lu.assertEquals(db:last_seq(), seq + 1)
  got = db:set_outcome(it.id, "resolved")
  lu.assertEquals(got, db:interaction(it.id))
  lu.assertNil(db:set_summary(it.id, nil).summary)
  got = db:set_public(it.id, true)
  lu.assertTrue(got.public)
  lu.assertEquals(got, db:interaction(it.id))
  local seq = db:last_seq()
  lu.assertEquals(db:set_public(it.id, true), got)  -- already so: nothing journaled
  lu.assertEquals(db:last_seq(), seq)
  lu.assertFalse(db:set_public(it.id, false).public)
end

function TestChanges:test_promise_transitions_return_the_promise()
  local db, ann = open()
  local p0 = db:promise(ann.id, "Call back", DUE, {owner = "agent:alice"})
  local p = db:renegotiate(p0.id, DUE + DAY, "asked", true)
  lu.assertEquals(getmetatable(p), crm.promise_mt)
  lu.assertEquals({p.state, p.due_at, p.renegotiations}, {"open", DUE + DAY, 1})
  lu.assertEquals(p, db:get_promise(p0.id))
  local call = db:log(ann.id, {channel = "phone"})
  p = db:keep(p0.id, {interaction_id = call.id, note = "done"})
  lu.assertEquals({p.state, p.kept_by}, {"kept", call.id})
  lu.assertNotNil(p.closed_at)
  lu.assertEquals(p, db:get_promise(p0.id))
  local q = db:promise(ann.id, "Ship", DUE, {owner = "agent:bob"})
  p = db["break"](db, q.id, "out of stock")
  lu.assertEquals(p.state, "broken")
  lu.assertEquals(p, db:get_promise(q.id))
  q = db:promise(ann.id, "Ship", DUE, {owner = "agent:bob"})
  lu.assertEquals(db:break_(q.id, "again").state, "broken")
  local r = db:promise(ann.id, "Visit", DUE, {owner = "agent:bob"})
  p = db:release(r.id, "not needed")
  lu.assertEquals(p.state, "released")
  lu.assertEquals(p, db:get_promise(r.id))
end

function TestChanges:test_promise_steps_return_the_promise_at_their_time()
  local db, ann = open()
  local now = math.floor(crm.now() / 1000) * 1000
  local p = db:promise(ann.id, "Refund", now - 8 * DAY, {owner = "agent:a", at = now - 10 * DAY})
  p = db:renegotiate(p.id, now - 2 * DAY, "part late", false, now - 5 * DAY)
  lu.assertEquals({p.due_at, p.first_due_at, p.renegotiations}, {now - 2 * DAY, now - 8 * DAY, 1})
  p = db:keep(p.id, {at = now - DAY})
  lu.assertEquals({p.state, p.closed_at, p.kept_late}, {"kept", now - DAY, true})
  lu.assertEquals(p, db:get_promise(p.id))
  local q = db:promise(ann.id, "Ship", now + DAY, {owner = "agent:b", at = now - DAY})
  lu.assertEquals(db:break_(q.id, "gone", now).closed_at, now)
  local r = db:promise(ann.id, "Visit", now + DAY, {owner = "agent:b", at = now - DAY})
  lu.assertEquals(db:release(r.id, nil, now - DAY).closed_at, now - DAY)
end

function TestChanges:test_a_refused_change_raises_and_changes_nothing()
  local db, ann = open()
  local p = db:promise(ann.id, "Call back", DUE, {owner = "agent:alice"})
  db:keep(p.id)
  db:archive_customer(ann.id)
  local it = db:log(ann.id, {channel = "phone"})
  local seq = db:last_seq()
  lu.assertEquals(err_of(db.keep, db, p.id).code, crm.ESTATE)
  lu.assertEquals(err_of(db.release, db, p.id).code, crm.ESTATE)
  lu.assertEquals(err_of(db.archive_customer, db, ann.id).code, crm.ESTATE)
  lu.assertEquals(err_of(db.rename_customer, db, MISSING, "X").code, crm.ENOTFOUND)
  lu.assertEquals(err_of(db.set_identity_flags, db, ann.id, "phone", "+14155550199").code,
                  crm.ENOTFOUND)
  lu.assertEquals(err_of(db.set_public, db, MISSING, true).code, crm.ENOTFOUND)
  lu.assertEquals(err_of(db.set_reason, db, it.id, "no spaces allowed").code, crm.EINVAL)
  lu.assertEquals(db:last_seq(), seq)
end

TestAttrs = {}

function TestAttrs:test_attrs_is_a_table_of_the_attributes()
  local db, ann = open()
  lu.assertEquals(db:attrs(ann.id), {})
  db:set_attr(ann.id, "plan", "gold")
  db:set_attr(ann.id, "note", "Zoë")
  db:set_attr(ann.id, "empty", "")
  lu.assertEquals(db:attrs(ann.id), {plan = "gold", note = "Zoë", empty = ""})
  db:unset_attr(ann.id, "plan")
  lu.assertEquals(db:attrs(ann.id), {note = "Zoë", empty = ""})
end

function TestAttrs:test_attrs_refuses_as_the_other_methods()
  local db, ann = open()
  lu.assertEquals(err_of(db.attrs, db, MISSING).code, crm.ENOTFOUND)
  lu.assertEquals(err_of(db.attrs, db, "not-an-id").code, crm.EINVAL)
  lu.assertEquals(err_of(db.attrs, db, 42).code, crm.EINVAL)
  db:close()
  lu.assertEquals(err_of(db.attrs, db, ann.id).code, crm.EMISUSE)
end

function TestAttrs:test_attrs_frees_its_cursor()
  local db, ann = open()
  db:set_attr(ann.id, "plan", "gold")
  db:attrs(ann.id)
  db:close()  -- fails (EMISUSE) if a cursor were left open
  lu.assertTrue(db:is_closed())
end

TestOutcomes = {}

function TestOutcomes:test_timeline_filters_by_outcome()
  local db, ann = open()
  local at = DUE - 4 * 365 * DAY  -- 2026-01-02: logged once they happened
  local resolved = db:log(ann.id, {channel = "phone", outcome = "resolved", occurred_at = at})
  local escalated = db:log(ann.id, {channel = "email", outcome = "escalated", occurred_at = at + 1})
  local none = db:log(ann.id, {channel = "chat", occurred_at = at + 2})
  lu.assertEquals(ids(db:timeline(ann.id, {outcomes = {"resolved"}})), {resolved.id})
  lu.assertEquals(ids(db:timeline(ann.id, {outcomes = {"resolved", "escalated"}})),
                  {escalated.id, resolved.id})
  lu.assertEquals(ids(db:timeline(ann.id, {outcomes = {"none"}})), {none.id})
  lu.assertEquals(ids(db:timeline(ann.id, {outcomes = {}})), {none.id, escalated.id, resolved.id})
  lu.assertEquals(ids(db:timeline(ann.id, {outcomes = {"escalated"}, channels = {"phone"}})), {})
  db:set_outcome(none.id, "resolved")
  lu.assertEquals(ids(db:timeline(ann.id, {outcomes = {"resolved"}})), {none.id, resolved.id})
end

function TestOutcomes:test_a_bad_outcome_is_refused()
  local db, ann = open()
  local e = err_of(db.timeline, db, ann.id, {outcomes = {"resolved", "lost"}})
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "crm_outcome_parse: 'lost' is not an outcome")
  lu.assertEquals(err_of(db.timeline, db, ann.id, {outcomes = "resolved"}).code, crm.EINVAL)
  lu.assertEquals(err_of(db.timeline, db, ann.id, {outcomes = {1}}).code, crm.EINVAL)
end

os.exit(lu.LuaUnit.run())
