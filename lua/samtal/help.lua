--- samtal.help: the session's `:help`, read from the doc comments above the functions of
-- samtal's own Lua sources (the comments that start with `---`): the ones compiled into the
-- command (samtal.sources, which main.c preloads), or the files on package.path under plain Lua.
-- Help is the code's own comments, so it cannot drift from what the code does.
-- @module samtal.help
local help = {}

-- The modules whose functions have help, in the order a name is looked up in.
local MODULES = { "samtal", "samtal.stats", "samtal.quotes", "samtal.hits", "samtal.resulttable",
  "samtal.measures" }

-- How a method's receiver is written in help: `c:kwic`, `hits:sort`, `res:head`.
local RECEIVERS = { Corpus = "c", Hits = "hits", Counts = "counts", ResultTable = "res", Quote = "quote",
  Quotes = "quotes", Quotations = "quotations" }

-- Which entries come first when a short name has several (`:help count`): the corpus's own.
local RANK = { c = 1, samtal = 2, hits = 3, res = 4 }

-- Corpus methods written in C: they have no Lua doc comment; README.md documents them.
local C_METHODS = { "stats", "document", "token", "verify", "close", "attributes" }

--- The source text of a module: embedded in the command, or read from package.path.
local function source_of(modname)
  local ok, sources = pcall(require, "samtal.sources")
  if ok and type(sources) == "table" and sources[modname] then
    return sources[modname], "lua/" .. modname:gsub("%.", "/") .. (modname == "samtal" and "/init.lua" or ".lua")
  end
  local path = package.searchpath(modname, package.path)
  if not path then return nil end
  local f = io.open(path, "rb")
  if not f then return nil end
  local src = f:read("a")
  f:close()
  return src, path
end

