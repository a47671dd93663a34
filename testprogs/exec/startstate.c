/* What a process finds when it starts, as facts that must be the same whether the kernel's
 * execve or `mmld exec` (a user-space exec) set it up: argv, the environment, the auxiliary
 * vector (kinds and values, addresses only as checks), what /proc says of the process
 * (auxv, cmdline, environ, exe, comm, the code/data/brk/stack limits in stat), where the
 * stack and the break are, and which files are mapped with which protections. Built
 * dynamic (PIE and not), static, static-PIE and with an executable stack
 * (testprogs/exec/exec.mk); tests/e2e/exec.sh compares the two runs line by line. */
#define _GNU_SOURCE
#include <elf.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

extern char **environ;
extern char _start[], end[];
extern const ElfW(Ehdr) __ehdr_start;

static char zeroes[100000];      /* bss: must be zero */
static int initialised = 12345;  /* data: must come from the file */

static size_t read_file(const char *path, char *buf, size_t n)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t got = fread(buf, 1, n, f);
	fclose(f);
	return got;
}

/* The auxv as the process's memory has it: past envp's NULL. */
static ElfW(auxv_t) *auxv_in_memory(void)
{
	char **e = environ;
	while (*e)
		e++;
	return (ElfW(auxv_t) *)(e + 1);
}

static const char *aux_name(unsigned long t)
{
	static const struct { unsigned long t; const char *n; } names[] = {
		{AT_SYSINFO_EHDR, "SYSINFO_EHDR"}, {AT_MINSIGSTKSZ, "MINSIGSTKSZ"}, {AT_HWCAP, "HWCAP"},
		{AT_PAGESZ, "PAGESZ"}, {AT_CLKTCK, "CLKTCK"}, {AT_PHDR, "PHDR"}, {AT_PHENT, "PHENT"},
		{AT_PHNUM, "PHNUM"}, {AT_BASE, "BASE"}, {AT_FLAGS, "FLAGS"}, {AT_ENTRY, "ENTRY"},
		{AT_UID, "UID"}, {AT_EUID, "EUID"}, {AT_GID, "GID"}, {AT_EGID, "EGID"}, {AT_SECURE, "SECURE"},
		{AT_RANDOM, "RANDOM"}, {AT_HWCAP2, "HWCAP2"}, {AT_EXECFN, "EXECFN"}, {AT_PLATFORM, "PLATFORM"},
		{27, "RSEQ_FEATURE_SIZE"}, {28, "RSEQ_ALIGN"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].t == t)
			return names[i].n;
	return "?";
}

struct mapping {
	uintptr_t lo, hi;
	char perms[5];
	char path[PATH_MAX];
};

static int read_maps(struct mapping *m, int max)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[PATH_MAX + 128];
	int n = 0;
	while (f && n < max && fgets(line, sizeof line, f)) {
		m[n].path[0] = 0;
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %4095[^\n]", &m[n].lo, &m[n].hi, m[n].perms, m[n].path) >= 3)
			n++;
	}
	if (f)
		fclose(f);
	return n;
}

static void print_auxv(void)
{
	ElfW(auxv_t) *a = auxv_in_memory();
	size_t n = 0;
	for (; a[n].a_type != AT_NULL; n++) {
		unsigned long t = a[n].a_type, v = a[n].a_un.a_val;
		switch (t) {
		case AT_PHDR: case AT_ENTRY: case AT_BASE: case AT_RANDOM: case AT_SYSINFO_EHDR:
			printf("auxv %s set=%d\n", aux_name(t), v != 0);
			break;
		case AT_EXECFN: case AT_PLATFORM:
			printf("auxv %s \"%s\"\n", aux_name(t), (const char *)v);
			break;
		default:
			printf("auxv %s %lu\n", aux_name(t), v);
		}
	}
	static char proc[4096];
	size_t got = read_file("/proc/self/auxv", proc, sizeof proc);
	size_t mine = (n + 1) * sizeof *a;
	printf("/proc/self/auxv equals the auxv in memory: %d\n", got == mine && memcmp(proc, a, mine) == 0);
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
	printf("AT_PHDR is this program's headers: %d\n", getauxval(AT_PHDR) == (uintptr_t)ph);
	printf("AT_PHNUM is this program's: %d\n", getauxval(AT_PHNUM) == __ehdr_start.e_phnum);
	printf("AT_ENTRY is _start: %d\n", getauxval(AT_ENTRY) == (uintptr_t)_start);
}

