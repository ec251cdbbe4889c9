# dossier: build, test and run.  `make run` and `make test` do all set-up.
.SUFFIXES:

PKGS     = tesseract lept libtiff-4 sqlite3 libmicrohttpd zbar libsodium jansson \
           poppler-glib cairo libqpdf libzip sane-backends
CC      ?= cc
OPT     ?= -O2 -g
WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wno-missing-field-initializers
ifeq ($(CI),true)
WARN    += -Werror
endif
BUILD   ?= build
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS_ALL = -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) -Iinclude $(PKG_CFLAGS) $(SAN) $(EXTRA_CFLAGS)
LIBS       = $(PKG_LIBS) -lzint -lcsv -lm -lpthread

MODULES  = common archive ingest search export ops web
LIB_SRC  = $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/web/assets_gen.o \
           $(BUILD)/ingest/icc_gen.o
# The sRGB profile of PDF/A output intents (Debian's icc-profiles-free).
ICC_PROFILE ?= /usr/share/color/icc/sRGB.icc
ASSETS   = $(wildcard web/assets/*)
CLI_SRC  = $(wildcard cli/*.c)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_SRC = $(wildcard tests/unit/*/*.c)
UNIT_BIN = $(UNIT_SRC:%.c=$(BUILD)/%)

.PHONY: all deps browser-deps run test check asan tsan fuzz bench-ingest bench-queue bench-capture bench-archive bench-search bench-web bench-export bench-classify bench-dates clean samples install uninstall soak

all: $(BUILD)/dossier $(BUILD)/gensamples

deps:
	@scripts/install-deps

$(BUILD)/%.o: %.c $(wildcard include/dossier/*.h) $(wildcard */internal.h) web/assets.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra $< -o $@

$(BUILD)/web/assets_gen.c: $(BUILD)/embed $(ASSETS)
	@mkdir -p $(dir $@)
	$(BUILD)/embed $@ $(foreach f,$(ASSETS),/$(notdir $(f))=$(f))

$(BUILD)/web/assets_gen.o: $(BUILD)/web/assets_gen.c web/assets.h
	$(CC) $(CFLAGS_ALL) -Iweb -c $< -o $@

$(BUILD)/ingest/icc_gen.c: $(ICC_PROFILE)
	@mkdir -p $(dir $@)
	@test -r $< || { echo "no $<: install icc-profiles-free (scripts/install-deps)" >&2; exit 1; }
	{ echo '/* generated from $< */'; echo '#include <stddef.h>'; \
	  echo 'extern const unsigned char ing_srgb_icc[];'; \
	  echo 'extern const size_t ing_srgb_icc_len;'; \
	  echo 'const unsigned char ing_srgb_icc[] = {'; \
	  od -An -v -tu1 $< | sed 's/\([0-9][0-9]*\)/\1,/g'; \
	  echo '};'; echo "const size_t ing_srgb_icc_len = $$(wc -c <$<);"; } >$@.tmp
	mv $@.tmp $@

