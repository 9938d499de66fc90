/* stats.c: the counting behind samtal's statistics (see stats.h). */
#include "stats.h"

#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "parallel.h"

int keymap_build(const sm_corpus *c, int by, unsigned kinds, sm_keymap *km) {
    memset(km, 0, sizeof *km);
    size_t nf = c->forms.n;
    km->key = vec_alloc_big((size_t)nf * sizeof *km->key); /* read at random: huge pages */
    if (!km->key) return -1;
    for (size_t f = 0; f < nf; f++) {
        const sm_form *fi = &c->form_info.v[f];
        int counted = (kinds >> fi->kind) & 1;
        km->key[f] = !counted ? SM_NONE : by == KEY_FOLD ? fi->fold : (uint32_t)f;
    }
    km->nkeys = (uint32_t)(by == KEY_FOLD ? c->folds.n : nf);
    if (by == KEY_FOLD) {
        /* counts may come from the postings when every form of a fold is counted or none is */
        uint8_t *seen = calloc(c->folds.n ? c->folds.n : 1, 1);
        if (!seen) return keymap_free(km), -1;
        km->by_fold = 1;
        for (size_t f = 0; f < nf && km->by_fold; f++) {
            uint32_t fold = c->form_info.v[f].fold;
            uint8_t mark = km->key[f] == SM_NONE ? 1 : 2;
            if (seen[fold] && seen[fold] != mark) km->by_fold = 0;
            seen[fold] = mark;
        }
        free(seen);
    }
    return 0;
}

/* ISO 639-1 codes for the Snowball names (libstemmer takes both, but not in every version). */
static const char *snowball_name(const char *language) {
    static const char *const iso[][2] = {
        {"sv", "swedish"},    {"en", "english"},   {"da", "danish"},    {"no", "norwegian"},
        {"nb", "norwegian"},  {"nn", "norwegian"}, {"de", "german"},    {"nl", "dutch"},
        {"fi", "finnish"},    {"fr", "french"},    {"es", "spanish"},   {"it", "italian"},
        {"pt", "portuguese"}, {"ru", "russian"},   {"hu", "hungarian"}, {"ro", "romanian"},
        {"tr", "turkish"}};
    for (size_t i = 0; i < sizeof iso / sizeof *iso; i++)
        if (!strcmp(language, iso[i][0])) return iso[i][1];
    return language;
}

const char **stats_stem_languages(void) {
    return sb_stemmer_list();
}

int keymap_stems(const sm_corpus *c, unsigned kinds, const char *language, sm_lexicon *stems,
                 sm_keymap *km, sm_error *err) {
    memset(km, 0, sizeof *km);
    struct sb_stemmer *st = sb_stemmer_new(snowball_name(language), "UTF_8");
    if (!st) {
        sm_errorf(err, "no Snowball stemmer for language \"%s\"", language);
        return -1;
    }
    uint32_t *of_fold = malloc((c->folds.n ? c->folds.n : 1) * sizeof *of_fold);
    km->key = vec_alloc_big(c->forms.n * sizeof *km->key);
    int rc = of_fold && km->key ? 0 : -1;
    for (size_t f = 0; rc == 0 && f < c->folds.n; f++) {
        size_t len;
        const char *s = lex_str(&c->folds, (uint32_t)f, &len);
        const sb_symbol *stem = sb_stemmer_stem(st, (const sb_symbol *)s, (int)len);
        of_fold[f] =
            stem ? lex_intern(stems, (const char *)stem, (size_t)sb_stemmer_length(st), NULL)
                 : LEX_NONE;
        if (of_fold[f] == LEX_NONE) rc = -1;
    }
    for (size_t f = 0; rc == 0 && f < c->forms.n; f++) {
        const sm_form *fi = &c->form_info.v[f];
        km->key[f] = (kinds >> fi->kind) & 1 ? of_fold[fi->fold] : SM_NONE;
    }
    km->nkeys = (uint32_t)stems->n;
    free(of_fold);
    sb_stemmer_delete(st);
    if (rc) {
        keymap_free(km);
        sm_errorf(err, "out of memory");
    }
    return rc;
}

void keymap_free(sm_keymap *km) {
    free(km->key);
    memset(km, 0, sizeof *km);
}

/* The turns to walk: those in the set, or all. */
static uint32_t next_turn(const sm_corpus *c, const sm_set *turns, uint32_t t) {
    if (!turns) return t;
    uint32_t n = set_next(turns, t);
    return n < c->turns.n ? n : (uint32_t)c->turns.n;
}

/* The document of a token, found from `d` onwards (tokens come in ascending order): a galloping
 * search forwards, so that a walk over ascending tokens costs O(log gap) per change of document. */
static uint32_t doc_from(const sm_corpus *c, uint32_t d, uint32_t tok) {
    const sm_doc *docs = c->docs.v;
    size_t nd = c->docs.n;
    if (tok >= docs[d].tok_first && tok - docs[d].tok_first < docs[d].tok_count) return d;
    size_t lo = d, hi;
    if (docs[d].tok_first > tok) {
        lo = 0; /* behind us: not from this walk; search everything */
        hi = nd;
    } else {
        /* docs[lo].tok_first <= tok; find hi with docs[hi].tok_first > tok */
        size_t step = 1;
        hi = lo + 1;
        while (hi < nd && docs[hi].tok_first <= tok) {
            lo = hi;
            hi = lo + step;
            step *= 2;
        }
        if (hi > nd) hi = nd;
    }
    while (hi - lo > 1) { /* last document whose first token is <= tok */
        size_t mid = lo + (hi - lo) / 2;
        if (docs[mid].tok_first <= tok)
            lo = mid;
        else
            hi = mid;
    }
    while (lo > 0 && docs[lo].tok_count == 0)
        lo--;
    return (uint32_t)lo;
}

