/* ld-mmld.so start-up, as a table of contents. Each step is one call; LD_DEBUG=files
 * prints a line per step. Order matters where a comment says why. */
#include "debug.h"
#include "arch/x86_64/isa.h"
#include "deps.h"
#include "init.h"
#include "map.h"
#include "options.h"
#include "reloc.h"
#include "stack.h"
#include "tls.h"
#include "versions.h"
#include "glibc/glibc.h"
#include "hold.h"
#include "hwcaps.h"
#include "trace.h"
#include "search.h"
#include "audit.h"
#include "relcache.h"
#include "preload_file.h"
#include "chain_load.h"

struct rtld_state R;

extern const Elf64_Ehdr __ehdr_start HIDDEN;
void _dl_start(void) HIDDEN;
HIDDEN uintptr_t rtld_self_relocate(void);

/* Used by the assembly trampolines: how to save the vector registers (CPUID, step 3c). */
HIDDEN int rtld_xsave_mode;      /* 0: FXSAVE; 1: XSAVE */
HIDDEN size_t rtld_xsave_size;   /* bytes, a multiple of 64 */
/* Used by the auditing trampoline: how wide the argument vector registers are, as glibc fills
 * La_x86_64_regs.lr_vector: 0 xmm only, 1 ymm (AVX), 2 zmm (AVX-512F), each if the OS enabled it. */
HIDDEN int rtld_audit_vec;

/* Remembered per leaf (arch/x86_64/isa.c): each real CPUID is a trap in a virtual machine. */
static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) { x86_cpuid(leaf, sub, r); }

static void setup_xsave(void)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	uint32_t max = r[0];
	cpuid(1, 0, r);
	bool osxsave = (r[2] & (1u << 27)) != 0;
	rtld_xsave_mode = 0;
	rtld_xsave_size = 512;
	bool avx = (r[2] & (1u << 28)) != 0;
	if (osxsave && max >= 0xd) {
		cpuid(0xd, 0, r);
		if (r[1] >= 576) {
			rtld_xsave_mode = 1;
			rtld_xsave_size = (r[1] + 63) & ~63u;
		}
	}
	uint32_t xcr0 = 0, edx;
	if (osxsave)
		__asm__ volatile("xgetbv" : "=a"(xcr0), "=d"(edx) : "c"(0));
	rtld_audit_vec = 0;
	if (avx && (xcr0 & 0x6) == 0x6) {
		rtld_audit_vec = 1;
		if (max >= 7) {
			cpuid(7, 0, r);
			if ((r[1] & (1u << 16)) && (xcr0 & 0xe6) == 0xe6) /* AVX512F; opmask, ZMM_Hi256, Hi16_ZMM */
				rtld_audit_vec = 2;
		}
	}
}

static void print_statistics(uint64_t t_end)
{
	uint64_t total = t_end - R.t_start;
	dbg("%s", "");
	dbg("runtime linker statistics (mmld):");
	dbg("  total startup time in dynamic loader: %lu ns", (unsigned long)total);
	dbg("            time needed for relocation: %lu ns (%lu.%lu%%)", (unsigned long)R.t_reloc,
	    (unsigned long)(total ? R.t_reloc * 100 / total : 0), (unsigned long)(total ? R.t_reloc * 1000 / total % 10 : 0));
	dbg("                 number of relocations: %lu", (unsigned long)R.nrelocs);
	dbg("        number of relative relocations: %lu", (unsigned long)R.nrelative);
	if (R.nobjects_cached)
		dbg("      number of relocations from cache: %lu (%lu objects mapped from the relocation cache)",
		    (unsigned long)R.nrelocs_cached, (unsigned long)R.nobjects_cached);
	dbg("                symbol lookups (scans): %lu", (unsigned long)R.nlookups);
	for (struct dso *d = R.head; d; d = d->next)
		if (d->nrelocs)
			dbg("    %-40s %8lu relocations, %8lu relative, %8lu symbolic", dso_display(d),
			    (unsigned long)d->nrelocs, (unsigned long)d->nrelative, (unsigned long)d->nsymbolic);
	dbg("  loader heap mapped: %lu KiB", (unsigned long)(rt_alloc_mapped_bytes() / 1024));
}

