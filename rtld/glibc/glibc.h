/* The glibc 2.36 personality: what the system's libc.so.6 needs from its dynamic linker
 * (../shared/glibc-2.36-abi.md). Active only when libc.so.6 is loaded; the generic linker
 * calls the hooks below and knows nothing else of glibc. */
#ifndef MMLD_GLIBC_H
#define MMLD_GLIBC_H
#include "../rtld.h"
#include "glibc-abi.h" /* build/gen/: generated from rtld/glibc/gen-abi.sh, or rtld/glibc/abi.h */

/* Is libc.so.6 loaded? If so, checks its build-id against the one abi.h was generated
 * for (refusing to run on wrong offsets) and returns true. */
HIDDEN bool glibc_detect(void);
/* The part of glibc_before_reloc that does not need the program's libc.so.6: done first
 * when audit modules (with their own libc.so.6) are loaded before the program's libraries. */
HIDDEN void glibc_before_libc(uintptr_t *sp);
/* After the TLS layout and the main thread's TCB exist, before any relocation: fills
 * _rtld_global(_ro) (CPU features included: libc's IFUNC resolvers read them while libc is
 * relocated), the glibc-layout link_maps, and the main thread's struct pthread. */
HIDDEN void glibc_before_reloc(uintptr_t *sp);
/* After relocation and the TLS image copy, before any initialiser: __libc_early_init. */
HIDDEN void glibc_after_reloc(void);
/* Objects added by dlopen: link_maps, list and counters. */
HIDDEN void glibc_add_objects(struct dso *first);
/* A dlmopen that brought libc.so.6 into a namespace of its own: checks its build-id (dying
 * with the error, which the dlopen in progress turns into dlerror()) and records it as that
 * namespace's libc (GL(dl_ns)[n].libc_map). */
HIDDEN void glibc_check_namespace_libc(struct dso *first);
/* After that namespace is relocated, before its constructors: __libc_early_init(false), as
 * glibc initialises a libc that is not the program's (once per namespace). */
HIDDEN void glibc_init_namespace_libc(unsigned ns);
/* A namespace that emptied: it has no libc any more. */
HIDDEN void glibc_forget_namespace(unsigned ns);

/* linkmap.c */
#define LM(map, off, type) (*(type *)((char *)(map) + (off)))
/* The glibc-layout link_map of d (allocated with a back pointer to d after it). */
HIDDEN void *glibc_map_of(struct dso *d);
HIDDEN struct dso *glibc_dso_of(const void *map);
HIDDEN void glibc_build_map(struct dso *d);
/* The link_map of d, built if it is not yet (what audit modules are shown). */
HIDDEN void *glibc_link_map_of(struct dso *d);
/* dlclose, once nothing can reach it: the map and what hangs off it. */
HIDDEN void glibc_free_map(struct dso *d);
/* Copies d->search_list (its dependency closure) into the map's l_searchlist, which dlsym
 * on a handle searches. */
HIDDEN void glibc_set_search_list(struct dso *d);
/* l_scope from d->scope_roots (after they change). */
HIDDEN void glibc_set_scope(struct dso *d);
HIDDEN void glibc_link_list(void);
/* A namespace's global scope as a glibc r_scope_elem (what l_scope[0] points to). */
HIDDEN void *glibc_global_scope_elem(unsigned ns);
HIDDEN void glibc_update_global_scope(void);

/* tunables.c: GLIBC_TUNABLES and its aliases, read before anything asks for a tunable. */
HIDDEN void glibc_tunables_init(void);
/* Secure mode: is this environment entry an alias of an "erase" tunable (MALLOC_CHECK_)? */
HIDDEN bool glibc_tunables_env_erased(const char *entry);
/* Secure mode: GLIBC_TUNABLES entries of envp replaced by what glibc leaves of them. */
HIDDEN void glibc_tunables_secure_env(char **envp);
/* --list-tunables: every tunable, its value and bounds, in glibc's words and order. */
HIDDEN void glibc_tunables_print(void);
/* A numeric tunable's value if it was set; false if it has its default. */
HIDDEN bool glibc_tunable(const char *name, int64_t *out);
/* The static TLS surplus from glibc.rtld.nns and glibc.rtld.optional_static_tls, with naudit
 * audit namespaces more (tls_surplus.c); the namespaces glibc.rtld.nns asks for. */
