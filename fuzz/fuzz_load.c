/* fuzz_load.c: libFuzzer target, a whole document loaded from bytes.
 *
 * The input is the file. It is loaded as corpus_add_file() loads one (corpus_add_bytes() under a
 * fixed name whose ending, FUZZ_EXT, picks the reader: built once per ending, .txt .md .vtt .srt
 * .vrt and, where the core has them, .json and .html), the corpus is finished, and then read
 * every way the binding reads one (walk.h). Twice: with the default options, then with invalid
 * UTF-8 replaced, hyphenated compounds joined, VRT columns named by the caller, and the encoding
 * forced by the input's length (n % 4: detected, UTF-16LE, UTF-16BE, Windows-1252), so that the
 * transcoders see every input too; a third time with on_error = "skip" (opts.skip), so that
 * the readers go on past every damaged part. spec/fuzz_corpus_spec.lua replays the passes through
 * samtal.open. A clean error is fine; a crash, a sanitizer report or a leak is a finding.
 *
 *   build: make fuzz (clang -fsanitize=fuzzer,address,undefined -DFUZZ_EXT='".vtt"' ...)
 *   run:   build/fuzz/bin/load_vtt -max_len=1024 corpus_dir...   */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "corpus.h"
#include "encoding.h"
#include "segment.h"
#include "walk.h"

#ifndef FUZZ_EXT
#define FUZZ_EXT ".txt"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void load(const uint8_t *data, size_t size, const sm_load_opts *opts,
                 const char *const *vrt_names) {
    sm_corpus c;
    sm_error err;
    corpus_init(&c, opts);
    c.vrt_names = vrt_names;
    if (corpus_add_bytes(&c, "fuzz/input" FUZZ_EXT, data, size, &err) == 0 &&
        corpus_finish(&c, &err) == 0)
        fuzz_walk(&c);
    corpus_free(&c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const names[] = {"lemma", "pos", NULL};
    static const int forced[4] = {-1, ENC_UTF16LE, ENC_UTF16BE, ENC_CP1252};
    load(data, size, NULL, NULL);
    sm_load_opts opts;
    memset(&opts, 0, sizeof opts); /* other options at their defaults (format: detected) */
    opts.invalid = TEXT_INVALID_REPLACE;
    opts.encoding = forced[size % 4];
    opts.seg_flags = SEG_JOIN_HYPHENS;
    load(data, size, &opts, names);
    memset(&opts, 0, sizeof opts);
    opts.encoding = -1;
    opts.skip = 1;
    load(data, size, &opts, NULL);
    return 0;
}
