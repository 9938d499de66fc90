/* binding_stats.c: the Lua face of stats.c, the counting behind samtal.stats.
 *
 * A samtal.Keymap userdata holds a key map (stats.h) and keeps its corpus alive through its
 * user value; a samtal.Matches userdata holds the matches of a query (binding.h). The functions
 * return plain Lua tables of numbers; samtal.stats gives them their shape. */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "binding.h"
#include "stats.h"

#define KEYMAP_T "samtal.Keymap"
#define ROWS_T "samtal.CollocateRows"

enum { BY_FORM, BY_LOWER, BY_STEM, BY_CUSTOM };

typedef struct keymap_ud {
    sm_keymap km;
    sm_lexicon stems; /* BY_STEM: the stems, by key id */
    int by;
    uint64_t *totals; /* each key's corpus frequency, counted on first need (NULL: not yet) */
    uint64_t total;   /* the counted tokens of the corpus, with totals */
    /* a collocates job's counts (nkeys) and its threads' arrays, kept for the next job: fresh
     * pages of a lexicon-sized array cost more than the counting of a rare word */
    uint64_t *colloc_freq;
    sm_colloc_work colloc_work;
} keymap_ud;

static keymap_ud *new_keymap(lua_State *L, int corpus) {
    keymap_ud *u = lua_newuserdatauv(L, sizeof *u, 1);
    memset(u, 0, sizeof *u);
    luaL_setmetatable(L, KEYMAP_T);
    lua_pushvalue(L, corpus);
    lua_setiuservalue(L, -2, 1); /* the corpus lives as long as its key maps */
    return u;
}

static int keymap_gc(lua_State *L) {
    keymap_ud *u = luaL_checkudata(L, 1, KEYMAP_T);
    keymap_free(&u->km);
    lex_free(&u->stems);
    free(u->totals);
    u->totals = NULL;
    free(u->colloc_freq);
    u->colloc_freq = NULL;
    stats_colloc_work_free(&u->colloc_work);
    return 0;
}

/* The key map at i, checked to belong to the corpus at argument 1. */
static const sm_keymap *check_keymap(lua_State *L, int i) {
    keymap_ud *u = luaL_checkudata(L, i, KEYMAP_T);
    lua_getiuservalue(L, i, 1);
    int same = lua_rawequal(L, -1, 1);
    lua_pop(L, 1);
    luaL_argcheck(L, same, i, "key map of another corpus");
    return &u->km;
}

/* Token kinds named in a string ("word number", "all"). */
static unsigned check_kinds(lua_State *L, int arg) {
    const char *s = luaL_optstring(L, arg, "word number");
    if (!strcmp(s, "all")) return (1u << KIND_COUNT) - 1;
    unsigned kinds = 0;
    for (int k = 0; k < KIND_COUNT; k++) {
        const char *p = strstr(s, sm_kind_names[k]);
        size_t n = strlen(sm_kind_names[k]);
        if (p && (p == s || p[-1] == ' ' || p[-1] == ',') &&
            (p[n] == 0 || p[n] == ' ' || p[n] == ','))
            kinds |= 1u << k;
    }
    if (!kinds) luaL_argerror(L, arg, lua_pushfstring(L, "no token kind in \"%s\"", s));
    return kinds;
}

/* c:keymap(by, kinds, language) -> Keymap; by "form", "lower" or "stem" */
static int corpus_keymap(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    static const char *const bys[] = {"form", "lower", "stem", NULL};
    int by = luaL_checkoption(L, 2, NULL, bys);
    unsigned kinds = check_kinds(L, 3);
    const char *language = by == BY_STEM ? luaL_checkstring(L, 4) : NULL;
    keymap_ud *u = new_keymap(L, 1);
    u->by = by;
    if (by == BY_STEM) {
        sm_error err;
        if (keymap_stems(c, kinds, language, &u->stems, &u->km, &err)) raise_err(L, &err);
    } else if (keymap_build(c, by == BY_LOWER ? KEY_FOLD : KEY_FORM, kinds, &u->km)) {
        return luaL_error(L, "out of memory");
    }
    return 1;
}

/* c:keymap_custom(keys, nkeys) -> Keymap: keys[f] the key id (1..nkeys) of form id f, or
 * false/nil for a form that does not count */
static int corpus_keymap_custom(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer nk = luaL_checkinteger(L, 3);
    luaL_argcheck(L, nk >= 0 && nk < UINT32_MAX, 3, "key count out of range");
    keymap_ud *u = new_keymap(L, 1);
    u->by = BY_CUSTOM;
    u->km.key = vec_alloc_big(c->forms.n * sizeof *u->km.key);
    if (!u->km.key) return luaL_error(L, "out of memory");
    u->km.nkeys = (uint32_t)nk;
    for (size_t f = 0; f < c->forms.n; f++) {
        lua_geti(L, 2, (lua_Integer)f + 1);
        int isnum;
        lua_Integer k = lua_tointegerx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum) {
            u->km.key[f] = SM_NONE;
            continue;
        }
        if (k < 1 || k > nk) return luaL_error(L, "keymap_custom: key %I out of range", k);
        u->km.key[f] = (uint32_t)(k - 1);
    }
    return 1;
}