static const char *program_interp(const struct dso *d)
{
	for (size_t i = 0; i < d->phnum; i++)
		if (d->phdr[i].p_type == PT_INTERP && d->phdr[i].p_filesz > 1) {
			const char *s = (const char *)(d->load_bias + d->phdr[i].p_vaddr);
			if (dso_contains(d, (uintptr_t)s, d->phdr[i].p_filesz, PF_R) && s[d->phdr[i].p_filesz - 1] == 0)
				return s;
		}
	return NULL;
}

/* Step 4 in direct mode: open and map PROGRAM ourselves. */
static struct dso *map_program(const char *path)
{
	char err[512];
	bool wrong_class;
	if (!strchr(path, '/') && !(path = search_program_in_cache(path))) {
		if (R.mode == MODE_VERIFY)
			sys_exit_group(1);
		die_load(R.progname, "cannot open shared object file"); /* glibc: no errno, nothing was opened */
	}
	long fd = sys_open(path, O_READ_FILE_, 0);
	if (fd < 0) {
		if (R.mode == MODE_VERIFY)
			sys_exit_group(1);
		/* glibc's start-up words for errno: a name for the common ones, else the number */
		if (fd == -ENOENT_ || fd == -13 /* EACCES */)
			die_load(path, "cannot open shared object file: %s",
				 fd == -ENOENT_ ? "No such file or directory" : "Permission denied");
		die_load(path, "cannot open shared object file: Error %ld", -fd);
	}
	struct dso *d = map_file(path, (int)fd, NULL, err, sizeof err, &wrong_class, true);
	sys_close((int)fd);
	if (!d) {
		if (R.mode == MODE_VERIFY)
			sys_exit_group(1);
		die_load(path, "%s", err);
	}
	if (!d->dynamic && R.mode != MODE_RUN) { /* a static program: only run (chain_load) */
		if (R.mode == MODE_VERIFY)
			sys_exit_group(1);
		die_load(path, "object has no dynamic section");
	}
	d->kind = DSO_MAIN;
	d->name = rt_strdup(path);
	d->path = rt_strdup(path);
	return d;
}

struct start_result {
	uintptr_t entry;
	uintptr_t *sp;
};

/* The steps of start-up, in the order rtld_main calls them. Each is called once and inlined
 * (always_inline: the split costs no instruction); the numbers are the steps of the README. */
#define STEP static inline __attribute__((always_inline))

/* 3: argv, envp, auxv; ld-mmld.so as an object; LD_* variables. */
STEP void read_process(uintptr_t *sp, uintptr_t self_bias)
{
	stack_decode(sp);
	R.ns0.used = true;                                       /* the program's namespace */
	R.nns = 1;
	setup_xsave();                                           /* 3c: how the trampoline saves vectors */
	R.self = map_adopt_image(&__ehdr_start, self_bias, DSO_RTLD);
	deps_prepare(R.self);
	R.self->name = (char *)R.self->soname;
	R.direct = R.aux[AT_ENTRY] == (uintptr_t)_dl_start;
	R.progname = R.argv[0];
	options_from_env();                                      /* 3b: LD_* variables */
	if (DEBUG_ON(DBG_STATISTICS))                            /* a clock read only when asked for */
		R.t_start = rt_now_ns();
}

/* What children must not see: a privileged process's unsafe variables, mmld's stop request
 * (this process only). Returns the new stack pointer (argv moves up). */
STEP uintptr_t *own_environment(uintptr_t *sp)
{
	if (R.secure)
		sp = options_scrub_env(sp);
	return hold_take_env(sp);
}

/* 4, direct mode: the command line, the program opened and mapped by us, the stack made the
 * program's (argv from PROGRAM on, its auxv); a program needing no dynamic linker executed
 * again; --verify answered. */
STEP uintptr_t *map_program_direct(uintptr_t *sp)
{
	R.self->path = R.argv[0];
	int idx = options_from_cmdline();
	const char *path = R.argv[idx];
	R.progname = path;
	R.main = map_program(path);
	sp = stack_drop_args(sp, idx);
	if (R.argv0)
		R.argv[0] = (char *)R.argv0;
	R.progname = R.argv[0];
	if (R.mode == MODE_RUN)                                  /* static, static-pie, a loader */
		chain_load(R.main, path, program_interp(R.main) != NULL);
	stack_patch_auxv(R.main, path);
	if (R.mode == MODE_VERIFY)
		sys_exit_group(program_interp(R.main) ? 0 : 2);
	return sp;
}

