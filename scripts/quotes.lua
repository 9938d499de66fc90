-- quotes.lua: publishable quotes: whole sentences that match a query, with attribution.
-- Each quote is checked against its source file before it is printed, as a Markdown block quote
-- with its attribution line (or CSV, JSON); exit status 0 if found, 1 if not, 2 on bad usage or
-- input (or a quote whose bytes are no longer in its source).
-- example: samtal scripts/quotes.lua --speaker LENA --min-words 8 samverkan corpus
local samtal = require "samtal"

local args = samtal.script {
  name = "quotes",
  description = "Whole sentences fit to quote that match a query, with who said them, where and when.",
  args = { { "query", "a word, a phrase or any query the sentence must hold" } },
  options = {
    { "--speaker", "only this speaker's sentences", argname = "NAME" },
    { "--min-words", "the shortest sentence, in words", type = "integer", min = 0, argname = "N" },
    { "--max-words", "the longest sentence, in words", type = "integer", min = 0, argname = "N" },
  },
  format = { "markdown", "csv", "json" },
  corpus = true,
}

local c = args.corpus
local ok, list = pcall(c.quotes, c, { match = args.query, speaker = args.speaker, min_words = args.min_words,
  max_words = args.max_words })
if not ok then args:fail(list) end
local checked, err = list:verify() -- every quote's bytes are still in its source file
if not checked then args:fail(err) end
args:print(list) -- Markdown, CSV or JSON
os.exit(#list > 0 and 0 or 1)
