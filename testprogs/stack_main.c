/* PT_GNU_STACK: a program linked with -z execstack asks for an executable stack, and the
 * loader must give it one; without it the stack must not be executable. Reads the stack's
 * permissions from /proc/self/maps. */
#include "nolibc/nolibc.h"

int main(int argc, char **argv, char **envp)
{
	(void)argc, (void)argv, (void)envp;
	static char buf[65536];
	long fd = nl_syscall(257, -100, (long)"/proc/self/maps", 0, 0, 0, 0);
	long n = 0, r;
	while (fd >= 0 && (r = nl_syscall(0, fd, (long)buf + n, (long)sizeof buf - 1 - n, 0, 0, 0)) > 0)
		n += r;
	buf[n] = 0;
	for (char *line = buf; *line;) {
		char *end = line;
		while (*end && *end != '\n')
			end++;
		char *p = line;
		while (p < end && *p != ' ')
			p++;
		int is_stack = end - line > 7 && end[-7] == '[' && end[-1] == ']' && end[-6] == 's';
		if (is_stack && p + 5 <= end) {
			char perms[5] = {p[1], p[2], p[3], p[4], 0};
			out("stack permissions: ");
			outln(perms);
		}
		line = *end ? end + 1 : end;
	}
	return 0;
}
