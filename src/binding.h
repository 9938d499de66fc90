/* binding.h: what the two halves of samtal.core share: binding.c (corpus, queries, quotes) and
 * binding_stats.c (the counting behind the statistics). Only these files see lua_State. */
#ifndef SAMTAL_BINDING_H
#define SAMTAL_BINDING_H

#include <lua.h>

#include "corpus.h"

#define CORPUS_T "samtal.Corpus"
#define SET_T "samtal.Set"
#define MATCHES_T "samtal.Matches"

typedef struct corpus_ud {
    sm_corpus *c; /* NULL once closed */
} corpus_ud;

/* The matches of a query, as c:find(program, "matches") returns them: token ids of the first
 * token of each match and the match lengths, owned by the userdata. */
typedef struct sm_matches {
    uint32_t *starts, *lens;
    size_t n;
    int permuted; /* 1: out of corpus order (c:match_permute), refused where order counts */
} sm_matches;

/* The open corpus at stack index i; raises "samtal.Corpus expected" or "closed". */
sm_corpus *check_corpus(lua_State *L, int i);

/* Raises err's message as a Lua error. */
void raise_err(lua_State *L, const sm_error *err);

/* Adds the statistics methods to the corpus method table at the top of the stack and registers
 * the metatables they use (samtal.Matches, samtal.Keymap). */
void binding_stats_register(lua_State *L);

/* Adds the export methods (binding_export.c) to the same table. */
void binding_export_register(lua_State *L);

#endif
