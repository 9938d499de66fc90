-- gen_break_tables.lua: the UAX #29 property tables for break_props.c, built from Unicode's data.
--
--   lua5.4 src/gen_break_tables.lua /usr/share/unicode build/gen/break_tables.c
--
-- Reads auxiliary/WordBreakProperty.txt, auxiliary/SentenceBreakProperty.txt and
-- emoji/emoji-data.txt (only Extended_Pictographic) under the given directory and writes a C
-- fragment that break_props.c #includes. The fragment holds tables and nothing else: the types,
-- enums and the BRK_RANGE macro come from break_props.h, so a value Unicode adds later shows up
-- as a compile error that names it, not as a silent misclassification.
--
-- Each range table covers the whole code space: entry k says "from this code point up to the
-- next entry's first, the value is v". Gaps become explicit entries with value 0 (Other/No),
-- and neighbouring ranges with equal values are merged, so a lookup is one binary search over
-- 32-bit words. Code points below 256 get direct tables as well (brk_wb_latin1, brk_sb_latin1,
-- declared in break_props.h for its inline lookups), because most of the text samtal sees is
-- ASCII or Latin-1. The output depends only on the input files.

local MAX_CP = 0x10FFFF

local function fail(msg)
  io.stderr:write("gen_break_tables.lua: ", msg, "\n")
  os.exit(1)
end

local dir, out_path = arg[1], arg[2]
if not dir or not out_path or arg[3] then
  fail("usage: lua5.4 gen_break_tables.lua UNICODE_DIR OUT.c")
end

-- Reads a UCD-style file: "XXXX[..YYYY] ; Value # comment". Returns the list of
-- {first, last, value} for the values `keep` accepts, and the file's first line (its name and
-- version) for the header of the output.
local function read_ranges(rel, keep)
  local path = dir .. "/" .. rel
  local f, err = io.open(path, "r")
  if not f then fail("cannot read input: " .. tostring(err)) end
  local ranges, version, n = {}, nil, 0
  for line in f:lines() do
    n = n + 1
    version = version or line:match("^#%s*(%S+%.txt)")
    local body = line:gsub("#.*", "")
    if body:find("%S") then
      local lo, hi, value = body:match("^%s*(%x+)%.?%.?(%x*)%s*;%s*([%w_]+)%s*$")
      if not lo then fail(path .. ":" .. n .. ": cannot parse: " .. line) end
      if keep(value) then
        local first = tonumber(lo, 16)
        local last = hi ~= "" and tonumber(hi, 16) or first
        if last < first or last > MAX_CP then fail(path .. ":" .. n .. ": bad range: " .. line) end
        ranges[#ranges + 1] = { first, last, value }
      end
    end
  end
  f:close()
  if #ranges == 0 then fail(path .. ": no property values found") end
  return ranges, version or rel
end

-- Sorts, checks for overlaps, fills the gaps with `default` and merges equal neighbours.
-- Returns the list of {first, value} starts, the first one at U+0000.
local function starts_of(ranges, default, what)
  table.sort(ranges, function(a, b) return a[1] < b[1] end)
  local starts, next_cp = {}, 0
  local function push(first, value)
    if #starts > 0 and starts[#starts][2] == value then return end
    starts[#starts + 1] = { first, value }
  end
  for _, r in ipairs(ranges) do
    if r[1] < next_cp then fail(string.format("%s: overlapping ranges at U+%04X", what, r[1])) end
    if r[1] > next_cp then push(next_cp, default) end
    push(r[1], r[3])
    next_cp = r[2] + 1
  end
  if next_cp <= MAX_CP then push(next_cp, default) end
  return starts
end

-- The value of every code point below 256, from the start list.
local function latin1_of(starts)
  local t, k = {}, 1
  for cp = 0, 255 do
    while starts[k + 1] and starts[k + 1][1] <= cp do k = k + 1 end
    t[cp + 1] = starts[k][2]
  end
  return t
end

local out = {}
local function emit(s) out[#out + 1] = s end

local function emit_table(name, starts)
  emit(string.format("static const uint32_t %s[%d] = {\n", name, #starts))
  for _, s in ipairs(starts) do
    emit(string.format("    BRK_RANGE(0x%04X, %s),\n", s[1], s[2]))
  end
  emit("};\n\n")
end

local function emit_latin1(name, values)
  emit(string.format("const uint8_t %s[256] = {\n", name))
  for row = 0, 255, 4 do
    local cells = {}
    for cp = row, row + 3 do cells[#cells + 1] = values[cp + 1] .. "," end
    emit(string.format("    /* %02X */ %s\n", row, table.concat(cells, " ")))
  end
  emit("};\n\n")
end

-- Property value names become the enum names of break_props.h: "ALetter" is WB_ALETTER.
local function enum_names(ranges, prefix)
  for _, r in ipairs(ranges) do r[3] = prefix .. r[3]:upper() end
  return ranges
end

local all = function() return true end
local wb, wb_version = read_ranges("auxiliary/WordBreakProperty.txt", all)
local sb, sb_version = read_ranges("auxiliary/SentenceBreakProperty.txt", all)
local ep, ep_version = read_ranges("emoji/emoji-data.txt",
  function(v) return v == "Extended_Pictographic" end)
for _, r in ipairs(ep) do r[3] = "1" end

local wb_starts = starts_of(enum_names(wb, "WB_"), "WB_OTHER", "WordBreakProperty.txt")
local sb_starts = starts_of(enum_names(sb, "SB_"), "SB_OTHER", "SentenceBreakProperty.txt")
local ep_starts = starts_of(ep, "0", "emoji-data.txt")

emit("/* Generated by src/gen_break_tables.lua from " .. wb_version .. ", " .. sb_version ..
  " and " .. ep_version .. ".\n * Do not edit; see break_props.h for the format. */\n\n")
emit_latin1("brk_wb_latin1", latin1_of(wb_starts))
emit_latin1("brk_sb_latin1", latin1_of(sb_starts))
emit_table("wb_ranges", wb_starts)
emit_table("sb_ranges", sb_starts)
emit_table("ep_ranges", ep_starts)

local text = table.concat(out):gsub("\n\n$", "\n")
local f, err = io.open(out_path, "w")
if not f then fail("cannot write output: " .. tostring(err)) end
local ok, werr = f:write(text)
if ok then ok, werr = f:close() end
if not ok then fail("cannot write " .. out_path .. ": " .. tostring(werr)) end
