-- workload.lua: touches every entry point of the core once, for valgrind (spec/run.sh).
-- Run as: build/bin/samtal spec/support/workload.lua
local samtal = require "samtal"

local function write(path, bytes)
  local f = assert(io.open(path, "wb"))
  f:write(bytes)
  f:close()
end

local c = samtal.open("corpus")
for _, d in ipairs(c:documents()) do assert(d.name and d.turns > 0) end
for _, s in ipairs(c:speakers()) do assert(s.turns > 0) end
for t in c:turns { speaker = "LENA" } do assert(t.text) end
assert(c:count("tillgänglighet") > 0 and c:count("det vill säga") > 0)
assert(#c:kwic("nära", { width = 6 }) > 0)
assert(tostring(c:kwic("vård", { left = 2, right = 9, case = true })))
assert(c:count("Nära", { case = true }) >= 0)
assert(c:token(1).form and c:documents()[1].events[1].name == "musik")
local saved = os.tmpname()
c:save(saved)
local m = samtal.open(saved)
assert(m:verify() and m:count("det vill säga") == 1 and #m:kwic("nära vård") == c:count("nära vård"))
assert(m:kwic("nära vård"):lines()[1] == c:kwic("nära vård"):lines()[1]) -- mapped: documents checked on use
m:close()
local f = assert(io.open(saved, "rb"))
local head = f:read(200) -- a truncated saved corpus
f:close()
write(saved, head)
assert(not pcall(samtal.open, saved))
os.remove(saved)
assert(#c:kwic('[lower="vård.*"] []{0,2} [kind="punctuation"] within sentence @speaker = "LENA"') > 0)
assert(c:kwic("nära"):sort("R1", "L1"):count("speaker"))
assert(#c:kwic("nära", { chars = 20 }):lines { context = 12 } == c:count("nära")) -- lines built in C
assert(#c:kwic("nära"):sort("R1"):lines() == c:count("nära"))
assert(c:count(function(form) return #form > 15 end) > 0)
assert(#c:quotations() > 0 and #c:quotations().unmatched == 1)
-- statistics: every counting entry point
assert(#c:freq() > 0 and #c:freq { by = "stem", group = "speaker" } > 0 and #c:freq { by = "form", range = "turns" } > 0)
assert(#c:talk { group = "doc" } > 0 and #c:ngrams { n = 3, within = "sentence" } > 0)
assert(#c:clusters("vård", { side = "left" }) > 0 and #c:collocates("vård", { within = "sentence" }) > 0)
assert(#c:keywords { each = "speaker", negative = true } > 0 and c:keywords { target = { speaker = "LENA" } }:csv())
assert(#c:dispersion({ "vård", "nära" }, { parts = "turn" }) == 2)
local svg = os.tmpname()
c:plot("nära", svg)
os.remove(svg)
assert(#c:diversity() > 0 and #c:tally(function(form) return #form end) > 0 and #c:tally(function(t) return t.kind end,
  { per = "token", speaker = "LENA" }) > 0)
for _ in c:tokens { speaker = "LENA" } do end
assert(not pcall(c.freq, c, { by = "nope" }) and not pcall(c.keywords, c, { reference = "no/such.csv",
  target = { speaker = "LENA" } }))
-- a fresh name with a suffix: tmpname makes the file it names, which is removed at once
local function tmp_with(suffix)
  local base = os.tmpname()
  os.remove(base)
  return base .. suffix
end
local vrt = tmp_with(".vrt")
assert(c:export(vrt) == vrt and samtal.open(vrt):stats().tokens == c:stats().tokens)
os.remove(vrt)
local json = tmp_with(".json")
assert(c:export(json) == json and samtal.open(json):fingerprint() == c:fingerprint())
local exported = io.open(json, "rb"):read("a")
for _, cut in ipairs { #exported // 2, #exported - 3 } do -- damaged exports: errors, no leak
  write(json, exported:sub(1, cut))
  assert(not pcall(samtal.open, json))
end
write(json, (exported:gsub('"LENA"', '"LENE"', 1)))
assert(not pcall(samtal.open, json))
os.remove(json)
local quotes = c:quotes { match = "samverkan" }
assert(#quotes > 0 and quotes:verify() and quotes:markdown())
c:close()

local shared = "../shared/corpora/"
local extra = { shared .. "svwiki-encodings/sv-molle.utf-8.txt", shared .. "virtualcoffee-en/0105-cameron-rahat.txt",
  shared .. "talkpython-en/transcripts__525-nicegui.txt" }
local e = samtal.open(extra, { hyphens = true })
assert(#e:kwic("the") > 0)
assert(#e:dispersion("the", { parts = "time" }) == 1 and #e:talk() > 0 and #e:freq { by = "stem", language = "en" } > 0)

-- speaker aliases and merged turns, saved and reopened; a bad alias is an error and no leak
local al = samtal.open("corpus", { aliases = { MAGNUS = "LENA" }, merge_turns = true })
al:alias({ ["Speaker 1"] = "Lisbeth" }, { doc = 2 })
assert(#al:speakers() == 6 and al:count('vård @speaker = "Lisbeth"') > 0 and #al:talk() == 6)
assert(not pcall(al.alias, al, { NOPE = "x" }) and not pcall(samtal.open, "corpus", { aliases = { NOPE = "x" } }))
local alp = tmp_with(".samtal")
al:save(alp)
assert(#samtal.open(alp):aliases() == 2)
os.remove(alp)

-- transcription conventions: an event, a hesitation, a pattern whose code fails
samtal.convention { name = "unclear", pattern = "(ohörbart)" }
samtal.convention { name = "hesitation", pattern = require("lpeg").P"eh" + "öh", kind = "hesitation" }
local cvp = os.tmpname()
write(cvp, "ANNA: jag eh vet (ohörbart) inte öh\n\nBO: ja\n")
local cv = samtal.open(cvp)
assert(cv:count('[kind = "hesitation"]') == 2 and #cv:document(1).events == 1)
samtal.convention { name = "bad", pattern = require("lpeg").Cmt(require("lpeg").P"ja", function() error("x") end) }
assert(not pcall(samtal.open, cvp))
for _, name in ipairs { "unclear", "hesitation", "bad" } do samtal.remove_convention(name) end
os.remove(cvp)

-- every kind of bad input, each an error and no leak
local tmp = os.tmpname()
for _, bytes in ipairs { "", "A: hej\0", "LENA: på caf\xC3 ok\n", "\xFF\xFE", "\xFF\xFEA\0:" } do
  write(tmp, bytes)
  assert(not pcall(samtal.open, tmp))
end
write(tmp, "LENA: på caf\xC3 ok\n")
assert(samtal.open(tmp, { invalid = "replace" }):documents()[1].replacements == 1)
write(tmp, "\xFF\xFEL\0E\0N\0A\0:\0 \0h\0\xE4\0\n\0") -- UTF-16LE
assert(samtal.open(tmp):count("hä") == 1)
write(tmp, "LENA: M\xF6lle \x96 sj\xF6\n") -- Windows-1252
assert(samtal.open(tmp):documents()[1].encoding == "windows-1252")
os.remove(tmp)
assert(not pcall(samtal.open, "no/such/file.txt"))
assert(not pcall(c.count, c, "x")) -- closed

print(samtal.segment("SKR:s vi-känsla, 3.14! 🇸🇪🇳🇴 e\u{301}"))
print(samtal.sentences("Hur kom ni på det? Det kom som ett förslag."))
collectgarbage()
collectgarbage()
