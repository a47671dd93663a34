/* Step 2: relocate ld-mmld.so itself.
 *
 * Contract: called first, with nothing of ours relocated. Until it returns, no code may read
 * a global that holds a pointer (a pointer in initialised data is only correct after this
 * runs), call through a function pointer, or call a function that might. The link is made
 * with -Bsymbolic and hidden visibility, so the only relocations we have are RELATIVE (in
 * RELR form, or RELA when the linker keeps some), and the build checks that (Makefile).
 * Everything this file touches is reached PC-relative. */
#include "rtld.h"
#include "relr.h"

extern const Elf64_Ehdr __ehdr_start HIDDEN;
extern Elf64_Dyn _DYNAMIC[] HIDDEN;

/* Returns our load bias. Runs before relocation: inlined helpers only. */
HIDDEN uintptr_t rtld_self_relocate(void)
{
	uintptr_t bias = (uintptr_t)&__ehdr_start; /* linked at 0, so the header's address is the bias */
	const Elf64_Rela *rela = 0;
	size_t relasz = 0, relrsz = 0;
	const uint64_t *relr = 0;

	for (Elf64_Dyn *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_RELA: rela = (const Elf64_Rela *)(bias + d->d_un.d_ptr); break;
		case DT_RELASZ: relasz = d->d_un.d_val; break;
		case DT_RELR: relr = (const uint64_t *)(bias + d->d_un.d_ptr); break;
		case DT_RELRSZ: relrsz = d->d_un.d_val; break;
		}
	}
	for (size_t i = 0; i < relasz / sizeof *rela; i++)
		if (R_TYPE(rela[i].r_info) == R_X86_64_RELATIVE)
			*(uint64_t *)(bias + rela[i].r_offset) = bias + rela[i].r_addend;
	if (relr)
		relr_apply(bias, relr, relrsz);
	return bias;
}
