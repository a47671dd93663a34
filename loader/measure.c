/* One process, page by page: which object and segment class each resident page belongs to,
 * and what the kernel says of it (present, anonymous, frame number). */
#include "account.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ANON_PREFIX "[anon:mmld:"

/* The ELF object a mapping is part of: its file, or (MMLD_LOAD=read) the file ld-mmld.so
 * named the anonymous copy after. NULL if neither. */
static const char *object_path(const struct mapping *m, char *buf, size_t len)
{
	if (m->path[0] == '/')
		return m->path;
	if (strncmp(m->path, ANON_PREFIX, strlen(ANON_PREFIX)) == 0) {
		snprintf(buf, len, "%s", m->path + strlen(ANON_PREFIX));
		buf[strcspn(buf, "]")] = 0;
		return buf;
	}
	return NULL;
}

struct proc_object {
	const char *path;
	struct elf_info *e;
	uintptr_t bias;
};

/* The object whose span (as ld-mmld.so reported it) holds address addr. */
static struct proc_object *known_owner(const struct known_object *known, int nknown, uintptr_t addr,
				       struct proc_object *po, int *npo, int cap)
{
	for (int i = 0; i < nknown; i++) {
		if (addr < known[i].start || addr >= known[i].end || known[i].path[0] != '/')
			continue;
		for (int k = 0; k < *npo; k++)
			if (strcmp(po[k].path, known[i].path) == 0)
				return &po[k];
		if (*npo >= cap)
			return NULL;
		po[*npo].path = strdup(known[i].path);
		po[*npo].e = elfinfo_get(known[i].path);
		po[*npo].bias = known[i].bias;
		return &po[(*npo)++];
	}
	return NULL;
}

/* smaps of one mapping (for Pss when frame numbers are hidden). */
static void smaps_values(pid_t pid, uintptr_t start, uint64_t *pss_pages)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/smaps", (int)pid);
	FILE *f = fopen(name, "r");
	*pss_pages = 0;
	if (!f)
		return;
	char line[512];
	bool in = false;
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2 && strchr(line, '-') && line[0] != ' ' &&
		    (line[0] >= '0' && line[0] <= 'f')) {
			if (in)
				break;
			in = s == start;
			continue;
		}
		unsigned long kb;
		if (in && sscanf(line, "Pss: %lu kB", &kb) == 1)
			*pss_pages = kb / 4;
	}
	fclose(f);
}

int known_objects_read(const char *dir, pid_t pid, struct known_object **out)
{
	char name[4096];
	snprintf(name, sizeof name, "%s/%d", dir, (int)pid);
	FILE *f = fopen(name, "r");
	*out = NULL;
	if (!f)
		return 0;
	int n = 0;
	struct known_object *k = NULL;
	unsigned long bias, start, len;
	char path[4096];
	while (fscanf(f, "%lx %lx %lx %4095[^\n]\n", &bias, &start, &len, path) == 4) {
		/* /proc names files by their canonical path (/usr/lib/..., not /lib/...). */
		char real[4096];
		k = realloc(k, (size_t)(n + 1) * sizeof *k);
		k[n] = (struct known_object){bias, start, start + len, strdup(realpath(path, real) ? real : path)};
		n++;
	}
	fclose(f);
	*out = k;
	return n;
}

