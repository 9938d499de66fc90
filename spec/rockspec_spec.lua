-- samtal-scm-1.rockspec: Debian's luarocks builds a copy of the repository with `luarocks make`
-- into a temporary tree, offline, and what it installed works from there: the samtal command on
-- corpus/ and `require "samtal"` with the tree's paths only. It builds the whole core once (about
-- half a minute), so it runs in the plain pass of spec/run.sh only (tag #plain, which the asan run
-- of .busted excludes); it builds nothing in the repository itself.
local h = require "helpers"
local samtal = require "samtal"

local root = h.run("pwd"):gsub("\n$", "")
local corpus = root .. "/corpus"

describe("samtal-scm-1.rockspec #plain", function()
  local tmp, tree, made, log
  --- A command run with the tree's LUA_PATH, LUA_CPATH and PATH from `luarocks path`, in /.
  local function in_tree(cmd)
    return h.run(("cd / && eval \"$(luarocks --lua-version 5.4 path --tree %s)\" && "
      .. "PATH=%s/bin:$PATH && %s"):format(h.q(tree), h.q(tree), cmd))
  end

  setup(function()
    tmp = h.run("mktemp -d"):gsub("\n$", "")
    tree = tmp .. "/tree"
    -- the working tree as it is (uncommitted changes too), without build/ and .git
    assert(os.execute(("mkdir %s/src && tar -C %s --exclude=./build --exclude=./.git --exclude=./luarocks -cf - . "
      .. "| tar -C %s/src -xf -"):format(h.q(tmp), h.q(root), h.q(tmp))))
    local out, err, status = h.run(("cd %s/src && HOME=%s MAKEFLAGS=-j2 luarocks --lua-version 5.4 make "
      .. "--deps-mode=none --tree %s samtal-scm-1.rockspec"):format(h.q(tmp), h.q(tmp), h.q(tree)))
    made, log = status == 0, out .. err
  end)

  teardown(function()
    if tmp then os.execute("rm -rf " .. h.q(tmp)) end
  end)

  it("builds and installs with luarocks make, offline", function()
    assert.is_true(made, log)
    assert.falsy(log:find("Failed downloading", 1, true), log)
    assert.truthy(log:find("samtal scm-1 is now installed in " .. tree, 1, true), log)
    local list = h.run(("luarocks --lua-version 5.4 --tree %s list --porcelain"):format(h.q(tree)))
    assert.truthy(list:find("^samtal\tscm%-1\tinstalled\t"), list)
  end)

  it("installs samtal.core, every module of lua/samtal/ and the command into the tree", function()
    assert.is_true(made, log)
    assert.truthy(h.run("test -x " .. h.q(tree .. "/bin/samtal") .. " && echo yes"):find("yes"))
    assert.truthy(h.run("test -f " .. h.q(tree .. "/lib/lua/5.4/samtal/core.so") .. " && echo yes"):find("yes"))
    local modules = h.run("cd lua/samtal && ls *.lua")
    local n = 0
    for name in modules:gmatch("%S+") do
      n = n + 1
      assert.are.equal(h.read("lua/samtal/" .. name), h.read(tree .. "/share/lua/5.4/samtal/" .. name))
    end
    assert.truthy(n >= 17)
  end)

  it("gives a samtal command that runs subcommands and scripts on corpus/ from any directory", function()
    assert.is_true(made, log)
    local c = samtal.open("corpus")
    local out, err, status = in_tree("samtal speakers --format csv " .. h.q(corpus))
    assert.are.equal(0, status, err)
    local rows = select(2, out:gsub("\n", "")) - 1 -- a header, then a row per speaker
    assert.are.equal(#c:speakers(), rows)
    out, err, status = in_tree("samtal count 'nära vård' " .. h.q(corpus))
    assert.are.equal(0, status, err)
    assert.are.equal(c:count("nära vård") .. "\n", out)
    out = in_tree("command -v samtal")
    assert.are.equal(tree .. "/bin/samtal\n", out)
  end)

  it("gives a module that plain lua5.4 requires from the tree", function()
    assert.is_true(made, log)
    local code = [[
      local samtal = require "samtal"
      local c = samtal.open(arg[1])
      local hits = c:kwic("nära vård")
      print(package.searchpath("samtal", package.path), package.searchpath("samtal.core", package.cpath))
      print(#c:speakers(), #hits, hits[1].speaker)
    ]]
    local script = h.tempfile(code, ".lua")
    local out, err, status = in_tree("lua5.4 " .. h.q(script) .. " " .. h.q(corpus))
    h.cleanup()
    assert.are.equal(0, status, err)
    local c = samtal.open("corpus")
    local hits = c:kwic("nära vård")
    assert.are.equal(("%s\t%s\n%d\t%d\t%s\n"):format(tree .. "/share/lua/5.4/samtal/init.lua",
      tree .. "/lib/lua/5.4/samtal/core.so", #c:speakers(), #hits, hits[1].speaker), out)
  end)

  it("removes what it installed with luarocks remove", function()
    assert.is_true(made, log)
    local _, err, status = h.run(("HOME=%s luarocks --lua-version 5.4 --tree %s remove samtal")
      :format(h.q(tmp), h.q(tree)))
    assert.are.equal(0, status, err)
    assert.are.equal("", h.run("find " .. h.q(tree) .. " -name 'samtal*' -not -path '*/luarocks/*'"))
  end)
end)
