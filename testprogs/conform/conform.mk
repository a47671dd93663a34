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
# Lookup scopes of dlopen'ed objects (scope_main): lazy binding, so lookups happen late.
SCOPE_LIBS := $(foreach l,a b c x y r m1 m2,$(TPC)/libscope_$(l).so)
SCOPE_SHARED = $(CC) $(GLIBC_CFLAGS) -fPIC -shared -Wl,-z,lazy -Wl,-rpath,'$$ORIGIN' -Wl,--no-as-needed \
	-o $@ testprogs/conform/scope_lib.c -Wl,-soname,$(notdir $@)
$(TPC)/libscope_c.so $(TPC)/libscope_x.so $(TPC)/libscope_m1.so $(TPC)/libscope_m2.so: testprogs/conform/scope_lib.c
	@mkdir -p $(dir $@)
	$(SCOPE_SHARED) -DLIB_$(shell echo $(patsubst libscope_%.so,%,$(notdir $@)) | tr a-z A-Z)
$(TPC)/libscope_a.so $(TPC)/libscope_b.so: testprogs/conform/scope_lib.c $(TPC)/libscope_c.so
	$(SCOPE_SHARED) -DLIB_$(shell echo $(patsubst libscope_%.so,%,$(notdir $@)) | tr a-z A-Z) $(TPC)/libscope_c.so
$(TPC)/libscope_y.so: testprogs/conform/scope_lib.c $(TPC)/libscope_x.so
	$(SCOPE_SHARED) -DLIB_Y $(TPC)/libscope_x.so
$(TPC)/libscope_r.so: testprogs/conform/scope_lib.c $(TPC)/libscope_m1.so $(TPC)/libscope_m2.so
	$(SCOPE_SHARED) -DLIB_R $(TPC)/libscope_m1.so $(TPC)/libscope_m2.so
$(TPC)/scope_main: testprogs/conform/scope_main.c $(SCOPE_LIBS)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl
TP_CONFORM += $(SCOPE_LIBS) $(TPC)/scope_main
# Filters: libflt.so (DT_FILTER) and libaux.so (DT_AUXILIARY) name libfiltee.so, which lives
# in filtee/ so that a test can leave it out of the search.
$(TPC)/filtee/libfiltee.so: testprogs/conform/filter_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -DFILTEE -Wl,-soname,libfiltee.so
$(TPC)/libflt.so: testprogs/conform/filter_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -DFILTER -Wl,-soname,libflt.so -Wl,--filter=libfiltee.so
$(TPC)/libaux.so: testprogs/conform/filter_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -DAUX -Wl,-soname,libaux.so -Wl,--auxiliary=libfiltee.so
$(TPC)/filter_main: testprogs/conform/filter_main.c $(TPC)/libflt.so $(TPC)/filtee/libfiltee.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPC)/libflt.so -ldl
$(TPC)/aux_main: testprogs/conform/filter_main.c $(TPC)/libaux.so $(TPC)/filtee/libfiltee.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPC)/libaux.so -ldl
TP_CONFORM += $(TPC)/filtee/libfiltee.so $(TPC)/libflt.so $(TPC)/libaux.so $(TPC)/filter_main $(TPC)/aux_main
# What may not be loaded as a library: executables, and DF_1_NOOPEN objects in a dlopen.
$(TPC)/libnoopen.so: testprogs/conform/hwcaps_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -DWHICH='"libnoopen.so"' -Wl,-soname,libnoopen.so -Wl,-z,nodlopen
$(TPC)/noopen_main: testprogs/conform/hwcaps_main.c $(TPC)/libnoopen.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPC)/libnoopen.so
$(TPC)/dlopen_report-nopie: testprogs/conform/dlopen_report.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -no-pie -fno-pie -o $@ $< -ldl
$(TPC)/textrel_ifunc: testprogs/conform/textrel_ifunc.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -pie -o $@ $< -Wl,-z,notext
$(TPC)/exc_format: testprogs/conform/exc_format.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< $(SYSLDSO)
TP_CONFORM += $(TPC)/libnoopen.so $(TPC)/noopen_main $(TPC)/dlopen_report-nopie $(TPC)/textrel_ifunc $(TPC)/exc_format
# ldd's questions: undefined symbols (-d, -r), versions (-v), an unused dependency (-u).
$(TPC)/libldd_undef.so: testprogs/conform/ldd_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -DUNDEF -Wl,-soname,libldd_undef.so
$(TPC)/libldd_unused.so: testprogs/conform/ldd_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libldd_unused.so
$(TPC)/ldd_main: testprogs/conform/ldd_main.c $(TPC)/libldd_undef.so $(TPC)/libldd_unused.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -Wl,--no-as-needed $(TPC)/libldd_undef.so \
		$(TPC)/libldd_unused.so -Wl,--allow-shlib-undefined
TP_CONFORM += $(TPC)/libldd_undef.so $(TPC)/libldd_unused.so $(TPC)/ldd_main
# Exit handlers of dlopen'ed libraries: two copies of one library, one dlclose'd.
$(TPC)/libatexit1.so $(TPC)/libatexit2.so: testprogs/conform/atexit_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,$(notdir $@)
$(TPC)/atexit_main: testprogs/conform/atexit_main.c $(TPC)/libatexit1.so $(TPC)/libatexit2.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -ldl
TP_CONFORM += $(TPC)/libatexit1.so $(TPC)/libatexit2.so $(TPC)/atexit_main
