# testprogs/: programs and libraries ld-mmld.so loads in the tests. The no-libc ones test one
# ELF feature each and can be run by the system loader too (the oracle); glibc/ holds normal
# programs for the glibc personality (issue 3).

TP := $(BUILD)/testprogs
comma := ,
SYSLDSO := /lib64/ld-linux-x86-64.so.2
TP_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fno-stack-protector -fno-builtin -ffreestanding \
	-fcf-protection=none -I testprogs
TP_PIE := $(TP_CFLAGS) -fPIE
TP_PIC := $(TP_CFLAGS) -fPIC
TP_NOPIE := $(TP_CFLAGS) -fno-pie
# Programs: our start file and runtime, no libc, $ORIGIN in RUNPATH so any loader finds the
# libraries beside them.
TP_LINK := -nostdlib -nostartfiles -Wl,--no-as-needed -Wl,-z,noexecstack -L$(TP) -Wl,-rpath,'$$ORIGIN'
TP_SHARED := -nostdlib -shared -Wl,--no-as-needed -Wl,-z,noexecstack -L$(TP) -Wl,-rpath,'$$ORIGIN'

NOLIBC_PIE := $(TP)/nolibc/crt.o $(TP)/nolibc/start-pie.o $(TP)/nolibc/nolibc-pie.o
NOLIBC_NOPIE := $(TP)/nolibc/crt.o $(TP)/nolibc/start-nopie.o $(TP)/nolibc/nolibc-nopie.o
NOLIBC_PIC := $(TP)/nolibc/nolibc-pic.o

$(TP)/nolibc/crt.o: testprogs/nolibc/crt.S
	@mkdir -p $(dir $@)
	$(CC) -c $< -o $@
$(TP)/nolibc/%-pie.o: testprogs/nolibc/%.c testprogs/nolibc/nolibc.h
	@mkdir -p $(dir $@)
	$(CC) $(TP_PIE) -c $< -o $@
$(TP)/nolibc/%-nopie.o: testprogs/nolibc/%.c testprogs/nolibc/nolibc.h
	@mkdir -p $(dir $@)
	$(CC) $(TP_NOPIE) -c $< -o $@
$(TP)/nolibc/%-pic.o: testprogs/nolibc/%.c testprogs/nolibc/nolibc.h
	@mkdir -p $(dir $@)
	$(CC) $(TP_PIC) -c $< -o $@

# $(call tp_prog,OUT,SRC,LIBS,EXTRA): a PIE program.
define tp_prog
$(TP)/$(1): testprogs/$(2) $(NOLIBC_PIE) $(3) testprogs/nolibc/nolibc.h
	@mkdir -p $$(dir $$@)
	$$(CC) $$(TP_PIE) $(4) -pie -o $$@ $$< $$(NOLIBC_PIE) $$(TP_LINK) $(3) $(5)
TP_ALL += $(TP)/$(1)
endef
# $(call tp_lib,OUT,SRC,DEPS,EXTRA-CFLAGS,EXTRA-LDFLAGS): a shared library (soname = file name).
define tp_lib
$(TP)/$(1): testprogs/$(2) $(NOLIBC_PIC) $(3) testprogs/nolibc/nolibc.h
	@mkdir -p $$(dir $$@)
	$$(CC) $$(TP_PIC) $(4) -o $$@ $$< $$(NOLIBC_PIC) $$(TP_SHARED) -Wl,-soname,$$(notdir $(1)) $(3) $(5)
TP_ALL += $(TP)/$(1)
endef

INTERP_MMLD = -Wl$(comma)--dynamic-linker=$(abspath $(RTLD))

# hello: PIE, non-PIE, and both with ld-mmld.so as PT_INTERP.
$(eval $(call tp_prog,hello,hello.c))
$(eval $(call tp_prog,hello-interp,hello.c,,,$(INTERP_MMLD)))
# (A program with no library at all would be linked static: it gets one that prints nothing.)
$(TP)/hello-nopie $(TP)/hello-nopie-interp: testprogs/hello.c $(NOLIBC_NOPIE) $(TP)/libweakprov.so
	$(CC) $(TP_NOPIE) -no-pie -o $@ $< $(NOLIBC_NOPIE) $(TP_LINK) $(TP)/libweakprov.so $(if $(findstring interp,$@),$(INTERP_MMLD))
TP_ALL += $(TP)/hello-nopie $(TP)/hello-nopie-interp

$(eval $(call tp_prog,auxv,auxv.c))
$(eval $(call tp_prog,auxv-interp,auxv.c,,,$(INTERP_MMLD)))

