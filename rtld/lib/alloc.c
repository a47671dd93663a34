/* Size-class allocator on mmap.
 *
 * Every block has a 16-byte header holding its class or, for a large block mapped alone, its
 * mapping length. Classes are multiples of 16 bytes, at most an eighth to a quarter apart
 * (16..128 by 16, then four or eight steps per doubling up to 8192): the loader's records are
 * a few sizes that stay for the life of the process (a struct dso of 1064 bytes, a glibc
 * link_map block of 1200), and power-of-two classes gave each nearly twice its size. Freed
 * small blocks go on the free list of their class, for the next allocation of that size;
 * large blocks go back to the kernel when they are freed. Arenas themselves are never
 * returned. Memory carved from an arena for the first time is still the kernel's zero fill:
 * rt_calloc does not clear it again.
 *
 * The lock. Threads reach us from everywhere (dlopen and dlclose under LOCK_LOAD, libc's
 * pthread_create for a new thread's DTV, __tls_get_addr growing one, the lazy-binding
 * fix-up), so every call holds `lock`, a spinlock: critical sections are a few loads and
 * stores or one mmap/munmap, nothing is called while holding it, and it is the innermost
 * lock of all (rtld/lock.c). fork: the personality's fork handlers take it before fork
 * (rt_alloc_fork_prepare, after every other loader lock) and release it in the parent; the
 * child, where the thread that might have held it does not exist, starts with it free and
 * the lists consistent (rt_alloc_fork_child). */
#include "alloc.h"
#include "string.h"
#include "syscall.h"
#include <stdbool.h>
#include <stdint.h>

#define NCLASSES 36
#define ARENA_SIZE (256 * 1024)

/* Payload bytes of each class (the main thread's TLS and thread control block, a little over
 * 4 KiB, come from an arena too). */
static const unsigned short class_size[NCLASSES] = {
	16,   32,   48,   64,   80,   96,   112,  128,  160,  192,  224,  256,  320,  384,  448,  512,  640,  768,
	896,  1024, 1152, 1280, 1408, 1536, 1664, 1792, 1920, 2048, 2560, 3072, 3584, 4096, 5120, 6144, 7168, 8192,
};
#define SMALL_MAX 8192

struct header {
	size_t size_or_class; /* class index, or mapping length for large blocks */
	size_t large;
};

struct free_block {
	struct free_block *next;
};

static struct free_block *free_lists[NCLASSES];
static volatile int lock;

static void acquire(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}
static void release(void) { __atomic_store_n(&lock, 0, __ATOMIC_RELEASE); }
static void *malloc_locked(size_t n, bool *fresh);
static void free_locked(void *p);
static char *arena_cur, *arena_end;
static size_t mapped_bytes;

static void *map_anon(size_t len)
{
	long r = sys_mmap(NULL, len, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
	if (mmap_failed(r))
		return NULL;
	mapped_bytes += len;
	return (void *)r;
}

static int class_of(size_t n)
{
	if (n <= 128)
		return n ? (int)((n - 1) / 16) : 0;
	int c = 8;
	while (class_size[c] < n)
		c++;
	return c;
}

/* *fresh: the block was never handed out before (an arena's zero fill). */
static void *malloc_locked(size_t n, bool *fresh)
{
	*fresh = true;
	if (n > SMALL_MAX) {
		if (n > SIZE_MAX / 2)
			return NULL;
		size_t len = (n + sizeof(struct header) + 4095) & ~(size_t)4095;
		struct header *h = map_anon(len);
		if (!h)
			return NULL;
		h->size_or_class = len;
		h->large = 1;
		return h + 1;
	}
	int c = class_of(n);
	if (free_lists[c]) {
		struct free_block *b = free_lists[c];
		free_lists[c] = b->next;
		*fresh = false;
		return b;
	}
	size_t need = sizeof(struct header) + class_size[c];
	if (!arena_cur || (size_t)(arena_end - arena_cur) < need) {
		char *a = map_anon(ARENA_SIZE);
		if (!a)
			return NULL;
		arena_cur = a;
		arena_end = a + ARENA_SIZE;
	}
	struct header *h = (struct header *)arena_cur;
	arena_cur += need;
	h->size_or_class = (size_t)c;
	h->large = 0;
	return h + 1;
}

void *rt_malloc(size_t n)
{
	bool fresh;
	acquire();
	void *p = malloc_locked(n, &fresh);
	release();
	return p;
}

void rt_free(void *p)
{
	if (!p)
		return;
	acquire();
	free_locked(p);
	release();
}

void *rt_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	bool fresh;
	acquire();
	void *p = malloc_locked(count * size, &fresh);
	release();
	/* Never handed out before, it is still zero: touching it would only fault it in. */
	if (p && !fresh)
		memset(p, 0, count * size);
	return p;
}

static size_t usable(struct header *h)
{
	return h->large ? h->size_or_class - sizeof *h : class_size[h->size_or_class];
}

static void free_locked(void *p)
{
	struct header *h = (struct header *)p - 1;
	if (h->large) {
		mapped_bytes -= h->size_or_class;
		sys_munmap(h, h->size_or_class);
		return;
	}
	struct free_block *b = p;
	b->next = free_lists[h->size_or_class];
	free_lists[h->size_or_class] = b;
}

void *rt_realloc(void *p, size_t n)
{
	if (!p)
		return rt_malloc(n);
	struct header *h = (struct header *)p - 1;
	size_t have = usable(h);
	if (n <= have)
		return p;
	void *q = rt_malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, have);
	rt_free(p);
	return q;
}

size_t rt_alloc_mapped_bytes(void) { return mapped_bytes; }

void rt_alloc_fork_prepare(void) { acquire(); }
void rt_alloc_fork_parent(void) { release(); }
void rt_alloc_fork_child(void) { __atomic_store_n(&lock, 0, __ATOMIC_RELEASE); }
