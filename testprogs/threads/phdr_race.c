/* dl_iterate_phdr while another thread dlcloses. Two threads walk the loaded objects with
 * dl_iterate_phdr again and again, reading every program header of every object (libc holds
 * its dl_load_write_lock while it walks); the main thread loads and unloads libraries. An
 * object unmapped while a walk can still see it makes the callback fault.
 *
 * usage: phdr_race [ROUNDS]   prints one line, the same whatever the timing. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int stop;
static atomic_long walks;

static int visit(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	unsigned long *sum = data;
	for (int i = 0; i < info->dlpi_phnum; i++)
		*sum += info->dlpi_phdr[i].p_memsz + info->dlpi_phdr[i].p_type;
	/* The object's first bytes too: its ELF header, in the mapped image. */
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD) {
			*sum += *(const unsigned char *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
			break;
		}
	return 0;
}

static void *walker(void *arg)
{
	(void)arg;
	unsigned long sum = 0;
	while (!atomic_load(&stop)) {
		dl_iterate_phdr(visit, &sum);
		atomic_fetch_add(&walks, 1);
	}
	return (void *)sum;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 2000;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, walker, NULL);
	int failed = 0;
	for (int r = 0; r < rounds; r++) {
		void *a = dlopen("libtls_g1.so", RTLD_NOW), *b = dlopen("liblazy_many.so", RTLD_NOW);
		failed += !a || !b;
		if (b)
			dlclose(b);
		if (a)
			dlclose(a);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("%d dlopen/dlclose rounds against dl_iterate_phdr in 2 threads: %s\n", rounds,
	       failed ? "SOME DLOPENS FAILED" : "no fault");
	if (getenv("PHDR_RACE_VERBOSE"))
		fprintf(stderr, "%ld walks\n", atomic_load(&walks));
	return failed != 0;
}
