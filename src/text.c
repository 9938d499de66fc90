/* text.c: decoding a source file into normalised text with a map back to the source.
 *
 * One pass over the bytes. NFC is applied piecewise so that the offset map stays exact almost
 * everywhere: a chunk of text can only change under NFC if it holds a non-ASCII code point, and
 * no ASCII character ever composes with what precedes it, so each run of non-ASCII code points
 * (with the ASCII character just before it, which may be its base) is normalised on its own.
 * Runs made only of code points that are stable under NFC on their own (Latin-1, Latin
 * Extended, most typographic punctuation: what Swedish and English text is made of) skip
 * utf8proc entirely. */
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef SAMTAL_CHECKED_ACCESS
#include <assert.h>
#endif

#include "search.h"
#include "vec.h"

typedef VEC(uint32_t) u32_vec;

int text_map_point(sm_offmap *m, size_t norm, size_t src) {
    if (m->n) {
        sm_offpoint *last = &m->v[m->n - 1];
        if ((int64_t)last->src - last->norm == (int64_t)src - (int64_t)norm) return 0;
        if (last->norm == norm) {
            last->src = (uint32_t)src;
            return 0;
        }
    }
    sm_offpoint p = {(uint32_t)norm, (uint32_t)src};
    return VEC_PUSH(*m, p);
}

/* A code point that NFC leaves alone whatever surrounds it, as long as no combining mark follows
 * (a following mark is itself not stable, so its run is normalised as a whole anyway). */
static int nfc_stable_alone(int32_t cp) {
    return (cp >= 0x80 && cp <= 0x24F) || (cp >= 0x2010 && cp <= 0x2027) ||
           (cp >= 0x2030 && cp <= 0x205E) || cp == 0xFFFD;
}

typedef struct decoder {
    const char *name;
    const unsigned char *src;
    size_t n;
    sm_buf out;
    sm_offmap map;
    u32_vec lines;
    size_t line, line_src; /* current source line (1-based) and the source offset it starts at */
    /* the current run of non-ASCII code points, if any */
    int in_run, run_unstable;
    size_t run_out, run_src;
    /* where the last ASCII character was written, as a possible base of the next run */
    size_t ascii_out, ascii_src;
    int ascii_last;
} decoder;