/* km:name(id) -> the key's string (form, folded form or stem) */
static int keymap_name(lua_State *L) {
    keymap_ud *u = luaL_checkudata(L, 1, KEYMAP_T);
    lua_Integer id = luaL_checkinteger(L, 2);
    luaL_argcheck(L, id >= 1 && id <= u->km.nkeys, 2, "no such key");
    luaL_argcheck(L, u->by != BY_CUSTOM, 1, "a custom key map has no names");
    if (u->by == BY_STEM) {
        size_t n;
        const char *s = lex_str(&u->stems, (uint32_t)id - 1, &n);
        lua_pushlstring(L, s, n);
        return 1;
    }
    lua_getiuservalue(L, 1, 1);
    sm_corpus *c = check_corpus(L, -1);
    size_t n;
    const char *s = lex_str(u->by == BY_LOWER ? &c->folds : &c->forms, (uint32_t)id - 1, &n);
    lua_pushlstring(L, s, n);
    return 1;
}

/* km:names() -> array of every key's string */
static int keymap_names(lua_State *L) {
    keymap_ud *u = luaL_checkudata(L, 1, KEYMAP_T);
    luaL_argcheck(L, u->by != BY_CUSTOM, 1, "a custom key map has no names");
    const sm_lexicon *lx = &u->stems;
    if (u->by != BY_STEM) {
        lua_getiuservalue(L, 1, 1);
        sm_corpus *c = check_corpus(L, -1);
        lx = u->by == BY_LOWER ? &c->folds : &c->forms;
    }
    lua_createtable(L, (int)u->km.nkeys, 0);
    for (uint32_t k = 0; k < u->km.nkeys; k++) {
        size_t n;
        const char *s = lex_str(lx, k, &n);
        lua_pushlstring(L, s, n);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

/* km:key_of(form_id) -> key id of an exact form id (1-based), or nil */
static int keymap_key_of(lua_State *L) {
    keymap_ud *u = luaL_checkudata(L, 1, KEYMAP_T);
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_getiuservalue(L, 1, 1);
    sm_corpus *c = check_corpus(L, -1);
    luaL_argcheck(L, f >= 1 && (size_t)f <= c->forms.n, 2, "no such form");
    uint32_t k = u->km.key[f - 1];
    if (k == SM_NONE)
        lua_pushnil(L);
    else
        lua_pushinteger(L, (lua_Integer)k + 1);
    return 1;
}

static int keymap_len(lua_State *L) {
    keymap_ud *u = luaL_checkudata(L, 1, KEYMAP_T);
    lua_pushinteger(L, u->km.nkeys);
    return 1;
}

/* The corpus at argument 1, every document of it checked (a saved corpus is checked a document
 * at a time on first use; statistics read them all). */
static sm_corpus *checked_corpus(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    sm_error err;
    if (stats_check_corpus(c, &err)) raise_err(L, &err);
    return c;
}

/* ---- helpers ------------------------------------------------------------------------------ */

static const sm_set *opt_turnset(lua_State *L, int i) {
    if (lua_isnoneornil(L, i)) return NULL;
    return luaL_checkudata(L, i, SET_T);
}

static const sm_matches *check_matches(lua_State *L, int i) {
    const sm_matches *m = luaL_checkudata(L, i, MATCHES_T);
    luaL_argcheck(L, !m->permuted, i, "matches in corpus order expected (these are permuted)");
    return m;
}

static void *alloc_or_raise(lua_State *L, size_t n, size_t size) {
    void *p = size && n > SIZE_MAX / size ? NULL : vec_zalloc_big(n * size);
    if (!p) luaL_error(L, "out of memory");
    return p;
}

/* Pushes an array of n integers, 1-based. */
static void push_u64s(lua_State *L, const uint64_t *v, size_t n) {
    lua_createtable(L, n > INT32_MAX ? INT32_MAX : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)v[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static void push_u32s(lua_State *L, const uint32_t *v, size_t n, int plus) {
    lua_createtable(L, n > INT32_MAX ? INT32_MAX : (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, (lua_Integer)v[i] + plus);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

static int opt_bool_field(lua_State *L, int t, const char *k) {
    if (lua_isnoneornil(L, t)) return 0;
    lua_getfield(L, t, k);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Sorts the keys by frequency, most frequent first, ties by key id: each (frequency, key) packed
 * in 64 bits so that ascending order is the wanted one, then an LSD radix sort in 16-bit digits,
 * skipping the digits all values share (a million keys in a few milliseconds). order[] gets the
 * keys; tmp is scratch of the same size. */
static void sort_by_freq(const uint64_t *freq, uint32_t *order, size_t n, uint64_t *packed,
                         uint64_t *tmp) {
    for (size_t i = 0; i < n; i++) {
        uint64_t f = freq[order[i]] > UINT32_MAX ? UINT32_MAX : freq[order[i]];
        packed[i] = ((uint64_t)(UINT32_MAX - f) << 32) | order[i];
    }
    static size_t count[1 << 16];
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(packed[i] >> shift) & 0xffff]++;
        if (n == 0 || count[(packed[0] >> shift) & 0xffff] == n) continue; /* one digit: in order */
        size_t sum = 0;
        for (size_t b = 0; b < (1 << 16); b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(packed[i] >> shift) & 0xffff]++] = packed[i];
        memcpy(packed, tmp, n * sizeof *packed);
    }
    for (size_t i = 0; i < n; i++)
        order[i] = (uint32_t)packed[i];
}

/* Frees its pointers when collected, so that a Lua error between malloc and free leaks
 * nothing. */
typedef struct scratch {
    void *p[4];
} scratch;

static int scratch_gc(lua_State *L) {
    scratch *s = lua_touserdata(L, 1);
    for (int i = 0; i < 4; i++)
        free(s->p[i]), s->p[i] = NULL;
    return 0;
}

static scratch *push_scratch(lua_State *L) {
    scratch *s = lua_newuserdatauv(L, sizeof *s, 0);
    memset(s, 0, sizeof *s);
    luaL_setmetatable(L, "samtal.Scratch");
    return s;
}

/* ---- counts ------------------------------------------------------------------------------- */

/* c:tally_keys(km, turnset, {docs, turns, sorted, min}) -> {freq, docs, turns, keys}, total.
 * Sorted: the keys with at least `min` occurrences, most frequent first (ties: lower key id
 * first), in `keys`, with their counts beside them. Otherwise dense arrays by key id. */
static int corpus_tally_keys(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    const sm_keymap *km = check_keymap(L, 2);
    const sm_set *turns = opt_turnset(L, 3);
    int want_docs = opt_bool_field(L, 4, "docs"), want_turns = opt_bool_field(L, 4, "turns");
    int sorted = opt_bool_field(L, 4, "sorted");
    lua_Integer min = 1;
    if (!lua_isnoneornil(L, 4)) {
        lua_getfield(L, 4, "min");
        min = luaL_optinteger(L, -1, 1);
        lua_pop(L, 1);
    }
    size_t nk = km->nkeys;
    scratch *s = push_scratch(L);
    uint64_t *freq = s->p[0] = alloc_or_raise(L, nk, sizeof *freq);
    uint32_t *docs = want_docs ? (s->p[1] = alloc_or_raise(L, nk, sizeof *docs)) : NULL;
    uint32_t *tn = want_turns ? (s->p[2] = alloc_or_raise(L, nk, sizeof *tn)) : NULL;
    uint64_t total;
    sm_error err;
    if (stats_count(c, km, turns, freq, docs, tn, &total, &err)) raise_err(L, &err);
    lua_createtable(L, 0, 4);
    if (!sorted) {
        push_u64s(L, freq, nk);
        lua_setfield(L, -2, "freq");
        if (docs) push_u32s(L, docs, nk, 0), lua_setfield(L, -2, "docs");
        if (tn) push_u32s(L, tn, nk, 0), lua_setfield(L, -2, "turns");
    } else {
        uint32_t *order = s->p[3] = alloc_or_raise(L, nk, sizeof *order);
        size_t kept = 0;
        for (uint32_t k = 0; k < nk; k++)
            if (freq[k] > 0 && (lua_Integer)freq[k] >= min) order[kept++] = k;
        scratch *s2 = push_scratch(L);
        uint64_t *packed = s2->p[0] = alloc_or_raise(L, kept, sizeof *packed);
        uint64_t *tmp = s2->p[1] = alloc_or_raise(L, kept, sizeof *tmp);
        sort_by_freq(freq, order, kept, packed, tmp);
        free(packed), free(tmp);
        s2->p[0] = s2->p[1] = NULL;
        lua_pop(L, 1);
        push_u32s(L, order, kept, 1);
        lua_setfield(L, -2, "keys");
        const char *names[] = {"freq", "docs", "turns"};
        for (int a = 0; a < 3; a++) {
            if ((a == 1 && !docs) || (a == 2 && !tn)) continue;
            lua_createtable(L, (int)kept, 0);
            for (size_t i = 0; i < kept; i++) {
                uint32_t k = order[i];
                lua_pushinteger(L, a == 0 ? (lua_Integer)freq[k] : a == 1 ? docs[k] : tn[k]);
                lua_rawseti(L, -2, (lua_Integer)i + 1);
            }
            lua_setfield(L, -2, names[a]);
        }
    }
    lua_pushinteger(L, (lua_Integer)total);
    return 2;
}

/* c:tally_groups(km, "speaker"|"doc", turnset) -> {group, key, freq, docs}, totals by group */
static int corpus_tally_groups(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    const sm_keymap *km = check_keymap(L, 2);
    static const char *const groups[] = {"speaker", "doc", NULL};
    int group = luaL_checkoption(L, 3, NULL, groups);
    const sm_set *turns = opt_turnset(L, 4);
    sm_grouped g;
    if (stats_count_groups(c, km, group == 0 ? GROUP_SPEAKER : GROUP_DOC, turns, &g))
        return luaL_error(L, "out of memory");
    scratch *s = push_scratch(L); /* pushing may raise: the arrays are freed either way */
    s->p[0] = g.group, s->p[1] = g.key, s->p[2] = g.docs, s->p[3] = g.freq;
    lua_createtable(L, 0, 4);
    push_u32s(L, g.group, g.n, 1);
    lua_setfield(L, -2, "group");
    push_u32s(L, g.key, g.n, 1);
    lua_setfield(L, -2, "key");
    push_u64s(L, g.freq, g.n);
    lua_setfield(L, -2, "freq");
    push_u32s(L, g.docs, g.n, 0);
    lua_setfield(L, -2, "docs");
    push_u64s(L, g.group_total, g.ngroups);
    free(g.group_total);
    return 2;
}

static int check_within(lua_State *L, int arg) {
    static const char *const withins[] = {"turn", "sentence", NULL};
    return luaL_checkoption(L, arg, "turn", withins) == 0 ? WITHIN_TURN : WITHIN_SENTENCE;
}

/* c:ngram_counts(km, n, within, turnset, matches|nil, side, min) -> {keys (n per n-gram, flat),
 * freq, docs} */
static int corpus_ngram_counts(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    const sm_keymap *km = check_keymap(L, 2);
    lua_Integer n = luaL_checkinteger(L, 3);
    luaL_argcheck(L, n >= 1 && n <= 8, 3, "n out of range 1..8");
    int within = check_within(L, 4);
    const sm_set *turns = opt_turnset(L, 5);
    const sm_matches *m = lua_isnoneornil(L, 6) ? NULL : check_matches(L, 6);
    static const char *const sides[] = {"any", "left", "right", NULL};
    int side = luaL_checkoption(L, 7, "any", sides);
    lua_Integer min = luaL_optinteger(L, 8, 1);
    sm_ngrams g;
    if (stats_ngrams(c, km, (uint32_t)n, within, turns, m ? m->starts : NULL, m ? m->lens : NULL,
                     m ? m->n : 0,
                     side == 1   ? SIDE_LEFT
                     : side == 2 ? SIDE_RIGHT
                                 : SIDE_ANY,
                     min < 1 ? 1 : (uint64_t)min, &g))
        return luaL_error(L, "out of memory");
    scratch *s = push_scratch(L);
    s->p[0] = g.keys, s->p[1] = g.freq, s->p[2] = g.docs;
    lua_createtable(L, 0, 3);
    push_u32s(L, g.keys, g.count * g.n, 1);
    lua_setfield(L, -2, "keys");
    push_u64s(L, g.freq, g.count);
    lua_setfield(L, -2, "freq");
    push_u32s(L, g.docs, g.count, 0);
    lua_setfield(L, -2, "docs");
    return 1;
}

/* The key map's corpus frequencies (counted on first use and kept). */
static const uint64_t *keymap_totals(lua_State *L, sm_corpus *c, keymap_ud *u) {
    if (!u->totals) {
        uint64_t *totals = vec_alloc_big((size_t)u->km.nkeys * sizeof *totals);
        if (!totals) luaL_error(L, "out of memory");
        sm_error err;
        if (stats_count(c, &u->km, NULL, totals, NULL, NULL, &u->total, &err)) {
            free(totals);
            raise_err(L, &err);
        }
        u->totals = totals;
    }
    return u->totals;
}

/* The key map's array for a collocates job's counts (made on first use). */
static uint64_t *colloc_freq(lua_State *L, keymap_ud *u) {
    if (!u->colloc_freq &&
        !(u->colloc_freq = vec_alloc_big((size_t)u->km.nkeys * sizeof *u->colloc_freq)))
        luaL_error(L, "out of memory");
    return u->colloc_freq;
}

/* c:collocate_counts(km, matches, left, right, within, min) -> keys, freq (the keys seen in the
 * windows at least `min` times, by key id), distinct window tokens in all */
static int corpus_collocate_counts(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    const sm_keymap *km = check_keymap(L, 2);
    const sm_matches *m = check_matches(L, 3);
    lua_Integer left = luaL_checkinteger(L, 4), right = luaL_checkinteger(L, 5);
    luaL_argcheck(L, left >= 0 && left <= 1000, 4, "left out of range 0..1000");
    luaL_argcheck(L, right >= 0 && right <= 1000, 5, "right out of range 0..1000");
    int within = check_within(L, 6);
    lua_Integer min = luaL_optinteger(L, 7, 1);
    keymap_ud *u = luaL_checkudata(L, 2, KEYMAP_T);
    uint64_t *freq = colloc_freq(L, u), slots;
    if (stats_collocates(c, km, m->starts, m->lens, m->n, (uint32_t)left, (uint32_t)right, within,
                         freq, &slots, &u->colloc_work))
        return luaL_error(L, "out of memory");
    lua_newtable(L);
    lua_newtable(L);
    lua_Integer k = 0;
    for (uint32_t i = 0; i < km->nkeys; i++) {
        if (!freq[i] || (lua_Integer)freq[i] < min) continue;
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_rawseti(L, -3, ++k);
        lua_pushinteger(L, (lua_Integer)freq[i]);
        lua_rawseti(L, -2, k);
    }
    lua_pushinteger(L, (lua_Integer)slots);
    return 3;
}

/* c:collocate_rows(km, matches, left, right, within, min, min_freq, measure) -> rows, slots,
 * total: the rows of a collocates result (stats_collocate_rows), sorted by `measure`, in a
 * samtal.CollocateRows (#rows; rows:row(i) gives one row's numbers, so a result of tens of
 * thousands of rows costs Lua no table until a row is read); slots is R1 (the distinct window
 * tokens), total N (the counted tokens of the corpus). */
static int corpus_collocate_rows(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    check_keymap(L, 2);
    keymap_ud *u = luaL_checkudata(L, 2, KEYMAP_T);
    luaL_argcheck(L, u->by != BY_CUSTOM, 2, "a custom key map has no names");
    const sm_keymap *km = &u->km;
    const sm_matches *m = check_matches(L, 3);
    lua_Integer left = luaL_checkinteger(L, 4), right = luaL_checkinteger(L, 5);
    luaL_argcheck(L, left >= 0 && left <= 1000, 4, "left out of range 0..1000");
    luaL_argcheck(L, right >= 0 && right <= 1000, 5, "right out of range 0..1000");
    int within = check_within(L, 6);
    lua_Integer min = luaL_checkinteger(L, 7), min_freq = luaL_checkinteger(L, 8);
    luaL_argcheck(L, min >= 1, 7, "min must be at least 1");
    luaL_argcheck(L, min_freq >= 1, 8, "min_freq must be at least 1");
    int measure = luaL_checkoption(L, 9, "logdice", association_names);
    keymap_totals(L, c, u);
    uint64_t *freq = colloc_freq(L, u), slots;
    if (stats_collocates(c, km, m->starts, m->lens, m->n, (uint32_t)left, (uint32_t)right, within,
                         freq, &slots, &u->colloc_work))
        return luaL_error(L, "out of memory");
    const sm_lexicon *names = u->by == BY_STEM    ? &u->stems
                              : u->by == BY_LOWER ? &c->folds
                                                  : &c->forms;
    sm_collocate_rows *r = lua_newuserdatauv(L, sizeof *r, 0); /* it owns the rows */
    memset(r, 0, sizeof *r);
    luaL_setmetatable(L, ROWS_T);
    if (stats_collocate_rows(freq, u->totals, km->nkeys, slots, u->total, m->n, (uint64_t)min,
                             (uint64_t)min_freq, measure, names, r))
        return luaL_error(L, "out of memory");
    lua_pushinteger(L, (lua_Integer)slots);
    lua_pushinteger(L, (lua_Integer)u->total);
    return 3;
}

static int rows_gc(lua_State *L) {
    stats_collocate_rows_free(luaL_checkudata(L, 1, ROWS_T));
    return 0;
}

static int rows_len(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)((sm_collocate_rows *)luaL_checkudata(L, 1, ROWS_T))->n);
    return 1;
}

/* rows:row(i) -> key (1-based), freq, total, expected, mi, mi3, t, z, ll, logdice of row i */
static int rows_row(lua_State *L) {
    const sm_collocate_rows *r = luaL_checkudata(L, 1, ROWS_T);
    lua_Integer i = luaL_checkinteger(L, 2);
    luaL_argcheck(L, i >= 1 && (size_t)i <= r->n, 2, "no such row");
    const sm_association *sc = &r->score[i - 1];
    lua_pushinteger(L, (lua_Integer)r->key[i - 1] + 1);
    lua_pushinteger(L, (lua_Integer)r->freq[i - 1]);
    lua_pushinteger(L, (lua_Integer)r->total[i - 1]);
    lua_pushnumber(L, sc->expected);
    for (int m = 0; m < ASSOC_COUNT; m++)
        lua_pushnumber(L, association_get(sc, m));
    return 4 + ASSOC_COUNT;
}

/* c:keyword_counts(km, turnset, "rest"|"corpus", min, negative) -> {keys, a, b}, tested, tc, rc:
 * the words a keyness test of the selection against the rest of the corpus (or the whole
 * corpus) reports. Tested: the keys the target uses at least `min` times; of them, those used
 * relatively more in the target (a * rc >= b * tc) or, with `negative`, all; with `negative`
 * also the keys the target uses less than min times but the reference at least min times and
 * relatively more (these count as tested too). a and b are the frequencies in the target and
 * the reference, tc and rc their sizes; the keys come in key order. */
static int corpus_keyword_counts(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    check_keymap(L, 2);
    keymap_ud *u = luaL_checkudata(L, 2, KEYMAP_T);
    const sm_set *turns = opt_turnset(L, 3);
    static const char *const refs[] = {"rest", "corpus", NULL};
    int corpus_ref = luaL_checkoption(L, 4, NULL, refs);
    lua_Integer min = luaL_checkinteger(L, 5);
    luaL_argcheck(L, min >= 1, 5, "min must be at least 1");
    int negative = lua_toboolean(L, 6);
    const uint64_t *totals = keymap_totals(L, c, u);
    uint32_t nk = u->km.nkeys;
    scratch *s = push_scratch(L);
    uint64_t *freq = s->p[0] = alloc_or_raise(L, nk, sizeof *freq), tc;
    sm_error err;
    if (stats_count(c, &u->km, turns, freq, NULL, NULL, &tc, &err)) raise_err(L, &err);
    uint64_t rc = corpus_ref ? u->total : u->total - tc;
    uint32_t *keep = s->p[1] = alloc_or_raise(L, nk, sizeof *keep);
    size_t kept = 0;
    uint64_t tested = 0, umin = (uint64_t)min;
    for (uint32_t k = 0; k < nk; k++) {
        uint64_t a = freq[k], b = corpus_ref ? totals[k] : totals[k] - a;
        /* the products stay below 2^64: both factors are token counts of one corpus (< 2^32) */
        if (a >= umin) {
            tested++;
            if (negative || a * rc >= b * tc) keep[kept++] = k;
        } else if (negative && totals[k] > 0 && b >= umin && a * rc < b * tc) {
            tested++;
            keep[kept++] = k;
        }
    }
    lua_createtable(L, 0, 3);
    push_u32s(L, keep, kept, 1);
    lua_setfield(L, -2, "keys");
    for (int col = 0; col < 2; col++) {
        lua_createtable(L, kept > INT32_MAX ? INT32_MAX : (int)kept, 0);
        for (size_t i = 0; i < kept; i++) {
            uint64_t a = freq[keep[i]];
            lua_pushinteger(L, (lua_Integer)(col == 0     ? a
                                             : corpus_ref ? totals[keep[i]]
                                                          : totals[keep[i]] - a));
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_setfield(L, -2, col == 0 ? "a" : "b");
    }
    lua_pushinteger(L, (lua_Integer)tested);
    lua_pushinteger(L, (lua_Integer)tc);
    lua_pushinteger(L, (lua_Integer)rc);
    return 4;
}

/* c:part_counts(km|nil, matches, "doc"|"turn") -> hits per part, size of each part (counted
 * tokens under km; word and number tokens without one) */
static int corpus_part_counts(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    const sm_keymap *km = lua_isnil(L, 2) ? NULL : check_keymap(L, 2);
    const sm_matches *m = check_matches(L, 3);
    static const char *const parts[] = {"doc", "turn", NULL};
    int part = luaL_checkoption(L, 4, "doc", parts);
    size_t np = part == 0 ? c->docs.n : c->turns.n;
    scratch *s = push_scratch(L);
    uint64_t *hits = s->p[0] = alloc_or_raise(L, np, sizeof *hits);
    uint64_t *sizes = s->p[1] = alloc_or_raise(L, np, sizeof *sizes);
    stats_parts(c, km, m->starts, m->n, part == 0 ? PART_DOC : PART_TURN, hits, sizes);
    push_u64s(L, hits, np);
    push_u64s(L, sizes, np);
    return 2;
}

static void push_diversity(lua_State *L, const sm_diversity *d) {
    lua_createtable(L, 0, 5);
    lua_pushinteger(L, (lua_Integer)d->tokens);
    lua_setfield(L, -2, "tokens");
    lua_pushinteger(L, (lua_Integer)d->types);
    lua_setfield(L, -2, "types");
    lua_pushnumber(L, d->ttr);
    lua_setfield(L, -2, "ttr");
    lua_pushnumber(L, d->mattr);
    lua_setfield(L, -2, "mattr");
    lua_pushnumber(L, d->mtld);
    lua_setfield(L, -2, "mtld");
}

static void check_diversity_args(lua_State *L, int arg, uint32_t *window, double *threshold) {
    lua_Integer w = luaL_optinteger(L, arg, 500);
    luaL_argcheck(L, w >= 1 && w <= 1000000, arg, "window out of range 1..1000000");
    lua_Number t = luaL_optnumber(L, arg + 1, 0.72);
    luaL_argcheck(L, t > 0 && t < 1, arg + 1, "threshold must lie between 0 and 1");
    *window = (uint32_t)w, *threshold = t;
}

/* c:diversity_counts(km, turnset, window, threshold) -> {tokens, types, ttr, mattr, mtld} */
static int corpus_diversity(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    const sm_keymap *km = check_keymap(L, 2);
    const sm_set *turns = opt_turnset(L, 3);
    uint32_t window;
    double threshold;
    check_diversity_args(L, 4, &window, &threshold);
    sm_diversity d;
    if (stats_diversity(c, km, turns, window, threshold, &d)) return luaL_error(L, "out of memory");
    push_diversity(L, &d);
    return 1;
}

/* core.diversity_of(keys, window, threshold): the same measures over an array of positive
 * integer keys (the specs check the corpus's numbers against samtal.measures with it) */
static int core_diversity_of(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    uint32_t window;
    double threshold;
    check_diversity_args(L, 2, &window, &threshold);
    size_t n = (size_t)luaL_len(L, 1);
    scratch *s = push_scratch(L);
    uint32_t *keys = s->p[0] = alloc_or_raise(L, n, sizeof *keys), nk = 0;
    for (size_t i = 0; i < n; i++) {
        lua_geti(L, 1, (lua_Integer)i + 1);
        lua_Integer k = lua_tointeger(L, -1);
        lua_pop(L, 1);
        luaL_argcheck(L, k >= 1 && k <= 100000000, 1, "keys must be integers 1..1e8");
        keys[i] = (uint32_t)k - 1;
        if (keys[i] + 1 > nk) nk = keys[i] + 1;
    }
    sm_diversity d;
    if (stats_diversity_of(keys, n, nk, window, threshold, &d))
        return luaL_error(L, "out of memory");
    push_diversity(L, &d);
    return 1;
}

/* c:turnset_of(ids) -> Set of the given turn ids (1-based); an id out of range is an error */
static int corpus_turnset_of(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    luaL_checktype(L, 2, LUA_TTABLE);
    sm_set *set = lua_newuserdatauv(L, sizeof *set, 0);
    memset(set, 0, sizeof *set);
    luaL_setmetatable(L, SET_T);
    if (set_init(set, (uint32_t)c->turns.n)) return luaL_error(L, "out of memory");
    lua_Integer n = luaL_len(L, 2);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 2, i);
        int isnum;
        lua_Integer id = lua_tointegerx(L, -1, &isnum);
        lua_pop(L, 1);
        if (!isnum || id < 1 || (size_t)id > c->turns.n)
            return luaL_error(L, "turnset_of: entry %d is no turn id", (int)i);
        set_add(set, (uint32_t)id - 1);
    }
    return 1;
}

/* c:speaker_turnset(name) -> the Set of the turns of one speaker (after aliases), built in one
 * pass over the turns; an unknown name gives the empty set */
static int corpus_speaker_turnset(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    size_t len;
    const char *name = luaL_checklstring(L, 2, &len);
    uint32_t sid = corpus_find_speaker(c, name, len);
    sm_set *set = lua_newuserdatauv(L, sizeof *set, 0);
    memset(set, 0, sizeof *set);
    luaL_setmetatable(L, SET_T);
    if (set_init(set, (uint32_t)c->turns.n)) return luaL_error(L, "out of memory");
    for (uint32_t t = 0; sid != SM_NONE && t < c->turns.n; t++)
        if (corpus_speaker_of(c, t) == sid) set_add(set, t);
    return 1;
}

/* c:turn_columns() -> {speaker, doc, words, start}: one array each, by turn id; speaker is a
 * speaker id (1-based, as in c:speaker_names()) or 0; start is a time in seconds or false */
static int corpus_turn_columns(lua_State *L) {
    sm_corpus *c = checked_corpus(L);
    int nt = c->turns.n > INT32_MAX ? INT32_MAX : (int)c->turns.n;
    lua_createtable(L, 0, 4);
    const char *names[] = {"speaker", "doc", "words", "start"};
    for (int col = 0; col < 4; col++) {
        lua_createtable(L, nt, 0);
        for (int t = 0; t < nt; t++) {
            const sm_turn *tr = &c->turns.v[t];
            uint32_t sp = col == 0 ? corpus_speaker_of(c, (uint32_t)t) : SM_NONE;
            if (col == 0) lua_pushinteger(L, sp == SM_NONE ? 0 : (lua_Integer)sp + 1);
            if (col == 1) lua_pushinteger(L, (lua_Integer)tr->doc + 1);
            if (col == 2) lua_pushinteger(L, tr->words);
            if (col == 3) {
                double st = c->docs.v[tr->doc].layout.turns.v[tr->index].start;
                if (st >= 0)
                    lua_pushnumber(L, st);
                else
                    lua_pushboolean(L, 0);
            }
            lua_rawseti(L, -2, t + 1);
        }
        lua_setfield(L, -2, names[col]);
    }
    return 1;
}

/* c:speaker_names() -> every speaker name by speaker id */
static int corpus_speaker_names(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t ns = corpus_speaker_count(c);
    lua_createtable(L, (int)ns, 0);
    for (uint32_t s = 0; s < ns; s++) {
        lua_pushstring(L, corpus_speaker_name(c, s, NULL));
        lua_rawseti(L, -2, (lua_Integer)s + 1);
    }
    return 1;
}

/* c:form_table() -> {forms, folded, kinds}: by exact form id */
static int corpus_form_table(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    int nf = c->forms.n > INT32_MAX ? INT32_MAX : (int)c->forms.n;
    lua_createtable(L, 0, 3);
    for (int col = 0; col < 3; col++) {
        lua_createtable(L, nf, 0);
        for (int f = 0; f < nf; f++) {
            const sm_form *fi = &c->form_info.v[f];
            size_t n;
            const char *s = col == 0 ? lex_str(&c->forms, (uint32_t)f, &n)
                            : col == 1
                                ? lex_str(&c->folds, fi->fold, &n)
                                : (n = strlen(sm_kind_names[fi->kind]), sm_kind_names[fi->kind]);
            lua_pushlstring(L, s, n);
            lua_rawseti(L, -2, f + 1);
        }
        lua_setfield(L, -2, col == 0 ? "forms" : col == 1 ? "folded" : "kinds");
    }
    return 1;
}

/* ---- matches ------------------------------------------------------------------------------ */

static int matches_gc(lua_State *L) {
    sm_matches *m = luaL_checkudata(L, 1, MATCHES_T);
    free(m->starts);
    free(m->lens);
    m->starts = m->lens = NULL;
    m->n = 0;
    return 0;
}

static int matches_len(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)((const sm_matches *)luaL_checkudata(L, 1, MATCHES_T))->n);
    return 1;
}

