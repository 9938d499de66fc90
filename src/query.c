/* query.c: compiling and running word and phrase queries (see query.h). */
#include "query.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "index.h"
#include "segment.h"

typedef VEC(uint32_t) u32_vec;

int phrase_compile(const sm_corpus *c, const char *q, size_t len, int exact, sm_phrase *out,
                   sm_error *err) {
    memset(out, 0, sizeof *out);
    out->exact = exact;
    for (size_t p = 0; p < len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)q + p, (utf8proc_ssize_t)(len - p), &cp);
        if (n < 0)
            return sm_errorf(err, "query \"%.*s\": invalid UTF-8 at byte %zu", (int)len, q, p + 1);
        p += (size_t)n;
    }
    /* The query is normalised as the corpus was (NFC, and folded unless exact). */
    utf8proc_uint8_t *norm = NULL;
    utf8proc_option_t flags = UTF8PROC_STABLE | UTF8PROC_COMPOSE | (exact ? 0 : UTF8PROC_CASEFOLD);
    utf8proc_ssize_t nlen =
        utf8proc_map((const utf8proc_uint8_t *)q, (utf8proc_ssize_t)len, &norm, flags);
    if (nlen < 0) return sm_errorf(err, "query \"%.*s\": %s", (int)len, q, utf8proc_errmsg(nlen));
    const char *s = (const char *)norm;
    u32_vec terms = {0};
    for (size_t pos = 0; pos < (size_t)nlen;) {
        size_t end = seg_next_word(s, (size_t)nlen, pos, c->opts.seg_flags);
        int blank = 1;
        for (size_t k = pos; k < end; k++)
            if (!(s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r')) blank = 0;
        if (!blank) {
            const sm_lexicon *lx = exact ? &c->forms : &c->folds;
            if (VEC_PUSH(terms, lex_find(lx, s + pos, end - pos))) {
                free(norm);
                VEC_FREE(terms);
                return sm_errorf(err, "out of memory");
            }
        }
        pos = end;
    }
    free(norm);
    if (terms.n == 0)
        return sm_errorf(err, "query \"%.*s\": empty query, no word to look for", (int)len, q);
    out->terms = terms.v;
    out->n = terms.n;
    return 0;
}

void phrase_free(sm_phrase *p) {
    free(p->terms);
    p->terms = NULL;
    p->n = 0;
}

static uint32_t term_fold(const sm_corpus *c, const sm_phrase *p, size_t k) {
    return p->exact ? c->form_info.v[p->terms[k]].fold : p->terms[k];
}

static int term_matches(const sm_corpus *c, const sm_phrase *p, size_t k, uint32_t tok) {
    uint32_t form = corpus_token_form(c, tok);
    return p->exact ? form == p->terms[k] : c->form_info.v[form].fold == p->terms[k];
}

int phrase_find(const sm_corpus *c, const sm_phrase *p, uint32_t **starts, size_t *n,
                sm_error *err) {
    *starts = NULL;
    *n = 0;
    for (size_t k = 0; k < p->n; k++)
        if (p->terms[k] == LEX_NONE) return 0;
    size_t anchor = 0, best = SIZE_MAX;
    for (size_t k = 0; k < p->n; k++) {
        size_t cnt;
        if (index_count(c, term_fold(c, p, k), &cnt, err)) return -1;
        if (cnt < best) best = cnt, anchor = k;
    }
    size_t cnt;
    uint32_t *post;
    if (index_postings(c, term_fold(c, p, anchor), &post, &cnt, err)) return -1;
    u32_vec out = {0};
    uint32_t doc_end = 0; /* the checked document that holds the candidates so far ends here */
    int rc = 0;
    for (size_t i = 0; i < cnt && rc == 0; i++) {
        if (post[i] < anchor) continue;
        uint32_t s = post[i] - (uint32_t)anchor;
        if ((size_t)s + p->n > c->tokens.n) break;
        if (s >= doc_end) { /* candidates ascend: a new document, checked first */
            uint32_t d = corpus_token_doc(c, s);
            rc = corpus_check_doc(c, d, err);
            doc_end = c->docs.v[d].tok_first + c->docs.v[d].tok_count;
        }
        if (rc || (size_t)s + p->n > doc_end) continue; /* or runs into the next document */
        size_t k = 0;
        while (k < p->n && term_matches(c, p, k, s + (uint32_t)k))
            k++;
        if (k < p->n) continue;
        const sm_turn *tr = &c->turns.v[corpus_token_turn(c, s)];
        if ((size_t)s + p->n > (size_t)tr->tok_first + tr->tok_count) continue; /* crosses a turn */
        if (VEC_PUSH(out, s)) rc = sm_errorf(err, "out of memory");
    }
    free(post);
    if (rc) {
        VEC_FREE(out);
        return -1;
    }
    *starts = out.v;
    *n = out.n;
    return 0;
}

void kwic_context(const sm_corpus *c, uint32_t start, uint32_t n, uint32_t left, uint32_t right,
                  int sentence, uint32_t *first, uint32_t *last) {
    kwic_context_in(c, corpus_token_turn(c, start), start, n, left, right, sentence, first, last);
}

void kwic_context_in(const sm_corpus *c, uint32_t turn, uint32_t start, uint32_t n, uint32_t left,
                     uint32_t right, int sentence, uint32_t *first, uint32_t *last) {
    const sm_turn *tr = &c->turns.v[turn];
    uint32_t lo = tr->tok_first, hi = tr->tok_first + tr->tok_count - 1;
    if (sentence) { /* the sentences of the match's first and last token, inside the turn */
        uint32_t e = start + n - 1 > hi ? hi : start + n - 1, from, to, end;
        corpus_sentence_span(c, tr->doc, corpus_token_sentence(c, start), &from, &end);
        corpus_sentence_span(c, tr->doc, corpus_token_sentence(c, e), &end, &to);
        if (from > lo) lo = from;
        if (to - 1 < hi) hi = to - 1;
    }
    uint32_t a = start, words = 0;
    while (a > lo && words < left) {
        a--;
        if (c->form_info.v[corpus_token_form(c, a)].kind <= KIND_NUMBER) words++;
    }
    uint32_t z = start + n - 1;
    words = 0;
    while (z < hi && words < right) {
        z++;
        if (c->form_info.v[corpus_token_form(c, z)].kind <= KIND_NUMBER) words++;
    }
    /* punctuation right after the last context word belongs to the reading */
    while (z < hi && c->form_info.v[corpus_token_form(c, z + 1)].kind == KIND_PUNCT &&
           corpus_token_off(c, z + 1) == corpus_token_off(c, z) + corpus_token_len(c, z))
        z++;
    *first = a;
    *last = z;
}
