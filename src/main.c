/* main.c: the samtal command, a Lua 5.4 interpreter with samtal built in.
 *
 *   samtal script.lua ARGS...   runs a script (ARGS in `arg` and `...`, as with lua)
 *   samtal -e 'CODE' [ARGS...]  runs code
 *   samtal SUBCOMMAND ARGS...   samtal.cli's subcommands (kwic, count, freq, index, ...)
 *   samtal --sandbox [--out DIR] [--timeout SECONDS] script.lua ARGS...   a script run by
 *                               samtal.sandbox
 *   samtal [PATH...]            an interactive session, PATHs opened as the corpus `c`
 *
 * The Lua layer (lua/samtal/ *.lua) is compiled in (build/gen/embedded_lua.c), so the command
 * works from any directory without LUA_PATH. The session itself is samtal.repl, in Lua; this file
 * gives it what only C can: GNU readline (line editing, history, the Tab key), and Ctrl-C, which
 * interrupts the Lua code being evaluated (as lua.c does) or clears the line being typed. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

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
    "       samtal SCRIPT.lua [ARG...]       run a script\n"
    "       samtal -e CODE [ARG...]          run Lua code\n"
    "       samtal COMMAND [ARG...]          run a subcommand; COMMAND --help tells more:\n"
    "                                        kwic, count, freq, collocates, keywords, quotes,\n"
    "                                        speakers, index, export\n"
    "       samtal --sandbox [--out DIR] [--timeout SECONDS] SCRIPT.lua [ARG...]\n"
    "                                        run a script in the sandbox (files it writes\n"
    "                                        go to DIR; stopped after SECONDS)\n"
    "       samtal -v | --version            print the version\n"
    "       samtal -h | --help               this help\n";

/* The subcommands of samtal.cli: `samtal NAME ARGS...` calls cli.main(NAME, {ARGS...}). */
static const char *const subcommands[] = {"kwic",   "count",    "freq",  "collocates", "keywords",
                                          "quotes", "speakers", "index", "export",     NULL};

static int message_handler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (!msg) msg = luaL_tolstring(L, 1, NULL);
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* package.preload["samtal.sources"]: the embedded sources by module name, read by samtal.help
 * so that `:help` shows the doc comments of the code that runs. */
static int open_sources(lua_State *L) {
    lua_newtable(L);
    for (const embedded_module *m = samtal_embedded_modules; m->name; m++) {
        lua_pushlstring(L, m->source, m->len);
        lua_setfield(L, -2, m->name);
    }
    return 1;
}

/* Installs samtal.core and the embedded Lua modules into package.preload. */
static void preload_samtal(lua_State *L) {
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    lua_pushcfunction(L, luaopen_samtal_core);
    lua_setfield(L, -2, "samtal.core");
    lua_pushcfunction(L, open_sources);
    lua_setfield(L, -2, "samtal.sources");
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

/* Pushes {argv[from], ..., argv[argc - 1]}. */
static void push_list(lua_State *L, char **argv, int argc, int from) {
    lua_createtable(L, argc > from ? argc - from : 0, 0);
    for (int i = from; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - from + 1);
    }
}

/* The exit status a Lua entry point returned: an integer as it is, nil or true 0, anything else
 * (false, a string) 1. */
static int exit_status(lua_State *L, int idx) {
    if (lua_isinteger(L, idx)) return (int)lua_tointeger(L, idx);
    if (lua_isnoneornil(L, idx) || (lua_isboolean(L, idx) && lua_toboolean(L, idx))) return 0;
    return 1;
}

/* ---- the session's terminal: readline, history, Tab, Ctrl-C ------------------------------- */

/* The state the session runs in, for the signal handler and readline's callbacks, which have no
 * other way to reach it; set before each readline() and each evaluation. */
static lua_State *session_L;
static volatile sig_atomic_t evaluating;         /* Ctrl-C stops the code being evaluated */
static volatile sig_atomic_t prompt_interrupted; /* Ctrl-C came while not evaluating */
static char completion_key; /* its address keys the completer in the registry */

