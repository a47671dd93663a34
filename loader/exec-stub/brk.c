/* The program break: where brk(2), and so malloc's first arena, begins. The kernel puts it
 * just past the program's bss, a page further and at a random page within 1 GiB when
 * randomize_va_space is 2 (32 MiB before Linux 6.9); for an ET_DYN program without interpreter (a static PIE, or a
 * loader run as the program) at ET_DYN_BASE instead, away from the mmap area where such a
 * program itself was put. The stub's own break is past the stub, so it is moved with
 * prctl(PR_SET_MM_MAP) in handoff.c. */
#include "stub.h"

/* x86-64 randomises the break over 1 GiB since Linux 6.9, over 32 MiB before. */
static uintptr_t brk_random_range(void)
{
	struct {
		char sysname[65], nodename[65], release[65], version[65], machine[65], domain[65];
	} u;
	unsigned long major = 0, minor = 0;
	if (sys_uname(&u) == 0) {
		const char *p = u.release;
		while (*p >= '0' && *p <= '9')
			major = major * 10 + (unsigned long)(*p++ - '0');
		if (*p == '.')
			for (p++; *p >= '0' && *p <= '9'; p++)
				minor = minor * 10 + (unsigned long)(*p - '0');
	}
	return major > 6 || (major == 6 && minor >= 9) ? 1UL << 30 : 32UL << 20;
}

void brk_place(struct stub *s)
{
	uintptr_t brk = s->prog.end_bss;
	const char *why = "past the program's bss";
	if (s->prog.eh.e_type == ET_DYN && !s->has_interp) {
		brk = ET_DYN_BASE;
		why = "ET_DYN without PT_INTERP: at ET_DYN_BASE, away from the program";
	}
	brk = PAGE_UP(brk);
	if (s->randomize && s->randomize_level > 1) {
		if (!(s->prog.eh.e_type == ET_DYN && !s->has_interp))
			brk += PAGE;
		uintptr_t range = brk_random_range();
		brk += (random_long() % (range / PAGE)) * PAGE;
		why = s->prog.eh.e_type == ET_DYN && !s->has_interp ? "at ET_DYN_BASE, plus random pages"
								    : "a page past the program's bss, plus random pages";
		s->brk = brk;
		trace(s, "brk %#lx (%s: up to %#lx)", (unsigned long)brk, why, (unsigned long)range);
		return;
	}
	s->brk = brk;
	trace(s, "brk %#lx (%s)", (unsigned long)brk, why);
}
