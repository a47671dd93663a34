/* Which thread sets up libc's malloc. glibc's ld.so allocates a new thread's DTV with malloc
 * in pthread_create, so malloc is set up (ptmalloc_init) by the thread creating the first
 * one, while it is the only thread. ptmalloc_init is not thread-safe: if the first mallocs
 * came from several new threads at once, two of them could each take main_arena without
 * counting it, and the second to exit aborts ("a->attached_threads > 0"; tls_grow, rarely).
 * Seen here without the race: the main thread creates a thread that mallocs first and stays
 * alive; the main thread's own malloc must come from main_arena, the brk heap.
 *
 * usage: malloc_first   prints one line. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int allocated, release;
static void *volatile kept; /* so that the compiler keeps the thread's malloc */

static void *first_malloc(void *arg)
{
	(void)arg;
	kept = malloc(64);
	pthread_mutex_lock(&m);
	allocated = 1;
	pthread_cond_broadcast(&c);
	while (!release)
		pthread_cond_wait(&c, &m);
	pthread_mutex_unlock(&m);
	free(kept);
	return NULL;
}

int main(void)
{
	char *brk_start = sbrk(0);
	pthread_t t;
	if (pthread_create(&t, NULL, first_malloc, NULL))
		return 2;
	pthread_mutex_lock(&m);
	while (!allocated)
		pthread_cond_wait(&c, &m);
	char *p = malloc(64);
	release = 1;
	pthread_cond_broadcast(&c);
	pthread_mutex_unlock(&m);
	pthread_join(t, NULL);
	int from_brk = p >= brk_start && p < (char *)sbrk(0);
	printf("the main thread's malloc after a thread's first one: %s\n",
	       from_brk ? "main_arena (brk heap)" : "ANOTHER ARENA (malloc was set up by the new thread)");
	free(p);
	return !from_brk;
}
