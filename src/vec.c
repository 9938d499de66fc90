/* vec.c: growable arrays and byte buffers (see vec.h). */
#include "vec.h"

#include <stdlib.h>
#include <string.h>

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
    *data = p;
    *cap = ncap;
    return 0;
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
