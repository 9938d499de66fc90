/* fuzz_store.c: libFuzzer target, store_open() of a saved corpus (.samtal) given as bytes.
 *
 * The input is the file: it is written to a temporary file (store_open maps a path) and opened.
 * Most mutations of a saved file only break a checksum, which open rejects first; so an input
 * that open refuses is opened a second time with its checksums made right (every section's, the
 * directory's, the header's, and the header's file size), and the mutation reaches the checks
 * of every index and range behind them. A corpus that opens is verified (store_verify) and then
 * read every way the binding reads one (walk.h, which checks each document before it reads it,
 * as the binding does): store.h promises that no access can then leave the mapping, whatever
 * the file holds. The seeds are small corpora saved and compacted by `make fuzz`
 * (fuzz/store_seeds.lua). spec/fuzz_corpus_spec.lua replays each input through samtal.open (as
 * a .samtal file) both as it is and repaired (fuzz/storefile.lua does the same repair in Lua).
 *
 *   build: make fuzz
 *   run:   build/fuzz/bin/store -max_len=16384 corpus_dir...   */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fingerprint.h"
#include "store.h"
#include "walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file layout store.c writes (see the top of store.c); only what the repair needs. */
#define HEADER_BYTES 64
#define ENTRY_BYTES 32
#define MAX_SECTIONS 64

static char path[64];
static int fd = -1;

/* The file is unlinked as soon as it is made and opened again through /proc/self/fd, so that
 * nothing is left behind, not even by a crash. */
static int write_file(const uint8_t *data, size_t size) {
    if (fd < 0) {
        char name[4096];
        const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(name, sizeof name, "%s/samtal-fuzz-store-XXXXXX", dir);
        fd = mkstemp(name);
        if (fd < 0) abort();
        unlink(name);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0) abort();
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
        if (w <= 0) abort();
        done += (size_t)w;
    }
    return 0;
}

static uint64_t get64(const uint8_t *p) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Makes every checksum of a copy of the file right; 0 if there is no header to repair. */
static int repair(uint8_t *f, size_t size) {
    if (size < HEADER_BYTES) return 0;
    put64(f + 16, size); /* file_size */
    uint32_t nsec = get32(f + 24);
    if (nsec > MAX_SECTIONS) nsec = MAX_SECTIONS;
    size_t dir_end = HEADER_BYTES + (size_t)nsec * ENTRY_BYTES;
    if (dir_end <= size) {
        for (uint32_t i = 0; i < nsec; i++) {
            uint8_t *e = f + HEADER_BYTES + (size_t)i * ENTRY_BYTES;
            uint64_t elsize = get32(e + 4), offset = get64(e + 8), count = get64(e + 16);
            if (offset > size || (elsize && count > (size - offset) / elsize)) continue;
            put64(e + 24, sm_xxh64(f + offset, (size_t)(count * elsize), 0));
        }
        put64(f + 40, sm_xxh64(f + HEADER_BYTES, (size_t)nsec * ENTRY_BYTES, 0));
    }
    put64(f + 56, sm_xxh64(f, 56, 0));
    return 1;
}

/* What open leaves to first use (store.h): every document, every fold's postings and forms, the
 * turn-start bits. Done for every corpus that opens, walk or no walk, so that the corpus kept in
 * spec/fuzz/store/ (minimised without the walk) covers these checks too. */
static void check_all(const sm_corpus *c) {
    sm_error err;
    const uint8_t *bits;
    for (uint32_t i = 0; i < c->docs.n; i++)
        corpus_check_doc(c, i, &err);
    for (uint32_t f = 0; f < c->folds.n; f++) {
        uint32_t *post = NULL;
        size_t n;
        index_postings(c, f, &post, &n, &err); /* decoding checks every posting */
        free(post);
        store_check_fold_forms(c, f, &err);
    }
    index_turn_starts(c, &bits, &err);
}

static int open_walk(const uint8_t *data, size_t size) {
    write_file(data, size);
    sm_corpus c;
    sm_error err;
    memset(&c, 0, sizeof c);
    if (store_open(&c, path, &err)) return -1;
    store_verify(&c, &err);
    check_all(&c);
    fuzz_walk(&c);
    corpus_free(&c);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (open_walk(data, size) == 0 || size < HEADER_BYTES || memcmp(data, "SAMTALC\x1A", 8) != 0)
        return 0;
    uint8_t *copy = malloc(size);
    if (!copy) return 0;
    memcpy(copy, data, size);
    if (repair(copy, size) && memcmp(copy, data, size) != 0) open_walk(copy, size);
    free(copy);
    return 0;
}