static void print_args(int argc, char **argv)
{
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] \"%s\"\n", i, argv[i]);
	int envc = 0;
	for (char **e = environ; *e; e++)
		envc++;
	printf("environment strings %d, STARTSTATE_VAR=%s\n", envc, getenv("STARTSTATE_VAR") ? getenv("STARTSTATE_VAR") : "(unset)");
	static char buf[1 << 16];
	size_t n = read_file("/proc/self/cmdline", buf, sizeof buf), k = 0;
	int same = 1;
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		same &= k + l <= n && memcmp(buf + k, argv[i], l) == 0;
		k += l;
	}
	printf("/proc/self/cmdline is argv: %d\n", same && k == n);
	n = read_file("/proc/self/environ", buf, sizeof buf);
	k = 0;
	same = 1;
	for (char **e = environ; *e; e++) {
		size_t l = strlen(*e) + 1;
		same &= k + l <= n && memcmp(buf + k, *e, l) == 0;
		k += l;
	}
	printf("/proc/self/environ is the environment: %d\n", same && k == n);
}

static void print_identity(void)
{
	char exe[PATH_MAX] = "", fn[PATH_MAX] = "", comm[64] = "";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = 0;
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	printf("/proc/self/exe is AT_EXECFN: %d\n", realpath(execfn, fn) && strcmp(fn, exe) == 0);
	read_file("/proc/self/comm", comm, sizeof comm - 1);
	comm[strcspn(comm, "\n")] = 0;
	const char *base = strrchr(execfn, '/');
	printf("comm \"%s\" is the file's name: %d\n", comm, strncmp(comm, base ? base + 1 : execfn, 15) == 0);
}

/* /proc/self/stat fields 26-28 and 45-51 (man 5 proc): the limits the kernel keeps. */
static void print_limits(const struct mapping *m, int nm, const char *argv0)
{
	static char buf[4096];
	buf[read_file("/proc/self/stat", buf, sizeof buf - 1)] = 0;
	char *p = strrchr(buf, ')');
	unsigned long f[64] = {0};
	int i = 3;
	for (char *tok = strtok(p + 2, " "); tok && i < 64; tok = strtok(NULL, " "), i++)
		f[i] = strtoul(tok, NULL, 10);
	unsigned long start_code = f[26], end_code = f[27], start_stack = f[28], start_data = f[45], end_data = f[46],
		      start_brk = f[47], arg_start = f[48], env_end = f[51];
	uintptr_t exec_lo = UINTPTR_MAX, exec_hi = 0;
	for (int k = 0; k < nm; k++)
		if (m[k].perms[2] == 'x' && m[k].lo <= (uintptr_t)print_limits && (uintptr_t)print_limits < m[k].hi) {
			exec_lo = m[k].lo;
			exec_hi = m[k].hi;
		}
	printf("stat: code in this program's text: %d\n", start_code >= exec_lo && end_code <= exec_hi && start_code < end_code);
	printf("stat: data after code: %d\n", start_data >= end_code && end_data >= start_data);
	printf("stat: argv and envp strings above the stack pointer: %d\n", arg_start > start_stack && env_end > arg_start);
	printf("stat: arg_start is argv[0]: %d\n", arg_start == (uintptr_t)argv0);
	/* The kernel puts the break a page past bss plus a random page within 1 GiB (32 MiB
	 * before Linux 6.9), or for an ET_DYN program without interpreter at ET_DYN_BASE (plus
	 * the same randomness). */
	uintptr_t bss_end = ((uintptr_t)end + 4095) & ~4095UL, dyn_base = (((1UL << 47) - 4096) / 3 * 2 + 4095) & ~4095UL;
	const char *where = start_brk >= bss_end && start_brk - bss_end <= (1UL << 30) + 4096 ? "past bss, within 1 GiB"
			    : start_brk >= dyn_base && start_brk - dyn_base <= (1UL << 30) ? "at ET_DYN_BASE, within 1 GiB"
											  : "elsewhere";
	printf("stat: start_brk %s\n", where);
	printf("stat: start_brk past the data: %d\n", start_brk >= end_data || start_brk >= dyn_base);
	int heap_at_brk = 0, heap = 0;
	for (int k = 0; k < nm; k++)
		if (strcmp(m[k].path, "[heap]") == 0) {
			heap = 1;
			heap_at_brk = m[k].lo == start_brk;
		}
	printf("[heap] (if any yet) begins at start_brk: %d\n", !heap || heap_at_brk);
}

