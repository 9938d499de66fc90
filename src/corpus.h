/* corpus.h: the corpus in memory: documents, turns, tokens, speakers, lexicon and index.
 *
 * Built once, in one direction: corpus_add_file() loads, decodes and reads each document and
 * tokenises its turns; corpus_finish() builds the index. After that the corpus is read-only,
 * so results may point into it as long as it lives. Token, turn and sentence ids are dense
 * corpus-wide uint32 numbers in reading order. */
#ifndef SAMTAL_CORPUS_H
#define SAMTAL_CORPUS_H

#include <stdint.h>

#include "error.h"
#include "layout.h"
#include "lexicon.h"
#include "text.h"
#include "tokens.h"
#include "vec.h"

#define SM_NONE UINT32_MAX

/* Token kinds: from the characters of the form, or (hesitation, truncated) from a transcription
 * convention that marked the form (sm_mark). Only word and number tokens count as words. */
enum {
    KIND_WORD = 0,
    KIND_NUMBER,
    KIND_PUNCT,
    KIND_SYMBOL,
    KIND_HESITATION,
    KIND_TRUNCATED,
    KIND_COUNT
};
extern const char *const sm_kind_names[KIND_COUNT];

typedef struct sm_form {
    uint32_t fold; /* case-folded form id (corpus.folds) */
    uint8_t kind;
} sm_form;

typedef struct sm_doc {
    char *path;           /* as given */
    char *name;           /* file name without directory */
    sm_text text;         /* text.s is NULL while the text is compressed (corpus_doc_text) */
    unsigned char *frame; /* a corpus built in memory with pack_texts: the compressed text while
                           * text.s is NULL (textpack.h), else NULL */
    uint32_t frame_len;
    const char *encoding; /* the source's encoding (sm_encoding_names), NULL if not known */
    sm_layout layout;
    struct sm_presegment *pre; /* while loading: its tokens segmented ahead on a worker thread
                                * (tokenize_presegment), or NULL; freed once tokenised */
    uint32_t turn_first, turn_count;
    uint32_t event_first, event_count;
    uint32_t tok_first, tok_count;
    uint32_t sent_first, sent_count; /* its sentences (a sentence never crosses a turn) */
    uint64_t words;                  /* word and number tokens */
    sm_buf meta; /* read from samtal's JSON export: its metadata as key NUL value NUL ...; else
                  * empty (a sidecar's metadata stays in Lua) */
} sm_doc;

typedef struct sm_turn {
    uint32_t doc;
    uint32_t speaker; /* speaker id, or SM_NONE */
    uint32_t index;   /* 0-based within its document; also the index of its sm_rawturn */
    uint32_t tok_first, tok_count;
    uint32_t words;
} sm_turn;

typedef struct sm_event {
    uint32_t doc, turn;  /* turn: corpus turn id or SM_NONE */
    uint32_t start, end; /* the mark in the document's text */
    uint32_t token;      /* id of the first token after it (may equal the token count) */
} sm_event;

typedef struct sm_speaker {
    uint32_t turns;
    uint64_t words;
    uint32_t first_doc;
} sm_speaker;

/* A speaker alias: turns labelled `label` (as the source writes it) are spoken by `name`, in
 * every document (doc NULL) or in the documents whose name or path is `doc`. A rule for one
 * document wins over a corpus-wide one; a later rule for the same doc and label replaces one. */
typedef struct sm_alias {
    char *doc, *label, *name; /* malloc'd; doc may be NULL */
} sm_alias;

/* A positional attribute a pre-tokenised source brings (VRT: lemma, pos, msd...). */
typedef struct sm_attr {
    sm_lexicon values;    /* its distinct values */
    VEC(uint32_t) tokens; /* value id of each token of the corpus, or LEX_NONE */
} sm_attr;

/* A mark of a transcription convention (samtal.convention) in a document's normalised text: an
 * event (MARK_EVENT: masked out of the words, kept as an event), or a token of its own whose
 * form gets the kind `kind` (KIND_HESITATION, KIND_TRUNCATED) if the form is new. */
