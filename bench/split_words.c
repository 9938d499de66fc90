/* split_words.c: the benchmark's floors for loading. A plain C loop that reads every file under
 * the given directories and only splits the text into words (a byte table: ASCII letters and
 * digits and every byte of a multi-byte UTF-8 character are word bytes), counting them. No
 * decoding, normalisation, sentences, lexicon or index: what is left when all of those are free.
 *
 * With --index, the same loop also does the least an index needs: each word is hashed (FNV-1a,
 * as samtal's lexicon) and interned in an open-addressing hash table of distinct words, its id
 * appended to an array of tokens, and at the end each distinct word's positions are listed (a
 * counting sort of the token ids). Still no decoding, case folding, sentences or turns.
 *
 * usage: split_words [--index] DIR... ; prints "<bytes> <words> <seconds>", and with --index
 * "<bytes> <words> <seconds> <distinct words>". */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned char word_byte[256];
static uint64_t total_bytes, total_words;
static unsigned char *buf;
static size_t cap;
static int with_index;

/* The distinct words: their bytes one after another, (offset, length, hash) by id, and slots
 * holding id + 1 or 0. */
typedef struct entry {
    uint32_t off, len, hash;
} entry;
static char *pool;
static size_t pool_n, pool_cap;
static entry *entries;
static size_t nentries, entries_cap;
static uint32_t *slots;
static size_t nslots;
static uint32_t *tokens; /* token ids, in order */
static size_t ntokens, tokens_cap;

static void *grow(void *p, size_t *capacity, size_t need, size_t size) {
    if (need <= *capacity) return p;
    size_t c = *capacity ? *capacity : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(p, c * size);
    if (!q) {
        fprintf(stderr, "split_words: out of memory\n");
        exit(1);
    }
    *capacity = c;
    return q;
}

static void rehash(void) {
    size_t n = nslots ? nslots * 2 : 1024;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) {
        fprintf(stderr, "split_words: out of memory\n");
        exit(1);
    }
    for (size_t id = 0; id < nentries; id++) {
        size_t i = entries[id].hash & (n - 1);
        while (s[i])
            i = (i + 1) & (n - 1);
        s[i] = (uint32_t)id + 1;
    }
    free(slots);
    slots = s;
    nslots = n;
}

static uint32_t intern(const unsigned char *w, size_t len) {
    uint64_t h64 = 1469598103934665603ULL;
    for (size_t k = 0; k < len; k++)
        h64 = (h64 ^ w[k]) * 1099511628211ULL;
    uint32_t h = (uint32_t)(h64 ^ (h64 >> 32));
    if ((nentries + 1) * 2 > nslots) rehash();
    size_t i = h & (nslots - 1);
    for (;; i = (i + 1) & (nslots - 1)) {
        uint32_t v = slots[i];
        if (!v) break;
        const entry *e = &entries[v - 1];
        if (e->hash == h && e->len == len && memcmp(pool + e->off, w, len) == 0) return v - 1;
    }
    pool = grow(pool, &pool_cap, pool_n + len, 1);
    memcpy(pool + pool_n, w, len);
    entries = grow(entries, &entries_cap, nentries + 1, sizeof *entries);
    entries[nentries] = (entry){(uint32_t)pool_n, (uint32_t)len, h};
    pool_n += len;
    slots[i] = (uint32_t)nentries + 1;
    return (uint32_t)nentries++;
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw) {
    (void)ftw;
    if (type != FTW_F) return 0;
    if ((size_t)st->st_size + 1 > cap) {
        cap = (size_t)st->st_size * 2 + 1;
        free(buf);
        buf = malloc(cap);
        if (!buf) return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    uint64_t words = 0;
    if (with_index) {
        for (size_t i = 0; i < n;) {
            if (!word_byte[buf[i]]) {
                i++;
                continue;
            }
            size_t start = i;
            while (i < n && word_byte[buf[i]])
                i++;
            tokens = grow(tokens, &tokens_cap, ntokens + 1, sizeof *tokens);
            tokens[ntokens++] = intern(buf + start, i - start);
            words++;
        }
    } else {
        int in_word = 0;
        for (size_t i = 0; i < n; i++) {
            int w = word_byte[buf[i]];
            words += w & !in_word;
            in_word = w;
        }
    }
    total_bytes += n;
    total_words += words;
    return 0;
}

/* Each distinct word's positions, one after another (a counting sort of the tokens' ids). */
static void list_positions(void) {
    uint32_t *start = calloc(nentries + 1, sizeof *start);
    uint32_t *positions = malloc((ntokens ? ntokens : 1) * sizeof *positions);
    if (!start || !positions) {
        fprintf(stderr, "split_words: out of memory\n");
        exit(1);
    }
    for (size_t t = 0; t < ntokens; t++)
        start[tokens[t] + 1]++;
    for (size_t id = 0; id < nentries; id++)
        start[id + 1] += start[id];
    for (size_t t = 0; t < ntokens; t++)
        positions[start[tokens[t]]++] = (uint32_t)t;
    /* what the index holds must be read, or the compiler may drop its building */
    uint64_t check = 0;
    for (size_t id = 0; id < nentries; id++)
        check += start[id];
    if (check == 1) fputc(' ', stderr);
    free(start);
    free(positions);
}

int main(int argc, char **argv) {
    for (int ch = 0; ch < 256; ch++)
        word_byte[ch] = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= 'a' && ch <= 'z') || ch >= 0x80;
    int first = 1;
    if (argc > 1 && strcmp(argv[1], "--index") == 0) with_index = 1, first = 2;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = first; i < argc; i++)
        if (nftw(argv[i], visit, 16, FTW_PHYS) != 0) return 1;
    if (with_index) list_positions();
    clock_gettime(CLOCK_MONOTONIC, &b);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%llu %llu %.3f", (unsigned long long)total_bytes, (unsigned long long)total_words, secs);
    if (with_index) printf(" %zu", nentries);
    printf("\n");
    free(buf);
    free(pool);
    free(entries);
    free(slots);
    free(tokens);
    return 0;
}
