/* Step 10 (debugger side) and LD_DEBUG output.
 *
 * Debuggers find the loaded objects through _r_debug (exported, and its address stored in
 * the program's DT_DEBUG entry): a list of link_map records whose first five fields are the
 * ones <link.h> documents. After every change the loader calls _dl_debug_state, where gdb
 * keeps a breakpoint. */
#include "debug.h"
#include "dynamic.h"

/* Namespace 0's r_debug, and the other namespaces' (glibc keeps those in _rtld_global; a
 * debugger only follows the pointers). _r_debug is the same object with the size of the
 * original struct r_debug, as glibc exports it: a program that copy-relocates it gets the
 * fields it knows of. */
struct r_debug_extended _r_debug_extended;
static struct r_debug_extended ns_debug[NS_MAX] RARELY_WRITTEN;
__asm__(".globl _r_debug\n\t.type _r_debug, @object\n\t.set _r_debug, _r_debug_extended\n\t"
	".size _r_debug, 40");

/* gdb sets a breakpoint here; it must not be inlined or merged away. */
__attribute__((noinline)) void _dl_debug_state(void) { __asm__ volatile("" ::: "memory"); }

/* Plain link_maps for objects no personality gave one (programs without libc). */
static struct link_map *plain_map(struct dso *d)
{
	if (!d->debug_map) {
		d->debug_map = rt_calloc(1, sizeof(struct link_map));
		if (!d->debug_map)
			die_load(NULL, "out of memory");
	}
	return d->debug_map;
}

static void chain(struct link_ns *ns, struct link_map **prev, struct link_map *m)
{
	m->l_prev = *prev;
	m->l_next = NULL;
	if (*prev)
		(*prev)->l_next = m;
	else
		ns->first_map = m;
	*prev = m;
	ns->nmaps++;
}

void debug_link(void)
{
	struct link_map *prev[NS_MAX] = {0};
	for (unsigned n = 0; n < R.nns; n++) {
		NS(n)->first_map = NULL;
		NS(n)->nmaps = 0;
	}
	for (struct dso *d = R.head; d; d = d->next) {
		struct link_map *m = d->personality ? d->personality : plain_map(d);
		if (!d->personality) {
			m->l_addr = d->load_bias;
			m->l_name = d->kind == DSO_MAIN ? "" : (char *)dso_display(d);
			m->l_ld = d->dynamic;
		}
		chain(NS(d->ns), &prev[d->ns], m);
	}
	for (unsigned n = 1; n < R.nns; n++)
		if (NS(n)->rtld_proxy && NS(n)->first_map)
			chain(NS(n), &prev[n], NS(n)->rtld_proxy);
}

static struct r_debug_extended *ns_r_debug(unsigned n) { return n ? &ns_debug[n] : &_r_debug_extended; }

/* A namespace's r_debug joins the r_next chain the first time the namespace is used and stays
 * on it (r_map NULL while the namespace is empty), as glibc keeps it; r_version becomes 2. */
static void debug_initialize(unsigned n)
{
	struct r_debug_extended *r = ns_r_debug(n);
	if (r->base.r_brk)
		return;
	r->base.r_version = n ? 2 : 1;
	r->base.r_brk = (uintptr_t)_dl_debug_state;
	r->base.r_ldbase = R.self ? R.self->load_bias : 0;
	if (n) {
		struct r_debug_extended *p = &_r_debug_extended;
		while (p->r_next)
			p = p->r_next;
		p->r_next = r;
		_r_debug_extended.base.r_version = 2;
	}
}

void debug_prepare(void)
{
	bool first = _r_debug_extended.base.r_version == 0;
	debug_link();
	for (unsigned n = 0; n < R.nns; n++) {
		if (!NS(n)->used && !ns_r_debug(n)->base.r_brk)
			continue;
		debug_initialize(n);
		struct r_debug_extended *r = ns_r_debug(n);
		r->base.r_map = NS(n)->first_map;
		r->base.r_state = 0; /* RT_CONSISTENT */
	}
	/* DT_DEBUG in the program points the debugger at _r_debug; written once, at start-up,
	 * before RELRO makes the program's .dynamic read-only. */
	if (first && R.main && R.main->dynamic)
		for (Elf64_Dyn *e = R.main->dynamic; e->d_tag != DT_NULL; e++)
			if (e->d_tag == DT_DEBUG && dso_contains(R.main, (uintptr_t)e, sizeof *e, PF_W))
				e->d_un.d_ptr = (uintptr_t)&_r_debug_extended;
}

void debug_publish(void)
{
	debug_prepare();
	_dl_debug_state(); /* the lists are consistent: the debugger reads them now */
}

void debug_announce(unsigned ns, int state)
{
	debug_initialize(ns);
	ns_r_debug(ns)->base.r_state = state;
	_dl_debug_state();
}

uint64_t rt_now_ns(void)
{
	struct ktimespec ts;
	sys_clock_gettime(1 /* CLOCK_MONOTONIC */, &ts);
	return (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
}

/* One message per call, every line of it prefixed with the pid as glibc prints it (right
 * in ten columns, then ":\t"), so one process's lines can be told from another's. */
void dbg(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	int m = rt_vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	size_t len = (size_t)m < sizeof msg ? (size_t)m : sizeof msg - 1;
	char prefix[24];
	size_t plen = (size_t)rt_snprintf(prefix, sizeof prefix, "%10ld:\t", sys_getpid());
	char out[2048 + 8 * sizeof prefix];
	size_t o = 0;
	for (size_t i = 0; i <= len;) {
		size_t end = i;
		while (end < len && msg[end] != '\n')
			end++;
		if (o + plen + (end - i) + 1 > sizeof out) { /* a message of many lines: in parts */
			rt_write_all(R.debug_fd, out, o);
			o = 0;
		}
		memcpy(out + o, prefix, plen);
		o += plen;
		size_t n = end - i < sizeof out - o - 1 ? end - i : sizeof out - o - 1;
		memcpy(out + o, msg + i, n);
		o += n;
		out[o++] = '\n';
		i = end + 1;
	}
	rt_write_all(R.debug_fd, out, o);
}
