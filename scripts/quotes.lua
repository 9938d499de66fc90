-- quotes.lua: publishable quotes: whole sentences that match a query, with attribution.
-- usage: samtal scripts/quotes.lua [--speaker S] [--min-words N] [--max-words N]
--                                  [--format markdown|csv|json] QUERY PATH...
-- Prints each quote as a Markdown block quote with its attribution line (or CSV, JSON), after
-- checking that its bytes are still in the source file; exit status 0 if found, 1 if not, 2 on
-- bad usage or input.
local samtal = require "samtal"

local usage = "usage: samtal scripts/quotes.lua [--speaker S] [--min-words N] [--max-words N]\n"
  .. "                                  [--format markdown|csv|json] QUERY PATH..."
local formats = { markdown = true, csv = true, json = true }
local args, opts, format = {}, {}, "markdown"

local function fail(msg)
  io.stderr:write(msg, "\n")
  os.exit(2)
end

local i = 1
while i <= #arg do
  local a = arg[i]
  if a == "--speaker" or a == "--min-words" or a == "--max-words" or a == "--format" then
    local v = arg[i + 1]
    if not v then fail(a .. " needs a value\n" .. usage) end
    if a == "--speaker" then
      opts.speaker = v
    elseif a == "--format" then
      if not formats[v] then fail("--format must be markdown, csv or json, not " .. v) end
      format = v
    else
      local n = math.tointeger(tonumber(v))
      if not n or n < 0 then fail(a .. " needs a whole number, not " .. v) end
      opts[a == "--min-words" and "min_words" or "max_words"] = n
    end
    i = i + 2
  elseif a == "-h" or a == "--help" then
    print(usage)
    os.exit(0)
  else
    args[#args + 1] = a
    i = i + 1
  end
end
if #args < 2 then fail(usage) end

opts.match = table.remove(args, 1)
local ok, corpus = pcall(samtal.open, args)
if not ok then fail("quotes: " .. tostring(corpus)) end
local found, list = pcall(corpus.quotes, corpus, opts)
if not found then fail("quotes: " .. tostring(list)) end
local checked, err = list:verify()
if not checked then fail("quotes: " .. tostring(err)) end
io.write(list[format](list))
os.exit(#list > 0 and 0 or 1)
