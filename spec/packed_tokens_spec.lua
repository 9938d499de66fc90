-- The packed token stream (src/tokens.h): form ids of 16 bits with escapes for the rest, offsets
-- of 8 bits from a base per block of 32 tokens, wide blocks for the rest. Every token must read
-- back as it was made, in memory and saved, whatever the vocabulary and the gaps between words.
local samtal = require "samtal"
local h = require "helpers"

--- The i-th of a run of distinct lower-case words (letters only, so each is one word token).
local function word(i)
  local s = ""
  repeat
    s = string.char(97 + i % 26) .. s
    i = i // 26
  until i == 0
  return "q" .. s
end

--- Asserts that token i of c (1-based) is `form` and starts at 0-based byte `offset` of its text.
local function assert_token(c, i, form, offset)
  local t = c:token(i)
  assert.are.same({ form, offset }, { t.form, t.offset }, "token " .. i)
end

--- Every token of c as {form, offset, doc}.
local function all_tokens(c)
  local out = {}
  for i = 1, c:stats().tokens do
    local t = c:token(i)
    out[i] = { t.form, t.offset, t.doc }
  end
  return out
end

local function saved(c)
  local p = h.tempfile("", ".samtal")
  c:save(p)
  return samtal.open(p)
end

describe("the packed token stream", function()
  after_each(h.cleanup)

  -- 70,000 distinct forms: those from the 65,505th on are escaped (TOK_FORM_ESCAPE)
  local N = 70000
  local big_text, starts
  local function big()
    if not big_text then
      -- twenty words a line (a token's column is counted from its line's start)
      local parts, at = {}, 0
      starts = {}
      for i = 1, N do
        local w = word(i)
        starts[i] = at
        parts[#parts + 1] = w .. (i % 20 == 0 and "\n" or " ")
        at = at + #w + 1
      end
      big_text = table.concat(parts)
    end
    return big_text
  end

  it("reads every form and offset back past 65,504 distinct forms, in memory and saved", function()
    local c = samtal.open(h.tempfile(big(), ".txt"))
    assert.are.equal(N, c:stats().tokens)
    for _, m in ipairs { c, saved(c) } do
      for i = 1, N do assert_token(m, i, word(i), starts[i]) end
      assert.are.equal(1, m:count(word(N)))
      assert.are.equal(1, m:count(word(65600) .. " " .. word(65601)))
      local hit = m:kwic(word(69999), { width = 1 })[1]
      assert.are.same({ word(69998), word(69999), word(70000) },
        { hit.left:match("%S+"), hit.match, hit.right:match("%a+") })
    end
  end)

  it("reads offsets back across gaps longer than a block's 255 bytes and across documents", function()
    local gap = (" "):rep(300)
    local text = "Anna: ett två" .. gap .. "tre" .. (" "):rep(1000) .. "fyra\n" .. ("fem sex "):rep(40) .. "\n"
    local c = samtal.open(h.tempfile(text, ".txt"))
    local i, from = 0, 1
    for _, w in ipairs { "Anna", ":", "ett", "två", "tre", "fyra" } do
      i = i + 1
      local at = text:find(w, from, true)
      assert_token(c, i, w, at - 1)
      from = at + #w
    end
    -- a second document starting mid-block: its offsets start from 0 again
    local other = "Bo: sju åtta nio.\n"
    local two = samtal.open { h.tempfile(text, ".txt"), h.tempfile(other, ".txt") }
    local n1 = c:stats().tokens
    assert.truthy(n1 % 32 ~= 0)
    for _, m in ipairs { two, saved(two) } do
      assert_token(m, 5, "tre", text:find("tre", 1, true) - 1)
      assert_token(m, n1 + 1, "Bo", 0)
      assert_token(m, n1 + 3, "sju", 4)
      assert_token(m, n1 + 5, "nio", 14) -- å is two bytes
      local hit = m:kwic("åtta", { width = 1 })[1]
      assert.are.same({ "sju", "åtta", "nio" }, { hit.left:match("%S+"), hit.match, hit.right:match("%a+") })
    end
  end)

  it("is the same bytes loaded on one thread and on two, escapes and all", function()
    -- eight files of the 70,000 forms: on two threads each is segmented on a worker and its
    -- forms interned into the corpus's lexicon in order, so the codes must come out the same
    local dir = h.run("mktemp -d"):gsub("%s+$", "")
    local lines = {}
    for line in big():gmatch("[^\n]+\n") do lines[#lines + 1] = line end
    local per = #lines // 8 + 1
    for f = 1, 8 do
      local out = assert(io.open(("%s/part%d.txt"):format(dir, f), "wb"))
      out:write(table.concat(lines, "", (f - 1) * per + 1, math.min(f * per, #lines)))
      out:close()
    end
    local files = {}
    for threads = 1, 2 do
      files[threads] = h.tmppath(".samtal")
      local _, err, code = h.run(("SAMTAL_THREADS=%d build/bin/samtal index %s -o %s"):format(threads, h.q(dir),
        h.q(files[threads])))
      assert.are.equal(0, code, err)
    end
    assert.are.equal(h.read(files[1]), h.read(files[2]))
    local m = samtal.open(files[2])
    assert.are.equal(N, m:stats().tokens)
    for _, i in ipairs { 1, 65504, 65505, 65600, N } do assert.are.equal(word(i), m:token(i).form) end
    h.run("rm -r " .. h.q(dir))
  end)

  it("drops a document that fails part-way without a trace in the stream, escapes and wide blocks too", function()
    -- a document of samtal's JSON export whose second document does not match its text fails after
    -- its first document was tokenised: the tokens it added are taken back, mid-block
    local other = samtal.open(h.tempfile("Anna: qqq rrr sss.\nBo: ttt zzlast.\n", ".txt"))
    local json = h.tempfile("", ".json")
    local two = samtal.open { h.tempfile("Anna: ppp ooo " .. word(69000) .. ".\n", ".txt"),
      h.tempfile("Bo: mmm lll " .. word(70001) .. " nnn.\n", ".txt") }
    two:export(json)
    local bytes = h.read(json)
    local broken, n = bytes:gsub('%["nnn", "nnn"', '["nnx", "nnx"')
    assert.are.equal(1, n)
    json = h.tempfile(broken, ".json")
    other:close()
    local first, last = h.tempfile(big(), ".txt"), h.tempfile("Cilla: " .. word(70002) .. " vvv.\n", ".txt")
    local warned = {}
    local c = samtal.open({ first, json, last }, { on_error = "skip", warn = function(w) warned[#warned + 1] = w end })
    assert.are.equal(1, #warned)
    assert.truthy(tostring(warned[1].message):find("nnn", 1, true), warned[1].message)
    local want = samtal.open { first, last }
    assert.are.same(all_tokens(want), all_tokens(c))
    assert.are.same(all_tokens(want), all_tokens(saved(c)))
    assert.are.equal(0, c:count(word(69000) .. " ."))
    assert.are.equal(1, c:count(word(70002)))
  end)
end)
