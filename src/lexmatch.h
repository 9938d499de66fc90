/* lexmatch.h: matching a value against the lexicon (each distinct form once), or against the
 * turns' speakers and documents, or the events' names. The result is a set of ids. */
#ifndef SAMTAL_LEXMATCH_H
#define SAMTAL_LEXMATCH_H

#include "corpus.h"
#include "pattern.h"

enum { LM_LITERAL, LM_WILDCARD, LM_REGEX };
enum { LM_CASELESS = 1, LM_NODIACRITICS = 2 };

/* The attributes a token has: its exact form, its folded form, its kind. */
enum { ATTR_WORD, ATTR_LOWER, ATTR_KIND };

/* Forms whose attribute `attr` matches: a literal, a wildcard (`*` any run, `?` one character)
 * or a PCRE2 regular expression over the whole value. Flags as in CQP: %c ignores case, %d also
 * diacritics. Fills *out (set_free it); returns 0, or -1 with err (a bad regular expression:
 * its message and offset). */
int lexmatch_forms(const sm_corpus *c, int attr, int how, const char *value, size_t len, int flags,
                   sm_set *out, sm_error *err);

/* Turns whose `field` ("speaker", "doc", "path", "title") matches; a turn without speaker never
 * matches a speaker. */
int lexmatch_turns(const sm_corpus *c, const char *field, int how, const char *value, size_t len,
                   int flags, sm_set *out, sm_error *err);

/* Values of positional attribute `attr` (an id in c->attr_names) that match. */
int lexmatch_attr(const sm_corpus *c, uint32_t attr, int how, const char *value, size_t len,
                  int flags, sm_set *out, sm_error *err);

/* Events whose name (the text inside the brackets) matches. */
int lexmatch_events(const sm_corpus *c, int how, const char *value, size_t len, int flags,
                    sm_set *out, sm_error *err);

#endif
