/* json.h: a strict JSON (RFC 8259) reader over bytes in memory, for the readers built on it.
 *
 * Not a tree builder: a reader walks the document itself, asking for the piece it expects next
 * (a key, a string, a number, any value to skip), so that a transcript of a gigabyte is read
 * without a copy of its structure. Every failure is an error naming the file, the line and
 * column (code points) and what was expected there. podcast.c reads Podcasting 2.0 transcripts
 * with it, import.c samtal's own JSON export. The bytes must be valid UTF-8 without NUL (a
 * decoded text, or bytes checked with json_check_utf8). */
#ifndef SAMTAL_JSON_H
#define SAMTAL_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "vec.h"

#define JSON_MAX_DEPTH 256

typedef struct sm_json {
    const char *name; /* the file, for messages */
    const char *s;    /* the bytes, s[0..n) */
    size_t n, p;      /* p: where reading is */
    int depth;        /* nesting of the value being read, against JSON_MAX_DEPTH */
    sm_error *err;
} sm_json;

/* Called for each decoded character of a string: bytes[0..len) (UTF-8) stands for s[a..z) of
 * the input, the character itself or the whole escape. Returns 0, or -1 with the error set. */
typedef int (*json_char_fn)(void *ud, const char *bytes, size_t len, size_t a, size_t z);

/* A syntax error at s[at]: "x.json:3:17: expected ',' or '}' in object, found ']'". Returns -1. */
int json_fail(sm_json *j, size_t at, const char *what);

/* The 1-based line and column (in code points) of s[at], counted from the start. */
void json_position(const sm_json *j, size_t at, size_t *line, size_t *column);

void json_skip_ws(sm_json *j);

/* Reads the string at j->p (a '"') and leaves j->p after its closing quote. Each decoded
 * character goes to fn (when given) and is appended to plain (when given). A \u0000 escape is an
 * error: strings become C strings. */
int json_string(sm_json *j, json_char_fn fn, void *ud, sm_buf *plain);

/* Reads a number into *v (digits beyond a double's precision are dropped, the result may be off
 * in its last bit: times, not data to keep exactly). */
int json_number(sm_json *j, double *v);

/* Reads a non-negative integer below 2^53 exactly. */
int json_uint(sm_json *j, uint64_t *v, const char *what);

/* Reads the literal `word` (true, false, null). */
int json_word(sm_json *j, const char *word);

/* Reads and checks any value at j->p. */
int json_value(sm_json *j);

/* After a member's value: ',' (then the next key) or the end of the object. Returns 1 at the
 * end, 0 before another member, -1 on error. */
int json_next_member(sm_json *j);

/* After an array element: ',' (then the next element) or the end of the array. Returns 1 at the
 * end, 0 before another element, -1 on error. */
int json_next_element(sm_json *j);

/* Reads a member's key (at j->p) into key, NUL-terminated, and the ':' after it. */
int json_key(sm_json *j, sm_buf *key);

/* Writes d as the shortest decimal that reads back as the same double ("12.5", "0.1"), in
 * the C locale whatever the process's; out gets a NUL-terminated string. */
void json_format_double(double d, char out[32]);

/* Reads the number at s[a..z) (checked by json_number) exactly, in the C locale. */
double json_read_double(const char *s, size_t a, size_t z);

/* Checks that s[0..n) is UTF-8 without NUL bytes; 0, or -1 with err naming file, line and
 * column of the first bad byte. */
int json_check_utf8(const char *name, const char *s, size_t n, sm_error *err);

#endif
