/* Dynamic string tokens in DT_RPATH/DT_RUNPATH/DT_NEEDED/LD_LIBRARY_PATH entries:
 * $ORIGIN (directory of the object), $LIB (the multiarch library directory name),
 * $PLATFORM (AT_PLATFORM), each also written ${NAME}. Pure; unit-tested. */
#ifndef MMLD_DST_H
#define MMLD_DST_H
#include <stddef.h>

struct dst_values {
	const char *origin;   /* NULL: $ORIGIN unknown, the entry is dropped */
	const char *lib;
	const char *platform; /* NULL: $PLATFORM unknown, the entry is dropped */
};

/* Expands the tokens of `in` into out (size outlen). Returns the length, or -1 if a token is
 * unknown, its value is unavailable, or the result does not fit. */
int dst_expand(const char *in, size_t inlen, const struct dst_values *v, char *out, size_t outlen);
#endif
