# tests/: `make check` runs the unit tests (cmocka, the loader's pure pieces built hosted),
# the end-to-end runs, and the malformed-ELF corpus.

UNIT_NAMES := hash relr dst ldcache elfcheck version_match format string alloc state_lock
UNIT_BINS := $(patsubst %,$(BUILD)/tests/test_%,$(UNIT_NAMES))
# The pure parts of rtld/, compiled for the host with libc underneath.
HOSTED_SRCS := rtld/elfcheck.c rtld/dst.c rtld/ldcache.c rtld/version_match.c rtld/lib/format.c
HOSTED_OBJS := $(patsubst %.c,$(BUILD)/hosted/%.o,$(HOSTED_SRCS))
TEST_CFLAGS := $(WARN) -I rtld

$(BUILD)/hosted/%.o: %.c $(wildcard rtld/*.h rtld/lib/*.h rtld/include/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -fno-builtin -c $< -o $@

# string.c is compiled into its test: as in the loader, no loop may become a libc call.
$(BUILD)/tests/test_string: TEST_CFLAGS += -fno-builtin -fno-tree-loop-distribute-patterns
$(BUILD)/tests/test_string: rtld/lib/string.c rtld/lib/string.h
# alloc.c too, with its raw system calls: the arenas are real mappings.
$(BUILD)/tests/test_alloc: rtld/lib/alloc.c rtld/lib/alloc.h
# state_lock.c too: LOCK_STATE's lock under real threads, signals and forks.
$(BUILD)/tests/test_state_lock: rtld/state_lock.c rtld/state_lock.h rtld/lock.h
$(BUILD)/tests/test_%: tests/unit/test_%.c $(HOSTED_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(HOSTED_OBJS) -lcmocka

# The loader's pure pieces (accounting, /proc parsing, ELF reading) against libc and libelf.
LOADER_UNIT_NAMES := account elfinfo opts view pagecause inspect
LOADER_UNIT_BINS := $(patsubst %,$(BUILD)/tests/test_%,$(LOADER_UNIT_NAMES))
LOADER_TEST_OBJS := $(BUILD)/loader/account.o $(BUILD)/loader/measure.o $(BUILD)/loader/proc.o $(BUILD)/loader/elfinfo.o \
	$(BUILD)/loader/elfreloc.o \
	$(BUILD)/loader/procsel.o $(BUILD)/loader/view.o $(patsubst %.c,$(BUILD)/%.o,$(wildcard loader/report*.c)) \
	$(BUILD)/loader/cache_attr.o
$(BUILD)/tests/test_account: tests/unit/test_account.c $(LOADER_TEST_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_GNU_SOURCE -I loader -o $@ $< $(LOADER_TEST_OBJS) -lcmocka -lelf
$(BUILD)/tests/test_view: tests/unit/test_view.c $(LOADER_TEST_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_GNU_SOURCE -I loader -o $@ $< $(LOADER_TEST_OBJS) -lcmocka -lelf
$(BUILD)/tests/test_pagecause: tests/unit/test_pagecause.c $(BUILD)/loader/pagecause.o
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_GNU_SOURCE -I loader -o $@ $< $(BUILD)/loader/pagecause.o -lcmocka
$(BUILD)/tests/test_elfinfo: tests/unit/test_elfinfo.c $(LOADER_TEST_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_GNU_SOURCE -I loader -o $@ $< $(LOADER_TEST_OBJS) -lcmocka -lelf

$(BUILD)/tests/test_opts: tests/unit/test_opts.c $(BUILD)/loader/opts.o $(BUILD)/loader/report_format.o
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_GNU_SOURCE -I loader -o $@ $< $(BUILD)/loader/opts.o $(BUILD)/loader/report_format.o -lcmocka

# mmld inspect's counts against readelf over the system's libc.so.6, libstdc++.so.6 and
# libLLVM-14.so.1 (about 3 s), and a library with text relocations.
$(BUILD)/tests/test_inspect: tests/unit/test_inspect.c $(BUILD)/loader/elfinfo.o $(BUILD)/loader/elfreloc.o
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -D_GNU_SOURCE -I loader -o $@ $< $(BUILD)/loader/elfinfo.o $(BUILD)/loader/elfreloc.o -lcmocka -lelf

unit: $(UNIT_BINS) $(LOADER_UNIT_BINS) $(BUILD)/testprogs/libtextrel.so
	@set -e; for t in $(UNIT_BINS) $(LOADER_UNIT_BINS); do MMLD_TEXTREL_LIB=$(BUILD)/testprogs/libtextrel.so $$t; done

e2e: rtld testprogs loader
	bash tests/e2e/run.sh $(BUILD)
	bash tests/e2e/system.sh $(BUILD)
	bash tests/e2e/glibc.sh $(BUILD)
	bash tests/e2e/conform.sh $(BUILD)
	bash tests/e2e/threads.sh $(BUILD)
	bash tests/e2e/dlmopen.sh $(BUILD)
	bash tests/e2e/audit.sh $(BUILD)
	bash tests/e2e/preload.sh $(BUILD)
	bash tests/e2e/options.sh $(BUILD)
	bash tests/e2e/mmld-run.sh $(BUILD)
	bash tests/e2e/share.sh $(BUILD)
	bash tests/e2e/share-procs.sh $(BUILD)
	bash tests/e2e/relcache.sh $(BUILD)
	bash tests/e2e/exec.sh $(BUILD)
	bash tests/e2e/cli.sh $(BUILD)
	bash tests/e2e/pages.sh $(BUILD)
	bash tests/e2e/prefault.sh $(BUILD)
	bash tests/e2e/hostile-elf.sh $(BUILD)
	bash tests/e2e/hold.sh $(BUILD)
	bash tests/e2e/install.sh $(BUILD)
	sh tests/glibc-abi.sh $(BUILD)

corpus: rtld
	bash tests/corpus/run.sh $(BUILD)

# Mutation fuzzing of a library ld-mmld.so loads; `make check` runs a fixed seed.
FUZZ_RUNS ?= 2000
FUZZ_SEED ?= 1
fuzz: rtld testprogs
	python3 tests/fuzz/mutate.py $(BUILD) $(FUZZ_RUNS) $(FUZZ_SEED) libdep_a.so
	python3 tests/fuzz/mutate.py $(BUILD) $(FUZZ_RUNS) $(FUZZ_SEED) deps

# Every dynamically linked program on this machine, --version, both loaders.
sweep: rtld
	bash tests/sweep/run.sh $(BUILD)

# Docs the tests keep true (tests/docs/docs.py): `make docs` runs every command docs/ shows and
# writes its output in (read the diff, fix the prose it contradicts); `make docs-check` (in
# `make check`) runs them again and compares shapes and every number the prose quotes.
# conformance.md (make conformance) and status.md (hand-written) have no command blocks.
DOCS_PAGES := $(filter-out docs/conformance.md docs/status.md,$(wildcard docs/*.md))
.PHONY: docs docs-check
docs: all
	python3 tests/docs/docs.py update $(DOCS_PAGES)
docs-check: all
	python3 tests/docs/docs.py check $(DOCS_PAGES)

check: all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory docs-check
	@$(MAKE) --no-print-directory corpus
	@$(MAKE) --no-print-directory fuzz
	@$(MAKE) --no-print-directory sweep

# The thread tests under helgrind and drd, both loaders (a few minutes; reports, never fails).
threads-valgrind: rtld testprogs
	bash tests/valgrind/threads.sh $(BUILD)

# make bench: ld-mmld.so against the system loader in the same run: start-up time, the
# instructions executed inside each loader (callgrind), the loader's memory in a sleeping
# python3, and how long `mmld share` takes. tests/bench/README.md says how each is measured.
BENCH_RUNS ?= 200
BENCH_PROGRAMS := -- true /bin/true \
	-- "python3 -c pass" /usr/bin/python3 -c pass \
	-- "clang-14 --version" /usr/bin/clang-14 --version
$(BUILD)/bench-startup: tests/bench/startup.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -o $@ $<
bench: rtld loader testprogs $(BUILD)/bench-startup
	$(BUILD)/bench-startup $(RTLD) $(BENCH_RUNS) $(BENCH_PROGRAMS)
	@echo
	@python3 tests/bench/instr.py $(RTLD) $(BENCH_PROGRAMS)
	@echo
	@python3 tests/bench/memory.py $(RTLD)
	@echo
	@python3 tests/bench/relcache.py $(BUILD) $(BENCH_RUNS) $(BENCH_PROGRAMS)
	@echo
	@/usr/bin/python3 tests/bench/share.py $(BUILD)
	@echo
	@python3 tests/bench/churn.py $(BUILD)

# make conformance: glibc 2.36's own elf/ and dlfcn/ tests through ld-mmld.so and through a
# copy of the system's ld.so (tests/conformance/README.md). Not part of `make check`: the
# first run fetches and builds glibc (minutes); later runs reuse the cache.
MMLD_CONFORMANCE_CACHE ?= $(HOME)/.cache/mmld-conformance
CONFORMANCE_OUT := $(BUILD)/conformance
CONFORMANCE_JOBS ?= 2
# ld-mmld.so is run as the system loader's copy is: a file named ld-linux-x86-64.so.2 at a
# path not its own (tst-audit28 checks the dynamic linker's file name).
CONFORMANCE_RTLD := $(CONFORMANCE_OUT)/ld-mmld/ld-linux-x86-64.so.2
conformance: rtld
	bash tests/conformance/build.sh $(MMLD_CONFORMANCE_CACHE)
	@mkdir -p $(dir $(CONFORMANCE_RTLD)) && cp $(RTLD) $(CONFORMANCE_RTLD)
	python3 tests/conformance/run.py -q -j $(CONFORMANCE_JOBS) --cache $(MMLD_CONFORMANCE_CACHE) \
		--loader $(CONFORMANCE_RTLD) --results $(CONFORMANCE_OUT)/ld-mmld.so
	python3 tests/conformance/run.py -q -j $(CONFORMANCE_JOBS) --cache $(MMLD_CONFORMANCE_CACHE) \
		--loader $(MMLD_CONFORMANCE_CACHE)/system-ld/ld-linux-x86-64.so.2 --results $(CONFORMANCE_OUT)/system-copy
	python3 tests/conformance/report.py --all --markdown $(CONFORMANCE_OUT)/summary.md \
		--title "$$(date -u +%Y-%m-%d), commit $$(git rev-parse --short HEAD 2>/dev/null || echo unknown)" \
		$(CONFORMANCE_OUT)/ld-mmld.so ld-mmld.so $(CONFORMANCE_OUT)/system-copy system-copy
	@echo "summary for docs/conformance.md: $(CONFORMANCE_OUT)/summary.md"
