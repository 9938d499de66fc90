/* fingerprint.c: XXH64 and the content hash of a corpus (see fingerprint.h).
 *
 * XXH64 is written out here from its specification: store.c has its own static copy for the
 * file checksums (seed 0), and this one, with a seed and public, is the one for new callers. The
 * two agree byte for byte, and spec/scripts_spec.lua checks fingerprints against an independent
 * Lua implementation that passes the published test values. */
#include "fingerprint.h"

#include <string.h>

#define P1 0x9E3779B185EBCA87u
#define P2 0xC2B2AE3D27D4EB4Fu
#define P3 0x165667B19E3779F9u
#define P4 0x85EBCA77C2B2AE63u
#define P5 0x27D4EB2F165667C5u

static inline uint64_t rotl64(uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}

/* Little-endian loads, byte by byte: the same hash on every host (compilers make them one load
 * where the host is little-endian). */
static inline uint64_t load64(const unsigned char *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 |
           (uint64_t)p[4] << 32 | (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 |
           (uint64_t)p[7] << 56;
}

static inline uint32_t load32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t round64(uint64_t acc, uint64_t w) {
    acc += w * P2;
    acc = rotl64(acc, 31);
    return acc * P1;
}

static inline uint64_t merge64(uint64_t h, uint64_t acc) {
    h ^= round64(0, acc);
    return h * P1 + P4;
}

/* One 32-byte stripe into the four lanes. */
static inline void stripe(uint64_t acc[4], const unsigned char *p) {
    acc[0] = round64(acc[0], load64(p));
    acc[1] = round64(acc[1], load64(p + 8));
    acc[2] = round64(acc[2], load64(p + 16));
    acc[3] = round64(acc[3], load64(p + 24));
}

void sm_xxh64_reset(sm_xxh64_state *h, uint64_t seed) {
    memset(h, 0, sizeof *h);
    h->seed = seed;
    h->acc[0] = seed + P1 + P2;
    h->acc[1] = seed + P2;
    h->acc[2] = seed;
    h->acc[3] = seed - P1;
}

void sm_xxh64_update(sm_xxh64_state *h, const void *data, size_t n) {
    const unsigned char *p = data, *end = p + n;
    if (n == 0) return;
    h->total += n;
    if (h->nbuf + n < 32) { /* not a stripe yet: keep it */
        memcpy(h->buf + h->nbuf, p, n);
        h->nbuf += n;
        return;
    }
    if (h->nbuf) { /* finish the stripe begun by an earlier update */
        size_t fill = 32 - h->nbuf;
        memcpy(h->buf + h->nbuf, p, fill);
        stripe(h->acc, h->buf);
        p += fill;
        h->nbuf = 0;
    }
    for (; end - p >= 32; p += 32)
        stripe(h->acc, p);
    h->nbuf = (size_t)(end - p);
    memcpy(h->buf, p, h->nbuf);
}

uint64_t sm_xxh64_digest(const sm_xxh64_state *h) {
    uint64_t r;
    if (h->total >= 32) {
        const uint64_t *a = h->acc;
        r = rotl64(a[0], 1) + rotl64(a[1], 7) + rotl64(a[2], 12) + rotl64(a[3], 18);
        for (int i = 0; i < 4; i++)
            r = merge64(r, a[i]);
    } else {
        r = h->seed + P5;
    }
    r += h->total;
    const unsigned char *p = h->buf, *end = p + h->nbuf;
    for (; end - p >= 8; p += 8)
        r = rotl64(r ^ round64(0, load64(p)), 27) * P1 + P4;
    if (end - p >= 4) {
        r = rotl64(r ^ ((uint64_t)load32(p) * P1), 23) * P2 + P3;
        p += 4;
    }
    for (; p < end; p++)
        r = rotl64(r ^ (*p * P5), 11) * P1;
    r ^= r >> 33; /* the avalanche */
    r *= P2;
    r ^= r >> 29;
    r *= P3;
    r ^= r >> 32;
    return r;
}

uint64_t sm_xxh64(const void *p, size_t n, uint64_t seed) {
    sm_xxh64_state h;
    sm_xxh64_reset(&h, seed);
    sm_xxh64_update(&h, p, n);
    return sm_xxh64_digest(&h);
}

/* ---- the fingerprint ------------------------------------------------------------------------ */

/* Integers go in as 8 little-endian bytes, whatever the host. */
static void put_u64(sm_xxh64_state *h, uint64_t v) {
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    sm_xxh64_update(h, b, sizeof b);
}

/* A string goes in with its length first, so that no two sequences of strings hash the same
 * bytes ("ab" + "c" and "a" + "bc" differ). */
static void put_str(sm_xxh64_state *h, const char *s, size_t len) {
    put_u64(h, len);
    sm_xxh64_update(h, s, len);
}

/* The positional attributes of a pre-tokenised (VRT) corpus: names, values in id order, and
 * each token's value id (LEX_NONE where it has none), 4 bytes each, batched. */
static void put_attrs(sm_xxh64_state *h, const sm_corpus *c) {
    put_u64(h, c->attrs.n);
    for (size_t a = 0; a < c->attrs.n; a++) {
        const sm_attr *at = &c->attrs.v[a];
        size_t len;
        const char *name = lex_str(&c->attr_names, (uint32_t)a, &len);
        put_str(h, name, len);
        put_u64(h, at->values.n);
        for (size_t v = 0; v < at->values.n; v++) {
            const char *s = lex_str(&at->values, (uint32_t)v, &len);
            put_str(h, s, len);
        }
        put_u64(h, at->tokens.n);
        unsigned char batch[4096];
        size_t nb = 0;
        for (size_t t = 0; t < at->tokens.n; t++) {
            uint32_t id = at->tokens.v[t];
            for (int i = 0; i < 4; i++)
                batch[nb++] = (unsigned char)(id >> (8 * i));
            if (nb == sizeof batch) {
                sm_xxh64_update(h, batch, nb);
                nb = 0;
            }
        }
        sm_xxh64_update(h, batch, nb);
    }
}

/* A turn: who speaks (the label as written; no label is a length no string can have), from when
 * (the start time's IEEE 754 bits, -1 without one), and where its text starts and ends. The
 * turns come from the text by the reader's rules, but a reader may take speakers from elsewhere
 * (a ParlaMint -meta.tsv) or be forced to read a file another way: this keeps "who said what"
 * in the fingerprint. */
static void put_turn(sm_xxh64_state *h, const sm_corpus *c, uint32_t t) {
    const sm_turn *tr = &c->turns.v[t];
    if (tr->speaker == SM_NONE) {
        put_u64(h, UINT64_MAX);
    } else {
        size_t len;
        const char *name = corpus_speaker_name(c, corpus_speaker_of(c, t), &len);
        put_str(h, name, len);
    }
    double start = c->docs.v[tr->doc].layout.turns.v[tr->index].start;
    if (start < 0) start = -1;
    uint64_t bits;
    memcpy(&bits, &start, sizeof bits);
    put_u64(h, bits);
    uint32_t from, to;
    corpus_turn_bounds(c, t, &from, &to);
    put_u64(h, from);
    put_u64(h, to);
}

uint64_t fingerprint_corpus(const sm_corpus *c) {
    static const char tag[] = "samtal corpus fingerprint 1";
    sm_xxh64_state h;
    sm_xxh64_reset(&h, 0);
    put_str(&h, tag, sizeof tag - 1);
    /* the options as a saved corpus keeps them; a forced encoding shows in each document's
     * encoding below, which a saved corpus also keeps (the option itself it does not) */
    put_u64(&h, (uint64_t)c->opts.invalid);
    put_u64(&h, c->opts.seg_flags);
    put_u64(&h, c->docs.n);
    for (size_t i = 0; i < c->docs.n; i++) {
        const sm_doc *d = &c->docs.v[i];
        put_str(&h, d->name, strlen(d->name));
        put_str(&h, d->encoding ? d->encoding : "", d->encoding ? strlen(d->encoding) : 0);
        put_str(&h, d->text.s, d->text.len);
        put_u64(&h, d->turn_count);
        for (uint32_t t = d->turn_first; t < d->turn_first + d->turn_count; t++)
            put_turn(&h, c, t);
    }
    if (c->attrs.n) put_attrs(&h, c);
    return sm_xxh64_digest(&h);
}

void fingerprint_hex(uint64_t fp, char out[17]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, fp >>= 4)
        out[i] = digits[fp & 15];
    out[16] = '\0';
}
