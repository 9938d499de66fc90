-- README.md's examples run, so that they cannot go stale: every fenced block is run or marked
-- `<!-- norun: why -->` on the line before its fence, and the marked ones are counted.
--
-- - ```lua blocks run as scripts of the samtal command with the argument `corpus` (so a
--   samtal.script{} declaration gets its PATH), after `c = samtal.open("corpus")` on their first
--   line (a block that shows `c:...` alone uses the corpus of the text around it). A line
--   `EXPR --> NUMBER` must give that number to the digits shown. `<!-- file: NAME -->` before a
--   block also saves it as NAME, for a command line below that runs it.
-- - ```sh blocks: each line runs in sh, and must be a samtal or lua5.4 command (VAR=value
--   assignments in front allowed); a trailing `# N` (a number alone) is its expected output.
-- - ``` blocks of a session (`samtal> ` lines) are typed into `samtal corpus` on stdin, and each
--   input's output must be the lines shown below it; blocks of `$ samtal ...` lines must print
--   (stdout, then stderr) the lines shown below each.
-- - a block marked `<!-- error-of: EXPR -->` is the message of the error the Lua expression EXPR
--   raises (with c the corpus).
--
-- Everything runs in a temporary directory that links corpus/, lua/, build/ and scripts/ of the
-- repository, so files the examples write land there; it also holds `other-podcast.csv`, the
-- reference frequency list an example names (samtal freq --format csv of one episode). Runs in
-- the plain pass only (#plain): the command is the same build in both passes.
local h = require "helpers"

local root = h.run("pwd"):gsub("\n$", "")

--- The fenced blocks of a Markdown text: {lang, lines, line (of the opening fence), marks}, marks
-- being the `<!-- key: value -->` comments on the lines right above the fence.
local function blocks_of(text)
  local out, lines = {}, {}
  for line in (text .. "\n"):gmatch("(.-)\n") do lines[#lines + 1] = line end
  local i = 1
  while i <= #lines do
    local lang = lines[i]:match("^```(%S*)%s*$")
    if lang then
      local b = { lang = lang, lines = {}, line = i, marks = {} }
      local j = i - 1
      while j > 0 and lines[j]:match("^<!%-%-.*%-%->%s*$") do
        local key, value = lines[j]:match("^<!%-%-%s*([%w-]+):?%s*(.-)%s*%-%->")
        if key then b.marks[key] = value end
        j = j - 1
      end
      i = i + 1
      while i <= #lines and not lines[i]:match("^```%s*$") do
        b.lines[#b.lines + 1] = lines[i]
        i = i + 1
      end
      assert(i <= #lines, "README.md:" .. b.line .. ": a fence that is never closed")
      out[#out + 1] = b
    end
    i = i + 1
  end
  return out
end

local function kind_of(b)
  if b.marks.norun then return "norun" end
  if b.marks["error-of"] then return "error" end
  if b.lang == "lua" then return "lua" end
  if b.lang == "sh" then return "sh" end
  if b.lang == "" and b.lines[1] and b.lines[1]:match("^samtal> ") then return "session" end
  if b.lang == "" and b.lines[1] and b.lines[1]:match("^%$ samtal ") then return "transcript" end
  return nil
end

local blocks = blocks_of(h.read("README.md"))

describe("README.md's examples #plain", function()
  local tmp
  --- Runs a shell command in the temporary directory, with samtal on PATH.
  local function sh(cmd)
    -- in a subshell of its own lines, so that a trailing # comment does not swallow the redirection
    return h.run(("cd %s && PATH=%s/build/bin:$PATH && (\n%s\n)"):format(h.q(tmp), h.q(tmp), cmd))
  end

  setup(function()
    tmp = h.run("mktemp -d"):gsub("\n$", "")
    for _, d in ipairs({ "corpus", "lua", "build", "scripts" }) do
      assert(os.execute(("ln -s %s/%s %s/%s"):format(h.q(root), d, h.q(tmp), d)))
    end
    local _, err, status = sh("samtal freq --format csv corpus/001_49eaf7069c1bee78.txt > other-podcast.csv")
    assert(status == 0, err)
  end)

  teardown(function()
    if tmp then os.execute("rm -rf " .. h.q(tmp)) end
  end)

  it("has every fenced block runnable or marked norun, and counts them", function()
    local counts, unknown = {}, {}
    for _, b in ipairs(blocks) do
      local kind = kind_of(b)
      if kind then
        counts[kind] = (counts[kind] or 0) + 1
      else
        unknown[#unknown + 1] = ("README.md:%d (```%s)"):format(b.line, b.lang)
      end
    end
    assert.are.same({}, unknown, "blocks neither runnable nor marked <!-- norun: why -->")
    -- the counts as they are; a change here is a change to the README's examples
    print(("\nREADME.md: %d lua, %d sh, %d session, %d transcript, %d error blocks run; %d marked norun"):format(
      counts.lua or 0, counts.sh or 0, counts.session or 0, counts.transcript or 0, counts.error or 0,
      counts.norun or 0))
    assert.truthy((counts.lua or 0) >= 6)
    assert.truthy((counts.norun or 0) <= 8, "more than 8 blocks marked norun")
  end)

  for _, b in ipairs(blocks) do
    local kind = kind_of(b)
    local where = ("README.md:%d"):format(b.line)

    if kind == "lua" then
      it("runs the Lua block at " .. where, function()
        if b.marks.file then
          local f = assert(io.open(tmp .. "/" .. b.marks.file, "wb"))
          f:write(table.concat(b.lines, "\n"), "\n")
          f:close()
        end
        local code, checks = {}, 0
        for n, line in ipairs(b.lines) do
          -- EXPR --> NUMBER: checked to the digits shown
          local expr, want = line:match("^(.-)%s*%-%->%s*(%-?[%d.]+)")
          if expr and tonumber(want) then
            local decimals = #(want:match("%.(%d+)") or "")
            line = ("__expect(%d, %q, %d, %s)"):format(b.line + n, want, decimals, expr)
            checks = checks + 1
          end
          code[n] = line
        end
        local prelude = "c = samtal.open('corpus'); function __expect(line, want, decimals, got) "
          .. "if type(got) ~= 'number' or math.abs(got - tonumber(want)) > 10 ^ -decimals then "
          .. "error(('README.md:%d: %s, not %s'):format(line, tostring(got), want), 0) end end; "
        local script = tmp .. "/readme_" .. b.line .. ".lua"
        local f = assert(io.open(script, "wb"))
        f:write(prelude, table.concat(code, "\n"), "\n")
        f:close()
        local out, err, status = sh("samtal " .. h.q(script) .. " corpus")
        assert.are.equal(0, status, where .. ": " .. err .. out)
        assert.are.equal("", err, where)
        if b.lines[1] and b.lines[1]:find("-->", 1, true) then assert.truthy(checks > 0, where) end
      end)

    elseif kind == "sh" then
      it("runs the command lines at " .. where, function()
        local ran = 0
        for n, line in ipairs(b.lines) do
          if line:match("%S") and not line:match("^%s*#") then
            local command = line:gsub("^%s*", ""):gsub("^%u[%w_]*='[^']*'%s+", ""):gsub("^%u[%w_]*='[^']*'%s+", "")
            assert.truthy(command:match("^samtal ") or command:match("^lua5%.4 "),
              ("README.md:%d: not a samtal or lua5.4 command (mark the block <!-- norun: why -->): %s")
                :format(b.line + n, line))
            local out, err, status = sh(line)
            assert.are.equal(0, status, ("README.md:%d: %s\n%s"):format(b.line + n, line, err))
            local want = line:match("#%s*(%d+)%s*$")
            if want then assert.are.equal(want .. "\n", out, ("README.md:%d: %s"):format(b.line + n, line)) end
            ran = ran + 1
          end
        end
        assert.truthy(ran > 0, where)
      end)

    elseif kind == "session" then
      it("gives the session's output shown at " .. where, function()
        local inputs, expected = {}, {}
        for _, line in ipairs(b.lines) do
          local input = line:match("^samtal> (.*)$")
          if input then
            inputs[#inputs + 1] = input
            expected[#inputs] = ""
          else
            expected[#inputs] = expected[#inputs] .. line .. "\n"
          end
        end
        local file = tmp .. "/session_" .. b.line .. ".lua"
        local f = assert(io.open(file, "wb"))
        f:write(table.concat(inputs, "\n"), "\n")
        f:close()
        local out, err, status = sh("samtal corpus < " .. h.q(file))
        assert.are.equal(0, status, err)
        local got = {}
        local rest = out:gsub("^.-\n.-\n", "") -- the summary line and the hint
        for piece in (rest .. "samtal> "):gmatch("(.-)samtal> ") do got[#got + 1] = piece end
        table.remove(got, 1) -- before the first prompt
        for i = 1, #inputs do
          assert.are.equal(expected[i], got[i], ("%s: the output of %s"):format(where, inputs[i]))
        end
      end)

    elseif kind == "error" then
      it("gives the error message shown at " .. where, function()
        local code = ("local c = samtal.open('corpus'); local ok, e = pcall(function() return %s end); "
          .. "assert(not ok, 'no error'); io.write(tostring(e))"):format(b.marks["error-of"])
        local out, err, status = sh("samtal -e " .. h.q(code))
        assert.are.equal(0, status, err)
        assert.are.equal(table.concat(b.lines, "\n"), out, where)
      end)

    elseif kind == "transcript" then
      it("gives the output shown for each command at " .. where, function()
        local cmds, expected = {}, {}
        for _, line in ipairs(b.lines) do
          local cmd = line:match("^%$ (samtal .*)$")
          if cmd then
            cmds[#cmds + 1] = cmd
            expected[#cmds] = ""
          else
            expected[#cmds] = expected[#cmds] .. line .. "\n"
          end
        end
        for i, cmd in ipairs(cmds) do
          local out, err = sh(cmd)
          assert.are.equal(expected[i], out .. err, where .. ": " .. cmd)
        end
      end)
    end
  end
end)
