-- store_seeds.lua: seeds for the store fuzz target, saved corpora made from small transcripts.
-- `make fuzz` runs it (through fuzz/seeds.sh) as: lua5.4 fuzz/store_seeds.lua OUTDIR FILE...
-- with the plain module on package.cpath. Each file that loads is saved alone as
-- OUTDIR/<name>.samtal, every other one with the load options that the header records, and the
-- first four together as OUTDIR/all.samtal; each is then compacted (fuzz/storefile.lua: hash tables
-- cut to size, so that a seed is a few KB instead of 10) if the compacted file still opens to
-- the same corpus. A VRT file's positional attributes are saved too (their values' hash tables
-- stay as written: storefile.lua compacts whole-section lexicons only).
local samtal = require "samtal"
local storefile = dofile("fuzz/storefile.lua")

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, s)
  local f = assert(io.open(path, "wb"))
  f:write(s)
  f:close()
end

local function summary(c)
  local t = {}
  for turn in c:turns() do t[#t + 1] = turn.text end
  return table.concat(t, "\n") .. "\0" .. c:fingerprint()
end

local function save(c, path)
  if not pcall(c.save, c, path) then return false end
  local small = storefile.compact(read(path))
  if small then
    local tmp = path .. ".tmp.samtal"
    write(tmp, small)
    local ok, m = pcall(samtal.open, tmp)
    if ok and summary(m) == summary(c) then write(path, small) end
    os.remove(tmp)
  end
  return true
end

local out = assert(arg[1], "usage: store_seeds.lua OUTDIR FILE...")
local loaded, saved = {}, 0
for i = 2, #arg do
  local path = arg[i]
  local opts = i % 2 == 0 and { invalid = "replace", hyphens = true } or nil
  local ok, c = pcall(samtal.open, path, opts)
  if ok and save(c, out .. "/" .. path:match("[^/]+$") .. ".samtal") then
    loaded[#loaded + 1] = path
    saved = saved + 1
  end
end
-- several documents in one corpus (invalid = "replace": a seed with damaged UTF-8 may be among them)
if #loaded > 1 and save(samtal.open({ table.unpack(loaded, 1, 4) }, { invalid = "replace" }), out .. "/all.samtal") then
  saved = saved + 1
end
print(("store seeds: %d saved corpora in %s"):format(saved, out))
