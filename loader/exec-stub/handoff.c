/* The end of an exec: the kernel's bookkeeping, then the jump.
 *
 * The kernel keeps, per process, where code, data, brk, argv, envp and the auxv are
 * (/proc/PID/stat, cmdline, environ, auxv read them) and which file is the executable
 * (/proc/PID/exe, which glibc's ld.so reads for the program's $ORIGIN). After the stub's own
 * exec they describe the stub; prctl(PR_SET_MM_MAP) rewrites them (no privilege needed: the
 * kernel checks the values). /proc/PID/exe can only change with CAP_CHECKPOINT_RESTORE (or
 * CAP_SYS_ADMIN) and once the stub's file is no longer mapped, so the last instructions (start.S handoff_code, in a
 * page of their own) unmap the stub, change it, and jump. That page is the one thing of
 * mmld exec left in the program's address space. */
#include "stub.h"

struct prctl_mm_map_ {
	uint64_t start_code, end_code, start_data, end_data, start_brk, brk, start_stack;
	uint64_t arg_start, arg_end, env_start, env_end;
	uint64_t *auxv;
	uint32_t auxv_size, exe_fd;
};

/* start.S, handoff_params: keep in the same order. */
struct handoff_params {
	uint64_t unmap_start, unmap_len, exe_fd, trace, sp, entry, msg_len;
	char msg[128];
	struct prctl_mm_map_ map; /* with exe_fd: the same values and the program's file */
};
_Static_assert(sizeof(struct prctl_mm_map_) == 104, "struct prctl_mm_map is 104 bytes (start.S)");

extern const char handoff_code[], handoff_params[], handoff_end[];
extern const char __executable_start[], _end[];

static void exec_stack(const struct stub *s)
{
	if (!s->exec_stack)
		return;
	/* PROT_GROWSDOWN: the change reaches down to the bottom of the [stack] mapping. */
	long r = sys_mprotect((void *)PAGE_DOWN(s->sp), s->stack_hi - PAGE_DOWN(s->sp),
			      PROT_READ_ | PROT_WRITE_ | PROT_EXEC_ | PROT_GROWSDOWN_);
	trace(s, "mprotect [stack] rwx (PT_GNU_STACK asks for an executable stack, or is missing)%s",
	      r ? " FAILED" : "");
}

static struct prctl_mm_map_ mm_map(const struct stub *s)
{
	return (struct prctl_mm_map_){
		.start_code = s->prog.start_code,
		.end_code = s->prog.end_code,
		.start_data = s->prog.start_data,
		.end_data = s->prog.end_data,
		.start_brk = s->brk,
		.brk = s->brk,
		.start_stack = s->sp,
		.arg_start = s->arg_start,
		.arg_end = s->arg_end,
		.env_start = s->env_start,
		.env_end = s->env_end,
		.auxv = (uint64_t *)s->auxv_addr,
		.auxv_size = (uint32_t)(s->auxv_words * 8),
		.exe_fd = (uint32_t)-1,
	};
}

static void set_mm(const struct stub *s)
{
	struct prctl_mm_map_ m = mm_map(s);
	long r = sys_call6(SYS_prctl_, PR_SET_MM_, PR_SET_MM_MAP_, (long)&m, sizeof m, 0, 0);
	if (r == 0)
		trace(s, "prctl(PR_SET_MM_MAP): code %#lx-%#lx, data %#lx-%#lx, brk %#lx, args %#lx-%#lx, auxv %#lx",
		      (unsigned long)m.start_code, (unsigned long)m.end_code, (unsigned long)m.start_data,
		      (unsigned long)m.end_data, (unsigned long)m.brk, (unsigned long)m.arg_start,
		      (unsigned long)m.arg_end, (unsigned long)s->auxv_addr);
	else
		trace(s, "prctl(PR_SET_MM_MAP) failed (errno %ld): brk stays past the stub, /proc/PID/auxv and "
			 "cmdline describe the stub", -r);
}

static void set_name(const struct stub *s)
{
	/* The kernel names the process after the file executed (the first 15 bytes). */
	const char *base = strrchr(s->execfn, '/');
	char comm[16] = {0};
	base = base ? base + 1 : s->execfn;
	for (size_t i = 0; i < sizeof comm - 1 && base[i]; i++)
		comm[i] = base[i];
	sys_call6(SYS_prctl_, PR_SET_NAME_, (long)comm, 0, 0, 0, 0);
}

/* Can /proc/self/exe be changed? Asked now, while the stub is still mapped: EBUSY means
 * permitted (only not yet), EPERM not at all. */
static bool exe_change_permitted(const struct stub *s)
{
	struct prctl_mm_map_ m = mm_map(s);
	m.exe_fd = (uint32_t)s->prog.fd;
	long r = sys_call6(SYS_prctl_, PR_SET_MM_, PR_SET_MM_MAP_, (long)&m, sizeof m, 0, 0);
	if (r == -1 /* EPERM */) {
		trace(s, "/proc/self/exe stays the stub: changing it needs CAP_CHECKPOINT_RESTORE or CAP_SYS_ADMIN "
			 "(so the program's $ORIGIN is the stub's directory)");
		return false;
	}
	trace(s, "/proc/self/exe will name %s (prctl PR_SET_MM_MAP with exe_fd, once the stub is unmapped)",
	      s->exe_path);
	return true;
}

void handoff(struct stub *s)
{
	exec_stack(s);
	set_mm(s);
	set_name(s);
	bool exe = exe_change_permitted(s);
	if (!exe)
		sys_close(s->prog.fd);
	size_t code_len = (size_t)(handoff_end - handoff_code);
	long r = sys_mmap(NULL, PAGE, PROT_READ_ | PROT_WRITE_, MAP_PRIVATE_ | MAP_ANONYMOUS_, -1, 0);
	if (mmap_failed(r))
		fail(127, "cannot map the hand-off page");
	char *page = (char *)r;
	memcpy(page, handoff_code, code_len);
	struct handoff_params *hp = (struct handoff_params *)(page + (handoff_params - handoff_code));
	hp->unmap_start = PAGE_DOWN(__executable_start);
	hp->unmap_len = PAGE_UP(_end) - PAGE_DOWN(__executable_start);
	hp->exe_fd = exe ? (uint64_t)s->prog.fd : (uint64_t)-1;
	hp->map = mm_map(s);
	hp->map.exe_fd = (uint32_t)s->prog.fd;
	hp->trace = s->trace;
	hp->sp = s->sp;
	hp->entry = s->has_interp ? s->interp.entry : s->prog.entry;
	static const char msg[] = "mmld exec: prctl(PR_SET_MM_MAP, exe_fd) failed: /proc/self/exe still names the stub\n";
	memcpy(hp->msg, msg, sizeof msg - 1);
	hp->msg_len = sizeof msg - 1;
	sys_mprotect(page, PAGE, PROT_READ_ | PROT_EXEC_);
	trace(s, "hand-off code at %#lx-%#lx (the one page left behind): unmaps the stub %#lx-%#lx",
	      (unsigned long)page, (unsigned long)page + PAGE, (unsigned long)hp->unmap_start,
	      (unsigned long)(hp->unmap_start + hp->unmap_len));
	trace(s, "jumping to %#lx (%s entry point), sp %#lx", (unsigned long)hp->entry,
	      s->has_interp ? "the interpreter's" : "the program's", (unsigned long)s->sp);
	((void (*)(void))page)();
	__builtin_unreachable();
}
