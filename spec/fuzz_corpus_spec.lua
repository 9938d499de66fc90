-- The fuzzers' crash-free corpus (spec/fuzz/<target>/, made by `make fuzz`), replayed through the
-- Lua API: every input must give a corpus or a clean error, never a crash. In the ASan run of
-- spec/run.sh a sanitizer report fails it too. Directories named *-crashes hold reproducers of
-- known, unfixed bugs and are not replayed.
--   load_<ext>  the file, opened as a .<ext> file twice as fuzz/fuzz_load.c loads it: with the
--               default options, then with invalid = "replace", hyphens, VRT attribute names and
--               the encoding forced by the input's length (#bytes % 4: auto, UTF-16LE, UTF-16BE,
--               Windows-1252), then with on_error = "skip"
--   store       the file opened as a .samtal file, as it is and with its checksums made right
--               (fuzz/storefile.lua, as fuzz/fuzz_store.c does before its second try)
--   segment     the text segmented into words (plain and with hyphens) and sentences, each word
--               folded, then opened as a .txt file
--   lexmatch    the value matched against fuzz/fuzz_lexmatch.c's corpus (formset, turnset,
--               eventset, attrset) and the program run with c:find(), decoded as that target does
-- A corpus that opens is then read: its documents, turns, speakers and one count.
local samtal = require "samtal"
local h = require "helpers"
local storefile = dofile("fuzz/storefile.lua")

local ROOT = os.getenv("SAMTAL_FUZZ_CORPUS") or "spec/fuzz" -- or another corpus of the same layout

