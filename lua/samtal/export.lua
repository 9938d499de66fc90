--- samtal.export: a corpus written out for other tools. VRT for CWB's cwb-encode, CQPweb and
-- Korp (the C core writes the tokens, src/export.c); this module builds the <text> tags from the
-- documents and their metadata and says how to encode the file.
-- @module samtal.export
local metadata = require "samtal.metadata"

local export = {}

local function xml_escape(s)
  return (tostring(s):gsub('[&<>"\t\r\n]', { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;",
    ["\t"] = " ", ["\r"] = " ", ["\n"] = " " }))
end

--- A metadata column as a CWB attribute name: lower case letters, digits and _, starting with a
-- letter (CWB's rule); nil when nothing is left.
local function attribute_name(column)
  local name = column:lower():gsub("[^%w_]", "_"):gsub("^[^%a]+", "")
  if name == "" then return nil end
  return name
end

--- Writes c as VRT to path; returns the path and the cwb-encode command line for it.
-- opts.name: the CWB corpus name (default: the file name without extension, upper-cased in the
-- registry as CWB wants).
function export.vrt(c, path, opts)
  opts = opts or {}
  local fixed = { id = true, title = true, path = true }
  local columns = {}
  for _, col in ipairs(metadata.columns(c)) do
    local name = attribute_name(col)
    if name and not fixed[name] then
      fixed[name] = true
      columns[#columns + 1] = { column = col, name = name }
    end
  end
  local tags = {}
  for i = 1, c:stats().documents do
    local d = c:document(i)
    local parts = { ('<text id="%s" title="%s" path="%s"'):format(xml_escape(d.name:gsub("%.[^.]*$", "")),
      xml_escape(d.title or ""), xml_escape(d.path)) }
    for _, col in ipairs(columns) do
      parts[#parts + 1] = (' %s="%s"'):format(col.name, xml_escape(d.meta[col.column] or ""))
    end
    parts[#parts + 1] = ">"
    tags[i] = table.concat(parts)
  end
  c:export_vrt(path, tags)
  local text_attrs = { "id", "title", "path" }
  for _, col in ipairs(columns) do text_attrs[#text_attrs + 1] = col.name end
  -- the positional attributes after word, lower and kind: an imported VRT's, named by CWB's rule
  -- (and told apart from the first three and from one another)
  local positional, taken = { "-P lower", "-P kind" }, { word = true, lower = true, kind = true }
  for k, attr in ipairs(c:attributes()) do
    local pname = attribute_name(attr) or ("p" .. (k + 3))
    while taken[pname] do pname = pname .. "_" end
    taken[pname] = true
    positional[#positional + 1] = "-P " .. pname
  end
  local name = (opts.name or path:match("([^/]+)$"):gsub("%.[^.]*$", "")):lower():gsub("[^%w_]", "_")
  local line = ("cwb-encode -c utf8 -x -s -d data/%s -f %s -R registry/%s %s "
    .. "-S text:0+%s -S turn:0+speaker+start+n -S s"):format(name, path, name, table.concat(positional, " "),
    table.concat(text_attrs, "+"))
  return path, line
end

--- Writes c as samtal's JSON (src/export.h) to path: every document with its metadata, text,
-- turns, events, sentences and tokens; `samtal.open(path)` reads it back as the same corpus.
-- The C core writes it, a megabyte at a time; only the metadata is gathered here.
function export.json(c, path, version)
  local columns = metadata.columns(c)
  local metas = {}
  for i = 1, c:stats().documents do
    local row, pairs_ = metadata.of(c, i), {}
    for _, col in ipairs(columns) do
      if row[col] ~= nil then
        pairs_[#pairs_ + 1] = col
        pairs_[#pairs_ + 1] = tostring(row[col])
      end
    end
    metas[i] = pairs_
  end
  c:export_json(path, version, metas)
  return path
end

return export
