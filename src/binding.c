/* binding.c: samtal.core, the Lua face of the C core. The only file that sees lua_State.
 *
 * One userdata type, samtal.Corpus, owns an sm_corpus. Everything handed to Lua is copied out
 * (lua_pushlstring), so no Lua value points into the corpus; iterators built in Lua keep the
 * corpus userdata as an upvalue. A closed corpus refuses every method. */
#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "corpus.h"
#include "encoding.h"
#include "fingerprint.h"
#include "stats.h"
#include "index.h"
#include "kwic_lines.h"
#include "lexmatch.h"
#include "pattern.h"
#include "query.h"
#include "quotes.h"
#include "segment.h"
#include "store.h"

#include "binding.h"

/* The open corpus at stack index i; raises "samtal.Corpus expected" or "closed". */
sm_corpus *check_corpus(lua_State *L, int i) {
    corpus_ud *u = luaL_checkudata(L, i, CORPUS_T);
    if (!u->c) luaL_error(L, "attempt to use a closed samtal.Corpus");
    return u->c;
}

static int corpus_close(lua_State *L) {
    corpus_ud *u = luaL_checkudata(L, 1, CORPUS_T);
    if (u->c) {
        corpus_free(u->c);
        free(u->c);
        u->c = NULL;
    }
    return 0;
}

static int get_bool_opt(lua_State *L, int opts, const char *key) {
    if (lua_isnoneornil(L, opts)) return 0;
    lua_getfield(L, opts, key);
    int v = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return v;
}

/* core.open(paths, {invalid = "error"|"replace", hyphens = bool}) -> Corpus */
/* The progress function of samtal.open, called between documents. It runs protected: an error
 * in it stops the load (its message left on the stack) instead of jumping out of the C loader
 * while its threads run. */
typedef struct progress_call {
    lua_State *L;
    int fn; /* its stack index */
    int failed;
} progress_call;

static int call_progress(void *ud, size_t done, size_t total, const char *path) {
    progress_call *pc = ud;
    lua_State *L = pc->L;
    lua_pushvalue(L, pc->fn);
    lua_pushinteger(L, (lua_Integer)done);
    lua_pushinteger(L, (lua_Integer)total);
    lua_pushstring(L, path);
    if (lua_pcall(L, 3, 0, 0) != LUA_OK) return pc->failed = 1;
    return 0;
}

/* Adds the rules of the list at idx ({label = , name = , doc = }, strings; doc may be nil), as
 * the Lua layer checked them, to corpus c without applying them. */
static void add_alias_rules(lua_State *L, sm_corpus *c, int idx) {
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_Integer n = luaL_len(L, idx);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, idx, i);
        luaL_checktype(L, -1, LUA_TTABLE);
        lua_getfield(L, -1, "label");
        lua_getfield(L, -2, "name");
        lua_getfield(L, -3, "doc");
        const char *label = lua_tostring(L, -3), *name = lua_tostring(L, -2),
                   *doc = lua_tostring(L, -1);
        if (!label || !name) luaL_error(L, "alias rule #%d: label and name expected", (int)i);
        sm_error err;
        if (corpus_add_alias(c, doc, label, name, &err)) raise_err(L, &err);
        lua_pop(L, 4);
    }
}

/* Adds the rules at idx to a finished corpus and applies them; if one names an unknown label,
 * the corpus keeps the rules it had and the error is raised. */
static void set_alias_rules(lua_State *L, sm_corpus *c, int idx) {
    size_t keep = c->aliases.n;
    sm_error err;
    add_alias_rules(L, c, idx); /* raises only on bad input or memory: rules dropped below */
    if (corpus_apply_aliases(c, &err)) {
        sm_error ignored;
        corpus_drop_aliases(c, keep);
        (void)corpus_apply_aliases(c, &ignored); /* these passed before */
        raise_err(L, &err);
    }
}

/* The hook of the transcription conventions (corpus.h, sm_mark_fn): the Lua function at stack
 * index fn, made by samtal.open from the samtal.convention patterns, is called with a document's
 * text and path and returns its marks as a flat list {start, end, kind, ...}: 0-based byte
 * offsets, end exclusive, kind 0 for an event, 1 hesitation, 2 truncated. Called in protected
 * mode, so an error in a pattern's function becomes the load's error instead of a jump across
 * the core's allocations. */
typedef struct mark_hook {
    lua_State *L;
    int fn;
} mark_hook;

static int run_mark_hook(void *ud, const char *path, const sm_text *t, sm_marks *out,
                         sm_error *err) {
    const mark_hook *hk = ud;
    lua_State *L = hk->L;
    lua_pushvalue(L, hk->fn);
    lua_pushlstring(L, t->s, t->len);
    lua_pushstring(L, path);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        sm_errorf(err, "%s: convention: %s", path, lua_tostring(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    int rc = 0;
    size_t n = lua_istable(L, -1) ? lua_rawlen(L, -1) : 0;
    for (size_t i = 1; rc == 0 && i + 2 <= n; i += 3) {
        lua_Integer v[3];
        int ok = 1;
        for (int k = 0; k < 3; k++) {
            lua_rawgeti(L, -1, (lua_Integer)(i + (size_t)k));
            int isnum;
            v[k] = lua_tointegerx(L, -1, &isnum);
            ok &= isnum;
            lua_pop(L, 1);
        }
        if (!ok || v[0] < 0 || v[1] > (lua_Integer)t->len || v[0] >= v[1] || v[2] < 0 || v[2] > 2)
            continue; /* not a span of this text: apply_marks would leave it out too */
        static const int kinds[3] = {MARK_EVENT, KIND_HESITATION, KIND_TRUNCATED};
        sm_mark m = {(uint32_t)v[0], (uint32_t)v[1], kinds[v[2]]};
        if (VEC_PUSH(*out, m)) rc = sm_errorf(err, "%s: out of memory", path);
    }
    lua_pop(L, 1);
    return rc;
}

static int core_open(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!lua_isnoneornil(L, 2)) luaL_checktype(L, 2, LUA_TTABLE);
    /* index 2 is the options or, without them, soon the corpus userdata */
    int has_opts = lua_istable(L, 2);
    sm_load_opts opts = {TEXT_INVALID_ERROR, -1, 0, FORMAT_AUTO, 0, 0, NULL, NULL, 0};
    if (!lua_isnoneornil(L, 2)) {
        lua_getfield(L, 2, "invalid");
        const char *inv = luaL_optstring(L, -1, "error");
        if (strcmp(inv, "replace") == 0)
            opts.invalid = TEXT_INVALID_REPLACE;
        else if (strcmp(inv, "error") != 0)
            return luaL_error(L, "bad option invalid = \"%s\" (expected \"error\" or \"replace\")",
                              inv);
        lua_pop(L, 1);
        if (get_bool_opt(L, 2, "hyphens")) opts.seg_flags |= SEG_JOIN_HYPHENS;
        lua_getfield(L, 2, "on_error");
        const char *on_error = luaL_optstring(L, -1, "error");
        if (strcmp(on_error, "skip") == 0)
            opts.skip = 1;
        else if (strcmp(on_error, "error") != 0)
            return luaL_error(L, "bad option on_error = \"%s\" (expected \"error\" or \"skip\")",
                              on_error);
        lua_pop(L, 1);
        opts.merge_turns = get_bool_opt(L, 2, "merge_turns");
        opts.pack_texts = get_bool_opt(L, 2, "compress");
        lua_getfield(L, 2, "encoding");
        if (!lua_isnil(L, -1)) {
            const char *name = lua_tostring(L, -1);
            opts.encoding = name ? encoding_by_name(name) : -1;
            if (opts.encoding < 0 && !(name && strcmp(name, "auto") == 0))
                return luaL_error(L,
                                  "bad option encoding = \"%s\" (expected \"auto\", \"utf-8\", "
                                  "\"utf-16le\", \"utf-16be\" or \"cp1252\")",
                                  name ? name : "?");
        }
        lua_pop(L, 1);
        lua_getfield(L, 2, "format"); /* a reader to force (layout.h) */
        if (!lua_isnil(L, -1)) {
            const char *name = lua_tostring(L, -1);
            opts.format = name ? layout_format_by_name(name) : -1;
            if (opts.format < 0)
                return luaL_error(L,
                                  "bad option format = \"%s\" (expected \"auto\", \"text\", "
                                  "\"vtt\", \"srt\", \"sbv\", \"vrt\", \"json\", \"tsv\", "
                                  "\"html\" or \"parlamint\")",
                                  name ? name : "?");
        }
        lua_pop(L, 1);
    }
    /* names of VRT columns after the word ({"pos", "msd", "lemma"}), kept for the load */
    const char *vrt_names[33] = {NULL};
    if (!lua_isnoneornil(L, 2)) {
        lua_getfield(L, 2, "attributes");
        if (lua_istable(L, -1)) {
            for (int k = 0; k < 32; k++) {
                lua_geti(L, -1, k + 1);
                vrt_names[k] = lua_tostring(L, -1); /* anchored by the options table */
                lua_pop(L, 1);
                if (!vrt_names[k]) break;
            }
        }
        lua_pop(L, 1);
    }
    mark_hook hook = {L, 0}; /* the conventions' function, kept on the stack while loading */
    if (has_opts) {
        lua_getfield(L, 2, "mark");
        if (lua_isfunction(L, -1)) {
            hook.fn = lua_gettop(L);
            opts.mark = run_mark_hook;
            opts.mark_ud = &hook;
        } else {
            lua_pop(L, 1);
        }
    }
    corpus_ud *u = lua_newuserdatauv(L, sizeof *u, 0);
    u->c = NULL;
    luaL_setmetatable(L, CORPUS_T);
    u->c = malloc(sizeof *u->c);
    if (!u->c) return luaL_error(L, "out of memory");
    corpus_init(u->c, &opts);
    u->c->vrt_names = vrt_names[0] ? vrt_names : NULL;
    lua_Integer n = luaL_len(L, 1);
    sm_error serr;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        const char *path = lua_tostring(L, -1);
        int saved = path && store_is_corpus(path);
        if (saved && n > 1) {
            lua_pushfstring(L, "%s: a saved corpus opens on its own, not with other files", path);
            return lua_error(L);
        }
        if (saved && opts.format != FORMAT_AUTO) {
            lua_pushfstring(L,
                            "%s: a saved corpus keeps the formats it was read with; format "
                            "applies when loading transcripts",
                            path);
            return lua_error(L);
        }
        if (saved && (opts.seg_flags || opts.invalid != TEXT_INVALID_ERROR || opts.encoding >= 0)) {
            lua_pushfstring(L,
                            "%s: a saved corpus keeps the options it was built with; "
                            "hyphens, invalid and encoding apply when loading transcripts",
                            path);
            return lua_error(L);
        }
        if (saved && opts.merge_turns) {
            lua_pushfstring(L,
                            "%s: a saved corpus keeps the turns it was built with; merge_turns "
                            "applies when loading transcripts",
                            path);
            return lua_error(L);
        }
        if (saved) {
            memset(u->c, 0, sizeof *u->c);
            if (store_open(u->c, path, &serr)) {
                free(u->c);
                u->c = NULL;
                lua_pushstring(L, serr.msg);
                return lua_error(L);
            }
            lua_pop(L, 1);
            if (has_opts) { /* aliases given to open join the saved ones */
                lua_getfield(L, 2, "alias_rules");
                if (!lua_isnil(L, -1)) set_alias_rules(L, u->c, lua_gettop(L));
                lua_pop(L, 1);
            }
            return 1;
        }
        lua_pop(L, 1);
    }
    if (has_opts) { /* aliases before loading, for merge_turns; applied at finish */
        lua_getfield(L, 2, "alias_rules");
        if (!lua_isnil(L, -1)) add_alias_rules(L, u->c, lua_gettop(L));
        lua_pop(L, 1);
    }
    int progress = 0; /* a function(done, total, path) called after each file, if given */
    if (has_opts) {
        lua_getfield(L, 2, "progress");
        if (lua_isfunction(L, -1))
            progress = lua_gettop(L);
        else
            lua_pop(L, 1);
    }
    sm_error err = {.skip = NULL}; /* the readers get an sm_error of their own (corpus.c) */
    /* the paths, anchored by the table at argument 1 while the files load */
    const char **paths = lua_newuserdatauv(L, (n ? (size_t)n : 1) * sizeof *paths, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 1, i);
        paths[i - 1] = lua_tostring(L, -1);
        lua_pop(L, 1);
        if (!paths[i - 1]) return luaL_error(L, "bad path #%d (string expected)", (int)i);
    }
    progress_call pc = {L, progress, 0};
    int stopped = 0;
    if (corpus_add_files(u->c, paths, (size_t)n, progress ? call_progress : NULL, &pc, &stopped,
                         &err)) {
        corpus_free(u->c); /* the userdata stays, closed, for the collector */
        free(u->c);
        u->c = NULL;
        if (stopped) return lua_error(L); /* the progress function's error, on the stack */
        lua_pushstring(L, err.msg);
        return lua_error(L);
    }
    lua_pop(L, 1);                               /* the paths */
    u->c->vrt_names = NULL;                      /* it pointed into this frame */
    if (u->c->docs.n == 0 && u->c->warnings.n) { /* every file skipped: nothing to open */
        lua_pushfstring(L, "%s (and no other file could be read)",
                        u->c->warnings.v[u->c->warnings.n - 1].msg);
        corpus_free(u->c);
        free(u->c);
        u->c = NULL;
        return lua_error(L);
    }
    u->c->opts.mark = NULL; /* it pointed into this frame, as vrt_names did */
    u->c->opts.mark_ud = NULL;
    if (corpus_finish(u->c, &err)) {
        lua_pushstring(L, err.msg);
        return lua_error(L);
    }
    if (progress) lua_remove(L, progress); /* the corpus is returned, not the callback */
    return 1;
}

