/* main.c: the samtal command, a Lua 5.4 interpreter with samtal built in.
 *
 *   samtal script.lua ARGS...   runs a script (ARGS in `arg` and `...`, as with lua)
 *   samtal -e 'CODE' [ARGS...]  runs code
 *   samtal [PATH...]            an interactive session, PATHs opened as the corpus `c`
 *
 * The Lua layer (lua/samtal/ *.lua) is compiled in (build/gen/embedded_lua.c), so the command
 * works from any directory without LUA_PATH. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

int luaopen_samtal_core(lua_State *L);

/* From the generated embedded_lua.c. */
typedef struct embedded_module {
    const char *name, *chunkname, *source;
    size_t len;
} embedded_module;
extern const embedded_module samtal_embedded_modules[];

static const char *const usage =
    "usage: samtal [PATH...]                 interactive session with PATHs opened as c\n"
    "       samtal index PATH... -o OUT.samtal  build and save an indexed corpus\n"
    "       samtal SCRIPT.lua [ARG...]       run a script\n"
    "       samtal -e CODE [ARG...]          run Lua code\n"
    "       samtal -v | --version            print the version\n"
    "       samtal -h | --help               this help\n";

static int message_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (!msg) msg = luaL_tolstring(L, 1, NULL);
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Installs samtal.core and the embedded Lua modules into package.preload. */
static void preload_samtal(lua_State *L) {
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_samtal_core);
    lua_setfield(L, -2, "samtal.core");
    for (const embedded_module *m = samtal_embedded_modules; m->name; m++) {
        if (luaL_loadbufferx(L, m->source, m->len, m->chunkname, "t") != LUA_OK)
            lua_error(L); /* a broken build; reported by the protected caller */
        lua_setfield(L, -2, m->name);
    }
    lua_pop(L, 1);
}

/* Builds `arg` as lua.c does: arg[0] is the script, arg[1..] its arguments. */
static void make_arg(lua_State *L, char **argv, int argc, int script) {
    lua_createtable(L, argc - script - 1, script + 1);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    lua_setglobal(L, "arg");
}

typedef struct run_args {
    int argc;
    char **argv;
} run_args;

static int run(lua_State *L) {
    run_args *ra = lua_touserdata(L, 1);
    int argc = ra->argc;
    char **argv = ra->argv;
    luaL_openlibs(L);
    preload_samtal(L);
    lua_getglobal(L, "require");
    lua_pushstring(L, "samtal");
    lua_call(L, 1, 1);
    lua_setglobal(L, "samtal");
    lua_pushcfunction(L, message_handler);
    int handler = lua_gettop(L);
    int first = 1, status;
    if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        lua_getglobal(L, "samtal");
        lua_getfield(L, -1, "_VERSION");
        printf("samtal %s (%s)\n", lua_tostring(L, -1), LUA_RELEASE);
        return 0;
    }
    if (argc > 2 && strcmp(argv[1], "-e") == 0) {
        make_arg(L, argv, argc, 2);
        status = luaL_loadbuffer(L, argv[2], strlen(argv[2]), "=(command line)");
        first = 3;
    } else if (argc > 1 && strlen(argv[1]) > 4 &&
               strcmp(argv[1] + strlen(argv[1]) - 4, ".lua") == 0) {
        make_arg(L, argv, argc, 1);
        status = luaL_loadfile(L, argv[1]);
        first = 2;
    } else if (argc > 1 && strcmp(argv[1], "index") == 0) {
        /* subcommands live in samtal.cli; the result is the exit status */
        make_arg(L, argv, argc, 1);
        lua_getglobal(L, "require");
        lua_pushstring(L, "samtal.cli");
        lua_call(L, 1, 1);
        lua_getfield(L, -1, "run");
        for (int i = 1; i < argc; i++)
            lua_pushstring(L, argv[i]);
        if (lua_pcall(L, argc - 1, 1, handler) != LUA_OK) {
            fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
            lua_pushinteger(L, 1);
        }
        return 1;
    } else if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
        fprintf(stderr, "samtal: unknown option '%s'\n%s", argv[1], usage);
        lua_pushinteger(L, 2);
        return 1;
    } else {
        make_arg(L, argv, argc, 0);
        lua_getglobal(L, "require");
        lua_pushstring(L, "samtal.repl");
        lua_call(L, 1, 1);
        status = LUA_OK;
        first = 1;
    }
    if (status != LUA_OK) {
        fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
        lua_pushinteger(L, 1);
        return 1;
    }
    for (int i = first; i < argc; i++)
        lua_pushstring(L, argv[i]);
    if (lua_pcall(L, argc - first, 0, handler) != LUA_OK) {
        fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
        lua_pushinteger(L, 1);
        return 1;
    }
    lua_pushinteger(L, 0);
    return 1;
}

int main(int argc, char **argv) {
    lua_State *L = luaL_newstate();
    if (!L) {
        fputs("samtal: cannot create Lua state: out of memory\n", stderr);
        return 1;
    }
    run_args ra = {argc, argv};
    lua_pushcfunction(L, run);
    lua_pushlightuserdata(L, &ra);
    int code = 1;
    if (lua_pcall(L, 1, 1, 0) != LUA_OK)
        fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
    else
        code = (int)lua_tointeger(L, -1);
    lua_close(L);
    return code;
}
