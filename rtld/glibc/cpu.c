/* GLRO(dl_x86_cpu_features): read by libc's IFUNC resolvers while libc is being relocated,
 * and by memcpy/memmove, which copy the cache thresholds into their own variables.
 *
 * What we fill: the vendor and family/model; the raw CPUID words of the nine leaves glibc
 * records; the "active" words, which say what user space may use (a feature the CPU has is
 * usable at once, or only if XCR0 shows the OS saves the registers it needs: YMM for AVX,
 * opmask and ZMM for AVX-512, the tile state for AMX); the "preferred" tuning flags; the ISA
 * level; and cache sizes from CPUID leaf 4 (Intel) or 0x8000001D (AMD), with the memcpy
 * thresholds glibc derives from them. The active rules are glibc 2.36's; tests/e2e/glibc.sh
 * compares every word with what the system loader computes on the same machine.
 * The one zero that is fatal is the non-temporal threshold (memcpy of more than 128 bytes
 * then loops until it faults: glibc-2.36-abi.md 2.4), hence the floor below. */
#include "glibc.h"
#include "../arch/x86_64/isa.h"
#include "../siphash.h"

#define F(off) (GLRO__dl_x86_cpu_features_##off)

/* Remembered per leaf (arch/x86_64/isa.c): each real CPUID is a trap in a virtual machine. */
static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) { x86_cpuid(leaf, sub, r); }

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

/* Which CPUID bits become active, per glibc leaf index and register (eax, ebx, ecx, edx). */
#define B(n) (1u << (n))
enum { EAX, EBX, ECX, EDX };
static const uint32_t usable_always[9][4] = {
	/* 1: ecx SSE3 PCLMULQDQ SSSE3 CMPXCHG16B SSE4_1 SSE4_2 MOVBE POPCNT AES OSXSAVE RDRAND;
	 *    edx TSC CX8 CMOV CLFSH MMX FXSR SSE SSE2 HTT */
	[0] = {0, 0, B(0) | B(1) | B(9) | B(13) | B(19) | B(20) | B(22) | B(23) | B(25) | B(27) | B(30),
	       B(4) | B(8) | B(15) | B(19) | B(23) | B(24) | B(25) | B(26) | B(28)},
	/* 7.0: ebx BMI1 HLE BMI2 ERMS RDSEED ADX CLFLUSHOPT CLWB SHA; ecx PREFETCHWT1 OSPKE
	 *      WAITPKG GFNI RDPID CLDEMOTE MOVDIRI MOVDIR64B; edx FSRM RTM_ALWAYS_ABORT SERIALIZE
	 *      TSXLDTRK */
	[1] = {0, B(3) | B(4) | B(8) | B(9) | B(18) | B(19) | B(23) | B(24) | B(29),
	       B(0) | B(4) | B(5) | B(8) | B(22) | B(25) | B(27) | B(28), B(4) | B(11) | B(14) | B(16)},
	/* 0x80000001: ecx LAHF64_SAHF64 LZCNT SSE4A PREFETCHW TBM; edx RDTSCP */
	[2] = {0, 0, B(0) | B(5) | B(6) | B(8) | B(21), B(27)},
	/* 0x80000008: ebx WBNOINVD */
	[5] = {0, B(9), 0, 0},
	/* 7.1: eax FZLRM FSRS FSRCS */
	[6] = {B(10) | B(11) | B(12), 0, 0, 0},
	/* 0x14: ebx PTWRITE */
	[8] = {0, B(4), 0, 0},
};
/* Usable if XCR0 has the XMM and YMM states: 1: ecx FMA AVX F16C; 7.0: ebx AVX2, ecx VAES
 * VPCLMULQDQ; 0x80000001: ecx XOP FMA4; 7.1: eax AVX_VNNI. */
