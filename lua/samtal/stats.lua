--- samtal.stats: frequency lists, talk per speaker, n-grams and clusters, collocates, keywords,
-- dispersion, lexical diversity, and the building blocks of a user's own statistics.
-- The counting is the C core's (src/stats.c); this module chooses what to count, applies the
-- formulas of samtal.measures, and shapes every result as a samtal.resulttable.
-- @module samtal.stats
local measures = require "samtal.measures"
local resulttable = require "samtal.resulttable"
local metadata = require "samtal.metadata"

local stats = {}

local check_opts, compile -- from samtal (init.lua), set by stats.install

local function argerror(fname, msg)
  error(("%s: %s"):format(fname, msg), 3)
end

-- What to count ----------------------------------------------------------------------------------

local BY = { form = "form", lower = "lower", stem = "stem" }

--- The key map for opts.by ("lower" by default), cached per corpus: building one walks the
-- lexicon, and a frequency list of the same corpus is asked for again and again.
local keymap_cache = setmetatable({}, { __mode = "k" })
local function keymap(c, fname, opts)
  local by = opts.by or "lower"
  if not BY[by] then
    argerror(fname, ("by must be \"form\", \"lower\" or \"stem\", not %s"):format(tostring(by)))
  end
  local kinds = opts.kinds or "word number"
  if type(kinds) ~= "string" then argerror(fname, "kinds must be a string such as \"word number\" or \"all\"") end
  local language
  if by == "stem" then
    language = opts.language or c:language()
    if not language then
      argerror(fname, "by = \"stem\" needs a language: none was set or recognised (give language = \"sv\")")
    end
  end
  local cache = keymap_cache[c]
  if not cache then cache = {}; keymap_cache[c] = cache end
  local id = by .. "\0" .. kinds .. "\0" .. (language or "")
  local km = cache[id]
  if not km then
    local ok, res = pcall(c.keymap, c, by, kinds, language)
    if not ok then argerror(fname, tostring(res):gsub("^bad argument #%d+ to '%w+' ", "")) end
    km = res
    cache[id] = km
  end
  return km, by
end
stats.keymap = keymap

