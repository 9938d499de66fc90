--- samtal.quotes: quotations in speech and quotable sentences, exact and attributed.
-- The C core (quotes.c) pairs the quotation marks and cuts the sentences; this module gives
-- them their shape: filters (speaker, a query, length), attribution from the document's
-- preamble, the check against the source file, and Markdown, CSV and JSON.
-- @module samtal.quotes
local core = require "samtal.core"
local format = require "samtal.format"
local provenance = require "samtal.script" -- what CSV and JSON carry with {provenance = ...}

local quotes = {}

--- A list of quotations; `unmatched` lists the marks that pair with nothing.
local Quotations = { __name = "samtal.Quotations" }
Quotations.__index = Quotations

--- A list of quotes (sentences with attribution).
local Quotes = { __name = "samtal.Quotes" }
Quotes.__index = Quotes

--- One quote: a table of fields with the methods verify, markdown.
local Quote = { __name = "samtal.Quote" }
Quote.__index = Quote

local corpus_of = setmetatable({}, { __mode = "k" }) -- quote or list -> its corpus (kept alive)

--- The match positions of a query as a sorted array of {first, last} token ids.
local function match_ranges(c, q, case)
  local out = {}
  for _, m in ipairs(c:positions(q, { case = case })) do out[#out + 1] = { m[1], m[1] + m[2] - 1 } end
  table.sort(out, function(a, b) return a[1] < b[1] end)
  return out
end

--- Whether a match lies wholly in tokens first..last (ranges sorted by their start).
local function holds_match(ranges, first, last)
  if not first then return false end
  local lo, hi = 1, #ranges + 1 -- the first range starting at or after `first`
  while lo < hi do
    local mid = (lo + hi) // 2
    if ranges[mid][1] < first then lo = mid + 1 else hi = mid end
  end
  for i = lo, #ranges do
    local r = ranges[i]
    if r[1] > last then return false end
    if r[2] <= last then return true end
  end
  return false
end

--- The documents, ascending, in which a match starts (of those `doc` allows), and each one's
-- matches: only they can hold a sentence with a match, so a quote search for a rare word reads a
-- few documents, not all, and a common word's builds only the sentences that hold one.
local function docs_with_matches(c, ranges, doc)
  local out, of, last = {}, {}, nil
  for _, r in ipairs(ranges) do -- the ranges ascend, and so do their documents
    local d = c:token_doc(r[1])
    if not doc or d == doc then
      if d ~= last then
        out[#out + 1] = d
        of[d] = {}
      end
      of[d][#of[d] + 1] = r
    end
    last = d
  end
  return out, of
end

local function check_speaker(fname, v)
  if v ~= nil and type(v) ~= "string" then error(("%s: speaker must be a string"):format(fname), 4) end
end

local function doc_filter(c, fname, doc)
  if doc == nil then return nil end
  local i = c:document_index(doc)
  if not i or i < 1 or i > c:stats().documents then
    error(("%s: no document %s"):format(fname, tostring(doc)), 4)
  end
  return i
end

--- The turns, ascending, in which a match starts (of those the speaker and doc filters allow): a
-- quotation never crosses a turn, so only they can hold one that holds a match.
local function turns_with_matches(c, ranges, speaker, doc)
  local allowed
  if speaker or doc then
    allowed = {}
    for _, id in ipairs(c:turn_ids(speaker, doc)) do allowed[id] = true end
  end
  local out, last = {}, nil
  for _, r in ipairs(ranges) do -- the ranges ascend, and so do their turns
    local t = c:token_turn(r[1])
    if t ~= last and (not allowed or allowed[t]) then out[#out + 1] = t end
    last = t
  end
  return out
end

--- c:quotations{speaker =, match =, doc =, case =}: the spans inside quotation marks in speech.
-- With match, only the turns a match starts in are read, and `unmatched` lists their marks.
function quotes.quotations(c, opts)
  check_speaker("quotations", opts.speaker)
  local doc = doc_filter(c, "quotations", opts.doc)
  local ranges = opts.match ~= nil and match_ranges(c, opts.match, opts.case)
  local ids = ranges and turns_with_matches(c, ranges, opts.speaker, doc) or c:turn_ids(opts.speaker, doc)
  local out, unmatched = {}, {}
  for _, id in ipairs(ids) do
    local found, stray = c:quotation_list(id)
    for _, q in ipairs(found) do
      if not ranges or holds_match(ranges, q.first_token, q.last_token) then
        out[#out + 1] = setmetatable(q, Quote)
        corpus_of[q] = c
      end
    end
    for _, u in ipairs(stray) do
      local t = c:turn(id)
      u.doc, u.path, u.speaker, u.turn = t.doc, t.path, t.speaker, t.index
      unmatched[#unmatched + 1] = u
    end
  end
  local list = setmetatable(out, Quotations)
  list.unmatched = unmatched
  corpus_of[list] = c
  return list
end

-- Attribution -----------------------------------------------------------------------------

--- The first code point of s is a capital letter (its fold differs from it).
local function capitalised(w)
  local first = w:match("^" .. utf8.charpattern)
  return first ~= nil and core.fold(first) ~= first
end

--- The name a preamble gives a label: the label as a word, followed by capitalised words
-- ("Näravårdpodden träffar Lena Lundgren och ..." gives LENA the name "Lena Lundgren").
local function name_in_preamble(preamble, label)
  if not preamble or not label then return nil end
  local want = core.fold(label)
  local segs = core.segment(preamble)
  for i, s in ipairs(segs) do
    if core.fold(s) == want and capitalised(s) then
      local parts, j = { s }, i + 1
      while segs[j] == " " and segs[j + 1] and capitalised(segs[j + 1]) do
        parts[#parts + 1] = segs[j + 1]
        j = j + 2
      end
      if #parts > 1 then return table.concat(parts, " ") end
    end
  end
  return nil
end

--- Full name and role of a label in a document: an alias given by the caller, a participant of
-- the preamble whose full name or first name is the label, or a name the preamble writes out.
local function attribution(d, label, aliases)
  if not label then return nil, nil end
  local alias = aliases and aliases[label]
  local want = core.fold(alias or label)
  for _, p in ipairs(d.participants or {}) do
    if p.name then
      local full = core.fold(p.name)
      if full == want or full:match("^(%S+)") == want then return p.name, p.role end
    end
  end
  if alias then return alias, nil end
  return name_in_preamble(d.preamble, label), nil
end

--- c:quotes{speaker =, match =, min_words =, max_words =, doc =, case =, aliases =}.
function quotes.quotes(c, opts)
  check_speaker("quotes", opts.speaker)
  for _, k in ipairs { "min_words", "max_words" } do
    local v = opts[k]
    if v ~= nil and (math.type(v) ~= "integer" or v < 0) then
      error(("quotes: %s must be a non-negative integer, not %s"):format(k, tostring(v)), 3)
    end
  end
  if opts.aliases ~= nil and type(opts.aliases) ~= "table" then
    error("quotes: aliases must be a table of label = full name", 3)
  end
  local doc = doc_filter(c, "quotes", opts.doc)
  local ranges = opts.match ~= nil and match_ranges(c, opts.match, opts.case)
  local lo, hi = opts.min_words or 0, opts.max_words or math.maxinteger
  local out = {}
  local docs, matches_in
  if ranges then docs, matches_in = docs_with_matches(c, ranges, doc) end
  if not docs then
    docs = {}
    for d = doc or 1, doc or c:stats().documents do docs[#docs + 1] = d end
  end
  for _, d in ipairs(docs) do
    local info
    for _, s in ipairs(c:speech_sentences(d, opts.speaker, matches_in and matches_in[d])) do
      if s.words >= lo and s.words <= hi and (not ranges or holds_match(ranges, s.first_token, s.last_token)) then
        info = info or c:document(d)
        s.title, s.pages = info.title, info.pages
        s.name, s.role = attribution(info, s.speaker, opts.aliases)
        out[#out + 1] = setmetatable(s, Quote)
        corpus_of[s] = c
      end
    end
  end
  local list = setmetatable(out, Quotes)
  corpus_of[list] = c
  return list
end

-- One quote --------------------------------------------------------------------------------

--- Re-reads the source file: true if the quote's bytes are unchanged, otherwise false and a
-- message naming the file and line (so `assert(q:verify())` raises with it).
function Quote:verify()
  local c = corpus_of[self]
  if not c then error("verify: not a quote of a samtal corpus", 2) end
  local at = self.at
  return c:stretch_verify(at[1], at[2], at[3], at[4])
end

local clock = format.clock

--- The attribution line: who (full name, label, role), where (title, page, time, file:line).
function Quote:attribution()
  local who
  if self.name and self.speaker and self.name ~= self.speaker then
    who = ("%s (%s)"):format(self.name, self.speaker)
  else
    who = self.name or self.speaker or "unknown speaker"
  end
  if self.role then who = who .. ", " .. self.role end
  local where = {}
  if self.title then where[#where + 1] = "*" .. self.title .. "*" end
  if (self.pages or 1) > 1 then where[#where + 1] = "p. " .. self.page end
  if self.start then where[#where + 1] = clock(self.start) end
  where[#where + 1] = ("%s, line %d"):format(self.doc, self.line)
  return who .. ". " .. table.concat(where, ", ")
end

--- A Markdown block quote with its attribution line.
function Quote:markdown()
  local lines = {}
  for line in (self.text .. "\n"):gmatch("(.-)\n") do
    lines[#lines + 1] = line == "" and ">" or "> " .. line
  end
  lines[#lines + 1] = ">"
  lines[#lines + 1] = "> — " .. self:attribution()
  return table.concat(lines, "\n") .. "\n"
end

Quote.__tostring = Quote.markdown

-- Lists ------------------------------------------------------------------------------------

local emit = format.emit


local csv_field = format.csv_field

local json_value = format.json_value

local QUOTE_FIELDS = { "doc", "path", "speaker", "name", "role", "title", "page", "start", "stop", "turn", "line",
  "column", "offset", "length", "words", "text" }
local QUOTATION_FIELDS = { "doc", "path", "speaker", "turn", "sentence", "depth", "page", "start", "stop", "line",
  "column", "offset", "length", "text" }

-- csv() and json() take ([path] [, {provenance = true or a corpus}]): with provenance, CSV has
-- the columns samtal and fingerprint last and JSON is {"samtal", "fingerprint", "rows"}.
local function csv(list, fields, path, opts)
  local prov
  path, prov = provenance.output_args("csv", path, opts, corpus_of[list])
  local head_extra, row_extra = provenance.columns(prov, csv_field, ",")
  local out = { table.concat(fields, ",") .. head_extra .. "\r\n" }
  for _, q in ipairs(list) do
    local row = {}
    for i, k in ipairs(fields) do row[i] = csv_field(q[k]) end
    out[#out + 1] = table.concat(row, ",") .. row_extra .. "\r\n"
  end
  return emit(table.concat(out), path, "csv")
end

local function json(list, fields, path, opts)
  local prov
  path, prov = provenance.output_args("json", path, opts, corpus_of[list])
  local objs = {}
  for i, q in ipairs(list) do
    local row = {}
    for j, k in ipairs(fields) do row[j] = json_value(k) .. ":" .. json_value(q[k]) end
    objs[i] = "{" .. table.concat(row, ",") .. "}"
  end
  local text = #objs == 0 and "[]\n" or "[\n" .. table.concat(objs, ",\n") .. "\n]\n"
  return emit(provenance.json(text, prov), path, "json")
end

--- Every quote as a Markdown block quote with its attribution line, separated by blank lines.
function Quotes:markdown(path)
  local out = {}
  for i, q in ipairs(self) do out[i] = q:markdown() end
  return emit(table.concat(out, "\n"), path, "markdown")
end

function Quotes:csv(path, opts) return csv(self, QUOTE_FIELDS, path, opts) end

function Quotes:json(path, opts) return json(self, QUOTE_FIELDS, path, opts) end

--- true if every quote is unchanged in its source, otherwise false and the first message.
function Quotes:verify()
  for _, q in ipairs(self) do
    local ok, err = q:verify()
    if not ok then return ok, err end
  end
  return true
end

Quotes.__tostring = Quotes.markdown

function Quotations:csv(path, opts) return csv(self, QUOTATION_FIELDS, path, opts) end

function Quotations:json(path, opts) return json(self, QUOTATION_FIELDS, path, opts) end

--- One line per quotation: doc:line, speaker, the text in the marks it had; then the count.
function Quotations:__tostring()
  local out = {}
  for _, q in ipairs(self) do
    out[#out + 1] = ("%s:%d  %s: ”%s”"):format(q.doc, q.line, q.speaker or "-", q.text)
  end
  out[#out + 1] = ("%d quotation%s, %d unmatched mark%s"):format(#self, #self == 1 and "" or "s",
    #self.unmatched, #self.unmatched == 1 and "" or "s")
  return table.concat(out, "\n")
end

quotes.Quote, quotes.Quotes, quotes.Quotations = Quote, Quotes, Quotations
return quotes
