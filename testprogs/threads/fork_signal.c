/* fork() from a signal handler that interrupted a lock-free reader section of the loader (a
 * lazy-binding fix-up) while another thread's dlclose or dlopen waits for that reader.
 * Thread L makes first calls through fresh lazy PLT slots (liblazy_caller.so, dlopen'ed
 * RTLD_LAZY, calling liblazy_many.so's thousand functions) and nothing else; thread C hands
 * it a fresh copy (dlclose, dlopen) whenever L is through and dlopens and dlcloses
 * libtls_g1.so (RTLD_GLOBAL) in between; the main thread sends L SIGUSR1 every 100 us and L's handler
 * forks. Every tenth child uses its loader (child_uses_loader) before it exits; the
 * handler reaps it.
 * usage: fork_signal SECONDS [load]   prints the same two lines every run; a hang is the failure. */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <valgrind/helgrind.h>
#include "many.h"

static atomic_int stop, wrong, bad_children;
static atomic_long forks, rounds, churns;
static int (*_Atomic call)(int); /* set by C, cleared by L when it is through */

/* `call` hands the library over, a C11 release/acquire pair helgrind and drd do not see as
 * ordering what C did before (dlopen) and L after (its first calls), nor L's calls and C's
 * dlclose: told so for make threads-valgrind (a few no-op instructions otherwise). */
static void hand_over(int (*f)(int))
{
	ANNOTATE_HAPPENS_BEFORE(&call);
	atomic_store(&call, f);
}
static int (*taken(void))(int)
{
	int (*f)(int) = atomic_load(&call);
	ANNOTATE_HAPPENS_AFTER(&call);
	return f;
}

/* In the child, in the signal handler, with `load`: the loader must still work, for a
 * library already loaded (dlopen RTLD_NOLOAD, dlsym, a call, dlclose) and for one loaded
 * and unloaded in the child. The system loader's child cannot do that reliably (it finds
 * the other thread's dlopen or dlclose half done: "dl_open_worker_begin: Assertion
 * `...r_state == RT_CONSISTENT' failed", or a hang on dl_load_write_lock), so the test
 * runs that mode under ld-mmld.so only, against the system loader's output without it. */
static bool child_loads;
static int child_uses_loader(void)
{
	if (!child_loads)
		return 0;
	void *h = dlopen("liblazy_many.so", RTLD_NOW | RTLD_NOLOAD);
	int (*fn)(void) = h ? (int (*)(void))dlsym(h, "fn2000") : NULL;
	if (!fn || fn() != 2000 || dlclose(h))
		return 3;
	h = dlopen("libtls_mod3.so", RTLD_NOW);
	if (!h)
		return 4;
	long (*touch)(long) = (long (*)(long))dlsym(h, "tls_touch");
	int r = touch && touch(1) == 9 ? 0 : 5;
	return dlclose(h) ? 6 : r;
}

static void on_usr1(int sig)
{
	(void)sig;
	long n = atomic_fetch_add(&forks, 1);
	pid_t p = fork();
	if (p == 0)
		_exit(n % 10 == 0 ? child_uses_loader() : 0);
	int st;
	if (p > 0 && waitpid(p, &st, 0) == p && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		atomic_fetch_add(&bad_children, 1);
}

static void *lazy_thread(void *a)
{
	(void)a;
	while (!atomic_load(&stop)) {
		int (*f)(int) = taken();
		if (!f)
			continue;
		for (int n = MANY_THREAD_FIRST; n < MANY_THREAD_FIRST + MANY_THREAD_COUNT; n++)
			if (f(n) != n)
				atomic_fetch_add(&wrong, 1);
		hand_over(NULL);
		atomic_fetch_add(&rounds, 1);
	}
	return NULL;
}

static void *churn_thread(void *a)
{
	(void)a;
	void *h = NULL;
	while (!atomic_load(&stop)) {
		if (!taken()) {
			if (h)
				dlclose(h);
			h = dlopen("liblazy_caller.so", RTLD_LAZY);
			if (!h) {
				printf("%s\n", dlerror());
				exit(1);
			}
			hand_over((int (*)(int))dlsym(h, "lazy_call"));
		}
		void *s = dlopen("libtls_g1.so", RTLD_NOW | RTLD_GLOBAL); /* dlclose: the global scope in scope_wait */
		if (s)
			dlclose(s);
		atomic_fetch_add(&churns, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3;
	child_loads = argc > 2 && !strcmp(argv[2], "load");
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(15 + (unsigned)secs); /* a hang ends as SIGALRM */
	void *keep = dlopen("liblazy_many.so", RTLD_NOW | RTLD_GLOBAL);
	if (!keep) {
		printf("%s\n", dlerror());
		return 1;
	}
	signal(SIGUSR1, on_usr1);
	pthread_t l, c;
	pthread_create(&l, NULL, lazy_thread, NULL);
	pthread_create(&c, NULL, churn_thread, NULL);
	struct timespec t0, now, gap = {0, 100000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		pthread_kill(l, SIGUSR1);
		nanosleep(&gap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	atomic_store(&stop, 1);
	pthread_join(l, NULL);
	pthread_join(c, NULL);
	fprintf(stderr, "forks %ld, lazy rounds %ld, dlopen/dlclose %ld\n", atomic_load(&forks), atomic_load(&rounds),
		atomic_load(&churns));
	printf("wrong calls %d, children that failed %d\n", atomic_load(&wrong), atomic_load(&bad_children));
	printf("forks: %s\n", atomic_load(&forks) > 0 ? "some" : "none");
	return 0;
}
