/* store.h: a finished corpus saved to one file, and mapped back without re-tokenising.
 *
 * The file holds every array of sm_corpus and of its documents exactly as they lie in memory
 * (little-endian, 8-byte aligned), so opening it is a mmap and a short validation pass: no text is
 * decoded, no turn read, no token made. A header with magic, version and checksum and a
 * directory of sections, each with its own checksum, come first (the format is described at the
 * top of store.c and in the README, "Saved corpora"). */
#ifndef SAMTAL_STORE_H
#define SAMTAL_STORE_H

#include "corpus.h"

/* The format version this samtal writes; bumped whenever a stored array changes. Older versions
 * are refused with a word to save the corpus again (STORE_OLDEST in store.c). */
#define STORE_VERSION 12

/* Writes the finished corpus c to `path` atomically, with meta[0..meta_n) (NULL: none) as its
 * metadata section: bytes the caller serialised (the Lua layer's document metadata), given back
 * by store_metadata on open. The file is written atomically: a temporary file in the same directory
 * is written, fsync'd and renamed over `path`, so a crash or a failure never leaves half a file (on
 * failure the temporary file is removed and `path` is untouched). Returns 0, or -1 with err naming
 * the path. c may itself be a mapped corpus. */
int store_save(const sm_corpus *c, const char *path, const char *meta, size_t meta_n,
               sm_error *err);

/* The file name ending of a saved corpus. */
#define STORE_SUFFIX ".samtal"

/* Whether path is to be opened as a saved corpus rather than read as a transcript: its name ends
 * in ".samtal", or the file starts with the samtal corpus magic. A .samtal file that is empty,
 * cut short or foreign then gets store_open's clear error instead of being read as text. */
int store_is_corpus(const char *path);

/* Maps a saved corpus into *c (zeroed by the caller): every array of sm_corpus and of its
 * documents points into the read-only mapping, so nothing is re-tokenised or copied; only the
 * sm_doc array, the speaker table and a few bitmaps are allocated. c->store holds what
 * store_close needs and c->finished is 1. Before it returns, open verifies the header and
 * directory checksums and those of the small sections (documents, speakers, events), the
 * lexicons, form_info and every document record; the big per-token and per-turn arrays are
 * checked a document or a fold at a time, the first time a query uses them (store_check_doc,
 * store_check_fold_forms; the postings each time index_decode reads them; the top of store.c
 * says what each checks), so
 * that no access can leave the mapping whatever the file holds. The checksums of the bulk
 * sections (text, tokens, lexicons, postings...) are left to store_verify(). Errors name the path
 * and what is wrong: "x.samtal: not a samtal corpus file", "x.samtal: truncated (1000 bytes of
 * 361864)", "x.samtal: corrupt (checksum mismatch in section documents)", "x.samtal: format
 * version 9, this samtal reads 8". On failure *c stays zeroed. */
int store_open(sm_corpus *c, const char *path, sm_error *err);

/* The metadata section of mapped corpus c (its checksum checked at open), or NULL with *n = 0 when
 * it has none or c was not mapped. */
const char *store_metadata(const sm_corpus *c, size_t *n);

/* Verifies the checksum of every section of a mapped corpus (reads the whole file once). Returns
 * 0, or -1 with err naming the file and the first section that does not match; 0 for a corpus
 * that was not mapped. */
int store_verify(const sm_corpus *c, sm_error *err);

/* The parts of a mapped corpus that open leaves to first use (see store_open). Each returns 0, or
 * -1 with err "x.samtal: corrupt (...)" naming the section and what is wrong, and may be called
 * again: a part is marked checked only once it passed. store_check_doc is in corpus.h. */

/* Fold `fold`'s forms (fold_forms): each a form id whose fold is `fold`, ascending. Once. */
int store_check_fold_forms(const sm_corpus *c, uint32_t fold, sm_error *err);

/* Formats "path: corrupt (...)" for mapped corpus c into err; returns -1. */
int store_corrupt(const sm_corpus *c, sm_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Unmaps and frees what store_open allocated, and leaves *c zeroed; corpus_free() calls it when
 * c->store is set, instead of freeing the arrays (they live in the mapping). */
void store_close(sm_corpus *c);

#endif
