#!/bin/sh
# seeds.sh: the seed inputs of every fuzz target, made fresh under build/fuzz/seeds/ by `make fuzz`.
#   load_* and segment: the small transcripts of fuzz/seeds/, corpus/, spec/fixtures/ and the
#   shared test corpora (../shared/corpora/, when present), each cut to its first SEED_BYTES;
#   store: saved corpora made from them (fuzz/store_seeds.lua, cut to 200 bytes first);
#   lexmatch: a few values and programs in that target's input format (fuzz/fuzz_lexmatch.c).
# The GPL-3.0 corpus (talkpython-en) and the licence and SOURCE files are left out, so that no
# excerpt of them can end up in spec/fuzz/. Usage: fuzz/seeds.sh OUTDIR TARGET...
set -eu
out=$1
shift
SEED_BYTES=${SEED_BYTES:-1024}
rm -rf "$out"
mkdir -p "$out/text" "$out/small"
n=0
for f in fuzz/seeds/* corpus/* $(find spec/fixtures ../shared/corpora -type f 2>/dev/null | sort); do
  [ -f "$f" ] || continue
  case "$f" in
    *talkpython-en* | *LICENSE* | *SOURCE.md | *INDEX.md | *.xml) continue ;;
  esac
  n=$((n + 1))
  base=$(printf '%03d-%s' "$n" "$(basename "$f")")
  head -c "$SEED_BYTES" "$f" >"$out/text/$base"
  head -c 200 "$f" >"$out/small/$base"
done
for t in "$@"; do
  mkdir -p "$out/$t"
  case "$t" in
    load_* | segment) cp "$out"/text/* "$out/$t/" ;;
    store) LUA_PATH="./lua/?.lua;./lua/?/init.lua;;" LUA_CPATH="./build/lua/?.so;;" \
      lua5.4 fuzz/store_seeds.lua "$out/$t" "$out"/small/* ;;
    lexmatch)
      i=0
      for v in '\003n.*a' '\007(?i)v\303\245rd|caf[e\303\251]' '\001*\303\244ra' '\000v\303\245rd' \
        '\017\\p{Lu}+' '\063LENA|Bo' '\103.*' '\123sk.*' '\143v.*' '\163N.' '\015[[:alpha:]]{2,}' \
        '\003(a|b)*+(?<n>x)\\k<n>' '\003(*LIMIT_MATCH=10)(a+)+$' '\003\\X{2,}(?=.)' '\002?\303\244*' \
        '\001*a*\000\002\003\002\001\001\000\001\002\003\000\000\001\002\003\001\000' \
        '\203.*\000\004\005\001\002\000\002\000\003\003\000\002\001\004\001\004\002\000\002\001\002\001'; do
        i=$((i + 1))
        printf "$v" >"$out/$t/seed$i"
      done
      ;;
  esac
done
rm -rf "$out/text" "$out/small"
