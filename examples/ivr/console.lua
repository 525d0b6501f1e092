-- A FreeSWITCH-like session object at a terminal, so callflow.lua runs
-- without a switch: what the switch would say is printed, and the caller's
-- keys and words are typed (or given as a script, as the tests do).
--
--   lua5.4 examples/ivr/console.lua --db demo.db --ani '+1 (415) 555-0100'
--
-- What the caller types at a prompt:
--   5             a key (DTMF)
--   London 0.42   words heard by the recogniser, with its confidence
--                 (words alone are heard with confidence 0.90)
--   (empty line)  silence: the prompt times out
--   hangup        the caller hangs up (so does the end of the input)
--
-- Only the calls callflow.lua makes are provided: answer, ready, hangup,
-- getVariable, setVariable, get_uuid, speak, set_tts_params, consoleLog,
-- playAndGetDigits, transfer, and execute("play_and_detect_speech", ...),
-- which leaves detect_speech_result as FreeSWITCH does ("DIGIT: x" or an
-- NLSML result). The digit regex of playAndGetDigits is read as a Lua
-- pattern, which is the same thing for the anchored character classes the
-- call flow uses.
--
-- Runs unchanged on Lua 5.1, 5.2, 5.3, 5.4 and LuaJIT.

local M = {}

local Session = {}
Session.__index = Session

-- A session for one call. o.ani: the caller ID as the carrier sends it;
-- o.inputs: a list of what the caller types (nil: read standard input);
-- o.echo: a file to print the call to as it happens (io.stdout at a
-- terminal); o.uuid: the call's id; o.variables: more channel variables.
function M.session(o)
  local s = setmetatable({}, Session)
  s.inputs = o.inputs
  s.next_input = 1
  s.echo = o.echo
  s.echo_input = o.echo_input -- print what the caller typed (standard input is no terminal)
  s.live = true
  s.spoken = {}       -- every line the caller heard, in order
  s.transcript = {}   -- the whole call: what was said, typed and done
  s.log = {}          -- consoleLog messages
  s.vars = {caller_id_number = o.ani, uuid = o.uuid or "console-call"}
  for k, v in pairs(o.variables or {}) do s.vars[k] = v end
  return s
end

