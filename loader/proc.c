#include "proc.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/sysmacros.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t proc_read_all(const char *path, char **buf, size_t *cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	size_t len = 0;
	for (;;) {
		if (*cap - len < 65536) {
			size_t ncap = *cap < 65536 ? 262144 : *cap * 2;
			char *nb = realloc(*buf, ncap);
			if (!nb) {
				close(fd);
				errno = ENOMEM;
				return -1;
			}
			*buf = nb;
			*cap = ncap;
		}
		ssize_t got = read(fd, *buf + len, *cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	(*buf)[len] = 0;
	return (ssize_t)len;
}

/* Hexadecimal and decimal fields of a maps line, without sscanf (it is the hot loop of --all). */
static const char *hex(const char *p, uint64_t *v)
{
	uint64_t x = 0;
	const char *s = p;
	for (;; p++) {
		unsigned c = (unsigned char)*p;
		if (c - '0' < 10)
			x = x * 16 + (c - '0');
		else if ((c | 32) - 'a' < 6)
			x = x * 16 + ((c | 32) - 'a' + 10);
		else
			break;
	}
	*v = x;
	return p == s ? NULL : p;
}

static const char *dec(const char *p, uint64_t *v)
{
	uint64_t x = 0;
	const char *s = p;
	for (; (unsigned)(*p - '0') < 10; p++)
		x = x * 10 + (uint64_t)(*p - '0');
	*v = x;
	return p == s ? NULL : p;
}

/* 7f..-7f.. r-xp 00001000 fd:00 1234   /usr/lib/x86_64-linux-gnu/libc.so.6
 * Returns the end of the line, or NULL if it is not a maps line. path points into the line. */
static const char *parse_line(const char *p, struct mapping *m, const char **path, size_t *pathlen)
{
	uint64_t start, end, offset, major, minor, inode;
	if (!(p = hex(p, &start)) || *p++ != '-' || !(p = hex(p, &end)) || *p++ != ' ')
		return NULL;
	for (int i = 0; i < 4; i++, p++) {
		if (!*p || *p == ' ')
			return NULL;
		m->perms[i] = *p;
	}
	m->perms[4] = 0;
	if (*p++ != ' ' || !(p = hex(p, &offset)) || *p++ != ' ' || !(p = hex(p, &major)) || *p++ != ':' ||
	    !(p = hex(p, &minor)) || *p++ != ' ' || !(p = dec(p, &inode)))
		return NULL;
	while (*p == ' ')
		p++;
	*path = p;
	while (*p && *p != '\n')
		p++;
	*pathlen = (size_t)(p - *path);
	m->start = start;
	m->end = end;
	m->offset = offset;
	m->dev = makedev(major, minor);
	m->inode = inode;
	return p;
}

int proc_parse_maps_line(const char *line, struct mapping *m)
{
	const char *path;
	size_t len;
	if (!parse_line(line, m, &path, &len))
		return -1;
	m->path = strndup(path, len);
	return m->path ? 0 : -1;
}

int proc_parse_maps(char *text, struct mapping **out)
{
	int n = 0, cap = 64;
	struct mapping *m = malloc((size_t)cap * sizeof *m);
	for (const char *p = text; m && *p;) {
		if (n == cap) {
			cap *= 2;
			struct mapping *nm = realloc(m, (size_t)cap * sizeof *m);
			if (!nm) {
				proc_maps_free(m, n);
				return -1;
			}
			m = nm;
		}
		const char *path;
		size_t len;
		const char *end = parse_line(p, &m[n], &path, &len);
		if (end && (m[n].path = strndup(path, len)))
			n++;
		else
			end = p + strcspn(p, "\n");
		p = *end ? end + 1 : end;
	}
	*out = m;
	return m ? n : -1;
}

int proc_maps(pid_t pid, struct mapping **out)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/maps", (int)pid);
	static char *buf;
	static size_t cap;
	if (proc_read_all(name, &buf, &cap) < 0)
		return -1;
	return proc_parse_maps(buf, out);
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
	r->words = NULL;
	r->cap = 0;
	r->fd = open(name, O_RDONLY | O_CLOEXEC);
	return r->fd < 0 ? -1 : 0;
}

void pagemap_close(struct pagemap_reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	free(r->words);
	r->fd = -1;
	r->words = NULL;
}

const uint64_t *pagemap_words(struct pagemap_reader *r, uintptr_t start, uintptr_t end)
{
	size_t n = (end - start) / 4096;
	if (n > r->cap) {
		uint64_t *w = realloc(r->words, n * sizeof *w);
		if (!w)
			return NULL;
		r->words = w;
		r->cap = n;
	}
	size_t done = 0;
	while (done < n) {
		ssize_t got = pread(r->fd, (char *)r->words + done * 8, (n - done) * 8, (off_t)((start / 4096 + done) * 8));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || got % 8)
			return NULL;
		done += (size_t)got / 8;
	}
	return r->words;
}

void frame_table_init(struct frame_table *t, const char *kpagecount_path)
{
	memset(t, 0, sizeof *t);
	t->kpagecount = open(kpagecount_path, O_RDONLY | O_CLOEXEC);
}

