/* The loader's locks and its lock-free readers' protocol (lock.c says who takes what, in
 * which order, and what may be called while holding it). */
#ifndef MMLD_LOCK_H
#define MMLD_LOCK_H
#include "rtld.h"

/* The recursive mutexes, in the order they are taken. */
enum rtld_lock {
	LOCK_LOAD,  /* dlopen, dlclose, dlsym: one at a time, constructors included (glibc's dl_load_lock) */
	LOCK_STATE, /* the loader's own data is being changed (ours; fork waits for it) */
	LOCK_TLS,   /* the TLS module table and static TLS (dl_load_tls_lock) */
	LOCK_WRITE, /* the object list libc's dl_iterate_phdr walks (dl_load_write_lock) */
};

/* What a C library gives the loader once it runs (the glibc personality fills this in):
 * its mutexes, and a walk over its threads. Before that there is one thread and every lock
 * is a no-op. */
struct lock_ops {
	/* The calling thread's id (never 0). LOCK_STATE is ours (state_lock.c) and needs only
	 * this; lock, unlock and trylock are the C library's mutexes for the other three. */
	uint32_t (*thread_id)(void);
	void (*lock)(enum rtld_lock which);
	void (*unlock)(enum rtld_lock which);
	bool (*trylock)(enum rtld_lock which);
	/* Calls fn(tp, arg) for every thread (tp: its thread pointer) while no thread can be
	 * created or end; fn must not block on anything but the thread it is given. */
	void (*for_each_thread)(void (*fn)(void *tp, void *arg), void *arg);
	/* True for a thread on that list that is not in this process: the copy of the parent's
	 * list in the child of a _Fork, which runs no fork handler. */
	bool (*thread_gone)(void *tp);
	/* Set (for good) before the first thread other than the main one is created. Until
	 * then nothing runs concurrently with the loader and readers skip their protocol. */
	bool threads;
};
extern struct lock_ops lock_ops HIDDEN;

HIDDEN void rtld_lock(enum rtld_lock which);
HIDDEN void rtld_unlock(enum rtld_lock which);
/* Takes the lock if it is free or the caller's already; true if it did. */
HIDDEN bool rtld_trylock(enum rtld_lock which);

/* Lock-free readers (the lazy-binding fix-up, _dl_find_object): between scope_enter() and
 * scope_leave() the calling thread may read the object list, the scopes and the published
 * arrays without a lock; nothing it can reach is freed or unmapped until it leaves.
 * Nests (a signal handler inside a reader): pass scope_leave what scope_enter returned. */
HIDDEN bool scope_enter(void);
HIDDEN void scope_leave(bool outer);
/* Is the calling thread inside a reader section (it must then not wait for LOCK_LOAD: its
 * holder may be waiting for it in scope_wait)? */
HIDDEN bool scope_reading(void);
/* Writers (holding LOCK_LOAD), after unpublishing something: returns once every other
 * thread that might still hold it has left its reader section. */
HIDDEN void scope_wait(void);
/* Replaces an (array, count) pair that lock-free readers load as two words, in either order:
 * the array first, then, once no reader can still be holding the old array, the count. The
 * new array must have at least as many valid entries as the old count says (pad it with
 * harmless duplicates when it shrinks). The old array is the caller's to free afterwards. */
HIDDEN void scope_publish(void *array_slot, size_t *count_slot, void *array, size_t count);
/* Frees p once no reader can hold it (at the next retire_flush). */
HIDDEN void retire(void *p);
/* scope_wait, then frees everything retired. */
HIDDEN void retire_flush(void);
/* The same once enough has been retired (dlopen: a wait on every thread each time would
 * cost more than the memory it gives back). */
HIDDEN void retire_flush_some(void);

/* fork: the personality's handlers call these around fork() (prepare in the parent after
 * every other prepare handler, parent/child before every other one): LOCK_STATE and the
 * allocator are held across the fork, so the child finds them free and nothing
 * half-changed; except a fork from a signal handler inside a reader section that a writer
 * waits for, which does not wait for LOCK_STATE (the child's loader is then where that
 * writer stood in scope_wait). */
HIDDEN void rtld_fork_prepare(void);
HIDDEN void rtld_fork_parent(void);
HIDDEN void rtld_fork_child(void);

/* The calling thread's thread pointer (%fs:0). */
static inline void *thread_pointer(void)
{
	void *tp;
	__asm__("mov %%fs:0, %0" : "=r"(tp));
	return tp;
}
#endif
