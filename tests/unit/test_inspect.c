/* mmld inspect's counts (loader/elfinfo.c, elfreloc.c) against readelf: for the system's
 * libc.so.6, libstdc++.so.6 and libLLVM-14.so.1, every (section, relocation type) row must
 * have the count `readelf -rW` lists and the number of distinct pages those relocations
 * write, computed here from readelf's offsets and `readelf -SW`'s sections. A copy without
 * section headers must be read from its dynamic segment to the same totals; a foreign
 * machine and text relocations must be seen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "elfinfo.h"

static const char *const libraries[] = {
	"/lib/x86_64-linux-gnu/libc.so.6",
	"/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
	"/usr/lib/x86_64-linux-gnu/libLLVM-14.so.1",
};

struct section {
	char name[128];
	uint64_t lo, hi;
};

struct entry {
	uint64_t where;
	char type[40];
	const char *section;
};

struct expected {
	struct section *sec;
	size_t nsec;
	struct entry *e;
	size_t n, cap;
	size_t none;
};

/* The allocated sections that occupy addresses (not TLS bss), from readelf -SW. */
static void read_sections(const char *path, struct expected *x)
{
	char cmd[512], line[1024];
	snprintf(cmd, sizeof cmd, "readelf -SW '%s'", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	x->sec = calloc(4096, sizeof *x->sec);
	while (fgets(line, sizeof line, p)) {
		char *b = strchr(line, ']');
		char name[128], type[64], tok[6][32];
		unsigned long addr, off, size, es;
		if (!strchr(line, '[') || !b || sscanf(b + 1, "%127s %63s %lx %lx %lx %lx", name, type, &addr, &off, &size, &es) != 6)
			continue;
		/* Flags follow ES when there are any: letters only. */
		int n = sscanf(b + 1, "%*s %*s %*s %*s %*s %*s %31s %31s %31s %31s", tok[0], tok[1], tok[2], tok[3]);
		const char *flags = n == 4 ? tok[0] : "";
		if (!strchr(flags, 'A') || !size || (strchr(flags, 'T') && strcmp(type, "NOBITS") == 0))
			continue;
		struct section *s = &x->sec[x->nsec++];
		snprintf(s->name, sizeof s->name, "%s", name);
		s->lo = addr;
		s->hi = addr + size;
	}
	pclose(p);
	assert_true(x->nsec > 5);
}

static const char *section_of(const struct expected *x, uint64_t v)
{
	for (size_t i = 0; i < x->nsec; i++)
		if (v >= x->sec[i].lo && v < x->sec[i].hi)
			return x->sec[i].name;
	return "outside every section";
}

static void add(struct expected *x, uint64_t where, const char *type)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 4096;
		x->e = realloc(x->e, x->cap * sizeof *x->e);
	}
	struct entry *e = &x->e[x->n++];
	e->where = where;
	snprintf(e->type, sizeof e->type, "%s", type);
	e->section = section_of(x, where);
}

/* Every relocation readelf -rW lists: RELA lines (offset, info, type) and, after "N
 * offsets", the addresses of a RELR table. */
