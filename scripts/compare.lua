-- compare.lua: two documents (two episodes, two interviews) side by side: who talks how much in
-- each, the words that set one apart from the other, and the vocabulary they share.
-- example: samtal scripts/compare.lua --show keywords --top 10 corpus
--          samtal scripts/compare.lua --a 000_e744d110473e4ebd.txt --b 2 --show shared corpus
local samtal = require "samtal"
local resulttable = require "samtal.resulttable"

local args = samtal.script {
  name = "compare",
  description = "Compares document A with document B (by default the first two). --show talk: each "
    .. "speaker's turns, words and share of the talk in A and in B. --show keywords: A's keywords against "
    .. "B (side A) and B's against A (side B). --show shared: the words both use, with their counts "
    .. "in each.",
  options = {
    { "--a", "document A: its name or number", default = "1", argname = "DOC" },
    { "--b", "document B: its name or number", default = "2", argname = "DOC" },
    { "--show", "what to compare", choices = { "talk", "keywords", "shared" }, default = "talk" },
    { "--min", "keywords: the lowest frequency in A (in B for B's)", type = "integer", min = 1, default = 3,
      argname = "N" },
    { "--top", "only the first N rows (keywords: of each side)", type = "integer", min = 0, argname = "N" },
  },
  format = true,
  corpus = true,
}

local c = args.corpus
--- A document given on the command line by name, path or number, as its index and name.
local function document(given, label)
  local i = c:document_index(math.tointeger(tonumber(given)) or given)
  if not i or i < 1 or i > c:stats().documents then
    args:fail(("no document %s for %s (the corpus has %d)"):format(given, label, c:stats().documents))
  end
  return i, c:document(i).name
end
local a, a_name = document(args.a, "--a")
local b, b_name = document(args.b, "--b")
if a == b then args:fail("--a and --b are the same document, " .. a_name) end

local res
if args.show == "talk" then
  -- c:talk per document and speaker, its A and B rows side by side; speakers of A first
  local rows, by_speaker = {}, {}
  for _, r in ipairs(c:talk { group = "doc" }) do
    local side = r.doc == a_name and "a" or r.doc == b_name and "b" or nil
    if side then
      local row = by_speaker[r.speaker]
      if not row then
        row = { speaker = r.speaker, a_turns = 0, a_words = 0, a_share = 0, b_turns = 0, b_words = 0, b_share = 0 }
        by_speaker[r.speaker] = row
        rows[#rows + 1] = row
      end
      row[side .. "_turns"], row[side .. "_words"], row[side .. "_share"] = r.turns, r.words, r.share
    end
  end
  table.sort(rows, function(x, y)
    if (x.a_words > 0) ~= (y.a_words > 0) then return x.a_words > 0 end
    return x.a_words + x.b_words > y.a_words + y.b_words
  end)
  res = resulttable.new({ "speaker", "a_turns", "a_words", "a_share", "b_turns", "b_words", "b_share" }, rows,
    { title = ("talk: A = %s, B = %s (share: %% of the document's words)"):format(a_name, b_name) })
elseif args.show == "keywords" then
  -- A against B, then B against A: the words each uses notably more than the other
  local rows = {}
  for _, side in ipairs { { "A", a, b }, { "B", b, a } } do
    local name, target, reference = side[1], side[2], side[3]
    for _, r in ipairs(c:keywords { target = { doc = target }, reference = { doc = reference }, min = args.min }) do
      if not args.top or r.rank <= args.top then
        -- the counts stay A's and B's, and log ratio > 0 means more in A, on either side
        local in_a, in_b, logratio = r.freq, r.ref_freq, r.logratio
        if name == "B" then in_a, in_b, logratio = r.ref_freq, r.freq, -r.logratio end
        rows[#rows + 1] = { side = name, rank = r.rank, form = r.form, a_freq = in_a, b_freq = in_b, ll = r.ll,
          logratio = logratio, significant = r.significant }
      end
    end
  end
  res = resulttable.new({ "side", "rank", "form", "a_freq", "b_freq", "ll", "logratio", "significant" }, rows,
    { title = ("keywords: A = %s against B = %s (side A), and B against A (side B); logratio > 0: more in A")
      :format(a_name, b_name) })
else
  -- the words both use: each document's own frequency list, joined on the form
  local fa, fb, in_b = c:freq { doc = a }, c:freq { doc = b }, {}
  for _, r in ipairs(fb) do in_b[r.form] = r end
  local rows = {}
  for _, r in ipairs(fa) do
    local rb = in_b[r.form]
    if rb then
      rows[#rows + 1] = { form = r.form, a_freq = r.freq, b_freq = rb.freq, a_per10k = r.per10k,
        b_per10k = rb.per10k }
    end
  end
  table.sort(rows, function(x, y)
    if x.a_freq + x.b_freq ~= y.a_freq + y.b_freq then return x.a_freq + x.b_freq > y.a_freq + y.b_freq end
    return x.form < y.form
  end)
  local union = #fa + #fb - #rows
  res = resulttable.new({ "form", "a_freq", "b_freq", "a_per10k", "b_per10k" }, rows,
    { title = ("shared vocabulary: %d words both use; A (%s) has %d distinct words, B (%s) %d; Jaccard %.3f")
      :format(#rows, a_name, #fa, b_name, #fb, union > 0 and #rows / union or 0) })
  if args.top then res = res:head(args.top) end
end
args:print(res)
