-- Signed integer overflow (undefined behaviour) in html_entity() (src/podcast.c), found by the
-- load_txt fuzz target (html-entity-overflow-found.txt is its input: a .txt file that starts
-- with <!DOCTYPE html> is read as HTML; html-entity-overflow.html is a small one). A numeric
-- character reference takes up to 8 digits into an int32_t, `v = v * 16 + digit`, so
-- &#xEEEEEEEE; (8 hex digits from 8 up) overflows: UBSan stops the sanitised build there, and
-- the plain build gets a negative code point (the reference then silently vanishes from the
-- text). From the root, with the ASan + UBSan module:
--   LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./build/asan/lua/?.so;;" \
--   LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)" \
--   UBSAN_OPTIONS=halt_on_error=1 lua5.4 spec/fuzz/podcast-crashes/html_entity.lua
-- Fix: accumulate in an int64_t (or stop at 7 hex digits / 8 decimal ones, all in range of
-- int32_t, still more than 0x10FFFF); then drop FUZZ_KNOWN in the Makefile and known_bug() in
-- spec/fuzz_corpus_spec.lua.
local samtal = require "samtal"
local c = samtal.open("spec/fuzz/podcast-crashes/html-entity-overflow.html")
for t in c:turns() do print(t.text) end
