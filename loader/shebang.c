/* The #! line as binfmt_script reads it (see shebang.h). The kernel looks at the first 256
 * bytes only: a line without a newline in them is cut to 255, which is fine as long as the
 * interpreter's name ends (a blank) before the cut; only the argument is then shortened. */
#include "shebang.h"

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

static char *skip_blanks(char *p, const char *end)
{
	while (p < end && blank(*p))
		p++;
	return p;
}

/* The end of the line: its newline, or (no newline in the buffer) the cut at 255 bytes if
 * the interpreter's name ends before it; NULL for that last case's failure. */
static char *line_end(char *buf, enum shebang *k)
{
	for (char *p = buf; p < buf + SHEBANG_BUF; p++)
		if (*p == '\n')
			return p;
	char *cut = buf + SHEBANG_BUF - 1;
	char *name = skip_blanks(buf + 2, cut + 1);
	if (name > cut) {
		*k = SHEBANG_NO_INTERP;
		return NULL;
	}
	for (char *p = name; p <= cut; p++)
		if (blank(*p) || !*p)
			return cut;
	*k = SHEBANG_TOO_LONG;
	return NULL;
}

enum shebang shebang_parse(char *buf, size_t n, char **interp, char **arg)
{
	for (size_t i = n; i <= SHEBANG_BUF; i++)
		buf[i] = 0;
	if (n < 2 || buf[0] != '#' || buf[1] != '!')
		return SHEBANG_NONE;
	enum shebang k = SHEBANG_SCRIPT;
	char *end = line_end(buf, &k);
	if (!end)
		return k;
	while (end > buf + 2 && blank(end[-1]))
		end--;
	*end = 0;
	char *name = skip_blanks(buf + 2, end);
	if (name == end)
		return SHEBANG_NO_INTERP;
	char *p = name;
	while (*p && !blank(*p))
		p++;
	*arg = NULL;
	if (*p) {
		*p = 0;
		p = skip_blanks(p + 1, end);
		if (*p)
			*arg = p;
	}
	*interp = name;
	return SHEBANG_SCRIPT;
}

int shebang_argv(char **v, char *interp, char *arg, char *path, char *const *argv, int argc)
{
	int k = 0;
	v[k++] = interp;
	if (arg)
		v[k++] = arg;
	v[k++] = path;
	for (int i = 1; i < argc; i++)
		v[k++] = argv[i];
	v[k] = NULL;
	return k;
}

const char *shebang_problem(enum shebang k)
{
	return k == SHEBANG_NO_INTERP ? "its #! line names no interpreter"
	       : k == SHEBANG_TOO_LONG ? "its #! line has no end in the first 256 bytes, which cut the interpreter's name"
				       : "";
}
