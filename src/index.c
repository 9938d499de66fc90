/* index.c: building and reading the positional index (see index.h). */
#include "index.h"

#include <stdlib.h>

#include "parallel.h"
#include "store.h"

/* index_build counts and places the tokens of each part on its own thread: part p's tokens go
 * after those of the parts before it within each fold, so the postings are the serial ones. */
typedef struct build_job {
    const sm_corpus *c;
    unsigned nparts;
    size_t nf;
    uint32_t *at;   /* by part: nf + 1 counts, then the cursors where its tokens go */
    uint32_t *post; /* NULL while counting */
} build_job;

static void build_part(void *arg, unsigned part) {
    build_job *j = arg;
    const sm_token *tok = j->c->tokens.v;
    const sm_form *info = j->c->form_info.v;
    size_t nt = j->c->tokens.n;
    size_t from = nt * part / j->nparts, to = nt * (part + 1) / j->nparts;
    uint32_t *at = j->at + (size_t)part * (j->nf + 1);
    if (!j->post) {
        for (size_t t = from; t < to; t++)
            at[info[tok[t].form].fold]++;
        return;
    }
    for (size_t t = from; t < to; t++)
        j->post[at[info[tok[t].form].fold]++] = (uint32_t)t;
}

enum { BUILD_PART_TOKENS = 1 << 20 }; /* fewer tokens a part: threads cost more than they save */

int index_build(sm_corpus *c) {
    size_t nf = c->folds.n, nt = c->tokens.n;
    unsigned nparts = parallel_threads();
    if (nparts > nt / BUILD_PART_TOKENS) nparts = (unsigned)(nt / BUILD_PART_TOKENS);
    if (nparts < 1) nparts = 1;
    uint32_t *start = calloc(nf + 1, sizeof *start);
    uint32_t *post = vec_alloc_big((nt ? nt : 1) * sizeof *post); /* 2 MiB pages: fewer faults */
    uint32_t *at = calloc((size_t)nparts * (nf + 1), sizeof *at);
    if (!start || !post || !at) {
        free(start);
        free(post);
        free(at);
        return -1;
    }
    build_job j = {c, nparts, nf, at, NULL};
    parallel_run(nparts, build_part, &j);
    uint32_t sum = 0; /* the counts become cursors: fold by fold, part by part */
    for (size_t f = 0; f < nf; f++) {
        start[f] = sum;
        for (unsigned p = 0; p < nparts; p++) {
            uint32_t n = at[(size_t)p * (nf + 1) + f];
            at[(size_t)p * (nf + 1) + f] = sum;
            sum += n;
        }
    }
    start[nf] = sum;
    j.post = post;
    parallel_run(nparts, build_part, &j);
    free(at);
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