void frame_table_free(struct frame_table *t)
{
	if (t->kpagecount >= 0)
		close(t->kpagecount);
	free(t->slots);
	memset(t, 0, sizeof *t);
	t->kpagecount = -1;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static void frame_table_grow(struct frame_table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 65536;
	struct frame *slots = calloc(cap, sizeof *slots);
	if (!slots) {
		fprintf(stderr, "mmld share: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].pfn)
			for (size_t j = mix(t->slots[i].pfn) & (cap - 1);; j = (j + 1) & (cap - 1))
				if (!slots[j].pfn) {
					slots[j] = t->slots[i];
					break;
				}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

/* The slot of pfn: its frame, or the empty slot where it would go. */
static struct frame *slot(const struct frame_table *t, uint64_t pfn)
{
	for (size_t j = mix(pfn) & (t->cap - 1);; j = (j + 1) & (t->cap - 1))
		if (t->slots[j].pfn == pfn || !t->slots[j].pfn)
			return &t->slots[j];
}

struct frame *frame_table_get(struct frame_table *t, uint64_t pfn)
{
	if ((t->n + 1) * 2 > t->cap)
		frame_table_grow(t);
	struct frame *f = slot(t, pfn);
	if (!f->pfn) {
		f->pfn = pfn;
		t->n++;
	}
	return f;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Neighbouring frames closer than this are read in one pread, the gap with them. */
#define WINDOW_GAP 64
#define WINDOW_MAX 8192

static void read_window(struct frame_table *t, const uint64_t *pfn, size_t n, uint64_t *buf)
{
	uint64_t first = pfn[0], count = pfn[n - 1] - first + 1;
	ssize_t got = pread(t->kpagecount, buf, count * 8, (off_t)(first * 8));
	t->reads++;
	for (size_t i = 0; i < n; i++) {
		uint64_t k = pfn[i] - first;
		struct frame *f = frame_table_get(t, pfn[i]);
		f->mapcount = got >= (ssize_t)((k + 1) * 8) ? (uint32_t)buf[k] : 0;
	}
}

void frame_table_fill(struct frame_table *t, const uint64_t *words, size_t n)
{
	if (t->kpagecount < 0)
		return;
	uint64_t *want = malloc((n + 1) * sizeof *want);
	size_t nw = 0;
	for (size_t i = 0; want && i < n; i++) {
		uint64_t pfn = words[i] & PM_PFN_MASK;
		if (!(words[i] & PM_PRESENT) || !pfn)
			continue;
		if (t->cap && slot(t, pfn)->pfn == pfn)
			continue;
		want[nw++] = pfn;
	}
	if (!nw) {
		free(want);
		return;
	}
	qsort(want, nw, sizeof *want, cmp_u64);
	size_t u = 1;
	for (size_t i = 1; i < nw; i++)
		if (want[i] != want[u - 1])
			want[u++] = want[i];
	uint64_t *buf = malloc(WINDOW_MAX * 8);
	for (size_t i = 0; buf && i < u;) {
		size_t j = i + 1;
		while (j < u && want[j] - want[j - 1] <= WINDOW_GAP && want[j] - want[i] < WINDOW_MAX)
			j++;
		read_window(t, want + i, j - i, buf);
		i = j;
	}
	free(buf);
	free(want);
}

/* "Rss:      1234 kB" at line start: the number, if the line is the field `key`. */
static bool field(const char *line, const char *key, size_t klen, uint64_t *v)
{
	if (strncmp(line, key, klen) != 0)
		return false;
	const char *p = line + klen;
	while (*p == ' ')
		p++;
	return dec(p, v) != NULL;
}

int proc_parse_smaps(const char *text, struct smaps_entry **out)
{
	int n = 0, cap = 0;
	struct smaps_entry *e = NULL;
	for (const char *p = text; *p;) {
		const char *eol = p + strcspn(p, "\n");
		struct mapping m;
		const char *path;
		size_t len;
		uint64_t v;
		if (parse_line(p, &m, &path, &len)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				struct smaps_entry *ne = realloc(e, (size_t)cap * sizeof *e);
				if (!ne) {
					free(e);
					return -1;
				}
				e = ne;
			}
			memset(&e[n], 0, sizeof e[n]);
			e[n++].start = m.start;
		} else if (n > 0) {
			struct smaps_entry *c = &e[n - 1];
			if (field(p, "Rss:", 4, &v))
				c->rss = v;
			else if (field(p, "Pss:", 4, &v))
				c->pss = v;
			else if (field(p, "Private_Clean:", 14, &v))
				c->private_clean = v;
			else if (field(p, "Private_Dirty:", 14, &v))
				c->private_dirty = v;
			else if (field(p, "Swap:", 5, &v))
				c->swap = v;
			else if (field(p, "SwapPss:", 8, &v))
				c->swap_pss = v;
		}
		p = *eol ? eol + 1 : eol;
	}
	*out = e;
	return n;
}

int proc_smaps(pid_t pid, struct smaps_entry **out)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/smaps", (int)pid);
	static char *buf;
	static size_t cap;
	if (proc_read_all(name, &buf, &cap) < 0)
		return -1;
	return proc_parse_smaps(buf, out);
}

unsigned long proc_auxv(pid_t pid, unsigned long type)
{
	char name[64];
	snprintf(name, sizeof name, "/proc/%d/auxv", (int)pid);
	FILE *f = fopen(name, "r");
	unsigned long v[2], value = 0;
	while (f && fread(v, sizeof v, 1, f) == 1 && v[0])
		if (v[0] == type)
			value = v[1];
	if (f)
		fclose(f);
	return value;
}
