/* import.h: reading samtal's own JSON export (export.h) back as the corpus it was written from.
 *
 * The export holds each document's normalised text, the map from it to the source bytes, its
 * lines and its layout (turns with their segments and speakers, events, pages, participants,
 * given tokens): import rebuilds the documents from these and tokenises them again, so the
 * corpus is the one exported, its tokens found by the same rules, and every offset still points
 * into the original source files. The tokens and sentences the file lists are checked against
 * the ones found, and the corpus's fingerprint against the one written, so that an edited file
 * or one from a samtal that tokenises otherwise is an error, not a different corpus. */
#ifndef SAMTAL_IMPORT_H
#define SAMTAL_IMPORT_H

#include <stddef.h>

#include "corpus.h"

/* Whether bytes[0..n) are samtal's JSON export: a JSON object whose first key is "samtal"
 * (white space and a UTF-8 byte order mark may come before it). */
int import_is_export(const unsigned char *bytes, size_t n);

/* Adds the documents of the export at bytes[0..n) to c (`path` names it in messages). The
 * export's load options (invalid, hyphens) become c's when c has no documents yet; otherwise
 * they must be c's. A damaged file is an error naming file, line and column, and leaves c as it
 * was. */
int import_export(sm_corpus *c, const char *path, const unsigned char *bytes, size_t n,
                  sm_error *err);

#endif
