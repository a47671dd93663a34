#ifndef MMLD_DEBUG_H
#define MMLD_DEBUG_H
#include "rtld.h"

/* <link.h>'s public part of a link_map, and struct r_debug (SVR4 debugger interface), with
 * glibc's extension: r_version 2 means r_next leads to the r_debug of the next namespace. */
struct link_map {
	uintptr_t l_addr;
	char *l_name;
	Elf64_Dyn *l_ld;
	struct link_map *l_next, *l_prev;
};
struct r_debug {
	int r_version;
	struct link_map *r_map;
	uintptr_t r_brk;
	int r_state;
	uintptr_t r_ldbase;
};
struct r_debug_extended {
	struct r_debug base;
	struct r_debug_extended *r_next;
};

/* Exported as _r_debug too (with struct r_debug's size, for programs that name it). */
extern struct r_debug_extended _r_debug_extended HIDDEN;
EXPORT void _dl_debug_state(void);
/* Links each namespace's link_map chain (l_next/l_prev) in load order, ld-mmld.so's stand-in
 * last in namespaces other than 0, and records its head and length in NS(n). Objects without
 * a personality map get a plain one. */
HIDDEN void debug_link(void);
/* Builds the chains and tells the debugger the lists are consistent. */
HIDDEN void debug_publish(void);
/* The same without telling the debugger: _r_debug filled in before the program is relocated,
 * because a program that copy-relocates _r_debug (reads it itself: glibc's circleload1,
 * neededtest) gets the contents of that moment; r_map, the head of the list, stays valid. */
HIDDEN void debug_prepare(void);
/* Before objects are added (RT_ADD, 1) or removed (RT_DELETE, 2) in namespace ns: tells the
 * debugger. */
HIDDEN void debug_announce(unsigned ns, int state);

/* debug_scopes.c: LD_DEBUG=bindings' line for one binding (version: the one asked for, or
 * NULL), and LD_DEBUG=scopes' blocks: every object of namespace 0 after start-up's
 * relocation; one object's scopes from scope `from` on (dlopen: 0 for all, or the first one
 * it just gained). */
HIDDEN void debug_binding(const struct dso *ref_obj, const Elf64_Sym *ref, const struct dso *def_obj,
			  const char *name, const char *version);
HIDDEN void debug_show_initial_scopes(void);
HIDDEN void debug_show_scope(struct dso *d, unsigned from);
#endif
