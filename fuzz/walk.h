/* walk.h: what the fuzz targets do with a corpus once they hold one (loaded or mapped).
 *
 * A loaded document and a mapped saved file must both be safe to read in every way the Lua
 * binding reads them, so fuzz_walk() follows the same paths the binding and the statistics take:
 * each document's title, preamble, participants, events and pages; each turn's bounds, text,
 * source offset, line and column and its quotations; each token's turn, sentence, form, fold and
 * context; the postings and forms of each fold; a phrase, a wildcard and a regular expression
 * against the lexicon and the patterns they make; the speech-tuned sentences and the
 * fingerprint. A corpus mapped from a saved file is checked a document at a time on first use
 * (corpus.h), so this walk, like the binding, checks each document (corpus_check_doc) before it
 * reads its turns, tokens or layout, asks for its text (corpus_doc_text: a saved corpus keeps it
 * compressed) before it reads that, and checks the whole corpus with its texts
 * (corpus_check_texts) before the fingerprint; a document that fails is skipped, the rest still
 * read. Nothing here checks
 * results: a crash or a sanitizer report is the finding. The work is bounded so that one input
 * stays fast. With SAMTAL_FUZZ_NO_WALK set in the environment it does nothing: `make fuzz`
 * minimises the corpus kept in spec/fuzz/ that way, on what loading (or opening) covers, which
 * is what spec/fuzz_corpus_spec.lua replays. */
#ifndef SAMTAL_FUZZ_WALK_H
#define SAMTAL_FUZZ_WALK_H

#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "fingerprint.h"
#include "index.h"
#include "lexmatch.h"
#include "pattern.h"
#include "query.h"
#include "quotes.h"
#include "stats.h"

/* Keeps the compiler from dropping reads whose result nothing uses. */
static volatile size_t fuzz_sink;

static void fuzz_touch(const char *s, size_t n) {
    size_t h = 0;
    for (size_t i = 0; i < n; i++)
        h += (unsigned char)s[i];
    fuzz_sink += h;
}

static void fuzz_touch_str(const char *s) {
    fuzz_touch(s, strlen(s));
}

/* Runs a one-state pattern (the token's forms in `set`) and a two-state one (set, then any). */
static void fuzz_walk_patterns(const sm_corpus *c, const sm_set *set) {
    for (int two = 0; two < 2; two++) {
        sm_pattern p;
        pattern_init(&p);
        sm_set copy;
        if (set_init(&copy, set->n)) return;
        memcpy(copy.bits, set->bits, set->n / 8 + 1);
        sm_pred any = {PRED_TRUE, -1, -1, -1}, forms = {PRED_FORMS, 0, -1, -1};
        sm_state first = {STATE_TOKEN, 0, 1, -1}, second = {STATE_TOKEN, 1, 2, -1},
                 match = {STATE_MATCH, -1, -1, -1};
        sm_anchor anchor = {0, 0};
        if (VEC_PUSH(p.sets, copy)) {
            set_free(&copy);
            return;
        }
        int bad = VEC_PUSH(p.preds, forms) || VEC_PUSH(p.preds, any) || VEC_PUSH(p.anchors, anchor);
        if (two) {
            bad = bad || VEC_PUSH(p.states, first) || VEC_PUSH(p.states, second) ||
                  VEC_PUSH(p.states, match);
        } else {
            first.out = 1;
            bad = bad || VEC_PUSH(p.states, first) || VEC_PUSH(p.states, match);
        }
        p.anchor = 0;
        if (!bad) {
            uint32_t *starts = NULL, *lens = NULL;
            size_t n = 0;
            sm_error err;
            pattern_find(c, &p, 0, &starts, &lens, &n, &err);
            for (size_t i = 0; i < n; i++) {
                uint32_t first_tok, last_tok;
                if (corpus_check_token(c, starts[i], &err) == 0)
                    kwic_context(c, starts[i], lens[i], 5, 5, (int)(i & 1), &first_tok, &last_tok);
            }
            free(starts);
            free(lens);
        }
        pattern_free(&p);
    }
}

