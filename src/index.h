/* index.h: the positional index: for each case-folded form, the tokens where it occurs.
 *
 * A corpus mapped from a saved file checks the index a fold at a time, the first time it is
 * used (store.c): so each accessor can fail, with err naming the file and the section. */
#ifndef SAMTAL_INDEX_H
#define SAMTAL_INDEX_H

#include "corpus.h"

/* Builds the index from the token stream: c->post_start (how many postings the folds before
 * each have), c->fold_docs (how many documents each occurs in), c->post_at (where each fold's
 * list starts in c->post_bytes) and c->post_bytes
 * (each fold's token ids, ascending, as the gaps between them: the first id, then each id less
 * the one before it, every number a variable-length integer of 7 bits a byte, low bits first,
 * the top bit set on every byte but its last). Two passes: the sizes, then the bytes. Returns
 * 0, -1 if memory ran out, or -2 if one fold's list would reach 4 GiB (only a corpus of over
 * 4.2 billion tokens of one word could). */
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

/* The postings of fold id `fold` decoded into dst, which has room for as many as index_count
 * says: *n token ids, ascending. Every list is checked as it is decoded (each number whole and
 * in range, the ids ascending, as many as the counts say), so a damaged saved file is an error
 * naming the section, never a read astray. Returns 0, or -1 with err. */
int index_decode(const sm_corpus *c, uint32_t fold, uint32_t *dst, size_t *n, sm_error *err);

/* How many documents fold id `fold` occurs in (0 for a fold out of range), counted when the index
 * was built. Returns 0, or -1 with err if the saved file is corrupt there (more documents than
 * postings or than the corpus has, or none for a fold that occurs). */
int index_fold_docs(const sm_corpus *c, uint32_t fold, uint32_t *docs, sm_error *err);

/* The postings of fold id `fold`, decoded into a new array *post that the caller frees (NULL
 * when there are none): *n token ids, ascending. Returns 0, or -1 with err (a corrupt saved
 * file, or out of memory). */
int index_postings(const sm_corpus *c, uint32_t fold, uint32_t **post, size_t *n, sm_error *err);

#endif
