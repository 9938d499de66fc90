/* segment.h: UAX #29 word and sentence boundaries (Unicode 15.0), over UTF-8 in memory.
 *
 * Both functions are pure: they read s[0..len) only, keep no state between calls and allocate
 * nothing, so a caller walks a text of any size with
 *
 *     for (size_t pos = 0; pos < len; pos = next)
 *         next = seg_next_word(s, len, pos, flags);
 *
 * and gets exactly the boundaries of the standard (the segments include the white space and
 * punctuation ones; their concatenation is the text). The text is assumed to be valid UTF-8; a
 * byte that does not start a well-formed sequence counts as one code point U+FFFD of length 1,
 * so malformed or truncated input is segmented without reading past len. */
#ifndef SAMTAL_SEGMENT_H
#define SAMTAL_SEGMENT_H

#include <stddef.h>

#include "break_props.h"

/* Flags that tailor word segmentation; 0 is plain UAX #29.
 * SEG_JOIN_HYPHENS: a hyphen (U+002D, U+2010, U+2011) between two letters stays inside the
 * word, "vi-känsla"; so does one between a letter and a digit, "1800-talet", "covid-19". A
 * hyphen between two digits still splits, so that "1-2" reads as a range. */
enum { SEG_JOIN_HYPHENS = 1 };

/* The bytes of the letter at s[i] if it is an ASCII or Latin-1 letter (ALetter in the Latin-1
 * table: 1 or 2 bytes of UTF-8), else 0. */
static inline size_t seg_letter_bytes(const unsigned char *s, size_t len, size_t i) {
    if (i >= len) return 0;
    if (s[i] < 0x80) return brk_wb_latin1[s[i]] == WB_ALETTER;
    if (s[i] == 0xC3 && i + 1 < len && (s[i + 1] & 0xC0) == 0x80 &&
        brk_wb_latin1[0xC0 | (s[i + 1] & 0x3F)] == WB_ALETTER)
        return 2;
    return 0;
}

/* seg_next_word by every rule; seg_next_word below takes the common cases first. */
size_t seg_next_word_rules(const char *s, size_t len, size_t pos, unsigned flags);

/* Given text s[0..len) and pos at a word boundary, returns the byte offset of the next word
 * boundary (> pos, <= len). pos >= len returns len.
 *
 * Inline, since it runs once per word and once per space: most words of running text are a run
 * of letters of ASCII and U+00C0..U+00FF (WB5 joins them), ended by the end of the text or an
 * ASCII character that no rule joins to a letter: a space, a comma, a newline (WB3b)... and
 * most spaces are one space before ASCII (WB3d joins spaces only to spaces). Anything else, a
 * digit, an apostrophe, a full stop (WB6 looks past them), a hyphen that the tailoring may
 * join, a character beyond U+00FF (an Extend would join the letter before), goes through
 * every rule from pos. */
static inline size_t seg_next_word(const char *text, size_t len, size_t pos, unsigned flags) {
    enum {
        ENDS_LETTERS = (1u << WB_OTHER) | (1u << WB_WSEGSPACE) | (1u << WB_MIDNUM) | (1u << WB_CR) |
                       (1u << WB_LF) | (1u << WB_NEWLINE) |
                       (1u << WB_DOUBLE_QUOTE) /* joined to a letter only by WB7b, after Hebrew */
    };
    const unsigned char *s = (const unsigned char *)text;
    if (pos >= len) return len;
    size_t i = pos, n;
    while ((n = seg_letter_bytes(s, len, i)) != 0)
        i += n;
    if (i > pos) {
        if (i == len) return len; /* WB2 */
        if (s[i] < 0x80 && ((1u << brk_wb_latin1[s[i]]) & ENDS_LETTERS) &&
            !(s[i] == '-' && (flags & SEG_JOIN_HYPHENS)))
            return i;
    } else if (s[pos] == ' ' && pos + 1 < len && s[pos + 1] < 0x80 && s[pos + 1] != ' ') {
        return pos + 1;
    }
    return seg_next_word_rules(text, len, pos, flags);
}

/* The same for sentence boundaries. */
size_t seg_next_sentence(const char *s, size_t len, size_t pos);

#endif
