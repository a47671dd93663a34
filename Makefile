# mmld: build everything with `make`, test with `make check`, benchmark with `make bench`.
# See README.md. Outputs go to build/.

CC ?= gcc
BUILD := build
VERSION := 0.1
WARN := -std=gnu11 -O2 -g -Wall -Wextra -Werror

# rtld/ is freestanding: no libc anywhere, hidden visibility (only linker-scripts/ld-mmld.map
# exports), no stack protector (it would read %fs before we set it), and no loop turned into
# a memset/memcpy call (our memset is such a loop). Data at its ABI alignment, not GCC's 32
# bytes for every array of 32 or more (-malign-data=abi): the padding was some 500 bytes of the
# pages each process writes.
RTLD_CFLAGS := $(WARN) -fPIC -ffreestanding -fno-builtin -fno-stack-protector -fvisibility=hidden \
	-fno-tree-loop-distribute-patterns -fno-plt -fcf-protection=none -malign-data=abi -I rtld -I $(BUILD)/gen
RTLD_LDFLAGS := -nostdlib -shared -Wl,-T,linker-scripts/ld-mmld.lds \
	-Wl,--version-script=linker-scripts/ld-mmld.map -Wl,-soname,ld-linux-x86-64.so.2 \
	-Wl,-Bsymbolic -Wl,--no-undefined -Wl,-z,pack-relative-relocs -Wl,--hash-style=both \
	-Wl,--build-id -Wl,-z,relro -Wl,-z,noexecstack -Wl,-e,_dl_start

RTLD_SRCS := $(wildcard rtld/*.c rtld/lib/*.c rtld/arch/x86_64/*.c rtld/glibc/*.c)
RTLD_ASMS := $(wildcard rtld/arch/x86_64/*.S)
RTLD_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(RTLD_SRCS)) $(patsubst %.S,$(BUILD)/%.o,$(RTLD_ASMS))
RTLD := $(BUILD)/ld-mmld.so

.PHONY: threads-valgrind all rtld check check-image clean bench demo testprogs unit e2e corpus fuzz sweep loader deps conformance
all: rtld loader testprogs

# Debian packages the build and the tests need; `make deps` installs the missing ones.
DEPS := gcc g++ make binutils libc6-dev libelf-dev libcmocka-dev util-linux xz-utils \
	libc6-dbg gdb strace valgrind python3 perl git clang-14 \
	python3-jsonschema librsvg2-bin libxml2-utils chromium man-db groff-base
deps:
	@missing=""; for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
		$$sudo apt-get update -qq && $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

# The demo: programs and their libraries loaded by ld-mmld.so, with every mapping it made, and
# what sharing saves when eight of them run.
demo: all
	@echo '== ld-mmld.so --list /bin/ls   (what it will load, found as the system loader finds it)'
	@$(RTLD) --list /bin/ls
	@echo
	@echo '== ld-mmld.so /bin/ls -l /etc/hostname   (the real ls and libc.so.6, no system ld.so)'
	@$(RTLD) /bin/ls -l /etc/hostname
	@echo
	@echo '== LD_DEBUG=maps,statistics ld-mmld.so build/testprogs/deps   (a program, three libraries, no libc)'
	@LD_DEBUG=maps,statistics $(RTLD) $(BUILD)/testprogs/deps
	@echo
	@echo "== mmld share -n 8 --compare -- /usr/bin/python3 -c 'import json'   (physical memory, ours vs the system loader)"
	@$(MMLD) share -n 8 --compare -- /usr/bin/python3 -c 'import json' | sed -n '/^object  *mmld/,$$p'

rtld: $(RTLD) $(BUILD)/.image-checked

# glibc's private layout, read from this machine's glibc debug information when gdb and
# libc6-dbg are there (so a Debian point release of libc6 is followed), else the copy checked
# in as rtld/glibc/abi.h. Either way libc.so.6's build-id is compiled in and checked at start.
GLIBC_ABI := $(BUILD)/gen/glibc-abi.h
$(GLIBC_ABI): rtld/glibc/gen-abi.sh rtld/glibc/abi.h
	@mkdir -p $(dir $@)
	@if sh rtld/glibc/gen-abi.sh >$@.tmp 2>/dev/null && grep -q '^#define GL_SIZE [0-9]' $@.tmp; then \
		mv $@.tmp $@; echo "  GEN     $@ (from this machine's glibc debug information)"; \
	else \
		rm -f $@.tmp; cp rtld/glibc/abi.h $@; echo "  GEN     $@ (no gdb/libc6-dbg: the checked-in rtld/glibc/abi.h)"; \
	fi

$(BUILD)/rtld/%.o: rtld/%.c $(wildcard rtld/*.h rtld/*/*.h) $(GLIBC_ABI) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(RTLD_CFLAGS) -MMD -c $< -o $@

