/* Process-wide state of ld-mmld.so and the functions that start-up stages share.
 * Everything here is hidden: only the symbols in linker-scripts/ld-mmld.map are exported. */
#ifndef MMLD_RTLD_H
#define MMLD_RTLD_H

#include "dso.h"
#include "lib/alloc.h"
#include "lib/format.h"
#include "lib/string.h"
#include "lib/syscall.h"

#define HIDDEN __attribute__((visibility("hidden")))
/* Exported (and versioned by linker-scripts/ld-mmld.map): the interface programs link to. */
#define EXPORT __attribute__((visibility("default")))
#define PAGE_SIZE_MIN 4096UL
/* Zero-initialised data an ordinary start-up never writes (audit modules, namespaces other
 * than the first, --list, the default directories after an ld.so.cache miss): placed after the
 * rest of .bss (linker-scripts/ld-mmld.lds), so that the data start-up does write shares as
 * few pages as it can. Each process has its own copy of every page written. */
#define RARELY_WRITTEN __attribute__((section(".bss.rare")))

/* LD_DEBUG categories (glibc's names, plus our own `maps` and `pages`). */
enum {
	DBG_LIBS = 1 << 0,
	DBG_RELOC = 1 << 1,
	DBG_FILES = 1 << 2,
	DBG_SYMBOLS = 1 << 3,
	DBG_BINDINGS = 1 << 4,
	DBG_VERSIONS = 1 << 5,
	DBG_SCOPES = 1 << 6,
	DBG_STATISTICS = 1 << 7,
	DBG_MAPS = 1 << 8,
	DBG_INIT = 1 << 9,
	DBG_PAGES = 1 << 10,
	DBG_UNUSED = 1 << 11, /* with LD_TRACE_LOADED_OBJECTS: unused direct dependencies (ldd -u) */
};

/* MMLD_STOP: where the process stops itself (SIGSTOP) so `mmld share` can measure it. */
enum stop_point { STOP_NONE, STOP_LOADED, STOP_ENTRY, STOP_EXIT };

enum rtld_mode { MODE_RUN, MODE_LIST, MODE_VERIFY };

/* Link-map namespaces (dlmopen): each has its own objects, its own global scope and, when a
 * library in it needs libc.so.6, its own copy of libc. Namespace 0 holds the program; the
 * number is glibc's (DL_NNS: 16). Every object of every namespace is on the one list
 * R.head..R.tail, in load order; d->ns says whose it is. */
#define NS_MAX 16
struct link_ns {
	struct dso **scope;        /* the namespace's global scope, in search order */
	size_t nscope, scope_cap;
	bool used;                 /* has objects (or is being filled); namespace 0 always */
	bool self_in_scope;        /* ld-mmld.so is in this scope (R.self->in_global_scope says it
				      for namespace 0) */
	bool rtld_listed;          /* an object here needs ld-mmld.so: it is on the list */
	bool auditing;             /* an audit module's namespace: nothing in it is audited */
	bool auditor;              /* made for an audit module (before la_version made it auditing):
				      its objects are relocated as glibc's __RTLD_AUDIT has them */
	void *rtld_proxy;          /* outside namespace 0: the link_map standing for ld-mmld.so in
				      this namespace's list (glibc's l_real proxy), or NULL */
	void *first_map;           /* head of the namespace's link_map chain (debug_link) */
	unsigned nmaps;            /* maps on that chain */
};

/* Namespace n's record: namespace 0's is in R, on a page every start-up writes; the others are
 * written only by dlmopen and audit modules, so they live in .bss.rare (deps.c). One load. */
#define NS(n) (rtld_ns[n])

struct rtld_state {
	/* --- process start (stack.c) --- */
	int argc;
	char **argv;
	char **envp;
	Elf64_auxv_t *auxv;
	uint64_t aux[AUX_MAX];     /* aux[AT_x]: value of each entry below AUX_MAX */
	bool direct;               /* run as `ld-mmld.so PROGRAM`, not through PT_INTERP */
	bool secure;               /* AT_SECURE: setuid/setgid/capabilities */
	/* flags of later stages, here where they fill what would be padding: */
	bool audit_plt_hooks;      /* one has la_pltenter or la_pltexit: PLTs go through rtld_audit_plt */
	bool audit_symbind;        /* one has la_symbind64 */
	bool loading_auditor;      /* an audit module and its dependencies are being loaded */
	bool preload_setuid_only;  /* a preload or audit module searched in secure mode: no ld.so.cache,
				      and only set-user-ID files taken from directories (glibc's __RTLD_SECURE) */
	/* The finalisers of exit are running: dlclose from one of them unloads nothing (glibc's
	 * _dl_fini holds every object open while it runs them). */
	bool exiting;
	size_t pagesize;
	const char *progname;      /* for messages: the program's argv[0] */