/* The turn of a token, found from turn `t` onwards in the same way. */
static uint32_t turn_from(const sm_corpus *c, uint32_t t, uint32_t tok) {
    const sm_turn *turns = c->turns.v;
    size_t nt = c->turns.n;
    if (tok >= turns[t].tok_first && tok - turns[t].tok_first < turns[t].tok_count) return t;
    if (turns[t].tok_first > tok) return corpus_token_turn(c, tok);
    size_t lo = t, hi = lo + 1, step = 1;
    while (hi < nt && turns[hi].tok_first <= tok) {
        lo = hi;
        hi = lo + step;
        step *= 2;
    }
    if (hi > nt) hi = nt;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (turns[mid].tok_first <= tok)
            lo = mid;
        else
            hi = mid;
    }
    while (lo > 0 && turns[lo].tok_count == 0)
        lo--; /* empty turns share their first token */
    return (uint32_t)lo;
}

/* From the index: every key is a fold, every turn counts. A fold's frequency is its count of
 * postings and its range the documents it occurs in, both counted when the index was built, so
 * no posting is read. */
static int count_from_postings(const sm_corpus *c, const sm_keymap *km, uint64_t *freq,
                               uint32_t *docs, uint64_t *total, sm_error *err) {
    /* a fold counts when its forms do (they all do or all don't: km->by_fold) */
    uint8_t *counted = calloc(km->nkeys ? km->nkeys : 1, 1);
    if (!counted) return sm_errorf(err, "out of memory");
    for (size_t f = 0; f < c->forms.n; f++)
        if (km->key[f] != SM_NONE) counted[km->key[f]] = 1;
    int rc = 0;
    for (uint32_t k = 0; k < km->nkeys && rc == 0; k++) {
        if (!counted[k]) continue;
        size_t n;
        rc = index_count(c, k, &n, err);
        freq[k] = n;
        *total += n;
        if (docs && rc == 0) rc = index_fold_docs(c, k, &docs[k], err);
    }
    free(counted);
    return rc;
}

int stats_check_corpus(const sm_corpus *c, sm_error *err) {
    for (uint32_t d = 0; d < c->docs.n; d++)
        if (corpus_check_doc(c, d, err)) return -1;
    return 0;
}

/* Frequencies only (no range): the turns split into a part per thread, each counting into an
 * array of its own, added up in order. */
typedef struct turns_part {
    uint32_t first, end; /* turns */
    uint32_t *freq;
    uint64_t total;
} turns_part;

typedef struct turns_job {
    const sm_corpus *c;
    const sm_keymap *km;
    const sm_set *turns;
    turns_part *parts;
} turns_job;

static void count_turns_part(void *arg, unsigned p) {
    turns_job *j = arg;
    turns_part *part = &j->parts[p];
    const sm_corpus *c = j->c;
    const uint32_t *key = j->km->key;
    uint64_t n = 0;
    for (uint32_t t = next_turn(c, j->turns, part->first); t < part->end;
         t = next_turn(c, j->turns, t + 1)) {
        const sm_turn *tr = &c->turns.v[t];
        for (uint32_t i = 0; i < tr->tok_count; i++) {
            uint32_t k = key[tokens_form(&c->tokens, tr->tok_first + i)];
            if (k == SM_NONE) continue;
            part->freq[k]++;
            n++;
        }
    }
    part->total = n;
}

static int count_in_parts(const sm_corpus *c, const sm_keymap *km, const sm_set *turns,
                          uint64_t *freq, uint64_t *total, sm_error *err) {
    enum { MAX_PARTS = 16 };
    unsigned np = parallel_threads();
    if (np > MAX_PARTS) np = MAX_PARTS;
    turns_part parts[MAX_PARTS];
    memset(parts, 0, sizeof parts);
    uint32_t nt = (uint32_t)c->turns.n, nk = km->nkeys;
    int rc = 0;
    for (unsigned p = 0; p < np; p++) {
        parts[p].first = (uint32_t)((uint64_t)nt * p / np);
        parts[p].end = (uint32_t)((uint64_t)nt * (p + 1) / np);
        if (!(parts[p].freq = calloc(nk ? nk : 1, sizeof *parts[p].freq))) rc = -1;
    }
    turns_job job = {c, km, turns, parts};
    if (rc == 0) parallel_run(np, count_turns_part, &job);
    for (unsigned p = 0; p < np; p++) {
        for (uint32_t k = 0; rc == 0 && k < nk; k++)
            freq[k] += parts[p].freq[k];
        *total += parts[p].total;
        free(parts[p].freq);
    }
    return rc ? sm_errorf(err, "out of memory") : 0;
}