static const uint32_t usable_avx[9][4] = {
	[0] = {0, 0, B(12) | B(28) | B(29), 0},
	[1] = {0, B(5), B(9) | B(10), 0},
	[2] = {0, 0, B(11) | B(16), 0},
	[6] = {B(4), 0, 0, 0},
};
/* Usable if also opmask and both ZMM halves, and AVX512F itself: 7.0: ebx F DQ IFMA PF ER CD
 * BW VL, ecx VBMI VBMI2 VNNI BITALG VPOPCNTDQ, edx 4VNNIW 4FMAPS VP2INTERSECT FP16; 7.1: eax
 * BF16. */
static const uint32_t usable_avx512[9][4] = {
	[1] = {0, B(16) | B(17) | B(21) | B(26) | B(27) | B(28) | B(30) | B(31), B(1) | B(6) | B(11) | B(12) | B(14),
	       B(2) | B(3) | B(8) | B(23)},
	[6] = {B(5), 0, 0, 0},
};
/* Usable with the AMX tile states: 7.0 edx AMX_BF16 AMX_TILE AMX_INT8. */
static const uint32_t usable_amx[9][4] = {[1] = {0, 0, 0, B(22) | B(24) | B(25)}};

/* glibc's preferred[0] bits (sysdeps/x86/include/cpu-features-preferred_feature_index_1.def). */
enum {
	PREF_FAST_REP_STRING = B(0),
	PREF_FAST_UNALIGNED_LOAD = B(3),
	PREF_PMINUB = B(4),
	PREF_FAST_UNALIGNED_COPY = B(5),
	PREF_I586 = B(6),
	PREF_I686 = B(7),
	PREF_AVX_FAST_UNALIGNED_LOAD = B(9),
	PREF_NO_VZEROUPPER = B(10),
	PREF_NO_AVX512 = B(12),
};

static bool has(const uint32_t w[9][8], int idx, int reg, int bit) { return (w[idx][reg] >> bit) & 1; }

/* Fills the active words (w[i][4..7]) from the CPUID words (w[i][0..3]). */
static void compute_active(uint32_t w[9][8], int kind)
{
	bool osxsave = has(w, 0, ECX, 27);
	uint64_t xcr0 = 0;
	if (osxsave) {
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		xcr0 = ((uint64_t)hi << 32) | lo;
	}
	bool ymm = (xcr0 & 6) == 6, avx = ymm && has(w, 0, ECX, 28);
	bool zmm = ymm && (xcr0 & 0xe0) == 0xe0, avx512 = zmm && has(w, 1, EBX, 16);
	bool amx = (xcr0 & 0x60000) == 0x60000;
	for (int i = 0; i < 9; i++)
		for (int r = 0; r < 4; r++) {
			uint32_t m = usable_always[i][r];
			if (avx)
				m |= usable_avx[i][r];
			if (avx512)
				m |= usable_avx512[i][r];
			if (amx && osxsave)
				m |= usable_amx[i][r];
			w[i][4 + r] = w[i][r] & m;
		}
	/* RTM only where the CPU does not always abort transactions. */
	if (has(w, 1, EBX, 11) && !has(w, 1, EDX, 11))
		w[1][4 + EBX] |= B(11);
	if (osxsave) {
		w[0][4 + ECX] |= w[0][ECX] & B(26);                 /* XSAVE */
		w[3][4 + EAX] |= w[3][EAX] & (B(0) | B(1) | B(2) | B(4)); /* XSAVEOPT XSAVEC XGETBV_ECX_1 XFD */
	}
	if (has(w, 1, ECX, 4))
		w[1][4 + ECX] |= w[1][ECX] & B(3); /* PKU, with OSPKE */
	if (has(w, 7, EBX, 0)) {                    /* Key Locker, with AESKLE */
		w[7][4 + EBX] |= w[7][EBX] & (B(0) | B(2));
		w[1][4 + ECX] |= w[1][ECX] & B(23);
	}
	(void)kind;
}