/* m:get(i) -> first token id (1-based), length of match i */
static int matches_get(lua_State *L) {
    const sm_matches *m = luaL_checkudata(L, 1, MATCHES_T);
    lua_Integer i = luaL_checkinteger(L, 2);
    luaL_argcheck(L, i >= 1 && (size_t)i <= m->n, 2, "no such match");
    lua_pushinteger(L, (lua_Integer)m->starts[i - 1] + 1);
    lua_pushinteger(L, m->lens[i - 1]);
    return 2;
}

static const luaL_Reg stats_methods[] = {{"keymap", corpus_keymap},
                                         {"keymap_custom", corpus_keymap_custom},
                                         {"tally_keys", corpus_tally_keys},
                                         {"tally_groups", corpus_tally_groups},
                                         {"ngram_counts", corpus_ngram_counts},
                                         {"collocate_counts", corpus_collocate_counts},
                                         {"collocate_rows", corpus_collocate_rows},
                                         {"keyword_counts", corpus_keyword_counts},
                                         {"part_counts", corpus_part_counts},
                                         {"diversity_counts", corpus_diversity},
                                         {"turnset_of", corpus_turnset_of},
                                         {"speaker_turnset", corpus_speaker_turnset},
                                         {"turn_columns", corpus_turn_columns},
                                         {"speaker_names", corpus_speaker_names},
                                         {"form_table", corpus_form_table},
                                         {NULL, NULL}};

static const luaL_Reg keymap_methods[] = {
    {"name", keymap_name}, {"names", keymap_names}, {"key_of", keymap_key_of}, {NULL, NULL}};

void binding_stats_register(lua_State *L) {
    luaL_setfuncs(L, stats_methods, 0);
    binding_export_register(L);
    lua_pushcfunction(L, core_diversity_of);
    lua_setfield(L, -2, "diversity_of"); /* also reachable as core.Corpus.diversity_of */
    luaL_newmetatable(L, KEYMAP_T);
    luaL_newlib(L, keymap_methods);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, keymap_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, keymap_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
    luaL_newmetatable(L, MATCHES_T);
    lua_pushcfunction(L, matches_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, matches_len);
    lua_setfield(L, -2, "__len");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, matches_get);
    lua_setfield(L, -2, "get");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, ROWS_T);
    lua_pushcfunction(L, rows_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, rows_len);
    lua_setfield(L, -2, "__len");
    lua_createtable(L, 0, 1);
    lua_pushcfunction(L, rows_row);
    lua_setfield(L, -2, "row");
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, "samtal.Scratch");
    lua_pushcfunction(L, scratch_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
}
