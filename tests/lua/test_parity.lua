-- Every exported crm_ function is reachable from the Lua module (ll.crm_*),
-- or listed in bindings/not-bound.txt with the reason; and the database
-- object has the methods bindings/methods.txt pairs with Python's
-- (tests/python/test_parity.py checks the Python side of the same file).
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"
local crm = require "crm"
local ll = crm._lowlevel

local ROOT = os.getenv("CRM_SOURCE_DIR") or "../.."

local function read(p)
  local f = assert(io.open(p, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

local function exported()
  local names, n = {}, 0
  for hdr in read(ROOT .. "/include/crm.h"):gmatch('#include "(crm/[%w_]+%.h)"') do
    for name in read(ROOT .. "/include/" .. hdr):gmatch("CRM_EXTERN%b()%s*(crm_[%w_]+)%s*%(") do
      names[name] = true
      n = n + 1
    end
  end
  return names, n
end

local function not_bound()
  local t = {}
  for line in read(ROOT .. "/bindings/not-bound.txt"):gmatch("[^\n]+") do
    local name, reason = line:match("^(crm_[%w_]+)%s*#%s*(.+)$")
    if name then t[name] = reason end
  end
  return t
end

TestParity = {}
function TestParity:test_every_function_reachable_or_listed()
  local names, n = exported()
  lu.assertTrue(n > 150)
  local listed, missing = not_bound(), {}
  for name in pairs(names) do
    if not listed[name] and type(ll[name]) ~= "function" then missing[#missing + 1] = name end
  end
  table.sort(missing)
  lu.assertEquals(missing, {})
end

function TestParity:test_listed_are_hidden_and_current()
  local names = exported()
  for name in pairs(not_bound()) do
    lu.assertTrue(names[name], name .. " is not in the headers")
    lu.assertNil(ll[name], name .. " is listed but bound")
  end
end

-- The module table offers the idiom only: no generated crm_* function,
-- CRM_* constant or SWIG class in the user's way (they are in
-- crm._lowlevel, for these tests), and the version of the C library.
function TestParity:test_module_table_holds_the_idiom_only()
  local raw = {}
  for k in pairs(crm) do
    if type(k) ~= "string" or k:match("^crm_") or k:match("^CRM_") or k:match("^_[a-z]")
       and k ~= "_lowlevel" then
      raw[#raw + 1] = tostring(k)
    end
  end
  table.sort(raw)
  lu.assertEquals(raw, {})
  lu.assertEquals(type(crm.open), "function")
  lu.assertEquals(type(ll.crm_swig_open), "function")
  lu.assertEquals(crm.version, ll.crm_version())
  lu.assertStrMatches(crm.version, "%d+%.%d+%.%d+")
  lu.assertEquals(crm.version_number, ll.crm_version_number())
  lu.assertEquals(crm._VERSION, "crm " .. crm.version)
  local t = crm.now()
  lu.assertTrue(t > 1767225600000 and t == math.floor(t), tostring(t))  -- ms, after 2026
end

-- {lua name = true} and the reasons of one-language lines, from bindings/methods.txt
local function methods()
  local names, rows = {}, 0
  for line in read(ROOT .. "/bindings/methods.txt"):gmatch("[^\n]+") do
    local body, reason = line:match("^([^#]*)#?%s*(.-)%s*$")
    local python, lua = body:match("^%s*(%S+)%s+(%S+)%s*$")
    if python then
      rows = rows + 1
      if python == "-" or lua == "-" then
        lu.assertTrue(#reason > 0, (python .. " " .. lua) .. ": one language only, with no reason")
      end
      if lua ~= "-" then
        for name in lua:gmatch("[^,]+") do
          lu.assertNil(names[name], name .. " is listed twice")
          names[name] = true
        end
      end
    else
      lu.assertEquals(body:match("^%s*$"), body, "not a line of two names: " .. line)
    end
  end
  return names, rows
end

function TestParity:test_every_method_is_listed()
  local listed, rows = methods()
  lu.assertTrue(rows > 50)
  lu.assertTrue(listed.attrs and listed["break"] and listed.set_actor)
  local unlisted, missing = {}, {}
  for name, v in pairs(crm.Database) do
    if type(v) == "function" and not name:match("^__") and not listed[name] then
      unlisted[#unlisted + 1] = name
    end
  end
  for name in pairs(listed) do
    if type(crm.Database[name]) ~= "function" then missing[#missing + 1] = name end
  end
  table.sort(unlisted)
  table.sort(missing)
  lu.assertEquals(unlisted, {}, "methods not in bindings/methods.txt")
  lu.assertEquals(missing, {}, "in bindings/methods.txt, not methods of the database")
end

os.exit(lu.LuaUnit.run())
