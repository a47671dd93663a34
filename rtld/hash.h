/* The two ELF symbol hash functions. Pure; unit-tested against known values. */
#ifndef MMLD_HASH_H
#define MMLD_HASH_H
#include <stdint.h>

/* DT_GNU_HASH: Dan Bernstein's h*33 + c, from 5381. */
static inline uint32_t gnu_hash(const char *s)
{
	/* h = h * 33 + c, four characters per round where the name allows: C++ names run to
	 * hundreds of bytes and every relocation's symbol is hashed. */
	const unsigned char *p = (const unsigned char *)s;
	uint32_t h = 5381;
	for (;;) {
		if (!p[0])
			return h;
		if (!p[1])
			return h * 33 + p[0];
		if (!p[2])
			return (h * 33 + p[0]) * 33 + p[1];
		if (!p[3])
			return ((h * 33 + p[0]) * 33 + p[1]) * 33 + p[2];
		h = h * (33u * 33 * 33 * 33) + p[0] * (33u * 33 * 33) + p[1] * (33u * 33) + p[2] * 33u + p[3];
		p += 4;
	}
}

/* DT_HASH (System V gABI); also the hash stored in version records. */
static inline uint32_t elf_hash(const char *s)
{
	uint32_t h = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h = (h << 4) + *p;
		uint32_t g = h & 0xf0000000;
		if (g)
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}
#endif
