-- The Lua example in the top-level README.md runs as written and prints
-- the lines of the ```text block after the README's Python example (both
-- examples print the same).
package.path = "/usr/share/lua/" .. _VERSION:match("%d+%.%d+") .. "/?.lua;" .. package.path
local lu = require "luaunit"

local ROOT = os.getenv("CRM_SOURCE_DIR") or "../.."

local function read(path)
  local f = assert(io.open(path))
  local text = f:read("*a")
  f:close()
  return text
end

-- the first fenced block of kind `lang` at or after position `init`
local function block(text, lang, init)
  local s, e, body = text:find("\n```" .. lang .. "\n(.-\n)```\n", init)
  return body, e
end

TestReadme = {}
function TestReadme:test_lua_example()
  local text = read(ROOT .. "/README.md")
  local code = block(text, "lua", 1)
  lu.assertNotNil(code, "no ```lua block in README.md")
  local _, py_end = block(text, "python", 1)
  lu.assertNotNil(py_end, "no ```python block in README.md")
  local expected = block(text, "text", py_end)
  lu.assertNotNil(expected, "no ```text block after the ```python block")

  -- capture what the example prints
  local lines = {}
  local env = setmetatable({print = function(...)
    local parts = {n = select("#", ...), ...}
    for i = 1, parts.n do parts[i] = tostring(parts[i]) end
    lines[#lines + 1] = table.concat(parts, "\t", 1, parts.n)
  end}, {__index = _G})
  local chunk
  if setfenv then  -- Lua 5.1 and LuaJIT
    chunk = assert(loadstring(code, "=README.md"))
    setfenv(chunk, env)
  else
    chunk = assert(load(code, "=README.md", "t", env))
  end
  chunk()
  collectgarbage()
  local out = table.concat(lines, "\n") .. "\n"
  lu.assertStrContains(out, "ENOTFOUND")
  lu.assertEquals(out, expected)
end

-- the example speaks the module's idiom only: none of the generated
-- functions or constants, and nothing newer than Lua 5.1
function TestReadme:test_lua_example_uses_the_idiom_only()
  local code = block(read(ROOT .. "/README.md"), "lua", 1)
  for _, raw in ipairs({"crm%.crm_", "crm%.CRM_", "_lowlevel", "<close>", "//"}) do
    lu.assertNil(code:find(raw), "the README's Lua example uses " .. raw)
  end
end

function TestReadme:test_bindings_readme_has_no_stale_lua()
  -- usage lives in README.md and docs/lua.md
  lu.assertNil(read(ROOT .. "/bindings/README.md"):find("```lua", 1, true))
end

os.exit(lu.LuaUnit.run())