typedef struct sm_mark {
    uint32_t start, end;
    int kind;
} sm_mark;
#define MARK_EVENT (-1)
typedef VEC(sm_mark) sm_marks;

/* The hook that finds the marks of a document, after its reader and before tokenising (the
 * binding runs the conventions' LPeg patterns over the text): appends them to *out in any order.
 * Returns 0, or -1 with err set. */
typedef int (*sm_mark_fn)(void *ud, const char *path, const sm_text *t, sm_marks *out,
                          sm_error *err);

typedef struct sm_load_opts {
    int invalid;        /* TEXT_INVALID_ERROR or TEXT_INVALID_REPLACE */
    int encoding;       /* ENC_* to force one, or -1 to detect (encoding.h) */
    unsigned seg_flags; /* segment.h flags, e.g. SEG_JOIN_HYPHENS */
    int format;         /* FORMAT_* (layout.h): a reader to force, or FORMAT_AUTO to detect */
    int skip;           /* on_error = "skip": damaged parts of a file are left out with a warning */
    int merge_turns;    /* consecutive turns of one speaker (after the aliases set) become one */
    sm_mark_fn mark;    /* NULL, or the hook of the transcription conventions */
    void *mark_ud;
    int pack_texts; /* keep each document's text compressed once it is tokenised (textpack.h) */
} sm_load_opts;

/* A damaged part of a file left out while loading (on_error = "skip"). */
typedef struct sm_warning {
    char *path;    /* the file */
    uint32_t line; /* 1-based, or 0 for the whole file */
    char *msg;     /* "path:line:column: what", as the error would have read */
} sm_warning;

typedef struct sm_corpus {
    VEC(sm_doc) docs;
    VEC(sm_turn) turns;
    /* stop time of each turn in seconds (-1: not known), by turn id; empty while no document
     * has stop times */
    VEC(double) turn_stops;
    /* start and stop of each token in seconds (-1: not known), by token id, where the source
     * times stretches shorter than a turn (word-level segments); empty while no document does */
    VEC(sm_times) token_times;
    VEC(sm_event) events;
    sm_tokens tokens;         /* offset and exact form id of each token (tokens.h) */
    VEC(uint32_t) sentences;  /* first token of each sentence */
    sm_lexicon forms;         /* exact forms */
    VEC(sm_form) form_info;   /* by exact form id */
    sm_lexicon folds;         /* case-folded forms */
    sm_lexicon speaker_names; /* the labels as the sources write them (turn.speaker) */
    VEC(sm_speaker) speakers; /* by label id (= id in speaker_names), in order of first turn */
    /* Speaker aliases (corpus_apply_aliases). Without any, a speaker is a label and every
     * speaker id is a label id. With some, speaker ids are ids in alias_names, the speaker of
     * turn t is alias_turns[t] and its figures are alias_speakers: a remap table beside the
     * labels, so the turns (mapped read-only from a saved corpus) stay as they are. Everything
     * that asks who speaks goes through corpus_turn_speaker, corpus_speaker_of and
     * corpus_speaker_name below. All malloc'd, mapped corpus or not. */
    sm_marks token_marks; /* while a document loads: its token marks, by start (tokenize.c) */
    VEC(sm_alias) aliases;
    int aliased; /* aliases.n > 0 and the tables below are built */
    sm_lexicon alias_names;
    uint32_t *alias_turns;
    VEC(sm_speaker) alias_speakers;
    /* The index (index.h): fold f has post_start[f + 1] - post_start[f] postings, the token ids
     * where it occurs, compressed in post_bytes[post_at[f] .. post_at[f + 1]); read them with
     * index_decode or index_postings. */
    uint32_t *post_start;
    uint64_t *post_at;
    uint8_t *post_bytes;
    uint32_t *fold_docs; /* how many documents each fold occurs in (index_fold_docs) */
    /* the forms of each fold: fold_forms[fold_forms_start[f] .. fold_forms_start[f+1]); built by
     * index_build_fold_forms, and saved (rebuilt at open, they took 60 ms at 1.5 million forms) */
    uint32_t *fold_forms_start, *fold_forms;
    uint8_t *turn_starts; /* bit t set: token t starts a turn (derived, built on first use) */
    uint32_t *doc_starts; /* the first token of each document, for corpus_token_doc (derived) */
    /* the turn of every TURN_SAMPLE-th token (derived, corpus_token_turn narrows its search with
     * it): slot k holds the last turn of token k * TURN_SAMPLE's document that starts at or
     * before it. Filled for every document by corpus_index_docs, or for a mapped corpus a
     * document at a time when it is checked (corpus_sample_turns). */
    uint32_t *turn_samples;
    sm_lexicon attr_names;        /* positional attributes beyond word, by id */
    VEC(sm_attr) attrs;           /* by attribute id */
    const char *const *vrt_names; /* names of VRT columns after the word, if the file has none */
    sm_load_opts opts;
    VEC(sm_warning) warnings; /* in loading order; a saved corpus keeps none */
    int finished;
    void *store; /* set when the corpus is mapped from a saved file (store.c owns its memory) */
    struct ZSTD_CCtx_s
        *pack; /* while loading with pack_texts: the context texts are compressed with */
    /* A mapped corpus checks a document the first time it is used (corpus_check_doc): a bit per
     * document, set once it passed. NULL for a corpus built in memory, sound by construction. */
    uint8_t *doc_checked;
} sm_corpus;

