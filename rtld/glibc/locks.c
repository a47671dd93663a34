/* What glibc's libc gives the loader's lock discipline (rtld/lock.c): the three mutexes in
 * _rtld_global, locked with libc's own pthread_mutex_lock as libc itself locks them; the
 * list of threads (GL(dl_stack_used) and GL(dl_stack_user), guarded by
 * GL(dl_stack_cache_lock), which libc takes when a thread is created or ends); and the fork
 * handlers, registered with libc's __register_atfork once libc is initialised. */
#include "glibc.h"
#include "../lock.h"
#include "../state_lock.h"

#define SYS_futex_ 202
#define FUTEX_WAIT_PRIVATE_ 128
#define FUTEX_WAKE_PRIVATE_ 129

static void init_recursive_mutex(void *m)
{
	memset(m, 0, MUTEX_SIZE);
	LM(m, MUTEX_KIND, int) = 1; /* PTHREAD_MUTEX_RECURSIVE_NP */
}

/* For LOCK_STATE (rtld/state_lock.c): the id libc keeps in the thread's struct pthread,
 * where the thread pointer points (set by the kernel at clone, in a fork's child too). */
static uint32_t thread_id(void) { return (uint32_t)LM(thread_pointer(), PD_tid, int); }

static void *mutex_of(enum rtld_lock which)
{
	static const size_t off[] = {[LOCK_LOAD] = GL__dl_load_lock, [LOCK_TLS] = GL__dl_load_tls_lock,
				     [LOCK_WRITE] = GL__dl_load_write_lock};
	return _rtld_global + off[which];
}

static void libc_lock(enum rtld_lock which) { glibc_libc.mutex_lock(mutex_of(which)); }
static void libc_unlock(enum rtld_lock which) { glibc_libc.mutex_unlock(mutex_of(which)); }
static int (*mutex_trylock)(void *);
static bool libc_trylock(enum rtld_lock which) { return mutex_trylock(mutex_of(which)) == 0; }

/* GL(dl_stack_cache_lock) is one of libc's low-level locks (0 free, 1 taken, 2 taken with
 * waiters, woken by a private futex); this is that protocol. */
