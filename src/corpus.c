/* corpus.c: loading documents into a corpus, and the corpus's own lookups. */
#include "corpus.h"

#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "encoding.h"
#include "import.h"
#include "textpack.h"
#include "index.h"
#include "search.h"
#include "store.h"
#include "tokenize.h"

void corpus_init(sm_corpus *c, const sm_load_opts *opts) {
    memset(c, 0, sizeof *c);
    c->opts.encoding = -1;
    if (opts) c->opts = *opts;
    /* for the specs: every corpus built in memory keeps its texts compressed, so that a reader of
     * a text that does not ask for it first (corpus_doc_text) fails on any transcript */
    const char *pack = getenv("SAMTAL_PACK_TEXTS");
    if (pack && strcmp(pack, "1") == 0) c->opts.pack_texts = 1;
}

/* Typographic apostrophes, quotation marks and dashes fold to their ASCII forms, so that a typed
 * query finds what a transcript spells with typographic characters ("it's" finds "it’s"). */
static utf8proc_int32_t fold_typography(utf8proc_int32_t cp, void *data) {
    (void)data;
    switch (cp) {
    case 0x2018:
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x02BC:
    case 0x2032:
    case 0x00B4:
        return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x00AB:
    case 0x00BB:
    case 0x2033:
        return '"';
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
        return '-';
    default:
        return cp;
    }
}

/* corpus_fold of a string of ASCII and U+00C0..U+00FF alone (most forms of most corpora), without
 * utf8proc's decomposition, which cost some 6,000 instructions a form: those characters compose
 * with nothing, fold_typography maps none of them, and their case folds are A-Z +0x20,
 * U+00C0..U+00DE but U+00D7 +0x20, U+00DF (sharp s) "ss". NULL for any other string. */
static char *fold_latin1(const char *s, size_t len, size_t *outlen) {
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++)
        if (u[i] >= 0x80) {
            if (u[i] != 0xC3 || i + 1 >= len || u[i + 1] < 0x80 || u[i + 1] > 0xBF) return NULL;
            i++;
        }
    char *out = malloc(len + 1);
    if (!out) return NULL;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = u[i];
        if (b < 0x80) {
            out[i] = (char)(b >= 'A' && b <= 'Z' ? b + 0x20 : b);
            continue;
        }
        unsigned char t = u[++i]; /* b is 0xC3: U+00C0 + (t - 0x80) */
        if (t == 0x9F) {
            out[i - 1] = 's', out[i] = 's';
        } else {
            out[i - 1] = (char)b;
            out[i] = (char)(t <= 0x9E && t != 0x97 ? t + 0x20 : t);
        }
    }
    out[len] = '\0';
    *outlen = len;
    return out;
}