/* Starts an empty corpus with these options (NULL: defaults). */
void corpus_init(sm_corpus *c, const sm_load_opts *opts);

/* Loads one file as a document. On failure nothing of it stays in the corpus and err names the
 * file and, where it applies, the line and position. */
int corpus_add_file(sm_corpus *c, const char *path, sm_error *err);

/* Loads the files paths[0..n) as documents, in that order, with the same result as calling
 * corpus_add_file on each: other threads read, decode and lay out the next files while this one
 * tokenises and indexes (see parallel.h). With on_error = "skip" a file that cannot be loaded at
 * all is a warning (corpus_warn) and the load goes on. After each file progress(ud, done, n,
 * path) is called on this thread, if given; a nonzero return stops the load (err is then the
 * caller's to fill, and *stopped is set). On failure the documents before the failing file stay. */
int corpus_add_files(sm_corpus *c, const char *const *paths, size_t n,
                     int (*progress)(void *ud, size_t done, size_t total, const char *path),
                     void *ud, int *stopped, sm_error *err);

/* The two halves of corpus_add_bytes: corpus_prepare_doc decodes and lays out a document (it
 * reads only the corpus's options, so threads may run it at once), with the notes of the parts
 * it skipped (on_error = "skip") appended to *notes; corpus_commit_doc appends and tokenises it
 * (one thread), taking over *d either way, and turns the notes into the corpus's warnings.
 * corpus_discard_doc frees a prepared document that is not committed. */
int corpus_prepare_doc(const sm_corpus *c, const char *path, const unsigned char *bytes, size_t n,
                       sm_doc *d, sm_notes *notes, sm_error *err);
int corpus_commit_doc(sm_corpus *c, sm_doc *d, const sm_notes *notes, sm_error *err);
void corpus_discard_doc(sm_doc *d);

/* The bytes of a file (malloc'd, *n long), or NULL with err naming the file. */
unsigned char *corpus_read_file(const char *path, size_t *n, sm_error *err);

/* Loads a document from bytes in memory (`path` names it in messages and results). */
int corpus_add_bytes(sm_corpus *c, const char *path, const unsigned char *bytes, size_t n,
                     sm_error *err);

/* Records a warning about file `path` (msg as an error message reads: "path:line: ...", the line
 * taken from it). Returns 0, or -1 if memory ran out. */
