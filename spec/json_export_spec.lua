-- c:export("out.json"): samtal's own JSON, and samtal.open reading it back as the same corpus.
-- Every corpus in ../shared/corpora/ and corpus/ goes through the round trip and is compared
-- field by field with the original; the file itself is read by lua-cjson (not samtal's parser)
-- to check that it is valid JSON whose tokens point at their bytes in the original sources.
local samtal = require "samtal"
local h = require "helpers"
local cjson = require "cjson"

--- The corpus written as JSON and opened again.
local function roundtrip(c)
  local path = h.tempfile("", ".json")
  assert.are.equal(path, c:export(path))
  return samtal.open(path), path
end

local function each(n, fn)
  for i = 1, n do fn(i) end
end

--- Requires b to be the corpus a is: documents, speakers, turns, tokens, sentences, events,
-- metadata, fingerprint, and the answers to a few queries.
local function same_corpus(a, b, queries)
  assert.are.equal(a:fingerprint(), b:fingerprint())
  local sa, sb = a:stats(), b:stats()
  assert.are.same(sa, sb)
  assert.are.same(a:documents(), b:documents()) -- names, paths, titles, events, meta...
  assert.are.same(a:speakers(), b:speakers())
  assert.are.same(a:metadata_columns(), b:metadata_columns())
  each(sa.turns, function(i) assert.are.same(a:turn(i), b:turn(i)) end) -- speaker, start, offsets
  each(sa.tokens, function(i) assert.are.same(a:token(i), b:token(i)) end) -- form, kind, sentence
  assert.are.same(a:attributes(), b:attributes())
  for _, q in ipairs(queries or {}) do
    local ha, hb = a:kwic(q), b:kwic(q)
    assert.are.equal(#ha, #hb)
    assert.are.equal(tostring(ha), tostring(hb))
    for k = 1, #ha do assert.are.same(ha[k], hb[k]) end
  end
end

--- The export read by lua-cjson: every token's source range holds its form in the original file
-- (for UTF-8 sources in NFC; returns how many tokens were checked and how many matched).
local function check_against_sources(path)
  local data = cjson.decode(h.read(path))
  local checked, matched = 0, 0
  for _, d in ipairs(data.documents) do
    local src = h.read(d.path)
    for _, t in ipairs(d.tokens) do
      local form, text, source = t[1], t[4], t[5]
      assert.are.equal(form, d.text:sub(text[1] + 1, text[2]))
      if d.encoding == "utf-8" then
        checked = checked + 1
        if src:sub(source[1] + 1, source[2]) == form then matched = matched + 1 end
      end
    end
  end
  return checked, matched
end

local CORPORA = {}
for name in io.popen("ls " .. h.shared):lines() do
  if not name:find("%.") then CORPORA[#CORPORA + 1] = name end
end

describe("JSON export", function()
  after_each(h.cleanup)

  describe("round trip", function()
    it("finds the shared corpora", function()
      assert.is_true(#CORPORA >= 6)
    end)

    for _, name in ipairs(CORPORA) do
      it("gives the same corpus for ../shared/corpora/" .. name, function()
        local c = samtal.open(h.shared .. name)
        local back, path = roundtrip(c)
        local words = {}
        local freq = c:freq()
        for k = 1, 2 do words[#words + 1] = freq[k].form end
        same_corpus(c, back, words)
        local checked, matched = check_against_sources(path)
        -- tokens of UTF-8 sources are their bytes; those of a Podcasting 2.0 or HTML escape, or
        -- of text that NFC changed, are not (none of these corpora has them in any number)
        assert.is_true(matched >= checked * 0.99, ("%d of %d tokens"):format(matched, checked))
      end)
    end

    it("gives the same corpus for corpus/, whose every token is its bytes in the source", function()
      local c = samtal.open("corpus")
      local back, path = roundtrip(c)
      same_corpus(c, back, { "nära vård", "det vill säga", "[kind = \"number\"]" })
      local checked, matched = check_against_sources(path)
      assert.is_true(checked > 3000)
      assert.are.equal(checked, matched)
      -- a quote of the re-read corpus is checked against the original file
      local qa, qb = c:quotes({ min_words = 8 }), back:quotes({ min_words = 8 })
      assert.is_true(#qa > 10)
      assert.are.equal(#qa, #qb)
      for k = 1, #qa do assert.are.same(qa[k], qb[k]) end
    end)

    it("keeps the times of a Podcasting 2.0 transcript exactly, and escaped characters' sources", function()
      local c = samtal.open("spec/fixtures/formats/episode.json")
      local back = roundtrip(c)
      same_corpus(c, back, { "the" })
      local starts = 0
      each(c:stats().turns, function(i)
        if c:turn(i).start then starts = starts + 1 end
        assert.are.equal(c:turn(i).start, back:turn(i).start)
      end)
      assert.is_true(starts > 0)
    end)

    it("keeps the load options: hyphens and invalid come from the file", function()
      local p = h.tempfile("A: vi-känsla och covid-19 \255\n", ".txt")
      local c = samtal.open(p, { hyphens = true, invalid = "replace" })
      local back = roundtrip(c) -- opened without options
      same_corpus(c, back)
      local joined = 0
      for t in back:tokens() do
        if t.form == "vi-känsla" or t.form == "covid-19" then joined = joined + 1 end
      end
      assert.are.equal(2, joined)
      assert.are.equal(1, back:document(1).replacements)
    end)

    it("keeps given tokens and their attributes (VRT)", function()
      local c = samtal.open("corpus")
      local vrt = h.tempfile("", ".vrt")
      c:export(vrt)
      local v = samtal.open(vrt)
      assert.is_true(#v:attributes() > 0)
      same_corpus(v, (roundtrip(v)), { "nära" })
    end)

    it("keeps the metadata of a sidecar, and filters on it answer alike", function()
      local dir = h.tmpname()
      os.remove(dir)
      assert(os.execute("mkdir " .. h.q(dir)))
      local function put(name, bytes)
        local f = assert(io.open(dir .. "/" .. name, "wb"))
        f:write(bytes)
        f:close()
      end
      put("a.txt", "A: hej du\n")
      put("b.txt", "B: hej igen\n")
      put("metadata.csv", 'doc,year,note\na.txt,2023,"say ""hi"", \\ path"\nb.txt,2024,\n')
      local c = samtal.open(dir)
      local back = roundtrip(c)
      os.execute("rm -r " .. h.q(dir))
      same_corpus(c, back, { "hej" })
      assert.are.equal('say "hi", \\ path', back:document(1).meta.note)
      assert.are.same({ "doc", "year", "note" }, back:metadata_columns())
      assert.are.equal(1, #back:kwic("hej", { meta = { year = "2024" } }))
      -- and saved from the import: the metadata the JSON brought is kept too
      local saved = h.tempfile("", ".samtal")
      back:save(saved)
      local mapped = samtal.open(saved)
      assert.are.same(back:metadata_columns(), mapped:metadata_columns())
      assert.are.same(back:document(1).meta, mapped:document(1).meta)
      assert.are.equal(1, #mapped:kwic("hej", { meta = { year = "2024" } }))
    end)
  end)

  describe("strings", function()
    it("escapes quotes, backslashes and control characters, and keeps non-BMP characters", function()
      local text = 'A: Hon sa "hej" och C:\\tmp\\x \1 \31 slut 😀 𝔘nicode\n\nB\\C: "citat" \127 igen\n'
      local c = samtal.open(h.tempfile(text, ".txt"))
      local back, path = roundtrip(c)
      same_corpus(c, back, { "hej", "😀" })
      local data = cjson.decode(h.read(path)) -- an independent parser accepts it
      assert.are.equal(text, data.documents[1].text)
      local forms = {}
      for _, t in ipairs(data.documents[1].tokens) do forms[#forms + 1] = t[1] end
      assert.is_truthy(table.concat(forms, " "):find('" hej "', 1, true))
      assert.is_truthy(table.concat(forms, " "):find("😀", 1, true))
    end)

    it("reads documents without tokens, without turns and without speakers", function()
      local c = samtal.open({ h.tempfile("[musik]\n", ".txt"), h.tempfile("A:\n", ".txt"),
        h.tempfile("Bara text utan talare.\n\nEtt stycke till.\n", ".txt") })
      assert.are.equal(0, c:document(1).turns)
      assert.are.equal(0, c:document(2).tokens)
      assert.are.equal(0, #c:speakers() - 1) -- only A
      same_corpus(c, (roundtrip(c)), { "text" })
    end)
  end)

  describe("damaged files", function()
    local path, bytes
    setup(function()
      path = h.tmpname() .. ".json"
      samtal.open("corpus"):export(path)
      bytes = h.read(path)
    end)
    teardown(function() os.remove(path) end)

    local function open_bytes(b)
      return h.error_of(samtal.open, h.tempfile(b, ".json"))
    end

    it("names file, line and column when the file is cut anywhere", function()
      for _, at in ipairs { 30, 300, #bytes // 3, #bytes // 2, #bytes - 3, #bytes - 2 } do
        local err = open_bytes(bytes:sub(1, at))
        assert.matches("%.json:%d+:%d+: .*the end of the file", err)
      end
    end)

    it("refuses invalid UTF-8, a token the text does not give, and a changed speaker", function()
      local cut = bytes:find('"tokens"', 1, true)
      assert.matches("%.json:%d+:%d+: invalid UTF%-8 %(byte %d+%)",
        open_bytes(bytes:sub(1, cut) .. "\255" .. bytes:sub(cut + 1)))
      local first = bytes:find('\n  ["', cut, true)
      local edited = bytes:sub(1, first + 4) .. "X" .. bytes:sub(first + 6)
      assert.matches("%.json:%d+:%d+: token 1 of 000_e744d110473e4ebd%.txt is not the one its text gives",
        open_bytes(edited))
      local who = bytes:find('"speaker": "LENA"', 1, true)
      assert.matches("fingerprint .* the file was changed",
        open_bytes(bytes:sub(1, who + 11) .. "LENE" .. bytes:sub(who + 16)))
    end)

    it("refuses ranges outside the text, a newer format and bad JSON", function()
      local seg = bytes:find('"segments": %[%[')
      local bad = bytes:sub(1, seg + 13) .. "9" .. bytes:sub(seg + 14)
      assert.matches("%.json:%d+:1: document 000_e744d110473e4ebd%.txt: a turn segment outside the text",
        open_bytes(bad))
      assert.matches("%.json:1:%d+: an export of format 1 expected",
        open_bytes((bytes:gsub('"format": 1', '"format": 2', 1))))
      assert.matches("%.json:1:%d+: expected ',' or '}' in object, found 'x'",
        open_bytes((bytes:gsub('"format": 1,', '"format": 1 x', 1))))
    end)
  end)

  describe("the command", function()
    it("samtal export -o OUT.json writes it, and every subcommand reads it", function()
      local out = h.tempfile("", ".json")
      local _, err, code = h.run("build/bin/samtal export corpus -o " .. h.q(out))
      assert.are.equal(0, code, err)
      assert.matches("written", err)
      local a = h.run("build/bin/samtal count 'nära vård' corpus")
      local b = h.run("build/bin/samtal count 'nära vård' " .. h.q(out))
      assert.are.equal(a, b)
    end)

    it("writes JSON in the sandbox under --out only", function()
      local out = h.tmpname()
      os.remove(out)
      assert(os.execute("mkdir " .. h.q(out)))
      local script = h.tempfile('local c = samtal.open(arg[1]); c:export(arg[2]); print("ok")\n', ".lua")
      local inside, err, code = h.run(("build/bin/samtal --sandbox --out %s %s corpus %s"):format(h.q(out),
        h.q(script), h.q(out .. "/c.json")))
      assert.are.equal(0, code, err)
      assert.are.equal("ok\n", inside)
      assert.are.equal(samtal.open("corpus"):fingerprint(), samtal.open(out .. "/c.json"):fingerprint())
      local _, refused = h.run(("build/bin/samtal --sandbox --out %s %s corpus /tmp/elsewhere.json"):format(
        h.q(out), h.q(script)))
      os.execute("rm -r " .. h.q(out))
      assert.matches("c:export_json cannot write /tmp/elsewhere.json", refused)
    end)
  end)
end)
