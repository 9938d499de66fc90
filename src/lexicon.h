/* lexicon.h: interning of byte strings to dense ids (0, 1, 2, ...).
 *
 * The corpus keeps each distinct word form once, here, and refers to it by id everywhere else;
 * so do the speaker table and the label counter of the plain-text reader. Strings are copied into
 * one pool owned by the lexicon; ids are stable for the lexicon's life. */
#ifndef SAMTAL_LEXICON_H
#define SAMTAL_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "vec.h"

#define LEX_NONE UINT32_MAX

typedef struct sm_lexentry {
    uint32_t off, len, hash;
} sm_lexentry;

typedef struct sm_lexicon {
    sm_buf pool;          /* all strings, each followed by a NUL */
    sm_lexentry *entries; /* by id */
    size_t n, cap;
    uint32_t *slots; /* open addressing: id + 1, or 0 for empty */
    size_t nslots;
} sm_lexicon;

/* The id of s[0..len), adding it if new (then *is_new = 1 if is_new is given).
 * Returns LEX_NONE if memory ran out or the pool would pass 4 GiB. */
uint32_t lex_intern(sm_lexicon *lx, const char *s, size_t len, int *is_new);

/* lex_intern with the string's hash already known: h must be the hash another lexicon's entry
 * of the same string holds (sm_lexentry.hash; every lexicon hashes alike), so a form interned in
 * a document's own lexicon on another thread is not hashed again. */
uint32_t lex_intern_hashed(sm_lexicon *lx, const char *s, size_t len, uint32_t h, int *is_new);

/* The id of s[0..len), or LEX_NONE if absent. */
uint32_t lex_find(const sm_lexicon *lx, const char *s, size_t len);

/* Asks the processor to fetch, ahead of a lookup of a string whose hash is h, what that lookup
 * will read: stage 0 its first slot; stage 1 (some lookups later, the slot fetched by then) the
 * entry the slot names; stage 2 the entry's bytes. Only a hint: it reads nothing that is not
 * there, and changes nothing. */
void lex_prefetch(const sm_lexicon *lx, uint32_t h, int stage);

/* The string of id (NUL-terminated, owned by the lexicon); its length in *len if len given. */
const char *lex_str(const sm_lexicon *lx, uint32_t id, size_t *len);

/* Frees everything; a zeroed lexicon is empty and valid, and may be freed twice. */
void lex_free(sm_lexicon *lx);

#endif
