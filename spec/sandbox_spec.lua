-- samtal --sandbox: a hostile script is refused (status 3, a message naming what and where) for every
-- way out we know of, directly and through samtal's API; an honest one reads its corpus and writes
-- into --out; after an in-process run the host's io, os, package, string and samtal are as before.
local h = require "helpers"
local sandbox = require "samtal.sandbox"
local samtal = require "samtal"
local core = require "samtal.core"

local samtal_cmd = "build/bin/samtal"

--- A fresh directory; removed by the after_each of its describe.
local dirs = {}
local function tempdir()
  local base = h.tmpname()
  os.remove(base)
  assert(os.execute("mkdir -p " .. h.q(base)))
  dirs[#dirs + 1] = base
  return base
end
local function cleanup()
  for _, d in ipairs(dirs) do os.execute("rm -rf " .. h.q(d)) end
  dirs = {}
  h.cleanup()
end

local function exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

--- Runs code as a sandboxed script through the command: stdout, stderr, status.
local function sandboxed(code, args, out)
  local script = h.tempfile(code, ".lua")
  local cmd = samtal_cmd .. " --sandbox" .. (out and (" --out " .. h.q(out)) or "") .. " " .. h.q(script)
  for _, a in ipairs(args or {}) do cmd = cmd .. " " .. h.q(a) end
  return h.run(cmd)
end

--- Asserts that code is refused with status 3 and a message containing each of `says`.
local function refused(code, says, args, out)
  local stdout, err, status = sandboxed(code, args or { "corpus" }, out)
  assert.are.equal(3, status, "status for: " .. code .. "\n" .. err)
  assert.truthy(err:find("samtal --sandbox: refused: ", 1, true), err)
  for _, s in ipairs(type(says) == "table" and says or { says }) do
    assert.truthy(err:find(s, 1, true), ("expected %q in %q"):format(s, err))
  end
  assert.truthy(err:find("%.lua:%d+%)\n$"), "the message names the script's line: " .. err)
  return stdout, err
end

--- Runs code in-process with sandbox.run; returns the status and what it wrote to stderr.
local function run_here(code, args, opts)
  local script = h.tempfile(code, ".lua")
  local msgs = {}
  opts = opts or {}
  opts.stderr = { write = function(_, ...) for _, s in ipairs({ ... }) do msgs[#msgs + 1] = s end end }
  local status = sandbox.run(script, args or {}, opts)
  return status, table.concat(msgs)
end

describe("samtal --sandbox, an honest script", function()
  after_each(cleanup)

  it("reads the corpus it is given, runs kwic and freq, writes CSV into --out and prints", function()
    local out = tempdir()
    local stdout, err, status = sandboxed([[
      local corpus, out = ...
      local c = samtal.open(corpus)
      local hits = c:kwic("nära vård")
      hits:csv(out .. "/hits.csv")
      local res = c:freq()
      res:csv(out .. "/freq.csv")
      local n = 0
      for _ in io.lines(out .. "/hits.csv") do n = n + 1 end
      print(#hits, n - 1, arg[0] ~= nil, os.getenv("HOME"))
    ]], { "corpus", out }, out)
    assert.are.equal("", err)
    assert.are.equal(0, status)
    local want = samtal.open("corpus"):count("nära vård")
    assert.truthy(want > 10)
    assert.are.equal(("%d\t%d\ttrue\tnil\n"):format(want, want), stdout)
    assert.truthy(h.read(out .. "/freq.csv"):find("^rank,"))
  end)

  it("may write, rename and remove files inside --out, read them back, and use io.output there", function()
    local out = tempdir()
    local stdout, err, status = sandboxed([[
      local out = ...
      local f = assert(io.open(out .. "/a.txt", "w"))
      f:write("hej")
      f:close()
      assert(os.rename(out .. "/a.txt", out .. "/b.txt"))
      print(io.open(out .. "/b.txt"):read("a"))
      assert(os.remove(out .. "/b.txt"))
      io.output(out .. "/c.txt")
      io.write("via io.output\n")
      print(io.open(out .. "/nothing.txt") == nil)
    ]], { out }, out)
    assert.are.equal("", err)
    assert.are.equal(0, status)
    assert.are.equal("hej\ntrue\n", stdout)
    assert.is_false(exists(out .. "/b.txt"))
    assert.are.equal("via io.output\n", h.read(out .. "/c.txt"))
  end)

  it("turns os.exit into the exit status after its files are written, even from pcall or a coroutine", function()
    local out = tempdir()
    local _, _, status = sandboxed([[
      local f = io.open(... .. "/part.txt", "w")
      f:write("partial")
      os.exit(4)
    ]], { out }, out)
    assert.are.equal(4, status)
    assert.are.equal("partial", h.read(out .. "/part.txt"))
    local stdout
    stdout, _, status = sandboxed('pcall(os.exit, 5) print("went on")')
    assert.are.equal(5, status)
    assert.are.equal("", stdout)
    stdout, _, status = sandboxed('coroutine.wrap(function() os.exit(false) end)() print("went on")')
    assert.are.equal(1, status)
    assert.are.equal("", stdout)
    _, _, status = sandboxed("os.exit(true)")
    assert.are.equal(0, status)
  end)

  it("reports an error in the script with status 1 and its line", function()
    local _, err, status = sandboxed('local x = 1\nerror("boom")')
    assert.are.equal(1, status)
    assert.truthy(err:find("%.lua:2: boom"))
  end)

  it("has what a script needs: string, table, math, utf8, os.time/date/clock, debug.traceback", function()
    local stdout, err, status = sandboxed([[
      print(("%d"):format(utf8.len("vård")), table.concat({ "a", "b" }, ","), math.floor(2.5),
        os.time() > 0, type(os.date("%Y")), type(os.clock()), type(debug.traceback("x")), select("#", ...))
    ]], { "eins", "zwei" })
    assert.are.equal("", err)
    assert.are.equal(0, status)
    assert.are.equal("4\ta,b\t2\ttrue\tstring\tnumber\tstring\t2\n", stdout)
  end)

  it("refuses a --out that is no directory with status 2", function()
    local _, err, status = sandboxed("print(1)", {}, "/nonexistent/dir")
    assert.are.equal(2, status)
    assert.truthy(err:find("--out /nonexistent/dir", 1, true))
  end)
end)

describe("samtal --sandbox refuses", function()
  after_each(cleanup)

  it("writing outside --out: io.open, res:csv, hits:csv, c:save, quotes:markdown, c:plot", function()
    local out = tempdir()
    local victim = tempdir() .. "/x"
    refused(('io.open(%q, "w")'):format(victim .. ".csv"), { "io.open cannot write " .. victim .. ".csv",
      "outside --out DIR " .. out }, { "corpus" }, out)
    refused(('samtal.open(arg[1]):freq():csv(%q)'):format(victim .. ".csv"), "cannot write " .. victim,
      { "corpus" }, out)
    refused('samtal.open(arg[1]):freq():csv("/tmp/x.csv")', "io.open cannot write /tmp/x.csv", { "corpus" }, out)
    refused(('samtal.open(arg[1]):kwic("vård"):csv(%q)'):format(victim .. ".csv"), "cannot write", { "corpus" }, out)
    refused(('samtal.open(arg[1]):save(%q)'):format(victim .. ".samtal"), "c:save cannot write " .. victim,
      { "corpus" }, out)
    refused(('samtal.Corpus.save(samtal.open(arg[1]), %q)'):format(victim .. ".samtal"), "c:save cannot write",
      { "corpus" }, out)
    refused(('samtal.open(arg[1]):quotes():markdown(%q)'):format(victim .. ".md"), "cannot write", { "corpus" }, out)
    refused(('samtal.open(arg[1]):plot("vård", %q)'):format(victim .. ".svg"), "cannot write", { "corpus" }, out)
    refused(('require("samtal.export").vrt(samtal.open(arg[1]), %q)'):format(victim .. ".vrt"),
      "c:export_vrt cannot write " .. victim .. ".vrt", { "corpus" }, out)
    refused(('os.remove(%q)'):format(h.seed_inline), "os.remove cannot write", { "corpus" }, out)
    refused(('os.rename(arg[2] .. "/a", %q)'):format(victim), "os.rename cannot write", { "corpus", out }, out)
    refused(('io.output(%q)'):format(victim), "io.output cannot write", { "corpus" }, out)
    for _, ext in ipairs { ".csv", ".samtal", ".md", ".svg", ".vrt", ".vrt.part", "" } do
      assert.is_false(exists(victim .. ext))
    end
  end)

  it("every write when no --out is given", function()
    refused('samtal.open(arg[1]):freq():csv("freq.csv")', "no --out DIR was given")
    assert.is_false(exists("freq.csv"))
  end)

  it("running a command: os.execute, io.popen", function()
    local stdout = refused('os.execute("echo pwned")', "os.execute is not allowed")
    assert.are.equal("", stdout)
    refused('io.popen("echo pwned"):read("a")', "io.popen is not allowed")
    refused("os.execute()", "os.execute is not allowed")
  end)

  it("reading /etc/passwd: io.open, io.lines, io.input, loadfile, samtal.open and samtal.core's C functions", function()
    local what = "cannot read /etc/passwd: outside the paths given to the script (readable: corpus)"
    refused('print(io.open("/etc/passwd"):read("a"))', "io.open " .. what)
    refused('for l in io.lines("/etc/passwd") do print(l) end', "io.lines " .. what)
    refused('io.input("/etc/passwd")', "io.input " .. what)
    refused('loadfile("/etc/passwd")', "loadfile " .. what)
    refused('samtal.open("/etc/passwd")', "samtal.open " .. what)
    refused('samtal.open({"corpus", "/etc/passwd"})', "samtal.open " .. what)
    refused('require("samtal.core").open({"/etc/passwd"})', "samtal.open " .. what)
    refused('require("samtal.core").filetype("/etc/passwd")', "samtal.open " .. what)
    refused('require("samtal.core").listdir("/etc")', "samtal.open cannot read /etc:")
    refused('io.open("corpus/../README.md")', "io.open cannot read corpus/../README.md")
  end)

  it("nothing to a list of paths that names an allowed file when checked and another when C reads it", function()
    local stdout, err, status = sandboxed(([[
      local n = 0
      local c = require("samtal.core").open(setmetatable({}, { __len = function() return 1 end,
        __index = function() n = n + 1; return n == 1 and %q or "/etc/passwd" end }))
      print(c:document(1).path, n)
    ]]):format(h.seed_inline), { "corpus" })
    assert.are.equal("", err)
    assert.are.equal(0, status)
    assert.are.equal(h.seed_inline .. "\t1\n", stdout)
  end)

  it("a ParlaMint file's speakers (<stem>-meta.tsv) that are not beside it or not among the paths", function()
    local dir, elsewhere = tempdir(), tempdir()
    local text = "ParlaMint-XX_2020.u1\tGood morning to you all.\nParlaMint-XX_2020.u2\tThank you.\n"
    local meta = "ID\tSpeaker_name\nParlaMint-XX_2020.u1\tDoe, Jane\nParlaMint-XX_2020.u2\tRoe, Rick\n"
    for path, bytes in pairs { [dir .. "/a.txt"] = text, [dir .. "/a-meta.tsv"] = meta, [dir .. "/b.txt"] = text,
      [elsewhere .. "/b-meta.tsv"] = meta } do
      local f = assert(io.open(path, "wb"))
      f:write(bytes)
      f:close()
    end
    assert(os.execute(("ln -s %s/b-meta.tsv %s/b-meta.tsv"):format(h.q(elsewhere), h.q(dir))))
    local script = "for _, s in ipairs(samtal.open(...):speakers()) do print(s.name) end"
    -- a file named with its own speakers beside it, and a directory: fine
    local stdout, err, status = sandboxed(script, { dir .. "/a.txt" })
    assert.are.equal("", err)
    assert.are.equal(0, status)
    assert.are.equal("Doe, Jane\nRoe, Rick\n", stdout)
    -- speakers through a link to elsewhere: refused, whether the file or its directory is given
    refused(script, "samtal.open cannot read " .. dir .. "/b-meta.tsv: outside the paths given", { dir .. "/b.txt" })
    refused(script, { "samtal.open cannot read " .. dir .. "/b-meta.tsv", "it leads to " .. elsewhere }, { dir })
  end)

  it("a quote's verify() reading a source file that is not among the paths given", function()
    local src = tempdir()
    os.execute(("cp %s %s/"):format(h.q(h.seed_inline), h.q(src)))
    local saved = tempdir() .. "/c.samtal"
    samtal.open(src):save(saved)
    refused("local c = samtal.open(arg[1]); assert(c:quotes()[1]:verify())", "verify cannot read " .. src,
      { saved })
  end)

  it("loading C code: package.loadlib, require of a .so on package.cpath, require of other modules", function()
    refused('package.loadlib("/lib/x86_64-linux-gnu/libc.so.6", "*")', "package.loadlib is not allowed")
    local lfs_so = package.searchpath("lfs", package.cpath) or "/usr/lib/x86_64-linux-gnu/lua/5.4/lfs.so"
    refused(('package.cpath = %q .. ";" .. package.cpath; require "lfs"'):format(lfs_so:gsub("lfs%.so$", "?.so")),
      'require "lfs" is not allowed')
    refused('require "samtal.cli"', 'require "samtal.cli" is not allowed')
    refused('require "samtal.sandbox"', 'require "samtal.sandbox" is not allowed')
    refused('require "io"', 'require "io" is not allowed')
    refused('package.searchpath("lfs", "/usr/lib/x86_64-linux-gnu/lua/5.4/?.so")', "package.searchpath")
  end)

  it("binary chunks: string.dump (also through a string's methods), load and loadfile of bytecode", function()
    refused("load(string.dump(function() end))", "string.dump is not allowed")
    refused('load((""):dump(print))', "string.dump is not allowed")
    refused([[load("\27Lua\84\0")]], "load of a binary chunk is not allowed")
    local dir = tempdir()
    local f = assert(io.open(dir .. "/chunk.luac", "wb"))
    f:write(string.dump(function() return 1 end))
    f:close()
    refused('load(io.open(arg[1] .. "/chunk.luac", "rb"):read("a"), "x", "b")', "load of a binary chunk",
      { dir })
    refused('local s = io.open(arg[1] .. "/chunk.luac", "rb"):read("a"); load(function() local p = s; s = nil; '
      .. 'return p end)', "load of a binary chunk", { dir })
    refused('loadfile(arg[1] .. "/chunk.luac")', "loadfile of a binary chunk", { dir })
    refused('dofile(arg[1] .. "/chunk.luac")', "loadfile of a binary chunk", { dir })
  end)

  it("paths that leave through '..' or through a symbolic link inside --out", function()
    local out = tempdir()
    local outside = tempdir()
    local secret = outside .. "/secret.txt"
    local f = assert(io.open(secret, "w"))
    f:write("secret")
    f:close()
    assert(os.execute(("ln -s %s %s/link.txt && ln -s %s %s/dir && ln -s %s/none.txt %s/dangling.txt")
      :format(h.q(secret), h.q(out), h.q(outside), h.q(out), h.q(outside), h.q(out))))
    refused('io.open(arg[1] .. "/../escape.txt", "w")', "io.open cannot write " .. out .. "/../escape.txt",
      { out }, out)
    refused('io.open(arg[1] .. "/link.txt", "w"):write("pwned")', { "io.open cannot write " .. out .. "/link.txt",
      "it leads to " .. secret, "(through a symbolic link)" }, { out }, out)
    refused('print(io.open(arg[1] .. "/link.txt"):read("a"))', { "cannot read", "through a symbolic link" },
      { out }, out)
    refused('io.open(arg[1] .. "/dir/new.txt", "w")', "it leads to " .. outside .. "/new.txt", { out }, out)
    refused('io.open(arg[1] .. "/dangling.txt", "w")', "it leads to " .. outside .. "/none.txt", { out }, out)
    refused('io.open(arg[1] .. "/dir/../../x.txt", "w")', "cannot write", { out }, out)
    refused('samtal.open(arg[1] .. "/dir")', "samtal.open cannot read " .. out .. "/dir", { out }, out)
    refused('samtal.open(arg[1]):save(arg[2] .. "/link.txt")', "c:save cannot write", { "corpus", out }, out)
    refused('os.remove(arg[1] .. "/link.txt")', "os.remove cannot write", { out }, out)
    assert.are.equal("secret", h.read(secret))
    assert.is_false(exists(outside .. "/new.txt"))
    assert.is_false(exists(outside .. "/none.txt"))
  end)

  it("the debug library, metatables of strings and userdata, finalizers, collectgarbage", function()
    refused("debug.getinfo(1)", "debug.getinfo is not allowed")
    refused("debug.getregistry()", "debug.getregistry is not allowed")
    refused("debug.sethook(print, 'l')", "debug.sethook is not allowed")
    refused("setmetatable({}, { __gc = function() end })", "__gc field is not allowed")
    refused('collectgarbage("stop")', 'collectgarbage("stop") is not allowed')
    refused('collectgarbage("generational")', "is not allowed")
    refused('os.setlocale("C")', "os.setlocale")
    refused("io.tmpfile()", "io.tmpfile is not allowed")
    refused("os.tmpname()", "os.tmpname is not allowed")
    local stdout, err, status = sandboxed([[
      local c = samtal.open(arg[1])
      print(getmetatable(""), getmetatable(c), getmetatable(io.stdout), getmetatable(print))
      print(collectgarbage("count") > 0, load("return io")() == io, load("return _G")() == _G)
      print(debug == debug, package.cpath, (""):upper() == "", rawget(_G, "_G") == _G)
    ]], { "corpus" })
    assert.are.equal("", err)
    assert.are.equal(0, status)
    assert.are.equal("nil\tnil\tnil\tnil\ntrue\ttrue\ttrue\ntrue\t\ttrue\ttrue\n", stdout)
  end)

  it("a refusal even when the script catches it: pcall, xpcall, coroutines, __close, samtal's own pcall", function()
    local tries = {
      'print(pcall(os.execute, "id"))',
      'print(xpcall(io.popen, function() return "caught" end, "id"))',
      'print(coroutine.resume(coroutine.create(function() os.execute("id") end)))',
      'print(pcall(coroutine.wrap(function() os.execute("id") end)))',
      'do local x <close> = setmetatable({}, { __close = function() error("other", 0) end }) '
        .. 'print(pcall(function() local y <close> = x; os.execute("id") end)) end',
      -- samtal.query calls a function query under its own pcall and raises a message of its own
      'local c = samtal.open(arg[1]); print(pcall(c.count, c, function() os.execute("id") end))',
    }
    for _, code in ipairs(tries) do
      local stdout = refused(code .. '\nprint("went on")', "is not allowed: the sandbox runs no commands", { "corpus" })
      assert.are.equal("", stdout, code)
    end
  end)

  it("samtal.core's raw C functions and corpus methods, however reached", function()
    refused('local core = require "samtal.core"; core.open({"/etc/passwd"})', "samtal.open cannot read")
    refused('local c = samtal.open(arg[1]); samtal.Corpus.save(c, "/tmp/pwned.samtal")', "c:save cannot write")
    refused('local c = samtal.open(arg[1]); c.save(c, "/tmp/pwned.samtal")', "c:save cannot write")
    refused('local c = samtal.open(arg[1]); package.loaded["samtal.core"].Corpus.save(c, "/tmp/pwned.samtal")',
      "c:save cannot write")
    refused('local c = samtal.open(arg[1]); local m = require("samtal.hits"); '
      .. 'getmetatable(c:kwic("vård")).csv(c:kwic("vård"), "/tmp/pwned.csv")', "io.open cannot write /tmp/pwned.csv")
    assert.is_false(exists("/tmp/pwned.samtal"))
    assert.is_false(exists("/tmp/pwned.csv"))
  end)
end)

describe("samtal.sandbox.run in-process", function()
  after_each(cleanup)

  it("puts back the host's io, os, package, string, samtal.core and samtal after the run", function()
    local before = {
      io_open = io.open, io_lines = io.lines, io_popen = io.popen, io_output = io.output, io_input = io.input,
      os_execute = os.execute, os_remove = os.remove, os_rename = os.rename, os_exit = os.exit,
      os_tmpname = os.tmpname, loadlib = package.loadlib, path = package.path, cpath = package.cpath,
      dump = string.dump, core_open = core.open, listdir = core.listdir, filetype = core.filetype,
      save = core.Corpus.save, stretch_verify = core.Corpus.stretch_verify, samtal_open = samtal.open,
      kwic = samtal.Corpus.kwic, emit = samtal.format.emit, default_out = io.output(),
    }
    local out = tempdir()
    local status, err = run_here([[
      local out = ...
      samtal.open = function() return "evil" end
      samtal.Corpus.kwic = nil
      samtal.format.emit = function() end
      samtal.injected = true
      io.output(out .. "/o.txt")
      io.write("x")
      os.exit(9)
    ]], { out }, { out = out })
    assert.are.equal("", err)
    assert.are.equal(9, status)
    local after = {
      io_open = io.open, io_lines = io.lines, io_popen = io.popen, io_output = io.output, io_input = io.input,
      os_execute = os.execute, os_remove = os.remove, os_rename = os.rename, os_exit = os.exit,
      os_tmpname = os.tmpname, loadlib = package.loadlib, path = package.path, cpath = package.cpath,
      dump = string.dump, core_open = core.open, listdir = core.listdir, filetype = core.filetype,
      save = core.Corpus.save, stretch_verify = core.Corpus.stretch_verify, samtal_open = samtal.open,
      kwic = samtal.Corpus.kwic, emit = samtal.format.emit, default_out = io.output(),
    }
    for k, v in pairs(before) do assert.are.equal(v, after[k], k) end
    assert.is_nil(samtal.injected)
    assert.are.equal("x", h.read(out .. "/o.txt")) -- closed, so written out
    -- and the host's functions work unchecked again
    local f = assert(io.open(h.tempfile("") , "w"))
    f:close()
    assert.truthy(samtal.open("corpus"):count("vård") > 0)
  end)

  it("puts back a metatable of samtal's that the script changed through getmetatable", function()
    local c = samtal.open("corpus")
    local mt = getmetatable(c:kwic("vård"))
    local csv = mt.csv
    local status = run_here([[
      local c = samtal.open(arg[1])
      local mt = getmetatable(c:kwic("vård"))
      mt.csv = function() return "evil" end
      mt.__gc = function() end
      mt.__index = nil
    ]], { "corpus" })
    assert.are.equal(0, status)
    assert.are.equal(csv, mt.csv)
    assert.is_nil(rawget(mt, "__gc"))
    assert.are.equal("string", type(c:kwic("vård"):csv()))
  end)

  it("puts things back after a refusal and after an error too", function()
    local open, emit = io.open, samtal.format.emit
    local status, err = run_here('samtal.format.emit = nil; os.execute("id")')
    assert.are.equal(3, status)
    assert.truthy(err:find("os.execute is not allowed", 1, true))
    assert.are.equal(open, io.open)
    assert.are.equal(emit, samtal.format.emit)
    status, err = run_here('samtal.format.emit = nil; error("boom")')
    assert.are.equal(1, status)
    assert.truthy(err:find("boom", 1, true))
    assert.are.equal(emit, samtal.format.emit)
  end)

  it("refuses a link out of --out and allows a plain write, with every way of resolving paths here", function()
    local out, outside = tempdir(), tempdir()
    assert(os.execute(("ln -s %s %s/away"):format(h.q(outside), h.q(out))))
    for _, name in ipairs(sandbox.BACKENDS) do
      if sandbox.resolver(name) then
        local status, err = run_here('io.open(... .. "/away/x.txt", "w")', { out }, { out = out, resolver = name })
        assert.are.equal(3, status, name)
        assert.truthy(err:find("it leads to " .. outside .. "/x.txt", 1, true), name .. ": " .. err)
        status, err = run_here('assert(io.open(... .. "/ok.txt", "w")):write("ok")', { out },
          { out = out, resolver = name })
        assert.are.equal("", err)
        assert.are.equal(0, status, name)
      end
    end
    assert.is_false(exists(outside .. "/x.txt"))
    assert.are.equal("ok", h.read(out .. "/ok.txt"))
  end)

  it("keeps the script's globals to the script", function()
    local status = run_here("KEPT = io.open; SAMTAL_OPEN = samtal.open")
    assert.are.equal(0, status)
    assert.is_nil(rawget(_G, "KEPT")) -- the script's globals are its own
  end)
end)

describe("samtal --sandbox --timeout", function()
  after_each(cleanup)

  --- Runs code through the command with --timeout; stdout, stderr, status and seconds taken.
  local function timed(code, timeout, args)
    local script = h.tempfile(code, ".lua")
    local cmd = ("%s --sandbox --timeout %s %s"):format(samtal_cmd, timeout, h.q(script))
    for _, a in ipairs(args or {}) do cmd = cmd .. " " .. h.q(a) end
    local t0 = core.clock()
    local stdout, err, status = h.run(cmd)
    return stdout, err, status, core.clock() - t0
  end

  it("stops a script that loops for ever, also inside pcall, a coroutine or a __close handler", function()
    local loops = {
      "while true do end",
      "print(pcall(function() while true do end end))",
      "print(coroutine.resume(coroutine.create(function() while true do end end)))",
      "coroutine.wrap(function() local x = 0 repeat x = x + 1 until false end)()",
      "do local x <close> = setmetatable({}, { __close = function() while true do end end }) while true do end end",
      "local c = samtal.open(arg[1]); while true do c:count('nära') end",
    }
    for _, code in ipairs(loops) do
      local stdout, err, status, took = timed(code .. '\nprint("went on")', 0.3, { "corpus" })
      assert.are.equal(3, status, code .. "\n" .. err)
      assert.are.equal("", stdout, code)
      assert.truthy(err:find("samtal --sandbox: refused: the script ran longer than --timeout 0.3 s (", 1, true), err)
      assert.truthy(err:find("%.lua:%d+%)\n$"), "the message names the script's line: " .. err)
      assert.truthy(took < 1.2, ("%s took %.2f s"):format(code, took)) -- the hook, not the hard stop
    end
  end)

  it("ends the process a second after the timeout when a C function does not return", function()
    -- Lua's pattern matcher backtracks through 20 a* for ever in one call: no hook runs meanwhile
    local stdout, err, status, took = timed('print(string.find(("a"):rep(40), ("a*"):rep(20) .. "b"))', 0.2)
    assert.are.equal(3, status, err)
    assert.are.equal("", stdout)
    assert.are.equal("samtal --sandbox: refused: the script ran longer than --timeout 0.2 s and was stopped "
      .. "inside a C function\n", err)
    assert.truthy(took >= 1.2 and took < 4, ("took %.2f s"):format(took))
  end)

  it("runs a script that ends within a generous timeout as without one", function()
    local code = "local c = samtal.open(arg[1]); print(c:count('nära vård'), #c:speakers())"
    local stdout, err, status = timed(code, 60, { "corpus" })
    assert.are.equal("", err)
    assert.are.equal(0, status)
    local c = samtal.open("corpus")
    assert.are.equal(("%d\t%d\n"):format(c:count("nära vård"), #c:speakers()), stdout)
    stdout, err, status = timed("os.exit(6)", "1e3")
    assert.are.same({ "", "", 6 }, { stdout, err, status })
  end)

  it("refuses a timeout that is not a positive number with status 2", function()
    for _, bad in ipairs({ "0", "-1", "abc", "inf", "nan" }) do
      local stdout, err, status = timed("print(1)", bad)
      assert.are.equal(2, status, bad)
      assert.are.equal("", stdout)
      assert.truthy(err:find("--timeout needs a number of seconds greater than 0", 1, true), err)
    end
    local _, err, status = h.run(samtal_cmd .. " --sandbox --timeout")
    assert.are.equal(2, status)
    assert.truthy(err:find("--timeout needs a value", 1, true), err)
  end)

  it("in-process: stops the loop, then takes its hook off and gives back the host's own", function()
    local calls = 0
    local function host_hook() calls = calls + 1 end
    debug.sethook(host_hook, "", 1000000)
    local status, msg = run_here("while true do end", {}, { timeout = 0.2 })
    local hook, mask, count = debug.gethook()
    debug.sethook()
    assert.are.equal(3, status)
    assert.truthy(msg:find("ran longer than --timeout 0.2 s", 1, true), msg)
    assert.are.equal(host_hook, hook)
    assert.are.same({ "", 1000000 }, { mask, count })
    status = run_here("local n = 0 for i = 1, 1000 do n = n + i end", {}, { timeout = 5 })
    assert.are.equal(0, status)
    assert.is_nil(debug.gethook())
  end)
end)

describe("samtal.sandbox's coverage of samtal", function()
  it("knows every C function of samtal.core and of the corpus methods (a new one must be classified)", function()
    local function is_c(f) return type(f) == "function" and debug.getinfo(f, "S").what == "C" end
    for name, f in pairs(core) do
      if is_c(f) then
        assert.truthy(sandbox.CORE_SAFE[name] or sandbox.CORE_CHECKED[name] or sandbox.CORE_REFUSED[name],
          "samtal.core." .. name .. ": add it to CORE_SAFE or CORE_CHECKED in lua/samtal/sandbox.lua")
      end
    end
    for name, f in pairs(core.Corpus) do
      if is_c(f) then
        assert.truthy(sandbox.CORPUS_SAFE[name] or sandbox.CORPUS_CHECKED[name],
          "c:" .. name .. ": add it to CORPUS_SAFE or CORPUS_CHECKED in lua/samtal/sandbox.lua")
      end
    end
  end)

  it("finds samtal's modules looking up io, os and samtal.core's file functions when called, not at load", function()
    -- a module that kept `local open = io.open` would call the real one past the sandbox's wrapper
    local p = io.popen("ls lua/samtal/*.lua")
    for path in p:lines() do
      if not path:find("sandbox.lua", 1, true) and not path:find("cli.lua", 1, true)
        and not path:find("repl.lua", 1, true) then
        local n = 0
        for line in io.lines(path) do
          n = n + 1
          local code = line:gsub("%-%-.*", "")
          for _, fn in ipairs { "io%.open", "io%.lines", "io%.input", "io%.output", "io%.popen", "io%.tmpfile",
            "os%.execute", "os%.remove", "os%.rename", "os%.tmpname", "os%.exit", "core%.open", "core%.listdir",
            "core%.filetype", "[%w_]+%.save", "[%w_]+%.stretch_verify", "[%w_]+%.export_vrt" } do
            for _, pat in ipairs { "=%s*" .. fn .. "%s*$", "=%s*" .. fn .. "%s*[,;}]" } do
              assert.is_nil(code:find(pat), ("%s:%d keeps a file function: %s"):format(path, n, line))
            end
          end
          assert.is_nil(code:find("local%s+[%w_,%s]*%f[%w_]io%s*="), path .. ":" .. n)
          assert.is_nil(code:find("local%s+[%w_,%s]*%f[%w_]os%s*="), path .. ":" .. n)
        end
      end
    end
    p:close()
  end)

  it("resolves paths as `realpath -m` does, with every backend available here", function()
    local d = tempdir()
    assert(os.execute(("cd %s && mkdir -p a/b c && touch a/b/f.txt && ln -s a/b lb && ln -s ../c a/lc "
      .. "&& ln -s %s/a/b/f.txt lf && ln -s lf lf2 && ln -s nowhere/x dang && ln -s loop loop"):format(h.q(d), h.q(d))))
    local cases = { "a/b/f.txt", "lb/f.txt", "lb/../x", "a/lc/../a/b", "lf", "lf2", "dang", "dang/../y", "lb/../lc",
      "a/./b//f.txt/", "new/../../x", "/", "..", "a/lc", "lb/none/../f.txt" }
    local cwd = io.popen("cd " .. h.q(d) .. " && pwd -P"):read("l")
    local want = {}
    for i, c in ipairs(cases) do
      want[i] = io.popen(("cd %s && realpath -m -- %s"):format(h.q(d), h.q(c))):read("l")
    end
    local tried = 0
    for _, name in ipairs(sandbox.BACKENDS) do
      local b = sandbox.resolver(name)
      if b then
        tried = tried + 1
        local abs = {}
        for i, c in ipairs(cases) do abs[i] = c:sub(1, 1) == "/" and c or (cwd .. "/" .. c) end
        local got = assert(b.resolve_many(abs))
        for i, c in ipairs(cases) do assert.are.equal(want[i], got[i], name .. ": " .. c) end
        local loop = b.resolve_many({ cwd .. "/loop" }) -- the walker says no; realpath -m keeps the name
        assert.truthy(loop == nil or loop[1] == cwd .. "/loop", name .. ": a loop")
      end
    end
    assert.truthy(tried >= 1)
  end)
end)
