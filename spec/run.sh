#!/usr/bin/env bash
# spec/run.sh: the whole test suite. Every spec runs twice, against the plain module and against
# the one built with AddressSanitizer and UBSan; then valgrind runs the samtal command over a
# workload that touches every entry point. The last line is the total: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
counts=$(mktemp)
made=$(mktemp) # the specs' temporary files (spec/helpers.lua), removed at the end
trap 'xargs -r -d "\n" rm -rf -- <"$made"; rm -f "$counts" "$made"' EXIT
export SAMTAL_COUNTS="$counts" SAMTAL_SPEC_MADE="$made" SAMTAL_PLAIN=1
status=0

echo "== specs (plain build)"
lua5.4 /usr/bin/busted --run=default || status=1

echo "== specs (ASan + UBSan build)"
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
# Lua itself is not instrumented, so the runtimes are preloaded; leaks are valgrind's job.
LD_PRELOAD="$asan $ubsan" ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  lua5.4 /usr/bin/busted --run=asan || status=1

echo "== valgrind (samtal command, spec/support/workload.lua)"
if valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
     --show-leak-kinds=definite,indirect build/bin/samtal spec/support/workload.lua >/dev/null; then
  echo "valgrind: clean"
  echo "1 0" >>"$counts"
else
  echo "valgrind: errors (see above)"
  echo "0 1" >>"$counts"
  status=1
fi

read -r passed failed < <(awk '{p += $1; f += $2} END {print p + 0, f + 0}' "$counts")
runs=$(wc -l <"$counts")
if [ "$runs" -lt 3 ]; then
  echo "a test run did not report its counts (crash?)"
  failed=$((failed + 1))
  status=1
fi
[ "$passed" -gt 0 ] || status=1
echo "$passed passed, $failed failed"
exit $status
