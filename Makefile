# netdep: one GNU Makefile.  Tunables first; everything else follows from
# the layout (see README.md), so a new cgi/*.c, tests/unit/test_*.c,
# tests/fuzz/fuzz_*.c or tools/*.c needs no edit here.

CC       ?= cc
FUZZCC   ?= clang
PORT     ?= 8080
VAR      ?= var
B        ?= build
FUZZ_SECONDS ?= 60
PY       ?= /usr/bin/python3

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Werror
STD      = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
OPT      ?= -O2 -g
PKGS     = libpq gdlib libsodium jansson libwebp libpng libseccomp libheif
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer
FUZZ_SAN  = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer

# `make asan` re-enters this Makefile with B=build-asan SANITIZE=1.
ifeq ($(SANITIZE),1)
EXTRA_CFLAGS  += $(SAN_FLAGS)
EXTRA_LDFLAGS += $(SAN_FLAGS)
endif

# libgd is linked statically: only the readers we call (PNG, and our own
# JPEG/WebP decoding) end up in the binaries, libgd's HEIF, AVIF, TIFF, GIF
# and other readers are not even loaded, and a process starts ~10 ms faster
# (the shared libgd drags in 56 libraries).  What the static libgd needs
# from its own dependencies comes from freetype2 and fontconfig.
GD_LIBDIR  := $(shell pkg-config --variable=libdir gdlib 2>/dev/null)
GD_STATIC  := $(wildcard $(GD_LIBDIR)/libgd.a)
# libheif is not linked at all: cgi/heif.c opens it with dlopen at its
# first use (its codecs cost a process ~14 ms at start).
LINK_PKGS  = libpq libsodium jansson libwebp libpng freetype2 fontconfig \
             libseccomp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ifneq ($(GD_STATIC),)
PKG_LIBS   := $(GD_STATIC) $(shell pkg-config --libs $(LINK_PKGS) 2>/dev/null)
else
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libheif,$(PKGS)) 2>/dev/null)
endif
CPPFLAGS  += -Icgi $(PKG_CFLAGS)
CFLAGS    += $(STD) $(WARN) $(OPT) -pthread $(EXTRA_CFLAGS)
LDFLAGS   += $(EXTRA_LDFLAGS)
LDLIBS    += $(PKG_LIBS) -ljpeg -lunistring -lfcgi -lm -pthread
# Certificates (issue 16): QR codes, PDF with an embedded font, CRC-32.
LDLIBS    += -lqrencode -lhpdf -lz
# The S3 media backend (issue 18): libcurl signs with CURLOPT_AWS_SIGV4.
LDLIBS    += -lcurl

