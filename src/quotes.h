/* quotes.h: quotations in speech, and sentences fit to quote, each traced to its source bytes.
 *
 * Two things a report needs from a transcript. Quotations: the spans inside quotation marks in a
 * turn's speech (reported speech, inner questions), whatever the convention (”…”, »…«, «…»,
 * “…”, „…“, "…", '…'), with the marks paired by what stands on each side of them. Sentences:
 * UAX #29 sentences tuned for speech, so that a pause ("...", "…") before a lower-case word
 * and a turn that speech-to-text split in two do not cut a sentence. Both are "stretches" of a
 * document's text that may run over page breaks and, for sentences, over turns; their text is
 * the source's own characters (after NFC), and quotes_verify() re-reads the source file to
 * check that those bytes are still there. */
#ifndef SAMTAL_QUOTES_H
#define SAMTAL_QUOTES_H

#include <stdint.h>

#include "corpus.h"
#include "error.h"
#include "vec.h"

/* A range of one document's text: from offset `from` in turn `turn_first` to offset `to` in
 * turn `turn_last` (corpus turn ids, consecutive turns of one document). */
typedef struct sm_stretch {
    uint32_t turn_first, turn_last;
    uint32_t from, to;
} sm_stretch;

/* A quotation: the text between a pair of marks (the marks left out), in one turn. */
typedef struct sm_quotation {
    sm_stretch at;
    uint32_t open, close; /* document offsets of the opening and the closing mark */
    uint32_t depth;       /* 0 for a quotation in plain speech, 1 inside another, ... */
} sm_quotation;

/* A quotation mark that pairs with nothing in its turn. */
typedef struct sm_unmatched {
    uint32_t turn; /* corpus turn id */
    uint32_t off;  /* document offset of the mark */
} sm_unmatched;

typedef VEC(sm_quotation) sm_quotations;
typedef VEC(sm_unmatched) sm_unmatcheds;

/* A sentence tuned for speech: tokens tok_first..tok_last (inclusive, corpus token ids), which
 * may run over consecutive turns of one speaker. */
typedef struct sm_span {
    sm_stretch at;
    uint32_t tok_first, tok_last;
    uint32_t words; /* word and number tokens */
} sm_span;

typedef VEC(sm_span) sm_spans;

/* Appends the quotations of turn `turn` to *q, in the order of their opening marks, and its
 * unpaired marks to *u. An unmatched mark is reported and otherwise ignored, so it never
 * hides the quotations after it. A single mark (' or ’) counts only where it cannot be an
 * apostrophe: between letters (it's, SKR's), before a digit ('90-talet) or without a partner,
 * it is an apostrophe and never reported. Returns 0, or -1 with err set (out of memory, or the
 * saved corpus is corrupt in the turn's document, which is checked first). */
int quotes_find(const sm_corpus *c, uint32_t turn, sm_quotations *q, sm_unmatcheds *u,
                sm_error *err);

/* Appends the speech-tuned sentences of document `doc` to *out, in order. With speaker !=
 * SM_NONE, only the sentences that start in a turn of that speaker. Checks the document first.
 * Returns 0 or -1 with err. */
int quotes_sentences(const sm_corpus *c, uint32_t doc, uint32_t speaker, sm_spans *out,
                     sm_error *err);

/* The token range of a stretch: the first and last token inside it; returns 0 when it holds
 * no token. This and the functions below take a stretch of a checked document. */
int quotes_tokens(const sm_corpus *c, const sm_stretch *s, uint32_t *first, uint32_t *last);

/* Appends the text of a stretch to b: the source's characters, a page break as one space and
 * the gap between two turns as one space. Returns 0 or -1 (out of memory). */
int quotes_text(const sm_corpus *c, const sm_stretch *s, sm_buf *b);

/* The byte range of a stretch in its source file: [*offset, *offset + *length). Over a page
 * break or between turns it includes what stands between (headers, a label). */
void quotes_source_range(const sm_corpus *c, const sm_stretch *s, uint64_t *offset,
                         uint64_t *length);

/* The 1-based page of document offset `off` in document `doc` (1 in an unpaged document). */
uint32_t quotes_page_of(const sm_corpus *c, uint32_t doc, uint32_t off);

/* Re-reads the stretch's bytes from its source file and checks that they still decode to the
 * corpus's text. Returns 1 if unchanged, 0 if changed or unreadable (err names the file, line
 * and what differs), -1 if out of memory or the saved corpus is corrupt there (err). */
int quotes_verify(const sm_corpus *c, const sm_stretch *s, sm_error *err);

#endif
