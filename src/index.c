/* index.c: building and reading the positional index (see index.h). */
#include "index.h"

#include <stdlib.h>

#include "parallel.h"
#include "store.h"

/* How many bytes gap v takes as a variable-length integer. */
static inline unsigned varint_len(uint32_t v) {
    return v < 1u << 7 ? 1 : v < 1u << 14 ? 2 : v < 1u << 21 ? 3 : v < 1u << 28 ? 4 : 5;
}

/* A fold's tokens in one part of the token stream, counted before the index is written: how
 * many, the first and the last, the bytes of the gaps after the first, and the documents they
 * are in. 20 bytes a fold a part (it had been 32, with the documents of the first and last token
 * too; those are found from the tokens). A part's bytes fit in 32 bits: a gap of g takes at most
 * 1 + g / 127 bytes, so a part of L tokens takes under L * 128 / 127, and no part is longer than
 * 2^31 tokens (index_build). */
typedef struct fold_tally {
    uint32_t count, first, last, bytes, docs;
} fold_tally;

/* The same while writing, 8 bytes: where its next gap goes, from the start of the fold's list
 * (a fold's list is under 4 GiB: index_build), and the last token written before it (0 for
 * none). Writing holds the postings too: this is the peak of building a corpus, so the tallies
 * are given back first (100 MB on two threads: 9 MB of tallies, 3.6 MB of cursors). */
typedef struct fold_cursor {
    uint32_t at, last;
} fold_cursor;

/* index_build counts and writes the tokens of each part on its own thread: part p's tokens go
 * after those of the parts before it within each fold, so the bytes are the serial ones. */
typedef struct build_job {
    const sm_corpus *c;
    unsigned nparts;
    size_t nf;
    fold_tally *tally;   /* by part: nf tallies, while counting */
    fold_cursor *cursor; /* by part: nf cursors, while writing */
    const uint64_t *at;  /* where each fold's list starts in bytes */
    uint8_t *bytes;      /* NULL while counting */
} build_job;

static void build_part(void *arg, unsigned part) {
    build_job *j = arg;
    const sm_tokens *tok = &j->c->tokens;
    const sm_form *info = j->c->form_info.v;
    size_t nt = j->c->tokens.n;
    uint32_t from = (uint32_t)(nt * part / j->nparts), to = (uint32_t)(nt * (part + 1) / j->nparts);
    if (!j->bytes) {
        fold_tally *tally = j->tally + (size_t)part * j->nf;
        const sm_doc *docs = j->c->docs.v;
        uint32_t nd = (uint32_t)j->c->docs.n, d = 0, doc_first = 0, doc_end = 0;
        for (uint32_t t = from; t < to; t++) {
            while (t >= doc_end) { /* the document of token t starts at doc_first */
                if (d < nd) {
                    doc_first = docs[d].tok_first;
                    doc_end = doc_first + docs[d].tok_count;
                    d++;
                } else {
                    doc_first = t;
                    doc_end = UINT32_MAX;
                }
            }
            fold_tally *ft = &tally[info[tokens_form(tok, t)].fold];
            if (ft->count++) {
                ft->bytes += varint_len(t - ft->last);
                if (ft->last < doc_first) ft->docs++;
            } else {
                ft->first = t;
                ft->docs = 1;
            }
            ft->last = t;
        }
        return;
    }
    fold_cursor *cursor = j->cursor + (size_t)part * j->nf;
    for (uint32_t t = from; t < to; t++) {
        uint32_t f = info[tokens_form(tok, t)].fold;
        fold_cursor *fc = &cursor[f];
        uint32_t gap = t - fc->last;
        uint8_t *start = j->bytes + j->at[f], *w = start + fc->at;
        fc->last = t;
        while (gap >= 0x80) {
            *w++ = (uint8_t)(gap | 0x80);
            gap >>= 7;
        }
        *w++ = (uint8_t)gap;
        fc->at = (uint32_t)(w - start);
    }
}

/* Fewer tokens a part than this, and threads cost more than they save. SAMTAL_INDEX_PART_TOKENS
 * sets another: the specs make it small, so that small corpora are built in parts too. */
enum { BUILD_PART_TOKENS = 1 << 20 };
static size_t part_tokens(void) {
    const char *env = getenv("SAMTAL_INDEX_PART_TOKENS");
    long v = env ? strtol(env, NULL, 10) : 0;
    return v > 0 ? (size_t)v : BUILD_PART_TOKENS;
}

