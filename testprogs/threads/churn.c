/* dlopen/dlclose churn: CYCLES times (in each of THREADS threads) dlopen a library, call a
 * function of it (touching its thread-local data with "tls"), dlclose it. Memory must come
 * back: the resident set after all the cycles must be within 1 MB of what it was after the
 * first 100, as under glibc's loader.
 *
 * usage: churn CYCLES plain|tls [THREADS [numbers]]   prints one line; with "numbers", also
 * the resident set sizes, the growth per real load and how long 1000 threads then take to
 * start and end (tests/bench/churn.py's figures). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_long real_loads;
void churn_loaded(void) { atomic_fetch_add(&real_loads, 1); }

static const char *lib;
static bool tls;
static long cycles;
static atomic_int bad;
static pthread_barrier_t warm, done;

static long rss_bytes(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f || fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = -1;
	if (f)
		fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

static void cycle(void)
{
	void *h = dlopen(lib, RTLD_NOW);
	long (*f)(long) = h ? (long (*)(long))dlsym(h, "churn_fn") : NULL;
	/* 8 from a fresh load; thread-local counters go on while another thread keeps it loaded. */
	long r = f ? f(1) : 0;
	if (tls ? r < 8 : r != 8)
		atomic_fetch_add(&bad, 1);
	if (h)
		dlclose(h);
}

static void *nothing(void *arg) { return arg; }

/* Milliseconds for 1000 threads created and joined one after the other. */
static double thread_ms(void)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 1000; i++) {
		pthread_t t;
		pthread_create(&t, NULL, nothing, NULL);
		pthread_join(t, NULL);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

static void *run(void *arg)
{
	(void)arg;
	for (long i = 0; i < 100; i++)
		cycle();
	pthread_barrier_wait(&warm);
	pthread_barrier_wait(&warm); /* the main thread measures in between */
	for (long i = 100; i < cycles; i++)
		cycle();
	pthread_barrier_wait(&done);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	cycles = atol(argv[1]);
	tls = strcmp(argv[2], "tls") == 0;
	int nthreads = argc > 3 ? atoi(argv[3]) : 1;
	bool numbers = argc > 4 && strcmp(argv[4], "numbers") == 0;
	lib = tls ? "libchurn_tls.so" : "libchurn_plain.so";
	if (cycles < 100 || nthreads < 1 || nthreads > 64)
		return 2;
	pthread_t t[64];
	pthread_barrier_init(&warm, NULL, (unsigned)nthreads + 1);
	pthread_barrier_init(&done, NULL, (unsigned)nthreads + 1);
	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, run, NULL);
	pthread_barrier_wait(&warm);
	long loads0 = atomic_load(&real_loads), rss0 = rss_bytes();
	pthread_barrier_wait(&warm);
	pthread_barrier_wait(&done);
	long rss1 = rss_bytes(), loads1 = atomic_load(&real_loads);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	long growth = rss1 - rss0;
	printf("%ld %s cycles in %d thread%s: %s, resident set %s\n", cycles, argv[2], nthreads, nthreads > 1 ? "s" : "",
	       atomic_load(&bad) ? "SOME CALLS FAILED" : "every call right",
	       growth <= 1024 * 1024 ? "within 1 MB of the start" : "GREW BY MORE THAN 1 MB");
	if (numbers)
		printf("rss after 100 cycles %ld KiB, at the end %ld KiB, real loads %ld, growth per real load %.3f KiB, "
		       "1000 threads after %.1f ms\n",
		       rss0 / 1024, rss1 / 1024, loads1 - loads0,
		       loads1 > loads0 ? (double)growth / 1024 / (double)(loads1 - loads0) : 0.0, thread_ms());
	return atomic_load(&bad) || growth > 1024 * 1024;
}
