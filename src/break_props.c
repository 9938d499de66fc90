/* break_props.c: Word_Break, Sentence_Break and Extended_Pictographic lookups.
 *
 * The tables come from build/gen/break_tables.c (see gen_break_tables.lua): a direct table for
 * code points below 256, which is nearly all of the Swedish text samtal reads, and for the rest a
 * binary search over packed 32-bit range starts, about 12 probes in a few kilobytes. */
#include "break_props.h"

#include <stddef.h>

#include "break_tables.c"

/* The value of the last entry of t[0..n) whose first code point is <= cp. t[0] starts at
 * U+0000, so there always is one. Comparing packed words against (cp << 8 | 0xFF) compares the
 * code points alone, whatever the values. */
static uint32_t range_lookup(const uint32_t *t, size_t n, uint32_t cp) {
    uint32_t key = (cp << 8) | 0xFF;
    size_t lo = 0, hi = n; /* the answer is in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t[mid] <= key)
            lo = mid;
        else
            hi = mid;
    }
    return t[lo] & 0xFF;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

wb_prop brk_wb_search(uint32_t cp) {
    if (cp > 0x10FFFF) return WB_OTHER; /* the shift in range_lookup needs cp < 2^24 */
    return (wb_prop)range_lookup(wb_ranges, COUNT(wb_ranges), cp);
}

sb_prop brk_sb_search(uint32_t cp) {
    if (cp > 0x10FFFF) return SB_OTHER;
    return (sb_prop)range_lookup(sb_ranges, COUNT(sb_ranges), cp);
}

int is_extended_pictographic(uint32_t cp) {
    if (cp > 0x10FFFF) return 0;
    return (int)range_lookup(ep_ranges, COUNT(ep_ranges), cp);
}
