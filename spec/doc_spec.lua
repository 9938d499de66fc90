-- make doc: LDoc (Debian's lua-ldoc) writes the API reference to build/doc/ from the doc comments of
-- lua/samtal/*.lua without a warning; every function with a doc comment (the ones the session's
-- :help shows too) has its entry, so a comment LDoc silently drops is caught; a warning fails the
-- target. Runs in the plain pass only (#plain): it tests no C code.
local h = require "helpers"

local function pages()
  local list = {}
  for name in h.run("ls build/doc/modules"):gmatch("%S+") do list[name] = true end
  return list
end

--- The functions with a `---` doc comment right above them in a source (as samtal.help finds
-- them), each {owner, sep, name, line}.
local function documented(src)
  local out, block, n = {}, false, 0
  for line in (src .. "\n"):gmatch("(.-)\r?\n") do
    n = n + 1
    if line:match("^%-%-%-") and not line:match("^%-%-%-%-") then
      block = true
    elseif not (block and line:match("^%-%-")) then
      local owner, sep, fname = line:match("^function%s+([%a_][%w_]*)([.:])([%a_][%w_]*)")
      if block and owner and not fname:match("^__") then
        out[#out + 1] = { owner = owner, sep = sep, name = fname, line = n }
      end
      block = false
    end
  end
  return out
end

--- Whether an LDoc page has an entry (an anchor) for a function.
local function has_entry(html, ...)
  for _, name in ipairs({ ... }) do
    if html:find(('<a name = "%s"></a>'):format(name), 1, true) then return true end
  end
  return false
end

describe("make doc #plain", function()
  local out, err, status
  setup(function()
    out, err, status = h.run("make -s doc")
  end)

  it("runs LDoc over lua/samtal/ without a warning", function()
    assert.are.equal(0, status, out .. err)
    assert.are.equal("", err)
    assert.truthy(h.read("build/doc/index.html"):find("samtal API reference", 1, true))
  end)

  it("writes a page for every module, with the main entry points documented", function()
    local want = {
      ["samtal.html"] = { "open", "segment", "fold", "Corpus:kwic", "Corpus:count", "Corpus:speakers",
        "Corpus:turns", "Corpus:quotes", "Corpus:fingerprint", "Corpus:export" },
      ["samtal.stats.html"] = { "freq", "talk", "ngrams", "collocates", "keywords", "dispersion", "diversity" },
      ["samtal.hits.html"] = { "Hits:sort", "Hits:count", "Hits:csv", "Hits:html" },
      ["samtal.resulttable.html"] = { "ResultTable:csv", "ResultTable:sort", "ResultTable:head" },
      ["samtal.quotes.html"] = { "Quote:verify", "Quotes:markdown" },
      ["samtal.measures.html"] = { "association", "keyness", "dispersion" },
      ["samtal.sandbox.html"] = { "run" },
      ["samtal.script.html"] = { "Args:print" },
    }
    local have = pages()
    for file in h.run("ls lua/samtal/*.lua"):gmatch("%S+") do
      local mod = h.read(file):match("\n%-%- @module ([%w_.]+)")
      assert.truthy(mod, file .. " has no @module")
      assert.truthy(have[mod .. ".html"], "no page for " .. mod .. " (" .. file .. ")")
    end
    for page, names in pairs(want) do
      local html = h.read("build/doc/modules/" .. page)
      for _, name in ipairs(names) do
        assert.truthy(has_entry(html, name), page .. " has no entry " .. name)
      end
    end
    -- the doc comment's text, Markdown rendered: kwic's options and a code span
    local html = h.read("build/doc/modules/samtal.html")
    assert.truthy(html:find("A keyword-in-context concordance of a query.", 1, true))
    assert.truthy(html:find("<code>c:export(&quot;out.vrt&quot;)</code>", 1, true))
  end)

  it("has an entry for every function with a doc comment (none dropped by LDoc)", function()
    local n = 0
    for file in h.run("ls lua/samtal/*.lua"):gmatch("%S+") do
      local src = h.read(file)
      local mod = src:match("\n%-%- @module ([%w_.]+)")
      local html = h.read("build/doc/modules/" .. mod .. ".html")
      for _, f in ipairs(documented(src)) do
        n = n + 1
        assert.truthy(has_entry(html, f.name, f.owner .. f.sep .. f.name),
          ("%s:%d: %s%s%s has a doc comment but no entry in %s.html (a `--` on the comment's first "
            .. "line makes LDoc drop it)"):format(file, f.line, f.owner, f.sep, f.name, mod))
      end
    end
    assert.truthy(n > 100, n)
  end)

  it("fails on an LDoc warning", function()
    local tmp = h.run("mktemp -d"):gsub("\n$", "")
    assert(os.execute(("mkdir -p %s/lua && cp -r Makefile config.ld %s/ && cp -r lua/samtal %s/lua/")
      :format(h.q(tmp), h.q(tmp), h.q(tmp))))
    local f = assert(io.open(tmp .. "/lua/samtal/format.lua", "ab"))
    f:write("\n--- A function with a mistyped tag.\n-- @parm x\nlocal function broken(x) return x end\n")
    f:close()
    local o, e, code = h.run("make -s -C " .. h.q(tmp) .. " doc")
    os.execute("rm -rf " .. h.q(tmp))
    assert.are_not.equal(0, code, o .. e)
    assert.truthy((o .. e):find("unknown tag: 'parm'", 1, true), o .. e)
  end)
end)
