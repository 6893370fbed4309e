# wasmpack - build, test, install.
#
#   make                  build/wasmpack
#   make test             install what is missing (make deps), build, run every test
#   make test SANITIZE=1  the same under AddressSanitizer + UBSan (build/san/)
#   make demo             build and package a sample module into oci:wasmpack-out
#   make install          PREFIX=/usr/local DESTDIR=
#   make bench            benchmarks under bench/ (ratios against peers)
#   make deb              build/wasmpack_<version>_<arch>.deb (dpkg-deb, no network)

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man
CC        ?= cc
NPROC     := $(shell nproc 2>/dev/null || echo 2)
PKG_CONFIG ?= pkg-config
PKGS      := libarchive openssl jansson libcurl libgit2 zlib

ifeq ($(SANITIZE),1)
BUILD     ?= build/san
SANFLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT       ?= -O1 -g
else
BUILD     ?= build
SANFLAGS  :=
OPT       ?= -O2 -g
endif

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers -Wno-format-truncation
# libcurl, libgit2 and libarchive are opened with dlopen() on first use
# (their ~45 dependent libraries would cost ~15 ms at every start:
# common/dynlib.h), so they are compiled against but not linked; their
# sonames come from the libraries installed here.
LAZY_PKGS := libcurl libgit2 libarchive
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(filter-out $(LAZY_PKGS),$(PKGS)) 2>/dev/null)
soname     = $(shell readelf -d "$$($(CC) -print-file-name=lib$(1).so)" 2>/dev/null | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)
LIBS       = $(PKG_LIBS) -lm -lpthread

LIB_DIRS  := common wasm oci attest registry builders runner
LIB_SRC   := $(sort $(foreach d,$(LIB_DIRS),$(wildcard $(d)/*.c)))
CMD_SRC   := $(sort $(wildcard cmd/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))

# the compat library's sources (builders/compat.c) are carried in the binary
COMPAT_SRC := $(sort $(wildcard builders/compat/include/*.h builders/compat/include/sys/*.h builders/compat/src/*.[ch] \
		builders/compat/sjlj/*.c builders/compat/sjlj/include/*.h))
COMPAT_GEN := $(BUILD)/gen/compat_files.c
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/compat_files.o
CMD_OBJ   := $(CMD_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBWP     := $(BUILD)/libwasmpack.a
BIN       := $(BUILD)/wasmpack

.PHONY: all deps test check unit demo install uninstall clean bench fuzz tools deb
all: $(BIN)

$(BUILD)/obj/registry/curl_lib.o: CFLAGS += -DWP_CURL_SONAME='"$(call soname,curl)"'
$(BUILD)/obj/builders/git_lib.o: CFLAGS += -DWP_GIT2_SONAME='"$(call soname,git2)"'
$(BUILD)/obj/oci/archive_lib.o: CFLAGS += -DWP_ARCHIVE_SONAME='"$(call soname,archive)"'

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(COMPAT_GEN): $(COMPAT_SRC) scripts/embed-files.sh
	@mkdir -p $(dir $@)
	scripts/embed-files.sh $@ builders/compat $(COMPAT_SRC)

$(BUILD)/obj/gen/compat_files.o: $(COMPAT_GEN) builders/compat.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -I. -c $< -o $@

$(LIBWP): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIBWP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJ) $(LIBWP) $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBWP) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(LIBWP) $(ALL_LDFLAGS) $(LIBS) -lcmocka

unit: $(UNIT_BIN)

deps:
	@scripts/deps.sh

# Everything the tests need is installed first, then built, then run; the
# last line printed is "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all unit tools
	@scripts/run-tests.sh $(BUILD)

check: test

demo: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@scripts/demo.sh $(BUILD)

bench: deps
	@$(MAKE) --no-print-directory -j$(NPROC) all
	@for b in bench/*.sh; do echo "== $$b"; WASMPACK=$(abspath $(BIN)) bash $$b || exit 1; done

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/wasmpack
	install -m 0644 docs/wasmpack.1 $(DESTDIR)$(MANDIR)/man1/wasmpack.1

deb: $(BIN)
	@scripts/deb.sh $(BUILD) $(VERSION)

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/wasmpack $(DESTDIR)$(MANDIR)/man1/wasmpack.1

clean:
	rm -rf build wasmpack-out

-include $(LIB_OBJ:.o=.d) $(CMD_OBJ:.o=.d)

# Engine tools: the spec-script driver, the embedding test driver and the
# benchmark driver (tests/tools/*.c), linked against the library.
TOOL_SRC  := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)
$(BUILD)/tools/%: tests/tools/%.c $(LIBWP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBWP) $(ALL_LDFLAGS) $(LIBS)
tools: $(TOOL_BIN)

# libFuzzer target over decode+validate+instantiate+call (clang-16 with
# Debian's libclang-rt-16-dev).  Run: build/fuzz/runner_fuzz -max_total_time=600 CORPUS
FUZZ_CC    ?= clang-16
FUZZ_SRC   := $(sort $(wildcard common/*.c wasm/*.c runner/*.c))
# (common/base64.c calls OpenSSL: every fuzz target links libcrypto)
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
fuzz: build/fuzz/runner_fuzz
build/fuzz/runner_fuzz: tests/fuzz/runner_fuzz.c $(FUZZ_SRC) $(wildcard runner/*.h runner/*.inc wasm/*.h common/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/runner_fuzz.c $(FUZZ_SRC) -lcrypto -lm -lpthread

# The interpreter loop: GCC's global CSE merges the computed gotos of the
# handlers into shared jumps, which costs branch prediction (~8% here).
$(BUILD)/obj/runner/exec.o: CFLAGS += -fno-gcse -ffp-contract=off

# libFuzzer target over the WASI host calls: a generated guest calls every
# import with fuzzed arguments; nothing outside a scratch preopen may change.
# Run: build/fuzz/wasi_fuzz -max_total_time=600 [CORPUS]
.PHONY: fuzz-wasi
fuzz: fuzz-wasi
fuzz-wasi: build/fuzz/wasi_fuzz
build/fuzz/wasi_fuzz: tests/fuzz/wasi_fuzz.c $(FUZZ_SRC) $(wildcard runner/*.h runner/*.inc wasm/*.h common/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/wasi_fuzz.c $(FUZZ_SRC) -lcrypto -lm -lpthread

# libFuzzer target over the component decoder, the world printer and the
# canonical ABI's load/lift of every type a fuzzed component defines.
# Run: build/fuzz/component_fuzz -max_total_time=600 [CORPUS]
.PHONY: fuzz-component
fuzz: fuzz-component
fuzz-component: build/fuzz/component_fuzz
build/fuzz/component_fuzz: tests/fuzz/component_fuzz.c $(FUZZ_SRC) $(wildcard runner/*.h runner/*.inc wasm/*.h common/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/component_fuzz.c $(FUZZ_SRC) -lcrypto -lm -lpthread
