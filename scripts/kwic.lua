-- kwic.lua: a keyword-in-context concordance of a word or phrase.
-- usage: samtal scripts/kwic.lua [--width N] [--speaker NAME] [--case] QUERY PATH...
-- Prints every hit, aligned on the match; exit status 0 if found, 1 if not, 2 on bad usage.
local samtal = require "samtal"

local usage = "usage: samtal scripts/kwic.lua [--width N] [--speaker NAME] [--case] QUERY PATH..."
local args, opts = {}, {}
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--width" or a == "--speaker" then
    if not arg[i + 1] then
      io.stderr:write(a, " needs a value\n", usage, "\n")
      os.exit(2)
    end
    if a == "--width" then
      opts.width = math.tointeger(tonumber(arg[i + 1]))
      if not opts.width or opts.width < 0 then
        io.stderr:write("--width needs a whole number, not ", arg[i + 1], "\n")
        os.exit(2)
      end
    else
      opts.speaker = arg[i + 1]
    end
    i = i + 2
  elseif a == "--case" then
    opts.case = true
    i = i + 1
  elseif a == "-h" or a == "--help" then
    print(usage)
    os.exit(0)
  else
    args[#args + 1] = a
    i = i + 1
  end
end
if #args < 2 then
  io.stderr:write(usage, "\n")
  os.exit(2)
end

local query = table.remove(args, 1)
local ok, corpus = pcall(samtal.open, args)
if not ok then
  io.stderr:write("kwic: ", tostring(corpus), "\n")
  os.exit(2)
end
local found, hits = pcall(corpus.kwic, corpus, query, opts)
if not found then
  io.stderr:write("kwic: ", tostring(hits), "\n")
  os.exit(2)
end
print(hits)
os.exit(#hits > 0 and 0 or 1)
