--- samtal.cql: the query language, a CQP-like syntax parsed with LPeg into a plain table.
-- Parsing only: the AST names attributes and fields as written, and samtal.query decides what
-- they mean for a corpus. A syntax error raises a message that quotes the query and puts a caret
-- under the column (in characters) where the parser stopped.
--
--     query  <- seq tail
--     seq    <- items ('|' items)*              alternatives bind loosest
--     items  <- item+                           a sequence, in order
--     item   <- atom quant?                     ? * + right after the atom; {} may follow a space
--     atom   <- '[' cond? ']' / '(' seq ')' / string flags? / word
--     quant  <- '?' / '*' / '+' / '{' n '}' / '{' n? ',' n? '}'
--     cond   <- and ('|' and)* ; and <- not ('&' not)* ; not <- '!' not / '(' cond ')' / cmp
--     cmp    <- name ('=' / '!=') string flags? flags <- '%' [cd]+
--     tail   <- (scope ('&' scope)*)*           scope <- 'within' ('turn' / 'sentence') / filter
--     filter <- '@' name ('=' / '!=') string
-- @module samtal.cql
local lpeg = require "lpeg"

local P, R, S, V = lpeg.P, lpeg.R, lpeg.S, lpeg.V
local C, Cc, Cmt, Cp, Cs, Ct = lpeg.C, lpeg.Cc, lpeg.Cmt, lpeg.Cp, lpeg.Cs, lpeg.Ct

local cql = {}

-- Where each node starts in its query (byte offset), for cql.error. Kept beside the AST rather
-- than in it, so the AST stays exactly the documented plain table; weak, so ASTs die as usual.
local where = setmetatable({}, { __mode = "k" })

--- The 1-based column, in characters, of byte offset pos in s.
local function column(s, pos)
  return (utf8.len(s, 1, pos - 1) or pos - 1) + 1
end

--- The message of an error at byte offset pos: the query echoed, a caret under the column.
local function message(kind, s, pos, what)
  local col = column(s, pos)
  -- control white space would break the alignment of the caret line (or the echo itself)
  local shown = s:gsub("[\t\n\r\f\v]", " ")
  return ("%s at column %d: %s\n  %s\n  %s^"):format(kind, col, what, shown, (" "):rep(col - 1))
end

local function raise(s, pos, what)
  error(message("query syntax error", s, pos, what), 0)
end

--- A pattern that raises `what` where it is reached: a cut, placed only where no other reading
-- of the query is left, so that the message names the first place the query goes wrong.
local function fail(what)
  return Cmt(P(0), function(s, i) raise(s, i, what) end)
end

--- A function capture that records where the node it builds starts (the first capture is Cp()).
local function located(build)
  return function(pos, ...)
    local node = build(...)
    where[node] = pos
    -- a plain word's or a bare string's condition starts where its token does
    if node.cond and not where[node.cond] then where[node.cond] = pos end
    return node
  end
end

local space = S" \t\n\r\f\v"
local sp = space^0
-- Everything else may be part of a plain word, so that UTF-8 letters, digits, `SKR:s`, `3,5`,
-- `vi-känsla`, `it's` and `’` need no quoting. `=` and `+` are excluded so that `word="x"`
-- outside brackets and `vård+` read as intended, not as odd words.
local special = space + S'[](){}|&@"+='
local wordchar = 1 - special
local letter = R("az", "AZ")
local digit = R"09"
local name = (letter + "_") * (letter + digit + "_")^0
-- `within turn` and `within sentence` end the sequence; `within` alone is a word like any other
-- (transcripts in English have it), so only the phrase `within turn` needs [lower="within"] turn
local within_kw = P"within" * space^1 * (P"turn" + "sentence") * -wordchar

--- A string in quotes q: a backslash before q stands for q; any other backslash is kept, since
-- the value is a regular expression and `\.` must reach it as written.
local function quoted(q)
  local char = P"\\" * P(q) / q + P"\\" * 1 + (1 - P(q) - "\\")
  return P(q) * Cs(char^0) * P(q)
end

local str = quoted('"') + quoted("'")
  + Cmt(S"\"'", function(s, i)
    raise(s, i - 1, ("unclosed string (no closing %s)"):format(s:sub(i - 1, i - 1)))
  end)

