-- samtal as a rock: `luarocks --lua-version 5.4 make` in a clone builds with the Makefile and
-- installs samtal.core, the samtal.* Lua modules and the samtal command into the tree. On Debian,
-- whose Lua libraries are packages rather than rocks, add --deps-mode=none (README, "Set up").
rockspec_format = "3.0"
package = "samtal"
version = "scm-1"
source = {
  -- no public repository yet: `luarocks make` builds the working tree and fetches nothing
  url = "git+https://example.invalid/samtal.git",
}
description = {
  summary = "Corpus toolkit for speech transcripts: speaker turns, Unicode tokens, an index, queries",
  detailed = [[
A C core loads transcripts (labelled text, WebVTT, SRT, VRT, Podcasting 2.0 JSON, HTML,
ParlaMint), splits them into speaker turns, tokenises them (UAX #29) and indexes every word; the
Lua module answers concordances, counts, frequency lists, collocates, keywords and quotes, each
pointing back to the bytes of its source. Also the samtal command: scripts, subcommands, an
interactive session and a sandbox for scripts from someone else.]],
  -- no licence is chosen yet (the repository has no LICENSE): add `license` when there is one
  labels = { "corpus", "linguistics", "text", "unicode" },
}
dependencies = {
  "lua >= 5.4, < 5.5",
  "lpeg >= 1.0",
  "argparse",   -- samtal.cli, samtal.script
  "lua-cjson",  -- JSON metadata sidecars
}
external_dependencies = {
  UTF8PROC = { header = "utf8proc.h", library = "utf8proc" },
  PCRE2 = { header = "pcre2.h", library = "pcre2-8" },
  STEMMER = { header = "libstemmer.h", library = "stemmer" },
  ZSTD = { header = "zstd.h", library = "zstd" },
  READLINE = { header = "readline/readline.h", library = "readline" },
}
build = {
  type = "make",
  -- the Makefile finds Lua and the C libraries with pkg-config and generates the Unicode break
  -- tables from Debian's unicode-data (UNICODE); luarocks' CFLAGS carry its -fPIC and -O2
  build_variables = {
    CFLAGS = "$(CFLAGS)",
    LUA = "$(LUA)",
  },
  install_variables = {
    PREFIX = "$(PREFIX)",
    BINDIR = "$(BINDIR)",
    LUA_LMOD = "$(LUADIR)",
    LUA_CMOD = "$(LIBDIR)",
  },
}
