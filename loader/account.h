/* The accounting of mmld share: pure functions over pages the kernel described, unit-tested
 * in tests/unit/test_account.c.
 *   rss     resident pages summed over the processes: what N private copies would cost
 *   unique  distinct physical frames among them: what is really used
 *   saved   rss - unique
 *   private dirty  anonymous pages (copied on write, or anonymous from birth) in the object
 *   reloc dirty    those of them that the object's relocation tables write */
#ifndef MMLD_ACCOUNT_H
#define MMLD_ACCOUNT_H
#include "elfinfo.h"
#include "proc.h"

struct class_count {
	uint64_t rss, unique, private_dirty;
};

struct acct_object {
	char *name;               /* path, or [heap], [stack], [vdso], [anon] */
	uint64_t mapped;          /* pages mapped (readable), summed over processes */
	uint64_t rss, unique, private_dirty, reloc_dirty;
	struct class_count cls[CLASS_NCLASSES];
	const struct elf_info *elf;
};

struct frame_set {
	uint64_t *slots; /* open addressing; 0 = empty (frame 0 is never a page we count) */
	size_t cap, n;
};

struct acct {
	struct acct_object *obj;
	size_t nobj, capobj;
	struct frame_set frames;
	bool exact;       /* frame numbers seen: unique is exact */
	int processes;
};

void acct_init(struct acct *a);
void acct_free(struct acct *a);
/* The object named `name` (created on first use). */
size_t acct_object(struct acct *a, const char *name, const struct elf_info *elf);
/* One resident page of object `obj`, class `cls` (-1: none); reloc: its page is written by
 * a relocation of the object. */
void acct_page(struct acct *a, size_t obj, int cls, const struct page_info *p, bool reloc);
/* Smaps fallback (no frame numbers): a mapping's Rss/Pss/Private_Dirty, in pages. */
void acct_smaps(struct acct *a, size_t obj, int cls, uint64_t rss, uint64_t pss, uint64_t private_dirty);
/* Returns true if pfn was not in the set (and adds it). */
bool frame_set_add(struct frame_set *s, uint64_t pfn);
/* Totals over all objects. */
void acct_totals(const struct acct *a, struct acct_object *total);

/* What ld-mmld.so said of its objects (MMLD_OBJECTS): for memory /proc cannot name. */
struct known_object {
	uintptr_t bias, start, end;
	char *path;
};
/* Reads DIR/PID as ld-mmld.so wrote it; returns the count (0 if none), array in *out. */
int known_objects_read(const char *dir, pid_t pid, struct known_object **out);

/* Measures one process into a: its mappings, each page's object and class. `known`
 * (may be NULL) attributes anonymous mappings inside an object's span to the object. */
int acct_process(struct acct *a, pid_t pid, const struct known_object *known, int nknown);
#endif
