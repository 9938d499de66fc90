/* podcast.c: reading Podcasting 2.0 transcripts: the JSON format and the HTML format.
 *
 * The podcast namespace (podcastindex.org, "transcript" tag) defines both:
 *
 *   JSON  {"version": "1.0.0", "segments": [{"speaker": "Darth Vader", "startTime": 0.5,
 *          "endTime": 0.75, "body": "I"}, ...]}
 *         and OpenAI Whisper's and whisperX's JSON, whose segments say "text", "start" and "end"
 *         (whisperX also "speaker"; their "words" are passed over)
 *   HTML  <cite>Kevin:</cite> <time>0:00</time> <p>We have an update planned ...</p>
 *
 * Whisper's TSV ("start<TAB>end<TAB>text", a segment a line, milliseconds) is read here too, by
 * the builder of the JSON reader, as whisper.cpp's JSON is.
 *
 * A segment (JSON) or a paragraph (HTML) is a piece of one speaker's talk: a word, a sentence or
 * a monologue. As with subtitle cues (vtt.c), a turn is a run of pieces by one speaker: a piece
 * that names a speaker other than the current one starts a turn, a piece that names none (or
 * the same one) continues it. The turn starts at its first piece's time. JSON pieces are joined
 * by one space; HTML paragraphs of one turn by a blank line.
 *
 * Like vrt.c and vtt.c, a reader builds a new text: the turns' text, decoded (JSON escapes, HTML
 * entities) and with markup left out, and an offset map and line table that point each character
 * back to its bytes in the source. A character written as an escape ("\u00e5") or an entity
 * ("&aring;") maps to the whole escape, so a token's byte range in the source is exactly what
 * the source spells it with.
 *
 * The JSON parser is strict (RFC 8259): a damaged file is an error naming file, line and column
 * and what was expected there, never a guess. HTML is read as browsers read it, leniently, but
 * a tag or comment left open at the end of the file, and a file without <p> paragraphs, are
 * errors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "json.h"
#include "layout.h"

/* ------------------------------------------------------------------------------------------ */
/* The turn builder both formats share. */

/* One decoded character waiting to be written, and where it came from. */
typedef struct piece {
    uint32_t off, len; /* its bytes in builder.val */
    uint32_t a, z;     /* its bytes in t->s: the character, or the whole escape or entity */
} piece;

typedef struct builder {
    const char *name;
    const sm_text *t;
    sm_layout lay;
    sm_buf syn; /* the new text */
    sm_offmap map;
    VEC(uint32_t) lines; /* per source line, where it starts in syn */
    uint32_t cur;        /* the open turn, or LAYOUT_NONE */
    /* What the current piece asks for, applied at its first character: a new turn. */
    int want_turn;
    uint32_t want_speaker;
    double want_start;
    int space, para;  /* a space, or a blank line, is due before the next character */
    int outside;      /* text goes before the turns, into no turn (the HTML title) */
    sm_buf val;       /* decoded characters waiting to be written ... */
    VEC(piece) chars; /* ... one by one */
    sm_error *err;
} builder;

static void builder_init(builder *b, const char *name, const sm_text *t, sm_error *err) {
    memset(b, 0, sizeof *b);
    b->name = name;
    b->t = t;
    b->cur = b->want_speaker = LAYOUT_NONE;
    b->want_start = -1;
    b->err = err;
}

static void builder_free(builder *b) {
    buf_free(&b->syn);
    free(b->map.v);
    free(b->lines.v);
    buf_free(&b->val);
    free(b->chars.v);
    layout_free(&b->lay);
}

static int oom(builder *b) {
    return sm_errorf(b->err, "%s: out of memory", b->name);
}

/* Gives source lines up to line i (0-based) their start in the new text. */
static int sync_lines(builder *b, size_t i) {
    while (b->lines.n <= i)
        if (VEC_PUSH(b->lines, (uint32_t)b->syn.n)) return -1;
    return 0;
}

static int open_turn(builder *b) {
    if (b->syn.n && buf_append(&b->syn, "\n\n", 2)) return -1;
    uint32_t who = b->want_turn ? b->want_speaker : LAYOUT_NONE;
    double start = b->want_turn ? b->want_start : -1;
    sm_rawturn turn = {who, (uint32_t)b->lay.segs.n, 1, (uint32_t)b->syn.n, start};
    sm_segment seg = {(uint32_t)b->syn.n, (uint32_t)b->syn.n, SEP_NONE};
    if (VEC_PUSH(b->lay.turns, turn) || VEC_PUSH(b->lay.stops, -1.0) || VEC_PUSH(b->lay.segs, seg))
        return -1;
    b->cur = (uint32_t)b->lay.turns.n - 1;
    b->want_turn = 0;
    return 0;
}

/* Writes s[0..len), which stands for t->s[a..z), opening a turn if one is due. */
static int put(builder *b, const char *s, size_t len, size_t a, size_t z) {
    if (b->outside) {
        if (b->space && b->syn.n && buf_putc(&b->syn, ' ')) return -1;
    } else if (b->want_turn || b->cur == LAYOUT_NONE) {
        if (open_turn(b)) return -1;
    } else if (b->para) {
        if (buf_append(&b->syn, "\n\n", 2)) return -1;
    } else if (b->space && buf_putc(&b->syn, ' ')) {
        return -1;
    }
    b->space = b->para = 0;
    if (sync_lines(b, text_line_of(b->t, a) - 1) ||
        text_map_point(&b->map, b->syn.n, text_source_offset(b->t, a)) ||
        buf_append(&b->syn, s, len) ||
        text_map_point(&b->map, b->syn.n, text_source_offset(b->t, z)))
        return -1;
    if (!b->outside) b->lay.segs.v[b->lay.segs.n - 1].end = (uint32_t)b->syn.n;
    return 0;
}

