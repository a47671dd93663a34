/* Validation of untrusted ELF and program headers. A table pasted from `readelf -lW` of a
 * real library passes; each malformed variant fails with its own message. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "elfcheck.h"

/* readelf -lW /lib/x86_64-linux-gnu/libz.so.1 (Debian 12, zlib 1.2.13), file size 0x1d9c0:
 *   LOAD    0x000000 0x0000000000000000 0x0000000000000000 0x002280 0x002280 R   0x1000
 *   LOAD    0x003000 0x0000000000003000 0x0000000000003000 0x01200d 0x01200d R E 0x1000
 *   LOAD    0x016000 0x0000000000016000 0x0000000000016000 0x0063c8 0x0063c8 R   0x1000
 *   LOAD    0x01cc70 0x000000000001dc70 0x000000000001dc70 0x000518 0x000520 RW  0x1000
 *   DYNAMIC 0x01cdd0 0x000000000001ddd0 0x000000000001ddd0 0x0001f0 0x0001f0 RW  0x8 */
static const Elf64_Phdr libz[] = {
	{PT_LOAD, PF_R, 0x000000, 0x000000, 0x000000, 0x002280, 0x002280, 0x1000},
	{PT_LOAD, PF_R | PF_X, 0x003000, 0x003000, 0x003000, 0x01200d, 0x01200d, 0x1000},
	{PT_LOAD, PF_R, 0x016000, 0x016000, 0x016000, 0x0063c8, 0x0063c8, 0x1000},
	{PT_LOAD, PF_R | PF_W, 0x01cc70, 0x01dc70, 0x01dc70, 0x000518, 0x000520, 0x1000},
	{PT_DYNAMIC, PF_R | PF_W, 0x01cdd0, 0x01ddd0, 0x01ddd0, 0x0001f0, 0x0001f0, 8},
};
#define LIBZ_SIZE 0x1d9c0
#define N(a) (sizeof(a) / sizeof((a)[0]))

static Elf64_Ehdr good_ehdr(void)
{
	Elf64_Ehdr e;
	memset(&e, 0, sizeof e);
	memcpy(e.e_ident, ELFMAG, SELFMAG);
	e.e_ident[EI_CLASS] = ELFCLASS64;
	e.e_ident[EI_DATA] = ELFDATA2LSB;
	e.e_ident[EI_VERSION] = EV_CURRENT;
	e.e_type = ET_DYN;
	e.e_machine = EM_X86_64;
	e.e_version = EV_CURRENT;
	e.e_phoff = 64;
	e.e_phentsize = sizeof(Elf64_Phdr);
	e.e_phnum = 5;
	return e;
}

static void ehdr_fails(const Elf64_Ehdr *e, uint64_t size, const char *want)
{
	char err[256] = "";
	assert_int_equal(elf_check_ehdr(e, size, err, sizeof err), -1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not mention \"%s\"", err, want);
}

static void test_ehdr(void **state)
{
	(void)state;
	char err[256];
	Elf64_Ehdr e = good_ehdr();
	assert_int_equal(elf_check_ehdr(&e, LIBZ_SIZE, err, sizeof err), 0);
	ehdr_fails(&e, 40, "file too short");
	e.e_ident[1] = 'X';
	ehdr_fails(&e, LIBZ_SIZE, "invalid ELF header");
	e = good_ehdr(), e.e_ident[EI_CLASS] = ELFCLASS32;
	ehdr_fails(&e, LIBZ_SIZE, "wrong ELF class: ELFCLASS32");
	e = good_ehdr(), e.e_ident[EI_DATA] = ELFDATA2MSB;
	ehdr_fails(&e, LIBZ_SIZE, "not little-endian");
	e = good_ehdr(), e.e_version = 2;
	ehdr_fails(&e, LIBZ_SIZE, "version");
	e = good_ehdr(), e.e_ident[EI_OSABI] = 9;
	ehdr_fails(&e, LIBZ_SIZE, "OS ABI invalid (9)");
	e = good_ehdr(), e.e_machine = 183;
	ehdr_fails(&e, LIBZ_SIZE, "wrong machine 183");
	e = good_ehdr(), e.e_type = ET_REL;
	ehdr_fails(&e, LIBZ_SIZE, "only ET_DYN and ET_EXEC");
	e = good_ehdr(), e.e_phentsize = 32;
	ehdr_fails(&e, LIBZ_SIZE, "phentsize not the expected size (32, not 56)");
	e = good_ehdr(), e.e_phnum = 0;
	ehdr_fails(&e, LIBZ_SIZE, "bad number of program headers (0)");
	e = good_ehdr(), e.e_phnum = 2000;
	ehdr_fails(&e, LIBZ_SIZE, "bad number of program headers (2000)");
	e = good_ehdr(), e.e_phoff = LIBZ_SIZE - 100;
	ehdr_fails(&e, LIBZ_SIZE, "program headers beyond end of file");
	e = good_ehdr(), e.e_phoff = UINT64_MAX - 8;
	ehdr_fails(&e, LIBZ_SIZE, "program headers beyond end of file");
}