int stats_count(const sm_corpus *c, const sm_keymap *km, const sm_set *turns, uint64_t *freq,
                uint32_t *docs, uint32_t *turns_n, uint64_t *total, sm_error *err) {
    uint32_t nk = km->nkeys;
    memset(freq, 0, nk * sizeof *freq);
    if (docs) memset(docs, 0, nk * sizeof *docs);
    if (turns_n) memset(turns_n, 0, nk * sizeof *turns_n);
    *total = 0;
    int from_postings = km->by_fold && !turns && !turns_n && c->post_start;
    if (from_postings && nk == c->folds.n) {
        return count_from_postings(c, km, freq, docs, total, err);
    }
    if (!docs && !turns_n && c->tokens.n >= 100000 && parallel_threads() > 1)
        return count_in_parts(c, km, turns, freq, total, err);
    uint32_t *last_doc = docs ? malloc((nk ? nk : 1) * sizeof *last_doc) : NULL;
    uint32_t *last_turn = turns_n ? malloc((nk ? nk : 1) * sizeof *last_turn) : NULL;
    if ((docs && !last_doc) || (turns_n && !last_turn)) {
        free(last_doc);
        free(last_turn);
        return sm_errorf(err, "out of memory");
    }
    if (last_doc) memset(last_doc, 0xff, nk * sizeof *last_doc);
    if (last_turn) memset(last_turn, 0xff, nk * sizeof *last_turn);
    uint64_t n = 0;
    for (uint32_t t = next_turn(c, turns, 0); t < c->turns.n; t = next_turn(c, turns, t + 1)) {
        const sm_turn *tr = &c->turns.v[t];
        for (uint32_t i = 0; i < tr->tok_count; i++) {
            uint32_t k = km->key[tokens_form(&c->tokens, tr->tok_first + i)];
            if (k == SM_NONE) continue;
            freq[k]++;
            n++;
            if (last_doc && last_doc[k] != tr->doc) last_doc[k] = tr->doc, docs[k]++;
            if (last_turn && last_turn[k] != t) last_turn[k] = t, turns_n[k]++;
        }
    }
    *total = n;
    free(last_doc);
    free(last_turn);
    return 0;
}

/* ---- grouped counts ---------------------------------------------------------------------- */

void stats_grouped_free(sm_grouped *g) {
    free(g->group);
    free(g->key);
    free(g->docs);
    free(g->freq);
    free(g->group_total);
    memset(g, 0, sizeof *g);
}

static int grouped_push(sm_grouped *g, size_t *cap, uint32_t group, uint32_t key, uint64_t freq,
                        uint32_t docs) {
    if (g->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 1024;
        uint32_t *a = realloc(g->group, nc * sizeof *a);
        if (a) g->group = a;
        uint32_t *b = realloc(g->key, nc * sizeof *b);
        if (b) g->key = b;
        uint32_t *d = realloc(g->docs, nc * sizeof *d);
        if (d) g->docs = d;
        uint64_t *f = realloc(g->freq, nc * sizeof *f);
        if (f) g->freq = f;
        if (!a || !b || !d || !f) return -1;
        *cap = nc;
    }
    g->group[g->n] = group, g->key[g->n] = key, g->freq[g->n] = freq, g->docs[g->n] = docs;
    g->n++;
    return 0;
}

int stats_count_groups(const sm_corpus *c, const sm_keymap *km, int group, const sm_set *turns,
                       sm_grouped *out) {
    memset(out, 0, sizeof *out);
    uint32_t ng = group == GROUP_DOC ? (uint32_t)c->docs.n : corpus_speaker_count(c);
    uint32_t nk = km->nkeys, nt = (uint32_t)c->turns.n;
    /* the turns of each group, in corpus order: a counting sort */
    uint32_t *first = calloc((size_t)ng + 1, sizeof *first), *order = malloc((nt ? nt : 1) * 4);
    uint64_t *freq = calloc(nk ? nk : 1, sizeof *freq);
    uint32_t *docs = calloc(nk ? nk : 1, sizeof *docs), *last_doc = malloc((nk ? nk : 1) * 4);
    uint32_t *touched = malloc((nk ? nk : 1) * sizeof *touched);
    out->group_total = calloc(ng ? ng : 1, sizeof *out->group_total);
    out->ngroups = ng;
    int rc = first && order && freq && docs && last_doc && touched && out->group_total ? 0 : -1;
    if (rc == 0) {
        memset(last_doc, 0xff, (size_t)nk * 4);
        for (uint32_t t = next_turn(c, turns, 0); t < nt; t = next_turn(c, turns, t + 1)) {
            uint32_t g = group == GROUP_DOC ? c->turns.v[t].doc : corpus_speaker_of(c, t);
            if (g != SM_NONE) first[g + 1]++;
        }
        for (uint32_t g = 0; g < ng; g++)
            first[g + 1] += first[g];
        uint32_t *fill = malloc(((size_t)ng + 1) * sizeof *fill);
        if (!fill) rc = -1;
        if (fill) {
            memcpy(fill, first, ((size_t)ng + 1) * sizeof *fill);
            for (uint32_t t = next_turn(c, turns, 0); t < nt; t = next_turn(c, turns, t + 1)) {
                uint32_t g = group == GROUP_DOC ? c->turns.v[t].doc : corpus_speaker_of(c, t);
                if (g != SM_NONE) order[fill[g]++] = t;
            }
            free(fill);
        }
    }
    size_t cap = 0;
    for (uint32_t g = 0; rc == 0 && g < ng; g++) {
        uint32_t ntouched = 0;
        uint64_t total = 0;
        for (uint32_t i = first[g]; i < first[g + 1]; i++) {
            const sm_turn *tr = &c->turns.v[order[i]];
            for (uint32_t j = 0; j < tr->tok_count; j++) {
                uint32_t k = km->key[tokens_form(&c->tokens, tr->tok_first + j)];
                if (k == SM_NONE) continue;
                if (freq[k]++ == 0) touched[ntouched++] = k;
                total++;
                if (last_doc[k] != tr->doc) last_doc[k] = tr->doc, docs[k]++;
            }
        }
        out->group_total[g] = total;
        for (uint32_t i = 0; i < ntouched; i++) {
            uint32_t k = touched[i];
            if (rc == 0 && grouped_push(out, &cap, g, k, freq[k], docs[k])) rc = -1;
            freq[k] = 0, docs[k] = 0, last_doc[k] = SM_NONE;
        }
    }
    free(first);
    free(order);
    free(freq);
    free(docs);
    free(last_doc);
    free(touched);
    if (rc) stats_grouped_free(out);
    return rc;
}

