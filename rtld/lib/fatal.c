/* Start-up errors: one line on stderr in the system loader's form, then exit status 127.
 *   PROGRAM: error while loading shared libraries: OBJECT: PROBLEM
 * PROGRAM is the program's argv[0] (or ld-mmld.so's, before the program is known).
 * A missing symbol version has glibc's own form and status (rt_error_line, then exit 1 once
 * every object was checked: versions.c, main.c). */
#include "../rtld.h"
#include "../lock.h"

/* Copies s into out (when out is not NULL) with every control byte as '?', so the line
 * stays one line whatever bytes a damaged file put into the names it quotes. The length. */
static size_t put_shown(char *out, const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (out)
			out[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
	return n;
}

/* The line "PROG: [OCCASION: ][OBJECT: ]MSG\n" built in `buf`, or (a name near PATH_MAX)
 * in anonymous memory, and written with one write: the whole line, as glibc writes it,
 * never cut. */
static void write_line(const char *occasion, const char *object, const char *msg)
{
	const char *part[4] = {R.progname ? R.progname : "ld-mmld.so", occasion, object && *object ? object : NULL,
			       msg};
	size_t len = 1;
	for (int i = 0; i < 4; i++)
		if (part[i])
			len += put_shown(NULL, part[i]) + (i < 3 ? 2 : 0);
	char small[2048];
	char *line = small;
	if (len > sizeof small) {
		long m = sys_mmap(NULL, len, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
		line = mmap_failed(m) ? NULL : (char *)m;
	}
	if (!line) { /* no memory for it: the parts one by one */
		for (int i = 0; i < 4; i++)
			if (part[i]) {
				rt_write_all(2, part[i], strlen(part[i]));
				rt_write_all(2, i < 3 ? ": " : "\n", i < 3 ? 2 : 1);
			}
		return;
	}
	size_t at = 0;
	for (int i = 0; i < 4; i++)
		if (part[i]) {
			at += put_shown(line + at, part[i]);
			if (i < 3) {
				line[at++] = ':';
				line[at++] = ' ';
			}
		}
	line[at++] = '\n';
	rt_write_all(2, line, at);
	if (line != small)
		sys_munmap(line, len);
}

/* The message, formatted into `small` or, when longer, into anonymous memory (*big: its
 * size, to unmap). */
static char *format_message(char *small, size_t size, size_t *big, const char *fmt, va_list ap)
{
	va_list again;
	va_copy(again, ap);
	size_t n = (size_t)rt_vsnprintf(small, size, fmt, ap);
	char *msg = small;
	*big = 0;
	if (n >= size) {
		long m = sys_mmap(NULL, n + 1, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
		if (!mmap_failed(m)) {
			msg = (char *)m;
			*big = n + 1;
			rt_vsnprintf(msg, n + 1, fmt, again);
		}
	}
	va_end(again);
	return msg;
}

/* Formats the message (whole, however long) and writes the line. */
static void report(const char *occasion, const char *object, const char *fmt, va_list ap)
{
	char small[1024];
	size_t big;
	char *msg = format_message(small, sizeof small, &big, fmt, ap);
	write_line(occasion, object, msg);
	if (big)
		sys_munmap(msg, big);
}

void rt_die(const char *occasion, const char *object, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (R.error_hook && R.error_hook_owner == thread_pointer()) {
		/* Inside dlopen: the caller gets the error (in a buffer of the hook's size: it
		 * does not return, so nothing could unmap a longer copy), the process goes on. */
		char msg[1024];
		rt_vsnprintf(msg, sizeof msg, fmt, ap);
		R.error_hook(object && *object ? object : "", msg);
		sys_exit_group(127); /* not reached */
	}
	report(occasion, object, fmt, ap);
	va_end(ap);
	sys_exit_group(127);
}

void rt_error_line(const char *object, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(NULL, object, fmt, ap);
	va_end(ap);
}

void rt_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	rt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_dprintf(2, "%s: warning: %s\n", R.progname ? R.progname : "ld-mmld.so", msg);
}
