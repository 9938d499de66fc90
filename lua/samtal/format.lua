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

return format
