--- samtal.resulttable: the one shape of every statistics result (frequency lists, collocates,
-- keywords, talk per speaker, n-grams, dispersion): named columns over rows, printed aligned for
-- a terminal and written as CSV, TSV or JSON.
--
-- A result table is the array of rows itself (so `#res`, `res[1].form` and `ipairs(res)` work)
-- with this metatable. Each row is a table keyed by column name; a cell is a string, a number,
-- a boolean or nil (missing). `res.meta` is a table of free-form facts about the result
-- (`title`, `measure`, `note`, ...); the column names are kept aside, read by `res:columns()`,
-- because a field named `columns` would hide the method. Every method that gives rows returns
-- a new result table over the same row tables and leaves the one it was called on as it was.
-- @module samtal.resulttable
local format = require "samtal.format"
local provenance = require "samtal.script" -- what CSV, TSV and JSON carry with {provenance = c}

local rt = {}

local ResultTable = {}
ResultTable.__index = ResultTable
ResultTable.__name = "samtal.ResultTable"

-- A result whose rows are made on first access (a frequency list of a million forms prints its
-- first 20 rows without building the rest): rows come from fetch(i) and are kept once made.
local LazyResult = { __name = "samtal.ResultTable" }
local lazy_of = setmetatable({}, { __mode = "k" }) -- result -> {n, fetch}
function LazyResult.__index(t, k)
  if math.type(k) == "integer" then
    local lazy = lazy_of[t]
    if k < 1 or k > lazy.n then return nil end
    local row = lazy.fetch(k)
    rawset(t, k, row)
    return row
  end
  return ResultTable[k]
end
function LazyResult.__len(t) return lazy_of[t].n end

-- result -> its array of column names. Kept out of the result so that no column name can
-- collide with a method and `pairs(res)` sees rows and `meta` only. Never handed out: columns()
-- returns a copy, so a caller cannot change the columns of a result behind its back.
local columns_of = setmetatable({}, { __mode = "k" })

local DEFAULT_ROWS = 20 -- rows tostring() shows
local DEFAULT_HEAD = 10
local MAX_CELL = 40 -- code points of a text cell on the terminal; longer ones end in "…"

local function typename(v)
  local mt = getmetatable(v)
  return type(mt) == "table" and type(mt.__name) == "string" and mt.__name or type(v)
end

--- Raises unless self is a result table (a method called with `.` instead of `:`).
local function check(self, fname)
  local mt = getmetatable(self)
  if mt ~= ResultTable and mt ~= LazyResult then
    error(("bad argument #1 to '%s' (samtal.ResultTable expected, got %s)"):format(fname, typename(self)), 3)
  end
end


local function copy(t)
  local out = {}
  for k, v in pairs(t) do out[k] = v end
  return out
end

--- rt.new(columns, rows, meta): rows (an array of row tables keyed by column name) becomes the
-- result, the caller hands it over; `columns` is copied, `meta` (optional) is kept as `res.meta`.
-- Raises on a malformed argument, naming it.
function rt.new(columns, rows, meta)
  if type(columns) ~= "table" or #columns == 0 then
    error(("bad argument #1 to 'new' (array of column names expected, got %s)")
      :format(type(columns) == "table" and "an empty table" or type(columns)), 2)
  end
  local cols, seen = {}, {}
  for i, name in ipairs(columns) do
    if type(name) ~= "string" or name == "" then
      error(("bad argument #1 to 'new' (column %d: a name expected, got %s)")
        :format(i, name == "" and "an empty string" or type(name)), 2)
    end
    if seen[name] then error(("new: column '%s' given twice"):format(name), 2) end
    seen[name] = true
    cols[i] = name
  end
  if type(rows) ~= "table" then
    error(("bad argument #2 to 'new' (array of rows expected, got %s)"):format(type(rows)), 2)
  end
  local mt = getmetatable(rows)
  if mt ~= nil and mt ~= ResultTable then
    error(("bad argument #2 to 'new' (plain array of rows expected, got %s)"):format(typename(rows)), 2)
  end
  for i, row in ipairs(rows) do
    if type(row) ~= "table" then
      error(("bad argument #2 to 'new' (row %d: a table expected, got %s)"):format(i, type(row)), 2)
    end
  end
  if meta ~= nil and type(meta) ~= "table" then
    error(("bad argument #3 to 'new' (table expected, got %s)"):format(type(meta)), 2)
  end
  rows.meta = meta or {}
  columns_of[rows] = cols
  return setmetatable(rows, ResultTable)
