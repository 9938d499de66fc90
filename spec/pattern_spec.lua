-- The pattern matcher (src/pattern.c) given hand-made programs through c:find(), as a user's
-- script can send any table. A malformed program is a clean error or no match, never a read or
-- write out of bounds: the three bugs below were found by the lexmatch fuzz target, and the ASan
-- run of spec/run.sh stops on the first two if they come back (the plain build gives the same
-- answer either way); the third reads another corpus's set past this one's forms.
local samtal = require "samtal"
local h = require "helpers"

describe("samtal", function()
  after_each(h.cleanup)

  describe("find() with a hand-made program", function()
    local c = samtal.open("corpus/000_e744d110473e4ebd.txt")

    it("finds nothing in a cycle of token states without a match state", function()
      -- linear_chain() walked states.n + 1 steps into an array of states.n
      local prog = { preds = { { type = 0 } }, states = { { type = 0, pred = 0, out = 0 } }, start = 0 }
      assert.are.equal(0, c:find(prog, "count"))
      -- two token states, each the other's out
      prog.states = { { type = 0, pred = 0, out = 1 }, { type = 0, pred = 0, out = 0 } }
      assert.are.equal(0, c:find(prog, "count"))
    end)

    it("finds nothing from a single anchored token that leads nowhere", function()
      -- the fast path for one anchored token read states[out] with out = -1
      local all = c:formset("word", "wildcard", "*")
      local prog = { sets = { all }, preds = { { type = 1, set = 0 } },
        states = { { type = 0, pred = 0, out = -1 }, { type = 3 } }, anchors = { { set = 0, offset = 0 } }, start = 0 }
      assert.are.equal(0, c:find(prog, "count"))
      prog.states[1].out = 1 -- the same program with its match state counts every word
      assert.are.equal(c:find({ sets = { all }, preds = { { type = 1, set = 0 } },
        states = { { type = 0, pred = 0, out = 1 }, { type = 3 } }, start = 0 }, "count"), c:find(prog, "count"))
    end)

    it("raises on a set of forms made by another corpus", function()
      -- check_pattern() checked an anchor's set but not a predicate's; anchor_cost() then read
      -- form_info past this corpus's forms
      local big = samtal.open("corpus")
      local small = samtal.open(h.tempfile("A: hej då\n\nB: hej då\n"))
      local set = big:formset("word", "wildcard", "*")
      local prog = { sets = { set }, preds = { { type = 1, set = 0 } },
        states = { { type = 0, pred = 0, out = 1 }, { type = 0, pred = 0, out = 2 }, { type = 3 } }, start = 0 }
      local ok, err = pcall(small.find, small, prog, "count")
      assert.is_false(ok)
      assert.matches("pattern: the set of predicate 0 is not of this corpus", err, 1, true)
      -- a smaller set is refused too, and so are sets of turns and events of another size
      ok, err = pcall(big.find, big, prog, "count")
      assert.is_true(ok, err)
      prog.sets = { small:formset("word", "wildcard", "*") }
      assert.has_error(function() big:find(prog, "count") end)
      prog.sets = { small:turnset("doc", "wildcard", "*") }
      prog.preds[1].type = 2
      assert.has_error(function() big:find(prog, "count") end)
      assert.is_number(small:find(prog, "count"))
    end)
  end)
end)
