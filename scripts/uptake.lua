-- uptake.lua: who brings a word into a conversation, and who takes it up.
-- For each document, every content word that two or more speakers use: the speaker who said it
-- first, the speakers who used it later and how many turns later. Per speaker, the words they
-- introduced that others took up: a rough measure of who sets the agenda. None of samtal's
-- built-in statistics does this; it streams tokens with c:tokens{} and counts in Lua.
-- usage: samtal scripts/uptake.lua [--min-length N] [--stop N] [--words] [--format text|csv|json] PATH...
local samtal = require "samtal"
local resulttable = require "samtal.resulttable"

local USAGE = "usage: samtal scripts/uptake.lua [--min-length N] [--stop N] [--words] [--format text|csv|json] PATH..."
  .. "\n  --min-length N  words of at least N letters (default 5)"
  .. "\n  --stop N        leave out the N most frequent words (default 100)"
local fmt, min_length, stop, show_words, paths = "text", 5, 100, false, {}
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "-h" or a == "--help" then
    print(USAGE)
    os.exit(0)
  elseif a == "--format" or a == "--min-length" or a == "--stop" then
    local v = arg[i + 1]
    if a == "--format" then fmt = v
    elseif a == "--stop" then stop = math.tointeger(tonumber(v))
    else min_length = math.tointeger(tonumber(v)) end
    if (a == "--format" and v ~= "text" and v ~= "csv" and v ~= "json") or not min_length or not stop then
      io.stderr:write(USAGE, "\n")
      os.exit(2)
    end
    i = i + 1
  elseif a == "--words" then
    show_words = true
  else
    paths[#paths + 1] = a
  end
  i = i + 1
end
if #paths == 0 then
  io.stderr:write(USAGE, "\n")
  os.exit(2)
end
local ok, c = pcall(samtal.open, paths)
if not ok then
  io.stderr:write("uptake: ", tostring(c), "\n")
  os.exit(2)
end

-- the most frequent words are function words in any language: leave them out
local common = {}
if stop > 0 then
  for _, row in ipairs(c:freq():head(stop)) do common[row.form] = true end
end

local words, agenda = {}, {}
for d, doc in ipairs(c:documents()) do
  local first = {} -- word -> {speaker, turn}; then who else used it, and when first
  local order = {}
  for tok in c:tokens { doc = d, kinds = "word" } do
    local w = tok.folded
    if tok.speaker and not common[w] and utf8.len(w) >= min_length then
      local f = first[w]
      if not f then
        f = { speaker = tok.speaker, turn = tok.turn, later = {}, later_order = {} }
        first[w] = f
        order[#order + 1] = w
      elseif tok.speaker ~= f.speaker and not f.later[tok.speaker] then
        f.later[tok.speaker] = tok.turn - f.turn
        f.later_order[#f.later_order + 1] = tok.speaker
      end
    end
  end
  for _, w in ipairs(order) do
    local f = first[w]
    if #f.later_order > 0 then
      local who = {}
      for _, s in ipairs(f.later_order) do who[#who + 1] = ("%s (+%d turns)"):format(s, f.later[s]) end
      words[#words + 1] = { doc = doc.name, word = w, introduced_by = f.speaker, turn = f.turn,
        taken_up_by = table.concat(who, "; ") }
      local a = agenda[f.speaker] or { speaker = f.speaker, introduced = 0, taken_up = 0, gap = 0 }
      agenda[f.speaker] = a
      a.introduced = a.introduced + 1
      a.taken_up = a.taken_up + #f.later_order
      a.gap = a.gap + f.later[f.later_order[1]]
    end
  end
end

local res
if show_words then
  res = resulttable.new({ "doc", "word", "introduced_by", "turn", "taken_up_by" }, words,
    { title = "words taken up by another speaker" })
else
  local rows = {}
  for _, a in pairs(agenda) do
    rows[#rows + 1] = { speaker = a.speaker, introduced = a.introduced, taken_up = a.taken_up,
      mean_turns_to_uptake = a.gap / a.introduced }
  end
  table.sort(rows, function(x, y)
    if x.introduced ~= y.introduced then return x.introduced > y.introduced end
    return x.speaker < y.speaker
  end)
  res = resulttable.new({ "speaker", "introduced", "taken_up", "mean_turns_to_uptake" }, rows,
    { title = ("words of %d+ letters a speaker said first and another took up"):format(min_length) })
end
if fmt == "csv" then io.write(res:csv()) elseif fmt == "json" then print(res:json()) else print(res:text(#res)) end
