/* pattern.c: matching token-sequence patterns (see pattern.h).
 *
 * The NFA is simulated breadth first (Thompson), so a pattern with gaps and repetitions costs
 * at most (states x tokens in the turn) per start position, never an exponential backtrack. */
#include "pattern.h"

#include <stdlib.h>
#include <string.h>

#include "index.h"

int set_init(sm_set *s, uint32_t n) {
    s->n = n;
    s->bits = calloc(n / 8 + 1, 1);
    return s->bits ? 0 : -1;
}

void set_free(sm_set *s) {
    free(s->bits);
    s->bits = NULL;
    s->n = 0;
}

uint32_t set_next(const sm_set *s, uint32_t from) {
    uint32_t id = from;
    while (id < s->n) {
        if ((id & 63) == 0 && id + 64 <= s->n) { /* a whole empty word at a time */
            uint64_t w;
            memcpy(&w, s->bits + (id >> 3), sizeof w);
            if (w == 0) {
                id += 64;
                continue;
            }
        }
        if ((id & 7) == 0 && s->bits[id >> 3] == 0) {
            id += 8;
            continue;
        }
        if (set_has(s, id)) return id;
        id++;
    }
    return s->n;
}

void pattern_init(sm_pattern *p) {
    memset(p, 0, sizeof *p);
    p->turns = -1;
}

void pattern_free(sm_pattern *p) {
    for (size_t i = 0; i < p->sets.n; i++)
        set_free(&p->sets.v[i]);
    VEC_FREE(p->sets);
    VEC_FREE(p->anchors);
    VEC_FREE(p->preds);
    VEC_FREE(p->states);
}

typedef VEC(uint32_t) u32_vec;

typedef struct matcher {
    const sm_corpus *c;
    const sm_pattern *p;
    int *chain; /* when the NFA is a plain sequence of tokens: their predicates, else NULL */
    int chain_len;
    int *list[2]; /* state lists */
    int len[2];
    uint32_t *mark; /* generation at which a state was last added */
    uint32_t gen;
} matcher;

static int eval(const matcher *m, int pred, uint32_t tok, uint32_t turn) {
    const sm_pred *pr = &m->p->preds.v[pred];
    switch (pr->type) {
    case PRED_TRUE:
        return 1;
    case PRED_FORMS:
        return set_has(&m->p->sets.v[pr->set], corpus_token_form(m->c, tok));
    case PRED_TURNS:
        return set_has(&m->p->sets.v[pr->set], turn);
    case PRED_AND:
        return eval(m, pr->a, tok, turn) && eval(m, pr->b, tok, turn);
    case PRED_OR:
        return eval(m, pr->a, tok, turn) || eval(m, pr->b, tok, turn);
    case PRED_NOT:
        return !eval(m, pr->a, tok, turn);
    case PRED_ATTR: {
        uint32_t v = m->c->attrs.v[pr->a].tokens.v[tok];
        return v != LEX_NONE && set_has(&m->p->sets.v[pr->set], v);
    }
    default:
        return 0;
    }
}

/* Whether an event of set `set` stands right before token position `tok` in `turn` (or between
 * turns, just before it). */
static int event_before(const matcher *m, int set, uint32_t tok, uint32_t turn) {
    const sm_corpus *c = m->c;
    size_t lo = 0, hi = c->events.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->events.v[mid].token < tok)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < c->events.n && c->events.v[lo].token == tok; lo++) {
        const sm_event *ev = &c->events.v[lo];
        if ((ev->turn == turn || ev->turn == SM_NONE) && set_has(&m->p->sets.v[set], (uint32_t)lo))
            return 1;
    }
    return 0;
}

/* Adds state s (and what it leads to without consuming a token) to list k, at position tok. */
static void add_state(matcher *m, int k, int s, uint32_t tok, uint32_t turn, int depth) {
    if (s < 0 || m->mark[s] == m->gen || depth > 10000) return;
    m->mark[s] = m->gen;
    const sm_state *st = &m->p->states.v[s];
    if (st->type == STATE_SPLIT) {
        add_state(m, k, st->out, tok, turn, depth + 1);
        add_state(m, k, st->out2, tok, turn, depth + 1);
    } else if (st->type == STATE_EVENT) {
        if (event_before(m, st->pred, tok, turn)) add_state(m, k, st->out, tok, turn, depth + 1);
    } else {
        m->list[k][m->len[k]++] = s;
    }
}

