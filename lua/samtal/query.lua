--- samtal.query: compiles a parsed query (samtal.cql's AST) into a pattern for the C matcher.
-- Conditions on forms become sets of form ids by matching the lexicon once (c:formset);
-- conditions on speakers and documents become sets of turns; the sequence becomes a Thompson
-- NFA. The matcher (src/pattern.c) then walks only the positions of the first token's forms.
-- @module samtal.query
local core = require "samtal.core"
local metadata = require "samtal.metadata"

local query = {}

-- must agree with src/pattern.h
local PRED_TRUE, PRED_FORMS, PRED_TURNS, PRED_AND, PRED_OR, PRED_NOT, PRED_ATTR = 0, 1, 2, 3, 4, 5, 6
local STATE_TOKEN, STATE_EVENT, STATE_SPLIT, STATE_MATCH = 0, 1, 2, 3
local MAX_REPEAT = 1000

local FORM_ATTRS = { word = true, lower = true, kind = true }
local TURN_ATTRS = { speaker = true, doc = true, path = true, title = true }

local function has_wildcard(s)
  return s:find("[*?]") ~= nil
end

--- The flags string for the C matchers from a comparison's case and diacritics.
local function flags_of(cmp)
  return (cmp.case == false and "c" or "") .. (cmp.diacritics == false and "d" or "")
end

local function how_of(cmp)
  if cmp.match == "regex" then return "regex" end
  return has_wildcard(cmp.value) and "wildcard" or "literal"
end

--- Splits plain words that the tokeniser splits ("vård," is "vård" and ","), so that a typed
-- phrase matches the tokens it reads as; with `exact`, plain words compare exact forms.
local function expand_plain(node, exact, segment)
  if node.type == "token" then
    local cmp = node.cond
    if cmp and cmp.type == "cmp" and cmp.match == "wildcard" then
      if exact then
        cmp.attr, cmp.case = "word", true
      end
      if not has_wildcard(cmp.value) then
        local pieces = {}
        for _, piece in ipairs(segment(cmp.value)) do
          if piece:find("%S") then pieces[#pieces + 1] = piece end
        end
        if #pieces > 1 then
          local items = {}
          for i, piece in ipairs(pieces) do
            items[i] = { type = "token", cond = { type = "cmp", attr = cmp.attr, op = cmp.op, value = piece,
              match = "wildcard", case = cmp.case, diacritics = cmp.diacritics } }
          end
          return { type = "seq", items = items }
        end
      end
    end
    return node
  end
  for _, key in ipairs { "items", "options" } do
    if node[key] then
      for i, child in ipairs(node[key]) do node[key][i] = expand_plain(child, exact, segment) end
    end
  end
  if node.node then node.node = expand_plain(node.node, exact, segment) end
  return node
end

--- Splices sequences inside sequences, so that a phrase's tokens stand at fixed offsets.
local function flatten(node)
  for _, key in ipairs { "items", "options" } do
    if node[key] then
      for i, child in ipairs(node[key]) do node[key][i] = flatten(child) end
    end
  end
  if node.node then node.node = flatten(node.node) end
  if node.type == "seq" then
    local items = {}
    for _, child in ipairs(node.items) do
      if child.type == "seq" then
        for _, grandchild in ipairs(child.items) do items[#items + 1] = grandchild end
      else
        items[#items + 1] = child
      end
    end
    node.items = items
  end
  return node
end

--- Whether a condition is about events (which are no tokens).
local function is_event_cond(cond)
  if not cond then return false end
  if cond.type == "cmp" then
    return cond.attr == "event" or (cond.attr == "kind" and cond.value == "event")
  end
  return is_event_cond(cond[1]) or is_event_cond(cond[2])
end

--- Compiles an AST for corpus c. Returns the program table that c:find() runs.
-- opts.case: plain words match exact forms. Errors quote the query.
function query.compile(c, ast, text, opts)
  opts = opts or {}
  local function fail(msg)
    error(("query %q: %s"):format(text, msg), 0)
  end
  local segment = core.segment
  ast.seq = flatten(expand_plain(ast.seq, opts.case, segment))
  local prog = { sets = {}, preds = {}, states = {}, anchors = {}, scope = ast.within == "sentence" and 1 or 0,
    turns = -1 }
  local set_of_pred = {}
  local function add(list, item)
    list[#list + 1] = item
    return #list - 1 -- C indices are 0-based
  end
  local function call(fn, ...)
    local res = table.pack(pcall(fn, c, ...))
    if not res[1] then
      local msg = tostring(res[2])
      if msg:find(": corrupt (", 1, true) then error(msg, 0) end -- a damaged saved corpus, not the query
      fail(msg)
    end
    return table.unpack(res, 2, res.n)
  end

  -- a condition as a predicate index (token conditions) or an event set index
  local function cond_pred(cond)
    if cond == nil then return add(prog.preds, { type = PRED_TRUE }) end
    if cond.type == "not" then
      return add(prog.preds, { type = PRED_NOT, a = cond_pred(cond[1]) })
    elseif cond.type == "and" or cond.type == "or" then
      local a, b = cond_pred(cond[1]), cond_pred(cond[2])
      return add(prog.preds, { type = cond.type == "and" and PRED_AND or PRED_OR, a = a, b = b })
    end
    local p
    if FORM_ATTRS[cond.attr] then
      local set = add(prog.sets, call(c.formset, cond.attr, how_of(cond), cond.value, flags_of(cond)))
      p = add(prog.preds, { type = PRED_FORMS, set = set })
      set_of_pred[p] = set
    elseif TURN_ATTRS[cond.attr] then
      local set = add(prog.sets, call(c.turnset, cond.attr, how_of(cond), cond.value, flags_of(cond)))
      p = add(prog.preds, { type = PRED_TURNS, set = set })
    else
      local set, id = call(c.attrset, cond.attr, how_of(cond), cond.value, flags_of(cond))
      if not set then
        local known = { "word", "lower", "kind", "speaker", "doc", "path", "title", "event" }
        for _, name in ipairs(c:attributes()) do known[#known + 1] = name end
        fail(("unknown attribute '%s' (this corpus has %s)"):format(cond.attr, table.concat(known, ", ")))
      end
      p = add(prog.preds, { type = PRED_ATTR, set = add(prog.sets, set), a = id })
    end
    if cond.op == "!=" then
      p = add(prog.preds, { type = PRED_NOT, a = p })
    end
    return p
  end

  -- filters (@speaker = "LENA") hold for every token of a match
  local filter_pred
  for _, f in ipairs(ast.filters or {}) do
    local cmp = { type = "cmp", attr = f.field, op = f.op, value = f.value, match = "wildcard", case = true }
    local p
    if TURN_ATTRS[f.field] then
      p = cond_pred(cmp)
    elseif metadata.has(c, f.field) then
      -- a column of the metadata sidecar: the turns of the documents whose value matches
      local ids = {}
      for _, d in ipairs(metadata.documents(c, { [f.field] = f.value }, "query")) do
        local doc = c:document(d)
        for t = doc.first_turn, doc.first_turn + doc.turns - 1 do ids[#ids + 1] = t end
      end
      p = add(prog.preds, { type = PRED_TURNS, set = add(prog.sets, c:turnset_of(ids)) })
      if f.op == "!=" then p = add(prog.preds, { type = PRED_NOT, a = p }) end
    else
      local known = { "speaker", "doc", "path", "title" }
      for _, col in ipairs(metadata.columns(c)) do
        if not TURN_ATTRS[col] then known[#known + 1] = col end
      end
      fail(("unknown field @%s (known: %s)"):format(f.field, table.concat(known, ", ")))
    end
    if #(ast.filters) == 1 and f.op == "=" then prog.turns = prog.preds[p + 1].set end
    filter_pred = filter_pred and add(prog.preds, { type = PRED_AND, a = filter_pred, b = p }) or p
  end

  local function event_set(cond)
    if cond.type ~= "cmp" then fail("an event condition cannot be combined with other conditions") end
    if cond.attr == "kind" then return add(prog.sets, call(c.eventset, "wildcard", "*", "")) end
    return add(prog.sets, call(c.eventset, how_of(cond), cond.value, flags_of(cond)))
  end

  local function compile(node, next_state)
    if node.type == "token" then
      if is_event_cond(node.cond) then
        return add(prog.states, { type = STATE_EVENT, pred = event_set(node.cond), out = next_state })
      end
      local p = cond_pred(node.cond)
      local anchor_set = set_of_pred[p]
      if filter_pred then p = add(prog.preds, { type = PRED_AND, a = p, b = filter_pred }) end
      node.anchor_set = anchor_set
      return add(prog.states, { type = STATE_TOKEN, pred = p, out = next_state })
    elseif node.type == "seq" then
      local cur = next_state
      for i = #node.items, 1, -1 do cur = compile(node.items[i], cur) end
      return cur
    elseif node.type == "alt" then
      local cur = compile(node.options[#node.options], next_state)
      for i = #node.options - 1, 1, -1 do
        cur = add(prog.states, { type = STATE_SPLIT, out = compile(node.options[i], next_state), out2 = cur })
      end
      return cur
    elseif node.type == "repeat" then
      local min, max = node.min or 0, node.max
      if min > MAX_REPEAT or (max and max > MAX_REPEAT) then
        fail(("repetition over %d is not supported"):format(MAX_REPEAT))
      end
      local cur = next_state
      if max == nil then
        local split = add(prog.states, { type = STATE_SPLIT, out = -1, out2 = next_state })
        prog.states[split + 1].out = compile(node.node, split)
        cur = split
      else
        for _ = 1, max - min do
          cur = add(prog.states, { type = STATE_SPLIT, out = compile(node.node, cur), out2 = next_state })
        end
      end
      for _ = 1, min do cur = compile(node.node, cur) end
      return cur
    end
    fail("unknown query node " .. tostring(node.type))
  end

  local final = add(prog.states, { type = STATE_MATCH })
  prog.start = compile(ast.seq, final)
  -- anchors: tokens at a fixed distance from the start of every match whose forms are a set;
  -- the matcher walks the postings of the rarest of them
  local items = ast.seq.type == "seq" and ast.seq.items or { ast.seq }
  for offset, item in ipairs(items) do
    if item.type ~= "token" or is_event_cond(item.cond) then break end
    if item.anchor_set then prog.anchors[#prog.anchors + 1] = { set = item.anchor_set, offset = offset - 1 } end
  end
  return prog
end

--- A program matching one token whose form satisfies a Lua function or an LPeg pattern.
function query.compile_function(c, test)
  local ids = {}
  for id, form in ipairs(c:forms()) do
    if test(form) then ids[#ids + 1] = id end
  end
  local prog = { sets = { c:formset_ids(ids) }, preds = { { type = PRED_FORMS, set = 0 } },
    states = { { type = STATE_MATCH }, { type = STATE_TOKEN, pred = 0, out = 0 } }, start = 1,
    anchors = { { set = 0, offset = 0 } }, turns = -1, scope = 0 }
  return prog
end

return query
