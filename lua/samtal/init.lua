--- samtal: a corpus toolkit for speech transcripts.
-- The C core (samtal.core) loads, tokenises and indexes; this module gives it its Lua shape:
-- argument checking, paths, iterators and result objects.
-- @module samtal
local core = require "samtal.core"
local format = require "samtal.format"
local metadata = require "samtal.metadata"
local convention = require "samtal.convention"

local samtal = { _VERSION = "0.1.0" }

local Corpus = core.Corpus -- the method table of samtal.Corpus userdata; C methods are in it
local language_of = setmetatable({}, { __mode = "k" }) -- corpus -> language, set or guessed once

--- Checks an options table against the names a function takes.
local function check_opts(fname, opts, allowed)
  if opts == nil then return {} end
  if type(opts) ~= "table" then
    error(("bad argument to '%s' (options table expected, got %s)"):format(fname, type(opts)), 3)
  end
  for k in pairs(opts) do
    if not allowed[k] then
      local names = {}
      for name in pairs(allowed) do names[#names + 1] = name end
      table.sort(names)
      error(("%s: unknown option '%s' (known: %s)"):format(fname, tostring(k), table.concat(names, ", ")), 3)
    end
  end
  return opts
end

local function check_string(fname, n, v)
  if type(v) ~= "string" then
    error(("bad argument #%d to '%s' (string expected, got %s)"):format(n, fname, type(v)), 3)
  end
end

-- The files a directory gives: those of the formats samtal reads, by extension (any case).
local TRANSCRIPT_EXTENSIONS = { txt = true, md = true, vtt = true, srt = true, sbv = true, vrt = true,
  json = true, html = true, htm = true, cha = true }
local EXTENSION_LIST = "*.txt, *.md, *.vtt, *.srt, *.sbv, *.vrt, *.json, *.html, *.htm, *.cha"
-- Files that describe a corpus instead of holding a transcript, by their name up to the first dot
-- (any case: README.md, LICENSE.MIT.md, SOURCE.md, INDEX.md), the metadata sidecar samtal.metadata
-- reads, and ParlaMint's speaker tables (x-meta.tsv beside x.txt).
local NOT_TRANSCRIPTS = { readme = true, license = true, licence = true, copying = true, source = true,
  changelog = true, notice = true, authors = true, contributing = true, index = true }
local SIDECARS = { ["metadata.csv"] = true, ["metadata.tsv"] = true, ["metadata.json"] = true }
local MAX_DEPTH = 64 -- deeper than any real corpus; a symbolic link loop stops here

--- A glob's Lua pattern, anchored at both ends: `*` any run of characters, `?` one character,
-- `[abc]`, `[a-z]`, `[!abc]` a class of bytes; every other character stands for itself.
local function glob_pattern(glob)
  local out, i = { "^" }, 1
  while i <= #glob do
    local ch = glob:sub(i, i)
    local close = ch == "[" and glob:find("]", i + (glob:sub(i + 1, i + 1):match("[!^]") and 3 or 2), true)
    if ch == "*" then
      out[#out + 1] = ".*"
    elseif ch == "?" then
      out[#out + 1] = "[^\128-\191][\128-\191]*" -- one UTF-8 character
    elseif close then
      local class = glob:sub(i + 1, close - 1):gsub("^!", "^"):gsub("%%", "%%%%")
      out[#out + 1] = "[" .. class .. "]"
      i = close
    else
      out[#out + 1] = ch:gsub("%p", "%%%0")
    end
    i = i + 1
  end
  return table.concat(out) .. "$"
end

--- Globs with their `{a,b}` alternatives written out: "*.{json,html}" gives "*.json", "*.html".
local function expand_braces(glob, out)
  local a, z = glob:find("{[^{}]*}")
  if not a then
    out[#out + 1] = glob
    return out
  end
  for alt in (glob:sub(a + 1, z - 1) .. ","):gmatch("([^,]*),") do
    expand_braces(glob:sub(1, a - 1) .. alt .. glob:sub(z + 1), out)
  end
  return out
end

--- The test a file name in a directory must pass: opts.pattern (a glob or a list of globs on
-- the name) or, by default, an extension samtal reads. Names starting with a dot, README,
-- LICENSE and other files about the corpus, and metadata sidecars never pass.
local function name_filter(opts)
  local patterns
  if opts.pattern ~= nil then
    patterns = {}
    for _, glob in ipairs(type(opts.pattern) == "table" and opts.pattern or { opts.pattern }) do
      for _, g in ipairs(expand_braces(glob, {})) do patterns[#patterns + 1] = glob_pattern(g) end
    end
  end
  return function(name)
    if name:sub(1, 1) == "." or SIDECARS[name:lower()] or NOT_TRANSCRIPTS[name:match("^[^.]*"):lower()]
        or name:find("%-meta%.tsv$") then
      return false
    end
    if not patterns then return TRANSCRIPT_EXTENSIONS[(name:match("%.([^.]+)$") or ""):lower()] == true end
    for _, pat in ipairs(patterns) do
      if name:find(pat) then return true end
    end
    return false
  end
end

--- Expands a path: a file is itself; a directory gives the transcript files in it, and with
-- `recursive` (the default) in its subdirectories, sorted by path (byte order).
local function expand(path, out, opts)
  local kind, err = core.filetype(path)
  if not kind then error(err, 0) end
  if kind ~= "directory" then
    out[#out + 1] = path
    return
  end
  local wanted, recursive, found = name_filter(opts), opts.recursive ~= false, {}
  local function walk(dir, depth)
    if depth > MAX_DEPTH then
      error(("%s: directories nested more than %d deep (a symbolic link loop?)"):format(dir, MAX_DEPTH), 0)
    end
    local sep = dir:sub(-1) == "/" and "" or "/"
    for _, name in ipairs(core.listdir(dir, "")) do -- names starting with "." are left out
      local full = dir .. sep .. name
      local ftype = core.filetype(full)
      if ftype == "directory" then
        if recursive then walk(full, depth + 1) end
      elseif ftype == "file" and wanted(name) then
        found[#found + 1] = full
      end
    end
  end
  walk(path, 0)
  if #found == 0 then
    local where = recursive and "in this directory or below" or "in this directory"
    if opts.pattern ~= nil then
      local globs = {}
      for _, g in ipairs(type(opts.pattern) == "table" and opts.pattern or { opts.pattern }) do
        globs[#globs + 1] = '"' .. g .. '"'
      end
      error(("%s: no file matching %s %s"):format(path, table.concat(globs, " or "), where), 0)
    end
    error(("%s: no transcripts %s (%s)"):format(path, where, EXTENSION_LIST), 0)
  end
  table.sort(found)
  table.move(found, 1, #found, #out + 1, out)
end

--- A progress line on stderr while a directory loads, when stderr is a terminal: drawn once
-- loading has taken half a second, redrawn at most ten times a second, cleared at the end.
local function terminal_progress()
  if not core.isatty(2) then return nil end
  local started, drawn = core.clock(), nil
  local function progress(done, total, path)
    local now = core.clock()
    if done < total and (now - started < 0.5 or (drawn and now - drawn < 0.1)) then return end
    if done == total then
      if drawn then io.stderr:write("\r\27[K") end
      drawn = nil
      return
    end
    drawn = now
    io.stderr:write(("\rsamtal: loading %d/%d files  %s\27[K"):format(done, total,
      #path > 50 and ("…" .. path:sub(-49)) or path))
  end
  local function clear()
    if drawn then io.stderr:write("\r\27[K") end
  end
  return progress, clear
end

--- Checks the options of open that choose and read files.
local function check_file_opts(opts)
  local p = opts.pattern
  local ok = p == nil or type(p) == "string" or (type(p) == "table" and #p > 0)
  if type(p) == "table" then
    for _, g in pairs(p) do ok = ok and type(g) == "string" end
  end
  if not ok then
    error("open: option pattern must be a glob on file names such as \"*.txt\", or a list of them", 3)
  end
  if opts.recursive ~= nil and type(opts.recursive) ~= "boolean" then
    error("open: option recursive must be true or false", 3)
  end
  if opts.progress ~= nil and opts.progress ~= false and type(opts.progress) ~= "function" then
    error("open: option progress must be a function(done, total, path), or false", 3)
  end
  local FORMATS = { auto = true, text = true, vtt = true, srt = true, sbv = true, vrt = true, json = true,
    html = true, parlamint = true, tsv = true }
  if opts.format ~= nil and not FORMATS[opts.format] then
    error(("open: option format must be \"auto\", \"text\", \"vtt\", \"srt\", \"sbv\", \"vrt\", \"json\", \"html\", "
      .. "\"parlamint\" or \"tsv\", not %s"):format(type(opts.format) == "string" and ("%q"):format(opts.format)
      or tostring(opts.format)), 3)
  end
end

--- Alias rules from a map of label = name: {label, name, doc}, sorted by label so that the
-- order (kept with the corpus) does not depend on table traversal. A table value, where `nested`
-- allows it, is a map of its own for the document that the key names.
local function alias_rules(fname, map, doc, nested, level)
  if type(map) ~= "table" then
    error(("bad argument #1 to '%s' (table of label = name expected, got %s)"):format(fname, type(map)), level)
  end
  local rules = {}
  for label, name in pairs(map) do
    if type(label) ~= "string" then
      error(("%s: a speaker label must be a string, not %s"):format(fname, type(label)), level)
    end
    if nested and type(name) == "table" then
      for _, r in ipairs(alias_rules(fname, name, label, false, level + 1)) do rules[#rules + 1] = r end
    elseif type(name) ~= "string" then
      error(("%s: the name for speaker label %q must be a string, not %s"):format(fname, label, type(name)), level)
    elseif name == "" then
      error(("%s: the name for speaker label %q is empty"):format(fname, label), level)
    else
      rules[#rules + 1] = { label = label, name = name, doc = doc }
    end
  end
  table.sort(rules, function(a, b)
    if (a.doc or "") ~= (b.doc or "") then return (a.doc or "") < (b.doc or "") end
    return a.label < b.label
  end)
  return rules
end

--- core.open, with a progress line on a terminal when a directory was expanded and the caller
-- gave no progress function of its own (`progress = false` turns it off).
local function load(paths, opts, from_directory)
  if opts.progress ~= nil or not from_directory then return core.open(paths, opts) end
  local progress, clear = terminal_progress()
  if not progress then return core.open(paths, opts) end
  local with = setmetatable({ progress = progress }, { __index = opts })
  local ok, c = pcall(core.open, paths, with)
  clear()
  if not ok then error(c, 0) end
  return c
end

--- Opens a corpus.
-- @param source a file, a directory (the transcripts in it and below, sorted by path), or a list
--   of these
-- @param opts `invalid = "error"|"replace"` (invalid UTF-8), `hyphens = true` (keep
--   letter-hyphen-letter compounds such as "vi-känsla" as one word), `language = "sv"`,
--   `progress = function(done, total, path)` (called after each file; false: no progress line),
--   `format = "json"` (read every file as this format instead of detecting it), `pattern =
--   "*.txt"` (a glob, or a list, on the names of files in directories), `recursive = false`
--   (only a directory's own files), `on_error = "skip"` (a damaged cue, segment or line, or a
--   file of a directory that cannot be read at all, is left out with a warning instead of being
--   an error; each warning, `{file =, line =, message =}`, goes to `warn = function(w)` if given,
--   else to stderr, and stays in `c:warnings()` and the document's `warnings`), `compress = true`
--   (each document's text kept compressed once it is tokenised, and its line starts left to be
--   found again with it, decompressed the first time something reads it: a third of the memory
--   for the text)
-- @return a samtal.Corpus
-- `attributes = {"pos", "msd", "lemma"}` names the columns after the word of a VRT file that
-- does not name them itself.
function samtal.open(source, opts)
  opts = check_opts("open", opts,
    { invalid = true, hyphens = true, language = true, progress = true, attributes = true, encoding = true,
      metadata = true, format = true, pattern = true, recursive = true, on_error = true, warn = true,
      aliases = true, merge_turns = true, conventions = true, compress = true })
  check_file_opts(opts)
  if opts.merge_turns ~= nil and type(opts.merge_turns) ~= "boolean" then
    error("open: option merge_turns must be true or false", 2)
  end
  if opts.compress ~= nil and type(opts.compress) ~= "boolean" then
    error("open: option compress must be true or false", 2)
  end
  if opts.conventions ~= nil and opts.conventions ~= false then
    error("open: option conventions can only be false (load without the conventions added by samtal.convention)", 2)
  end
  -- what the core takes besides the options: alias rules before loading (merge_turns needs
  -- them), the conventions' hook
  local extra = {}
  if opts.aliases ~= nil then extra.alias_rules = alias_rules("open", opts.aliases, nil, true, 3) end
  if opts.conventions ~= false then extra.mark = convention.marker() end
  if next(extra) then opts = setmetatable(extra, { __index = opts }) end
  local paths = {}
  if type(source) == "string" then
    expand(source, paths, opts)
  elseif type(source) == "table" then
    for i, p in ipairs(source) do
      if type(p) ~= "string" then
        error(("bad argument #1 to 'open' (path #%d is a %s, not a string)"):format(i, type(p)), 2)
      end
      expand(p, paths, opts)
    end
    if #paths == 0 then error("bad argument #1 to 'open' (empty list of paths)", 2) end
  else
    error(("bad argument #1 to 'open' (path or list of paths expected, got %s)"):format(type(source)), 2)
  end
  if opts.invalid ~= nil and opts.invalid ~= "error" and opts.invalid ~= "replace" then
    error(("open: option invalid must be \"error\" or \"replace\", not %q"):format(tostring(opts.invalid)), 2)
  end
  if opts.on_error ~= nil and opts.on_error ~= "error" and opts.on_error ~= "skip" then
    error(("open: option on_error must be \"error\" or \"skip\", not %q"):format(tostring(opts.on_error)), 2)
  end
  if opts.warn ~= nil and type(opts.warn) ~= "function" then
    error("open: option warn must be a function(warning)", 2)
  end
  if opts.language ~= nil and type(opts.language) ~= "string" then
    error("open: option language must be a language code such as \"sv\" or \"en\"", 2)
  end
  if opts.metadata ~= nil and opts.metadata ~= false and type(opts.metadata) ~= "string" then
    error("open: option metadata must be the path of a CSV, TSV or JSON file, or false", 2)
  end
  local from_directory = #paths > (type(source) == "table" and #source or 1) -- a directory was expanded
  local c = load(paths, opts, from_directory)
  -- on_error = "skip": every damaged part left out is told, never a silent partial load
  for _, w in ipairs(c:warnings()) do
    if opts.warn then
      opts.warn(w)
    else
      io.stderr:write("samtal: warning: ", w.message, "\n")
    end
  end
  if opts.language then language_of[c] = opts.language end
  -- a sidecar of document metadata: named, or metadata.csv/.tsv/.json in a directory opened
  local sidecar = opts.metadata
  if sidecar == nil then
    for _, dir in ipairs(type(source) == "table" and source or { source }) do
      if core.filetype(dir) == "directory" then
        sidecar = metadata.find(dir, core.filetype)
        if sidecar then break end
      end
    end
  end
  if sidecar then
    metadata.attach(c, sidecar)
  elseif opts.metadata ~= false then -- false: none at all
    if c:saved_metadata() then -- a saved corpus: the metadata it was saved with
      metadata.restore(c, paths[1])
    else
      metadata.imported(c) -- what samtal's JSON export brought, if it was one
    end
  end
  return c
end

--- A list of strings that prints as one.
local List = { __tostring = format.list, __name = "samtal.List" }

--- UAX #29 word segments of s, all of them (spaces included), in order; their concatenation is s.
-- `opts.hyphens` keeps letter-hyphen-letter compounds together.
function samtal.segment(s, opts)
  check_string("segment", 1, s)
  check_opts("segment", opts, { hyphens = true })
  return setmetatable(core.segment(s, opts), List)
end

--- UAX #29 sentences of s, in order; their concatenation is s.
function samtal.sentences(s)
  check_string("sentences", 1, s)
  return setmetatable(core.sentences(s), List)
end

--- Unicode case folding (with NFC), as the corpus folds its words.
function samtal.fold(s)
  check_string("fold", 1, s)
  return core.fold(s)
end

--- Adds a transcription convention for the corpora opened after it (see samtal.convention's
-- module comment): `samtal.convention{name = "unclear", pattern = lpeg.P"(ohörbart)", kind =
-- "event"}`; kind "event" (default), "hesitation" or "truncated"; pattern an LPeg pattern or a
-- literal string. A convention of the same name is replaced.
function samtal.convention(spec)
  convention.add(spec)
end

--- The conventions added, in order: each {name, pattern, kind}.
function samtal.conventions()
  return convention.list()
end

--- Removes the convention of that name; true if there was one.
function samtal.remove_convention(name)
  check_string("remove_convention", 1, name)
  return convention.remove(name)
end

--- Writes the corpus to one file that `samtal.open` maps back without re-tokenising: text,
-- structure, index, speaker aliases and document metadata (the sidecar's rows and columns, or
-- what a JSON export brought). Written under a temporary name and renamed, so a failure leaves
-- no half file.
function Corpus:save(path)
  if type(path) ~= "string" then -- a number would silently name a file "42"
    error(("bad argument #1 to 'save' (string expected, got %s)"):format(type(path)), 2)
  end
  return self:save_file(path, metadata.serialize(self))
end

local c_document = Corpus.document
--- Document i: name, path, title, preamble, participants, turns, tokens, words, pages,
-- events, replacements, size, encoding, first_turn, first_token, and `meta`: the row of the
-- metadata sidecar for it (an empty table when there is none).
function Corpus:document(i)
  local d = c_document(self, i)
  d.meta = metadata.of(self, i)
  d.warnings = {}
  for _, w in ipairs(self:warnings()) do
    if w.file == d.path then d.warnings[#d.warnings + 1] = w end
  end
  return d
end

--- Writes the corpus for other tools: `c:export("out.vrt")` (format from the extension, or
-- `{format = "vrt"}`) writes VRT for CWB's cwb-encode, CQPweb and Korp, and returns the path and
-- the cwb-encode command line that encodes it. `c:export("out.json")` (or `{format = "json"}`)
-- writes samtal's own JSON: documents, metadata, text, turns, events, sentences and tokens with
-- their offsets in the text and in the source files; `samtal.open` reads it back as the same
-- corpus. Returns the path.
function Corpus:export(path, opts)
  opts = check_opts("export", opts, { format = true, name = true })
  check_string("export", 1, path)
  local fmt = opts.format or path:match("%.(%w+)$")
  if fmt ~= "vrt" and fmt ~= "json" then
    error(("export: unknown format %s (known: vrt, json)"):format(tostring(fmt)), 2)
  end
  self:stats()
  if fmt == "json" then return require("samtal.export").json(self, path, samtal._VERSION) end
  return require("samtal.export").vrt(self, path, opts)
end

--- The metadata columns of the corpus's sidecar file (empty without one).
function Corpus:metadata_columns()
  self:stats()
  return metadata.columns(self)
end

--- The documents, in load order: name, path, title, preamble, participants, turns, tokens,
-- words, pages, events, replacements, size, meta.
function Corpus:documents()
  local out = {}
  for i = 1, self:stats().documents do out[i] = self:document(i) end
  return out
end

--- The speakers in order of first appearance: name, turns, tokens (words), documents, and with
-- aliases (c:alias) labels: the labels each stands for.
function Corpus:speakers()
  return self:speaker_list()
end

--- The index of a document given by name, path or index; nil if there is none.
function Corpus:document_index(doc)
  if math.type(doc) == "integer" then return doc end
  for i = 1, self:stats().documents do
    local d = self:document(i)
    if d.name == doc or d.path == doc then return i end
  end
  return nil
end

--- Iterates over turns: `for t in c:turns{speaker = "LENA", doc = "name"} do ... end`.
-- Each turn: doc, path, index (in its document), speaker, text, line, offset, length, tokens, words.
function Corpus:turns(filter)
  filter = check_opts("turns", filter, { speaker = true, doc = true })
  if filter.speaker ~= nil and type(filter.speaker) ~= "string" then
    error("turns: speaker must be a string", 2)
  end
  local doc
  if filter.doc ~= nil then
    doc = self:document_index(filter.doc)
    if not doc then error(("turns: no document %s"):format(tostring(filter.doc)), 2) end
  end
  local ids, i, corpus = self:turn_ids(filter.speaker, doc), 0, self
  return function() -- the closure keeps the corpus alive
    i = i + 1
    local id = ids[i]
    if id then return corpus:turn(id) end
  end
end

local query = require "samtal.query"
local lpeg_ok, lpeg = pcall(require, "lpeg")

--- Compiles a query for c: a string in samtal's query language, a Lua function of a form, or
-- an LPeg pattern matched against each form.
local function compile(self, fname, q, opts)
  self:stats() -- a closed corpus says so before any query work
  if type(q) == "function" then return query.compile_function(self, q) end
  if lpeg_ok and lpeg.type(q) == "pattern" then
    return query.compile_function(self, function(form) return lpeg.match(q, form) ~= nil end)
  end
  if type(q) ~= "string" then
    error(("bad argument #1 to '%s' (query string, function or LPeg pattern expected, got %s)")
      :format(fname, type(q)), 3)
  end
  local ast = require("samtal.cql").parse(q)
  return query.compile(self, ast, q, opts)
end

--- The number of matches of a query (a word, a phrase, or any query of the language).
-- Plain words match case-insensitively; `{case = true}` matches them exactly.
function Corpus:count(q, opts)
  opts = check_opts("count", opts, { case = true })
  return self:find(compile(self, "count", q, opts), "count")
end

--- Every match as {position, tokens}: the token id where it starts and its length in tokens.
function Corpus:positions(q, opts)
  opts = check_opts("positions", opts, { case = true })
  return self:find(compile(self, "positions", q, opts), "positions")
end

local Hits = require "samtal.hits"

-- Function words that tell the main languages of a corpus apart; the most frequent set wins.
local LANGUAGE_MARKERS = {
  sv = { "och", "att", "det", "som", "är", "inte", "jag", "vi" },
  en = { "the", "and", "that", "is", "of", "to", "we", "it" },
}
local COLLATIONS = { sv = "sv_SE.UTF-8" }

--- The corpus's language ("sv", "en"), from `open{language = ...}` or guessed from how often
-- common function words occur; nil when neither kind is found.
function Corpus:language()
  if language_of[self] ~= nil then return language_of[self] or nil end
  local best, best_n = nil, 0
  for lang, words in pairs(LANGUAGE_MARKERS) do
    local n = 0
    for _, w in ipairs(words) do n = n + self:count(w) end
    if n > best_n or (n == best_n and best and lang < best) then best, best_n = lang, n end
  end
  language_of[self] = best or false
  return best
end

--- A keyword-in-context concordance of a query.
-- opts: width (words each side, default 6), left, right, chars (characters each side instead of
-- words), clip ("turn", the default, or "sentence": where the context stops), case, speaker.
-- Each hit: doc, path, speaker, turn, left, match, right, offset, length, line, column,
-- position, tokens, sentence. Printing the result aligns the match column.
function Corpus:kwic(q, opts)
  opts = check_opts("kwic", opts,
    { width = true, left = true, right = true, chars = true, clip = true, case = true, speaker = true, meta = true })
  if opts.clip ~= nil and opts.clip ~= "turn" and opts.clip ~= "sentence" then
    error(("kwic: clip must be \"turn\" or \"sentence\", not %s"):format(tostring(opts.clip)), 2)
  end
  for _, k in ipairs { "width", "left", "right", "chars" } do
    local v = opts[k]
    if v ~= nil and (math.type(v) ~= "integer" or v < 0) then
      error(("kwic: %s must be a non-negative integer, not %s"):format(k, tostring(v)), 2)
    end
  end
  local width = opts.width or 6
  local left, right, chars, clip = opts.left or width, opts.right or width, opts.chars or 0, opts.clip or "turn"
  local hit_opts = { left = left, right = right, collation = COLLATIONS[self:language()] }
  local matches = self:find(compile(self, "kwic", q, opts), "matches")
  self:check_matches(matches) -- a damaged document of a saved corpus fails the query, not a later read
  if not opts.speaker and opts.meta == nil then -- each hit's table is built when it is read
    local function lazy_over(ms) -- ms: the matches, or the same sorted (Hits:sort)
      return Hits.lazy_blocks(self, q, #ms, function(hits, first, last)
        self:match_hits(ms, first, last, left, right, chars, clip, hits)
      end, hit_opts, function(hits, first, last, context, out)
        return self:match_lines(ms, first, last, left, right, chars, clip, context, hits, out)
      end, function(hits, first, last, context, columns)
        self:match_rows(ms, first, last, left, right, chars, clip, context, hits, columns)
      end, function(side, k, limit)
        return self:match_words(ms, side, k, limit)
      end, function(order)
        return lazy_over(self:match_permute(ms, order))
      end)
    end
    return lazy_over(matches)
  end
  local hits = {}
  for i = 1, #matches do hits[i] = self:match_hit(matches, i, left, right, chars, clip) end
  if opts.speaker then
    local kept = {}
    for _, h in ipairs(hits) do
      if h.speaker == opts.speaker then kept[#kept + 1] = h end
    end
    hits = kept
  end
  if opts.meta ~= nil then -- the documents whose metadata matches (samtal.metadata)
    if type(opts.meta) ~= "table" then error("kwic: meta must be a table such as {year = \"2023\"}", 2) end
    local ok, docs = pcall(metadata.documents, self, opts.meta, "kwic")
    if not ok then error(docs, 2) end
    local paths, kept = {}, {}
    for _, d in ipairs(docs) do paths[self:document(d).path] = true end
    for _, h in ipairs(hits) do
      if paths[h.path] then kept[#kept + 1] = h end
    end
    hits = kept
  end
  return Hits.new(self, q, hits, hit_opts)
end

local quotes = require "samtal.quotes"

--- The spans inside quotation marks in speech (”…”, »…«, «…», “…”, „…“, "…", '…'), never
-- across a turn, whole across a page break. opts: speaker, match (a query the quotation must
-- contain), doc, case. Each: text, speaker, doc, path, turn, turn_id, sentence, depth, line,
-- column, offset, length, page, start. `.unmatched` lists the marks that pair with nothing (with
-- `match`, in the turns a match starts in).
function Corpus:quotations(opts)
  opts = check_opts("quotations", opts, { speaker = true, match = true, doc = true, case = true })
  self:stats() -- a closed corpus says so first
  return quotes.quotations(self, opts)
end

--- Whole sentences fit to quote, with attribution. opts: speaker, match (a query), min_words,
-- max_words, doc, case, aliases ({label = "Full Name"}). Each quote: text, words, speaker, name,
-- role, title, page, start, doc, path, line, column, offset, length; q:verify() checks the
-- source file; the list has :markdown(), :csv(), :json(), :verify().
function Corpus:quotes(opts)
  opts = check_opts("quotes", opts, { speaker = true, match = true, min_words = true, max_words = true,
    doc = true, case = true, aliases = true })
  self:stats()
  return quotes.quotes(self, opts)
end

require("samtal.stats").install(Corpus, { check_opts = check_opts, compile = compile })

local c_fingerprint = Corpus.fingerprint
local fingerprint_of = setmetatable({}, { __mode = "k" }) -- corpus -> its fingerprint, made once

--- A content hash of the corpus, 16 hex digits (src/fingerprint.h): of each document's name,
-- encoding, normalised text and turns (speaker, start, extent), in order, and the load options
-- that change tokens. The same for the same transcripts loaded again or mapped from a saved
-- file; another when a byte of text, a speaker or an option changes. Shareable scripts declare
-- it, and CSV and JSON outputs can carry it.
function Corpus:fingerprint()
  local fp = fingerprint_of[self]
  if fp then
    self:stats() -- a closed corpus says so, cached or not
    return fp
  end
  fp = c_fingerprint(self)
  fingerprint_of[self] = fp
  return fp
end

--- Speaker aliases: `c:alias{["Speaker 1"] = "Lisbeth Löpare Johansson"}` gives every turn
-- labelled "Speaker 1" that speaker, in every document; `c:alias(map, {doc = name_or_index})` in
-- one document only (a rule for a document wins over a corpus-wide one). Keys are labels as the
-- source writes them; two labels given one name are one speaker. Speakers, speaker filters,
-- statistics, concordances, quotes, export and `@speaker` in queries then use the names; a
-- turn's, hit's or quote's `label` keeps the source's label. The rules are saved with the corpus
-- (`c:save`). An unknown label raises, naming it, and changes nothing. Returns the corpus.
function Corpus:alias(map, opts)
  opts = check_opts("alias", opts, { doc = true })
  local doc = opts.doc
  if doc ~= nil then
    if type(doc) ~= "string" and math.type(doc) ~= "integer" then
      error(("alias: option doc must be a document's name, path or index, not %s"):format(type(doc)), 2)
    end
    local i = self:document_index(doc)
    if not i or i < 1 or i > self:stats().documents then
      error(("alias: no document %s in the corpus"):format(type(doc) == "string" and ("%q"):format(doc)
        or tostring(doc)), 2)
    end
    if math.type(doc) == "integer" then doc = self:document(i).path end
  end
  self:set_aliases(alias_rules("alias", map, doc, false, 3))
  fingerprint_of[self] = nil -- who said what changed
  return self
end

--- The alias rules in the order set: each {label, name, doc} (doc nil: every document).
function Corpus:aliases()
  return self:alias_rules()
end

--- samtal.script{...}: the declaration at the head of a shareable script (samtal.script).
samtal.script = require "samtal.script"

samtal.Corpus = Corpus
samtal.Hits = Hits
samtal.List = List
samtal.format = format

return samtal
