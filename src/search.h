/* search.h: finding a value's place in an ascending array of offsets, from a guess.
 *
 * A document's line starts and sentence starts are spread about evenly over it, so where a value
 * falls among them is well guessed from its share of the document (the offset over the text's
 * length, the token over the document's tokens). A binary search over the whole array reads a
 * dozen places in it, the last ones each a cache miss; a gallop from the guess reads a few
 * places next to the answer. */
#ifndef SAMTAL_SEARCH_H
#define SAMTAL_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/* The last index i in [lo, hi) with a[i] <= key, or lo if there is none (hi > lo); guess is
 * where to start (clamped into the range). Any guess gives the same answer, only slower. */
static inline size_t search_last_le(const uint32_t *a, size_t lo, size_t hi, uint32_t key,
                                    size_t guess) {
    if (guess < lo) guess = lo;
    if (guess >= hi) guess = hi - 1;
    /* the answer is in [l, h): a[l] <= key unless l == lo, and h == hi or a[h] > key */
    size_t l, h;
    size_t step = 1;
    if (a[guess] <= key) {
        for (l = guess;; step *= 2) {
            if (hi - l <= step) {
                h = hi;
                break;
            }
            if (a[l + step] > key) {
                h = l + step;
                break;
            }
            l += step;
        }
    } else {
        for (h = guess;; step *= 2) {
            if (h - lo <= step) {
                l = lo;
                break;
            }
            if (a[h - step] <= key) {
                l = h - step;
                break;
            }
            h -= step;
        }
    }
    while (h - l > 1) {
        size_t mid = l + (h - l) / 2;
        if (a[mid] <= key)
            l = mid;
        else
            h = mid;
    }
    return l;
}

#endif
