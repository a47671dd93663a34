/* Readers of /proc: a process's mappings, and what the kernel says of each page. */
#ifndef MMLD_PROC_H
#define MMLD_PROC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct mapping {
	uintptr_t start, end;
	char perms[5];
	uint64_t offset;
	uint64_t inode;
	char *path; /* "" for anonymous; "[heap]", "[stack]", "[vdso]"... */
};

/* Parses /proc/PID/maps. Returns the number of mappings (malloc'ed array in *out), -1 on error. */
int proc_maps(pid_t pid, struct mapping **out);
void proc_maps_free(struct mapping *m, int n);
/* Parses one line of /proc/PID/maps into m (path strdup'ed). 0 on success. */
int proc_parse_maps_line(const char *line, struct mapping *m);

/* One page as the kernel describes it. */
struct page_info {
	bool present;
	bool file;       /* a page-cache page (pagemap bit 61); present and not file: anonymous */
	bool exclusive;  /* mapped by this process only (bit 56) */
	uint64_t pfn;    /* 0 unless we may see frame numbers (CAP_SYS_ADMIN) */
	uint64_t mapcount;
	bool anon_frame; /* kpageflags: KPF_ANON */
};

struct pagemap_reader {
	int pagemap, kpagecount, kpageflags;
};
int pagemap_open(struct pagemap_reader *r, pid_t pid);
void pagemap_close(struct pagemap_reader *r);
/* Fills info[] for the pages of [start, end). Returns 0, or -1 if pagemap could not be read. */
int pagemap_read(struct pagemap_reader *r, uintptr_t start, uintptr_t end, struct page_info *info);
#endif
