/* fork() from a signal handler that interrupted the loader's allocator in this very thread
 * (its spinlock held). Thread W makes the loader allocate and free all the time (a dlopen
 * of a library that does not exist: every directory tried is a path built in a fresh block,
 * the error a block libc frees; and a dlopen/dlclose of a real library); the main thread
 * sends W SIGUSR1 every 50 us and W's handler forks; the child _exits at once. (The system
 * loader is no oracle: W's dlopen allocates with libc's malloc there, and glibc's fork from a
 * handler that interrupted malloc deadlocks on malloc's lock.)
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
	/* libc allocates its dlerror record at the first failure (then keeps it: dlerror is
	 * never called): before the signals start, since a fork from a handler that interrupted
	 * libc's malloc deadlocks in glibc's fork under either loader. After this the loop
	 * allocates only in the loader. */
	if (dlopen("libfork_alloc_none.so", RTLD_NOW))
		abort();
	atomic_store(&ready, 1);
	while (!atomic_load(&stop)) {
		if (dlopen("libfork_alloc_none.so", RTLD_NOW))
			abort();
		void *h = dlopen("libtls_g2.so", RTLD_NOW);
		if (h)
			dlclose(h);
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