int acct_process(struct acct *a, pid_t pid, const struct known_object *known, int nknown)
{
	struct mapping *m;
	int n = proc_maps(pid, &m);
	if (n < 0)
		return -1;
	struct pagemap_reader pr;
	if (pagemap_open(&pr, pid) < 0) {
		proc_maps_free(m, n);
		return -1;
	}
	a->processes++;
	/* Pass 1: each object's load bias in this process. */
	struct proc_object *po = calloc((size_t)(n + nknown) + 1, sizeof *po);
	int npo = 0;
	char buf[4096];
	for (int i = 0; i < n; i++) {
		const char *path = object_path(&m[i], buf, sizeof buf);
		if (!path)
			continue;
		int k = 0;
		while (k < npo && strcmp(po[k].path, path) != 0)
			k++;
		if (k == npo) {
			po[npo].path = strdup(path);
			po[npo].e = elfinfo_get(path);
			po[npo].bias = UINTPTR_MAX;
			npo++;
		}
		if (m[i].start < po[k].bias)
			po[k].bias = m[i].start;
	}
	for (int k = 0; k < npo; k++)
		if (po[k].e->ok)
			po[k].bias -= elfinfo_first_page(po[k].e);

	/* Pass 2: every page. */
	struct proc_object *prev = NULL;
	uintptr_t prev_end = 0;
	for (int i = 0; i < n; i++) {
		struct mapping *mp = &m[i];
		const char *path = object_path(mp, buf, sizeof buf);
		struct proc_object *owner = NULL;
		const char *name;
		if (path) {
			for (int k = 0; k < npo; k++)
				if (strcmp(po[k].path, path) == 0)
					owner = &po[k];
			name = path;
		} else if (!mp->path[0] && prev && prev->e->ok && mp->start == prev_end &&
			   elfinfo_class(prev->e, mp->start - prev->bias) >= 0) {
			owner = prev; /* bss beyond the last file page */
			name = prev->path;
		} else if (mp->path[0] == '[' && strncmp(mp->path, "[anon:", 6) != 0)
			name = mp->path; /* [heap] [stack] [vdso] [vvar] */
		else
			name = "[anon]";
		const struct elf_info *e = owner && owner->e->ok ? owner->e : NULL;
		size_t obj = acct_object(a, name, e);
		size_t npages = (mp->end - mp->start) / 4096;
		if (mp->perms[0] == 'r' || mp->perms[2] == 'x')
			a->obj[obj].mapped += npages;
		struct page_info *info = malloc(npages * sizeof *info);
		if (info && pagemap_read(&pr, mp->start, mp->end, info) == 0) {
			bool any_pfn = false;
			for (size_t p = 0; p < npages; p++) {
				uintptr_t addr = mp->start + p * 4096;
				struct proc_object *kown;
				if (!mp->path[0] && nknown && info[p].present &&
				    (kown = known_owner(known, nknown, addr, po, &npo, n + nknown))) {
					/* A copy ld-mmld.so made with read() (MMLD_LOAD=read): its object. */
					const struct elf_info *ke = kown->e->ok ? kown->e : NULL;
					size_t kobj = acct_object(a, kown->path, ke);
					int kcls = ke ? elfinfo_class(ke, addr - kown->bias) : -1;
					acct_page(a, kobj, kcls, &info[p],
						  ke && elfinfo_reloc_page(ke, (addr - kown->bias) & ~4095ULL));
					a->obj[kobj].mapped++;
					any_pfn |= info[p].pfn != 0;
					continue;
				}
				int cls = e ? elfinfo_class(e, addr - owner->bias) : -1;
				if (cls < 0 && e)
					cls = -1;
				if (cls < 0 && !e && path)
					cls = mp->perms[1] == 'w' ? CLASS_DATA : CLASS_RODATA; /* a data file */
				bool reloc = e && elfinfo_reloc_page(e, (addr - owner->bias) & ~4095ULL);
				acct_page(a, obj, cls, &info[p], reloc);
				any_pfn |= info[p].pfn != 0;
			}
			/* No frame numbers (not CAP_SYS_ADMIN): unique from smaps' Pss instead. */
			bool resident = false;
			for (size_t p = 0; p < npages && !resident; p++)
				resident = info[p].present;
			if (resident && !any_pfn) {
				uint64_t pss;
				smaps_values(pid, mp->start, &pss);
				int cls = e ? elfinfo_class(e, mp->start - owner->bias) : -1;
				acct_smaps(a, obj, cls, 0, pss, 0);
			}
		}
		free(info);
		if (owner) {
			prev = owner;
			prev_end = mp->end;
		} else if (mp->path[0]) {
			prev = NULL;
		}
	}
	for (int k = 0; k < npo; k++)
		free((char *)po[k].path);
	free(po);
	pagemap_close(&pr);
	proc_maps_free(m, n);
	return 0;
}
