/* pthread_atfork handlers that use the loader, registered before the first thread (by
 * main, and by a library's constructor: libatfork_lib.so): their prepare handlers dlopen,
 * dlsym and dlclose, their parent and child handlers too; then threads start (one idle, one
 * dlopening and dlclosing) and the program forks, several times.
 * usage: atfork_loader [one-thread]   prints the same lines every run; a hang (SIGALRM
 * after 15 s) is the failure. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int prepared, parent, child;
static atomic_int stop;

static int use_loader(void)
{
	void *h = dlopen("libtls_mod2.so", RTLD_NOW);
	int ok = h && dlsym(h, "tls_touch");
	if (h)
		dlclose(h);
	return ok;
}
static void on_prepare(void) { prepared += use_loader(); }
static void on_parent(void) { parent += use_loader(); }
static void on_child(void) { child += use_loader(); }

static void *idle(void *a)
{
	(void)a;
	pause();
	return NULL;
}
static void *churn(void *a)
{
	(void)a;
	while (!atomic_load(&stop)) {
		void *h = dlopen("libtls_g2.so", RTLD_NOW);
		if (h)
			dlclose(h);
	}
	return NULL;
}

int atfork_lib_counts(int *prepared, int *parent, int *child);

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(15);
	pthread_atfork(on_prepare, on_parent, on_child);
	bool threads = !(argc > 1 && !strcmp(argv[1], "one-thread"));
	pthread_t t, c;
	if (threads) {
		pthread_create(&t, NULL, idle, NULL);
		pthread_create(&c, NULL, churn, NULL);
	}
	int children_ok = 0;
	for (int i = 0; i < 20; i++) {
		pid_t p = fork();
		if (p == 0) {
			int lp, lq, lc;
			atfork_lib_counts(&lp, &lq, &lc);
			_exit(child == 1 && lc == 1 ? 0 : 1); /* this child ran them once */
		}
		int st;
		if (waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			children_ok++;
	}
	atomic_store(&stop, 1);
	if (threads)
		pthread_join(c, NULL);
	int lp, lq, lc;
	atfork_lib_counts(&lp, &lq, &lc);
	printf("program's handlers used the loader: prepare %d, parent %d\n", prepared, parent);
	printf("library's handlers used the loader: prepare %d, parent %d\n", lp, lq);
	printf("children whose child handlers used the loader: %d of 20\n", children_ok);
	return 0;
}
