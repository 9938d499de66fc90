-- Counting and concordances: words and phrases, case, context, turn edges, output.
local samtal = require "samtal"
local h = require "helpers"

describe("samtal", function()
  after_each(h.cleanup)
  local c = samtal.open("corpus")

  describe("count()", function()
    it("counts a word case-insensitively, as often as it stands in the speech", function()
      -- every "tillgänglighet" in the seeds stands in speech, so a plain count of the raw
      -- files (whole words, any case) is the truth here
      local raw = 0
      for _, p in ipairs { h.seed_inline, h.seed_blocks } do
        local text = h.read(p):lower()
        for _ in text:gmatch("%f[%wåäö]tillgänglighet%f[^%wåäö]") do raw = raw + 1 end
      end
      assert.are.equal(raw, c:count("tillgänglighet"))
      assert.are.equal(c:count("tillgänglighet"), c:count("TILLGÄNGLIGHET"))
    end)

    it("matches exactly with {case = true}", function()
      local all, upper = c:count("nära"), c:count("Nära", { case = true })
      assert.truthy(upper > 0 and upper < all)
      assert.are.equal(all, c:count("nära", { case = true }) + upper + c:count("NÄRA", { case = true }))
    end)

    it("counts phrases, never across turns", function()
      local c2 = samtal.open(h.tempfile("ANNA: vi ses\nBO: ses vi?\nANNA: vi ses!\n"))
      assert.are.equal(2, c2:count("vi ses"))
      assert.are.equal(1, c2:count("ses vi"))
      assert.are.equal(0, c2:count("ses ses"))
      assert.are.equal(1, c2:count("vi ses !"))
    end)

    it("gives 0 for a word the corpus does not have", function()
      assert.are.equal(0, c:count("blåbärssoppa"))
      assert.are.equal(0, c:count("nära blåbärssoppa"))
    end)

    it("raises on an empty query and on wrong arguments", function()
      assert.are.equal("query syntax error at column 1: empty query\n     \n  ^", h.error_of(c.count, c, "   "))
      assert.has_error(function() c:count(42) end,
        "bad argument #1 to 'count' (query string, function or LPeg pattern expected, got number)")
      assert.has_error(function() c:count("x", { cas = true }) end, "count: unknown option 'cas' (known: case)")
      assert.are.equal("query syntax error at column 4: invalid UTF-8 (byte 0xC3)\n  caf\xC3\n     ^",
        h.error_of(c.count, c, "caf\xC3"))
    end)
  end)

  describe("kwic()", function()
    it("gives doc, speaker, turn, left, match and right for each hit, in corpus order", function()
      local hits = c:kwic("tillgänglighet", { width = 3 })
      assert.are.equal(c:count("tillgänglighet"), #hits)
      local first = hits[1]
      assert.are.equal("000_e744d110473e4ebd.txt", first.doc)
      assert.are.equal("MAGNUS", first.speaker)
      assert.are.equal("tillgänglighet", first.match)
      assert.are.equal("väldigt mycket om ", first.left)
      assert.are.equal(", vi pratar om", first.right)
      for i = 2, #hits do assert.truthy(hits[i].position > hits[i - 1].position) end
    end)

    it("clips the context at the edges of the turn", function()
      local c2 = samtal.open(h.tempfile("ANNA: ett två tre\nBO: fyra fem\n"))
      local hit = c2:kwic("ett", { width = 5 })[1]
      assert.are.equal("", hit.left)
      assert.are.equal(" två tre", hit.right)
      hit = c2:kwic("fyra", { left = 5, right = 0 })[1]
      assert.are.equal("", hit.left)
      assert.are.equal("", hit.right)
      assert.are.equal("BO", hit.speaker)
    end)

    it("cuts the context by characters, and clips it at the sentence on request", function()
      local c2 = samtal.open(h.tempfile("ANNA: Första meningen här. Sedan kommer ordet mitt i en mening. Och sist en till.\n"))
      local hit = c2:kwic("ordet", { chars = 10 })[1]
      assert.are.equal("an kommer ", hit.left)
      assert.are.equal(" mitt i en", hit.right)
      hit = c2:kwic("ordet", { width = 20, clip = "sentence" })[1]
      assert.are.equal("Sedan kommer ", hit.left)
      assert.are.equal(" mitt i en mening.", hit.right)
      hit = c2:kwic("ordet", { chars = 100, clip = "sentence" })[1]
      assert.are.equal("Sedan kommer ", hit.left)
      assert.has_error(function() c2:kwic("ordet", { clip = "page" }) end, 'kwic: clip must be "turn" or "sentence", not page')
    end)

    it("takes a Lua function or an LPeg pattern as the query, applied to each form", function()
      local lpeg = require "lpeg"
      local long = c:kwic(function(form) return utf8.len(form) > 20 end)
      assert.truthy(#long > 0)
      for _, hit in ipairs(long) do assert.truthy(utf8.len(hit.match) > 20) end
      local n = c:count(lpeg.P("tillgänglig") * lpeg.P(1) ^ 0)
      assert.truthy(n > 0)
      assert.are.equal(c:count("tillgänglig*", { case = true }), n) -- forms as written: lower case only
    end)

    it("filters by speaker", function()
      local hits = c:kwic("nära", { speaker = "LENA" })
      assert.truthy(#hits > 0)
      for _, hit in ipairs(hits) do assert.are.equal("LENA", hit.speaker) end
    end)

    it("returns an empty result, not nil, when nothing matches", function()
      local hits = c:kwic("blåbärssoppa")
      assert.are.equal(0, #hits)
      assert.are.equal('no hits for "blåbärssoppa"', tostring(hits))
    end)

    it("prints an aligned concordance with the match column lined up", function()
      local text = tostring(c:kwic("nära vård", { width = 4 }))
      local cols = {}
      local lines = {}
      for line in text:gmatch("[^\n]+") do lines[#lines + 1] = line end
      assert.are.equal(c:count("nära vård") .. " hits", lines[#lines])
      for i = 1, #lines - 1 do
        local before = lines[i]:match("^(.-)%[")
        cols[#cols + 1] = utf8.len(before)
      end
      for i = 2, #cols do assert.are.equal(cols[1], cols[i]) end
    end)

    it("raises on bad options", function()
      assert.has_error(function() c:kwic("nära", { width = -1 }) end, "kwic: width must be a non-negative integer, not -1")
      assert.has_error(function() c:kwic("nära", { widht = 3 }) end,
        "kwic: unknown option 'widht' (known: case, chars, clip, left, meta, right, speaker, width)")
      assert.has_error(function() c:kwic() end,
        "bad argument #1 to 'kwic' (query string, function or LPeg pattern expected, got nil)")
    end)
  end)

  describe("a closed corpus", function()
    it("refuses every method with a clear message", function()
      local c2 = samtal.open(h.seed_blocks)
      c2:close()
      c2:close() -- closing twice is fine
      assert.has_error(function() c2:count("x") end, "attempt to use a closed samtal.Corpus")
      assert.has_error(function() c2:documents() end, "attempt to use a closed samtal.Corpus")
    end)

    it("closes at the end of a to-be-closed block", function()
      local outer
      do
        local c2 <close> = samtal.open(h.seed_blocks)
        outer = c2
        assert.truthy(c2:count("nära") > 0)
      end
      assert.has_error(function() outer:count("x") end, "attempt to use a closed samtal.Corpus")
    end)
  end)

  describe("lifetimes", function()
    it("keeps the corpus alive while an iterator over it lives", function()
      local iter = samtal.open(h.seed_blocks):turns { speaker = "Speaker 3" }
      collectgarbage()
      collectgarbage()
      local t = iter()
      assert.are.equal("Speaker 3", t.speaker)
    end)

    it("gives results that need no corpus: plain strings and numbers", function()
      local hits = samtal.open(h.seed_blocks):kwic("nära")
      collectgarbage()
      collectgarbage()
      assert.truthy(#hits > 0 and type(hits[1].left) == "string")
      assert.truthy(tostring(hits):find("nära", 1, true))
    end)
  end)
end)