	/* --- options: command line and environment (options.c) --- */
	enum rtld_mode mode;
	bool trace;                /* LD_TRACE_LOADED_OBJECTS (ldd): missing libraries are listed, not fatal */
	bool warn;                 /* LD_WARN (ldd -d, -r): relocate and report undefined symbols */
	bool version_info;         /* LD_VERBOSE (ldd -v): the versions each object needs */
	bool trace_program;        /* LD_TRACE_LOADED_OBJECTS > 1: the program's own line listed too */
	const char *library_path;  /* LD_LIBRARY_PATH or --library-path */
	const char *library_path_source; /* which of the two, for LD_DEBUG=libs */
	const char *hwcaps_prepend;/* --glibc-hwcaps-prepend: glibc-hwcaps subdirectories searched first */
	const char *hwcaps_mask;   /* --glibc-hwcaps-mask: the built-in ones allowed (NULL: all) */
	const char *preload;       /* LD_PRELOAD */
	const char *preload_arg;   /* --preload (loaded after LD_PRELOAD's, as glibc) */
	const char *argv0;         /* --argv0 */
	const char *objects_dir;   /* MMLD_OBJECTS */
	long stop_pid;             /* the process MMLD_STOP holds: its forked children are not */
	bool bind_now;             /* LD_BIND_NOW */
	bool inhibit_cache;
	bool load_by_read;         /* MMLD_LOAD=read: copy segments instead of mapping them */
	enum stop_point stop_at;   /* MMLD_STOP=loaded|entry|exit */
	unsigned debug;            /* DBG_* mask from LD_DEBUG */
	int debug_fd;

	/* --- objects (deps.c) --- */
	struct dso *head, *tail;   /* every object in load order */
	struct dso *main, *self, *vdso;
	struct link_ns ns0;        /* namespace 0, NS(0); its scope: main, preloads, then
				      breadth-first (the others: rtld_ns_more, deps.c) */
	unsigned nns;              /* namespaces ever used: highest index + 1 */
	unsigned load_ns;          /* the namespace objects are being loaded into */

	/* --- rtld-audit (audit.c) --- */
	const char **audit_lists;  /* LD_AUDIT, each --audit, DT_AUDIT: colon-separated module names
				      (options_add_audit_list: as many as given) */
	unsigned naudit_lists, audit_lists_cap;
	unsigned naudit;           /* audit modules registered; 0: every audit hook is skipped */
	void *(*link_map_of)(struct dso *d); /* the link_map audit modules are shown (personality) */
	struct rtld_catch *catcher;/* while set, a loading error comes back here (glibc_audit_start) */

	/* --- CPU (the personality) --- */
	uint64_t (*cpu_hash)(void);/* hashes the CPUID words IFUNC resolvers choose by, for the
				      relocation cache's key; NULL: no personality gathered them */

	/* --- TLS (tls.c) --- */
	size_t tls_max_modid;
	size_t tls_static_size;    /* bytes below the thread pointer, incl. surplus */
	size_t tls_static_align;
	size_t tls_static_used;    /* bytes below TP given out: start-up modules, then surplus */
	size_t tls_generation;     /* changes to the module table so far (tls.c) */
	size_t tls_static_nelem;   /* ids 1..this: modules loaded at start-up (never change) */
	size_t tls_surplus;        /* static TLS left for dlopen'ed initial-exec TLS: glibc's 1664,
				      more with audit modules (their libc.so.6 copies) */
	size_t tcb_size;           /* bytes at and above the thread pointer */
	void *tp;                  /* main thread's thread pointer */
	void *initial_dtv;         /* the main thread's first DTV (never freed) */

