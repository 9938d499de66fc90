/* fingerprint.h: a content hash of a corpus, and the XXH64 it is made with.
 *
 * A fingerprint names what a corpus holds, so that a shared script and a published table can
 * say which corpus they were made from: the same transcripts give the same fingerprint whether
 * they are loaded again or mapped from a saved .samtal file, and one changed byte of text or one
 * changed load option gives another. It is a checksum, not a signature: it tells corpora apart,
 * it proves nothing against someone who sets out to forge one. */
#ifndef SAMTAL_FINGERPRINT_H
#define SAMTAL_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

#include "corpus.h"

/* XXH64 (Yann Collet's xxHash, 64-bit variant), written from its public specification
 * (xxhash.com, doc/xxhash_spec.md): `xxhsum -H64` gives the same numbers. Streaming: reset, any
 * number of updates, digest; the result does not depend on how the input was split. Words are
 * read little-endian on every host. */
typedef struct sm_xxh64_state {
    uint64_t acc[4];       /* the four lanes */
    uint64_t seed, total;  /* total: bytes hashed so far */
    unsigned char buf[32]; /* the start of an unfinished stripe */
    size_t nbuf;
} sm_xxh64_state;

void sm_xxh64_reset(sm_xxh64_state *h, uint64_t seed);
void sm_xxh64_update(sm_xxh64_state *h, const void *p, size_t n);
/* The hash of everything given so far; h is unchanged, so updates may go on after it. */
uint64_t sm_xxh64_digest(const sm_xxh64_state *h);
/* The hash of p[0..n) in one call. */
uint64_t sm_xxh64(const void *p, size_t n, uint64_t seed);

/* The fingerprint of a finished corpus: XXH64 (seed 0) over, in this order and each string
 * preceded by its length as a 64-bit little-endian integer:
 *   the tag "samtal corpus fingerprint 1";
 *   the load options that change tokens: `invalid` and the segmenter flags (`hyphens`);
 *   the number of documents, then for each in load order: its name (the file name, not the
 *   path: a copied or moved corpus keeps its fingerprint), the encoding it was read in (forced
 *   or detected, "" if unknown), its normalised text, and its turns: the number of them, then
 *   for each its speaker's label (no label: the length 2^64 - 1 and no string), its start time
 *   (the bits of the IEEE 754 double, -1 without a time), and the offsets in the text where
 *   it starts and ends (integers, 64 bits);
 *   for a corpus with positional attributes (VRT): each attribute's name and values, and the
 *   value of each token.
 * The path, the metadata sidecar and the language are not part of it: they change neither the
 * text nor the turns. O(bytes of text + turns); the caller may keep the result, the corpus is
 * read-only. */
uint64_t fingerprint_corpus(const sm_corpus *c);

/* Writes fp as 16 lower-case hex digits and a NUL to out. */
void fingerprint_hex(uint64_t fp, char out[17]);

#endif
