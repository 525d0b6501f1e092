-- Scripted callers through the console session: what each one hears, how
-- each call is logged, and what the hand-over report makes of it once the
-- agent side has logged its own part of the call.
--
-- Runs unchanged on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT, with luaunit:
--   LUA_PATH='examples/ivr/?.lua;/usr/share/lua/5.4/?.lua' \
--   LUA_CPATH='build/release/bindings/lua/?.so' lua5.4 examples/ivr/test_ivr.lua
-- IVR_TRANSCRIPT=FILE writes the transcript of the first test's call there.

local lu = require "luaunit"
local crm = require "crm"
local console = require "console"
local callflow = require "callflow"
local seed = require "seed"

local DAY_MS = 24 * 3600 * 1000

local BOB_PHONE = "+44 20 7946 0958"
local MENU = "For billing, press 1 or say billing. For orders, press 2 or say orders. " ..
             "For store hours, press 3 or say store hours. " ..
             "To talk to someone, press 0 or say agent."
local CITY = "Which city is the store in? Say London, Paris, Berlin or New York."
local MORE = "For the main menu, press 9 or say menu. To talk to someone, press 0. " ..
             "Otherwise, thank you for calling."
local PROMISE = "To hear where it stands, press 1 or say status. To talk to someone about it " ..
                "now, press 0 or say agent. For the main menu, press 9 or say menu."
local ORDERS = "You can follow every order at example dot com slash orders, with the order " ..
               "number on your receipt."
local LONDON = "Our London store is open Monday to Saturday, 9 am to 6 pm."
local THROUGH = "Putting you through to someone now."
local TROUBLE = "Sorry, I am having trouble understanding. Let me put you through to someone " ..
                "who can help."
local BYE = "Thank you for calling. Goodbye."

-- "Sunday, 6 December" the way a person reads a calendar (C locale names),
-- with the year when it is not this one.
local function spoken_date(ms)
  local t = math.floor(ms / 1000)
  local s = os.date("%A, ", t) .. string.format("%d", tonumber(os.date("%d", t))) ..
            os.date(" %B", t)
  if os.date("%Y", t) ~= os.date("%Y") then s = s .. os.date(" %Y", t) end
  return s
end

local function remove_db(path)
  os.remove(path)
  os.remove(path .. "-wal")
  os.remove(path .. "-shm")
end

local function tmp_path()
  local p = os.tmpname()
  remove_db(p)
  return p .. ".crm"
end

local calls = 0

-- One call from `ani` with the caller's `inputs`; every input must be read.
local function call(ctx, ani, inputs, options)
  calls = calls + 1
  local s = console.session{ani = ani, inputs = inputs,
                            uuid = string.format("test-call-%d", calls)}
  local cfg = {db = ctx.path, asr_engine = "console"}
  for k, v in pairs(options or {}) do cfg[k] = v end
  local outcome = callflow.run(s, cfg)
  lu.assertEquals(s:unread(), 0, "the call ended before the caller's script did")
  return s, outcome
end

