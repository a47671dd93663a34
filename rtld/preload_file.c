/* /etc/ld.so.preload: objects every program of the system loads, after those of LD_PRELOAD
 * and --preload and before the program's DT_NEEDED ones, in a privileged process too (as
 * glibc 2.36's elf/rtld.c). The file is meant for emergencies and is usually absent: then the
 * cost is one access(2), as with glibc, and nothing is said.
 *
 * Names are separated by spaces, tabs, newlines or colons; '#' starts a comment that runs to
 * the end of its line. The file is read exactly as glibc reads it, so that one file means the
 * same to both loaders, including where glibc's reading is odd:
 * - glibc looks for each comment from the start of the file, over a length that shrinks by
 *   the offset of every comment found, so in a file with several comments a later one can be
 *   out of reach and its words are then loaded as names;
 * - the list ends at a NUL byte (glibc hands the file to string functions);
 * - a last name not followed by a separator is still loaded (and an empty one, NUL bytes
 *   at the end, names the program itself: nothing);
 * A listed object that cannot be loaded gets glibc's "ERROR: ld.so: object '...' from
 * /etc/ld.so.preload cannot be preloaded (...): ignored." and the others are still loaded.
 * Paths are allowed in secure mode too: only root can write the file. */
#include "preload_file.h"
#include "deps.h"

static const char preload_path[] = "/etc/ld.so.preload";
#define R_OK_ 4

static bool is_separator(char c) { return c == ' ' || c == '\t' || c == '\n' || c == ':'; }

/* The file's bytes in a private writable mapping (the parse writes into it), or NULL when it
 * is missing, unreadable, empty or cannot be mapped (a directory): all silent, as in glibc. */
static char *map_whole_file(size_t *size)
{
	if (sys_call3(SYS_access, preload_path, R_OK_, 0) != 0)
		return NULL;
	long fd = sys_open(preload_path, O_READ_FILE_, 0);
	if (fd < 0)
		return NULL;
	struct kstat st;
	long r = -1;
	if (sys_fstat((int)fd, &st) == 0 && st.st_size > 0) {
		*size = (size_t)st.st_size;
		r = sys_mmap(NULL, *size, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_, (int)fd, 0);
	}
	sys_close((int)fd);
	return r == -1 || mmap_failed(r) ? NULL : (char *)r;
}

/* Overwrites comments with spaces, glibc's way (see the top of the file): every search for
 * '#' starts at buf[0] and covers `reach` bytes, which each comment found shortens by its
 * offset and then by its own length. */
static void blank_comments(char *buf, size_t size)
{
	size_t reach = size;
	while (reach > 0) {
		size_t at = 0;
		while (at < reach && buf[at] != '#')
			at++;
		if (at == reach)
			return;
		reach -= at;
		char *comment = buf + at;
		size_t len = 0;
		while (len < reach && comment[len] != '\n')
			comment[len++] = ' ';
		reach -= len;
	}
}

/* An empty name (the text after the last separator when it starts with a NUL: a file padded
 * with NULs, or just "\0") is glibc's do_preload(""), which finds the program itself, whose
 * link-map name is "": nothing is loaded and nothing said. */
static void preload(const char *name, size_t len)
{
	if (len == 0)
		return;
	char *copy = rt_strndup(name, len); /* the record keeps names; the file is unmapped */
	if (!copy)
		die_load(NULL, "out of memory");
	deps_preload_one(copy, preload_path);
}

/* Each name of the NUL-terminated string s, in order. */
static void preload_each(const char *s)
{
	for (const char *p = s;;) {
		const char *e = p;
		while (*e && !is_separator(*e))
			e++;
		if (e > p)
			preload(p, (size_t)(e - p));
		if (!*e)
			return;
		p = e + 1;
	}
}

/* The names of buf[0..size), comments already blanked. The byte after the last name is made
 * the list's terminator; a last name with no separator after it has no such byte, so it is
 * cut off the list and loaded on its own, after the others. */
static void preload_names(char *buf, size_t size)
{
	char *last = NULL;
	if (is_separator(buf[size - 1])) {
		buf[size - 1] = 0;
	} else {
		last = buf + size;
		while (last > buf && !is_separator(last[-1]))
			last--;
		if (last > buf)
			last[-1] = 0;
	}
	if (last != buf)
		preload_each(buf);
	if (last) {
		size_t len = 0;
		while (last + len < buf + size && last[len])
			len++;
		preload(last, len);
	}
}

void preload_file_load(void)
{
	size_t size = 0;
	char *buf = map_whole_file(&size);
	if (!buf)
		return;
	blank_comments(buf, size);
	preload_names(buf, size);
	sys_munmap(buf, size);
}
