-- samtal_bench.lua: times samtal on a generated corpus; prints one JSON line.
-- usage: build/bin/samtal bench/samtal_bench.lua CORPUS_DIR REPS
local samtal = require "samtal"
local core = require "samtal.core"
local root, reps = arg[1], tonumber(arg[2] or "5")
local clock = core.clock

local function median(t)
  table.sort(t)
  return t[(#t + 1) // 2]
end

local paths = {}
for _, d in ipairs(core.listdir(root, "")) do paths[#paths + 1] = root .. "/" .. d end
local t0 = clock()
local c = samtal.open(paths)
local load_s = clock() - t0
local stats = c:stats()

local results = {}
local function measure(name, fn)
  local times, n = {}, nil
  for _ = 1, reps do
    local a = clock()
    n = fn()
    times[#times + 1] = clock() - a
  end
  results[#results + 1] = ('"%s": {"ms": %.3f, "hits": %d}'):format(name, median(times) * 1000, n)
end

measure("count vi", function() return c:count("vi") end)
measure("count och", function() return c:count("och") end)
measure("kwic tillgänglighet", function() return #c:kwic("tillgänglighet") end)
measure("kwic samverkan", function() return #c:kwic("samverkan") end)
measure("count nära vård", function() return c:count("nära vård") end)
measure("kwic nära vård", function() return #c:kwic("nära vård") end)
measure("count vård*", function() return c:count("vård*") end)
measure("count [lower=\\\"vi\\\"] [lower=\\\"måste|behöver\\\"] []",
  function() return c:count('[lower="vi"] [lower="måste|behöver"] []') end)
measure("kwic samverkan sorted R1", function() return #c:kwic("samverkan"):sort("R1") end)
measure("kwic och", function() return #c:kwic("och") end)

print(("{\"corpus\": %q, \"bytes\": %d, \"tokens\": %d, \"load_s\": %.3f, \"queries\": {%s}}")
  :format(root, (function()
    local n = 0
    for i = 1, stats.documents do n = n + c:document(i).size end
    return n
  end)(), stats.tokens, load_s, table.concat(results, ", ")))
