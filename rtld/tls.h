#ifndef MMLD_TLS_H
#define MMLD_TLS_H
#include "rtld.h"

/* The DTV in glibc's format (libc.so.6 reads and frees it too): dtv[-1].counter is the
 * number of module slots, dtv[0].counter the generation it is up to date with, dtv[id] the
 * module's block for this thread (to_free: what to free, allocated with R.tls_malloc). The
 * TCB's dtv field points at dtv[0]. */
typedef struct {
	union {
		size_t counter;
		void *val;
	};
	void *to_free;
} dtv_t;
#define TLS_DTV_UNALLOCATED ((void *)-1L)
#define DTV_SURPLUS 14
#define TLS_STATIC_SURPLUS 1664 /* room for dlopen'ed initial-exec TLS, as glibc leaves */

/* The start of the TCB, as glibc's tcbhead_t lays it out (gcc's stack protector reads
 * %fs:0x28, glibc's pointer mangling %fs:0x30). */
struct tcb_head {
	void *tcb;  /* 0x00: points to itself: %fs:0 is the thread pointer's value */
	dtv_t *dtv; /* 0x08 */
	void *self; /* 0x10 */
	int multiple_threads, gscope_flag; /* gscope_flag: rtld/lock.c's reader protocol */
	uintptr_t sysinfo;
	uintptr_t stack_guard;   /* 0x28 */
	uintptr_t pointer_guard; /* 0x30 */
};

typedef struct {
	size_t ti_module, ti_offset;
} tls_index;

/* Gives each object with PT_TLS a module id (load order) and a static TLS offset. */
HIDDEN void tls_layout(void);
/* Allocates the main thread's static TLS, TCB and DTV, sets the thread pointer and the
 * guards from AT_RANDOM. Images are copied later (tls_init_images). */
HIDDEN void tls_setup_main_thread(void);
/* Copies each TLS image into the main thread's static block. After relocation: an image may
 * hold relocated pointers. */
HIDDEN void tls_init_images(void);
/* dlopen, before relocation (under LOCK_LOAD): gives new modules from `first` on an id (the
 * lowest free one) and, for initial-exec ones, room in static TLS. Nothing is visible to
 * other threads yet. */
HIDDEN void tls_add_modules(struct dso *first);
/* d's TLS is reached through an initial-exec relocation: static TLS from the surplus, if any
 * is left and no thread has a block of d elsewhere yet. */
HIDDEN bool tls_try_static(struct dso *d);
/* dlopen, after relocation, before constructors: the new modules become visible (a new
 * generation) and their initial-exec blocks are filled in every thread. Takes LOCK_TLS. */
HIDDEN void tls_publish(struct dso *first);
/* dlclose, under LOCK_TLS: d's id is free again (a new generation); threads free their
 * blocks of it when they next update their DTV. Its static TLS block, if any, is gathered
 * for tls_forget_done. */
HIDDEN void tls_forget(struct dso *d);
/* After the tls_forget calls of one dlclose: static TLS on top of what is handed out is
 * handed out again. */
HIDDEN void tls_forget_done(void);
/* The published module with id `modid`, or NULL (any thread, no lock). */
HIDDEN struct dso *tls_module(size_t modid);
/* The generation a TLS descriptor for d's variables needs a DTV to have reached. */
HIDDEN size_t tls_module_generation(const struct dso *d);
/* A new thread's DTV (empty) and its filling from the table (under LOCK_TLS), with the
 * initial-exec blocks copied if init_static: returns the DTV, grown if needed (the one given
 * is then freed), or NULL when out of memory. */
HIDDEN dtv_t *tls_new_dtv(void);
HIDDEN dtv_t *tls_init_thread(void *tp, dtv_t *dtv, bool init_static);
HIDDEN void tls_free_dtv(dtv_t *dtv);
HIDDEN void tls_free_block(void *mem);
/* The calling thread's block of module id if it has one and it belongs to the module that
 * has the id now; NULL otherwise. */
HIDDEN void *tls_block_if_allocated(size_t id);
EXPORT void *__tls_get_addr(tls_index *ti);
#endif
