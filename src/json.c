/* json.c: the strict JSON reader (see json.h), shared by the Podcasting 2.0 reader (podcast.c)
 * and the reader of samtal's own export (import.c). */
#include "json.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* The byte length of the UTF-8 character whose first byte is c (the input is valid UTF-8). */
static size_t char_len(unsigned char c) {
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void json_position(const sm_json *j, size_t at, size_t *line, size_t *column) {
    /* only errors ask, so a scan from the start is fine */
    size_t l = 1, col = 1;
    if (at > j->n) at = j->n;
    for (size_t k = 0; k < at; k++) {
        unsigned char c = (unsigned char)j->s[k];
        if (c == '\n') {
            l++;
            col = 1;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
    }
    *line = l;
    *column = col;
}

/* What stands at j->s[at], for a message: "'x'", "U+0001" or "the end of the file". */
static void describe(const sm_json *j, size_t at, char *out, size_t size) {
    if (at >= j->n)
        snprintf(out, size, "the end of the file");
    else if ((unsigned char)j->s[at] < 0x20)
        snprintf(out, size, "U+%04X", (unsigned)(unsigned char)j->s[at]);
    else
        snprintf(out, size, "'%.*s'", (int)char_len((unsigned char)j->s[at]), j->s + at);
}

int json_fail(sm_json *j, size_t at, const char *what) {
    char found[32];
    size_t line, col;
    describe(j, at, found, sizeof found);
    json_position(j, at, &line, &col);
    return sm_errorf(j->err, "%s:%zu:%zu: %s, found %s", j->name, line, col, what, found);
}

void json_skip_ws(sm_json *j) {
    while (j->p < j->n &&
           (j->s[j->p] == ' ' || j->s[j->p] == '\t' || j->s[j->p] == '\n' || j->s[j->p] == '\r'))
        j->p++;
}

static int hex4(const char *s, size_t n, size_t p, uint32_t *v) {
    if (p + 4 > n) return 0;
    *v = 0;
    for (size_t k = p; k < p + 4; k++) {
        char c = s[k];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) return 0;
        *v = *v * 16 + (uint32_t)d;
    }
    return 1;
}

int json_string(sm_json *j, json_char_fn fn, void *ud, sm_buf *plain) {
    const char *s = j->s;
    size_t open = j->p++;
    for (;;) {
        size_t a = j->p;
        if (a >= j->n) {
            size_t line, col, oline, ocol;
            json_position(j, a, &line, &col);
            json_position(j, open, &oline, &ocol);
            return sm_errorf(j->err,
                             "%s:%zu:%zu: unterminated string: expected '\"' before the end of "
                             "the file (the string starts at line %zu, column %zu)",
                             j->name, line, col, oline, ocol);
        }
        unsigned char c = (unsigned char)s[a];
        if (!fn && c >= 0x20 && c != '"' && c != '\\') { /* a run of plain bytes at once */
            size_t z = a + 1;
            while (z < j->n && (unsigned char)s[z] >= 0x20 && s[z] != '"' && s[z] != '\\')
                z++;
            if (plain && buf_append(plain, s + a, z - a))
                return sm_errorf(j->err, "%s: out of memory", j->name);
            j->p = z;
            continue;
        }
        if (c == '"') {
            j->p++;
            return 0;
        }
        if (c < 0x20)
            return json_fail(j, a,
                             "expected '\"' or a character of a string (a line break or other "
                             "control character must be written as an escape such as \\n)");
        char out[4];
        const char *bytes = s + a;
        size_t len;
        if (c == '\\') {
            char e = a + 1 < j->n ? s[a + 1] : '\0';
            const char *simple = e ? strchr("\"\\/bfnrt", e) : NULL;
            if (simple) {
                out[0] = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
                len = 1;
                j->p += 2;
            } else if (e == 'u') {
                uint32_t cp, lo;
                if (!hex4(s, j->n, a + 2, &cp))
                    return json_fail(j, a + 2, "expected four hex digits after \\u");
                j->p += 6;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return json_fail(j, a, "a low surrogate escape without a high one before it");
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (j->p + 1 >= j->n || s[j->p] != '\\' || s[j->p + 1] != 'u' ||
                        !hex4(s, j->n, j->p + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        return json_fail(j, j->p,
                                         "expected a low surrogate escape (\\uDC00 to \\uDFFF) "
                                         "after a high one");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    j->p += 6;
                }
                if (cp == 0) return json_fail(j, a, "a NUL character (\\u0000) in a string");
                len = (size_t)utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)out);
            } else {
                return json_fail(j, a + 1,
                                 "expected an escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t or "
                                 "\\uXXXX) after a backslash");
            }
            bytes = out;
        } else {
            len = char_len(c);
            j->p += len;
        }
        if (fn && fn(ud, bytes, len, a, j->p)) return -1;
        if (plain && buf_append(plain, bytes, len))
            return sm_errorf(j->err, "%s: out of memory", j->name);
    }
}

