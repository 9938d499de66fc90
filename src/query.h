/* query.h: word and phrase queries against the index.
 *
 * A phrase is matched through the index: the postings of its rarest word are the candidates,
 * and each is checked against the token stream at its few neighbouring positions. No query
 * scans every token. A phrase never crosses a turn. */
#ifndef SAMTAL_QUERY_H
#define SAMTAL_QUERY_H

#include "corpus.h"

typedef struct sm_phrase {
    uint32_t
        *terms; /* fold ids, or exact form ids when exact; LEX_NONE for a word not in the corpus */
    size_t n;
    int exact;
} sm_phrase;

/* Splits query q[0..len) into words with the corpus's own tokeniser (white space dropped) and
 * looks each up, case-folded unless `exact`. An empty query or invalid UTF-8 is an error that
 * quotes the query. */
int phrase_compile(const sm_corpus *c, const char *q, size_t len, int exact, sm_phrase *out,
                   sm_error *err);

/* All matches, as the token id where each starts, ascending, in a malloc'd array (*starts, may be
 * NULL when *n is 0). Returns 0, or -1 with err (out of memory, or a corrupt saved file). */
int phrase_find(const sm_corpus *c, const sm_phrase *p, uint32_t **starts, size_t *n,
                sm_error *err);

void phrase_free(sm_phrase *p);

/* The context of a match of n tokens at `start`: up to `left` words (word or number tokens)
 * before it and `right` words after it, never leaving its turn, nor its sentence(s) when
 * `sentence` is set. Fills the first and last token ids of the context. The document of `start`
 * must be checked (corpus_check_doc). */
void kwic_context(const sm_corpus *c, uint32_t start, uint32_t n, uint32_t left, uint32_t right,
                  int sentence, uint32_t *first, uint32_t *last);

/* kwic_context for a caller that knows the match's turn already (corpus_token_turn of start). */
void kwic_context_in(const sm_corpus *c, uint32_t turn, uint32_t start, uint32_t n, uint32_t left,
                     uint32_t right, int sentence, uint32_t *first, uint32_t *last);

#endif
