/* libauditfind.so: an audit module asking _dl_find_object for the object that called its
 * la_version: the dynamic linker, which must be found there already (glibc's table holds
 * ld.so from the start; tst-audit28 checks it). Says what it found, without names (the two
 * loaders' files are named differently). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

unsigned la_version(unsigned v)
{
	struct dl_find_object f;
	void *caller = __builtin_return_address(0);
	int r = _dl_find_object(caller, &f);
	const char *name = r == 0 && f.dlfo_link_map ? base(f.dlfo_link_map->l_name) : "";
	int is_rtld = strcmp(name, "ld-linux-x86-64.so.2") == 0 || strcmp(name, "ld-mmld.so") == 0;
	int inside = r == 0 && (char *)caller >= (char *)f.dlfo_map_start && (char *)caller < (char *)f.dlfo_map_end;
	fprintf(stderr, "find: la_version's caller %s, %s, in the object's span: %s, its unwind tables: %s\n",
		r == 0 ? "found" : "not found", is_rtld ? "the dynamic linker" : "another object",
		inside ? "yes" : "no", r == 0 && f.dlfo_eh_frame ? "yes" : "no");
	return v;
}
