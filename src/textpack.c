/* textpack.c: a document's text kept compressed (see textpack.h). */
#include "textpack.h"

#include <stdlib.h>

ZSTD_CCtx *textpack_context(void) {
    ZSTD_CCtx *cx = ZSTD_createCCtx();
    if (cx && (ZSTD_isError(ZSTD_CCtx_setParameter(cx, ZSTD_c_compressionLevel, TEXTPACK_LEVEL)) ||
               ZSTD_isError(ZSTD_CCtx_setParameter(cx, ZSTD_c_checksumFlag, 1)))) {
        ZSTD_freeCCtx(cx);
        cx = NULL;
    }
    return cx;
}

void *textpack_compress(ZSTD_CCtx *cx, const char *s, size_t len, size_t *frame_len) {
    *frame_len = 0;
    if (!cx || !s || len < TEXTPACK_MIN) return NULL;
    size_t cap = ZSTD_compressBound(len);
    void *f = malloc(cap);
    if (!f) return NULL;
    size_t got = ZSTD_compress2(cx, f, cap, s, len);
    if (ZSTD_isError(got) || got >= len || got >= TEXTPACK_MAX_FRAME) {
        free(f);
        return NULL;
    }
    void *fit = realloc(f, got); /* the bound is larger than the text */
    if (fit) f = fit;
    *frame_len = got;
    return f;
}

int textpack_decompress(ZSTD_DCtx *dx, const void *frame, size_t frame_len, char *out, size_t len,
                        const char **why) {
    size_t got = ZSTD_decompressDCtx(dx, out, len, frame, frame_len);
    if (ZSTD_isError(got)) {
        *why = ZSTD_getErrorName(got);
        return -1;
    }
    if (got != len) {
        *why = "a wrong length";
        return -1;
    }
    out[len] = '\0';
    return 0;
}
