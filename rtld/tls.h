#ifndef MMLD_TLS_H
#define MMLD_TLS_H
#include "rtld.h"

/* The DTV in glibc's format (libc.so.6 reads and frees it too): dtv[-1].counter is the
 * number of module slots, dtv[0].counter the generation, dtv[id] the module's block. The
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
	int multiple_threads, gscope_flag;
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
/* Gives modules loaded after start-up (dlopen) ids; their blocks are per thread and
 * allocated on first access. Bumps the generation. */
HIDDEN void tls_add_modules(struct dso *first);
/* d's TLS is reached through an initial-exec relocation: static TLS from the surplus, if any
 * is left and no thread has a block of d elsewhere yet. */
HIDDEN bool tls_try_static(struct dso *d);
/* An unloaded module: its id no longer names anything; its static TLS block, if any, is
 * gathered for tls_forget_done. */
HIDDEN void tls_forget(struct dso *d);
/* After the tls_forget calls of one dlclose: static TLS on top of what is handed out is
 * handed out again. */
HIDDEN void tls_forget_done(void);
/* Copies the images of static-TLS modules from `first` on into one thread's block (a
 * dlopen'ed initial-exec module, into every thread that exists). */
HIDDEN void tls_init_static_in_thread(struct dso *first, void *tp);
/* The object with module id `modid`, or NULL. */
HIDDEN struct dso *tls_module(size_t modid);
EXPORT void *__tls_get_addr(tls_index *ti);
#endif
