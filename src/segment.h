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

/* Flags that tailor word segmentation; 0 is plain UAX #29.
 * SEG_JOIN_HYPHENS: a hyphen (U+002D, U+2010, U+2011) between two letters stays inside the
 * word, "vi-känsla"; so does one between a letter and a digit, "1800-talet", "covid-19". A
 * hyphen between two digits still splits, so that "1-2" reads as a range. */
enum { SEG_JOIN_HYPHENS = 1 };

/* Given text s[0..len) and pos at a word boundary, returns the byte offset of the next word
 * boundary (> pos, <= len). pos >= len returns len. */
size_t seg_next_word(const char *s, size_t len, size_t pos, unsigned flags);

/* The same for sentence boundaries. */
size_t seg_next_sentence(const char *s, size_t len, size_t pos);

#endif
