-- kwic.lua: a keyword-in-context concordance of a query (a word, a phrase, any query).
-- Prints every hit aligned on the match (highlighted on a terminal unless NO_COLOR is set), or
-- CSV, TSV or JSON; exit status 0 if found, 1 if not, 2 on bad usage or input.
-- example: samtal scripts/kwic.lua --speaker LENA --width 3 --sort R1,R2 "nära vård" corpus
local samtal = require "samtal"

local args = samtal.script {
  name = "kwic",
  description = "Every hit of a query in its context, aligned on the match.",
  args = { { "query", 'a word, a phrase or any query: "nära vård", "vård*", "[lower=\\"vård.*\\"]"' } },
  options = {
    { "--width", "words of context on each side (default 6)", type = "integer", min = 0, argname = "N" },
    { "--speaker", "only this speaker's hits", argname = "NAME" },
    { "--case", "match plain words exactly, not case-folded", type = "flag" },
    { "--sort", "sort levels, comma-separated: R1, L1, match, speaker, doc... (--sort=-R1 reverses)",
      type = "list", argname = "LEVELS" },
  },
  format = true,
  corpus = true,
}

local c = args.corpus
local ok, hits = pcall(c.kwic, c, args.query, { width = args.width, speaker = args.speaker, case = args.case })
if ok and args.sort then ok, hits = pcall(hits.sort, hits, table.unpack(args.sort)) end
if not ok then args:fail(hits) end -- a query syntax error, an unknown sort level
args:print(hits)
os.exit(#hits > 0 and 0 or 1)
