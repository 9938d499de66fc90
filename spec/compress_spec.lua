-- samtal.open(source, {compress = true}): each document's text kept compressed (zstd) once it is
-- tokenised, decompressed the first time something reads it; `samtal index` loads so. A corpus
-- loaded so answers everything as one loaded without it, and saves to the same bytes.
local samtal = require "samtal"
local h = require "helpers"

local texts_of = h.field_of

--- What a corpus answers that reads its texts: each entry a function of the corpus.
local READERS = {
  documents = function(c) return c:documents() end,
  lines = function(c) return { c:kwic("och"):lines(), c:kwic("the"):lines() } end,
  chars = function(c) return c:kwic("the", { chars = 20 }):lines() end,
  columns = function(c) return texts_of(c:kwic("och"), "column") end,
  quotes = function(c) return texts_of(c:quotes(), "text") end,
  quotations = function(c) return texts_of(c:quotations(), "text") end,
  turns = function(c)
    local t = {}
    for turn in c:turns() do t[#t + 1] = turn.text end
    return t
  end,
  token = function(c) return c:token(c:stats().tokens).column end,
  titles = function(c) return c:count('the @title = ".*e.*"') + c:count('och @title = ".*e.*"') end,
  events = function(c) return c:count('[event = ".*"] []') end,
  fingerprint = function(c) return c:fingerprint() end,
  export = function(c)
    local p = h.tmppath(".json")
    c:export(p)
    return h.read(p)
  end,
}

--- The bytes of corpus c saved.
local function saved(c)
  local p = h.tmppath(".samtal")
  c:save(p)
  return h.read(p)
end

describe("samtal.open with compress = true", function()
  for _, source in ipairs { "corpus", "../shared/corpora/changelog-en", "../shared/corpora/bitcointranscripts-en",
    "../shared/corpora/parlamint-se/ParlaMint-SE_2022-05-13-prot-202122--113.txt" } do
    it("answers as without it, whatever reads the texts first: " .. source, function()
      local plain = samtal.open(source)
      for name, read in pairs(READERS) do
        local c = samtal.open(source, { compress = true }) -- fresh: nothing decompressed yet
        assert.are.same(read(plain), read(c), name)
      end
    end)

    it("saves to the same bytes, with or without texts read: " .. source, function()
      local want = saved(samtal.open(source))
      assert.are.equal(want, saved(samtal.open(source, { compress = true })))
      local c = samtal.open(source, { compress = true })
      assert.truthy(#c:kwic("the"):lines() + #c:kwic("och"):lines() > 0)
      assert.are.equal(want, saved(c))
    end)
  end

  it("reads samtal's JSON export, whose fingerprint reads every text", function()
    local p = h.tmppath(".json")
    samtal.open("corpus"):export(p)
    local c = samtal.open(p, { compress = true })
    assert.are.same(READERS.lines(samtal.open("corpus")), READERS.lines(c))
    assert.are.equal(samtal.open("corpus"):fingerprint(), c:fingerprint())
  end)

  it("keeps the lines of an imported text that are not the text's own, and saves them", function()
    -- corpus/ exported, its first document's lines cut to every other one (still from 0, ascending)
    local p = h.tmppath(".json")
    samtal.open("corpus"):export(p)
    local json = h.read(p)
    local first, last, list = json:find('"lines": %[([%d, ]*)%]')
    local kept, k = {}, 0
    for at in list:gmatch("%d+") do
      k = k + 1
      if k % 2 == 1 then kept[#kept + 1] = at end
    end
    assert.truthy(#kept > 50)
    local edited = h.tempfile(json:sub(1, first - 1) .. '"lines": [' .. table.concat(kept, ", ") .. "]" ..
      json:sub(last + 1), ".json")
    local function lines_of(c)
      local out = {}
      for _, hit in ipairs(c:kwic("och")) do out[#out + 1] = hit.doc .. ":" .. hit.line .. ":" .. hit.column end
      return out
    end
    local plain = samtal.open(edited)
    local want = lines_of(plain)
    assert.are.same(want, lines_of(samtal.open(edited, { compress = true })))
    assert.are_not.same(want, lines_of(samtal.open("corpus"))) -- the edit shows
    local bytes = saved(plain)
    assert.are.equal(bytes, saved(samtal.open(edited, { compress = true })))
    local q = h.tempfile(bytes, ".samtal")
    assert.are.same(want, lines_of(samtal.open(q)))
  end)

  it("keeps a short text as it is, and reads it", function()
    local c = samtal.open(h.tempfile("ANNA: Hej.\nBO: Tack.\n", ".txt"), { compress = true })
    assert.are.same({ "Hej.", "Tack." }, { c:turn(1).text, c:turn(2).text })
  end)

  it("is a boolean option", function()
    assert.truthy(h.error_of(samtal.open, "corpus", { compress = "yes" })
      :find("open: option compress must be true or false", 1, true))
  end)

  it("is how `samtal index` loads: the file it writes is the one c:save writes", function()
    local out = h.tmppath(".samtal")
    local _, err, code = h.run("build/bin/samtal index corpus -o " .. h.q(out))
    assert.are.equal(0, code, err)
    assert.are.equal(saved(samtal.open("corpus")), h.read(out))
  end)
end)
