/* quotes.c: quotation marks paired in speech, sentences tuned for speech, and the check of a
 * quote against its source file. See quotes.h.
 *
 * Pairing works on a turn's segments as one text (a page break reads as a space), so that a
 * quotation cut by a page break comes out whole and none ever crosses a turn. Whether a mark
 * opens or closes follows from its neighbours, the way CommonMark decides for emphasis: a mark
 * that has no space after it and stands after a space or punctuation can open; one with no
 * space before it, followed by a space or punctuation, can close. A mark that can do both
 * closes when an opener it pairs with is pending. Marks that pair with nothing are reported
 * and skipped, so one stray mark never shifts the pairs after it. */
#include "quotes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

/* Quotation marks, by shape; the same shape may open or close depending on the convention. */
enum {
    M_NONE = 0,
    M_DQ,    /* " */
    M_SQ,    /* ' */
    M_RSQ,   /* ’ (also the typographic apostrophe) */
    M_LSQ,   /* ‘ */
    M_LOWSQ, /* ‚ */
    M_RDQ,   /* ” (Swedish ”…”, English “…”) */
    M_LDQ,   /* “ (English opening, German closing) */
    M_LOWDQ, /* „ */
    M_RAQ,   /* » (Swedish and German opening, French closing) */
    M_LAQ,   /* « */
    M_NKINDS
};

static int mark_of(int32_t cp) {
    switch (cp) {
    case 0x22:
        return M_DQ;
    case 0x27:
        return M_SQ;
    case 0x2019:
        return M_RSQ;
    case 0x2018:
        return M_LSQ;
    case 0x201A:
        return M_LOWSQ;
    case 0x201D:
        return M_RDQ;
    case 0x201C:
        return M_LDQ;
    case 0x201E:
        return M_LOWDQ;
    case 0xBB:
        return M_RAQ;
    case 0xAB:
        return M_LAQ;
    default:
        return M_NONE;
    }
}

static int is_single(int k) {
    return k == M_SQ || k == M_RSQ || k == M_LSQ || k == M_LOWSQ;
}

/* Low marks only ever open. */
static int can_close(int k) {
    return k != M_LOWDQ && k != M_LOWSQ;
}

/* Whether closing mark `closer` ends a quotation opened by `opener`: ”…”, “…”, „…”, „…“,
 * "…", »…«, «…», »…», and the single-mark versions of these. */
static int pairs(int opener, int closer) {
    switch (closer) {
    case M_RDQ:
        return opener == M_RDQ || opener == M_LDQ || opener == M_LOWDQ;
    case M_LDQ:
        return opener == M_LOWDQ || opener == M_LDQ;
    case M_DQ:
        return opener == M_DQ;
    case M_LAQ:
        return opener == M_RAQ;
    case M_RAQ:
        return opener == M_LAQ || opener == M_RAQ;
    case M_RSQ:
        return opener == M_RSQ || opener == M_LSQ || opener == M_LOWSQ || opener == M_SQ;
    case M_SQ:
        return opener == M_SQ || opener == M_LSQ || opener == M_RSQ;
    case M_LSQ:
        return opener == M_LOWSQ;
    default:
        return 0;
    }
}

/* Character classes of a mark's neighbours; the edge of a turn or segment counts as space. */
enum { C_SPACE, C_PUNCT, C_DIGIT, C_ALNUM };

static int class_of(int32_t cp) {
    if (cp < 0) return C_SPACE;
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
        return C_SPACE;
    case UTF8PROC_CATEGORY_ND:
        return C_DIGIT;
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
    case UTF8PROC_CATEGORY_SM:
    case UTF8PROC_CATEGORY_SC:
    case UTF8PROC_CATEGORY_SK:
    case UTF8PROC_CATEGORY_SO:
        return C_PUNCT;
    default:
        return C_ALNUM;
    }
}

/* The code point at s[p..end) and its length in *n; -1 at the end. */
static int32_t cp_at(const char *s, size_t p, size_t end, size_t *n) {
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t k = p < end ? utf8proc_iterate((const utf8proc_uint8_t *)s + p,
                                                    (utf8proc_ssize_t)(end - p), &cp)
                                 : -1;
    *n = k > 0 ? (size_t)k : 1;
    return k > 0 ? cp : -1;
}

/* The code point that ends right before s[p], not looking before `start`; -1 if none. */
static int32_t cp_before(const char *s, size_t start, size_t p) {
    if (p <= start) return -1;
    size_t q = p - 1;
    while (q > start && ((unsigned char)s[q] & 0xC0) == 0x80)
        q--;
    size_t n;
    return cp_at(s, q, p, &n);
}