int corpus_warn(sm_corpus *c, const char *path, const char *msg);

/* Adds a document whose path, name, text, encoding and layout are filled in, and tokenises it.
 * The corpus takes d over: on failure d is freed, nothing of it stays, and err is set. */
int corpus_add_doc(sm_corpus *c, sm_doc *d, sm_error *err);

/* Drops the documents from `ndocs` on, with their turns, tokens, sentences and events (a load
 * that failed half-way). */
void corpus_drop_docs(sm_corpus *c, size_t ndocs);

/* Frees what a document owns; a zeroed one is fine. */
void corpus_doc_free(sm_doc *d);

/* Builds the index; after it the corpus is read-only. */
int corpus_finish(sm_corpus *c, sm_error *err);

/* Builds c->doc_starts from the documents (corpus_finish and store_open call it), and
 * c->turn_samples (filled unless the corpus is mapped). Returns 0, or -1 if memory ran out. */
int corpus_index_docs(sm_corpus *c);

#define TURN_SAMPLE 64 /* tokens between two of c->turn_samples */

/* Fills the slots of c->turn_samples that fall in document `doc` (its turns must be sound). */
void corpus_sample_turns(const sm_corpus *c, uint32_t doc);

/* Frees everything; a zeroed or freed corpus may be freed again. */
void corpus_free(sm_corpus *c);

/* ---- checked documents ----------------------------------------------------------------------
 * A corpus mapped from a saved file (store.c) is not checked whole at open: a document's turns,
 * layout, token form ids and sentences are checked the first time anything of it is used. So
 * whatever reads a document's tokens, turns, sentences or layout first checks the document
 * (corpus_check_doc): the query functions do for what they touch, the binding for ids that come
 * from Lua. The functions below that take a token, turn or sentence expect its document checked.
 * For a corpus built in memory every check is a NULL test. */

/* store.c: checks document `doc` of a mapped corpus and marks it checked; -1 with err naming the
 * file and what is wrong. */
int store_check_doc(const sm_corpus *c, uint32_t doc, sm_error *err);

/* store.c: decompresses document `doc`'s text, which a saved corpus keeps compressed until it is
 * first read; -1 with err if its frame is corrupt. */
int store_doc_text(const sm_corpus *c, uint32_t doc, sm_error *err);

/* Decompresses document `doc`'s text, kept compressed in memory (pack_texts) or in a saved
 * corpus: 0, or -1 with err. */
int corpus_unpack_text(const sm_corpus *c, uint32_t doc, sm_error *err);

/* store.c: decompresses the texts of documents docs[0..n) (NULL: of documents 0 .. n-1) on every
 * core, ahead of a job that reads them all (concordance lines, an export): what cannot be is left
 * for corpus_doc_text to report. Nothing for a corpus built in memory. */
void store_prefetch_texts(const sm_corpus *c, const uint32_t *docs, size_t n);

/* Makes document `doc`'s text readable: 0, or -1 with err. Whatever reads a document's text (a
 * concordance line, a column, a quote, a title, an event's name, an export) calls this first;
 * what reads only its tokens, turns and index (counts, hit positions, frequencies, statistics)
 * never decompresses it. */
static inline int corpus_doc_text(const sm_corpus *c, uint32_t doc, sm_error *err) {
    return c->docs.v[doc].text.s ? 0 : corpus_unpack_text(c, doc, err);
}

/* Whether document `doc` may be read: checked, or not mapped. */
static inline int corpus_doc_checked(const sm_corpus *c, uint32_t doc) {
    return !c->doc_checked || ((c->doc_checked[doc >> 3] >> (doc & 7)) & 1);
}

/* Checks document `doc` unless done: 0, or -1 with err if the saved file is corrupt there. */
static inline int corpus_check_doc(const sm_corpus *c, uint32_t doc, sm_error *err) {
    return corpus_doc_checked(c, doc) ? 0 : store_check_doc(c, doc, err);
}

