/* The new stack, laid out as the kernel lays out a fresh process's (System V x86-64 ABI
 * 3.4.1; fs/binfmt_elf.c create_elf_tables), from the top of the [stack] mapping down:
 *
 *   top - 8          8 bytes the kernel leaves free
 *   execfn           the path that was executed (AT_EXECFN points here)
 *   envp strings     in order, each NUL-terminated
 *   argv strings     in order (mm->arg_start: what /proc/PID/cmdline shows)
 *                    up to 8 KiB of random padding (ASLR), 16-byte alignment
 *   platform string  "x86_64" (AT_PLATFORM)
 *   16 random bytes  (AT_RANDOM: libc's stack protector and pointer guard come from here)
 *   auxv             (type, value) pairs, AT_NULL last
 *   envp[], NULL
 *   argv[], NULL
 *   argc             <- the stack pointer the program starts with, 16-byte aligned
 *
 * The auxiliary vector is the stub's own, as the kernel made it for the stub, with the
 * entries that describe "the program" replaced: those are what a loader must change to
 * start another program in the same process. The image is built in scratch memory and
 * copied over the old stack in one go, because the old argv and envp strings it is made
 * from live exactly where the new ones go. */
#include "stub.h"

struct layout {
	uintptr_t top, execfn, env_start, arg_start, platform, random, sp;
	size_t envc, nauxv, platform_len;
	const char *platform_src;
};

static size_t strings_size(char **v, size_t *count)
{
	size_t n = 0, c = 0;
	for (; v[c]; c++)
		n += strlen(v[c]) + 1;
	*count = c;
	return n;
}

static void compute_layout(const struct stub *s, struct layout *l)
{
	size_t argc;
	l->top = s->stack_hi;
	l->execfn = l->top - 8 - (strlen(s->execfn) + 1);
	l->env_start = l->execfn - strings_size(s->envp, &l->envc);
	l->arg_start = l->env_start - strings_size(s->argv, &argc);
	uintptr_t p = l->arg_start;
	if (s->randomize)
		p -= random_long() % 8192;
	p &= ~15UL;
	l->platform_src = "";
	l->nauxv = 1; /* AT_NULL */
	for (Elf64_auxv_t *a = s->auxv; a->a_type != AT_NULL; a++, l->nauxv++)
		if (a->a_type == AT_PLATFORM)
			l->platform_src = (const char *)a->a_un.a_val;
	l->platform_len = strlen(l->platform_src) + 1;
	p -= l->platform_len;
	l->platform = p;
	p -= 16;
	l->random = p;
	p -= l->nauxv * 16;
	size_t items = (size_t)s->argc + 1 + l->envc + 1 + 1;
	l->sp = (p - items * 8) & ~15UL;
}

/* The value the new auxv gives type, and why, for the trace. */
static uint64_t aux_value(const struct stub *s, const struct layout *l, const Elf64_auxv_t *a, const char **why)
{
	*why = "as the kernel gave it to the stub";
	switch (a->a_type) {
	case AT_PHDR: *why = "the program's headers, in memory"; return s->prog.phdr_addr;
	case AT_PHENT: *why = "size of one program header"; return sizeof(Elf64_Phdr);
	case AT_PHNUM: *why = "the program's"; return s->prog.eh.e_phnum;
	case AT_BASE: *why = s->has_interp ? "where the interpreter was put" : "no interpreter"; return s->has_interp ? s->interp.bias : 0;
	case AT_FLAGS: *why = "none"; return 0;
	case AT_ENTRY: *why = "the program's entry point"; return s->prog.entry;
	case AT_RANDOM: *why = "16 fresh random bytes"; return l->random;
	case AT_EXECFN: *why = "the path executed"; return l->execfn;
	case AT_PLATFORM: *why = "copied to the new stack"; return l->platform;
	case AT_SYSINFO_EHDR: *why = "the vDSO the kernel mapped for the stub"; return a->a_un.a_val;
	case AT_SECURE: *why = "the stub's: set-user-ID bits are not honoured"; return a->a_un.a_val;
	}
	return a->a_un.a_val;
}

