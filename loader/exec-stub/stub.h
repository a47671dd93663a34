/* mmld-exec-stub: the user-space exec behind `mmld exec` (loader/exec.c starts it).
 *
 * The kernel has just exec'd this small static program, so the address space holds only
 * the stub, its stack, [vvar] and [vdso]. The stub then does what the kernel's ELF loader
 * does for an execve, itself: it maps the program and its PT_INTERP interpreter (from the
 * file, or with --copy read() into anonymous memory), places the brk, rebuilds the stack
 * with argv, envp and the auxiliary vector, tells the kernel what it did (prctl PR_SET_MM,
 * so /proc/PID/auxv, cmdline and exe are right), unmaps itself and jumps to the
 * interpreter's entry point (or the program's, for a static program).
 *
 * Freestanding like rtld/ (its syscalls, formatting and header checks come from rtld/lib
 * and rtld/elfcheck.c), so nothing of libc is left behind in the new program's memory.
 *
 * Arguments (from mmld, not meant for people):
 *   mmld-exec-stub [-t] [-c] [-n] [-i INTERP] -e PATH -- ARGV0 ARGS...
 *     -t trace every step on stderr   -c copy segments with read()   -i interpreter to use
 *     -n stop before the jump (exit 0)
 *     -e the file to execute (AT_EXECFN); ARGV0 ARGS... the program's argv */
#ifndef MMLD_EXEC_STUB_H
#define MMLD_EXEC_STUB_H

#include "include/elfdefs.h"
#include "elfcheck.h"
#include "lib/format.h"
#include "lib/string.h"
#include "lib/syscall.h"
#include <stdbool.h>

#define PAGE 4096UL
#define PAGE_DOWN(x) ((uintptr_t)(x) & ~(PAGE - 1))
#define PAGE_UP(x) (((uintptr_t)(x) + PAGE - 1) & ~(PAGE - 1))

/* x86-64's ELF_ET_DYN_BASE: two thirds of the 47-bit user address space, where the kernel
 * puts a PIE program that has an interpreter (before randomisation). */
#define ET_DYN_BASE (((1UL << 47) - PAGE) / 3 * 2)

/* System calls rtld/lib/syscall.h has no wrapper for. */
#define SYS_prctl_ 157
#define SYS_personality_ 135
#define SYS_getrandom_ 318
#define SYS_faccessat_ 269
#define PR_SET_NAME_ 15
#define PR_SET_MM_ 35
#define PR_SET_MM_EXE_FILE_ 13
#define PR_SET_MM_MAP_ 14
#define ADDR_NO_RANDOMIZE_ 0x0040000
#define PROT_GROWSDOWN_ 0x01000000

/* One ELF file being placed: the program, or its interpreter. */
struct image {
	const char *path;
	int fd;
	uint64_t size;             /* of the file */
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;            /* eh.e_phnum entries, in the stub's bss */
	/* filled by image_place() */
	uintptr_t bias;            /* run-time address minus link-time address */
	uintptr_t phdr_addr;       /* where the program headers are in memory: AT_PHDR */
	uintptr_t entry;
	uintptr_t start_code, end_code, start_data, end_data, end_bss; /* run-time, for prctl */
};

/* What the stub was asked to do, and the process it is doing it in. */
struct stub {
	bool trace, copy, dry_run;
	const char *interp_override; /* -i, or NULL: the program's PT_INTERP */
	const char *execfn;          /* -e: the file to execute (AT_EXECFN) */
	const char *exe_path;        /* the ELF file loaded: execfn, or a script's interpreter */
	int argc;
	char **argv;                 /* the program's argv (in the stub's original stack) */
	char **envp;
	Elf64_auxv_t *auxv;          /* the auxv the kernel gave the stub */
	bool randomize;              /* ASLR on: not ADDR_NO_RANDOMIZE and randomize_va_space > 0 */
	int randomize_level;         /* /proc/sys/kernel/randomize_va_space */
	unsigned mmap_rnd_bits;      /* /proc/sys/vm/mmap_rnd_bits */
	uintptr_t stack_lo, stack_hi;/* the [stack] mapping */
	struct image prog, interp;
	bool has_interp;
	bool exec_stack;             /* PT_GNU_STACK asks for an executable stack (or is absent) */
	uintptr_t brk;
	/* memory the stub allocated for itself, unmapped once the new stack is built */
	struct {
		uintptr_t addr;
		size_t len;
	} scratch[8];
	int nscratch;
	/* the new stack, built by stack_build() */
	uintptr_t sp, arg_start, arg_end, env_start, env_end, auxv_addr;
	size_t auxv_words;
};

/* trace.c */
void trace(const struct stub *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
__attribute__((noreturn)) void fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void trace_maps(const struct stub *s, const char *when);
const char *prot_name(int prot);
const char *auxv_name(uint64_t type);
/* Reads a small file (a /proc or /proc/sys entry) into buf, NUL-terminated; bytes read or -1. */
long read_small_file(const char *path, char *buf, size_t n);
/* The [stack] mapping of this process, from /proc/self/maps. */
int find_stack(uintptr_t *lo, uintptr_t *hi);
unsigned long random_long(void);

/* script.c: #! scripts: the interpreter to load instead, and its argv. */
void follow_scripts(struct stub *s);

/* image.c: open, read and check the ELF and program headers; PT_INTERP, PT_GNU_STACK. */
void image_open(const struct stub *s, struct image *im, const char *path, const char *role);
/* The interpreter's path from PT_INTERP, or NULL for a static program. */
const char *image_interp(const struct image *im);
bool image_wants_exec_stack(const struct image *im);

/* place.c: the load bias, and the segments mapped (or copied) into place. */
void image_place(struct stub *s, struct image *im, bool is_interp);

/* brk.c: where the heap starts, as the kernel would put it. */
void brk_place(struct stub *s);

/* stack.c: the new stack, its strings and vectors, written over the old one. */
void stack_build(struct stub *s);

/* handoff.c: tell the kernel what was done (prctl), then the jump. */
__attribute__((noreturn)) void handoff(struct stub *s);

#endif