/* Checks document `doc` and makes its text readable (corpus_doc_text). */
static inline int corpus_check_doc_text(const sm_corpus *c, uint32_t doc, sm_error *err) {
    return corpus_check_doc(c, doc, err) || corpus_doc_text(c, doc, err) ? -1 : 0;
}

/* The document that token `tok` (< the token count) belongs to; reads no unchecked data. */
uint32_t corpus_token_doc(const sm_corpus *c, uint32_t tok);

/* Asks the processor to fetch, ahead of a concordance line of token tok, what building it reads
 * first: stage 0 the sample of tok's turn; stage 1 (some lines later, the sample fetched by then)
 * the turn it names and tok's place in the token stream; stage 2 (later again) the turn's layout
 * record and tok's text, where the document is checked and its text at hand. Only a hint: it
 * changes nothing, and skips whatever is not there yet. */
void corpus_prefetch_token(const sm_corpus *c, uint32_t tok, int stage);

/* The document that turn `turn` (< the turn count) belongs to; reads no unchecked data. */
uint32_t corpus_turn_doc(const sm_corpus *c, uint32_t turn);

/* Checks every document and makes every text readable (an export, the fingerprint). */
int corpus_check_texts(const sm_corpus *c, sm_error *err);

/* Checks the document of token `tok` / of turn `turn` (see corpus_check_doc). */
int corpus_check_token(const sm_corpus *c, uint32_t tok, sm_error *err);
int corpus_check_turn(const sm_corpus *c, uint32_t turn, sm_error *err);

/* The label of turn `turn` (a label id, SM_NONE if none) for a scan that reads nothing else of
 * the turn, so that it needs no document check: a label id out of range is an error (-1, err). */
int corpus_turn_label(const sm_corpus *c, uint32_t turn, uint32_t *label, sm_error *err);

/* The same for the speaker of the turn, after aliases (a speaker id, SM_NONE if none). */
int corpus_turn_speaker(const sm_corpus *c, uint32_t turn, uint32_t *speaker, sm_error *err);

/* ---- speakers after aliases ------------------------------------------------------------------ */

/* The number of speaker ids. */
static inline uint32_t corpus_speaker_count(const sm_corpus *c) {
    return (uint32_t)(c->aliased ? c->alias_names.n : c->speaker_names.n);
}

/* The name of speaker id s (< corpus_speaker_count); *len gets its length if len is given. */
static inline const char *corpus_speaker_name(const sm_corpus *c, uint32_t s, size_t *len) {
    return lex_str(c->aliased ? &c->alias_names : &c->speaker_names, s, len);
}

/* Turns, words and first document of speaker id s. */
static inline const sm_speaker *corpus_speaker_info(const sm_corpus *c, uint32_t s) {
    return c->aliased ? &c->alias_speakers.v[s] : &c->speakers.v[s];
}

/* The speaker id of a turn whose document is checked (or whose speaker was range-checked). */
/* The start and stop of token t in seconds (-1 each where its source gives none). */
static inline void corpus_token_times(const sm_corpus *c, uint32_t t, double *start, double *stop) {
    int known = t < c->token_times.n;
    *start = known ? c->token_times.v[t].start : -1;
    *stop = known ? c->token_times.v[t].stop : -1;
}

/* The stop time of turn t in seconds, or -1 if its source gives none. */
static inline double corpus_turn_stop(const sm_corpus *c, uint32_t t) {
    return t < c->turn_stops.n ? c->turn_stops.v[t] : -1;
}

static inline uint32_t corpus_speaker_of(const sm_corpus *c, uint32_t turn) {
    return c->aliased ? c->alias_turns[turn] : c->turns.v[turn].speaker;
}

/* The speaker id named s[0..len), or SM_NONE. */
uint32_t corpus_find_speaker(const sm_corpus *c, const char *s, size_t len);

/* Adds an alias rule (see sm_alias; doc NULL for every document) without applying it; a rule
 * for the same doc and label is replaced. Returns 0, or -1 with err if memory ran out. */