/* The x86-64 ISA levels (psABI) the active features reach: bit 0 baseline, 1 v2, 2 v3, 3 v4. */
static unsigned isa_level(uint32_t w[9][8])
{
	uint32_t c1 = w[0][4 + ECX], b7 = w[1][4 + EBX], c81 = w[2][4 + ECX];
	unsigned level = 1;
	bool v2 = (c1 & (B(0) | B(9) | B(13) | B(19) | B(20) | B(23))) == (B(0) | B(9) | B(13) | B(19) | B(20) | B(23)) &&
		  (c81 & B(0));
	bool v3 = v2 && (c1 & (B(12) | B(22) | B(28) | B(29))) == (B(12) | B(22) | B(28) | B(29)) &&
		  (b7 & (B(3) | B(5) | B(8))) == (B(3) | B(5) | B(8)) && (c81 & B(5));
	bool v4 = v3 && (b7 & (B(16) | B(17) | B(28) | B(30) | B(31))) == (B(16) | B(17) | B(28) | B(30) | B(31));
	if (v2)
		level |= 2;
	if (v3)
		level |= 4;
	if (v4)
		level |= 8;
	return level;
}

/* AMD's associativity encoding in CPUID 0x80000006 (the same one glibc decodes). */
static uint64_t amd_assoc(uint32_t code, uint64_t size, uint32_t line)
{
	static const uint8_t ways[16] = {0, 1, 2, 0, 4, 0, 8, 0, 16, 0, 32, 48, 64, 96, 128, 0};
	if (code == 15)
		return line ? size / line : 0;
	return ways[code & 15];
}

/* AMD: sizes from the legacy leaves 0x80000005 (L1) and 0x80000006 (L2, L3), as glibc reads
 * them; the L3 there is the whole chip's, and the share per thread counts the threads of one
 * core complex (CCX) on Zen (family 0x17 and later). */
static void amd_caches(struct caches *c, uint32_t max_ext, unsigned family, uint64_t *shared, uint64_t *per_thread)
{
	uint32_t r5[4] = {0}, r6[4] = {0}, r[4];
	if (max_ext >= 0x80000005)
		cpuid(0x80000005, 0, r5);
	if (max_ext >= 0x80000006)
		cpuid(0x80000006, 0, r6);
	c->l1d = (r5[2] >> 14) & 0x3fc00;
	c->l1d_assoc = ((r5[2] >> 16) & 0xff) == 0xff ? (r5[2] >> 14) & 0x3fc00 : (r5[2] >> 16) & 0xff;
	c->l1d_line = r5[2] & 0xff;
	c->l1i = (r5[3] >> 14) & 0x3fc00;
	c->l1i_line = r5[3] & 0xff;
	bool l2 = (r6[2] & 0xf000) != 0, l3 = (r6[3] & 0xf000) != 0;
	c->l2 = l2 ? (r6[2] >> 6) & 0x3fffc00 : 0;
	c->l2_line = l2 ? r6[2] & 0xff : 0;
	c->l2_assoc = amd_assoc((r6[2] >> 12) & 0xf, c->l2, r6[2] & 0xff);
	c->l3 = l3 ? (uint64_t)(r6[3] & 0x3ffc0000) << 1 : 0;
	c->l3_line = l3 ? r6[3] & 0xff : 0;
	c->l3_assoc = amd_assoc((r6[3] >> 12) & 0xf, c->l3, r6[3] & 0xff);
	c->l4 = (uint64_t)-1; /* glibc reports no L4 on AMD as -1 */
	*shared = c->l3;
	*per_thread = c->l3;
	if (!c->l3) {
		*shared = *per_thread = c->l2;
		return;
	}
	unsigned threads = 0;
	if (max_ext >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		threads = 1u << ((r[2] >> 12) & 0xf);
	}
	if (threads == 0 || family >= 0x17) {
		cpuid(1, 0, r);
		if (r[3] & (1u << 28))
			threads = (r[1] >> 16) & 0xff;
	}
	if (threads)
		*per_thread /= threads;
	if (family >= 0x17) {
		cpuid(0x8000001d, 3, r);
		*per_thread *= ((r[0] >> 14) & 0xfff) + 1;
	} else {
		*shared += c->l2;
		*per_thread += c->l2;
	}
}

