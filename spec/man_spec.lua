-- doc/samtal.1, the man page: renders without a warning (mandoc's lint, groff, man -l), carries
-- samtal's version, and describes every subcommand and every option the command's --help lists,
-- so that a new option cannot go undocumented silently; its examples run; make install installs
-- it. Runs in the plain pass only (#plain): it tests no C code.
local h = require "helpers"
local samtal = require "samtal"

local samtal_cmd = "build/bin/samtal"
local page = "doc/samtal.1"

--- The page as man shows it (plain text, as man writes it to a pipe), 100 columns wide.
local function rendered()
  return h.run("MANWIDTH=100 man -l " .. page)
end

--- The text of the section named title (up to the next section heading).
local function section(text, title)
  return text:match("\n" .. title .. "\n(.-)\n%u[%u ]+\n") or text:match("\n" .. title .. "\n(.*)$")
end

--- Whether text has option opt as a whole word ("--n" is not in "--no-verify").
local function has_option(text, opt)
  local at = 1
  while true do
    local s, e = text:find(opt, at, true)
    if not s then return false end
    local before, after = text:sub(s - 1, s - 1), text:sub(e + 1, e + 1)
    if not before:match("[%w%-]") and not after:match("[%w%-]") then return true end
    at = e + 1
  end
end

--- The option names a --help text lists (the lines that start with an option).
local function options_of(help)
  local opts = {}
  for line in help:gmatch("[^\n]+") do
    local first = line:match("^%s+(%-.*)$")
    if first then
      for opt in (first:match("^(%S+,?%s*%S*)") or ""):gmatch("%-%-?[%w][%w%-]*") do opts[#opts + 1] = opt end
    end
  end
  return opts
end

describe("doc/samtal.1 #plain", function()
  it("passes mandoc's lint and renders with groff and man without a warning", function()
    local out, err, status = h.run("mandoc -Tlint -Wwarning " .. page)
    assert.are.same({ "", "", 0 }, { out, err, status })
    out, err, status = h.run("groff -man -Tutf8 -ww -z " .. page)
    assert.are.same({ "", "", 0 }, { out, err, status })
    local text
    text, err, status = rendered()
    assert.are.same({ "", 0 }, { err, status })
    assert.truthy(text:find("^SAMTAL%(1%)"), text:sub(1, 200))
    for _, title in ipairs({ "NAME", "SYNOPSIS", "DESCRIPTION", "SUBCOMMANDS", "COMMON OPTIONS", "SANDBOX",
      "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO" }) do
      assert.truthy(section(text, title), "no section " .. title)
    end
    assert.truthy(section(text, "ENVIRONMENT"):find("NO_COLOR", 1, true))
    assert.truthy(section(text, "FILES"):find("~/.samtal_history", 1, true))
  end)

  it("has samtal's version", function()
    local version = h.read(page):match('\n%.TH SAMTAL 1 %S+ "samtal ([^"]+)"')
    assert.are.equal(samtal._VERSION, version)
  end)

  it("describes every subcommand of samtal --help and every option of each one's --help", function()
    local usage = h.run(samtal_cmd .. " --help")
    local list = usage:match("kwic,.-\n%s+samtal %-%-sandbox") or ""
    local names = {}
    for name in list:gmatch("(%a+)[,\n]") do names[#names + 1] = name end
    assert.are.same({ "kwic", "count", "freq", "collocates", "keywords", "quotes", "speakers", "index", "export" },
      names)
    local text = rendered()
    local subs, common = section(text, "SUBCOMMANDS"), section(text, "COMMON OPTIONS")
    for i, name in ipairs(names) do
      local from = subs:find("\n       samtal " .. name .. " ", 1, true)
      assert.truthy(from, "the man page has no paragraph for samtal " .. name)
      local next_sub = names[i + 1] and subs:find("\n       samtal " .. names[i + 1] .. " ", from, true)
      local own = subs:sub(from, next_sub or #subs)
      local help = h.run(samtal_cmd .. " " .. name .. " --help")
      local opts = options_of(help)
      assert.truthy(#opts >= 3, name .. ": " .. #opts .. " options in its --help")
      for _, opt in ipairs(opts) do
        assert.truthy(has_option(own, opt) or has_option(common, opt),
          ("samtal %s %s is in its --help but not in the man page (its paragraph or COMMON OPTIONS)"):format(name, opt))
      end
    end
    local sandbox = section(text, "SANDBOX")
    for opt in usage:match("samtal %-%-sandbox([^\n]*)"):gmatch("%-%-[%w%-]+") do
      assert.truthy(has_option(sandbox, opt), "--sandbox " .. opt .. " is not in the man page's SANDBOX")
    end
  end)

  it("has examples that run on corpus/", function()
    local tmp = h.run("mktemp -d"):gsub("\n$", "")
    assert(os.execute(("ln -s %s/corpus %s/corpus && mkdir %s/out"):format(h.q(h.run("pwd"):gsub("\n$", "")),
      h.q(tmp), h.q(tmp))))
    local src = h.read(page):match("\n%.SH EXAMPLES\n(.-)\n%.SH ")
    local n = 0
    for block in src:gmatch("\n%.EX\n(.-)\n%.EE") do
      for line in block:gmatch("[^\n]+") do
        local cmd = line:gsub("\\%-", "-"):gsub("\\%(aq", "'")
        if not cmd:find("their.lua", 1, true) then -- someone else's script: not here
          assert.truthy(cmd:match("^samtal "), cmd)
          local bin = h.run("pwd"):gsub("\n$", "") .. "/" .. samtal_cmd
          local out, err, status = h.run("cd " .. h.q(tmp) .. " && " .. h.q(bin) .. cmd:sub(7))
          assert.are.equal(0, status, cmd .. "\n" .. err)
          assert.truthy(#out > 0 or cmd:find(">", 1, true) or cmd:find(" index ", 1, true), cmd)
          n = n + 1
        end
      end
    end
    os.execute("rm -rf " .. h.q(tmp))
    assert.truthy(n >= 6, n)
  end)

  it("is installed by make install to $(PREFIX)/share/man/man1", function()
    local tmp = h.run("mktemp -d"):gsub("\n$", "")
    local out, err, status = h.run(("make -s install DESTDIR=%s PREFIX=/usr/local"):format(h.q(tmp)))
    local installed = status == 0 and h.read(tmp .. "/usr/local/share/man/man1/samtal.1")
    os.execute("rm -rf " .. h.q(tmp))
    assert.are.equal(0, status, out .. err)
    assert.are.equal(h.read(page), installed)
  end)
end)
