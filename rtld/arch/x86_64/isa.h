/* This CPU as the library search sees it (isa.c). */
#ifndef MMLD_ISA_H
#define MMLD_ISA_H
#include <stdbool.h>
#include <stdint.h>

/* GNU_PROPERTY_X86_ISA_1_* bits: the levels a CPU reaches, or an object needs. */
#define X86_ISA_BASELINE 1u
#define X86_ISA_V2 2u
#define X86_ISA_V3 4u
#define X86_ISA_V4 8u

struct x86_cpu {
	uint32_t isa_levels;  /* X86_ISA_* bits reached */
	const char *platform; /* glibc's legacy platform override ("haswell", "xeon_phi"), or NULL */
	bool avx512_1;        /* glibc's legacy HWCAP_X86_AVX512_1 */
};

/* CPUID leaf/subleaf; during start-up each is asked of the CPU once (x86_cpuid_memo). */
void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) __attribute__((visibility("hidden")));
/* Where x86_cpuid remembers the leaves it was asked: start-up's own (on its stack: 484 bytes
 * no process keeps after it), NULL after (a later dlopen's few leaves are asked again). */
struct x86_cpuid_memo {
	unsigned n;
	struct {
		uint32_t key, r[4];
	} seen[24];
};
void x86_cpuid_memo(struct x86_cpuid_memo *m) __attribute__((visibility("hidden")));
/* Computed on first use (a few CPUID leaves). */
const struct x86_cpu *x86_cpu(void) __attribute__((visibility("hidden")));
#endif