end

--- rt.is(x): whether x is a result table.
function rt.is(x)
  local mt = getmetatable(x)
  return mt == ResultTable or mt == LazyResult
end

--- rt.lazy(columns, n, fetch, meta): a result of n rows, row i made by fetch(i) when first read
-- (by indexing, ipairs, printing or writing); otherwise as rt.new. `pairs(res)` sees only the
-- rows made so far.
function rt.lazy(columns, n, fetch, meta)
  if math.type(n) ~= "integer" or n < 0 then
    error(("bad argument #2 to 'lazy' (row count expected, got %s)"):format(tostring(n)), 2)
  end
  if type(fetch) ~= "function" then
    error(("bad argument #3 to 'lazy' (function expected, got %s)"):format(type(fetch)), 2)
  end
  local res = rt.new(columns, {}, meta)
  lazy_of[res] = { n = n, fetch = fetch }
  return setmetatable(res, LazyResult)
end

--- A new result over `rows` with self's columns and a copy of its meta.
local function derive(self, rows)
  rows.meta = copy(self.meta or {})
  columns_of[rows] = columns_of[self]
  return setmetatable(rows, ResultTable)
end

--- The column names, in order (a fresh array).
function ResultTable:columns()
  check(self, "columns")
  return copy(columns_of[self])
end

--- Raises unless v can be a cell: output never turns a table into "table: 0x...".
local function cell_of(row, col, i, fname, level)
  local v = row[col]
  local t = type(v)
  if v == nil or t == "string" or t == "number" or t == "boolean" then return v end
  error(("%s: row %d, column '%s' holds a %s (string, number, boolean or nil expected)")
    :format(fname, i, col, t), level or 4)
end