typedef struct opener {
    int kind;
    uint32_t off, end; /* the mark's bytes */
} opener;

static int report(sm_unmatcheds *u, uint32_t turn, uint32_t off) {
    sm_unmatched m = {turn, off};
    return VEC_PUSH(*u, m);
}

static int by_open(const void *a, const void *b) {
    const sm_quotation *x = a, *y = b;
    return (x->open > y->open) - (x->open < y->open);
}

int quotes_find(const sm_corpus *c, uint32_t turn, sm_quotations *q, sm_unmatcheds *u,
                sm_error *err) {
    if (corpus_check_turn(c, turn, err) || corpus_doc_text(c, corpus_turn_doc(c, turn), err))
        return -1;
    const sm_turn *tr = &c->turns.v[turn];
    const sm_doc *d = &c->docs.v[tr->doc];
    const sm_rawturn *rt = &d->layout.turns.v[tr->index];
    const char *s = d->text.s;
    VEC(opener) stack = {0};
    size_t first = q->n;
    for (uint32_t k = 0; k < rt->seg_count; k++) {
        const sm_segment *sg = &d->layout.segs.v[rt->seg_first + k];
        size_t n;
        for (size_t p = sg->start; p < sg->end; p += n) {
            unsigned char b = (unsigned char)s[p];
            n = 1;
            if (b != '"' && b != '\'' && b != 0xC2 && b != 0xE2) continue; /* cheap filter */
            int32_t cp = cp_at(s, p, sg->end, &n);
            int kind = mark_of(cp);
            if (kind == M_NONE) continue;
            size_t nn;
            int before = class_of(cp_before(s, sg->start, p));
            int after = class_of(cp_at(s, p + n, sg->end, &nn));
            if (is_single(kind)) {
                /* an apostrophe: it's, SKR's, '90-talet */
                if (before >= C_DIGIT && after >= C_DIGIT) continue;
                if (after == C_DIGIT && before < C_DIGIT) continue;
            }
            int left = after != C_SPACE && (after != C_PUNCT || before <= C_PUNCT);
            int right = before != C_SPACE && (before != C_PUNCT || after <= C_PUNCT);
            size_t match = stack.n; /* the pending opener this mark would close */
            if (right && can_close(kind))
                for (size_t i = stack.n; i-- > 0;)
                    if (pairs(stack.v[i].kind, kind)) {
                        match = i;
                        break;
                    }
            if (match < stack.n) {
                /* openers left inside the pair never closed: unmatched, or apostrophes */
                for (size_t i = match + 1; i < stack.n; i++)
                    if (!is_single(stack.v[i].kind) && report(u, turn, stack.v[i].off)) goto oom;
                const opener *o = &stack.v[match];
                int blank = 1;
                for (size_t i = o->end; i < p && blank; i++)
                    blank = s[i] == ' ' || s[i] == '\n' || s[i] == '\t';
                if (!blank) {
                    sm_quotation qq = {{turn, turn, o->end, (uint32_t)p}, o->off, (uint32_t)p, 0};
                    if (VEC_PUSH(*q, qq)) goto oom;
                }
                stack.n = match;
            } else if (left || (!can_close(kind) && after != C_SPACE)) {
                opener o = {kind, (uint32_t)p, (uint32_t)(p + n)};
                if (VEC_PUSH(stack, o)) goto oom;
            } else if (!is_single(kind)) {
                if (report(u, turn, (uint32_t)p)) goto oom; /* a closer without opener, or astray */
            }
        }
    }
    for (size_t i = 0; i < stack.n; i++)
        if (!is_single(stack.v[i].kind) && report(u, turn, stack.v[i].off)) goto oom;
    free(stack.v);
    /* In order of their opening marks; the depth is the number of quotations around each. */
    if (q->n > first) qsort(q->v + first, q->n - first, sizeof *q->v, by_open);
    VEC(uint32_t) around = {0};
    for (size_t i = first; i < q->n; i++) {
        while (around.n && around.v[around.n - 1] < q->v[i].open)
            around.n--;
        q->v[i].depth = (uint32_t)around.n;
        if (VEC_PUSH(around, q->v[i].close)) {
            VEC_FREE(around);
            return sm_errorf(err, "out of memory");
        }
    }
    VEC_FREE(around);
    return 0;
oom:
    free(stack.v);
    return sm_errorf(err, "out of memory");
}

static uint32_t tok_end(const sm_corpus *c, uint32_t t) {
    return corpus_token_off(c, t) + corpus_token_len(c, t);
}