/* Sets fields `start_key` and `stop_key` of the table on top to the start of token `first` and
 * the stop of token `last`, where the source times its tokens (word-level segments). */
static void push_token_times(lua_State *L, const sm_corpus *c, uint32_t first, uint32_t last,
                             const char *start_key, const char *stop_key) {
    double start, stop, ignored;
    corpus_token_times(c, first, &start, &ignored);
    corpus_token_times(c, last, &ignored, &stop);
    if (start >= 0) lua_pushnumber(L, start), lua_setfield(L, -2, start_key);
    if (stop >= 0) lua_pushnumber(L, stop), lua_setfield(L, -2, stop_key);
}

/* Sets field "stop" of the table on top to the stop time of turn t, where its source gives one. */
static void push_stop(lua_State *L, const sm_corpus *c, uint32_t t) {
    double stop = corpus_turn_stop(c, t);
    if (stop >= 0) {
        lua_pushnumber(L, stop);
        lua_setfield(L, -2, "stop");
    }
}

static void set_str(lua_State *L, const char *k, const char *s, size_t n) {
    lua_pushlstring(L, s, n);
    lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v) {
    lua_pushinteger(L, v);
    lua_setfield(L, -2, k);
}

/* The index argument i (1-based) checked against 1..n; returns it 0-based. */
static uint32_t check_index(lua_State *L, int arg, size_t n, const char *what) {
    lua_Integer i = luaL_checkinteger(L, arg);
    luaL_argcheck(L, i >= 1 && (size_t)i <= n, arg, what);
    return (uint32_t)(i - 1);
}

/* A saved corpus checks a document the first time it is read (see corpus.h): these raise the
 * file's "corrupt (...)" error unless the document of token t / of turn t is sound. Every id
 * that comes from Lua passes one of them before anything of its document is read. */
static void need_token(lua_State *L, const sm_corpus *c, uint32_t t) {
    sm_error err;
    if (corpus_check_token(c, t, &err)) raise_err(L, &err);
}

static void need_turn(lua_State *L, const sm_corpus *c, uint32_t t) {
    sm_error err;
    if (corpus_check_turn(c, t, &err)) raise_err(L, &err);
}

/* Makes document doc's text readable (a saved corpus decompresses it on first use). */
static void need_text(lua_State *L, const sm_corpus *c, uint32_t doc) {
    sm_error err;
    if (corpus_doc_text(c, doc, &err)) raise_err(L, &err);
}

/* The speaker of turn t, range-checked (for scans that read nothing else of a turn). */
static uint32_t turn_speaker(lua_State *L, const sm_corpus *c, uint32_t t) {
    sm_error err;
    uint32_t sp = SM_NONE;
    if (corpus_turn_speaker(c, t, &sp, &err)) raise_err(L, &err);
    return sp;
}

/* c:save_file(path [, metadata]) (c:save in init.lua gives the metadata): writes the corpus to one
 * file that samtal.open maps back (see store.h); metadata, a string, is kept as the file's metadata
 * section (c:saved_metadata()) */
static int corpus_save(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    luaL_checktype(L, 2, LUA_TSTRING); /* a number would silently name a file "42" */
    const char *path = lua_tostring(L, 2);
    size_t meta_n = 0;
    const char *meta = lua_isnoneornil(L, 3) ? NULL : luaL_checklstring(L, 3, &meta_n);
    sm_error err;
    if (store_save(c, path, meta, meta_n, &err)) raise_err(L, &err);
    return 0;
}

/* c:saved_metadata() -> string or nil: the metadata section of a corpus mapped from a saved file
 * (what c:save was given), nil when it has none or was not mapped */
static int corpus_saved_metadata(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    size_t n;
    const char *meta = store_metadata(c, &n);
    if (!meta) return 0;
    lua_pushlstring(L, meta, n);
    return 1;
}

/* c:verify() -> true: checks every section checksum of a corpus opened from a saved file */
static int corpus_verify(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    sm_error err;
    if (store_verify(c, &err)) raise_err(L, &err);
    lua_pushboolean(L, 1);
    return 1;
}

/* c:stats() -> {documents, turns, tokens, words, forms, folds, speakers, sentences, events} */
static int corpus_stats(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_createtable(L, 0, 9);
    uint64_t words = 0;
    for (size_t d = 0; d < c->docs.n; d++)
        words += c->docs.v[d].words;
    set_int(L, "documents", (lua_Integer)c->docs.n);
    set_int(L, "turns", (lua_Integer)c->turns.n);
    set_int(L, "tokens", (lua_Integer)c->tokens.n);
    set_int(L, "words", (lua_Integer)words);
    set_int(L, "forms", (lua_Integer)c->forms.n);
    set_int(L, "folds", (lua_Integer)c->folds.n);
    lua_Integer speakers = 0; /* after aliases; a label merge_turns left without turns is none */
    for (uint32_t k = 0; k < corpus_speaker_count(c); k++)
        speakers += corpus_speaker_info(c, k)->turns > 0;
    set_int(L, "speakers", speakers);
    set_int(L, "sentences", (lua_Integer)c->sentences.n);
    set_int(L, "events", (lua_Integer)c->events.n);
    return 1;
}

static void push_name(lua_State *L, const sm_layout *lay, uint32_t off) {
    if (off == LAYOUT_NONE)
        lua_pushnil(L);
    else
        lua_pushstring(L, lay->names.s + off);
}

/* c:document(i) -> table describing document i */
static int corpus_document(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t i = check_index(L, 2, c->docs.n, "no such document");
    const sm_doc *d = &c->docs.v[i];
    const sm_layout *lay = &d->layout;
    sm_error err; /* the title, preamble and events are read from the text */
    if ((lay->title_end > lay->title_start || lay->preamble_end > lay->preamble_start ||
         d->event_count) &&
        corpus_doc_text(c, i, &err))
        raise_err(L, &err);
    lua_createtable(L, 0, 14);
    lua_pushstring(L, d->name);
    lua_setfield(L, -2, "name");
    lua_pushstring(L, d->path);
    lua_setfield(L, -2, "path");
    set_int(L, "index", i + 1);
    if (lay->title_end > lay->title_start)
        set_str(L, "title", d->text.s + lay->title_start, lay->title_end - lay->title_start);
    if (lay->preamble_end > lay->preamble_start)
        set_str(L, "preamble", d->text.s + lay->preamble_start,
                lay->preamble_end - lay->preamble_start);
    if (lay->participants.n) {
        lua_createtable(L, (int)lay->participants.n, 0);
        for (size_t k = 0; k < lay->participants.n; k++) {
            const sm_participant *p = &lay->participants.v[k];
            lua_createtable(L, 0, 3);
            push_name(L, lay, p->kind);
            lua_setfield(L, -2, "kind");
            push_name(L, lay, p->name);
            lua_setfield(L, -2, "name");
            push_name(L, lay, p->role);
            lua_setfield(L, -2, "role");
            lua_rawseti(L, -2, (lua_Integer)k + 1);
        }
        lua_setfield(L, -2, "participants");
    }
    set_int(L, "turns", d->turn_count);
    set_int(L, "tokens", d->tok_count);
    set_int(L, "words", (lua_Integer)d->words);
    set_int(L, "pages", (lua_Integer)lay->pages.n);
    set_int(L, "replacements", (lua_Integer)d->text.replacements);
    if (d->encoding) {
        lua_pushstring(L, d->encoding);
        lua_setfield(L, -2, "encoding");
    }
    set_int(L, "size", (lua_Integer)d->text.source_len);
    set_int(L, "first_turn", (lua_Integer)d->turn_first + 1);
    set_int(L, "first_token", (lua_Integer)d->tok_first + 1);
    lua_createtable(L, (int)d->event_count, 0);
    for (uint32_t k = 0; k < d->event_count; k++) {
        const sm_event *ev = &c->events.v[d->event_first + k];
        lua_createtable(L, 0, 6);
        set_str(L, "text", d->text.s + ev->start, ev->end - ev->start);
        uint32_t na, nz; /* the name, without brackets and markup around it */
        corpus_event_name(c, ev, &na, &nz);
        set_str(L, "name", d->text.s + na, nz - na);
        /* a document's turns are its layout turns in order (the index of turn k is k), so the
         * turn's number needs no read of the turns: open checked the event's turn range */
        if (ev->turn != SM_NONE) set_int(L, "turn", ev->turn - d->turn_first + 1);
        set_int(L, "offset", (lua_Integer)text_source_offset(&d->text, ev->start));
        set_int(L, "line", (lua_Integer)text_line_of(&d->text, ev->start));
        set_int(L, "position", (lua_Integer)ev->token + 1);
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "events");
    return 1;
}