# Breadth-first loading, initialisation order, interposition, LD_PRELOAD.
$(eval $(call tp_lib,libdep_c.so,dep_c.c))
$(eval $(call tp_lib,libdep_b.so,dep_b.c))
$(eval $(call tp_lib,libdep_a.so,dep_a.c,$(TP)/libdep_c.so))
$(eval $(call tp_lib,libpreload.so,preload.c))
$(eval $(call tp_prog,deps,deps_main.c,$(TP)/libdep_a.so $(TP)/libdep_b.so))
$(eval $(call tp_prog,deps-interp,deps_main.c,$(TP)/libdep_a.so $(TP)/libdep_b.so,,$(INTERP_MMLD)))

$(eval $(call tp_lib,libinit2.so,initorder_lib2.c,,,-Wl$(comma)-init=lib2_init -Wl$(comma)-fini=lib2_fini))
$(eval $(call tp_lib,libinit1.so,initorder_lib1.c,$(TP)/libinit2.so,,-Wl$(comma)-init=lib1_init -Wl$(comma)-fini=lib1_fini))
$(eval $(call tp_prog,initorder,initorder_main.c,$(TP)/libinit1.so))

# Symbol versions: two libraries of one soname.
$(TP)/ver1/libver.so: testprogs/versions_lib_v1.c testprogs/versions_lib_v1.map
	@mkdir -p $(dir $@)
	$(CC) $(TP_PIC) -o $@ $< $(TP_SHARED) -Wl,-soname,libver.so -Wl,--version-script=testprogs/versions_lib_v1.map
$(TP)/ver2/libver.so: testprogs/versions_lib_v2.c testprogs/versions_lib_v2.map
	@mkdir -p $(dir $@)
	$(CC) $(TP_PIC) -o $@ $< $(TP_SHARED) -Wl,-soname,libver.so -Wl,--version-script=testprogs/versions_lib_v2.map
$(eval $(call tp_prog,versions-v1,versions_main.c,$(TP)/ver1/libver.so))
$(eval $(call tp_prog,versions-v2,versions_main.c,$(TP)/ver2/libver.so,-DWANT_V2))
TP_ALL += $(TP)/ver1/libver.so $(TP)/ver2/libver.so

$(eval $(call tp_lib,libweak.so,weak_lib.c))
$(eval $(call tp_lib,libweakprov.so,weak_provider.c))
$(eval $(call tp_prog,weak,weak_main.c,$(TP)/libweak.so))

$(eval $(call tp_lib,libunique1.so,unique_lib.c,,-DUNIQUE_INIT='"100"' -DUNIQUE_FN=bump_one))
$(eval $(call tp_lib,libunique2.so,unique_lib.c,,-DUNIQUE_INIT='"500"' -DUNIQUE_FN=bump_two))
$(eval $(call tp_prog,unique,unique_main.c,$(TP)/libunique1.so $(TP)/libunique2.so))

$(eval $(call tp_lib,libprot.so,protected_lib.c))
$(eval $(call tp_prog,protected,protected_main.c,$(TP)/libprot.so))

# COPY relocations: a non-PIE program using a library's data directly.
$(eval $(call tp_lib,libcopy.so,copy_lib.c))
$(TP)/copy-nopie: testprogs/copy_main.c $(NOLIBC_NOPIE) $(TP)/libcopy.so
	$(CC) $(TP_NOPIE) -no-pie -o $@ $< $(NOLIBC_NOPIE) $(TP_LINK) $(TP)/libcopy.so
TP_ALL += $(TP)/copy-nopie

$(eval $(call tp_lib,libifunc.so,ifunc_lib.c))
$(eval $(call tp_prog,ifunc,ifunc_main.c,$(TP)/libifunc.so))

# TLS: __tls_get_addr comes from the dynamic linker, so these libraries name it in
# DT_NEEDED (ld-linux-x86-64.so.2, which ld-mmld.so answers to).
$(eval $(call tp_lib,libtls_gd.so,tls_gd.c,,,$(SYSLDSO)))
$(eval $(call tp_lib,libtls_ie.so,tls_ie.c,,,$(SYSLDSO)))
$(eval $(call tp_lib,libtls_desc.so,tls_desc.c,,-mtls-dialect=gnu2,$(SYSLDSO)))
$(eval $(call tp_prog,tls,tls_main.c,$(TP)/libtls_gd.so $(TP)/libtls_ie.so $(TP)/libtls_desc.so))
$(eval $(call tp_prog,tls-interp,tls_main.c,$(TP)/libtls_gd.so $(TP)/libtls_ie.so $(TP)/libtls_desc.so,,$(INTERP_MMLD)))

