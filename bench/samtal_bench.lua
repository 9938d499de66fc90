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
  collectgarbage() -- each figure starts from a collected heap, not with the garbage of the last one
  local times, n = {}, nil
  for _ = 1, reps do
    local a = clock()
    n = fn()
    times[#times + 1] = clock() - a
  end
  results[#results + 1] = ('"%s": {"ms": %.3f, "hits": %d}'):format(name, median(times) * 1000, n)
end

-- a rare word: the first form, every 997th, whose count is 1 to 20 (deterministic per corpus)
local rare
local forms = c:forms()
for i = 1, #forms, 997 do
  local n = c:count(forms[i])
  if n >= 1 and n <= 20 and forms[i]:find("^%a") then
    rare = forms[i]
    break
  end
end
forms = nil -- luacheck: ignore 311
if rare then measure("kwic rare word (" .. rare .. ")", function() return #c:kwic(rare) end) end
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

-- a concordance with every line built, as NLTK's find_concordance builds its lines: the figures
-- NLTK is compared with (the rows above count the matches and build no line)
local function every_line(q)
  return function()
    local hits = c:kwic(q)
    for i = 1, #hits do
      local _ = hits[i].left
    end
    return #hits
  end
end
-- the same lines as text only (hits:lines(): NLTK's output, strings built in C, no hit table)
local function every_line_text(q)
  return function()
    return #c:kwic(q):lines()
  end
end
for _, q in ipairs { "tillgänglighet", "samverkan", "nära vård", "vi", "och" } do
  measure("kwic " .. q .. ", every line", every_line(q))
  measure("kwic " .. q .. ", every line as text", every_line_text(q))
end

-- statistics: the first run of each builds the key map and the corpus totals it caches, so it
-- is timed on its own as well as in the median
local function cold(name, fn)
  collectgarbage()
  local a = clock()
  local n = fn()
  results[#results + 1] = ('"%s (first run)": {"ms": %.3f, "hits": %d}'):format(name, (clock() - a) * 1000, n)
  measure(name, fn)
end
cold("freq list, case-folded", function() return #c:freq() end)
cold("collocates of och (4+4, logDice)", function() return #c:collocates("och") end)
local speaker = c:talk()[1] -- the speaker with the most words
if speaker then
  cold("keywords of one speaker vs the rest", function()
    return #c:keywords { target = { speaker = speaker.speaker } }
  end)
end

-- save and reopen (mapped), then the rare-word concordance again on the mapped corpus
local saved = os.getenv("SAMTAL_BENCH_SAVE") or (root .. ".samtal")
local t1 = clock()
c:save(saved)
local save_s = clock() - t1
local f = assert(io.open(saved, "rb"))
local saved_bytes = f:seek("end")
f:close()
local opens = {}
for _ = 1, reps do
  local a = clock()
  local m = samtal.open(saved)
  opens[#opens + 1] = clock() - a
  m:close()
end
local reopen_s = median(opens)
local m = samtal.open(saved)
measure("mapped: kwic tillgänglighet", function() return #m:kwic("tillgänglighet") end)
m:close()
os.remove(saved)

print(("{\"corpus\": %q, \"bytes\": %d, \"tokens\": %d, \"load_s\": %.3f, \"save_s\": %.3f, "
  .. "\"saved_bytes\": %d, \"reopen_ms\": %.2f, \"queries\": {%s}}")
  :format(root, (function()
    local n = 0
    for i = 1, stats.documents do n = n + c:document(i).size end
    return n
  end)(), stats.tokens, load_s, save_s, saved_bytes, reopen_s * 1000, table.concat(results, ", ")))
