/* binding_export.c: the Lua face of export.c: c:export_vrt(path, text_tags). */
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
    if (stats_check_corpus(c, &err)) raise_err(L, &err); /* a saved corpus: every document */
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

static const luaL_Reg export_methods[] = {{"export_vrt", corpus_export_vrt}, {NULL, NULL}};

void binding_export_register(lua_State *L) {
    luaL_setfuncs(L, export_methods, 0);
}
