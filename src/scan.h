/* scan.h: finding the next of a few bytes in text, eight bytes at a time.
 *
 * The readers and the tokeniser look for rare bytes ('[' of an event, '\\' of an escape) in long
 * runs of speech; a byte at a time that cost a few instructions a byte. Here a word of eight
 * bytes is tested at once for a byte equal to any of the three (the classic "has a zero byte"
 * test on the word xor each byte repeated: exact for whether there is one), and only the word
 * that has one is read byte by byte. */
#ifndef SAMTAL_SCAN_H
#define SAMTAL_SCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The first index k in [i, n) with s[k] equal to a, b or c (pass a twice for two), or n. */
static inline size_t scan_any3(const char *s, size_t i, size_t n, unsigned char a, unsigned char b,
                               unsigned char c) {
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const uint64_t ma = ones * a, mb = ones * b, mc = ones * c;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        uint64_t xa = w ^ ma, xb = w ^ mb, xc = w ^ mc;
        if ((((xa - ones) & ~xa) | ((xb - ones) & ~xb) | ((xc - ones) & ~xc)) & highs) break;
        i += 8;
    }
    while (i < n && (unsigned char)s[i] != a && (unsigned char)s[i] != b &&
           (unsigned char)s[i] != c)
        i++;
    return i;
}

#endif
