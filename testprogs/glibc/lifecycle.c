/* atexit handlers, destructors, fork in a threaded program, iconv (gconv modules are
 * dlopen'ed), NSS lookups, stack protector and pointer guard, clock_gettime. */
#define _GNU_SOURCE
#include <grp.h>
#include <iconv.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void at1(void) { puts("atexit handler 1 (registered first, runs last)"); }
static void at2(void) { puts("atexit handler 2"); }
__attribute__((destructor)) static void dtor(void) { puts("program destructor"); }

static void *spin(void *arg)
{
	(void)arg;
	return NULL;
}

int main(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	atexit(at1);
	atexit(at2);

	/* fork while another thread exists */
	pthread_t t;
	pthread_create(&t, NULL, spin, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		printf("child after fork in a threaded program\n");
		_exit(3);
	}
	int st;
	waitpid(pid, &st, 0);
	pthread_join(t, NULL);
	printf("child exit status %d\n", WEXITSTATUS(st));

	/* iconv: UTF-8 to UTF-16LE and ISO-8859-2 */
	iconv_t cd = iconv_open("UTF-16LE", "UTF-8");
	char in[] = "h\xc3\xa9", out[16], *ip = in, *op = out;
	size_t il = strlen(in), ol = sizeof out;
	if (cd != (iconv_t)-1 && iconv(cd, &ip, &il, &op, &ol) != (size_t)-1) {
		printf("iconv UTF-16LE:");
		for (char *p = out; p < op; p++)
			printf(" %02x", (unsigned char)*p);
		printf("\n");
	}
	iconv_t cd2 = iconv_open("ISO-8859-2", "UTF-8");
	printf("iconv_open ISO-8859-2: %s\n", cd2 == (iconv_t)-1 ? "failed" : "ok");

	/* NSS */
	struct passwd *pw = getpwnam("root");
	printf("getpwnam(root): uid %d, home %s\n", pw ? (int)pw->pw_uid : -1, pw ? pw->pw_dir : "-");
	printf("getpwnam(no-such-user): %s\n", getpwnam("no-such-user-mmld") ? "found" : "NULL");
	struct group *gr = getgrgid(0);
	printf("getgrgid(0): %s\n", gr ? gr->gr_name : "NULL");

	/* Stack protector canary: AT_RANDOM's first 8 bytes, low byte cleared. */
	unsigned long canary, rnd;
	__asm__("mov %%fs:0x28, %0" : "=r"(canary));
	memcpy(&rnd, (void *)getauxval(AT_RANDOM), 8);
	printf("stack guard from AT_RANDOM: %s\n", canary == (rnd & ~0xffUL) ? "yes" : "no");
	jmp_buf jb; /* setjmp mangles with the pointer guard; longjmp must undo it */
	volatile int jumped = 0;
	if (setjmp(jb) == 0) {
		jumped = 1;
		longjmp(jb, 1);
	}
	printf("setjmp/longjmp with pointer guard: %s\n", jumped ? "ok" : "broken");

	struct timespec ts;
	for (int i = 0; i < 100; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("clock_gettime works: %s\n", ts.tv_sec > 0 || ts.tv_nsec > 0 ? "yes" : "no");
	return 0;
}
