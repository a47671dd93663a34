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