/* Whether the token starts with a lower-case letter. */
static int starts_lower(const sm_corpus *c, uint32_t tok) {
    const sm_doc *d = &c->docs.v[corpus_token_doc(c, tok)];
    size_t n, off = corpus_token_off(c, tok);
    int32_t cp = cp_at(d->text.s, off, d->text.len, &n);
    return cp >= 0 && utf8proc_category(cp) == UTF8PROC_CATEGORY_LL;
}

/* Whether the token ends in a pause: "..." or "…". */
static int ends_in_pause(const sm_corpus *c, uint32_t tok) {
    const sm_doc *d = &c->docs.v[corpus_token_doc(c, tok)];
    uint32_t e = tok_end(c, tok);
    if (e < 3 || e > d->text.len) return 0; /* a token ends inside its text, if the file is sound */
    const char *t = d->text.s + e - 3;
    return memcmp(t, "...", 3) == 0 || memcmp(t, "\xE2\x80\xA6", 3) == 0;
}

static void span_close(const sm_corpus *c, sm_span *sp) {
    sp->at.turn_first = corpus_token_turn(c, sp->tok_first);
    sp->at.turn_last = corpus_token_turn(c, sp->tok_last);
    sp->at.from = corpus_token_off(c, sp->tok_first);
    sp->at.to = tok_end(c, sp->tok_last);
    sp->words = 0;
    for (uint32_t t = sp->tok_first; t <= sp->tok_last; t++) {
        uint8_t kind = c->form_info.v[corpus_token_form(c, t)].kind;
        sp->words += kind == KIND_WORD || kind == KIND_NUMBER;
    }
}

int quotes_sentences(const sm_corpus *c, uint32_t doc, uint32_t speaker, sm_spans *out,
                     sm_error *err) {
    if (corpus_check_doc_text(c, doc, err)) return -1;
    const sm_doc *d = &c->docs.v[doc];
    int open = 0; /* a span is being built */
    sm_span cur = {{0, 0, 0, 0}, 0, 0, 0};
    for (uint32_t t = d->turn_first; t < d->turn_first + d->turn_count; t++) {
        const sm_turn *tr = &c->turns.v[t];
        if (tr->tok_count == 0) continue;
        uint32_t a = tr->tok_first, z = tr->tok_first + tr->tok_count - 1;
        /* A turn that speech-to-text split off: same speaker as the turn right before it,
         * starting in lower case, continues that turn's last sentence. */
        int carry = open && t > d->turn_first && tr->speaker != SM_NONE &&
                    corpus_speaker_of(c, t - 1) == corpus_speaker_of(c, t) &&
                    c->turns.v[t - 1].tok_count && starts_lower(c, a);
        uint32_t s0 = corpus_token_sentence(c, a), s1 = corpus_token_sentence(c, z);
        for (uint32_t s = s0; s <= s1; s++) {
            uint32_t lo, hi;
            corpus_sentence_span(c, doc, s, &lo, &hi); /* hi: the token after it */
            if (lo < a) lo = a;
            hi = hi - 1 > z ? z : hi - 1;
            if (lo > hi) continue;
            int join =
                open && (s == s0 ? carry : ends_in_pause(c, cur.tok_last) && starts_lower(c, lo));
            if (join) {
                cur.tok_last = hi;
                continue;
            }
            if (open) {
                span_close(c, &cur);
                if ((speaker == SM_NONE || corpus_speaker_of(c, cur.at.turn_first) == speaker) &&
                    VEC_PUSH(*out, cur))
                    return sm_errorf(err, "out of memory");
            }
            cur.tok_first = lo;
            cur.tok_last = hi;
            open = 1;
        }
    }
    if (open) {
        span_close(c, &cur);
        if ((speaker == SM_NONE || corpus_speaker_of(c, cur.at.turn_first) == speaker) &&
            VEC_PUSH(*out, cur))
            return sm_errorf(err, "out of memory");
    }
    return 0;
}

int quotes_tokens(const sm_corpus *c, const sm_stretch *s, uint32_t *first, uint32_t *last) {
    const sm_turn *a = &c->turns.v[s->turn_first], *z = &c->turns.v[s->turn_last];
    CORPUS_EXPECT_CHECKED(c, a->doc);
    CORPUS_EXPECT_CHECKED(c, z->doc);
    uint32_t lo = a->tok_first, hi = a->tok_first + a->tok_count; /* first token at >= from */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (corpus_token_off(c, mid) < s->from)
            lo = mid + 1;
        else
            hi = mid;
    }
    *first = lo;
    lo = z->tok_first, hi = z->tok_first + z->tok_count; /* first token ending after to */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (tok_end(c, mid) <= s->to)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || *first >= lo) return 0;
    *last = lo - 1;
    return 1;
}