static void print_memory(const struct mapping *m, int nm, char **argv)
{
	const char *execfn = (const char *)getauxval(AT_EXECFN);
	char real[PATH_MAX] = "";
	if (!realpath(execfn, real))
		real[0] = 0;
	printf("program mappings:");
	for (int k = 0; k < nm; k++)
		if (strcmp(m[k].path, real) == 0)
			printf(" %s", m[k].perms);
	printf("\n");
	uintptr_t base = getauxval(AT_BASE);
	const char *interp = "";
	for (int k = 0; k < nm; k++)
		if (base && m[k].lo == base)
			interp = m[k].path;
	printf("interpreter mappings:");
	for (int k = 0; k < nm; k++)
		if (*interp && strcmp(m[k].path, interp) == 0)
			printf(" %s", m[k].perms);
	printf("\n");
	int stub = 0;
	for (int k = 0; k < nm; k++)
		stub |= strstr(m[k].path, "mmld-exec-stub") != NULL;
	printf("no mmld-exec-stub mapping left: %d\n", !stub);
	for (int k = 0; k < nm; k++)
		if (strcmp(m[k].path, "[stack]") == 0) {
			printf("[stack] %s\n", m[k].perms);
			size_t l = strlen(execfn);
			printf("AT_EXECFN string ends 8 bytes below the top of [stack]: %d\n",
			       (uintptr_t)execfn + l + 1 + 8 == m[k].hi);
			printf("argv strings on [stack]: %d\n", (uintptr_t)argv[0] >= m[k].lo && (uintptr_t)argv[0] < m[k].hi);
			uintptr_t r = getauxval(AT_RANDOM);
			printf("AT_RANDOM on [stack]: %d\n", r >= m[k].lo && r + 16 <= m[k].hi);
		}
	/* A fresh small block comes from brk: the [heap] must end at the break. */
	void *p = malloc(1 << 10);
	uintptr_t b = (uintptr_t)sbrk(0);
	static struct mapping m2[512];
	int heap = 0, n2 = read_maps(m2, 512);
	for (int k = 0; k < n2; k++)
		if (strcmp(m2[k].path, "[heap]") == 0 && m2[k].hi == b && (uintptr_t)p >= m2[k].lo && (uintptr_t)p < b)
			heap = 1;
	printf("malloc's memory is in the [heap] below the break: %d\n", heap);
	int zero = 1;
	for (size_t i = 0; i < sizeof zeroes; i++)
		zero &= zeroes[i] == 0;
	printf("bss zero: %d, data from the file: %d\n", zero, initialised == 12345);
}

int main(int argc, char **argv)
{
	static struct mapping m[512];
	int nm = read_maps(m, 512);
	print_args(argc, argv);
	print_auxv();
	print_identity();
	print_limits(m, nm, argv[0]);
	print_memory(m, nm, argv);
	return 7;
}
