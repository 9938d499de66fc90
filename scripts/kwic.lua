-- kwic.lua: a keyword-in-context concordance of a query (a word, a phrase, any query).
-- usage: samtal scripts/kwic.lua [--width N] [--speaker NAME] [--case] [--sort LEVELS]
--                                [--format text|csv|tsv|json] QUERY PATH...
-- Prints every hit, aligned on the match (highlighted on a terminal unless NO_COLOR is set);
-- exit status 0 if found, 1 if not, 2 on bad usage or input.
local samtal = require "samtal"
local core = require "samtal.core"

local usage = "usage: samtal scripts/kwic.lua [--width N] [--speaker NAME] [--case] [--sort R1,L1]\n"
  .. "                                [--format text|csv|tsv|json] QUERY PATH..."
local formats = { text = true, csv = true, tsv = true, json = true }
local args, opts = {}, {}
local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--width" or a == "--speaker" or a == "--sort" or a == "--format" then
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
    elseif a == "--speaker" then
      opts.speaker = arg[i + 1]
    elseif a == "--sort" then
      opts.sort = {}
      for level in arg[i + 1]:gmatch("[^,]+") do opts.sort[#opts.sort + 1] = level end
    else
      opts.format = arg[i + 1]
      if not formats[opts.format] then
        io.stderr:write("--format must be text, csv, tsv or json, not ", opts.format, "\n")
        os.exit(2)
      end
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
local sort, format = opts.sort, opts.format or "text"
opts.sort, opts.format = nil, nil
local found, hits = pcall(corpus.kwic, corpus, query, opts)
if found and sort then found, hits = pcall(hits.sort, hits, table.unpack(sort)) end
if not found then
  io.stderr:write("kwic: ", tostring(hits), "\n")
  os.exit(2)
end
if format == "text" then
  print(hits:text { color = core.isatty(1) and not os.getenv("NO_COLOR") })
else
  io.write(hits[format](hits))
end
os.exit(#hits > 0 and 0 or 1)
