/* export.h: writing a corpus as CWB's verticalised text (VRT), for cwb-encode, CQPweb and Korp.
 *
 * One token per line with three positional attributes, word, lower (the folded form) and kind;
 * structures <text> (one per document; its opening tag given by the caller, who knows the
 * metadata), <turn speaker= start= n=> and <s>. Every value is UTF-8 with &, <, > and " escaped,
 * as cwb-encode reads them back. */
#ifndef SAMTAL_EXPORT_H
#define SAMTAL_EXPORT_H

#include <stdio.h>

#include "corpus.h"

/* Writes c to f; text_tags[d] is document d's whole opening <text ...> line (without the
 * newline). Returns 0, or -1 with err (a write error). */
int export_vrt(const sm_corpus *c, const char *const *text_tags, FILE *f, sm_error *err);

/* Appends s[0..n) to b with XML's five special characters escaped; returns 0 or -1. */
int export_xml_escape(sm_buf *b, const char *s, size_t n);

#endif