/* 4, PT_INTERP: the program the kernel mapped. */
STEP void adopt_program(void)
{
	R.main = map_adopt_program((const Elf64_Phdr *)R.aux[AT_PHDR], R.aux[AT_PHNUM], R.aux[AT_ENTRY]);
	R.main->name = R.argv[0] ? R.argv[0] : "";
	R.main->path = "";
	if (!R.main->dynamic)
		die_load(R.progname, "program has no dynamic section");
}

/* The program first on the list and in its namespace's scope; ld-mmld.so's file known by its
 * device and inode (a DT_NEEDED naming it finds it). */
STEP void add_program(void)
{
	const char *interp = program_interp(R.main);
	if (interp && !R.direct)
		R.self->path = (char *)interp;
	struct kstat st;
	if (R.self->path && sys_stat(R.self->path, &st) == 0) {
		R.self->dev = st.st_dev;
		R.self->ino = st.st_ino;
	}
	deps_append(R.main);
	deps_prepare(R.main);
	deps_scope_add(R.main);
	if (DEBUG_ON(DBG_FILES))
		dbg("program %s: base %#lx, entry %#lx, %s mode", dso_display(R.main), (unsigned long)R.main->load_bias,
		    (unsigned long)R.main->entry, R.direct ? "direct" : "PT_INTERP");
}

/* 4b: the vDSO the kernel mapped. */
STEP void adopt_vdso(void)
{
	if (!R.aux[AT_SYSINFO_EHDR])
		return;
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)R.aux[AT_SYSINFO_EHDR];
	const Elf64_Phdr *ph = (const Elf64_Phdr *)((uintptr_t)eh + eh->e_phoff);
	uintptr_t first = 0;
	for (size_t i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD) {
			first = ph[i].p_vaddr;
			break;
		}
	R.vdso = map_adopt_image(eh, (uintptr_t)eh - first, DSO_VDSO);
	R.vdso->name = "linux-vdso.so.1";
	R.vdso->path = "";
	if (R.vdso->dynamic)
		deps_prepare(R.vdso);
	deps_append(R.vdso);
}

/* 4c-5: audit modules, then the preloads and every DT_NEEDED object. */
STEP void load_objects(uintptr_t *sp)
{
	if (R.naudit_lists || R.main->names_auditors)            /* 4c: audit modules first, each with */
		glibc_audit_start(sp);                           /*     its own namespace and libc */
	relcache_init();                                         /* 4d: MMLD_RELOC_CACHE: before libraries
								    are placed (at agreed addresses) */
	deps_preload(R.preload, "LD_PRELOAD");                   /* 5: LD_PRELOAD, --preload, */
	deps_preload(R.preload_arg, "--preload");
	preload_file_load();                                     /*    /etc/ld.so.preload, then DT_NEEDED */
	if (R.naudit && R.vdso)                                  /*    (the vDSO's la_objopen: after preloads) */
		audit_objopen(R.vdso);
	deps_load_all();
	search_release_cache();
	if (R.self->in_global_scope)                             /* listed only if needed, as glibc: */
		deps_list_rtld();                                /*   where the search first met it */
}

/* 6: the needed versions exist (glibc reports each missing one, then exits 1; ldd lists on);
 * ldd's list; 6b: ISA-level markers (glibc: after listing, before relocating). */
STEP void check_objects(void)
{
	bool versions_found = true;
	for (struct dso *d = R.head; d; d = d->next)
		if (d->kind != DSO_VDSO && !d->missing)
			versions_found &= versions_check(d, true);
	if (!versions_found && R.mode != MODE_LIST)
		sys_exit_group(1);
	if (R.mode == MODE_LIST)
		trace_report();
	for (struct dso *d = R.head; d; d = d->next)
		if (!hwcaps_isa_ok(d)) {
			rt_dprintf(2, "%s: CPU ISA level is lower than required\n", d == R.main ? R.progname : dso_display(d));
			sys_exit_group(127);
		}
}

/* 7-10: TLS, what libc reads while relocated, relocation, gdb's r_debug, RELRO, TLS images,
 * libc's early initialisation. */
