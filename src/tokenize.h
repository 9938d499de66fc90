/* tokenize.h: from a document's turns to tokens and sentences (UAX #29). */
#ifndef SAMTAL_TOKENIZE_H
#define SAMTAL_TOKENIZE_H

#include "corpus.h"

/* Tokenises every turn of document `doc` (already decoded and read into a layout): appends its
 * turns, tokens, sentences and events to the corpus and interns new forms. Event marks and
 * emphasis asterisks ("*nära*") are masked first, so they never become tokens; white space is
 * no token. Returns 0, or -1 with err set (out of memory). */
int tokenize_document(sm_corpus *c, uint32_t doc, sm_error *err);

/* A document's tokens, segmented before its commit, on the thread that prepared it: the work of
 * tokenize_document that needs nothing of the corpus. Forms are interned into the document's own
 * lexicon (ids by first occurrence), so the commit interns each distinct form of the document
 * once, in the order of its first token: the corpus's form ids are those of a serial load. */
typedef struct sm_presegment {
    sm_lexicon forms;   /* the document's own forms */
    VEC(uint32_t) off;  /* by token: its start in the document's text */
    VEC(uint32_t) form; /* by token: its id in forms, PRESEG_SENTENCE set if it starts one */
    /* by layout turn (before turns are merged): its first token; then the token count */
    VEC(uint32_t) turn_tok;
} sm_presegment;

#define PRESEG_SENTENCE 0x80000000u

/* Segments document d (read and laid out, not yet committed) into d->pre, when its tokens
 * depend on nothing but the text and the options: no transcription convention (its marks are
 * made at the commit), not pre-tokenised, and a text under 64 MB (so a huge document does not
 * hold its tokens twice). Otherwise, or if memory runs out, d->pre stays NULL and the commit
 * segments the document itself; the tokens are the same either way. */
void tokenize_presegment(const sm_corpus *c, sm_doc *d);

void tokenize_presegment_free(sm_presegment *p);

/* The kind (KIND_*) of a form, from its characters: a letter makes a word, else a digit a
 * number, else punctuation or symbol by the first character's category. */
int tokenize_kind(const char *s, size_t len);

#endif
