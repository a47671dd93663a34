/* DT_RELR: packed relative relocations (the format the system's libc.so.6 uses for all of
 * its 1198 relative relocations).
 *
 * The table is a sequence of 64-bit words. An even word is an address (link-time, add the
 * load bias): relocate that word, and the next bitmap starts after it. An odd word is a
 * bitmap: bit i (1..63) set means relocate the word at (start + (i-1)*8); each bitmap then
 * advances start by 63 words.
 *
 * Worked example, load bias 0x7f0000000000:
 *   0x1000             relocate 0x1000; next bitmap covers 0x1008..0x11f8
 *   0x0000000000000007 bits 1,2: relocate 0x1008 and 0x1010; start becomes 0x1200
 * Relocating a word means: *(uint64_t *)(bias + addr) += bias.
 *
 * static inline and free of globals so self-relocation can use it before anything of ours
 * is relocated. Returns the number of words relocated. */
#ifndef MMLD_RELR_H
#define MMLD_RELR_H

#include <stddef.h>
#include <stdint.h>

static inline size_t relr_apply(uintptr_t bias, const uint64_t *relr, size_t size_bytes)
{
	const uint64_t *end = relr + size_bytes / sizeof(uint64_t);
	uint64_t *where = 0;
	size_t n = 0;
	for (; relr < end; relr++) {
		uint64_t w = *relr;
		if ((w & 1) == 0) {
			where = (uint64_t *)(bias + w);
			*where++ += bias;
			n++;
		} else {
			/* Straight to each set bit: libc.so.6's bitmaps are dense, others sparse. */
			for (uint64_t bits = w >> 1; bits; bits &= bits - 1) {
				where[__builtin_ctzll(bits)] += bias;
				n++;
			}
			where += 63;
		}
	}
	return n;
}

#endif
