-- Search through the Lua binding: hits as records (metatable crm.search_hit)
-- holding what the C accessors give, options as a table, bad input raised.
-- Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_search.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local function corpus()
  local db = crm.open(":memory:", {actor = "agent:test"})
  local ann = db:create_customer("Jürgen Müller")
  local bob = db:create_customer("Bob Builder")
  db:set_customer_owner(bob.id, "team:billing")
  db:add_identity(ann.id, "email", "jm@kettle.example")
  local it = db:log(ann.id, {channel = "email", direction = "in",
                             summary = "Kettle arrived broken", body = "The kettle leaks."})
  local p = db:promise(bob.id, "Send a kettle", 2000000000000, {owner = "agent:bob"})
  return db, ann, bob, it, p
end

TestSearch = {}

function TestSearch:test_hits()
  local db, ann, bob, it, p = corpus()
  local hits = {}
  for h in db:search("kettle") do hits[#hits + 1] = h end
  lu.assertEquals(#hits, 4)
  -- four texts of three words, each holding "kettle" once: one rank, the oldest first
  lu.assertEquals(getmetatable(hits[2]), crm.search_hit_mt)
  lu.assertEquals(hits[1].kind, "identity")
  lu.assertEquals(hits[1].key, "email")
  lu.assertEquals(hits[2].kind, "interaction")
  lu.assertEquals(hits[2].field, "summary")
  lu.assertEquals(hits[2].customer_id, ann.id)
  lu.assertEquals(hits[2].customer_name, "Jürgen Müller")
  lu.assertEquals(hits[2].record_id, it.id)
  lu.assertNil(hits[2].key)
  lu.assertEquals(hits[2].snippet, "[Kettle] arrived broken")
  lu.assertEquals(type(hits[2].rank), "number")
  lu.assertNotEquals(hits[2].rank, math.floor(hits[2].rank))
  lu.assertEquals(hits[4].record_id, p.id)
  lu.assertEquals(hits[4].customer_id, bob.id)
  for i = 2, #hits do lu.assertTrue(hits[i].rank >= hits[i - 1].rank) end
  -- what the accessors give, hit by hit
  local cur = ll.crm_swig_search_open(db._h, "kettle", 0, nil, nil, 0, 0, 0, nil, nil)
  local i = 0
  while true do
    local r = ll.crm_search_hit_cursor_next(cur)
    if r == nil then break end
    i = i + 1
    lu.assertEquals(hits[i].snippet, ll.crm_search_hit_snippet(r))
    lu.assertEquals(hits[i].rank, ll.crm_search_hit_rank(r))
    lu.assertEquals(hits[i].kind, ll.crm_search_kind_name(ll.crm_search_hit_kind(r)))
  end
  ll.crm_search_hit_cursor_free(cur)
  lu.assertEquals(i, 4)
end

function TestSearch:test_options()
  local db, ann, bob = corpus()
  local function kinds(q, o)
    local out = {}
    for h in db:search(q, o) do out[#out + 1] = h.kind .. "/" .. h.customer_id end
    return out
  end
  lu.assertEquals(kinds("kettle", {kinds = {"promise"}}), {"promise/" .. bob.id})
  lu.assertEquals(#kinds("kettle", {customer_id = ann.id}), 3)
  lu.assertEquals(kinds("kettle", {owner = "team:billing"}), {"promise/" .. bob.id})
  lu.assertEquals(#kinds("kettle", {limit = 1, offset = 1}), 1)
  for h in db:search("mull*", {mark_before = "<", mark_after = ">"}) do
    lu.assertEquals(h.snippet, "Jürgen <Müller>")
  end
  db:archive_customer(bob.id)
  lu.assertEquals(kinds("kettle", {kinds = {"promise"}}), {})
  lu.assertEquals(#kinds("kettle", {kinds = {"promise"}, include_archived = true}), 1)
end

function TestSearch:test_bad_input()
  local db = corpus()
  for _, q in ipairs({"", "*", "a*", string.rep("x", 257)}) do
    local ok, err = pcall(db.search, db, q)
    lu.assertFalse(ok)
    lu.assertEquals(err.code, ll.CRM_EINVAL)
  end
  local ok, err = pcall(db.search, db, "kettle", {kinds = {"note"}})
  lu.assertFalse(ok)
  lu.assertStrContains(tostring(err), "not a search kind")
  local n = 0
  for _ in db:search('NEAR( "kettle') do n = n + 1 end
  lu.assertEquals(n, 0)
end

os.exit(lu.LuaUnit.run())