/* glibc.cpu.hwcaps=-NAME,...: what glibc lets a user switch off (sysdeps/x86/cpu-tunables.c),
 * applied as glibc applies it, after the ISA level and the cache sizes were computed: the
 * "active" bit of a CPU feature cleared, a preferred flag set or cleared (some only while a
 * feature they need is active). Then, as glibc, no XSAVE features without OSXSAVE, and no AVX
 * family without XSAVE or XSAVEC. */
static const struct { const char *name; uint8_t leaf, reg, bit; } hwcaps_off[] = {
	{"AVX", 0, ECX, 28},      {"CX8", 0, EDX, 8},       {"FMA", 0, ECX, 12},      {"HTT", 0, EDX, 28},
	{"IBT", 1, EDX, 20},      {"RTM", 1, EBX, 11},      {"AVX2", 1, EBX, 5},      {"BMI1", 1, EBX, 3},
	{"BMI2", 1, EBX, 8},      {"CMOV", 0, EDX, 15},     {"ERMS", 1, EBX, 9},      {"FMA4", 2, ECX, 16},
	{"SSE2", 0, EDX, 26},     {"LZCNT", 2, ECX, 5},     {"MOVBE", 0, ECX, 22},    {"SHSTK", 1, ECX, 7},
	{"SSSE3", 0, ECX, 9},     {"XSAVE", 0, ECX, 26},    {"POPCNT", 0, ECX, 23},   {"SSE4_1", 0, ECX, 19},
	{"SSE4_2", 0, ECX, 20},   {"XSAVEC", 3, EAX, 1},    {"AVX512F", 1, EBX, 16},  {"OSXSAVE", 0, ECX, 27},
	{"AVX512CD", 1, EBX, 28}, {"AVX512BW", 1, EBX, 30}, {"AVX512DQ", 1, EBX, 17}, {"AVX512ER", 1, EBX, 27},
	{"AVX512PF", 1, EBX, 26}, {"AVX512VL", 1, EBX, 31},
};
/* Preferred flags by name; `need`: the (leaf, reg, bit) that must be active to turn it on
 * (leaf 0xff: none; `off_only`: can only be turned off). */
static const struct { const char *name; uint8_t bit, off_only, leaf, reg, need; } hwcaps_pref[] = {
	{"I586", 6, 1, 0xff, 0, 0},
	{"I686", 7, 1, 0xff, 0, 0},
	{"Slow_BSF", 2, 0, 0xff, 0, 0},
	{"Prefer_ERMS", 11, 0, 0xff, 0, 0},
	{"Prefer_FSRM", 14, 0, 0xff, 0, 0},
	{"Slow_SSE4_2", 8, 0, 0, ECX, 20},
	{"Fast_Rep_String", 0, 0, 0xff, 0, 0},
	{"Prefer_No_AVX512", 12, 0, 1, EBX, 16},
	{"Fast_Copy_Backward", 1, 0, 0xff, 0, 0},
	{"Fast_Unaligned_Load", 3, 0, 0xff, 0, 0},
	{"Fast_Unaligned_Copy", 5, 0, 0xff, 0, 0},
	{"Prefer_No_VZEROUPPER", 10, 0, 0, ECX, 28},
	{"AVX_Fast_Unaligned_Load", 9, 0, 0, ECX, 28},
	{"MathVec_Prefer_No_AVX512", 13, 0, 1, EBX, 16},
	{"Prefer_PMINUB_for_stringop", 4, 0, 0, EDX, 26},
};

