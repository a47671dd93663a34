/* mmld pages' explanation of one private page (loader/pagecause.c), from hand-made facts
 * and page states: who wrote it first (kernel, loader, libc init, initialisers, program),
 * relocations by section and type, the start of bss, DT_DEBUG, lazy binding by name,
 * breakpoints. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <stdlib.h>
#include <elf.h>
#include "pages.h"

#define NP 4

/* An object of four data pages at 0x10000, seen at every stop from `first`. */
static struct pobject *object(int first)
{
	static struct pobject o;
	static struct page_facts f[NP];
	static uint8_t st[NSTOPS][NP];
	memset(&o, 0, sizeof o);
	memset(f, 0, sizeof f);
	memset(st, 0, sizeof st);
	o.first_stop = first;
	o.lo = 0x10000;
	o.npages = NP;
	o.facts = f;
	o.bias = 0x7f0000000000;
	for (int s = 0; s < NSTOPS; s++) {
		o.state[s] = st[s];
		o.seen[s] = s >= first;
		for (int i = 0; i < NP; i++)
			st[s][i] = s >= first ? PS_FILE : PS_NONE;
	}
	for (int i = 0; i < NP; i++) {
		f[i].page = o.lo + 0x1000 * (uint64_t)i;
		f[i].seg_flags = PF_R | PF_W;
	}
	return &o;
}

static void private_from(struct pobject *o, int page, int stop)
{
	for (int s = stop; s < NSTOPS; s++)
		o->state[s][page] = PS_PRIVATE;
}

static struct reloc_count relocs[3] = {
	{".data.rel.ro", "RELATIVE (RELR)", 300}, {".got", "GLOB_DAT", 12}, {".data.rel.ro", "IRELATIVE", 1}};

static void test_relocations_by_section_and_type(void **state)
{
	(void)state;
	struct pobject *o = object(PSTOP_RELOCATED);
	o->facts[0].relocs = relocs;
	o->facts[0].nrelocs = 3;
	o->facts[0].words = 313;
	private_from(o, 0, PSTOP_RELOCATED);
	struct page_cause c;
	pagecause_explain(o, 0, PSTOP_EXIT, &c);
	assert_int_equal(c.since, PSTOP_RELOCATED);
	assert_string_equal(c.why, "relocations wrote 313 words: .data.rel.ro RELATIVE(relr) 300 IRELATIVE 1; .got GLOB_DAT 12");
}

static void test_writer_by_first_private_stop(void **state)
{
	(void)state;
	struct pobject *o = object(PSTOP_RELOCATED);
	private_from(o, 1, PSTOP_LOADED);
	private_from(o, 2, PSTOP_ENTRY);
	private_from(o, 3, PSTOP_EXITING);
	private_from(o, 0, PSTOP_EXIT);
	struct page_cause c;
	pagecause_explain(o, 1, PSTOP_EXIT, &c);
	assert_int_equal(c.since, PSTOP_LOADED);
	assert_non_null(strstr(c.why, "__libc_early_init"));
	pagecause_explain(o, 2, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "written by initialisers (constructors), before the entry point");
	pagecause_explain(o, 3, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "written by the program after its entry point");
	pagecause_explain(o, 0, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "written at exit, after exit() was called: exit handlers and finalisers (destructors)");
	/* No exit() seen (the program called _exit): all of it is the program's. */
	o->seen[PSTOP_EXITING] = false;
	pagecause_explain(o, 0, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "written by the program after its entry point");
	/* Reported as of entry, the program's page is not private yet. */
	pagecause_explain(o, 3, PSTOP_ENTRY, &c);
	assert_int_equal(c.since, -1);
	/* An object mapped by the kernel and relocated by the loader: both load-time. */
	o = object(PSTOP_EXEC);
	o->facts[0].relocs = relocs;
	o->facts[0].nrelocs = 1;
	o->facts[0].words = 300;
	private_from(o, 0, PSTOP_RELOCATED);
	pagecause_explain(o, 0, PSTOP_EXIT, &c);
	assert_int_equal(pagecause_load_end(o), PSTOP_RELOCATED);
	assert_string_equal(c.why, "relocations wrote 300 words: .data.rel.ro RELATIVE(relr) 300");
}

static void test_bss_start_by_kernel_then_relocations(void **state)
{
	(void)state;
	struct pobject *o = object(PSTOP_EXEC);
	o->facts[2].bss_start = 0x121e0;
	o->facts[2].relocs = &relocs[1];
	o->facts[2].nrelocs = 1;
	o->facts[2].words = 12;
	private_from(o, 2, PSTOP_EXEC);
	struct page_cause c;
	pagecause_explain(o, 2, PSTOP_EXIT, &c);
	assert_int_equal(c.since, PSTOP_EXEC);
	assert_string_equal(c.why, "bss begins at 0x121e0: the kernel zeroed the rest of this file page; "
				   "then the loader's relocations wrote 12 words: .got GLOB_DAT 12");
	/* Mapped by the loader instead: the loader zeroed it. */
	o = object(PSTOP_RELOCATED);
	o->facts[2].bss_start = 0x121e0;
	private_from(o, 2, PSTOP_RELOCATED);
	pagecause_explain(o, 2, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "bss begins at 0x121e0: the loader zeroed the rest of this file page");
}

