/* index.c: building and reading the positional index (see index.h). */
#include "index.h"

#include <stdlib.h>

#include "store.h"

int index_build(sm_corpus *c) {
    size_t nf = c->folds.n, nt = c->tokens.n;
    uint32_t *start = calloc(nf + 1, sizeof *start);
    uint32_t *post = malloc((nt ? nt : 1) * sizeof *post);
    if (!start || !post) {
        free(start);
        free(post);
        return -1;
    }
    for (size_t t = 0; t < nt; t++)
        start[c->form_info.v[c->tokens.v[t].form].fold + 1]++;
    for (size_t f = 0; f < nf; f++)
        start[f + 1] += start[f];
    /* fill using start[] as cursors, then shift back */
    for (size_t t = 0; t < nt; t++)
        post[start[c->form_info.v[c->tokens.v[t].form].fold]++] = (uint32_t)t;
    for (size_t f = nf; f > 0; f--)
        start[f] = start[f - 1];
    start[0] = 0;
    free(c->post_start);
    free(c->postings);
    c->post_start = start;
    c->postings = post;
    return 0;
}

int index_build_fold_forms(sm_corpus *c) {
    size_t nf = c->folds.n, nforms = c->forms.n;
    uint32_t *start = calloc(nf + 1, sizeof *start);
    uint32_t *forms = malloc((nforms ? nforms : 1) * sizeof *forms);
    if (!start || !forms) {
        free(start);
        free(forms);
        return -1;
    }
    for (size_t f = 0; f < nforms; f++)
        start[c->form_info.v[f].fold + 1]++;
    for (size_t k = 0; k < nf; k++)
        start[k + 1] += start[k];
    for (size_t f = 0; f < nforms; f++)
        forms[start[c->form_info.v[f].fold]++] = (uint32_t)f;
    for (size_t k = nf; k > 0; k--)
        start[k] = start[k - 1];
    start[0] = 0;
    free(c->fold_forms_start);
    free(c->fold_forms);
    c->fold_forms_start = start;
    c->fold_forms = forms;
    return 0;
}

int index_turn_starts(const sm_corpus *c, const uint8_t **bits, sm_error *err) {
    if (c->turn_starts) {
        *bits = c->turn_starts;
        return 0;
    }
    /* Built on first use, not at open: it reads every turn, which a saved corpus would otherwise
     * fault in from disk before the first query. A cache, so the corpus stays logically const.
     * The turns must follow one another over the tokens, which open does not check for a mapped
     * corpus (its documents are checked one by one, as they are used): checked here. */
    uint8_t *starts = calloc(c->tokens.n / 8 + 1, 1);
    if (!starts) {
        sm_errorf(err, "out of memory");
        return -2;
    }
    uint32_t next = 0;
    for (size_t t = 0; t < c->turns.n; t++) {
        uint32_t first = c->turns.v[t].tok_first, count = c->turns.v[t].tok_count;
        if (first != next || count > c->tokens.n - first) {
            free(starts);
            if (c->store) return store_corrupt(c, err, "section turns: turn %zu out of range", t);
            return sm_errorf(err, "turn %zu out of range", t);
        }
        if (count) starts[first >> 3] |= (uint8_t)(1u << (first & 7));
        next = first + count;
    }
    if (next != c->tokens.n) {
        free(starts);
        return c->store ? store_corrupt(c, err, "the turns do not cover the tokens")
                        : sm_errorf(err, "the turns do not cover the tokens");
    }
    ((sm_corpus *)c)->turn_starts = starts;
    *bits = starts;
    return 0;
}

int index_fold_forms(const sm_corpus *c, uint32_t fold, const uint32_t **forms, size_t *n,
                     sm_error *err) {
    *n = 0;
    *forms = c->fold_forms;
    if (fold >= c->folds.n || !c->fold_forms_start) return 0;
    if (c->store && store_check_fold_forms(c, fold, err)) return -1;
    *n = c->fold_forms_start[fold + 1] - c->fold_forms_start[fold];
    *forms = c->fold_forms + c->fold_forms_start[fold];
    return 0;
}

int index_count(const sm_corpus *c, uint32_t fold, size_t *n, sm_error *err) {
    *n = 0;
    if (fold >= c->folds.n) return 0;
    if (c->store && store_check_postings(c, fold, 0, err)) return -1;
    *n = c->post_start[fold + 1] - c->post_start[fold];
    return 0;
}

int index_postings(const sm_corpus *c, uint32_t fold, const uint32_t **post, size_t *n,
                   sm_error *err) {
    *n = 0;
    *post = c->postings;
    if (fold >= c->folds.n) return 0;
    if (c->store && store_check_postings(c, fold, 1, err)) return -1;
    *n = c->post_start[fold + 1] - c->post_start[fold];
    *post = c->postings + c->post_start[fold];
    return 0;
}
