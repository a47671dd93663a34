/* #! scripts, as the kernel's binfmt_script runs them: the first line (at most 256 bytes) is
 * "#!INTERPRETER [ONE ARGUMENT]"; INTERPRETER is executed instead, with argv
 *   INTERPRETER [ARGUMENT] SCRIPT-PATH ARGV[1]...
 * (the script's own argv[0] is dropped). AT_EXECFN and the process name stay the script's;
 * /proc/PID/exe becomes the ELF file that is finally loaded. The interpreter may itself be
 * a script, four levels deep at most. */
#include "stub.h"

#define SCRIPT_LINE 256
#define SCRIPT_DEPTH 4

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

/* Reads path's #! line into line; false if path does not start with "#!". */
static bool read_shebang(const char *path, char line[SCRIPT_LINE + 1])
{
	long fd = sys_open(path, O_RDONLY_ | O_CLOEXEC_, 0);
	if (fd < 0)
		return false; /* image_open() says why */
	long n = sys_read((int)fd, line, SCRIPT_LINE);
	sys_close((int)fd);
	if (n < 2 || line[0] != '#' || line[1] != '!')
		return false;
	line[n] = 0;
	return true;
}

/* Splits "#!  /bin/sh -e  \n" into interpreter "/bin/sh" and argument "-e" (or NULL). */
static void parse_shebang(const struct stub *s, const char *path, char *line, char **interp, char **arg)
{
	char *nl = strchr(line, '\n');
	char *p = line + 2;
	while (is_blank(*p))
		p++;
	char *name = p;
	while (*p && !is_blank(*p) && *p != '\n')
		p++;
	/* A line cut at 256 bytes is fine if the interpreter's name itself was read whole. */
	if (!nl && !*p)
		fail(126, "%s: #! line longer than %d bytes", path, SCRIPT_LINE);
	if (nl)
		*nl = 0;
	if (p == name)
		fail(126, "%s: #! names no interpreter", path);
	char *end = p;
	while (is_blank(*p))
		p++;
	*end = 0;
	*arg = NULL;
	if (*p) {
		char *e = p + strlen(p);
		while (e > p && is_blank(e[-1]))
			*--e = 0;
		*arg = p;
	}
	*interp = name;
	trace(s, "%s is a script: #!%s%s%s", path, name, *arg ? " " : "", *arg ? *arg : "");
}

/* argv for INTERPRETER [ARG] PATH ARGV[1]..., in fresh memory. */
static void rewrite_argv(struct stub *s, char *interp, char *arg, const char *path)
{
	int argc = s->argc - 1 + 2 + (arg ? 1 : 0);
	long r = sys_mmap(NULL, PAGE_UP(((size_t)argc + 1) * sizeof(char *)), PROT_READ_ | PROT_WRITE_,
			  MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
	if (mmap_failed(r))
		fail(127, "%s: no memory for the script's arguments", path);
	char **v = (char **)r;
	s->scratch[s->nscratch].addr = (uintptr_t)r;
	s->scratch[s->nscratch++].len = PAGE_UP(((size_t)argc + 1) * sizeof(char *));
	int k = 0;
	v[k++] = interp;
	if (arg)
		v[k++] = arg;
	v[k++] = (char *)path;
	for (int i = 1; i < s->argc; i++)
		v[k++] = s->argv[i];
	v[k] = NULL;
	s->argc = argc;
	s->argv = v;
}

void follow_scripts(struct stub *s)
{
	static char lines[SCRIPT_DEPTH + 1][SCRIPT_LINE + 1];
	const char *path = s->execfn;
	for (int depth = 0; read_shebang(path, lines[depth]); depth++) {
		if (depth == SCRIPT_DEPTH)
			fail(126, "%s: more than %d levels of #! interpreters", s->execfn, SCRIPT_DEPTH);
		if (sys_call6(SYS_faccessat_, AT_FDCWD_, (long)path, 1 /* X_OK */, 0, 0, 0) != 0)
			fail(126, "%s: script is not executable (permission denied)", path);
		char *interp, *arg;
		parse_shebang(s, path, lines[depth], &interp, &arg);
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
