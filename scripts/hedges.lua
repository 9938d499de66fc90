-- hedges.lua: how much each speaker hedges ("liksom", "typ", "ju", "kanske"...), per 1,000 words.
-- None of samtal's built-in statistics does this: it counts a list of words and phrases per
-- speaker with the query language, and relates them to each speaker's words.
-- example: samtal scripts/hedges.lua --format csv corpus
local samtal = require "samtal"

local HEDGES = { -- per language; phrases are queries, so "på något sätt" is one hedge
  sv = { "liksom", "typ", "ju", "väl", "kanske", "nog", "lite", "alltså", "på något sätt", "eller så",
    "jag tror", "jag tänker" },
  en = { "like", "kind of", "sort of", "maybe", "perhaps", "probably", "i think", "i guess", "you know",
    "actually", "basically" },
}

local args = samtal.script {
  name = "hedges",
  description = "Per speaker: words, hedges (\"liksom\", \"typ\", \"ju\", \"kanske\"..., or the English "
    .. "list), hedges per 1,000 words and the one most used; the most hedging speaker first.",
  format = true,
  corpus = true,
}
local c = args.corpus
local hedges = HEDGES[c:language() or "en"] or HEDGES.en

-- count every hedge per speaker from its concordance (each hit knows its speaker)
local per = {}
for _, h in ipairs(hedges) do
  for _, hit in ipairs(c:kwic(h, { width = 0 })) do
    local s = hit.speaker or "(none)"
    per[s] = per[s] or {}
    per[s][h] = (per[s][h] or 0) + 1
  end
end

local rows = {}
for _, row in ipairs(c:talk()) do
  local counts, total, top, top_n = per[row.speaker] or {}, 0, nil, 0
  for _, h in ipairs(hedges) do
    local n = counts[h] or 0
    total = total + n
    if n > top_n then top, top_n = h, n end
  end
  rows[#rows + 1] = { speaker = row.speaker, words = row.words, hedges = total,
    per1000 = row.words > 0 and total * 1000 / row.words or 0, most_used = top }
end
table.sort(rows, function(a, b) return a.per1000 > b.per1000 end)
local res = require("samtal.resulttable").new({ "speaker", "words", "hedges", "per1000", "most_used" }, rows,
  { title = "hedges per 1,000 words: " .. table.concat(hedges, ", ") })
args:print(res)
