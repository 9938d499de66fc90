-- Speaker aliases and merged turns: c:alias corpus-wide and per document, against turn counts read
-- from the files themselves; every place a speaker shows (speakers, filters, statistics, kwic,
-- quotes, export, queries); errors; aliases saved with the corpus and applied on reopen; a saved
-- corpus of format 3 still read; merge_turns with source offsets checked against the bytes.
local samtal = require "samtal"
local h = require "helpers"

local SEED = "corpus/001_49eaf7069c1bee78.txt" -- labels "Speaker 1:" .. "Speaker 3:", each on its own line

--- The labels of the seed's turns in order, read from its lines (independent of samtal).
local function seed_labels()
  local labels = {}
  for line in io.lines(SEED) do
    local label = line:match("^(Speaker %d):")
    if label then labels[#labels + 1] = label end
  end
  return labels
end

local function tally(list)
  local n = {}
  for _, v in ipairs(list) do n[v] = (n[v] or 0) + 1 end
  return n
end

local function names(c)
  local out = {}
  for _, s in ipairs(c:speakers()) do out[#out + 1] = s.name end
  return out
end

local function open_text(text, opts)
  return samtal.open(h.tempfile(text), opts)
end

local TWO = "ANNA: hej på dig\n\nBO: hej hej\n\nANNA: och så vidare\n\nCECILIA: tack så mycket\n"

describe("speaker aliases", function()
  describe("alias() corpus-wide", function()
    it("renames a label everywhere, with turn counts as the file has them", function()
      local want = tally(seed_labels())
      assert.are.same({ ["Speaker 1"] = 53, ["Speaker 2"] = 23, ["Speaker 3"] = 41 }, want)
      local c = samtal.open(SEED)
      c:alias { ["Speaker 1"] = "Lisbeth Löpare Johansson" }
      assert.are.same({ "Lisbeth Löpare Johansson", "Speaker 2", "Speaker 3" }, names(c))
      local s = c:speakers()[1]
      assert.are.equal(want["Speaker 1"], s.turns)
      assert.are.same({ "Speaker 1" }, s.labels)
      assert.are.same({ "001_49eaf7069c1bee78.txt" }, s.documents)
      local n = 0
      for t in c:turns { speaker = "Lisbeth Löpare Johansson" } do
        n = n + 1
        assert.are.equal("Speaker 1", t.label)
        assert.are.equal("Lisbeth Löpare Johansson", t.speaker)
      end
      assert.are.equal(want["Speaker 1"], n)
    end)

    it("makes two labels given one name one speaker", function()
      local want = tally(seed_labels())
      local c = samtal.open(SEED)
      local before = {}
      for _, s in ipairs(c:speakers()) do before[s.name] = s end
      c:alias { ["Speaker 2"] = "Gäst", ["Speaker 3"] = "Gäst" }
      assert.are.same({ "Speaker 1", "Gäst" }, names(c))
      assert.are.equal(2, c:stats().speakers)
      local g = c:speakers()[2]
      assert.are.equal(want["Speaker 2"] + want["Speaker 3"], g.turns)
      assert.are.equal(before["Speaker 2"].tokens + before["Speaker 3"].tokens, g.tokens)
      assert.are.same({ "Speaker 2", "Speaker 3" }, g.labels)
      local talk = c:talk()
      local rows = {}
      for _, r in ipairs(talk) do rows[r.speaker] = r end
      assert.are.equal(g.turns, rows["Gäst"].turns)
      assert.are.equal(g.tokens, rows["Gäst"].words)
      assert.is_nil(rows["Speaker 2"])
    end)

    it("is what every filter, statistic, concordance and query sees", function()
      local c = samtal.open("corpus")
      local lena = c:count('nära @speaker = "LENA"')
      local magnus = c:count('nära @speaker = "MAGNUS"')
      local freq_lena = c:freq { speaker = "LENA" }
      c:alias { LENA = "Lena", MAGNUS = "Lena" }
      assert.are.equal(lena + magnus, c:count('nära @speaker = "Lena"'))
      assert.are.equal(lena + magnus, c:count('[speaker = "Lena" & lower = "nära"]'))
      local hits = c:kwic("nära", { speaker = "Lena" })
      assert.are.equal(lena + magnus, #hits)
      for _, hit in ipairs(hits) do
        assert.are.equal("Lena", hit.speaker)
        assert.is_true(hit.label == "LENA" or hit.label == "MAGNUS")
      end
      assert.are.same({ "Lena", lena + magnus }, { hits:count("speaker")[1][1], hits:count("speaker")[1][2] })
      -- a label that was aliased away is no speaker any more
      assert.has_error(function() c:freq { speaker = "LENA" } end)
      local by = {}
      for _, r in ipairs(c:freq { group = "speaker" }) do by[r.speaker] = true end
      assert.is_true(by.Lena)
      assert.is_nil(by.LENA)
      local kw = c:keywords { target = { speaker = "Lena" } }
      assert.is_true(#kw > 0)
      assert.is_true(#freq_lena > 0)
    end)

    it("attributes quotes to the new name and keeps the label", function()
      local c = samtal.open(SEED)
      c:alias { ["Speaker 1"] = "Lisbeth Löpare Johansson" }
      local qs = c:quotes { speaker = "Lisbeth Löpare Johansson", min_words = 6 }
      assert.is_true(#qs > 0)
      local src = h.read(SEED)
      for _, q in ipairs(qs) do
        assert.are.equal("Lisbeth Löpare Johansson", q.speaker)
        assert.are.equal("Speaker 1", q.label)
        -- the quote still points at its bytes
        local bytes = src:sub(q.offset + 1, q.offset + q.length)
        assert.are.equal(q.text:gsub("%s+", " "), bytes:gsub("%s+", " "))
      end
    end)

    it("exports the new name", function()
      local c = samtal.open(SEED)
      c:alias { ["Speaker 2"] = "Gäst Ett" }
      local out = h.tmpname()
      c:export(out, { format = "vrt" })
      local vrt = h.read(out)
      os.remove(out)
      local n = 0
      for _ in vrt:gmatch('<turn speaker="Gäst Ett"') do n = n + 1 end
      assert.are.equal(tally(seed_labels())["Speaker 2"], n)
      assert.is_nil(vrt:find('speaker="Speaker 2"', 1, true))
    end)

    it("lets a later rule for a label replace an earlier one, and lists the rules", function()
      local c = open_text(TWO)
      c:alias { ANNA = "Anna A" }
      c:alias { ANNA = "Anna B", BO = "Bo" }
      assert.are.same({ "Anna B", "Bo", "CECILIA" }, names(c))
      assert.are.same({ { label = "ANNA", name = "Anna B" }, { label = "BO", name = "Bo" } }, c:aliases())
    end)

    it("changes the fingerprint, since it changes who said what", function()
      local c = open_text(TWO)
      local before = c:fingerprint()
      c:alias { BO = "Bo" }
      assert.are_not.equal(before, c:fingerprint())
    end)
  end)

  describe("alias() per document", function()
    local a = "Speaker 1: jag heter Anna\n\nSpeaker 2: och jag heter Bo\n"
    local b = "Speaker 1: jag heter Cecilia\n\nSpeaker 2: jag heter David\n"

    it("names the same label differently in two documents", function()
      local c = samtal.open { h.tempfile(a), h.tempfile(b) }
      local da, db = c:document(1).name, c:document(2).name
      c:alias({ ["Speaker 1"] = "Anna" }, { doc = da })
      c:alias({ ["Speaker 1"] = "Cecilia" }, { doc = 2 })
      assert.are.same({ "Anna", "Speaker 2", "Cecilia" }, names(c))
      assert.are.same({ da }, c:speakers()[1].documents)
      assert.are.equal(1, c:count('Cecilia @speaker = "Cecilia"'))
      assert.are.equal(0, c:count('Anna @speaker = "Cecilia"'))
      assert.is_string(db)
    end)

    it("wins over a corpus-wide rule, whatever the order", function()
      local c = samtal.open { h.tempfile(a), h.tempfile(b) }
      c:alias({ ["Speaker 2"] = "Bo" }, { doc = 1 })
      c:alias { ["Speaker 2"] = "Gäst" }
      assert.are.same({ "Speaker 1", "Bo", "Gäst" }, names(c))
    end)
  end)

  describe("errors", function()
    it("raises on an unknown label, naming it, and changes nothing", function()
      local c = open_text(TWO)
      c:alias { BO = "Bo" }
      assert.are.equal('alias: unknown speaker label "DORIS"', h.error_of(c.alias, c, { ANNA = "Anna", DORIS = "D" }))
      assert.are.same({ "ANNA", "Bo", "CECILIA" }, names(c))
      assert.are.same({ { label = "BO", name = "Bo" } }, c:aliases())
    end)

    it("raises on a label unknown in the document named, or a document not in the corpus", function()
      local c = samtal.open { h.tempfile("ANNA: hej\n"), h.tempfile("BO: hej\n") }
      local d1 = c:document(1).name
      assert.are.equal(('alias: unknown speaker label "BO" in document "%s"'):format(d1),
        h.error_of(c.alias, c, { BO = "Bo" }, { doc = d1 }))
      assert.matches('no document "nope.txt"', h.error_of(c.alias, c, { BO = "Bo" }, { doc = "nope.txt" }), 1, true)
      assert.matches("no document 3", h.error_of(c.alias, c, { BO = "Bo" }, { doc = 3 }), 1, true)
    end)

    it("raises on a name that is not a string, or empty, or a bad argument", function()
      local c = open_text(TWO)
      assert.matches('the name for speaker label "ANNA" must be a string, not number',
        h.error_of(c.alias, c, { ANNA = 3 }), 1, true)
      assert.matches('the name for speaker label "ANNA" must be a string, not boolean',
        h.error_of(c.alias, c, { ANNA = false }), 1, true)
      assert.matches('the name for speaker label "ANNA" is empty', h.error_of(c.alias, c, { ANNA = "" }), 1, true)
      assert.matches("a speaker label must be a string, not number", h.error_of(c.alias, c, { "Anna" }), 1, true)
      assert.matches("table of label = name expected, got string", h.error_of(c.alias, c, "ANNA"), 1, true)
      assert.matches("unknown option 'docs'", h.error_of(c.alias, c, { ANNA = "A" }, { docs = 1 }), 1, true)
      assert.are.same({ "ANNA", "BO", "CECILIA" }, names(c))
    end)

    it("raises at open on an unknown label in the aliases option", function()
      assert.are.equal('alias: unknown speaker label "DORIS"',
        h.error_of(open_text, TWO, { aliases = { DORIS = "D" } }))
    end)
  end)

  describe("saved corpora", function()
    it("keeps the aliases and applies them on reopen; the labels stay", function()
      local c = samtal.open("corpus")
      c:alias { LENA = "Lena", MAGNUS = "Lena" }
      c:alias({ ["Speaker 1"] = "Lisbeth Löpare Johansson" }, { doc = "001_49eaf7069c1bee78.txt" })
      local p = h.tmppath(".samtal")
      c:save(p)
      local d = samtal.open(p)
      assert.are.same(c:aliases(), d:aliases())
      assert.are.same(c:speakers(), d:speakers())
      assert.are.equal(tostring(c:talk()), tostring(d:talk()))
      assert.are.equal(c:count('vård @speaker = "Lena"'), d:count('vård @speaker = "Lena"'))
      assert.are.equal(c:fingerprint(), d:fingerprint())
      local t = d:turn(d:kwic("nära", { speaker = "Lena" })[1].turn_id)
      assert.is_true(t.label == "LENA" or t.label == "MAGNUS")
      -- aliases set on the reopened corpus are saved again with the earlier ones
      d:alias { LISBETH = "Lisbeth" }
      local p2 = h.tmppath(".samtal")
      d:save(p2)
      assert.are.equal(4, #samtal.open(p2):aliases())
      os.remove(p)
      os.remove(p2)
    end)

    it("refuses merge_turns on a saved corpus", function()
      local c = open_text(TWO)
      local p = h.tmppath(".samtal")
      c:save(p)
      assert.matches("merge_turns applies when loading transcripts",
        h.error_of(samtal.open, p, { merge_turns = true }), 1, true)
      local d = samtal.open(p, { aliases = { BO = "Bo" } })
      assert.are.same({ "ANNA", "Bo", "CECILIA" }, names(d))
      os.remove(p)
    end)
  end)

  describe("merge_turns", function()
    it("joins consecutive turns of one speaker after the aliases, as many as the file says", function()
      local labels = seed_labels()
      local function who(l) return (l == "Speaker 2" or l == "Speaker 3") and "Gäst" or l end
      local runs = 0
      for i, l in ipairs(labels) do
        if i == 1 or who(l) ~= who(labels[i - 1]) then runs = runs + 1 end
      end
      assert.is_true(runs < #labels)
      local plain = samtal.open(SEED)
      local c = samtal.open(SEED, { aliases = { ["Speaker 2"] = "Gäst", ["Speaker 3"] = "Gäst" }, merge_turns = true })
      assert.are.equal(#labels, plain:stats().turns)
      assert.are.equal(runs, c:stats().turns)
      assert.are.equal(plain:stats().tokens, c:stats().tokens)
      assert.are.equal(plain:count("vård"), c:count("vård"))
      local g = c:speakers()[2]
      assert.are.equal("Gäst", g.name)
      assert.are.equal(plain:speakers()[2].tokens + plain:speakers()[3].tokens, g.tokens)
    end)

    it("gives a merged turn the source range of both, and its text both texts", function()
      local text = "ANNA: första delen här\n\nBO: andra delen\n\nBERTIL: tredje delen där\n\nANNA: sista\n"
      local p = h.tempfile(text)
      local c = samtal.open(p, { aliases = { BERTIL = "BO" }, merge_turns = true })
      assert.are.equal(3, c:stats().turns)
      local t = c:turn(2)
      assert.are.equal("BO", t.speaker)
      assert.are.equal(2, t.index)
      local a, z = text:find("andra delen", 1, true), select(2, text:find("tredje delen där", 1, true))
      assert.are.equal(a - 1, t.offset)
      assert.are.equal(z - a + 1, t.length)
      assert.are.equal("andra delen\n\ntredje delen där", t.text)
      assert.are.equal("andra delen\n\nBERTIL: tredje delen där", text:sub(t.offset + 1, t.offset + t.length))
      -- a hit in the second part belongs to the merged turn and points at its own bytes
      local hit = c:kwic("tredje")[1]
      assert.are.equal(2, hit.turn)
      assert.are.equal("tredje", text:sub(hit.offset + 1, hit.offset + hit.length))
      assert.are.equal(1, c:count("andra delen tredje"))
      -- the turn after keeps its own number and speaker
      assert.are.equal("ANNA", c:turn(3).speaker)
      assert.are.equal(3, c:turn(3).index)
      -- the label whose only turn was merged away stays known: the rule holds on reopen too
      local saved = h.tmppath(".samtal")
      c:save(saved)
      local d = samtal.open(saved)
      assert.are.same({ "ANNA", "BO" }, names(d))
      assert.are.equal(t.text, d:turn(2).text)
      os.remove(saved)
      local e = samtal.open(p, { aliases = { [c:document(1).name] = { BERTIL = "BO" } }, merge_turns = true })
      assert.are.equal(3, e:stats().turns)
    end)

    it("joins turns of one label, keeping the speakers in order of first turn", function()
      local c = open_text("ANNA: ett\n\nBO: två\n\nBO: tre\n\nANNA: fyra\n", { merge_turns = true })
      assert.are.equal(3, c:stats().turns)
      assert.are.same({ "ANNA", "BO" }, names(c))
      assert.are.equal("två\n\ntre", c:turn(2).text)
    end)

    it("merges nothing when no two consecutive turns share a speaker", function()
      local c = open_text(TWO, { merge_turns = true })
      assert.are.equal(4, c:stats().turns)
    end)

    it("keeps events in the merged turn", function()
      local text = "ANNA: hej [skratt] du\n\nANNA: igen [musik] här\n\nBO: slut\n"
      local c = samtal.open(h.tempfile(text), { merge_turns = true })
      assert.are.equal(2, c:stats().turns)
      local ev = c:document(1).events
      assert.are.equal(2, #ev)
      assert.are.same({ 1, 1 }, { ev[1].turn, ev[2].turn })
      assert.are.equal(1, c:count('[event = "musik"] här'))
    end)

    it("raises on a merge_turns that is not a boolean", function()
      assert.matches("option merge_turns must be true or false",
        h.error_of(open_text, TWO, { merge_turns = "yes" }), 1, true)
    end)
  end)
end)