--- Every row as a line of fields, joined by `sep` and ended by `eol`, under a header; with
-- provenance, its two columns last.
local function delimited(self, field, sep, eol, fname, prov)
  local cols = columns_of[self]
  local header = {}
  for j, c in ipairs(cols) do header[j] = field(c) end
  local head_extra, row_extra = provenance.columns(prov, field, sep)
  local out = { table.concat(header, sep) .. head_extra .. eol }
  for i, row in ipairs(self) do
    local fields = {}
    for j, c in ipairs(cols) do fields[j] = field(cell_of(row, c, i, fname)) end
    out[#out + 1] = table.concat(fields, sep) .. row_extra .. eol
  end
  return table.concat(out)
end

--- RFC 4180 CSV: a header of the column names, then one record per row, CRLF line ends; a field
-- with a comma, quote or line break is quoted. Numbers as format.number writes them; a missing
-- cell, NaN and an infinity are empty fields. With a path, writes the file and returns the path;
-- otherwise returns the text. `res:csv([path,] {provenance = c})` adds the columns samtal and
-- fingerprint (samtal.script).
function ResultTable:csv(path, opts)
  check(self, "csv")
  local prov
  path, prov = provenance.output_args("csv", path, opts)
  local out = format.emit(delimited(self, format.csv_field, ",", "\r\n", "csv", prov), path, "csv")
  return out -- not a tail call: emit's error level counts this frame
end

--- Tab-separated values, as csv() but LF line ends and no quoting: a tab, line break or
-- backslash in a field is written \t, \n, \r or \\. Takes {provenance = c} as csv() does.
function ResultTable:tsv(path, opts)
  check(self, "tsv")
  local prov
  path, prov = provenance.output_args("tsv", path, opts)
  local out = format.emit(delimited(self, format.tsv_field, "\t", "\n", "tsv", prov), path, "tsv")
  return out
end

--- JSON (RFC 8259): a plain array of objects, one a line, each with every column as a key in
-- column order; a missing cell, NaN and an infinity are null. The meta is not written: the
-- file holds the rows only, so any JSON reader gets the table as is. With {provenance = c} the
-- array is the "rows" of an object that also holds "samtal" (the version) and "fingerprint".
function ResultTable:json(path, opts)
  check(self, "json")
  local prov
  path, prov = provenance.output_args("json", path, opts)
  local cols = columns_of[self]
  local keys = {}
  for j, c in ipairs(cols) do keys[j] = format.json_string(c) .. ":" end
  local objs = {}
  for i, row in ipairs(self) do
    local fields = {}
    for j, c in ipairs(cols) do fields[j] = keys[j] .. format.json_value(cell_of(row, c, i, "json", 3)) end
    objs[i] = "{" .. table.concat(fields, ",") .. "}"
  end
  local text = #objs == 0 and "[]\n" or "[\n" .. table.concat(objs, ",\n") .. "\n]\n"
  local out = format.emit(provenance.json(text, prov), path, "json")
  return out
end

--- Raises unless n is a row count: a non-negative integer (an integral float will do) or
-- math.huge for all of them.
local function check_count(n, fname, level)
  if n == math.huge then return n end
  local i = type(n) == "number" and math.tointeger(n) -- tointeger alone would take "2" too
  if not i or i < 0 then
    error(("bad argument #1 to '%s' (non-negative integer expected, got %s)")
      :format(fname, type(n) == "number" and tostring(n) or type(n)), level or 3)
  end
  return i
end

--- The first n rows (default 10) as a new result table.
function ResultTable:head(n)
  check(self, "head")
  n = check_count(n == nil and DEFAULT_HEAD or n, "head")
  local rows = {}
  for i = 1, math.min(n, #self) do rows[i] = self[i] end
  return derive(self, rows)
end

--- The rows for which fn(row, i) is true, in order, as a new result table.
function ResultTable:filter(fn)
  check(self, "filter")
  if type(fn) ~= "function" then
    error(("bad argument #1 to 'filter' (function expected, got %s)"):format(type(fn)), 2)
  end
  local rows = {}
  for i, row in ipairs(self) do
    if fn(row, i) then rows[#rows + 1] = row end
  end
  return derive(self, rows)
end

--- Kinds of cell, in sort order: false < true < numbers < strings; missing (nil, NaN) apart.
local function kind_of(v, i, col)
  if v == nil or v ~= v then return 0 end -- NaN compares with nothing: it sorts as missing
  local t = type(v)
  if t == "boolean" then return v and 2 or 1 end
  if t == "number" then return 3 end
  if t == "string" then return 4 end
  error(("sort: row %d, column '%s' holds a %s (string, number, boolean or nil expected)"):format(i, col, t), 5)
end

--- res:sort(column, descending) or res:sort(less, descending) as a new result table.
-- By a column: numbers by value, strings with Lua's `<` (bytes, unless os.setlocale changed
-- LC_COLLATE), false < true < numbers < strings; a missing cell (nil or NaN) goes last in either
-- direction. By a function: `less(a, b)` on two rows, as table.sort's. The sort is stable:
-- rows that compare equal keep their order, so sorting by one column and then another gives
-- the second order with ties in the first.
function ResultTable:sort(by, descending)
  check(self, "sort")
  local before
  if type(by) == "string" then
    local known = false
    for _, c in ipairs(columns_of[self]) do known = known or c == by end
    if not known then
      error(("sort: unknown column '%s' (columns: %s)"):format(by, table.concat(columns_of[self], ", ")), 2)
    end
    before = function(a, b)
      local x, y = a.row[by], b.row[by]
      local kx, ky = kind_of(x, a.i, by), kind_of(y, b.i, by)
      if kx == 0 or ky == 0 then
        if kx ~= ky then return ky == 0 end
      elseif kx ~= ky then
        if descending then return kx > ky end
        return kx < ky
      elseif x ~= y then -- same kind, so booleans here are equal: only numbers and strings remain
        if descending then return x > y end
        return x < y
      end
      return a.i < b.i
    end
  elseif type(by) == "function" then
    before = function(a, b)
      local x, y = a.row, b.row
      if descending then x, y = y, x end
      if by(x, y) then return true end
      if by(y, x) then return false end
      return a.i < b.i
    end
  else
    error(("bad argument #1 to 'sort' (column name or function expected, got %s)"):format(type(by)), 2)
  end
  local items = {}
  for i, row in ipairs(self) do items[i] = { row = row, i = i } end
  table.sort(items, before)
  local rows = {}
  for i, item in ipairs(items) do rows[i] = item.row end
  return derive(self, rows)
end

-- The terminal view ---------------------------------------------------------------------------

local CONTROL = { ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t" }

--- A text cell on one line, cut to MAX_CELL code points.
local function text_cell(s)
  s = s:gsub("[\n\r\t]", CONTROL)
  if format.width(s) > MAX_CELL then s = format.head(s, MAX_CELL - 1) .. "…" end
  return s
end

--- How a column of numbers is written: plainly when every finite one is integral, otherwise
-- with 2 to 4 decimals, enough for two significant digits of the smallest magnitude, all with
-- the same number so that the decimal points line up. Returns a function of one number.
local function number_writer(values)
  local integral, smallest = true, math.huge
  for _, x in ipairs(values) do
    if x == x and x ~= math.huge and x ~= -math.huge then
      if not math.tointeger(x) then integral = false end
      local a = math.abs(x)
      if a >= 5e-5 and a < smallest then smallest = a end -- smaller ones go to %e below
    end
  end
  local decimals = 2
  if smallest < 1 then
    decimals = math.max(2, math.min(4, math.ceil(-math.log(smallest, 10)) + 1))
  end
  local fixed = "%." .. decimals .. "f"
  local tiny = 0.5 * 10.0 ^ -decimals -- would print as zero
  return function(x)
    if x ~= x then return "nan" end
    if x == math.huge then return "inf" end
    if x == -math.huge then return "-inf" end
    if integral then return tostring(math.tointeger(x)) end
    if x ~= 0 and math.abs(x) < tiny then return ("%.2e"):format(x) end
    return fixed:format(x)
  end
end

--- The text of text(), print() and tostring(); `fname` names the caller in errors.
local function render(self, n, fname)
  n = check_count(n == nil and DEFAULT_ROWS or n, fname, 4)
  local cols = columns_of[self]
  local shown = math.min(n, #self)
  local cells, right, widths = {}, {}, {}
  for j, c in ipairs(cols) do
    local nums, numeric = {}, true
    for i = 1, shown do
      local v = cell_of(self[i], c, i, fname, 4)
      if type(v) == "number" then nums[#nums + 1] = v elseif v ~= nil then numeric = false end
    end
    local write = number_writer(nums)
    local col, w = {}, format.width(c)
    for i = 1, shown do
      local v = self[i][c]
      local s
      if v == nil then s = "-"
      elseif type(v) == "number" then s = write(v)
      elseif type(v) == "string" then s = text_cell(v)
      else s = tostring(v) end
      col[i] = s
      w = math.max(w, format.width(s))
    end
    -- a column of numbers (and gaps) has its header and its gaps on the right too
    right[j] = numeric and #nums > 0
    cells[j], widths[j] = col, w
  end
  local function line(get, is_right)
    local parts = {}
    for j = 1, #cols do
      local s = get(j)
      local pad = (" "):rep(widths[j] - format.width(s))
      parts[j] = is_right(j) and pad .. s or s .. pad
    end
    return (table.concat(parts, "  "):gsub("%s+$", ""))
  end
  local out = {}
  local title = self.meta and self.meta.title
  if title ~= nil then out[#out + 1] = tostring(title) end
  out[#out + 1] = line(function(j) return cols[j] end, function(j) return right[j] end)
  for i = 1, shown do
    out[#out + 1] = line(function(j) return cells[j][i] end,
      function(j) return right[j] or type(self[i][cols[j]]) == "number" end)
  end
  if #self == 0 then
    out[#out + 1] = "(no rows)"
  elseif #self > shown then
    local more = #self - shown
    out[#out + 1] = ("… %d more row%s"):format(more, more == 1 and "" or "s")
  end
  return table.concat(out, "\n")
end

--- res:text(n): the first n rows (default 20; math.huge for all) aligned under a header,
-- widths in code points: numbers right-aligned, text left-aligned, a missing cell as "-";
-- meta.title above, and a last line "… k more rows" when rows were left out. An empty result
-- gives the header and "(no rows)".
function ResultTable:text(n)
  check(self, "text")
  local text = render(self, n, "text") -- not a tail call: render's error levels count this frame
  return text
end

--- tostring(res): text() with its default of 20 rows.
function ResultTable:__tostring()
  return render(self, nil, "tostring")
end

--- Prints text(n): the first n rows (default 20; math.huge for all).
function ResultTable:print(n)
  check(self, "print")
  print(render(self, n, "print"))
end

rt.ResultTable = ResultTable

LazyResult.__tostring = ResultTable.__tostring

return rt
