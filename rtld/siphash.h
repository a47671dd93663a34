/* SipHash-2-4 (Aumasson and Bernstein, 2012): a keyed 64-bit hash, a pseudo-random function
 * of its input for whoever does not know the 128-bit key. The relocation cache derives each
 * library's address from a per-boot secret with it (so addresses say nothing about the
 * secret), and names and checksums its files with it. Pure: tests/unit/test_siphash.c. */
#ifndef MMLD_SIPHASH_H
#define MMLD_SIPHASH_H
#include <stddef.h>
#include <stdint.h>

struct sip_key {
	uint64_t k0, k1;
};

uint64_t siphash24(const struct sip_key *key, const void *data, size_t len);

#endif
