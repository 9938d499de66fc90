/* lexicon.c: string interning with an open-addressing hash table (see lexicon.h). */
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a, folded to 32 bits: short keys (word forms) dominate, where it is hard to beat. */
static uint32_t hash_bytes(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return (uint32_t)(h ^ (h >> 32));
}

/* Whether a[0..len) and b[0..len) are the same bytes: inline for a word's few bytes, where a
 * call to memcmp would cost more than the comparison. */
static inline int same_bytes(const char *a, const char *b, size_t len) {
    if (len > 16) return memcmp(a, b, len) == 0;
    if (len >= 8) { /* the first eight bytes and the last eight, which may overlap */
        uint64_t x, y, u, v;
        memcpy(&x, a, 8), memcpy(&y, b, 8), memcpy(&u, a + len - 8, 8), memcpy(&v, b + len - 8, 8);
        return x == y && u == v;
    }
    if (len >= 4) {
        uint32_t x, y, u, v;
        memcpy(&x, a, 4), memcpy(&y, b, 4), memcpy(&u, a + len - 4, 4), memcpy(&v, b + len - 4, 4);
        return x == y && u == v;
    }
    for (size_t i = 0; i < len; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

static inline uint32_t lookup(const sm_lexicon *lx, const char *s, size_t len, uint32_t h,
                              size_t *slot) {
    size_t mask = lx->nslots - 1, i = h & mask;
    for (;;) {
        uint32_t v = lx->slots[i];
        if (v == 0) {
            *slot = i;
            return LEX_NONE;
        }
        const sm_lexentry *e = &lx->entries[v - 1];
        if (e->hash == h && e->len == len && same_bytes(lx->pool.s + e->off, s, len)) {
            *slot = i;
            return v - 1;
        }
        i = (i + 1) & mask;
    }
}

static int grow_slots(sm_lexicon *lx) {
    size_t nslots = lx->nslots ? lx->nslots * 2 : 1024;
    uint32_t *slots = calloc(nslots, sizeof *slots);
    if (!slots) return -1;
    for (size_t id = 0; id < lx->n; id++) {
        size_t i = lx->entries[id].hash & (nslots - 1);
        while (slots[i])
            i = (i + 1) & (nslots - 1);
        slots[i] = (uint32_t)id + 1;
    }
    free(lx->slots);
    lx->slots = slots;
    lx->nslots = nslots;
    return 0;
}

uint32_t lex_intern(sm_lexicon *lx, const char *s, size_t len, int *is_new) {
    return lex_intern_hashed(lx, s, len, hash_bytes(s, len), is_new);
}

/* A string not in lx yet: grows the slots if need be, and adds it. */
static uint32_t insert(sm_lexicon *lx, const char *s, size_t len, uint32_t h, int *is_new) {
    if ((lx->n + 1) * 2 > lx->nslots && grow_slots(lx)) return LEX_NONE;
    size_t slot;
    uint32_t id = lookup(lx, s, len, h, &slot); /* for the free slot */
    if (id != LEX_NONE) return id;
    if (lx->n >= LEX_NONE - 1 || lx->pool.n + len + 1 > UINT32_MAX) return LEX_NONE;
    if (vec_reserve((void **)&lx->entries, &lx->cap, lx->n + 1, sizeof *lx->entries))
        return LEX_NONE;
    size_t off = lx->pool.n;
    if (buf_append(&lx->pool, s, len) || buf_putc(&lx->pool, '\0')) return LEX_NONE;
    lx->entries[lx->n] = (sm_lexentry){(uint32_t)off, (uint32_t)len, h};
    lx->slots[slot] = (uint32_t)lx->n + 1;
    if (is_new) *is_new = 1;
    return (uint32_t)lx->n++;
}

uint32_t lex_intern_hashed(sm_lexicon *lx, const char *s, size_t len, uint32_t h, int *is_new) {
    if (is_new) *is_new = 0;
    if (lx->nslots) { /* most strings are there already: nothing else to do */
        size_t slot;
        uint32_t id = lookup(lx, s, len, h, &slot);
        if (id != LEX_NONE) return id;
    }
    return insert(lx, s, len, h, is_new);
}

uint32_t lex_find(const sm_lexicon *lx, const char *s, size_t len) {
    if (!lx->nslots) return LEX_NONE;
    size_t slot;
    return lookup(lx, s, len, hash_bytes(s, len), &slot);
}

void lex_prefetch(const sm_lexicon *lx, uint32_t h, int stage) {
#if defined(__GNUC__)
    if (!lx->nslots) return;
    const uint32_t *slot = &lx->slots[h & (lx->nslots - 1)];
    if (stage == 0) {
        __builtin_prefetch(slot);
        return;
    }
    if (*slot == 0) return;
    const sm_lexentry *e = &lx->entries[*slot - 1];
    if (stage == 1)
        __builtin_prefetch(e);
    else if (e->hash == h)
        __builtin_prefetch(lx->pool.s + e->off);
#else
    (void)lx, (void)h, (void)stage;
#endif
}

const char *lex_str(const sm_lexicon *lx, uint32_t id, size_t *len) {
    if (len) *len = lx->entries[id].len;
    return lx->pool.s + lx->entries[id].off;
}

void lex_free(sm_lexicon *lx) {
    buf_free(&lx->pool);
    free(lx->entries);
    free(lx->slots);
    memset(lx, 0, sizeof *lx);
}
