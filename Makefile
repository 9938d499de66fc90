# samtal: C core, Lua 5.4 module and standalone command.
#   make            build build/lua/samtal/core.so and build/bin/samtal
#   make setup      install missing Debian packages, build, and run the main job on corpus/
#   make test       specs (plain, then ASan+UBSan) and a valgrind run; ends "N passed, N failed"
#   make lint       luacheck on lua/ scripts/ spec/, cppcheck on src/, clang-format check
#   make doc        API reference in build/doc/ (LDoc, config.ld)
#   make install PREFIX=/usr/local

PKGS       := lua5.4 libutf8proc libpcre2-8 libzstd
CC         ?= cc
UNICODE    ?= /usr/share/unicode
LUA        ?= lua5.4
PREFIX     ?= /usr/local
LUA_LMOD   ?= $(PREFIX)/share/lua/5.4
LUA_CMOD   ?= $(PREFIX)/lib/lua/5.4
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man

WARNINGS   := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
              -Wpointer-arith -Wundef -Wwrite-strings -Wformat=2 -Wvla
CFLAGS     ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -pthread $(WARNINGS) -fPIC $(CFLAGS) \
              $(shell pkg-config --cflags $(PKGS)) -Isrc -Ibuild/gen
CORE_LIBS := $(shell pkg-config --libs libutf8proc libpcre2-8 libzstd) -lstemmer -pthread
LUA_LIBS      := $(shell pkg-config --libs lua5.4)
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

CORE_SRC   := error.c vec.c text.c encoding.c lexicon.c plaintext.c vrt.c vtt.c srt.c podcast.c json.c import.c parlamint.c break_props.c segment.c tokenize.c textpack.c \
              tokens.c index.c corpus.c query.c pattern.c lexmatch.c store.c quotes.c stats.c fingerprint.c binding.c kwic_lines.c \
              binding_stats.c export.c binding_export.c parallel.c load.c association.c
