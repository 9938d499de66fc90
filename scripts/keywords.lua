-- keywords.lua: the words a speaker or a document uses more (or less) than a reference does:
-- the rest of the corpus, the whole corpus, or a frequency list file (as freq.lua --format csv
-- writes it). G² with its p-value, chi², log ratio, %DIFF, simple maths; Bonferroni-corrected.
-- example: samtal scripts/keywords.lua --speaker LENA --top 15 corpus
--          samtal scripts/keywords.lua --each speaker --significant corpus
local samtal = require "samtal"

local args = samtal.script {
  name = "keywords",
  description = "Keywords of a target (--speaker, --doc; or --each speaker or doc against all the others) "
    .. "against a reference. Without a target: --each speaker.",
  options = {
    { "--speaker", "the target: this speaker's words", argname = "NAME" },
    { "--doc", "the target: this document's words (name or number)", argname = "DOC" },
    { "--each", "every speaker (or document) against all the others", choices = { "speaker", "doc" } },
    { "--reference", "rest (the corpus without the target), corpus, or a CSV/TSV frequency list "
      .. "with form and freq columns (default rest)", argname = "REF" },
    { "--measure", "what the rows are sorted by", choices = { "ll", "chi2", "logratio", "pdiff", "simplemaths" },
      default = "ll" },
    { "--min", "the lowest frequency in the target", type = "integer", min = 1, default = 3, argname = "N" },
    { "--alpha", "significance level, before the Bonferroni correction", type = "number", default = 0.05 },
    { "--negative", "also the words the target uses less", type = "flag" },
    { "--significant", "only the significant rows", type = "flag" },
    { "--by", "what counts as one word", choices = { "lower", "form", "stem" }, default = "lower" },
    { "--top", "only the first N rows (of each group with --each)", type = "integer", min = 0, argname = "N" },
  },
  format = true,
  corpus = true,
}

local target = nil -- a selection; without one, --each
if args.speaker or args.doc then
  if args.each then args:fail("give a target (--speaker, --doc) or --each, not both") end
  target = { speaker = args.speaker, doc = args.doc and (math.tointeger(tonumber(args.doc)) or args.doc) }
elseif args.reference then
  args:fail("--reference needs a target (--speaker or --doc); --each compares with all the others")
end
local c = args.corpus
local ok, res = pcall(c.keywords, c, { target = target, each = not target and (args.each or "speaker") or nil,
  reference = args.reference, measure = args.measure, min = args.min, alpha = args.alpha,
  negative = args.negative, by = args.by })
if not ok then args:fail(res) end
if args.significant then res = res:filter(function(row) return row.significant end) end
if args.top then res = res:filter(function(row) return row.rank <= args.top end) end
args:print(res)
