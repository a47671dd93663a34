/* The mem* and str* functions ld-mmld.so needs, written for a freestanding build.
 * memcpy/memset/memmove/memcmp keep their standard names because the compiler emits calls
 * to them on its own; the rest carry an rt_ prefix so hosted tests can link beside libc. */
#ifndef MMLD_STRING_H
#define MMLD_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

char *rt_strdup(const char *s);
char *rt_strndup(const char *s, size_t n);
int rt_starts_with(const char *s, const char *prefix);
/* The first ": " in s (where "OBJECT: problem" messages split), or NULL. */
const char *strstr_colon(const char *s);
/* Parses a decimal number; returns 0 and leaves *out alone if s is not one. */
int rt_parse_ulong(const char *s, unsigned long *out);

#endif
