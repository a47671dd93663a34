/* LOCK_STATE's own lock: recursive, and safe against a signal handler on the owning thread
 * (state_lock.c says why a libc mutex is not). rtld/lock.c calls it; nothing else should. */
#ifndef MMLD_STATE_LOCK_H
#define MMLD_STATE_LOCK_H
#include "rtld.h"

/* The calling thread is the one lock_ops.thread_id names. */
HIDDEN void state_lock(void);
HIDDEN bool state_trylock(void);
/* Does nothing if the calling thread does not hold it (a child's copy after a fork that did
 * not take it). */
HIDDEN void state_unlock(void);
/* In a fork's child (one thread): if the fork took the lock (held), the child's thread
 * holds it as deep as the parent's did, and the fork's own hold is given back; otherwise a
 * thread the child does not have may hold it, and it starts free. */
HIDDEN void state_lock_after_fork(bool held);
#endif
