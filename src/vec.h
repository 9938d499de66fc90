/* vec.h: growable arrays and byte buffers for the core.
 *
 * Growth doubles the capacity, so appends are amortised O(1). On allocation failure the
 * functions return -1 and leave the array as it was, so a caller can report "out of memory"
 * and free what it holds; nothing here aborts. */
#ifndef SAMTAL_VEC_H
#define SAMTAL_VEC_H

#include <stddef.h>
#include <stdint.h>

/* Makes room for at least `need` elements of `elsize` bytes in *data (capacity in *cap).
 * Returns 0, or -1 if memory ran out (then *data and *cap are unchanged). */
int vec_reserve(void **data, size_t *cap, size_t need, size_t elsize);

/* Room for exactly `need` elements (not rounded up to a power of two as vec_reserve does), for an
 * array whose final size is known ahead. 0, or -1 with *data and *cap unchanged. */
int vec_reserve_exact(void **data, size_t *cap, size_t need, size_t elsize);

/* Gives back the room of an array beyond its n elements where that is more than an eighth: a
 * document's arrays grown by doubling hold a quarter more than they use, on average, for as long
 * as the corpus lives. Never fails (the array stays as it was if realloc does). */
void vec_shrink(void **data, size_t *cap, size_t n, size_t elsize);

/* n bytes (vec_zalloc_big: zeroed) for a large array made for one job, such as the matches of a
 * query or a count per form: from 512 KiB on, aligned to and advised into 2 MiB huge pages where
 * the system grants them (madvise), so that filling it costs a few page faults rather than one
 * per 4 KiB page. In a VM a fault is dear: the 46 MB of the matches of the commonest word of a
 * 1 GB corpus took 60 ms to fault in, more than the copying. NULL if memory ran out; free()
 * frees it. */
void *vec_alloc_big(size_t n);
void *vec_zalloc_big(size_t n);

/* n zeroed bytes mapped straight from the system, in 2 MiB pages where it grants them, for memory
 * that must go back to it when unmapped (vec_unmap) rather than stay in the heap; with `reserve`,
 * only reserved (MAP_NORESERVE), so that room larger than memory can be asked for and only what
 * is written is ever committed. NULL if it cannot be had. */
void *vec_map(size_t n, int reserve);
void vec_unmap(void *p, size_t n);

/* Declares a typed array: struct { T *v; size_t n, cap; }. */
#define VEC(T)                                                                                     \
    struct {                                                                                       \
        T *v;                                                                                      \
        size_t n, cap;                                                                             \
    }

/* Appends one element; evaluates to 0 or -1 (out of memory). */
#define VEC_PUSH(a, x)                                                                             \
    (((a).n < (a).cap || !vec_reserve((void **)&(a).v, &(a).cap, (a).n + 1, sizeof *(a).v))        \
         ? ((a).v[(a).n++] = (x), 0)                                                               \
         : -1)

#define VEC_FREE(a) (free((a).v), (a).v = NULL, (a).n = (a).cap = 0)

/* A growable byte string; `s` is always NUL-terminated once anything was appended. */
typedef struct sm_buf {
    char *s;
    size_t n, cap;
} sm_buf;

int buf_append(sm_buf *b, const void *p, size_t n);
int buf_putc(sm_buf *b, char c);
void buf_free(sm_buf *b);

#endif