char *corpus_fold(const char *s, size_t len, size_t *outlen) {
    char *latin = fold_latin1(s, len, outlen);
    if (latin) return latin;
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t n = utf8proc_map_custom(
        (const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &out,
        UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD, fold_typography, NULL);
    if (n < 0) return NULL;
    *outlen = (size_t)n;
    return (char *)out;
}

/* Reads a whole file; a directory, an unreadable or empty file is an error naming the path. */
unsigned char *corpus_read_file(const char *path, size_t *n, sm_error *err) {
    struct stat st;
    if (stat(path, &st) != 0) {
        sm_errorf(err, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        sm_errorf(err, "%s: is a directory, not a transcript file", path);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        sm_errorf(err, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    sm_buf b = {0};
    /* room for the whole file at once: a large export is not copied on every doubling */
    if (st.st_size > 0 && vec_reserve((void **)&b.s, &b.cap, (size_t)st.st_size + 1, 1) != 0) {
        fclose(f);
        sm_errorf(err, "%s: out of memory while reading", path);
        return NULL;
    }
    /* read straight into the buffer; when it is full, one byte tells the end from a file that
     * grew since stat (which goes on in more room) */
    for (;;) {
        size_t room = b.cap > b.n + 1 ? b.cap - b.n - 1 : 0;
        if (room == 0) {
            int ch = getc(f);
            if (ch == EOF) break;
            if (vec_reserve((void **)&b.s, &b.cap, b.n + 65536 + 1, 1)) {
                fclose(f);
                buf_free(&b);
                sm_errorf(err, "%s: out of memory while reading", path);
                return NULL;
            }
            b.s[b.n++] = (char)ch;
            b.s[b.n] = '\0';
            continue;
        }
        size_t got = fread(b.s + b.n, 1, room, f);
        b.n += got;
        b.s[b.n] = '\0';
        if (got < room) break; /* the end, or an error (ferror below) */
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        buf_free(&b);
        sm_errorf(err, "cannot read %s: %s", path, strerror(errno));
        return NULL;
    }
    if (b.n == 0) {
        buf_free(&b);
        sm_errorf(err, "%s: empty file, no transcript in it", path);
        return NULL;
    }
    *n = b.n;
    return (unsigned char *)b.s;
}

void corpus_doc_free(sm_doc *d) {
    free(d->path);
    free(d->name);
    text_free(&d->text);
    free(d->frame);
    d->frame = NULL;
    layout_free(&d->layout);
    tokenize_presegment_free(d->pre);
    d->pre = NULL;
    buf_free(&d->meta);
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

int layout_format_by_name(const char *name) {
    static const char *const names[] = {"auto", "text", "vrt",       "vtt", "srt",
                                        "json", "html", "parlamint", "sbv", "tsv"};
    for (int f = 0; f < (int)(sizeof names / sizeof names[0]); f++)
        if (strcmp(name, names[f]) == 0) return f;
    return -1;
}

/* Which reader a decoded document goes to: the one `{format = ...}` names, or the first whose
 * name or content test it passes; labelled plain text when none does. */
static int detect_format(const char *path, const sm_text *t) {
    return layout_is_vrt(path, t)         ? FORMAT_VRT
           : layout_is_vtt(path, t)       ? FORMAT_VTT
           : layout_is_srt(path, t)       ? FORMAT_SRT
           : layout_is_json(path, t)      ? FORMAT_JSON
           : layout_is_tsv(path, t)       ? FORMAT_TSV
           : layout_is_html(path, t)      ? FORMAT_HTML
           : layout_is_parlamint(path, t) ? FORMAT_PARLAMINT
                                          : FORMAT_TEXT;
}

/* An XML document no reader takes (TEI, say): its name ends in ".xml", or it starts with an XML
 * declaration or a <TEI> element. Read as plain text it would be markup counted as words. */
static int looks_like_xml(const char *path, const sm_text *t) {
    size_t n = strlen(path), p = 0;
    if (n > 4 && strcasecmp(path + n - 4, ".xml") == 0) return 1;
    while (p < t->len && (t->s[p] == ' ' || t->s[p] == '\t' || t->s[p] == '\r' || t->s[p] == '\n'))
        p++;
    static const char *const starts[] = {"<?xml", "<TEI"};
    for (size_t k = 0; k < 2; k++) {
        size_t len = strlen(starts[k]);
        if (t->len - p >= len && memcmp(t->s + p, starts[k], len) == 0) return 1;
    }
    return 0;
}

/* The arrays a reader grew by doubling, kept as long as the corpus: without the room left. */
static void shrink_layout(sm_layout *l) {
#define SHRINK(a) vec_shrink((void **)&(a).v, &(a).cap, (a).n, sizeof *(a).v)
    SHRINK(l->segs);
    SHRINK(l->turns);
    SHRINK(l->stops);
    SHRINK(l->timed);
    SHRINK(l->events);
    SHRINK(l->participants);
    SHRINK(l->pages);
#undef SHRINK
    if (l->names.s) vec_shrink((void **)&l->names.s, &l->names.cap, l->names.n + 1, 1);
}

static int read_layout(const sm_corpus *c, const char *path, sm_doc *d, sm_error *err) {
    int f = c->opts.format != FORMAT_AUTO ? c->opts.format : detect_format(path, &d->text);
    switch (f) {
    case FORMAT_VRT:
        return layout_vrt(path, &d->text, c->vrt_names, &d->layout, err);
    case FORMAT_VTT:
        return layout_vtt(path, &d->text, &d->layout, err);
    case FORMAT_SRT:
        return layout_srt(path, &d->text, &d->layout, err);
    case FORMAT_SBV:
        return layout_sbv(path, &d->text, &d->layout, err);
    case FORMAT_JSON:
        return layout_json(path, &d->text, &d->layout, err);
    case FORMAT_TSV:
        return layout_tsv(path, &d->text, &d->layout, err);
    case FORMAT_HTML:
        return layout_html(path, &d->text, &d->layout, err);
    case FORMAT_PARLAMINT:
        return layout_parlamint(path, &d->text, &d->layout, err);
    default:
        if (c->opts.format == FORMAT_AUTO && looks_like_xml(path, &d->text))
            return sm_errorf(err,
                             "%s: XML (such as TEI) is not read; for ParlaMint open the .txt file "
                             "(its -meta.tsv beside it), or give format = \"text\" to read the "
                             "markup as plain text",
                             path);
        return layout_plaintext(path, &d->text, &d->layout, err);
    }
}

static int cmp_mark(const void *a, const void *b) {
    const sm_mark *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_rawevent(const void *a, const void *b) {
    const sm_rawevent *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The layout turn whose segment holds all of [start, end), or LAYOUT_NONE. */
static uint32_t turn_holding(const sm_layout *lay, uint32_t start, uint32_t end) {
    size_t lo = 0, hi = lay->segs.n; /* the last segment starting at or before `start` */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (lay->segs.v[mid].start <= start)
            lo = mid;
        else
            hi = mid;
    }
    if (lo >= lay->segs.n || lay->segs.v[lo].start > start || lay->segs.v[lo].end < end)
        return LAYOUT_NONE;
    size_t a = 0, b = lay->turns.n; /* turns hold their segments in order: the last turn whose
                                        first segment is at or before lo */
    while (b - a > 1) {
        size_t mid = a + (b - a) / 2;
        if (lay->turns.v[mid].seg_first <= lo)
            a = mid;
        else
            b = mid;
    }
    for (size_t t = a + 1; t-- > 0;) {
        const sm_rawturn *rt = &lay->turns.v[t];
        if (rt->seg_count && lo >= rt->seg_first && lo - rt->seg_first < rt->seg_count)
            return (uint32_t)t;
        if (rt->seg_count) break; /* another turn's segments: none holds lo */
    }
    return LAYOUT_NONE;
}

/* Whether [start, end) overlaps one of the n events (sorted by start). */
static int overlaps_event(const sm_rawevent *ev, size_t n, uint32_t start, uint32_t end) {
    size_t lo = 0, hi = n; /* the first event ending after start */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ev[mid].end <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && ev[lo].start < end;
}

/* Runs the conventions' hook over a document: its event marks join the reader's events (in
 * order; one that overlaps an event of the reader is left out), its token marks wait in
 * c->token_marks for tokenize.c. Marks out of the text, empty or overlapping an earlier mark of
 * the same document are left out. */
static int apply_marks(sm_corpus *c, const char *path, sm_doc *d, sm_error *err) {
    sm_marks m = {0};
    if (c->opts.mark(c->opts.mark_ud, path, &d->text, &m, err)) {
        VEC_FREE(m);
        return -1;
    }
    if (m.n) qsort(m.v, m.n, sizeof *m.v, cmp_mark); /* qsort wants a pointer even for none */
    sm_layout *lay = &d->layout;
    /* the reader's events are in text order; sorted to be sure, since a query relies on it */
    if (lay->events.n) qsort(lay->events.v, lay->events.n, sizeof *lay->events.v, cmp_rawevent);
    size_t nreader = lay->events.n;
    uint32_t last_end = 0;
    int rc = 0;
    for (size_t k = 0; k < m.n && rc == 0; k++) {
        const sm_mark *mk = &m.v[k];
        if (mk->start >= mk->end || mk->end > d->text.len || mk->start < last_end) continue;
        if (overlaps_event(lay->events.v, nreader, mk->start, mk->end)) continue;
        last_end = mk->end;
        if (mk->kind == MARK_EVENT) {
            sm_rawevent ev = {mk->start, mk->end, turn_holding(lay, mk->start, mk->end)};
            rc = VEC_PUSH(lay->events, ev);
        } else {
            rc = VEC_PUSH(c->token_marks, *mk);
        }
    }
    VEC_FREE(m);
    if (rc) return sm_errorf(err, "%s: out of memory", path);
    if (lay->events.n) qsort(lay->events.v, lay->events.n, sizeof *lay->events.v, cmp_rawevent);
    return 0;
}

int corpus_warn(sm_corpus *c, const char *path, const char *msg) {
    size_t pl = strlen(path);
    uint32_t line = 0;
    if (strncmp(msg, path, pl) == 0 && msg[pl] == ':')
        for (const char *p = msg + pl + 1; *p >= '0' && *p <= '9' && line < 100000000; p++)
            line = line * 10 + (uint32_t)(*p - '0');
    sm_warning w = {dup_str(path), line, dup_str(msg)};
    if (!w.path || !w.msg || VEC_PUSH(c->warnings, w)) {
        free(w.path);
        free(w.msg);
        return -1;
    }
    return 0;
}

static int decode_flags(const sm_corpus *c) {
    return c->opts.invalid | (c->opts.skip ? TEXT_SKIP_DAMAGED : 0);
}

static int prepare_doc(const sm_corpus *c, const char *path, const unsigned char *bytes, size_t n,
                       sm_doc *out, sm_error *err);

/* Reads the document with an sm_error of its own, whose notes of skipped parts (on_error =
 * "skip") go to *notes, to become the corpus's warnings when the document is committed; a
 * document that fails leaves none, its error says what went wrong. */
int corpus_prepare_doc(const sm_corpus *c, const char *path, const unsigned char *bytes, size_t n,
                       sm_doc *out, sm_notes *notes, sm_error *err) {
    memset(out, 0, sizeof *out);
    sm_error e;
    e.msg[0] = '\0';
    e.skip = c->opts.skip ? notes : NULL;
    int rc = prepare_doc(c, path, bytes, n, out, &e);
    if (rc) sm_errorf(err, "%s", e.msg);
    return rc;
}

static int prepare_doc(const sm_corpus *c, const char *path, const unsigned char *bytes, size_t n,
                       sm_doc *out, sm_error *err) {
    if (n == 0) return sm_errorf(err, "%s: empty file, no transcript in it", path);
    sm_doc d;
    memset(&d, 0, sizeof d);
    const char *slash = strrchr(path, '/');
    d.path = dup_str(path);
    d.name = dup_str(slash ? slash + 1 : path);
    if (!d.path || !d.name) {
        corpus_doc_free(&d);
        return sm_errorf(err, "%s: out of memory", path);
    }
    int enc = c->opts.encoding >= 0 ? c->opts.encoding : encoding_detect(bytes, n);
    d.encoding = sm_encoding_names[enc];
    if (enc == ENC_UTF8) {
        if (text_decode(path, bytes, n, decode_flags(c), &d.text, err)) {
            corpus_doc_free(&d);
            return -1;
        }
    } else {
        unsigned char *utf8 = NULL;
        size_t len = 0;
        sm_offmap pre = {0};
        int rc = encoding_to_utf8(path, bytes, n, enc, &utf8, &len, &pre, err);
        if (rc == 0 && len == 0) rc = sm_errorf(err, "%s: empty file, no transcript in it", path);
        if (rc == 0) rc = text_decode(path, utf8, len, decode_flags(c), &d.text, err);
        if (rc == 0 && text_compose_map(&d.text, &pre, n)) {
            text_free(&d.text);
            rc = sm_errorf(err, "%s: out of memory", path);
        }
        free(utf8);
        free(pre.v);
        if (rc) {
            corpus_doc_free(&d);
            return -1;
        }
    }
    if (strspn(d.text.s, " \t\n\v\f") == d.text.len) {
        corpus_doc_free(&d);
        return sm_errorf(err, "%s: no text in the file, only white space", path);
    }
    int rc = read_layout(c, path, &d, err);
    if (rc) {
        corpus_doc_free(&d);
        return -1;
    }
    shrink_layout(&d.layout);
    *out = d;
    return 0;
}

void corpus_discard_doc(sm_doc *d) {
    corpus_doc_free(d);
}

void corpus_drop_docs(sm_corpus *c, size_t ndocs) {
    if (ndocs >= c->docs.n) return;
    const sm_doc *first = &c->docs.v[ndocs]; /* what the corpus held before it */
    c->turns.n = first->turn_first;
    if (c->turn_stops.n > c->turns.n) c->turn_stops.n = c->turns.n;
    if (c->token_times.n > c->tokens.n) c->token_times.n = c->tokens.n;
    tokens_truncate(&c->tokens, first->tok_first);
    c->sentences.n = first->sent_first;
    c->events.n = first->event_first;
    for (size_t a = 0; a < c->attrs.n; a++)
        if (c->attrs.v[a].tokens.n > c->tokens.n) c->attrs.v[a].tokens.n = c->tokens.n;
    while (c->docs.n > ndocs)
        corpus_doc_free(&c->docs.v[--c->docs.n]);
}

/* pack_texts: the text of a document just tokenised, compressed; nothing reads it until a query
 * does (corpus_doc_text). Where it does not pay, or memory runs out, it stays as it is. */
static void pack_text(sm_corpus *c, sm_doc *d) {
    if (!c->pack) c->pack = textpack_context();
    size_t n;
    void *frame = textpack_compress(c->pack, d->text.s, d->text.len, &n);
    if (!frame) return;
    if (text_lines_derived(&d->text)) { /* found again from the text when it is decompressed */
        free(d->text.lines);
        d->text.lines = NULL;
    }
    free(d->text.s);
    d->text.s = NULL;
    d->frame = frame;
    d->frame_len = (uint32_t)n;
}

int corpus_unpack_text(const sm_corpus *c, uint32_t doc, sm_error *err) {
    if (c->store) return store_doc_text(c, doc, err);
    sm_doc *d = &c->docs.v[doc]; /* the corpus's own memory: a text is a cache of its frame */
    if (d->text.s || !d->frame) return 0;
    char *s = malloc(d->text.len + 1);
    ZSTD_DCtx *dx = s ? ZSTD_createDCtx() : NULL;
    const char *why = NULL;
    if (!dx || textpack_decompress(dx, d->frame, d->frame_len, s, d->text.len, &why)) {
        free(s);
        ZSTD_freeDCtx(dx);
        return why ? sm_errorf(err, "%s: its compressed text does not decompress (%s)", d->path,
                               why)
                   : sm_errorf(err, "%s: out of memory for its text", d->path);
    }
    ZSTD_freeDCtx(dx);
    if (!d->text.lines) { /* its lines, which pack_text found the same as the text's */
        uint32_t *lines = malloc(d->text.nlines * sizeof *lines);
        if (!lines || text_fill_lines(s, d->text.len, NULL) != d->text.nlines) {
            free(lines);
            free(s);
            return sm_errorf(err,
                             lines ? "%s: its text does not have the lines it had"
                                   : "%s: out of memory for its text",
                             d->path);
        }
        text_fill_lines(s, d->text.len, lines);
        d->text.lines = lines;
    }
    d->text.s = s;
    free(d->frame);
    d->frame = NULL;
    d->frame_len = 0;
    return 0;
}

int corpus_add_doc(sm_corpus *c, sm_doc *d, sm_error *err) {
    if (c->docs.n >= SM_NONE - 1 || VEC_PUSH(c->docs, *d)) {
        int rc = sm_errorf(err, "%s: out of memory", d->path);
        corpus_doc_free(d);
        return rc;
    }
    sm_doc *added = &c->docs.v[c->docs.n - 1];
    /* a document that fails part-way records where it started, for corpus_drop_docs */
    added->turn_first = (uint32_t)c->turns.n;
    added->tok_first = (uint32_t)c->tokens.n;
    added->sent_first = (uint32_t)c->sentences.n;
    added->event_first = (uint32_t)c->events.n;
    int rc = tokenize_document(c, (uint32_t)c->docs.n - 1, err);
    c->token_marks.n = 0; /* they were this document's */
    if (rc) {
        /* roll back, so a failed document leaves no trace */
        corpus_drop_docs(c, c->docs.n - 1);
        return -1;
    }
    if (c->opts.pack_texts) pack_text(c, added);
    return 0;
}

int corpus_commit_doc(sm_corpus *c, sm_doc *prepared, const sm_notes *notes, sm_error *err) {
    sm_doc d = *prepared;
    memset(prepared, 0, sizeof *prepared);
    if (c->finished) {
        sm_errorf(err, "%s: the corpus is complete; no more documents", d.path);
        corpus_doc_free(&d);
        return -1;
    }
    /* the transcription conventions run here, on the thread that calls Lua and owns the corpus */
    if (c->opts.mark && apply_marks(c, d.path, &d, err)) {
        c->token_marks.n = 0;
        corpus_doc_free(&d);
        return -1;
    }
    if (corpus_add_doc(c, &d, err)) return -1;
    const char *path = c->docs.v[c->docs.n - 1].path;
    for (size_t i = 0; notes && i < notes->n; i++)
        if (corpus_warn(c, path, notes->v[i])) return sm_errorf(err, "%s: out of memory", path);
    return 0;
}

int corpus_add_bytes(sm_corpus *c, const char *path, const unsigned char *bytes, size_t n,
                     sm_error *err) {
    if (c->finished) return sm_errorf(err, "%s: the corpus is complete; no more documents", path);
    /* samtal's own export: a corpus of documents in one file, not one transcript */
    if ((c->opts.format == FORMAT_AUTO || c->opts.format == FORMAT_JSON) &&
        import_is_export(bytes, n))
        return import_export(c, path, bytes, n, err);
    sm_doc d;
    sm_notes notes = {0};
    int rc = corpus_prepare_doc(c, path, bytes, n, &d, &notes, err);
    if (rc == 0) rc = corpus_commit_doc(c, &d, &notes, err);
    sm_notes_free(&notes);
    return rc;
}

int corpus_add_file(sm_corpus *c, const char *path, sm_error *err) {
    size_t n = 0;
    unsigned char *bytes = corpus_read_file(path, &n, err);
    if (!bytes) return -1;
    int rc = corpus_add_bytes(c, path, bytes, n, err);
    free(bytes);
    return rc;
}

int corpus_finish(sm_corpus *c, sm_error *err) {
    if (c->finished) return 0;
#ifdef __GLIBC__
    /* what loading freed (arrays grown, the workers' documents) goes back to the system before
     * the index is built: the samtal command keeps up to 512 MB of free heap for its queries
     * (main.c), which a build would otherwise hold at its peak (100 MB on two threads: a peak
     * of 228-230 MB before, 221-223 MB after) */
    malloc_trim(0);
#endif
    ZSTD_freeCCtx(c->pack); /* no more documents */
    c->pack = NULL;
    tokens_fit(&c->tokens); /* room left from the load */
    size_t ns = c->speaker_names.n;
    if (vec_reserve((void **)&c->speakers.v, &c->speakers.cap, ns ? ns : 1, sizeof *c->speakers.v))
        return sm_errorf(err, "out of memory while counting speakers");
    c->speakers.n = ns;
    for (size_t s = 0; s < ns; s++)
        c->speakers.v[s] = (sm_speaker){0, 0, SM_NONE};
    for (size_t t = 0; t < c->turns.n; t++) {
        const sm_turn *tr = &c->turns.v[t];
        if (tr->speaker == SM_NONE) continue;
        sm_speaker *sp = &c->speakers.v[tr->speaker];
        if (sp->first_doc == SM_NONE) sp->first_doc = tr->doc;
        sp->turns++;
        sp->words += tr->words;
    }
    for (size_t a = 0; a < c->attrs.n; a++) /* tokens of plain-text documents have no value */
        while (c->attrs.v[a].tokens.n < c->tokens.n)
            if (VEC_PUSH(c->attrs.v[a].tokens, LEX_NONE))
                return sm_errorf(err, "out of memory while building the index");
    int built = index_build(c);
    if (built == -2) return sm_errorf(err, "cannot index a word of over 4 billion tokens");
    if (built || index_build_fold_forms(c) || corpus_index_docs(c))
        return sm_errorf(err, "out of memory while building the index");
    c->finished = 1;
    return corpus_apply_aliases(c, err); /* aliases given before loading (merge_turns) */
}

static void free_alias_tables(sm_corpus *c) {
    lex_free(&c->alias_names);
    free(c->alias_turns);
    c->alias_turns = NULL;
    VEC_FREE(c->alias_speakers);
    c->aliased = 0;
}

void corpus_drop_aliases(sm_corpus *c, size_t keep) {
    while (c->aliases.n > keep) {
        sm_alias *a = &c->aliases.v[--c->aliases.n];
        free(a->doc);
        free(a->label);
        free(a->name);
    }
}

void corpus_free(sm_corpus *c) {
    if (!c) return;
    ZSTD_freeCCtx(c->pack);
    c->pack = NULL;
    free_alias_tables(c); /* malloc'd, mapped corpus or not */
    VEC_FREE(c->token_marks);
    corpus_drop_aliases(c, 0);
    VEC_FREE(c->aliases);
    free(c->turn_starts); /* derived, malloc'd, mapped corpus or not */
    free(c->doc_starts);
    free(c->turn_samples);
    c->turn_starts = NULL;
    c->doc_starts = NULL;
    c->turn_samples = NULL;
    if (c->store) { /* a mapped corpus: its arrays live in the mapping */
        store_close(c);
        memset(c, 0, sizeof *c);
        return;
    }
    for (size_t i = 0; i < c->docs.n; i++)
        corpus_doc_free(&c->docs.v[i]);
    VEC_FREE(c->docs);
    for (size_t i = 0; i < c->warnings.n; i++) {
        free(c->warnings.v[i].path);
        free(c->warnings.v[i].msg);
    }
    VEC_FREE(c->warnings);
    VEC_FREE(c->turns);
    VEC_FREE(c->turn_stops);
    VEC_FREE(c->token_times);
    VEC_FREE(c->events);
    tokens_free(&c->tokens);
    VEC_FREE(c->sentences);
    lex_free(&c->forms);
    VEC_FREE(c->form_info);
    lex_free(&c->folds);
    lex_free(&c->speaker_names);
    VEC_FREE(c->speakers);
    free(c->post_start);
    free(c->post_at);
    free(c->post_bytes);
    free(c->fold_docs);
    c->post_start = NULL;
    c->post_at = NULL;
    c->post_bytes = NULL;
    c->fold_docs = NULL;
    free(c->fold_forms_start);
    free(c->fold_forms);
    c->fold_forms_start = c->fold_forms = NULL;
    for (size_t a = 0; a < c->attrs.n; a++) {
        lex_free(&c->attrs.v[a].values);
        VEC_FREE(c->attrs.v[a].tokens);
    }
    VEC_FREE(c->attrs);
    lex_free(&c->attr_names);
    c->finished = 0;
}

int corpus_index_docs(sm_corpus *c) {
    uint32_t *starts = malloc((c->docs.n ? c->docs.n : 1) * sizeof *starts);
    /* calloc: a mapped corpus's slots are filled as documents are checked, so pages of
     * documents never used are never touched */
    uint32_t *samples = calloc(c->tokens.n / TURN_SAMPLE + 1, sizeof *samples);
    if (!starts || !samples) {
        free(starts);
        free(samples);
        return -1;
    }
    for (size_t d = 0; d < c->docs.n; d++)
        starts[d] = c->docs.v[d].tok_first;
    free(c->doc_starts);
    free(c->turn_samples);
    c->doc_starts = starts;
    c->turn_samples = samples;
    if (!c->store)
        for (size_t d = 0; d < c->docs.n; d++)
            corpus_sample_turns(c, (uint32_t)d);
    return 0;
}

void corpus_sample_turns(const sm_corpus *c, uint32_t doc) {
    const sm_doc *d = &c->docs.v[doc];
    if (!c->turn_samples || d->tok_count == 0 || d->turn_count == 0) return;
    uint64_t tok_end = (uint64_t)d->tok_first + d->tok_count;
    uint32_t t = d->turn_first, turn_end = d->turn_first + d->turn_count;
    for (uint64_t k = ((uint64_t)d->tok_first + TURN_SAMPLE - 1) / TURN_SAMPLE;
         k * TURN_SAMPLE < tok_end; k++) {
        while (t + 1 < turn_end && c->turns.v[t + 1].tok_first <= k * TURN_SAMPLE)
            t++;
        c->turn_samples[k] = t;
    }
}

/* Both read only the document records, which open checks. */
uint32_t corpus_token_doc(const sm_corpus *c, uint32_t tok) {
    /* the last document whose first token is <= tok: documents without tokens share their first
     * token with the next one, so this is the one that holds tok */
    const uint32_t *at = c->doc_starts; /* branch-free: a conditional move per step */
    for (size_t n = c->docs.n; n > 1; n -= n / 2)
        at = at[n / 2] <= tok ? at + n / 2 : at;
    return (uint32_t)(at - c->doc_starts);
}

uint32_t corpus_turn_doc(const sm_corpus *c, uint32_t turn) {
    size_t lo = 0, hi = c->docs.n; /* the same by turn, over the records (rarely needed) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->docs.v[mid].turn_first <= turn)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo;
}

int corpus_check_token(const sm_corpus *c, uint32_t tok, sm_error *err) {
    return c->doc_checked ? corpus_check_doc(c, corpus_token_doc(c, tok), err) : 0;
}

int corpus_check_turn(const sm_corpus *c, uint32_t turn, sm_error *err) {
    return c->doc_checked ? corpus_check_doc(c, corpus_turn_doc(c, turn), err) : 0;
}

int corpus_turn_speaker(const sm_corpus *c, uint32_t turn, uint32_t *speaker, sm_error *err) {
    if (c->aliased) { /* built from range-checked labels */
        *speaker = c->alias_turns[turn];
        return 0;
    }
    return corpus_turn_label(c, turn, speaker, err);
}

int corpus_turn_label(const sm_corpus *c, uint32_t turn, uint32_t *speaker, sm_error *err) {
    uint32_t s = c->turns.v[turn].speaker;
    if (s != SM_NONE && s >= c->speaker_names.n) {
        if (c->store && store_check_doc(c, corpus_turn_doc(c, turn), err)) return -1; /* names it */
        return sm_errorf(err, "turn %u: speaker out of range", turn);
    }
    *speaker = s;
    return 0;
}

uint32_t corpus_token_turn(const sm_corpus *c, uint32_t tok) {
    const sm_doc *d = &c->docs.v[corpus_token_doc(c, tok)];
    CORPUS_EXPECT_CHECKED(c, (uint32_t)(d - c->docs.v));
    /* last turn of the document whose first token is <= tok (its first turn if none is): a
     * binary search between the samples on either side of tok, when they are in its document
     * (a search over the document's turns was mostly cache misses) */
    if (d->turn_count == 0) /* a token always has a turn */
        return d->turn_first < c->turns.n ? d->turn_first : 0;
    uint64_t k = tok / TURN_SAMPLE, tok_end = (uint64_t)d->tok_first + d->tok_count;
    size_t lo = d->turn_first, hi = (size_t)d->turn_first + d->turn_count;
    if (c->turn_samples) {
        if (k * TURN_SAMPLE >= d->tok_first) lo = c->turn_samples[k];
        if ((k + 1) * TURN_SAMPLE < tok_end) hi = (size_t)c->turn_samples[k + 1] + 1;
    }
    const sm_turn *at = c->turns.v + lo; /* branch-free: a conditional move per step */
    for (size_t n = hi - lo; n > 1; n -= n / 2)
        at = at[n / 2].tok_first <= tok ? at + n / 2 : at;
    lo = (size_t)(at - c->turns.v);
    while (lo > d->turn_first && c->turns.v[lo].tok_count == 0)
        lo--; /* empty turns share their first token */
    return (uint32_t)lo;
}

void corpus_prefetch_token(const sm_corpus *c, uint32_t tok, int stage) {
#if defined(__GNUC__)
    if (!c->turn_samples || tok >= c->tokens.n) return;
    const uint32_t *sample = &c->turn_samples[tok / TURN_SAMPLE];
    if (stage == 0) {
        __builtin_prefetch(sample);
        return;
    }
    uint32_t t = *sample;
    if (t >= c->turns.n) return;
    const sm_turn *tr = &c->turns.v[t];
    if (stage == 1) {
        __builtin_prefetch(tr);
        __builtin_prefetch(&c->tokens.form[tok]);
        __builtin_prefetch(&c->tokens.rel[tok]);
        __builtin_prefetch(&c->tokens.block[tok >> TOK_BLOCK_SHIFT]);
        return;
    }
    /* stage 2: the turn's layout record and the token's text, where its document is ready */
    if (tr->doc >= c->docs.n) return;
    const sm_doc *d = &c->docs.v[tr->doc];
    if (!corpus_doc_checked(c, tr->doc)) return;
    if (tr->index < d->layout.turns.n) __builtin_prefetch(&d->layout.turns.v[tr->index]);
    const sm_tokblock *b = &c->tokens.block[tok >> TOK_BLOCK_SHIFT];
    uint64_t off = (uint64_t)b->base + c->tokens.rel[tok];
    if (d->text.s && b->base != TOK_WIDE && off < d->text.len) __builtin_prefetch(d->text.s + off);
#else
    (void)c, (void)tok, (void)stage;
#endif
}

uint32_t corpus_token_sentence(const sm_corpus *c, uint32_t tok) {
    const sm_doc *d = &c->docs.v[corpus_token_doc(c, tok)];
    CORPUS_EXPECT_CHECKED(c, (uint32_t)(d - c->docs.v));
    size_t lo = d->sent_first, hi = (size_t)d->sent_first + d->sent_count;
    if (lo == hi) return lo < c->sentences.n ? (uint32_t)lo : 0;
    /* guessed from the token's share of the document's tokens */
    uint64_t into = tok > d->tok_first ? tok - d->tok_first : 0;
    size_t guess = lo + (size_t)(d->tok_count ? into * d->sent_count / d->tok_count : 0);
    return (uint32_t)search_last_le(c->sentences.v, lo, hi, tok, guess);
}

void corpus_sentence_span(const sm_corpus *c, uint32_t doc, uint32_t sent, uint32_t *first,
                          uint32_t *end) {
    const sm_doc *d = &c->docs.v[doc];
    CORPUS_EXPECT_CHECKED(c, doc);
    uint32_t doc_end = d->tok_first + d->tok_count;
    if (sent < d->sent_first || sent - d->sent_first >= d->sent_count) { /* not its sentence */
        *first = d->tok_first;
        *end = doc_end;
        return;
    }
    *first = c->sentences.v[sent];
    *end = sent + 1 - d->sent_first < d->sent_count ? c->sentences.v[sent + 1] : doc_end;
}

void corpus_turn_bounds(const sm_corpus *c, uint32_t turn, uint32_t *from, uint32_t *to) {
    const sm_turn *tr = &c->turns.v[turn];
    CORPUS_EXPECT_CHECKED(c, tr->doc);
    const sm_layout *lay = &c->docs.v[tr->doc].layout;
    const sm_rawturn *rt = &lay->turns.v[tr->index];
    if (rt->seg_count == 0) {
        *from = *to = rt->label;
        return;
    }
    *from = lay->segs.v[rt->seg_first].start;
    *to = lay->segs.v[rt->seg_first + rt->seg_count - 1].end;
}

int corpus_check_texts(const sm_corpus *c, sm_error *err) {
    store_prefetch_texts(c, NULL, c->docs.n);
    for (uint32_t d = 0; d < c->docs.n; d++)
        if (corpus_check_doc_text(c, d, err)) return -1;
    return 0;
}

int corpus_turn_text(const sm_corpus *c, uint32_t turn, uint32_t from, uint32_t to, sm_buf *b) {
    const sm_turn *tr = &c->turns.v[turn];
    CORPUS_EXPECT_CHECKED(c, tr->doc);
    CORPUS_EXPECT_TEXT(c, tr->doc);
    const sm_doc *d = &c->docs.v[tr->doc];
    const sm_rawturn *rt = &d->layout.turns.v[tr->index];
    if (buf_append(b, "", 0)) return -1;
    for (uint32_t k = 0; k < rt->seg_count; k++) {
        const sm_segment *sg = &d->layout.segs.v[rt->seg_first + k];
        /* the separator stands for the gap before this segment, when the range spans the gap */
        if (k > 0 && from <= sg[-1].end && to >= sg->start &&
            buf_append(b, sg->sep == SEP_SPACE ? " " : "\n\n", sg->sep == SEP_SPACE ? 1 : 2))
            return -1;
        uint32_t lo = sg->start > from ? sg->start : from, hi = sg->end < to ? sg->end : to;
        if (lo < hi && buf_append(b, d->text.s + lo, hi - lo)) return -1;
    }
    return 0;
}

/* ---- speaker aliases --------------------------------------------------------------------------
 */

uint32_t corpus_find_speaker(const sm_corpus *c, const char *s, size_t len) {
    uint32_t id = lex_find(c->aliased ? &c->alias_names : &c->speaker_names, s, len);
    return id == LEX_NONE ? SM_NONE : id;
}

static int same_doc(const char *a, const char *b) {
    return a == b || (a && b && strcmp(a, b) == 0);
}

int corpus_add_alias(sm_corpus *c, const char *doc, const char *label, const char *name,
                     sm_error *err) {
    sm_alias a = {doc ? dup_str(doc) : NULL, dup_str(label), dup_str(name)};
    if ((doc && !a.doc) || !a.label || !a.name) goto oom;
    for (size_t k = 0; k < c->aliases.n; k++) {
        sm_alias *o = &c->aliases.v[k];
        if (same_doc(o->doc, doc) && strcmp(o->label, label) == 0) { /* replaced */
            free(a.doc);
            free(a.label);
            free(o->name);
            o->name = a.name;
            return 0;
        }
    }
    if (VEC_PUSH(c->aliases, a)) goto oom;
    return 0;
oom:
    free(a.doc);
    free(a.label);
    free(a.name);
    return sm_errorf(err, "out of memory");
}

static int doc_matches(const sm_alias *a, const sm_doc *d) {
    return !a->doc || strcmp(a->doc, d->name) == 0 || strcmp(a->doc, d->path) == 0;
}

const char *corpus_alias_for(const sm_corpus *c, uint32_t doc, const char *label) {
    const char *all = NULL, *own = NULL;
    for (size_t k = 0; k < c->aliases.n; k++) {
        const sm_alias *a = &c->aliases.v[k];
        if (strcmp(a->label, label) != 0) continue;
        if (!a->doc)
            all = a->name;
        else if (doc_matches(a, &c->docs.v[doc]))
            own = a->name;
    }
    return own ? own : all;
}

/* Whether rule a names a label of the corpus, in one of the documents it names: 0, or -1 with
 * err naming the label (and the document). */
static int check_alias(const sm_corpus *c, const sm_alias *a, sm_error *err) {
    uint32_t id = lex_find(&c->speaker_names, a->label, strlen(a->label));
    if (!a->doc) {
        if (id == LEX_NONE) return sm_errorf(err, "alias: unknown speaker label \"%s\"", a->label);
        return 0;
    }
    int doc_found = 0;
    for (uint32_t d = 0; d < c->docs.n; d++) {
        const sm_doc *doc = &c->docs.v[d];
        if (!doc_matches(a, doc)) continue;
        doc_found = 1;
        for (uint32_t t = doc->turn_first; id != LEX_NONE && t < doc->turn_first + doc->turn_count;
             t++) {
            uint32_t l;
            if (corpus_turn_label(c, t, &l, err)) return -1;
            if (l == id) return 0;
        }
    }
    if (!doc_found) return sm_errorf(err, "alias: no document \"%s\" in the corpus", a->doc);
    /* a label whose turns merge_turns joined to the turns before them is in no turn, but still
     * among the document's names */
    for (uint32_t d = 0; id != LEX_NONE && d < c->docs.n; d++) {
        const sm_layout *lay = &c->docs.v[d].layout;
        if (!doc_matches(a, &c->docs.v[d])) continue;
        for (size_t k = 0; k < lay->names.n; k += strlen(lay->names.s + k) + 1)
            if (strcmp(lay->names.s + k, a->label) == 0) return 0;
    }
    return sm_errorf(err, "alias: unknown speaker label \"%s\" in document \"%s\"", a->label,
                     a->doc);
}

int corpus_apply_aliases(sm_corpus *c, sm_error *err) {
    for (size_t k = 0; k < c->aliases.n; k++)
        if (check_alias(c, &c->aliases.v[k], err)) return -1;
    if (c->aliases.n == 0) {
        free_alias_tables(c);
        return 0;
    }
    /* Documents with rules of their own look each turn's name up; the others share one name
     * per label (cache: speaker id + 1, 0 while unknown). Names are interned in turn order, so
     * speaker ids stay in order of first turn. */
    size_t nl = c->speaker_names.n, nt = c->turns.n;
    uint8_t *own = calloc(c->docs.n ? c->docs.n : 1, 1);
    uint32_t *cache = calloc(nl ? nl : 1, sizeof *cache);
    sm_lexicon names;
    memset(&names, 0, sizeof names);
    uint32_t *turns = malloc((nt ? nt : 1) * sizeof *turns);
    VEC(sm_speaker) info = {0};
    int rc = own && cache && turns ? 0 : -1;
    for (uint32_t d = 0; rc == 0 && d < c->docs.n; d++)
        for (size_t k = 0; k < c->aliases.n; k++)
            if (c->aliases.v[k].doc && doc_matches(&c->aliases.v[k], &c->docs.v[d])) own[d] = 1;
    for (uint32_t d = 0; rc == 0 && d < c->docs.n; d++) {
        const sm_doc *doc = &c->docs.v[d];
        for (uint32_t t = doc->turn_first; rc == 0 && t < doc->turn_first + doc->turn_count; t++) {
            uint32_t l, s = SM_NONE;
            if (corpus_turn_label(c, t, &l, err)) {
                rc = -2; /* err says what */
                break;
            }
            if (l != SM_NONE && !own[d] && cache[l]) {
                s = cache[l] - 1;
            } else if (l != SM_NONE) {
                size_t len;
                const char *label = lex_str(&c->speaker_names, l, &len);
                const char *name = corpus_alias_for(c, d, label);
                int is_new = 0;
                s = name ? lex_intern(&names, name, strlen(name), &is_new)
                         : lex_intern(&names, label, len, &is_new);
                if (s == LEX_NONE) {
                    rc = -1;
                    break;
                }
                if (is_new && VEC_PUSH(info, ((sm_speaker){0, 0, d}))) rc = -1;
                if (!own[d]) cache[l] = s + 1;
            }
            turns[t] = s;
            if (rc == 0 && s != SM_NONE) {
                info.v[s].turns++;
                info.v[s].words += c->turns.v[t].words;
            }
        }
    }
    free(own);
    free(cache);
    if (rc) {
        lex_free(&names);
        free(turns);
        VEC_FREE(info);
        return rc == -2 ? -1 : sm_errorf(err, "out of memory while applying speaker aliases");
    }
    free_alias_tables(c);
    c->alias_names = names;
    c->alias_turns = turns;
    c->alias_speakers.v = info.v;
    c->alias_speakers.n = info.n;
    c->alias_speakers.cap = info.cap;
    c->aliased = 1;
    return 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int corpus_speaker_labels(const sm_corpus *c, uint64_t **pairs, size_t *n, sm_error *err) {
    uint64_t *p = malloc((c->turns.n ? c->turns.n : 1) * sizeof *p);
    if (!p) return sm_errorf(err, "out of memory");
    size_t k = 0;
    for (uint32_t t = 0; t < c->turns.n; t++) {
        uint32_t l, s;
        if (corpus_turn_label(c, t, &l, err) || corpus_turn_speaker(c, t, &s, err)) {
            free(p);
            return -1;
        }
        if (l != SM_NONE && s != SM_NONE) p[k++] = (uint64_t)s << 32 | l;
    }
    qsort(p, k, sizeof *p, cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < k; i++)
        if (u == 0 || p[u - 1] != p[i]) p[u++] = p[i];
    *pairs = p;
    *n = u;
    return 0;
}

void corpus_event_name(const sm_corpus *c, const sm_event *ev, uint32_t *from, uint32_t *to) {
    CORPUS_EXPECT_TEXT(c, ev->doc);
    const char *text = c->docs.v[ev->doc].text.s;
    uint32_t a = ev->start, z = ev->end;
    static const char open[] = "[({<", close[] = "])}>";
    if (z - a >= 3 && text[a] == '\\') a++;   /* "\\[laughs\\]": its escapes are no part of it */
    for (int level = 0; level < 2; level++) { /* "[skratt]", "(ohörbart)", "((risas))" */
        const char *o = z - a >= 2 ? strchr(open, text[a]) : NULL;
        if (!o || !*o || text[z - 1] != close[o - open]) break;
        a++;
        z--;
    }
    while (a < z && (text[a] == '*' || text[a] == '_' || text[a] == '\\' || text[a] == '#' ||
                     (text[a] == ' ' && a > ev->start))) /* "## Heading": its text */
        a++;
    while (z > a && (text[z - 1] == '*' || text[z - 1] == '_' || text[z - 1] == '\\'))
        z--;
    *from = a;
    *to = z;
}
