/* Where things are: ld-mmld.so, and programs named without a slash. */
#include "mmld.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
