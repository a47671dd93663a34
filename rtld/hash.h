/* The two ELF symbol hash functions. Pure; unit-tested against known values. */
#ifndef MMLD_HASH_H
#define MMLD_HASH_H
#include <stdint.h>

/* DT_GNU_HASH: Dan Bernstein's h*33 + c, from 5381.
 *
 * Eight characters per step where the name allows: every relocation's symbol is hashed and
 * C++ names run to a hundred bytes and more. For characters c0..c7 (c0 first; the lowest byte
 * of a little-endian word), h becomes h*33^8 + c0*33^7 + c1*33^6 + ... + c7, and the sum is
 * built inside the word in three moves: pairs c0*33+c1 in 16-bit lanes (at most 8670), then
 * pairs of pairs times 33^2 in 32-bit lanes (at most 9450300), then the two halves. No lane
 * overflows into the next, so the result is exactly the byte-at-a-time hash mod 2^32.
 * A word is read wherever it does not reach into the next page (a page is all mapped or not
 * at all), so reading the bytes after the NUL in the last word is safe; within 8 bytes of a
 * page end the name is read a byte at a time. The last word's bytes from the NUL on are
 * zeroed, and k zero bytes only multiply h by 33^k: 33 is odd, so invertible mod 2^32, and
 * multiplying by 33^-k takes them back out. */
typedef uint64_t __attribute__((may_alias, aligned(1))) gnu_hash_word;

static inline uint32_t gnu_hash_word8(uint32_t h, uint64_t w)
{
	const uint64_t bytes = 0x00ff00ff00ff00ffULL, halves = 0x0000ffff0000ffffULL;
	uint64_t pairs = (w & bytes) * 33 + ((w >> 8) & bytes);
	uint64_t quads = (pairs & halves) * (33 * 33) + ((pairs >> 16) & halves);
	uint32_t eight = (uint32_t)quads * (33u * 33 * 33 * 33) + (uint32_t)(quads >> 32);
	return h * (33u * 33 * 33 * 33 * 33 * 33 * 33 * 33) + eight;
}

/* Nonzero if a byte of w is zero; its lowest set bit is in the first zero byte (the test can
 * also flag bytes after that one, never before). */
static inline uint64_t gnu_hash_zero_bytes(uint64_t w)
{
	return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

static inline uint32_t gnu_hash(const char *s)
{
	/* 33^-k mod 2^32 (33^-1 = 0x3e0f83e1) */
	static const uint32_t inverse[9] = {0x1,        0x3e0f83e1, 0xb44e0bc1, 0xd6eb17a1, 0x92262781,
					    0x884ebb61, 0x8fc45341, 0x70f66f21, 0xe4648f01};
	const unsigned char *p = (const unsigned char *)s;
	uint32_t h = 5381;
	for (;;) {
		for (size_t words = (4096 - ((uintptr_t)p & 4095)) / 8; words; words--, p += 8) {
			uint64_t w = *(const gnu_hash_word *)p;
			uint64_t nul = gnu_hash_zero_bytes(w);
			if (nul) {
				unsigned end = (unsigned)__builtin_ctzll(nul) / 8; /* bytes before the NUL */
				return gnu_hash_word8(h, w & ((1ULL << (8 * end)) - 1)) * inverse[8 - end];
			}
			h = gnu_hash_word8(h, w);
		}
		for (size_t left = (0 - (uintptr_t)p) & 4095; left; left--, p++) { /* to the page end */
			if (!*p)
				return h;
			h = h * 33 + *p;
		}
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
