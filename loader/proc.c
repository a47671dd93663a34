#include "proc.h"
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int proc_parse_maps_line(const char *line, struct mapping *m)
{
	/* 7f..-7f.. r-xp 00001000 fd:00 1234   /usr/lib/x86_64-linux-gnu/libc.so.6 */
	unsigned long start, end;
	unsigned long long offset, inode;
	char perms[8];
	int pos = 0;
	if (sscanf(line, "%lx-%lx %7s %llx %*s %llu %n", &start, &end, perms, &offset, &inode, &pos) < 5)
		return -1;
	m->start = start;
	m->end = end;
	memcpy(m->perms, perms, 4);
	m->perms[4] = 0;
	m->offset = offset;
	m->inode = inode;
	const char *p = line + pos;
	size_t len = strcspn(p, "\n");
	m->path = strndup(p, len);
	return m->path ? 0 : -1;
}

int proc_maps(pid_t pid, struct mapping **out)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/maps", (int)pid);
	FILE *f = fopen(name, "r");
	if (!f)
		return -1;
	int n = 0, cap = 64;
	struct mapping *m = malloc((size_t)cap * sizeof *m);
	char *line = NULL;
	size_t lcap = 0;
	while (m && getline(&line, &lcap, f) > 0) {
		if (n == cap) {
			cap *= 2;
			struct mapping *nm = realloc(m, (size_t)cap * sizeof *m);
			if (!nm)
				break;
			m = nm;
		}
		if (proc_parse_maps_line(line, &m[n]) == 0)
			n++;
	}
	free(line);
	fclose(f);
	*out = m;
	return m ? n : -1;
}

void proc_maps_free(struct mapping *m, int n)
{
	for (int i = 0; i < n; i++)
		free(m[i].path);
	free(m);
}

int pagemap_open(struct pagemap_reader *r, pid_t pid)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/pagemap", (int)pid);
	r->pagemap = open(name, O_RDONLY | O_CLOEXEC);
	r->kpagecount = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	r->kpageflags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	return r->pagemap < 0 ? -1 : 0;
}

void pagemap_close(struct pagemap_reader *r)
{
	if (r->pagemap >= 0)
		close(r->pagemap);
	if (r->kpagecount >= 0)
		close(r->kpagecount);
	if (r->kpageflags >= 0)
		close(r->kpageflags);
}

#define KPF_ANON 12

int pagemap_read(struct pagemap_reader *r, uintptr_t start, uintptr_t end, struct page_info *info)
{
	size_t n = (end - start) / 4096;
	uint64_t *w = malloc(n * sizeof *w);
	if (!w)
		return -1;
	ssize_t got = pread(r->pagemap, w, n * 8, (off_t)(start / 4096 * 8));
	if (got != (ssize_t)(n * 8)) {
		free(w);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct page_info *p = &info[i];
		memset(p, 0, sizeof *p);
		p->present = (w[i] >> 63) & 1;
		if (!p->present)
			continue;
		p->file = (w[i] >> 61) & 1;
		p->exclusive = (w[i] >> 56) & 1;
		p->pfn = w[i] & ((1ULL << 55) - 1);
		if (p->pfn && r->kpagecount >= 0)
			if (pread(r->kpagecount, &p->mapcount, 8, (off_t)(p->pfn * 8)) != 8)
				p->mapcount = 0;
		uint64_t flags = 0;
		if (p->pfn && r->kpageflags >= 0 && pread(r->kpageflags, &flags, 8, (off_t)(p->pfn * 8)) == 8)
			p->anon_frame = (flags >> KPF_ANON) & 1;
	}
	free(w);
	return 0;
}