/* The part of stretch s that lies in turn t. */
static void part_of(const sm_corpus *c, const sm_stretch *s, uint32_t t, uint32_t *a, uint32_t *z) {
    corpus_turn_bounds(c, t, a, z);
    if (t == s->turn_first) *a = s->from;
    if (t == s->turn_last) *z = s->to;
}

int quotes_text(const sm_corpus *c, const sm_stretch *s, sm_buf *b) {
    if (buf_append(b, "", 0)) return -1;
    for (uint32_t t = s->turn_first; t <= s->turn_last; t++) {
        uint32_t a, z;
        part_of(c, s, t, &a, &z);
        if (t > s->turn_first && buf_putc(b, ' ')) return -1;
        if (corpus_turn_text(c, t, a, z, b)) return -1;
    }
    return 0;
}

void quotes_source_range(const sm_corpus *c, const sm_stretch *s, uint64_t *offset,
                         uint64_t *length) {
    CORPUS_EXPECT_CHECKED(c, c->turns.v[s->turn_first].doc);
    const sm_text *text = &c->docs.v[c->turns.v[s->turn_first].doc].text;
    size_t a = text_source_offset(text, s->from), z = text_source_offset(text, s->to);
    *offset = a;
    *length = z > a ? z - a : 0;
}

uint32_t quotes_page_of(const sm_corpus *c, uint32_t doc, uint32_t off) {
    const sm_layout *lay = &c->docs.v[doc].layout;
    size_t lo = 0, hi = lay->pages.n; /* pages starting at or before off */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (lay->pages.v[mid] <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? (uint32_t)lo : 1;
}

/* Checks one piece [a, z) of the document's text (inside one segment) against the file. */
static int verify_piece(const sm_corpus *c, const sm_doc *d, FILE *f, uint32_t a, uint32_t z,
                        sm_error *err) {
    size_t sa = text_source_offset(&d->text, a), sz = text_source_offset(&d->text, z);
    size_t line = text_line_of(&d->text, a), col = text_column_of(&d->text, a);
    unsigned char *buf = malloc(sz - sa + 1);
    if (!buf) return sm_errorf(err, "out of memory");
    size_t got = 0;
    if (fseek(f, (long)sa, SEEK_SET) == 0) got = fread(buf, 1, sz - sa, f);
    int same = 0;
    if (got == sz - sa) {
        sm_text t2;
        sm_error e2;
        if (got == 0)
            same = z == a;
        else if (text_decode(d->path, buf, got, c->opts.invalid, &t2, &e2) == 0) {
            same = t2.len == z - a && memcmp(t2.s, d->text.s + a, z - a) == 0;
            text_free(&t2);
        }
    }
    free(buf);
    if (!same) {
        sm_errorf(err, "%s:%zu:%zu: the quoted text has changed in the source (bytes %zu..%zu)",
                  d->path, line, col, sa, sz);
        return 0;
    }
    return 1;
}

int quotes_verify(const sm_corpus *c, const sm_stretch *s, sm_error *err) {
    if (corpus_check_turn(c, s->turn_first, err) || corpus_check_turn(c, s->turn_last, err) ||
        corpus_doc_text(c, corpus_turn_doc(c, s->turn_first), err))
        return -1;
    const sm_doc *d = &c->docs.v[c->turns.v[s->turn_first].doc];
    /* a pipe was read once, whole, and gives nothing again (a named one would wait for a writer) */
    struct stat st;
    if (stat(d->path, &st) == 0 && !S_ISREG(st.st_mode)) {
        sm_errorf(err, "cannot check against %s: not a regular file (a pipe is read once)",
                  d->path);
        return 0;
    }
    FILE *f = fopen(d->path, "rb");
    if (!f) {
        sm_errorf(err, "cannot read %s: %s", d->path, strerror(errno));
        return 0;
    }
    int rc = 1;
    for (uint32_t t = s->turn_first; t <= s->turn_last && rc == 1; t++) {
        uint32_t a, z;
        part_of(c, s, t, &a, &z);
        const sm_rawturn *rt = &d->layout.turns.v[c->turns.v[t].index];
        for (uint32_t k = 0; k < rt->seg_count && rc == 1; k++) {
            const sm_segment *sg = &d->layout.segs.v[rt->seg_first + k];
            uint32_t lo = sg->start > a ? sg->start : a, hi = sg->end < z ? sg->end : z;
            if (lo < hi) rc = verify_piece(c, d, f, lo, hi, err);
        }
    }
    fclose(f);
    return rc;
}