$(BUILD)/rtld/%.o: rtld/%.S Makefile
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) -c $< -o $@

$(RTLD): $(RTLD_OBJS) linker-scripts/ld-mmld.lds linker-scripts/ld-mmld.map
	@echo "  LD      $@"
	@$(CC) $(RTLD_LDFLAGS) -o $@ $(RTLD_OBJS) -lgcc

# The image must stand alone: no undefined symbols, no DT_NEEDED, no text relocations, and
# nothing but relative relocations (self-relocation handles no other kind). And rtld/ must
# not have included a libc header.
$(BUILD)/.image-checked: $(RTLD) tests/check-image.sh
	@sh tests/check-image.sh $(RTLD) $(BUILD)/rtld
	@touch $@
check-image: $(BUILD)/.image-checked

include loader/loader.mk
include testprogs/testprogs.mk
include tests/tests.mk

clean:
	rm -rf $(BUILD)

# make install [PREFIX=/usr/local] [DESTDIR=]: mmld in PREFIX/bin; ld-mmld.so and
# mmld-exec-stub in PREFIX/lib/mmld/, where mmld looks for them from its own path
# (loader/paths.c), so the installed tree can be moved; the man pages in man1 and man8;
# docs/ in PREFIX/share/doc/mmld. make uninstall removes exactly those files, and the two
# directories of mmld's own once empty. tests/e2e/install.sh checks both.
PREFIX ?= /usr/local
DOC_FILES := $(wildcard docs/*.md) docs/share-schema.json
INSTALLED := bin/mmld lib/mmld/ld-mmld.so lib/mmld/mmld-exec-stub share/man/man1/mmld.1 \
	share/man/man8/ld-mmld.so.8 $(addprefix share/doc/mmld/,$(notdir $(DOC_FILES)))
DEST := $(DESTDIR)$(PREFIX)
.PHONY: install uninstall
install: rtld loader
	install -d "$(DEST)/bin" "$(DEST)/lib/mmld" "$(DEST)/share/man/man1" "$(DEST)/share/man/man8" "$(DEST)/share/doc/mmld"
	install -m 755 $(MMLD) "$(DEST)/bin/mmld"
	install -m 755 $(RTLD) $(EXEC_STUB) "$(DEST)/lib/mmld/"
	install -m 644 docs/man/mmld.1 "$(DEST)/share/man/man1/"
	install -m 644 docs/man/ld-mmld.so.8 "$(DEST)/share/man/man8/"
	install -m 644 $(DOC_FILES) "$(DEST)/share/doc/mmld/"
# DEST is quoted in every recipe: a DESTDIR or PREFIX with a space is one path, never two.
uninstall:
	for f in $(INSTALLED); do rm -f "$(DEST)/$$f"; done
	-rmdir "$(DEST)/lib/mmld" "$(DEST)/share/doc/mmld" 2>/dev/null

-include $(wildcard $(BUILD)/rtld/*.d $(BUILD)/rtld/*/*.d $(BUILD)/rtld/*/*/*.d)