static void trace_aux(const struct stub *s, uint64_t type, uint64_t v, const char *str, const char *why)
{
	switch (type) {
	case AT_EXECFN:
	case AT_PLATFORM:
		trace(s, "  %-20s %#lx \"%s\" (%s)", auxv_name(type), (unsigned long)v, str, why);
		break;
	case AT_PHDR: case AT_BASE: case AT_ENTRY: case AT_RANDOM: case AT_SYSINFO_EHDR: case AT_HWCAP: case AT_HWCAP2:
		trace(s, "  %-20s %#lx (%s)", auxv_name(type), (unsigned long)v, why);
		break;
	default:
		trace(s, "  %-20s %lu (%s)", auxv_name(type), (unsigned long)v, why);
	}
}

static char *put_strings(char *img, uintptr_t base, uintptr_t at, char **v, uint64_t *ptrs)
{
	for (size_t i = 0; v[i]; i++) {
		size_t n = strlen(v[i]) + 1;
		memcpy(img + (at - base), v[i], n);
		ptrs[i] = at;
		at += n;
	}
	return img;
}

void stack_build(struct stub *s)
{
	struct layout l;
	compute_layout(s, &l);
	size_t len = l.top - l.sp;
	long r = sys_mmap(NULL, PAGE_UP(len), PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
	if (mmap_failed(r))
		fail(127, "cannot allocate %#lx bytes to build the stack", (unsigned long)len);
	char *img = (char *)r;
	uint64_t *w = (uint64_t *)img; /* w[0] is at l.sp */
	size_t k = 0;
	w[k++] = (uint64_t)s->argc;
	put_strings(img, l.sp, l.arg_start, s->argv, &w[k]);
	k += (size_t)s->argc;
	w[k++] = 0;
	put_strings(img, l.sp, l.env_start, s->envp, &w[k]);
	k += l.envc;
	w[k++] = 0;
	memcpy(img + (l.execfn - l.sp), s->execfn, strlen(s->execfn) + 1);
	memcpy(img + (l.platform - l.sp), l.platform_src, l.platform_len);
	for (int i = 0; i < 2; i++) {
		unsigned long rnd = random_long();
		memcpy(img + (l.random - l.sp) + 8 * i, &rnd, 8);
	}
	s->auxv_addr = l.sp + k * 8;
	trace(s, "auxiliary vector at %#lx:", (unsigned long)s->auxv_addr);
	for (Elf64_auxv_t *a = s->auxv;; a++) {
		const char *why = "";
		uint64_t v = a->a_type == AT_NULL ? 0 : aux_value(s, &l, a, &why);
		w[k++] = a->a_type;
		w[k++] = v;
		if (a->a_type == AT_NULL)
			break;
		trace_aux(s, a->a_type, v, a->a_type == AT_EXECFN ? s->execfn : l.platform_src, why);
	}
	s->auxv_words = (size_t)(l.sp + k * 8 - s->auxv_addr) / 8;
	s->sp = l.sp;
	s->arg_start = l.arg_start;
	s->arg_end = l.env_start;
	s->env_start = l.env_start;
	s->env_end = l.execfn;
	trace(s, "stack %#lx-%#lx: argc %d, %zu environment strings, execfn \"%s\"; sp %#lx", (unsigned long)l.sp,
	      (unsigned long)l.top, s->argc, l.envc, s->execfn, (unsigned long)l.sp);
	/* From here the old argv and envp are gone. What lay below the new stack pointer is
	 * cleared, so nothing of the stub's start is left for the program to find. */
	memcpy((void *)l.sp, img, len);
	sys_munmap(img, PAGE_UP(len));
	for (int i = 0; i < s->nscratch; i++)
		sys_munmap((void *)s->scratch[i].addr, s->scratch[i].len);
	if (s->stack_lo < PAGE_DOWN(l.sp))
		memset((void *)s->stack_lo, 0, PAGE_DOWN(l.sp) - s->stack_lo);
	s->argv = NULL;
	s->envp = NULL;
	s->auxv = (Elf64_auxv_t *)s->auxv_addr;
	s->execfn = (const char *)l.execfn;
}
