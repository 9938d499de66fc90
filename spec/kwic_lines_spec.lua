-- Concordance lines as text: hits:lines(), built in C (src/kwic_lines.c) for a concordance
-- straight from c:kwic, from the hit tables in Lua otherwise, the same either way.
local samtal = require "samtal"
local Hits = require "samtal.hits"
local h = require "helpers"

local SHARED = h.shared

--- A corpus of one inline transcript.
local function corpus(text)
  return samtal.open(h.tempfile(text))
end

--- The same hits as plain hit tables (every table built), so lines() takes its Lua path.
local function tables(hits)
  local list = {}
  for i = 1, #hits do list[i] = hits[i] end
  return Hits.new(hits.corpus, hits.query, list, { left = hits.left, right = hits.right })
end

--- Asserts that the lines of a fresh lazy concordance equal those built from its tables, and
-- end every row of text() (which pads the left context and puts the location first).
local function same_lines(c, q, kopts, context)
  local fast = c:kwic(q, kopts):lines { context = context }
  local slow_hits = tables(c:kwic(q, kopts))
  local slow = slow_hits:lines { context = context }
  assert.are.equal(#slow_hits, #fast)
  for i = 1, #fast do
    if fast[i] ~= slow[i] then
      error(("%s, hit %d, context %s: C gives %s, Lua %s"):format(q, i, tostring(context), h.q(fast[i]),
        h.q(slow[i])), 2)
    end
  end
  if #slow_hits > 0 then -- text()'s rows end with the line: an oracle that does not share shape()
    local i = 0
    for row in (slow_hits:text { context = context } .. "\n"):gmatch("([^\n]*)\n") do
      i = i + 1
      if i <= #fast then assert.are.equal(fast[i], row:sub(-#fast[i])) end
    end
  end
  return #fast
end

local OPTS = { {}, { width = 1 }, { width = 40 }, { chars = 25 }, { chars = 500 }, { clip = "sentence" },
  { left = 0, right = 3 } }
local CONTEXTS = { nil, 1, 2, 7, 30, 1000 }

describe("samtal.hits", function()
  describe("lines()", function()
    it("gives the lines of the hit tables for every hit of words and phrases on real corpora", function()
      local cases = {
        { "corpus", { "och", "att", "nära vård", "vi" } },
        { SHARED .. "parlamint-se", { "och", "att", "det är" } },
        { SHARED .. "bitcointranscripts-en", { "the", "bitcoin", "you know", "I" } },
        { SHARED .. "talkpython-en", { "and", "so", "python" } },
        { SHARED .. "changelog-en", { "the", "yeah" } },
      }
      local total = 0
      for _, case in ipairs(cases) do
        local c = samtal.open(case[1])
        for _, q in ipairs(case[2]) do
          for _, kopts in ipairs(OPTS) do
            for k = 1, #CONTEXTS + 1 do total = total + same_lines(c, q, kopts, CONTEXTS[k]) end
          end
        end
      end
      assert.is_true(total > 10000, "too few hits compared: " .. total)
    end)

    it("shapes the parts as text() does: squeezed space, sides cut to the context with …", function()
      local c = corpus("LENA: ett två  tre\tfyra fem\nMAGNUS: sex\n")
      assert.are.same({ "ett två [tre] fyra fem" }, c:kwic("tre"):lines())
      assert.are.same({ "…å [tre] f…" }, c:kwic("tre"):lines { context = 3 })
      assert.are.same({ "…[tre]…" }, c:kwic("tre"):lines { context = 1 })
      assert.are.same({ "två [tre] fyra" }, c:kwic("tre", { width = 1 }):lines())
      assert.are.same({ "…två [tre] fyr…" }, c:kwic("tre"):lines { context = 5 })
      assert.are.same({ "ett två [tre] fyra f…" }, c:kwic("tre"):lines { context = 8 })
      assert.are.same({ "ett två [tre] fyra fem" }, c:kwic("tre"):lines { context = 9 })
      assert.are.same({ "å [tre] fy" }, c:kwic("tre", { chars = 3 }):lines()) -- "å  " and "\tfy", squeezed
    end)

    it("squeezes runs of white space wherever they fall among the bytes it copies eight at a time", function()
      -- words of 1 to 9 bytes (some of two-byte letters) between runs of 1 to 3 of space, tab,
      -- vertical tab and form feed (a line end would end the line), at every offset; C and Lua
      -- must agree
      math.randomseed(11)
      local spaces, letters = { " ", " ", " ", "\t", "\v", "\f" }, { "a", "b", "ö", "x", "é", "z" }
      for _ = 1, 12 do
        local words = {}
        for k = 1, 60 do
          local word = {}
          for _ = 1, math.random(1, 9) do word[#word + 1] = letters[math.random(#letters)] end
          local gap = {}
          for _ = 1, math.random(1, 3) do gap[#gap + 1] = spaces[math.random(#spaces)] end
          words[k] = table.concat(word) .. (k % 7 == 0 and "" or table.concat(gap)) .. (k % 7 == 0 and " " or "")
        end
        words[#words + 1] = "MÅL"
        local c = corpus("LENA: " .. table.concat(words) .. " slut\n")
        for _, context in ipairs { 1000, 40, 7 } do assert.are.equal(1, same_lines(c, "mål", {}, context)) end
        local line = c:kwic("mål", { width = 1000 }):lines { context = 1000 }[1]
        assert.is_nil(line:find("[\t\v\f]") or line:find("  ", 1, true), line)
      end
    end)

    it("keeps a hit at the very start or end of a turn without context on that side", function()
      local c = corpus("LENA: ett två tre\nMAGNUS: fyra fem\n")
      assert.are.same({ "[ett] två tre" }, c:kwic("ett"):lines())
      assert.are.same({ "ett två [tre]" }, c:kwic("tre"):lines())
      assert.are.same({ "[fyra] fem" }, c:kwic("fyra"):lines())
      assert.are.same({ "fyra [fem]" }, c:kwic("fem"):lines())
      assert.are.same({ "[fyra fem]" }, c:kwic("fyra fem"):lines())
      same_lines(c, "ett", {}, 1)
      same_lines(c, "fem", { chars = 100 }, 2)
    end)

    it("counts multibyte and wide characters as one each, as format.width does", function()
      local c = corpus("LENA: 日本語 の テキスト 🙂 åäö slut\n")
      assert.are.same({ "日本語 の [テキスト] 🙂 åäö slut" }, c:kwic("テキスト"):lines())
      assert.are.same({ "…の [テキスト] 🙂…" }, c:kwic("テキスト"):lines { context = 3 })
      assert.are.same({ "…ö [slut]" }, c:kwic("slut"):lines { context = 3 })
      assert.are.same({ "[日本語] の…" }, c:kwic("日本語"):lines { context = 3 })
      for _, q in ipairs { "テキスト", "slut", "日本語", "åäö" } do
        for _, n in ipairs { 1, 2, 3, 4, 5, 50 } do
          same_lines(c, q, {}, n)
          same_lines(c, q, { chars = 4 }, n)
        end
      end
    end)

    it("gives the whole turn when the context is wider than the turn", function()
      local c = corpus("LENA: a b c\nMAGNUS: x y z\nLENA: d e f\n")
      assert.are.same({ "x [y] z" }, c:kwic("y", { width = 100 }):lines { context = 1000 })
      assert.are.same({ "x [y] z" }, c:kwic("y", { chars = 1000 }):lines { context = 1000 })
    end)

    it("uses a hit table built already, and gives the same lines in any order of building", function()
      local c = samtal.open("corpus")
      local hits = c:kwic("och")
      local want = tables(c:kwic("och")):lines()
      local _, _ = hits[70], hits[3] -- two blocks built, the rest not
      assert.are.same(want, hits:lines())
      hits[3].left = "ÄNDRAD " -- a table the user changed is what the line shows
      local lines = hits:lines()
      assert.are.equal("ÄNDRAD [" .. hits[3].match .. "]", lines[3]:sub(1, #("ÄNDRAD [" .. hits[3].match .. "]")))
      assert.are.equal(want[4], lines[4])
    end)

    it("follows the order of sorted and filtered hits", function()
      local c = samtal.open("corpus")
      local hits = c:kwic("att")
      local lines = hits:lines()
      local sorted = hits:sort("R1")
      local by_pos = {}
      for i = 1, #hits do by_pos[hits[i].position] = lines[i] end
      for i, line in ipairs(sorted:lines()) do assert.are.equal(by_pos[sorted[i].position], line) end
      local kept = hits:filter(function(x) return x.position % 2 == 0 end)
      for i, line in ipairs(kept:lines()) do assert.are.equal(by_pos[kept[i].position], line) end
    end)

    it("gives the same lines from a saved corpus, its documents checked as they are read", function()
      -- several documents, texts compressed or not, hits read in corpus order and sorted (the
      -- lines ahead of the one built are asked for before their documents are checked)
      for _, case in ipairs { { "corpus", { "och", "nära vård" } }, { SHARED .. "bitcointranscripts-en", { "the", "I" } } } do
        for _, compress in ipairs { false, true } do
          local c = samtal.open(case[1], { compress = compress })
          local path = h.tempfile("")
          c:save(path)
          for _, q in ipairs(case[2]) do
            local m = samtal.open(path)
            assert.are.same(c:kwic(q):lines(), m:kwic(q):lines())
            assert.are.equal(c:kwic(q):text(), m:kwic(q):text())
            m:close()
            m = samtal.open(path)
            assert.are.same(c:kwic(q):sort("R1"):lines(), m:kwic(q):sort("R1"):lines())
            assert.are.equal(c:kwic(q):sort("L1"):text(), m:kwic(q):sort("L1"):text())
            m:close()
          end
        end
      end
    end)

    it("gives an empty array for no hits and keeps its corpus alive", function()
      local c = samtal.open("corpus")
      assert.are.same({}, c:kwic("zzzyxq"):lines())
      local hits = c:kwic("nära vård")
      c = nil -- luacheck: ignore 311
      collectgarbage()
      collectgarbage()
      assert.is_true(#hits:lines() > 0)
    end)

    it("refuses a bad context, unknown options and a call with a dot", function()
      local hits = samtal.open("corpus"):kwic("och")
      local function fails(want, ...)
        local msg = h.error_of(...)
        assert.truthy(msg and msg:find(want, 1, true), msg)
      end
      fails("context must be an integer of at least 1, not 0", hits.lines, hits, { context = 0 })
      fails("context must be an integer of at least 1, not 2.5", hits.lines, hits, { context = 2.5 })
      fails("unknown option 'width'", hits.lines, hits, { width = 3 })
      fails("table expected, got number", hits.lines, hits, 40)
      fails("samtal.Hits expected", hits.lines, { context = 3 })
    end)
  end)

  describe("text()", function()
    it("gives the same text straight from c:kwic (C) as from the hit tables, timed or not", function()
      local cases = {
        { "corpus", { "och", "nära vård" } },
        { SHARED .. "talkpython-en", { "the", "and" } }, -- turns with and without times
        { SHARED .. "virtualcoffee-en", { "the", "you know" } },
        { SHARED .. "bitcointranscripts-en", { "the", "I" } },
      }
      for _, case in ipairs(cases) do
        local c = samtal.open(case[1])
        for _, q in ipairs(case[2]) do
          for _, kopts in ipairs { {}, { chars = 20 }, { width = 2, clip = "sentence" } } do
            for _, topts in ipairs { {}, { context = 1 }, { context = 9, color = true }, { context = 400 } } do
              local want = tables(c:kwic(q, kopts)):text(topts)
              assert.are.equal(want, c:kwic(q, kopts):text(topts))
              local some = c:kwic(q, kopts)
              local _ = some[#some] -- the last block built, the others not
              assert.are.equal(want, some:text(topts))
            end
          end
        end
      end
    end)

    it("keeps the Lua path for a context C does not take", function()
      local c = corpus("LENA: ett två tre fyra\n")
      assert.are.equal(tables(c:kwic("tre")):text { context = 0 }, c:kwic("tre"):text { context = 0 })
    end)
  end)

  describe("c:match_lines()", function()
    it("checks its arguments before it stores anything", function()
      local seed = samtal.open("corpus")
      local other = samtal.open(h.seed_inline)
      local function matches(c, q)
        return c:find(require("samtal.query").compile(c, require("samtal.cql").parse(q), q, {}), "matches")
      end
      local m = matches(seed, "och")
      local function fails(want, ...)
        local ok, msg = pcall(seed.match_lines, seed, ...)
        assert.is_false(ok, want)
        assert.truthy(msg:find(want, 1, true), msg)
      end
      local out = {}
      fails("samtal.Matches expected", {}, 1, 2, 6, 6, 0, "turn", 60, {}, out)
      fails("matches of another corpus", matches(other, "och"), 1, 2, 6, 6, 0, "turn", 60, {}, out)
      fails("no such matches", m, 0, 2, 6, 6, 0, "turn", 60, {}, out)
      fails("no such matches", m, 3, 2, 6, 6, 0, "turn", 60, {}, out)
      fails("no such matches", m, 1, #m + 1, 6, 6, 0, "turn", 60, {}, out)
      fails("number expected, got table", m, {}, 2, 6, 6, 0, "turn", 60, {}, out)
      fails("width out of range", m, 1, 2, -1, 6, 0, "turn", 60, {}, out)
      fails("chars out of range", m, 1, 2, 6, 6, -1, "turn", 60, {}, out)
      fails("invalid option 'page'", m, 1, 2, 6, 6, 0, "page", 60, {}, out)
      fails("context must be at least 1", m, 1, 2, 6, 6, 0, "turn", 0, {}, out)
      fails("table expected, got string", m, 1, 2, 6, 6, 0, "turn", 60, "hits", out)
      fails("table expected, got string", m, 1, 2, 6, 6, 0, "turn", 60, {}, "out")
      fails("hit 2 has no left text", m, 2, 3, 6, 6, 0, "turn", 60, { [2] = { match = "x", right = "" } }, out)
      assert.is_nil(next(out)) -- nothing stored by a refused call
      local got = seed:match_lines(m, 2, 3, 6, 6, 0, "turn", 60, {}, out)
      assert.are.equal(out, got)
      assert.is_nil(out[1])
      assert.is_nil(out[4])
      local want = tables(seed:kwic("och")):lines()
      assert.are.equal(want[2], out[2])
      assert.are.equal(want[3], out[3])
      local fresh = seed:match_lines(m, 1, #m, 6, 6, 0, "turn", 60, {})
      assert.are.same(want, fresh)
      local cols = { {}, {}, {}, {}, {}, {} }
      assert.truthy(h.error_of(seed.match_rows, seed, m, 1, 2, 6, 6, 0, "turn", 60, {}, { {}, {} })
        :find("six arrays expected", 1, true))
      assert.truthy(h.error_of(seed.match_rows, seed, matches(other, "och"), 1, 2, 6, 6, 0, "turn", 60, {}, cols)
        :find("matches of another corpus", 1, true))
      assert.truthy(h.error_of(seed.match_rows, seed, m, 2, 1, 6, 6, 0, "turn", 60, {}, cols)
        :find("no such matches", 1, true))
      seed:match_rows(m, 1, 2, 6, 6, 0, "turn", 60, { [1] = want }, cols) -- a built hit is left out
      assert.is_nil(cols[1][1])
      assert.are.equal(want[2], cols[4][2] .. "[" .. cols[5][2] .. "]" .. cols[6][2])
      other:close()
      assert.truthy(h.error_of(other.match_lines, other, m, 1, 1, 6, 6, 0, "turn", 60, {})
        :find("closed samtal.Corpus", 1, true))
    end)
  end)
end)
