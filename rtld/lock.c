/* The lock discipline: everything ld-mmld.so shares between threads after start-up, and
 * who guards it. (Start-up runs on one thread; every lock below is a no-op until the C
 * library has given us its mutexes: lock_ops.)
 *
 * LOCK_LOAD, glibc's GL(dl_load_lock), recursive. Guards every change to the set of loaded
 * objects and to what describes them: the object list, the scopes, search lists, link_maps,
 * reference counts, NODELETE marks, the initialisation order, the relocation lookup cache
 * (reloc.c), the retire list below. Taken by dlopen and dlclose (glibc/dlfcn.c) for their
 * whole run, initialisers and finalisers included (which may dlopen and dlclose again: it is
 * recursive); by libc around dlsym, dladdr, dlinfo and __cxa_thread_atexit; by the
 * lazy-binding fix-up only when it binds to an object it does not depend on (reloc.c); by
 * nothing else.
 * LOCK_STATE, ours (state_lock.c: one atomic word, so a signal handler on the holding
 * thread never waits for itself), recursive. Held while the loader's data is being changed: by dlopen from
 * its first search to the end of relocation and publication (not while constructors run),
 * by dlclose while it decides what goes and while it unlinks and unmaps (not while
 * finalisers run). fork takes it (rtld_fork_prepare), so the child never sees half a change,
 * yet a fork never waits for a constructor, which may itself be waiting for the thread that
 * forks (why fork does not take LOCK_LOAD, which glibc's fork does not take either); nor for
 * a writer in scope_wait() for the forking thread (a fork from a signal handler that
 * interrupted a reader section): that child sees the loader as it stood in scope_wait().
 * LOCK_TLS, GL(dl_load_tls_lock), recursive. Guards the TLS module table's contents and the
 * static TLS bookkeeping (tls.c). Taken by dlopen/dlclose (inside LOCK_LOAD) while they add
 * or remove modules, by libc's pthread_create through _dl_allocate_tls_init.
 * LOCK_WRITE, GL(dl_load_write_lock), recursive. Guards the list libc walks in
 * dl_iterate_phdr (which holds it through all its callbacks): dlopen and dlclose take it
 * (inside LOCK_LOAD and LOCK_TLS) only while they link or unlink objects, and unmap nothing
 * while a walker may still see an object.
 * Order: LOCK_LOAD, LOCK_STATE, LOCK_TLS, LOCK_WRITE, then the allocator's spinlock
 * (lib/alloc.c), which is innermost: nothing is called while holding it.
 * While holding LOCK_LOAD any code may run (constructors, finalisers); while holding
 * LOCK_STATE only the loader and IFUNC resolvers; while holding LOCK_TLS or LOCK_WRITE only
 * the loader's own code and the allocator.
 *
 * Lock-free readers: the lazy-binding fix-up (any thread, any signal handler, possibly
 * while another thread holds LOCK_LOAD for a long time: it must not wait for it) and
 * _dl_find_object (every C++ throw) read the object list, the scopes and the published
 * arrays with no lock. They announce it in the thread's TCB word glibc reserves for this
 * (header.gscope_flag, glibc's THREAD_GSCOPE_SET_FLAG protocol: 0 unused, 1 in use, 2 a
 * writer waits for it). Writers (under LOCK_LOAD) never change in place what such a reader
 * may be looking at: they publish a new version (one pointer store), then, before freeing
 * or unmapping the old one, scope_wait() for every thread whose flag says it is reading;
 * a reader that starts later can only find the new version. A reader never blocks, never
 * takes a lock, never calls out of the loader (IFUNC resolvers run after scope_leave).
 * Its flag is set with a locked instruction, so the writer's stores before its flag check
 * and the reader's loads after its flag store cannot pass each other. */
#include "lock.h"
#include "state_lock.h"

struct lock_ops lock_ops;

/* LOCK_STATE is ours (state_lock.c); the others are the C library's mutexes. */
void rtld_lock(enum rtld_lock which)
{
	if (which == LOCK_STATE) {
		if (lock_ops.thread_id)
			state_lock();
	} else if (lock_ops.lock) {
		lock_ops.lock(which);
	}
}

void rtld_unlock(enum rtld_lock which)
{
	if (which == LOCK_STATE) {
		if (lock_ops.thread_id)
			state_unlock();
	} else if (lock_ops.unlock) {
		lock_ops.unlock(which);
	}
}

bool rtld_trylock(enum rtld_lock which)
{
	if (which == LOCK_STATE)
		return lock_ops.thread_id ? state_trylock() : true;
	return lock_ops.trylock ? lock_ops.trylock(which) : true;
}

#define GSCOPE_UNUSED 0
#define GSCOPE_USED 1
#define GSCOPE_WAIT 2
#define GSCOPE_FLAG_OFFSET 0x1c /* tcbhead_t.gscope_flag */
#define FUTEX_WAIT_PRIVATE_ 128
#define FUTEX_WAKE_PRIVATE_ 129
#define SYS_futex_ 202
#define SYS_sched_yield_ 24

static int *gscope_flag(void *tp) { return (int *)((char *)tp + GSCOPE_FLAG_OFFSET); }