int corpus_add_alias(sm_corpus *c, const char *doc, const char *label, const char *name,
                     sm_error *err);

/* Drops the alias rules from the `keep`th on (to undo corpus_add_alias calls). */
void corpus_drop_aliases(sm_corpus *c, size_t keep);

/* Builds the speakers from the labels and the alias rules of a finished corpus (corpus_finish
 * and store_open call it; call it again after corpus_add_alias). Each rule's label must be a
 * label of the corpus (of a document `doc` names): otherwise -1, with err naming the label (and
 * the document), and the speakers as they were. */
int corpus_apply_aliases(sm_corpus *c, sm_error *err);

/* Which labels each speaker stands for: *pairs gets a malloc'd array of speaker << 32 | label,
 * sorted, each pair once (*n of them). Returns 0, or -1 with err. */
int corpus_speaker_labels(const sm_corpus *c, uint64_t **pairs, size_t *n, sm_error *err);

/* The name that rule set gives label `label` in document `doc`, or NULL if none does. */
const char *corpus_alias_for(const sm_corpus *c, uint32_t doc, const char *label);

/* The sanitised test build asserts that every document read was checked first. */
#ifdef SAMTAL_CHECKED_ACCESS
#include <assert.h>
#define CORPUS_EXPECT_CHECKED(c, doc) assert(corpus_doc_checked((c), (doc)))
#define CORPUS_EXPECT_TEXT(c, doc) assert((c)->docs.v[(doc)].text.s != NULL)
#else
#define CORPUS_EXPECT_CHECKED(c, doc) ((void)0)
#define CORPUS_EXPECT_TEXT(c, doc) ((void)0)
#endif

/* The turn that token `tok` belongs to. */
uint32_t corpus_token_turn(const sm_corpus *c, uint32_t tok);

/* The sentence id of token `tok`. */
uint32_t corpus_token_sentence(const sm_corpus *c, uint32_t tok);

/* The tokens [*first, *end) of sentence `sent`, a sentence of document `doc`. */
void corpus_sentence_span(const sm_corpus *c, uint32_t doc, uint32_t sent, uint32_t *first,
                          uint32_t *end);

/* A token's offset in its document's text, and its exact form id. */
static inline uint32_t corpus_token_off(const sm_corpus *c, uint32_t tok) {
    return tokens_off(&c->tokens, tok);
}
static inline uint32_t corpus_token_form(const sm_corpus *c, uint32_t tok) {
    return tokens_form(&c->tokens, tok);
}

/* Byte length of a token (that of its form). */
static inline uint32_t corpus_token_len(const sm_corpus *c, uint32_t tok) {
    CORPUS_EXPECT_CHECKED(c, corpus_token_doc(c, tok));
    return c->forms.entries[tokens_form(&c->tokens, tok)].len;
}

/* The name of an event: its text without the brackets around it (when it starts with an opening
 * one and ends with the closing one) and without Markdown markup (*, _, \\) at its ends, as the
 * document range [*from, *to). */
void corpus_event_name(const sm_corpus *c, const sm_event *ev, uint32_t *from, uint32_t *to);

/* Appends to b the text of `turn` between document offsets from and to (clipped to the turn),
 * with page breaks inside the range replaced by the separator that joins the segments. */
int corpus_turn_text(const sm_corpus *c, uint32_t turn, uint32_t from, uint32_t to, sm_buf *b);

/* The first and last document offsets of a turn's text. */
void corpus_turn_bounds(const sm_corpus *c, uint32_t turn, uint32_t *from, uint32_t *to);

/* Case folds (and NFC-normalises) s[0..len) into a malloc'd string, with typographic
 * apostrophes, quotation marks and dashes as their ASCII forms (’ as ', ” as ", – as -); NULL if
 * out of memory or invalid. *outlen gets the length. */
char *corpus_fold(const char *s, size_t len, size_t *outlen);

#endif