/* Queues one decoded character, s[0..len), that stands for t->s[a..z). */
static int add_char(builder *b, const char *s, size_t len, size_t a, size_t z) {
    piece c = {(uint32_t)b->val.n, (uint32_t)len, (uint32_t)a, (uint32_t)z};
    return buf_append(&b->val, s, len) || VEC_PUSH(b->chars, c) ? -1 : 0;
}

/* As in text.c: a code point NFC leaves alone whatever stands next to it. */
static int nfc_stable_alone(int32_t cp) {
    return cp < 0x300 || (cp >= 0x2010 && cp <= 0x2027) || (cp >= 0x2030 && cp <= 0x205E) ||
           cp == 0xFFFD;
}

/* Writes the queued characters: white space (and other control characters) as at most one
 * space, and each run of non-ASCII characters with the ASCII character before it normalised to
 * NFC, as text.c does the source. A run that NFC changes (a letter written "e\u0301") maps to the
 * bytes of the whole run; every other character maps to its own bytes. */
static int flush_text(builder *b) {
    const piece *c = b->chars.v;
    size_t n = b->chars.n;
    for (size_t i = 0; i < n;) {
        const char *s = b->val.s + c[i].off;
        if (c[i].len == 1 && ((unsigned char)s[0] <= ' ')) {
            b->space = 1;
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < n && c[j].len > 1)
            j++;
        int unstable = 0;
        for (size_t k = i; k < j && !unstable; k++) {
            utf8proc_int32_t cp;
            utf8proc_iterate((const utf8proc_uint8_t *)b->val.s + c[k].off, c[k].len, &cp);
            unstable = !nfc_stable_alone(cp);
        }
        if (unstable) {
            size_t len = c[j - 1].off + c[j - 1].len - c[i].off;
            utf8proc_uint8_t *res = NULL;
            utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
                                              &res, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
            if (m < 0) return -1;
            if ((size_t)m != len || memcmp(res, s, len) != 0) {
                int rc = put(b, (const char *)res, (size_t)m, c[i].a, c[j - 1].z);
                free(res);
                if (rc) return -1;
                i = j;
                continue;
            }
            free(res);
        }
        for (; i < j; i++)
            if (put(b, b->val.s + c[i].off, c[i].len, c[i].a, c[i].z)) return -1;
    }
    b->chars.n = 0;
    b->val.n = 0;
    return 0;
}

/* The speaker a new piece is compared with: the one of the turn due or open. */
static uint32_t current_speaker(const builder *b) {
    if (b->want_turn) return b->want_speaker;
    return b->cur == LAYOUT_NONE ? LAYOUT_NONE : b->lay.turns.v[b->cur].speaker;
}

/* A piece said by name[0..len) (name NULL: not said) starting at `start` (-1: not known). It
 * starts a turn if it names someone other than the current speaker, or if no turn is open; else
 * it continues the turn, and *cont says whether that turn is already open (has text). */
static int piece_by(builder *b, const char *name, size_t len, double start, int *cont) {
    int open = b->want_turn || b->cur != LAYOUT_NONE;
    uint32_t now = current_speaker(b);
    *cont = 0;
    if (open && (!name || (now != LAYOUT_NONE && strlen(b->lay.names.s + now) == len &&
                           memcmp(b->lay.names.s + now, name, len) == 0))) {
        if (b->want_turn && b->want_start < 0) b->want_start = start;
        *cont = !b->want_turn;
        return 0;
    }
    uint32_t who = LAYOUT_NONE;
    if (name && (who = layout_name(&b->lay, name, len)) == LAYOUT_NONE) return -1;
    b->want_turn = 1;
    b->want_speaker = who;
    b->want_start = start;
    return 0;
}

/* Hands the built text and layout over to the document; b is spent. */
static int finish(builder *b, sm_text *t, sm_layout *out) {
    if (sync_lines(b, t->nlines - 1) || VEC_PUSH(b->lay.pages, 0) || buf_append(&b->syn, "", 0))
        return -1;
    sm_text nt = {b->syn.s,   b->syn.n,   b->map.v,      b->map.n,
                  b->lines.v, b->lines.n, t->source_len, t->replacements};
    text_free(t);
    *t = nt;
    *out = b->lay;
    buf_free(&b->val);
    free(b->chars.v);
    return 0;
}

/* Trims white space at both ends of s[*a..*z). */
static void trim(const char *s, size_t *a, size_t *z) {
    while (*a < *z && (unsigned char)s[*a] <= ' ')
        (*a)++;
    while (*z > *a && (unsigned char)s[*z - 1] <= ' ')
        (*z)--;
}

/* The byte length of the UTF-8 character whose first byte is c (the text is valid UTF-8). */
static size_t char_len(unsigned char c) {
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

static int ends_with_ci(const char *name, const char *ext) {
    size_t n = strlen(name), l = strlen(ext);
    if (n <= l) return 0;
    for (size_t k = 0; k < l; k++) {
        char c = name[n - l + k];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != ext[k]) return 0;
    }
    return 1;
}

static int starts_with_ci(const char *s, size_t n, const char *word) {
    size_t l = strlen(word);
    if (n < l) return 0;
    for (size_t k = 0; k < l; k++) {
        char c = s[k];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != word[k]) return 0;
    }
    return 1;
}

