/* pattern.h: token-sequence patterns (the compiled form of a CQP-style query) and their
 * matcher.
 *
 * A pattern is a small program built by the Lua query compiler: predicates over tokens (trees
 * of AND/OR/NOT over sets: of forms, of turns) and a Thompson NFA over them. Sets over forms
 * come from matching the lexicon once (lexmatch.h), never the token stream; the matcher then
 * walks positions: those of the first token's forms when it has such a set, every position
 * otherwise. Matches never cross a turn (or a sentence, with SCOPE_SENTENCE). */
#ifndef SAMTAL_PATTERN_H
#define SAMTAL_PATTERN_H

#include <stdint.h>

#include "corpus.h"

/* A set of ids (forms, turns or events) as a bitmap. */
typedef struct sm_set {
    uint8_t *bits;
    uint32_t n; /* ids 0..n-1 */
} sm_set;

int set_init(sm_set *s, uint32_t n);
static inline int set_has(const sm_set *s, uint32_t id) {
    return id < s->n && (s->bits[id >> 3] >> (id & 7)) & 1;
}
static inline void set_add(sm_set *s, uint32_t id) {
    if (id < s->n) s->bits[id >> 3] |= (uint8_t)(1u << (id & 7));
}
void set_free(sm_set *s);

/* The first id >= from in the set, or s->n if none; skips empty bytes eight ids at a time, so
 * walking a sparse set of a million forms costs little. */
uint32_t set_next(const sm_set *s, uint32_t from);

/* Predicate nodes over one token. */
enum { PRED_TRUE, PRED_FORMS, PRED_TURNS, PRED_AND, PRED_OR, PRED_NOT, PRED_ATTR };
typedef struct sm_pred {
    int type;
    int set;  /* PRED_FORMS, PRED_TURNS, PRED_ATTR: index into the pattern's sets */
    int a, b; /* PRED_AND, PRED_OR: children; PRED_NOT: a; PRED_ATTR: a is the attribute id */
} sm_pred;

/* NFA states. STATE_EVENT matches no token: it holds where an event whose id is in `set` stands
 * right before the current token, in the same turn. */
enum { STATE_TOKEN, STATE_EVENT, STATE_SPLIT, STATE_MATCH };
typedef struct sm_state {
    int type;
    int pred;      /* STATE_TOKEN: predicate; STATE_EVENT: set of event ids */
    int out, out2; /* next states (out2 for STATE_SPLIT) */
} sm_state;

enum { SCOPE_TURN = 0, SCOPE_SENTENCE = 1 };

/* A set of forms that the token `offset` places after a match's start is always in. */
typedef struct sm_anchor {
    int set;
    uint32_t offset;
} sm_anchor;

typedef struct sm_pattern {
    VEC(sm_set) sets;
    VEC(sm_anchor) anchors; /* candidates; the matcher walks the postings of the rarest */
    VEC(sm_pred) preds;
    VEC(sm_state) states;
    int start;  /* first state */
    int anchor; /* a set of forms every match's first token is in, or -1 */
    int turns;  /* a set of turns every match lies in (filters), or -1 */
    int scope;
} sm_pattern;

void pattern_init(sm_pattern *p);
void pattern_free(sm_pattern *p);

/* Every match: for each start position the longest match from it, ascending by start. Fills
 * malloc'd arrays *starts and *lens (token ids and lengths; a match is at least one token), or
 * with count_only just *n (the arrays stay NULL). Returns 0, -1 if memory ran out, or -2 if the
 * pattern is malformed (err says how). */
int pattern_find(const sm_corpus *c, const sm_pattern *p, int count_only, uint32_t **starts,
                 uint32_t **lens, size_t *n, sm_error *err);

#endif
