/* Concurrent first calls through lazy PLT slots. Threads call the same thousand functions of
 * liblazy_many.so, each function for the first time, free-running from one start signal: at
 * the front, several threads are in the loader's lazy-binding fix-up at once, of one slot or
 * of neighbouring ones. Round 0 goes through the program's own PLT; each later round
 * dlopens liblazy_lazy_caller.so (RTLD_LAZY) and goes through its fresh PLT, then dlcloses
 * it. Meanwhile a SIGALRM every 100 us interrupts the threads, possibly inside the fix-up,
 * with a handler that calls a hundred more unbound functions. Every call must return its
 * own function's number, and the bindings made must stay right (checked after each round).
 *
 * usage: lazy_race [THREADS [ROUNDS]]   prints three lines, the same whatever the timing. */
#include "many.h"
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static int call_own(int n) { MANY_SWITCH(n); }

static int (*call)(int);
static atomic_int wrong_thread, wrong_signal, wrong_after, signal_calls;
static atomic_int next_signal_fn, ready, go;
static int nthreads, round_no;

static void on_alarm(int sig)
{
	(void)sig;
	int i = atomic_fetch_add(&next_signal_fn, 1);
	if (i >= MANY_SIGNAL_COUNT)
		return;
	atomic_fetch_add(&signal_calls, 1);
	if (call_own(MANY_SIGNAL_FIRST + i) != MANY_SIGNAL_FIRST + i)
		atomic_fetch_add(&wrong_signal, 1);
}

/* Even rounds: every thread from the first function up. Odd rounds: each thread from its own
 * quarter, so it binds alone until it reaches slots another thread is binding. */
static void *work(void *arg)
{
	long id = (long)arg;
	atomic_fetch_add(&ready, 1);
	while (!atomic_load(&go))
		sched_yield(); /* threads may outnumber CPUs */
	int start = round_no % 2 ? (int)(id * MANY_THREAD_COUNT / nthreads) : 0;
	for (int k = 0; k < MANY_THREAD_COUNT; k++) {
		int n = MANY_THREAD_FIRST + (start + k) % MANY_THREAD_COUNT;
		if (call(n) != n)
			atomic_fetch_add(&wrong_thread, 1);
	}
	return NULL;
}

static void race(void)
{
	pthread_t t[64];
	atomic_store(&ready, 0);
	atomic_store(&go, 0);
	for (long i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	while (atomic_load(&ready) < nthreads)
		sched_yield();
	atomic_store(&go, 1);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	for (int n = MANY_THREAD_FIRST; n < MANY_THREAD_FIRST + MANY_THREAD_COUNT; n++)
		if (call(n) != n)
			atomic_fetch_add(&wrong_after, 1);
}

int main(int argc, char **argv)
{
	nthreads = argc > 1 ? atoi(argv[1]) : 4;
	int rounds = argc > 2 ? atoi(argv[2]) : 10;
	if (nthreads < 1 || nthreads > 64 || rounds < 1)
		return 2;
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = SA_RESTART};
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {{0, 100}, {0, 100}};
	setitimer(ITIMER_REAL, &it, NULL);
	for (round_no = 0; round_no < rounds; round_no++) {
		void *h = NULL;
		call = call_own;
		if (round_no > 0) {
			h = dlopen("liblazy_caller.so", RTLD_LAZY);
			if (!h || !(call = (int (*)(int))dlsym(h, "lazy_call"))) {
				printf("dlopen: %s\n", dlerror());
				return 1;
			}
		}
		race();
		if (h)
			dlclose(h);
	}
	struct itimerval off = {{0, 0}, {0, 0}};
	setitimer(ITIMER_REAL, &off, NULL);
	for (int n = MANY_SIGNAL_FIRST; n < MANY_SIGNAL_FIRST + MANY_SIGNAL_COUNT; n++)
		if (call_own(n) != n)
			atomic_fetch_add(&wrong_after, 1);
	printf("%d threads called %d functions, %d rounds: %s\n", nthreads, MANY_THREAD_COUNT, rounds,
	       atomic_load(&wrong_thread) ? "SOME CALLS REACHED THE WRONG FUNCTION" : "every call reached its function");
	printf("signal handler: %s\n",
	       atomic_load(&wrong_signal) ? "SOME CALLS REACHED THE WRONG FUNCTION" : "every call reached its function");
	printf("bindings afterwards: %s\n", atomic_load(&wrong_after) ? "SOME SLOTS BOUND TO THE WRONG FUNCTION" : "all right");
	if (getenv("LAZY_RACE_VERBOSE"))
		fprintf(stderr, "wrong: %d in threads, %d in %d signal calls, %d afterwards\n", atomic_load(&wrong_thread),
			atomic_load(&wrong_signal), atomic_load(&signal_calls), atomic_load(&wrong_after));
	return atomic_load(&wrong_thread) || atomic_load(&wrong_signal) || atomic_load(&wrong_after);
}
