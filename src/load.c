/* load.c: loading many files, the next ones decoded on other threads (corpus_add_files).
 *
 * A document goes through two stages: prepare (read the file, detect the encoding, decode,
 * normalise, lay out turns, corpus_prepare_doc; then segment into words and sentences, interning
 * the forms in a lexicon of the document's own, tokenize_presegment) and commit (append, intern
 * the document's distinct forms into the corpus's lexicons, corpus_commit_doc). Prepare reads
 * nothing shared but the options, so worker threads run it on the files ahead; commit grows the
 * lexicons, so it stays on the calling thread and takes the documents strictly in the order
 * given. The corpus is therefore the one a serial load builds, form ids and all, and an error is
 * the first one a serial load would meet. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corpus.h"
#include "import.h"
#include "layout.h"
#include "parallel.h"
#include "tokenize.h"

enum { AHEAD = 32 }; /* documents prepared ahead of the commit, at most */

/* p[0..bytes) moved into a block of the calling thread's own (p freed), or p where that fails. */
static void *move_here(void *p, size_t bytes) {
    if (!p || !bytes) return p;
    void *q = malloc(bytes);
    if (!q) return p;
    memcpy(q, p, bytes);
    free(p);
    return q;
}

#define MOVE_VEC(vec)                                                                              \
    do {                                                                                           \
        if ((vec).n) {                                                                             \
            (vec).v = move_here((vec).v, (vec).n * sizeof *(vec).v);                               \
            (vec).cap = (vec).n;                                                                   \
        }                                                                                          \
    } while (0)

/* A document prepared on a worker, its arrays that last as long as the corpus (the layout, the
 * offset map, the lines) copied into the committing thread's memory. Left where the worker made
 * them, they lay among the worker's freed scratch memory (its decoded texts, its segmentations),
 * which could then not go back to the system: 100 MB on two threads built with a peak 3-5 MiB
 * higher than with them moved. The text itself is left, and the lines of a text to be compressed
 * (compress = true frees both as soon as the document is tokenised). */
static void move_arrays_here(const sm_corpus *c, sm_doc *d) {
    sm_layout *l = &d->layout;
    MOVE_VEC(l->segs);
    MOVE_VEC(l->turns);
    MOVE_VEC(l->stops);
    MOVE_VEC(l->timed);
    MOVE_VEC(l->events);
    MOVE_VEC(l->participants);
    MOVE_VEC(l->pages);
    if (l->names.n) {
        l->names.s = move_here(l->names.s, l->names.n + 1); /* with its NUL */
        l->names.cap = l->names.n + 1;
    }
    if (d->text.nmap) d->text.map = move_here(d->text.map, d->text.nmap * sizeof *d->text.map);
    if (d->text.nlines && !c->opts.pack_texts)
        d->text.lines = move_here(d->text.lines, d->text.nlines * sizeof *d->text.lines);
}

typedef struct slot {
    int state; /* 0 empty, 1 prepared, 2 failed, 3 samtal's own export, read whole at commit */
    sm_doc doc;
    unsigned char *bytes; /* state 3: the file */
    size_t len;
    sm_notes notes; /* of the parts skipped (on_error = "skip") */
    sm_error err;
} slot;

typedef struct loader {
    const sm_corpus *c;
    const char *const *paths;
    size_t n;
    size_t next;      /* the next file a worker takes */
    size_t committed; /* files taken by the committing thread */
    int stop;
    slot slots[AHEAD]; /* file i in slots[i % AHEAD] */
    pthread_mutex_t lock;
    pthread_cond_t prepared, room;
} loader;

static void prepare_file(const sm_corpus *c, const char *path, slot *s) {
    size_t len = 0;
    unsigned char *bytes = corpus_read_file(path, &len, &s->err);
    if (bytes && (c->opts.format == FORMAT_AUTO || c->opts.format == FORMAT_JSON) &&
        import_is_export(bytes, len)) { /* many documents: the committing thread reads it */
        s->bytes = bytes, s->len = len, s->state = 3;
        return;
    }
    int rc = bytes ? corpus_prepare_doc(c, path, bytes, len, &s->doc, &s->notes, &s->err) : -1;
    free(bytes);
    if (rc == 0) tokenize_presegment(c, &s->doc);
    s->state = rc ? 2 : 1;
}

static void *worker(void *arg) {
    loader *ld = arg;
    pthread_mutex_lock(&ld->lock);
    for (;;) {
        while (!ld->stop && ld->next < ld->n && ld->next >= ld->committed + AHEAD)
            pthread_cond_wait(&ld->room, &ld->lock);
        if (ld->stop || ld->next >= ld->n) break;
        size_t i = ld->next++;
        pthread_mutex_unlock(&ld->lock);
        slot s;
        memset(&s, 0, sizeof s);
        prepare_file(ld->c, ld->paths[i], &s);
        pthread_mutex_lock(&ld->lock);
        ld->slots[i % AHEAD] = s;
        pthread_cond_broadcast(&ld->prepared);
    }
    pthread_mutex_unlock(&ld->lock);
    return NULL;
}

