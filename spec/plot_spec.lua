-- Dispersion plots as SVG: one tick per hit where pos/length puts it, counts and rates on the
-- right, every text escaped, well-formed XML (checked by Python's parser), and the errors.
local plot = require "samtal.plot"
local h = require "helpers"

--- The strips of an SVG as Lua reads them back: label, frame {x, y, width, height}, tick
-- positions {x, y, height}, the two numbers on the right, and the tooltip.
local function strips_of(svg)
  local out = {}
  for body in svg:gmatch('<g class="strip">(.-)</g>') do
    local s = { ticks = {} }
    s.tooltip = body:match("<title>(.-)</title>")
    local texts = {}
    for t in body:gmatch("<text[^>]*>(.-)</text>") do texts[#texts + 1] = t end
    s.label, s.hits, s.rate = texts[1], texts[2], texts[3]
    local x, y, w, hgt = body:match('<rect class="frame" x="([%d.]+)" y="(%d+)" width="([%d.]+)" height="(%d+)"')
    s.frame = { x = tonumber(x), y = tonumber(y), width = tonumber(w), height = tonumber(hgt) }
    local d = body:match('<path class="hits" d="([^"]*)"')
    if d then
      for tx, ty, th in d:gmatch("M([%d.]+) (%d+)v(%d+)") do
        s.ticks[#s.ticks + 1] = { x = tonumber(tx), y = tonumber(ty), height = tonumber(th) }
      end
      assert.are.equal("", (d:gsub("M[%d.]+ %d+v%d+", ""))) -- nothing in the path but ticks
    end
    out[#out + 1] = s
  end
  return out
end

--- Parses a written SVG with Python's XML parser; returns its report (fails if not well-formed).
local function python_check(path)
  local script = [[
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
svg = doc.documentElement
print(svg.tagName, svg.getAttribute("xmlns"), svg.getAttribute("version"), svg.getAttribute("viewBox"))
print(svg.getElementsByTagName("title")[0].firstChild.data)
for g in svg.getElementsByTagName("g"):
    label = g.getElementsByTagName("text")[0].firstChild.data
    ticks = sum(p.getAttribute("d").count("M") for p in g.getElementsByTagName("path"))
    print(label, ticks, sep="|")
]]
  local out, err, code = h.run("python3 -c " .. h.q(script) .. " " .. h.q(path))
  assert(code == 0, "not well-formed: " .. err)
  return out
end

local function near(want, got)
  assert(math.abs(want - got) < 0.006, ("expected %s, got %s"):format(want, got))
end

describe("samtal.plot", function()
  after_each(h.cleanup)

  describe("svg()", function()
    local strips = {
      { label = "intervju1.txt", length = 200, hits = { 0, 50, 100, 199 } },
      { label = "intervju2.txt", length = 1000, hits = { 999, 1 } },
      { label = "tom.txt", length = 40, hits = {} },
    }

    it("draws one strip per document and one tick per hit at pos/length of the strip", function()
      local got = strips_of(plot.svg(strips, { title = "jag" }))
      assert.are.equal(3, #got)
      for n, s in ipairs(got) do
        local want = strips[n]
        assert.are.equal(want.label, s.label)
        assert.are.equal(#want.hits, #s.ticks)
        for i, pos in ipairs(want.hits) do
          local t = s.ticks[i]
          near(s.frame.x + s.frame.width * pos / want.length, t.x)
          assert.are.equal(s.frame.y, t.y) -- a tick spans the strip's height
          assert.are.equal(s.frame.height, t.height)
        end
      end
      assert.is_nil(plot.svg(strips):find('class="hits" d=""', 1, true)) -- no empty path for tom.txt
    end)

    it("puts the first strip's ticks at the coordinates the layout gives", function()
      -- 800 px: numbers right of 790 and 720, strips end 50 px before; labels 13 code points * 7 px
      local s = strips_of(plot.svg(strips))[1]
      assert.are.same({ x = 111, y = s.frame.y, width = 559, height = 20 }, s.frame)
      local xs = {}
      for i, t in ipairs(s.ticks) do xs[i] = t.x end
      assert.are.same({ 111, 250.75, 390.5, 667.21 }, xs)
    end)

    it("aligns the strips of every document on the same x axis", function()
      local got = strips_of(plot.svg(strips))
      for _, s in ipairs(got) do
        assert.are.equal(got[1].frame.x, s.frame.x)
        assert.are.equal(got[1].frame.width, s.frame.width)
      end
      assert(got[2].frame.y > got[1].frame.y and got[3].frame.y > got[2].frame.y)
    end)

    it("shows the hit count and the hits per 1000 tokens on the right, or count when given", function()
      local got = strips_of(plot.svg {
        { label = "a", length = 200, hits = { 1, 2, 3 } },
        { label = "b", length = 3000, hits = { 7 }, count = 4 },
        { label = "c", length = 0, hits = {} },
      })
      assert.are.same({ "3", "15.00" }, { got[1].hits, got[1].rate })
      assert.are.same({ "4", "1.33" }, { got[2].hits, got[2].rate })
      assert.are.same({ "0", "-" }, { got[3].hits, got[3].rate })
      assert.are.equal("a: 3 hits in 200 tokens", got[1].tooltip)
      assert.are.equal("b: 4 hits in 3000 tokens", got[2].tooltip)
    end)

    it("is SVG 1.1 with xmlns, viewBox, width, height and a title naming the query", function()
      local svg = plot.svg(strips, { title = "jag" })
      assert.matches('^<%?xml version="1.0" encoding="UTF%-8"%?>\n<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        .. 'width="800" height="%d+" viewBox="0 0 800 %d+"', svg)
      assert.matches("\n<title>Dispersion plot: jag</title>\n", svg)
      assert.matches(">jag</text>", svg)
      assert.matches("<desc>3 documents, 6 hits;", svg)
      assert.matches("\n</svg>\n$", svg)
      assert.matches("\n<title>Dispersion plot</title>\n", plot.svg(strips))
    end)

    it("scales to the width asked for", function()
      local svg = plot.svg(strips, { width = 1200 })
      assert.matches('width="1200" height="%d+" viewBox="0 0 1200 %d+"', svg)
      local s = strips_of(svg)[1]
      assert.are.equal(111, s.frame.x)
      assert.are.equal(1200 - 10 - 70 - 50 - 111, s.frame.width)
      near(s.frame.x + s.frame.width * 199 / 200, s.ticks[4].x)
    end)

    it("escapes & < > \" ' in labels and the title", function()
      local svg = plot.svg({ { label = [[a&b <c> "d" 'e']], length = 5, hits = { 2 } } }, { title = [[<"x" & 'y'>]] })
      assert.matches("<title>Dispersion plot: &lt;&quot;x&quot; &amp; &apos;y&apos;&gt;</title>", svg, 1, true)
      assert.matches(">a&amp;b &lt;c&gt; &quot;d&quot; &apos;e&apos;</text>", svg, 1, true)
      assert.is_nil(svg:find("<c>", 1, true))
      assert.is_nil(svg:find("& ", 1, true))
    end)

    it("cuts a long label with an ellipsis and keeps it whole in the tooltip", function()
      local label = ("ä"):rep(40) .. ".txt"
      local s = strips_of(plot.svg { { label = label, length = 10, hits = { 3 } } })[1]
      assert.are.equal(("ä"):rep(29) .. "…", s.label)
      assert.are.equal(label .. ": 1 hit in 10 tokens", s.tooltip)
      assert.are.equal(10 + 30 * 7 + 10, s.frame.x)
    end)

    it("is well-formed XML that Python parses, with the hits it was given", function()
      local path = h.tempfile(plot.svg({
        { label = "Å & <Ö>.txt", length = 100, hits = { 5, 6, 7 } },
        { label = "bad \1 byte \255 here", length = 10, hits = { 9 } },
        { label = "ingen", length = 10, hits = {} },
      }, { title = "\"du\" & 'jag'" }), ".svg")
      assert.are.equal(table.concat({
        "svg http://www.w3.org/2000/svg 1.1 0 0 800 138",
        "Dispersion plot: \"du\" & 'jag'",
        "Å & <Ö>.txt|3",
        "bad \u{FFFD} byte \u{FFFD} here|1",
        "ingen|0",
        "",
      }, "\n"), python_check(path))
    end)

    it("draws an empty plot for no strips", function()
      local svg = plot.svg({}, { title = "x" })
      assert.are.same({}, strips_of(svg))
      assert.matches("<desc>0 documents, 0 hits;", svg)
      assert.matches("^svg ", python_check(h.tempfile(svg, ".svg")))
    end)
  end)

  describe("write()", function()
    it("writes the SVG to the path and returns the path", function()
      local strips = { { label = "a", length = 10, hits = { 1, 2 } } }
      local path = h.tempfile("", ".svg")
      assert.are.equal(path, plot.write(strips, path, { title = "q" }))
      assert.are.equal(plot.svg(strips, { title = "q" }), h.read(path))
      assert.matches("\na|2\n$", python_check(path))
    end)

    it("raises without a path, naming write and the argument", function()
      assert.matches("bad argument #2 to 'write' %(file name expected, got nil%)$", h.error_of(plot.write, {}))
      assert.matches("bad argument #1 to 'write' %(table of strips expected, got string%)$",
        h.error_of(plot.write, "x", "/tmp/x.svg"))
    end)
  end)

  describe("errors", function()
    local function err(strips, opts)
      return h.error_of(function()
        local svg = plot.svg(strips, opts) -- not a tail call, so that the error names this line
        return svg
      end)
    end

    it("names the argument and the caller's line for a missing table of strips", function()
      assert.matches("^[^:]*plot_spec%.lua:%d+: bad argument #1 to 'svg' %(table of strips expected, got nil%)$", err(nil))
      assert.matches("bad argument #2 to 'svg' %(table of options expected, got number%)$", err({}, 5))
    end)

    it("names the strip of a hit outside [0, length)", function()
      local strips = { { label = "ok", length = 3, hits = { 2 } }, { label = "doc2.txt", length = 10, hits = { 4, 10 } } }
      assert.matches('^[^:]*plot_spec%.lua:%d+: svg: strip 2 %("doc2.txt"%): hit 2 at 10 is outside %[0, 10%)$',
        err(strips))
      assert.matches('svg: strip 1 %("a"%): hit 1 at %-1 is outside %[0, 5%)$',
        err { { label = "a", length = 5, hits = { -1 } } })
      assert.matches('strip 1 %("empty"%): hit 1 at 0 is outside %[0, 0%)$',
        err { { label = "empty", length = 0, hits = { 0 } } })
    end)

    it("raises on hits that are no token offsets, and on a bad length, label or count", function()
      assert.matches('strip 1 %("a"%): hit 2 is no token offset %(1.5%)$',
        err { { label = "a", length = 5, hits = { 1, 1.5 } } })
      assert.matches('strip 1 %("a"%): hit 1 is no token offset %(3%)$',
        err { { label = "a", length = 5, hits = { "3" } } })
      assert.matches('strip 1 %("a"%): length must be a non%-negative number of tokens, not nil$',
        err { { label = "a", hits = {} } })
      assert.matches('strip 1 %("a"%): length must be', err { { label = "a", length = "5", hits = {} } })
      assert.matches('strip 1 %("a"%): hits must be an array of token offsets, not nil$',
        err { { label = "a", length = 5 } })
      assert.matches("svg: strip 2 has no label %(a string expected, got nil%)$",
        err { { label = "a", length = 1, hits = {} }, { length = 5, hits = {} } })
      assert.matches("svg: strip 1 is a string, not a table", err { "doc.txt" })
      assert.matches('strip 1 %("a"%): count must be a non%-negative integer, not %-1$',
        err { { label = "a", length = 5, hits = {}, count = -1 } })
    end)

    it("raises on an unknown option, a bad title and a width too small for the plot", function()
      assert.matches("svg: unknown option 'widht' %(title, width%)$", err({}, { widht = 900 }))
      assert.matches("svg: title must be a string, not a table$", err({}, { title = {} }))
      assert.matches("svg: width must be a positive number of pixels, not %-5$", err({}, { width = -5 }))
      assert.matches("^[^:]*plot_spec%.lua:%d+: svg: width 150 leaves 10 px for the plot %(at least 40 needed%)$",
        err({}, { width = 150 }))
    end)
  end)
end)
