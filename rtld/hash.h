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
 * Words are read only at 8-byte-aligned addresses, which never cross a page, so reading bytes
 * before the name or after its NUL inside such a word is safe. Those bytes are zeroed and the
 * hash corrected for them: 33 is odd, so invertible mod 2^32, and k zero bytes only multiply
 * h by 33^k. Before the name, h starts at 5381 * 33^-k and is 5381 at its first byte; after
 * the NUL (the lowest zero byte: the test below finds it exactly), the word's hash is
 * multiplied by 33^-k for the k bytes past the end. */
typedef uint64_t __attribute__((may_alias)) gnu_hash_word;

static inline uint32_t gnu_hash_word8(uint32_t h, uint64_t w)
{
	const uint64_t bytes = 0x00ff00ff00ff00ffULL, halves = 0x0000ffff0000ffffULL;
	uint64_t pairs = (w & bytes) * 33 + ((w >> 8) & bytes);
	uint64_t quads = (pairs & halves) * (33 * 33) + ((pairs >> 16) & halves);
	uint32_t eight = (uint32_t)quads * (33u * 33 * 33 * 33) + (uint32_t)(quads >> 32);
	return h * (33u * 33 * 33 * 33 * 33 * 33 * 33 * 33) + eight;
}

static inline uint64_t gnu_hash_zero_bytes(uint64_t w)
{
	return (w - 0x0101010101010101ULL) & ~w & 0x8080808080808080ULL;
}

static inline uint32_t gnu_hash(const char *s)
{
	/* 33^-j mod 2^32 (33^-1 = 0x3e0f83e1), and 5381 * 33^-j */
	static const uint32_t inverse[9] = {0x1,        0x3e0f83e1, 0xb44e0bc1, 0xd6eb17a1, 0x92262781,
					    0x884ebb61, 0x8fc45341, 0x70f66f21, 0xe4648f01};
	static const uint32_t start[8] = {0x1505,     0x7c1f0865, 0xec7d0fc5, 0x7b87ab25,
					  0xfbfc5a85, 0x1ee89de5, 0xe9a9f545, 0x6bede0a5};
	uintptr_t k = (uintptr_t)s & 7;
	const gnu_hash_word *p = (const gnu_hash_word *)(s - k);
	uint64_t before = (1ULL << (8 * k)) - 1; /* the first word's bytes before s */
	uint64_t w = *p & ~before;
	uint64_t nul = gnu_hash_zero_bytes(w | before);
	uint32_t h = start[k];
	while (!nul) {
		h = gnu_hash_word8(h, w);
		w = *++p;
		nul = gnu_hash_zero_bytes(w);
	}
	unsigned end = (unsigned)__builtin_ctzll(nul) / 8; /* bytes before the NUL */
	return gnu_hash_word8(h, w & ((1ULL << (8 * end)) - 1)) * inverse[8 - end];
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
