/* store.c: saving a finished corpus to one file and mapping it back (see store.h).
 *
 * The file, all integers little-endian:
 *
 *   header     64 bytes: magic "SAMTALC\x1A", format version, a byte-order tag, the file's size,
 *              the number of sections, the load options, the checksum of the directory, and last
 *              the checksum of the header's first 56 bytes. These 64 bytes keep this layout in
 *              every version, so any samtal can tell "corrupt" from "another version".
 *   directory  one 32-byte entry per section, in file order: id, element size, offset, element
 *              count, checksum of the section's bytes.
 *   sections   each starts 8-byte aligned (zero padding between them) and is an array laid out
 *              exactly as sm_corpus holds it in memory, so store_open points the corpus into the
 *              mapping and copies nothing. The per-document arrays (text, offset maps, lines,
 *              segments, raw turns...) are concatenated over the documents in order; a document
 *              record gives each document's counts, and its start in each section is the sum of
 *              the counts before it, so a record holds no offset that could point astray.
 *   texts      section text holds each document's text as a zstd frame where that is smaller
 *              (version 10: section text_packed gives each frame's size; textpack.h), and it is
 *              decompressed the first time something reads it (store_doc_text). Since version
 *              11 a compressed text's line starts are not kept in section lines where they are
 *              the text's own (0, and one past each '\n', as text_decode finds them): they are
 *              found again when the text is decompressed (the top bit of its size in
 *              text_packed says so).
 *   layouts    since version 12 each document's layout turns, segments and token offsets are
 *              one zstd frame in section doc_frames (see S_DOC_FRAMES), decompressed when the
 *              document is first checked (store_check_doc), with the documents after it on
 *              every core while documents are asked for in order.
 *
 * Checksums are XXH64 (seed 0), written out below: four independent lanes keep it at memory
 * speed, and `xxhsum -H64` on a section's bytes gives the same number.
 *
 * What open checks, and what is checked later. A corrupt file must be an error and never a crash,
 * and a 1 GB corpus should open in a blink. Checking every index in the file reads most of it:
 * at 1 GB (a 3.7 GB file) that took 0.34 s, 0.40 s in a fresh process, the token stream and the
 * postings (2.2 GB) most of it; hashing all of it takes 2.3 s. So the work is split three ways:
 *   - at open: the header and directory checksums, the sections' bounds and zero padding (every
 *     byte of the file is then covered by a checksum or known to be zero), the checksums of the
 *     sections that grow with the number of documents, events or speakers, not with the text;
 *     the lexicons (entries against their pool, hash slots), the fold and kind of every form,
 *     every document record against the sections (its ranges in each; they must add up), the
 *     events, layout events, participants and speakers, and the ends of the index arrays.
 *     These are what every query relies on, and they grow with the vocabulary and the number of
 *     documents, not with the text;
 *   - on first use, at the grain the queries use them (a bit per document and per fold records
 *     what passed; a part that fails is never marked, so every later use fails the same way):
 *       * a document, before anything of it is read (store_check_doc; callers go through
 *         corpus_check_doc, see corpus.h): its frame decompressed (version 12 on), its turns (in
 * order, each in the document and on its layout turn, with a known speaker, covering its tokens
 * exactly), its layout turns and segments, its tokens' form ids and offsets, its sentence starts,
 * and its tokens' values of a VRT's positional attributes;
 *       * a document's text, the first time something reads it (store_doc_text, through
 *         corpus_doc_text): decompressed, and its frame's checksum must match;
 *       * a fold's range in the index on every use (two reads), and its postings each time
 *         they are decoded (index_decode: every number whole, the token ids strictly
 *         ascending and in range, as many as the counts say);
 *       * a fold's forms (each of that fold, ascending) the first time (store_check_fold_forms);
 *       * the turns' succession over the tokens when the turn-start bits are built (index.c);
 *     so no read can leave the mapping, whatever the bytes are, and a damaged part gives
 *     "x.samtal: corrupt (...)" naming the section from the first query that touches it, while
 *     the rest of the corpus answers. A flipped bit that leaves a value in range (in the text,
 *     say) gives a wrong answer instead;
 *   - on request, store_verify(): the checksum of every section.
 * The checks at open read the file with pread() rather than through the mapping (see stream
 * below); the checks on first use read the mapping, which the query is about to read anyway
 * (reading a document's arrays with pread instead made no difference that could be measured).
 * On the 2-core development VM with the file in the page cache, a first open in a fresh process
 * takes 23-24 ms at 1 GB, two thirds of it checking the two lexicons (70 MB), and 4-5 ms at
 * 100 MB; 0.40 s and 45 ms when open checked everything. A query that touches almost every
 * document then pays about what open used to for them (0.3-0.4 s at 1 GB), once.
 *
 * Only the speaker table (sm_speaker has padding whose size depends on the ABI) and the sm_doc
 * array are rebuilt on open; the static assertions below pin the layout of every mapped struct,
 * so a change to one of them breaks this file's build until STORE_VERSION is reconsidered. */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE), where the system has it */
#include "store.h"

#include "encoding.h"

#include "index.h"
#include "parallel.h"
#include "textpack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The mapped structs must have the same bytes on every host that reads the file. */
_Static_assert(sizeof(sm_offpoint) == 8, "sm_offpoint layout");
_Static_assert(sizeof(sm_segment) == 12 && offsetof(sm_segment, sep) == 8, "sm_segment layout");
_Static_assert(sizeof(sm_rawturn) == 24 && offsetof(sm_rawturn, start) == 16, "sm_rawturn layout");
_Static_assert(sizeof(sm_rawevent) == 12, "sm_rawevent layout");
_Static_assert(sizeof(sm_participant) == 12, "sm_participant layout");
_Static_assert(sizeof(sm_turn) == 24, "sm_turn layout");
_Static_assert(sizeof(sm_event) == 20, "sm_event layout");
_Static_assert(sizeof(sm_tokblock) == 12, "sm_tokblock layout");
_Static_assert(sizeof(sm_form) == 8 && offsetof(sm_form, kind) == 4, "sm_form layout");
_Static_assert(sizeof(sm_lexentry) == 12, "sm_lexentry layout");
_Static_assert(sizeof(double) == 8, "IEEE double");

static const char magic[8] = {'S', 'A', 'M', 'T', 'A', 'L', 'C', '\x1A'};
#define BYTE_ORDER_TAG 0x01020304u

typedef struct file_header {
    char magic[8];
    uint32_t version;
    uint32_t byte_order; /* BYTE_ORDER_TAG as the writer stored it */
    uint64_t file_size;
    uint32_t nsections;
    uint32_t flags; /* none yet; must be 0 */
    uint32_t opt_invalid, opt_seg_flags;
    uint64_t dir_checksum;
    uint64_t reserved;
    uint64_t header_checksum; /* of the 56 bytes before it */
} file_header;
_Static_assert(sizeof(file_header) == 64 && offsetof(file_header, header_checksum) == 56,
               "file header layout");

typedef struct file_section {
    uint32_t id, elsize;
    uint64_t offset, count, checksum;
} file_section;
_Static_assert(sizeof(file_section) == 32, "directory entry layout");

/* A document's counts; its arrays follow those of the documents before it in each section. */
typedef struct file_doc {
    uint64_t path_len, name_len; /* in strings: path, NUL, name, NUL */
    uint64_t text_len;           /* in text: the text and its NUL */
    uint64_t source_len, replacements, words;
    uint64_t nmap, nlines, nsegs, nrawturns, nrawevents, nparticipants, npages, names_len;
    uint32_t title_start, title_end, preamble_start, preamble_end;
    uint32_t turn_first, turn_count, event_first, event_count, tok_first, tok_count;
    uint32_t sent_first, sent_count;
    uint32_t encoding, reserved; /* ENC_* of the source, or UINT32_MAX if not known */
} file_doc;
_Static_assert(sizeof(file_doc) == 168, "document record layout");

typedef struct file_speaker {
    uint32_t turns, first_doc;
    uint64_t words;
} file_speaker;
_Static_assert(sizeof(file_speaker) == 16, "speaker record layout");

/* Sections, in file order. A lexicon is three: pool, entries, slots. */
enum {
    S_STRINGS,
    S_DOCS,
    S_TEXT,
    S_OFFMAP,
    S_LINES,
    S_SEGS,
    S_RAWTURNS,
    S_RAWEVENTS,
    S_PARTICIPANTS,
    S_PAGES,
    S_NAMES,
    S_TURNS,
    S_EVENTS,
    S_TOKENS,
    S_SENTENCES,
    S_FORMS, /* pool, entries, slots */
    S_FORM_INFO = S_FORMS + 3,
    S_FOLDS,                       /* pool, entries, slots */
    S_SPEAKER_NAMES = S_FOLDS + 3, /* pool, entries, slots */
    S_SPEAKERS = S_SPEAKER_NAMES + 3,
    S_POST_START,
    S_POSTINGS,
    S_FOLD_FORMS_START,
    S_FOLD_FORMS,
    S_ALIASES,     /* since version 4: the speaker alias rules, doc NUL label NUL name NUL each */
    S_TURN_STOPS,  /* since version 5: each turn's stop time (double), or none at all */
    S_TOKEN_TIMES, /* since version 6: each token's start and stop (sm_times), or none at all */
    S_METADATA,    /* since version 7: the documents' metadata as the Lua layer serialised it */
    S_ATTR_NAMES, /* since version 7: a VRT's positional attributes' names (pool, entries, slots) */
    S_ATTR_VALUES =
        S_ATTR_NAMES + 3, /* each attribute's values: pools, entries, slots end to end */
    S_ATTR_PARTS =
        S_ATTR_VALUES + 3, /* per attribute: its pool bytes, entries and slots (uint64) */
    S_ATTR_TOKENS, /* per attribute, every token's value id (or LEX_NONE), attribute after attribute
                    */
    S_POST_AT,     /* since version 8: where each fold's postings start in section postings */
    S_FOLD_DOCS,   /* since version 8: how many documents each fold occurs in */
    /* since version 9 the tokens are packed (tokens.h): section tokens holds each token's form
     * code (uint16), these the rest */
    S_TOKEN_RELS,     /* each token's offset less its block's base (uint8) */
    S_TOKEN_BLOCKS,   /* sm_tokblock per 32 tokens */
    S_TOKEN_FORM_EXC, /* the escaped form ids, block after block */
    S_TOKEN_OFF_EXC,  /* the offsets of wide blocks, 32 a block */
    /* since version 10: how a document's text is kept in section text, a uint32 per document:
     * the size of the zstd frame it is compressed into, or 0 where it is kept as it is, its bytes
     * and a NUL (too short to pay, or not smaller compressed). Version 9 kept every text so.
     * Since version 11 the top bit (PACKED_LINES) of a frame's size says that the document's
     * lines are not in section lines but found again from its text. */
    S_TEXT_PACKED,
    /* since version 12: each document's layout turns, segments and token offsets, kept apart
     * from the sections above (segments, layout_turns and token_offsets are then empty) as one
     * zstd frame per document (doc_frames, end to end), decompressed when the document is first
     * checked (store_check_doc). The frame holds the layout turns (sm_rawturn), the segments
     * (sm_segment, padding zero) and then a byte per token: its offset less its block's base
     * (tokens.h), given as the difference from the token before except at the document's first
     * token and at each block's first, so that the bytes are mostly short words' lengths.
     * doc_packed gives each document's frame size, 0 for a document with none of the three. */
    S_DOC_FRAMES,
    S_DOC_PACKED,
    S_COUNT
};

/* The oldest version read: version 8 compressed the postings (4 bytes a token before) and
 * version 9 the tokens (8 bytes a token before), so the files of versions 3 to 8 are refused with
 * a word to save them again. A later version that only adds sections at the end reads this one
 * by the number of sections it has. */
#define STORE_OLDEST 9
#define SECTIONS_OF(version)                                                                       \
    ((version) >= 12 ? S_COUNT : (version) >= 10 ? S_DOC_FRAMES : S_TEXT_PACKED)

/* In section text_packed (version 11 on): the document's lines are found from its text. Frames
 * are under 2 GiB (TEXTPACK_MAX_FRAME), so the bit is free. */
#define PACKED_LINES 0x80000000u
_Static_assert(TEXTPACK_MAX_FRAME <= PACKED_LINES, "a frame's size leaves the top bit free");

/* What each section holds; `bulk` ones grow with the text and are checksummed by
 * store_verify() only (their indexes are checked at open or on first use, see above). */