$(eval $(call tp_lib,liblazy.so,lazy_lib.c,,-O2,-Wl$(comma)-z$(comma)lazy))
$(eval $(call tp_prog,lazy,lazy_main.c,$(TP)/liblazy.so,,-Wl$(comma)-z$(comma)lazy))

$(eval $(call tp_lib,librelr.so,relr_lib.c,,,-Wl$(comma)-z$(comma)pack-relative-relocs))
$(eval $(call tp_prog,relr,relr_main.c,$(TP)/librelr.so))

# $ORIGIN, $PLATFORM, $LIB in DT_RUNPATH, and the older DT_RPATH.
$(eval $(call tp_lib,sub/liborigin.so,origin_lib.c,,-DLIB_WHERE='"sub (RUNPATH $$$$ORIGIN/sub)"'))
$(eval $(call tp_lib,rpath-dir/liborigin.so,origin_lib.c,,-DLIB_WHERE='"rpath-dir (RPATH)"'))
$(eval $(call tp_lib,plat/x86_64/lib/x86_64-linux-gnu/liborigin.so,origin_lib.c,,-DLIB_WHERE='"plat (RUNPATH $$$$PLATFORM/$$$$LIB)"'))
$(eval $(call tp_prog,origin-runpath,origin_main.c,$(TP)/sub/liborigin.so,,-Wl$(comma)-rpath$(comma)'$$$$ORIGIN/sub'))
$(eval $(call tp_prog,origin-rpath,origin_main.c,$(TP)/rpath-dir/liborigin.so,,-Wl$(comma)--disable-new-dtags -Wl$(comma)-rpath$(comma)'$$$$ORIGIN/rpath-dir'))
$(eval $(call tp_prog,origin-platform,origin_main.c,$(TP)/sub/liborigin.so,,-Wl$(comma)-rpath$(comma)'$$$${ORIGIN}/plat/$$$$PLATFORM/$$$$LIB'))

# Text relocations: non-PIC code (large model: 64-bit absolute addresses) in a library.
$(TP)/libtextrel.so: testprogs/textrel_lib.c
	$(CC) $(TP_CFLAGS) -fno-pic -mcmodel=large -o $@ $< $(TP_SHARED) -Wl,-soname,libtextrel.so -Wl,-z,notext
$(eval $(call tp_prog,textrel,textrel_main.c,$(TP)/libtextrel.so))
TP_ALL += $(TP)/libtextrel.so

# Error paths: an undefined symbol (eager and lazy) and a missing library.
$(eval $(call tp_lib,undef-extra/libundef.so,undef_lib.c,,-DWITH_EXTRA))
$(eval $(call tp_lib,undef-plain/libundef.so,undef_lib.c))
$(eval $(call tp_prog,undef-now,undef_main.c,$(TP)/undef-extra/libundef.so,,-Wl$(comma)-z$(comma)now -Wl$(comma)-rpath$(comma)'$$$$ORIGIN/undef-plain'))
$(eval $(call tp_prog,undef-lazy,undef_main.c,$(TP)/undef-extra/libundef.so,,-Wl$(comma)-z$(comma)lazy -Wl$(comma)-rpath$(comma)'$$$$ORIGIN/undef-plain'))
$(eval $(call tp_lib,gone/libgone.so,weak_provider.c))
$(eval $(call tp_prog,missing-lib,hello.c,$(TP)/gone/libgone.so))

# PT_GNU_STACK: with and without -z execstack.
$(eval $(call tp_prog,stack,stack_main.c))
$(eval $(call tp_prog,stack-exec,stack_main.c,,,-Wl$(comma)-z$(comma)execstack))

# Known answers for mmld share (tests/e2e/share.sh): exact text, data, read-only data and
# relocated pages.
$(eval $(call tp_lib,share/libknown.so,share/known_lib.c))
$(eval $(call tp_prog,share/known,share/known_prog.c,$(TP)/share/libknown.so,,-Wl$(comma)-rpath$(comma)'$$$$ORIGIN'))

include testprogs/glibc/glibc.mk
include testprogs/threads/threads.mk
include testprogs/exec/exec.mk
include testprogs/dlmopen/dlmopen.mk
include testprogs/conform/conform.mk
include testprogs/pages/pages.mk
include testprogs/audit/audit.mk
include testprogs/relcache/relcache.mk
include testprogs/preload/preload.mk

testprogs: $(TP_ALL) $(TP_GLIBC) $(TP_THREADS) $(TP_DLMOPEN) $(TP_CONFORM) $(TP_AUDIT)
