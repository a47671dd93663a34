/* rseq registration (the main thread's, which libc's own threads follow) and the vDSO
 * behind time() and gettimeofday(). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stddef.h>
#include <sched.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

extern const unsigned int __rseq_size;
extern const ptrdiff_t __rseq_offset;

static void *thread(void *arg)
{
	(void)arg;
	return (void *)(long)(sched_getcpu() >= 0);
}

int main(void)
{
	printf("__rseq_size=%u __rseq_offset=%ld sched_getcpu_ok=%d\n", __rseq_size, (long)__rseq_offset,
	       sched_getcpu() >= 0);
	pthread_t t;
	void *ok;
	pthread_create(&t, NULL, thread, NULL);
	pthread_join(t, &ok);
	printf("new thread sched_getcpu_ok=%ld\n", (long)ok);
	struct timeval tv;
	for (int i = 0; i < 100; i++) {
		time(NULL);
		gettimeofday(&tv, NULL);
	}
	printf("time and gettimeofday agree: %d\n", tv.tv_sec - time(NULL) <= 1);
	return 0;
}
