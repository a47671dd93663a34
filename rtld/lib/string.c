/* Byte-at-a-time string functions, sixteen bytes at a time where it pays (memcpy/memset on
 * the allocation, relocation and mapping paths). Compiled with -fno-builtin so gcc cannot turn these loops
 * back into calls to themselves. */
#include "string.h"
#include "alloc.h"
#include <stdint.h>
#include <emmintrin.h>

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (n >= 16) {
		/* Sixteen bytes a move (SSE2 is baseline on x86-64), the last sixteen overlapping
		 * what came before: the loader's copies are short (TLS images, link maps, paths). */
		const unsigned char *end = s + n;
		for (; s + 32 <= end; s += 32, d += 32) {
			__m128i a = _mm_loadu_si128((const __m128i *)s), b = _mm_loadu_si128((const __m128i *)(s + 16));
			_mm_storeu_si128((__m128i *)d, a);
			_mm_storeu_si128((__m128i *)(d + 16), b);
		}
		if (s + 16 <= end) {
			_mm_storeu_si128((__m128i *)d, _mm_loadu_si128((const __m128i *)s));
			s += 16, d += 16;
		}
		if (s < end)
			_mm_storeu_si128((__m128i *)(d - (s + 16 - end)), _mm_loadu_si128((const __m128i *)(end - 16)));
		return dst;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	if (d == s || n == 0)
		return dst;
	if (d >= s + n || d + n <= s)
		return memcpy(dst, src, n); /* apart: memcpy's overlapping last move is safe */
	if (d < s) {
		while (n--)
			*d++ = *s++;
		return dst;
	}
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	if (n >= 16) {
		__m128i v = _mm_set1_epi8((char)c);
		unsigned char *end = d + n;
		for (; d + 32 <= end; d += 32) {
			_mm_storeu_si128((__m128i *)d, v);
			_mm_storeu_si128((__m128i *)(d + 16), v);
		}
		if (d + 16 <= end) {
			_mm_storeu_si128((__m128i *)d, v);
			d += 16;
		}
		if (d < end)
			_mm_storeu_si128((__m128i *)(end - 16), v);
		return dst;
	}
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;
	while (*p)
		p++;
	return (size_t)(p - s);
}

/* Sixteen bytes at a time with SSE2 (baseline on x86-64) while neither string is within 16
 * bytes of a page end (a load must never reach into a page that may not exist), else byte
 * by byte. Symbol lookup compares long C++ names after every hash match: this is on the
 * start-up path, and glibc's ld.so uses a vector strcmp too. */
int strcmp(const char *a, const char *b)
{
	for (;;) {
		if (((uintptr_t)a & 4095) <= 4096 - 16 && ((uintptr_t)b & 4095) <= 4096 - 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)a), y = _mm_loadu_si128((const __m128i *)b);
			unsigned differ = ~(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) & 0xffff;
			unsigned ends = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128()));
			unsigned stop = differ | ends;
			if (!stop) {
				a += 16, b += 16;
				continue;
			}
			unsigned i = (unsigned)__builtin_ctz(stop);
			return (unsigned char)a[i] - (unsigned char)b[i];
		}
		for (int i = 0; i < 16; i++, a++, b++)
			if (*a != *b || !*a)
				return (unsigned char)*a - (unsigned char)*b;
	}
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

char *rt_strndup(const char *s, size_t n)
{
	char *d = rt_malloc(n + 1);
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = 0;
	return d;
}

char *rt_strdup(const char *s) { return rt_strndup(s, strlen(s)); }

int rt_starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

const char *strstr_colon(const char *s)
{
	for (; *s; s++)
		if (s[0] == ':' && s[1] == ' ')
			return s;
	return NULL;
}

int rt_parse_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0;
	if (!s || !*s)
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	*out = v;
	return 1;
}
