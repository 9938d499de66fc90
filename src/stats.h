/* stats.h: the counting behind samtal's statistics. Every loop over tokens is here; the formulas
 * of the measures and the shape of the results belong to Lua (samtal.measures, samtal.stats).
 *
 * What is counted is a key per token: a key map sends each exact form id to a key id (the form
 * itself, its case-folded form, its Snowball stem, or any key a Lua function derives from the
 * form), or to SM_NONE for a token that does not count (punctuation and symbols by default).
 * Tokens that do not count are skipped: they neither count nor break an n-gram or a window;
 * only the edges of turns (or sentences, where asked) do. */
#ifndef SAMTAL_STATS_H
#define SAMTAL_STATS_H

#include <stdint.h>

#include "association.h"
#include "corpus.h"
#include "pattern.h"

/* Bits of the token kinds a key map counts (1 << KIND_WORD ...). */
#define STATS_WORDS ((1u << KIND_WORD) | (1u << KIND_NUMBER))

typedef struct sm_keymap {
    uint32_t *key; /* by exact form id: key id or SM_NONE */
    uint32_t nkeys;
    int by_fold; /* the key of every counted form is its fold id */
} sm_keymap;

enum { KEY_FORM, KEY_FOLD };

/* A key per exact form (KEY_FORM) or per case-folded form (KEY_FOLD, key id = fold id), for the
 * forms whose kind is in `kinds`. Returns 0, or -1 if memory ran out. */
int keymap_build(const sm_corpus *c, int by, unsigned kinds, sm_keymap *km);

/* Snowball stems of the case-folded forms through libstemmer: `language` is a Snowball name or
 * ISO code ("swedish", "sv", "english", "en"); the distinct stems are interned in *stems, whose
 * ids are the keys. Returns 0, or -1 with err (unknown language, out of memory). */
int keymap_stems(const sm_corpus *c, unsigned kinds, const char *language, sm_lexicon *stems,
                 sm_keymap *km, sm_error *err);

void keymap_free(sm_keymap *km);

/* The languages libstemmer knows, NULL-terminated (its own list). */
const char **stats_stem_languages(void);

/* A corpus mapped from a saved file is checked a document at a time, on first use (corpus.h):
 * every function below reads any document, so the binding calls this first. Returns 0, or -1
 * with err naming the file and what is corrupt. */
int stats_check_corpus(const sm_corpus *c, sm_error *err);

/* Frequencies of every key over the turns in `turns` (NULL: all): freq[key], and where asked
 * the number of documents (docs[key]) and turns (turns_n[key]) it occurs in; arrays of nkeys,
 * zeroed by this function. *total gets the number of counted tokens. Returns 0, or -1 with err
 * (out of memory, or a corrupt fold of a saved index). */
int stats_count(const sm_corpus *c, const sm_keymap *km, const sm_set *turns, uint64_t *freq,
                uint32_t *docs, uint32_t *turns_n, uint64_t *total, sm_error *err);

/* Frequencies by group: the groups are the speakers (GROUP_SPEAKER, group id = speaker id) or
 * the documents (GROUP_DOC); turns without a speaker belong to no speaker group. Every nonzero
 * (group, key) comes out once, grouped by group in ascending order. */
enum { GROUP_SPEAKER, GROUP_DOC };
typedef struct sm_grouped {
    size_t n;
    uint32_t *group, *key, *docs; /* docs: documents of the group the key occurs in */
    uint64_t *freq;
    uint64_t *group_total; /* counted tokens per group (ngroups) */
    uint32_t ngroups;
} sm_grouped;
int stats_count_groups(const sm_corpus *c, const sm_keymap *km, int group, const sm_set *turns,
                       sm_grouped *out);
void stats_grouped_free(sm_grouped *g);

/* N-grams of `n` counted tokens (1..8) that lie within one turn (within = WITHIN_TURN) or one
 * sentence of a turn (WITHIN_SENTENCE), over the turns in `turns` (NULL: all). With hits
 * (starts[i], lens[i] tokens), only the clusters around them: the n-grams that hold the whole
 * of a hit, the hit first (SIDE_LEFT: the search term on the left, as AntConc says), last
 * (SIDE_RIGHT) or anywhere (SIDE_ANY). The n-grams with at least `min` occurrences come out
 * sorted by frequency, then by first occurrence. */