-- Flags right after a string: %c (ignore case), %d (ignore diacritics). Captures case, diacritics.
local flags = P"%" * Cmt(C(letter^0), function(s, i, letters)
  if letters == "" then raise(s, i, "expected a flag after '%' (c or d)") end
  local case, diacritics = true, true
  for k = 1, #letters do
    local f = letters:sub(k, k)
    if f == "c" then
      case = false
    elseif f == "d" then
      diacritics = false
    else
      raise(s, i - #letters + k - 1, ("unknown flag '%s' (known: %%c, %%d)"):format(f))
    end
  end
  return i, case, diacritics
end) + Cc(true, true)

-- The operator is read as the whole run of operator-like characters, so that `==` or `~` is
-- reported as an unknown operator rather than as a strange value.
local op = Cmt(C(S"=!<>~:^$"^1), function(s, i, o)
  if o == "=" or o == "!=" then return i, o end
  raise(s, i - #o, ("unknown operator '%s' (use = or !=)"):format(o))
end)

local value = str + fail("expected a value in quotes")

local function cmp(attr, o, v, case, diacritics)
  return { type = "cmp", attr = attr, op = o, value = v, match = "regex", case = case, diacritics = diacritics }
end

local comparison = Cp() * C(name) * sp * (op + fail("expected '=' or '!=' after the attribute name")) * sp
  * value * flags / located(cmp)

local function token(cond)
  return { type = "token", cond = cond or nil } -- `[]` captures false for "no condition"
end

--- A plain word: the case-folded form, with * and ? as wildcards.
local function plain(w)
  return token { type = "cmp", attr = "lower", op = "=", value = w, match = "wildcard", case = false,
    diacritics = true }
end

local function bare(v, case, diacritics)
  return token(cmp("word", "=", v, case, diacritics))
end

--- open inner close, where a missing close names the column of its opener: with nesting, the
-- place where the parser stopped alone does not tell which bracket was left open.
local function enclosed(open, inner, close)
  return Cmt(Cp() * P(open) * sp * inner * sp, function(s, i, at, node)
    if s:sub(i, i) == close then return i + 1, node end
    raise(s, i, ("expected '%s' to close the '%s' at column %d"):format(close, open, column(s, at)))
  end)
end

local MAX_COUNT = 999999999

-- {n}, {n,m}, {n,}, {,m}; white space allowed inside and before, since `{` starts no word
local braces = sp * Cmt(Cp() * "{" * sp * (C(digit^1) + Cc(false)) * sp
  * (P"," * Cc(true) * sp * (C(digit^1) + Cc(false)) + Cc(false, false)) * sp,
  function(s, i, open, min, comma, max)
    if not min and not max then raise(s, i, "expected a number in the repetition") end
    if s:sub(i, i) ~= "}" then
      raise(s, i, ("expected '}' to close the '{' at column %d"):format(column(s, open)))
    end
    local text = s:sub(open, i)
    for _, n in ipairs { min or "0", max or "0" } do
      if #n > #tostring(MAX_COUNT) then
        raise(s, open, ("repetition %s: counts go up to %d"):format(text, MAX_COUNT))
      end
    end
    min = math.tointeger(tonumber(min or "0"))
    if comma then
      max = max and math.tointeger(tonumber(max)) or nil
    else
      max = min
    end
    if max and min > max then
      raise(s, open, ("repetition %s: the minimum is greater than the maximum"):format(text))
    end
    if max == 0 then
      raise(s, open, ("repetition %s: the maximum must be at least 1"):format(text))
    end
    return i + 1, { min = min, max = max }
  end)

local quant = P"?" * Cc { min = 0, max = 1 } + P"*" * Cc { min = 0 } + P"+" * Cc { min = 1 } + braces

local function repetition(node, q)
  if not q then return node end
  return { type = "repeat", node = node, min = q.min, max = q.max }
end

--- A sequence or alternatives from a list: one item stands alone, and a nested list of the same
-- kind (a group inside a sequence) is spliced in, since grouping a sequence changes nothing.
local function joined(kind, key)
  return function(list)
    if #list == 1 then return list[1] end
    local flat = {}
    for _, n in ipairs(list) do
      if n.type == kind then
        table.move(n[key], 1, #n[key], #flat + 1, flat)
      else
        flat[#flat + 1] = n
      end
    end
    local node = { type = kind, [key] = flat }
    where[node] = where[list[1]]
    return node
  end
end

local function binary(kind)
  return function(a, ...)
    for _, b in ipairs { ... } do
      local node = { type = kind, a, b }
      where[node] = where[a]
      a = node
    end
    return a
  end
end

-- What the parser found where nothing else fits, worded for where it stands.
local stray = {
  [")"] = "unexpected ')' (no '(' to close)",
  ["]"] = "unexpected ']' (no '[' to close)",
  ["}"] = "unexpected '}' (no '{' to close)",
  ["&"] = "unexpected '&' (it joins conditions inside [...] or @ filters)",
  ["="] = "unexpected '=' (a condition goes in brackets: [word=\"...\"])",
  ["+"] = "unexpected '+' (a repetition follows its token or group directly)",
  ["|"] = "unexpected '|' (no token before it)",
  ["@"] = "expected a token before the @ filter",
}

local function unexpected(s, i, context)
  local found = lpeg.match(C(wordchar^1), s, i) or s:match(utf8.charpattern, i)
  if context == "tail" then
    raise(s, i, ("expected 'within' or an @ filter, found '%s'"):format(found))
  elseif context == "start" and lpeg.match(within_kw, s, i) then
    raise(s, i, "expected a token before 'within'")
  end
  raise(s, i, stray[found] or ("unexpected '%s'"):format(found))
end

--- The fewest tokens a node matches.
local function shortest(node)
  if node.type == "token" then return 1 end
  if node.type == "repeat" then return node.min * shortest(node.node) end
  local n
  for _, child in ipairs(node.items or node.options) do
    local m = shortest(child)
    if node.type == "seq" then n = (n or 0) + m else n = math.min(n or m, m) end
  end
  return n
end

local function finish(s, i, seq, tail)
  if i <= #s then unexpected(s, i, #tail > 0 and "tail" or "seq") end
  if shortest(seq) == 0 then
    raise(s, where[seq], "every item is optional: at least one token must be required")
  end
  local query = { type = "query", seq = seq, within = "turn", filters = {} }
  local within_at
  for _, entry in ipairs(tail) do
    if entry.within then
      if within_at then raise(s, entry.at, "'within' given twice") end
      within_at, query.within = entry.at, entry.within
    else
      query.filters[#query.filters + 1] = entry
    end
  end
  return i, query
end

local grammar = P {
  "Query",
  Query = Cmt(sp * -1, function(s) raise(s, 1, "empty query") end)
    + Cmt(sp * (V"Alt" + Cmt(P(0), function(s, i) unexpected(s, i, "start") end)) * Ct(V"Tail") * sp, finish),

  Alt = Ct(V"Seq" * (sp * "|" * sp * (V"Seq" + fail("expected a token after '|'")))^0) / joined("alt", "options"),
  Seq = Ct(V"Item" * (sp * V"Item")^0) / joined("seq", "items"),
  -- a second quantifier is an error rather than a new item: `[]??` or `[]{2}{3}` is a slip
  Item = Cp() * V"Atom" * quant^-1 / located(repetition)
    * ((#S"?*+" + sp * #P"{") * fail("an item takes one repetition (put it in parentheses to repeat again)"))^-1,
  Atom = Cp() * enclosed("[", #P"]" * Cc(false) + V"Cond" + fail("expected a condition (like word=\"x\") or ']'"),
      "]") / located(token)
    + enclosed("(", V"Alt" + fail("expected a token"), ")")
    + Cp() * str * flags / located(bare)
    + Cp() * -within_kw * C(wordchar^1) / located(plain),

  Cond = V"Or",
  Or = V"And" * (sp * "|" * sp * (V"And" + fail("expected a condition after '|'")))^0 / binary("or"),
  And = V"Not" * (sp * "&" * sp * (V"Not" + fail("expected a condition after '&'")))^0 / binary("and"),
  Not = Cp() * "!" * sp * (V"Not" + fail("expected a condition after '!'")) / located(function(c)
    return { type = "not", c }
  end) + enclosed("(", V"Or" + fail("expected a condition"), ")") + comparison,

  -- `&` may join any two of within and the filters, as juxtaposition does
  Tail = (sp * V"Scope" * (sp * "&" * sp * (V"Scope" + fail("expected 'within' or an @ filter after '&'")))^0)^0,
  Scope = V"Within" + V"Filter",
  Within = Cp() * #within_kw * "within" * sp * C(P"turn" + "sentence") / function(at, scope)
    return { within = scope, at = at }
  end,
  Filter = Cp() * "@" * (C(name) + fail("expected a field name after '@'")) * sp
    * (op + fail("expected '=' or '!=' after the field name")) * sp * value / located(function(field, o, v)
      return { field = field, op = o, value = v }
    end),
}

--- Parses a query into its AST (see the module's README section for the language).
-- A syntax error raises `query syntax error at column N: WHAT`, then the query and a caret.
-- @tparam string q the query
-- @treturn table `{type = "query", seq = NODE, within = "turn"|"sentence", filters = {...}}`
function cql.parse(q)
  if type(q) ~= "string" then
    error(("bad argument #1 to 'parse' (string expected, got %s)"):format(type(q)), 2)
  end
  local ok, bad = utf8.len(q)
  if not ok then raise(q, bad, ("invalid UTF-8 (byte 0x%02X)"):format(q:byte(bad))) end
  return lpeg.match(grammar, q)
end

--- Raises an error about a node of a parsed query, in the form of a syntax error, with a caret
-- under where the node starts: for the compiler's "unknown attribute" and the like.
-- @tparam string q the query the node was parsed from
-- @param node a node, condition or filter of cql.parse(q) (or nil: column 1)
-- @tparam string what the message
function cql.error(q, node, what)
  error(message("query error", q, node and where[node] or 1, what), 0)
end

local function quote(v)
  return '"' .. v:gsub('"', '\\"') .. '"'
end

local precedence = { ["or"] = 1, ["and"] = 2, ["not"] = 3, cmp = 4 }

--- A condition as text, in parentheses when it binds more loosely than its place needs.
local function cond_text(c, need)
  local text
  if c.type == "cmp" then
    -- `~` marks a plain word's wildcard match, which is on folded forms: no %c to show
    local wild = c.match == "wildcard"
    local flag = (not wild and c.case == false and "c" or "") .. (c.diacritics == false and "d" or "")
    text = c.attr .. (wild and (c.op == "=" and "~" or "!~") or c.op) .. quote(c.value)
      .. (flag ~= "" and "%" .. flag or "")
  elseif c.type == "not" then
    text = "!" .. cond_text(c[1], precedence["not"])
  elseif c.type == "and" or c.type == "or" then
    local p = precedence[c.type]
    -- the parser nests to the left, so a right operand of the same kind needs parentheses
    text = cond_text(c[1], p) .. (c.type == "and" and " & " or " | ") .. cond_text(c[2], p + 1)
  else
    error(("cql.describe: unknown condition type '%s'"):format(tostring(c.type)), 0)
  end
  return precedence[c.type] < need and "(" .. text .. ")" or text
end

local function node_text(n)
  if n.type == "token" then
    return "[" .. (n.cond and cond_text(n.cond, 0) or "") .. "]"
  elseif n.type == "seq" or n.type == "alt" then
    local parts = {}
    for i, item in ipairs(n.items or n.options) do
      parts[i] = node_text(item)
      if n.type == "seq" and item.type == "seq" then parts[i] = "(" .. parts[i] .. ")" end
    end
    if n.type == "seq" then return table.concat(parts, " ") end
    return "(" .. table.concat(parts, " | ") .. ")"
  elseif n.type == "repeat" then
    local inner = node_text(n.node)
    if n.node.type == "seq" or n.node.type == "repeat" then inner = "(" .. inner .. ")" end
    local min, max = n.min, n.max
    if min == 0 and max == 1 then return inner .. "?" end
    if max == nil then
      if min <= 1 then return inner .. (min == 0 and "*" or "+") end
      return ("%s{%d,}"):format(inner, min)
    end
    if min == max then return ("%s{%d}"):format(inner, min) end
    return ("%s{%d,%d}"):format(inner, min, max)
  end
  error(("cql.describe: unknown node type '%s'"):format(tostring(n.type)), 0)
end

--- A short canonical text of an AST, a node or a condition: plain words show as
-- `[lower~"vård*"]`, alternatives always in parentheses, a query with its scope and filters.
-- @usage cql.describe(cql.parse("nära []{0,2} vård")) --> [lower~"nära"] []{0,2} [lower~"vård"] within turn
function cql.describe(ast)
  if ast.type == "query" then
    local parts = { node_text(ast.seq), "within " .. ast.within }
    for _, f in ipairs(ast.filters) do parts[#parts + 1] = ("@%s%s%s"):format(f.field, f.op, quote(f.value)) end
    return table.concat(parts, " ")
  elseif precedence[ast.type] then
    return cond_text(ast, 0)
  end
  return node_text(ast)
end

return cql