static void fuzz_walk_lexmatch(const sm_corpus *c, int attr, int how, const char *value,
                               int flags) {
    sm_set set = {NULL, 0};
    sm_error err;
    if (lexmatch_forms(c, attr, how, value, strlen(value), flags, &set, &err) == 0)
        fuzz_walk_patterns(c, &set);
    set_free(&set);
}

static void fuzz_walk(const sm_corpus *c) {
    static int skip =
        -1; /* SAMTAL_FUZZ_NO_WALK set: loading only (see the merge in the Makefile) */
    if (skip < 0) skip = getenv("SAMTAL_FUZZ_NO_WALK") != NULL;
    if (skip) return;
    const size_t max_tokens = 20000;
    sm_buf b = {NULL, 0, 0};
    sm_error err;
    if (corpus_check_texts(c, &err) == 0) fuzz_sink += fingerprint_corpus(c);
    for (uint32_t i = 0; i < c->docs.n; i++) {
        const sm_doc *d = &c->docs.v[i];
        const sm_layout *lay = &d->layout;
        fuzz_touch_str(d->name);
        fuzz_touch_str(d->path);
        /* a compressed text is asked for before it is read, as the binding does */
        if (corpus_doc_text(c, i, &err)) continue;
        if (lay->title_end > lay->title_start)
            fuzz_touch(d->text.s + lay->title_start, lay->title_end - lay->title_start);
        if (lay->preamble_end > lay->preamble_start)
            fuzz_touch(d->text.s + lay->preamble_start, lay->preamble_end - lay->preamble_start);
        for (size_t k = 0; k < lay->participants.n; k++) {
            const sm_participant *p = &lay->participants.v[k];
            if (p->kind != LAYOUT_NONE) fuzz_touch_str(lay->names.s + p->kind);
            if (p->name != LAYOUT_NONE) fuzz_touch_str(lay->names.s + p->name);
            if (p->role != LAYOUT_NONE) fuzz_touch_str(lay->names.s + p->role);
        }
        for (uint32_t k = 0; k < d->event_count; k++) {
            const sm_event *ev = &c->events.v[d->event_first + k];
            fuzz_touch(d->text.s + ev->start, ev->end - ev->start);
            uint32_t na = ev->start + 1, nz = ev->end - 1; /* as the binding trims the name */
            while (na < nz && strchr("*_\\", d->text.s[na]))
                na++;
            while (nz > na && strchr("*_\\", d->text.s[nz - 1]))
                nz--;
            fuzz_touch(d->text.s + na, nz - na);
            if (ev->turn != SM_NONE) fuzz_sink += c->turns.v[ev->turn].index;
            fuzz_sink += text_source_offset(&d->text, ev->start) +
                         text_line_of(&d->text, ev->start) + ev->token;
        }
        if (corpus_check_doc(c, i, &err)) continue; /* its turns, tokens and layout are unsound */
        for (uint32_t k = 0; k < d->turn_count; k++) {
            uint32_t t = d->turn_first + k, from, to;
            const sm_turn *tr = &c->turns.v[t];
            const sm_rawturn *rt = &lay->turns.v[tr->index];
            corpus_turn_bounds(c, t, &from, &to);
            b.n = 0;
            corpus_turn_text(c, t, from, to, &b);
            fuzz_touch(b.s, b.n);
            fuzz_sink += text_source_offset(&d->text, from) + text_source_offset(&d->text, to) +
                         text_line_of(&d->text, from) + text_column_of(&d->text, from) +
                         text_line_of(&d->text, rt->label) + quotes_page_of(c, i, from);
            if (tr->speaker != SM_NONE) fuzz_touch_str(lex_str(&c->speaker_names, tr->speaker, 0));
            sm_quotations q = {NULL, 0, 0};
            sm_unmatcheds u = {NULL, 0, 0};
            if (quotes_find(c, t, &q, &u, &err) == 0)
                for (size_t j = 0; j < q.n; j++) {
                    uint32_t first, last;
                    uint64_t off, len;
                    b.n = 0;
                    quotes_text(c, &q.v[j].at, &b);
                    fuzz_touch(b.s, b.n);
                    quotes_tokens(c, &q.v[j].at, &first, &last);
                    quotes_source_range(c, &q.v[j].at, &off, &len);
                }
            VEC_FREE(q);
            VEC_FREE(u);
        }
        sm_spans spans = {NULL, 0, 0};
        if (quotes_sentences(c, i, SM_NONE, &spans, &err) == 0)
            for (size_t j = 0; j < spans.n && j < 200; j++) {
                uint64_t off, len;
                b.n = 0;
                quotes_text(c, &spans.v[j].at, &b);
                fuzz_touch(b.s, b.n);
                quotes_source_range(c, &spans.v[j].at, &off, &len);
            }
        VEC_FREE(spans);
        for (uint32_t t = d->tok_first; t < d->tok_first + d->tok_count && t < max_tokens; t++) {
            uint32_t form = corpus_token_form(c, t), first, last;
            fuzz_sink +=
                corpus_token_turn(c, t) + corpus_token_sentence(c, t) + corpus_token_len(c, t);
            fuzz_touch_str(lex_str(&c->forms, form, NULL));
            fuzz_touch_str(lex_str(&c->folds, c->form_info.v[form].fold, NULL));
            if (t % 7 == 0) kwic_context(c, t, 1, 8, 8, t & 1, &first, &last);
        }
    }
    for (size_t s = 0; s < c->speakers.n; s++) { /* as speaker_list walks the documents */
        const sm_speaker *sp = &c->speakers.v[s];
        if (sp->turns == 0) continue;
        for (size_t d = sp->first_doc; d < c->docs.n; d++) {
            const sm_doc *doc = &c->docs.v[d];
            for (uint32_t t = doc->turn_first; t < doc->turn_first + doc->turn_count; t++) {
                uint32_t who;
                if (corpus_turn_speaker(c, t, &who, &err) == 0) fuzz_sink += who == s;
            }
        }
    }
    const uint8_t *bits;
    index_turn_starts(c, &bits, &err);
    for (uint32_t f = 0; f < c->folds.n && f < max_tokens; f++) {
        size_t n;
        const uint32_t *v;
        uint32_t *post = NULL;
        if (index_postings(c, f, &post, &n, &err) == 0) fuzz_sink += n ? post[n - 1] : 0;
        free(post);
        if (index_fold_forms(c, f, &v, &n, &err) == 0) fuzz_sink += n ? v[n - 1] : 0;
    }
    if (c->tokens.n && corpus_check_token(c, 0, &err) == 0 &&
        corpus_check_token(c, c->tokens.n > 1 ? 1 : 0, &err) == 0) { /* the first two words */
        uint32_t t = c->tokens.n > 1 ? 1 : 0;
        b.n = 0;
        buf_append(&b, lex_str(&c->forms, corpus_token_form(c, 0), NULL), corpus_token_len(c, 0));
        buf_append(&b, " ", 1);
        buf_append(&b, lex_str(&c->forms, corpus_token_form(c, t), NULL), corpus_token_len(c, t));
        for (int exact = 0; exact < 2; exact++) {
            sm_phrase ph;
            if (phrase_compile(c, b.s, b.n, exact, &ph, &err) == 0) {
                uint32_t *starts = NULL;
                size_t n = 0;
                phrase_find(c, &ph, &starts, &n, &err);
                free(starts);
                phrase_free(&ph);
            }
        }
    }
    fuzz_walk_lexmatch(c, ATTR_LOWER, LM_WILDCARD, "*e*", LM_CASELESS);
    fuzz_walk_lexmatch(c, ATTR_WORD, LM_REGEX, "[[:upper:]].*|\\d+", 0);
    buf_free(&b);
}

#endif