static void read_relocations(const char *path, struct expected *x)
{
	char cmd[512], line[4096];
	snprintf(cmd, sizeof cmd, "readelf -rW '%s'", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	bool relr = false;
	while (fgets(line, sizeof line, p)) {
		unsigned long off, info;
		char type[64];
		if (strncmp(line, "Relocation section", 18) == 0) {
			relr = strstr(line, "relr") != NULL;
			continue;
		}
		if (relr) {
			char *end;
			unsigned long a = strtoul(line, &end, 16);
			if (end != line && (*end == '\n' || *end == ' ') && strlen(line) >= 16 && !strstr(line, "offsets"))
				add(x, a, "R_X86_64_RELATIVE (RELR)");
			continue;
		}
		if (sscanf(line, "%lx %lx %63s", &off, &info, type) == 3 && strncmp(type, "R_X86_64_", 9) == 0) {
			if (strcmp(type, "R_X86_64_NONE") == 0)
				x->none++;
			else
				add(x, off, type);
		}
	}
	pclose(p);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Distinct pages of the entries matching (section, type); NULLs match all. */
static size_t pages_of(const struct expected *x, const char *section, const char *type, size_t *count)
{
	uint64_t *p = malloc((x->n + 1) * sizeof *p);
	size_t k = 0;
	for (size_t i = 0; i < x->n; i++)
		if ((!section || strcmp(x->e[i].section, section) == 0) && (!type || strcmp(x->e[i].type, type) == 0))
			p[k++] = x->e[i].where & ~4095ULL;
	*count = k;
	qsort(p, k, sizeof *p, cmp_u64);
	size_t d = 0;
	for (size_t i = 0; i < k; i++)
		d += i == 0 || p[i] != p[i - 1];
	free(p);
	return d;
}

/* Every row of elfinfo's against readelf's entries, and readelf's against the rows. */
static void compare(const char *path, const struct elf_info *e, const struct expected *x)
{
	size_t all;
	assert_int_equal(e->nrelocs, x->n);
	assert_int_equal(e->nreloc_pages, pages_of(x, NULL, NULL, &all));
	assert_int_equal(e->none_relocs, x->none);
	size_t covered = 0;
	for (size_t g = 0; g < e->ngroups; g++) {
		size_t count, pages = pages_of(x, e->groups[g].section, e->groups[g].type, &count);
		if (count != e->groups[g].relocs || pages != e->groups[g].pages)
			fail_msg("%s: %s %s: %zu relocations on %zu pages, readelf: %zu on %zu", path, e->groups[g].section,
				 e->groups[g].type, e->groups[g].relocs, e->groups[g].pages, count, pages);
		covered += count;
	}
	assert_int_equal(covered, x->n); /* no (section, type) of readelf's is missing a row */
}

static void test_against_readelf(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof libraries / sizeof libraries[0]; i++) {
		struct expected x = {0};
		read_sections(libraries[i], &x);
		read_relocations(libraries[i], &x);
		assert_true(x.n > 1000);
		struct elf_info *e = elfinfo_load(libraries[i]);
		assert_true(e->ok);
		assert_true(e->relocs_from_dynamic);
		assert_true(e->has_sections);
		assert_false(e->textrel);
		compare(libraries[i], e, &x);
		for (size_t g = 0; g < e->ngroups; g++) /* TLS bss takes no addresses */
			assert_string_not_equal(e->groups[g].section, ".tbss");
		free(x.sec);
		free(x.e);
	}
}

/* A copy of path with e_shoff, e_shnum and e_shstrndx zeroed: no section headers. */
static void copy_patched(const char *path, const char *out, int what)
{
	FILE *in = fopen(path, "rb"), *o = fopen(out, "wb");
	assert_non_null(in);
	assert_non_null(o);
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, o), n);
	fclose(in);
	fclose(o);
	Elf64_Ehdr eh;
	FILE *r = fopen(out, "r+b");
	assert_int_equal(fread(&eh, sizeof eh, 1, r), 1);
	if (what == 0) {
		eh.e_shoff = 0;
		eh.e_shnum = 0;
		eh.e_shstrndx = 0;
	} else
		eh.e_machine = EM_AARCH64;
	fseek(r, 0, SEEK_SET);
	assert_int_equal(fwrite(&eh, sizeof eh, 1, r), 1);
	fclose(r);
}

static void test_no_section_headers(void **state)
{
	(void)state;
	const char *lib = libraries[0];
	char out[] = "/tmp/mmld-test-inspect-XXXXXX";
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	copy_patched(lib, out, 0);
	struct elf_info *with = elfinfo_load(lib), *without = elfinfo_load(out);
	unlink(out);
	assert_true(without->ok);
	assert_false(without->has_sections);
	assert_true(without->relocs_from_dynamic);
	assert_int_equal(without->nrelocs, with->nrelocs);
	assert_int_equal(without->nreloc_pages, with->nreloc_pages);
	for (size_t g = 0; g < without->ngroups; g++)
		assert_true(strncmp(without->groups[g].section, "segment ", 8) == 0);
}

static void test_foreign_machine(void **state)
{
	(void)state;
	char out[] = "/tmp/mmld-test-inspect-XXXXXX";
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	copy_patched(libraries[0], out, 1);
	struct elf_info *e = elfinfo_load(out);
	unlink(out);
	assert_int_equal(e->machine, EM_AARCH64);
	assert_true(e->ngroups > 0);
	for (size_t g = 0; g < e->ngroups; g++) /* x86-64's names are not AArch64's */
		assert_true(strncmp(e->groups[g].type, "type ", 5) == 0);
}

static void test_text_relocations(void **state)
{
	const char *lib = *state;
	struct elf_info *e = elfinfo_load(lib);
	assert_true(e->ok);
	assert_true(e->textrel);
	assert_int_equal(e->text_reloc_pages, 1);
	assert_string_equal(e->groups[0].section, ".text");
	assert_string_equal(e->groups[0].type, "R_X86_64_64");
}

int main(void)
{
	/* A library with text relocations: $MMLD_TEXTREL_LIB (make unit sets it). */
	void *textrel = getenv("MMLD_TEXTREL_LIB") ? getenv("MMLD_TEXTREL_LIB") : "build/testprogs/libtextrel.so";
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_readelf),
		cmocka_unit_test(test_no_section_headers),
		cmocka_unit_test(test_foreign_machine),
		cmocka_unit_test_prestate(test_text_relocations, textrel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
