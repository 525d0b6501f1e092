-- Names of enum values (customer kinds, the archived filter, orders,
-- durabilities, channels, directions, outcomes, promise states) are read
-- by libcrm's own crm_<enum>_parse calls: the module accepts exactly the
-- words libcrm knows, and a word libcrm does not know raises crm.EINVAL
-- with libcrm's message. The module keeps no word table of its own.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_words.lua
package.path = "/usr/share/lua/5.4/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"

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
  kind = crm.crm_customer_kind_name, archived = crm.crm_archived_filter_name,
  order = crm.crm_customer_order_name, durability = crm.crm_durability_name,
  channel = crm.crm_channel_name, direction = crm.crm_direction_name,
  outcome = crm.crm_outcome_name, state = crm.crm_promise_state_name,
}

local function an_interaction(db, c)
  for it in db:timeline(c, {limit = 1}) do return it end
  return db:log(c, {channel = "phone"})
end

-- {enum, the call with the word as its only unknown, libcrm's _parse}
local CALLS = {
  {"kind", function(db, c, w) return db:create_customer("Bo", w) end, crm.crm_customer_kind_parse},
  {"kind", function(db, c, w) for _ in db:customers{kind = w} do end end, crm.crm_customer_kind_parse},
  {"archived", function(db, c, w) for _ in db:customers{archived = w} do end end,
   crm.crm_archived_filter_parse},
  {"order", function(db, c, w) for _ in db:customers{order = w} do end end, crm.crm_customer_order_parse},
  {"durability", function(db, c, w) crm.open(":memory:", {durability = w}):close() end,
   crm.crm_durability_parse},
  {"channel", function(db, c, w) return db:log(c, {channel = w}) end, crm.crm_channel_parse},
  {"channel", function(db, c, w) for _ in db:timeline(c, {channels = {w}}) do end end, crm.crm_channel_parse},
  {"channel", function(db, c, w)
     local ok, e = pcall(db.interaction_by_ref, db, w, "no-such-ref")
     if ok or e.code ~= crm.ENOTFOUND then error(e, 0) end
   end, crm.crm_channel_parse},
  {"direction", function(db, c, w) return db:log(c, {channel = "phone", direction = w}) end,
   crm.crm_direction_parse},
  {"direction", function(db, c, w) for _ in db:timeline(c, {direction = w}) do end end,
   crm.crm_direction_parse},
  {"outcome", function(db, c, w) return db:log(c, {channel = "phone", outcome = w}) end,
   crm.crm_outcome_parse},
  {"outcome", function(db, c, w) return db:set_outcome(an_interaction(db, c).id, w) end,
   crm.crm_outcome_parse},
  {"outcome", function(db, c, w) for _ in db:timeline(c, {outcomes = {w}}) do end end,
   crm.crm_outcome_parse},
  {"state", function(db, c, w) for _ in db:promises{states = {w}} do end end,
   crm.crm_promise_state_parse},
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
  lu.assertEquals(words(crm.crm_channel_name)[1], "phone")
  lu.assertEquals(words(crm.crm_customer_kind_name), {"person", "organisation"})
end

function TestWords:test_every_word_libcrm_knows_is_taken()
  for _, c in ipairs(CALLS) do
    local db <close>, ann = open()
    for _, w in ipairs(words(ENUMS[c[1]])) do c[2](db, ann, w) end
  end
end

function TestWords:test_a_bad_word_raises_libcrms_message()
  for _, c in ipairs(CALLS) do
    local db <close>, ann = open()
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
  end
end

function TestWords:test_a_word_that_is_not_a_string_is_refused_by_name()
  local db <close>, ann = open()
  local ok, e = pcall(db.create_customer, db, "Bo", 2)
  lu.assertFalse(ok)
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "kind: expected a name")
  ok, e = pcall(db.log, db, ann, {channel = true})
  lu.assertStrContains(e.message, "channel: expected a name")
end

function TestWords:test_libcrms_other_spellings_are_taken()
  local db <close> = crm.open(":memory:")
  lu.assertEquals(db:create_customer("Acme", "organization").kind, "organisation")
  lu.assertEquals(db:create_customer("Initech", "org").kind, "organisation")
  local n = 0
  for _ in db:customers{kind = "org"} do n = n + 1 end
  lu.assertEquals(n, 2)
end

function TestWords:test_the_module_keeps_no_word_table()
  -- a word table maps words to libcrm's constants: `phone = ll.CRM_...`
  local f = assert(io.open(ROOT .. "/bindings/lua/layer.i"))
  local source = f:read("a")
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
