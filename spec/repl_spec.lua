-- The session of the samtal command: completion, showing values, the session's commands, help,
-- and the command itself driven in a pseudo-terminal (spec/support/pty_session.py) as a person
-- types into it.
local h = require "helpers"
local samtal = require "samtal"
local repl = require "samtal.repl"
local help = require "samtal.help"

local samtal_cmd = "build/bin/samtal"

local c = samtal.open("corpus")

--- Globals for completion: a corpus, a concordance and a result table, over _G.
local function env_with(extra)
  local env = { c = c, samtal = samtal }
  for k, v in pairs(extra or {}) do env[k] = v end
  return setmetatable(env, { __index = _G })
end

--- A fresh empty directory (removed by rm_dirs()).
local dirs = {}
local function tempdir()
  local d = h.tmpname()
  os.remove(d)
  assert(os.execute("mkdir -p " .. h.q(d)))
  dirs[#dirs + 1] = d
  return d
end
local function rm_dirs()
  for _, d in ipairs(dirs) do os.execute("rm -rf " .. h.q(d)) end
  dirs = {}
end

describe("samtal.repl", function()
  describe("complete()", function()
    it("completes globals, and a function's name with its parenthesis", function()
      local env = env_with()
      assert.are.same({ "print(" }, (repl.complete("pri", env)))
      assert.are.same({ "open(" }, (repl.complete("x = samtal.op", env)))
      local cands, word = repl.complete("for i = 1, 3 do prin", env)
      assert.are.same({ "print(" }, cands)
      assert.are.equal("prin", word)
      assert.are.same({ "function" }, (repl.complete("local f = fun", env)))
    end)

    it("completes a corpus's methods after ':', those written in Lua and in C", function()
      local env = env_with()
      local cands, word = repl.complete("c:kw", env)
      assert.are.same({ "kwic(" }, cands) -- kwic_hits( waits for the underscore
      assert.are.equal("kw", word)
      assert.are.same({ "freq(" }, (repl.complete("c:fre", env)))      -- samtal.stats
      assert.are.same({ "talk(", "tally(" }, (repl.complete("c:tal", env)))
      assert.are.same({ "stats(" }, (repl.complete("c:stat", env)))   -- binding.c
      assert.are.same({ "kwic(" }, (repl.complete("samtal.Corpus.kwic", env)))
      assert.are.same({ "kwic_hits(" }, (repl.complete("samtal.Corpus.kwic_", env)))
    end)

    it("completes fields after '.', methods only after ':', also of a lazy result table", function()
      local env = env_with { hits = c:kwic("nära"), res = c:freq() }
      assert.are.same({ "query" }, (repl.complete("hits.que", env)))
      assert.are.same({ "sort(" }, (repl.complete("hits:so", env)))
      assert.are.same({}, (repl.complete("hits:que", env)))
      assert.are.same({ "head(" }, (repl.complete("res:he", env)))
      assert.truthy(#repl.complete("res:", env) >= 8)
    end)

    it("completes speaker names inside strings, with the closing quote", function()
      local env = env_with()
      local cands, word = repl.complete('c:kwic("x", {speaker = "LE', env)
      assert.are.same({ 'LENA"' }, cands)
      assert.are.equal("LE", word)
      assert.are.same({ "Speaker 1'", "Speaker 2'", "Speaker 3'" },
        (repl.complete("c:freq{speaker = 'Spe", env)))
      assert.are.same({ 'MAGNUS"' }, (repl.complete('c:talk{speaker = {"LENA", "MA', env)))
      assert.are.same({ 'LISBETH"' }, (repl.complete([[c:count('vård @speaker = "LI]], env)))
      assert.are.same({ 'LENA"' }, (repl.complete('c:kwic("nära"):filter(function(x) return x.speaker == "LE', env)))
      assert.are.same({ 'LENA"' }, (repl.complete('c:kwic("x", {speaker = "le', env))) -- no case matches: any case
    end)

    it("completes field names and option words inside strings where they are known", function()
      local env = env_with { hits = c:kwic("nära"), res = c:freq() }
      assert.are.same({ 'speaker"' }, (repl.complete('hits:sort("spe', env)))
      assert.are.same({ 'R1"', 'R2"', 'R3"' }, (repl.complete('hits:sort("L1", "R', env)))
      assert.are.same({ 'freq"' }, (repl.complete('res:sort("fr', env)))
      assert.are.same({ 'stem"' }, (repl.complete('c:freq{by = "st', env)))
      assert.are.same({ '000_e744d110473e4ebd.txt"' }, (repl.complete('c:talk{doc = "000', env)))
    end)

    it("completes nothing where the string's content is not known, nor in a comment", function()
      local env = env_with()
      assert.are.same({}, (repl.complete('c:kwic("nä', env)))
      assert.are.same({}, (repl.complete("x = 1 -- c:kw", env)))
      assert.are.same({}, (repl.complete("", env)))
      assert.are.same({}, (repl.complete("f().x", env)))
      assert.are.same({}, (repl.complete("nosuch:x", env)))
    end)

    it("completes the session's commands and help topics, and asks for file names after :load", function()
      assert.are.same({ "help " }, (repl.complete(":he")))
      local topics = repl.complete(":help kw")
      assert.truthy(topics[1] == "kwic", table.concat(topics, " "))
      assert.are.equal("files", (repl.complete(":load spec/su")))
      assert.are.equal("files", (repl.complete(":save ")))
    end)
  end)

  describe("readline_matches()", function()
    it("gives where the word starts, then readline's matches with their common prefix first", function()
      local env = env_with()
      local line = 'c:kwic("x", {speaker = "Spe'
      local start = repl.readline_matches(line, nil, env)
      assert.are.equal(#line - 3, start)
      assert.are.same({ "Speaker ", 'Speaker 1"', 'Speaker 2"', 'Speaker 3"' }, repl.readline_matches(line, start, env))
      -- readline's word may start elsewhere (its own word breaks): the matches are shifted to it
      assert.are.same({ 'aker 1"', 'aker 2"', 'aker 3"' }, { table.unpack(repl.readline_matches(line, start + 3, env), 2) })
      assert.are.same({ "c:kwic(" }, repl.readline_matches("c:kw", 0, env))
    end)
  end)

  describe("show()", function()
    it("shows a concordance aligned, cut after 20 hits with how many more", function()
      local hits = c:kwic("nära")
      assert.truthy(#hits > 20)
      local text = repl.show(hits)
      local lines = {}
      for l in text:gmatch("[^\n]+") do lines[#lines + 1] = l end
      assert.are.equal(21, #lines)
      assert.are.equal(("… %d more (%d hits; print() shows them all)"):format(#hits - 20, #hits), lines[21])
      local function column(l) return utf8.len(l:sub(1, l:find("[", 1, true))) end
      for i = 1, 20 do assert.are.equal(column(lines[1]), column(lines[i]), lines[i]) end
      assert.are.equal(tostring(c:kwic("samverkan")), repl.show(c:kwic("samverkan")))
    end)

    it("shows result tables through their own cut, plain tables compactly and cut", function()
      assert.are.equal(tostring(c:freq()), repl.show(c:freq()))
      assert.are.equal("{1, 2, 3}", repl.show { 1, 2, 3 })
      assert.are.equal('{a = {b = {…}}}', repl.show { a = { b = { c = 1 } } })
      local long = {}
      for i = 1, 100 do long[i] = i * 1000 end
      local text = repl.show(long)
      assert.truthy(text:find("… 80 more", 1, true), text)
      assert.are.equal(22, select(2, text:gsub("\n", ""))) -- {, 20 entries, … 80 more, }: 23 lines
      local speakers = repl.show(c:speakers())
      assert.truthy(speakers:find('\n  {documents = {"000_e744d110473e4ebd.txt"}, name = "LENA", ',
        1, true), speakers)
    end)

    it("cuts long text after 40 lines and long lines after 1000 characters", function()
      local text = repl.show(("line\n"):rep(99) .. "last")
      assert.are.equal(41, select(2, text:gsub("\n", "")) + 1)
      assert.truthy(text:find("… 60 more lines$"))
      assert.truthy(repl.show(("x"):rep(1500)):find("… 500 more characters$"))
      assert.are.equal(("x"):rep(1500), repl.show(("x"):rep(1500), true))
      assert.are.equal("42", repl.show(42))
      assert.are.equal("nil", repl.show(nil))
    end)
  end)

  describe("session", function()
    after_each(h.cleanup)

    local function session(paths)
      local out = {}
      local env = env_with()
      local s = repl.session { env = env, write = function(text) out[#out + 1] = text end, paths = paths }
      local function feed(line)
        out = {}
        local going = s:feed(line)
        return table.concat(out), going
      end
      return s, feed, env
    end

    it("shows an expression's value without return, and runs statements silently", function()
      local _, feed, env = session()
      assert.are.equal("6\n", feed('c:count("tillgänglighet")'))
      assert.are.equal("", feed("x = 41"))
      assert.are.equal(41, env.x)
      assert.are.equal("42\n", feed("= x + 1"))
      assert.are.equal("1\n2\n", feed("1, 2"))
      assert.are.equal("nil\n", feed("nosuch"))
    end)

    it("continues an unfinished function or table on the next line, with the continuation prompt", function()
      local s, feed, env = session()
      assert.are.equal("samtal> ", s:prompt())
      assert.are.equal("", feed("function twice(x)"))
      assert.are.equal("     >> ", s:prompt())
      assert.are.equal("", feed("  return 2 * x"))
      assert.are.equal("", feed("end"))
      assert.are.equal("samtal> ", s:prompt())
      assert.are.equal("", feed("t = {"))
      assert.are.equal("", feed("1, twice(2) }"))
      assert.are.same({ 1, 4 }, env.t)
      feed("y = {")
      s:reset() -- Ctrl-C at the continuation prompt
      assert.are.equal("samtal> ", s:prompt())
      assert.are.equal("3\n", feed("1 + 2"))
    end)

    it("prints an error's message and a short traceback of the user's code, and keeps its state", function()
      local _, feed = session()
      feed("x = 1")
      local out, going = feed('local function f() error("boom") end f()')
      assert.is_true(going)
      assert.are.equal('stdin:1: boom\nstack traceback:\n\tstdin:1: in local \'f\'\n\tstdin:1: in main chunk\n', out)
      assert.truthy(feed("x = = 2"):find("unexpected symbol", 1, true))
      assert.are.equal("1\n", feed("x"))
      assert.are.equal("interrupted\n", feed('error("interrupted", 0)')) -- as term.call's Ctrl-C raises it
    end)

    it("ends on :quit, and names an unknown command", function()
      local _, feed = session()
      assert.truthy(feed(":frob"):find(":frob is no command", 1, true))
      local _, going = feed(":quit")
      assert.is_false(going)
      assert.is_false(select(2, feed(":q")))
    end)

    it(":load runs a file in the session", function()
      local _, feed, env = session()
      local path = h.tempfile("loaded = (loaded or 0) + 1\nreturn 'done'\n", ".lua")
      assert.are.equal("done\n", feed(":load " .. path))
      assert.are.equal(1, env.loaded)
      assert.truthy(feed(":load /no/such.lua"):find("cannot open /no/such.lua", 1, true))
    end)

    it(":save writes the inputs that ran as a script that runs them again", function()
      local _, feed = session { "corpus" }
      feed("n = c:count('nära vård')")
      feed("n * 2")
      feed("error('left out')")
      feed("t = {")
      feed("  n, 1 }")
      feed("table.insert(t, 3)") -- no value: saved as a statement
      feed("#t")
      feed("c:kwic('samverkan', {width = 2})")
      local path = h.tempfile("", ".lua")
      assert.are.equal(("saved 6 inputs to %s (run it: samtal %s)\n"):format(path, path), feed(":save " .. path))
      local script = h.read(path)
      assert.falsy(script:find("left out", 1, true))
      assert.truthy(script:find('c = samtal.open("corpus")\n', 1, true))
      local out, err, code = h.run(samtal_cmd .. " " .. path)
      assert.are.equal(0, code, err)
      local n = c:count("nära vård")
      assert.are.equal(tostring(n * 2) .. "\n3\n" .. tostring(c:kwic("samverkan", { width = 2 })) .. "\n", out)
    end)

    it(":help shows the overview, and a function's doc comment from its source", function()
      local _, feed = session()
      local overview = feed(":help")
      for _, name in ipairs { "samtal.open(", "c:kwic(", "c:freq(", "c:tally(", ":load FILE", ":save FILE" } do
        assert.truthy(overview:find(name, 1, true), name)
      end
      local kwic = feed(":help kwic")
      assert.truthy(kwic:find("^c:kwic%(q, opts%)\n  A keyword%-in%-context concordance of a query%.\n"), kwic)
      assert.truthy(feed(":help hits:sort"):find("^hits:sort%("))
      assert.truthy(feed(":help blåbär"):find("no help for blåbär", 1, true))
    end)
  end)
end)

describe("samtal.help", function()
  it("documents every main function with the --- comment above it in the source", function()
    local sources = {}
    for _, m in ipairs { "init", "stats", "quotes" } do sources[#sources + 1] = h.read("lua/samtal/" .. m .. ".lua") end
    local all = table.concat(sources, "\n")
    for _, name in ipairs { "open", "kwic", "count", "freq", "collocates", "keywords", "ngrams", "quotes",
      "quotations", "dispersion", "talk", "tokens", "tally" } do
      local text = help.topic(name)
      local signature, first = text:match("^([^\n]+)\n  ([^\n]+)")
      assert.truthy(signature, name .. ": " .. text)
      assert.truthy(signature:find("^c:" .. name .. "%(") or signature:find("^samtal%." .. name .. "%("), signature)
      assert.truthy(all:find("\n--- " .. first, 1, true), name .. ": " .. first)
    end
  end)

  it("reads functions, methods and their doc blocks from a source", function()
    local entries = help.extract(table.concat({
      "--- Counts a thing.", "-- More about it.", "function Corpus:count(q, opts) end", "",
      "--- A statistic.", "function stats.freq(c, opts) end",
      "-- not a doc block", "function stats.other() end",
      "--- Sorts.", "function Hits:sort(...) end",
      "--- A private one.", "local function private() end",
    }, "\n"), "x.lua")
    assert.are.same({ "c:count", "c:freq", "hits:sort" }, { entries[1].name, entries[2].name, entries[3].name })
    assert.are.equal(3, #entries)
    assert.are.same({ "Counts a thing.", "More about it." }, entries[1].doc)
    assert.are.equal("opts", entries[2].params)
    assert.are.equal("x.lua:3", entries[1].where)
  end)
end)

-- The command in a pseudo-terminal --------------------------------------------------------------

--- Runs `samtal ARGS` in a pseudo-terminal with HOME at `home`, typing the steps: {"send", keys}
-- ({"send", "c:kw\t"}: \t Tab, \r Enter, \x03 Ctrl-C, \x04 Ctrl-D, \e[A Up), {"expect", text}
-- (waits for text, 20 s at most). Returns the terminal's text and the exit status line.
local function terminal(home, args, steps)
  local lines = {}
  for i, s in ipairs(steps) do
    lines[i] = s[1] .. " " .. s[2]:gsub("[%c\\]", function(ch)
      return ch == "\\" and "\\\\" or ("\\x%02x"):format(ch:byte())
    end)
  end
  local file = h.tempfile(table.concat(lines, "\n") .. "\n", ".steps")
  local out = h.run(("env -u LD_PRELOAD -u INPUTRC HOME=%s TERM=xterm python3 spec/support/pty_session.py %s %s %s")
    :format(h.q(home), h.q(file), samtal_cmd, args))
  local status = out:match("\nexit (%S+)\n$")
  return out, status
end

local function send(keys) return { "send", keys } end
local function expect(text) return { "expect", text } end

describe("samtal session in a terminal", function()
  after_each(function()
    h.cleanup()
    rm_dirs()
  end)

  it("completes a method and a speaker name with Tab", function()
    local out, status = terminal(tempdir(), "corpus", {
      expect "samtal> ",
      send 'c:kw\t"nära", {speaker = "LE\t, width = 2})\r',
      expect "3 hits",
      expect "samtal> ",
      send "\x04",
    })
    assert.are.equal("0", status, out)
    assert.truthy(out:find('samtal> c:kwic("nära", {speaker = "LENA", width = 2})', 1, true), out)
    local hits = 0
    for line in out:gmatch("[^\n]+") do
      if line:find("[nära]", 1, true) or line:find("[Nära]", 1, true) then
        hits = hits + 1
        assert.truthy(line:find(" LENA ", 1, true), line)
      end
    end
    assert.are.equal(3, hits)
  end)

  it("lists the candidates on a second Tab", function()
    local out, status = terminal(tempdir(), "corpus", {
      expect "samtal> ",
      send "c:collocate\t\t",
      expect "collocates(",
      send "\x03",
      expect "^C", -- then the next prompt: a Ctrl-D typed before it would be the terminal's, and lost
      expect "samtal> ",
      send "\x04",
    })
    assert.are.equal("0", status, out)
    assert.truthy(out:find("collocate_counts(", 1, true), out)
  end)

  it("recalls an earlier session's line with Up, from the history file in $HOME", function()
    local home = tempdir()
    local out, status = terminal(home, "corpus", {
      expect "samtal> ",
      send 'c:count("tillgänglighet") + 1000\r',
      expect "1006",
      expect "samtal> ",
      send "\x04",
    })
    assert.are.equal("0", status, out)
    assert.are.equal('c:count("tillgänglighet") + 1000\n', h.read(home .. "/.samtal_history"))
    out, status = terminal(home, "corpus", {
      expect "samtal> ",
      send "\27[A\r",
      expect "1006",
      expect "samtal> ",
      send "\x04",
    })
    assert.are.equal("0", status, out)
    assert.truthy(out:find('samtal> c:count("tillgänglighet") + 1000\n1006\n', 1, true), out)
  end)

  it("prints an error and goes on with its state; continues unfinished input on the next line", function()
    local out, status = terminal(tempdir(), "corpus", {
      expect "samtal> ",
      send "x = 41\r",
      expect "samtal> ",
      send 'error("boom")\r',
      expect "stdin:1: boom",
      expect "samtal> ",
      send "function add(a, b)\r",
      expect "     >> ",
      send "  return a + b\r",
      expect "     >> ",
      send "end\r",
      expect "samtal> ",
      send "add(x, 1) * 100\r",
      expect "4200",
      expect "samtal> ",
      send "\x04",
    })
    assert.are.equal("0", status, out)
    assert.truthy(out:find("stdin:1: boom\nstack traceback:\n\tstdin:1: in main chunk\n", 1, true), out)
  end)

  it("stops a long query with Ctrl-C and stays; Ctrl-C at the prompt drops the line", function()
    local out, status = terminal(tempdir(), "corpus", {
      expect "samtal> ",
      send 'print("loop" .. "ing") for i = 1, 1e10 do end\r', -- the echo of the line is no "looping"
      expect "looping",
      send "\x03",
      expect "interrupted",
      expect "samtal> ",
      send "t = {\r",
      expect "     >> ",
      send "\x03",
      expect "samtal> ",
      send "t\r", -- the unfinished table was dropped: t is nil
      expect "nil",
      send 'c:count("nära") + 7000\r',
      expect(tostring(c:count("nära") + 7000)),
      expect "samtal> ",
      send "\x04",
    })
    assert.are.equal("0", status, out)
    assert.truthy(out:find("interrupted\n", 1, true), out)
    assert.truthy(out:find("\n" .. (c:count("nära") + 7000) .. "\n", 1, true), out)
  end)

  it("shows :help kwic, saves the session with :save, and leaves on Ctrl-D", function()
    local dir = tempdir()
    local script = dir .. "/session.lua"
    local out, status = terminal(dir, "corpus", {
      expect "samtal> ",
      send ":help kwic\r",
      expect "A keyword-in-context concordance of a query.",
      expect "samtal> ",
      send 'n = c:count("nära vård")\r',
      expect "samtal> ",
      send "n + 1\r",
      expect "samtal> ",
      send(":save " .. script .. "\r"),
      expect "saved 2 inputs",
      expect "samtal> ",
      send "\x04",
    })
    assert.are.equal("0", status, out)
    assert.truthy(out:find("c:kwic(q, opts)", 1, true), out)
    local n = c:count("nära vård")
    assert.truthy(out:find("\n" .. (n + 1) .. "\n", 1, true), out)
    local ran, err, code = h.run(samtal_cmd .. " " .. h.q(script))
    assert.are.equal(0, code, err)
    assert.are.equal((n + 1) .. "\n", ran)
  end)
end)
