-- libcrm Lua binding tests (luaunit). Run: LUA_CPATH=<build>/bindings/lua/?.so lua5.4 test_crm.lua
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel
-- math.type where the Lua has it (5.3, 5.4); elsewhere a number is an
-- integer when it has no fraction
local math_type = math.type or function(v)
  if type(v) ~= "number" then return nil end
  return v == math.floor(v) and "integer" or "float"
end

local MISSING = "0190a5b2-7c3e-7d4f-8a1b-2c3d4e5f6a7b"
local TMP = os.getenv("TMPDIR") or "/tmp"

-- the error a call raises (fails if it does not raise a crm error table)
local function err_of(f, ...)
  local ok, e = pcall(f, ...)
  lu.assertFalse(ok, "expected an error")
  lu.assertEquals(type(e), "table", "errors are tables: " .. tostring(e))
  lu.assertEquals(getmetatable(e), crm.error_mt)
  lu.assertEquals(type(e.code), "number")
  lu.assertEquals(type(e.message), "string")
  return e
end

local function tmpfile(name)
  local p = TMP .. "/lua-" .. name .. "-" .. tostring(os.time()) .. "-" .. tostring(math.random(1e9)) .. ".crm"
  os.remove(p)
  return p
end

local function collect(...)
  local t = {}
  for x in ... do t[#t + 1] = x end
  return t
end

TestOpen = {}
function TestOpen:test_module()
  lu.assertEquals(type(crm), "table")
  lu.assertEquals(crm.ENOTFOUND, -2)
  lu.assertEquals(crm.EMISUSE, ll.CRM_EMISUSE)
  lu.assertEquals(crm.EAMBIGUOUS, ll.CRM_EAMBIGUOUS)
  lu.assertEquals(math_type(crm.SCHEMA_VERSION), "integer")
end

function TestOpen:test_open_close()
  local db = crm.open(":memory:")
  lu.assertEquals(db:actor(), "system")
  lu.assertStrContains(tostring(db), "system")
  db:set_actor("agent:bob")
  lu.assertEquals(db:actor(), "agent:bob")
  db:close()
  db:close()
  lu.assertTrue(db:is_closed())
  lu.assertStrContains(tostring(db), "closed")
end


function TestOpen:test_use_after_close()
  local db = crm.open(":memory:")
  local c = db:create_customer("Ann")
  local it, _, _, cur = db:customers()
  db:close()
  for _, f in ipairs({function() return db:customer(c.id) end,
                      function() return db:create_customer("B") end,
                      function() return db:journal() end,
                      function() return db:begin() end}) do
    lu.assertEquals(err_of(f).code, crm.EMISUSE)
  end
  lu.assertNil(it())  -- closed with the database
  lu.assertNil(cur.c)
end

function TestOpen:test_open_errors()
  lu.assertEquals(err_of(crm.open, tmpfile("missing"), {create = false}).code, crm.EIO)
  lu.assertEquals(err_of(crm.open, 42).code, crm.EINVAL)
  lu.assertEquals(err_of(crm.open, ":memory:", {durability = "sometimes"}).code, crm.EINVAL)
  lu.assertEquals(err_of(crm.open, ":memory:", {actor = 7}).code, crm.EINVAL)
  local junk = tmpfile("junk")
  local f = assert(io.open(junk, "wb"))
  f:write(string.rep("not a database ", 200))
  f:close()
  local e = err_of(crm.open, junk)
  lu.assertEquals(e.code, crm.ENOTCRM)
  lu.assertEquals(e.name, "ENOTCRM")
  os.remove(junk)
end

function TestOpen:test_readonly_and_busy()
  local p = tmpfile("ro")
  local a = crm.open(p)
  a:create_customer("A")
  local ro = crm.open(p, {readonly = true})
  lu.assertEquals(err_of(ro.create_customer, ro, "B").code, crm.EREADONLY)
  ro:close()
  local b = crm.open(p, {busy_timeout = 0})
  a:begin()
  a:create_customer("C")
  lu.assertEquals(err_of(b.create_customer, b, "D").code, crm.EBUSY)
  a:commit()
  b:create_customer("D")
  a:close()
  b:close()
  os.remove(p)
end

TestCustomers = {}
function TestCustomers:setUp() self.db = crm.open(":memory:", {actor = "agent:test", default_country = "US"}) end
function TestCustomers:tearDown() self.db:close() end

function TestCustomers:test_create_get()
  local db = self.db
  local c = db:create_customer("Zoë Ångström")
  lu.assertEquals(c.name, "Zoë Ångström")
  lu.assertEquals(c.kind, "person")
  lu.assertFalse(c.archived)
  lu.assertEquals(math_type(c.created_at), "integer")
  lu.assertEquals(db:customer(c.id), c)
  lu.assertEquals(db:create_customer("Acme", "organisation").kind, "organisation")
end

function TestCustomers:test_errors()
  local db = self.db
  local e = err_of(db.customer, db, MISSING)
  lu.assertEquals(e.code, crm.ENOTFOUND)
  lu.assertStrContains(tostring(e), "(ENOTFOUND)")
  lu.assertEquals(err_of(db.customer, db, "nope").code, crm.EINVAL)
  lu.assertEquals(err_of(db.customer, db, 42).code, crm.EINVAL)
  lu.assertEquals(err_of(db.create_customer, db, "").code, crm.EINVAL)
  lu.assertEquals(err_of(db.create_customer, db, "bad \255\254 utf8").code, crm.EINVAL)
  lu.assertEquals(err_of(db.create_customer, db, "A", "robot").code, crm.EINVAL)
  lu.assertEquals(err_of(db.rename_customer, db, MISSING, "B").code, crm.ENOTFOUND)
  lu.assertEquals(err_of(db.rename_customer, db, {}, "B").code, crm.EINVAL)
end

function TestCustomers:test_rename_archive()
  local db = self.db
  local c = db:create_customer("Ann")
  db:rename_customer(c.id, "Ann B")
  lu.assertEquals(db:customer(c.id).name, "Ann B")
  db:archive_customer(c.id)
  lu.assertEquals(err_of(db.archive_customer, db, c.id).code, crm.ESTATE)
  lu.assertEquals(#collect(db:customers()), 0)
  lu.assertEquals(#collect(db:customers{archived = "only"}), 1)
  db:unarchive_customer(c.id)
end

function TestCustomers:test_owner()
  local db = self.db
  local c = db:create_customer("Ann")
  lu.assertNil(c.owner)
  local got = db:set_customer_owner(c.id, "agent:alice")
  lu.assertEquals(got.owner, "agent:alice")
  lu.assertTrue(got.updated_at >= c.updated_at)
  lu.assertEquals(db:customer(c.id).owner, "agent:alice")
  lu.assertEquals(db:set_customer_owner(c.id, "team:billing").owner, "team:billing")
  lu.assertEquals(db:customer(c.id).owner, "team:billing")
  lu.assertNil(db:set_customer_owner(c.id, nil).owner)
  lu.assertNil(db:customer(c.id).owner)
  local data = {}
  for e in db:journal() do
    if e.op == "set_owner" then
      lu.assertEquals({e.entity, e.entity_id}, {"customer", c.id})
      data[#data + 1] = e.data
    end
  end
  lu.assertEquals(data, {'{"owner":"agent:alice","old_owner":null}',
                         '{"owner":"team:billing","old_owner":"agent:alice"}',
                         '{"owner":null,"old_owner":"team:billing"}'})
end

function TestCustomers:test_owner_refused()
  local db = self.db
  local c = db:create_customer("Ann")
  local longest = string.rep("x", ll.CRM_ACTOR_MAX)
  lu.assertEquals(db:set_customer_owner(c.id, longest).owner, longest)
  db:set_customer_owner(c.id, "agent:alice")
  local before, seq = db:customer(c.id), db:last_seq()
  for _, bad in ipairs({"", string.rep("x", ll.CRM_ACTOR_MAX + 1), "agent:\7bob",
                        "agent:bob\n", " agent:bob", "bad \255 utf8"}) do
    local e = err_of(db.set_customer_owner, db, c.id, bad)
    lu.assertEquals(e.code, crm.EINVAL)
    lu.assertStrContains(e.message, "owner")
    lu.assertEquals(db:customer(c.id), before)
    lu.assertEquals(db:last_seq(), seq)
  end
  local e = err_of(db.set_customer_owner, db, MISSING, "agent:bob")
  lu.assertEquals(e.code, crm.ENOTFOUND)
  lu.assertStrContains(e.message, MISSING)
  lu.assertEquals(err_of(db.set_customer_owner, db, "nope", "agent:bob").code, crm.EINVAL)
  lu.assertEquals(err_of(db.set_customer_owner, db, c.id, 7).code, crm.EINVAL)
  lu.assertEquals(db:customer(c.id), before)
  lu.assertEquals(db:last_seq(), seq)
end

function TestCustomers:test_list_and_count_by_owner()
  local db = self.db
  local ann, bob, cat = db:create_customer("Ann"), db:create_customer("Bob"),
                        db:create_customer("Cat")
  db:create_customer("Dan")
  db:set_customer_owner(ann.id, "team:billing")
  db:set_customer_owner(cat.id, "team:billing")
  db:set_customer_owner(bob.id, "agent:alice")
  local function ids(f)
    local t = {}
    for x in db:customers(f) do t[#t + 1] = x.id end
    return t
  end
  lu.assertEquals(ids{owner = "team:billing"}, {ann.id, cat.id})
  lu.assertEquals(db:count_customers{owner = "team:billing"}, 2)
  lu.assertEquals(ids{owner = "agent:alice"}, {bob.id})
  lu.assertEquals(db:count_customers{owner = "agent:alice"}, 1)
  lu.assertEquals(ids{owner = "team:nobody"}, {})
  lu.assertEquals(db:count_customers{owner = "team:nobody"}, 0)
  lu.assertEquals(db:count_customers(), 4)
  db:archive_customer(cat.id)
  lu.assertEquals(ids{owner = "team:billing"}, {ann.id})
  lu.assertEquals(db:count_customers{owner = "team:billing", archived = "include"}, 2)
  for _, bad in ipairs({"", string.rep("x", ll.CRM_ACTOR_MAX + 1), "team:\1", " team"}) do
    local e = err_of(db.customers, db, {owner = bad})
    lu.assertEquals(e.code, crm.EINVAL)
    lu.assertStrContains(e.message, "filter owner")
    lu.assertEquals(err_of(db.count_customers, db, {owner = bad}).code, crm.EINVAL)
  end
  lu.assertEquals(err_of(db.customers, db, {owner = 42}).code, crm.EINVAL)
end

function TestCustomers:test_list_filters()
  local db = self.db
  for _, n in ipairs({"carol", "Alice", "bob"}) do db:create_customer(n) end
  db:create_customer("Org", "org")
  local names = {}
  for c in db:customers{order = "name", kind = "person"} do names[#names + 1] = c.name end
  lu.assertEquals(names, {"Alice", "bob", "carol"})
  lu.assertEquals(#collect(db:customers{limit = 2}), 2)
  lu.assertEquals(collect(db:customers{name_prefix = "b"})[1].name, "bob")
  lu.assertEquals(err_of(db.customers, db, {order = "random"}).code, crm.EINVAL)
  lu.assertEquals(err_of(db.customers, db, {limit = 1.5}).code, crm.EINVAL)
  lu.assertEquals(err_of(function() return collect(db:customers{after = MISSING}) end).code, crm.ENOTFOUND)
end

function TestCustomers:test_cursor_break_and_close()
  local db = self.db
  for i = 1, 5 do db:create_customer("c" .. i) end
  for c in db:customers() do break end  -- closed by the for loop (4th value)
  local it, _, _, cur = db:customers()
  lu.assertEquals(it().name, "c1")
  cur:close()
  lu.assertNil(it())
  for _ = 1, 50 do local f = db:customers(); f() end
  collectgarbage()
  collectgarbage()
  db:close()  -- no cursor keeps it open
  lu.assertTrue(db:is_closed())
  self.db = crm.open(":memory:")
end

function TestCustomers:test_exit_with_open_cursor_and_database()
  -- lua_close finalizes the database and an unfinished cursor: no double free
  local lua = arg[-1] or "lua5.4"
  local code = [[local crm = require "crm"
    local db = crm.open(":memory:")
    for i = 1, 3 do db:create_customer("c" .. i) end
    it = db:customers(); it()
    jt = db:journal(); jt()
    db2 = crm.open(":memory:")]]
  local ok, how, rc = os.execute(lua .. " -e '" .. code .. "'")
  -- 5.1 and LuaJIT say the status; 5.2 and later true or nil, how and code
  lu.assertTrue(ok == true or ok == 0, "lua exited with " .. tostring(ok) .. " " ..
                tostring(how) .. " " .. tostring(rc))
end

function TestCustomers:test_transaction()
  local db = self.db
  local r = db:transaction(function(d, name) return d:create_customer(name).name end, "A")
  lu.assertEquals(r, "A")
  lu.assertFalse(db:in_transaction())
  local ok, e = pcall(db.transaction, db, function(d)
    d:create_customer("gone")
    error("boom")
  end)
  lu.assertFalse(ok)
  lu.assertStrContains(e, "boom")
  lu.assertFalse(db:in_transaction())
  lu.assertEquals(#collect(db:customers()), 1)
  lu.assertEquals(err_of(db.commit, db).code, crm.ESTATE)
end

function TestCustomers:test_attrs_tags()
  local db = self.db
  local c = db:create_customer("Ann")
  db:set_attr(c.id, "plan", "gold")
  lu.assertEquals(db:attr(c.id, "plan"), "gold")
  db:unset_attr(c.id, "plan")
  lu.assertEquals(err_of(db.attr, db, c.id, "plan").code, crm.ENOTFOUND)
  db:add_tag(c.id, "vip")
  db:add_tag(c.id, "beta")
  lu.assertEquals(err_of(db.add_tag, db, c.id, "vip").code, crm.EEXISTS)
  lu.assertEquals(collect(db:tags(c.id)), {"beta", "vip"})
  db:remove_tag(c.id, "beta")
end

function TestCustomers:test_identities()
  local db = self.db
  local ann = db:create_customer("Ann")
  local i = db:add_identity(ann.id, "phone", "(415) 555-0100", {primary = true})
  lu.assertEquals(i.key, "+14155550100")
  lu.assertTrue(i.primary)
  lu.assertFalse(i.verified)
  lu.assertEquals(db:lookup("phone", "+1 415 555 0100").id, ann.id)
  lu.assertEquals(db:identity(ann.id, "phone", "4155550100").customer_id, ann.id)
  lu.assertEquals(db:normalise("email", "Ann@Example.COM"), "ann@example.com")
  db:add_identity(ann.id, "email", "ann@example.com")
  lu.assertEquals(#collect(db:identities(ann.id)), 2)
  local bob = db:create_customer("Bob")
  local e = err_of(db.add_identity, db, bob.id, "phone", "+14155550100")
  lu.assertEquals(e.code, crm.EEXISTS)
  lu.assertEquals(e.conflict_id, ann.id)
  lu.assertEquals(err_of(db.add_identity, db, bob.id, "email", "nope").code, crm.EINVAL)
  db:remove_identity(ann.id, "phone", "415-555-0100")
  lu.assertEquals(err_of(db.lookup, db, "phone", "+14155550100").code, crm.ENOTFOUND)
end

function TestCustomers:test_shared_identities()
  local db = self.db
  local ann = db:create_customer("Ann")
  local bob = db:create_customer("Bob")
  local cy = db:create_customer("Cy")
  local i = db:add_identity(ann.id, "phone", "(415) 555-0100", {shared = true, primary = true})
  lu.assertTrue(i.shared and i.primary)
  lu.assertEquals(i.flags, ll.CRM_IDENTITY_SHARED + ll.CRM_IDENTITY_PRIMARY)
  lu.assertEquals(db:lookup("phone", "+14155550100").id, ann.id)
  lu.assertFalse(db:add_identity(bob.id, "phone", "+1 415 555 0100", {shared = true}).primary)
  local e = err_of(db.lookup, db, "phone", "4155550100")
  lu.assertEquals(e.code, crm.EAMBIGUOUS)
  lu.assertEquals(e.name, "EAMBIGUOUS")
  lu.assertStrContains(e.message, "2 customers")
  local names = {}
  for c in db:holders("phone", "415.555.0100") do names[#names + 1] = c.name end
  lu.assertEquals(names, {"Ann", "Bob"})
  lu.assertEquals(#collect(db:holders("phone", "+14155550199")), 0)
  e = err_of(db.add_identity, db, cy.id, "phone", "+14155550100")
  lu.assertEquals({e.code, e.conflict_id}, {crm.EEXISTS, ann.id})
  e = err_of(db.set_identity_flags, db, ann.id, "phone", "+14155550100", {primary = true})
  lu.assertEquals({e.code, e.conflict_id}, {crm.EEXISTS, bob.id})
  lu.assertTrue(db:identity(ann.id, "phone", "+14155550100").shared)
  lu.assertEquals(err_of(db.identity, db, cy.id, "phone", "+14155550100").code, crm.ENOTFOUND)
  db:remove_identity(bob.id, "phone", "+14155550100")
  lu.assertEquals(db:lookup("phone", "+14155550100").id, ann.id)
end

function TestCustomers:test_resolve()
  local db = self.db
  local ann = db:create_customer("Ann")
  local bob = db:create_customer("Bob")
  db:add_identity(ann.id, "phone", "+1 415 555 0100")
  db:add_identity(ann.id, "email", "ann@example.com")
  db:add_identity(bob.id, "account", "4155550100")
  lu.assertEquals(db:resolve("ANN@example.com").id, ann.id)
  lu.assertEquals(db:resolve("+1 (415) 555-0100").id, ann.id)
  lu.assertEquals(db:resolve(bob.id:upper()).id, bob.id)
  local e = err_of(db.resolve, db, "4155550100")
  lu.assertEquals(e.code, crm.EAMBIGUOUS)
  lu.assertStrContains(e.message, "names 2 customers")
  local ids = {}
  for c in db:resolve_all("4155550100") do ids[#ids + 1] = c.id end
  lu.assertEquals(ids, {ann.id, bob.id})
  e = err_of(db.resolve, db, "nobody@example.com")
  lu.assertEquals(e.code, crm.ENOTFOUND)
  lu.assertStrContains(e.message, "tried email, account, loyalty")
  lu.assertEquals(#collect(db:resolve_all("nobody@example.com")), 0)
  for _, bad in ipairs({"", "   ", string.rep("x", 257), "a\tb"}) do
    lu.assertEquals(err_of(db.resolve, db, bad).code, crm.EINVAL)
    lu.assertEquals(err_of(db.resolve_all, db, bad).code, crm.EINVAL)
  end
  lu.assertEquals(err_of(db.resolve, db, 42).code, crm.EINVAL)
end

function TestCustomers:test_journal()
  local db = self.db
  local c = db:create_customer("Ann")
  db:rename_customer(c.id, "Ann B")
  local ops = {}
  for e in db:journal() do ops[#ops + 1] = e.entity .. ":" .. e.op end
  lu.assertEquals(ops, {"customer:create", "customer:rename"})
  local first = db:journal()()
  lu.assertEquals(first.actor, "agent:test")
  lu.assertEquals(math_type(first.seq), "integer")
  lu.assertEquals(db:last_seq(), 2)
  lu.assertEquals(#collect(db:journal(1)), 1)
  lu.assertEquals(err_of(db.journal, db, -1).code, crm.EINVAL)
  lu.assertEquals(err_of(db.journal, db, 1.5).code, crm.EINVAL)
end

function TestCustomers:test_interactions_timeline()
  local db = self.db
  local c = db:create_customer("Ann")
  local base = 1767268800000  -- 2026-01-01T12:00Z
  local a = db:log(c.id, {channel = "phone", occurred_at = base, sentiment = -1, outcome = "resolved"})
  lu.assertEquals(a.channel, "phone")
  lu.assertEquals(a.direction, "in")
  lu.assertEquals(a.sentiment, -1)
  lu.assertEquals(a.outcome, "resolved")
  local b = db:log(c.id, {channel = "social", public = true, occurred_at = base + 1000, external_ref = "t1"})
  local e = db:log(c.id, {channel = "email", direction = "out", occurred_at = base + 2000, reply_to = a.id})
  lu.assertEquals(e.thread_id, a.thread_id)
  lu.assertEquals(db:interaction(b.id).public, true)
  local ids = {}
  for it in db:timeline(c.id) do ids[#ids + 1] = it.id end
  lu.assertEquals(ids, {e.id, b.id, a.id})
  ids = {}
  for it in db:timeline(c.id, {channels = {"phone", "social"}}) do ids[#ids + 1] = it.id end
  lu.assertEquals(ids, {b.id, a.id})
  lu.assertEquals(err_of(db.log, db, c.id, {channel = "social", external_ref = "t1"}).code, crm.EEXISTS)
  local bad = err_of(db.log, db, c.id, {channel = "Pigeon post"})
  lu.assertEquals(bad.code, crm.EINVAL)
  lu.assertStrContains(bad.message, "'Pigeon post' is not a name")
  lu.assertEquals(err_of(db.log, db, c.id, {}).code, crm.EINVAL)
  lu.assertEquals(err_of(db.timeline, db, c.id, {channels = {"Telepathy"}}).code, crm.EINVAL)
  for _ in db:timeline(c.id, {channels = {"telepathy"}}) do lu.fail("no interaction is on it") end
  -- A channel of the business's own, the thread filtered, the public flag, the count.
  local wa = db:log(c.id, {channel = "whatsapp", occurred_at = base + 3000, reply_to = a.id,
                           external_ref = "wa-1"})
  lu.assertEquals(wa.channel, "whatsapp")
  lu.assertEquals(db:interaction_by_ref("whatsapp", "wa-1").id, wa.id)
  local got = {}
  for it in db:thread(a.id, {channels = {"whatsapp"}}) do got[#got + 1] = it.id end
  lu.assertEquals(got, {wa.id})
  got = {}
  for it in db:thread(a.id, {before = a.id, limit = 1}) do got[#got + 1] = it.id end
  lu.assertEquals(#got, 1)
  db:set_public(wa.id, true)
  lu.assertTrue(db:interaction(wa.id).public)
  db:set_public(wa.id, false)
  lu.assertFalse(db:interaction(wa.id).public)
  lu.assertEquals(db:count_customers(), 1)
  lu.assertEquals(db:count_customers({name_prefix = "zz"}), 0)
end

function TestCustomers:test_promises()
  local db = self.db
  local c = db:create_customer("Ann")
  local base = 1767268800000
  -- made at base, before any of these due times
  local p = db:promise(c.id, "Call back", base + 86400000, {owner = "agent:alice", at = base})
  lu.assertEquals(p.state, "open")
  lu.assertEquals(p.owner, "agent:alice")
  lu.assertEquals(p.due_at, base + 86400000)
  lu.assertEquals(p.overdue, ll.crm_now() > p.due_at)
  db:renegotiate(p.id, base + 10 * 86400000, "asked", true, base + 86400000)
  lu.assertEquals(db:get_promise(p.id).renegotiations, 1)
  lu.assertEquals(db:get_promise(p.id).first_due_at, base + 86400000)
  db:keep(p.id, {note = "done"})
  lu.assertEquals(db:get_promise(p.id).state, "kept")
  lu.assertEquals(err_of(db["break"], db, p.id, "late").code, crm.ESTATE)
  local r = db:promise(c.id, "Brochure", base, {owner = "agent:bob", at = base})
  db:break_(r.id, "out of stock")
  local s = db:promise(c.id, "Visit", base, {owner = "agent:bob", at = base})
  db:release(s.id, "cancelled")
  local states = {}
  for x in db:promises{customer_id = c.id} do states[x.id] = x.state end
  lu.assertEquals(states, {[p.id] = "kept", [r.id] = "broken", [s.id] = "released"})
  lu.assertEquals(#collect(db:promises{states = {"broken"}}), 1)
  lu.assertEquals(err_of(db.promises, db, {states = {"maybe"}}).code, crm.EINVAL)
  lu.assertEquals(err_of(db.promise, db, c.id, "x", base, {at = base}).code, crm.EINVAL)  -- no owner
  lu.assertEquals(err_of(db.get_promise, db, MISSING).code, crm.ENOTFOUND)
end

function TestCustomers:test_promise_steps_at()
  local db = self.db
  local c = db:create_customer("Ann")
  local day = 86400000
  local now = math.floor(crm.now() / 1000) * 1000
  local p = db:promise(c.id, "Refund", now - 8 * day, {owner = "agent:a", at = now - 10 * day})
  lu.assertEquals({p.made_at, p.first_due_at}, {now - 10 * day, now - 8 * day})
  db:renegotiate(p.id, now - 2 * day, "part late", true, now - 5 * day)
  db:keep(p.id, {note = "refunded", at = now - day})
  local q = db:get_promise(p.id)
  lu.assertEquals({q.state, q.closed_at, q.kept_late, q.overdue, q.due_at, q.first_due_at},
                  {"kept", now - day, true, false, now - 2 * day, now - 8 * day})
  local steps = {}
  for e in db:promise_history(p.id) do steps[#steps + 1] = e.kind .. "@" .. math.floor((now - e.at) / day) end
  lu.assertEquals(steps, {"made@10", "renegotiated@5", "kept@1"})
  local r = db:promise(c.id, "Brochure", now + day, {owner = "agent:a"})
  local e = err_of(db["break"], db, r.id, "gone", now + day)
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "in the future")
  lu.assertStrContains(err_of(db.release, db, r.id, nil, now - day).message, "before the last step")
  db:release(r.id)
  lu.assertEquals(db:get_promise(r.id).state, "released")
end

-- A due time cannot have passed when it is set; an interaction is logged
-- once it happened: crm.EINVAL naming both times, nothing written.
function TestCustomers:test_due_and_occurred_time_rules()
  local db = self.db
  local c = db:create_customer("Ann")
  local day = 86400000
  local now = math.floor(crm.now() / 1000) * 1000
  local seq = db:last_seq()
  local e = err_of(db.promise, db, c.id, "Refund", now - day, {owner = "agent:a"})
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "due_at " .. (now - day))
  lu.assertStrContains(e.message, "is before the promise was made at")
  e = err_of(db.promise, db, c.id, "Refund", now - 3 * day, {owner = "agent:a", at = now - 2 * day})
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "made at " .. (now - 2 * day))
  lu.assertEquals(db:last_seq(), seq)
  lu.assertEquals(#collect(db:promises{customer_id = c.id}), 0)
  local p = db:promise(c.id, "Refund", now - 2 * day, {owner = "agent:a", at = now - 2 * day})
  lu.assertEquals({p.due_at, p.made_at, p.overdue}, {now - 2 * day, now - 2 * day, true})
  e = err_of(db.renegotiate, db, p.id, now - day, "asked", true)
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "new_due_at " .. (now - day))
  lu.assertStrContains(e.message, "is before the promise was renegotiated at")
  e = err_of(db.renegotiate, db, p.id, now - day, "asked", true, now - day + 1)
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "renegotiated at " .. (now - day + 1))
  lu.assertEquals(db:get_promise(p.id).renegotiations, 0)
  db:renegotiate(p.id, now - day, "asked", true, now - day)
  lu.assertEquals(db:get_promise(p.id).due_at, now - day)
  seq = db:last_seq()
  e = err_of(db.log, db, c.id, {channel = "phone", occurred_at = crm.now() + 60000})
  lu.assertEquals(e.code, crm.EINVAL)
  lu.assertStrContains(e.message, "is in the future")
  lu.assertEquals(db:last_seq(), seq)
  lu.assertEquals(#collect(db:timeline(c.id)), 0)
  lu.assertEquals(db:log(c.id, {channel = "phone", occurred_at = now}).occurred_at, now)
end

function TestCustomers:test_occasions()
  local db = self.db
  local c = db:create_customer("Ann")
  local o = db:add_occasion(c.id, "birthday", {month = 3, day = 4, lead_days = 7, note = "cake"})
  lu.assertEquals({o.kind, o.month, o.day, o.lead_days, o.note, o.yearly},
                  {"birthday", 3, 4, 7, "cake", true})
  lu.assertEquals(#collect(db:occasions(c.id)), 1)
  local rows = collect(db:upcoming("2026-01-01", 365))
  lu.assertEquals(#rows, 1)
  lu.assertEquals({rows[1].next_year, rows[1].next_month, rows[1].next_day}, {2026, 3, 4})
  lu.assertEquals(rows[1].next_at, 1772582400000)  -- 2026-03-04T00:00Z
  -- a table or a string: the window's first day counts, one past is out
  lu.assertEquals(#collect(db:upcoming({year = 2026, month = 3, day = 4}, 1)), 1)
  lu.assertEquals(#collect(db:upcoming("2026-03-05", 300)), 0)
  lu.assertEquals(#collect(db:upcoming(nil, 366)), 1)  -- from today, in UTC
  lu.assertEquals(err_of(db.add_occasion, db, c.id, "birthday", {month = 2, day = 30}).code, crm.EINVAL)
  lu.assertEquals(err_of(db.upcoming, db, "2026-01-01", 0).code, crm.EINVAL)
  lu.assertStrContains(err_of(db.upcoming, db, "2026-02-30").message, "does not exist")
  lu.assertStrContains(err_of(db.upcoming, db, "2026-1-1").message, "not a date YYYY-MM-DD")
  lu.assertStrContains(err_of(db.upcoming, db, {year = 2026, day = 1}).message, "start.month is missing")
  lu.assertEquals(err_of(db.upcoming, db, 1767268800000).code, crm.EINVAL)  -- a time is not a date
  db:remove_occasion(o.id)
  lu.assertEquals(err_of(db.remove_occasion, db, o.id).code, crm.ENOTFOUND)
end

function TestCustomers:test_members_flags_threads_history()
  local db = self.db
  local ann = db:create_customer("Ann")
  local org = db:create_customer("Acme", "organisation")
  db:add_member(org.id, ann.id, "billing contact")
  local ms = collect(db:members(org.id))
  lu.assertEquals({ms[1].person_id, ms[1].role, ms[1].org_name}, {ann.id, "billing contact", "Acme"})
  lu.assertEquals(err_of(db.add_member, db, org.id, ann.id, "again").code, crm.EEXISTS)
  db:remove_member(org.id, ann.id)
  lu.assertEquals(#collect(db:members(org.id)), 0)
  db:add_identity(ann.id, "email", "ann@example.com")
  db:set_identity_flags(ann.id, "email", "ann@example.com", {verified = true})
  lu.assertTrue(db:identity(ann.id, "email", "ann@example.com").verified)
  local base = 1767268800000
  local a = db:log(ann.id, {channel = "email", external_ref = "m1", occurred_at = base})
  local b = db:log(ann.id, {channel = "email", direction = "out", reply_to = a.id, occurred_at = base + 1})
  lu.assertEquals(db:interaction_by_ref("email", "m1").id, a.id)
  db:set_reason(a.id, "billing.refund")
  db:set_summary(a.id, "Refund")
  db:set_outcome(a.id, "resolved")
  local got = db:interaction(a.id)
  lu.assertEquals({got.reason, got.summary, got.outcome}, {"billing.refund", "Refund", "resolved"})
  local ids = {}
  for it in db:thread(b.id) do ids[#ids + 1] = it.id end
  lu.assertEquals(ids, {a.id, b.id})
  local p = db:promise(ann.id, "Refund", base + 5, {owner = "agent:a", at = base + 1})
  db:renegotiate(p.id, base + 10, "asked", true, base + 5)
  local kinds = {}
  for e in db:promise_history(p.id) do kinds[#kinds + 1] = e.kind end
  lu.assertEquals(kinds, {"made", "renegotiated"})
end

os.exit(lu.LuaUnit.run())
