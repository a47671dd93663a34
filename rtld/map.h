#ifndef MMLD_MAP_H
#define MMLD_MAP_H
#include "rtld.h"

/* Opens and maps the ELF file at `path` into a new struct dso (not yet on any list).
 * On failure returns NULL with the problem in err (the caller decides whether it is fatal:
 * a library search tries the next directory when a file is of the wrong class).
 * *skipped_wrong_class is set when the file is an ELF object of another kind
 * (class/machine), which the search skips as glibc does. */
HIDDEN struct dso *map_file(const char *path, int fd, const struct kstat *st, char *err, size_t errlen,
			    bool *wrong_class, bool program);
/* Builds the record of the program the kernel already mapped (PT_INTERP start). */
HIDDEN struct dso *map_adopt_program(const Elf64_Phdr *phdr, size_t phnum, uintptr_t entry);
/* Builds the record of ld-mmld.so itself, or of the vDSO, from its ELF header in memory. */
HIDDEN struct dso *map_adopt_image(const Elf64_Ehdr *eh, uintptr_t bias, enum dso_kind kind);
/* Applies the final protections of PT_GNU_RELRO after relocation. */
HIDDEN void map_protect_relro(struct dso *d);
/* mprotect with LD_DEBUG=maps tracing. */
HIDDEN long map_mprotect(const struct dso *d, uintptr_t addr, size_t len, int prot, const char *why);
/* Unmaps an object's whole span (dlclose, or a failed load). */
HIDDEN void map_unmap(struct dso *d);
/* Protection bits for a segment's p_flags, exactly as it asks. */
HIDDEN int map_prot(uint32_t p_flags);
/* Fills the segment-derived fields (dynamic, TLS, RELRO, stack) from the program headers. */
HIDDEN void map_scan_phdrs(struct dso *d);
#endif
