/* kwic_lines.c: concordance lines as text, built straight from the corpus (kwic_lines.h).
 *
 * Building a line here instead of a hit table of 18 fields is what makes every line of a large
 * concordance cheap: one pass over the context's bytes, no Lua value but the finished string.
 * The output must stay byte for byte what samtal.hits's Hits:text makes of a hit table (the Lua
 * path for sorted or filtered hits), so the shaping below follows format.squeeze, format.width,
 * format.head and format.tail exactly: widths are counted in code points (format.width is
 * utf8.len, not a display width), white space is Lua's %s (ASCII space, \t \n \v \f \r). The
 * corpus's text is valid UTF-8 (the loader checks or replaces it), which the counting relies on. */
#include <stdint.h>
#include <string.h>

#include "kwic_lines.h"
#include "query.h"

void kwic_span(const sm_corpus *c, uint32_t start, uint32_t len, const sm_kwic_opts *o,
               sm_kwic_span *sp) {
    uint32_t e = start + len - 1, first, last;
    /* the turn is found once (a binary search: at 100 MB, cache misses) for both uses */
    sp->turn = corpus_token_turn(c, start);
    if (o->chars) /* the whole clip span: cut by characters once it is text */
        kwic_context_in(c, sp->turn, start, len, UINT32_MAX / 2, UINT32_MAX / 2, o->sentence,
                        &first, &last);
    else
        kwic_context_in(c, sp->turn, start, len, o->left, o->right, o->sentence, &first, &last);
    sp->ms = corpus_token_off(c, start);
    sp->me = corpus_token_off(c, e) + corpus_token_len(c, e);
    sp->ls = corpus_token_off(c, first);
    sp->re = corpus_token_off(c, last) + corpus_token_len(c, last);
    if (o->chars && !o->sentence) /* up to the turn's edges, not the last token's */
        corpus_turn_bounds(c, sp->turn, &sp->ls, &sp->re);
}

int kwic_turn_text(const sm_corpus *c, uint32_t turn, uint32_t from, uint32_t to, sm_buf *scratch,
                   const char **p, size_t *n) {
    const sm_turn *tr = &c->turns.v[turn];
    CORPUS_EXPECT_CHECKED(c, tr->doc);
    CORPUS_EXPECT_TEXT(c, tr->doc);
    const sm_doc *d = &c->docs.v[tr->doc];
    const sm_rawturn *rt = &d->layout.turns.v[tr->index];
    for (uint32_t k = 0; k < rt->seg_count; k++) { /* most ranges lie inside one segment */
        const sm_segment *sg = &d->layout.segs.v[rt->seg_first + k];
        if (from >= sg->start && to <= sg->end) {
            *p = d->text.s + from;
            *n = from < to ? to - from : 0;
            return 0;
        }
    }
    scratch->n = 0;
    if (corpus_turn_text(c, turn, from, to, scratch)) return -1;
    *p = scratch->s ? scratch->s : "";
    *n = scratch->n;
    return 0;
}

static int is_lead(char ch) {
    return ((unsigned char)ch & 0xC0) != 0x80;
}

void kwic_cut_chars(const char **s, size_t *n, uint32_t chars, int tail) {
    size_t count = 0;
    if (tail) { /* walk back over `chars` code points */
        size_t k = *n;
        while (k > 0 && count < chars) {
            k--;
            if (is_lead((*s)[k])) count++;
        }
        *s += k;
        *n -= k;
    } else {
        size_t k = 0;
        while (k < *n && count <= chars) {
            if (is_lead((*s)[k]) && ++count > chars) break;
            k++;
        }
        *n = k;
    }
}

/* Lua's %s in the C locale. */
static int is_space(char ch) {
    return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* Over the 8 bytes of w, a byte with its top bit set where the byte is below `k` (k <= 0x80):
 * exact for every byte, since no sum carries into the next one. */
static uint64_t bytes_below(uint64_t w, unsigned k) {
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((w & low7) + (0x80u - k) * 0x0101010101010101ULL) | w) & ~low7;
}

/* The same where the byte is `v`. */
static uint64_t bytes_equal(uint64_t w, unsigned v) {
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    uint64_t x = w ^ (v * 0x0101010101010101ULL);
    return ~(((x & low7) + low7) | x) & ~low7;
}

/* The continuation bytes (10xxxxxx) of w, counted. */
static unsigned continuations(uint64_t w) {
    uint64_t m = w & ~(w << 1) & 0x8080808080808080ULL;
    return (unsigned)(((m >> 7) * 0x0101010101010101ULL) >> 56); /* no popcount instruction */
}

/* Appends s[0..n) to b with every run of white space as one space (format.squeeze), without a
 * leading one when `trim` is set (the left context's gsub("^ ", "")). Sets *width to the code
 * points appended. One pass, into room reserved at once: this is most of a line's cost, so eight
 * bytes are copied at a time where nothing changes them (no control character, no two spaces
 * together): in running speech most of them. */
