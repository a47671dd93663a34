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

/* Set bits of x, without the POPCNT instruction (not in baseline x86-64) or libgcc. */
static inline unsigned relr_popcount(uint64_t x)
{
	x = x - ((x >> 1) & 0x5555555555555555ULL);
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (unsigned)((x * 0x0101010101010101ULL) >> 56);
}

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
			uint64_t bits = w >> 1;
			n += relr_popcount(bits);
			for (; bits; bits &= bits - 1) {
				uint64_t i;
				/* bsf (baseline, defined for bits != 0) straight into a 64-bit index:
				 * __builtin_ctzll's int would be widened again on every bit. */
				__asm__("bsf %1, %0" : "=r"(i) : "r"(bits) : "cc");
				where[i] += bias;
			}
			where += 63;
		}
	}
	return n;
}

#endif
