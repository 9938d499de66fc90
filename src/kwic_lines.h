/* kwic_lines.h: concordance lines as text, built straight from the corpus.
 *
 * A hit's context is the text of its turn between the context's first token and the match, and
 * between the match and the context's last token (query.h kwic_context), or a number of
 * characters each side. A concordance line is that text shaped as samtal.hits's Hits:text shapes
 * a hit table's `left`, `match` and `right`: white space squeezed to one space, the left
 * context's leading space dropped, each side cut to `cols` characters (with "…" where it was
 * cut). The same routine builds a hit table's context text (binding.c push_hit), so a line and
 * the table of the same hit cannot disagree. No Lua here: the binding calls it. */
#ifndef SAMTAL_KWIC_LINES_H
#define SAMTAL_KWIC_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "corpus.h"
#include "vec.h"

/* How a hit's context is cut, as c:kwic's options give it. */
typedef struct sm_kwic_opts {
    uint32_t left, right; /* words each side */
    uint32_t chars;       /* when not 0: characters each side instead of words */
    int sentence;         /* clip the context at the match's sentence(s), not only the turn */
} sm_kwic_opts;

/* Where a hit's parts lie in its document's text: the left context is [ls, ms), the match
 * [ms, me), the right context [me, re), all within `turn` (in chars mode, ls and re are the clip
 * edges: the text is cut by characters afterwards, kwic_cut_chars). */
typedef struct sm_kwic_span {
    uint32_t turn, ls, ms, me, re;
} sm_kwic_span;

/* The parts of the match of `len` tokens at token `start`. The documents of its first and last
 * token must be checked (corpus_check_doc); len >= 1 and within the corpus. */
void kwic_span(const sm_corpus *c, uint32_t start, uint32_t len, const sm_kwic_opts *o,
               sm_kwic_span *sp);

/* Sets *p and *n to the text of `turn` between document offsets from and to, as
 * corpus_turn_text gives it: a pointer into the document when the range lies in one segment,
 * else into `scratch` (cleared first). Returns 0, or -1 when out of memory. The text stays valid
 * until scratch changes. */
int kwic_turn_text(const sm_corpus *c, uint32_t turn, uint32_t from, uint32_t to, sm_buf *scratch,
                   const char **p, size_t *n);

/* Cuts s[0..*n) to its last (tail) or first `chars` code points: moves *s and *n. */
void kwic_cut_chars(const char **s, size_t *n, uint32_t chars, int tail);

/* A hit as shaped text: out holds left "[" match "]" right; left_end, match_end (before the "]")
 * and the byte offsets of each part in out mark them, left_width is the left part's width in
 * code points. */
typedef struct sm_kwic_line {
    sm_buf out;
    size_t left_end, match_start, match_end, right_start;
    size_t left_width;
} sm_kwic_line;

/* Shapes left, match and right (UTF-8) into line->out (cleared first) as Hits:text does: each
 * squeezed (every run of ASCII white space as one space), the left's leading space dropped, a
 * side longer than `cols` code points (cols >= 1) cut to its `cols - 1` characters nearest the
 * match with "…" outside them. Returns 0, or -1 when out of memory. */
int kwic_shape(sm_kwic_line *line, const char *left, size_t ln, const char *match, size_t mn,
               const char *right, size_t rn, size_t cols);

/* The shaped line of the match of `len` tokens at token `start` (kwic_span's preconditions),
 * its context cut by o, each side shown to `cols` characters. scratch is working space for the
 * caller to keep between calls (and free). Returns 0, or -1 when out of memory. */
int kwic_line(const sm_corpus *c, uint32_t start, uint32_t len, const sm_kwic_opts *o, size_t cols,
              sm_buf scratch[3], sm_kwic_line *line);

#endif