static void test_lazy_binding_names_the_functions(void **state)
{
	(void)state;
	struct pobject *o = object(PSTOP_RELOCATED);
	struct got_slot slots[3] = {
		{.where = 0x11008, .symbol = "printf", .file_word = 0x1036},
		{.where = 0x11010, .symbol = "never_called", .file_word = 0x1046},
		{.where = 0x11018, .symbol = "getpid", .file_word = 0x1056},
	};
	for (int s = PSTOP_RELOCATED; s < NSTOPS; s++)
		for (int k = 0; k < 3; k++) {
			slots[k].seen[s] = true;
			slots[k].value[s] = o->bias + slots[k].file_word; /* relocated, not bound */
		}
	for (int s = PSTOP_EXITING; s < NSTOPS; s++)
		slots[0].value[s] = 0x7f1234567890; /* bound after entry */
	for (int s = PSTOP_ENTRY; s < NSTOPS; s++)
		slots[2].value[s] = 0x7f1234560000; /* by a constructor */
	o->slots = slots;
	o->nslots = 3;
	o->facts[1].relocs = (struct reloc_count[]){{".got.plt", "JUMP_SLOT", 3}};
	o->facts[1].nrelocs = 1;
	o->facts[1].words = 3;
	private_from(o, 1, PSTOP_RELOCATED);
	struct page_cause c;
	pagecause_explain(o, 1, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "relocations wrote 3 words: .got.plt JUMP_SLOT 3 (3 left to lazy binding); "
				   "lazy binding between loaded and entry wrote 1 GOT slot (getpid); "
				   "lazy binding between entry and exiting wrote 1 GOT slot (printf)");
	/* A stop that was not reached (no entry breakpoint): the binding is said between the
	 * stops on either side of it. */
	o->seen[PSTOP_ENTRY] = false;
	for (int k = 0; k < 3; k++)
		slots[k].seen[PSTOP_ENTRY] = false;
	pagecause_explain(o, 1, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "relocations wrote 3 words: .got.plt JUMP_SLOT 3 (3 left to lazy binding); "
				   "lazy binding between loaded and exiting wrote 2 GOT slots (printf, getpid)");
	o->seen[PSTOP_ENTRY] = true;
	for (int k = 0; k < 3; k++)
		slots[k].seen[PSTOP_ENTRY] = true;
	/* A page that only lazy binding made private (the loader never wrote it). */
	o->facts[1].nrelocs = 0;
	o->facts[1].words = 0;
	for (int s = PSTOP_RELOCATED; s < PSTOP_ENTRY; s++)
		o->state[s][1] = PS_FILE;
	pagecause_explain(o, 1, PSTOP_EXIT, &c);
	assert_int_equal(c.since, PSTOP_ENTRY);
	assert_string_equal(c.why, "lazy binding between loaded and entry wrote 1 GOT slot (getpid); "
				   "lazy binding between entry and exiting wrote 1 GOT slot (printf)");
}

static void test_dt_debug_breakpoint_and_text(void **state)
{
	(void)state;
	struct pobject *o = object(PSTOP_EXEC);
	o->dt_debug = 0x10ea0;
	private_from(o, 0, PSTOP_RELOCATED);
	struct page_cause c;
	pagecause_explain(o, 0, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "the loader wrote r_debug's address into DT_DEBUG at 0x10ea0, for debuggers");
	o->facts[3].seg_flags = PF_R | PF_X;
	o->breakpoints[1] = 0x13040;
	private_from(o, 3, PSTOP_ENTRY);
	pagecause_explain(o, 3, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "a breakpoint: mmld wrote int3 at 0x13040 to stop at entry (--soft-breakpoints)");
	o->breakpoints[1] = 0;
	pagecause_explain(o, 3, PSTOP_EXIT, &c);
	assert_string_equal(c.why, "a text page written: a breakpoint or a debugger's write");
}

static void test_dlopen_is_load_time(void **state)
{
	(void)state;
	struct pobject *o = object(PSTOP_EXIT); /* first seen at exit: loaded by dlopen */
	o->facts[0].relocs = relocs;
	o->facts[0].nrelocs = 1;
	o->facts[0].words = 300;
	private_from(o, 0, PSTOP_EXIT);
	struct page_cause c;
	pagecause_explain(o, 0, PSTOP_EXIT, &c);
	assert_int_equal(pagecause_load_end(o), PSTOP_EXIT);
	assert_string_equal(c.why, "relocations wrote 300 words: .data.rel.ro RELATIVE(relr) 300");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relocations_by_section_and_type),
		cmocka_unit_test(test_writer_by_first_private_stop),
		cmocka_unit_test(test_bss_start_by_kernel_then_relocations),
		cmocka_unit_test(test_lazy_binding_names_the_functions),
		cmocka_unit_test(test_dt_debug_breakpoint_and_text),
		cmocka_unit_test(test_dlopen_is_load_time),
	};
	return cmocka_run_group_tests_name("pagecause", tests, NULL, NULL);
}
