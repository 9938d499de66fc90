/* tokenize.h: from a document's turns to tokens and sentences (UAX #29). */
#ifndef SAMTAL_TOKENIZE_H
#define SAMTAL_TOKENIZE_H

#include "corpus.h"

/* Tokenises every turn of document `doc` (already decoded and read into a layout): appends its
 * turns, tokens, sentences and events to the corpus and interns new forms. Event marks and
 * emphasis asterisks ("*nära*") are masked first, so they never become tokens; white space is
 * no token. Returns 0, or -1 with err set (out of memory). */
int tokenize_document(sm_corpus *c, uint32_t doc, sm_error *err);

/* The kind (KIND_*) of a form, from its characters: a letter makes a word, else a digit a
 * number, else punctuation or symbol by the first character's category. */
int tokenize_kind(const char *s, size_t len);

#endif
