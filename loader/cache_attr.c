/* Which object a mapped relocation cache entry belongs to, for `mmld share`: /proc/PID/maps
 * names the entry's file for the relocated pages mapped from it, and those are the object's. */
#include "cache.h"
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool read_at(int fd, void *buf, size_t n, off_t off) { return pread(fd, buf, n, off) == (ssize_t)n; }

const char *cache_object_of(const char *mapped)
{
	static struct { char *file, *object; } *seen;
	static size_t nseen;
	size_t len = strlen(mapped);
	if (len < 4 || strcmp(mapped + len - 3, RC_SUFFIX) != 0)
		return NULL;
	for (size_t i = 0; i < nseen; i++)
		if (strcmp(seen[i].file, mapped) == 0)
			return seen[i].object;
	char *object = NULL;
	struct rc_header h;
	int fd = open(mapped, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd >= 0 && read_at(fd, &h, sizeof h, 0) && memcmp(h.magic, RC_MAGIC, 8) == 0 && h.path_len &&
	    h.path_len <= 4096) {
		char path[4097] = "", real[4096];
		if (read_at(fd, path, h.path_len, (off_t)h.path_off))
			object = strdup(realpath(path, real) ? real : path); /* /proc names files canonically */
	}
	if (fd >= 0)
		close(fd);
	seen = realloc(seen, (nseen + 1) * sizeof *seen);
	seen[nseen].file = strdup(mapped);
	seen[nseen].object = object;
	nseen++;
	return object;
}