static void apply_hwcaps_tunable(char *glro)
{
	int64_t v;
	if (!glibc_tunable("glibc.cpu.hwcaps", &v) || !v)
		return;
	uint32_t (*w)[8] = (uint32_t(*)[8])(glro + F(features));
	uint32_t *pref = (uint32_t *)(glro + F(preferred));
	for (const char *p = (const char *)(uintptr_t)v; *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		bool off = len && p[0] == '-';
		const char *n = off ? p + 1 : p;
		size_t nl = off ? len - 1 : len;
		for (size_t i = 0; off && i < sizeof hwcaps_off / sizeof hwcaps_off[0]; i++)
			if (strlen(hwcaps_off[i].name) == nl && strncmp(n, hwcaps_off[i].name, nl) == 0)
				w[hwcaps_off[i].leaf][4 + hwcaps_off[i].reg] &= ~B(hwcaps_off[i].bit);
		for (size_t i = 0; i < sizeof hwcaps_pref / sizeof hwcaps_pref[0]; i++) {
			if (strlen(hwcaps_pref[i].name) != nl || strncmp(n, hwcaps_pref[i].name, nl) != 0)
				continue;
			if (off)
				*pref &= ~B(hwcaps_pref[i].bit);
			else if (!hwcaps_pref[i].off_only &&
				 (hwcaps_pref[i].leaf == 0xff ||
				  (w[hwcaps_pref[i].leaf][4 + hwcaps_pref[i].reg] & B(hwcaps_pref[i].need))))
				*pref |= B(hwcaps_pref[i].bit);
		}
		p = e ? e + 1 : p + len;
	}
	bool no_xsave = !(w[0][4 + ECX] & B(27));
	if (no_xsave) {
		w[0][4 + ECX] &= ~B(26);                               /* XSAVE */
		w[3][4 + EAX] &= ~(B(0) | B(1) | B(2) | B(4));          /* XSAVEOPT XSAVEC XGETBV_ECX_1 XFD */
	}
	if (no_xsave || (!(w[0][4 + ECX] & B(26)) && !(w[3][4 + EAX] & B(1)))) {
		w[0][4 + ECX] &= ~(B(28) | B(12) | B(29));              /* AVX FMA F16C */
		w[1][4 + EBX] &= ~(B(5) | B(16) | B(17) | B(21) | B(26) | B(27) | B(28) | B(30) | B(31));
		w[1][4 + ECX] &= ~(B(1) | B(6) | B(9) | B(10) | B(11) | B(12) | B(14)); /* AVX512 ISA ext, VAES... */
		w[1][4 + EDX] &= ~(B(2) | B(3) | B(8) | B(22) | B(23) | B(24) | B(25)); /* 4VNNIW 4FMAPS VP2INTERSECT, AMX, FP16 */
		w[6][4 + EAX] &= ~(B(4) | B(5));                        /* AVX_VNNI AVX512_BF16 */
		w[2][4 + ECX] &= ~(B(11) | B(16));                      /* XOP FMA4 */
	}
}

/* What libc's IFUNC resolvers choose by, for the relocation cache's key (relcache_key.c),
 * without the APIC id of the core we started on (leaf 1, EBX bits 31..24). Hashed only when
 * the cache asks: ~3,300 instructions that a process without the cache would spend for
 * nothing. */
static char *features_glro;
static uint64_t cpu_hash(void)
{
	uint32_t key[9][8];
	memcpy(key, features_glro + F(features), sizeof key);
	key[0][1] &= 0x00ffffff;
	struct sip_key k = {(uint64_t)LM(features_glro, F(basic_kind), int) << 32 |
				    LM(features_glro, F(basic_family), unsigned),
			    LM(features_glro, F(basic_model), unsigned)};
	return siphash24(&k, key, sizeof key) | 1;
}

/* What CPUID leaf 0 and 1 say: the vendor (glibc's arch_kind), the highest basic and extended
 * leaves, family, model and stepping, as glibc's init_cpu_features decodes them. */
struct cpu_id {
	int kind; /* 1 Intel, 2 AMD, 3 Zhaoxin, 4 other */
	uint32_t max, max_ext;
	unsigned family, model, stepping;
};

