--- samtal.cli: subcommands of the samtal command (`samtal index ...`).
-- Each returns the process exit status: 0 done, 2 usage or input error.
-- @module samtal.cli
local samtal = require "samtal"
local core = require "samtal.core"

local cli = {}

local INDEX_USAGE = [[
usage: samtal index [--hyphens] [--invalid=replace] PATH... -o OUT.samtal
Loads, tokenises and indexes the transcripts at PATH... (files, or directories of *.txt) and saves
the corpus to OUT.samtal, which samtal.open() maps back without re-tokenising. A progress bar goes to
stderr when it is a terminal.]]

--- A progress bar on stderr, redrawn in place; only on a terminal.
local function progress_bar()
  if not core.isatty(2) then return nil end
  local started = core.clock()
  return function(done, total, path)
    local width = 30
    local filled = math.floor(width * done / total)
    io.stderr:write(("\r[%s%s] %d/%d files, %.1f s  %s"):format(("#"):rep(filled), (" "):rep(width - filled),
      done, total, core.clock() - started, #path > 30 and ("…" .. path:sub(-29)) or path), "\27[K")
    if done == total then io.stderr:write("\n") end
  end
end

function cli.index(args)
  local paths, out, opts = {}, nil, {}
  local i = 1
  while i <= #args do
    local a = args[i]
    if a == "-o" or a == "--output" then
      out = args[i + 1]
      if not out then
        io.stderr:write("samtal index: ", a, " needs a file name\n", INDEX_USAGE, "\n")
        return 2
      end
      i = i + 1
    elseif a == "--hyphens" then
      opts.hyphens = true
    elseif a == "--invalid=replace" then
      opts.invalid = "replace"
    elseif a == "-h" or a == "--help" then
      print(INDEX_USAGE)
      return 0
    elseif a:sub(1, 1) == "-" then
      io.stderr:write("samtal index: unknown option '", a, "'\n", INDEX_USAGE, "\n")
      return 2
    else
      paths[#paths + 1] = a
    end
    i = i + 1
  end
  if #paths == 0 or not out then
    io.stderr:write(INDEX_USAGE, "\n")
    return 2
  end
  opts.progress = progress_bar()
  local ok, c = pcall(samtal.open, paths, opts)
  if not ok then
    io.stderr:write("samtal index: ", tostring(c), "\n")
    return 2
  end
  local saved, err = pcall(c.save, c, out)
  if not saved then
    io.stderr:write("samtal index: ", tostring(err), "\n")
    return 2
  end
  local s = c:stats()
  io.stderr:write(("samtal index: %s: %d documents, %d turns, %d tokens\n"):format(out, s.documents, s.turns, s.tokens))
  return 0
end

--- Runs subcommand `name` with the remaining arguments; nil if there is no such subcommand.
function cli.run(name, ...)
  local fn = name ~= "run" and cli[name]
  if not fn then return nil end
  return fn({ ... })
end

return cli
