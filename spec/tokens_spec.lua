-- Tokenising: UAX #29 segments and sentences, token kinds, case folding.
local samtal = require "samtal"
local h = require "helpers"

describe("samtal", function()
  after_each(h.cleanup)

  describe("segment()", function()
    it("splits as UAX #29 does, all segments in order", function()
      assert.are.same({ "SKR:s", " ", "vi", "-", "känsla", ",", " ", "3.14", "!" },
        { table.unpack(samtal.segment("SKR:s vi-känsla, 3.14!")) })
    end)

    it("returns pieces whose concatenation is the input, unchanged", function()
      for _, s in ipairs { "", "a", "  två  mellanslag ", "e\u{301}n", "Hur kom ni på det?\n\nDet.", "\xFF" } do
        assert.are.equal(s, table.concat(samtal.segment(s)))
        assert.are.equal(s, table.concat(samtal.sentences(s)))
      end
    end)

    it("keeps hyphenated compounds together with {hyphens = true}", function()
      assert.are.same({ "vi-känsla", " ", "och", " ", "1800-talet" },
        { table.unpack(samtal.segment("vi-känsla och 1800-talet", { hyphens = true })) })
    end)

    it("prints as a list", function()
      assert.are.equal('{"a", " ", "b"}', tostring(samtal.segment("a b")))
    end)

    it("raises on a wrong argument", function()
      assert.has_error(function() samtal.segment(nil) end, "bad argument #1 to 'segment' (string expected, got nil)")
      assert.has_error(function() samtal.segment("x", { hyphen = true }) end,
        "segment: unknown option 'hyphen' (known: hyphens)")
    end)
  end)

  describe("sentences()", function()
    it("splits sentences as UAX #29 does", function()
      assert.are.same({ "Hur kom ni på det? ", "Det kom som ett förslag." },
        { table.unpack(samtal.sentences("Hur kom ni på det? Det kom som ett förslag.")) })
    end)
  end)

  describe("tokens", function()
    it("know their form, folded form, kind and sentence", function()
      local c = samtal.open(h.tempfile("ANNA: ÅNGSTRÖM sa 3,5 gånger: SKR:s! Ja.\n"))
      local got = {}
      for i = 1, c:stats().tokens do
        local t = c:token(i)
        got[i] = { t.form, t.folded, t.kind, t.sentence }
      end
      assert.are.same({
        { "ÅNGSTRÖM", "ångström", "word", 1 }, { "sa", "sa", "word", 1 }, { "3,5", "3,5", "number", 1 },
        { "gånger", "gånger", "word", 1 }, { ":", ":", "punctuation", 1 }, { "SKR:s", "skr:s", "word", 1 },
        { "!", "!", "punctuation", 1 }, { "Ja", "ja", "word", 2 }, { ".", ".", "punctuation", 2 },
      }, got)
    end)

    it("leave out markup: link targets and brackets, autolinks, inline HTML tags, code backticks", function()
      local c = samtal.open(h.tempfile("ANNA: Se [Plan 9](https://9p.io/plan9/) och <https://x.se/y> och "
        .. '<a href="https://z">länken</a>, `kod` och ```mer``` don`t <em>så</em>. ![bild](x.png) [skratt] <3\n'))
      local forms = {}
      for t in c:tokens() do forms[#forms + 1] = t.form end
      assert.are.same({ "Se", "Plan", "9", "och", "och", "länken", ",", "kod", "och", "mer", "don", "`", "t", "så", ".",
        "bild", "<", "3" }, forms)
      local t = c:turns()()
      assert.truthy(t.text:find("[Plan 9](https://9p.io/plan9/)", 1, true)) -- the text keeps it
      assert.are.equal("skratt", c:document(1).events[1].name)
      -- on real Markdown transcripts: no URL parts or tag names as words
      for _, p in ipairs { "changelog-en/go-time-100.md", "bitcointranscripts-en/MIDBOM__2017-09-07-merkleized-abstract-syntax-trees.es.md",
        "bitcointranscripts-en/scaling-lightning-panel-lightning++-berlin-2025.md" } do
        local r = samtal.open(h.shared .. p)
        assert.are.equal(0, r:count("https") + r:count("href") + r:count("`"), p)
      end
      local go = samtal.open(h.shared .. "changelog-en/go-time-100.md")
      assert.truthy(h.read(h.shared .. "changelog-en/go-time-100.md"):find("[Plan 9](https://9p.io/plan9/)", 1, true))
      assert.is_true(go:count("plan 9") >= 1)
    end)

    it("leave out time marks, Markdown-escaped ones too, and the backslashes of escaped events", function()
      local c = samtal.open(h.tempfile("ANNA: hej \\[04:22\\] där \\[skratt\\] och (01:02) [00:12:34] så \\[1:2\\].\n"))
      local got = {}
      for tok in c:tokens() do got[#got + 1] = tok.form end
      -- "\[1:2\]" has too few digits for a time mark: its brackets are words' neighbours
      assert.are.equal("hej där och så [ 1 : 2 ] .", table.concat(got, " "))
    end)

    it("never cross a turn into one sentence", function()
      local c = samtal.open(h.tempfile("ANNA: utan punkt\nBO: ny mening\n"))
      assert.are_not.equal(c:token(2).sentence, c:token(3).sentence)
      assert.are.same({ 1, 2 }, { c:token(2).turn, c:token(3).turn })
    end)

    it("keep a sentence whole across a page break", function()
      local c = samtal.open(h.seed_inline)
      local hit = c:kwic("det vill säga")[1]
      local hit2 = c:kwic("säga")
      for _, x in ipairs(hit2) do
        if x.position == hit.position + 2 then assert.are.equal(hit.sentence, x.sentence) end
      end
    end)
  end)

  describe("token()", function()
    it("points at the token's bytes in the source file", function()
      local src = "\xEF\xBB\xBFANNA: Hej\r\n\r\nBO: Ha\u{30A}r du *tid*?\r\n"
      local c = samtal.open(h.tempfile(src))
      for i = 1, c:stats().tokens do
        local t = c:token(i)
        local bytes = src:sub(t.offset + 1, t.offset + t.length)
        assert.are.equal(t.folded, samtal.fold(bytes))
      end
      assert.are.equal(3, c:token(2).line)
      assert.has_error(function() c:token(0) end)
    end)
  end)

  describe("fold()", function()
    it("case folds with Unicode rules and NFC", function()
      assert.are.equal("ångström", samtal.fold("ÅNGSTRÖM"))
      assert.are.equal("strasse", samtal.fold("STRAßE"))
      assert.are.equal("å", samtal.fold("A\u{30A}"))
    end)

    -- Forms of ASCII and U+00C0..U+00FF alone are folded without utf8proc (src/corpus.c
    -- fold_latin1); each rule of that path, and where it must hand over to utf8proc.
    it("folds ASCII and Latin-1 letters as Unicode does, and hands every other string on", function()
      assert.are.equal("azaz09 -_[]", samtal.fold("AZaz09 -_[]"))
      assert.are.equal("àáâãäåæçèéêëìíîïðñòóôõö", samtal.fold("ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖ"))
      assert.are.equal("×øùúûüýþ", samtal.fold("×ØÙÚÛÜÝÞ")) -- U+00D7 is no letter
      assert.are.equal("ss", samtal.fold("ß"))
      assert.are.equal("ßss", "ß" .. samtal.fold("ß")) -- the same length, two bytes for two
      assert.are.equal("÷ÿ", samtal.fold("÷ÿ")) -- lower case and signs stay
      assert.are.equal("\u{3BC}", samtal.fold("\u{B5}")) -- micro sign: utf8proc's path
      assert.are.equal("ÿ", samtal.fold("\u{178}")) -- Ÿ: outside U+00C0..U+00FF
      assert.are.equal("'\"", samtal.fold("\u{B4}\u{AB}")) -- typography: utf8proc's path
      assert.are.equal("ä", samtal.fold("A\u{308}")) -- a combining mark composes
      assert.matches("invalid UTF%-8", h.error_of(samtal.fold, "ab\xC3"))
      assert.matches("invalid UTF%-8", h.error_of(samtal.fold, "\xC3("))
    end)
  end)
end)