static void **anchor(lua_State *L, void *p);

/* c:speaker_list() -> array of {name, turns, tokens, documents = {names}} in order of first turn */
static int corpus_speaker_list(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    size_t ns = corpus_speaker_count(c), npairs = 0;
    uint64_t *pairs = NULL; /* speaker << 32 | label, sorted, when aliases are set */
    if (c->aliased) {
        sm_error err;
        if (corpus_speaker_labels(c, &pairs, &npairs, &err)) raise_err(L, &err);
        anchor(L, pairs);
    }
    lua_createtable(L, (int)ns, 0);
    lua_Integer k = 0;
    for (size_t s = 0; s < ns; s++) {
        const sm_speaker *sp = corpus_speaker_info(c, (uint32_t)s);
        if (sp->turns == 0) continue;
        lua_createtable(L, 0, 5);
        lua_pushstring(L, corpus_speaker_name(c, (uint32_t)s, NULL));
        lua_setfield(L, -2, "name");
        if (c->aliased) { /* the labels it stands for, in order of first turn */
            lua_newtable(L);
            lua_Integer nl = 0;
            for (size_t i = 0; i < npairs; i++) {
                if ((uint32_t)(pairs[i] >> 32) != s) continue;
                lua_pushstring(L, lex_str(&c->speaker_names, (uint32_t)pairs[i], NULL));
                lua_rawseti(L, -2, ++nl);
            }
            lua_setfield(L, -2, "labels");
        }
        set_int(L, "turns", sp->turns);
        set_int(L, "tokens", (lua_Integer)sp->words);
        lua_newtable(L);
        lua_Integer nd = 0;
        for (size_t d = sp->first_doc; d < c->docs.n; d++) {
            const sm_doc *doc = &c->docs.v[d];
            for (uint32_t t = doc->turn_first; t < doc->turn_first + doc->turn_count; t++) {
                if (turn_speaker(L, c, t) != s) continue;
                lua_pushstring(L, doc->name);
                lua_rawseti(L, -2, ++nd);
                break;
            }
        }
        lua_setfield(L, -2, "documents");
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

/* Pushes the text of document offsets [from, to) of a turn, white space as in the source. */
static void push_turn_text(lua_State *L, const sm_corpus *c, uint32_t turn, uint32_t from,
                           uint32_t to) {
    /* Most ranges lie inside one segment: pushed straight from the text, with no buffer. */
    const sm_turn *tr = &c->turns.v[turn];
    CORPUS_EXPECT_CHECKED(c, tr->doc);
    need_text(L, c, tr->doc);
    const sm_doc *d = &c->docs.v[tr->doc];
    const sm_rawturn *rt = &d->layout.turns.v[tr->index];
    for (uint32_t k = 0; k < rt->seg_count; k++) {
        const sm_segment *sg = &d->layout.segs.v[rt->seg_first + k];
        if (from >= sg->start && to <= sg->end) {
            lua_pushlstring(L, d->text.s + from, from < to ? to - from : 0);
            return;
        }
    }
    sm_buf b = {0};
    if (corpus_turn_text(c, turn, from, to, &b)) {
        buf_free(&b);
        luaL_error(L, "out of memory");
    }
    lua_pushlstring(L, b.s ? b.s : "", b.n);
    buf_free(&b);
}

/* Sets `speaker` (after aliases) and `label` (as the source writes it) of turn t, if it has one. */
static void push_speaker(lua_State *L, const sm_corpus *c, uint32_t t) {
    const sm_turn *tr = &c->turns.v[t];
    if (tr->speaker == SM_NONE) return;
    lua_pushstring(L, corpus_speaker_name(c, corpus_speaker_of(c, t), NULL));
    lua_setfield(L, -2, "speaker");
    lua_pushstring(L, lex_str(&c->speaker_names, tr->speaker, NULL));
    lua_setfield(L, -2, "label");
}

static void set_source_fields(lua_State *L, const sm_doc *d, uint32_t from, uint32_t to,
                              sm_column_hint *hint) {
    size_t a = text_source_offset(&d->text, from), z = text_source_offset(&d->text, to);
    set_int(L, "offset", (lua_Integer)a);
    set_int(L, "length", (lua_Integer)(z - a));
    set_int(L, "line", (lua_Integer)text_line_of(&d->text, from));
    set_int(L, "column", (lua_Integer)text_column_hinted(&d->text, from, hint));
}

/* c:turn(i) -> {doc, path, index, speaker, text, offset, length, line, column, start, tokens,
 * words} */
static int corpus_turn(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t t = check_index(L, 2, c->turns.n, "no such turn");
    need_turn(L, c, t);
    const sm_turn *tr = &c->turns.v[t];
    const sm_doc *d = &c->docs.v[tr->doc];
    const sm_rawturn *rt = &d->layout.turns.v[tr->index];
    uint32_t from, to;
    corpus_turn_bounds(c, t, &from, &to);
    lua_createtable(L, 0, 14);
    lua_pushstring(L, d->name);
    lua_setfield(L, -2, "doc");
    lua_pushstring(L, d->path);
    lua_setfield(L, -2, "path");
    set_int(L, "id", t + 1);
    set_int(L, "index", tr->index + 1);
    push_speaker(L, c, t);
    push_turn_text(L, c, t, from, to);
    lua_setfield(L, -2, "text");
    set_source_fields(L, d, from, to, NULL);
    set_int(L, "line", (lua_Integer)text_line_of(&d->text, rt->label));
    if (rt->start >= 0) {
        lua_pushnumber(L, rt->start);
        lua_setfield(L, -2, "start");
    }
    push_stop(L, c, t);
    set_int(L, "tokens", tr->tok_count);
    set_int(L, "words", tr->words);
    set_int(L, "first_token", (lua_Integer)tr->tok_first + 1);
    return 1;
}

/* c:token_doc(i): the index (1-based) of the document that token i (1-based) is in. */
static int corpus_token_doc_index(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t t = check_index(L, 2, c->tokens.n, "no such token");
    lua_pushinteger(L, (lua_Integer)corpus_token_doc(c, t) + 1);
    return 1;
}

/* c:token_turn(i): the id (1-based) of the corpus turn that token i (1-based) is in. */
static int corpus_token_turn_id(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t t = check_index(L, 2, c->tokens.n, "no such token");
    need_token(L, c, t);
    lua_pushinteger(L, (lua_Integer)corpus_token_turn(c, t) + 1);
    return 1;
}

/* c:turn_ids(speaker_or_nil, doc_index_or_nil) -> array of turn ids */
static int corpus_turn_ids(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    const char *speaker = luaL_optstring(L, 2, NULL);
    uint32_t sid = SM_NONE, lo = 0, hi = (uint32_t)c->turns.n;
    if (speaker) {
        sid = corpus_find_speaker(c, speaker, strlen(speaker));
        if (sid == SM_NONE) {
            lua_newtable(L);
            return 1;
        }
    }
    if (!lua_isnoneornil(L, 3)) {
        uint32_t d = check_index(L, 3, c->docs.n, "no such document");
        lo = c->docs.v[d].turn_first;
        hi = lo + c->docs.v[d].turn_count;
    }
    lua_newtable(L);
    lua_Integer k = 0;
    for (uint32_t t = lo; t < hi; t++) {
        if (speaker && turn_speaker(L, c, t) != sid) continue;
        lua_pushinteger(L, (lua_Integer)t + 1);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

#define OWNED_T "samtal.Owned"

static int owned_gc(lua_State *L) {
    void **box = luaL_checkudata(L, 1, OWNED_T);
    free(*box);
    *box = NULL;
    return 0;
}

/* Pushes a userdata that frees p when collected; returns the box (set *box = NULL to disown). */
static void **anchor(lua_State *L, void *p) {
    void **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = p;
    luaL_setmetatable(L, OWNED_T);
    return box;
}

/* Compiles and runs the query at argument 2 (exact if argument 3 is true). */
static uint32_t *run_query(lua_State *L, sm_corpus *c, size_t *n, uint32_t *len) {
    size_t qlen;
    const char *q = luaL_checklstring(L, 2, &qlen);
    int exact = lua_toboolean(L, 3);
    sm_phrase ph;
    sm_error err;
    if (phrase_compile(c, q, qlen, exact, &ph, &err)) {
        lua_pushstring(L, err.msg);
        lua_error(L);
    }
    uint32_t *starts;
    int rc = phrase_find(c, &ph, &starts, n, &err);
    *len = (uint32_t)ph.n;
    phrase_free(&ph);
    if (rc) raise_err(L, &err);
    return starts;
}

/* c:count(query, exact) -> number of matches */
static int corpus_count(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    size_t n;
    uint32_t len;
    free(run_query(L, c, &n, &len));
    lua_pushinteger(L, (lua_Integer)n);
    return 1;
}

/* Pushes text like push_turn_text, cut to its last (tail) or first `chars` code points. */
static void push_turn_text_chars(lua_State *L, const sm_corpus *c, uint32_t turn, uint32_t from,
                                 uint32_t to, uint32_t chars, int tail) {
    need_text(L, c, c->turns.v[turn].doc);
    sm_buf b = {0};
    if (corpus_turn_text(c, turn, from, to, &b)) {
        buf_free(&b);
        luaL_error(L, "out of memory");
    }
    const char *p = b.s ? b.s : "";
    size_t n = b.n;
    kwic_cut_chars(&p, &n, chars, tail);
    lua_pushlstring(L, p, n);
    buf_free(&b);
}

typedef sm_kwic_opts kwic_opts;

/* Pushes the hit table of a match of `len` tokens at token s, with its context; hint (NULL, or
 * the same one over a run of hits) saves counting a long line's columns again for each. */
static void push_hit(lua_State *L, const sm_corpus *c, uint32_t s, uint32_t len,
                     const kwic_opts *ko, sm_column_hint *hint) {
    uint32_t e = s + len - 1;
    need_token(L, c, s);
    need_token(L, c, e);
    sm_kwic_span sp; /* the same parts as a concordance line's (kwic_lines.c) */
    kwic_span(c, s, len, ko, &sp);
    uint32_t turn = sp.turn;
    const sm_turn *tr = &c->turns.v[turn];
    const sm_doc *d = &c->docs.v[tr->doc];
    const sm_rawturn *rt = &d->layout.turns.v[tr->index];
    /* 16 fields, and up to four times (start, stop, match_start, match_stop) where the turn has
     * them: the table made that size at once, not grown when the 17th comes */
    lua_createtable(L, 0, rt->start >= 0 ? 20 : 16);
    lua_pushstring(L, d->name);
    lua_setfield(L, -2, "doc");
    lua_pushstring(L, d->path);
    lua_setfield(L, -2, "path");
    push_speaker(L, c, turn);
    set_int(L, "turn", tr->index + 1);
    set_int(L, "turn_id", (lua_Integer)turn + 1);
    if (ko->chars)
        push_turn_text_chars(L, c, turn, sp.ls, sp.ms, ko->chars, 1);
    else
        push_turn_text(L, c, turn, sp.ls, sp.ms);
    lua_setfield(L, -2, "left");
    push_turn_text(L, c, turn, sp.ms, sp.me);
    lua_setfield(L, -2, "match");
    if (ko->chars)
        push_turn_text_chars(L, c, turn, sp.me, sp.re, ko->chars, 0);
    else
        push_turn_text(L, c, turn, sp.me, sp.re);
    lua_setfield(L, -2, "right");
    set_source_fields(L, d, sp.ms, sp.me, hint);
    set_int(L, "position", (lua_Integer)s + 1);
    set_int(L, "tokens", len);
    set_int(L, "sentence", (lua_Integer)corpus_token_sentence(c, s) + 1);
    if (rt->start >= 0) {
        lua_pushnumber(L, rt->start);
        lua_setfield(L, -2, "start");
    }
    push_stop(L, c, turn);
    push_token_times(L, c, s, e, "match_start", "match_stop");
}

static void check_widths(lua_State *L, int arg, lua_Integer *left, lua_Integer *right) {
    *left = luaL_optinteger(L, arg, 6);
    *right = luaL_optinteger(L, arg + 1, 6);
    luaL_argcheck(L, *left >= 0 && *left <= 10000, arg, "width out of range 0..10000");
    luaL_argcheck(L, *right >= 0 && *right <= 10000, arg + 1, "width out of range 0..10000");
}

/* c:kwic_hits(query, exact, left, right) -> array of hits (a plain word or phrase) */
static int corpus_kwic_hits(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_Integer left, right;
    check_widths(L, 4, &left, &right);
    size_t n;
    uint32_t len;
    uint32_t *starts = run_query(L, c, &n, &len);
    void **box = anchor(L, starts); /* freed by the collector even if building hits raises */
    lua_createtable(L, n > INT32_MAX ? INT32_MAX : (int)n, 0);
    kwic_opts ko = {(uint32_t)left, (uint32_t)right, 0, 0};
    sm_column_hint hint = {0};
    for (size_t h = 0; h < n; h++) {
        push_hit(L, c, starts[h], len, &ko, &hint);
        lua_rawseti(L, -2, (lua_Integer)h + 1);
    }
    free(starts);
    *box = NULL;
    lua_remove(L, -2);
    return 1;
}

/* Wraps a set in a userdata that frees it when collected. */
static sm_set *push_set(lua_State *L) {
    sm_set *set = lua_newuserdatauv(L, sizeof *set, 0);
    memset(set, 0, sizeof *set);
    luaL_setmetatable(L, SET_T);
    return set;
}

static int set_gc(lua_State *L) {
    set_free(luaL_checkudata(L, 1, SET_T));
    return 0;
}

static int set_len(lua_State *L) {
    const sm_set *set = luaL_checkudata(L, 1, SET_T);
    lua_Integer k = 0;
    for (uint32_t i = 0; i < set->n; i++)
        k += set_has(set, i);
    lua_pushinteger(L, k);
    return 1;
}

static int check_how(lua_State *L, int arg) {
    static const char *const hows[] = {"literal", "wildcard", "regex", NULL};
    return luaL_checkoption(L, arg, NULL, hows);
}

static int check_flags(lua_State *L, int arg) {
    const char *f = luaL_optstring(L, arg, "");
    return (strchr(f, 'c') ? LM_CASELESS : 0) |
           (strchr(f, 'd') ? LM_NODIACRITICS | LM_CASELESS : 0);
}

void raise_err(lua_State *L, const sm_error *err) {
    lua_pushstring(L, err->msg);
    lua_error(L);
}

/* c:formset(attr, how, value, flags) -> Set of form ids; attr "word", "lower" or "kind";
 * how "literal", "wildcard" or "regex"; flags "", "c", "d" or "cd" (CQP's %c, %d). */
static int corpus_formset(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    static const char *const attrs[] = {"word", "lower", "kind", NULL};
    int attr = luaL_checkoption(L, 2, NULL, attrs), how = check_how(L, 3);
    size_t len;
    const char *value = luaL_checklstring(L, 4, &len);
    int flags = check_flags(L, 5);
    sm_set *set = push_set(L);
    sm_error err;
    if (lexmatch_forms(c, attr, how, value, len, flags, set, &err)) raise_err(L, &err);
    return 1;
}

/* c:formset_ids(ids) -> Set of the given form ids (1-based, as c:forms() numbers them) */
static int corpus_formset_ids(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    sm_set *set = push_set(L);
    if (set_init(set, (uint32_t)c->forms.n)) return luaL_error(L, "out of memory");
    lua_Integer n = luaL_len(L, 2);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 2, i);
        lua_Integer id = lua_tointeger(L, -1);
        lua_pop(L, 1);
        if (id >= 1 && (size_t)id <= c->forms.n) set_add(set, (uint32_t)id - 1);
    }
    return 1;
}

/* c:forms() -> array of every distinct exact form, by form id */
static int corpus_forms(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_createtable(L, (int)c->forms.n, 0);
    for (uint32_t f = 0; f < c->forms.n; f++) {
        size_t n;
        const char *s = lex_str(&c->forms, f, &n);
        lua_pushlstring(L, s, n);
        lua_rawseti(L, -2, (lua_Integer)f + 1);
    }
    return 1;
}

/* c:turnset(field, how, value, flags) -> Set of turn ids */
static int corpus_turnset(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    const char *field = luaL_checkstring(L, 2);
    int how = check_how(L, 3);
    size_t len;
    const char *value = luaL_checklstring(L, 4, &len);
    int flags = check_flags(L, 5);
    sm_set *set = push_set(L);
    sm_error err;
    if (lexmatch_turns(c, field, how, value, len, flags, set, &err)) raise_err(L, &err);
    return 1;
}

/* c:attrset(name, how, value, flags) -> Set of values, attribute id (0-based); nil if the
 * corpus has no such attribute */
static int corpus_attrset(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    size_t nl;
    const char *name = luaL_checklstring(L, 2, &nl);
    int how = check_how(L, 3);
    size_t len;
    const char *value = luaL_checklstring(L, 4, &len);
    int flags = check_flags(L, 5);
    uint32_t a = lex_find(&c->attr_names, name, nl);
    if (a == LEX_NONE) {
        lua_pushnil(L);
        return 1;
    }
    sm_set *set = push_set(L);
    sm_error err;
    if (lexmatch_attr(c, a, how, value, len, flags, set, &err)) raise_err(L, &err);
    lua_pushinteger(L, a);
    return 2;
}

/* c:attributes() -> names of the positional attributes beyond the word (VRT), by id */
static int corpus_attributes(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_createtable(L, (int)c->attr_names.n, 0);
    for (uint32_t a = 0; a < c->attr_names.n; a++) {
        lua_pushstring(L, lex_str(&c->attr_names, a, NULL));
        lua_rawseti(L, -2, (lua_Integer)a + 1);
    }
    return 1;
}

/* c:warnings() -> the damaged parts left out while loading (on_error = "skip"), in order:
 * {file = path, line = n (0: the whole file), message = "path:line: what"} */
static int corpus_warnings(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_createtable(L, (int)c->warnings.n, 0);
    for (size_t i = 0; i < c->warnings.n; i++) {
        const sm_warning *w = &c->warnings.v[i];
        lua_createtable(L, 0, 3);
        lua_pushstring(L, w->path);
        lua_setfield(L, -2, "file");
        lua_pushinteger(L, w->line);
        lua_setfield(L, -2, "line");
        lua_pushstring(L, w->msg);
        lua_setfield(L, -2, "message");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* c:eventset(how, value, flags) -> Set of event ids */
static int corpus_eventset(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    int how = check_how(L, 2);
    size_t len;
    const char *value = luaL_checklstring(L, 3, &len);
    int flags = check_flags(L, 4);
    sm_set *set = push_set(L);
    sm_error err;
    if (lexmatch_events(c, how, value, len, flags, set, &err)) raise_err(L, &err);
    return 1;
}

static lua_Integer field_int(lua_State *L, int t, const char *k, lua_Integer dflt) {
    lua_getfield(L, t, k);
    lua_Integer v = lua_isnil(L, -1) ? dflt : lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

/* Reads the program table at index t into p; the sets stay owned by their userdata. */
static int read_program(lua_State *L, int t, sm_pattern *p) {
    pattern_init(p);
    lua_getfield(L, t, "sets");
    lua_Integer n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        sm_set *set = luaL_testudata(L, -1, SET_T);
        lua_pop(L, 1);
        if (!set || VEC_PUSH(p->sets, *set)) return -1;
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "preds");
    n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        int e = lua_gettop(L);
        sm_pred pr = {(int)field_int(L, e, "type", -1), (int)field_int(L, e, "set", -1),
                      (int)field_int(L, e, "a", -1), (int)field_int(L, e, "b", -1)};
        lua_pop(L, 1);
        if (VEC_PUSH(p->preds, pr)) return -1;
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "states");
    n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        int e = lua_gettop(L);
        sm_state st = {(int)field_int(L, e, "type", -1), (int)field_int(L, e, "pred", -1),
                       (int)field_int(L, e, "out", -1), (int)field_int(L, e, "out2", -1)};
        lua_pop(L, 1);
        if (VEC_PUSH(p->states, st)) return -1;
    }
    lua_pop(L, 1);
    lua_getfield(L, t, "anchors");
    n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, -1, i);
        int e = lua_gettop(L);
        lua_Integer off = field_int(L, e, "offset", 0);
        sm_anchor an = {(int)field_int(L, e, "set", -1), (uint32_t)(off < 0 ? 0 : off)};
        lua_pop(L, 1);
        if (VEC_PUSH(p->anchors, an)) return -1;
    }
    lua_pop(L, 1);
    p->start = (int)field_int(L, t, "start", 0);
    p->turns = (int)field_int(L, t, "turns", -1);
    p->scope = (int)field_int(L, t, "scope", SCOPE_TURN);
    return 0;
}

