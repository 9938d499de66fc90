/* text.h: a document's text after decoding, and the way back to the source bytes.
 *
 * Every later stage works on the normalised text (UTF-8, NFC, LF line ends, no BOM). A quote
 * must still be checkable against the original file, so the decoder also records where each
 * stretch of normalised text came from in the source (`map`). */
#ifndef SAMTAL_TEXT_H
#define SAMTAL_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "vec.h"

/* From `norm` on (until the next point), normalised offset norm + k is source offset src + k. */
typedef struct sm_offpoint {
    uint32_t norm, src;
} sm_offpoint;

typedef VEC(sm_offpoint) sm_offmap;

/* Records in m that from normalised offset `norm` on the source is at `src` (a point is added
 * only where the distance between the two changes). Returns 0, or -1 if memory ran out. */
int text_map_point(sm_offmap *m, size_t norm, size_t src);

typedef struct sm_text {
    char *s;          /* normalised text, NUL-terminated; owned */
    size_t len;       /* its length in bytes */
    sm_offpoint *map; /* offset map, sorted by norm; map[0].norm == 0 */
    size_t nmap;
    uint32_t *lines; /* lines[i]: offset in s where line i+1 starts */
    size_t nlines;
    size_t source_len;   /* size of the source in bytes */
    size_t replacements; /* invalid sequences replaced by U+FFFD (only with TEXT_INVALID_REPLACE) */
} sm_text;

enum { TEXT_INVALID_ERROR = 0, TEXT_INVALID_REPLACE = 1 };
/* Or'ed into `invalid` (open's on_error = "skip"): a line with a NUL byte, or with invalid UTF-8
 * that is not replaced, is left out (kept as an empty line, so later lines keep their numbers)
 * and noted in err->skip (error.h), instead of being an error. */
enum { TEXT_SKIP_DAMAGED = 2 };

/* Decodes the source bytes src[0..n) of the file called `name` (used in messages only): drops a
 * byte order mark (at the start, and U+FEFF anywhere else, where it is a leftover of joined
 * files), turns CRLF and CR into LF, checks UTF-8 and normalises to NFC. Invalid UTF-8 is an
 * error naming line, column and byte offset, or with TEXT_INVALID_REPLACE becomes U+FFFD and is
 * counted. A NUL byte marks a binary file and is always an error. On success fills *out (free it
 * with text_free) and returns 0; on failure returns -1 with *out untouched. */
int text_decode(const char *name, const unsigned char *src, size_t n, int invalid, sm_text *out,
                sm_error *err);

/* The source byte offset of normalised offset `norm` (0 <= norm <= len). */
size_t text_source_offset(const sm_text *t, size_t norm);

/* The 1-based line number of normalised offset `norm`; lines are the same in the source. The
 * text's lines must be there: a document whose text is kept compressed has none until it is
 * decompressed (corpus_doc_text), since they are found again from the text (text_fill_lines). */
size_t text_line_of(const sm_text *t, size_t norm);

/* The lines of s[0..len): how many (*n: 1, and one more after each '\n') and, where lines is
 * not NULL, their starts (0, then one past each '\n'), which is what text_decode gives a text.
 * Returns the count. */
size_t text_fill_lines(const char *s, size_t len, uint32_t *lines);

/* Whether t->lines are what text_fill_lines finds in t->s (a text decoded by text_decode: yes;
 * one imported from JSON: where its lines were not edited), so that they need not be kept
 * while the text is compressed. */
int text_lines_derived(const sm_text *t);

/* The 1-based column (in code points) of normalised offset `norm` within its line. */
size_t text_column_of(const sm_text *t, size_t norm);

/* A column found before, for the next one on the same line: a caller that finds the columns of
 * many offsets in ascending order (a concordance's hits) passes the same hint, zeroed at first,
 * and counts only from the last one on, so a transcript written as one long line costs the
 * line's length once, not once a hit. */
typedef struct sm_column_hint {
    const char *s;                   /* the text it was found in */
    size_t line_start, norm, column; /* its line, offset and column */
} sm_column_hint;
size_t text_column_hinted(const sm_text *t, size_t norm, sm_column_hint *hint);

/* Makes t's offsets point into an earlier source: t was decoded from a transcoded buffer, and
 * `pre` maps that buffer's offsets to the original file's (encoding.h); source_len is the
 * original's size. Returns 0, or -1 if memory ran out (t unchanged). */
int text_compose_map(sm_text *t, const sm_offmap *pre, size_t source_len);

/* Frees what text_decode allocated; NULL and a zeroed text are fine. */
void text_free(sm_text *t);

#endif
