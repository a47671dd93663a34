/* Where things are: ld-mmld.so, and programs named without a slash. */
#include "mmld.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Beside mmld (the build directory), else ../lib/mmld/ (installed: PREFIX/bin/mmld and
 * PREFIX/lib/mmld/ld-mmld.so); $MMLD_RTLD overrides both. */
const char *rtld_path(void)
{
	static char path[PATH_MAX + 32];
	const char *env = getenv("MMLD_RTLD");
	if (env && *env)
		return env;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0)
		return "ld-mmld.so";
	self[n] = 0;
	char *slash = strrchr(self, '/');
	*slash = 0;
	static const char *const places[] = {"%s/ld-mmld.so", "%s/../lib/mmld/ld-mmld.so"};
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
		snprintf(path, sizeof path, places[i], self);
		if (access(path, R_OK) == 0)
			return path;
	}
	snprintf(path, sizeof path, places[0], self); /* the error then names the first place */
	return path;
}

int executable_file(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EISDIR;
	if (!S_ISREG(st.st_mode) || faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return EACCES;
	return 0;
}

/* bash's and execvp's search: a PATH entry that is a directory, or a file that cannot be
 * executed, does not end the search; a non-executable file found and nothing better after
 * it is "Permission denied", a directory alone is "command not found". */
static char *search_path(const char *name, int *err)
{
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	*err = ENOENT;
	for (const char *p = path;;) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char buf[PATH_MAX];
		/* an empty entry is the current directory, for bash and execvp alike */
		if (snprintf(buf, sizeof buf, "%.*s/%s", len ? (int)len : 1, len ? p : ".", name) < (int)sizeof buf) {
			int why = executable_file(buf);
			if (why == 0)
				return strdup(buf);
			if (why == EACCES)
				*err = EACCES;
		}
		if (!e)
			return NULL;
		p = e + 1;
	}
}

char *find_program(const char *name, int *err)
{
	if (!*name) {
		*err = EINVAL;
		return NULL;
	}
	if (!strchr(name, '/'))
		return search_path(name, err);
	*err = executable_file(name);
	return *err ? NULL : strdup(name);
}

int program_refused(const char *cmd, const char *name, int err, int status)
{
	if (err == EINVAL) {
		fprintf(stderr, "mmld %s: '': the program's name is empty\n", cmd);
		return 2;
	}
	fprintf(stderr, "mmld %s: %s: %s\n", cmd, shown(name),
		err == ENOENT && !strchr(name, '/') ? "command not found" : strerror(err));
	return status;
}
