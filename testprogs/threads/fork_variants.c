/* The loader in the children of _Fork (glibc 2.34+: no fork handlers run) and vfork.
 * _Fork, single-threaded and with two idle threads: the child dlopens a library, calls it
 * and dlcloses it. vfork: the child's first calls through lazy PLT slots (getppid, then
 * execve of /bin/true, or _exit), bound in the parent's memory while the parent waits.
 * usage: fork_variants   prints one line per case. Built -z lazy: every libc call here is
 * bound at its first call. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static int use_loader(void)
{
	void *h = dlopen("libtls_mod2.so", RTLD_NOW);
	if (!h)
		return 3;
	long (*touch)(long) = (long (*)(long))dlsym(h, "tls_touch");
	int r = touch && touch(2) == 10 ? 0 : 4;
	return dlclose(h) ? 5 : r;
}

static const char *status(pid_t p)
{
	int st;
	if (p < 0)
		return "fork failed";
	if (waitpid(p, &st, 0) != p)
		return "lost";
	if (WIFEXITED(st))
		return WEXITSTATUS(st) == 0 ? "exit 0" : "exit nonzero";
	return "killed";
}

static void underscore_fork(const char *what)
{
	pid_t p = _Fork();
	if (p == 0)
		_exit(use_loader());
	printf("_Fork, %s: child %s\n", what, status(p));
}

static void *idle(void *a)
{
	(void)a;
	pause();
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	alarm(15);
	underscore_fork("one thread");
	pid_t p = vfork();
	if (p == 0)
		_exit(getppid() > 0 ? 0 : 1);
	printf("vfork, lazy calls then _exit: child %s\n", status(p));
	p = vfork();
	if (p == 0) {
		char *argv[] = {"true", NULL}, *envp[] = {NULL};
		execve("/bin/true", argv, envp);
		_exit(127);
	}
	printf("vfork, execve: child %s\n", status(p));
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, idle, NULL);
	underscore_fork("three threads");
	printf("parent after them: %s\n", use_loader() ? "loader broken" : "loader works");
	return 0;
}