static void stack_list_lock(void)
{
	int *f = (int *)(_rtld_global + GL__dl_stack_cache_lock);
	int expected = 0;
	if (__atomic_compare_exchange_n(f, &expected, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	while (__atomic_exchange_n(f, 2, __ATOMIC_ACQUIRE) != 0)
		sys_call6(SYS_futex_, (long)f, FUTEX_WAIT_PRIVATE_, 2, 0, 0, 0);
}

static void stack_list_unlock(void)
{
	int *f = (int *)(_rtld_global + GL__dl_stack_cache_lock);
	if (__atomic_exchange_n(f, 0, __ATOMIC_RELEASE) == 2)
		sys_call6(SYS_futex_, (long)f, FUTEX_WAKE_PRIVATE_, 1, 0, 0, 0);
}

/* The lists hold each struct pthread's `list` member; a thread's struct pthread is where
 * its thread pointer points. Stops at the first non-zero return of fn. */
static int for_each_in(const size_t *heads, int nheads, int (*fn)(void *pd, void *arg), void *arg)
{
	int r = 0;
	stack_list_lock();
	for (int h = 0; h < nheads && !r; h++) {
		void **head = (void **)(_rtld_global + heads[h]);
		for (void **e = head[0]; e && e != head && !r; e = e[0])
			r = fn((char *)e - PD_list, arg);
	}
	stack_list_unlock();
	return r;
}

struct each_thread {
	void (*fn)(void *tp, void *arg);
	void *arg;
};
static int call_each(void *pd, void *p)
{
	struct each_thread *e = p;
	e->fn(pd, e->arg);
	return 0;
}

void glibc_for_each_thread(void (*fn)(void *tp, void *arg), void *arg)
{
	static const size_t heads[2] = {GL__dl_stack_used, GL__dl_stack_user};
	struct each_thread e = {fn, arg};
	for_each_in(heads, 2, call_each, &e);
}

/* Its struct pthread (the thread pointer) still holds the id the thread had in the parent:
 * no thread of ours has it. */
static bool thread_gone(void *tp)
{
	long pid = sys_getpid(), tid = LM(tp, PD_tid, int);
	return sys_call6(234 /* tgkill */, pid, tid, 0, 0, 0, 0) == -3 /* ESRCH */;
}

static int change_stack_perm(void *pd, void *arg)
{
	(void)arg;
	return __nptl_change_stack_perm(pd);
}

/* glibc's _dl_make_stacks_executable: the main thread's stack (from the page holding
 * __libc_stack_end down, PROT_GROWSDOWN), then every stack libc allocated, in use or cached
 * (threads on stacks of their own, GL(dl_stack_user), keep theirs, as under glibc), and
 * GL(dl_stack_flags), so that pthread_create makes each later stack executable too. */
int glibc_make_stacks_executable(void)
{
	uintptr_t page = (uintptr_t)__libc_stack_end & ~(R.pagesize - 1);
	long r = sys_mprotect((void *)page, R.pagesize, PROT_READ_ | PROT_WRITE_ | PROT_EXEC_ | 0x01000000 /* GROWSDOWN */);
	if (r < 0)
		return (int)-r;
	LM(_rtld_global, GL__dl_stack_flags, uint32_t) |= PF_X;
	static const size_t heads[2] = {GL__dl_stack_used, GL__dl_stack_cache};
	return for_each_in(heads, 2, change_stack_perm, NULL);
}

bool glibc_stack_executable(void) { return LM(_rtld_global, GL__dl_stack_flags, uint32_t) & PF_X; }

/* fork handlers. Registered with libc at start-up, before any constructor can register one:
 * libc runs prepare handlers last-registered first and parent/child handlers in
 * registration order, so ours take the loader's locks after every other prepare handler has
 * run and let them go before any other parent/child handler runs, and those may use the
 * loader (dlopen), as glibc's fork takes its own locks between the two.
 * A fork in a process that never had a second thread (possibly from a signal handler that
 * interrupted the loader itself) takes no lock, as glibc's fork takes none of its own then;
 * the threads flag only goes from false to true, and a fork that took nothing has nothing
 * to give back. */
static bool fork_locked;
static void fork_prepare(void)
{
	fork_locked = lock_ops.threads;
	if (fork_locked)
		rtld_fork_prepare();
}
static void fork_parent(void)
{
	if (fork_locked)
		rtld_fork_parent();
}
/* libc has re-initialised GL(dl_load_lock) and GL(dl_load_tls_lock); dl_load_write_lock may
 * be held by a thread the child does not have (a dl_iterate_phdr, or a dlclose in
 * scope_wait for the forking thread). */
static void fork_child(void)
{
	init_recursive_mutex(_rtld_global + GL__dl_load_write_lock);
	if (fork_locked)
		rtld_fork_child();
	else
		state_lock_after_fork(false); /* a thread the child does not have may hold it */
}

static uintptr_t (*libc_symbol)(const char *name, const char *version);

/* After __libc_early_init, before any constructor (see the fork handlers above). */
void glibc_install_locks(uintptr_t (*libc_sym)(const char *name, const char *version))
{
	if (!glibc_libc.mutex_lock || !glibc_libc.mutex_unlock)
		return;
	libc_symbol = libc_sym;
	lock_ops.thread_id = thread_id;
	lock_ops.lock = libc_lock;
	lock_ops.unlock = libc_unlock;
	lock_ops.for_each_thread = glibc_for_each_thread;
	lock_ops.thread_gone = thread_gone;
	mutex_trylock = (int (*)(void *))libc_sym("pthread_mutex_trylock", "GLIBC_2.2.5");
	if (mutex_trylock)
		lock_ops.trylock = libc_trylock;
	int (*register_atfork)(void (*)(void), void (*)(void), void (*)(void), void *) =
		(int (*)(void (*)(void), void (*)(void), void (*)(void), void *))libc_sym("__register_atfork",
											  "GLIBC_2.3.2");
	if (register_atfork)
		register_atfork(fork_prepare, fork_parent, fork_child, NULL);
}

/* The first pthread_create (its _dl_allocate_tls, before the thread exists): from now on the
 * loader has company. libc's malloc is set up here, in the creating thread while it is still
 * the only one, as under glibc's ld.so (which callocs the DTV with it): our DTVs come from our
 * own allocator, so the first malloc could otherwise come from several new threads at once
 * (their first dynamic TLS block), and libc's ptmalloc_init is not thread-safe: two of them
 * could each take main_arena uncounted, and the second to exit aborted in
 * __malloc_arena_thread_freeres (threads.sh tls-first-access-while-dlopen, rarely). */
void glibc_threads_start(void)
{
	static bool malloc_set_up; /* before the call: an interposed malloc may create a thread */
	if (lock_ops.threads || !libc_symbol)
		return;
	if (!malloc_set_up && glibc_libc.malloc && glibc_libc.free) {
		malloc_set_up = true;
		glibc_libc.free(glibc_libc.malloc(1));
	}
	rt_alloc_threads_started();
	__atomic_store_n(&lock_ops.threads, true, __ATOMIC_SEQ_CST);
}