/* A Lua hook set by the SIGINT handler: the evaluated code stops at its next instruction. */
static void stop_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    lua_pushliteral(L, "interrupted");
    lua_error(L);
}

/* The session's SIGINT handler, from its first prompt to its end. While code is evaluated, it
 * sets a hook that stops it: all a signal handler may do to a Lua state (lua.c's laction); code
 * running in C stops when it returns to Lua. At the prompt it ends the line (prompt_getc);
 * between the two, the session's own few instructions, it is dropped. */
static void on_sigint(int sig) {
    (void)sig;
    if (evaluating)
        lua_sethook(session_L, stop_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT,
                    1);
    else
        prompt_interrupted = 1;
}

/* Installs on_sigint: SA_RESTART while evaluating (the code's reads and writes go on), not at
 * the prompt, where the read must return EINTR for prompt_getc to see the Ctrl-C. */
static void catch_sigint(int restart) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = restart ? SA_RESTART : 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
}

/* readline's character source: a Ctrl-C (the flag set) ends the line, which term_readline then
 * drops. readline's own rl_getc would only retry the read, and a SIGINT handler may not longjmp
 * out of readline. SIGINT is blocked but while pselect waits, so one that comes just before the
 * wait is not missed. */
static int prompt_getc(FILE *in) {
    int fd = fileno(in), result = EOF;
    sigset_t sigint, unblocked;
    sigemptyset(&sigint);
    sigaddset(&sigint, SIGINT);
    sigprocmask(SIG_BLOCK, &sigint, &unblocked);
    for (;;) {
        rl_check_signals(); /* readline's deferred work: its SIGINT echo, which calls on_sigint */
        if (prompt_interrupted) {
            result = '\n';
            break;
        }
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(fd, &readable);
        int ready = pselect(fd + 1, &readable, NULL, NULL, NULL, &unblocked);
        if (ready < 0 && errno == EINTR) continue;
        unsigned char ch;
        if (ready > 0 && read(fd, &ch, 1) == 1) result = ch;
        break;
    }
    sigprocmask(SIG_SETMASK, &unblocked, NULL);
    return result;
}

/* Calls the Lua completer with the line before the cursor and, for the matches, readline's
 * start of the word; leaves its one result on the stack, or nothing on an error. */
static int call_completer(lua_State *L, int start) {
    if (!lua_checkstack(L, 4)) return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &completion_key);
    if (!lua_isfunction(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushlstring(L, rl_line_buffer, (size_t)rl_point);
    if (start >= 0)
        lua_pushinteger(L, start);
    else
        lua_pushnil(L);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) { /* a completer's error must not unwind readline */
        lua_pop(L, 1);
        return 0;
    }
    return 1;
}

/* Where the word to complete starts depends on what it is (a name after `c:`, or the inside of
 * a string, spaces and all), so the completer decides: readline looks back from the cursor for
 * any of the characters returned, and the character just before the word is the one. */
static char *word_breaks(void) {
    static char breaks[2];
    lua_State *L = session_L;
    breaks[0] = '\0';
    if (!call_completer(L, -1)) return breaks;
    lua_Integer start = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (start > 0 && start <= rl_point) breaks[0] = rl_line_buffer[start - 1];
    return breaks;
}

/* readline's completion: the Lua completer gives readline's match list ({common prefix,
 * candidates...}, or one match), or "files" for file names. */
static char **attempt_completion(const char *text, int start, int end) {
    (void)text;
    (void)end;
    lua_State *L = session_L;
    rl_attempted_completion_over = 1; /* no fallback to file names unless asked for */
    rl_completion_suppress_append = 1;
    if (!call_completer(L, start)) return NULL;
    char **matches = NULL;
    if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "files") == 0) {
        rl_attempted_completion_over = 0;
        rl_completion_suppress_append = 0;
    } else if (lua_istable(L, -1)) {
        lua_Integer n = luaL_len(L, -1);
        if (n > 0 && (matches = calloc((size_t)n + 1, sizeof *matches)) != NULL) {
            for (lua_Integer i = 0; i < n; i++) {
                lua_rawgeti(L, -1, i + 1);
                const char *s = lua_tostring(L, -1);
                matches[i] = strdup(s ? s : "");
                lua_pop(L, 1);
            }
        }
    }
    lua_pop(L, 1);
    return matches;
}