LUA_SRC    := $(wildcard lua/samtal/*.lua)

OBJ        := $(CORE_SRC:%.c=build/obj/%.o)
ASAN_OBJ   := $(CORE_SRC:%.c=build/asan/obj/%.o)

.PHONY: all asan test lint format setup deps demo install uninstall clean bench doc

all: build/lua/samtal/core.so build/bin/samtal

build/gen/break_tables.c: src/gen_break_tables.lua
	@mkdir -p $(@D)
	$(LUA) src/gen_break_tables.lua $(UNICODE) $@

build/gen/embedded_lua.c: src/embed_lua.lua $(LUA_SRC)
	@mkdir -p $(@D)
	$(LUA) src/embed_lua.lua $@ $(LUA_SRC)

build/obj/%.o: src/%.c $(wildcard src/*.h) | build/gen/break_tables.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The sanitised build also asserts that every document of a saved corpus is checked before it
# is read (CORPUS_EXPECT_CHECKED in corpus.h), so the specs catch a path that forgot to.
build/asan/obj/%.o: src/%.c $(wildcard src/*.h) | build/gen/break_tables.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN_FLAGS) -DSAMTAL_CHECKED_ACCESS -c $< -o $@

# The module never links liblua: the interpreter that loads it provides the symbols.
build/lua/samtal/core.so: $(OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(CFLAGS) -o $@ $(OBJ) $(CORE_LIBS)

build/asan/lua/samtal/core.so: $(ASAN_OBJ)
	@mkdir -p $(@D)
	$(CC) -shared $(SAN_FLAGS) -o $@ $(ASAN_OBJ) $(CORE_LIBS)

build/bin/samtal: $(OBJ) build/obj/main.o build/obj/embedded_lua.o
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $^ $(LUA_LIBS) $(CORE_LIBS) -lreadline -lm -ldl

build/obj/embedded_lua.o: build/gen/embedded_lua.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -fPIC $(CFLAGS) -c $< -o $@

asan: build/asan/lua/samtal/core.so

# Every spec, with the plain and then the sanitised module; valgrind on the command.
test: all asan
	bash spec/run.sh

lint:
	luacheck lua scripts spec bench
	cppcheck --enable=warning,style,performance,portability --error-exitcode=1 --std=c11 \
	  --inline-suppr --suppress=missingIncludeSystem --suppress=unusedFunction --suppress=toomanyconfigs -q \
	  -Isrc -Ibuild/gen $(shell pkg-config --cflags-only-I $(PKGS)) src/*.c
	clang-format --dry-run --Werror src/*.c src/*.h

format:
	clang-format -i src/*.c src/*.h

# The API reference, HTML in build/doc/, from the `---` doc comments of lua/samtal/*.lua (config.ld;
# Debian's lua-ldoc, lua-markdown for the Markdown in the comments). Any LDoc warning fails it;
# --testing leaves the date out, so the pages are the same for the same sources.
doc:
	rm -rf build/doc
	ldoc --fatalwarnings --testing .

# Debian packages samtal needs to build and test; `make deps` installs the missing ones.
DEB_PKGS := build-essential pkg-config liblua5.4-dev lua5.4 libutf8proc-dev lua-lpeg lua-busted \
            lua-check unicode-data valgrind cppcheck clang-format locales libpcre2-dev libzstd-dev zstd \
            libstemmer-dev python3-nltk libreadline-dev lua-argparse lua-cjson luarocks \
            lua-ldoc lua-markdown mandoc groff-base man-db
deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	@# Swedish collation for sorting concordances: glibc's sv_SE.UTF-8 locale
	@if ! locale -a 2>/dev/null | grep -qi '^sv_SE\.utf-\?8$$'; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO sed -i 's/^# *\(sv_SE.UTF-8 UTF-8\)/\1/' /etc/locale.gen && $$SUDO locale-gen; \
	fi

# The main job: who speaks how much in corpus/, and one concordance.
demo: all
	build/bin/samtal scripts/speakers.lua corpus
	build/bin/samtal scripts/kwic.lua "nära vård" corpus

setup: deps
	$(MAKE) demo

# samtal-scm-1.rockspec runs `make` and `make install` with luarocks' directories as LUA_LMOD,
# LUA_CMOD, BINDIR and PREFIX (the man page then stays in the rock's own directory).
install: all
	install -d $(DESTDIR)$(LUA_LMOD)/samtal $(DESTDIR)$(LUA_CMOD)/samtal $(DESTDIR)$(BINDIR)
	install -m 644 $(LUA_SRC) $(DESTDIR)$(LUA_LMOD)/samtal/
	install -m 755 build/lua/samtal/core.so $(DESTDIR)$(LUA_CMOD)/samtal/core.so
	install -m 755 build/bin/samtal $(DESTDIR)$(BINDIR)/samtal
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 644 doc/samtal.1 $(DESTDIR)$(MANDIR)/man1/samtal.1

uninstall:
	rm -rf $(DESTDIR)$(LUA_LMOD)/samtal $(DESTDIR)$(LUA_CMOD)/samtal $(DESTDIR)$(BINDIR)/samtal \
	  $(DESTDIR)$(MANDIR)/man1/samtal.1

# Timings against ripgrep and NLTK (Debian's ripgrep and python3-nltk); no test asserts a time.
# BENCH_SIZES="10M 100M 1G" picks the corpus sizes (generated once into build/bench/).
build/split_words: bench/split_words.c
	@mkdir -p $(@D)
	$(CC) -O2 -Wall -Wextra -o $@ $<

bench: all build/split_words
	@missing=$$(for p in ripgrep python3-nltk; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
	python3 bench/run.py

clean:
	rm -rf build

# Fuzzing: `make fuzz` builds a libFuzzer target per parser (fuzz/*.c, clang with ASan and UBSan,
# against the core without the Lua binding) and runs each for FUZZ_SECONDS on its seeds
# (fuzz/seeds.sh) and its corpus spec/fuzz/<target>/, then merges what it found into that corpus
# (minimised: libFuzzer's -merge=1 keeps the smallest inputs that cover the most). A crash stops
# the run with its input left in FUZZ_DIR/crashes/ and the log in FUZZ_DIR/logs/. Installs
# clang-14 and libclang-rt-14-dev if missing (CI does not fuzz, so DEB_PKGS leaves them out).
# One fuzzing process at a time, so one core (libFuzzer's -jobs=1 would only add a supervising
# process and move the log to ./fuzz-0.log). spec/fuzz_corpus_spec.lua replays spec/fuzz/.
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS="load_vtt store"
FUZZ_SECONDS ?= 60
FUZZ_DIR     ?= build/fuzz
FUZZ_CC      ?= clang-14
FUZZ_PKGS    := clang-14 libclang-rt-14-dev
FUZZ_EXTS    := txt md vtt srt sbv tsv vrt $(if $(filter podcast.c,$(CORE_SRC)),json html)
FUZZ_TARGETS ?= $(FUZZ_EXTS:%=load_%) store lexmatch segment
FUZZ_OPTS    ?= -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -O1 -g $(FUZZ_SAN) \
                $(shell pkg-config --cflags $(PKGS)) -Isrc -Ibuild/gen
FUZZ_OBJ     := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(filter-out binding%.c,$(CORE_SRC)))
FUZZ_LIBS    := $(CORE_LIBS) -lm

.PHONY: fuzz fuzz-deps fuzz-build
.SECONDARY: $(FUZZ_OBJ)

# the core's objects: coverage-instrumented, no libFuzzer main; clang's own warnings not errors
$(FUZZ_DIR)/obj/%.o: src/%.c $(wildcard src/*.h) | build/gen/break_tables.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -w -c $< -o $@

$(FUZZ_DIR)/bin/load_%: fuzz/fuzz_load.c fuzz/walk.h $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARNINGS) -fsanitize=fuzzer -DFUZZ_EXT='".$*"' -o $@ $< \
	  $(FUZZ_OBJ) $(FUZZ_LIBS)

$(FUZZ_DIR)/bin/%: fuzz/fuzz_%.c fuzz/walk.h $(FUZZ_OBJ)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARNINGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(FUZZ_LIBS)

fuzz-deps:
	@missing=$$(for p in $(FUZZ_PKGS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

fuzz-build: fuzz-deps
	$(MAKE) all $(FUZZ_TARGETS:%=$(FUZZ_DIR)/bin/%)

# Per target: fuzz (new inputs go to FUZZ_DIR/work/<t>, kept for the next run), then minimise
# work + corpus + seeds into a fresh directory that replaces spec/fuzz/<t>/: edges only
# (-use_counters=0), what loading covers (SAMTAL_FUZZ_NO_WALK, see fuzz/walk.h) and saved corpora
# of 4 KB at most, so that the corpus stays small. Seconds and inputs tried go to
# FUZZ_DIR/runs.tsv.
fuzz: fuzz-build
	@sh fuzz/seeds.sh $(FUZZ_DIR)/seeds $(FUZZ_TARGETS)
	@mkdir -p $(FUZZ_DIR)/logs $(FUZZ_DIR)/crashes
	@for t in $(FUZZ_TARGETS); do \
	  case $$t in store) len=16384 keep=4096;; lexmatch) len=256 keep=256;; *) len=1024 keep=1024;; esac; \
	  mkdir -p spec/fuzz/$$t $(FUZZ_DIR)/work/$$t; \
	  echo "== fuzz $$t: $(FUZZ_SECONDS) s, -max_len=$$len (log: $(FUZZ_DIR)/logs/$$t.log)"; \
	  if ! $(FUZZ_DIR)/bin/$$t $(FUZZ_OPTS) -max_len=$$len -max_total_time=$(FUZZ_SECONDS) \
	       -artifact_prefix=$(FUZZ_DIR)/crashes/$$t- \
	       $(FUZZ_DIR)/work/$$t spec/fuzz/$$t $(FUZZ_DIR)/seeds/$$t >$(FUZZ_DIR)/logs/$$t.log 2>&1; then \
	    tail -n 40 $(FUZZ_DIR)/logs/$$t.log; \
	    echo "fuzz $$t: FAILED; input in $(FUZZ_DIR)/crashes/ (ls -t $(FUZZ_DIR)/crashes | head -1)"; \
	    exit 1; \
	  fi; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_DIR)/logs/$$t.log); \
	  printf '%s\t%s\t%s\t%s\n' "$$(date -u +%FT%TZ)" $$t $(FUZZ_SECONDS) "$$execs" >>$(FUZZ_DIR)/runs.tsv; \
	  rm -rf $(FUZZ_DIR)/merged/$$t && mkdir -p $(FUZZ_DIR)/merged/$$t; \
	  SAMTAL_FUZZ_NO_WALK=1 $(FUZZ_DIR)/bin/$$t -merge=1 -use_counters=0 -max_len=$$keep \
	    $(FUZZ_DIR)/merged/$$t spec/fuzz/$$t $(FUZZ_DIR)/work/$$t $(FUZZ_DIR)/seeds/$$t \
	    >$(FUZZ_DIR)/logs/$$t.merge.log 2>&1 || { tail -n 20 $(FUZZ_DIR)/logs/$$t.merge.log; exit 1; }; \
	  rm -f spec/fuzz/$$t/* && cp $(FUZZ_DIR)/merged/$$t/* spec/fuzz/$$t/; \
	  echo "   $$execs inputs tried; corpus: $$(ls spec/fuzz/$$t | wc -l) files, $$(cat spec/fuzz/$$t/* | wc -c) bytes"; \
	done
