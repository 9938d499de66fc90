--- samtal.script: the head of a shareable script, and what its outputs carry.
--
-- A script in scripts/ starts with one declaration:
--
--     local args = samtal.script {
--       name = "freq", description = "A frequency list of the corpus.",
--       options = { { "--min", "the lowest frequency kept", type = "integer", default = 1 } },
--       format = true, corpus = true,
--       fingerprint = "076650112881b245", -- optional: the corpus the script was written for
--     }
--     args:print(args.corpus:freq { min = args.min })
--
-- It parses the script's `arg` with Debian's lua-argparse, so `--help` prints the usage and the
-- options and exits 0, and a bad argument prints what is wrong and the usage and exits 2 (the
-- status samtal's commands give for bad usage). It opens the corpus from the PATH arguments
-- (exit 2 with the message if that fails) and warns on stderr when the corpus is not the one the
-- script declares. It returns the parsed arguments (options and arguments by name, `corpus`,
-- `format`) with three methods: `args:print(result)`, `args:fail(message)`, `args:warn(message)`.
--
-- Provenance. A table shared without its corpus should say which corpus it came from, and from
-- which samtal. CSV, TSV and JSON written with `{provenance = corpus}` (every result type takes
-- it: `res:csv{provenance = c}`, `hits:json("out.json", {provenance = true})`) carry samtal's
-- version and the corpus fingerprint, in a way that keeps each file valid for any reader:
--   - JSON: the array becomes `{"samtal": "0.1.0", "fingerprint": "…", "rows": [...]}`;
--   - CSV and TSV: two last columns, `samtal` and `fingerprint`, the same on every row. A comment
--     line (`# samtal 0.1.0 …`) is no RFC 4180 and breaks csvkit, pandas and samtal's own
--     reference lists; columns survive sort, grep, head, concatenation and any CSV reader.
-- Scripts write JSON with provenance always (the object is the JSON of a shareable script) and
-- CSV and TSV with it on `--provenance` only, so that their plain CSV stays what it was.
-- Without the option the library's outputs are unchanged: a plain array, plain columns.
-- @module samtal.script
local script = {}

local FORMATS = { "text", "csv", "tsv", "json" }
-- names of the parsed-arguments table that the declaration itself uses
local RESERVED = { corpus = true, format = true, provenance = true, paths = true, print = true, fail = true,
  warn = true }

-- Provenance ---------------------------------------------------------------------------------

--- The provenance a file carries, from what a caller gave as `provenance`: a samtal.Corpus (its
-- fingerprint and samtal's version), a table `{samtal = ..., fingerprint = ...}` as it is, or
-- `true` for `own` (the corpus a result knows; nil if it knows none). nil or false: none.
-- Raises on anything else, naming `fname`, at `level` (default 2: the caller of provenance).
function script.provenance(v, fname, own, level)
  level = level or 2
  if v == nil or v == false then return nil end
  if v == true then
    if own == nil then
      error(("%s: provenance = true needs a result that knows its corpus; give the corpus: {provenance = c}")
        :format(fname), level)
    end
    v = own
  end
  local mt = getmetatable(v)
  if type(v) == "userdata" and type(mt) == "table" and mt.__name == "samtal.Corpus" then
    return { samtal = require("samtal")._VERSION, fingerprint = v:fingerprint() }
  end
  if type(v) == "table" and mt == nil and type(v.samtal) == "string" and type(v.fingerprint) == "string" then
    return v
  end
  error(("%s: provenance must be a samtal.Corpus, true or {samtal = ..., fingerprint = ...}, not %s")
    :format(fname, type(v)), level)
end

--- The arguments of an output method called as m([path] [, opts]) or m(opts), where opts holds
-- `provenance` only: returns the path and the resolved provenance (or nil). `own` is the corpus
-- the result knows, if any. Raises at the caller of the method.
function script.output_args(fname, path, opts, own)
  if type(path) == "table" and opts == nil then path, opts = nil, path end
  if opts ~= nil then
    if type(opts) ~= "table" then
      error(("bad argument #2 to '%s' (options table expected, got %s)"):format(fname, type(opts)), 3)
    end
    for k in pairs(opts) do
      if k ~= "provenance" then error(("%s: unknown option '%s' (known: provenance)"):format(fname, tostring(k)), 3) end
    end
  end
  return path, script.provenance(opts and opts.provenance, fname, own, 4)
end

--- JSON: an array's text ("[...]\n") wrapped in the provenance object, or as it is without one.
function script.json(array_text, prov)
  if not prov then return array_text end
  local format = require "samtal.format"
  return '{"samtal":' .. format.json_string(prov.samtal) .. ',"fingerprint":' .. format.json_string(prov.fingerprint)
    .. ',"rows":' .. array_text:gsub("\n$", "") .. "}\n"
end

--- CSV and TSV: the suffix of the header line and the suffix of every row (fields written by
-- `field`, joined by `sep`), or two empty strings without provenance.
function script.columns(prov, field, sep)
  if not prov then return "", "" end
  return sep .. "samtal" .. sep .. "fingerprint", sep .. field(prov.samtal) .. sep .. field(prov.fingerprint)
end

-- The declaration ------------------------------------------------------------------------------

local function declaration_error(msg)
  error("samtal.script: " .. msg, 3)
end

--- A converter for argparse: the value of `label` as `kind` ("integer", "number", "list"), with a
-- lower bound `min`; nil and a message naming the option when the text is not one.
local function converter(label, kind, min)
  if kind == "string" or kind == "flag" then return nil end
  return function(s)
    if kind == "list" then
      local out = {}
      for item in s:gmatch("[^,]+") do out[#out + 1] = item end
      return out
    end
    local n = tonumber(s)
    if kind == "integer" then n = n and math.tointeger(n) end
    if not n or (min and n < min) then
      local what = kind == "integer" and "a whole number" or "a number"
      return nil, ("%s needs %s%s, not '%s'"):format(label, what, min and (" (%s or more)"):format(min) or "", s)
    end
    return n
  end
end

local KINDS = { string = true, integer = true, number = true, list = true, flag = true }

--- Checks one declared argument or option and adds it to the parser.
local function declare(parser, d, i, what, targets)
  if type(d) ~= "table" or type(d[1]) ~= "string" then
    declaration_error(("%s %d: a table {name, description, ...} expected"):format(what, i))
  end
  local kind = d.type or "string"
  if not KINDS[kind] or (kind == "flag" and what == "argument") then
    declaration_error(("%s %s: unknown type '%s'"):format(what, d[1], tostring(kind)))
  end
  local el
  if what == "option" then
    if not d[1]:match("^%-") then declaration_error(("option %s: the name must start with -"):format(d[1])) end
    el = kind == "flag" and parser:flag(d[1], d[2]) or parser:option(d[1], d[2])
  else
    el = parser:argument(d[1], d[2])
    if d.many then el:args(d.optional and "*" or "+") elseif d.optional then el:args("?") end
  end
  local long = d[1]:match("%-%-([%w%-_]+)") or d[1]:match("^%-?([%w_]+)") or d[1]
  local target = (d.target or long):gsub("%-", "_")
  if RESERVED[target] then
    declaration_error(("%s %s: the name '%s' is samtal.script's own"):format(what, d[1], target))
  end
  if targets[target] then declaration_error(("%s %s: the name '%s' is taken"):format(what, d[1], target)) end
  targets[target] = { kind = kind, default = d.default }
  el:target(target)
  if d.argname then el:argname(d.argname) end
  if d.choices then el:choices(d.choices) end
  local convert = converter(what == "option" and d[1]:match("%-%-[%w%-_]+") or d[1], kind, d.min)
  if convert then el:convert(convert) end
  -- argparse shows and converts a default given as text; lists and others are filled in later
  if d.default ~= nil and kind ~= "flag" and type(d.default) ~= "table" then el:default(tostring(d.default)) end
  if d.hidden then el:hidden(true) end
end

local Args = {}
Args.__index = Args
Args.__name = "samtal.ScriptArgs"
local name_of = setmetatable({}, { __mode = "k" }) -- parsed arguments -> the script's name

--- Writes `message` to stderr, prefixed with the script's name, and exits with status 2 (bad
-- usage or input). A Lua position ("stats.lua:107: ") in front of a caught error's message is
-- left out: it names samtal's code, not the user's mistake.
function Args:fail(message)
  message = tostring(message):gsub("^[^\n:]*%.lua:%d+: ", "")
  io.stderr:write(name_of[self] or "script", ": ", message, "\n")
  os.exit(2)
end

--- Writes `message` to stderr as a warning; the script goes on.
function Args:warn(message)
  io.stderr:write(name_of[self] or "script", ": warning: ", tostring(message), "\n")
end

--- Writes a result to stdout in the format asked for: a result table, Hits,
-- quotes or anything with csv/tsv/json/markdown methods, as `--format` says; text is the aligned table (every row),
-- the concordance (coloured on a terminal unless NO_COLOR is set) or tostring. With a corpus
-- (`corpus = true`), JSON carries the provenance always, CSV and TSV with `--provenance`.
function Args:print(result)
  local fmt = self.format or "text"
  local rt = require "samtal.resulttable"
  local out
  if type(result) == "string" then
    out = result
  elseif fmt == "text" then
    local mt = getmetatable(result)
    if rt.is(result) then
      out = result:text(math.huge) .. "\n"
    elseif mt and mt.__name == "samtal.Hits" then
      local core = require "samtal.core"
      out = result:text { color = core.isatty(1) and not os.getenv("NO_COLOR") } .. "\n"
    else
      out = tostring(result) .. "\n"
    end
  else
    local method = type(result) == "table" and result[fmt]
    if type(method) ~= "function" then self:fail(("cannot write this result as %s"):format(fmt)) end
    local prov = nil
    if self.corpus and (fmt == "json" or ((fmt == "csv" or fmt == "tsv") and self.provenance)) then
      prov = self.corpus
    end
    -- without provenance, as any result's method is called (Counts:csv takes no options)
    if prov then out = method(result, { provenance = prov }) else out = method(result) end
  end
  io.write(out)
end

--- The fingerprints a declaration accepts: a string or a list of them, 16 hex digits each.
local function expected_fingerprints(v)
  if v == nil then return nil end
  local list = type(v) == "table" and v or { v }
  for _, fp in ipairs(list) do
    if type(fp) ~= "string" or not fp:match("^%x+$") or #fp ~= 16 then
      declaration_error(("fingerprint must be 16 hex digits as c:fingerprint() gives them, not %s")
        :format(tostring(fp)))
    end
  end
  return list
end

--- samtal.script(spec [, argv]): parses argv (default: the global `arg`) as spec declares, opens
-- the corpus, checks its fingerprint; returns the parsed arguments. Exits 0 after --help and 2
-- on bad usage or a corpus that does not open. spec:
--   name         the script's name in messages ("freq")
--   description  what it does, shown by --help; `epilog` is shown below the options
--   usage        the usage line, if the generated one will not do
--   args         positional arguments, in order: {"query", "a word or phrase", type = ..., many = true,
--                optional = true, default = ..., choices = {...}}
--   options      {"--width", "words on each side", type = "integer", min = 0, default = 6, argname = "N"};
--                name "-w --width" for a short form too; type "flag" takes no value
--                types: "string" (default), "integer", "number", "list" (comma-separated), "flag"
--   format       true: --format text|csv|tsv|json (and --provenance); or a list of formats,
--                the first the default ({"markdown", "csv", "json"})
--   corpus       true, or a table of samtal.open options: a last argument PATH... opened as
--                args.corpus
--   fingerprint  the corpus the script was written for (a string or a list): another gives a
--                warning on stderr, not an error
function script.run(spec, argv)
  if type(spec) ~= "table" then declaration_error("a table {name = ..., ...} expected") end
  if type(spec.name) ~= "string" or spec.name == "" then declaration_error("name must be a string") end
  local expected = expected_fingerprints(spec.fingerprint)
  argv = argv or _G.arg or {}
  local found, argparse = pcall(require, "argparse")
  if not found then error("samtal.script needs lua-argparse (Debian: apt install lua-argparse): " .. argparse, 2) end
  local prog = "samtal " .. (argv[0] or ("scripts/" .. spec.name .. ".lua"))
  local parser = argparse(prog, spec.description):usage_max_width(100):help_max_width(100)
  if spec.epilog then parser:epilog(spec.epilog) end
  local targets = {}
  for i, d in ipairs(spec.args or {}) do declare(parser, d, i, "argument", targets) end
  for i, d in ipairs(spec.options or {}) do declare(parser, d, i, "option", targets) end
  local formats = spec.format == true and FORMATS or spec.format
  if formats then
    if type(formats) ~= "table" or #formats == 0 then declaration_error("format must be true or a list of formats") end
    parser:option("--format", "output format"):choices(formats):default(formats[1]):target("format")
    local delimited = false
    for _, f in ipairs(formats) do delimited = delimited or f == "csv" or f == "tsv" end
    if delimited then
      parser:flag("--provenance", "CSV and TSV: add the columns samtal (version) and fingerprint "
        .. "(of the corpus) to every row; JSON always carries them"):target("provenance")
    end
  end
  if spec.corpus then
    parser:argument("path", "transcripts: files, directories (their *.txt) or a saved .samtal")
      :args("+"):argname("PATH"):target("paths")
  end
  parser:usage(spec.usage or (parser:get_usage():gsub("^Usage:", "usage:")))

  local list = {}
  for i = 1, #argv do list[i] = argv[i] end
  local ok, parsed = parser:pparse(list)
  local args = setmetatable(ok and parsed or {}, Args)
  name_of[args] = spec.name
  if not ok then
    io.stderr:write(spec.name, ": ", parsed, "\n", parser:get_usage(), "\n(", prog, " --help tells more)\n")
    os.exit(2)
  end
  if formats and args.provenance == nil then args.provenance = false end
  for target, t in pairs(targets) do
    if args[target] == nil then
      if t.kind == "flag" then args[target] = false
      elseif type(t.default) == "table" then args[target] = t.default end
    end
  end
  if spec.corpus then
    local samtal = require "samtal"
    local opened, c = pcall(samtal.open, args.paths, type(spec.corpus) == "table" and spec.corpus or nil)
    if not opened then args:fail(c) end
    args.corpus = c
    if expected then
      local fp, known = c:fingerprint(), false
      for _, e in ipairs(expected) do known = known or e:lower() == fp end
      if not known then
        args:warn(("this script was written for the corpus with fingerprint %s, and this one has %s "
          .. "(other transcripts or other load options): its results may differ")
          :format(table.concat(expected, " or "), fp))
      end
    end
  end
  return args
end

return setmetatable(script, { __call = function(_, spec, argv) return script.run(spec, argv) end })
