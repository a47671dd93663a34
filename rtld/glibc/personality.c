/* Step 10 for glibc programs: what libc.so.6 expects its dynamic linker to have done, in
 * the order glibc's own ld.so does it (glibc-2.36-abi.md 3.1). */
#include "glibc.h"
#include "../hwcaps.h"
#include "../debug.h"
#include "../hash.h"
#include "../lookup.h"
#include "../tls.h"
#include "../audit.h"

bool glibc_active;
struct glibc_libc_fns glibc_libc;
static struct dso *libc;
/* Each namespace's copy of libc.so.6 (libc_of[0] == libc), and whether it was initialised. */
static struct dso *libc_of[NS_MAX];
static bool libc_initialised[NS_MAX];

static uintptr_t sym_in(struct dso *d, const char *name, const char *version);
static void use_libc_functions(struct dso *l);

static unsigned fns_ns = NS_MAX; /* whose libc.so.6 glibc_libc's functions are (NS_MAX: none) */
static char *ns_record(unsigned n) { return _rtld_global + GL__dl_ns + n * NAMESPACE_SIZE; }

#define GL(off, type) LM(_rtld_global, off, type)
#define GLRO(off, type) LM(_rtld_global_ro, off, type)

/* _rtld_global_ro is in our RELRO (exports.c), read-only once start-up has relocated
 * everything (main.c step 9); after that GLRO(dl_catch_error), the one field that changes
 * later (dlmopen brings a libc into a namespace, dlclose takes it away), is written with the
 * page made writable for the store. */
static bool glro_sealed;
static void glro_set_catch_error(uintptr_t v)
{
	if (GLRO(GLRO__dl_catch_error, uintptr_t) == v)
		return;
	void *page = (void *)((uintptr_t)(_rtld_global_ro + GLRO__dl_catch_error) & ~(R.pagesize - 1));
	if (glro_sealed)
		sys_mprotect(page, R.pagesize, PROT_READ_ | PROT_WRITE_);
	GLRO(GLRO__dl_catch_error, uintptr_t) = v;
	if (glro_sealed)
		sys_mprotect(page, R.pagesize, PROT_READ_);
}

/* The build-id of d as lowercase hex, from its PT_NOTE segments; "" if none. */
static void build_id(const struct dso *d, char *out, size_t outlen)
{
	out[0] = 0;
	for (size_t i = 0; i < d->phnum; i++) {
		const Elf64_Phdr *p = &d->phdr[i];
		if (p->p_type != PT_NOTE)
			continue;
		const char *n = (const char *)(d->load_bias + p->p_vaddr), *end = n + p->p_memsz;
		while (n + 12 <= end) {
			uint32_t namesz = ((const uint32_t *)n)[0], descsz = ((const uint32_t *)n)[1];
			uint32_t type = ((const uint32_t *)n)[2];
			const char *name = n + 12, *desc = name + ((namesz + 3) & ~3u);
			if (desc + descsz > end)
				break;
			if (type == 3 && namesz == 4 && memcmp(name, "GNU", 4) == 0) {
				static const char hex[] = "0123456789abcdef";
				size_t o = 0;
				for (uint32_t k = 0; k < descsz && o + 3 <= outlen; k++) {
					out[o++] = hex[(unsigned char)desc[k] >> 4];
					out[o++] = hex[(unsigned char)desc[k] & 15];
				}
				out[o] = 0;
				return;
			}
			n = desc + ((descsz + 3) & ~3u);
		}
	}
}

static bool is_libc(const struct dso *d) { return d->soname && strcmp(d->soname, "libc.so.6") == 0 && !d->missing; }

/* The offsets compiled in are this libc.so.6's: any other build is refused. */
static void check_build_id(const struct dso *d)
{
	char id[128];
	build_id(d, id, sizeof id);
	if (strcmp(id, GLIBC_LIBC_BUILD_ID) != 0)
		die_load(dso_display(d),
			 "libc.so.6 build-id %s is not the one ld-mmld.so was built for (%s, glibc %s): "
			 "rebuild mmld against this glibc (rtld/glibc/gen-abi.sh)",
			 id[0] ? id : "(none)", GLIBC_LIBC_BUILD_ID, GLIBC_ABI_VERSION);
}

