-- samtal.measures: every formula against numbers worked out by hand (the arithmetic is in the
-- comments), the edge cases of each zero-count policy, argument errors, and a cross-check of MI,
-- t, chi² and G² against NLTK's BigramAssocMeasures run in python3 (spec/support/nltk_measures.py).
local measures = require "samtal.measures"

local inf = math.huge

--- Asserts |got - want| <= tol * max(1, |want|): relative for large values, absolute near 0.
local function near(want, got, tol, what)
  tol = tol or 1e-9
  assert(type(got) == "number", ("%s: number expected, got %s"):format(what or "value", type(got)))
  local ok = math.abs(got - want) <= tol * math.max(1, math.abs(want))
  assert(ok, ("%s: expected %.17g, got %.17g (tolerance %g)"):format(what or "value", want, got, tol))
end

--- The error message of f(...), which must raise.
local function raises(f, ...)
  local ok, err = pcall(f, ...)
  assert(not ok, "expected an error")
  return err
end

describe("samtal.measures", function()
  describe("association()", function()
    -- The table used throughout: O11 = 10, R1 = 40, C1 = 50, N = 1000.
    --   O12 = 40 - 10 = 30, O21 = 50 - 10 = 40, O22 = 1000 - 40 - 50 + 10 = 920
    --   R2 = 960, C2 = 950; E11 = 40*50/1000 = 2, E12 = 40*950/1000 = 38,
    --   E21 = 960*50/1000 = 48, E22 = 960*950/1000 = 912
    local A = { 10, 40, 50, 1000 }
    local function score(name, opts) return measures.association(name, A[1], A[2], A[3], A[4], opts) end

    it("gives MI as log2(O11 / E11)", function()
      -- log2(10 / 2) = log2 5 = 2.321928094887362
      near(2.321928094887362, score("mi"))
    end)

    it("gives MI3 as log2(O11^3 / E11)", function()
      -- log2(1000 / 2) = log2 500 = 8.965784284662087
      near(8.965784284662087, score("mi3"))
    end)

    it("gives t as (O11 - E11) / sqrt(O11)", function()
      -- (10 - 2) / sqrt 10 = 8 / 3.16227766 = 2.529822128
      near(2.5298221281347035, score("t"))
    end)

    it("gives z as (O11 - E11) / sqrt(E11)", function()
      -- (10 - 2) / sqrt 2 = 8 / 1.414213562 = 5.656854249
      near(5.656854249492381, score("z"))
    end)

    it("gives G² over all four cells", function()
      -- 10 ln(10/2)   = 10 * 1.609437912 = 16.094379
      -- 30 ln(30/38)  = 30 * -0.236388778 = -7.091663
      -- 40 ln(40/48)  = 40 * -0.182321557 = -7.292862
      -- 920 ln(920/912) = 920 * 0.008733680 = 8.034986
      -- G² = 2 * (16.094379 - 7.091663 - 7.292862 + 8.034986) = 2 * 9.744840 = 19.489679
      near(19.489678163820336, score("ll"), 1e-7)
    end)

    it("gives chi² without Yates' correction by default", function()
      -- O11 O22 - O12 O21 = 10*920 - 30*40 = 9200 - 1200 = 8000
      -- 1000 * 8000² / (40 * 960 * 50 * 950) = 6.4e10 / 1.824e9 = 35.0877193
      -- the same as the sum of (O - E)² / E: 64/2 + 64/38 + 64/48 + 64/912
      --   = 32 + 1.6842105 + 1.3333333 + 0.0701754 = 35.0877193
      near(35.087719298245617, score("chi2"))
    end)

    it("applies Yates' correction when asked", function()
      -- |8000| - 1000/2 = 7500; 1000 * 7500² / 1.824e9 = 5.625e10 / 1.824e9 = 30.8388158
      near(30.838815789473685, score("chi2", { yates = true }))
    end)

    it("gives Dice and logDice from R1 and C1", function()
      -- Dice = 2*10 / (40 + 50) = 20/90 = 0.2222222
      -- logDice = 14 + log2(0.2222222) = 14 - 2.169925 = 11.830075
      near(2 / 9, score("dice"))
      near(11.830074998557688, score("logdice"))
    end)

    it("signs G² and chi² by the direction when asked", function()
      assert.are.equal(score("ll"), score("ll", { signed = true }))
      -- O11 = 0 < E11 = 2: a negative association
      local g = measures.association("ll", 0, 40, 50, 1000)
      assert.is_true(g > 0)
      assert.are.equal(-g, measures.association("ll", 0, 40, 50, 1000, { signed = true }))
      assert.are.equal(-measures.association("chi2", 0, 40, 50, 1000),
        measures.association("chi2", 0, 40, 50, 1000, { signed = true }))
    end)

    it("scores a perfect association with two empty cells", function()
      -- O11 = 5, R1 = 5, C1 = 5, N = 100: O12 = O21 = 0, O22 = 95, E11 = 0.25, E22 = 95*95/100 = 90.25
      -- MI = log2(5 / 0.25) = log2 20 = 4.321928
      -- G² = 2 * (5 ln 20 + 0 + 0 + 95 ln(95/90.25)) = 2 * (14.978661 + 4.872863) = 39.703049
      -- chi² = 100 * (5*95 - 0)² / (5 * 95 * 5 * 95) = 100 = N
      near(4.321928094887362, measures.association("mi", 5, 5, 5, 100))
      near(39.7030486691745, measures.association("ll", 5, 5, 5, 100), 1e-7)
      near(100, measures.association("chi2", 5, 5, 5, 100))
    end)

    it("handles O11 = 0: MI, MI3, t and logDice are -inf, the rest finite", function()
      -- E11 = 2: z = (0 - 2) / sqrt 2 = -1.4142136; Dice = 0
      -- G² = 2 * (0 + 40 ln(40/38) + 50 ln(50/48) + 910 ln(910/912))
      --    = 2 * (2.051732 + 2.041100 - 1.997805) = 2 * 2.095027 = 4.190053
      assert.are.equal(-inf, measures.association("mi", 0, 40, 50, 1000))
      assert.are.equal(-inf, measures.association("mi3", 0, 40, 50, 1000))
      assert.are.equal(-inf, measures.association("t", 0, 40, 50, 1000))
      assert.are.equal(-inf, measures.association("logdice", 0, 40, 50, 1000))
      near(-math.sqrt(2), measures.association("z", 0, 40, 50, 1000))
      assert.are.equal(0, measures.association("dice", 0, 40, 50, 1000))
      near(4.190052177576739, measures.association("ll", 0, 40, 50, 1000), 1e-7)
    end)

    it("gives G² = 0 and chi² = 0 when O11 = E11, and when the node fills the corpus", function()
      -- O11 = 2 = E11 = 40*50/1000: every cell equals its expectation
      assert.are.equal(0, measures.association("ll", 2, 40, 50, 1000))
      assert.are.equal(0, measures.association("chi2", 2, 40, 50, 1000))
      assert.are.equal(0, measures.association("mi", 2, 40, 50, 1000))
      -- R1 = N: the second row is empty, chi²'s denominator is 0; no association can show
      assert.are.equal(0, measures.association("chi2", 50, 1000, 50, 1000))
      assert.are.equal(0, measures.association("ll", 50, 1000, 50, 1000))
    end)

    it("does not overflow with large integer counts", function()
      -- as integers, (O11 O22 - O12 O21)² would wrap around in Lua's 64-bit arithmetic
      local ints = measures.association("chi2", 1000000, 2000000, 3000000, 10000000000)
      local floats = measures.association("chi2", 1e6, 2e6, 3e6, 1e10)
      assert.is_true(ints > 0)
      assert.are.equal(floats, ints)
    end)

    it("raises on a non-number, with the argument's position", function()
      -- not a tail call, so that the calling line stays on the stack
      local err = raises(function() local v = measures.association("mi", nil, 40, 50, 1000); return v end)
      assert.matches("measures_spec%.lua:%d+: bad argument #2 to 'association' %(number expected, got nil%)", err)
      err = raises(measures.association, "mi", 10, "40", 50, 1000)
      assert.matches("bad argument #3 to 'association' %(number expected, got string%)", err)
    end)

    it("raises on an unknown measure, listing the known ones", function()
      local err = raises(measures.association, "pmi", 10, 40, 50, 1000)
      assert.matches("bad argument #1 to 'association' %(unknown measure 'pmi'; "
        .. "known: chi2, dice, ll, logdice, mi, mi3, t, z%)", err)
    end)

    it("raises on impossible margins", function()
      assert.matches("#2 to 'association' %(O11 = 41 exceeds R1 = 40%)", raises(measures.association, "mi", 41, 40, 50, 1000))
      assert.matches("#2 to 'association' %(O11 = 51 exceeds C1 = 50%)", raises(measures.association, "mi", 51, 60, 50, 1000))
      assert.matches("#3 to 'association' %(R1 = 1001 exceeds N", raises(measures.association, "mi", 10, 1001, 50, 1000))
      assert.matches("#5 to 'association' %(R1 %+ C1 %- O11", raises(measures.association, "mi", 0, 600, 500, 1000))
      assert.matches("#2 .*O11 must not be negative", raises(measures.association, "mi", -1, 40, 50, 1000))
      assert.matches("#3 .*R1 must be positive", raises(measures.association, "mi", 0, 0, 50, 1000))
      assert.matches("#5 .*N must be finite", raises(measures.association, "mi", 1, 40, 50, inf))
      assert.matches("#2 .*O11 must be finite", raises(measures.association, "mi", 0 / 0, 40, 50, 1000))
    end)

    it("raises on unknown options and options that do not apply", function()
      assert.matches("#6 to 'association' %(unknown option 'yate'; known: signed, yates%)",
        raises(measures.association, "chi2", 10, 40, 50, 1000, { yate = true }))
      assert.matches("option 'yates' applies to chi2, not to 'mi'",
        raises(measures.association, "mi", 10, 40, 50, 1000, { yates = true }))
      assert.matches("option 'yates' must be a boolean, got 1",
        raises(measures.association, "chi2", 10, 40, 50, 1000, { yates = 1 }))
      assert.matches("#6 .*options table expected, got string",
        raises(measures.association, "chi2", 10, 40, 50, 1000, "yates"))
    end)
  end)

  describe("table(), contingency() and score()", function()
    it("builds the same table from the cells and from the margins", function()
      local a, b = measures.table(10, 30, 40, 920), measures.contingency(10, 40, 50, 1000)
      for _, k in ipairs { "o11", "o12", "o21", "o22", "r1", "r2", "c1", "c2", "n", "e11", "e12", "e21", "e22" } do
        assert.are.equal(a[k], b[k], k)
      end
      assert.are.equal(2, a.e11)
      assert.are.equal(912, a.e22)
      for _, name in ipairs(measures.names.association) do
        assert.are.equal(measures.association(name, 10, 40, 50, 1000), measures.score(name, a), name)
      end
      assert.matches("O11 = 10, O12 = 30, O21 = 40, O22 = 920", tostring(a))
    end)

    it("raises on an empty row or column and on a plain table", function()
      assert.matches("#2 to 'table' %(the first row is empty", raises(measures.table, 0, 0, 4, 5))
      assert.matches("#3 to 'table' %(the first column is empty", raises(measures.table, 0, 3, 0, 5))
      assert.matches("#2 to 'score' %(samtal.measures.Table expected, got table%)",
        raises(measures.score, "mi", { o11 = 1 }))
    end)
  end)

  describe("window()", function()
    -- O11 = 12 co-occurrences, f_node = 20, span = 8 (4 left + 4 right), f_coll = 30, N = 10000
    --   R1 = 20 * 8 = 160 window slots, E11 = 160 * 30 / 10000 = 0.48
    local w = measures.window(12, 20, 8, 30, 10000)

    it("takes E11 = f_node * span * f_coll / N", function()
      assert.are.equal(160, w.r1)
      near(0.48, w.e11)
      -- MI = log2(12 / 0.48) = log2 25 = 4.643856
      near(4.643856189774724, measures.score("mi", w))
      -- t = (12 - 0.48) / sqrt 12 = 11.52 / 3.464102 = 3.325538
      near(3.3255375505322444, measures.score("t", w))
      -- z = 11.52 / sqrt 0.48 = 11.52 / 0.692820 = 16.627688
      near(16.62768775266122, measures.score("z", w))
    end)

    it("gives Dice and logDice from f_node and f_coll, not the window slots", function()
      -- Dice = 2*12 / (20 + 30) = 0.48; logDice = 14 + log2 0.48 = 14 - 1.058894 = 12.941106
      near(0.48, measures.score("dice", w))
      near(12.94110631094643, measures.score("logdice", w))
    end)

    it("gives G² and chi² of the slots-by-tokens table", function()
      local c = measures.contingency(12, 160, 30, 10000)
      assert.are.equal(measures.score("ll", c), measures.score("ll", w))
      assert.are.equal(measures.score("chi2", c), measures.score("chi2", w))
    end)

    it("keeps MI but refuses G² when the window slots outnumber the corpus", function()
      -- 500 hits * 10 slots = 5000 > N = 3000: E11 = 5000 * 60 / 3000 = 100; MI = log2(10/100)
      local big = measures.window(10, 500, 10, 60, 3000)
      near(math.log(0.1, 2), measures.score("mi", big))
      assert.matches("#2 to 'score' %('ll' needs all four cells, but O22 = %-2050 is negative",
        raises(measures.score, "ll", big))
      assert.matches("'chi2' needs all four cells", raises(measures.score, "chi2", big))
    end)

    it("raises on impossible counts", function()
      assert.matches("#1 to 'window' %(O11 = 161 exceeds the window slots", raises(measures.window, 161, 20, 8, 300, 10000))
      assert.matches("#3 to 'window' %(span must be positive", raises(measures.window, 1, 20, 0, 30, 10000))
      assert.matches("#4 to 'window' %(f_coll = 20000 exceeds N", raises(measures.window, 1, 20, 8, 20000, 10000))
    end)
  end)

  describe("direction()", function()
    it("compares O11 with E11", function()
      assert.are.equal(1, measures.direction(10, 40, 50, 1000))
      assert.are.equal(0, measures.direction(2, 40, 50, 1000))
      assert.are.equal(-1, measures.direction(1, 40, 50, 1000))
      assert.are.equal(1, measures.direction(measures.table(10, 30, 40, 920)))
    end)
  end)

  describe("NLTK cross-check", function()
    -- O11, R1, C1, N: the hand-worked table, small and sparse ones, a negative association
    -- (E11 = 30 > O11 = 2), a large corpus, a table with two empty cells.
    local tables = {
      { 10, 40, 50, 1000 }, { 1, 1, 1, 10 }, { 5, 5, 5, 100 }, { 3, 120, 45, 50000 },
      { 200, 1500, 900, 1000000 }, { 7, 30, 12, 40 }, { 2, 1000, 3000, 100000 },
      { 1, 3000, 2, 90000000 }, { 40, 40, 45, 60 },
    }
    local nltk -- the scores, read once

    --- Runs spec/support/nltk_measures.py with the first python that has NLTK: $SAMTAL_PYTHON,
    -- python3 on the PATH, /usr/bin/python3 (Debian's python3-nltk is there when a pyenv or venv
    -- python3 comes first on the PATH). Raises, and so fails the spec, when none has it.
    local function scores()
      if nltk then return nltk end
      local args = {}
      for i, t in ipairs(tables) do args[i] = table.concat(t, ",") end
      local candidates, tried = {}, {}
      if os.getenv("SAMTAL_PYTHON") then candidates[#candidates + 1] = os.getenv("SAMTAL_PYTHON") end
      candidates[#candidates + 1] = "python3"
      candidates[#candidates + 1] = "/usr/bin/python3"
      for _, py in ipairs(candidates) do
        local cmd = ("'%s' spec/support/nltk_measures.py %s 2>&1"):format(py:gsub("'", "'\\''"), table.concat(args, " "))
        local p = assert(io.popen(cmd))
        local out = p:read("a")
        local ok = p:close()
        local rows = {}
        for line in out:gmatch("[^\n]+") do
          local row = {}
          for x in line:gmatch("%S+") do row[#row + 1] = tonumber(x) end
          if #row == 4 then rows[#rows + 1] = row end
        end
        if ok and #rows == #tables then
          nltk = rows
          return nltk
        end
        tried[#tried + 1] = ("  %s: %s"):format(py, (out:gsub("%s+$", "")))
      end
      error("NLTK cross-check: no python3 with NLTK could run spec/support/nltk_measures.py; "
        .. "install python3-nltk (Debian) or set SAMTAL_PYTHON to a python that has nltk. Tried:\n"
        .. table.concat(tried, "\n"), 0)
    end

    local pairs_ = { { "mi", 1, "pmi" }, { "t", 2, "student_t" }, { "chi2", 3, "chi_sq" }, { "ll", 4, "likelihood_ratio" } }
    for _, p in ipairs(pairs_) do
      local ours, col, theirs = p[1], p[2], p[3]
      it(("agrees with NLTK's %s on %s"):format(theirs, ours), function()
        local rows = scores()
        for i, t in ipairs(tables) do
          local what = ("%s on {%s}"):format(ours, table.concat(t, ", "))
          -- NLTK adds 1e-20 inside student_t's sqrt and likelihood_ratio's logs: far below 1e-9
          near(rows[i][col], measures.association(ours, t[1], t[2], t[3], t[4]), 1e-9, what)
        end
      end)
    end
  end)

  describe("keyness()", function()
    -- a = 30 of c = 10000 in the target, b = 10 of d = 20000 in the reference.
    -- As a table: O11 = 30, O12 = 9970, O21 = 10, O22 = 19990; R1 = 10000, R2 = 20000, C1 = 40,
    -- C2 = 29960, N = 30000. E11 = 10000*40/30000 = 13.3333, E21 = 26.6667,
    -- E12 = 10000*29960/30000 = 9986.6667, E22 = 19973.3333.
    local function key(name, opts) return measures.keyness(name, 30, 10, 10000, 20000, opts) end

    it("gives Rayson and Garside's two-term G²", function()
      -- 30 ln(30/13.3333) = 30 ln 2.25 = 30 * 0.810930 = 24.327906
      -- 10 ln(10/26.6667) = 10 ln 0.375 = 10 * -0.980829 = -9.808293
      -- G² = 2 * (24.327906 - 9.808293) = 2 * 14.519613 = 29.039227
      near(29.0392279127452, key("ll", { variant = "rayson" }), 1e-7)
    end)

    it("gives the four-cell G² by default, a little above the two-term one", function()
      -- the two other cells: 9970 ln(9970/9986.6667) = -16.652751, 19990 ln(19990/19973.3333) = 16.673618
      -- G² = 29.039227 + 2 * (-16.652751 + 16.673618) = 29.039227 + 2 * 0.020867 = 29.080961
      near(29.080961828682693, key("ll"), 1e-7)
      assert.are.equal(key("ll"), key("ll", { variant = "4cell" }))
      assert.is_true(key("ll") > key("ll", { variant = "rayson" }))
    end)

    it("gives chi² of the table, with Yates when asked", function()
      -- O11 O22 - O12 O21 = 30*19990 - 9970*10 = 599700 - 99700 = 500000
      -- 30000 * 500000² / (10000 * 20000 * 40 * 29960) = 7.5e15 / 2.3968e14 = 31.291722
      -- Yates: (500000 - 15000)² instead: 30000 * 485000² / 2.3968e14 = 29.442382
      near(31.291722296395193, key("chi2"))
      near(29.44238150867824, key("chi2", { yates = true }))
    end)

    it("gives log ratio, %DIFF and simple maths", function()
      -- relative frequencies 30/10000 = 0.003 and 10/20000 = 0.0005, a ratio of 6
      -- log ratio = log2 6 = 2.584963; %DIFF = (0.003 - 0.0005) * 100 / 0.0005 = 500
      -- simple maths: (3000 per million + 1) / (500 per million + 1) = 3001 / 501 = 5.990020
      near(2.584962500721156, key("logratio"))
      near(500, key("pdiff"))
      near(3001 / 501, key("simplemaths"))
      -- k = 100: 3100 / 600 = 5.166667
      near(3100 / 600, key("simplemaths", { k = 100 }))
    end)

    it("gives the same G² either way when a/c = b/d: 0", function()
      assert.are.equal(0, measures.keyness("ll", 10, 20, 1000, 2000))
      assert.are.equal(0, measures.keyness("ll", 10, 20, 1000, 2000, { variant = "rayson" }))
      assert.are.equal(0, measures.keyness("logratio", 10, 20, 1000, 2000))
    end)

    it("signs G² and chi² by a/c against b/d", function()
      -- the same counts with the corpora swapped: a negative keyword
      local neg = measures.signed_ll(10, 30, 20000, 10000)
      near(-29.080961828682693, neg, 1e-7)
      near(-29.0392279127452, measures.signed_ll(10, 30, 20000, 10000, { variant = "rayson" }), 1e-7)
      assert.are.equal(neg, measures.keyness("ll", 10, 30, 20000, 10000, { signed = true }))
      assert.are.equal(key("ll"), measures.signed_ll(30, 10, 10000, 20000))
      near(-31.291722296395193, measures.keyness("chi2", 10, 30, 20000, 10000, { signed = true }))
      assert.are.equal(1, measures.keyness_direction(30, 10, 10000, 20000))
      assert.are.equal(-1, measures.keyness_direction(10, 30, 20000, 10000))
      assert.are.equal(0, measures.keyness_direction(10, 20, 1000, 2000))
      assert.is_true(measures.keyness("logratio", 10, 30, 20000, 10000) < 0)
      assert.is_true(measures.keyness("pdiff", 10, 30, 20000, 10000) < 0)
      assert.is_true(measures.keyness("simplemaths", 10, 30, 20000, 10000) < 1)
    end)

    it("handles a word missing from the reference (b = 0)", function()
      -- a = 10 of 1000, b = 0 of 1000: cells 10, 990, 0, 1000; E = 5, 995, 5, 995
      -- G² = 2 * (10 ln 2 + 990 ln(990/995) + 0 + 1000 ln(1000/995))
      --    = 2 * (6.931472 - 4.987416 + 5.012542) = 2 * 6.956598 = 13.913195
      -- Rayson: 2 * (10 ln 2 + 0) = 13.862944
      near(13.913195078972075, measures.keyness("ll", 10, 0, 1000, 1000), 1e-7)
      near(13.862943611198906, measures.keyness("ll", 10, 0, 1000, 1000, { variant = "rayson" }), 1e-7)
      -- log ratio, zeros replaced by 0.5: log2((10/1000) / (0.5/1000)) = log2 20 = 4.321928
      near(4.321928094887362, measures.keyness("logratio", 10, 0, 1000, 1000))
      near(4.321928094887362, measures.keyness("logratio", 10, 0, 1000, 1000, { zero = "replace" }))
      -- 0.5 added to all four cells: log2((10.5/1001) / (0.5/1001)) = log2 21 = 4.392317
      near(4.392317422778761, measures.keyness("logratio", 10, 0, 1000, 1000, { zero = "add" }))
      assert.are.equal(inf, measures.keyness("logratio", 10, 0, 1000, 1000, { zero = "inf" }))
      -- %DIFF divides by the reference's frequency: infinite
      assert.are.equal(inf, measures.keyness("pdiff", 10, 0, 1000, 1000))
      -- simple maths: (10000 + 1) / (0 + 1)
      near(10001, measures.keyness("simplemaths", 10, 0, 1000, 1000))
    end)

    it("handles a word missing from the target (a = 0)", function()
      near(-4.321928094887362, measures.keyness("logratio", 0, 10, 1000, 1000))
      assert.are.equal(-inf, measures.keyness("logratio", 0, 10, 1000, 1000, { zero = "inf" }))
      near(-100, measures.keyness("pdiff", 0, 10, 1000, 1000))
      near(-13.913195078972075, measures.signed_ll(0, 10, 1000, 1000), 1e-7)
      -- "add" smooths even without a zero: log2((10.5/1001) / (20.5/1001)) = log2(10.5/20.5)
      near(math.log(10.5 / 20.5, 2), measures.keyness("logratio", 10, 20, 1000, 1000, { zero = "add" }))
    end)

    it("raises on bad counts and options", function()
      assert.matches("#2 to 'keyness' %(the word occurs in neither corpus", raises(measures.keyness, "ll", 0, 0, 10, 10))
      assert.matches("#2 to 'keyness' %(a = 11 exceeds the target's size", raises(measures.keyness, "ll", 11, 0, 10, 10))
      assert.matches("#3 to 'keyness' %(b = 11 exceeds the reference's size", raises(measures.keyness, "ll", 1, 11, 10, 10))
      assert.matches("#5 to 'keyness' %(d must be positive", raises(measures.keyness, "ll", 1, 0, 10, 0))
      assert.matches("#1 to 'keyness' %(unknown measure 'mi'; known: chi2, ll, logratio, pdiff, simplemaths%)",
        raises(measures.keyness, "mi", 1, 1, 10, 10))
      assert.matches("#6 to 'keyness' %(option 'variant' must be \"4cell\" or \"rayson\", got dunning%)",
        raises(measures.keyness, "ll", 1, 1, 10, 10, { variant = "dunning" }))
      assert.matches("option 'zero' applies to logratio, not to 'pdiff'",
        raises(measures.keyness, "pdiff", 1, 1, 10, 10, { zero = "inf" }))
      assert.matches("option 'k' must be a positive number", raises(measures.keyness, "simplemaths", 1, 1, 10, 10, { k = 0 }))
      assert.matches("#1 to 'signed_ll' %(number expected, got nil%)", raises(measures.signed_ll, nil, 1, 10, 10))
      assert.matches("#5 to 'signed_ll' %(unknown option 'yates'", raises(measures.signed_ll, 1, 1, 10, 10, { yates = true }))
    end)
  end)

  describe("erfc(), p_value() and critical_value()", function()
    it("computes erfc to about 1e-14", function()
      -- reference values: Python's math.erfc (the C library's erfc)
      local ref = {
        { 0, 1 }, { 0.1, 0.8875370839817152 }, { 0.5, 0.4795001221869535 }, { 1, 0.15729920705028513 },
        { 1.5, 0.033894853524689274 }, { 1.99, 0.004888586800383003 }, { 2, 0.004677734981047265 },
        { 2.5, 0.0004069520174449589 }, { 3, 2.2090496998585438e-05 }, { 5, 1.5374597944280351e-12 },
        { 10, 2.088487583762545e-45 }, { 26, 5.663192408856143e-296 },
      }
      for _, r in ipairs(ref) do
        local got = measures.erfc(r[1])
        assert(math.abs(got - r[2]) <= 1e-13 * r[2], ("erfc(%g) = %.17g, expected %.17g"):format(r[1], got, r[2]))
      end
      -- erfc(-x) = 2 - erfc(x)
      near(2 - 0.15729920705028513, measures.erfc(-1), 1e-15)
    end)

    it("gives the p-value of chi² with one degree of freedom", function()
      -- the 95%, 99% and 99.9% points of chi² with df = 1, to the 7 digits of printed tables
      near(0.05, measures.p_value(3.841459), 1e-7)
      near(0.01, measures.p_value(6.634897), 1e-7)
      near(0.001, measures.p_value(10.827566), 1e-8)
      assert.are.equal(1, measures.p_value(0))
      assert.are.equal(0, measures.p_value(inf))
      -- the hand-worked G² above: 19.49 is far beyond 10.83, p < 0.001
      assert.is_true(measures.p_value(19.489678163820336) < 0.001)
    end)

    it("inverts it, with a Bonferroni correction", function()
      near(3.841458820694124, measures.critical_value(0.05))
      near(6.634896601021214, measures.critical_value(0.01))
      near(10.827566170662733, measures.critical_value(0.001))
      -- 0.05 over 10 tests: the 99.5% point, 7.879439
      near(7.879438576622417, measures.critical_value(0.05, 10))
      near(1e-6, measures.p_value(measures.critical_value(0.05, 50000)), 1e-9)
    end)

    it("raises on a negative statistic or a level outside (0, 1)", function()
      assert.matches("#1 to 'p_value' %(the statistic must not be negative", raises(measures.p_value, -1))
      assert.matches("#1 to 'critical_value' %(alpha must lie between 0 and 1, got 1", raises(measures.critical_value, 1))
      assert.matches("#2 to 'critical_value' %(the number of tests must be at least 1", raises(measures.critical_value, 0.05, 0))
      assert.matches("#1 to 'erfc' %(number expected, got string%)", raises(measures.erfc, "1"))
    end)
  end)

  describe("dispersion()", function()
    -- counts 5, 0, 10, 5 (f = 20) in parts of 100, 200, 300, 400 tokens (S = 1000)
    local v, s = { 5, 0, 10, 5 }, { 100, 200, 300, 400 }

    it("gives the range", function()
      assert.are.equal(3, measures.dispersion("range", v, s))
      assert.are.equal(3, measures.dispersion("range", v))
    end)

    it("gives Gries's DP and DPnorm", function()
      -- shares of the word 5/20, 0, 10/20, 5/20 = .25, 0, .5, .25; of the corpus .1, .2, .3, .4
      -- |.25 - .1| + |0 - .2| + |.5 - .3| + |.25 - .4| = .15 + .2 + .2 + .15 = .7; DP = .35
      -- DPnorm = .35 / (1 - .1) = .388889
      near(0.35, measures.dispersion("dp", v, s))
      near(0.35 / 0.9, measures.dispersion("dpnorm", v, s))
    end)

    it("gives Juilland's D on the relative frequencies of the parts", function()
      -- relative frequencies .05, 0, .033333, .0125; mean .095833 / 4 = .023958
      -- squared deviations .00067817 + .00057400 + .00008789 + .00013129 = .00147135
      -- population SD = sqrt(.00147135 / 4) = .019179; V = .019179 / .023958 = .800520
      -- D = 1 - .800520 / sqrt 3 = 1 - .462180 = .537820
      near(0.5378197472724064, measures.dispersion("juilland", v, s))
    end)

    it("reaches its bounds: all in one part, and spread evenly", function()
      -- {4, 0, 0, 0} in four parts of 10: relative frequencies .4, 0, 0, 0, mean .1,
      -- SD = sqrt((.09 + 3 * .01) / 4) = sqrt .03 = .173205, V = sqrt 3, D = 0
      -- DP = (|1 - .25| + 3 * |0 - .25|) / 2 = .75, DPnorm = .75 / (1 - .25) = 1
      near(0, measures.dispersion("juilland", { 4, 0, 0, 0 }, { 10, 10, 10, 10 }), 1e-12)
      near(0.75, measures.dispersion("dp", { 4, 0, 0, 0 }, { 10, 10, 10, 10 }))
      near(1, measures.dispersion("dpnorm", { 4, 0, 0, 0 }, { 10, 10, 10, 10 }))
      -- counts in proportion to the sizes
      near(1, measures.dispersion("juilland", { 1, 2, 3, 4 }, { 10, 20, 30, 40 }), 1e-12)
      near(0, measures.dispersion("dp", { 1, 2, 3, 4 }, { 10, 20, 30, 40 }), 1e-12)
      near(0, measures.dispersion("dpnorm", { 1, 2, 3, 4 }, { 10, 20, 30, 40 }), 1e-12)
      -- one part: DP is 0, Juilland's D and DPnorm are undefined
      assert.are.equal(0, measures.dispersion("dp", { 3 }, { 10 }))
    end)

    it("raises on mismatched, empty or impossible parts", function()
      assert.matches("#3 to 'dispersion' %(3 sizes for 4 counts%)", raises(measures.dispersion, "dp", v, { 1, 2, 3 }))
      assert.matches("#2 to 'dispersion' %(no parts%)", raises(measures.dispersion, "dp", {}, {}))
      assert.matches("#2 to 'dispersion' %(the word occurs in no part", raises(measures.dispersion, "dp", { 0, 0 }, { 1, 1 }))
      assert.matches("#2 to 'dispersion' %(count 1 %(11%) exceeds the part's size", raises(measures.dispersion, "dp", { 11 }, { 10 }))
      assert.matches("#3 to 'dispersion' %(size 2 must be positive", raises(measures.dispersion, "dp", { 1, 0 }, { 10, 0 }))
      assert.matches("'juilland' needs at least 2 parts", raises(measures.dispersion, "juilland", { 3 }, { 10 }))
      assert.matches("'dpnorm' needs at least 2 parts", raises(measures.dispersion, "dpnorm", { 3 }, { 10 }))
      assert.matches("#3 to 'dispersion' %(table of part sizes expected, got nil", raises(measures.dispersion, "dp", v))
      assert.matches("known: dp, dpnorm, juilland, range", raises(measures.dispersion, "gini", v, s))
    end)
  end)

  describe("diversity()", function()
    local function split(s)
      local out = {}
      for w in s:gmatch("%S+") do out[#out + 1] = w end
      return out
    end

    it("gives the TTR", function()
      -- a b a c: 3 types / 4 tokens
      assert.are.equal(0.75, measures.diversity("ttr", split "a b a c"))
      assert.are.equal(0.75, measures.diversity("ttr", { 1, 2, 1, 3 }))
    end)

    it("gives MATTR as the mean TTR of the moving windows", function()
      -- window 3 over a b a c b: "a b a" 2/3, "b a c" 3/3, "a c b" 3/3; mean (2/3 + 1 + 1) / 3 = 8/9
      near(8 / 9, measures.diversity("mattr", split "a b a c b", { window = 3 }))
      -- window 2 over a a b b: "a a" 1/2, "a b" 1, "b b" 1/2; mean 2/3
      near(2 / 3, measures.diversity("mattr", { 1, 1, 2, 2 }, { window = 2 }))
      -- a text no longer than the window (500 by default): its TTR
      assert.are.equal(0.75, measures.diversity("mattr", split "a b a c"))
      assert.are.equal(0.75, measures.diversity("mattr", split "a b a c", { window = 4 }))
    end)

    it("gives MTLD when every stretch closes", function()
      -- a b a b a b forwards: a 1/1, b 2/2, a 2/3 = .667 <= .72, factor 1; b, a, b the same,
      -- factor 2; nothing left: 6 / 2 = 3. Backwards (b a b a b a) the same: 3.
      local mean, fwd, bwd = measures.diversity("mtld", split "a b a b a b")
      assert.are.equal(3, mean)
      assert.are.equal(3, fwd)
      assert.are.equal(3, bwd)
      -- of the people by the people for the people (9 tokens)
      -- forwards: TTR 1 1 1 1 .8 (the) .667 (people): factor 1; for the people: TTR 1, partial 0: 9 / 1 = 9
      -- backwards: people the for people(.75) the(.6): factor 1; by people the of: TTR 1: 9 / 1 = 9
      assert.are.equal(9, measures.diversity("mtld", split "of the people by the people for the people"))
    end)

    it("gives MTLD with a partial factor at the end", function()
      -- a b a c d forwards: a 1, b 1, a 2/3 <= .72: factor 1; c 1, d 1: partial (1 - 1) / .28 = 0;
      --   5 / 1 = 5
      -- backwards d c a b a: 1, 1, 1, 1, 4/5 = .8: partial (1 - .8) / (1 - .72) = .2 / .28 = .714286;
      --   5 / .714286 = 7
      -- MTLD = (5 + 7) / 2 = 6
      local mean, fwd, bwd = measures.diversity("mtld", split "a b a c d")
      near(6, mean)
      near(5, fwd)
      near(7, bwd)
      -- threshold .5: no factor closes either way; partial (1 - .8) / .5 = .4, 5 / .4 = 12.5
      near(12.5, measures.diversity("mtld", split "a b a c d", { threshold = 0.5 }))
    end)

    it("gives an infinite MTLD when no token repeats", function()
      assert.are.equal(inf, measures.diversity("mtld", split "a b c d e"))
      assert.are.equal(inf, measures.diversity("mtld", { 7 }))
    end)

    it("raises on bad tokens and options", function()
      assert.matches("#2 to 'diversity' %(no tokens%)", raises(measures.diversity, "ttr", {}))
      assert.matches("#2 to 'diversity' %(token 2: string or integer expected, got float%)",
        raises(measures.diversity, "ttr", { 1, 2.5 }))
      assert.matches("#2 to 'diversity' %(token 1: string or integer expected, got boolean%)",
        raises(measures.diversity, "ttr", { true }))
      assert.matches("#3 to 'diversity' %(option 'window' must be a positive integer, got 0%)",
        raises(measures.diversity, "mattr", { 1 }, { window = 0 }))
      assert.matches("option 'threshold' must lie between 0 and 1", raises(measures.diversity, "mtld", { 1 }, { threshold = 1 }))
      assert.matches("option 'window' applies to mattr, not to 'mtld'", raises(measures.diversity, "mtld", { 1 }, { window = 5 }))
      assert.matches("known: mattr, mtld, ttr", raises(measures.diversity, "hdd", { 1 }))
    end)
  end)

  describe("names", function()
    it("lists each function's measures, sorted", function()
      assert.are.same({ "chi2", "dice", "ll", "logdice", "mi", "mi3", "t", "z" }, measures.names.association)
      assert.are.same({ "chi2", "ll", "logratio", "pdiff", "simplemaths" }, measures.names.keyness)
      assert.are.same({ "dp", "dpnorm", "juilland", "range" }, measures.names.dispersion)
      assert.are.same({ "mattr", "mtld", "ttr" }, measures.names.diversity)
    end)
  end)
end)