# --- what exists ---------------------------------------------------------
LIB_SRC   := $(filter-out cgi/main.c,$(wildcard cgi/*.c))
MAIN_SRC  := $(wildcard cgi/main.c)
ADMIN_SRC := $(wildcard cgi/admin/*.c)
TOOL_SRC  := $(wildcard tools/*.c)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)

LIB       := $(B)/libnetdep.a
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/obj/%.o)
SERVER    := $(if $(MAIN_SRC),$(B)/netdep)
ADMIN     := $(if $(ADMIN_SRC),$(B)/netdep-admin)
ADMIN_OBJ := $(ADMIN_SRC:%.c=$(B)/obj/%.o)
# tools/demo_image.c -> build/netdep-demo-image
tool_bin   = $(B)/netdep-$(subst _,-,$(notdir $(1:.c=)))
TOOLS     := $(foreach t,$(TOOL_SRC),$(call tool_bin,$(t)))
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

FUZZ_DIR  := build/fuzz
FUZZ_LIB  := $(FUZZ_DIR)/libnetdep-fuzz.a
FUZZ_OBJ  := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_DIR)/%)

.PHONY: print-ldlibs all run stop status test unit fuzz-build fuzz-replay fuzz bench bench-ledger bench-scale \
	cluster cluster-stop failover-drill bench-cluster \
        asan valgrind lint clean deps e2e seed-demo migrate security chaos soak \
        backup restore install install-systemd verify-systemd \
        screenshots qa-tools lighthouse s3-tools
.DELETE_ON_ERROR:
# Objects built by chained pattern rules are kept (no rebuild next time).
.SECONDARY:

all: $(SERVER) $(ADMIN) $(TOOLS) $(UNIT_BIN) $(B)/static/index.html

# The static files as nginx serves them: CSS and JS also under hashed
# names the pages refer to (scripts/fingerprint.sh; issue 17).
$(B)/static/index.html: $(wildcard static/*) scripts/fingerprint.sh
	@mkdir -p $(B)
	scripts/fingerprint.sh static $(B)/static

# --- C build -------------------------------------------------------------
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(if $(LIB_OBJ),$(AR) rcs $@ $^,$(AR) rcs $@)

$(B)/netdep: $(B)/obj/cgi/main.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(B)/netdep-admin: $(ADMIN_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(ADMIN_OBJ) $(LIB) $(LDLIBS)

define tool_rule
$(call tool_bin,$(1)): $(B)/obj/$(1:.c=.o) $(LIB)
	$$(CC) $$(LDFLAGS) -o $$@ $$< $(LIB) $$(LDLIBS)
endef
$(foreach t,$(TOOL_SRC),$(eval $(call tool_rule,$(t))))

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)
# The unit tests find tests/data/ by this absolute path, whatever directory
# they run from ($$NETDEP_TESTDATA overrides it).
$(B)/obj/tests/unit/%.o: CPPFLAGS += -Itests/unit \
    -DNETDEP_TESTDATA_DIR='"$(CURDIR)/tests/data"'

# --- fuzzing (clang + libFuzzer; its own objects) ------------------------
# clang, unlike gcc, warns when an initializer leaves trailing fields to
# their zero default, which tables such as the statement sets rely on.
FUZZ_CFLAGS = $(STD) $(WARN) -Wno-missing-field-initializers -O1 -g $(FUZZ_SAN)

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZCC) $(CPPFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(if $(FUZZ_OBJ),$(AR) rcs $@ $^,$(AR) rcs $@)

$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB)
	$(FUZZCC) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_LIB) \
	    $(LDLIBS)

fuzz-build: $(FUZZ_BIN)

# Replays every committed corpus: a regression test, not a search.
fuzz-replay: fuzz-build
	@scripts/fuzz.sh replay $(FUZZ_BIN)

# Searches for new crashes for FUZZ_SECONDS per target; new inputs land in
# build/fuzz/work/<name>, crashes in build/fuzz/artifacts/.
fuzz: deps fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh search $(FUZZ_BIN)

unit: $(UNIT_BIN)
	@scripts/unit.sh $(UNIT_BIN)

-include $(shell find $(B)/obj $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

# --- running -------------------------------------------------------------
deps:
	@scripts/deps.sh base

run: deps
	@$(MAKE) --no-print-directory all
	@PORT=$(PORT) NETDEP_BUILD=$(B) scripts/netdep-ctl start $(VAR)

stop:
	@scripts/netdep-ctl stop $(VAR)

status:
	@scripts/netdep-ctl status $(VAR)

migrate:
	@scripts/netdep-ctl migrate $(VAR)

seed-demo:
	@NETDEP_BUILD=$(B) scripts/netdep-ctl seed $(VAR)

# A base backup of the running $(VAR) stack and a copy of its media, into
# NETDEP_BACKUP_DIR ($(VAR)/backup); the cluster archives its WAL there.
# `make restore` brings them back, as of RESTORE_TARGET_TIME if set
# (README, Running it for real).
backup:
	@NETDEP_BUILD=$(B) scripts/netdep-ctl backup $(VAR)

restore: all
	@PORT=$(PORT) NETDEP_BUILD=$(B) scripts/netdep-ctl restore $(VAR) $(if $(RESTORE_TARGET_TIME),"$(RESTORE_TARGET_TIME)")

# --- tests ---------------------------------------------------------------
# Order: unit tests, fuzz-corpus replay, then the end-to-end suite through
# nginx against a fresh cluster in a throwaway directory.
test: deps qa-tools s3-tools
	@$(MAKE) --no-print-directory all fuzz-build
	@NETDEP_BUILD=$(B) UNIT_BIN="$(UNIT_BIN)" FUZZ_BIN="$(FUZZ_BIN)" \
	    scripts/test.sh normal

# The end-to-end suite alone, against the normal build.
e2e: all qa-tools s3-tools
	@NETDEP_BUILD=$(B) scripts/e2e.sh

# The npm tools of make test, each pinned by tests/<name>/package-lock.json
# and installed by npm into build/<name> (git-ignored); again only when the
# lock file changes.
# The page checkers of make test and make lighthouse (issue 17): axe-core,
# the Nu HTML Checker (vnu.jar, run by Debian's Java 17) and Lighthouse.
qa-tools: build/qa/node_modules/.netdep-installed
# The S3-compatible server the S3 media backend's e2e test starts
# (tests/e2e/test_s3.py; issue 18): s3rver.
s3-tools: build/s3/node_modules/.netdep-installed
build/%/node_modules/.netdep-installed: tests/%/package.json \
    tests/%/package-lock.json
	@mkdir -p build/$*
	cp $^ build/$*/
	cd build/$* && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# Not part of make test: Lighthouse (mobile profile, Debian's chromium) on
# home, gallery, an entry and the leaderboard of a throwaway stack; prints
# each score and fails below perf 95, a11y 100, best practices 95, CLS
# 0.05, LCP 2.5 s (tests/browser/lighthouse_run.py).
lighthouse: deps qa-tools all
	@E2E_SEED=0 E2E_TESTS="browser/lighthouse_run.py" PYTEST_ARGS="-s" \
	    NETDEP_BUILD=$(B) scripts/e2e.sh

# Not part of make test: the issue-17 screenshots of the home page, an
# entry on a phone, the share card and the moderation page against a
# throwaway stack, saved as docs/screenshots/$(SHOTS)-*.png.
SHOTS ?= after
screenshots: all
	@SHOTS=$(SHOTS) E2E_SEED=0 E2E_TESTS=browser/screenshots.py \
	    NETDEP_BUILD=$(B) scripts/e2e.sh

asan: deps
	@$(MAKE) --no-print-directory B=build-asan SANITIZE=1 all
	@NETDEP_BUILD=build-asan \
	    UNIT_BIN="$(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)" \
	    scripts/test.sh asan

valgrind: deps
	@scripts/deps.sh valgrind
	@$(MAKE) --no-print-directory all
	@NETDEP_BUILD=$(B) scripts/test.sh valgrind

# netdep next to its anchors in one run (PERF.md); the table also lands in
# var/bench/latest.json.  BENCH_QUICK=1 for a smoke run, BENCH_STRICT=1 to
# fail on a missed goal.
bench: deps all
	@NETDEP_BUILD=$(B) scripts/bench.sh

# Not part of make test: the vote ledger's cost (issue 16), votes through
# nginx with and without it, interleaved on one stack, and the vote
# function alone (scripts/bench_ledger.py).
bench-ledger: deps all
	@BENCH_SECTIONS=ledger NETDEP_BUILD=$(B) scripts/bench.sh

# Not part of make test: the vote and read measurements again with a
# generated 1,000,000 entries and 50,000,000 votes (SCALE_ENTRIES,
# SCALE_VOTES to shrink it); growth factors in var/bench/scale.json.
bench-scale: deps all
	@NETDEP_BUILD=$(B) scripts/bench_scale.sh

# Not part of make test: sqlmap, wapiti, slowhttptest and the
# authorisation matrix against a throwaway stack with the demo data
# (scripts/security.sh); the report lands in var/security/<timestamp>/.
security: deps all
	@NETDEP_BUILD=$(B) scripts/security.sh

# Not part of make test: clients voting, uploading and reading while a
# nemesis kills and pauses the stack's pieces and fills its media disk;
# a checker then compares the history with the database (scripts/chaos.sh,
# CHAOS_SECONDS=300).  History and summary in var/chaos/<timestamp>/.
chaos: deps all
	@NETDEP_BUILD=$(B) scripts/chaos.sh

# Not part of make test (issue 18; README, Several machines): a primary, a
# streaming standby, two masters and nginx over both, on one machine, in
# CLUSTER_DIR (var/cluster); make failover-drill kills the primary under
# load and promotes the standby (DRILL_RUNS, DRILL_ASYNC=1).
CLUSTER_DIR ?= var/cluster
cluster: all s3-tools
	@NETDEP_BUILD=$(B) scripts/cluster.sh start $(CLUSTER_DIR)

cluster-stop:
	@scripts/cluster.sh stop $(CLUSTER_DIR)

failover-drill: all s3-tools
	@NETDEP_BUILD=$(B) scripts/failover-drill.sh

# Not part of make test: reads/s with one and two standbys, votes/s with
# synchronous and asynchronous replication, next to one machine's; the
# table lands in var/bench/cluster.md (README, Sizing).
bench-cluster: all s3-tools
	@NETDEP_BUILD=$(B) scripts/bench-cluster.sh

# Not part of make test: mixed traffic for SOAK_MINUTES (30); fails when a
# worker's memory or descriptors grow after warm-up or p99 latency drifts
# (scripts/soak.sh).  Samples and summary in var/soak/<timestamp>/.
soak: deps all
	@NETDEP_BUILD=$(B) scripts/soak.sh

lint:
	@scripts/lint.sh

# Binaries, static files, SQL, netdep-ctl and the systemd units under
# PREFIX (/usr/local), DESTDIR-aware; /etc/netdep/netdep.env and
# netdep.conf once (README, Running it for real).
PREFIX ?= /usr/local
install: all
	@DESTDIR="$(DESTDIR)" PREFIX="$(PREFIX)" NETDEP_BUILD=$(B) scripts/install.sh

install-systemd: install

verify-systemd:
	@scripts/systemd-verify.sh

# What the binaries link (scripts/lint.sh checks each is needed).
print-ldlibs:
	@echo $(LDLIBS)

clean:
	rm -rf build build-asan
