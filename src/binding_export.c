/* binding_export.c: the Lua face of export.c: c:export_vrt(path, text_tags),
 * c:export_json(path, version, metas), and c:imported_meta(i) for what import.c read. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "binding.h"
#include "export.h"
#include "stats.h"

/* c:export_vrt(path, text_tags) -> path: writes the corpus as VRT to `path`.part and renames it,
 * so that a failed export never leaves half a file under the name asked. text_tags[d] is the
 * whole opening <text ...> line of document d. */
static int corpus_export_vrt(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    const char *path = luaL_checkstring(L, 2);
    sm_error err;
    if (corpus_check_texts(c, &err)) raise_err(L, &err); /* a saved corpus: every document */
    luaL_checktype(L, 3, LUA_TTABLE);
    size_t nd = c->docs.n;
    const char **tags = lua_newuserdatauv(L, (nd ? nd : 1) * sizeof *tags, 0);
    for (size_t d = 0; d < nd; d++) {
        /* the strings stay alive in the table at argument 3 while the export runs */
        lua_geti(L, 3, (lua_Integer)d + 1);
        tags[d] = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
        lua_pop(L, 1);
        if (!tags[d]) return luaL_error(L, "export: no <text> tag for document %d", (int)d + 1);
    }
    const char *tmp = lua_pushfstring(L, "%s.part", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) return luaL_error(L, "export: cannot write %s: %s", tmp, strerror(errno));
    int rc = export_vrt(c, tags, f, &err);
    if (fclose(f) != 0 && rc == 0) rc = sm_errorf(&err, "%s", strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0) rc = sm_errorf(&err, "%s", strerror(errno));
    if (rc) {
        remove(tmp);
        return luaL_error(L, "export: cannot write %s: %s", path, err.msg);
    }
    lua_pushstring(L, path);
    return 1;
}

/* Writes with `write` to `path`.part and renames it to path; raises naming path on failure. */
static void write_atomically(lua_State *L, const char *path,
                             int (*write)(const sm_corpus *, void *, FILE *, sm_error *),
                             const sm_corpus *c, void *ud) {
    sm_error err;
    const char *tmp = lua_pushfstring(L, "%s.part", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) luaL_error(L, "export: cannot write %s: %s", tmp, strerror(errno));
    int rc = write(c, ud, f, &err);
    if (fclose(f) != 0 && rc == 0) rc = sm_errorf(&err, "%s", strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0) rc = sm_errorf(&err, "%s", strerror(errno));
    if (rc) {
        remove(tmp);
        luaL_error(L, "export: cannot write %s: %s", path, err.msg);
    }
    lua_pop(L, 1);
}

typedef struct json_args {
    const char *version;
    const char *const *metas;
} json_args;

static int write_json(const sm_corpus *c, void *ud, FILE *f, sm_error *err) {
    const json_args *a = ud;
    return export_json(c, a->version, a->metas, f, err);
}

/* c:export_json(path, version, metas) -> path: writes samtal's JSON (export.h). metas[d] is a
 * list {key1, value1, key2, value2, ...} of document d's metadata, in column order. */
static int corpus_export_json(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    const char *path = luaL_checkstring(L, 2);
    const char *version = luaL_checkstring(L, 3);
    luaL_checktype(L, 4, LUA_TTABLE);
    sm_error err;
    if (corpus_check_texts(c, &err)) raise_err(L, &err);
    size_t nd = c->docs.n;
    const char **metas = lua_newuserdatauv(L, (nd ? nd : 1) * sizeof *metas, 0);
    lua_createtable(L, (int)nd, 0); /* anchors the JSON objects while the export runs */
    int anchor = lua_gettop(L);
    for (size_t d = 0; d < nd; d++) {
        sm_buf b = {0};
        int rc = buf_putc(&b, '{');
        lua_geti(L, 4, (lua_Integer)d + 1);
        if (lua_istable(L, -1)) {
            for (lua_Integer k = 1;; k += 2) {
                size_t kn, vn;
                lua_geti(L, -1, k);
                lua_geti(L, -2, k + 1);
                const char *key = lua_tolstring(L, -2, &kn), *val = lua_tolstring(L, -1, &vn);
                if (key && val)
                    rc |= (k > 1 ? buf_append(&b, ", ", 2) : 0) | export_json_string(&b, key, kn) |
                          buf_append(&b, ": ", 2) | export_json_string(&b, val, vn);
                lua_pop(L, 2);
                if (!key || !val) break;
            }
        }
        lua_pop(L, 1);
        rc |= buf_putc(&b, '}');
        if (rc) {
            buf_free(&b);
            return luaL_error(L, "export: out of memory");
        }
        lua_pushlstring(L, b.s, b.n);
        buf_free(&b);
        metas[d] = lua_tostring(L, -1);
        lua_rawseti(L, anchor, (lua_Integer)d + 1);
    }
    json_args a = {version, metas};
    write_atomically(L, path, write_json, c, &a);
    lua_pushstring(L, path);
    return 1;
}

/* c:imported_meta(i) -> {key1, value1, ...} or nil: the metadata that document i brought from
 * samtal's JSON export (import.c), in the order the file has it. */
static int corpus_imported_meta(lua_State *L) {
    sm_corpus *c = check_corpus(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    luaL_argcheck(L, i >= 1 && (lua_Unsigned)i <= c->docs.n, 2, "no such document");
    const sm_doc *d = &c->docs.v[i - 1];
    if (c->store || d->meta.n == 0) return 0; /* a saved corpus keeps no such metadata */
    lua_newtable(L);
    lua_Integer k = 0;
    for (size_t p = 0; p < d->meta.n;) {
        size_t len = strlen(d->meta.s + p);
        lua_pushlstring(L, d->meta.s + p, len);
        lua_rawseti(L, -2, ++k);
        p += len + 1;
    }
    return 1;
}

static const luaL_Reg export_methods[] = {{"export_vrt", corpus_export_vrt},
                                          {"export_json", corpus_export_json},
                                          {"imported_meta", corpus_imported_meta},
                                          {NULL, NULL}};

void binding_export_register(lua_State *L) {
    luaL_setfuncs(L, export_methods, 0);
}
