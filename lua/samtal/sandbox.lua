--- samtal.sandbox: runs a script from someone else:
-- `samtal --sandbox [--out DIR] [--timeout SECONDS] script.lua ARGS...`.
--
-- The script gets its own environment: no commands (os.execute, io.popen), no C code
-- (package.loadlib, require of anything but samtal's modules and lpeg), no binary chunks (load is
-- text only, string.dump is refused), no debug library but debug.traceback, no finalizers
-- (setmetatable refuses __gc) and no metatables of strings or userdata. It may read under the paths
-- named among its ARGS and under --out DIR, and write under --out DIR only.
--
-- Swapping the script's _ENV is not enough: samtal's own modules call the shared io.open,
-- samtal.core's open/listdir/filetype and the corpus methods save, export_vrt, export_json and
-- stretch_verify, and a script reaches those through samtal's API (hits:csv(path), c:save(path),
-- samtal.open(path), q:verify()). Any other C function in samtal.core or the corpus methods is refused until it is
-- classified below.
-- So while the script runs, those functions are replaced *in place*, in the shared tables, by
-- wrappers that check every path, and every table the script could change (samtal's modules, io,
-- os, string, package) is put back as it was afterwards. A path is checked after resolving it as
-- the kernel will: ".." and every symbolic link followed (`realpath -m`), so a link inside --out
-- that points outside is refused.
--
-- A refusal stops the script: its message goes to stderr, and run returns 3; pcall, xpcall and
-- coroutines in the script cannot catch it. os.exit(n) stops the script the same way and run returns n.
-- With a timeout, a count hook (on the script's thread and on every coroutine it creates) looks at
-- the clock every few thousand instructions, and a script still running after it is refused the same
-- way. A hook runs between Lua instructions only: a single C call that does not return (a string
-- pattern that backtracks for ever) is not stopped by it, which is why the command also arms a timer
-- that ends the process a little later (src/main.c).
-- @module samtal.sandbox
local sandbox = {}

-- What this module itself uses, taken before any script runs.
local type, next, pairs, ipairs, select, tostring, tonumber = type, next, pairs, ipairs, select, tostring, tonumber
local error, pcall, xpcall, assert = error, pcall, xpcall, assert
local rawget, rawset, rawlen, rawequal = rawget, rawset, rawlen, rawequal
local setmetatable, getmetatable, load, loadfile, collectgarbage = setmetatable, getmetatable, load, loadfile,
  collectgarbage
local print, warn = print, warn
local concat, unpack = table.concat, table.unpack
local sfind, ssub, sgsub, sgmatch, sbyte = string.find, string.sub, string.gsub, string.gmatch, string.byte
local mtointeger = math.tointeger
local dgetmetatable, dsetmetatable, dgetinfo, dtraceback = debug.getmetatable, debug.setmetatable, debug.getinfo,
  debug.traceback
local dsethook, dgethook = debug.sethook, debug.gethook
local co_resume, co_close, co_create, co_wrap = coroutine.resume, coroutine.close, coroutine.create, coroutine.wrap
local io, os, package, string, require = io, os, package, string, require

-- Exit statuses of run, besides the script's own os.exit(n).
local EXIT_ERROR, EXIT_USAGE, EXIT_REFUSED = 1, 2, 3
sandbox.EXIT_ERROR, sandbox.EXIT_USAGE, sandbox.EXIT_REFUSED = EXIT_ERROR, EXIT_USAGE, EXIT_REFUSED

--- What a script may require: samtal and its modules but these, and lpeg.
local DENIED_MODULES = { ["samtal.cli"] = true, ["samtal.repl"] = true, ["samtal.sandbox"] = true }
local function allowed_module(name)
  if name == "lpeg" or name == "samtal" then return true end
  return ssub(name, 1, 7) == "samtal." and not DENIED_MODULES[name]
end
-- Loaded before the run, so that nothing is looked up on package.path/cpath while the script runs
-- (package.preload adds the command's embedded modules). cjson.safe is for samtal.metadata only.
-- Besides these, every samtal.* module in package.preload or next to samtal's init.lua.
local PRELOAD = { "samtal", "samtal.core", "samtal.format", "samtal.hits", "samtal.query", "samtal.cql",
  "samtal.quotes", "samtal.stats", "samtal.measures", "samtal.resulttable", "samtal.plot", "samtal.metadata",
  "samtal.help", "samtal.export", "samtal.script", "lpeg" }
-- What samtal's modules require when called (samtal.script, samtal.metadata), not the script:
-- loaded if installed (never from the working directory).
local HOST_ONLY = { "argparse", "cjson.safe" }

--- samtal.core's C functions, and the corpus methods written in C: those that touch no file, and
-- those that open a path and are checked. Any other C function found there is refused while a
-- script runs (a new C entry point must be classified here first; spec/sandbox_spec.lua checks).
sandbox.CORE_SAFE = { segment = true, sentences = true, fold = true, collate_key = true, clock = true,
  isatty = true, diversity_of = true }
sandbox.CORE_CHECKED = { open = true, listdir = true, filetype = true }
-- for the sandbox's own use (resolving paths), refused to the script: they tell about any path
sandbox.CORE_REFUSED = { readlink = true, cwd = true }
sandbox.CORPUS_SAFE = {}
for name in sgmatch([[attributes attrset close collocate_counts collocate_rows context count diversity_counts
  diversity_of document eventset find fingerprint form_table forms formset formset_ids imported_meta keymap
  keyword_counts
  keymap_custom kwic_hits
  match_hit match_hits match_lines match_rows match_words match_permute check_matches speaker_turnset
  ngram_counts part_counts quotation_list speaker_list speaker_names speech_sentences stats tally_groups
  tally_keys token token_doc token_turn turn turn_columns turn_ids turnset turnset_of verify warnings
  set_aliases alias_rules
  saved_metadata]], "%S+") do
  sandbox.CORPUS_SAFE[name] = true
end
sandbox.CORPUS_CHECKED = { save_file = true, stretch_verify = true, export_vrt = true, export_json = true }

local function is_c(f)
  return type(f) == "function" and dgetinfo(f, "S").what == "C"
end

-- Paths ------------------------------------------------------------------------------------------

local function split(path)
  local parts = {}
  for name in sgmatch(path, "[^/]+") do parts[#parts + 1] = name end
  return parts
end

--- path made absolute against cwd, with "." and ".." worked out on the letters (no link followed).
local function lexical(path, cwd)
  local out = ssub(path, 1, 1) == "/" and {} or split(cwd)
  for _, name in ipairs(split(path)) do
    if name == ".." then
      out[#out] = nil
    elseif name ~= "." then
      out[#out + 1] = name
    end
  end
  return "/" .. concat(out, "/")
end
sandbox.lexical = lexical

local MAX_LINKS = 40

--- A resolver like `realpath -m` from readlink(path) (the target of a symbolic link; nil for
-- anything else; false plus a message when it cannot tell) and the working directory: every
-- component that is a link is replaced by its target, ".." then goes to the target's parent, and
-- components that do not exist are kept as written (so does a dangling link's target).
local function walker(readlink, cwd)
  return function(path)
    local done = ssub(path, 1, 1) == "/" and {} or split(cwd)
    local todo, i, links = split(path), 1, 0
    while i <= #todo do
      local name = todo[i]
      i = i + 1
      if name == ".." then
        done[#done] = nil
      elseif name ~= "." then
        local here = "/" .. concat(done, "/") .. (#done > 0 and "/" or "") .. name
        local target, err = readlink(here)
        if target == false then return nil, err end
        if target then
          links = links + 1
          if links > MAX_LINKS then return nil, "too many levels of symbolic links" end
          local rest = split(target)
          for j = i, #todo do rest[#rest + 1] = todo[j] end
          todo, i = rest, 1
          if ssub(target, 1, 1) == "/" then done = {} end
        else
          done[#done + 1] = name
        end
      end
    end
    return "/" .. concat(done, "/")
  end
end
sandbox.walker = walker

local function shell_quote(s)
  return "'" .. sgsub(s, "'", "'\\''") .. "'"
end

--- The ways to resolve paths, best first, each a function making {name, resolve_many, cwd} or nil:
-- samtal.core's readlink and cwd if the C core has them; LuaFileSystem if it is installed (outside the
-- current directory); `realpath -m -z` (GNU coreutils) run through io.popen.
local function many(resolve)
  return function(paths)
    local out = {}
    for i, p in ipairs(paths) do
      local r, err = resolve(p)
      if not r then return nil, ("%s: %s"):format(p, err) end
      out[i] = r
    end
    return out
  end
end

local backends = {}

function backends.core(core)
  if not (is_c(core.readlink) and is_c(core.cwd)) then return nil end
  local readlink, cwd = core.readlink, core.cwd()
  return { name = "core", cwd = cwd, resolve_many = many(walker(function(p)
    local ok, target = pcall(readlink, p)
    if not ok then return false, tostring(target) end
    return target
  end, cwd)) }
end

function backends.lfs()
  local found = package.searchpath("lfs", package.cpath)
  if not found or ssub(found, 1, 1) ~= "/" then return nil end -- never a lfs.so from the working directory
  local ok, lfs = pcall(require, "lfs")
  if not ok or type(lfs) ~= "table" or not lfs.symlinkattributes or not lfs.currentdir then return nil end
  local sattr, cwd = lfs.symlinkattributes, lfs.currentdir()
  if not cwd then return nil end
  return { name = "lfs", cwd = cwd, resolve_many = many(walker(function(p)
    local a = sattr(p)
    if not a or a.mode ~= "link" then return nil end
    if type(a.target) ~= "string" then return false, "cannot read the symbolic link " .. p end
    return a.target
  end, cwd)) }
end

function backends.realpath()
  local popen = io.popen
  local function resolve_many(paths)
    local out = {}
    for first = 1, #paths, 64 do
      local args = {}
      for i = first, math.min(first + 63, #paths) do args[#args + 1] = shell_quote(paths[i]) end
      local p = popen("realpath -m -z -- " .. concat(args, " ") .. " 2>/dev/null", "r")
      if not p then return nil, "cannot run realpath" end
      local text = p:read("a")
      local ok = p:close()
      local n = 0
      for r in sgmatch(text, "([^%z]*)%z") do
        n = n + 1
        out[first + n - 1] = r
      end
      if not ok or n ~= #args then return nil, "realpath (GNU coreutils) failed" end
    end
    return out
  end
  local cwd = resolve_many({ "." })
  if not cwd or not cwd[1] then return nil end
  return { name = "realpath", cwd = cwd[1], resolve_many = resolve_many }
end

sandbox.BACKENDS = { "core", "lfs", "realpath" }

--- The first way to resolve paths that works here, or the one named.
function sandbox.resolver(name)
  local core = require "samtal.core"
  for _, n in ipairs(sandbox.BACKENDS) do
    if name == nil or name == n then
      local b = backends[n](core)
      if b then return b end
    end
  end
  return nil
end

local function inside(path, root)
  return root == "/" or path == root or ssub(path, 1, #root + 1) == root .. "/"
end

-- Shared tables put back after the run -----------------------------------------------------------

--- Records the entries and metatable of t (and, when deep, of the tables in it), once.
local function snapshot(snap, t, deep, skip)
  if snap[t] or (skip and skip[t]) then return end
  local mt = dgetmetatable(t)
  if mt and rawget(mt, "__mode") then return end -- a weak cache: nothing to guard
  local entries = {}
  for k, v in next, t do entries[k] = v end
  snap[t] = { entries = entries, mt = mt }
  if deep then
    for _, v in next, entries do
      if type(v) == "table" then snapshot(snap, v, true, skip) end
    end
    if mt then snapshot(snap, mt, true, skip) end
  end
end

local function restore(snap)
  for t, s in next, snap do
    local keys = {}
    for k in next, t do keys[#keys + 1] = k end
    for _, k in ipairs(keys) do
      if s.entries[k] == nil then rawset(t, k, nil) end
    end
    for k, v in next, s.entries do
      if not rawequal(rawget(t, k), v) then rawset(t, k, v) end
    end
    if dgetmetatable(t) ~= s.mt then dsetmetatable(t, s.mt) end
  end
end

-- The run --------------------------------------------------------------------------------------

local running = false

--- A stop: raised by a refusal or os.exit, and raised again by the script's pcall, xpcall and
-- coroutine.resume, so that the script cannot go on.
local function new_stop()
  return setmetatable({}, { __tostring = function() return "samtal --sandbox: the script was stopped" end,
    __newindex = function() end, __metatable = false })
end

--- Runs the script at script_path with args (a list of strings: `arg[1..]` and `...`) in the
-- sandbox; opts.out names the only directory it may write to, opts.timeout the seconds it may
-- run (a number or a numeric string; no limit without it). Messages go to opts.stderr (a file
-- handle or anything with :write, io.stderr by default). Returns the exit status: 0, the script's
-- os.exit(n), 1 for an error in the script, 2 for a usage error, 3 when the sandbox refused something
-- (the timeout included).
function sandbox.run(script_path, args, opts)
  opts = opts or {}
  args = args or {}
  local errout = opts.stderr or io.stderr
  local function say(...)
    io.stdout:flush()
    errout:write("samtal --sandbox: ", ...)
    errout:write("\n")
  end
  if type(script_path) ~= "string" then
    say("a script (file name) is needed")
    return EXIT_USAGE
  end
  local timeout
  if opts.timeout ~= nil then
    timeout = tonumber(opts.timeout)
    if not timeout or timeout <= 0 or timeout ~= timeout or timeout == math.huge then
      say("--timeout needs a number of seconds greater than 0, not ", tostring(opts.timeout))
      return EXIT_USAGE
    end
  end
  if running then error("samtal.sandbox.run: a sandboxed script is already running", 2) end

  -- the script's text, read by the host
  local f, ferr = io.open(script_path, "rb")
  if not f then
    say("cannot open ", tostring(ferr))
    return EXIT_ERROR
  end
  local text = f:read("a")
  f:close()
  if ssub(text, 1, 3) == "\239\187\191" then text = ssub(text, 4) end
  if ssub(text, 1, 1) == "#" then text = "--" .. text end -- a #! line, as lua.c skips it
  if sbyte(text, 1) == 27 then
    say("refused: ", script_path, " is a binary (precompiled) chunk: the sandbox runs Lua source only")
    return EXIT_REFUSED
  end

  -- everything the script may require, and what samtal's modules require when called, loaded now:
  -- from package.preload (the command's embedded modules), from where samtal's own Lua files are,
  -- or from an absolute path, never from a file the working directory happens to hold
  local loaded, preload = package.loaded, package.preload
  local samtal_dir = not preload["samtal"] and package.searchpath("samtal", package.path)
  samtal_dir = samtal_dir and (sgsub(samtal_dir, "/[^/]*$", ""))
  local function host_require(name)
    if loaded[name] ~= nil then return end
    if preload[name] then
      pcall(require, name)
      return
    end
    local found = package.searchpath(name, package.path) or package.searchpath(name, package.cpath)
    if found and (ssub(found, 1, 1) == "/" or samtal_dir and ssub(found, 1, #samtal_dir + 1) == samtal_dir .. "/") then
      pcall(require, name)
    end
  end
  for name in next, preload do
    if type(name) == "string" and allowed_module(name) then host_require(name) end
  end
  for _, name in ipairs(PRELOAD) do host_require(name) end
  local core = loaded["samtal.core"]
  if samtal_dir and type(core) == "table" then -- the Lua files beside samtal's init.lua
    local ok, names = pcall(core.listdir, samtal_dir, ".lua")
    for _, file in ipairs(ok and names or {}) do
      local name = "samtal." .. sgsub(file, "%.lua$", "")
      if allowed_module(name) and name ~= "samtal.init" then host_require(name) end
    end
  end
  for _, name in ipairs(HOST_ONLY) do host_require(name) end
  local samtal = loaded["samtal"]
  if type(core) ~= "table" or type(samtal) ~= "table" then
    say("cannot load samtal")
    return EXIT_ERROR
  end
  local resolver = opts.resolver and sandbox.resolver(opts.resolver) or sandbox.resolver()
  if not resolver then
    say("cannot resolve paths here: samtal.core has no readlink, LuaFileSystem is not installed and ",
      "realpath (GNU coreutils) did not run")
    return EXIT_ERROR
  end
  local raw_filetype = core.filetype

  -- what the script may read and write
  local state = { stopped = false, active = true, files = setmetatable({}, { __mode = "k" }) }
  local cwd = resolver.cwd
  local roots, shown = {}, {}
  for i = 1, #args do
    local a = args[i]
    if type(a) ~= "string" then
      say("argument #", tostring(i), " is not a string")
      return EXIT_USAGE
    end
    if a ~= "" and not sfind(a, "\0", 1, true) then
      local kind = raw_filetype(a)
      if kind then
        local r = resolver.resolve_many({ a })
        if r then
          roots[#roots + 1] = { path = r[1], lexical = lexical(a, cwd), dir = kind == "directory" }
          shown[#shown + 1] = a
          -- a ParlaMint file comes with its speakers, "<stem>-meta.tsv": named with it if it is beside it
          local meta = ssub(a, -4) == ".txt" and ssub(a, 1, -5) .. "-meta.tsv"
          local m = kind == "file" and meta and raw_filetype(meta) == "file" and resolver.resolve_many({ meta })
          if m and sgsub(m[1], "/[^/]*$", "") == sgsub(r[1], "/[^/]*$", "") then
            roots[#roots + 1] = { path = m[1], lexical = lexical(meta, cwd), dir = false }
          end
        end
      end
    end
  end
  local out
  if opts.out ~= nil then
    if type(opts.out) ~= "string" or opts.out == "" or sfind(opts.out, "\0", 1, true) then
      say("--out needs a directory")
      return EXIT_USAGE
    end
    local kind, err = raw_filetype(opts.out)
    if kind ~= "directory" then
      say("--out ", opts.out, ": ", kind and "not a directory" or tostring(err))
      return EXIT_USAGE
    end
    local r, rerr = resolver.resolve_many({ opts.out })
    if not r then
      say("--out ", opts.out, ": ", tostring(rerr))
      return EXIT_USAGE
    end
    out = { path = r[1], lexical = lexical(opts.out, cwd), dir = true, shown = opts.out }
    roots[#roots + 1] = out
    shown[#shown + 1] = opts.out .. " (--out)"
  end
  local readable = #shown > 0 and ("readable: " .. concat(shown, ", ")) or "no paths were given"

  local STOP = new_stop()
  state.stop = STOP
  local chunkname = "@" .. script_path

  --- The line of the script that asked for what is refused, if it is on the stack.
  local function where()
    for level = 3, 250 do
      local info = dgetinfo(level, "Sl")
      if not info then break end
      if info.source == chunkname and info.currentline and info.currentline > 0 then
        return script_path .. ":" .. info.currentline
      end
    end
    return nil
  end

  --- Stops the script: the first refusal is the one reported.
  local function refuse(msg)
    if not state.stopped then
      state.stopped, state.message, state.where = "refused", msg, where()
    end
    error(STOP, 0)
  end
  local function refuser(msg)
    return function() refuse(msg) end
  end

  -- The timeout: a count hook, set on the script's thread before it runs and on each coroutine it
  -- creates (a hook set from Lua belongs to one thread), stops the script once the clock passes
  -- the deadline; after a refusal it goes on raising, so a loop in a __close handler stops too.
  local now = is_c(core.clock) and core.clock or os.clock -- monotonic wall time when samtal has it
  local HOOK_COUNT, deadline = 1000, nil
  local function timeout_hook()
    if state.active and deadline and now() > deadline then
      refuse(("the script ran longer than --timeout %g s"):format(timeout))
    end
  end
  local function hooked(body)
    if not timeout or type(body) ~= "function" then return body end
    return function(...)
      dsethook(timeout_hook, "", HOOK_COUNT)
      return body(...)
    end
  end

  --- Refuses unless every path may be read ("r") or written ("w"); what names the function.
  local function check(what, paths, mode)
    if not state.active then refuse(what .. ": the sandboxed run is over") end
    local given = {} -- not a string, or "": the function itself raises its error for it
    for _, p in ipairs(paths) do
      if type(p) == "string" and p ~= "" then
        if sfind(p, "\0", 1, true) then refuse(("%s: a path with a NUL byte"):format(what)) end
        given[#given + 1] = p
      end
    end
    paths = given
    if #paths == 0 then return end
    if mode == "w" and not out then
      refuse(("%s cannot write %s: no --out DIR was given, so the script may write no files"):format(what, paths[1]))
    end
    local resolved, err = resolver.resolve_many(paths)
    if not resolved then refuse(("%s: cannot resolve %s"):format(what, tostring(err))) end
    for i, r in ipairs(resolved) do
      local p, ok, lexically = paths[i], false, false
      local lex = lexical(p, cwd)
      if mode == "w" then
        ok = inside(r, out.path)
        lexically = inside(lex, out.lexical) or inside(lex, out.path)
      else
        for _, root in ipairs(roots) do
          if root.dir and inside(r, root.path) or r == root.path then ok = true break end
          if root.dir and (inside(lex, root.lexical) or inside(lex, root.path)) or lex == root.lexical then
            lexically = true
          end
        end
      end
      if not ok then
        local verb = mode == "w" and "write" or "read"
        local allowed = mode == "w" and ("--out DIR " .. out.shown)
          or ("the paths given to the script (" .. readable .. ")")
        if lexically then
          refuse(("%s cannot %s %s: it leads to %s, outside %s (through a symbolic link)")
            :format(what, verb, p, r, allowed))
        end
        refuse(("%s cannot %s %s: outside %s"):format(what, verb, p, allowed))
      end
    end
  end

  local function pathlike(p)
    if math.type(p) then return tostring(p) end -- io.open(42) opens "42", as C functions coerce
    return p
  end

  -- checking wrappers, put into the shared tables for the run and given to the script
  local raw = {
    io_open = io.open, io_lines = io.lines, io_input = io.input, io_output = io.output,
    os_remove = os.remove, os_rename = os.rename,
    core_open = core.open, core_listdir = core.listdir, core_filetype = core.filetype,
  }
  local Corpus = core.Corpus
  local raw_save, raw_verify, raw_turn, raw_export = Corpus.save_file, Corpus.stretch_verify, Corpus.turn,
    Corpus.export_vrt
  local raw_export_json = Corpus.export_json
  local saved_input, saved_output = io.input(), io.output()

  local function track(fh)
    if io.type(fh) == "file" then state.files[fh] = true end
    return fh
  end

  local w = {}
  function w.io_open(path, mode)
    local p = pathlike(path)
    local m = mode == nil and "r" or mode
    if type(p) ~= "string" or type(m) ~= "string" then return raw.io_open(path, mode) end
    local reading = ssub(m, 1, 1) == "r" and not sfind(m, "+", 1, true)
    check("io.open", { p }, reading and "r" or "w")
    local fh, err, code = raw.io_open(p, m)
    return track(fh), err, code
  end
  function w.io_lines(path, ...)
    if path == nil then return raw.io_lines(nil, ...) end
    local p = pathlike(path)
    if type(p) == "string" then check("io.lines", { p }, "r") end
    return raw.io_lines(p, ...)
  end
  function w.io_input(file)
    local p = pathlike(file)
    if type(p) ~= "string" then return raw.io_input(file) end
    check("io.input", { p }, "r")
    local fh = raw.io_input(p)
    return track(fh)
  end
  function w.io_output(file)
    local p = pathlike(file)
    if type(p) ~= "string" then return raw.io_output(file) end
    check("io.output", { p }, "w")
    local fh = raw.io_output(p)
    return track(fh)
  end
  function w.os_remove(path)
    local p = pathlike(path)
    if type(p) == "string" then check("os.remove", { p }, "w") end
    return raw.os_remove(p)
  end
  function w.os_rename(from, to)
    local a, b = pathlike(from), pathlike(to)
    if type(a) == "string" and type(b) == "string" then check("os.rename", { a, b }, "w") end
    return raw.os_rename(a, b)
  end
  function w.os_exit(code)
    if not state.stopped then
      local n
      if code == nil or code == true then
        n = 0
      elseif code == false then
        n = 1
      else
        n = tonumber(code)
        n = n and mtointeger(n)
        if not n then error("bad argument #1 to 'exit' (number has no integer representation)", 2) end
      end
      state.stopped, state.code = "exit", n
    end
    error(STOP, 0)
  end
  function w.core_open(paths, ...)
    if type(paths) ~= "table" then return raw.core_open(paths, ...) end
    -- read once: a table whose __index answers differently the second time gets nowhere
    local copy, reads = {}, {}
    local n = #paths
    for i = 1, n do
      local p = pathlike(paths[i])
      copy[i] = p
      if type(p) == "string" then
        reads[#reads + 1] = p
        -- the C core also reads a ParlaMint file's speakers from "<stem>-meta.tsv" beside it
        if ssub(p, -4) == ".txt" and not sfind(p, "\0", 1, true) then
          local meta = ssub(p, 1, -5) .. "-meta.tsv"
          if raw.core_filetype(meta) then reads[#reads + 1] = meta end
        end
      end
    end
    check("samtal.open", reads, "r")
    return raw.core_open(copy, ...)
  end
  function w.core_listdir(path, ...)
    local p = pathlike(path)
    if type(p) == "string" then check("samtal.open", { p }, "r") end
    return raw.core_listdir(p, ...)
  end
  function w.core_filetype(path, ...)
    local p = pathlike(path)
    if type(p) == "string" then check("samtal.open", { p }, "r") end
    return raw.core_filetype(p, ...)
  end
  function w.save_file(c, path, ...)
    if type(path) == "string" then check("c:save", { path }, "w") end
    return raw_save(c, path, ...)
  end
  function w.export_vrt(c, path, ...) -- writes path .. ".part", then renames it to path
    local p = pathlike(path)
    if type(p) == "string" then check("c:export_vrt", { p, p .. ".part" }, "w") end
    return raw_export(c, p, ...)
  end
  function w.export_json(c, path, ...) -- the same
    local p = pathlike(path)
    if type(p) == "string" then check("c:export_json", { p, p .. ".part" }, "w") end
    return raw_export_json(c, p, ...)
  end
  function w.stretch_verify(c, first, ...)
    if not is_c(raw_turn) then refuse("verify: checking a quote against its source is not available here") end
    local ok, turn = pcall(raw_turn, c, first)
    if ok and type(turn) == "table" and type(turn.path) == "string" then check("verify", { turn.path }, "r") end
    return raw_verify(c, first, ...)
  end

  -- the script's environment
  local env = {}
  env._G, env._VERSION = env, _VERSION
  for k, v in pairs({ assert = assert, error = error, ipairs = ipairs, next = next, pairs = pairs, print = print,
    rawequal = rawequal, rawget = rawget, rawlen = rawlen, rawset = rawset, select = select, tonumber = tonumber,
    tostring = tostring, type = type, warn = warn }) do
    env[k] = v
  end
  local function copy(t)
    local c = {}
    for k, v in next, t do c[k] = v end
    return c
  end
  env.string = copy(string)
  env.string.dump = refuser("string.dump is not allowed: the sandbox has no binary chunks")
  env.table, env.math, env.utf8 = copy(table), copy(math), copy(utf8)

  --- After a protected call of the script's: a stop goes on up.
  local function after(...)
    if state.stopped then error(STOP, 0) end
    return ...
  end
  function env.pcall(fn, ...)
    return after(pcall(fn, ...))
  end
  function env.xpcall(fn, handler, ...)
    if type(handler) ~= "function" then return after(xpcall(fn, handler, ...)) end
    return after(xpcall(fn, function(e)
      if state.stopped then return e end
      return handler(e)
    end, ...))
  end
  env.coroutine = copy(coroutine)
  function env.coroutine.resume(co, ...)
    return after(co_resume(co, ...))
  end
  function env.coroutine.close(co)
    return after(co_close(co))
  end
  function env.coroutine.create(body)
    return co_create(hooked(body))
  end
  function env.coroutine.wrap(body)
    return co_wrap(hooked(body))
  end

  local own_mts = setmetatable({}, { __mode = "k" }) -- the metatables the script set itself
  function env.getmetatable(v)
    if type(v) ~= "table" then return nil end -- a string's or a userdata's metatable is samtal's, not the script's
    local mt = getmetatable(v)
    if type(mt) == "table" and not own_mts[mt] then
      snapshot(state.snap, mt, true, state.skip) -- one of samtal's: put back as it is after the run
    end
    return mt
  end
  function env.setmetatable(t, mt)
    if type(mt) == "table" then
      if rawget(mt, "__gc") ~= nil then
        refuse("setmetatable with a __gc field is not allowed: a finalizer could run after the script ends")
      end
      own_mts[mt] = true
    end
    return setmetatable(t, mt)
  end
  local GC_OPTIONS = { collect = true, count = true, step = true, isrunning = true }
  function env.collectgarbage(option, ...)
    if option ~= nil and not GC_OPTIONS[option] then
      refuse(("collectgarbage(%q) is not allowed in the sandbox"):format(tostring(option)))
    end
    return collectgarbage(option, ...)
  end

  local function binary_refused(what)
    refuse(what .. " of a binary chunk is not allowed: the sandbox loads Lua source text only")
  end
  function env.load(chunk, name, _, ...)
    if type(chunk) == "string" and sbyte(chunk, 1) == 27 then binary_refused("load") end
    local fn, err
    if select("#", ...) > 0 then
      fn, err = load(chunk, name, "t", (...))
    else
      fn, err = load(chunk, name, "t", env)
    end
    if not fn and type(err) == "string" and sfind(err, "attempt to load a binary chunk", 1, true) then
      binary_refused("load")
    end
    return fn, err
  end
  function env.loadfile(path, _, ...)
    local p = pathlike(path)
    if p ~= nil then
      if type(p) ~= "string" then error("bad argument #1 to 'loadfile' (string expected, got " .. type(p) .. ")", 2) end
      check("loadfile", { p }, "r")
    end
    local fn, err
    if select("#", ...) > 0 then
      fn, err = loadfile(p, "t", (...))
    else
      fn, err = loadfile(p, "t", env)
    end
    if not fn and type(err) == "string" and sfind(err, "attempt to load a binary chunk", 1, true) then
      binary_refused("loadfile")
    end
    return fn, err
  end
  function env.dofile(path)
    local fn, err = env.loadfile(path)
    if not fn then error(err, 0) end
    return fn()
  end
  function env.require(name)
    if type(name) ~= "string" then
      error("bad argument #1 to 'require' (string expected, got " .. type(name) .. ")", 2)
    end
    if allowed_module(name) and loaded[name] ~= nil then return loaded[name] end
    refuse(("require %q is not allowed: a sandboxed script requires samtal's modules and lpeg only"):format(name))
  end
  env.package = { path = "", cpath = "", config = package.config, preload = {}, searchers = {}, loaded = {},
    loadlib = refuser("package.loadlib is not allowed: the sandbox loads no C code"),
    searchpath = refuser("package.searchpath is not allowed in the sandbox") }
  for name, m in pairs(loaded) do
    if type(name) == "string" and allowed_module(name) then env.package.loaded[name] = m end
  end
  env.debug = setmetatable({ traceback = dtraceback }, { __metatable = false, __index = function(_, k)
    refuse(("debug.%s is not allowed: the sandbox has no debug library (only debug.traceback)"):format(tostring(k)))
  end })

  local no_commands = "the sandbox runs no commands"
  local no_temp = "the sandbox creates no temporary files (write into --out DIR)"
  env.io = { write = io.write, read = io.read, close = io.close, flush = io.flush, type = io.type,
    stdin = io.stdin, stdout = io.stdout, stderr = io.stderr,
    open = w.io_open, lines = w.io_lines, input = w.io_input, output = w.io_output,
    popen = refuser("io.popen is not allowed: " .. no_commands),
    tmpfile = refuser("io.tmpfile is not allowed: " .. no_temp) }
  env.os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime,
    -- the environment can hold tokens and passwords of whoever runs the script: it reads as empty
    getenv = function(name)
      if type(name) ~= "string" then error("bad argument #1 to 'getenv' (string expected)", 2) end
      return nil
    end,
    exit = w.os_exit, remove = w.os_remove, rename = w.os_rename,
    execute = refuser("os.execute is not allowed: " .. no_commands),
    tmpname = refuser("os.tmpname is not allowed: " .. no_temp),
    setlocale = function(locale, ...)
      if locale ~= nil then refuse("os.setlocale is not allowed to change the locale in the sandbox") end
      return os.setlocale(nil, ...)
    end }
  env.samtal = samtal
  local argt = { [0] = script_path }
  for i = 1, #args do argt[i] = args[i] end
  env.arg = argt

  local chunk, lerr = load(text, chunkname, "t", env)
  if not chunk then
    say(tostring(lerr))
    return EXIT_ERROR
  end

  -- the shared tables: recorded, then patched
  local snap = {}
  state.snap = snap
  state.skip = { [_G] = true, [loaded] = true, [package.preload] = true }
  snapshot(snap, io, false)
  snapshot(snap, os, false)
  snapshot(snap, package, false)
  snapshot(snap, string, false)
  snapshot(snap, coroutine, false)
  for name, m in pairs(loaded) do
    if type(name) == "string" and allowed_module(name) and type(m) == "table" then
      snapshot(snap, m, true, state.skip)
    end
  end
  snapshot(snap, core, true, state.skip)
  snapshot(snap, Corpus, true, state.skip)

  local patches = {
    { io, "open", w.io_open }, { io, "lines", w.io_lines }, { io, "input", w.io_input },
    { io, "output", w.io_output }, { io, "popen", env.io.popen }, { io, "tmpfile", env.io.tmpfile },
    { os, "execute", env.os.execute }, { os, "remove", w.os_remove }, { os, "rename", w.os_rename },
    { os, "tmpname", env.os.tmpname }, { os, "exit", w.os_exit },
    { package, "loadlib", env.package.loadlib }, { package, "path", "" }, { package, "cpath", "" },
    { string, "dump", env.string.dump },
    { core, "open", w.core_open }, { core, "listdir", w.core_listdir }, { core, "filetype", w.core_filetype },
  }
  for name in pairs(sandbox.CORPUS_CHECKED) do
    if Corpus[name] ~= nil then patches[#patches + 1] = { Corpus, name, w[name] } end
  end
  for name, v in pairs(core) do
    if is_c(v) and not sandbox.CORE_SAFE[name] and not sandbox.CORE_CHECKED[name] then
      patches[#patches + 1] = { core, name, refuser(("samtal.core.%s is not available in the sandbox"):format(name)) }
    end
  end
  for name, v in pairs(Corpus) do
    if is_c(v) and not sandbox.CORPUS_SAFE[name] and not sandbox.CORPUS_CHECKED[name] then
      patches[#patches + 1] = { Corpus, name, refuser(("c:%s is not available in the sandbox"):format(name)) }
    end
  end

  running = true
  for _, p in ipairs(patches) do rawset(p[1], p[2], p[3]) end
  local host_arg = rawget(_G, "arg") -- samtal.script reads the global arg: the script's, for the run
  local arg_copy = {}
  for k, v in pairs(argt) do arg_copy[k] = v end
  rawset(_G, "arg", arg_copy)

  local function handler(e)
    if state.stopped or rawequal(e, STOP) then return STOP end
    local msg
    if type(e) == "string" then
      msg = e
    else
      local ok, s = pcall(tostring, e)
      msg = ok and type(s) == "string" and s or ("(error object is a %s value)"):format(type(e))
    end
    return dtraceback(msg, 2)
  end
  local host_hook, host_mask, host_count = dgethook()
  if timeout then
    deadline = now() + timeout
    dsethook(timeout_hook, "", HOOK_COUNT)
  end
  local ok, err = xpcall(chunk, handler, unpack(argt, 1, #args))

  -- after the run: no more checks pass, the script's files are closed, the shared tables put back
  state.active = false
  if timeout then
    if type(host_hook) == "function" then
      dsethook(host_hook, host_mask, host_count)
    else
      dsethook()
    end
  end
  for fh in pairs(state.files) do
    if io.type(fh) == "file" and fh ~= saved_input and fh ~= saved_output then pcall(fh.close, fh) end
  end
  restore(snap)
  rawset(_G, "arg", host_arg)
  pcall(io.input, saved_input)
  pcall(io.output, saved_output)
  running = false
  io.stdout:flush()

  if state.stopped == "refused" then
    say("refused: ", state.message, state.where and (" (" .. state.where .. ")") or "")
    return EXIT_REFUSED
  elseif state.stopped == "exit" then
    return state.code
  elseif not ok then
    local lines = {}
    for line in sgmatch(tostring(err) .. "\n", "(.-)\n") do
      if not (sfind(line, "sandbox.lua", 1, true) or sfind(line, "in function 'xpcall'", 1, true)
          or line == "\t[C]: in ?") then
        lines[#lines + 1] = line
      end
    end
    say(concat(lines, "\n"))
    return EXIT_ERROR
  end
  return 0
end

return sandbox
