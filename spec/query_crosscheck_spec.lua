-- Cross-check: every construct of the query language, run by the C matcher, against a slow and
-- obvious matcher written here in Lua over the token stream, on generated queries.
local samtal = require "samtal"
local cql = require "samtal.cql"
local h = require "helpers"

--- The token stream of a corpus, as plain Lua tables.
local function stream(c)
  local toks, turns, events_at = {}, {}, {}
  for i = 1, c:stats().tokens do toks[i] = c:token(i) end
  for id = 1, c:stats().turns do turns[id] = c:turn(id) end
  for _, d in ipairs(c:documents()) do
    for _, e in ipairs(d.events) do
      local list = events_at[e.position] or {}
      list[#list + 1] = { name = e.name:gsub("^[*_]+", ""):gsub("[*_]+$", ""), turn = e.turn and (d.first_turn + e.turn - 1) }
      events_at[e.position] = list
    end
  end
  return { toks = toks, turns = turns, events_at = events_at }
end

--- The restricted regular expressions the generator makes: lit, lit.*, .*lit, a|b.
local function regex_match(re, s)
  for alt in (re .. "|"):gmatch("([^|]*)|") do
    local lit = alt:gsub("%.%*", "")
    if alt == lit and s == lit then return true end
    if alt == lit .. ".*" and s:sub(1, #lit) == lit then return true end
    if alt == ".*" .. lit and (lit == "" or s:sub(-#lit) == lit) then return true end
  end
  return false
end

local function glob_match(pattern, s)
  local lua = "^" .. pattern:gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*"):gsub("%?", utf8.charpattern) .. "$"
  return s:find(lua) ~= nil
end

local function value_match(cmp, s)
  local v = cmp.value
  if cmp.case == false then s, v = samtal.fold(s), cmp.match == "regex" and v or samtal.fold(v) end
  if cmp.match == "regex" then return regex_match(v, s) end
  if cmp.attr == "lower" then v = samtal.fold(v) end
  return glob_match(v, s)
end

local function cond_holds(st, cond, pos)
  if cond == nil then return true end
  if cond.type == "and" then return cond_holds(st, cond[1], pos) and cond_holds(st, cond[2], pos) end
  if cond.type == "or" then return cond_holds(st, cond[1], pos) or cond_holds(st, cond[2], pos) end
  if cond.type == "not" then return not cond_holds(st, cond[1], pos) end
  local t = st.toks[pos]
  local subject
  if cond.attr == "word" then subject = t.form
  elseif cond.attr == "lower" then subject = t.folded
  elseif cond.attr == "kind" then subject = t.kind
  elseif cond.attr == "speaker" then subject = st.turns[t.turn_id].speaker
  elseif cond.attr == "doc" then subject = t.doc
  end
  local ok = subject ~= nil and value_match(cond, subject)
  if cond.op == "!=" then return not ok end
  return ok
end

local function is_event(cond)
  return cond and cond.type == "cmp" and (cond.attr == "event" or (cond.attr == "kind" and cond.value == "event"))
end

--- The set of end positions reachable matching node from pos, not passing `stop`.
local function ends(st, node, pos, stop, turn)
  local out = {}
  if node.type == "token" then
    if is_event(node.cond) then
      for _, e in ipairs(st.events_at[pos] or {}) do
        if (e.turn == nil or e.turn == turn) and (node.cond.attr == "kind" or value_match(node.cond, e.name)) then
          out[pos] = true
        end
      end
    elseif pos < stop and cond_holds(st, node.cond, pos) then
      out[pos + 1] = true
    end
  elseif node.type == "seq" then
    out[pos] = true
    for _, item in ipairs(node.items) do
      local nxt = {}
      for p in pairs(out) do for e in pairs(ends(st, item, p, stop, turn)) do nxt[e] = true end end
      out = nxt
    end
  elseif node.type == "alt" then
    for _, opt in ipairs(node.options) do for e in pairs(ends(st, opt, pos, stop, turn)) do out[e] = true end end
  elseif node.type == "repeat" then
    local frontier, k = { [pos] = true }, 0
    if node.min == 0 then out[pos] = true end
    while next(frontier) and (node.max == nil or k < node.max) and k < 60 do
      k = k + 1
      local nxt = {}
      for p in pairs(frontier) do for e in pairs(ends(st, node.node, p, stop, turn)) do nxt[e] = true end end
      for e in pairs(nxt) do if k >= node.min then out[e] = true end end
      frontier = nxt
    end
  end
  return out
end

--- Every match as "start:length", by the slow matcher.
local function slow_find(st, ast)
  local found = {}
  for s = 1, #st.toks do
    local t = st.toks[s]
    local turn = st.turns[t.turn_id]
    local ok = true
    for _, f in ipairs(ast.filters or {}) do
      local v = f.field == "speaker" and turn.speaker or turn.doc
      local hit = v ~= nil and glob_match(f.value, v)
      if (f.op == "=") ~= hit then ok = false end
    end
    if ok then
      local stop = turn.first_token + turn.tokens
      if ast.within == "sentence" then
        local e = s
        while e < stop and st.toks[e].sentence == t.sentence do e = e + 1 end
        stop = e
      end
      local best = 0
      for e in pairs(ends(st, ast.seq, s, stop, t.turn_id)) do
        if e - s > best then best = e - s end
      end
      if best > 0 then found[#found + 1] = s .. ":" .. best end
    end
  end
  return found
end

local function fast_find(c, q)
  local out = {}
  for i, p in ipairs(c:positions(q)) do out[i] = p[1] .. ":" .. p[2] end
  return out
end

--- A deterministic generator of queries from the corpus's own words.
local function generator(st, seed)
  local state = seed
  local function rand(n)
    state = (state * 1103515245 + 12345) % 2147483648
    return state % n + 1
  end
  local words, speakers = {}, {}
  for i = 1, #st.toks, 7 do
    local t = st.toks[i]
    if t.kind == "word" and #t.folded > 1 and not t.folded:find("[\"'*?]") then words[#words + 1] = t.folded end
  end
  for _, t in ipairs(st.turns) do if t.speaker then speakers[t.speaker] = true end end
  local spk = {}
  for name in pairs(speakers) do spk[#spk + 1] = name end
  table.sort(spk)
  local function word() return words[rand(#words)] end
  local function prefix(w, n) -- the first n characters
    local stop = utf8.offset(w, n + 1)
    return stop and w:sub(1, stop - 1) or w
  end
  local function atom()
    local k = rand(9)
    local w = word()
    if k == 1 then return prefix(w, 3) .. "*" end
    if k == 2 then return ('[lower="%s.*"]'):format(prefix(w, 2)) end
    if k == 3 then return ('[lower="%s|%s"]'):format(w, word()) end
    if k == 4 then return '[kind="punctuation"]' end
    if k == 5 and #spk > 0 then return ('[lower="%s" & speaker="%s"]'):format(w, spk[rand(#spk)]) end
    if k == 6 then return ('[word="%s"%%c]'):format(w) end
    if k == 7 then return ('[lower!="%s"]'):format(w) end
    return w
  end
  return function()
    local k = rand(8)
    local q
    if k == 1 then q = atom() .. " []{0,2} " .. atom()
    elseif k == 2 then q = "(" .. atom() .. " | " .. atom() .. ") " .. atom()
    elseif k == 3 then q = atom() .. " " .. atom() .. "?"
    elseif k == 4 then q = atom() .. " [kind=\"word\"]+ " .. atom()
    elseif k == 5 then q = atom() .. " " .. atom() .. " within sentence"
    elseif k == 6 and #spk > 0 then q = atom() .. (' @speaker = "%s"'):format(spk[rand(#spk)])
    elseif k == 7 then q = '[kind="event"] ' .. atom()
    else q = atom() .. " " .. atom() end
    return q
  end
end

describe("samtal query language", function()
  local corpora = {
    { "corpus/", 150 },
    { h.shared .. "bitcointranscripts-en/teach-the-controversy-mempoolfullrbf.md", 60 },
    { h.shared .. "virtualcoffee-en/0105-cameron-rahat.txt", 60 },
  }
  for _, spec in ipairs(corpora) do
    local path, n = spec[1], spec[2]
    it("agrees with a slow matcher on " .. n .. " generated queries over " .. path, function()
      local c = samtal.open(path)
      local st = stream(c)
      local gen = generator(st, #path)
      local nonempty = 0
      for _ = 1, n do
        local q = gen()
        local want = slow_find(st, cql.parse(q))
        local got = fast_find(c, q)
        assert.are.same(want, got, q)
        if #got > 0 then nonempty = nonempty + 1 end
      end
      assert.truthy(nonempty > n / 4, "too few queries had hits: " .. nonempty)
    end)
  end
end)
