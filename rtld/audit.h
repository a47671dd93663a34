/* rtld-audit: the auditing interface of rtld-audit(7), as glibc 2.36 defines it (LD_AUDIT,
 * --audit, DT_AUDIT). Audit modules are loaded first, each into a link-map namespace of its
 * own, and are told of every later event through their la_* functions, in the order they were
 * listed. Every hook below is called behind `if (R.naudit)`: with no audit module, auditing
 * costs one predictable branch where it could happen (and one environment lookup). */
#ifndef MMLD_AUDIT_H
#define MMLD_AUDIT_H
#include "rtld.h"

#define AUDIT_MAX 16
#define LAV_CURRENT_ 2

/* <link.h>'s constants. */
enum { LA_ACT_CONSISTENT_ = 0, LA_ACT_ADD_ = 1, LA_ACT_DELETE_ = 2 };
enum { LA_SER_ORIG_ = 0x01, LA_SER_LIBPATH_ = 0x02, LA_SER_RUNPATH_ = 0x04, LA_SER_CONFIG_ = 0x08,
       LA_SER_DEFAULT_ = 0x40 };
enum { LA_FLG_BINDTO_ = 0x01, LA_FLG_BINDFROM_ = 0x02 };
enum { LA_SYMB_NOPLTENTER_ = 0x01, LA_SYMB_NOPLTEXIT_ = 0x02, LA_SYMB_DLSYM_ = 0x08, LA_SYMB_ALTVALUE_ = 0x10 };

/* What one auditor knows of one object: its cookie (the object's link_map until la_objopen
 * changes it) and what la_objopen answered. */
struct audit_state {
	uintptr_t cookie;
	unsigned bindflags;
};

/* One PLT slot of an audited object (glibc's reloc_result): where it was bound, and whether each
 * auditor wants la_pltenter/la_pltexit for it (two bits per auditor above a two-bit summary). */
struct audit_plt {
	struct dso *bound;
	const Elf64_Sym *defsym;
	uintptr_t addr;
	uint32_t enterexit, flags;
	int init; /* written last (release): the slot is complete */
};

/* Loading the modules is the personality's (glibc/auditload.c: dlmopen). A module just loaded into its namespace: la_version(LAV_CURRENT), then its la_* functions
 * join the list. 0: registered; 1: declined (la_version said 0, or a version we do not know:
 * reported like glibc, ignored); -1: unusable, the reason in err. */
HIDDEN int audit_register(struct dso *module, const char *name, char *err, size_t errlen);
/* la_objsearch for a name about to be searched (LA_SER_ORIG) or a path about to be tried;
 * returns the name to use, NULL to skip it. */
HIDDEN const char *audit_objsearch(const char *name, struct dso *loader, unsigned code);
/* la_objopen for an object just mapped. */
HIDDEN void audit_objopen(struct dso *d);
/* la_activity for namespace ns (its first object's cookie stands for it). */
HIDDEN void audit_activity(unsigned ns, unsigned action);
/* la_objclose, after the object's finalisers. */
HIDDEN void audit_objclose(struct dso *d);
/* la_objclose for ld.so's stand-in in namespace ns, which goes with the namespace's last object. */
HIDDEN void audit_objclose_rtld_proxy(unsigned ns);
/* la_preinit: libc's __libc_start_main, after the program's constructors (_dl_audit_preinit). */
HIDDEN void audit_preinit(struct dso *main);
/* la_symbind64 for a JUMP_SLOT bound at relocation time: *value is the GOT word. */
HIDDEN void audit_symbind_now(struct dso *ref, struct dso *def, const Elf64_Sym *defsym, uintptr_t *value);
/* la_symbind64 once per PLT slot bound lazily (through either trampoline): may change *value. */
HIDDEN void audit_symbind_lazy(struct dso *ref, size_t index, struct dso *def, const Elf64_Sym *defsym,
			       uintptr_t *value);
/* la_symbind64 for dlsym (libc's _dl_audit_symbind_alt). */
HIDDEN void audit_symbind_dlsym(struct dso *ref, struct dso *def, const Elf64_Sym *defsym, void **value);
/* Relocating d: does its PLT go through the auditing trampoline (la_pltenter/la_pltexit), and
 * does it need per-slot records (those, or la_symbind64)? */
HIDDEN bool audit_plt_trampoline(const struct dso *d);
HIDDEN void audit_plt_alloc(struct dso *d);
/* The auditing trampoline's C halves (rtld/arch/x86_64/start.S). */
HIDDEN uintptr_t rtld_audit_plt_enter(struct dso *d, size_t index, void *regs, long *framesize);
HIDDEN void rtld_audit_plt_exit(struct dso *d, size_t index, const void *inregs, void *outregs);
#endif