static void phdrs_fail(const Elf64_Phdr *ph, size_t n, const char *want)
{
	char err[256] = "";
	assert_int_equal(elf_check_phdrs(ph, n, LIBZ_SIZE, 4096, err, sizeof err), -1);
	if (!strstr(err, want))
		fail_msg("error \"%s\" does not mention \"%s\"", err, want);
}

static void test_phdrs(void **state)
{
	(void)state;
	char err[256];
	Elf64_Phdr p[N(libz)];
	assert_int_equal(elf_check_phdrs(libz, N(libz), LIBZ_SIZE, 4096, err, sizeof err), 0);

	memcpy(p, libz, sizeof p), p[3].p_filesz = 0x600;
	phdrs_fail(p, N(p), "segment 3: file size 0x600 exceeds memory size 0x520");
	memcpy(p, libz, sizeof p), p[1].p_offset = 0x3100;
	phdrs_fail(p, N(p), "address/offset not page-aligned (segment 1: vaddr 0x3000, offset 0x3100)");
	memcpy(p, libz, sizeof p), p[1].p_filesz = p[1].p_memsz = LIBZ_SIZE;
	phdrs_fail(p, N(p), "beyond end of file");
	memcpy(p, libz, sizeof p), p[3].p_offset = UINT64_MAX - 0xfff + 0xc70, p[3].p_vaddr = 0x1dc70;
	phdrs_fail(p, N(p), "beyond end of file");
	memcpy(p, libz, sizeof p), p[3].p_vaddr = UINT64_MAX - 0x38f, p[3].p_offset = 0x1bc70;
	phdrs_fail(p, N(p), "overflows");
	memcpy(p, libz, sizeof p), p[2].p_align = 0x1800;
	phdrs_fail(p, N(p), "not a power of two");
	memcpy(p, libz, sizeof p), p[2].p_vaddr = 0x2000, p[2].p_offset = 0x2000;
	phdrs_fail(p, N(p), "overlap or are not in ascending order");
	memcpy(p, libz, sizeof p);
	for (size_t i = 0; i < 4; i++)
		p[i].p_type = PT_NOTE;
	phdrs_fail(p, N(p), "no loadable segments");
	Elf64_Phdr two_dyn[N(libz) + 1];
	memcpy(two_dyn, libz, sizeof libz), two_dyn[N(libz)] = libz[4];
	phdrs_fail(two_dyn, N(two_dyn), "more than one PT_DYNAMIC");
	Elf64_Phdr tls[N(libz) + 1];
	memcpy(tls, libz, sizeof libz);
	tls[N(libz)] = (Elf64_Phdr){PT_TLS, PF_R, 0x1cc70, 0x1dc70, 0x1dc70, 0x10, 0x8, 8};
	phdrs_fail(tls, N(tls), "PT_TLS file size 16 exceeds memory size 8");
	tls[N(libz)] = (Elf64_Phdr){PT_TLS, PF_R, 0x1cc70, 0x1dc70, 0x1dc70, 0x8, 0x10, 12};
	phdrs_fail(tls, N(tls), "PT_TLS alignment 12 is not a power of two");

	/* RELRO: libz's real one passes, padded to the page end passes, past it or wrapping fails. */
	Elf64_Phdr relro[N(libz) + 1];
	memcpy(relro, libz, sizeof libz);
	relro[N(libz)] = (Elf64_Phdr){PT_GNU_RELRO, PF_R, 0x1cc70, 0x1dc70, 0x1dc70, 0x390, 0x390, 1};
	assert_int_equal(elf_check_phdrs(relro, N(relro), LIBZ_SIZE, 4096, err, sizeof err), 0);
	relro[N(libz)].p_memsz = 0x1f000 - 0x1dc70;
	assert_int_equal(elf_check_phdrs(relro, N(relro), LIBZ_SIZE, 4096, err, sizeof err), 0);
	relro[N(libz)].p_memsz = 0x1f001 - 0x1dc70;
	phdrs_fail(relro, N(relro), "PT_GNU_RELRO 0x1dc70+0x1391 outside the loadable segments");
	relro[N(libz)].p_memsz = 0x8000000000000000UL;
	phdrs_fail(relro, N(relro), "PT_GNU_RELRO");
	relro[N(libz)].p_memsz = 0x390, relro[N(libz)].p_vaddr = 0x7ffff0000000;
	phdrs_fail(relro, N(relro), "PT_GNU_RELRO");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ehdr),
		cmocka_unit_test(test_phdrs),
	};
	return cmocka_run_group_tests_name("elfcheck", tests, NULL, NULL);
}
