#ifndef MMLD_DEBUG_H
#define MMLD_DEBUG_H
#include "rtld.h"

/* <link.h>'s public part of a link_map, and struct r_debug (SVR4 debugger interface). */
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

extern struct r_debug _r_debug EXPORT;
EXPORT void _dl_debug_state(void);
/* Builds the link_map chain of every loaded object and tells the debugger it is consistent. */
HIDDEN void debug_publish(void);
/* Before objects are added (RT_ADD, 1) or removed (RT_DELETE, 2): tells the debugger. */
HIDDEN void debug_announce(int state);
#endif