--- The files of a directory, sorted.
local function files_in(dir)
  local out = {}
  for f in h.run("find " .. h.q(dir) .. " -maxdepth 1 -type f | sort"):gmatch("[^\n]+") do out[#out + 1] = f end
  return out
end

local function targets()
  local out = {}
  for d in h.run("find " .. ROOT .. " -mindepth 1 -maxdepth 1 -type d | sort"):gmatch("[^\n]+") do
    local name = d:match("[^/]+$")
    if not name:match("%-crashes$") then out[#out + 1] = name end
  end
  return out
end

--- Reads a corpus the way a script would. A saved corpus is checked a document at a time on first
-- use, so a corrupt part raises its error here: a clean error is fine here too.
local function read_corpus(c)
  assert.is_table(c:documents())
  local n = 0
  for t in c:turns() do
    assert.is_string(t.text)
    n = n + 1
  end
  assert.is_table(c:speakers())
  assert.is_number(c:count("the"))
  return n
end

--- Opens path with opts: a corpus (then read), or a clean error (a string). Returns the outcome.
local outcomes = {} -- outcome -> count, printed with SAMTAL_FUZZ_VERBOSE set
local function try_open(path, opts, what)
  local ok, c = pcall(samtal.open, path, opts)
  if ok then
    local rok, err = pcall(read_corpus, c)
    assert(rok or (type(err) == "string" and #err > 0), what .. ": not a clean error: " .. tostring(err))
    outcomes[rok and "corpus" or "error"] = (outcomes[rok and "corpus" or "error"] or 0) + 1
    return
  end
  assert(type(c) == "string" and #c > 0, what .. ": not a clean error: " .. tostring(c))
  outcomes.error = (outcomes.error or 0) + 1
end

local ENCODINGS = { [0] = nil, "utf-16le", "utf-16be", "cp1252" }

local function replay_load(ext, bytes, what)
  local path = h.tempfile(bytes, "." .. ext)
  try_open(path, nil, what)
  try_open(path, { invalid = "replace", hyphens = true, encoding = ENCODINGS[#bytes % 4],
    attributes = { "lemma", "pos" } }, what .. " (replace, hyphens, encoding)")
  try_open(path, { on_error = "skip", warn = function(w) assert.is_string(w.message) end }, what .. " (skip)")
end

local function replay_store(bytes, what)
  try_open(h.tempfile(bytes, ".samtal"), nil, what)
  local fixed = storefile.repair(bytes)
  if fixed and fixed ~= bytes and bytes:sub(1, 8) == "SAMTALC\x1A" then
    try_open(h.tempfile(fixed, ".samtal"), nil, what .. " (checksums repaired)")
  end
end

local function replay_segment(bytes, what)
  for _, opts in ipairs({ {}, { hyphens = true } }) do
    local ok, words = pcall(samtal.segment, bytes, opts)
    assert(ok or type(words) == "string", what)
    if ok then
      assert.are.equal(bytes, table.concat(words))
      for _, w in ipairs(words) do pcall(samtal.fold, w) end
    end
  end
  local ok, sentences = pcall(samtal.sentences, bytes)
  if ok then assert.are.equal(bytes, table.concat(sentences)) end
  try_open(h.tempfile(bytes, ".txt"), { invalid = "replace" }, what)
end

-- fuzz/fuzz_lexmatch.c's fixed corpus (keep the two in step)
local LEX_DOCS = {
  { ".txt", "Samtal om vården\n\nLENA: Vi behöver nära vård, sa hon. [skratt] Det är 1800-talet igen!\n\n"
    .. "Anders Borg (00:03:12): Nej, NÄRA vård är *viktigt* — ”det” sa jag 2021.\n[musik]\n\n"
    .. "LENA: vi-känsla, e-post och covid-19. Café, cafe och CAFÉ?\n" },
  { ".vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:03.500\n<v Maria Ek>Hello there, it’s me. Don't worry.\n\n"
    .. "00:00:04.000 --> 00:00:06.000\n<v Bo>Straße, STRASSE och ﬁsk: ½ × 3 = 1.5 €\n" },
  { ".vrt", "<!-- #vrt positional-attributes: word pos lemma -->\n<text id=\"t1\" title=\"Ett samtal\">\n"
    .. "<u who=\"ANNA\" start=\"1.5\">\n<s>\nVi\tPN\tvi\nbehöver\tVB\tbehöva\nnära\tJJ\tnära\n"
    .. "vård\tNN\tvård\n.\tMAD\t.\n</s>\n</u>\n<u who=\"BO\">\n<s>\nVården\tNN\tvård\när\tVB\tvara\n</s>\n</u>\n"
    .. "</text>\n" },
}

local lex_corpus, big_forms
local function lexmatch_corpus()
  if not lex_corpus then
    local paths = {}
    for i, d in ipairs(LEX_DOCS) do paths[i] = h.tempfile(d[2], d[1]) end -- the corpus keeps the text
    lex_corpus = samtal.open(paths)
    local big = samtal.open(h.seed_inline) -- set 5: another corpus's forms, more than these
    big_forms = big:formset("word", "wildcard", "*")
  end
  return lex_corpus
end

local HOWS = { [0] = "literal", "wildcard", "regex", "regex" }
local FLAGS = { [0] = "", "c", "d", "cd" }
local FIELDS = { "doc", "path", "title" }

--- A field of the program: -1 .. n, as field() in fuzz_lexmatch.c.
local function reader(prog)
  local i = 0
  return function(n)
    if i >= #prog then return -1 end
    i = i + 1
    return prog:byte(i) % (n + 2) - 1
  end
end

--- The program fuzz_lexmatch.c decodes from prog, as a c:find() table.
local function program(c, value_set, prog)
  local attrs = c:attributes()
  local lemma = nil
  for i, a in ipairs(attrs) do if a == "lemma" then lemma = i end end
  local sets = { value_set, c:formset("word", "wildcard", "*"), c:turnset("doc", "wildcard", "*"),
    c:eventset("wildcard", "*"), lemma and c:attrset(attrs[lemma], "wildcard", "*") or value_set, big_forms }
  local p = { sets = sets, preds = {}, states = {}, anchors = {} }
  if #prog == 0 then
    p.preds[1] = { type = 1, set = 0 }
    p.states = { { type = 0, pred = 0, out = 1 }, { type = 3 } }
    p.start = 0
    return p
  end
  local field = reader(prog)
  local npreds, nstates = field(7) + 1, field(11) + 1
  for i = 0, npreds - 1 do
    local pr = {}
    pr.type = field(7)
    pr.set = field(6)
    pr.a = field(i > 0 and i or 2)
    pr.b = field(i)
    p.preds[#p.preds + 1] = pr
  end
  for _ = 0, nstates - 1 do
    local st = {}
    st.type = field(4)
    st.pred = field(st.type == 1 and 6 or npreds)
    st.out = field(nstates)
    st.out2 = field(nstates)
    p.states[#p.states + 1] = st
  end
  p.start = field(nstates)
  field(6) -- the anchor: not part of a Lua program
  p.turns = field(6)
  p.scope = field(2)
  for _ = 0, field(3) do p.anchors[#p.anchors + 1] = { set = field(6), offset = field(4) + 1 } end
  return p
end

local function replay_lexmatch(bytes, what)
  if #bytes == 0 then return end
  local c = lexmatch_corpus()
  local sel = bytes:byte(1)
  local how, flags, target = HOWS[sel & 3], FLAGS[(sel >> 2) & 3], (sel >> 4) & 7
  local nul = bytes:find("\0", 2, true)
  local value = bytes:sub(2, (nul or #bytes + 1) - 1)
  local prog = nul and bytes:sub(nul + 1) or ""
  local ok, set
  if target <= 2 then
    ok, set = pcall(c.formset, c, ({ "word", "lower", "kind" })[target + 1], how, value, flags)
  elseif target <= 4 then
    local f = target == 3 and "speaker" or FIELDS[#value % 3 + 1]
    ok, set = pcall(c.turnset, c, f, how, value, flags)
  elseif target == 5 then
    ok, set = pcall(c.eventset, c, how, value, flags)
  else
    ok, set = pcall(c.attrset, c, target == 6 and "lemma" or "pos", how, value, flags)
  end
  if not ok then
    assert(type(set) == "string", what .. ": not a clean error")
    return
  end
  local p = program(c, set, prog)
  local fok, err = pcall(c.find, c, p, sel >> 7 == 1 and "count" or "positions", 3, 3)
  assert(fok or type(err) == "string", what .. ": not a clean error")
end

describe("the fuzz corpus (spec/fuzz/)", function()
  after_each(h.cleanup)

  local all = targets()
  it("has inputs for the load, store, lexmatch and segment targets", function()
    local have = {}
    for _, t in ipairs(all) do have[t] = #files_in(ROOT .. "/" .. t) end
    for _, t in ipairs({ "load_txt", "load_vtt", "load_srt", "load_vrt", "store", "lexmatch", "segment" }) do
      assert.truthy((have[t] or 0) > 0, t)
    end
  end)

  for _, t in ipairs(all) do
    it(("replays %s/ without a crash"):format(t), function()
      for _, f in ipairs(files_in(ROOT .. "/" .. t)) do
        local bytes = h.read(f)
        local ext = t:match("^load_(%w+)$")
        if ext then
          replay_load(ext, bytes, f)
        elseif t == "store" then
          replay_store(bytes, f)
        elseif t == "segment" then
          replay_segment(bytes, f)
        elseif t == "lexmatch" then
          replay_lexmatch(bytes, f)
        else
          error("no replay for the target " .. t)
        end
        h.cleanup()
      end
      if os.getenv("SAMTAL_FUZZ_VERBOSE") then
        print(("\n%s: %d corpora, %d errors"):format(t, outcomes.corpus or 0, outcomes.error or 0))
      end
      outcomes = {}
    end)
  end
end)
