/* index.h: the positional index: for each case-folded form, the tokens where it occurs.
 *
 * A corpus mapped from a saved file checks the index a fold at a time, the first time it is
 * used (store.c): so each accessor can fail, with err naming the file and the section. */
#ifndef SAMTAL_INDEX_H
#define SAMTAL_INDEX_H

#include "corpus.h"

/* Builds c->post_start and c->postings from the token stream (two passes: count, then fill,
 * so each list comes out ascending). Returns 0, or -1 if memory ran out. */
int index_build(sm_corpus *c);

/* Builds c->fold_forms_start and c->fold_forms (the forms of each fold, ascending). Returns 0,
 * or -1 if memory ran out. */
int index_build_fold_forms(sm_corpus *c);

/* A bit per token, set where a turn starts (built on first use, then kept in c->turn_starts):
 * *bits. Building it reads every turn; a mapped corpus checks on the way that the turns cover
 * the tokens in order. Returns 0, -1 with err if they do not, or -2 if memory ran out. */
int index_turn_starts(const sm_corpus *c, const uint8_t **bits, sm_error *err);

/* The forms of fold id `fold`: *n form ids, ascending (none for a fold out of range). Returns 0,
 * or -1 with err if the saved file is corrupt there. */
int index_fold_forms(const sm_corpus *c, uint32_t fold, const uint32_t **forms, size_t *n,
                     sm_error *err);

/* How many tokens fold id `fold` has (0 for a fold out of range). Reads no postings. Returns 0,
 * or -1 with err if the saved file is corrupt there. */
int index_count(const sm_corpus *c, uint32_t fold, size_t *n, sm_error *err);

/* The postings of fold id `fold`: *n tokens, ascending. Returns 0, or -1 with err if the saved
 * file is corrupt there. */
int index_postings(const sm_corpus *c, uint32_t fold, const uint32_t **post, size_t *n,
                   sm_error *err);

#endif
