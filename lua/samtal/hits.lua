--- samtal.hits: the result of a concordance query, and what a user does with one: re-window the
-- context, sort by the words around the match (AntConc's sort levels), count, thin out reproducibly,
-- filter, and write every hit as aligned text, CSV, TSV, JSON or a sortable HTML page.
--
-- A Hits is a plain array of hit tables (so `#hits`, `hits[i]` and `ipairs` work) with this
-- metatable; `query`, `corpus`, `left`, `right` and `collation` are fields of the array table.
-- Every method that gives hits returns a new Hits and leaves the one it was called on as it was:
-- a result can be sorted two ways side by side, and no method reaches into a list a caller holds.
-- @module samtal.hits
local core = require "samtal.core"
local format = require "samtal.format"
local provenance = require "samtal.script" -- what CSV, TSV and JSON carry with {provenance = ...}

local Hits = {}
Hits.__name = "samtal.Hits"

local LAZY_BLOCK = 64 -- hits a lazy concordance builds at once (Hits.lazy_blocks)

-- A concordance straight from a query is lazy: its hit tables are built a block at a time, when a
-- hit of the block is first read (see Hits.lazy_blocks), so `#hits` and the first lines of a million
-- matches cost no million tables.
-- Integer keys past what is built come from the builder; every other key is a method.
function Hits.__index(self, k)
  if math.type(k) == "integer" then
    local lazy = rawget(self, "_lazy")
    if lazy and k >= 1 and k <= lazy.n then
      if lazy.fill then -- the block of hits k is in, built at once (those built already stay)
        lazy.built = true
        local first = (k - 1) // LAZY_BLOCK * LAZY_BLOCK + 1
        lazy.fill(self, first, math.min(first + LAZY_BLOCK - 1, lazy.n))
        return rawget(self, k)
      end
      local h = lazy.build(k)
      rawset(self, k, h)
      return h
    end
    return nil
  end
  return Hits[k]
end

function Hits.__len(self)
  local lazy = rawget(self, "_lazy")
  return lazy and lazy.n or rawlen(self)
end

--- A frequency table: an array of `{key, count}` rows, printed aligned.
local Counts = {}
Counts.__index = Counts
Counts.__name = "samtal.Counts"

local DEFAULT_WIDTH = 6 -- words each side, as c:kwic's default
local MAX_WIDTH = 10000 -- what c:context() accepts

--- Wraps `list` (hit tables, in corpus order) as a Hits. The list itself becomes the result:
-- the caller hands it over. opts: `left`, `right` (the window the contexts were cut with, in
-- words; default 6 each), `collation` (a glibc locale name such as "sv_SE.UTF-8" for sorting
-- text; nil sorts by bytes).
function Hits.new(corpus, query, list, opts)
  opts = opts or {}
  list.corpus = corpus -- anchors the corpus: re-windowing and word levels read its tokens
  list.query = query
  list.left = opts.left or DEFAULT_WIDTH
  list.right = opts.right or DEFAULT_WIDTH
  list.collation = opts.collation
  return setmetatable(list, Hits)
end

--- A Hits of `n` hits whose i-th hit table is `build(i)`, built when it is first read (and kept).
function Hits.lazy(corpus, query, n, build, opts)
  return Hits.new(corpus, query, { _lazy = { n = n, build = build } }, opts)
end

--- A Hits of `n` hits built a block at a time: `fill(hits, first, last)` stores hit tables as
-- hits[first] .. hits[last], leaving those already there, when one of them is first read.
-- `lines(hits, first, last, context [, out])`, when given, returns out (a new array if none)
-- with the concordance lines of those hits as out[first] .. out[last], shaped as Hits:lines
-- shapes them, building no hit table.
-- `rows(hits, first, last, context, columns)` fills the six arrays of columns with what text()
-- shows of the hits not built yet (location, time or false, speaker, left, match, right).
-- `words(side, k, limit)`, when given, returns for every hit the folded k-th word on side "L",
-- "R" or "M" (false if none or k > limit), as the sort's word levels read it from the tables, and
-- `permute(order)` a lazy Hits of the same matches in that order: Hits:sort by word levels then
-- builds no hit table.
function Hits.lazy_blocks(corpus, query, n, fill, opts, lines, rows, words, permute)
  return Hits.new(corpus, query,
    { _lazy = { n = n, fill = fill, lines = lines, rows = rows, words = words, permute = permute } }, opts)
end

--- A new Hits over `list` that shares self's corpus, query and collation.
local function derive(self, list, left, right)
  return Hits.new(self.corpus, self.query, list,
    { left = left or self.left, right = right or self.right, collation = self.collation })
end

--- Raises unless self is a Hits (a method called with `.` instead of `:`).
local function check_hits(self, fname)
  if getmetatable(self) ~= Hits then
    error(("bad argument #1 to '%s' (samtal.Hits expected, got %s)"):format(fname, type(self)), 3)
  end
end

--- Raises unless the hits still have a corpus to read tokens from.
local function check_corpus(self, fname)
  if not self.corpus then error(fname .. ": these hits have no corpus to read the context from", 3) end
end

local function is_word(t)
  return t.kind == "word" or t.kind == "number"
end

--- The number of tokens a hit's match spans. Results from before `tokens` was stored per hit
-- are measured by walking the tokens inside the match's byte range.
local function match_tokens(corpus, total, h)
  if h.tokens then return h.tokens end
  local n, stop = 1, h.offset + h.length
  for i = h.position + 1, total do
    local t = corpus:token(i)
    if t.turn_id ~= h.turn_id or t.offset >= stop then break end
    n = n + 1
  end
  return n
end

--- The folded words (word and number tokens) on one side of a hit, nearest first, at most
-- `limit` of them. Context is cut within the turn and counted in these same words, so the
-- k-th word exists exactly when the context shown has k words on that side. The corpus's own
-- tokens are used, not a new segmentation of the context text, so that a corpus opened with
-- `hyphens = true` sorts on the words it counts.
local function side_words(corpus, total, h, side, limit)
  local words = {}
  if not h.position then return words end
  local i, step, stop
  if side == "L" then
    i, step = h.position - 1, -1
  else
    local n = match_tokens(corpus, total, h)
    if side == "M" then
      i, step, stop = h.position, 1, h.position + n
    else
      i, step = h.position + n, 1
    end
  end
  while #words < limit and i >= 1 and i <= total and i ~= stop do
    local t = corpus:token(i)
    if t.turn_id ~= h.turn_id then break end
    if is_word(t) then words[#words + 1] = t.folded end
    i = i + step
  end
  return words
end

-- Hit fields a level may name even when no hit in the result carries them.
local FIELDS = {}
for _, f in ipairs { "doc", "path", "speaker", "turn", "turn_id", "left", "match", "right", "offset", "length",
  "line", "column", "position", "sentence", "start", "stop", "tokens" } do
  FIELDS[f] = true
end

local LEVELS = "L1..L9 or 1L..9L, R1..R9 or 1R..9R, match, M1..M9, speaker, doc, position, "
  .. "another hit field, or a function"

--- Parses a level name: returns the side ("L", "R", "M") and the word number, or nil.
local function word_level(level)
  local side, k = level:match("^([LRM])(%d+)$")
  if not side then k, side = level:match("^(%d+)([LR])$") end
  k = tonumber(k)
  if side and k >= 1 then return side, k end
  return nil
end

--- Builds the key functions for a list of levels: each `key(hit)` gives a string, a number,
-- a boolean or nil (missing). `purpose` is "sort" or "count": sorting by "doc" follows the
-- corpus's order of documents, counting by "doc" shows their names.
local function key_functions(self, levels, purpose, fname)
  local corpus, total
  local need = { L = 0, R = 0, M = 0 } -- how many words each side the levels look at
  local specs = {}
  for n, level in ipairs(levels) do
    local spec = {}
    if type(level) == "function" then
      spec.fn = level
    elseif type(level) == "string" then
      local name = level
      if purpose == "sort" and name:sub(1, 1) == "-" then
        spec.desc, name = true, name:sub(2)
      end
      local side, k = word_level(name)
      if side then
        spec.side, spec.k = side, k
        local limit = side == "L" and self.left or side == "R" and self.right or math.huge
        need[side] = math.max(need[side], math.min(k, limit))
      elseif name == "match" or name == "M" then
        spec.fn = function(h) return h.match and core.fold(h.match) end
      elseif name == "doc" and purpose == "sort" then
        spec.doc = true
      elseif FIELDS[name] or (self[1] and self[1][name] ~= nil) then
        spec.fn = function(h) return h[name] end
      else
        error(("%s: unknown level '%s' (%s)"):format(fname, level, LEVELS), 3)
      end
    else
      error(("bad argument #%d to '%s' (level name or function expected, got %s)")
        :format(n, fname, type(level)), 3)
    end
    specs[n] = spec
  end
  if need.L + need.R + need.M > 0 then
    check_corpus(self, fname)
    corpus = self.corpus
    total = corpus:stats().tokens
  end
  -- words of each hit, read once for all the levels that look at them
  local cache = setmetatable({}, { __mode = "k" })
  local function words(h, side)
    if need[side] == 0 then return {} end -- a window of 0 words: nothing to read
    local w = cache[h]
    if not w then
      w = {}
      cache[h] = w
    end
    if not w[side] then w[side] = side_words(corpus, total, h, side, need[side]) end
    return w[side]
  end
  local docs
  for _, spec in ipairs(specs) do
    if spec.side then
      local side, k = spec.side, spec.k
      spec.fn = function(h) return words(h, side)[k] end
    elseif spec.doc then
      if not docs then
        docs = {}
        check_corpus(self, fname)
        for i = 1, self.corpus:stats().documents do docs[self.corpus:document(i).path] = i end
      end
      spec.fn = function(h) return docs[h.path] end
    end
  end
  return specs
end

--- Sort keys are compared by kind first, then value: missing < false < true < numbers < strings.
local function kind_of(v, fname)
  local t = type(v)
  if v == nil or v ~= v then return 0 end -- NaN counts as missing: it compares with nothing
  if t == "boolean" then return v and 2 or 1 end
  if t == "number" then return 3 end
  if t == "string" then return 4 end
  error(("%s: a key must be a string, number, boolean or nil, not a %s"):format(fname, t), 3)
end

--- A function from text to its collation key under `locale` (glibc strxfrm_l), cached per
-- string; without a locale, text compares by its bytes.
local function collator(locale)
  if not locale then return function(s) return s end end
  local keys = {}
  return function(s)
    local k = keys[s]
    if not k then
      k = core.collate_key(s, locale)
      keys[s] = k
    end
    return k
  end
end

--- Sorts by one or more levels, the first deciding and the next breaking its ties; hits that
-- tie on every level keep their current order (the sort is stable). Returns a new Hits.
-- Levels: "L1".."L9" (or "1L".."9L": the word nearest the match on the left, then the next),
-- "R1".."R9", "match", "M1".."M9" (words of the match), "speaker", "doc" (corpus order),
-- "position", any other hit field, or a function key(hit) -> string|number|boolean|nil.
-- Words compare case-folded. Text follows the result's collation (Swedish: a to z, then å ä ö).
-- A missing key (a context with fewer words, a hit without a speaker) sorts first. A "-" before a
-- name reverses that level. No level restores corpus order. A concordance straight from c:kwic,
-- none of its hits read yet, sorted by word levels alone stays lazy: no hit table is built.
function Hits:sort(...)
  check_hits(self, "sort")
  local levels = table.pack(...)
  levels.n = nil
  if #levels == 0 then levels = { "position" } end
  local specs = key_functions(self, levels, "sort", "sort")
  local collate = collator(self.collation)
  local kinds, values = {}, {}
  -- a concordance straight from c:kwic, no hit table read yet, sorted by word levels only: the
  -- words come from the corpus and the result is a lazy concordance of the same matches
  local lazy = rawget(self, "_lazy")
  local fast = lazy and lazy.words and not lazy.built
  for _, spec in ipairs(specs) do fast = fast and spec.side ~= nil end
  for l, spec in ipairs(specs) do
    local ks, vs = {}, {}
    if fast then
      local limit = spec.side == "L" and self.left or spec.side == "R" and self.right or math.maxinteger
      for i, v in ipairs(lazy.words(spec.side, spec.k, limit)) do
        ks[i] = v and 4 or 0
        vs[i] = v and collate(v) or false
      end
    else
      for i, h in ipairs(self) do
        local v = spec.fn(h)
        local kind = kind_of(v, "sort")
        ks[i] = kind
        vs[i] = kind == 4 and collate(v) or kind == 3 and v or false
      end
    end
    kinds[l], values[l] = ks, vs
  end
  local order = {}
  for i = 1, #self do order[i] = i end
  local nlevels = #specs
  table.sort(order, function(a, b)
    for l = 1, nlevels do
      local ks, vs = kinds[l], values[l]
      local ka, kb = ks[a], ks[b]
      local desc = specs[l].desc
      if ka ~= kb then
        if desc then return ka > kb end
        return ka < kb
      end
      local va, vb = vs[a], vs[b]
      if va ~= vb then
        if desc then return va > vb end
        return va < vb
      end
    end
    return a < b -- ties keep their order
  end)
  if fast then
    local sorted = lazy.permute(order)
    sorted.left, sorted.right, sorted.collation = self.left, self.right, self.collation
    return sorted
  end
  local list = {}
  for i, k in ipairs(order) do list[i] = self[k] end
  return derive(self, list)
end

--- A frequency breakdown by a level ("match" is case-folded; "speaker", "doc", "L1", "R1",
-- any hit field, or a function key(hit)): a Counts, rows `{key, count}` sorted by count
-- (most first), then key. Hits without a key count in a row whose key is nil.
function Hits:count(level)
  check_hits(self, "count")
  if level == nil then error("bad argument #1 to 'count' (level name or function expected, got no value)", 2) end
  local fn = key_functions(self, { level }, "count", "count")[1].fn
  local NONE = {} -- stands for a missing key, which cannot be a table key itself
  local tally, keys = {}, {}
  for _, h in ipairs(self) do
    local k = fn(h)
    kind_of(k, "count")
    if k == nil or k ~= k then k = NONE end
    if not tally[k] then
      tally[k] = 0
      keys[#keys + 1] = k
    end
    tally[k] = tally[k] + 1
  end
  local collate = collator(self.collation)
  local rows = {}
  for i, k in ipairs(keys) do
    rows[i] = { k ~= NONE and k or nil, tally[k] }
  end
  table.sort(rows, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    local ka, kb = kind_of(a[1]), kind_of(b[1])
    if ka ~= kb then return ka < kb end
    if ka == 4 then return collate(a[1]) < collate(b[1]) end
    if ka == 3 then return a[1] < b[1] end
    return ka == 1 and kb == 2 -- only booleans left; missing ties with missing
  end)
  rows.by = type(level) == "string" and level or "key"
  return setmetatable(rows, Counts)
end


local cell = format.cell

local function display(k)
  if k == nil then return "-" end
  return cell(k)
end

--- The rows aligned: key on the left, count on the right, under a header.
function Counts:__tostring()
  if #self == 0 then return "no hits to count" end
  local wkey, wnum = format.width(self.by), #"count"
  for _, r in ipairs(self) do
    wkey = math.max(wkey, format.width(display(r[1])))
    wnum = math.max(wnum, #tostring(r[2]))
  end
  local out = { self.by .. (" "):rep(wkey - format.width(self.by) + 2 + wnum - 5) .. "count" }
  for _, r in ipairs(self) do
    local k, n = display(r[1]), tostring(r[2])
    out[#out + 1] = k .. (" "):rep(wkey - format.width(k) + 2 + wnum - #n) .. n
  end
  return table.concat(out, "\n")
end

local csv_field = format.csv_field

local tsv_field = format.tsv_field

local emit = format.emit

--- The rows as CSV (RFC 4180, CRLF line ends, header `key,count` with the level's name).
function Counts:csv(path)
  local out = { csv_field(self.by) .. ",count\r\n" }
  for _, r in ipairs(self) do out[#out + 1] = csv_field(r[1]) .. "," .. r[2] .. "\r\n" end
  return emit(table.concat(out), path, "csv")
end

--- The rows as tab-separated values.
function Counts:tsv(path)
  local out = { tsv_field(self.by) .. "\tcount\n" }
  for _, r in ipairs(self) do out[#out + 1] = tsv_field(r[1]) .. "\t" .. r[2] .. "\n" end
  return emit(table.concat(out), path, "tsv")
end

--- SplitMix64 (Steele, Lea and Flood 2014): a tiny generator with a fixed output for a seed on
-- every build of Lua 5.4 with 64-bit integers, unlike math.random, whose algorithm and seeding
-- are the build's business. Integer arithmetic wraps around in Lua 5.4, as the algorithm needs.
local function splitmix64(seed)
  local state = seed
  return function()
    state = state + 0x9E3779B97F4A7C15
    local z = state
    z = (z ~ (z >> 30)) * 0xBF58476D1CE4E5B9
    z = (z ~ (z >> 27)) * 0x94D049BB133111EB
    return z ~ (z >> 31)
  end
end
Hits.splitmix64 = splitmix64

--- A uniform integer in [0, m), m <= 2^53, by rejection (no modulo bias).
local function below(next, m)
  local range = 1 << 53
  local limit = range - range % m
  while true do
    local r = next() >> 11 -- the top 53 bits, a non-negative integer
    if r < limit then return r % m end
  end
end

--- A seed as a 64-bit integer: integers as they are, strings hashed (FNV-1a).
local function seed_of(seed)
  if seed == nil then return 0 end
  if type(seed) == "number" then
    local i = math.tointeger(seed)
    if i then return i end
  elseif type(seed) == "string" then
    local h = 0xcbf29ce484222325
    for i = 1, #seed do h = (h ~ seed:byte(i)) * 0x100000001b3 end
    return h
  end
  error(("bad argument #2 to 'sample' (integer or string seed expected, got %s)"):format(tostring(seed)), 3)
end

--- n hits chosen at random, each set of n equally likely, kept in their current order; the same
-- seed (an integer or a string, default 0) gives the same hits on any machine. n >= #hits
-- gives them all.
function Hits:sample(n, seed)
  check_hits(self, "sample")
  if math.type(n) ~= "integer" or n < 0 then
    error(("bad argument #1 to 'sample' (non-negative integer expected, got %s)"):format(tostring(n)), 2)
  end
  if math.maxinteger ~= 0x7FFFFFFFFFFFFFFF then error("sample: needs Lua with 64-bit integers", 2) end
  local next = splitmix64(seed_of(seed))
  local list, total = {}, #self
  -- selection sampling (Knuth's Algorithm S): take hit i with probability
  -- (still wanted) / (still left), which picks every subset of size n with equal chance
  for i, h in ipairs(self) do
    if #list >= n then break end
    if below(next, total - i + 1) < n - #list then list[#list + 1] = h end
  end
  return derive(self, list)
end

--- The hits for which fn(hit) is true, as a new Hits.
function Hits:filter(fn)
  check_hits(self, "filter")
  if type(fn) ~= "function" then
    error(("bad argument #1 to 'filter' (function expected, got %s)"):format(type(fn)), 2)
  end
  local list = {}
  for _, h in ipairs(self) do
    if fn(h) then list[#list + 1] = h end
  end
  return derive(self, list)
end

local function check_width(v, name)
  if math.type(v) ~= "integer" or v < 0 or v > MAX_WIDTH then
    error(("window: %s must be an integer from 0 to %d, not %s"):format(name, MAX_WIDTH, tostring(v)), 3)
  end
end

--- The same hits with the context cut again, n words each side, or `{left = 3, right = 8}` (a
-- side left out keeps its width), without querying again. Returns a new Hits; the hit tables
-- are copies, so the old result keeps its contexts.
function Hits:window(n)
  check_hits(self, "window")
  local left, right
  if type(n) == "table" then
    for k in pairs(n) do
      if k ~= "left" and k ~= "right" then
        error(("window: unknown option '%s' (known: left, right)"):format(tostring(k)), 2)
      end
    end
    left, right = n.left or self.left, n.right or self.right
  else
    left, right = n, n
  end
  check_width(left, "left")
  check_width(right, "right")
  check_corpus(self, "window")
  local corpus = self.corpus
  local total = corpus:stats().tokens
  local list = {}
  for i, h in ipairs(self) do
    local copy = {}
    for k, v in pairs(h) do copy[k] = v end
    copy.left, copy.right = corpus:context(h.position, match_tokens(corpus, total, h), left, right)
    list[i] = copy
  end
  return derive(self, list, left, right)
end

local tail = format.tail

local head = format.head

local clock = format.clock

--- The query as a title shows it: a string quoted, a function or an LPeg pattern named.
local function query_name(q)
  if type(q) == "string" then return ("%q"):format(q) end
  if q == nil then return "a query" end
  return "a " .. (type(q) == "userdata" and "pattern" or type(q)) .. " query"
end

local BOLD_RED, RESET = "\27[1;31m", "\27[0m"

local DEFAULT_CONTEXT = 60 -- characters each side of a line, in text() and lines()

--- A hit's left context, match and right context as a line shows them: white space squeezed,
-- the left's leading space dropped, a side wider than `cols` characters cut to its cols - 1
-- characters nearest the match with "…" outside them. src/kwic_lines.c does the same in C.
local function shape(h, cols)
  local width, squeeze = format.width, format.squeeze
  local left = squeeze(h.left):gsub("^ ", "")
  left = width(left) > cols and ("…" .. tail(left, cols - 1)) or left
  local right = squeeze(h.right)
  right = width(right) > cols and (head(right, cols - 1) .. "…") or right
  return left, squeeze(h.match), right
end

--- Every hit as aligned text: document:line, time (when a hit has one), speaker, the left
-- context right-aligned, the match in brackets (or in bold red, without brackets, with
-- `{color = true}`), the right context; then the count. `context` is the number of characters
-- shown each side (default 60). Without times or colour this is format.concordance's text.
function Hits:text(opts)
  check_hits(self, "text")
  opts = opts or {}
  if #self == 0 then return "no hits for " .. query_name(self.query or "") end
  local cols = opts.context or DEFAULT_CONTEXT
  local n = #self
  -- the parts of each row, in columns: location, time (false without one), speaker, left, match,
  -- right; a concordance straight from c:kwic has C fill them for the hits it has not built
  local locs, times, spks, lefts, matches, rights = {}, {}, {}, {}, {}, {}
  local lazy = rawget(self, "_lazy")
  local from_c = lazy and lazy.rows and math.type(cols) == "integer" and cols >= 1
  if from_c then lazy.rows(self, 1, n, cols, { locs, times, spks, lefts, matches, rights }) end
  for i = 1, n do
    local h
    if from_c then h = rawget(self, i) else h = self[i] end
    if h then
      locs[i] = ("%s:%d"):format(h.doc, h.line)
      times[i] = h.start and clock(h.start) or false
      spks[i] = h.speaker or "-"
      lefts[i], matches[i], rights[i] = shape(h, cols)
    end
  end
  local width = format.width
  local timed, wloc, wtime, wspk, wleft = false, 0, 0, 0, 0
  for i = 1, n do
    if times[i] then
      timed = true
      wtime = math.max(wtime, width(times[i]))
    end
    wloc = math.max(wloc, width(locs[i]))
    wspk = math.max(wspk, width(spks[i]))
    wleft = math.max(wleft, width(lefts[i]))
  end
  local out = {}
  for i = 1, n do
    local match = opts.color and (BOLD_RED .. matches[i] .. RESET) or ("[" .. matches[i] .. "]")
    local time = times[i] or ""
    out[i] = locs[i] .. (" "):rep(wloc - width(locs[i]) + 2)
      .. (timed and (time .. (" "):rep(wtime - width(time) + 2)) or "")
      .. spks[i] .. (" "):rep(wspk - width(spks[i]) + 2)
      .. (" "):rep(wleft - width(lefts[i])) .. lefts[i] .. match .. rights[i]
  end
  out[#out + 1] = ("%d hit%s"):format(#self, #self == 1 and "" or "s")
  return table.concat(out, "\n")
end

--- Every hit as one line of text, `left .. "[" .. match .. "]" .. right`, in a plain array of
-- strings: NLTK's ConcordanceLine.line without its padding. The parts are shaped as text() shapes
-- them (white space squeezed, each side cut to `context` characters with "…" where it was cut),
-- so a line is the end of text()'s row for the same hit. A concordance straight from c:kwic
-- builds its lines in C, without a hit table per hit; sorted or filtered hits build the same
-- lines from their tables.
-- @tparam[opt] table opts `context`: characters each side, an integer from 1 (default 60)
-- @treturn {string,...} one line per hit, in the hits' order
-- @usage for _, line in ipairs(c:kwic("nära vård"):lines{context = 40}) do print(line) end
function Hits:lines(opts)
  check_hits(self, "lines")
  if opts ~= nil and type(opts) ~= "table" then
    error(("bad argument #1 to 'lines' (table expected, got %s)"):format(type(opts)), 2)
  end
  opts = opts or {}
  for k in pairs(opts) do
    if k ~= "context" then error(("lines: unknown option '%s' (known: context)"):format(tostring(k)), 2) end
  end
  local cols = opts.context or DEFAULT_CONTEXT
  if math.type(cols) ~= "integer" or cols < 1 then
    error(("lines: context must be an integer of at least 1, not %s"):format(tostring(cols)), 2)
  end
  local lazy = rawget(self, "_lazy")
  if lazy and lazy.lines then
    if lazy.n == 0 then return {} end
    return lazy.lines(self, 1, lazy.n, cols)
  end
  local out = {}
  for i, h in ipairs(self) do
    local left, match, right = shape(h, cols)
    out[i] = left .. "[" .. match .. "]" .. right
  end
  return out
end

--- tostring(hits): the aligned text, never coloured.
function Hits:__tostring()
  return self:text()
end

local COLUMNS = { "doc", "speaker", "turn", "line", "column", "offset", "length", "start", "stop", "left", "match",
  "right" }

--- Every hit as CSV (RFC 4180: CRLF line ends, a field with a comma, quote or line break quoted),
-- one header row. With a path, writes the file and returns the path. `{provenance = true}` (the
-- hits' corpus) or `{provenance = c}` adds the columns samtal and fingerprint (samtal.script).
function Hits:csv(path, opts)
  check_hits(self, "csv")
  local prov
  path, prov = provenance.output_args("csv", path, opts, self.corpus)
  local head_extra, row_extra = provenance.columns(prov, csv_field, ",")
  local out = { table.concat(COLUMNS, ",") .. head_extra .. "\r\n" }
  for _, h in ipairs(self) do
    local row = {}
    for j, k in ipairs(COLUMNS) do row[j] = csv_field(h[k]) end
    out[#out + 1] = table.concat(row, ",") .. row_extra .. "\r\n"
  end
  return emit(table.concat(out), path, "csv")
end

--- Every hit as tab-separated values, same columns as csv(); a tab, line break or backslash
-- in a field is written \t, \n (\r) or \\. Takes {provenance = ...} as csv() does.
function Hits:tsv(path, opts)
  check_hits(self, "tsv")
  local prov
  path, prov = provenance.output_args("tsv", path, opts, self.corpus)
  local head_extra, row_extra = provenance.columns(prov, tsv_field, "\t")
  local out = { table.concat(COLUMNS, "\t") .. head_extra .. "\n" }
  for _, h in ipairs(self) do
    local row = {}
    for j, k in ipairs(COLUMNS) do row[j] = tsv_field(h[k]) end
    out[#out + 1] = table.concat(row, "\t") .. row_extra .. "\n"
  end
  return emit(table.concat(out), path, "tsv")
end

local json_string = format.json_string

local json_value = format.json_value

local JSON_FIELDS = { "doc", "path", "speaker", "turn", "turn_id", "line", "column", "offset", "length", "start",
  "stop", "position", "sentence", "left", "match", "right" }

--- Every hit as a JSON array of objects, one a line; a field the hit lacks (speaker, start)
-- is null. With a path, writes the file and returns the path. With {provenance = ...} the array
-- is the "rows" of an object that also holds "samtal" (the version) and "fingerprint".
function Hits:json(path, opts)
  check_hits(self, "json")
  local prov
  path, prov = provenance.output_args("json", path, opts, self.corpus)
  local objs = {}
  for i, h in ipairs(self) do
    local fields = {}
    for j, k in ipairs(JSON_FIELDS) do fields[j] = json_string(k) .. ":" .. json_value(h[k]) end
    objs[i] = "{" .. table.concat(fields, ",") .. "}"
  end
  local text = #objs == 0 and "[]\n" or "[\n" .. table.concat(objs, ",\n") .. "\n]\n"
  return emit(provenance.json(text, prov), path, "json")
end

local HTML_ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }
local function esc(s)
  return (cell(s):gsub("[&<>\"']", HTML_ESCAPES))
end

local HTML_STYLE = [[
body{font:14px/1.45 system-ui,sans-serif;margin:1em;color:#222}
h1{font-size:1.2em}
table{border-collapse:collapse}
th{position:sticky;top:0;background:#e8e8e8;cursor:pointer;user-select:none;text-align:left}
th,td{padding:2px 8px;white-space:nowrap;vertical-align:top}
tbody tr:nth-child(even){background:#f5f5f5}
td.n{text-align:right;color:#666;font-variant-numeric:tabular-nums}
td.l{text-align:right}
td.m{font-weight:bold;color:#b00000}
th[data-dir="1"]::after{content:" \25B2"}
th[data-dir="-1"]::after{content:" \25BC"}
]]

-- Click a header to sort by its column, again to reverse. A cell's data-k, when it has one, is
-- its sort key (the left context sorts by its nearest word first); "num" columns compare as
-- numbers, an empty cell first; ties keep the order of the # column.
local HTML_SCRIPT = [[
const coll = new Intl.Collator(document.documentElement.lang || undefined);
const heads = document.querySelectorAll("th");
heads.forEach((th, i) => th.addEventListener("click", () => {
  const body = document.querySelector("tbody"), rows = Array.from(body.rows);
  const dir = th.dataset.dir === "1" ? -1 : 1, num = th.classList.contains("num");
  heads.forEach(h => delete h.dataset.dir);
  th.dataset.dir = String(dir);
  const key = r => { const c = r.cells[i]; return c.dataset.k !== undefined ? c.dataset.k : c.textContent; };
  const val = s => s === "" ? -Infinity : Number(s);
  rows.sort((a, b) => {
    const x = key(a), y = key(b);
    const d = num ? val(x) - val(y) : coll.compare(x, y);
    return (d || 0) * dir || a.cells[0].textContent - b.cells[0].textContent;
  });
  const frag = document.createDocumentFragment();
  rows.forEach(r => frag.appendChild(r));
  body.appendChild(frag);
}));
]]

--- Every hit as one self-contained HTML page (inline CSS and script, UTF-8): a table of #,
-- document, line, offset, time, speaker, left, match, right, sortable by clicking a column
-- header (the left context by its nearest word first, text in the collation's language).
-- With a path, writes the file and returns the path; without, returns the page.
function Hits:html(path)
  check_hits(self, "html")
  local timed = false
  for _, h in ipairs(self) do
    if h.start then
      timed = true
      break
    end
  end
  -- the page's language, for the browser's collation: "sv" from "sv_SE.UTF-8"
  local lang = self.collation and self.collation:match("^(%a%a%a?)%f[^%a]")
  -- sort keys: the folded context words, nearest first, when the corpus can give them
  local total = self.corpus and #self > 0 and self.corpus:stats().tokens
  local title = ("Concordance of %s: %d hit%s"):format(query_name(self.query), #self, #self == 1 and "" or "s")
  local out = {
    "<!DOCTYPE html>\n",
    lang and ('<html lang="' .. esc(lang) .. '">\n') or "<html>\n",
    '<head>\n<meta charset="utf-8">\n',
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    "<title>", esc(title), "</title>\n<style>\n", HTML_STYLE, "</style>\n</head>\n<body>\n",
    "<h1>", esc(title), "</h1>\n",
    "<p>Click a column header to sort by it, again to reverse it. The left context sorts by the ",
    "word nearest the match, then the next.</p>\n",
    '<table>\n<thead><tr><th class="num">#</th><th>doc</th><th class="num">line</th>',
    '<th class="num">offset</th>', timed and '<th class="num">time</th>' or "",
    "<th>speaker</th><th>left</th><th>match</th><th>right</th></tr></thead>\n<tbody>\n",
  }
  for i, h in ipairs(self) do
    local lk, rk = "", ""
    if total then
      lk = table.concat(side_words(self.corpus, total, h, "L", self.left), " ")
      rk = table.concat(side_words(self.corpus, total, h, "R", self.right), " ")
    end
    out[#out + 1] = table.concat {
      '<tr><td class="n">', i, '</td><td>', esc(h.doc), '</td><td class="n">', esc(h.line),
      '</td><td class="n" title="length ', esc(h.length), '">', esc(h.offset), "</td>",
      timed and ('<td class="n" data-k="' .. esc(h.start) .. '">' .. (h.start and clock(h.start) or "") .. "</td>")
        or "",
      "<td>", esc(h.speaker), '</td><td class="l" data-k="', esc(lk), '">', esc(h.left),
      '</td><td class="m" data-k="', esc(core.fold(h.match)), '">', esc(h.match),
      '</td><td data-k="', esc(rk), '">', esc(h.right), "</td></tr>\n",
    }
  end
  out[#out + 1] = "</tbody>\n</table>\n<script>\n" .. HTML_SCRIPT .. "</script>\n</body>\n</html>\n"
  return emit(table.concat(out), path, "html")
end

return Hits
