/* Executable stacks for a dlopen'ed library that needs one: the stack of the main thread, of
 * a thread that existed before the dlopen, and of one created after it must all run the
 * library's stack trampolines (glibc makes every existing thread's stack executable through
 * __nptl_change_stack_perm and sets GL(dl_stack_flags) for later ones). The program itself
 * does not need an executable stack. With no argument it dlopens libexecstack.so; with
 * "linked" it calls the copy it was linked against at start-up (execstack_start).
 *
 * usage: execstack_dlopen | execstack_start   prints four lines; a fault means a stack was
 * not executable. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

int trampoline_call(int x) __attribute__((weak));
static int (*call)(int);
static pthread_barrier_t go, done;

static void *early(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&go); /* the library is loaded now */
	printf("thread started before: %d\n", call(41));
	fflush(stdout);
	pthread_barrier_wait(&done);
	return NULL;
}

static void *late(void *arg)
{
	(void)arg;
	printf("thread started after: %d\n", call(41));
	fflush(stdout);
	return NULL;
}

int main(int argc, char **argv)
{
	(void)argc;
	pthread_t t;
	pthread_barrier_init(&go, NULL, 2);
	pthread_barrier_init(&done, NULL, 2);
	pthread_create(&t, NULL, early, NULL);
	if (strstr(argv[0], "execstack_start")) {
		call = trampoline_call;
	} else {
		void *h = dlopen("libexecstack.so", RTLD_NOW);
		if (!h || !(call = (int (*)(int))dlsym(h, "trampoline_call"))) {
			printf("dlopen: %s\n", dlerror());
			return 1;
		}
	}
	printf("loaded: %s\n", call ? "yes" : "no");
	printf("main thread: %d\n", call(41));
	fflush(stdout);
	pthread_barrier_wait(&go);
	pthread_barrier_wait(&done);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, late, NULL);
	pthread_join(t, NULL);
	return 0;
}