bool glibc_detect(void)
{
	for (struct dso *d = R.head; d; d = d->next)
		if (d->ns == 0 && is_libc(d))
			libc = d;
	if (!libc)
		return false;
	check_build_id(libc);
	libc_of[0] = libc;
	libc_initialised[0] = true; /* by glibc_after_reloc, before anything could ask */
	glibc_active = true;
	if (!R.tp) /* not laid out already for audit modules (glibc_audit_start) */
		R.tls_surplus = glibc_tls_surplus(0);
	return true;
}

void glibc_check_namespace_libc(struct dso *first)
{
	if (!glibc_active)
		return;
	for (struct dso *d = first; d; d = d->next)
		if (d->ns && !libc_of[d->ns] && is_libc(d)) {
			check_build_id(d);
			libc_of[d->ns] = d;
			libc_initialised[d->ns] = false;
		}
}

void glibc_init_namespace_libc(unsigned ns)
{
	struct dso *l = libc_of[ns];
	if (!l || libc_initialised[ns])
		return;
	libc_initialised[ns] = true;
	/* An audit module's libc.so.6, before the program's exists: its error raising serves
	 * dlopen and dlsym until the program's takes over. */
	if (!glibc_libc.signal_error)
		use_libc_functions(l);
	void (*early_init)(bool) = (void (*)(bool))sym_in(l, "__libc_early_init", "GLIBC_PRIVATE");
	if (DEBUG_ON(DBG_FILES))
		dbg("calling __libc_early_init(false) in namespace %u", ns);
	if (early_init)
		early_init(false);
}

void glibc_forget_namespace(unsigned ns)
{
	libc_of[ns] = NULL;
	libc_initialised[ns] = false;
	LM(ns_record(ns), NS_libc_map, void *) = NULL;
	if (fns_ns != ns)
		return;
	/* An audit module's libc.so.6 that served before the program's exists: another one's. */
	memset(&glibc_libc, 0, sizeof glibc_libc);
	glro_set_catch_error(0);
	fns_ns = NS_MAX;
	for (unsigned n = 0; n < NS_MAX; n++)
		if (libc_of[n] && libc_initialised[n]) {
			use_libc_functions(libc_of[n]);
			break;
		}
}

/* A symbol's address in one object, by name and version (NULL: any). */
static uintptr_t sym_in(struct dso *d, const char *name, const char *version)
{
	struct dso_version v = {.name = version};
	struct sym_query q = {.name = name, .gnu_hash = gnu_hash(name), .version = version ? &v : NULL};
	const Elf64_Sym *s = d ? lookup_in_dso(d, &q) : NULL;
	if (!s)
		return 0;
	if (d == R.vdso && DEBUG_ON(DBG_BINDINGS)) /* glibc's dl_vdso_vsym looks these up from the vDSO itself */
		debug_binding(d, NULL, d, name, version);
	struct sym_def def = {s, d};
	return sym_address(&def);
}

static uintptr_t libc_sym(const char *name, const char *version)
{
	return sym_in(libc, name, version);
}

static void init_mutex(size_t off) { GL(off + MUTEX_KIND, int) = 1; /* PTHREAD_MUTEX_RECURSIVE_NP */ }

static void list_init(size_t off)
{
	void **l = (void **)(_rtld_global + off);
	l[0] = l;
	l[1] = l;
}

static void list_add(void **head, void **entry)
{
	/* glibc's list_add: entry goes first. */
	void **first = (void **)head[0];
	entry[0] = first;
	entry[1] = head;
	first[1] = entry;
	head[0] = entry;
}

