/* The stub's output: trace lines (mmld exec --trace, or MMLD_EXEC_DEBUG), the one error line,
 * and the few reads of /proc it needs. Trace lines carry the pid as LD_DEBUG's do, so the
 * stub's steps and the interpreter's LD_DEBUG lines read as one log of one process. */
#include "stub.h"

static void vline(const char *prefix, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = rt_snprintf(buf, sizeof buf, prefix, sys_getpid());
	int m = rt_vsnprintf(buf + n, sizeof buf - (size_t)n - 1, fmt, ap);
	size_t len = (size_t)n + ((size_t)m < sizeof buf - (size_t)n - 1 ? (size_t)m : sizeof buf - (size_t)n - 2);
	buf[len++] = '\n';
	rt_write_all(2, buf, len);
}

void trace(const struct stub *s, const char *fmt, ...)
{
	if (!s->trace)
		return;
	va_list ap;
	va_start(ap, fmt);
	vline("%6ld:\texec: ", fmt, ap);
	va_end(ap);
}

void fail(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	int m = rt_vsnprintf(buf, sizeof buf - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)m < sizeof buf - 1 ? (size_t)m : sizeof buf - 2;
	buf[len++] = '\n';
	rt_write_all(2, "mmld exec: ", 11);
	rt_write_all(2, buf, len);
	sys_exit_group(status);
}

const char *prot_name(int prot)
{
	static const char *s[8] = {"---", "r--", "-w-", "rw-", "--x", "r-x", "-wx", "rwx"};
	return s[prot & 7];
}

const char *auxv_name(uint64_t type)
{
	switch (type) {
	case AT_NULL: return "AT_NULL";
	case AT_PHDR: return "AT_PHDR";
	case AT_PHENT: return "AT_PHENT";
	case AT_PHNUM: return "AT_PHNUM";
	case AT_PAGESZ: return "AT_PAGESZ";
	case AT_BASE: return "AT_BASE";
	case AT_FLAGS: return "AT_FLAGS";
	case AT_ENTRY: return "AT_ENTRY";
	case AT_UID: return "AT_UID";
	case AT_EUID: return "AT_EUID";
	case AT_GID: return "AT_GID";
	case AT_EGID: return "AT_EGID";
	case AT_PLATFORM: return "AT_PLATFORM";
	case AT_HWCAP: return "AT_HWCAP";
	case AT_CLKTCK: return "AT_CLKTCK";
	case AT_SECURE: return "AT_SECURE";
	case AT_BASE_PLATFORM: return "AT_BASE_PLATFORM";
	case AT_RANDOM: return "AT_RANDOM";
	case AT_HWCAP2: return "AT_HWCAP2";
	case AT_RSEQ_FEATURE_SIZE: return "AT_RSEQ_FEATURE_SIZE";
	case AT_RSEQ_ALIGN: return "AT_RSEQ_ALIGN";
	case AT_EXECFN: return "AT_EXECFN";
	case AT_SYSINFO_EHDR: return "AT_SYSINFO_EHDR";
	case AT_MINSIGSTKSZ: return "AT_MINSIGSTKSZ";
	case AT_EXECFD: return "AT_EXECFD";
	default: return "AT_?";
	}
}

long read_small_file(const char *path, char *buf, size_t n)
{
	long fd = sys_open(path, O_RDONLY_ | O_CLOEXEC_, 0);
	if (fd < 0)
		return -1;
	size_t got = 0;
	while (got < n - 1) {
		long r = sys_read((int)fd, buf + got, n - 1 - got);
		if (r == -4)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	sys_close((int)fd);
	buf[got] = 0;
	return (long)got;
}

static uintptr_t parse_hex(const char **p)
{
	uintptr_t v = 0;
	for (;; (*p)++) {
		char c = **p;
		if (c >= '0' && c <= '9')
			v = v * 16 + (uintptr_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uintptr_t)(c - 'a' + 10);
		else
			return v;
	}
}

/* Calls fn for each line of /proc/self/maps: start, end, perms and the name (or ""). */
static void each_mapping(void (*fn)(void *, uintptr_t, uintptr_t, const char *, const char *), void *arg)
{
	static char buf[64 * 1024];
	if (read_small_file("/proc/self/maps", buf, sizeof buf) <= 0)
		return;
	for (char *line = buf; *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		const char *p = line;
		uintptr_t lo = parse_hex(&p);
		p++;
		uintptr_t hi = parse_hex(&p);
		char perms[5] = {0};
		if (*p == ' ')
			memcpy(perms, p + 1, 4);
		/* the name follows four more fields: perms, offset, dev, inode */
		int fields = 0;
		while (*p && fields < 4) {
			while (*p == ' ')
				p++;
			while (*p && *p != ' ')
				p++;
			fields++;
		}
		while (*p == ' ')
			p++;
		fn(arg, lo, hi, perms, p);
		if (!nl)
			break;
		line = nl + 1;
	}
}

struct stack_find {
	uintptr_t lo, hi;
};

static void stack_fn(void *arg, uintptr_t lo, uintptr_t hi, const char *perms, const char *name)
{
	(void)perms;
	struct stack_find *f = arg;
	if (strcmp(name, "[stack]") == 0) {
		f->lo = lo;
		f->hi = hi;
	}
}

int find_stack(uintptr_t *lo, uintptr_t *hi)
{
	struct stack_find f = {0, 0};
	each_mapping(stack_fn, &f);
	*lo = f.lo;
	*hi = f.hi;
	return f.hi ? 0 : -1;
}

static void print_fn(void *arg, uintptr_t lo, uintptr_t hi, const char *perms, const char *name)
{
	const struct stub *s = arg;
	trace(s, "  %#lx-%#lx %s %s", (unsigned long)lo, (unsigned long)hi, perms, *name ? name : "anonymous");
}

void trace_maps(const struct stub *s, const char *when)
{
	if (!s->trace)
		return;
	trace(s, "address space %s (/proc/self/maps):", when);
	each_mapping(print_fn, (void *)s);
}

unsigned long random_long(void)
{
	unsigned long v = 0;
	while (sys_call3(SYS_getrandom_, &v, sizeof v, 0) != (long)sizeof v)
		;
	return v;
}