$(BUILD)/ingest/icc_gen.o: $(BUILD)/ingest/icc_gen.c
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/libdossier.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(CLI_OBJ): $(wildcard cli/*.h)

$(BUILD)/dossier: $(CLI_OBJ) $(BUILD)/libdossier.a
	$(CC) $(SAN) $^ $(LIBS) -o $@

GS_SRC = $(wildcard tools/gensamples/*.c)
$(BUILD)/gensamples: $(GS_SRC) tools/gensamples/gs.h
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) $(GS_SRC) \
		$$(pkg-config --cflags --libs cairo lept jansson) -lzint -lm -o $@

# cli/ is no library: its unit tests link the one file they test.
$(BUILD)/tests/unit/cli/%: tests/unit/cli/%.c $(BUILD)/cli/config.o $(BUILD)/libdossier.a tests/unit/harness.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -Icli $< $(BUILD)/cli/config.o \
		$(BUILD)/libdossier.a $(LIBS) $$(pkg-config --libs cmocka) -o $@

$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libdossier.a tests/unit/harness.h $(wildcard tests/unit/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit $< $(BUILD)/libdossier.a $(LIBS) \
		$$(pkg-config --libs cmocka) -o $@

samples: $(BUILD)/gensamples
	@if [ ! -f $(BUILD)/samples/demo/.done ]; then \
		rm -rf $(BUILD)/samples/demo && \
		$(BUILD)/gensamples --demo -o $(BUILD)/samples/demo && \
		touch $(BUILD)/samples/demo/.done; fi

# The whole test suite: unit (cmocka), integration (the real binary).
check: all $(UNIT_BIN) samples $(BUILD)/bench/classify_bench
	@BUILD=$(BUILD) tests/run

# The browser tests' tools: Debian's chromium and node, playwright-core
# from npm (no browser download).
browser-deps:
	@scripts/install-deps browser
	@if [ ! -d tests/browser/node_modules/playwright-core ]; then \
		cd tests/browser && npm install --no-audit --no-fund --silent; fi

test: deps browser-deps
	@$(MAKE) --no-print-directory check

# Unit and integration tests under AddressSanitizer + UBSan.
asan: deps browser-deps
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		check

# Data races: the queue's, the audit writer's and the server's tests under
# ThreadSanitizer (tests/tsan.sh; reports in tests/out/tsan/).
TSAN_UNITS = $(BUILD_TSAN)/tests/unit/archive/test_queue \
	     $(BUILD_TSAN)/tests/unit/archive/test_auditq
BUILD_TSAN = build-tsan
tsan: deps
	@$(MAKE) --no-print-directory BUILD=$(BUILD_TSAN) OPT="-O1 -g" \
		SAN="-fsanitize=thread" all samples $(TSAN_UNITS)
	@tests/tsan.sh $(BUILD_TSAN)

run: deps
	@$(MAKE) --no-print-directory all samples
	@scripts/demo $(BUILD)

bench-ingest: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/ingest_direct
	@bench/ingest.sh $(BUILD)

# The work queue's part of bench-ingest alone (bench/queue.sh): pages/min
# with 1 and 2 workers against the in-process pipeline, on BENCH_PAGES
# generated pages (default 20), QUEUE_BENCH_REPEAT runs each (best kept).
bench-queue: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/ingest_direct
	@rm -rf $(BUILD)/bench/queue && mkdir -p $(BUILD)/bench/queue/pages
	@$(BUILD)/gensamples --bench -o $(BUILD)/bench/queue/pages \
		--count $${BENCH_PAGES:-20} >/dev/null
	@bench/queue.sh $(BUILD) $(BUILD)/bench/queue \
		$(BUILD)/bench/queue/pages/bench-*.tif

# The pipeline as it ran in process before the work queue, for the
# queue's run of bench-ingest (bench/queue.sh) to compare with.
$(BUILD)/bench/ingest_direct: bench/ingest_direct.c $(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(BUILD)/libdossier.a $(LIBS) -o $@
# Hard pages (issue 24): per kind, dossier beside plain tesseract and
# OCRmyPDF on the held-out capture set and the shared corpus; CAPTURE_PAGES
# (3) pages per kind, CAPTURE_SET (eval) or tune.
bench-capture: deps
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory all
	@python3 bench/capture_report.py selftest >/dev/null
	@bench/capture.sh $(BUILD)
# Dates read from the page against the generated documents' ground truth:
# right, missed, another date taken, a date invented (bench/dates.sh).
bench-dates: deps
	@$(MAKE) --no-print-directory all samples
	@bench/dates.sh $(BUILD)

# Archive layer: commit rate and catalogue size per 1,000 pages.
BENCH_PAGES ?= 10000
bench-archive: deps
	@$(MAKE) --no-print-directory $(BUILD)/bench/archive_bench
	@$(BUILD)/bench/archive_bench $(BENCH_PAGES)

$(BUILD)/bench/archive_bench: bench/archive_bench.c $(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(BUILD)/libdossier.a $(LIBS) -o $@

# Long fault and load runs (about 15 minutes): SOAK_ROUNDS kill -9 rounds
# of ingest and of serve, then SOAK_CLIENTS clients searching for
# SOAK_SECONDS while a batch is ingested, a lock held past the busy
# timeout, upload limits with 1 GB streams; a summary of figures at the end.
SOAK_ROUNDS ?= 50
soak: deps
	@scripts/install-deps soak
	@$(MAKE) --no-print-directory all samples
	@SOAK_ROUNDS=$(SOAK_ROUNDS) tests/soak/run.sh $(BUILD)

# libFuzzer (clang; installs it if missing), FUZZ_SECONDS per target, one
# target at a time: query (search/parse.c), image (TIFF/PNG/JPEG decode
# under the pixel limit, ingest/read.c), pdf (declared-image limit and
# poppler render, ingest/pdf.c), barcode (separator, cover sheet, label
# and account barcodes to a filed document, ingest/file.c), manifest
# (ingest/manifest.c), multipart (uploads through the real server,
# web/upload.c) and json (every POST body of the API, web/server.c).
# FUZZ_TARGETS="image pdf" picks some.  Seeds are in fuzz/corpus/TARGET/;
# crash inputs, once fixed, are kept in fuzz/regress/TARGET/ and replayed
# by make test (tests/integration/fuzz_replay.sh, gcc + ASan).
FUZZ_SECONDS ?= 120
FUZZ_TARGETS ?= query image pdf barcode manifest multipart json
fuzz:
	@fuzz/run.sh $(FUZZ_SECONDS) build-fuzz $(FUZZ_TARGETS)

# A harness: with FUZZ_MAIN=-fsanitize=fuzzer (clang) a libFuzzer binary,
# with FUZZ_MAIN=fuzz/replay_main.c a replayer of kept inputs; fuzz/run.sh
# and fuzz/replay.sh give BUILD, CC and SAN.
FUZZ_WEB  = multipart json
FUZZ_MAIN ?= fuzz/replay_main.c
$(BUILD)/fuzz/%: fuzz/%.c fuzz/fuzz.h fuzz/web.c fuzz/web.h fuzz/replay_main.c \
		$(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -I. $< $(if $(filter $*,$(FUZZ_WEB)),fuzz/web.c) \
		$(FUZZ_MAIN) $(BUILD)/libdossier.a $(LIBS) -o $@

# Search latency on a generated archive (built once in /tmp).
SEARCH_PAGES ?= 1000000
# HTTP load with wrk on loopback: searches/s, p99, resident memory.
bench-web: deps
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory all samples $(BUILD)/bench/search_bench
	@bench/web.sh $(BUILD) $(WEB_PAGES)

# Export throughput (pages/s), bundle size and peak memory on a generated
# archive of EXPORT_PAGES pages of real searchable PDFs (built once in /tmp).
EXPORT_PAGES ?= 5000
bench-export: deps
	@scripts/install-deps bench
	@$(MAKE) --no-print-directory all samples $(BUILD)/bench/export_bench
	@bench/export.sh $(BUILD) $(EXPORT_PAGES)

# The learned classifier, cross-validated on generated documents.
bench-classify: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/classify_bench
	@$(BUILD)/bench/classify_bench --docs $(CLASSIFY_DOCS) --folds 5

CLASSIFY_DOCS ?= 800
$(BUILD)/bench/classify_bench: bench/classify_bench.c $(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(BUILD)/libdossier.a $(LIBS) -o $@

$(BUILD)/bench/export_bench: bench/export_bench.c $(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(BUILD)/libdossier.a $(LIBS) -o $@

bench-search: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/search_bench
	@bench/search.sh $(BUILD) $(SEARCH_PAGES)

$(BUILD)/bench/search_bench: bench/search_bench.c $(BUILD)/libdossier.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< $(BUILD)/libdossier.a $(LIBS) -o $@

# Installs what `make all` built (it does not build: run `make all` first,
# not as root): the binary, the manual, the example configuration (copied
# to SYSCONFDIR/dossier/dossier.conf unless one is there), the systemd
# unit and the sysusers.d and tmpfiles.d snippets.  The web assets are in
# the binary.  DESTDIR is prefixed to every path.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/dossier
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d

install:
	@test -x $(BUILD)/dossier || { echo "make install: no $(BUILD)/dossier; run 'make all' first" >&2; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/dossier \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR)
	install -m 0755 $(BUILD)/dossier $(DESTDIR)$(BINDIR)/dossier
	install -m 0644 dist/dossier.1 $(DESTDIR)$(MANDIR)/man1/dossier.1
	install -m 0644 dist/dossier.conf $(DESTDIR)$(DOCDIR)/dossier.conf.example
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/dossier/dossier.conf ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/dossier/dossier.conf"; \
	else \
		echo "install -m 0644 dist/dossier.conf $(DESTDIR)$(SYSCONFDIR)/dossier/dossier.conf"; \
		install -m 0644 dist/dossier.conf $(DESTDIR)$(SYSCONFDIR)/dossier/dossier.conf; \
	fi
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		dist/dossier.service.in >$(DESTDIR)$(UNITDIR)/dossier.service.tmp
	chmod 0644 $(DESTDIR)$(UNITDIR)/dossier.service.tmp
	mv -f $(DESTDIR)$(UNITDIR)/dossier.service.tmp $(DESTDIR)$(UNITDIR)/dossier.service
	install -m 0644 dist/sysusers.conf $(DESTDIR)$(SYSUSERSDIR)/dossier.conf
	install -m 0644 dist/tmpfiles.conf $(DESTDIR)$(TMPFILESDIR)/dossier.conf

# Leaves the archive, and the configuration file if it was changed.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/dossier $(DESTDIR)$(MANDIR)/man1/dossier.1 \
		$(DESTDIR)$(UNITDIR)/dossier.service \
		$(DESTDIR)$(SYSUSERSDIR)/dossier.conf $(DESTDIR)$(TMPFILESDIR)/dossier.conf
	@if cmp -s dist/dossier.conf $(DESTDIR)$(SYSCONFDIR)/dossier/dossier.conf; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/dossier/dossier.conf; \
		rmdir $(DESTDIR)$(SYSCONFDIR)/dossier 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/dossier/dossier.conf ]; then \
		echo "kept $(DESTDIR)$(SYSCONFDIR)/dossier/dossier.conf (changed)"; \
	fi
	rm -f $(DESTDIR)$(DOCDIR)/dossier.conf.example
	rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true

clean:
	rm -rf build build-asan build-tsan
