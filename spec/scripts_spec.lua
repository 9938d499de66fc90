-- Shareable scripts: samtal.script{} (arguments, --help, exit statuses, the corpus and its
-- fingerprint), c:fingerprint(), the provenance CSV, TSV and JSON carry, and every script in
-- scripts/ run on corpus/ as a user runs it, its numbers worked out again here from the API.
local h = require "helpers"
local samtal = require "samtal"
local cjson = require "cjson"

local CMD = "build/bin/samtal"

--- Runs the samtal command with a shell-quoted argument list; stdout, stderr, exit status.
local function run(...)
  local parts = { CMD }
  for _, a in ipairs { ... } do parts[#parts + 1] = h.q(a) end
  return h.run(table.concat(parts, " "))
end

--- RFC 4180 records (CRLF between them, quoted fields with doubled quotes) as rows keyed by the
-- header's names, and the header.
local function read_csv(s)
  local records, fields, i, n = {}, {}, 1, #s
  while i <= n do
    local field
    if s:sub(i, i) == '"' then
      local parts = {}
      i = i + 1
      while true do
        local q = assert(s:find('"', i, true), "unterminated quoted field")
        parts[#parts + 1] = s:sub(i, q - 1)
        if s:sub(q + 1, q + 1) ~= '"' then i = q + 1; break end
        parts[#parts + 1] = '"'
        i = q + 2
      end
      field = table.concat(parts)
    else
      local stop = s:find("[,\r\n]", i) or n + 1
      field = s:sub(i, stop - 1)
      i = stop
    end
    fields[#fields + 1] = field
    if s:sub(i, i) == "," then
      i = i + 1
    else
      assert(s:sub(i, i + 1) == "\r\n", "records end in CRLF")
      records[#records + 1] = fields
      fields = {}
      i = i + 2
    end
  end
  local header, rows = table.remove(records, 1), {}
  for r, rec in ipairs(records) do
    assert(#rec == #header, "record " .. r .. " has " .. #rec .. " fields, the header " .. #header)
    local row = {}
    for j, name in ipairs(header) do row[name] = rec[j] end
    rows[r] = row
  end
  return rows, header
end

local function close_to(expected, got, what)
  got = tonumber(got)
  assert(got, what .. ": no number")
  assert(math.abs(expected - got) <= 1e-9 * math.max(1, math.abs(expected)),
    ("%s: expected %.15g, got %.15g"):format(what, expected, got))
end

--- The files of scripts/, sorted.
local function scripts()
  local p = io.popen("ls scripts/*.lua")
  local out = {}
  for line in p:lines() do out[#out + 1] = line end
  p:close()
  return out
end

-- An XXH64 of its own, from the specification, to work out a fingerprint without samtal ---------

local P1, P2, P3, P4, P5 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
  0x27D4EB2F165667C5 -- Lua 5.4's integers wrap around, as XXH64's arithmetic does

local function rotl(x, r) return (x << r) | (x >> (64 - r)) end
local function xround(acc, w) return rotl(acc + w * P2, 31) * P1 end

local function xxh64(s)
  local n, i, acc = #s, 1
  if n >= 32 then
    local v = { P1 + P2, P2, 0, -P1 }
    while i + 31 <= n do
      for k = 1, 4 do v[k] = xround(v[k], (string.unpack("<i8", s, i + 8 * (k - 1)))) end
      i = i + 32
    end
    acc = rotl(v[1], 1) + rotl(v[2], 7) + rotl(v[3], 12) + rotl(v[4], 18)
    for k = 1, 4 do acc = (acc ~ xround(0, v[k])) * P1 + P4 end
  else
    acc = P5
  end
  acc = acc + n
  while i + 7 <= n do
    acc = rotl(acc ~ xround(0, (string.unpack("<i8", s, i))), 27) * P1 + P4
    i = i + 8
  end
  if i + 3 <= n then
    acc = rotl(acc ~ (string.unpack("<I4", s, i) * P1), 23) * P2 + P3
    i = i + 4
  end
  for k = i, n do acc = rotl(acc ~ (s:byte(k) * P5), 11) * P1 end
  acc = (acc ~ (acc >> 33)) * P2
  acc = (acc ~ (acc >> 29)) * P3
  return ("%016x"):format(acc ~ (acc >> 32))
end

local function u64(n) return string.pack("<I8", n) end
local function str(s) return u64(#s) .. s end

--- A corpus opened from one file called `name`, holding `bytes`, in a directory of its own (two
-- such corpora differ in nothing but the bytes).
local function opened_as(name, bytes)
  local dir = os.tmpname()
  os.remove(dir)
  assert(os.execute("mkdir " .. h.q(dir)))
  local f = assert(io.open(dir .. "/" .. name, "wb"))
  f:write(bytes)
  f:close()
  local c = samtal.open(dir .. "/" .. name)
  os.execute("rm -rf " .. h.q(dir))
  return c
end

describe("c:fingerprint()", function()
  after_each(h.cleanup)

  it("is XXH64 over the documents' names, encodings, texts and turns, as fingerprint.h lays it out", function()
    -- the Lua XXH64 first passes the published test values
    assert.are.equal("ef46db3751d8e999", xxh64(""))
    assert.are.equal("d24ec4f1a98c6e5b", xxh64("a"))
    assert.are.equal("44bc2cf5ad770999", xxh64("abc"))
    assert.are.equal("fbcea83c8a378bf1", xxh64("Nobody inspects the spammish repetition"))
    -- corpus/ is UTF-8 with LF line ends in NFC: its normalised text is the files' bytes, and
    -- offsets in the text are offsets in the files
    local c = samtal.open("corpus")
    local input = { str("samtal corpus fingerprint 1"), u64(0), u64(0), u64(#c:documents()) }
    for i, d in ipairs(c:documents()) do
      input[#input + 1] = str(d.name) .. str(d.encoding) .. str(h.read(d.path)) .. u64(d.turns)
      for t in c:turns { doc = i } do
        input[#input + 1] = (t.speaker and str(t.speaker) or string.pack("<i8", -1)) .. string.pack("<d", t.start or -1)
          .. u64(t.offset) .. u64(t.offset + t.length)
      end
    end
    assert.are.equal(xxh64(table.concat(input)), c:fingerprint())
  end)

  it("is the same for the same transcripts loaded again, copied elsewhere or saved and mapped back", function()
    local fp = samtal.open("corpus"):fingerprint()
    assert.matches("^%x+$", fp)
    assert.are.equal(16, #fp)
    assert.are.equal(fp, samtal.open("corpus"):fingerprint())
    assert.are.equal(fp, samtal.open({ h.seed_inline, h.seed_blocks }):fingerprint())
    local saved = h.tempfile("", ".samtal")
    samtal.open("corpus"):save(saved)
    assert.are.equal(fp, samtal.open(saved):fingerprint())
    -- another directory, the same file names and bytes
    local dir = os.tmpname()
    os.remove(dir)
    assert(os.execute("mkdir " .. h.q(dir) .. " && cp corpus/*.txt " .. h.q(dir)))
    local copied = samtal.open(dir):fingerprint()
    os.execute("rm -rf " .. h.q(dir))
    assert.are.equal(fp, copied)
    -- forcing the encoding that detection finds reads the same text the same way
    assert.are.equal(fp, samtal.open("corpus", { encoding = "utf-8" }):fingerprint())
  end)

  it("changes with one byte of text, a document's name, the order, or a load option", function()
    local fp = samtal.open("corpus"):fingerprint()
    local text = h.read(h.seed_inline)
    local at = text:find("samverkan", 1, true)
    local edited = h.tempfile(text:sub(1, at - 1) .. "Samverkan" .. text:sub(at + 9), ".txt")
    local seen = { [fp] = "corpus/" }
    local function differs(what, c)
      local other = c:fingerprint()
      assert.is_nil(seen[other], what .. " has the fingerprint of " .. tostring(seen[other]))
      seen[other] = what
    end
    differs("one byte changed", samtal.open({ edited, h.seed_blocks }))
    differs("another name", samtal.open({ h.tempfile(text, ".txt"), h.seed_blocks }))
    differs("the other order", samtal.open({ h.seed_blocks, h.seed_inline }))
    differs("one document", samtal.open(h.seed_inline))
    differs("hyphens", samtal.open("corpus", { hyphens = true }))
    differs("invalid = replace", samtal.open("corpus", { invalid = "replace" }))
    differs("encoding = cp1252", samtal.open("corpus", { encoding = "cp1252" }))
    -- the same name, text and turns, another speaker: a WebVTT voice is not in the text
    local cues = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Anna>Hej där.\n\n"
      .. "00:00:03.000 --> 00:00:04.000\n<v %s>Hej.\n"
    local vtt = { opened_as("x.vtt", cues:format("Bo")), opened_as("x.vtt", cues:format("Bi")) }
    local function turns(c)
      local out = {}
      for t in c:turns() do out[#out + 1] = { t.text, t.offset, t.length, t.start } end
      return out
    end
    assert.are.same(turns(vtt[1]), turns(vtt[2]))
    differs("Bo in WebVTT", vtt[1])
    differs("Bi in WebVTT", vtt[2])
    -- the same words in VRT, one lemma changed: positional attributes are part of it too
    local vrt = "<!-- #vrt positional-attributes: word pos lemma -->\n<text>\n<u who=\"ANNA\">\n<s>\n"
      .. "Vården\tNN\t%s\när\tVB\tvara\n</s>\n</u>\n</text>\n"
    differs("lemma vård", opened_as("x.vrt", vrt:format("vård")))
    differs("lemma vården", opened_as("x.vrt", vrt:format("vården")))
    -- the options are part of a saved corpus, so its fingerprint keeps them
    local saved = h.tempfile("", ".samtal")
    samtal.open("corpus", { hyphens = true }):save(saved)
    assert.are.equal(samtal.open("corpus", { hyphens = true }):fingerprint(), samtal.open(saved):fingerprint())
  end)

  it("refuses a closed corpus, cached or not", function()
    local c = samtal.open(h.seed_inline)
    c:fingerprint()
    c:close()
    assert.matches("closed samtal.Corpus", h.error_of(c.fingerprint, c))
  end)
end)

describe("provenance in CSV, TSV and JSON", function()
  local c = samtal.open("corpus")
  local fp = c:fingerprint()

  it("is left out unless asked for: the outputs are as they were", function()
    local res = c:freq():head(3)
    assert.are.equal(res:csv(), res:csv(nil, {}))
    assert.truthy(res:json():match("^%[\n"))
    assert.truthy(res:csv():match("^rank,form,freq,per10k,range\r\n"))
  end)

  it("wraps JSON rows in an object with samtal's version and the fingerprint", function()
    local res = c:freq():head(3)
    local doc = cjson.decode(res:json { provenance = c })
    assert.are.equal(samtal._VERSION, doc.samtal)
    assert.are.equal(fp, doc.fingerprint)
    assert.are.same(cjson.decode(res:json()), doc.rows)
    local hits = c:kwic("det vill säga")
    doc = cjson.decode(hits:json { provenance = true }) -- the hits' own corpus
    assert.are.equal(fp, doc.fingerprint)
    assert.are.same(cjson.decode(hits:json()), doc.rows)
    local quotes = c:quotes { match = "samverkan" }
    doc = cjson.decode(quotes:json { provenance = true })
    assert.are.equal(fp, doc.fingerprint)
    assert.are.equal(#quotes, #doc.rows)
    assert.are.same({ samtal = samtal._VERSION, fingerprint = fp, rows = {} },
      cjson.decode(c:kwic("blåbärssoppa"):json { provenance = true }))
  end)

  it("adds the columns samtal and fingerprint to every CSV and TSV row", function()
    local res = c:freq():head(3)
    local rows, header = read_csv(res:csv { provenance = c })
    assert.are.same({ "rank", "form", "freq", "per10k", "range", "samtal", "fingerprint" }, header)
    for i, row in ipairs(rows) do
      assert.are.equal(res[i].form, row.form)
      assert.are.equal(samtal._VERSION, row.samtal)
      assert.are.equal(fp, row.fingerprint)
    end
    local tsv = res:tsv { provenance = c }
    assert.truthy(tsv:match("^rank\tform\tfreq\tper10k\trange\tsamtal\tfingerprint\n"))
    assert.truthy(tsv:find("\t" .. samtal._VERSION .. "\t" .. fp .. "\n", 1, true))
    rows, header = read_csv(c:kwic("nära vård"):csv { provenance = true })
    assert.are.equal("fingerprint", header[#header])
    assert.are.equal(c:count("nära vård"), #rows)
    rows = read_csv(c:quotes { match = "samverkan" }:csv { provenance = c })
    assert.are.equal(fp, rows[1].fingerprint)
    -- a file written with provenance is still a frequency list keywords can read
    local path = h.tempfile("", ".csv")
    c:freq { doc = 2 }:csv(path, { provenance = c })
    local with = c:keywords { target = { doc = 1 }, reference = path }
    local without = c:keywords { target = { doc = 1 }, reference = { doc = 2 } }
    assert.are.equal(#without, #with)
    assert.are.equal(without[1].form, with[1].form)
    h.cleanup()
  end)

  it("raises on a provenance it cannot use, naming the method", function()
    local res = c:freq():head(1)
    assert.matches("csv: provenance = true needs a result that knows its corpus",
      h.error_of(res.csv, res, { provenance = true }))
    assert.matches("json: unknown option 'provenace'", h.error_of(res.json, res, { provenace = c }))
    assert.matches("provenance must be a samtal.Corpus", h.error_of(res.tsv, res, { provenance = "x" }))
  end)
end)

describe("samtal.script{}", function()
  after_each(h.cleanup)

  it("parses arguments by name, converting types and filling in defaults", function()
    local args = samtal.script({
      name = "t",
      args = { { "query", "a query" } },
      options = {
        { "--width", "n", type = "integer", min = 0, default = 6 },
        { "--alpha", "a", type = "number", default = 0.05 },
        { "--sort", "levels", type = "list" },
        { "--case", "exact", type = "flag" },
        { "--min-words", "n", type = "integer" },
        { "-o --output", "file", default = "plot.svg" },
      },
      format = true,
      corpus = true,
    }, { [0] = "t.lua", "--sort", "R1,L2", "--min-words", "4", "-o", "x.svg", "nära", h.seed_inline })
    assert.are.equal("nära", args.query)
    assert.are.equal(6, args.width)
    assert.are.equal(0.05, args.alpha)
    assert.are.same({ "R1", "L2" }, args.sort)
    assert.are.equal(false, args.case)
    assert.are.equal(4, args.min_words)
    assert.are.equal("x.svg", args.output)
    assert.are.equal("text", args.format)
    assert.are.same({ h.seed_inline }, args.paths)
    assert.are.equal(samtal.open(h.seed_inline):fingerprint(), args.corpus:fingerprint())
  end)

  it("raises on a malformed declaration: the author's mistake, not the user's", function()
    assert.matches("samtal.script: fingerprint must be 16 hex digits",
      h.error_of(samtal.script, { name = "t", fingerprint = "abc" }, {}))
    assert.matches("the name 'corpus' is samtal.script's own",
      h.error_of(samtal.script, { name = "t", options = { { "--corpus", "x" } } }, {}))
    assert.matches("unknown type 'int'",
      h.error_of(samtal.script, { name = "t", options = { { "--n", "x", type = "int" } } }, {}))
    assert.matches("name must be a string", h.error_of(samtal.script, {}, {}))
  end)

  it("prints --help and exits 0 for every script in scripts/", function()
    local all = scripts()
    assert.truthy(#all >= 10)
    for _, path in ipairs(all) do
      assert.truthy(h.read(path):find("samtal.script {", 1, true), path .. " declares itself with samtal.script")
      local out, err, code = run(path, "--help")
      assert.are.equal(0, code, path .. ": " .. err)
      assert.truthy(out:find("^usage: samtal " .. path:gsub("%p", "%%%0")), path .. ": " .. out)
      assert.truthy(out:find("-h, --help", 1, true), path)
    end
  end)

  it("explains bad usage and exits 2: unknown option, bad value, missing PATH", function()
    local _, err, code = run("scripts/freq.lua", "--frobnicate", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("freq: unknown option '--frobnicate'", 1, true), err)
    assert.truthy(err:find("usage: samtal scripts/freq.lua", 1, true), err)
    _, err, code = run("scripts/freq.lua", "--min", "many", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("--min needs a whole number (1 or more), not 'many'", 1, true), err)
    _, err, code = run("scripts/freq.lua", "--by", "lemma", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("must be one of 'lower', 'form', 'stem'", 1, true), err)
    _, err, code = run("scripts/freq.lua")
    assert.are.equal(2, code)
    assert.truthy(err:find("missing argument 'path'", 1, true), err)
    _, err, code = run("scripts/freq.lua", "--format", "xml", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("'text', 'csv', 'tsv', 'json'", 1, true), err)
  end)

  it("exits 2 with the loader's message when the corpus does not open", function()
    local _, err, code = run("scripts/freq.lua", "corpus/none.txt")
    assert.are.equal(2, code)
    assert.truthy(err:find("freq: cannot open corpus/none.txt", 1, true), err)
    _, err, code = run("scripts/freq.lua", "--speaker", "NOBODY", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:match("^freq: freq: no speaker \"NOBODY\""), err) -- no Lua position in front
  end)

  it("warns on stderr, and goes on, when the corpus is not the one the script declares", function()
    local fp = samtal.open("corpus"):fingerprint()
    local source = [[
local args = samtal.script { name = "fp", fingerprint = %s, corpus = true }
print(#args.corpus:documents())
]]
    local wrong = h.tempfile(source:format('"0123456789abcdef"'), ".lua")
    local out, err, code = run(wrong, "corpus")
    local _
    assert.are.equal(0, code)
    assert.are.equal("2\n", out)
    assert.truthy(err:find("fp: warning: this script was written for the corpus with fingerprint "
      .. "0123456789abcdef, and this one has " .. fp, 1, true), err)
    local right = h.tempfile(source:format(("%q"):format(fp)), ".lua")
    out, err, code = run(right, "corpus")
    assert.are.equal(0, code)
    assert.are.equal("2\n", out)
    assert.are.equal("", err)
    local either = h.tempfile(source:format(('{ "0123456789abcdef", %q }'):format(fp:upper())), ".lua")
    _, err = run(either, "corpus")
    assert.are.equal("", err)
    _, err = run(right, h.seed_inline)
    assert.truthy(err:find("fp: warning:", 1, true))
  end)

  it("writes JSON with provenance always, CSV with it on --provenance only", function()
    local c = samtal.open("corpus")
    local out = run("scripts/freq.lua", "--top", "2", "--format", "json", "corpus")
    local doc = cjson.decode(out)
    assert.are.equal(samtal._VERSION, doc.samtal)
    assert.are.equal(c:fingerprint(), doc.fingerprint)
    assert.are.same(cjson.decode(c:freq():head(2):json()), doc.rows)
    out = run("scripts/freq.lua", "--top", "2", "--format", "csv", "corpus")
    assert.are.equal(c:freq():head(2):csv(), out)
    out = run("scripts/freq.lua", "--top", "2", "--format", "csv", "--provenance", "corpus")
    assert.are.equal(c:freq():head(2):csv { provenance = c }, out)
    out = run("scripts/freq.lua", "--top", "2", "--format", "tsv", "--provenance", "corpus")
    assert.are.equal(c:freq():head(2):tsv { provenance = c }, out)
  end)
end)

describe("scripts/freq.lua", function()
  local c = samtal.open("corpus")

  it("lists every form with the counts of c:freq()", function()
    local out, err, code = run("scripts/freq.lua", "--format", "csv", "corpus")
    assert.are.equal(0, code, err)
    local rows = read_csv(out)
    local expected = c:freq()
    assert.are.equal(#expected, #rows)
    for i, row in ipairs(rows) do
      local e = expected[i]
      assert.are.same({ tostring(e.rank), e.form, tostring(e.freq), tostring(e.range) },
        { row.rank, row.form, row.freq, row.range })
      close_to(e.per10k, row.per10k, row.form)
    end
  end)

  it("counts one speaker's words as c:count does, and keeps the top of each group", function()
    local out = run("scripts/freq.lua", "--speaker", "LENA", "--min", "5", "--format", "csv", "corpus")
    local rows = read_csv(out)
    assert.are.equal(#c:freq { speaker = "LENA", min = 5 }, #rows)
    for i = 1, 10 do
      local form = rows[i].form
      assert.are.equal(c:count(('"%s"%%c @speaker = "LENA"'):format(form)), tonumber(rows[i].freq), form)
    end
    for _, row in ipairs(rows) do assert.truthy(tonumber(row.freq) >= 5) end
    rows = read_csv(run("scripts/freq.lua", "--group", "doc", "--top", "2", "--format", "csv", "corpus"))
    assert.are.equal(4, #rows)
    for d, name in ipairs { c:document(1).name, c:document(2).name } do
      local own = c:freq { doc = d }
      for k = 1, 2 do
        local row = rows[(d - 1) * 2 + k]
        assert.are.same({ name, own[k].form, tostring(own[k].freq) }, { row.doc, row.form, row.freq })
      end
    end
  end)
end)

describe("scripts/collocates.lua", function()
  local c = samtal.open("corpus")

  it("gives the rows of c:collocates, each collocate's total its count in the corpus", function()
    local out, err, code = run("scripts/collocates.lua", "--window", "3", "--min", "2", "--format", "csv", "vård",
      "corpus")
    assert.are.equal(0, code, err)
    local rows = read_csv(out)
    local expected = c:collocates("vård", { window = 3, min = 2 })
    assert.are.equal(#expected, #rows)
    assert.truthy(#rows > 5)
    for i, row in ipairs(rows) do
      assert.are.equal(expected[i].collocate, row.collocate)
      assert.are.equal(expected[i].freq, tonumber(row.freq))
      close_to(expected[i].logdice, row.logdice, row.collocate)
      if row.collocate:match("^[%a\128-\255]+$") then -- a plain word: no wildcard, no query syntax
        assert.are.equal(c:count(row.collocate), tonumber(row.total), row.collocate)
      end
      assert.truthy(tonumber(row.freq) <= tonumber(row.total))
    end
    -- sorted by the measure asked for
    rows = read_csv(run("scripts/collocates.lua", "--measure", "ll", "--top", "5", "--format", "csv", "vård", "corpus"))
    assert.are.equal(5, #rows)
    for i = 2, #rows do assert.truthy(tonumber(rows[i - 1].ll) >= tonumber(rows[i].ll)) end
  end)
end)

describe("scripts/keywords.lua", function()
  after_each(h.cleanup)
  local c = samtal.open("corpus")

  it("gives a speaker's keywords against the rest, with counts c:count agrees with", function()
    local out, err, code = run("scripts/keywords.lua", "--speaker", "LENA", "--format", "csv", "corpus")
    assert.are.equal(0, code, err)
    local rows = read_csv(out)
    local expected = c:keywords { target = { speaker = "LENA" } }
    assert.are.equal(#expected, #rows)
    for i, row in ipairs(rows) do
      assert.are.equal(expected[i].form, row.form)
      local mine = c:count(('"%s"%%c @speaker = "LENA"'):format(row.form))
      assert.are.equal(mine, tonumber(row.freq), row.form)
      assert.are.equal(c:count(('"%s"%%c'):format(row.form)) - mine, tonumber(row.ref_freq), row.form)
      close_to(expected[i].ll, row.ll, row.form)
    end
  end)

  it("compares every speaker with the others, or a document with a frequency list file", function()
    local rows = read_csv(run("scripts/keywords.lua", "--each", "speaker", "--significant", "--format", "csv", "corpus"))
    local expected = c:keywords { each = "speaker" }:filter(function(r) return r.significant end)
    assert.are.equal(#expected, #rows)
    for i, row in ipairs(rows) do
      assert.are.same({ expected[i].speaker, expected[i].form }, { row.speaker, row.form })
      assert.are.equal("true", row.significant)
    end
    local list = h.tempfile(run("scripts/freq.lua", "--doc", "2", "--format", "csv", "corpus"), ".csv")
    rows = read_csv(run("scripts/keywords.lua", "--doc", "1", "--reference", list, "--format", "csv", "corpus"))
    expected = c:keywords { target = { doc = 1 }, reference = { doc = 2 } }
    assert.are.equal(#expected, #rows)
    for i, row in ipairs(rows) do
      assert.are.same({ expected[i].form, expected[i].freq, expected[i].ref_freq },
        { row.form, tonumber(row.freq), tonumber(row.ref_freq) })
    end
  end)

  it("refuses a target together with --each, and --reference without a target", function()
    local _, err, code = run("scripts/keywords.lua", "--speaker", "LENA", "--each", "doc", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("not both", 1, true))
    _, err, code = run("scripts/keywords.lua", "--reference", "corpus", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("--reference needs a target", 1, true))
  end)
end)

describe("scripts/plot.lua", function()
  after_each(h.cleanup)
  local c = samtal.open("corpus")

  it("draws a tick per match in each document's strip, and prints c:dispersion", function()
    local svg = h.tempfile("", ".svg")
    local out, err, code = run("scripts/plot.lua", "-o", svg, "--format", "csv", "nära vård", "corpus")
    assert.are.equal(0, code, err)
    local text = h.read(svg)
    assert.truthy(text:match("^<%?xml"))
    local strips = {}
    for strip in text:gmatch('<g class="strip">(.-)</g>') do
      local name = strip:match("<title>(.-): ")
      local ticks = select(2, (strip:match('class="hits" d="([^"]*)"') or ""):gsub("M", ""))
      strips[#strips + 1] = { name, ticks }
    end
    assert.are.equal(2, #strips)
    for i, s in ipairs(strips) do
      local name = c:document(i).name
      assert.are.same({ name, c:count(('nära vård @doc = "%s"'):format(name)) }, s)
    end
    local rows = read_csv(out)
    local expected = c:dispersion("nära vård")[1]
    assert.are.equal(1, #rows)
    assert.are.same({ "nära vård", tostring(c:count("nära vård")), "2" }, { rows[1].query, rows[1].freq, rows[1].range })
    close_to(expected.dp, rows[1].dp, "dp")
    close_to(expected.juilland_d, rows[1].juilland_d, "juilland_d")
    assert.truthy(err:find("plot: wrote " .. svg, 1, true))
  end)

  it("exits 2 on a query it cannot read", function()
    local _, err, code = run("scripts/plot.lua", "-o", h.tempfile("", ".svg"), "[word=", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("query syntax error", 1, true), err)
  end)
end)

describe("scripts/compare.lua", function()
  local c = samtal.open("corpus")
  local a_name, b_name = c:document(1).name, c:document(2).name

  it("sets each speaker's talk in document A beside B, as c:talk{group = \"doc\"} counts it", function()
    local out, err, code = run("scripts/compare.lua", "--format", "csv", "corpus")
    assert.are.equal(0, code, err)
    local rows = read_csv(out)
    local talk = {}
    for _, r in ipairs(c:talk { group = "doc" }) do talk[r.doc .. "/" .. r.speaker] = r end
    assert.are.equal(#c:speakers(), #rows)
    local share = { a = 0, b = 0 }
    for _, row in ipairs(rows) do
      for side, doc in pairs { a = a_name, b = b_name } do
        local t = talk[doc .. "/" .. row.speaker]
        assert.are.equal(t and t.words or 0, tonumber(row[side .. "_words"]), row.speaker)
        assert.are.equal(t and t.turns or 0, tonumber(row[side .. "_turns"]), row.speaker)
        close_to(t and t.share or 0, row[side .. "_share"], row.speaker)
        share[side] = share[side] + tonumber(row[side .. "_share"])
      end
    end
    -- and the words are the documents' own: the turns of each add up to them
    for side, d in pairs { a = 1, b = 2 } do
      local words = 0
      for t in c:turns { doc = d } do words = words + t.words end
      local sum = 0
      for _, row in ipairs(rows) do sum = sum + tonumber(row[side .. "_words"]) end
      assert.are.equal(words, sum)
      close_to(100, share[side], "shares of " .. side)
    end
  end)

  it("gives A's keywords against B and B's against A", function()
    local rows = read_csv(run("scripts/compare.lua", "--show", "keywords", "--format", "csv", "corpus"))
    local ab = c:keywords { target = { doc = 1 }, reference = { doc = 2 } }
    local ba = c:keywords { target = { doc = 2 }, reference = { doc = 1 } }
    assert.are.equal(#ab + #ba, #rows)
    for i, row in ipairs(rows) do
      local side, e = row.side, i <= #ab and ab[i] or ba[i - #ab]
      assert.are.equal(i <= #ab and "A" or "B", side)
      assert.are.equal(e.form, row.form)
      local a_freq, b_freq = side == "A" and e.freq or e.ref_freq, side == "A" and e.ref_freq or e.freq
      assert.are.same({ a_freq, b_freq }, { tonumber(row.a_freq), tonumber(row.b_freq) })
      assert.are.equal(c:count(('"%s"%%c @doc = "%s"'):format(e.form, a_name)), a_freq, e.form)
    end
  end)

  it("lists the words both documents use, counted from their tokens", function()
    local out, err, code = run("scripts/compare.lua", "--show", "shared", "--a", b_name, "--b", "1", "--format", "csv",
      "corpus")
    assert.are.equal(0, code, err)
    local counts = {}
    for d = 1, 2 do
      counts[d] = {}
      for tok in c:tokens { doc = d } do
        if tok.kind == "word" or tok.kind == "number" then counts[d][tok.folded] = (counts[d][tok.folded] or 0) + 1 end
      end
    end
    local shared = 0
    for form in pairs(counts[1]) do if counts[2][form] then shared = shared + 1 end end
    local rows = read_csv(out)
    assert.are.equal(shared, #rows)
    for _, row in ipairs(rows) do -- A is document 2 here
      assert.are.same({ counts[2][row.form], counts[1][row.form] }, { tonumber(row.a_freq), tonumber(row.b_freq) })
    end
    local text = run("scripts/compare.lua", "--show", "shared", "--top", "3", "corpus")
    assert.truthy(text:find(("shared vocabulary: %d words both use"):format(shared), 1, true), text)
  end)

  it("exits 2 on a document the corpus does not have, or the same one twice", function()
    local _, err, code = run("scripts/compare.lua", "--a", "3", "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("no document 3 for --a", 1, true), err)
    _, err, code = run("scripts/compare.lua", "--a", "2", "--b", b_name, "corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("the same document", 1, true), err)
  end)
end)

describe("scripts/kwic.lua", function()
  it("writes every hit as JSON, with the corpus fingerprint", function()
    local c = samtal.open("corpus")
    local out, err, code = run("scripts/kwic.lua", "--format", "json", "nära vård", "corpus")
    assert.are.equal(0, code, err)
    local doc = cjson.decode(out)
    assert.are.equal(c:fingerprint(), doc.fingerprint)
    assert.are.equal(c:count("nära vård"), #doc.rows)
    assert.are.same(cjson.decode(c:kwic("nära vård"):json()), doc.rows)
  end)
end)

describe("scripts/speakers.lua", function()
  it("writes c:talk{group = \"doc\"}'s turns, words and shares as CSV", function()
    local out, err, code = run("scripts/speakers.lua", "--format", "csv", "corpus")
    assert.are.equal(0, code, err)
    local rows, header = read_csv(out)
    assert.are.same({ "doc", "speaker", "turns", "words", "share" }, header)
    local talk = samtal.open("corpus"):talk { group = "doc" }
    assert.are.equal(#talk, #rows)
    for i, row in ipairs(rows) do
      assert.are.same({ talk[i].doc, talk[i].speaker, talk[i].turns, talk[i].words },
        { row.doc, row.speaker, tonumber(row.turns), tonumber(row.words) })
    end
  end)
end)

describe("scripts/quotes.lua", function()
  local c = samtal.open("corpus")

  it("writes the quotes of c:quotes, checked against their source, and exits 1 on none", function()
    local out, err, code = run("scripts/quotes.lua", "--speaker", "LENA", "--min-words", "8", "--format", "csv",
      "samverkan", "corpus")
    assert.are.equal(0, code, err)
    local rows = read_csv(out)
    local expected = c:quotes { match = "samverkan", speaker = "LENA", min_words = 8 }
    assert.truthy(#expected > 0)
    assert.are.equal(#expected, #rows)
    for i, row in ipairs(rows) do
      assert.are.same({ expected[i].text, tostring(expected[i].offset) }, { row.text, row.offset })
      assert.truthy(tonumber(row.words) >= 8)
      -- the source file holds the quote at its offset (LENA speaks in document 1 only)
      local f = assert(io.open(c:document(1).path, "rb"))
      f:seek("set", tonumber(row.offset))
      assert.are.equal(row.text:sub(1, 20), f:read(20))
      f:close()
    end
    out = run("scripts/quotes.lua", "--speaker", "LENA", "samverkan", "corpus")
    assert.truthy(out:find("> — Lena Lundgren (LENA).", 1, true))
    local _
    _, _, code = run("scripts/quotes.lua", "blåbärssoppa", "corpus")
    assert.are.equal(1, code)
    _, _, code = run("scripts/quotes.lua", "--format", "tsv", "samverkan", "corpus")
    assert.are.equal(2, code)
  end)
end)
