/* What libc tells programs about the CPU: the CPUID and "active" words its IFUNC resolvers
 * choose by (__x86_get_cpuid_feature_leaf), and the cache geometry sysconf reports. Both come
 * from the dynamic linker; the system loader's answer is the expected one. (The initial APIC
 * id in leaf 1's EBX depends on the CPU the process runs on: masked.) */
#include <stdio.h>
#include <sys/platform/x86.h>
#include <unistd.h>

int main(void)
{
	for (unsigned i = 0; i < 9; i++) {
		const struct cpuid_feature *f = __x86_get_cpuid_feature_leaf(i);
		unsigned ebx = i == 0 ? f->cpuid_array[1] & 0x00ffffff : f->cpuid_array[1];
		printf("leaf %u cpuid %08x %08x %08x %08x active %08x %08x %08x %08x\n", i, f->cpuid_array[0], ebx,
		       f->cpuid_array[2], f->cpuid_array[3], f->active_array[0], f->active_array[1], f->active_array[2],
		       f->active_array[3]);
	}
	static const struct { const char *name; int sc; } sc[] = {
		{"L1i size", _SC_LEVEL1_ICACHE_SIZE}, {"L1i line", _SC_LEVEL1_ICACHE_LINESIZE},
		{"L1d size", _SC_LEVEL1_DCACHE_SIZE}, {"L1d assoc", _SC_LEVEL1_DCACHE_ASSOC},
		{"L1d line", _SC_LEVEL1_DCACHE_LINESIZE}, {"L2 size", _SC_LEVEL2_CACHE_SIZE},
		{"L2 assoc", _SC_LEVEL2_CACHE_ASSOC}, {"L2 line", _SC_LEVEL2_CACHE_LINESIZE},
		{"L3 size", _SC_LEVEL3_CACHE_SIZE}, {"L3 assoc", _SC_LEVEL3_CACHE_ASSOC},
		{"L3 line", _SC_LEVEL3_CACHE_LINESIZE}, {"L4 size", _SC_LEVEL4_CACHE_SIZE},
	};
	for (unsigned i = 0; i < sizeof sc / sizeof sc[0]; i++)
		printf("sysconf %s: %ld\n", sc[i].name, sysconf(sc[i].sc));
	return 0;
}
