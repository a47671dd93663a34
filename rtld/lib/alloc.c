/* Size-class allocator on mmap.
 *
 * Every block is one word (8 bytes) before the payload, holding its size and class or, for a
 * large block mapped alone, its mapping length, then the payload, 16-byte aligned. A block is a
 * multiple of 16 bytes (so a class holds 8 bytes less), at most an eighth to a quarter
 * apart (16..128 by 16, then four to eight steps per doubling up to 8192), with steps of 64
 * where the loader's own records are: they are a few sizes that stay for the life of the
 * process (a struct dso of 1064 bytes, a glibc link_map block of 1200, the main thread's TLS
 * and control block of some 4300), and every byte rounded up is a byte of a page each
 * process has to itself (power-of-two classes gave each nearly twice its size). Freed
 * small blocks go on the free list of their class, for the next allocation of that size;
 * large blocks go back to the kernel when they are freed. Arenas themselves are never
 * returned. The first arena is not mapped: it is the end of our own .bss (.bss.heap, placed by
 * linker-scripts/ld-mmld.lds right after the data start-up writes and before .bss.rare), so
 * the first blocks fill the rest of the last page start-up's variables already made ours and
 * the pages after it, where a mapping of its own would start on a fresh page (glibc's minimal
 * malloc starts at the end of its data segment too). Blocks carved from the first arena are
 * only as large as asked (rounded to 16): start-up's records are carved there and are rarely
 * freed; one that is goes on the list of the largest class it holds, so it serves smaller
 * requests than its own, and what is lost that way is bounded by the first arena's size (the
 * later arenas carve whole class blocks, which come back for their own size). Memory carved from an arena for the
 * first time is still the kernel's zero fill: rt_calloc does not clear it again.
 *
 * The lock. Threads reach us from everywhere (dlopen and dlclose under LOCK_LOAD, libc's
 * pthread_create for a new thread's DTV, __tls_get_addr growing one, the lazy-binding
 * fix-up), so every call holds `lock`, a spinlock: critical sections are a few loads and
 * stores or one mmap/munmap, nothing is called while holding it, and it is the innermost
 * lock of all (rtld/lock.c). fork: the personality's fork handlers take it before fork
 * (rt_alloc_fork_prepare, after every other loader lock) and release it in the parent; the
 * child, where the thread that might have held it does not exist, starts with it free and
 * the lists consistent (rt_alloc_fork_child).
 * Once a second thread exists (rt_alloc_threads_started) the lock word holds its holder's
 * thread pointer, so a fork from a signal handler that interrupted this very thread inside
 * the allocator does not wait for itself: the interrupted call keeps the lock and finishes
 * after the handler returns, in the parent and in the child alike; and an allocation from such
 * a handler, which could only wait for ever, stops with a message. Under valgrind, acquire and
 * release also tell drd and helgrind that the lock orders the threads (lib/tools.h): a block
 * one thread frees and another gets is not a race. */
#include "alloc.h"
#include "string.h"
#include "syscall.h"
#include "tools.h"
#include <stdbool.h>
#include <stdint.h>

#define NCLASSES 43
#define ARENA_SIZE (256 * 1024)
#define FIRST_ARENA_SIZE (64 * 1024)
#define WORD 8

/* Untouched until carved: pages of it no allocation reached are never faulted in. */
static char first_arena[FIRST_ARENA_SIZE] __attribute__((section(".bss.heap"), aligned(16)));

/* Block bytes of each class; the payload is WORD less. */
static const unsigned short class_block[NCLASSES] = {
	16,   32,   48,   64,   80,   96,   112,  128,  160,  192,  224,  256,  288,  320,  384,
	448,  512,  576,  640,  768,  896,  1024, 1088, 1152, 1216, 1280, 1408, 1536, 1664, 1792,
	1920, 2048, 2304, 2560, 3072, 3584, 4096, 4352, 4608, 5120, 6144, 7168, 8192,
};
#define SMALL_MAX (8192 - WORD)

/* The word before a payload: for a small block, its block bytes (a multiple of 16) | SMALL;
 * else a large block's mapping length, a multiple of the page size. A large block's payload
 * starts 16 bytes into its mapping. */
#define SMALL 8
static size_t *word_of(void *p) { return (size_t *)p - 1; }
static bool is_large(size_t w) { return !(w & SMALL); }
static size_t word_block(size_t w) { return w & ~(size_t)SMALL; }

struct free_block {
	struct free_block *next;
};

static struct free_block *free_lists[NCLASSES];
/* 0: free; else its holder: a thread pointer, or 1 while there is one thread (which may not
 * have a thread pointer yet). */
static volatile uintptr_t lock;
/* 0: one thread; THREADED: holders named by thread pointer; TOOLS too: under valgrind. */
enum { THREADED = 1, TOOLS = 2 };
static unsigned char lock_mode;

static uintptr_t holder_id(void)
{
	if (!lock_mode)
		return 1;
	/* An asm the compiler cannot hoist: %fs:0 faults before the thread pointer is set. */
	uintptr_t tp;
	__asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}