static int squeeze(sm_buf *b, const char *s, size_t n, int trim, size_t *width) {
    if (b->n + n + 1 > b->cap && vec_reserve((void **)&b->s, &b->cap, b->n + n + 1, 1)) return -1;
    char *o = b->s + b->n;
    size_t w = 0, i = 0;
    if (trim)
        while (i < n && is_space(s[i]))
            i++;
    int after_space = 0; /* the byte written last is a space */
    while (i < n) {
        if (i + 8 <= n) {
            uint64_t v;
            memcpy(&v, s + i, 8);
            uint64_t sp = bytes_equal(v, ' '); /* two spaces side by side, whatever the order */
            if (!bytes_below(v, 0x20) && !(sp & (sp >> 8)) && !(after_space && s[i] == ' ')) {
                memcpy(o, &v, 8);
                o += 8;
                i += 8;
                w += 8 - continuations(v);
                after_space = s[i - 1] == ' ';
                continue;
            }
        }
        char ch = s[i++];
        if (is_space(ch)) {
            while (i < n && is_space(s[i]))
                i++;
            if (after_space) continue; /* the rest of a run whose space is written */
            ch = ' ';
        }
        *o++ = ch;
        w += is_lead(ch);
        after_space = ch == ' ';
    }
    *o = '\0';
    b->n = (size_t)(o - b->s);
    *width = w;
    return 0;
}

static const char ELLIPSIS[] = "\xE2\x80\xA6"; /* … */

/* Appends the left context shaped: squeezed, its leading space dropped, cut to its last
 * cols - 1 characters after "…" when it is wider than cols. Sets *width. */
static int shape_left(sm_buf *b, const char *s, size_t n, size_t cols, size_t *width) {
    size_t start = b->n, w;
    if (squeeze(b, s, n, 1, &w)) return -1;
    if (w > cols) { /* "…" .. tail(left, cols - 1) */
        size_t k = b->n, count = 0;
        while (count < cols - 1) {
            k--;
            if (is_lead(b->s[k])) count++;
        }
        size_t keep = b->n - k;
        if (buf_append(b, ELLIPSIS, 3)) return -1; /* room for the mark; the bytes moved below */
        memmove(b->s + start + 3, b->s + k, keep);
        memcpy(b->s + start, ELLIPSIS, 3);
        b->n = start + 3 + keep;
        b->s[b->n] = '\0';
        w = cols;
    }
    *width = w;
    return 0;
}

/* Appends the right context shaped: squeezed, cut to its first cols - 1 characters before "…"
 * when it is wider than cols. */
static int shape_right(sm_buf *b, const char *s, size_t n, size_t cols) {
    size_t start = b->n, w;
    if (squeeze(b, s, n, 0, &w)) return -1;
    if (w > cols) { /* head(right, cols - 1) .. "…" */
        size_t k = start, count = 0;
        for (; k < b->n; k++) {
            if (is_lead(b->s[k]) && count++ == cols - 1) break;
        }
        b->n = k;
        if (buf_append(b, ELLIPSIS, 3)) return -1;
    }
    return 0;
}

int kwic_shape(sm_kwic_line *line, const char *left, size_t ln, const char *match, size_t mn,
               const char *right, size_t rn, size_t cols) {
    sm_buf *b = &line->out;
    b->n = 0;
    if (buf_append(b, "", 0) || shape_left(b, left, ln, cols, &line->left_width)) return -1;
    line->left_end = b->n;
    if (buf_putc(b, '[')) return -1;
    line->match_start = b->n;
    size_t mw;
    if (squeeze(b, match, mn, 0, &mw)) return -1;
    line->match_end = b->n;
    if (buf_putc(b, ']')) return -1;
    line->right_start = b->n;
    return shape_right(b, right, rn, cols);
}

int kwic_line(const sm_corpus *c, uint32_t start, uint32_t len, const sm_kwic_opts *o, size_t cols,
              sm_buf scratch[3], sm_kwic_line *line) {
    sm_kwic_span sp;
    kwic_span(c, start, len, o, &sp);
    const char *l, *m, *r;
    size_t ln, mn, rn;
    if (kwic_turn_text(c, sp.turn, sp.ls, sp.ms, &scratch[0], &l, &ln) ||
        kwic_turn_text(c, sp.turn, sp.ms, sp.me, &scratch[1], &m, &mn) ||
        kwic_turn_text(c, sp.turn, sp.me, sp.re, &scratch[2], &r, &rn))
        return -1;
    if (o->chars) {
        kwic_cut_chars(&l, &ln, o->chars, 1);
        kwic_cut_chars(&r, &rn, o->chars, 0);
    }
    return kwic_shape(line, l, ln, m, mn, r, rn, cols);
}