/* Pushes the line readline returned; called protected, so that a memory error cannot leak it. */
static int push_line(lua_State *L) {
    lua_pushstring(L, lua_touserdata(L, 1));
    return 1;
}

/* term.readline(prompt) -> the line (without its newline); nil at the end of input (Ctrl-D);
 * nil, "interrupt" when Ctrl-C ended the line. */
static int term_readline(lua_State *L) {
    const char *prompt = luaL_checkstring(L, 1);
    luaL_checkstack(L, 8, NULL);
    session_L = L;
    prompt_interrupted = 0;
    catch_sigint(0);
    fflush(stdout);
    char *line = readline(prompt);
    if (prompt_interrupted) {
        free(line);
        lua_pushnil(L);
        lua_pushliteral(L, "interrupt");
        return 2;
    }
    if (!line) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushcfunction(L, push_line);
    lua_pushlightuserdata(L, line);
    int status = lua_pcall(L, 1, 1, 0);
    free(line);
    if (status != LUA_OK) return lua_error(L);
    return 1;
}

/* term.load_history(path): reads the history file (creating it), cut to its last 1000 lines. */
static int term_load_history(lua_State *L) {
    const char *path = luaL_checkstring(L, 1);
    history_truncate_file(path, 1000);
    if (read_history(path) != 0) write_history(path); /* new: appending needs the file */
    return 0;
}

/* term.add_history(line [, path]): adds a line to the history and appends it to the file. */
static int term_add_history(lua_State *L) {
    const char *line = luaL_checkstring(L, 1);
    const char *path = luaL_optstring(L, 2, NULL);
    add_history(line);
    if (path) append_history(1, path);
    return 0;
}

/* term.set_completer(fn): fn(line_before_cursor, start) is called on Tab; see attempt_completion
 * and word_breaks. */
static int term_set_completer(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_settop(L, 1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &completion_key);
    return 0;
}

/* term.call(fn, handler, ...) -> as xpcall(fn, handler, ...), but Ctrl-C raises "interrupted"
 * in fn instead of ending the process. */
static int term_call(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    int nargs = lua_gettop(L) - 2;
    lua_rotate(L, 1, -1); /* fn, handler, args -> handler, args, fn */
    lua_rotate(L, 2, 1);  /* -> handler, fn, args */
    session_L = L;
    evaluating = 1;
    catch_sigint(1);
    int status = lua_pcall(L, nargs, LUA_MULTRET, 1);
    evaluating = 0;
    catch_sigint(0);
    lua_sethook(L, NULL, 0, 0); /* a Ctrl-C that came as fn returned */
    lua_pushboolean(L, status == LUA_OK);
    lua_replace(L, 1);
    return lua_gettop(L);
}

static const luaL_Reg term_functions[] = {{"readline", term_readline},
                                          {"load_history", term_load_history},
                                          {"add_history", term_add_history},
                                          {"set_completer", term_set_completer},
                                          {"call", term_call},
                                          {NULL, NULL}};

/* Pushes the terminal table the session gets; `interactive` is whether stdin is a terminal (then
 * lines come from readline, otherwise the session reads them plainly). */
static void push_term(lua_State *L) {
    luaL_newlib(L, term_functions);
    int interactive = isatty(STDIN_FILENO);
    lua_pushboolean(L, interactive);
    lua_setfield(L, -2, "interactive");
    if (interactive) {
        rl_readline_name = "samtal"; /* for $if samtal in ~/.inputrc */
        rl_getc_function = prompt_getc;
        rl_attempted_completion_function = attempt_completion;
        rl_completion_word_break_hook = word_breaks;
        rl_basic_quote_characters = ""; /* else a `"` before the word is appended after it */
    }
}

