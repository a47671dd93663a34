# testprogs/threads/: the loader under threads, fork and dlopen/dlclose churn (issue 7).
# Ordinary glibc programs; tests/e2e/threads.sh runs each through ld-mmld.so and normally.
TPT := $(TP)/threads
THREADS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -I testprogs/threads
# Lazy binding must stay lazy: -z lazy whatever the toolchain's default, calls through the PLT.
THREADS_LAZY := -fplt -Wl,-z,lazy

$(TPT)/liblazy_many.so: testprogs/threads/lazy_lib.c testprogs/threads/many.h
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,liblazy_many.so
$(TPT)/liblazy_caller.so: testprogs/threads/lazy_caller.c testprogs/threads/many.h $(TPT)/liblazy_many.so
	$(CC) $(THREADS_CFLAGS) $(THREADS_LAZY) -fPIC -shared -o $@ $< -Wl,-soname,liblazy_caller.so \
		-Wl,-rpath,'$$ORIGIN' $(TPT)/liblazy_many.so
$(TPT)/lazy_race: testprogs/threads/lazy_race.c testprogs/threads/many.h $(TPT)/liblazy_many.so $(TPT)/liblazy_caller.so
	$(CC) $(THREADS_CFLAGS) $(THREADS_LAZY) -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPT)/liblazy_many.so -ldl -lpthread

TP_THREADS := $(TPT)/lazy_race

# Libraries with dynamic TLS, three copies (distinct files, sonames and module ids).
$(TPT)/libtls_mod.so $(TPT)/libtls_mod2.so $(TPT)/libtls_mod3.so: $(TPT)/lib%.so: testprogs/threads/tls_mod.c
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,$(notdir $@)
TLS_GROW_LIBS := $(patsubst %,$(TPT)/libtls_g%.so,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)
$(TLS_GROW_LIBS): $(TPT)/lib%.so: testprogs/threads/tls_mod.c
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,$(notdir $@)
$(TPT)/fork_race: testprogs/threads/fork_race.c $(TPT)/libtls_mod.so $(TPT)/libtls_mod2.so $(TPT)/libtls_mod3.so $(TLS_GROW_LIBS)
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/fork_race
$(TPT)/tls_grow: testprogs/threads/tls_grow.c $(TPT)/libtls_mod.so $(TLS_GROW_LIBS)
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/tls_grow
$(TPT)/phdr_race: testprogs/threads/phdr_race.c $(TPT)/libtls_g1.so $(TPT)/liblazy_many.so
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/phdr_race

# Executable stacks: a library that needs one, by dlopen and at start-up; the programs do not.
$(TPT)/libexecstack.so: testprogs/threads/execstack_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libexecstack.so -Wl,-z,execstack -Wl,--no-warn-execstack
$(TPT)/execstack_dlopen: testprogs/threads/execstack_dlopen.c $(TPT)/libexecstack.so
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-z,noexecstack -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
$(TPT)/execstack_start: testprogs/threads/execstack_dlopen.c $(TPT)/libexecstack.so
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-z,noexecstack -Wl,-rpath,'$$ORIGIN' -Wl,--no-as-needed \
		$(TPT)/libexecstack.so -ldl -lpthread
TP_THREADS += $(TPT)/execstack_dlopen $(TPT)/execstack_start

# dlopen/dlclose churn and the memory it must give back; the library's constructor calls
# back into the program (-rdynamic).
$(TPT)/libchurn_plain.so: testprogs/threads/churn_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libchurn_plain.so
$(TPT)/libchurn_tls.so: testprogs/threads/churn_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -DCHURN_TLS -fPIC -shared -o $@ $< -Wl,-soname,libchurn_tls.so
$(TPT)/churn: testprogs/threads/churn.c $(TPT)/libchurn_plain.so $(TPT)/libchurn_tls.so
	$(CC) $(THREADS_CFLAGS) -rdynamic -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/churn

# dlclose from a destructor dlclose is running.
$(TPT)/libnest_inner.so: testprogs/threads/nest_inner.c
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libnest_inner.so
$(TPT)/libnest_outer.so: testprogs/threads/nest_outer.c $(TPT)/libnest_inner.so
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libnest_outer.so -Wl,-rpath,'$$ORIGIN'
$(TPT)/dlclose_nested: testprogs/threads/dlclose_nested.c $(TPT)/libnest_outer.so
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl
TP_THREADS += $(TPT)/dlclose_nested

