-- Records are made in C in one call (the _* calls of bindings/crm.i): each
-- must hold what the record's accessors give, with the module's
-- conversions (flags as booleans, absent strings and an unset sentiment as
-- nil), and carry its type's metatable. Every record type is read here both
-- ways, through every call that returns one, and compared field by field.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_records.lua
package.path = "/usr/share/lua/5.4/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

local BASE = 1767268800000  -- 2026-01-01T12:00Z, in ms
local DAY = 86400000

-- A time as a record holds it: nil where there is none.
local function t(ms)
  if ms == crm.TIME_NONE then return nil end
  return ms
end

-- What each record is, read through the accessors of a low-level record.
local EXPECTED = {
  customer = function(c)
    return {id = crm.crm_customer_id(c), name = crm.crm_customer_name(c),
            kind = crm.crm_customer_kind_name(crm.crm_customer_kind(c)),
            created_at = t(crm.crm_customer_created_at(c)), updated_at = t(crm.crm_customer_updated_at(c)),
            archived = crm.crm_customer_is_archived(c) == 1}
  end,
  identity = function(i)
    local flags = crm.crm_identity_flags(i)
    return {kind = crm.crm_identity_kind(i), value = crm.crm_identity_value(i),
            key = crm.crm_identity_key(i), customer_id = crm.crm_identity_customer_id(i),
            flags = flags, primary = flags & crm.CRM_IDENTITY_PRIMARY ~= 0,
            verified = flags & crm.CRM_IDENTITY_VERIFIED ~= 0,
            shared = flags & crm.CRM_IDENTITY_SHARED ~= 0,
            created_at = t(crm.crm_identity_created_at(i))}
  end,
  journal_entry = function(e)
    return {seq = crm.crm_journal_entry_seq(e), at = t(crm.crm_journal_entry_at(e)),
            actor = crm.crm_journal_entry_actor(e), entity = crm.crm_journal_entry_entity(e),
            entity_id = crm.crm_journal_entry_entity_id(e), op = crm.crm_journal_entry_op(e),
            data = crm.crm_journal_entry_data(e)}
  end,
  interaction = function(i)
    local s = crm.crm_interaction_sentiment(i)
    return {id = crm.crm_interaction_id(i), customer_id = crm.crm_interaction_customer_id(i),
            channel = crm.crm_channel_name(crm.crm_interaction_channel(i)),
            direction = crm.crm_direction_name(crm.crm_interaction_direction(i)),
            occurred_at = t(crm.crm_interaction_occurred_at(i)),
            handled_by = crm.crm_interaction_handled_by(i), reason = crm.crm_interaction_reason(i),
            outcome = crm.crm_outcome_name(crm.crm_interaction_outcome(i)),
            public = crm.crm_interaction_is_public(i) == 1,
            sentiment = (s ~= crm.CRM_SENTIMENT_NONE) and s or nil,
            summary = crm.crm_interaction_summary(i), body = crm.crm_interaction_body(i),
            thread_id = crm.crm_interaction_thread_id(i), reply_to = crm.crm_interaction_reply_to(i),
            external_ref = crm.crm_interaction_external_ref(i)}
  end,
  promise = function(p)
    return {id = crm.crm_promise_id(p), customer_id = crm.crm_promise_customer_id(p),
            interaction_id = crm.crm_promise_interaction_id(p), owner = crm.crm_promise_owner(p),
            what = crm.crm_promise_what(p),
            state = crm.crm_promise_state_name(crm.crm_promise_state(p)),
            due_at = t(crm.crm_promise_due_at(p)), made_at = t(crm.crm_promise_made_at(p)),
            closed_at = t(crm.crm_promise_closed_at(p)), kept_by = crm.crm_promise_kept_by(p),
            overdue = crm.crm_promise_is_overdue(p, crm.crm_now()) == 1,
            kept_late = crm.crm_promise_was_kept_late(p) == 1,
            renegotiations = crm.crm_promise_renegotiations(p),
            first_due_at = t(crm.crm_promise_first_due_at(p))}
  end,
  occasion = function(o)
    return {id = crm.crm_occasion_id(o), customer_id = crm.crm_occasion_customer_id(o),
            kind = crm.crm_occasion_kind(o), yearly = crm.crm_occasion_is_yearly(o) == 1,
            year = crm.crm_occasion_year(o), month = crm.crm_occasion_month(o),
            day = crm.crm_occasion_day(o), lead_days = crm.crm_occasion_lead_days(o),
            note = crm.crm_occasion_note(o), next_year = crm.crm_occasion_next_year(o),
            next_month = crm.crm_occasion_next_month(o), next_day = crm.crm_occasion_next_day(o),
            next_at = t(crm.crm_occasion_next_at(o)), years = crm.crm_occasion_years(o)}
  end,
  member = function(m)
    return {org_id = crm.crm_member_org_id(m), person_id = crm.crm_member_person_id(m),
            role = crm.crm_member_role(m), org_name = crm.crm_member_org_name(m),
            person_name = crm.crm_member_person_name(m), since = t(crm.crm_member_since(m))}
  end,
  promise_event = function(e)
    return {kind = crm.crm_promise_event_kind_name(crm.crm_promise_event_kind(e)),
            at = t(crm.crm_promise_event_at(e)), actor = crm.crm_promise_event_actor(e),
            old_due = t(crm.crm_promise_event_old_due(e)), new_due = t(crm.crm_promise_event_new_due(e)),
            customer_agreed = crm.crm_promise_event_customer_agreed(e) == 1,
            interaction_id = crm.crm_promise_event_interaction_id(e),
            note = crm.crm_promise_event_note(e)}
  end,
}