/* Reads a clock time at s[0..n): [[h:]m:]s[.frac] (a comma for the dot too), minutes and seconds
 * of two digits after a colon. Returns 1 with *secs set, or 0. */
static int parse_clock(const char *s, size_t n, double *secs) {
    double t = 0;
    size_t p = 0;
    int parts = 0;
    for (;;) {
        size_t d = p;
        double v = 0;
        while (p < n && s[p] >= '0' && s[p] <= '9' && p - d < 9)
            v = v * 10 + (s[p++] - '0');
        if (p == d || (parts > 0 && (p - d != 2 || v >= 60)) || ++parts > 3) return 0;
        t = t * 60 + v;
        if (p < n && s[p] == ':') {
            p++;
            continue;
        }
        break;
    }
    if (p < n && (s[p] == '.' || s[p] == ',')) {
        size_t d = ++p;
        double frac = 0, scale = 1;
        while (p < n && s[p] >= '0' && s[p] <= '9' && p - d < 9) {
            frac = frac * 10 + (s[p++] - '0');
            scale *= 10;
        }
        if (p == d) return 0;
        t += frac / scale;
    }
    if (p != n) return 0;
    *secs = t;
    return 1;
}

/* ------------------------------------------------------------------------------------------ */
/* JSON */

int layout_is_json(const char *name, const sm_text *t) {
    if (ends_with_ci(name, ".json")) return 1;
    size_t a = strspn(t->s, " \t\n");
    if (a >= t->len || t->s[a] != '{') return 0;
    /* a JSON object with "segments" in it */
    static const char key[] = "\"segments\"";
    for (const char *p = t->s + a; (p = memchr(p, '"', t->len - (size_t)(p - t->s))) != NULL; p++)
        if ((size_t)(t->s + t->len - p) >= sizeof key - 1 && memcmp(p, key, sizeof key - 1) == 0)
            return 1;
    return 0;
}

/* A decoded character of a segment's body, queued in the builder (json_char_fn). */
static int builder_char(void *ud, const char *bytes, size_t len, size_t a, size_t z) {
    builder *b = ud;
    return add_char(b, bytes, len, a, z) ? oom(b) : 0;
}

/* A time in seconds: a number, or a string holding a clock time ("00:01:02.5") or a number. */
static int json_time(sm_json *j, const char *key, double *t) {
    char what[80];
    snprintf(what, sizeof what, "expected a time in seconds for \"%s\"", key);
    size_t at = j->p;
    if (at < j->n && j->s[at] == '"') {
        sm_buf v = {0};
        int rc = json_string(j, NULL, NULL, &v);
        size_t a = 0, z = v.n;
        if (rc == 0 && v.s) trim(v.s, &a, &z);
        int ok = rc == 0 && v.s && parse_clock(v.s + a, z - a, t);
        buf_free(&v);
        if (rc) return -1;
        return ok ? 0 : json_fail(j, at, what);
    }
    if (at < j->n && (j->s[at] == '-' || (j->s[at] >= '0' && j->s[at] <= '9')))
        return json_number(j, t);
    if (at < j->n && j->s[at] == 'n') { /* null: not known */
        *t = -1;
        return json_word(j, "null");
    }
    return json_fail(j, at, what);
}

/* Reads one segment (at j->p, a '{') and hands it to the builder. Its members may come in any
 * order, so the body is only checked here and decoded once the speaker is known. */
static int json_segment(sm_json *j, builder *b, sm_buf *key) {
    size_t body = SIZE_MAX;
    double start = -1, stop = -1;
    sm_buf speaker = {0};
    int named = 0, rc = -1, has_body = 0;
    j->p++;
    json_skip_ws(j);
    int end = j->p < j->n && j->s[j->p] == '}';
    if (end) j->p++;
    while (!end) {
        if (json_key(j, key)) goto done;
        if (strcmp(key->s, "speaker") == 0) {
            if (j->p < j->n && j->s[j->p] == '"') {
                speaker.n = 0;
                if (json_string(j, NULL, NULL, &speaker)) goto done;
                named = 1;
            } else if (j->p < j->n && j->s[j->p] == 'n') {
                if (json_word(j, "null")) goto done;
                named = 0;
            } else {
                json_fail(j, j->p, "expected a string (or null) for \"speaker\"");
                goto done;
            }
        } else if (strcmp(key->s, "body") == 0 || (strcmp(key->s, "text") == 0 && !has_body)) {
            has_body |= strcmp(key->s, "body") == 0; /* Whisper's "text" when there is no "body" */
            if (j->p < j->n && j->s[j->p] == '"') {
                body = j->p;
                if (json_string(j, NULL, NULL, NULL)) goto done;
            } else if (j->p < j->n && j->s[j->p] == 'n') {
                if (json_word(j, "null")) goto done;
                body = SIZE_MAX;
            } else {
                json_fail(j, j->p, "expected a string for \"body\"");
                goto done;
            }
        } else if (strcmp(key->s, "startTime") == 0 || strcmp(key->s, "start") == 0) {
            if (json_time(j, key->s, &start)) goto done;
        } else if (strcmp(key->s, "endTime") == 0 || strcmp(key->s, "end") == 0) {
            if (json_time(j, key->s, &stop)) goto done;
        } else if (strcmp(key->s, "offsets") == 0 && j->p < j->n && j->s[j->p] == '{') {
            /* whisper.cpp: {"from": 0, "to": 3480}, in milliseconds */
            j->p++;
            json_skip_ws(j);
            int last = j->p < j->n && j->s[j->p] == '}';
            if (last) j->p++;
            while (!last) {
                if (json_key(j, key)) goto done;
                double ms;
                int from = strcmp(key->s, "from") == 0, to = strcmp(key->s, "to") == 0;
                if (from || to) {
                    if (json_time(j, key->s, &ms)) goto done;
                    *(from ? &start : &stop) = ms / 1000;
                } else if (json_value(j)) {
                    goto done;
                }
                int next = json_next_member(j);
                if (next < 0) goto done;
                last = next;
            }
        } else if (json_value(j)) {
            goto done;
        }
        int next = json_next_member(j);
        if (next < 0) goto done;
        end = next;
    }
    size_t a = 0, z = speaker.n;
    if (named && speaker.s) trim(speaker.s, &a, &z);
    int cont;
    if (piece_by(b, named && z > a ? speaker.s + a : NULL, z - a, start, &cont)) {
        oom(b);
        goto done;
    }
    if (body != SIZE_MAX) {
        size_t after = j->p, from = b->syn.n;
        j->p = body;
        if (json_string(j, builder_char, b, NULL) || flush_text(b)) {
            oom(b);
            goto done;
        }
        j->p = after;
        /* the segment's own times go to its tokens (a separator before it holds none) */
        sm_timespan span = {(uint32_t)from, (uint32_t)b->syn.n, start, stop};
        if ((start >= 0 || stop >= 0) && b->syn.n > from && VEC_PUSH(b->lay.timed, span)) {
            oom(b);
            goto done;
        }
        b->space = 1; /* the next segment's text goes on after a space */
        /* a turn of several segments stops where the last of them does */
        if (stop >= 0 && b->cur != LAYOUT_NONE) b->lay.stops.v[b->cur] = stop;
    }
    rc = 0;
done:
    buf_free(&speaker);
    return rc;
}

