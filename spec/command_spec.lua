-- The samtal command and the scripts in scripts/, run as a user runs them.
local h = require "helpers"

local samtal_cmd = "build/bin/samtal"

describe("samtal command", function()
  after_each(h.cleanup)

  it("runs a script with its arguments in arg and ...", function()
    local script = h.tempfile('print(arg[0] ~= nil, arg[1], select("#", ...), samtal ~= nil)\n', ".lua")
    local out, _, code = h.run(samtal_cmd .. " " .. script .. " eins zwei")
    assert.are.equal(0, code)
    assert.are.equal("true\teins\t2\ttrue\n", out)
  end)

  it("runs code with -e", function()
    local out, _, code = h.run(samtal_cmd .. [[ -e 'print(samtal.open("corpus"):count("det vill säga"))']])
    assert.are.equal(0, code)
    assert.are.equal("1\n", out)
  end)

  it("reports a script's error with its message and exit status 1", function()
    local _, err, code = h.run(samtal_cmd .. [[ -e 'samtal.open("corpus/none.txt")']])
    assert.are.equal(1, code)
    assert.truthy(err:find("samtal: cannot open corpus/none.txt: No such file or directory", 1, true))
  end)

  it("prints help and version, and refuses an unknown option with status 2", function()
    local out, _, code = h.run(samtal_cmd .. " --help")
    assert.are.equal(0, code)
    assert.truthy(out:find("usage: samtal", 1, true))
    out = h.run(samtal_cmd .. " --version")
    assert.truthy(out:match("^samtal %d+%.%d+%.%d+"))
    local _, err
    _, err, code = h.run(samtal_cmd .. " --frobnicate")
    assert.are.equal(2, code)
    assert.truthy(err:find("unknown option '--frobnicate'", 1, true))
  end)

  it("starts a session that evaluates expressions and survives errors", function()
    local input = h.tempfile('c:count("tillgänglighet")\nerror("boom")\nx = {\n 1, 2 }\nprint(#x)\nc:count("det vill säga")\n')
    local out, _, code = h.run(samtal_cmd .. " corpus < " .. input)
    assert.are.equal(0, code)
    assert.truthy(out:find("2 documents, 7 speakers", 1, true))
    assert.truthy(out:find("samtal> 6\n", 1, true))
    assert.truthy(out:find("boom", 1, true))
    assert.truthy(out:find("2\n", 1, true))
    assert.truthy(out:find("samtal> 1\n", 1, true))
  end)
end)

