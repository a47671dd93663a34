/* Which variant of each string and memory function libc's IFUNC resolvers chose in this
 * process, and the whole CPU record they chose by (the dynamic linker's cpu_features, through
 * ld.so's _dl_x86_get_cpu_features). Each choice is printed as the variant's offset in libc.so.6,
 * taken two ways: the program's own relocation (&memcpy goes through a GLOB_DAT/JUMP_SLOT the
 * loader resolved) and dlsym, which runs the resolver again. The system loader's run is the
 * expected output; tests/e2e/glibc.sh compares.
 * Not printed: the initial APIC id (leaf 1 EBX bits 31..24: the CPU we started on) and
 * xsave_state_size/xsave_state_full_size, which only glibc's own ld.so trampolines read (its
 * _dl_runtime_resolve; libc.so.6 2.36 never does): ld-mmld.so leaves them 0. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

extern const void *_dl_x86_get_cpu_features(void);

#define FN(f) {#f, (void *)(f)}
static const struct {
	const char *name;
	void *got;
} fns[] = {
	FN(memcpy),  FN(memmove), FN(mempcpy), FN(memset),     FN(memcmp),  FN(memchr),  FN(memrchr), FN(rawmemchr),
	FN(strlen),  FN(strnlen), FN(strcmp),  FN(strncmp),    FN(strcpy),  FN(stpcpy),  FN(strncpy), FN(stpncpy),
	FN(strcat),  FN(strncat), FN(strchr),  FN(strchrnul),  FN(strrchr), FN(strstr),  FN(strcasecmp),
	FN(strncasecmp), FN(strspn), FN(strcspn), FN(strpbrk), FN(wcslen),  FN(wcsnlen), FN(wcschr),  FN(wcscmp),
	FN(wmemset), FN(wmemchr), FN(wmemcmp), FN(bzero),
};

/* The offset of a libc function's address inside libc.so.6 (never a raw address). */
static long libc_offset(void *p)
{
	Dl_info info;
	if (!p || !dladdr(p, &info) || !info.dli_fname || !strstr(info.dli_fname, "libc.so.6"))
		return -1;
	return (long)((uintptr_t)p - (uintptr_t)info.dli_fbase);
}

/* glibc 2.36's struct cpu_features: 480 bytes; xsave_state_size at 320, xsave_state_full_size at 328. */
static void print_cpu_features(void)
{
	uint32_t w[480 / 4];
	memcpy(w, _dl_x86_get_cpu_features(), sizeof w);
	w[24 / 4] &= 0x00ffffff; /* features[0].cpuid.ebx: the APIC id */
	for (unsigned i = 0; i < sizeof w / sizeof w[0]; i++)
		if (i * 4 < 320 || i * 4 >= 336)
			printf("cpu_features+%u: %08x\n", i * 4, w[i]);
}

int main(void)
{
	int unresolved = 0;
	for (unsigned i = 0; i < sizeof fns / sizeof fns[0]; i++) {
		long got = libc_offset(fns[i].got), sym = libc_offset(dlsym(RTLD_DEFAULT, fns[i].name));
		printf("%-12s relocated +%#lx dlsym +%#lx\n", fns[i].name, got, sym);
		unresolved += got < 0 || sym < 0;
	}
	print_cpu_features();
	return unresolved ? 1 : 0;
}
