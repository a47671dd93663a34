/* Readers of /proc: a process's mappings, its pagemap, the kernel's per-frame map counts and
 * smaps, each read in large batches (a whole file in one read loop, pagemap a span of
 * mappings at a time, kpagecount a window of neighbouring frames at a time). */
#ifndef MMLD_PROC_H
#define MMLD_PROC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads all of the file at path into *buf (grown as needed, NUL-terminated). Returns its
 * length, or -1 with errno set. */
ssize_t proc_read_all(const char *path, char **buf, size_t *cap);

struct mapping {
	uintptr_t start, end;
	char perms[5];
	uint64_t offset;
	uint64_t dev;   /* the file's device, as stat's st_dev (makedev of maps' major:minor) */
	uint64_t inode;
	char *path; /* as /proc/PID/maps shows it: "" for anonymous; "[heap]", "[stack]", "[vdso]"... */
};

/* The value of auxiliary vector entry `type` (AT_BASE, AT_ENTRY) of pid, from
 * /proc/PID/auxv; 0 if it has none or cannot be read. */
unsigned long proc_auxv(pid_t pid, unsigned long type);

/* Parses /proc/PID/maps. Returns the number of mappings (malloc'ed array in *out), -1 on error. */
int proc_maps(pid_t pid, struct mapping **out);
/* Parses the text of a maps file (n mappings, array in *out); -1 if out of memory. */
int proc_parse_maps(char *text, struct mapping **out);
void proc_maps_free(struct mapping *m, int n);
/* Parses one line of /proc/PID/maps into m (path strdup'ed). 0 on success. */
int proc_parse_maps_line(const char *line, struct mapping *m);

/* A pagemap entry (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_FILE (1ULL << 61)      /* page cache or shared anonymous; clear: a private anonymous page */
#define PM_EXCLUSIVE (1ULL << 56) /* mapped exactly once */
#define PM_PFN_MASK ((1ULL << 55) - 1) /* 0 without CAP_SYS_ADMIN */

struct pagemap_reader {
	int fd;
	uint64_t *words;
	size_t cap;
};
int pagemap_open(struct pagemap_reader *r, pid_t pid);
void pagemap_close(struct pagemap_reader *r);
/* The entries of the pages of [start, end), in one pread; NULL if it could not be read (the
 * process exited). Valid until the next call. */
const uint64_t *pagemap_words(struct pagemap_reader *r, uintptr_t start, uintptr_t end);

/* Physical frames seen in this measurement: each one's map count (kpagecount, read once per
 * frame for all processes) and whether a page of it has been counted yet. */
struct frame {
	uint64_t pfn; /* 0: empty slot (frame 0 is never a page we count) */
	uint32_t mapcount;
	bool counted;
};
struct frame_table {
	struct frame *slots; /* open addressing */
	size_t cap, n;
	int kpagecount;      /* -1 if it cannot be read */
	uint64_t reads;      /* preads of kpagecount, for the benchmark */
};
/* kpagecount_path: normally "/proc/kpagecount" (tests pass a file of their own). */
void frame_table_init(struct frame_table *t, const char *kpagecount_path);
void frame_table_free(struct frame_table *t);
/* The frame pfn, added (map count unknown, 0) if new. */
struct frame *frame_table_get(struct frame_table *t, uint64_t pfn);
/* Reads the map counts of the frames of the present entries of words[0..n) that are not in the
 * table yet: sorted, in windows of neighbouring frames, one pread per window. */
void frame_table_fill(struct frame_table *t, const uint64_t *words, size_t n);

/* Per mapping, what smaps says (KiB): the fallback without frame numbers, and swap. */
struct smaps_entry {
	uintptr_t start;
	uint64_t rss, pss, private_clean, private_dirty, swap, swap_pss;
};
/* Parses /proc/PID/smaps; returns the count (array in *out), -1 if it cannot be read. */
int proc_smaps(pid_t pid, struct smaps_entry **out);
/* Parses the text of an smaps file. */
int proc_parse_smaps(const char *text, struct smaps_entry **out);
#endif
