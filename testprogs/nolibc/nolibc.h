/* A minimal runtime for test programs that must not depend on any libc: raw syscalls and
 * unbuffered output. Every function is hidden, so each program and library has its own copy
 * and none interposes on another's. */
#ifndef NOLIBC_H
#define NOLIBC_H
#include <stddef.h>
#include <stdint.h>

#define NL __attribute__((visibility("hidden")))

NL long nl_syscall(long n, long a, long b, long c, long d, long e, long f);
NL void nl_write(int fd, const char *s, size_t n);
NL size_t nl_strlen(const char *s);
NL int nl_strcmp(const char *a, const char *b);
NL void out(const char *s);                 /* to stdout */
NL void out_dec(long v);
NL void out_hex(unsigned long v);
NL void outln(const char *s);               /* s and a newline */
NL void out_kv(const char *key, long v);    /* "key=v\n" */
NL void nl_exit(int code) __attribute__((noreturn));
NL const char *nl_getenv(const char *name);
NL unsigned long nl_getauxval(unsigned long type);

extern char **nl_environ NL;
extern unsigned long *nl_auxv NL;
int main(int argc, char **argv, char **envp);
#endif
