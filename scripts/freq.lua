-- freq.lua: a frequency list: each word (case-folded, exact, or its stem), how often, per 10,000
-- words and in how many documents (or turns); of the corpus, a speaker, a document, or per group.
-- example: samtal scripts/freq.lua --speaker LENA --min 5 --top 20 corpus
local samtal = require "samtal"

local args = samtal.script {
  name = "freq",
  description = "A frequency list: rank, form, freq, per10k (per 10,000 counted words) and range "
    .. "(documents, or turns with --range turns). Words and numbers count, punctuation does not.",
  options = {
    { "--by", "what counts as one word: the case-folded form, the exact form or the Snowball stem",
      choices = { "lower", "form", "stem" }, default = "lower" },
    { "--min", "the lowest frequency kept", type = "integer", min = 1, default = 1, argname = "N" },
    { "--group", "one list per speaker or per document", choices = { "speaker", "doc" } },
    { "--speaker", "only this speaker's words", argname = "NAME" },
    { "--doc", "only this document's words (name or number)", argname = "DOC" },
    { "--range", "what the range column counts", choices = { "docs", "turns" }, default = "docs" },
    { "--top", "only the first N rows (of each group with --group)", type = "integer", min = 0, argname = "N" },
  },
  format = true,
  corpus = true,
}

local c = args.corpus
local ok, res = pcall(c.freq, c, { by = args.by, min = args.min, group = args.group, speaker = args.speaker,
  doc = args.doc and (math.tointeger(tonumber(args.doc)) or args.doc), range = args.range })
if not ok then args:fail(res) end -- an unknown speaker or document
if args.top and args.group then
  res = res:filter(function(row) return row.rank <= args.top end) -- ranks count within each group
elseif args.top then
  res = res:head(args.top)
end
args:print(res)
