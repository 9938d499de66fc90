-- Transcription conventions (samtal.convention): events and token kinds marked by LPeg patterns
-- before tokenising, checked against counts and bytes read from the files themselves; the
-- defaults (the readers' bracketed events) against the marks the corpora use; errors; saved corpora.
local samtal = require "samtal"
local lpeg = require "lpeg"
local h = require "helpers"

local P, R, S = lpeg.P, lpeg.R, lpeg.S
local letter = R("az", "AZ") + P"\195" * R"\128\191" -- ASCII and Latin-1 letters (å, ä, ö)

--- Whole-word occurrences of any of `words` in text, counted with Lua patterns: not preceded
-- or followed by an ASCII letter, digit or a byte of a multi-byte character.
local function count_words(text, words)
  local n = 0
  for _, w in ipairs(words) do
    for pos in text:gmatch("()" .. w:gsub("%p", "%%%0")) do
      local before, after = text:sub(pos - 1, pos - 1), text:sub(pos + #w, pos + #w)
      if not before:find("[%w\128-\255]") and not after:find("[%w\128-\255]") then n = n + 1 end
    end
  end
  return n
end

local function kinds(c)
  local out = {}
  for tok in c:tokens() do out[#out + 1] = tok.form .. "/" .. tok.kind end
  return table.concat(out, " ")
end

describe("samtal.convention", function()
  after_each(function()
    for _, cv in ipairs(samtal.conventions()) do samtal.remove_convention(cv.name) end
  end)

  describe("kind = \"event\"", function()
    local text = "ANNA: jag tycker (ohörbart) att det är bra\n\nBO: ja (ohörbart)\n"

    it("takes the mark out of the words and keeps it as an event, with its bytes", function()
      samtal.convention { name = "unclear", pattern = "(ohörbart)", kind = "event" }
      local p = h.tempfile(text)
      local c = samtal.open(p)
      local events = c:document(1).events
      assert.are.equal(2, #events)
      local src = h.read(p)
      for _, e in ipairs(events) do
        assert.are.equal("(ohörbart)", e.text)
        assert.are.equal("ohörbart", e.name)
        assert.are.equal("(ohörbart)", src:sub(e.offset + 1, e.offset + #"(ohörbart)"))
      end
      assert.are.same({ 1, 2 }, { events[1].turn, events[2].turn })
      assert.are.equal(0, c:count("ohörbart"))
      assert.are.equal(1, c:count('[event = "ohörbart"] att'))
      assert.are.equal(1, c:count('[kind = "event"] att'))
      -- words: the file's words less the marks, counted from the text
      local words = 0
      for line in io.lines(p) do
        for w in line:gsub("^%u+:", ""):gsub("%(ohörbart%)", ""):gmatch("%S+") do words = words + (w and 1) end
      end
      assert.are.equal(words, c:document(1).words)
      assert.are.equal("jag/word tycker/word att/word det/word är/word bra/word ja/word", kinds(c))
    end)

    it("leaves the readers' own events as they are, and does not mark inside them", function()
      samtal.convention { name = "laughter", pattern = "skratt", kind = "event" }
      local c = samtal.open(h.tempfile("ANNA: hej [skratt] du skratt igen\n"))
      local events = c:document(1).events
      assert.are.same({ "[skratt]", "skratt" }, { events[1].text, events[2].text })
      assert.are.same({ "skratt", "skratt" }, { events[1].name, events[2].name })
      assert.are.equal(1, c:count('[event = "skratt"] du'))
      assert.are.equal(1, c:count('[event = "skratt"] igen'))
      assert.are.equal(0, c:count("skratt"))
    end)

    it("loads without them with conventions = false", function()
      samtal.convention { name = "unclear", pattern = "(ohörbart)", kind = "event" }
      local c = samtal.open(h.tempfile(text), { conventions = false })
      assert.are.equal(0, #c:document(1).events)
      assert.are.equal(2, c:count("ohörbart"))
    end)
  end)

  describe("token kinds", function()
    it("tags hesitations on word boundaries, leaves them out of the words, keeps them searchable", function()
      samtal.convention { name = "hesitation", pattern = P"ehm" + "eh" + "öh", kind = "hesitation", first = "eö" }
      local text = "ANNA: jag eh tycker meh att ehm öh, ja eh.\n\nBO: heh nej eh\n"
      local p = h.tempfile(text)
      local c = samtal.open(p)
      local want = count_words(text, { "ehm", "eh", "öh" })
      assert.are.equal(5, want)
      assert.are.equal(want, c:count('[kind = "hesitation"]'))
      assert.are.equal(3, c:count("eh")) -- the raw forms stay in the index
      local src = h.read(p)
      for tok in c:tokens() do
        if tok.kind == "hesitation" then assert.are.equal(tok.form, src:sub(tok.offset + 1, tok.offset + tok.length)) end
      end
      assert.are.equal("meh/word", kinds(c):match("meh/%a+"))
      assert.are.equal("heh/word", kinds(c):match("heh/%a+"))
      -- words: word and number tokens only
      assert.are.equal(c:stats().tokens - want - 2, c:document(1).words) -- 2: the , and the .
      local hits = c:kwic('[kind != "hesitation" & kind = "word"]')
      for _, hit in ipairs(hits) do assert.is_nil(({ eh = 1, ehm = 1, ["öh"] = 1 })[hit.match]) end
    end)

    it("makes a truncated word one token, leaving compounds with an elided part alone", function()
      -- "fr-" then a space: truncated, unless "och"/"eller" follow (hälso- och sjukvård)
      samtal.convention { name = "truncated", kind = "truncated",
        pattern = letter ^ 1 * "-" * #S" \n" * -(P" och" + " eller") }
      local text = "ANNA: vi fr- vi frågade om hälso- och sjukvård, sj- sjukhus\n"
      local p = h.tempfile(text)
      local c = samtal.open(p)
      local got = {}
      local src = h.read(p)
      for tok in c:tokens() do
        if tok.kind == "truncated" then
          got[#got + 1] = tok.form
          assert.are.equal(tok.form, src:sub(tok.offset + 1, tok.offset + tok.length))
        end
      end
      assert.are.same({ "fr-", "sj-" }, got)
      assert.are.equal(1, c:count('[kind = "truncated"] sjukhus'))
      assert.are.equal(1, c:count("hälso"))
    end)

    it("counts English hesitations of a real transcript as the file has them", function()
      local path = "../shared/corpora/virtualcoffee-en/0105-cameron-rahat.txt"
      local words = { "um", "Um", "uh", "Uh" }
      samtal.convention { name = "hesitation", pattern = P"um" + "Um" + "uh" + "Uh", kind = "hesitation",
        first = "uU" }
      local c = samtal.open(path)
      local plain = samtal.open(path, { conventions = false })
      -- the file's occurrences inside turns: each turn's text, counted by Lua patterns
      local want = 0
      for t in plain:turns() do want = want + count_words(t.text, words) end
      assert.is_true(want > 0)
      assert.are.equal(want, c:count('[kind = "hesitation"]'))
      assert.are.equal(plain:stats().tokens, c:stats().tokens)
      local plain_words = 0
      for _, d in ipairs(plain:documents()) do plain_words = plain_words + d.words end
      assert.are.equal(plain_words - want, c:document(1).words)
    end)
  end)

  describe("defaults", function()
    it("are the readers' bracketed events, which cover the marks of the corpora", function()
      assert.are.same({}, samtal.conventions())
      -- corpus/: [musik], [skratt]
      local n = 0
      for _, f in ipairs { "corpus/000_e744d110473e4ebd.txt", "corpus/001_49eaf7069c1bee78.txt" } do
        for _ in h.read(f):gmatch("%[%a+%]") do n = n + 1 end
      end
      assert.are.equal(n, samtal.open("corpus"):stats().events)
      -- Markdown-escaped stage directions: \[laughs\], \[laughter\]
      local f = "../shared/corpora/changelog-en/go-time-100.md"
      local marks = 0
      for _ in h.read(f):gmatch("\\%[%a+\\%]") do marks = marks + 1 end
      local events = samtal.open(f):document(1).events
      assert.are.equal(marks, #events)
      for _, e in ipairs(events) do assert.are.equal("laughs", e.name) end
    end)
  end)

  describe("saved corpora", function()
    it("keep the events and token kinds; conventions added later do not apply to them", function()
      samtal.convention { name = "hesitation", pattern = "eh", kind = "hesitation" }
      samtal.convention { name = "unclear", pattern = "(ohörbart)" }
      local c = samtal.open(h.tempfile("ANNA: jag eh vet (ohörbart) inte\n"))
      local p = h.tmppath(".samtal")
      c:save(p)
      samtal.convention { name = "vet", pattern = "vet", kind = "hesitation" }
      local d = samtal.open(p)
      os.remove(p)
      assert.are.equal(kinds(c), kinds(d))
      assert.are.equal(1, d:count('[kind = "hesitation"]'))
      assert.are.equal(1, d:count('[event = "ohörbart"] inte'))
    end)
  end)

  describe("the list", function()
    it("replaces a convention by name, lists them in order, removes them", function()
      samtal.convention { name = "a", pattern = "x" }
      samtal.convention { name = "b", pattern = "(y)", kind = "event" }
      samtal.convention { name = "a", pattern = "z", kind = "hesitation" }
      local list = samtal.conventions()
      assert.are.same({ "a", "b" }, { list[1].name, list[2].name })
      assert.are.same({ "z", "hesitation" }, { list[1].pattern, list[1].kind })
      assert.are.equal("event", list[2].kind) -- the default
      assert.is_true(samtal.remove_convention("a"))
      assert.is_false(samtal.remove_convention("a"))
      assert.are.equal(1, #samtal.conventions())
    end)
  end)

  describe("errors", function()
    it("raise on a bad name, kind, pattern or field", function()
      assert.matches("table expected, got string", h.error_of(samtal.convention, "x"), 1, true)
      assert.matches("name must be a non-empty string, not nil", h.error_of(samtal.convention, { pattern = "x" }), 1, true)
      assert.matches('convention "a": kind must be "event", "hesitation" or "truncated", not "word"',
        h.error_of(samtal.convention, { name = "a", pattern = "x", kind = "word" }), 1, true)
      assert.matches('convention "a": pattern must be an LPeg pattern or a string, not number',
        h.error_of(samtal.convention, { name = "a", pattern = 3 }), 1, true)
      assert.matches('convention "a": the pattern matches the empty string',
        h.error_of(samtal.convention, { name = "a", pattern = P"x" ^ 0 }), 1, true)
      assert.matches('convention "a": the pattern is empty', h.error_of(samtal.convention, { name = "a", pattern = "" }),
        1, true)
      assert.matches("unknown field 'kinds'", h.error_of(samtal.convention, { name = "a", pattern = "x", kinds = 1 }),
        1, true)
      assert.matches("first must be a string",
        h.error_of(samtal.convention, { name = "a", pattern = P"x", first = 1 }), 1, true)
      assert.are.same({}, samtal.conventions())
      assert.matches("option conventions can only be false",
        h.error_of(samtal.open, "corpus", { conventions = true }), 1, true)
    end)

    it("make an error in a pattern's own code the load's error, naming the file", function()
      samtal.convention { name = "bad", pattern = lpeg.Cmt(P"x", function() error("boom") end) }
      local p = h.tempfile("ANNA: x y\n")
      local err = h.error_of(samtal.open, p)
      assert.matches(p .. ": convention: ", err, 1, true)
      assert.matches("boom", err, 1, true)
    end)
  end)
end)