/* Ends the current non-ASCII run at source offset `src_end`, normalising it if needed. */
static int flush_run(decoder *d, size_t src_end, sm_error *err) {
    if (!d->in_run) return 0;
    d->in_run = 0;
    if (!d->run_unstable) return 0;
    utf8proc_uint8_t *res = NULL;
    size_t len = d->out.n - d->run_out;
    utf8proc_ssize_t m =
        utf8proc_map((const utf8proc_uint8_t *)d->out.s + d->run_out, (utf8proc_ssize_t)len, &res,
                     UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (m < 0) return sm_errorf(err, "%s: cannot normalise text: %s", d->name, utf8proc_errmsg(m));
    if ((size_t)m != len || memcmp(res, d->out.s + d->run_out, len) != 0) {
        d->out.n = d->run_out;
        int bad = buf_append(&d->out, res, (size_t)m) ||
                  text_map_point(&d->map, d->run_out, d->run_src) ||
                  text_map_point(&d->map, d->out.n, src_end);
        free(res);
        if (bad) return sm_errorf(err, "%s: out of memory", d->name);
        return 0;
    }
    free(res);
    return 0;
}

/* Leaves the current line out (a damaged line, TEXT_SKIP_DAMAGED): the output goes back to where
 * the line started, and the source on to the line's end, which is returned. */
static size_t drop_line(decoder *d, size_t i, int *oom) {
    size_t start = d->lines.v[d->lines.n - 1];
    d->out.n = start;
    d->out.s[start] = '\0';
    while (d->map.n > 1 && d->map.v[d->map.n - 1].norm > start)
        d->map.n--;
    while (i < d->n && d->src[i] != '\n' && d->src[i] != '\r')
        i++;
    d->in_run = 0;
    d->ascii_last = 0;
    if (text_map_point(&d->map, start, i)) *oom = 1;
    return i;
}

/* The column (in code points, 1-based) of source offset `at` on the current line. */
static size_t source_column(const decoder *d, size_t at) {
    size_t col = 1;
    for (size_t k = d->line_src; k < at; k++)
        if ((d->src[k] & 0xC0) != 0x80) col++;
    return col;
}

/* The bytes of the well-formed two-byte sequence at src[i] if its code point is in
 * U+0080..U+023F (lead bytes C2..C8: Latin-1 and Latin Extended, stable alone under NFC and
 * never the second of a composition), else 0. */
static inline size_t stable_pair(const unsigned char *src, size_t i, size_t n) {
    return src[i] >= 0xC2 && src[i] <= 0xC8 && i + 1 < n && (src[i + 1] & 0xC0) == 0x80 ? 2 : 0;
}

/* The end of a run of plain text from i: the first line end, NUL or byte that is neither ASCII
 * nor the start of a stable_pair, at or after i, or n. Eight bytes at a time while none of them
 * ends or interrupts it (most lines are long runs). *last is set to where the run's last
 * character starts (the run is not empty). */
static size_t plain_run_end(const unsigned char *src, size_t i, size_t n, size_t *last) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    *last = i;
    for (;;) {
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, src + i, 8);
            uint64_t lf = w ^ (ones * '\n'), cr = w ^ (ones * '\r');
            /* a byte of w, lf or cr that is zero (or w's high bit): the run ends in this word */
            uint64_t stop = w | ((w - ones) & ~w) | ((lf - ones) & ~lf) | ((cr - ones) & ~cr);
            if (stop & highs) break;
            i += 8;
            *last = i - 1;
        }
        while (i < n && src[i] < 0x80 && src[i] != '\n' && src[i] != '\r' && src[i] != 0)
            *last = i++;
        size_t pair = i < n ? stable_pair(src, i, n) : 0;
        if (!pair) return i;
        *last = i;
        i += pair;
    }
}