/* ---- units: a turn, or a sentence within a turn ------------------------------------------ */

/* The bounds [*lo, *hi) of the unit holding token `tok` of turn `t`. */
static void unit_of(const sm_corpus *c, uint32_t t, uint32_t tok, int within, uint32_t *lo,
                    uint32_t *hi) {
    const sm_turn *tr = &c->turns.v[t];
    *lo = tr->tok_first;
    *hi = tr->tok_first + tr->tok_count;
    if (within != WITHIN_SENTENCE || c->sentences.n == 0) return;
    uint32_t s = corpus_token_sentence(c, tok);
    uint32_t a = c->sentences.v[s];
    uint32_t z = s + 1 < c->sentences.n ? c->sentences.v[s + 1] : (uint32_t)c->tokens.n;
    if (a > *lo) *lo = a;
    if (z < *hi) *hi = z;
}

/* ---- n-grams ------------------------------------------------------------------------------- */

typedef struct ngram_table {
    uint32_t n;
    VEC(uint32_t) keys; /* n per entry */
    VEC(uint64_t) freq;
    VEC(uint32_t) docs;
    VEC(uint32_t) last_doc;
    uint32_t *slots; /* entry + 1, or 0 */
    size_t nslots;
} ngram_table;

static uint64_t hash_keys(const uint32_t *k, uint32_t n) {
    uint64_t h = 0x9e3779b97f4a7c15u;
    for (uint32_t i = 0; i < n; i++) {
        h ^= k[i];
        h *= 0xff51afd7ed558ccdu;
        h ^= h >> 32;
    }
    return h;
}

