# Programs and libraries for the features glibc's conformance suite found missing (issue 8):
# hardware-capability subdirectories and ISA-level markers. tests/e2e/conform.sh runs each
# through ld-mmld.so and through the system loader and compares.
TPC := $(TP)/conform
# libhwcapsel.so, once per place a loader may find it: each copy says where it is (its
# directory under TPC); the glibc-hwcaps/x86-64-vN copies carry that ISA-level marker.
HWCAPSEL_DIRS := lib lib/glibc-hwcaps/x86-64-v2 lib/glibc-hwcaps/x86-64-v3 lib/glibc-hwcaps/x86-64-v4 \
	lib/glibc-hwcaps/extra lib/x86_64 lib/tls legacy legacy/x86_64 legacy/tls legacy/tls/x86_64
HWCAPSEL_LIBS := $(foreach d,$(HWCAPSEL_DIRS),$(TPC)/$(d)/libhwcapsel.so)
$(HWCAPSEL_LIBS): $(TPC)/%/libhwcapsel.so: testprogs/conform/hwcaps_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libhwcapsel.so -DWHICH='"$*"' \
		$(if $(findstring x86-64-v,$*),-Wl$(comma)-z$(comma)$(notdir $*))
$(TPC)/hwcaps_main: testprogs/conform/hwcaps_main.c $(TPC)/lib/libhwcapsel.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -L$(TPC)/lib -lhwcapsel
$(TPC)/libisahigh.so: testprogs/conform/isa_high.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libisahigh.so
$(TPC)/isa_main: testprogs/conform/isa_main.c $(TPC)/libisahigh.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPC)/libisahigh.so
$(TPC)/dlopen_report: testprogs/conform/dlopen_report.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -ldl
TP_CONFORM := $(HWCAPSEL_LIBS) $(TPC)/hwcaps_main $(TPC)/libisahigh.so $(TPC)/isa_main $(TPC)/dlopen_report
$(TPC)/rdebug_main: testprogs/conform/rdebug_main.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -ldl
TP_CONFORM += $(TPC)/rdebug_main