int text_decode(const char *name, const unsigned char *src, size_t n, int invalid, sm_text *out,
                sm_error *err) {
    if (n > UINT32_MAX - 16)
        return sm_errorf(err, "%s: file too large (%zu bytes; at most 4 GiB per document)", name,
                         n);
    decoder d;
    memset(&d, 0, sizeof d);
    d.name = name;
    d.src = src;
    d.n = n;
    d.line = 1;
    size_t i = 0, replacements = 0;
    int skip = (invalid & TEXT_SKIP_DAMAGED) != 0;
    if (n >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF) i = 3;
    d.line_src = i;
    /* the text is about as long as the source: room for it at once, not grown by doubling */
    int oom = vec_reserve_exact((void **)&d.out.s, &d.out.cap, n + 1, 1) ||
              buf_append(&d.out, "", 0) || text_map_point(&d.map, 0, i) || VEC_PUSH(d.lines, 0);
    while (!oom && i < n) {
        unsigned char c = src[i];
        if ((c < 0x80 && c != 0 && c != '\r' && c != '\n') || stable_pair(src, i, n)) {
            /* The whole run of ASCII and stable pairs up to the next line end, NUL or other
             * character: copied as it is. Its last character may be the base of a combining mark
             * after it: an ASCII one is kept as such, a pair starts a run of its own. */
            if (flush_run(&d, i, err)) goto fail;
            size_t last, j = plain_run_end(src, i, n, &last);
            size_t at = d.out.n + (last - i);
            oom = buf_append(&d.out, src + i, j - i);
            if (src[last] < 0x80) {
                d.ascii_out = at;
                d.ascii_src = last;
                d.ascii_last = 1;
            } else {
                d.in_run = 1;
                d.run_unstable = 0;
                d.run_out = at;
                d.run_src = last;
                d.ascii_last = 0;
            }
            i = j;
            continue;
        }
        if (c < 0x80) {
            if (flush_run(&d, i, err)) goto fail;
            if (c == 0) {
                sm_errorf(err, "%s:%zu:%zu: binary file (NUL byte at byte offset %zu)%s", name,
                          d.line, source_column(&d, i), i, skip ? "; line left out" : "");
                if (!skip || sm_skip(err)) goto fail;
                i = drop_line(&d, i, &oom);
                continue;
            }
            d.ascii_out = d.out.n;
            d.ascii_src = i;
            d.ascii_last = 1;
            if (c == '\r' || c == '\n') {
                size_t step = (c == '\r' && i + 1 < n && src[i + 1] == '\n') ? 2 : 1;
                oom = buf_putc(&d.out, '\n');
                i += step;
                d.line++;
                d.line_src = i;
                oom = oom || text_map_point(&d.map, d.out.n, i) ||
                      VEC_PUSH(d.lines, (uint32_t)d.out.n);
                d.ascii_last = 0; /* a line end is no base for a combining mark */
            }
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t len = utf8proc_iterate(src + i, (utf8proc_ssize_t)(n - i), &cp);
        if (len < 0) {
            if (!(invalid & TEXT_INVALID_REPLACE)) {
                sm_errorf(err, "%s:%zu:%zu: invalid UTF-8 (byte 0x%02X at byte offset %zu)%s", name,
                          d.line, source_column(&d, i), c, i, skip ? "; line left out" : "");
                if (!skip || sm_skip(err)) goto fail;
                i = drop_line(&d, i, &oom);
                continue;
            }
            /* U+FFFD for one byte; the next byte gets its own chance to start a sequence. */
            if (flush_run(&d, i, err)) goto fail;
            oom = buf_append(&d.out, "\xEF\xBF\xBD", 3) || text_map_point(&d.map, d.out.n, i + 1);
            i++;
            replacements++;
            d.ascii_last = 0;
            continue;
        }
        if (cp == 0xFEFF) {
            if (flush_run(&d, i, err)) goto fail;
            i += (size_t)len;
            oom = text_map_point(&d.map, d.out.n, i);
            d.ascii_last = 0;
            continue;
        }
        if (!d.in_run) {
            d.in_run = 1;
            d.run_unstable = 0;
            /* the ASCII character just before may be the base this run composes with */
            int base = d.ascii_last && d.ascii_out + 1 == d.out.n;
            d.run_out = base ? d.ascii_out : d.out.n;
            d.run_src = base ? d.ascii_src : i;
        }
        if (!nfc_stable_alone(cp)) d.run_unstable = 1;
        oom = buf_append(&d.out, src + i, (size_t)len);
        i += (size_t)len;
        d.ascii_last = 0;
    }
    if (oom) {
        sm_errorf(err, "%s: out of memory", name);
        goto fail;
    }
    if (flush_run(&d, i, err)) goto fail;
    /* kept as long as the corpus: no room beyond what they hold (a BOM, CRLF line ends or
     * replaced bytes leave the text shorter than its source) */
    vec_shrink((void **)&d.out.s, &d.out.cap, d.out.n + 1, 1);
    vec_shrink((void **)&d.map.v, &d.map.cap, d.map.n, sizeof *d.map.v);
    vec_shrink((void **)&d.lines.v, &d.lines.cap, d.lines.n, sizeof *d.lines.v);
    out->s = d.out.s;
    out->len = d.out.n;
    out->map = d.map.v;
    out->nmap = d.map.n;
    out->lines = d.lines.v;
    out->nlines = d.lines.n;
    out->source_len = n;
    out->replacements = replacements;
    return 0;
fail:
    buf_free(&d.out);
    VEC_FREE(d.map);
    VEC_FREE(d.lines);
    return -1;
}

size_t text_source_offset(const sm_text *t, size_t norm) {
    size_t lo = 0, hi = t->nmap; /* last point with point.norm <= norm */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->map[mid].norm <= norm)
            lo = mid;
        else
            hi = mid;
    }
    size_t src = t->map[lo].src + (norm - t->map[lo].norm);
    return src > t->source_len ? t->source_len : src;
}

size_t text_fill_lines(const char *s, size_t len, uint32_t *lines) {
    size_t n = 1;
    if (lines) lines[0] = 0;
    for (const char *p = s, *end = s + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL;) {
        p++;
        if (lines) lines[n] = (uint32_t)(p - s);
        n++;
    }
    return n;
}

