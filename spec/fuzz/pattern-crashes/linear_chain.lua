-- Heap overflow in linear_chain() (src/pattern.c), found by the lexmatch fuzz target
-- (linear_chain-heap-overflow.bin is its input; fuzz/fuzz_lexmatch.c skips such programs unless
-- built with -DFUZZ_KNOWN_BUGS). The loop runs states.n + 1 steps and stores one predicate per
-- token state in an array of states.n, so a cycle of token states without a match state writes
-- past it. From the root, with the ASan module:
--   LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./build/asan/lua/?.so;;" \
--   LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
--   ASAN_OPTIONS=detect_leaks=0 lua5.4 spec/fuzz/pattern-crashes/linear_chain.lua
-- Fix: `steps < p->states.n` in linear_chain's loop.
local samtal = require "samtal"
local c = samtal.open("corpus/000_e744d110473e4ebd.txt")
-- one token state whose `out` is itself: a cycle of tokens with no match state
print(pcall(c.find, c, { preds = { { type = 0 } }, states = { { type = 0, pred = 0, out = 0 } }, start = 0 }, "count"))
