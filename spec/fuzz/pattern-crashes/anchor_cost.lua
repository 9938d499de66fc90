-- Heap overflow in anchor_cost() (src/pattern.c), found by the lexmatch fuzz target
-- (anchor_cost-foreign-set.bin is its input; fuzz/fuzz_lexmatch.c skips such programs unless
-- built with -DFUZZ_KNOWN_BUGS). check_pattern() checks that an anchor's set is a set of this
-- corpus's forms, but not a PRED_FORMS predicate's; a plain sequence of two or more such tokens
-- goes to intersect_chain(), where anchor_cost() (and anchor_positions()) read form_info[f] for
-- every f of the set: a set made by a corpus with more forms reads past form_info. From the
-- root, with the ASan module:
--   LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./build/asan/lua/?.so;;" \
--   LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
--   ASAN_OPTIONS=detect_leaks=0 lua5.4 spec/fuzz/pattern-crashes/anchor_cost.lua
-- Fix: in check_pattern(), a PRED_FORMS set must have n == c->forms.n (as anchors must), and
-- likewise PRED_TURNS turns.n, PRED_ATTR the attribute's value count, an event set events.n.
local samtal = require "samtal"
local big = samtal.open("corpus") -- thousands of forms
local path = os.tmpname() .. ".txt"
local f = assert(io.open(path, "w"))
f:write("A: hej då\n\nB: hej då\n")
f:close()
local small = samtal.open(path) -- a few forms
os.remove(path)
local set = big:formset("word", "wildcard", "*")
print(pcall(small.find, small, { sets = { set }, preds = { { type = 1, set = 0 } },
  states = { { type = 0, pred = 0, out = 1 }, { type = 0, pred = 0, out = 2 }, { type = 3 } }, start = 0 }, "count"))
