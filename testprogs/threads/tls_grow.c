/* New threads' first TLS access while another thread dlopens TLS libraries. The main thread
 * loads and unloads eight TLS libraries over and over (each load takes a module id; a
 * loader that never reuses ids keeps growing its module table); meanwhile new threads
 * keep starting, and each one's first access to a library loaded all along
 * (libtls_mod.so, so through __tls_get_addr) reads the module table.
 *
 * usage: tls_grow [ROUNDS]   prints one line, the same whatever the timing. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef SPAWNERS
#define SPAWNERS 3 /* threads that keep starting new ones */
#endif
static long (*touch_resident)(long);
static atomic_int stop, wrong, started;

static void *first_access(void *arg)
{
	(void)arg;
	if (touch_resident(1) != 9) /* a new thread sees the initial image */
		atomic_fetch_add(&wrong, 1);
	return NULL;
}

static void *spawner(void *arg)
{
	(void)arg;
	while (!atomic_load(&stop)) {
		pthread_t t[4];
		for (int i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, first_access, NULL);
		for (int i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		atomic_fetch_add(&started, 4);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 300;
	void *resident = dlopen("libtls_mod.so", RTLD_NOW);
	if (!resident || !(touch_resident = (long (*)(long))dlsym(resident, "tls_touch")))
		return 1;
	pthread_t sp[SPAWNERS];
	for (int i = 0; i < SPAWNERS; i++)
		pthread_create(&sp[i], NULL, spawner, NULL);
	static const char *libs[] = {"libtls_g1.so", "libtls_g2.so", "libtls_g3.so", "libtls_g4.so",
				     "libtls_g5.so", "libtls_g6.so", "libtls_g7.so", "libtls_g8.so"};
	for (int r = 0; r < rounds; r++) {
		void *h[8];
		for (int i = 0; i < 8; i++)
			if (!(h[i] = dlopen(libs[i], RTLD_NOW)))
				return 1;
		for (int i = 0; i < 8; i++) {
			long (*f)(long) = (long (*)(long))dlsym(h[i], "tls_touch");
			if (!f || f(1) != 9)
				atomic_fetch_add(&wrong, 1);
		}
		for (int i = 8; i-- > 0;)
			dlclose(h[i]);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < SPAWNERS; i++)
		pthread_join(sp[i], NULL);
	printf("%d rounds of 8 TLS libraries loaded while threads start: %s\n", rounds,
	       atomic_load(&wrong) ? "SOME THREADS SAW WRONG TLS" : "every thread saw its own TLS");
	if (getenv("TLS_GROW_VERBOSE"))
		fprintf(stderr, "%d threads started, %d wrong\n", atomic_load(&started), atomic_load(&wrong));
	return atomic_load(&wrong) != 0;
}