STEP void relocate_objects(uintptr_t *sp)
{
	bool glibc = glibc_detect();                             /* the glibc personality, if libc.so.6 */
	R.tcb_size = PTHREAD_SIZE;                               /* 7: TLS; the TCB is glibc's struct pthread */
	if (R.tp) {                                              /*    made for the audit modules already: */
		tls_add_modules(R.head);                         /*    the rest as glibc then does */
		tls_publish(R.head);
	} else {
		tls_layout();
		tls_setup_main_thread();
	}
	if (glibc)                                               /* 10a: what libc reads while relocated */
		glibc_before_reloc(sp);
	debug_prepare();                                         /* 10a: _r_debug before a COPY reloc reads it */
	reloc_all();                                             /* 8: libraries first, program last */
	relcache_done();                                         /* 8b: hits logged; verify's verdict */
	debug_publish();                                         /* 10: r_debug for gdb; writes DT_DEBUG,
								    so before RELRO covers .dynamic */
	if (DEBUG_ON(DBG_SCOPES))
		debug_show_initial_scopes();
	for (struct dso *d = R.head; d; d = d->next)             /* 9: RELRO read-only, only now */
		if (d->kind != DSO_VDSO && d != R.self)
			map_protect_relro(d);
	map_protect_relro(R.self);
	tls_init_images();                                       /* 7b: TLS images hold relocated data */
	if (glibc)                                               /* 10b: __libc_early_init */
		glibc_after_reloc();
	if (R.naudit)
		audit_activity(0, LA_ACT_CONSISTENT_);
}

/* Before any initialiser: an executable stack if an object asks for one; the statistics; the
 * entry point checked to be code (12 is a jump there); each initialiser's address checked. */
STEP void prepare_entry(uintptr_t *sp)
{
	uint32_t stack_x = 0;
	for (struct dso *d = R.head; d; d = d->next)
		stack_x |= dso_wants_exec_stack(d);
	if (stack_x && sys_mprotect((void *)((uintptr_t)sp & ~(R.pagesize - 1)), R.pagesize,
				    PROT_READ_ | PROT_WRITE_ | PROT_EXEC_ | 0x01000000 /* PROT_GROWSDOWN */) < 0)
		die_load(NULL, "cannot enable executable stack as shared object requires");
	if (DEBUG_ON(DBG_STATISTICS))
		print_statistics(rt_now_ns());
	if (!code_address(R.main, R.main->entry, false))
		die_load(dso_display(R.main), "entry point %#lx outside the loaded code",
			 (unsigned long)(R.main->entry - R.main->load_bias));
	for (struct dso *d = R.head; d; d = d->next)
		init_check(d);
}

/* Everything after self-relocation, one step a line. noinline: the compiler must not hoist a
 * global access from here into rtld_start_c, above the relocation. */
__attribute__((noinline)) static struct start_result rtld_main(uintptr_t *sp, uintptr_t self_bias)
{
	struct x86_cpuid_memo cpuid_memo;       /* start-up asks each CPUID leaf once */
	x86_cpuid_memo(&cpuid_memo);
	read_process(sp, self_bias);            /* 3: argv, envp, auxv; LD_* variables */
	sp = own_environment(sp);               /* 3b: what children must not see */
	if (R.direct)                           /* 4: the program, mapped by us */
		sp = map_program_direct(sp);
	else                                    /*    or by the kernel */
		adopt_program();
	add_program();                          /* 4a: first on the list and in the scope */
	adopt_vdso();                           /* 4b: the vDSO the kernel mapped */
	load_objects(sp);                       /* 4c-5: audit modules, preloads, DT_NEEDED */
	check_objects();                        /* 6: versions, ldd's list, ISA levels */
	relocate_objects(sp);                   /* 7-10: TLS, relocation, r_debug, RELRO */
	hold_at(STOP_LOADED);                   /* MMLD_STOP=loaded: measured here, where
						   glibc's ld.so says RT_CONSISTENT */
	prepare_entry(sp);                      /* 11a: executable stack, entry point checked */
	x86_cpuid_memo(NULL);                   /* the program's threads may dlopen */
	init_run_all();                         /* 11: initialisers */
	hold_at(STOP_ENTRY);                    /* MMLD_STOP=entry */
	return (struct start_result){R.main->entry, sp}; /* 12: start.S jumps there */
}

/* Step 1-2, called from start.S with the kernel's stack pointer. Nothing of ours is
 * relocated until rtld_self_relocate returns. */
HIDDEN struct start_result rtld_start_c(uintptr_t *sp)
{
	uintptr_t bias = rtld_self_relocate();
	return rtld_main(sp, bias);
}
