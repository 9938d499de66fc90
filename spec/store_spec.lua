-- Saved corpora: c:save(path) writes one file, samtal.open(path) maps it back without re-tokenising;
-- a damaged, truncated or foreign file is an error naming the path, never a crash.
local samtal = require "samtal"
local h = require "helpers"

-- The file format (src/store.c): a 64-byte header, a directory of 32-byte entries, the sections.
local HEADER, ENTRY = 64, 32
local SECTION = { documents = 1, text = 2, tokens = 13 } -- section ids, as store.c numbers them
local VERSION, NSECTIONS = 3, 30

--- XXH64 with seed 0, the checksum of the header, the directory and every section.
local P1, P2, P3, P4, P5 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
  0x27D4EB2F165667C5
local function rotl(x, r) return (x << r) | (x >> (64 - r)) end
local function round(acc, w) return rotl(acc + w * P2, 31) * P1 end
local function xxh64(s)
  local n, i = #s, 1
  local r
  if n >= 32 then
    local v = { P1 + P2, P2, 0, -P1 }
    while i + 31 <= n do
      for k = 1, 4 do v[k] = round(v[k], (string.unpack("<i8", s, i + 8 * (k - 1)))) end
      i = i + 32
    end
    r = rotl(v[1], 1) + rotl(v[2], 7) + rotl(v[3], 12) + rotl(v[4], 18)
    for k = 1, 4 do r = (r ~ round(0, v[k])) * P1 + P4 end
  else
    r = P5
  end
  r = r + n
  while i + 7 <= n do
    r = rotl(r ~ round(0, (string.unpack("<i8", s, i))), 27) * P1 + P4
    i = i + 8
  end
  if i + 3 <= n then
    r = rotl(r ~ (string.unpack("<I4", s, i) * P1), 23) * P2 + P3
    i = i + 4
  end
  for k = i, n do r = rotl(r ~ (s:byte(k) * P5), 11) * P1 end
  r = (r ~ (r >> 33)) * P2
  r = (r ~ (r >> 29)) * P3
  return r ~ (r >> 32)
end

--- The section directory of a saved file's bytes: by id, {elsize, offset, count, checksum}.
local function directory(bytes)
  local dir = {}
  for i = 0, string.unpack("<I4", bytes, 25) - 1 do
    local id, elsize, offset, count, sum = string.unpack("<I4I4I8I8i8", bytes, HEADER + 1 + ENTRY * i)
    dir[id] = { elsize = elsize, offset = offset, count = count, checksum = sum }
  end
  return dir
end

