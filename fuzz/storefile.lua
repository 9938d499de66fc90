-- storefile.lua: a saved corpus's bytes, for the store fuzz target's seeds and for the replay of
-- its corpus (spec/fuzz_corpus_spec.lua). Pure Lua 5.4, loaded with dofile("fuzz/storefile.lua").
--   repair(bytes)  the bytes with every checksum made right, as fuzz/fuzz_store.c repairs an input
--                  before its second try: each section's, the directory's, the header's, and the
--                  header's file size; nil when there is no header to repair
--   compact(bytes) the same corpus with its lexicons' hash tables cut to the smallest power of two
--                  above their entry count (samtal writes 1024 slots at least: 8 KB of zeros in a
--                  small file), sections moved up and checksums made right; nil if the bytes do
--                  not look like a saved corpus. Small seeds keep spec/fuzz/store/ small.
-- The layout is that of src/store.c: a 64-byte header, 32-byte directory entries (id, element
-- size, offset, count, checksum), sections 8-byte aligned with zero padding.
local M = {}

local HEADER, ENTRY = 64, 32

local P1, P2, P3, P4, P5 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63,
  0x27D4EB2F165667C5
local function rotl(x, r) return (x << r) | (x >> (64 - r)) end
local function round(acc, w) return rotl(acc + w * P2, 31) * P1 end

--- XXH64 with seed 0 of s:sub(i, j) (as store.c and `xxhsum -H64` compute it).
function M.xxh64(s, i, j)
  i, j = i or 1, j or #s
  local n = j - i + 1
  local r
  if n >= 32 then
    local v = { P1 + P2, P2, 0, -P1 }
    while i + 31 <= j do
      for k = 1, 4 do v[k] = round(v[k], (string.unpack("<i8", s, i + 8 * (k - 1)))) end
      i = i + 32
    end
    r = rotl(v[1], 1) + rotl(v[2], 7) + rotl(v[3], 12) + rotl(v[4], 18)
    for k = 1, 4 do r = (r ~ round(0, v[k])) * P1 + P4 end
  else
    r = P5
  end
  r = r + n
  while i + 7 <= j do
    r = rotl(r ~ round(0, (string.unpack("<i8", s, i))), 27) * P1 + P4
    i = i + 8
  end
  if i + 3 <= j then
    r = rotl(r ~ (string.unpack("<I4", s, i) * P1), 23) * P2 + P3
    i = i + 4
  end
  for k = i, j do r = rotl(r ~ (s:byte(k) * P5), 11) * P1 end
  r = (r ~ (r >> 33)) * P2
  r = (r ~ (r >> 29)) * P3
  return r ~ (r >> 32)
end

local function put(bytes, at, s) return bytes:sub(1, at) .. s .. bytes:sub(at + #s + 1) end

function M.repair(bytes)
  local size = #bytes
  if size < HEADER then return nil end
  bytes = put(bytes, 16, string.pack("<I8", size))
  local nsec = math.min(string.unpack("<I4", bytes, 25), 64)
  local dir_end = HEADER + nsec * ENTRY
  if dir_end <= size then
    for i = 0, nsec - 1 do
      local e = HEADER + i * ENTRY
      local elsize, offset, count = string.unpack("<I4I8I8", bytes, e + 5)
      -- unsigned comparisons: offset and count may be anything
      if math.ult(size, offset) == false and (elsize == 0 or not math.ult((size - offset) // elsize, count)) then
        bytes = put(bytes, e + 24, string.pack("<i8", M.xxh64(bytes, offset + 1, offset + count * elsize)))
      end
    end
    bytes = put(bytes, 40, string.pack("<i8", M.xxh64(bytes, HEADER + 1, dir_end)))
  end
  return put(bytes, 56, string.pack("<i8", M.xxh64(bytes, 1, 56)))
end

-- The lexicons as store.c lays them out: pool, entries, slots (section ids of the entries):
-- forms, folds, speaker names, and (format 7) the names of a VRT's attributes. The attributes'
-- values are several lexicons end to end in one set of sections, and stay as they are.
local LEXICON_ENTRIES = { 16, 20, 23, 35 }

function M.compact(bytes)
  if #bytes < HEADER or bytes:sub(1, 8) ~= "SAMTALC\x1A" then return nil end
  local nsec = string.unpack("<I4", bytes, 25)
  if nsec < 25 or nsec > 64 or #bytes < HEADER + nsec * ENTRY then return nil end
  local secs = {}
  for i = 0, nsec - 1 do
    local id, elsize, offset, count = string.unpack("<I4I4I8I8", bytes, HEADER + 1 + ENTRY * i)
    if id ~= i or offset + count * elsize > #bytes then return nil end
    secs[i] = { elsize = elsize, count = count, data = bytes:sub(offset + 1, offset + count * elsize) }
  end
  for _, ent in ipairs(LEXICON_ENTRIES) do
    local entries, slots = secs[ent], secs[ent + 1]
    if not (entries and slots) or entries.elsize ~= 12 or slots.elsize ~= 4 then return nil end
    local n, nslots = entries.count, 0
    if n > 0 then
      nslots = 1
      while nslots <= n do nslots = nslots * 2 end
    end
    local t = {}
    for k = 0, nslots - 1 do t[k] = 0 end
    for id = 0, n - 1 do -- as lexicon.c's grow_slots places them
      local hash = string.unpack("<I4", entries.data, id * 12 + 9)
      local k = hash & (nslots - 1)
      while t[k] ~= 0 do k = (k + 1) & (nslots - 1) end
      t[k] = id + 1
    end
    local parts = {}
    for k = 0, nslots - 1 do parts[#parts + 1] = string.pack("<I4", t[k]) end
    slots.count, slots.data = nslots, table.concat(parts)
  end
  local out, at = { bytes:sub(1, HEADER) }, HEADER + nsec * ENTRY
  local dir, body = {}, {}
  for i = 0, nsec - 1 do
    local pad = (8 - at % 8) % 8
    body[#body + 1] = string.rep("\0", pad)
    at = at + pad
    local s = secs[i]
    dir[#dir + 1] = string.pack("<I4I4I8I8i8", i, s.elsize, at, s.count, M.xxh64(s.data))
    body[#body + 1] = s.data
    at = at + #s.data
  end
  out[#out + 1] = table.concat(dir)
  out[#out + 1] = table.concat(body)
  return M.repair(table.concat(out))
end

return M
