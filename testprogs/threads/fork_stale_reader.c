/* _Fork() (no fork handlers) while another thread is inside a lock-free reader section of the
 * loader: the child has only the forking thread, but its copy of libc's thread list still
 * names the others, with the reader's gscope flag set. A dlclose in the child must not wait
 * for that thread, which will never leave. Thread L makes first calls through fresh lazy PLT
 * slots; the main thread signals it every 50 us until its handler finds itself interrupting a
 * reader section (the TCB's gscope flag, glibc's header.gscope_flag, is set), where the handler
 * parks; then the main thread calls _Fork and the child dlopens, calls and dlcloses a library.
 * usage: fork_stale_reader   prints two lines; a hang is the failure. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static atomic_int parked, release_parked;

static int gscope_flag(void)
{
	int v;
	__asm__ volatile("movl %%fs:0x1c, %0" : "=r"(v));
	return v;
}

static void on_usr1(int sig)
{
	(void)sig;
	if (!gscope_flag() || atomic_load(&parked))
		return;
	atomic_store(&parked, 1);
	while (!atomic_load(&release_parked))
		; /* inside the reader section the signal interrupted */
}

static void *lazy_thread(void *a)
{
	(void)a;
	while (!atomic_load(&parked)) {
		void *h = dlopen("liblazy_caller.so", RTLD_LAZY);
		int (*f)(int) = h ? (int (*)(int))dlsym(h, "lazy_call") : NULL;
		for (int n = 1000; f && n < 2000 && !atomic_load(&parked); n++)
			if (f(n) != n)
				abort();
		if (h && !atomic_load(&parked))
			dlclose(h);
	}
	return NULL;
}

static int child_uses_loader(void)
{
	void *h = dlopen("libtls_mod3.so", RTLD_NOW);
	if (!h)
		return 4;
	long (*touch)(long) = (long (*)(long))dlsym(h, "tls_touch");
	int r = touch && touch(1) == 9 ? 0 : 5;
	return dlclose(h) ? 6 : r;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(20); /* a hang ends as SIGALRM */
	signal(SIGUSR1, on_usr1);
	pthread_t l;
	pthread_create(&l, NULL, lazy_thread, NULL);
	struct timespec gap = {0, 50000};
	for (long i = 0; !atomic_load(&parked) && i < 200000; i++) {
		pthread_kill(l, SIGUSR1);
		nanosleep(&gap, NULL);
	}
	printf("a reader section interrupted: %s\n", atomic_load(&parked) ? "yes" : "no");
	pid_t p = _Fork();
	if (p == 0)
		_exit(child_uses_loader());
	int st = 0;
	waitpid(p, &st, 0);
	printf("child: %s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "used its loader" : "failed");
	atomic_store(&release_parked, 1);
	pthread_join(l, NULL);
	return 0;
}
