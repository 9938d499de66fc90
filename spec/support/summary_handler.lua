-- A busted output handler: the usual terminal output, and the counts of this run appended to
-- the file named by $SAMTAL_COUNTS ("passed failed" on one line) for spec/run.sh to add up.
return function(options)
  local busted = require "busted"
  local style = os.getenv("SAMTAL_PLAIN") and "plainTerminal" or "utfTerminal"
  local inner = require("busted.outputHandlers." .. style)(options)
  busted.subscribe({ "suite", "end" }, function()
    local path = os.getenv("SAMTAL_COUNTS")
    if path then
      local f = assert(io.open(path, "a"))
      f:write(("%d %d\n"):format(inner.successesCount, inner.failuresCount + inner.errorsCount))
      f:close()
    end
    return nil, true
  end)
  return inner
end
