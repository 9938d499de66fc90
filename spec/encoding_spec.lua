-- Encodings: UTF-8, UTF-16 with a byte order mark, Windows-1252 and Latin-1, detected or named,
-- with offsets that still point into the original bytes.
local samtal = require "samtal"
local h = require "helpers"

local SVWIKI = h.shared .. "svwiki-encodings/sv-molle."

--- UTF-8 to UTF-16 (with a byte order mark), written here so the spec needs no converter.
local function utf16(s, little)
  local out = { little and "\xFF\xFE" or "\xFE\xFF" }
  local function unit(u)
    local hi, lo = u >> 8, u & 0xFF
    out[#out + 1] = little and string.char(lo, hi) or string.char(hi, lo)
  end
  for _, cp in utf8.codes(s) do
    if cp >= 0x10000 then
      cp = cp - 0x10000
      unit(0xD800 + (cp >> 10))
      unit(0xDC00 + (cp & 0x3FF))
    else
      unit(cp)
    end
  end
  return table.concat(out)
end

local function texts(c)
  local out = {}
  for t in c:turns() do out[#out + 1] = t.text end
  return out
end

describe("samtal", function()
  after_each(h.cleanup)

  describe("open() and encodings", function()
    it("detects Windows-1252 and Latin-1 and reads the same text as the UTF-8 file", function()
      local utf8c = samtal.open(SVWIKI .. "utf-8.txt")
      local cp = samtal.open(SVWIKI .. "windows-1252.txt")
      local latin = samtal.open(SVWIKI .. "iso-8859-1.txt")
      assert.are.equal("utf-8", utf8c:documents()[1].encoding)
      assert.are.equal("windows-1252", cp:documents()[1].encoding)
      assert.are.equal("windows-1252", latin:documents()[1].encoding) -- its superset
      assert.are.same(texts(utf8c), texts(cp))
      -- the two legacy files differ only where Windows-1252 has an en dash (0x96)
      assert.are.same(texts(cp), (function()
        local t = texts(latin)
        for i, s in ipairs(t) do t[i] = s:gsub(" %- ", " – ") end
        return t
      end)())
      assert.are.equal(utf8c:count("Mölle"), cp:count("Mölle"))
    end)

    it("points offsets into the original single-byte file", function()
      local path = SVWIKI .. "windows-1252.txt"
      local src = h.read(path)
      for _, hit in ipairs(samtal.open(path):kwic("Mölle")) do
        assert.are.equal("M\xF6lle", src:sub(hit.offset + 1, hit.offset + hit.length))
      end
    end)

    it("reads UTF-16 LE and BE with a byte order mark, offsets in the original bytes", function()
      local plain = samtal.open(h.seed_inline)
      for _, little in ipairs { true, false } do
        local bytes = utf16(h.read(h.seed_inline), little)
        local path = h.tempfile(bytes)
        local c = samtal.open(path)
        assert.are.equal(little and "utf-16le" or "utf-16be", c:documents()[1].encoding)
        assert.are.same(plain:stats(), c:stats())
        assert.are.same(texts(plain), texts(c))
        local hit = c:kwic("det vill säga")[1]
        local first = bytes:sub(hit.offset + 1, hit.offset + 6)
        assert.are.equal(little and "d\0e\0t\0" or "\0d\0e\0t", first)
      end
    end)

    it("takes a named encoding, and refuses an unknown one", function()
      local path = h.tempfile("LENA: caf\xE9 \x93bra\x94\n")
      local c = samtal.open(path, { encoding = "cp1252" })
      assert.are.equal("café “bra”", c:turns()().text)
      assert.has_error(function() samtal.open(path, { encoding = "klingon" }) end,
        'bad option encoding = "klingon" (expected "auto", "utf-8", "utf-16le", "utf-16be" or "cp1252")')
      -- forced UTF-8 makes the same bytes an error
      assert.are.equal(path .. ":1:10: invalid UTF-8 (byte 0xE9 at byte offset 9)",
        h.error_of(samtal.open, path, { encoding = "utf-8" }))
    end)

    it("raises on damaged UTF-16, naming the file and byte offset", function()
      local path = h.tempfile("\xFF\xFEA\0B")
      assert.are.equal(path .. ": UTF-16 cut in the middle of a code unit at byte offset 4", h.error_of(samtal.open, path))
      path = h.tempfile("\xFF\xFEA\0\x00\xD8B\0")
      assert.are.equal(path .. ": UTF-16 with an unpaired surrogate at byte offset 4", h.error_of(samtal.open, path))
    end)
  end)
end)