int index_build(sm_corpus *c) {
    size_t nf = c->folds.n, nt = c->tokens.n, per_part = part_tokens();
    unsigned nparts = parallel_threads();
    if (nparts > nt / per_part) nparts = (unsigned)(nt / per_part);
    if (nparts < 1) nparts = 1;
    if (nparts < 2 && nt > (size_t)1 << 31) nparts = 2; /* a part's bytes fit in 32 bits */
    size_t cells = (size_t)nparts * (nf ? nf : 1);
    uint32_t *start = calloc(nf + 1, sizeof *start);
    uint64_t *at = calloc(nf + 1, sizeof *at);
    uint32_t *fold_docs = calloc(nf ? nf : 1, sizeof *fold_docs);
    fold_tally *tally = vec_map(cells * sizeof *tally, 0); /* back to the system when done */
    fold_cursor *cursor = NULL;
    uint8_t *bytes = NULL;
    int rc = -1;
    if (!start || !at || !fold_docs || !tally) goto done;
    build_job j = {c, nparts, nf, tally, NULL, at, NULL};
    parallel_run(nparts, build_part, &j);
    /* The document that holds each part's first token: a fold's last token before the part and
     * its first in the part are in one document only if both are in that one. */
    uint32_t span_first[64], span_end[64];
    for (unsigned p = 0, d = 0; p < nparts; p++) {
        uint32_t from = (uint32_t)(nt * p / nparts);
        while (d < c->docs.n && c->docs.v[d].tok_first + c->docs.v[d].tok_count <= from)
            d++;
        span_first[p] = d < c->docs.n ? c->docs.v[d].tok_first : from;
        span_end[p] = d < c->docs.n ? c->docs.v[d].tok_first + c->docs.v[d].tok_count : from;
    }
    /* the tallies become cursors: fold by fold, part by part, each part's first token a gap
     * from the last of the parts before it */
    if ((cursor = vec_map(cells * sizeof *cursor, 0)) == NULL) goto done;
    uint64_t pos = 0;
    uint32_t sum = 0;
    for (size_t f = 0; f < nf; f++) {
        start[f] = sum;
        at[f] = pos;
        uint32_t prev = 0, seen = 0;
        for (unsigned p = 0; p < nparts; p++) {
            const fold_tally *ft = &tally[(size_t)p * nf + f];
            if (!ft->count) continue;
            int joined = seen && prev >= span_first[p] && ft->first < span_end[p];
            fold_docs[f] += ft->docs - (uint32_t)joined; /* a document across parts */
            cursor[(size_t)p * nf + f] = (fold_cursor){(uint32_t)(pos - at[f]), prev};
            pos += varint_len(ft->first - prev) + (uint64_t)ft->bytes;
            sum += ft->count;
            prev = ft->last;
            seen = 1;
        }
        if (pos - at[f] > UINT32_MAX) { /* over 4 billion tokens of one word */
            rc = -2;
            goto done;
        }
    }
    start[nf] = sum;
    at[nf] = pos;
    vec_unmap(tally, cells * sizeof *tally);
    tally = NULL;
    if ((bytes = vec_alloc_big(pos ? pos : 1)) == NULL) goto done; /* 2 MiB pages: fewer faults */
    j.cursor = cursor;
    j.bytes = bytes;
    parallel_run(nparts, build_part, &j);
    free(c->post_start);
    free(c->post_at);
    free(c->post_bytes);
    free(c->fold_docs);
    c->post_start = start;
    c->post_at = at;
    c->post_bytes = bytes;
    c->fold_docs = fold_docs;
    start = NULL, at = NULL, bytes = NULL, fold_docs = NULL;
    rc = 0;
done:
    vec_unmap(tally, cells * sizeof *tally);
    vec_unmap(cursor, cells * sizeof *cursor);
    free(start);
    free(at);
    free(fold_docs);
    free(bytes);
    return rc;
}

int index_build_fold_forms(sm_corpus *c) {
    size_t nf = c->folds.n, nforms = c->forms.n;
    uint32_t *start = calloc(nf + 1, sizeof *start);
    uint32_t *forms = malloc((nforms ? nforms : 1) * sizeof *forms);
    if (!start || !forms) {
        free(start);
        free(forms);
        return -1;
    }
    for (size_t f = 0; f < nforms; f++)
        start[c->form_info.v[f].fold + 1]++;
    for (size_t k = 0; k < nf; k++)
        start[k + 1] += start[k];
    for (size_t f = 0; f < nforms; f++)
        forms[start[c->form_info.v[f].fold]++] = (uint32_t)f;
    for (size_t k = nf; k > 0; k--)
        start[k] = start[k - 1];
    start[0] = 0;
    free(c->fold_forms_start);
    free(c->fold_forms);
    c->fold_forms_start = start;
    c->fold_forms = forms;
    return 0;
}

int index_turn_starts(const sm_corpus *c, const uint8_t **bits, sm_error *err) {
    if (c->turn_starts) {
        *bits = c->turn_starts;
        return 0;
    }
    /* Built on first use, not at open: it reads every turn, which a saved corpus would otherwise
     * fault in from disk before the first query. A cache, so the corpus stays logically const.
     * The turns must follow one another over the tokens, which open does not check for a mapped
     * corpus (its documents are checked one by one, as they are used): checked here. */
    uint8_t *starts = calloc(c->tokens.n / 8 + 1, 1);
    if (!starts) {
        sm_errorf(err, "out of memory");
        return -2;
    }
    uint32_t next = 0;
    for (size_t t = 0; t < c->turns.n; t++) {
        uint32_t first = c->turns.v[t].tok_first, count = c->turns.v[t].tok_count;
        if (first != next || count > c->tokens.n - first) {
            free(starts);
            if (c->store) return store_corrupt(c, err, "section turns: turn %zu out of range", t);
            return sm_errorf(err, "turn %zu out of range", t);
        }
        if (count) starts[first >> 3] |= (uint8_t)(1u << (first & 7));
        next = first + count;
    }
    if (next != c->tokens.n) {
        free(starts);
        return c->store ? store_corrupt(c, err, "the turns do not cover the tokens")
                        : sm_errorf(err, "the turns do not cover the tokens");
    }
    ((sm_corpus *)c)->turn_starts = starts;
    *bits = starts;
    return 0;
}