local function ivr_calls(db, customer_id)
  local list = {}
  for it in db:timeline(customer_id, {channels = {"ivr"}}) do list[#list + 1] = it end
  return list
end

local function handover(db, depth)
  local rows = {}
  for row in db:report("handover", {depth = depth}) do rows[row.reason] = row end
  return rows
end

local function assert_logged(it, reason, outcome, summary, body)
  lu.assertEquals(it.channel, "ivr")
  lu.assertEquals(it.direction, "in")
  lu.assertEquals(it.handled_by, "ivr:main-menu")
  lu.assertEquals(it.reason, reason)
  lu.assertEquals(it.outcome, outcome)
  lu.assertEquals(it.summary, summary)
  lu.assertEquals(it.body, body)
end

-- What a contact centre desktop logs when the agent takes the call: now,
-- moments after the IVR call began (an interaction is logged once it
-- happened, so not a minute later than that, which is still to come).
local function agent_answers(db, ivr_call)
  local now = crm.now()
  lu.assertTrue(now >= ivr_call.occurred_at)
  return db:log(ivr_call.customer_id, {channel = "phone", direction = "in",
                                       occurred_at = now,
                                       handled_by = "agent:alice", reason = "hours",
                                       outcome = "resolved"})
end

TestIvr = {}

function TestIvr:setUp()
  self.path = tmp_path()
  self.db = crm.open(self.path, {actor = "test", default_country = "US"})
  self.jane, self.promise = seed.seed(self.db)
  self.bob = self.db:create_customer("Bob Stone")
  self.db:add_identity(self.bob.id, "phone", BOB_PHONE, {primary = true})
end

function TestIvr:tearDown()
  self.db:close()
  remove_db(self.path)
end

-- Jane's number is stored "+1 415 555 0100"; the carrier sends 11 digits.
-- She hears about the overdue promise first, asks for its status, then the
-- store hours; the city is heard with low confidence and confirmed.
function TestIvr:test_known_caller_overdue_promise()
  local p = self.promise
  lu.assertTrue(p.overdue)
  local s, outcome = call(self, "14155550100",
                          {"1", "9", "store hours 0.91", "London 0.42", "1", ""})
  lu.assertEquals(outcome, "resolved")
  lu.assertEquals(s.spoken, {
    "Hello Jane Doe, thank you for calling Example Stores.",
    "We promised to call you back about your refund by " .. spoken_date(p.due_at) ..
      ". That date has passed, and we are sorry.",
    PROMISE,
    "We made that promise on " .. spoken_date(p.made_at) .. ", for " .. spoken_date(p.due_at) ..
      ". It is 1 day late, and it is still open with our team.",
    MORE,
    MENU,
    CITY,
    "I think you said London. Press 1 if that is right, or 2 if it is not.",
    LONDON,
    MORE,
    BYE,
  })
  lu.assertEquals(s.transcript[1], "[answer]")
  lu.assertEquals(s.transcript[#s.transcript], "[hangup NORMAL_CLEARING]")
  lu.assertNil(s.transferred)

  local logged = ivr_calls(self.db, self.jane.id)
  lu.assertEquals(#logged, 1)
  assert_logged(logged[1], "ivr.hours", "resolved", "hours of the London store at ivr.hours",
                "ivr.promise > ivr.menu > ivr.hours.city > ivr.hours")
  lu.assertEquals(logged[1].external_ref,
                  string.format("test-call-%d@%d", calls, logged[1].occurred_at))
  -- Telling the caller about a promise does not change it.
  local after = self.db:get_promise(p.id)
  lu.assertEquals(after.state, "open")
  lu.assertEquals(after.renegotiations, 0)

  -- The machine served her: the report counts the call as contained.
  local rows = handover(self.db, 0)
  lu.assertEquals(rows["ivr.hours"].ivr_contacts, 1)
  lu.assertEquals(rows["ivr.hours"].contained, 1)

  local path = os.getenv("IVR_TRANSCRIPT")
  if path and path ~= "" then
    local it = logged[1]
    local f = assert(io.open(path, "w"))
    f:write(table.concat(s.transcript, "\n"), "\n\n")
    f:write(string.format("logged: channel %s, direction %s, handled_by %s, reason %s, " ..
                          "outcome %s,\n        summary \"%s\",\n        body \"%s\"\n",
                          it.channel, it.direction, it.handled_by, it.reason, it.outcome,
                          it.summary, it.body))
    f:close()
    f = assert(io.open(path, "r"))
    local text = f:read("*a")
    f:close()
    lu.assertStrContains(text, "CALLER: London 0.42\nIVR:    I think you said London.")
  end
end

-- A promise still in time is told without an apology, and a moved date is
-- part of its status.
function TestIvr:test_open_promise_status()
  local now = crm.now()
  local p = self.db:promise(self.bob.id, "send you a replacement card", now + 2 * DAY_MS,
                            {owner = "team:cards"})
  p = self.db:renegotiate(p.id, now + 3 * DAY_MS, "card printer down", true)
  local s = call(self, BOB_PHONE, {"status 0.95", "hangup"})
  lu.assertEquals(s.spoken, {
    "Hello Bob Stone, thank you for calling Example Stores.",
    "We promised to send you a replacement card by " .. spoken_date(p.due_at) .. ".",
    PROMISE,
    "We made that promise on " .. spoken_date(p.made_at) .. ", for " .. spoken_date(p.due_at) ..
      ". It is still open with our team. The date has been moved 1 time.",
    MORE,
  })
  assert_logged(ivr_calls(self.db, self.bob.id)[1], "ivr.promise", "resolved",
                "status of a promise at ivr.promise", "ivr.promise")
end

-- A number nobody has: the call is logged on a new "Unknown caller" record
-- holding the number, which the next call from it, written another way, finds.
function TestIvr:test_unknown_caller()
  local before = self.db:count_customers()
  local s, outcome = call(self, "+1 (212) 555-0199", {"2"})
  lu.assertEquals(outcome, "resolved")
  lu.assertEquals(s.spoken, {"Thank you for calling Example Stores.", MENU, ORDERS, MORE})
  lu.assertEquals(self.db:count_customers(), before + 1)

  local c = self.db:lookup("phone", "2125550199")
  lu.assertEquals(c.name, "Unknown caller +12125550199")
  local tags = {}
  for t in self.db:tags(c.id) do tags[#tags + 1] = t end
  lu.assertEquals(tags, {"unknown-caller"})
  lu.assertEquals(self.db:identity(c.id, "phone", "+12125550199").value, "+1 (212) 555-0199")
  local logged = ivr_calls(self.db, c.id)
  lu.assertEquals(#logged, 1)
  assert_logged(logged[1], "ivr.orders", "resolved", "where to follow orders at ivr.orders",
                "ivr.menu > ivr.orders")

  -- Called again, in the national format: the same record, not greeted by
  -- a name it does not have.
  s, outcome = call(self, "(212) 555-0199", {})
  lu.assertEquals(outcome, "abandoned")
  lu.assertEquals(s.spoken, {"Thank you for calling Example Stores.", MENU})
  lu.assertEquals(self.db:count_customers(), before + 1)
  logged = ivr_calls(self.db, c.id)
  lu.assertEquals(#logged, 2)
  assert_logged(logged[1], "ivr.menu", "abandoned", "hung up at ivr.menu", "ivr.menu")
end

-- Withheld or shared numbers name no one customer: nothing is logged.
function TestIvr:test_withheld_and_shared_numbers()
  local sam = self.db:create_customer("Sam Doe")
  self.db:add_identity(sam.id, "phone", "+1 415 555 0111", {shared = true})
  local kim = self.db:create_customer("Kim Doe")
  self.db:add_identity(kim.id, "phone", "+1 415 555 0111", {shared = true})
  local before = self.db:count_customers()
  local seq = self.db:last_seq()
  for _, ani in ipairs({"anonymous", "", "4155550111"}) do
    local s, outcome = call(self, ani, {"3", "London", ""})
    lu.assertEquals(outcome, "resolved")
    lu.assertEquals(s.spoken, {"Thank you for calling Example Stores.", MENU, CITY, LONDON, MORE,
                               BYE})
    lu.assertStrContains(s.log[#s.log], "call not logged")
  end
  lu.assertEquals(self.db:count_customers(), before)
  lu.assertEquals(self.db:last_seq(), seq)
end

-- Bob presses 0 while asked for a city: a person takes over, and once the
-- agent's desktop logs the call the hand-over report shows that step.
function TestIvr:test_caller_presses_zero()
  local s, outcome = call(self, "011 44 20 7946 0958", {"3", "0"})
  lu.assertEquals(outcome, "transferred")
  lu.assertEquals(s.spoken, {"Hello Bob Stone, thank you for calling Example Stores.", MENU, CITY,
                             THROUGH})
  lu.assertEquals(s.transferred, {"operator", "XML", "default"})
  lu.assertEquals(s.transcript[#s.transcript], "[transfer to operator XML default]")

  local logged = ivr_calls(self.db, self.bob.id)
  lu.assertEquals(#logged, 1)
  local ivr = logged[1]
  assert_logged(ivr, "ivr.hours.city", "transferred", "caller pressed 0 at ivr.hours.city",
                "ivr.menu > ivr.hours.city")
  -- What the agent's desktop is handed with the call.
  lu.assertEquals(s.vars.crm_customer_id, self.bob.id)
  lu.assertEquals(s.vars.crm_interaction_id, ivr.id)
  lu.assertEquals(s.vars.crm_ivr_step, "ivr.hours.city")

  lu.assertEquals(handover(self.db, 0)["ivr.hours.city"].handed_over, 0)
  agent_answers(self.db, ivr)
  local rows = handover(self.db, 0)
  lu.assertEquals(rows["ivr.hours.city"].ivr_contacts, 1)
  lu.assertEquals(rows["ivr.hours.city"].handed_over, 1)
  lu.assertEquals(rows["ivr.hours.city"].contained, 0)
  lu.assertEquals(rows["ivr.hours.city"].handover_rate, 1)
  -- At depth 2 the step counts under its parent.
  rows = handover(self.db, 2)
  lu.assertNil(rows["ivr.hours.city"])
  lu.assertEquals(rows["ivr.hours"].handed_over, 1)
end

-- A transfer nobody answered can send the same call back to the IVR: each
-- visit is a contact of its own, not a duplicate of the first.
function TestIvr:test_same_call_back_in_the_ivr()
  for _ = 1, 2 do
    local s = console.session{ani = BOB_PHONE, inputs = {"0"}, uuid = "one-call"}
    lu.assertEquals(callflow.run(s, {db = self.path, asr_engine = "console"}), "transferred")
  end
  local logged = ivr_calls(self.db, self.bob.id)
  lu.assertEquals(#logged, 2)
  lu.assertNotEquals(logged[1].external_ref, logged[2].external_ref)
  lu.assertStrContains(logged[1].external_ref, "one-call@")
end

-- 0 reaches a person at every prompt there is, "agent" at every spoken one.
function TestIvr:test_zero_at_every_prompt()
  local cases = {
    {"14155550100", {"0"}, "ivr.promise", "caller pressed 0"},
    {"14155550100", {"agent"}, "ivr.promise", "caller said agent"},
    {BOB_PHONE, {"0"}, "ivr.menu", "caller pressed 0"},
    {BOB_PHONE, {"operator 0.8"}, "ivr.menu", "caller said agent"},
    {BOB_PHONE, {"weather", "0"}, "ivr.menu", "caller pressed 0"},
    {BOB_PHONE, {"3", "Lisbon 0.7", "0"}, "ivr.hours.city", "caller pressed 0"},
    {BOB_PHONE, {"3", "London 0.3", "0"}, "ivr.hours.city", "caller pressed 0"},
    {BOB_PHONE, {"2", "0"}, "ivr.orders", "caller pressed 0"},
    {BOB_PHONE, {"3", "4", "0"}, "ivr.hours", "caller pressed 0"},
  }
  for _, case in ipairs(cases) do
    local s, outcome = call(self, case[1], case[2])
    local what = case[3] .. " " .. table.concat(case[2], "|")
    lu.assertEquals(outcome, "transferred", what)
    lu.assertEquals(s.spoken[#s.spoken], THROUGH, what)
    lu.assertEquals(s.transferred, {"operator", "XML", "default"}, what)
    lu.assertEquals(s.vars.crm_ivr_step, case[3], what)
    local db_id = s.vars.crm_customer_id
    local it = self.db:interaction(s.vars.crm_interaction_id)
    lu.assertEquals(it.customer_id, db_id, what)
    lu.assertEquals(it.reason, case[3], what)
    lu.assertEquals(it.outcome, "transferred", what)
    lu.assertEquals(it.summary, case[4] .. " at " .. case[3], what)
  end
end

-- Misheard twice at the same prompt: a person, not a third try.
function TestIvr:test_misrecognised_twice()
  local s, outcome = call(self, BOB_PHONE, {"store hours", "Paris 0.40", "2", "Paris 0.35", "2"})
  lu.assertEquals(outcome, "transferred")
  local confirm = "I think you said Paris. Press 1 if that is right, or 2 if it is not."
  lu.assertEquals(s.spoken, {"Hello Bob Stone, thank you for calling Example Stores.", MENU, CITY,
                             confirm, "Sorry about that.", CITY, confirm, TROUBLE})
  lu.assertEquals(s.transferred, {"operator", "XML", "default"})
  local ivr = ivr_calls(self.db, self.bob.id)[1]
  assert_logged(ivr, "ivr.hours.city", "transferred", "not understood twice at ivr.hours.city",
                "ivr.menu > ivr.hours.city")

  lu.assertEquals(handover(self.db, 0)["ivr.hours.city"].handed_over, 0)
  agent_answers(self.db, ivr)
  local rows = handover(self.db, 0)
  lu.assertEquals(rows["ivr.hours.city"].ivr_contacts, 1)
  lu.assertEquals(rows["ivr.hours.city"].handed_over, 1)
end

-- Words outside the menu and silence are failed tries too.
function TestIvr:test_not_understood_at_menu()
  local s, outcome = call(self, BOB_PHONE, {"weather", ""})
  lu.assertEquals(outcome, "transferred")
  lu.assertEquals(s.spoken, {"Hello Bob Stone, thank you for calling Example Stores.", MENU,
                             "Sorry, I did not catch that.", MENU, TROUBLE})
  assert_logged(ivr_calls(self.db, self.bob.id)[1], "ivr.menu", "transferred",
                "not understood twice at ivr.menu", "ivr.menu")
end

-- A low-confidence word confirmed with 1 is taken; a confident one is not
-- questioned.
function TestIvr:test_low_confidence_confirmed()
  local s, outcome = call(self, BOB_PHONE, {"store hours 0.55", "1", "New York 0.95", ""})
  lu.assertEquals(outcome, "resolved")
  lu.assertEquals(s.spoken, {
    "Hello Bob Stone, thank you for calling Example Stores.", MENU,
    "I think you said store hours. Press 1 if that is right, or 2 if it is not.",
    CITY, "Our New York store is open every day, 10 am to 9 pm.", MORE, BYE})
  assert_logged(ivr_calls(self.db, self.bob.id)[1], "ivr.hours", "resolved",
                "hours of the New York store at ivr.hours", "ivr.menu > ivr.hours.city > ivr.hours")
end

-- Billing goes to people by design: the report will say so.
function TestIvr:test_billing_goes_to_people()
  local s, outcome = call(self, BOB_PHONE, {"1"}, {billing_extension = "2000"})
  lu.assertEquals(outcome, "transferred")
  lu.assertEquals(s.spoken[#s.spoken],
                  "Our billing team will take it from here. Putting you through.")
  lu.assertEquals(s.transferred, {"2000", "XML", "default"})
  assert_logged(ivr_calls(self.db, self.bob.id)[1], "ivr.billing", "transferred",
                "billing is handled by people at ivr.billing", "ivr.menu > ivr.billing")
end

-- Without a recogniser every prompt says its keys.
function TestIvr:test_keys_only()
  local s, outcome = call(self, BOB_PHONE, {"3", "1", ""}, {asr_engine = false})
  lu.assertEquals(outcome, "resolved")
  lu.assertEquals(s.spoken, {
    "Hello Bob Stone, thank you for calling Example Stores.",
    "For billing, press 1. For orders, press 2. For store hours, press 3. " ..
      "To talk to someone, press 0.",
    "Which city is the store in? For London, press 1. For Paris, press 2. For Berlin, press 3. " ..
      "For New York, press 4.",
    LONDON, MORE, BYE})
end

-- A database that cannot be opened does not stop the call.
function TestIvr:test_no_database()
  local s, outcome = call(self, BOB_PHONE, {"2", ""}, {db = self.path .. ".d/missing/x.crm"})
  lu.assertEquals(outcome, "resolved")
  lu.assertEquals(s.spoken, {"Thank you for calling Example Stores.", MENU, ORDERS, MORE, BYE})
  lu.assertStrContains(s.log[1], "no customer database")
  lu.assertEquals(#ivr_calls(self.db, self.bob.id), 0)
end

-- What FreeSWITCH leaves in detect_speech_result.
function TestIvr:test_parse_speech_result()
  local parse = callflow.parse_speech_result
  lu.assertEquals(parse("DIGIT: 5"), {digit = "5"})
  lu.assertEquals(parse(console.speech_result("London 0.42", "ivr-city")),
                  {words = "london", confidence = 0.42})
  lu.assertEquals(parse('<?xml version="1.0"?><result grammar="g"><interpretation grammar="g" ' ..
                        'confidence="85"><input mode="speech">New  York</input>' ..
                        '<instance>New York</instance></interpretation></result>'),
                  {words = "new york", confidence = 0.85})
  lu.assertEquals(parse('<result><interpretation><input mode="dtmf">3</input></interpretation>' ..
                        '</result>'), {digit = "3"})
  lu.assertNil(parse('<result><interpretation><input><nomatch/></input><instance/>' ..
                     '</interpretation></result>'))
  lu.assertNil(parse(console.speech_result("", "ivr-menu")))
  lu.assertNil(parse(nil))
  lu.assertNil(parse("Completion-Cause: 002"))
end

os.exit(lu.LuaUnit.run("-o", "text"))
