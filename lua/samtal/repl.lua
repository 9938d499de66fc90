--- samtal.repl: the interactive session of the samtal command, started as `samtal [PATH...]`
-- (the paths opened as the corpus `c`). Read a chunk (lines until it compiles), evaluate it,
-- show its values; `:help`, `:load`, `:save` and `:quit` are the session's own commands.
--
-- The terminal is main.c's: `term.readline` (GNU readline: line editing, history, Tab calls
-- repl.complete), `term.call` (Ctrl-C interrupts the evaluated code). Without a terminal on
-- stdin, or under plain Lua, lines are read with io.read and shown after a plain prompt.
-- @module samtal.repl
local samtal = require "samtal"
local format = samtal.format
local help = require "samtal.help"

local repl = {}

local PROMPT, CONTINUE = "samtal> ", "     >> "
local MAX_LINES = 40 -- lines of a value shown before "… N more lines"
local MAX_HITS = 20 -- concordance lines shown
local MAX_WIDTH = 1000 -- code points of one shown line
local MAX_INLINE = 100 -- a table shown on one line up to this width, else an entry a line
local MAX_ENTRY = 200 -- code points of one entry of a table shown an entry a line
local MAX_ITEMS = 20 -- entries of a table shown
local MAX_FRAMES = 6 -- traceback lines after an error's message

-- Showing values ---------------------------------------------------------------------------

local function clip(line, max)
  local w = format.width(line)
  if w <= max then return line end
  return format.head(line, max) .. ("… %d more characters"):format(w - max)
end