/* c:find(program, "count" | "hits" | "positions", left, right): runs a compiled pattern (built
 * by samtal.query). "count" -> number of matches; "hits" -> array of hits; "positions" ->
 * array of {position, tokens}. */
static int corpus_find(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    static const char *const modes[] = {"count", "hits", "positions", "matches", NULL};
    int mode = luaL_checkoption(L, 3, "count", modes);
    lua_Integer left, right;
    check_widths(L, 4, &left, &right);
    lua_Integer chars = luaL_optinteger(L, 6, 0);
    luaL_argcheck(L, chars >= 0 && chars <= 1000000, 6, "chars out of range 0..1000000");
    static const char *const clips[] = {"turn", "sentence", NULL};
    kwic_opts ko = {(uint32_t)left, (uint32_t)right, (uint32_t)chars,
                    luaL_checkoption(L, 7, "turn", clips)};
    sm_pattern p;
    int bad = read_program(L, 2, &p);
    uint32_t *starts = NULL, *lens = NULL;
    size_t n = 0;
    sm_error err;
    int rc = bad ? -2 : pattern_find(c, &p, mode == 0, &starts, &lens, &n, &err);
    VEC_FREE(p.sets); /* shallow: the bitmaps belong to the Set userdata */
    VEC_FREE(p.anchors);
    VEC_FREE(p.preds);
    VEC_FREE(p.states);
    if (bad) return luaL_error(L, "pattern: bad program (sets must be samtal.Set values)");
    if (rc) raise_err(L, &err);
    if (mode == 3) {
        sm_matches *m = lua_newuserdatauv(L, sizeof *m, 1);
        m->starts = starts, m->lens = lens, m->n = n, m->permuted = 0;
        luaL_setmetatable(L, MATCHES_T);
        lua_pushvalue(L, 1); /* its corpus: c:match_lines refuses the matches of another */
        lua_setiuservalue(L, -2, 1);
        /* Lua's collector sees only the userdata, not the arrays it owns: a step as if they
         * were Lua's own lets it free the matches of earlier queries before memory piles up */
        size_t kb = n * 2 * sizeof *starts / 1024;
        if (kb >= 1024) /* from a MB on: a step costs more than a few matches take */
            lua_gc(L, LUA_GCSTEP, kb > INT32_MAX ? INT32_MAX : (int)kb);
        return 1;
    }
    void **b1 = anchor(L, starts), **b2 = anchor(L, lens);
    if (mode == 0) {
        lua_pushinteger(L, (lua_Integer)n);
    } else {
        lua_createtable(L, n > INT32_MAX ? INT32_MAX : (int)n, 0);
        sm_column_hint hint = {0};
        for (size_t h = 0; h < n; h++) {
            if (mode == 1) {
                push_hit(L, c, starts[h], lens[h], &ko, &hint);
            } else {
                lua_createtable(L, 2, 0);
                lua_pushinteger(L, (lua_Integer)starts[h] + 1);
                lua_rawseti(L, -2, 1);
                lua_pushinteger(L, lens[h]);
                lua_rawseti(L, -2, 2);
            }
            lua_rawseti(L, -2, (lua_Integer)h + 1);
        }
    }
    free(starts);
    free(lens);
    *b1 = *b2 = NULL;
    return 1;
}