/* ---- the command ----------------------------------------------------------------------- */

/* `samtal NAME ARGS...`: samtal.cli's main(NAME, {ARGS...}) gives the exit status. */
static int run_subcommand(lua_State *L, int argc, char **argv, int handler) {
    make_arg(L, argv, argc, 1);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "samtal.cli");
    if (lua_pcall(L, 1, 1, handler) != LUA_OK) {
        fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
        return 1;
    }
    lua_getfield(L, -1, "main");
    if (!lua_isfunction(L, -1)) {
        fprintf(stderr, "samtal: %s: samtal.cli has no main()\n", argv[1]);
        return 2;
    }
    lua_pushstring(L, argv[1]);
    push_list(L, argv, argc, 2);
    if (lua_pcall(L, 2, 1, handler) != LUA_OK) {
        fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
        return 1;
    }
    return exit_status(L, -1);
}

/* One of the sandbox's options at argv[*i], "--NAME VALUE" or "--NAME=VALUE": 1 and *value set
 * (and *i past it), 0 when argv[*i] is not that option, -1 when its value is missing. */
static int sandbox_option(int argc, char **argv, int *i, const char *name, const char **value) {
    size_t len = strlen(name);
    if (*i >= argc || strncmp(argv[*i], name, len) != 0) return 0;
    if (argv[*i][len] == '=') {
        *value = argv[*i] + len + 1;
        *i += 1;
        return 1;
    }
    if (argv[*i][len] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *value = argv[*i + 1];
    *i += 2;
    return 1;
}

/* The sandbox's hard stop. --timeout is kept by a Lua count hook in samtal.sandbox, which runs
 * between Lua instructions only: a C function that does not return (a string pattern that
 * backtracks for ever, a read from a terminal) is never stopped by it. So the command also arms a
 * timer for SANDBOX_GRACE seconds after the timeout, whose handler ends the process with the
 * sandbox's refusal status; output still buffered is lost then. */
#define SANDBOX_GRACE 1.0
static char sandbox_alarm_msg[160];

static void on_sandbox_alarm(int sig) {
    (void)sig;
    if (write(STDERR_FILENO, sandbox_alarm_msg, strlen(sandbox_alarm_msg)) < 0) {
        /* nothing more a signal handler can do */
    }
    _exit(3);
}

/* Arms (seconds > 0) or disarms (0) the hard stop. */
static void sandbox_alarm(double seconds, const char *shown) {
    struct itimerval t = {{0, 0}, {0, 0}};
    if (seconds > 0) {
        snprintf(sandbox_alarm_msg, sizeof sandbox_alarm_msg,
                 "samtal --sandbox: refused: the script ran longer than --timeout %s s and was "
                 "stopped inside a C function\n",
                 shown);
        signal(SIGALRM, on_sandbox_alarm);
        t.it_value.tv_sec = (time_t)seconds;
        t.it_value.tv_usec = (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6);
    }
    setitimer(ITIMER_REAL, &t, NULL);
}

/* `samtal --sandbox [--out DIR] [--timeout SECONDS] script.lua ARGS...`: samtal.sandbox's
 * run(script, {ARGS...}, {out = DIR, timeout = SECONDS}) gives the exit status. */
static int run_sandbox(lua_State *L, int argc, char **argv, int handler) {
    int i = 2;
    const char *out = NULL, *timeout = NULL;
    for (;;) {
        int got = sandbox_option(argc, argv, &i, "--out", &out);
        if (got == 0) got = sandbox_option(argc, argv, &i, "--timeout", &timeout);
        if (got == 0) break;
        if (got < 0) {
            fprintf(stderr, "samtal: %s needs a value\n%s", argv[i], usage);
            return 2;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "samtal: --sandbox needs a script\n%s", usage);
        return 2;
    }
    make_arg(L, argv, argc, i);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "samtal.sandbox");
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (msg && strstr(msg, "module 'samtal.sandbox' not found"))
            fputs("samtal: --sandbox is not available: this build has no samtal.sandbox module\n",
                  stderr);
        else
            fprintf(stderr, "samtal: --sandbox: %s\n", msg ? msg : "(error object)");
        return 2;
    }
    lua_getfield(L, -1, "run");
    if (!lua_isfunction(L, -1)) {
        fputs("samtal: --sandbox is not available: samtal.sandbox has no run()\n", stderr);
        return 2;
    }
    lua_pushstring(L, argv[i]);
    push_list(L, argv, argc, i + 1);
    lua_newtable(L);
    if (out) {
        lua_pushstring(L, out);
        lua_setfield(L, -2, "out");
    }
    double seconds = 0;
    if (timeout) {
        lua_pushstring(L, timeout); /* checked by run, which refuses a bad value */
        lua_setfield(L, -2, "timeout");
        char *end;
        seconds = strtod(timeout, &end);
        if (*end != '\0' || !(seconds > 0 && seconds < 1e9)) seconds = 0;
    }
    if (seconds > 0) sandbox_alarm(seconds + SANDBOX_GRACE, timeout);
    int status = lua_pcall(L, 3, 1, handler);
    if (seconds > 0) sandbox_alarm(0, NULL);
    if (status != LUA_OK) {
        fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
        return 1;
    }
    return exit_status(L, -1);
}

