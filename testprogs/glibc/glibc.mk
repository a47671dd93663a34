# Ordinary programs built against glibc, for the glibc personality. The e2e tests run each
# through ld-mmld.so and through the system loader and compare (tests/e2e/glibc.sh).
TPG := $(TP)/glibc
GLIBC_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror
$(TPG)/%: testprogs/glibc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -lpthread -ldl
$(TPG)/%: testprogs/glibc/%.cc
	@mkdir -p $(dir $@)
	g++ -O2 -g -Wall -Wextra -Werror -o $@ $<
$(TPG)/lib%.so: testprogs/glibc/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-rpath,'$$ORIGIN' -Wl,-soname,$(notdir $@)
$(TPG)/libdl_b.so: testprogs/glibc/dl_b.c $(TPG)/libdl_c.so
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-rpath,'$$ORIGIN' -Wl,-soname,libdl_b.so -Wl,--no-as-needed $(TPG)/libdl_c.so -ldl
$(TPG)/libthrow.so: testprogs/glibc/throw_lib.cc
	@mkdir -p $(dir $@)
	g++ -O2 -g -fPIC -shared -o $@ $< -Wl,-soname,libthrow.so
$(TPG)/dltest: testprogs/glibc/dltest.c $(TPG)/libdl_a.so $(TPG)/libdl_b.so $(TPG)/libdl_c.so $(TPG)/libdl_undef.so \
		$(TPG)/libdl_ie.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
$(TPG)/cxx_across: testprogs/glibc/cxx_across.cc $(TPG)/libthrow.so
	g++ -O2 -g -Wall -Wextra -Werror -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPG)/libthrow.so
$(TPG)/libdl_dlc_user.so: testprogs/glibc/dlc_user.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libdl_dlc_user.so
$(TPG)/dlclose $(TPG)/dlclose_reldep: $(TPG)/%: testprogs/glibc/%.c testprogs/glibc/dl_loaded.h $(TPG)/libdl_dlc.so $(TPG)/libdl_dlc_user.so $(TPG)/libdl_b.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl

$(TPG)/deepbind: testprogs/glibc/deepbind.c $(TPG)/libdl_deep.so
	$(CC) $(GLIBC_CFLAGS) -rdynamic -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl

# Link order is search order: the interposing malloc first, which() in the program, a, b.
$(TPG)/rtld_next: testprogs/glibc/rtld_next.c $(TPG)/libnext_malloc.so $(TPG)/libnext_ctor.so \
		$(TPG)/libnext_which_a.so $(TPG)/libnext_which_b.so
	$(CC) $(GLIBC_CFLAGS) -rdynamic -o $@ $< -Wl,-rpath,'$$ORIGIN' -Wl,--no-as-needed \
		$(addprefix $(TPG)/lib,next_malloc.so next_ctor.so next_which_a.so next_which_b.so) -ldl

# Finalisers at exit of libraries dlopen'ed and never closed (fini_order.c): a to e.
$(TPG)/libfo_a.so $(TPG)/libfo_c.so $(TPG)/libfo_e.so: $(TPG)/libfo_%.so: testprogs/glibc/fini_order_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -DFO_NAME='"$*"' -DFO_FN=fo_$* -fPIC -shared -o $@ $< -Wl,-soname,$(notdir $@)
$(TPG)/libfo_b.so: testprogs/glibc/fini_order_lib.c $(TPG)/libfo_c.so
	$(CC) $(GLIBC_CFLAGS) -DFO_NAME='"b"' -DFO_FN=fo_b -fPIC -shared -o $@ $< -Wl,-soname,libfo_b.so \
		-Wl,-rpath,'$$ORIGIN' -Wl,--no-as-needed $(TPG)/libfo_c.so
$(TPG)/libfo_d.so: testprogs/glibc/fini_order_lib.c
	$(CC) $(GLIBC_CFLAGS) -DFO_NAME='"d"' -DFO_FN=fo_d -DFO_USES_A -fPIC -shared -o $@ $< -Wl,-soname,libfo_d.so
$(TPG)/fini_order: testprogs/glibc/fini_order.c $(addprefix $(TPG)/libfo_,a.so b.so c.so d.so e.so)
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl

# 4 and 8 KiB of initial-exec TLS: what fits in the static TLS surplus (glibc.rtld tunables).
$(TPG)/libstatic_tls4k.so $(TPG)/libstatic_tls8k.so: $(TPG)/libstatic_tls%k.so: testprogs/glibc/static_tls_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(GLIBC_CFLAGS) -DSTATIC_TLS_BYTES=$$(($** 1024)) -fPIC -shared -o $@ $< -Wl,-soname,$(notdir $@)
$(TPG)/static_tls: testprogs/glibc/static_tls.c $(TPG)/libstatic_tls4k.so $(TPG)/libstatic_tls8k.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread

$(TPG)/prefault: testprogs/glibc/prefault.c $(TPG)/libprefault_lib.so
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPG)/libprefault_lib.so

# The same with ld-mmld.so as PT_INTERP: started by the kernel, debugged by gdb.
$(TPG)/dltest-interp: testprogs/glibc/dltest.c $(TPG)/dltest
	$(CC) $(GLIBC_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread -Wl,--dynamic-linker=$(abspath $(RTLD))
TP_GLIBC := $(TPG)/fini_order $(TPG)/dlerror_text $(TPG)/static_tls $(TPG)/prefault $(TPG)/hello $(TPG)/threads $(TPG)/throw $(TPG)/dltest $(TPG)/cxx_across $(TPG)/lifecycle \
	$(TPG)/dltest-interp $(TPG)/cpufeatures $(TPG)/tunables $(TPG)/rseq_time $(TPG)/dlclose $(TPG)/dlclose_reldep \
	$(TPG)/deepbind $(TPG)/rtld_next $(TPG)/dlopen_damaged $(TPG)/which_memcpy $(TPG)/ifunc_choice