static int ngram_grow(ngram_table *t) {
    size_t ns = t->nslots ? t->nslots * 2 : 4096;
    uint32_t *slots = calloc(ns, sizeof *slots);
    if (!slots) return -1;
    for (size_t e = 0; e < t->freq.n; e++) {
        size_t i = hash_keys(t->keys.v + e * t->n, t->n) & (ns - 1);
        while (slots[i])
            i = (i + 1) & (ns - 1);
        slots[i] = (uint32_t)e + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->nslots = ns;
    return 0;
}

static int ngram_add(ngram_table *t, const uint32_t *k, uint32_t doc) {
    if ((t->freq.n + 1) * 2 > t->nslots && ngram_grow(t)) return -1;
    size_t i = hash_keys(k, t->n) & (t->nslots - 1);
    for (; t->slots[i]; i = (i + 1) & (t->nslots - 1)) {
        uint32_t e = t->slots[i] - 1;
        if (memcmp(t->keys.v + (size_t)e * t->n, k, t->n * sizeof *k)) continue;
        t->freq.v[e]++;
        if (t->last_doc.v[e] != doc) t->last_doc.v[e] = doc, t->docs.v[e]++;
        return 0;
    }
    if (t->freq.n >= UINT32_MAX - 1) return -1;
    for (uint32_t j = 0; j < t->n; j++)
        if (VEC_PUSH(t->keys, k[j])) return -1;
    if (VEC_PUSH(t->freq, 1) || VEC_PUSH(t->docs, 1) || VEC_PUSH(t->last_doc, doc)) return -1;
    t->slots[i] = (uint32_t)t->freq.n;
    return 0;
}

static void ngram_free(ngram_table *t) {
    VEC_FREE(t->keys);
    VEC_FREE(t->freq);
    VEC_FREE(t->docs);
    VEC_FREE(t->last_doc);
    free(t->slots);
}

static const uint64_t *sort_freq; /* qsort has no context argument; set around the one call */
static int by_freq(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    if (sort_freq[x] != sort_freq[y]) return sort_freq[x] > sort_freq[y] ? -1 : 1;
    return x < y ? -1 : x > y;
}

/* The counted keys of tokens [lo, hi) into buf (room for hi - lo). */
static uint32_t counted_keys(const sm_corpus *c, const sm_keymap *km, uint32_t lo, uint32_t hi,
                             uint32_t *buf) {
    uint32_t m = 0;
    for (uint32_t i = lo; i < hi; i++) {
        uint32_t k = km->key[corpus_token_form(c, i)];
        if (k != SM_NONE) buf[m++] = k;
    }
    return m;
}

/* All n-grams of the units of the selected turns. */
static int ngrams_all(const sm_corpus *c, const sm_keymap *km, int within, const sm_set *turns,
                      ngram_table *t, uint32_t **buf, size_t *bufcap) {
    for (uint32_t tn = next_turn(c, turns, 0); tn < c->turns.n; tn = next_turn(c, turns, tn + 1)) {
        const sm_turn *tr = &c->turns.v[tn];
        uint32_t end = tr->tok_first + tr->tok_count;
        for (uint32_t lo = tr->tok_first, hi; lo < end; lo = hi) {
            uint32_t a;
            unit_of(c, tn, lo, within, &a, &hi);
            if (hi <= lo) hi = lo + 1; /* cannot happen with well-formed sentences; never loop */
            if (hi - lo > *bufcap) {
                uint32_t *nb = realloc(*buf, (hi - lo) * sizeof *nb);
                if (!nb) return -1;
                *buf = nb, *bufcap = hi - lo;
            }
            uint32_t m = counted_keys(c, km, lo, hi, *buf);
            for (uint32_t i = 0; i + t->n <= m; i++)
                if (ngram_add(t, *buf + i, tr->doc)) return -1;
        }
    }
    return 0;
}

/* The clusters around each hit. */
static int ngrams_around(const sm_corpus *c, const sm_keymap *km, int within,
                         const uint32_t *starts, const uint32_t *lens, size_t nhits, int side,
                         ngram_table *t) {
    uint32_t n = t->n, seq[3 * 8], left[8], right[8];
    for (size_t h = 0; h < nhits; h++) {
        uint32_t s = starts[h], e = s + lens[h];
        if (s >= c->tokens.n || e > c->tokens.n || e <= s) continue;
        uint32_t turn = corpus_token_turn(c, s), lo, hi, lo2, hi2;
        unit_of(c, turn, s, within, &lo, &hi);
        unit_of(c, turn, e - 1, within, &lo2, &hi2);
        if (e > c->turns.v[turn].tok_first + c->turns.v[turn].tok_count) continue;
        uint32_t m = 0, nl = 0, nr = 0;
        for (uint32_t i = s; i < e; i++) {
            uint32_t k = km->key[corpus_token_form(c, i)];
            if (k != SM_NONE && m < n)
                seq[m++] = k;
            else if (k != SM_NONE)
                m = n + 1;
        }
        if (m == 0 || m > n) continue;
        for (uint32_t i = s; i > lo && nl < n - m; i--) {
            uint32_t k = km->key[corpus_token_form(c, i - 1)];
            if (k != SM_NONE) left[nl++] = k; /* nearest first */
        }
        for (uint32_t i = e; i < hi2 && nr < n - m; i++) {
            uint32_t k = km->key[corpus_token_form(c, i)];
            if (k != SM_NONE) right[nr++] = k;
        }
        uint32_t doc = c->turns.v[turn].doc;
        for (uint32_t l = 0; l <= n - m; l++) {
            uint32_t r = n - m - l;
            if (l > nl || r > nr) continue;
            if ((side == SIDE_LEFT && l != 0) || (side == SIDE_RIGHT && r != 0)) continue;
            uint32_t g[8], j = 0;
            for (uint32_t i = l; i > 0; i--)
                g[j++] = left[i - 1];
            for (uint32_t i = 0; i < m; i++)
                g[j++] = seq[i];
            for (uint32_t i = 0; i < r; i++)
                g[j++] = right[i];
            if (ngram_add(t, g, doc)) return -1;
        }
    }
    return 0;
}

int stats_ngrams(const sm_corpus *c, const sm_keymap *km, uint32_t n, int within,
                 const sm_set *turns, const uint32_t *starts, const uint32_t *lens, size_t nhits,
                 int side, uint64_t min, sm_ngrams *out) {
    memset(out, 0, sizeof *out);
    if (n < 1 || n > 8) return -1;
    ngram_table t = {.n = n};
    uint32_t *buf = NULL;
    size_t bufcap = 0;
    int rc = ngram_grow(&t);
    if (rc == 0)
        rc = starts ? ngrams_around(c, km, within, starts, lens, nhits, side, &t)
                    : ngrams_all(c, km, within, turns, &t, &buf, &bufcap);
    free(buf);
    uint32_t *order = NULL;
    size_t kept = 0, ne = t.freq.n;
    if (rc == 0 && (order = malloc((ne ? ne : 1) * sizeof *order)) == NULL) rc = -1;
    for (size_t e = 0; rc == 0 && e < ne; e++)
        if (t.freq.v[e] >= min) order[kept++] = (uint32_t)e;
    if (rc == 0) {
        sort_freq = t.freq.v;
        qsort(order, kept, sizeof *order, by_freq);
        sort_freq = NULL;
        out->n = n;
        out->keys = malloc((kept ? kept : 1) * n * sizeof *out->keys);
        out->freq = malloc((kept ? kept : 1) * sizeof *out->freq);
        out->docs = malloc((kept ? kept : 1) * sizeof *out->docs);
        if (!out->keys || !out->freq || !out->docs) rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < kept; i++) {
        uint32_t e = order[i];
        memcpy(out->keys + i * n, t.keys.v + (size_t)e * n, n * sizeof *out->keys);
        out->freq[i] = t.freq.v[e];
        out->docs[i] = t.docs.v[e];
    }
    if (rc == 0) out->count = kept;
    free(order);
    ngram_free(&t);
    if (rc) stats_ngrams_free(out);
    return rc;
}

void stats_ngrams_free(sm_ngrams *g) {
    free(g->keys);
    free(g->freq);
    free(g->docs);
    memset(g, 0, sizeof *g);
}

/* ---- collocates ---------------------------------------------------------------------------- */

/* The hits of one part of a collocates job, [hit_first, hit_end), and the tokens their windows
 * can reach, [tok_first, tok_end): whole turns that no other part's windows reach. */
typedef struct colloc_part {
    size_t hit_first, hit_end;
    uint32_t tok_first, tok_end;
    uint32_t *freq; /* by key: the part's own counts (NULL: the job's array, the first part) */
    uint64_t counted;
    int failed;
} colloc_part;

typedef struct colloc_job {
    const sm_corpus *c;
    const sm_keymap *km;
    const uint32_t *starts, *lens;
    uint32_t left, right;
    int within;
    uint64_t *freq; /* the result, when there is one part */
    colloc_part *parts;
} colloc_job;

/* Hits ahead whose window tokens are fetched into the cache, and nearer ones whose tokens' keys
 * are: the loop below waits on neither. */
enum { PREFETCH_AHEAD = 16, KEYS_AHEAD = 6 };

/* Counts the windows of a part's hits. A window is a contiguous range of tokens around its hit,
 * and the hits come in ascending order, so a window never starts before the windows of earlier
 * hits do: every token below `reached` (the furthest any earlier window or hit reached) that a
 * window holds is counted already, or is a hit's own. A token at or past `reached` is a hit's
 * own only if a later hit, starting at or before it, covers it. No table of seen tokens is
 * needed, and each window token is read once. */
static void collocates_part(void *arg, unsigned p) {
    colloc_job *j = arg;
    colloc_part *part = &j->parts[p];
    const sm_corpus *c = j->c;
    const uint32_t *key = j->km->key;
    const sm_tokens *toks = &c->tokens;
    const uint32_t *starts = j->starts, *lens = j->lens;
    uint32_t base = part->tok_first, ntok = part->tok_end;
    uint32_t *own = part->freq;
    uint64_t *shared = j->freq;
#define COUNT(k) (own ? (void)own[k]++ : (void)shared[k]++)
    uint64_t counted = 0;
    uint32_t turn = 0, reached = base, turn_first = 1, turn_end = 0; /* no turn yet */
    if (own) memset(own, 0, j->km->nkeys * sizeof *own);
    for (size_t h = part->hit_first; h < part->hit_end; h++) {
        uint32_t s = starts[h], e = s + lens[h];
        if (h + PREFETCH_AHEAD < part->hit_end) {
            /* the windows of a later hit: tokens far apart miss the cache, and the loop below
             * cannot run ahead by itself (each step waits for its key) */
            uint32_t later = starts[h + PREFETCH_AHEAD];
            if (later >= base + 8 && later + 8 < ntok) {
                __builtin_prefetch(&toks->form[later - 8]);
                __builtin_prefetch(&toks->form[later + 8]);
            }
        }
        if (h + KEYS_AHEAD < part->hit_end) {
            /* the keys of a nearer hit's window, whose tokens are in the cache by now */
            uint32_t near = starts[h + KEYS_AHEAD];
            uint32_t from = near > base + j->left ? near - j->left : base;
            uint32_t to = near + lens[h + KEYS_AHEAD] + j->right;
            if (to > ntok) to = ntok;
            for (uint32_t i = from; i < to; i++)
                __builtin_prefetch(&key[tokens_form(toks, i)]);
        }
        if (s < base || s >= ntok || e > ntok || e <= s) continue;
        if (s < turn_first || s >= turn_end) {
            turn = turn_from(c, turn, s); /* the hits come in ascending order */
            turn_first = c->turns.v[turn].tok_first;
            turn_end = turn_first + c->turns.v[turn].tok_count;
        }
        uint32_t lo = turn_first, hi = turn_end;
        if (j->within == WITHIN_SENTENCE) {
            uint32_t lo2;
            unit_of(c, turn, s, j->within, &lo, &hi);
            if (e - 1 > s) unit_of(c, turn, e - 1, j->within, &lo2, &hi);
        }
        /* the window holds `left` and `right` counting tokens, whoever counted them first */
        uint32_t got = 0;
        for (uint32_t i = s; i > lo && i > reached && got < j->left; i--) {
            uint32_t k = key[tokens_form(toks, i - 1)];
            if (k == SM_NONE) continue;
            got++;
            COUNT(k), counted++;
        }
        got = 0;
        uint32_t i = e;
        for (; i < hi && got < j->right; i++) {
            uint32_t k = key[tokens_form(toks, i)];
            if (k == SM_NONE) continue;
            got++;
            if (i < reached) continue;
            int own_token = 0;
            for (size_t x = h + 1; x < part->hit_end && starts[x] <= i; x++)
                if (i < starts[x] + lens[x]) {
                    own_token = 1;
                    break;
                }
            if (!own_token) COUNT(k), counted++;
        }
        if (i < e) i = e;
        if (i > reached) reached = i;
    }
#undef COUNT
    part->counted = counted;
}

/* Splits the hits into up to `want` parts of about equal size whose windows cannot meet: a part
 * starts at a hit whose turn begins after every earlier hit has ended, so every window of the
 * part (it never leaves the turn of its hit) lies in the part's own tokens. Returns the count. */
static unsigned collocates_split(const sm_corpus *c, const uint32_t *starts, const uint32_t *lens,
                                 size_t nhits, unsigned want, colloc_part *parts) {
    unsigned np = 0;
    size_t first = 0;
    uint32_t max_end = 0; /* the furthest end of the hits before h */
    size_t next_cut = want > 1 ? nhits / want : nhits;
    for (size_t h = 0; h < nhits && np + 1 < want; h++) {
        if (h >= next_cut && h > first) {
            uint32_t s = starts[h];
            if (s < c->tokens.n) {
                uint32_t t = corpus_token_turn(c, s);
                uint32_t turn_start = c->turns.v[t].tok_first;
                if (max_end <= turn_start && turn_start > (np ? parts[np - 1].tok_first : 0)) {
                    parts[np].hit_first = first, parts[np].hit_end = h;
                    parts[np].tok_first = np ? parts[np - 1].tok_end : 0;
                    parts[np].tok_end = turn_start;
                    np++;
                    first = h;
                    next_cut = first + (nhits - first) / (want - np);
                }
            }
        }
        uint32_t e = starts[h] + lens[h];
        if (e > max_end) max_end = e;
    }
    parts[np].hit_first = first, parts[np].hit_end = nhits;
    parts[np].tok_first = np ? parts[np - 1].tok_end : 0;
    parts[np].tok_end = (uint32_t)c->tokens.n;
    return np + 1;
}

int stats_collocates(const sm_corpus *c, const sm_keymap *km, const uint32_t *starts,
                     const uint32_t *lens, size_t nhits, uint32_t left, uint32_t right, int within,
                     uint64_t *freq, uint64_t *slots, sm_colloc_work *work) {
    memset(freq, 0, km->nkeys * sizeof *freq);
    *slots = 0;
    if (c->turns.n == 0 || nhits == 0) return 0;
    /* threads pay from some ten thousand hits on; below that one part does it all */
    unsigned want = nhits >= 20000 ? parallel_threads() : 1;
    if (want > STATS_MAX_PARTS) want = STATS_MAX_PARTS;
    colloc_part parts[STATS_MAX_PARTS];
    memset(parts, 0, sizeof parts);
    unsigned np = collocates_split(c, starts, lens, nhits, want, parts);
    sm_colloc_work own = {{NULL}, 0};
    if (!work) work = &own;
    if (work->nkeys != km->nkeys) {
        stats_colloc_work_free(work);
        work->nkeys = km->nkeys;
    }
    int rc = 0;
    /* the first part counts into freq itself; the others into arrays of their own, zeroed by
     * their threads and kept in `work` for the next job (fresh pages cost a fault each) */
    for (unsigned p = 1; p < np; p++) {
        if (!work->part[p] &&
            !(work->part[p] = vec_alloc_big((size_t)km->nkeys * sizeof *work->part[p])))
            rc = -1;
        parts[p].freq = work->part[p];
    }
    colloc_job job = {c, km, starts, lens, left, right, within, freq, parts};
    if (rc == 0) parallel_run(np, collocates_part, &job);
    for (unsigned p = 0; p < np; p++) {
        rc |= -parts[p].failed;
        *slots += parts[p].counted;
        if (parts[p].freq && rc == 0)
            for (uint32_t k = 0; k < km->nkeys; k++)
                freq[k] += parts[p].freq[k];
    }
    if (work == &own) stats_colloc_work_free(&own);
    return rc;
}

void stats_colloc_work_free(sm_colloc_work *w) {
    for (unsigned p = 0; p < STATS_MAX_PARTS; p++) {
        free(w->part[p]);
        w->part[p] = NULL;
    }
    w->nkeys = 0;
}

typedef struct collocate_row {
    double score;
    uint64_t freq;
    const char *name;
    size_t len;
    uint32_t key;
    size_t at; /* its measures in the scores before sorting */
} collocate_row;

/* The order of samtal.stats before this moved to C: score, then O11, descending; then name. */
static int collocate_row_cmp(const void *pa, const void *pb) {
    const collocate_row *a = pa, *b = pb;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    if (a->freq != b->freq) return a->freq > b->freq ? -1 : 1;
    int d = memcmp(a->name, b->name, a->len < b->len ? a->len : b->len);
    if (d) return d;
    return a->len < b->len ? -1 : a->len > b->len;
}

int stats_collocate_rows(const uint64_t *freq, const uint64_t *totals, uint32_t nkeys,
                         uint64_t slots, uint64_t n, uint64_t nhits, uint64_t min,
                         uint64_t min_freq, int measure, const sm_lexicon *names,
                         sm_collocate_rows *out) {
    memset(out, 0, sizeof *out);
    size_t kept = 0;
    for (uint32_t k = 0; k < nkeys; k++)
        if (freq[k] && freq[k] >= min && totals[k] >= min_freq) kept++;
    size_t cap = kept ? kept : 1;
    out->key = malloc(cap * sizeof *out->key);
    out->freq = malloc(cap * sizeof *out->freq);
    out->total = malloc(cap * sizeof *out->total);
    out->score = malloc(cap * sizeof *out->score);
    collocate_row *rows = malloc(cap * sizeof *rows);
    sm_association *scores = malloc(cap * sizeof *scores);
    if (!out->key || !out->freq || !out->total || !out->score || !rows || !scores) {
        free(rows), free(scores);
        stats_collocate_rows_free(out);
        return -1;
    }
    size_t i = 0;
    for (uint32_t k = 0; k < nkeys; k++) {
        if (!freq[k] || freq[k] < min || totals[k] < min_freq) continue;
        association_window((double)freq[k], (double)slots, (double)totals[k], (double)n,
                           (double)nhits, &scores[i]);
        rows[i].score = association_get(&scores[i], measure);
        rows[i].freq = freq[k];
        rows[i].name = lex_str(names, k, &rows[i].len);
        rows[i].key = k;
        rows[i].at = i;
        i++;
    }
    qsort(rows, kept, sizeof *rows, collocate_row_cmp);
    for (i = 0; i < kept; i++) {
        uint32_t k = rows[i].key;
        out->key[i] = k;
        out->freq[i] = freq[k];
        out->total[i] = totals[k];
        out->score[i] = scores[rows[i].at];
    }
    out->n = kept;
    free(rows);
    free(scores);
    return 0;
}

void stats_collocate_rows_free(sm_collocate_rows *r) {
    free(r->key);
    free(r->freq);
    free(r->total);
    free(r->score);
    memset(r, 0, sizeof *r);
}

/* ---- dispersion ---------------------------------------------------------------------------- */

int stats_parts(const sm_corpus *c, const sm_keymap *km, const uint32_t *hits, size_t nhits,
                int part, uint64_t *hits_in, uint64_t *sizes) {
    size_t np = part == PART_DOC ? c->docs.n : c->turns.n;
    memset(hits_in, 0, np * sizeof *hits_in);
    memset(sizes, 0, np * sizeof *sizes);
    if (!km) {
        for (size_t p = 0; p < np; p++)
            sizes[p] = part == PART_DOC ? c->docs.v[p].words : c->turns.v[p].words;
    } else {
        for (uint32_t t = 0; t < c->turns.n; t++) {
            const sm_turn *tr = &c->turns.v[t];
            for (uint32_t i = tr->tok_first; i < tr->tok_first + tr->tok_count; i++)
                if (km->key[corpus_token_form(c, i)] != SM_NONE)
                    sizes[part == PART_DOC ? tr->doc : t]++;
        }
    }
    uint32_t d = 0, t = 0;
    for (size_t h = 0; h < nhits; h++) {
        if (hits[h] >= c->tokens.n || c->turns.n == 0) continue;
        if (part == PART_DOC) {
            d = doc_from(c, d, hits[h]);
            hits_in[d]++;
        } else {
            t = turn_from(c, t, hits[h]);
            hits_in[t]++;
        }
    }
    return 0;
}

/* ---- lexical diversity -------------------------------------------------------------------- */

/* MTLD in one direction: tokens / factors. `step` is +1 or -1. */
static double mtld_pass(const uint32_t *keys, size_t n, uint32_t *counts, uint32_t *touched,
                        double threshold, int backwards) {
    double factors = 0;
    uint64_t types = 0, len = 0;
    uint32_t nt = 0;
    double ttr = 1;
    for (size_t i = 0; i < n; i++) {
        uint32_t k = keys[backwards ? n - 1 - i : i];
        if (counts[k]++ == 0) types++, touched[nt++] = k;
        len++;
        ttr = (double)types / (double)len;
        if (ttr <= threshold) {
            factors += 1;
            for (uint32_t j = 0; j < nt; j++)
                counts[touched[j]] = 0;
            nt = 0, types = 0, len = 0, ttr = 1;
        }
    }
    if (len > 0) factors += (1 - ttr) / (1 - threshold);
    for (uint32_t j = 0; j < nt; j++)
        counts[touched[j]] = 0;
    return factors > 0 ? (double)n / factors : HUGE_VAL; /* every token new: no factor at all */
}

int stats_diversity_of(const uint32_t *keys, size_t n, uint32_t nkeys, uint32_t window,
                       double threshold, sm_diversity *out) {
    memset(out, 0, sizeof *out);
    out->tokens = n;
    uint32_t *counts = calloc(nkeys ? nkeys : 1, sizeof *counts);
    uint32_t *touched = malloc((n ? n : 1) * sizeof *touched);
    if (!counts || !touched) {
        free(counts);
        free(touched);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (counts[keys[i]]++ == 0) out->types++;
    out->ttr = n ? (double)out->types / (double)n : 0;
    memset(counts, 0, (size_t)nkeys * sizeof *counts);
    if (window == 0 || n <= window) {
        out->mattr = out->ttr;
    } else {
        uint64_t types = 0;
        for (size_t i = 0; i < window; i++)
            if (counts[keys[i]]++ == 0) types++;
        double sum = (double)types;
        for (size_t i = window; i < n; i++) {
            if (--counts[keys[i - window]] == 0) types--;
            if (counts[keys[i]]++ == 0) types++;
            sum += (double)types;
        }
        out->mattr = sum / (double)window / (double)(n - window + 1);
        memset(counts, 0, (size_t)nkeys * sizeof *counts);
    }
    if (n > 0)
        out->mtld = (mtld_pass(keys, n, counts, touched, threshold, 0) +
                     mtld_pass(keys, n, counts, touched, threshold, 1)) /
                    2;
    free(counts);
    free(touched);
    return 0;
}

int stats_diversity(const sm_corpus *c, const sm_keymap *km, const sm_set *turns, uint32_t window,
                    double threshold, sm_diversity *out) {
    VEC(uint32_t) keys = {0};
    for (uint32_t t = next_turn(c, turns, 0); t < c->turns.n; t = next_turn(c, turns, t + 1)) {
        const sm_turn *tr = &c->turns.v[t];
        for (uint32_t i = tr->tok_first; i < tr->tok_first + tr->tok_count; i++) {
            uint32_t k = km->key[corpus_token_form(c, i)];
            if (k != SM_NONE && VEC_PUSH(keys, k)) {
                VEC_FREE(keys);
                return -1;
            }
        }
    }
    int rc = stats_diversity_of(keys.v, keys.n, km->nkeys, window, threshold, out);
    VEC_FREE(keys);
    return rc;
}
