/* GLRO(dl_x86_cpu_features): read by libc's IFUNC resolvers while libc is being relocated,
 * and by memcpy/memmove, which copy the cache thresholds into their own variables.
 *
 * What we fill: the vendor and family/model, the raw CPUID words of the nine leaves glibc
 * records, and cache sizes from CPUID leaf 4 (Intel) or 0x8000001D (AMD). What we leave at
 * zero, deliberately: the "active" bits and the "preferred" flags. With them zero every
 * resolver picks the baseline x86-64 implementation, which is correct on every CPU. Marking
 * AVX2 or AVX-512 active needs glibc's whole usability logic (XCR0 state, errata), and a
 * mistake there is a SIGILL, so that is a later, measured step.
 * The one zero that is fatal is the non-temporal threshold (memcpy of more than 128 bytes
 * then loops until it faults: glibc-2.36-abi.md 2.4), hence the floor below. */
#include "glibc.h"

#define F(off) (GLRO__dl_x86_cpu_features_##off)

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

struct caches {
	uint64_t l1i, l1i_line, l1d, l1d_assoc, l1d_line, l2, l2_assoc, l2_line, l3, l3_assoc, l3_line, l4;
};

/* Deterministic cache parameters: leaf 4 on Intel, 0x8000001D on AMD (same format). */
static void read_caches(uint32_t leaf, struct caches *c)
{
	for (uint32_t i = 0; i < 16; i++) {
		uint32_t r[4];
		cpuid(leaf, i, r);
		uint32_t type = r[0] & 0x1f, level = (r[0] >> 5) & 7;
		if (type == 0)
			break;
		uint64_t ways = ((r[1] >> 22) & 0x3ff) + 1, parts = ((r[1] >> 12) & 0x3ff) + 1;
		uint64_t line = (r[1] & 0xfff) + 1, sets = (uint64_t)r[2] + 1;
		uint64_t size = ways * parts * line * sets;
		if (level == 1 && type == 2) {
			c->l1i = size;
			c->l1i_line = line;
		} else if (level == 1 && type == 1) {
			c->l1d = size;
			c->l1d_assoc = ways;
			c->l1d_line = line;
		} else if (level == 2) {
			c->l2 = size;
			c->l2_assoc = ways;
			c->l2_line = line;
		} else if (level == 3) {
			c->l3 = size;
			c->l3_assoc = ways;
			c->l3_line = line;
		} else if (level == 4)
			c->l4 = size;
	}
}

void glibc_cpu_features(char *glro)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	uint32_t max = r[0];
	int kind = 4;
	if (r[1] == 0x756e6547 && r[3] == 0x49656e69 && r[2] == 0x6c65746e)
		kind = 1; /* GenuineIntel */
	else if (r[1] == 0x68747541 && r[3] == 0x69746e65 && r[2] == 0x444d4163)
		kind = 2; /* AuthenticAMD */
	else if (r[1] == 0x746e6543 && r[3] == 0x48727561 && r[2] == 0x736c7561)
		kind = 3; /* CentaurHauls (Zhaoxin) */
	cpuid(0x80000000, 0, r);
	uint32_t max_ext = r[0];

	LM(glro, F(basic_kind), int) = kind;
	LM(glro, F(basic_max_cpuid), int) = (int)max;
	cpuid(1, 0, r);
	unsigned family = (r[0] >> 8) & 0xf, model = (r[0] >> 4) & 0xf;
	if (family == 0xf)
		family += (r[0] >> 20) & 0xff;
	if (family >= 6)
		model += ((r[0] >> 16) & 0xf) << 4;
	LM(glro, F(basic_family), unsigned) = family;
	LM(glro, F(basic_model), unsigned) = model;
	LM(glro, F(basic_stepping), unsigned) = r[0] & 0xf;

	/* features[i].cpuid: {eax, ebx, ecx, edx} of glibc's nine leaves; .active stays 0. */
	static const struct { uint32_t leaf, sub; } leaves[9] = {
		{1, 0}, {7, 0}, {0x80000001, 0}, {0xd, 1}, {0x80000007, 0}, {0x80000008, 0}, {7, 1}, {0x19, 0}, {0x14, 0},
	};
	for (int i = 0; i < 9; i++) {
		uint32_t lim = leaves[i].leaf >= 0x80000000 ? max_ext : max;
		if (leaves[i].leaf > lim)
			continue;
		cpuid(leaves[i].leaf, leaves[i].sub, r);
		memcpy(glro + F(features) + 32 * i, r, 16);
	}

	struct caches c = {0};
	if (kind == 2 && max_ext >= 0x8000001d)
		read_caches(0x8000001d, &c);
	else if (max >= 4)
		read_caches(4, &c);
	uint64_t shared = c.l3 ? c.l3 : c.l2;
	uint64_t data = c.l1d ? c.l1d : 32 * 1024;
	if (!shared)
		shared = 1024 * 1024;
	/* glibc's rule (sysdeps/x86/dl-cacheinfo.h): 3/4 of the shared cache, at least 0x4040. */
	uint64_t nt = shared * 3 / 4;
	if (nt < 0x4040)
		nt = 0x4040;
	LM(glro, F(data_cache_size), uint64_t) = data;
	LM(glro, F(shared_cache_size), uint64_t) = shared;
	LM(glro, F(non_temporal_threshold), uint64_t) = nt;
	LM(glro, F(rep_movsb_threshold), uint64_t) = 2048; /* baseline 16-byte vectors: 2048 */
	LM(glro, F(rep_stosb_threshold), uint64_t) = 2048;
	LM(glro, F(rep_movsb_stop_threshold), uint64_t) = kind == 2 && c.l2 ? c.l2 : nt;
	LM(glro, F(level1_icache_size), uint64_t) = c.l1i;
	LM(glro, F(level1_icache_linesize), uint64_t) = c.l1i_line;
	LM(glro, F(level1_dcache_size), uint64_t) = c.l1d;
	LM(glro, F(level1_dcache_assoc), uint64_t) = c.l1d_assoc;
	LM(glro, F(level1_dcache_linesize), uint64_t) = c.l1d_line;
	LM(glro, F(level2_cache_size), uint64_t) = c.l2;
	LM(glro, F(level2_cache_assoc), uint64_t) = c.l2_assoc;
	LM(glro, F(level2_cache_linesize), uint64_t) = c.l2_line;
	LM(glro, F(level3_cache_size), uint64_t) = c.l3;
	LM(glro, F(level3_cache_assoc), uint64_t) = c.l3_assoc;
	LM(glro, F(level3_cache_linesize), uint64_t) = c.l3_line;
	LM(glro, F(level4_cache_size), uint64_t) = c.l4;
}
