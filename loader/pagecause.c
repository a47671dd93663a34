/* Why one page is private: a pure function of what the file says of the page and what the
 * stops saw (tests/unit/test_pagecause.c builds both by hand).
 *
 * The first stop at which the page was private says who wrote it: before "relocated" the
 * loader (or code it ran: IFUNC resolvers), before "loaded" __libc_early_init, before
 * "entry" the initialisers, before "exiting" the program, before "exit" the finalisers. Within that, the file says what: relocated words, the zeroed
 * rest of the page where bss begins, the DT_DEBUG word; GOT slots whose value changed
 * between two stops were written by lazy binding; int3 by --soft-breakpoints. */
#include "pages.h"
#include <elf.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define PG 4096ULL

const char *const pstop_names[NSTOPS] = {"exec", "relocated", "loaded", "entry", "exiting", "exit"};

static void add(struct page_cause *c, const char *fmt, ...)
{
	size_t len = strlen(c->why);
	if (len + 3 >= sizeof c->why)
		return;
	if (len)
		len += (size_t)snprintf(c->why + len, sizeof c->why - len, "; ");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->why + len, sizeof c->why - len, fmt, ap);
	va_end(ap);
}

/* "relocations wrote 363 words: __libc_IO_vtables RELATIVE 171 (relr), .data.rel.ro ...":
 * grouped by section in the order the file lists them, types as readelf -r names them
 * without R_X86_64_, "(relr)" for the packed DT_RELR table. */
/* A lazy GOT slot, relocated but not bound yet, holds its PLT entry's address: the file's
 * word plus the load bias. */
static bool unbound(const struct pobject *o, const struct got_slot *s, int stop)
{
	return s->seen[stop] && s->value[stop] == o->bias + s->file_word;
}

/* Of the JUMP_SLOT words in this page, how many lazy binding still had to write at the
 * first stop after relocation. */
static size_t lazy_left(const struct pobject *o, uint64_t page)
{
	int stop = o->first_stop > PSTOP_RELOCATED ? o->first_stop : PSTOP_RELOCATED;
	while (stop < NSTOPS && (o->nslots == 0 || !o->slots[0].seen[stop]))
		stop++;
	size_t n = 0;
	for (size_t k = 0; k < o->nslots && stop < NSTOPS; k++)
		n += (o->slots[k].where & ~(PG - 1)) == page && unbound(o, &o->slots[k], stop);
	return n;
}

static void add_relocs(struct page_cause *c, const struct pobject *o, const struct page_facts *f, bool later)
{
	char list[400] = "";
	size_t len = 0;
	bool done[64] = {false};
	for (size_t k = 0; k < f->nrelocs && k < 64 && len < sizeof list; k++) {
		if (done[k])
			continue;
		len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", len ? "; " : "", f->relocs[k].section);
		for (size_t j = k; j < f->nrelocs && j < 64 && len < sizeof list; j++) {
			if (done[j] || strcmp(f->relocs[j].section, f->relocs[k].section))
				continue;
			done[j] = true;
			bool relr = strstr(f->relocs[j].type, "(RELR)") != NULL;
			len += (size_t)snprintf(list + len, sizeof list - len, " %s%.*s %u", relr ? "RELATIVE(relr)" : "",
						relr ? 0 : 24, f->relocs[j].type, f->relocs[j].words);
			size_t left = strcmp(f->relocs[j].type, "JUMP_SLOT") == 0 ? lazy_left(o, f->page) : 0;
			if (left && len < sizeof list)
				len += (size_t)snprintf(list + len, sizeof list - len, " (%zu left to lazy binding)", left);
		}
	}
	add(c, "%srelocations wrote %u word%s: %s", later ? "then the loader's " : "", f->words, f->words == 1 ? "" : "s",
	    list);
}

/* GOT slots in this page that were unbound at stop `from` and hold something else at `to`:
 * lazy binding's writes, by function name. (At exec nothing is relocated yet: the loader's
 * own relocation of a slot is not lazy binding.) */
static bool add_lazy(struct page_cause *c, const struct pobject *o, uint64_t page, int from, int to)
{
	char names[320] = "";
	size_t len = 0, n = 0;
	for (size_t k = 0; k < o->nslots && from > PSTOP_EXEC; k++) {
		const struct got_slot *s = &o->slots[k];
		if ((s->where & ~(PG - 1)) != page || !unbound(o, s, from) || !s->seen[to] || s->value[to] == s->value[from])
			continue;
		size_t need = strlen(*s->symbol ? s->symbol : "?") + 2;
		if (len + need < sizeof names - 6)
			len += (size_t)snprintf(names + len, sizeof names - len, "%s%s", n ? ", " : "",
						*s->symbol ? s->symbol : "?");
		else if (!strstr(names, "..."))
			len += (size_t)snprintf(names + len, sizeof names - len, ", ...");
		n++;
	}
	if (!n)
		return false;
	add(c, "lazy binding between %s and %s wrote %zu GOT slot%s (%s)", pstop_names[from], pstop_names[to], n,
	    n == 1 ? "" : "s", names);
	return true;
}

