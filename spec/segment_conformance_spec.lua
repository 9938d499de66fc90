-- UAX #29 conformance: every line of Unicode 15.0's WordBreakTest.txt and SentenceBreakTest.txt,
-- each its own test, then samtal's tailoring (hyphenated words) and the end of the text.
local samtal = require "samtal"

local UNICODE = os.getenv("UNICODE") or "/usr/share/unicode"

-- Reads a break test file: one case per line, "÷ 0061 × 0308 ÷ 0020 ÷ # comment". Returns the list
-- of {line = number, hex = "0061 0308 0020", text = the UTF-8 string, expected = its segments}.
local function read_cases(name)
  local path = UNICODE .. "/auxiliary/" .. name
  local f = assert(io.open(path, "r"), "cannot read " .. path .. " (Debian package unicode-data)")
  local cases, n = {}, 0
  for line in f:lines() do
    n = n + 1
    local body = line:gsub("#.*", "")
    if body:find("%S") then
      local expected, current, text, hex = {}, {}, {}, {}
      for tok in body:gmatch("%S+") do
        if tok == "÷" then
          if #current > 0 then expected[#expected + 1] = table.concat(current) end
          current = {}
        elseif tok ~= "×" then
          local cp = assert(tonumber(tok, 16), "bad code point in " .. path .. ":" .. n)
          local ch = utf8.char(cp)
          current[#current + 1], text[#text + 1], hex[#hex + 1] = ch, ch, tok
        end
      end
      cases[#cases + 1] = { line = n, hex = table.concat(hex, " "), text = table.concat(text),
                            expected = expected }
    end
  end
  f:close()
  return cases
end

local function list(t) return { table.unpack(t) } end -- a plain table, for are.same

describe("samtal", function()
  describe("segment() conformance", function()
    local cases = read_cases("WordBreakTest.txt")

    it("reads every test line of WordBreakTest.txt", function()
      assert.are.equal(1823, #cases)
    end)

    for _, c in ipairs(cases) do
      it(("WordBreakTest.txt:%d [%s]"):format(c.line, c.hex), function()
        assert.are.same(c.expected, list(samtal.segment(c.text)))
      end)
    end
  end)

  describe("sentences() conformance", function()
    local cases = read_cases("SentenceBreakTest.txt")

    it("reads every test line of SentenceBreakTest.txt", function()
      assert.are.equal(502, #cases)
    end)

    for _, c in ipairs(cases) do
      it(("SentenceBreakTest.txt:%d [%s]"):format(c.line, c.hex), function()
        assert.are.same(c.expected, list(samtal.sentences(c.text)))
      end)
    end
  end)

  describe("segment() tailoring", function()
    it("keeps a letter-hyphen-letter word together with {hyphens = true}", function()
      assert.are.same({ "vi-känsla" }, list(samtal.segment("vi-känsla", { hyphens = true })))
      assert.are.same({ "x-y-z" }, list(samtal.segment("x-y-z", { hyphens = true })))
    end)

    it("splits a hyphenated word in three without the option", function()
      assert.are.same({ "vi", "-", "känsla" }, list(samtal.segment("vi-känsla")))
      assert.are.same({ "vi", "-", "känsla" }, list(samtal.segment("vi-känsla", { hyphens = false })))
    end)

    it("joins on U+2010 and U+2011 too, and across a combining mark", function()
      assert.are.same({ "tv\u{2010}x", " ", "tv\u{2011}x", " ", "e\u{301}-n" },
        list(samtal.segment("tv\u{2010}x tv\u{2011}x e\u{301}-n", { hyphens = true })))
    end)

    it("joins a number and a word, but not two numbers", function()
      assert.are.same({ "1800-talet", " ", "covid-19", " ", "1", "-", "2" },
        list(samtal.segment("1800-talet covid-19 1-2", { hyphens = true })))
    end)

    it("leaves a hyphen that does not stand between two words alone", function()
      assert.are.same({ "a", "-", " ", "-", "b", " ", "a", "-", "-", "b" },
        list(samtal.segment("a- -b a--b", { hyphens = true })))
    end)

    it("keeps decimal numbers as one token", function()
      for _, opts in ipairs { {}, { hyphens = true } } do
        assert.are.same({ "3,5" }, list(samtal.segment("3,5", opts)))
        assert.are.same({ "3.14" }, list(samtal.segment("3.14", opts)))
      end
    end)

    it("keeps a colon-joined word (WB6/WB7) in both modes", function()
      assert.are.same({ "SKR:s" }, list(samtal.segment("SKR:s")))
      assert.are.same({ "SKR:s" }, list(samtal.segment("SKR:s", { hyphens = true })))
    end)
  end)

  describe("segment() and sentences() at the end of the text", function()
    it("return no segments for an empty string", function()
      assert.are.same({}, list(samtal.segment("")))
      assert.are.same({}, list(samtal.sentences("")))
    end)

    it("do not join a trailing MidLetter, MidNum or hyphen to the word before", function()
      assert.are.same({ "SKR", ":" }, list(samtal.segment("SKR:")))
      assert.are.same({ "3", "," }, list(samtal.segment("3,")))
      assert.are.same({ "vi", "-" }, list(samtal.segment("vi-", { hyphens = true })))
    end)

    it("keep a trailing combining mark on its word", function()
      assert.are.same({ "e\u{301}" }, list(samtal.segment("e\u{301}")))
    end)

    it("end the last sentence at the end of the text, terminated or not", function()
      assert.are.same({ "Hej. ", "Då" }, list(samtal.sentences("Hej. Då")))
      assert.are.same({ "Hej. ", "Då.  " }, list(samtal.sentences("Hej. Då.  ")))
    end)

    -- Random texts of ASCII and U+00C0..U+00FF, segmented as they are and with those letters
    -- swapped for letters of the same class beyond U+00FF (Upper, Lower, Other for sentences;
    -- ALetter, Other for words), which never take the fast paths: the segments must have the
    -- same lengths in code points.
    local slow = { ["å"] = "\u{101}", ["Å"] = "\u{100}", ["×"] = "\u{2200}", ["é"] = "\u{113}" }
    local seed = 29
    local function rand(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n + 1 end
    local function cuts(parts) -- the code point counts of the segments
      local n = {}
      for i, p in ipairs(parts) do n[i] = utf8.len(p) end
      return n
    end
    local function cross_check(alphabet, split)
      for _ = 1, 400 do
        local a, b = {}, {}
        for i = 1, rand(40) do
          local ch = alphabet[rand(#alphabet)]
          a[i], b[i] = ch, slow[ch] or ch
        end
        local text = table.concat(a)
        assert.are.same(cuts(split(table.concat(b))), cuts(split(text)), text)
      end
    end

    it("read the words of U+00C0..U+00FF letters as any other letters' (fast path)", function()
      -- Runs of letters of ASCII and U+00C0..U+00FF, and single spaces, are cut inline.
      local alphabet = { "a", "B", "z", " ", " ", "  ", ".", ",", ";", "'", "\u{2019}", ":", "-",
                         "1", "_", "\n", "\r\n", "\t", "\"", "å", "Å", "×", "é", "e\u{301}",
                         "\u{200D}", "\u{AD}" }
      cross_check(alphabet, function(t) return samtal.segment(t) end)
      cross_check(alphabet, function(t) return samtal.segment(t, { hyphens = true }) end)
      assert.are.same({ "går", " ", "hem", ",", " ", "vi-känsla", " ", "1800-talet" },
                      list(samtal.segment("går hem, vi-känsla 1800-talet", { hyphens = true })))
      assert.are.same({ "vi", "-", "känsla" }, list(samtal.segment("vi-känsla")))
      assert.are.same({ "é\u{301}", "  ", "x" }, list(samtal.segment("é\u{301}  x")))
    end)

    it("read the letters of U+00C0..U+00FF as any other letter of their class", function()
      -- Runs of ASCII and of U+00C0..U+00FF pass eight bytes at a time.
      cross_check({ "a", "B", " ", ".", "?", "!", "\n", "1", ",", "(", ")", "\"", "å", "Å", "×", "é" },
                  function(t) return samtal.sentences(t) end)
      assert.are.same({ "aÅ.Ö" }, list(samtal.sentences("aÅ.Ö")))       -- SB7: Upper ATerm Upper
      assert.are.same({ "a×.", "Ö" }, list(samtal.sentences("a×.Ö"))) -- × is Other: SB11
    end)

    it("do not read past a UTF-8 sequence the text cuts off", function()
      -- "ä" is C3 A4; a lone C3 at the end is one segment of its own
      assert.are.same({ "ab", "\xC3" }, list(samtal.segment("ab\xC3")))
      assert.are.same({ "ab\xC3" }, list(samtal.sentences("ab\xC3")))
    end)
  end)
end)