/* The predicates of a pattern that is a plain sequence of tokens (a phrase, [] [] x), in order;
 * NULL otherwise. Such a pattern needs no NFA: each candidate is checked token by token. */
static int *linear_chain(const sm_pattern *p, int *len) {
    int *chain = malloc((p->states.n ? p->states.n : 1) * sizeof *chain);
    if (!chain) return NULL;
    int n = 0, s = p->start;
    /* at most one token per state: a longer walk is a cycle, and chain holds states.n */
    for (size_t steps = 0; steps < p->states.n; steps++) {
        const sm_state *st = &p->states.v[s];
        if (st->type == STATE_MATCH) {
            *len = n;
            if (n > 0) return chain;
            break;
        }
        if (st->type != STATE_TOKEN || st->out < 0) break;
        chain[n++] = st->pred;
        s = st->out;
    }
    free(chain);
    return NULL;
}

/* The length of the longest match starting at token s and ending by `end` (both in the turn,
 * whose document is checked), or 0. */
static uint32_t match_at(matcher *m, uint32_t s, uint32_t end, uint32_t turn) {
    CORPUS_EXPECT_CHECKED(m->c, m->c->turns.v[turn].doc);
    if (m->chain) {
        if ((size_t)s + (size_t)m->chain_len > end) return 0;
        for (int k = 0; k < m->chain_len; k++)
            if (!eval(m, m->chain[k], s + (uint32_t)k, turn)) return 0;
        return (uint32_t)m->chain_len;
    }
    int cur = 0;
    m->len[0] = 0;
    m->gen++;
    add_state(m, cur, m->p->start, s, turn, 0);
    uint32_t best = 0;
    for (uint32_t pos = s;; pos++) {
        int any = 0;
        for (int i = 0; i < m->len[cur]; i++)
            if (m->p->states.v[m->list[cur][i]].type == STATE_MATCH) any = 1;
        if (any && pos > s) best = pos - s;
        if (pos >= end || m->len[cur] == 0) break;
        int nxt = 1 - cur;
        m->len[nxt] = 0;
        m->gen++;
        for (int i = 0; i < m->len[cur]; i++) {
            const sm_state *st = &m->p->states.v[m->list[cur][i]];
            if (st->type == STATE_TOKEN && eval(m, st->pred, pos, turn))
                add_state(m, nxt, st->out, pos + 1, turn, 0);
        }
        cur = nxt;
    }
    return best;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* How many tokens have a fold of a form in the set (each fold's postings once): the cost of
 * walking them, in *cost. *closed tells whether the set holds every form of those folds, so that
 * the count is exactly the number of tokens with a form in the set; *single is the fold when
 * there is one, else SM_NONE. Returns 0, or -1 with err (out of memory, corrupt file). */
static int anchor_cost(const sm_corpus *c, const sm_set *forms, size_t *cost, int *closed,
                       uint32_t *single, sm_error *err) {
    sm_set folds;
    if (set_init(&folds, (uint32_t)c->folds.n)) return sm_errorf(err, "out of memory");
    size_t total = 0, nfolds = 0;
    int rc = 0;
    *single = SM_NONE;
    for (uint32_t f = set_next(forms, 0); f < forms->n && rc == 0; f = set_next(forms, f + 1)) {
        uint32_t fold = c->form_info.v[f].fold;
        if (set_has(&folds, fold)) continue;
        set_add(&folds, fold);
        if (nfolds++ == 0) *single = fold;
        size_t cnt;
        rc = index_count(c, fold, &cnt, err);
        total += cnt;
    }
    if (nfolds != 1) *single = SM_NONE;
    *closed = 1;
    for (uint32_t fold = set_next(&folds, 0); fold < folds.n && *closed && rc == 0;
         fold = set_next(&folds, fold + 1)) {
        size_t nf;
        const uint32_t *ff;
        rc = index_fold_forms(c, fold, &ff, &nf, err);
        for (size_t i = 0; rc == 0 && i < nf; i++)
            if (!set_has(forms, ff[i])) *closed = 0;
    }
    set_free(&folds);
    *cost = total;
    return rc;
}

/* Candidate start positions: the postings of the anchor's forms, moved back by its offset.
 * Returns 0, or -1 with err. */
static int anchor_positions(const sm_corpus *c, const sm_set *forms, uint32_t offset,
                            uint32_t **out, size_t *n, sm_error *err) {
    sm_set folds;
    if (set_init(&folds, (uint32_t)c->folds.n)) return sm_errorf(err, "out of memory");
    size_t total = 0, nfolds = 0;
    for (uint32_t f = set_next(forms, 0); f < forms->n; f = set_next(forms, f + 1)) {
        uint32_t fold = c->form_info.v[f].fold;
        if (set_has(&folds, fold)) continue;
        set_add(&folds, fold);
        size_t cnt;
        if (index_count(c, fold, &cnt, err)) {
            set_free(&folds);
            return -1;
        }
        total += cnt;
        nfolds++;
    }
    uint32_t *pos = vec_alloc_big(total * sizeof *pos);
    if (!pos) {
        set_free(&folds);
        return sm_errorf(err, "out of memory");
    }
    size_t k = 0;
    for (uint32_t fold = set_next(&folds, 0); fold < folds.n; fold = set_next(&folds, fold + 1)) {
        size_t cnt;
        uint32_t *p = pos + k; /* decoded in place, then moved back by the offset */
        if (index_decode(c, fold, p, &cnt, err)) {
            set_free(&folds);
            free(pos);
            return -1;
        }
        for (size_t i = 0; i < cnt; i++)
            if (p[i] >= offset) pos[k++] = p[i] - offset;
    }
    set_free(&folds);
    if (nfolds > 1) qsort(pos, k, sizeof *pos, cmp_u32); /* one list is sorted already */
    *out = pos;
    *n = k;
    return 0;
}

/* The turn of token s, its document checked first, searching forward from turn `from` (SM_NONE
 * for none; candidates come in ascending order): in s's document, a gallop, then a binary
 * search, so nearby candidates cost a few steps, not a full search. SM_NONE with err if the
 * document is corrupt. */
static uint32_t next_turn(const sm_corpus *c, uint32_t from, uint32_t s, sm_error *err) {
    uint32_t d = SM_NONE;
    if (from != SM_NONE) { /* most often the document of the last turn, or the next one */
        uint32_t fd = c->turns.v[from].doc;
        for (uint32_t k = fd; k < c->docs.n && k <= fd + 1 && d == SM_NONE; k++)
            if (s >= c->docs.v[k].tok_first && s - c->docs.v[k].tok_first < c->docs.v[k].tok_count)
                d = k;
    }
    if (d == SM_NONE) d = corpus_token_doc(c, s);
    if (corpus_check_doc(c, d, err)) return SM_NONE;
    const sm_doc *doc = &c->docs.v[d];
    size_t n = (size_t)doc->turn_first + doc->turn_count;
    if (from == SM_NONE || from < doc->turn_first || from >= n || c->turns.v[from].tok_first > s)
        return corpus_token_turn(c, s);
    size_t lo = from, step = 1, hi = from + 1; /* turns[lo].tok_first <= s */
    while (hi < n && c->turns.v[hi].tok_first <= s) {
        lo = hi;
        step *= 2;
        hi = lo + step;
    }
    if (hi > n) hi = n;
    while (hi - lo > 1) { /* last turn in [lo, hi) whose first token is <= s */
        size_t mid = lo + (hi - lo) / 2;
        if (c->turns.v[mid].tok_first <= s)
            lo = mid;
        else
            hi = mid;
    }
    while (lo > doc->turn_first && c->turns.v[lo].tok_count == 0)
        lo--; /* empty turns share their first token */
    return (uint32_t)lo;
}

static int check_pattern(const sm_corpus *c, const sm_pattern *p, sm_error *err) {
    int ns = (int)p->states.n, np = (int)p->preds.n, nsets = (int)p->sets.n;
    if (p->start < 0 || p->start >= ns) return sm_errorf(err, "pattern: bad start state");
    for (int i = 0; i < ns; i++) {
        const sm_state *st = &p->states.v[i];
        if (st->out >= ns || st->out2 >= ns) return sm_errorf(err, "pattern: bad state %d", i);
        if (st->type == STATE_TOKEN && (st->pred < 0 || st->pred >= np))
            return sm_errorf(err, "pattern: bad predicate in state %d", i);
        if (st->type == STATE_EVENT &&
            (st->pred < 0 || st->pred >= nsets || p->sets.v[st->pred].n != c->events.n))
            return sm_errorf(err, "pattern: bad event set in state %d", i);
    }
    for (int i = 0; i < np; i++) {
        const sm_pred *pr = &p->preds.v[i];
        if ((pr->type == PRED_FORMS || pr->type == PRED_TURNS || pr->type == PRED_ATTR) &&
            (pr->set < 0 || pr->set >= nsets))
            return sm_errorf(err, "pattern: bad set in predicate %d", i);
        if (pr->type == PRED_ATTR &&
            (pr->a < 0 || (size_t)pr->a >= c->attrs.n || c->attrs.v[pr->a].tokens.n != c->tokens.n))
            return sm_errorf(err, "pattern: bad attribute in predicate %d", i);
        /* A set must be of this corpus's ids: one made by another corpus (a script can pass
         * one) would be walked past the end of form_info and the like. */
        if ((pr->type == PRED_FORMS && p->sets.v[pr->set].n != c->forms.n) ||
            (pr->type == PRED_TURNS && p->sets.v[pr->set].n != c->turns.n) ||
            (pr->type == PRED_ATTR && p->sets.v[pr->set].n != c->attrs.v[pr->a].values.n))
            return sm_errorf(err, "pattern: the set of predicate %d is not of this corpus", i);
        /* children come first, so evaluation always terminates */
        if ((pr->type == PRED_AND || pr->type == PRED_OR) &&
            (pr->a < 0 || pr->a >= i || pr->b < 0 || pr->b >= i))
            return sm_errorf(err, "pattern: bad operands in predicate %d", i);
        if (pr->type == PRED_NOT && (pr->a < 0 || pr->a >= i))
            return sm_errorf(err, "pattern: bad operand in predicate %d", i);
    }
    if (p->turns >= nsets || (p->turns >= 0 && p->sets.v[p->turns].n != c->turns.n))
        return sm_errorf(err, "pattern: bad set of turns");
    for (size_t i = 0; i < p->anchors.n; i++) {
        int a = p->anchors.v[i].set;
        if (a < 0 || a >= nsets || p->sets.v[a].n != c->forms.n)
            return sm_errorf(err, "pattern: anchor %zu is not a set of forms", i);
    }
    return 0;
}

static const sm_set *turns_of(const sm_pattern *p) {
    return p->turns >= 0 ? &p->sets.v[p->turns] : NULL;
}

/* The first index >= i in the ascending list a[0..n) whose value is >= x (galloping from i). */
static size_t gallop(const uint32_t *a, size_t n, size_t i, uint32_t x) {
    size_t step = 1, lo = i, hi = i;
    while (hi < n && a[hi] < x) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    if (hi > n) hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A plain sequence of tokens whose every predicate is a set of forms closed under folding (a
 * phrase of words or wildcards) is answered by intersecting the positions of its words, read in
 * order from the index, without touching the token stream: returns 1 with the matches, 0 when
 * the pattern is not of that kind, -1 with err (out of memory, or a corrupt saved file). */
static int intersect_chain(const sm_corpus *c, const sm_pattern *p, const matcher *m,
                           const sm_set *turns, u32_vec *starts, u32_vec *lens, size_t *count,
                           sm_error *err) {
    int n = m->chain_len;
    if (n < 2 || n > 16) return 0;
    const uint32_t *lists[16] = {NULL};
    uint32_t *owned[16] = {NULL}; /* the decoded lists, freed at the end */
    size_t sizes[16] = {0}, cursor[16] = {0};
    uint32_t fold[16];
    for (int k = 0; k < n; k++) {
        const sm_pred *pr = &p->preds.v[m->chain[k]];
        int closed;
        size_t cost;
        if (pr->type != PRED_FORMS) return 0;
        if (anchor_cost(c, &p->sets.v[pr->set], &cost, &closed, &fold[k], err)) return -1;
        if (!closed) return 0;
    }
    const uint8_t *starts_bits;
    int r = index_turn_starts(c, &starts_bits, err);
    if (r == -2) return 0; /* out of memory: the general matcher still answers */
    if (r) return -1;
    int rc = -1, rarest = 0;
    for (int k = 0; k < n; k++) {
        if (fold[k] != SM_NONE) { /* one fold: its postings */
            if (index_postings(c, fold[k], &owned[k], &sizes[k], err)) goto out;
        } else if (anchor_positions(c, &p->sets.v[p->preds.v[m->chain[k]].set], 0, &owned[k],
                                    &sizes[k], err)) {
            goto out;
        }
        lists[k] = owned[k];
        if (sizes[k] < sizes[rarest]) rarest = k;
    }
    uint32_t turn = SM_NONE;
    for (size_t i = 0; i < sizes[rarest]; i++) {
        if (lists[rarest][i] < (uint32_t)rarest) continue;
        uint32_t s = lists[rarest][i] - (uint32_t)rarest;
        int ok = 1;
        for (int k = 0; k < n && ok; k++) {
            if (k == rarest) continue;
            cursor[k] = gallop(lists[k], sizes[k], cursor[k], s + (uint32_t)k);
            ok = cursor[k] < sizes[k] && lists[k][cursor[k]] == s + (uint32_t)k;
        }
        if (!ok) continue;
        if ((size_t)s + (size_t)n > c->tokens.n) continue;
        int crosses = 0; /* a turn starts inside the match */
        for (uint32_t k = 1; k < (uint32_t)n && !crosses; k++)
            crosses = (starts_bits[(s + k) >> 3] >> ((s + k) & 7)) & 1;
        if (crosses) continue;
        if (turns) {
            const sm_turn *tr = turn != SM_NONE ? &c->turns.v[turn] : NULL;
            if (!tr || !(s >= tr->tok_first && s < tr->tok_first + tr->tok_count))
                turn = next_turn(c, turn, s, err);
            if (turn == SM_NONE) goto out;
            if (!set_has(turns, turn)) continue;
        }
        if (count)
            (*count)++; /* counting only: nothing to keep */
        else if (VEC_PUSH(*starts, s) || VEC_PUSH(*lens, (uint32_t)n)) {
            sm_errorf(err, "out of memory while matching");
            goto out;
        }
    }
    rc = 1;
out:
    for (int k = 0; k < n; k++)
        free(owned[k]);
    return rc;
}

int pattern_find(const sm_corpus *c, const sm_pattern *p, int count_only, uint32_t **starts,
                 uint32_t **lens, size_t *n, sm_error *err) {
    *starts = *lens = NULL;
    *n = 0;
    if (check_pattern(c, p, err)) return -2;
    matcher m = {c, p, NULL, 0, {NULL, NULL}, {0, 0}, NULL, 0};
    m.chain = linear_chain(p, &m.chain_len);
    size_t ns = p->states.n ? p->states.n : 1;
    m.list[0] = malloc(ns * sizeof(int));
    m.list[1] = malloc(ns * sizeof(int));
    m.mark = calloc(ns, sizeof *m.mark);
    uint32_t *cand = NULL;
    size_t ncand = 0;
    u32_vec out_s = {0};
    u32_vec out_l = {0};
    int rc = -1, direct = 0; /* direct: answered from the index, without matching */
    int told = 0;            /* err already says what went wrong */
    if (!m.list[0] || !m.list[1] || !m.mark) goto done;
    told = 1; /* from here on, every failure fills err */
    /* A single token whose forms are the anchor (a word, a wildcard): its positions are the
     * answer, no matching needed. */
    if (p->anchors.n == 1 && p->turns < 0 && p->states.n == 2 && p->anchors.v[0].offset == 0) {
        const sm_state *st = &p->states.v[p->start];
        const sm_pred *pr = st->type == STATE_TOKEN ? &p->preds.v[st->pred] : NULL;
        if (pr && pr->type == PRED_FORMS && pr->set == p->anchors.v[0].set && st->out >= 0 &&
            p->states.v[st->out].type == STATE_MATCH) {
            const sm_set *forms = &p->sets.v[pr->set];
            int closed;
            uint32_t single;
            size_t cost;
            if (anchor_cost(c, forms, &cost, &closed, &single, err)) goto done;
            if (count_only && closed) {
                *n = cost;
                rc = 0;
                direct = 1;
                goto done;
            }
            if (!closed) goto general; /* some tokens of those folds have other forms */
            if (anchor_positions(c, forms, 0, &cand, &ncand, err)) goto done;
            uint32_t *ones = vec_alloc_big(ncand * sizeof *ones);
            if (!ones) {
                sm_errorf(err, "out of memory while matching");
                goto done;
            }
            for (size_t i = 0; i < ncand; i++)
                ones[i] = 1;
            *starts = cand;
            *lens = ones;
            *n = ncand;
            cand = NULL;
            rc = 0;
            direct = 1;
            goto done;
        }
    }
general:
    if (m.chain && p->scope == SCOPE_TURN) {
        size_t counted = 0;
        int r = intersect_chain(c, p, &m, turns_of(p), &out_s, &out_l, count_only ? &counted : NULL,
                                err);
        if (r < 0) goto done;
        if (r > 0) { /* answered from the postings alone */
            rc = 0;
            if (count_only) {
                *n = counted;
                direct = 1;
            }
            goto finish;
        }
    }
    if (p->anchors.n) {
        size_t best = 0, best_cost = SIZE_MAX;
        for (size_t i = 0; i < p->anchors.n; i++) {
            int closed;
            uint32_t single;
            size_t cost;
            if (anchor_cost(c, &p->sets.v[p->anchors.v[i].set], &cost, &closed, &single, err))
                goto done;
            if (cost < best_cost) best_cost = cost, best = i;
        }
        const sm_anchor *a = &p->anchors.v[best];
        if (anchor_positions(c, &p->sets.v[a->set], a->offset, &cand, &ncand, err)) goto done;
    }
    const sm_set *turns = p->turns >= 0 ? &p->sets.v[p->turns] : NULL;
    size_t total = cand ? ncand : c->tokens.n;
    uint32_t turn = SM_NONE;
    const sm_turn *tr = NULL; /* the turn of the last position, in a checked document */
    for (size_t i = 0; i < total; i++) {
        uint32_t s = cand ? cand[i] : (uint32_t)i;
        if (!tr || !(s >= tr->tok_first && s < tr->tok_first + tr->tok_count)) {
            turn = next_turn(c, turn, s, err);
            if (turn == SM_NONE) goto done;
            tr = &c->turns.v[turn];
        }
        if (turns && !set_has(turns, turn)) {
            if (!cand) i = (size_t)tr->tok_first + tr->tok_count - 1; /* skip the turn */
            continue;
        }
        uint32_t end = tr->tok_first + tr->tok_count;
        if (p->scope == SCOPE_SENTENCE) {
            uint32_t sfirst, send;
            corpus_sentence_span(c, tr->doc, corpus_token_sentence(c, s), &sfirst, &send);
            if (send < end) end = send;
        }
        uint32_t len = match_at(&m, s, end, turn);
        if (len && (VEC_PUSH(out_s, s) || VEC_PUSH(out_l, len))) {
            sm_errorf(err, "out of memory while matching");
            goto done;
        }
    }
    rc = 0;
finish:
done:
    free(m.chain);
    free(m.list[0]);
    free(m.list[1]);
    free(m.mark);
    free(cand);
    if (rc) {
        VEC_FREE(out_s);
        VEC_FREE(out_l);
        if (!told) sm_errorf(err, "out of memory while matching");
        return -1;
    }
    if (direct) return 0;
    if (count_only) {
        *n = out_s.n;
        VEC_FREE(out_s);
        VEC_FREE(out_l);
        return 0;
    }
    *starts = out_s.v;
    *lens = out_l.v;
    *n = out_s.n;
    return 0;
}