/* c:check_matches(matches): raises the saved corpus's "corrupt" error if a document a match
 * falls in is damaged, so that a lazy concordance fails at the query, as a whole one does. */
static int corpus_check_matches(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    const sm_matches *m = luaL_checkudata(L, 2, MATCHES_T);
    if (!c->doc_checked) return 0; /* loaded, not mapped: nothing is checked on use */
    uint32_t lo = 1, hi = 0;       /* the tokens of the document checked last */
    for (size_t h = 0; h < m->n; h++) {
        if (m->lens[h] == 0 || m->starts[h] >= c->tokens.n) continue;
        const uint32_t ends[2] = {m->starts[h], m->starts[h] + m->lens[h] - 1};
        for (int k = 0; k < 2; k++) {
            uint32_t t = ends[k];
            if (t >= lo && t < hi) continue; /* the matches come in order: mostly the same one */
            need_token(L, c, t);
            uint32_t d = corpus_token_doc(c, t);
            lo = c->doc_starts[d];
            hi = d + 1 < c->docs.n ? c->doc_starts[d + 1] : (uint32_t)c->tokens.n;
        }
    }
    return 0;
}

/* Before building the line (or text row) of match i (1-based), asks for what the matches a few
 * places after it will read (corpus_prefetch_token): their contexts lie scattered over the corpus,
 * and each read of one was a cache miss, a line waiting on several in turn. (Hit tables gained
 * nothing from it: most of their time is Lua's, making the table and its strings.) */
static void prefetch_ahead(const sm_corpus *c, const sm_matches *m, lua_Integer i) {
    enum { AHEAD = 4 }; /* matches between the stages of one's prefetch */
    for (int stage = 0; stage < 3; stage++) {
        size_t k = (size_t)i - 1 + (size_t)(3 - stage) * AHEAD;
        if (k < m->n) corpus_prefetch_token(c, m->starts[k], stage);
    }
}

/* c:match_hits(matches, from, to, left, right, chars, clip, hits): the hit tables of matches
 * from..to (1-based) of a samtal.Matches, as c:match_hit builds them, stored as hits[i] where
 * hits[i] is still nil: a lazy concordance builds its lines a block at a time, which costs one
 * call and one reading of the options per block rather than per line. */
static int corpus_match_hits(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    const sm_matches *m = luaL_checkudata(L, 2, MATCHES_T);
    lua_Integer from = luaL_checkinteger(L, 3), to = luaL_checkinteger(L, 4);
    luaL_argcheck(L, from >= 1 && from <= to && (size_t)to <= m->n, 3, "no such matches");
    lua_Integer left, right;
    check_widths(L, 5, &left, &right);
    lua_Integer chars = luaL_optinteger(L, 7, 0);
    luaL_argcheck(L, chars >= 0 && chars <= 1000000, 7, "chars out of range 0..1000000");
    static const char *const clips[] = {"turn", "sentence", NULL};
    kwic_opts ko = {(uint32_t)left, (uint32_t)right, (uint32_t)chars,
                    luaL_checkoption(L, 8, "turn", clips)};
    luaL_checktype(L, 9, LUA_TTABLE);
    sm_column_hint hint = {0};
    for (lua_Integer i = from; i <= to; i++) {
        uint32_t s = m->starts[i - 1], len = m->lens[i - 1];
        if (len == 0 || s >= c->tokens.n || len > c->tokens.n - s)
            return luaL_error(L, "match_hits: match %d is not of this corpus", (int)i);
        if (lua_rawgeti(L, 9, i) != LUA_TNIL) { /* built already: kept as it is */
            lua_pop(L, 1);
            continue;
        }
        lua_pop(L, 1);
        push_hit(L, c, s, len, &ko, &hint);
        lua_rawseti(L, 9, i);
    }
    return 0;
}

/* The samtal.Matches at stack index 2, refused unless it came from the corpus at index 1 (its
 * uservalue): the calls that read tokens through it trust its positions. */
static const sm_matches *own_matches(lua_State *L) {
    const sm_matches *m = luaL_checkudata(L, 2, MATCHES_T);
    lua_getiuservalue(L, 2, 1);
    int same = lua_rawequal(L, -1, 1);
    lua_pop(L, 1);
    luaL_argcheck(L, same, 2, "matches of another corpus");
    return m;
}

/* c:match_words(matches, side, k, limit) -> array: for each match of a samtal.Matches of this
 * corpus, the case-folded form of its k-th word (a word or number token) counting outwards from
 * the match within its turn, "L" leftwards, "R" rightwards, or "M" inside the match; false where
 * there is none or k > limit (the hits' window). What Hits:sort's word levels read from the hit
 * tables, without building them. */
static int corpus_match_words(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    const sm_matches *m = own_matches(L);
    static const char *const sides[] = {"L", "R", "M", NULL};
    int side = luaL_checkoption(L, 3, NULL, sides);
    lua_Integer k = luaL_checkinteger(L, 4), limit = luaL_checkinteger(L, 5);
    luaL_argcheck(L, k >= 1, 4, "k must be at least 1");
    luaL_argcheck(L, limit >= 0, 5, "limit must not be negative");
    lua_createtable(L, m->n > INT32_MAX ? INT32_MAX : (int)m->n, 0);
    for (size_t h = 0; h < m->n; h++) {
        uint32_t s = m->starts[h], len = m->lens[h];
        if (len == 0 || s >= c->tokens.n || len > c->tokens.n - s)
            return luaL_error(L, "match_words: match %d is not of this corpus", (int)h + 1);
        const char *word = NULL;
        size_t wlen = 0;
        if (k <= limit) {
            need_token(L, c, s);
            uint32_t t = corpus_token_turn(c, s);
            uint32_t first = c->turns.v[t].tok_first, end = first + c->turns.v[t].tok_count;
            int64_t i = side == 0 ? (int64_t)s - 1 : side == 1 ? (int64_t)s + len : (int64_t)s;
            int64_t stop = side == 0   ? (int64_t)first - 1
                           : side == 1 ? (int64_t)end
                                       : (int64_t)s + len;
            int step = side == 0 ? -1 : 1;
            if (side == 2 && stop > end) stop = end;
            lua_Integer seen = 0;
            for (; i != stop; i += step) {
                const sm_form *f = &c->form_info.v[corpus_token_form(c, i)];
                if (f->kind > KIND_NUMBER || ++seen < k) continue;
                word = lex_str(&c->folds, f->fold, &wlen);
                break;
            }
        }
        if (word)
            lua_pushlstring(L, word, wlen);
        else
            lua_pushboolean(L, 0);
        lua_rawseti(L, -2, (lua_Integer)h + 1);
    }
    return 1;
}

/* c:match_permute(matches, order) -> samtal.Matches: the matches in the order given (order[i]
 * the index of the i-th, a permutation of 1..#matches), marked as out of corpus order, so that
 * the statistics, which rely on that order, refuse them. A sorted lazy concordance is built
 * over them. */
static int corpus_match_permute(lua_State *L) {
    check_corpus(L, 1);
    const sm_matches *m = own_matches(L);
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_argcheck(L, luaL_len(L, 3) == (lua_Integer)m->n, 3, "order must have one entry a match");
    size_t n = m->n ? m->n : 1;
    uint32_t *starts = malloc(n * sizeof *starts), *lens = malloc(n * sizeof *lens);
    uint8_t *seen = calloc(n, 1);
    void **b1 = anchor(L, starts), **b2 = anchor(L, lens), **b3 = anchor(L, seen);
    if (!starts || !lens || !seen) return luaL_error(L, "out of memory");
    for (size_t i = 0; i < m->n; i++) {
        lua_Integer o = (lua_rawgeti(L, 3, (lua_Integer)i + 1), lua_tointeger(L, -1));
        lua_pop(L, 1);
        if (o < 1 || (size_t)o > m->n || seen[o - 1])
            return luaL_error(L, "match_permute: order is no permutation of 1..%d (entry %d)",
                              (int)m->n, (int)i + 1);
        seen[o - 1] = 1;
        starts[i] = m->starts[o - 1], lens[i] = m->lens[o - 1];
    }
    sm_matches *out = lua_newuserdatauv(L, sizeof *out, 1);
    out->starts = starts, out->lens = lens, out->n = m->n, out->permuted = 1;
    *b1 = *b2 = NULL; /* the userdata owns them now */
    luaL_setmetatable(L, MATCHES_T);
    lua_getiuservalue(L, 2, 1);
    lua_setiuservalue(L, -2, 1);
    free(seen);
    *b3 = NULL;
    return 1;
}