# C++ exceptions (libgcc asks _dl_find_object) against dlopen/dlclose; libchurn_plain.so's
# constructor calls back into the program: churn_loaded, defined here too.
$(TPT)/libthrow_unwind.so: testprogs/threads/throw_lib.cc
	@mkdir -p $(dir $@)
	g++ -O2 -g -Wall -Wextra -Werror -fPIC -shared -o $@ $< -Wl,-soname,libthrow_unwind.so
$(TPT)/throw_race: testprogs/threads/throw_race.cc $(TPT)/libthrow_unwind.so $(TPT)/libtls_g2.so $(TPT)/libchurn_plain.so
	g++ -O2 -g -Wall -Wextra -Werror -rdynamic -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/throw_race

# dlopen/dlmopen modes without RTLD_LAZY or RTLD_NOW, refused as glibc refuses them.
$(TPT)/dlopen_mode: testprogs/threads/dlopen_mode.c $(TPT)/libtls_mod.so
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl
TP_THREADS += $(TPT)/dlopen_mode

# fork from a signal handler inside a lazy-binding fix-up while dlclose/dlopen wait for it.
$(TPT)/fork_signal: testprogs/threads/fork_signal.c testprogs/threads/many.h $(TPT)/liblazy_many.so $(TPT)/liblazy_caller.so $(TPT)/libtls_g1.so $(TPT)/libtls_mod3.so
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/fork_signal

# fork from a signal handler that interrupted the loader's allocator or LOCK_STATE in the
# same thread. The library has dynamic TLS and no libc start files (no __cxa_finalize); the
# program searches three missing directories before its own.
$(TPT)/libfork_alloc_lib.so $(TPT)/libfork_alloc_kept.so: $(TPT)/lib%.so: testprogs/threads/tls_mod.c
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -nostdlib -o $@ $< -Wl,-soname,$(notdir $@)
$(TPT)/fork_alloc: testprogs/threads/fork_alloc.c $(TPT)/libfork_alloc_lib.so $(TPT)/libfork_alloc_kept.so
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-rpath,/nonexistent/fork_alloc/1:/nonexistent/fork_alloc/2:/nonexistent/fork_alloc/3:'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/fork_alloc

# _Fork while another thread is parked inside a reader section; the child dlcloses.
$(TPT)/fork_stale_reader: testprogs/threads/fork_stale_reader.c $(TPT)/liblazy_caller.so $(TPT)/libtls_mod3.so
	$(CC) $(THREADS_CFLAGS) $(THREADS_LAZY) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/fork_stale_reader

# pthread_atfork handlers that dlopen, registered before the first thread (by the program
# and by a library's constructor).
$(TPT)/libatfork_lib.so: testprogs/threads/atfork_lib.c
	@mkdir -p $(dir $@)
	$(CC) $(THREADS_CFLAGS) -fPIC -shared -o $@ $< -Wl,-soname,libatfork_lib.so -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
$(TPT)/atfork_loader: testprogs/threads/atfork_loader.c $(TPT)/libatfork_lib.so $(TPT)/libtls_mod2.so $(TPT)/libtls_mod3.so $(TPT)/libtls_g2.so
	$(CC) $(THREADS_CFLAGS) -o $@ $< -Wl,-rpath,'$$ORIGIN' $(TPT)/libatfork_lib.so -ldl -lpthread
TP_THREADS += $(TPT)/atfork_loader

# _Fork and vfork children using the loader; -z lazy: libc's functions bound at first call.
$(TPT)/fork_variants: testprogs/threads/fork_variants.c $(TPT)/libtls_mod2.so
	$(CC) $(THREADS_CFLAGS) $(THREADS_LAZY) -o $@ $< -Wl,-rpath,'$$ORIGIN' -ldl -lpthread
TP_THREADS += $(TPT)/fork_variants
$(TPT)/malloc_first: testprogs/threads/malloc_first.c
	$(CC) $(THREADS_CFLAGS) -o $@ $< -lpthread
TP_THREADS += $(TPT)/malloc_first