static void reentered(void)
{
	static const char msg[] = "ld-mmld.so: the loader's allocator was called from a signal handler that "
				  "interrupted it; stopping instead of waiting for ever\n";
	sys_write(2, msg, sizeof msg - 1);
	sys_exit_group(127);
}

/* Out of line: start-up (one thread, no valgrind) never comes here. */
__attribute__((noinline, cold)) static void wait_for_lock(uintptr_t me)
{
	uintptr_t seen = 0;
	while (!__atomic_compare_exchange_n(&lock, &seen, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		if (seen == me && me != 1)
			reentered();
		while ((seen = __atomic_load_n(&lock, __ATOMIC_RELAXED)) != 0 && seen != me)
			__builtin_ia32_pause();
		seen = 0;
	}
}
__attribute__((noinline, cold)) static void tell_tools(uintptr_t request)
{
	tool_request(request, (uintptr_t)&lock, 0);
}

__attribute__((always_inline)) static inline void acquire(void)
{
	uintptr_t me = holder_id(), free_ = 0;
	if (__builtin_expect(!__atomic_compare_exchange_n(&lock, &free_, me, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED), 0))
		wait_for_lock(me);
	if (__builtin_expect(lock_mode & TOOLS, 0))
		tell_tools(TOOL_HAPPENS_AFTER);
}
__attribute__((always_inline)) static inline void release(void)
{
	if (__builtin_expect(lock_mode & TOOLS, 0))
		tell_tools(TOOL_HAPPENS_BEFORE);
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}
static void *malloc_locked(size_t n, bool *fresh);
static void free_locked(void *p);
static char *arena_cur = first_arena + WORD, *arena_end = first_arena + FIRST_ARENA_SIZE;
static bool carve_exact = true; /* while carving from the first arena */
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
	size_t b = n + WORD; /* the block it needs */
	if (b <= 128)
		return n > WORD ? (int)((n - WORD + 15) / 16) : 0;
	/* The first class of b's doubling, (128, 256] to (4096, 8192], then a few steps. */
	static const unsigned char doubling_first[6] = {8, 12, 17, 22, 32, 37};
	int c = doubling_first[63 - __builtin_clzll(b - 1) - 7];
	while (class_block[c] < b)
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
		size_t len = (n + 2 * WORD + 4095) & ~(size_t)4095;
		char *m = map_anon(len);
		if (!m)
			return NULL;
		*word_of(m + 2 * WORD) = len;
		return m + 2 * WORD;
	}
	int c = class_of(n);
	if (free_lists[c]) {
		struct free_block *b = free_lists[c];
		free_lists[c] = b->next;
		*fresh = false;
		return b;
	}
	size_t need = carve_exact ? (n + WORD + 15) & ~(size_t)15 : class_block[c];
	if ((size_t)(arena_end - arena_cur) < need) {
		carve_exact = false; /* the first arena is used up */
		need = class_block[c];
		char *a = map_anon(ARENA_SIZE);
		if (!a)
			return NULL;
		arena_cur = a + WORD; /* so that every payload is 16-byte aligned */
		arena_end = a + ARENA_SIZE;
	}
	char *p = arena_cur + WORD;
	arena_cur += need;
	*word_of(p) = need | SMALL;
	return p;
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

static size_t usable(void *p)
{
	size_t w = *word_of(p);
	return is_large(w) ? w - 2 * WORD : word_block(w) - WORD;
}

static void free_locked(void *p)
{
	size_t w = *word_of(p);
	if (is_large(w)) {
		mapped_bytes -= w;
		sys_munmap((char *)p - 2 * WORD, w);
		return;
	}
	/* The list of the largest class the block holds: its own, but for an exact block of the
	 * first arena, which may be below its class (then it holds the one before). */
	size_t block = word_block(w);
	int c = class_of(block - WORD);
	if (class_block[c] > block)
		c--;
	struct free_block *b = p;
	b->next = free_lists[c];
	free_lists[c] = b;
}

void *rt_realloc(void *p, size_t n)
{
	if (!p)
		return rt_malloc(n);
	size_t have = usable(p);
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

void rt_alloc_threads_started(void)
{
	if (lock_mode)
		return;
	lock_mode = THREADED | (tool_running() ? TOOLS : 0);
	if (lock_mode & TOOLS) /* drd: no "after" before a first "before" */
		tell_tools(TOOL_HAPPENS_BEFORE);
}

/* Whether this fork took the lock (not when it interrupted its own thread's allocation).
 * Written and read while the lock is held, by this fork or by the call it interrupted. */
static bool fork_took_lock;

void rt_alloc_fork_prepare(void)
{
	if (lock_mode && __atomic_load_n(&lock, __ATOMIC_RELAXED) == holder_id()) {
		fork_took_lock = false;
		return;
	}
	acquire();
	fork_took_lock = true;
}
void rt_alloc_fork_parent(void)
{
	if (fork_took_lock)
		release();
}
void rt_alloc_fork_child(void)
{
	/* The child's one thread is the forking one, under the same thread pointer: a lock its
	 * interrupted call holds stays held until that call finishes. */
	if (fork_took_lock)
		__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}
