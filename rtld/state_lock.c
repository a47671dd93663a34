/* LOCK_STATE (rtld/lock.c: held while the loader's data changes; fork takes it). A fork
 * from a signal handler runs our prepare handler on a thread that may be anywhere in the
 * loader, this lock's own code included, and the handler must then find the lock either
 * held by its thread at a consistent depth, or not by its thread. A libc recursive mutex
 * keeps its lock word, its owner and its count in three stores: a handler that came after
 * the lock word was taken and before the owner was written saw a lock held by someone else
 * and waited for its own thread for ever (redteam #43). Here one 32-bit word holds the
 * owner's thread id, the depth and a waiters bit, and every change of it is one atomic
 * instruction, so an interrupted thread is always on one side of a change. The caller's
 * thread id is read afresh at each step (lock_ops.thread_id), never kept across one: a fork
 * from a handler may have made the interrupted code a child's, with another id.
 *
 * Only the owner (or a handler on its thread, which gives back what it takes before it
 * returns) changes the depth or frees the word; other threads only set the waiters bit of
 * a held word, or take a free one. Waiting is a private futex on the word. drd and helgrind
 * do not know this lock: its release and acquisition are told to them (lib/tools.h) as the
 * allocator does, so what one holder wrote is ordered before the next holder's reads. */
#include "state_lock.h"
#include "lock.h"
#include "lib/tools.h"

#define TID_BITS 22 /* PID_MAX_LIMIT is 2^22 */
#define TID_MASK ((1u << TID_BITS) - 1)
#define DEPTH_ONE (1u << TID_BITS)
#define DEPTH_MASK (0x1ffu << TID_BITS) /* 511 levels: dlopen inside an IFUNC resolver... */
#define WAITERS (1u << 31)

#define SYS_futex_ 202
#define FUTEX_WAIT_PRIVATE_ 128
#define FUTEX_WAKE_PRIVATE_ 129

static uint32_t word;

static uint32_t self(void) { return lock_ops.thread_id(); }
static bool mine(uint32_t w) { return (w & TID_MASK) == self(); }

static void tell_tools(uintptr_t request)
{
	if (tool_running())
		tool_request(request, (uintptr_t)&word, 0);
}

static void deeper(void)
{
	if ((__atomic_load_n(&word, __ATOMIC_RELAXED) & DEPTH_MASK) == DEPTH_MASK)
		rt_die("internal error", NULL, "LOCK_STATE taken 511 times over by one thread");
	__atomic_fetch_add(&word, DEPTH_ONE, __ATOMIC_RELAXED);
}

/* Takes a free word. A thread that has slept takes it with the waiters bit set, since it
 * cannot know whether another sleeper is left (a spare wake-up costs one system call). */
static bool take_free(uint32_t extra)
{
	uint32_t expected = 0;
	return __atomic_compare_exchange_n(&word, &expected, self() | DEPTH_ONE | extra, false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

bool state_trylock(void)
{
	if (mine(__atomic_load_n(&word, __ATOMIC_RELAXED))) {
		deeper();
		return true;
	}
	if (!take_free(0))
		return false;
	tell_tools(TOOL_HAPPENS_AFTER);
	return true;
}

void state_lock(void)
{
	if (state_trylock())
		return;
	for (;;) {
		uint32_t w = __atomic_load_n(&word, __ATOMIC_RELAXED);
		if (w == 0) {
			if (take_free(WAITERS))
				break;
			continue;
		}
		if (!(w & WAITERS) && !__atomic_compare_exchange_n(&word, &w, w | WAITERS, false, __ATOMIC_RELAXED,
								   __ATOMIC_RELAXED))
			continue;
		sys_call6(SYS_futex_, (long)&word, FUTEX_WAIT_PRIVATE_, w | WAITERS, 0, 0, 0);
	}
	tell_tools(TOOL_HAPPENS_AFTER);
}

void state_unlock(void)
{
	uint32_t w = __atomic_load_n(&word, __ATOMIC_RELAXED);
	if (!mine(w))
		return;
	if ((w & DEPTH_MASK) != DEPTH_ONE) {
		__atomic_fetch_sub(&word, DEPTH_ONE, __ATOMIC_RELAXED);
		return;
	}
	tell_tools(TOOL_HAPPENS_BEFORE);
	if (__atomic_exchange_n(&word, 0, __ATOMIC_RELEASE) & WAITERS)
		sys_call6(SYS_futex_, (long)&word, FUTEX_WAKE_PRIVATE_, 1, 0, 0, 0);
}

void state_lock_after_fork(bool held)
{
	uint32_t w = __atomic_load_n(&word, __ATOMIC_RELAXED);
	__atomic_store_n(&word, held ? (w & DEPTH_MASK) | self() : 0, __ATOMIC_RELAXED);
	if (held)
		state_unlock();
}
