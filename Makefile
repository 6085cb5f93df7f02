# tracebook - build, test, run.
#
#   make            ./tracebook (release build, warnings are errors)
#   make deps       install every Debian package the build and tests need (root)
#   make run        deps + build + run the default recipe (slab-leak) for ~10 s
#   make check      deps + every build (release, ASan/UBSan, clang, static x86_64 and
#                   arm64) + every test; ends with "N passed, N failed, N skipped"
#   make static [ARCH=arm64]   fully static binary for field kits
#   make check-vm   only the qemu tier (real Debian kernels; also part of check)
#   make bench      the benchmarks in bench/ (not part of check)
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
DEFS := -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -DTB_RECIPE_DIR='"$(abspath recipes)"'
PC_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PC_LIBS := $(shell pkg-config --libs $(PKGS))

CC ?= cc
# every object also writes its header dependencies (build/.../*.d, included at the end)
DEPFLAGS := -MMD -MP
BASE_CFLAGS := $(STD) $(WARN) $(DEFS) -Isrc $(PC_CFLAGS)
LIBS := $(PC_LIBS) -lpthread -lm -ldl

# the first rule is the default goal: `make` builds ./tracebook
all: tracebook

$(GEN_SRC): $(RECIPES) contrib/embed-recipes.sh
	@mkdir -p $(dir $@)
	./contrib/embed-recipes.sh $@ $(RECIPES)

# --- release build -------------------------------------------------------------
REL := build/release
REL_CFLAGS := $(BASE_CFLAGS) -O2 -g
REL_OBJ := $(SRC:%.c=$(REL)/%.o)

tracebook: $(REL_OBJ)
	$(CC) -o $@ $^ $(LIBS)

$(REL)/%.o: %.c
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

$(ASAN)/%.o: %.c
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

$(CLANG)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CLANG   $<'
	@clang $(BASE_CFLAGS) -O2 $(DEPFLAGS) -c -o $@ $<

# --- static field build ---------------------------------------------------------
ifeq ($(ARCH),arm64)
STATIC_CC := aarch64-linux-gnu-gcc
STATIC_PC := PKG_CONFIG_LIBDIR=/usr/lib/aarch64-linux-gnu/pkgconfig pkg-config
else ifeq ($(ARCH),x86_64)
STATIC_CC := $(CC)
STATIC_PC := pkg-config
else
$(error ARCH must be x86_64 or arm64)
endif
STATIC := build/static-$(ARCH)
STATIC_CFLAGS := $(STD) $(WARN) $(DEFS) -DTB_STATIC_BUILD=1 -Isrc -O2 \
	$(shell $(STATIC_PC) --cflags $(PKGS) 2>/dev/null)
STATIC_OBJ := $(SRC:%.c=$(STATIC)/%.o)

static: $(STATIC)/tracebook

$(STATIC)/tracebook: $(STATIC_OBJ)
	$(STATIC_CC) -static -o $@ $^ $(shell $(STATIC_PC) --static --libs $(PKGS)) \
		-lpthread -lm -ldl

$(STATIC)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo '  CC $(ARCH) $<'
	@$(STATIC_CC) $(STATIC_CFLAGS) $(DEPFLAGS) -c -o $@ $<

# --- bench workload generator (bench/workload.c): plants kernel objects, churns others
WORKLOAD := build/tb-workload
workload: $(WORKLOAD)
$(WORKLOAD): bench/workload.c
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(WARN) -D_GNU_SOURCE -O2 -g -o $@ $< -lpthread

# --- workflows ------------------------------------------------------------------
deps:
	@./contrib/install-deps.sh

builds: tracebook asan clang workload
	$(MAKE) static ARCH=x86_64
	$(MAKE) static ARCH=arm64

check: deps
	$(MAKE) builds
	@./tests/run-tests.sh

# the qemu tier alone (also part of check)
check-vm: deps
	$(MAKE) static ARCH=x86_64
	$(MAKE) static ARCH=arm64
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
.SECONDARY:
