# tracebook - build, test, run.
#
#   make            ./tracebook (release build, warnings are errors)
#   make deps       install every Debian package the build and tests need (root)
#   make run        deps + build + run the default recipe (slab-leak) for ~10 s
#   make check      deps + every build (release, ASan/UBSan, clang, static x86_64,
#                   arm64 and armhf) + every test; ends with "N passed, N failed, N skipped"
#   make static [ARCH=arm64|armhf]   fully static binary for field kits
#   make check-vm   only the qemu tier (real Debian kernels; also part of check)
#   make bench      the benchmarks in bench/ (not part of check)
#   make install [PREFIX=/usr/local] [DESTDIR=]   binary, recipes, man pages, completion
#   make kit        build/kit/tracebook-VERSION.tar.gz: the field kit (docs/FIELD.md)
#   make rpm / deb  packages of the static x86_64 binary (el7+ / Debian, Ubuntu)
#   make man        build/man/tracebook.1 and tracebook-recipe.5 (scdoc)
#
# Sources are found by wildcard: a new file under src/ or tests/unit/ needs no edit here.

ARCH ?= x86_64
PKGS := libtracefs libtraceevent json-c

RECIPES := $(sort $(wildcard recipes/*.recipe))
GEN_SRC := build/gen/recipes-embedded.c
SRC := $(sort $(shell find src -name '*.c')) $(GEN_SRC)
LIB_SRC := $(filter-out src/main.c,$(SRC))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_HELPERS := $(sort $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c)))

STD := -std=gnu99
WARN := -Wall -Wextra -Wformat=2 -Wno-unused-parameter -Wno-missing-field-initializers \
	-Wno-format-nonliteral -Werror
DEFS := -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64
# no path of this checkout goes into a binary: __FILE__ and the debug info's compile
# directory are written relative to it (tests/build/paths.sh); recipes are found
# relative to the executable at run time (src/recipe/recipe-find.c)
PREFIX_MAP := -ffile-prefix-map=$(CURDIR)/= -ffile-prefix-map=$(CURDIR)=.
PC_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PC_LIBS := $(shell pkg-config --libs $(PKGS))

CC ?= cc
# every object also writes its header dependencies (build/.../*.d, included at the end)
DEPFLAGS := -MMD -MP
BASE_CFLAGS := $(STD) $(WARN) $(DEFS) $(PREFIX_MAP) -Isrc $(PC_CFLAGS)
LIBS := $(PC_LIBS) -lpthread -lm -ldl

# the first rule is the default goal: `make` builds ./tracebook
all: tracebook

# Each build's compiler and flags live in DIR/.flags, rewritten (here, while the Makefile
# is read) only when they changed, and every object of that build depends on it: an
# object compiled with other flags (a new -D, the file-prefix map, CFLAGS=...) is
# rebuilt, not linked stale into the binary (git's GIT-CFLAGS does the same).
define track_flags
ifneq ($$(strip $(2)),$$(strip $$(file <$(1)/.flags)))
$$(shell mkdir -p $(1))
$$(file >$(1)/.flags,$$(strip $(2)))
endif
endef

$(GEN_SRC): $(RECIPES) contrib/embed-recipes.sh
	@mkdir -p $(dir $@)
	./contrib/embed-recipes.sh $@ $(RECIPES)

# --- release build -------------------------------------------------------------
REL := build/release
REL_CFLAGS := $(BASE_CFLAGS) -O2 -g
REL_OBJ := $(SRC:%.c=$(REL)/%.o)

tracebook: $(REL_OBJ)
	$(CC) -o $@ $^ $(LIBS)

$(eval $(call track_flags,$(REL),$(CC) $(REL_CFLAGS) $(CFLAGS)))
$(REL)/%.o: %.c $(REL)/.flags
	@mkdir -p $(dir $@)
	@echo '  CC      $<'
	@$(CC) $(REL_CFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

# --- sanitizer build (what the tests run) ---------------------------------------
ASAN := build/asan
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ASAN_CFLAGS := $(BASE_CFLAGS) -O1 -g $(SAN)
ASAN_OBJ := $(SRC:%.c=$(ASAN)/%.o)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=$(ASAN)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(ASAN)/tests/%)
UNIT_HELPER_OBJ := $(UNIT_HELPERS:%.c=$(ASAN)/%.o)

asan: $(ASAN)/tracebook $(UNIT_BIN)

$(ASAN)/tracebook: $(ASAN_OBJ)
	$(CC) $(SAN) -o $@ $^ $(LIBS)

$(eval $(call track_flags,$(ASAN),$(CC) $(ASAN_CFLAGS)))
$(ASAN)/%.o: %.c $(ASAN)/.flags
	@mkdir -p $(dir $@)
	@echo '  CC asan $<'
	@$(CC) $(ASAN_CFLAGS) $(DEPFLAGS) -Itests/unit -c -o $@ $<

$(ASAN)/tests/%: $(ASAN)/tests/unit/%.o $(ASAN_LIB_OBJ) $(UNIT_HELPER_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -o $@ $^ $(LIBS) -lcmocka

# --- clang build (warnings as errors there too) ---------------------------------
CLANG := build/clang
CLANG_OBJ := $(SRC:%.c=$(CLANG)/%.o)

clang: $(CLANG)/tracebook

$(CLANG)/tracebook: $(CLANG_OBJ)
	clang -o $@ $^ $(LIBS)

$(eval $(call track_flags,$(CLANG),clang $(BASE_CFLAGS) -O2))
$(CLANG)/%.o: %.c $(CLANG)/.flags
	@mkdir -p $(dir $@)
	@echo '  CLANG   $<'
	@clang $(BASE_CFLAGS) -O2 $(DEPFLAGS) -c -o $@ $<

# --- static field build ---------------------------------------------------------
ifeq ($(ARCH),arm64)
STATIC_CC := aarch64-linux-gnu-gcc
STATIC_PC := PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig pkg-config
else ifeq ($(ARCH),armhf)
STATIC_CC := arm-linux-gnueabihf-gcc
STATIC_PC := PKG_CONFIG_LIBDIR=/usr/lib/arm-linux-gnueabihf/pkgconfig pkg-config
else ifeq ($(ARCH),x86_64)
STATIC_CC := $(CC)
STATIC_PC := pkg-config
else
$(error ARCH must be x86_64, arm64 or armhf)
endif
STATIC := build/static-$(ARCH)
STATIC_CFLAGS := $(STD) $(WARN) $(DEFS) $(PREFIX_MAP) -DTB_STATIC_BUILD=1 -Isrc -O2 \
	$(shell $(STATIC_PC) --cflags $(PKGS) 2>/dev/null)
STATIC_OBJ := $(SRC:%.c=$(STATIC)/%.o)

static: $(STATIC)/tracebook

$(STATIC)/tracebook: $(STATIC_OBJ)
	$(STATIC_CC) -static -o $@ $^ $(shell $(STATIC_PC) --static --libs $(PKGS)) \
		-lpthread -lm

$(eval $(call track_flags,$(STATIC),$(STATIC_CC) $(STATIC_CFLAGS)))
$(STATIC)/%.o: %.c $(STATIC)/.flags
	@mkdir -p $(dir $@)
	@echo '  CC $(ARCH) $<'
	@$(STATIC_CC) $(STATIC_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# --- bench workload generator (bench/workload.c): plants kernel objects, churns others
WORKLOAD := build/tb-workload
workload: $(WORKLOAD)
$(WORKLOAD): bench/workload.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -D_GNU_SOURCE -O2 -g -o $@ $< -lpthread

# --- man pages, install, field kit, packages --------------------------------------
# One source for the man pages (docs/man/*.scd, scdoc); `make install` puts the binary,
# recipes, man pages and bash completion where a distribution expects them, and the
# binary finds its recipes there (../share/tracebook/recipes from its own path).
VERSION := $(shell sed -n 's/^\#define TB_VERSION "\(.*\)"/\1/p' src/util/version.h)
PREFIX ?= /usr/local
DESTDIR ?=
MAN_PAGES := build/man/tracebook.1 build/man/tracebook-recipe.5
COMPLETION := contrib/completion/tracebook.bash

build/man/%: docs/man/%.scd
	@mkdir -p $(dir $@)
	scdoc < $< > $@.tmp
	@mv $@.tmp $@

man: $(MAN_PAGES)

install: tracebook man
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/tracebook/recipes \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0755 tracebook $(DESTDIR)$(PREFIX)/bin/tracebook
	install -m 0644 $(RECIPES) $(DESTDIR)$(PREFIX)/share/tracebook/recipes/
	install -m 0644 build/man/tracebook.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 build/man/tracebook-recipe.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 0644 $(COMPLETION) $(DESTDIR)$(PREFIX)/share/bash-completion/completions/tracebook

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/tracebook $(DESTDIR)$(PREFIX)/share/man/man1/tracebook.1 \
		$(DESTDIR)$(PREFIX)/share/man/man5/tracebook-recipe.5 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/tracebook
	rm -rf $(DESTDIR)$(PREFIX)/share/tracebook

# make kit: build/kit/tracebook-VERSION.tar.gz, the static binaries of every
# KIT_ARCHS (ARCH names of `make static`), recipes, man pages, completion,
# FIELD.md, install.sh and SHA256SUMS (contrib/kit/make-kit.sh says the layout)
KIT_ARCHS ?= x86_64 arm64 armhf
KIT_TAR := build/kit/tracebook-$(VERSION).tar.gz

kit: man
	@for a in $(KIT_ARCHS); do \
		$(MAKE) -s -n static ARCH=$$a >/dev/null 2>&1 || { \
			echo "kit: this Makefile cannot build 'make static ARCH=$$a' (the kit needs $(KIT_ARCHS))" >&2; \
			exit 1; }; \
		$(MAKE) static ARCH=$$a || exit 1; done
	./contrib/kit/make-kit.sh $(VERSION) build/kit $(KIT_ARCHS)

# make rpm / make deb: packages of the static x86_64 binary (any el7+ or Debian/Ubuntu)
rpm: man
	$(MAKE) static ARCH=x86_64
	./contrib/kit/make-rpm.sh $(VERSION) build/rpm

deb: man
	$(MAKE) static ARCH=x86_64
	./contrib/kit/make-deb.sh $(VERSION) build/deb

# --- libFuzzer targets (tests/fuzz/fuzz_*.c; not part of the other builds) --------
# The library sources are compiled again with clang's fuzzer instrumentation into
# build/fuzz/ (like build/asan/); `make fuzz` builds every target and runs each for
# FUZZ_TIME seconds on a copy of its corpus (tests/fuzz/run.sh; docs/fuzzing.md).
FUZZ := build/fuzz
FUZZ_TIME ?= 60
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := $(BASE_CFLAGS) -O1 -g $(FUZZ_SAN) -DFUZZ_FORMATS_DIR='"$(abspath tests/fake/formats)"'
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ)/%.o)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	@FUZZ_TIME=$(FUZZ_TIME) ./tests/fuzz/run.sh $(notdir $(FUZZ_BIN))

$(FUZZ_BIN): $(FUZZ)/%: $(FUZZ)/tests/fuzz/%.o $(FUZZ_LIB_OBJ)
	@echo "  LD fuzz $@"
	@clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(LIBS)

$(eval $(call track_flags,$(FUZZ),clang $(FUZZ_CFLAGS)))
$(FUZZ)/%.o: %.c $(FUZZ)/.flags
	@mkdir -p $(dir $@)
	@echo '  CC fuzz $<'
	@clang $(FUZZ_CFLAGS) $(DEPFLAGS) -Itests/fuzz -c -o $@ $<

# --- workflows ------------------------------------------------------------------
deps:
	@./contrib/install-deps.sh

builds: tracebook asan clang workload
	$(MAKE) static ARCH=x86_64
	$(MAKE) static ARCH=arm64
	$(MAKE) static ARCH=armhf
	$(MAKE) kit rpm deb

check: deps
	$(MAKE) builds
	@./tests/run-tests.sh

# the qemu tier alone (also part of check)
check-vm: deps
	$(MAKE) static ARCH=x86_64
	$(MAKE) static ARCH=arm64
	$(MAKE) static ARCH=armhf
	@TESTS=vm ./tests/run-tests.sh

run: deps
	$(MAKE) tracebook
	./tracebook run slab-leak -d 10s

bench: deps tracebook
	@./bench/run-all.sh

clean:
	rm -rf build tracebook

# header dependencies written by -MMD -MP (absent before the first build: fine)
-include $(shell find build -name '*.d' 2>/dev/null)

.PHONY: all asan clang static deps builds check check-vm run bench clean workload
.PHONY: man install uninstall kit rpm deb
.PHONY: fuzz fuzz-build
.SECONDARY:
