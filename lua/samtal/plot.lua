--- samtal.plot: a dispersion plot like AntConc's Plot tool, as a standalone SVG 1.1 file.
-- One horizontal strip per document, its label on the left, and on the right the number of hits
-- and hits per 1000 tokens; inside the strip a thin vertical tick for each hit, at the hit's
-- token offset as a fraction of the document's length. Plain text, no library, no script: the
-- file opens in a browser, in Inkscape, or inside a LaTeX or Word document.
--
-- A strip is `{label = "doc name", length = <tokens in the doc>, hits = {pos, ...}, count = n}`:
-- positions are 0-based token offsets within the document; `count` (optional, default #hits)
-- is the number shown on the right, for when hits were thinned out or one hit spans tokens.
-- @module samtal.plot
local format = require "samtal.format"

local plot = {}

local DEFAULT_WIDTH = 800
local MARGIN = 10
local CHAR = 7 -- px per code point of 12px text, a sans-serif average, to size the label column
local MAX_LABEL = 30 -- code points of a label; longer ones end in "…" (the tooltip has it all)
local STRIP = 20 -- height of a strip
local GAP = 8 -- between strips
local HITS_COL = 50 -- the right-hand columns: hits, and per 1000 tokens
local RATE_COL = 70
local MIN_PLOT = 40 -- px left for the ticks, at least

-- XML text and attribute values: the five characters with a meaning, and the control
-- characters XML 1.0 does not allow at all (written as U+FFFD, as is a byte that is no UTF-8).
local XML_ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;" }

--- n as an integer when it is an integral number (math.tointeger alone takes "10" too), else nil.
local function integer(n)
  return type(n) == "number" and math.tointeger(n) or nil
end

--- s with each byte that starts no valid UTF-8 sequence replaced by U+FFFD.
local function valid_utf8(s)
  local out, i = {}, 1
  while true do
    local ok, bad = utf8.len(s, i)
    if ok then
      out[#out + 1] = s:sub(i)
      return table.concat(out)
    end
    out[#out + 1] = s:sub(i, bad - 1) .. "\u{FFFD}"
    i = bad + 1
  end
end

local function esc(s)
  s = valid_utf8(tostring(s))
  s = s:gsub("[%z\1-\8\11\12\14-\31]", "\u{FFFD}")
  return (s:gsub("[&<>\"']", XML_ESCAPES))
end

--- A coordinate with at most two decimals and no trailing zeros ("12.5", "40").
local function coord(x)
  local s = ("%.2f"):format(x)
  return (s:gsub("0+$", ""):gsub("%.$", ""))
end

local OPTIONS = { title = true, width = true }

--- Checks the arguments, raising with `fname` (the public function) in the messages; returns
-- the strips as {label, length, hits, count} with the hits as integers.
local function check(fname, strips, opts, level)
  if type(strips) ~= "table" then
    error(("bad argument #1 to '%s' (table of strips expected, got %s)"):format(fname, type(strips)), level)
  end
  if opts ~= nil and type(opts) ~= "table" then
    error(("bad argument #%d to '%s' (table of options expected, got %s)")
      :format(fname == "write" and 3 or 2, fname, type(opts)), level)
  end
  opts = opts or {}
  for k in pairs(opts) do
    if not OPTIONS[k] then
      error(("%s: unknown option '%s' (title, width)"):format(fname, tostring(k)), level)
    end
  end
  if opts.title ~= nil and type(opts.title) ~= "string" and type(opts.title) ~= "number" then
    error(("%s: title must be a string, not a %s"):format(fname, type(opts.title)), level)
  end
  local width = opts.width or DEFAULT_WIDTH
  if type(width) ~= "number" or width ~= width or width <= 0 or width == math.huge then
    error(("%s: width must be a positive number of pixels, not %s"):format(fname, tostring(width)), level)
  end
  local out = {}
  for n, s in ipairs(strips) do
    if type(s) ~= "table" then
      error(("%s: strip %d is a %s, not a table {label =, length =, hits =}"):format(fname, n, type(s)), level)
    end
    local label = s.label
    if type(label) ~= "string" and type(label) ~= "number" then
      error(("%s: strip %d has no label (a string expected, got %s)"):format(fname, n, type(label)), level)
    end
    label = tostring(label)
    local name = ("strip %d (%s)"):format(n, (("%q"):format(label):gsub("\\\n", "\\n")))
    local length = integer(s.length)
    if not length or length < 0 then
      error(("%s: %s: length must be a non-negative number of tokens, not %s")
        :format(fname, name, tostring(s.length)), level)
    end
    if type(s.hits) ~= "table" then
      error(("%s: %s: hits must be an array of token offsets, not %s"):format(fname, name, type(s.hits)), level)
    end
    local hits = {}
    for i, pos in ipairs(s.hits) do
      local p = integer(pos)
      if not p then
        error(("%s: %s: hit %d is no token offset (%s)"):format(fname, name, i, tostring(pos)), level)
      end
      if p < 0 or p >= length then
        error(("%s: %s: hit %d at %d is outside [0, %d)"):format(fname, name, i, p, length), level)
      end
      hits[i] = p
    end
    local count = #hits
    if s.count ~= nil then
      count = integer(s.count)
      if not count or count < 0 then
        error(("%s: %s: count must be a non-negative integer, not %s"):format(fname, name, tostring(s.count)), level)
      end
    end
    out[n] = { label = label, length = length, hits = hits, count = count }
  end
  return out, opts.title, width
end

--- The SVG text of a checked plot.
local function render(strips, title, width)
  local labelw = 0
  for _, s in ipairs(strips) do labelw = math.max(labelw, math.min(format.width(s.label), MAX_LABEL)) end
  labelw = labelw * CHAR
  local x0 = MARGIN + labelw + (labelw > 0 and MARGIN or 0) -- left edge of the strips
  local rate_x = width - MARGIN -- right edges of the two number columns
  local hits_x = rate_x - RATE_COL
  local plotw = hits_x - HITS_COL - x0
  if plotw < MIN_PLOT then return nil, plotw end
  local y = MARGIN
  local name = title ~= nil and tostring(title) or nil
  local out = {
    '<?xml version="1.0" encoding="UTF-8"?>',
    "", -- the <svg> line, once the height is known
    "<title>" .. esc(name and ("Dispersion plot: " .. name) or "Dispersion plot") .. "</title>",
    "", -- the <desc>, once the hits are counted
    '<rect width="100%" height="100%" fill="white"/>',
  }
  if name then
    y = y + 16
    out[#out + 1] = ('<text x="%d" y="%d" font-size="15" font-weight="bold">%s</text>'):format(MARGIN, y, esc(name))
  end
  y = y + 18
  out[#out + 1] = ('<text x="%s" y="%d" text-anchor="end" fill="#555">hits</text>'):format(coord(hits_x), y)
  out[#out + 1] = ('<text x="%s" y="%d" text-anchor="end" fill="#555">per 1000</text>'):format(coord(rate_x), y)
  y = y + 8
  local total = 0
  for _, s in ipairs(strips) do
    local label = s.label
    if format.width(label) > MAX_LABEL then label = format.head(label, MAX_LABEL - 1) .. "…" end
    local rate = s.length > 0 and ("%.2f"):format(s.count * 1000 / s.length) or "-"
    local text_y = y + STRIP // 2 + 4 -- 12px text centred on the strip
    out[#out + 1] = '<g class="strip">'
    out[#out + 1] = ("<title>%s: %d hit%s in %d tokens</title>")
      :format(esc(s.label), s.count, s.count == 1 and "" or "s", s.length)
    out[#out + 1] = ('<text x="%d" y="%d">%s</text>'):format(MARGIN, text_y, esc(label))
    out[#out + 1] = ('<rect class="frame" x="%s" y="%d" width="%s" height="%d" fill="#f4f4f4" stroke="#888"/>')
      :format(coord(x0), y, coord(plotw), STRIP)
    if #s.hits > 0 then
      -- one path of subpaths "Mx y v h": compact for thousands of hits, one tick each
      local d = {}
      for i, p in ipairs(s.hits) do d[i] = ("M%s %dv%d"):format(coord(x0 + plotw * p / s.length), y, STRIP) end
      out[#out + 1] = ('<path class="hits" d="%s" stroke="black" stroke-width="1" fill="none"/>')
        :format(table.concat(d))
    end
    out[#out + 1] = ('<text x="%s" y="%d" text-anchor="end">%d</text>'):format(coord(hits_x), text_y, s.count)
    out[#out + 1] = ('<text x="%s" y="%d" text-anchor="end">%s</text>'):format(coord(rate_x), text_y, rate)
    out[#out + 1] = "</g>"
    total = total + s.count
    y = y + STRIP + GAP
  end
  local height = y - GAP + MARGIN
  out[2] = ('<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%s" height="%d" viewBox="0 0 %s %d" '
    .. 'font-family="sans-serif" font-size="12">'):format(coord(width), height, coord(width), height)
  out[4] = ('<desc>%d document%s, %d hit%s; one tick per hit at its token offset / document length</desc>')
    :format(#strips, #strips == 1 and "" or "s", total, total == 1 and "" or "s")
  out[#out + 1] = "</svg>\n"
  return table.concat(out, "\n")
end

local function svg(fname, strips, opts)
  local checked, title, width = check(fname, strips, opts, 4)
  local text, plotw = render(checked, title, width)
  if not text then
    error(("%s: width %s leaves %s px for the plot (at least %d needed)")
      :format(fname, coord(width), coord(plotw), MIN_PLOT), 3)
  end
  return text
end

--- plot.svg(strips, opts): the plot as an SVG string. opts: `title` (the query; shown above the
-- strips and in the <title>), `width` (px, default 800). Raises on a bad argument, naming the
-- strip: a hit outside [0, length) is an error, not a tick off the edge.
function plot.svg(strips, opts)
  local text = svg("svg", strips, opts) -- not a tail call: the error levels count this frame
  return text
end

--- plot.write(strips, path, opts): writes the SVG to path and returns the path.
function plot.write(strips, path, opts)
  if type(path) ~= "string" then
    error(("bad argument #2 to 'write' (file name expected, got %s)"):format(type(path)), 2)
  end
  local written = format.emit(svg("write", strips, opts), path, "write")
  return written
end

return plot
