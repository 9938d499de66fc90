-- parallel_spec.lua: loading, the frequency list and collocates run on several threads
-- (src/parallel.c, src/load.c); their results must be exactly those of one thread. The module
-- in this process uses every core the machine has; the command is run with SAMTAL_THREADS=1
-- and =2 to compare the two on the same files.
local samtal = require "samtal"
local helpers = require "helpers"

local SAMTAL = "build/bin/samtal"

-- A deterministic generated corpus: `files` transcripts of labelled turns whose words come from
-- a small vocabulary, "och" about every fifth word (enough hits to split collocates).
local WORDS = { "och", "vi", "det", "är", "vård", "nära", "att", "som", "på", "inte", "kommunen",
  "regionen", "Och", "patienter", "behöver", "måste", "samverkan", "ju", "typ", "liksom", "Vård" }
local function generate(dir, files, turns)
  local seed = 12345
  local function rand(n)
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed % n + 1
  end
  local paths = {}
  for f = 1, files do
    local lines = {}
    for t = 1, turns do
      local words = {}
      for w = 1, rand(14) + 2 do
        words[w] = rand(5) == 1 and "och" or WORDS[rand(#WORDS)] .. (rand(40) == 1 and tostring(w) or "")
      end
      lines[t] = ("%s: %s."):format(rand(3) == 1 and "LENA" or rand(2) == 1 and "OLLE" or "KIM",
        table.concat(words, " "))
    end
    local path = ("%s/%03d.txt"):format(dir, f)
    local out = assert(io.open(path, "wb"))
    out:write(table.concat(lines, "\n"), "\n")
    out:close()
    paths[f] = path
  end
  return paths
end

local dir
setup(function()
  dir = helpers.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. helpers.q(dir)))
  generate(dir, 24, 700)
end)
teardown(function()
  os.execute("rm -rf " .. helpers.q(dir))
  helpers.cleanup()
end)