bool scope_enter(void)
{
	/* One thread: no writer can run while we read (a signal handler that dlcloses is not
	 * async-signal-safe). The flag is set before a second thread is created. */
	if (!__atomic_load_n(&lock_ops.threads, __ATOMIC_RELAXED))
		return false;
	/* Only this thread moves its flag away from UNUSED: if it is not UNUSED, an outer
	 * reader section of this same thread (interrupted by a signal) already holds it. */
	int expected = GSCOPE_UNUSED;
	return __atomic_compare_exchange_n(gscope_flag(thread_pointer()), &expected, GSCOPE_USED, false,
					   __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);
}

bool scope_reading(void)
{
	return lock_ops.threads && __atomic_load_n(gscope_flag(thread_pointer()), __ATOMIC_RELAXED) != GSCOPE_UNUSED;
}

void scope_leave(bool outer)
{
	if (!outer)
		return;
	int *flag = gscope_flag(thread_pointer());
	if (__atomic_exchange_n(flag, GSCOPE_UNUSED, __ATOMIC_SEQ_CST) == GSCOPE_WAIT)
		sys_call6(SYS_futex_, (long)flag, FUTEX_WAKE_PRIVATE_, 0x7fffffff, 0, 0, 0);
}

static void wait_for_reader(void *tp, void *self)
{
	if (tp == self)
		return;
	int *flag = gscope_flag(tp);
	int expected = GSCOPE_USED;
	if (__atomic_load_n(flag, __ATOMIC_SEQ_CST) == GSCOPE_UNUSED ||
	    !__atomic_compare_exchange_n(flag, &expected, GSCOPE_WAIT, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		return; /* not reading, or it has just left */
	/* A reader that will never leave: a thread of the parent, in a _Fork child. */
	if (lock_ops.thread_gone && lock_ops.thread_gone(tp))
		return;
	while (__atomic_load_n(flag, __ATOMIC_SEQ_CST) == GSCOPE_WAIT)
		sys_call6(SYS_futex_, (long)flag, FUTEX_WAIT_PRIVATE_, GSCOPE_WAIT, 0, 0, 0);
}

void scope_wait(void)
{
	if (!lock_ops.for_each_thread)
		return; /* one thread */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	lock_ops.for_each_thread(wait_for_reader, thread_pointer());
}

void scope_publish(void *array_slot, size_t *count_slot, void *array, size_t count)
{
	void **slot = array_slot;
	if (*slot != array) {
		__atomic_store_n(slot, array, __ATOMIC_RELEASE);
		scope_wait(); /* whoever read the old array has finished with it and its count */
	}
	__atomic_store_n(count_slot, count, __ATOMIC_RELEASE);
}

/* Under LOCK_LOAD. Grows by doubling; if it cannot grow, waits for the readers now and
 * frees at once. */
static void **retired;
static size_t nretired, retired_cap;

void retire(void *p)
{
	if (!p)
		return;
	if (nretired == retired_cap) {
		size_t cap = retired_cap ? retired_cap * 2 : 16;
		void **r = rt_realloc(retired, cap * sizeof *r);
		if (!r) {
			scope_wait();
			rt_free(p);
			return;
		}
		retired = r;
		retired_cap = cap;
	}
	retired[nretired++] = p;
}

void retire_flush_some(void)
{
	if (nretired >= 32)
		retire_flush();
}

void retire_flush(void)
{
	if (!nretired)
		return;
	scope_wait();
	while (nretired)
		rt_free(retired[--nretired]);
}

/* LOCK_STATE for a fork. A fork from a signal handler that interrupted this thread's reader
 * section must not wait for LOCK_STATE: its holder may be in scope_wait() waiting for this
 * very thread. Such a writer has marked our flag GSCOPE_WAIT first, and scope_wait() is only
 * reached between whole steps (something published, the old version not yet freed), so the
 * fork goes ahead without the lock then and the child sees the loader at that point. */
static bool take_state_for_fork(void)
{
	if (!scope_reading()) {
		rtld_lock(LOCK_STATE);
		return true;
	}
	int *flag = gscope_flag(thread_pointer());
	for (;;) {
		if (rtld_trylock(LOCK_STATE))
			return true;
		if (__atomic_load_n(flag, __ATOMIC_SEQ_CST) == GSCOPE_WAIT)
			return false;
		sys_call6(SYS_sched_yield_, 0, 0, 0, 0, 0, 0);
	}
}

/* Whether the fork in progress holds LOCK_STATE. Written and read only while holding the
 * allocator's lock, which one fork at a time holds from prepare to parent/child. */
static bool fork_state_held;

void rtld_fork_prepare(void)
{
	bool held = take_state_for_fork();
	rt_alloc_fork_prepare();
	fork_state_held = held;
}

void rtld_fork_parent(void)
{
	bool held = fork_state_held;
	rt_alloc_fork_parent();
	if (held)
		rtld_unlock(LOCK_STATE);
}

/* The child has one thread. libc has already re-initialised LOCK_LOAD and LOCK_TLS before it
 * runs the handlers, as glibc's fork does for its own ld.so; the personality re-initialises
 * LOCK_WRITE (which a writer caught in scope_wait may hold too) before calling this. */
void rtld_fork_child(void)
{
	if (lock_ops.thread_id)
		state_lock_after_fork(fork_state_held);
	rt_alloc_fork_child();
}