static bool add_breakpoints(struct page_cause *c, const struct pobject *o, uint64_t page)
{
	bool any = false;
	static const char *const at[4] = {"loaded", "entry", "relocated", "exiting"};
	for (int k = 0; k < 4; k++)
		if (o->breakpoints[k] && (o->breakpoints[k] & ~(PG - 1)) == page) {
			add(c, "a breakpoint: mmld wrote int3 at %#lx to stop at %s (--soft-breakpoints)",
			    (unsigned long)o->breakpoints[k], at[k]);
			any = true;
		}
	return any;
}

/* Private from the first look at the object: what loading it wrote. Private already when
 * execve returned: the kernel mapped the object, and zeroed the start of its bss. */
static void explain_load(struct page_cause *c, const struct pobject *o, const struct page_facts *f, bool kernel)
{
	bool text = (f->seg_flags & PF_X) && !(f->seg_flags & PF_W);
	size_t before = strlen(c->why);
	if (f->bss_start)
		add(c, "bss begins at %#lx: %s zeroed the rest of this file page", (unsigned long)f->bss_start,
		    kernel ? "the kernel" : "the loader");
	if (f->words)
		add_relocs(c, o, f, kernel && f->bss_start);
	if (o->dt_debug && (o->dt_debug & ~(PG - 1)) == f->page)
		add(c, "the loader wrote r_debug's address into DT_DEBUG at %#lx, for debuggers", (unsigned long)o->dt_debug);
	if (strlen(c->why) > before)
		return;
	/* Written before the first stop, not by a relocation: by code that ran during loading.
	 * If the first stop is "relocated", that was before __libc_early_init. */
	const char *who = o->first_stop == PSTOP_RELOCATED ? "an IFUNC resolver or the loader, while relocating"
							   : "an IFUNC resolver, __libc_early_init or the loader";
	if (o->is_loader)
		add(c, "the loader's own data, written while it worked");
	else if (text)
		add(c, "a text page written: a breakpoint or a debugger's write");
	else
		add(c, "%s written during loading, not by a relocation (%s)", f->past_file ? "bss" : "data", who);
}

/* The last stop of the object's loading: relocated if that stop saw it (every object is
 * relocated when __libc_early_init is called), else loaded; a dlopen'd object's first stop. */
int pagecause_load_end(const struct pobject *o)
{
	if (o->first_stop > PSTOP_LOADED)
		return o->first_stop;
	return o->seen[PSTOP_RELOCATED] ? PSTOP_RELOCATED : PSTOP_LOADED;
}

void pagecause_explain(const struct pobject *o, size_t i, int at, struct page_cause *c)
{
	const struct page_facts *f = &o->facts[i];
	memset(c, 0, sizeof *c);
	c->since = -1;
	for (int s = o->first_stop; s <= at && c->since < 0; s++)
		if (o->state[s][i] == PS_PRIVATE)
			c->since = s;
	if (c->since < 0)
		return;
	add_breakpoints(c, o, f->page);
	if (c->since <= pagecause_load_end(o))
		explain_load(c, o, f, c->since == PSTOP_EXEC);
	else {
		int prev = c->since - 1;
		while (prev > o->first_stop && !o->seen[prev])
			prev--;
		bool lazy = add_lazy(c, o, f->page, prev, c->since);
		if (!lazy && (f->seg_flags & PF_X) && !(f->seg_flags & PF_W) && !strlen(c->why))
			add(c, "a text page written: a breakpoint or a debugger's write");
		else if (!lazy && !strlen(c->why))
			add(c, c->since == PSTOP_LOADED ? (o->is_loader ? "the loader's own data, written after relocation"
									 : "written by __libc_early_init, libc's own start-up, before any constructor")
			       : c->since == PSTOP_ENTRY ? "written by initialisers (constructors), before the entry point"
			       : c->since == PSTOP_EXIT && o->seen[PSTOP_EXITING]
				       ? "written at exit, after exit() was called: exit handlers and finalisers (destructors)"
				       : "written by the program after its entry point");
	}
	/* Lazy binding into a page already private: said too, with the functions bound, between
	 * each two stops that saw the object (a stop not reached is skipped, not lost). */
	for (int s = c->since + 1, prev = c->since; s <= at; s++)
		if (o->seen[s]) {
			add_lazy(c, o, f->page, prev, s);
			prev = s;
		}
}