int text_lines_derived(const sm_text *t) {
    if (!t->s || !t->lines || t->nlines == 0 || t->lines[0] != 0) return 0;
    size_t n = 1;
    for (const char *p = t->s, *end = t->s + t->len;
         (p = memchr(p, '\n', (size_t)(end - p))) != NULL;) {
        p++;
        if (n >= t->nlines || t->lines[n] != (uint32_t)(p - t->s)) return 0;
        n++;
    }
    return n == t->nlines;
}

size_t text_line_of(const sm_text *t, size_t norm) {
#ifdef SAMTAL_CHECKED_ACCESS
    assert(t->lines != NULL); /* a compressed text's lines come with the text */
#endif
    if (t->nlines == 0) return 1;
    /* guessed from the offset's share of the text */
    size_t guess = t->len ? (size_t)((uint64_t)norm * t->nlines / t->len) : 0;
    return search_last_le(t->lines, 0, t->nlines, (uint32_t)norm, guess) + 1;
}

/* The code points that start in s[k..end): a column is counted from its line's start, so in a
 * transcript written as one long line (a speech-to-text paragraph of 500 KB) it cost 0.2 ms a
 * token byte by byte; the continuation bytes are counted eight at a time. */
static size_t chars_between(const char *s, size_t k, size_t end) {
    size_t continuations = 0, n = end > k ? end - k : 0;
    for (; k + 8 <= end; k += 8) {
        uint64_t w;
        memcpy(&w, s + k, 8);
        /* a byte 10xxxxxx: its top bit set and the next one clear */
        continuations += (size_t)__builtin_popcountll(w & ~(w << 1) & 0x8080808080808080ULL);
    }
    for (; k < end; k++)
        continuations += (s[k] & 0xC0) == 0x80;
    return n - continuations;
}

size_t text_column_hinted(const sm_text *t, size_t norm, sm_column_hint *hint) {
    size_t start = t->lines[text_line_of(t, norm) - 1], end = norm < t->len ? norm : t->len;
    size_t from = start, column = 1;
    if (hint && hint->s == t->s && hint->line_start == start && hint->norm <= end)
        from = hint->norm, column = hint->column;
    column += chars_between(t->s, from, end);
    if (hint) *hint = (sm_column_hint){t->s, start, end, column};
    return column;
}

size_t text_column_of(const sm_text *t, size_t norm) {
    return text_column_hinted(t, norm, NULL);
}

/* pre's source offset for buffer offset `mid` (pre's points are sorted by their first field). */
static size_t pre_lookup(const sm_offmap *pre, size_t mid, size_t *at) {
    size_t lo = 0, hi = pre->n;
    while (hi - lo > 1) {
        size_t m = lo + (hi - lo) / 2;
        if (pre->v[m].norm <= mid)
            lo = m;
        else
            hi = m;
    }
    *at = lo;
    return pre->v[lo].src + (mid - pre->v[lo].norm);
}

int text_compose_map(sm_text *t, const sm_offmap *pre, size_t source_len) {
    if (!pre->n) return 0;
    sm_offmap out = {0};
    for (size_t i = 0; i < t->nmap; i++) {
        size_t n0 = t->map[i].norm, m0 = t->map[i].src;
        size_t n1 = i + 1 < t->nmap ? t->map[i + 1].norm : t->len + 1;
        size_t j;
        if (text_map_point(&out, n0, pre_lookup(pre, m0, &j))) goto oom;
        /* every point of pre inside this stretch starts a stretch of its own */
        for (j++; j < pre->n && pre->v[j].norm < m0 + (n1 - n0); j++)
            if (text_map_point(&out, n0 + (pre->v[j].norm - m0), pre->v[j].src)) goto oom;
    }
    free(t->map);
    t->map = out.v;
    t->nmap = out.n;
    t->source_len = source_len;
    return 0;
oom:
    free(out.v);
    return -1;
}

void text_free(sm_text *t) {
    if (!t) return;
    free(t->s);
    free(t->map);
    free(t->lines);
    memset(t, 0, sizeof *t);
}
