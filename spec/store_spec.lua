-- Saved corpora: c:save(path) writes one file, samtal.open(path) maps it back without re-tokenising;
-- a damaged, truncated or foreign file is an error naming the path, never a crash.
local samtal = require "samtal"
local h = require "helpers"

-- The file format (src/store.c): a 64-byte header, a directory of 32-byte entries, the sections.
local HEADER, ENTRY = 64, 32
-- section ids, as store.c numbers them
local SECTION = { documents = 1, text = 2, segments = 5, layout_turns = 6, turns = 11, tokens = 13, sentences = 14,
  fold_pool = 19, fold_entries = 20, post_start = 26, postings = 27, fold_forms_start = 28, fold_forms = 29,
  turn_stops = 31, metadata = 33, attr_value_pool = 37, attr_parts = 40, attr_tokens = 41, post_at = 42, fold_docs = 43,
  form_pool = 15, form_entries = 16, lines = 4, token_offsets = 44, token_blocks = 45, token_form_escapes = 46, token_wide_offsets = 47,
  text_packed = 48, doc_frames = 49, doc_packed = 50 }
local VERSION, NSECTIONS = 12, 51

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

--- The bytes of corpus c saved to a file (the file removed again).
local function saved_bytes(c)
  local p = h.tmppath(".samtal")
  c:save(p)
  local b = h.read(p)
  os.remove(p)
  return b
end