#define LINEBUFS_T "samtal.LineBuffers"

/* The working buffers of c:match_lines, freed when it returns or by the collector after an
 * error. */
typedef struct line_bufs {
    sm_buf scratch[3];
    sm_kwic_line line;
} line_bufs;

static void line_bufs_free(line_bufs *lb) {
    for (int k = 0; k < 3; k++)
        buf_free(&lb->scratch[k]);
    buf_free(&lb->line.out);
}

static int line_bufs_gc(lua_State *L) {
    line_bufs_free(luaL_checkudata(L, 1, LINEBUFS_T));
    return 0;
}

/* The text field k of the hit table at the top of the stack, for hit i. */
static const char *hit_text(lua_State *L, lua_Integer i, const char *k, size_t *n) {
    if (lua_getfield(L, -1, k) != LUA_TSTRING)
        luaL_error(L, "match_lines: hit %d has no %s text", (int)i, k);
    const char *s = lua_tolstring(L, -1, n);
    lua_pop(L, 1); /* the hit table keeps the string */
    return s;
}

/* c:match_lines(matches, from, to, left, right, chars, clip, context, hits [, out]) -> out: the
 * concordance lines of matches from..to (1-based) of a samtal.Matches of this corpus, stored as
 * out[i] (out a new array if not given), each `left[match]right` shaped as Hits:text shapes a hit
 * (kwic_lines.h), `context` characters each side. A hit whose table is built already (hits[i]) is
 * shaped from the table's left, match and right; the others straight from the corpus, building no
 * table. */
/* The arguments c:match_lines and c:match_rows share (2 to 10), checked; the matches' tokens
 * checked to lie in the corpus, so that a refused call stores nothing. */
static int cmp_doc(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Decompresses ahead, on every core, the texts of the documents of matches from..to that a saved
 * corpus has not decompressed yet (store_prefetch_texts): the lines of a concordance read them. */
static void prefetch_match_texts(const sm_corpus *c, const sm_matches *m, lua_Integer from,
                                 lua_Integer to) {
    if (!c->store || to <= from) return;
    uint32_t *docs = malloc((size_t)(to - from + 1) * sizeof *docs);
    if (!docs) return; /* only ahead of time: each line still decompresses its own */
    size_t n = 0;
    for (lua_Integer i = from; i <= to; i++) {
        uint32_t d = corpus_token_doc(c, m->starts[i - 1]);
        if (!c->docs.v[d].text.s && (n == 0 || docs[n - 1] != d)) docs[n++] = d;
    }
    qsort(docs, n, sizeof *docs, cmp_doc); /* each document once: no two threads write one */
    size_t u = 0;
    for (size_t k = 0; k < n; k++)
        if (u == 0 || docs[u - 1] != docs[k]) docs[u++] = docs[k];
    store_prefetch_texts(c, docs, u);
    free(docs);
}

static const sm_matches *check_line_args(lua_State *L, const sm_corpus *c, const char *fname,
                                         lua_Integer *from, lua_Integer *to, kwic_opts *ko,
                                         lua_Integer *cols) {
    const sm_matches *m = own_matches(L);
    *from = luaL_checkinteger(L, 3), *to = luaL_checkinteger(L, 4);
    luaL_argcheck(L, *from >= 1 && *from <= *to && (size_t)*to <= m->n, 3, "no such matches");
    lua_Integer left, right;
    check_widths(L, 5, &left, &right);
    lua_Integer chars = luaL_optinteger(L, 7, 0);
    luaL_argcheck(L, chars >= 0 && chars <= 1000000, 7, "chars out of range 0..1000000");
    static const char *const clips[] = {"turn", "sentence", NULL};
    *ko = (kwic_opts){(uint32_t)left, (uint32_t)right, (uint32_t)chars,
                      luaL_checkoption(L, 8, "turn", clips)};
    *cols = luaL_checkinteger(L, 9);
    luaL_argcheck(L, *cols >= 1, 9, "context must be at least 1");
    luaL_checktype(L, 10, LUA_TTABLE);
    for (lua_Integer i = *from; i <= *to; i++) {
        uint32_t s = m->starts[i - 1], len = m->lens[i - 1];
        if (len == 0 || s >= c->tokens.n || len > c->tokens.n - s)
            luaL_error(L, "%s: match %d is not of this corpus", fname, (int)i);
    }
    return m;
}

/* A new line_bufs userdata on the stack. */
static line_bufs *push_line_bufs(lua_State *L) {
    line_bufs *lb = lua_newuserdatauv(L, sizeof *lb, 0);
    memset(lb, 0, sizeof *lb);
    luaL_setmetatable(L, LINEBUFS_T);
    return lb;
}

static int corpus_match_lines(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_Integer from, to, cols;
    kwic_opts ko;
    const sm_matches *m = check_line_args(L, c, "match_lines", &from, &to, &ko, &cols);
    if (lua_isnoneornil(L, 11)) { /* a new array, sized at once */
        lua_settop(L, 10);
        lua_createtable(L, to > INT32_MAX ? INT32_MAX : (int)to, 0);
    }
    luaL_checktype(L, 11, LUA_TTABLE);
    /* the buffers live in a userdata, so an error (a damaged document, no memory) frees them */
    line_bufs *lb = push_line_bufs(L);
    prefetch_match_texts(c, m, from, to);
    for (lua_Integer i = from; i <= to; i++) {
        uint32_t s = m->starts[i - 1], len = m->lens[i - 1];
        int rc;
        prefetch_ahead(c, m, i);
        if (lua_rawgeti(L, 10, i) == LUA_TTABLE) { /* built already: its own text */
            size_t ln, mn, rn;
            const char *l = hit_text(L, i, "left", &ln), *mt = hit_text(L, i, "match", &mn),
                       *r = hit_text(L, i, "right", &rn);
            rc = kwic_shape(&lb->line, l, ln, mt, mn, r, rn, (size_t)cols);
        } else {
            need_token(L, c, s);
            need_token(L, c, s + len - 1);
            need_text(L, c, corpus_token_doc(c, s));
            rc = kwic_line(c, s, len, &ko, (size_t)cols, lb->scratch, &lb->line);
        }
        lua_pop(L, 1);
        if (rc) return luaL_error(L, "out of memory");
        lua_pushlstring(L, lb->line.out.s, lb->line.out.n);
        lua_rawseti(L, 11, i);
    }
    line_bufs_free(lb);
    lua_pushvalue(L, 11);
    return 1;
}

/* Pushes format.clock's text of t seconds: h:mm:ss. */
static void push_clock(lua_State *L, double t) {
    lua_Integer sec = t >= 0 && t < 9.2e18 ? (lua_Integer)t : 0; /* floor, t being >= 0 */
    char s[64];
    snprintf(s, sizeof s, "%lld:%02lld:%02lld", (long long)(sec / 3600),
             (long long)(sec % 3600 / 60), (long long)(sec % 60));
    lua_pushstring(L, s);
}

/* c:match_rows(matches, from, to, left, right, chars, clip, context, hits, rows): what Hits:text
 * shows of matches from..to, each as rows[1][i] .. rows[6][i]: "doc:line", the turn's start as
 * h:mm:ss (false without one), the speaker ("-" without one), the shaped left context, match and
 * right context (kwic_lines.h). A hit whose table is built already (hits[i]) is left out, for
 * the caller to take from its table. */
static int corpus_match_rows(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_Integer from, to, cols;
    kwic_opts ko;
    const sm_matches *m = check_line_args(L, c, "match_rows", &from, &to, &ko, &cols);
    luaL_checktype(L, 11, LUA_TTABLE);
    lua_settop(L, 11);
    for (int k = 1; k <= 6; k++)
        if (lua_rawgeti(L, 11, k) != LUA_TTABLE) return luaL_argerror(L, 11, "six arrays expected");
    /* rows[1] .. rows[6] at 12 .. 17 */
    line_bufs *lb = push_line_bufs(L);
    prefetch_match_texts(c, m, from, to);
    for (lua_Integer i = from; i <= to; i++) {
        prefetch_ahead(c, m, i);
        if (lua_rawgeti(L, 10, i) != LUA_TNIL) { /* built already */
            lua_pop(L, 1);
            continue;
        }
        lua_pop(L, 1);
        uint32_t s = m->starts[i - 1], len = m->lens[i - 1];
        need_token(L, c, s);
        need_token(L, c, s + len - 1);
        need_text(L, c, corpus_token_doc(c, s));
        if (kwic_line(c, s, len, &ko, (size_t)cols, lb->scratch, &lb->line))
            return luaL_error(L, "out of memory");
        uint32_t turn = corpus_token_turn(c, s);
        const sm_turn *tr = &c->turns.v[turn];
        const sm_doc *d = &c->docs.v[tr->doc];
        const sm_rawturn *rt = &d->layout.turns.v[tr->index];
        lua_pushfstring(L, "%s:%I", d->name,
                        (lua_Integer)text_line_of(&d->text, corpus_token_off(c, s)));
        lua_rawseti(L, 12, i);
        if (rt->start >= 0)
            push_clock(L, rt->start);
        else
            lua_pushboolean(L, 0);
        lua_rawseti(L, 13, i);
        if (tr->speaker == SM_NONE)
            lua_pushliteral(L, "-");
        else
            lua_pushstring(L, corpus_speaker_name(c, corpus_speaker_of(c, turn), NULL));
        lua_rawseti(L, 14, i);
        const sm_kwic_line *ln = &lb->line;
        lua_pushlstring(L, ln->out.s, ln->left_end);
        lua_rawseti(L, 15, i);
        lua_pushlstring(L, ln->out.s + ln->match_start, ln->match_end - ln->match_start);
        lua_rawseti(L, 16, i);
        lua_pushlstring(L, ln->out.s + ln->right_start, ln->out.n - ln->right_start);
        lua_rawseti(L, 17, i);
    }
    line_bufs_free(lb);
    return 0;
}

/* c:match_hit(matches, i, left, right, chars, clip) -> the hit table of match i (1-based) of a
 * samtal.Matches, as c:find(program, "hits", ...) builds it: a concordance builds its lines on
 * demand, so that counting or showing the first lines of a million matches costs no million
 * tables. */
static int corpus_match_hit(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    const sm_matches *m = luaL_checkudata(L, 2, MATCHES_T);
    lua_Integer i = luaL_checkinteger(L, 3);
    luaL_argcheck(L, i >= 1 && (size_t)i <= m->n, 3, "no such match");
    lua_Integer left, right;
    check_widths(L, 4, &left, &right);
    lua_Integer chars = luaL_optinteger(L, 6, 0);
    luaL_argcheck(L, chars >= 0 && chars <= 1000000, 6, "chars out of range 0..1000000");
    static const char *const clips[] = {"turn", "sentence", NULL};
    kwic_opts ko = {(uint32_t)left, (uint32_t)right, (uint32_t)chars,
                    luaL_checkoption(L, 7, "turn", clips)};
    uint32_t s = m->starts[i - 1], len = m->lens[i - 1];
    if (len == 0 || s >= c->tokens.n || len > c->tokens.n - s)
        return luaL_error(L, "match_hit: match %d is not of this corpus", (int)i);
    push_hit(L, c, s, len, &ko, NULL);
    return 1;
}

/* c:token(i) -> {form, folded, kind, sentence, turn, doc, offset, length, line} */
static int corpus_token(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t t = check_index(L, 2, c->tokens.n, "no such token");
    need_token(L, c, t);
    const sm_form *f = &c->form_info.v[corpus_token_form(c, t)];
    uint32_t turn = corpus_token_turn(c, t);
    const sm_doc *d = &c->docs.v[c->turns.v[turn].doc];
    uint32_t off = corpus_token_off(c, t);
    size_t n;
    const char *s = lex_str(&c->forms, corpus_token_form(c, t), &n);
    lua_createtable(L, 0, 10);
    set_str(L, "form", s, n);
    s = lex_str(&c->folds, f->fold, &n);
    set_str(L, "folded", s, n);
    lua_pushstring(L, sm_kind_names[f->kind]);
    lua_setfield(L, -2, "kind");
    set_int(L, "sentence", (lua_Integer)corpus_token_sentence(c, t) + 1);
    set_int(L, "turn_id", (lua_Integer)turn + 1);
    set_int(L, "turn", (lua_Integer)c->turns.v[turn].index + 1);
    lua_pushstring(L, d->name);
    lua_setfield(L, -2, "doc");
    need_text(L, c, (uint32_t)(d - c->docs.v)); /* the column is counted in the text */
    set_source_fields(L, d, off, off + corpus_token_len(c, t), NULL);
    push_token_times(L, c, t, t, "start", "stop");
    return 1;
}

/* c:context(position, length, left, right) -> left text, right text: the context of the
 * `length` tokens at token id `position`, `left`/`right` words each side, within the turn. */
static int corpus_context(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t s = check_index(L, 2, c->tokens.n, "no such token");
    lua_Integer len = luaL_checkinteger(L, 3), left = luaL_checkinteger(L, 4),
                right = luaL_checkinteger(L, 5);
    luaL_argcheck(L, len >= 1 && (size_t)s + (size_t)len <= c->tokens.n, 3,
                  "match runs past the corpus");
    luaL_argcheck(L, left >= 0 && left <= 10000, 4, "width out of range 0..10000");
    luaL_argcheck(L, right >= 0 && right <= 10000, 5, "width out of range 0..10000");
    need_token(L, c, s);
    need_token(L, c, s + (uint32_t)len - 1);
    uint32_t e = s + (uint32_t)len - 1, first, last, turn = corpus_token_turn(c, s);
    kwic_context(c, s, (uint32_t)len, (uint32_t)left, (uint32_t)right, 0, &first, &last);
    uint32_t ms = corpus_token_off(c, s), me = corpus_token_off(c, e) + corpus_token_len(c, e);
    push_turn_text(L, c, turn, corpus_token_off(c, first), ms);
    push_turn_text(L, c, turn, me, corpus_token_off(c, last) + corpus_token_len(c, last));
    return 2;
}

/* Splits s into segments, calling next(s, len, pos) for each boundary. */
static int push_segments(lua_State *L, int sentences) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    unsigned flags = 0;
    if (!sentences && !lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (get_bool_opt(L, 2, "hyphens")) flags |= SEG_JOIN_HYPHENS;
    }
    lua_newtable(L);
    lua_Integer k = 0;
    for (size_t pos = 0; pos < len;) {
        size_t end = sentences ? seg_next_sentence(s, len, pos) : seg_next_word(s, len, pos, flags);
        lua_pushlstring(L, s + pos, end - pos);
        lua_rawseti(L, -2, ++k);
        pos = end;
    }
    return 1;
}

