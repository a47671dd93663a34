/* fork while other threads dlopen, dlclose and touch dynamic TLS. Two threads load and
 * unload libtls_mod.so and libtls_mod2.so and touch their thread-local variables (every
 * first touch allocates), a third dlopens a library that does not exist (each error is a
 * block the loader allocates), while the main thread forks again and again; each child starts a
 * thread that touches the TLS of libtls_mod3.so (loaded all along), then touches the TLS of
 * libtls_g16.so (loaded all along too, after fifteen others: its module id is past the end
 * of the main thread's DTV, which the loader must grow). A child that does not finish within
 * the deadline is killed and counted: it hung on a lock some parent thread held at the fork.
 * (The children do not dlopen: under glibc's own loader a child forked in the middle of
 * another thread's dlopen finds the loader's state half-changed and aborts on an assertion.)
 *
 * usage: fork_race [FORKS]   prints one line, the same whatever the timing. */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;

static long touch(const char *lib)
{
	void *h = dlopen(lib, RTLD_NOW);
	if (!h)
		return -1;
	long (*f)(long) = (long (*)(long))dlsym(h, "tls_touch");
	long r = f ? f(1) : -1;
	dlclose(h);
	return r;
}

/* Failed dlopens: each error message is a block the loader allocates and libc frees. */
static void *fail(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop))
		if (dlopen("libfork_race_none.so", RTLD_NOW))
			abort();
	return NULL;
}

static void *churn(void *arg)
{
	const char *lib = arg;
	while (!atomic_load(&stop))
		if (touch(lib) != 9)
			abort();
	return NULL;
}

/* Waits up to 5 s for the child; kills it after that. True if it exited with status 0. */
static bool child_finished(pid_t pid)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int st;
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) && WEXITSTATUS(st) == 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= 5) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return false;
		}
		usleep(200);
	}
}

static long (*touch_resident)(long), (*touch_last)(long);

static void *child_thread(void *arg)
{
	(void)arg;
	return (void *)touch_resident(1);
}

/* In the child: a new thread's first TLS access, then this thread's. */
static int child(void)
{
	pthread_t t;
	void *r;
	if (pthread_create(&t, NULL, child_thread, NULL) || pthread_join(t, &r) || (long)r != 9)
		return 1;
	return touch_resident(1) == 9 && touch_last(1) == 9 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int forks = argc > 1 ? atoi(argv[1]) : 200;
	void *resident = dlopen("libtls_mod3.so", RTLD_NOW), *last = NULL;
	if (!resident || !(touch_resident = (long (*)(long))dlsym(resident, "tls_touch")))
		return 1;
	for (int i = 1; i <= 16; i++) {
		char name[32];
		snprintf(name, sizeof name, "libtls_g%d.so", i);
		if (!(last = dlopen(name, RTLD_NOW)))
			return 1;
	}
	if (!(touch_last = (long (*)(long))dlsym(last, "tls_touch")))
		return 1;
	pthread_t t[3];
	pthread_create(&t[0], NULL, churn, "libtls_mod.so");
	pthread_create(&t[1], NULL, churn, "libtls_mod2.so");
	pthread_create(&t[2], NULL, fail, NULL);
	int stuck = 0;
	for (int i = 0; i < forks; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(child());
		if (pid < 0 || !child_finished(pid))
			stuck++;
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	printf("%d forks while threads dlopen and touch TLS: %s\n", forks,
	       stuck ? "SOME CHILDREN HUNG OR FAILED" : "every child finished");
	if (getenv("FORK_RACE_VERBOSE"))
		fprintf(stderr, "%d of %d children hung or failed\n", stuck, forks);
	return stuck != 0;
}
