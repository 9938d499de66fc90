/* fuzz_segment.c: libFuzzer target, UAX #29 segmentation and the tokeniser's helpers over
 * arbitrary bytes (segment.h, tokenize.h).
 *
 * The input is the text, taken twice: as raw bytes (segment.h promises that malformed or cut
 * UTF-8 is segmented without reading past the end) and as text_decode() leaves it (NFC, LF line
 * ends, invalid UTF-8 replaced: what the tokeniser really sees). Over each, word boundaries
 * (plain and with SEG_JOIN_HYPHENS) and sentence boundaries are walked from 0, and each must lie
 * strictly after the one before and at most at the end, or the target aborts; each word segment
 * then gets its kind (tokenize_kind) and its case folding (corpus_fold), as the tokeniser does.
 * A crash, a sanitizer report, a broken boundary invariant or a timeout is a finding.
 *
 *   build: make fuzz
 *   run:   build/fuzz/bin/segment -max_len=1024 corpus_dir...   */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "corpus.h"
#include "segment.h"
#include "text.h"
#include "tokenize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void words(const char *s, size_t len, unsigned flags) {
    for (size_t pos = 0, next; pos < len; pos = next) {
        next = seg_next_word(s, len, pos, flags);
        if (next <= pos || next > len) abort(); /* no progress, or past the end */
        if (next != seg_next_word_rules(s, len, pos, flags)) abort(); /* the fast path differs */
        sink += (size_t)tokenize_kind(s + pos, next - pos);
        size_t n = 0;
        char *f = corpus_fold(s + pos, next - pos, &n);
        sink += n;
        free(f);
    }
    if (seg_next_word(s, len, len, flags) != len) abort();
}

static void sentences(const char *s, size_t len) {
    for (size_t pos = 0, next; pos < len; pos = next) {
        next = seg_next_sentence(s, len, pos);
        if (next <= pos || next > len) abort();
    }
    if (seg_next_sentence(s, len, len) != len) abort();
}

/* Valid UTF-8 without CR, NUL or U+FEFF decodes to its NFC as utf8proc gives it, whatever runs
 * the decoder copies whole: each text offset maps back to a source offset in the source. */
static void same_as_nfc(const uint8_t *data, size_t size, const sm_text *t) {
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\r' || data[i] == 0) return;
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t m = utf8proc_map(data, (utf8proc_ssize_t)size, &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (m < 0) return; /* not valid UTF-8 */
    int has_bom = 0;
    for (utf8proc_ssize_t i = 0; i + 2 < m; i++)
        has_bom |= nfc[i] == 0xEF && nfc[i + 1] == 0xBB && nfc[i + 2] == 0xBF;
    if (!has_bom && ((size_t)m != t->len || memcmp(nfc, t->s, t->len) != 0)) abort();
    free(nfc);
    for (size_t k = 0; k <= t->len; k++)
        if (text_source_offset(t, k) > size) abort();
}

static void all(const char *s, size_t len) {
    words(s, len, 0);
    words(s, len, SEG_JOIN_HYPHENS);
    sentences(s, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* a copy of exactly `size` bytes, so that a read past the end is caught */
    char *raw = malloc(size ? size : 1);
    if (!raw) return 0;
    for (size_t i = 0; i < size; i++)
        raw[i] = (char)data[i];
    all(raw, size);
    free(raw);
    sm_text t;
    sm_error err;
    if (text_decode("fuzz", data, size, TEXT_INVALID_REPLACE, &t, &err) == 0) {
        all(t.s, t.len);
        same_as_nfc(data, size, &t);
        text_free(&t);
    }
    return 0;
}
