-- plot.lua: where in each document a query is used: a dispersion plot (AntConc's Plot tool) as
-- an SVG file, one strip per document and a tick per match, and the numbers behind it on stdout:
-- matches, range, Juilland's D and Gries's DP over the documents (or turns).
-- example: samtal scripts/plot.lua -o nara.svg "nära vård" corpus
local samtal = require "samtal"

local args = samtal.script {
  name = "plot",
  description = "A dispersion plot of a query, written as SVG (one strip per document, a tick per "
    .. "match), and its dispersion: query, freq, parts, range, juilland_d, dp, dp_norm.",
  args = { { "query", "a word, a phrase or any query" } },
  options = {
    { "-o --output", "the SVG file to write", default = "plot.svg", argname = "FILE" },
    { "--width", "width of the plot in pixels", type = "integer", min = 1, default = 800, argname = "PX" },
    { "--parts", "the parts the dispersion measures count over", choices = { "doc", "turn" }, default = "doc" },
    { "--case", "match the query's plain words exactly", type = "flag" },
  },
  format = true,
  corpus = true,
}

local c = args.corpus
local ok, err = pcall(c.plot, c, args.query, args.output, { width = args.width, case = args.case })
if not ok then args:fail(err) end -- a query syntax error, a width too small, a file not written
local res = c:dispersion(args.query, { parts = args.parts, case = args.case })
io.stderr:write(("plot: wrote %s (%d matches)\n"):format(args.output, res[1].freq))
args:print(res)
