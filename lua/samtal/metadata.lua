--- samtal.metadata: document metadata from a sidecar file a user writes next to the corpus
-- (`metadata.csv` or `metadata.json`: one row per document, any columns), as `d.meta.column`,
-- and the filters on it (`meta = {year = "2023"}`, `@year = "2023"` in queries).
-- @module samtal.metadata
local metadata = {}

local meta_of = setmetatable({}, { __mode = "k" }) -- corpus -> {rows = {[doc index] = row}, columns, path}

-- The columns that name the document a row is about, in the order they are looked for.
local KEY_COLUMNS = { "doc", "document", "file", "name", "path", "id" }

--- RFC 4180 CSV (or TSV when the header has a tab): a list of records, each a list of fields,
-- with the line each record starts on. Quoted fields may hold commas, quotes ("") and line breaks.
function metadata.parse_csv(text, path)
  if text:sub(1, 3) == "\239\187\191" then text = text:sub(4) end -- a byte order mark
  local first_line = text:match("^[^\r\n]*") or ""
  local sep = first_line:find("\t") and "\t" or ","
  local records, record, field, pos, line, record_line = {}, {}, {}, 1, 1, 1
  local n = #text
  while pos <= n do
    local ch = text:sub(pos, pos)
    if ch == '"' and #field == 0 and sep == "," then
      local start_line = line
      pos = pos + 1
      while true do
        local q = text:find('"', pos, true)
        if not q then error(("%s:%d: unterminated quoted field"):format(path, start_line), 0) end
        local chunk = text:sub(pos, q - 1)
        local _, breaks = chunk:gsub("\n", "")
        line = line + breaks
        field[#field + 1] = chunk
        if text:sub(q + 1, q + 1) == '"' then
          field[#field + 1] = '"'
          pos = q + 2
        else
          pos = q + 1
          break
        end
      end
      local after = text:sub(pos, pos)
      if after ~= sep and after ~= "\r" and after ~= "\n" and after ~= "" then
        error(("%s:%d: text after a quoted field"):format(path, line), 0)
      end
      field.quoted = true
    elseif ch == sep then
      record[#record + 1] = table.concat(field)
      field = {}
      pos = pos + 1
    elseif ch == "\r" or ch == "\n" then
      record[#record + 1] = table.concat(field)
      field = {}
      if #record > 1 or record[1] ~= "" then
        record.line = record_line
        records[#records + 1] = record
      end
      record = {}
      pos = pos + ((ch == "\r" and text:sub(pos + 1, pos + 1) == "\n") and 2 or 1)
      line = line + 1
      record_line = line
    else
      local stop = text:find('[\r\n"' .. (sep == "\t" and "\t" or ",") .. "]", pos)
      stop = stop or n + 1
      if stop == pos then stop = pos + 1 end -- a quote inside an unquoted field is kept as is
      field[#field + 1] = text:sub(pos, stop - 1)
      pos = stop
    end
  end
  if #field > 0 or #record > 0 then
    record[#record + 1] = table.concat(field)
    record.line = record_line
    records[#records + 1] = record
  end
  return records
end

--- Rows as {key = value} tables with the line they start on, from a CSV/TSV or JSON file.
local function read_rows(path)
  local f, err = io.open(path, "rb")
  if not f then error(("metadata: cannot read %s"):format(err), 0) end
  local text = f:read("a")
  f:close()
  if path:lower():match("%.json$") then
    local ok, cjson = pcall(require, "cjson.safe")
    if not ok then error("metadata: reading JSON needs lua-cjson (Debian's lua-cjson)", 0) end
    local data, jerr = cjson.decode(text)
    if data == nil then error(("%s: invalid JSON: %s"):format(path, tostring(jerr)), 0) end
    local rows, columns, seen = {}, {}, {}
    local function add(row, key, where)
      if type(row) ~= "table" then error(("%s: %s is not an object"):format(path, where), 0) end
      local out = {}
      for k, v in pairs(row) do
        if v == cjson.null then
          v = nil
        elseif type(v) == "table" then
          v = cjson.encode(v)
        end
        if type(v) == "number" then -- JSON numbers come as floats: 2023, not 2023.0
          v = math.tointeger(v) and tostring(math.tointeger(v)) or ("%.14g"):format(v)
        end
        if v ~= nil then out[tostring(k)] = type(v) == "string" and v or tostring(v) end
        if not seen[k] then seen[k] = true; columns[#columns + 1] = tostring(k) end
      end
      if key and out.doc == nil then out.doc = key end
      out[0] = where
      rows[#rows + 1] = out
    end
    if #data > 0 or next(data) == nil then
      for i, row in ipairs(data) do add(row, nil, ("entry %d"):format(i)) end
    else -- an object keyed by document
      local keys = {}
      for k in pairs(data) do keys[#keys + 1] = k end
      table.sort(keys)
      for _, k in ipairs(keys) do add(data[k], k, ("entry %q"):format(k)) end
      if not seen.doc then table.insert(columns, 1, "doc") end
    end
    table.sort(columns)
    return rows, columns
  end
  local records = metadata.parse_csv(text, path)
  if #records == 0 then error(("%s: empty metadata file"):format(path), 0) end
  local header, rows = records[1], {}
  for i, name in ipairs(header) do
    if name == "" then error(("%s:%d: column %d has no name"):format(path, header.line, i), 0) end
  end
  for r = 2, #records do
    local rec = records[r]
    if #rec ~= #header then
      error(("%s:%d: %d fields, the header has %d"):format(path, rec.line, #rec, #header), 0)
    end
    local row = { [0] = ("line %d"):format(rec.line) }
    for i, name in ipairs(header) do row[name] = rec[i] end
    rows[#rows + 1] = row
  end
  return rows, { table.unpack(header) }
end

--- Attaches a sidecar file's rows to the documents of c: each row names its document in a
-- `doc` (or document, file, name, path, id) column, by file name, file name without its
-- extension, or path. A row that names no document is an error naming the file and line.
function metadata.attach(c, path)
  local rows, columns = read_rows(path)
  local key
  for _, k in ipairs(KEY_COLUMNS) do
    for _, col in ipairs(columns) do
      if col == k then key = k break end
    end
    if key then break end
  end
  if not key then
    error(("%s: no column names the document (one of: %s)"):format(path, table.concat(KEY_COLUMNS, ", ")), 0)
  end
  local index = {}
  for i = 1, c:stats().documents do
    local d = c:document(i)
    index[d.name] = index[d.name] or i
    index[d.path] = index[d.path] or i
    local stem = d.name:match("^(.*)%.[^.]*$")
    if stem then index[stem] = index[stem] or i end
  end
  local by_doc = {}
  for _, row in ipairs(rows) do
    local name
    for _, k in ipairs(KEY_COLUMNS) do -- the row's own (a JSON object may use another name)
      if name == nil and row[k] ~= nil and row[k] ~= "" then name = row[k] end
    end
    local i = name and (index[name] or index[name:match("[^/]+$") or name])
    if not i then
      error(("%s: %s names no document of the corpus: %q"):format(path, row[0], tostring(name)), 0)
    end
    if by_doc[i] then error(("%s: %s: a second row for %q"):format(path, row[0], name), 0) end
    row[0] = nil
    by_doc[i] = row
  end
  meta_of[c] = { rows = by_doc, columns = columns, path = path }
end

--- The metadata that documents read from samtal's JSON export brought with them
-- (c:imported_meta(i): key, value, key, value...), attached as a sidecar's would be; columns in
-- the order they first appear. Nothing when no document brought any.
function metadata.imported(c)
  local rows, columns, seen, any = {}, {}, {}, false
  for i = 1, c:stats().documents do
    local list = c:imported_meta(i)
    if list then
      any = true
      local row = {}
      for k = 1, #list, 2 do
        row[list[k]] = list[k + 1]
        if not seen[list[k]] then seen[list[k]] = true; columns[#columns + 1] = list[k] end
      end
      rows[i] = row
    end
  end
  if any then meta_of[c] = { rows = rows, columns = columns, path = "the JSON export" } end
end

-- The metadata of a saved corpus (c:save): a tag, the sidecar's path, its columns, then each
-- document's row as index and (column, value) pairs in column order; strings length-prefixed.
local SAVED_TAG = "samtal metadata 1"

--- The metadata of c as bytes for c:save to keep (nil when it has none); metadata.restore reads
-- them back from the saved corpus.
function metadata.serialize(c)
  local m = meta_of[c]
  if not m then return nil end
  local parts = { string.pack("<s4s4I4", SAVED_TAG, m.path, #m.columns) }
  for _, col in ipairs(m.columns) do parts[#parts + 1] = string.pack("<s4", col) end
  local docs = {}
  for i in pairs(m.rows) do docs[#docs + 1] = i end
  table.sort(docs)
  parts[#parts + 1] = string.pack("<I4", #docs)
  for _, i in ipairs(docs) do
    local row, pairs_ = m.rows[i], {}
    for _, col in ipairs(m.columns) do
      if row[col] ~= nil then pairs_[#pairs_ + 1] = string.pack("<s4s4", col, row[col]) end
    end
    parts[#parts + 1] = string.pack("<I4I4", i, #pairs_) .. table.concat(pairs_)
  end
  return table.concat(parts)
end

--- Attaches the metadata a saved corpus keeps (c:saved_metadata(), from metadata.serialize), if
-- any. `where` names the file for errors: "x.samtal: corrupt (metadata: ...)".
function metadata.restore(c, where)
  local bytes = c:saved_metadata()
  if not bytes then return end
  local ndocs = c:stats().documents
  local ok, err = pcall(function()
    local tag, path, ncols, pos = string.unpack("<s4s4I4", bytes)
    if tag ~= SAVED_TAG then error(("unknown tag %q"):format(tag), 0) end
    local columns, known = {}, {}
    for k = 1, ncols do
      columns[k], pos = string.unpack("<s4", bytes, pos)
      known[columns[k]] = true
    end
    local rows, ndocs_with = {}, string.unpack("<I4", bytes, pos)
    pos = pos + 4
    for _ = 1, ndocs_with do
      local i, npairs
      i, npairs, pos = string.unpack("<I4I4", bytes, pos)
      if i < 1 or i > ndocs or rows[i] then error(("a row for document %d of %d"):format(i, ndocs), 0) end
      local row = {}
      for _ = 1, npairs do
        local col, value
        col, value, pos = string.unpack("<s4s4", bytes, pos)
        if not known[col] then error(("a value of column %q, which it does not list"):format(col), 0) end
        row[col] = value
      end
      rows[i] = row
    end
    if pos ~= #bytes + 1 then error(("%d bytes after its end"):format(#bytes + 1 - pos), 0) end
    meta_of[c] = { rows = rows, columns = columns, path = path }
  end)
  if not ok then
    error(("%s: corrupt (metadata: %s)"):format(where, tostring(err):gsub("^.-:%d+: ", "")), 0)
  end
end

--- The sidecar of a directory: metadata.csv, metadata.tsv or metadata.json in it, or nil.
function metadata.find(dir, filetype)
  local sep = dir:sub(-1) == "/" and "" or "/"
  for _, name in ipairs { "metadata.csv", "metadata.tsv", "metadata.json" } do
    if filetype(dir .. sep .. name) == "file" then return dir .. sep .. name end
  end
  return nil
end

--- The metadata of document i (a table, empty when it has none).
function metadata.of(c, i)
  local m = meta_of[c]
  local row = m and m.rows[i]
  local out = {}
  if row then for k, v in pairs(row) do out[k] = v end end
  return out
end

--- The metadata columns of c, sorted as the file has them (empty when there is no sidecar).
function metadata.columns(c)
  local m = meta_of[c]
  return m and { table.unpack(m.columns) } or {}
end

--- Whether c has a metadata column of this name.
function metadata.has(c, column)
  local m = meta_of[c]
  if not m then return false end
  for _, col in ipairs(m.columns) do
    if col == column then return true end
  end
  return false
end

-- A wildcard (`*`, `?`) as a Lua pattern over the whole value.
local function glob(value)
  return "^" .. value:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", ".") .. "$"
end

--- The documents (indexes) whose metadata matches every field of `filter` ({column = value};
-- a value may hold `*` and `?` wildcards, or be a list of values, any of which matches).
function metadata.documents(c, filter, fname)
  local m = meta_of[c]
  for column in pairs(filter) do
    if not metadata.has(c, column) then
      local known = m and table.concat(m.columns, ", ") or "none: no metadata file"
      error(("%s: no metadata column '%s' (known: %s)"):format(fname, tostring(column), known), 0)
    end
  end
  local docs = {}
  for i = 1, c:stats().documents do
    local row, ok = m.rows[i] or {}, true
    for column, want in pairs(filter) do
      local have = row[column]
      local any = false
      for _, w in ipairs(type(want) == "table" and want or { want }) do
        if have ~= nil and have:match(glob(tostring(w))) then any = true end
      end
      ok = ok and any
    end
    if ok then docs[#docs + 1] = i end
  end
  return docs
end

return metadata
