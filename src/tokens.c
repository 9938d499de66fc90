/* tokens.c: appending to the packed token stream (see tokens.h). */
#include "tokens.h"

#include "vec.h"

#include <stdlib.h>

/* Room for `need` tokens in form and rel, and for their blocks. */
static int room_for(sm_tokens *t, size_t need) {
    if (need > t->cap) {
        size_t cap_form = t->cap, cap_rel = t->cap;
        if (vec_reserve((void **)&t->form, &cap_form, need, sizeof *t->form)) return -1;
        if (vec_reserve((void **)&t->rel, &cap_rel, need, sizeof *t->rel)) return -1;
        t->cap = cap_form < cap_rel ? cap_form : cap_rel;
    }
    size_t blocks = tokens_blocks(need);
    if (blocks > t->block_cap &&
        vec_reserve((void **)&t->block, &t->block_cap, blocks, sizeof *t->block))
        return -1;
    return 0;
}

int tokens_reserve(sm_tokens *t, size_t n) {
    return room_for(t, n);
}

int tokens_push_slow(sm_tokens *t, uint32_t off, uint32_t form) {
    size_t i = t->n, k = i & (TOK_BLOCK - 1);
    if (room_for(t, i + 1)) return -1;
    sm_tokblock *b = &t->block[i >> TOK_BLOCK_SHIFT];
    if (k == 0) *b = (sm_tokblock){off, (uint32_t)t->nform_exc, (uint32_t)t->noff_exc};
    /* the form first: it is the only step left that may fail */
    uint16_t code;
    if (form < TOK_FORM_ESCAPE) {
        code = (uint16_t)form;
    } else {
        if (t->nform_exc >= UINT32_MAX || vec_reserve((void **)&t->form_exc, &t->form_exc_cap,
                                                      t->nform_exc + 1, sizeof *t->form_exc))
            return -1;
        code = (uint16_t)(TOK_FORM_ESCAPE + (t->nform_exc - b->form_at));
        t->form_exc[t->nform_exc++] = form;
    }
    if (b->base != TOK_WIDE && (off < b->base || off - b->base > TOK_REL_MAX)) {
        /* the block's offsets no longer fit in a byte: all of them move to off_exc */
        if (t->noff_exc > UINT32_MAX - TOK_BLOCK ||
            vec_reserve((void **)&t->off_exc, &t->off_exc_cap, t->noff_exc + TOK_BLOCK,
                        sizeof *t->off_exc)) {
            if (code >= TOK_FORM_ESCAPE) t->nform_exc--;
            return -1;
        }
        size_t first = i - k;
        b->off_at = (uint32_t)t->noff_exc;
        for (size_t j = 0; j < k; j++)
            t->off_exc[t->noff_exc + j] = b->base + t->rel[first + j];
        for (size_t j = k; j < TOK_BLOCK; j++)
            t->off_exc[t->noff_exc + j] = 0;
        t->noff_exc += TOK_BLOCK;
        b->base = TOK_WIDE;
    }
    if (b->base == TOK_WIDE) {
        t->off_exc[b->off_at + k] = off;
        t->rel[i] = 0;
    } else {
        t->rel[i] = (uint8_t)(off - b->base);
    }
    t->form[i] = code;
    t->n = i + 1;
    return 0;
}

void tokens_truncate(sm_tokens *t, size_t n) {
    if (n >= t->n) return;
    t->n = n;
    if (n == 0) {
        t->nform_exc = t->noff_exc = 0;
        return;
    }
    const sm_tokblock *b = &t->block[(n - 1) >> TOK_BLOCK_SHIFT];
    size_t escaped = 0;
    for (size_t i = (n - 1) & ~(size_t)(TOK_BLOCK - 1); i < n; i++)
        escaped += t->form[i] >= TOK_FORM_ESCAPE;
    t->nform_exc = b->form_at + escaped;
    t->noff_exc = b->off_at + (b->base == TOK_WIDE ? TOK_BLOCK : 0);
}

/* realloc to exactly what is used (at least one element, so the pointers stay valid) */
static void fit(void **p, size_t *cap, size_t used, size_t elsize) {
    if (*cap <= used + used / 8 + 1024) return;
    void *q = realloc(*p, (used ? used : 1) * elsize);
    if (q) *p = q, *cap = used ? used : 1;
}

void tokens_fit(sm_tokens *t) {
    size_t cap_form = t->cap, cap_rel = t->cap;
    fit((void **)&t->form, &cap_form, t->n, sizeof *t->form);
    fit((void **)&t->rel, &cap_rel, t->n, sizeof *t->rel);
    t->cap = cap_form < cap_rel ? cap_form : cap_rel;
    fit((void **)&t->block, &t->block_cap, tokens_blocks(t->n), sizeof *t->block);
    fit((void **)&t->form_exc, &t->form_exc_cap, t->nform_exc, sizeof *t->form_exc);
    fit((void **)&t->off_exc, &t->off_exc_cap, t->noff_exc, sizeof *t->off_exc);
}

void tokens_free(sm_tokens *t) {
    free(t->form);
    free(t->rel);
    free(t->block);
    free(t->form_exc);
    free(t->off_exc);
    *t = (sm_tokens){0};
}
