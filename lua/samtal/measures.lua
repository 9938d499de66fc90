--- samtal.measures: the formulas behind samtal's statistics, in plain Lua.
-- Association measures on a 2x2 contingency table, keyness of a word in a target corpus against a
-- reference corpus, p-values and critical values of G² and chi² with one degree of freedom,
-- dispersion over the parts of a corpus, and lexical diversity. These are the reference
-- implementations: a faster version in the C core must give the same numbers. docs/measures.md
-- gives every formula, its variant, its zero-count policy and its source.
-- @module samtal.measures
local measures = {}

local log, sqrt, exp, abs, huge = math.log, math.sqrt, math.exp, math.abs, math.huge
local pi = math.pi

-- Argument errors ---------------------------------------------------------------------------

local public = {} -- the module's functions, filled at the end; argerror looks for them on the stack

--- Raises "bad argument #i to 'fname' (msg)" at the line that called the public function, however
-- deep in the module the check sits (luaL_argerror's message, for a Lua module).
local function argerror(fname, i, msg)
  local level = 2
  while true do
    local info = debug.getinfo(level, "f")
    if not info then level = 1 break end
    if public[info.func] then break end
    level = level + 1
  end
  error(("bad argument #%d to '%s' (%s)"):format(i, fname, msg), level + 1)
end

--- A value's type as luaL_typeerror names it: the __name of its metatable, if it has one.
local function typename(v)
  local mt = getmetatable(v)
  if type(mt) == "table" and type(mt.__name) == "string" then return mt.__name end
  return type(v)
end

--- A count: a finite number >= 0 (not necessarily an integer: weighted counts are fine). Returned
-- as a float, because Lua's integer products wrap around silently (O11*O22 squared overflows).
local function count(fname, i, v, what)
  if type(v) ~= "number" then argerror(fname, i, "number expected, got " .. typename(v)) end
  if v ~= v or v == huge or v == -huge then argerror(fname, i, ("%s must be finite, got %s"):format(what, v)) end
  if v < 0 then argerror(fname, i, ("%s must not be negative, got %s"):format(what, v)) end
  return v + 0.0
end

local function positive(fname, i, v, what)
  v = count(fname, i, v, what)
  if v == 0 then argerror(fname, i, what .. " must be positive, got 0") end
  return v
end

--- The function registered under `name` in `known`, or an error listing the known names.
local function pick(fname, known, name)
  if type(name) ~= "string" then argerror(fname, 1, "string expected, got " .. typename(name)) end
  local f = known[name]
  if not f then
    argerror(fname, 1, ("unknown measure '%s'; known: %s"):format(name, table.concat(known, ", ")))
  end
  return f
end

--- Checks an options table: every key must be an option of the function, and the option must
-- apply to the chosen measure (a `yates` given to "mi" is a mistake worth reporting).
-- `rules[key] = { check = fn(v) -> ok, msg, measures = { name = true, ... } }`.
local function options(fname, i, opts, name, rules)
  if opts == nil then return {} end
  if type(opts) ~= "table" then argerror(fname, i, "options table expected, got " .. typename(opts)) end
  for k, v in pairs(opts) do
    local rule = rules[k]
    if not rule then
      local keys = {}
      for key in pairs(rules) do keys[#keys + 1] = key end
      table.sort(keys)
      argerror(fname, i, ("unknown option '%s'; known: %s"):format(tostring(k), table.concat(keys, ", ")))
    end
    if not rule.measures[name] then
      local list = {}
      for m in pairs(rule.measures) do list[#list + 1] = m end
      table.sort(list)
      argerror(fname, i, ("option '%s' applies to %s, not to '%s'"):format(k, table.concat(list, ", "), name))
    end
    local ok, msg = rule.check(v)
    if not ok then argerror(fname, i, ("option '%s' %s, got %s"):format(k, msg, tostring(v))) end
  end
  return opts
end

local function is_boolean(v) return type(v) == "boolean", "must be a boolean" end

--- A registry of measures: name -> function, plus the sorted names as its array part.
local function registry(fns)
  local names = {}
  for name in pairs(fns) do names[#names + 1] = name end
  table.sort(names)
  for i, name in ipairs(names) do fns[i] = name end
  return fns
end

--- The sorted names of a registry, as a fresh array.
local function names_of(known)
  return table.move(known, 1, #known, 1, {})
end

-- Contingency tables --------------------------------------------------------------------------

--- A 2x2 contingency table (the notation of shared/STATISTICS.md):
--   o11 o12 | r1        expected counts eij = ri * cj / n
--   o21 o22 | r2        f1, f2: the frequencies Dice and logDice use (r1 and c1, except for windows)
--   c1  c2  | n
local Table = { __name = "samtal.measures.Table" }
Table.__index = Table

function Table.__tostring(t)
  return ("samtal.measures.Table {O11 = %.17g, O12 = %.17g, O21 = %.17g, O22 = %.17g}"):format(
    t.o11, t.o12, t.o21, t.o22)
end

local function newtable(o11, o12, o21, o22, f1, f2)
  local r1, r2, c1, c2 = o11 + o12, o21 + o22, o11 + o21, o12 + o22
  local n = r1 + r2
  return setmetatable({
    o11 = o11, o12 = o12, o21 = o21, o22 = o22, r1 = r1, r2 = r2, c1 = c1, c2 = c2, n = n,
    e11 = r1 * c1 / n, e12 = r1 * c2 / n, e21 = r2 * c1 / n, e22 = r2 * c2 / n,
    f1 = f1 or r1, f2 = f2 or c1,
  }, Table)
end

--- Checks the margins O11, R1, C1, N (arguments first .. first + 3 of fname) and builds the table.
local function margins(fname, first, o11, r1, c1, n)
  o11 = count(fname, first, o11, "O11")
  r1 = positive(fname, first + 1, r1, "R1")
  c1 = positive(fname, first + 2, c1, "C1")
  n = positive(fname, first + 3, n, "N")
  if o11 > r1 then argerror(fname, first, ("O11 = %.17g exceeds R1 = %.17g"):format(o11, r1)) end
  if o11 > c1 then argerror(fname, first, ("O11 = %.17g exceeds C1 = %.17g"):format(o11, c1)) end
  if r1 > n then argerror(fname, first + 1, ("R1 = %.17g exceeds N = %.17g"):format(r1, n)) end
  if c1 > n then argerror(fname, first + 2, ("C1 = %.17g exceeds N = %.17g"):format(c1, n)) end
  if r1 + c1 - o11 > n then
    argerror(fname, first + 3, ("R1 + C1 - O11 = %.17g exceeds N = %.17g (O22 would be negative)"):format(
      r1 + c1 - o11, n))
  end
  return newtable(o11, r1 - o11, c1 - o11, n - r1 - c1 + o11)
end

--- The table of the four cells O11, O12, O21, O22.
function measures.table(o11, o12, o21, o22)
  o11 = count("table", 1, o11, "O11")
  o12 = count("table", 2, o12, "O12")
  o21 = count("table", 3, o21, "O21")
  o22 = count("table", 4, o22, "O22")
  if o11 + o12 == 0 then argerror("table", 2, "the first row is empty (R1 = O11 + O12 = 0)") end
  if o11 + o21 == 0 then argerror("table", 3, "the first column is empty (C1 = O11 + O21 = 0)") end
  local t = newtable(o11, o12, o21, o22)
  return t
end

--- The table from its margins: O11, R1 (the node's frequency), C1 (the collocate's), N.
-- O12 = R1 - O11, O21 = C1 - O11, O22 = N - R1 - C1 + O11.
function measures.contingency(o11, r1, c1, n)
  local t = margins("contingency", 1, o11, r1, c1, n)
  return t
end

--- The table of a window collocation (Evert 2008): the node occurs f_node times, each hit opens a
-- window of `span` slots (left + right), and O11 collocate tokens fall in those windows. The rows
-- are window slots against the other tokens: R1 = f_node * span, C1 = f_coll, N = corpus tokens,
-- so E11 = f_node * span * f_coll / N. Dice and logDice use the plain frequencies f_node and
-- f_coll (Rychlý 2008). With many hits in a small corpus R1 can exceed N, or O11 exceed C1 when
-- overlapping windows count a collocate token twice: MI, MI3, t, z, Dice and logDice need only
-- E11 and still work; G² and chi² need every cell and raise. A caller that knows the number of
-- distinct slots (windows clipped at text edges, overlaps merged) should pass that as R1 to
-- contingency() instead.
function measures.window(o11, f_node, span, f_coll, n)
  o11 = count("window", 1, o11, "O11")
  f_node = positive("window", 2, f_node, "f_node")
  span = positive("window", 3, span, "span")
  f_coll = positive("window", 4, f_coll, "f_coll")
  n = positive("window", 5, n, "N")
  if f_node > n then argerror("window", 2, ("f_node = %.17g exceeds N = %.17g"):format(f_node, n)) end
  if f_coll > n then argerror("window", 4, ("f_coll = %.17g exceeds N = %.17g"):format(f_coll, n)) end
  local r1 = f_node * span
  if o11 > r1 then
    argerror("window", 1, ("O11 = %.17g exceeds the window slots f_node * span = %.17g"):format(o11, r1))
  end
  -- The cells may be negative here (see above); newtable's margins and E11 are still right.
  local t = newtable(o11, r1 - o11, f_coll - o11, n - r1 - f_coll + o11, f_node, f_coll)
  return t
end

--- Checks that argument i of fname is a table made by this module.
local function check_table(fname, i, t)
  if getmetatable(t) ~= Table then argerror(fname, i, "samtal.measures.Table expected, got " .. typename(t)) end
  return t
end

-- Association measures ----------------------------------------------------------------------

--- o * ln(o / e), with 0 * ln 0 = 0 (the limit). e > 0 whenever o > 0 in a table with no negative cell.
local function oln(o, e)
  if o == 0 then return 0 end
  return o * log(o / e)
end

--- G² over the four cells, 2 * sum Oij ln(Oij / Eij) (Dunning 1993). Rounding can leave a tiny
-- negative sum when O = E; G² is never negative, so that is clamped to 0.
local function g2(t)
  local s = oln(t.o11, t.e11) + oln(t.o12, t.e12) + oln(t.o21, t.e21) + oln(t.o22, t.e22)
  return math.max(0, 2 * s)
end

--- Pearson's chi² of the table, N (O11 O22 - O12 O21)² / (R1 R2 C1 C2), optionally with Yates'
-- correction (|O11 O22 - O12 O21| reduced by N/2, not below 0, as R's chisq.test does). A table
-- with an empty row or column shows no association: 0.
local function chi2(t, yates)
  local den = t.r1 * t.r2 * t.c1 * t.c2
  if den == 0 then return 0 end
  local d = abs(t.o11 * t.o22 - t.o12 * t.o21)
  if yates then d = math.max(0, d - t.n / 2) end
  return t.n * d * d / den
end

--- -1, 0 or 1: O11 below, at or above E11 (compared as O11 * N against R1 * C1, free of rounding).
local function sign_of(t)
  local o, e = t.o11 * t.n, t.r1 * t.c1
  return o > e and 1 or o < e and -1 or 0
end

--- Raises unless every cell is >= 0: G² and chi² read all four (a window table may break this).
local function full_cells(fname, t, name)
  for _, cell in ipairs { "o12", "o21", "o22" } do
    if t[cell] < 0 then
      argerror(fname, 2, ("'%s' needs all four cells, but %s = %.17g is negative; for a window, pass "
        .. "the distinct window slots as R1 and count each collocate token once"):format(name, cell:upper(), t[cell]))
    end
  end
end

local association = registry {
  mi = function(t) return log(t.o11 / t.e11, 2) end,
  -- log2(O11^3 / E11) taken apart, so that O11^3 cannot overflow
  mi3 = function(t) return 3 * log(t.o11, 2) - log(t.e11, 2) end,
  t = function(t) return (t.o11 - t.e11) / sqrt(t.o11) end,
  z = function(t) return (t.o11 - t.e11) / sqrt(t.e11) end,
  ll = function(t, opts) return (opts.signed and sign_of(t) or 1) * g2(t) end,
  chi2 = function(t, opts) return (opts.signed and sign_of(t) or 1) * chi2(t, opts.yates) end,
  dice = function(t) return 2 * t.o11 / (t.f1 + t.f2) end,
  logdice = function(t) return 14 + log(2 * t.o11 / (t.f1 + t.f2), 2) end,
}

local association_options = {
  yates = { check = is_boolean, measures = { chi2 = true } },
  signed = { check = is_boolean, measures = { ll = true, chi2 = true } },
}

local function associate(fname, name, t, opts, optpos)
  local f = pick(fname, association, name)
  opts = options(fname, optpos, opts, name, association_options)
  if name == "ll" or name == "chi2" then full_cells(fname, t, name) end
  local v = f(t, opts)
  return v
end

--- An association score from the margins: measures.association(name, O11, R1, C1, N [, opts]).
-- name: "mi", "mi3", "t", "z", "ll", "chi2", "dice", "logdice".
-- opts.yates (chi2): Yates' correction; opts.signed (ll, chi2): negative when O11 < E11.
function measures.association(name, o11, r1, c1, n, opts)
  pick("association", association, name)
  local t = margins("association", 2, o11, r1, c1, n)
  local v = associate("association", name, t, opts, 6)
  return v
end

--- An association score of a table from table(), contingency() or window().
function measures.score(name, t, opts)
  pick("score", association, name)
  check_table("score", 2, t)
  local v = associate("score", name, t, opts, 3)
  return v
end

--- -1, 0 or 1 as O11 is below, equal to or above E11: the sign to put on G² or chi².
-- Takes a table, or the margins O11, R1, C1, N.
function measures.direction(o11, r1, c1, n)
  local t
  if type(o11) == "table" then
    t = check_table("direction", 1, o11)
  else
    t = margins("direction", 1, o11, r1, c1, n)
  end
  local s = sign_of(t)
  return s
end

-- Keyness -----------------------------------------------------------------------------------

--- Checks a, b, c, d (arguments first .. first + 3 of fname): a of c tokens in the target, b of d
-- in the reference.
local function frequencies(fname, first, a, b, c, d)
  a = count(fname, first, a, "a")
  b = count(fname, first + 1, b, "b")
  c = positive(fname, first + 2, c, "c")
  d = positive(fname, first + 3, d, "d")
  if a > c then argerror(fname, first, ("a = %.17g exceeds the target's size c = %.17g"):format(a, c)) end
  if b > d then argerror(fname, first + 1, ("b = %.17g exceeds the reference's size d = %.17g"):format(b, d)) end
  if a + b == 0 then argerror(fname, first, "the word occurs in neither corpus (a + b = 0)") end
  return a, b, c, d
end

--- 1 when a/c > b/d (a positive keyword), -1 when below, 0 when equal (compared as a*d against b*c).
local function keysign(a, b, c, d)
  local x, y = a * d, b * c
  return x > y and 1 or x < y and -1 or 0
end

--- Rayson and Garside's G², the two terms of the word's column: 2 (a ln(a/E1) + b ln(b/E2)).
local function rayson(a, b, c, d)
  local e1, e2 = c * (a + b) / (c + d), d * (a + b) / (c + d)
  return math.max(0, 2 * (oln(a, e1) + oln(b, e2)))
end

local keyness = registry {
  ll = function(a, b, c, d, opts)
    local g = opts.variant == "rayson" and rayson(a, b, c, d) or g2(newtable(a, c - a, b, d - b))
    return (opts.signed and keysign(a, b, c, d) or 1) * g
  end,
  chi2 = function(a, b, c, d, opts)
    return (opts.signed and keysign(a, b, c, d) or 1) * chi2(newtable(a, c - a, b, d - b), opts.yates)
  end,
  logratio = function(a, b, c, d, opts)
    local zero = opts.zero or "replace"
    if zero == "add" then
      a, b, c, d = a + 0.5, b + 0.5, c + 1, d + 1 -- 0.5 added to each of the four cells
    elseif zero == "replace" then
      if a == 0 then a = 0.5 end
      if b == 0 then b = 0.5 end
    elseif b == 0 then -- "inf"
      return huge
    elseif a == 0 then
      return -huge
    end
    return log((a / c) / (b / d), 2)
  end,
  pdiff = function(a, b, c, d)
    if b == 0 then return huge end
    local nt, nr = a / c, b / d
    return (nt - nr) * 100 / nr
  end,
  simplemaths = function(a, b, c, d, opts)
    local k = opts.k or 1
    return (a / c * 1e6 + k) / (b / d * 1e6 + k)
  end,
}

local keyness_options = {
  variant = { measures = { ll = true }, check = function(v)
    return v == "4cell" or v == "rayson", 'must be "4cell" or "rayson"'
  end },
  yates = { check = is_boolean, measures = { chi2 = true } },
  signed = { check = is_boolean, measures = { ll = true, chi2 = true } },
  zero = { measures = { logratio = true }, check = function(v)
    return v == "replace" or v == "add" or v == "inf", 'must be "replace", "add" or "inf"'
  end },
  k = { measures = { simplemaths = true }, check = function(v)
    return type(v) == "number" and v > 0 and v < huge, "must be a positive number"
  end },
}

--- The keyness of a word that occurs a times in a target of c tokens and b times in a reference
-- of d tokens: measures.keyness(name, a, b, c, d [, opts]).
-- name: "ll", "chi2", "logratio", "pdiff", "simplemaths". Positive (or above 1 for simplemaths)
-- when a/c > b/d. opts: variant = "4cell" | "rayson" (ll), yates (chi2), signed (ll, chi2),
-- zero = "replace" | "add" | "inf" (logratio), k (simplemaths, default 1).
function measures.keyness(name, a, b, c, d, opts)
  local f = pick("keyness", keyness, name)
  a, b, c, d = frequencies("keyness", 2, a, b, c, d)
  opts = options("keyness", 6, opts, name, keyness_options)
  local v = f(a, b, c, d, opts)
  return v
end

--- G² of keyness with the sign of the difference: negative for a negative keyword (a/c < b/d).
-- opts.variant as for keyness("ll").
function measures.signed_ll(a, b, c, d, opts)
  a, b, c, d = frequencies("signed_ll", 1, a, b, c, d)
  opts = options("signed_ll", 5, opts, "ll", { variant = keyness_options.variant })
  local v = keyness.ll(a, b, c, d, { signed = true, variant = opts.variant })
  return v
end

--- 1 when a/c > b/d, -1 when below, 0 when equal.
function measures.keyness_direction(a, b, c, d)
  a, b, c, d = frequencies("keyness_direction", 1, a, b, c, d)
  local s = keysign(a, b, c, d)
  return s
end

-- p-values ----------------------------------------------------------------------------------

--- erfc(x) = 1 - erf(x) for x >= 0, to about 1e-14 relative. Below 2, the series of Abramowitz and
-- Stegun 7.1.6, erf x = 2/sqrt(pi) exp(-x²) sum 2^k x^(2k+1) / (1·3···(2k+1)), has only positive
-- terms (no cancellation) and 1 - erf loses little while erfc >= erfc(2) = 0.0047. From 2 up, the
-- continued fraction 7.1.14, erfc x = exp(-x²)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
-- evaluated by the modified Lentz method, keeps the relative precision of the small tail.
local function erfc_pos(x)
  if x == 0 then return 1 end
  local x2 = x * x
  if x < 2 then
    local term, sum, k = x, x, 0
    repeat
      k = k + 1
      term = term * 2 * x2 / (2 * k + 1)
      sum = sum + term
    until term <= sum * 1e-17
    return 1 - 2 / sqrt(pi) * exp(-x2) * sum
  end
  local tiny = 1e-300
  local f, c, d = x, x, 0
  for k = 1, 1000 do
    local a = k / 2
    d = x + a * d
    if d == 0 then d = tiny end
    c = x + a / c
    if c == 0 then c = tiny end
    d = 1 / d
    local delta = c * d
    f = f * delta
    if abs(delta - 1) < 1e-16 then break end
  end
  return exp(-x2) / sqrt(pi) / f
end

--- The complementary error function, erfc(x) = 2/sqrt(pi) * integral from x to infinity of exp(-t²).
function measures.erfc(x)
  if type(x) ~= "number" then argerror("erfc", 1, "number expected, got " .. typename(x)) end
  if x ~= x then argerror("erfc", 1, "x must not be NaN") end
  local v
  if x >= 0 then v = erfc_pos(x) else v = 2 - erfc_pos(-x) end
  return v
end

--- The p-value of a G² or chi² statistic with one degree of freedom: P(X >= x) = erfc(sqrt(x / 2)).
function measures.p_value(x)
  if x == huge then return 0 end
  x = count("p_value", 1, x, "the statistic")
  local v = erfc_pos(sqrt(x / 2))
  return v
end

--- The critical value of chi² with one degree of freedom for significance level alpha, divided by
-- m tests when m is given (Bonferroni): the x with p_value(x) = alpha / m. With x = z², the
-- survival function erfc(z / sqrt 2) falls strictly, so bisection on z finds it.
function measures.critical_value(alpha, m)
  if type(alpha) ~= "number" then argerror("critical_value", 1, "number expected, got " .. typename(alpha)) end
  if not (alpha > 0 and alpha < 1) then
    argerror("critical_value", 1, ("alpha must lie between 0 and 1, got %s"):format(alpha))
  end
  if m ~= nil then
    if type(m) ~= "number" then argerror("critical_value", 2, "number expected, got " .. typename(m)) end
    if not (m >= 1 and m < huge) then
      argerror("critical_value", 2, ("the number of tests must be at least 1, got %s"):format(m))
    end
  end
  local target = alpha / (m or 1)
  local function p(z) return erfc_pos(z / sqrt(2)) end
  local lo, hi = 0, 1
  while p(hi) > target do lo, hi = hi, hi * 2 end
  for _ = 1, 200 do
    local mid = (lo + hi) / 2
    if mid == lo or mid == hi then break end
    if p(mid) > target then lo = mid else hi = mid end
  end
  local z = (lo + hi) / 2
  return z * z
end

-- Dispersion --------------------------------------------------------------------------------

--- Checks the per-part counts and part sizes; returns them as floats with their sums f and S.
local function parts(fname, name, counts, sizes)
  if type(counts) ~= "table" then argerror(fname, 2, "table of counts expected, got " .. typename(counts)) end
  local n = #counts
  if n == 0 then argerror(fname, 2, "no parts") end
  local v, f = {}, 0
  for i = 1, n do
    v[i] = count(fname, 2, counts[i], ("count %d"):format(i))
    f = f + v[i]
  end
  if sizes == nil and name == "range" then return v, nil, f, nil end
  if type(sizes) ~= "table" then argerror(fname, 3, "table of part sizes expected, got " .. typename(sizes)) end
  if #sizes ~= n then argerror(fname, 3, ("%d sizes for %d counts"):format(#sizes, n)) end
  local s, total = {}, 0
  for i = 1, n do
    s[i] = positive(fname, 3, sizes[i], ("size %d"):format(i))
    if v[i] > s[i] then
      argerror(fname, 2, ("count %d (%.17g) exceeds the part's size (%.17g)"):format(i, v[i], s[i]))
    end
    total = total + s[i]
  end
  if name ~= "range" and f == 0 then argerror(fname, 2, "the word occurs in no part (all counts are 0)") end
  if (name == "juilland" or name == "dpnorm") and n < 2 then
    argerror(fname, 2, ("'%s' needs at least 2 parts, got 1"):format(name))
  end
  return v, s, f, total
end

--- Gries's DP: half the summed differences between each part's share of the word and its share of
-- the corpus; 0 is even, near 1 is all in one small part.
local function dp(v, s, f, total)
  local sum = 0
  for i = 1, #v do sum = sum + abs(v[i] / f - s[i] / total) end
  return sum / 2
end

local dispersion = registry {
  range = function(v)
    local r = 0
    for i = 1, #v do if v[i] > 0 then r = r + 1 end end
    return r
  end,
  -- Juilland's D on the relative frequencies v_i / s_i of the parts as they are (Gries 2008's
  -- version for parts of unequal size): 1 - V / sqrt(n - 1), V = population SD / mean.
  juilland = function(v, s)
    local n, p, mean = #v, {}, 0
    for i = 1, n do
      p[i] = v[i] / s[i]
      mean = mean + p[i]
    end
    mean = mean / n
    local ss = 0
    for i = 1, n do ss = ss + (p[i] - mean) ^ 2 end
    return 1 - sqrt(ss / n) / mean / sqrt(n - 1)
  end,
  dp = dp,
  -- DP divided by its maximum for these parts, 1 - min s_i / S (Lijffijt and Gries 2012)
  dpnorm = function(v, s, f, total)
    local smallest = math.huge
    for i = 1, #s do smallest = math.min(smallest, s[i]) end
    return dp(v, s, f, total) / (1 - smallest / total)
  end,
}

--- The dispersion of a word over the parts of a corpus: measures.dispersion(name, counts, sizes),
-- counts[i] the word's frequency in part i, sizes[i] the part's size in tokens.
-- name: "range" (sizes may be omitted), "juilland", "dp", "dpnorm".
function measures.dispersion(name, counts, sizes)
  local f = pick("dispersion", dispersion, name)
  local v, s, total_f, total_s = parts("dispersion", name, counts, sizes)
  local d = f(v, s, total_f, total_s)
  return d
end

-- Lexical diversity -------------------------------------------------------------------------

--- Checks a sequence of type keys: strings or integers (e.g. ids from the index).
local function tokens_of(fname, tokens)
  if type(tokens) ~= "table" then argerror(fname, 2, "table of tokens expected, got " .. typename(tokens)) end
  local n = #tokens
  if n == 0 then argerror(fname, 2, "no tokens") end
  for i = 1, n do
    local w = tokens[i]
    if type(w) ~= "string" and math.type(w) ~= "integer" then
      argerror(fname, 2, ("token %d: string or integer expected, got %s"):format(i, math.type(w) or typename(w)))
    end
  end
  return n
end

local function ttr(tokens)
  local seen, types = {}, 0
  for i = 1, #tokens do
    local w = tokens[i]
    if not seen[w] then seen[w], types = true, types + 1 end
  end
  return types / #tokens
end

--- One MTLD pass over tokens[first], tokens[first + step], ..., tokens[last]: the number of factors,
-- a factor ending where the running TTR reaches the threshold (TTR <= threshold), plus the partial
-- factor (1 - TTR) / (1 - threshold) of the unfinished stretch at the end.
local function mtld_factors(tokens, first, last, step, threshold)
  local seen, types, count_, factors, current = {}, 0, 0, 0, 1
  for i = first, last, step do
    local w = tokens[i]
    count_ = count_ + 1
    if not seen[w] then seen[w], types = true, types + 1 end
    current = types / count_
    if current <= threshold then
      factors = factors + 1
      seen, types, count_, current = {}, 0, 0, 1
    end
  end
  return factors + (1 - current) / (1 - threshold)
end

local diversity = registry {
  ttr = ttr,
  -- the mean TTR of every window of `window` consecutive tokens, kept up to date token by token
  mattr = function(tokens, opts)
    local n, w = #tokens, opts.window or 500
    if n <= w then return ttr(tokens) end
    local freq, types = {}, 0
    for i = 1, w do
      local t = tokens[i]
      freq[t] = (freq[t] or 0) + 1
      if freq[t] == 1 then types = types + 1 end
    end
    local sum = types
    for i = w + 1, n do
      local new, old = tokens[i], tokens[i - w]
      freq[new] = (freq[new] or 0) + 1
      if freq[new] == 1 then types = types + 1 end
      freq[old] = freq[old] - 1
      if freq[old] == 0 then types = types - 1 end
      sum = sum + types
    end
    return sum / ((n - w + 1) * w)
  end,
  -- the mean of the forward and backward MTLD, each n / factors; a text whose every token is
  -- new has no factor at all, and its MTLD is infinite (math.huge). Also returns the two passes.
  mtld = function(tokens, opts)
    local n, threshold = #tokens, opts.threshold or 0.72
    local fwd = mtld_factors(tokens, 1, n, 1, threshold)
    local bwd = mtld_factors(tokens, n, 1, -1, threshold)
    local f = fwd > 0 and n / fwd or huge
    local b = bwd > 0 and n / bwd or huge
    return (f + b) / 2, f, b
  end,
}

local diversity_options = {
  window = { measures = { mattr = true }, check = function(v)
    return math.type(v) == "integer" and v >= 1, "must be a positive integer"
  end },
  threshold = { measures = { mtld = true }, check = function(v)
    return type(v) == "number" and v > 0 and v < 1, "must lie between 0 and 1"
  end },
}

--- The lexical diversity of a sequence of tokens (strings or integer type ids):
-- measures.diversity(name, tokens [, opts]). name: "ttr", "mattr" (opts.window, default 500),
-- "mtld" (opts.threshold, default 0.72; returns the mean, the forward and the backward value).
function measures.diversity(name, tokens, opts)
  local f = pick("diversity", diversity, name)
  tokens_of("diversity", tokens)
  opts = options("diversity", 3, opts, name, diversity_options)
  local v, fwd, bwd = f(tokens, opts)
  return v, fwd, bwd
end

--- The names each function knows, sorted: measures.names.association, .keyness, .dispersion,
-- .diversity.
measures.names = {
  association = names_of(association),
  keyness = names_of(keyness),
  dispersion = names_of(dispersion),
  diversity = names_of(diversity),
}

for _, f in pairs(measures) do
  if type(f) == "function" then public[f] = true end
end

return measures
