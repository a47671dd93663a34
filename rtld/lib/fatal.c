/* Start-up errors: one line on stderr in the system loader's form, then exit status 127.
 *   PROGRAM: error while loading shared libraries: OBJECT: PROBLEM
 * PROGRAM is the program's argv[0] (or ld-mmld.so's, before the program is known).
 * The status is always 127, even where glibc's ld.so exits 1 (a missing symbol version):
 * callers can tell a loader failure from the program's own exit codes. */
#include "../rtld.h"
#include "../lock.h"

void rt_die(const char *occasion, const char *object, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	rt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (R.error_hook && R.error_hook_owner == thread_pointer()) {
		/* Inside dlopen: the caller gets the error, the process goes on. */
		R.error_hook(object && *object ? object : "", msg);
		sys_exit_group(127); /* not reached */
	}
	const char *prog = R.progname ? R.progname : "ld-mmld.so";
	char line[2048];
	if (!occasion) /* glibc's form for version errors: no occasion */
		rt_snprintf(line, sizeof line, "%s: %s: %s", prog, object, msg);
	else if (object && *object)
		rt_snprintf(line, sizeof line, "%s: %s: %s: %s", prog, occasion, object, msg);
	else
		rt_snprintf(line, sizeof line, "%s: %s: %s", prog, occasion, msg);
	/* One line, whatever bytes a damaged file put into the names it quotes. */
	for (char *c = line; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	rt_dprintf(2, "%s\n", line);
	sys_exit_group(127);
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
