/* What the library search needs to know of this CPU: the x86-64 ISA levels it reaches (the
 * psABI's baseline, v2, v3, v4: glibc-hwcaps/x86-64-vN subdirectories, the ISA-level marker
 * notes of objects, ld.so.cache entries) and the legacy platform name and hwcap bits glibc
 * 2.36 derives for its old hwcaps subdirectories (Intel only: "haswell", "xeon_phi",
 * "avx512_1").
 *
 * A feature counts when the CPU has it and, for AVX and AVX-512, when XCR0 says the kernel
 * saves the registers (glibc's "usable"). The glibc personality computes the same words in
 * full for libc (glibc/cpu.c); this is the subset the generic loader needs before libc.so.6
 * has even been found. */
#include "isa.h"
#include "lib/string.h"

/* Each CPUID instruction traps to the hypervisor in a virtual machine (3.7 us each on the
 * machine this was measured on: more than a fifth of `true`'s whole start-up for the twenty
 * the loader asks), so during start-up (one thread) each leaf is asked once and remembered.
 * The memo is start-up's (main.c): kept here it would be 484 bytes every process has to itself. */
static struct x86_cpuid_memo *memo;

void x86_cpuid_memo(struct x86_cpuid_memo *m)
{
	memo = m;
	if (m)
		m->n = 0;
}

void x86_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	/* A leaf (0..0xffff or 0x80000000..0x8000ffff) and subleaf (below 0x8000) in one word. */
	bool keyed = memo && (leaf & 0x7fff0000) == 0 && sub < 0x8000;
	uint32_t key = (leaf & 0x80000000) | (leaf & 0xffff) << 15 | sub;
	for (size_t i = 0; keyed && i < memo->n; i++)
		if (memo->seen[i].key == key) {
			memcpy(r, memo->seen[i].r, sizeof memo->seen[i].r);
			return;
		}
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
	if (keyed && memo->n < sizeof memo->seen / sizeof memo->seen[0]) {
		memo->seen[memo->n].key = key;
		memcpy(memo->seen[memo->n].r, r, sizeof memo->seen[memo->n].r);
		memo->n++;
	}
}
#define cpuid x86_cpuid

#define BIT(n) (1u << (n))
static bool all(uint32_t word, uint32_t bits) { return (word & bits) == bits; }

static struct x86_cpu cpu;
static bool known;

const struct x86_cpu *x86_cpu(void)
{
	if (known)
		return &cpu;
	known = true;
	uint32_t r[4], l1[4] = {0}, l7[4] = {0}, e1[4] = {0};
	cpuid(0, 0, r);
	uint32_t max = r[0];
	bool intel = r[1] == 0x756e6547 && r[3] == 0x49656e69 && r[2] == 0x6c65746e; /* GenuineIntel */
	cpuid(1, 0, l1);
	if (max >= 7)
		cpuid(7, 0, l7);
	cpuid(0x80000000, 0, r);
	if (r[0] >= 0x80000001)
		cpuid(0x80000001, 0, e1);
	uint64_t xcr0 = 0;
	if (l1[2] & BIT(27)) { /* OSXSAVE */
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = ((uint64_t)hi << 32) | lo;
	}
	bool avx = (xcr0 & 6) == 6 && (l1[2] & BIT(28));
	bool avx512 = avx && (xcr0 & 0xe0) == 0xe0 && (l7[1] & BIT(16));
	uint32_t avx512_bits = avx512 ? l7[1] : 0; /* F 16, DQ 17, PF 26, ER 27, CD 28, BW 30, VL 31 */

	/* CMOV CX8 FPU FXSR MMX SSE SSE2 */
	bool base = all(l1[3], BIT(15) | BIT(8) | BIT(0) | BIT(24) | BIT(23) | BIT(25) | BIT(26));
	/* CMPXCHG16B POPCNT SSE3 SSSE3 SSE4_1 SSE4_2, LAHF64 */
	bool v2 = base && all(l1[2], BIT(13) | BIT(23) | BIT(0) | BIT(9) | BIT(19) | BIT(20)) && (e1[2] & BIT(0));
	/* AVX, AVX2 BMI1 BMI2, F16C FMA MOVBE, LZCNT */
	bool v3 = v2 && avx && all(l7[1], BIT(5) | BIT(3) | BIT(8)) && all(l1[2], BIT(29) | BIT(12) | BIT(22)) &&
		  (e1[2] & BIT(5));
	bool v4 = v3 && all(avx512_bits, BIT(16) | BIT(30) | BIT(28) | BIT(17) | BIT(31));
	cpu.isa_levels = (base ? X86_ISA_BASELINE : 0) | (v2 ? X86_ISA_V2 : 0) | (v3 ? X86_ISA_V3 : 0) |
			 (v4 ? X86_ISA_V4 : 0);

	/* glibc's legacy platform and hwcap (sysdeps/x86/cpu-features.c), Intel only. */
	if (intel) {
		if (avx512_bits & BIT(28)) {
			if (avx512_bits & BIT(27)) {
				if (avx512_bits & BIT(26))
					cpu.platform = "xeon_phi";
			} else if (all(avx512_bits, BIT(30) | BIT(17) | BIT(31))) {
				cpu.avx512_1 = true;
			}
		}
		if (!cpu.platform && avx && (l7[1] & BIT(5)) && (l1[2] & BIT(12)) && all(l7[1], BIT(3) | BIT(8)) &&
		    (e1[2] & BIT(5)) && all(l1[2], BIT(22) | BIT(23)))
			cpu.platform = "haswell";
	}
	return &cpu;
}
