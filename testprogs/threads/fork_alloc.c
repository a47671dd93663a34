/* fork() from a signal handler that interrupted the loader in this very thread: its
 * allocator (the spinlock held) or LOCK_STATE (taken or given back: a libc mutex's lock word
 * and owner are two stores, and a handler between them found the lock held by no one it
 * knew: it waited for its own thread, redteam #43). Thread W makes the loader allocate, free
 * and lock all the time: dlopen and dlclose of a library found in the program's last
 * DT_RUNPATH directory, after three that do not exist (each directory tried is a path built
 * in a fresh block), then 16 of a library it keeps open (little more than LOCK_STATE taken
 * and given back, so a signal often lands inside the lock's own code); the main thread sends W SIGUSR1 every 50 us and W's handler forks; the
 * child _exits at once. The loop runs no libc code that takes a libc lock: the library has
 * no libc start files (no __cxa_finalize, which takes libc's atfork lock), and only
 * successful calls, so libc's dlerror record is never allocated or freed (a fork from a
 * handler that interrupted libc's malloc or its atfork list deadlocks in glibc's own fork,
 * under any loader). The system loader is no oracle: its dlopen allocates with libc's
 * malloc, so there glibc's fork deadlocks on malloc's lock.
 * usage: fork_alloc SECONDS   prints the same two lines every run; a hang is the failure. */
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop, bad_children, ready;
static atomic_long forks, loops;

static void on_usr1(int sig)
{
	(void)sig;
	atomic_fetch_add(&forks, 1);
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	int st;
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		atomic_fetch_add(&bad_children, 1);
}

static void *worker(void *a)
{
	(void)a;
	if (!dlopen("libfork_alloc_kept.so", RTLD_NOW))
		abort();
	atomic_store(&ready, 1);
	while (!atomic_load(&stop)) {
		void *h = dlopen("libfork_alloc_lib.so", RTLD_NOW);
		if (!h)
			abort();
		dlclose(h);
		for (int i = 0; i < 16; i++) {
			if (!(h = dlopen("libfork_alloc_kept.so", RTLD_NOW)))
				abort();
			dlclose(h);
		}
		atomic_fetch_add(&loops, 1);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2;
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(15 + (unsigned)secs); /* a hang ends as SIGALRM */
	signal(SIGUSR1, on_usr1);
	pthread_t w;
	pthread_create(&w, NULL, worker, NULL);
	while (!atomic_load(&ready))
		sched_yield();
	struct timespec t0, now, gap = {0, 50000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		pthread_kill(w, SIGUSR1);
		nanosleep(&gap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while ((now.tv_sec - t0.tv_sec) + (now.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	atomic_store(&stop, 1);
	pthread_join(w, NULL);
	fprintf(stderr, "forks %ld, worker loops %ld\n", atomic_load(&forks), atomic_load(&loops));
	printf("children that failed %d\n", atomic_load(&bad_children));
	printf("forks: %s\n", atomic_load(&forks) > 0 ? "some" : "none");
	return 0;
}