int json_number(sm_json *j, double *v) {
    const char *s = j->s;
    size_t p = j->p;
    int neg = 0;
    if (p < j->n && s[p] == '-') {
        neg = 1;
        p++;
    }
    double x = 0;
    if (p < j->n && s[p] == '0') {
        p++;
    } else if (p < j->n && s[p] >= '1' && s[p] <= '9') {
        while (p < j->n && s[p] >= '0' && s[p] <= '9')
            x = x * 10 + (s[p++] - '0');
    } else {
        return json_fail(j, p, "expected a digit");
    }
    if (p < j->n && s[p] == '.') {
        size_t d = ++p;
        double frac = 0, scale = 1;
        while (p < j->n && s[p] >= '0' && s[p] <= '9') {
            if (p - d < 17) { /* digits beyond a double's precision change nothing */
                frac = frac * 10 + (s[p] - '0');
                scale *= 10;
            }
            p++;
        }
        if (p == d) return json_fail(j, p, "expected a digit after '.' in a number");
        x += frac / scale; /* 2 + 25/100.0 is the double nearest 2.25 */
    }
    if (p < j->n && (s[p] == 'e' || s[p] == 'E')) {
        p++;
        int eneg = p < j->n && s[p] == '-';
        if (p < j->n && (s[p] == '+' || s[p] == '-')) p++;
        size_t d = p;
        long e = 0;
        while (p < j->n && s[p] >= '0' && s[p] <= '9') {
            if (e < 100000) e = e * 10 + (s[p] - '0');
            p++;
        }
        if (p == d) return json_fail(j, p, "expected a digit in the exponent of a number");
        for (; e > 0 && x != 0 && x < 1e308 && x > 1e-308; e--)
            x = eneg ? x / 10 : x * 10;
    }
    j->p = p;
    *v = neg ? -x : x;
    return 0;
}

int json_uint(sm_json *j, uint64_t *v, const char *what) {
    const char *s = j->s;
    size_t p = j->p;
    uint64_t x = 0;
    if (p < j->n && s[p] == '0') {
        p++;
    } else if (p < j->n && s[p] >= '1' && s[p] <= '9') {
        while (p < j->n && s[p] >= '0' && s[p] <= '9' && x < (1ull << 53))
            x = x * 10 + (uint64_t)(s[p++] - '0');
    } else {
        return json_fail(j, p, what);
    }
    if (x >= (1ull << 53) || (p < j->n && strchr(".eE0123456789", s[p]) && s[p]))
        return json_fail(j, j->p, what);
    j->p = p;
    *v = x;
    return 0;
}

int json_word(sm_json *j, const char *word) {
    size_t l = strlen(word);
    if (j->p + l > j->n || memcmp(j->s + j->p, word, l) != 0) {
        char what[48];
        snprintf(what, sizeof what, "expected '%s'", word);
        return json_fail(j, j->p, what);
    }
    j->p += l;
    return 0;
}

/* Reads an object or an array (at j->p) whose values are of no interest. */
static int json_container(sm_json *j) {
    char close = j->s[j->p] == '{' ? '}' : ']';
    const char *expect =
        close == '}' ? "expected ',' or '}' in object" : "expected ',' or ']' in array";
    if (++j->depth > JSON_MAX_DEPTH)
        return json_fail(j, j->p, "JSON nested too deeply (more than 256 levels)");
    j->p++;
    json_skip_ws(j);
    if (j->p < j->n && j->s[j->p] == close) {
        j->p++;
        j->depth--;
        return 0;
    }
    for (;;) {
        if (close == '}') {
            if (j->p >= j->n || j->s[j->p] != '"')
                return json_fail(j, j->p, "expected a string key");
            if (json_string(j, NULL, NULL, NULL)) return -1;
            json_skip_ws(j);
            if (j->p >= j->n || j->s[j->p] != ':')
                return json_fail(j, j->p, "expected ':' after an object key");
            j->p++;
            json_skip_ws(j);
        }
        if (json_value(j)) return -1;
        json_skip_ws(j);
        if (j->p < j->n && j->s[j->p] == ',') {
            j->p++;
            json_skip_ws(j);
            continue;
        }
        if (j->p < j->n && j->s[j->p] == close) {
            j->p++;
            j->depth--;
            return 0;
        }
        return json_fail(j, j->p, expect);
    }
}