enum { WITHIN_TURN, WITHIN_SENTENCE };
enum { SIDE_ANY, SIDE_LEFT, SIDE_RIGHT };
typedef struct sm_ngrams {
    uint32_t n;
    size_t count;
    uint32_t *keys; /* count * n */
    uint64_t *freq;
    uint32_t *docs; /* documents each occurs in */
} sm_ngrams;
int stats_ngrams(const sm_corpus *c, const sm_keymap *km, uint32_t n, int within,
                 const sm_set *turns, const uint32_t *starts, const uint32_t *lens, size_t nhits,
                 int side, uint64_t min, sm_ngrams *out);
void stats_ngrams_free(sm_ngrams *g);

/* Collocates: the keys of the counted tokens up to `left` and `right` counted tokens around
 * each hit, within its turn or sentence. Each token counts once, however many windows hold it,
 * and the hits' own tokens never count, so that the counts form a true 2x2 table (Evert 2008,
 * 5.2): freq[key] (nkeys, zeroed here) is O11 of each key and *slots the distinct window
 * tokens, R1. `work` (NULL: none) keeps the threads' scratch arrays from one job to the next;
 * stats_colloc_work_free frees them. Returns 0, or -1 if memory ran out. */
enum { STATS_MAX_PARTS = 16 }; /* the most threads a collocates job splits into */
typedef struct sm_colloc_work {
    uint32_t *part[STATS_MAX_PARTS]; /* counts of the threads' parts, kept between jobs */
    uint32_t nkeys;                  /* of the key map they were made for */
} sm_colloc_work;
int stats_collocates(const sm_corpus *c, const sm_keymap *km, const uint32_t *starts,
                     const uint32_t *lens, size_t nhits, uint32_t left, uint32_t right, int within,
                     uint64_t *freq, uint64_t *slots, sm_colloc_work *work);
void stats_colloc_work_free(sm_colloc_work *w);

/* The rows of a collocates result: the keys with O11 = freq[key] >= min and C1 = totals[key] >=
 * min_freq, each with its measures (association.h: R1 = slots, N = n, f_node = nhits), sorted
 * by measure `measure` (ASSOC_*) from the highest, then by O11 from the highest, then by the
 * key's name in `names` (bytes; the same lexicon the key ids index) from the lowest. */
typedef struct sm_collocate_rows {
    size_t n;
    uint32_t *key;
    uint64_t *freq, *total;
    sm_association *score;
} sm_collocate_rows;
int stats_collocate_rows(const uint64_t *freq, const uint64_t *totals, uint32_t nkeys,
                         uint64_t slots, uint64_t n, uint64_t nhits, uint64_t min,
                         uint64_t min_freq, int measure, const sm_lexicon *names,
                         sm_collocate_rows *out);
void stats_collocate_rows_free(sm_collocate_rows *r);

/* Dispersion of hits (token ids, ascending) over parts: documents (PART_DOC) or turns
 * (PART_TURN), each part's size its counted tokens. hits_in[part] (nparts, zeroed here) gets
 * the hits per part; sizes[part] the part's size. */
enum { PART_DOC, PART_TURN };
int stats_parts(const sm_corpus *c, const sm_keymap *km, const uint32_t *hits, size_t nhits,
                int part, uint64_t *hits_in, uint64_t *sizes);

/* Lexical diversity of the counted tokens of `turns` (NULL: all), in corpus order: types,
 * tokens, TTR, MATTR over a moving window of `window` tokens (the TTR of all when there are
 * fewer), and MTLD with the factor threshold `threshold` (McCarthy and Jarvis 2010: forwards
 * and backwards, averaged; a pass with no factor at all, where every token is new, gives
 * HUGE_VAL, as samtal.measures does). */
typedef struct sm_diversity {
    uint64_t tokens, types;
    double ttr, mattr, mtld;
} sm_diversity;
int stats_diversity(const sm_corpus *c, const sm_keymap *km, const sm_set *turns, uint32_t window,
                    double threshold, sm_diversity *out);

/* The same measures over a given key stream (used by stats_diversity; exposed for the specs). */
int stats_diversity_of(const uint32_t *keys, size_t n, uint32_t nkeys, uint32_t window,
                       double threshold, sm_diversity *out);

#endif
