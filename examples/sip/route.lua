-- examples/sip/route.lua: caller-ID routing at a contact centre's SIP edge.
--
-- Kamailio's app_lua runs ksr_request_route() for every request that
-- reaches the edge (kamailio.cfg: cfgengine "lua"). An INVITE is answered
-- with a 302 whose Contact is the queue the call should go to, chosen from
-- what libcrm knows about the caller, and the call is logged on the
-- caller's timeline. See README.md for the rules and why they are so.
--
-- Plain Lua 5.1 (app_lua embeds 5.1): no goto, no <close>, no //, no bit
-- operators, and integer times are whole doubles.
local crm = require "crm"

-- ---- what the business decides ---------------------------------------

local QUEUES = {
  priority = "sip:priority@queues.example", -- a promise to the caller is overdue
  support  = "sip:support@queues.example",  -- any other known caller
  general  = "sip:general@queues.example",  -- unknown callers, and when the lookup fails
}
-- customers looked after by an owner with a queue of its own go there
local OWNER_QUEUES = {
  ["team:enterprise"] = "sip:enterprise@queues.example",
}
local ACTOR = "sip:edge"       -- handled_by of the calls logged, actor in the journal
local NAME_MAX = 128           -- bytes of the customer's name sent in a header
-- A SIP worker must not wait long for another writer: the caller's phone
-- retransmits the INVITE after 500 ms (T1) and every worker stuck here is a
-- call not answered. Past this, the call is routed without being logged.
local BUSY_TIMEOUT = 0.2       -- seconds

