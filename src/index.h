/* index.h: the positional index: for each case-folded form, the tokens where it occurs. */
#ifndef SAMTAL_INDEX_H
#define SAMTAL_INDEX_H

#include "corpus.h"

/* Builds c->post_start and c->postings from the token stream (two passes: count, then fill,
 * so each list comes out ascending). Returns 0, or -1 if memory ran out. */
int index_build(sm_corpus *c);

/* Builds c->fold_forms_start and c->fold_forms (the forms of each fold, ascending). Returns 0,
 * or -1 if memory ran out. */
int index_build_fold_forms(sm_corpus *c);

/* A bit per token, set where a turn starts (built on first use, then kept in c->turn_starts);
 * NULL if memory ran out. */
const uint8_t *index_turn_starts(const sm_corpus *c);

/* The forms of fold id `fold`: *n form ids, ascending. */
const uint32_t *index_fold_forms(const sm_corpus *c, uint32_t fold, size_t *n);

/* The postings of fold id `fold`: *n tokens, ascending. */
const uint32_t *index_postings(const sm_corpus *c, uint32_t fold, size_t *n);

#endif
