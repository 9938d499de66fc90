/* tokens.h: the corpus's token stream, packed to about 3.4 bytes a token.
 *
 * A token is its byte offset in its document's normalised text and its exact form id. Held as
 * two uint32 (8 bytes a token), the tokens were the largest part of a corpus, 1.44 times the
 * text. Here the tokens are cut into blocks of TOK_BLOCK (32), in token order:
 *
 *   form[i]   uint16: the form id itself when it is below TOK_FORM_ESCAPE (99 % of the tokens of
 *             a 1 GB corpus: ids are given in order of first use, so common forms come early);
 *             otherwise TOK_FORM_ESCAPE + k, and the id is form_exc[block.form_at + k], the
 *             block's k-th escaped form;
 *   rel[i]    uint8: the offset less its block's base, the first token's offset (a block of 32
 *             tokens of running speech spans some 180 bytes);
 *   block[b]  base, form_at, off_at. A block whose offsets do not all fall in base .. base + 255
 *             (a document starts in it, or a long stretch without words) is wide: its base is
 *             TOK_WIDE and its tokens' offsets are off_exc[off_at + 0 .. 31] (0.4 % of blocks).
 *             form_at and off_at count the escaped forms and wide offsets of the blocks before,
 *             so a block's own are found without a search.
 *
 * Every token is found in constant time, with at most two reads beside its own bytes. The
 * arrays are appended to as documents are tokenised, and are laid out as the saved file keeps
 * them (store.c maps them). */
#ifndef SAMTAL_TOKENS_H
#define SAMTAL_TOKENS_H

#include <stddef.h>
#include <stdint.h>

#define TOK_BLOCK_SHIFT 5
#define TOK_BLOCK (1u << TOK_BLOCK_SHIFT)
#define TOK_FORM_ESCAPE (0x10000u - TOK_BLOCK)
#define TOK_WIDE UINT32_MAX
#define TOK_REL_MAX 255u

typedef struct sm_tokblock {
    uint32_t base;    /* offset of the block's first token, or TOK_WIDE */
    uint32_t form_at; /* escaped forms of the blocks before it */
    uint32_t off_at;  /* offsets in off_exc of the (wide) blocks before it */
} sm_tokblock;

typedef struct sm_tokens {
    uint16_t *form;
    uint8_t *rel;
    sm_tokblock *block; /* (n + TOK_BLOCK - 1) / TOK_BLOCK of them */
    uint32_t *form_exc, *off_exc;
    size_t n, cap; /* tokens, and room for them in form and rel */
    size_t block_cap;
    size_t nform_exc, form_exc_cap, noff_exc, off_exc_cap;
} sm_tokens;

static inline size_t tokens_blocks(size_t n) {
    return (n + TOK_BLOCK - 1) >> TOK_BLOCK_SHIFT;
}

/* The form id of token i (i < t->n). */
static inline uint32_t tokens_form(const sm_tokens *t, size_t i) {
    uint32_t f = t->form[i];
    if (f < TOK_FORM_ESCAPE) return f;
    return t->form_exc[t->block[i >> TOK_BLOCK_SHIFT].form_at + (f - TOK_FORM_ESCAPE)];
}

/* The offset of token i in its document's text (i < t->n). */
static inline uint32_t tokens_off(const sm_tokens *t, size_t i) {
    const sm_tokblock *b = &t->block[i >> TOK_BLOCK_SHIFT];
    if (b->base != TOK_WIDE) return b->base + t->rel[i];
    return t->off_exc[b->off_at + (i & (TOK_BLOCK - 1))];
}

/* Appends a token; 0, or -1 if memory ran out (the stream is then as it was). The common case
 * (a token inside a block, close to the one before, of a form below the escapes) is inline:
 * through a call every time, appending took 55 instructions a token. */
int tokens_push_slow(sm_tokens *t, uint32_t off, uint32_t form);
static inline int tokens_push(sm_tokens *t, uint32_t off, uint32_t form) {
    size_t i = t->n;
    if ((i & (TOK_BLOCK - 1)) && i < t->cap && form < TOK_FORM_ESCAPE) {
        uint32_t base = t->block[i >> TOK_BLOCK_SHIFT].base;
        if (base != TOK_WIDE && off >= base && off - base <= TOK_REL_MAX) {
            t->rel[i] = (uint8_t)(off - base);
            t->form[i] = (uint16_t)form;
            t->n = i + 1;
            return 0;
        }
    }
    return tokens_push_slow(t, off, form);
}

/* Room for n tokens in all, asked for ahead (a hint: 0, or -1 with nothing changed). */
int tokens_reserve(sm_tokens *t, size_t n);

/* Keeps the first n tokens (n <= t->n), as if the rest had never been pushed. */
void tokens_truncate(sm_tokens *t, size_t n);

/* Gives back the room reserved beyond what the tokens take. */
void tokens_fit(sm_tokens *t);

void tokens_free(sm_tokens *t);

#endif
