-- bench_spec.lua: `make bench`'s parts, run as a smoke check on a small generated corpus (the
-- speed issue lets CI run the bench only as that; no time is asserted here): samtal's bench
-- script gives every figure, its concordances build as many lines as they find matches, NLTK's
-- concordance finds the same hits for the words the bench sets side by side, and the C split loop
-- reads the same bytes (and, with --index, finds the words and distinct words a Lua split finds).
local cjson = require "cjson"
local samtal = require "samtal"
local h = require "helpers"

local PYTHON = "/usr/bin/python3" -- Debian's, with python3-nltk (as bench/run.py runs it)
local WORDS = { "tillgänglighet", "samverkan", "nära vård", "vi", "och" }

describe("make bench, as a smoke check on 1 MB", function()
  local dir, report
  setup(function()
    dir = h.tmpname()
    os.remove(dir)
    local _, err, code = h.run(("%s ../shared/bench/gen.py --size 1M --out %s"):format(PYTHON, h.q(dir)))
    assert(code == 0, err)
    local saved = h.tmpname()
    local out
    out, err, code = h.run(("SAMTAL_BENCH_SAVE=%s build/bin/samtal bench/samtal_bench.lua %s 1"):format(
      h.q(saved), h.q(dir)))
    assert(code == 0, err)
    os.remove(saved)
    report = cjson.decode(out:match("([^\n]+)\n*$"))
  end)
  teardown(function()
    os.execute("rm -rf " .. h.q(dir))
    h.cleanup()
  end)

  it("gives every figure of samtal's bench script", function()
    assert.is_true(report.bytes > 900000 and report.tokens > 100000)
    assert.is_true(report.saved_bytes > report.bytes) -- text, tokens and index
    for _, key in ipairs { "load_s", "save_s", "reopen_ms" } do
      assert.are.equal("number", type(report[key]), key)
    end
    local q = report.queries
    for _, name in ipairs { "kwic rare word (nyligenchefen)", "count vi", "count och", "count vård*",
      'count [lower="vi"] [lower="måste|behöver"] []', "kwic samverkan sorted R1", "freq list, case-folded",
      "collocates of och (4+4, logDice)", "keywords of one speaker vs the rest", "mapped: kwic tillgänglighet" } do
      assert.is_table(q[name], name)
      assert.are.equal("number", type(q[name].ms), name)
      assert.is_true(q[name].hits > 0, name)
    end
    assert.are.equal(1, q["kwic rare word (nyligenchefen)"].hits)
  end)

  it("builds as many lines, as hit tables and as text, as the concordance finds matches", function()
    local c = samtal.open(dir, { progress = false })
    for _, w in ipairs(WORDS) do
      local q = report.queries
      local every, text = q["kwic " .. w .. ", every line"], q["kwic " .. w .. ", every line as text"]
      assert.is_table(every, w)
      assert.is_table(text, w)
      assert.are.equal(c:count(w), every.hits, w)
      assert.are.equal(every.hits, text.hits, w)
    end
    assert.are.equal(c:count("och"), report.queries["count och"].hits)
    assert.are.equal(report.queries["count och"].hits, report.queries["kwic och"].hits)
    assert.are.equal(report.queries["kwic tillgänglighet"].hits, report.queries["mapped: kwic tillgänglighet"].hits)
    c:close()
  end)

  it("finds the hits NLTK's concordance finds for the words set beside it", function()
    local out, err, code = h.run(("%s ../shared/bench/nltk_conc.py %s wordpunct 1"):format(PYTHON, h.q(dir)))
    assert(code == 0, err)
    local nltk = cjson.decode(out:match("([^\n]+)\n*$"))
    for _, w in ipairs(WORDS) do
      assert.is_true(nltk.queries[w].hits > 0, w)
      assert.are.equal(nltk.queries[w].hits, report.queries["kwic " .. w .. ", every line"].hits, w)
    end
  end)

  it("builds the C loop that only splits words, and it reads the same bytes", function()
    local exe = h.tmpname()
    local _, err, code = h.run(("cc -O2 -o %s bench/split_words.c"):format(h.q(exe)))
    assert(code == 0, err)
    local out
    out, err, code = h.run(("%s %s"):format(h.q(exe), h.q(dir)))
    os.remove(exe)
    assert(code == 0, err)
    local bytes, words = out:match("^(%d+) (%d+) ")
    assert.are.equal(report.bytes, tonumber(bytes))
    -- words without punctuation: fewer than samtal's tokens, more than half of them
    assert.is_true(tonumber(words) < report.tokens and tonumber(words) > report.tokens / 2)
  end)

  it("builds the C loop that also interns the words, and it finds the words Lua finds", function()
    local exe = h.tmpname()
    local _, err, code = h.run(("cc -O2 -o %s bench/split_words.c"):format(h.q(exe)))
    assert(code == 0, err)
    local out
    out, err, code = h.run(("%s --index %s"):format(h.q(exe), h.q(dir)))
    os.remove(exe)
    assert(code == 0, err)
    local bytes, words, _, distinct = out:match("^(%d+) (%d+) ([%d.]+) (%d+)\n$")
    assert.is_truthy(bytes, out)
    -- the same split in Lua: runs of ASCII letters and digits and bytes of 0x80 and above
    local n, seen, nseen, total = 0, {}, 0, 0
    local files = h.run(("find %s -type f"):format(h.q(dir)))
    for path in files:gmatch("[^\n]+") do
      local f = assert(io.open(path, "rb"))
      local text = f:read("a")
      f:close()
      total = total + #text
      for w in text:gmatch("[%w\128-\255]+") do
        n = n + 1
        if not seen[w] then
          seen[w] = true
          nseen = nseen + 1
        end
      end
    end
    assert.are.equal(total, tonumber(bytes))
    assert.are.equal(n, tonumber(words))
    assert.are.equal(nseen, tonumber(distinct))
  end)
end)
