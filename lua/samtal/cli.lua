--- samtal.cli: the subcommands of the samtal command, where users work from a shell:
-- `samtal kwic QUERY PATH...`, count, freq, collocates, keywords, quotes, speakers, index (and
-- export, which is not available yet). main.c calls cli.main(name, {args...}) and exits with the
-- status it returns, as grep does: 0 found something, 1 found nothing, 2 bad usage or input (with
-- a message on stderr that starts "samtal NAME: "). Options are parsed by Debian's lua-argparse.
--
-- Output pipes cleanly: text is aligned for reading, and coloured only when stdout is a terminal
-- and NO_COLOR is unset; csv, tsv and json carry a header (or keys) and nothing else. A progress
-- bar goes to stderr when it is a terminal and a load takes a while.
-- @module samtal.cli
local argparse = require "argparse"
local samtal = require "samtal"
local core = require "samtal.core"
local format = require "samtal.format"
local resulttable = require "samtal.resulttable"

local cli = {}

-- Failures -------------------------------------------------------------------------------------

-- A usage or input error: raised by fail(), caught by main(), which prints it and returns 2.
-- Anything else that goes wrong is a bug in samtal and keeps its traceback.
local Failure = {}

local function fail(msg, usage)
  error(setmetatable({ msg = msg, usage = usage }, Failure), 0)
end

--- A library error's message without its Lua position ("lua/samtal/stats.lua:107: "): it names
-- the value the user gave, and where samtal noticed it is of no use to them.
local function clean(err)
  local msg = tostring(err)
  local n
  repeat
    msg, n = msg:gsub("^[^%s:]+%.lua:%d+: ", "", 1)
  until n == 0
  return msg
end

--- fn(...)'s results; an error it raises is the user's (a bad query, path or value): a failure.
local function try(fn, ...)
  local res = table.pack(pcall(fn, ...))
  if not res[1] then fail(clean(res[2])) end
  return table.unpack(res, 2, res.n)
end

-- Option values --------------------------------------------------------------------------------

--- An argparse converter: a whole number of at least `least`; `what` names the option.
local function whole(what, least)
  return function(s)
    local n = math.tointeger(tonumber(s))
    if not n or n < least then
      return nil, ("%s needs a whole number%s, not '%s'"):format(what, least > 0 and (" of at least " .. least) or "",
        s)
    end
    return n
  end
end

local function probability(s)
  local x = tonumber(s)
  if not x or x <= 0 or x >= 1 then return nil, ("--alpha needs a number between 0 and 1, not '%s'"):format(s) end
  return x
end