/* On past a damaged segment (on_error = "skip"), from j->p: to the next segment, the '{' after the
 * next "}," (1), or past the ']' after the next '}' that closes the array (2); 0 at the end of the
 * file (a truncated file: what came before is kept). A '}' in a string may mislead it, which
 * costs at most another damaged segment, told as such. */
static int next_segment(sm_json *j) {
    for (size_t q = j->p; q < j->n; q++) {
        if (j->s[q] != '}') continue;
        j->p = q + 1;
        json_skip_ws(j);
        if (j->p < j->n && j->s[j->p] == ',') {
            j->p++;
            json_skip_ws(j);
            if (j->p < j->n && j->s[j->p] == '{') return 1;
        } else if (j->p < j->n && j->s[j->p] == ']') {
            j->p++;
            return 2;
        }
    }
    j->p = j->n;
    return 0;
}

int layout_json(const char *name, sm_text *t, sm_layout *out, sm_error *err) {
    sm_json j = {name, t->s, t->len, 0, 0, err};
    builder b;
    builder_init(&b, name, t, err);
    sm_buf key = {0};
    int segments = 0;
    if (text_map_point(&b.map, 0, text_source_offset(t, 0))) goto nomem;
    json_skip_ws(&j);
    size_t root = j.p;
    if (j.p >= j.n || j.s[j.p] != '{') {
        json_fail(&j, j.p,
                  "expected '{': a Podcasting 2.0 JSON transcript is an object with \"segments\"");
        goto fail;
    }
    j.p++;
    json_skip_ws(&j);
    int end = j.p < j.n && j.s[j.p] == '}';
    if (end) j.p++;
    while (!end) {
        if (json_key(&j, &key)) goto fail;
        /* whisper.cpp's -oj names the array "transcription" */
        if (strcmp(key.s, "segments") == 0 || strcmp(key.s, "transcription") == 0) {
            if (segments++) {
                sm_errorf(err, "%s:%zu:%zu: a second \"segments\" member (a transcript has one)",
                          name, text_line_of(t, j.p), text_column_of(t, j.p));
                goto fail;
            }
            if (j.p >= j.n || j.s[j.p] != '[') {
                json_fail(&j, j.p, "expected '[' (the array of segments) after \"segments\":");
                goto fail;
            }
            j.p++;
            json_skip_ws(&j);
            int close = j.p < j.n && j.s[j.p] == ']', first = 1;
            if (close) j.p++;
            while (!close) {
                int bad = 0;
                if (j.p >= j.n || j.s[j.p] != '{') {
                    bad = json_fail(&j, j.p,
                                    first ? "expected '{' (a segment) or ']' in \"segments\""
                                          : "expected '{' (a segment) after ',' in \"segments\"");
                } else {
                    first = 0;
                    j.depth = 2;
                    bad = json_segment(&j, &b, &key);
                    json_skip_ws(&j);
                    if (bad) { /* told below */
                    } else if (j.p < j.n && j.s[j.p] == ',') {
                        j.p++;
                        json_skip_ws(&j);
                    } else if (j.p < j.n && j.s[j.p] == ']') {
                        j.p++;
                        close = 1;
                    } else {
                        bad = json_fail(&j, j.p, "expected ',' or ']' in array");
                    }
                }
                if (!bad) continue;
                /* a damaged segment: an error, or with on_error = "skip" a warning, and on */
                if (strstr(err->msg, ": out of memory")) goto fail; /* no damage: an error */
                size_t len = strlen(err->msg);
                snprintf(err->msg + len, sizeof err->msg - len, "; segment left out");
                if (sm_skip(err)) {
                    err->msg[len] = '\0';
                    goto fail;
                }
                int r = next_segment(&j);
                if (r == 0) goto cut; /* the file ends in the damage: keep what came before */
                close = r == 2;
                first = 0;
            }
        } else {
            j.depth = 1;
            if (json_value(&j)) goto fail;
        }
        int next = json_next_member(&j);
        if (next < 0) goto fail;
        end = next;
    }
    json_skip_ws(&j);
    if (j.p < j.n) {
        json_fail(&j, j.p, "expected the end of the file after the JSON object");
        goto fail;
    }
cut:
    if (!segments) {
        sm_errorf(err,
                  "%s:%zu: no \"segments\" array in the JSON object: not a Podcasting 2.0, "
                  "Whisper or whisper.cpp transcript",
                  name, text_line_of(t, root));
        goto fail;
    }
    if (b.lay.turns.n == 0) {
        sm_errorf(err,
                  "%s: a Podcasting 2.0 JSON transcript without any text (no segment has a body)",
                  name);
        goto fail;
    }
    if (finish(&b, t, out)) goto nomem;
    buf_free(&key);
    return 0;
nomem:
    oom(&b);
fail:
    buf_free(&key);
    builder_free(&b);
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* Whisper's TSV (openai-whisper --output_format tsv): "start<TAB>end<TAB>text", then a segment a
 * line, times in whole milliseconds. Read as whisper.cpp's JSON is: no speakers, so the segments
 * make one turn, joined by spaces, each segment's text taking its own times. */

static const char tsv_header[] = "start\tend\ttext";

int layout_is_tsv(const char *name, const sm_text *t) {
    (void)name; /* only the header counts: metadata sidecars are TSV files too */
    size_t l = sizeof tsv_header - 1;
    return t->len >= l && memcmp(t->s, tsv_header, l) == 0 && (t->len == l || t->s[l] == '\n');
}

/* Reads whole milliseconds at s[a..z) into *secs; 0 if they are no such number. */
static int tsv_millis(const char *s, size_t a, size_t z, double *secs) {
    if (a == z || z - a > 12) return 0;
    double v = 0;
    for (size_t p = a; p < z; p++) {
        if (s[p] < '0' || s[p] > '9') return 0;
        v = v * 10 + (s[p] - '0');
    }
    *secs = v / 1000;
    return 1;
}

int layout_tsv(const char *name, sm_text *t, sm_layout *out, sm_error *err) {
    builder b;
    builder_init(&b, name, t, err);
    const char *s = t->s;
    if (!layout_is_tsv(name, t)) {
        sm_errorf(err, "%s:1: expected Whisper's TSV header \"start<TAB>end<TAB>text\"", name);
        goto fail;
    }
    if (text_map_point(&b.map, 0, text_source_offset(t, 0))) goto nomem;
    for (size_t i = 1; i < t->nlines; i++) {
        size_t a = t->lines[i], z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
        if (strspn(s + a, " \t") >= z - a) continue; /* a blank line */
        const char *tab1 = memchr(s + a, '\t', z - a);
        const char *tab2 = tab1 ? memchr(tab1 + 1, '\t', (size_t)(s + z - tab1 - 1)) : NULL;
        const char *why = NULL;
        double start = -1, stop = -1;
        if (!tab2 || memchr(tab2 + 1, '\t', (size_t)(s + z - tab2 - 1)))
            why = "expected three fields separated by tabs (start, end, text)";
        else if (!tsv_millis(s, a, (size_t)(tab1 - s), &start) ||
                 !tsv_millis(s, (size_t)(tab1 - s) + 1, (size_t)(tab2 - s), &stop))
            why = "expected times in whole milliseconds";
        else if (stop < start)
            why = "the end is before the start";
        if (why) {
            sm_errorf(err, "%s:%zu: %s, found \"%.*s\"%s", name, i + 1, why,
                      (int)(z - a > 60 ? 60 : z - a), s + a, err->skip ? "; line left out" : "");
            if (sm_skip(err)) goto fail;
            continue;
        }
        int cont;
        if (piece_by(&b, NULL, 0, start, &cont)) goto nomem;
        size_t from = b.syn.n;
        for (size_t p = (size_t)(tab2 - s) + 1; p < z;) {
            size_t l = char_len((unsigned char)s[p]);
            if (p + l > z) l = z - p;
            if (add_char(&b, s + p, l, p, p + l)) goto nomem;
            p += l;
        }
        if (flush_text(&b)) goto nomem;
        sm_timespan span = {(uint32_t)from, (uint32_t)b.syn.n, start, stop};
        if (b.syn.n > from && VEC_PUSH(b.lay.timed, span)) goto nomem;
        b.space = 1; /* the next segment's text goes on after a space */
        if (b.cur != LAYOUT_NONE) b.lay.stops.v[b.cur] = stop;
    }
    if (b.lay.turns.n == 0) {
        sm_errorf(err, "%s: a Whisper TSV transcript without any text (no segment has any)", name);
        goto fail;
    }
    if (finish(&b, t, out)) goto nomem;
    return 0;
nomem:
    oom(&b);
fail:
    builder_free(&b);
    return -1;
}

/* ------------------------------------------------------------------------------------------ */
/* HTML */

int layout_is_html(const char *name, const sm_text *t) {
    if (ends_with_ci(name, ".html") || ends_with_ci(name, ".htm")) return 1;
    size_t a = strspn(t->s, " \t\n");
    const char *s = t->s + a;
    size_t n = t->len - a;
    static const char *const starts[] = {"<!doctype html", "<html",  "<head", "<body", "<meta",
                                         "<cite>",         "<time>", "<p>",   "<p "};
    for (size_t k = 0; k < sizeof starts / sizeof starts[0]; k++)
        if (starts_with_ci(s, n, starts[k])) return 1;
    return 0;
}

/* HTML's named character references for Latin-1 (U+00A0 to U+00FF, in order). */
static const char *const latin1_names[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

/* Other common ones: markup characters, typographic punctuation, a few letters. */
static const struct {
    const char *name;
    int32_t cp;
} other_names[] = {{"amp", '&'},       {"lt", '<'},        {"gt", '>'},       {"quot", '"'},
                   {"apos", '\''},     {"ndash", 0x2013},  {"mdash", 0x2014}, {"lsquo", 0x2018},
                   {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C}, {"rdquo", 0x201D},
                   {"bdquo", 0x201E},  {"hellip", 0x2026}, {"bull", 0x2022},  {"lsaquo", 0x2039},
                   {"rsaquo", 0x203A}, {"prime", 0x2032},  {"Prime", 0x2033}, {"dagger", 0x2020},
                   {"Dagger", 0x2021}, {"permil", 0x2030}, {"euro", 0x20AC},  {"trade", 0x2122},
                   {"minus", 0x2212},  {"ensp", 0x2002},   {"emsp", 0x2003},  {"thinsp", 0x2009},
                   {"zwnj", 0x200C},   {"zwj", 0x200D},    {"OElig", 0x152},  {"oelig", 0x153},
                   {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},   {"fnof", 0x192},
                   {"larr", 0x2190},   {"rarr", 0x2192},   {"nbsp", 0xA0}};

/* The character reference at s[p] ('&'): its code point and length, or 0 if there is none (an
 * ampersand that is text, or a name samtal does not know, stays as written). */
static size_t html_entity(const char *s, size_t n, size_t p, int32_t *cp) {
    size_t q = p + 1;
    if (q < n && s[q] == '#') {
        int hex = q + 1 < n && (s[q + 1] == 'x' || s[q + 1] == 'X');
        q += hex ? 2 : 1;
        size_t d = q;
        int64_t v = 0; /* 8 hex digits pass INT32_MAX: counted wide, then judged below */
        for (; q < n && q - d < 8; q++) {
            char c = s[q];
            int digit = c >= '0' && c <= '9'          ? c - '0'
                        : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                      : -1;
            if (digit < 0) break;
            v = v * (hex ? 16 : 10) + digit;
        }
        if (q == d || q >= n || s[q] != ';') return 0;
        /* what HTML itself does with a reference to nothing */
        *cp = v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) ? 0xFFFD : (int32_t)v;
        return q + 1 - p;
    }
    size_t d = q;
    while (q < n && q - d < 10 &&
           ((s[q] >= 'a' && s[q] <= 'z') || (s[q] >= 'A' && s[q] <= 'Z') ||
            (s[q] >= '0' && s[q] <= '9')))
        q++;
    if (q == d || q >= n || s[q] != ';') return 0;
    size_t l = q - d;
    for (size_t k = 0; k < 96; k++)
        if (strlen(latin1_names[k]) == l && memcmp(latin1_names[k], s + d, l) == 0) {
            *cp = 0xA0 + (int32_t)k;
            return q + 1 - p;
        }
    for (size_t k = 0; k < sizeof other_names / sizeof other_names[0]; k++)
        if (strlen(other_names[k].name) == l && memcmp(other_names[k].name, s + d, l) == 0) {
            *cp = other_names[k].cp;
            return q + 1 - p;
        }
    return 0;
}

/* Tags whose content is no text of the page. */
static int is_raw_text(const char *tag) {
    return strcmp(tag, "script") == 0 || strcmp(tag, "style") == 0;
}

/* Inline tags: text on both sides of one runs on ("<b>hel</b>lo" is "hello"); any other tag
 * (<br>, <div>...) stands between words. */
static int is_inline(const char *tag) {
    static const char *const names[] = {"a",    "abbr", "b",    "bdi",   "bdo",  "cite",   "code",
                                        "data", "dfn",  "em",   "font",  "i",    "kbd",    "mark",
                                        "q",    "s",    "samp", "small", "span", "strong", "sub",
                                        "sup",  "time", "u",    "var",   "wbr",  "ins",    "del"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strcmp(tag, names[k]) == 0) return 1;
    return 0;
}

/* Block tags that end an open paragraph, as in HTML. */
static int closes_p(const char *tag) {
    static const char *const names[] = {
        "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset",
        "figure",  "footer",  "form",  "h1",         "h2",      "h3",  "h4", "h5",
        "h6",      "header",  "hr",    "main",       "menu",    "nav", "ol", "pre",
        "section", "table",   "ul",    "li",         "body",    "html"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strcmp(tag, names[k]) == 0) return 1;
    return 0;
}

typedef struct html {
    const char *name;
    const sm_text *t;
    const char *s;
    size_t n;
    sm_error *err;
    builder *b;
    /* where text goes */
    int in_p, in_cite, in_time, in_title;
    size_t cite_at, time_at; /* where the open <cite>, <time> started */
    sm_buf cite, time;       /* their text, decoded */
    int cited;               /* a <cite> came since the last paragraph */
    double when;             /* the last <time>'s value, or -1 */
    int titled;              /* the title was written */
    size_t stray;            /* the first text outside any paragraph, or SIZE_MAX */
    int paragraphs;
    int skip_p; /* on_error = "skip": the next <p> belongs to a damaged <cite> or <time> */
} html;

static int hfail(html *h, size_t at, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* An error at h->s[at]: "x.html:3:1: <cite> is not closed ...". */
static int hfail(html *h, size_t at, const char *fmt, ...) {
    char what[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return sm_errorf(h->err, "%s:%zu:%zu: %s", h->name, text_line_of(h->t, at),
                     text_column_of(h->t, at), what);
}

/* A paragraph starts: the <cite> and <time> before it say who and when. */
static int html_paragraph(html *h) {
    builder *b = h->b;
    const char *who = NULL;
    size_t a = 0, z = h->cite.n;
    if (h->cited && h->cite.s) {
        trim(h->cite.s, &a, &z);
        if (z > a && h->cite.s[z - 1] == ':') z--; /* "Kevin:", "Alban :" */
        trim(h->cite.s, &a, &z);
        if (z > a) who = h->cite.s + a;
    }
    int cont;
    if (piece_by(b, who, z - a, h->when, &cont)) return oom(b);
    if (cont) b->para = 1;
    h->cited = 0;
    h->when = -1;
    h->in_p = 1;
    h->paragraphs++;
    return 0;
}

/* A damaged part that hfail just described: with on_error = "skip" the message, saying what is
 * left out, becomes a warning (0); otherwise it stays the error (-1). */
static int hskip(html *h, const char *what) {
    sm_error *err = h->err;
    if (!err->skip) return -1;
    size_t len = strlen(err->msg);
    snprintf(err->msg + len, sizeof err->msg - len, "; %s left out", what);
    if (sm_skip(err) == 0) return 0;
    err->msg[len] = '\0';
    return -1;
}

/* The text of the open <time>: a clock time, or nothing. */
static int html_time(html *h) {
    size_t a = 0, z = h->time.n;
    if (h->time.s) trim(h->time.s, &a, &z);
    h->in_time = 0;
    if (z == a) return 0;
    if (!parse_clock(h->time.s + a, z - a, &h->when)) {
        char found[48];
        snprintf(found, sizeof found, "%.*s", (int)(z - a > 40 ? 40 : z - a), h->time.s + a);
        hfail(h, h->time_at, "expected a time like 0:09 or 00:01:02 in <time>, found \"%s\"",
              found);
        if (hskip(h, "the time")) return -1;
        h->when = -1;
    }
    return 0;
}

/* Ends the title: written before the turns, as the document's title and preamble. */
static int html_title(html *h) {
    builder *b = h->b;
    h->in_title = 0;
    if (h->titled || b->lay.turns.n || b->want_turn) {
        b->chars.n = b->val.n = 0;
        return 0;
    }
    h->titled = 1;
    b->outside = 1;
    b->space = 0;
    uint32_t start = (uint32_t)b->syn.n;
    if (flush_text(b)) return oom(b);
    b->outside = 0;
    b->space = 0;
    b->lay.title_start = b->lay.preamble_start = start;
    b->lay.title_end = b->lay.preamble_end = (uint32_t)b->syn.n;
    return 0;
}

/* Reads a tag at s[p] ('<'); *q gets the position after it. Returns 0 for a tag handled, 1 if
 * the '<' is text, -1 on error. */
static int html_tag(html *h, size_t p, size_t *q) {
    const char *s = h->s;
    size_t n = h->n, k = p + 1;
    builder *b = h->b;
    if (n - p >= 4 && memcmp(s + p, "<!--", 4) == 0) {
        for (k = p + 4; k + 3 <= n; k++)
            if (memcmp(s + k, "-->", 3) == 0) {
                *q = k + 3;
                return 0;
            }
        return hfail(h, p, "unterminated comment: expected '-->' before the end of the file");
    }
    int closing = k < n && s[k] == '/';
    if (closing) k++;
    if (k < n && (s[k] == '!' || s[k] == '?') && !closing) { /* <!DOCTYPE ...>, <?xml ...?> */
        const char *gt = memchr(s + k, '>', n - k);
        if (!gt) return hfail(h, p, "unterminated declaration: expected '>'");
        *q = (size_t)(gt - s) + 1;
        return 0;
    }
    char tag[16];
    size_t l = 0;
    if (k >= n || !((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z'))) return 1;
    for (; k < n && ((s[k] >= 'a' && s[k] <= 'z') || (s[k] >= 'A' && s[k] <= 'Z') ||
                     (s[k] >= '0' && s[k] <= '9') || s[k] == '-');
         k++)
        if (l < sizeof tag - 1) tag[l++] = (char)(s[k] | 0x20);
    tag[l] = '\0';
    /* attributes, quoted values may hold '>' */
    char quote = 0;
    for (; k < n; k++) {
        if (quote) {
            if (s[k] == quote) quote = 0;
        } else if (s[k] == '"' || s[k] == '\'') {
            quote = s[k];
        } else if (s[k] == '>') {
            break;
        }
    }
    if (k >= n)
        return hfail(h, p, "unterminated tag <%s: expected '>' before the end of the file", tag);
    *q = k + 1;
    if (!closing && is_raw_text(tag)) { /* skipped to its end tag */
        for (k = *q; k + 2 + l <= n; k++)
            if (s[k] == '<' && s[k + 1] == '/' && starts_with_ci(s + k + 2, l, tag)) break;
        const char *gt = k + 2 + l <= n ? memchr(s + k, '>', n - k) : NULL;
        *q = gt ? (size_t)(gt - s) + 1 : n;
        return 0;
    }
    if (h->in_cite || h->in_time) {
        int mine = h->in_cite ? strcmp(tag, "cite") == 0 : strcmp(tag, "time") == 0;
        if (closing && mine) {
            if (h->in_cite) {
                h->in_cite = 0;
                h->cited = 1;
                return 0;
            }
            return html_time(h) ? -1 : 0;
        }
        if (strcmp(tag, "p") == 0 || strcmp(tag, "cite") == 0 || strcmp(tag, "time") == 0 ||
            closes_p(tag)) {
            char what[120];
            snprintf(what, sizeof what, "<%s%s> inside the <%s> opened at line %zu: expected </%s>",
                     closing ? "/" : "", tag, h->in_cite ? "cite" : "time",
                     text_line_of(h->t, h->in_cite ? h->cite_at : h->time_at),
                     h->in_cite ? "cite" : "time");
            hfail(h, p, "%s", what);
            if (hskip(h,
                      h->in_cite ? "the <cite> and its paragraph" : "the <time> and its paragraph"))
                return -1;
            h->in_cite = h->in_time = 0; /* as if it had not been opened; the tag goes on */
            h->cite.n = h->time.n = 0;
            h->cited = 0;
            h->when = -1;
            h->skip_p = 1; /* whose words they are is not known */
        } else {
            return 0; /* markup inside the name or time */
        }
    }
    if (strcmp(tag, "title") == 0) {
        if (!closing && !h->in_p) {
            h->in_title = 1;
            b->chars.n = b->val.n = 0;
        } else if (closing && h->in_title) {
            return html_title(h);
        }
        return 0;
    }
    if (h->in_title) return 0;
    if (!h->in_p && !closing && strcmp(tag, "cite") == 0) {
        h->skip_p = 0;
        h->in_cite = 1;
        h->cite_at = p;
        h->cite.n = 0;
        return 0;
    }
    if (!h->in_p && !closing && strcmp(tag, "time") == 0) {
        h->in_time = 1;
        h->time_at = p;
        h->time.n = 0;
        return 0;
    }
    if (strcmp(tag, "p") == 0) {
        if (h->in_p && flush_text(b)) return oom(b);
        h->in_p = 0;
        if (!closing && h->skip_p) { /* its text is stray text, left out */
            h->skip_p = 0;
            return 0;
        }
        return closing ? 0 : html_paragraph(h);
    }
    if (h->in_p) {
        if (flush_text(b)) return oom(b);
        if (closes_p(tag))
            h->in_p = 0;
        else if (!is_inline(tag))
            b->space = 1; /* <br> */
    }
    return 0;
}

int layout_html(const char *name, sm_text *t, sm_layout *out, sm_error *err) {
    builder b;
    builder_init(&b, name, t, err);
    html h;
    memset(&h, 0, sizeof h);
    h.name = name;
    h.t = t;
    h.s = t->s;
    h.n = t->len;
    h.err = err;
    h.b = &b;
    h.when = -1;
    h.stray = SIZE_MAX;
    const char *s = t->s;
    size_t p = 0;
    if (text_map_point(&b.map, 0, text_source_offset(t, 0))) goto nomem;
    while (p < h.n) {
        if (s[p] == '<') {
            size_t q = p + 1;
            int rc = html_tag(&h, p, &q);
            if (rc < 0 && !strstr(err->msg, ": out of memory") &&
                hskip(&h, "the rest of the file") == 0)
                break; /* unterminated at the end of the file: what came before is kept */
            if (rc < 0) goto fail;
            if (rc == 0) {
                p = q;
                continue;
            }
        }
        int32_t cp = 0;
        size_t len = s[p] == '&' ? html_entity(s, h.n, p, &cp) : 0, clen;
        char bytes[4];
        const char *c = s + p;
        if (len) {
            clen = (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)bytes);
            c = bytes;
        } else {
            len = clen = char_len((unsigned char)s[p]);
        }
        if (h.in_cite || h.in_time) {
            if (buf_append(h.in_cite ? &h.cite : &h.time, c, clen)) goto nomem;
        } else if (h.in_p || h.in_title) {
            if (add_char(&b, c, clen, p, p + len)) goto nomem;
        } else if (h.stray == SIZE_MAX && (unsigned char)*c > ' ') {
            h.stray = p;
        }
        p += len;
    }
    if (h.in_cite || h.in_time) {
        hfail(&h, h.in_cite ? h.cite_at : h.time_at,
              "<%s> is not closed before the end of the file", h.in_cite ? "cite" : "time");
        if (hskip(&h, h.in_cite ? "the <cite>" : "the <time>")) goto fail;
    }
    if (h.in_p && flush_text(&b)) goto nomem;
    if (!h.paragraphs) {
        size_t at = h.stray == SIZE_MAX ? 0 : h.stray;
        sm_errorf(err,
                  "%s:%zu: no transcript in this HTML: expected <p> paragraphs, each after an "
                  "optional <cite>Speaker:</cite> and <time>0:00</time> (Podcasting 2.0)",
                  name, text_line_of(t, at));
        goto fail;
    }
    if (b.lay.turns.n == 0) {
        sm_errorf(err, "%s: a Podcasting 2.0 HTML transcript without any text (every <p> is empty)",
                  name);
        goto fail;
    }
    if (finish(&b, t, out)) goto nomem;
    buf_free(&h.cite);
    buf_free(&h.time);
    return 0;
nomem:
    oom(&b);
fail:
    buf_free(&h.cite);
    buf_free(&h.time);
    builder_free(&b);
    return -1;
}
