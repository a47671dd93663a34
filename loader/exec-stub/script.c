/* #! scripts, as the kernel's binfmt_script runs them (the line itself: loader/shebang.c,
 * shared with mmld run): INTERPRETER is executed instead, with argv
 *   INTERPRETER [ARGUMENT] SCRIPT-PATH ARGV[1]...
 * (the script's own argv[0] is dropped). AT_EXECFN and the process name stay the script's;
 * /proc/PID/exe becomes the ELF file that is finally loaded. The interpreter may itself be
 * a script: five scripts at most, as the kernel allows. */
#include "stub.h"
#include "../shebang.h"

static long read_head(const char *path, char *buf)
{
	long fd = sys_open(path, O_RDONLY_ | O_NONBLOCK_ | O_CLOEXEC_, 0); /* a FIFO: no wait for a writer */
	if (fd < 0)
		return -1; /* image_open() says why */
	long n = sys_read((int)fd, buf, SHEBANG_BUF);
	sys_close((int)fd);
	return n;
}

/* 0, or faccessat's -errno for X_OK. */
static long executable(const char *path)
{
	return sys_call6(SYS_faccessat_, AT_FDCWD_, (long)path, 1 /* X_OK */, 0, 0, 0);
}

/* argv for INTERPRETER [ARG] PATH ARGV[1]..., in fresh memory. */
static void rewrite_argv(struct stub *s, char *interp, char *arg, char *path)
{
	size_t len = PAGE_UP(((size_t)s->argc + 3) * sizeof(char *));
	long r = sys_mmap(NULL, len, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
	if (mmap_failed(r))
		fail(127, "%s: no memory for the script's arguments", path);
	s->scratch[s->nscratch].addr = (uintptr_t)r;
	s->scratch[s->nscratch++].len = len;
	s->argc = shebang_argv((char **)r, interp, arg, path, s->argv, s->argc);
	s->argv = (char **)r;
}

void follow_scripts(struct stub *s)
{
	static char lines[SHEBANG_DEPTH + 1][SHEBANG_BUF + 1];
	char *path = (char *)s->execfn;
	for (int depth = 0;; depth++) {
		long n = read_head(path, lines[depth]);
		char *interp, *arg;
		enum shebang k = n < 0 ? SHEBANG_NONE : shebang_parse(lines[depth], (size_t)n, &interp, &arg);
		if (k == SHEBANG_NONE)
			break;
		if (executable(path) != 0)
			fail(126, "%s: script is not executable (permission denied)", path);
		if (k != SHEBANG_SCRIPT)
			fail(126, "%s: %s", path, shebang_problem(k));
		if (depth == SHEBANG_DEPTH)
			fail(126, "%s: more than %d #! scripts, each the interpreter of the one before", s->execfn,
			     SHEBANG_DEPTH);
		/* Named here with the script, as a shell names it; any other refusal is image_open's. */
		if (executable(interp) == -ENOENT_)
			fail(127, "%s: bad interpreter %s: not found", s->execfn, interp);
		trace(s, "%s is a script: #!%s%s%s", path, interp, arg ? " " : "", arg ? arg : "");
		rewrite_argv(s, interp, arg, path);
		path = interp;
	}
	/* A copy: the path may be in the old stack, which the new one replaces. */
	static char exe[4096];
	size_t n = strlen(path);
	if (n >= sizeof exe)
		fail(126, "%s: path too long", path);
	memcpy(exe, path, n + 1);
	s->exe_path = exe;
}