--- "--meta year=2023 --meta year=2024" as {year = {"2023", "2024"}}: a list of values of which
-- any matches, as the meta filters of samtal take them.
local function meta_filter(list)
  if not list or #list == 0 then return nil end
  local meta = {}
  for _, item in ipairs(list) do
    local col, value = item:match("^([^=]+)=(.*)$")
    if not col then fail(("--meta needs COLUMN=VALUE, not '%s'"):format(item)) end
    local values = meta[col] or {}
    values[#values + 1] = value
    meta[col] = values
  end
  return meta
end

--- A repeatable option's values, each split at commas ("--sort R1,R2 --sort L1").
local function split_list(list)
  local out = {}
  for _, item in ipairs(list or {}) do
    for v in item:gmatch("[^,]+") do out[#out + 1] = v end
  end
  return out
end

--- nil for an empty list, the one value for one, the list for more (samtal's filters take all three).
local function one_or_list(list)
  if not list or #list == 0 then return nil end
  if #list == 1 then return list[1] end
  return list
end

-- Terminal -------------------------------------------------------------------------------------

local function no_color()
  local v = os.getenv("NO_COLOR")
  return v ~= nil and v ~= ""
end

--- A progress bar on stderr, redrawn in place at most ten times a second; only on a terminal.
-- It shows once `delay` seconds have passed, so a quick load draws nothing, and ends with
-- `finish` ("\n" keeps the bar, "\r\27[K" clears it for the output that follows).
local function progress_bar(delay, finish)
  if not core.isatty(2) then return nil end
  local started, drawn = core.clock(), nil
  return function(done, total, path)
    local now = core.clock()
    local elapsed = now - started
    if not drawn and (elapsed < delay or (done == total and delay > 0)) then return end
    if done < total and drawn and now - drawn < 0.1 then return end
    drawn = now
    local width = 30
    local filled = math.floor(width * done / total)
    io.stderr:write(("\r[%s%s] %d/%d files, %.1f s  %s"):format(("#"):rep(filled), (" "):rep(width - filled),
      done, total, elapsed, format.width(path) > 30 and ("…" .. format.tail(path, 29)) or path), "\27[K")
    if done == total then io.stderr:write(finish) end
  end
end

-- The parsers ----------------------------------------------------------------------------------

local EXIT_STATUS = "Exit status: 0 if something was found, 1 if nothing was, 2 on bad usage or input."

--- A parser for `samtal NAME`, with a -h/--help that main() answers (argparse's own would exit).
local function parser(name, operands, description, epilog)
  local p = argparse("samtal " .. name, description, epilog)
  p:usage(("usage: samtal %s [OPTION...] %s"):format(name, operands))
  p:add_help { action = function() end }
  p:help_max_width(100)
  return p
end

--- What opening a corpus takes: --hyphens, --invalid, --language.
local function loading_options(p)
  p:group("Loading the corpus",
    p:flag("--hyphens", "Join letters around a hyphen into one word (vi-känsla, covid-19)."),
    p:option("--invalid", "Invalid UTF-8: an error (the default), or replaced by U+FFFD.")
      :choices { "error", "replace" }:argname("error|replace"),
    p:option("--language", "The corpus's language (sv, en, ...) when the guess is wrong."):argname("CODE"))
end

local function paths_argument(p)
  p:argument("PATH", "Transcript files, directories of them, or a saved .samtal corpus."):args("+")
    :target("paths")
end

local function speaker_option(p, what)
  return p:option("--speaker", what or "Only this speaker's turns (repeat for more speakers)."):count("*")
    :argname("NAME")
end

local function doc_option(p, what)
  return p:option("--doc", what or "Only this document, by file name or path (repeat for more)."):count("*")
    :argname("NAME")
end

local function meta_option(p)
  return p:option("--meta", "Only documents whose metadata column has this value (* and ? wildcards; repeat).")
    :count("*"):argname("COLUMN=VALUE")
end

local function format_option(p, formats, what)
  return p:option("--format", what or "Output format.")
    :choices(formats):default("text"):argname(table.concat(formats, "|"))
end

local function limit_option(p, what)
  return p:option("--limit", what or "At most N rows."):convert(whole("--limit", 0)):argname("N")
end

local function sort_option(p)
  return p:option("--sort", "Sort the rows by COLUMN, lowest first; write --sort=-COLUMN for highest first.")
    :argname("COLUMN")
end

local function by_option(p)
  return p:option("--by", "What counts as one word: lower (case-folded, the default), form (exact), stem.")
    :choices { "lower", "form", "stem" }:argname("lower|form|stem")
end

-- Shared steps of the commands ---------------------------------------------------------------

--- samtal.open(paths, opts), a failure if it raises.
local function open_paths(paths, opts)
  local c = try(samtal.open, paths, opts)
  if type(c) ~= "userdata" and opts.progress then
    -- core.open returned the progress function, left on top of its stack, instead of the corpus
    -- (src/binding.c); until that is mended, the corpus is loaded again without a progress bar
    opts.progress = false
    c = try(samtal.open, paths, opts)
  end
  return c
end

--- Opens the corpus at `paths` (default a.paths) with the loading options.
local function open(a, paths)
  return open_paths(paths or a.paths, {
    hyphens = a.hyphens or nil,
    invalid = a.invalid,
    language = a.language,
    progress = progress_bar(0.5, "\r\27[K"),
  })
end

--- Raises a failure unless every name is a speaker of c; returns a set of the names (nil: none).
local function speaker_set(c, names)
  if not names or #names == 0 then return nil end
  local known, order = {}, {}
  for _, s in ipairs(c:speakers()) do
    known[s.name] = true
    order[#order + 1] = s.name
  end
  local set = {}
  for _, name in ipairs(names) do
    if not known[name] then
      local shown = {}
      for i = 1, math.min(#order, 12) do shown[i] = order[i] end
      if #order > 12 then shown[#shown + 1] = "…" end
      fail(("no speaker %q in this corpus (speakers: %s)"):format(name,
        #order > 0 and table.concat(shown, ", ") or "none: the transcripts have no labels"))
    end
    set[name] = true
  end
  return set
end

--- Raises a failure unless every name is a document of c; returns a set of document indices.
local function doc_set(c, names)
  if not names or #names == 0 then return nil end
  local set = {}
  for _, name in ipairs(names) do
    local i = c:document_index(name)
    if not i then fail(("no document %q in this corpus"):format(name)) end
    set[i] = true
  end
  return set
end

--- Writes s and makes sure the output ends with a line break.
local function write(s)
  io.write(s)
  if s ~= "" and s:sub(-1) ~= "\n" then io.write("\n") end
end

--- Sorts a result table by `spec` ("freq", or "-freq" for highest first), keeping the rows of
-- each group (`group`, a column) together in their first order.
local function sort_rows(res, spec, group)
  if not spec then return res end
  local desc = spec:sub(1, 1) == "-"
  local column = desc and spec:sub(2) or spec
  res = try(res.sort, res, column, desc)
  if group then
    local rank, n = {}, 0
    for _, row in ipairs(res) do
      local g = row[group]
      if g ~= nil and not rank[g] then
        n = n + 1
        rank[g] = n
      end
    end
    res = res:sort(function(x, y) return (rank[x[group]] or 0) < (rank[y[group]] or 0) end)
  end
  return res
end

--- At most `limit` rows, or `limit` rows of each group when `group` names a column.
local function limit_rows(res, limit, group)
  if not limit then return res end
  if not group then return res:head(limit) end
  local seen = {}
  return res:filter(function(row)
    local g = row[group] == nil and "" or row[group]
    seen[g] = (seen[g] or 0) + 1
    return seen[g] <= limit
  end)
end

--- Writes a result table in a.format (text: every row aligned, under the title) and returns
-- the exit status: 0 when it has rows, 1 when it has none.
local function write_table(res, a, group)
  local total = #res
  res = limit_rows(sort_rows(res, a.sort, group), a.limit, group)
  if a.format == "text" then
    write(res:text(math.huge))
    if #res < total then
      io.write(("… %d more row%s (--limit %d)\n"):format(total - #res, total - #res == 1 and "" or "s", a.limit))
    end
  else
    io.write(res[a.format](res))
  end
  return total > 0 and 0 or 1
end

-- The commands -------------------------------------------------------------------------------

local commands = {}

-- kwic

commands.kwic = {
  summary = "every match of a query in its context, aligned on the match",
  parser = function()
    local p = parser("kwic", "QUERY PATH...", [[
Prints every match of QUERY in the transcripts at PATH..., with the words around it, aligned on
the match (highlighted when stdout is a terminal and NO_COLOR is unset), then the number of hits.
QUERY is samtal's query language: a word (vård, vård*), a phrase ("nära vård"), or any CQP-style
query ([lower="vård.*"] @speaker = "LENA" within sentence). A query that starts with "-" goes
after "--".]], [[
Examples:
   samtal kwic "nära vård" corpus
   samtal kwic --speaker LENA --width 3 --sort R1,R2 vård corpus
   samtal kwic --format csv "det vill säga" corpus > hits.csv

]] .. EXIT_STATUS)
    p:argument("QUERY", "The query."):target("query")
    paths_argument(p)
    p:group("Selecting",
      speaker_option(p),
      doc_option(p),
      meta_option(p),
      p:flag("--case", "Match plain words with their case, not case-folded."))
    p:group("Context",
      p:option("--width", "Words of context each side (default 6)."):convert(whole("--width", 0)):argname("N"),
      p:option("--left", "Words on the left (overrides --width)."):convert(whole("--left", 0)):argname("N"),
      p:option("--right", "Words on the right (overrides --width)."):convert(whole("--right", 0)):argname("N"),
      p:option("--chars", "Characters of context each side, instead of words."):convert(whole("--chars", 0))
        :argname("N"),
      p:option("--clip", "Where the context stops: the turn (default) or the sentence.")
        :choices { "turn", "sentence" }:argname("turn|sentence"))
    p:group("Output",
      p:option("--sort", "Sort by levels, the first deciding: L1..L9 (words left of the match, nearest first), "
        .. "R1..R9, match, M1.., speaker, doc, position, another hit field; a level written -R1 is reversed "
        .. "(write --sort=-R1). Repeat, or separate by commas: --sort R1,R2."):count("*"):argname("LEVEL"),
      limit_option(p, "At most N hits (after sorting)."),
      format_option(p, { "text", "csv", "tsv", "json", "html" },
        "Output format: text (aligned), csv, tsv, json, or html (one sortable page)."),
      p:option("--color", "Highlight the match: auto (on a terminal without NO_COLOR), always, never.")
        :choices { "auto", "always", "never" }:default("auto"):argname("auto|always|never"))
    loading_options(p)
    return p
  end,
  run = function(a)
    local c = open(a)
    local speakers, docs = speaker_set(c, a.speaker), doc_set(c, a.doc)
    local hits = try(c.kwic, c, a.query, { width = a.width, left = a.left, right = a.right, chars = a.chars,
      clip = a.clip, case = a.case or nil, meta = meta_filter(a.meta) })
    if speakers or docs then
      local doc_of = {}
      for i in pairs(docs or {}) do doc_of[c:document(i).path] = true end
      hits = hits:filter(function(h)
        return (not speakers or speakers[h.speaker] == true) and (not docs or doc_of[h.path] == true)
      end)
    end
    local levels = split_list(a.sort)
    if #levels > 0 then hits = try(hits.sort, hits, table.unpack(levels)) end
    local total = #hits
    if a.limit and a.limit < total then
      local n = 0
      hits = hits:filter(function()
        n = n + 1
        return n <= a.limit
      end)
    end
    if a.format == "text" then
      local color = a.color == "always" or (a.color == "auto" and core.isatty(1) and not no_color())
      local text = hits:text { color = color }
      if #hits < total then text = text:gsub("(%d+) hits?$", ("%%1 of %d hits (--limit %d)"):format(total, a.limit)) end
      write(text)
    else
      io.write(hits[a.format](hits))
    end
    return total > 0 and 0 or 1
  end,
}

-- count

--- One count: the number alone as text, a row {query, count} in the other formats.
local function write_count(a, n)
  if a.format == "text" then
    io.write(n, "\n")
  else
    local res = resulttable.new({ "query", "count" }, { { query = a.query, count = n } })
    io.write(res[a.format](res))
  end
  return n > 0 and 0 or 1
end

commands.count = {
  summary = "the number of matches of a query",
  parser = function()
    local p = parser("count", "QUERY PATH...", [[
Prints the number of matches of QUERY in the transcripts at PATH... (the query language of kwic),
or, with --each, a table of the matches per speaker or per document.]], [[
Examples:
   samtal count "nära vård" corpus
   samtal count --each speaker vård* corpus
   samtal count --speaker LENA --format json tillgänglighet corpus

]] .. EXIT_STATUS)
    p:argument("QUERY", "The query."):target("query")
    paths_argument(p)
    p:group("Selecting",
      speaker_option(p),
      doc_option(p),
      meta_option(p),
      p:flag("--case", "Match plain words with their case, not case-folded."))
    p:group("Output",
      p:option("--each", "Count per speaker or per document, most first."):choices { "speaker", "doc" }
        :argname("speaker|doc"),
      sort_option(p),
      limit_option(p, "At most N rows of --each."),
      format_option(p, { "text", "csv", "tsv", "json" }, "Output format: text, csv, tsv or json."))
    loading_options(p)
    return p
  end,
  run = function(a)
    local c = open(a)
    local speakers, docs = speaker_set(c, a.speaker), doc_set(c, a.doc)
    local meta = meta_filter(a.meta)
    if not (speakers or docs or meta or a.each) then
      return write_count(a, try(c.count, c, a.query, { case = a.case or nil }))
    end
    -- a selection or a breakdown: the hits, without context, filtered and tallied
    local hits = try(c.kwic, c, a.query, { width = 0, case = a.case or nil, meta = meta })
    local doc_of = {}
    for i in pairs(docs or {}) do doc_of[c:document(i).path] = true end
    local n, tally, order = 0, {}, {}
    for _, h in ipairs(hits) do
      if (not speakers or speakers[h.speaker]) and (not docs or doc_of[h.path]) then
        n = n + 1
        if a.each then
          local key = h[a.each] or "(none)"
          if not tally[key] then tally[key] = 0; order[#order + 1] = key end
          tally[key] = tally[key] + 1
        end
      end
    end
    if not a.each then return write_count(a, n) end
    local rows = {}
    for i, key in ipairs(order) do rows[i] = { [a.each] = key, count = tally[key], first = i } end
    table.sort(rows, function(x, y)
      if x.count ~= y.count then return x.count > y.count end
      return x.first < y.first
    end)
    for _, row in ipairs(rows) do row.first = nil end
    local res = resulttable.new({ a.each, "count" }, rows, { title = ("matches of %q per %s"):format(a.query, a.each) })
    return write_table(res, a)
  end,
}

-- freq

commands.freq = {
  summary = "a frequency list of words (or of n-grams with -n)",
  parser = function()
    local p = parser("freq", "PATH...", [[
Prints the frequency list of the transcripts at PATH...: rank, form, freq, per10k (per 10,000
counted words) and range (the documents a form occurs in). Word and number tokens count;
punctuation does not. With -n 2 or more, the list of n-grams (never across a turn).]], [[
Examples:
   samtal freq --limit 20 corpus
   samtal freq --by stem --min 5 --format csv corpus > freq.csv
   samtal freq --group speaker --limit 10 corpus
   samtal freq -n 3 --min 2 corpus

]] .. EXIT_STATUS)
    paths_argument(p)
    p:group("Counting",
      by_option(p),
      p:option("-n --ngram", "Count n-grams of N words (default 1: single words)."):argname("N"):convert(whole("-n", 1))
        :argname("N"),
      p:option("--min", "Leave out forms less frequent than N."):convert(whole("--min", 1)):argname("N"),
      p:option("--range", "What the range column counts: docs (default) or turns.")
        :choices { "docs", "turns" }:argname("docs|turns"),
      p:option("--within", "N-grams stop at the end of a turn (default) or of a sentence.")
        :choices { "turn", "sentence" }:argname("turn|sentence"),
      p:option("--group", "A list per speaker or per document."):choices { "speaker", "doc" }
        :argname("speaker|doc"))
    p:group("Selecting", speaker_option(p), doc_option(p), meta_option(p))
    p:group("Output",
      sort_option(p),
      limit_option(p, "At most N rows (of each group with --group)."),
      format_option(p, { "text", "csv", "tsv", "json" }, "Output format: text, csv, tsv or json."))
    loading_options(p)
    return p
  end,
  run = function(a)
    local c = open(a)
    local filter = { speaker = one_or_list(a.speaker), doc = one_or_list(a.doc), meta = meta_filter(a.meta) }
    local res
    if a.ngram and a.ngram > 1 then
      if a.group then fail("--group counts single words only: leave out -n, or --group") end
      if a.range then fail("--range is for single words: n-grams count their range in documents") end
      res = try(c.ngrams, c, { n = a.ngram, min = a.min, within = a.within, by = a.by, speaker = filter.speaker,
        doc = filter.doc, meta = filter.meta })
    else
      if a.within then fail("--within is for n-grams (-n 2 or more)") end
      res = try(c.freq, c, { by = a.by, min = a.min, range = a.range, group = a.group, speaker = filter.speaker,
        doc = filter.doc, meta = filter.meta })
    end
    return write_table(res, a, a.group)
  end,
}

-- collocates

local ASSOCIATION = { "logdice", "mi", "mi3", "t", "z", "ll" }

commands.collocates = {
  summary = "the words that occur near a query more often than chance",
  parser = function()
    local p = parser("collocates", "QUERY PATH...", [[
Prints the collocates of QUERY in the transcripts at PATH...: the words within --left and
--right counted words of its matches (inside the turn), with their co-occurrence frequency,
corpus frequency, expected frequency and every association measure (MI, MI3, t, z, signed G²,
logDice), sorted by --measure.]], [[
Examples:
   samtal collocates vård corpus
   samtal collocates --left 0 --right 3 --measure mi --min 5 "nära" corpus
   samtal collocates --format csv --limit 50 vård corpus > collocates.csv

]] .. EXIT_STATUS)
    p:argument("QUERY", "The query (the node)."):target("query")
    paths_argument(p)
    p:group("Counting",
      p:option("--window", "Counted words each side (default 4)."):convert(whole("--window", 0)):argname("N"),
      p:option("--left", "Counted words on the left (overrides --window)."):convert(whole("--left", 0)):argname("N"),
      p:option("--right", "Counted words on the right (overrides --window)."):convert(whole("--right", 0))
        :argname("N"),
      p:option("--within", "Windows stop at the end of a turn (default) or of a sentence.")
        :choices { "turn", "sentence" }:argname("turn|sentence"),
      p:option("--measure", "Sort by this measure (default logdice)."):choices(ASSOCIATION)
        :argname(table.concat(ASSOCIATION, "|")),
      p:option("--min", "Leave out collocates seen fewer than N times near the node (default 3).")
        :convert(whole("--min", 1)):argname("N"),
      p:option("--min-freq", "Leave out collocates less frequent than N in the corpus.")
        :convert(whole("--min-freq", 1)):argname("N"),
      by_option(p),
      p:flag("--case", "Match plain words of the query with their case."))
    p:group("Output",
      sort_option(p),
      limit_option(p),
      format_option(p, { "text", "csv", "tsv", "json" }, "Output format: text, csv, tsv or json."))
    loading_options(p)
    return p
  end,
  run = function(a)
    local c = open(a)
    local res = try(c.collocates, c, a.query, { left = a.left, right = a.right, window = a.window,
      within = a.within, measure = a.measure, min = a.min, min_freq = a.min_freq, by = a.by,
      case = a.case or nil })
    return write_table(res, a)
  end,
}

-- keywords

local KEYNESS = { "ll", "chi2", "logratio", "pdiff", "simplemaths" }

--- A reference given as paths: a frequency list (a .csv or .tsv file with form and freq columns)
-- or a corpus (transcripts, directories, a .samtal).
local function reference_of(a)
  local paths = a.reference
  if #paths == 1 and (paths[1]:lower():match("%.csv$") or paths[1]:lower():match("%.tsv$")) then
    local f = io.open(paths[1], "rb")
    if not f then fail(("cannot open %s: no such frequency list"):format(paths[1])) end
    f:close()
    return paths[1]
  end
  return open(a, paths)
end

commands.keywords = {
  summary = "the words a speaker, a document or a corpus uses more than a reference does",
  parser = function()
    local p = parser("keywords", "PATH...", [[
Prints the keywords of a target against a reference: the words that are more frequent in the
target than in the reference, with both frequencies, G² (log-likelihood) and its p-value, chi²,
log ratio, %DIFF, simple maths, and whether G² is significant (Bonferroni-corrected). The target
is --speaker or --doc (against the rest of the corpus), or --each speaker|doc (each against
all the others), or the whole corpus at PATH... against --reference.]], [[
Examples:
   samtal keywords --speaker LENA corpus
   samtal keywords --each speaker --limit 10 corpus
   samtal keywords --speaker LENA --reference-speaker MAGNUS corpus
   samtal keywords --reference other-podcast/ corpus
   samtal keywords --doc 000_e744d110473e4ebd.txt --reference freq.csv corpus

]] .. EXIT_STATUS)
    paths_argument(p)
    p:group("Target and reference",
      speaker_option(p, "Target: this speaker's turns (repeat for more speakers)."),
      doc_option(p, "Target: this document (repeat for more)."),
      meta_option(p),
      p:option("--each", "Every speaker (or document) against all the others."):choices { "speaker", "doc" }
        :argname("speaker|doc"),
      p:option("--reference", "Reference: a frequency list (.csv or .tsv with form and freq columns, as "
        .. "samtal freq --format csv writes it) or a corpus (files, directories, a .samtal; repeat for more). "
        .. "Default: the rest of the corpus."):count("*"):argname("FILE|PATH"),
      p:option("--reference-speaker", "Reference: this speaker's turns (repeat for more)."):count("*")
        :argname("NAME"))
    p:group("Counting",
      by_option(p),
      p:option("--measure", "Sort by this measure (default ll)."):choices(KEYNESS)
        :argname(table.concat(KEYNESS, "|")),
      p:option("--min", "Test only words used at least N times by the target (default 3).")
        :convert(whole("--min", 1)):argname("N"),
      p:option("--alpha", "The significance level (default 0.05)."):convert(probability):argname("P"),
      p:flag("--negative", "Also the negative keywords: words the target uses less."),
      p:flag("--significant", "Only the significant keywords."))
    p:group("Output",
      sort_option(p),
      limit_option(p, "At most N rows (of each group with --each)."),
      format_option(p, { "text", "csv", "tsv", "json" }, "Output format: text, csv, tsv or json."))
    loading_options(p)
    return p
  end,
  run = function(a)
    local has_target = #a.speaker > 0 or #a.doc > 0 or #a.meta > 0
    if a.each and has_target then fail("give --each, or a target (--speaker, --doc, --meta), not both") end
    if a.each and (#a.reference > 0 or #a.reference_speaker > 0) then
      fail("--each compares each with all the others: it takes no --reference")
    end
    if #a.reference > 0 and #a.reference_speaker > 0 then
      fail("give --reference or --reference-speaker, not both")
    end
    if not (a.each or has_target or #a.reference > 0) then
      fail("keywords needs a target: --speaker NAME, --doc NAME, --each speaker|doc, or a --reference", true)
    end
    local c = open(a)
    local opts = { by = a.by, measure = a.measure, min = a.min, alpha = a.alpha, negative = a.negative or nil }
    if a.each then
      opts.each = a.each
    else
      opts.target = { speaker = one_or_list(a.speaker), doc = one_or_list(a.doc), meta = meta_filter(a.meta) }
      if #a.reference > 0 then
        opts.reference = reference_of(a)
      elseif #a.reference_speaker > 0 then
        opts.reference = { speaker = one_or_list(a.reference_speaker) }
      end
    end
    local res = try(c.keywords, c, opts)
    if a.significant then res = res:filter(function(row) return row.significant end) end
    return write_table(res, a, a.each)
  end,
}

-- quotes

-- The columns of quotes and quotations, as Quotes:csv() and Quotations:csv() write them.
local QUOTE_FIELDS = { "doc", "path", "speaker", "name", "role", "title", "page", "start", "stop", "turn", "line",
  "column", "offset", "length", "words", "text" }
local QUOTATION_FIELDS = { "doc", "path", "speaker", "turn", "sentence", "depth", "page", "start", "stop", "line",
  "column", "offset", "length", "text" }

commands.quotes = {
  summary = "whole sentences fit to quote, with attribution, checked against the source",
  parser = function()
    local p = parser("quotes", "PATH...", [[
Prints the sentences of speech in the transcripts at PATH... that are fit to quote, each as a
Markdown block quote with its attribution (speaker, full name and role from the preamble, title,
page, file and line), after checking that its bytes are still in the source file. --match keeps
the sentences that hold a match of a query. With --quotations, the spans inside quotation marks
instead (reported speech).]], [[
Examples:
   samtal quotes --match samverkan --speaker LENA --min-words 8 corpus
   samtal quotes --match "nära vård" --format csv corpus > quotes.csv
   samtal quotes --quotations corpus

]] .. EXIT_STATUS)
    paths_argument(p)
    p:group("Selecting",
      p:option("--match", "Only sentences that hold a match of this query."):argname("QUERY"),
      speaker_option(p),
      doc_option(p),
      p:option("--min-words", "At least N words (default 0)."):convert(whole("--min-words", 0)):argname("N"),
      p:option("--max-words", "At most N words."):convert(whole("--max-words", 0)):argname("N"),
      p:flag("--case", "Match plain words of --match with their case."),
      p:flag("--quotations", "The spans inside quotation marks instead of whole sentences."))
    p:group("Attribution",
      p:option("--alias", "Attribute a label to a full name: --alias 'Speaker 1=Lisbeth' (repeat).")
        :count("*"):argname("LABEL=NAME"),
      p:flag("--no-verify", "Do not check the quotes against their source files."))
    p:group("Output",
      limit_option(p, "At most N quotes."),
      format_option(p, { "text", "markdown", "csv", "tsv", "json" },
        "Output format: text (Markdown), markdown, csv, tsv or json."))
    loading_options(p)
    return p
  end,
  run = function(a)
    local c = open(a)
    local speakers, docs = speaker_set(c, a.speaker), doc_set(c, a.doc)
    local aliases
    for _, item in ipairs(a.alias) do
      local label, name = item:match("^([^=]+)=(.+)$")
      if not label then fail(("--alias needs LABEL=NAME, not '%s'"):format(item)) end
      aliases = aliases or {}
      aliases[label] = name
    end
    if a.quotations and (a.min_words or a.max_words or aliases) then
      fail("--min-words, --max-words and --alias are for quotes, not --quotations")
    end
    -- one speaker and one document are the library's own filters; more are filtered here
    local speaker = #a.speaker == 1 and a.speaker[1] or nil
    local doc = #a.doc == 1 and c:document_index(a.doc[1]) or nil
    local list
    if a.quotations then
      list = try(c.quotations, c, { speaker = speaker, doc = doc, match = a.match, case = a.case or nil })
    else
      list = try(c.quotes, c, { speaker = speaker, doc = doc, match = a.match, case = a.case or nil,
        min_words = a.min_words, max_words = a.max_words, aliases = aliases })
    end
    local doc_index = {}
    if docs then
      for i = 1, c:stats().documents do doc_index[c:document(i).path] = i end
    end
    local mt, kept = getmetatable(list), {}
    for _, q in ipairs(list) do
      if (not speakers or speakers[q.speaker]) and (not docs or docs[doc_index[q.path]]) then
        kept[#kept + 1] = q
      end
    end
    local total = #kept
    if a.limit then
      for i = #kept, a.limit + 1, -1 do kept[i] = nil end
    end
    if list.unmatched then -- the marks that pair with nothing, in the turns selected
      kept.unmatched = {}
      for _, u in ipairs(list.unmatched) do
        if (not speakers or speakers[u.speaker]) and (not docs or docs[doc_index[u.path]]) then
          kept.unmatched[#kept.unmatched + 1] = u
        end
      end
    end
    list = setmetatable(kept, mt)
    if not a.quotations and not a["no_verify"] then
      local ok, err = list:verify()
      if not ok then fail(clean(err) .. " (--no-verify leaves the check out)") end
    end
    if a.format == "text" or a.format == "markdown" then
      if a.quotations then write(tostring(list)) elseif #list > 0 then write(list:markdown()) end
      if #list < total then
        io.write(("… %d more (--limit %d)\n"):format(total - #list, a.limit))
      end
    elseif a.format == "tsv" then
      local fields = a.quotations and QUOTATION_FIELDS or QUOTE_FIELDS
      local rows = {}
      for i, q in ipairs(list) do
        local row = {}
        for _, k in ipairs(fields) do row[k] = q[k] end
        rows[i] = row
      end
      local res = resulttable.new(fields, rows)
      io.write(res:tsv())
    else
      io.write(list[a.format](list))
    end
    return total > 0 and 0 or 1
  end,
}

-- speakers

commands.speakers = {
  summary = "who talks how much: turns, words, share, turn lengths, minutes, words per minute",
  parser = function()
    local p = parser("speakers", "PATH...", [[
Prints the talk table of the transcripts at PATH...: per speaker, turns, words, share of the
words (%), mean, median and longest turn (in words), and, where turns have start times, minutes
and words per minute. --group doc gives the table per document and speaker (share of the
document). Turns without a speaker count as "(none)".]], [[
Examples:
   samtal speakers corpus
   samtal speakers --group doc --format csv corpus > talk.csv

]] .. EXIT_STATUS)
    paths_argument(p)
    p:group("Counting",
      p:option("--group", "Per speaker (default), or per document and speaker."):choices { "speaker", "doc" }
        :argname("speaker|doc"),
      speaker_option(p, "Only this speaker's rows (repeat for more speakers)."))
    p:group("Output",
      sort_option(p),
      limit_option(p),
      format_option(p, { "text", "csv", "tsv", "json" }, "Output format: text, csv, tsv or json."))
    loading_options(p)
    return p
  end,
  run = function(a)
    local c = open(a)
    local speakers = speaker_set(c, a.speaker)
    local res = try(c.talk, c, { group = a.group })
    if speakers then res = res:filter(function(row) return speakers[row.speaker] == true end) end
    return write_table(res, a)
  end,
}

-- index

commands.index = {
  summary = "load, index and save a corpus as one .samtal file",
  parser = function()
    local p = parser("index", "PATH... -o OUT.samtal", [[
Loads, tokenises and indexes the transcripts at PATH... (files, or directories of .txt .md .vtt
.srt .sbv .vrt .json .html files) and saves the corpus to OUT.samtal, which samtal.open() and every
subcommand map back without re-tokenising. A progress bar goes to stderr when it is a
terminal.]], [[
Example:
   samtal index corpus -o corpus.samtal && samtal kwic vård corpus.samtal

Exit status: 0 when the corpus is saved, 2 on bad usage or input.]])
    paths_argument(p)
    p:option("-o --output", "The file to write."):argname("OUT.samtal")
    p:flag("--hyphens", "Join letters around a hyphen into one word (vi-känsla, covid-19).")
    p:option("--invalid", "Invalid UTF-8: an error (the default), or replaced by U+FFFD.")
      :choices { "error", "replace" }:argname("error|replace")
    return p
  end,
  run = function(a)
    if not a.output then fail("-o OUT.samtal is missing: where should the corpus go?", true) end
    -- each text compressed once its document is tokenised: the save writes those frames, and
    -- the load holds a third of the text instead of all of it
    local c = open_paths(a.paths, { hyphens = a.hyphens or nil, invalid = a.invalid, compress = true,
      progress = progress_bar(0, "\n") })
    try(c.save, c, a.output)
    local s = c:stats()
    io.stderr:write(("samtal index: %s: %d documents, %d turns, %d tokens\n"):format(a.output, s.documents, s.turns,
      s.tokens))
    return 0
  end,
}

-- export

commands.export = {
  summary = "write a corpus as VRT for cwb-encode, CQPweb and Korp, or as samtal's JSON",
  parser = function()
    local p = parser("export", "PATH... -o OUT.vrt|OUT.json", [[
Writes the transcripts at PATH... (or a saved .samtal corpus) as VRT: one token per line with
word, lower and kind; <text>, <turn speaker= start= n=> and <s> structures; metadata columns as
<text> attributes. Prints on stderr the cwb-encode command that encodes the file.
With OUT.json (or --format json) writes samtal's own JSON instead: documents, metadata, text,
turns, events, sentences and tokens with their offsets in the text and in the source files,
which samtal opens again as the same corpus.]], [[
Examples:
   samtal export corpus -o podd.vrt
   samtal export corpus -o podd.json

Exit status: 0 when the file is written, 2 on bad usage or input.]])
    paths_argument(p)
    p:option("-o --output", "The file to write (.vrt or .json)."):argname("OUT")
    p:option("--format", "Export format (default: from the extension of OUT, else vrt).")
      :choices { "vrt", "json" }
    loading_options(p)
    return p
  end,
  run = function(a)
    if not a.output then fail("-o OUT.vrt is missing: where should the corpus go?", true) end
    local fmt = a.format or (a.output:lower():match("%.json$") and "json") or "vrt"
    local c = open(a)
    local _, line = try(c.export, c, a.output, { format = fmt })
    if fmt == "json" then
      io.stderr:write(("samtal export: %s written\n"):format(a.output))
    else
      io.stderr:write(("samtal export: %s written; encode it with:\n%s\n"):format(a.output, line))
    end
    return 0
  end,
}

cli.commands = commands

-- The subcommands main.c knows of, in the order --help lists them.
local NAMES = { "kwic", "count", "freq", "collocates", "keywords", "quotes", "speakers", "index", "export" }
cli.names = NAMES

--- Runs subcommand `name` with the list `args` (the words after it on the command line) and
-- returns the exit status: 0 found something, 1 found nothing, 2 bad usage or input.
function cli.main(name, args)
  args = args or {}
  local command = commands[name]
  if not command then
    io.stderr:write(("samtal: unknown subcommand '%s' (known: %s)\n"):format(tostring(name), table.concat(NAMES, ", ")))
    return 2
  end
  local p = command.parser()
  -- -h/--help before "--" answers at once, whatever else is on the line
  for _, word in ipairs(args) do
    if word == "--" then break end
    if word == "-h" or word == "--help" then
      io.write(p:get_help(), "\n")
      return 0
    end
  end
  local usage = p:get_usage()
  local hint = ("Try 'samtal %s --help' for more.\n"):format(name)
  local parsed, a = p:pparse(args)
  if not parsed then
    io.stderr:write(("samtal %s: %s\n%s\n%s"):format(name, a, usage, hint))
    return 2
  end
  local ok, status = xpcall(command.run, function(err)
    if getmetatable(err) == Failure then return err end
    return debug.traceback(tostring(err), 2)
  end, a)
  io.stdout:flush()
  if ok then return status end
  if getmetatable(status) ~= Failure then -- a bug in samtal: its message and where it happened
    io.stderr:write(("samtal %s: %s\n"):format(name, status))
    return 2
  end
  -- the first line of a message carries the prefix; a query error's caret lines follow as they are
  -- "samtal freq: no speaker ...", not "samtal freq: freq: no speaker ..." from c:freq
  io.stderr:write(("samtal %s: %s\n"):format(name, (status.msg:gsub("^" .. name .. ": ", ""))))
  if status.usage then io.stderr:write(usage, "\n", hint) end
  return 2
end

return cli