--- bytes with the n bytes at 0-based offset `at` replaced by `with`.
local function patch(bytes, at, with) return bytes:sub(1, at) .. with .. bytes:sub(at + #with + 1) end

--- bytes with the byte at 0-based offset `at` flipped.
local function flip(bytes, at) return patch(bytes, at, string.char(bytes:byte(at + 1) ~ 0x41)) end

--- A fresh path for a saved corpus, removed by h.cleanup().
local function samtal_path() return h.tempfile("", ".samtal") end

--- corpus/ saved once, as bytes.
local seed_bytes
local function seed()
  if not seed_bytes then
    local p = samtal_path()
    samtal.open("corpus"):save(p)
    seed_bytes = h.read(p)
  end
  return seed_bytes
end

local QUERIES = { "nära", "Nära", "NÄRA", "det vill säga", "tillgänglighet", "och", "vi", "SKR:s", "i dag",
  "nära vård", "så att", "blåbärssoppa", "the", "you know", "bitcoin", "Lightning" }

--- Asserts that b answers everything as a does.
local function assert_same_corpus(a, b)
  local stats = a:stats()
  assert.are.same(stats, b:stats())
  assert.are.same(a:documents(), b:documents())
  assert.are.same(a:speakers(), b:speakers())
  local ta, tb = {}, {}
  for t in a:turns() do ta[#ta + 1] = t end
  for t in b:turns() do tb[#tb + 1] = t end
  assert.are.equal(stats.turns, #tb)
  assert.are.same(ta, tb)
  for _, q in ipairs(QUERIES) do
    assert.are.equal(a:count(q), b:count(q), q)
    assert.are.equal(a:count(q, { case = true }), b:count(q, { case = true }), q)
    local ha, hb = a:kwic(q, { width = 4 }), b:kwic(q, { width = 4 })
    assert.are.same({ table.unpack(ha) }, { table.unpack(hb) }, q) -- the hits, not the corpus they hold
  end
  for i = 1, stats.tokens, 97 do assert.are.same(a:token(i), b:token(i)) end
end

describe("samtal", function()
  after_each(h.cleanup)

  describe("save() and open() of the saved file", function()
    it("gives back corpus/: stats, documents, speakers, turns, counts and concordances", function()
      local c, p = samtal.open("corpus"), samtal_path()
      c:save(p)
      local m = samtal.open(p)
      assert_same_corpus(c, m)
      assert.truthy(m:count("nära") > 0)
    end)

    it("gives back the .txt and .md files of ../shared/corpora/", function()
      local files = {}
      for f in h.run("find " .. h.q(h.shared) .. " -name '*.txt' -o -name '*.md' | sort"):gmatch("[^\n]+") do
        files[#files + 1] = f
      end
      assert.truthy(#files >= 20)
      local c, p = samtal.open(files, { invalid = "replace" }), samtal_path()
      c:save(p)
      assert_same_corpus(c, samtal.open(p))
    end)

    it("keeps the options the corpus was loaded with", function()
      local c, p = samtal.open("corpus", { hyphens = true }), samtal_path()
      c:save(p)
      local m = samtal.open(p)
      assert.are.same(c:stats(), m:stats())
      assert.truthy(m:stats().tokens < samtal.open("corpus"):stats().tokens) -- hyphens join words
      local joined = 0
      for i = 1, m:stats().tokens do
        if m:token(i).form == "vi-känsla" then joined = joined + 1 end
      end
      assert.are.equal(1, joined)
      local latin1 = h.shared .. "svwiki-encodings/sv-molle.iso-8859-1.txt"
      c = samtal.open(latin1, { invalid = "replace", encoding = "utf-8" })
      c:save(p)
      local d = samtal.open(p):documents()[1]
      assert.truthy(d.replacements > 0)
      assert.are.same(c:documents(), { d })
    end)

    it("returns nothing, and replaces a file already there", function()
      local p = samtal_path()
      assert.are.equal(0, select("#", samtal.open(h.seed_blocks):save(p)))
      assert.are.equal(1, samtal.open(p):stats().documents)
      samtal.open("corpus"):save(p)
      assert.are.equal(2, samtal.open(p):stats().documents)
    end)

    it("needs no source file: the text comes from the saved file", function()
      local dir = h.run("mktemp -d"):gsub("%s+$", "")
      local src = dir .. "/a.txt"
      local f = assert(io.open(src, "wb"))
      f:write("ANNA: vi ses i morgon\nBO: ja, vi ses\n")
      f:close()
      local p = dir .. "/a.samtal"
      samtal.open(src):save(p)
      os.remove(src)
      local m = samtal.open(p)
      assert.are.equal(2, m:count("vi ses"))
      assert.are.equal("ja, vi ses", m:turns { speaker = "BO" }().text)
      assert.are.equal(src, m:documents()[1].path)
      m:close()
      os.remove(p)
      os.execute("rmdir " .. h.q(dir))
    end)

    it("saves a reopened corpus to the same bytes", function()
      local p = samtal_path()
      h.tempfile(seed(), ".samtal")
      local q = h.tempfile(seed(), ".samtal")
      samtal.open(q):save(p)
      assert.are.equal(seed(), h.read(p))
    end)

    it("writes the documented format: magic, version, size, sections and XXH64 checksums", function()
      assert.are.equal(0x44BC2CF5AD770999, xxh64("abc")) -- the reference value of XXH64
      local b = seed()
      assert.are.equal("SAMTALC\x1A", b:sub(1, 8))
      local version, order, size, nsections = string.unpack("<I4I4I8I4", b, 9)
      assert.are.same({ VERSION, 0x01020304, #b, NSECTIONS }, { version, order, size, nsections })
      assert.are.equal(xxh64(b:sub(1, 56)), (string.unpack("<i8", b, 57)))
      assert.are.equal(xxh64(b:sub(HEADER + 1, HEADER + ENTRY * nsections)), (string.unpack("<i8", b, 41)))
      local dir, covered = directory(b), HEADER + ENTRY * nsections
      for id = 0, nsections - 1 do
        local s = dir[id]
        assert.are.equal(0, s.offset % 8)
        local bytes = b:sub(s.offset + 1, s.offset + s.count * s.elsize)
        assert.are.equal(xxh64(bytes), s.checksum, "section " .. id)
        covered = covered + #bytes
      end
      assert.truthy(#b - covered < 8 * nsections) -- the rest is alignment padding
    end)

    it("verifies every checksum on request", function()
      local p = h.tempfile(seed(), ".samtal")
      assert.is_true(samtal.open(p):verify())
      local text = directory(seed())[SECTION.text]
      p = h.tempfile(flip(seed(), text.offset + 100), ".samtal")
      local m = samtal.open(p) -- the text is not read at open, only checked by verify()
      assert.are.equal(p .. ": corrupt (checksum mismatch in section text)", h.error_of(m.verify, m))
    end)

    it("closes like any corpus", function()
      local m = samtal.open(h.tempfile(seed(), ".samtal"))
      m:close()
      assert.has_error(function() m:stats() end, "attempt to use a closed samtal.Corpus")
      m:close()
      local it = samtal.open(h.tempfile(seed(), ".samtal")):turns { speaker = "LENA" }
      collectgarbage()
      collectgarbage()
      assert.are.equal("LENA", it().speaker)
    end)
  end)

  describe("open() of a damaged or foreign .samtal file", function()
    it("raises on a file cut short, at any of several sizes", function()
      local b = seed()
      for _, n in ipairs { 1, 7 } do
        local p = h.tempfile(b:sub(1, n), ".samtal")
        assert.are.equal(p .. ": not a samtal corpus file", h.error_of(samtal.open, p))
      end
      for _, n in ipairs { 8, 40, 63 } do
        local p = h.tempfile(b:sub(1, n), ".samtal")
        assert.are.equal(("%s: truncated (%d bytes, shorter than the 64-byte header)"):format(p, n),
          h.error_of(samtal.open, p))
      end
      for _, n in ipairs { 64, 100, 1000, #b // 3, #b // 2, #b - 8, #b - 1 } do
        local p = h.tempfile(b:sub(1, n), ".samtal")
        assert.are.equal(("%s: truncated (%d bytes of %d)"):format(p, n, #b), h.error_of(samtal.open, p))
      end
    end)

    it("raises on a flipped byte in the header", function()
      for _, at in ipairs { 8, 9, 16, 20, 24, 28, 32, 40, 48, 56, 63 } do
        local p = h.tempfile(flip(seed(), at), ".samtal")
        assert.are.equal(p .. ": corrupt (header checksum mismatch)", h.error_of(samtal.open, p))
      end
      local p = h.tempfile(flip(seed(), 3), ".samtal") -- in the magic
      assert.are.equal(p .. ": not a samtal corpus file", h.error_of(samtal.open, p))
    end)

    it("raises on a flipped byte in the section directory", function()
      for _, at in ipairs { HEADER, HEADER + 8, HEADER + ENTRY * 5 + 9, HEADER + ENTRY * 27 + 31 } do
        local p = h.tempfile(flip(seed(), at), ".samtal")
        assert.are.equal(p .. ": corrupt (checksum mismatch in the section directory)", h.error_of(samtal.open, p))
      end
    end)

    it("raises on a flipped byte in a section checked at open", function()
      local docs = directory(seed())[SECTION.documents]
      local p = h.tempfile(flip(seed(), docs.offset + 10), ".samtal")
      assert.are.equal(p .. ": corrupt (checksum mismatch in section documents)", h.error_of(samtal.open, p))
    end)

    it("raises on another format version, naming both", function()
      local b = patch(seed(), 8, string.pack("<I4", VERSION + 1))
      b = patch(b, 56, string.pack("<i8", xxh64(b:sub(1, 56))))
      local p = h.tempfile(b, ".samtal")
      assert.are.equal(("%s: format version %d, this samtal reads %d"):format(p, VERSION + 1, VERSION),
        h.error_of(samtal.open, p))
    end)

    it("raises on a foreign file renamed .samtal", function()
      for _, bytes in ipairs { "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "ANNA: hej\nBO: hej då\n", "SAMTAL" } do
        local p = h.tempfile(bytes, ".samtal")
        assert.are.equal(p .. ": not a samtal corpus file", h.error_of(samtal.open, p))
      end
    end)

    it("raises on an empty .samtal file", function()
      local p = h.tempfile("", ".samtal")
      assert.are.equal(p .. ": not a samtal corpus file (empty file)", h.error_of(samtal.open, p))
    end)

    it("never crashes on a flipped byte anywhere: open raises naming the file, or the corpus answers", function()
      local b = seed()
      math.randomseed(7)
      for _ = 1, 40 do
        local p = h.tempfile(flip(b, math.random(0, #b - 1)), ".samtal")
        local ok, m = pcall(samtal.open, p)
        if ok then
          pcall(function()
            m:stats()
            m:count("nära")
            m:kwic("och", { width = 3 })
            for _ in m:turns() do end
          end)
          m:close()
        else
          assert.truthy(m:find(p, 1, true), m)
        end
      end
    end)
  end)

  describe("save() failures", function()
    it("raises naming the path when its directory does not exist, and leaves nothing", function()
      local dir = h.run("mktemp -d"):gsub("%s+$", "")
      local target = dir .. "/missing/x.samtal"
      local c = samtal.open(h.seed_blocks)
      assert.are.equal("cannot save " .. target .. ": No such file or directory",
        h.error_of(function() c:save(target) end))
      assert.are.equal("", (h.run("ls -A " .. h.q(dir))))
      os.execute("rmdir " .. h.q(dir))
    end)

    it("leaves no temporary file behind when the last step fails", function()
      local dir = h.run("mktemp -d"):gsub("%s+$", "")
      os.execute("mkdir " .. h.q(dir .. "/x.samtal")) -- a directory where the file should go
      local c = samtal.open(h.seed_blocks)
      assert.are.equal("cannot save " .. dir .. "/x.samtal: Is a directory",
        h.error_of(function() c:save(dir .. "/x.samtal") end))
      assert.are.equal("x.samtal\n", (h.run("ls -A " .. h.q(dir))))
      os.execute("rm -r " .. h.q(dir))
    end)

    it("raises on a closed corpus", function()
      local c = samtal.open(h.seed_blocks)
      c:close()
      assert.has_error(function() c:save(samtal_path()) end, "attempt to use a closed samtal.Corpus")
    end)
  end)
end)
