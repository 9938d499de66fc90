-- speakers.lua: who talks how much, per document: turns, tokens (words) and share of the talk.
-- usage: samtal scripts/speakers.lua PATH...
local samtal = require "samtal"

if #arg < 1 or arg[1] == "-h" or arg[1] == "--help" then
  print("usage: samtal scripts/speakers.lua PATH...")
  os.exit(#arg < 1 and 2 or 0)
end
local ok, corpus = pcall(samtal.open, { table.unpack(arg) })
if not ok then
  io.stderr:write("speakers: ", tostring(corpus), "\n")
  os.exit(2)
end

local rows = { { "document", "speaker", "turns", "tokens", "share" } }
for d, doc in ipairs(corpus:documents()) do
  -- count per speaker in this document, in order of first turn
  local order, per = {}, {}
  for t in corpus:turns { doc = d } do
    local name = t.speaker or "(no speaker)"
    if not per[name] then
      per[name] = { turns = 0, tokens = 0 }
      order[#order + 1] = name
    end
    per[name].turns = per[name].turns + 1
    per[name].tokens = per[name].tokens + t.words
  end
  for _, name in ipairs(order) do
    local p = per[name]
    local share = doc.words > 0 and 100 * p.tokens / doc.words or 0
    rows[#rows + 1] = { doc.name, name, tostring(p.turns), tostring(p.tokens), ("%.1f%%"):format(share) }
  end
end

local widths = {}
for _, r in ipairs(rows) do
  for c, cell in ipairs(r) do widths[c] = math.max(widths[c] or 0, utf8.len(cell) or #cell) end
end
for _, r in ipairs(rows) do
  local cells = {}
  for c, cell in ipairs(r) do
    local pad = (" "):rep(widths[c] - (utf8.len(cell) or #cell))
    cells[c] = c >= 3 and (pad .. cell) or (cell .. pad) -- numbers to the right
  end
  print(table.concat(cells, "  "))
end