-- record (from the module) holds exactly what the accessors of the
-- low-level record give (integers as integers), with its type's metatable
local function same(what, record, low)
  lu.assertEquals(getmetatable(record), crm[what .. "_mt"])
  local want = EXPECTED[what](low)
  local got = {}
  for k, v in pairs(record) do got[k] = v end
  lu.assertEquals(got, want)
  for k, v in pairs(want) do
    lu.assertEquals(math.type(got[k]), math.type(v), k)
  end
end

-- each record of a module iterator against the low-level record a
-- low-level cursor over the same rows lends at the same step (valid until
-- its next call); both end together. Returns how many.
local function lockstep(what, iter, cur, next_fn, free_fn)
  local n = 0
  for r in iter do
    same(what, r, next_fn(cur))
    n = n + 1
  end
  lu.assertNil(next_fn(cur))
  free_fn(cur)
  return n
end

local function full()
  local db = crm.open(":memory:", {actor = "agent:test", default_country = "US"})
  local ann = db:create_customer("Ann Zoë 山田")
  local org = db:create_customer("Acme", "organisation")
  db:archive_customer(org.id)
  db:add_member(org.id, ann.id, "billing contact")
  db:add_identity(ann.id, "phone", "(415) 555-0100", {primary = true})
  db:add_identity(ann.id, "email", "ann@example.com", {verified = true})
  local a = db:log(ann.id, {channel = "phone", occurred_at = BASE, handled_by = "agent:alice",
                            reason = "billing.refund", outcome = "resolved", public = true,
                            sentiment = -2, summary = "Charged twice", body = "line 1\nline 2",
                            external_ref = "call-1"})
  db:log(ann.id, {channel = "email", direction = "out", reply_to = a.id, sentiment = 0})
  local p = db:promise(ann.id, "Refund", BASE + DAY, {owner = "agent:alice", interaction_id = a.id})
  db:renegotiate(p.id, BASE + 2 * DAY, "asked", true)
  db:keep(p.id, {interaction_id = a.id, note = "done"})
  db:promise(ann.id, "Call back", 1000000000000, {owner = "agent:bob"})
  db:add_occasion(ann.id, "birthday", {month = 3, day = 4, lead_days = 7, note = "cake"})
  db:add_occasion(ann.id, "renewal", {month = 12, day = 31, year = 2030, yearly = false})
  return db, ann, org, a, p
end

TestRecords = {}

function TestRecords:test_customers()
  local db <close>, ann, org = full()
  for _, c in ipairs({ann, org}) do
    same("customer", db:customer(c.id), crm.crm_customer_get(db._h, c.id))
  end
  same("customer", db:lookup("phone", "+14155550100"),
       crm.crm_identity_lookup(db._h, "phone", "+14155550100"))
  same("customer", db:resolve("ann@example.com"),
       crm.crm_customer_resolve(db._h, "ann@example.com"))
  lu.assertEquals(lockstep("customer", db:resolve_all("4155550100"),
                           crm.crm_customer_resolve_open(db._h, "4155550100"),
                           crm.crm_customer_cursor_next, crm.crm_customer_cursor_free), 1)
  lu.assertEquals(lockstep("customer", db:holders("email", "ann@example.com"),
                           crm.crm_customer_holders_open(db._h, "email", "ann@example.com"),
                           crm.crm_customer_cursor_next, crm.crm_customer_cursor_free), 1)
  local cur = crm.crm_swig_customer_list_open(db._h, 0, nil, nil, crm.CRM_ARCHIVED_INCLUDE, crm.TIME_NONE,
                                              crm.TIME_NONE,
                                              nil, 0, crm.CRM_ORDER_CREATED)
  lu.assertEquals(lockstep("customer", db:customers{archived = "include"}, cur,
                           crm.crm_customer_cursor_next, crm.crm_customer_cursor_free), 2)