--- Text cut to MAX_LINES lines of MAX_WIDTH code points.
local function cut(s)
  local lines, n = {}, 0
  for line in (s .. "\n"):gmatch("(.-)\n") do
    n = n + 1
    if n <= MAX_LINES then lines[n] = clip(line, MAX_WIDTH) end
  end
  if n > MAX_LINES then lines[#lines + 1] = ("… %d more lines"):format(n - MAX_LINES) end
  return table.concat(lines, "\n")
end

--- The first MAX_HITS lines of a concordance, aligned among themselves, and how many more.
local function show_hits(hits)
  if #hits <= MAX_HITS then return tostring(hits) end
  local part = {}
  for k, v in pairs(hits) do -- the fields (query, corpus, window), not a lazy one's builder
    if math.type(k) ~= "integer" and k ~= "_lazy" then part[k] = v end
  end
  for i = 1, MAX_HITS do part[i] = hits[i] end -- the first hits (built now if lazy)
  local text = tostring(setmetatable(part, getmetatable(hits))):gsub("\n[^\n]*$", "") -- its "20 hits"
  return text .. ("\n… %d more (%d hits; print() shows them all)"):format(#hits - MAX_HITS, #hits)
end

local function key_text(k)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return k end
  return "[" .. format.inspect(k) .. "]"
end

--- A plain table: on one line when it fits, else an entry a line, MAX_ITEMS entries at most.
local function show_table(t)
  local line = format.inspect(t, 2, MAX_ITEMS)
  if format.width(line) <= MAX_INLINE then return line end
  local out, n = { "{" }, 0
  local len = #t
  for i = 1, len do
    n = n + 1
    if n > MAX_ITEMS then break end
    out[#out + 1] = "  " .. clip(format.inspect(t[i], 2, MAX_ITEMS), MAX_ENTRY) .. ","
  end
  local keys = {}
  for k in pairs(t) do
    if not (math.type(k) == "integer" and k >= 1 and k <= len) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  for _, k in ipairs(keys) do
    n = n + 1
    if n <= MAX_ITEMS then
      out[#out + 1] = "  " .. clip(key_text(k) .. " = " .. format.inspect(t[k], 2, MAX_ITEMS), MAX_ENTRY) .. ","
    end
  end
  local total = len + #keys
  if total > MAX_ITEMS then out[#out + 1] = ("  … %d more"):format(total - MAX_ITEMS) end
  out[#out + 1] = "}"
  return table.concat(out, "\n")
end

--- How the session shows a value: strings as they are, concordances and result tables aligned
-- (their __tostring), other tables compactly; long ones cut with "… N more". With `whole`,
-- nothing is cut (as a saved session's script prints).
function repl.show(v, whole)
  if type(v) == "string" then return whole and v or cut(v) end
  local mt = getmetatable(v)
  if mt == samtal.Hits and not whole then return show_hits(v) end
  if type(mt) == "table" and mt.__tostring then return whole and tostring(v) or cut(tostring(v)) end
  if type(v) == "table" then return whole and format.inspect(v, 2, math.huge) or cut(show_table(v)) end
  return tostring(v)
end

--- Prints each value as the session shows it, but whole: a saved session's script uses it.
function repl.print(...)
  for i = 1, select("#", ...) do print(repl.show(select(i, ...), true)) end
end

-- Evaluating -------------------------------------------------------------------------------

--- An error's message and the frames of the user's code (the session's own are left out).
local function traceback(err)
  if err == "interrupted" then return err end -- Ctrl-C: where it stopped is of no interest
  local msg = err
  if type(msg) ~= "string" then
    local mt = getmetatable(msg)
    msg = (mt and mt.__tostring) and tostring(msg) or ("(error object is a %s value)"):format(type(msg))
  end
  local out, frames = { msg }, 0
  local tb = debug.traceback("", 2)
  for line in tb:gmatch("[^\n]+") do
    if line:find("samtal/repl.lua", 1, true) or line:find("in field 'call'", 1, true)
      or line:find("in function 'xpcall'", 1, true) then
      break
    end
    if line ~= "stack traceback:" and not line:find("^%s*%[C%]: in function 'error'") then
      frames = frames + 1
      if frames > MAX_FRAMES then
        out[#out + 1] = "\t…"
        break
      end
      out[#out + 1] = line
    end
    if line:find("in main chunk", 1, true) then break end -- the chunk typed or loaded
  end
  if #out > 1 then table.insert(out, 2, "stack traceback:") end
  return table.concat(out, "\n")
end

--- Compiles a chunk, first as an expression (so `c:count("x")` shows its value without
-- `return`; a leading `=` is allowed, as lua 5.1 wanted it). Returns the function and whether it
-- is an expression, or nil, the error and whether more lines may complete the chunk.
local function compile(src, env)
  local expr = src:gsub("^%s*=", "")
  local fn = load("return " .. expr, "=stdin", "t", env)
  if fn then return fn, expr end
  local err
  fn, err = load(src, "=stdin", "t", env)
  if fn then return fn, false end
  return nil, err, err:sub(-5) == "<eof>"
end

local Session = {}
Session.__index = Session

--- A session: `env` (the globals, _G by default), `write(s)` (output), `call` (as xpcall; the
-- command's interruptible term.call), `paths` (the corpus's, for :save).
function repl.session(opts)
  opts = opts or {}
  return setmetatable({
    env = opts.env or _G,
    write = opts.write or function(s)
      io.write(s)
      io.flush()
    end,
    call = opts.call or xpcall,
    paths = opts.paths or {},
    buffer = {}, -- the lines of an unfinished chunk
    inputs = {}, -- what ran without error, for :save: {src =, expression =} or {load = path}
  }, Session)
end

function Session:say(s)
  self.write(s .. "\n")
end

--- The prompt: a continuation prompt inside an unfinished chunk.
function Session:prompt()
  return #self.buffer == 0 and PROMPT or CONTINUE
end

--- Drops an unfinished chunk (Ctrl-C at the prompt).
function Session:reset()
  self.buffer = {}
end

--- Runs fn, shows its values or its error; true and the number of values if it ran.
function Session:run(fn, ...)
  local results = table.pack(self.call(fn, traceback, ...))
  if not results[1] then
    self:say(tostring(results[2]))
    return false
  end
  for i = 2, results.n do self:say(repl.show(results[i])) end
  return true, results.n - 1
end

local function unquote(s)
  return s:match('^"(.*)"$') or s:match("^'(.*)'$") or s
end

--- The script :save writes: the corpus opened as the session opened it, then every input that
-- ran, expressions printed.
function Session:script()
  local out = { "-- A samtal session, saved " .. os.date("%Y-%m-%d %H:%M") .. ". Run it: samtal FILE.lua",
    'local samtal = samtal or require "samtal"', 'local show = require("samtal.repl").print' }
  if #self.paths > 0 then
    local quoted = {}
    for i, p in ipairs(self.paths) do quoted[i] = ("%q"):format(p) end
    local source = #quoted == 1 and quoted[1] or "{" .. table.concat(quoted, ", ") .. "}"
    out[#out + 1] = ("c = samtal.open(%s)"):format(source)
  end
  for _, input in ipairs(self.inputs) do
    if input.load then
      out[#out + 1] = ("dofile(%q)"):format(input.load)
    elseif input.expression then
      local e = input.expression
      local multi = e:find("\n") or e:find("--", 1, true)
      out[#out + 1] = multi and ("show(\n" .. e .. "\n)") or ("show(" .. e .. ")")
    else
      out[#out + 1] = input.src
    end
  end
  return table.concat(out, "\n") .. "\n"
end

local commands = {}

function commands.help(self, arg)
  local corpus = samtal.Corpus
  self:say(arg == "" and help.overview(samtal._VERSION, corpus) or help.topic(arg, corpus))
  return true
end

function commands.load(self, arg)
  if arg == "" then
    self:say("usage: :load FILE.lua")
    return true
  end
  local path = unquote(arg)
  local fn, err = loadfile(path, "t", self.env)
  if not fn then
    self:say(err)
  elseif self:run(fn) then
    self.inputs[#self.inputs + 1] = { load = path }
  end
  return true
end

function commands.save(self, arg)
  if arg == "" then
    self:say("usage: :save FILE.lua")
    return true
  end
  local path = unquote(arg)
  local f, err = io.open(path, "wb")
  if not f then
    self:say("cannot save: " .. err)
    return true
  end
  local ok, werr = f:write(self:script())
  f:close()
  if not ok then
    self:say("cannot save: " .. tostring(werr))
    return true
  end
  self:say(("saved %d input%s to %s (run it: samtal %s)")
    :format(#self.inputs, #self.inputs == 1 and "" or "s", path, path))
  return true
end

function commands.quit()
  return false
end

local ALIASES = { q = "quit", exit = "quit", h = "help", ["?"] = "help" }
local COMMAND_NAMES = { "help", "load", "quit", "save" }

function Session:command(name, arg)
  local fn = commands[ALIASES[name] or name]
  if not fn then
    self:say((":%s is no command; :help lists them"):format(name))
    return true
  end
  return fn(self, arg)
end

--- Takes one line of input: runs a command, or adds the line to the chunk and runs the chunk
-- once it compiles. Returns false when the session should end (:quit).
function Session:feed(line)
  line = line:gsub("\r?\n$", "")
  if #self.buffer == 0 then
    local name, arg = line:match("^%s*:([%a?]+)%s*(.-)%s*$") -- `::label::` is Lua, not a command
    if name then return self:command(name, arg) end
    if not line:find("%S") then return true end
  end
  self.buffer[#self.buffer + 1] = line
  local src = table.concat(self.buffer, "\n")
  local fn, expression, incomplete = compile(src, self.env)
  if not fn then
    if not incomplete then
      self.buffer = {}
      self:say(expression)
    end
    return true
  end
  self.buffer = {}
  local ran, values = self:run(fn)
  if ran then -- an expression without a value, such as print(x), is saved as a statement
    self.inputs[#self.inputs + 1] = { src = src, expression = values > 0 and expression }
  end
  return true
end

-- Completion -------------------------------------------------------------------------------

local KEYWORDS = { "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
  "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while" }

--- Where an unfinished short string starts in line: the position of its quote and the quote;
-- nil, "comment" inside a comment or a long string (nothing is completed there).
local function open_string(line)
  local i, n = 1, #line
  while i <= n do
    local ch = line:sub(i, i)
    if ch == '"' or ch == "'" then
      local j = i + 1
      while j <= n and line:sub(j, j) ~= ch do
        j = j + (line:sub(j, j) == "\\" and 2 or 1)
      end
      if j > n then return i, ch end
      i = j + 1
    elseif line:sub(i, i + 1) == "--" or line:match("^%[=*%[", i) then
      local start = ch == "-" and i + 2 or i
      local eq = line:match("^%[(=*)%[", start)
      if not eq then return nil, "comment" end -- to the end of the line
      local close = line:find("]" .. eq .. "]", start, true)
      if not close then return nil, "comment" end
      i = close + #eq + 2
    else
      i = i + 1
    end
  end
  return nil
end

--- Indexes v without letting a metamethod's error out.
local function get(v, k)
  local ok, x = pcall(function() return v[k] end)
  return ok and x or nil
end

--- The value a dotted name (`c`, `samtal.Corpus`) has in env, without calling anything.
local function resolve(chain, env)
  local v = env
  for name in chain:gmatch("[^.]+") do
    if type(v) ~= "table" and type(v) ~= "userdata" then return nil end
    v = get(v, name)
  end
  return v
end

--- Whether t looks like a method table: functions, maybe a name and itself as __index.
local function is_methods(t)
  local functions = 0
  for _, x in next, t do
    if type(x) == "function" then
      functions = functions + 1
    elseif type(x) == "table" and x ~= t then
      return false
    end
  end
  return functions > 0
end

--- The names a value answers to: its own string keys (a table's), then its metatable's
-- __index (a table, or a function's method-table upvalues, as a lazy result table has), and so
-- on up. Maps each name to the type of its value.
local function members(v)
  local names, seen = {}, {}
  local add_meta
  local function add_table(t, depth)
    if seen[t] or depth > 8 then return end
    seen[t] = true
    for k, x in next, t do
      if type(k) == "string" and k:match("^[%a_][%w_]*$") and not k:match("^__") and names[k] == nil then
        names[k] = type(x)
      end
    end
    add_meta(t, depth)
  end
  function add_meta(x, depth)
    local mt = getmetatable(x)
    if type(mt) ~= "table" then return end
    local index = rawget(mt, "__index")
    if type(index) == "table" then
      add_table(index, depth + 1)
    elseif type(index) == "function" then
      for i = 1, 60 do
        local name, up = debug.getupvalue(index, i)
        if not name then break end
        if type(up) == "table" and is_methods(up) then add_table(up, depth + 1) end
      end
    end
  end
  if type(v) == "table" then add_table(v, 0) else add_meta(v, 0) end
  return names
end

--- The candidates among names that start with prefix; case-insensitively if none does.
local function starting(prefix, names, suffix)
  local out, lower = {}, prefix:lower()
  for _, pass in ipairs { "exact", "nocase" } do
    for _, n in ipairs(names) do
      local head = n:sub(1, #prefix)
      if head == prefix or (pass == "nocase" and head:lower() == lower) then
        out[#out + 1] = n .. (type(suffix) == "function" and suffix(n) or suffix or "")
      end
    end
    if #out > 0 then break end
  end
  table.sort(out)
  local unique, base = {}, {}
  for _, c in ipairs(out) do
    if c ~= unique[#unique] then unique[#unique + 1] = c end
    base[c:match("^[%w_]*")] = true
  end
  -- a name's _variants wait for the underscore: c:kw gives kwic(, not kwic( and kwic_hits(
  local shown = {}
  for _, c in ipairs(unique) do
    local stem = c:match("^([%w_]-)_[%w_]*")
    if not (stem and #stem >= #prefix and base[stem]) then shown[#shown + 1] = c end
  end
  return shown
end

local function is_corpus(v)
  local mt = getmetatable(v)
  return type(v) == "userdata" and type(mt) == "table" and mt.__name == "samtal.Corpus"
end

--- The corpus a string is about: the receiver of the call it is in (a corpus, or the corpus of
-- hits), else `c`, else the one corpus among the globals.
local function corpus_for(before, env)
  local receiver
  for chain in before:gmatch("([%a_][%w_.]*)%s*:%s*[%a_][%w_]*%s*[({]") do receiver = chain end
  local v = receiver and resolve(receiver, env)
  if is_corpus(v) then return v end
  if type(v) == "table" and is_corpus(rawget(v, "corpus")) then return rawget(v, "corpus") end
  if is_corpus(get(env, "c")) then return get(env, "c") end
  local found
  for _, x in pairs(env) do
    if is_corpus(x) then
      if found and found ~= x then return nil end
      found = x
    end
  end
  return found
end

local function speaker_names(corpus)
  local ok, list = pcall(corpus.speakers, corpus)
  if not ok then return {} end
  local names = {}
  for i, s in ipairs(list) do names[i] = s.name end
  return names
end

local function document_names(corpus)
  local ok, list = pcall(corpus.documents, corpus)
  if not ok then return {} end
  local names = {}
  for i, d in ipairs(list) do names[i] = d.name end
  return names
end

-- The values of options that take one of a few words.
local OPTION_VALUES = {
  by = { "lower", "form", "stem" }, group = { "speaker", "doc" }, range = { "docs", "turns" },
  within = { "turn", "sentence" }, clip = { "turn", "sentence" }, side = { "left", "right", "any" },
  parts = { "doc", "turn", "time" }, reference = { "rest", "corpus" }, invalid = { "error", "replace" },
  kinds = { "word number", "all" }, per = { "token" },
}

local HIT_LEVELS = { "match", "L1", "L2", "L3", "R1", "R2", "R3" }

--- What may stand in a string whose text so far is `before` (the line up to its quote): speaker
-- names after `speaker =` or `speaker ==`, document names after `doc =`, an option's words,
-- a concordance's levels and fields in hits:sort("...") and hits:count("..."), a result
-- table's columns in res:sort("..."). nil where it is not known (a query, say).
local function string_names(before, env)
  local key = before:match("([%a_][%w_]*)%s*[=~]=%s*$") or before:match("([%a_][%w_]*)%s*=%s*$")
    or before:match("([%a_][%w_]*)%s*=%s*{[^{}]*$")
  if key == "speaker" or key == "doc" then
    local corpus = corpus_for(before, env)
    if not corpus then return nil end
    return key == "speaker" and speaker_names(corpus) or document_names(corpus)
  end
  if key then return OPTION_VALUES[key] end
  local chain, method, args = before:match("([%a_][%w_.]*)%s*:%s*([%a_][%w_]*)%s*%(([^()]*)$")
  if not chain or args:gsub('"[^"]*"', ""):gsub("'[^']*'", ""):find("[^%s,]") then return nil end
  local v = resolve(chain, env)
  local mt = getmetatable(v)
  if mt == samtal.Hits and (method == "sort" or method == "count") then
    local names = {}
    for _, l in ipairs(HIT_LEVELS) do names[#names + 1] = l end
    for k in pairs(v[1] or {}) do -- the first hit (built now, if the concordance is lazy)
      if type(k) == "string" then names[#names + 1] = k end
    end
    return names
  end
  if type(v) == "table" and method == "sort" and type(get(v, "columns")) == "function" then
    local ok, columns = pcall(v.columns, v)
    return ok and columns or nil
  end
  return nil
end

--- The completions of the text before the cursor: a list of candidates, each the whole word
-- that replaces the word being typed, and that word (the tail of `line` they replace). The
-- word is a name (`pri` -> `print(`), a field or method after `.` or `:` (`c:kw` -> `kwic(`, a
-- function's name with its opening parenthesis), the inside of a string where the names it
-- may hold are known (`speaker = "LE` -> `LENA"`, closing quote included), or a command (`:he`).
-- After `:load ` and `:save ` it returns "files" (readline completes file names).
function repl.complete(line, env)
  env = env or _G
  if line:match("^%s*:") then
    local name = line:match("^%s*:([%a]*)$")
    if name then return starting(name, COMMAND_NAMES, " "), name end
    local topic = line:match("^%s*:help%s+(%S*)$")
    if topic then return starting(topic, help.names()), topic end
    if line:match("^%s*:load%s") or line:match("^%s*:save%s") then return "files", line:match("(%S*)$") end
    return {}, ""
  end
  local quote_at, quote = open_string(line)
  if quote == "comment" then return {}, "" end
  if quote_at then
    local before, inside = line:sub(1, quote_at - 1), line:sub(quote_at + 1)
    -- a query's own speaker test: c:kwic('vård @speaker = "LE
    local inner_before, inner_quote, inner = inside:match('^(.-)(["\'])([^"\']*)$')
    if inner_before and inner_quote ~= quote and inner_before:match("speaker%s*!?=%s*$") then
      local corpus = corpus_for(before, env)
      return corpus and starting(inner, speaker_names(corpus), inner_quote) or {}, inner
    end
    local names = string_names(before, env)
    if not names then return {}, inside end
    return starting(inside, names, quote), inside
  end
  local word = line:match("[%a_][%w_]*$") or ""
  local before = line:sub(1, #line - #word)
  if word:match("^%d") or before:match("[%w_]$") then return {}, word end
  local sep = before:sub(-1)
  if sep == "." or sep == ":" then
    local chain = before:sub(1, -2):match("[%a_][%w_.]*$")
    if not chain or chain:find("..", 1, true) or chain:sub(-1) == "." then return {}, word end
    local lead = before:sub(1, #before - #chain - 1)
    if lead:match("[%w_.:%]%)\"']$") then return {}, word end -- f().x, a[1].x: not without calling
    local v = resolve(chain, env)
    if v == nil then return {}, word end
    local kinds, names = members(v), {}
    for n, kind in pairs(kinds) do
      if sep == "." or kind == "function" then names[#names + 1] = n end
    end
    return starting(word, names, function(n) return kinds[n] == "function" and "(" or "" end), word
  end
  if word == "" then return {}, word end -- a Tab at nothing: no list of every global
  local kinds = members(env)
  local names = {}
  for n in pairs(kinds) do names[#names + 1] = n end
  local candidates = starting(word, names, function(n) return kinds[n] == "function" and "(" or "" end)
  for _, k in ipairs(starting(word, KEYWORDS)) do candidates[#candidates + 1] = k end
  table.sort(candidates)
  return candidates, word
end

--- The longest common prefix of strings, whole UTF-8 characters only.
local function common_prefix(list)
  local p = list[1]
  for i = 2, #list do
    local s, n = list[i], 0
    while n < #p and n < #s and p:byte(n + 1) == s:byte(n + 1) do n = n + 1 end
    p = p:sub(1, n)
  end
  while #p > 0 and not utf8.len(p) do p = p:sub(1, -2) end -- a cut character
  return p
end

--- The completer main.c's readline hook calls: with no `start`, the byte offset (0-based) where
-- the word to complete begins; with readline's `start`, readline's list of matches (the
-- common prefix first when there are several), each replacing line:sub(start + 1).
function repl.readline_matches(line, start, env)
  local candidates, word = repl.complete(line, env)
  local from = #line - #word -- bytes before the word
  if not start then return from end
  if candidates == "files" then return "files" end
  if #candidates == 0 then return {} end
  local lead = line:sub(start + 1, from) -- readline's word may start earlier (or later) than ours
  local matches = {}
  for i, c in ipairs(candidates) do
    matches[i] = start <= from and (lead .. c) or c:sub(start - from + 1)
  end
  if #matches > 1 then table.insert(matches, 1, common_prefix(matches)) end
  return matches
end

-- The session ------------------------------------------------------------------------------

--- The history file: ~/.samtal_history, with $HOME as the home directory; nil without one.
local function history_path()
  local home = os.getenv("HOME")
  if not home or home == "" then return nil end
  return (home:gsub("/+$", "")) .. "/.samtal_history"
end

--- Runs the session: opens the paths as `c` (exit status 2 when that fails), prints a summary
-- and a hint, then reads and evaluates until Ctrl-D or :quit. `term` is main.c's terminal, or
-- nil (plain Lua: io.read, no interrupts). Returns the exit status, 0.
function repl.start(term, ...)
  local paths = { ... }
  if #paths > 0 then
    local ok, corpus = pcall(samtal.open, #paths == 1 and paths[1] or paths)
    if not ok then
      io.stderr:write("samtal: ", tostring(corpus), "\n")
      return 2
    end
    _G.c = corpus
    local s = corpus:stats()
    print(("samtal %s: %d documents, %d speakers, %d turns, %d tokens; the corpus is c")
      :format(samtal._VERSION, s.documents, #corpus:speakers(), s.turns, s.tokens))
    print('Try c:kwic("word"), c:count("a phrase"), c:freq(); :help lists more, Tab completes, Ctrl-D leaves.')
  else
    print(("samtal %s: open a corpus with c = samtal.open(\"corpus\")"):format(samtal._VERSION))
    print(":help lists what there is, Tab completes, Ctrl-D leaves.")
  end
  local session = repl.session { env = _G, call = term and term.call, paths = paths }
  if term and term.interactive then
    local history = history_path()
    if history then term.load_history(history) end
    term.set_completer(function(line, start) return repl.readline_matches(line, start, session.env) end)
    local last
    while true do
      local line, why = term.readline(session:prompt())
      if line == nil and why == "interrupt" then
        session:reset()
      elseif line == nil then
        io.write("\n")
        break
      else
        if line:find("%S") and line ~= last then
          term.add_history(line, history)
          last = line
        end
        if not session:feed(line) then break end
      end
    end
  else
    while true do
      io.write(session:prompt())
      io.flush()
      local line = io.read("L")
      if not line then
        io.write("\n")
        break
      end
      if not session:feed(line) then break end
    end
  end
  return 0
end

return repl
