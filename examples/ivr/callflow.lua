-- An IVR call flow on libcrm, written against the session object FreeSWITCH's
-- mod_lua gives a script: drop this file into the switch's script directory
-- and run it from the dialplan (<action application="lua" data="callflow.lua"/>),
-- or run it at a terminal through console.lua, which provides the same object.
--
-- What it does with a call: finds the caller by caller ID however the carrier
-- wrote the number, greets a known caller by name, tells them first about a
-- promise of ours that is still open (and whether it is late), then offers a
-- menu by keys and by words. A word heard with low confidence is confirmed;
-- two failed tries at one prompt, or 0 at any prompt, reach a person. Every
-- call is logged as one ivr interaction whose reason is the step where the
-- call ended, so the hand-over report shows where the machine fails people.
--
-- Runs unchanged on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT.

local crm = require "crm"

local M = {}

-- Everything a deployment changes. In FreeSWITCH each may be set as a channel
-- variable crm_<name> (crm_db, crm_threshold, crm_asr_engine, ...).
M.defaults = {
  db = "/var/lib/crm/crm.db",     -- the libcrm file (argv[1] in the dialplan overrides)
  default_country = "US",         -- how national caller IDs are read
  handled_by = "ivr:main-menu",   -- handled_by of the logged interaction (and the journal's actor)
  business = "Example Stores",
  threshold = 0.6,                -- words heard with less confidence are confirmed
  timeout = 5000,                 -- ms to wait for a key or a word after a prompt
  asr_engine = nil,               -- "unimrcp", "pocketsphinx", ...; nil: keys only
  grammar_prefix = "ivr-",        -- the recogniser's grammars: ivr-menu, ivr-city, ...
  tts_engine = "flite",
  tts_voice = "kal",
  agent_extension = "operator",   -- where a person answers
  billing_extension = "operator", -- where billing calls go
  dialplan = "XML",
  context = "default",
}

-- The names above, which a channel variable may set (asr_engine has no default).
M.settings = {"db", "default_country", "handled_by", "business", "threshold", "timeout",
              "asr_engine", "grammar_prefix", "tts_engine", "tts_voice", "agent_extension",
              "billing_extension", "dialplan", "context"}

-- The stores whose hours the IVR knows, in the order they are offered.
M.stores = {
  {key = "london", name = "London", digit = "1", words = {"london"},
   hours = "Monday to Saturday, 9 am to 6 pm"},
  {key = "paris", name = "Paris", digit = "2", words = {"paris"},
   hours = "Tuesday to Saturday, 10 am to 7 pm"},
  {key = "berlin", name = "Berlin", digit = "3", words = {"berlin"},
   hours = "Monday to Friday, 8 am to 8 pm"},
  {key = "new_york", name = "New York", digit = "4", words = {"new york", "manhattan"},
   hours = "every day, 10 am to 9 pm"},
}

local AGENT = {key = "agent", digit = "0", say = "agent",
               words = {"agent", "operator", "person", "representative", "someone"}}
local MENU = {
  {key = "billing", digit = "1", say = "billing", words = {"billing", "bill", "payment"},
   label = "billing"},
  {key = "orders", digit = "2", say = "orders", words = {"orders", "order", "delivery"},
   label = "orders"},
  {key = "hours", digit = "3", say = "store hours",
   words = {"store hours", "hours", "opening hours", "opening times"}, label = "store hours"},
}
local PROMISE_MENU = {
  {key = "status", digit = "1", say = "status", words = {"status", "where it stands"}},
  {key = "menu", digit = "9", say = "menu", words = {"menu", "main menu"}},
}
local MORE_MENU = {
  {key = "menu", digit = "9", say = "menu", words = {"menu", "main menu"}},
}

local WEEKDAYS = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
local MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December"}
local DAY_MS = 24 * 3600 * 1000

-- The tag of the customers this flow creates for numbers nobody had; staff
-- who learn who it was rename the record and remove the tag, or merge it.
M.UNKNOWN_TAG = "unknown-caller"

-- "Thursday, 12 March" (the year too when it is not this year's), in the
-- switch's local time.
function M.say_date(ms, now)
  local t = os.date("*t", math.floor(ms / 1000))
  local s = string.format("%s, %d %s", WEEKDAYS[t.wday], t.day, MONTHS[t.month])
  if t.year ~= os.date("*t", math.floor(now / 1000)).year then
    s = s .. string.format(" %d", t.year)
  end
  return s
end

local function plural(n, one, many)
  return string.format("%d %s", n, n == 1 and one or many)
end

-- ---- talking to the session ------------------------------------------------

local function log(call, level, msg)
  call.session:consoleLog(level, "callflow: " .. msg .. "\n")
end

local function say(call, text)
  call.session:speak(text)
end

local function normalise_words(s)
  s = string.lower(s)
  s = string.gsub(s, "[%s%p]+", " ")
  s = string.gsub(s, "^ ", "")
  return (string.gsub(s, " $", ""))
end

local function xml_text(s)
  s = string.gsub(s, "<[^>]*>", "")
  s = string.gsub(s, "&lt;", "<")
  s = string.gsub(s, "&gt;", ">")
  s = string.gsub(s, "&quot;", "\"")
  s = string.gsub(s, "&apos;", "'")
  return (string.gsub(s, "&amp;", "&"))
end

-- What play_and_detect_speech left in detect_speech_result: "DIGIT: 5" when
-- a key ended the prompt, else an NLSML result:
--   <result><interpretation grammar="ivr-menu" confidence="0.42">
--     <input mode="speech">London</input><instance>London</instance>
--   </interpretation></result>
-- with <noinput/> or <nomatch/> in <input> when nothing usable was heard.
-- Returns {digit = "5"}, {words = "london", confidence = 0.42}, or nil.
function M.parse_speech_result(r)
  if r == nil or r == "" then return nil end
  local digit = string.match(r, "^%s*DIGIT:%s*([0-9*#])")
  if digit then return {digit = digit} end
  local interp = string.match(r, "<interpretation(.-)</interpretation>")
  if not interp then return nil end
  local input = string.match(interp, "<input[^>]*>(.-)</input>")
  if not input or string.find(input, "<nomatch") or string.find(input, "<noinput") then
    return nil
  end
  local mode = string.match(interp, "<input[^>]-mode=\"(%a+)\"")
  if mode == "dtmf" then
    local d = string.match(xml_text(input), "([0-9*#])")
    return d and {digit = d} or nil
  end
  local words = normalise_words(xml_text(input))
  if words == "" then return nil end
  -- NLSML (MRCPv2) gives 0.0 to 1.0; MRCPv1 recognisers give 0 to 100.
  local confidence = tonumber(string.match(interp, "confidence=\"([%d.]+)\"") or "")
  if confidence == nil then confidence = 1 end
  if confidence > 1 then confidence = confidence / 100 end
  return {words = words, confidence = confidence}
end

-- One prompt, one answer: a key or, with a recogniser, a key or words.
local function listen(call, prompt, grammar)
  local s, cfg = call.session, call.cfg
  if cfg.asr_engine then
    s:setVariable("playback_terminators", "0123456789*#")
    s:setVariable("detect_speech_result", "")
    s:execute("play_and_detect_speech", "say:" .. prompt .. " detect:" .. cfg.asr_engine ..
              " {no-input-timeout=" .. cfg.timeout .. "}" .. cfg.grammar_prefix .. grammar)
    return M.parse_speech_result(s:getVariable("detect_speech_result"))
  end
  local d = s:playAndGetDigits(1, 1, 1, cfg.timeout, "", "say:" .. prompt, "", "^[0-9*#]$")
  if d and d ~= "" then return {digit = d} end
  return nil
end

local function find_choice(choices, heard)
  for _, c in ipairs(choices) do
    if heard.digit then
      if c.digit == heard.digit then return c end
    else
      for _, w in ipairs(c.words) do
        if w == heard.words then return c end
      end
    end
  end
  return nil
end

-- "I think you said London": true when the caller presses 1, "agent" for 0,
-- "hangup", or false for anything else.
local function confirm(call, label)
  local s = call.session
  local d = s:playAndGetDigits(1, 1, 1, call.cfg.timeout, "",
                               "say:I think you said " .. label ..
                               ". Press 1 if that is right, or 2 if it is not.",
                               "", "^[0-9*#]$")
  if not s:ready() then return "hangup" end
  if d == "1" then return true end
  if d == "0" then return "agent" end
  return false
end

-- Asks until the caller picks one of `choices` and returns its key; or
-- "agent" (0 or a word for a person, at every prompt), "hangup", "failed"
-- (two failed tries at this prompt), or with opts.silence_ends "silence"
-- when nothing at all was heard.
local function ask(call, prompt, choices, grammar, opts)
  opts = opts or {}
  local all = {AGENT}
  for _, c in ipairs(choices) do all[#all + 1] = c end
  local failures = 0
  while true do
    if not call.session:ready() then return "hangup" end
    local heard = listen(call, prompt, grammar)
    if not call.session:ready() then return "hangup" end
    local choice = heard and find_choice(all, heard)
    local sorry = "Sorry, I did not catch that."
    if heard == nil and opts.silence_ends then return "silence" end
    if choice and heard.words and heard.confidence < call.cfg.threshold then
      local ok = confirm(call, choice.label or choice.name or choice.say)
      if ok == "agent" then call.heard = "pressed 0" end
      if ok == "hangup" or ok == "agent" then return ok end
      if not ok then
        choice = nil
        sorry = "Sorry about that."
      end
    end
    if choice then
      if heard.digit then
        call.heard = "pressed " .. heard.digit
      else
        call.heard = "said " .. (choice.say or choice.name)
      end
      return choice.key
    end
    failures = failures + 1
    if failures >= 2 then return "failed" end
    say(call, sorry)
  end
end

-- "For billing, press 1 or say billing." for each choice (keys only: "For
-- billing, press 1.").
local function menu_prompt(call, choices, closing)
  local parts = {}
  for _, c in ipairs(choices) do
    if call.cfg.asr_engine then
      parts[#parts + 1] = string.format("%s, press %s or say %s.", c.intro, c.digit, c.say)
    else
      parts[#parts + 1] = string.format("%s, press %s.", c.intro, c.digit)
    end
  end
  if closing then parts[#parts + 1] = closing end
  return table.concat(parts, " ")
end

-- ---- the customer ----------------------------------------------------------

-- Who is calling: sets call.customer (known), call.ani (a number nobody has
-- yet), or neither (withheld, not a number, a number several customers
-- share, or no database).
local function identify(call)
  local s = call.session
  local ani = s:getVariable("caller_id_number")
  if ani == nil or ani == "" then ani = s:getVariable("ani") end
  if not call.db or ani == nil or ani == "" then
    call.caller = "withheld"
    return
  end
  local ok, r = pcall(call.db.lookup, call.db, "phone", ani)
  if ok then
    call.customer, call.caller = r, "known"
    -- A record this flow made for a number nobody had is no name to greet.
    local ok2, err = pcall(function()
      for tag in call.db:tags(r.id) do
        if tag == M.UNKNOWN_TAG then call.nameless = true end
      end
    end)
    if not ok2 then log(call, "err", "tags failed: " .. tostring(err)) end
  elseif r.code == crm.ENOTFOUND then
    call.ani, call.caller = ani, "unknown"
  elseif r.code == crm.EINVAL then
    call.caller = "withheld"            -- "anonymous", "Restricted", ...: not a number
  elseif r.code == crm.EAMBIGUOUS then
    call.caller = "shared"              -- a family line: we cannot tell who it is
  else
    call.caller = "withheld"
    log(call, "err", "lookup failed: " .. tostring(r))
  end
end

-- The caller's open promises, earliest due first (libcrm's order).
local function open_promises(call)
  local list = {}
  local ok, err = pcall(function()
    for p in call.db:promises{customer_id = call.customer.id, states = {"open"}} do
      list[#list + 1] = p
    end
  end)
  if not ok then log(call, "err", "promises failed: " .. tostring(err)) end
  return list
end

-- The customer a call from a number nobody has is logged on: "Unknown caller
-- +14155550199" with that phone identity, so the next call from the number
-- finds the same record and staff can rename it or merge it into the right
-- customer. Two calls racing to create it end on one record.
local function unknown_caller(call)
  local db = call.db
  local ok, r = pcall(db.transaction, db, function()
    local key = db:normalise("phone", call.ani)
    local c = db:create_customer("Unknown caller " .. key)
    db:add_identity(c.id, "phone", call.ani, {primary = true})
    db:add_tag(c.id, M.UNKNOWN_TAG)
    return c
  end)
  if ok then return r end
  if r.code == crm.EEXISTS then
    local ok2, c = pcall(db.lookup, db, "phone", call.ani)
    if ok2 then return c end
  end
  log(call, "err", "cannot record the unknown caller: " .. tostring(r))
  return nil
end

-- ---- the steps -------------------------------------------------------------

local function enter(call, step)
  call.step = step
  call.path[#call.path + 1] = step
end

local steps = {}

function steps.promise(call)
  enter(call, "ivr.promise")
  local p, now = call.promises[1], call.now
  local sentence = string.format("We promised to %s by %s.", p.what, M.say_date(p.due_at, now))
  if p.overdue then sentence = sentence .. " That date has passed, and we are sorry." end
  say(call, sentence)
  if #call.promises > 1 then
    say(call, string.format("We have %s to you still open.",
                            plural(#call.promises - 1, "more promise", "more promises")))
  end
  local k = ask(call, "To hear where it stands, press 1 or say status. To talk to someone " ..
                "about it now, press 0 or say agent. For the main menu, press 9 or say menu.",
                PROMISE_MENU, "promise")
  if k ~= "status" then return k end
  local status = string.format("We made that promise on %s, for %s.",
                               M.say_date(p.made_at, now), M.say_date(p.due_at, now))
  if p.overdue then
    local days = math.floor((now - p.due_at) / DAY_MS)
    if days >= 1 then
      status = status .. string.format(" It is %s late, and", plural(days, "day", "days"))
    else
      status = status .. " It is late, and"
    end
    status = status .. " it is still open with our team."
  else
    status = status .. " It is still open with our team."
  end
  if p.renegotiations and p.renegotiations > 0 then
    status = status .. string.format(" The date has been moved %s.",
                                     plural(p.renegotiations, "time", "times"))
  end
  say(call, status)
  call.served = true
  call.summary = "status of a promise"
  return "more"
end

function steps.menu(call)
  enter(call, "ivr.menu")
  local choices = {}
  for i, c in ipairs(MENU) do
    choices[i] = {key = c.key, digit = c.digit, say = c.say, words = c.words, label = c.label,
                  intro = "For " .. c.label}
  end
  choices[#choices + 1] = {key = "agent", digit = "0", say = "agent", words = AGENT.words,
                           intro = "To talk to someone"}
  return ask(call, menu_prompt(call, choices), MENU, "menu")
end

function steps.billing(call)
  enter(call, "ivr.billing")
  return {transfer = call.cfg.billing_extension,
          line = "Our billing team will take it from here. Putting you through.",
          why = "billing is handled by people"}
end

function steps.orders(call)
  enter(call, "ivr.orders")
  say(call, "You can follow every order at example dot com slash orders, " ..
            "with the order number on your receipt.")
  call.served = true
  call.summary = "where to follow orders"
  return "more"
end

function steps.hours(call)
  enter(call, "ivr.hours.city")
  local choices, names = {}, {}
  for i, st in ipairs(M.stores) do
    choices[i] = {key = st.key, digit = st.digit, say = st.name, words = st.words,
                  name = st.name, intro = "For " .. st.name}
    names[i] = st.name
  end
  local prompt
  if call.cfg.asr_engine then
    prompt = "Which city is the store in? Say " ..
             table.concat(names, ", ", 1, #names - 1) .. " or " .. names[#names] .. "."
  else
    prompt = "Which city is the store in? " .. menu_prompt(call, choices)
  end
  local k = ask(call, prompt, choices, "city")
  local store
  for _, st in ipairs(M.stores) do
    if st.key == k then store = st end
  end
  if not store then return k end
  enter(call, "ivr.hours")
  say(call, string.format("Our %s store is open %s.", store.name, store.hours))
  call.served = true
  call.summary = "hours of the " .. store.name .. " store"
  return "more"
end

-- After the IVR has answered: anything else? Silence ends the call. The step
-- stays the one that answered, which is the reason the call is logged with.
function steps.more(call)
  local k = ask(call, "For the main menu, press 9 or say menu. To talk to someone, press 0. " ..
                "Otherwise, thank you for calling.", MORE_MENU, "more", {silence_ends = true})
  if k == "silence" then return {goodbye = true} end
  return k
end

-- ---- the end of a call -----------------------------------------------------

-- Logs the call as one ivr interaction. Returns it, or nil when there is no
-- one to log it on (see README: withheld and shared numbers).
local function record(call, outcome, summary)
  if not call.db then return nil end
  local customer = call.customer
  if not customer and call.caller == "unknown" then customer = unknown_caller(call) end
  if not customer then
    log(call, "notice", "call not logged: the caller's number is " .. call.caller)
    return nil
  end
  call.customer_id = customer.id
  local body = table.concat(call.path, " > ")
  if body == "" then body = nil end
  local ok, it = pcall(call.db.log, call.db, customer.id, {
    channel = "ivr", direction = "in", occurred_at = call.start,
    handled_by = call.cfg.handled_by, reason = call.step, outcome = outcome,
    summary = summary, body = body, external_ref = call.ref,
  })
  if ok then return it end
  log(call, "err", "cannot log the call: " .. tostring(it))
  return nil
end

local function finish(call, ending)
  local s, cfg = call.session, call.cfg
  if ending == "hangup" then
    local outcome = call.served and "resolved" or "abandoned"
    record(call, outcome, (call.served and (call.summary or "answered") or "hung up") ..
                          " at " .. call.step)
    return outcome
  end
  if type(ending) == "table" and ending.goodbye then
    say(call, "Thank you for calling. Goodbye.")
    record(call, "resolved", (call.summary or "answered") .. " at " .. call.step)
    s:hangup("NORMAL_CLEARING")
    return "resolved"
  end
  local ext, line, why = cfg.agent_extension, nil, nil
  if ending == "agent" then
    line = "Putting you through to someone now."
    why = "caller " .. (call.heard or "asked for a person")
  elseif ending == "failed" then
    line = "Sorry, I am having trouble understanding. " ..
           "Let me put you through to someone who can help."
    why = "not understood twice"
  else
    ext, line, why = ending.transfer, ending.line, ending.why
  end
  say(call, line)
  local it = record(call, "transferred", why .. " at " .. call.step)
  -- For the agent's desktop: who is calling, and where the machine gave up.
  s:setVariable("crm_ivr_step", call.step)
  if call.customer_id then s:setVariable("crm_customer_id", call.customer_id) end
  if it then s:setVariable("crm_interaction_id", it.id) end
  s:transfer(ext, cfg.dialplan, cfg.context)
  return "transferred"
end

-- ---- the call --------------------------------------------------------------

local function merge_config(options)
  local cfg = {}
  for k, v in pairs(M.defaults) do cfg[k] = v end
  for k, v in pairs(options or {}) do cfg[k] = v end
  return cfg
end

-- Runs one call on `session`. `options` overrides M.defaults. Returns how
-- the call ended: "resolved", "transferred" or "abandoned".
function M.run(session, options)
  local cfg = merge_config(options)
  local call = {session = session, cfg = cfg, path = {}, step = "ivr.greeting", served = false}
  call.now = crm.now()
  call.start = call.now
  -- The call's reference on the ivr channel: the switch's call id and when
  -- this script began, as one call may come back to the IVR (a transfer
  -- nobody answered) and each visit is a contact of its own.
  local uuid = session:get_uuid()
  if uuid and uuid ~= "" then call.ref = string.format("%s@%d", uuid, call.start) end

  local ok, db = pcall(crm.open, cfg.db, {default_country = cfg.default_country,
                                          actor = cfg.handled_by, redact = true})
  if ok then
    call.db = db
  else
    log(call, "err", "no customer database, the call goes on without it: " .. tostring(db))
  end

  local ok2, outcome = pcall(function()
    session:answer()
    session:set_tts_params(cfg.tts_engine, cfg.tts_voice)
    session:setVariable("tts_engine", cfg.tts_engine)
    session:setVariable("tts_voice", cfg.tts_voice)
    identify(call)

    if call.customer and not call.nameless then
      say(call, string.format("Hello %s, thank you for calling %s.", call.customer.name,
                              cfg.business))
    else
      say(call, string.format("Thank you for calling %s.", cfg.business))
    end
    if call.customer then call.promises = open_promises(call) end

    local next_step = "menu"
    if call.promises and #call.promises > 0 then next_step = "promise" end
    while type(next_step) == "string" and steps[next_step] do
      if not session:ready() then next_step = "hangup" break end
      next_step = steps[next_step](call)
    end
    return finish(call, next_step)
  end)
  if call.db then call.db:close() end
  if not ok2 then error(outcome, 0) end
  return outcome
end

-- mod_lua runs this file as a script with no arguments, the call in the
-- global `session` and the dialplan's arguments in `argv`; required as a
-- module (console.lua, the tests) it only returns M.
local modname = ...
local fs_session = rawget(_G, "session")
if modname == nil and fs_session ~= nil then
  local options = {}
  local argv = rawget(_G, "argv")
  if argv and argv[1] and argv[1] ~= "" then options.db = argv[1] end
  for _, k in ipairs(M.settings) do
    local v = fs_session:getVariable("crm_" .. k)
    if v ~= nil and v ~= "" then options[k] = v end
  end
  if options.threshold then options.threshold = tonumber(options.threshold) end
  if options.timeout then options.timeout = math.floor(tonumber(options.timeout)) end
  M.run(fs_session, options)
end

return M
