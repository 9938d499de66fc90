/* encoding.c: UTF-16 and Windows-1252 to UTF-8, with a map back to the source (see encoding.h). */
#include "encoding.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const sm_encoding_names[ENC_COUNT] = {"utf-8", "utf-16le", "utf-16be", "windows-1252"};

/* Windows-1252's 0x80..0x9F; the five undefined bytes keep their C1 code points, as Latin-1. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

int encoding_by_name(const char *name) {
    static const struct {
        const char *name;
        int enc;
    } names[] = {{"utf-8", ENC_UTF8},       {"utf8", ENC_UTF8},     {"utf-16le", ENC_UTF16LE},
                 {"utf-16be", ENC_UTF16BE}, {"cp1252", ENC_CP1252}, {"windows-1252", ENC_CP1252},
                 {"latin-1", ENC_CP1252},   {"latin1", ENC_CP1252}, {"iso-8859-1", ENC_CP1252}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcasecmp(name, names[i].name) == 0) return names[i].enc;
    return -1;
}

/* The length of a well-formed UTF-8 sequence at b[0..n), or 0. */
static size_t utf8_seq(const unsigned char *b, size_t n) {
    unsigned char c = b[0];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || len > n) return 0;
    for (size_t k = 1; k < len; k++)
        if ((b[k] & 0xC0) != 0x80) return 0;
    if (len == 2 && c < 0xC2) return 0;                  /* overlong */
    if (len == 3 && c == 0xE0 && b[1] < 0xA0) return 0;  /* overlong */
    if (len == 3 && c == 0xED && b[1] >= 0xA0) return 0; /* surrogate */
    if (len == 4 && ((c == 0xF0 && b[1] < 0x90) || c > 0xF4 || (c == 0xF4 && b[1] >= 0x90)))
        return 0;
    return len;
}

int encoding_detect(const unsigned char *b, size_t n) {
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE) return ENC_UTF16LE;
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF) return ENC_UTF16BE;
    int invalid = 0;
    for (size_t i = 0; i < n;) {
        if (b[i] < 0x80) { /* ASCII, most bytes: eight at a time */
            uint64_t w;
            while (i + 8 <= n && (memcpy(&w, b + i, 8), !(w & 0x8080808080808080ULL)))
                i += 8;
            while (i < n && b[i] < 0x80)
                i++;
            continue;
        }
        if (utf8_seq(b + i, n - i)) return ENC_UTF8; /* one sequence makes it UTF-8 */
        invalid = 1;
        i++;
    }
    return invalid ? ENC_CP1252 : ENC_UTF8;
}

static int put_utf8(sm_buf *out, uint32_t cp) {
    char u[4];
    size_t k;
    if (cp < 0x80)
        u[0] = (char)cp, k = 1;
    else if (cp < 0x800)
        u[0] = (char)(0xC0 | cp >> 6), u[1] = (char)(0x80 | (cp & 0x3F)), k = 2;
    else if (cp < 0x10000)
        u[0] = (char)(0xE0 | cp >> 12), u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        u[2] = (char)(0x80 | (cp & 0x3F)), k = 3;
    else
        u[0] = (char)(0xF0 | cp >> 18), u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), u[3] = (char)(0x80 | (cp & 0x3F)), k = 4;
    return buf_append(out, u, k);
}

int encoding_to_utf8(const char *name, const unsigned char *b, size_t n, int enc,
                     unsigned char **out, size_t *outlen, sm_offmap *map, sm_error *err) {
    sm_buf o = {0};
    size_t i = 0;
    int oom = 0;
    if (enc == ENC_UTF16LE || enc == ENC_UTF16BE) {
        int le = enc == ENC_UTF16LE;
        if (n >= 2 &&
            ((le && b[0] == 0xFF && b[1] == 0xFE) || (!le && b[0] == 0xFE && b[1] == 0xFF)))
            i = 2; /* the byte order mark */
        while (!oom && i < n) {
            if (n - i < 2) {
                buf_free(&o);
                return sm_errorf(
                    err, "%s: UTF-16 cut in the middle of a code unit at byte offset %zu", name, i);
            }
            uint32_t u = le ? (uint32_t)(b[i] | b[i + 1] << 8) : (uint32_t)(b[i] << 8 | b[i + 1]);
            size_t step = 2;
            if (u >= 0xD800 && u <= 0xDBFF && n - i >= 4) {
                uint32_t lo = le ? (uint32_t)(b[i + 2] | b[i + 3] << 8)
                                 : (uint32_t)(b[i + 2] << 8 | b[i + 3]);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    step = 4;
                }
            }
            if (u >= 0xD800 && u <= 0xDFFF) {
                buf_free(&o);
                return sm_errorf(err, "%s: UTF-16 with an unpaired surrogate at byte offset %zu",
                                 name, i);
            }
            oom = text_map_point(map, o.n, i) || put_utf8(&o, u);
            i += step;
        }
    } else { /* Windows-1252 */
        for (; !oom && i < n; i++) {
            uint32_t cp = b[i] < 0x80 ? b[i] : b[i] < 0xA0 ? cp1252_high[b[i] - 0x80] : b[i];
            oom = text_map_point(map, o.n, i) || put_utf8(&o, cp);
        }
    }
    if (oom || text_map_point(map, o.n, n) || buf_append(&o, "", 0)) {
        buf_free(&o);
        return sm_errorf(err, "%s: out of memory while transcoding", name);
    }
    *out = (unsigned char *)o.s;
    *outlen = o.n;
    return 0;
}
