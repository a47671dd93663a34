/* Step 10 (debugger side) and LD_DEBUG output.
 *
 * Debuggers find the loaded objects through _r_debug (exported, and its address stored in
 * the program's DT_DEBUG entry): a list of link_map records whose first five fields are the
 * ones <link.h> documents. After every change the loader calls _dl_debug_state, where gdb
 * keeps a breakpoint. */
#include "debug.h"
#include "dynamic.h"

struct r_debug _r_debug;

/* gdb sets a breakpoint here; it must not be inlined or merged away. */
__attribute__((noinline)) void _dl_debug_state(void) { __asm__ volatile("" ::: "memory"); }

static struct link_map *maps;

void debug_publish(void)
{
	size_t n = 0;
	for (struct dso *d = R.head; d; d = d->next)
		n++;
	maps = rt_calloc(n, sizeof *maps);
	if (!maps)
		return;
	size_t i = 0;
	struct link_map *prev = NULL;
	for (struct dso *d = R.head; d; d = d->next, i++) {
		struct link_map *m = d->personality ? d->personality : &maps[i];
		m->l_addr = d->load_bias;
		m->l_name = d->kind == DSO_MAIN ? "" : (char *)dso_display(d);
		m->l_ld = d->dynamic;
		m->l_prev = prev;
		if (prev)
			prev->l_next = m;
		prev = m;
	}
	bool first = _r_debug.r_version == 0;
	_r_debug.r_version = 1;
	_r_debug.r_map = R.head ? (R.head->personality ? R.head->personality : &maps[0]) : NULL;
	_r_debug.r_brk = (uintptr_t)_dl_debug_state;
	_r_debug.r_ldbase = R.self ? R.self->load_bias : 0;
	_r_debug.r_state = 0; /* RT_CONSISTENT */
	/* DT_DEBUG in the program points the debugger at _r_debug; written once, at start-up,
	 * before RELRO makes the program's .dynamic read-only. */
	if (first && R.main && R.main->dynamic)
		for (Elf64_Dyn *e = R.main->dynamic; e->d_tag != DT_NULL; e++)
			if (e->d_tag == DT_DEBUG && dso_contains(R.main, (uintptr_t)e, sizeof *e, PF_W))
				e->d_un.d_ptr = (uintptr_t)&_r_debug;
	_dl_debug_state(); /* the list is consistent: the debugger reads it now */
}

void debug_announce(int state)
{
	_r_debug.r_state = state;
	_dl_debug_state();
}

uint64_t rt_now_ns(void)
{
	struct ktimespec ts;
	sys_clock_gettime(1 /* CLOCK_MONOTONIC */, &ts);
	return (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
}

/* One line per call, prefixed with the pid as glibc prints it ("  1234:\t"). */
void dbg(const char *fmt, ...)
{
	char buf[2048];
	int n = rt_snprintf(buf, sizeof buf, "%6ld:\t", sys_getpid());
	va_list ap;
	va_start(ap, fmt);
	int m = rt_vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + ((size_t)m < sizeof buf - (size_t)n - 1 ? (size_t)m : sizeof buf - (size_t)n - 2);
	buf[len++] = '\n';
	rt_write_all(R.debug_fd, buf, len);
}