static const struct {
    const char *name;
    uint32_t elsize;
    int bulk;
} sections[S_COUNT] = {
    [S_STRINGS] = {"strings", 1, 0},
    [S_DOCS] = {"documents", sizeof(file_doc), 0},
    [S_TEXT] = {"text", 1, 1},
    [S_OFFMAP] = {"offset_map", sizeof(sm_offpoint), 0},
    [S_LINES] = {"lines", sizeof(uint32_t), 1},
    [S_SEGS] = {"segments", sizeof(sm_segment), 1},
    [S_RAWTURNS] = {"layout_turns", sizeof(sm_rawturn), 1},
    [S_RAWEVENTS] = {"layout_events", sizeof(sm_rawevent), 0},
    [S_PARTICIPANTS] = {"participants", sizeof(sm_participant), 0},
    [S_PAGES] = {"pages", sizeof(uint32_t), 0},
    [S_NAMES] = {"names", 1, 1},
    [S_TURNS] = {"turns", sizeof(sm_turn), 1},
    [S_EVENTS] = {"events", sizeof(sm_event), 0},
    [S_TOKENS] = {"token_forms", sizeof(uint16_t), 1},
    [S_SENTENCES] = {"sentences", sizeof(uint32_t), 1},
    [S_FORMS] = {"form_pool", 1, 1},
    [S_FORMS + 1] = {"form_entries", sizeof(sm_lexentry), 1},
    [S_FORMS + 2] = {"form_slots", sizeof(uint32_t), 1},
    [S_FORM_INFO] = {"form_info", sizeof(sm_form), 1},
    [S_FOLDS] = {"fold_pool", 1, 1},
    [S_FOLDS + 1] = {"fold_entries", sizeof(sm_lexentry), 1},
    [S_FOLDS + 2] = {"fold_slots", sizeof(uint32_t), 1},
    [S_SPEAKER_NAMES] = {"speaker_pool", 1, 0},
    [S_SPEAKER_NAMES + 1] = {"speaker_entries", sizeof(sm_lexentry), 0},
    [S_SPEAKER_NAMES + 2] = {"speaker_slots", sizeof(uint32_t), 0},
    [S_SPEAKERS] = {"speakers", sizeof(file_speaker), 0},
    [S_POST_START] = {"post_start", sizeof(uint32_t), 1},
    [S_POSTINGS] = {"postings", 1, 1},
    [S_FOLD_FORMS_START] = {"fold_forms_start", sizeof(uint32_t), 1},
    [S_FOLD_FORMS] = {"fold_forms", sizeof(uint32_t), 1},
    [S_ALIASES] = {"aliases", 1, 0},
    [S_TURN_STOPS] = {"turn_stops", sizeof(double), 0},
    [S_TOKEN_TIMES] = {"token_times", sizeof(sm_times), 1},
    [S_METADATA] = {"metadata", 1, 0},
    [S_ATTR_NAMES] = {"attr_name_pool", 1, 0},
    [S_ATTR_NAMES + 1] = {"attr_name_entries", sizeof(sm_lexentry), 0},
    [S_ATTR_NAMES + 2] = {"attr_name_slots", sizeof(uint32_t), 0},
    [S_ATTR_VALUES] = {"attr_value_pool", 1, 1},
    [S_ATTR_VALUES + 1] = {"attr_value_entries", sizeof(sm_lexentry), 1},
    [S_ATTR_VALUES + 2] = {"attr_value_slots", sizeof(uint32_t), 1},
    [S_ATTR_PARTS] = {"attr_parts", sizeof(uint64_t), 0},
    [S_ATTR_TOKENS] = {"attr_tokens", sizeof(uint32_t), 1},
    [S_POST_AT] = {"post_at", sizeof(uint64_t), 1},
    [S_FOLD_DOCS] = {"fold_docs", sizeof(uint32_t), 1},
    [S_TOKEN_RELS] = {"token_offsets", 1, 1},
    [S_TOKEN_BLOCKS] = {"token_blocks", sizeof(sm_tokblock), 1},
    [S_TOKEN_FORM_EXC] = {"token_form_escapes", sizeof(uint32_t), 1},
    [S_TOKEN_OFF_EXC] = {"token_wide_offsets", sizeof(uint32_t), 1},
    [S_TEXT_PACKED] = {"text_packed", sizeof(uint32_t), 0},
    [S_DOC_FRAMES] = {"doc_frames", 1, 1},
    [S_DOC_PACKED] = {"doc_packed", sizeof(uint32_t), 0},
};

#define DIR_END (sizeof(file_header) + S_COUNT * sizeof(file_section))

