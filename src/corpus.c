/* corpus.c: loading documents into a corpus, and the corpus's own lookups. */
#include "corpus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "encoding.h"
#include "import.h"
#include "index.h"
#include "store.h"
#include "tokenize.h"

void corpus_init(sm_corpus *c, const sm_load_opts *opts) {
    memset(c, 0, sizeof *c);
    c->opts.encoding = -1;
    if (opts) c->opts = *opts;
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

char *corpus_fold(const char *s, size_t len, size_t *outlen) {
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
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (buf_append(&b, chunk, got)) {
            fclose(f);
            buf_free(&b);
            sm_errorf(err, "%s: out of memory while reading", path);
            return NULL;
        }
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
    layout_free(&d->layout);
    buf_free(&d->meta);
}

static char *dup_str(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p) memcpy(p, s, n);
    return p;
}

int layout_format_by_name(const char *name) {
    static const char *const names[] = {"auto", "text", "vrt",  "vtt",
                                        "srt",  "json", "html", "parlamint"};
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
           : layout_is_html(path, t)      ? FORMAT_HTML
           : layout_is_parlamint(path, t) ? FORMAT_PARLAMINT
                                          : FORMAT_TEXT;
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
    case FORMAT_JSON:
        return layout_json(path, &d->text, &d->layout, err);
    case FORMAT_HTML:
        return layout_html(path, &d->text, &d->layout, err);
    case FORMAT_PARLAMINT:
        return layout_parlamint(path, &d->text, &d->layout, err);
    default:
        return layout_plaintext(path, &d->text, &d->layout, err);
    }
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
    c->tokens.n = first->tok_first;
    c->sentences.n = first->sent_first;
    c->events.n = first->event_first;
    for (size_t a = 0; a < c->attrs.n; a++)
        if (c->attrs.v[a].tokens.n > c->tokens.n) c->attrs.v[a].tokens.n = c->tokens.n;
    while (c->docs.n > ndocs)
        corpus_doc_free(&c->docs.v[--c->docs.n]);
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
    if (tokenize_document(c, (uint32_t)c->docs.n - 1, err)) {
        /* roll back, so a failed document leaves no trace */
        corpus_drop_docs(c, c->docs.n - 1);
        return -1;
    }
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
    if (index_build(c) || index_build_fold_forms(c) || corpus_index_docs(c))
        return sm_errorf(err, "out of memory while building the index");
    c->finished = 1;
    return 0;
}

void corpus_free(sm_corpus *c) {
    if (!c) return;
    free(c->turn_starts); /* derived, malloc'd, mapped corpus or not */
    free(c->doc_starts);
    c->turn_starts = NULL;
    c->doc_starts = NULL;
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
    VEC_FREE(c->events);
    VEC_FREE(c->tokens);
    VEC_FREE(c->sentences);
    lex_free(&c->forms);
    VEC_FREE(c->form_info);
    lex_free(&c->folds);
    lex_free(&c->speaker_names);
    VEC_FREE(c->speakers);
    free(c->post_start);
    free(c->postings);
    c->post_start = c->postings = NULL;
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
    if (!starts) return -1;
    for (size_t d = 0; d < c->docs.n; d++)
        starts[d] = c->docs.v[d].tok_first;
    free(c->doc_starts);
    c->doc_starts = starts;
    return 0;
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
    /* last turn of the document whose first token is <= tok */
    size_t lo = d->turn_first, hi = (size_t)d->turn_first + d->turn_count;
    if (lo == hi) return lo < c->turns.n ? (uint32_t)lo : 0; /* a token always has a turn */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->turns.v[mid].tok_first <= tok)
            lo = mid;
        else
            hi = mid;
    }
    while (lo > d->turn_first && c->turns.v[lo].tok_count == 0)
        lo--; /* empty turns share their first token */
    return (uint32_t)lo;
}

uint32_t corpus_token_sentence(const sm_corpus *c, uint32_t tok) {
    const sm_doc *d = &c->docs.v[corpus_token_doc(c, tok)];
    CORPUS_EXPECT_CHECKED(c, (uint32_t)(d - c->docs.v));
    size_t lo = d->sent_first, hi = (size_t)d->sent_first + d->sent_count;
    if (lo == hi) return lo < c->sentences.n ? (uint32_t)lo : 0;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->sentences.v[mid] <= tok)
            lo = mid;
        else
            hi = mid;
    }
    return (uint32_t)lo;
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

int corpus_turn_text(const sm_corpus *c, uint32_t turn, uint32_t from, uint32_t to, sm_buf *b) {
    const sm_turn *tr = &c->turns.v[turn];
    CORPUS_EXPECT_CHECKED(c, tr->doc);
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