static int is_subcommand(const char *name) {
    for (const char *const *s = subcommands; *s; s++)
        if (strcmp(name, *s) == 0) return 1;
    return 0;
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
        lua_pushinteger(L, 0);
        return 1;
    }
    if (argc > 1 && (strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)) {
        lua_getglobal(L, "samtal");
        lua_getfield(L, -1, "_VERSION");
        printf("samtal %s (%s)\n", lua_tostring(L, -1), LUA_RELEASE);
        lua_pushinteger(L, 0);
        return 1;
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
    } else if (argc > 1 && is_subcommand(argv[1])) {
        lua_pushinteger(L, run_subcommand(L, argc, argv, handler));
        return 1;
    } else if (argc > 1 && strcmp(argv[1], "--sandbox") == 0) {
        lua_pushinteger(L, run_sandbox(L, argc, argv, handler));
        return 1;
    } else if (argc > 1 && argv[1][0] == '-' && argv[1][1] != '\0') {
        fprintf(stderr, "samtal: unknown option '%s'\n%s", argv[1], usage);
        lua_pushinteger(L, 2);
        return 1;
    } else {
        /* the session: samtal.repl.start(term, PATH...) */
        make_arg(L, argv, argc, 0);
        lua_getglobal(L, "require");
        lua_pushstring(L, "samtal.repl");
        lua_call(L, 1, 1);
        lua_getfield(L, -1, "start");
        push_term(L);
        status = LUA_OK;
        first = 1;
    }
    if (status != LUA_OK) {
        fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
        lua_pushinteger(L, 1);
        return 1;
    }
    int nargs = argc - first;
    if (first == 1) nargs++; /* the session's term table */
    for (int i = first; i < argc; i++)
        lua_pushstring(L, argv[i]);
    if (lua_pcall(L, nargs, 1, handler) != LUA_OK) {
        fprintf(stderr, "samtal: %s\n", lua_tostring(L, -1));
        lua_pushinteger(L, 1);
        return 1;
    }
    lua_pushinteger(L, first == 1 ? exit_status(L, -1) : 0);
    return 1;
}

int main(int argc, char **argv) {
    /* A query's arrays (the matches of a common word, counts per form) are tens of MB, made and
     * freed again and again. Kept in the heap rather than given back to the system, they are
     * reused without page faults: on a VM, faulting in 46 MB of fresh memory took 143 ms, and
     * reusing it 1.4 ms. Arrays over 256 MB (the corpus's own) still come straight from mmap.
     * Loading gains too: `samtal index` of 1 GB took 32-34 s with glibc's own policy and 27 s
     * with this one, for a peak 12 MiB higher (the index build maps its big temporary arrays
     * itself, so they go back to the system all the same). */
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
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
