/* ld-mmld.so's own allocator: size classes at most a quarter apart carved from mmap'd
 * arenas, larger blocks mapped on their own. Memory of the loaded program's libc never comes from here. */
#ifndef MMLD_ALLOC_H
#define MMLD_ALLOC_H

#include <stddef.h>

void *rt_malloc(size_t n);
void *rt_calloc(size_t count, size_t size);
void *rt_realloc(void *p, size_t n);
void rt_free(void *p);
/* Bytes this allocator has obtained from the kernel (LD_DEBUG=statistics). */
size_t rt_alloc_mapped_bytes(void);
/* A second thread is about to exist (the thread pointer is set): the lock names its holder
 * from now on, and tells valgrind's thread tools about itself. */
void rt_alloc_threads_started(void);
/* Around fork(): the lock is held across it; the child gets it free (unless the fork
 * interrupted this thread's own allocation, which keeps it in both). */
void rt_alloc_fork_prepare(void);
void rt_alloc_fork_parent(void);
void rt_alloc_fork_child(void);

#endif
