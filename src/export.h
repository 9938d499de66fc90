/* export.h: writing a corpus as CWB's verticalised text (VRT), for cwb-encode, CQPweb and Korp.
 *
 * One token per line with three positional attributes, word, lower (the folded form) and kind,
 * then the positional attributes an imported VRT brought (c->attrs, in order; a token's missing
 * trailing values left out, a missing one before a value written __UNDEF__, CWB's own); structures
 * <text> (one per document; its opening tag given by the caller, who knows the metadata), <turn
 * speaker= start= n=> and <s>. Every value is UTF-8 with &, <, > and " escaped, as cwb-encode reads
 * them back. */
#ifndef SAMTAL_EXPORT_H
#define SAMTAL_EXPORT_H

#include <stdio.h>

#include "corpus.h"

/* Writes c to f; text_tags[d] is document d's whole opening <text ...> line (without the
 * newline). Returns 0, or -1 with err (a write error). */
int export_vrt(const sm_corpus *c, const char *const *text_tags, FILE *f, sm_error *err);

/* Appends s[0..n) to b with XML's five special characters escaped; returns 0 or -1. */
int export_xml_escape(sm_buf *b, const char *s, size_t n);

/* ---- JSON -----------------------------------------------------------------------------------
 * samtal's own JSON: everything a document holds (path, name, encoding, metadata, the normalised
 * text with its map back to the source bytes and its lines, turns with their segments, events,
 * pages, participants, sentences and tokens with their offsets in the text and in the source),
 * so that import.c reads it back as the same corpus. The first key is "samtal", which is how a
 * reader tells it from other JSON. A token per line, so that an error in a damaged file names a
 * useful line. Written in one pass, a megabyte at a time: a gigabyte corpus needs no more
 * memory than the corpus itself. */

/* Writes c to f. `version` is samtal's; meta_json[d] is document d's metadata as a JSON object
 * ("{}" for none; export_json_string escapes strings for it). Returns 0, or -1 with err. */
int export_json(const sm_corpus *c, const char *version, const char *const *meta_json, FILE *f,
                sm_error *err);

/* Appends s[0..n) to b as a JSON string, quotes included: '"', '\\' and control characters
 * escaped, and bytes that are not UTF-8 written as U+FFFD, so that the output is valid UTF-8
 * and valid JSON whatever s holds. Returns 0 or -1. */
int export_json_string(sm_buf *b, const char *s, size_t n);

#endif