--- bytes with the n bytes at 0-based offset `at` replaced by `with`.
local function patch(bytes, at, with) return bytes:sub(1, at) .. with .. bytes:sub(at + #with + 1) end

--- bytes with the byte at 0-based offset `at` flipped.
local function flip(bytes, at) return patch(bytes, at, string.char(bytes:byte(at + 1) ~ 0x41)) end

--- bytes with section `id`'s checksum, the directory's and the header's made right again, as a
-- crafted file would have them: then only the checks on first use stand between it and a crash.
local function resum(bytes, id)
  local at = HEADER + ENTRY * id
  local _, elsize, offset, count = string.unpack("<I4I4I8I8", bytes, at + 1)
  bytes = patch(bytes, at + 24, string.pack("<i8", xxh64(bytes:sub(offset + 1, offset + count * elsize))))
  local n = string.unpack("<I4", bytes, 25)
  bytes = patch(bytes, 40, string.pack("<i8", xxh64(bytes:sub(HEADER + 1, HEADER + ENTRY * n))))
  return patch(bytes, 56, string.pack("<i8", xxh64(bytes:sub(1, 56))))
end

--- bytes laid out again with the sections of `with` ({[id] = {bytes, count}}) in place of those
-- there, as version `version`: each section 8-byte aligned in id order after the directory, and
-- every checksum made right.
local function relayout(bytes, with, version)
  local dir, n = directory(bytes), string.unpack("<I4", bytes, 25)
  local body, entries, at = {}, {}, HEADER + ENTRY * n
  for id = 0, n - 1 do
    local s = dir[id]
    local data, count = bytes:sub(s.offset + 1, s.offset + s.count * s.elsize), s.count
    if with[id] then data, count = with[id][1], with[id][2] end
    local pad = (8 - at % 8) % 8
    body[#body + 1] = string.rep("\0", pad) .. data
    at = at + pad
    entries[#entries + 1] = string.pack("<I4I4I8I8i8", id, s.elsize, at, count, xxh64(data))
    at = at + #data
  end
  local directory_bytes = table.concat(entries)
  local b = bytes:sub(1, HEADER) .. directory_bytes .. table.concat(body)
  b = patch(b, 8, string.pack("<I4", version))
  b = patch(b, 16, string.pack("<I8", #b))
  b = patch(b, 40, string.pack("<i8", xxh64(directory_bytes)))
  return patch(b, 56, string.pack("<i8", xxh64(b:sub(1, 56))))
end

--- Element i (0-based) of a section of uint32, and bytes with it set to v (checksums made right).
local function u32(bytes, id, i) return (string.unpack("<I4", bytes, directory(bytes)[id].offset + 4 * i + 1)) end
local function set_u32(bytes, id, i, v)
  return resum(patch(bytes, directory(bytes)[id].offset + 4 * i, string.pack("<I4", v)), id)
end

--- Element i (0-based) of a section of uint64.
local function u64(bytes, id, i) return (string.unpack("<I8", bytes, directory(bytes)[id].offset + 8 * i + 1)) end

--- Field k (0-based uint32) of record i of section id (records of `size` bytes), and setting it.
local function field(bytes, id, size, i, k)
  return (string.unpack("<I4", bytes, directory(bytes)[id].offset + size * i + 4 * k + 1))
end
local function set_field(bytes, id, size, i, k, v)
  return resum(patch(bytes, directory(bytes)[id].offset + size * i + 4 * k, string.pack("<I4", v)), id)
end

--- The fold id (0-based) of a folded word, from the fold lexicon of a saved file.
local function fold_of(bytes, word)
  local dir = directory(bytes)
  local pool, entries = dir[SECTION.fold_pool], dir[SECTION.fold_entries]
  for i = 0, entries.count - 1 do
    local off, len = string.unpack("<I4I4", bytes, entries.offset + 12 * i + 1)
    if bytes:sub(pool.offset + off + 1, pool.offset + off + len) == word then return i end
  end
end

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

--- Each document's frame in section doc_frames (format 12): {at = its start (0-based in the
-- file), packed = its size, nturns, nsegs, tok_first, tok_count} (from its record).
local function doc_frames(b)
  local dir, out = directory(b), {}
  local at = dir[SECTION.doc_frames].offset
  for i = 0, dir[SECTION.documents].count - 1 do
    local record = dir[SECTION.documents].offset + 168 * i
    local nsegs, nturns = string.unpack("<I8I8", b, record + 64 + 1)
    local tok_first, tok_count = string.unpack("<I4I4", b, record + 144 + 1)
    local packed = u32(b, SECTION.doc_packed, i)
    out[i + 1] = { at = at, packed = packed, nturns = nturns, nsegs = nsegs, tok_first = tok_first,
      tok_count = tok_count }
    at = at + packed
  end
  assert.are.equal(dir[SECTION.doc_frames].offset + dir[SECTION.doc_frames].count, at) -- nothing else
  return out
end

--- bytes through the zstd command with these options, as bytes.
local function zstd(bytes, options)
  local p = h.tempfile(bytes, ".zst")
  local out, err, code = h.run("zstd -q -c " .. options .. " " .. p)
  assert(code == 0, err)
  return out
end

--- Document i's (1-based) frame decompressed.
local function unframe(b, i)
  local f = doc_frames(b)[i]
  return zstd(b:sub(f.at + 1, f.at + f.packed), "-d")
end

--- b with document i's frame made from `raw` (compressed by the zstd command, with a checksum),
-- the sections after it moved and every checksum made right.
local function reframe(b, i, raw)
  local frames = doc_frames(b)
  local parts, sizes = {}, {}
  for k, f in ipairs(frames) do
    parts[k] = k == i and zstd(raw, "-3 --check") or b:sub(f.at + 1, f.at + f.packed)
    sizes[k] = string.pack("<I4", #parts[k])
  end
  local data = table.concat(parts)
  return relayout(b, { [SECTION.doc_frames] = { data, #data },
    [SECTION.doc_packed] = { table.concat(sizes), #frames } }, VERSION)
end

--- Opens the damaged file p and runs workload(m) on it: 1 if that raised, with an error that
-- names p as corrupt (asserted), 0 if it answered; a crash fails the whole run.
local function raises_corrupt(p, workload)
  local m = samtal.open(p)
  local ok, err = pcall(workload, m)
  m:close()
  if ok then return 0 end
  assert.truthy(tostring(err):find(p .. ": corrupt (", 1, true), err)
  return 1
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

    it("answers every kind of query as the corpus it was saved from", function()
      -- each call reads documents that the mapped corpus checks on first use; the sanitised build
      -- asserts that none is read unchecked
      local c, m = samtal.open("corpus"), samtal.open(h.tempfile(seed(), ".samtal"))
      local function plain(list) -- the entries of a result, without the corpus it may hold
        local t = {}
        for i, v in ipairs(list) do t[i] = v end
        return t
      end
      local function same(fn) assert.are.same(plain(fn(c)), plain(fn(m))) end
      for _, q in ipairs { "nära vård", "Karlshamns", '[lower="vård.*"] []{0,2} [kind="punctuation"] within sentence',
        'samverkan @speaker = "LENA"', '[] @speaker = "Speaker 1" within sentence', '[kind="event"] []', "nära*" } do
        same(function(x) return x:positions(q) end)
        same(function(x) return x:kwic(q, { clip = "sentence" }) end)
        same(function(x) return x:kwic(q, { chars = 30 }) end)
        same(function(x) return x:kwic(q):window(3) end)
      end
      same(function(x) return x:quotations() end)
      same(function(x) return x:quotations().unmatched end)
      same(function(x) return x:quotes { match = "samverkan" } end)
      same(function(x) return x:quotes { speaker = "LENA", doc = 1 } end)
      assert.is_true(m:quotes { match = "samverkan" }:verify())
      same(function(x) return { x:context(7000, 2, 3, 3) } end)
      same(function(x)
        local t = {}
        for turn in x:turns { doc = 2 } do t[#t + 1] = turn end
        return t
      end)
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

    it("packs the tokens as documented: form codes, offsets in blocks of 32, escaped forms, wide blocks", function()
      local b = seed()
      local dir = directory(b)
      local m = samtal.open(h.tempfile(b, ".samtal"))
      local n = m:stats().tokens
      assert.are.same({ n, 0, (n + 31) // 32 }, -- the offsets in section doc_frames since format 12
        { dir[SECTION.tokens].count, dir[SECTION.token_offsets].count, dir[SECTION.token_blocks].count })
      assert.are.same({ 2, 1, 12 },
        { dir[SECTION.tokens].elsize, dir[SECTION.token_offsets].elsize, dir[SECTION.token_blocks].elsize })
      local codes, blocks = dir[SECTION.tokens].offset, dir[SECTION.token_blocks].offset
      local pool, entries = dir[SECTION.form_pool].offset, dir[SECTION.form_entries].offset
      local function form_of(i)
        local code = string.unpack("<I2", b, codes + 2 * i + 1)
        if code < 0xFFE0 then return code end
        local form_at = string.unpack("<I4", b, blocks + 12 * (i // 32) + 4 + 1)
        return (string.unpack("<I4", b, dir[SECTION.token_form_escapes].offset + 4 * (form_at + code - 0xFFE0) + 1))
      end
      local function length_of(form) return (string.unpack("<I4", b, entries + 12 * form + 4 + 1)) end
      -- each token's offset less its block's base, from its document's frame: after the layout
      -- turns' and segments' columns a byte per token, that less the token before's and its
      -- form's length, except at the document's first token and each block's first
      local rel = {}
      for d, f in ipairs(doc_frames(b)) do
        local raw = unframe(b, d)
        assert.are.equal(24 * f.nturns + 9 * f.nsegs + f.tok_count, #raw)
        local at = 24 * f.nturns + 9 * f.nsegs
        for i = f.tok_first, f.tok_first + f.tok_count - 1 do
          local v = raw:byte(at + i - f.tok_first + 1)
          if i ~= f.tok_first and i % 32 ~= 0 then v = (rel[i - 1] + length_of(form_of(i - 1)) + v) % 256 end
          rel[i] = v
        end
      end
      local wide = 0
      for i = 0, n - 1 do
        local base, _, off_at = string.unpack("<I4I4I4", b, blocks + 12 * (i // 32) + 1)
        local form = form_of(i)
        local off
        if base == 0xFFFFFFFF then
          off = string.unpack("<I4", b, dir[SECTION.token_wide_offsets].offset + 4 * (off_at + i % 32) + 1)
          wide = wide + 1
        else
          off = base + rel[i]
        end
        local at, len = string.unpack("<I4I4", b, entries + 12 * form + 1)
        local t = m:token(i + 1)
        assert.are.same({ t.form, t.offset }, { b:sub(pool + at + 1, pool + at + len), off })
      end
      -- a document starts inside a block: its offsets start again from 0, so the block is wide
      assert.truthy(wide > 0)
      assert.are.equal(0, dir[SECTION.token_wide_offsets].count % 32)
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

    it("refuses corpora saved in formats 3 to 8 (postings or tokens of 4 and 8 bytes a token), with a word to save them again", function()
      for version = 3, 8 do
        local b = patch(seed(), 8, string.pack("<I4", version))
        b = patch(b, 56, string.pack("<i8", xxh64(b:sub(1, 56))))
        local p = h.tempfile(b, ".samtal")
        assert.are.equal(("%s: format version %d, older than %d, the oldest this samtal reads; save it again from its "
          .. "transcripts"):format(p, version, 9), h.error_of(samtal.open, p))
      end
    end)

    it("checks a VRT's attributes: their sizes at open, each token's value with its document", function()
      local vrt = "<!-- #vrt positional-attributes: word pos lemma -->\n<text id=\"t\">\n<u who=\"A\">\n<s>\n"
        .. "Vi\tPN\tvi\nbehöver\tVB\tbehöva\nvård\tNN\tvård\n</s>\n</u>\n</text>\n"
      local c = samtal.open(h.tempfile(vrt, ".vrt"))
      local b = saved_bytes(c)
      local dir = directory(b)
      assert.are.equal(2 * 3, dir[SECTION.attr_tokens].count) -- two attributes, three tokens
      assert.are.equal(6, dir[SECTION.attr_parts].count)
      -- lemma of the second token: a value id past the lemmas
      local bad = h.tempfile(set_u32(b, SECTION.attr_tokens, 3 + 1, 99), ".samtal")
      local d = samtal.open(bad)
      local err = h.error_of(d.count, d, '[lemma="vård"]')
      assert.truthy(err:find(bad .. ": corrupt (section attr_tokens: a value out of range in document 0)", 1, true), err)
      -- the first attribute's pool said a byte longer: it runs into the second's
      local at = dir[SECTION.attr_parts].offset
      local pool = string.unpack("<I8", b, at + 1)
      bad = h.tempfile(resum(patch(b, at, string.pack("<I8", pool + 1)), SECTION.attr_parts), ".samtal")
      err = h.error_of(samtal.open, bad)
      assert.truthy(err:find(bad .. ": corrupt (", 1, true), err)
      bad = h.tempfile(resum(patch(b, at, string.pack("<I8", 1 << 40)), SECTION.attr_parts), ".samtal")
      err = h.error_of(samtal.open, bad)
      assert.truthy(err:find("section attr_parts: attribute 0 runs past section attr_value_pool", 1, true), err)
      assert.are.equal(1, samtal.open(h.tempfile(b, ".samtal")):count('[lemma="vård"]'))
    end)

    it("keeps the metadata checksummed, and names a damaged one", function()
      local tsv = h.tempfile("name\tyear\n000_e744d110473e4ebd.txt\t1999\n", ".tsv")
      local c = samtal.open("corpus", { metadata = tsv })
      local b = saved_bytes(c)
      local sec = directory(b)[SECTION.metadata]
      assert.is_true(sec.count > 0)
      local at = sec.offset + 4 -- the tag's first byte, after its length
      assert.are.equal("samtal metadata", b:sub(at + 1, at + 15))
      local flipped = patch(b, at, "x")
      local err = h.error_of(samtal.open, h.tempfile(flipped, ".samtal"))
      assert.truthy(err:find("corrupt (checksum mismatch in section metadata)", 1, true), err)
      local bad = h.tempfile(resum(flipped, SECTION.metadata), ".samtal")
      err = h.error_of(samtal.open, bad)
      assert.are.equal(bad .. ': corrupt (metadata: unknown tag "xamtal metadata 1")', err)
      -- the number of columns (after the tag and the sidecar's path) made far too large
      local ncols_at = at + #"samtal metadata 1" + 4 + #tsv
      assert.are.equal(2, (string.unpack("<I4", b, ncols_at + 1)))
      bad = h.tempfile(resum(patch(b, ncols_at, string.pack("<I4", 1000)), SECTION.metadata), ".samtal")
      err = h.error_of(samtal.open, bad)
      assert.truthy(err:find(bad .. ": corrupt (metadata: ", 1, true), err)
      -- a sound file opens with it
      local good = samtal.open(h.tempfile(b, ".samtal"))
      assert.are.equal("1999", good:document(1).meta.year)
      assert.is_true(good:verify())
    end)

    it("keeps the turns' stop times, and refuses a count that is not one per turn", function()
      local vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Anna>Hej.\n\n"
        .. "00:00:02.500 --> 00:00:04.000\n<v Anna>Vård.\n\n00:00:04.000 --> 00:00:06.250\n<v Bo>Tack.\n"
      local c = samtal.open(h.tempfile(vtt, ".vtt"))
      local p = h.tmppath(".samtal")
      c:save(p)
      local d = samtal.open(p)
      local stops = {}
      for t in d:turns() do stops[#stops + 1] = t.stop end
      assert.are.same({ 4.0, 6.25 }, stops)
      local b = h.read(p)
      os.remove(p)
      -- the stop times' section says one stop time for two turns: the second is cut out, the
      -- sections after it move down with their bytes, the checksums are made right
      local at = HEADER + ENTRY * SECTION.turn_stops
      local stops_at, nstops = select(3, string.unpack("<I4I4I8I8", b, at + 1))
      assert.are.equal(2, nstops)
      b = patch(b, at + 16, string.pack("<I8", 1))
      b = b:sub(1, stops_at + 8) .. b:sub(stops_at + 17)
      for id = SECTION.turn_stops + 1, NSECTIONS - 1 do
        local later = HEADER + ENTRY * id
        local later_off = select(3, string.unpack("<I4I4I8I8", b, later + 1))
        b = patch(b, later + 8, string.pack("<I8", later_off - 8))
      end
      b = patch(b, 16, string.pack("<I8", #b)) -- the file's size in the header
      local bad = h.tempfile(resum(b, SECTION.turn_stops), ".samtal")
      local err = h.error_of(samtal.open, bad)
      assert.truthy(err:find("section turn_stops: 1 stop times for 2 turns", 1, true), err)
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

  describe("the texts, compressed", function()
    local ZSTD_MAGIC = "\x28\xB5\x2F\xFD"
    local DOC_RECORD = 168 -- bytes of a document record; its text's length is the uint64 at byte 16

    local OWN_LINES = 0x80000000 -- in text_packed: the lines are found from the text

    --- Each document's {len = its text's length, packed = its frame's size or 0, at = its start
    -- (0-based in the file), own_lines = whether its lines are left out of section lines, nlines =
    -- their count} from a saved file's bytes.
    local function texts(b)
      local dir, out = directory(b), {}
      local at = dir[SECTION.text].offset
      for i = 0, dir[SECTION.documents].count - 1 do
        local record = dir[SECTION.documents].offset + DOC_RECORD * i
        local len = string.unpack("<I8", b, record + 16 + 1)
        local nlines = string.unpack("<I8", b, record + 56 + 1)
        local word = u32(b, SECTION.text_packed, i)
        local packed = word & ~OWN_LINES
        out[i + 1] = { len = len, packed = packed, at = at, own_lines = word & OWN_LINES ~= 0, nlines = nlines }
        at = at + (packed > 0 and packed or len + 1)
      end
      assert.are.equal(dir[SECTION.text].offset + dir[SECTION.text].count, at) -- nothing else in it
      return out
    end

    --- A corpus of one short transcript (kept as it is: too short to compress), saved, as bytes.
    local SHORT = "ANNA: Hej och välkommen.\nBO: Tack.\n"
    local function short_bytes(source)
      local p = samtal_path()
      samtal.open(source or h.tempfile(SHORT, ".txt")):save(p)
      return h.read(p)
    end

    it("keeps each longer text as a zstd frame ending in a checksum, a third of its size or less", function()
      local b = seed()
      local t = texts(b)
      assert.are.equal(2, #t)
      local raw, packed = 0, 0
      for _, d in ipairs(t) do
        assert.truthy(d.packed > 0 and d.packed < d.len)
        assert.are.equal(ZSTD_MAGIC, b:sub(d.at + 1, d.at + 4))
        assert.are.equal(4, b:byte(d.at + 5) & 4) -- the frame header's content-checksum flag
        raw, packed = raw + d.len, packed + d.packed
      end
      assert.truthy(packed < raw / 2.5, packed .. " of " .. raw)
      -- and reads back as the transcripts do (the corpus itself: see "answers everything" above)
      local m, c = samtal.open(h.tempfile(b, ".samtal")), samtal.open("corpus")
      for i = 1, 2 do
        local want, got = {}, {}
        for _, q in ipairs(c:quotes { doc = i }) do want[#want + 1] = q.text end
        for _, q in ipairs(m:quotes { doc = i }) do got[#got + 1] = q.text end
        assert.truthy(#want > 10)
        assert.are.same(want, got)
      end
    end)

    it("keeps a short text as it is, its bytes and a NUL", function()
      local b = short_bytes()
      local t = texts(b)
      assert.are.same({ { len = #SHORT, packed = 0, at = t[1].at, own_lines = false, nlines = 3 } }, t)
      assert.are.equal(3, directory(b)[SECTION.lines].count) -- 0, 17 and 27: kept with a text kept as it is
      assert.are.equal(SHORT .. "\0", b:sub(t[1].at + 1, t[1].at + #SHORT + 1))
      local m = samtal.open(h.tempfile(b, ".samtal"))
      assert.are.same({ "BO", "Tack." }, { m:turn(2).speaker, m:turn(2).text })
    end)

    it("saves a reopened corpus to the same bytes after its texts were decompressed", function()
      local m = samtal.open(h.tempfile(seed(), ".samtal"))
      assert.truthy(#m:kwic("och") > 100) -- both documents decompressed
      assert.are.equal(seed(), saved_bytes(m))
    end)

    it("names the document whose frame is damaged, on its first use, while the other answers", function()
      local b = seed()
      local d2 = texts(b)[2]
      b = resum(flip(b, d2.at + d2.packed // 2), SECTION.text)
      local p = h.tempfile(b, ".samtal")
      local m = samtal.open(p)
      assert.are.equal(8, #m:kwic("samverkan"):lines()) -- the first document
      -- what reads no text of the second document answers: a count, the hits' positions
      assert.are.equal(2, m:count("Karlshamns"))
      local hits = m:kwic("Karlshamns")
      assert.are.equal(2, #hits)
      local lines = function() return hits:lines() end
      local err = h.error_of(lines)
      local want = p .. ": corrupt (section text: document 1 does not decompress ("
      assert.are.equal(want, err:sub(1, #want))
      assert.are.equal(err, h.error_of(lines)) -- and again
      assert.are.equal(err, h.error_of(function() return hits[1].column end))
      assert.are.equal(err, h.error_of(m.quotes, m, { doc = 2 }))
      -- decompressed ahead on every core (lines of both documents): the damaged one still raises
      assert.are.equal(err, h.error_of(function() return m:kwic("och"):lines() end))
      -- the section's checksum was made right: the frame's own checksum is what caught it
      assert.is_true(m:verify())
    end)

    it("names a text kept as it is that lost its NUL", function()
      local b = short_bytes()
      local t = texts(b)[1]
      local p = h.tempfile(resum(patch(b, t.at + t.len, "x"), SECTION.text), ".samtal")
      local m = samtal.open(p)
      assert.are.equal(p .. ": corrupt (section text: document 0 is not terminated)", h.error_of(m.kwic, m, "Tack"))
    end)

    it("reads each text it needs on first use, whatever the first use is, on every corpus", function()
      local texts_of = h.field_of
      -- each reads text: titles, events, turns, lines, quotes, quotations, matches on titles and
      -- events, the fingerprint, an export; each runs on a mapping fresh from the file
      local calls = {
        function(x) return x:documents() end,
        function(x) return x:document(#x:documents()) end,
        function(x) return x:kwic("the"):lines() end,
        function(x) return x:kwic("och"):lines() end,
        function(x) return texts_of(x:quotes(), "text") end,
        function(x) return texts_of(x:quotations(), "text") end,
        function(x) return x:turn(#x:documents()).text end,
        function(x) return x:count('the @title = ".*e.*"') + x:count('och @title = ".*e.*"') end,
        function(x) return x:count('[event = ".*"] []') end,
        function(x) return x:fingerprint() end,
        function(x) return texts_of(x:kwic("och"), "column") end,
        function(x) return x:kwic("the", { chars = 20 }):lines() end,
        function(x) return x:kwic("och"):sort("R1"):lines() end,
        function(x) return tostring(x:kwic("the")) end,
        function(x) return x:token(100).column end,
        function(x)
          local n = 0
          for t in x:tokens {} do n = n + t.column end
          return n
        end,
        function(x) return x:quotes()[1]:verify() end,
        function(x)
          local p = h.tmppath(".json")
          x:export(p)
          return h.read(p)
        end,
      }
      for _, source in ipairs { "corpus", "../shared/corpora/changelog-en", "../shared/corpora/talkpython-en",
        "../shared/corpora/parlamint-se/ParlaMint-SE_2022-05-13-prot-202122--113.txt" } do
        local c = samtal.open(source)
        local p = samtal_path()
        c:save(p)
        local nonzero = 0
        for i, call in ipairs(calls) do
          local want = call(c)
          local m = samtal.open(p)
          assert.are.same(want, call(m), source .. ": call " .. i)
          m:close()
          if want ~= 0 and want ~= "" and (type(want) ~= "table" or next(want)) then nonzero = nonzero + 1 end
        end
        assert.truthy(nonzero >= 7, source .. ": " .. nonzero)
      end
    end)

    it("reads a file of version 9, whose texts are all kept as they are", function()
      -- version 9 is version 11 without section text_packed, its last: the short corpus's file of
      -- version 11 (saved by the samtal of commit 7fcafb2) without it
      local short_path = "spec/fixtures/store/short.txt"
      assert.are.equal(SHORT, h.read(short_path))
      local b = h.read("spec/fixtures/store/short-v11.samtal")
      local N11 = 49 -- sections in version 11
      assert.are.same({ 11, N11 }, { (string.unpack("<I4", b, 9)), (string.unpack("<I4", b, 25)) })
      local dir = directory(b)
      local last = dir[SECTION.text_packed - 1]
      local out = { b:sub(1, HEADER) }
      for id = 0, SECTION.text_packed - 1 do
        local s = dir[id]
        out[#out + 1] = string.pack("<I4I4I8I8i8", id, s.elsize, s.offset - ENTRY, s.count, s.checksum)
      end
      out[#out + 1] = b:sub(HEADER + ENTRY * N11 + 1, last.offset + last.count * last.elsize)
      local v9 = table.concat(out)
      v9 = patch(v9, 8, string.pack("<I4", 9))
      v9 = patch(v9, 16, string.pack("<I8", #v9))
      v9 = patch(v9, 24, string.pack("<I4", N11 - 1))
      v9 = patch(v9, 40, string.pack("<i8", xxh64(v9:sub(HEADER + 1, HEADER + ENTRY * (N11 - 1)))))
      v9 = patch(v9, 56, string.pack("<i8", xxh64(v9:sub(1, 56))))
      local m = samtal.open(h.tempfile(v9, ".samtal"))
      assert.is_true(m:verify())
      assert_same_corpus(samtal.open(short_path), m)
      -- saved again, it is a file of this version once more
      local again = saved_bytes(m)
      assert.are.equal(VERSION, (string.unpack("<I4", again, 9)))
    end)

    it("keeps no lines of a compressed text in section lines, and finds them again from the text", function()
      local b = seed()
      local t = texts(b)
      assert.truthy(t[1].own_lines and t[2].own_lines)
      assert.truthy(t[1].nlines > 100 and t[2].nlines > 100)
      assert.are.equal(0, directory(b)[SECTION.lines].count)
      -- the line numbers on a fresh mapping are those of the transcripts: of each turn, hit and event
      local c = samtal.open("corpus")
      local function lines_of(x)
        local out = {}
        for turn in x:turns() do out[#out + 1] = turn.line end
        for _, q in ipairs { "och", "Karlshamns", "samverkan", "det", "vi" } do
          for _, hit in ipairs(x:kwic(q)) do out[#out + 1] = hit.line .. ":" .. hit.column end
        end
        return out
      end
      local want = lines_of(c)
      assert.truthy(#want > 1000, #want)
      assert.are.same(want, lines_of(samtal.open(h.tempfile(b, ".samtal"))))
      -- compressed in memory, the same
      assert.are.same(want, lines_of(samtal.open("corpus", { compress = true })))
    end)

    it("refuses at open a text kept as it is whose lines are said to come from it", function()
      local b = short_bytes()
      local p = h.tempfile(set_u32(b, SECTION.text_packed, 0, OWN_LINES), ".samtal")
      assert.are.equal(p .. ": corrupt (section text_packed: document 0 has lines from a text kept as it is)",
        h.error_of(samtal.open, p))
    end)

    it("names a compressed text whose lines are not as many as its record says", function()
      local b = seed()
      local record = directory(b)[SECTION.documents].offset + DOC_RECORD * 1
      local nlines = texts(b)[2].nlines
      local p = h.tempfile(resum(patch(b, record + 56, string.pack("<I8", nlines + 1)), SECTION.documents), ".samtal")
      local m = samtal.open(p)
      assert.are.equal(2, m:count("Karlshamns")) -- what reads no text answers
      local want = p .. ": corrupt (section text: document 1 does not decompress (its lines are not as many as its record says))"
      assert.are.equal(want, h.error_of(function() return m:kwic("Karlshamns"):lines() end))
      -- more lines than a text of its length can hold: refused at open, since room is reserved for them
      local huge = h.tempfile(resum(patch(b, record + 56, string.pack("<I8", 1 << 62)), SECTION.documents), ".samtal")
      assert.are.equal(huge .. ": corrupt (document 1: more lines than its text can hold)", h.error_of(samtal.open, huge))
    end)

    it("reads a file of version 10, whose lines are all in section lines", function()
      -- the seed's file of version 11 (saved by the samtal of commit 7fcafb2) with every
      -- document's lines in section lines and no flag in text_packed
      local v11 = "spec/fixtures/store/corpus-v11.samtal"
      local b = h.read(v11)
      local exported = h.tmppath(".json")
      samtal.open("corpus"):export(exported)
      local docs = require("cjson").decode(h.read(exported)).documents
      local lines, count, packed = {}, 0, {}
      for i, d in ipairs(docs) do
        for _, at in ipairs(d.lines) do lines[#lines + 1] = string.pack("<I4", at) end
        count = count + #d.lines
        packed[i] = string.pack("<I4", u32(b, SECTION.text_packed, i - 1) & ~OWN_LINES)
      end
      local v10 = relayout(b, { [SECTION.lines] = { table.concat(lines), count },
        [SECTION.text_packed] = { table.concat(packed), #docs } }, 10)
      local m = samtal.open(h.tempfile(v10, ".samtal"))
      assert.is_true(m:verify())
      assert_same_corpus(samtal.open("corpus"), m)
      -- saved again once its texts were read, it is this version's file of the same corpus
      assert.are.equal(saved_bytes(samtal.open(v11)), saved_bytes(m))
      -- while in version 11 a frame's size with the top bit set says its lines are left out: read
      -- as version 10, that is a frame of 2 GiB more, beyond the section
      local as10 = patch(b, 8, string.pack("<I4", 10))
      as10 = patch(as10, 56, string.pack("<i8", xxh64(as10:sub(1, 56))))
      local p = h.tempfile(as10, ".samtal")
      local err = h.error_of(samtal.open, p)
      assert.are.equal(p .. ": corrupt (", err:sub(1, #p + 11))
    end)
  end)

  describe("the layouts and token offsets, compressed (format 12)", function()
    local ZSTD_MAGIC = "\x28\xB5\x2F\xFD"

    it("keeps each document's layout turns, segments and token offsets as one zstd frame", function()
      local b = seed()
      local dir = directory(b)
      -- the sections that held them before are empty
      assert.are.same({ 0, 0, 0 },
        { dir[SECTION.segments].count, dir[SECTION.layout_turns].count, dir[SECTION.token_offsets].count })
      local frames, m = doc_frames(b), samtal.open(h.tempfile(b, ".samtal"))
      assert.are.equal(2, #frames)
      local raw_bytes, packed_bytes, spaces, tokens = 0, 0, 0, 0
      for d, f in ipairs(frames) do
        assert.are.equal(ZSTD_MAGIC, b:sub(f.at + 1, f.at + 4))
        assert.are.equal(4, b:byte(f.at + 5) & 4) -- the frame header's content-checksum flag
        local raw = unframe(b, d)
        assert.are.equal(24 * f.nturns + 9 * f.nsegs + f.tok_count, #raw)
        -- a token's byte, past a block's first: mostly 1 (a space after the word before) or 0
        for k = 1, f.tok_count - 1 do
          local v = raw:byte(24 * f.nturns + 9 * f.nsegs + k + 1)
          if (f.tok_first + k) % 32 ~= 0 then
            tokens = tokens + 1
            if v <= 1 then spaces = spaces + 1 end
          end
        end
        raw_bytes, packed_bytes = raw_bytes + #raw, packed_bytes + f.packed
      end
      assert.truthy(spaces > 0.9 * tokens, spaces .. " of " .. tokens)
      assert.truthy(packed_bytes < raw_bytes / 4, packed_bytes .. " of " .. raw_bytes)
      -- and reads back as the transcripts do
      assert_same_corpus(samtal.open("corpus"), m)
    end)

    it("saves a reopened corpus to the same bytes, its documents checked or not", function()
      local b = seed()
      assert.are.equal(b, saved_bytes(samtal.open(h.tempfile(b, ".samtal")))) -- frames copied
      local m = samtal.open(h.tempfile(b, ".samtal"))
      for _ in m:turns() do end -- every document checked, its frame decompressed
      assert.truthy(#m:quotes {} > 100)
      assert.are.equal(b, saved_bytes(m)) -- frames made again
    end)

    it("reads a file of format 11, whose layouts and offsets lie in their own sections", function()
      -- saved from corpus/ by the samtal of format 11 (commit 7fcafb2)
      local fixture = "spec/fixtures/store/corpus-v11.samtal"
      local old = h.read(fixture)
      assert.are.equal(11, (string.unpack("<I4", old, 9)))
      local dir = directory(old)
      assert.truthy(dir[SECTION.segments].count > 0 and dir[SECTION.token_offsets].count > 0)
      assert.is_nil(dir[SECTION.doc_frames])
      local c, m = samtal.open("corpus"), samtal.open(fixture)
      assert_same_corpus(c, m)
      -- saved again, as format 12: the same answers
      local again = saved_bytes(samtal.open(fixture))
      assert.are.equal(VERSION, (string.unpack("<I4", again, 9)))
      assert_same_corpus(c, samtal.open(h.tempfile(again, ".samtal")))
      assert_same_corpus(c, samtal.open(h.tempfile(saved_bytes(m), ".samtal")))
    end)

    it("names the document whose frame is damaged, on its first use, while the other answers", function()
      local b = seed()
      local f = doc_frames(b)[2]
      local p = h.tempfile(resum(flip(b, f.at + f.packed // 2), SECTION.doc_frames), ".samtal")
      local m = samtal.open(p)
      assert.are.equal(8, #m:kwic("samverkan"):lines()) -- the first document
      local want = p .. ": corrupt (section doc_frames: document 1 does not decompress ("
      local err = h.error_of(m.kwic, m, "Karlshamns")
      assert.are.equal(want, err:sub(1, #want))
      assert.are.equal(err, h.error_of(m.kwic, m, "Karlshamns")) -- and again
      assert.are.equal(err, h.error_of(m.quotes, m, { doc = 2 }))
      assert.is_true(m:verify()) -- the frame's own checksum is what caught it
    end)

    it("decompresses the frames of documents read in order ahead, on every core, with the same answers", function()
      local dir = h.run("mktemp -d"):gsub("%s+$", "")
      for i = 1, 60 do
        local f = assert(io.open(("%s/%02d.txt"):format(dir, i), "w"))
        f:write(("ANNA: Dag %d, och vi talar om samverkan.\nBO: Ja, nära vård %d gånger.\n"):format(i, i):rep(i % 7 + 1))
        f:close()
      end
      local c = samtal.open(dir)
      local p = h.tmppath(".samtal")
      c:save(p)
      os.execute("rm -rf " .. dir)
      local m = samtal.open(p)
      assert.are.same(c:freq(), m:freq()) -- every document, in order: most of them decompressed ahead
      assert_same_corpus(c, samtal.open(p))
      -- a damaged frame among them is named when read, in order or not, and the rest answer
      local b = h.read(p)
      local f = doc_frames(b)[30]
      local bad = h.tempfile(resum(flip(b, f.at + f.packed // 2), SECTION.doc_frames), ".samtal")
      local want = bad .. ": corrupt (section doc_frames: document 29 does not decompress ("
      m = samtal.open(bad)
      local err = h.error_of(function() for _ in m:turns() do end end)
      assert.are.equal(want, err:sub(1, #want))
      assert.are.equal(err, h.error_of(m.quotes, m, { doc = 30 }))
      for _, d in ipairs { 1, 29, 31, 60 } do
        assert.are.same(c:quotes { doc = d }, m:quotes { doc = d })
      end
      m = samtal.open(bad)
      for _, d in ipairs { 60, 31, 29 } do assert.are.same(c:quotes { doc = d }, m:quotes { doc = d }) end
      assert.are.equal(err:gsub("^[^:]*", ""), h.error_of(m.freq, m):gsub("^[^:]*", ""))
      -- a frame that decompresses to a segment outside its text: the documents checked ahead with
      -- it are marked, it is not, and it is named when read
      local raw = unframe(b, 30)
      local seg1 = 24 * f.nturns + 4 * f.nsegs + 4 * 1
      bad = h.tempfile(reframe(b, 30, patch(raw, seg1, string.pack("<I4", 0x7FFFFFF0))), ".samtal")
      m = samtal.open(bad)
      want = bad .. ": corrupt (document 29: segment 1 outside its text)"
      assert.are.equal(want, h.error_of(function() for _ in m:turns() do end end))
      assert.are.equal(want, h.error_of(m.freq, m))
      assert.are.equal(want, h.error_of(m.quotes, m, { doc = 30 }))
      for _, d in ipairs { 1, 29, 31, 60 } do assert.are.same(c:quotes { doc = d }, m:quotes { doc = d }) end
    end)

    it("refuses at open a frame size that disagrees with the document's record", function()
      local b = seed()
      local p = h.tempfile(set_u32(b, SECTION.doc_packed, 1, 0), ".samtal")
      local f = doc_frames(b)[2]
      assert.are.equal(p .. ": corrupt (section doc_packed: document 1 has a frame of 0 bytes for "
        .. (24 * f.nturns + 9 * f.nsegs + f.tok_count) .. ")", h.error_of(samtal.open, p))
      p = h.tempfile(set_u32(b, SECTION.doc_packed, 1, f.packed + 1), ".samtal")
      assert.are.equal(p .. ": corrupt (document 1 runs past the end of section doc_frames)", h.error_of(samtal.open, p))
    end)

    it("never crashes on random damage inside a frame, its checksum made right", function()
      local b = seed()
      local raw, f = unframe(b, 2), doc_frames(b)[2]
      math.randomseed(12)
      local raised = 0
      for attempt = 1, 24 do
        -- a random byte in the layout turns, the segments or the tokens, in turn
        local parts = { { 0, 24 * f.nturns }, { 24 * f.nturns, 9 * f.nsegs }, { 24 * f.nturns + 9 * f.nsegs, f.tok_count } }
        local part = parts[(attempt - 1) % 3 + 1]
        local at = part[1] + math.random(0, part[2] - 1)
        local p = h.tempfile(reframe(b, 2, patch(raw, at, string.char(math.random(0, 255)))), ".samtal")
        raised = raised + raises_corrupt(p, function(m)
          m:kwic("och", { width = 3, clip = "sentence" }):lines()
          for _ in m:turns() do end
          for i = 1, m:stats().tokens, 53 do m:token(i) end
          m:quotes { match = "samverkan" }
          m:quotations()
        end)
      end
      assert.truthy(raised > 3, raised)
    end)
  end)

  describe("speaker names in a layout", function()
    it("keeps a name said again at a later turn once", function()
      local src = h.tempfile("ANNA: Hej.\nBO: Hej Anna.\nANNA: Hur mår du?\nBO: Bra.\nANNA: Fint.\n", ".txt")
      local c = samtal.open(src)
      local speakers = {}
      for t in c:turns() do speakers[#speakers + 1] = t.speaker end
      assert.are.same({ "ANNA", "BO", "ANNA", "BO", "ANNA" }, speakers)
      local b = saved_bytes(c)
      local dir = directory(b)
      local names = dir[SECTION.names or 10]
      assert.are.equal("ANNA\0BO\0", b:sub(names.offset + 1, names.offset + names.count))
      speakers = {}
      for t in samtal.open(h.tempfile(b, ".samtal")):turns() do speakers[#speakers + 1] = t.speaker end
      assert.are.same({ "ANNA", "BO", "ANNA", "BO", "ANNA" }, speakers)
    end)
  end)

  describe("a damaged part that open leaves to first use", function()
    -- corpus/ holds two documents: "samverkan" is only in the first, "Karlshamns" only in the second
    local DOC2 -- the second document: its first turn id, first token id and first sentence id
    local function doc2()
      if not DOC2 then
        local m = samtal.open(h.tempfile(seed(), ".samtal"))
        local d = m:documents()[2]
        local t = m:turn(d.first_turn)
        DOC2 = { turn = d.first_turn, token = t.first_token, sentence = m:token(t.first_token).sentence,
          name = d.name }
        m:close()
      end
      return DOC2
    end

    --- Opens bytes as a saved corpus: open must succeed and verify() too (the checksums are right).
    local function open_crafted(bytes)
      local p = h.tempfile(bytes, ".samtal")
      local m = samtal.open(p)
      assert.is_true(m:verify())
      return m, p
    end

    it("lets the rest of the corpus answer, and raises on the first query into a bad token", function()
      local d2 = doc2()
      -- the form code of a token of the second document: below the escapes, past the last form
      local b = seed()
      local nforms = directory(b)[SECTION.fold_entries].count -- as many folds as forms, or fewer
      assert.truthy(directory(b)[SECTION.tokens].count > 0 and nforms < 0xFFDF)
      b = resum(patch(b, directory(b)[SECTION.tokens].offset + 2 * (d2.token + 4), string.pack("<I2", 0xFFDF)),
        SECTION.tokens)
      local m, p = open_crafted(b)
      local bad = p .. ": corrupt (section token_forms: a form id out of range in document 1)"
      assert.are.equal(8, #m:kwic("samverkan")) -- the first document is sound
      assert.are.equal(2, m:count("Karlshamns")) -- counting reads the index, not the tokens
      assert.are.equal(bad, h.error_of(m.kwic, m, "Karlshamns"))
      assert.are.equal(bad, h.error_of(m.token, m, d2.token + 4))
      assert.are.equal(bad, h.error_of(m.turn, m, d2.turn))
      assert.are.equal(bad, h.error_of(m.count, m, '[lower="karlshamns"] []{0,2} [kind="punctuation"]'))
      assert.are.equal(4, m:count('[lower="samverkan"] []{0,2} [kind="punctuation"]'))
      assert.are.equal(bad, h.error_of(m.kwic, m, "Karlshamns")) -- and again: still not trusted
      assert.are.equal(8, #m:kwic("samverkan"))
    end)

    it("raises on a token whose escaped form or wide block points outside its array", function()
      local d2, b = doc2(), seed()
      -- an escape code in a block of the second document that has no escaped forms
      local t = d2.token - 1 + 64
      local m, p = open_crafted(resum(patch(b, directory(b)[SECTION.tokens].offset + 2 * t, string.pack("<I2", 0xFFFF)),
        SECTION.tokens))
      local bad = p .. ": corrupt (section token_blocks: an escape or wide block out of range in document 1)"
      assert.are.equal(bad, h.error_of(m.kwic, m, "Karlshamns"))
      assert.truthy(#m:quotes { doc = 1 } > 0)
      -- a block marked wide whose offsets would lie past the end of the wide offsets
      local k = t // 32
      m, p = open_crafted(resum(patch(b, directory(b)[SECTION.token_blocks].offset + 12 * k,
        string.pack("<I4I4I4", 0xFFFFFFFF, field(b, SECTION.token_blocks, 12, k, 1), 0x7FFFFFFF)), SECTION.token_blocks))
      assert.are.equal(p .. ": corrupt (section token_blocks: an escape or wide block out of range in document 1)",
        h.error_of(m.kwic, m, "Karlshamns"))
    end)

    it("raises on a token offset past its document's text, where a quote's end was read unchecked", function()
      local d2, b = doc2(), seed()
      -- the bases of the blocks of 32 tokens that lie wholly in the second document
      local blocks = directory(b)[SECTION.token_blocks].offset
      for k = (d2.token - 1 + 31) // 32, (d2.token - 1 + 200) // 32 do
        b = patch(b, blocks + 12 * k, string.pack("<I4", 0x7FFFFF00))
      end
      local m, p = open_crafted(resum(b, SECTION.token_blocks))
      local bad = p .. ": corrupt (section token_offsets: an offset out of range in document 1)"
      assert.are.equal(bad, h.error_of(m.quotes, m, {}))
      assert.are.equal(bad, h.error_of(m.kwic, m, "Karlshamns"))
      assert.truthy(#m:quotes { doc = 1 } > 0)
    end)

    --- The postings of fold f of a saved file's bytes, as the numbers they are written as: each
    -- {value, at (0-based in the file), len}. The format (src/index.h): the first token id, then
    -- the gaps, each 7 bits a byte, low bits first, the top bit set on all bytes but the last.
    local function numbers(b, f)
      local base = directory(b)[SECTION.postings].offset
      local from, to = u64(b, SECTION.post_at, f), u64(b, SECTION.post_at, f + 1)
      local out, i = {}, from
      while i < to do
        local v, shift, start = 0, 0, i
        repeat
          local byte = b:byte(base + i + 1)
          v = v | ((byte & 0x7f) << shift)
          shift, i = shift + 7, i + 1
        until byte < 0x80
        out[#out + 1] = { value = v, at = base + start, len = i - start }
      end
      return out
    end

    --- A number written in exactly len bytes (padded with continuation bytes where it is shorter),
    -- so a crafted file keeps every other byte where it was.
    local function number(v, len)
      local t = {}
      for k = 1, len do t[k] = string.char(((v >> (7 * (k - 1))) & 0x7f) | (k < len and 0x80 or 0)) end
      return table.concat(t)
    end

    it("writes each fold's postings as the documented gaps: they give the token ids of its hits", function()
      local b = seed()
      local m = samtal.open(h.tempfile(b, ".samtal"))
      for _, word in ipairs { "nära", "och", "karlshamns" } do
        local ids, pos = {}, 0
        for k, n in ipairs(numbers(b, fold_of(b, word))) do
          assert.truthy(k == 1 or n.value > 0)
          pos = pos + n.value
          ids[#ids + 1] = pos
        end
        local want = {}
        for _, hit in ipairs(m:kwic(word)) do want[#want + 1] = hit.position - 1 end
        assert.are.same(want, ids)
        assert.truthy(#ids > 1)
      end
    end)

    it("raises on postings that run past their fold, go out of range or out of order, on the first query that reads them", function()
      local b = seed()
      local f = fold_of(b, "karlshamns")
      local ns = numbers(b, f)
      local ntokens, count = samtal.open(h.tempfile(b, ".samtal")):stats().tokens, #ns
      local postings = SECTION.postings
      local bad = ": corrupt (section postings: fold " .. f .. " out of range or order)"
      local first, last = ns[1], ns[#ns]
      assert.truthy(ntokens < 1 << (7 * first.len)) -- the first id's bytes can hold ids past the last
      for _, crafted in ipairs {
        resum(patch(b, first.at, number(ntokens, first.len)), postings),         -- past the last token
        resum(patch(b, first.at, number(ntokens - 1, first.len)), postings),     -- then the next one is
        resum(patch(b, last.at, number(0, last.len)), postings),                 -- a gap of 0: not ascending
        resum(patch(b, last.at + last.len - 1, "\x80"), postings),               -- runs into the next fold
        set_u32(b, SECTION.post_start, f + 1, u32(b, SECTION.post_start, f + 1) - 1), -- one more than counted
      } do
        local m, p = open_crafted(crafted)
        assert.are.equal(p .. bad, h.error_of(m.kwic, m, "Karlshamns"))
        assert.are.equal(p .. bad, h.error_of(m.count, m, "Karlshamns kommun"))
        assert.are.equal(p .. bad, h.error_of(m.kwic, m, "[lower=\"karlshamns\"] [lower=\"kommun\"]"))
        assert.are.equal(8, #m:kwic("samverkan"))
      end
      local m, p = open_crafted(set_u32(b, SECTION.post_start, f + 1, ntokens + 1))
      assert.are.equal(p .. ": corrupt (section post_start: fold " .. f .. " out of range)",
        h.error_of(m.count, m, "karlshamns"))
      local at = directory(b)[SECTION.post_at].offset + 8 * (f + 1)
      m, p = open_crafted(resum(patch(b, at, string.pack("<I8", 1 << 40)), SECTION.post_at))
      assert.are.equal(p .. ": corrupt (section post_at: fold " .. f .. " out of range)",
        h.error_of(m.kwic, m, "karlshamns"))
      assert.are.equal(count, m:count("karlshamns")) -- the count needs only the fold's range
    end)

    it("keeps each word's number of documents, and raises on one that cannot be", function()
      local b = seed()
      local m = samtal.open(h.tempfile(b, ".samtal"))
      local range = {}
      for _, row in ipairs(m:freq()) do range[row.form] = row.range end
      local f = fold_of(b, "karlshamns")
      assert.are.equal(1, u32(b, SECTION.fold_docs, f)) -- only in the second document
      assert.are.equal(2, u32(b, SECTION.fold_docs, fold_of(b, "och")))
      assert.are.same({ 1, 2 }, { range.karlshamns, range["och"] })
      -- more documents than the word's postings, than the corpus has, or none for a word that occurs
      for _, v in ipairs { 3, 0xFFFFFFFF, 0 } do
        local bad, p = open_crafted(set_u32(b, SECTION.fold_docs, f, v))
        assert.are.equal(p .. ": corrupt (section fold_docs: fold " .. f .. " out of range)", h.error_of(bad.freq, bad))
        assert.are.equal(2, bad:count("karlshamns"))
      end
    end)

    it("raises on a broken turn in the second document when that document is first read", function()
      local d2 = doc2()
      local id = d2.turn - 1 -- 0-based
      local bad = ": corrupt (section turns: turn " .. id .. " out of range)"
      -- its first token one off, so the turns no longer follow one another
      local b = set_field(seed(), SECTION.turns, 24, id, 3, field(seed(), SECTION.turns, 24, id, 3) + 1)
      local m, p = open_crafted(b)
      assert.are.equal(8, #m:kwic("samverkan"))
      assert.are.equal(p .. bad, h.error_of(m.kwic, m, "Karlshamns"))
      assert.are.equal(p .. bad, h.error_of(m.turn, m, d2.turn))
      assert.are.equal(p .. bad, h.error_of(m.count, m, "nära vård")) -- the turn starts read every turn
      -- a speaker id out of range: raised by the scans that read only speakers, too
      m, p = open_crafted(set_field(seed(), SECTION.turns, 24, id, 1, 0xFFFFFF00))
      assert.are.equal(p .. bad, h.error_of(function() for _ in m:turns { speaker = "Speaker 1" } do end end))
      assert.are.equal(p .. bad, h.error_of(m.count, m, 'samverkan @speaker = "LENA"'))
      assert.are.equal(p .. bad, h.error_of(m.speakers, m))
      -- a turn claiming another document, or another index
      for k, v in pairs { [0] = 0, [2] = 5 } do
        m, p = open_crafted(set_field(seed(), SECTION.turns, 24, id, k, v))
        assert.are.equal(p .. bad, h.error_of(m.kwic, m, "Karlshamns"))
      end
    end)

    it("raises on a broken layout, sentence or fold when it is first read", function()
      local d2, b = doc2(), seed()
      -- the second document's frame: its layout turns' columns (speaker, seg_first, seg_count,
      -- label: 4 bytes each; start: 8), then its segments' (start, width: 4 bytes each; sep: 1)
      local frame, raw = doc_frames(b)[2], unframe(b, 2)
      local width3 = 24 * frame.nturns + 4 * frame.nsegs + 4 * 3
      local m, p = open_crafted(reframe(b, 2, patch(raw, width3, string.pack("<I4", 0x7FFFFFF0))))
      assert.are.equal(p .. ": corrupt (document 1: segment 3 outside its text)", h.error_of(m.turn, m, d2.turn))
      local seg_count2 = 8 * frame.nturns + 4 * 2
      m, p = open_crafted(reframe(b, 2, patch(raw, seg_count2, string.pack("<I4", 0xFFFF))))
      assert.are.equal(p .. ": corrupt (document 1: layout turn 2 out of range)", h.error_of(m.kwic, m, "Karlshamns"))
      -- the first document's frame is its own: it answers
      assert.are.equal(8, #m:kwic("samverkan"))
      m, p = open_crafted(set_u32(b, SECTION.sentences, d2.sentence, 0))
      local bad = p .. ": corrupt (section sentences: document 1: starts out of order)"
      assert.are.equal(bad, h.error_of(m.kwic, m, "Karlshamns", { clip = "sentence" }))
      assert.are.equal(8, #m:kwic("samverkan", { clip = "sentence" }))
      local f = fold_of(b, "nära")
      m, p = open_crafted(set_u32(b, SECTION.fold_forms, u32(b, SECTION.fold_forms_start, f), 0xFFFFFFFF))
      assert.are.equal(p .. ": corrupt (section fold_forms: fold " .. f .. " out of range or order)",
        h.error_of(m.count, m, '[lower="nära"]'))
      m, p = open_crafted(set_u32(b, SECTION.fold_forms_start, f + 1, 0xFFFFFFFF))
      assert.are.equal(p .. ": corrupt (section fold_forms_start: fold " .. f .. " out of range)",
        h.error_of(m.count, m, "nära*"))
    end)

    it("never crashes on random damage to the parts checked on first use, checksums made right", function()
      local b = seed()
      local dir = directory(b)
      local ids = { SECTION.doc_frames, SECTION.turns, SECTION.tokens,
        SECTION.token_blocks, SECTION.token_wide_offsets, SECTION.sentences,
        SECTION.post_start, SECTION.postings, SECTION.post_at, SECTION.fold_docs, SECTION.fold_forms_start,
        SECTION.fold_forms }
      math.randomseed(11)
      local raised = 0
      for attempt = 1, 60 do
        local id = ids[(attempt - 1) % #ids + 1]
        local s = dir[id]
        local at = s.offset + math.random(0, s.count * s.elsize - 1)
        local p = h.tempfile(resum(patch(b, at, string.char(math.random(0, 255))), id), ".samtal")
        raised = raised + raises_corrupt(p, function(m)
          m:count("nära")
          m:freq()
          m:kwic("och", { width = 3, clip = "sentence" })
          m:count("nära vård")
          m:count('[lower="vård.*"] []{0,2} [kind="punctuation"] within sentence @speaker = "LENA"')
          for _ in m:turns() do end
          for i = 1, m:stats().tokens, 211 do m:token(i) end
          m:quotations()
          m:quotes { match = "samverkan" }
        end)
      end
      assert.truthy(raised > 10)
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
