-- locate_spec.lua: a token's line and sentence. The core finds them from a guess (the token's
-- share of its document) and a gallop (src/search.h); these specs hold them against what the
-- source's bytes and the sentences of quotes give, on real transcripts and on documents whose
-- lines and sentences are far from even, where the guess lands far from the answer.
local samtal = require "samtal"
local h = require "helpers"

-- The starts (0-based byte offsets) of the lines of src: after each "\r\n", lone "\r" or "\n".
local function line_starts(src)
  local starts, i = { 0 }, 1
  while true do
    local a, b = src:find("\r\n?", i)
    local n = src:find("\n", i, true)
    if n and (not a or n < a) then a, b = n, n end
    if not a then return starts end
    starts[#starts + 1] = b
    i = b + 1
  end
end

-- The 1-based line of byte offset `off`: the number of line starts at or before it.
local function line_of(starts, off)
  local lo, hi = 1, #starts
  while lo < hi do
    local mid = (lo + hi + 1) // 2
    if starts[mid] <= off then lo = mid else hi = mid - 1 end
  end
  return lo
end

-- Every token's line against its source; returns how many tokens were checked.
local function check_lines(c, path)
  local starts = line_starts(h.read(path))
  local n = c:stats().tokens
  for i = 1, n do
    local t = c:token(i)
    local want = line_of(starts, t.offset)
    if t.line ~= want then
      error(("%s: token %d (%q at byte %d) is on line %d, not %d"):format(path, i, t.form, t.offset, want, t.line))
    end
  end
  return n
end

-- Every quote is whole sentences: each of its tokens has the quote's sentence, and the tokens
-- just outside it (in its document) have the sentences before and after.
local function check_sentences(c)
  local checked = 0
  for _, q in ipairs(c:quotes()) do
    for i = q.first_token, q.last_token do
      local s = c:token(i).sentence
      if s ~= q.sentence then
        error(("%s: token %d is in sentence %d, its quote's is %d"):format(q.doc, i, s, q.sentence))
      end
      checked = checked + 1
    end
    if q.first_token > 1 then
      local before = c:token(q.first_token - 1)
      if before.doc == q.doc then assert.is_true(before.sentence < q.sentence) end
    end
    if q.last_token < c:stats().tokens then
      local after = c:token(q.last_token + 1)
      if after.doc == q.doc then assert.are.equal(q.sentence + 1, after.sentence) end
    end
  end
  return checked
end

describe("a token's line and sentence", function()
  after_each(h.cleanup)

  local files = {
    h.seed_inline, h.seed_blocks,
    h.shared .. "bitcointranscripts-en/CRLF__breaking-down-taproot-activation-options@7cb4eed.md",
    h.shared .. "bitcointranscripts-en/BOM__2023-03-13-specification-call@99bf61f.md",
    h.shared .. "talkpython-en/transcripts__525-nicegui.vtt",
    h.shared .. "virtualcoffee-en/0105-cameron-rahat.srt",
    h.shared .. "parlamint-se/ParlaMint-SE_2020-04-16-prot-201920--106.txt",
    h.shared .. "svwiki-encodings/sv-molle.windows-1252.txt",
  }
  for _, path in ipairs(files) do
    it("are the source's line and the sentence of its quote in " .. path:match("[^/]+$"), function()
      local c = samtal.open(path)
      assert.is_true(check_lines(c, path) > 100)
      assert.is_true(check_sentences(c) > 50)
    end)
  end

  it("are found where the document's lines are far from even", function()
    -- a line of 6,000 bytes, then 800 short ones, then another long one: an offset's share of
    -- the text guesses lines far from the right ones
    local parts = { "ANNA: " .. ("ord "):rep(1500) .. "slut.\n" }
    for k = 1, 800 do parts[#parts + 1] = ("BO: Rad %d.\n"):format(k) end
    parts[#parts + 1] = "ANNA: " .. ("mer "):rep(1500) .. "klart.\n"
    local path = h.tempfile(table.concat(parts))
    local c = samtal.open(path)
    assert.is_true(check_lines(c, path) > 5000)
    assert.are.equal(802, c:token(c:stats().tokens).line)
  end)

  it("are found where the document's sentences are far from even", function()
    -- one sentence of 3,000 tokens, then 500 of two tokens each, then another long one
    local text = "ANNA: " .. ("ord "):rep(3000) .. "slut. " .. ("Ja. "):rep(500) .. "Mer " .. ("mer "):rep(2999) .. "klart.\n"
    local c = samtal.open(h.tempfile(text))
    local n = c:stats().tokens
    assert.are.equal(1, c:token(1).sentence)
    assert.are.equal(1, c:token(3002).sentence) -- "slut."'s full stop
    for k = 0, 499 do
      assert.are.equal(2 + k, c:token(3003 + 2 * k).sentence) -- "Ja"
      assert.are.equal(2 + k, c:token(3004 + 2 * k).sentence) -- "."
    end
    assert.are.equal(7004, n)
    assert.are.equal(502, c:token(4003).sentence)
    assert.are.equal(502, c:token(n).sentence)
  end)
end)
