/* encoding.h: bringing a source file's bytes to UTF-8 before decoding.
 *
 * UTF-8 (with or without a byte order mark) passes through untouched. UTF-16 with a byte order
 * mark, and Windows-1252 (a superset of Latin-1, common in older Swedish text) are transcoded;
 * the transcoding records where each piece of its output came from in the source, so that
 * offsets still point into the original file (text_compose_map). */
#ifndef SAMTAL_ENCODING_H
#define SAMTAL_ENCODING_H

#include <stddef.h>

#include "error.h"
#include "text.h"

enum { ENC_UTF8 = 0, ENC_UTF16LE, ENC_UTF16BE, ENC_CP1252, ENC_COUNT };
extern const char *const sm_encoding_names[ENC_COUNT];

/* The encoding called `name` ("utf-8", "utf-16le", "utf-16be", "cp1252", "windows-1252",
 * "latin-1", "iso-8859-1", any case), or -1. */
int encoding_by_name(const char *name);

/* Which encoding the bytes are in: a UTF-16 byte order mark says so; valid UTF-8 is UTF-8; bytes
 * that are not UTF-8 but hold at least one well-formed multi-byte UTF-8 sequence are damaged
 * UTF-8 (ENC_UTF8: the decoder then reports the damage); other bytes above 0x7F are Windows-1252.
 */
int encoding_detect(const unsigned char *bytes, size_t n);

/* Transcodes bytes in encoding `enc` (not ENC_UTF8) to UTF-8: *out (malloc'd) of *outlen bytes
 * and *map, points from output offsets to source offsets. Errors (a cut UTF-16 unit, an unpaired
 * surrogate) name the file and the byte offset. */
int encoding_to_utf8(const char *name, const unsigned char *bytes, size_t n, int enc,
                     unsigned char **out, size_t *outlen, sm_offmap *map, sm_error *err);

#endif