-- What a script prints about a corpus: enough to tell any difference in forms, counts or ids.
local REPORT = [[
local samtal = require "samtal"
local c = samtal.open(arg[1], {progress = false})
local forms = c:forms()
print("fingerprint", c:fingerprint(), "forms", #forms, "first", forms[1], "last", forms[#forms])
print(c:freq{}:csv())
print(c:collocates("och", {left = 3, right = 4, min = 1}):csv())
print(c:collocates("vård", {min = 1, within = "sentence"}):csv())
print(c:keywords{target = {speaker = "LENA"}, negative = true}:csv())
print(c:freq{speaker = "KIM", min = 2}:csv())
c:save(arg[2])
]]

-- The index is built in parts of at least SAMTAL_INDEX_PART_TOKENS tokens (about a million
-- unless set), one a thread: `part` small makes a small corpus's index be built in two parts.
local function report(threads, out, part)
  local script = helpers.tempfile(REPORT, ".lua")
  local stdout, stderr, code = helpers.run(("SAMTAL_THREADS=%d SAMTAL_INDEX_PART_TOKENS=%d %s %s %s %s"):format(
    threads, part or 0, SAMTAL, helpers.q(script), helpers.q(dir), helpers.q(out)))
  assert(code == 0, stderr)
  return stdout
end

describe("threads", function()
  it("give the same corpus, frequency list and collocates as one thread", function()
    local one, two, parts = helpers.tmpname(), helpers.tmpname(), helpers.tmpname()
    local a, b, c = report(1, one), report(2, two), report(2, parts, 1000)
    assert.is_true(#a > 10000)
    assert.are.equal(a, b)
    assert.are.equal(a, c)
    -- the saved corpora, index and all, are the same bytes, the index built whole or in two parts
    assert.are.equal(helpers.read(one), helpers.read(two))
    assert.are.equal(helpers.read(one), helpers.read(parts))
    os.remove(one)
    os.remove(two)
    os.remove(parts)
  end)

  -- Loading on several threads segments each document on a worker (a lexicon of its own, merged
  -- into the corpus's in the order given); a turn merge_turns joins, a convention's marks and a
  -- pre-tokenised VRT file are segmented on the committing thread as one thread does.
  local SAVE = [[
local samtal = require "samtal"
local paths, opts = {}, {progress = false, on_error = "skip", warn = function() end}
for line in io.lines(arg[1]) do paths[#paths + 1] = line end
if arg[3] == "merge" then
  opts.merge_turns = true
  opts.aliases = {LENA = "KIM", ["Speaker 1"] = "Speaker 2"}
elseif arg[3] == "convention" then
  samtal.convention{name = "hesitation", pattern = "och", kind = "hesitation"}
  samtal.convention{name = "pause", pattern = "(paus)", kind = "event"}
end
local c = samtal.open(paths, opts)
local s = c:stats()
print(#c:documents(), s.turns, s.tokens, #c:warnings(), c:fingerprint())
c:save(arg[2])
]]

  local function real_paths()
    local paths = {}
    for i = 1, 24 do paths[#paths + 1] = ("%s/%03d.txt"):format(dir, i) end
    for _, root in ipairs { "corpus", "../shared/corpora" } do
      local p = assert(io.popen("find " .. root .. " -type f | sort"))
      for path in p:lines() do
        local name = path:match("[^/]+$")
        if not (name:match("^SOURCE") or name:match("^LICENSE") or name:match("^INDEX") or name:match("%.tsv$")) then
          paths[#paths + 1] = path
        end
      end
      p:close()
    end
    return paths
  end

  for _, mode in ipairs { "plain", "merge", "convention" } do
    it("give the same saved corpus as one thread for transcripts of every format (" .. mode .. ")", function()
      local list = helpers.tempfile(table.concat(real_paths(), "\n") .. "\n", ".txt")
      local script = helpers.tempfile(SAVE, ".lua")
      local out = {}
      for threads = 1, 2 do
        out[threads] = helpers.tmpname()
        -- two threads build the index in two parts: their joins in each word's postings are tested
        local stdout, stderr, code = helpers.run(("SAMTAL_THREADS=%d SAMTAL_INDEX_PART_TOKENS=%d %s %s %s %s %s"):format(
          threads, threads == 2 and 5000 or 0, SAMTAL, helpers.q(script), helpers.q(list), helpers.q(out[threads]), mode))
        assert(code == 0, stderr)
        out[threads .. "report"] = stdout
      end
      local docs, turns, tokens = out["1report"]:match("^(%d+)%s+(%d+)%s+(%d+)")
      assert.is_true(tonumber(docs) > 30 and tonumber(tokens) > 200000)
      assert.are.equal(out["1report"], out["2report"])
      assert.are.equal(helpers.read(out[1]), helpers.read(out[2]))
      if mode == "merge" then -- turns were merged, so that path ran
        local plain = samtal.open(real_paths(), { progress = false, on_error = "skip", warn = function() end })
        assert.is_true(tonumber(turns) < plain:stats().turns)
      end
      os.remove(out[1])
      os.remove(out[2])
    end)
  end

  it("count a speaker's words in parts as the keywords' target, the same as counted whole", function()
    local c = samtal.open(dir, { progress = false })
    assert.is_true(c:stats().tokens >= 100000) -- the size from which the turns are split
    local r = c:keywords { target = { speaker = "KIM" }, min = 1, negative = true }
    -- independently: the folded word forms of KIM's turns, from the token stream
    local mine, rest = {}, {}
    for tok in c:tokens { kinds = "word number" } do
      local t = tok.speaker == "KIM" and mine or rest
      t[tok.folded] = (t[tok.folded] or 0) + 1
    end
    local n = 0
    for _, row in ipairs(r) do
      assert.are.equal(mine[row.form] or 0, row.freq, row.form)
      assert.are.equal(rest[row.form] or 0, row.ref_freq, row.form)
      n = n + 1
    end
    assert.is_true(n > 20)
    c:close()
  end)

  it("split collocates of a frequent word into parts and count every window token once", function()
    local c = samtal.open(dir, { progress = false })
    local och = c:count("och")
    assert.is_true(och > 20000) -- the size from which the hits are split
    local r = c:collocates("och", { left = 2, right = 2, min = 1 })
    -- independently: the tokens within 2 counted tokens of an "och", not themselves "och"
    local expected, turns = {}, {}
    for tok in c:tokens { kinds = "word number" } do
      local words = turns[tok.turn_id]
      if not words then
        words = {}
        turns[tok.turn_id] = words
      end
      words[#words + 1] = tok.folded
    end
    for _, words in pairs(turns) do
      local near = {}
      for i, w in ipairs(words) do
        if w == "och" then
          for j = math.max(1, i - 2), math.min(#words, i + 2) do near[j] = true end
        end
      end
      for j in pairs(near) do
        if words[j] ~= "och" then expected[words[j]] = (expected[words[j]] or 0) + 1 end
      end
    end
    local got = {}
    for _, row in ipairs(r) do got[row.collocate] = row.freq end
    assert.are.same(expected, got)
    c:close()
  end)

  it("report the first bad file in the order given, as one thread would", function()
    local bad = helpers.tmpname()
    os.remove(bad)
    assert(os.execute("mkdir -p " .. helpers.q(bad)))
    local paths = generate(bad, 40, 5)
    io.open(paths[7], "wb"):close() -- empty
    local f = assert(io.open(paths[31], "wb"))
    f:write("\0\1\2binary")
    f:close()
    local err = helpers.error_of(samtal.open, paths, { progress = false })
    assert.matches("007.txt: empty file", err, 1, true)
    -- with on_error = "skip" both are warnings, in the order given, and the other 38 load
    local c = samtal.open(paths, { progress = false, on_error = "skip", warn = function() end })
    assert.are.equal(38, #c:documents())
    local warnings = c:warnings()
    assert.are.equal(2, #warnings)
    assert.are.equal(paths[7], warnings[1].file)
    assert.are.equal(paths[31], warnings[2].file)
    os.execute("rm -rf " .. helpers.q(bad))
  end)

  it("read samtal's own export among other files whole, in its place", function()
    local c = samtal.open("corpus", { progress = false })
    local json = helpers.tmppath(".json")
    c:export(json)
    local paths = { ("%s/001.txt"):format(dir), json, ("%s/002.txt"):format(dir) }
    local both = samtal.open(paths, { progress = false })
    local docs = both:documents()
    assert.are.equal(2 + #c:documents(), #docs)
    assert.are.equal(paths[1], docs[1].path)
    for i, d in ipairs(c:documents()) do assert.are.equal(d.path, docs[1 + i].path) end
    assert.are.equal(paths[3], docs[#docs].path)
    os.remove(json)
  end)

  it("call progress after each file, in order, and stop on an error in it", function()
    local paths = {}
    for i = 1, 24 do paths[i] = ("%s/%03d.txt"):format(dir, i) end
    local seen = {}
    local c = samtal.open(paths, { progress = function(done, total, path)
      seen[#seen + 1] = ("%d/%d %s"):format(done, total, path)
    end })
    assert.are.equal(24, #seen)
    for i = 1, 24 do assert.are.equal(("%d/24 %s"):format(i, paths[i]), seen[i]) end
    c:close()
    local err = helpers.error_of(samtal.open, paths, { progress = function(done)
      if done == 5 then error("stop at five") end
    end })
    assert.matches("stop at five", err, 1, true)
  end)
end)