static int core_segment(lua_State *L) {
    return push_segments(L, 0);
}
static int core_sentences(lua_State *L) {
    return push_segments(L, 1);
}

/* core.fold(s) -> s case-folded and NFC-normalised */
static int core_fold(lua_State *L) {
    size_t len, n;
    const char *s = luaL_checklstring(L, 1, &len);
    char *f = corpus_fold(s, len, &n);
    if (!f) return luaL_error(L, "fold: invalid UTF-8 in argument");
    lua_pushlstring(L, f, n);
    free(f);
    return 1;
}

/* core.collate_key(s, locale) -> a byte string whose plain comparison orders as the locale's
 * collation (strxfrm_l), e.g. "sv_SE.UTF-8": a to z, then å ä ö. */
static int core_collate_key(lua_State *L) {
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    const char *name = luaL_checkstring(L, 2);
    if (memchr(s, '\0', len)) return luaL_argerror(L, 1, "string contains a NUL byte");
    locale_t loc = newlocale(LC_COLLATE_MASK, name, (locale_t)0);
    if (!loc)
        return luaL_error(L, "collation locale %s is not installed (generate it with locale-gen)",
                          name);
    size_t need = strxfrm_l(NULL, s, 0, loc) + 1;
    luaL_Buffer b;
    char *out = luaL_buffinitsize(L, &b, need);
    strxfrm_l(out, s, need, loc);
    freelocale(loc);
    luaL_pushresultsize(&b, strlen(out));
    return 1;
}

/* core.isatty(fd) -> whether file descriptor fd (0, 1, 2) is a terminal */
static int core_isatty(lua_State *L) {
    lua_pushboolean(L, isatty((int)luaL_checkinteger(L, 1)));
    return 1;
}