/* The main thread's struct pthread beyond the header tls.c wrote (abi 3.2). */
static void init_main_thread(void)
{
	char *pd = R.tp;
	long tid = sys_call3(SYS_set_tid_address, pd + PD_tid, 0, 0);
	LM(pd, PD_tid, int) = (int)tid;
	void *head = pd + PD_robust_head;
	LM(pd, PD_robust_prev, void *) = head;
	LM(pd, PD_robust_head_list, void *) = head;
	LM(pd, PD_robust_head_futex_offset, long) = -32; /* offsetof(__list) - offsetof(__lock) in a mutex */
	LM(pd, PD_robust_head_list_op_pending, void *) = NULL;
	sys_call3(SYS_set_robust_list, head, 24, 0);
	LM(pd, PD_specific, void *) = pd + PD_specific_1stblock;
	LM(pd, PD_report_events, char) = __nptl_initial_report_events;
	LM(pd, PD_user_stack, char) = 1;
	LM(pd, PD_stackblock_size, size_t) = (size_t)__libc_stack_end;
	/* rseq, as glibc does unless glibc.pthread.rseq=0: register the main thread's area
	 * (cpu_id -1 until the kernel fills it); libc then registers every new thread too. If the
	 * kernel refuses (or valgrind), cpu_id -2 (RSEQ_CPU_ID_REGISTRATION_FAILED) tells libc, and
	 * threads do not try. */
	int64_t want = 1;
	glibc_tunable("glibc.pthread.rseq", &want);
	LM(pd, PD_rseq_area_cpu_id, int) = -1;
	long r = want ? sys_call6(SYS_rseq, (long)(pd + PD_rseq_area), 32, 0, 0x53053053, 0, 0) : -1;
	if (r == 0)
		__rseq_size = 20; /* what glibc 2.36 registers: the ABI's original 20 bytes */
	else {
		LM(pd, PD_rseq_area_cpu_id, int) = -2;
		__rseq_size = 0;
	}
	list_add((void **)(_rtld_global + GL__dl_stack_user), (void **)(pd + PD_list));
}

static void fill_rtld_global(void)
{
	init_mutex(GL__dl_load_lock);
	init_mutex(GL__dl_load_write_lock);
	init_mutex(GL__dl_load_tls_lock);
	list_init(GL__dl_stack_used);
	list_init(GL__dl_stack_user);
	list_init(GL__dl_stack_cache);
	/* Executable if any object loaded at start-up asks for it (start-up makes the main
	 * stack so, see main.c): then pthread_create makes every new thread's stack executable. */
	uint32_t flags = PF_R | PF_W;
	for (struct dso *d = R.head; d; d = d->next)
		if (dso_wants_exec_stack(d))
			flags |= PF_X;
	GL(GL__dl_stack_flags, uint32_t) = flags;
	GL(GL__dl_initial_dtv, void *) = LM(R.tp, PD_header_dtv, void *);
	/* _dl_all_dirs == GLRO(dl_init_all_dirs), non-NULL: rtld_active() tests it. */
	static void *dummy_dir[8];
	GL(GL__dl_all_dirs, void *) = dummy_dir;
	GLRO(GLRO__dl_init_all_dirs, void *) = dummy_dir;
}

/* The TLS module bookkeeping libc and libthread_db read, as it is now. */
static void fill_tls_fields(void)
{
	GL(GL__dl_tls_max_dtv_idx, size_t) = R.tls_max_modid;
	GL(GL__dl_tls_static_nelem, size_t) = R.tls_max_modid;
	GL(GL__dl_tls_generation, size_t) = R.tls_generation;
	glibc_update_slotinfo();
}

