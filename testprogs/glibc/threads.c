/* Threads with static TLS: each new thread must start from the TLS image, not the main
 * thread's values. */
#include <pthread.h>
#include <stdio.h>
static __thread int counter = 10;
static void *work(void *arg)
{
	long id = (long)arg;
	counter += (int)id;
	return (void *)(long)counter;
}
int main(void)
{
	pthread_t t[4];
	counter = 1000;
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, (void *)i);
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		printf("thread %d: counter=%ld\n", i, (long)r);
	}
	printf("main: counter=%d\n", counter);
	return 0;
}
