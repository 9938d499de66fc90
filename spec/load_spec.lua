-- Loading: paths, decoding (BOM, line ends, NFC, invalid UTF-8) and every kind of bad input.
local samtal = require "samtal"
local h = require "helpers"

describe("samtal", function()
  after_each(h.cleanup)

  describe("open()", function()
    it("opens a directory as its *.txt files sorted by name", function()
      local docs = samtal.open("corpus"):documents()
      assert.are.equal(2, #docs)
      assert.are.equal("000_e744d110473e4ebd.txt", docs[1].name)
      assert.are.equal("corpus/001_49eaf7069c1bee78.txt", docs[2].path)
    end)

    it("opens one file, and a list of files and directories in the order given", function()
      assert.are.equal(1, #samtal.open(h.seed_blocks):documents())
      local docs = samtal.open({ h.seed_blocks, "corpus" }):documents()
      assert.are.same({ "001_49eaf7069c1bee78.txt", "000_e744d110473e4ebd.txt", "001_49eaf7069c1bee78.txt" },
        { docs[1].name, docs[2].name, docs[3].name })
    end)

    it("reads a file whose size is not known ahead (a named pipe) as the same file on disk", function()
      -- a pipe's size is 0 to stat: the reader grows its buffer as the bytes come, over 64 KiB here
      local bytes = h.read(h.seed_inline):rep(3)
      local file = h.tempfile(bytes)
      local fifo = h.tmppath(".txt")
      assert(os.execute("mkfifo " .. fifo))
      assert(os.execute(("cat %s > %s &"):format(file, fifo)))
      local piped = samtal.open(fifo)
      local disk = samtal.open(file)
      assert.is_true(#bytes > 65536)
      assert.are.equal(disk:stats().tokens, piped:stats().tokens)
      assert.are.equal(tostring(disk:freq()), tostring(piped:freq()))
      local a, b = disk:kwic("samverkan"), piped:kwic("samverkan")
      assert.are.equal(#a, #b)
      for i = 1, #a do assert.are.equal(a[i].offset, b[i].offset) end
    end)

    it("raises on a missing file, naming the path and the reason", function()
      assert.has_error(function() samtal.open("corpus/nope.txt") end,
        "cannot open corpus/nope.txt: No such file or directory")
    end)

    it("raises on an empty file, naming the path", function()
      local p = h.tempfile("")
      assert.has_error(function() samtal.open(p) end, p .. ": empty file, no transcript in it")
    end)

    it("raises on a file of white space only", function()
      local p = h.tempfile("\xEF\xBB\xBF \r\n\t\n")
      assert.has_error(function() samtal.open(p) end, p .. ": no text in the file, only white space")
    end)

    it("raises on a binary file, naming the path, line and offset of the NUL byte", function()
      local p = h.tempfile("LENA: hej\nMAGNUS: x\0y")
      assert.are.equal(p .. ":2:10: binary file (NUL byte at byte offset 19)", h.error_of(samtal.open, p))
    end)

    it("raises on a directory without transcripts", function()
      local dir = h.tmpname()
      os.remove(dir)
      os.execute("mkdir " .. h.q(dir))
      assert.has_error(function() samtal.open(dir) end,
        dir .. ": no transcripts in this directory or below (*.txt, *.md, *.vtt, *.srt, *.sbv, *.vrt, *.json, *.html, *.htm, *.cha)")
      os.execute("rmdir " .. h.q(dir))
    end)

    it("raises on arguments of the wrong type, naming the argument", function()
      assert.has_error(function() samtal.open(42) end,
        "bad argument #1 to 'open' (path or list of paths expected, got number)")
      assert.has_error(function() samtal.open({ "corpus", false }) end,
        "bad argument #1 to 'open' (path #2 is a boolean, not a string)")
      assert.has_error(function() samtal.open({}) end, "bad argument #1 to 'open' (empty list of paths)")
      assert.has_error(function() samtal.open("corpus", { invalidd = "replace" }) end,
        "open: unknown option 'invalidd' (known: aliases, attributes, compress, conventions, encoding, format, hyphens, invalid, "
          .. "language, merge_turns, metadata, on_error, pattern, progress, recursive, warn)")
      assert.has_error(function() samtal.open("corpus", { invalid = "drop" }) end,
        'open: option invalid must be "error" or "replace", not "drop"')
    end)
  end)

  describe("open() of a saved corpus", function()
    it("refuses loading options, which only apply to transcripts", function()
      local path = h.tempfile("", ".samtal")
      samtal.open(h.seed_blocks):save(path)
      assert.are.equal(path .. ": a saved corpus keeps the options it was built with; hyphens, invalid and encoding apply when loading transcripts",
        h.error_of(samtal.open, path, { hyphens = true }))
      assert.are.equal(path .. ": a saved corpus opens on its own, not with other files",
        h.error_of(samtal.open, { path, h.seed_blocks }))
      assert.has_error(function() samtal.open(h.seed_blocks):save(42) end,
        "bad argument #1 to 'save' (string expected, got number)")
    end)
  end)

  describe("decoding", function()
    it("raises on invalid UTF-8 with file, line, column and byte offset", function()
      -- UTF-8 elsewhere in the file makes it damaged UTF-8, not another encoding
      local p = h.tempfile("LENA: hej på dig\nMAGNUS: caf\xC3 au lait\n")
      assert.are.equal(p .. ":2:12: invalid UTF-8 (byte 0xC3 at byte offset 29)", h.error_of(samtal.open, p))
    end)

    it("replaces invalid UTF-8 with U+FFFD on request and counts the replacements", function()
      local p = h.tempfile("LENA: på caf\xC3 och \xFF\xFE.\n")
      local c = samtal.open(p, { invalid = "replace" })
      assert.are.equal(3, c:documents()[1].replacements)
      local t = c:turns()()
      assert.are.equal("på caf\u{FFFD} och \u{FFFD}\u{FFFD}.", t.text)
    end)

    it("drops a byte order mark, at the start and inside the text", function()
      local c = samtal.open(h.tempfile("\xEF\xBB\xBFLENA: hej\n\nLENA: \xEF\xBB\xBFtvå\n"))
      local turns = {}
      for t in c:turns() do turns[#turns + 1] = t end
      assert.are.equal("LENA", turns[1].speaker)
      assert.are.equal("två", turns[2].text)
      assert.are.equal(1, c:count("två"))
    end)

    it("turns CRLF and CR into LF and keeps offsets pointing into the source bytes", function()
      local src = "LENA: ett\r\n\r\nMAGNUS: två tre\r\rLENA: fyra\r\n"
      local p = h.tempfile(src)
      local c = samtal.open(p)
      local hits = c:kwic("fyra")
      assert.are.equal(1, #hits)
      assert.are.equal("fyra", src:sub(hits[1].offset + 1, hits[1].offset + hits[1].length))
      assert.are.equal(5, hits[1].line)
      hits = c:kwic("tre")
      assert.are.equal("tre", src:sub(hits[1].offset + 1, hits[1].offset + hits[1].length))
    end)

    it("normalises to NFC, so a decomposed å matches a composed query", function()
      local src = "LENA: ga\u{30A}r det? Ja, det ga\u{30A}r.\n"
      local c = samtal.open(h.tempfile(src))
      assert.are.equal(2, c:count("går"))
      local hit = c:kwic("går")[2]
      -- the source range of the match is the decomposed original
      assert.are.equal("ga\u{30A}r", src:sub(hit.offset + 1, hit.offset + hit.length))
    end)

    it("composes a combining mark with a Latin letter before it, in or after a run of them", function()
      -- Runs of ASCII and of U+0080..U+023F are copied whole; the last letter of a run is the base
      -- of a mark that follows it (Å + U+0301 is U+01FA, ø + U+0301 U+01FF, a + U+0301 á).
      local src = "LENA: Å\u{301}ngström xåø\u{301}y ka\u{301}l åå\u{301}ø\u{301} är\u{308} slut\n"
      local c = samtal.open(h.tempfile(src))
      local want = { "\u{1FA}ngström", "xå\u{1FF}y", "kál", "å\u{1FB}\u{1FF}", "är\u{308}", "slut" }
      local raw = { "Å\u{301}ngström", "xåø\u{301}y", "ka\u{301}l", "åå\u{301}ø\u{301}", "är\u{308}", "slut" }
      for i, form in ipairs(want) do
        local hits = c:kwic(form)
        assert.are.equal(1, #hits, form)
        assert.are.equal(form, hits[1].match) -- the text in NFC (a query is folded, so any form finds it)
        assert.are.equal(raw[i], src:sub(hits[1].offset + 1, hits[1].offset + hits[1].length))
      end
    end)

    it("maps every hit in the seed corpus back to the exact source bytes", function()
      local c = samtal.open("corpus")
      local sources = { [h.seed_inline] = h.read(h.seed_inline), [h.seed_blocks] = h.read(h.seed_blocks) }
      for _, word in ipairs { "nära", "vård", "SKR:s", "tillgänglighet", "Lars" } do
        for _, hit in ipairs(c:kwic(word)) do
          local bytes = sources[hit.path]:sub(hit.offset + 1, hit.offset + hit.length)
          assert.are.equal(samtal.fold(hit.match), samtal.fold(bytes))
        end
      end
    end)
  end)
end)