static void fill_rtld_global_ro(void)
{
	char *glro = _rtld_global_ro;
	/* libc's own debug lines ("initialize program", "transferring control") under glibc's
	 * DL_DEBUG_IMPCALLS (1 << 1): the only bit libc reads */
	GLRO(GLRO__dl_debug_mask, int) = DEBUG_ON(DBG_IMPCALLS) ? 1 << 1 : 0;
	const char *plat = hwcaps_platform() ? hwcaps_platform() : "x86_64"; /* "haswell" where glibc says so */
	GLRO(GLRO__dl_platform, const char *) = plat;
	GLRO(GLRO__dl_platformlen, size_t) = strlen(plat);
	GLRO(GLRO__dl_pagesize, size_t) = R.pagesize;
	/* Without AT_MINSIGSTKSZ glibc falls back to MINSIGSTKSZ; sysconf asserts it is not 0. */
	GLRO(GLRO__dl_minsigstacksize, size_t) = R.aux[AT_MINSIGSTKSZ] ? R.aux[AT_MINSIGSTKSZ] : 2048;
	GLRO(GLRO__dl_inhibit_cache, int) = R.inhibit_cache;
	GLRO(GLRO__dl_clktck, int) = R.aux[AT_CLKTCK] ? (int)R.aux[AT_CLKTCK] : 100;
	GLRO(GLRO__dl_debug_fd, int) = 2;
	GLRO(GLRO__dl_lazy, int) = !R.bind_now;
	GLRO(GLRO__dl_fpu_control, uint16_t) = R.aux[AT_FPUCW] ? (uint16_t)R.aux[AT_FPUCW] : 0x037f;
	GLRO(GLRO__dl_hwcap, uint64_t) = 1u << 1; /* glibc's HWCAP_X86_64, not the kernel's word */
	GLRO(GLRO__dl_hwcap2, uint64_t) = R.aux[AT_HWCAP2];
	GLRO(GLRO__dl_auxv, void *) = R.auxv;
	glibc_cpu_features(glro);
	/* glibc counts the TCB (struct pthread) in the static size. */
	GLRO(GLRO__dl_tls_static_size, size_t) = R.tls_static_size + PTHREAD_SIZE;
	GLRO(GLRO__dl_tls_static_align, size_t) = R.tls_static_align;
	GLRO(GLRO__dl_tls_static_surplus, size_t) = R.tls_surplus;
	GLRO(GLRO__dl_sysinfo_dso, uintptr_t) = R.aux[AT_SYSINFO_EHDR];
	GLRO(GLRO__dl_dso_sort_algo, int) = 2;
	/* The vDSO: clock_gettime and friends call these directly (NULL: a system call). The
	 * time/gettimeofday IFUNCs would search dl_sysinfo_map, which stays NULL. */
	if (R.vdso && R.vdso->dynamic) {
		GLRO(GLRO__dl_vdso_clock_gettime64, uintptr_t) =
			sym_in(R.vdso, "__vdso_clock_gettime", "LINUX_2.6");
		GLRO(GLRO__dl_vdso_gettimeofday, uintptr_t) = sym_in(R.vdso, "__vdso_gettimeofday", "LINUX_2.6");
		GLRO(GLRO__dl_vdso_time, uintptr_t) = sym_in(R.vdso, "__vdso_time", "LINUX_2.6");
		GLRO(GLRO__dl_vdso_getcpu, uintptr_t) = sym_in(R.vdso, "__vdso_getcpu", "LINUX_2.6");
		GLRO(GLRO__dl_vdso_clock_getres_time64, uintptr_t) =
			sym_in(R.vdso, "__vdso_clock_getres", "LINUX_2.6");
	}
	/* time() and gettimeofday() are IFUNCs that look their vDSO functions up through
	 * dl_sysinfo_map with dl_lookup_symbol_x: the vDSO's map, searching itself. */
	if (R.vdso && R.vdso->dynamic) {
		static struct dso *self_list[1];
		self_list[0] = R.vdso;
		R.vdso->search_list = self_list;
		R.vdso->nsearch_list = 1;
		glibc_build_map(R.vdso);
		glibc_set_search_list(R.vdso);
		GLRO(GLRO__dl_sysinfo_map, void *) = R.vdso->personality;
	}
	glibc_fill_dlfcn_hooks(glro);
}

/* libc's own functions the loader calls: its error raising (dlopen/dlsym errors must reach the
 * catcher libc keeps in its own TLS, abi 1.2 row 832) and its mutexes (for GL(dl_load_lock)). */
static void use_libc_functions(struct dso *l)
{
	fns_ns = l->ns;
	glro_set_catch_error(sym_in(l, "_dl_catch_error", "GLIBC_PRIVATE"));
	glibc_libc.mutex_lock = (int (*)(void *))sym_in(l, "pthread_mutex_lock", "GLIBC_2.2.5");
	glibc_libc.mutex_unlock = (int (*)(void *))sym_in(l, "pthread_mutex_unlock", "GLIBC_2.2.5");
	glibc_libc.signal_error = (void (*)(int, const char *, const char *, const char *))sym_in(
		l, "_dl_signal_error", "GLIBC_PRIVATE");
}

static bool early_done;

/* What every libc.so.6 reads before any of its code runs and that does not depend on which
 * copy it is: _rtld_global(_ro) with the CPU features and the TLS sizes, the main thread's
 * struct pthread. Needs the static TLS layout and the thread pointer. Done once: with audit
 * modules, before their libc.so.6 copies are relocated; otherwise with the rest. */
void glibc_before_libc(uintptr_t *sp)
{
	if (early_done)
		return;
	early_done = true;
	__libc_stack_end = sp;
	__libc_enable_secure = R.secure;
	_dl_argv = R.argv;
	glibc_tunables_init();
	fill_rtld_global();
	fill_rtld_global_ro();
	init_main_thread();
	fill_tls_fields();
	glibc_active = true;
	R.link_map_of = glibc_link_map_of;
}