describe("scripts/kwic.lua", function()
  it("prints every hit of a query in corpus/ and exits 0", function()
    local out, _, code = h.run(samtal_cmd .. " scripts/kwic.lua 'nära vård' corpus")
    assert.are.equal(0, code)
    local lines = {}
    for l in out:gmatch("[^\n]+") do lines[#lines + 1] = l end
    local n = tonumber(lines[#lines]:match("^(%d+) hits$"))
    assert.are.equal(#lines - 1, n)
    assert.truthy(n > 10)
    for i = 1, n do assert.truthy(lines[i]:lower():find("[nära vård]", 1, true), lines[i]) end
  end)

  it("takes --speaker and --width, and exits 1 when nothing is found", function()
    local out, _, code = h.run(samtal_cmd .. " scripts/kwic.lua --speaker LENA --width 2 nära corpus")
    assert.are.equal(0, code)
    for l in out:gmatch("[^\n]+") do
      if not l:match("hits?$") then assert.truthy(l:find("LENA", 1, true)) end
    end
    _, _, code = h.run(samtal_cmd .. " scripts/kwic.lua blåbärssoppa corpus")
    assert.are.equal(1, code)
  end)

  it("sorts with --sort and writes CSV with --format", function()
    local out, _, code = h.run(samtal_cmd .. " scripts/kwic.lua --format csv 'det vill säga' corpus")
    assert.are.equal(0, code)
    local lines = {}
    for l in out:gmatch("[^\r\n]+") do lines[#lines + 1] = l end
    assert.are.equal("doc,speaker,turn,line,column,offset,length,start,stop,left,match,right", lines[1])
    assert.truthy(lines[2]:find(",det vill säga,", 1, true))
    out, _, code = h.run(samtal_cmd .. " scripts/kwic.lua --sort speaker --width 1 nära corpus")
    assert.are.equal(0, code)
    local speakers = {}
    for l in out:gmatch("[^\n]+") do
      local spk = l:match("^%S+%s+(%u%u%u+)%s") or l:match("^%S+%s+(Speaker %d)")
      if spk and speakers[#speakers] ~= spk then speakers[#speakers + 1] = spk end
    end
    local seen = {}
    for _, spk in ipairs(speakers) do
      assert.is_nil(seen[spk], "speaker " .. spk .. " comes in two runs: not sorted")
      seen[spk] = true
    end
    local _, err
    _, err, code = h.run(samtal_cmd .. " scripts/kwic.lua --sort X1 nära corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("unknown level 'X1'", 1, true))
  end)

  it("explains bad usage with exit status 2", function()
    local _, err, code = h.run(samtal_cmd .. " scripts/kwic.lua")
    assert.are.equal(2, code)
    assert.truthy(err:find("usage:", 1, true))
    _, err, code = h.run(samtal_cmd .. " scripts/kwic.lua nära corpus/missing.txt")
    assert.are.equal(2, code)
    assert.truthy(err:find("cannot open corpus/missing.txt", 1, true))
  end)
end)

describe("scripts/speakers.lua", function()
  it("prints turns, tokens and share per speaker and document", function()
    local out, _, code = h.run(samtal_cmd .. " scripts/speakers.lua corpus")
    assert.are.equal(0, code)
    local rows, share = {}, {}
    for l in out:gmatch("[^\n]+") do
      local doc, name, turns, tokens, pct = l:match("^(%S+)%s+(.-)%s+(%d+)%s+(%d+)%s+([%d.]+)%%$")
      if doc then
        rows[doc .. "/" .. name] = { tonumber(turns), tonumber(tokens) }
        share[doc] = (share[doc] or 0) + tonumber(pct)
      end
    end
    assert.are.equal(27, rows["000_e744d110473e4ebd.txt/LENA"][1])
    assert.are.equal(41, rows["001_49eaf7069c1bee78.txt/Speaker 3"][1])
    for doc, total in pairs(share) do assert.truthy(math.abs(total - 100) < 0.5, doc) end
  end)
end)

describe("make install", function()
  it("installs the module for plain lua5.4 and the command under PREFIX", function()
    local prefix = h.tmpname()
    os.remove(prefix)
    local _, err, code = h.run("make -s install PREFIX=" .. h.q(prefix))
    assert.are.equal(0, code, err)
    local env = ("LUA_PATH=%s LUA_CPATH=%s "):format(h.q(prefix .. "/share/lua/5.4/?.lua;" .. prefix .. "/share/lua/5.4/?/init.lua;;"),
      h.q(prefix .. "/lib/lua/5.4/?.so;;"))
    local out
    out, err, code = h.run("cd / && " .. env .. [[lua5.4 -e 'local s = require "samtal"; print(s.open("]]
      .. os.getenv("PWD") .. [[/corpus"):count("nära vård"))']])
    assert.are.equal(0, code, err)
    -- the installed copy answers as the build tree does
    assert.are.equal(require("samtal").open("corpus"):count("nära vård"), tonumber(out))
    out, err, code = h.run("cd / && " .. h.q(prefix .. "/bin/samtal") .. " --version")
    assert.are.equal(0, code, err)
    assert.truthy(out:match("^samtal "))
    os.execute("rm -rf " .. h.q(prefix))
  end)
end)

describe("samtal index", function()
  after_each(h.cleanup)

  it("builds and saves an indexed corpus that samtal.open maps back", function()
    local out = h.tempfile("", ".samtal")
    local _, err, code = h.run(samtal_cmd .. " index corpus -o " .. h.q(out))
    assert.are.equal(0, code, err)
    assert.truthy(err:find("2 documents", 1, true))
    local samtal = require "samtal"
    local saved, fresh = samtal.open(out), samtal.open("corpus")
    assert.are.same(fresh:stats(), saved:stats())
    assert.are.equal(fresh:count("det vill säga"), saved:count("det vill säga"))
  end)

  it("explains its usage, and fails with status 2 on bad input", function()
    local out, _, code = h.run(samtal_cmd .. " index --help")
    assert.are.equal(0, code)
    assert.truthy(out:find("usage: samtal index", 1, true))
    local err
    _, err, code = h.run(samtal_cmd .. " index corpus")
    assert.are.equal(2, code)
    assert.truthy(err:find("usage: samtal index", 1, true))
    _, err, code = h.run(samtal_cmd .. " index corpus/none.txt -o /tmp/never.samtal")
    assert.are.equal(2, code)
    assert.truthy(err:find("cannot open corpus/none.txt", 1, true))
    _, err, code = h.run(samtal_cmd .. " index corpus -o /nonexistent-dir/x.samtal")
    assert.are.equal(2, code)
    assert.truthy(err:find("/nonexistent-dir/x.samtal", 1, true))
  end)
end)

describe("scripts/hedges.lua", function()
  after_each(h.cleanup)

  it("counts each speaker's hedges per 1,000 words, as queries with a speaker filter count them", function()
    local out, _, code = h.run(samtal_cmd .. " scripts/hedges.lua --format csv corpus")
    assert.are.equal(0, code)
    local samtal = require "samtal"
    local c = samtal.open("corpus")
    local hedges = { "liksom", "typ", "ju", "väl", "kanske", "nog", "lite", "alltså", "på något sätt", "eller så",
      "jag tror", "jag tänker" }
    local rows = 0
    for line in out:gmatch("[^\r\n]+") do
      local speaker, words, n, per1000 = line:match("^([^,]+),(%d+),(%d+),([%d.]+)")
      if speaker then
        rows = rows + 1
        local expected = 0
        for _, hedge in ipairs(hedges) do
          expected = expected + c:count(("%s @speaker = \"%s\""):format(hedge, speaker))
        end
        assert.are.equal(expected, tonumber(n), speaker)
        assert.is_true(math.abs(tonumber(per1000) - expected * 1000 / tonumber(words)) < 1e-6)
      end
    end
    assert.are.equal(#c:speakers(), rows)
  end)

  it("prints usage with --help and refuses no paths with status 2", function()
    local out, _, code = h.run(samtal_cmd .. " scripts/hedges.lua --help")
    assert.are.equal(0, code)
    assert.truthy(out:find("usage:", 1, true))
    _, _, code = h.run(samtal_cmd .. " scripts/hedges.lua")
    assert.are.equal(2, code)
  end)
end)

describe("scripts/uptake.lua", function()
  after_each(h.cleanup)

  -- by hand: ANNA says "samverkan" in turn 1, BO takes it up in turn 2 (+1), CARL in turn 3 (+2);
  -- BO says "viktigt" and "svårt" first (turn 2), ANNA takes up "viktigt" (turn 4, +2), CARL
  -- "svårt" (turn 3, +1). "pratar" and "idag" no one else says.
  local text = "ANNA: Vi pratar om samverkan idag.\n\nBO: Samverkan är viktigt och svårt.\n\n"
    .. "CARL: Svårt, ja. Samverkan.\n\nANNA: Viktigt!\n\nBO: Ja.\n\nCARL: Nej.\n"

  it("lists who introduced each word and who took it up, turns later", function()
    local path = h.tempfile(text, ".txt")
    local out, _, code = h.run(samtal_cmd .. " scripts/uptake.lua --stop 0 --words --format csv " .. path)
    assert.are.equal(0, code)
    local name = path:match("[^/]+$")
    assert.are.equal("doc,word,introduced_by,turn,taken_up_by\r\n"
      .. name .. ",samverkan,ANNA,1,BO (+1 turns); CARL (+2 turns)\r\n"
      .. name .. ",viktigt,BO,2,ANNA (+2 turns)\r\n"
      .. name .. ",svårt,BO,2,CARL (+1 turns)\r\n", out)
  end)

  it("sums up per speaker: words introduced, uptakes, mean turns to the first uptake", function()
    local path = h.tempfile(text, ".txt")
    local out, _, code = h.run(samtal_cmd .. " scripts/uptake.lua --stop 0 --format csv " .. path)
    assert.are.equal(0, code)
    assert.are.equal("speaker,introduced,taken_up,mean_turns_to_uptake\r\nBO,2,2,1.5\r\nANNA,1,2,1\r\n", out)
  end)

  it("leaves out the most frequent words and short ones, and checks its options", function()
    local path = h.tempfile(text, ".txt")
    local out = h.run(samtal_cmd .. " scripts/uptake.lua --stop 0 --min-length 8 --words --format csv " .. path)
    assert.are.equal(2, select(2, out:gsub("\n", ""))) -- header and samverkan
    out = h.run(samtal_cmd .. " scripts/uptake.lua --words --format csv corpus")
    assert.falsy(out:find(",vi,", 1, true))
    local _, err, code = h.run(samtal_cmd .. " scripts/uptake.lua --stop x " .. path)
    assert.are.equal(2, code)
    assert.truthy(err:find("usage:", 1, true))
  end)
end)
