--- samtal.repl: the interactive session of the samtal command (a simple one: read, evaluate,
-- print). Started as `samtal [PATH...]`; the paths are opened as the corpus `c`.
-- @module samtal.repl
local samtal = require "samtal"
local format = samtal.format

local function show(...)
  local n = select("#", ...)
  for i = 1, n do
    local v = select(i, ...)
    local mt = type(v) == "table" and getmetatable(v)
    print((mt and mt.__tostring) and tostring(v) or format.inspect(v))
  end
end

--- Compiles a chunk, first as an expression (so `c:count("x")` prints its value).
-- Returns the function, or nil and the error, with `incomplete` true if more input may fix it.
local function compile(src)
  local fn = load("return " .. src, "=stdin", "t")
  if fn then return fn end
  local err
  fn, err = load(src, "=stdin", "t")
  if fn then return fn end
  return nil, err, err:sub(-5) == "<eof>"
end

return function(...)
  local paths = { ... }
  if #paths > 0 then
    local ok, corpus = pcall(samtal.open, #paths == 1 and paths[1] or paths)
    if not ok then
      io.stderr:write("samtal: ", tostring(corpus), "\n")
      os.exit(2)
    end
    _G.c = corpus
    local s = corpus:stats()
    print(("samtal %s: %d documents, %d speakers, %d turns, %d tokens; the corpus is c")
      :format(samtal._VERSION, s.documents, #corpus:speakers(), s.turns, s.tokens))
  else
    print(("samtal %s: open a corpus with c = samtal.open(\"corpus\")"):format(samtal._VERSION))
  end
  print('Try c:kwic("word"), c:count("a phrase"), c:speakers(); Ctrl-D leaves.')
  local buffer = ""
  while true do
    io.write(buffer == "" and "samtal> " or "     >> ")
    io.flush()
    local line = io.read("L")
    if not line then
      io.write("\n")
      return
    end
    buffer = buffer .. line
    local fn, err, incomplete = compile(buffer)
    if fn then
      buffer = ""
      local results = table.pack(xpcall(fn, debug.traceback))
      if results[1] then
        show(table.unpack(results, 2, results.n))
      else
        print(results[2])
      end
    elseif not incomplete then
      buffer = ""
      print(err)
    end
  end
end