int index_fold_forms(const sm_corpus *c, uint32_t fold, const uint32_t **forms, size_t *n,
                     sm_error *err) {
    *n = 0;
    *forms = c->fold_forms;
    if (fold >= c->folds.n || !c->fold_forms_start) return 0;
    if (c->store && store_check_fold_forms(c, fold, err)) return -1;
    *n = c->fold_forms_start[fold + 1] - c->fold_forms_start[fold];
    *forms = c->fold_forms + c->fold_forms_start[fold];
    return 0;
}

/* A damaged index: only a saved file can have one (store.c names it). */
#define CORRUPT(c, err, ...)                                                                       \
    ((c)->store ? store_corrupt((c), (err), __VA_ARGS__) : sm_errorf((err), __VA_ARGS__))

/* The range of fold `fold` in the postings, checked: a saved file's counts are read on every use.
 */
static int fold_range(const sm_corpus *c, uint32_t fold, uint32_t *a, uint32_t *b, sm_error *err) {
    *a = c->post_start[fold];
    *b = c->post_start[fold + 1];
    if (*a > *b || *b > c->tokens.n) /* the postings are as many as the tokens */
        return CORRUPT(c, err, "section post_start: fold %u out of range", fold);
    return 0;
}

int index_count(const sm_corpus *c, uint32_t fold, size_t *n, sm_error *err) {
    *n = 0;
    if (fold >= c->folds.n || !c->post_start) return 0;
    uint32_t a, b;
    if (fold_range(c, fold, &a, &b, err)) return -1;
    *n = b - a;
    return 0;
}

int index_decode(const sm_corpus *c, uint32_t fold, uint32_t *dst, size_t *n, sm_error *err) {
    *n = 0;
    if (fold >= c->folds.n || !c->post_start) return 0;
    uint32_t a, b;
    if (fold_range(c, fold, &a, &b, err)) return -1;
    uint64_t lo = c->post_at[fold], hi = c->post_at[fold + 1];
    if (lo > hi || hi > c->post_at[c->folds.n])
        return CORRUPT(c, err, "section post_at: fold %u out of range", fold);
    const uint8_t *p = c->post_bytes + lo, *end = c->post_bytes + hi;
    uint32_t want = b - a, i = 0, zero = 0;
    uint64_t pos = 0; /* 64 bits: no sum of gaps can wrap, so the last id bounds them all */
    if (want && p < end && *p == 0) { /* the first id may be 0, no later gap */
        p++;
        dst[i++] = 0;
    }
    while (p < end && i < want) {
        uint32_t gap = *p++;
        if (gap >= 0x80) { /* a longer number: at most 5 bytes, 32 bits */
            gap &= 0x7f;
            unsigned shift = 7;
            uint32_t byte;
            do {
                if (p == end || (shift == 28 && *p > 0x0f)) goto corrupt;
                byte = *p++;
                gap |= (byte & 0x7f) << shift;
                shift += 7;
            } while (byte & 0x80);
        }
        zero |= gap == 0; /* each id above the one before */
        pos += gap;
        dst[i++] = (uint32_t)pos;
    }
    if (p != end || i != want || zero || (i && pos >= c->tokens.n)) goto corrupt;
    *n = i;
    return 0;
corrupt:
    return CORRUPT(c, err, "section postings: fold %u out of range or order", fold);
}

int index_fold_docs(const sm_corpus *c, uint32_t fold, uint32_t *docs, sm_error *err) {
    *docs = 0;
    if (fold >= c->folds.n || !c->fold_docs) return 0;
    uint32_t a, b, d = c->fold_docs[fold];
    if (fold_range(c, fold, &a, &b, err)) return -1;
    if (d > b - a || d > c->docs.n || (b > a && d == 0))
        return CORRUPT(c, err, "section fold_docs: fold %u out of range", fold);
    *docs = d;
    return 0;
}

int index_postings(const sm_corpus *c, uint32_t fold, uint32_t **post, size_t *n, sm_error *err) {
    *post = NULL;
    size_t count;
    if (index_count(c, fold, &count, err)) return -1;
    *n = 0;
    if (!count) return 0;
    uint32_t *v = vec_alloc_big(count * sizeof *v);
    if (!v) return sm_errorf(err, "out of memory");
    if (index_decode(c, fold, v, n, err)) {
        free(v);
        return -1;
    }
    *post = v;
    return 0;
}
