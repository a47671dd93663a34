/* printf-style formatting for a freestanding program: %d %i %u %x %X %p %s %c %%, with
 * flags '-', '0' and '#' (0x before a non-zero hex number), a width (or '*'), a precision for %s (or '.*'), and the l, ll, z, h
 * length modifiers. Output is bounded; nothing is ever written past the buffer. */
#ifndef MMLD_FORMAT_H
#define MMLD_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int rt_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Formats into a stack buffer and writes it with one write(2), so lines from different
 * processes sharing a file do not interleave. Lines longer than 4 KiB are cut. */
int rt_dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int rt_vdprintf(int fd, const char *fmt, va_list ap);
void rt_write_all(int fd, const char *s, size_t n);

#endif