	/* --- after start-up --- */
	/* While set (during a dlopen), rt_die calls this instead of exiting: it undoes the
	 * operation and reports the error to the caller. It must not return. */
	void (*error_hook)(const char *object, const char *msg);
	/* The load lock (glibc's dl_load_lock: dlopen and dlclose hold it), for what a lazy
	 * binding records for dlclose; NULL until the C library's locks work. */
	void (*load_lock)(bool take);
	bool (*load_trylock)(void); /* the same without waiting (true: taken) */
	void *error_hook_owner;    /* the thread pointer of the thread it is for: an error in
				      another thread (a lazy binding) is not that dlopen's */
	/* Allocator for dynamic TLS blocks: what the thread library frees them with. */
	void *(*tls_malloc)(size_t);
	/* The program's calloc (libc's, or one it interposes), for what glibc's ld.so allocates with
	 * it after start-up and programs can see it do (audit records). NULL: ours. */
	void *(*app_calloc)(size_t, size_t);
	void (*tls_free)(void *);

	/* --- statistics (LD_DEBUG=statistics) --- */
	uint64_t t_start, t_reloc;
	uint64_t nrelocs, nrelative, nlookups;
	uint64_t nrelocs_cached, nobjects_cached; /* of nrelocs: mapped from the relocation cache */
};

extern struct rtld_state R HIDDEN;
extern struct link_ns *rtld_ns[NS_MAX] HIDDEN;

/* A catch point inside the loader (arch/x86_64/start.S): rtld_setjmp returns 0, and 1 again
 * when rtld_longjmp is called with it; for errors at start-up that must not end the process
 * (an audit module that cannot be loaded is reported and ignored). */
struct rtld_catch {
	uint64_t regs[8]; /* rbx, rbp, r12-r15, rsp, the return address */
	char msg[512];    /* the error, for the one who set the catch point */
};
HIDDEN int rtld_setjmp(struct rtld_catch *c) __attribute__((returns_twice));
__attribute__((noreturn)) HIDDEN void rtld_longjmp(struct rtld_catch *c);

/* fatal.c: the one place a start-up error leaves the process. */
__attribute__((noreturn, format(printf, 3, 4))) HIDDEN void rt_die(const char *occasion, const char *object,
								      const char *fmt, ...);
#define die_load(object, ...) rt_die("error while loading shared libraries", (object), __VA_ARGS__)
/* "PROGRAM: OBJECT: PROBLEM" on stderr, and the process goes on (glibc's form for an error
 * it reports and continues past: a missing symbol version). */
__attribute__((format(printf, 2, 3))) HIDDEN void rt_error_line(const char *object, const char *fmt, ...);
HIDDEN void rt_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* dynamic.c: true if [addr, addr+len) lies inside one PT_LOAD of d with these p_flags. */
HIDDEN bool dso_contains(const struct dso *d, uintptr_t addr, size_t len, uint32_t need_flags);
/* dynamic.c: bytes from addr to the end of the readable PT_LOAD of d holding it (0: none).
 * A table's entries checked against this one bound cost a compare each, not a walk of the
 * program headers. */
HIDDEN size_t dso_room(const struct dso *d, uintptr_t addr);
/* dynamic.c: true if addr is inside an executable segment of d itself: one compare when d
 * has a single executable segment (nearly always), a walk of its program headers else. */
HIDDEN bool dso_code(const struct dso *d, uintptr_t addr);
/* dynamic.c: true if addr is inside an executable segment of a loaded object (d's first;
 * ld-mmld.so's own only if `loader_too`: a symbol may be defined there, a constructor may
 * not). Checked before the loader itself calls an address a file gave it (constructors,
 * finalisers, IFUNC resolvers, lazy bindings): a malformed file is an error, not a jump. */
HIDDEN bool code_address(const struct dso *d, uintptr_t addr, bool loader_too);

/* debug.c */
HIDDEN void dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
HIDDEN uint64_t rt_now_ns(void);
#define DEBUG_ON(cat) (R.debug & (cat))
/* The categories under which glibc says which initialisers and finalisers it calls (its
 * DL_DEBUG_IMPCALLS, part of libs, reloc, files, symbols, bindings and versions), and ours. */
#define DBG_IMPCALLS (DBG_LIBS | DBG_RELOC | DBG_FILES | DBG_SYMBOLS | DBG_BINDINGS | DBG_VERSIONS | DBG_INIT)

#endif