/* core.clock() -> seconds on a monotonic clock, for timing (benchmarks, progress) */
static int core_clock(lua_State *L) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* core.listdir(path, suffix) -> sorted array of entry names ending in suffix (regular files) */
static int core_listdir(lua_State *L) {
    const char *path = luaL_checkstring(L, 1);
    const char *suffix = luaL_optstring(L, 2, "");
    size_t sl = strlen(suffix);
    DIR *dir = opendir(path);
    if (!dir) return luaL_error(L, "cannot open %s: %s", path, strerror(errno));
    VEC(char *) names = {0};
    struct dirent *e;
    int oom = 0;
    while (!oom && (e = readdir(dir)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (e->d_name[0] == '.' || nl < sl || strcmp(e->d_name + nl - sl, suffix) != 0) continue;
        char *copy = malloc(nl + 1);
        if (!copy || VEC_PUSH(names, copy)) {
            free(copy);
            oom = 1;
            break;
        }
        memcpy(copy, e->d_name, nl + 1);
    }
    closedir(dir);
    if (!oom) {
        if (names.n) qsort(names.v, names.n, sizeof *names.v, cmp_str);
        lua_createtable(L, (int)names.n, 0);
    }
    for (size_t i = 0; i < names.n; i++) {
        if (!oom) {
            lua_pushstring(L, names.v[i]);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        free(names.v[i]);
    }
    VEC_FREE(names);
    if (oom) return luaL_error(L, "out of memory listing %s", path);
    return 1;
}

/* core.filetype(path) -> "file", "directory", "other", or nil plus a message */
static int core_filetype(lua_State *L) {
    const char *path = luaL_checkstring(L, 1);
    struct stat st;
    if (stat(path, &st) != 0) {
        luaL_pushfail(L);
        lua_pushfstring(L, "cannot open %s: %s", path, strerror(errno));
        return 2;
    }
    lua_pushstring(L, S_ISDIR(st.st_mode) ? "directory" : S_ISREG(st.st_mode) ? "file" : "other");
    return 1;
}

/* Sets the fields every quotation and quote shares: where it is (doc, path, turn, speaker,
 * line, column, page, start), its text as in the source, the byte range in the source file,
 * and `at` = {turn_first, from, turn_last, to}, which c:stretch_verify takes back. *bbox anchors
 * the scratch buffer b. */
static void set_stretch(lua_State *L, const sm_corpus *c, const sm_stretch *s, sm_buf *b,
                        void **bbox) {
    const sm_turn *tr = &c->turns.v[s->turn_first];
    CORPUS_EXPECT_CHECKED(c, tr->doc);
    const sm_doc *d = &c->docs.v[tr->doc];
    const sm_rawturn *rt = &d->layout.turns.v[tr->index];
    b->n = 0;
    int rc = quotes_text(c, s, b);
    *bbox = b->s;
    if (rc) luaL_error(L, "out of memory");
    set_str(L, "text", b->s, b->n);
    uint64_t off, len;
    quotes_source_range(c, s, &off, &len);
    set_int(L, "offset", (lua_Integer)off);
    set_int(L, "length", (lua_Integer)len);
    set_int(L, "line", (lua_Integer)text_line_of(&d->text, s->from));
    set_int(L, "column", (lua_Integer)text_column_of(&d->text, s->from));
    set_int(L, "page", (lua_Integer)quotes_page_of(c, tr->doc, s->from));
    lua_pushstring(L, d->name);
    lua_setfield(L, -2, "doc");
    lua_pushstring(L, d->path);
    lua_setfield(L, -2, "path");
    set_int(L, "doc_index", (lua_Integer)tr->doc + 1);
    set_int(L, "turn", (lua_Integer)tr->index + 1);
    set_int(L, "turn_id", (lua_Integer)s->turn_first + 1);
    push_speaker(L, c, s->turn_first);
    if (rt->start >= 0) {
        lua_pushnumber(L, rt->start);
        lua_setfield(L, -2, "start");
    }
    push_stop(L, c, s->turn_first);
    uint32_t first, last;
    if (quotes_tokens(c, s, &first, &last)) {
        set_int(L, "sentence", (lua_Integer)corpus_token_sentence(c, first) + 1);
        set_int(L, "first_token", (lua_Integer)first + 1);
        set_int(L, "last_token", (lua_Integer)last + 1);
    }
    lua_createtable(L, 4, 0);
    lua_pushinteger(L, (lua_Integer)s->turn_first + 1);
    lua_rawseti(L, -2, 1);
    lua_pushinteger(L, (lua_Integer)s->from);
    lua_rawseti(L, -2, 2);
    lua_pushinteger(L, (lua_Integer)s->turn_last + 1);
    lua_rawseti(L, -2, 3);
    lua_pushinteger(L, (lua_Integer)s->to);
    lua_rawseti(L, -2, 4);
    lua_setfield(L, -2, "at");
}

/* c:quotation_list(turn_id) -> quotations, unmatched: the quotations of one turn (see
 * quotes_find), each with depth and the set_stretch fields, and its unpaired marks as
 * {line, column, offset}. */
static int corpus_quotation_list(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t t = check_index(L, 2, c->turns.n, "no such turn");
    sm_quotations q = {0};
    sm_unmatcheds u = {0};
    sm_error err;
    int rc = quotes_find(c, t, &q, &u, &err);
    anchor(L, q.v); /* freed by the collector, even if a push below raises */
    anchor(L, u.v);
    void **bbox = anchor(L, NULL);
    if (rc) raise_err(L, &err);
    sm_buf b = {0};
    lua_createtable(L, (int)q.n, 0);
    for (size_t i = 0; i < q.n; i++) {
        lua_createtable(L, 0, 18);
        set_stretch(L, c, &q.v[i].at, &b, bbox);
        set_int(L, "depth", (lua_Integer)q.v[i].depth);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    const sm_text *text = &c->docs.v[c->turns.v[t].doc].text;
    lua_createtable(L, (int)u.n, 0);
    for (size_t i = 0; i < u.n; i++) {
        lua_createtable(L, 0, 4);
        set_int(L, "line", (lua_Integer)text_line_of(text, u.v[i].off));
        set_int(L, "column", (lua_Integer)text_column_of(text, u.v[i].off));
        set_int(L, "offset", (lua_Integer)text_source_offset(text, u.v[i].off));
        set_int(L, "turn_id", (lua_Integer)t + 1);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 2;
}

/* Whether one of the n matches m ({first, last} pairs, ascending by first) lies wholly in tokens
 * first..last. */
static int holds_match(const uint32_t *m, size_t n, uint32_t first, uint32_t last) {
    size_t lo = 0, hi = n; /* the first match starting at or after `first` */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[2 * mid] < first)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < n && m[2 * k] <= last; k++)
        if (m[2 * k + 1] <= last) return 1;
    return 0;
}

/* c:speech_sentences(doc [, speaker [, matches]]): the sentences of speech of a document (of one
 * speaker), each a table; with matches, only those that hold one of them wholly. */
static int corpus_speech_sentences(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    uint32_t d = check_index(L, 2, c->docs.n, "no such document");
    const char *speaker = luaL_optstring(L, 3, NULL);
    uint32_t sid = SM_NONE;
    if (speaker) {
        sid = corpus_find_speaker(c, speaker, strlen(speaker));
        if (sid == SM_NONE) {
            lua_newtable(L);
            return 1;
        }
    }
    /* argument 4, if given: the matches ({first, last} token ids, ascending by first) of which
     * a sentence must hold one wholly to be given */
    uint32_t *match = NULL;
    size_t nmatch = 0;
    int filter = !lua_isnoneornil(L, 4);
    if (filter) {
        luaL_checktype(L, 4, LUA_TTABLE);
        nmatch = (size_t)lua_rawlen(L, 4);
        match = lua_newuserdatauv(L, nmatch * 2 * sizeof *match + 1, 0);
        for (size_t k = 0; k < nmatch; k++) {
            for (int e = 0; e < 2; e++) {
                lua_rawgeti(L, 4, (lua_Integer)k + 1);
                luaL_argcheck(L, lua_type(L, -1) == LUA_TTABLE, 4, "{first, last} pairs expected");
                lua_rawgeti(L, -1, e + 1);
                lua_Integer v = lua_tointeger(L, -1);
                luaL_argcheck(L, v >= 1 && v <= (lua_Integer)c->tokens.n, 4,
                              "token id out of range");
                match[2 * k + (size_t)e] = (uint32_t)(v - 1);
                lua_pop(L, 2);
            }
            luaL_argcheck(L, k == 0 || match[2 * k] >= match[2 * k - 2], 4,
                          "matches in ascending order expected");
        }
    }
    sm_spans sp = {0};
    sm_error err;
    int rc = quotes_sentences(c, d, sid, &sp, &err);
    anchor(L, sp.v);
    void **bbox = anchor(L, NULL);
    if (rc) raise_err(L, &err);
    sm_buf b = {0};
    lua_createtable(L, filter ? 0 : (int)sp.n, 0);
    lua_Integer out = 0;
    for (size_t i = 0; i < sp.n; i++) {
        if (filter && !holds_match(match, nmatch, sp.v[i].tok_first, sp.v[i].tok_last)) continue;
        lua_createtable(L, 0, 20);
        set_stretch(L, c, &sp.v[i].at, &b, bbox);
        set_int(L, "words", (lua_Integer)sp.v[i].words);
        set_int(L, "first_token", (lua_Integer)sp.v[i].tok_first + 1);
        set_int(L, "last_token", (lua_Integer)sp.v[i].tok_last + 1);
        set_int(L, "turns", (lua_Integer)(sp.v[i].at.turn_last - sp.v[i].at.turn_first) + 1);
        lua_rawseti(L, -2, ++out);
    }
    return 1;
}

/* c:stretch_verify(turn_first, from, turn_last, to) -> true, or false plus a message naming
 * the file: whether the source file still holds the stretch's text (an `at` of set_stretch). */
static int corpus_stretch_verify(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    sm_stretch s;
    s.turn_first = check_index(L, 2, c->turns.n, "no such turn");
    s.turn_last = check_index(L, 4, c->turns.n, "no such turn");
    lua_Integer from = luaL_checkinteger(L, 3), to = luaL_checkinteger(L, 5);
    need_turn(L, c, s.turn_first);
    need_turn(L, c, s.turn_last);
    luaL_argcheck(L,
                  s.turn_last >= s.turn_first &&
                      c->turns.v[s.turn_first].doc == c->turns.v[s.turn_last].doc,
                  4, "turns of one document expected");
    uint32_t a, z;
    corpus_turn_bounds(c, s.turn_first, &a, &z);
    luaL_argcheck(L, from >= a && from <= z, 3, "offset outside the turn");
    corpus_turn_bounds(c, s.turn_last, &a, &z);
    luaL_argcheck(L, to >= a && to <= z && (s.turn_last > s.turn_first || to >= from), 5,
                  "offset outside the turn");
    s.from = (uint32_t)from;
    s.to = (uint32_t)to;
    sm_error err;
    int rc = quotes_verify(c, &s, &err);
    if (rc < 0) raise_err(L, &err);
    if (rc == 0) {
        luaL_pushfail(L);
        lua_pushstring(L, err.msg);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* c:fingerprint() -> 16 hex digits: the content hash of the corpus (fingerprint.h). */
static int corpus_fingerprint(lua_State *L) {
    char hex[17];
    sm_corpus *c = check_corpus(L, 1);
    sm_error err;
    if (corpus_check_texts(c, &err)) raise_err(L, &err); /* it reads every document */
    fingerprint_hex(fingerprint_corpus(c), hex);
    lua_pushstring(L, hex);
    return 1;
}

/* c:set_aliases(rules): adds alias rules ({label, name, doc}, checked by the Lua layer) and
 * applies them all; an unknown label raises, naming it, and changes nothing. */
static int corpus_set_aliases(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    set_alias_rules(L, c, 2);
    return 0;
}

/* c:alias_rules() -> the alias rules in the order set: {label, name, doc (or nil)} */
static int corpus_alias_rules(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_createtable(L, (int)c->aliases.n, 0);
    for (size_t k = 0; k < c->aliases.n; k++) {
        const sm_alias *a = &c->aliases.v[k];
        lua_createtable(L, 0, 3);
        lua_pushstring(L, a->label);
        lua_setfield(L, -2, "label");
        lua_pushstring(L, a->name);
        lua_setfield(L, -2, "name");
        if (a->doc) {
            lua_pushstring(L, a->doc);
            lua_setfield(L, -2, "doc");
        }
        lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    return 1;
}

static const luaL_Reg corpus_methods[] = {{"close", corpus_close},
                                          {"set_aliases", corpus_set_aliases},
                                          {"alias_rules", corpus_alias_rules},
                                          {"stats", corpus_stats},
                                          {"document", corpus_document},
                                          {"speaker_list", corpus_speaker_list},
                                          {"turn", corpus_turn},
                                          {"turn_ids", corpus_turn_ids},
                                          {"token_doc", corpus_token_doc_index},
                                          {"token_turn", corpus_token_turn_id},
                                          {"count", corpus_count},
                                          {"kwic_hits", corpus_kwic_hits},
                                          {"token", corpus_token},
                                          {"context", corpus_context},
                                          {"formset", corpus_formset},
                                          {"formset_ids", corpus_formset_ids},
                                          {"forms", corpus_forms},
                                          {"turnset", corpus_turnset},
                                          {"eventset", corpus_eventset},
                                          {"find", corpus_find},
                                          {"match_hit", corpus_match_hit},
                                          {"match_hits", corpus_match_hits},
                                          {"match_words", corpus_match_words},
                                          {"match_permute", corpus_match_permute},
                                          {"match_lines", corpus_match_lines},
                                          {"match_rows", corpus_match_rows},
                                          {"check_matches", corpus_check_matches},
                                          {"save_file", corpus_save},
                                          {"saved_metadata", corpus_saved_metadata},
                                          {"attrset", corpus_attrset},
                                          {"attributes", corpus_attributes},
                                          {"warnings", corpus_warnings},
                                          {"verify", corpus_verify},
                                          {"quotation_list", corpus_quotation_list},
                                          {"speech_sentences", corpus_speech_sentences},
                                          {"stretch_verify", corpus_stretch_verify},
                                          {"fingerprint", corpus_fingerprint},
                                          {NULL, NULL}};

static const luaL_Reg core_functions[] = {{"open", core_open},
                                          {"segment", core_segment},
                                          {"sentences", core_sentences},
                                          {"fold", core_fold},
                                          {"listdir", core_listdir},
                                          {"filetype", core_filetype},
                                          {"collate_key", core_collate_key},
                                          {"clock", core_clock},
                                          {"isatty", core_isatty},
                                          {NULL, NULL}};

int luaopen_samtal_core(lua_State *L);

int luaopen_samtal_core(lua_State *L) {
    luaL_newmetatable(L, CORPUS_T);
    luaL_newlib(L, corpus_methods);
    binding_stats_register(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__index");
    lua_setfield(L, -2, "methods"); /* the Lua layer adds its methods to this table */
    lua_pushcfunction(L, corpus_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, corpus_close);
    lua_setfield(L, -2, "__close");
    lua_pushstring(L, CORPUS_T);
    lua_setfield(L, -2, "__name");
    luaL_newmetatable(L, SET_T);
    lua_pushcfunction(L, set_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, set_len);
    lua_setfield(L, -2, "__len");
    lua_pop(L, 1);
    luaL_newmetatable(L, LINEBUFS_T);
    lua_pushcfunction(L, line_bufs_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, OWNED_T);
    lua_pushcfunction(L, owned_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newlib(L, core_functions);
    lua_getfield(L, -2, "methods");
    lua_setfield(L, -2, "Corpus");
    return 1;
}