static void read_cpu_id(struct cpu_id *id)
{
	uint32_t r[4];
	cpuid(0, 0, r);
	id->max = r[0];
	id->kind = 4;
	if (r[1] == 0x756e6547 && r[3] == 0x49656e69 && r[2] == 0x6c65746e)
		id->kind = 1; /* GenuineIntel */
	else if (r[1] == 0x68747541 && r[3] == 0x69746e65 && r[2] == 0x444d4163)
		id->kind = 2; /* AuthenticAMD */
	else if (r[1] == 0x746e6543 && r[3] == 0x48727561 && r[2] == 0x736c7561)
		id->kind = 3; /* CentaurHauls (Zhaoxin) */
	cpuid(0x80000000, 0, r);
	id->max_ext = r[0];
	cpuid(1, 0, r);
	id->family = (r[0] >> 8) & 0xf;
	id->model = (r[0] >> 4) & 0xf;
	if (id->family == 0xf)
		id->family += (r[0] >> 20) & 0xff;
	if (id->family >= 6)
		id->model += ((r[0] >> 16) & 0xf) << 4;
	id->stepping = r[0] & 0xf;
}

/* w[i] = {cpuid eax, ebx, ecx, edx; active eax, ebx, ecx, edx} of glibc's nine leaves, in
 * glibc's order; a leaf above the CPU's highest stays zero, as under glibc. */
static void read_feature_words(uint32_t w[9][8], const struct cpu_id *id)
{
	static const struct { uint32_t leaf, sub; } leaves[9] = {
		{1, 0}, {7, 0}, {0x80000001, 0}, {0xd, 1}, {0x80000007, 0}, {0x80000008, 0}, {7, 1}, {0x19, 0}, {0x14, 0},
	};
	for (int i = 0; i < 9; i++) {
		uint32_t lim = leaves[i].leaf >= 0x80000000 ? id->max_ext : id->max;
		if (leaves[i].leaf <= lim)
			cpuid(leaves[i].leaf, leaves[i].sub, w[i]);
	}
	compute_active(w, id->kind);
}

/* glibc's preferred[0] (the tuning flags memcpy and friends choose by, besides the features). */
static uint32_t preferred_flags(const uint32_t w[9][8], const struct cpu_id *id)
{
	bool avx2 = has(w, 1, EBX + 4, 5), avx512f = has(w, 1, EBX + 4, 16), avx512er = has(w, 1, EBX + 4, 27);
	uint32_t pref = PREF_I586 | PREF_I686;
	if (avx2)
		pref |= PREF_AVX_FAST_UNALIGNED_LOAD;
	if (id->kind == 1 && id->family == 6)
		pref |= PREF_FAST_REP_STRING | PREF_FAST_UNALIGNED_LOAD | PREF_FAST_UNALIGNED_COPY | PREF_PMINUB;
	if (id->kind == 1 && avx512f && !avx512er)
		pref |= PREF_NO_AVX512; /* glibc keeps memcpy off 512-bit registers on Intel but Xeon Phi */
	if (avx512er)
		pref |= PREF_NO_VZEROUPPER;
	return pref;
}

/* The memcpy/memset thresholds, from the cache sizes (sysdeps/x86/dl-cacheinfo.h's rules). */
static void set_thresholds(char *glro, const struct caches *c, uint64_t shared, uint64_t per_thread,
			   const uint32_t w[9][8], uint32_t pref, int kind)
{
	uint64_t data = c->l1d ? c->l1d : 32 * 1024;
	if (!shared)
		shared = per_thread = 1024 * 1024;
	/* A quarter of the shared cache, but at least 3/4 of one thread's share (only that without
	 * ERMS), within [0x4040, SIZE_MAX >> 4]. */
	uint64_t low = per_thread * 3 / 4, nt = shared / 4 > low ? shared / 4 : low;
	if (!has(w, 1, EBX + 4, 9))
		nt = low;
	if (nt < 0x4040)
		nt = 0x4040;
	if (nt > (uint64_t)-1 >> 4)
		nt = (uint64_t)-1 >> 4;
	LM(glro, F(data_cache_size), uint64_t) = data;
	LM(glro, F(shared_cache_size), uint64_t) = shared;
	LM(glro, F(non_temporal_threshold), uint64_t) = nt;
	/* 4096 per 16 bytes of vector for AVX-512 or AVX2 copies, 2048 for SSE2; 2112 with fast
	 * short REP MOVSB (FSRM). */
	bool avx512f = has(w, 1, EBX + 4, 16);
	uint64_t movsb = avx512f && !(pref & PREF_NO_AVX512) ? 4096 * 4 : (pref & PREF_AVX_FAST_UNALIGNED_LOAD) ? 4096 * 2 : 2048;
	if (has(w, 1, EDX + 4, 4))
		movsb = 2112;
	LM(glro, F(rep_movsb_threshold), uint64_t) = movsb;
	LM(glro, F(rep_stosb_threshold), uint64_t) = 2048;
	LM(glro, F(rep_movsb_stop_threshold), uint64_t) = kind == 2 && c->l2 ? c->l2 : nt;
}

