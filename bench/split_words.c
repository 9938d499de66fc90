/* split_words.c: the benchmark's floor for loading: a plain C loop that reads every file under
 * the given directories and only splits the text into words (a byte table: ASCII letters and
 * digits and every byte of a multi-byte UTF-8 character are word bytes), counting them. No
 * decoding, normalisation, sentences, lexicon or index: what is left when all of those are free.
 * usage: split_words DIR... ; prints "<bytes> <words> <seconds>". */
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
    int in_word = 0;
    uint64_t words = 0;
    for (size_t i = 0; i < n; i++) {
        int w = word_byte[buf[i]];
        words += w & !in_word;
        in_word = w;
    }
    total_bytes += n;
    total_words += words;
    return 0;
}

int main(int argc, char **argv) {
    for (int ch = 0; ch < 256; ch++)
        word_byte[ch] = (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                        (ch >= 'a' && ch <= 'z') || ch >= 0x80;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 1; i < argc; i++)
        if (nftw(argv[i], visit, 16, FTW_PHYS) != 0) return 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("%llu %llu %.3f\n", (unsigned long long)total_bytes, (unsigned long long)total_words,
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
    free(buf);
    return 0;
}
