-- Heap overflow (a read before the states array) in pattern_find() (src/pattern.c), found by the
-- lexmatch fuzz target (single-token-out-of-range.bin is its input; fuzz/fuzz_lexmatch.c skips
-- such programs unless built with -DFUZZ_KNOWN_BUGS). The fast path for a single token whose
-- forms are the anchor (two states, one anchor at offset 0) reads p->states.v[st->out].type
-- without checking st->out; check_pattern() lets a state's out be -1 (a dead end, which
-- add_state() skips), so states.v[-1] is read. From the root, with the ASan module:
--   LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./build/asan/lua/?.so;;" \
--   LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
--   ASAN_OPTIONS=detect_leaks=0 lua5.4 spec/fuzz/pattern-crashes/single_token.lua
-- Fix: `st->out >= 0 &&` before p->states.v[st->out] in that test.
local samtal = require "samtal"
local c = samtal.open("corpus/000_e744d110473e4ebd.txt")
local all = c:formset("word", "wildcard", "*")
print(pcall(c.find, c, { sets = { all }, preds = { { type = 1, set = 0 } },
  states = { { type = 0, pred = 0, out = -1 }, { type = 3 } }, anchors = { { set = 0, offset = 0 } }, start = 0 },
  "count"))
