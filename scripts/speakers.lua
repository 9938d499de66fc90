-- speakers.lua: who talks how much, per document: turns, words and share of the document's talk.
-- The numbers are c:talk{group = "doc"}; the text view writes the share as a percentage.
-- example: samtal scripts/speakers.lua corpus
local samtal = require "samtal"

local args = samtal.script {
  name = "speakers",
  description = "Per document and speaker: turns, words (word and number tokens) and share of the "
    .. "document's words, in order of first turn.",
  format = true,
  corpus = true,
}

local rows = {}
for i, r in ipairs(args.corpus:talk { group = "doc" }) do rows[i] = r end
local res = require("samtal.resulttable").new({ "doc", "speaker", "turns", "words", "share" }, rows,
  { title = "talk per document and speaker" })
if args.format ~= "text" then
  args:print(res)
  os.exit(0)
end

-- the terminal view: one aligned line per speaker, numbers on the right, share as a percentage
local lines = { { "document", "speaker", "turns", "words", "share" } }
for _, r in ipairs(res) do
  lines[#lines + 1] = { r.doc, r.speaker, tostring(r.turns), tostring(r.words), ("%.1f%%"):format(r.share) }
end
local widths = {}
for _, l in ipairs(lines) do
  for i, cell in ipairs(l) do widths[i] = math.max(widths[i] or 0, utf8.len(cell) or #cell) end
end
for _, l in ipairs(lines) do
  local cells = {}
  for i, cell in ipairs(l) do
    local pad = (" "):rep(widths[i] - (utf8.len(cell) or #cell))
    cells[i] = i >= 3 and (pad .. cell) or (cell .. pad)
  end
  print(table.concat(cells, "  "))
end
