-- collocates.lua: the words that keep company with a query: each word's count in a window
-- around the matches, set against its count in the corpus (MI, MI3, t, z, G² and logDice).
-- example: samtal scripts/collocates.lua --window 3 --min 2 --measure ll vård corpus
local samtal = require "samtal"

local args = samtal.script {
  name = "collocates",
  description = "Collocates of a query: rank, collocate, freq (in the windows), total (in the corpus), "
    .. "expected, mi, mi3, t, z, ll (signed G²), logdice; sorted by --measure.",
  args = { { "query", "the node: a word, a phrase or any query" } },
  options = {
    { "--window", "words on each side of a match", type = "integer", min = 0, default = 4, argname = "N" },
    { "--left", "words on the left (instead of --window)", type = "integer", min = 0, argname = "N" },
    { "--right", "words on the right (instead of --window)", type = "integer", min = 0, argname = "N" },
    { "--within", "where a window stops", choices = { "turn", "sentence" }, default = "turn" },
    { "--measure", "what the rows are sorted by", choices = { "logdice", "mi", "mi3", "t", "z", "ll" },
      default = "logdice" },
    { "--min", "the lowest count in the windows", type = "integer", min = 1, default = 3, argname = "N" },
    { "--min-freq", "the lowest count in the corpus", type = "integer", min = 1, default = 1, argname = "N" },
    { "--by", "what counts as one word", choices = { "lower", "form", "stem" }, default = "lower" },
    { "--case", "match the query's plain words exactly", type = "flag" },
    { "--top", "only the first N rows", type = "integer", min = 0, argname = "N" },
  },
  format = true,
  corpus = true,
}

local c = args.corpus
local ok, res = pcall(c.collocates, c, args.query, { left = args.left or args.window, right = args.right or args.window,
  within = args.within, measure = args.measure, min = args.min, min_freq = args.min_freq, by = args.by,
  case = args.case })
if not ok then args:fail(res) end
if args.top then res = res:head(args.top) end
args:print(res)
