-- uptake.lua: who brings a word into a conversation, and who takes it up.
-- For each document, every content word that two or more speakers use: the speaker who said it
-- first, the speakers who used it later and how many turns later. Per speaker, the words they
-- introduced that others took up: a rough measure of who sets the agenda. None of samtal's
-- built-in statistics does this; it streams tokens with c:tokens{} and counts in Lua.
-- example: samtal scripts/uptake.lua --words --min-length 6 corpus
local samtal = require "samtal"
local resulttable = require "samtal.resulttable"

local args = samtal.script {
  name = "uptake",
  description = "Per speaker: content words they said first in a document that another speaker took "
    .. "up, how many uptakes, and the mean number of turns to the first; --words lists the words.",
  options = {
    { "--min-length", "words of at least N letters", type = "integer", min = 0, default = 5, argname = "N" },
    { "--stop", "leave out the N most frequent words", type = "integer", min = 0, default = 100, argname = "N" },
    { "--words", "list each word, who introduced it and who took it up", type = "flag" },
  },
  format = true,
  corpus = true,
}
local c, min_length, stop, show_words = args.corpus, args.min_length, args.stop, args.words

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
args:print(res)