void glibc_before_reloc(uintptr_t *sp)
{
	glibc_before_libc(sp);
	glibc_link_list();
	for (struct dso *d = R.head; d; d = d->next)
		if (!d->dlopened) /* objects of audit namespaces were counted when added */
			GL(GL__dl_load_adds, unsigned long long)++;
	fill_tls_fields();
	LM(_rtld_global, NS_libc_map, void *) = glibc_map_of(libc);
	use_libc_functions(libc);
}

void glibc_after_reloc(void)
{
	glro_sealed = true; /* main.c: RELRO is read-only from here */
	/* What libc's free() is must be what the program sees (it may interpose malloc). */
	struct sym_def def;
	if (lookup_global("malloc", &def))
		glibc_libc.malloc = (void *(*)(size_t))sym_address(&def);
	if (lookup_global("free", &def))
		glibc_libc.free = (void (*)(void *))sym_address(&def);
	if (lookup_global("calloc", &def))
		glibc_libc.calloc = (void *(*)(size_t, size_t))sym_address(&def);
	R.tls_malloc = glibc_libc.malloc;
	R.app_calloc = glibc_libc.calloc;
	/* glibc's ld.so takes libc's malloc functions for itself here, through dlsym's path:
	 * audit modules see those four bindings (la_symbind64, LA_SYMB_DLSYM, from the program). */
	static const char malloc_fns[][8] = {"calloc", "free", "malloc", "realloc"}; /* no pointers: not RELRO */
	for (size_t i = 0; R.naudit && i < sizeof malloc_fns / sizeof malloc_fns[0]; i++)
		if (lookup_global(malloc_fns[i], &def)) {
			void *value = (void *)sym_address(&def);
			audit_symbind_dlsym(R.main, def.dso, def.sym, &value);
		}
	R.tls_free = glibc_libc.free;
	void (*early_init)(bool) = (void (*)(bool))sym_in(libc, "__libc_early_init", "GLIBC_PRIVATE");
	if (!early_init)
		die_load(dso_display(libc), "no __libc_early_init@GLIBC_PRIVATE");
	if (DEBUG_ON(DBG_FILES))
		dbg("calling __libc_early_init(true)");
	early_init(true);
	glibc_install_locks(libc_sym);
}

/* GL(dl_tls_dtv_slotinfo_list): {generation, link_map} per TLS module id. libc's
 * __libc_freeres walks it (valgrind calls that at exit) and libthread_db reads it to find a
 * thread's TLS for gdb. One block, rebuilt larger when dlopen adds modules; old blocks are
 * kept (a reader may hold one). Room for twice the ids in use (at least 8 more): glibc's 64
 * spare entries would be 1 KiB each process has to itself, where python3 uses two. */
void glibc_update_slotinfo(void)
{
	size_t len = R.tls_max_modid + 1 + (R.tls_max_modid > 8 ? R.tls_max_modid : 8);
	char *list = LM(_rtld_global, GL__dl_tls_dtv_slotinfo_list, char *);
	if (!list || LM(list, SLOTLIST_len, size_t) < R.tls_max_modid + 1) {
		list = rt_calloc(1, SLOTLIST_slotinfo + len * SLOT_SIZE);
		if (!list)
			die_load(NULL, "out of memory");
		LM(list, SLOTLIST_len, size_t) = len;
	}
	for (size_t id = 1; id <= R.tls_max_modid; id++) {
		struct dso *d = tls_module(id);
		char *slot = list + SLOTLIST_slotinfo + id * SLOT_SIZE;
		if (d)
			glibc_build_map(d);
		void *map = d ? d->personality : NULL;
		if (LM(slot, SLOT_map, void *) == map)
			continue;
		LM(slot, SLOT_gen, size_t) = R.tls_generation; /* added, or unloaded (NULL) */
		LM(slot, SLOT_map, void *) = map;
	}
	LM(_rtld_global, GL__dl_tls_dtv_slotinfo_list, char *) = list;
}

void glibc_add_objects(struct dso *first)
{
	for (struct dso *d = first; d; d = d->next) {
		glibc_build_map(d);
		GL(GL__dl_load_adds, unsigned long long)++; /* monotonic: dl_iterate_phdr's adds/subs */
	}
	for (unsigned n = 1; n < R.nns; n++)
		if (libc_of[n])
			LM(ns_record(n), NS_libc_map, void *) = libc_of[n]->personality;
	glibc_link_list();
	GL(GL__dl_tls_max_dtv_idx, size_t) = R.tls_max_modid;
	GL(GL__dl_tls_generation, size_t) = R.tls_generation;
	glibc_update_slotinfo();
}
