/* textpack.h: a document's text kept compressed (zstd) while nothing reads it.
 *
 * A saved corpus keeps each text as a zstd frame (store.c, section text_packed), and `samtal
 * index` keeps each text so in memory from the moment its document is tokenised, so that building
 * a corpus holds a third of its text rather than all of it. Whatever reads a text asks for it
 * through corpus_doc_text (corpus.h), which decompresses it on first use. */
#ifndef SAMTAL_TEXTPACK_H
#define SAMTAL_TEXTPACK_H

#include <stddef.h>

#include <zstd.h>

/* zstd's level 3 (its default): on transcripts a third of the text or less, compressed at
 * some 300-500 MB/s a core and decompressed at 1 GB/s or more. */
#define TEXTPACK_LEVEL 3
/* Shorter texts are kept as they are: a frame's header and table would take what it saves. */
#define TEXTPACK_MIN 128
/* Frames are under 2 GiB (a text that would need one is kept as it is): a saved corpus uses the
 * top bit of a frame's size for a flag (store.c, section text_packed). */
#define TEXTPACK_MAX_FRAME ((size_t)1 << 31)

/* A compression context at TEXTPACK_LEVEL whose frames end in a checksum of their text, so that
 * a damaged frame is an error when it is decompressed; NULL if memory ran out. Free it with
 * ZSTD_freeCCtx. */
ZSTD_CCtx *textpack_context(void);

/* s[0..len) compressed with cx into a malloc'd frame of *frame_len bytes, or NULL where that
 * does not pay (a text shorter than TEXTPACK_MIN, or no smaller compressed), the frame would
 * reach TEXTPACK_MAX_FRAME, cx is NULL or
 * memory ran out: the text is then kept as it is, which loses nothing. */
void *textpack_compress(ZSTD_CCtx *cx, const char *s, size_t len, size_t *frame_len);

/* Decompresses a frame that holds exactly len bytes into out[0..len] (a NUL after them): 0, or
 * -1 with *why set to zstd's word for what is wrong (or "a wrong length"). */
int textpack_decompress(ZSTD_DCtx *dx, const void *frame, size_t frame_len, char *out, size_t len,
                        const char **why);

#endif
