#include "nolibc.h"

char **nl_environ;
unsigned long *nl_auxv;

long nl_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

void nl_write(int fd, const char *s, size_t n)
{
	while (n) {
		long w = nl_syscall(1, fd, (long)s, (long)n, 0, 0, 0);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

size_t nl_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

int nl_strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

void out(const char *s) { nl_write(1, s, nl_strlen(s)); }
void outln(const char *s)
{
	out(s);
	out("\n");
}

void out_dec(long v)
{
	char b[24];
	int i = 23;
	unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
	b[i] = 0;
	do
		b[--i] = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		b[--i] = '-';
	out(b + i);
}

void out_hex(unsigned long v)
{
	char b[20];
	int i = 19;
	b[i] = 0;
	do
		b[--i] = "0123456789abcdef"[v & 15];
	while (v >>= 4);
	out("0x");
	out(b + i);
}

void out_kv(const char *k, long v)
{
	out(k);
	out("=");
	out_dec(v);
	out("\n");
}

void nl_exit(int code)
{
	for (;;)
		nl_syscall(231, code, 0, 0, 0, 0, 0);
}

const char *nl_getenv(const char *name)
{
	size_t n = nl_strlen(name);
	for (char **e = nl_environ; e && *e; e++) {
		size_t i = 0;
		while (i < n && (*e)[i] == name[i])
			i++;
		if (i == n && (*e)[n] == '=')
			return *e + n + 1;
	}
	return 0;
}

unsigned long nl_getauxval(unsigned long type)
{
	for (unsigned long *a = nl_auxv; a && a[0]; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}
