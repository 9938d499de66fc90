-- helpers.lua: shared code for the specs.
local helpers = {}

helpers.seed_inline = "corpus/000_e744d110473e4ebd.txt"  -- "NAME: text" labels, paged
helpers.seed_blocks = "corpus/001_49eaf7069c1bee78.txt"  -- "Speaker N:" alone on its line
helpers.shared = "../shared/corpora/"

--- A temporary path to remove: by helpers.cleanup() (after each test, in the specs that call
-- it), and by spec/run.sh at the end of the run, which names a file in $SAMTAL_SPEC_MADE where
-- each path is written too (busted reloads this module for every spec file, so a list kept here
-- alone would be lost by the end of the run).
local made = {}
local made_list = os.getenv("SAMTAL_SPEC_MADE")
local function remember_for_run(path)
  if made_list then
    local f = io.open(made_list, "a")
    if f then
      f:write(path, "\n")
      f:close()
    end
  end
end
local function remember(path)
  made[#made + 1] = path
  remember_for_run(path)
end

--- Writes bytes to a fresh temporary file and returns its path (removed by helpers.cleanup()).
function helpers.tempfile(bytes, suffix)
  local base = os.tmpname() -- created by tmpname; only the name with the suffix is used
  os.remove(base)
  local path = base .. (suffix or ".txt")
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
  remember(path)
  return path
end

--- A fresh path ending in suffix, for a file a spec has written for it (removed by helpers.cleanup()).
function helpers.tmppath(suffix)
  local base = os.tmpname()
  os.remove(base)
  local path = base .. suffix
  remember(path)
  return path
end

--- os.tmpname(), for a spec that makes a directory or files of its own on that base: the base
-- is removed by spec/run.sh at the end of the run (with what was made on it), not after each
-- test, since such a base often serves a whole spec file.
function helpers.tmpname()
  local base = os.tmpname()
  remember_for_run(base)
  return base
end

--- The values of field `key` of each element of a list, in order.
function helpers.field_of(list, key)
  local out = {}
  for i, x in ipairs(list) do out[i] = x[key] end
  return out
end

function helpers.cleanup()
  for _, p in ipairs(made) do os.remove(p) end
  made = {}
end

--- The bytes of a file.
function helpers.read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

--- Runs a shell command; returns its stdout, stderr and exit code.
function helpers.run(cmd)
  local err = os.tmpname()
  local p = io.popen(cmd .. " 2>" .. err)
  local out = p:read("a")
  local _, _, code = p:close()
  local e = helpers.read(err)
  os.remove(err)
  return out, e, code
end

--- The message of the error fn raises (luassert's has_error would strip a "path:line:" prefix,
-- which is exactly what samtal's messages start with).
function helpers.error_of(fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error")
  return err
end

--- Shell quoting.
function helpers.q(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

--- Counts, independently of samtal, the lines of a file that match a Lua pattern.
function helpers.count_lines(path, pattern)
  local n = 0
  for line in io.lines(path) do
    if line:match(pattern) then n = n + 1 end
  end
  return n
end

return helpers
