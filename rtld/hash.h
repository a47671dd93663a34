/* The two ELF symbol hash functions. Pure; unit-tested against known values. */
#ifndef MMLD_HASH_H
#define MMLD_HASH_H
#include <stdint.h>

/* DT_GNU_HASH: Dan Bernstein's h*33 + c, from 5381. */
static inline uint32_t gnu_hash(const char *s)
{
	uint32_t h = 5381;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		h = (h << 5) + h + *p; /* h * 33 + c */
	return h;
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
