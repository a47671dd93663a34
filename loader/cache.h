/* mmld cache: the relocation cache's directory and entries, as the loader reads them
 * (rtld/relcache_format.h has the format). */
#ifndef MMLD_CACHE_H
#define MMLD_CACHE_H
#include "../rtld/relcache_format.h"
#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* One entry file, read and checked as ld-mmld.so checks it before mapping it. */
struct cache_entry {
	char *file;                 /* its path */
	struct stat st;
	struct rc_header h;
	char *path;                 /* the object's path, from the entry */
	struct rc_key_head key;
	struct rc_key_obj *objs;    /* key.nobjs */
	Elf64_Rela *fixups;
	const char *problem;        /* NULL if ld-mmld.so would use it (given the same key) */
	uint32_t other_version;     /* made in another format version (problem says so): stale,
				       never used by this ld-mmld.so, not damaged; else 0 */
	unsigned long hits;
};

/* ROOT as ld-mmld.so finds it ($MMLD_RELOC_CACHE_DIR, $XDG_RUNTIME_DIR/mmld-reloc, ...), and
 * this boot's directory ROOT/BOOT_ID. Returns false (with a message) if there is none. */
bool cache_dirs(char *root, size_t rlen, char *boot, size_t blen);
/* The object whose relocated pages the mapped file `mapped` holds, if it is a relocation
 * cache entry (its header says), so that `mmld share` counts those pages as the object's. */
const char *cache_object_of(const char *mapped);
/* Reads and checks one entry file. */
void cache_entry_read(const char *file, struct cache_entry *e);
void cache_entry_free(struct cache_entry *e);
/* cache_check.c: an entry's image against its checksum and its object's file. Returns NULL
 * if it is right, else what is wrong (a static string, details in msg). */
struct cache_check {
	unsigned long words;           /* words the file and base decide, compared */
	unsigned long written_outside; /* of them, words no relocation writes that differ from the
					  file: written at start-up by IFUNC resolvers */
};
const char *cache_check_image(const struct cache_entry *e, int entry_fd, struct cache_check *out, char *msg,
			      size_t msglen);
#endif
