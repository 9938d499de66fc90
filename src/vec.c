/* vec.c: growable arrays and byte buffers (see vec.h). */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE), where the system has it */
#include "vec.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Asks for huge pages for the 2 MiB-aligned part of a large array [p, p + n): the corpus's token
 * and position arrays are read at scattered places, and with 4 KiB pages nearly every window of
 * a collocates job or concordance line missed the TLB. Only a hint; pages already touched stay. */
static void advise_huge(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (n < 2 * huge) return;
    uintptr_t from = ((uintptr_t)p + huge - 1) & ~(huge - 1), to = ((uintptr_t)p + n) & ~(huge - 1);
    if (to > from) madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
    (void)p, (void)n;
#endif
}

void *vec_alloc_big(size_t n) {
#ifdef MADV_HUGEPAGE
    const size_t huge = (size_t)2 << 20;
    void *p = NULL;
    if (n >= huge / 4 && n <= SIZE_MAX - huge) {
        size_t rounded = (n + huge - 1) / huge * huge;
        if (posix_memalign(&p, huge, rounded) == 0) {
            madvise(p, rounded, MADV_HUGEPAGE); /* only a hint: 4 KiB pages work too */
            return p;
        }
        return NULL;
    }
#endif
    return malloc(n ? n : 1);
}

void *vec_map(size_t n, int reserve) {
    if (n == 0) n = 1;
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | (reserve ? MAP_NORESERVE : 0), -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifdef MADV_HUGEPAGE
    madvise(p, n, MADV_HUGEPAGE); /* only a hint */
#endif
    return p;
}

void vec_unmap(void *p, size_t n) {
    if (p) munmap(p, n ? n : 1);
}

void *vec_zalloc_big(size_t n) {
    void *p = vec_alloc_big(n);
    if (p) memset(p, 0, n);
    return p;
}

int vec_reserve(void **data, size_t *cap, size_t need, size_t elsize) {
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2) return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elsize) return -1;
    void *p = realloc(*data, ncap * elsize);
    if (!p) return -1;
    advise_huge(p, ncap * elsize);
    *data = p;
    *cap = ncap;
    return 0;
}

int vec_reserve_exact(void **data, size_t *cap, size_t need, size_t elsize) {
    if (need <= *cap) return 0;
    if (need > SIZE_MAX / elsize) return -1;
    void *p = realloc(*data, need * elsize);
    if (!p) return -1;
    advise_huge(p, need * elsize);
    *data = p;
    *cap = need;
    return 0;
}

void vec_shrink(void **data, size_t *cap, size_t n, size_t elsize) {
    if (!*data || *cap <= n + n / 8 + 16) return;
    void *p = realloc(*data, (n ? n : 1) * elsize);
    if (p) *data = p, *cap = n ? n : 1;
}

int buf_append(sm_buf *b, const void *p, size_t n) {
    if (b->n + n + 1 > b->cap && vec_reserve((void **)&b->s, &b->cap, b->n + n + 1, 1)) return -1;
    if (n) memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
    return 0;
}

int buf_putc(sm_buf *b, char c) {
    if (b->n + 2 > b->cap && vec_reserve((void **)&b->s, &b->cap, b->n + 2, 1)) return -1;
    b->s[b->n++] = c;
    b->s[b->n] = '\0';
    return 0;
}

void buf_free(sm_buf *b) {
    free(b->s);
    b->s = NULL;
    b->n = b->cap = 0;
}
