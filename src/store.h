/* store.h: a finished corpus saved to one file, and mapped back without re-tokenising.
 *
 * The file holds every array of sm_corpus and of its documents exactly as they lie in memory
 * (little-endian, 8-byte aligned), so opening it is a mmap and a validation pass: no text is
 * decoded, no turn read, no token made. A header with magic, version and checksum and a
 * directory of sections, each with its own checksum, come first (the format is described at the
 * top of store.c and in the README, "Saved corpora"). */
#ifndef SAMTAL_STORE_H
#define SAMTAL_STORE_H

#include "corpus.h"

/* The format version this samtal writes and reads; bumped whenever a stored array changes. */
#define STORE_VERSION 2

/* Writes the finished corpus c to `path` atomically: a temporary file in the same directory is
 * written, fsync'd and renamed over `path`, so a crash or a failure never leaves half a file
 * (on failure the temporary file is removed and `path` is untouched). Returns 0, or -1 with err
 * naming the path. c may itself be a mapped corpus. */
int store_save(const sm_corpus *c, const char *path, sm_error *err);

/* The file name ending of a saved corpus. */
#define STORE_SUFFIX ".samtal"

/* Whether path is to be opened as a saved corpus rather than read as a transcript: its name ends
 * in ".samtal", or the file starts with the samtal corpus magic. A .samtal file that is empty,
 * cut short or foreign then gets store_open's clear error instead of being read as text. */
int store_is_corpus(const char *path);

/* Maps a saved corpus into *c (zeroed by the caller): every array of sm_corpus and of its
 * documents points into the read-only mapping, so nothing is re-tokenised or copied; only the
 * sm_doc array and the speaker table are allocated. c->store holds what store_close needs and
 * c->finished is 1. Before it returns, open verifies the header and directory checksums and those
 * of the small sections (documents, speakers, events), and checks every index and range the
 * core follows in every section, so that no later access can leave the mapping whatever the
 * file holds; the checksums of the bulk sections (text, tokens, lexicons, postings...) are left
 * to store_verify(). Errors name the path and what is wrong: "x.samtal: not a samtal corpus
 * file", "x.samtal: truncated (1000 bytes of 361864)", "x.samtal: corrupt (checksum mismatch in
 * section documents)", "x.samtal: format version 3, this samtal reads 1". On failure *c stays
 * zeroed. */
int store_open(sm_corpus *c, const char *path, sm_error *err);

/* Verifies the checksum of every section of a mapped corpus (reads the whole file once). Returns
 * 0, or -1 with err naming the file and the first section that does not match; 0 for a corpus
 * that was not mapped. */
int store_verify(const sm_corpus *c, sm_error *err);

/* Unmaps and frees what store_open allocated, and leaves *c zeroed; corpus_free() calls it when
 * c->store is set, instead of freeing the arrays (they live in the mapping). */
void store_close(sm_corpus *c);

#endif