-- ---- what the deployment decides (kamailio.cfg's #!define) -----------

local function define(name)
  local v = KSR.pv.get("$def(" .. name .. ")")
  if type(v) ~= "string" or v == "" then return nil end
  return (v:gsub('^"(.*)"$', "%1"))
end

-- One handle per Kamailio worker process, opened at its first INVITE (not
-- when the script is loaded, which may be before the workers fork). A
-- failed open is tried again at the next call.
local db

local function database()
  if db then return db end
  local path = define("CRM_DB")
  if not path then error("kamailio.cfg defines no CRM_DB", 0) end
  db = crm.open(path, {
    actor = ACTOR,
    default_country = define("CRM_COUNTRY"), -- how national numbers are read
    redact = true,     -- error lines go to syslog: no names or numbers in them
    create = false,    -- a wrong path is an error, not a new empty CRM
    busy_timeout = BUSY_TIMEOUT,
  })
  return db
end

-- ---- reading the caller's number -------------------------------------

local function percent_decode(s)
  return (s:gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end

-- The user part of a sip:, sips: or tel: URI, decoded, without user
-- parameters ("+14155550100;npdi" is +14155550100); nil if there is none.
local function uri_user(uri)
  if type(uri) ~= "string" then return nil end
  local user = uri:match("^[Tt][Ee][Ll]:([^;?>]+)") or uri:match("^[Ss][Ii][Pp][Ss]?:([^@;?>]+)@")
  if not user then return nil end
  user = percent_decode(user:match("^[^;]*"))
  if user == "" then return nil end
  return user
end

-- The numbers the caller may be known by, best first: the identity the
-- carrier asserts (P-Asserted-Identity), then the From user.
local function caller_numbers()
  local list = {}
  local pai = uri_user(KSR.pv.get("$ai"))
  if pai then list[#list + 1] = pai end
  local from = KSR.pv.get("$fU")
  if type(from) == "string" and from ~= "" then list[#list + 1] = percent_decode(from) end
  return list
end

-- The caller's customer record, or nil, why not ("unknown caller",
-- "number shared by N customers", "no caller number") and whether the
-- number is known at all (shared). The first candidate that is a phone
-- number decides: a From that names someone else never overrides what the
-- carrier asserted. Anything else libcrm raises goes up.
local function find_caller(d)
  local numbers = caller_numbers()
  for i = 1, #numbers do
    local ok, r = pcall(d.lookup, d, "phone", numbers[i])
    if ok then return r end
    if r.code == crm.ENOTFOUND then return nil, "unknown caller", false end
    if r.code == crm.EAMBIGUOUS then
      local n = 0
      for _ in d:holders("phone", numbers[i]) do n = n + 1 end
      return nil, "number shared by " .. n .. " customers", true
    end
    if r.code ~= crm.EINVAL then error(r, 0) end
    -- EINVAL: not a phone number ("anonymous", "alice"): try the next one
  end
  return nil, "no caller number", false
end

-- ---- the routing rules ------------------------------------------------

local function utc(ms)
  return os.date("!%Y-%m-%d %H:%M UTC", math.floor(ms / 1000))
end

-- The queue for a known caller, and why (nil for the plain rule).
local function queue_for(d, c)
  local n, oldest = 0, nil
  for p in d:promises{customer_id = c.id, overdue_as_of = crm.now()} do
    n = n + 1
    if not oldest or p.due_at < oldest then oldest = p.due_at end
  end
  if n > 0 then
    return QUEUES.priority, string.format("%d overdue promise%s, due since %s",
                                          n, n == 1 and "" or "s", utc(oldest))
  end
  if c.owner and OWNER_QUEUES[c.owner] then
    return OWNER_QUEUES[c.owner], "owner " .. c.owner
  end
  return QUEUES.support, nil
end

-- Log the call once: a retransmitted INVITE (or one resent after an
-- authentication challenge) has the same Call-ID, which libcrm refuses a
-- second time on the phone channel. A failure to log does not change where
-- the call goes: the caller is still known.
local function log_call(d, c, queue)
  local call_id = KSR.pv.get("$ci")
  local ok, err = pcall(d.log, d, c.id, {
    channel = "phone", direction = "in", handled_by = ACTOR,
    summary = "routed to " .. queue,
    external_ref = type(call_id) == "string" and call_id ~= "" and call_id or nil,
  })
  if ok then return end
  if err.code == crm.EEXISTS then
    KSR.info("crm-edge: call already logged as interaction " .. tostring(err.conflict_id) .. "\n")
  else
    KSR.err("crm-edge: call routed but not logged: " .. tostring(err) .. "\n")
  end
end

-- Where an INVITE goes: {queue =, customer =, reason =}.
local function route_invite()
  local d = database()
  local c, why, known = find_caller(d)
  if not c then
    -- A shared line (a family's landline) is known, but names no one
    -- customer to log the call for: the agent asks who is calling.
    -- An unknown caller is not made a customer here (README: "Unknown
    -- callers"): the agent who answers links or creates the record.
    return {queue = known and QUEUES.support or QUEUES.general, reason = why}
  end
  local queue, reason = queue_for(d, c)
  log_call(d, c, queue)
  return {queue = queue, customer = c, reason = reason}
end

-- ---- the reply --------------------------------------------------------

-- A header value from text: control characters (CR and LF among them, so
-- nothing can start a header of its own) become spaces, runs of spaces one,
-- and at most max bytes, never cutting a UTF-8 character in two.
local function header_safe(s, max)
  s = tostring(s):gsub("%c", " "):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  if max and #s > max then
    s = s:sub(1, max):gsub("[\192-\255][\128-\191]*$", "")
  end
  return s
end

local function add_header(name, value)
  KSR.hdr.append_to_reply(name .. ": " .. value .. "\r\n")
end

local function redirect(r)
  -- sl makes the Contact of a 3xx from the request URI
  KSR.pv.sets("$ru", r.queue)
  if r.customer then
    add_header("X-CRM-Customer-Id", header_safe(r.customer.id))
    add_header("X-CRM-Customer-Name", header_safe(r.customer.name, NAME_MAX))
  end
  if r.reason then add_header("X-CRM-Reason", header_safe(r.reason)) end
  KSR.sl.sl_send_reply(302, "Moved Temporarily")
  KSR.info("crm-edge: call " .. header_safe(KSR.pv.get("$ci") or "-", 100) .. " to " .. r.queue ..
           (r.customer and (" for customer " .. r.customer.id) or "") .. "\n")
end

function ksr_request_route()
  local method = KSR.pv.get("$rm")
  if method == "ACK" then
    return -- the ACK of our own 302: nothing to answer
  elseif method == "OPTIONS" then
    KSR.sl.sl_send_reply(200, "OK") -- the load balancer's health check
    return
  elseif method == "CANCEL" then
    -- every INVITE was answered at once: there is never one to cancel
    KSR.sl.sl_send_reply(481, "Call/Transaction Does Not Exist")
    return
  elseif method ~= "INVITE" then
    add_header("Allow", "INVITE, ACK, CANCEL, OPTIONS")
    KSR.sl.sl_send_reply(405, "Method Not Allowed")
    return
  end
  local ok, r = pcall(route_invite)
  if not ok then
    -- a locked or missing database, or a bug here: the call still goes
    -- somewhere a person answers
    KSR.err("crm-edge: caller lookup failed, routing to the general queue: " .. tostring(r) .. "\n")
    r = {queue = QUEUES.general, reason = "caller lookup failed"}
  end
  redirect(r)
end
