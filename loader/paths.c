/* Where things are: ld-mmld.so, and programs named without a slash. */
#include "mmld.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *rtld_path(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("MMLD_RTLD");
	if (env && *env)
		return env;
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
	if (n <= 0)
		return "ld-mmld.so";
	path[n] = 0;
	char *slash = strrchr(path, '/');
	strcpy(slash ? slash + 1 : path, "ld-mmld.so");
	return path;
}

char *find_program(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? strdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		const char *e = strchr(p, ':');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char buf[PATH_MAX];
		if (snprintf(buf, sizeof buf, "%.*s/%s", (int)len, len ? p : ".", name) < (int)sizeof buf &&
		    access(buf, X_OK) == 0)
			return strdup(buf);
		if (!e)
			return NULL;
		p = e + 1;
	}
}