/* The glibc.cpu.x86_* tunables override what CPUID said (GLIBC_TUNABLES). */
static void apply_cache_tunables(char *glro)
{
	static const struct { const char *name; size_t off; } overrides[] = {
		{"glibc.cpu.x86_data_cache_size", F(data_cache_size)},
		{"glibc.cpu.x86_shared_cache_size", F(shared_cache_size)},
		{"glibc.cpu.x86_non_temporal_threshold", F(non_temporal_threshold)},
		{"glibc.cpu.x86_rep_movsb_threshold", F(rep_movsb_threshold)},
		{"glibc.cpu.x86_rep_stosb_threshold", F(rep_stosb_threshold)},
	};
	for (size_t i = 0; i < sizeof overrides / sizeof overrides[0]; i++) {
		int64_t v;
		if (glibc_tunable(overrides[i].name, &v) && v > 0)
			LM(glro, overrides[i].off, uint64_t) = (uint64_t)v;
	}
}

/* What sysconf(_SC_LEVEL*_CACHE_*) reports. */
static void store_cache_geometry(char *glro, const struct caches *c)
{
	LM(glro, F(level1_icache_size), uint64_t) = c->l1i;
	LM(glro, F(level1_icache_linesize), uint64_t) = c->l1i_line;
	LM(glro, F(level1_dcache_size), uint64_t) = c->l1d;
	LM(glro, F(level1_dcache_assoc), uint64_t) = c->l1d_assoc;
	LM(glro, F(level1_dcache_linesize), uint64_t) = c->l1d_line;
	LM(glro, F(level2_cache_size), uint64_t) = c->l2;
	LM(glro, F(level2_cache_assoc), uint64_t) = c->l2_assoc;
	LM(glro, F(level2_cache_linesize), uint64_t) = c->l2_line;
	LM(glro, F(level3_cache_size), uint64_t) = c->l3;
	LM(glro, F(level3_cache_assoc), uint64_t) = c->l3_assoc;
	LM(glro, F(level3_cache_linesize), uint64_t) = c->l3_line;
	LM(glro, F(level4_cache_size), uint64_t) = c->l4;
}

void glibc_cpu_features(char *glro)
{
	struct cpu_id id;
	read_cpu_id(&id);
	LM(glro, F(basic_kind), int) = id.kind;
	LM(glro, F(basic_max_cpuid), int) = (int)id.max;
	LM(glro, F(basic_family), unsigned) = id.family;
	LM(glro, F(basic_model), unsigned) = id.model;
	LM(glro, F(basic_stepping), unsigned) = id.stepping;

	uint32_t w[9][8] = {{0}};
	read_feature_words(w, &id);
	memcpy(glro + F(features), w, sizeof w);
	features_glro = glro;
	R.cpu_hash = cpu_hash;
	LM(glro, F(isa_1), unsigned) = isa_level(w);
	uint32_t pref = preferred_flags(w, &id);
	LM(glro, F(preferred), uint32_t) = pref;

	struct caches c = {0};
	uint64_t shared, per_thread;
	if (id.kind == 2)
		amd_caches(&c, id.max_ext, id.family, &shared, &per_thread);
	else {
		if (id.max >= 4)
			read_caches(4, &c);
		shared = per_thread = c.l3 ? c.l3 : c.l2;
	}
	set_thresholds(glro, &c, shared, per_thread, w, pref, id.kind);
	apply_cache_tunables(glro);
	store_cache_geometry(glro, &c);
	apply_hwcaps_tunable(glro);
}
