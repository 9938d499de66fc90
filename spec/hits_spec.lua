-- Concordance results: re-windowing, sorting by context words, counts, samples, filters, output.
local samtal = require "samtal"
local Hits = require "samtal.hits"
local format = require "samtal.format"
local h = require "helpers"

local SV = "sv_SE.UTF-8"

--- Hits as c:kwic will build them: every hit of q, w words each side, Swedish collation.
local function kwic(c, q, w, collation)
  w = w or 6
  return Hits.new(c, q, c:kwic_hits(q, false, w, w), { left = w, right = w, collation = collation or SV })
end

--- A corpus of one inline transcript.
local function corpus(text)
  return samtal.open(h.tempfile(text))
end

--- The right-hand words of the hits, in order: the first word of each right context.
local function firsts(hits, field)
  local out = {}
  for i, hit in ipairs(hits) do out[i] = hit[field or "right"]:match("^%s*(%S+)") or "" end
  return out
end

local function positions(hits)
  local out = {}
  for i, hit in ipairs(hits) do out[i] = hit.position end
  return out
end

--- RFC 4180 reader for the round trip: records of fields, quoted fields with doubled quotes,
-- CRLF between records, line breaks inside quotes kept.
local function read_csv(s)
  local records, fields, i, n = {}, {}, 1, #s
  while i <= n do
    local field
    if s:sub(i, i) == '"' then
      local parts = {}
      i = i + 1
      while true do
        local q = assert(s:find('"', i, true), "unterminated quoted field")
        parts[#parts + 1] = s:sub(i, q - 1)
        if s:sub(q + 1, q + 1) == '"' then
          parts[#parts + 1] = '"'
          i = q + 2
        else
          i = q + 1
          break
        end
      end
      field = table.concat(parts)
    else
      local stop = s:find("[,\r\n]", i) or n + 1
      field = s:sub(i, stop - 1)
      i = stop
    end
    fields[#fields + 1] = field
    local sep = s:sub(i, i)
    if sep == "," then
      i = i + 1
    else
      assert(sep == "\r" and s:sub(i + 1, i + 1) == "\n" or i > n, "records end in CRLF")
      records[#records + 1] = fields
      fields = {}
      i = i + 2
    end
  end
  return records
end

--- A small JSON decoder (RFC 8259): objects, arrays, strings with escapes, numbers, literals.
local function decode_json(s)
  local i = 1
  local function ws() i = s:find("[^ \t\r\n]", i) or #s + 1 end
  local value
  local function str()
    local out = {}
    i = i + 1
    while true do
      local c = s:sub(i, i)
      assert(c ~= "" and c:byte() >= 0x20, "bad string")
      if c == '"' then
        i = i + 1
        return table.concat(out)
      elseif c == "\\" then
        local e = s:sub(i + 1, i + 1)
        if e == "u" then
          out[#out + 1] = utf8.char(tonumber(s:sub(i + 2, i + 5), 16))
          i = i + 6
        else
          out[#out + 1] = assert(({ ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n",
            r = "\r", t = "\t" })[e], "bad escape")
          i = i + 2
        end
      else
        out[#out + 1] = c
        i = i + 1
      end
    end
  end
  function value()
    ws()
    local c = s:sub(i, i)
    if c == "{" then
      local obj = {}
      i = i + 1
      ws()
      if s:sub(i, i) == "}" then
        i = i + 1
        return obj
      end
      while true do
        ws()
        local k = str()
        ws()
        assert(s:sub(i, i) == ":", "colon expected")
        i = i + 1
        obj[k] = value()
        ws()
        c = s:sub(i, i)
        i = i + 1
        if c == "}" then return obj end
        assert(c == ",", "comma expected")
      end
    elseif c == "[" then
      local arr = {}
      i = i + 1
      ws()
      if s:sub(i, i) == "]" then
        i = i + 1
        return arr
      end
      while true do
        arr[#arr + 1] = value()
        ws()
        c = s:sub(i, i)
        i = i + 1
        if c == "]" then return arr end
        assert(c == ",", "comma expected")
      end
    elseif c == '"' then
      return str()
    elseif s:find("^null", i) then
      i = i + 4
      return nil
    elseif s:find("^true", i) then
      i = i + 4
      return true
    elseif s:find("^false", i) then
      i = i + 5
      return false
    end
    local num = assert(s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i), "value expected at " .. i)
    i = i + #num
    return math.tointeger(tonumber(num)) or tonumber(num)
  end
  local v = value()
  ws()
  assert(i > #s, "trailing text")
  return v
end

describe("samtal.hits", function()
  after_each(h.cleanup)
  local c = samtal.open("corpus")

  describe("new()", function()
    it("is an array of the hits with the query and the corpus on it", function()
      local hits = kwic(c, "nära")
      assert.are.equal(c:count("nära"), #hits)
      local n = 0
      for i, hit in ipairs(hits) do
        n = i
        assert.are.equal("nära", samtal.fold(hit.match))
      end
      assert.are.equal(#hits, n)
      assert.are.equal("nära", hits.query)
      assert.are.equal(c, hits.corpus)
      assert.are.equal("samtal.Hits", getmetatable(hits).__name)
    end)

    it("keeps its corpus alive when every other reference is gone", function()
      local hits = kwic(samtal.open(h.tempfile("LENA: ett två tre fyra fem\n")), "tre", 1)
      collectgarbage()
      collectgarbage()
      local wide = hits:window(2)
      assert.are.equal("ett två ", wide[1].left)
      assert.are.equal(" fyra fem", wide[1].right)
    end)

    it("gives an empty result, not nil, that every method accepts", function()
      local none = kwic(c, "blåbärssoppa")
      assert.are.equal(0, #none)
      assert.are.equal(0, #none:sort("R1"))
      assert.are.equal(0, #none:window(2))
      assert.are.equal(0, #none:sample(3, 1))
      assert.are.equal(0, #none:count("speaker"))
      assert.are.equal('no hits for "blåbärssoppa"', tostring(none))
      assert.are.equal("[]\n", none:json())
      assert.are.equal("doc,speaker,turn,line,column,offset,length,start,stop,left,match,right\r\n", none:csv())
    end)

    it("names a query that is no string (a function, a pattern) in its text and page", function()
      local none = Hits.new(c, function() return false end, {}, {})
      assert.are.equal("no hits for a function query", tostring(none))
      assert.truthy(none:html():find("<title>Concordance of a function query: 0 hits</title>", 1, true))
    end)
  end)

  describe("columns", function()
    it("gives every hit its column on a transcript written as one long line, sorted or not", function()
      -- a speech-to-text paragraph: one line of 3,000 words with å, ä, ö (two bytes each)
      local words = { "och", "vård", "är", "nära", "på", "så" }
      local parts = {}
      for i = 1, 3000 do parts[i] = words[i % #words + 1] end
      local text = "Anna: " .. table.concat(parts, " ") .. "\n"
      local one_line = samtal.open(h.tempfile(text, ".txt"))
      local want, at = {}, 1
      while true do
        local from = text:find("vård", at, true)
        if not from then break end
        want[#want + 1] = utf8.len(text:sub(1, from - 1)) + 1
        at = from + 1
      end
      assert.are.equal(500, #want)
      local hits = one_line:kwic("vård")
      local got = {}
      for i = 1, #hits do got[i] = hits[i].column end
      assert.are.same(want, got)
      local sorted = one_line:kwic("vård"):sort("R1") -- built in another order
      local cols = {}
      for i = 1, #sorted do cols[#cols + 1] = sorted[i].column end
      table.sort(cols)
      assert.are.same(want, cols)
      assert.are.equal(want[500], one_line:token(hits[500].position).column)
    end)
  end)

  describe("sort()", function()
    local animals = "LENA: jag sa ärlig nu\nMAGNUS: jag sa zebra nu\nLENA: jag sa ål nu\nMAGNUS: jag sa apa nu\n"

    it("sorts R1 in Swedish order: a to z, then å ä ö", function()
      local sorted = kwic(corpus(animals), "sa"):sort("R1")
      assert.are.same({ "apa", "zebra", "ål", "ärlig" }, firsts(sorted))
    end)

    it("sorts by bytes when the result has no collation", function()
      local c2 = corpus(animals)
      local hits = Hits.new(c2, "sa", c2:kwic_hits("sa", false, 6, 6), { left = 6, right = 6 })
      -- UTF-8 puts ä (C3 A4) before å (C3 A5): the reason a real collation is needed
      assert.are.same({ "apa", "zebra", "ärlig", "ål" }, firsts(hits:sort("R1")))
    end)

    it("takes L1 as the word nearest the match, L2 as the next, skipping punctuation", function()
      local hits = kwic(corpus("LENA: b, x. sa nu\nMAGNUS: a z sa nu\nLENA: c y sa nu\n"), "sa")
      local by_l1 = {}
      for i, hit in ipairs(hits:sort("L1")) do by_l1[i] = hit.left:match("(%a)%p?%s*$") end
      assert.are.same({ "x", "y", "z" }, by_l1)
      local by_l2 = {}
      for i, hit in ipairs(hits:sort("2L")) do by_l2[i] = hit.left:match("^(%a)") end
      assert.are.same({ "a", "b", "c" }, by_l2)
    end)

    it("accepts AntConc's 1R as well as R1, and several levels, the first deciding", function()
      local hits = kwic(corpus("LENA: sa b y\nMAGNUS: sa a z\nLENA: sa b x\nMAGNUS: sa a y\n"), "sa")
      local sorted = hits:sort("1R", "R2")
      local got = {}
      for i, hit in ipairs(sorted) do got[i] = hit.right end
      assert.are.same({ " a y", " a z", " b x", " b y" }, got)
      assert.are.same(positions(sorted), positions(hits:sort("R1", "2R")))
    end)

    it("compares words case-folded and keeps tied hits in their order (stable)", function()
      local hits = kwic(corpus("LENA: sa Zebra 1\nMAGNUS: sa apa 2\nLENA: sa zebra 3\nMAGNUS: sa ZEBRA 4\n"), "sa")
      local got = {}
      for i, hit in ipairs(hits:sort("R1")) do got[i] = hit.right:match("%d") end
      assert.are.same({ "2", "1", "3", "4" }, got)
    end)

    it("is stable on the real corpus: hits with the same R1 stay in corpus order", function()
      local sorted = kwic(c, "det"):sort("R1")
      local seen = 0
      for i = 2, #sorted do
        local a, b = sorted[i - 1], sorted[i]
        local ra, rb = a.right:match("^[%s%p]*([^%s%p]+)"), b.right:match("^[%s%p]*([^%s%p]+)")
        if ra and rb and samtal.fold(ra) == samtal.fold(rb) then
          seen = seen + 1
          assert.truthy(a.position < b.position)
        end
      end
      assert.truthy(seen > 100)
    end)

    it("sorts a missing word (a shorter context) first", function()
      local hits = kwic(corpus("LENA: x sa b\nMAGNUS: sa a\nLENA: y sa\n"), "sa")
      assert.are.same({ "", " a", " b" }, (function()
        local out = {}
        for i, hit in ipairs(hits:sort("R1")) do out[i] = hit.right end
        return out
      end)())
      -- beyond the window every word is missing: the order stays as it was
      assert.are.same(positions(hits), positions(hits:sort("L7")))
    end)

    it("reverses a level written with a leading minus", function()
      local sorted = kwic(corpus(animals), "sa"):sort("-R1")
      assert.are.same({ "ärlig", "ål", "zebra", "apa" }, firsts(sorted))
    end)

    it("sorts by speaker in Swedish order, and by doc in corpus order", function()
      local hits = kwic(corpus("ÅSA: sa ett\nZORRO: sa två\nANNA: sa tre\nÅSA: sa fyra\n"), "sa")
      local got = {}
      for i, hit in ipairs(hits:sort("speaker")) do got[i] = hit.speaker end
      assert.are.same({ "ANNA", "ZORRO", "ÅSA", "ÅSA" }, got)
      local two = samtal.open { h.tempfile("LENA: sa b\n"), h.tempfile("LENA: sa a\n") }
      local by_r1 = kwic(two, "sa"):sort("R1")
      assert.are.equal(" a", by_r1[1].right)
      local by_doc = by_r1:sort("doc")
      assert.are.equal(" b", by_doc[1].right)
      assert.are.equal(two:documents()[1].name, by_doc[1].doc)
    end)

    it("sorts by the folded match, and counts M1 and M2, the words of a phrase", function()
      local hits = kwic(corpus("LENA: Nära vård, nära band, NÄRA vård\n"), "nära")
      assert.are.same(positions(hits), positions(hits:sort("match"))) -- all fold to "nära": ties keep order
      local phrase = kwic(c, "nära vård")
      assert.are.same({ { "nära", #phrase } }, { { phrase:count("M1")[1][1], phrase:count("M1")[1][2] } })
      assert.are.equal("vård", phrase:count("M2")[1][1])
      assert.are.equal(1, #phrase:count("M2"))
      assert.is_nil(phrase:count("M3")[1][1])
    end)

    it("sorts by a key function, numbers as numbers", function()
      local hits = kwic(c, "nära")
      local sorted = hits:sort(function(hit) return -hit.position end)
      for i = 2, #sorted do assert.truthy(sorted[i - 1].position > sorted[i].position) end
      local by_len = hits:sort(function(hit) return #hit.left end, "position")
      for i = 2, #by_len do assert.truthy(#by_len[i - 1].left <= #by_len[i].left) end
    end)

    it("returns a new Hits and leaves the original in corpus order", function()
      local hits = kwic(c, "nära")
      local before = positions(hits)
      local sorted = hits:sort("R1")
      assert.are_not.equal(hits, sorted)
      assert.are.same(before, positions(hits))
      assert.are.equal(#hits, #sorted)
      assert.are.same(before, positions(sorted:sort()))
      assert.are.equal("nära", sorted.query)
    end)

    -- A concordance straight from c:kwic, none of its hit tables read yet, sorted by word levels
    -- alone, reads the words from the corpus (c:match_words) and comes back lazy, over the same
    -- matches in the new order (c:match_permute); any other sort reads the hit tables.
    local function signature(hit)
      return table.concat({ hit.path, hit.position, hit.tokens, hit.offset, hit.length, hit.left, hit.match,
        hit.right, hit.speaker or "-", hit.turn, hit.line, hit.column }, "|")
    end
    local function all_signatures(hits)
      local out = {}
      for i = 1, #hits do out[i] = signature(hits[i]) end
      return out
    end

    it("sorts an unread concordance by word levels from the corpus, as from the hit tables", function()
      local bitcoin = samtal.open("../shared/corpora/bitcointranscripts-en", { progress = false })
      local n = 0
      for _, case in ipairs {
        { c, "och" }, { c, "nära vård" }, { c, "att", { right = 1, left = 2 } }, { c, "det", { chars = 30 } },
        { bitcoin, "the" }, { bitcoin, "taproot" }, { bitcoin, "you know" },
      } do
        local cor, q, opts = case[1], case[2], case[3]
        for _, levels in ipairs { { "R1" }, { "L1" }, { "-R1", "L2" }, { "R2", "-L1", "R1" }, { "M1" }, { "M2", "R1" },
          { "L9" }, { "R7", "-M1" }, { "3R", "2L" } } do
          local fast = cor:kwic(q, opts):sort(table.unpack(levels))
          local read = cor:kwic(q, opts)
          for i = 1, #read do local _ = read[i] end -- every table read: the sort reads the tables
          local slow = read:sort(table.unpack(levels))
          assert.is_true(#slow > 0)
          assert.are.same(all_signatures(slow), all_signatures(fast))
          -- sorted again (by a second level after the first), and as lines and text, the same
          local again = fast:sort("L1")
          assert.are.same(all_signatures(slow:sort("L1")), all_signatures(again))
          assert.are.same(slow:lines(), fast:lines())
          assert.are.equal(slow:text(), fast:text())
          n = n + 1
        end
      end
      assert.are.equal(63, n)
      bitcoin:close()
    end)

    it("keeps the hit tables read already, and the result's window and collation", function()
      local hits = c:kwic("nära", { left = 3, right = 2 })
      local first = hits[1] -- read: the sort reads the tables, and keeps this one
      local sorted = hits:sort("R1")
      local found = false
      for i = 1, #sorted do found = found or rawequal(sorted[i], first) end
      assert.is_true(found)
      local unread = c:kwic("nära", { left = 3, right = 2 })
      unread.collation = nil -- sorted by bytes now
      local by_bytes = unread:sort("R1")
      assert.are.equal(3, by_bytes.left)
      assert.are.equal(2, by_bytes.right)
      assert.is_nil(by_bytes.collation)
      local read = c:kwic("nära", { left = 3, right = 2 })
      for i = 1, #read do local _ = read[i] end
      read.collation = nil
      assert.are.same(all_signatures(read:sort("R1")), all_signatures(by_bytes))
    end)

    it("checks the arguments of c:match_words and c:match_permute", function()
      local m = c:find(require("samtal.query").compile(c, require("samtal.cql").parse("nära"), "nära", {}), "matches")
      assert.is_true(#m > 5)
      local function fails(want, f, ...)
        local msg = h.error_of(f, c, ...)
        assert.truthy(msg:find(want, 1, true), msg)
      end
      fails("invalid option 'X'", c.match_words, m, "X", 1, 6)
      fails("k must be at least 1", c.match_words, m, "R", 0, 6)
      fails("limit must not be negative", c.match_words, m, "R", 1, -1)
      local other = samtal.open(h.seed_inline)
      local om = other:find(require("samtal.query").compile(other, require("samtal.cql").parse("och"), "och", {}),
        "matches")
      fails("matches of another corpus", c.match_words, om, "R", 1, 6)
      fails("matches of another corpus", c.match_permute, om, {})
      local words = c:match_words(m, "R", 1, 6)
      assert.are.equal(#m, #words)
      local none = c:match_words(m, "R", 2, 1) -- beyond the window: no word
      for i = 1, #m do assert.is_false(none[i]) end
      local order = {}
      for i = 1, #m do order[i] = #m + 1 - i end
      fails("one entry a match", c.match_permute, m, { 1 })
      local twice = { table.unpack(order) }
      twice[2] = twice[1]
      fails("no permutation", c.match_permute, m, twice)
      local zero = { table.unpack(order) }
      zero[1] = 0
      fails("no permutation", c.match_permute, m, zero)
      local reversed = c:match_permute(m, order)
      assert.are.equal(#m, #reversed)
      assert.are.same({ m:get(#m) }, { reversed:get(1) })
      -- the statistics count windows in corpus order: they refuse permuted matches
      fails("matches in corpus order expected", c.collocate_rows, c:keymap("lower", "word number"), reversed, 4, 4,
        "turn", 1, 1, "mi")
      other:close()
    end)

    it("raises on an unknown level and a bad key", function()
      local hits = kwic(c, "nära")
      assert.truthy(h.error_of(hits.sort, hits, "R0"):find("sort: unknown level 'R0'", 1, true))
      assert.truthy(h.error_of(hits.sort, hits, "colour"):find("sort: unknown level 'colour'", 1, true))
      assert.truthy(h.error_of(hits.sort, hits, 3):find("level name or function expected, got number", 1, true))
      assert.truthy(h.error_of(hits.sort, hits, function() return {} end)
        :find("a key must be a string, number, boolean or nil, not a table", 1, true))
      assert.truthy(h.error_of(Hits.sort, {}, "R1"):find("samtal.Hits expected", 1, true))
    end)
  end)

  describe("count()", function()
    it("counts case-folded matches", function()
      local counts = kwic(c, "nära"):count("match")
      assert.are.equal(1, #counts)
      assert.are.same({ "nära", c:count("nära") }, { counts[1][1], counts[1][2] })
    end)

    it("breaks down by speaker, most first, then by key, adding up to every hit", function()
      local hits = kwic(c, "det")
      local counts = hits:count("speaker")
      local total, by = 0, {}
      for _, hit in ipairs(hits) do by[hit.speaker] = (by[hit.speaker] or 0) + 1 end
      for i, row in ipairs(counts) do
        total = total + row[2]
        assert.are.equal(by[row[1]], row[2])
        if i > 1 then assert.truthy(counts[i - 1][2] >= row[2]) end
      end
      assert.are.equal(#hits, total)
    end)

    it("breaks ties by key in Swedish order", function()
      local counts = kwic(corpus("ÅSA: sa\nZORRO: sa\nANNA: sa\nBO: sa\nBO: sa\n"), "sa"):count("speaker")
      local keys = {}
      for i, row in ipairs(counts) do keys[i] = row[1] end
      assert.are.same({ "BO", "ANNA", "ZORRO", "ÅSA" }, keys)
    end)

    it("counts by doc, by R1 (collocates), by any field and by a function", function()
      local hits = kwic(c, "nära")
      local docs = hits:count("doc")
      assert.are.equal(2, #docs)
      assert.are.equal(#hits, docs[1][2] + docs[2][2])
      assert.are.equal("vård", hits:count("R1")[1][1])
      local lines = hits:count("line")
      assert.are.equal("number", type(lines[1][1]))
      local long = hits:count(function(hit) return #hit.left > 20 end)
      assert.are.equal(#hits, long[1][2] + (long[2] and long[2][2] or 0))
    end)

    it("puts hits without a key in a row whose key is nil", function()
      local counts = kwic(corpus("bara text utan etiketter sa jag sa\n"), "sa"):count("speaker")
      assert.are.equal(1, #counts)
      assert.is_nil(counts[1][1])
      assert.are.equal(2, counts[1][2])
      assert.truthy(tostring(counts):find("\n%-%s+2$"))
    end)

    it("prints aligned, counts right-aligned under a header, and writes CSV", function()
      local counts = kwic(corpus("LENA: sa\nMAGNUS: sa\nLENA: sa\n"), "sa"):count("speaker")
      assert.are.equal("speaker  count\nLENA         2\nMAGNUS       1", tostring(counts))
      assert.are.equal("speaker,count\r\nLENA,2\r\nMAGNUS,1\r\n", counts:csv())
      assert.are.equal("speaker\tcount\nLENA\t2\nMAGNUS\t1\n", counts:tsv())
    end)

    it("raises without a level", function()
      local hits = kwic(c, "nära")
      assert.truthy(h.error_of(hits.count, hits):find("level name or function expected", 1, true))
    end)
  end)

  describe("sample()", function()
    it("gives n hits, in their current order, the same for the same seed", function()
      local hits = kwic(c, "det")
      local a, b = hits:sample(20, 7), hits:sample(20, 7)
      assert.are.equal(20, #a)
      assert.are.same(positions(a), positions(b))
      for i = 2, #a do assert.truthy(a[i - 1].position < a[i].position) end
      local sorted = hits:sort("R1")
      local s = sorted:sample(20, 7)
      local rank = {}
      for i, hit in ipairs(sorted) do rank[hit] = i end
      for i = 2, #s do assert.truthy(rank[s[i - 1]] < rank[s[i]]) end
    end)

    it("gives other hits for another seed, and takes strings as seeds", function()
      local hits = kwic(c, "det")
      assert.are_not.same(positions(hits:sample(20, 7)), positions(hits:sample(20, 8)))
      assert.are.same(positions(hits:sample(20, "lena")), positions(hits:sample(20, "lena")))
    end)

    it("gives every hit when n is at least their number, none for 0", function()
      local hits = kwic(c, "nära")
      assert.are.same(positions(hits), positions(hits:sample(#hits + 10, 1)))
      assert.are.same(positions(hits), positions(hits:sample(#hits, 1)))
      assert.are.equal(0, #hits:sample(0, 1))
    end)

    it("uses its own generator: the same hits on every Lua build", function()
      -- SplitMix64's first output for seed 0, as published with the algorithm
      assert.are.equal(0xE220A8397B1DCDAF, Hits.splitmix64(0)())
      local hits = Hits.new(c, "x", (function()
        local list = {}
        for i = 1, 100 do list[i] = { position = i } end
        return list
      end)(), {})
      assert.are.same({ 5, 46, 68, 76, 94 }, positions(hits:sample(5, 42)))
    end)

    it("picks every hit about equally often", function()
      local list = {}
      for i = 1, 10 do list[i] = { position = i } end
      local hits, seen = Hits.new(c, "x", list, {}), {}
      for seed = 1, 2000 do
        for _, hit in ipairs(hits:sample(3, seed)) do seen[hit.position] = (seen[hit.position] or 0) + 1 end
      end
      for i = 1, 10 do assert.truthy(seen[i] > 500 and seen[i] < 700, "hit " .. i .. ": " .. seen[i]) end
    end)

    it("raises on a bad size or seed", function()
      local hits = kwic(c, "nära")
      assert.truthy(h.error_of(hits.sample, hits, -1):find("non-negative integer expected", 1, true))
      assert.truthy(h.error_of(hits.sample, hits, 2.5):find("non-negative integer expected", 1, true))
      assert.truthy(h.error_of(hits.sample, hits, 2, {}):find("integer or string seed expected", 1, true))
    end)
  end)

  describe("filter()", function()
    it("keeps the hits a function accepts, as a new Hits", function()
      local hits = kwic(c, "nära")
      local lena = hits:filter(function(hit) return hit.speaker == "LENA" end)
      assert.truthy(#lena > 0 and #lena < #hits)
      for _, hit in ipairs(lena) do assert.are.equal("LENA", hit.speaker) end
      assert.are.equal(#lena, hits:count("speaker")[(function()
        for i, row in ipairs(hits:count("speaker")) do if row[1] == "LENA" then return i end end
      end)()][2])
      assert.are.equal("samtal.Hits", getmetatable(lena).__name)
      assert.are.equal(c:count("nära"), #hits)
      assert.are.equal(0, #hits:filter(function() return false end))
    end)

    it("raises without a function", function()
      local hits = kwic(c, "nära")
      assert.truthy(h.error_of(hits.filter, hits, "LENA"):find("function expected, got string", 1, true))
    end)
  end)

  describe("window()", function()
    it("cuts the context again as a new query with that width would", function()
      local hits = kwic(c, "nära", 6)
      local narrow = hits:window(2)
      local fresh = c:kwic_hits("nära", false, 2, 2)
      assert.are.equal(#fresh, #narrow)
      for i, hit in ipairs(narrow) do
        assert.are.equal(fresh[i].left, hit.left)
        assert.are.equal(fresh[i].right, hit.right)
        assert.are.equal(fresh[i].match, hit.match)
      end
      assert.are.equal(2, narrow.left)
      assert.are.equal(2, narrow.right)
    end)

    it("takes left and right apart, a side left out keeping its width", function()
      local hits = kwic(corpus("LENA: ett två tre fyra fem sex sju\n"), "fyra", 3)
      local w = hits:window { left = 1, right = 0 }
      assert.are.equal("tre ", w[1].left)
      assert.are.equal("", w[1].right)
      w = hits:window { right = 1 }
      assert.are.equal("ett två tre ", w[1].left)
      assert.are.equal(" fem", w[1].right)
    end)

    it("widens the context of a phrase past all its words", function()
      local hits = kwic(c, "det vill säga", 1)
      local wide = hits:window(4)
      local fresh = c:kwic_hits("det vill säga", false, 4, 4)
      assert.truthy(#wide > 0)
      for i, hit in ipairs(wide) do
        assert.are.equal(fresh[i].left, hit.left)
        assert.are.equal(fresh[i].right, hit.right)
      end
    end)

    it("leaves the original hits as they were, and sorts on the new window", function()
      local hits = kwic(corpus("LENA: a b sa\nMAGNUS: b a sa\n"), "sa", 2)
      local narrow = hits:window(1)
      assert.are.equal("a b ", hits[1].left)
      assert.are.equal("b ", narrow[1].left)
      local function turns(hits_)
        local out = {}
        for i, hit in ipairs(hits_) do out[i] = hit.turn end
        return out
      end
      assert.are.same({ 2, 1 }, turns(hits:sort("-L2"))) -- L2: "a" in turn 1, "b" in turn 2
      assert.are.same({ 1, 2 }, turns(narrow:sort("-L2"))) -- no L2 in a window of 1
    end)

    it("raises on a bad width", function()
      local hits = kwic(c, "nära")
      assert.truthy(h.error_of(hits.window, hits, -1):find("window: left must be an integer from 0 to 10000, not -1",
        1, true))
      assert.truthy(h.error_of(hits.window, hits, { rigth = 2 }):find("unknown option 'rigth'", 1, true))
    end)
  end)

  describe("text()", function()
    it("prints every hit as format.concordance does", function()
      local hits = kwic(c, "det")
      local text = tostring(hits)
      assert.are.equal(format.concordance(hits), text)
      local lines = 0
      for _ in text:gmatch("[^\n]+") do lines = lines + 1 end
      assert.are.equal(#hits + 1, lines)
      assert.truthy(text:find(#hits .. " hits$"))
    end)

    it("follows the current sort order", function()
      local sorted = kwic(corpus("LENA: sa b\nMAGNUS: sa a\n"), "sa"):sort("R1")
      local text = tostring(sorted)
      assert.truthy(text:find("%[sa%] a.*%[sa%] b"))
    end)

    it("highlights the match in colour on request, and never in tostring", function()
      local hits = kwic(corpus("LENA: jag sa nej\n"), "sa")
      assert.truthy(hits:text { color = true }:find("jag \27[1;31msa\27[0m nej", 1, true))
      assert.is_nil(tostring(hits):find("\27", 1, true))
    end)

    it("adds a time column when the turns carry times", function()
      local hits = kwic(corpus("Speaker 0: 00:01:02\nhej där\n\nSpeaker 1: 01:02:03\nhej igen\n"), "hej")
      local lines = {}
      for line in tostring(hits):gmatch("[^\n]+") do lines[#lines + 1] = line end
      assert.truthy(lines[1]:find("0:01:02  Speaker 0  [hej] där", 1, true))
      assert.truthy(lines[2]:find("1:02:03  Speaker 1  [hej] igen", 1, true))
    end)
  end)

  describe("csv()", function()
    it("parses back to the same fields, quotes, commas and line breaks included", function()
      local c2 = corpus('LENA: han sa "hej, du" och gick\nvidare sa hon\nMAGNUS: ja\n')
      for _, q in ipairs { '" hej ,', "sa", "gick" } do
        local hits = kwic(c2, q)
        local records = read_csv(hits:csv())
        assert.are.same({ "doc", "speaker", "turn", "line", "column", "offset", "length", "start", "stop",
          "left", "match", "right" }, records[1])
        assert.are.equal(#hits + 1, #records)
        for i, hit in ipairs(hits) do
          local r = records[i + 1]
          assert.are.same({ hit.doc, hit.speaker, tostring(hit.turn), tostring(hit.line), tostring(hit.column),
            tostring(hit.offset), tostring(hit.length), "", "", hit.left, hit.match, hit.right }, r)
        end
      end
      assert.are.equal('"hej,', kwic(c2, '" hej ,')[1].match)
    end)

    it("writes a file when given a path", function()
      local hits = kwic(c, "nära")
      local path = h.tempfile("", ".csv")
      assert.are.equal(path, hits:csv(path))
      assert.are.equal(hits:csv(), h.read(path))
    end)
  end)

  describe("tsv()", function()
    it("writes one line per hit, tabs and line breaks escaped", function()
      local hits = kwic(corpus("LENA: ett\ttvå sa tre\nfyra\n"), "sa")
      local text = hits:tsv()
      local lines = {}
      for line in text:gmatch("([^\n]*)\n") do lines[#lines + 1] = line end
      assert.are.equal(2, #lines)
      local fields = {}
      for f in (lines[2] .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
      assert.are.equal(12, #fields)
      assert.are.equal("ett\\ttvå ", fields[10])
      assert.are.equal("sa", fields[11])
      assert.are.equal(" tre\\nfyra", fields[12])
    end)
  end)

  describe("json()", function()
    it("round-trips every field of every hit, null for a missing speaker or time", function()
      local c2 = corpus('LENA: han sa "hej\\du" och\tgick\nvidare sa hon\n')
      local hits = kwic(c2, "sa")
      local decoded = decode_json(hits:json())
      assert.are.equal(#hits, #decoded)
      for i, hit in ipairs(hits) do
        for _, k in ipairs { "doc", "path", "speaker", "turn", "turn_id", "line", "column", "offset", "length",
          "position", "sentence", "left", "match", "right" } do
          assert.are.equal(hit[k], decoded[i][k])
        end
        assert.is_nil(decoded[i].start)
      end
      assert.truthy(hits:json():find('\\u0009gick', 1, true))
      local timed = decode_json(kwic(corpus("Speaker 0: 00:01:02\nhej där\n"), "hej"):json())
      assert.are.equal(62, timed[1].start)
    end)

    it("passes UTF-8 through and decodes on the real corpus", function()
      local hits = kwic(c, "nära")
      local text = hits:json()
      assert.truthy(text:find('"match":"nära"', 1, true))
      local decoded = decode_json(text)
      assert.are.equal(#hits, #decoded)
      assert.are.equal(hits[#hits].right, decoded[#hits].right)
    end)
  end)

  describe("html()", function()
    local tricky = 'LENA: skriv <b>fet</b> & "citat" sa hon\nMAGNUS: ja <i> sa han\n'

    it("contains every hit, HTML-escaped", function()
      local hits = kwic(corpus(tricky), "sa")
      local page = hits:html()
      local function esc(s)
        return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"):gsub('"', "&quot;"):gsub("'", "&#39;"))
      end
      for _, hit in ipairs(hits) do
        assert.truthy(page:find(">" .. esc(hit.left) .. "</td>", 1, true))
        assert.truthy(page:find(">" .. esc(hit.right) .. "</td>", 1, true))
      end
      assert.truthy(page:find("skriv &lt;b&gt;fet&lt;/b&gt; &amp; &quot;citat&quot;", 1, true))
      assert.is_nil(page:find("<b>", 1, true))
      assert.is_nil(page:find("<i>", 1, true))
      local rows = 0
      for _ in page:gmatch("<tr><td") do rows = rows + 1 end
      assert.are.equal(#hits, rows)
    end)

    it("is one self-contained page: UTF-8, language, inline style and sorting script", function()
      local page = kwic(c, "nära"):html()
      assert.truthy(page:find('^<!DOCTYPE html>\n<html lang="sv">'))
      assert.truthy(page:find('<meta charset="utf-8">', 1, true))
      assert.truthy(page:find("<style>", 1, true))
      assert.truthy(page:find("<script>", 1, true))
      assert.truthy(page:find('addEventListener("click"', 1, true))
      assert.is_nil(page:find("<link", 1, true))
      assert.is_nil(page:find("src=", 1, true))
      local rows = 0
      for _ in page:gmatch("<tr><td") do rows = rows + 1 end
      assert.are.equal(c:count("nära"), rows)
    end)

    it("gives the left context the nearest word first as its sort key", function()
      local page = kwic(corpus("LENA: Ett, Två sa\n"), "sa"):html()
      assert.truthy(page:find('class="l" data-k="två ett"', 1, true))
    end)

    it("writes the file and returns its path, or raises naming the path", function()
      local hits = kwic(c, "nära")
      local path = h.tempfile("", ".html")
      assert.are.equal(path, hits:html(path))
      assert.are.equal(hits:html(), h.read(path))
      local bad = "/nonexistent-dir/konkordans.html"
      assert.truthy(h.error_of(hits.html, hits, bad):find("html: cannot write " .. bad, 1, true))
    end)
  end)
  describe("a concordance from c:kwic (lazy)", function()
    it("builds a hit table only when it is read, and then keeps it", function()
      local one = samtal.open(h.seed_inline)
      local hits = one:kwic("nära")
      assert.is_true(#hits > 20)
      assert.are.equal(0, rawlen(hits)) -- counted, none built
      local fifth = hits[5] -- builds the first block of 64 (here every hit)
      assert.are.equal(fifth, rawget(hits, 5))
      assert.are.equal(fifth, hits[5])
      assert.are.equal("table", type(rawget(hits, 4)))
      assert.is_nil(hits[#hits + 1])
      assert.is_nil(hits[0])
    end)

    it("gives the same hits, and the same results of every method, as one built whole", function()
      local two = samtal.open { h.seed_inline, h.seed_blocks }
      local lazy, whole = two:kwic("nära"), kwic(two, "nära")
      assert.are.equal(#whole, #lazy)
      local n = 0
      for i, hit in ipairs(lazy) do
        assert.are.same(whole[i], hit)
        n = n + 1
      end
      assert.are.equal(#whole, n)
      local function same(f) assert.are.same(f(whole), f(two:kwic("nära"))) end
      same(function(x) return positions(x:sort("R1", "L1")) end)
      same(function(x) return positions(x:sample(7, 42)) end)
      same(function(x) return positions(x:filter(function(hit) return hit.speaker == "LENA" end)) end)
      same(function(x) return firsts(x:window(2)) end)
      same(function(x) return x:text() end)
      same(function(x) return x:csv() end)
      same(function(x) return x:json() end)
      same(function(x) return tostring(x:count("R1")) end)
      same(function(x) return tostring(x) end)
    end)

    it("reports a closed corpus when a hit is first read after closing it", function()
      local one = samtal.open("corpus")
      local hits = one:kwic("och")
      assert.is_true(#hits > 64 * 2)
      local first = hits[1] -- builds hits 1 to 64, a block
      assert.are.equal("table", type(rawget(hits, 64)))
      assert.is_nil(rawget(hits, 65))
      one:close()
      assert.are.equal(first, hits[1]) -- built before: still there
      assert.are.equal("table", type(hits[64]))
      assert.truthy(h.error_of(function() return hits[65] end):find("closed", 1, true))
    end)

    it("builds the block of 64 hits a read hit is in, once, and keeps the tables it gave out", function()
      local c2 = samtal.open("corpus")
      local hits = c2:kwic("och")
      assert.is_true(#hits > 200)
      local h70 = hits[70]
      assert.is_nil(rawget(hits, 64))
      assert.are.equal("table", type(rawget(hits, 65)))
      assert.are.equal("table", type(rawget(hits, 128)))
      assert.is_nil(rawget(hits, 129))
      local h65 = rawget(hits, 65)
      assert.are.equal(h65, hits[65])
      local _ = hits[1] -- another block: those built stay as they were
      assert.are.equal(h70, hits[70])
      assert.are.equal(h65, hits[65])
      -- the last block is short: it ends at the last hit
      local last = hits[#hits]
      assert.are.equal(c2:positions("och")[#hits][1], last.position)
      assert.is_nil(rawget(hits, #hits + 1))
      -- every hit as c:kwic builds it without laziness (a speaker filter builds the whole list)
      local sp = hits[1].speaker
      local whole = c2:kwic("och", { speaker = sp })
      local k = 0
      for _, hit in ipairs(hits) do
        if hit.speaker == sp then
          k = k + 1
          assert.are.same(whole[k], hit)
        end
      end
      assert.are.equal(#whole, k)
    end)
  end)
end)
