/* mmld pages: which pages of each object a program made private, and why.
 *
 * One traced run of the program (ptrace; hardware breakpoints, so holding it writes no page
 * of it) is stopped at up to six points, and at each the state of every page of every
 * ELF object is read from /proc/PID/pagemap:
 *   exec       execve has returned: what the kernel mapped (the program and its interpreter,
 *              or ld-mmld.so run as the program), as the kernel left it
 *   relocated  libc.so.6's __libc_early_init is called: every object is relocated, libc's
 *              own start-up has not run (not reached by a program without libc.so.6)
 *   loaded     the loader is done: relocated, RELRO read-only, __libc_early_init run; no
 *              initialiser yet (the system loader's _dl_debug_state at RT_CONSISTENT;
 *              ld-mmld.so's MMLD_STOP=loaded)
 *   entry      the program's entry point: the libraries' initialisers have run
 *   exiting    libc's exit() is called: the program is done, no exit handler or finaliser
 *              has run (not reached by a program that calls _exit)
 *   exit       exit_group: everything the program and its finalisers did
 * A page that is private at the last point is explained by the first point at which it was
 * private and by what the file says of it: relocations (sections, types, words), the tail of
 * the last file page the loader zeroes before bss, the DT_DEBUG word, lazy binding (GOT slots
 * whose value changed between points, with the functions' names), a breakpoint, or writes
 * by initialisers or by the program. Pages mapped but never touched are listed too.
 *   pagefacts.c  what the file says of each page (libelf, via elfinfo.c)
 *   pagetrace.c  the traced run and its stops
 *   pagesnap.c   one stop: objects, their load biases, page states, GOT slots
 *   pagecause.c  the explanation of one page (pure, tests/unit/test_pagecause.c)
 *   pages.c      the command and its report */
#ifndef MMLD_PAGES_H
#define MMLD_PAGES_H
#include "elfinfo.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum pstop { PSTOP_EXEC, PSTOP_RELOCATED, PSTOP_LOADED, PSTOP_ENTRY, PSTOP_EXITING, PSTOP_EXIT, NSTOPS };
extern const char *const pstop_names[NSTOPS];

/* A page at one stop. */
enum pstate {
	PS_NONE,    /* the object was not mapped yet, or this page is in no segment */
	PS_ABSENT,  /* mapped, never touched: not resident */
	PS_FILE,    /* resident, still the page cache's page (shared with every mapper of the file) */
	PS_ZERO,    /* an anonymous page read but never written: the kernel's shared zero page */
	PS_PRIVATE, /* this process's own copy: written (copy on write), or anonymous and written */
};

/* Relocations writing into one page, by section and type. */
struct reloc_count {
	char section[32], type[24];
	unsigned words;
};

/* What the file says of one page (link-time address page). */
struct page_facts {
	uint64_t page;
	int seg_flags;             /* PF_R/W/X of its PT_LOAD; 0: in no PT_LOAD (a hole) */
	char sections[80];         /* allocated sections overlapping the page, as readelf -S names them */
	struct reloc_count *relocs;
	size_t nrelocs;            /* groups */
	unsigned words;            /* all relocated words in the page */
	uint64_t bss_start;        /* non-zero: bss starts inside this page (the loader zeroes the rest) */
	bool past_file;            /* wholly past its segment's file bytes: anonymous from birth */
};

/* A GOT slot of a JUMP_SLOT relocation: lazy binding writes it at the first call. */
struct got_slot {
	uint64_t where;            /* link-time */
	const char *symbol;
	uint64_t file_word;        /* what the file holds there: the PLT entry's second half, unrelocated */
	uint64_t value[NSTOPS];
	bool seen[NSTOPS];
};

struct pobject {
	char *path;                /* as /proc/PID/maps names it */
	const struct elf_info *e;
	uintptr_t bias;
	int first_stop;            /* the first stop it was mapped at */
	bool seen[NSTOPS];         /* mapped at that stop */
	bool is_loader;            /* the dynamic linker itself */
	uint64_t lo, hi;           /* link-time page span */
	size_t npages;
	struct page_facts *facts;  /* npages */
	uint8_t *state[NSTOPS];    /* npages each, enum pstate */
	struct got_slot *slots;
	size_t nslots;
	uint64_t dynamic, dynamic_size; /* .dynamic, link-time */
	uint64_t dt_debug;         /* link-time address of a DT_DEBUG word the loader filled, 0 if none */
	uint64_t breakpoints[4];   /* link-time addresses where mmld wrote int3 (--soft-breakpoints) */
};

struct pages_run {
	struct pobject *obj;
	size_t nobj;
	bool taken[NSTOPS];
	bool exact;                /* frame flags readable (kpageflags): zero page told apart */
	const char *loader_path;   /* the interpreter's file */
	char note[256];            /* why a stop was not reached, an exec of another program, ... */
	char span_note[320];       /* an object shown only in part: its span is more than is mapped */
	int trace_errno;           /* the program could not be traced (EPERM: mmld is itself traced) */
};

/* pagefacts.c */
void pagefacts_fill(struct pobject *o);

/* pagesnap.c: the state of every object's pages in pid now, as stop `stop`. */
int pagesnap_take(struct pages_run *r, pid_t pid, int stop);
struct pobject *pagesnap_find(struct pages_run *r, const char *path);

/* pagetrace.c */
struct pages_trace_opts {
	char **argv;               /* PROGRAM ARGS */
	const char *prog;          /* resolved path */
	bool system;               /* the system loader (PT_INTERP) instead of ld-mmld.so */
	bool soft_breakpoints;     /* int3 instead of debug registers */
	bool quiet;                /* the program's output to /dev/null */
	int last;                  /* the last stop wanted */
};
/* Runs the program, snapshots at each stop up to o->last; returns the program's wait status,
 * or -1 if it could not be started. */
int pages_trace(const struct pages_trace_opts *o, struct pages_run *r);

/* pagecause.c: why page i of o is private at stop `at` (a sentence), and when it became so. */
struct page_cause {
	int since;                 /* the first stop at which it was private */
	char why[512];
};
void pagecause_explain(const struct pobject *o, size_t i, int at, struct page_cause *c);
/* The stop by which the object was loaded and relocated. */
int pagecause_load_end(const struct pobject *o);
#endif
