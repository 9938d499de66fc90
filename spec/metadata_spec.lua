-- Document metadata from a sidecar file (metadata.csv, .tsv or .json next to the transcripts):
-- d.meta, the filters on it in statistics, concordances and queries, and clear errors.
local samtal = require "samtal"
local metadata = require "samtal.metadata"
local h = require "helpers"

local A, B = "000_e744d110473e4ebd.txt", "001_49eaf7069c1bee78.txt"

--- A temporary directory with the two seed transcripts and a sidecar file.
local dirs = {}
local function corpus_dir(sidecar_name, sidecar)
  local dir = h.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir -p " .. h.q(dir) .. " && cp corpus/*.txt " .. h.q(dir)))
  if sidecar_name then
    local f = assert(io.open(dir .. "/" .. sidecar_name, "wb"))
    f:write(sidecar)
    f:close()
  end
  dirs[#dirs + 1] = dir
  return dir
end

local CSV = "doc,episode,year,host\r\n" .. A .. ",1,2023,\"Lena, SKR\"\r\n001_49eaf7069c1bee78,2,2024,Anna\r\n"

describe("metadata sidecar", function()
  after_each(function()
    for _, d in ipairs(dirs) do os.execute("rm -rf " .. h.q(d)) end
    dirs = {}
    h.cleanup()
  end)

  it("reads metadata.csv next to the transcripts into d.meta (by file name, or without extension)", function()
    local c = samtal.open(corpus_dir("metadata.csv", CSV))
    local docs = c:documents()
    assert.are.equal(2, #docs) -- the sidecar is no transcript
    assert.are.same({ doc = A, episode = "1", year = "2023", host = "Lena, SKR" }, docs[1].meta)
    assert.are.same({ doc = "001_49eaf7069c1bee78", episode = "2", year = "2024", host = "Anna" }, docs[2].meta)
    assert.are.same({ "doc", "episode", "year", "host" }, c:metadata_columns())
  end)

  it("reads a JSON sidecar, an array of objects or an object keyed by document", function()
    local c = samtal.open(corpus_dir("metadata.json",
      '[{"doc": "' .. A .. '", "year": 2023, "guests": ["x", "y"]}, {"file": "' .. B .. '", "year": null}]'))
    assert.are.equal("2023", c:document(1).meta.year)
    assert.are.equal('["x","y"]', c:document(1).meta.guests)
    assert.is_nil(c:document(2).meta.year)
    c = samtal.open(corpus_dir("metadata.json", '{"' .. B .. '": {"year": "2024"}}'))
    assert.are.same({}, c:document(1).meta)
    assert.are.same({ doc = B, year = "2024" }, c:document(2).meta)
  end)

  it("takes a sidecar named with {metadata = path}, and none with {metadata = false}", function()
    local path = h.tempfile("name\tyear\n" .. A .. "\t1999\n", ".tsv")
    local c = samtal.open("corpus", { metadata = path })
    assert.are.equal("1999", c:document(1).meta.year)
    c = samtal.open(corpus_dir("metadata.csv", CSV), { metadata = false })
    assert.are.same({}, c:document(1).meta)
    assert.matches("option metadata must be", h.error_of(samtal.open, "corpus", { metadata = 3 }))
  end)

  it("filters statistics, concordances and queries by a column, as the single documents count", function()
    local c = samtal.open(corpus_dir("metadata.csv", CSV))
    local only_a = samtal.open("corpus/" .. A)
    local expected = only_a:count("vård")
    assert.is_true(expected > 0 and expected < c:count("vård"))
    assert.are.equal(expected, c:count('vård @year = "2023"'))
    assert.are.equal(c:count("vård") - expected, c:count('vård @year != "2023"'))
    assert.are.equal(expected, c:count('vård @host = "Lena*"'))
    assert.are.equal(expected, #c:kwic("vård", { meta = { year = "2023" } }))
    assert.are.equal(expected, #c:kwic("vård", { meta = { year = { "1990", "2023" } } }))
    local f, g = c:freq { meta = { year = "2023" } }, only_a:freq()
    assert.are.equal(g.meta.total, f.meta.total)
    for i = 1, 10 do
      assert.are.equal(g[i].form, f[i].form)
      assert.are.equal(g[i].freq, f[i].freq)
    end
    local n = 0
    for _ in c:tokens { meta = { episode = "2" } } do n = n + 1 end
    assert.are.equal(samtal.open("corpus/" .. B):stats().tokens, n)
    assert.are.equal(0, #c:freq { meta = { year = "1066" } })
  end)

  describe("in a saved corpus", function()
    local function saved(c)
      local path = h.tempfile("", ".samtal")
      c:save(path)
      return samtal.open(path), path
    end

    it("keeps every document's row and the columns in order, and the filters answer alike", function()
      local c = samtal.open(corpus_dir("metadata.json",
        '[{"doc": "' .. A .. '", "year": 2023, "note": "a\\u0000b, \\"q\\""}, {"file": "' .. B .. '", "zeta": "z"}]'))
      local d = saved(c)
      assert.are.same(c:metadata_columns(), d:metadata_columns())
      assert.are.equal(5, #d:metadata_columns()) -- doc, year, note, file, zeta
      for i = 1, 2 do assert.are.same(c:document(i).meta, d:document(i).meta) end
      assert.are.equal('a\0b, "q"', d:document(1).meta.note)
      assert.are.same({ file = B, zeta = "z" }, d:document(2).meta)
      local expected = samtal.open("corpus/" .. A):count("vård")
      assert.are.equal(expected, d:count('vård @year = "2023"'))
      assert.are.equal(expected, #d:kwic("vård", { meta = { year = "2023" } }))
      assert.are.equal(d:count("vård") - expected, d:count('vård @zeta = "z"'))
      -- saved again from the mapped corpus: the same again
      local e = saved(d)
      assert.are.same(d:metadata_columns(), e:metadata_columns())
      for i = 1, 2 do assert.are.same(d:document(i).meta, e:document(i).meta) end
    end)

    it("keeps a CSV sidecar's rows, with a document that has none", function()
      local dir = corpus_dir("metadata.csv", "doc,year\n" .. B .. ",2024\n")
      local d = saved(samtal.open(dir))
      assert.are.same({}, d:document(1).meta)
      assert.are.same({ doc = B, year = "2024" }, d:document(2).meta)
      assert.are.same({ "doc", "year" }, d:metadata_columns())
    end)

    it("drops it with {metadata = false}, and a sidecar named at open replaces it", function()
      local _, path = saved(samtal.open(corpus_dir("metadata.csv", CSV)))
      assert.are.same({}, samtal.open(path, { metadata = false }):document(1).meta)
      assert.are.same({}, samtal.open(path, { metadata = false }):metadata_columns())
      local tsv = h.tempfile("name\tyear\n" .. A .. "\t1999\n", ".tsv")
      local d = samtal.open(path, { metadata = tsv })
      assert.are.same({ name = A, year = "1999" }, d:document(1).meta)
      assert.are.same({}, d:document(2).meta)
    end)

    it("keeps none when the corpus has none", function()
      local d = saved(samtal.open("corpus"))
      assert.is_nil(d:saved_metadata())
      assert.are.same({}, d:metadata_columns())
    end)
  end)

  it("names an unknown column, a row that names no document, and a malformed file", function()
    local c = samtal.open(corpus_dir("metadata.csv", CSV))
    assert.matches("no metadata column 'yeer' %(known: doc, episode, year, host%)",
      h.error_of(c.freq, c, { meta = { yeer = "1" } }))
    assert.matches("unknown field @yeer %(known: speaker, doc, path, title, episode, year, host%)",
      h.error_of(c.count, c, 'x @yeer = "1"'))
    local err = h.error_of(samtal.open, corpus_dir("metadata.csv", "doc,year\nnone.txt,1\n"))
    assert.matches("metadata.csv: line 2 names no document of the corpus: \"none.txt\"", err)
    err = h.error_of(samtal.open, corpus_dir("metadata.csv", "doc,year\n" .. A .. ",1,2\n"))
    assert.matches("metadata.csv:2: 3 fields, the header has 2", err)
    err = h.error_of(samtal.open, corpus_dir("metadata.csv", "year\n1\n"))
    assert.matches("no column names the document", err)
    err = h.error_of(samtal.open, corpus_dir("metadata.csv", 'doc,note\n' .. A .. ',"open\n'))
    assert.matches("metadata.csv:2: unterminated quoted field", err)
    err = h.error_of(samtal.open, corpus_dir("metadata.json", '[{"doc": "x"'))
    assert.matches("metadata.json: invalid JSON", err)
    err = h.error_of(samtal.open, corpus_dir("metadata.csv", "doc,y\n" .. A .. ",1\n" .. A .. ",2\n"))
    assert.matches("line 3: a second row for", err)
  end)
end)

describe("samtal.metadata.parse_csv", function()
  it("reads RFC 4180: quotes, doubled quotes, line breaks in fields, CRLF, a BOM, no final newline", function()
    local recs = metadata.parse_csv('\239\187\191a,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z', "t.csv")
    assert.are.same({ "a", "b" }, { recs[1][1], recs[1][2] })
    assert.are.same({ "x, y", 'say "hi"' }, { recs[2][1], recs[2][2] })
    assert.are.same({ "two\nlines", "z" }, { recs[3][1], recs[3][2] })
    assert.are.same({ 1, 2, 3 }, { recs[1].line, recs[2].line, recs[3].line })
  end)

  it("reads TSV when the header has a tab, and keeps empty fields", function()
    local recs = metadata.parse_csv("a\tb\tc\n1\t\t3\n", "t.tsv")
    assert.are.same({ "1", "", "3" }, { recs[2][1], recs[2][2], recs[2][3] })
  end)
end)
