--- samtal.format: text output of results for a terminal or a pipe.
-- @module samtal.format
local format = {}

--- The display width of a string, in code points (the byte length if it is not UTF-8).
local function width(s)
  return utf8.len(s) or #s
end
format.width = width

--- The last n code points of s (all of s if shorter).
local function tail(s, n)
  local len = width(s)
  if len <= n then return s end
  local start = utf8.offset(s, len - n + 1)
  return start and s:sub(start) or s:sub(-n)
end

--- The first n code points of s.
local function head(s, n)
  if width(s) <= n then return s end
  local stop = utf8.offset(s, n + 1)
  return stop and s:sub(1, stop - 1) or s:sub(1, n)
end

format.tail, format.head = tail, head

local function squeeze(s)
  return (s:gsub("%s+", " "))
end
format.squeeze = squeeze

--- An aligned concordance: location, speaker, left context right-aligned, match, right context.
function format.concordance(hits, opts)
  opts = opts or {}
  local cols = opts.context or 60
  if #hits == 0 then
    return ("no hits for %q"):format(hits.query or "")
  end
  local rows, wloc, wspk, wleft = {}, 0, 0, 0
  for i, h in ipairs(hits) do
    local loc = ("%s:%d"):format(h.doc, h.line)
    local left = squeeze(h.left):gsub("^ ", "")
    left = width(left) > cols and ("…" .. tail(left, cols - 1)) or left
    local right = squeeze(h.right)
    right = width(right) > cols and (head(right, cols - 1) .. "…") or right
    rows[i] = { loc, h.speaker or "-", left, squeeze(h.match), right }
    wloc = math.max(wloc, width(loc))
    wspk = math.max(wspk, width(rows[i][2]))
    wleft = math.max(wleft, width(left))
  end
  local out = {}
  for i, r in ipairs(rows) do
    out[i] = r[1] .. (" "):rep(wloc - width(r[1]) + 2) .. r[2] .. (" "):rep(wspk - width(r[2]) + 2)
      .. (" "):rep(wleft - width(r[3])) .. r[3] .. "[" .. r[4] .. "]" .. r[5]
  end
  out[#out + 1] = ("%d hit%s"):format(#hits, #hits == 1 and "" or "s")
  return table.concat(out, "\n")
end

--- A list of strings as Lua would write it: {"a", " ", "b"}.
function format.list(list)
  local parts = {}
  for i, s in ipairs(list) do parts[i] = ("%q"):format(s):gsub("\\\n", "\\n") end
  return "{" .. table.concat(parts, ", ") .. "}"
end

--- A compact view of any Lua value, tables folded after `depth` levels and `max` entries.
function format.inspect(v, depth, max)
  depth, max = depth or 2, max or 20
  local seen = {}
  local function go(x, d)
    if type(x) == "string" then return (("%q"):format(x):gsub("\\\n", "\\n")) end
    if type(x) ~= "table" then return tostring(x) end
    local mt = getmetatable(x)
    if mt and mt.__tostring then return tostring(x) end
    if seen[x] then return "{…}" end
    if d > depth then return "{…}" end
    seen[x] = true
    local parts, n = {}, 0
    for i, item in ipairs(x) do
      n = n + 1
      if n <= max then parts[#parts + 1] = go(item, d + 1) end
      if i >= max then break end
    end
    local keys = {}
    for k in pairs(x) do
      if not (math.type(k) == "integer" and k >= 1 and k <= #x) then keys[#keys + 1] = k end
    end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    for _, k in ipairs(keys) do
      n = n + 1
      if n <= max then
        local key = (type(k) == "string" and k:match("^[%a_][%w_]*$")) and k or ("[" .. go(k, d + 1) .. "]")
        parts[#parts + 1] = key .. " = " .. go(x[k], d + 1)
      end
    end
    local total = #x + #keys
    if total > max then parts[#parts + 1] = ("… %d more"):format(total - max) end
    return "{" .. table.concat(parts, ", ") .. "}"
  end
  return go(v, 1)
end

-- Shared by every result that writes files (concordances, counts, quotes) -------------------

--- A number as text: integers (also integral floats) plainly, others with 14 digits; nil for
-- NaN and infinities, which CSV and JSON cannot carry.
function format.number(x)
  if math.type(x) == "integer" then return tostring(x) end
  if x ~= x or x == math.huge or x == -math.huge then return nil end
  local i = math.tointeger(x)
  return i and tostring(i) or ("%.14g"):format(x)
end

--- A value as a table cell: nil is empty.
function format.cell(v)
  if v == nil then return "" end
  if type(v) == "number" then return format.number(v) or "" end
  return tostring(v)
end

--- RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
function format.csv_field(v)
  local s = format.cell(v)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

-- TSV has no quoting: the characters that would break a row are written as escapes.
local TSV_ESCAPES = { ["\\"] = "\\\\", ["\t"] = "\\t", ["\n"] = "\\n", ["\r"] = "\\r" }
function format.tsv_field(v)
  return (format.cell(v):gsub("[\\\t\n\r]", TSV_ESCAPES))
end

--- RFC 8259: quote and backslash escaped, control characters as \u00XX, the rest (UTF-8) as is.
function format.json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(ch)
    if ch == '"' or ch == "\\" then return "\\" .. ch end
    if ch == "\127" then return ch end -- DEL is no control character to JSON
    return ("\\u%04X"):format(ch:byte())
  end) .. '"'
end

function format.json_value(v)
  if v == nil then return "null" end
  if type(v) == "number" then return format.number(v) or "null" end
  if type(v) == "boolean" then return tostring(v) end
  return format.json_string(tostring(v))
end

--- Seconds as h:mm:ss.
function format.clock(t)
  local s = math.tointeger(math.floor(t)) or 0
  return ("%d:%02d:%02d"):format(s // 3600, s % 3600 // 60, s % 60)
end

--- Writes s to path and returns the path, or returns s when there is no path; `fname` names the
-- method in errors.
function format.emit(s, path, fname)
  if path == nil then return s end
  if type(path) ~= "string" then
    error(("bad argument #1 to '%s' (file name expected, got %s)"):format(fname, type(path)), 3)
  end
  local f, err = io.open(path, "wb")
  if not f then error(("%s: cannot write %s"):format(fname, err), 3) end
  local ok, werr = f:write(s)
  f:close()
  if not ok then error(("%s: cannot write %s: %s"):format(fname, path, werr), 3) end
  return path
end

return format
