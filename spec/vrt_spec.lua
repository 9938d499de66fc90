-- VRT (CWB's verticalised text, from Sparv or Korp): tokens as given, positional attributes
-- queryable by name as in CQP.
local samtal = require "samtal"
local h = require "helpers"

local VRT = table.concat({
  "<!-- #vrt positional-attributes: word pos lemma -->",
  '<text id="t1" title="Ett samtal">',
  '<u who="ANNA" start="1.5">',
  "<s>",
  "Vi\tPN\tvi",
  "behöver\tVB\tbehöva",
  "nära\tJJ\tnära",
  "vård\tNN\tvård",
  ".\tMAD\t.",
  "</s>",
  "<s>",
  "t.ex.\tAB\tt.ex.",
  "</s>",
  "</u>",
  '<u who="BO">',
  "<s>",
  "Vården\tNN\tvård",
  "är\tVB\tvara",
  "A&amp;O\tNN\tA&amp;O",
  "</s>",
  "</u>",
  "</text>",
  "",
}, "\n")

describe("samtal", function()
  after_each(h.cleanup)

  describe("open() of a VRT file", function()
    it("reads turns, speakers, start times and the title from the structure", function()
      local c = samtal.open(h.tempfile(VRT, ".vrt"))
      local turns = {}
      for t in c:turns() do turns[#turns + 1] = t end
      assert.are.equal(2, #turns)
      assert.are.same({ "ANNA", 1.5, "Vi behöver nära vård . t.ex." }, { turns[1].speaker, turns[1].start, turns[1].text })
      assert.are.same({ "BO", "Vården är A&O" }, { turns[2].speaker, turns[2].text })
      assert.are.equal("Ett samtal", c:documents()[1].title)
    end)

    it("keeps the tokens as given, one per line, not re-tokenised", function()
      local c = samtal.open(h.tempfile(VRT, ".vrt"))
      assert.are.equal(9, c:stats().tokens)
      assert.are.equal("t.ex.", c:token(6).form)
      assert.are.equal("A&O", c:token(9).form)
      -- sentences come from <s>
      assert.are.same({ 1, 1, 2, 3 }, { c:token(1).sentence, c:token(5).sentence, c:token(6).sentence, c:token(7).sentence })
    end)

    it("points every token at its line and bytes in the source file", function()
      local path = h.tempfile(VRT, ".vrt")
      local c = samtal.open(path)
      local src = h.read(path)
      local lines = {}
      for l in (src):gmatch("([^\n]*)\n") do lines[#lines + 1] = l end
      for i = 1, c:stats().tokens do
        local t = c:token(i)
        assert.are.equal(lines[t.line]:match("^[^\t]*"), src:sub(t.offset + 1, t.offset + t.length))
      end
    end)

    it("makes each positional attribute queryable by name, as in CQP", function()
      local c = samtal.open(h.tempfile(VRT, ".vrt"))
      assert.are.same({ "pos", "lemma" }, c:attributes())
      assert.are.equal(2, c:count('[lemma="vård" & pos="NN"]'))
      assert.are.equal(1, c:count('[pos="VB"] [pos="JJ"] [lemma="vård"]'))
      assert.are.equal(2, c:count('[pos="V.*"]'))
      assert.are.equal(1, c:count("nära vård"))
      assert.are.equal(
        [[query "[msd=\"x\"]": unknown attribute 'msd' (this corpus has word, lower, kind, speaker, doc, path, title, event, pos, lemma)]],
        h.error_of(c.count, c, '[msd="x"]'))
    end)

    it("names the columns from the attributes option when the file does not", function()
      local plain = VRT:gsub("^[^\n]*\n", "")
      local c = samtal.open(h.tempfile(plain, ".vrt"), { attributes = { "pos", "lemma" } })
      assert.are.equal(2, c:count('[lemma="vård"]'))
      c = samtal.open(h.tempfile(plain, ".vrt"))
      assert.are.same({ "p2", "p3" }, c:attributes())
      assert.are.equal(2, c:count('[p3="vård"]'))
    end)

    it("gives tokens of plain-text documents no attribute value", function()
      local c = samtal.open({ h.tempfile(VRT, ".vrt"), h.tempfile("ANNA: nära vård\n") })
      assert.are.equal(2, c:count("nära vård"))
      assert.are.equal(1, c:count('[pos="JJ"] vård'))
      assert.are.equal(2, c:count('[lemma="vård"]'))
    end)

    it("raises on a VRT file without tokens", function()
      local p = h.tempfile('<text id="x">\n</text>\n', ".vrt")
      assert.are.equal(p .. ": a VRT file without any token line", h.error_of(samtal.open, p))
    end)

    it("saves the attributes with the corpus: the saved corpus answers alike", function()
      local named = VRT:gsub("^[^\n]*\n", "<!-- #vrt positional-attributes: word pos lemma msd -->\n")
        :gsub("\nVi\tPN\tvi\n", "\nVi\tPN\tvi\tPN.UTR.SIN.DEF.SUB\n")
      local c = samtal.open({ h.tempfile(named, ".vrt"), h.tempfile("ANNA: nära vård\n"), h.tempfile(VRT, ".vrt") })
      local out = h.tempfile("", ".samtal")
      c:save(out)
      local d = samtal.open(out)
      assert.are.same({ "pos", "lemma", "msd" }, d:attributes())
      assert.are.equal(c:fingerprint(), d:fingerprint())
      for _, q in ipairs { '[lemma="vård" & pos="NN"]', '[pos="VB"] [pos="JJ"] [lemma="vård"]', '[pos="V.*"]',
        '[pos="JJ"] vård', '[msd="PN.*"]', '[msd=""]', '[lemma="A&O"]', "nära vård" } do
        assert.are.equal(c:count(q), d:count(q), q)
      end
      assert.are.same({ 4, 2, 1 }, { d:count('[lemma="vård" & pos="NN"]'), d:count("nära vård") - 1,
        d:count('[msd="PN.*"]') })
      assert.is_true(d:verify())
      -- and saved again from the mapped corpus
      local again = h.tempfile("", ".samtal")
      d:save(again)
      assert.are.equal(h.read(out), h.read(again))
    end)
  end)
end)
