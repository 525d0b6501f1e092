-- The Lua examples in bindings/README.md run as written.
package.path = "/usr/share/lua/5.4/?.lua;" .. package.path
local lu = require "luaunit"

local ROOT = os.getenv("CRM_SOURCE_DIR") or "../.."

TestReadme = {}
function TestReadme:test_lua_examples()
  local f = assert(io.open(ROOT .. "/bindings/README.md"))
  local text = f:read("a")
  f:close()
  local dir = (os.getenv("TMPDIR") or "/tmp") .. "/lua-readme-" .. tostring(math.random(1e9))
  assert(os.execute("mkdir -p '" .. dir .. "'"))
  local n = 0
  for code in text:gmatch("```lua\n(.-)```") do
    -- run in a scratch directory: the example creates shop.crm
    code = code:gsub('"shop%.crm"', '"' .. dir .. '/shop.crm"')
    local chunk = assert(load(code, "=bindings/README.md"))
    chunk()
    n = n + 1
  end
  lu.assertTrue(n > 0)
  os.execute("rm -rf '" .. dir .. "'")
end

os.exit(lu.LuaUnit.run())