HIDDEN size_t glibc_tls_surplus(unsigned naudit);
HIDDEN unsigned glibc_tls_namespaces(void);

/* cpu.c: dl_x86_cpu_features and the cache sizes memcpy's thresholds come from. */
HIDDEN void glibc_cpu_features(char *glro);

/* dlfcn.c: audit modules, each into a namespace of its own (raises errors like dlopen). */
HIDDEN struct dso *glibc_dlmopen_auditor(const char *name);
HIDDEN void glibc_close_auditor(struct dso *module);
/* auditload.c: LD_AUDIT/--audit/DT_AUDIT modules loaded at start-up (see audit.h). */
HIDDEN void glibc_audit_start(uintptr_t *sp);
/* find_object.c: _dl_find_object's table, published again after every change to the
 * objects (start-up, dlopen, dlclose), and the lookup itself (lock-free). */
struct dl_find_object {
	unsigned long long dlfo_flags;
	void *dlfo_map_start, *dlfo_map_end;
	void *dlfo_link_map;
	void *dlfo_eh_frame;
	unsigned long long reserved[7];
};
HIDDEN void glibc_find_object_publish(void);
HIDDEN int glibc_dl_find_object(void *pc, struct dl_find_object *out);

/* dlfcn.c: the functions libc calls through _rtld_global_ro. */
HIDDEN void glibc_fill_dlfcn_hooks(char *glro);
/* libc's own functions the personality calls (looked up once libc is relocated). */
struct glibc_libc_fns {
	void (*signal_error)(int errcode, const char *objname, const char *occasion, const char *errstring);
	int (*catch_error)(const char **, const char **, bool *, void (*)(void *), void *);
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	int (*mutex_lock)(void *);
	int (*mutex_unlock)(void *);
};
/* GL(dl_tls_dtv_slotinfo_list) after modules were added or unloaded. */
HIDDEN void glibc_update_slotinfo(void);
/* locks.c: calls fn(tp) for every thread libc knows (GL(dl_stack_used) and
 * GL(dl_stack_user)), holding the lock libc takes to add or remove one. */
HIDDEN void glibc_for_each_thread(void (*fn)(void *tp, void *arg), void *arg);
/* locks.c: dlopen of an object that needs an executable stack: every thread's (glibc's
 * _dl_make_stacks_executable); 0 or an errno value. */
HIDDEN int glibc_make_stacks_executable(void);
HIDDEN bool glibc_stack_executable(void);
EXPORT int __nptl_change_stack_perm(void *pd);
/* locks.c: once libc is initialised, its mutexes and thread list for rtld/lock.c, and the
 * fork handlers. */
HIDDEN void glibc_install_locks(uintptr_t (*libc_sym)(const char *name, const char *version));
/* locks.c: libc is about to create the first thread other than the main one. */
HIDDEN void glibc_threads_start(void);
extern struct glibc_libc_fns glibc_libc HIDDEN;
extern bool glibc_active HIDDEN;

/* exports.c: the data libc imports. */
extern char _rtld_global[] EXPORT;
extern char _rtld_global_ro[] EXPORT;
extern void *__libc_stack_end EXPORT;
extern int __libc_enable_secure EXPORT;
extern char **_dl_argv EXPORT;
extern unsigned int __rseq_size EXPORT;
extern char __nptl_initial_report_events EXPORT;
EXPORT void *_dl_find_dso_for_object(uintptr_t addr);
#endif
