/* parlamint.c: reading ParlaMint's plain-text files, with their speakers.
 *
 * ParlaMint (CLARIN's comparable corpora of parliamentary debates) gives each sitting as TEI XML
 * and, beside it, as plain text: one speech per line, "utterance-id<TAB>speech", with no speaker
 * in the line. Who spoke is in a metadata table next to the text file, "<stem>-meta.tsv": a
 * header line, then one row per utterance, whose ID column is the utterance id and whose
 * Speaker_name column the speaker ("Surname, Forename", kept as written: samtal never reorders
 * names). A line becomes a turn of that speaker; the id is left out of the turn's text, which
 * is otherwise the file's own, so no new text is built. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "layout.h"

typedef struct meta_row {
    const char *id, *speaker; /* in the metadata file's bytes */
    size_t id_len, speaker_len;
} meta_row;

/* The path of the metadata file for a text file name ending in ".txt" (malloc'd), or NULL. */
static char *meta_path(const char *name) {
    size_t n = strlen(name);
    if (n <= 4 || strcmp(name + n - 4, ".txt") != 0) return NULL;
    static const char suffix[] = "-meta.tsv";
    char *p = malloc(n - 4 + sizeof suffix);
    if (!p) return NULL;
    memcpy(p, name, n - 4);
    memcpy(p + n - 4, suffix, sizeof suffix);
    return p;
}

/* Whether s[0..n) starts with an utterance id and a tab: 1 to 200 bytes, no blanks. */
static int id_then_tab(const char *s, size_t n) {
    size_t k = 0;
    while (k < n && k <= 200 && s[k] != '\t' && s[k] != ' ' && s[k] != '\n')
        k++;
    return k > 0 && k < n && s[k] == '\t';
}

int layout_is_parlamint(const char *name, const sm_text *t) {
    size_t a = strspn(t->s, " \n");
    if (!id_then_tab(t->s + a, t->len - a)) return 0;
    char *meta = meta_path(name);
    struct stat st;
    int found = meta && stat(meta, &st) == 0 && S_ISREG(st.st_mode);
    free(meta);
    return found;
}

/* Reads the whole metadata file into *out (NUL-terminated), checking that it is UTF-8. */
static int read_meta(const char *path, sm_buf *out, sm_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return sm_errorf(err, "cannot open %s (the speakers of a ParlaMint file)", path);
    char chunk[65536];
    size_t got;
    int bad = buf_append(out, "", 0);
    while (!bad && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        bad = buf_append(out, chunk, got);
    bad = bad || ferror(f);
    fclose(f);
    if (bad) return sm_errorf(err, "cannot read %s", path);
    size_t line = 1;
    for (size_t p = 0; p < out->n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)out->s + p,
                                              (utf8proc_ssize_t)(out->n - p), &cp);
        if (l < 0 || cp == 0)
            return sm_errorf(err, "%s:%zu: invalid UTF-8 (byte 0x%02X at byte offset %zu)", path,
                             line, (unsigned)(unsigned char)out->s[p], p);
        if (cp == '\n') line++;
        p += (size_t)l;
    }
    return 0;
}

/* Field k (0-based) of the tab-separated line s[0..n), as [*a, *z); 0 if there are fewer. */
static int field(const char *s, size_t n, size_t k, size_t *a, size_t *z) {
    size_t p = 0;
    for (; k > 0; k--) {
        const char *tab = memchr(s + p, '\t', n - p);
        if (!tab) return 0;
        p = (size_t)(tab - s) + 1;
    }
    const char *tab = memchr(s + p, '\t', n - p);
    *a = p;
    *z = tab ? (size_t)(tab - s) : n;
    return 1;
}

static int cmp_row(const void *x, const void *y) {
    const meta_row *a = x, *b = y;
    size_t n = a->id_len < b->id_len ? a->id_len : b->id_len;
    int c = memcmp(a->id, b->id, n);
    return c ? c : (a->id_len > b->id_len) - (a->id_len < b->id_len);
}

