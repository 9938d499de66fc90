--- samtal.convention: transcription conventions, written with LPeg and added before loading.
--
-- A convention names a pattern and what its matches are: `kind = "event"` (a mark such as
-- "(ohörbart)" or "<överlapp>": taken out of the words, kept as an event with its text and offsets,
-- found with `[event = "ohörbart"]`), or a kind of token (`"hesitation"`: "eh", "öh"; `"truncated"`:
-- "fr-"): the match becomes one token whose kind is that, so `[kind = "hesitation"]` finds them and
-- word counts leave them out.
--
-- Why a pass over the text, and in Lua: the C core owns every loop over tokens, Lua owns the LPeg
-- language. A convention's pattern may cross what UAX #29 makes tokens ("fr-" is "fr" and "-", "(ohörbart)"
-- three tokens), so matching the lexicon's distinct forms, the cheaper way, cannot see it. So samtal.open
-- runs one combined LPeg search over each document's text, once, before the core tokenises it, and
-- hands the core the spans (byte offsets and a kind); the core turns them into events and tokens
-- (src/corpus.c apply_marks, src/tokenize.c token_mark). Without conventions nothing of this runs, and
-- the readers' own rules (bracketed events such as "[skratt]", time marks) stay as they are.
-- @module samtal.convention
local lpeg = require "lpeg"

local P, R, S, B, Cp, Cc, Ct = lpeg.P, lpeg.R, lpeg.S, lpeg.B, lpeg.Cp, lpeg.Cc, lpeg.Ct

local M = {}

local KINDS = { event = 0, hesitation = 1, truncated = 2 }
local registered = {} -- in the order added

--- A letter or digit, as far as a boundary check needs: ASCII, and the two-byte UTF-8 of the
-- Latin script (å, ä, ö, é, ü, ø, ł...), which is every letter of the corpora samtal is used on.
local wordchar = R("az", "AZ", "09") + R("\195\201") * R("\128\191")
local at_start = -(B(R("az", "AZ", "09")) + B(R("\195\201") * R("\128\191")))
local at_end = -#wordchar

local function describe(v)
  return type(v) == "string" and ("%q"):format(v) or tostring(v)
end

--- Adds (or, by the same name, replaces) a convention for the corpora opened after it.
-- `spec.name`: a name; `spec.pattern`: an LPeg pattern, or a string matched literally;
-- `spec.kind`: "event", "hesitation" or "truncated". A token kind's match must stand on word
-- boundaries (no letter or digit right before or after it), so "eh" does not match in "meh".
function M.add(spec)
  if type(spec) ~= "table" then
    error(("bad argument #1 to 'convention' (table expected, got %s)"):format(type(spec)), 3)
  end
  for k in pairs(spec) do
    if k ~= "name" and k ~= "pattern" and k ~= "kind" and k ~= "first" then
      error(("convention: unknown field '%s' (known: first, kind, name, pattern)"):format(tostring(k)), 3)
    end
  end
  if type(spec.name) ~= "string" or spec.name == "" then
    error(("convention: name must be a non-empty string, not %s"):format(describe(spec.name)), 3)
  end
  local kind = spec.kind or "event"
  if KINDS[kind] == nil then
    error(("convention %q: kind must be \"event\", \"hesitation\" or \"truncated\", not %s"):format(spec.name,
      describe(kind)), 3)
  end
  local patt = spec.pattern
  if type(patt) == "string" then
    if patt == "" then error(("convention %q: the pattern is empty"):format(spec.name), 3) end
    patt = P(patt)
  elseif lpeg.type(patt) ~= "pattern" then
    error(("convention %q: pattern must be an LPeg pattern or a string, not %s"):format(spec.name, type(patt)), 3)
  end
  if lpeg.match(patt, "") then
    error(("convention %q: the pattern matches the empty string"):format(spec.name), 3)
  end
  -- the bytes a match can start with, so that the search can jump over the others
  local first = spec.first
  if first ~= nil and (type(first) ~= "string" or first == "") then
    error(("convention %q: first must be a string of the characters a match can start with, not %s")
      :format(spec.name, describe(first)), 3)
  end
  if type(spec.pattern) == "string" then first = spec.pattern:sub(1, 1) end
  local firstbytes
  if first then
    local set = {}
    for ch in first:gmatch(utf8.charpattern) do set[ch:sub(1, 1)] = true end
    firstbytes = {}
    for b in pairs(set) do firstbytes[#firstbytes + 1] = b end
    table.sort(firstbytes)
    firstbytes = table.concat(firstbytes)
  end
  local entry = { name = spec.name, pattern = spec.pattern, kind = kind, lpeg = patt, first = firstbytes }
  for i, c in ipairs(registered) do
    if c.name == spec.name then
      registered[i] = entry
      return
    end
  end
  registered[#registered + 1] = entry
end

--- Removes the convention of that name; true if there was one.
function M.remove(name)
  for i, c in ipairs(registered) do
    if c.name == name then
      table.remove(registered, i)
      return true
    end
  end
  return false
end

--- The conventions, in the order added: {name, pattern, kind}.
function M.list()
  local out = {}
  for i, c in ipairs(registered) do out[i] = { name = c.name, pattern = c.pattern, kind = c.kind, first = c.first } end
  return out
end

--- The hook samtal.open gives the core: function(text, path) -> {start, end, kind, ...} (0-based
-- offsets, end exclusive), or nil when no convention is set. One LPeg search over the text: at
-- each position the conventions are tried in the order added, the first match wins and the
-- search goes on after it.
function M.marker()
  if #registered == 0 then return nil end
  local alt
  local first = "" -- the bytes any match can start with, or nil if a pattern did not say
  for _, c in ipairs(registered) do
    first = first and c.first and first .. c.first
    local p = c.lpeg / 0 -- the pattern's own captures, if any, dropped
    if c.kind ~= "event" then p = at_start * p * at_end end
    p = Cp() * p * Cp() * Cc(KINDS[c.kind])
    alt = alt and alt + p or p
  end
  -- Between marks the search skips: when every convention tells its first bytes, all bytes but
  -- those at once (20 times faster: 0.09 s instead of 1.8 s for 100 MB of text), else a word or
  -- a byte at a time, so that a pattern is tried at the start of each word and at every other byte
  local skip = first and (1 - S(first)) ^ 1 + 1 or wordchar ^ 1 + 1
  local search = Ct((alt + skip) ^ 0)
  return function(text)
    local found = lpeg.match(search, text)
    for i = 1, #found, 3 do
      found[i] = found[i] - 1
      found[i + 1] = found[i + 1] - 1
    end
    return found
  end
end

return M
