/* rtld/lib/alloc.c, built hosted (its arenas are real mappings): every size a small block can
 * have and some large ones. The first arena's blocks are exact; each block is 16-byte aligned, holds its whole size without
 * touching another block, is at most a quarter (plus one step) bigger than asked, comes back
 * for the next request of its class once freed (zeroed by rt_calloc), and keeps its bytes
 * through rt_realloc. Its lock names its holder once threads exist (fork handlers). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/alloc.c"

enum { SMALL_LIMIT = 8192 - 8, LARGE_FROM = 8193, LARGE_TOP = 20000 };

static unsigned char pattern(size_t n, size_t i) { return (unsigned char)(n * 7 + i * 13 + 1); }

static void test_every_size_aligned_and_disjoint(void **state)
{
	(void)state;
	static unsigned char *blocks[LARGE_TOP + 1];
	for (size_t n = 0; n <= LARGE_TOP; n++) {
		blocks[n] = rt_malloc(n);
		assert_non_null(blocks[n]);
		assert_int_equal((uintptr_t)blocks[n] % 16, 0);
		for (size_t i = 0; i < n; i++)
			blocks[n][i] = pattern(n, i);
	}
	for (size_t n = 0; n <= LARGE_TOP; n++) {
		for (size_t i = 0; i < n; i++)
			if (blocks[n][i] != pattern(n, i))
				fail_msg("block of %zu bytes overwritten at byte %zu", n, i);
		rt_free(blocks[n]);
	}
}

/* The first arena (the loader's own bss) carves blocks only as large as asked, rounded to 16:
 * a struct dso of 1000 bytes takes 1008, not its class's 1024. Freed, such a block serves the
 * largest class it holds (896 here), never a request larger than itself. Run first, while the
 * first arena is fresh. */
static void test_first_arena_exact(void **state)
{
	(void)state;
	char *a = rt_malloc(1000), *b = rt_malloc(1000);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(b - a, 1008);
	assert_int_equal(usable(a), 1000);
	rt_free(a);
	char *c = rt_malloc(1000);
	assert_ptr_not_equal(c, a); /* 1000 bytes do not fit the 896 class's list */
	char *d = rt_malloc(888);
	assert_ptr_equal(d, a);
	memset(d, 0x5a, 888);
	assert_int_equal((unsigned char)b[0], 0); /* b untouched */
	/* b, c, d stay allocated: freed, they would serve test_classes_are_tight's 896 class */
}

/* Two fresh blocks of one class are one block apart: at least the size asked and the word
 * before it, at most a quarter more and one 16-byte step. A struct dso (1064 bytes) and a
 * glibc link_map block (1200) lose at most 24 bytes. Run first: nothing freed yet, so every
 * block is carved afresh, one after the other. */
static void test_classes_are_tight(void **state)
{
	(void)state;
	size_t measured = 0;
	for (size_t n = 129; n <= SMALL_LIMIT; n++) {
		char *a = rt_malloc(n), *b = rt_malloc(n);
		assert_non_null(a);
		assert_non_null(b);
		ptrdiff_t d = b - a;
		if (d <= 0 || d > 8192)
			continue; /* b came from a new arena */
		measured++;
		if ((size_t)d < n + 8 || (size_t)d > (n + 8) + (n + 8) / 4 + 16)
			fail_msg("%zu bytes take a block of %td", n, d);
		if ((n == 1064 || n == 1200) && (size_t)d > n + 8 + 24)
			fail_msg("%zu bytes take a block of %td", n, d);
	}
	assert_true(measured > (SMALL_LIMIT - 129) * 9 / 10);
}

static void test_freed_block_reused_and_calloc_zeroes(void **state)
{
	(void)state;
	for (size_t n = 1; n <= SMALL_LIMIT; n += 37) {
		unsigned char *a = rt_malloc(n);
		assert_non_null(a);
		memset(a, 0xa5, n);
		rt_free(a);
		unsigned char *b = rt_calloc(1, n);
		assert_ptr_equal(a, b);
		for (size_t i = 0; i < n; i++)
			if (b[i])
				fail_msg("calloc(%zu) not zero at %zu", n, i);
		rt_free(b);
	}
}

static void test_realloc_keeps_bytes(void **state)
{
	(void)state;
	unsigned char *p = rt_malloc(1);
	assert_non_null(p);
	p[0] = pattern(0, 0);
	size_t have = 1;
	for (size_t n = 2; n <= LARGE_TOP; n = n * 3 / 2 + 1) {
		p = rt_realloc(p, n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		for (size_t i = 0; i < have; i++)
			if (p[i] != pattern(0, i))
				fail_msg("realloc to %zu lost byte %zu", n, i);
		for (size_t i = have; i < n; i++)
			p[i] = pattern(0, i);
		have = n;
	}
	rt_free(p);
}

static void test_large_blocks_unmapped(void **state)
{
	(void)state;
	size_t before = rt_alloc_mapped_bytes();
	for (size_t n = LARGE_FROM; n <= LARGE_TOP; n += 1001) {
		unsigned char *p = rt_malloc(n);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_true(rt_alloc_mapped_bytes() >= before + n);
		memset(p, 0x5a, n);
		rt_free(p);
		assert_int_equal(rt_alloc_mapped_bytes(), before);
	}
}

/* The fork handlers once threads exist. A fork from a signal handler that interrupted this
 * thread inside the allocator (simulated: the lock taken by acquire() and not released) must
 * not wait for itself: prepare leaves the lock to the interrupted call, and neither the
 * parent's nor the child's handler releases it (that call does, once the handler returns).
 * The old allocator spun in prepare for ever (alarm: the test dies). */
static void test_fork_inside_own_allocation(void **state)
{
	(void)state;
	rt_alloc_threads_started();
	uintptr_t me = (uintptr_t)__builtin_thread_pointer();
	alarm(5);
	acquire();
	assert_true(lock == me);
	rt_alloc_fork_prepare();
	rt_alloc_fork_parent();
	assert_true(lock == me);
	rt_alloc_fork_prepare();
	rt_alloc_fork_child();
	assert_true(lock == me);
	release();
	assert_true(lock == 0);
	/* An ordinary fork: prepare takes the lock, parent and child give it back. */
	rt_alloc_fork_prepare();
	assert_true(lock == me);
	rt_alloc_fork_parent();
	assert_true(lock == 0);
	rt_alloc_fork_prepare();
	rt_alloc_fork_child();
	assert_true(lock == 0);
	alarm(0);
}

/* An allocation from a signal handler that interrupted an allocation of the same thread can
 * only wait for ever: it stops the process with a message (status 127) instead. */
static void test_reentered_allocation_stops(void **state)
{
	(void)state;
	rt_alloc_threads_started();
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(5);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 2);
		acquire();
		rt_malloc(16);
		_exit(0);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 127);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_arena_exact),
		cmocka_unit_test(test_classes_are_tight),
		cmocka_unit_test(test_every_size_aligned_and_disjoint),
		cmocka_unit_test(test_freed_block_reused_and_calloc_zeroes),
		cmocka_unit_test(test_realloc_keeps_bytes),
		cmocka_unit_test(test_large_blocks_unmapped),
		cmocka_unit_test(test_fork_inside_own_allocation),
		cmocka_unit_test(test_reentered_allocation_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