/* A file that failed to load: with on_error = "skip" a warning, and the load goes on (0). */
static int failed_file(sm_corpus *c, const char *path, sm_error *err) {
    if (c->opts.skip && corpus_warn(c, path, err->msg) == 0) return 0;
    return -1;
}

/* Room in the token array, asked for once, for the tokens the files' sizes suggest: a transcript
 * has a token every five to six bytes, so one every four is room enough for most. Grown by
 * doubling instead, the array was copied, and its fresh pages faulted in, again and again on the
 * committing thread (a tenth of the load at 100 MB). Only a hint: pages never written cost no
 * memory, and corpus_finish gives back what is left over. */
static void reserve_tokens(sm_corpus *c, const char *const *paths, size_t n) {
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(paths[i], &st) == 0 && S_ISREG(st.st_mode)) bytes += (uint64_t)st.st_size;
    }
    uint64_t want = c->tokens.n + bytes / 4;
    if (want > UINT32_MAX) want = UINT32_MAX;
    (void)tokens_reserve(&c->tokens, (size_t)want);
}

static int add_serially(sm_corpus *c, const char *const *paths, size_t n,
                        int (*progress)(void *, size_t, size_t, const char *), void *ud,
                        int *stopped, sm_error *err) {
    for (size_t i = 0; i < n; i++) {
        if (corpus_add_file(c, paths[i], err) && failed_file(c, paths[i], err)) return -1;
        if (progress && progress(ud, i + 1, n, paths[i])) return *stopped = 1, -1;
    }
    return 0;
}

int corpus_add_files(sm_corpus *c, const char *const *paths, size_t n,
                     int (*progress)(void *ud, size_t done, size_t total, const char *path),
                     void *ud, int *stopped, sm_error *err) {
    *stopped = 0;
    if (c->finished) return sm_errorf(err, "the corpus is complete; no more documents");
    if (n >= 2) reserve_tokens(c, paths, n);
    /* the workers segment too, so the committing thread often waits: one worker a core */
    unsigned nworkers = parallel_threads();
    if (nworkers == 1) nworkers = 0;
    if (nworkers > 8) nworkers = 8;
    if (nworkers == 0 || n < 2) return add_serially(c, paths, n, progress, ud, stopped, err);
    loader *ld = calloc(1, sizeof *ld);
    if (!ld) return sm_errorf(err, "out of memory");
    ld->c = c, ld->paths = paths, ld->n = n;
    pthread_mutex_init(&ld->lock, NULL);
    pthread_cond_init(&ld->prepared, NULL);
    pthread_cond_init(&ld->room, NULL);
    pthread_t threads[8];
    unsigned started = 0;
    for (unsigned t = 0; t < nworkers; t++)
        if (pthread_create(&threads[started], NULL, worker, ld) == 0) started++;
    int rc = 0;
    if (started == 0) rc = add_serially(c, paths, n, progress, ud, stopped, err);
    for (size_t i = 0; started && i < n && rc == 0; i++) {
        slot *s = &ld->slots[i % AHEAD];
        pthread_mutex_lock(&ld->lock);
        while (s->state == 0)
            pthread_cond_wait(&ld->prepared, &ld->lock);
        slot got = *s;
        memset(s, 0, sizeof *s);
        ld->committed = i + 1;
        pthread_cond_broadcast(&ld->room);
        pthread_mutex_unlock(&ld->lock);
        if (got.state == 2) {
            *err = got.err;
            rc = failed_file(c, paths[i], err);
        } else if (got.state == 3) {
            if (corpus_add_bytes(c, paths[i], got.bytes, got.len, err))
                rc = failed_file(c, paths[i], err);
            free(got.bytes);
        } else {
            move_arrays_here(c, &got.doc);
            if (corpus_commit_doc(c, &got.doc, &got.notes, err)) rc = failed_file(c, paths[i], err);
        }
        sm_notes_free(&got.notes);
        if (rc == 0 && progress && progress(ud, i + 1, n, paths[i])) *stopped = 1, rc = -1;
    }
    pthread_mutex_lock(&ld->lock);
    ld->stop = 1;
    pthread_cond_broadcast(&ld->room);
    pthread_mutex_unlock(&ld->lock);
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    for (unsigned k = 0; k < AHEAD; k++) { /* prepared, never committed: after an error */
        if (ld->slots[k].state == 1) corpus_discard_doc(&ld->slots[k].doc);
        free(ld->slots[k].bytes);
        sm_notes_free(&ld->slots[k].notes);
    }
    pthread_mutex_destroy(&ld->lock);
    pthread_cond_destroy(&ld->prepared);
    pthread_cond_destroy(&ld->room);
    free(ld);
    return rc;
}