/* Parses the metadata into rows (pointing into m), sorted by id. */
static int parse_meta(const char *path, const sm_buf *m, meta_row **rows, size_t *nrows,
                      sm_error *err) {
    const char *s = m->s;
    size_t n = m->n, p = 0, line = 0;
    size_t id_col = SIZE_MAX, name_col = SIZE_MAX, need = 0;
    VEC(meta_row) out = {0};
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) p = 3;
    while (p < n) {
        const char *nl = memchr(s + p, '\n', n - p);
        size_t e = nl ? (size_t)(nl - s) : n, a, z;
        const char *ls = s + p;
        size_t len = e - p - (e > p && s[e - 1] == '\r');
        line++;
        p = nl ? e + 1 : n;
        if (len == 0) continue;
        if (id_col == SIZE_MAX) { /* the header */
            for (size_t k = 0; field(ls, len, k, &a, &z); k++) {
                if (z - a == 2 && memcmp(ls + a, "ID", 2) == 0) id_col = k;
                if (z - a == 12 && memcmp(ls + a, "Speaker_name", 12) == 0) name_col = k;
            }
            if (id_col == SIZE_MAX || name_col == SIZE_MAX) {
                free(out.v);
                return sm_errorf(err,
                                 "%s:%zu: expected a header with the columns ID and Speaker_name "
                                 "(ParlaMint's speaker metadata)",
                                 path, line);
            }
            need = (id_col > name_col ? id_col : name_col) + 1;
            continue;
        }
        meta_row r;
        size_t b, y;
        if (!field(ls, len, id_col, &a, &z) || !field(ls, len, name_col, &b, &y)) {
            free(out.v);
            return sm_errorf(err, "%s:%zu: expected at least %zu tab-separated fields", path, line,
                             need);
        }
        r.id = ls + a;
        r.id_len = z - a;
        r.speaker = ls + b;
        r.speaker_len = y - b;
        if (VEC_PUSH(out, r)) {
            free(out.v);
            return sm_errorf(err, "%s: out of memory", path);
        }
    }
    if (id_col == SIZE_MAX) {
        free(out.v);
        return sm_errorf(
            err, "%s: empty file: expected a header with the columns ID and Speaker_name", path);
    }
    if (out.n > 1) qsort(out.v, out.n, sizeof *out.v, cmp_row);
    *rows = out.v;
    *nrows = out.n;
    return 0;
}

/* The speaker of utterance id[0..len), or NULL (not in the table, or "-" or empty there). */
static const meta_row *speaker_of(const meta_row *rows, size_t n, const char *id, size_t len) {
    meta_row key = {id, NULL, len, 0};
    const meta_row *r = n ? bsearch(&key, rows, n, sizeof *rows, cmp_row) : NULL;
    if (!r || r->speaker_len == 0 || (r->speaker_len == 1 && r->speaker[0] == '-')) return NULL;
    return r;
}

int layout_parlamint(const char *name, const sm_text *t, sm_layout *out, sm_error *err) {
    char *path = meta_path(name);
    if (!path)
        return sm_errorf(err, "%s: a ParlaMint text file is named *.txt, beside its *-meta.tsv",
                         name);
    sm_buf m = {0};
    meta_row *rows = NULL;
    size_t nrows = 0;
    sm_layout lay;
    memset(&lay, 0, sizeof lay);
    if (read_meta(path, &m, err) || parse_meta(path, &m, &rows, &nrows, err)) goto fail;
    for (size_t i = 0; i < t->nlines; i++) {
        size_t a = t->lines[i], z = i + 1 < t->nlines ? t->lines[i + 1] - 1 : t->len;
        if (strspn(t->s + a, " \t") >= z - a) continue; /* a blank line */
        const char *tab = memchr(t->s + a, '\t', z - a);
        if (!tab || !id_then_tab(t->s + a, z - a)) {
            sm_errorf(err,
                      "%s:%zu: expected an utterance id, a tab and the speech (ParlaMint's "
                      "id<TAB>text)",
                      name, i + 1);
            goto fail;
        }
        size_t ts = (size_t)(tab - t->s) + 1, te = z;
        while (ts < te && (t->s[ts] == ' ' || t->s[ts] == '\t'))
            ts++;
        while (te > ts && (t->s[te - 1] == ' ' || t->s[te - 1] == '\t'))
            te--;
        if (ts == te) continue; /* an utterance without text */
        const meta_row *r = speaker_of(rows, nrows, t->s + a, (size_t)(tab - t->s) - a);
        uint32_t who = LAYOUT_NONE;
        if (r && (who = layout_name(&lay, r->speaker, r->speaker_len)) == LAYOUT_NONE) goto nomem;
        sm_rawturn turn = {who, (uint32_t)lay.segs.n, 1, (uint32_t)a, -1};
        sm_segment seg = {(uint32_t)ts, (uint32_t)te, SEP_NONE};
        if (VEC_PUSH(lay.turns, turn) || VEC_PUSH(lay.segs, seg)) goto nomem;
    }
    if (lay.turns.n == 0) {
        sm_errorf(err, "%s: a ParlaMint text file without any speech", name);
        goto fail;
    }
    if (VEC_PUSH(lay.pages, 0)) goto nomem;
    free(rows);
    buf_free(&m);
    free(path);
    *out = lay;
    return 0;
nomem:
    sm_errorf(err, "%s: out of memory", name);
fail:
    free(rows);
    buf_free(&m);
    free(path);
    layout_free(&lay);
    return -1;
}
