/* Validation of untrusted ELF headers, before anything is mapped: a pure function, so every
 * rule is unit-tested with hand-made malformed tables (tests/unit/test_elfcheck.c). */
#ifndef MMLD_ELFCHECK_H
#define MMLD_ELFCHECK_H

#include "include/elfdefs.h"

#define ELF_MAX_PHNUM (65536 / sizeof(Elf64_Phdr)) /* the kernel's bound: 64 KiB of headers */

/* Checks the ELF header of a file of file_size bytes. 0 if usable; else writes the problem
 * (with the offending values) to err and returns -1. */
int elf_check_ehdr(const Elf64_Ehdr *eh, uint64_t file_size, char *err, size_t errlen);
/* Checks the program headers against each other, the page size and the file size. */
int elf_check_phdrs(const Elf64_Phdr *ph, size_t phnum, uint64_t file_size, uint64_t pagesize, char *err,
		    size_t errlen);

#endif