end

function TestRecords:test_identities()
  local db <close>, ann = full()
  same("identity", db:identity(ann.id, "email", "ANN@example.com"),
       crm.crm_identity_get(db._h, ann.id, "email", "ANN@example.com"))
  lu.assertEquals(lockstep("identity", db:identities(ann.id), crm.crm_identity_list_open(db._h, ann.id),
                           crm.crm_identity_cursor_next, crm.crm_identity_cursor_free), 2)
  local i = db:add_identity(ann.id, "email", "ann@work.example",
                            {primary = true, verified = true, shared = true})
  same("identity", i, crm.crm_identity_get(db._h, ann.id, "email", "ann@work.example"))
  lu.assertTrue(i.shared)
end

function TestRecords:test_journal()
  local db <close> = full()
  lu.assertTrue(lockstep("journal_entry", db:journal(), crm.crm_journal_entry_list_open(db._h, 0),
                         crm.crm_journal_entry_cursor_next, crm.crm_journal_entry_cursor_free) > 10)
end

function TestRecords:test_interactions()
  local db <close>, ann, _, a = full()
  local cur = crm.crm_swig_timeline_open(db._h, ann.id, 0, crm.TIME_NONE, crm.TIME_NONE, nil, 0, 0, 0,
                                        nil, 0, nil)
  lu.assertEquals(lockstep("interaction", db:timeline(ann.id), cur, crm.crm_interaction_cursor_next,
                           crm.crm_interaction_cursor_free), 2)
  same("interaction", a, crm.crm_interaction_get(db._h, a.id))
  same("interaction", db:interaction(a.id), crm.crm_interaction_get(db._h, a.id))
  same("interaction", db:interaction_by_ref("phone", "call-1"),
       crm.crm_interaction_get_by_ref(db._h, crm.CRM_CHANNEL_PHONE, "call-1"))
  lu.assertEquals(lockstep("interaction", db:thread(a.id), crm.crm_interaction_thread_open(db._h, a.id, nil),
                           crm.crm_interaction_cursor_next, crm.crm_interaction_cursor_free), 2)
end

function TestRecords:test_promises()
  local db <close>, ann, _, _, p = full()
  local cur = crm.crm_swig_promise_list_open(db._h, ann.id, nil, 0, crm.TIME_NONE, crm.TIME_NONE,
                                            nil, 0)
  lu.assertEquals(lockstep("promise", db:promises{customer_id = ann.id}, cur,
                           crm.crm_promise_cursor_next, crm.crm_promise_cursor_free), 2)
  same("promise", db:get_promise(p.id), crm.crm_promise_get(db._h, p.id))
  lu.assertEquals(lockstep("promise_event", db:promise_history(p.id),
                           crm.crm_promise_event_list_open(db._h, p.id),
                           crm.crm_promise_event_cursor_next, crm.crm_promise_event_cursor_free), 3)
  local q = db:promise(ann.id, "Later", 2000000000000, {owner = "agent:c"})
  same("promise", q, crm.crm_promise_get(db._h, q.id))
end

function TestRecords:test_occasions_and_members()
  local db <close>, ann, org = full()
  lu.assertEquals(lockstep("occasion", db:occasions(ann.id), crm.crm_occasion_list_open(db._h, ann.id),
                           crm.crm_occasion_cursor_next, crm.crm_occasion_cursor_free), 2)
  lu.assertTrue(lockstep("occasion", db:upcoming("2026-01-01", 5 * 365),
                         crm.crm_occasion_upcoming_open(db._h, 2026, 1, 1, 5 * 365),
                         crm.crm_occasion_cursor_next, crm.crm_occasion_cursor_free) > 2)
  local o = db:add_occasion(ann.id, "anniversary", {month = 2, day = 29, lead_days = 1})
  same("occasion", o, crm.crm_occasion_get(db._h, o.id))
  for _, who in ipairs({org, ann}) do
    lu.assertEquals(lockstep("member", db:members(who.id), crm.crm_member_list_open(db._h, who.id),
                             crm.crm_member_cursor_next, crm.crm_member_cursor_free), 1)
  end
end

os.exit(lu.LuaUnit.run())