int json_value(sm_json *j) {
    char c = j->p < j->n ? j->s[j->p] : '\0';
    double x;
    switch (c) {
    case '"':
        return json_string(j, NULL, NULL, NULL);
    case '{':
    case '[':
        return json_container(j);
    case 't':
        return json_word(j, "true");
    case 'f':
        return json_word(j, "false");
    case 'n':
        return json_word(j, "null");
    default:
        if (c == '-' || (c >= '0' && c <= '9')) return json_number(j, &x);
        return json_fail(j, j->p, "expected a JSON value");
    }
}

int json_next_member(sm_json *j) {
    json_skip_ws(j);
    if (j->p < j->n && j->s[j->p] == '}') {
        j->p++;
        return 1;
    }
    if (j->p >= j->n || j->s[j->p] != ',')
        return json_fail(j, j->p, "expected ',' or '}' in object");
    j->p++;
    json_skip_ws(j);
    return 0;
}

int json_next_element(sm_json *j) {
    json_skip_ws(j);
    if (j->p < j->n && j->s[j->p] == ']') {
        j->p++;
        return 1;
    }
    if (j->p >= j->n || j->s[j->p] != ',')
        return json_fail(j, j->p, "expected ',' or ']' in array");
    j->p++;
    json_skip_ws(j);
    return 0;
}

int json_key(sm_json *j, sm_buf *key) {
    if (j->p >= j->n || j->s[j->p] != '"') return json_fail(j, j->p, "expected a string key");
    key->n = 0;
    if (json_string(j, NULL, NULL, key) || buf_append(key, "", 0)) return -1;
    json_skip_ws(j);
    if (j->p >= j->n || j->s[j->p] != ':')
        return json_fail(j, j->p, "expected ':' after an object key");
    j->p++;
    json_skip_ws(j);
    return 0;
}

int json_check_utf8(const char *name, const char *s, size_t n, sm_error *err) {
    for (size_t p = 0; p < n;) {
        unsigned char c = (unsigned char)s[p];
        if (c >= 0x01 && c < 0x80) { /* ASCII, the bulk of an export: byte by byte */
            p++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k =
            c ? utf8proc_iterate((const utf8proc_uint8_t *)s + p, (utf8proc_ssize_t)(n - p), &cp)
              : -1;
        if (k < 0) {
            sm_json j = {name, s, n, 0, 0, err};
            size_t line, col;
            json_position(&j, p, &line, &col);
            return sm_errorf(err, "%s:%zu:%zu: %s (byte %zu)", name, line, col,
                             c ? "invalid UTF-8" : "a NUL byte", p);
        }
        p += (size_t)k;
    }
    return 0;
}

/* The C locale, for numbers written and read with '.' whatever LC_NUMERIC says (made once; a
 * failure leaves the process's locale, which is "C" unless a script changed it). */
static locale_t c_numeric(void) {
    static locale_t loc;
    if (!loc) loc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    return loc;
}

void json_format_double(double d, char out[32]) {
    locale_t loc = c_numeric(), old = loc ? uselocale(loc) : (locale_t)0;
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(out, 32, "%.*g", prec, d);
        if (prec == 17 || strtod(out, NULL) == d) break;
    }
    if (loc) uselocale(old);
}

double json_read_double(const char *s, size_t a, size_t z) {
    char num[64];
    size_t len = z - a < sizeof num - 1 ? z - a : sizeof num - 1;
    memcpy(num, s + a, len);
    num[len] = '\0';
    locale_t loc = c_numeric(), old = loc ? uselocale(loc) : (locale_t)0;
    double d = strtod(num, NULL);
    if (loc) uselocale(old);
    return d;
}