--- The turns a filter selects ({speaker = name or {names}, doc = name or index}), as a Set; nil
-- when it selects every turn.
local function turn_ids(c, fname, filter)
  local speaker, doc = filter.speaker, filter.doc
  if speaker == nil and doc == nil and filter.meta == nil then return nil end
  local docs
  if filter.meta ~= nil then
    if type(filter.meta) ~= "table" then argerror(fname, "meta must be a table such as {year = \"2023\"}") end
    local ok, res = pcall(metadata.documents, c, filter.meta, fname)
    if not ok then error(res, 3) end
    docs = res
    if doc ~= nil then -- both: the documents named that also match
      local named = {}
      for _, d in ipairs(type(doc) == "table" and doc or { doc }) do
        local i = c:document_index(d)
        if not i then argerror(fname, ("no document %s"):format(tostring(d))) end
        named[i] = true
      end
      local both = {}
      for _, i in ipairs(docs) do if named[i] then both[#both + 1] = i end end
      docs = both
    end
    if #docs == 0 then return {} end
  elseif doc ~= nil then
    local list = type(doc) == "table" and doc or { doc }
    docs = {}
    for _, d in ipairs(list) do
      local i = c:document_index(d)
      if not i or i < 1 or i > c:stats().documents then argerror(fname, ("no document %s"):format(tostring(d))) end
      docs[#docs + 1] = i
    end
  end
  local speakers
  if speaker ~= nil then
    speakers = type(speaker) == "table" and speaker or { speaker }
    local known = {}
    for _, name in ipairs(c:speaker_names()) do known[name] = true end
    for _, s in ipairs(speakers) do
      if type(s) ~= "string" then argerror(fname, "speaker must be a name or a list of names") end
      if not known[s] then argerror(fname, ("no speaker %q in this corpus"):format(s)) end
    end
  end
  speakers, docs = speakers or { false }, docs or { false }
  if #speakers == 1 and #docs == 1 then -- one list, ascending as c:turn_ids gives it
    return c:turn_ids(speakers[1] or nil, docs[1] or nil)
  end
  local ids, n = {}, 0
  for _, s in ipairs(speakers) do
    for _, d in ipairs(docs) do
      for _, t in ipairs(c:turn_ids(s or nil, d or nil)) do
        n = n + 1
        ids[n] = t
      end
    end
  end
  table.sort(ids)
  return ids
end

--- The same selection as a Set of turns (nil: every turn).
local function turnset(c, fname, filter)
  local speaker = filter and filter.speaker
  if type(speaker) == "string" and filter.doc == nil and filter.meta == nil then
    local known = false
    for _, name in ipairs(c:speaker_names()) do known = known or name == speaker end
    if not known then argerror(fname, ("no speaker %q in this corpus"):format(speaker)) end
    return c:speaker_turnset(speaker) -- one pass in C, no list of turn ids
  end
  local ids = turn_ids(c, fname, filter)
  return ids and c:turnset_of(ids)
end
stats.turnset = turnset

--- The names of a key map's keys, fetched one by one when first used (a corpus may have millions
-- of keys and a result needs few of them).
local function lazy_names(km)
  return setmetatable({}, { __index = function(t, k)
    local v = km:name(k)
    t[k] = v
    return v
  end })
end

local function check_min(fname, v, default)
  if v == nil then return default end
  if math.type(v) ~= "integer" or v < 1 then
    argerror(fname, ("min must be a positive integer, not %s"):format(tostring(v)))
  end
  return v
end

local function check_within(fname, v)
  if v ~= nil and v ~= "turn" and v ~= "sentence" then
    argerror(fname, ("within must be \"turn\" or \"sentence\", not %s"):format(tostring(v)))
  end
  return v or "turn"
end

local function per10k(n, total)
  if total == 0 then return 0 end
  return n * 10000 / total
end

-- Frequency lists ------------------------------------------------------------------------------

local FREQ_OPTS = { by = true, group = true, min = true, range = true, speaker = true, doc = true,
  kinds = true, language = true, meta = true }

--- A frequency list: `c:freq{by = "lower", group = "speaker", min = 2}`.
-- by: "lower" (case-folded, the default), "form" (exact) or "stem" (Snowball, in the corpus's
-- language or `language`); group: nil, "speaker" or "doc"; min: the lowest frequency kept;
-- range: "docs" (default) or "turns", what the range column counts; speaker, doc: filters;
-- kinds: which tokens count ("word number" by default, or "all").
-- Rows: [group,] rank, form, freq, per10k, range.
function stats.freq(c, opts)
  opts = check_opts("freq", opts, FREQ_OPTS)
  local km, by = keymap(c, "freq", opts)
  local min = check_min("freq", opts.min, 1)
  local range = opts.range or "docs"
  if range ~= "docs" and range ~= "turns" then argerror("freq", "range must be \"docs\" or \"turns\"") end
  local turns = turnset(c, "freq", opts)
  local meta = { title = ("frequency list (%s)"):format(by), by = by, range = range }
  if opts.group == nil then
    local r, total = c:tally_keys(km, turns, { sorted = true, min = min, docs = range == "docs",
      turns = range == "turns" })
    local keys, freq, ranges = r.keys, r.freq, r[range]
    meta.total = total
    -- a list of a million forms prints its first rows without building the rest
    return resulttable.lazy({ "rank", "form", "freq", "per10k", "range" }, #keys, function(i)
      local f = freq[i]
      return { rank = i, form = km:name(keys[i]), freq = f, per10k = per10k(f, total), range = ranges[i] }
    end, meta)
  end
  if opts.group ~= "speaker" and opts.group ~= "doc" then
    argerror("freq", ("group must be \"speaker\" or \"doc\", not %s"):format(tostring(opts.group)))
  end
  if range ~= "docs" then argerror("freq", "a grouped list counts its range in documents") end
  local g, totals = c:tally_groups(km, opts.group, turns)
  local group_names = opts.group == "speaker" and c:speaker_names() or {}
  if opts.group == "doc" then
    for i = 1, c:stats().documents do group_names[i] = c:document(i).name end
  end
  local names, order = km:names(), {}
  for i = 1, #g.key do
    if g.freq[i] >= min then order[#order + 1] = i end
  end
  table.sort(order, function(a, b)
    if g.group[a] ~= g.group[b] then return g.group[a] < g.group[b] end
    if g.freq[a] ~= g.freq[b] then return g.freq[a] > g.freq[b] end
    return g.key[a] < g.key[b]
  end)
  local rows, rank, last = {}, 0, nil
  for _, i in ipairs(order) do
    local grp = g.group[i]
    rank = grp == last and rank + 1 or 1
    last = grp
    rows[#rows + 1] = { [opts.group] = group_names[grp], rank = rank, form = names[g.key[i]], freq = g.freq[i],
      per10k = per10k(g.freq[i], totals[grp]), range = g.docs[i] }
  end
  meta.totals = {}
  for grp, n in ipairs(totals) do
    if n > 0 then meta.totals[group_names[grp]] = n end
  end
  return resulttable.new({ opts.group, "rank", "form", "freq", "per10k", "range" }, rows, meta)
end

-- Talk -----------------------------------------------------------------------------------------

local function median(list)
  if #list == 0 then return nil end
  table.sort(list)
  local m = (#list + 1) // 2
  if #list % 2 == 1 then return list[m] end
  return (list[m] + list[m + 1]) / 2
end

--- Who talks how much: `c:talk()` per speaker, `c:talk{group = "doc"}` per document and
-- speaker. Rows: [doc,] speaker, turns, words, share (% of the words of the corpus, or of the
-- document), mean_turn, median_turn, longest_turn (in words), minutes, wpm. A turn's duration
-- runs from its start time to the next turn's in the same document, so minutes and wpm count
-- only turns that have both (the last turn of a document has no end); without times they are
-- empty. Turns without a speaker are counted under "(none)".
function stats.talk(c, opts)
  opts = check_opts("talk", opts, { group = true })
  local group = opts.group or "speaker"
  if group ~= "speaker" and group ~= "doc" then
    argerror("talk", ("group must be \"speaker\" or \"doc\", not %s"):format(tostring(group)))
  end
  local cols = c:turn_columns()
  local speaker_names, doc_names = c:speaker_names(), {}
  for i = 1, c:stats().documents do doc_names[i] = c:document(i).name end
  local buckets, order, words_in = {}, {}, {}
  local corpus_words = 0
  local nturns = #cols.words
  for t = 1, nturns do
    local sp, d, w = cols.speaker[t], cols.doc[t], cols.words[t]
    local id = group == "doc" and (d .. "\0" .. sp) or tostring(sp)
    local b = buckets[id]
    if not b then
      b = { speaker = speaker_names[sp] or "(none)", doc = doc_names[d], lengths = {}, turns = 0, words = 0,
        seconds = 0, timed_words = 0 }
      if group == "doc" then b.doc_index = d end
      buckets[id] = b
      order[#order + 1] = b
    end
    b.turns = b.turns + 1
    b.words = b.words + w
    b.lengths[#b.lengths + 1] = w
    words_in[d] = (words_in[d] or 0) + w
    corpus_words = corpus_words + w
    local start, next_start = cols.start[t], t < nturns and cols.doc[t + 1] == d and cols.start[t + 1]
    if start and next_start and next_start >= start then
      b.seconds = b.seconds + (next_start - start)
      b.timed_words = b.timed_words + w
    end
  end
  local rows = {}
  for _, b in ipairs(order) do
    local whole = group == "doc" and words_in[b.doc_index] or corpus_words
    local longest = 0
    for _, n in ipairs(b.lengths) do if n > longest then longest = n end end
    local minutes = b.seconds > 0 and b.seconds / 60 or nil
    rows[#rows + 1] = { doc = b.doc, speaker = b.speaker, turns = b.turns, words = b.words,
      share = whole > 0 and b.words * 100 / whole or 0, mean_turn = b.words / b.turns,
      median_turn = median(b.lengths), longest_turn = longest, minutes = minutes,
      wpm = minutes and b.timed_words / minutes or nil }
  end
  if group == "speaker" then
    table.sort(rows, function(a, b) return a.words > b.words end)
  end
  local columns = { "speaker", "turns", "words", "share", "mean_turn", "median_turn", "longest_turn",
    "minutes", "wpm" }
  if group == "doc" then table.insert(columns, 1, "doc") end
  return resulttable.new(columns, rows, { title = "talk per " .. group, words = corpus_words })
end

-- N-grams and clusters -------------------------------------------------------------------------

local function check_n(fname, n, default)
  if n == nil then return default end
  if math.type(n) ~= "integer" or n < 1 or n > 8 then
    argerror(fname, ("n must be an integer 1..8, not %s"):format(tostring(n)))
  end
  return n
end

local function ngram_rows(km, r, n)
  local names, rows = lazy_names(km), {}
  for i, f in ipairs(r.freq) do
    local parts = {}
    for j = 1, n do parts[j] = names[r.keys[(i - 1) * n + j]] end
    rows[i] = { rank = i, ngram = table.concat(parts, " "), freq = f, range = r.docs[i] }
  end
  return rows
end

--- N-grams: `c:ngrams{n = 3, min = 2, within = "sentence"}`. Tokens that do not count
-- (punctuation, by default) are skipped; n-grams never cross a turn, nor a sentence with
-- within = "sentence". Rows: rank, ngram (its keys joined by spaces), freq, range (documents).
function stats.ngrams(c, opts)
  opts = check_opts("ngrams", opts, { n = true, min = true, within = true, by = true, speaker = true,
    doc = true, kinds = true, language = true, meta = true })
  local n = check_n("ngrams", opts.n, 2)
  local km, by = keymap(c, "ngrams", opts)
  local r = c:ngram_counts(km, n, check_within("ngrams", opts.within), turnset(c, "ngrams", opts), nil, "any",
    check_min("ngrams", opts.min, 1))
  return resulttable.new({ "rank", "ngram", "freq", "range" }, ngram_rows(km, r, n),
    { title = ("%d-grams (%s)"):format(n, by), n = n })
end

--- Clusters around a query, as AntConc's Clusters tool: the n-grams that hold a whole match.
-- opts: n (default 3), side ("left": the match first, "right": the match last, "any"), min,
-- within, by, case. Rows: rank, cluster, freq, range.
function stats.clusters(c, q, opts)
  opts = check_opts("clusters", opts, { n = true, side = true, min = true, within = true, by = true,
    case = true, kinds = true, language = true })
  local n = check_n("clusters", opts.n, 3)
  local side = opts.side or "any"
  if side ~= "any" and side ~= "left" and side ~= "right" then
    argerror("clusters", ("side must be \"left\", \"right\" or \"any\", not %s"):format(tostring(side)))
  end
  local km, by = keymap(c, "clusters", opts)
  local m = c:find(compile(c, "clusters", q, opts), "matches")
  local r = c:ngram_counts(km, n, check_within("clusters", opts.within), nil, m, side,
    check_min("clusters", opts.min, 1))
  local rows = ngram_rows(km, r, n)
  for _, row in ipairs(rows) do row.cluster, row.ngram = row.ngram, nil end
  return resulttable.new({ "rank", "cluster", "freq", "range" }, rows,
    { title = ("clusters of %s (n = %d, %s)"):format(tostring(q), n, by), query = q, hits = #m })
end

-- Collocates -----------------------------------------------------------------------------------

local ASSOCIATION = { "mi", "mi3", "t", "z", "ll", "logdice" }
local ASSOCIATION_SET = {}
for _, name in ipairs(ASSOCIATION) do ASSOCIATION_SET[name] = true end

--- The corpus frequency of every key (cached per key map; the corpus never changes).
local totals_cache = setmetatable({}, { __mode = "k" })
local function corpus_totals(c, km)
  local t = totals_cache[km]
  if not t then
    local r, total = c:tally_keys(km, nil, {})
    t = { freq = r.freq, total = total }
    totals_cache[km] = t
  end
  return t
end

--- Collocates of a query: `c:collocates("vård", {left = 4, right = 4, min = 3, measure = "logdice"})`.
-- The window is `left` and `right` counted tokens around each match, within its turn (or
-- sentence); every measure is computed (see README for formulas: O11 the co-occurrences in the
-- windows, R1 the window tokens of all matches, C1 the collocate's corpus frequency, N the
-- counted tokens of the corpus) and the rows are sorted by `measure` ("logdice" by default).
-- min: the lowest co-occurrence count kept (default 3); min_freq: the lowest corpus frequency.
-- Rows: rank, collocate, freq (O11), left, right?, total (C1), expected (E11), mi, mi3, t, z,
-- ll, logdice.
function stats.collocates(c, q, opts)
  opts = check_opts("collocates", opts, { left = true, right = true, window = true, min = true, min_freq = true,
    measure = true, by = true, within = true, case = true, kinds = true, language = true })
  local measure = opts.measure or "logdice"
  if not ASSOCIATION_SET[measure] then
    argerror("collocates",
      ("unknown measure %s (known: %s)"):format(tostring(measure), table.concat(ASSOCIATION, ", ")))
  end
  local left, right = opts.left or opts.window or 4, opts.right or opts.window or 4
  for name, v in pairs { left = left, right = right } do
    if math.type(v) ~= "integer" or v < 0 or v > 1000 then
      argerror("collocates", ("%s must be an integer 0..1000, not %s"):format(name, tostring(v)))
    end
  end
  local min = check_min("collocates", opts.min, 3)
  local min_freq = check_min("collocates", opts.min_freq, 1)
  local km, by = keymap(c, "collocates", opts)
  local m = c:find(compile(c, "collocates", q, opts), "matches")
  -- counting, the measures (the same operations as samtal.measures, checked against it in
  -- spec/collocates_spec.lua) and the sort run in C; a row is made when it is first read
  local found, slots, n = c:collocate_rows(km, m, left, right, check_within("collocates", opts.within), min,
    min_freq, measure)
  local names = lazy_names(km)
  local meta = { title = ("collocates of %s (%d left, %d right, by %s, %s)"):format(tostring(q), left, right,
    measure, by), query = q, hits = #m, window_tokens = slots, tokens = n, measure = measure }
  return resulttable.lazy({ "rank", "collocate", "freq", "total", "expected", "mi", "mi3", "t", "z", "ll",
    "logdice" }, #found, function(i)
    local key, freq, total, expected, mi, mi3, t, z, ll, logdice = found:row(i)
    return { rank = i, collocate = names[key], freq = freq, total = total, expected = expected, mi = mi, mi3 = mi3,
      t = t, z = z, ll = ll, logdice = logdice }
  end, meta)
end

-- Keywords -------------------------------------------------------------------------------------

--- Reads a frequency list file: CSV or TSV with a header naming a `form` column and a `freq`
-- column (as `c:freq():csv()` writes it). Returns freq by form and the total.
local function read_freq_file(fname, path)
  local f, err = io.open(path, "rb")
  if not f then argerror(fname, ("cannot read reference %s"):format(err)) end
  local text = f:read("a")
  f:close()
  -- the CSV/TSV reader of the metadata sidecar: quoted fields, CRLF, records with their lines
  local ok, records = pcall(metadata.parse_csv, text, path)
  if not ok then argerror(fname, records) end
  local header = records[1]
  if not header then argerror(fname, ("%s: empty frequency list"):format(path)) end
  local fcol, ncol
  for i, name in ipairs(header) do
    if name == "form" then fcol = i elseif name == "freq" then ncol = i end
  end
  if not fcol or not ncol then
    argerror(fname, ("%s:%d: a frequency list needs a header with columns form and freq"):format(path, header.line))
  end
  local freq, total = {}, 0
  for r = 2, #records do
    local row = records[r]
    local n = math.tointeger(tonumber(row[ncol]))
    if not row[fcol] or not n or n < 0 then
      argerror(fname, ("%s:%d: expected a form and a count, got %q"):format(path, row.line,
        table.concat(row, header.sep or ",")))
    end
    freq[row[fcol]] = (freq[row[fcol]] or 0) + n
    total = total + n
  end
  return freq, total
end

local KEYNESS = { "ll", "chi2", "logratio", "pdiff", "simplemaths" }

-- One keyword row for a word with frequency a of target size tc and b of reference size rc.
local function keyword_row(form, a, b, tc, rc)
  local row = { form = form, freq = a, ref_freq = b, per10k = per10k(a, tc), ref_per10k = per10k(b, rc) }
  for _, name in ipairs(KEYNESS) do row[name] = measures.keyness(name, a, b, tc, rc) end
  row.p = measures.p_value(row.ll)
  row.direction = (a / tc) >= (b / rc) and "+" or "-"
  return row
end

--- The frequencies of a selection: freq by key id and the total.
-- The frequencies of a selection's keys, by key id, only those it uses (a dense list of every key
-- would cost a table the size of the lexicon), and its token total.
local function selection_counts(c, km, fname, sel)
  local r, total = c:tally_keys(km, turnset(c, fname, sel), { sorted = true })
  local freq, rfreq = {}, r.freq
  for i, k in ipairs(r.keys) do freq[k] = rfreq[i] end
  return freq, total
end

local function check_selection(fname, v, what)
  if type(v) ~= "table" then argerror(fname, ("%s must be a table such as {speaker = \"LENA\"}"):format(what)) end
  for k in pairs(v) do
    if k ~= "speaker" and k ~= "doc" and k ~= "meta" then
      argerror(fname, ("%s: unknown field '%s' (known: doc, meta, speaker)"):format(what, tostring(k)))
    end
  end
  return v
end

--- Keywords: `c:keywords{target = {speaker = "LENA"}, reference = "rest"}`, or
-- `c:keywords{each = "speaker"}` for every speaker against all the others.
-- reference: "rest" (the corpus without the target; the default), "corpus" (all of it), a
-- selection ({speaker = ...}), another samtal.Corpus, or the path of a frequency list (CSV/TSV
-- with form and freq columns). measure: what the rows are sorted by ("ll" by default; also
-- "chi2", "logratio", "pdiff", "simplemaths"); alpha: the significance level (0.05), Bonferroni-
-- corrected for the number of words tested; min: the lowest target frequency (default 3);
-- negative = true keeps the negative keywords too (sorted after the positive ones).
-- Rows: [group,] rank, form, freq, ref_freq, per10k, ref_per10k, ll, p, chi2, logratio, pdiff,
-- simplemaths, direction ("+" or "-"), significant.
function stats.keywords(c, opts)
  opts = check_opts("keywords", opts, { target = true, reference = true, each = true, measure = true, alpha = true,
    min = true, by = true, negative = true, kinds = true, language = true })
  local measure = opts.measure or "ll"
  local ok_measure = false
  for _, name in ipairs(KEYNESS) do ok_measure = ok_measure or name == measure end
  if not ok_measure then
    argerror("keywords", ("unknown measure %s (known: %s)"):format(tostring(measure), table.concat(KEYNESS, ", ")))
  end
  local alpha = opts.alpha or 0.05
  if type(alpha) ~= "number" or alpha <= 0 or alpha >= 1 then argerror("keywords", "alpha must lie between 0 and 1") end
  local min = check_min("keywords", opts.min, 3)
  local km, by = keymap(c, "keywords", opts)
  local names = lazy_names(km)
  local all -- the corpus totals, where Lua needs them

  -- the comparisons: {label, target freq by key, target total, reference lookup, reference total}
  local comparisons = {}
  if opts.each ~= nil then
    if opts.each ~= "speaker" and opts.each ~= "doc" then
      argerror("keywords", "each must be \"speaker\" or \"doc\"")
    end
    if opts.target ~= nil then argerror("keywords", "give either each or target, not both") end
    all = corpus_totals(c, km)
    local g, totals = c:tally_groups(km, opts.each, nil)
    local labels = opts.each == "speaker" and c:speaker_names() or {}
    if opts.each == "doc" then for i = 1, c:stats().documents do labels[i] = c:document(i).name end end
    local per = {}
    for i = 1, #g.key do
      local grp = g.group[i]
      per[grp] = per[grp] or {}
      per[grp][g.key[i]] = g.freq[i]
    end
    for grp, total in ipairs(totals) do
      if total > 0 then
        local freq = per[grp]
        comparisons[#comparisons + 1] = { label = labels[grp], freq = freq, total = total,
          ref = function(k) return all.freq[k] - (freq[k] or 0) end, ref_total = all.total - total }
      end
    end
  else
    local target = check_selection("keywords", opts.target, "target")
    local reference = opts.reference or "rest"
    if reference == "rest" or reference == "corpus" then
      -- the whole test in C: it hands over only the words a row is made for
      local counted, tested, tc, rc = c:keyword_counts(km, turnset(c, "keywords", target), reference, min,
        opts.negative)
      comparisons[1] = { counted = counted, tested = tested, total = tc, ref_total = rc }
    end
  end
  if opts.each == nil and not comparisons[1] then
    local target = check_selection("keywords", opts.target, "target")
    local sparse, ttotal = selection_counts(c, km, "keywords", target)
    local reference = opts.reference
    all = corpus_totals(c, km)
    local cmp = { freq = sparse, total = ttotal }
    if type(reference) == "table" then
      local rfreq, rtotal = selection_counts(c, km, "keywords", check_selection("keywords", reference, "reference"))
      cmp.ref = function(k) return rfreq[k] or 0 end
      cmp.ref_total = rtotal
    elseif type(reference) == "string" or (type(reference) == "userdata" and reference.tally_keys) then
      local rfreq, rtotal
      if type(reference) == "string" then
        rfreq, rtotal = read_freq_file("keywords", reference)
      else
        local rkm = keymap(reference, "keywords", { by = by, kinds = opts.kinds, language = opts.language })
        local r, total = reference:tally_keys(rkm, nil, { sorted = true })
        local rnames = rkm:names()
        rfreq, rtotal = {}, total
        for i, k in ipairs(r.keys) do rfreq[rnames[k]] = r.freq[i] end
      end
      cmp.ref = function(k) return rfreq[names[k]] or 0 end
      cmp.ref_total = rtotal
      cmp.ref_forms = rfreq
    else
      argerror("keywords", "reference must be \"rest\", \"corpus\", a selection, a corpus or a file name")
    end
    comparisons[1] = cmp
  end

  local rows, ntested = {}, 0
  for _, cmp in ipairs(comparisons) do
    if cmp.total == 0 then argerror("keywords", "the target has no tokens") end
    if cmp.ref_total == 0 then argerror("keywords", "the reference has no tokens") end
    local group_rows = {}
    local tc, rc = cmp.total, cmp.ref_total
    local counted = cmp.counted or { keys = {} }
    ntested = ntested + (cmp.tested or 0)
    for i, k in ipairs(counted.keys) do
      group_rows[i] = keyword_row(names[k], counted.a[i], counted.b[i], tc, rc)
    end
    for k, a in pairs(cmp.freq or {}) do
      if a >= min then
        ntested = ntested + 1
        local b = cmp.ref(k) or 0
        -- every word tested counts for Bonferroni; the measures are worked out for the rows kept
        if opts.negative or a * rc >= b * tc then
          local row = keyword_row(names[k], a, b, tc, rc)
          row.group = cmp.label
          group_rows[#group_rows + 1] = row
        end
      end
    end
    if opts.negative and cmp.freq then
      -- words far more frequent in the reference, also those the target never uses
      local seen = {} -- tested above: used at least min times by the target
      for k, a in pairs(cmp.freq) do
        if a >= min then seen[k] = true end
      end
      if cmp.ref_forms then
        -- another corpus or a file: its forms may not exist in this corpus at all
        local index = {}
        for k, name in ipairs(km:names()) do index[name] = k end
        for form, b in pairs(cmp.ref_forms) do
          local k = index[form]
          local a = k and cmp.freq[k] or 0
          -- below min in the target, but negative: used less than the reference would expect
          if b >= min and not (k and seen[k]) and a * cmp.ref_total < b * cmp.total then
            ntested = ntested + 1
            local row = keyword_row(form, a, b, cmp.total, cmp.ref_total)
            row.group = cmp.label
            group_rows[#group_rows + 1] = row
          end
        end
      else
        for k, total in ipairs(all.freq) do
          local b = cmp.ref(k) or 0
          local a = cmp.freq[k] or 0
          if not seen[k] and total > 0 and b >= min and a * cmp.ref_total < b * cmp.total then
            ntested = ntested + 1
            local row = keyword_row(names[k], a, b, cmp.total, cmp.ref_total)
            row.group = cmp.label
            group_rows[#group_rows + 1] = row
          end
        end
      end
    end
    for _, row in ipairs(group_rows) do rows[#rows + 1] = row end
  end
  local critical = measures.critical_value(alpha, math.max(ntested, 1))
  local kept = {}
  for _, row in ipairs(rows) do
    row.significant = row.ll >= critical
    if opts.negative or row.direction == "+" then kept[#kept + 1] = row end
  end
  table.sort(kept, function(a, b)
    if a.group ~= b.group then return tostring(a.group) < tostring(b.group) end
    if a.direction ~= b.direction then return a.direction == "+" end
    local x, y = a[measure], b[measure]
    if x ~= y then
      -- G² and chi² are unsigned: the strongest first either way; the others fall below their
      -- neutral value for negative keywords, so the lowest come first there
      if a.direction == "+" or measure == "ll" or measure == "chi2" then return x > y end
      return x < y
    end
    return a.form < b.form
  end)
  local rank, last = 0, nil
  for _, row in ipairs(kept) do
    rank = (row.group == last) and rank + 1 or 1
    last = row.group
    row.rank = rank
  end
  local columns = { "rank", "form", "freq", "ref_freq", "per10k", "ref_per10k", "ll", "p", "chi2", "logratio", "pdiff",
    "simplemaths", "direction", "significant" }
  if opts.each then
    table.insert(columns, 1, "group")
    for _, row in ipairs(kept) do row[opts.each] = row.group end
    columns[1] = opts.each
  end
  return resulttable.new(columns, kept, { title = ("keywords (%s, sorted by %s)"):format(by, measure),
    measure = measure,
    alpha = alpha, tested = ntested, critical = critical })
end

-- Dispersion -----------------------------------------------------------------------------------

--- Dispersion of one or more queries over parts of the corpus: `c:dispersion("nära", {parts = "doc"})`.
-- parts: "doc" (default), "turn", or "time" (bins equal stretches of each document's time, from
-- its turns' start times; `bins` per document, default 10). Part sizes are word and number
-- tokens. Rows: query, freq, parts, range, juilland_d, dp, dp_norm.
function stats.dispersion(c, queries, opts)
  opts = check_opts("dispersion", opts, { parts = true, bins = true, case = true })
  if type(queries) ~= "table" or (getmetatable(queries) and #queries == 0) then queries = { queries } end
  local parts = opts.parts or "doc"
  if parts ~= "doc" and parts ~= "turn" and parts ~= "time" then
    argerror("dispersion", ("parts must be \"doc\", \"turn\" or \"time\", not %s"):format(tostring(parts)))
  end
  local bins = opts.bins or 10
  if math.type(bins) ~= "integer" or bins < 1 then argerror("dispersion", "bins must be a positive integer") end
  local rows = {}
  local bin_of, nbins -- time: turn id -> bin id
  if parts == "time" then
    local cols = c:turn_columns()
    local last = {}
    for t, d in ipairs(cols.doc) do
      if cols.start[t] then last[d] = math.max(last[d] or 0, cols.start[t]) end
    end
    if next(last) == nil then argerror("dispersion", "parts = \"time\" needs turns with start times") end
    bin_of = {}
    local doc_base, base = {}, 0
    for d = 1, c:stats().documents do
      if last[d] then doc_base[d] = base; base = base + bins end
    end
    nbins = base
    for t, d in ipairs(cols.doc) do
      local st = cols.start[t]
      if st and last[d] then
        local b = last[d] > 0 and math.min(bins - 1, math.floor(st / last[d] * bins)) or 0
        bin_of[t] = doc_base[d] + b + 1
      end
    end
  end
  for _, q in ipairs(queries) do
    local m = c:find(compile(c, "dispersion", q, opts), "matches")
    local hits, sizes = c:part_counts(nil, m, parts == "doc" and "doc" or "turn")
    if parts == "time" then
      local h2, s2 = {}, {}
      for b = 1, nbins do h2[b], s2[b] = 0, 0 end
      for t, b in pairs(bin_of) do h2[b] = h2[b] + hits[t]; s2[b] = s2[b] + sizes[t] end
      hits, sizes = h2, s2
    end
    -- parts without tokens (an empty turn) carry no information and have no relative frequency
    local v, s = {}, {}
    for i = 1, #sizes do
      -- a part's size is its words, or its hits where a query matches other tokens too
      if sizes[i] > 0 or hits[i] > 0 then v[#v + 1] = hits[i]; s[#s + 1] = math.max(sizes[i], hits[i]) end
    end
    local row = { query = q, freq = #m, parts = #s, range = 0 }
    if #s > 0 then row.range = measures.dispersion("range", v, s) end
    if #m > 0 and #s > 0 then
      row.dp = measures.dispersion("dp", v, s)
      if #s > 1 then
        row.juilland_d = measures.dispersion("juilland", v, s)
        row.dp_norm = measures.dispersion("dpnorm", v, s)
      end
    end
    rows[#rows + 1] = row
  end
  return resulttable.new({ "query", "freq", "parts", "range", "juilland_d", "dp", "dp_norm" }, rows,
    { title = ("dispersion over %s"):format(parts == "time" and ("time (%d bins per document)"):format(bins)
      or parts .. "s") })
end

--- A dispersion plot, like AntConc's Plot tool: one strip per document, a tick per match,
-- written as SVG. Returns the path.
function stats.plot(c, q, path, opts)
  opts = check_opts("plot", opts, { width = true, case = true })
  if type(path) ~= "string" then argerror("plot", "a file name for the SVG is needed (c:plot(query, \"out.svg\"))") end
  local m = c:find(compile(c, "plot", q, opts), "matches")
  local strips, docs = {}, {}
  for i = 1, c:stats().documents do
    local d = c:document(i)
    docs[i] = d
    strips[i] = { label = d.name, length = d.tokens, hits = {} }
  end
  local di = 1
  for i = 1, #m do
    local pos = m:get(i)
    while di < #docs and pos >= docs[di + 1].first_token do di = di + 1 end
    local s = strips[di]
    s.hits[#s.hits + 1] = pos - docs[di].first_token
  end
  return require("samtal.plot").write(strips, path, { title = tostring(q), width = opts.width })
end

-- Lexical diversity ----------------------------------------------------------------------------

--- Lexical diversity per speaker (or document, or of the whole corpus with group = false):
-- TTR, MATTR over a moving window (500 by default) and MTLD (threshold 0.72). Rows: [speaker
-- or doc,] tokens, types, ttr, mattr, mtld.
function stats.diversity(c, opts)
  opts = check_opts("diversity", opts, { group = true, window = true, threshold = true, by = true, kinds = true,
    language = true, speaker = true, doc = true, meta = true })
  local km, by = keymap(c, "diversity", opts)
  local group = opts.group
  if group == nil then group = "speaker" end
  if group ~= false and group ~= "speaker" and group ~= "doc" then
    argerror("diversity", "group must be \"speaker\", \"doc\" or false")
  end
  local window, threshold = opts.window or 500, opts.threshold or 0.72
  local rows = {}
  if group == false then
    local r = c:diversity_counts(km, turnset(c, "diversity", opts), window, threshold)
    rows[1] = r
  else
    local labels = {}
    local chosen = opts[group] -- a speaker (or doc) filter names the groups to show
    if chosen ~= nil then
      labels = type(chosen) == "table" and chosen or { chosen }
    elseif group == "speaker" then
      for _, s in ipairs(c:speakers()) do labels[#labels + 1] = s.name end
    else
      for i = 1, c:stats().documents do labels[#labels + 1] = c:document(i).name end
    end
    for _, label in ipairs(labels) do
      local sel = { speaker = opts.speaker, doc = opts.doc, meta = opts.meta }
      sel[group] = label
      local r = c:diversity_counts(km, turnset(c, "diversity", sel), window, threshold)
      if r.tokens > 0 then
        r[group] = label
        rows[#rows + 1] = r
      end
    end
  end
  local columns = { "tokens", "types", "ttr", "mattr", "mtld" }
  if group then table.insert(columns, 1, group) end
  return resulttable.new(columns, rows, { title = ("lexical diversity (%s, window %d)"):format(by, window) })
end

-- Your own statistics --------------------------------------------------------------------------

--- Streams tokens: `for tok in c:tokens{speaker = "LENA"} do ... end`. Each token: id, form,
-- folded, kind, sentence, turn (in its document), turn_id, doc, speaker, offset, length, line,
-- column.
function stats.tokens(c, opts)
  opts = check_opts("tokens", opts, { speaker = true, doc = true, meta = true, kinds = true })
  local ids = turn_ids(c, "tokens", opts) -- nil: every turn
  local kinds
  if opts.kinds and opts.kinds ~= "all" then
    kinds = {}
    for k in opts.kinds:gmatch("%a+") do kinds[k] = true end
  end
  local ti, turn, tok, last = 0, nil, 0, -1
  local nturns = ids and #ids or c:stats().turns
  return function()
    while true do
      if tok > last then
        ti = ti + 1
        if ti > nturns then return nil end
        turn = c:turn(ids and ids[ti] or ti)
        tok, last = turn.first_token, turn.first_token + turn.tokens - 1
      else
        local t = c:token(tok)
        t.id = tok
        t.speaker = turn.speaker
        tok = tok + 1
        if not kinds or kinds[t.kind] then return t end
      end
    end
  end
end

--- Counts any key a function derives: `c:tally(function(form, folded, kind) return ... end)`.
-- The function gets each distinct form once (form, folded form, kind) and returns its key (a
-- string or number), or nil for a form that does not count; the C core counts the tokens. With
-- per = "token" it gets every token (as c:tokens gives them) instead: slower, for keys that
-- depend on more than the form. opts: speaker, doc, min, per. Rows: rank, key, freq, per10k.
function stats.tally(c, fn, opts)
  if type(fn) ~= "function" then
    error(("bad argument #1 to 'tally' (function expected, got %s)"):format(type(fn)), 2)
  end
  opts = check_opts("tally", opts, { speaker = true, doc = true, meta = true, min = true, per = true })
  local min = check_min("tally", opts.min, 1)
  local per = opts.per or "form"
  if per ~= "form" and per ~= "token" then argerror("tally", "per must be \"form\" or \"token\"") end
  local rows = {}
  local total = 0
  if per == "form" then
    local ft = c:form_table()
    local key_id, names, of_form = {}, {}, {}
    for f, form in ipairs(ft.forms) do
      local key = fn(form, ft.folded[f], ft.kinds[f])
      if key ~= nil then
        if type(key) ~= "string" and type(key) ~= "number" then
          argerror("tally", ("the key function returned a %s for %q (string or number expected)")
            :format(type(key), form))
        end
        local id = key_id[key]
        if not id then id = #names + 1; names[id] = key; key_id[key] = id end
        of_form[f] = id
      else
        of_form[f] = false
      end
    end
    local km = c:keymap_custom(of_form, #names)
    local r, n = c:tally_keys(km, turnset(c, "tally", opts), { sorted = true, min = min })
    total = n
    for i, k in ipairs(r.keys) do rows[i] = { rank = i, key = names[k], freq = r.freq[i] } end
  else
    local counts, order = {}, {}
    for tok in stats.tokens(c, { speaker = opts.speaker, doc = opts.doc, meta = opts.meta }) do
      local key = fn(tok)
      if key ~= nil then
        if not counts[key] then order[#order + 1] = key; counts[key] = 0 end
        counts[key] = counts[key] + 1
        total = total + 1
      end
    end
    for i, key in ipairs(order) do rows[#rows + 1] = { key = key, freq = counts[key], first = i } end
    table.sort(rows, function(a, b)
      if a.freq ~= b.freq then return a.freq > b.freq end
      return a.first < b.first
    end)
    local kept = {}
    for _, row in ipairs(rows) do
      if row.freq >= min then row.first = nil; kept[#kept + 1] = row; row.rank = #kept end
    end
    rows = kept
  end
  for _, row in ipairs(rows) do row.per10k = per10k(row.freq, total) end
  return resulttable.new({ "rank", "key", "freq", "per10k" }, rows, { title = "tally", total = total })
end

--- Installs the methods on the corpus method table.
function stats.install(Corpus, helpers)
  check_opts, compile = helpers.check_opts, helpers.compile
  for _, name in ipairs { "freq", "talk", "ngrams", "clusters", "collocates", "keywords", "dispersion", "plot",
    "diversity", "tokens", "tally" } do
    Corpus[name] = stats[name]
  end
end

return stats