function Session:note(line)
  self.transcript[#self.transcript + 1] = line
  if self.echo then
    self.echo:write(line, "\n")
    self.echo:flush()
  end
end

function Session:heard(text)
  self.spoken[#self.spoken + 1] = text
  self:note("IVR:    " .. text)
end

-- The caller's next input line, or nil once they have hung up.
function Session:input()
  if not self.live then return nil end
  local line
  if self.inputs then
    line = self.inputs[self.next_input]
    if line ~= nil then self.next_input = self.next_input + 1 end
  else
    if self.echo and not self.echo_input then
      self.echo:write("> ")
      self.echo:flush()
    end
    line = io.read()
  end
  if line == nil or line == "hangup" then
    self.live = false
    self:note("CALLER: (hangs up)")
    return nil
  end
  if self.inputs or not self.echo or self.echo_input then
    self:note("CALLER: " .. (line == "" and "(silence)" or line))
  else
    self.transcript[#self.transcript + 1] = "CALLER: " .. (line == "" and "(silence)" or line)
  end
  return line
end

-- How many scripted inputs the call did not read.
function Session:unread()
  if not self.inputs then return 0 end
  return #self.inputs - self.next_input + 1
end

function Session:answer() self:note("[answer]") end
function Session:ready() return self.live end
function Session:get_uuid() return self.vars.uuid end
function Session:getVariable(name) return self.vars[name] end
function Session:setVariable(name, value) self.vars[name] = value end
function Session:set_tts_params(engine, voice) self.tts = {engine, voice} end
function Session:consoleLog(level, msg)
  self.log[#self.log + 1] = level .. ": " .. string.gsub(msg, "\n$", "")
end

function Session:speak(text)
  if self.live then self:heard(text) end
end

-- A prompt file: "say:<text>" is spoken; a sound file is named.
function Session:play(file)
  if file == nil or file == "" or file == "silence" then return end
  local text = string.match(file, "^say:(.*)$")
  if text then self:heard(text) else self:note("[plays " .. file .. "]") end
end

function Session:playAndGetDigits(min, max, tries, timeout, terminators, prompt, invalid, regex,
                                  var_name)
  for _ = 1, tries do
    if not self.live then return "" end
    self:play(prompt)
    local line = self:input()
    if line == nil then return "" end
    if string.match(line, "^[0-9*#]+$") and #line >= min and #line <= max and
       (regex == nil or regex == "" or string.find(line, regex)) then
      if var_name then self.vars[var_name] = line end
      return line
    end
    if line ~= "" then self:play(invalid) end
  end
  return ""
end

local function xml_escape(s)
  s = string.gsub(s, "&", "&amp;")
  s = string.gsub(s, "<", "&lt;")
  return (string.gsub(s, ">", "&gt;"))
end

-- What a recogniser would leave in detect_speech_result for a typed line.
function M.speech_result(line, grammar)
  if string.match(line, "^[0-9*#]$") then return "DIGIT: " .. line end
  local g = grammar and (" grammar=\"" .. xml_escape(grammar) .. "\"") or ""
  if line == "" then
    return "<?xml version=\"1.0\"?><result" .. g .. "><interpretation" .. g ..
           "><input><noinput/></input></interpretation></result>"
  end
  local words, confidence = string.match(line, "^(.-)%s+([%d.]+)$")
  if not words or words == "" or not tonumber(confidence) then
    words, confidence = line, "0.90"
  end
  words = xml_escape(words)
  return "<?xml version=\"1.0\"?><result" .. g .. "><interpretation" .. g ..
         " confidence=\"" .. confidence .. "\"><input mode=\"speech\">" .. words ..
         "</input><instance>" .. words .. "</instance></interpretation></result>"
end

function Session:execute(app, data)
  if app == "play_and_detect_speech" then
    local file, grammar = string.match(data, "^(.-) detect:%S+ (.*)$")
    grammar = grammar and string.gsub(grammar, "^{[^}]*}", "")
    self:play(file or data)
    local line = self:input()
    self.vars.detect_speech_result = line and M.speech_result(line, grammar) or nil
    return
  end
  self:note("[" .. app .. (data and data ~= "" and (" " .. data) or "") .. "]")
end

function Session:transfer(ext, dialplan, context)
  self:note(string.format("[transfer to %s %s %s]", ext, dialplan or "XML", context or "default"))
  self.transferred = {ext, dialplan, context}
  self.live = false
end

function Session:hangup(cause)
  if self.live then self:note("[hangup" .. (cause and (" " .. cause) or "") .. "]") end
  self.live = false
end

-- ---- the command -------------------------------------------------------------

local USAGE = [[
usage: console.lua --db FILE --ani NUMBER [options]
  --db FILE          the libcrm database (examples/ivr/seed.lua makes a demo one)
  --ani NUMBER       the caller ID, as a carrier sends it ("+1 (415) 555-0100")
  --country CC       how national numbers are read (default US)
  --threshold X      confirm words heard with less confidence (default 0.6)
  --keys-only        no recogniser: prompts take keys only
  --script FILE      read the caller's lines from FILE instead of the terminal
  --transcript FILE  also write the call to FILE
  --uuid ID          the call's id (default: made up from the time)
  --echo-input       print what the caller typed (when standard input is a pipe)
At a prompt type a key (5), words and a confidence (London 0.42), an empty
line for silence, or hangup.
]]

function M.main(args)
  local opts = {asr_engine = "console"}
  local ani, script, transcript, echo_input, uuid
  local i = 1
  while i <= #args do
    local a, v = args[i], args[i + 1]
    if a == "--keys-only" then
      opts.asr_engine = nil
      i = i + 1
    elseif a == "--echo-input" then
      echo_input = true
      i = i + 1
    elseif a == "--help" or a == "-h" then
      io.stdout:write(USAGE)
      return 0
    else
      if a == "--db" then opts.db = v
      elseif a == "--ani" then ani = v
      elseif a == "--country" then opts.default_country = v
      elseif a == "--threshold" then opts.threshold = tonumber(v)
      elseif a == "--script" then script = v
      elseif a == "--transcript" then transcript = v
      elseif a == "--uuid" then uuid = v
      else
        io.stderr:write("unknown argument ", a, "\n", USAGE)
        return 2
      end
      if v == nil then
        io.stderr:write(a, " needs a value\n", USAGE)
        return 2
      end
      i = i + 2
    end
  end
  if not opts.db or not ani then
    io.stderr:write(USAGE)
    return 2
  end
  local inputs
  if script then
    inputs = {}
    local f = assert(io.open(script, "r"))
    for line in f:lines() do inputs[#inputs + 1] = line end
    f:close()
  end
  local callflow = require "callflow"
  local s = M.session{ani = ani, inputs = inputs, echo = io.stdout, echo_input = echo_input,
                      uuid = uuid or string.format("console-%s-%s", os.date("!%Y%m%dT%H%M%S"),
                                                   string.match(tostring(M), "(%x+)$"))}
  local outcome = callflow.run(s, opts)
  io.stdout:write("(call ", outcome, ")\n")
  for _, l in ipairs(s.log) do io.stderr:write(l, "\n") end
  if transcript then
    local f = assert(io.open(transcript, "w"))
    f:write(table.concat(s.transcript, "\n"), "\n")
    f:close()
  end
  return 0
end

-- Run as a script (lua console.lua ...), the folder of this file is where
-- callflow.lua is found; required (require "console") it only returns M.
local modname = ...
local script_name = rawget(_G, "arg") and arg[0]
if modname ~= "console" and script_name and string.match(script_name, "console%.lua$") then
  local dir = string.match(script_name, "^(.*)[/\\]") or "."
  package.path = dir .. "/?.lua;" .. package.path
  os.exit(M.main(arg))
end

return M
