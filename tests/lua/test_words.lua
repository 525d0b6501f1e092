-- Names of enum values (customer kinds, the archived filter, orders,
-- durabilities, directions, outcomes, promise states) are read by libcrm's
-- own crm_<enum>_parse calls: the module accepts exactly the words libcrm
-- knows, and a word libcrm does not know raises crm.EINVAL with libcrm's
-- message. Channels are open (any word, the business's own too): each
-- reaches libcrm whole, which judges it. The module keeps no word table of
-- its own.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_words.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local ROOT = os.getenv("CRM_SOURCE_DIR") or "../.."

-- every word libcrm has for an enum (its values are small integers)
local function words(name_fn)
  local t = {}
  for v = -1, 63 do
    local w = name_fn(v)
    if w then t[#t + 1] = w end
  end
  return t
end

local ENUMS = {
  kind = ll.crm_customer_kind_name, archived = ll.crm_archived_filter_name,
  order = ll.crm_customer_order_name, durability = ll.crm_durability_name,
  channel = ll.crm_channel_name, direction = ll.crm_direction_name,
  outcome = ll.crm_outcome_name, state = ll.crm_promise_state_name,
}

local function an_interaction(db, c)
  for it in db:timeline(c, {limit = 1}) do return it end
  return db:log(c, {channel = "phone"})
end

-- {enum, the call with the word as its only unknown, libcrm's _parse}
local CALLS = {
  {"kind", function(db, c, w) return db:create_customer("Bo", w) end, ll.crm_customer_kind_parse},
  {"kind", function(db, c, w) for _ in db:customers{kind = w} do end end, ll.crm_customer_kind_parse},
  {"archived", function(db, c, w) for _ in db:customers{archived = w} do end end,
   ll.crm_archived_filter_parse},
  {"order", function(db, c, w) for _ in db:customers{order = w} do end end, ll.crm_customer_order_parse},
  {"durability", function(db, c, w) crm.open(":memory:", {durability = w}):close() end,
   ll.crm_durability_parse},
  {"direction", function(db, c, w) return db:log(c, {channel = "phone", direction = w}) end,
   ll.crm_direction_parse},
  {"direction", function(db, c, w) for _ in db:timeline(c, {direction = w}) do end end,
   ll.crm_direction_parse},
  {"outcome", function(db, c, w) return db:log(c, {channel = "phone", outcome = w}) end,
   ll.crm_outcome_parse},
  {"outcome", function(db, c, w) return db:set_outcome(an_interaction(db, c).id, w) end,
   ll.crm_outcome_parse},
  {"outcome", function(db, c, w) for _ in db:timeline(c, {outcomes = {w}}) do end end,
   ll.crm_outcome_parse},
  {"state", function(db, c, w) for _ in db:promises{states = {w}} do end end,
   ll.crm_promise_state_parse},
}

-- {the call with a channel's word as its only unknown, the field libcrm names}
local CHANNEL_CALLS = {
  {function(db, c, w) return db:log(c, {channel = w}) end, "channel_name"},
  {function(db, c, w) for _ in db:timeline(c, {channels = {w}}) do end end,
   "filter channel_names[0]"},
  {function(db, c, w) for _ in db:thread(an_interaction(db, c).id, {channels = {w}}) do end end,
   "filter channel_names[0]"},
  {function(db, c, w)
     local ok, e = pcall(db.interaction_by_ref, db, w, "no-such-ref")
     if ok or e.code ~= crm.ENOTFOUND then error(e, 0) end
   end, "channel"},
}

local function open()
  local db = crm.open(":memory:", {actor = "agent:test", default_country = "US"})
  return db, db:create_customer("Ann").id
end

-- what libcrm's _parse says of the word
local function libcrm_message(parse, word)
  local ok, e = pcall(parse, word)
  lu.assertFalse(ok)
  return e.message
end

TestWords = {}

function TestWords:test_words_are_libcrms()
  lu.assertEquals(words(ll.crm_channel_name)[1], "phone")
  lu.assertEquals(words(ll.crm_customer_kind_name), {"person", "organisation"})
end

function TestWords:test_every_word_libcrm_knows_is_taken()
  for _, c in ipairs(CALLS) do
    local db, ann = open()
    for _, w in ipairs(words(ENUMS[c[1]])) do c[2](db, ann, w) end
    db:close()
  end
end

function TestWords:test_a_bad_word_raises_libcrms_message()
  for _, c in ipairs(CALLS) do
    local db, ann = open()
    local all = words(ENUMS[c[1]])
    c[2](db, ann, all[#all])  -- what the call itself writes, once
    local seq = db:last_seq()
    for _, bad in ipairs({"pigeon", "PHONE", "", "open open"}) do
      local ok, e = pcall(c[2], db, ann, bad)
      lu.assertFalse(ok, c[1] .. " took " .. bad)
      lu.assertEquals(e.code, crm.EINVAL)
      lu.assertEquals(e.message, libcrm_message(c[3], bad))
      lu.assertStrContains(e.message, "'" .. bad .. "' is not")
    end
    lu.assertEquals(db:last_seq(), seq)
    db:close()
  end
end

function TestWords:test_every_channel_word_is_taken()
  local all = words(ll.crm_channel_name)
  all[#all + 1] = "whatsapp"
  all[#all + 1] = "line_2"
  for _, c in ipairs(CHANNEL_CALLS) do
    local db, ann = open()
    for _, w in ipairs(all) do c[1](db, ann, w) end
    db:close()
  end
end

function TestWords:test_a_bad_channel_raises_libcrms_message()
  for _, c in ipairs(CHANNEL_CALLS) do
    local db, ann = open()
    an_interaction(db, ann)
    local seq = db:last_seq()
    for _, bad in ipairs({"Pigeon post", "PHONE", "", "phone,email", string.rep("x", 33)}) do
      local ok, e = pcall(c[1], db, ann, bad)
      lu.assertFalse(ok, c[2] .. " took " .. bad)
      lu.assertEquals(e.code, crm.EINVAL)
      lu.assertStrContains(e.message, c[2] .. " '" .. bad .. "' is not a name")
    end
    lu.assertEquals(db:last_seq(), seq)
    db:close()
  end
end

-- a list of channels reaches libcrm as a list: a word holding a comma is
-- refused as one bad name, not split into two good ones
function TestWords:test_a_channel_with_a_comma_is_one_name()
  local db, ann = open()
  local a = db:log(ann, {channel = "phone"})
  db:log(ann, {channel = "email", reply_to = a.id})
  local calls = {function(ch) return db:timeline(ann, {channels = ch}) end,
                 function(ch) return db:thread(a.id, {channels = ch}) end}
  for _, call in ipairs(calls) do
    local n = 0
    for _ in call({"phone", "email"}) do n = n + 1 end
    lu.assertEquals(n, 2)
    local ok, e = pcall(call, {"phone,email"})
    lu.assertFalse(ok)
    lu.assertEquals(e.code, crm.EINVAL)
    lu.assertStrContains(e.message, "channel_names[0] 'phone,email' is not a name")
    ok, e = pcall(call, {"phone", "email, phone"})
    lu.assertStrContains(e.message, "channel_names[1] 'email, phone' is not a name")
  end
  local ok, e = pcall(ll.crm_swig_timeline_open, db._h, ann, 0, crm.TIME_NONE, crm.TIME_NONE,
                      nil, 0, 0, 0, nil, 0, {"phone,email"})
  lu.assertFalse(ok)
  lu.assertStrContains(e.message, "'phone,email' is not a name")
end

function TestWords:test_a_channel_list_is_a_table_of_strings()
  local db, ann = open()
  local function open_with(names)
    return pcall(ll.crm_swig_timeline_open, db._h, ann, 0, crm.TIME_NONE, crm.TIME_NONE,
                 nil, 0, 0, 0, nil, 0, names)
  end
  for _, case in ipairs({{"phone", "channels: expected a table of strings, got string"},
                         {5, "channels: expected a table of strings, got number"},
                         {{"phone", 3}, "channels[2]: expected a string, got number"},
                         {{"phone", "e\0mail"}, "channels[2]: a NUL byte at byte 2"}}) do
    local ok, e = open_with(case[1])
    lu.assertFalse(ok)
    lu.assertEquals(e.code, crm.EINVAL)
    lu.assertStrContains(e.message, case[2])
  end
  local ok, e = pcall(db.timeline, db, ann, {channels = {"phone", true}})
  lu.assertFalse(ok)
  lu.assertStrContains(e.message, "channels[2]: expected a string, got boolean")
  local it = db:log(ann, {channel = "whatsapp"})
  for got in db:timeline(ann, {channels = {}}) do  -- none named: every channel
    lu.assertEquals(got.id, it.id)
  end
end

function TestWords:test_a_word_that_is_not_a_string_is_refused_by_name()
  local db, ann = open()
  local ok, e = pcall(db.create_customer, db, "Bo", 2)
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "kind: expected a name")
  ok, e = pcall(db.log, db, ann, {channel = true})
  lu.assertStrContains(e.message, "channel: expected a string")
end

function TestWords:test_libcrms_other_spellings_are_taken()
  local db = crm.open(":memory:")
  lu.assertEquals(db:create_customer("Acme", "organization").kind, "organisation")
  lu.assertEquals(db:create_customer("Initech", "org").kind, "organisation")
  local n = 0
  for _ in db:customers{kind = "org"} do n = n + 1 end
  lu.assertEquals(n, 2)
end

function TestWords:test_the_module_keeps_no_word_table()
  -- a word table maps words to libcrm's constants: `phone = ll.CRM_...`
  local f = assert(io.open(ROOT .. "/bindings/lua/layer.i"))
  local source = f:read("*a")
  f:close()
  local known = {organization = true, org = true}
  for _, fn in pairs(ENUMS) do
    for _, w in ipairs(words(fn)) do known[w] = true end
  end
  local found = {}
  for key in source:gmatch("([%w_]+)%s*=%s*ll%.CRM_") do
    if known[key] then found[#found + 1] = key end
  end
  for key in source:gmatch('%[%s*"([%w_]+)"%s*%]%s*=') do
    if known[key] then found[#found + 1] = key end
  end
  lu.assertEquals(found, {})
end

os.exit(lu.LuaUnit.run())