--- The documented functions of one source: each {name, short, params, doc (lines), where}.
-- `name` is as a user writes it: `c:kwic`, `samtal.open`, `hits:sort`, `measures.keyness`.
function help.extract(src, where)
  local entries, block, lineno = {}, nil, 0
  for line in (src .. "\n"):gmatch("(.-)\r?\n") do
    lineno = lineno + 1
    local text = line:match("^%-%-%-%s?(.*)$")
    if text and not line:match("^%-%-%-%-") then
      block = { text }
    elseif block and line:match("^%-%-") then
      block[#block + 1] = line:match("^%-%-%s?(.*)$")
    else
      local owner, sep, fname, params = line:match("^function%s+([%a_][%w_]*)([.:])([%a_][%w_]*)%s*%((.-)%)")
      if block and owner and not fname:match("^__") then
        local name
        if sep == ":" then
          name = (RECEIVERS[owner] or owner:lower()) .. ":" .. fname
        elseif params:match("^c%s*,") or params == "c" then -- stats.freq(c, opts) is c:freq(opts)
          name = "c:" .. fname
          params = params:gsub("^c%s*,?%s*", "")
        else
          name = owner .. "." .. fname
        end
        entries[#entries + 1] = { name = name, short = fname, params = params, doc = block,
          where = where and (where .. ":" .. lineno) }
      end
      block = nil
    end
  end
  return entries
end

local index -- every entry of every module, the first of each name kept

local function entries()
  if index then return index end
  index = {}
  local seen = {}
  for _, modname in ipairs(MODULES) do
    local src, where = source_of(modname)
    if src then
      for _, e in ipairs(help.extract(src, where)) do
        if not seen[e.name] then -- Corpus:quotes in init.lua over quotes.quotes(c, ...)
          seen[e.name] = true
          index[#index + 1] = e
        end
      end
    end
  end
  return index
end

local function rank(e)
  return RANK[e.name:match("^[%a_]+")] or 5
end

--- The entries whose name is `topic` (`c:kwic`, `samtal.open`) or ends in it (`kwic`), best first.
function help.find(topic)
  local found = {}
  for _, e in ipairs(entries()) do
    if e.name == topic or e.short == topic then found[#found + 1] = e end
  end
  table.sort(found, function(a, b)
    if (a.name == topic) ~= (b.name == topic) then return a.name == topic end
    if rank(a) ~= rank(b) then return rank(a) < rank(b) end
    return a.name < b.name
  end)
  return found
end

--- The names of every documented function (for completing `:help NAME`).
function help.names()
  local names, seen = {}, {}
  for _, e in ipairs(entries()) do
    for _, n in ipairs { e.short, e.name } do
      if not seen[n] then
        seen[n] = true
        names[#names + 1] = n
      end
    end
  end
  table.sort(names)
  return names
end

local function signature(e)
  return ("%s(%s)"):format(e.name, e.params)
end

--- The first sentence of an entry's doc, cut to `width` characters.
local function summary(e, width)
  local s = e.doc[1]:gsub("^[%w_.:]+%b()%s*", ""):gsub("^`[^`]*`:?%s*", "")
  s = s:match("^(.-%.)%s") or s:match("^(.-%.)$") or s
  if utf8.len(s) and utf8.len(s) > width then s = s:sub(1, utf8.offset(s, width)) .. "…" end
  return s
end

--- The help of one topic: the doc of the best match, and the names of the others.
function help.topic(topic, corpus_methods)
  local found = help.find(topic)
  if #found == 0 then
    local short = topic:match("[%a_][%w_]*$") or topic
    if corpus_methods and type(corpus_methods[short]) == "function" then
      return ("c:%s is a corpus method written in C; README.md (Lua API) documents it."):format(short)
    end
    local near = {}
    for _, n in ipairs(help.names()) do
      if n:find(short, 1, true) and not n:find("[:.]") then near[#near + 1] = n end
    end
    return ("no help for %s%s"):format(topic,
      #near > 0 and ("; try " .. table.concat(near, ", ", 1, math.min(#near, 8))) or " (:help lists what there is)")
  end
  local e = found[1]
  local out = { signature(e) }
  for _, l in ipairs(e.doc) do out[#out + 1] = "  " .. l end
  if e.where then out[#out + 1] = "  (" .. e.where .. ")" end
  if #found > 1 then
    local others = {}
    for i = 2, #found do others[i - 1] = found[i].name end
    out[#out + 1] = "See also: " .. table.concat(others, ", ") .. " (:help NAME)"
  end
  return table.concat(out, "\n")
end

--- One line per documented function whose name starts with `receiver` (`c:`, `hits:`).
local function listing(receiver)
  local out = {}
  for _, e in ipairs(entries()) do
    if e.name:sub(1, #receiver) == receiver then
      local sig = signature(e)
      out[#out + 1] = "  " .. sig .. (" "):rep(math.max(1, 34 - utf8.len(sig))) .. summary(e, 60)
    end
  end
  return table.concat(out, "\n")
end

--- The names of the functions with receiver `receiver`, on one line.
local function names_of(receiver)
  local out = {}
  for _, e in ipairs(entries()) do
    if e.name:sub(1, #receiver) == receiver then out[#out + 1] = e.short end
  end
  return table.concat(out, ", ")
end

--- The overview: the corpus methods with their first sentence, the other results' methods,
-- the session's commands and keys.
function help.overview(version, corpus_methods)
  local c_methods = {}
  local documented = {}
  for _, e in ipairs(entries()) do documented[e.name] = true end
  for _, m in ipairs(C_METHODS) do
    if not documented["c:" .. m] and (not corpus_methods or type(corpus_methods[m]) == "function") then
      c_methods[#c_methods + 1] = m
    end
  end
  return table.concat({
    ("samtal %s: the corpus is c; samtal.open(path) opens another."):format(version or ""),
    "",
    "The corpus:",
    listing("samtal."),
    listing("c:"),
    "  in C (README.md documents them): " .. table.concat(c_methods, ", "),
    "",
    "Concordances (hits = c:kwic(...)): " .. names_of("hits:"),
    "Result tables (res = c:freq()): " .. names_of("res:"),
    "Quotes (c:quotes()): " .. names_of("quotes:") .. "; each quote: " .. names_of("quote:"),
    "Measures (require \"samtal.measures\"): " .. names_of("measures."),
    "",
    "Session:",
    "  :help NAME   the documentation of one function (:help kwic, :help hits:sort)",
    "  :load FILE   run a Lua file in the session",
    "  :save FILE   write the inputs that ran to a script that runs them again",
    "  :quit        leave (so does Ctrl-D)",
    "An expression prints its value, long ones cut (print(x) shows all of it). Tab completes",
    "names, methods (c:kw<Tab>), speakers and fields in strings; Up and Down recall earlier lines",
    "(kept in ~/.samtal_history); Ctrl-C stops a running query or clears the line.",
  }, "\n")
end

return help