static int host_is_little_endian(void) {
    const uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/* ---- XXH64 ---------------------------------------------------------------------------------- */

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

typedef struct hasher {
    uint64_t v[4], total;
    unsigned char buf[32];
    size_t nbuf;
} hasher;

static inline uint64_t rotl64(uint64_t x, int r) {
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t xxh_round(uint64_t acc, uint64_t w) {
    return rotl64(acc + w * P2, 31) * P1;
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static void hash_init(hasher *h) {
    h->v[0] = P1 + P2;
    h->v[1] = P2;
    h->v[2] = 0;
    h->v[3] = 0 - P1;
    h->total = 0;
    h->nbuf = 0;
}

/* Whole 32-byte stripes of p[0..n); returns how many bytes it consumed. */
static size_t hash_stripes(uint64_t v[4], const unsigned char *p, size_t n) {
    uint64_t a = v[0], b = v[1], c = v[2], d = v[3];
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        a = xxh_round(a, load64(p + i));
        b = xxh_round(b, load64(p + i + 8));
        c = xxh_round(c, load64(p + i + 16));
        d = xxh_round(d, load64(p + i + 24));
    }
    v[0] = a, v[1] = b, v[2] = c, v[3] = d;
    return i;
}

static void hash_update(hasher *h, const void *data, size_t n) {
    const unsigned char *p = data;
    h->total += n;
    if (h->nbuf) {
        size_t k = 32 - h->nbuf < n ? 32 - h->nbuf : n;
        memcpy(h->buf + h->nbuf, p, k);
        h->nbuf += k;
        p += k;
        n -= k;
        if (h->nbuf < 32) return;
        hash_stripes(h->v, h->buf, 32);
        h->nbuf = 0;
    }
    size_t done = hash_stripes(h->v, p, n);
    memcpy(h->buf, p + done, n - done);
    h->nbuf = n - done;
}

static uint64_t merge_round(uint64_t acc, uint64_t v) {
    acc ^= xxh_round(0, v);
    return acc * P1 + P4;
}

static uint64_t hash_final(const hasher *h) {
    uint64_t r;
    if (h->total >= 32) {
        r = rotl64(h->v[0], 1) + rotl64(h->v[1], 7) + rotl64(h->v[2], 12) + rotl64(h->v[3], 18);
        for (int k = 0; k < 4; k++)
            r = merge_round(r, h->v[k]);
    } else {
        r = P5; /* the seed, 0, plus P5 */
    }
    r += h->total;
    const unsigned char *p = h->buf;
    size_t n = h->nbuf;
    for (; n >= 8; p += 8, n -= 8)
        r = rotl64(r ^ xxh_round(0, load64(p)), 27) * P1 + P4;
    if (n >= 4) {
        uint32_t w;
        memcpy(&w, p, 4);
        r = rotl64(r ^ (uint64_t)w * P1, 23) * P2 + P3;
        p += 4;
        n -= 4;
    }
    for (; n > 0; p++, n--)
        r = rotl64(r ^ (uint64_t)*p * P5, 11) * P1;
    r ^= r >> 33;
    r *= P2;
    r ^= r >> 29;
    r *= P3;
    return r ^ (r >> 32);
}

static uint64_t hash_bytes(const void *p, size_t n) {
    hasher h;
    hash_init(&h);
    hash_update(&h, p, n);
    return hash_final(&h);
}

/* ---- saving --------------------------------------------------------------------------------- */

/* A buffered writer that checksums the current section as bytes pass. */
typedef struct writer {
    int fd;
    int err;      /* errno of the first failure, 0 while all is well */
    uint64_t off; /* bytes written so far, buffered ones included */
    size_t n;     /* bytes in buf */
    hasher h;
    file_section dir[S_COUNT];
    int sec; /* the open section */
    unsigned char buf[1 << 20];
} writer;

static void w_flush(writer *w) {
    const unsigned char *p = w->buf;
    while (w->n && !w->err) {
        ssize_t k = write(w->fd, p, w->n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            w->err = k < 0 ? errno : EIO;
            break;
        }
        p += k;
        w->n -= (size_t)k;
    }
    w->n = 0;
}

static void w_raw(writer *w, const void *data, size_t n) {
    const unsigned char *p = data;
    w->off += n;
    while (n && !w->err) {
        size_t k = sizeof w->buf - w->n < n ? sizeof w->buf - w->n : n;
        memcpy(w->buf + w->n, p, k);
        w->n += k;
        p += k;
        n -= k;
        if (w->n == sizeof w->buf) w_flush(w);
    }
}

static void w_put(writer *w, const void *data, size_t n) {
    if (!n) return;
    hash_update(&w->h, data, n);
    w_raw(w, data, n);
}

static void w_begin(writer *w, int sec) {
    static const unsigned char zeros[8] = {0};
    w_raw(w, zeros, (size_t)(-w->off & 7));
    w->sec = sec;
    w->dir[sec] = (file_section){(uint32_t)sec, sections[sec].elsize, w->off, 0, 0};
    hash_init(&w->h);
}

static void w_end(writer *w) {
    file_section *s = &w->dir[w->sec];
    s->count = (w->off - s->offset) / s->elsize;
    s->checksum = hash_final(&w->h);
}

/* A whole section from one array. */
static void w_section(writer *w, int sec, const void *data, size_t count) {
    w_begin(w, sec);
    w_put(w, data, count * sections[sec].elsize);
    w_end(w);
}

static void w_lexicon(writer *w, int sec, const sm_lexicon *lx) {
    w_section(w, sec, lx->pool.s, lx->pool.n);
    w_section(w, sec + 1, lx->entries, lx->n);
    w_section(w, sec + 2, lx->slots, lx->nslots);
}

/* ---- the texts, compressed ---------------------------------------------------------------- */

/* Documents are compressed a batch at a time, so that saving holds at most a batch's frames
 * (the header and directory of the file are written last, but a document's frame size is written
 * in section text_packed, after the texts). */
#define PACK_BATCH_BYTES ((size_t)8 << 20)
#define PACK_BATCH_DOCS 4096

/* A batch of documents compressed on every core: part p takes a slice of them, with a context
 * of its own, and writes only its documents' frames. */
typedef struct pack_job {
    const sm_doc *docs; /* the batch's first document */
    size_t n;
    unsigned nparts;
    void **frame;  /* per document: its frame (malloc'd), or NULL where the text stays as is */
    size_t *bytes; /* its size */
} pack_job;

static void pack_part(void *arg, unsigned part) {
    pack_job *j = arg;
    size_t a = j->n * part / j->nparts, z = j->n * (part + 1) / j->nparts;
    ZSTD_CCtx *cx = textpack_context(); /* NULL: the texts are kept as they are, no loss */
    for (size_t k = a; k < z; k++) {
        const sm_text *t = &j->docs[k].text;
        j->frame[k] = textpack_compress(cx, t->s, t->len, &j->bytes[k]);
    }
    ZSTD_freeCCtx(cx);
}

static const unsigned char *doc_frame(const sm_corpus *c, size_t doc, uint32_t *bytes);

/* Section text: each document's text as a zstd frame, or as it is with a NUL where that is not
 * smaller; packed[i] gets document i's frame size, or 0. A mapped corpus's documents that were
 * never used are still compressed: their frames are copied as they are. */
static void write_texts(writer *w, const sm_corpus *c, uint32_t *packed) {
    const sm_doc *docs = c->docs.v;
    size_t nd = c->docs.n;
    void **frame = malloc(PACK_BATCH_DOCS * sizeof *frame);
    size_t *bytes = malloc(PACK_BATCH_DOCS * sizeof *bytes);
    if (!frame || !bytes) w->err = ENOMEM;
    unsigned threads = parallel_threads();
    w_begin(w, S_TEXT);
    for (size_t first = 0; first < nd && !w->err;) {
        size_t n = 0, raw = 0;
        while (first + n < nd && n < PACK_BATCH_DOCS && raw < PACK_BATCH_BYTES)
            raw += docs[first + n++].text.len;
        pack_job j = {docs + first, n, 0, frame, bytes};
        j.nparts = n < 4 * (size_t)threads ? (unsigned)n : 4 * threads;
        parallel_run(j.nparts, pack_part, &j);
        for (size_t k = 0; k < n; k++) {
            const sm_text *t = &docs[first + k].text;
            uint32_t kept;
            const unsigned char *f = t->s ? NULL : doc_frame(c, first + k, &kept);
            if (f) { /* never decompressed: its frame as it is */
                w_put(w, f, kept);
                packed[first + k] = kept;
            } else if (frame[k]) {
                w_put(w, frame[k], bytes[k]);
                packed[first + k] = (uint32_t)bytes[k];
            } else {
                w_put(w, t->s, t->len);
                w_put(w, "", 1);
            }
            free(frame[k]);
        }
        first += n;
    }
    w_end(w);
    free(frame);
    free(bytes);
}

/* ---- the layouts and token offsets, compressed ---------------------------------------------- */

/* A document's frame in section doc_frames holds, decompressed, column after column:
 *   layout turns   speaker, seg_first less the turn before's, seg_count, label less the turn
 *                  before's (uint32 each, differences modulo 2^32), start (double);
 *   segments       start less the segment before's, end less start (uint32 each), sep (byte);
 *   tokens         a byte each: its offset less its block's base (tokens.h), or at any token but
 *                  the document's first and its block's first, that less the token before's and
 *                  the length of the token before's form (modulo 256): mostly 1, a space, or 0.
 * Columns of differences compress some three times better than the arrays as they lie. */
#define FRAME_TURN 24 /* bytes per layout turn */
#define FRAME_SEG 9   /* bytes per segment */
_Static_assert(sizeof(sm_rawturn) == FRAME_TURN, "a layout turn's columns");

static uint64_t frame_bytes(uint64_t nturns, uint64_t nsegs, uint64_t ntokens) {
    return nturns * FRAME_TURN + nsegs * FRAME_SEG + ntokens;
}

/* Token i's form id as tokens_form gives it, or `none` where the stream's escape points outside
 * its array (a damaged file's, not yet checked): writing and reading a frame both take a form's
 * length from this, 0 for an id of no form, so the offsets come back as they were. */
static inline uint32_t form_or_none(const sm_tokens *t, size_t i, uint32_t none) {
    uint32_t f = t->form[i];
    if (f < TOK_FORM_ESCAPE) return f;
    uint64_t at = (uint64_t)t->block[i >> TOK_BLOCK_SHIFT].form_at + (f - TOK_FORM_ESCAPE);
    return at < t->nform_exc ? t->form_exc[at] : none;
}

/* A column of n uint32 from v[k] (k = 0 .. n-1, stride bytes apart), each less the one before
 * where delta is set; returns the end of what it wrote. */
static unsigned char *put_column(unsigned char *out, const void *v, size_t stride, size_t n,
                                 int delta) {
    uint32_t prev = 0;
    for (size_t k = 0; k < n; k++, out += 4) {
        uint32_t x;
        memcpy(&x, (const unsigned char *)v + k * stride, 4);
        uint32_t y = delta ? x - prev : x;
        memcpy(out, &y, 4);
        prev = x;
    }
    return out;
}

/* And back: the column at in, to v[k]; returns the end of what it read. */
static const unsigned char *get_column(const unsigned char *in, void *v, size_t stride, size_t n,
                                       int delta) {
    uint32_t prev = 0;
    for (size_t k = 0; k < n; k++, in += 4) {
        uint32_t y;
        memcpy(&y, in, 4);
        prev = delta ? prev + y : y;
        memcpy((unsigned char *)v + k * stride, &prev, 4);
    }
    return in;
}

static uint64_t layout_bytes(const sm_doc *d) {
    return frame_bytes(d->layout.turns.n, d->layout.segs.n, d->tok_count);
}

/* Document d's frame decompressed, into out[0 .. layout_bytes(d)). */
static void layout_fill(const sm_corpus *c, const sm_doc *d, unsigned char *out) {
    const sm_layout *l = &d->layout;
    const sm_rawturn *t = l->turns.v;
    size_t nt = l->turns.n, ns = l->segs.n, st = sizeof *t;
    out = put_column(out, &t->speaker, st, nt, 0);
    out = put_column(out, &t->seg_first, st, nt, 1);
    out = put_column(out, &t->seg_count, st, nt, 0);
    out = put_column(out, &t->label, st, nt, 1);
    for (size_t k = 0; k < nt; k++, out += 8)
        memcpy(out, &t[k].start, 8);
    const sm_segment *g = l->segs.v;
    out = put_column(out, &g->start, sizeof *g, ns, 1);
    for (size_t k = 0; k < ns; k++, out += 4) {
        uint32_t width = g[k].end - g[k].start;
        memcpy(out, &width, 4);
    }
    for (size_t k = 0; k < ns; k++)
        *out++ = g[k].sep;
    const uint8_t *rel = c->tokens.rel;
    uint32_t nforms = (uint32_t)c->forms.n;
    for (size_t i = d->tok_first, end = i + d->tok_count; i < end; i++) {
        if (i == d->tok_first || !(i & (TOK_BLOCK - 1))) {
            *out++ = rel[i];
            continue;
        }
        uint32_t f = form_or_none(&c->tokens, i - 1, nforms);
        *out++ = (uint8_t)(rel[i] - rel[i - 1] - (f < nforms ? c->forms.entries[f].len : 0));
    }
}

static const unsigned char *doc_layout_frame(const sm_corpus *c, size_t doc, uint32_t *bytes);

/* A batch of documents' frames made on every core, as for the texts. */
#define FRAME_BATCH_BYTES ((uint64_t)1 << 20)
typedef struct frame_job {
    const sm_corpus *c;
    size_t first, n;
    unsigned nparts;
    void **frame;  /* per document: its frame (malloc'd), or NULL: none, or copied as it is */
    size_t *bytes; /* its size */
} frame_job;

static void frame_part(void *arg, unsigned part) {
    frame_job *j = arg;
    ZSTD_CCtx *cx = textpack_context(); /* NULL: no frames, which write_doc_frames reports */
    unsigned char *raw = NULL;
    size_t room = 0;
    for (size_t k = j->n * part / j->nparts; k < j->n * (part + 1) / j->nparts; k++) {
        size_t doc = j->first + k;
        const sm_doc *d = &j->c->docs.v[doc];
        uint32_t kept;
        uint64_t n = layout_bytes(d);
        j->frame[k] = NULL;
        j->bytes[k] = 0;
        if (!n || !cx || n > SIZE_MAX / 2 || doc_layout_frame(j->c, doc, &kept)) continue;
        if (n > room) {
            unsigned char *grown = realloc(raw, (size_t)n);
            if (!grown) continue;
            raw = grown;
            room = (size_t)n;
        }
        layout_fill(j->c, d, raw);
        size_t cap = ZSTD_compressBound((size_t)n);
        void *f = malloc(cap);
        size_t got = f ? ZSTD_compress2(cx, f, cap, raw, (size_t)n) : 0;
        if (!f || ZSTD_isError(got) || got >= TEXTPACK_MAX_FRAME) {
            free(f);
            continue;
        }
        j->frame[k] = f;
        j->bytes[k] = got;
    }
    free(raw);
    ZSTD_freeCCtx(cx);
}

/* Section doc_frames: each document's layout turns, segments and token offsets as a zstd frame;
 * sizes[i] gets document i's frame size (0 for a document with none of them). A mapped corpus's
 * documents that were never checked keep their frames as they are. */
static void write_doc_frames(writer *w, const sm_corpus *c, uint32_t *sizes) {
    size_t nd = c->docs.n;
    void **frame = malloc(PACK_BATCH_DOCS * sizeof *frame);
    size_t *bytes = malloc(PACK_BATCH_DOCS * sizeof *bytes);
    if (!frame || !bytes) w->err = ENOMEM;
    unsigned threads = parallel_threads();
    w_begin(w, S_DOC_FRAMES);
    for (size_t first = 0; first < nd && !w->err;) {
        size_t n = 0;
        uint64_t raw = 0;
        while (first + n < nd && n < PACK_BATCH_DOCS && raw < FRAME_BATCH_BYTES)
            raw += layout_bytes(&c->docs.v[first + n++]);
        frame_job j = {c, first, n, 0, frame, bytes};
        j.nparts = n < 4 * (size_t)threads ? (unsigned)n : 4 * threads;
        parallel_run(j.nparts, frame_part, &j);
        for (size_t k = 0; k < n; k++) {
            uint32_t kept;
            const unsigned char *f = doc_layout_frame(c, first + k, &kept);
            if (f) { /* never decompressed: its frame as it is */
                w_put(w, f, kept);
                sizes[first + k] = kept;
            } else if (frame[k]) {
                w_put(w, frame[k], bytes[k]);
                sizes[first + k] = (uint32_t)bytes[k];
            } else if (layout_bytes(&c->docs.v[first + k]) && !w->err) {
                w->err = ENOMEM; /* no context, no memory, or a frame of 2 GiB */
            }
            free(frame[k]);
        }
        first += n;
    }
    w_end(w);
    free(frame);
    free(bytes);
}

/* A document's lines for section lines. Only a text that is compressed has none in memory (its
 * lines are the text's own, found again with it), and such a text is saved compressed, its
 * lines left out; were it not, they are found from the text here. */
static void write_lines(writer *w, const sm_text *t) {
    if (t->lines) {
        w_put(w, t->lines, t->nlines * sizeof *t->lines);
        return;
    }
    uint32_t *lines = t->s ? malloc(t->nlines * sizeof *lines) : NULL;
    if (!lines || text_fill_lines(t->s, t->len, NULL) != t->nlines) {
        if (!w->err) w->err = lines ? EIO : ENOMEM;
        free(lines);
        return;
    }
    text_fill_lines(t->s, t->len, lines);
    w_put(w, lines, t->nlines * sizeof *lines);
    free(lines);
}

/* Writes the sections in order; the header and directory are filled in afterwards. */
static void write_sections(writer *w, const sm_corpus *c, const char *meta, size_t meta_n) {
    const sm_doc *docs = c->docs.v;
    size_t nd = c->docs.n;
    w_begin(w, S_STRINGS);
    for (size_t i = 0; i < nd; i++) {
        w_put(w, docs[i].path, strlen(docs[i].path) + 1);
        w_put(w, docs[i].name, strlen(docs[i].name) + 1);
    }
    w_end(w);
    w_begin(w, S_DOCS);
    for (size_t i = 0; i < nd; i++) {
        const sm_doc *d = &docs[i];
        const sm_layout *l = &d->layout;
        file_doc r;
        memset(&r, 0, sizeof r);
        r.path_len = strlen(d->path);
        r.name_len = strlen(d->name);
        r.text_len = d->text.len;
        r.source_len = d->text.source_len;
        r.replacements = d->text.replacements;
        r.encoding = UINT32_MAX;
        for (uint32_t e = 0; e < ENC_COUNT; e++)
            if (d->encoding && strcmp(d->encoding, sm_encoding_names[e]) == 0) r.encoding = e;
        r.words = d->words;
        r.nmap = d->text.nmap;
        r.nlines = d->text.nlines;
        r.nsegs = l->segs.n;
        r.nrawturns = l->turns.n;
        r.nrawevents = l->events.n;
        r.nparticipants = l->participants.n;
        r.npages = l->pages.n;
        r.names_len = l->names.n;
        r.title_start = l->title_start;
        r.title_end = l->title_end;
        r.preamble_start = l->preamble_start;
        r.preamble_end = l->preamble_end;
        r.turn_first = d->turn_first;
        r.turn_count = d->turn_count;
        r.event_first = d->event_first;
        r.event_count = d->event_count;
        r.tok_first = d->tok_first;
        r.tok_count = d->tok_count;
        r.sent_first = d->sent_first;
        r.sent_count = d->sent_count;
        w_put(w, &r, sizeof r);
    }
    w_end(w);
    uint32_t *packed = calloc(nd ? nd : 1, sizeof *packed);
    if (!packed) w->err = ENOMEM;
    write_texts(w, c, packed);
    for (size_t i = 0; packed && i < nd; i++) /* lines the text gives need not be kept */
        if (packed[i] && (!docs[i].text.lines || text_lines_derived(&docs[i].text)))
            packed[i] |= PACKED_LINES;
#define PER_DOC(sec, arr, cnt)                                                                     \
    do {                                                                                           \
        w_begin(w, sec);                                                                           \
        for (size_t i = 0; i < nd; i++)                                                            \
            w_put(w, docs[i].arr, docs[i].cnt *sections[sec].elsize);                              \
        w_end(w);                                                                                  \
    } while (0)
    PER_DOC(S_OFFMAP, text.map, text.nmap);
    w_begin(w, S_LINES);
    for (size_t i = 0; i < nd; i++)
        if (!packed || !(packed[i] & PACKED_LINES)) write_lines(w, &docs[i].text);
    w_end(w);
    w_section(w, S_SEGS, NULL, 0); /* in section doc_frames since version 12 */
    w_section(w, S_RAWTURNS, NULL, 0);
    PER_DOC(S_RAWEVENTS, layout.events.v, layout.events.n);
    PER_DOC(S_PARTICIPANTS, layout.participants.v, layout.participants.n);
    PER_DOC(S_PAGES, layout.pages.v, layout.pages.n);
    PER_DOC(S_NAMES, layout.names.s, layout.names.n);
#undef PER_DOC
    w_section(w, S_TURNS, c->turns.v, c->turns.n);
    w_section(w, S_EVENTS, c->events.v, c->events.n);
    w_section(w, S_TOKENS, c->tokens.form, c->tokens.n);
    w_section(w, S_SENTENCES, c->sentences.v, c->sentences.n);
    w_lexicon(w, S_FORMS, &c->forms);
    w_begin(w, S_FORM_INFO); /* sm_form has padding too */
    for (size_t k = 0; k < c->form_info.n; k++) {
        unsigned char rec[sizeof(sm_form)] = {0};
        memcpy(rec, &c->form_info.v[k].fold, 4);
        rec[offsetof(sm_form, kind)] = c->form_info.v[k].kind;
        w_put(w, rec, sizeof rec);
    }
    w_end(w);
    w_lexicon(w, S_FOLDS, &c->folds);
    w_lexicon(w, S_SPEAKER_NAMES, &c->speaker_names);
    w_begin(w, S_SPEAKERS);
    for (size_t k = 0; k < c->speakers.n; k++) {
        const sm_speaker *s = &c->speakers.v[k];
        file_speaker r = {s->turns, s->first_doc, s->words};
        w_put(w, &r, sizeof r);
    }
    w_end(w);
    w_section(w, S_POST_START, c->post_start, c->folds.n + 1);
    w_section(w, S_POSTINGS, c->post_bytes, c->post_at[c->folds.n]);
    w_section(w, S_FOLD_FORMS_START, c->fold_forms_start, c->folds.n + 1);
    w_section(w, S_FOLD_FORMS, c->fold_forms, c->fold_forms_start[c->folds.n]);
    w_begin(w, S_ALIASES); /* the rules, not what they make: the labels stay as the sources say */
    for (size_t k = 0; k < c->aliases.n; k++) {
        const sm_alias *a = &c->aliases.v[k];
        const char *doc = a->doc ? a->doc : ""; /* no document has an empty name */
        w_put(w, doc, strlen(doc) + 1);
        w_put(w, a->label, strlen(a->label) + 1);
        w_put(w, a->name, strlen(a->name) + 1);
    }
    w_end(w);
    w_section(w, S_TURN_STOPS, c->turn_stops.v, c->turn_stops.n);    /* none, or one per turn */
    w_section(w, S_TOKEN_TIMES, c->token_times.v, c->token_times.n); /* none, or one per token */
    w_section(w, S_METADATA, meta, meta ? meta_n : 0);
    /* a VRT's positional attributes: the values' lexicons end to end, each entry's offset
     * within its own pool, and their sizes in attr_parts */
    w_lexicon(w, S_ATTR_NAMES, &c->attr_names);
    w_begin(w, S_ATTR_VALUES);
    for (size_t a = 0; a < c->attrs.n; a++)
        w_put(w, c->attrs.v[a].values.pool.s, c->attrs.v[a].values.pool.n);
    w_end(w);
    w_begin(w, S_ATTR_VALUES + 1);
    for (size_t a = 0; a < c->attrs.n; a++)
        w_put(w, c->attrs.v[a].values.entries, c->attrs.v[a].values.n * sizeof(sm_lexentry));
    w_end(w);
    w_begin(w, S_ATTR_VALUES + 2);
    for (size_t a = 0; a < c->attrs.n; a++)
        w_put(w, c->attrs.v[a].values.slots, c->attrs.v[a].values.nslots * sizeof(uint32_t));
    w_end(w);
    w_begin(w, S_ATTR_PARTS);
    for (size_t a = 0; a < c->attrs.n; a++) {
        const sm_lexicon *v = &c->attrs.v[a].values;
        uint64_t part[3] = {v->pool.n, v->n, v->nslots};
        w_put(w, part, sizeof part);
    }
    w_end(w);
    w_begin(w, S_ATTR_TOKENS); /* one value per token each: corpus_finish pads them */
    for (size_t a = 0; a < c->attrs.n; a++)
        w_put(w, c->attrs.v[a].tokens.v, c->tokens.n * sizeof(uint32_t));
    w_end(w);
    w_section(w, S_POST_AT, c->post_at, c->folds.n + 1);
    w_section(w, S_FOLD_DOCS, c->fold_docs, c->folds.n);
    w_section(w, S_TOKEN_RELS, NULL, 0); /* in section doc_frames since version 12 */
    w_section(w, S_TOKEN_BLOCKS, c->tokens.block, tokens_blocks(c->tokens.n));
    w_section(w, S_TOKEN_FORM_EXC, c->tokens.form_exc, c->tokens.nform_exc);
    w_section(w, S_TOKEN_OFF_EXC, c->tokens.off_exc, c->tokens.noff_exc);
    w_section(w, S_TEXT_PACKED, packed, packed ? nd : 0);
    free(packed);
    uint32_t *frames = calloc(nd ? nd : 1, sizeof *frames);
    if (!frames) w->err = ENOMEM;
    write_doc_frames(w, c, frames);
    w_section(w, S_DOC_PACKED, frames, frames ? nd : 0);
    free(frames);
}

static int write_all_at(int fd, const void *data, size_t n, off_t at) {
    const unsigned char *p = data;
    while (n) {
        ssize_t k = pwrite(fd, p, n, at);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return k < 0 ? errno : EIO;
        p += k;
        n -= (size_t)k;
        at += k;
    }
    return 0;
}

/* Creates a fresh temporary file beside `path` (mode 0666 less the umask, as a plain file
 * would get); its name goes to *tmp (malloc'd). Returns the descriptor, or -1 with errno set. */
static int create_temp(const char *path, char **tmp) {
    size_t n = strlen(path) + 64;
    char *name = malloc(n);
    if (!name) return -1;
    static unsigned counter;
    for (int attempt = 0; attempt < 100; attempt++) {
        snprintf(name, n, "%s.tmp-%ld-%u-%lx", path, (long)getpid(), counter++,
                 (unsigned long)time(NULL));
        int fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *tmp = name;
            return fd;
        }
        if (errno != EEXIST) break;
    }
    int e = errno;
    free(name);
    errno = e;
    return -1;
}

/* Makes the rename durable: fsync of the directory that holds path. Failure is not fatal (some
 * file systems refuse fsync on a directory); the file itself was synced. */
static void sync_parent(const char *path) {
    const char *slash = strrchr(path, '/');
    char *dir = NULL;
    if (slash) {
        size_t n = slash == path ? 1 : (size_t)(slash - path);
        dir = malloc(n + 1);
        if (!dir) return;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir ? dir : ".", O_RDONLY | O_CLOEXEC);
    free(dir);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int store_save(const sm_corpus *c, const char *path, const char *meta, size_t meta_n,
               sm_error *err) {
    if (!c->finished)
        return sm_errorf(err, "cannot save %s: the corpus is not finished (no index yet)", path);
    if (!host_is_little_endian())
        return sm_errorf(err, "cannot save %s: samtal corpus files need a little-endian host",
                         path);
    writer *w = malloc(sizeof *w);
    if (!w) return sm_errorf(err, "cannot save %s: out of memory", path);
    memset(w, 0, offsetof(writer, buf));
    char *tmp = NULL;
    w->fd = create_temp(path, &tmp);
    if (w->fd < 0) {
        int e = errno;
        free(w);
        return sm_errorf(err, "cannot save %s: %s", path, strerror(e));
    }
    /* header and directory are written last, once the checksums are known */
    static const unsigned char zeros[DIR_END] = {0};
    w_raw(w, zeros, sizeof zeros);
    write_sections(w, c, meta, meta_n);
    w_flush(w);
    if (!w->err) {
        file_header h;
        memset(&h, 0, sizeof h);
        memcpy(h.magic, magic, sizeof magic);
        h.version = STORE_VERSION;
        h.byte_order = BYTE_ORDER_TAG;
        h.file_size = w->off;
        h.nsections = S_COUNT;
        h.opt_invalid = (uint32_t)c->opts.invalid;
        h.opt_seg_flags = c->opts.seg_flags;
        h.dir_checksum = hash_bytes(w->dir, sizeof w->dir);
        h.header_checksum = hash_bytes(&h, offsetof(file_header, header_checksum));
        w->err = write_all_at(w->fd, &h, sizeof h, 0);
        if (!w->err) w->err = write_all_at(w->fd, w->dir, sizeof w->dir, sizeof h);
    }
    if (!w->err && fsync(w->fd) != 0) w->err = errno;
    if (close(w->fd) != 0 && !w->err) w->err = errno;
    if (!w->err && rename(tmp, path) != 0) w->err = errno;
    int e = w->err;
    free(w);
    if (e) {
        unlink(tmp);
        free(tmp);
        return sm_errorf(err, "cannot save %s: %s", path, strerror(e));
    }
    free(tmp);
    sync_parent(path);
    return 0;
}

/* ---- opening -------------------------------------------------------------------------------- */

typedef struct store_map {
    unsigned char *base;
    size_t size;
    char *path; /* for messages */
    sm_doc *docs;
    size_t ndocs;
    /* per document: its zstd frame in the mapping, NULL where its text is kept as it is (and
     * always before version 10); the text is decompressed the first time something reads it
     * (store_doc_text) to texts + texts_at[i]. `texts` has room for every compressed text, but
     * only what is written is ever faulted in, and in 2 MiB pages where the system grants them:
     * with a 4 KiB page at a time, faulting in the texts took four times as long as decompressing
     * them */
    const unsigned char **frames;
    const uint32_t *packed; /* section text_packed: each frame's size; NULL before version 10 */
    uint32_t lines_bit;     /* PACKED_LINES from version 11 on, else 0 */
    char *texts;
    size_t texts_room;
    uint64_t *texts_at;
    /* the lines of the documents whose lines come with their texts (PACKED_LINES), written as
     * each text is decompressed: reserved like the texts, document i's at lines + lines_at[i] */
    uint32_t *lines;
    size_t lines_room;
    uint64_t *lines_at;
    ZSTD_DCtx *dctx; /* made on the first frame decompressed, kept for the next */
    /* version 12 on, per document: its frame in section doc_frames (NULL for none) and its
     * size; once it is decompressed (store_check_doc; a bit in `unframed`), its layout turns and
     * segments lie at layouts + layouts_at[i] (the document's layout points there) and its token
     * offsets in `rels` (c->tokens.rel). Both are reserved at open, like the texts, and faulted
     * in as documents are decompressed. */
    const unsigned char **doc_frames;
    const uint32_t *doc_packed;
    uint8_t *unframed;
    unsigned char *layouts;
    size_t layouts_room;
    uint64_t *layouts_at;
    uint8_t *rels;
    size_t rels_room;
    unsigned char *frame_mem; /* a frame decompressed, before it is laid out */
    size_t frame_room;
    uint8_t *form_len;   /* each form's length modulo 256, made on the first frame decompressed */
    uint64_t ahead;      /* bytes of frames decompressed ahead last time (unframe_ahead) */
    uint32_t ahead_next; /* the document after those */
    sm_speaker *speakers;
    /* what has been checked since open: a bit per document (c->doc_checked points here), per
     * fold for its forms (the postings are checked as they are decoded) */
    uint8_t *doc_checked, *forms_checked;
    const char *meta; /* the metadata section (in the mapping; checked at open), or NULL */
    size_t meta_n;
    sm_attr *attrs; /* c->attrs.v: each attribute's lexicon and values point into the mapping */
} store_map;

/* What open is working on: the mapping, its directory, and where errors go. */
typedef struct opener {
    const char *path;
    sm_error *err;
    int fd; /* the file, for pread while checking */
    const unsigned char *base;
    size_t size;
    const file_section *dir;
    int nsec;         /* sections in this file's version (SECTIONS_OF) */
    uint32_t version; /* the file's format version */
} opener;

static int failf(const opener *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* "path: corrupt (...)" */
static int failf(const opener *o, const char *fmt, ...) {
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return sm_errorf(o->err, "%s: corrupt (%s)", o->path, what);
}

static const void *sec_data(const opener *o, int sec) {
    return o->base + o->dir[sec].offset;
}

static uint64_t sec_count(const opener *o, int sec) {
    return o->dir[sec].count;
}

static int check_checksum(const opener *o, int sec) {
    const file_section *s = &o->dir[sec];
    if (hash_bytes(o->base + s->offset, s->count * s->elsize) != s->checksum)
        return failf(o, "checksum mismatch in section %s", sections[sec].name);
    return 0;
}

/* Header, directory and section bounds: after this every section lies inside the file. */
static int check_frame(opener *o) {
    const file_header *h = (const file_header *)o->base;
    if (o->size < sizeof *h)
        return sm_errorf(o->err, "%s: truncated (%zu bytes, shorter than the %zu-byte header)",
                         o->path, o->size, sizeof *h);
    if (hash_bytes(h, offsetof(file_header, header_checksum)) != h->header_checksum)
        return failf(o, "header checksum mismatch");
    if (h->version > STORE_VERSION)
        return sm_errorf(o->err, "%s: format version %u, this samtal reads %d", o->path,
                         (unsigned)h->version, STORE_VERSION);
    if (h->version < STORE_OLDEST)
        return sm_errorf(o->err,
                         "%s: format version %u, older than %d, the oldest this samtal reads; save "
                         "it again from its transcripts",
                         o->path, (unsigned)h->version, STORE_OLDEST);
    o->nsec = SECTIONS_OF(h->version);
    o->version = h->version;
    size_t dir_end = sizeof(file_header) + (size_t)o->nsec * sizeof(file_section);
    if (h->byte_order != BYTE_ORDER_TAG)
        return sm_errorf(o->err, "%s: written with another byte order than this host's", o->path);
    if (h->file_size > o->size)
        return sm_errorf(o->err, "%s: truncated (%zu bytes of %llu)", o->path, o->size,
                         (unsigned long long)h->file_size);
    if (h->file_size < o->size)
        return failf(o, "%zu bytes, the header says %llu", o->size,
                     (unsigned long long)h->file_size);
    if (h->nsections != (uint32_t)o->nsec || h->flags != 0 || o->size < dir_end)
        return failf(o, "unexpected header fields");
    o->dir = (const file_section *)(o->base + sizeof *h);
    if (hash_bytes(o->dir, (size_t)o->nsec * sizeof *o->dir) != h->dir_checksum)
        return failf(o, "checksum mismatch in the section directory");
    /* sections follow one another with only the zero padding to 8 bytes between them, so every
     * byte of the file is covered by a checksum or known to be zero */
    uint64_t end = dir_end;
    for (int i = 0; i < o->nsec; i++) {
        const file_section *s = &o->dir[i];
        uint64_t at = (end + 7) & ~(uint64_t)7;
        if (s->id != (uint32_t)i || s->elsize != sections[i].elsize || s->offset != at ||
            s->offset > o->size || s->count > (o->size - s->offset) / s->elsize)
            return failf(o, "bad directory entry for section %s", sections[i].name);
        for (uint64_t k = end; k < at; k++)
            if (o->base[k]) return failf(o, "padding before section %s", sections[i].name);
        end = s->offset + s->count * s->elsize;
    }
    if (end != o->size) return failf(o, "bytes after the last section");
    return 0;
}

/* Sections are checked through pread() into small buffers, not through the mapping: the first
 * touch of a mapped page costs a page fault, reading the page cache does not, and the corpus's
 * arrays are then faulted in only as queries need them. The mapping and the reads see the same
 * pages: samtal never writes a saved file in place (store_save renames a new one over it). */
#define STREAM_BYTES (128 * 1024)

typedef struct stream {
    const opener *o;
    size_t elsize, cap; /* cap: whole elements that fit the buffer */
    uint64_t left;      /* elements not read yet */
    uint64_t off;       /* file offset of the next read */
    size_t n, at;       /* elements in the buffer, next one to hand out */
    int failed;         /* errno of a failed read, or EIO for a short one */
    unsigned char *buf; /* malloc'd apart, so its bytes may be read as any type */
} stream;

static void stream_close(stream *s) {
    if (s) free(s->buf);
    free(s);
}

/* A stream over `count` elements of section sec from element `first` on (in bounds). */
static stream *stream_part(const opener *o, int sec, uint64_t first, uint64_t count) {
    stream *s = malloc(sizeof *s);
    if (s && (s->buf = malloc(STREAM_BYTES)) == NULL) {
        free(s);
        s = NULL;
    }
    if (!s) return NULL;
    s->o = o;
    s->elsize = o->dir[sec].elsize;
    s->cap = STREAM_BYTES / s->elsize;
    s->left = count;
    s->off = o->dir[sec].offset + first * s->elsize;
    s->n = s->at = 0;
    s->failed = 0;
    return s;
}

static stream *stream_open(const opener *o, int sec) {
    return stream_part(o, sec, 0, o->dir[sec].count);
}

/* Reads the next buffer-full; 0 at the end or on a read error (then s->failed is set). */
static size_t stream_fill(stream *s) {
    size_t k = s->left < s->cap ? (size_t)s->left : s->cap, bytes = k * s->elsize, got = 0;
    while (got < bytes) {
        ssize_t r = pread(s->o->fd, s->buf + got, bytes - got, (off_t)(s->off + got));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) {
            s->failed = r < 0 ? errno : EIO;
            return s->n = s->at = 0;
        }
        got += (size_t)r;
    }
    s->off += bytes;
    s->left -= k;
    s->at = 0;
    return s->n = k;
}

/* The next run of elements (*p points at them), or 0 at the end. */
static size_t stream_chunk(stream *s, const void **p) {
    if (s->at == s->n && !stream_fill(s)) return 0;
    size_t k = s->n - s->at;
    *p = s->buf + s->at * s->elsize;
    s->at = s->n;
    return k;
}

/* The next element; NULL at the end. */
static const void *stream_get(stream *s) {
    if (s->at == s->n && !stream_fill(s)) return NULL;
    return s->buf + s->at++ * s->elsize;
}

static int read_failed(const opener *o, const stream *s) {
    return sm_errorf(o->err, "cannot read %s: %s", o->path, strerror(s->failed));
}

static int no_memory(const opener *o) {
    return sm_errorf(o->err, "%s: out of memory", o->path);
}

/* check_checksum for open: read with pread, so the small sections are not faulted in. */
static int check_checksum_read(const opener *o, int sec) {
    stream *st = stream_open(o, sec);
    if (!st) return no_memory(o);
    hasher h;
    hash_init(&h);
    const void *p;
    size_t k;
    while ((k = stream_chunk(st, &p)) > 0)
        hash_update(&h, p, k * st->elsize);
    int rc = st->failed ? read_failed(o, st) : 0;
    stream_close(st);
    if (rc == 0 && hash_final(&h) != o->dir[sec].checksum)
        rc = failf(o, "checksum mismatch in section %s", sections[sec].name);
    return rc;
}

/* Whether entry e follows entry p in the pool: it starts right after p's string and NUL, and
 * after p's start (so the sum did not wrap). */
static inline uint32_t entry_follows(const sm_lexentry *p, const sm_lexentry *e) {
    return (e->off == p->off + p->len + 1) & (e->off > p->off);
}

/* How many of e[0..n) follow one another, each the one before it (*prev before e[0], or, with
 * prev->len == UINT32_MAX, none: then e[0] starts the pool): n when all do. Checked pairwise in
 * blocks, without a running sum, so that compilers vectorise it. *prev gets the last good one. */
static size_t entries_follow(const sm_lexentry *e, size_t n, sm_lexentry *prev) {
    if (n == 0) return 0;
    if (prev->len == UINT32_MAX ? e[0].off != 0 : !entry_follows(prev, &e[0])) return 0;
    size_t j = 1;
    for (; j + 32 <= n; j += 32) {
        uint32_t ok = 1;
        for (size_t q = 0; q < 32; q++)
            ok &= entry_follows(&e[j + q - 1], &e[j + q]);
        if (!ok) break;
    }
    for (; j < n && entry_follows(&e[j - 1], &e[j]); j++) /* the rest, or the block that failed */
        ;
    *prev = e[j - 1];
    return j;
}

/* Over the slots v[0..n): whether any is above `max`, and how many are in use (not 0). */
static uint32_t scan_slots(const uint32_t *v, size_t n, uint32_t max, uint64_t *used) {
    uint32_t over = 0;
    uint64_t count = 0;
    size_t j = 0;
    for (; j + 64 <= n; j += 64) {
        uint32_t m = 0, c = 0;
        for (size_t q = 0; q < 64; q++) {
            m |= v[j + q] > max;
            c += v[j + q] != 0;
        }
        over |= m;
        count += c;
    }
    for (; j < n; j++) {
        over |= v[j] > max;
        count += v[j] != 0;
    }
    *used += count;
    return over;
}

/* A lexicon's arrays: entries laid end to end in the pool (each string and its NUL), which ends
 * in a NUL; slots a power of two with room to spare, each empty or naming an entry, every entry
 * once; and the table finds its first entry (which also catches a file written by a samtal whose
 * string hash differs). */
static int check_lexicon_part(const opener *o, int sec, const uint64_t at[3], const uint64_t len[3],
                              sm_lexicon *lx) {
    uint64_t pool = len[0], n = len[1], nslots = len[2];
    const char *s = (const char *)sec_data(o, sec) + at[0];
    if (n >= LEX_NONE || (nslots == 0 ? n != 0 : (nslots & (nslots - 1)) || nslots <= n))
        return failf(o, "section %s: %llu entries in a table of %llu", sections[sec + 2].name,
                     (unsigned long long)n, (unsigned long long)nslots);
    if (pool && s[pool - 1] != '\0')
        return failf(o, "section %s: not terminated", sections[sec].name);
    stream *st = stream_part(o, sec + 1, at[1], n);
    if (!st) return no_memory(o);
    sm_lexentry prev = {0, UINT32_MAX, 0}; /* none yet */
    uint64_t i = 0;
    int bad = 0;
    const sm_lexentry *e;
    size_t k;
    while (!bad && (k = stream_chunk(st, (const void **)&e)) > 0) {
        size_t good = entries_follow(e, k, &prev);
        i += good;
        bad = good < k;
    }
    int failed = st->failed;
    stream_close(st);
    if (failed) return sm_errorf(o->err, "cannot read %s: %s", o->path, strerror(failed));
    /* the last one ends where the pool does, so all lie in it */
    uint64_t end = n ? (uint64_t)prev.off + prev.len + 1 : 0;
    if (bad || end != pool)
        return failf(o, "section %s: entry %llu does not match the pool", sections[sec + 1].name,
                     (unsigned long long)(bad ? i : n));
    st = stream_part(o, sec + 2, at[2], nslots);
    if (!st) return no_memory(o);
    uint64_t used = 0;
    uint32_t over = 0;
    const uint32_t *v;
    while ((k = stream_chunk(st, (const void **)&v)) > 0)
        over |= scan_slots(v, k, (uint32_t)n, &used);
    failed = st->failed;
    stream_close(st);
    if (failed) return sm_errorf(o->err, "cannot read %s: %s", o->path, strerror(failed));
    if (over || used != n)
        return failf(o, "section %s: the table does not hold every entry once",
                     sections[sec + 2].name);
    lx->pool = (sm_buf){(char *)s, (size_t)pool, (size_t)pool};
    lx->entries = (sm_lexentry *)sec_data(o, sec + 1) + at[1];
    lx->n = lx->cap = (size_t)n;
    lx->slots = (uint32_t *)sec_data(o, sec + 2) + at[2];
    lx->nslots = (size_t)nslots;
    if (n && lex_find(lx, s, lx->entries[0].len) != 0)
        return failf(o, "section %s: the table does not find its own entries",
                     sections[sec + 2].name);
    return 0;
}

/* A lexicon that is the whole of its three sections. */
static int check_lexicon(const opener *o, int sec, sm_lexicon *lx) {
    const uint64_t at[3] = {0, 0, 0};
    const uint64_t len[3] = {sec_count(o, sec), sec_count(o, sec + 1), sec_count(o, sec + 2)};
    return check_lexicon_part(o, sec, at, len, lx);
}

/* Running positions in the per-document sections while the documents are walked. */
typedef struct cursor {
    uint64_t strings, text, map, lines, segs, rawturns, rawevents, participants, pages, names;
    uint64_t turns, events, tokens, sentences, frames;
} cursor;

/* Takes `n` elements of section sec from *at on: fails unless they are there. */
static int take(const opener *o, int sec, uint64_t *at, uint64_t n, uint64_t doc) {
    if (n > sec_count(o, sec) - *at)
        return failf(o, "document %llu runs past the end of section %s", (unsigned long long)doc,
                     sections[sec].name);
    *at += n;
    return 0;
}

/* The small per-document arrays of document i (from the sections checksummed at open): layout
 * events and participants inside the text and names, events in the document and its turns. */
static int check_doc_events(const opener *o, const file_doc *r, uint64_t i, const cursor *at) {
    uint32_t len = (uint32_t)r->text_len, nlen = (uint32_t)r->names_len;
    const sm_rawevent *res = (const sm_rawevent *)sec_data(o, S_RAWEVENTS) + at->rawevents;
    for (uint64_t k = 0; k < r->nrawevents; k++)
        if (res[k].start > res[k].end || res[k].end > len ||
            (res[k].turn != LAYOUT_NONE && res[k].turn >= r->nrawturns))
            return failf(o, "document %llu: layout event %llu out of range", (unsigned long long)i,
                         (unsigned long long)k);
    const sm_participant *ps =
        (const sm_participant *)sec_data(o, S_PARTICIPANTS) + at->participants;
    for (uint64_t k = 0; k < r->nparticipants; k++)
        if ((ps[k].kind != LAYOUT_NONE && ps[k].kind >= nlen) ||
            (ps[k].name != LAYOUT_NONE && ps[k].name >= nlen) ||
            (ps[k].role != LAYOUT_NONE && ps[k].role >= nlen))
            return failf(o, "document %llu: participant %llu out of range", (unsigned long long)i,
                         (unsigned long long)k);
    const sm_event *evs = (const sm_event *)sec_data(o, S_EVENTS) + r->event_first;
    for (uint32_t k = 0; k < r->event_count; k++) {
        const sm_event *e = &evs[k];
        if (e->doc != i || e->start > e->end || e->end - e->start < 2 || e->end > len ||
            (e->turn != SM_NONE &&
             (e->turn < r->turn_first || e->turn - r->turn_first >= r->turn_count)))
            return failf(o, "section events: event %llu out of range",
                         (unsigned long long)r->event_first + k);
    }
    return 0;
}

/* One document: its record r against the sections, and its small arrays; fills *d. Its turns,
 * layout turns, segments, tokens and sentences are checked on first use (store_check_doc). */
static int load_doc(const opener *o, const sm_corpus *c, const file_doc *r, uint64_t i, cursor *at,
                    uint32_t packed, sm_doc *d, const unsigned char **frame, uint32_t framed,
                    const unsigned char **layout_frame) {
    const char *strings = sec_data(o, S_STRINGS);
    if (r->path_len >= UINT64_MAX / 2 || r->name_len >= UINT64_MAX / 2 ||
        r->text_len >= UINT32_MAX || r->names_len >= UINT32_MAX || r->nsegs >= UINT32_MAX ||
        r->nrawturns >= UINT32_MAX)
        return failf(o, "document %llu: impossible sizes", (unsigned long long)i);
    if (r->nmap == 0 || r->nlines == 0 || r->title_start > r->title_end ||
        r->title_end > r->text_len || r->preamble_start > r->preamble_end ||
        r->preamble_end > r->text_len)
        return failf(o, "document %llu: bad text fields", (unsigned long long)i);
    /* a document with tokens has sentences (each turn starts one), and only then */
    if (r->turn_first != at->turns || r->turn_count > c->turns.n - at->turns ||
        r->event_first != at->events || r->event_count > c->events.n - at->events ||
        r->tok_first != at->tokens || r->tok_count > c->tokens.n - at->tokens ||
        r->sent_first != at->sentences || r->sent_count > c->sentences.n - at->sentences ||
        r->sent_count > r->tok_count || (r->sent_count == 0) != (r->tok_count == 0) ||
        r->turn_count > r->nrawturns)
        return failf(o,
                     "document %llu: its turns, events, tokens or sentences do not follow the "
                     "last's",
                     (unsigned long long)i);
    uint64_t s0 = at->strings;
    if (take(o, S_STRINGS, &at->strings, r->path_len + 1, i) ||
        take(o, S_STRINGS, &at->strings, r->name_len + 1, i))
        return -1;
    if (strings[s0 + r->path_len] || strings[s0 + r->path_len + 1 + r->name_len])
        return failf(o, "document %llu: its path or name is not terminated", (unsigned long long)i);
    cursor was = *at;
    int own_lines = o->version >= 11 && (packed & PACKED_LINES); /* found from the text */
    if (own_lines) packed &= ~PACKED_LINES;
    if (own_lines && !packed)
        return failf(o, "section text_packed: document %llu has lines from a text kept as it is",
                     (unsigned long long)i);
    if (own_lines && r->nlines > r->text_len + 1) /* the lines' room is reserved from these */
        return failf(o, "document %llu: more lines than its text can hold", (unsigned long long)i);
    /* version 12 on: the layout turns, segments and token offsets are in a frame of `framed`
     * bytes, and then only if there are any */
    int in_frame = o->nsec > S_DOC_PACKED;
    uint64_t unframed = frame_bytes(r->nrawturns, r->nsegs, r->tok_count);
    if (in_frame && (framed == 0) != (unframed == 0))
        return failf(o, "section doc_packed: document %llu has a frame of %u bytes for %llu",
                     (unsigned long long)i, framed, (unsigned long long)unframed);
    if (take(o, S_TEXT, &at->text, packed ? packed : r->text_len + 1, i) ||
        take(o, S_OFFMAP, &at->map, r->nmap, i) ||
        take(o, S_LINES, &at->lines, own_lines ? 0 : r->nlines, i) ||
        take(o, S_SEGS, &at->segs, in_frame ? 0 : r->nsegs, i) ||
        take(o, S_RAWTURNS, &at->rawturns, in_frame ? 0 : r->nrawturns, i) ||
        (in_frame && take(o, S_DOC_FRAMES, &at->frames, framed, i)) ||
        take(o, S_RAWEVENTS, &at->rawevents, r->nrawevents, i) ||
        take(o, S_PARTICIPANTS, &at->participants, r->nparticipants, i) ||
        take(o, S_PAGES, &at->pages, r->npages, i) ||
        take(o, S_NAMES, &at->names, r->names_len, i) || check_doc_events(o, r, i, &was))
        return -1;
    at->turns += r->turn_count;
    at->events += r->event_count;
    at->tokens += r->tok_count;
    at->sentences += r->sent_count;

    if (r->encoding != UINT32_MAX && r->encoding >= ENC_COUNT)
        return failf(o, "section documents: document %llu has an unknown encoding",
                     (unsigned long long)i);
    d->encoding = r->encoding == UINT32_MAX ? NULL : sm_encoding_names[r->encoding];
    d->path = (char *)strings + s0;
    d->name = (char *)strings + s0 + r->path_len + 1;
    const char *text = (const char *)sec_data(o, S_TEXT) + was.text;
    *frame = packed ? (const unsigned char *)text : NULL;
    d->text = (sm_text){packed ? NULL : (char *)text,
                        (size_t)r->text_len,
                        (sm_offpoint *)sec_data(o, S_OFFMAP) + was.map,
                        (size_t)r->nmap,
                        own_lines ? NULL : (uint32_t *)sec_data(o, S_LINES) + was.lines,
                        (size_t)r->nlines,
                        (size_t)r->source_len,
                        (size_t)r->replacements};
    sm_layout *l = &d->layout;
    /* in a frame: NULL until the document is checked, which decompresses them */
    *layout_frame = framed ? (const unsigned char *)sec_data(o, S_DOC_FRAMES) + was.frames : NULL;
    l->segs.v = in_frame ? NULL : (sm_segment *)sec_data(o, S_SEGS) + was.segs;
    l->segs.n = l->segs.cap = (size_t)r->nsegs;
    l->turns.v = in_frame ? NULL : (sm_rawturn *)sec_data(o, S_RAWTURNS) + was.rawturns;
    l->turns.n = l->turns.cap = (size_t)r->nrawturns;
    l->events.v = (sm_rawevent *)sec_data(o, S_RAWEVENTS) + was.rawevents;
    l->events.n = l->events.cap = (size_t)r->nrawevents;
    l->participants.v = (sm_participant *)sec_data(o, S_PARTICIPANTS) + was.participants;
    l->participants.n = l->participants.cap = (size_t)r->nparticipants;
    l->pages.v = (uint32_t *)sec_data(o, S_PAGES) + was.pages;
    l->pages.n = l->pages.cap = (size_t)r->npages;
    l->names = (sm_buf){(char *)sec_data(o, S_NAMES) + was.names, (size_t)r->names_len,
                        (size_t)r->names_len};
    l->title_start = r->title_start;
    l->title_end = r->title_end;
    l->preamble_start = r->preamble_start;
    l->preamble_end = r->preamble_end;
    d->turn_first = r->turn_first;
    d->turn_count = r->turn_count;
    d->event_first = r->event_first;
    d->event_count = r->event_count;
    d->tok_first = r->tok_first;
    d->tok_count = r->tok_count;
    d->sent_first = r->sent_first;
    d->sent_count = r->sent_count;
    d->words = r->words;
    return 0;
}

/* The documents, walked in order with the sections they own. */
static int load_docs(const opener *o, sm_corpus *c, store_map *m) {
    uint64_t nd = sec_count(o, S_DOCS);
    if (o->nsec > S_TEXT_PACKED) {
        if (sec_count(o, S_TEXT_PACKED) != nd)
            return failf(o, "section text_packed: %llu entries for %llu documents",
                         (unsigned long long)sec_count(o, S_TEXT_PACKED), (unsigned long long)nd);
        m->packed = sec_data(o, S_TEXT_PACKED); /* checksummed at open with the small ones */
        m->lines_bit = o->version >= 11 ? PACKED_LINES : 0;
    }
    if (o->nsec > S_DOC_PACKED) {
        if (sec_count(o, S_DOC_PACKED) != nd)
            return failf(o, "section doc_packed: %llu entries for %llu documents",
                         (unsigned long long)sec_count(o, S_DOC_PACKED), (unsigned long long)nd);
        m->doc_packed = sec_data(o, S_DOC_PACKED); /* checksummed at open with the small ones */
        m->doc_frames = calloc(nd ? (size_t)nd : 1, sizeof *m->doc_frames);
        m->unframed = calloc((size_t)nd / 8 + 1, 1);
        m->layouts_at = malloc(nd ? (size_t)nd * sizeof *m->layouts_at : 1);
        if (!m->doc_frames || !m->unframed || !m->layouts_at) return no_memory(o);
    }
    m->docs = vec_zalloc_big((size_t)nd * sizeof *m->docs);
    m->frames = calloc(nd ? (size_t)nd : 1, sizeof *m->frames);
    m->ndocs = (size_t)nd;
    stream *st = stream_open(o, S_DOCS); /* the records are read, not mapped: not needed later */
    if (!m->docs || !m->frames || !st) {
        stream_close(st);
        return no_memory(o);
    }
    cursor at;
    memset(&at, 0, sizeof at);
    int rc = 0;
    for (uint64_t i = 0; rc == 0 && i < nd; i++) {
        const file_doc *r = stream_get(st);
        const unsigned char *unused;
        rc = r ? load_doc(o, c, r, i, &at, m->packed ? m->packed[i] : 0, &m->docs[i], &m->frames[i],
                          m->doc_packed ? m->doc_packed[i] : 0,
                          m->doc_frames ? &m->doc_frames[i] : &unused)
               : read_failed(o, st);
    }
    stream_close(st);
    if (rc) return -1;
    if (m->doc_frames) { /* room for the layouts, once decompressed */
        uint64_t room = 0;
        for (uint64_t i = 0; i < nd; i++) {
            m->layouts_at[i] = room;
            room += (uint64_t)m->docs[i].layout.turns.n * sizeof(sm_rawturn) +
                    (uint64_t)m->docs[i].layout.segs.n * sizeof(sm_segment);
            room = (room + 7) & ~(uint64_t)7; /* the next one's layout turns hold a double */
        }
        if (room > SIZE_MAX || (room && (m->layouts = vec_map((size_t)room, 1)) == NULL))
            return no_memory(o);
        m->layouts_room = (size_t)room;
    }
    if (m->packed) { /* room for the compressed texts, and the lines they give, once decompressed */
        uint64_t room = 0, lines = 0;
        m->texts_at = malloc(nd ? (size_t)nd * sizeof *m->texts_at : 1);
        m->lines_at = malloc(nd ? (size_t)nd * sizeof *m->lines_at : 1);
        if (!m->texts_at || !m->lines_at) return no_memory(o);
        for (uint64_t i = 0; i < nd; i++) {
            m->texts_at[i] = room;
            m->lines_at[i] = lines;
            if (m->frames[i]) room += m->docs[i].text.len + 1;
            if (!m->docs[i].text.lines) lines += m->docs[i].text.nlines;
        }
        /* the room is only reserved (so a corpus whose texts would not all fit in memory still
         * opens) and faulted in as texts are written, in 2 MiB pages where granted */
        if (room > SIZE_MAX || (room && (m->texts = vec_map((size_t)room, 1)) == NULL))
            return no_memory(o);
        m->texts_room = (size_t)room;
        if (lines > SIZE_MAX / sizeof *m->lines ||
            (lines && (m->lines = vec_map((size_t)lines * sizeof *m->lines, 1)) == NULL))
            return no_memory(o);
        m->lines_room = (size_t)lines * sizeof *m->lines;
    }
    /* every element of every section belongs to a document; nothing is left over */
    if (at.strings != sec_count(o, S_STRINGS) || at.text != sec_count(o, S_TEXT) ||
        at.map != sec_count(o, S_OFFMAP) || at.lines != sec_count(o, S_LINES) ||
        at.segs != sec_count(o, S_SEGS) || at.rawturns != sec_count(o, S_RAWTURNS) ||
        at.rawevents != sec_count(o, S_RAWEVENTS) ||
        at.participants != sec_count(o, S_PARTICIPANTS) || at.pages != sec_count(o, S_PAGES) ||
        at.names != sec_count(o, S_NAMES) || at.turns != c->turns.n || at.events != c->events.n ||
        at.tokens != c->tokens.n || at.sentences != c->sentences.n ||
        (o->nsec > S_DOC_PACKED && at.frames != sec_count(o, S_DOC_FRAMES)))
        return failf(o, "the documents do not account for every section");
    c->docs.v = m->docs;
    c->docs.n = c->docs.cap = (size_t)nd;
    return 0;
}

/* form_info: a fold and a kind per form. */
static int check_form_info(const opener *o, const sm_corpus *c) {
    if (sec_count(o, S_FORM_INFO) != c->forms.n) return failf(o, "section form_info: wrong count");
    stream *st = stream_open(o, S_FORM_INFO);
    if (!st) return no_memory(o);
    const sm_form *f;
    size_t k;
    uint32_t bad = 0, nfolds = (uint32_t)c->folds.n;
    while ((k = stream_chunk(st, (const void **)&f)) > 0)
        for (size_t j = 0; j < k; j++)
            bad |= (f[j].fold >= nfolds) | (f[j].kind >= KIND_COUNT);
    int failed = st->failed;
    stream_close(st);
    if (failed) return sm_errorf(o->err, "cannot read %s: %s", o->path, strerror(failed));
    if (bad) return failf(o, "section form_info: a fold or kind out of range");
    return 0;
}

/* A VRT's positional attributes (version 7 on): the names' lexicon, each attribute's values'
 * lexicon (its part of the value sections, sized by attr_parts) and its value of every token
 * (checked a document at a time, with the document: store_check_doc). */
static int load_attrs(const opener *o, sm_corpus *c, store_map *m) {
    if (check_lexicon(o, S_ATTR_NAMES, &c->attr_names)) return -1;
    uint64_t na = c->attr_names.n;
    if (sec_count(o, S_ATTR_PARTS) != 3 * na)
        return failf(o, "section attr_parts: %llu sizes for %llu attributes",
                     (unsigned long long)sec_count(o, S_ATTR_PARTS), (unsigned long long)na);
    if (sec_count(o, S_ATTR_TOKENS) != na * c->tokens.n)
        return failf(o, "section attr_tokens: %llu values for %llu attributes of %zu tokens",
                     (unsigned long long)sec_count(o, S_ATTR_TOKENS), (unsigned long long)na,
                     c->tokens.n);
    m->attrs = calloc(na ? (size_t)na : 1, sizeof *m->attrs);
    if (!m->attrs) return no_memory(o);
    const uint64_t *parts = sec_data(o, S_ATTR_PARTS);
    uint64_t at[3] = {0, 0, 0};
    for (uint64_t a = 0; a < na; a++) {
        uint64_t len[3];
        for (int k = 0; k < 3; k++) {
            len[k] = parts[3 * a + k];
            if (len[k] > sec_count(o, S_ATTR_VALUES + k) - at[k])
                return failf(o, "section attr_parts: attribute %llu runs past section %s",
                             (unsigned long long)a, sections[S_ATTR_VALUES + k].name);
        }
        if (check_lexicon_part(o, S_ATTR_VALUES, at, len, &m->attrs[a].values)) return -1;
        for (int k = 0; k < 3; k++)
            at[k] += len[k];
        m->attrs[a].tokens.v = (uint32_t *)sec_data(o, S_ATTR_TOKENS) + a * c->tokens.n;
        m->attrs[a].tokens.n = m->attrs[a].tokens.cap = c->tokens.n;
    }
    for (int k = 0; k < 3; k++)
        if (at[k] != sec_count(o, S_ATTR_VALUES + k))
            return failf(o, "section attr_parts: the sizes do not add up to section %s",
                         sections[S_ATTR_VALUES + k].name);
    c->attrs.v = m->attrs;
    c->attrs.n = c->attrs.cap = (size_t)na;
    return 0;
}

/* Points c into the mapping. Checks what every query relies on (the lexicons, form_info, the
 * document records, the small sections) and the counts of the rest; the contents of the big
 * per-token and per-turn arrays are checked as they are used (store_check_doc and below). */
static int load_corpus(const opener *o, sm_corpus *c, store_map *m) {
    uint64_t nd = sec_count(o, S_DOCS), ntokens = sec_count(o, S_TOKENS);
    if (nd >= SM_NONE || sec_count(o, S_TURNS) >= SM_NONE || sec_count(o, S_EVENTS) >= SM_NONE ||
        ntokens >= SM_NONE)
        return failf(o, "more elements than ids");
    for (int s = 0; s < o->nsec; s++)
        if (!sections[s].bulk && check_checksum_read(o, s)) return -1;
    /* the string sections end in a NUL, so no string read from them can run past them (the
     * metadata is bytes with lengths, which only the Lua layer reads, as a Lua string, and the
     * postings are numbers whose bytes index_decode reads within each fold's range) */
    for (int s = 0; s < o->nsec; s++)
        if (sections[s].elsize == 1 && s != S_METADATA && s != S_POSTINGS && s != S_TOKEN_RELS &&
            s != S_DOC_FRAMES &&
            s != S_TEXT && /* compressed texts end in no NUL: each text is checked on first use */
            sec_count(o, s) && ((const char *)sec_data(o, s))[sec_count(o, s) - 1] != '\0')
            return failf(o, "section %s: not terminated", sections[s].name);
    if (check_lexicon(o, S_FORMS, &c->forms) || check_lexicon(o, S_FOLDS, &c->folds) ||
        check_lexicon(o, S_SPEAKER_NAMES, &c->speaker_names))
        return -1;

    if (check_form_info(o, c)) return -1;
    c->form_info.v = (sm_form *)sec_data(o, S_FORM_INFO);
    c->form_info.n = c->form_info.cap = c->forms.n;
    int in_frames = o->nsec > S_DOC_PACKED; /* the offsets: in section doc_frames */
    if (sec_count(o, S_TOKEN_RELS) != (in_frames ? 0 : ntokens))
        return failf(o, "section token_offsets: wrong count");
    if (sec_count(o, S_TOKEN_BLOCKS) != tokens_blocks(ntokens))
        return failf(o, "section token_blocks: wrong count");
    /* the rest stays 0: store_close frees none of it */
    c->tokens.form = (uint16_t *)sec_data(o, S_TOKENS);
    if (in_frames) { /* reserved, written as each document is checked */
        if (ntokens && (m->rels = vec_map((size_t)ntokens, 1)) == NULL) return no_memory(o);
        m->rels_room = (size_t)ntokens;
        c->tokens.rel = m->rels;
    } else {
        c->tokens.rel = (uint8_t *)sec_data(o, S_TOKEN_RELS);
    }
    c->tokens.block = (sm_tokblock *)sec_data(o, S_TOKEN_BLOCKS);
    c->tokens.form_exc = (uint32_t *)sec_data(o, S_TOKEN_FORM_EXC);
    c->tokens.off_exc = (uint32_t *)sec_data(o, S_TOKEN_OFF_EXC);
    c->tokens.n = (size_t)ntokens;
    c->tokens.nform_exc = (size_t)sec_count(o, S_TOKEN_FORM_EXC);
    c->tokens.noff_exc = (size_t)sec_count(o, S_TOKEN_OFF_EXC);
    if (o->nsec > S_ATTR_TOKENS && load_attrs(o, c, m)) return -1;

    /* the ends of the index arrays; each fold's part is checked when it is used */
    uint64_t nsent = sec_count(o, S_SENTENCES);
    if (nsent > ntokens) return failf(o, "section sentences: wrong count");
    const uint32_t *ps = sec_data(o, S_POST_START);
    if (sec_count(o, S_POST_START) != (uint64_t)c->folds.n + 1 || ps[0] != 0 ||
        ps[c->folds.n] != ntokens)
        return failf(o, "section post_start: wrong counts");
    const uint64_t *pa = sec_data(o, S_POST_AT);
    if (sec_count(o, S_POST_AT) != (uint64_t)c->folds.n + 1 || pa[0] != 0 ||
        pa[c->folds.n] != sec_count(o, S_POSTINGS))
        return failf(o, "section post_at: wrong counts");
    if (sec_count(o, S_FOLD_DOCS) != c->folds.n) return failf(o, "section fold_docs: wrong count");
    const uint32_t *ffs = sec_data(o, S_FOLD_FORMS_START);
    if (sec_count(o, S_FOLD_FORMS_START) != (uint64_t)c->folds.n + 1 || ffs[0] != 0 ||
        ffs[c->folds.n] != c->forms.n || sec_count(o, S_FOLD_FORMS) != c->forms.n)
        return failf(o, "section fold_forms_start: wrong counts");
    c->sentences.v = (uint32_t *)sec_data(o, S_SENTENCES);
    c->sentences.n = c->sentences.cap = (size_t)nsent;
    c->post_start = (uint32_t *)ps;
    c->post_at = (uint64_t *)pa;
    c->fold_docs = (uint32_t *)sec_data(o, S_FOLD_DOCS);
    c->post_bytes = (uint8_t *)sec_data(o, S_POSTINGS);
    c->fold_forms_start = (uint32_t *)ffs;
    c->fold_forms = (uint32_t *)sec_data(o, S_FOLD_FORMS);

    uint64_t nspeakers = sec_count(o, S_SPEAKERS);
    if (nspeakers != c->speaker_names.n) return failf(o, "section speakers: wrong count");
    m->speakers = vec_zalloc_big((size_t)nspeakers * sizeof *m->speakers);
    if (!m->speakers) return no_memory(o);
    const file_speaker *fs = sec_data(o, S_SPEAKERS);
    for (uint64_t s = 0; s < nspeakers; s++) {
        if (fs[s].first_doc != SM_NONE && fs[s].first_doc >= nd)
            return failf(o, "section speakers: speaker %llu out of range", (unsigned long long)s);
        m->speakers[s] = (sm_speaker){fs[s].turns, fs[s].words, fs[s].first_doc};
    }
    c->speakers.v = m->speakers;
    c->speakers.n = c->speakers.cap = (size_t)nspeakers;

    c->turns.v = (sm_turn *)sec_data(o, S_TURNS);
    c->turns.n = c->turns.cap = (size_t)sec_count(o, S_TURNS);
    if (o->nsec > S_TURN_STOPS) { /* version 5 on: none, or a stop time per turn */
        uint64_t nstops = sec_count(o, S_TURN_STOPS);
        if (nstops != 0 && nstops != c->turns.n)
            return failf(o, "section turn_stops: %llu stop times for %zu turns",
                         (unsigned long long)nstops, c->turns.n);
        c->turn_stops.v = (double *)sec_data(o, S_TURN_STOPS);
        c->turn_stops.n = c->turn_stops.cap = (size_t)nstops;
    }
    if (o->nsec > S_TOKEN_TIMES) { /* version 6 on: none, or a start and stop per token */
        uint64_t ntimes = sec_count(o, S_TOKEN_TIMES);
        if (ntimes != 0 && ntimes != c->tokens.n)
            return failf(o, "section token_times: %llu times for %zu tokens",
                         (unsigned long long)ntimes, c->tokens.n);
        c->token_times.v = (sm_times *)sec_data(o, S_TOKEN_TIMES);
        c->token_times.n = c->token_times.cap = (size_t)ntimes;
    }
    c->events.v = (sm_event *)sec_data(o, S_EVENTS);
    c->events.n = c->events.cap = (size_t)sec_count(o, S_EVENTS);
    if (load_docs(o, c, m)) return -1;
    m->doc_checked = calloc(nd / 8 + 1, 1);
    m->forms_checked = calloc(c->folds.n / 8 + 1, 1);
    if (!m->doc_checked || !m->forms_checked) return no_memory(o);
    c->doc_checked = m->doc_checked;
    return 0;
}

/* ---- checking on first use ------------------------------------------------------------------ */

int store_corrupt(const sm_corpus *c, sm_error *err, const char *fmt, ...) {
    const store_map *m = c->store;
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return sm_errorf(err, "%s: corrupt (%s)", m ? m->path : "corpus", what);
}

/* The frame of a text not decompressed: in the mapping, or in memory (textpack.h). */
static const unsigned char *doc_frame(const sm_corpus *c, size_t doc, uint32_t *bytes) {
    const store_map *m = c->store;
    if (!m) {
        *bytes = c->docs.v[doc].frame_len;
        return c->docs.v[doc].frame;
    }
    if (!m->frames || !m->frames[doc]) return NULL;
    *bytes = m->packed[doc] & ~m->lines_bit;
    return m->frames[doc];
}

static int bit_test(const uint8_t *bits, uint32_t i) {
    return (bits[i >> 3] >> (i & 7)) & 1;
}

static void bit_set(uint8_t *bits, uint32_t i) {
    bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

/* Over the tokens [first, end) (end > first) of the packed stream t: 1 if a form id is nforms or
 * more, 2 if an offset is past len, 4 if a block's escaped forms or wide offsets point outside
 * their arrays; any sum of those. Whole blocks are checked (a block may start in the document
 * before), so every read tokens_form and tokens_off make for these tokens stays in the mapping. */
static uint32_t tokens_out_of_range(const sm_tokens *t, size_t first, size_t end, uint32_t nforms,
                                    uint32_t len) {
    uint32_t bad = 0;
    size_t b_first = first >> TOK_BLOCK_SHIFT, b_end = tokens_blocks(end);
    for (size_t b = b_first; b < b_end; b++) {
        const sm_tokblock *bl = &t->block[b];
        size_t from = b << TOK_BLOCK_SHIFT, to = from + TOK_BLOCK;
        if (to > t->n) to = t->n;
        size_t escapes_end = b + 1 < tokens_blocks(t->n) ? bl[1].form_at : t->nform_exc;
        if (bl->form_at > escapes_end || escapes_end > t->nform_exc) return bad | 4;
        uint32_t escapes = (uint32_t)(escapes_end - bl->form_at);
        if (bl->base == TOK_WIDE &&
            (bl->off_at > t->noff_exc || t->noff_exc - bl->off_at < (size_t)TOK_BLOCK))
            return bad | 4;
        /* only this document's tokens must lie in its text */
        size_t lo = from < first ? first : from, hi = to > end ? end : to;
        for (size_t i = from; i < to; i++) {
            uint32_t f = t->form[i];
            if (f >= TOK_FORM_ESCAPE) {
                if (f - TOK_FORM_ESCAPE >= escapes) return bad | 4;
                f = t->form_exc[bl->form_at + (f - TOK_FORM_ESCAPE)];
            }
            bad |= (i >= lo && i < hi && f >= nforms);
        }
        if (bl->base == TOK_WIDE) {
            for (size_t i = lo; i < hi; i++)
                bad |= (t->off_exc[bl->off_at + (i - from)] > len) << 1;
        } else {
            uint32_t most = 0;
            for (size_t i = lo; i < hi; i++)
                most = t->rel[i] > most ? t->rel[i] : most;
            bad |= (bl->base > len || most > len - bl->base) << 1;
        }
    }
    return bad;
}

/* Decompresses document i's text from its frame (section text_packed gave its size) into memory
 * of its own, with a NUL after it as a text kept as it is has. */
static int decompress_text(store_map *m, ZSTD_DCtx *dx, uint32_t i, const char **why) {
    sm_text *t = &m->docs[i].text;
    char *s = m->texts + m->texts_at[i];
    if (textpack_decompress(dx, m->frames[i], m->packed[i] & ~m->lines_bit, s, t->len, why))
        return -1;
    if (!t->lines) { /* its lines are the text's own (PACKED_LINES) */
        if (text_fill_lines(s, t->len, NULL) != t->nlines) {
            *why = "its lines are not as many as its record says";
            return -1;
        }
        t->lines = m->lines + m->lines_at[i];
        text_fill_lines(s, t->len, t->lines);
    }
    t->s = s;
    return 0;
}

static int unpack_text(const sm_corpus *c, uint32_t i, sm_error *err) {
    store_map *m = c->store;
    if (!m->dctx && (m->dctx = ZSTD_createDCtx()) == NULL)
        return sm_errorf(err, "%s: out of memory for the text of document %u", m->path, i);
    const char *why;
    if (decompress_text(m, m->dctx, i, &why))
        return store_corrupt(c, err, "section text: document %u does not decompress (%s)", i, why);
    return 0;
}

/* Texts decompressed ahead on every core: part p takes a slice of the documents, with a
 * context of its own, and writes only their texts and sm_text.s. */
typedef struct unpack_job {
    store_map *m;
    const uint32_t *docs; /* NULL: documents 0 .. n-1 */
    size_t n;
    unsigned nparts;
} unpack_job;

static void unpack_part(void *arg, unsigned part) {
    unpack_job *j = arg;
    ZSTD_DCtx *dx = ZSTD_createDCtx();
    if (!dx) return; /* left to store_doc_text, which says so */
    for (size_t k = j->n * part / j->nparts; k < j->n * (part + 1) / j->nparts; k++) {
        uint32_t i = j->docs ? j->docs[k] : (uint32_t)k;
        const char *why;
        if (!j->m->docs[i].text.s && j->m->frames[i])
            decompress_text(j->m, dx, i, &why); /* a damaged one stays compressed, for the error */
    }
    ZSTD_freeDCtx(dx);
}

void store_prefetch_texts(const sm_corpus *c, const uint32_t *docs, size_t n) {
    store_map *m = c->store;
    if (!m || !m->packed || n < 2) return;
    unpack_job j = {m, docs, n, 0};
    unsigned threads = parallel_threads();
    j.nparts = n < 4 * (size_t)threads ? (unsigned)n : 4 * threads;
    parallel_run(j.nparts, unpack_part, &j);
}

int store_doc_text(const sm_corpus *c, uint32_t doc, sm_error *err) {
    const store_map *m = c->store;
    if (!m || doc >= m->ndocs || c->docs.v[doc].text.s) return 0;
    return unpack_text(c, doc, err);
}

/* Decompresses document i's frame in section doc_frames: its layout turns and segments to memory
 * of their own, its token offsets to c->tokens.rel (see S_DOC_FRAMES). */
/* Decompresses document i's frame with dx through the scratch buffer *buf (*room bytes, grown
 * as needed) and lays it out; writes only document i's layout pointers, layout and offsets, so
 * threads may run it on different documents at once. 0; -1 with *why if the frame is corrupt;
 * -2 if memory ran out. m->form_len must be made. */
static int unframe_doc(const sm_corpus *c, uint32_t i, ZSTD_DCtx *dx, unsigned char **buf,
                       size_t *room, const char **why) {
    store_map *m = c->store;
    sm_doc *d = &m->docs[i];
    sm_layout *l = &d->layout;
    size_t nt = l->turns.n, ns = l->segs.n;
    size_t n = (size_t)frame_bytes(nt, ns, d->tok_count); /* under 2^32 * 34 (load_doc) */
    if (n > *room) {
        free(*buf);
        *room = 0;
        if ((*buf = malloc(n + 1)) == NULL) return -2;
        *room = n;
    }
    if (textpack_decompress(dx, m->doc_frames[i], m->doc_packed[i], (char *)*buf, n, why))
        return -1;
    const unsigned char *in = *buf;
    sm_rawturn *t = (sm_rawturn *)(m->layouts + m->layouts_at[i]);
    sm_segment *g = (sm_segment *)((unsigned char *)t + nt * sizeof *t);
    in = get_column(in, &t->speaker, sizeof *t, nt, 0);
    in = get_column(in, &t->seg_first, sizeof *t, nt, 1);
    in = get_column(in, &t->seg_count, sizeof *t, nt, 0);
    in = get_column(in, &t->label, sizeof *t, nt, 1);
    for (size_t k = 0; k < nt; k++, in += 8)
        memcpy(&t[k].start, in, 8);
    in = get_column(in, &g->start, sizeof *g, ns, 1);
    for (size_t k = 0; k < ns; k++, in += 4) {
        uint32_t width;
        memcpy(&width, in, 4);
        g[k].end = g[k].start + width;
    }
    for (size_t k = 0; k < ns; k++)
        g[k].sep = *in++;
    /* each token's offset from the one before and its form's length (modulo 256; 0 for a form
     * id of no form, as layout_fill takes it) */
    const sm_tokens *tk = &c->tokens;
    uint8_t *rel = m->rels;
    uint32_t nforms = (uint32_t)c->forms.n;
    uint8_t r = 0; /* rel[k - 1], kept out of memory: each offset follows from the one before */
    for (size_t k = d->tok_first, end = k + d->tok_count; k < end; k++) {
        if (k == d->tok_first || !(k & (TOK_BLOCK - 1))) {
            rel[k] = r = *in++;
            continue;
        }
        uint32_t f = form_or_none(tk, k - 1, nforms);
        rel[k] = r = (uint8_t)(r + (f < nforms ? m->form_len[f] : 0) + *in++);
    }
    l->turns.v = t;
    l->segs.v = g;
    return 0;
}

/* Checks document i's arrays (store_check_doc, which marks it checked after): reads only the
 * document and the sections open checked, writes only its slots of c->turn_samples. */
static int check_doc_arrays(const sm_corpus *c, uint32_t i, sm_error *err);

/* Documents whose frames are decompressed (and that are checked) ahead of the one asked for, on
 * every core: a query that reads a corpus in order asks for document after document. */
typedef struct unframe_job {
    const sm_corpus *c;
    const uint32_t *docs;
    size_t n;
    unsigned nparts;
    uint8_t *done; /* per document of docs: 1 once laid out, 2 once checked too (the bits are set
                    * after the join) */
} unframe_job;

static void unframe_part(void *arg, unsigned part) {
    unframe_job *j = arg;
    ZSTD_DCtx *dx = ZSTD_createDCtx();
    unsigned char *buf = NULL;
    size_t room = 0;
    const char *why;
    for (size_t k = j->n * part / j->nparts; dx && k < j->n * (part + 1) / j->nparts; k++) {
        sm_error err;
        j->done[k] = unframe_doc(j->c, j->docs[k], dx, &buf, &room, &why) == 0;
        if (j->done[k] && check_doc_arrays(j->c, j->docs[k], &err) == 0) j->done[k] = 2;
    }
    /* one that failed is left to store_check_doc, which says why */
    free(buf);
    ZSTD_freeDCtx(dx);
}

/* How far ahead frames are decompressed: the bytes they hold, doubled from one document on
 * while documents are asked for in order. */
#define UNFRAME_AHEAD_MAX ((uint64_t)16 << 20)
#define UNFRAME_AHEAD_DOCS 1024

static void unframe_ahead(const sm_corpus *c, uint32_t i) {
    store_map *m = c->store;
    m->ahead = i == m->ahead_next && m->ahead ? m->ahead * 2 : 0;
    if (m->ahead > UNFRAME_AHEAD_MAX) m->ahead = UNFRAME_AHEAD_MAX;
    uint32_t docs[UNFRAME_AHEAD_DOCS];
    uint8_t done[UNFRAME_AHEAD_DOCS];
    size_t n = 0;
    uint64_t bytes = 0;
    uint32_t k = i;
    for (; k < m->ndocs && n < UNFRAME_AHEAD_DOCS && (n == 0 || bytes < m->ahead); k++) {
        if (!m->doc_frames[k] || bit_test(m->unframed, k)) continue;
        docs[n++] = k;
        bytes +=
            frame_bytes(m->docs[k].layout.turns.n, m->docs[k].layout.segs.n, m->docs[k].tok_count);
    }
    if (!m->ahead) m->ahead = bytes ? bytes : 1;
    m->ahead_next = k;
    if (n < 2) return; /* one document: store_check_doc's own path */
    unsigned threads = parallel_threads();
    unframe_job j = {c, docs, n, 0, done};
    j.nparts = n < 2 * (size_t)threads ? (unsigned)n : 2 * threads;
    parallel_run(j.nparts, unframe_part, &j);
    for (size_t q = 0; q < n; q++) {
        if (done[q]) bit_set(m->unframed, docs[q]);
        if (done[q] == 2) bit_set(m->doc_checked, docs[q]);
    }
}

/* Decompresses document i's frame in section doc_frames: its layout turns and segments to their
 * room in m->layouts, its token offsets to c->tokens.rel (see S_DOC_FRAMES); with those after it
 * when documents are read in order. */
static int unpack_layout(const sm_corpus *c, uint32_t i, sm_error *err) {
    store_map *m = c->store;
    if (!m->form_len && (m->form_len = malloc(c->forms.n ? c->forms.n : 1)) != NULL)
        for (size_t f = 0; f < c->forms.n; f++)
            m->form_len[f] = (uint8_t)c->forms.entries[f].len;
    if (!m->form_len || (!m->dctx && (m->dctx = ZSTD_createDCtx()) == NULL))
        return sm_errorf(err, "%s: out of memory for the layout of document %u", m->path, i);
    unframe_ahead(c, i);
    if (bit_test(m->unframed, i)) return 0;
    const char *why;
    int rc = unframe_doc(c, i, m->dctx, &m->frame_mem, &m->frame_room, &why);
    if (rc == -2)
        return sm_errorf(err, "%s: out of memory for the layout of document %u", m->path, i);
    if (rc)
        return store_corrupt(c, err, "section doc_frames: document %u does not decompress (%s)", i,
                             why);
    bit_set(m->unframed, i);
    return 0;
}

/* The frame of a document's layout and token offsets in the mapping, where it was never
 * decompressed (version 12 on), else NULL. */
static const unsigned char *doc_layout_frame(const sm_corpus *c, size_t doc, uint32_t *bytes) {
    const store_map *m = c->store;
    if (!m || !m->doc_frames || !m->doc_frames[doc] || bit_test(m->unframed, (uint32_t)doc))
        return NULL;
    *bytes = m->doc_packed[doc];
    return m->doc_frames[doc];
}

/* Document i, before anything of it is read: its layout (segments inside the text, layout turns
 * on its segments and names), its turns (in order, each in the document and on its layout turn,
 * with a known speaker, together covering its tokens exactly), its tokens' form ids and offsets
 * (inside its text) and its sentence starts (from its first token, strictly ascending, inside
 * it). After this nothing read from the document can leave the mapping, whatever the bytes are. */
int store_check_doc(const sm_corpus *c, uint32_t i, sm_error *err) {
    store_map *m = c->store;
    if (!m || i >= c->docs.n || bit_test(m->doc_checked, i)) return 0;
    if (m->doc_frames && m->doc_frames[i] && !bit_test(m->unframed, i) && unpack_layout(c, i, err))
        return -1;
    if (bit_test(m->doc_checked, i)) return 0; /* checked ahead with its frame */
    if (check_doc_arrays(c, i, err)) return -1;
    bit_set(m->doc_checked, i);
    return 0;
}

static int check_doc_arrays(const sm_corpus *c, uint32_t i, sm_error *err) {
    const sm_doc *d = &c->docs.v[i];
    const sm_layout *l = &d->layout;
    uint32_t len = (uint32_t)d->text.len, nlen = (uint32_t)l->names.n;
    /* a compressed text is decompressed when something reads it (store_doc_text); one kept as
     * it is ends in its NUL */
    if (d->text.s && d->text.s[len] != '\0')
        return store_corrupt(c, err, "section text: document %u is not terminated", i);
    uint32_t nsegs = (uint32_t)l->segs.n, nraw = (uint32_t)l->turns.n;
    for (uint32_t k = 0; k < nsegs; k++) {
        const sm_segment *g = &l->segs.v[k];
        if (g->start > g->end || g->end > len)
            return store_corrupt(c, err, "document %u: segment %u outside its text", i, k);
    }
    for (uint32_t k = 0; k < nraw; k++) {
        const sm_rawturn *t = &l->turns.v[k];
        if (t->seg_first > nsegs || t->seg_count > nsegs - t->seg_first || t->label > len ||
            (t->speaker != LAYOUT_NONE && t->speaker >= nlen))
            return store_corrupt(c, err, "document %u: layout turn %u out of range", i, k);
    }
    uint32_t tok = d->tok_first, tok_end = d->tok_first + d->tok_count;
    for (uint32_t k = 0; k < d->turn_count; k++) {
        const sm_turn *t = &c->turns.v[d->turn_first + k];
        if (t->doc != i || t->index != k || k >= nraw || t->tok_first != tok ||
            t->tok_count > tok_end - tok ||
            (t->speaker != SM_NONE && t->speaker >= c->speaker_names.n))
            return store_corrupt(c, err, "section turns: turn %u out of range", d->turn_first + k);
        tok += t->tok_count;
    }
    if (tok != tok_end)
        return store_corrupt(c, err, "document %u: its turns do not cover its tokens", i);
    uint32_t bad_tok = d->tok_count ? tokens_out_of_range(&c->tokens, d->tok_first, tok_end,
                                                          (uint32_t)c->forms.n, len)
                                    : 0;
    if (bad_tok)
        return store_corrupt(c, err, "section %s: %s out of range in document %u",
                             bad_tok & 4   ? "token_blocks"
                             : bad_tok & 1 ? "token_forms"
                                           : "token_offsets",
                             bad_tok & 4   ? "an escape or wide block"
                             : bad_tok & 1 ? "a form id"
                                           : "an offset",
                             i);
    const uint32_t *sv = c->sentences.v + d->sent_first;
    uint32_t bad = d->sent_count && sv[0] != d->tok_first;
    for (uint32_t k = 1; k < d->sent_count; k++)
        bad |= sv[k] <= sv[k - 1];
    if (bad || (d->sent_count && sv[d->sent_count - 1] >= tok_end))
        return store_corrupt(c, err, "section sentences: document %u: starts out of order", i);
    for (size_t a = 0; a < c->attrs.n; a++) { /* its tokens' attribute values */
        const uint32_t *v = c->attrs.v[a].tokens.v + d->tok_first;
        uint32_t nvals = (uint32_t)c->attrs.v[a].values.n, bad_val = 0;
        for (uint32_t k = 0; k < d->tok_count; k++)
            bad_val |= v[k] != LEX_NONE && v[k] >= nvals;
        if (bad_val)
            return store_corrupt(c, err, "section attr_tokens: a value out of range in document %u",
                                 i);
    }
    corpus_sample_turns(c, i); /* its turns are sound now */
    return 0;
}

int store_check_fold_forms(const sm_corpus *c, uint32_t fold, sm_error *err) {
    store_map *m = c->store;
    if (!m || fold >= c->folds.n || bit_test(m->forms_checked, fold)) return 0;
    uint32_t a = c->fold_forms_start[fold], b = c->fold_forms_start[fold + 1];
    if (a > b || b > c->forms.n)
        return store_corrupt(c, err, "section fold_forms_start: fold %u out of range", fold);
    for (uint32_t k = a; k < b; k++) {
        uint32_t f = c->fold_forms[k];
        if (f >= c->forms.n || c->form_info.v[f].fold != fold ||
            (k > a && f <= c->fold_forms[k - 1]))
            return store_corrupt(c, err, "section fold_forms: fold %u out of range or order", fold);
    }
    bit_set(m->forms_checked, fold);
    return 0;
}

int store_is_corpus(const char *path) {
    size_t n = strlen(path), k = strlen(STORE_SUFFIX);
    if (n > k && strcmp(path + n - k, STORE_SUFFIX) == 0) return 1;
    /* a saved corpus is a regular file (it is mapped): a pipe or a device is never read here,
     * since what this read took would be missing from the transcript read after it */
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char head[sizeof magic];
    ssize_t got;
    do
        got = read(fd, head, sizeof head);
    while (got < 0 && errno == EINTR);
    close(fd);
    return got == (ssize_t)sizeof head && memcmp(head, magic, sizeof magic) == 0;
}

static void map_free(store_map *m) {
    if (!m) return;
    vec_unmap(m->texts, m->texts_room);
    vec_unmap(m->lines, m->lines_room);
    free(m->texts_at);
    free(m->lines_at);
    ZSTD_freeDCtx(m->dctx);
    free(m->frame_mem);
    free(m->form_len);
    free(m->doc_frames);
    free(m->unframed);
    free(m->layouts_at);
    vec_unmap(m->layouts, m->layouts_room);
    vec_unmap(m->rels, m->rels_room);
    free(m->frames);
    free(m->docs);
    free(m->speakers);
    free(m->doc_checked);
    free(m->forms_checked);
    free(m->attrs);
    free(m->path);
    free(m);
}

/* Reads the alias rules and applies them: the section ends in a NUL (checked), so the strings
 * stay inside it; a rule that names no label of the corpus is corruption. */
static int load_aliases(const opener *o, sm_corpus *c) {
    const char *p = sec_data(o, S_ALIASES), *end = p + sec_count(o, S_ALIASES);
    while (p < end) {
        const char *doc = p, *label = doc + strlen(doc) + 1;
        const char *name = label < end ? label + strlen(label) + 1 : end;
        if (name >= end) return failf(o, "section aliases: a rule cut short");
        sm_error e;
        if (corpus_add_alias(c, *doc ? doc : NULL, label, name, &e))
            return sm_errorf(o->err, "%s: %s", o->path, e.msg);
        p = name + strlen(name) + 1;
    }
    sm_error e;
    if (corpus_apply_aliases(c, &e)) return failf(o, "section aliases: %s", e.msg);
    return 0;
}

int store_open(sm_corpus *c, const char *path, sm_error *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return sm_errorf(err, "cannot open %s: %s", path, strerror(errno));
    struct stat st;
    const char *why = NULL;
    if (fstat(fd, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "not a samtal corpus file (not a regular file)";
    else if (st.st_size == 0)
        why = "not a samtal corpus file (empty file)";
    else if ((uint64_t)st.st_size > SIZE_MAX)
        why = "too large to map on this host";
    if (why) {
        close(fd);
        return sm_errorf(err, "%s: %s", path, why);
    }
    size_t size = (size_t)st.st_size;
    void *base = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) {
        int e = errno;
        close(fd);
        return sm_errorf(err, "cannot map %s: %s", path, strerror(e));
    }
    opener o = {path, err, fd, base, size, NULL, 0, 0};
    store_map *m = NULL;
    int rc;
    if (size < sizeof magic || memcmp(base, magic, sizeof magic) != 0)
        rc = sm_errorf(err, "%s: not a samtal corpus file", path);
    else if (!host_is_little_endian())
        rc = sm_errorf(err, "%s: samtal corpus files are read on little-endian hosts only", path);
    else if ((m = calloc(1, sizeof *m)) == NULL || (m->path = malloc(strlen(path) + 1)) == NULL)
        rc = no_memory(&o);
    else
        rc = check_frame(&o) || load_corpus(&o, c, m) ? -1 : 0;
    close(fd); /* the mapping keeps the file */
    if (rc) {
        map_free(m);
        munmap(base, size);
        memset(c, 0, sizeof *c);
        return -1;
    }
    memcpy(m->path, path, strlen(path) + 1);
    m->base = base;
    m->size = size;
    const file_header *h = base;
    c->opts.invalid = (int)h->opt_invalid;
    c->opts.seg_flags = h->opt_seg_flags;
    if (o.nsec > S_METADATA && sec_count(&o, S_METADATA)) {
        m->meta = (const char *)sec_data(&o, S_METADATA);
        m->meta_n = (size_t)sec_count(&o, S_METADATA);
    }
    c->store = m;
    c->finished = 1;
    if (corpus_index_docs(c)) {
        corpus_free(c);
        return sm_errorf(err, "%s: out of memory", path);
    }
    if (o.nsec > S_ALIASES && load_aliases(&o, c)) {
        corpus_free(c);
        return -1;
    }
    return 0;
}

const char *store_metadata(const sm_corpus *c, size_t *n) {
    const store_map *m = c->store;
    *n = m ? m->meta_n : 0;
    return m ? m->meta : NULL;
}

int store_verify(const sm_corpus *c, sm_error *err) {
    const store_map *m = c->store;
    if (!m) return 0;
    const file_header *h = (const file_header *)m->base;
    opener o = {m->path,           err,       -1,
                m->base,           m->size,   (const file_section *)(m->base + sizeof *h),
                (int)h->nsections, h->version};
    for (int s = 0; s < o.nsec; s++)
        if (check_checksum(&o, s)) return -1;
    return 0;
}

void store_close(sm_corpus *c) {
    store_map *m = c->store;
    if (!m) return;
    munmap(m->base, m->size);
    map_free(m);
    memset(c, 0, sizeof *c);
}
