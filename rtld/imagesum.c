/* Each lane takes every fourth word: lane += word * P2, rotated by 31, times P1 (the round
 * of xxHash64, with its two primes); the lanes and the length are folded the same way. */
#include "imagesum.h"

#define P1 0x9e3779b185ebca87ULL
#define P2 0xc2b2ae3d27d4eb4fULL

static inline uint64_t round64(uint64_t acc, uint64_t w)
{
	acc += w * P2;
	acc = (acc << 31) | (acc >> 33);
	return acc * P1;
}

uint64_t image_sum(const void *p, size_t len)
{
	const uint64_t *w = p;
	uint64_t a = P1 + P2, b = P2, c = 0, d = -P1;
	for (size_t i = 0; i + 4 <= len / 8; i += 4) {
		a = round64(a, w[i]);
		b = round64(b, w[i + 1]);
		c = round64(c, w[i + 2]);
		d = round64(d, w[i + 3]);
	}
	return round64(round64(round64(round64((uint64_t)len, a), b), c), d);
}
